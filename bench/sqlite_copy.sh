#!/usr/bin/env bash
# Benchmark: copy one SQLite table of ROWS rows (default 1,000,000) to another SQLite file
# with a 3-column map, (a) with `migrun` and (b) with sqlite3's own ATTACH + INSERT ...
# SELECT, on the same data; prints wall time, rows/s and peak RSS of each, and the ratios.
# Usage: bench/sqlite_copy.sh [ROWS]   (builds the release flavour first; needs sqlite3 and
# GNU time, installed with apt-get when missing). BENCH_KEEP=DIR keeps the files in DIR.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rows=${1:-1000000}

# GNU time gives the peak RSS (the shell's `time` does not).
need() { command -v "$1" >/dev/null 2>&1 || [ -x "$2" ]; }
if ! need sqlite3 /usr/bin/sqlite3 || ! [ -x /usr/bin/time ]; then
  echo "installing sqlite3 and time" >&2
  apt-get update -qq >&2 && apt-get install -y -qq sqlite3 time >&2
fi

dir=$(bash "$root/scripts/build.sh" release 2>/dev/null | tail -n 1)
if [ -n "${BENCH_KEEP:-}" ]; then
  work=$BENCH_KEEP
  rm -rf "$work" && mkdir -p "$work"
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

echo "generating $rows rows ..." >&2
bash "$root/bench/gen_orders.sh" "$rows" "$work/source.db" "$work/target_mig.db"
cp "$work/target_mig.db" "$work/target_sql.db"

cat > "$work/copy.mig" <<'EOF'
plan bench_copy

source src = sqlite("source.db")
target dst = sqlite("target_mig.db")

copy src.orders -> dst.orders {
  map {
    *
    total_cents = cents(total)
    status = upper(status)
    note = trim(note)
    drop total
  }
}
EOF

# The same copy in SQLite's SQL: round() is half away from zero, as cents() is.
cat > "$work/copy.sql" <<EOF
ATTACH '$work/source.db' AS s;
ATTACH '$work/target_sql.db' AS t;
INSERT INTO t.orders (id, customer_id, total_cents, status, created_at, note)
SELECT id, customer_id, CAST(round(total * 100) AS INTEGER), upper(status), created_at, trim(note)
FROM s.orders;
EOF

# Runs a command under GNU time; prints "SECONDS KB" (wall clock, peak RSS).
measure() {
  local out=$work/time.txt
  /usr/bin/time -v -o "$out" "$@" >/dev/null
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
           n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$out")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out")
  echo "$wall $rss"
}

echo "migrun copy ..." >&2
read -r mig_s mig_kb < <(cd "$work" && measure "$dir/migrun" copy.mig --yes --quiet)
echo "sqlite3 ATTACH copy ..." >&2
read -r sql_s sql_kb < <(measure sqlite3 :memory: ".read $work/copy.sql")

# Both copies must hold the same rows, or the comparison means nothing.
mig_rows=$(sqlite3 "$work/target_mig.db" "SELECT count(*) FROM orders")
sql_rows=$(sqlite3 "$work/target_sql.db" "SELECT count(*) FROM orders")
diff_rows=$(sqlite3 :memory: "ATTACH '$work/target_mig.db' AS a; ATTACH '$work/target_sql.db' AS b;
  SELECT count(*) FROM (SELECT * FROM a.orders EXCEPT SELECT * FROM b.orders);")
if [ "$mig_rows" != "$rows" ] || [ "$sql_rows" != "$rows" ] || [ "$diff_rows" != 0 ]; then
  echo "mismatch: migrun wrote $mig_rows rows, sqlite3 $sql_rows, $diff_rows differ" >&2
  exit 1
fi

awk -v rows="$rows" -v ms="$mig_s" -v mk="$mig_kb" -v ss="$sql_s" -v sk="$sql_kb" 'BEGIN {
  printf "rows: %d (identical targets)\n", rows
  printf "%-16s %10s %12s %14s\n", "", "wall (s)", "rows/s", "peak RSS (MB)"
  printf "%-16s %10.2f %12.0f %14.1f\n", "migrun", ms, rows / ms, mk / 1024
  printf "%-16s %10.2f %12.0f %14.1f\n", "sqlite3 ATTACH", ss, rows / ss, sk / 1024
  printf "ratio migrun/sqlite3: %.1fx the time, %.1fx the memory\n", ms / ss, mk / sk
}'
