// Types across engines: one table holding every language type (ints at their limits,
// exact decimals, floats, unicode text with quotes, tabs and backslashes, booleans, dates
// before year 1000, microsecond timestamps, instants, uuids, json, bytes with NUL and 0xff,
// and a row of nulls) is built natively in SQLite, PostgreSQL and MariaDB, and copied by
// `migrun` with `create_tables = true` between every pair. Read back through the
// connectors, every source must hold the same values, and every target the source's.
#include <catch2/catch.hpp>

#include <regex>

#include "runtime/connect.hpp"
#include "runtime/value_text.hpp"
#include "tests/run_helpers.hpp"
#include "tests/server_helpers.hpp"

using namespace mig::test;

namespace {

const char* const kKinds[] = {"sqlite", "postgres", "mariadb"};

// A string literal for `kind`: quotes doubled; MariaDB also reads backslash escapes.
std::string lit(const std::string& kind, const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "''";
    else if (c == '\\' && kind == "mariadb") out += "\\\\";
    else out += c;
  }
  return out + "'";
}

const std::string kText = "h\xC3\xA9llo \xF0\x9F\x98\x80 \t tab\nline \\ back \"dq\" 'sq'";

// The `types` table of `kind`, in that engine's own types and literals.
std::string types_sql(const std::string& kind) {
  bool pg = kind == "postgres", my = kind == "mariadb";
  std::string ddl =
      pg ? "CREATE TABLE types (id integer PRIMARY KEY, i bigint, d numeric(20,6), f double precision,"
           " t text, b boolean, dt date, ts timestamp, tz timestamptz, u uuid, j json, bin bytea);"
      : my ? "SET time_zone = '+00:00'; CREATE TABLE types (id int PRIMARY KEY, i bigint, d decimal(20,6),"
             " f double, t text, b tinyint(1), dt date, ts datetime(6), tz timestamp(6) NULL, u uuid,"
             " j json, bin blob);"
           : "CREATE TABLE types (id INTEGER PRIMARY KEY, i INTEGER, d DECIMAL(20,6), f REAL, t TEXT,"
             " b BOOLEAN, dt DATE, ts TIMESTAMP, tz TIMESTAMPTZ, u UUID, j JSON, bin BLOB);";
  auto bytes = [&](const char* hex) {
    return pg ? std::string("'\\x") + hex + "'" : std::string("X'") + hex + "'";
  };
  std::string t = pg ? "true" : "1", f = pg ? "false" : "0";
  std::string tz1 = my ? "'2024-06-01 12:00:00.5'" : "'2024-06-01 12:00:00.5+00:00'";
  std::string tz2 = my ? "'1970-01-01 00:00:01'" : "'1970-01-01 00:00:01+00:00'";
  return ddl +
         "INSERT INTO types VALUES (1, 9223372036854775807, 1234567.891234, 0.1, " + lit(kind, kText) +
         ", " + t + ", '2024-02-29', '2024-03-31 02:30:00.123456', " + tz1 +
         ", 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', " + lit(kind, R"({"a": [1, 2.50, "x"], "b": null})") +
         ", " + bytes("00FF10") + ");"
         "INSERT INTO types VALUES (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);"
         "INSERT INTO types VALUES (3, -9223372036854775807, -99999999.999999, 1e-300, '', " + f +
         ", '0999-01-01', '0999-12-31 23:59:59.999999', " + tz2 +
         ", '00000000-0000-0000-0000-000000000000', '[]', " + bytes("") + ");";
}

// A database `name` of `kind` holding `sql`; its location (a path or a URL).
std::string make_database(const std::string& kind, const std::string& name, const std::string& sql,
                          const TempDir& dir) {
  if (kind == "sqlite") {
    Db(dir / (name + ".db")).exec(sql);
    return (dir / (name + ".db")).string();
  }
  if (kind == "postgres") {
    std::string url = fresh_pg_database(name);
    pg_sql(name, sql);
    return url;
  }
  std::string url = fresh_mariadb_database(name);
  mariadb_sql(name, sql);
  return url;
}

// One value as text, the same whatever engine held it: an instant as its UTC wall time
// (MariaDB's DATETIME keeps instants so, docs/types.md), a decimal without trailing zeros.
std::string normal(const mig::Value& v) {
  if (v.is_null()) return "NULL";
  std::string text = mig::to_text(v);
  if (v.kind() == mig::ValueKind::timestamptz) text = std::regex_replace(text, std::regex("\\+00:00$"), "");
  if (v.kind() == mig::ValueKind::decimal && text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
  }
  return text;
}

// The `types` table as `col=value` lines, read through mig's connector for `kind`.
std::string read_types(const std::string& kind, const std::string& location) {
  mig::ConnectorSpec spec;
  spec.kind = kind;
  spec.location = location;
  auto conn = mig::connect(spec);
  REQUIRE(conn.ok());
  auto cat = (*conn)->introspect();
  REQUIRE(cat.ok());
  const mig::TableInfo* t = cat->find("", "types");
  REQUIRE(t);
  std::vector<std::string> cols;
  for (const mig::ColumnInfo& c : t->columns) cols.push_back(c.name);
  auto batch = (*conn)->read(mig::ReadRequest{t->schema, t->name, cols, {"id"}, std::nullopt, {}, 100});
  REQUIRE(batch.ok());
  std::string out;
  for (const mig::RefusedRow& r : batch->unreadable) out += "unreadable: " + r.reason + "\n";
  for (const mig::Row& row : batch->rows)
    for (size_t i = 0; i < row.size(); ++i) out += cols[i] + "=" + normal(row[i]) + "\n";
  return out;
}

}  // namespace

TEST_CASE("types: every type round-trips between every pair of engines", "[engines][postgres][mariadb]") {
  TempDir dir("types");
  std::map<std::string, std::string> sources;
  for (const char* kind : kKinds)
    sources[kind] = make_database(kind, std::string("types_src_") + kind, types_sql(kind), dir);
  // The three native tables read the same: the connectors decode each engine exactly.
  std::string want = read_types("sqlite", sources["sqlite"]);
  CHECK(want.find("t=" + kText + "\n") != std::string::npos);
  CHECK(want.find("bin=\\x00ff10\n") != std::string::npos);
  for (const char* kind : {"postgres", "mariadb"}) {
    INFO("source " << kind);
    CHECK(read_types(kind, sources[kind]) == want);
  }
  for (const char* from : kKinds)
    for (const char* to : kKinds) {
      INFO(from << " -> " << to);
      std::string name = std::string("types_") + from + "_" + to;
      std::string target = make_database(to, name, to == std::string("sqlite") ? "" : "SELECT 1;", dir);
      setenv("TYPES_SRC", sources[from].c_str(), 1);
      setenv("TYPES_DST", target.c_str(), 1);
      write_file(dir / "types.mig", std::string("plan types\nsource src = ") + from +
                                        "(env(\"TYPES_SRC\"))\ntarget dst = " + to +
                                        "(env(\"TYPES_DST\"))\nsettings {\n  create_tables = true\n}\n"
                                        "copy src.types -> dst.types {}\n");
      fs::remove_all(dir / ".mig");
      Outcome run = run_migrun(dir.path(), {"types.mig", "--quiet"}, "run");
      INFO(run.out << run.err);
      REQUIRE(run.exit_code == 0);
      CHECK(read_types(to, target) == want);
    }
}
