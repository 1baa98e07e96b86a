CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL);
INSERT INTO users VALUES (1, 'Ada', 'staff'), (2, 'Bob', 'patient'), (3, 'Cy', 'patient'),
  (4, 'Di', 'staff'), (5, 'Ed', 'visitor');
