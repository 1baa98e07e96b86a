// The physical plan: a checked plan bound to real catalogs. Patterns are expanded, every
// column, key and type is resolved, filters are split into SQL pushed to the source and
// expressions left to the runtime. `migc explain --env` prints it; `migrun` executes it.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/dag.hpp"
#include "compiler/plan.hpp"
#include "runtime/catalog.hpp"
#include "runtime/connector.hpp"

namespace mig {

// One target column and how it is computed.
struct OutputColumn {
  std::string name;                  // target column
  const Expr* expr = nullptr;        // `col = expr`; null: copied from source_column
  std::optional<size_t> source_column;  // `*` (or `col = col`): index in BoundTask::read_columns
  Type type;                         // the target column's type
  std::optional<int> fraction_digits;  // a timestamp column keeping fewer than 6 (time_precision.hpp)
};

// A `follow COL -> TASK` the runtime must apply itself (its parent reads another source,
// or filters rows the source cannot): keys are checked against the parent's selection
// kept in the state store.
struct RuntimeFollow {
  std::vector<size_t> columns;       // indexes in BoundTask::read_columns
  std::string parent;                // the parent task
  std::vector<BaseType> parent_types;  // of the parent's key: values are compared as these
  bool null_passes = false;          // a foreign key: a null reference points nowhere, kept
};

// A `follow` pushed into the source query; kept so that a child of this task can push
// its own follow through it (a chain becomes nested subqueries).
struct FollowLink {
  std::vector<std::string> columns;  // this task's columns
  std::string parent;                // the task followed
  bool null_passes = false;          // a foreign key: a null reference points nowhere, kept
};

// How a task's rows are selected (explain shows it; docs/subsetting.md).
enum class Selection {
  all,        // a task of its own with no filter: every row
  filtered,   // a `where` (and maybe follows)
  followed,   // only follows: rows its parents' rows reach
  reference,  // a table of a pattern copy with no applicable filter: every row
};

// A `check` with its resolved action.
struct BoundCheck {
  const Clause* clause = nullptr;
  CheckAction action = CheckAction::reject;
  std::string label;                 // `as "..."`, else the expression text
};

struct BoundTask {
  std::string name;                  // unique; a pattern copy gives one per table (its name)
  const Task* task = nullptr;        // the checked task it came from
  bool is_update = false;
  std::string source_conn;           // read from (an update reads its target)
  std::string target_conn;
  const TableInfo* source = nullptr;
  const TableInfo* target = nullptr;
  std::vector<std::string> key;        // source key columns (batches, checkpoints)
  std::vector<std::string> read_columns;  // selected from the source, key first
  std::vector<OutputColumn> outputs;   // target columns written, in target table order
  std::vector<std::string> target_key; // target columns that identify the row
  bool rekeys = false;                 // target key differs from the source key: crosswalk
  std::vector<SqlFilter> pushed;       // `where`/`follow` spelled in the source's SQL
  std::vector<std::string> pushed_text;  // the same, as the plan wrote them (explain)
  std::vector<const Expr*> pushed_exprs;   // the pushed `where` conjuncts (for subqueries)
  std::vector<FollowLink> pushed_follows;  // the pushed follows (for subqueries)
  std::vector<const Expr*> residual;   // `where` conjuncts the runtime evaluates
  std::vector<RuntimeFollow> follows;  // follows applied by the runtime
  // `follow foreign keys` through a self-reference: a row is kept when its filters hold and
  // its reference is null or points at a kept row (a recursive query; docs/subsetting.md).
  std::vector<std::string> self_follow;
  bool needs_link = false;             // followed only by foreign keys: one must be non-null
  std::vector<std::string> not_followed;  // foreign keys left alone, and why (explain)
  Selection selection = Selection::all;
  bool records_selection = false;      // a child follows it at runtime: keys go to the state store
  std::vector<BoundCheck> checks;
  int64_t batch_size = 5000;
  ConflictPolicy on_conflict = ConflictPolicy::fail;
  CheckAction on_error = CheckAction::reject;
  std::optional<int64_t> confirm_above;
  std::string read_sql;                // the first page's query, for explain
  uint64_t fingerprint = 0;            // of everything above that changes what is written
};

// A target table that `create_tables = true` creates because it was missing when the plan
// was bound: columns from the task's map, with the target dialect's types
// (runtime/table_ddl.hpp), the task's key as primary key, and the source's foreign keys
// between copied tables (added after the data).
struct CreatedTable {
  std::string conn;
  TableInfo table;
};

// A table a pattern copy leaves out (`skip`), for explain.
struct SkippedTable {
  std::string conn;
  std::string table;    // qualified
  std::string pattern;  // the `skip` pattern that matched
};

struct BoundPlan {
  const CheckedPlan* plan = nullptr;
  std::string env;                                // `--env`, or "default"
  std::map<std::string, ConnectorSpec> specs;     // per connection, env() and secret() applied
  std::map<std::string, Catalog> catalogs;        // per connection
  std::vector<BoundTask> tasks;                   // in declaration order, patterns expanded
  std::vector<std::vector<size_t>> expansion;     // CheckedPlan::tasks index -> its BoundTasks
  const LogicalDag* dag = nullptr;                // the logical DAG; a task node runs all of
                                                  // its expansion
  std::map<std::string, Value> params;            // parameter values, typed
  std::vector<SkippedTable> skipped;              // tables left out by `skip` patterns
  std::deque<CreatedTable> created;               // tables to create (stable addresses:
                                                  // BoundTask::target points here)

  const BoundTask* task(const std::string& name) const;
};

}  // namespace mig
