// Guarantee 1 of RUNTIME.md, tested for real: a SQLite -> SQLite copy of 100k rows (a
// `where` that drops rows, a `map` that changes columns, a `check` that rejects a few) is
// killed with SIGKILL at random moments and resumed each time with the same command; the
// end must equal an uninterrupted run's: target content, counters, rejects, written keys.
// The same is repeated MariaDB -> PostgreSQL on the servers of tests/servers.sh.
// The seed is printed; MIG_CRASH_SEED=N reproduces a failing sequence.
#include <catch2/catch.hpp>

#include <functional>
#include <iostream>
#include <random>
#include <set>

#include "tests/run_helpers.hpp"
#include "tests/server_helpers.hpp"

using namespace mig::test;

namespace {

constexpr int kRows = 100000;
constexpr int kKills = 16;

// Where the case's data lives: `make` builds the source, the target and crash.mig in a
// folder, `target` reads the whole target table back in key order.
struct Backend {
  std::string name;
  std::function<void(const fs::path& dir, const std::string& policy, const std::string& tag)> make;
  std::function<std::string(const fs::path& dir, const std::string& tag)> target;
};

Backend sqlite_backend() {
  return {"SQLite -> SQLite",
          [](const fs::path& dir, const std::string& policy, const std::string&) {
            make_items_source(dir / "source.db", kRows);
            make_items_target(dir / "target.db", policy != "fail");
            write_file(dir / "crash.mig", items_plan("crash", policy));
          },
          [](const fs::path& dir, const std::string&) { return table_content(dir / "target.db", "items"); }};
}

// The same rows, from MariaDB into PostgreSQL: one database each per `tag`.
Backend server_backend() {
  return {"MariaDB -> PostgreSQL",
          [](const fs::path& dir, const std::string& policy, const std::string& tag) {
            setenv(("URL_" + tag + "_src").c_str(), fresh_mariadb_database(tag + "_src").c_str(), 1);
            mariadb_sql(tag + "_src",
                        "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, qty INT NOT NULL,"
                        " price DECIMAL(10,2)); INSERT INTO items SELECT seq, CONCAT('item ', seq),"
                        " IF(seq % 997 = 0, -seq, seq % 50), (seq % 1000) / 100 FROM seq_1_to_" +
                            std::to_string(kRows) + ";");
            setenv(("URL_" + tag + "_dst").c_str(), fresh_pg_database(tag + "_dst").c_str(), 1);
            pg_sql(tag + "_dst",
                   "CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, qty integer NOT NULL,"
                   " price numeric(10,2), doubled integer);" +
                       std::string(policy != "fail" ? " INSERT INTO items SELECT i, 'OLD', -1, NULL, NULL"
                                                      " FROM generate_series(1, 5006, 7) i;" : ""));
            std::string plan = items_plan("crash", policy);
            plan.replace(plan.find("sqlite(\"source.db\")"), 20, "mariadb(env(\"URL_" + tag + "_src\"))");
            plan.replace(plan.find("sqlite(\"target.db\")"), 20, "postgres(env(\"URL_" + tag + "_dst\"))");
            write_file(dir / "crash.mig", plan);
          },
          [](const fs::path&, const std::string& tag) {
            return pg_sql(tag + "_dst", "SELECT id, name, qty, price, doubled FROM items ORDER BY id");
          }};
}

// What must come out the same, read from the target and the state store.
struct Final {
  std::string target;   // the whole table in key order
  std::string task;     // state and counters: read|written|rejected|skipped
  std::string rejects;  // every rejected key over all runs, sorted
  std::string written;  // every written key over all runs, sorted
  long long duplicate_rejects = 0, duplicate_written = 0;
};

Final collect(const Backend& b, const fs::path& dir, const std::string& tag) {
  Final r;
  r.target = b.target(dir, tag);
  Db state(dir / ".mig/state/crash.default.db");
  r.task = state.dump(
      "SELECT state, rows_read, rows_written, rows_rejected, rows_skipped FROM tasks"
      " WHERE task = 'items'");
  r.rejects = state.dump("SELECT key, label FROM rejects WHERE task = 'items' ORDER BY key");
  r.written = state.dump(std::string("SELECT key, action FROM ") + kWrittenKeys + " WHERE task = 'items' ORDER BY key");
  r.duplicate_rejects =
      state.scalar("SELECT count(*) - count(DISTINCT key) FROM rejects WHERE task = 'items'");
  r.duplicate_written =
      state.scalar(std::string("SELECT count(*) - count(DISTINCT key) FROM ") + kWrittenKeys + " WHERE task = 'items'");
  return r;
}

// Rows of the task read so far, as the state store has them (0 before the first batch).
long long rows_read(const fs::path& dir) {
  if (!fs::exists(dir / ".mig/state/crash.default.db")) return 0;
  try {
    Db state(dir / ".mig/state/crash.default.db");
    return state.scalar("SELECT rows_read FROM tasks WHERE task = 'items'");
  } catch (const std::exception&) {
    return 0;  // killed before it made its tables
  }
}

const std::vector<std::string> kArgs{"crash.mig", "--quiet"};

// How long a run takes: `startup_ms` before its first batch (timed on a run that finds
// nothing left to do), `copy_ms` for the rows.
struct Timing {
  double startup_ms = 0, copy_ms = 0;
};

double time_run_ms(const fs::path& dir) {
  auto t0 = std::chrono::steady_clock::now();
  Outcome o = run_migrun(dir, kArgs);
  INFO(o.err);
  REQUIRE(o.exit_code == 0);
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// What the kills hit.
struct Kills {
  int landed = 0;    // a live process got the SIGKILL
  int mid_copy = 0;  // ... and the state then held some rows but not all
};

// When to kill run `k`: every fourth run at a random moment of its startup (compile,
// connect, state store, recovery); the others after a random delay once the copy has
// reached the k-th step of the way, so that kills spread over the whole copy on a slow
// machine as on a fast one, and land anywhere inside a batch.
void wait_for_moment(const fs::path& dir, pid_t pid, int k, const Timing& timing,
                     std::mt19937& rng) {
  auto uniform = [&](double hi) { return std::uniform_real_distribution<double>(0.0, hi)(rng); };
  double delay_ms = uniform(2 * timing.startup_ms);
  if (k % 4 != 0) {
    long long goal = (kRows - kRows / 10) * (k + 1) / (kKills + 1);
    int status = 0;
    wait_until([&] { return rows_read(dir) >= goal || has_exited(pid, status); });
    delay_ms = uniform(2 * timing.copy_ms / 90);  // up to two batches' time
  }
  std::this_thread::sleep_for(std::chrono::microseconds(int64_t(delay_ms * 1000)));
}

// Kills the run `kKills` times at random moments, resuming each time with the same command.
Kills kill_and_resume(const fs::path& dir, const Timing& timing, std::mt19937& rng) {
  Kills kills;
  std::ostringstream seen;
  for (int k = 0; k < kKills; ++k) {
    Spawned s = spawn_migrun(dir, kArgs, "kill" + std::to_string(k));
    wait_for_moment(dir, s.pid, k, timing, rng);
    int status = 0;
    if (!has_exited(s.pid, status)) {
      ::kill(s.pid, SIGKILL);
      status = wait_exit(s.pid);
    }
    INFO("kill " << k << ": " << slurp(s.err));
    CHECK((status == 128 + SIGKILL || status == 0));
    long long read = rows_read(dir);
    if (status == 128 + SIGKILL) ++kills.landed;
    if (status == 128 + SIGKILL && read > 0 && read < kRows - kRows / 10) ++kills.mid_copy;
    seen << read << (status == 0 ? "(done) " : " ");
  }
  std::cout << "  rows read after each kill: " << seen.str() << "\n";
  return kills;
}

// What the plan must leave in the target table, counted from the generator's formulas:
// rows in all, and rows still 'OLD' (pre-existing ones it did not overwrite).
struct Expected {
  long long rows = 0, old = 0, rejected = 0;
};
Expected expected_rows(const std::string& policy) {
  std::set<long long> converted, pre;
  Expected e;
  for (long long i = 1; i <= kRows; ++i) {
    if (i % 10 == 3) continue;           // the `where`
    if (i % 997 == 0) ++e.rejected;      // a negative qty: the `check`
    else converted.insert(i);
  }
  if (policy != "fail")
    for (long long i = 1; i <= 5006; i += 7) pre.insert(i);  // make_items_target's rows
  std::set<long long> all = converted;
  all.insert(pre.begin(), pre.end());
  e.rows = static_cast<long long>(all.size());
  for (long long i : pre)
    if (policy == "skip" || !converted.count(i)) ++e.old;
  return e;
}

void crash_under_policy(const Backend& b, const std::string& policy, unsigned seed) {
  std::mt19937 rng(seed);
  TempDir ref("crash_ref_" + policy), crash("crash_" + policy);
  std::string tag = b.name[0] == 'S' ? "" : "crash_" + policy;
  b.make(ref.path(), policy, tag + "_ref");
  b.make(crash.path(), policy, tag);

  Timing timing;
  double whole_ms = time_run_ms(ref.path());
  timing.startup_ms = time_run_ms(ref.path());  // all done: only the startup is left
  timing.copy_ms = std::max(1.0, whole_ms - timing.startup_ms);
  std::cout << "crash test " << b.name << ", on conflict " << policy << ": seed " << seed << " (MIG_CRASH_SEED), run "
            << int(whole_ms) << " ms, startup " << int(timing.startup_ms) << " ms\n";
  INFO("policy " << policy << ", seed " << seed);

  Kills kills = kill_and_resume(crash.path(), timing, rng);
  Outcome last = run_migrun(crash.path(), kArgs, "final");
  INFO("final run: " << last.err);
  REQUIRE(last.exit_code == 0);
  // Else the test proved little: the runs ended before the kills.
  CHECK(kills.landed >= kKills / 2);
  CHECK(kills.mid_copy >= kKills / 2);

  Final want = collect(b, ref.path(), tag + "_ref"), got = collect(b, crash.path(), tag);
  // The uninterrupted run itself did what the plan says, so that equality means something.
  Expected e = expected_rows(policy);
  long long old = 0;
  for (size_t at = 0; (at = want.target.find("OLD", at)) != std::string::npos; ++at) ++old;
  CHECK(std::count(want.target.begin(), want.target.end(), '\n') == e.rows);
  CHECK(old == e.old);
  CHECK(std::count(want.rejects.begin(), want.rejects.end(), '\n') == e.rejected);
  CHECK(want.target.find("ITEM 12") != std::string::npos);
  CHECK(got.target == want.target);
  CHECK(got.task == want.task);
  CHECK(got.rejects == want.rejects);
  CHECK(got.written == want.written);
  CHECK(got.duplicate_rejects == 0);
  CHECK(got.duplicate_written == 0);
  CHECK(want.task.rfind("'completed'|", 0) == 0);
}

unsigned crash_seed() {
  const char* env = std::getenv("MIG_CRASH_SEED");
  return env ? unsigned(std::stoul(env)) : 20240611u;
}

}  // namespace

TEST_CASE("crash: kill -9 and resume equals an uninterrupted run under on conflict fail",
          "[migrun][crash]") {
  crash_under_policy(sqlite_backend(), "fail", crash_seed());
}

TEST_CASE("crash: kill -9 and resume equals an uninterrupted run under on conflict skip",
          "[migrun][crash]") {
  crash_under_policy(sqlite_backend(), "skip", crash_seed() + 1);
}

TEST_CASE("crash: kill -9 and resume equals an uninterrupted run under on conflict update",
          "[migrun][crash]") {
  crash_under_policy(sqlite_backend(), "update", crash_seed() + 2);
}

TEST_CASE("crash: MariaDB to PostgreSQL, kill -9 and resume under on conflict fail",
          "[migrun][crash][postgres][mariadb]") {
  crash_under_policy(server_backend(), "fail", crash_seed() + 3);
}

TEST_CASE("crash: MariaDB to PostgreSQL, kill -9 and resume under on conflict skip",
          "[migrun][crash][postgres][mariadb]") {
  crash_under_policy(server_backend(), "skip", crash_seed() + 4);
}

TEST_CASE("crash: MariaDB to PostgreSQL, kill -9 and resume under on conflict update",
          "[migrun][crash][postgres][mariadb]") {
  crash_under_policy(server_backend(), "update", crash_seed() + 5);
}
