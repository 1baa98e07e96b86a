// The compiler pipeline, written out once: read -> parse -> analyse -> lower.
// Each stage is a function from one plain value to the next (see docs/architecture.md).
#pragma once
#include <optional>
#include <string>

#include "compiler/analyse.hpp"
#include "compiler/dag.hpp"
#include "compiler/diagnostics.hpp"
#include "compiler/plan.hpp"

namespace mig {

// Everything one compilation produced; `plan` and `dag` are set only when their stage ran.
struct Compilation {
  SourceManager sources;
  Diagnostics diags;
  std::string read_error;          // the plan file could not be read (no diagnostics then)
  std::optional<Module> module;    // the parsed plan file, until analysis takes it over
  std::optional<CheckedPlan> plan; // analysed (may carry errors: see diags)
  std::optional<LogicalDag> dag;   // lowered, only when the plan has no errors
  bool ok() const { return read_error.empty() && !diags.has_errors(); }
};

// How far to go: fmt needs only the parse; check and explain go all the way.
enum class Stage { parse, analyse, lower };

// Runs the pipeline on one plan file up to `stage`, stopping early at errors.
Compilation compile_file(const std::string& path, const AnalyseOptions& options,
                         Stage stage = Stage::lower);

// Where `use NAME` looks: $MIG_STDLIB, else the source tree's stdlib/ folder.
std::string default_stdlib_dir();

// Fills options.params from `--param NAME=VALUE` flags and options.env_params from the
// MIG_PARAM_NAME environment variables (kept apart: only flags must name a parameter).
// Returns false, with `error` set, when a flag is not NAME=VALUE.
bool collect_params(const std::vector<std::string>& flags, AnalyseOptions& options,
                    std::string& error);

}  // namespace mig
