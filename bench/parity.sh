#!/usr/bin/env bash
# Benchmark: `migrun validate --parity` against the copy it checks. 2M `orders` rows
# (bench/mariadb_to_postgres.sh's data) generated in MariaDB, copied into PostgreSQL by
# migrun with a map (total_cents = cents(total), status = upper(status)), then compared by
# `migrun validate --parity` (both sides streamed in key order, segment checksums). Prints
# wall time, rows/s and peak RSS of each, and the ratio; then corrupts 3 rows and checks that
# parity finds exactly those.
# Usage: bench/parity.sh [SCALE]   (SCALE 1 = 2M rows; 0.1 for a quick look). Starts its own
# private servers through tests/servers.sh. MIGRUN=path picks the binary (default
# build/release/migrun, built when missing).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scale=${1:-1}
migrun=${MIGRUN:-$root/build/release/migrun}

if [ -z "${MIG_TEST_PG_URL:-}" ]; then
  [ -x /usr/bin/time ] || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >&2; }
  [ -x "$migrun" ] || bash "$root/scripts/build.sh" release >/dev/null
  exec env MIGRUN="$migrun" bash "$root/tests/servers.sh" bash "$0" "$@"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n_orders=$(awk "BEGIN{print int(2000000*$scale)}")
pw=$MIG_TEST_PASSWORD
my() { MYSQL_PWD=$pw mariadb --no-defaults -h 127.0.0.1 -P "$MIG_TEST_MARIADB_PORT" -u mig "$@"; }
pg() { PGPASSWORD=$pw psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$MIG_TEST_PG_PORT" -U mig "$@"; }
export BENCH_SOURCE="mariadb://mig:$pw@127.0.0.1:$MIG_TEST_MARIADB_PORT/bench"
export BENCH_TARGET="postgresql://mig:$pw@127.0.0.1:$MIG_TEST_PG_PORT/bench_parity"

echo "generating $n_orders orders in MariaDB ..." >&2
my <<SQL
CREATE DATABASE bench CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
USE bench;
CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, total DECIMAL(12,2) NOT NULL,
  status VARCHAR(20) NOT NULL, created_at DATETIME(6) NOT NULL, note TEXT);
INSERT INTO orders SELECT seq, 1 + (seq * 7919) % 200000, ((seq * 37) % 100000) / 100,
  ELT(1 + seq % 4, 'paid', 'shipped', 'refunded', 'open'), TIMESTAMP('2021-01-01') + INTERVAL seq SECOND,
  IF(seq % 3 = 0, NULL, CONCAT(' note ', seq, ' ')) FROM seq_1_to_${n_orders};
SQL
pg -d postgres -c "CREATE DATABASE bench_parity"

cat > "$work/orders.mig" <<PLAN
plan bench_parity
source legacy = mariadb(env("BENCH_SOURCE"))
target stage = postgres(env("BENCH_TARGET"))
settings {
  create_tables = true
  batch_size = 10000
}
copy legacy.orders -> stage.orders {
  map { *, total_cents = cents(total), status = upper(status), drop total }
}
PLAN

# Runs a command under GNU time; prints "SECONDS KB EXIT" (wall clock, peak RSS, status).
measure() {
  local out=$work/time.txt status=0
  /usr/bin/time -v -o "$out" "$@" >"$work/last.log" 2>&1 || status=$?
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$out" |
         awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out")
  echo "$wall $rss $status"
}

echo "copy ..." >&2
read -r t_copy rss_copy s_copy < <(cd "$work" && measure "$migrun" orders.mig --quiet --yes)
[ "$s_copy" = 0 ] || { cat "$work/last.log" >&2; exit 1; }
echo "validate --parity ..." >&2
read -r t_par rss_par s_par < <(cd "$work" && measure "$migrun" validate orders.mig --parity)
cat "$work/last.log" >&2
[ "$s_par" = 0 ] || { echo "bench: parity failed after a clean copy" >&2; exit 1; }

echo "validate --parity after corrupting 3 rows ..." >&2
pg -d bench_parity -c "UPDATE orders SET total_cents = total_cents + 1 WHERE id = 12345;
  DELETE FROM orders WHERE id = $((n_orders / 2));
  UPDATE orders SET note = '' WHERE id = 3;"
read -r t_bad rss_bad s_bad < <(cd "$work" && measure "$migrun" validate orders.mig --parity --format json)
if ! { grep -q '"missing": 1' "$work/last.log" && grep -q '"changed": 2' "$work/last.log" && [ "$s_bad" = 1 ]; }; then
  cat "$work/last.log" >&2
  echo "bench: parity did not find the 3 corrupted rows" >&2
  exit 1
fi

row() {  # row NAME SECONDS KB
  awk -v n="$1" -v t="$2" -v kb="$3" -v rows="$n_orders" \
    'BEGIN { printf "%-34s %8.2f s %10.0f rows/s %8.1f MB\n", n, t, rows / t, kb / 1024 }'
}
echo
echo "MariaDB -> PostgreSQL, orders, $n_orders rows (map on 2 columns)"
row "copy (migrun)" "$t_copy" "$rss_copy"
row "validate --parity (clean)" "$t_par" "$rss_par"
row "validate --parity (3 rows differ)" "$t_bad" "$rss_bad"
awk -v a="$t_par" -v b="$t_copy" 'BEGIN { printf "parity takes %.2fx the copy time (its rows/s = %.2fx the copy'"'"'s)\n", a / b, b / a }'
