// `migrun status PLAN` and `migrun reset PLAN`: read or forget the state store's progress.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/migrun_commands.hpp"
#include "compiler/compile.hpp"
#include "runtime/state_store.hpp"

namespace mig::cli {
namespace {

// The plan's name and state file, from the plan itself (no database is opened).
bool state_path(const std::string& plan_path, const std::string& env, std::string& path,
                std::string& plan) {
  AnalyseOptions options;
  options.stdlib_dir = default_stdlib_dir();
  Compilation c = compile_file(plan_path, options, Stage::analyse);
  if (!c.ok()) {
    std::cerr << (c.read_error.empty() ? render_text(c.diags, c.sources)
                                       : "migrun: error: " + c.read_error + "\n");
    return false;
  }
  plan = c.plan->name;
  path = StateStore::db_path(c.plan->settings.state, plan, env);
  return true;
}

}  // namespace

void setup_status(CLI::App& app, StatusArgs& a) {
  app.add_option("plan", a.plan, "plan file")->required()->check(CLI::ExistingFile);
  app.add_option("--env", a.env, "environment");
  app.add_option("--format", a.format, "text or json")->check(CLI::IsMember({"text", "json"}));
}

int run_status(const StatusArgs& a) {
  std::string path, plan;
  if (!state_path(a.plan, a.env, path, plan)) return 2;
  auto state = StateStore::open(path, StateStore::Access::read_only);
  if (!state) {
    std::cout << "plan " << plan << ": no run yet (" << state.error().message << ")\n";
    return 0;
  }
  auto tasks = state->tasks();
  auto last = state->last_run();
  if (!tasks || !last) {
    std::cerr << "migrun: error: " << (tasks ? last.error() : tasks.error()).message << "\n";
    return 1;
  }
  if (a.format == "json") {
    nlohmann::json j{{"plan", plan}, {"state", path}, {"tasks", nlohmann::json::array()}};
    if (*last)
      j["last_run"] = {{"id", (*last)->id}, {"status", status_name((*last)->status)},
                       {"started_at", (*last)->started_at},
                       {"ended_at", (*last)->ended_at ? *(*last)->ended_at : ""}};
    for (const TaskRecord& t : *tasks)
      j["tasks"].push_back({{"task", t.task}, {"state", state_name(t.state)}, {"reason", t.reason},
                            {"read", t.counters.read}, {"written", t.counters.written},
                            {"rejected", t.counters.rejected}, {"skipped", t.counters.skipped},
                            {"checkpoint", t.checkpoint ? *t.checkpoint : ""},
                            {"batches", t.batches}});
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  std::cout << "plan " << plan << ", state " << path << "\n";
  if (*last)
    std::cout << "last run " << (*last)->id << ": " << status_name((*last)->status) << ", started "
              << (*last)->started_at << ((*last)->ended_at ? ", ended " + *(*last)->ended_at : "")
              << "\n";
  size_t width = 4;
  for (const TaskRecord& t : *tasks) width = std::max(width, t.task.size());
  char line[512];
  std::snprintf(line, sizeof line, "  %-*s  %-10s %10s %10s %10s %10s  %s\n", int(width), "task",
                "state", "read", "written", "rejected", "skipped", "checkpoint");
  std::cout << line;
  for (const TaskRecord& t : *tasks) {
    std::snprintf(line, sizeof line, "  %-*s  %-10s %10lld %10lld %10lld %10lld  %s\n", int(width),
                  t.task.c_str(), state_name(t.state), (long long)t.counters.read,
                  (long long)t.counters.written, (long long)t.counters.rejected,
                  (long long)t.counters.skipped, t.checkpoint ? t.checkpoint->c_str() : "-");
    std::cout << line;
    if (!t.reason.empty()) std::cout << "  " << std::string(width, ' ') << "  (" << t.reason << ")\n";
  }
  return 0;
}

void setup_reset(CLI::App& app, ResetArgs& a) {
  app.add_option("plan", a.plan, "plan file")->required()->check(CLI::ExistingFile);
  app.add_option("--env", a.env, "environment");
  app.add_option("--only", a.only, "only these tasks (patterns, comma-separated)");
}

int run_reset(const ResetArgs& a) {
  std::string path, plan;
  if (!state_path(a.plan, a.env, path, plan)) return 2;
  auto state = StateStore::open(path);
  if (!state) {
    std::cerr << "migrun: error: " << state.error().message << "\n";
    return 1;
  }
  std::vector<std::string> patterns = split_patterns(a.only);
  auto reset = state->reset(patterns);
  if (!reset) {
    std::cerr << "migrun: error: " << reset.error().message << "\n";
    return 1;
  }
  std::cout << "plan " << plan << ": progress forgotten for " << reset->size() << " task"
            << (reset->size() == 1 ? "" : "s") << "\n";
  return 0;
}

}  // namespace mig::cli
