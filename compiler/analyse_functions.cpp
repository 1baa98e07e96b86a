// User functions (`fn NAME(ARG : TYPE, ...) -> TYPE = EXPR`): signatures, bodies against
// their declared result, and recursion (a call chain back to itself never ends).
#include "compiler/analyse_context.hpp"

namespace mig {

void Analyser::declare_function(const Stmt& s) {
  const std::string& name = s.name.text;
  if (find_builtin(name)) {
    diags.report(DiagId::fn_shadows_builtin, s.name.span, {name});
    return;
  }
  if (!declare_once(fn_spans, name, s.name.span, DiagId::duplicate_declaration)) return;
  Function fn{name, {}, Type{}, &s};
  std::map<std::string, Span> seen;
  for (const FnParam& p : s.fn_params) {
    declare_once(seen, p.name.text, p.name.span, DiagId::duplicate_declaration);
    fn.param_types.push_back(resolve_type(diags, p.type).value_or(Type{}));
  }
  if (s.type) fn.result = resolve_type(diags, *s.type).value_or(Type{});
  plan.functions[name] = fn;
  fn_stmts.push_back(&s);
}

void Analyser::check_function_bodies() {
  for (const Stmt* s : fn_stmts) {
    if (!s->value) continue;
    ExprContext cx{Scope::fn_body, "function `" + s->name.text + "`", s, nullptr};
    Type body = check_expr(*s->value, cx);
    Type result = plan.functions[s->name.text].result;
    if (!assignable(body, result))
      diags.report(DiagId::fn_return_type, s->value->span,
                   {s->name.text, type_name(result), type_name(body)});
  }
  // Recursion: the call graph between user functions must have no cycle.
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < fn_stmts.size(); ++i) index[fn_stmts[i]->name.text] = i;
  std::vector<std::vector<Edge>> graph(fn_stmts.size());
  for (size_t i = 0; i < fn_stmts.size(); ++i)
    for (const auto& [callee, span] : fn_calls[fn_stmts[i]->name.text])
      if (index.count(callee)) graph[i].push_back(Edge{index[callee], span, "calls"});
  for (const auto& cycle : find_cycles(graph)) {
    std::string chain;
    for (const auto& [node, edge] : cycle) chain += fn_stmts[node]->name.text + " -> ";
    chain += fn_stmts[cycle.front().first]->name.text;
    const Stmt* first = fn_stmts[cycle.front().first];
    diags.report(DiagId::fn_recursion, cycle.front().second->span, {first->name.text, chain});
  }
}

}  // namespace mig
