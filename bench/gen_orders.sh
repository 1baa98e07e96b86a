#!/usr/bin/env bash
# Generates the benchmark's SQLite source: table `orders` with ROWS deterministic rows
# (the same file for the same ROWS, so runs compare), and an empty target `orders` with
# the mapped shape (total in cents). Used by bench/sqlite_copy.sh.
# Usage: bench/gen_orders.sh ROWS SOURCE.db TARGET.db
set -euo pipefail
rows=${1:?rows}
source_db=${2:?source db}
target_db=${3:?target db}
rm -f "$source_db" "$target_db"

# total: 0.00 .. 999.99 (NUMERIC(10,2): SQLite stores it as REAL, or INTEGER when whole);
# status in lower case; note padded with blanks (every 10th is null); created_at as ISO text.
sqlite3 "$source_db" >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL,
  total NUMERIC(10,2) NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  note TEXT
);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO orders (id, customer_id, total, status, created_at, note)
SELECT i,
       (i * 7919) % 50000 + 1,
       ((i * 104729) % 100000) / 100.0,
       CASE i % 4 WHEN 0 THEN 'new' WHEN 1 THEN 'paid' WHEN 2 THEN 'shipped' ELSE 'cancelled' END,
       strftime('%Y-%m-%d %H:%M:%S', 1577836800 + i * 37, 'unixepoch'),
       CASE WHEN i % 10 = 0 THEN NULL ELSE '  order ' || i || ' for customer ' || ((i * 7919) % 50000 + 1) || '  ' END
FROM n;
SQL

sqlite3 "$target_db" <<'SQL'
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL,
  total_cents INTEGER NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  note TEXT
);
SQL
