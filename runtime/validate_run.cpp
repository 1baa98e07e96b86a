#include "runtime/validate_run.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>

#include "runtime/plan_session.hpp"
#include "runtime/reports.hpp"
#include "runtime/run.hpp"
#include "runtime/state_store.hpp"
#include "runtime/validate.hpp"

namespace fs = std::filesystem;

namespace mig {
namespace {

// Writes validation.json and summary.txt into `reports/PLAN/RUN_ID/`; returns the folder.
Result<std::string> write_reports(const std::string& dir, const std::string& plan, int64_t run_id,
                                  const std::vector<ExpectResult>& results, const std::string& summary) {
  fs::path folder = fs::path(dir) / plan / std::to_string(run_id);
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) return Error{"cannot create `" + folder.string() + "`: " + ec.message()};
  std::ofstream json(folder / "validation.json", std::ios::binary);
  json << validation_json(results).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  std::ofstream text(folder / "summary.txt", std::ios::binary);
  text << summary;
  json.close();
  text.close();
  if (!json || !text) return Error{"cannot write the reports in `" + folder.string() + "`"};
  return folder.string();
}

// Whether the task `t` came from declares `expect parity` itself (then it is evaluated with
// the plan's other expects, not a second time).
bool declares_parity(const CheckedPlan& plan, const BoundTask& t) {
  for (const Assertion& a : plan.assertions)
    if (a.kind == Assertion::Kind::parity && t.task && a.task == t.task->name) return true;
  return false;
}

}  // namespace

int validate_plan(const ValidateOptions& o, std::ostream& out, std::ostream& err) {
  int status = kExitOk;
  std::unique_ptr<PlanSession> session =
      open_session(SessionOptions{o.plan_path, o.env, o.params}, err, status);
  if (!session) return status;
  const CheckedPlan& plan = session->plan();
  std::string where = session->where(o.env);
  auto fail = [&](const std::string& message) {
    err << "migrun: error: " << where << ": " << message << "\n";
    return kExitFailed;
  };
  auto state = StateStore::open(StateStore::db_path(plan.settings.state, plan.name, o.env));
  if (!state) return fail(state.error().message);
  auto run = state->begin_run(plan.name, o.env.empty() ? "default" : o.env, o.argv);
  if (!run) return fail(run.error().message);

  std::vector<ExpectResult> results;
  bool failed = false;
  auto record = [&](ExpectResult& r) {
    nlohmann::json details{{"details", r.details}, {"evaluated", r.evaluated}};
    if (!r.data.is_null()) details["numbers"] = r.data;
    (void)state->add_validation(ValidationRecord{
        *run, r.name, r.task.empty() ? std::nullopt : std::optional<std::string>(r.task), r.passed,
        details.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), ""});
    if (r.evaluated && !r.passed) failed = true;
    results.push_back(std::move(r));
  };
  for (size_t i = 0; i < plan.assertions.size(); ++i) {
    for (ExpectResult& r : evaluate_expect(i, session->bound, *state, session->connections))
      record(r);
  }
  if (o.parity) {
    for (const BoundTask& t : session->bound.tasks) {
      if (declares_parity(plan, t)) continue;
      ExpectResult r = evaluate_parity(t, session->bound, *state, session->connections,
                                       plan.assertions.size());
      record(r);
    }
  }
  RunStatus rs = failed ? RunStatus::failed : RunStatus::succeeded;
  (void)state->end_run(*run, rs);

  std::string summary = "\nplan " + plan.name + ", run " + std::to_string(*run) + " (validate): " +
                        (failed ? "failed" : "succeeded") + "\n" +
                        (results.empty() ? std::string("the plan has no expect\n") : expects_summary(results));
  std::string dir = o.reports_dir.empty() ? plan.settings.reports : o.reports_dir;
  Result<std::string> folder = write_reports(dir, plan.name, *run, results, summary);
  if (o.format == "json") {
    nlohmann::json j{{"plan", plan.name}, {"run", *run}, {"status", status_name(rs)},
                     {"validation", validation_json(results)},
                     {"reports", folder ? *folder : std::string()}};
    out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else if (!o.quiet) {
    out << summary;
  }
  if (folder) {
    if (o.format != "json") out << "reports: " << *folder << "\n";
  } else {
    err << "migrun: warning: reports not written: " << folder.error().message << "\n";
  }
  return failed ? kExitFailed : kExitOk;
}

}  // namespace mig
