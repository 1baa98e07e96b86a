-- The quickstart's shop (examples/quickstart/shop.sql) in SQL that SQLite, PostgreSQL
-- and MariaDB all take: bounded VARCHARs, exact DECIMAL(10,2), table-level foreign keys.
CREATE TABLE customers (
  id         INTEGER PRIMARY KEY,
  name       VARCHAR(100) NOT NULL,
  email      VARCHAR(200) NOT NULL,
  created_at VARCHAR(30) NOT NULL
);
CREATE TABLE orders (
  id          INTEGER PRIMARY KEY,
  customer_id INTEGER NOT NULL,
  total       DECIMAL(10,2) NOT NULL,
  status      VARCHAR(20) NOT NULL,
  FOREIGN KEY (customer_id) REFERENCES customers (id)
);
CREATE TABLE order_items (
  id       INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL,
  sku      VARCHAR(40) NOT NULL,
  quantity INTEGER NOT NULL,
  FOREIGN KEY (order_id) REFERENCES orders (id)
);
INSERT INTO customers VALUES
  (1, 'Ada Lovelace',   'ada@example.com',          '2024-01-05 09:00:00'),
  (2, 'Alan Turing',    '  Alan.Turing@Example.COM ', '2024-02-11 14:30:00'),
  (3, 'Grace Hopper',   'grace-at-example.com',     '2024-03-20 08:15:00'),
  (4, 'Edsger Dijkstra','edsger@example.com',       '2024-04-01 10:00:00'),
  (5, 'Barbara Liskov', 'barbara@example.com',      '2024-05-17 16:45:00');
INSERT INTO orders VALUES
  (1, 1, 19.99, 'paid'), (2, 1, 5.00, 'paid'), (3, 2, 120.50, 'shipped'),
  (4, 1, 42.00, 'paid'), (5, 4, 7.25, 'paid'), (6, 5, 99.99, 'refunded'),
  (7, 2, -3.10, 'adjustment');
INSERT INTO order_items VALUES
  (1, 1, 'BOOK-1', 1), (2, 1, 'PEN-2', 3), (3, 2, 'CARD-9', 1), (4, 3, 'LAMP-4', 2),
  (5, 4, 'MUG-1', 6), (6, 5, 'BOOK-2', 1), (7, 6, 'DESK-1', 1);
