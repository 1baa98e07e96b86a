// mig::PostgresConnector against the private server of tests/servers.sh: catalog, typed
// keyset reads, exact round trips of every type, the on-conflict policies, refused rows,
// commit markers, hostile names, TLS and password hygiene. Fixtures and checks go through
// psql (server_helpers.hpp), never through the connector under test.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <chrono>

#include "runtime/civil_time.hpp"
#include "runtime/connect.hpp"
#include "runtime/postgres_connector.hpp"
#include "runtime/postgres_sql.hpp"
#include "runtime/postgres_values.hpp"
#include "runtime/value_text.hpp"
#include "tests/server_helpers.hpp"

using Catch::Matchers::Contains;
using mig::Batch;
using mig::BaseType;
using mig::ConflictPolicy;
using mig::PostgresConnector;
using mig::ReadRequest;
using mig::Row;
using mig::Value;
using mig::ValueKind;
using mig::WriteRequest;
using mig::test::fresh_pg_database;
using mig::test::pg_sql;

namespace {

// A fresh database `name` made with `ddl` (through psql), opened through the connector.
std::unique_ptr<PostgresConnector> make_db(const std::string& name, const std::string& ddl) {
  std::string url = fresh_pg_database(name);
  if (!ddl.empty()) pg_sql(name, ddl);
  mig::Result<std::unique_ptr<PostgresConnector>> c = PostgresConnector::open(url);
  INFO((c.ok() ? "" : c.error().message));
  REQUIRE(c.ok());
  return std::move(*c);
}

// psql's answer without the final newline.
std::string query(const std::string& db, const std::string& sql) {
  std::string out = pg_sql(db, sql);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

Value I(int64_t v) { return Value::integer(v); }
Value T(const std::string& v) { return Value::text(v); }
// A value parsed from its canonical text.
Value V(ValueKind kind, const std::string& text) {
  mig::Result<Value> v = mig::parse_value(text, kind);
  INFO(text);
  REQUIRE(v.ok());
  return *v;
}

Batch batch(std::vector<std::string> columns, std::vector<Row> rows) {
  Batch b;
  b.columns = std::move(columns);
  b.rows = std::move(rows);
  return b;
}

// Writes one batch in its own transaction and commits it (REQUIREs success).
mig::WriteOutcome write_committed(PostgresConnector& c, const WriteRequest& req, const Batch& b,
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

mig::Batch read_all(PostgresConnector& c, ReadRequest r) {
  mig::Result<mig::Batch> got = c.read(r);
  INFO((got.ok() ? "" : got.error().message));
  REQUIRE(got.ok());
  return std::move(*got);
}

std::string texts(const Row& row) {
  std::string out;
  for (size_t i = 0; i < row.size(); ++i)
    out += (i ? "|" : "") + (row[i].is_null() ? std::string("null") : mig::to_text(row[i]));
  return out;
}

}  // namespace

TEST_CASE("postgres placeholders are renumbered outside literals, identifiers and comments",
          "[postgres]") {
  int highest = 0;
  mig::Result<std::string> s = mig::renumber_pg_placeholders(
      "a = $1 AND b = '$2' AND \"$3\" = $2 -- $9\n AND c = E'\\'$4' AND d = $$ $5 $$ AND "
      "e = $t$ $6 $t$ AND a$1 = /* $7 /* $8 */ */ $3",
      3, &highest);
  REQUIRE(s.ok());
  CHECK(*s ==
        "a = $4 AND b = '$2' AND \"$3\" = $5 -- $9\n AND c = E'\\'$4' AND d = $$ $5 $$ AND "
        "e = $t$ $6 $t$ AND a$1 = /* $7 /* $8 */ */ $6");
  CHECK(highest == 3);
  CHECK(mig::pg_quote("a\"b") == "\"a\"\"b\"");
  CHECK(mig::pg_qualified("s", "t") == "\"s\".\"t\"");
}

TEST_CASE("postgres native types map to language types", "[postgres]") {
  CHECK(mig::pg_language_type(23, 'b', false) == BaseType::int_);
  CHECK(mig::pg_language_type(1700, 'b', false) == BaseType::decimal);
  CHECK(mig::pg_language_type(701, 'b', false) == BaseType::float_);
  CHECK(mig::pg_language_type(1043, 'b', false) == BaseType::text);
  CHECK(mig::pg_language_type(1184, 'b', false) == BaseType::timestamptz);
  CHECK(mig::pg_language_type(3802, 'b', false) == BaseType::json);
  CHECK(mig::pg_language_type(1007, 'b', true) == BaseType::json);  // int4[]
  CHECK(mig::pg_language_type(99999, 'e', false) == BaseType::text);  // an enum
  CHECK(mig::pg_language_type(1186, 'b', false) == BaseType::text);   // interval
}

TEST_CASE("postgres catalog: types, nullability, defaults, keys, foreign keys across schemas",
          "[postgres]") {
  auto c = make_db("pgc_catalog", R"(
    CREATE TYPE mood AS ENUM ('sad', 'ok');
    CREATE DOMAIN money2 AS numeric(12, 2);
    CREATE DOMAIN pos_money AS money2 CHECK (VALUE >= 0);
    CREATE SCHEMA sales;
    CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      name varchar(80) NOT NULL, born date, mood mood, tags text[], extra jsonb DEFAULT '{}',
      balance pos_money, score double precision, photo bytea, u uuid, seen timestamptz,
      made timestamp NOT NULL DEFAULT now(), up boolean, name_len int GENERATED ALWAYS AS (length(name)) STORED,
      span interval, code char(3), big numeric);
    CREATE TABLE sales.orders (region text, n int, customer_id bigint REFERENCES public.customers (id),
      PRIMARY KEY (region, n));
    CREATE TABLE sales.lines (region text, n int, line int, FOREIGN KEY (n, region) REFERENCES sales.orders (n, region));
    CREATE TABLE parted (id int PRIMARY KEY, v text) PARTITION BY RANGE (id);
    CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (100);
    CREATE VIEW not_a_table AS SELECT 1 AS x;
    CREATE TABLE _mig_commits (plan text);
  )");
  mig::Result<mig::Catalog> cat = c->introspect();
  INFO((cat.ok() ? "" : cat.error().message));
  REQUIRE(cat.ok());
  CHECK(cat->dialect == "postgres");
  CHECK(cat->default_schema == "public");
  CHECK(cat->table_names() ==
        std::vector<std::string>{"public.customers", "public.parted", "sales.lines", "sales.orders"});

  const mig::TableInfo* cu = cat->find("", "customers");
  REQUIRE(cu);
  std::vector<std::string> names;
  for (const mig::ColumnInfo& col : cu->columns) names.push_back(col.name);
  CHECK(names == std::vector<std::string>{"id", "name", "born", "mood", "tags", "extra", "balance", "score",
                                          "photo", "u", "seen", "made", "up", "name_len", "span", "code", "big"});
  CHECK(cu->primary_key == std::vector<std::string>{"id"});
  auto col = [&](const char* n) { return cu->column(n); };
  CHECK(col("id")->type == BaseType::int_);
  CHECK(col("id")->native_type == "bigint");
  CHECK(col("id")->has_default);  // identity
  CHECK_FALSE(col("id")->nullable);
  CHECK(col("name")->type == BaseType::text);
  CHECK(col("name")->native_type == "character varying(80)");
  CHECK_FALSE(col("name")->nullable);
  CHECK_FALSE(col("name")->has_default);
  CHECK(col("born")->type == BaseType::date);
  CHECK(col("born")->nullable);
  CHECK(col("mood")->type == BaseType::text);
  CHECK(col("mood")->native_type == "mood");
  CHECK(col("tags")->type == BaseType::json);
  CHECK(col("tags")->native_type == "text[]");
  CHECK(col("extra")->type == BaseType::json);
  CHECK(col("extra")->has_default);
  CHECK(col("balance")->type == BaseType::decimal);  // a domain over a domain over numeric
  CHECK(col("balance")->native_type == "pos_money");
  CHECK(col("score")->type == BaseType::float_);
  CHECK(col("photo")->type == BaseType::bytes);
  CHECK(col("u")->type == BaseType::uuid);
  CHECK(col("seen")->type == BaseType::timestamptz);
  CHECK(col("made")->type == BaseType::timestamp);
  CHECK(col("made")->has_default);
  CHECK(col("up")->type == BaseType::bool_);
  CHECK(col("name_len")->has_default);  // generated
  CHECK(col("span")->type == BaseType::text);
  CHECK(col("code")->type == BaseType::text);
  CHECK(col("code")->native_type == "character(3)");
  CHECK(col("big")->type == BaseType::decimal);

  const mig::TableInfo* orders = cat->find("sales", "orders");
  REQUIRE(orders);
  CHECK(orders->primary_key == std::vector<std::string>{"region", "n"});
  REQUIRE(orders->foreign_keys.size() == 1);
  CHECK(orders->foreign_keys[0].columns == std::vector<std::string>{"customer_id"});
  CHECK(orders->foreign_keys[0].ref_schema == "public");
  CHECK(orders->foreign_keys[0].ref_table == "customers");
  CHECK(orders->foreign_keys[0].ref_columns == std::vector<std::string>{"id"});
  CHECK(cat->find("", "lines") == nullptr);  // an unqualified name is in the default schema
  const mig::TableInfo* lines = cat->find("sales", "lines");
  REQUIRE(lines);
  CHECK(lines->primary_key.empty());
  REQUIRE(lines->foreign_keys.size() == 1);
  CHECK(lines->foreign_keys[0].columns == std::vector<std::string>{"n", "region"});
  CHECK(lines->foreign_keys[0].ref_schema == "sales");
  CHECK(lines->foreign_keys[0].ref_columns == std::vector<std::string>{"n", "region"});
  CHECK(cat->find("", "parted")->primary_key == std::vector<std::string>{"id"});
}

TEST_CASE("postgres keyset pages on a composite key return each row once, with filters",
          "[postgres]") {
  auto c = make_db("pgc_pages", "CREATE TABLE t (a int, b text, v int, PRIMARY KEY (a, b))");
  REQUIRE(c->begin().ok());
  Batch b = batch({"a", "b", "v"}, {});
  int64_t n = 0;
  for (int a = 0; a < 6; ++a)
    for (const char* s : {"", "B", "a", "b", "ba", "z", "é"}) b.rows.push_back({I(a), T(s), I(n++)});
  mig::Result<mig::WriteOutcome> w = c->write({"", "t", {"a", "b"}, ConflictPolicy::fail}, b);
  REQUIRE(w.ok());
  CHECK(w->inserted == 42);
  REQUIRE(c->commit({"p", "e", "t", 1}, "{}").ok());

  // Two filters each numbered from $1: the connector renumbers them.
  ReadRequest r;
  r.table = "t";
  r.columns = {"v", "a", "b"};
  r.key = {"a", "b"};
  r.filters = {{"v >= $1", {I(3)}}, {"v < $1 AND b <> $2 AND b <> '$1'", {I(40), T("z")}}};
  r.limit = 4;
  mig::Result<int64_t> total = c->count(r);
  REQUIRE(total.ok());
  std::vector<int64_t> seen;
  std::vector<std::string> keys;
  for (int page = 0; page < 100; ++page) {
    mig::Batch got = read_all(*c, r);
    CHECK(got.unreadable.empty());
    if (got.rows.empty()) break;
    CHECK(got.rows.size() <= 4);
    for (const Row& row : got.rows) {
      seen.push_back(row[0].as_int());
      keys.push_back(std::to_string(row[1].as_int()) + "/" + row[2].as_text());
    }
    r.after = Row{got.rows.back()[1], got.rows.back()[2]};
  }
  std::vector<int64_t> expected;
  for (const Row& row : b.rows)
    if (row[2].as_int() >= 3 && row[2].as_int() < 40 && row[1].as_text() != "z") expected.push_back(row[2].as_int());
  std::vector<int64_t> sorted_seen = seen;
  std::sort(sorted_seen.begin(), sorted_seen.end());
  CHECK(sorted_seen == expected);  // each once
  CHECK(*total == static_cast<int64_t>(expected.size()));
  // In the server's order of the key, as psql sees it.
  std::string server_order = query("pgc_pages",
                                   "SELECT string_agg(a || '/' || b, ',' ORDER BY a, b) FROM t "
                                   "WHERE v >= 3 AND v < 40 AND b <> 'z'");
  std::string ours;
  for (const std::string& k : keys) ours += (ours.empty() ? "" : ",") + k;
  CHECK(ours == server_order);
}

TEST_CASE("postgres values round-trip exactly through COPY and through the staging table",
          "[postgres]") {
  auto c = make_db("pgc_values", R"(
    CREATE TYPE mood AS ENUM ('sad', 'ok');
    CREATE TABLE v (id int PRIMARY KEY, i2 smallint, i8 bigint, d numeric, d2 numeric(10, 2),
      f4 real, f8 double precision, t text, vc varchar(10), bp char(3), b boolean, dt date,
      ts timestamp, tz timestamptz, u uuid, j json, jb jsonb, by bytea, e mood, ai int[],
      at text[], iv interval);
    CREATE TABLE w (LIKE v INCLUDING ALL);
  )");
  std::vector<std::string> cols = {"id", "i2", "i8", "d", "d2", "f4", "f8", "t", "vc", "bp", "b",
                                   "dt", "ts", "tz", "u", "j", "jb", "by", "e", "ai", "at", "iv"};
  std::string all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes += static_cast<char>(i);
  Row r1 = {I(1), I(-32768), I(INT64_MIN), V(ValueKind::decimal, "12345678901234567890123456789012345678"),
            V(ValueKind::decimal, "12.30"), Value::floating(1.5), Value::floating(0.1),
            T("tab\there\nnew\\line\rcr \"q\" 'a' é€😀"), T("ünï"), T("ab "), Value::boolean(true),
            V(ValueKind::date, "0001-01-01"), V(ValueKind::timestamp, "0999-12-31 23:59:59.999999"),
            V(ValueKind::timestamptz, "2024-01-31 10:00:00.123456+02:00"),
            V(ValueKind::uuid, "6f9619ff-8b86-d011-b42d-00c04fc964ff"), Value::json(R"({"a": [1, 2.50]})"),
            Value::json(R"({"k": "v\tw", "n": 12345678901234567890.5})"), Value::bytes(all_bytes), T("ok"),
            Value::list({I(1), I(2), Value()}), Value::json(R"(["a\"b", "c,d", null, "NULL", "{x}"])"),
            T("1 day 02:00:00")};
  Row r2 = {I(2), I(32767), I(INT64_MAX), V(ValueKind::decimal, "-0.00000000000000000000000000000000000001"),
            V(ValueKind::decimal, "0.00"), Value::floating(-0.0), Value::floating(1e300), T(""), T("\\N"),
            T("x"), Value::boolean(false), V(ValueKind::date, "0999-01-01"),
            V(ValueKind::timestamp, "2024-02-29 00:00:00"), V(ValueKind::timestamptz, "0001-01-01 00:00:00+00:00"),
            V(ValueKind::uuid, "00000000-0000-0000-0000-000000000000"), Value::json("[]"), Value::json("null"),
            Value::bytes(""), T("sad"), Value::list({}), Value::json("[]"), T("-00:00:01")};
  Row r3(cols.size());
  r3[0] = I(3);

  std::string table = GENERATE(std::string("v"), std::string("w"));
  ConflictPolicy policy = table == "v" ? ConflictPolicy::fail : ConflictPolicy::update;
  mig::WriteOutcome out = write_committed(*c, {"", table, {"id"}, policy}, batch(cols, {r1, r2, r3}));
  CHECK(out.inserted == 3);
  CHECK(out.refused.empty());

  // What the server holds, through psql.
  std::string db = "pgc_values";
  CHECK(query(db, "SELECT t = E'tab\\there\\nnew\\\\line\\rcr \"q\" ''a'' é€😀' FROM " + table + " WHERE id = 1") == "t");
  CHECK(query(db, "SELECT t = '' AND t IS NOT NULL, vc = '\\N' FROM " + table + " WHERE id = 2") == "t|t");
  CHECK(query(db, "SELECT t IS NULL FROM " + table + " WHERE id = 3") == "t");
  CHECK(query(db, "SELECT encode(by, 'hex') = (SELECT string_agg(lpad(to_hex(i), 2, '0'), '' ORDER BY i) "
                  "FROM generate_series(0, 255) i) FROM " + table + " WHERE id = 1") == "t");
  CHECK(query(db, "SELECT d::text, tz::text, ts::text, dt::text FROM " + table + " WHERE id = 1") ==
        "12345678901234567890123456789012345678|2024-01-31 08:00:00.123456+00|0999-12-31 23:59:59.999999|0001-01-01");
  CHECK(query(db, "SELECT ai::text, at::text, at[4] IS NULL, at[5] FROM " + table + " WHERE id = 1") ==
        "{1,2,NULL}|{\"a\\\"b\",\"c,d\",NULL,\"NULL\",\"{x}\"}|f|{x}");
  CHECK(query(db, "SELECT jb->>'n' FROM " + table + " WHERE id = 1") == "12345678901234567890.5");
  CHECK(query(db, "SELECT f8 = 0.1::float8, f4 = 1.5::real FROM " + table + " WHERE id = 1") == "t|t");

  ReadRequest rr;
  rr.table = table;
  rr.columns = cols;
  rr.key = {"id"};
  mig::Batch got = read_all(*c, rr);
  REQUIRE(got.rows.size() == 3);
  CHECK(got.unreadable.empty());
  const Row& g1 = got.rows[0];
  for (size_t i = 0; i < cols.size(); ++i) {
    INFO(cols[i]);
    if (cols[i] == "jb" || cols[i] == "ai" || cols[i] == "at" || cols[i] == "bp") continue;  // below
    CHECK(mig::to_text(g1[i]) == mig::to_text(r1[i]));
    CHECK(g1[i].kind() == r1[i].kind());
  }
  CHECK(g1[3].as_decimal().to_string() == "12345678901234567890123456789012345678");
  CHECK(g1[9].as_text() == "ab ");
  CHECK(g1[16].as_json() == R"({"k": "v\tw", "n": 12345678901234567890.5})");  // jsonb's own spelling
  CHECK(g1[19].as_json() == "[1,2,null]");
  CHECK(g1[20].as_json() == R"(["a\"b","c,d",null,"NULL","{x}"])");
  const Row& g2 = got.rows[1];
  CHECK(texts(g2) ==
        "2|32767|9223372036854775807|-0.00000000000000000000000000000000000001|0.00|-0|1e+300||\\N|x  |false|"
        "0999-01-01|2024-02-29 00:00:00|0001-01-01 00:00:00+00:00|00000000-0000-0000-0000-000000000000|[]|null|"
        "\\x|sad|[]|[]|-00:00:01");
  CHECK(g2[3].kind() == ValueKind::decimal);
  CHECK(g2[4].as_decimal().scale() == 2);
  for (size_t i = 1; i < cols.size(); ++i) CHECK(got.rows[2][i].is_null());

  // What was read writes back to the same values (the arrays as JSON arrays).
  REQUIRE(c->execute("CREATE TABLE copy_back (LIKE v)").ok());
  write_committed(*c, {"", "copy_back", {"id"}, ConflictPolicy::fail}, got, 2);
  CHECK(query(db, "SELECT count(*) FROM copy_back c JOIN " + table +
                      " o USING (id) WHERE row(c.*)::text = row(o.*)::text") == "3");
}

TEST_CASE("postgres values without an exact language value make the row unreadable, naming why",
          "[postgres]") {
  auto c = make_db("pgc_unreadable", R"(
    CREATE TABLE u (id date PRIMARY KEY, d numeric, ts timestamp, n int);
    INSERT INTO u VALUES ('2024-01-01', 'NaN', '2024-01-01', 1), ('infinity', 1, NULL, 2),
      ('0044-03-15 BC', 2, 'infinity', 3), ('2024-01-02', 3, '10000-01-01', 4),
      ('2024-01-03', 'Infinity', NULL, 5), ('2024-01-04', 1e40, NULL, 6), ('2024-01-05', 4.5, NULL, 7);
  )");
  ReadRequest r;
  r.table = "u";
  r.columns = {"id", "d", "ts", "n"};
  r.key = {"id"};
  r.limit = 3;
  std::vector<mig::RefusedRow> unreadable;
  std::vector<int64_t> ns;
  for (int page = 0; page < 10; ++page) {
    mig::Batch got = read_all(*c, r);
    if (got.rows.empty()) break;
    for (mig::RefusedRow u : got.unreadable) {
      u.index = static_cast<size_t>(got.rows[u.index][3].as_int());
      unreadable.push_back(u);
    }
    for (const Row& row : got.rows) ns.push_back(row[3].as_int());
    r.after = Row{got.rows.back()[0]};  // an unreadable key comes as stored: paging goes on
  }
  CHECK(ns == std::vector<int64_t>{3, 1, 4, 5, 6, 7, 2});
  REQUIRE(unreadable.size() == 6);
  CHECK(unreadable[0].index == 3);
  CHECK(unreadable[0].reason ==
        "column `id`: `0044-03-15 BC` is before the year 1 (BC), which mig dates and times cannot hold");
  CHECK(unreadable[1].index == 1);
  CHECK(unreadable[1].reason == "column `d`: `NaN` is not a finite number, which a decimal must be");
  CHECK(unreadable[2].index == 4);
  CHECK(unreadable[2].reason ==
        "column `ts`: `10000-01-01 00:00:00` is outside the years 0001 to 9999 that mig dates and times cover");
  CHECK(unreadable[3].index == 5);
  CHECK_THAT(unreadable[3].reason, Contains("`Infinity` is not a finite number"));
  CHECK(unreadable[4].index == 6);
  CHECK_THAT(unreadable[4].reason, Contains("does not fit a decimal"));
  CHECK(unreadable[5].index == 2);
  CHECK(unreadable[5].reason == "column `id`: `infinity` is not a date: mig dates and times are finite");
}

TEST_CASE("postgres on conflict fail: a key that exists fails the write, naming the key", "[postgres]") {
  auto c = make_db("pgc_fail", "CREATE TABLE orders (id int PRIMARY KEY, total text)");
  WriteRequest req{"", "orders", {"id"}, ConflictPolicy::fail};
  CHECK(write_committed(*c, req, batch({"id", "total"}, {{I(3), T("a")}, {I(4), T("b")}})).inserted == 2);

  REQUIRE(c->begin().ok());
  mig::Result<mig::WriteOutcome> dup = c->write(req, batch({"id", "total"}, {{I(5), T("c")}, {I(3), T("x")}}));
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().message == "row with key (3) already exists in `public.orders`; the task's `on conflict` is `fail`");
  // The transaction is still usable, the batch undone.
  mig::Result<mig::WriteOutcome> other = c->write(req, batch({"id", "total"}, {{I(6), T("f")}}));
  REQUIRE(other.ok());
  REQUIRE(c->rollback().ok());
  CHECK(query("pgc_fail", "SELECT count(*), string_agg(total, ',' ORDER BY id) FROM orders") == "2|a,b");

  // Twice the same key in one batch: the second finds the first.
  REQUIRE(c->begin().ok());
  mig::Result<mig::WriteOutcome> twice = c->write(req, batch({"id", "total"}, {{I(7), T("g")}, {I(7), T("h")}}));
  REQUIRE_FALSE(twice.ok());
  CHECK_THAT(twice.error().message, Contains("row with key (7) already exists"));
  REQUIRE(c->rollback().ok());
}

TEST_CASE("postgres on conflict skip and update: counts, skipped rows and before-images", "[postgres]") {
  // `keyed` has a unique key (ON CONFLICT); `loose` has none (UPDATE ... FROM, then INSERT).
  std::string table = GENERATE(std::string("keyed"), std::string("loose"));
  auto c = make_db("pgc_policies_" + table,
                   "CREATE TABLE keyed (id int PRIMARY KEY, name text, n int);"
                   "CREATE TABLE loose (id int, name text, n int);");
  Batch seed = batch({"id", "name", "n"}, {{I(1), T("one"), I(10)}, {I(2), T("two"), I(20)}});
  CHECK(write_committed(*c, {"", table, {"id"}, ConflictPolicy::fail}, seed).inserted == 2);

  Batch next = batch({"id", "name", "n"}, {{I(2), T("TWO"), I(22)}, {I(3), T("three"), I(30)},
                                           {I(1), T("ONE"), Value()}});
  mig::WriteOutcome skip = write_committed(*c, {"", table, {"id"}, ConflictPolicy::skip}, next, 2);
  CHECK(skip.inserted == 1);
  CHECK(skip.updated == 0);
  CHECK(skip.skipped == std::vector<size_t>{0, 2});
  CHECK(skip.before.empty());
  CHECK(query("pgc_policies_" + table, "SELECT name FROM " + table + " WHERE id = 2") == "two");

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
  CHECK(query("pgc_policies_" + table, "SELECT name || '/' || coalesce(n::text, 'null') FROM " + table +
                                           " WHERE id = 1") == "ONE/null");
  CHECK(query("pgc_policies_" + table, "SELECT count(*) FROM " + table) == "4");
}

TEST_CASE("postgres duplicate keys in one batch are written in order, as row by row would", "[postgres]") {
  auto c = make_db("pgc_dups", "CREATE TABLE t (id int PRIMARY KEY, v text);"
                               "INSERT INTO t VALUES (1, 'stored');");
  Batch b = batch({"id", "v"}, {{I(1), T("a")}, {I(2), T("b")}, {I(1), T("c")}, {I(2), T("d")}, {I(1), T("e")}});

  mig::WriteOutcome skip = write_committed(*c, {"", "t", {"id"}, ConflictPolicy::skip}, b);
  CHECK(skip.inserted == 1);
  CHECK(skip.skipped == std::vector<size_t>{0, 2, 3, 4});
  CHECK(query("pgc_dups", "SELECT string_agg(id || v, ',' ORDER BY id) FROM t") == "1stored,2b");

  mig::WriteOutcome upd = write_committed(*c, {"", "t", {"id"}, ConflictPolicy::update}, b, 2);
  CHECK(upd.inserted == 0);
  CHECK(upd.updated == 5);
  REQUIRE(upd.before.size() == 5);
  std::vector<std::string> before;
  for (const auto& [i, row] : upd.before) before.push_back(std::to_string(i) + ":" + texts(row));
  CHECK(before == std::vector<std::string>{"0:1|stored", "1:2|b", "2:1|a", "3:2|b", "4:1|c"});
  CHECK(query("pgc_dups", "SELECT string_agg(id || v, ',' ORDER BY id) FROM t") == "1e,2d");
}

TEST_CASE("postgres keys equal for the server but not as text are duplicates too", "[postgres]") {
  auto c = make_db("pgc_dups_server", "CREATE TABLE t (code varchar(3), amount numeric(10, 2), v text, "
                                      "PRIMARY KEY (code, amount));");
  Batch b = batch({"code", "amount", "v"}, {{T("ab"), V(ValueKind::decimal, "1.001"), T("a")},
                                            {T("ab  "), V(ValueKind::decimal, "1.004"), T("b")},
                                            {T("ab"), V(ValueKind::decimal, "1"), T("c")}});
  mig::WriteOutcome upd = write_committed(*c, {"", "t", {"code", "amount"}, ConflictPolicy::update}, b);
  // `ab  ` is cut to `ab ` (varchar(3)), not `ab`; 1.001 and 1 are both 1.00.
  CHECK(upd.inserted == 2);
  CHECK(upd.updated == 1);
  REQUIRE(upd.before.size() == 1);
  CHECK(upd.before[0].first == 2);
  CHECK(texts(upd.before[0].second) == "ab|1.00|a");
  CHECK(query("pgc_dups_server", "SELECT string_agg(code || '/' || amount || '/' || v, ',' ORDER BY v) FROM t") ==
        "ab /1.00/b,ab/1.00/c");
  mig::WriteOutcome skip = write_committed(*c, {"", "t", {"code", "amount"}, ConflictPolicy::skip}, b, 2);
  CHECK(skip.inserted == 0);
  CHECK(skip.skipped == std::vector<size_t>{0, 1, 2});
}

TEST_CASE("postgres rows the server refuses are found and reported, the rest commits", "[postgres]") {
  ConflictPolicy policy = GENERATE(ConflictPolicy::fail, ConflictPolicy::skip, ConflictPolicy::update);
  auto c = make_db("pgc_refused", R"(
    CREATE TABLE p (id int PRIMARY KEY, email text NOT NULL UNIQUE, qty int CHECK (qty >= 0), note text);
    INSERT INTO p VALUES (100, 'taken@x', 1, NULL);
  )");
  Batch b = batch({"id", "email", "qty", "note"}, {});
  for (int i = 0; i < 40; ++i) b.rows.push_back({I(i), T("u" + std::to_string(i) + "@x"), I(1), T("fine")});
  b.rows[3][1] = Value();                 // NOT NULL
  b.rows[17][2] = I(-5);                  // CHECK
  b.rows[18][1] = T("taken@x");           // UNIQUE, not the key
  b.rows[30][3] = T(std::string("a\0b", 3));  // NUL: PostgreSQL text cannot hold it
  b.rows[31][2] = I(int64_t{1} << 40);    // out of range for int
  mig::WriteOutcome out = write_committed(*c, {"", "p", {"id"}, policy}, b);
  CHECK(out.inserted == 35);
  REQUIRE(out.refused.size() == 5);
  CHECK(out.refused[0].index == 3);
  CHECK_THAT(out.refused[0].reason, Contains("null value in column \"email\"") && Contains("not-null"));
  CHECK(out.refused[1].index == 17);
  CHECK_THAT(out.refused[1].reason, Contains("p_qty_check"));
  CHECK(out.refused[2].index == 18);
  CHECK_THAT(out.refused[2].reason, Contains("p_email_key") && Contains("taken@x"));
  CHECK(out.refused[3].index == 30);
  CHECK(out.refused[3].reason ==
        "column `note`: text `a\\x00b` holds a NUL byte, which PostgreSQL cannot store in text: remove it in the map");
  CHECK(out.refused[4].index == 31);
  CHECK_THAT(out.refused[4].reason, Contains("qty") && Contains("out of range"));
  CHECK(query("pgc_refused", "SELECT count(*) FROM p") == "36");
}

TEST_CASE("postgres commit markers: committed with the batch, gone after a rollback, forgotten",
          "[postgres]") {
  auto c = make_db("pgc_markers", "CREATE TABLE t (id int PRIMARY KEY)");
  WriteRequest req{"", "t", {"id"}, ConflictPolicy::fail};
  mig::CommitMarker m1{"shop", "dev", "t", 1};
  mig::CommitMarker m2{"shop", "dev", "t", 2};
  mig::Result<std::optional<std::string>> none = c->committed(m1);  // no table yet
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());

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
  CHECK(query("pgc_markers", "SELECT string_agg(id::text, ',') FROM t") == "1");
  CHECK(query("pgc_markers", "SELECT plan, env, task, batch, committed_at IS NOT NULL FROM public._mig_commits") ==
        "shop|dev|t|1|t");

  mig::Result<mig::Catalog> cat = c->introspect();
  REQUIRE(cat.ok());
  CHECK(cat->table_names() == std::vector<std::string>{"public.t"});

  REQUIRE(c->forget_markers("shop", "dev", "t").ok());
  mig::Result<std::optional<std::string>> gone = c->committed(m1);
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
}

TEST_CASE("postgres hostile table and column names stay names and the canary survives", "[postgres]") {
  // Written out by hand, not with the quoting under test.
  auto c = make_db("pgc_hostile", R"(
    CREATE TABLE canary (alive int); INSERT INTO canary VALUES (1);
    CREATE SCHEMA "we""ird; --";
    CREATE TABLE "we""ird; --"."x""; DROP TABLE canary; --" (
      "select" int PRIMARY KEY, "a`b" text, "名前" text, "q""uote" text, "order" int, "$1" text);
  )");
  const std::string schema = "we\"ird; --";
  const std::string table = "x\"; DROP TABLE canary; --";
  std::vector<std::string> cols = {"select", "a`b", "名前", "q\"uote", "order", "$1"};
  mig::Result<mig::Catalog> cat = c->introspect();
  REQUIRE(cat.ok());
  const mig::TableInfo* t = cat->find(schema, table);
  REQUIRE(t);
  std::vector<std::string> names;
  for (const mig::ColumnInfo& col : t->columns) names.push_back(col.name);
  CHECK(names == cols);

  ConflictPolicy policy = GENERATE(ConflictPolicy::update, ConflictPolicy::skip);
  WriteRequest req{schema, table, {"select"}, policy};
  Batch b = batch(cols, {{I(1), T("'; DROP TABLE canary; --"), T("ü"), T("\"x\""), I(2), T("$1")},
                         {I(2), T("`"), T("名"), T("$2"), I(3), T("\\")}});
  write_committed(*c, req, b);
  b.rows[0][1] = T("changed");
  mig::WriteOutcome again = write_committed(*c, req, b, 2);
  CHECK(again.updated == (policy == ConflictPolicy::update ? 2 : 0));

  ReadRequest r;
  r.schema = schema;
  r.table = table;
  r.columns = cols;
  r.key = {"select"};
  r.filters.push_back({"\"order\" >= $1 AND \"a`b\" <> '$2' AND \"$1\" <> $2", {I(2), T("x")}});
  mig::Batch got = read_all(*c, r);
  REQUIRE(got.rows.size() == 2);
  CHECK(texts(got.rows[0]) == (policy == ConflictPolicy::update ? "1|changed|ü|\"x\"|2|$1"
                                                                 : "1|'; DROP TABLE canary; --|ü|\"x\"|2|$1"));
  CHECK(texts(got.rows[1]) == "2|`|名|$2|3|\\");
  mig::Result<int64_t> removed = [&] {
    REQUIRE(c->begin().ok());
    mig::Result<int64_t> n = c->remove(req, {{I(2)}, {I(99)}});
    REQUIRE(c->commit({"p", "e", "t", 9}, "{}").ok());
    return n;
  }();
  REQUIRE(removed.ok());
  CHECK(*removed == 1);
  CHECK(query("pgc_hostile", "SELECT alive FROM canary") == "1");
}

TEST_CASE("postgres remove deletes by composite key inside the transaction", "[postgres]") {
  auto c = make_db("pgc_remove", "CREATE TABLE t (a int, b text, d date, PRIMARY KEY (a, b, d));"
                                 "INSERT INTO t SELECT i, 'k\"' || i, DATE '2024-01-01' + i FROM generate_series(1, 12000) i;");
  WriteRequest req{"", "t", {"a", "b", "d"}, ConflictPolicy::fail};
  std::vector<Row> keys;
  for (int i = 1; i <= 12000; i += 2)
    keys.push_back({I(i), T("k\"" + std::to_string(i)),
                    Value::date(mig::Date{static_cast<int32_t>(mig::days_from_civil({2024, 1, 1}) + i)})});
  keys.push_back({I(2), T("wrong"), Value::date(mig::Date{0})});
  keys.push_back({I(4), Value(), Value::date(mig::Date{0})});
  REQUIRE(c->begin().ok());
  mig::Result<int64_t> n = c->remove(req, keys);
  INFO((n.ok() ? "" : n.error().message));
  REQUIRE(n.ok());
  CHECK(*n == 6000);
  REQUIRE(c->rollback().ok());
  CHECK(query("pgc_remove", "SELECT count(*) FROM t") == "12000");
  REQUIRE(c->begin().ok());
  REQUIRE(c->remove(req, keys).ok());
  REQUIRE(c->commit({"p", "e", "t", 1}, "{}").ok());
  CHECK(query("pgc_remove", "SELECT count(*), min(a) % 2, max(a) % 2 FROM t") == "6000|0|0");
}

TEST_CASE("postgres execute runs hooks; query_value binds and decodes the first cell", "[postgres]") {
  auto c = make_db("pgc_execute", "CREATE TABLE a (id int PRIMARY KEY, price numeric(10, 2))");
  REQUIRE(c->execute("INSERT INTO a VALUES (1, 9.90), (2, 20); CREATE TABLE hook (x int)").ok());
  CHECK(query("pgc_execute", "SELECT count(*) FROM a") == "2");
  mig::Status bad = c->execute("NOT SQL");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().message, Contains("syntax error"));

  mig::Result<Value> sum = c->query_value({"SELECT sum(price) FROM a WHERE id >= $1", {I(1)}});
  REQUIRE(sum.ok());
  CHECK(sum->kind() == ValueKind::decimal);
  CHECK(mig::to_text(*sum) == "29.90");
  mig::Result<Value> n = c->query_value({"SELECT count(*) FROM a WHERE price > $1", {V(ValueKind::decimal, "10")}});
  REQUIRE(n.ok());
  CHECK(*n == I(1));
  mig::Result<Value> none = c->query_value({"SELECT id FROM a WHERE id = $1", {I(42)}});
  REQUIRE(none.ok());
  CHECK(none->is_null());
  mig::Result<Value> text = c->query_value({"SELECT $1 || 'x'", {T("a")}});
  REQUIRE(text.ok());
  CHECK(*text == T("ax"));

  // A table a hook created is found by a later write.
  mig::WriteOutcome out = write_committed(*c, {"", "hook", {}, ConflictPolicy::fail}, batch({"x"}, {{I(5)}}));
  CHECK(out.inserted == 1);
}

TEST_CASE("postgres identity columns, defaults and arrays from lists", "[postgres]") {
  auto c = make_db("pgc_identity", R"(
    CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text, made text DEFAULT 'dflt',
                    tags text[], nums numeric[], doc jsonb);
  )");
  ConflictPolicy policy = GENERATE(ConflictPolicy::fail, ConflictPolicy::update);
  Batch b = batch({"id", "v", "tags", "nums", "doc"},
                  {{I(10), T("a"), Value::list({T("x y"), T("\"q\""), Value()}),
                    Value::list({V(ValueKind::decimal, "1.10"), V(ValueKind::decimal, "-3")}),
                    Value::list({I(1), T("two"), Value::boolean(true), V(ValueKind::decimal, "3.50")})}});
  mig::WriteOutcome out = write_committed(*c, {"", "t", {"id"}, policy}, b);
  CHECK(out.inserted == 1);
  CHECK(query("pgc_identity", "SELECT id, v, made, tags::text, nums::text, doc::text FROM t") ==
        "10|a|dflt|{\"x y\",\"\\\"q\\\"\",NULL}|{1.10,-3}|[1, \"two\", true, 3.50]");
}

TEST_CASE("postgres connects with verify-full TLS to localhost", "[postgres]") {
  fresh_pg_database("pgc_tls");
  std::string url = "postgresql://mig:" + mig::test::server_env("MIG_TEST_PASSWORD") + "@localhost:" +
                    mig::test::server_env("MIG_TEST_PG_PORT") + "/pgc_tls?sslmode=verify-full&sslrootcert=" +
                    mig::test::server_env("MIG_TEST_CA");
  mig::ConnectorSpec spec;
  spec.kind = "postgres";
  spec.location = url;
  mig::Result<std::unique_ptr<mig::Connector>> c = mig::connect(spec);
  INFO((c.ok() ? "" : c.error().message));
  REQUIRE(c.ok());
  mig::Result<Value> ssl = (*c)->query_value({"SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", {}});
  REQUIRE(ssl.ok());
  CHECK(*ssl == Value::boolean(true));

  // A root certificate that does not exist: refused, and the message hides the password.
  spec.location = url + "-missing";
  mig::Result<std::unique_ptr<mig::Connector>> bad = mig::connect(spec);
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().message, Contains("root certificate"));
  CHECK(bad.error().message.find(mig::test::server_env("MIG_TEST_PASSWORD")) == std::string::npos);
}

TEST_CASE("postgres connection errors never show the password", "[postgres]") {
  fresh_pg_database("pgc_password");
  std::string port = mig::test::server_env("MIG_TEST_PG_PORT");
  mig::ConnectorSpec spec;
  spec.kind = "postgres";
  spec.location = "postgresql://mig:Wr0ng-Secret%21@127.0.0.1:" + port + "/pgc_password";
  mig::Result<std::unique_ptr<mig::Connector>> c = mig::connect(spec);
  REQUIRE_FALSE(c.ok());
  CHECK_THAT(c.error().message, Contains("password authentication failed") && Contains("mig:***@127.0.0.1"));
  CHECK(c.error().message.find("Wr0ng") == std::string::npos);
  CHECK(c.error().message.find("Secret") == std::string::npos);

  spec.location = "mysql://mig:hunter2@x/y";
  mig::Result<std::unique_ptr<mig::Connector>> scheme = mig::connect(spec);
  REQUIRE_FALSE(scheme.ok());
  CHECK_THAT(scheme.error().message, Contains("is not a URL") && !Contains("hunter2"));

  // No password in the URL: libpq takes PGPASSWORD (or ~/.pgpass).
  spec.location = "postgresql://mig@127.0.0.1:" + port + "/pgc_password";
  ::setenv("PGPASSWORD", mig::test::server_env("MIG_TEST_PASSWORD").c_str(), 1);
  mig::Result<std::unique_ptr<mig::Connector>> env = mig::connect(spec);
  ::unsetenv("PGPASSWORD");
  INFO((env.ok() ? "" : env.error().message));
  CHECK(env.ok());
}

// Not run by default (`mig_tests "[.pgbench]"` through tests/servers.sh): read and write
// rates on a million rows, printed.
TEST_CASE("postgres read and write rates on a million rows", "[.pgbench]") {
  auto c = make_db("pgc_bench", R"(
    CREATE TABLE src (id bigint PRIMARY KEY, n int, d numeric(12, 2), t text, ts timestamptz, b boolean);
    INSERT INTO src SELECT i, i % 1000, i / 100.0, 'name ' || i, TIMESTAMPTZ '2024-01-01' + i * INTERVAL '1 second', i % 2 = 0
      FROM generate_series(1, 1000000) i;
    CREATE TABLE dst (LIKE src INCLUDING ALL);
    ANALYZE src;
  )");
  ReadRequest r;
  r.table = "src";
  r.columns = {"id", "n", "d", "t", "ts", "b"};
  r.key = {"id"};
  r.limit = 5000;
  std::vector<Batch> pages;
  auto start = std::chrono::steady_clock::now();
  size_t rows = 0;
  for (;;) {
    Batch got = read_all(*c, r);
    if (got.rows.empty()) break;
    rows += got.rows.size();
    r.after = Row{got.rows.back()[0]};
    pages.push_back(std::move(got));
  }
  auto secs = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  double read_s = secs();
  WARN("read " << rows << " rows in " << read_s << " s: " << rows / read_s << " rows/s");
  CHECK(rows == 1000000);

  for (ConflictPolicy policy : {ConflictPolicy::fail, ConflictPolicy::skip, ConflictPolicy::update}) {
    start = std::chrono::steady_clock::now();
    int64_t seq = 0;
    for (const Batch& b : pages) {
      REQUIRE(c->begin().ok());
      mig::Result<mig::WriteOutcome> w = c->write({"", "dst", {"id"}, policy}, b);
      REQUIRE(w.ok());
      REQUIRE(c->commit({"bench", "dev", "dst", ++seq}, "{}").ok());
    }
    double write_s = secs();
    WARN("write (on conflict " << (policy == ConflictPolicy::fail ? "fail" : policy == ConflictPolicy::skip ? "skip" : "update")
                               << ") " << rows << " rows in " << write_s << " s: " << rows / write_s << " rows/s");
    REQUIRE(c->forget_markers("bench", "dev", "dst").ok());
  }
}
