#!/usr/bin/env bash
# Fuzzes the parser with libFuzzer (clang) from fuzz/corpus/. Usage: scripts/fuzz.sh [SECONDS]
# Crashes land in fuzz/crashes/; new inputs are kept in a scratch corpus, not in git.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
bash "$root/scripts/setup.sh"
dir=$root/build/fuzz
cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DMIG_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C "$dir" fuzz_parser >&2
mkdir -p "$root/fuzz/crashes" "$dir/corpus"
"$dir/fuzz_parser" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=4096 \
  -artifact_prefix="$root/fuzz/crashes/" "$dir/corpus" "$root/fuzz/corpus"
