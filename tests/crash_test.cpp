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
constexpr int kKills = 16;

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

void crash_under_policy(const std::string& policy, unsigned seed) {
  std::mt19937 rng(seed);
  TempDir ref("crash_ref_" + policy), crash("crash_" + policy);
  make_case(ref.path(), policy);
  make_case(crash.path(), policy);

  Timing timing;
  double whole_ms = time_run_ms(ref.path());
  timing.startup_ms = time_run_ms(ref.path());  // all done: only the startup is left
  timing.copy_ms = std::max(1.0, whole_ms - timing.startup_ms);
  std::cout << "crash test, on conflict " << policy << ": seed " << seed << " (MIG_CRASH_SEED), run "
            << int(whole_ms) << " ms, startup " << int(timing.startup_ms) << " ms\n";
  INFO("policy " << policy << ", seed " << seed);

  Kills kills = kill_and_resume(crash.path(), timing, rng);
  Outcome last = run_migrun(crash.path(), kArgs, "final");
  INFO("final run: " << last.err);
  REQUIRE(last.exit_code == 0);
  // Else the test proved little: the runs ended before the kills.
  CHECK(kills.landed >= kKills / 2);
  CHECK(kills.mid_copy >= kKills / 2);

  Final want = collect(ref.path()), got = collect(crash.path());
  // The uninterrupted run itself did what the plan says, so that equality means something.
  Db target(ref / "target.db");
  target.exec("ATTACH '" + (ref / "source.db").string() + "' AS s");
  const std::string selected = "SELECT id FROM s.items WHERE id % 10 != 3 AND qty >= 0";
  long long converted = target.scalar(
      "SELECT count(*) FROM main.items t JOIN s.items o ON o.id = t.id"
      " WHERE t.name = upper(o.name) AND t.doubled = 2 * o.qty");
  long long kept_old = target.scalar("SELECT count(*) FROM main.items WHERE name = 'OLD' AND id IN (" + selected + ")");
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
