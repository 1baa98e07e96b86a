#include "runtime/plan_session.hpp"

#include <filesystem>
#include <ostream>

#include "runtime/binder.hpp"
#include "runtime/connect.hpp"
#include "runtime/environment.hpp"
#include "runtime/run.hpp"

namespace fs = std::filesystem;

namespace mig {

std::string PlanSession::where(const std::string& env) const {
  return "plan " + plan().name + (env.empty() ? "" : " (env " + env + ")");
}

std::unique_ptr<PlanSession> open_session(const SessionOptions& o, std::ostream& err,
                                          int& exit_code) {
  auto s = std::make_unique<PlanSession>();
  auto usage = [&](const std::string& message) {
    err << "migrun: error: " << message << "\n";
    exit_code = kExitUsage;
    return nullptr;
  };
  AnalyseOptions options;
  std::string error;
  collect_params(o.params, options, error);
  if (!error.empty()) return usage(error);
  options.require_params = true;
  options.stdlib_dir = default_stdlib_dir();
  s->compilation = compile_file(o.plan_path, options);
  Compilation& c = s->compilation;
  if (!c.read_error.empty()) return usage(c.read_error);
  err << render_text(c.diags, c.sources);
  if (!c.ok()) {
    exit_code = kExitUsage;
    return nullptr;
  }
  std::string where = s->where(o.env);
  std::string plan_dir = fs::absolute(o.plan_path).parent_path().string();
  auto specs = resolve_connectors(*c.plan, o.env, plan_dir);
  if (!specs) return usage(where + ": " + specs.error().message);
  std::map<std::string, Catalog> catalogs;
  for (const auto& [name, spec] : *specs) {
    auto conn = connect(spec);
    auto catalog = conn ? (*conn)->introspect() : Result<Catalog>(conn.error());
    if (!catalog) {
      err << "migrun: error: " << where << ": " << (conn ? "reading the catalog of" : "connection")
          << " `" << name << "`: " << catalog.error().message << "\n";
      exit_code = kExitFailed;
      return nullptr;
    }
    catalogs[name] = std::move(*catalog);
    s->connections[name] = std::move(*conn);
  }
  auto params = param_values(*c.plan);
  if (!params) return usage(where + ": " + params.error().message);
  Diagnostics diags;
  s->bound = bind(*c.plan, *c.dag, std::move(*specs), std::move(catalogs), std::move(*params), diags);
  err << render_text(diags, c.sources);
  if (diags.has_errors()) {
    exit_code = kExitUsage;
    return nullptr;
  }
  exit_code = kExitOk;
  return s;
}

}  // namespace mig
