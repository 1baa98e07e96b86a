// The binder: a checked plan + the catalogs of its connections -> the physical plan.
// Expands patterns, resolves tables, columns, keys and types, checks what needs a schema
// (spec section 9: unknown tables and columns with did-you-mean, type mismatches, NOT NULL
// columns nothing fills, keys), and splits filters into pushed-down SQL and runtime work.
#pragma once
#include <map>
#include <string>

#include "compiler/diagnostics.hpp"
#include "compiler/plan.hpp"
#include "runtime/bound_plan.hpp"

namespace mig {

// Parameter values as runtime values: `--param` text parsed by type, else the default.
// A required parameter without a value is an error naming it.
Result<std::map<std::string, Value>> param_values(const CheckedPlan& plan);

// Binds every task; problems are diagnostics at the plan's spans. `catalogs` and `specs`
// are moved into the result, which points into `plan` and `dag` (keep them alive).
BoundPlan bind(const CheckedPlan& plan, const LogicalDag& dag,
               std::map<std::string, ConnectorSpec> specs,
               std::map<std::string, Catalog> catalogs, std::map<std::string, Value> params,
               Diagnostics& diags);

}  // namespace mig
