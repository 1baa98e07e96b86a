# The MariaDB data of the orders benchmarks (bench/mariadb_to_postgres.sh, bench/slice.sh):
# database `bench` with customers, orders and order_items and their foreign keys, made by
# MariaDB's sequence engine. Sourced; needs `my` (the mariadb client) and n_customers,
# n_orders, n_items set by the caller.
generate_orders_data() {
my <<EOF
CREATE DATABASE bench CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
USE bench;
CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, email VARCHAR(190) NOT NULL,
  country CHAR(2), created_at DATETIME(6) NOT NULL);
CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, total DECIMAL(12,2) NOT NULL,
  status VARCHAR(20) NOT NULL, created_at DATETIME(6) NOT NULL, note TEXT,
  FOREIGN KEY (customer_id) REFERENCES customers(id));
CREATE TABLE order_items (id BIGINT PRIMARY KEY, order_id BIGINT NOT NULL, sku VARCHAR(40) NOT NULL,
  quantity INT NOT NULL, price DECIMAL(10,2) NOT NULL, FOREIGN KEY (order_id) REFERENCES orders(id));
SET FOREIGN_KEY_CHECKS = 0;
INSERT INTO customers SELECT seq, CONCAT('Customer ', seq), CONCAT('c', seq, '@example.com'),
  ELT(1 + seq % 5, 'NO', 'DE', 'FR', 'US', NULL), TIMESTAMP('2020-01-01') + INTERVAL seq MINUTE
  FROM seq_1_to_${n_customers};
INSERT INTO orders SELECT seq, 1 + (seq * 7919) % ${n_customers}, ((seq * 37) % 100000) / 100,
  ELT(1 + seq % 4, 'paid', 'shipped', 'refunded', 'open'), TIMESTAMP('2021-01-01') + INTERVAL seq SECOND,
  IF(seq % 3 = 0, NULL, CONCAT(' note ', seq, ' ')) FROM seq_1_to_${n_orders};
INSERT INTO order_items SELECT seq, 1 + (seq - 1) % ${n_orders}, CONCAT('SKU-', seq % 5000), 1 + seq % 9,
  ((seq * 13) % 10000) / 100 FROM seq_1_to_${n_items};
EOF
}
