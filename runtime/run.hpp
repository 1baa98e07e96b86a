// `migrun PLAN`: the runtime pipeline written out once — compile, bind to the
// environment's databases, check the state store, walk the DAG with the scheduler, run
// each task, validate, and write the reports. Returns the exit status (0, 1, 2, 130).
#pragma once
#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace mig {

struct RunOptions {
  std::string plan_path;
  std::string env;                        // `--env`; empty: connectors as declared
  std::vector<std::string> params;        // NAME=VALUE
  bool dry_run = false;
  bool yes = false;                       // confirm every `confirm above`
  bool quiet = false;
  bool verbose = false;
  std::vector<std::string> only, skip;    // task patterns
  std::optional<std::vector<std::string>> force;  // `--force` (empty: every task)
  std::optional<int64_t> batch_size, parallel, limit;
  std::string reports_dir;                // `--reports`; empty: the plan's setting
  std::string log_format = "text";        // text | json
  std::vector<std::string> argv;          // for the run record (no secrets in it)
  const std::atomic<int>* interrupts = nullptr;  // Ctrl+C count, from the signal handler
};

// Runs or resumes the plan; prints progress and the summary to `out`, problems to `err`.
int run_plan(const RunOptions& options, std::ostream& out, std::ostream& err);

// Exit statuses (RUNTIME.md).
constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInterrupted = 130;

}  // namespace mig
