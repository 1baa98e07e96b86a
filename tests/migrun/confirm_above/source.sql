CREATE TABLE countries (code TEXT PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO countries VALUES ('NO', 'Norway'), ('IT', 'Italy'), ('PE', 'Peru');
CREATE TABLE cities (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO cities VALUES (1, 'Oslo'), (2, 'Rome');
