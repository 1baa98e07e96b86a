#!/usr/bin/env bash
# Builds examples/careportals/careportals.db (the `dev` target of plans/careportals.mig,
# empty) afresh and forgets the progress of earlier runs
# started from the repository root (`migrun plans/careportals.mig --env dev`); the spreadsheet export is sheets/*.csv, one
# file per sheet. On MariaDB/MySQL, run careportals.mariadb.sql on MYSQL_URL's database.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rm -f "$here/careportals.db"
rm -f "$here/../../.mig/state/careportals.dev.db"  # progress of runs from the repository root
sqlite3 "$here/careportals.db" < "$here/careportals.sqlite.sql"
