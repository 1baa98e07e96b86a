// Hostile names end to end: tables and columns named with quotes, backquotes, `;`, `--`,
// unicode and reserved words (one table is `x"; DROP TABLE canary; --`) are copied by a
// pattern copy with `create_tables = true` between engines. Each name must stay a name:
// the `canary` table of every database survives, and every hostile table arrives whole
// under its exact name.
#include <catch2/catch.hpp>

#include "runtime/connect.hpp"
#include "runtime/value_text.hpp"
#include "tests/run_helpers.hpp"
#include "tests/server_helpers.hpp"

using namespace mig::test;

namespace {

const char* const kTables[] = {"x\"; DROP TABLE canary; --", "Robert'); DROP TABLE canary;--",
                               "select", "tab`le ☃"};

// The source, in SQLite: the hostile tables (with hostile columns and values) and a canary.
void make_source(const fs::path& db) {
  Db d(db);
  d.exec(R"sql(
CREATE TABLE canary (id INTEGER PRIMARY KEY);
INSERT INTO canary VALUES (1);
CREATE TABLE "x""; DROP TABLE canary; --" (id INTEGER PRIMARY KEY, "order" TEXT, "a`b""c" TEXT,
  "naïve ☃" INTEGER, "--" TEXT, ";" TEXT);
INSERT INTO "x""; DROP TABLE canary; --" VALUES
  (1, 'x''); DROP TABLE canary; --', '`; DROP TABLE canary; `', 7, '--', ';'),
  (2, 'back\slash "dq" ''sq''', NULL, -1, '/* c */', '$1 ?1 :a @b');
CREATE TABLE "Robert'); DROP TABLE canary;--" (id INTEGER PRIMARY KEY, "v" TEXT);
INSERT INTO "Robert'); DROP TABLE canary;--" VALUES (1, 'bobby');
CREATE TABLE "select" (id INTEGER PRIMARY KEY, "from" TEXT, "where" INTEGER);
INSERT INTO "select" VALUES (1, 'table', 2);
CREATE TABLE "tab`le ☃" (id INTEGER PRIMARY KEY, "x`y" TEXT);
INSERT INTO "tab`le ☃" VALUES (1, 'z');
)sql");
}

// Every row of `table` read through mig's own connector, as text lines.
std::string read_all(const mig::ConnectorSpec& spec, const std::string& table) {
  auto conn = mig::connect(spec);
  REQUIRE(conn.ok());
  auto cat = (*conn)->introspect();
  REQUIRE(cat.ok());
  const mig::TableInfo* t = cat->find("", table);
  INFO("table " << table << " in " << spec.kind);
  REQUIRE(t);
  std::vector<std::string> cols;
  for (const mig::ColumnInfo& c : t->columns) cols.push_back(c.name);
  mig::ReadRequest req{t->schema, t->name, cols, t->primary_key, std::nullopt, {}, 1000};
  auto batch = (*conn)->read(req);
  REQUIRE(batch.ok());
  std::string out;
  for (const std::string& c : batch->columns) out += c + "|";
  out += "\n";
  for (const mig::Row& row : batch->rows) {
    for (const mig::Value& v : row) out += (v.is_null() ? "NULL" : mig::to_text(v)) + "|";
    out += "\n";
  }
  return out;
}

mig::ConnectorSpec spec(const std::string& kind, const std::string& location) {
  mig::ConnectorSpec s;
  s.kind = kind;
  s.location = location;
  return s;
}

// Copies every table but the canary from `from` into a fresh database of `to_kind`
// (holding its own canary); checks the canary and the copies.
void copy_hostile(const std::string& from_kind, const std::string& from_location,
                  const std::string& to_kind, const std::string& tag) {
  INFO(from_kind << " -> " << to_kind);
  TempDir dir("hostile");
  std::string to_location, target;
  if (to_kind == "sqlite") {
    Db(dir / "target.db").exec("CREATE TABLE canary (id INTEGER PRIMARY KEY); INSERT INTO canary VALUES (1);");
    to_location = (dir / "target.db").string();
    target = "sqlite(\"target.db\")";
  } else if (to_kind == "postgres") {
    to_location = fresh_pg_database(tag);
    pg_sql(tag, "CREATE TABLE canary (id integer PRIMARY KEY); INSERT INTO canary VALUES (1);");
    target = "postgres(env(\"URL_DST\"))";
  } else {
    to_location = fresh_mariadb_database(tag);
    mariadb_sql(tag, "CREATE TABLE canary (id int PRIMARY KEY); INSERT INTO canary VALUES (1);");
    target = "mariadb(env(\"URL_DST\"))";
  }
  setenv("URL_SRC", from_location.c_str(), 1);
  setenv("URL_DST", to_location.c_str(), 1);
  std::string source = from_kind == "sqlite" ? "sqlite(env(\"URL_SRC\"))" : from_kind + "(env(\"URL_SRC\"))";
  write_file(dir / "hostile.mig", "plan hostile\nsource src = " + source + "\ntarget dst = " + target +
                                      "\nsettings {\n  create_tables = true\n}\n"
                                      "copy src.* -> dst.* {\n  skip canary\n}\n");
  Outcome run = run_migrun(dir.path(), {"hostile.mig", "--quiet"}, "run");
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(read_all(spec(to_kind, to_location), "canary") == "id|\n1|\n");
  for (const char* table : kTables)
    CHECK(read_all(spec(to_kind, to_location), table) == read_all(spec(from_kind, from_location), table));
}

}  // namespace

TEST_CASE("hostile names: SQLite into SQLite, PostgreSQL and MariaDB, and on between servers",
          "[engines][postgres][mariadb]") {
  TempDir dir("hostile_src");
  make_source(dir / "source.db");
  std::string sqlite_source = (dir / "source.db").string();
  copy_hostile("sqlite", sqlite_source, "sqlite", "");
  copy_hostile("sqlite", sqlite_source, "postgres", "hostile_pg");
  copy_hostile("sqlite", sqlite_source, "mariadb", "hostile_my");
  // The copies are sources in turn: PostgreSQL -> MariaDB and MariaDB -> PostgreSQL.
  copy_hostile("postgres", pg_url("hostile_pg"), "mariadb", "hostile_pg_my");
  copy_hostile("mariadb", mariadb_url("hostile_my"), "postgres", "hostile_my_pg");
  // The source's own canary too: nothing ran against it.
  CHECK(read_all(spec("sqlite", sqlite_source), "canary") == "id|\n1|\n");
}
