// The quickstart plan run by `migrun` between every pair of {SQLite, PostgreSQL, MariaDB}
// as source and target, on the real servers of tests/servers.sh: the target must hold
// exactly the rows the SQLite-only quickstart produces, whatever the engines.
#include <catch2/catch.hpp>

#include <regex>

#include "tests/run_helpers.hpp"
#include "tests/server_helpers.hpp"

using namespace mig::test;

namespace {

enum class Engine { sqlite, postgres, mariadb };
const Engine kEngines[] = {Engine::sqlite, Engine::postgres, Engine::mariadb};

const char* engine_name(Engine e) {
  return e == Engine::sqlite ? "sqlite" : e == Engine::postgres ? "postgres" : "mariadb";
}

// A database of engine `e` named `name`, built from `script`; returns the connector
// expression a plan uses for it (server URLs come from an environment variable, set here,
// so that no password is written into the plan).
std::string make_database(Engine e, const std::string& name, const fs::path& script, const TempDir& dir) {
  std::string sql = slurp(script);
  switch (e) {
    case Engine::sqlite:
      apply_sql(dir / (name + ".db"), script);
      return "sqlite(\"" + name + ".db\")";
    case Engine::postgres:
      setenv(("URL_" + name).c_str(), fresh_pg_database(name).c_str(), 1);
      pg_sql(name, sql);
      return "postgres(env(\"URL_" + name + "\"))";
    case Engine::mariadb:
      setenv(("URL_" + name).c_str(), fresh_mariadb_database(name).c_str(), 1);
      mariadb_sql(name, sql);
      return "mariadb(env(\"URL_" + name + "\"))";
  }
  return "";
}

// Rows of `sql` as `a|b|c` lines, the same text on every engine (no nulls in these tables).
std::string dump(Engine e, const std::string& name, const TempDir& dir, const std::string& sql) {
  switch (e) {
    case Engine::sqlite:
      return pipe_through("sqlite3 -batch '" + (dir / (name + ".db")).string() + "'", sql);
    case Engine::postgres:
      return pg_sql(name, sql);
    case Engine::mariadb:
      return std::regex_replace(mariadb_sql(name, sql), std::regex("\t"), "|");
  }
  return "";
}

// The quickstart plan with its two connections replaced.
std::string quickstart_plan(const std::string& source, const std::string& target) {
  std::string plan = slurp(fs::path(MIG_SOURCE_DIR) / "examples/quickstart/shop.mig");
  plan = std::regex_replace(plan, std::regex("source shop *= [^\n]*"), "source shop = " + source);
  plan = std::regex_replace(plan, std::regex("target stage *= [^\n]*"), "target stage = " + target);
  return plan;
}

const char* const kExpected =
    "1|Ada Lovelace|ada@example.com|2024-01-05 09:00:00\n"
    "2|Alan Turing|alan.turing@example.com|2024-02-11 14:30:00\n"
    "--\n"
    "1|1|1999|paid\n"
    "2|1|500|paid\n"
    "3|2|12050|shipped\n"
    "4|1|4200|paid\n"
    "--\n"
    "1|1|BOOK-1|1\n"
    "2|1|PEN-2|3\n"
    "3|2|CARD-9|1\n"
    "4|3|LAMP-4|2\n"
    "5|4|MUG-1|6\n";

void quickstart_between(Engine from, Engine to) {
  INFO(engine_name(from) << " -> " << engine_name(to));
  TempDir dir("engines");
  fs::path fixtures = fs::path(MIG_SOURCE_DIR) / "tests/engines";
  std::string tag = std::string("eng_") + engine_name(from) + "_" + engine_name(to);
  std::string source = make_database(from, tag + "_src", fixtures / "shop.sql", dir);
  std::string target = make_database(to, tag + "_dst", fixtures / "stage.sql", dir);
  write_file(dir / "shop.mig", quickstart_plan(source, target));

  Outcome run = run_migrun(dir.path(), {"shop.mig", "--quiet"}, "run");
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  std::string got =
      dump(to, tag + "_dst", dir, "SELECT id, name, email, created_at FROM customers ORDER BY id;") +
      "--\n" + dump(to, tag + "_dst", dir, "SELECT id, customer_id, total_cents, status FROM orders ORDER BY id;") +
      "--\n" + dump(to, tag + "_dst", dir, "SELECT id, order_id, sku, quantity FROM order_items ORDER BY id;");
  CHECK(got == kExpected);
  // Rejected: customer 3 (bad e-mail) and order 7 (negative total), as on SQLite.
  std::string rejects = slurp(dir / "reports/quickstart/1/rejects.csv");
  CHECK(rejects.find("bad email") != std::string::npos);
  CHECK(rejects.find("negative total") != std::string::npos);

  // A second run changes nothing: every task is already complete.
  Outcome again = run_migrun(dir.path(), {"shop.mig", "--quiet"}, "rerun");
  CHECK(again.exit_code == 0);
}

}  // namespace

TEST_CASE("engines: quickstart from SQLite into each engine", "[engines][postgres][mariadb]") {
  for (Engine to : kEngines) quickstart_between(Engine::sqlite, to);
}

TEST_CASE("engines: quickstart from PostgreSQL into each engine", "[engines][postgres][mariadb]") {
  for (Engine to : kEngines) quickstart_between(Engine::postgres, to);
}

TEST_CASE("engines: quickstart from MariaDB into each engine", "[engines][postgres][mariadb]") {
  for (Engine to : kEngines) quickstart_between(Engine::mariadb, to);
}
