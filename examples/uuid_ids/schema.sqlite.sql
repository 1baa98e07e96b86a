-- uuid_ids fixture schema for SQLite (the plan's `dev` environment): the tables of seed 002
-- after its additive schema change, i.e. the new UUID columns exist and are still empty.
-- schema.postgres.sql is the same with PostgreSQL types.
CREATE TABLE users (
  id      TEXT PRIMARY KEY,
  email   TEXT NOT NULL UNIQUE,
  name    TEXT,
  uuid_id TEXT,
  auth_id TEXT
);
CREATE TABLE clinics (
  id      TEXT PRIMARY KEY,
  name    TEXT NOT NULL,
  uuid_id TEXT
);
CREATE TABLE providers (
  id        TEXT PRIMARY KEY,
  clinic_id TEXT NOT NULL REFERENCES clinics(id),
  name      TEXT NOT NULL
);
CREATE TABLE dashboards (
  id           TEXT PRIMARY KEY,
  user_id      TEXT REFERENCES users(id),
  name         TEXT NOT NULL,
  uuid_id      TEXT,
  user_uuid_id TEXT
);
-- The seed's ID mapping table, keyed by its composite (table_name, old_id): the plan's
-- mapping tasks write exactly these columns.
CREATE TABLE id_mappings (
  table_name TEXT NOT NULL,
  old_id     TEXT NOT NULL,
  new_id     TEXT NOT NULL,
  PRIMARY KEY (table_name, old_id)
);
