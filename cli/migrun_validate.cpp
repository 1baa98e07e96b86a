// `migrun validate PLAN`: the flags, then one call into the runtime (runtime/validate_run.hpp).
#include <iostream>

#include "cli/migrun_commands.hpp"

namespace mig::cli {

void setup_validate(CLI::App& app, ValidateArgs& a) {
  ValidateOptions& o = a.options;
  app.description(
      "evaluate every `expect` of the plan against the data as it is now, copying nothing; "
      "exit 1 when one fails");
  app.footer(
      "Results are printed like a run's summary and saved in the state store and in "
      "reports/PLAN/RUN_ID/validation.json (a validation is a run of its own).");
  app.add_option("plan", o.plan_path, "plan file")->required()->check(CLI::ExistingFile);
  app.add_option("--env", o.env, "environment whose connectors replace the declared ones");
  app.add_option("--param", o.params, "NAME=VALUE (also MIG_PARAM_NAME)");
  app.add_option("--format", o.format, "text or json")->check(CLI::IsMember({"text", "json"}));
  app.add_option("--reports", o.reports_dir, "folder for reports (default: the plan's setting)");
  app.add_flag("--parity", o.parity,
               "also compare every task's source rows, mapped, with its target rows "
               "(`expect parity`), whether or not the task declares it");
  app.add_flag("--quiet,-q", o.quiet, "no summary");
}

int run_validate(ValidateArgs& a) { return validate_plan(a.options, std::cout, std::cerr); }

}  // namespace mig::cli
