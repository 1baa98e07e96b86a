-- culturebridge fixture: the Phase 2 schema on PostgreSQL (DATABASE_URL), empty. Names follow
-- the seed's wording (plans/culturebridge.mig's header); app.sqlite.sql is the same for the
-- plan's `dev` environment.
CREATE TABLE users (
  id            uuid PRIMARY KEY,
  email         text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  role          text NOT NULL CHECK (role IN ('client', 'coach', 'admin')),
  first_name    text NOT NULL,
  last_name     text NOT NULL,
  created_at    timestamp NOT NULL,
  updated_at    timestamp
);
CREATE TABLE client_profiles (
  id         uuid PRIMARY KEY,
  user_id    uuid NOT NULL REFERENCES users (id),
  goals      text,
  quiz_data  jsonb,
  created_at timestamp NOT NULL
);
CREATE TABLE coach_profiles (
  id          uuid PRIMARY KEY,
  user_id     uuid NOT NULL REFERENCES users (id),
  bio         text,
  expertise   jsonb,
  languages   jsonb,
  countries   jsonb,
  hourly_rate numeric(10, 2) NOT NULL,
  created_at  timestamp NOT NULL
);
CREATE TABLE bookings (
  id               uuid PRIMARY KEY,
  client_id        uuid NOT NULL REFERENCES users (id),
  coach_id         uuid NOT NULL REFERENCES users (id),
  status           text NOT NULL CHECK (status IN ('pending', 'confirmed', 'completed', 'cancelled')),
  scheduled_at     timestamp NOT NULL,
  duration_minutes integer NOT NULL,
  notes            text,
  created_at       timestamp NOT NULL
);
CREATE TABLE payments (
  id                uuid PRIMARY KEY,
  booking_id        uuid NOT NULL REFERENCES bookings (id),
  amount            numeric(10, 2) NOT NULL,
  currency          char(3) NOT NULL,
  stripe_payment_id text,
  created_at        timestamp NOT NULL
);
