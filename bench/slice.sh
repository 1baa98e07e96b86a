#!/usr/bin/env bash
# Benchmark: a 1% slice, MariaDB -> PostgreSQL. bench/mariadb_to_postgres.sh's data
# (customers 200k, orders 2M, order_items 4M, with foreign keys) is generated in MariaDB;
# then the orders of 2,000 customers (1% of them, every 100th id) and their order_items are
# copied into fresh PostgreSQL databases by
#   (1) migrun: `copy orders { where customer_id in $ids }` and
#       `copy order_items { follow order_id -> orders }` (create_tables = true),
#   (2) the raw filtered pipe `mariadb --quick -B -e "SELECT ... WHERE customer_id IN (...)"
#       | psql -c '\copy ...'` for orders, and the same for order_items joined to those orders,
#       into tables created beforehand (no foreign keys, no checks).
# Both targets must hold the same row counts. Prints both times and the ratio.
# Usage: bench/slice.sh [SCALE]   (SCALE 1 = the sizes above; 0.1 for a quick look). Starts
# its own private servers through tests/servers.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scale=${1:-1}

if [ -z "${MIG_TEST_PG_URL:-}" ]; then
  bash "$root/scripts/build.sh" release >/dev/null
  exec bash "$root/tests/servers.sh" bash "$0" "$@"
fi

migrun=${MIGRUN:-$root/build/release/migrun}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n_customers=$(awk "BEGIN{print int(200000*$scale)}")
n_orders=$(awk "BEGIN{print int(2000000*$scale)}")
n_items=$(awk "BEGIN{print int(4000000*$scale)}")
n_ids=$((n_customers / 100))
pw=$MIG_TEST_PASSWORD
my() { MYSQL_PWD=$pw mariadb --no-defaults -h 127.0.0.1 -P "$MIG_TEST_MARIADB_PORT" -u mig "$@"; }
pg() { PGPASSWORD=$pw psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$MIG_TEST_PG_PORT" -U mig "$@"; }
my_url="mariadb://mig:$pw@127.0.0.1:$MIG_TEST_MARIADB_PORT/bench"
pg_url() { echo "postgresql://mig:$pw@127.0.0.1:$MIG_TEST_PG_PORT/$1"; }

echo "generating $n_customers customers, $n_orders orders, $n_items order_items in MariaDB ..." >&2
. "$root/bench/orders_data.sh"
generate_orders_data

# Every 100th customer: 1% of them, spread over the whole key range.
ids=$(seq 100 100 $((n_ids * 100)) | paste -sd, -)
for db in slice_mig slice_pipe; do pg -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"; done

cat > "$work/slice.mig" <<EOF
plan bench_slice
source legacy = mariadb(env("BENCH_SOURCE"))
target stage = postgres(env("BENCH_TARGET"))
param ids : list<int>
settings {
  create_tables = true
  batch_size = 10000
}
copy legacy.orders -> stage.orders {
  where customer_id in \$ids
}
copy legacy.order_items -> stage.order_items {
  follow order_id -> orders
}
EOF

# Runs a command; prints its wall time in seconds.
measure() {
  local start end
  start=$(date +%s.%N)
  "$@" >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; return 1; }
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }'
}

echo "migrun (where + follow) ..." >&2
t_mig=$(cd "$work" && BENCH_SOURCE=$my_url BENCH_TARGET=$(pg_url slice_mig) \
          measure "$migrun" slice.mig --quiet --yes --param "ids=$ids")

echo "raw filtered pipe ..." >&2
pg -d slice_pipe <<'EOF'
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id integer NOT NULL, total numeric(12,2) NOT NULL,
  status varchar(20) NOT NULL, created_at timestamp NOT NULL, note text);
CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint NOT NULL, sku varchar(40) NOT NULL,
  quantity integer NOT NULL, price numeric(10,2) NOT NULL);
EOF
cat > "$work/pipe.sh" <<EOF
set -euo pipefail
my() { MYSQL_PWD='$pw' mariadb --no-defaults -h 127.0.0.1 -P $MIG_TEST_MARIADB_PORT -u mig --quick -B -N -D bench -e "\$1"; }
pg() { PGPASSWORD='$pw' psql -X -q -h 127.0.0.1 -p $MIG_TEST_PG_PORT -U mig -d slice_pipe -c "\$1"; }
my "SELECT * FROM orders WHERE customer_id IN ($ids)" | pg "\\\\copy orders FROM STDIN WITH (NULL 'NULL')"
my "SELECT i.* FROM order_items i JOIN orders o ON o.id = i.order_id WHERE o.customer_id IN ($ids)" |
  pg "\\\\copy order_items FROM STDIN WITH (NULL 'NULL')"
EOF
t_pipe=$(measure bash "$work/pipe.sh")

counts() { pg -d "$1" -At -c "SELECT (SELECT count(*) FROM orders) || ' orders, ' || (SELECT count(*) FROM order_items) || ' order_items'"; }
c_mig=$(counts slice_mig)
c_pipe=$(counts slice_pipe)
[ "$c_mig" = "$c_pipe" ] || { echo "bench: migrun copied $c_mig, the pipe $c_pipe" >&2; exit 1; }

echo
echo "MariaDB -> PostgreSQL, the slice of $n_ids customers (1%) of $n_orders orders / $n_items order_items: $c_mig"
printf '%-34s %8.2f s\n' "migrun (where + follow)" "$t_mig"
printf '%-34s %8.2f s\n' "raw filtered pipe (mariadb | psql)" "$t_pipe"
awk -v a="$t_mig" -v b="$t_pipe" 'BEGIN { printf "migrun / raw pipe = %.2fx\n", a / b }'
