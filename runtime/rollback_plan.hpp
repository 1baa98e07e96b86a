// What undoing a run involves: the tasks it wrote, each with its target table, key and
// connection taken from the bound plan, in the order to undo them (children before
// parents). Shared by `migrun rollback` and `rollback.sql`.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/bound_plan.hpp"
#include "runtime/rollback.hpp"
#include "runtime/state_store.hpp"

namespace mig {

// One task of the run to undo.
struct UndoStep {
  UndoTarget target;
  std::string connection;       // the target connection's name
  std::string dialect;          // its dialect (sqlite, postgres, mariadb, csv)
  bool key_is_primary = false;  // the target key is the table's primary key (upserts need one)
  WrittenCounts counts;         // rows the run inserted and updated
};

// The tasks run `run_id` wrote, in undo order. An error names a task the plan no longer
// has, or whose target key changed since the run.
Result<std::vector<UndoStep>> plan_undo(const BoundPlan& plan, StateStore& state, int64_t run_id);

// A task to order for undoing: its target table on its connection.
struct UndoOrderItem {
  std::string task;
  std::string connection;
  const TableInfo* table = nullptr;
};

// The order to undo `items`, given in the order the run wrote them: children before
// parents (a task whose table has a foreign key to another's table, on the same
// connection, comes first), else the reverse of the given order. A cycle of foreign keys
// is broken at the task written last. Returns indexes into `items`.
std::vector<size_t> undo_order(const std::vector<UndoOrderItem>& items);

}  // namespace mig
