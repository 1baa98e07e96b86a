#!/usr/bin/env bash
# The main job on the embedded default: builds mig, creates the quickstart's SQLite
# databases, reviews the plan (check, explain) and runs it (migrun), then shows status.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/setup.sh"
dir=$(bash "$root/scripts/build.sh" release | tail -n 1)
cd "$root/examples/quickstart"
bash setup.sh
echo "== migc check shop.mig"; "$dir/migc" check shop.mig && echo "ok"
echo "== migc explain shop.mig"; "$dir/migc" explain shop.mig
echo "== migrun shop.mig"
status=0; "$dir/migrun" shop.mig || status=$?
echo "== migrun status shop.mig"; "$dir/migrun" status shop.mig
exit $status
