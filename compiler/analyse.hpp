// Semantic analysis: a parsed plan -> a CheckedPlan. Resolves every name, checks the types
// of expressions and calls, the task graph, settings, parameters and `expect`s (everything
// of spec section 9 that needs no database schema).
#pragma once
#include <map>
#include <string>

#include "compiler/ast.hpp"
#include "compiler/diagnostics.hpp"
#include "compiler/plan.hpp"
#include "compiler/source.hpp"

namespace mig {

struct AnalyseOptions {
  std::map<std::string, std::string> params;      // NAME -> VALUE from --param: a name the plan lacks is an error
  std::map<std::string, std::string> env_params;  // NAME -> VALUE from MIG_PARAM_NAME: shared by every plan of a shell, so a name the plan lacks is ignored; `params` wins
  bool require_params = false;                 // migrun: a required param with no value is an error; migc check: not
  std::string stdlib_dir;                      // where `use NAME` finds NAME.mig (CLI passes MIG_STDLIB env or the compiled-in MIG_STDLIB_DIR)
};

// Resolves names, checks types and the task graph; the plan file must already be parsed.
// Used modules are loaded into `sources`, parsed, and kept in CheckedPlan::modules.
CheckedPlan analyse(SourceManager& sources, Module plan, const AnalyseOptions& options, Diagnostics& diags);

}  // namespace mig
