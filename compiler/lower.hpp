// Lowering: a checked plan becomes the logical DAG (nodes for tasks, expects and the
// prepare/finish of each target connection; edges with their reasons). No database needed:
// patterns stay patterns until the binder expands them.
#pragma once
#include "compiler/dag.hpp"
#include "compiler/plan.hpp"

namespace mig {

// Builds the DAG and its schedule (order and waves). Never fails: analysis has rejected
// cycles already, and one that slips through leaves its nodes in `unordered`.
LogicalDag lower(const CheckedPlan& plan);

}  // namespace mig
