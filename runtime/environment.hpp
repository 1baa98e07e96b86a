// Binding a plan to an environment: which connector each connection uses (`--env NAME`
// replaces some), with `env("VAR")`, `secret("path")` and parameters evaluated and paths
// made relative to the plan's folder. Errors name the connection and what to do.
#pragma once
#include <map>
#include <string>

#include "compiler/plan.hpp"
#include "runtime/connector.hpp"
#include "runtime/result.hpp"

namespace mig {

// The connector of every connection of `plan` in environment `env` ("", or "default" when
// the plan declares no environment of that name: as declared).
// `plan_dir` is the folder of the plan file (sqlite and csv paths are relative to it).
Result<std::map<std::string, ConnectorSpec>> resolve_connectors(const CheckedPlan& plan,
                                                                const std::string& env,
                                                                const std::string& plan_dir);

}  // namespace mig
