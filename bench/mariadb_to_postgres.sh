#!/usr/bin/env bash
# Benchmark: MariaDB -> PostgreSQL on the same data, in one go:
#   customers 200k, orders 2M, order_items 4M rows (with foreign keys) generated in MariaDB,
#   then copied into fresh PostgreSQL databases by
#   (1) migrun, the three tables unchanged (create_tables = true),
#   (2) migrun with a 3-column map on orders,
#   (3) Debian's pgloader (LOAD DATABASE, its defaults: tables, indexes, foreign keys),
#   (4) the raw pipe `mariadb --quick -B -e 'SELECT ...' | psql -c '\copy ... FROM STDIN'`,
#       table by table into tables created beforehand (no foreign keys, no checks; the time
#       to add the two foreign keys afterwards is printed beside it),
#   and migrun copying order_items alone, its first quarter (`where id <= 1000000`) against
#   all 4M, for RSS (a `where`, not --limit, which turns the read-ahead and write-behind off).
# Prints wall time, rows/s, peak RSS of each and the ratios to pgloader and the raw pipe.
# Usage: bench/mariadb_to_postgres.sh [SCALE]   (SCALE 1 = the sizes above; 0.1 for a quick
# look). Starts its own private servers through tests/servers.sh; installs pgloader and
# GNU time when missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scale=${1:-1}

if [ -z "${MIG_TEST_PG_URL:-}" ]; then
  for p in pgloader time; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ -n "${missing[*]:-}" ]; then
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  fi
  bash "$root/scripts/build.sh" release >/dev/null
  exec bash "$root/tests/servers.sh" bash "$0" "$@"
fi

migrun=$root/build/release/migrun
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n_customers=$(awk "BEGIN{print int(200000*$scale)}")
n_orders=$(awk "BEGIN{print int(2000000*$scale)}")
n_items=$(awk "BEGIN{print int(4000000*$scale)}")
total_rows=$((n_customers + n_orders + n_items))
pw=$MIG_TEST_PASSWORD
my() { MYSQL_PWD=$pw mariadb --no-defaults -h 127.0.0.1 -P "$MIG_TEST_MARIADB_PORT" -u mig "$@"; }
pg() { PGPASSWORD=$pw psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$MIG_TEST_PG_PORT" -U mig "$@"; }
my_url="mariadb://mig:$pw@127.0.0.1:$MIG_TEST_MARIADB_PORT/bench"
pg_url() { echo "postgresql://mig:$pw@127.0.0.1:$MIG_TEST_PG_PORT/$1"; }

echo "generating $n_customers customers, $n_orders orders, $n_items order_items in MariaDB ..." >&2
. "$root/bench/orders_data.sh"
generate_orders_data

for db in bench_mig bench_map bench_pgl bench_pipe bench_rss1 bench_rss4; do pg -d postgres -c "CREATE DATABASE $db"; done

plan() {  # plan FILE TARGET_DB MAP_ORDERS
  cat > "$1" <<EOF
plan bench_$2
source legacy = mariadb(env("BENCH_SOURCE"))
target stage = postgres(env("BENCH_TARGET"))
settings {
  create_tables = true
  batch_size = 10000
}
copy legacy.customers -> stage.customers {}
copy legacy.orders -> stage.orders {
$3
}
copy legacy.order_items -> stage.order_items {}
EOF
}
plan "$work/plain.mig" mig ""
plan "$work/map.mig" map '  map { *, total_cents = cents(total), status = upper(status), note = trim(note), drop total }'

# Runs a command under GNU time; prints "SECONDS KB" (wall clock, peak RSS).
measure() {
  local out=$work/time.txt
  /usr/bin/time -v -o "$out" "$@" >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; return 1; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$out" |
         awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out")
  echo "$wall $rss"
}

run_migrun() {  # run_migrun PLAN TARGET_DB [ARGS]
  local p=$1 db=$2; shift 2
  (cd "$work" && BENCH_SOURCE=$my_url BENCH_TARGET=$(pg_url "$db") measure "$migrun" "$p" --quiet --yes "$@")
}

echo "migrun (unchanged) ..." >&2
read -r t_mig rss_mig < <(run_migrun plain.mig bench_mig)
echo "migrun (3-column map on orders) ..." >&2
read -r t_map rss_map < <(run_migrun map.mig bench_map)

echo "pgloader ..." >&2
cat > "$work/load.pgl" <<EOF
LOAD DATABASE
  FROM mysql://mig:$pw@127.0.0.1:$MIG_TEST_MARIADB_PORT/bench
  INTO $(pg_url bench_pgl)
  ALTER SCHEMA 'bench' RENAME TO 'public';
EOF
read -r t_pgl rss_pgl < <(cd "$work" && measure pgloader "$work/load.pgl")

echo "raw pipe ..." >&2
pg -d bench_pipe <<'EOF'
CREATE TABLE customers (id integer PRIMARY KEY, name varchar(100) NOT NULL, email varchar(190) NOT NULL,
  country char(2), created_at timestamp NOT NULL);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id integer NOT NULL, total numeric(12,2) NOT NULL,
  status varchar(20) NOT NULL, created_at timestamp NOT NULL, note text);
CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint NOT NULL, sku varchar(40) NOT NULL,
  quantity integer NOT NULL, price numeric(10,2) NOT NULL);
EOF
cat > "$work/pipe.sh" <<EOF
set -euo pipefail
for t in customers orders order_items; do
  MYSQL_PWD='$pw' mariadb --no-defaults -h 127.0.0.1 -P $MIG_TEST_MARIADB_PORT -u mig --quick -B -N -D bench \
    -e "SELECT * FROM \$t" |
    PGPASSWORD='$pw' psql -X -q -h 127.0.0.1 -p $MIG_TEST_PG_PORT -U mig -d bench_pipe -c "\\\\copy \$t FROM STDIN WITH (NULL 'NULL')"
done
EOF
read -r t_pipe rss_pipe < <(measure bash "$work/pipe.sh")
# What migrun and pgloader also do and the pipe does not: the two foreign keys, validated.
cat > "$work/pipe_fks.sh" <<EOF
PGPASSWORD='$pw' psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $MIG_TEST_PG_PORT -U mig -d bench_pipe \
  -c "ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id)" \
  -c "ALTER TABLE order_items ADD FOREIGN KEY (order_id) REFERENCES orders (id)"
EOF
read -r t_fks _ < <(measure bash "$work/pipe_fks.sh")

echo "migrun order_items alone: 1M vs all rows (peak RSS) ..." >&2
items_plan() {  # items_plan FILE FILTER
  cat > "$1" <<EOF
plan bench_rss
source legacy = mariadb(env("BENCH_SOURCE"))
target stage = postgres(env("BENCH_TARGET"))
settings {
  create_tables = true
  batch_size = 10000
}
copy legacy.order_items -> stage.order_items {$2}
EOF
}
items_plan "$work/items1.mig" " where id <= $((n_items / 4)) "
items_plan "$work/items4.mig" ""
read -r t_r1 rss_r1 < <(run_migrun items1.mig bench_rss1)
rm -rf "$work/.mig"
read -r t_r4 rss_r4 < <(run_migrun items4.mig bench_rss4)

for db in bench_mig bench_map bench_pgl bench_pipe; do
  got=$(pg -d "$db" -At -c "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM orders) + (SELECT count(*) FROM order_items)")
  [ "$got" = "$total_rows" ] || { echo "bench: $db holds $got rows, expected $total_rows" >&2; exit 1; }
done

row() {  # row NAME SECONDS KB
  awk -v n="$1" -v t="$2" -v kb="$3" -v rows="$total_rows" -v pgl="$t_pgl" -v pipe="$t_pipe" \
    'BEGIN { printf "%-26s %8.2f s %10.0f rows/s %8.1f MB   time %5.2fx pgloader, %5.2fx raw pipe\n",
             n, t, rows / t, kb / 1024, t / pgl, t / pipe }'
}
echo
echo "MariaDB -> PostgreSQL, $total_rows rows ($n_customers customers, $n_orders orders, $n_items order_items)"
row "migrun (unchanged)" "$t_mig" "$rss_mig"
row "migrun (map on orders)" "$t_map" "$rss_map"
row "pgloader" "$t_pgl" "$rss_pgl"
row "raw pipe (mariadb | psql)" "$t_pipe" "$rss_pipe"
awk -v p="$t_pipe" -v f="$t_fks" -v m="$t_mig" 'BEGIN { printf "raw pipe + the same 2 foreign keys added after: %.2f s (migrun: %.2fx that)\n", p + f, m / (p + f) }'
awk -v a="$t_pgl" -v b="$t_mig" 'BEGIN { printf "migrun throughput = %.2fx pgloader\n", a / b }'
awk -v r1="$rss_r1" -v r4="$rss_r4" 'BEGIN { printf "migrun peak RSS, order_items: %.1f MB at 1M rows, %.1f MB at 4M rows\n", r1 / 1024, r4 / 1024 }'
