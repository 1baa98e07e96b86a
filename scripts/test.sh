#!/usr/bin/env bash
# The test command: installs what is missing, builds twice (release with -Werror, Debug
# with ASan+UBSan), starts private PostgreSQL and MariaDB servers (tests/servers.sh) and
# runs every test of both builds against them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh
export MIG_WERROR=1
dirs=()
for flavour in release asan; do
  echo "== $flavour build"
  dirs+=("$(CI=true bash scripts/build.sh "$flavour" | tail -n 1)")
done
bash tests/servers.sh bash -c '
  for dir in "$@"; do
    echo "== tests in $dir"
    (cd "$dir" && ctest --output-on-failure -j2)
  done' _ "${dirs[@]}"
