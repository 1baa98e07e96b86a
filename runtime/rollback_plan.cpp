#include "runtime/rollback_plan.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace mig {
namespace {

// Whether `child`'s table has a foreign key to `parent`'s (same connection, other task).
bool references(const UndoOrderItem& child, const UndoOrderItem& parent) {
  if (child.connection != parent.connection || !child.table || !parent.table) return false;
  for (const ForeignKey& fk : child.table->foreign_keys) {
    std::string schema = fk.ref_schema.empty() ? child.table->schema : fk.ref_schema;
    if (fk.ref_table == parent.table->name && schema == parent.table->schema) return true;
  }
  return false;
}

// Each bound task's place in the order the run walks them (the DAG's topological order,
// ties broken by declaration).
std::map<std::string, size_t> run_order(const BoundPlan& plan) {
  std::map<std::string, size_t> rank;
  auto add = [&](size_t bound) { rank.emplace(plan.tasks[bound].name, rank.size()); };
  if (plan.dag)
    for (size_t node : plan.dag->order)
      if (const DagNode& n = plan.dag->nodes[node]; n.kind == DagNode::Kind::task && n.task)
        for (size_t b : plan.expansion.at(*n.task)) add(b);
  for (size_t b = 0; b < plan.tasks.size(); ++b) add(b);  // anything the DAG left out
  return rank;
}

Result<UndoStep> step_for(const BoundPlan& plan, const std::string& name, int64_t run_id) {
  const BoundTask* t = plan.task(name);
  if (!t || !t->target)
    return Error{"run " + std::to_string(run_id) + " wrote task `" + name + "`, which plan " +
                 plan.plan->name +
                 " no longer has: restore the plan as it was for that run, then roll back"};
  UndoStep s;
  s.connection = t->target_conn;
  auto catalog = plan.catalogs.find(t->target_conn);
  s.dialect = catalog == plan.catalogs.end() ? "" : catalog->second.dialect;
  s.target.task = name;
  s.target.schema = t->target->schema;
  s.target.table = t->target->name;
  s.target.key = t->target_key;
  s.target.update_only = t->is_update;
  for (const ColumnInfo& c : t->target->columns) s.target.columns.push_back(c.name);
  std::set<std::string> key(t->target_key.begin(), t->target_key.end());
  std::set<std::string> primary(t->target->primary_key.begin(), t->target->primary_key.end());
  s.key_is_primary = !key.empty() && key == primary;
  return s;
}

}  // namespace

Result<std::vector<UndoStep>> plan_undo(const BoundPlan& plan, StateStore& state, int64_t run_id) {
  Result<std::vector<std::string>> written = state.tasks_written(run_id);
  if (!written.ok()) return written.take_error();
  std::map<std::string, size_t> rank = run_order(plan);
  std::sort(written->begin(), written->end(), [&](const std::string& a, const std::string& b) {
    auto ra = rank.find(a), rb = rank.find(b);
    size_t x = ra == rank.end() ? rank.size() : ra->second;
    size_t y = rb == rank.end() ? rank.size() : rb->second;
    return x != y ? x < y : a < b;
  });
  std::vector<UndoStep> steps;
  std::vector<UndoOrderItem> items;
  for (const std::string& name : *written) {
    Result<UndoStep> s = step_for(plan, name, run_id);
    if (!s.ok()) return s.take_error();
    Result<WrittenCounts> counts = state.count_written(run_id, name);
    if (!counts.ok()) return counts.take_error();
    s->counts = *counts;
    items.push_back(UndoOrderItem{name, s->connection, plan.task(name)->target});
    steps.push_back(std::move(*s));
  }
  std::vector<UndoStep> ordered;
  for (size_t i : undo_order(items)) ordered.push_back(std::move(steps[i]));
  return ordered;
}

std::vector<size_t> undo_order(const std::vector<UndoOrderItem>& items) {
  std::vector<size_t> pending;  // the reverse of the run's order: the last written first
  for (size_t i = items.size(); i-- > 0;) pending.push_back(i);
  std::vector<size_t> out;
  while (!pending.empty()) {
    // The first pending task that no other pending task references; on a cycle, the first.
    auto free = std::find_if(pending.begin(), pending.end(), [&](size_t p) {
      return std::none_of(pending.begin(), pending.end(), [&](size_t c) {
        return c != p && items[c].task != items[p].task && references(items[c], items[p]);
      });
    });
    if (free == pending.end()) free = pending.begin();
    out.push_back(*free);
    pending.erase(free);
  }
  return out;
}

}  // namespace mig
