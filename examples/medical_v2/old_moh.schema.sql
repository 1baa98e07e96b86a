-- medical_v2 fixture: the v1 schema (old_moh), one file for SQLite and MariaDB (table-level
-- foreign keys, types both accept). One `users` table for staff and patients.
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
  user_id      BIGINT NOT NULL,
  doctor_id    BIGINT NOT NULL,
  room_id      BIGINT,
  scheduled_at DATETIME NOT NULL,
  status       VARCHAR(20) NOT NULL,
  created_at   DATETIME NOT NULL,
  FOREIGN KEY (user_id) REFERENCES users (id),
  FOREIGN KEY (doctor_id) REFERENCES users (id),
  FOREIGN KEY (room_id) REFERENCES rooms (id)
);
CREATE TABLE visits (
  id             BIGINT NOT NULL PRIMARY KEY,
  user_id        BIGINT NOT NULL,
  appointment_id BIGINT NOT NULL,
  notes          TEXT,
  visited_at     DATETIME NOT NULL,
  FOREIGN KEY (user_id) REFERENCES users (id),
  FOREIGN KEY (appointment_id) REFERENCES appointments (id)
);
CREATE TABLE medical_cases (
  id        BIGINT NOT NULL PRIMARY KEY,
  user_id   BIGINT NOT NULL,
  title     VARCHAR(200) NOT NULL,
  opened_at DATETIME NOT NULL,
  closed_at DATETIME,
  FOREIGN KEY (user_id) REFERENCES users (id)
);
CREATE TABLE prescriptions (
  id       BIGINT NOT NULL PRIMARY KEY,
  visit_id BIGINT NOT NULL,
  drug     VARCHAR(100) NOT NULL,
  dosage   VARCHAR(100) NOT NULL,
  FOREIGN KEY (visit_id) REFERENCES visits (id)
);
