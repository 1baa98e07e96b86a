CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL, city TEXT);
INSERT INTO customers VALUES (1, 'a@x.org', 'Oslo'), (2, 'a@x.org', NULL), (3, 'c@x.org', 'Rome'), (9, 'z@x.org', 'Lima');
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id));
INSERT INTO orders VALUES (1, 1), (2, 3), (3, 9);
