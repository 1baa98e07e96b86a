// crosswalk_TASK.csv: header from the key columns, canonical values, RFC 4180 quoting,
// file names safe for any task name. migrun's own export is in tests/migrun/crosswalk.
#include "runtime/crosswalk_csv.hpp"

#include <catch2/catch.hpp>
#include <sstream>
#include <vector>

#include "runtime/value_json.hpp"

using mig::Value;

namespace {

std::string key(std::vector<Value> values) { return mig::encode_key(values); }

}  // namespace

TEST_CASE("crosswalk CSV: header, canonical values, RFC 4180 quoting", "[crosswalk][reports]") {
  mig::Result<mig::StateStore> opened = mig::StateStore::open_in_memory();
  REQUIRE(opened.ok());
  mig::StateStore& store = *opened;
  mig::Result<int64_t> run = store.begin_run("shop", "dev", {"migrun", "shop.mig"});
  REQUIRE(run.ok());
  std::vector<mig::CrosswalkEntry> entries = {
      {key({Value::text("eu"), Value::text("a,\"b\"")}), key({Value::integer(1)})},
      {key({Value::text("us"), Value::text("x\ny")}), key({Value::integer(2)})},
      {key({Value::text("us"), Value()}), key({Value::integer(3)})},
      {key({Value::text("fr"), Value::text(" é ")}), key({Value::integer(4)})},
  };
  REQUIRE(store.put_crosswalk("skus", *run, entries).ok());

  mig::BoundTask task;
  task.name = "skus";
  task.key = {"region", "code"};
  task.target_key = {"id"};
  task.rekeys = true;
  std::ostringstream out;
  REQUIRE(mig::write_crosswalk_csv(out, task, store).ok());
  // In the state store's order (the encoded source key's text).
  CHECK(out.str() ==
        "old_region,old_code,new_id\n"
        "eu,\"a,\"\"b\"\"\",1\n"
        "fr, é ,4\n"
        "us,\"x\ny\",2\n"
        "us,,3\n");

  mig::BoundTask empty = task;
  empty.name = "none";
  std::ostringstream header_only;
  REQUIRE(mig::write_crosswalk_csv(header_only, empty, store).ok());
  CHECK(header_only.str() == "old_region,old_code,new_id\n");

  mig::BoundTask wrong = task;
  wrong.key = {"region"};
  std::ostringstream bad;
  mig::Status st = mig::write_crosswalk_csv(bad, wrong, store);
  REQUIRE(!st.ok());
  CHECK(st.error().message ==
        "crosswalk of task `skus`: crosswalk key `[\"eu\",\"a,\\\"b\\\"\"]` has 2 values for 1 "
        "key columns");
}

TEST_CASE("crosswalk CSV file names keep any task name inside the folder", "[crosswalk][reports]") {
  CHECK(mig::crosswalk_csv_name("patients") == "crosswalk_patients.csv");
  CHECK(mig::crosswalk_csv_name("Order-Lines_2") == "crosswalk_Order-Lines_2.csv");
  CHECK(mig::crosswalk_csv_name("../x y") == "crosswalk_%2E%2E%2Fx%20y.csv");
  CHECK(mig::crosswalk_csv_name("é") == "crosswalk_%C3%A9.csv");
}
