// A plan-level `expect EXPR` (spec section 7), such as the split check of seed 003:
//   expect count(new.staff) + count(new.patients) == count(old.users)
// Each `count(CONN.TABLE)` and `sql(CONN, "select ...")` is one query on its connection;
// the rest (numbers, parameters, + - * /, comparisons, and/or/not) is computed exactly as
// in any expression (runtime/eval_ops.hpp). The outcome names every value it used.
#pragma once
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "runtime/bound_plan.hpp"
#include "runtime/connector.hpp"

namespace mig {

struct PlanExpressionOutcome {
  bool passed = false;
  std::string details;   // `count(new.staff) = 40, count(new.patients) = 59, count(old.users) = 100`
  nlohmann::json values = nlohmann::json::object();  // the same, for validation.json
};

Result<PlanExpressionOutcome> evaluate_plan_expression(
    const Expr& e, const BoundPlan& plan, std::map<std::string, std::unique_ptr<Connector>>& conns);

}  // namespace mig
