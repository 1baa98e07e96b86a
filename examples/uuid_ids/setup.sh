#!/usr/bin/env bash
# Builds examples/uuid_ids/app.db (the `dev` environment of plans/uuid_ids.mig) afresh from
# schema.sqlite.sql + data.sql and forgets the progress of earlier runs
# started from the repository root (`migrun plans/uuid_ids.mig --env dev`). For PostgreSQL, run
# schema.postgres.sql then data.sql with psql on the database DATABASE_URL names.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rm -f "$here/app.db"
rm -f "$here/../../.mig/state/uuid_ids.dev.db"  # progress of runs from the repository root
cat "$here/schema.sqlite.sql" "$here/data.sql" | sqlite3 "$here/app.db"
