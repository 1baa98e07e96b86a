#!/usr/bin/env bash
# The main job on the embedded default: builds mig, then runs the quickstart plan.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash scripts/setup.sh
dir=$(bash scripts/build.sh release | tail -n 1)
"$dir/migc" check examples/quickstart/shop.mig
"$dir/migc" explain examples/quickstart/shop.mig
