// mig::SqliteConnector: introspection, typed keyset reads, the on-conflict policies,
// refused rows, commit markers, and hostile names that must stay names.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <filesystem>

#include "runtime/connect.hpp"
#include "runtime/sql_dialect.hpp"
#include "runtime/sqlite_connector.hpp"
#include "runtime/value_text.hpp"

using Catch::Matchers::Contains;
using mig::Batch;
using mig::BaseType;
using mig::ConflictPolicy;
using mig::ReadRequest;
using mig::Row;
using mig::SqliteConnector;
using mig::Value;
using mig::WriteRequest;

namespace {

// A fresh directory under $TMPDIR, removed at the end of the test.
struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mig_sqlite_XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

// A database file made with `ddl`, opened through the connector.
std::unique_ptr<SqliteConnector> make_db(const TempDir& dir, const std::string& ddl,
                                         const std::string& name = "db.sqlite") {
  std::string path = dir.path + "/" + name;
  {
    mig::Result<mig::SqliteDb> db = mig::SqliteDb::open(path, mig::SqliteDb::Mode::create);
    REQUIRE(db.ok());
    mig::Status s = db->exec(ddl);
    INFO((s.ok() ? "" : s.error().message));
    REQUIRE(s.ok());
  }
  mig::Result<std::unique_ptr<SqliteConnector>> c = SqliteConnector::open(path);
  REQUIRE(c.ok());
  return std::move(*c);
}

// A one-value query on the file behind `dir`/db.sqlite, outside the connector.
std::string query(const TempDir& dir, const std::string& sql) {
  mig::Result<mig::SqliteDb> db = mig::SqliteDb::open(dir.path + "/db.sqlite", mig::SqliteDb::Mode::read_only);
  REQUIRE(db.ok());
  mig::Result<mig::SqliteStatement> st = db->prepare(sql);
  INFO(sql);
  REQUIRE(st.ok());
  mig::Result<bool> row = st->step();
  REQUIRE(row.ok());
  return *row ? st->column_text(0) : "<no row>";
}

Value I(int64_t v) { return Value::integer(v); }
Value T(const std::string& v) { return Value::text(v); }

Batch batch(std::vector<std::string> columns, std::vector<Row> rows) {
  Batch b;
  b.columns = std::move(columns);
  b.rows = std::move(rows);
  return b;
}

// Writes one batch in its own transaction and commits it (REQUIREs success).
mig::WriteOutcome write_committed(SqliteConnector& c, const WriteRequest& req, const Batch& b,
                                  int64_t seq = 1) {
  REQUIRE(c.begin().ok());
  mig::Result<mig::WriteOutcome> out = c.write(req, b);
  INFO((out.ok() ? "" : out.error().message));
  REQUIRE(out.ok());
  REQUIRE(c.commit({"plan", "dev", req.table, seq}, "{}").ok());
  return *out;
}

std::string texts(const Row& row) {
  std::string out;
  for (const Value& v : row) out += (out.empty() ? "" : "|") + (v.is_null() ? "null" : mig::to_text(v));
  return out;
}

}  // namespace

TEST_CASE("a missing sqlite file is an error naming it, and is not created", "[sqlite]") {
  TempDir dir;
  std::string path = dir.path + "/nope.db";
  mig::Result<std::unique_ptr<SqliteConnector>> c = SqliteConnector::open(path);
  REQUIRE_FALSE(c.ok());
  CHECK_THAT(c.error().message, Contains(path) && Contains("does not exist: create it first"));
  CHECK_FALSE(std::filesystem::exists(path));

  mig::ConnectorSpec spec;
  spec.kind = "postgres";
  spec.location = "postgresql://app:hunter2@db/shop";
  mig::Result<std::unique_ptr<mig::Connector>> pg = mig::connect(spec);
  REQUIRE_FALSE(pg.ok());
  CHECK_THAT(pg.error().message, Contains("cannot connect to PostgreSQL"));
  CHECK(pg.error().message.find("hunter2") == std::string::npos);
}

TEST_CASE("sqlite declared types map to language types", "[sqlite]") {
  CHECK(mig::sqlite_column_type("INTEGER") == BaseType::int_);
  CHECK(mig::sqlite_column_type("bigint") == BaseType::int_);
  CHECK(mig::sqlite_column_type("NUMERIC(10,2)") == BaseType::decimal);
  CHECK(mig::sqlite_column_type("DECIMAL(38, 4)") == BaseType::decimal);
  CHECK(mig::sqlite_column_type("double precision") == BaseType::float_);
  CHECK(mig::sqlite_column_type("VARCHAR(255)") == BaseType::text);
  CHECK(mig::sqlite_column_type("CLOB") == BaseType::text);
  CHECK(mig::sqlite_column_type("BOOLEAN") == BaseType::bool_);
  CHECK(mig::sqlite_column_type("DATE") == BaseType::date);
  CHECK(mig::sqlite_column_type("DATETIME") == BaseType::timestamp);
  CHECK(mig::sqlite_column_type("TIMESTAMP") == BaseType::timestamp);
  CHECK(mig::sqlite_column_type("TIMESTAMP WITHOUT TIME ZONE") == BaseType::timestamp);
  CHECK(mig::sqlite_column_type("TIMESTAMPTZ") == BaseType::timestamptz);
  CHECK(mig::sqlite_column_type("timestamp with time zone") == BaseType::timestamptz);
  CHECK(mig::sqlite_column_type("UUID") == BaseType::uuid);
  CHECK(mig::sqlite_column_type("JSONB") == BaseType::json);
  CHECK(mig::sqlite_column_type("BLOB") == BaseType::bytes);
  CHECK(mig::sqlite_column_type("") == BaseType::bytes);
}

TEST_CASE("sqlite introspection: keys in key order, foreign keys grouped", "[sqlite]") {
  TempDir dir;
  auto c = make_db(dir, R"(
    CREATE TABLE parent (a TEXT NOT NULL, b INT NOT NULL, note TEXT DEFAULT 'x', PRIMARY KEY (b, a));
    CREATE TABLE child (id INTEGER PRIMARY KEY, pa TEXT, pb INT, other INT,
                        FOREIGN KEY (pb, pa) REFERENCES parent (b, a),
                        FOREIGN KEY (other) REFERENCES lone);
    CREATE TABLE lone (n INTEGER PRIMARY KEY AUTOINCREMENT, v NUMERIC(10,2));
    CREATE TABLE heap (x TEXT, y);
    CREATE TABLE _mig_commits (plan TEXT);
  )");
  mig::Result<mig::Catalog> cat = c->introspect();
  REQUIRE(cat.ok());
  CHECK(cat->dialect == "sqlite");
  CHECK(cat->table_names() == std::vector<std::string>{"child", "heap", "lone", "parent"});

  const mig::TableInfo* parent = cat->find("", "parent");
  REQUIRE(parent);
  CHECK(parent->primary_key == std::vector<std::string>{"b", "a"});
  CHECK(parent->column("b")->type == BaseType::int_);
  CHECK_FALSE(parent->column("a")->nullable);
  CHECK(parent->column("note")->has_default);
  CHECK_FALSE(parent->column("a")->has_default);

  const mig::TableInfo* child = cat->find("", "child");
  REQUIRE(child);
  CHECK(child->column("id")->has_default);  // the rowid
  CHECK_FALSE(child->column("id")->nullable);
  REQUIRE(child->foreign_keys.size() == 2);
  const mig::ForeignKey* composite = nullptr;
  const mig::ForeignKey* implicit = nullptr;
  for (const mig::ForeignKey& fk : child->foreign_keys)
    (fk.ref_table == "parent" ? composite : implicit) = &fk;
  REQUIRE(composite);
  REQUIRE(implicit);
  CHECK(composite->columns == std::vector<std::string>{"pb", "pa"});
  CHECK(composite->ref_columns == std::vector<std::string>{"b", "a"});
  CHECK(implicit->ref_table == "lone");
  CHECK(implicit->ref_columns == std::vector<std::string>{"n"});  // the parent's key

  const mig::TableInfo* lone = cat->find("", "lone");
  CHECK(lone->column("v")->type == BaseType::decimal);
  CHECK(lone->column("v")->native_type == "NUMERIC(10,2)");
  CHECK(cat->find("", "heap")->primary_key.empty());
  CHECK(cat->find("", "heap")->column("y")->type == BaseType::bytes);
}

TEST_CASE("hostile table and column names round-trip and the canary survives", "[sqlite]") {
  TempDir dir;
  // Written out by hand, not with the quoting under test.
  auto c = make_db(dir, R"(
    CREATE TABLE canary (alive INT); INSERT INTO canary VALUES (1);
    CREATE TABLE "x""; DROP TABLE canary; --" (
      "select" INTEGER PRIMARY KEY, "a`b" TEXT, "名前" TEXT, "q""uote" TEXT, "order" INT);
  )");
  const std::string table = "x\"; DROP TABLE canary; --";
  std::vector<std::string> cols = {"select", "a`b", "名前", "q\"uote", "order"};
  mig::Result<mig::Catalog> cat = c->introspect();
  REQUIRE(cat.ok());
  const mig::TableInfo* t = cat->find("", table);
  REQUIRE(t);
  std::vector<std::string> names;
  for (const mig::ColumnInfo& col : t->columns) names.push_back(col.name);
  CHECK(names == cols);

  WriteRequest req{"", table, {"select"}, ConflictPolicy::update};
  Batch b = batch(cols, {{I(1), T("'; DROP TABLE canary; --"), T("ü"), T("\"x\""), I(2)},
                         {I(2), T("`"), T("名"), T("?1"), I(3)}});
  write_committed(*c, req, b);
  b.rows[0][1] = T("changed");
  mig::WriteOutcome again = write_committed(*c, req, b, 2);
  CHECK(again.updated == 2);

  ReadRequest r;
  r.table = table;
  r.columns = cols;
  r.key = {"select"};
  r.filters.push_back({"\"order\" >= ?1 AND \"a`b\" <> '?2'", {I(2)}});
  mig::Result<mig::Batch> got = c->read(r);
  REQUIRE(got.ok());
  REQUIRE(got->rows.size() == 2);
  CHECK(texts(got->rows[0]) == "1|changed|ü|\"x\"|2");
  CHECK(texts(got->rows[1]) == "2|`|名|?1|3");
  CHECK(query(dir, "SELECT alive FROM canary") == "1");
}

TEST_CASE("composite keyset pages return each row exactly once, in key order", "[sqlite]") {
  TempDir dir;
  auto c = make_db(dir, "CREATE TABLE t (a INT, b TEXT, v INT, PRIMARY KEY (a, b))");
  REQUIRE(c->begin().ok());
  Batch b = batch({"a", "b", "v"}, {});
  int64_t n = 0;
  for (int a = 0; a < 6; ++a)
    for (const char* s : {"", "B", "a", "b", "ba", "z", "é"}) b.rows.push_back({I(a), T(s), I(n++)});
  REQUIRE(c->write({"", "t", {"a", "b"}, ConflictPolicy::fail}, b).ok());
  REQUIRE(c->commit({"p", "e", "t", 1}, "{}").ok());

  // Two filters each numbered from ?1: the connector renumbers them.
  ReadRequest r;
  r.table = "t";
  r.columns = {"v", "a", "b"};
  r.key = {"a", "b"};
  r.filters = {{"v >= ?1", {I(3)}}, {"v < ?1 AND b <> ?2", {I(40), T("z")}}};
  r.limit = 4;
  mig::Result<int64_t> total = c->count(r);
  REQUIRE(total.ok());
  std::vector<int64_t> seen;
  std::vector<Row> keys;
  for (int page = 0; page < 100; ++page) {
    mig::Result<mig::Batch> got = c->read(r);
    REQUIRE(got.ok());
    CHECK(got->unreadable.empty());
    if (got->rows.empty()) break;
    CHECK(got->rows.size() <= 4);
    for (const Row& row : got->rows) {
      seen.push_back(row[0].as_int());
      keys.push_back({row[1], row[2]});
    }
    r.after = Row{got->rows.back()[1], got->rows.back()[2]};
  }
  std::vector<int64_t> expected;
  for (const Row& row : b.rows)
    if (row[2].as_int() >= 3 && row[2].as_int() < 40 && row[1].as_text() != "z") expected.push_back(row[2].as_int());
  CHECK(seen == expected);  // inserted in key order already (BINARY collation)
  CHECK(*total == static_cast<int64_t>(expected.size()));
  for (size_t i = 1; i < keys.size(); ++i) CHECK(std::is_lt(mig::key_compare(keys[i - 1], keys[i])));
}

TEST_CASE("sqlite values are read by the column's type; a bad cell makes the row unreadable",
          "[sqlite]") {
  TempDir dir;
  auto c = make_db(dir, R"(
    CREATE TABLE v (id INTEGER PRIMARY KEY, i INT, d NUMERIC(10,2), f REAL, b BOOLEAN, dt DATE,
                    ts TIMESTAMP, tz TIMESTAMPTZ, u UUID, j JSON, bb BLOB);
    INSERT INTO v VALUES (1, 7, '12.50', 1.5, 1, '2024-01-31', '2024-01-31T10:00:00',
                          '2024-01-31 10:00:00+02:00', '6F9619FF-8B86-D011-B42D-00C04FC964FF',
                          '{"a": [1]}', x'00ff');
    INSERT INTO v VALUES (2, 8.0, 0.00001, 2, 'false', '2024-02-01 00:00:00', '2024-01-31 10:00',
                          NULL, x'6f9619ff8b86d011b42d00c04fc964ff', '3', 'text');
    INSERT INTO v VALUES (3, 'abc', 1, 1, 0, NULL, NULL, NULL, NULL, NULL, NULL);
    INSERT INTO v VALUES (4, '42', NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{bad', NULL);
  )");
  ReadRequest r;
  r.table = "v";
  r.columns = {"id", "i", "d", "f", "b", "dt", "ts", "tz", "u", "j", "bb"};
  r.key = {"id"};
  mig::Result<mig::Batch> got = c->read(r);
  REQUIRE(got.ok());
  REQUIRE(got->rows.size() == 4);
  CHECK(texts(got->rows[0]) ==
        "1|7|12.5|1.5|true|2024-01-31|2024-01-31 10:00:00|2024-01-31 08:00:00+00:00|"
        "6f9619ff-8b86-d011-b42d-00c04fc964ff|{\"a\": [1]}|\\x00ff");
  CHECK(got->rows[0][2].kind() == mig::ValueKind::decimal);
  CHECK(texts(got->rows[1]) ==
        "2|8|0.00001|2|false|2024-02-01|2024-01-31 10:00:00|null|"
        "6f9619ff-8b86-d011-b42d-00c04fc964ff|3|\\x74657874");
  REQUIRE(got->unreadable.size() == 2);
  CHECK(got->unreadable[0].index == 2);
  CHECK(got->unreadable[0].reason == "column `i`: `abc` is not an int");
  CHECK(got->rows[2][0] == I(3));  // the key is kept
  CHECK(got->unreadable[1].index == 3);
  CHECK(got->unreadable[1].reason == "column `j`: `{bad` is not valid json");
  CHECK(got->rows[3][1] == I(42));  // text that parses is an int
}

TEST_CASE("a timestamp key stored in another spelling still pages exactly once", "[sqlite]") {
  TempDir dir;
  auto c = make_db(dir, R"(
    CREATE TABLE e (at TIMESTAMP PRIMARY KEY, n INT);
    INSERT INTO e VALUES ('2024-01-01T10:00:00.000', 1), ('2024-01-01T11:00:00.000', 2),
                         ('2024-01-01T12:00:00.000', 3);
  )");
  ReadRequest r;
  r.table = "e";
  r.columns = {"at", "n"};
  r.key = {"at"};
  r.limit = 1;
  std::vector<int64_t> seen;
  for (int i = 0; i < 10; ++i) {
    mig::Result<mig::Batch> got = c->read(r);
    REQUIRE(got.ok());
    if (got->rows.empty()) break;
    seen.push_back(got->rows[0][1].as_int());
    r.after = Row{got->rows[0][0]};
  }
  CHECK(seen == std::vector<int64_t>{1, 2, 3});
}

TEST_CASE("on conflict fail: a key that exists fails the write, naming the key", "[sqlite]") {
  TempDir dir;
  auto c = make_db(dir, "CREATE TABLE orders (id INTEGER PRIMARY KEY, total TEXT)");
  WriteRequest req{"", "orders", {"id"}, ConflictPolicy::fail};
  mig::WriteOutcome first = write_committed(*c, req, batch({"id", "total"}, {{I(3), T("a")}, {I(4), T("b")}}));
  CHECK(first.inserted == 2);

  REQUIRE(c->begin().ok());
  mig::Result<mig::WriteOutcome> dup = c->write(req, batch({"id", "total"}, {{I(5), T("c")}, {I(3), T("x")}}));
  REQUIRE_FALSE(dup.ok());
  CHECK(dup.error().message == "row with key (3) already exists in `orders`; the task's `on conflict` is `fail`");
  REQUIRE(c->rollback().ok());
  CHECK(query(dir, "SELECT count(*) FROM orders") == "2");
  CHECK(query(dir, "SELECT total FROM orders WHERE id = 3") == "a");
}

TEST_CASE("on conflict skip and update: counts, skipped rows and before-images", "[sqlite]") {
  TempDir dir;
  // `keyed` has a unique key (the upsert path); `loose` has none (SELECT, then write).
  std::string table = GENERATE(std::string("keyed"), std::string("loose"));
  auto c = make_db(dir, "CREATE TABLE keyed (id INT PRIMARY KEY, name TEXT, n INT);"
                        "CREATE TABLE loose (id INT, name TEXT, n INT);");
  Batch seed = batch({"id", "name", "n"}, {{I(1), T("one"), I(10)}, {I(2), T("two"), I(20)}});
  CHECK(write_committed(*c, {"", table, {"id"}, ConflictPolicy::fail}, seed).inserted == 2);

  Batch next = batch({"id", "name", "n"}, {{I(2), T("TWO"), I(22)}, {I(3), T("three"), I(30)},
                                           {I(1), T("ONE"), Value()}});
  mig::WriteOutcome skip = write_committed(*c, {"", table, {"id"}, ConflictPolicy::skip}, next, 2);
  CHECK(skip.inserted == 1);
  CHECK(skip.updated == 0);
  CHECK(skip.skipped == std::vector<size_t>{0, 2});
  CHECK(skip.before.empty());
  CHECK(query(dir, "SELECT name FROM " + table + " WHERE id = 2") == "two");

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
  CHECK(query(dir, "SELECT name || '/' || ifnull(n, 'null') FROM " + table + " WHERE id = 1") == "ONE/null");
  CHECK(query(dir, "SELECT count(*) FROM " + table) == "4");
}

TEST_CASE("rows the engine refuses are found one by one and the rest commits", "[sqlite]") {
  TempDir dir;
  auto c = make_db(dir, R"(
    CREATE TABLE p (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, qty INT CHECK (qty >= 0));
    INSERT INTO p VALUES (100, 'taken@x', 1);
  )");
  ConflictPolicy policy = GENERATE(ConflictPolicy::fail, ConflictPolicy::skip, ConflictPolicy::update);
  Batch b = batch({"id", "email", "qty"}, {{I(1), T("a@x"), I(1)},
                                           {I(2), Value(), I(1)},          // NOT NULL
                                           {I(3), T("c@x"), I(-5)},        // CHECK
                                           {I(4), T("taken@x"), I(1)},     // UNIQUE, not the key
                                           {I(5), T("e@x"), I(2)}});
  mig::WriteOutcome out = write_committed(*c, {"", "p", {"id"}, policy}, b);
  CHECK(out.inserted == 2);
  REQUIRE(out.refused.size() == 3);
  CHECK(out.refused[0].index == 1);
  CHECK_THAT(out.refused[0].reason, Contains("NOT NULL constraint failed: p.email"));
  CHECK(out.refused[1].index == 2);
  CHECK_THAT(out.refused[1].reason, Contains("CHECK constraint failed"));
  CHECK(out.refused[2].index == 3);
  CHECK_THAT(out.refused[2].reason, Contains("UNIQUE constraint failed: p.email"));
  CHECK(query(dir, "SELECT group_concat(id) FROM (SELECT id FROM p ORDER BY id)") == "1,5,100");
}

TEST_CASE("commit markers: committed with the batch, gone after a rollback", "[sqlite]") {
  TempDir dir;
  auto c = make_db(dir, "CREATE TABLE t (id INTEGER PRIMARY KEY)");
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
  CHECK(query(dir, "SELECT group_concat(id) FROM t") == "1");

  mig::Result<mig::Catalog> cat = c->introspect();
  REQUIRE(cat.ok());
  CHECK(cat->table_names() == std::vector<std::string>{"t"});

  REQUIRE(c->forget_markers("shop", "dev", "t").ok());
  mig::Result<std::optional<std::string>> gone = c->committed(m1);
  REQUIRE(gone.ok());
  CHECK_FALSE(gone->has_value());
}

TEST_CASE("foreign keys are off unless asked; execute runs hooks", "[sqlite]") {
  TempDir dir;
  auto c = make_db(dir, "CREATE TABLE a (id INTEGER PRIMARY KEY);"
                        "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INT REFERENCES a (id));");
  WriteRequest req{"", "b", {"id"}, ConflictPolicy::fail};
  CHECK(write_committed(*c, req, batch({"id", "a_id"}, {{I(1), I(99)}})).inserted == 1);
  REQUIRE(c->set_foreign_key_checks(true).ok());
  mig::WriteOutcome out = write_committed(*c, req, batch({"id", "a_id"}, {{I(2), I(99)}}), 2);
  CHECK(out.inserted == 0);
  REQUIRE(out.refused.size() == 1);
  CHECK_THAT(out.refused[0].reason, Contains("FOREIGN KEY constraint failed"));

  REQUIRE(c->execute("INSERT INTO a VALUES (7); CREATE TABLE hook (x)").ok());
  CHECK(query(dir, "SELECT count(*) FROM a") == "1");
  mig::Status bad = c->execute("NOT SQL");
  REQUIRE_FALSE(bad.ok());
  CHECK_THAT(bad.error().message, Contains("syntax error"));
}

TEST_CASE("filters join with their placeholders renumbered", "[sqlite]") {
  int highest = 0;
  mig::Result<std::string> s =
      mig::renumber_placeholders("a = ?1 AND b = '?2' AND \"?3\" = ?2 -- ?9\n AND c IN (?, ?)", 3, &highest);
  REQUIRE(s.ok());
  CHECK(*s == "a = ?4 AND b = '?2' AND \"?3\" = ?5 -- ?9\n AND c IN (?6, ?7)");
  CHECK(highest == 4);
  CHECK_FALSE(mig::renumber_placeholders("a = :name", 0, &highest).ok());
  CHECK(mig::renumber_placeholders("a$b = 1", 0, &highest).ok());
  CHECK(mig::sqlite_quote("a\"b") == "\"a\"\"b\"");
}

TEST_CASE("a table in an attached database is read through its schema", "[sqlite]") {
  TempDir dir;
  auto c = make_db(dir, "CREATE TABLE main_t (id INTEGER PRIMARY KEY)");
  auto other = make_db(dir, "CREATE TABLE t (id INT PRIMARY KEY, name TEXT); INSERT INTO t VALUES (1, 'x');",
                       "other.sqlite");
  REQUIRE(c->execute("ATTACH DATABASE '" + dir.path + "/other.sqlite' AS \"a\"\"ux\"").ok());
  ReadRequest r;
  r.schema = "a\"ux";
  r.table = "t";
  r.columns = {"id", "name"};
  r.key = {"id"};
  mig::Result<mig::Batch> got = c->read(r);
  INFO((got.ok() ? "" : got.error().message));
  REQUIRE(got.ok());
  REQUIRE(got->rows.size() == 1);
  CHECK(texts(got->rows[0]) == "1|x");
  r.table = "main_t";
  mig::Result<mig::Batch> missing = c->read(r);
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.error().message, Contains("has no table `main_t`"));
}

TEST_CASE("sqlite attach: each attached file is a schema of the catalog, markers stay in main",
          "[sqlite]") {
  TempDir dir;
  make_db(dir, "CREATE TABLE main_t (id INTEGER PRIMARY KEY)");
  make_db(dir,
          "CREATE TABLE p (id INT PRIMARY KEY, name TEXT);"
          "CREATE TABLE c (id INT PRIMARY KEY, p_id INT REFERENCES p (id));"
          "INSERT INTO p VALUES (1, 'x'), (2, 'y');",
          "sf.sqlite");
  std::string alias = "Star\"fox";  // quoted as a name, never spliced
  mig::Result<std::unique_ptr<SqliteConnector>> opened =
      SqliteConnector::open(dir.path + "/db.sqlite", {{alias, dir.path + "/sf.sqlite"}});
  INFO((opened.ok() ? "" : opened.error().message));
  REQUIRE(opened.ok());
  SqliteConnector& c = **opened;

  mig::Result<mig::Catalog> cat = c.introspect();
  REQUIRE(cat.ok());
  REQUIRE(cat->tables.size() == 3);
  CHECK(cat->tables[0].schema == "");
  CHECK(cat->tables[0].name == "main_t");
  CHECK(cat->tables[1].schema == alias);
  CHECK(cat->tables[1].name == "c");
  REQUIRE(cat->tables[1].foreign_keys.size() == 1);
  CHECK(cat->tables[1].foreign_keys[0].ref_schema == "");  // same (attached) file
  CHECK(cat->tables[1].foreign_keys[0].ref_table == "p");
  CHECK(cat->find(alias, "p") != nullptr);

  ReadRequest r;
  r.schema = alias;
  r.table = "p";
  r.columns = {"id", "name"};
  r.key = {"id"};
  r.filters = {mig::SqlFilter{"id IN (?1)", {I(2)}}};
  mig::Result<int64_t> n = c.count(r);
  REQUIRE(n.ok());
  CHECK(*n == 1);
  mig::Result<mig::Batch> got = c.read(r);
  REQUIRE(got.ok());
  REQUIRE(got->rows.size() == 1);
  CHECK(texts(got->rows[0]) == "2|y");

  WriteRequest w{alias, "c", {"id"}, ConflictPolicy::skip};
  CHECK(write_committed(c, w, batch({"id", "p_id"}, {{I(1), I(1)}, {I(2), I(2)}})).inserted == 2);
  REQUIRE(c.execute("CREATE TABLE " + mig::sqlite_qualified(alias, "made") + " (id INT)").ok());
  mig::Result<mig::Catalog> again = c.introspect();
  REQUIRE(again.ok());
  CHECK(again->find(alias, "made") != nullptr);
  mig::Result<std::optional<std::string>> marker = c.committed({"plan", "dev", "c", 1});
  REQUIRE(marker.ok());
  CHECK(marker->has_value());
  CHECK(query(dir, "SELECT count(*) FROM _mig_commits") == "1");  // in main.db

  mig::Result<mig::SqliteDb> sf = mig::SqliteDb::open(dir.path + "/sf.sqlite", mig::SqliteDb::Mode::read_only);
  REQUIRE(sf.ok());
  mig::Result<mig::SqliteStatement> st = sf->prepare("SELECT group_concat(p_id) FROM c");
  REQUIRE(st.ok());
  REQUIRE(*st->step());
  CHECK(st->column_text(0) == "1,2");
}

TEST_CASE("sqlite attach: a missing attached file is an error naming it and its schema", "[sqlite]") {
  TempDir dir;
  make_db(dir, "CREATE TABLE t (id INT)");
  mig::Result<std::unique_ptr<SqliteConnector>> c =
      SqliteConnector::open(dir.path + "/db.sqlite", {{"STARFOX", dir.path + "/nope.db"}});
  REQUIRE_FALSE(c.ok());
  CHECK_THAT(c.error().message, Contains("schema `STARFOX`"));
  CHECK_THAT(c.error().message, Contains("nope.db` does not exist"));
  CHECK_FALSE(std::filesystem::exists(dir.path + "/nope.db"));

  mig::ConnectorSpec spec;
  spec.kind = "sqlite";
  spec.location = dir.path + "/db.sqlite";
  make_db(dir, "CREATE TABLE u (id INT)", "other.sqlite");
  spec.attach = {{"STARFOX", dir.path + "/other.sqlite"}};
  mig::Result<std::unique_ptr<mig::Connector>> via = mig::connect(spec);
  INFO((via.ok() ? "" : via.error().message));
  REQUIRE(via.ok());
  mig::Result<mig::Catalog> cat = (*via)->introspect();
  REQUIRE(cat.ok());
  CHECK(cat->tables.size() == 2);
}
