#!/usr/bin/env bash
# Benchmark: `migc check` on a generated plan of 2,000 tasks (target: under 200 ms).
# Usage: bench/check_2000.sh [TASKS] [RUNS]  (builds the release flavour first)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tasks=${1:-2000}
runs=${2:-7}
dir=$(bash "$root/scripts/build.sh" release 2>/dev/null | tail -n 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
plan=$work/big.mig

# Every fourth task follows the previous one, every fourth looks one up: a DAG with
# real edges, filters, maps, checks and expects, like a large real plan.
{
  echo "plan big"
  echo "source old = postgres(env(\"OLD_URL\"))"
  echo "target new = postgres(env(\"NEW_URL\"))"
  echo "param ids : list<int> = [1, 2, 3]"
  for ((i = 0; i < tasks; i++)); do
    echo "copy old.t$i -> new.t$i {"
    if ((i % 4 == 1)); then echo "  follow parent_id -> t$((i - 1))"; else echo "  where customer_id in \$ids and status != \"deleted\""; fi
    echo "  map {"
    echo "    *"
    echo "    email = lower(trim(email))"
    echo "    total_cents = cents(total)"
    if ((i % 4 == 3)); then echo "    owner = lookup(t$((i - 2)), owner_id, default: null)"; fi
    echo "    drop total"
    echo "  }"
    echo "  check total_cents >= 0 else reject as \"negative total\""
    echo "  expect count == source"
    echo "}"
  done
  echo "expect no orphans in new"
} > "$plan"

times=()
for ((r = 0; r < runs; r++)); do
  start=$(date +%s%N)
  "$dir/migc" check "$plan" >/dev/null
  end=$(date +%s%N)
  times+=($(((end - start) / 1000000)))
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n | tr '\n' ' ')
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
echo "migc check: $tasks tasks, $(wc -l < "$plan") lines, $runs runs (ms): $sorted"
echo "median: ${median} ms (target < 200 ms)"
((median < 200)) || { echo "slower than the 200 ms target" >&2; exit 1; }
