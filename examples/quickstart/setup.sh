#!/usr/bin/env bash
# Builds the quickstart's databases afresh: shop.db (the source) and out/stage.db (the
# empty target), and forgets earlier progress, so the demo always starts clean.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$here/shop.db" "$here/out" "$here/.mig" "$here/reports"
mkdir -p "$here/out"
sqlite3 "$here/shop.db" < "$here/shop.sql"
sqlite3 "$here/out/stage.db" < "$here/stage.sql"
