// Undoing a run's writes (`migrun rollback`, docs/rollback.md): the keys the run wrote are
// read back from the state store newest first and undone batch by batch in the target —
// rows it inserted deleted, rows it updated given their before-image back — each batch in
// ONE target transaction carrying a commit marker, then saved in the state store. This is
// the batch protocol of docs/architecture.md run backwards: a rollback killed at any
// instant resumes where it stopped and applies every batch exactly once.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "runtime/connector.hpp"
#include "runtime/state_store.hpp"

namespace mig {

// Where one task's rows are in its target.
struct UndoTarget {
  std::string task;
  std::string schema;                // empty: the connection's default
  std::string table;
  std::vector<std::string> key;      // target key columns, as the written keys list them
  std::vector<std::string> columns;  // the table's columns in table order (before-images
                                     // are written in this order; others are refused)
  bool update_only = false;          // an `update` task: its before-images hold only the key
                                     // and the `set` columns, so they are restored with
                                     // UPDATE alone; a row deleted since counts as absent
};

// What undoing a task needs from the rollback around it.
struct UndoContext {
  std::string plan;
  std::string env;
  int64_t run_id = 0;       // the run undone
  std::string generation;   // the rollback's first start: tells its markers from stale ones
  StateStore* state = nullptr;
  int64_t batch_size = 5000;
  const std::atomic<bool>* stop = nullptr;  // Ctrl+C: stop after the batch in flight
  // Called after each saved batch with the task's totals.
  std::function<void(const UndoCounters& totals)> progress;
};

// How undoing a task ended.
struct UndoOutcome {
  enum class End { completed, failed, interrupted } end = End::completed;
  std::string error;       // for failed: what happened and where
  UndoCounters counters;   // the task's totals over every attempt
  int64_t batches = 0;     // batches of this attempt
};

// Undoes (or resumes undoing) `t`'s writes of run `cx.run_id` in `target`. The state store
// must hold the rollback's row for the task (StateStore::begin_rollback).
UndoOutcome undo_task(const UndoTarget& t, Connector& target, const UndoContext& cx);

// A written key's values (value_json), checked against the target key's columns.
Result<Row> undo_key(const UndoTarget& t, const std::string& key);
// An updated key's before-image as a one-row batch, columns in table order; an error for a
// column the table no longer has, or a missing key column.
Result<Batch> undo_image(const UndoTarget& t, const WrittenKey& written);

// The task name of a rollback's commit markers: `rollback/RUN/TASK` (a task's own markers
// are named by the task alone, so the two never meet).
std::string undo_marker_task(int64_t run_id, const std::string& task);

}  // namespace mig
