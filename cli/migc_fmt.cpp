// `migc fmt PLAN...`: canonical layout, comments kept. Refuses to touch a file that
// does not parse (its diagnostics are shown instead).
#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli/migc_commands.hpp"
#include "compiler/compile.hpp"
#include "compiler/formatter.hpp"

namespace mig::cli {
namespace {

// Writes beside the plan and renames over it, so an interrupted fmt never loses a plan.
bool replace_file(const std::string& path, const std::string& text) {
  std::string tmp = path + ".fmt-tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!(out << text) || !out.flush()) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace

void setup_fmt(CLI::App& app, FmtOptions& o) {
  app.add_option("plans", o.plans, "plan files")->required()->check(CLI::ExistingFile);
  app.add_flag("--check", o.check, "write nothing; exit 1 when a file is not formatted");
  app.add_flag("--stdout", o.to_stdout, "print the formatted text instead of rewriting");
}

int run_fmt(const FmtOptions& o) {
  int status = 0;
  for (const std::string& path : o.plans) {
    Compilation c = compile_file(path, AnalyseOptions{}, Stage::parse);
    if (!c.read_error.empty()) {
      std::cerr << "migc: error: " << c.read_error << "\n";
      return 2;
    }
    if (c.diags.has_errors()) {
      std::cerr << render_text(c.diags, c.sources);
      status = 1;
      continue;
    }
    const SourceFile& file = c.sources.file(c.module->file);
    std::string formatted = format_module(file, *c.module);
    if (o.to_stdout) {
      std::cout << formatted;
    } else if (o.check) {
      if (formatted != file.text) {
        std::cerr << path << ": not formatted (run `migc fmt " << path << "`)\n";
        status = 1;
      }
    } else if (formatted != file.text && !replace_file(path, formatted)) {
      std::cerr << "migc: error: cannot write `" << path << "`\n";
      return 2;
    }
  }
  return status;
}

}  // namespace mig::cli
