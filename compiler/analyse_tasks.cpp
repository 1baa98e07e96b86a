// `copy` and `update` tasks: their names, the tables they read and write, and each clause
// (where it is allowed, given once, its expressions and the dependencies it makes).
#include <cstring>

#include "compiler/analyse_context.hpp"

namespace mig {
namespace {

// The keyword(s) a clause starts with.
const char* clause_keyword(Clause::Kind kind) {
  switch (kind) {
    case Clause::Kind::key: return "key";
    case Clause::Kind::where: return "where";
    case Clause::Kind::follow: return "follow";
    case Clause::Kind::follow_fks: return "follow foreign keys";
    case Clause::Kind::skip: return "skip";
    case Clause::Kind::map: return "map";
    case Clause::Kind::set: return "set";
    case Clause::Kind::check: return "check";
    case Clause::Kind::expect: return "expect";
    case Clause::Kind::on_conflict: return "on conflict";
    case Clause::Kind::batch: return "batch";
    case Clause::Kind::confirm: return "confirm above";
  }
  return "?";
}

// Clauses a task may give only once.
bool single(Clause::Kind kind) {
  switch (kind) {
    case Clause::Kind::key:
    case Clause::Kind::follow_fks:
    case Clause::Kind::map:
    case Clause::Kind::set:
    case Clause::Kind::on_conflict:
    case Clause::Kind::batch:
    case Clause::Kind::confirm: return true;
    default: return false;
  }
}

// The span of a clause's keyword, for carets that do not underline a whole block.
Span keyword_span(const Clause& c) {
  uint32_t end = c.span.begin + uint32_t(std::strlen(clause_keyword(c.kind)));
  return Span{c.span.file, c.span.begin, std::min(end, c.span.end)};
}

// A positive integer literal.
std::optional<int64_t> positive(const Expr* e) {
  if (!e || e->kind != ExprKind::literal || e->lit != LiteralKind::int_) return std::nullopt;
  const std::string& digits = e->value.empty() ? e->text : e->value;
  if (digits.empty() || digits.size() > 18 || digits.find_first_not_of("0123456789") != digits.npos)
    return std::nullopt;
  int64_t n = std::stoll(digits);
  return n > 0 ? std::optional<int64_t>(n) : std::nullopt;
}

}  // namespace

void Analyser::declare_task(const Stmt& s) {
  Task t;
  t.decl = &s;
  t.is_update = s.kind == Stmt::Kind::update;
  const TableRef& written = t.is_update ? s.from : s.to;
  Span name_span = written.span;
  if (!s.name.text.empty()) {
    t.name = s.name.text;
    name_span = s.name.span;
  } else if (written.is_pattern()) {
    t.name = table_text(written);
  } else if (!written.parts.empty()) {
    t.name = written.parts.back().text;
  }
  if (!s.from.parts.empty()) t.source = s.from.parts[0].text;
  if (!written.parts.empty()) t.target = written.parts[0].text;
  auto [first, fresh] = task_spans.emplace(t.name, name_span);
  if (!fresh) {
    Diagnostic& d = diags.report(DiagId::duplicate_task, name_span, {t.name});
    add_note(d, "first declared here", first->second);
    add_help(d, "give one of them another name with `as NAME`");
  }
  plan.tasks.push_back(std::move(t));
}

void Analyser::add_dependency(Task* task, const Ident& name, Dependency::Kind kind, Span span) {
  if (!plan.task(name.text)) {
    std::vector<std::string> names;
    for (const Task& t : plan.tasks) names.push_back(t.name);
    Diagnostic& d = diags.report(DiagId::unknown_task, name.span, {name.text});
    suggest(d, name.text, names);
    return;
  }
  if (!task) return;
  if (kind == Dependency::Kind::follow && name.text == task->name) {
    diags.report(DiagId::follow_self, name.span, {name.text});
    return;
  }
  task->deps.push_back(Dependency{kind, name.text, span});
}

// Checks a table reference's connection (the parser checks where `*` may stand).
void Analyser::check_table(const TableRef& ref) {
  if (!ref.parts.empty() && ref.parts[0].text.find('*') == std::string::npos)
    check_connection_name(ref.parts[0]);
}

// Reports writing into a connection declared `source`.
void Analyser::check_writable(const TableRef& ref) {
  if (ref.parts.empty()) return;
  auto it = plan.connections.find(ref.parts[0].text);
  if (it == plan.connections.end() || it->second.is_target) return;
  Diagnostic& d = diags.report(DiagId::write_to_source, ref.parts[0].span, {ref.parts[0].text});
  add_note(d, "declared as a `source` here", it->second.decl->name.span);
  add_help(d, "declare it with `target` to write into it (a target can be read too)");
}

// Whether clause `c` may appear in task `t`; reports it when not.
bool Analyser::clause_allowed(const Task& t, const Clause& c) {
  using K = Clause::Kind;
  std::string where, help;
  if (t.is_update) {
    where = "an `update`";
    if (c.kind == K::map) help = "an `update` changes columns with `set { COL = EXPR }`";
    else if (c.kind == K::follow || c.kind == K::follow_fks)
      help = "an `update` changes rows of one table in place: select them with `where`";
    else if (c.kind == K::on_conflict) help = "an `update` only changes rows that exist";
    else if (c.kind == K::skip) help = "`skip` leaves tables out of a pattern copy";
    else return true;
  } else if (c.kind == K::set) {
    where = "a `copy`";
    help = "a `copy` computes columns with `map { COL = EXPR }`";
  } else if (c.kind == K::skip && !t.decl->from.is_pattern()) {
    where = "a copy of one table";
    help = "`skip` leaves tables out of a pattern copy such as `legacy.* -> stage.*`";
  } else {
    return true;
  }
  Diagnostic& d = diags.report(DiagId::clause_not_allowed, keyword_span(c), {clause_keyword(c.kind), where});
  add_help(d, help);
  return false;
}

void Analyser::check_tasks() {
  for (Task& t : plan.tasks) {
    t.batch_size = plan.settings.batch_size;
    t.on_conflict = plan.settings.on_conflict;
    t.on_error = plan.settings.on_error;
    t.confirm_above = plan.settings.confirm_above;
    check_task(t);
  }
}

void Analyser::check_task(Task& t) {
  const Stmt& s = *t.decl;
  check_table(s.from);
  if (t.is_update) {
    if (s.from.is_pattern())
      diags.report(DiagId::pattern_mismatch, s.from.span,
                   {"an `update` changes one table, and `" + table_text(s.from) + "` is a pattern"});
    check_writable(s.from);
  } else {
    check_table(s.to);
    if (s.from.is_pattern() && !s.to.is_pattern())
      diags.report(DiagId::pattern_mismatch, s.to.span,
                   {"a pattern source needs a pattern target, such as `" +
                    (s.to.parts.empty() ? std::string("stage") : s.to.parts[0].text) + ".*`"});
    else if (!s.from.is_pattern() && s.to.is_pattern())
      diags.report(DiagId::pattern_mismatch, s.to.span,
                   {"a pattern target needs a pattern source, such as `legacy.* -> stage.*`"});
    check_writable(s.to);
  }
  std::map<Clause::Kind, Span> seen;
  for (const Clause& c : s.clauses) {
    if (!clause_allowed(t, c)) continue;
    if (single(c.kind)) {
      auto [first, fresh] = seen.emplace(c.kind, keyword_span(c));
      if (!fresh) {
        Diagnostic& d =
            diags.report(DiagId::duplicate_clause, keyword_span(c), {clause_keyword(c.kind)});
        add_note(d, "first given here", first->second);
        continue;
      }
    }
    check_clause(t, c);
  }
}

void Analyser::check_clause(Task& t, const Clause& c) {
  switch (c.kind) {
    case Clause::Kind::where:
    case Clause::Kind::check: {
      bool where = c.kind == Clause::Kind::where;
      ExprContext cx{where ? Scope::source_row : Scope::target_row,
                     where ? "a `where`" : "a `check`", nullptr, &t};
      if (c.expr) check_condition(*c.expr, cx, where ? "`where`" : "`check`");
      break;
    }
    case Clause::Kind::follow: add_dependency(&t, c.task, Dependency::Kind::follow, c.task.span); break;
    case Clause::Kind::map:
    case Clause::Kind::set: check_assignments(t, c); break;
    case Clause::Kind::expect: check_task_expect(t, c.expectation); break;
    case Clause::Kind::on_conflict: t.on_conflict = c.conflict; break;
    case Clause::Kind::batch:
    case Clause::Kind::confirm: {
      auto n = positive(c.expr.get());
      Span at = c.expr ? c.expr->span : keyword_span(c);
      if (!n) diags.report(DiagId::invalid_clause_value, at, {clause_keyword(c.kind), "a positive integer"});
      else if (c.kind == Clause::Kind::batch) t.batch_size = *n;
      else t.confirm_above = *n;
      break;
    }
    default: break;  // key, follow foreign keys, skip: names checked against a schema later
  }
}

// `map { ... }` / `set { ... }`: each expression, and each column assigned once.
void Analyser::check_assignments(Task& t, const Clause& c) {
  bool is_set = c.kind == Clause::Kind::set;
  ExprContext cx{Scope::source_row, is_set ? "a `set`" : "a `map`", nullptr, &t};
  std::map<std::string, Span> assigned;
  for (const MapItem& item : c.items) {
    if (is_set && item.kind != MapItem::Kind::assign) {
      Diagnostic& d = diags.report(DiagId::clause_not_allowed, item.span,
                                   {item.kind == MapItem::Kind::star ? "*" : "drop", "a `set`"});
      add_help(d, "`set` lists only the columns it changes");
      continue;
    }
    if (item.kind != MapItem::Kind::assign) continue;
    auto [first, fresh] = assigned.emplace(item.column.text, item.column.span);
    if (!fresh) {
      Diagnostic& d = diags.report(DiagId::duplicate_map_column, item.column.span, {item.column.text});
      add_note(d, "first assigned here", first->second);
    }
    if (item.value) check_expr(*item.value, cx);
  }
}

}  // namespace mig
