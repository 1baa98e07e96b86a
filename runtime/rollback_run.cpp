#include "runtime/rollback_run.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "runtime/plan_session.hpp"
#include "runtime/progress.hpp"
#include "runtime/rollback.hpp"
#include "runtime/rollback_plan.hpp"
#include "runtime/rollback_sql.hpp"
#include "runtime/run.hpp"
#include "runtime/state_store.hpp"
#include "runtime/task_runner.hpp"

namespace fs = std::filesystem;

namespace mig {
namespace {

// One undone task, for the summary.
struct Undone {
  const UndoStep* step = nullptr;
  UndoCounters counters;
};

class PlanRollback {
 public:
  PlanRollback(const RollbackOptions& o, std::ostream& out, std::ostream& err)
      : o_(o), out_(out), err_(err) {}

  int run() {
    int status = kExitOk;
    session_ = open_session(SessionOptions{o_.plan_path, o_.env, o_.params}, err_, status);
    if (!session_) return status;
    if (int s = open_state(); s != kExitOk || !state_) return s;
    if (int s = pick_run(); s != kExitOk || run_id_ == 0) return s;
    if (int s = recover_dead_run(); s != kExitOk) return s;
    if (int s = plan_steps(); s != kExitOk || steps_.empty()) return s;
    if (o_.sql) return write_sql();
    if (int s = confirm(); s != kExitOk) return s;
    return undo();
  }

 private:
  std::string where() const { return session_->where(o_.env); }
  std::string env_name() const { return o_.env.empty() ? "default" : o_.env; }

  int error(int status, const std::string& message) {
    err_ << "migrun: error: " << where() << ": " << message << "\n";
    return status;
  }
  // A note that ends the command without doing anything (and without an error).
  int nothing(const std::string& message) {
    err_ << "migrun: " << where() << ": " << message << "\n";
    return kExitOk;
  }

  int open_state() {
    const CheckedPlan& plan = session_->plan();
    std::string path = StateStore::db_path(plan.settings.state, plan.name, o_.env);
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      if (o_.run) return error(kExitUsage, "no run " + std::to_string(*o_.run) + ": no run yet (" + path + " does not exist)");
      return nothing("no run yet (" + path + " does not exist): nothing to roll back");
    }
    auto state = StateStore::open(path);
    if (!state) return error(kExitFailed, state.error().message);
    state_ = std::make_unique<StateStore>(std::move(*state));
    return kExitOk;
  }

  // `--run`, else the rollback left unfinished, else the newest run that wrote rows.
  int pick_run() {
    if (o_.run) {
      auto rec = state_->run(*o_.run);
      if (!rec) return error(kExitFailed, rec.error().message);
      auto last = state_->last_run();
      if (!last) return error(kExitFailed, last.error().message);
      if (!*rec)
        return error(kExitUsage, "no run " + std::to_string(*o_.run) +
                                     (*last ? " (its runs are 1 to " + std::to_string((*last)->id) + ")"
                                            : " (it has no run yet)"));
      run_id_ = *o_.run;
    } else {
      auto unfinished = state_->unfinished_rollback();
      if (!unfinished) return error(kExitFailed, unfinished.error().message);
      auto last = state_->last_run_with_writes();
      if (!last) return error(kExitFailed, last.error().message);
      if (*unfinished) run_id_ = (*unfinished)->run_id;
      else if (*last) run_id_ = **last;
      else return nothing("no run has written rows: nothing to roll back");
    }
    auto rb = state_->rollback_record(run_id_);
    if (!rb) return error(kExitFailed, rb.error().message);
    if (*rb && (*rb)->status == RollbackStatus::completed) {
      int64_t id = run_id_;
      run_id_ = 0;
      return error(kExitFailed, "run " + std::to_string(id) + " was already rolled back (" +
                                    (*rb)->ended_at.value_or((*rb)->started_at) +
                                    "); name an earlier run with `--run ID` to undo that one too");
    }
    if (*rb && !o_.sql)
      err_ << "migrun: resuming the rollback of run " << run_id_ << " (started "
           << (*rb)->started_at << ", " << status_name((*rb)->status) << ")\n";
    return kExitOk;
  }

  // A run killed between a batch's target commit and its state store commit left that
  // batch's keys only in the target's commit marker: they are saved first, or the
  // rollback would leave those rows behind.
  int recover_dead_run() {
    auto rec = state_->run(run_id_);
    if (!rec || !*rec) return error(kExitFailed, rec ? "run vanished" : rec.error().message);
    RunStatus s = (*rec)->status;
    if (s != RunStatus::running && s != RunStatus::aborted) return kExitOk;
    for (const BoundTask& t : session_->bound.tasks) {
      auto task = state_->task(t.name);
      if (!task) return error(kExitFailed, task.error().message);
      if (!*task || (*task)->run_id != run_id_ || (*task)->state == TaskState::completed) continue;
      TaskContext cx;
      cx.plan = session_->plan().name;
      cx.env = env_name();
      cx.run_id = run_id_;
      cx.state = state_.get();
      auto recovered = recover_unsaved_batch(t.name, *session_->connections.at(t.target_conn), cx);
      if (!recovered) return error(kExitFailed, "task " + t.name + ": " + recovered.error().message);
    }
    return kExitOk;
  }

  int plan_steps() {
    auto steps = plan_undo(session_->bound, *state_, run_id_);
    if (!steps) return error(kExitUsage, steps.error().message);
    steps_ = std::move(*steps);
    if (steps_.empty())
      return nothing("run " + std::to_string(run_id_) + " wrote no rows: nothing to roll back");
    // Undoing a run under a later one would bring back rows the later one changed.
    for (const UndoStep& s : steps_) {
      auto others = state_->other_writers(run_id_, s.target.task);
      if (!others) return error(kExitFailed, others.error().message);
      for (int64_t other : *others) {
        if (other < run_id_) {
          earlier_.push_back("task `" + s.target.task + "` also holds rows of run " + std::to_string(other));
          continue;
        }
        steps_.clear();
        return error(kExitFailed, "run " + std::to_string(other) + " wrote task `" + s.target.task +
                                      "` after run " + std::to_string(run_id_) +
                                      " and is not rolled back: roll back run " + std::to_string(other) +
                                      " first (`migrun rollback " + o_.plan_path + " --run " +
                                      std::to_string(other) + "`)");
      }
    }
    return kExitOk;
  }

  int write_sql() {
    RollbackSqlHeader h{session_->plan().name, env_name(), run_id_, state_->path()};
    if (o_.output.empty()) {
      Status s = write_rollback_sql(out_, h, steps_, *state_);
      return s.ok() ? kExitOk : error(kExitFailed, s.error().message);
    }
    std::ofstream file(o_.output, std::ios::binary);
    if (!file) return error(kExitFailed, "cannot create `" + o_.output + "`");
    Status s = write_rollback_sql(file, h, steps_, *state_);
    file.close();
    if (!s.ok() || !file) {
      std::error_code ec;
      fs::remove(o_.output, ec);
      return error(kExitFailed, s.ok() ? "cannot write `" + o_.output + "`" : s.error().message);
    }
    err_ << "migrun: wrote " << o_.output << "\n";
    return kExitOk;
  }

  std::string describe() const {
    int64_t inserted = 0, updated = 0;
    for (const UndoStep& s : steps_) {
      inserted += s.counts.inserted;
      updated += s.counts.updated;
    }
    return "roll back run " + std::to_string(run_id_) + ": delete " +
           std::to_string(inserted) + " inserted row(s), restore " + std::to_string(updated) +
           " updated row(s) in " + std::to_string(steps_.size()) + " task(s)";
  }

  // Undoing is destructive: `--yes`, or a yes at a terminal's prompt.
  int confirm() {
    if (o_.yes) return kExitOk;
    if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
      return error(kExitUsage, "would " + describe() + "; rerun with --yes to do it (or --sql to see the SQL)");
    err_ << describe() << ". Go on? [y/N] " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    if (answer == "y" || answer == "Y" || answer == "yes") return kExitOk;
    err_ << "migrun: nothing was changed\n";
    return kExitFailed;
  }

  bool interrupted() const { return o_.interrupts && o_.interrupts->load() > 0; }

  int undo() {
    std::vector<std::string> names;
    for (const UndoStep& s : steps_) names.push_back(s.target.task);
    if (Status s = state_->begin_rollback(run_id_, names, o_.argv); !s.ok())
      return error(kExitFailed, s.error().message);
    auto rb = state_->rollback_record(run_id_);
    if (!rb || !*rb) return error(kExitFailed, rb ? "the rollback was not recorded" : rb.error().message);
    auto started = std::chrono::steady_clock::now();
    for (const UndoStep& step : steps_) {
      UndoOutcome out = undo_one(step, (*rb)->started_at);
      done_.push_back(Undone{&step, out.counters});
      if (out.end == UndoOutcome::End::failed) {
        (void)state_->end_rollback(run_id_, RollbackStatus::failed, out.error);
        return error(kExitFailed, "rolling back run " + std::to_string(run_id_) + ", task " +
                                      step.target.task + ": " + out.error +
                                      " (the batches before it are undone; fix the cause and run the same command to go on)");
      }
      if (out.end == UndoOutcome::End::interrupted) {
        (void)state_->end_rollback(run_id_, RollbackStatus::interrupted, "interrupted");
        err_ << "migrun: interrupted; the rollback's progress is saved: run the same command again to finish it\n";
        return kExitInterrupted;
      }
    }
    if (Status s = state_->end_rollback(run_id_, RollbackStatus::completed); !s.ok())
      return error(kExitFailed, s.error().message);
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    summary();
    return kExitOk;
  }

  UndoOutcome undo_one(const UndoStep& step, const std::string& generation) {
    UndoContext cx;
    cx.plan = session_->plan().name;
    cx.env = env_name();
    cx.run_id = run_id_;
    cx.generation = generation;
    cx.state = state_.get();
    const BoundTask* t = session_->bound.task(step.target.task);
    cx.batch_size = o_.batch_size.value_or(t ? t->batch_size : 5000);
    cx.stop = &stop_;
    Progress progress("rollback " + step.target.task, step.counts.inserted + step.counts.updated,
                      o_.quiet || o_.format == "json", err_);
    cx.progress = [&](const UndoCounters& c) {
      if (interrupted()) stop_ = true;
      progress.update(c.deleted + c.absent + c.restored);
    };
    if (interrupted()) stop_ = true;
    UndoOutcome out = undo_task(step.target, *session_->connections.at(step.connection), cx);
    progress.done();
    return out;
  }

  void summary() {
    int64_t rows = 0;
    for (const Undone& d : done_) rows += d.counters.deleted + d.counters.absent + d.counters.restored;
    double rate = seconds_ > 0 ? double(rows) / seconds_ : 0;
    if (o_.format == "json") {
      nlohmann::json j{{"plan", session_->plan().name}, {"env", env_name()}, {"run", run_id_},
                       {"status", "completed"}, {"seconds", seconds_}, {"rows_per_second", int64_t(rate)},
                       {"tasks", nlohmann::json::array()}, {"notes", earlier_}};
      for (const Undone& d : done_)
        j["tasks"].push_back({{"task", d.step->target.task}, {"connection", d.step->connection},
                              {"table", d.step->target.table}, {"deleted", d.counters.deleted},
                              {"absent", d.counters.absent}, {"restored", d.counters.restored},
                              {"reinserted", d.counters.reinserted}});
      out_ << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      return;
    }
    if (o_.quiet) return;
    size_t width = 4;
    for (const Undone& d : done_) width = std::max(width, d.step->target.task.size());
    char line[256];
    out_ << "\nplan " << session_->plan().name << ": run " << run_id_ << " rolled back\n";
    std::snprintf(line, sizeof line, "  %-*s  %10s %10s %10s %10s\n", int(width), "task", "deleted",
                  "absent", "restored", "reinserted");
    out_ << line;
    for (const Undone& d : done_) {
      const UndoCounters& c = d.counters;
      std::snprintf(line, sizeof line, "  %-*s  %10lld %10lld %10lld %10lld\n", int(width),
                    d.step->target.task.c_str(), (long long)c.deleted, (long long)c.absent,
                    (long long)c.restored, (long long)c.reinserted);
      out_ << line;
    }
    for (const std::string& note : earlier_)
      out_ << "note: " << note << ", not rolled back; its progress is forgotten, so the next run starts it over\n";
  }

  const RollbackOptions& o_;
  std::ostream& out_;
  std::ostream& err_;
  std::unique_ptr<PlanSession> session_;
  std::unique_ptr<StateStore> state_;
  int64_t run_id_ = 0;
  std::vector<UndoStep> steps_;
  std::vector<std::string> earlier_;  // notes: other runs' rows the rollback leaves
  std::vector<Undone> done_;
  std::atomic<bool> stop_{false};
  double seconds_ = 0;
};

}  // namespace

int rollback_plan(const RollbackOptions& options, std::ostream& out, std::ostream& err) {
  return PlanRollback(options, out, err).run();
}

}  // namespace mig
