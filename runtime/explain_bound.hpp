// `migc explain --env/--schema`: what binding decided for each task — the tables, key,
// the SQL sent to the source with the filters pushed down, what the runtime evaluates
// itself, the columns written and whether the task keeps a crosswalk.
#pragma once
#include <string>

#include "runtime/bound_plan.hpp"

namespace mig {

std::string explain_bound_text(const BoundPlan& plan);

}  // namespace mig
