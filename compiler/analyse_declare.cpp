// The declaration pass: registers every top-level statement under its name, reporting
// duplicates and statements a library may not contain.
#include "compiler/analyse_context.hpp"

namespace mig {
namespace {

// The keyword a statement starts with.
std::string keyword(const Stmt& s) {
  switch (s.kind) {
    case Stmt::Kind::plan: return "plan";
    case Stmt::Kind::use: return "use";
    case Stmt::Kind::param: return "param";
    case Stmt::Kind::source: return "source";
    case Stmt::Kind::target: return "target";
    case Stmt::Kind::environment: return "environment";
    case Stmt::Kind::settings: return "settings";
    case Stmt::Kind::fn: return "fn";
    case Stmt::Kind::copy: return "copy";
    case Stmt::Kind::update: return "update";
    case Stmt::Kind::expect: return "expect";
    case Stmt::Kind::hook: return s.after ? "after" : "before";
  }
  return "?";
}

}  // namespace

void Analyser::declare_all() {
  // Libraries first, so that a plan's declaration clashing with a module's is the one
  // reported: the user can rename theirs, not the library's.
  for (size_t m = 1; m < plan.modules.size(); ++m) {
    for (const Stmt& s : plan.modules[m].stmts) {
      if (s.kind == Stmt::Kind::fn || s.kind == Stmt::Kind::param) {
        declare_statement(s);
        continue;
      }
      std::string word = keyword(s);
      Span at{s.span.file, s.span.begin, s.span.begin + uint32_t(word.size())};
      diags.report(DiagId::library_statement, at, {word});
    }
  }
  for (const Stmt& s : plan.modules[0].stmts) declare_statement(s);
}

void Analyser::declare_statement(const Stmt& s) {
  switch (s.kind) {
    case Stmt::Kind::plan:
      if (plan_name_span) {
        Diagnostic& d = diags.report(DiagId::duplicate_plan_name, s.name.span);
        add_note(d, "first named here", *plan_name_span);
      } else {
        plan_name_span = s.name.span;
        plan.name = s.name.text;
      }
      break;
    case Stmt::Kind::param:
      if (declare_once(param_spans, s.name.text, s.name.span, DiagId::duplicate_declaration))
        plan.params[s.name.text] = Param{s.name.text, Type{}, &s, std::nullopt};
      break;
    case Stmt::Kind::source:
    case Stmt::Kind::target:
      if (declare_once(connection_spans, s.name.text, s.name.span, DiagId::duplicate_declaration))
        plan.connections[s.name.text] = Connection{s.name.text, s.kind == Stmt::Kind::target, &s};
      break;
    case Stmt::Kind::environment:
      if (declare_once(environment_spans, s.name.text, s.name.span,
                       DiagId::duplicate_declaration))
        plan.environments.push_back(&s);
      break;
    case Stmt::Kind::settings: check_settings(s); break;
    case Stmt::Kind::fn: declare_function(s); break;
    case Stmt::Kind::copy:
    case Stmt::Kind::update: declare_task(s); break;
    case Stmt::Kind::expect: plan_expects.push_back(&s); break;
    case Stmt::Kind::hook: plan.hooks.push_back(&s); break;
    case Stmt::Kind::use: break;  // handled by load_modules
  }
}

}  // namespace mig
