#include "runtime/connect_plan.hpp"

#include <filesystem>

#include "runtime/connect.hpp"
#include "runtime/environment.hpp"

namespace mig {

Result<ConnectedPlan> connect_plan(const CheckedPlan& plan, const std::string& env,
                                   const std::string& plan_path) {
  std::string plan_dir = std::filesystem::absolute(plan_path).parent_path().string();
  auto specs = resolve_connectors(plan, env, plan_dir);
  if (!specs) return specs.take_error();
  ConnectedPlan out;
  out.specs = std::move(*specs);
  for (const auto& [name, spec] : out.specs) {
    auto conn = connect(spec);
    if (!conn) return Error{"connection `" + name + "`: " + conn.error().message};
    auto catalog = (*conn)->introspect();
    if (!catalog)
      return Error{"reading the catalog of `" + name + "`: " + catalog.error().message};
    out.catalogs[name] = std::move(*catalog);
    out.connections[name] = std::move(*conn);
  }
  return out;
}

}  // namespace mig
