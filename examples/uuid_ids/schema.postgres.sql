-- uuid_ids fixture schema for PostgreSQL (the plan's production target): as
-- schema.sqlite.sql, with uuid columns and a generated mapping id.
CREATE TABLE users (
  id      text PRIMARY KEY,
  email   text NOT NULL UNIQUE,
  name    text,
  uuid_id uuid,
  auth_id uuid
);
CREATE TABLE clinics (
  id      text PRIMARY KEY,
  name    text NOT NULL,
  uuid_id uuid
);
CREATE TABLE providers (
  id        text PRIMARY KEY,
  clinic_id text NOT NULL REFERENCES clinics(id),
  name      text NOT NULL
);
CREATE TABLE dashboards (
  id           text PRIMARY KEY,
  user_id      text REFERENCES users(id),
  name         text NOT NULL,
  uuid_id      uuid,
  user_uuid_id uuid
);
-- The seed's ID mapping table, keyed by its composite (table_name, old_id): the plan's
-- mapping tasks write exactly these columns.
CREATE TABLE id_mappings (
  table_name text NOT NULL,
  old_id     text NOT NULL,
  new_id     uuid NOT NULL,
  PRIMARY KEY (table_name, old_id)
);
