CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);
INSERT INTO customers VALUES (1, 'ann', 'ann@x.org'), (2, 'bob', 'bob@x.org'), (3, 'it''s me', NULL), (4, 'dan', 'dan@x.org');
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id), total NUMERIC);
INSERT INTO orders VALUES (10, 1, 19.90), (11, 1, 5), (12, 3, 0.5), (13, 4, 100.25), (14, 2, 7);
