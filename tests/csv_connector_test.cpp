// mig::CsvReader and mig::CsvConnector: RFC 4180 edge cases, typed cells, unreadable rows
// naming line and column, keyset pages over the cache, and read-only refusal.
#include <catch2/catch.hpp>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "runtime/connect.hpp"
#include "runtime/csv_connector.hpp"
#include "runtime/csv_reader.hpp"
#include "runtime/value_text.hpp"

using Catch::Matchers::Contains;
using mig::BaseType;
using mig::ConnectorSpec;
using mig::CsvRecord;
using mig::ReadRequest;
using mig::Row;
using mig::Value;

namespace {

namespace fs = std::filesystem;

// A fresh directory under $TMPDIR, removed at the end of the test.
struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "mig_csv_XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void write(const std::string& name, const std::string& bytes) const {
    std::ofstream out(path + "/" + name, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
};

std::vector<CsvRecord> parse(const std::string& text, char delimiter = ',') {
  std::istringstream in(text, std::ios::binary);
  mig::CsvReader reader(in, delimiter);
  std::vector<CsvRecord> out;
  CsvRecord rec;
  for (;;) {
    mig::Result<bool> got = reader.next(rec);
    REQUIRE(got.ok());
    if (!*got) break;
    out.push_back(rec);
  }
  return out;
}

std::vector<std::string> cells(const CsvRecord& r) {
  std::vector<std::string> out;
  for (const mig::CsvCell& c : r.cells) out.push_back(c.text);
  return out;
}

ConnectorSpec spec(const TempDir& dir) {
  ConnectorSpec s;
  s.kind = "csv";
  s.location = dir.path;
  return s;
}

std::unique_ptr<mig::Connector> open(const ConnectorSpec& s) {
  mig::Result<std::unique_ptr<mig::Connector>> c = mig::connect(s);
  INFO((c.ok() ? "" : c.error().message));
  REQUIRE(c.ok());
  return std::move(*c);
}

mig::Batch read_all(mig::Connector& c, const std::string& table, std::vector<std::string> columns,
                    std::vector<std::string> key) {
  ReadRequest r;
  r.table = table;
  r.columns = std::move(columns);
  r.key = std::move(key);
  mig::Result<mig::Batch> b = c.read(r);
  INFO((b.ok() ? "" : b.error().message));
  REQUIRE(b.ok());
  return std::move(*b);
}

std::string texts(const Row& row) {
  std::string out;
  for (const Value& v : row) out += (out.empty() ? "" : "|") + (v.is_null() ? "null" : mig::to_text(v));
  return out;
}

}  // namespace

TEST_CASE("csv reader: quotes, doubled quotes, embedded newlines, CRLF, BOM", "[csv]") {
  std::vector<CsvRecord> r = parse(
      "\xEF\xBB\xBFid,name,note\r\n"
      "1,\"Smith, John\",\"said \"\"hi\"\"\"\r\n"
      "2,\"two\r\nlines\",\r\n"
      "\r\n"
      "3,\"\",plain \"quote\"\n"
      "4,last,no newline");
  REQUIRE(r.size() == 5);
  CHECK(cells(r[0]) == std::vector<std::string>{"id", "name", "note"});
  CHECK(cells(r[1]) == std::vector<std::string>{"1", "Smith, John", "said \"hi\""});
  CHECK(cells(r[2]) == std::vector<std::string>{"2", "two\r\nlines", ""});
  CHECK(r[2].line == 3);
  CHECK(r[3].line == 6);  // after a two-line record and an empty line
  CHECK(r[3].cells[1].quoted);
  CHECK_FALSE(r[3].cells[0].quoted);
  CHECK(cells(r[3])[2] == "plain \"quote\"");
  CHECK(cells(r[4]) == std::vector<std::string>{"4", "last", "no newline"});
  for (const CsvRecord& rec : r) CHECK(rec.problem.empty());

  std::vector<CsvRecord> bad = parse("a;\"b\"x;c\n\"open;d\n", ';');
  REQUIRE(bad.size() == 2);
  CHECK(cells(bad[0]) == std::vector<std::string>{"a", "bx", "c"});
  CHECK(bad[0].problem == "text after the closing quote of cell 2");
  CHECK(bad[1].problem == "the quoted cell opened on line 2 is never closed");
}

TEST_CASE("csv folder: tables, header names, types, null cells", "[csv]") {
  TempDir dir;
  dir.write("orders.csv", "\xEF\xBB\xBFid,amount,placed,note\r\n"
                          "2,12.50,2024-01-31,\"\"\r\n"
                          "1,-3,2024-02-01,\r\n");
  dir.write("notes.txt", "not a table");
  ConnectorSpec s = spec(dir);
  s.types = {{"id", "int"}, {"amount", "decimal"}, {"placed", "date"}};
  auto c = open(s);
  CHECK(c->dialect() == "csv");
  mig::Result<mig::Catalog> cat = c->introspect();
  REQUIRE(cat.ok());
  CHECK(cat->table_names() == std::vector<std::string>{"orders"});
  const mig::TableInfo* t = cat->find("", "orders");
  REQUIRE(t);
  REQUIRE(t->columns.size() == 4);
  CHECK(t->columns[0].name == "id");  // the BOM is not part of the name
  CHECK(t->columns[0].type == BaseType::int_);
  CHECK(t->columns[1].type == BaseType::decimal);
  CHECK(t->columns[3].type == BaseType::text);
  CHECK(t->primary_key.empty());

  mig::Batch b = read_all(*c, "orders", {"id", "amount", "placed", "note"}, {"id"});
  REQUIRE(b.rows.size() == 2);
  CHECK(b.unreadable.empty());
  CHECK(texts(b.rows[0]) == "1|-3|2024-02-01|null");   // unquoted empty: null
  CHECK(texts(b.rows[1]) == "2|12.50|2024-01-31|");    // quoted empty: ''
  CHECK(b.rows[1][3].kind() == mig::ValueKind::text);
  CHECK(b.rows[1][1].as_decimal().scale() == 2);
  CHECK(fs::exists(dir.path + "/.mig-cache/orders.db"));
}

TEST_CASE("csv without header: columns c1..cN, a custom delimiter and null", "[csv]") {
  TempDir dir;
  dir.write("t.csv", "a;NULL;x\nb;2;\"NULL\"\n");
  ConnectorSpec s = spec(dir);
  s.header = false;
  s.delimiter = ";";
  s.null_text = "NULL";
  auto c = open(s);
  mig::Batch b = read_all(*c, "t", {"c1", "c2", "c3"}, {"c1"});
  REQUIRE(b.rows.size() == 2);
  CHECK(texts(b.rows[0]) == "a|null|x");
  CHECK(texts(b.rows[1]) == "b|2|NULL");  // a quoted cell is never null
}

TEST_CASE("csv rows that cannot be read name their line and column", "[csv]") {
  TempDir dir;
  dir.write("pay.csv", "id,amount,who\n"
                       "1,10.5,ann\n"
                       "2,\"12,5\",bob\n"
                       "3,7,\"caf\xE9\"\n"
                       "4,8\n"
                       "5,9,\"x\"y\n"
                       "6,1,zed\n");
  ConnectorSpec s = spec(dir);
  s.types = {{"id", "int"}, {"amount", "decimal"}};
  auto c = open(s);
  mig::Batch b = read_all(*c, "pay", {"id", "amount", "who"}, {"id"});
  REQUIRE(b.rows.size() == 6);
  REQUIRE(b.unreadable.size() == 4);
  CHECK(b.unreadable[0].index == 1);
  CHECK(b.unreadable[0].reason == "line 3, column `amount`: `12,5` is not a decimal");
  CHECK(b.unreadable[1].index == 2);
  CHECK(b.unreadable[1].reason == "line 4, column `who`: invalid UTF-8 at byte 4 of `caf\\xe9`");
  CHECK(b.unreadable[2].reason == "line 5: 2 cells, the header has 3");
  CHECK(b.unreadable[3].reason == "line 6: text after the closing quote of cell 3");
  CHECK(b.rows[1][0] == Value::integer(2));  // the key still reads
  CHECK(texts(b.rows[5]) == "6|1|zed");
}

TEST_CASE("csv keyset pages order typed keys by value, each row once", "[csv]") {
  TempDir dir;
  std::string text = "n,label\n";
  for (int i = 25; i >= 1; --i) text += std::to_string(i) + ",row" + std::to_string(i) + "\n";
  dir.write("nums.csv", text);
  ConnectorSpec s = spec(dir);
  s.types = {{"n", "int"}};
  auto c = open(s);
  ReadRequest r;
  r.table = "nums";
  r.columns = {"n", "label"};
  r.key = {"n"};
  r.limit = 4;
  r.filters = {{"n <> ?1", {Value::integer(13)}}};
  mig::Result<int64_t> n = c->count(r);
  REQUIRE(n.ok());
  CHECK(*n == 24);
  std::vector<int64_t> seen;
  for (int page = 0; page < 50; ++page) {
    mig::Result<mig::Batch> b = c->read(r);
    REQUIRE(b.ok());
    if (b->rows.empty()) break;
    for (const Row& row : b->rows) seen.push_back(row[0].as_int());
    r.after = Row{b->rows.back()[0]};
  }
  std::vector<int64_t> expected;
  for (int i = 1; i <= 25; ++i)
    if (i != 13) expected.push_back(i);
  CHECK(seen == expected);
}

TEST_CASE("a changed csv file is imported again", "[csv]") {
  TempDir dir;
  dir.write("t.csv", "k\na\n");
  {
    auto c = open(spec(dir));
    CHECK(read_all(*c, "t", {"k"}, {"k"}).rows.size() == 1);
  }
  dir.write("t.csv", "k\na\nb\nc\n");  // another size
  auto c = open(spec(dir));
  CHECK(read_all(*c, "t", {"k"}, {"k"}).rows.size() == 3);
  ConnectorSpec typed = spec(dir);
  typed.types = {{"k", "int"}};  // other options: another cache
  auto t = open(typed);
  CHECK(read_all(*t, "t", {"k"}, {"k"}).unreadable.size() == 3);
}

TEST_CASE("hostile csv file and column names stay names", "[csv]") {
  TempDir dir;
  dir.write("we\"ird; DROP.csv", "\"x\"\"; DROP TABLE rows; --\",`b`,rows\n1,2,3\n");
  auto c = open(spec(dir));
  mig::Result<mig::Catalog> cat = c->introspect();
  REQUIRE(cat.ok());
  const mig::TableInfo* t = cat->find("", "we\"ird; DROP");
  REQUIRE(t);
  REQUIRE(t->columns.size() == 3);
  CHECK(t->columns[0].name == "x\"; DROP TABLE rows; --");
  mig::Batch b = read_all(*c, "we\"ird; DROP", {"x\"; DROP TABLE rows; --", "`b`", "rows"},
                          {"x\"; DROP TABLE rows; --"});
  REQUIRE(b.rows.size() == 1);
  CHECK(texts(b.rows[0]) == "1|2|3");
  mig::Batch again = read_all(*c, "we\"ird; DROP", {"rows"}, {"rows"});
  CHECK(again.rows.size() == 1);

  ReadRequest escape;
  escape.table = "../outside";
  escape.columns = {"a"};
  REQUIRE_FALSE(c->read(escape).ok());
}

TEST_CASE("csv connections are read-only; bad options and folders are errors", "[csv]") {
  TempDir dir;
  dir.write("t.csv", "a\n1\n");
  auto c = open(spec(dir));
  CHECK(c->begin().error().message == "csv connections are read-only");
  mig::Result<mig::WriteOutcome> w = c->write({"", "t", {"a"}, mig::ConflictPolicy::fail}, {});
  REQUIRE_FALSE(w.ok());
  CHECK(w.error().message == "csv connections are read-only");
  CHECK_FALSE(c->execute("DELETE FROM t").ok());

  ConnectorSpec bad = spec(dir);
  bad.delimiter = ";;";
  mig::Result<std::unique_ptr<mig::Connector>> d = mig::connect(bad);
  REQUIRE_FALSE(d.ok());
  CHECK_THAT(d.error().message, Contains("delimiter"));
  bad = spec(dir);
  bad.types = {{"a", "integer"}};
  mig::Result<std::unique_ptr<mig::Connector>> ty = mig::connect(bad);
  REQUIRE_FALSE(ty.ok());
  CHECK_THAT(ty.error().message, Contains("`integer`") && Contains("int, decimal"));
  bad = spec(dir);
  bad.location = dir.path + "/missing";
  mig::Result<std::unique_ptr<mig::Connector>> m = mig::connect(bad);
  REQUIRE_FALSE(m.ok());
  CHECK_THAT(m.error().message, Contains("does not exist"));

  dir.write("dup.csv", "a,b,a\n");
  mig::Result<mig::Catalog> cat = c->introspect();
  REQUIRE_FALSE(cat.ok());
  CHECK_THAT(cat.error().message, Contains("dup.csv") && Contains("`a` appears twice"));
}
