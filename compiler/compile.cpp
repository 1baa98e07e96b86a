#include "compiler/compile.hpp"

#include <cstdlib>

#include "compiler/lower.hpp"
#include "compiler/parser.hpp"

extern char** environ;

namespace mig {

Compilation compile_file(const std::string& path, const AnalyseOptions& options, Stage stage) {
  Compilation c;
  int file = c.sources.load(path, c.read_error);
  if (file < 0) return c;
  c.module = parse(c.sources, uint32_t(file), c.diags);
  if (stage == Stage::parse || c.diags.has_errors()) return c;
  c.plan = analyse(c.sources, std::move(*c.module), options, c.diags);
  c.module.reset();  // now c.plan->modules[0]
  if (stage == Stage::analyse || c.diags.has_errors()) return c;
  c.dag = lower(*c.plan);
  return c;
}

std::string default_stdlib_dir() {
  if (const char* dir = std::getenv("MIG_STDLIB")) return dir;
  return MIG_STDLIB_DIR;
}

bool collect_params(const std::vector<std::string>& flags, AnalyseOptions& options,
                    std::string& error) {
  const std::string prefix = "MIG_PARAM_";
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    size_t eq = entry.find('=');
    if (entry.rfind(prefix, 0) == 0 && eq != std::string::npos && eq > prefix.size())
      options.env_params[entry.substr(prefix.size(), eq - prefix.size())] = entry.substr(eq + 1);
  }
  for (const std::string& flag : flags) {
    size_t eq = flag.find('=');
    if (eq == std::string::npos || eq == 0) {
      error = "`--param " + flag + "` must be NAME=VALUE";
      return false;
    }
    options.params[flag.substr(0, eq)] = flag.substr(eq + 1);
  }
  return true;
}

}  // namespace mig
