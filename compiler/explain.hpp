// `migc explain`: the checked plan and its logical DAG printed for a reviewer (text), for
// Graphviz (dot) or for tools (json). Every URL password is shown as `***`.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "compiler/dag.hpp"
#include "compiler/plan.hpp"

namespace mig {

// Plan, connections, environments, params, settings in effect, then the nodes in run order
// (tasks with their key, batch, conflict policy, filters, map, checks and expects), the
// waves, and the edges with their reasons.
std::string explain_text(const CheckedPlan& plan, const LogicalDag& dag);
// A Graphviz digraph: one node per DAG node, edges labelled with their reasons.
std::string explain_dot(const CheckedPlan& plan, const LogicalDag& dag);
// The same facts as explain_text, as a JSON document with a stable key order.
nlohmann::ordered_json explain_json_value(const CheckedPlan& plan, const LogicalDag& dag);
// explain_json_value, pretty-printed (two spaces) with a final newline.
std::string explain_json(const CheckedPlan& plan, const LogicalDag& dag);

}  // namespace mig
