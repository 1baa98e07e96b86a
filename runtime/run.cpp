#include "runtime/run.hpp"

#include <fnmatch.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <iostream>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "compiler/compile.hpp"
#include "compiler/join.hpp"
#include "runtime/binder.hpp"
#include "runtime/connect.hpp"
#include "runtime/create_tables.hpp"
#include "runtime/crosswalk_csv.hpp"
#include "runtime/environment.hpp"
#include "runtime/fk_order.hpp"
#include "runtime/orphans.hpp"
#include "runtime/progress.hpp"
#include "runtime/reports.hpp"
#include "runtime/rollback_sql.hpp"
#include "runtime/scheduler.hpp"
#include "runtime/state_store.hpp"
#include "runtime/task_runner.hpp"
#include "runtime/validate.hpp"

#include <nlohmann/json.hpp>

namespace fs = std::filesystem;

namespace mig {
namespace {

// `--only`/`--skip`/`--force` patterns: `TABLE`, `SCHEMA.TABLE`, `SCHEMA.*`, `*.TABLE`,
// matched against the task's name (a pattern copy's is its source `SCHEMA.TABLE`) and its
// target table (`*.TABLE` also matches a table that has no schema, as in SQLite). Not the
// source table: `--force items` must not redo every task that reads `items`.
bool matches(const BoundTask& t, const std::vector<std::string>& patterns) {
  for (const std::string& p : patterns) {
    for (const std::string& name : {t.name, t.target->qualified(), t.target->name})
      if (fnmatch(p.c_str(), name.c_str(), 0) == 0) return true;
    for (const std::string& name : {t.name, t.target->name})
      if (p.rfind("*.", 0) == 0 && name.find('.') == std::string::npos &&
          fnmatch(p.c_str() + 2, name.c_str(), 0) == 0)
        return true;
  }
  return false;
}

// Everything one run holds, so that the steps below stay short.
class PlanRun {
 public:
  PlanRun(const RunOptions& o, std::ostream& out, std::ostream& err) : o_(o), out_(out), err_(err) {}

  int run() {
    if (int status = compile(); status != kExitOk) return status;
    if (int status = connect_all(); status != kExitOk) return status;
    if (int status = bind_plan(); status != kExitOk) return status;
    if (o_.dry_run) return dry_run();
    if (int status = open_state(); status != kExitOk) return status;
    if (int status = check_fingerprints(); status != kExitOk) return finish(status);
    return finish(walk());
  }

 private:
  std::string where() const { return "plan " + plan_name() + (o_.env.empty() ? "" : " (env " + o_.env + ")"); }
  std::string plan_name() const { return c_.plan ? c_.plan->name : o_.plan_path; }

  int usage(const std::string& message) {
    err_ << "migrun: error: " << message << "\n";
    return kExitUsage;
  }

  int compile() {
    AnalyseOptions options;
    std::string error;
    collect_params(o_.params, options, error);
    if (!error.empty()) return usage(error);
    options.require_params = true;
    options.stdlib_dir = default_stdlib_dir();
    c_ = compile_file(o_.plan_path, options);
    if (!c_.read_error.empty()) return usage(c_.read_error);
    err_ << render_text(c_.diags, c_.sources);
    return c_.ok() ? kExitOk : kExitUsage;
  }

  int connect_all() {
    std::string plan_dir = fs::absolute(o_.plan_path).parent_path().string();
    auto specs = resolve_connectors(*c_.plan, o_.env, plan_dir);
    if (!specs) return usage(where() + ": " + specs.error().message);
    specs_ = std::move(*specs);
    for (const auto& [name, spec] : specs_) {
      auto conn = connect(spec);
      if (!conn) {
        err_ << "migrun: error: " << where() << ": connection `" << name
             << "`: " << conn.error().message << "\n";
        return kExitFailed;
      }
      auto catalog = (*conn)->introspect();
      if (!catalog) {
        err_ << "migrun: error: " << where() << ": reading the catalog of `" << name
             << "`: " << catalog.error().message << "\n";
        return kExitFailed;
      }
      catalogs_[name] = std::move(*catalog);
      connections_[name] = std::move(*conn);
    }
    return kExitOk;
  }

  int bind_plan() {
    auto params = param_values(*c_.plan);
    if (!params) return usage(where() + ": " + params.error().message);
    Diagnostics diags;
    bound_ = mig::bind(*c_.plan, *c_.dag, specs_, catalogs_, std::move(*params), diags);
    err_ << render_text(diags, c_.sources);
    return diags.has_errors() ? kExitUsage : kExitOk;
  }

  bool selected(const BoundTask& t) const {
    if (!o_.only.empty() && !matches(t, o_.only)) return false;
    return !matches(t, o_.skip);
  }

  int dry_run() {
    out_ << "dry run of " << where() << ": nothing is written\n";
    for (const CreatedTable& c : bound_.created)
      out_ << "  would create " << c.conn << "." << c.table.qualified() << " (create_tables = true)\n";
    for (const BoundTask& t : bound_.tasks) {
      if (!selected(t)) continue;
      ReadRequest req{t.source->schema, t.source->name, t.read_columns, t.key, std::nullopt, t.pushed, 0};
      auto n = connections_.at(t.source_conn)->count(req);
      out_ << "  " << t.name << ": " << t.source->qualified() << " -> " << t.target_conn << "."
           << t.target->qualified() << ", "
           << (n ? std::to_string(*n) + " rows selected" : "cannot count: " + n.error().message)
           << (t.residual.empty() ? "" : " before runtime filters") << "\n";
    }
    return kExitOk;
  }

  int open_state() {
    std::string dir = c_.plan->settings.state;
    auto path = StateStore::db_path(dir, c_.plan->name, o_.env);
    auto state = StateStore::open(path);
    if (!state) {
      err_ << "migrun: error: " << where() << ": " << state.error().message << "\n";
      return kExitFailed;
    }
    state_ = std::make_unique<StateStore>(std::move(*state));
    auto run = state_->begin_run(c_.plan->name, o_.env.empty() ? "default" : o_.env, o_.argv);
    if (!run) {
      err_ << "migrun: error: " << where() << ": " << run.error().message << "\n";
      return kExitFailed;
    }
    run_id_ = *run;
    if (o_.force) {  // the tasks the patterns match, by name (no patterns: every task)
      std::vector<std::string> names;
      for (const BoundTask& t : bound_.tasks)
        if (o_.force->empty() || matches(t, *o_.force)) names.push_back(t.name);
      if (names.empty() && !o_.force->empty()) return usage("--force: no task matches " + join(*o_.force));
      if (auto r = state_->reset(names); !r) return usage(r.error().message);
    }
    return kExitOk;
  }

  // A task edited after a partial run would mix two versions of its rows: refuse it.
  int check_fingerprints() {
    for (const BoundTask& t : bound_.tasks) {
      auto rec = state_->task(t.name);
      if (!rec || !*rec || !(*rec)->fingerprint) continue;
      const TaskRecord& r = **rec;
      if (*r.fingerprint == t.fingerprint) continue;
      if (r.state == TaskState::completed) {
        err_ << "migrun: note: task `" << t.name
             << "` changed since it completed; it is not rerun (use `--force " << t.name
             << "` to redo it)\n";
        continue;
      }
      if (!r.checkpoint) continue;
      err_ << "migrun: error: " << where() << ": task `" << t.name
           << "` changed since its partial run (" << r.counters.written
           << " rows written); rerun with `--force " << t.name
           << "` to redo it from the start, or restore the plan\n";
      return kExitUsage;
    }
    return kExitOk;
  }

  // Walks the DAG: up to `parallel` nodes at once, each task on its own thread with its
  // own connections (the scheduler decides, this loop only starts and collects).
  int walk() {
    int64_t parallel = o_.parallel.value_or(c_.plan->settings.parallel);
    LogicalDag dag = *c_.dag;  // plus the order the target's foreign keys ask for
    order_by_foreign_keys(dag, bound_);
    Scheduler s(dag, size_t(parallel));
    bool failed = false, interrupted = false;
    std::vector<std::thread> threads;
    std::vector<std::pair<size_t, Scheduler::Outcome>> finished;
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
      for (size_t node : interrupted ? std::vector<size_t>{} : s.ready()) {
        s.started(node);
        threads.emplace_back([this, node, &finished, &failed, &interrupted] {
          Scheduler::Outcome outcome = run_node(c_.dag->nodes[node], failed, interrupted);
          std::lock_guard<std::mutex> g(mutex_);
          finished.emplace_back(node, outcome);
          done_.notify_one();
        });
      }
      if (s.running() == 0) break;
      done_.wait(lock, [&] { return !finished.empty(); });
      for (auto [node, outcome] : finished) s.finished(node, outcome);
      finished.clear();
    }
    lock.unlock();
    for (std::thread& t : threads) t.join();
    for (size_t n = 0; n < c_.dag->nodes.size(); ++n)
      if (s.state(n) == Scheduler::State::blocked && c_.dag->nodes[n].task)
        for (size_t b : bound_.expansion[*c_.dag->nodes[n].task])
          (void)state_->set_task_state(bound_.tasks[b].name, TaskState::skipped, run_id_,
                                       "a task it depends on failed");
    if (interrupted) return kExitInterrupted;
    return failed || expect_failed_ ? kExitFailed : kExitOk;
  }

  Scheduler::Outcome run_node(const DagNode& node, bool& failed, bool& interrupted) {
    if (node.kind == DagNode::Kind::task) {
      for (size_t b : bound_.expansion[*node.task]) {
        TaskOutcome::End end = run_one(bound_.tasks[b]);
        std::lock_guard<std::mutex> g(mutex_);
        if (end == TaskOutcome::End::interrupted) interrupted = true;
        if (end == TaskOutcome::End::failed) failed = true;
        // A task stopped by `--limit` is partial but not broken: its dependents run too.
        if (end != TaskOutcome::End::completed && end != TaskOutcome::End::limited)
          return Scheduler::Outcome::failed;
      }
      return Scheduler::Outcome::ok;
    }
    if (node.kind == DagNode::Kind::prepare || node.kind == DagNode::Kind::finish) {
      std::lock_guard<std::mutex> shared(shared_);
      if (Status st = prepare_or_finish(node); !st.ok()) {
        std::lock_guard<std::mutex> g(mutex_);
        err_ << "migrun: error: " << where() << ": " << node.label << ": " << st.error().message << "\n";
        failed = true;
        return Scheduler::Outcome::failed;
      }
    }
    if (node.kind == DagNode::Kind::expect && node.assertion) return validate(*node.assertion);
    return Scheduler::Outcome::ok;
  }

  // A target's prepare node: its before-hooks, then the tables `create_tables` makes; its
  // finish node: the foreign keys of those tables, then its after-hooks.
  Status prepare_or_finish(const DagNode& node) {
    Connector& target = *connections_.at(node.connection);
    std::string env = o_.env.empty() ? "default" : o_.env;
    if (node.kind == DagNode::Kind::finish) {
      if (node.toggles_fk_checks)
        if (Status st = verify_foreign_keys(node.connection, target); !st.ok()) return st;
      ConnectAgain again = [&] { return connect(specs_.at(node.connection)); };
      size_t parallel = size_t(o_.parallel.value_or(c_.plan->settings.parallel));
      if (Status st = add_pending_foreign_keys(bound_, node.connection, target, c_.plan->name, env,
                                               again, parallel);
          !st.ok())
        return st;
    }
    for (size_t h : node.hooks) {
      const Stmt* hook = c_.plan->hooks[h];
      if (Status st = target.execute(hook->sql); !st.ok())
        return Error{std::string("`") + (hook->after ? "after" : "before") + " " + node.connection +
                     " sql`: " + st.error().message};
    }
    if (node.kind == DagNode::Kind::prepare)
      return create_missing_tables(bound_, node.connection, target, c_.plan->name, env);
    return Status::success();
  }

  // After a load with `fk_checks = deferred`: no row of a table this plan wrote into
  // `conn` may point at a missing parent (the engine did not check while loading).
  Status verify_foreign_keys(const std::string& conn, Connector& target) {
    std::set<std::string> written;
    for (const BoundTask& t : bound_.tasks)
      if (t.target_conn == conn) written.insert(t.target->qualified());
    Result<Catalog> now = target.introspect();  // fresh: it sees the tables created by this run
    if (!now.ok()) return now.error();
    Result<std::vector<OrphanCount>> counts = count_orphans(*now, target, written);
    if (!counts.ok()) return counts.error();
    std::string broken = describe_orphans(*counts);
    if (broken.empty()) return Status::success();
    return Error{"foreign keys broken after loading with fk_checks = deferred (" + broken +
                 " rows point at missing parents): copy the parents too (`follow`, or a copy "
                 "of the parent table), or set fk_checks = on to have such rows rejected"};
  }

  // Evaluates one `expect` (once per task of a pattern); a failure fails the run at the
  // end, after every other assertion has been evaluated too.
  Scheduler::Outcome validate(size_t assertion) {
    std::lock_guard<std::mutex> g(shared_);  // the main connections are shared
    bool ok = true;
    for (const ExpectResult& r : evaluate_expect(assertion, bound_, *state_, connections_)) {
      {
        std::lock_guard<std::mutex> report(mutex_);
        report_.add_expect(r);
      }
      nlohmann::json details{{"details", r.details}, {"evaluated", r.evaluated}};
      (void)state_->add_validation(ValidationRecord{
          run_id_, r.name, r.task.empty() ? std::nullopt : std::optional<std::string>(r.task),
          r.passed, details.dump(), ""});
      if (r.evaluated && !r.passed) ok = false;
    }
    std::lock_guard<std::mutex> g2(mutex_);
    if (!ok) expect_failed_ = true;
    return ok ? Scheduler::Outcome::ok : Scheduler::Outcome::failed_soft;
  }

  TaskOutcome::End run_one(const BoundTask& t) {
    if (!selected(t)) return TaskOutcome::End::completed;
    auto rec = state_->task(t.name);
    if (rec && *rec && (*rec)->state == TaskState::completed) {
      std::lock_guard<std::mutex> g(mutex_);
      report_.add_task(t, **rec, "already completed");
      return TaskOutcome::End::completed;
    }
    // A connection is not shared between threads: each task opens its own.
    auto source = connect(specs_.at(t.source_conn));
    if (!source) return fail(t, "connection `" + t.source_conn + "`: " + source.error().message);
    auto target = connect(specs_.at(t.target_conn));
    if (!target) return fail(t, "connection `" + t.target_conn + "`: " + target.error().message);
    bool deferred = c_.plan->settings.fk_checks_deferred;
    if (auto st = (*target)->set_foreign_key_checks(!deferred); !st.ok())
      return fail(t, "turning foreign key checks " + std::string(deferred ? "off" : "on") + ": " + st.error().message);
    if (auto st = state_->set_fingerprint(t.name, t.fingerprint); !st.ok()) return fail(t, st.error().message);
    (void)state_->set_task_state(t.name, TaskState::running, run_id_);
    TaskContext cx;
    cx.plan = c_.plan->name;
    cx.env = o_.env.empty() ? "default" : o_.env;
    cx.run_id = run_id_;
    cx.state = state_.get();
    cx.params = &bound_.params;
    cx.stop = &stop_;
    cx.limit = o_.limit;
    cx.batch_size = o_.batch_size;
    ReadRequest count_req{t.source->schema, t.source->name, t.read_columns, t.key, std::nullopt, t.pushed, 0};
    // The count decides `confirm above` before anything is written; otherwise it only
    // gives the progress its total, so it runs beside the copy (a count of millions of
    // rows takes seconds) on a connection of its own, and not at all when nothing shows.
    std::optional<int64_t> total;
    if (t.confirm_above && !o_.yes) {
      auto n = (*source)->count(count_req);
      if (n && !confirmed(t, *n)) {
        std::lock_guard<std::mutex> g(mutex_);
        std::string why = "needs confirmation: " + std::to_string(*n) + " rows, above " +
                          std::to_string(*t.confirm_above) + " (rerun with --yes)";
        (void)state_->set_task_state(t.name, TaskState::skipped, run_id_, why);
        if (auto r = state_->task(t.name); r && *r) report_.add_task(t, **r, why);
        return TaskOutcome::End::completed;  // skipped, not failed: the rest of the plan goes on
      }
      if (n) total = *n;
    }
    Progress progress(t.name, total.value_or(-1), o_.quiet, err_, o_.log_format == "json");
    std::future<void> counting;
    if (!total && !o_.quiet) {
      counting = std::async(std::launch::async, [&, count_req] {
        auto counter = connect(specs_.at(t.source_conn));
        if (!counter) return;
        if (auto n = (*counter)->count(count_req)) progress.set_total(*n);
      });
    }
    cx.progress = [&](const TaskCounters& c) {
      if (o_.interrupts && o_.interrupts->load() > 0) stop_ = true;
      progress.update(c.read + c.rejected);
    };
    if (o_.interrupts && o_.interrupts->load() > 0) stop_ = true;
    TaskOutcome out = run_task(t, *c_.plan, **source, **target, cx);
    if (counting.valid()) counting.wait();
    progress.done();
    switch (out.end) {
      case TaskOutcome::End::completed:
        (void)state_->set_task_state(t.name, TaskState::completed, run_id_);
        break;
      case TaskOutcome::End::interrupted:
        (void)state_->set_task_state(t.name, TaskState::pending, run_id_, "interrupted");
        break;
      case TaskOutcome::End::limited:
        (void)state_->set_task_state(t.name, TaskState::pending, run_id_,
                                     "stopped at --limit; run again to continue");
        break;
      case TaskOutcome::End::failed:
        return fail(t, out.error);
    }
    std::string note = out.end == TaskOutcome::End::limited ? "stopped at --limit" : "";
    std::lock_guard<std::mutex> g(mutex_);
    if (auto r = state_->task(t.name); r && *r) report_.add_task(t, **r, note);
    return out.end;
  }

  // `confirm above N`: more rows than N need `--yes`, or a yes at a terminal's prompt.
  bool confirmed(const BoundTask& t, int64_t rows) {
    if (!t.confirm_above || rows <= *t.confirm_above || o_.yes) return true;
    if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO)) return false;
    std::lock_guard<std::mutex> g(mutex_);
    err_ << "task " << t.name << " would copy " << rows << " rows (confirm above "
         << *t.confirm_above << "). Go on? [y/N] " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    return answer == "y" || answer == "Y" || answer == "yes";
  }

  TaskOutcome::End fail(const BoundTask& t, const std::string& why) {
    std::lock_guard<std::mutex> g(mutex_);
    err_ << "migrun: error: " << where() << ", task " << t.name << ": " << why << "\n";
    (void)state_->set_task_state(t.name, TaskState::failed, run_id_, why);
    if (auto r = state_->task(t.name); r && *r) report_.add_task(t, **r, why);
    return TaskOutcome::End::failed;
  }

  int finish(int status) {
    RunStatus rs = status == kExitOk ? RunStatus::succeeded
                   : status == kExitInterrupted ? RunStatus::interrupted
                                                : RunStatus::failed;
    (void)state_->end_run(run_id_, rs);
    std::string dir = o_.reports_dir.empty() ? c_.plan->settings.reports : o_.reports_dir;
    std::vector<std::string> order;  // tasks finish in any order; report them in plan order
    for (const BoundTask& t : bound_.tasks) order.push_back(t.name);
    report_.sort(order);
    auto written = report_.write(dir, c_.plan->name, run_id_, status_name(rs), *state_);
    if (written)  // streamed from the state store: what `migrun rollback --sql` prints
      if (Status st = write_rollback_sql_file(*written, bound_, *state_, run_id_); !st.ok())
        err_ << "migrun: warning: rollback.sql not written: " << st.error().message << "\n";
    if (written)  // one crosswalk_TASK.csv per task that writes new keys, streamed
      if (Status st = write_crosswalk_csvs(*written, bound_, *state_); !st.ok())
        err_ << "migrun: warning: crosswalk CSV not written: " << st.error().message << "\n";
    if (!o_.quiet) out_ << report_.summary(status_name(rs));
    if (written) out_ << "reports: " << *written << "\n";
    else err_ << "migrun: warning: reports not written: " << written.error().message << "\n";
    if (status == kExitInterrupted)
      err_ << "migrun: interrupted; progress is saved: run the same command again to resume\n";
    return status;
  }

  const RunOptions& o_;
  std::ostream& out_;
  std::ostream& err_;
  Compilation c_;
  std::map<std::string, ConnectorSpec> specs_;
  std::map<std::string, Catalog> catalogs_;
  std::map<std::string, std::unique_ptr<Connector>> connections_;
  BoundPlan bound_;
  std::unique_ptr<StateStore> state_;
  int64_t run_id_ = 0;
  std::atomic<bool> stop_{false};
  bool expect_failed_ = false;
  std::mutex mutex_;     // guards the report, the failure flags and err_ across task threads
  std::mutex shared_;    // guards connections_ (used by prepare/finish/expect nodes)
  std::condition_variable done_;  // a node finished
  RunReport report_;
};

}  // namespace

int run_plan(const RunOptions& options, std::ostream& out, std::ostream& err) {
  return PlanRun(options, out, err).run();
}

}  // namespace mig
