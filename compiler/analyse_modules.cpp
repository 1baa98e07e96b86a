// `use NAME` / `use "path.mig"`: finding, loading and parsing library modules.
#include <filesystem>
#include <set>

#include "compiler/analyse_context.hpp"
#include "compiler/parser.hpp"

namespace mig {
namespace {

namespace fs = std::filesystem;

// The stdlib modules that exist, for "did you mean".
std::vector<std::string> stdlib_modules(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  if (dir.empty()) return out;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().extension() == ".mig") out.push_back(entry.path().stem().string());
  return out;
}

}  // namespace

void Analyser::load_modules() {
  const SourceFile& main_file = sources.file(plan.modules[0].file);
  fs::path plan_dir = fs::path(main_file.name).parent_path();
  std::set<std::string> loaded;
  // Modules are appended to plan.modules, so collect the requests first.
  struct Request {
    Ident name;
    std::string path;
    bool stdlib;  // `use NAME` (else `use "path.mig"`)
  };
  std::vector<Request> requests;
  for (const Stmt& s : plan.modules[0].stmts) {
    if (s.kind != Stmt::Kind::use) continue;
    for (const Ident& name : s.modules) {
      std::string path = options.stdlib_dir.empty()
                             ? std::string()
                             : (fs::path(options.stdlib_dir) / (name.text + ".mig")).string();
      requests.push_back({name, path, true});
    }
    for (const Ident& file : s.module_paths)
      requests.push_back({file, (plan_dir / file.text).lexically_normal().string(), false});
  }
  for (const auto& [name, path, stdlib] : requests) {
    if (loaded.count(path)) continue;
    std::string error;
    std::error_code ec;
    int index = -1;
    if (!path.empty() && !fs::is_directory(path, ec)) index = sources.load(path, error);
    if (index < 0) {
      Diagnostic& d = diags.report(DiagId::module_not_found, name.span, {name.text});
      if (stdlib) suggest(d, name.text, stdlib_modules(options.stdlib_dir));
      missing_modules.push_back(name.text);
      continue;
    }
    loaded.insert(path);
    plan.modules.push_back(parse(sources, uint32_t(index), diags));
  }
}

}  // namespace mig
