-- medical_v2 fixture: the v2 schema (new_moh) for PostgreSQL, as new_moh.schema.sql with
-- PostgreSQL types (patient ids are uuid), without its foreign keys: PostgreSQL cannot switch
-- them off for `fk_checks = deferred`, and the plan's tasks run in any order. They are added
-- after the run by new_moh.postgres.fks.sql, which checks every row (the way pgloader loads).
CREATE TABLE users (
  id         bigint NOT NULL PRIMARY KEY,
  role       varchar(20) NOT NULL,
  first_name varchar(100) NOT NULL,
  last_name  varchar(100) NOT NULL,
  email      varchar(190) NOT NULL,
  phone      varchar(30),
  created_at timestamp NOT NULL,
  updated_at timestamp,
  UNIQUE (email)
);
CREATE TABLE patients (
  id                uuid NOT NULL PRIMARY KEY,
  first_name        varchar(100) NOT NULL,
  last_name         varchar(100) NOT NULL,
  email             varchar(190) NOT NULL,
  phone             varchar(30),
  date_of_birth     DATE,
  blood_type        varchar(3),
  emergency_contact varchar(200),
  created_at        timestamp NOT NULL,
  updated_at        timestamp,
  UNIQUE (email)
);
CREATE TABLE specialties (
  id   bigint NOT NULL PRIMARY KEY,
  name varchar(100) NOT NULL
);
CREATE TABLE rooms (
  id           bigint NOT NULL PRIMARY KEY,
  name         varchar(20) NOT NULL,
  floor        integer NOT NULL,
  specialty_id bigint
);
CREATE TABLE appointments (
  id           bigint NOT NULL PRIMARY KEY,
  patient_id   uuid NOT NULL,
  doctor_id    bigint NOT NULL,
  room_id      bigint,
  scheduled_at timestamp NOT NULL,
  status       varchar(20) NOT NULL,
  created_at   timestamp NOT NULL
);
CREATE TABLE visits (
  id             bigint NOT NULL PRIMARY KEY,
  patient_id     uuid NOT NULL,
  appointment_id bigint NOT NULL,
  notes          text,
  visited_at     timestamp NOT NULL
);
CREATE TABLE medical_cases (
  id        bigint NOT NULL PRIMARY KEY,
  patient_id uuid NOT NULL,
  title     varchar(200) NOT NULL,
  opened_at timestamp NOT NULL,
  closed_at timestamp
);
CREATE TABLE prescriptions (
  id       bigint NOT NULL PRIMARY KEY,
  visit_id bigint NOT NULL,
  drug     varchar(100) NOT NULL,
  dosage   varchar(100) NOT NULL
);
