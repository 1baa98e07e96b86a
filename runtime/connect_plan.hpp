// Opening every connection of a plan in an environment and reading their catalogs: what
// `migrun`, `migc check --env`, `migc explain --env` and `migc schema` all start with.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "compiler/plan.hpp"
#include "runtime/connector.hpp"

namespace mig {

struct ConnectedPlan {
  std::map<std::string, ConnectorSpec> specs;
  std::map<std::string, Catalog> catalogs;
  std::map<std::string, std::unique_ptr<Connector>> connections;
};

// Errors name the connection and the cause (never a password).
Result<ConnectedPlan> connect_plan(const CheckedPlan& plan, const std::string& env,
                                   const std::string& plan_path);

}  // namespace mig
