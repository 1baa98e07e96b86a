// Text -> AST: runs grammar/grammar.hpp one statement at a time into a PEGTL parse tree
// of selected rules, then turns each tree into AST nodes with byte spans.
#include "compiler/parser.hpp"

#include <cstdio>
#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/parse_tree.hpp>

#include "compiler/parser_lexical.hpp"
#include "grammar/errors.hpp"
#include "grammar/grammar.hpp"

namespace mig {
namespace {

namespace g = grammar;
namespace pegtl = tao::pegtl;
namespace pt = tao::pegtl::parse_tree;
using Node = pt::node;

// PEGTL's memory input plus the counter that grammar::nested needs.
struct Input : pegtl::memory_input<pegtl::tracking_mode::lazy> {
  using memory_input::memory_input;
  std::size_t nesting = 0;
};

// The rules that become tree nodes. Operator chains with one operand fold away, so an
// expression's tree has a node only where an operator was written.
template <typename Rule>
using selector = pt::selector<
    Rule,
    pt::store_content::on<
        // names, literals, primaries
        g::plain_name, g::quoted_name, g::pattern_name, g::percent_lit, g::float_lit,
        g::decimal_lit, g::int_lit, g::string_lit, g::lit_true, g::lit_false, g::lit_null,
        g::param_ref, g::list_lit, g::map_lit, g::map_entry, g::case_expr, g::case_when,
        g::case_else, g::paren_expr, g::name_or_call, g::call_args, g::named_arg,
        // operators
        g::unary_minus, g::unary_plus, g::not_prefix, g::op_mul, g::op_div, g::op_mod, g::op_add,
        g::op_sub, g::op_concat, g::op_eq, g::op_ne, g::op_le, g::op_ge, g::op_lt, g::op_gt,
        g::op_in, g::op_not_in, g::op_matches, g::is_null, g::is_not_null,
        // types, tables, clauses
        g::type_ref, g::table_ref, g::skip_pattern, g::key_clause, g::where_clause,
        g::follow_clause, g::follow_fks, g::skip_clause, g::map_clause, g::set_clause,
        g::map_star, g::map_drop, g::map_assign, g::check_clause, g::act_reject, g::act_fail,
        g::act_warn, g::check_label, g::expect_clause, g::no_orphans, g::on_conflict_clause,
        g::policy_skip, g::policy_update, g::policy_fail, g::batch_clause, g::confirm_clause,
        // statements
        g::plan_stmt, g::use_stmt, g::param_stmt, g::source_stmt, g::target_stmt,
        g::environment_stmt, g::env_binding, g::settings_stmt, g::setting, g::fn_stmt,
        g::fn_param, g::copy_stmt, g::update_stmt, g::expect_stmt, g::hook_stmt, g::hook_after>,
    pt::fold_one::on<g::or_expr, g::and_expr, g::cmp_expr, g::concat_expr, g::add_expr,
                     g::mul_expr>>;

bool is_ident(const Node& n) {
  return n.is_type<g::plain_name>() || n.is_type<g::quoted_name>() || n.is_type<g::pattern_name>();
}

// Builds AST values from the parse tree of one file.
class Builder {
 public:
  Builder(std::string_view text, uint32_t file, Diagnostics& diags)
      : text_(text), file_(file), diags_(diags) {}

  Stmt statement(const Node& n);
  // Turns a failure thrown by grammar::control into its diagnostic.
  void report(const g::parse_failure& failure);

 private:
  Span span(const Node& n) const;
  Span cover(Span a, Span b) const { return Span{file_, a.begin, b.end}; }
  Ident ident(const Node& n);
  std::string string_value(const Node& n);
  TypeRef type_ref(const Node& n);
  TableRef table_ref(const Node& n);
  Expectation expectation(const Node& n);
  Clause clause(const Node& n);
  std::vector<MapItem> map_items(const Node& n);
  Binding binding(const Node& n);
  void fill_copy(Stmt& s, const Node& n);

  ExprPtr expr(const Node& n);
  ExprPtr make(ExprKind kind, Span span) const;
  ExprPtr literal(const Node& n, LiteralKind kind);
  ExprPtr logic_chain(const Node& n, Op op);
  ExprPtr operator_chain(const Node& n);
  ExprPtr comparison(const Node& n);
  ExprPtr unary(const Node& n, Op op);
  ExprPtr name_or_call(const Node& n);
  ExprPtr case_expr(const Node& n);

  std::string_view text_;
  uint32_t file_;
  Diagnostics& diags_;
};

Span Builder::span(const Node& n) const {
  if (n.has_content()) {
    return Span{file_, uint32_t(n.m_begin.data - text_.data()), uint32_t(n.m_end.data - text_.data())};
  }
  // fold_one drops the content of nodes it keeps; their children still cover them.
  if (n.children.empty()) {
    const uint32_t at = n.m_begin.data ? uint32_t(n.m_begin.data - text_.data()) : 0;
    return Span{file_, at, at};
  }
  return cover(span(*n.children.front()), span(*n.children.back()));
}

void Builder::report(const g::parse_failure& failure) {
  const uint32_t size = uint32_t(text_.size());
  const uint32_t at = uint32_t(std::min<std::size_t>(failure.offset, size));
  switch (failure.kind) {
    case g::failure_kind::unterminated_string:
      diags_.report(DiagId::unterminated_string,
                    Span{file_, at, std::max(lexical::line_end(text_, at), std::min(at + 1, size))});
      break;
    case g::failure_kind::unterminated_backquote:
      diags_.report(DiagId::unterminated_backquote,
                    Span{file_, at, std::max(lexical::line_end(text_, at), std::min(at + 1, size))});
      break;
    case g::failure_kind::single_equals: {
      Diagnostic& d = diags_.report(DiagId::single_equals, Span{file_, at, std::min(at + 1, size)});
      add_help(d, "use `==` to compare");
      break;
    }
    case g::failure_kind::syntax:
      diags_.report(DiagId::syntax_error, Span{file_, at, lexical::token_end(text_, at)},
                    {failure.message});
      break;
  }
}

Ident Builder::ident(const Node& n) {
  Ident id;
  id.span = span(n);
  if (n.is_type<g::quoted_name>()) {
    const std::string_view raw = n.string_view();
    id.text = std::string(raw.substr(1, raw.size() - 2));
    id.quoted = true;
    if (id.text.empty())
      diags_.report(DiagId::syntax_error, id.span, {"a backquoted name cannot be empty"});
  } else {
    id.text = n.string();
  }
  return id;
}

std::string Builder::string_value(const Node& n) {
  return lexical::decode_string(n.string_view(), span(n), diags_);
}

TypeRef Builder::type_ref(const Node& n) {
  TypeRef t;
  t.span = span(n);
  for (const auto& c : n.children) {
    if (is_ident(*c))
      t.name = ident(*c);
    else if (c->is_type<g::type_ref>())
      t.args.push_back(type_ref(*c));
  }
  return t;
}

TableRef Builder::table_ref(const Node& n) {
  TableRef t;
  t.span = span(n);
  for (const auto& c : n.children) t.parts.push_back(ident(*c));
  for (size_t i = 0; i + 1 < t.parts.size(); ++i) {
    if (t.parts[i].text.find('*') != std::string::npos && !t.parts[i].quoted)
      diags_.report(DiagId::syntax_error, t.parts[i].span,
                    {"`*` may only appear in the last part of a table name"});
  }
  return t;
}

// ------------------------------------------------------------------ expressions

ExprPtr Builder::make(ExprKind kind, Span s) const {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->span = s;
  return e;
}

ExprPtr Builder::literal(const Node& n, LiteralKind kind) {
  ExprPtr e = make(ExprKind::literal, span(n));
  e->lit = kind;
  e->text = n.string();
  switch (kind) {
    case LiteralKind::string:
      e->value = string_value(n);
      break;
    case LiteralKind::bool_:
      e->value = e->text;
      break;
    case LiteralKind::null:
      break;
    case LiteralKind::percent:
      e->value = e->text.substr(0, e->text.size() - 1);
      lexical::check_number(kind, e->text, e->span, diags_);
      break;
    default:
      e->value = e->text;
      lexical::check_number(kind, e->text, e->span, diags_);
  }
  return e;
}

// `a and b and c` / `a or b`: every child is an operand; folds to the left.
ExprPtr Builder::logic_chain(const Node& n, Op op) {
  ExprPtr acc = expr(*n.children.front());
  for (size_t i = 1; i < n.children.size(); ++i) {
    ExprPtr rhs = expr(*n.children[i]);
    ExprPtr b = make(ExprKind::binary, cover(acc->span, rhs->span));
    b->op = op;
    b->args.push_back(std::move(acc));
    b->args.push_back(std::move(rhs));
    acc = std::move(b);
  }
  return acc;
}

Op binary_op(const Node& n) {
  if (n.is_type<g::op_mul>()) return Op::mul;
  if (n.is_type<g::op_div>()) return Op::div;
  if (n.is_type<g::op_mod>()) return Op::mod;
  if (n.is_type<g::op_add>()) return Op::add;
  if (n.is_type<g::op_sub>()) return Op::sub;
  if (n.is_type<g::op_concat>()) return Op::concat;
  if (n.is_type<g::op_eq>()) return Op::eq;
  if (n.is_type<g::op_ne>()) return Op::ne;
  if (n.is_type<g::op_le>()) return Op::le;
  if (n.is_type<g::op_ge>()) return Op::ge;
  if (n.is_type<g::op_lt>()) return Op::lt;
  if (n.is_type<g::op_gt>()) return Op::gt;
  return Op::none;
}

// `a + b - c`: children alternate operand, operator, operand; folds to the left.
ExprPtr Builder::operator_chain(const Node& n) {
  ExprPtr acc = expr(*n.children.front());
  for (size_t i = 1; i + 1 < n.children.size(); i += 2) {
    ExprPtr rhs = expr(*n.children[i + 1]);
    ExprPtr b = make(ExprKind::binary, cover(acc->span, rhs->span));
    b->op = binary_op(*n.children[i]);
    b->args.push_back(std::move(acc));
    b->args.push_back(std::move(rhs));
    acc = std::move(b);
  }
  return acc;
}

// `a == b`, `a in b`, `a not in b`, `a is [not] null`, `a matches b` (one operator).
ExprPtr Builder::comparison(const Node& n) {
  ExprPtr lhs = expr(*n.children.front());
  if (n.children.size() < 2) return lhs;
  const Node& op = *n.children[1];
  ExprPtr e;
  if (op.is_type<g::is_null>() || op.is_type<g::is_not_null>()) {
    e = make(ExprKind::is_null, cover(lhs->span, span(op)));
    e->negated = op.is_type<g::is_not_null>();
    e->args.push_back(std::move(lhs));
    return e;
  }
  ExprPtr rhs = n.children.size() > 2 ? expr(*n.children[2]) : make(ExprKind::literal, span(op));
  const Span s = cover(lhs->span, rhs->span);
  if (op.is_type<g::op_in>() || op.is_type<g::op_not_in>()) {
    e = make(ExprKind::in, s);
    e->negated = op.is_type<g::op_not_in>();
  } else if (op.is_type<g::op_matches>()) {
    e = make(ExprKind::matches, s);
  } else {
    e = make(ExprKind::binary, s);
    e->op = binary_op(op);
  }
  e->args.push_back(std::move(lhs));
  e->args.push_back(std::move(rhs));
  return e;
}

ExprPtr Builder::unary(const Node& n, Op op) {
  ExprPtr e = make(ExprKind::unary, span(n));
  e->op = op;
  e->args.push_back(expr(*n.children.front()));
  return e;
}

ExprPtr Builder::name_or_call(const Node& n) {
  const Span s = span(n);
  if (n.children.size() == 2 && n.children[1]->is_type<g::call_args>()) {
    ExprPtr e = make(ExprKind::call, s);
    e->callee = ident(*n.children[0]);
    for (const auto& arg : n.children[1]->children) {
      if (arg->is_type<g::named_arg>())
        e->named.push_back(NamedArg{ident(*arg->children[0]), expr(*arg->children[1])});
      else
        e->args.push_back(expr(*arg));
    }
    return e;
  }
  ExprPtr e = make(ExprKind::name, s);
  for (const auto& part : n.children) e->path.push_back(ident(*part));
  return e;
}

ExprPtr Builder::case_expr(const Node& n) {
  ExprPtr e = make(ExprKind::case_, span(n));
  for (const auto& c : n.children) {
    if (c->is_type<g::case_when>())
      e->whens.push_back(WhenClause{expr(*c->children[0]), expr(*c->children[1])});
    else if (c->is_type<g::case_else>())
      e->else_value = expr(*c->children[0]);
  }
  return e;
}

ExprPtr Builder::expr(const Node& n) {
  if (n.is_type<g::or_expr>()) return logic_chain(n, Op::or_);
  if (n.is_type<g::and_expr>()) return logic_chain(n, Op::and_);
  if (n.is_type<g::cmp_expr>()) return comparison(n);
  if (n.is_type<g::concat_expr>() || n.is_type<g::add_expr>() || n.is_type<g::mul_expr>())
    return operator_chain(n);
  if (n.is_type<g::not_prefix>()) return unary(n, Op::not_);
  if (n.is_type<g::unary_minus>()) return unary(n, Op::neg);
  if (n.is_type<g::unary_plus>()) return unary(n, Op::plus);
  if (n.is_type<g::int_lit>()) return literal(n, LiteralKind::int_);
  if (n.is_type<g::decimal_lit>()) return literal(n, LiteralKind::decimal);
  if (n.is_type<g::float_lit>()) return literal(n, LiteralKind::float_);
  if (n.is_type<g::percent_lit>()) return literal(n, LiteralKind::percent);
  if (n.is_type<g::string_lit>()) return literal(n, LiteralKind::string);
  if (n.is_type<g::lit_true>() || n.is_type<g::lit_false>()) return literal(n, LiteralKind::bool_);
  if (n.is_type<g::lit_null>()) return literal(n, LiteralKind::null);
  if (n.is_type<g::param_ref>()) {
    ExprPtr e = make(ExprKind::param, span(n));
    e->path.push_back(ident(*n.children.front()));
    e->text = e->path.front().text;
    return e;
  }
  if (n.is_type<g::list_lit>()) {
    ExprPtr e = make(ExprKind::list, span(n));
    for (const auto& c : n.children) e->args.push_back(expr(*c));
    return e;
  }
  if (n.is_type<g::map_lit>()) {
    ExprPtr e = make(ExprKind::map, span(n));
    for (const auto& c : n.children)
      e->entries.push_back(MapEntry{expr(*c->children[0]), expr(*c->children[1])});
    return e;
  }
  if (n.is_type<g::case_expr>()) return case_expr(n);
  if (n.is_type<g::paren_expr>()) {
    // The parentheses are not a node of their own; the inner expression's span grows
    // to cover them, so fmt can tell that they were written.
    ExprPtr e = expr(*n.children.front());
    e->span = span(n);
    return e;
  }
  if (n.is_type<g::name_or_call>()) return name_or_call(n);
  // Unreachable for trees the grammar builds; a null literal keeps the AST well-formed.
  return make(ExprKind::literal, span(n));
}

// ------------------------------------------------------------------ clauses

std::vector<MapItem> Builder::map_items(const Node& n) {
  std::vector<MapItem> items;
  for (const auto& c : n.children) {
    MapItem item{MapItem::Kind::star, span(*c), {}, nullptr};
    if (c->is_type<g::map_drop>()) {
      item.kind = MapItem::Kind::drop;
      item.column = ident(*c->children.front());
    } else if (c->is_type<g::map_assign>()) {
      item.kind = MapItem::Kind::assign;
      item.column = ident(*c->children[0]);
      item.value = expr(*c->children[1]);
    }
    items.push_back(std::move(item));
  }
  return items;
}

Expectation Builder::expectation(const Node& n) {
  Expectation e;
  e.span = span(n);
  if (n.is_type<g::no_orphans>())
    e.no_orphans_in = ident(*n.children.front());
  else
    e.expr = expr(n);
  return e;
}

Clause Builder::clause(const Node& n) {
  Clause c;
  c.span = span(n);
  if (n.is_type<g::key_clause>()) {
    c.kind = Clause::Kind::key;
    for (const auto& col : n.children) c.columns.push_back(ident(*col));
  } else if (n.is_type<g::where_clause>()) {
    c.kind = Clause::Kind::where;
    c.expr = expr(*n.children.front());
  } else if (n.is_type<g::follow_clause>()) {
    if (n.children.front()->is_type<g::follow_fks>()) {
      c.kind = Clause::Kind::follow_fks;
    } else {
      c.kind = Clause::Kind::follow;
      for (size_t i = 0; i + 1 < n.children.size(); ++i) c.columns.push_back(ident(*n.children[i]));
      c.task = ident(*n.children.back());
    }
  } else if (n.is_type<g::skip_clause>()) {
    c.kind = Clause::Kind::skip;
    for (const auto& p : n.children) {
      Ident pattern;
      pattern.span = span(*p);
      for (size_t i = 0; i < p->children.size(); ++i) {
        Ident id = ident(*p->children[i]);
        if (i > 0) pattern.text += '.';
        pattern.text += id.text;
        pattern.quoted = pattern.quoted || id.quoted;
      }
      c.patterns.push_back(std::move(pattern));
    }
  } else if (n.is_type<g::map_clause>() || n.is_type<g::set_clause>()) {
    c.kind = n.is_type<g::map_clause>() ? Clause::Kind::map : Clause::Kind::set;
    c.items = map_items(n);
  } else if (n.is_type<g::check_clause>()) {
    c.kind = Clause::Kind::check;
    c.expr = expr(*n.children.front());
    for (size_t i = 1; i < n.children.size(); ++i) {
      const Node& part = *n.children[i];
      if (part.is_type<g::check_label>()) {
        c.label = string_value(*part.children.front());
        continue;
      }
      c.action_given = true;
      c.action = part.is_type<g::act_fail>()   ? CheckAction::fail
                 : part.is_type<g::act_warn>() ? CheckAction::warn
                                               : CheckAction::reject;
    }
  } else if (n.is_type<g::expect_clause>()) {
    c.kind = Clause::Kind::expect;
    c.expectation = expectation(*n.children.front());
  } else if (n.is_type<g::on_conflict_clause>()) {
    c.kind = Clause::Kind::on_conflict;
    const Node& p = *n.children.front();
    c.conflict = p.is_type<g::policy_update>() ? ConflictPolicy::update
                 : p.is_type<g::policy_fail>() ? ConflictPolicy::fail
                                               : ConflictPolicy::skip;
  } else if (n.is_type<g::batch_clause>()) {
    c.kind = Clause::Kind::batch;
    c.expr = expr(*n.children.front());
  } else {
    c.kind = Clause::Kind::confirm;
    c.expr = expr(*n.children.front());
  }
  return c;
}

// ------------------------------------------------------------------ statements

Binding Builder::binding(const Node& n) {
  return Binding{ident(*n.children[0]), expr(*n.children[1]), span(n)};
}

void Builder::fill_copy(Stmt& s, const Node& n) {
  size_t tables = 0;
  for (const auto& c : n.children) {
    if (c->is_type<g::table_ref>())
      (tables++ == 0 ? s.from : s.to) = table_ref(*c);
    else if (is_ident(*c))
      s.name = ident(*c);
    else
      s.clauses.push_back(clause(*c));
  }
}

Stmt Builder::statement(const Node& n) {
  Stmt s{};
  s.span = span(n);
  const auto& kids = n.children;
  if (n.is_type<g::plan_stmt>()) {
    s.kind = Stmt::Kind::plan;
    s.name = ident(*kids[0]);
  } else if (n.is_type<g::use_stmt>()) {
    s.kind = Stmt::Kind::use;
    for (const auto& c : kids) {
      if (c->is_type<g::string_lit>())
        s.module_paths.push_back(Ident{string_value(*c), span(*c), false});
      else
        s.modules.push_back(ident(*c));
    }
  } else if (n.is_type<g::param_stmt>()) {
    s.kind = Stmt::Kind::param;
    s.name = ident(*kids[0]);
    s.type = type_ref(*kids[1]);
    if (kids.size() > 2) s.value = expr(*kids[2]);
  } else if (n.is_type<g::source_stmt>() || n.is_type<g::target_stmt>()) {
    s.kind = n.is_type<g::source_stmt>() ? Stmt::Kind::source : Stmt::Kind::target;
    s.name = ident(*kids[0]);
    s.value = expr(*kids[1]);
  } else if (n.is_type<g::environment_stmt>()) {
    s.kind = Stmt::Kind::environment;
    s.name = ident(*kids[0]);
    for (size_t i = 1; i < kids.size(); ++i) s.bindings.push_back(binding(*kids[i]));
  } else if (n.is_type<g::settings_stmt>()) {
    s.kind = Stmt::Kind::settings;
    for (const auto& c : kids) s.bindings.push_back(binding(*c));
  } else if (n.is_type<g::fn_stmt>()) {
    s.kind = Stmt::Kind::fn;
    s.name = ident(*kids[0]);
    for (size_t i = 1; i + 2 < kids.size(); ++i)
      s.fn_params.push_back(FnParam{ident(*kids[i]->children[0]), type_ref(*kids[i]->children[1])});
    s.type = type_ref(*kids[kids.size() - 2]);
    s.value = expr(*kids.back());
  } else if (n.is_type<g::copy_stmt>()) {
    s.kind = Stmt::Kind::copy;
    fill_copy(s, n);
  } else if (n.is_type<g::update_stmt>()) {
    s.kind = Stmt::Kind::update;
    fill_copy(s, n);
  } else if (n.is_type<g::expect_stmt>()) {
    s.kind = Stmt::Kind::expect;
    s.expectation = expectation(*kids[0]);
  } else {
    s.kind = Stmt::Kind::hook;
    size_t i = 0;
    if (kids[0]->is_type<g::hook_after>()) {
      s.after = true;
      ++i;
    }
    s.conn = ident(*kids[i]);
    s.sql = string_value(*kids[i + 1]);
    s.sql_span = span(*kids[i + 1]);
  }
  return s;
}

std::string hex_byte(unsigned char c) {
  char buf[3];
  std::snprintf(buf, sizeof buf, "%02X", c);
  return buf;
}

}  // namespace

Module parse(const SourceManager& sources, uint32_t file, Diagnostics& diags) {
  const SourceFile& src = sources.file(file);
  const std::string_view text = src.text;
  Module module;
  module.file = file;
  // Bad bytes would only confuse the grammar's messages: report the first and stop.
  if (auto bad = lexical::first_invalid_utf8(text)) {
    diags.report(DiagId::invalid_utf8, Span{file, *bad, *bad + 1}, {hex_byte(uint8_t(text[*bad]))});
    return module;
  }
  module.comments = lexical::collect_comments(text, file);
  Builder builder(text, file, diags);
  Input in(text.data(), text.data() + text.size(), src.name);
  try {
    while (true) {
      (void)pegtl::parse<g::separators>(in);
      if (in.empty()) break;
      auto root = pt::parse<pegtl::must<g::statement>, Node, selector, pegtl::nothing, g::control>(in);
      if (!root || root->children.empty()) break;
      module.stmts.push_back(builder.statement(*root->children.front()));
    }
  } catch (const g::parse_failure& failure) {
    builder.report(failure);
  }
  return module;
}

}  // namespace mig
