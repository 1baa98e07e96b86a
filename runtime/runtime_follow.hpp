// A follow migrun applies itself (BoundTask::follows: the parent's selection is not SQL of
// the child's source): the row's reference, typed as the parent's key, must be one of the
// keys the parent delivered to the target, which the parent records in the state store's
// crosswalk. The task runner filters by it, and parity expects the same rows.
#pragma once
#include "runtime/bound_plan.hpp"
#include "runtime/state_store.hpp"

namespace mig {

// Whether `row` (read_columns order) points at a delivered parent row; a null reference
// passes when the follow is a nullable foreign key.
Result<bool> row_follows(const Row& row, const RuntimeFollow& f, StateStore& state);

}  // namespace mig
