#!/usr/bin/env bash
# The test command: installs what is missing, builds twice (release with -Werror,
# Debug with ASan+UBSan), and runs every test in both builds.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh
export MIG_WERROR=1
for flavour in release asan; do
  echo "== $flavour build"
  dir=$(CI=true bash scripts/build.sh "$flavour" | tail -n 1)
  echo "== $flavour tests"
  (cd "$dir" && ctest --output-on-failure -j2)
done
