// Parents before children across tasks: for every foreign key a task's target table
// declares towards a table another task writes in the same connection, the parent's task
// runs first (unless that would close a cycle, which needs `fk_checks = deferred`). With
// `fk_checks = on`, and on targets that cannot turn checks off (PostgreSQL), a child row
// then always finds its parent. Tables that create_tables makes are left free: their
// foreign keys are added after the data, so their tasks may run at once. The tables of one
// pattern copy are ordered by follow_foreign_keys.
#pragma once
#include "compiler/dag.hpp"
#include "runtime/bound_plan.hpp"

namespace mig {

// Adds `foreign_key` edges between task nodes of `dag` (a copy of the plan's DAG) and
// schedules it again.
void order_by_foreign_keys(LogicalDag& dag, const BoundPlan& plan);

}  // namespace mig
