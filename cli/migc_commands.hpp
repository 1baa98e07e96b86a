// The `migc` subcommands: each has an options struct, setup_X (its flags) and run_X.
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace mig::cli {

enum class Format { text, json, dot };

struct CheckOptions {
  std::vector<std::string> plans;
  std::vector<std::string> params;  // NAME=VALUE
  std::string format = "text";
  std::string warnings;             // -Werror
};
void setup_check(CLI::App& app, CheckOptions& o);
int run_check(const CheckOptions& o);

struct ExplainOptions {
  std::string plan;
  std::vector<std::string> params;
  std::string format = "text";
};
void setup_explain(CLI::App& app, ExplainOptions& o);
int run_explain(const ExplainOptions& o);

struct FmtOptions {
  std::vector<std::string> plans;
  bool check = false;   // exit 1 when a file would change, write nothing
  bool to_stdout = false;
};
void setup_fmt(CLI::App& app, FmtOptions& o);
int run_fmt(const FmtOptions& o);

}  // namespace mig::cli
