// `expect parity` and `migrun validate --parity` as processes: SQLite -> SQLite with a map
// (cents = amount * 100, lower(email)) passes after a clean run, then a target corrupted in
// four ways (a changed column, a deleted row, an extra row, '' where the source has null)
// reports each with its key and kind; a rekeying task is compared through the crosswalk;
// SQLite -> PostgreSQL with decimals and timestamps passes although the engines render
// them differently, and a changed decimal is found.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "tests/run_helpers.hpp"
#include "tests/server_helpers.hpp"

using namespace mig::test;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// `rows` accounts: every 7th has a null note, every 501st a negative amount (rejected by
// the plan's check, so not expected in the target).
void make_accounts(const fs::path& db, int rows) {
  Db d(db);
  d.exec("CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT NOT NULL, amount DECIMAL(10,2),"
         " created TIMESTAMP, note TEXT);"
         "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
         std::to_string(rows) +
         ") INSERT INTO accounts SELECT i, 'User' || i || '@Example.COM',"
         " CASE WHEN i % 501 = 0 THEN -1.5 ELSE (i % 1000) / 4.0 END,"
         " printf('2024-%02d-%02d %02d:%02d:00', i % 12 + 1, i % 28 + 1, i % 24, i % 60),"
         " CASE WHEN i % 7 = 0 THEN NULL ELSE 'note ' || i END FROM n;");
}

const char* kAccountsDdl =
    "CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT NOT NULL, cents INTEGER,"
    " created TIMESTAMP, note TEXT);";

std::string accounts_plan(const std::string& source, const std::string& target, bool expect) {
  return "plan par\n"
         "source src = " + source + "\n"
         "target dst = " + target + "\n"
         "copy src.accounts -> dst.accounts {\n"
         "  map { *  email = lower(email)  cents = amount * 100  drop amount }\n"
         "  check cents >= 0 else reject as \"negative amount\"\n"
         "  batch 700\n" +
         (expect ? "  expect parity\n" : "") + "}\n";
}

// The parity entry of `migrun validate --format json`'s output.
nlohmann::json parity_entry(const std::string& out) {
  nlohmann::json j = nlohmann::json::parse(out);
  for (const auto& e : j["validation"])
    if (e["expect"] == "expect parity") return e;
  FAIL("no parity entry in " << out);
  return {};
}

// The differences listed, as `kind key` lines (changed: with their columns).
std::vector<std::string> listed(const nlohmann::json& entry) {
  std::vector<std::string> out;
  for (const auto& d : entry["numbers"]["first"]) {
    std::string line = d["kind"].get<std::string>() + " " + d["key"].get<std::string>();
    for (const auto& c : d.value("columns", nlohmann::json::array())) line += " | " + c.get<std::string>();
    out.push_back(line);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("parity: a clean SQLite copy passes; a changed, deleted, extra and emptied row are each reported",
          "[parity]") {
  TempDir dir("parity_sqlite");
  make_accounts(dir / "source.db", 5000);
  Db(dir / "target.db").exec(kAccountsDdl);
  write_file(dir / "par.mig", accounts_plan("sqlite(\"source.db\")", "sqlite(\"target.db\")", true));
  Outcome run = run_migrun(dir.path(), {"par.mig"});
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(contains(run.out, "ok    expect parity [accounts]: 4991 of 4991 expected row(s) equal (9 rejected"));

  Outcome clean = run_migrun(dir.path(), {"validate", "par.mig", "--format", "json"});
  INFO(clean.out << clean.err);
  REQUIRE(clean.exit_code == 0);
  nlohmann::json ok = parity_entry(clean.out);
  CHECK(ok["passed"] == true);
  CHECK(ok["numbers"]["equal"] == 4991);
  CHECK(ok["numbers"]["rejected"] == 9);
  CHECK(ok["numbers"]["segments"] == 5);
  CHECK(ok["numbers"]["segments_differing"] == 0);

  Db(dir / "target.db")
      .exec("UPDATE accounts SET cents = cents + 1 WHERE id = 1234;"
            "DELETE FROM accounts WHERE id = 2000;"
            "INSERT INTO accounts VALUES (9999, 'x@y.z', 5, '2024-01-01 00:00:00', NULL);"
            "UPDATE accounts SET note = '' WHERE id = 21;"  // the source's note is null
            "UPDATE accounts SET created = replace(created, ':00', ':01') WHERE id = 4444;");
  Outcome bad = run_migrun(dir.path(), {"validate", "par.mig", "--format", "json"});
  INFO(bad.out << bad.err);
  CHECK(bad.exit_code == 1);
  nlohmann::json e = parity_entry(bad.out);
  CHECK(e["passed"] == false);
  CHECK(e["numbers"]["missing"] == 1);
  CHECK(e["numbers"]["extra"] == 1);
  CHECK(e["numbers"]["changed"] == 3);
  CHECK(e["numbers"]["equal"] == 4991 - 4);
  CHECK(e["numbers"]["segments_differing"] >= 3);
  std::vector<std::string> expected{
      "changed [1234] | cents: source 5850, target 5851",
      "changed [21] | note: source null, target ``",
      "changed [4444] | created: source 2024-05-21 04:04:00, target 2024-05-21 04:04:01",
      "extra [9999]",
      "missing [2000]",
  };
  CHECK(listed(e) == expected);
  // The same in validation.json and the text summary.
  fs::path reports = nlohmann::json::parse(bad.out)["reports"].get<std::string>();
  nlohmann::json saved = nlohmann::json::parse(slurp(dir / (reports / "validation.json").string()));
  CHECK(saved[0]["numbers"]["missing"] == 1);
  Outcome text = run_migrun(dir.path(), {"validate", "par.mig"});
  CHECK(text.exit_code == 1);
  CHECK(contains(text.out, "FAIL  expect parity [accounts]:"));
  CHECK(contains(text.out, "1 missing, 1 extra, 3 changed"));
  CHECK(contains(text.out, "missing [2000]"));
}

TEST_CASE("parity: validate --parity compares every task, declared or not", "[parity]") {
  TempDir dir("parity_flag");
  make_accounts(dir / "source.db", 1200);
  Db(dir / "target.db").exec(kAccountsDdl);
  write_file(dir / "par.mig", accounts_plan("sqlite(\"source.db\")", "sqlite(\"target.db\")", false));
  REQUIRE(run_migrun(dir.path(), {"par.mig", "--quiet"}).exit_code == 0);
  Outcome plain = run_migrun(dir.path(), {"validate", "par.mig"});
  CHECK(plain.exit_code == 0);
  CHECK(!contains(plain.out, "parity"));
  Db(dir / "target.db").exec("DELETE FROM accounts WHERE id = 77");
  Outcome with = run_migrun(dir.path(), {"validate", "par.mig", "--parity"});
  INFO(with.out << with.err);
  CHECK(with.exit_code == 1);
  CHECK(contains(with.out, "FAIL  expect parity [accounts]"));
  CHECK(contains(with.out, "missing [77]"));
}

TEST_CASE("parity: a rekeying task is compared through its crosswalk", "[parity]") {
  TempDir dir("parity_rekey");
  make_accounts(dir / "source.db", 3000);
  Db(dir / "target.db")
      .exec("CREATE TABLE accounts (id TEXT PRIMARY KEY, email TEXT NOT NULL, cents INTEGER,"
            " created TIMESTAMP, note TEXT);");
  std::string plan = accounts_plan("sqlite(\"source.db\")", "sqlite(\"target.db\")", true);
  plan.replace(plan.find("map { *"), 7, "map { *  id = uuid()");
  write_file(dir / "par.mig", plan);
  Outcome run = run_migrun(dir.path(), {"par.mig"});
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(contains(run.out, "ok    expect parity [accounts]"));
  CHECK(contains(run.out, "keys through the crosswalk"));

  Db target(dir / "target.db");
  std::string victim = target.dump("SELECT id FROM accounts WHERE email = 'user10@example.com'");
  victim = victim.substr(1, victim.size() - 3);  // unquoted, no newline
  target.exec("UPDATE accounts SET cents = 1 WHERE id = '" + victim + "';"
              "INSERT INTO accounts VALUES ('not-from-the-source', 'x@y.z', 5, NULL, NULL);");
  Outcome bad = run_migrun(dir.path(), {"validate", "par.mig", "--format", "json"});
  INFO(bad.out << bad.err);
  CHECK(bad.exit_code == 1);
  nlohmann::json e = parity_entry(bad.out);
  CHECK(e["numbers"]["keys"] == "crosswalk");
  CHECK(e["numbers"]["changed"] == 1);
  CHECK(e["numbers"]["extra"] == 1);
  CHECK(e["numbers"]["missing"] == 0);
  std::vector<std::string> expected{"changed [\"" + victim + "\"] | cents: source 250, target 1",
                                    "extra [\"not-from-the-source\"]"};
  CHECK(listed(e) == expected);
}

TEST_CASE("parity: SQLite to PostgreSQL with decimals and timestamps", "[parity][postgres]") {
  TempDir dir("parity_pg");
  make_accounts(dir / "source.db", 4000);
  const std::string db = "parity_pg";
  setenv("URL_PARITY_PG", fresh_pg_database(db).c_str(), 1);
  pg_sql(db, "CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, cents numeric(14,4),"
             " created timestamp(6), note text);");
  write_file(dir / "par.mig",
             accounts_plan("sqlite(\"source.db\")", "postgres(env(\"URL_PARITY_PG\"))", true));
  Outcome run = run_migrun(dir.path(), {"par.mig"});
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  // numeric(14,4) gives back 8500.0000 for 8500: equal after normalisation.
  CHECK(contains(run.out, "ok    expect parity [accounts]: 3993 of 3993 expected row(s) equal"));

  pg_sql(db, "UPDATE accounts SET cents = cents + 0.0001 WHERE id = 3001;"
             "UPDATE accounts SET created = created + interval '1 microsecond' WHERE id = 17;"
             "DELETE FROM accounts WHERE id = 1;");
  Outcome bad = run_migrun(dir.path(), {"validate", "par.mig", "--format", "json"});
  INFO(bad.out << bad.err);
  CHECK(bad.exit_code == 1);
  nlohmann::json e = parity_entry(bad.out);
  std::vector<std::string> expected{
      "changed [17] | created: source 2024-06-18 17:17:00, target 2024-06-18 17:17:00.000001",
      "changed [3001] | cents: source 25.00, target 25.0001",
      "missing [1]",
  };
  CHECK(listed(e) == expected);
}
