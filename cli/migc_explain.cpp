// `migc explain PLAN`: the DAG as text (for review), dot (for graphviz) or json.
#include <iostream>

#include "cli/migc_commands.hpp"
#include "compiler/compile.hpp"
#include "compiler/explain.hpp"
#include "runtime/explain_bound.hpp"

namespace mig::cli {

void setup_explain(CLI::App& app, ExplainOptions& o) {
  app.add_option("plan", o.plan, "plan file")->required()->check(CLI::ExistingFile);
  app.add_option("--param", o.params, "NAME=VALUE");
  app.add_option("--format", o.format, "text, dot or json")
      ->check(CLI::IsMember({"text", "dot", "json"}));
  add_catalog_options(app, o.catalogs);
}

int run_explain(const ExplainOptions& o) {
  std::string error;
  AnalyseOptions options;
  collect_params(o.params, options, error);
  options.stdlib_dir = default_stdlib_dir();
  if (!error.empty()) {
    std::cerr << "migc: error: " << error << "\n";
    return 2;
  }
  Compilation c = compile_file(o.plan, options);
  if (!c.read_error.empty()) {
    std::cerr << "migc: error: " << c.read_error << "\n";
    return 2;
  }
  std::optional<BoundPlan> bound;
  if (c.ok() && o.catalogs.given()) {
    std::string bind_error;
    bound = bind_for_review(c, o.plan, o.catalogs, bind_error);
    if (!bind_error.empty()) {
      std::cerr << "migc: error: " << o.plan << ": " << bind_error << "\n";
      return 1;
    }
  }
  std::cerr << render_text(c.diags, c.sources);
  if (!c.ok()) return 1;
  if (o.format == "dot") std::cout << explain_dot(*c.plan, *c.dag);
  else if (o.format == "json") std::cout << explain_json(*c.plan, *c.dag);
  else std::cout << explain_text(*c.plan, *c.dag) << (bound ? explain_bound_text(*bound) : "");
  return 0;
}

}  // namespace mig::cli
