// migrun: execute a plan (`migrun PLAN` = `migrun run PLAN`), show its status, reset it,
// roll a run back, validate the data.
#include <csignal>
#include <cstring>
#include <iostream>
#include <unistd.h>

#include "cli/migrun_commands.hpp"

namespace {

std::atomic<int> g_interrupts{0};

// First Ctrl+C: finish the batch in flight and save. Second: leave at once; the batch
// protocol makes that safe too (the next run redoes or recovers the batch).
void on_interrupt(int) {
  if (g_interrupts.fetch_add(1) >= 1) _exit(130);
}

}  // namespace

int main(int argc, char** argv) {
  // `migrun PLAN ...` means `migrun run PLAN ...`.
  std::vector<std::string> args(argv, argv + argc);
  static const char* kCommands[] = {"run", "status", "reset", "rollback", "validate", "-h", "--help"};
  if (args.size() > 1 && std::none_of(std::begin(kCommands), std::end(kCommands),
                                      [&](const char* c) { return args[1] == c; }))
    args.insert(args.begin() + 1, "run");
  std::vector<char*> cargv;
  for (std::string& a : args) cargv.push_back(a.data());

  CLI::App app{"migrun — execute .mig migration plans: resumable batches, reports, state in SQLite"};
  app.require_subcommand(1);
  mig::cli::RunArgs run;
  mig::cli::StatusArgs status;
  mig::cli::ResetArgs reset;
  mig::cli::setup_run(*app.add_subcommand("run", "run or resume the plan (the default command)"), run);
  mig::cli::setup_status(*app.add_subcommand("status", "per task: state, rows, last checkpoint"), status);
  mig::cli::setup_reset(*app.add_subcommand("reset", "forget progress (all tasks, or --only)"), reset);
  mig::cli::RollbackArgs rollback;
  mig::cli::ValidateArgs validate;
  mig::cli::setup_rollback(*app.add_subcommand("rollback", "undo the writes of the last run (or --run ID)"), rollback);
  mig::cli::setup_validate(*app.add_subcommand("validate", "evaluate every expect against the data as it is now"), validate);
  try {
    app.parse(int(cargv.size()), cargv.data());
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (app.got_subcommand("status")) return mig::cli::run_status(status);
  if (app.got_subcommand("reset")) return mig::cli::run_reset(reset);
  if (app.got_subcommand("validate")) {
    validate.options.argv.assign(argv, argv + argc);
    return mig::cli::run_validate(validate);
  }
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  if (app.got_subcommand("rollback")) {
    rollback.options.interrupts = &g_interrupts;
    rollback.options.argv.assign(argv, argv + argc);
    return mig::cli::run_rollback(rollback);
  }
  run.options.interrupts = &g_interrupts;
  run.options.argv.assign(argv, argv + argc);
  return mig::cli::run_run(run);
}
