// The `migrun` subcommands: each has an args struct, setup_X (its flags) and run_X.
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "runtime/rollback_run.hpp"
#include "runtime/run.hpp"
#include "runtime/validate_run.hpp"

namespace mig::cli {

struct RunArgs {
  RunOptions options;
  std::string only, skip, force;  // comma-separated patterns
  bool force_given = false;
};
void setup_run(CLI::App& app, RunArgs& a);
int run_run(RunArgs& a);

struct StatusArgs {
  std::string plan;
  std::string env;
  std::string format = "text";
};
void setup_status(CLI::App& app, StatusArgs& a);
int run_status(const StatusArgs& a);

struct ResetArgs {
  std::string plan;
  std::string env;
  std::string only;
};
void setup_reset(CLI::App& app, ResetArgs& a);
int run_reset(const ResetArgs& a);

struct RollbackArgs {
  RollbackOptions options;
};
void setup_rollback(CLI::App& app, RollbackArgs& a);
int run_rollback(RollbackArgs& a);

struct ValidateArgs {
  ValidateOptions options;
};
void setup_validate(CLI::App& app, ValidateArgs& a);
int run_validate(ValidateArgs& a);

// `a,b,c` -> {a, b, c}.
std::vector<std::string> split_patterns(const std::string& text);

}  // namespace mig::cli
