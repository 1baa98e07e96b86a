#!/usr/bin/env bash
# Configures and builds one flavour of mig: `release` (default, -Werror in CI) or `asan`.
# Usage: scripts/build.sh [release|asan]   -> prints the build directory on the last line.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
flavour=${1:-release}
case "$flavour" in
  release) dir=$root/build/release; flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo) ;;
  asan)    dir=$root/build/asan;    flags=(-DCMAKE_BUILD_TYPE=Debug -DMIG_SANITIZE=ON) ;;
  *) echo "usage: scripts/build.sh [release|asan]" >&2; exit 2 ;;
esac
[ "${CI:-}" = "true" ] && flags+=(-DMIG_WERROR=ON)
cmake -S "$root" -B "$dir" -G Ninja "${flags[@]}" >/dev/null
ninja -C "$dir" >&2
echo "$dir"
