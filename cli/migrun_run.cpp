// `migrun run PLAN`: the flags of RUNTIME.md, then one call into the runtime.
#include <iostream>

#include "cli/migrun_commands.hpp"

namespace mig::cli {

std::vector<std::string> split_patterns(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

void setup_run(CLI::App& app, RunArgs& a) {
  RunOptions& o = a.options;
  app.add_option("plan", o.plan_path, "plan file")->required()->check(CLI::ExistingFile);
  app.add_option("--env", o.env, "environment whose connectors replace the declared ones");
  app.add_option("--param", o.params, "NAME=VALUE (also MIG_PARAM_NAME)");
  app.add_flag("--dry-run", o.dry_run, "bind and count the rows each task selects; write nothing");
  app.add_option("--only", a.only, "only these tasks: TABLE, SCHEMA.TABLE, SCHEMA.*, *.TABLE, ...");
  app.add_option("--skip", a.skip, "leave these tasks out");
  app.add_option("--force", a.force, "redo these tasks (or all, with no value) from the start")
      ->expected(0, 1);
  app.add_flag("--yes", o.yes, "confirm every `confirm above`");
  app.add_option("--batch-size", o.batch_size, "rows per batch")->check(CLI::PositiveNumber);
  app.add_option("--parallel", o.parallel, "tasks at once")->check(CLI::PositiveNumber);
  app.add_option("--limit", o.limit, "at most N rows per task (trials)")->check(CLI::PositiveNumber);
  app.add_option("--reports", o.reports_dir, "folder for reports (default: the plan's setting)");
  app.add_option("--log-format", o.log_format, "text or json")->check(CLI::IsMember({"text", "json"}));
  app.add_flag("--quiet,-q", o.quiet, "no progress and no summary");
  app.add_flag("-v", o.verbose, "more detail");
  app.callback([&a, &app] { a.force_given = app.count("--force") > 0; });
}

int run_run(RunArgs& a) {
  a.options.only = split_patterns(a.only);
  a.options.skip = split_patterns(a.skip);
  if (a.force_given) a.options.force = split_patterns(a.force);
  return run_plan(a.options, std::cout, std::cerr);
}

}  // namespace mig::cli
