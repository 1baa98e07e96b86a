// The task runner alone, on in-memory fakes (no database): batches, policies, and the
// recovery of a batch the target committed while the state store never heard of it.
#include <catch2/catch.hpp>

#include "fake_connector.hpp"
#include "runtime/task_runner.hpp"

using namespace mig;
using mig::test::FakeConnector;

namespace {

// `items(id, name)` with ids 1..n, copied unchanged by id.
struct Fixture {
  TableInfo table{"", "items", {{"id", BaseType::int_, "INTEGER", false, false},
                                {"name", BaseType::text, "TEXT", true, false}},
                  {"id"}, {}};
  CheckedPlan plan;
  BoundTask task;
  FakeConnector source, target;
  StateStore state = std::move(*StateStore::open_in_memory());
  std::map<std::string, Value> params;
  int64_t run_id = *state.begin_run("p", "default", {});

  explicit Fixture(int n, ConflictPolicy policy = ConflictPolicy::fail) {
    task.name = "items";
    task.source = task.target = &table;
    task.key = task.target_key = task.read_columns = {"id"};
    task.read_columns.push_back("name");
    task.outputs = {{"id", nullptr, 0, Type::of(BaseType::int_), std::nullopt},
                    {"name", nullptr, 1, Type::of(BaseType::text), std::nullopt}};
    task.batch_size = 3;
    task.on_conflict = policy;
    source.tables["items"].columns = target.tables["items"].columns = {"id", "name"};
    for (int i = 1; i <= n; ++i)
      source.tables["items"].rows.push_back({Value::integer(i), Value::text("n" + std::to_string(i))});
  }

  TaskOutcome run() {
    TaskContext cx;
    cx.plan = "p";
    cx.env = "default";
    cx.run_id = run_id;
    cx.state = &state;
    cx.params = &params;
    (void)state.set_task_state("items", TaskState::running, run_id);  // as migrun does first
    return run_task(task, plan, source, target, cx);
  }

  TaskCounters totals() {
    auto rec = state.task("items");
    REQUIRE(rec);
    REQUIRE(rec->has_value());
    return (*rec)->counters;
  }
};

}  // namespace

TEST_CASE("a task copies every row once, batch by batch", "[runner]") {
  Fixture f(10);
  TaskOutcome out = f.run();
  INFO(out.error);
  CHECK(out.end == TaskOutcome::End::completed);
  CHECK(out.batches == 4);
  CHECK(f.target.tables["items"].rows == f.source.tables["items"].rows);
  CHECK(f.totals().written == 10);
  CHECK(f.target.markers.empty());  // forgotten once the task completed
}

TEST_CASE("a batch committed before a crash is recovered from its marker, not rewritten",
          "[runner]") {
  Fixture f(10);
  f.target.crash_after_commits = 1;  // batch 2 commits, then the "process dies"
  CHECK(f.run().end == TaskOutcome::End::failed);
  CHECK(f.target.tables["items"].rows.size() == 6);
  CHECK(f.totals().written == 3);  // the state store saw only batch 1

  f.target.crash_after_commits = -1;
  TaskOutcome out = f.run();  // the same task again, as a rerun would
  INFO(out.error);
  CHECK(out.end == TaskOutcome::End::completed);
  CHECK(f.target.tables["items"].rows == f.source.tables["items"].rows);  // none twice
  CHECK(f.totals().written == 10);
  CHECK(f.totals().read == 10);
}

TEST_CASE("on conflict skip and update count and keep before-images", "[runner]") {
  Fixture skip(4, ConflictPolicy::skip);
  skip.target.tables["items"].rows.push_back({Value::integer(2), Value::text("old")});
  CHECK(skip.run().end == TaskOutcome::End::completed);
  CHECK(skip.totals().skipped == 1);
  CHECK(skip.totals().written == 3);

  Fixture update(4, ConflictPolicy::update);
  update.target.tables["items"].rows.push_back({Value::integer(2), Value::text("old")});
  CHECK(update.run().end == TaskOutcome::End::completed);
  CHECK(update.totals().written == 4);
  std::vector<WrittenKey> written;
  (void)update.state.for_each_written_key(update.run_id, "items", [&](const WrittenKey& k) { written.push_back(k); });
  size_t updated = 0;
  for (const WrittenKey& k : written)
    if (k.action == WriteAction::updated) {
      ++updated;
      CHECK(k.before_image.value_or("").find("old") != std::string::npos);
    }
  CHECK(updated == 1);
}

TEST_CASE("under on conflict fail an existing key fails the task and writes nothing more",
          "[runner]") {
  Fixture f(4);
  f.target.tables["items"].rows.push_back({Value::integer(3), Value::text("there")});
  TaskOutcome out = f.run();
  CHECK(out.end == TaskOutcome::End::failed);
  CHECK(out.error.find("already exists") != std::string::npos);
  CHECK(f.target.tables["items"].rows.size() == 1);  // batch 1 (ids 1-3) rolled back whole
}
