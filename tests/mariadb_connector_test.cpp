// mig::MariadbConnector against the private MariaDB server of tests/servers.sh: the URL,
// the information_schema catalog, typed keyset reads (zero dates refused), exact round
// trips of every type, the on-conflict policies, refused rows, commit markers, hostile
// names that must stay names, TLS, and errors that never show the password.
#include "runtime/mariadb_connector.hpp"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>

#include "runtime/connect.hpp"
#include "runtime/mariadb_url.hpp"
#include "runtime/mariadb_values.hpp"
#include "runtime/value_text.hpp"
#include "tests/server_helpers.hpp"

using Catch::Matchers::Contains;
using mig::BaseType;
using mig::Batch;
using mig::ConflictPolicy;
using mig::MariadbConnector;
using mig::ReadRequest;
using mig::Row;
using mig::Value;
using mig::WriteRequest;
using mig::test::fresh_mariadb_database;
using mig::test::mariadb_sql;

namespace {

std::unique_ptr<MariadbConnector> open_url(const std::string& url) {
  mig::Result<std::unique_ptr<MariadbConnector>> c = MariadbConnector::open(url);
  INFO((c.ok() ? "" : c.error().message));
  REQUIRE(c.ok());
  return std::move(*c);
}

// A fresh database `name` made with `ddl` (run by the mariadb client), and a connector on it.
std::unique_ptr<MariadbConnector> make_db(const std::string& name, const std::string& ddl) {
  std::string url = fresh_mariadb_database(name);
  if (!ddl.empty()) mariadb_sql(name, ddl);
  return open_url(url);
}

Value I(int64_t v) { return Value::integer(v); }
Value T(const std::string& v) { return Value::text(v); }
Value D(const std::string& v) { return Value::decimal(*mig::Decimal::parse(v)); }

Batch batch(std::vector<std::string> columns, std::vector<Row> rows) {
  Batch b;
  b.columns = std::move(columns);
  b.rows = std::move(rows);
  return b;
}

// Writes one batch in its own transaction and commits it (REQUIREs success).
mig::WriteOutcome write_committed(MariadbConnector& c, const WriteRequest& req, const Batch& b,
                                  int64_t seq = 1) {
  REQUIRE(c.begin().ok());
  mig::Result<mig::WriteOutcome> out = c.write(req, b);
  INFO((out.ok() ? "" : out.error().message));
  REQUIRE(out.ok());
  mig::Status s = c.commit({"plan", "dev", req.table, seq}, "{}");
  INFO((s.ok() ? "" : s.error().message));
  REQUIRE(s.ok());
  return *out;
}

std::string texts(const Row& row) {
  std::string out;
  for (const Value& v : row)
    out += (out.empty() ? "" : "|") + (v.is_null() ? "null" : mig::to_text(v));
  return out;
}

// Every page of `req` (following `after`), as lines of texts.
std::vector<std::string> read_all(MariadbConnector& c, ReadRequest req, size_t* pages = nullptr) {
  std::vector<std::string> lines;
  size_t n = 0;
  for (;;) {
    mig::Result<Batch> b = c.read(req);
    INFO((b.ok() ? "" : b.error().message));
    REQUIRE(b.ok());
    if (b->rows.empty()) break;
    ++n;
    for (const Row& r : b->rows) lines.push_back(texts(r));
    Row last;
    for (const std::string& k : req.key)
      last.push_back(b->rows.back()[static_cast<size_t>(
          std::find(req.columns.begin(), req.columns.end(), k) - req.columns.begin())]);
    req.after = last;
  }
  if (pages) *pages = n;
  return lines;
}

const mig::TableInfo* find_table(const mig::Catalog& cat, const std::string& schema,
                                 const std::string& name) {
  const mig::TableInfo* t = cat.find(schema, name);
  INFO(schema + "." + name);
  REQUIRE(t != nullptr);
  return t;
}

}  // namespace

TEST_CASE("mariadb URLs: parts percent-decoded, TLS options, others refused", "[mariadb]") {
  mig::Result<mig::MariadbUrl> u = mig::parse_mariadb_url(
      "mariadb://us%40er:p%40ss:w@rd@db.example:3307/"
      "my%20db?ssl-ca=%2Ftmp%2Fca.pem&ssl-verify-server-cert=true");
  REQUIRE(u.ok());
  CHECK(u->user == "us@er");
  CHECK(u->password.value_or("") == "p@ss:w@rd");
  CHECK(u->host == "db.example");
  CHECK(u->port == 3307);
  CHECK(u->database == "my db");
  CHECK(u->ssl);
  CHECK(u->ssl_ca == "/tmp/ca.pem");
  CHECK(u->verify_server_cert);

  mig::Result<mig::MariadbUrl> plain = mig::parse_mariadb_url("mysql://app@[::1]/shop");
  REQUIRE(plain.ok());
  CHECK(plain->host == "::1");
  CHECK(plain->port == 3306);
  CHECK_FALSE(plain->password.has_value());
  CHECK_FALSE(plain->ssl);

  mig::Result<mig::MariadbUrl> bad =
      mig::parse_mariadb_url("mariadb://app:hunter2@db/shop?sslmode=require");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message ==
        "MariaDB URL `mariadb://app:***@db/shop?sslmode=require`: unknown option `sslmode` (the "
        "known "
        "ones are `ssl`, `ssl-ca`, `ssl-cert`, `ssl-key`, `ssl-verify-server-cert`)");
  mig::Result<mig::MariadbUrl> port = mig::parse_mariadb_url("mariadb://app:hunter2@db:99999/shop");
  REQUIRE_FALSE(port.ok());
  CHECK_THAT(port.error().message, Contains("port `99999`"));
  CHECK(port.error().message.find("hunter2") == std::string::npos);
  CHECK_FALSE(mig::parse_mariadb_url("postgres://db/x").ok());
}

TEST_CASE("mariadb: a wrong password is an error that never shows it", "[mariadb]") {
  fresh_mariadb_database("myc_wrongpw");
  std::string url = "mariadb://mig:not-the-Secret-42@127.0.0.1:" +
                    mig::test::server_env("MIG_TEST_MARIADB_PORT") + "/myc_wrongpw";
  mig::ConnectorSpec spec;
  spec.kind = "mysql";
  spec.location = url;
  mig::Result<std::unique_ptr<mig::Connector>> c = mig::connect(spec);
  REQUIRE_FALSE(c.ok());
  CHECK_THAT(c.error().message,
             Contains("cannot connect to MariaDB at `mariadb://mig:***@127.0.0.1:") &&
                 Contains("Access denied"));
  CHECK(c.error().message.find("not-the-Secret-42") == std::string::npos);

  // No password in the URL: MYSQL_PWD gives it.
  std::string no_pw =
      "mariadb://mig@127.0.0.1:" + mig::test::server_env("MIG_TEST_MARIADB_PORT") + "/myc_wrongpw";
  setenv("MYSQL_PWD", mig::test::server_env("MIG_TEST_PASSWORD").c_str(), 1);
  mig::Result<std::unique_ptr<MariadbConnector>> ok = MariadbConnector::open(no_pw);
  unsetenv("MYSQL_PWD");
  INFO((ok.ok() ? "" : ok.error().message));
  CHECK(ok.ok());
}

TEST_CASE("mariadb: TLS with a verified server certificate", "[mariadb]") {
  fresh_mariadb_database("myc_tls");
  std::string base = "mariadb://mig:" + mig::test::server_env("MIG_TEST_PASSWORD") +
                     "@localhost:" + mig::test::server_env("MIG_TEST_MARIADB_PORT") + "/myc_tls";
  auto c = open_url(base + "?ssl-ca=" + mig::test::server_env("MIG_TEST_CA") +
                    "&ssl-verify-server-cert=true");
  mig::Result<Value> cipher =
      c->query_value({"SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS "
                      "WHERE VARIABLE_NAME = 'Ssl_cipher'",
                      {}});
  REQUIRE(cipher.ok());
  CHECK_FALSE(mig::to_text(*cipher).empty());

  // The server's certificate also names 127.0.0.1 (subjectAltName): verified there too.
  std::string by_ip = "mariadb://mig:" + mig::test::server_env("MIG_TEST_PASSWORD") +
                      "@127.0.0.1:" + mig::test::server_env("MIG_TEST_MARIADB_PORT") +
                      "/myc_tls?ssl-ca=" + mig::test::server_env("MIG_TEST_CA") +
                      "&ssl-verify-server-cert=true";
  mig::Result<std::unique_ptr<MariadbConnector>> ip = MariadbConnector::open(by_ip);
  INFO((ip.ok() ? "" : ip.error().message));
  CHECK(ip.ok());

  // A CA that did not sign the server's certificate: refused, and the password not shown.
  mig::test::TempDir dir("myc_tls");
  std::string other_ca = (dir / "other.crt").string();
  REQUIRE(
      std::system(("openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=other -keyout '" +
                   (dir / "other.key").string() + "' -out '" + other_ca + "' >/dev/null 2>&1")
                      .c_str()) == 0);
  mig::Result<std::unique_ptr<MariadbConnector>> foreign =
      MariadbConnector::open(base + "?ssl-ca=" + other_ca + "&ssl-verify-server-cert=true");
  REQUIRE_FALSE(foreign.ok());
  CHECK_THAT(foreign.error().message,
             Contains("cannot connect to MariaDB at `mariadb://mig:***@localhost:"));
  CHECK(foreign.error().message.find(mig::test::server_env("MIG_TEST_PASSWORD")) ==
        std::string::npos);
  mig::Result<std::unique_ptr<MariadbConnector>> no_ca = MariadbConnector::open(
      base + "?ssl=true&ssl-ca=/nonexistent/ca.pem&ssl-verify-server-cert=true");
  REQUIRE_FALSE(no_ca.ok());
}

TEST_CASE("mariadb catalog: types, nullability, keys, foreign keys across databases", "[mariadb]") {
  mariadb_sql("", "DROP DATABASE IF EXISTS myc_cat");  // it refers to myc_cat_other
  fresh_mariadb_database("myc_cat_other");
  mariadb_sql("myc_cat_other", "CREATE TABLE country (code CHAR(2) PRIMARY KEY) ENGINE=InnoDB;");
  auto c = make_db("myc_cat", R"(
    CREATE TABLE every_type (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
      flag TINYINT(1) NOT NULL DEFAULT 0, small SMALLINT, num DECIMAL(38,10), f FLOAT, d DOUBLE,
      name VARCHAR(20) NOT NULL, body TEXT, e ENUM('a','b'), s SET('x','y'), day DATE,
      at DATETIME(6), ts TIMESTAMP(6) NULL, doc JSON, raw BLOB, b16 BINARY(16), u UUID,
      t TIME, y YEAR, bits BIT(8), gen INT AS (small + 1) VIRTUAL);
    CREATE TABLE line (order_id INT NOT NULL, line_no INT NOT NULL, country CHAR(2),
      PRIMARY KEY (line_no, order_id),
      CONSTRAINT line_country FOREIGN KEY (country) REFERENCES myc_cat_other.country (code)) ENGINE=InnoDB;
    CREATE TABLE note (id INT PRIMARY KEY, o INT, l INT,
      CONSTRAINT note_line FOREIGN KEY (l, o) REFERENCES line (line_no, order_id)) ENGINE=InnoDB;
    CREATE VIEW v AS SELECT 1 AS one;
    CREATE TABLE _mig_commits (x INT);
  )");
  mig::Result<mig::Catalog> cat = c->introspect();
  INFO((cat.ok() ? "" : cat.error().message));
  REQUIRE(cat.ok());
  CHECK(cat->dialect == "mariadb");
  CHECK(cat->default_schema == "myc_cat");
  const mig::TableInfo* t = find_table(*cat, "", "every_type");
  CHECK(t->schema == "myc_cat");
  CHECK(cat->find("", "_mig_commits") == nullptr);
  CHECK(cat->find("", "v") == nullptr);
  std::vector<std::pair<std::string, BaseType>> expected = {
      {"id", BaseType::int_},        {"flag", BaseType::bool_}, {"small", BaseType::int_},
      {"num", BaseType::decimal},    {"f", BaseType::float_},   {"d", BaseType::float_},
      {"name", BaseType::text},      {"body", BaseType::text},  {"e", BaseType::text},
      {"s", BaseType::text},         {"day", BaseType::date},   {"at", BaseType::timestamp},
      {"ts", BaseType::timestamptz}, {"doc", BaseType::json},   {"raw", BaseType::bytes},
      {"b16", BaseType::bytes},      {"u", BaseType::uuid},     {"t", BaseType::text},
      {"y", BaseType::int_},         {"bits", BaseType::int_},  {"gen", BaseType::int_}};
  REQUIRE(t->columns.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO(expected[i].first);
    CHECK(t->columns[i].name == expected[i].first);
    CHECK(t->columns[i].type == expected[i].second);
  }
  CHECK(t->column("id")->native_type == "bigint(20) unsigned");
  CHECK(t->column("num")->native_type == "decimal(38,10)");
  CHECK_FALSE(t->column("id")->nullable);
  CHECK(t->column("id")->has_default);    // auto_increment
  CHECK(t->column("flag")->has_default);  // DEFAULT 0
  CHECK_FALSE(t->column("name")->has_default);
  CHECK_FALSE(t->column("name")->nullable);
  CHECK(t->column("body")->nullable);
  CHECK(t->column("gen")->has_default);  // generated
  CHECK(t->primary_key == std::vector<std::string>{"id"});

  const mig::TableInfo* line = find_table(*cat, "myc_cat", "line");
  CHECK(line->primary_key == std::vector<std::string>{"line_no", "order_id"});
  REQUIRE(line->foreign_keys.size() == 1);
  CHECK(line->foreign_keys[0].name == "line_country");
  CHECK(line->foreign_keys[0].ref_schema == "myc_cat_other");
  CHECK(line->foreign_keys[0].ref_table == "country");
  CHECK(line->foreign_keys[0].columns == std::vector<std::string>{"country"});
  const mig::TableInfo* note = find_table(*cat, "", "note");
  REQUIRE(note->foreign_keys.size() == 1);
  CHECK(note->foreign_keys[0].ref_schema.empty());
  CHECK(note->foreign_keys[0].ref_table == "line");
  CHECK(note->foreign_keys[0].columns == std::vector<std::string>{"l", "o"});
  CHECK(note->foreign_keys[0].ref_columns == std::vector<std::string>{"line_no", "order_id"});
  // Other databases the user can see are listed too, under their own name.
  CHECK(find_table(*cat, "myc_cat_other", "country")->primary_key ==
        std::vector<std::string>{"code"});

  CHECK(mig::mariadb_column_type("tinyint", "tinyint(1) unsigned", false) == BaseType::bool_);
  CHECK(mig::mariadb_column_type("tinyint", "tinyint(4)", false) == BaseType::int_);
  CHECK(mig::mariadb_column_type("longtext", "longtext", false) == BaseType::text);
  CHECK(mig::mariadb_column_type("longtext", "longtext", true) == BaseType::json);
}

TEST_CASE("mariadb: composite keyset pages with filters return each row once, in key order",
          "[mariadb]") {
  auto c = make_db("myc_pages", R"(
    CREATE TABLE c (a INT NOT NULL, b VARCHAR(10) NOT NULL, v INT, PRIMARY KEY (a, b));
    INSERT INTO c SELECT seq DIV 7, CONCAT('k', seq MOD 7), seq FROM seq_0_to_299;
  )");
  ReadRequest req;
  req.table = "c";
  req.columns = {"a", "b", "v"};
  req.key = {"a", "b"};
  req.limit = 11;
  req.filters.push_back({"`v` >= ? AND `v` < ?", {I(20), I(250)}});
  req.filters.push_back({"`b` <> ?", {T("k3")}});
  size_t pages = 0;
  std::vector<std::string> rows = read_all(*c, req, &pages);
  std::vector<std::string> expected;
  for (int v = 0; v < 300; ++v) {
    if (v < 20 || v >= 250 || v % 7 == 3) continue;
    expected.push_back(std::to_string(v / 7) + "|k" + std::to_string(v % 7) + "|" +
                       std::to_string(v));
  }
  std::sort(expected.begin(), expected.end(), [](const std::string& x, const std::string& y) {
    int ax = std::stoi(x), ay = std::stoi(y);
    if (ax != ay) return ax < ay;
    return x < y;
  });
  CHECK(rows == expected);
  CHECK(pages == (expected.size() + 10) / 11);
  req.after.reset();
  mig::Result<int64_t> n = c->count(req);
  REQUIRE(n.ok());
  CHECK(*n == static_cast<int64_t>(expected.size()));
  req.schema = "myc_pages";
  CHECK(read_all(*c, req) == expected);
}

TEST_CASE("mariadb: every type round-trips exactly", "[mariadb]") {
  auto c = make_db("myc_types", R"(
    CREATE TABLE src (id INT PRIMARY KEY, num DECIMAL(38,10), txt VARCHAR(100), body LONGTEXT,
      raw BLOB, at DATETIME(6), ts TIMESTAMP(6) NULL, day DATE, flag TINYINT(1), e ENUM('red','green'),
      doc JSON, b16 BINARY(16), u UUID, f FLOAT, d DOUBLE, big BIGINT, y YEAR, t TIME(3)) ENGINE=InnoDB;
    CREATE TABLE dst LIKE src;
  )");
  std::string all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes += static_cast<char>(i);
  std::string uuid_bytes = "\x12\x34\x56\x78\x9a\xbc\xde\xf0\x01\x23\x45\x67\x89\xab\xcd\xef";
  mig::Uuid uid = *mig::parse_uuid("123e4567-e89b-12d3-a456-426614174000");
  Batch b = batch(
      {"id", "num", "txt", "body", "raw", "at", "ts", "day", "flag", "e", "doc", "b16", "u", "f",
       "d", "big", "y", "t"},
      {{I(1), D("1234567890123456789012345678.0123456789"),
        T("snow \xe2\x98\x83 and \xf0\x9f\x98\x80"), T(std::string("a\0b", 3)),
        Value::bytes(all_bytes),
        *mig::parse_value("0999-12-31 23:59:59.999999", mig::ValueKind::timestamp),
        *mig::parse_value("2038-01-19 03:14:07.5+00:00", mig::ValueKind::timestamptz),
        *mig::parse_value("0999-01-01", mig::ValueKind::date), Value::boolean(true), T("green"),
        Value::json(R"({"a": [1, 2.5, "x"]})"), Value::bytes(uuid_bytes), Value::uuid(uid),
        Value::floating(0.1), Value::floating(0.1), I(INT64_MIN), I(2024), T("-838:59:59")},
       {I(2), D("-0.0000000001"), T(""), T(""), Value::bytes(""),
        *mig::parse_value("9999-12-31 23:59:59", mig::ValueKind::timestamp),
        *mig::parse_value("1970-01-01 00:00:01+00:00", mig::ValueKind::timestamptz),
        *mig::parse_value("2024-02-29", mig::ValueKind::date), Value::boolean(false), T("red"),
        Value::json("[]"), Value::bytes(std::string(16, '\0')),
        Value::uuid(*mig::parse_uuid("00000000-0000-0000-0000-000000000000")),
        Value::floating(-3.25e38), Value::floating(1e308), I(INT64_MAX), I(1901),
        T("00:00:00.125")},
       {I(3), Value(), Value(), Value(), Value(), Value(), Value(), Value(), Value(), Value(),
        Value(), Value(), Value(), Value(), Value(), Value(), Value(), Value()}});
  mig::WriteOutcome out = write_committed(*c, {"", "src", {"id"}, ConflictPolicy::fail}, b);
  CHECK(out.inserted == 3);
  for (const mig::RefusedRow& r : out.refused) FAIL_CHECK("row " << r.index << ": " << r.reason);

  ReadRequest req;
  req.table = "src";
  req.columns = b.columns;
  req.key = {"id"};
  mig::Result<Batch> got = c->read(req);
  REQUIRE(got.ok());
  REQUIRE(got->rows.size() == 3);
  CHECK(got->unreadable.empty());
  for (size_t r = 0; r < 3; ++r) {
    for (size_t i = 0; i < b.columns.size(); ++i) {
      INFO("row " << r << " column " << b.columns[i] << ": " << texts({got->rows[r][i]}));
      const Value& want = b.rows[r][i];
      if (b.columns[i] == "f" && !want.is_null()) {
        CHECK(got->rows[r][i].as_float() == (r == 0 ? 0.1 : -3.25e38));
        continue;
      }
      if (b.columns[i] == "doc" && !want.is_null()) {  // MariaDB keeps the JSON text as given
        CHECK(got->rows[r][i].as_json() == want.as_json());
        continue;
      }
      CHECK(got->rows[r][i].kind() == want.kind());
      CHECK(texts({got->rows[r][i]}) == texts({want}));
    }
  }
  // Empty string and null stay apart; the text with a NUL byte is byte-exact.
  CHECK(got->rows[1][2].kind() == mig::ValueKind::text);
  CHECK(got->rows[1][2].as_text().empty());
  CHECK(got->rows[0][3].as_text() == std::string("a\0b", 3));
  CHECK(got->rows[0][4].as_bytes() == all_bytes);
  // What the server holds, seen by its own client.
  CHECK(mariadb_sql("myc_types",
                    "SELECT num, MD5(raw), at, ts, day, u, HEX(b16) FROM src WHERE id = 1") ==
        "1234567890123456789012345678.0123456789\te2c865db4162bed963bfaa9ef6ac18f0\t0999-12-31 "
        "23:59:59.999999\t2038-01-19 03:14:07.500000\t0999-01-01\t"
        "123e4567-e89b-12d3-a456-426614174000\t123456789ABCDEF00123456789ABCDEF\n");

  // Copied from one table to the other through the connector: identical.
  mig::WriteOutcome copy = write_committed(*c, {"", "dst", {"id"}, ConflictPolicy::fail}, *got, 2);
  CHECK(copy.inserted == 3);
  CHECK(mariadb_sql("myc_types",
                    "SELECT COUNT(*) FROM src JOIN dst USING (id) WHERE "
                    "src.num <=> dst.num AND src.txt <=> dst.txt AND src.body <=> dst.body AND "
                    "src.raw <=> dst.raw AND src.at <=> dst.at AND src.ts <=> dst.ts AND "
                    "src.day <=> dst.day AND src.flag <=> dst.flag AND src.e <=> dst.e AND "
                    "src.doc <=> dst.doc AND src.b16 <=> dst.b16 AND src.u <=> dst.u AND "
                    "src.f <=> dst.f AND src.d <=> dst.d AND src.big <=> dst.big AND "
                    "src.y <=> dst.y AND src.t <=> dst.t") == "3\n");
}

TEST_CASE("mariadb: zero dates and values mig cannot hold make the row unreadable, key kept",
          "[mariadb]") {
  auto c = make_db("myc_zero", R"(
    SET SESSION sql_mode = '';
    CREATE TABLE legacy (id BIGINT UNSIGNED PRIMARY KEY, day DATE, at DATETIME, n DECIMAL(65,0));
    INSERT INTO legacy VALUES (1, '2024-01-31', '2024-01-31 10:00:00', 5),
      (2, '0000-00-00', '2024-01-31 10:00:00', 6), (3, '2024-00-15', '2024-01-31 10:00:00', 7),
      (4, '2024-01-31', '0000-00-00 00:00:00', 8), (5, '2024-01-31', '2024-01-31 10:00:00', 1e60),
      (18446744073709551615, '2024-01-31', '2024-01-31 10:00:00', 9);
    CREATE TABLE zkey (day DATE PRIMARY KEY, v INT);
    INSERT INTO zkey VALUES ('0000-00-00', 1), ('2024-01-01', 2), ('2024-01-02', 3);
  )");
  ReadRequest req;
  req.table = "legacy";
  req.columns = {"id", "day", "at", "n"};
  req.key = {"id"};
  mig::Result<Batch> got = c->read(req);
  INFO((got.ok() ? "" : got.error().message));
  REQUIRE(got.ok());
  REQUIRE(got->rows.size() == 6);
  REQUIRE(got->unreadable.size() == 5);
  CHECK(got->unreadable[0].index == 1);
  CHECK(got->unreadable[0].reason ==
        "column `day`: `0000-00-00` is a MariaDB zero date, not a real date");
  CHECK(got->unreadable[1].index == 2);
  CHECK(got->unreadable[1].reason ==
        "column `day`: `2024-00-15` has a zero month or day, not a real date");
  CHECK(got->unreadable[2].reason ==
        "column `at`: `0000-00-00 00:00:00` is a MariaDB zero date, not a real date");
  CHECK(got->unreadable[3].reason ==
        "column `n`: `1000000000000000000000000000000000000000`... (61 bytes) does not fit a "
        "decimal (at most 38 digits)");
  CHECK(got->unreadable[4].index == 5);
  CHECK(got->unreadable[4].reason ==
        "column `id`: `18446744073709551615` is above the largest int (9223372036854775807)");
  CHECK(texts(got->rows[0]) == "1|2024-01-31|2024-01-31 10:00:00|5");
  CHECK(texts(got->rows[1]) == "2|null|2024-01-31 10:00:00|6");
  // The key that does not read is kept as stored (exactly), and the next page starts after it.
  CHECK(texts({got->rows[5][0]}) == "18446744073709551615");
  req.after = Row{got->rows[4][0]};
  mig::Result<Batch> next = c->read(req);
  REQUIRE(next.ok());
  REQUIRE(next->rows.size() == 1);
  req.after = Row{got->rows[5][0]};
  next = c->read(req);
  REQUIRE(next.ok());
  CHECK(next->rows.empty());

  ReadRequest zk;
  zk.table = "zkey";
  zk.columns = {"day", "v"};
  zk.key = {"day"};
  zk.limit = 1;
  CHECK(read_all(*c, zk) ==
        std::vector<std::string>{"0000-00-00|1", "2024-01-01|2", "2024-01-02|3"});
}

TEST_CASE("mariadb on conflict fail: a key that exists fails the write, naming the key",
          "[mariadb]") {
  auto c = make_db("myc_fail", "CREATE TABLE orders (id INT PRIMARY KEY, total TEXT);");
  WriteRequest req{"", "orders", {"id"}, ConflictPolicy::fail};
  CHECK(
      write_committed(*c, req, batch({"id", "total"}, {{I(3), T("a")}, {I(4), T("b")}})).inserted ==
      2);

  REQUIRE(c->begin().ok());
  mig::Result<mig::WriteOutcome> dup =
      c->write(req, batch({"id", "total"}, {{I(5), T("c")}, {I(3), T("x")}}));
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().message ==
        "row with key (3) already exists in `myc_fail.orders`; the task's `on conflict` is `fail`");
  REQUIRE(c->rollback().ok());
  // The same key twice in one batch.
  REQUIRE(c->begin().ok());
  dup = c->write(req, batch({"id", "total"}, {{I(7), T("c")}, {I(7), T("x")}}));
  REQUIRE_FALSE(dup.ok());
  CHECK_THAT(dup.error().message, Contains("row with key (7) already exists"));
  REQUIRE(c->rollback().ok());
  CHECK(mariadb_sql("myc_fail", "SELECT COUNT(*), GROUP_CONCAT(total ORDER BY id) FROM orders") ==
        "2\ta,b\n");
}

TEST_CASE("mariadb on conflict skip and update: exact counts, skipped rows and before-images",
          "[mariadb]") {
  // `keyed`: the key is the primary key (multi-row upsert); `uniq`: a unique key beside
  // the primary key (UPDATE per row); `loose`: no unique key at all.
  std::string table = GENERATE(std::string("keyed"), std::string("uniq"), std::string("loose"));
  auto c = make_db("myc_policy_" + table, R"(
    CREATE TABLE keyed (id INT PRIMARY KEY, name VARCHAR(20), n INT);
    CREATE TABLE uniq (pk INT AUTO_INCREMENT PRIMARY KEY, id INT NOT NULL UNIQUE, name VARCHAR(20), n INT);
    CREATE TABLE loose (id INT, name VARCHAR(20), n INT);
  )");
  Batch seed = batch({"id", "name", "n"}, {{I(1), T("one"), I(10)}, {I(2), T("two"), I(20)}});
  CHECK(write_committed(*c, {"", table, {"id"}, ConflictPolicy::fail}, seed).inserted == 2);

  Batch next =
      batch({"id", "name", "n"},
            {{I(2), T("TWO"), I(22)}, {I(3), T("three"), I(30)}, {I(1), T("ONE"), Value()}});
  mig::WriteOutcome skip = write_committed(*c, {"", table, {"id"}, ConflictPolicy::skip}, next, 2);
  CHECK(skip.inserted == 1);
  CHECK(skip.updated == 0);
  CHECK(skip.skipped == std::vector<size_t>{0, 2});
  CHECK(skip.before.empty());
  CHECK(mariadb_sql("myc_policy_" + table, "SELECT name FROM " + table + " WHERE id = 2") ==
        "two\n");

  next.rows[1] = {I(4), T("four"), I(40)};
  mig::WriteOutcome upd = write_committed(*c, {"", table, {"id"}, ConflictPolicy::update}, next, 3);
  CHECK(upd.inserted == 1);
  CHECK(upd.updated == 2);
  CHECK(upd.skipped.empty());
  REQUIRE(upd.before.size() == 2);
  CHECK(upd.before[0].first == 0);
  CHECK(texts(upd.before[0].second) == "2|two|20");
  CHECK(upd.before[1].first == 2);
  CHECK(texts(upd.before[1].second) == "1|one|10");
  CHECK(mariadb_sql("myc_policy_" + table, "SELECT CONCAT(name, '/', IFNULL(n, 'null')) FROM " +
                                               table + " WHERE id = 1") == "ONE/null\n");
  CHECK(mariadb_sql("myc_policy_" + table, "SELECT COUNT(*) FROM " + table) == "4\n");

  // A key twice in one batch: the second meets the first as an existing row.
  Batch twice = batch({"id", "name", "n"},
                      {{I(9), T("a"), I(1)}, {I(1), T("b"), I(2)}, {I(9), T("c"), I(3)}});
  mig::WriteOutcome sk2 = write_committed(*c, {"", table, {"id"}, ConflictPolicy::skip}, twice, 4);
  CHECK(sk2.inserted == 1);
  CHECK(sk2.skipped == std::vector<size_t>{1, 2});
  twice.rows[0] = {I(10), T("x"), I(1)};
  twice.rows[2] = {I(10), T("y"), I(3)};
  mig::WriteOutcome up2 =
      write_committed(*c, {"", table, {"id"}, ConflictPolicy::update}, twice, 5);
  CHECK(up2.inserted == 1);
  CHECK(up2.updated == 2);
  REQUIRE(up2.before.size() == 2);
  CHECK(up2.before[0].first == 1);
  CHECK(texts(up2.before[0].second) == "1|ONE|null");
  CHECK(up2.before[1].first == 2);
  CHECK(texts(up2.before[1].second) == "10|x|1");
  CHECK(mariadb_sql("myc_policy_" + table, "SELECT name FROM " + table + " WHERE id = 10") ==
        "y\n");
}

TEST_CASE("mariadb: rows the server refuses are found one by one and the rest commits",
          "[mariadb]") {
  ConflictPolicy policy =
      GENERATE(ConflictPolicy::fail, ConflictPolicy::skip, ConflictPolicy::update);
  std::string db = "myc_refused_" + std::to_string(static_cast<int>(policy));
  auto c = make_db(db, R"(
    CREATE TABLE p (id INT PRIMARY KEY, email VARCHAR(10) NOT NULL UNIQUE, qty INT CHECK (qty >= 0),
      price DECIMAL(6,2));
    INSERT INTO p VALUES (100, 'taken@x', 1, 1);
  )");
  Batch b = batch({"id", "email", "qty", "price"},
                  {{I(1), T("a@x"), I(1), D("1.50")},
                   {I(2), Value(), I(1), D("1")},               // NOT NULL
                   {I(3), T("c@x"), I(-5), D("1")},             // CHECK
                   {I(4), T("taken@x"), I(1), D("1")},          // UNIQUE, not the key
                   {I(5), T("much-too-long@x"), I(2), D("1")},  // longer than varchar(10)
                   {I(6), T("f@x"), I(2), D("1.005")},          // would be rounded
                   {I(7), T("g@x"), I(2), D("123456")},         // out of range
                   {I(8), T("h@x"), I(2), Value::floating(std::nan(""))},
                   {I(9), T("e@x"), I(2), D("2")}});
  mig::WriteOutcome out = write_committed(*c, {"", "p", {"id"}, policy}, b);
  CHECK(out.inserted == 2);
  REQUIRE(out.refused.size() == 7);
  CHECK(out.refused[0].index == 1);
  CHECK_THAT(out.refused[0].reason, Contains("Column 'email' cannot be null"));
  CHECK(out.refused[1].index == 2);
  CHECK_THAT(out.refused[1].reason, Contains("CONSTRAINT `p.qty` failed"));
  CHECK(out.refused[2].index == 3);
  CHECK_THAT(out.refused[2].reason, Contains("Duplicate entry 'taken@x' for key 'email'"));
  CHECK(out.refused[3].index == 4);
  CHECK_THAT(out.refused[3].reason, Contains("Data too long for column 'email'"));
  CHECK(out.refused[4].index == 5);
  CHECK_THAT(out.refused[4].reason,
             Contains("the server would change the value") && Contains("'price'"));
  CHECK(out.refused[5].index == 6);
  CHECK_THAT(out.refused[5].reason, Contains("Out of range value for column 'price'"));
  CHECK(out.refused[6].index == 7);
  CHECK_THAT(out.refused[6].reason, Contains("column `price`: `NaN` cannot be stored"));
  CHECK(mariadb_sql(db, "SELECT GROUP_CONCAT(CONCAT(id, ':', price) ORDER BY id) FROM p") ==
        "1:1.50,9:2.00,100:1.00\n");
}

TEST_CASE("mariadb commit markers: committed with the batch, gone after a rollback", "[mariadb]") {
  auto c = make_db("myc_markers", "CREATE TABLE t (id INT PRIMARY KEY);");
  WriteRequest req{"", "t", {"id"}, ConflictPolicy::fail};
  mig::CommitMarker m1{"shop", "dev", "t", 1};
  mig::CommitMarker m2{"shop", "dev", "t", 2};
  mig::Result<std::optional<std::string>> none = c->committed(m1);  // no table yet
  INFO((none.ok() ? "" : none.error().message));
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  REQUIRE(c->forget_markers("shop", "dev", "t").ok());

  REQUIRE(c->begin().ok());
  REQUIRE(c->write(req, batch({"id"}, {{I(1)}})).ok());
  REQUIRE(c->commit(m1, R"({"inserted":1})").ok());

  REQUIRE(c->begin().ok());
  REQUIRE(c->write(req, batch({"id"}, {{I(2)}})).ok());
  REQUIRE(c->rollback().ok());

  mig::Result<std::optional<std::string>> one = c->committed(m1);
  REQUIRE(one.ok());
  CHECK(one->value_or("none") == R"({"inserted":1})");
  mig::Result<std::optional<std::string>> two = c->committed(m2);
  REQUIRE(two.ok());
  CHECK_FALSE(two->has_value());
  CHECK(mariadb_sql("myc_markers", "SELECT GROUP_CONCAT(id) FROM t") == "1\n");
  CHECK(mariadb_sql("myc_markers",
                    "SELECT ENGINE, TABLE_COLLATION FROM information_schema.TABLES "
                    "WHERE TABLE_SCHEMA = 'myc_markers' AND TABLE_NAME = '_mig_commits'") ==
        "InnoDB\tutf8mb4_bin\n");

  mig::Result<mig::Catalog> cat = c->introspect();
  REQUIRE(cat.ok());
  CHECK(cat->find("", "_mig_commits") == nullptr);

  REQUIRE(c->forget_markers("shop", "dev", "t").ok());
  mig::Result<std::optional<std::string>> gone = c->committed(m1);
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
}

TEST_CASE("mariadb: hostile table and column names stay names and the canary survives",
          "[mariadb]") {
  auto c = make_db("myc_hostile", R"(
    CREATE TABLE canary (id INT PRIMARY KEY);
    INSERT INTO canary VALUES (1);
  )");
  std::vector<std::string> names = {
      "x\"; DROP TABLE canary; --", "back`quote", "it's", "sé lect", "order", "a;b -- c",
      "\xe6\x97\xa5\xe6\x9c\xac"};
  for (const std::string& name : names) {
    INFO(name);
    std::string q = "`";
    for (char ch : name) q += ch == '`' ? std::string("``") : std::string(1, ch);
    q += "`";
    REQUIRE(c->execute("CREATE TABLE " + q + " (" + q + " INT PRIMARY KEY, `select` VARCHAR(40))")
                .ok());
    WriteRequest req{"", name, {name}, ConflictPolicy::update};
    Batch b = batch({name, "select"}, {{I(1), T(name)}, {I(2), T("'; DROP TABLE canary; --")}});
    CHECK(write_committed(*c, req, b).inserted == 2);
    CHECK(write_committed(*c, req, b, 2).updated == 2);
    ReadRequest r;
    r.table = name;
    r.columns = {name, "select"};
    r.key = {name};
    r.limit = 1;
    r.filters.push_back({"`select` <> ?", {T("nothing")}});
    CHECK(read_all(*c, r) == std::vector<std::string>{"1|" + name, "2|'; DROP TABLE canary; --"});
    REQUIRE(c->begin().ok());
    mig::Result<int64_t> gone = c->remove(req, {Row{I(2)}});
    REQUIRE(gone.ok());
    CHECK(*gone == 1);
    REQUIRE(c->rollback().ok());
  }
  mig::Result<mig::Catalog> cat = c->introspect();
  REQUIRE(cat.ok());
  size_t here = 0;
  for (const mig::TableInfo& t : cat->tables) here += t.schema == "myc_hostile";
  CHECK(here == names.size() + 1);
  CHECK(mariadb_sql("myc_hostile", "SELECT COUNT(*) FROM canary") == "1\n");
  mig::Status nul = c->begin();
  REQUIRE(nul.ok());
  mig::Result<mig::WriteOutcome> bad =
      c->write({"", std::string("a\0b", 3), {"id"}, ConflictPolicy::fail}, batch({"id"}, {{I(1)}}));
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().message, Contains("NUL byte"));
  REQUIRE(c->rollback().ok());
}

TEST_CASE("mariadb: remove, execute, query_value, foreign key checks", "[mariadb]") {
  auto c = make_db("myc_misc", R"(
    CREATE TABLE parent (id INT PRIMARY KEY);
    CREATE TABLE child (a INT, b VARCHAR(5), parent_id INT, PRIMARY KEY (a, b),
      FOREIGN KEY (parent_id) REFERENCES parent (id));
    CREATE TABLE old (id INT PRIMARY KEY) ENGINE=MyISAM;
  )");
  WriteRequest req{"", "child", {"a", "b"}, ConflictPolicy::fail};
  mig::WriteOutcome out =
      write_committed(*c, req, batch({"a", "b", "parent_id"}, {{I(1), T("x"), I(99)}}));
  REQUIRE(out.refused.size() == 1);
  CHECK_THAT(out.refused[0].reason, Contains("foreign key constraint fails"));
  REQUIRE(c->set_foreign_key_checks(false).ok());
  Batch rows = batch({"a", "b", "parent_id"}, {});
  for (int i = 0; i < 2500; ++i)
    rows.rows.push_back({I(i / 3), T("k" + std::to_string(i % 3)), I(99)});
  out = write_committed(*c, req, rows, 2);
  CHECK(out.inserted == 2500);
  REQUIRE(c->set_foreign_key_checks(true).ok());

  std::vector<Row> keys;
  for (int i = 0; i < 2500; i += 2) keys.push_back({I(i / 3), T("k" + std::to_string(i % 3))});
  keys.push_back({I(99999), T("none")});
  REQUIRE(c->begin().ok());
  mig::Result<int64_t> removed = c->remove(req, keys);
  INFO((removed.ok() ? "" : removed.error().message));
  REQUIRE(removed.ok());
  CHECK(*removed == 1250);
  REQUIRE(c->commit({"plan", "dev", "child", 3}, "{}").ok());

  mig::Result<Value> n = c->query_value({"SELECT COUNT(*) FROM child WHERE b = ?", {T("k1")}});
  REQUIRE(n.ok());
  CHECK(texts({*n}) == "417");
  mig::Result<Value> none = c->query_value({"SELECT a FROM child WHERE a < ?", {I(0)}});
  REQUIRE(none.ok());
  CHECK(none->is_null());
  mig::Result<Value> dec = c->query_value({"SELECT CAST(? AS DECIMAL(20,3))", {D("12.5")}});
  REQUIRE(dec.ok());
  CHECK(texts({*dec}) == "12.500");

  REQUIRE(c->execute("INSERT INTO parent VALUES (1); INSERT INTO parent VALUES (2); CREATE TABLE "
                     "hook (x INT)")
              .ok());
  CHECK(mariadb_sql("myc_misc", "SELECT COUNT(*) FROM parent") == "2\n");
  mig::Status bad = c->execute("INSERT INTO parent VALUES (3); NOT SQL");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().message, Contains("SQL syntax"));
  mig::Result<mig::Catalog> cat = c->introspect();  // the connection is still usable
  REQUIRE(cat.ok());
  CHECK(cat->find("", "hook") != nullptr);

  // A uuid goes into BINARY(16) as its 16 bytes, into CHAR(36) and UUID as its text.
  REQUIRE(
      c->execute("CREATE TABLE ids (id INT PRIMARY KEY, b BINARY(16), c CHAR(36), u UUID)").ok());
  Value uid = Value::uuid(*mig::parse_uuid("123e4567-e89b-12d3-a456-426614174000"));
  write_committed(*c, {"", "ids", {"id"}, ConflictPolicy::fail},
                  batch({"id", "b", "c", "u"}, {{I(1), uid, uid, uid}}), 4);
  CHECK(mariadb_sql("myc_misc", "SELECT HEX(b), c, u FROM ids") ==
        "123E4567E89B12D3A456426614174000\t123e4567-e89b-12d3-a456-426614174000\t123e4567-e89b-"
        "12d3-a456-426614174000\n");

  REQUIRE(c->begin().ok());
  mig::Result<mig::WriteOutcome> myisam =
      c->write({"", "old", {"id"}, ConflictPolicy::fail}, batch({"id"}, {{I(1)}}));
  REQUIRE_FALSE(myisam.ok());
  CHECK_THAT(myisam.error().message, Contains("`MyISAM` engine, which has no transactions"));
  REQUIRE(c->rollback().ok());
}

namespace {

// LOAD DATA LOCAL INFILE fed from memory: the alternative bulk path, measured against the
// connector's multi-row prepared INSERTs by the benchmark below.
struct InfileFeed {
  const std::string* data = nullptr;
  size_t at = 0;
};
int infile_init(void** ptr, const char*, void* userdata) {
  *ptr = userdata;
  static_cast<InfileFeed*>(userdata)->at = 0;
  return 0;
}
int infile_read(void* ptr, char* buf, unsigned int len) {
  InfileFeed* f = static_cast<InfileFeed*>(ptr);
  size_t n = std::min<size_t>(len, f->data->size() - f->at);
  std::memcpy(buf, f->data->data() + f->at, n);
  f->at += n;
  return static_cast<int>(n);
}
void infile_end(void*) {}
int infile_error(void*, char* msg, unsigned int len) {
  std::snprintf(msg, len, "infile error");
  return 1;
}
void tsv_escape(const std::string& s, std::string& out) {
  for (char ch : s) {
    switch (ch) {
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\0':
        out += "\\0";
        break;
      default:
        out += ch;
    }
  }
}

}  // namespace

TEST_CASE(
    "mariadb bulk write benchmark: multi-row INSERT vs LOAD DATA LOCAL INFILE vs array binding",
    "[.][mariadb_bench]") {
  const char* n_env = std::getenv("MIG_BENCH_ROWS");
  size_t total = n_env ? std::strtoul(n_env, nullptr, 10) : 1000000;
  const size_t per_batch = 5000;
  std::string ddl =
      "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id INT NOT NULL, total DECIMAL(12,2) "
      "NOT NULL, "
      "status VARCHAR(20) NOT NULL, created_at DATETIME(6) NOT NULL, note TEXT);";
  std::vector<std::string> cols = {"id", "customer_id", "total", "status", "created_at", "note"};
  auto make_batch = [&](size_t first) {
    Batch b = batch(cols, {});
    for (size_t i = first; i < first + per_batch && i < total; ++i)
      b.rows.push_back(
          {I(static_cast<int64_t>(i)), I(static_cast<int64_t>(i % 20000)),
           Value::decimal(mig::Decimal::from_cents(static_cast<int64_t>(i * 37 % 100000))),
           T(i % 2 ? "paid" : "shipped"),
           Value::timestamp({1600000000000000LL + static_cast<int64_t>(i) * 1000000}),
           i % 3 ? T("note " + std::to_string(i)) : Value()});
    return b;
  };
  auto seconds = [](auto start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };

  // The machine may be shared: the best of several rounds is reported.
  const char* rounds_env = std::getenv("MIG_BENCH_ROUNDS");
  int rounds = rounds_env ? std::atoi(rounds_env) : 3;
  double best_insert = 1e9, best_load = 1e9, best_array = 1e9;
  for (int round = 0; round < rounds; ++round) {
    auto c = make_db("myc_bench_insert", ddl);
    auto start = std::chrono::steady_clock::now();
    for (size_t first = 0, seq = 1; first < total; first += per_batch, ++seq)
      write_committed(*c, {"", "orders", {"id"}, ConflictPolicy::fail}, make_batch(first),
                      static_cast<int64_t>(seq));
    double insert_s = seconds(start);

    fresh_mariadb_database("myc_bench_load");
    mariadb_sql("myc_bench_load", ddl);
    MYSQL* m = mysql_init(nullptr);
    unsigned one = 1;
    mysql_optionsv(m, MYSQL_OPT_LOCAL_INFILE, &one);
    mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    REQUIRE(mysql_real_connect(
        m, "127.0.0.1", "mig", mig::test::server_env("MIG_TEST_PASSWORD").c_str(), "myc_bench_load",
        std::stoul(mig::test::server_env("MIG_TEST_MARIADB_PORT")), nullptr, 0));
    REQUIRE(mysql_query(m, "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES'") == 0);
    InfileFeed feed;
    mysql_set_local_infile_handler(m, infile_init, infile_read, infile_end, infile_error, &feed);
    start = std::chrono::steady_clock::now();
    for (size_t first = 0; first < total; first += per_batch) {
      Batch b = make_batch(first);
      std::string data;
      for (const Row& r : b.rows) {
        for (size_t i = 0; i < r.size(); ++i) {
          if (i) data += '\t';
          if (r[i].is_null())
            data += "\\N";
          else
            tsv_escape(mig::to_text(r[i]), data);
        }
        data += '\n';
      }
      feed.data = &data;
      REQUIRE(mysql_query(m, "START TRANSACTION") == 0);
      std::string sql =
          "LOAD DATA LOCAL INFILE 'batch' INTO TABLE orders CHARACTER SET utf8mb4 FIELDS "
          "TERMINATED BY '\\t' "
          "ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (id, customer_id, total, status, "
          "created_at, note)";
      INFO(mysql_error(m));
      REQUIRE(mysql_query(m, sql.c_str()) == 0);
      REQUIRE(mysql_affected_rows(m) == b.rows.size());
      REQUIRE(mysql_query(m, "COMMIT") == 0);
    }
    double load_s = seconds(start);
    mysql_close(m);

    // MariaDB's bulk execution (array binding, COM_STMT_BULK_EXECUTE): one single-row INSERT
    // executed with a whole batch of values, column by column.
    fresh_mariadb_database("myc_bench_array");
    mariadb_sql("myc_bench_array", ddl);
    m = mysql_init(nullptr);
    mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    REQUIRE(mysql_real_connect(
        m, "127.0.0.1", "mig", mig::test::server_env("MIG_TEST_PASSWORD").c_str(),
        "myc_bench_array", std::stoul(mig::test::server_env("MIG_TEST_MARIADB_PORT")), nullptr, 0));
    REQUIRE(mysql_query(m, "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES'") == 0);
    MYSQL_STMT* st = mysql_stmt_init(m);
    std::string ins =
        "INSERT INTO orders (id, customer_id, total, status, created_at, note) VALUES (?, ?, ?, ?, "
        "?, ?)";
    REQUIRE(mysql_stmt_prepare(st, ins.c_str(), ins.size()) == 0);
    start = std::chrono::steady_clock::now();
    for (size_t first = 0; first < total; first += per_batch) {
      Batch b = make_batch(first);
      unsigned int n = static_cast<unsigned int>(b.rows.size());
      std::vector<int64_t> ids(n), custs(n);
      std::vector<std::string> totals(n);
      std::vector<const char*> total_p(n), status_p(n), note_p(n);
      std::vector<unsigned long> total_l(n), status_l(n), note_l(n);
      std::vector<std::string> times(n);
      std::vector<const char*> time_p(n);
      std::vector<unsigned long> time_l(n);
      std::vector<char> note_ind(n);
      for (unsigned i = 0; i < n; ++i) {
        const Row& r = b.rows[i];
        ids[i] = r[0].as_int();
        custs[i] = r[1].as_int();
        totals[i] = r[2].as_decimal().to_string();
        total_p[i] = totals[i].c_str();
        total_l[i] = totals[i].size();
        status_p[i] = r[3].as_text().c_str();
        status_l[i] = r[3].as_text().size();
        times[i] = mig::to_text(r[4]);
        time_p[i] = times[i].c_str();
        time_l[i] = times[i].size();
        note_ind[i] = r[5].is_null() ? STMT_INDICATOR_NULL : STMT_INDICATOR_NONE;
        note_p[i] = r[5].is_null() ? "" : r[5].as_text().c_str();
        note_l[i] = r[5].is_null() ? 0 : r[5].as_text().size();
      }
      MYSQL_BIND bind[6];
      std::memset(bind, 0, sizeof bind);
      bind[0].buffer_type = MYSQL_TYPE_LONGLONG;
      bind[0].buffer = ids.data();
      bind[1].buffer_type = MYSQL_TYPE_LONGLONG;
      bind[1].buffer = custs.data();
      bind[2].buffer_type = MYSQL_TYPE_STRING;
      bind[2].buffer = total_p.data();
      bind[2].length = total_l.data();
      bind[3].buffer_type = MYSQL_TYPE_STRING;
      bind[3].buffer = status_p.data();
      bind[3].length = status_l.data();
      bind[4].buffer_type = MYSQL_TYPE_STRING;
      bind[4].buffer = time_p.data();
      bind[4].length = time_l.data();
      bind[5].buffer_type = MYSQL_TYPE_STRING;
      bind[5].buffer = note_p.data();
      bind[5].length = note_l.data();
      bind[5].u.indicator = note_ind.data();
      REQUIRE(mysql_query(m, "START TRANSACTION") == 0);
      REQUIRE(mysql_stmt_attr_set(st, STMT_ATTR_ARRAY_SIZE, &n) == 0);
      REQUIRE(mysql_stmt_bind_param(st, bind) == 0);
      INFO(mysql_stmt_error(st));
      REQUIRE(mysql_stmt_execute(st) == 0);
      REQUIRE(mysql_stmt_affected_rows(st) == n);
      REQUIRE(mysql_query(m, "COMMIT") == 0);
    }
    double array_s = seconds(start);
    mysql_stmt_close(st);
    mysql_close(m);
    best_insert = std::min(best_insert, insert_s);
    best_load = std::min(best_load, load_s);
    best_array = std::min(best_array, array_s);
  }
  CHECK(mariadb_sql("myc_bench_insert", "SELECT COUNT(*), SUM(total) FROM orders") ==
        mariadb_sql("myc_bench_array", "SELECT COUNT(*), SUM(total) FROM orders"));
  // Reading it back in keyset pages of 5,000.
  auto reader = open_url(mig::test::mariadb_url("myc_bench_insert"));
  ReadRequest req;
  req.table = "orders";
  req.columns = cols;
  req.key = {"id"};
  req.limit = 5000;
  auto read_start = std::chrono::steady_clock::now();
  size_t read_rows = 0;
  for (;;) {
    mig::Result<Batch> b = reader->read(req);
    REQUIRE(b.ok());
    if (b->rows.empty()) break;
    read_rows += b->rows.size();
    req.after = Row{b->rows.back()[0]};
  }
  double read_s = seconds(read_start);
  CHECK(read_rows == total);
  WARN("keyset read " << read_s << " s (" << static_cast<int64_t>(total / read_s) << " rows/s)");
  WARN("array binding (bulk execution) " << best_array << " s ("
                                         << static_cast<int64_t>(total / best_array) << " rows/s)");
  CHECK(mariadb_sql("myc_bench_insert", "SELECT COUNT(*), SUM(total) FROM orders") ==
        mariadb_sql("myc_bench_load", "SELECT COUNT(*), SUM(total) FROM orders"));
  WARN(total << " rows in batches of " << per_batch << ": multi-row INSERT " << best_insert
             << " s (" << static_cast<int64_t>(total / best_insert)
             << " rows/s), LOAD DATA LOCAL INFILE " << best_load << " s ("
             << static_cast<int64_t>(total / best_load) << " rows/s)");
}
