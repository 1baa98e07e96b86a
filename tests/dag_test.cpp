// The logical DAG: scheduling (order, waves, cycles) on hand-made graphs, and lowering of
// parsed and analysed plans (nodes, edges and their reasons).
#include "compiler/dag.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <optional>

#include "compiler/analyse.hpp"
#include "compiler/explain.hpp"
#include "compiler/lower.hpp"
#include "compiler/parser.hpp"

using namespace mig;

namespace {

LogicalDag graph(size_t nodes, std::vector<std::pair<size_t, size_t>> edges) {
  LogicalDag dag;
  for (size_t i = 0; i < nodes; ++i) {
    DagNode n;
    n.id = "n" + std::to_string(i);
    dag.nodes.push_back(n);
  }
  for (auto [from, to] : edges) add_edge(dag, DagEdge::Kind::lookup, from, to, "because");
  schedule(dag);
  return dag;
}

using Order = std::vector<size_t>;
using Waves = std::vector<std::vector<size_t>>;

}  // namespace

TEST_CASE("schedule: ties go to the earliest-declared node", "[dag]") {
  // 3 -> 0, and 1, 2 free: 1 and 2 come before 0 only because 0 waits for 3.
  LogicalDag dag = graph(4, {{3, 0}});
  CHECK(dag.order == Order{1, 2, 3, 0});
  CHECK(dag.waves == Waves{{1, 2, 3}, {0}});
  CHECK(dag.unordered.empty());
}

TEST_CASE("schedule: a diamond runs in three waves", "[dag]") {
  LogicalDag dag = graph(4, {{0, 1}, {0, 2}, {1, 3}, {2, 3}});
  CHECK(dag.order == Order{0, 1, 2, 3});
  CHECK(dag.waves == Waves{{0}, {1, 2}, {3}});
  CHECK(dag.wave_of(3) == 3);
  CHECK(dag.dependencies(3) == Order{1, 2});
  CHECK(dag.dependents(0) == Order{1, 2});
}

TEST_CASE("schedule: repeated edges count once", "[dag]") {
  LogicalDag dag = graph(2, {});
  add_edge(dag, DagEdge::Kind::lookup, 0, 1, "one reason");
  add_edge(dag, DagEdge::Kind::follow, 0, 1, "another reason");
  add_edge(dag, DagEdge::Kind::follow, 0, 1, "another reason");
  schedule(dag);
  CHECK(dag.edges.size() == 2);
  CHECK(dag.order == Order{0, 1});
  CHECK(dag.waves == Waves{{0}, {1}});
}

TEST_CASE("schedule: a cycle ends, its nodes and those behind it left unordered", "[dag]") {
  // 1 <-> 2 is a cycle; 3 waits for 2; 0 is free.
  LogicalDag dag = graph(4, {{1, 2}, {2, 1}, {2, 3}});
  CHECK(dag.order == Order{0});
  CHECK(dag.waves == Waves{{0}});
  CHECK(dag.unordered == Order{1, 2, 3});
  CHECK(dag.wave_of(1) == 0);
}

TEST_CASE("schedule: an empty graph", "[dag]") {
  LogicalDag dag = graph(0, {});
  CHECK(dag.order.empty());
  CHECK(dag.waves.empty());
}

TEST_CASE("lower: a dependency cycle that slipped past analysis does not hang", "[dag]") {
  CheckedPlan plan;
  plan.name = "loop";
  Task a, b;
  a.name = "a";
  b.name = "b";
  a.source = b.source = "old";
  a.target = b.target = "new";
  a.deps.push_back({Dependency::Kind::lookup, "b", {}});
  b.deps.push_back({Dependency::Kind::follow, "a", {}});
  plan.tasks = {a, b};
  plan.connections["new"] = Connection{"new", true, nullptr};
  plan.connections["old"] = Connection{"old", false, nullptr};
  LogicalDag dag = lower(plan);
  REQUIRE(dag.nodes.size() == 4);  // prepare new, a, b, finish new
  CHECK(dag.order == Order{0});
  CHECK(dag.unordered == Order{1, 2, 3});
  REQUIRE(dag.find("task:a"));
  CHECK(dag.find("task:a")->label == "copy a");
}

// ---------------------------------------------------------------------------------------
// Lowering parsed and analysed plans

namespace {

struct Lowered {
  SourceManager sources;
  Diagnostics diags;
  std::optional<CheckedPlan> plan;
  LogicalDag dag;

  // The reasons of the edges from node `from` to node `to` (by id).
  std::vector<std::string> reasons(const std::string& from, const std::string& to) const {
    std::vector<std::string> out;
    auto f = dag.index_of(from), t = dag.index_of(to);
    for (const DagEdge& e : dag.edges)
      if (f && t && e.from == *f && e.to == *t) out.push_back(e.reason);
    return out;
  }
  // Ids of the nodes `id` waits for.
  std::vector<std::string> after(const std::string& id) const {
    std::vector<std::string> out;
    if (auto n = dag.index_of(id))
      for (size_t d : dag.dependencies(*n)) out.push_back(dag.nodes[d].id);
    return out;
  }
  std::vector<std::string> order() const {
    std::vector<std::string> out;
    for (size_t n : dag.order) out.push_back(dag.nodes[n].id);
    return out;
  }
};

std::unique_ptr<Lowered> lower_text(const std::string& text) {
  auto l = std::make_unique<Lowered>();
  uint32_t file = l->sources.add("plan.mig", text);
  Module m = parse(l->sources, file, l->diags);
  l->plan = analyse(l->sources, std::move(m), AnalyseOptions{}, l->diags);
  INFO(render_text(l->diags, l->sources));
  REQUIRE_FALSE(l->diags.has_errors());
  l->dag = lower(*l->plan);
  return l;
}

using Ids = std::vector<std::string>;

const char* kShop = R"(plan shop
source legacy = mariadb(env("LEGACY_URL"))
target stage = postgres(env("STAGE_URL"))
copy legacy.customers -> stage.customers {
  where id in [1, 2]
  expect unique(email)
}
copy legacy.orders -> stage.orders {
  follow customer_id -> customers
  expect count == source
}
expect no orphans in stage
)";

}  // namespace

TEST_CASE("lower: nodes, in declaration order, and the run order", "[dag]") {
  auto l = lower_text(kShop);
  Ids ids;
  for (const DagNode& n : l->dag.nodes) ids.push_back(n.id);
  CHECK(ids == Ids{"prepare:stage", "task:customers", "expect:customers:1", "task:orders",
                   "expect:orders:1", "expect:plan:1", "finish:stage"});
  CHECK(l->order() == ids);
  CHECK(l->dag.waves.size() == 4);
  CHECK(l->dag.unordered.empty());
  CHECK(l->dag.find("task:orders")->label == "copy orders");
  CHECK(l->dag.find("expect:customers:1")->label == "expect unique(email)");
  CHECK(l->dag.find("prepare:stage")->toggles_fk_checks);
}

TEST_CASE("lower: every edge says why it exists", "[dag]") {
  auto l = lower_text(kShop);
  CHECK(l->reasons("task:customers", "task:orders") ==
        Ids{"orders follows customer_id -> customers"});
  CHECK(l->reasons("prepare:stage", "task:customers") ==
        Ids{"prepare stage before customers writes it"});
  CHECK(l->reasons("task:customers", "finish:stage") ==
        Ids{"customers writes stage before finish"});
  CHECK(l->reasons("task:customers", "expect:customers:1") ==
        Ids{"expect unique(email) checks customers"});
  CHECK(l->after("expect:plan:1") == Ids{"task:customers", "task:orders"});
  // Expects do not hold up the finish node, and the finish waits for every task.
  CHECK(l->after("finish:stage") == Ids{"task:customers", "task:orders"});
}

TEST_CASE("lower: lookups make the crosswalk producer run first", "[dag]") {
  auto l = lower_text(R"(
source old = sqlite("old.db")
target new = sqlite("new.db")
copy old.appointments -> new.appointments {
  map { *  patient_id = lookup(patients, user_id)  doctor_id = lookup(staff, d, default: 0) }
}
copy old.users -> new.patients as patients { where role == "PATIENT" }
copy old.users -> new.users as staff { where role != "PATIENT" }
)");
  CHECK(l->reasons("task:patients", "task:appointments") ==
        Ids{"lookup(patients, ...) in appointments needs the patients crosswalk"});
  CHECK(l->reasons("task:staff", "task:appointments") ==
        Ids{"lookup(staff, ...) in appointments needs the staff crosswalk"});
  // Declared first, but it waits: the producers take its place in the order.
  CHECK(l->order() ==
        Ids{"prepare:new", "task:patients", "task:staff", "task:appointments", "finish:new"});
  REQUIRE(l->dag.waves.size() == 4);
  CHECK(l->dag.waves[1].size() == 2);  // the split: both copies of old.users at once
}

TEST_CASE("lower: composite follows and the hooks of each connection", "[dag]") {
  auto l = lower_text(R"(
source s = sqlite("s.db")
target t = sqlite("t.db")
target u = sqlite("u.db")
settings { fk_checks = on }
before t sql "select 1"
after t sql "select 2"
after t sql "select 3"
copy s.orders -> t.orders { key id }
copy s.lines -> t.lines { follow order_id, shop_id -> orders }
copy t.lines -> u.lines as archived {}
)");
  CHECK(l->reasons("task:orders", "task:lines") ==
        Ids{"lines follows order_id, shop_id -> orders"});
  const DagNode* prepare = l->dag.find("prepare:t");
  const DagNode* finish = l->dag.find("finish:t");
  REQUIRE(prepare);
  REQUIRE(finish);
  CHECK(prepare->hooks == std::vector<size_t>{0});
  CHECK(finish->hooks == std::vector<size_t>{1, 2});
  CHECK_FALSE(prepare->toggles_fk_checks);
  CHECK(l->dag.find("prepare:u")->hooks.empty());
  // A task reading a target connection is inside its prepare/finish too.
  CHECK(l->reasons("prepare:t", "task:archived") == Ids{"prepare t before archived reads it"});
  CHECK(l->reasons("task:archived", "finish:t") == Ids{"archived reads t before finish"});
  CHECK(l->reasons("prepare:u", "task:archived") == Ids{"prepare u before archived writes it"});
}

TEST_CASE("lower: a plan-level expect waits for the tasks writing what it reads", "[dag]") {
  auto l = lower_text(R"(
source old = sqlite("old.db")
target new = sqlite("new.db")
target arch = sqlite("arch.db")
copy old.users -> new.users as users {}
copy old.users -> new.patients as patients {}
copy old.* -> new.* as rest { skip users, patients }
copy old.logs -> arch.logs {}
expect count(new.users) + count(new.patients) == count(old.users)
expect sql(arch, "select 1") == 1
expect count(old.users) > 0
expect no orphans in new
)");
  CHECK(l->after("expect:plan:1") == Ids{"task:users", "task:patients"});
  CHECK(l->reasons("task:users", "expect:plan:1") ==
        Ids{"expect count(new.users) + count(new.patients) == count(old.users) reads new.users, "
            "which users writes"});
  CHECK(l->after("expect:plan:2") == Ids{"task:logs"});
  CHECK(l->after("expect:plan:3") == Ids{"task:users", "task:patients", "task:rest", "task:logs"});
  CHECK(l->after("expect:plan:4") == Ids{"task:users", "task:patients", "task:rest"});
}

TEST_CASE("explain: no password in any format", "[dag][explain]") {
  auto l = lower_text(R"(
source old = postgres("postgresql://app:hunter2@db/old")
target new = postgres("postgresql://app@db/new?password=hunter2")
environment dev { old = postgres("mysql://root:hunter2@localhost/x") }
before new sql "ALTER ROLE x PASSWORD 'y'; -- postgresql://a:hunter2@b"
copy old.a -> new.a { map { *  u = "postgresql://u:hunter2@h" } }
)");
  for (const std::string& out : {explain_text(*l->plan, l->dag), explain_json(*l->plan, l->dag)}) {
    INFO(out);
    CHECK(out.find("hunter2") == std::string::npos);
    CHECK(out.find("***") != std::string::npos);  // the connectors are shown, redacted
  }
  CHECK(explain_dot(*l->plan, l->dag).find("hunter2") == std::string::npos);
}

TEST_CASE("explain: json is valid and lists nodes in run order", "[dag][explain]") {
  auto l = lower_text(kShop);
  auto j = nlohmann::ordered_json::parse(explain_json(*l->plan, l->dag));
  CHECK(j["plan"] == "shop");
  REQUIRE(j["nodes"].size() == 7);
  CHECK(j["nodes"][0]["id"] == "prepare:stage");
  CHECK(j["nodes"][1]["task"]["key"]["strategy"] == "source primary key");
  CHECK(j["nodes"][1]["task"]["where"][0]["expr"] == "id in [1, 2]");
  CHECK(j["edges"].size() == l->dag.edges.size());
  CHECK(j["waves"].size() == l->dag.waves.size());
}
