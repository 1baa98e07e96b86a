// plans/starfox_subset.mig run for real on examples/starfox_subset's fixture: the slice of
// customers 1, 2, 3 (seed users 1, 2) copied SQLite -> SQLite, MariaDB -> MariaDB and
// MariaDB -> PostgreSQL. Every target table must hold exactly the keys listed below,
// derived by hand from the fixture's design (examples/starfox_subset/generate.sh) and the
// subsetting rules (where per column present, follow foreign keys to filtered tables,
// self-reference recursive, reference tables whole, `confirm above 400`), never computed
// by mig; and no foreign key of the target may dangle (checked per key by plain SQL).
#include <catch2/catch.hpp>

#include <map>
#include <vector>

#include "tests/run_helpers.hpp"
#include "tests/server_helpers.hpp"

using namespace mig::test;

namespace {

const fs::path kPlan = fs::path(MIG_SOURCE_DIR) / "plans" / "starfox_subset.mig";
const fs::path kGenerator = fs::path(MIG_SOURCE_DIR) / "examples" / "starfox_subset" / "generate.sh";

std::string seq(int from, int to) {
  std::string out;
  for (int i = from; i <= to; ++i) out += std::to_string(i) + "\n";
  return out;
}

// Table -> its key columns and the keys that must arrive (one per line, columns `|`-joined,
// in key order). "" : the table must be absent or empty.
struct Expected {
  std::vector<std::string> key;
  std::string keys;
};

const std::map<std::string, Expected>& starfox_expected() {
  static const std::map<std::string, Expected> e = {
      // reference tables below the threshold: every row
      {"ACCESS_RIGHT", {{"access_right_id"}, seq(1, 20)}},
      {"COUNTRY",
       {{"country_code"},
        "AR\nAT\nAU\nBE\nBR\nCA\nCH\nCL\nCN\nCZ\nDE\nDK\nES\nFI\nFR\nGB\nGR\nIE\nIN\nIT\nJP\nKR\nMX\nNL\nNO\n"
        "PL\nPT\nSE\nTR\nUS\n"}},
      // where customer_id in (1, 2, 3); the FK to COUNTRY (not filtered) is not followed
      {"CUSTOMER", {{"customer_id"}, "1\n2\n3\n"}},
      // customer_id and user_id ANDed: user 2 belongs to customer 4
      {"USER", {{"user_id"}, "1\n"}},
      // user_id in (1, 2), and following USER: preference 3 (user 2) goes with its user
      {"USER_PREFERENCE", {{"preference_id"}, "1\n2\n"}},
      {"ROLE", {{"role_id"}, "1\n2\n3\n4\n8\n"}},
      // follows ROLE only (ACCESS_RIGHT is a reference table); map 10 has no role: no link
      {"ROLE_ACCESS_MAP", {{"role_access_map_id"}, "1\n2\n3\n4\n5\n9\n"}},
      // two hops: maps 1, 3, 9 kept; 6 and 8 not; 6 (null) reached by no link; 7 -> map 10
      {"ROLE_ACCESS_AUDIT", {{"role_access_audit_id"}, "1\n2\n5\n"}},
      // user_id in (1, 2), role kept, user kept: (3,2) loses its user, (5,1) its role
      {"ROLE_USER", {{"role_id", "user_id"}, "1|1\n2|1\n4|1\n"}},
      // composite FK to ROLE_USER: 3, 4, 5 point at rows left out, 6 is null (no link)
      {"ROLE_USER_GRANT", {{"grant_id"}, "1\n2\n7\n"}},
      {"PROJECT", {{"project_id"}, "1\n2\n3\n5\n"}},
      // invoice 7 is customer 1's but points at customer 4's project 4; 2 has no project
      {"INVOICE", {{"invoice_id"}, "1\n2\n3\n5\n"}},
      {"INVOICE_LINE", {{"invoice_id", "line_no"}, "1|1\n1|2\n2|1\n5|1\n5|2\n"}},
      // self-reference: 5 reports to 9 (customer 4), 6 to 5; 7 (customer 3) to 4 (kept);
      // 11 and 12 report to each other with no root
      {"EMPLOYEE", {{"employee_id"}, "1\n2\n3\n4\n7\n"}},
      // 600 rows, above `confirm above 400`: only with --yes
      {"POSTAL_CODE", {{"postal_code_id"}, ""}},
      {"AUDIT_LOG", {{"audit_log_id"}, ""}},
      {"temp_data", {{"temp_id"}, ""}},
      // forced by their own tasks: every row
      {"schema_version", {{"version"}, "1.0\n1.1\n1.2\n2.0\n2.1\n"}},
      {"flyway_schema_history", {{"installed_rank"}, "1\n2\n3\n4\n"}},
  };
  return e;
}

const std::map<std::string, Expected>& onboarding_expected() {
  static const std::map<std::string, Expected> e = {
      {"STEP", {{"step_id"}, seq(1, 5)}},
      {"CUSTOMER_STEP", {{"customer_step_id"}, "1\n2\n3\n5\n"}},
      {"USER_INVITE", {{"invite_id"}, "1\n2\n"}},
      {"temp_data", {{"temp_id"}, ""}},
  };
  return e;
}

// Every foreign key of the fixture: child, its columns, parent, the parent's columns.
struct Fk {
  std::string schema;  // STARFOX or ONBOARDING
  std::string child;
  std::vector<std::string> columns;
  std::string parent;
  std::vector<std::string> ref;
};

const std::vector<Fk>& fixture_fks() {
  static const std::vector<Fk> fks = {
      {"STARFOX", "POSTAL_CODE", {"country_code"}, "COUNTRY", {"country_code"}},
      {"STARFOX", "CUSTOMER", {"country_code"}, "COUNTRY", {"country_code"}},
      {"STARFOX", "USER", {"customer_id"}, "CUSTOMER", {"customer_id"}},
      {"STARFOX", "USER_PREFERENCE", {"user_id"}, "USER", {"user_id"}},
      {"STARFOX", "ROLE", {"customer_id"}, "CUSTOMER", {"customer_id"}},
      {"STARFOX", "ROLE_ACCESS_MAP", {"role_id"}, "ROLE", {"role_id"}},
      {"STARFOX", "ROLE_ACCESS_MAP", {"access_right_id"}, "ACCESS_RIGHT", {"access_right_id"}},
      {"STARFOX", "ROLE_ACCESS_AUDIT", {"role_access_map_id"}, "ROLE_ACCESS_MAP", {"role_access_map_id"}},
      {"STARFOX", "ROLE_USER", {"role_id"}, "ROLE", {"role_id"}},
      {"STARFOX", "ROLE_USER", {"user_id"}, "USER", {"user_id"}},
      {"STARFOX", "ROLE_USER_GRANT", {"role_id", "grantee_id"}, "ROLE_USER", {"role_id", "user_id"}},
      {"STARFOX", "PROJECT", {"customer_id"}, "CUSTOMER", {"customer_id"}},
      {"STARFOX", "INVOICE", {"customer_id"}, "CUSTOMER", {"customer_id"}},
      {"STARFOX", "INVOICE", {"project_id"}, "PROJECT", {"project_id"}},
      {"STARFOX", "INVOICE_LINE", {"invoice_id"}, "INVOICE", {"invoice_id"}},
      {"STARFOX", "EMPLOYEE", {"customer_id"}, "CUSTOMER", {"customer_id"}},
      {"STARFOX", "EMPLOYEE", {"manager_id"}, "EMPLOYEE", {"employee_id"}},
      {"ONBOARDING", "CUSTOMER_STEP", {"step_id"}, "STEP", {"step_id"}},
  };
  return fks;
}

// One target engine, seen through its own client (never through mig's connectors).
struct Target {
  std::string kind;                          // sqlite, mariadb, postgres
  std::map<std::string, std::string> where;  // fixture schema -> SQLite file / MariaDB
                                             // database / PostgreSQL schema
  std::string pg_database;                   // postgres: the database holding the schemas
};

std::string quote(const Target& t, const std::string& name) {
  if (t.kind == "mariadb") return "`" + name + "`";
  return "\"" + name + "\"";
}

std::string table_ref(const Target& t, const std::string& schema, const std::string& table) {
  if (t.kind == "postgres") return quote(t, t.where.at(schema)) + "." + quote(t, table);
  return quote(t, table);  // SQLite: its own file; MariaDB: its own database
}

// Rows of `sql` against `schema`'s database, cells `|`-joined, one row a line.
std::string query(const Target& t, const std::string& schema, const std::string& sql) {
  if (t.kind == "sqlite") {
    Db db(t.where.at(schema));
    std::string out = db.dump(sql);
    std::string plain;  // Db::dump quotes text: keys compare unquoted
    for (char c : out)
      if (c != '\'') plain += c;
    return plain;
  }
  std::string out = t.kind == "mariadb" ? mariadb_sql(t.where.at(schema), sql) : pg_sql(t.pg_database, sql);
  for (char& c : out)
    if (c == '\t') c = '|';
  return out;
}

bool table_exists(const Target& t, const std::string& schema, const std::string& table) {
  std::string found;
  if (t.kind == "sqlite")
    found = query(t, schema, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'");
  else if (t.kind == "mariadb")
    found = query(t, schema,
                  "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
                  "AND TABLE_NAME = '" + table + "'");
  else
    found = query(t, schema,
                  "SELECT count(*) FROM information_schema.tables WHERE table_schema = '" + t.where.at(schema) +
                      "' AND table_name = '" + table + "'");
  return found == "1\n";
}

// The keys `table` holds, in key order ("" when it is missing).
std::string keys_of(const Target& t, const std::string& schema, const std::string& table,
                    const std::vector<std::string>& key) {
  if (!table_exists(t, schema, table)) return "";
  std::string cols;
  for (const std::string& k : key) cols += (cols.empty() ? "" : ", ") + quote(t, k);
  return query(t, schema, "SELECT " + cols + " FROM " + table_ref(t, schema, table) + " ORDER BY " + cols);
}

void check_keys(const Target& t, const std::string& schema, const std::map<std::string, Expected>& expected,
                const std::map<std::string, std::string>& overrides = {}) {
  for (const auto& [table, e] : expected) {
    auto o = overrides.find(table);
    std::string want = o == overrides.end() ? e.keys : o->second;
    INFO(t.kind << " target, " << schema << "." << table);
    CHECK(keys_of(t, schema, table, e.key) == want);
  }
}

// Child rows whose foreign key is set and finds no parent, per foreign key of the fixture.
void check_no_dangling(const Target& t) {
  for (const Fk& fk : fixture_fks()) {
    if (!table_exists(t, fk.schema, fk.child)) continue;
    INFO(t.kind << " target: " << fk.schema << "." << fk.child << " -> " << fk.parent);
    std::string set, match;
    for (size_t i = 0; i < fk.columns.size(); ++i) {
      set += std::string(i ? " AND " : "") + "c." + quote(t, fk.columns[i]) + " IS NOT NULL";
      match += std::string(i ? " AND " : "") + "p." + quote(t, fk.ref[i]) + " = c." + quote(t, fk.columns[i]);
    }
    std::string dangling;
    if (!table_exists(t, fk.schema, fk.parent)) {
      dangling = query(t, fk.schema, "SELECT count(*) FROM " + table_ref(t, fk.schema, fk.child) + " c WHERE " + set);
    } else {
      dangling = query(t, fk.schema,
                       "SELECT count(*) FROM " + table_ref(t, fk.schema, fk.child) + " c WHERE " + set +
                           " AND NOT EXISTS (SELECT 1 FROM " + table_ref(t, fk.schema, fk.parent) + " p WHERE " +
                           match + ")");
    }
    CHECK(dangling == "0\n");
  }
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

const std::vector<std::string> kSlice = {"--param", "customer_ids=1,2,3"};

std::vector<std::string> args(const std::vector<std::string>& first, bool yes) {
  std::vector<std::string> all = first;
  all.insert(all.end(), kSlice.begin(), kSlice.end());
  if (yes) all.push_back("--yes");
  return all;
}

// Runs the plan twice (without, then with --yes) and checks the target after each.
void run_and_check(const fs::path& dir, const std::vector<std::string>& first, const Target& t) {
  Outcome run = run_migrun(dir, args(first, false), "first");
  INFO("first run, exit " << run.exit_code << "\n" << run.out << run.err);
  CHECK(run.exit_code == 0);
  CHECK((run.out + run.err).find("needs confirmation") != std::string::npos);
  check_keys(t, "STARFOX", starfox_expected());
  check_keys(t, "ONBOARDING", onboarding_expected());
  check_no_dangling(t);

  Outcome yes = run_migrun(dir, args(first, true), "yes");
  INFO("rerun with --yes, exit " << yes.exit_code << "\n" << yes.out << yes.err);
  CHECK(yes.exit_code == 0);
  check_keys(t, "STARFOX", starfox_expected(), {{"POSTAL_CODE", seq(1, 600)}});
  check_keys(t, "ONBOARDING", onboarding_expected());
  check_no_dangling(t);
}

// The plan for one server pair. One MariaDB server holds both sides, so the databases get
// a prefix: `prod.STARFOX.` (and the skip list's `STARFOX.`) become `PREFIX_STARFOX.`,
// `stage.STARFOX.` becomes `PREFIX_STARFOX_stage.`, the same for ONBOARDING; a PostgreSQL
// target swaps `mariadb(env("WRITE_DB_URL"))` for `postgres(...)`. Nothing else changes.
std::string server_plan(const std::string& prefix, bool pg_target) {
  std::string text = slurp(kPlan);
  for (const std::string schema : {"STARFOX", "ONBOARDING"}) {
    text = replace_all(text, "stage." + schema + ".", "stage.@" + schema + "_stage.");
    text = replace_all(text, schema + ".", prefix + schema + ".");
    text = replace_all(text, "stage.@" + schema + "_stage.", "stage." + prefix + schema + "_stage.");
  }
  if (pg_target) text = replace_all(text, "mariadb(env(\"WRITE_DB_URL\"))", "postgres(env(\"WRITE_DB_URL\"))");
  return text;
}

// The fixture in MariaDB under `prefix`: databases PREFIX_STARFOX and PREFIX_ONBOARDING.
void make_mariadb_source(const std::string& prefix) {
  std::string sql = pipe_through("bash '" + kGenerator.string() + "' mariadb " + prefix + "STARFOX " + prefix +
                                     "ONBOARDING",
                                 "");
  mariadb_sql("", sql);
}

}  // namespace

TEST_CASE("starfox: the slice of customers 1 2 3 from SQLite into SQLite", "[starfox]") {
  TempDir tmp("starfox");
  fs::path plans = tmp / "plans";
  fs::path files = tmp / "examples" / "starfox_subset";
  fs::create_directories(plans);
  // The plan as it is, beside the files its dev environment names (../examples/...).
  fs::copy_file(kPlan, plans / "starfox_subset.mig");
  pipe_through("bash '" + kGenerator.string() + "' sqlite '" + files.string() + "'", "");
  Target t{"sqlite",
           {{"STARFOX", (files / "stage_starfox.db").string()},
            {"ONBOARDING", (files / "stage_onboarding.db").string()}},
           ""};
  run_and_check(plans, {"starfox_subset.mig", "--env", "dev"}, t);
}

TEST_CASE("starfox: the slice of customers 1 2 3 from MariaDB into MariaDB", "[starfox][servers]") {
  TempDir tmp("starfox_mm");
  const std::string prefix = "sfmm_";
  make_mariadb_source(prefix);
  fresh_mariadb_database(prefix + "STARFOX_stage");
  fresh_mariadb_database(prefix + "ONBOARDING_stage");
  write_file(tmp / "starfox_subset.mig", server_plan(prefix, false));
  ::setenv("READ_DB_URL", mariadb_url(prefix + "STARFOX").c_str(), 1);
  ::setenv("WRITE_DB_URL", mariadb_url(prefix + "STARFOX_stage").c_str(), 1);
  Target t{"mariadb",
           {{"STARFOX", prefix + "STARFOX_stage"}, {"ONBOARDING", prefix + "ONBOARDING_stage"}},
           ""};
  run_and_check(tmp.path(), {"starfox_subset.mig"}, t);
}

TEST_CASE("starfox: the slice of customers 1 2 3 from MariaDB into PostgreSQL", "[starfox][servers]") {
  TempDir tmp("starfox_mp");
  const std::string prefix = "sfmp_";
  make_mariadb_source(prefix);
  fresh_pg_database("sfmp");
  pg_sql("sfmp", "CREATE SCHEMA \"" + prefix + "STARFOX_stage\"; CREATE SCHEMA \"" + prefix + "ONBOARDING_stage\";");
  write_file(tmp / "starfox_subset.mig", server_plan(prefix, true));
  ::setenv("READ_DB_URL", mariadb_url(prefix + "STARFOX").c_str(), 1);
  ::setenv("WRITE_DB_URL", pg_url("sfmp").c_str(), 1);
  Target t{"postgres",
           {{"STARFOX", prefix + "STARFOX_stage"}, {"ONBOARDING", prefix + "ONBOARDING_stage"}},
           "sfmp"};
  run_and_check(tmp.path(), {"starfox_subset.mig"}, t);
}
