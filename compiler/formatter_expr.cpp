// The one printer of `.mig` expressions, names, types and clauses (see formatter.hpp):
// fmt lays out whole files with it (formatter.cpp); explain and lowering print with it too.
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
    "plan",    "use",     "param",   "source", "target", "environment", "settings", "fn",
    "copy",    "update",  "expect",  "before", "after",  "sql",         "as",       "key",
    "where",   "follow",  "foreign", "keys",   "skip",   "map",         "set",      "check",
    "else",    "reject",  "fail",    "warn",   "on",     "conflict",    "batch",    "confirm",
    "above",   "and",     "or",      "not",    "in",     "is",          "null",     "true",
    "false",   "matches", "case",    "when",   "then",   "end",         "drop",     "no",
    "orphans", "count"};

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

// ---------------------------------------------------------------------------------------
// Expressions

// Binding strength, loosest first (spec section 6).
enum Prec { p_or = 1, p_and, p_not, p_compare, p_concat, p_add, p_mul, p_unary, p_primary };

int precedence(const Expr& e) {
  switch (e.kind) {
    case ExprKind::unary:
      return e.op == Op::not_ ? p_not : p_unary;
    case ExprKind::in:
    case ExprKind::is_null:
    case ExprKind::matches:
      return p_compare;
    case ExprKind::binary:
      switch (e.op) {
        case Op::or_:
          return p_or;
        case Op::and_:
          return p_and;
        case Op::concat:
          return p_concat;
        case Op::add:
        case Op::sub:
          return p_add;
        case Op::mul:
        case Op::div:
        case Op::mod:
          return p_mul;
        default:
          return p_compare;
      }
    default:
      return p_primary;
  }
}

const char* op_text(Op op) {
  switch (op) {
    case Op::neg:
      return "-";
    case Op::plus:
      return "+";
    case Op::not_:
      return "not";
    case Op::add:
      return "+";
    case Op::sub:
      return "-";
    case Op::mul:
      return "*";
    case Op::div:
      return "/";
    case Op::mod:
      return "%";
    case Op::concat:
      return "||";
    case Op::eq:
      return "==";
    case Op::ne:
      return "!=";
    case Op::lt:
      return "<";
    case Op::le:
      return "<=";
    case Op::gt:
      return ">";
    case Op::ge:
      return ">=";
    case Op::and_:
      return "and";
    case Op::or_:
      return "or";
    case Op::none:
      break;
  }
  return "?";
}

class ExprPrinter {
 public:
  explicit ExprPrinter(const PrintOptions& opts) : opts_(opts) {}

  std::string print(const Expr& e) {
    switch (e.kind) {
      case ExprKind::literal:
        return literal(e);
      case ExprKind::name:
        return path(e.path);
      case ExprKind::param:
        return "$" + (is_plain_identifier(e.text) ? e.text : backquote(e.text));
      case ExprKind::list:
        return "[" + join(e.args) + "]";
      case ExprKind::map:
        return map_literal(e);
      case ExprKind::unary:
        return unary(e);
      case ExprKind::binary:
        return binary(e);
      case ExprKind::in:
        return operand(e, 0, true) + (e.negated ? " not in " : " in ") + operand(e, 1, true);
      case ExprKind::is_null:
        return operand(e, 0, true) + (e.negated ? " is not null" : " is null");
      case ExprKind::matches:
        return operand(e, 0, true) + " matches " + operand(e, 1, true);
      case ExprKind::case_:
        return case_expr(e);
      case ExprKind::call:
        return call(e);
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
    case CheckAction::reject:
      return "reject";
    case CheckAction::fail:
      return "fail";
    case CheckAction::warn:
      return "warn";
  }
  return "reject";
}

const char* conflict_name(ConflictPolicy p) {
  switch (p) {
    case ConflictPolicy::skip:
      return "skip";
    case ConflictPolicy::update:
      return "update";
    case ConflictPolicy::fail:
      return "fail";
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
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += "\\u{";
          if (static_cast<unsigned char>(c) >= 0x10)
            out += kHex[static_cast<unsigned char>(c) >> 4];
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
    case MapItem::Kind::star:
      return "*";
    case MapItem::Kind::drop:
      return "drop " + format_name(item.column);
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
    case Clause::Kind::key:
      return "key " + join_names(c.columns);
    case Clause::Kind::where:
      return "where " + expr(c.expr);
    case Clause::Kind::follow:
      return "follow " + join_names(c.columns) + " -> " + format_name(c.task);
    case Clause::Kind::follow_fks:
      return "follow foreign keys";
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
    case Clause::Kind::check:
      return check_clause(c, opts);
    case Clause::Kind::expect:
      return "expect " + format_expectation(c.expectation, opts);
    case Clause::Kind::on_conflict:
      return std::string("on conflict ") + conflict_name(c.conflict);
    case Clause::Kind::batch:
      return "batch " + expr(c.expr);
    case Clause::Kind::confirm:
      return "confirm above " + expr(c.expr);
  }
  return "";
}

}  // namespace mig
