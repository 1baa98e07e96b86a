-- careportals fixture: the target schema on MariaDB/MySQL (MYSQL_URL), empty. The seed
-- (000) runs CAREPORTALS_MYSQL_DDL.sql without showing it; these tables have the columns its
-- migrate_data.py writes: amounts converted by dollars_to_cents are INT cents, the others
-- (refunds, coupons, subscriptions) exact DECIMAL dollars. careportals.sqlite.sql: the same
-- for the plan's `dev` environment.
CREATE TABLE customers (
  customer_id VARCHAR(64) NOT NULL PRIMARY KEY,
  email       VARCHAR(190) NOT NULL,
  first_name  VARCHAR(100),
  last_name   VARCHAR(100),
  phone       BIGINT NOT NULL DEFAULT 0,
  created_at  DATETIME NOT NULL,
  updated_at  DATETIME NOT NULL
);
CREATE TABLE addresses (
  address_id    CHAR(32) NOT NULL PRIMARY KEY,
  address1      VARCHAR(200),
  address2      VARCHAR(200),
  city          VARCHAR(100),
  province_code VARCHAR(10),
  postal_code   VARCHAR(20),
  country_code  CHAR(2)
);
CREATE TABLE products (
  product_id    VARCHAR(64) NOT NULL PRIMARY KEY,
  name          VARCHAR(200) NOT NULL,
  list_price    INT,
  sale_price    INT,
  renewal_price INT,
  active        BOOLEAN NOT NULL DEFAULT TRUE,
  created_at    DATETIME NOT NULL,
  updated_at    DATETIME NOT NULL
);
CREATE TABLE coupons (
  code            VARCHAR(50) NOT NULL PRIMARY KEY,
  description     VARCHAR(200),
  percent_off     INT,
  amount_off      DECIMAL(10, 2),
  max_redemptions INT
);
CREATE TABLE orders (
  order_id                  VARCHAR(64) NOT NULL PRIMARY KEY,
  customer_id               VARCHAR(64) NOT NULL,
  product_id                VARCHAR(64),
  status                    VARCHAR(30) NOT NULL,
  total_amount              INT,
  discount_amount           INT,
  base_amount               INT,
  credit_used_amount        INT,
  discount_reduction_amount INT,
  coupon_code               VARCHAR(50),
  shipping_address_id       CHAR(32),
  created_at                DATETIME(3),  -- webhook times carry milliseconds
  updated_at                DATETIME NOT NULL,
  FOREIGN KEY (customer_id) REFERENCES customers (customer_id),
  FOREIGN KEY (product_id) REFERENCES products (product_id),
  FOREIGN KEY (coupon_code) REFERENCES coupons (code),
  FOREIGN KEY (shipping_address_id) REFERENCES addresses (address_id)
);
CREATE TABLE payments (
  charge_id              VARCHAR(64) NOT NULL PRIMARY KEY,
  order_id               VARCHAR(64),
  customer_id            VARCHAR(64),
  amount                 INT NOT NULL,
  application_fee_amount INT NOT NULL DEFAULT 0,
  currency               CHAR(3) NOT NULL,
  payment_intent_id      VARCHAR(64),
  created_at             DATETIME NOT NULL,
  webhook_received_at    DATETIME NOT NULL,
  FOREIGN KEY (order_id) REFERENCES orders (order_id),
  FOREIGN KEY (customer_id) REFERENCES customers (customer_id)
);
CREATE TABLE refunds (
  refund_id  VARCHAR(64) NOT NULL PRIMARY KEY,
  charge_id  VARCHAR(64) NOT NULL,
  amount     DECIMAL(10, 2) NOT NULL,
  reason     VARCHAR(100),
  created_at DATETIME NOT NULL,
  FOREIGN KEY (charge_id) REFERENCES payments (charge_id)
);
CREATE TABLE subscriptions_active (
  subscription_id    VARCHAR(64) NOT NULL PRIMARY KEY,
  customer_id        VARCHAR(64),
  product_id         VARCHAR(64),
  status             VARCHAR(30) NOT NULL,
  current_period_end DATETIME,
  amount             DECIMAL(10, 2),
  FOREIGN KEY (customer_id) REFERENCES customers (customer_id),
  FOREIGN KEY (product_id) REFERENCES products (product_id)
);
CREATE TABLE subscriptions_paused (
  subscription_id VARCHAR(64) NOT NULL PRIMARY KEY,
  customer_id     VARCHAR(64),
  paused_at       DATETIME NOT NULL,
  resume_at       DATETIME,
  FOREIGN KEY (customer_id) REFERENCES customers (customer_id)
);
CREATE TABLE subscriptions_cancelled (
  subscription_id VARCHAR(64) NOT NULL PRIMARY KEY,
  customer_id     VARCHAR(64),
  cancelled_at    DATETIME NOT NULL,
  reason          VARCHAR(200),
  FOREIGN KEY (customer_id) REFERENCES customers (customer_id)
);
CREATE TABLE order_status_updates (
  order_id   VARCHAR(64) NOT NULL,
  updated_at DATETIME NOT NULL,
  status     VARCHAR(30) NOT NULL,
  PRIMARY KEY (order_id, updated_at),
  FOREIGN KEY (order_id) REFERENCES orders (order_id)
);
CREATE TABLE orders_cancelled (
  order_id     VARCHAR(64) NOT NULL PRIMARY KEY,
  cancelled_at DATETIME NOT NULL,
  reason       VARCHAR(200),
  FOREIGN KEY (order_id) REFERENCES orders (order_id)
);
CREATE TABLE questionnaire_responses (
  questionnaire_id VARCHAR(64) NOT NULL,
  question_id      VARCHAR(64) NOT NULL,
  question_text    VARCHAR(500) NOT NULL,
  answer_type      VARCHAR(30) NOT NULL,
  PRIMARY KEY (questionnaire_id, question_id)
);
CREATE TABLE subscriptions_audit_log (
  subscription_id VARCHAR(64) NOT NULL,
  event_time      DATETIME NOT NULL,
  event           VARCHAR(30) NOT NULL,
  details         VARCHAR(500),
  PRIMARY KEY (subscription_id, event_time)
);
