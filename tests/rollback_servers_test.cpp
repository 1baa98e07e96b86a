// `migrun rollback` on real servers: a run under `on conflict update` over a target that
// already had rows (so it both inserts and updates), then a rollback killed with SIGKILL at
// a few random moments and resumed, must leave the exact pre-run content of a PostgreSQL
// target (from SQLite) and of a MariaDB target (from PostgreSQL): whole-table dumps in key
// order, read by the servers' own clients, compared. The SQLite versions are in
// tests/rollback_migrun_test.cpp. MIG_CRASH_SEED=N reproduces a kill sequence.
#include <catch2/catch.hpp>

#include <functional>
#include <iostream>
#include <random>

#include "tests/run_helpers.hpp"
#include "tests/server_helpers.hpp"

using namespace mig::test;

namespace {

constexpr int kRows = 20000;
constexpr int kKills = 4;
const fs::path kState = ".mig/state/items.default.db";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A source and a target on servers, `make` builds them and items.mig in a folder, `dump`
// reads the whole target table back in key order.
struct Case {
  std::function<void(const fs::path& dir)> make;
  std::function<std::string()> dump;
};

// Rows already in the target: every 7th id up to 5000, some of which the run updates.
const char* kOldRows = " SELECT i, 'OLD', -1, NULL, NULL FROM ";

std::string plan_with(const std::string& source, const std::string& target) {
  std::string plan = items_plan("items", "update");
  plan.replace(plan.find("sqlite(\"source.db\")"), 20, source);
  plan.replace(plan.find("sqlite(\"target.db\")"), 20, target);
  return plan;
}

// SQLite -> PostgreSQL.
Case sqlite_to_pg(const std::string& tag) {
  return {[tag](const fs::path& dir) {
            make_items_source(dir / "source.db", kRows);
            setenv(("URL_" + tag).c_str(), fresh_pg_database(tag).c_str(), 1);
            pg_sql(tag, "CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, qty integer"
                        " NOT NULL, price numeric(10,2), doubled integer); INSERT INTO items" +
                            std::string(kOldRows) + "generate_series(1, 5000, 7) i;");
            write_file(dir / "items.mig",
                       plan_with("sqlite(\"source.db\")", "postgres(env(\"URL_" + tag + "\"))"));
          },
          [tag] { return pg_sql(tag, "SELECT id, name, qty, price, doubled FROM items ORDER BY id"); }};
}

// PostgreSQL -> MariaDB.
Case pg_to_mariadb(const std::string& tag) {
  return {[tag](const fs::path& dir) {
            setenv(("URL_" + tag + "_src").c_str(), fresh_pg_database(tag + "_src").c_str(), 1);
            pg_sql(tag + "_src",
                   "CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, qty integer NOT NULL,"
                   " price numeric(10,2)); INSERT INTO items SELECT i, 'item ' || i, CASE WHEN i % 997"
                   " = 0 THEN -i ELSE i % 50 END, (i % 1000) / 100.0 FROM generate_series(1, " +
                       std::to_string(kRows) + ") i;");
            setenv(("URL_" + tag + "_dst").c_str(), fresh_mariadb_database(tag + "_dst").c_str(), 1);
            mariadb_sql(tag + "_dst",
                        "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, qty INT NOT NULL,"
                        " price DECIMAL(10,2), doubled INT); INSERT INTO items" +
                            std::string(kOldRows) + "(SELECT seq AS i FROM seq_1_to_5000_step_7) n;");
            write_file(dir / "items.mig", plan_with("postgres(env(\"URL_" + tag + "_src\"))",
                                                    "mariadb(env(\"URL_" + tag + "_dst\"))"));
          },
          [tag] {
            return mariadb_sql(tag + "_dst", "SELECT id, name, qty, price, doubled FROM items ORDER BY id");
          }};
}

long long written(const fs::path& dir, const std::string& action) {
  return Db(dir / kState).scalar(std::string("SELECT count(*) FROM ") + kWrittenKeys + " WHERE run_id = 1 AND action = '" +
                                 action + "'");
}

// Rows undone so far, as the state store has them (0 before the rollback made its rows).
long long undone(const fs::path& dir) {
  try {
    return Db(dir / kState).scalar("SELECT coalesce(sum(deleted + absent + restored), 0) FROM rollback_tasks");
  } catch (const std::exception&) {
    return 0;  // the first rollback has not yet migrated the file
  }
}

// deleted|absent|restored|reinserted of the rollback of run 1.
std::string undo_totals(const fs::path& dir) {
  std::string v = Db(dir / kState).dump(
      "SELECT sum(deleted) || '|' || sum(absent) || '|' || sum(restored) || '|' || sum(reinserted)"
      " FROM rollback_tasks WHERE run_id = 1");
  while (!v.empty() && (v.back() == '\n' || v.back() == '\'')) v.pop_back();
  return v.empty() || v.front() != '\'' ? v : v.substr(1);
}

double time_ms(const fs::path& dir, const std::vector<std::string>& args, int want_exit) {
  auto t0 = std::chrono::steady_clock::now();
  Outcome o = run_migrun(dir, args);
  INFO(o.err);
  REQUIRE(o.exit_code == want_exit);
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

unsigned rollback_seed() {
  const char* env = std::getenv("MIG_CRASH_SEED");
  return env ? unsigned(std::stoul(env)) : 20240613u;
}

// The run, then a rollback killed `kKills` times and resumed; the target must come back to
// `before` exactly. A second, uninterrupted case (`ref`) times a whole rollback so that the
// kills can be spread over it.
void check_rollback(const std::string& name, const Case& ref_case, const Case& crash_case) {
  unsigned seed = rollback_seed();
  std::mt19937 rng(seed);
  INFO(name << ", seed " << seed);
  TempDir ref("rbs_ref"), crash("rbs_crash");
  ref_case.make(ref.path());
  crash_case.make(crash.path());
  const std::string before = ref_case.dump();
  REQUIRE(crash_case.dump() == before);
  REQUIRE(before.size() > 1000);

  auto t0 = std::chrono::steady_clock::now();
  for (const fs::path& dir : {ref.path(), crash.path()}) {
    Outcome run = run_migrun(dir, {"items.mig", "--quiet"});
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
  }
  double run_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / 2;
  const std::string after_run = ref_case.dump();
  REQUIRE(after_run != before);
  REQUIRE(crash_case.dump() == after_run);
  long long inserted = written(ref.path(), "inserted"), updated = written(ref.path(), "updated");
  REQUIRE(inserted > 0);
  REQUIRE(updated > 0);  // the run changed rows that existed before it
  long long total = inserted + updated;

  const std::vector<std::string> args{"rollback", "items.mig", "--yes", "--quiet"};
  double whole_ms = time_ms(ref.path(), args, 0);
  CHECK(ref_case.dump() == before);
  CHECK(undo_totals(ref.path()) == std::to_string(inserted) + "|0|" + std::to_string(updated) + "|0");
  double startup_ms = time_ms(ref.path(), args, 1);  // refused at once: only the startup
  double undo_ms = std::max(1.0, whole_ms - startup_ms);
  std::cout << "rollback on servers (" << name << "): seed " << seed << ", run " << int(run_ms)
            << " ms, " << total << " keys undone in " << int(whole_ms) << " ms ("
            << int(double(total) / undo_ms * 1000) << " rows/s), startup " << int(startup_ms) << " ms\n";

  int landed = 0, mid = 0;
  std::ostringstream seen;
  auto uniform = [&](double hi) { return std::uniform_real_distribution<double>(0.0, hi)(rng); };
  for (int k = 0; k < kKills; ++k) {
    Spawned s = spawn_migrun(crash.path(), args, "kill" + std::to_string(k));
    double delay_ms = uniform(2 * startup_ms);
    if (k != 0) {  // else: somewhere in the startup (compile, bind, connect, recovery)
      long long goal = total * k / kKills;
      int status = 0;
      wait_until([&] { return undone(crash.path()) >= goal || has_exited(s.pid, status); });
      delay_ms = uniform(2 * undo_ms * 1000 / double(total));  // up to two batches' time
    }
    std::this_thread::sleep_for(std::chrono::microseconds(int64_t(delay_ms * 1000)));
    int status = 0;
    if (!has_exited(s.pid, status)) {
      ::kill(s.pid, SIGKILL);
      status = wait_exit(s.pid);
    }
    INFO("kill " << k << ": " << slurp(s.err));
    CHECK((status == 128 + SIGKILL || status == 0 ||
           (status == 1 && contains(slurp(s.err), "already rolled back"))));
    long long done = undone(crash.path());
    if (status == 128 + SIGKILL) ++landed;
    if (status == 128 + SIGKILL && done > 0 && done < total) ++mid;
    seen << done << (status == 0 ? "(done) " : " ");
  }
  std::cout << "  rows undone after each kill: " << seen.str() << "\n";
  Outcome last = run_migrun(crash.path(), args, "final");
  INFO("final rollback: " << last.err);
  REQUIRE((last.exit_code == 0 || contains(last.err, "already rolled back")));
  CHECK(landed >= kKills / 2);
  CHECK(mid >= 1);

  CHECK(crash_case.dump() == before);
  // Every batch applied and counted exactly once: nothing found missing, nothing re-created.
  CHECK(undo_totals(crash.path()) == undo_totals(ref.path()));
  CHECK(Db(crash / kState).dump("SELECT status FROM rollbacks") == "'completed'\n");
}

}  // namespace

TEST_CASE("rollback: SQLite -> PostgreSQL under on conflict update, killed and resumed, is undone exactly",
          "[rollback][postgres][mariadb]") {
  check_rollback("SQLite -> PostgreSQL", sqlite_to_pg("rbs_pg_ref"), sqlite_to_pg("rbs_pg_crash"));
}

TEST_CASE("rollback: PostgreSQL -> MariaDB under on conflict update, killed and resumed, is undone exactly",
          "[rollback][postgres][mariadb]") {
  check_rollback("PostgreSQL -> MariaDB", pg_to_mariadb("rbs_my_ref"), pg_to_mariadb("rbs_my_crash"));
}
