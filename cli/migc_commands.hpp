// The `migc` subcommands: each has an options struct, setup_X (its flags) and run_X.
#pragma once
#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "compiler/compile.hpp"
#include "runtime/bound_plan.hpp"

namespace mig::cli {

enum class Format { text, json, dot };

// `--env ENV` (connect and introspect) or `--schema FILE` (a `migc schema` snapshot).
struct CatalogSource {
  std::string env;
  std::string schema_file;
  bool given() const { return !env.empty() || !schema_file.empty(); }
};
void add_catalog_options(CLI::App& app, CatalogSource& c);
// Binds a checked plan to its catalogs; problems go to c.diags (or `error` when the
// catalogs cannot be had at all).
std::optional<BoundPlan> bind_for_review(Compilation& c, const std::string& plan_path,
                                         const CatalogSource& source, std::string& error);

struct CheckOptions {
  std::vector<std::string> plans;
  CatalogSource catalogs;
  std::vector<std::string> params;  // NAME=VALUE
  std::string format = "text";
  std::string warnings;             // -Werror
};
void setup_check(CLI::App& app, CheckOptions& o);
int run_check(const CheckOptions& o);

struct ExplainOptions {
  std::string plan;
  CatalogSource catalogs;
  std::vector<std::string> params;
  std::string format = "text";
};
void setup_explain(CLI::App& app, ExplainOptions& o);
int run_explain(const ExplainOptions& o);

struct SchemaOptions {
  std::string plan;
  std::string env;
  std::vector<std::string> params;
};
void setup_schema(CLI::App& app, SchemaOptions& o);
int run_schema(const SchemaOptions& o);

struct FmtOptions {
  std::vector<std::string> plans;
  bool check = false;   // exit 1 when a file would change, write nothing
  bool to_stdout = false;
};
void setup_fmt(CLI::App& app, FmtOptions& o);
int run_fmt(const FmtOptions& o);

}  // namespace mig::cli
