// mig::StateStore: created on first use, resumable, atomic per batch (also under kill -9),
// versioned, and locked against a second migrun until its holder dies.
#include "runtime/state_store.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "runtime/sqlite_handle.hpp"
#include "runtime/state_schema.hpp"
#include "runtime/value.hpp"
#include "runtime/value_json.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using mig::BatchProgress;
using mig::StateStore;
using mig::TaskState;
using mig::Value;

namespace {

// A fresh directory under $TMPDIR, removed at the end of the test.
struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "mig_state_XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string store_path() const {
    return StateStore::db_path(path + "/.mig/state", "shop", "dev");
  }
};

std::string key(int64_t id) {
  std::vector<Value> k = {Value::integer(id)};
  return mig::encode_key(k);
}

StateStore open_store(const std::string& path) {
  mig::Result<StateStore> s = StateStore::open(path);
  if (!s.ok()) FAIL(s.error().message);
  return std::move(*s);
}

mig::TaskRecord task_of(StateStore& store, const std::string& name) {
  mig::Result<std::optional<mig::TaskRecord>> t = store.task(name);
  REQUIRE(t.ok());
  REQUIRE(t->has_value());
  return **t;
}

int64_t count_written(StateStore& store, int64_t run, const std::string& task) {
  int64_t n = 0;
  REQUIRE(store.for_each_written_key(run, task, [&](const mig::WrittenKey&) { ++n; }).ok());
  return n;
}

int64_t count_rejects(StateStore& store, int64_t run) {
  int64_t n = 0;
  REQUIRE(store.for_each_reject(run, "", [&](const std::string&, const mig::RejectEntry&) { ++n; })
              .ok());
  return n;
}

// Batch `i` of a task reading ids (i-1)*10+1 .. i*10: everything written, crosswalk id -> id*100.
BatchProgress batch(const std::string& task, int64_t run, int64_t i) {
  BatchProgress b;
  b.task = task;
  b.run_id = run;
  b.checkpoint = key(i * 10);
  b.delta = {10, 10, 0, 0};
  for (int64_t id = (i - 1) * 10 + 1; id <= i * 10; ++id) {
    b.written.push_back({key(id), mig::WriteAction::inserted, std::nullopt, std::nullopt});
    b.crosswalk.push_back({key(id), key(id * 100)});
  }
  return b;
}

}  // namespace

TEST_CASE("state store path keeps names inside the state directory", "[state]") {
  CHECK(StateStore::db_path(".mig/state", "shop", "dev") == ".mig/state/shop.dev.db");
  CHECK(StateStore::db_path(".mig/state", "shop", "") == ".mig/state/shop.default.db");
  CHECK(StateStore::db_path("s", "../x", "a.b") == "s/%2E%2E%2Fx.a%2Eb.db");
}

TEST_CASE("state store is created on first use, in WAL mode, with its version", "[state]") {
  TempDir dir;
  std::string path = dir.store_path();
  {
    StateStore store = open_store(path);
    CHECK(store.schema_version() == mig::kStateSchemaVersion);
    CHECK(store.path() == path);
  }
  CHECK(std::filesystem::exists(path));
  mig::Result<mig::SqliteDb> raw = mig::SqliteDb::open(path, mig::SqliteDb::Mode::read_only);
  REQUIRE(raw.ok());
  CHECK(*raw->pragma_int("user_version") == mig::kStateSchemaVersion);
  mig::Result<mig::SqliteStatement> mode = raw->prepare("PRAGMA journal_mode");
  REQUIRE(mode.ok());
  REQUIRE(*mode->step());
  CHECK(mode->column_text(0) == "wal");
}

TEST_CASE("state store read-only access needs an existing store", "[state]") {
  TempDir dir;
  mig::Result<StateStore> missing =
      StateStore::open(dir.store_path(), StateStore::Access::read_only);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message ==
        "no state yet for this plan and environment (" + dir.store_path() + " does not exist)");
  CHECK_FALSE(std::filesystem::exists(dir.path + "/.mig"));
}

TEST_CASE("state store refuses a newer schema version and foreign files", "[state]") {
  TempDir dir;
  std::string path = dir.store_path();
  { open_store(path); }
  {
    mig::Result<mig::SqliteDb> raw = mig::SqliteDb::open(path);
    REQUIRE(raw.ok());
    REQUIRE(raw->exec("PRAGMA user_version = 99").ok());
  }
  for (StateStore::Access access : {StateStore::Access::exclusive, StateStore::Access::read_only}) {
    mig::Result<StateStore> s = StateStore::open(path, access);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message == "state store " + path +
                                   " has schema version 99, newer than this migrun understands (" +
                                   std::to_string(mig::kStateSchemaVersion) +
                                   "); use a newer migrun, or move the file away to start over");
  }

  std::string other = dir.path + "/other.db";
  {
    mig::Result<mig::SqliteDb> raw = mig::SqliteDb::open(other);
    REQUIRE(raw.ok());
    REQUIRE(raw->exec("CREATE TABLE customers (id INTEGER)").ok());
  }
  mig::Result<StateStore> foreign = StateStore::open(other);
  REQUIRE_FALSE(foreign.ok());
  CHECK(foreign.error().message ==
        other + " is not a mig state store (it has tables but no schema version)");

  std::string junk = dir.path + "/junk.db";
  std::ofstream(junk) << "this is not a database, just text that is long enough to have a header";
  mig::Result<StateStore> garbage = StateStore::open(junk);
  REQUIRE_FALSE(garbage.ok());
  CHECK_THAT(garbage.error().message, Contains("not a database"));
}

TEST_CASE("state store save_batch is one transaction", "[state]") {
  mig::Result<StateStore> opened = StateStore::open_in_memory();
  REQUIRE(opened.ok());
  StateStore& store = *opened;
  mig::Result<int64_t> run = store.begin_run("shop", "dev", {"migrun", "shop.mig"});
  REQUIRE(run.ok());
  REQUIRE(store.set_task_state("customers", TaskState::running, *run).ok());

  BatchProgress good = batch("customers", *run, 1);
  good.delta = {10, 9, 1, 0};
  good.written.pop_back();
  good.rejects.push_back({key(10), "negative total", R"({"id":10,"total":{"decimal":"-1.00"}})"});
  REQUIRE(store.save_batch(good).ok());

  // The second batch breaks on its last row: nothing of it may remain.
  BatchProgress bad = batch("customers", *run, 2);
  bad.rejects.push_back({key(20), "broken", "{not json"});
  mig::Status s = store.save_batch(bad);
  REQUIRE_FALSE(s.ok());
  CHECK_THAT(s.error().message, StartsWith("cannot save progress of task `customers`: "));

  mig::TaskRecord t = task_of(store, "customers");
  CHECK(t.checkpoint == key(10));
  CHECK(t.counters.read == 10);
  CHECK(t.counters.written == 9);
  CHECK(t.counters.rejected == 1);
  CHECK(t.batches == 1);
  CHECK(t.state == TaskState::running);
  CHECK(count_written(store, *run, "customers") == 9);
  CHECK(count_rejects(store, *run) == 1);
  CHECK(store.lookup_crosswalk("customers", key(10))->value() == key(1000));
  CHECK_FALSE(store.lookup_crosswalk("customers", key(11))->has_value());

  // The connection is usable again: the next batch lands whole.
  REQUIRE(store.save_batch(batch("customers", *run, 2)).ok());
  t = task_of(store, "customers");
  CHECK(t.checkpoint == key(20));
  CHECK(t.counters.written == 19);
  CHECK(t.batches == 2);
  CHECK(count_written(store, *run, "customers") == 19);

  // A batch naming a run that does not exist is refused too (foreign keys are on).
  CHECK_FALSE(store.save_batch(batch("customers", *run + 7, 3)).ok());
  CHECK(task_of(store, "customers").checkpoint == key(20));
}

TEST_CASE("state store reopened resumes where the last run stopped", "[state]") {
  TempDir dir;
  std::string path = dir.store_path();
  int64_t first_run = 0;
  {
    StateStore store = open_store(path);
    mig::Result<int64_t> run =
        store.begin_run("shop", "dev", {"migrun", "shop.mig", "--env", "dev"});
    REQUIRE(run.ok());
    first_run = *run;
    REQUIRE(store.set_task_state("orders", TaskState::running, first_run).ok());
    REQUIRE(store.set_fingerprint("orders", 0xfedcba9876543210ull).ok());
    REQUIRE(store.save_batch(batch("orders", first_run, 1)).ok());
    REQUIRE(store.save_batch(batch("orders", first_run, 2)).ok());
    REQUIRE(store.set_task_state("customers", TaskState::completed, first_run).ok());
    // No end_run: the process "dies" here.
  }
  StateStore store = open_store(path);
  mig::TaskRecord orders = task_of(store, "orders");
  CHECK(orders.state == TaskState::running);
  CHECK(orders.checkpoint == key(20));
  CHECK(orders.counters.written == 20);
  CHECK(orders.fingerprint == 0xfedcba9876543210ull);
  CHECK(*store.fingerprint("orders") == 0xfedcba9876543210ull);
  CHECK_FALSE(store.fingerprint("nobody")->has_value());
  CHECK(orders.started_at.has_value());

  mig::Result<int64_t> second =
      store.begin_run("shop", "dev", {"migrun", "shop.mig", "--url=postgresql://app:hunter2@db/x"});
  REQUIRE(second.ok());
  CHECK(*second == first_run + 1);
  CHECK(store.run(first_run)->value().status == mig::RunStatus::aborted);
  mig::RunRecord last = store.last_run()->value();
  CHECK(last.id == *second);
  CHECK(last.status == mig::RunStatus::running);
  CHECK(last.argv == R"(["migrun","shop.mig","--url=postgresql://app:***@db/x"])");
  CHECK(last.pid == getpid());

  orders = task_of(store, "orders");
  CHECK(orders.state == TaskState::pending);
  CHECK(orders.reason == "interrupted: run " + std::to_string(first_run) + " did not finish");
  CHECK(orders.checkpoint == key(20));  // progress kept
  CHECK(task_of(store, "customers").state == TaskState::completed);
  CHECK(task_of(store, "customers").ended_at.has_value());

  REQUIRE(store.set_task_state("orders", TaskState::running, *second).ok());
  REQUIRE(store.save_batch(batch("orders", *second, 3)).ok());
  REQUIRE(store.set_task_state("orders", TaskState::completed, *second).ok());
  REQUIRE(store.end_run(*second, mig::RunStatus::succeeded).ok());
  orders = task_of(store, "orders");
  CHECK(orders.state == TaskState::completed);
  CHECK(orders.reason.empty());
  CHECK(orders.counters.written == 30);
  CHECK(orders.run_id == *second);
  CHECK(store.run(*second)->value().ended_at.has_value());
  CHECK_FALSE(store.end_run(999, mig::RunStatus::failed).ok());

  mig::Result<std::vector<mig::TaskRecord>> all = store.tasks();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  CHECK((*all)[0].task == "customers");
  CHECK((*all)[1].task == "orders");
}

TEST_CASE("state store crosswalks, written keys, reset and validations", "[state]") {
  mig::Result<StateStore> opened = StateStore::open_in_memory();
  REQUIRE(opened.ok());
  StateStore& store = *opened;
  int64_t run = *store.begin_run("shop", "dev", {});

  // Recorded before the target is written; the first target key recorded wins.
  std::vector<mig::CrosswalkEntry> pre = {{key(1), key(100)}, {key(2), key(200)}};
  REQUIRE(store.put_crosswalk("patients", run, pre).ok());
  std::vector<mig::CrosswalkEntry> again = {{key(1), key(999)}};
  REQUIRE(store.put_crosswalk("patients", run, again).ok());
  CHECK(store.lookup_crosswalk("patients", key(1))->value() == key(100));
  CHECK(store.lookup_crosswalk_source("patients", key(200))->value() == key(2));
  CHECK_FALSE(store.lookup_crosswalk("staff", key(1))->has_value());
  std::vector<std::string> seen;
  REQUIRE(store
              .for_each_crosswalk("patients",
                                  [&](const mig::CrosswalkEntry& e) {
                                    seen.push_back(e.source_key + "->" + e.target_key);
                                  })
              .ok());
  CHECK(seen == std::vector<std::string>{"[1]->[100]", "[2]->[200]"});

  BatchProgress b;
  b.task = "users";
  b.run_id = run;
  b.checkpoint = key(3);
  b.written = {{key(1), mig::WriteAction::inserted, std::nullopt, std::nullopt},
               {key(2), mig::WriteAction::updated, R"({"id":2,"name":"old"})", std::nullopt},
               {key(3), mig::WriteAction::inserted, std::nullopt, std::nullopt},
               {key(2), mig::WriteAction::updated, R"({"id":2,"name":"newer"})", std::nullopt}};
  REQUIRE(store.save_batch(b).ok());
  std::vector<std::string> undo;
  REQUIRE(store
              .for_each_written_key(run, "users",
                                    [&](const mig::WrittenKey& w) {
                                      undo.push_back(w.key + " " + mig::action_name(w.action) +
                                                     " " + w.before_image.value_or("-"));
                                    })
              .ok());
  CHECK(undo == std::vector<std::string>{"[3] inserted -", R"([2] updated {"id":2,"name":"old"})",
                                         "[1] inserted -"});
  CHECK(*store.tasks_written(run) == std::vector<std::string>{"users"});

  REQUIRE(
      store.set_task_state("users_archive", TaskState::skipped, run, "needs confirmation").ok());
  CHECK(task_of(store, "users_archive").reason == "needs confirmation");

  std::vector<std::string> patterns = {"user*"};
  mig::Result<std::vector<std::string>> reset = store.reset(patterns);
  REQUIRE(reset.ok());
  CHECK(*reset == std::vector<std::string>{"users", "users_archive"});
  CHECK_FALSE(store.task("users")->has_value());
  CHECK(count_written(store, run, "users") == 3);  // history stays for rollback
  CHECK(store.lookup_crosswalk("patients", key(1))->has_value());
  reset = store.reset({});
  REQUIRE(reset.ok());
  CHECK(*reset == std::vector<std::string>{"patients"});
  CHECK_FALSE(store.lookup_crosswalk("patients", key(1))->has_value());

  mig::ValidationRecord v;
  v.run_id = run;
  v.name = "expect unique(email)";
  v.task = "users";
  v.passed = false;
  v.details = R"({"duplicates":3})";
  REQUIRE(store.add_validation(v).ok());
  v.details = "not json";
  CHECK_FALSE(store.add_validation(v).ok());
  mig::Result<std::vector<mig::ValidationRecord>> vs = store.validations(run);
  REQUIRE(vs.ok());
  REQUIRE(vs->size() == 1);
  CHECK((*vs)[0].name == "expect unique(email)");
  CHECK((*vs)[0].task == "users");
  CHECK_FALSE((*vs)[0].passed);
  CHECK((*vs)[0].details == R"({"duplicates":3})");
  CHECK_FALSE((*vs)[0].checked_at.empty());
}

TEST_CASE("state store lock refuses a second migrun and dies with its holder", "[state]") {
  TempDir dir;
  std::string path = dir.store_path();
  int ready[2];
  REQUIRE(pipe(ready) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {  // the first migrun: takes the lock and waits to be killed
    close(ready[0]);
    mig::Result<StateStore> held = StateStore::open(path);
    char c = held.ok() ? 'y' : 'n';
    (void)!write(ready[1], &c, 1);
    while (held.ok()) pause();
    _exit(1);
  }
  close(ready[1]);
  char c = 0;
  REQUIRE(read(ready[0], &c, 1) == 1);
  close(ready[0]);
  REQUIRE(c == 'y');

  mig::Result<StateStore> second = StateStore::open(path);
  REQUIRE_FALSE(second.ok());
  CHECK_THAT(second.error().message, StartsWith("another migrun holds " + path + ".lock: pid " +
                                                std::to_string(child) + " on host `"));
  CHECK_THAT(second.error().message, Contains("` since `"));
  CHECK_THAT(second.error().message, Contains("; wait for it to finish or stop it"));
  // `migrun status` reads while a run holds the lock.
  CHECK(StateStore::open(path, StateStore::Access::read_only).ok());

  REQUIRE(kill(child, SIGKILL) == 0);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);

  mig::Result<StateStore> third = StateStore::open(path);
  if (!third.ok()) FAIL(third.error().message);
  // The same process cannot take it twice either.
  CHECK_FALSE(StateStore::open(path).ok());
}

TEST_CASE("state store survives kill -9 in the middle of saving batches", "[state]") {
  TempDir dir;
  std::string path = dir.store_path();
  int ready[2];
  REQUIRE(pipe(ready) == 0);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {  // saves batches as fast as it can until killed
    close(ready[0]);
    mig::Result<StateStore> store = StateStore::open(path);
    if (!store.ok()) _exit(1);
    mig::Result<int64_t> run = store->begin_run("shop", "dev", {});
    for (int64_t i = 1; run.ok(); ++i) {
      if (!store->save_batch(batch("orders", *run, i)).ok()) _exit(2);
      if (i == 3) (void)!write(ready[1], "y", 1);
    }
    _exit(3);
  }
  close(ready[1]);
  char c = 0;
  REQUIRE(read(ready[0], &c, 1) == 1);
  close(ready[0]);
  usleep(150 * 1000);
  REQUIRE(kill(child, SIGKILL) == 0);
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));

  StateStore store = open_store(path);
  mig::TaskRecord t = task_of(store, "orders");
  int64_t n = t.batches;
  INFO("batches saved before the kill: " << n);
  CHECK(n >= 3);
  CHECK(t.checkpoint == key(n * 10));
  CHECK(t.counters.read == n * 10);
  CHECK(t.counters.written == n * 10);
  int64_t run = *t.run_id;
  CHECK(count_written(store, run, "orders") == n * 10);
  CHECK(store.lookup_crosswalk("orders", key(n * 10))->value() == key(n * 1000));
  CHECK_FALSE(store.lookup_crosswalk("orders", key(n * 10 + 1))->has_value());
}
