// The logical DAG: scheduling (order, waves, cycles) on hand-made graphs, and lowering of
// parsed and analysed plans (nodes, edges and their reasons).
#include <catch2/catch.hpp>

#include "compiler/dag.hpp"
#include "compiler/lower.hpp"

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
