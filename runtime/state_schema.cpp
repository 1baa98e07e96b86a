#include "runtime/state_schema.hpp"

namespace mig {

// Keys and rows are JSON text (runtime/value_json.hpp); times are UTC text
// `YYYY-MM-DD HH:MM:SS.ffffff+00:00`, which sorts chronologically.
const char* const kStateSchemaSql = R"sql(
CREATE TABLE runs (
  id          INTEGER PRIMARY KEY,
  plan        TEXT NOT NULL,
  env         TEXT NOT NULL,
  started_at  TEXT NOT NULL,
  ended_at    TEXT,
  status      TEXT NOT NULL
              CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted', 'aborted')),
  argv        TEXT NOT NULL CHECK (json_valid(argv)),
  pid         INTEGER NOT NULL,
  host        TEXT NOT NULL
);

CREATE TABLE tasks (
  task           TEXT PRIMARY KEY,
  state          TEXT NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'running', 'completed', 'failed', 'skipped')),
  reason         TEXT,
  run_id         INTEGER REFERENCES runs(id),
  rows_read      INTEGER NOT NULL DEFAULT 0,
  rows_written   INTEGER NOT NULL DEFAULT 0,
  rows_rejected  INTEGER NOT NULL DEFAULT 0,
  rows_skipped   INTEGER NOT NULL DEFAULT 0,
  batches        INTEGER NOT NULL DEFAULT 0,
  checkpoint     TEXT CHECK (checkpoint IS NULL OR json_valid(checkpoint)),
  fingerprint    TEXT,
  started_at     TEXT,
  ended_at       TEXT,
  updated_at     TEXT NOT NULL
);

CREATE TABLE rejects (
  id      INTEGER PRIMARY KEY,
  run_id  INTEGER NOT NULL REFERENCES runs(id),
  task    TEXT NOT NULL,
  key     TEXT NOT NULL CHECK (json_valid(key)),
  label   TEXT NOT NULL,
  row     TEXT NOT NULL CHECK (json_valid(row))
);
CREATE INDEX rejects_by_run ON rejects (run_id, task);

CREATE TABLE written_keys (
  id            INTEGER PRIMARY KEY,
  run_id        INTEGER NOT NULL REFERENCES runs(id),
  task          TEXT NOT NULL,
  key           TEXT NOT NULL CHECK (json_valid(key)),
  action        TEXT NOT NULL CHECK (action IN ('inserted', 'updated')),
  before_image  TEXT CHECK (before_image IS NULL OR json_valid(before_image)),
  UNIQUE (run_id, task, key)
);
CREATE INDEX written_keys_by_run ON written_keys (run_id, task, id);

CREATE TABLE crosswalks (
  task        TEXT NOT NULL,
  source_key  TEXT NOT NULL,
  target_key  TEXT NOT NULL,
  run_id      INTEGER NOT NULL,
  PRIMARY KEY (task, source_key)
) WITHOUT ROWID;
CREATE INDEX crosswalks_by_target ON crosswalks (task, target_key);

CREATE TABLE validations (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs(id),
  name        TEXT NOT NULL,
  task        TEXT,
  passed      INTEGER NOT NULL CHECK (passed IN (0, 1)),
  details     TEXT NOT NULL CHECK (json_valid(details)),
  checked_at  TEXT NOT NULL
);
CREATE INDEX validations_by_run ON validations (run_id);
)sql";

// Version 1 -> 2: `migrun rollback` records its progress, so that a killed rollback resumes
// where it stopped and a finished one is never applied twice.
const char* const kStateMigrations[kStateSchemaVersion - 1] = {
    R"sql(
CREATE TABLE rollbacks (
  run_id      INTEGER PRIMARY KEY REFERENCES runs(id),
  status      TEXT NOT NULL
              CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
  reason      TEXT,
  started_at  TEXT NOT NULL,
  ended_at    TEXT,
  argv        TEXT NOT NULL CHECK (json_valid(argv)),
  pid         INTEGER NOT NULL,
  host        TEXT NOT NULL
);

CREATE TABLE rollback_tasks (
  run_id      INTEGER NOT NULL REFERENCES rollbacks(run_id),
  task        TEXT NOT NULL,
  position    INTEGER NOT NULL,
  state       TEXT NOT NULL DEFAULT 'pending'
              CHECK (state IN ('pending', 'running', 'completed')),
  next_id     INTEGER,
  batches     INTEGER NOT NULL DEFAULT 0,
  deleted     INTEGER NOT NULL DEFAULT 0,
  absent      INTEGER NOT NULL DEFAULT 0,
  restored    INTEGER NOT NULL DEFAULT 0,
  reinserted  INTEGER NOT NULL DEFAULT 0,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (run_id, task)
);
)sql",
    // Version 2 -> 3: a run of consecutive inserted integer keys is one row, key..last_key.
    R"sql(
ALTER TABLE written_keys ADD COLUMN last_key TEXT CHECK (last_key IS NULL OR json_valid(last_key));
)sql",
};

}  // namespace mig
