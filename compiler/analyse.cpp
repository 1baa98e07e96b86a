#include "compiler/analyse.hpp"

#include <filesystem>

#include "compiler/analyse_context.hpp"

namespace mig {

Analyser::Analyser(SourceManager& sources_, const AnalyseOptions& options_, Diagnostics& diags_)
    : sources(sources_), options(options_), diags(diags_) {}

// The passes, in order. Declarations come first so that every later pass may refer to any
// name, wherever in the plan (or in a module) it is declared.
CheckedPlan Analyser::run(Module plan_module) {
  plan.modules.push_back(std::move(plan_module));
  load_modules();  // after this, plan.modules never grows: pointers into it stay valid
  declare_all();
  check_params();
  apply_param_values();
  check_function_bodies();
  check_connections();
  check_tasks();
  check_task_graph();
  for (const Stmt* s : plan_expects) check_plan_expect(s->expectation);
  if (plan.name.empty()) {
    const SourceFile& file = sources.file(plan.modules[0].file);
    plan.name = std::filesystem::path(file.name).stem().string();
  }
  // Not after errors: a plan that failed to parse may well have tasks further down.
  if (plan.tasks.empty() && !diags.has_errors()) {
    Span where{plan.modules[0].file, 0, 0};
    for (const Stmt& s : plan.modules[0].stmts)
      if (s.kind == Stmt::Kind::plan) where = s.name.span;
    diags.report(DiagId::no_tasks, where);
  }
  return std::move(plan);
}

bool Analyser::declare_once(std::map<std::string, Span>& seen, const std::string& name,
                            Span span, DiagId id, const char* note) {
  auto [it, fresh] = seen.emplace(name, span);
  if (fresh) return true;
  Diagnostic& d = diags.report(id, span, {name});
  add_note(d, note, it->second);
  return false;
}

void Analyser::suggest(Diagnostic& d, const std::string& name,
                       const std::vector<std::string>& candidates, const std::string& prefix) {
  std::string best = closest_name(name, candidates);
  if (!best.empty() && best != name) add_help(d, "did you mean `" + prefix + best + "`?");
}

bool Analyser::check_connection_name(const Ident& name) {
  if (plan.connections.count(name.text)) return true;
  Diagnostic& d = diags.report(DiagId::unknown_connection, name.span, {name.text});
  suggest(d, name.text, keys(plan.connections));
  return false;
}

std::string path_text(const std::vector<Ident>& path) {
  std::string out;
  for (const Ident& part : path) out += (out.empty() ? "" : ".") + part.text;
  return out;
}

std::string table_text(const TableRef& ref) { return path_text(ref.parts); }

CheckedPlan analyse(SourceManager& sources, Module plan, const AnalyseOptions& options,
                    Diagnostics& diags) {
  Analyser analyser(sources, options, diags);
  return analyser.run(std::move(plan));
}

}  // namespace mig
