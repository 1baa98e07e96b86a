CREATE TABLE inputs (id INTEGER PRIMARY KEY, amount TEXT, price TEXT, phone TEXT, email TEXT,
  address1 TEXT, address2 TEXT, city TEXT, province TEXT, postal TEXT);
INSERT INTO inputs VALUES
  (1, ' $1,234.50 ', '10.00', '(555) 123-4567', '  Ada@Example.COM ', '12 Oak St Apt', NULL, ' Toronto ', 'ON', 'M5V 2T6'),
  (2, '0.005', '19.99', '+44 20 7946 0958', 'bob@mail.example.org', '7 Elm Rd Unit', 'Suite 4', 'London', '', 'sw1a 1aa'),
  (3, '-3', '0.10', '12345', 'nobody', NULL, NULL, NULL, NULL, NULL);
