CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(120) NOT NULL, joined TIMESTAMP, city TEXT);
INSERT INTO customers VALUES (1, 'A@X.org', '2024-03-31 02:30:00', 'Oslo'), (2, 'b@x.org', NULL, NULL);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id), total DECIMAL(10,2) NOT NULL);
INSERT INTO orders VALUES (10, 1, '12.50'), (11, 2, '0.99');
