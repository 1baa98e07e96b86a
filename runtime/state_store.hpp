// The state store: one SQLite file per plan and environment (`.mig/state/PLAN.ENV.db`) that
// makes runs resumable and undoable: runs, task states, checkpoints, rejects, written keys,
// crosswalks, fingerprints, validations. Tables are documented in docs/state.md.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "runtime/result.hpp"

namespace mig {

// X(enumerator): the names are the text stored in the file (docs/state.md).
#define MIG_TASK_STATES(X) X(pending) X(running) X(completed) X(failed) X(skipped)
#define MIG_RUN_STATUSES(X) X(running) X(succeeded) X(failed) X(interrupted) X(aborted)
#define MIG_WRITE_ACTIONS(X) X(inserted) X(updated)
#define MIG_ROLLBACK_STATUSES(X) X(running) X(completed) X(failed) X(interrupted)

enum class TaskState {
#define MIG_X(id) id,
  MIG_TASK_STATES(MIG_X)
#undef MIG_X
};
// How a run ended: `aborted` is set by the next run when the process died (kill -9, crash).
enum class RunStatus {
#define MIG_X(id) id,
  MIG_RUN_STATUSES(MIG_X)
#undef MIG_X
};
// What a write did to the target: rollback deletes inserted rows, restores updated ones.
enum class WriteAction {
#define MIG_X(id) id,
  MIG_WRITE_ACTIONS(MIG_X)
#undef MIG_X
};

// How a rollback stands: `running` also when its process died (the next rollback resumes it).
enum class RollbackStatus {
#define MIG_X(id) id,
  MIG_ROLLBACK_STATUSES(MIG_X)
#undef MIG_X
};

const char* state_name(TaskState s);
const char* status_name(RunStatus s);
const char* action_name(WriteAction a);
const char* status_name(RollbackStatus s);

// Rows counted for a task: totals in TaskRecord, increments in BatchProgress.
struct TaskCounters {
  int64_t read = 0;
  int64_t written = 0;
  int64_t rejected = 0;
  int64_t skipped = 0;  // existing rows left alone (`on conflict skip`)
};

// One task's row of `tasks`: its current state and the progress kept across runs.
struct TaskRecord {
  std::string task;
  TaskState state = TaskState::pending;
  std::string reason;                     // why failed / skipped; empty otherwise
  std::optional<int64_t> run_id;          // the last run that changed it
  TaskCounters counters;                  // totals over every run since the last reset
  int64_t batches = 0;                    // batches saved
  std::optional<std::string> checkpoint;  // last key done (encode_key); none: from the start
  std::optional<uint64_t> fingerprint;    // xxh3 of the compiled task that made the progress
  std::optional<std::string> started_at;  // first start since the last reset
  std::optional<std::string> ended_at;    // when it completed, failed or was skipped
};

// One row of `runs`.
struct RunRecord {
  int64_t id = 0;
  std::string plan;
  std::string env;
  std::string started_at;
  std::optional<std::string> ended_at;
  RunStatus status = RunStatus::running;
  std::string argv;  // JSON array of the command line, secrets already removed
  int64_t pid = 0;
  std::string host;
};

// A row that failed a `check` (or that the target refused).
struct RejectEntry {
  std::string key;    // encode_key of the source key
  std::string label;  // the check's label or the reason
  std::string row;    // encode_row of the row as mapped (or as read)
};

// A key the run wrote, for rollback.
struct WrittenKey {
  std::string key;  // encode_key of the target key
  WriteAction action = WriteAction::inserted;
  std::optional<std::string> before_image;  // encode_row of the old row, for `updated`
  // `inserted` only: the entry stands for every integer key from `key` to this one
  // (runtime/written_keys.hpp); none for a single key.
  std::optional<std::string> last;
};

// One pair of a task's crosswalk.
struct CrosswalkEntry {
  std::string source_key;  // encode_key
  std::string target_key;  // encode_key
};

// Everything one batch changes in the state store, saved atomically by save_batch.
struct BatchProgress {
  std::string task;
  int64_t run_id = 0;
  std::optional<std::string> checkpoint;  // the batch's last key; none keeps the old one
  TaskCounters delta;                     // added to the task's totals
  std::vector<RejectEntry> rejects;
  std::vector<WrittenKey> written;
  std::vector<CrosswalkEntry> crosswalk;
};

// One evaluated `expect`.
struct ValidationRecord {
  int64_t run_id = 0;
  std::string name;                 // the assertion as written: `expect unique(email)`
  std::optional<std::string> task;  // none for a plan-level expect
  bool passed = false;
  std::string details = "{}";  // JSON object with the numbers
  std::string checked_at;      // filled in by add_validation
};

// A written key with its place in `written_keys` (the order a rollback undoes, and its
// checkpoint).
struct WrittenKeyRow {
  int64_t id = 0;
  WrittenKey written;
};

// How many keys a run's task inserted and updated.
struct WrittenCounts {
  int64_t inserted = 0;
  int64_t updated = 0;
};

// Rows a rollback undid: totals in RollbackTaskRecord, increments per batch.
struct UndoCounters {
  int64_t deleted = 0;     // inserted rows deleted
  int64_t absent = 0;      // inserted rows that were already gone (nothing to delete)
  int64_t restored = 0;    // updated rows given their before-image back
  int64_t reinserted = 0;  // of those, rows deleted since the run (inserted again)
};

// One row of `rollbacks`: the undoing of one run.
struct RollbackRecord {
  int64_t run_id = 0;  // the run undone
  RollbackStatus status = RollbackStatus::running;
  std::string reason;  // why it failed or stopped
  std::string started_at;
  std::optional<std::string> ended_at;
};

// One row of `rollback_tasks`: how far the undoing of one task of the run has come.
struct RollbackTaskRecord {
  std::string task;
  int64_t position = 0;            // undo order (children before parents)
  bool completed = false;
  std::optional<int64_t> next_id;  // written keys with an id >= this are undone; none: no batch yet
  int64_t batches = 0;             // batches saved (the next commit marker is batches + 1)
  UndoCounters counters;
};

class StateStore {
 public:
  // How a command uses the store.
  enum class Access {
    exclusive,  // run, reset, rollback: creates the file, takes the lock, writes
    read_only,  // status, reports: no lock, no writes; the file must exist
  };

  // `DIR/PLAN.ENV.db`; names are kept to [A-Za-z0-9_-] (other bytes as %XX, so that no
  // name can leave DIR); an empty env is `default`.
  static std::string db_path(const std::string& dir, const std::string& plan,
                             const std::string& env);

  // Opens (with `exclusive`: creates, with its directories) and checks the schema version:
  // a newer version is refused with the versions in the message; with `exclusive`, a
  // second migrun on the same file is refused with the holder's pid, host and start time.
  static Result<StateStore> open(const std::string& path, Access access = Access::exclusive);
  // A private in-memory store (tests and --dry-run): same schema, no file, no lock.
  static Result<StateStore> open_in_memory();

  StateStore(StateStore&&) noexcept;
  StateStore& operator=(StateStore&&) noexcept;
  ~StateStore();

  const std::string& path() const;
  // The schema version of the open file (kStateSchemaVersion after open).
  int schema_version() const;

  // Starts a run (status `running`) and returns its id. Earlier runs still marked running
  // died without saying so: they become `aborted`, and their running tasks `pending`.
  Result<int64_t> begin_run(const std::string& plan, const std::string& env,
                            const std::vector<std::string>& argv);
  Status end_run(int64_t run_id, RunStatus status);
  Result<std::optional<RunRecord>> run(int64_t run_id);
  Result<std::optional<RunRecord>> last_run();

  Result<std::optional<TaskRecord>> task(const std::string& name);
  // Every task with a row, by name.
  Result<std::vector<TaskRecord>> tasks();
  // Moves a task to `state` (creating its row). Entering `running` keeps the first start
  // time; completed/failed/skipped set the end time; `reason` says why (skipped, failed).
  Status set_task_state(const std::string& task, TaskState state, int64_t run_id,
                        const std::string& reason = "");

  // Saves one batch in ONE transaction: checkpoint, counters, rejects, written keys and
  // crosswalk entries all land, or (on any error, or a crash) none do.
  Status save_batch(const BatchProgress& batch);

  // Records crosswalk entries on their own, before the target is written (keys made by
  // uuid() must survive a crash so that a resumed run reuses them). The first recorded
  // target key of a source key wins; later ones are ignored.
  Status put_crosswalk(const std::string& task, int64_t run_id,
                       std::span<const CrosswalkEntry> entries);
  // Target key recorded for a source key, and the other way round.
  Result<std::optional<std::string>> lookup_crosswalk(const std::string& task,
                                                      const std::string& source_key);
  Result<std::optional<std::string>> lookup_crosswalk_source(const std::string& task,
                                                             const std::string& target_key);
  // Every entry of a task's crosswalk in source-key order, streamed (may be millions).
  Status for_each_crosswalk(const std::string& task,
                            const std::function<void(const CrosswalkEntry&)>& fn);

  Result<std::optional<uint64_t>> fingerprint(const std::string& task);
  Status set_fingerprint(const std::string& task, uint64_t fingerprint);

  // Forgets the progress of the tasks whose names match a pattern (`*` matches any run of
  // characters; no patterns: every task): their task rows and crosswalks. Rejects, written
  // keys and validations stay, as history of the runs that made them (rollback needs them).
  // Returns the names reset.
  Result<std::vector<std::string>> reset(std::span<const std::string> patterns);

  // Rejects of a run (all tasks when `task` is empty), in the order saved.
  Status for_each_reject(
      int64_t run_id, const std::string& task,
      const std::function<void(const std::string& task, const RejectEntry&)>& fn);
  // Keys written by a run's task, newest first (the order rollback undoes them in).
  Status for_each_written_key(int64_t run_id, const std::string& task,
                              const std::function<void(const WrittenKey&)>& fn);
  // Tasks that wrote keys in a run.
  Result<std::vector<std::string>> tasks_written(int64_t run_id);

  Status add_validation(const ValidationRecord& v);
  Result<std::vector<ValidationRecord>> validations(int64_t run_id);

  // ---- rollback (`migrun rollback`, docs/rollback.md); schema version 2 ----

  // The newest run that wrote keys (what `rollback` undoes without `--run`).
  Result<std::optional<int64_t>> last_run_with_writes();
  // Inserted and updated keys of a run's task.
  Result<WrittenCounts> count_written(int64_t run_id, const std::string& task);
  // At most `limit` of a run's task's written keys with an id below `before_id` (none:
  // from the newest), newest first.
  Result<std::vector<WrittenKeyRow>> written_keys_page(int64_t run_id, const std::string& task,
                                                       std::optional<int64_t> before_id,
                                                       int64_t limit);
  // Other runs that wrote `task` and have not been rolled back, ascending.
  Result<std::vector<int64_t>> other_writers(int64_t run_id, const std::string& task);

  Result<std::optional<RollbackRecord>> rollback_record(int64_t run_id);
  // The newest rollback that did not complete (killed, interrupted, failed), if any.
  Result<std::optional<RollbackRecord>> unfinished_rollback();
  // Starts or resumes the rollback of `run_id`: its row becomes `running` (with this
  // process's argv, pid and host), with one row per task in `tasks` (undo order; rows of
  // an earlier attempt are kept). Runs still marked running died: they become `aborted`
  // and their running tasks `pending`, as begin_run does.
  Status begin_rollback(int64_t run_id, const std::vector<std::string>& tasks,
                        const std::vector<std::string>& argv);
  // The rollback's tasks in undo order.
  Result<std::vector<RollbackTaskRecord>> rollback_tasks(int64_t run_id);
  // Saves one undone batch in ONE transaction: the task's next_id, counters and batch count.
  Status save_rollback_batch(int64_t run_id, const std::string& task, int64_t next_id,
                             const UndoCounters& delta);
  Status complete_rollback_task(int64_t run_id, const std::string& task);
  // Ends a rollback. `completed` also forgets, in the same transaction, the progress of
  // the tasks it undid (their task rows and crosswalks, as `reset` does): the next run
  // starts them from the beginning.
  Status end_rollback(int64_t run_id, RollbackStatus status, const std::string& reason = "");

 private:
  struct Impl;
  explicit StateStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mig
