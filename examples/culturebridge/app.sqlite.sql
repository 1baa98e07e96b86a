-- culturebridge fixture: the Phase 2 schema for SQLite (the plan's `dev` environment),
-- empty; app.postgres.sql with SQLite's types.
CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('client', 'coach', 'admin')),
  first_name    TEXT NOT NULL,
  last_name     TEXT NOT NULL,
  created_at    TEXT NOT NULL,
  updated_at    TEXT
);
CREATE TABLE client_profiles (
  id         TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users (id),
  goals      TEXT,
  quiz_data  TEXT,
  created_at TEXT NOT NULL
);
CREATE TABLE coach_profiles (
  id          TEXT PRIMARY KEY,
  user_id     TEXT NOT NULL REFERENCES users (id),
  bio         TEXT,
  expertise   TEXT,
  languages   TEXT,
  countries   TEXT,
  hourly_rate NUMERIC(10, 2) NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE TABLE bookings (
  id               TEXT PRIMARY KEY,
  client_id        TEXT NOT NULL REFERENCES users (id),
  coach_id         TEXT NOT NULL REFERENCES users (id),
  status           TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'completed', 'cancelled')),
  scheduled_at     TEXT NOT NULL,
  duration_minutes INTEGER NOT NULL,
  notes            TEXT,
  created_at       TEXT NOT NULL
);
CREATE TABLE payments (
  id                TEXT PRIMARY KEY,
  booking_id        TEXT NOT NULL REFERENCES bookings (id),
  amount            NUMERIC(10, 2) NOT NULL,
  currency          TEXT NOT NULL,
  stripe_payment_id TEXT,
  created_at        TEXT NOT NULL
);
