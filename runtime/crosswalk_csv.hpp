// `crosswalk_TASK.csv` in a run's reports folder: for every task that writes a key
// different from its source key (BoundTask::rekeys), each pair (source key, target key) of
// its crosswalk, so that people and other systems can translate old ids into new ones.
// Header `old_COL,...,new_COL,...` (the source key columns, then the target key columns);
// one line per entry in the state store's order; values in their canonical text, null as
// an empty field; fields quoted as RFC 4180 says (csv_field). Streamed from the state store
// row by row: memory does not grow with the crosswalk.
#pragma once
#include <ostream>
#include <string>

#include "runtime/bound_plan.hpp"
#include "runtime/result.hpp"
#include "runtime/state_store.hpp"

namespace mig {

// `crosswalk_TASK.csv`, with every byte of the task's name outside [A-Za-z0-9_-] spelled
// %XX, so that a hostile table name cannot leave the folder or clash with another file.
std::string crosswalk_csv_name(const std::string& task);

// Writes one task's crosswalk to `out`. An error when a stored key cannot be decoded or
// has a different number of values than the task's key columns.
Status write_crosswalk_csv(std::ostream& out, const BoundTask& task, StateStore& state);

// Writes `FOLDER/crosswalk_TASK.csv` for every task of `plan` that rekeys (a temporary
// name, then renamed: a reader never sees half a file).
Status write_crosswalk_csvs(const std::string& folder, const BoundPlan& plan, StateStore& state);

}  // namespace mig
