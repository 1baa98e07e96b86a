// `rollback.sql`: the SQL that undoes one run, for a person to review and apply with the
// target's own client (sqlite3, psql, mariadb) instead of `migrun rollback`. It is built
// from the state store's written keys a page at a time (never all keys in memory), in the
// order `migrun rollback` undoes them, with values as literals of each target's dialect
// (runtime/sql_literal.hpp) and identifiers quoted for it.
#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "runtime/bound_plan.hpp"
#include "runtime/rollback_plan.hpp"
#include "runtime/state_store.hpp"

namespace mig {

// Who the script is for, for its header.
struct RollbackSqlHeader {
  std::string plan;
  std::string env;
  int64_t run_id = 0;
  std::string state_path;
};

// Writes the script undoing `steps` (plan_undo's order) to `out`. An error when a target's
// dialect has no SQL (CSV) or a value no literal (named in the message); `out` then holds
// a partial script and must be discarded.
Status write_rollback_sql(std::ostream& out, const RollbackSqlHeader& header,
                          const std::vector<UndoStep>& steps, StateStore& state);

// `FOLDER/rollback.sql` for run `run_id` of `plan` (the reports of every run): written to a
// temporary name and renamed, so a reader never sees half a script.
Status write_rollback_sql_file(const std::string& folder, const BoundPlan& plan,
                               StateStore& state, int64_t run_id);

}  // namespace mig
