-- medical_v2 fixture: the v2 schema (new_moh), empty, for SQLite and MariaDB. Staff stay in
-- `users`; `patients` has UUID ids (char(36)) and new medical and demographic columns;
-- appointments, visits and medical_cases point at patients. new_moh.postgres.sql: the same
-- for PostgreSQL.
CREATE TABLE users (
  id         BIGINT NOT NULL PRIMARY KEY,
  role       VARCHAR(20) NOT NULL,
  first_name VARCHAR(100) NOT NULL,
  last_name  VARCHAR(100) NOT NULL,
  email      VARCHAR(190) NOT NULL,
  phone      VARCHAR(30),
  created_at DATETIME NOT NULL,
  updated_at DATETIME,
  UNIQUE (email)
);
CREATE TABLE patients (
  id                CHAR(36) NOT NULL PRIMARY KEY,
  first_name        VARCHAR(100) NOT NULL,
  last_name         VARCHAR(100) NOT NULL,
  email             VARCHAR(190) NOT NULL,
  phone             VARCHAR(30),
  date_of_birth     DATE,
  blood_type        VARCHAR(3),
  emergency_contact VARCHAR(200),
  created_at        DATETIME NOT NULL,
  updated_at        DATETIME,
  UNIQUE (email)
);
CREATE TABLE specialties (
  id   BIGINT NOT NULL PRIMARY KEY,
  name VARCHAR(100) NOT NULL
);
CREATE TABLE rooms (
  id           BIGINT NOT NULL PRIMARY KEY,
  name         VARCHAR(20) NOT NULL,
  floor        INT NOT NULL,
  specialty_id BIGINT,
  FOREIGN KEY (specialty_id) REFERENCES specialties (id)
);
CREATE TABLE appointments (
  id           BIGINT NOT NULL PRIMARY KEY,
  patient_id   CHAR(36) NOT NULL,
  doctor_id    BIGINT NOT NULL,
  room_id      BIGINT,
  scheduled_at DATETIME NOT NULL,
  status       VARCHAR(20) NOT NULL,
  created_at   DATETIME NOT NULL,
  FOREIGN KEY (patient_id) REFERENCES patients (id),
  FOREIGN KEY (doctor_id) REFERENCES users (id),
  FOREIGN KEY (room_id) REFERENCES rooms (id)
);
CREATE TABLE visits (
  id             BIGINT NOT NULL PRIMARY KEY,
  patient_id     CHAR(36) NOT NULL,
  appointment_id BIGINT NOT NULL,
  notes          TEXT,
  visited_at     DATETIME NOT NULL,
  FOREIGN KEY (patient_id) REFERENCES patients (id),
  FOREIGN KEY (appointment_id) REFERENCES appointments (id)
);
CREATE TABLE medical_cases (
  id        BIGINT NOT NULL PRIMARY KEY,
  patient_id CHAR(36) NOT NULL,
  title     VARCHAR(200) NOT NULL,
  opened_at DATETIME NOT NULL,
  closed_at DATETIME,
  FOREIGN KEY (patient_id) REFERENCES patients (id)
);
CREATE TABLE prescriptions (
  id       BIGINT NOT NULL PRIMARY KEY,
  visit_id BIGINT NOT NULL,
  drug     VARCHAR(100) NOT NULL,
  dosage   VARCHAR(100) NOT NULL,
  FOREIGN KEY (visit_id) REFERENCES visits (id)
);
