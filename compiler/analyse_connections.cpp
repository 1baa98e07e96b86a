// Connections: each `source`/`target` and environment binding is a connector call with
// checked arguments; environments replace only declared connections; hooks run on targets.
#include <cctype>

#include "compiler/analyse_context.hpp"

namespace mig {
namespace {

const std::vector<std::string> kColumnTypes = {"int",  "decimal", "float",       "text",
                                               "bool", "date",    "timestamp",   "timestamptz",
                                               "uuid", "json",    "bytes"};

bool is_text_literal(const Expr* e) {
  return e && e->kind == ExprKind::literal && e->lit == LiteralKind::string;
}

}  // namespace

// `sqlite(path, attach: {"ALIAS": "file.db", ...})`: SQLite has no schemas, each attached
// file is one (ATTACH ... AS alias); aliases and paths are text, the alias a name SQLite
// does not reserve for its own databases.
void Analyser::check_sqlite_attach(const Expr& call) {
  for (const NamedArg& arg : call.named) {
    if (arg.name.text != "attach" || !arg.value) continue;
    const Expr& v = *arg.value;
    if (v.kind != ExprKind::map) continue;  // check_arguments reported it (and duplicates)
    for (const MapEntry& entry : v.entries) {
      const Expr* alias = entry.key.get();
      const Expr* path = entry.value.get();
      if (!is_text_literal(alias)) {
        diags.report(DiagId::invalid_literal, alias ? alias->span : v.span,
                     {"an `attach:` key is the schema name as a string, e.g. `{\"STARFOX\": "
                      "\"starfox.db\"}`"});
        continue;
      }
      std::string lower = alias->value;  // SQLite's database names ignore case
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower.empty() || lower == "main" || lower == "temp")
        diags.report(DiagId::invalid_literal, alias->span,
                     {"`attach:` schema name `" + alias->value +
                      "` is not allowed: `main` and `temp` are SQLite's own, and the name "
                      "cannot be empty"});
      if (path && path->kind == ExprKind::literal && path->lit != LiteralKind::string)
        diags.report(DiagId::invalid_literal, path->span,
                     {"an `attach:` value is the database file's path as a string, found `" +
                      path->text + "`"});
    }
  }
}

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
  if (b->id == BuiltinId::sqlite) check_sqlite_attach(*value);
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
