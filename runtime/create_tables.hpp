// Running `create_tables = true`: the missing target tables are created when their
// connection is prepared, and their foreign keys added when it is finished (after every
// task writing into it). A commit marker written before each CREATE remembers the foreign
// keys still to add, so a run stopped anywhere in between adds them when it is resumed
// (the binder then finds the table and plans nothing).
#pragma once
#include <functional>
#include <memory>
#include <string>

#include "runtime/bound_plan.hpp"
#include "runtime/connector.hpp"

namespace mig {

// Creates the tables of `plan.created` that live in connection `conn`.
Status create_missing_tables(const BoundPlan& plan, const std::string& conn, Connector& target,
                             const std::string& plan_name, const std::string& env);

// Opens another connection to the same database.
using ConnectAgain = std::function<Result<std::unique_ptr<Connector>>()>;

// Adds the foreign keys of every table this plan created in `conn` (in this run or an
// earlier one) and forgets its marker. Validations run at once, up to `parallel`, each on
// a connection of `again`'s.
Status add_pending_foreign_keys(const BoundPlan& plan, const std::string& conn, Connector& target,
                                const std::string& plan_name, const std::string& env,
                                const ConnectAgain& again, size_t parallel);

}  // namespace mig
