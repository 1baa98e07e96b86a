#!/usr/bin/env bash
# Builds examples/culturebridge/app.db (the `dev` target of plans/culturebridge.mig, empty)
# afresh and forgets the progress of earlier runs
# started from the repository root (`migrun plans/culturebridge.mig --env dev`); the Bubble export is migration_data/*.csv. On
# PostgreSQL, run app.postgres.sql with psql on the database DATABASE_URL names.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rm -f "$here/app.db"
rm -f "$here/../../.mig/state/culturebridge.dev.db"  # progress of runs from the repository root
sqlite3 "$here/app.db" < "$here/app.sqlite.sql"
