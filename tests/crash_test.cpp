// Guarantee 1 of RUNTIME.md, tested for real: a SQLite -> SQLite copy of 100k rows (a
// `where` that drops rows, a `map` that changes columns, a `check` that rejects a few) is
// killed with SIGKILL at random moments and resumed each time with the same command; the
// end must equal an uninterrupted run's: target content, counters, rejects, written keys.
// The seed is printed; MIG_CRASH_SEED=N reproduces a failing sequence.
#include <catch2/catch.hpp>

#include <iostream>
#include <random>

#include "tests/run_helpers.hpp"

using namespace mig::test;

namespace {

constexpr int kRows = 100000;
constexpr int kKills = 10;

// A folder with the source, the target and the plan, ready to run.
void make_case(const fs::path& dir, const std::string& policy) {
  make_items_source(dir / "source.db", kRows);
  make_items_target(dir / "target.db", policy != "fail");
  write_file(dir / "crash.mig", items_plan("crash", policy));
}

// What must come out the same, read from the target and the state store.
struct Final {
  std::string target;   // the whole table in key order
  std::string task;     // state and counters: read|written|rejected|skipped
  std::string rejects;  // every rejected key over all runs, sorted
  std::string written;  // every written key over all runs, sorted
  long long duplicate_rejects = 0, duplicate_written = 0;
};

Final collect(const fs::path& dir) {
  Final r;
  r.target = table_content(dir / "target.db", "items");
  Db state(dir / ".mig/state/crash.default.db");
  r.task = state.dump(
      "SELECT state, rows_read, rows_written, rows_rejected, rows_skipped FROM tasks"
      " WHERE task = 'items'");
  r.rejects = state.dump("SELECT key, label FROM rejects WHERE task = 'items' ORDER BY key");
  r.written = state.dump("SELECT key, action FROM written_keys WHERE task = 'items' ORDER BY key");
  r.duplicate_rejects =
      state.scalar("SELECT count(*) - count(DISTINCT key) FROM rejects WHERE task = 'items'");
  r.duplicate_written =
      state.scalar("SELECT count(*) - count(DISTINCT key) FROM written_keys WHERE task = 'items'");
  return r;
}

// Rows of the task read so far, as the state store has them (0 before the first batch).
long long rows_read(const fs::path& dir) {
  if (!fs::exists(dir / ".mig/state/crash.default.db")) return 0;
  Db state(dir / ".mig/state/crash.default.db");
  return state.scalar("SELECT rows_read FROM tasks WHERE task = 'items'");
}

const std::vector<std::string> kArgs{"crash.mig", "--quiet"};

// Kills the run `kKills` times at random moments, resuming each time, then lets it
// finish. Returns how many kills hit a live process.
int kill_and_resume(const fs::path& dir, double typical_ms, std::mt19937& rng) {
  // Each resumed run has less left to do: spread the kills so that most land mid-run.
  std::uniform_real_distribution<double> delay(0.0, 2.5 * typical_ms / kKills);
  int landed = 0;
  std::vector<long long> progress;
  for (int k = 0; k < kKills; ++k) {
    Spawned s = spawn_migrun(dir, kArgs, "kill" + std::to_string(k));
    auto ms = std::chrono::microseconds(int64_t(delay(rng) * 1000));
    std::this_thread::sleep_for(ms);
    int status = 0;
    if (!has_exited(s.pid, status)) {
      ::kill(s.pid, SIGKILL);
      status = wait_exit(s.pid);
      if (status == 128 + SIGKILL) ++landed;
    }
    INFO("kill " << k << " after " << ms.count() / 1000 << " ms: " << slurp(s.err));
    CHECK((status == 128 + SIGKILL || status == 0));
    progress.push_back(rows_read(dir));
  }
  std::ostringstream seen;
  for (long long p : progress) seen << p << ' ';
  std::cout << "  rows read after each kill: " << seen.str() << "\n";
  return landed;
}

void crash_under_policy(const std::string& policy, unsigned seed) {
  std::mt19937 rng(seed);
  TempDir ref("crash_ref_" + policy), crash("crash_" + policy);
  make_case(ref.path(), policy);
  make_case(crash.path(), policy);

  auto t0 = std::chrono::steady_clock::now();
  Outcome whole = run_migrun(ref.path(), kArgs);
  double typical_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  INFO("policy " << policy << ", seed " << seed << ", uninterrupted run took " << typical_ms << " ms");
  REQUIRE(whole.exit_code == 0);
  std::cout << "crash test, on conflict " << policy << ": seed " << seed
            << ", uninterrupted run " << int(typical_ms) << " ms\n";

  int landed = kill_and_resume(crash.path(), typical_ms, rng);
  Outcome last = run_migrun(crash.path(), kArgs, "final");
  INFO("final run: " << last.err);
  REQUIRE(last.exit_code == 0);
  CHECK(landed >= kKills / 2);  // else the test proved little: the runs were too quick

  Final want = collect(ref.path()), got = collect(crash.path());
  // The uninterrupted run itself did what the plan says, so that equality means something.
  Db target(ref / "target.db");
  target.exec("ATTACH '" + (ref / "source.db").string() + "' AS s");
  const std::string selected = "SELECT id FROM s.items WHERE id % 10 != 3 AND qty >= 0";
  long long converted = target.scalar(
      "SELECT count(*) FROM items JOIN s.items USING (id) WHERE items.name = upper(s.items.name)"
      " AND items.doubled = 2 * s.items.qty");
  long long kept_old = target.scalar("SELECT count(*) FROM items WHERE name = 'OLD' AND id IN (" + selected + ")");
  CHECK(converted + kept_old == target.scalar("SELECT count(*) FROM (" + selected + ")"));
  CHECK((policy == "skip" ? kept_old > 0 : kept_old == 0));
  CHECK(std::count(want.rejects.begin(), want.rejects.end(), '\n') ==
        target.scalar("SELECT count(*) FROM s.items WHERE id % 10 != 3 AND qty < 0"));
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
  crash_under_policy("fail", crash_seed());
}

TEST_CASE("crash: kill -9 and resume equals an uninterrupted run under on conflict skip",
          "[migrun][crash]") {
  crash_under_policy("skip", crash_seed() + 1);
}

TEST_CASE("crash: kill -9 and resume equals an uninterrupted run under on conflict update",
          "[migrun][crash]") {
  crash_under_policy("update", crash_seed() + 2);
}
