CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT NOT NULL, balance INTEGER NOT NULL);
INSERT INTO accounts VALUES (1, 'ann', 10), (2, 'bob', 0), (3, 'cy', 5), (4, 'dee', -7), (5, 'eve', 3);
