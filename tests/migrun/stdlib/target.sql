CREATE TABLE outputs (id INTEGER PRIMARY KEY, cents INTEGER, dollars TEXT, with_tax TEXT,
  phone TEXT, is_phone INTEGER, email TEXT, is_email INTEGER, domain TEXT, email_hash TEXT,
  address_key TEXT, address_id TEXT);
