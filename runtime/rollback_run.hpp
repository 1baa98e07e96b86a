// `migrun rollback PLAN`: the command written out once — compile and bind the plan, take
// the state store's lock, pick the run and refuse what must not be undone (an unknown run,
// one already rolled back, one a later run wrote over), recover a batch a killed run left
// unsaved, then undo task by task (runtime/rollback.hpp) or print the SQL instead
// (runtime/rollback_sql.hpp). Returns the exit status (0, 1, 2, 130).
#pragma once
#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace mig {

struct RollbackOptions {
  std::string plan_path;
  std::string env;                  // `--env`
  std::vector<std::string> params;  // `--param NAME=VALUE` (the plan must bind)
  std::optional<int64_t> run;       // `--run ID`; none: the unfinished rollback, else the
                                    // newest run that wrote rows
  bool sql = false;                 // `--sql`: write the SQL, change nothing
  std::string output;               // `--output FILE` for --sql; empty: stdout
  bool yes = false;                 // no confirmation prompt
  std::string format = "text";      // text | json (the result)
  std::optional<int64_t> batch_size;  // keys per target transaction (default: the task's batch)
  bool quiet = false;
  std::vector<std::string> argv;    // for the state store (no secrets in it)
  const std::atomic<int>* interrupts = nullptr;  // Ctrl+C count, from the signal handler
};

int rollback_plan(const RollbackOptions& options, std::ostream& out, std::ostream& err);

}  // namespace mig
