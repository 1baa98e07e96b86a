#include "runtime/fk_order.hpp"

#include <functional>

namespace mig {
namespace {

// The task node of each checked task.
std::vector<std::optional<size_t>> task_nodes(const LogicalDag& dag, size_t tasks) {
  std::vector<std::optional<size_t>> out(tasks);
  for (size_t n = 0; n < dag.nodes.size(); ++n)
    if (dag.nodes[n].kind == DagNode::Kind::task && dag.nodes[n].task) out[*dag.nodes[n].task] = n;
  return out;
}

// Whether `to` already waits, directly or not, for `from`... asked the other way round:
// whether `from` can be reached from `to` by following edges forward.
bool reaches(const LogicalDag& dag, size_t from, size_t to) {
  std::vector<bool> seen(dag.nodes.size());
  std::function<bool(size_t)> walk = [&](size_t n) {
    if (n == to) return true;
    if (seen[n]) return false;
    seen[n] = true;
    for (size_t d : dag.dependents(n))
      if (walk(d)) return true;
    return false;
  };
  return walk(from);
}

// A table create_tables makes gets its foreign keys only after every task wrote into its
// connection: its rows need no order.
bool created(const BoundPlan& plan, const TableInfo* table) {
  for (const CreatedTable& c : plan.created)
    if (&c.table == table) return true;
  return false;
}

}  // namespace

void order_by_foreign_keys(LogicalDag& dag, const BoundPlan& plan) {
  std::vector<std::optional<size_t>> node = task_nodes(dag, plan.expansion.size());
  for (size_t child = 0; child < plan.expansion.size(); ++child) {
    for (size_t parent = 0; parent < plan.expansion.size(); ++parent) {
      if (child == parent || !node[child] || !node[parent]) continue;
      for (size_t c : plan.expansion[child]) {
        const BoundTask& ct = plan.tasks[c];
        if (created(plan, ct.target)) continue;
        for (const ForeignKey& fk : ct.target->foreign_keys) {
          std::string schema = fk.ref_schema.empty() ? ct.target->schema : fk.ref_schema;
          for (size_t p : plan.expansion[parent]) {
            const BoundTask& pt = plan.tasks[p];
            if (pt.target_conn != ct.target_conn || pt.target->name != fk.ref_table ||
                pt.target->schema != schema || reaches(dag, *node[child], *node[parent]))
              continue;
            add_edge(dag, DagEdge::Kind::foreign_key, *node[parent], *node[child],
                     ct.target->qualified() + " references " + pt.target->qualified());
          }
        }
      }
    }
  }
  schedule(dag);
}

}  // namespace mig
