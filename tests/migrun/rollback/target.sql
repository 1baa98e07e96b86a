CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);
INSERT INTO customers VALUES (2, 'Bob (old)', 'bob@old.org'), (3, 'Carl; --', 'c@x.org'), (9, 'kept', NULL);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id), total NUMERIC);
INSERT INTO orders VALUES (1, 9, 1.5);
