// Runs one bound task batch by batch: read a keyset page, filter, map, check, write it
// in one target transaction with a commit marker, then save the batch's progress in the
// state store. A crash anywhere leaves either the marker (the batch is recovered from it)
// or nothing (the batch is redone): every row lands exactly once.
#pragma once
#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "runtime/bound_plan.hpp"
#include "runtime/connector.hpp"
#include "runtime/state_store.hpp"

namespace mig {

// What a task run needs from the run around it.
struct TaskContext {
  std::string plan;
  std::string env;
  int64_t run_id = 0;
  StateStore* state = nullptr;
  const std::map<std::string, Value>* params = nullptr;
  const std::atomic<bool>* stop = nullptr;  // set by Ctrl+C: stop after the batch in flight
  std::optional<int64_t> limit;             // --limit: at most this many rows read
  std::optional<int64_t> batch_size;        // --batch-size: overrides the task's
  // Called after each saved batch with the task's totals (progress line, logs).
  std::function<void(const TaskCounters& totals)> progress;
};

// How a task run ended.
struct TaskOutcome {
  // limited: `--limit` stopped it before its source was exhausted (a partial run).
  enum class End { completed, failed, interrupted, limited } end = End::completed;
  std::string error;         // for failed: what happened, where, and what to do
  TaskCounters counters;     // this run's rows
  int64_t batches = 0;       // this run's batches
};

// Saves the batch of `task` that the target committed but the state store never saw (the
// process died between the two commits), from the progress its commit marker carries,
// under run `cx.run_id`; whether there was one. A resumed task does this first, and so
// does a rollback before it reads the keys a dead run wrote.
Result<bool> recover_unsaved_batch(const std::string& task, Connector& target,
                                   const TaskContext& cx);

// Runs (or resumes) `task` from its checkpoint in the state store. The caller marks the
// task `running` first: its first start time tells this task's commit markers from those
// of a run that was reset.
TaskOutcome run_task(const BoundTask& task, const CheckedPlan& plan, Connector& source,
                     Connector& target, const TaskContext& cx);

}  // namespace mig
