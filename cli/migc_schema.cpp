// `migc schema --env ENV PLAN > FILE`: snapshot the catalogs a plan reads and writes, so
// that `migc check --schema FILE` can review it in CI without database access. Also the
// binding shared by `check --env/--schema` and `explain --env/--schema`.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/migc_commands.hpp"
#include "runtime/binder.hpp"
#include "runtime/catalog_json.hpp"
#include "runtime/connect_plan.hpp"

namespace mig::cli {

void add_catalog_options(CLI::App& app, CatalogSource& c) {
  app.add_option("--env", c.env, "bind to this environment's databases (reads their catalogs)");
  app.add_option("--schema", c.schema_file, "bind to a `migc schema` snapshot instead")
      ->check(CLI::ExistingFile);
}

std::optional<BoundPlan> bind_for_review(Compilation& c, const std::string& plan_path,
                                         const CatalogSource& source, std::string& error) {
  std::map<std::string, Catalog> catalogs;
  std::map<std::string, ConnectorSpec> specs;
  if (!source.schema_file.empty()) {
    std::ifstream in(source.schema_file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    auto loaded = catalogs_from_json(text.str());
    if (!loaded) {
      error = "`" + source.schema_file + "`: " + loaded.error().message;
      return std::nullopt;
    }
    catalogs = std::move(*loaded);
    for (const auto& [name, conn] : c.plan->connections)
      if (!catalogs.count(name)) {
        error = "`" + source.schema_file + "` has no catalog for connection `" + name +
                "` (make it again with `migc schema`)";
        return std::nullopt;
      }
  } else {
    auto connected = connect_plan(*c.plan, source.env, plan_path);
    if (!connected) {
      error = connected.error().message;
      return std::nullopt;
    }
    catalogs = std::move(connected->catalogs);
    specs = std::move(connected->specs);
  }
  auto params = param_values(*c.plan);
  if (!params) params = std::map<std::string, Value>();  // review without --param: no pushdown values
  BoundPlan bound = mig::bind(*c.plan, *c.dag, std::move(specs), std::move(catalogs),
                              std::move(*params), c.diags);
  bound.env = source.env;
  return bound;
}

void setup_schema(CLI::App& app, SchemaOptions& o) {
  app.add_option("plan", o.plan, "plan file")->required()->check(CLI::ExistingFile);
  app.add_option("--env", o.env, "environment whose databases are read");
  app.add_option("--param", o.params, "NAME=VALUE");
}

int run_schema(const SchemaOptions& o) {
  AnalyseOptions options;
  std::string error;
  collect_params(o.params, options, error);
  options.stdlib_dir = default_stdlib_dir();
  Compilation c = compile_file(o.plan, options, Stage::analyse);
  if (!c.read_error.empty() || !error.empty()) {
    std::cerr << "migc: error: " << (error.empty() ? c.read_error : error) << "\n";
    return 2;
  }
  std::cerr << render_text(c.diags, c.sources);
  if (!c.ok()) return 1;
  auto connected = connect_plan(*c.plan, o.env, o.plan);
  if (!connected) {
    std::cerr << "migc: error: " << connected.error().message << "\n";
    return 1;
  }
  std::cout << catalogs_to_json(connected->catalogs);
  return 0;
}

}  // namespace mig::cli
