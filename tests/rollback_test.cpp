// Rollback without a database: undo_task on the in-memory fake connector (deletes the
// inserted keys, restores before-images, a batch committed before a "crash" is recovered
// from its marker and counted once, stale markers are ignored), the undo order, the state
// store's version 1 -> 2 migration, and SQL literals per dialect.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "fake_connector.hpp"
#include "runtime/rollback.hpp"
#include "runtime/rollback_plan.hpp"
#include "runtime/sql_literal.hpp"
#include "runtime/sqlite_handle.hpp"
#include "runtime/state_schema.hpp"
#include "runtime/value_json.hpp"

using namespace mig;
using mig::test::FakeConnector;

namespace {

Row row(int64_t id, const std::string& name) { return {Value::integer(id), Value::text(name)}; }

std::string key(int64_t id) {
  Value v = Value::integer(id);
  return encode_key(std::span<const Value>(&v, 1));
}

std::string image(int64_t id, const std::string& name) {
  std::vector<std::string> columns{"id", "name"};
  Row r = row(id, name);
  return encode_row(columns, r);
}

// A target `items(id, name)` that held rows 1..`before` before a run; the run updated the
// odd ones among them (name -> "new") and inserted `before`+1 .. `before`+`inserted`.
struct Fixture {
  FakeConnector target;
  StateStore state = std::move(*StateStore::open_in_memory());
  int64_t run_id = 0;
  std::vector<Row> pre_run;
  UndoTarget where{"items", "", "items", {"id"}, {"id", "name"}};

  Fixture(int before, int inserted) {
    FakeConnector::Table& t = target.tables["items"];
    t.columns = {"id", "name"};
    for (int i = 1; i <= before; ++i) t.rows.push_back(row(i, "old" + std::to_string(i)));
    pre_run = t.rows;
    run_id = *state.begin_run("p", "default", {});
    BatchProgress b;
    b.task = "items";
    b.run_id = run_id;
    for (int i = 1; i <= before + inserted; ++i) {
      if (i <= before && i % 2 == 0) continue;  // left alone by the run
      if (i <= before) {
        b.written.push_back({key(i), WriteAction::updated, image(i, "old" + std::to_string(i)), std::nullopt});
        t.rows[size_t(i - 1)] = row(i, "new");
      } else {
        b.written.push_back({key(i), WriteAction::inserted, std::nullopt, std::nullopt});
        t.rows.push_back(row(i, "new"));
      }
    }
    REQUIRE(state.save_batch(b).ok());
    REQUIRE(state.end_run(run_id, RunStatus::succeeded).ok());
    REQUIRE(state.begin_rollback(run_id, {"items"}, {"migrun", "rollback"}).ok());
  }

  UndoOutcome undo(int64_t batch_size, const std::string& generation = "g1") {
    UndoContext cx;
    cx.plan = "p";
    cx.env = "default";
    cx.run_id = run_id;
    cx.generation = generation;
    cx.state = &state;
    cx.batch_size = batch_size;
    return undo_task(where, target, cx);
  }

  std::vector<Row> content() {
    std::vector<Row> rows = target.tables["items"].rows;
    std::sort(rows.begin(), rows.end(),
              [](const Row& a, const Row& b) { return key_compare(a, b) < 0; });
    return rows;
  }

  RollbackTaskRecord record() {
    auto tasks = state.rollback_tasks(run_id);
    REQUIRE(tasks);
    REQUIRE(tasks->size() == 1);
    return (*tasks)[0];
  }
};

}  // namespace

TEST_CASE("undo_task deletes inserted rows and restores updated ones, newest first",
          "[rollback]") {
  Fixture f(10, 7);  // 5 updated, 7 inserted
  UndoOutcome out = f.undo(3);
  INFO(out.error);
  REQUIRE(out.end == UndoOutcome::End::completed);
  CHECK(f.content() == f.pre_run);
  CHECK(out.counters.deleted == 7);
  CHECK(out.counters.restored == 5);
  CHECK(out.counters.absent == 0);
  CHECK(out.counters.reinserted == 0);
  CHECK(out.batches == 4);  // 12 keys by 3
  RollbackTaskRecord r = f.record();
  CHECK(r.completed);
  CHECK(r.batches == 4);
  CHECK(r.counters.deleted == 7);
  CHECK(f.target.markers.empty());  // forgotten once the task is done
}

TEST_CASE("undo_task recovers a batch committed just before a crash and counts it once",
          "[rollback]") {
  Fixture f(10, 7);
  f.target.crash_after_commits = 2;  // the third commit lands, its caller never hears of it
  UndoOutcome first = f.undo(3);
  REQUIRE(first.end == UndoOutcome::End::failed);
  CHECK(f.record().batches == 2);
  CHECK(f.target.markers.size() == 3);

  f.target.crash_after_commits = -1;
  UndoOutcome second = f.undo(3);
  INFO(second.error);
  REQUIRE(second.end == UndoOutcome::End::completed);
  CHECK(f.content() == f.pre_run);
  RollbackTaskRecord r = f.record();
  CHECK(r.batches == 4);
  CHECK(r.counters.deleted == 7);
  CHECK(r.counters.restored == 5);
  CHECK(r.counters.absent == 0);  // the recovered batch was not applied a second time
}

TEST_CASE("undo_task ignores a stale marker of another rollback generation", "[rollback]") {
  Fixture f(4, 4);
  // A marker with this rollback's name left by a state store that was started over.
  f.target.markers[undo_marker_task(f.run_id, "items") + "#1"] =
      R"({"generation":"old","next_id":1,"counters":[100,0,0,0]})";
  UndoOutcome out = f.undo(2);
  INFO(out.error);
  REQUIRE(out.end == UndoOutcome::End::completed);
  CHECK(f.content() == f.pre_run);
  CHECK(out.counters.deleted == 4);
  CHECK(out.counters.restored == 2);
}

TEST_CASE("undo_task counts rows deleted or re-created since the run", "[rollback]") {
  Fixture f(4, 4);
  auto& rows = f.target.tables["items"].rows;
  // Someone deleted inserted row 8 and updated row 1 since the run.
  std::erase_if(rows, [](const Row& r) { return r[0].as_int() == 8 || r[0].as_int() == 1; });
  UndoOutcome out = f.undo(100);
  REQUIRE(out.end == UndoOutcome::End::completed);
  CHECK(f.content() == f.pre_run);  // row 1 is back as it was before the run
  CHECK(out.counters.deleted == 3);
  CHECK(out.counters.absent == 1);
  CHECK(out.counters.restored == 2);
  CHECK(out.counters.reinserted == 1);
}

TEST_CASE("undo_task refuses a before-image with a column the table no longer has",
          "[rollback]") {
  Fixture f(2, 0);
  f.where.columns = {"id"};
  UndoOutcome out = f.undo(10);
  CHECK(out.end == UndoOutcome::End::failed);
  CHECK_THAT(out.error, Catch::Matchers::Contains("has a column `name` that `items` no longer has"));
  CHECK(f.target.tables["items"].rows[0] == row(1, "new"));  // nothing was written
}

TEST_CASE("undo order: children before parents, else the reverse of the run's order",
          "[rollback]") {
  TableInfo customers{"", "customers", {}, {"id"}, {}};
  TableInfo orders{"", "orders", {}, {"id"}, {{"fk", {"customer_id"}, "", "customers", {"id"}}}};
  TableInfo lines{"", "lines", {}, {"id"}, {{"fk", {"order_id"}, "", "orders", {"id"}}}};
  TableInfo other{"", "other", {}, {"id"}, {}};
  // The run wrote lines before orders (no FK checks), customers last.
  std::vector<UndoOrderItem> items{{"lines", "db", &lines},
                                   {"orders", "db", &orders},
                                   {"other", "db", &other},
                                   {"customers", "db", &customers}};
  std::vector<std::string> got;
  for (size_t i : undo_order(items)) got.push_back(items[i].task);
  CHECK(got == std::vector<std::string>{"other", "lines", "orders", "customers"});

  // The same tables on two connections are unrelated.
  items[0].connection = "elsewhere";
  got.clear();
  for (size_t i : undo_order(items)) got.push_back(items[i].task);
  CHECK(got == std::vector<std::string>{"other", "orders", "customers", "lines"});
}

TEST_CASE("state store version 1 is migrated to version 2 on open", "[rollback][state]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("mig_rb_migrate_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string path = (dir / "p.default.db").string();
  {
    auto raw = SqliteDb::open(path);
    REQUIRE(raw);
    REQUIRE(raw->exec(kStateSchemaSql).ok());
    REQUIRE(raw->exec("PRAGMA user_version = 1").ok());
    REQUIRE(raw->exec("INSERT INTO runs (plan, env, started_at, status, argv, pid, host) "
                      "VALUES ('p', 'default', 't', 'succeeded', '[]', 1, 'h')")
                .ok());
  }
  {
    auto old = StateStore::open(path, StateStore::Access::read_only);
    REQUIRE(old);
    CHECK(old->schema_version() == 1);  // a reader leaves the file as it is
  }
  auto store = StateStore::open(path);
  REQUIRE(store);
  CHECK(store->schema_version() == kStateSchemaVersion);
  auto run = store->run(1);
  REQUIRE(run);
  CHECK(run->has_value());  // history kept
  CHECK(store->begin_rollback(1, {"t"}, {}).ok());
  auto rec = store->rollback_record(1);
  REQUIRE(rec);
  REQUIRE(rec->has_value());
  CHECK((*rec)->status == RollbackStatus::running);
  fs::remove_all(dir);
}

namespace {

std::string lit(const Value& v, const std::string& dialect) {
  Result<std::string> r = sql_literal(v, dialect);
  return r ? *r : "error: " + r.error().message;
}

Value dec(const char* text) { return Value::decimal(*Decimal::parse(text)); }

}  // namespace

TEST_CASE("SQL literals: SQLite stores what the connector binds", "[rollback][literal]") {
  CHECK(lit(Value(), "sqlite") == "NULL");
  CHECK(lit(Value::integer(-42), "sqlite") == "-42");
  CHECK(lit(Value::integer(INT64_MIN), "sqlite") == "(-9223372036854775807 - 1)");
  CHECK(lit(Value::boolean(true), "sqlite") == "1");
  CHECK(lit(Value::floating(0.1), "sqlite") == "0.1");
  CHECK(lit(Value::floating(3), "sqlite") == "3.0");  // a REAL, not an INTEGER
  CHECK(lit(Value::floating(1e300), "sqlite") == "1e+300");
  CHECK(lit(Value::floating(-INFINITY), "sqlite") == "-9e999");
  CHECK(lit(Value::floating(NAN), "sqlite") == "NULL");  // SQLite keeps a NaN as null
  CHECK(lit(dec("19.9900"), "sqlite") == "'19.9900'");    // bound as text, scale kept
  CHECK(lit(Value::text("it's"), "sqlite") == "'it''s'");
  CHECK(lit(Value::text("a\\b\n--c;"), "sqlite") == "'a\\b\n--c;'");
  CHECK(lit(Value::text(std::string("a\0b", 3)), "sqlite") == "CAST(X'610062' AS TEXT)");
  CHECK(lit(Value::text("ok\xff"), "sqlite") == "CAST(X'6f6bff' AS TEXT)");
  CHECK(lit(Value::bytes(std::string("\x00\xff", 2)), "sqlite") == "X'00ff'");
  CHECK(lit(Value::bytes(""), "sqlite") == "X''");
  CHECK(lit(Value::date(Date{0}), "sqlite") == "'1970-01-01'");
  CHECK(lit(Value::json(R"({"a": "it's"})"), "sqlite") == R"('{"a": "it''s"}')");
}

TEST_CASE("SQL literals: PostgreSQL, whatever standard_conforming_strings says",
          "[rollback][literal]") {
  CHECK(lit(Value::integer(7), "postgres") == "7");
  CHECK(lit(dec("-0.50"), "postgres") == "-0.50");
  CHECK(lit(Value::boolean(false), "postgres") == "FALSE");
  CHECK(lit(Value::floating(NAN), "postgres") == "'NaN'");
  CHECK(lit(Value::floating(INFINITY), "postgres") == "'Infinity'");
  CHECK(lit(Value::floating(0.1), "postgres") == "'0.1'");
  CHECK(lit(Value::text("it's"), "postgres") == "'it''s'");
  CHECK(lit(Value::text("a\\'b"), "postgres") == "E'a\\\\''b'");
  CHECK(lit(Value::bytes(std::string("\x00\xff", 2)), "postgres") == "decode('00ff', 'hex')");
  CHECK(lit(Value::timestamptz(TimestampTz{0}), "postgres") == "'1970-01-01 00:00:00+00:00'");
  CHECK_THAT(lit(Value::text(std::string("a\0b", 3)), "postgres"),
             Catch::Matchers::Contains("cannot hold a NUL byte"));
  CHECK_THAT(lit(Value::list({Value::integer(1)}), "postgres"), Catch::Matchers::StartsWith("error:"));
}

TEST_CASE("SQL literals: MariaDB, whatever NO_BACKSLASH_ESCAPES says", "[rollback][literal]") {
  CHECK(lit(Value::integer(7), "mariadb") == "7");
  CHECK(lit(dec("12.30"), "mariadb") == "12.30");
  CHECK(lit(Value::boolean(true), "mariadb") == "TRUE");
  CHECK(lit(Value::floating(0.1), "mariadb") == "0.1e0");  // a DOUBLE, not a DECIMAL
  CHECK(lit(Value::floating(1e-7), "mariadb") == "1e-07");
  CHECK(lit(Value::text("it's"), "mariadb") == "'it''s'");
  CHECK(lit(Value::text("a\\b"), "mariadb") == "_utf8mb4 X'615c62'");
  CHECK(lit(Value::text(std::string("a\0b", 3)), "mariadb") == "_utf8mb4 X'610062'");
  CHECK(lit(Value::bytes("\x01"), "mariadb") == "X'01'");
  // An instant as UTC wall time: the script sets time_zone = '+00:00' first.
  CHECK(lit(Value::timestamptz(TimestampTz{1500000}), "mariadb") == "'1970-01-01 00:00:01.500000'");
  CHECK_THAT(lit(Value::floating(NAN), "mariadb"), Catch::Matchers::Contains("no NaN"));
  CHECK_THAT(sql_literal_preamble("mariadb"), Catch::Matchers::Contains("time_zone = '+00:00'"));
  CHECK_THAT(lit(Value::integer(1), "csv"), Catch::Matchers::StartsWith("error:"));
}
