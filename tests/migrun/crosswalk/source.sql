CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO users VALUES (7, 'ann'), (8, 'bob'), (42, 'cy');
CREATE TABLE skus (region TEXT NOT NULL, code TEXT NOT NULL, label TEXT NOT NULL, PRIMARY KEY (region, code));
INSERT INTO skus VALUES ('eu', 'a,"b"', 'comma and quotes'), ('us', 'x' || char(10) || 'y', 'newline'), ('us', 'plain', 'plain');
CREATE TABLE visits (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL);
INSERT INTO visits VALUES (1, 7), (2, 42);
