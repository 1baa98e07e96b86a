// `migrun rollback` and `migrun validate` as processes on SQLite. A run under `on conflict
// update` over a target that already had rows, then a rollback, leaves the exact pre-run
// content (whole-table dumps compared); so does a rollback killed with SIGKILL at random
// moments and resumed, with every batch counted once; so does the run's rollback.sql applied
// with the sqlite3 shell, on hostile names and values of every kind. MIG_CRASH_SEED=N
// reproduces a kill sequence.
#include <catch2/catch.hpp>

#include <iostream>
#include <nlohmann/json.hpp>
#include <random>

#include "runtime/process_lock.hpp"
#include "tests/run_helpers.hpp"

using namespace mig::test;

namespace {

const fs::path kState = ".mig/state/items.default.db";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The items fixture with rows already in the target, copied under `on conflict update`
// (so the run both inserts and updates), plus `extra` lines in the task's block.
void make_case(const fs::path& dir, int rows, const std::string& extra = "") {
  make_items_source(dir / "source.db", rows);
  make_items_target(dir / "target.db", true);
  std::string plan = items_plan("items", "update");
  if (!extra.empty()) plan.insert(plan.rfind('}'), extra);
  write_file(dir / "items.mig", plan);
}

std::string items(const fs::path& dir) { return table_content(dir / "target.db", "items"); }

// One value from the state store ("" when there is no row).
std::string state_value(const fs::path& dir, const std::string& sql) {
  Db state(dir / kState);
  std::string v = state.dump(sql);
  if (!v.empty() && v.back() == '\n') v.pop_back();
  return v;
}

long long written(const fs::path& dir, const std::string& action, int run = 1) {
  return Db(dir / kState)
      .scalar(std::string("SELECT count(*) FROM ") + kWrittenKeys + " WHERE run_id = " + std::to_string(run) +
              " AND action = '" + action + "'");
}

// deleted|absent|restored|reinserted of a rollback, over its tasks.
std::string undo_totals(const fs::path& dir, int run = 1) {
  std::string v = state_value(dir, "SELECT sum(deleted) || '|' || sum(absent) || '|' || "
                                   "sum(restored) || '|' || sum(reinserted) FROM rollback_tasks "
                                   "WHERE run_id = " + std::to_string(run));
  return v.size() >= 2 ? v.substr(1, v.size() - 2) : v;  // unquoted
}

}  // namespace

TEST_CASE("rollback: a run under on conflict update is undone to the exact pre-run content",
          "[migrun][rollback]") {
  TempDir dir("rb_exact");
  make_case(dir.path(), 20000);
  const std::string before = items(dir.path());
  Outcome run = run_migrun(dir.path(), {"items.mig", "--quiet"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  const std::string after_run = items(dir.path());
  REQUIRE(after_run != before);
  long long inserted = written(dir.path(), "inserted"), updated = written(dir.path(), "updated");
  REQUIRE(inserted > 0);
  REQUIRE(updated > 0);  // the run changed rows that existed before it

  Outcome unconfirmed = run_migrun(dir.path(), {"rollback", "items.mig"});
  CHECK(unconfirmed.exit_code == 2);
  CHECK(contains(unconfirmed.err, "--yes"));
  CHECK(items(dir.path()) == after_run);

  Outcome rb = run_migrun(dir.path(), {"rollback", "items.mig", "--yes"});
  INFO(rb.err);
  REQUIRE(rb.exit_code == 0);
  CHECK(contains(rb.out, "run 1 rolled back"));
  CHECK(items(dir.path()) == before);
  CHECK(undo_totals(dir.path()) == std::to_string(inserted) + "|0|" + std::to_string(updated) + "|0");
  CHECK(state_value(dir.path(), "SELECT status FROM rollbacks WHERE run_id = 1") == "'completed'");
  // The task's progress is forgotten: the next run starts it over.
  CHECK(state_value(dir.path(), "SELECT count(*) FROM tasks") == "0");
  // The rollback's markers are gone from the target.
  CHECK(Db(dir / "target.db").scalar("SELECT count(*) FROM _mig_commits") == 0);

  Outcome again = run_migrun(dir.path(), {"rollback", "items.mig", "--yes"});
  CHECK(again.exit_code == 1);
  CHECK(contains(again.err, "run 1 was already rolled back"));
  Outcome unknown = run_migrun(dir.path(), {"rollback", "items.mig", "--run", "9", "--yes"});
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.err, "no run 9"));
  CHECK(items(dir.path()) == before);

  Outcome rerun = run_migrun(dir.path(), {"items.mig", "--quiet"});
  INFO(rerun.err);
  CHECK(rerun.exit_code == 0);
  CHECK(items(dir.path()) == after_run);
}

TEST_CASE("rollback: a later run that wrote the same task is rolled back first",
          "[migrun][rollback]") {
  TempDir dir("rb_chain");
  make_case(dir.path(), 5000);
  const std::string before = items(dir.path());
  REQUIRE(run_migrun(dir.path(), {"items.mig", "--limit", "2000", "--quiet"}).exit_code == 0);
  REQUIRE(run_migrun(dir.path(), {"items.mig", "--quiet"}).exit_code == 0);  // run 2 resumes

  Outcome first = run_migrun(dir.path(), {"rollback", "items.mig", "--run", "1", "--yes"});
  CHECK(first.exit_code == 1);
  CHECK(contains(first.err, "roll back run 2 first"));

  Outcome second = run_migrun(dir.path(), {"rollback", "items.mig", "--yes"});
  INFO(second.err);
  REQUIRE(second.exit_code == 0);
  CHECK(contains(second.out, "run 2 rolled back"));
  CHECK(contains(second.out, "also holds rows of run 1"));
  Outcome older = run_migrun(dir.path(), {"rollback", "items.mig", "--run", "1", "--yes"});
  INFO(older.err);
  REQUIRE(older.exit_code == 0);
  CHECK(items(dir.path()) == before);
}

TEST_CASE("rollback: a batch a killed run committed but never saved is undone too",
          "[migrun][rollback]") {
  TempDir dir("rb_dead_run");
  make_case(dir.path(), 5000);
  write_file(dir / "items.mig",  // every row read is written: --limit 1000 is one batch
             "plan items\nsource src = sqlite(\"source.db\")\ntarget dst = sqlite(\"target.db\")\n"
             "copy src.items -> dst.items {\n  map { * doubled = qty * 2 }\n"
             "  on conflict update\n  batch 1000\n}\n");
  const std::string before = items(dir.path());
  REQUIRE(run_migrun(dir.path(), {"items.mig", "--limit", "1000", "--quiet"}).exit_code == 0);
  REQUIRE(Db(dir / "target.db").scalar("SELECT count(*) FROM _mig_commits") == 1);
  REQUIRE(items(dir.path()) != before);
  // As if the run had died between the target's commit of batch 1 and the state store's:
  // the target holds the rows and the batch's marker, the state store knows nothing of it.
  Db(dir / kState).exec(
      "UPDATE tasks SET checkpoint = NULL, batches = 0, rows_read = 0, rows_written = 0,"
      " state = 'running'; DELETE FROM written_keys; UPDATE runs SET status = 'running'");
  Outcome rb = run_migrun(dir.path(), {"rollback", "items.mig", "--run", "1", "--yes"});
  INFO(rb.err);
  REQUIRE(rb.exit_code == 0);
  CHECK(items(dir.path()) == before);
  CHECK(state_value(dir.path(), "SELECT status FROM runs WHERE id = 1") == "'aborted'");
}

TEST_CASE("rollback: refused while another migrun holds the plan's lock", "[migrun][rollback]") {
  TempDir dir("rb_lock");
  make_case(dir.path(), 1000);
  REQUIRE(run_migrun(dir.path(), {"items.mig", "--quiet"}).exit_code == 0);
  const std::string after_run = items(dir.path());
  auto lock = mig::ProcessLock::acquire((dir / kState).string() + ".lock");
  REQUIRE(lock);
  Outcome o = run_migrun(dir.path(), {"rollback", "items.mig", "--yes"});
  CHECK(o.exit_code == 1);
  CHECK(contains(o.err, "another migrun holds"));
  CHECK(contains(o.err, "pid " + std::to_string(::getpid())));
  CHECK(items(dir.path()) == after_run);
  lock->release();
  CHECK(run_migrun(dir.path(), {"rollback", "items.mig", "--yes", "-q"}).exit_code == 0);
}

// ---- kill -9 during a rollback ---------------------------------------------------------

namespace {

constexpr int kRows = 100000;
constexpr int kKills = 12;

// Rows undone so far, as the state store has them (0 before the rollback made its rows).
long long undone(const fs::path& dir) {
  try {
    Db state(dir / kState);
    return state.scalar(
        "SELECT coalesce(sum(deleted + absent + restored), 0) FROM rollback_tasks");
  } catch (const std::exception&) {
    return 0;  // the first rollback has not yet migrated the file
  }
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
  return env ? unsigned(std::stoul(env)) : 20240612u;
}

}  // namespace

TEST_CASE("rollback: kill -9 at random moments, then resume, gives the exact pre-run content",
          "[migrun][rollback][crash]") {
  unsigned seed = rollback_seed();
  std::mt19937 rng(seed);
  TempDir ref("rb_crash_ref"), crash("rb_crash");
  make_case(ref.path(), kRows);
  const std::string before = items(ref.path());
  REQUIRE(run_migrun(ref.path(), {"items.mig", "--quiet"}).exit_code == 0);
  // Both folders start from the same finished run.
  for (const auto& e : fs::directory_iterator(ref.path()))
    fs::copy(e.path(), crash / e.path().filename().string(), fs::copy_options::recursive);
  long long total = written(ref.path(), "inserted") + written(ref.path(), "updated");

  const std::vector<std::string> args{"rollback", "items.mig", "--yes", "--quiet"};
  double whole_ms = time_ms(ref.path(), args, 0);
  double startup_ms = time_ms(ref.path(), args, 1);  // refused at once: only the startup
  double undo_ms = std::max(1.0, whole_ms - startup_ms);
  std::cout << "rollback crash test: seed " << seed << " (MIG_CRASH_SEED), " << total
            << " keys undone in " << int(whole_ms) << " ms (" << int(double(total) / undo_ms * 1000)
            << " rows/s), startup " << int(startup_ms) << " ms\n";
  INFO("seed " << seed);

  int landed = 0, mid = 0;
  std::ostringstream seen;
  auto uniform = [&](double hi) { return std::uniform_real_distribution<double>(0.0, hi)(rng); };
  for (int k = 0; k < kKills; ++k) {
    Spawned s = spawn_migrun(crash.path(), args, "kill" + std::to_string(k));
    double delay_ms = uniform(2 * startup_ms);
    if (k % 4 != 0) {  // else: somewhere in the startup (compile, bind, recovery)
      long long goal = total * (k + 1) / (kKills + 1);
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
    // 0: it finished before the kill; 1: an earlier attempt had finished it
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
  // 0: it finished; 1: an earlier attempt had already finished it
  REQUIRE((last.exit_code == 0 || contains(last.err, "already rolled back")));
  CHECK(landed >= kKills / 2);
  CHECK(mid >= kKills / 2);

  CHECK(items(crash.path()) == before);
  CHECK(items(ref.path()) == before);
  // Every batch applied and counted exactly once: nothing found missing, nothing re-created.
  CHECK(undo_totals(crash.path()) == undo_totals(ref.path()));
  CHECK(undo_totals(crash.path()) == std::to_string(written(ref.path(), "inserted")) + "|0|" +
                                         std::to_string(written(ref.path(), "updated")) + "|0");
  CHECK(state_value(crash.path(), "SELECT status FROM rollbacks") == "'completed'");
  CHECK(Db(crash / "target.db").scalar("SELECT count(*) FROM _mig_commits") == 0);
}

// ---- rollback.sql ----------------------------------------------------------------------

namespace {

const std::string kTable = "we\"ird; tab";
const std::string kQuoted = "\"we\"\"ird; tab\"";

// A table whose name and columns need quoting, holding values of every kind SQLite keeps,
// some hostile (quotes, backslashes, newlines, SQL comments, NUL, invalid UTF-8, infinity).
const char* kColumns =
    " (id INTEGER PRIMARY KEY, \"na'me\" TEXT, price NUMERIC, ratio REAL, day DATE, at TIMESTAMP,"
    " flag BOOLEAN, data BLOB, doc JSON, uid UUID, \"se;mi\" TEXT);";

void make_kinds_case(const fs::path& dir) {
  Db source(dir / "source.db");
  source.exec("CREATE TABLE " + kQuoted + kColumns);
  source.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40) INSERT INTO " +
              kQuoted + " SELECT i, 'new ' || i, i / 4.0, i * 1.5, '2025-01-01', '2025-01-01 10:00:00', i % 2,"
              " X'01', '{\"new\": true}', NULL, 'x' FROM n");
  Db target(dir / "target.db");
  target.exec("CREATE TABLE " + kQuoted + kColumns);
  target.exec(
      "INSERT INTO " + kQuoted + " VALUES "
      "(1, 'it''s; DROP TABLE x; --', 19.99, 0.1, '2024-01-31', '2024-01-31 13:45:00.123456', 1,"
      "  X'00ff', '{\"a\": \"b\\\"c\"}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '/* no */'),"
      "(2, 'back\\slash' || char(10) || 'line', -0.5, 1e-300, '0099-12-31', '1970-01-01 00:00:00', 0,"
      "  X'', '[1, 2]', NULL, ''''),"
      "(3, CAST(X'610062' AS TEXT), 12345678901234, 123456789.123456789, NULL, NULL, NULL, NULL,"
      "  NULL, NULL, NULL),"
      "(4, 'ünï😀 \"quoted\"', NULL, 9e999, '2024-02-29', '2024-02-29 23:59:59.999999', 1,"
      "  X'5c00275c', 'null', NULL, CAST(X'6f6bff' AS TEXT)),"
      "(5, 'x', 0.000015, -9e999, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
      "(41, 'not in the source', 1, 2.5, NULL, NULL, NULL, NULL, NULL, NULL, NULL);");
  write_file(dir / "kinds.mig",
             "plan kinds\nsource src = sqlite(\"source.db\")\ntarget dst = sqlite(\"target.db\")\n"
             "copy src.`" + kTable + "` -> dst.`" + kTable + "` {\n  map { * }\n"
             "  on conflict update\n  batch 7\n}\n");
}

std::string kinds(const fs::path& db) {
  return Db(db).dump("SELECT *, typeof(\"na'me\"), typeof(price), typeof(ratio), typeof(data) FROM " +
                     kQuoted + " ORDER BY id");
}

void copy_db(const fs::path& from, const fs::path& to) {
  for (const char* suffix : {"", "-wal"})
    if (fs::exists(from.string() + suffix))
      fs::copy_file(from.string() + suffix, to.string() + suffix, fs::copy_options::overwrite_existing);
}

}  // namespace

TEST_CASE("rollback: the run's rollback.sql applied with sqlite3 gives the pre-run content",
          "[migrun][rollback]") {
  REQUIRE(std::system("sqlite3 -version > /dev/null 2>&1") == 0);  // the shell is needed
  TempDir dir("rb_sql");
  make_kinds_case(dir.path());
  const std::string before = kinds(dir / "target.db");
  Outcome run = run_migrun(dir.path(), {"kinds.mig", "--quiet"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  REQUIRE(kinds(dir / "target.db") != before);
  fs::path script = dir / "reports/kinds/1/rollback.sql";
  REQUIRE(fs::exists(script));
  std::string sql = slurp(script);
  CHECK(contains(sql, "DELETE FROM " + kQuoted + " WHERE \"id\" BETWEEN "));
  CHECK(contains(sql, "ON CONFLICT (\"id\") DO UPDATE SET \"na'me\" = excluded.\"na'me\""));

  // `rollback --sql` prints the same script and changes nothing.
  Outcome printed = run_migrun(dir.path(), {"rollback", "kinds.mig", "--sql"});
  INFO(printed.err);
  CHECK(printed.exit_code == 0);
  CHECK(printed.out == sql);

  copy_db(dir / "target.db", dir / "by_sql.db");
  std::string command = "sqlite3 -bail '" + (dir / "by_sql.db").string() + "' < '" + script.string() +
                        "' 2> '" + (dir / "sqlite3.err").string() + "'";
  int rc = std::system(command.c_str());
  INFO(slurp(dir / "sqlite3.err"));
  REQUIRE(rc == 0);
  CHECK(kinds(dir / "by_sql.db") == before);

  Outcome rb = run_migrun(dir.path(), {"rollback", "kinds.mig", "--yes"});
  INFO(rb.err);
  REQUIRE(rb.exit_code == 0);
  CHECK(kinds(dir / "target.db") == before);
}

// ---- validate ----------------------------------------------------------------------------

TEST_CASE("validate: expects are evaluated against the data as it is now", "[migrun][rollback]") {
  TempDir dir("validate");
  make_case(dir.path(), 3000,
            "  expect unique(name)\n  expect not_null(price)\n  expect count == source\n");
  Db(dir / "target.db").exec("DELETE FROM items");  // no `OLD` rows: names are unique
  REQUIRE(run_migrun(dir.path(), {"items.mig", "--quiet"}).exit_code == 0);
  const std::string target = items(dir.path());

  Outcome good = run_migrun(dir.path(), {"validate", "items.mig"});
  INFO(good.err);
  CHECK(good.exit_code == 0);
  CHECK(contains(good.out, "plan items, run 2 (validate): succeeded"));
  CHECK(contains(good.out, "ok    expect unique(name) [items]: 0 value(s) of (name) appear more than once"));
  CHECK(contains(good.out, "reports: reports/items/2"));
  auto report = nlohmann::json::parse(slurp(dir / "reports/items/2/validation.json"));
  REQUIRE(report.size() == 3);
  for (const auto& e : report) CHECK(e["passed"] == true);
  CHECK(items(dir.path()) == target);  // nothing copied

  Db(dir / "target.db").exec("UPDATE items SET name = 'ITEM 2' WHERE id = 1; UPDATE items SET price = NULL WHERE id = 4");
  Outcome bad = run_migrun(dir.path(), {"validate", "items.mig", "--format", "json"});
  INFO(bad.err);
  CHECK(bad.exit_code == 1);
  auto j = nlohmann::json::parse(bad.out);
  CHECK(j["status"] == "failed");
  CHECK(j["run"] == 3);
  REQUIRE(j["validation"].size() == 3);
  CHECK(j["validation"][0]["passed"] == false);
  CHECK(j["validation"][0]["details"] == "1 value(s) of (name) appear more than once");
  CHECK(j["validation"][1]["passed"] == false);
  CHECK(j["validation"][2]["passed"] == true);
  CHECK(fs::exists(dir / "reports/items/3/validation.json"));
  CHECK(state_value(dir.path(), "SELECT count(*) FROM validations WHERE run_id = 3 AND passed = 0") == "2");
  CHECK(state_value(dir.path(), "SELECT status FROM runs WHERE id = 3") == "'failed'");
}
