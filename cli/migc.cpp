// migc: review a plan without a database — check, explain, fmt.
#include <iostream>

#include "cli/migc_commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"migc — the .mig plan compiler: check, explain and format migration plans"};
  app.require_subcommand(1);
  mig::cli::CheckOptions check;
  mig::cli::ExplainOptions explain;
  mig::cli::FmtOptions fmt;
  mig::cli::SchemaOptions schema;
  mig::cli::setup_check(*app.add_subcommand("check", "parse and analyse plans; exit 1 on errors"),
                        check);
  mig::cli::setup_explain(
      *app.add_subcommand("explain", "show the task DAG, the order and why each edge exists"),
      explain);
  mig::cli::setup_fmt(*app.add_subcommand("fmt", "rewrite plans in canonical layout"), fmt);
  mig::cli::setup_schema(
      *app.add_subcommand("schema", "print the catalogs a plan reads and writes, as JSON"), schema);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;  // usage errors exit 2, --help exits 0
  }
  if (app.got_subcommand("check")) return mig::cli::run_check(check);
  if (app.got_subcommand("explain")) return mig::cli::run_explain(explain);
  if (app.got_subcommand("schema")) return mig::cli::run_schema(schema);
  return mig::cli::run_fmt(fmt);
}
