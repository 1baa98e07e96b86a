#include <catch2/catch.hpp>

#include "runtime/scheduler.hpp"

using namespace mig;

namespace {

// a -> b -> d, a -> c -> d, e alone.
LogicalDag diamond() {
  LogicalDag dag;
  for (const char* id : {"a", "b", "c", "d", "e"}) {
    DagNode n;
    n.id = id;
    dag.nodes.push_back(n);
  }
  add_edge(dag, DagEdge::Kind::follow, 0, 1, "b follows a");
  add_edge(dag, DagEdge::Kind::follow, 0, 2, "c follows a");
  add_edge(dag, DagEdge::Kind::follow, 1, 3, "d follows b");
  add_edge(dag, DagEdge::Kind::follow, 2, 3, "d follows c");
  schedule(dag);
  return dag;
}

}  // namespace

TEST_CASE("scheduler runs nodes after their dependencies, within `parallel`", "[scheduler]") {
  LogicalDag dag = diamond();
  Scheduler s(dag, 2);
  CHECK(s.ready() == std::vector<size_t>{0, 4});
  s.started(0);
  s.started(4);
  CHECK(s.ready().empty());  // b and c wait for a; no slot anyway
  s.finished(0, Scheduler::Outcome::ok);
  CHECK(s.ready() == std::vector<size_t>{1});  // one slot: e still runs
  s.finished(4, Scheduler::Outcome::ok);
  CHECK(s.ready() == std::vector<size_t>{1, 2});
  s.started(1);
  s.started(2);
  s.finished(1, Scheduler::Outcome::ok);
  CHECK(s.ready().empty());  // d waits for c
  s.finished(2, Scheduler::Outcome::ok);
  CHECK(s.ready() == std::vector<size_t>{3});
  s.started(3);
  CHECK_FALSE(s.idle());
  s.finished(3, Scheduler::Outcome::ok);
  CHECK(s.idle());
}

TEST_CASE("a failed node blocks everything downstream, nothing else", "[scheduler]") {
  LogicalDag dag = diamond();
  Scheduler s(dag, 4);
  s.started(0);
  s.started(4);
  s.finished(0, Scheduler::Outcome::failed);
  CHECK(s.state(1) == Scheduler::State::blocked);
  CHECK(s.state(2) == Scheduler::State::blocked);
  CHECK(s.state(3) == Scheduler::State::blocked);
  CHECK(s.state(4) == Scheduler::State::running);
  s.finished(4, Scheduler::Outcome::ok);
  CHECK(s.idle());
}

TEST_CASE("a soft failure and a skip let dependents run", "[scheduler]") {
  LogicalDag dag = diamond();
  Scheduler s(dag, 4);
  s.skip(0);
  CHECK(s.ready() == std::vector<size_t>{1, 2, 4});
  s.started(1);
  s.finished(1, Scheduler::Outcome::failed_soft);
  s.started(2);
  s.finished(2, Scheduler::Outcome::ok);
  CHECK(s.ready() == std::vector<size_t>{3, 4});
}
