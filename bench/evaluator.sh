#!/usr/bin/env bash
# Benchmark: the runtime evaluator alone (no database, no I/O) on a realistic 10-expression
# `map` over ROWS rows (default 1,000,000): rows/s for the whole map and for each
# expression. The work is the hidden Catch test `[.evalbench]` of tests/evaluator_bench_test.cpp.
# Usage: bench/evaluator.sh [ROWS]   (builds the release flavour first; BUILD_DIR=DIR uses
# an existing build instead). Results: docs/performance.md, section "Evaluator".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rows=${1:-1000000}
dir=${BUILD_DIR:-$(bash "$root/scripts/build.sh" release 2>/dev/null | tail -n 1)}
MIG_EVALBENCH_ROWS=$rows "$dir/mig_tests" "[.evalbench]" | grep -v '^=\+$\|^All tests passed\|^$'
