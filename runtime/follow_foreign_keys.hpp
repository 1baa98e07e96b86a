// `follow foreign keys` (docs/subsetting.md), decided once every task is bound: which
// declared foreign keys each task follows (towards a task that is itself filtered), with
// cycles between tables broken and a self-reference followed recursively; then each
// pattern copy's tables are ordered parents first and classified (filtered, followed,
// reference).
#pragma once
#include "runtime/bound_plan.hpp"

namespace mig {

void follow_foreign_keys(BoundPlan& plan);

}  // namespace mig
