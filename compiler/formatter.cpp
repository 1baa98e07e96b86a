// The canonical layout `migc fmt` writes (one rule each, so the output is predictable):
// - one statement per line group; a blank line between top-level statements, except
//   between consecutive one-line statements of one group (`use`s, `param`s,
//   `source`/`target`s, `fn`s, plan-level `expect`s, `before`/`after` hooks);
// - blocks open with ` {` on the statement's line and close with `}` on a line of its own,
//   two spaces of indentation per level inside; an empty block is written `{}`;
// - one clause, one binding, one map item per line; the separators `;` and `,` between
//   them are dropped (newlines separate), except a `;` after an assignment followed by a
//   `*` item (else `b` and `*` would read as a product); no blank lines inside blocks;
// - one space around `=`, `->`, `:` in `param`/`fn`, and binary operators; no column
//   alignment (aligning makes one rename re-indent its neighbours in every diff);
// - expressions on one line with the fewest parentheses the precedence allows
//   (or < and < not < comparison/in/is/matches < || < + - < * / % < unary); literals keep
//   their raw token; names are backquoted when they are not plain identifiers, or were
//   backquoted and are keywords;
// - comments are kept: an own-line comment stays on its own line before the statement,
//   clause, binding or map item that follows it (at that item's indentation), or at the
//   end of its block when nothing follows; a trailing comment stays at the end of the line
//   of the item it follows (after two spaces). When several trailing comments end up on
//   one printed line (an expression written over several lines), all but the last move to
//   their own lines above it.
#include "compiler/formatter.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

namespace mig {
namespace {

// ---------------------------------------------------------------------------------------
// Names and literals

// Words that start statements or clauses or mean something inside expressions: a name
// written in backquotes keeps them when it is one of these.
constexpr std::array<std::string_view, 50> kKeywords = {
    "plan",   "use",     "param",    "source",  "target", "environment", "settings",
    "fn",     "copy",    "update",   "expect",  "before", "after",       "sql",
    "as",     "key",     "where",    "follow",  "foreign", "keys",       "skip",
    "map",    "set",     "check",    "else",    "reject", "fail",        "warn",
    "on",     "conflict", "batch",   "confirm", "above",  "and",         "or",
    "not",    "in",      "is",       "null",    "true",   "false",       "matches",
    "case",   "when",    "then",     "end",     "drop",   "no",          "orphans",
    "count"};

bool is_keyword(std::string_view word) {
  return std::find(kKeywords.begin(), kKeywords.end(), word) != kKeywords.end();
}

bool is_ident_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool is_plain_identifier(std::string_view text) {
  if (text.empty() || !is_ident_start(text[0])) return false;
  return std::all_of(text.begin(), text.end(), is_ident_char);
}

std::string backquote(std::string_view text) {
  std::string out = "`";
  for (char c : text) {
    if (c == '`') out += '`';  // a backquote inside a quoted name is written twice
    out += c;
  }
  return out + "`";
}

// A pattern part (`tmp_*`, `*`) is printed as written when it only has name characters.
bool is_plain_pattern(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return is_ident_char(c) || c == '*'; });
}

// The raw `"..."` token that starts at or after `from` (before `to`), skipping comments;
// nullopt when there is none or it is unterminated.
std::optional<std::string> raw_string_in(const SourceFile& file, uint32_t from, uint32_t to) {
  const std::string& t = file.text;
  to = std::min<uint32_t>(to, uint32_t(t.size()));
  for (uint32_t i = from; i < to; ++i) {
    if (t[i] == '#') {
      while (i < to && t[i] != '\n') ++i;
      continue;
    }
    if (t[i] != '"' && t[i] != '\'') continue;
    char quote = t[i];
    for (uint32_t j = i + 1; j < to; ++j) {
      if (t[j] == '\\') {
        ++j;
        continue;
      }
      if (t[j] == quote) return t.substr(i, j + 1 - i);
      if (t[j] == '\n') return std::nullopt;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

// The raw text of a string token spanned by `span`, when the span holds exactly one.
std::optional<std::string> raw_token(const SourceFile* file, Span span) {
  if (!file || span.end <= span.begin || span.end > file->text.size()) return std::nullopt;
  std::string text = file->text.substr(span.begin, span.end - span.begin);
  if (text.size() < 2 || (text[0] != '"' && text[0] != '\'') || text.back() != text[0])
    return std::nullopt;
  return text;
}

// ---------------------------------------------------------------------------------------
// Expressions

// Binding strength, loosest first (spec section 6).
enum Prec { p_or = 1, p_and, p_not, p_compare, p_concat, p_add, p_mul, p_unary, p_primary };

int precedence(const Expr& e) {
  switch (e.kind) {
    case ExprKind::unary: return e.op == Op::not_ ? p_not : p_unary;
    case ExprKind::in:
    case ExprKind::is_null:
    case ExprKind::matches: return p_compare;
    case ExprKind::binary:
      switch (e.op) {
        case Op::or_: return p_or;
        case Op::and_: return p_and;
        case Op::concat: return p_concat;
        case Op::add:
        case Op::sub: return p_add;
        case Op::mul:
        case Op::div:
        case Op::mod: return p_mul;
        default: return p_compare;
      }
    default: return p_primary;
  }
}

const char* op_text(Op op) {
  switch (op) {
    case Op::neg: return "-";
    case Op::plus: return "+";
    case Op::not_: return "not";
    case Op::add: return "+";
    case Op::sub: return "-";
    case Op::mul: return "*";
    case Op::div: return "/";
    case Op::mod: return "%";
    case Op::concat: return "||";
    case Op::eq: return "==";
    case Op::ne: return "!=";
    case Op::lt: return "<";
    case Op::le: return "<=";
    case Op::gt: return ">";
    case Op::ge: return ">=";
    case Op::and_: return "and";
    case Op::or_: return "or";
    case Op::none: break;
  }
  return "?";
}

class ExprPrinter {
 public:
  explicit ExprPrinter(const PrintOptions& opts) : opts_(opts) {}

  std::string print(const Expr& e) {
    switch (e.kind) {
      case ExprKind::literal: return literal(e);
      case ExprKind::name: return path(e.path);
      case ExprKind::param: return "$" + e.text;
      case ExprKind::list: return "[" + join(e.args) + "]";
      case ExprKind::map: return map_literal(e);
      case ExprKind::unary: return unary(e);
      case ExprKind::binary: return binary(e);
      case ExprKind::in:
        return operand(e, 0, true) + (e.negated ? " not in " : " in ") + operand(e, 1, true);
      case ExprKind::is_null:
        return operand(e, 0, true) + (e.negated ? " is not null" : " is null");
      case ExprKind::matches: return operand(e, 0, true) + " matches " + operand(e, 1, true);
      case ExprKind::case_: return case_expr(e);
      case ExprKind::call: return call(e);
    }
    return "";
  }

 private:
  std::string literal(const Expr& e) {
    if (e.lit == LiteralKind::string && opts_.string_literal) return opts_.string_literal(e.text);
    return e.text;
  }

  std::string path(const std::vector<Ident>& parts) {
    std::string out;
    for (const Ident& part : parts) {
      if (!out.empty()) out += '.';
      out += format_name(part);
    }
    return out;
  }

  std::string join(const std::vector<ExprPtr>& items) {
    std::string out;
    for (const ExprPtr& item : items) {
      if (!out.empty()) out += ", ";
      out += sub(item.get());
    }
    return out;
  }

  std::string sub(const Expr* e) { return e ? print(*e) : std::string(); }

  std::string map_literal(const Expr& e) {
    std::string out = "{";
    for (const MapEntry& entry : e.entries) {
      if (out.size() > 1) out += ", ";
      out += sub(entry.key.get()) + ": " + sub(entry.value.get());
    }
    return out + "}";
  }

  std::string unary(const Expr& e) {
    const Expr* arg = e.args.empty() ? nullptr : e.args[0].get();
    std::string inner = sub(arg);
    int mine = precedence(e);
    bool parens = arg && precedence(*arg) < mine;
    if (e.op == Op::not_) return "not " + (parens ? "(" + inner + ")" : inner);
    // Keep a sign apart from an inner sign (`-(-x)`) and from digits: `-7` is one literal
    // token, so the negation of `7` is written `- 7`.
    if (!parens && !inner.empty() && (inner[0] == '-' || inner[0] == '+')) parens = true;
    if (parens) return std::string(op_text(e.op)) + "(" + inner + ")";
    bool digit = !inner.empty() && std::isdigit(static_cast<unsigned char>(inner[0]));
    return std::string(op_text(e.op)) + (digit ? " " : "") + inner;
  }

  // Operand `i` of `e`, parenthesised when it binds looser than `e` (or as loose, on the
  // right, or on either side of a comparison, which does not chain).
  std::string operand(const Expr& e, size_t i, bool non_assoc) {
    if (i >= e.args.size() || !e.args[i]) return "";
    const Expr& arg = *e.args[i];
    int mine = precedence(e), theirs = precedence(arg);
    bool parens = theirs < mine || (theirs == mine && (i > 0 || non_assoc));
    std::string inner = print(arg);
    return parens ? "(" + inner + ")" : inner;
  }

  std::string binary(const Expr& e) {
    bool non_assoc = precedence(e) == p_compare;
    return operand(e, 0, non_assoc) + " " + op_text(e.op) + " " + operand(e, 1, non_assoc);
  }

  std::string case_expr(const Expr& e) {
    std::string out = "case";
    for (const WhenClause& w : e.whens)
      out += " when " + sub(w.condition.get()) + " then " + sub(w.value.get());
    if (e.else_value) out += " else " + sub(e.else_value.get());
    return out + " end";
  }

  std::string call(const Expr& e) {
    std::string out = format_name(e.callee) + "(" + join(e.args);
    for (const NamedArg& arg : e.named) {
      if (out.back() != '(') out += ", ";
      out += format_name(arg.name) + ": " + sub(arg.value.get());
    }
    return out + ")";
  }

  const PrintOptions& opts_;
};

std::string join_names(const std::vector<Ident>& names) {
  std::string out;
  for (const Ident& name : names) {
    if (!out.empty()) out += ", ";
    out += format_name(name);
  }
  return out;
}

const char* action_name(CheckAction a) {
  switch (a) {
    case CheckAction::reject: return "reject";
    case CheckAction::fail: return "fail";
    case CheckAction::warn: return "warn";
  }
  return "reject";
}

const char* conflict_name(ConflictPolicy p) {
  switch (p) {
    case ConflictPolicy::skip: return "skip";
    case ConflictPolicy::update: return "update";
    case ConflictPolicy::fail: return "fail";
  }
  return "fail";
}

std::string check_clause(const Clause& c, const PrintOptions& opts) {
  std::string out = "check " + (c.expr ? format_expr(*c.expr, opts) : std::string());
  if (c.action_given) out += std::string(" else ") + action_name(c.action);
  if (c.label) {
    std::optional<std::string> raw;
    if (opts.source && c.expr) raw = raw_string_in(*opts.source, c.expr->span.end, c.span.end);
    out += " as " + (raw ? *raw : quote_string(*c.label));
  }
  return out;
}

std::string skip_pattern(const Ident& pattern, const PrintOptions& opts) {
  if (opts.source && pattern.span.end > pattern.span.begin &&
      pattern.span.end <= opts.source->text.size())
    return opts.source->text.substr(pattern.span.begin, pattern.span.end - pattern.span.begin);
  return is_plain_pattern(pattern.text) ? pattern.text : backquote(pattern.text);
}

}  // namespace

std::string format_expr(const Expr& e, const PrintOptions& opts) {
  return ExprPrinter(opts).print(e);
}

std::string format_name(const Ident& name) {
  if (is_plain_identifier(name.text)) {
    return name.quoted && is_keyword(name.text) ? backquote(name.text) : name.text;
  }
  return backquote(name.text);
}

std::string format_table_ref(const TableRef& ref) {
  std::string out;
  for (const Ident& part : ref.parts) {
    if (!out.empty()) out += '.';
    bool pattern = part.text.find('*') != std::string::npos && is_plain_pattern(part.text);
    out += pattern ? part.text : format_name(part);
  }
  return out;
}

std::string format_type(const TypeRef& type) {
  std::string out = format_name(type.name);
  if (type.args.empty()) return out;
  out += "<";
  for (size_t i = 0; i < type.args.size(); ++i) out += (i ? ", " : "") + format_type(type.args[i]);
  return out + ">";
}

std::string quote_string(std::string_view decoded) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out = "\"";
  for (char c : decoded) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += "\\u{";
          if (static_cast<unsigned char>(c) >= 0x10) out += kHex[static_cast<unsigned char>(c) >> 4];
          out += kHex[c & 0xF];
          out += "}";
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string format_map_item(const MapItem& item, const PrintOptions& opts) {
  switch (item.kind) {
    case MapItem::Kind::star: return "*";
    case MapItem::Kind::drop: return "drop " + format_name(item.column);
    case MapItem::Kind::assign:
      return format_name(item.column) + " = " +
             (item.value ? format_expr(*item.value, opts) : std::string());
  }
  return "";
}

std::string format_expectation(const Expectation& e, const PrintOptions& opts) {
  if (e.no_orphans_in) return "no orphans in " + format_name(*e.no_orphans_in);
  return e.expr ? format_expr(*e.expr, opts) : std::string();
}

std::string format_clause(const Clause& c, const PrintOptions& opts) {
  auto expr = [&](const ExprPtr& e) { return e ? format_expr(*e, opts) : std::string(); };
  switch (c.kind) {
    case Clause::Kind::key: return "key " + join_names(c.columns);
    case Clause::Kind::where: return "where " + expr(c.expr);
    case Clause::Kind::follow:
      return "follow " + join_names(c.columns) + " -> " + format_name(c.task);
    case Clause::Kind::follow_fks: return "follow foreign keys";
    case Clause::Kind::skip: {
      std::string out = "skip ";
      for (size_t i = 0; i < c.patterns.size(); ++i)
        out += (i ? ", " : "") + skip_pattern(c.patterns[i], opts);
      return out;
    }
    case Clause::Kind::map:
    case Clause::Kind::set: {
      std::string out = c.kind == Clause::Kind::map ? "map {" : "set {";
      for (size_t i = 0; i < c.items.size(); ++i)
        out += (i ? ", " : " ") + format_map_item(c.items[i], opts);
      return out + (c.items.empty() ? "}" : " }");
    }
    case Clause::Kind::check: return check_clause(c, opts);
    case Clause::Kind::expect: return "expect " + format_expectation(c.expectation, opts);
    case Clause::Kind::on_conflict: return std::string("on conflict ") + conflict_name(c.conflict);
    case Clause::Kind::batch: return "batch " + expr(c.expr);
    case Clause::Kind::confirm: return "confirm above " + expr(c.expr);
  }
  return "";
}

// ---------------------------------------------------------------------------------------
// Whole files

namespace {

// One printed item: a line, or a block (`head {`, children, `}`), with the comments that
// belong to it. Comments are attached by source position, then printed around the lines.
struct Unit {
  uint32_t begin = 0;       // source range of the whole item
  uint32_t end = 0;
  uint32_t body_begin = 0;  // block: just after its `{` (comments after it are inside)
  bool block = false;
  bool blank_before = false;  // top level: a blank line separates it from the previous one
  std::string head;           // the line, without ` {` for a block
  std::vector<Unit> children;
  std::vector<const Comment*> before;          // own-line, above the item
  std::vector<const Comment*> head_trailing;   // at the end of its (first) line
  std::vector<const Comment*> end_comments;    // block: own-line, before `}`
  std::vector<const Comment*> close_trailing;  // block: after `}`
};

// Where a block's body starts: just after the first `{` at or after `from` (comments
// skipped); `fallback` when the text has none.
uint32_t body_start(const std::string& text, uint32_t from, uint32_t limit, uint32_t fallback) {
  limit = std::min<uint32_t>(limit, uint32_t(text.size()));
  for (uint32_t i = from; i < limit; ++i) {
    if (text[i] == '#') {
      while (i < limit && text[i] != '\n') ++i;
      continue;
    }
    if (text[i] == '{') return i + 1;
  }
  return fallback;
}

class ModuleFormatter {
 public:
  ModuleFormatter(const SourceFile& file, const Module& module) : file_(file), module_(module) {
    opts_.source = &file;
  }

  std::string run() {
    Unit root;
    root.block = true;
    root.begin = 0;
    root.end = uint32_t(file_.text.size()) + 1;
    for (const Stmt& s : module_.stmts) root.children.push_back(statement(s));
    separate_top_level(root, module_.stmts);
    std::vector<const Comment*> comments;
    for (const Comment& c : module_.comments) comments.push_back(&c);
    std::sort(comments.begin(), comments.end(),
              [](const Comment* a, const Comment* b) { return a->span.begin < b->span.begin; });
    for (const Comment* c : comments) attach(root, *c, own_line(*c));
    std::string out;
    for (const Unit& child : root.children) {
      if (child.blank_before && !out.empty()) out += '\n';
      emit(child, 0, out);
    }
    std::vector<const Comment*> tail = root.end_comments;
    tail.insert(tail.end(), root.before.begin(), root.before.end());
    tail.insert(tail.end(), root.head_trailing.begin(), root.head_trailing.end());
    tail.insert(tail.end(), root.close_trailing.begin(), root.close_trailing.end());
    sort_by_place(tail);
    if (!tail.empty() && !out.empty()) out += '\n';
    for (const Comment* c : tail) out += comment_text(*c) + "\n";
    return out;
  }

 private:
  // --- building units ---

  Unit line(Span span, std::string head) {
    Unit u;
    u.begin = span.begin;
    u.end = span.end;
    u.head = std::move(head);
    return u;
  }

  Unit block(Span span, std::string head, uint32_t header_end) {
    Unit u = line(span, std::move(head));
    u.block = true;
    u.body_begin = body_start(file_.text, header_end, span.end, header_end);
    return u;
  }

  Unit binding(const Binding& b) {
    return line(b.span, format_name(b.name) + " = " + expr(b.value));
  }

  std::string expr(const ExprPtr& e) { return e ? format_expr(*e, opts_) : std::string(); }

  Unit clause(const Clause& c) {
    if (c.kind != Clause::Kind::map && c.kind != Clause::Kind::set)
      return line(c.span, format_clause(c, opts_));
    Unit u = block(c.span, c.kind == Clause::Kind::map ? "map" : "set", c.span.begin);
    for (size_t i = 0; i < c.items.size(); ++i) {
      std::string text = format_map_item(c.items[i], opts_);
      // `a = b` then `*` on the next line reads as `b * ...`: a `;` ends the expression.
      bool star_next = i + 1 < c.items.size() && c.items[i + 1].kind == MapItem::Kind::star;
      if (c.items[i].kind == MapItem::Kind::assign && star_next) text += ";";
      u.children.push_back(line(c.items[i].span, text));
    }
    return u;
  }

  Unit statement(const Stmt& s) {
    switch (s.kind) {
      case Stmt::Kind::plan: return line(s.span, "plan " + format_name(s.name));
      case Stmt::Kind::use: return line(s.span, use_line(s));
      case Stmt::Kind::param: {
        std::string head = "param " + format_name(s.name);
        if (s.type) head += " : " + format_type(*s.type);
        if (s.value) head += " = " + expr(s.value);
        return line(s.span, head);
      }
      case Stmt::Kind::source:
      case Stmt::Kind::target:
        return line(s.span, std::string(s.kind == Stmt::Kind::source ? "source " : "target ") +
                                format_name(s.name) + " = " + expr(s.value));
      case Stmt::Kind::environment: {
        Unit u = block(s.span, "environment " + format_name(s.name), s.name.span.end);
        for (const Binding& b : s.bindings) u.children.push_back(binding(b));
        return u;
      }
      case Stmt::Kind::settings: {
        Unit u = block(s.span, "settings", s.span.begin);
        for (const Binding& b : s.bindings) u.children.push_back(binding(b));
        return u;
      }
      case Stmt::Kind::fn: return line(s.span, fn_line(s));
      case Stmt::Kind::copy:
      case Stmt::Kind::update: return task(s);
      case Stmt::Kind::expect:
        return line(s.span, "expect " + format_expectation(s.expectation, opts_));
      case Stmt::Kind::hook: {
        auto sql = raw_token(&file_, s.sql_span);
        return line(s.span, std::string(s.after ? "after " : "before ") + format_name(s.conn) +
                                " sql " + (sql ? *sql : quote_string(s.sql)));
      }
    }
    return line(s.span, "");
  }

  Unit task(const Stmt& s) {
    std::string head;
    uint32_t header_end = s.from.span.end;
    if (s.kind == Stmt::Kind::update) {
      head = "update " + format_table_ref(s.from);
    } else {
      head = "copy " + format_table_ref(s.from) + " -> " + format_table_ref(s.to);
      header_end = std::max(header_end, s.to.span.end);
      if (!s.name.text.empty()) {
        head += " as " + format_name(s.name);
        header_end = std::max(header_end, s.name.span.end);
      }
    }
    Unit u = block(s.span, head, header_end);
    for (const Clause& c : s.clauses) u.children.push_back(clause(c));
    return u;
  }

  std::string use_line(const Stmt& s) {
    std::vector<std::pair<uint32_t, std::string>> items;
    for (const Ident& m : s.modules) items.emplace_back(m.span.begin, format_name(m));
    for (const Ident& p : s.module_paths) {
      auto raw = raw_token(&file_, p.span);
      items.emplace_back(p.span.begin, raw ? *raw : quote_string(p.text));
    }
    std::stable_sort(items.begin(), items.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out = "use ";
    for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i].second;
    return out;
  }

  std::string fn_line(const Stmt& s) {
    std::string out = "fn " + format_name(s.name) + "(";
    for (size_t i = 0; i < s.fn_params.size(); ++i)
      out += (i ? ", " : "") + format_name(s.fn_params[i].name) + " : " +
             format_type(s.fn_params[i].type);
    out += ")";
    if (s.type) out += " -> " + format_type(*s.type);
    return out + " = " + expr(s.value);
  }

  // Which top-level statements run together without a blank line between them.
  static int line_group(const Stmt& s) {
    switch (s.kind) {
      case Stmt::Kind::use: return 1;
      case Stmt::Kind::param: return 2;
      case Stmt::Kind::source:
      case Stmt::Kind::target: return 3;
      case Stmt::Kind::fn: return 4;
      case Stmt::Kind::expect: return 5;
      case Stmt::Kind::hook: return 6;
      default: return 0;  // `plan` and blocks stand apart
    }
  }

  static void separate_top_level(Unit& root, const std::vector<Stmt>& stmts) {
    for (size_t i = 1; i < stmts.size(); ++i) {
      int group = line_group(stmts[i]);
      root.children[i].blank_before = group == 0 || group != line_group(stmts[i - 1]);
    }
  }

  // --- placing comments ---

  // Whether only blanks precede the comment on its line.
  bool own_line(const Comment& c) const {
    for (uint32_t i = c.span.begin; i > 0; --i) {
      char ch = file_.text[i - 1];
      if (ch == '\n') return true;
      if (ch != ' ' && ch != '\t' && ch != '\r') return false;
    }
    return true;
  }

  static void attach(Unit& block, const Comment& c, bool own) {
    uint32_t at = c.span.begin;
    for (Unit& child : block.children) {
      if (at < child.begin || at >= child.end) continue;
      if (child.block && at >= child.body_begin) return attach(child, c, own);
      (own ? child.before : child.head_trailing).push_back(&c);
      return;
    }
    if (own) {
      for (Unit& child : block.children)
        if (child.begin > at) return child.before.push_back(&c);
      block.end_comments.push_back(&c);
      return;
    }
    Unit* prev = nullptr;
    for (Unit& child : block.children)
      if (child.end <= at) prev = &child;
    if (!prev) return block.head_trailing.push_back(&c);
    (prev->block ? prev->close_trailing : prev->head_trailing).push_back(&c);
  }

  // --- printing ---

  static void sort_by_place(std::vector<const Comment*>& comments) {
    std::stable_sort(comments.begin(), comments.end(), [](const Comment* a, const Comment* b) {
      return a->span.begin < b->span.begin;
    });
  }

  static std::string comment_text(const Comment& c) {
    std::string text = c.text;
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    return text;
  }

  // Prints `line` with the last of `trailing` after it; the others go on their own lines
  // above it (with `above`), in source order.
  static void emit_line(std::string& out, const std::string& indent, const std::string& text,
                        std::vector<const Comment*> above,
                        std::vector<const Comment*> trailing) {
    sort_by_place(trailing);
    const Comment* last = nullptr;
    if (!trailing.empty()) {
      last = trailing.back();
      trailing.pop_back();
    }
    above.insert(above.end(), trailing.begin(), trailing.end());
    sort_by_place(above);
    for (const Comment* c : above) out += indent + comment_text(*c) + "\n";
    out += indent + text;
    if (last) out += "  " + comment_text(*last);
    out += "\n";
  }

  void emit(const Unit& u, int depth, std::string& out) const {
    std::string indent(size_t(depth) * 2, ' ');
    if (!u.block) return emit_line(out, indent, u.head, u.before, u.head_trailing);
    if (u.children.empty() && u.end_comments.empty()) {
      std::vector<const Comment*> trailing = u.head_trailing;
      trailing.insert(trailing.end(), u.close_trailing.begin(), u.close_trailing.end());
      return emit_line(out, indent, u.head + " {}", u.before, trailing);
    }
    emit_line(out, indent, u.head + " {", u.before, u.head_trailing);
    for (const Unit& child : u.children) emit(child, depth + 1, out);
    std::vector<const Comment*> inner = u.end_comments;
    std::vector<const Comment*> close = u.close_trailing;
    sort_by_place(close);
    if (close.size() > 1) {  // only one fits after `}`; the rest stay at the block's end
      inner.insert(inner.end(), close.begin(), close.end() - 1);
      close.erase(close.begin(), close.end() - 1);
    }
    sort_by_place(inner);
    std::string inner_indent = indent + "  ";
    for (const Comment* c : inner) out += inner_indent + comment_text(*c) + "\n";
    emit_line(out, indent, "}", {}, close);
  }

  const SourceFile& file_;
  const Module& module_;
  PrintOptions opts_;
};

}  // namespace

std::string format_module(const SourceFile& file, const Module& module) {
  return ModuleFormatter(file, module).run();
}

}  // namespace mig
