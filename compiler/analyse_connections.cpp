// Connections: each `source`/`target` and environment binding is a connector call with
// checked arguments; environments replace only declared connections; hooks run on targets.
#include "compiler/analyse_context.hpp"

namespace mig {
namespace {

const std::vector<std::string> kColumnTypes = {"int",  "decimal", "float",       "text",
                                               "bool", "date",    "timestamp",   "timestamptz",
                                               "uuid", "json",    "bytes"};

}  // namespace

void Analyser::check_connector(const Expr* value, Span where) {
  if (!value) return;
  if (value->kind != ExprKind::call) {
    diags.report(DiagId::expected_connector, value->span.end > value->span.begin ? value->span : where);
    return;
  }
  const Builtin* b = find_builtin(value->callee.text);
  if (!b || b->group != BuiltinGroup::connector) {
    std::vector<std::string> names;
    for (const Builtin& c : builtins())
      if (c.group == BuiltinGroup::connector) names.push_back(c.signature.name);
    Diagnostic& d = diags.report(DiagId::unknown_connector, value->callee.span, {value->callee.text});
    suggest(d, value->callee.text, names);
    if (closest_name(value->callee.text, names).empty())
      add_help(d, "the connectors are `postgres`, `mariadb`, `mysql`, `sqlite` and `csv`");
    return;
  }
  ExprContext cx{Scope::connector, "a connector", nullptr, nullptr};
  check_arguments(*value, b->signature, cx, b);
  if (b->id != BuiltinId::csv) return;
  for (const NamedArg& arg : value->named) {
    if (!arg.value) continue;
    const Expr& v = *arg.value;
    if (arg.name.text == "delimiter" && v.kind == ExprKind::literal &&
        v.lit == LiteralKind::string && v.value.size() != 1)
      diags.report(DiagId::invalid_literal, v.span,
                   {"a `csv` delimiter is one character, found `" + v.value + "`"});
    if (arg.name.text != "types" || v.kind != ExprKind::map) continue;
    for (const MapEntry& entry : v.entries) {
      const Expr* type = entry.value.get();
      if (!type || type->kind != ExprKind::literal || type->lit != LiteralKind::string) continue;
      bool known = false;
      for (const std::string& t : kColumnTypes) known = known || t == type->value;
      if (known) continue;
      Diagnostic& d = diags.report(DiagId::unknown_type, type->span, {type->value});
      suggest(d, type->value, kColumnTypes);
    }
  }
}

void Analyser::check_connections() {
  for (const auto& [name, conn] : plan.connections)
    check_connector(conn.decl->value.get(), conn.decl->name.span);
  for (const Stmt* env : plan.environments) {
    std::map<std::string, Span> replaced;
    for (const Binding& b : env->bindings) {
      if (!plan.connections.count(b.name.text)) {
        Diagnostic& d = diags.report(DiagId::environment_unknown_connection, b.name.span,
                                     {env->name.text, b.name.text});
        suggest(d, b.name.text, keys(plan.connections));
      } else {
        declare_once(replaced, b.name.text, b.name.span, DiagId::duplicate_declaration);
      }
      check_connector(b.value.get(), b.name.span);
    }
  }
  for (const Stmt* hook : plan.hooks) {
    if (!check_connection_name(hook->conn)) continue;
    const Connection& conn = plan.connections[hook->conn.text];
    if (conn.is_target) continue;
    Diagnostic& d = diags.report(DiagId::hook_on_source, hook->conn.span,
                                 {hook->after ? "after" : "before", hook->conn.text});
    add_note(d, "declared as a `source` here", conn.decl->name.span);
  }
}

}  // namespace mig
