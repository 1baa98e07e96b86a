// `migrun validate PLAN`: every `expect` of the plan evaluated against the data as it is
// now, without copying anything (runtime/validate.hpp does the evaluating, as after a
// run). The evaluation is a run of its own in the state store (its results go to
// `validations`) with a reports folder holding validation.json and summary.txt. Returns
// the exit status: 0 every evaluated expect passed, 1 one failed, 2 a plan or usage error.
// `--parity` adds `expect parity` (runtime/parity.hpp) to every task that does not declare it.
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

namespace mig {

struct ValidateOptions {
  std::string plan_path;
  std::string env;                  // `--env`
  std::vector<std::string> params;  // `--param NAME=VALUE`
  std::string format = "text";      // text | json (the results on stdout)
  std::string reports_dir;          // `--reports`; empty: the plan's setting
  bool quiet = false;
  bool parity = false;              // `--parity`: every task's parity, declared or not
  std::vector<std::string> argv;    // for the run record (no secrets in it)
};

int validate_plan(const ValidateOptions& options, std::ostream& out, std::ostream& err);

}  // namespace mig
