// What a run tells people and machines: `reports/PLAN/RUN_ID/` with summary.txt (for a
// person), report.json (the same for tools), rejects.csv (every rejected row with its
// reason) and validation.json (every `expect` with its numbers). Built from the state store, so a resumed run reports what really happened.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/bound_plan.hpp"
#include "runtime/state_store.hpp"
#include "runtime/validate.hpp"

namespace mig {

class RunReport {
 public:
  // Records a task's totals as the state store has them; `note` says why it stopped or
  // was not run ("already completed", a failure).
  void add_task(const BoundTask& task, const TaskRecord& record, const std::string& note);
  // Puts the tasks in this order, and the expects in plan order (parallel nodes are
  // added as they finish).
  void sort(const std::vector<std::string>& task_order);
  // Records an evaluated `expect`.
  void add_expect(const ExpectResult& result) { expects_.push_back(result); }
  // The table a person reads at the end of a run.
  std::string summary(const std::string& status) const;
  // Writes the report folder; returns its path.
  Result<std::string> write(const std::string& dir, const std::string& plan, int64_t run_id,
                            const std::string& status, StateStore& state);

 private:
  struct Entry {
    std::string task, from, to, note;
    TaskRecord record;
  };
  std::vector<Entry> tasks_;
  std::vector<ExpectResult> expects_;
  std::string plan_;
  int64_t run_id_ = 0;
  int64_t rejects_ = 0;
};

// The `expectations:` lines of a summary (nothing when there is no expect).
std::string expects_summary(const std::vector<ExpectResult>& expects);
// The content of validation.json: one object per expect.
nlohmann::json validation_json(const std::vector<ExpectResult>& expects);

// `a,"b ""c""",d`: one CSV field, quoted when it must be.
std::string csv_field(const std::string& text);

}  // namespace mig
