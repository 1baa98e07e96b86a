// A task's selection spelled in its source's SQL: the condition its pushed `where`s,
// follows and self-reference make, and `SELECT key FROM table WHERE ...` for the semi-join
// a child follows it by (docs/subsetting.md). Values are bound, names quoted.
#pragma once
#include <string>
#include <vector>

#include "runtime/bound_plan.hpp"
#include "runtime/sql_expr.hpp"

namespace mig {

// `cols IN (SELECT ref_cols FROM parent WHERE ...)`; with `null_passes`, a reference with a
// null column passes (`a IS NULL OR b IS NULL OR (a, b) IN (...)`).
void write_follow(SqlWriter& w, const BoundPlan& plan, const std::vector<std::string>& cols,
                  const BoundTask& parent, const std::vector<std::string>& ref_cols,
                  bool null_passes);

// At least one of the task's foreign-key links is non-null: `(a IS NOT NULL) OR (...)`.
void write_some_link(SqlWriter& w, const BoundTask& t);

// `key IN (WITH RECURSIVE ...)`: the rows whose filters hold and whose self-reference is
// null or points at such a row, transitively (a reference cycle with no root is left out).
void write_self_follow(SqlWriter& w, const BoundPlan& plan, const BoundTask& t);

// The first page's query as the connector sends it (explain shows it).
std::string first_page_sql(const BoundPlan& plan, const BoundTask& t);

}  // namespace mig
