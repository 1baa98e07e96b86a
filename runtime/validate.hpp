// Evaluating `expect` assertions (spec section 7) against the data as it is now: the
// counters in the state store (`count == source`, `rejects`) and set-based queries on the
// target (`unique`, `not_null`, `no orphans in`, plan-level `count(...)`/`sql(...)`).
// Every assertion is evaluated even after another failed; each result carries its numbers.
#pragma once
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/bound_plan.hpp"
#include "runtime/state_store.hpp"

namespace mig {

struct ExpectResult {
  std::string name;       // `expect unique(email)`
  std::string task;       // empty at plan level
  bool evaluated = true;  // false: this version cannot evaluate it (`details` says why)
  bool passed = false;
  std::string details;    // the numbers, for people: `2 duplicate values of (email)`
  size_t assertion = 0;   // CheckedPlan::assertions index (reports list them in plan order)
  nlohmann::json data = nullptr;  // the numbers, for programs (validation.json): parity's counts
};

// Evaluates assertion `index` of the plan (task-level ones once per bound task).
std::vector<ExpectResult> evaluate_expect(size_t index, const BoundPlan& plan, StateStore& state,
                                          std::map<std::string, std::unique_ptr<Connector>>& conns);

// `expect parity` on one bound task (runtime/parity.hpp), as `migrun validate --parity` asks
// it of every task; `assertion` is the index reports sort it by.
ExpectResult evaluate_parity(const BoundTask& task, const BoundPlan& plan, StateStore& state,
                             std::map<std::string, std::unique_ptr<Connector>>& conns,
                             size_t assertion);

}  // namespace mig
