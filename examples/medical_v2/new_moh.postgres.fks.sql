-- medical_v2 fixture: the foreign keys of new_moh.schema.sql, added on PostgreSQL once the
-- plan has run (each ALTER checks every row: an orphan fails it).
ALTER TABLE rooms ADD FOREIGN KEY (specialty_id) REFERENCES specialties (id);
ALTER TABLE appointments ADD FOREIGN KEY (patient_id) REFERENCES patients (id);
ALTER TABLE appointments ADD FOREIGN KEY (doctor_id) REFERENCES users (id);
ALTER TABLE appointments ADD FOREIGN KEY (room_id) REFERENCES rooms (id);
ALTER TABLE visits ADD FOREIGN KEY (patient_id) REFERENCES patients (id);
ALTER TABLE visits ADD FOREIGN KEY (appointment_id) REFERENCES appointments (id);
ALTER TABLE medical_cases ADD FOREIGN KEY (patient_id) REFERENCES patients (id);
ALTER TABLE prescriptions ADD FOREIGN KEY (visit_id) REFERENCES visits (id);
