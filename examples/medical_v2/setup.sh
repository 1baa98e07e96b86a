#!/usr/bin/env bash
# Builds the `dev` databases of plans/medical_v2.mig afresh: examples/medical_v2/old_moh.db
# (v1 with its rows) and new_moh.db (v2, empty), and forgets the progress of earlier runs
# started from the repository root (`migrun plans/medical_v2.mig --env dev`). On MariaDB,
# run old_moh.schema.sql + old_moh.data.sql on OLD_DB_URL's database and new_moh.schema.sql
# on NEW_DB_URL's (new_moh.postgres.sql for a PostgreSQL v2).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rm -f "$here/old_moh.db" "$here/new_moh.db"
rm -f "$here/../../.mig/state/medical_v2.dev.db"  # progress of runs from the repository root
cat "$here/old_moh.schema.sql" "$here/old_moh.data.sql" | sqlite3 "$here/old_moh.db"
sqlite3 "$here/new_moh.db" < "$here/new_moh.schema.sql"
