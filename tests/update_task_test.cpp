// `update` tasks (LANGUAGE.md section 5, seed 002): uuid5 ids added beside string ids, in
// small batches, on SQLite, PostgreSQL and MariaDB. The rows change in place (never an
// INSERT: the NOT NULL columns the task does not set stay as they were), a row deleted
// between read and write is skipped, `migrun rollback` gives the exact pre-run content
// back, and a run killed with SIGKILL then resumed ends with the content of an
// uninterrupted one. Content is compared as whole-table dumps in key order, read by the
// engines' own clients (psql, mariadb, the sqlite3 C API).
#include <catch2/catch.hpp>

#include <functional>
#include <iostream>
#include <random>

#include "runtime/connect.hpp"
#include "runtime/value_text.hpp"
#include "tests/eval_helpers.hpp"
#include "tests/run_helpers.hpp"
#include "tests/server_helpers.hpp"

using namespace mig::test;

namespace {

constexpr int kRows = 3000;
constexpr int kBatch = 100;
constexpr const char* kNamespace = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
constexpr const char* kKept = "11111111-1111-1111-1111-111111111111";  // every 50th row's uid
const fs::path kState = ".mig/state/upd.default.db";

std::string id_of(int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "u%05d", i);
  return buf;
}

// What the task sets, computed by mig's own evaluator (checked against Python's uuid5 in
// the first test case).
std::string uuid5_of(const std::string& id) {
  std::string shown = evaltest::ev(std::string("uuid5('") + kNamespace + "', '" + id + "')");
  REQUIRE(shown.rfind("uuid ", 0) == 0);
  return shown.substr(5);
}

// Each row as `id|name|uid|note`, in id order, before and after the task.
std::string expected(bool updated) {
  std::string out;
  for (int i = 1; i <= kRows; ++i) {
    std::string id = id_of(i);
    std::string uid = i % 50 == 0 ? kKept : updated ? uuid5_of(id) : "NULL";
    out += id + "|name " + std::to_string(i) + "|" + uid + "|n" + std::to_string(i % 7) + "\n";
  }
  return out;
}

// The plan: only rows without a uid (the every-50th rows keep theirs).
std::string plan_for(const std::string& connector) {
  return "plan upd\n"
         "target app = " + connector + "\n"
         "update app.users {\n"
         "  where uid is null\n"
         "  set { uid = uuid5(\"" + std::string(kNamespace) + "\", id) }\n"
         "  batch " + std::to_string(kBatch) + "\n"
         "}\n";
}

// One engine: `make` creates the users table (kRows rows) and upd.mig in a folder, `dump`
// reads the table back as expected() spells it, `sql` runs a statement, `spec` reaches it
// through a connector.
struct Engine {
  std::string name;
  std::function<void(const fs::path& dir)> make;
  std::function<std::string()> dump;
  std::function<void(const std::string& sql)> sql;
  std::function<mig::ConnectorSpec()> spec;
};

mig::ConnectorSpec spec_of(const std::string& kind, const std::string& location) {
  mig::ConnectorSpec s;
  s.kind = kind;
  s.location = location;
  return s;
}

Engine sqlite_engine(const fs::path& dir) {
  fs::path db = dir / "app.db";
  return {"SQLite",
          [db](const fs::path& d) {
            Db(db).exec(
                "CREATE TABLE users (id TEXT PRIMARY KEY, name TEXT NOT NULL, uid TEXT, note TEXT NOT NULL);"
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
                std::to_string(kRows) +
                ") INSERT INTO users SELECT printf('u%05d', i), 'name ' || i, CASE WHEN i % 50 = 0 THEN '" +
                kKept + "' END, 'n' || (i % 7) FROM n;");
            write_file(d / "upd.mig", plan_for("sqlite(\"app.db\")"));
          },
          [db] {
            std::string raw = Db(db).dump(
                "SELECT id || '|' || name || '|' || coalesce(uid, 'NULL') || '|' || note FROM users ORDER BY id");
            std::string out;  // Db::dump quotes text: `'a|b'` lines
            std::istringstream lines(raw);
            for (std::string line; std::getline(lines, line);)
              out += line.substr(1, line.size() - 2) + "\n";
            return out;
          },
          [db](const std::string& sql) { Db(db).exec(sql); },
          [db] { return spec_of("sqlite", db.string()); }};
}

Engine pg_engine(const std::string& tag) {
  return {"PostgreSQL",
          [tag](const fs::path& d) {
            std::string url = fresh_pg_database(tag);
            setenv(("URL_" + tag).c_str(), url.c_str(), 1);
            pg_sql(tag,
                   "CREATE TABLE users (id text PRIMARY KEY, name text NOT NULL, uid uuid, note text NOT NULL);"
                   "INSERT INTO users SELECT 'u' || lpad(i::text, 5, '0'), 'name ' || i, CASE WHEN i % 50 = 0"
                   " THEN '" + std::string(kKept) + "'::uuid END, 'n' || (i % 7) FROM generate_series(1, " +
                       std::to_string(kRows) + ") i;");
            write_file(d / "upd.mig", plan_for("postgres(env(\"URL_" + tag + "\"))"));
          },
          [tag] {
            return pg_sql(tag, "SELECT id || '|' || name || '|' || coalesce(uid::text, 'NULL') || '|' || note"
                               " FROM users ORDER BY id");
          },
          [tag](const std::string& sql) { pg_sql(tag, sql); },
          [tag] { return spec_of("postgres", pg_url(tag)); }};
}

Engine mariadb_engine(const std::string& tag) {
  return {"MariaDB",
          [tag](const fs::path& d) {
            std::string url = fresh_mariadb_database(tag);
            setenv(("URL_" + tag).c_str(), url.c_str(), 1);
            mariadb_sql(tag,
                        "CREATE TABLE users (id VARCHAR(20) PRIMARY KEY, name VARCHAR(40) NOT NULL, uid CHAR(36),"
                        " note VARCHAR(10) NOT NULL) ENGINE=InnoDB;"
                        "INSERT INTO users SELECT CONCAT('u', LPAD(seq, 5, '0')), CONCAT('name ', seq),"
                        " IF(seq % 50 = 0, '" + std::string(kKept) + "', NULL), CONCAT('n', seq % 7)"
                        " FROM seq_1_to_" + std::to_string(kRows) + ";");
            write_file(d / "upd.mig", plan_for("mariadb(env(\"URL_" + tag + "\"))"));
          },
          [tag] {
            return mariadb_sql(tag, "SELECT CONCAT_WS('|', id, name, coalesce(uid, 'NULL'), note) FROM users"
                                    " ORDER BY id");
          },
          [tag](const std::string& sql) { mariadb_sql(tag, sql); },
          [tag] { return spec_of("mariadb", mariadb_url(tag)); }};
}

long long state_scalar(const fs::path& dir, const std::string& sql) {
  if (!fs::exists(dir / kState)) return 0;
  try {
    return Db(dir / kState).scalar(sql);
  } catch (const std::exception&) {
    return 0;  // killed before it made its tables
  }
}

long long rows_read(const fs::path& dir) { return state_scalar(dir, "SELECT coalesce(sum(rows_read), 0) FROM tasks"); }

// The run: exact content after, every written key an update with a before-image, then the
// rollback: exact content before.
void check_run_and_rollback(const Engine& e, const fs::path& dir) {
  INFO(e.name);
  e.make(dir);
  const std::string before = expected(false);
  REQUIRE(e.dump() == before);

  auto t0 = std::chrono::steady_clock::now();
  Outcome run = run_migrun(dir, {"upd.mig", "--quiet"});
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(e.dump() == expected(true));
  const long long changed = kRows - kRows / 50;
  Db state(dir / kState);
  CHECK(state.dump("SELECT rows_read, rows_written, rows_rejected, rows_skipped FROM tasks") ==
        std::to_string(changed) + "|" + std::to_string(changed) + "|0|0\n");
  CHECK(state.scalar("SELECT count(*) FROM written_keys WHERE action = 'updated' AND before_image IS NOT NULL") ==
        changed);
  CHECK(state.scalar("SELECT count(*) FROM written_keys WHERE action <> 'updated'") == 0);
  std::cout << "update task on " << e.name << ": " << changed << " rows in batches of " << kBatch << ", "
            << int(ms) << " ms (" << int(double(changed) / ms * 1000) << " rows/s, with startup)\n";

  Outcome rb = run_migrun(dir, {"rollback", "upd.mig", "--yes", "--quiet"}, "rollback");
  INFO(rb.err);
  REQUIRE(rb.exit_code == 0);
  CHECK(e.dump() == before);
  CHECK(state.dump("SELECT deleted, absent, restored, reinserted FROM rollback_tasks") ==
        "0|0|" + std::to_string(changed) + "|0\n");
}

// Killed with SIGKILL a few times (after some batches, at a random moment), resumed, run to
// the end: the content of an uninterrupted run, every row updated once.
void check_kill_and_resume(const Engine& e, const fs::path& dir) {
  INFO(e.name);
  e.make(dir);
  std::mt19937 rng(20261123u);
  const long long total = kRows - kRows / 50;
  int landed = 0, mid = 0;
  for (int k = 0; k < 3; ++k) {
    Spawned s = spawn_migrun(dir, {"upd.mig", "--quiet"}, "kill" + std::to_string(k));
    long long goal = total * (k + 1) / 4;
    int status = 0;
    wait_until([&] { return rows_read(dir) >= goal || has_exited(s.pid, status); });
    std::this_thread::sleep_for(
        std::chrono::microseconds(std::uniform_int_distribution<int>(0, 20000)(rng)));
    if (!has_exited(s.pid, status)) {
      ::kill(s.pid, SIGKILL);
      status = wait_exit(s.pid);
    }
    INFO("kill " << k << ": " << slurp(s.err));
    CHECK((status == 128 + SIGKILL || status == 0));
    long long done = rows_read(dir);
    if (status == 128 + SIGKILL) ++landed;
    if (status == 128 + SIGKILL && done > 0 && done < total) ++mid;
  }
  Outcome last = run_migrun(dir, {"upd.mig", "--quiet"}, "final");
  INFO(last.err);
  REQUIRE(last.exit_code == 0);
  CHECK(landed >= 1);
  CHECK(mid >= 1);
  CHECK(e.dump() == expected(true));
  Db state(dir / kState);
  CHECK(state.scalar("SELECT rows_written FROM tasks") == total);
  CHECK(state.scalar("SELECT count(*) - count(DISTINCT key) FROM written_keys") == 0);
  CHECK(state.scalar("SELECT count(*) FROM written_keys") == total);
}

mig::Value uuid_value(const std::string& text) {
  mig::Result<mig::Value> v = mig::parse_value(text, mig::ValueKind::uuid);
  REQUIRE(v.ok());
  return *v;
}

// The connector's update mode itself: rows whose key is there are updated (the set
// columns only) with before-images, a key that is gone is skipped and never inserted.
void check_update_mode(const Engine& e, const fs::path& dir) {
  INFO(e.name);
  e.make(dir);
  auto c = mig::connect(e.spec());
  REQUIRE(c.ok());
  mig::WriteRequest req{"", "users", {"id"}, mig::ConflictPolicy::fail};
  req.update_only = true;
  mig::Batch b{{"id", "uid"},
               {{mig::Value::text("u00001"), uuid_value(uuid5_of("u00001"))},
                {mig::Value::text("gone"), uuid_value(uuid5_of("gone"))},
                {mig::Value::text("u00050"), mig::Value()},
                {mig::Value::text("u00002"), uuid_value(uuid5_of("u00002"))}},
               {}};
  REQUIRE((*c)->begin().ok());
  mig::Result<mig::WriteOutcome> w = (*c)->write(req, b);
  INFO((w.ok() ? "" : w.error().message));
  REQUIRE(w.ok());
  CHECK(w->inserted == 0);
  CHECK(w->updated == 3);
  CHECK(w->skipped == std::vector<size_t>{1});
  CHECK(w->refused.empty());
  REQUIRE(w->before.size() == 3);
  CHECK(w->before[0].first == 0);
  CHECK(w->before[0].second.size() == 2);
  CHECK(mig::to_text(w->before[0].second[0]) == "u00001");
  CHECK(w->before[0].second[1].is_null());
  CHECK(w->before[1].first == 2);
  CHECK(mig::to_text(w->before[1].second[1]) == kKept);
  CHECK(w->before[2].first == 3);
  REQUIRE((*c)->commit(mig::CommitMarker{"p", "default", "t", 1}, "{}").ok());
  std::string after = e.dump();
  CHECK(after.find("gone") == std::string::npos);
  CHECK(after.find("u00001|name 1|" + uuid5_of("u00001") + "|n1\n") != std::string::npos);
  CHECK(after.find("u00050|name 50|NULL|n1\n") != std::string::npos);

  // No key: refused before any SQL.
  mig::WriteRequest keyless{"", "users", {}, mig::ConflictPolicy::fail};
  keyless.update_only = true;
  REQUIRE((*c)->begin().ok());
  mig::Result<mig::WriteOutcome> none = (*c)->write(keyless, b);
  REQUIRE_FALSE(none.ok());
  CHECK_THAT(none.error().message, Catch::Contains("needs a key to find its rows"));
  REQUIRE((*c)->rollback().ok());
}

}  // namespace

TEST_CASE("update task on SQLite: uuid5 beside string ids in place, then rolled back exactly", "[update]") {
  CHECK(uuid5_of("u00001") == "6e65be1a-ac64-50c5-a841-00bab067936c");  // Python's uuid.uuid5
  TempDir dir("upd_sqlite");
  check_run_and_rollback(sqlite_engine(dir.path()), dir.path());
}

TEST_CASE("update task on SQLite: a run killed with SIGKILL and resumed updates every row once", "[update]") {
  TempDir dir("upd_sqlite_kill");
  check_kill_and_resume(sqlite_engine(dir.path()), dir.path());
}

TEST_CASE("update mode of the SQLite connector: absent keys skipped, before-images of the set columns",
          "[update]") {
  TempDir dir("upd_sqlite_mode");
  check_update_mode(sqlite_engine(dir.path()), dir.path());
}

TEST_CASE("update task on SQLite: a row deleted between read and write is skipped, not re-inserted",
          "[update]") {
  TempDir dir("upd_sqlite_gone");
  Engine e = sqlite_engine(dir.path());
  e.make(dir.path());
  // Writing u00101 deletes u00102, which the same batch has already read.
  e.sql("CREATE TRIGGER gone AFTER UPDATE OF uid ON users WHEN NEW.id = 'u00101'"
        " BEGIN DELETE FROM users WHERE id = 'u00102'; END;");
  Outcome run = run_migrun(dir.path(), {"upd.mig", "--quiet"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  std::string want = expected(true);
  size_t at = want.find("u00102|");
  want.erase(at, want.find('\n', at) + 1 - at);
  CHECK(e.dump() == want);
  Db state(dir / kState);
  const long long changed = kRows - kRows / 50;
  CHECK(state.dump("SELECT rows_read, rows_written, rows_skipped FROM tasks") ==
        std::to_string(changed) + "|" + std::to_string(changed - 1) + "|1\n");
  CHECK(state.scalar("SELECT count(*) FROM written_keys WHERE key LIKE '%u00102%'") == 0);

  // The rollback restores the rows the run updated; the deleted one stays deleted.
  Outcome rb = run_migrun(dir.path(), {"rollback", "upd.mig", "--yes", "--quiet"}, "rollback");
  INFO(rb.err);
  REQUIRE(rb.exit_code == 0);
  std::string before = expected(false);
  at = before.find("u00102|");
  before.erase(at, before.find('\n', at) + 1 - at);
  CHECK(e.dump() == before);
}

TEST_CASE("update task on PostgreSQL: in place, rolled back exactly, killed and resumed", "[update][servers]") {
  TempDir a("upd_pg"), b("upd_pg_kill"), c("upd_pg_mode");
  check_run_and_rollback(pg_engine("upd_pg"), a.path());
  check_kill_and_resume(pg_engine("upd_pg_kill"), b.path());
  check_update_mode(pg_engine("upd_pg_mode"), c.path());
}

TEST_CASE("update task on MariaDB: in place, rolled back exactly, killed and resumed", "[update][servers]") {
  TempDir a("upd_my"), b("upd_my_kill"), c("upd_my_mode");
  check_run_and_rollback(mariadb_engine("upd_my"), a.path());
  check_kill_and_resume(mariadb_engine("upd_my_kill"), b.path());
  check_update_mode(mariadb_engine("upd_my_mode"), c.path());
}

TEST_CASE("update task on a CSV connection is refused, the file untouched", "[update]") {
  TempDir dir("upd_csv");
  write_file(dir / "data/users.csv", "id,name,uid\na,x,\nb,y,\n");
  write_file(dir / "upd.mig",
             "plan upd\ntarget app = csv(\"data\")\nupdate app.users {\n  key id\n"
             "  set { uid = uuid5(\"" + std::string(kNamespace) + "\", id) }\n}\n");
  Outcome run = run_migrun(dir.path(), {"upd.mig", "--quiet"});
  INFO(run.err);
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.err, Catch::Contains("csv connections are read-only"));
  CHECK(slurp(dir / "data/users.csv") == "id,name,uid\na,x,\nb,y,\n");
}
