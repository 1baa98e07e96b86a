// `migrun rollback PLAN`: the flags, then one call into the runtime (runtime/rollback_run.hpp).
#include <iostream>

#include "cli/migrun_commands.hpp"

namespace mig::cli {

void setup_rollback(CLI::App& app, RollbackArgs& a) {
  RollbackOptions& o = a.options;
  app.description(
      "undo a run's writes: delete the rows it inserted, give the rows it updated their old "
      "values back, children before parents, in resumable batches");
  app.footer(
      "Without --run: an unfinished rollback is resumed, else the newest run that wrote rows is "
      "undone. Rows that existed before the run are never deleted. Refused while another migrun "
      "holds the plan's lock, for a run already rolled back, and for a run a later run wrote "
      "over (roll that one back first). See docs/rollback.md.");
  app.add_option("plan", o.plan_path, "plan file")->required()->check(CLI::ExistingFile);
  app.add_option("--run", o.run, "the run to undo (its id: reports/PLAN/ID, migrun status)")
      ->check(CLI::PositiveNumber);
  app.add_option("--env", o.env, "environment the run used");
  app.add_option("--param", o.params, "NAME=VALUE, when the plan needs it to bind");
  app.add_flag("--sql", o.sql,
               "print the SQL that undoes the run (rollback.sql) instead of executing it");
  app.add_option("--output,-o", o.output, "with --sql: write the SQL to this file");
  app.add_flag("--yes", o.yes, "do not ask for confirmation");
  app.add_option("--batch-size", o.batch_size, "keys undone per target transaction")
      ->check(CLI::PositiveNumber);
  app.add_option("--format", o.format, "the result as text or json")
      ->check(CLI::IsMember({"text", "json"}));
  app.add_flag("--quiet,-q", o.quiet, "no progress and no summary");
}

int run_rollback(RollbackArgs& a) { return rollback_plan(a.options, std::cout, std::cerr); }

}  // namespace mig::cli
