#include <catch2/catch.hpp>

#include "runtime/fk_order.hpp"

using namespace mig;

namespace {

// Tasks `orders` (declared first) and `customers`; orders.customer_id references customers.
struct TwoTasks {
  TableInfo orders{"", "orders", {}, {"id"}, {ForeignKey{"fk", {"customer_id"}, "", "customers", {"id"}}}};
  TableInfo customers{"", "customers", {}, {"id"}, {}};
  BoundPlan plan;
  LogicalDag dag;

  TwoTasks() {
    for (const char* name : {"orders", "customers"}) {
      BoundTask t;
      t.name = name;
      t.target_conn = "stage";
      plan.tasks.push_back(t);
      plan.expansion.push_back({plan.expansion.size()});
      DagNode n;
      n.id = std::string("task:") + name;
      n.task = dag.nodes.size();
      dag.nodes.push_back(n);
    }
    schedule(dag);
  }

  // Orders the tasks, with the target tables as given, and returns the foreign key edges.
  std::vector<DagEdge> order(const TableInfo* orders_target) {
    plan.tasks[0].target = orders_target;
    plan.tasks[1].target = &customers;
    order_by_foreign_keys(dag, plan);
    std::vector<DagEdge> out;
    for (const DagEdge& e : dag.edges)
      if (e.kind == DagEdge::Kind::foreign_key) out.push_back(e);
    return out;
  }
};

}  // namespace

TEST_CASE("fk order: a table's parent task runs first", "[fk_order]") {
  TwoTasks f;
  std::vector<DagEdge> edges = f.order(&f.orders);
  REQUIRE(edges.size() == 1);
  CHECK(edges[0].from == 1);
  CHECK(edges[0].to == 0);
  CHECK(f.dag.waves.size() == 2);
}

TEST_CASE("fk order: tables create_tables makes get their keys after the data and run at once",
          "[fk_order]") {
  TwoTasks f;
  f.plan.created.push_back(CreatedTable{"stage", f.orders});
  CHECK(f.order(&f.plan.created.back().table).empty());
  CHECK(f.dag.waves.size() == 1);
}
