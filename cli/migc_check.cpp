// `migc check PLAN...`: every diagnostic of every plan; exit 0 clean, 1 errors, 2 usage.
#include <iostream>

#include "cli/migc_commands.hpp"
#include "compiler/compile.hpp"

namespace mig::cli {

void setup_check(CLI::App& app, CheckOptions& o) {
  app.add_option("plans", o.plans, "plan files")->required()->check(CLI::ExistingFile);
  app.add_option("--param", o.params, "NAME=VALUE, checked against the parameter's type");
  app.add_option("--format", o.format, "text (for people) or json (for CI annotations)")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_option("-W", o.warnings, "-Werror: treat warnings as errors")
      ->check(CLI::IsMember({"error"}));
  add_catalog_options(app, o.catalogs);
}

int run_check(const CheckOptions& o) {
  std::string error;
  AnalyseOptions options;
  collect_params(o.params, options, error);
  options.stdlib_dir = default_stdlib_dir();
  if (!error.empty()) {
    std::cerr << "migc: error: " << error << "\n";
    return 2;
  }
  bool failed = false;
  for (const std::string& path : o.plans) {
    Compilation c = compile_file(path, options, o.catalogs.given() ? Stage::lower : Stage::analyse);
    if (!c.read_error.empty()) {
      std::cerr << "migc: error: " << c.read_error << "\n";
      return 2;
    }
    if (c.ok() && o.catalogs.given()) {
      std::string bind_error;
      bind_for_review(c, path, o.catalogs, bind_error);
      if (!bind_error.empty()) {
        std::cerr << "migc: error: " << path << ": " << bind_error << "\n";
        return 1;
      }
    }
    if (o.warnings == "error") c.diags.promote_warnings();
    if (o.format == "json") std::cout << render_json(c.diags, c.sources);
    else std::cerr << render_text(c.diags, c.sources);
    failed = failed || c.diags.has_errors();
  }
  return failed ? 1 : 0;
}

}  // namespace mig::cli
