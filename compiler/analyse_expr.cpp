// Expressions: names and parameters in their scope, operators on their operand types, and
// lists, maps and `case` whose parts must mix. Columns have no type without a schema, so
// an unknown type is accepted everywhere; only what is certainly wrong is reported.
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "compiler/analyse_context.hpp"

namespace mig {
namespace {

bool numeric(BaseType b) {
  return b == BaseType::int_ || b == BaseType::decimal || b == BaseType::float_;
}
bool temporal(BaseType b) {
  return b == BaseType::date || b == BaseType::timestamp || b == BaseType::timestamptz;
}
// Unknown (a column) or `null`: fits anything.
bool loose(Type t) { return t.base == BaseType::unknown || t.base == BaseType::null; }
bool container(BaseType b) {
  return b == BaseType::list || b == BaseType::map || b == BaseType::table;
}

// Whether `a == b` makes sense (a text literal may stand for a date, uuid or json).
bool comparable(Type a, Type b) {
  if (loose(a) || loose(b)) return true;
  if (numeric(a.base) && numeric(b.base)) return true;
  if (a.base == b.base) return a.base != BaseType::list || comparable(Type::of(a.elem), Type::of(b.elem));
  if (temporal(a.base) && temporal(b.base)) return true;
  auto spelled = [](BaseType x) { return temporal(x) || x == BaseType::uuid || x == BaseType::json; };
  return (a.base == BaseType::text && spelled(b.base)) || (b.base == BaseType::text && spelled(a.base));
}

const char* op_text(Op op) {
  switch (op) {
    case Op::neg: case Op::sub: return "-";
    case Op::plus: case Op::add: return "+";
    case Op::not_: return "not";
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

bool is_arithmetic(Op op) {
  return op == Op::add || op == Op::sub || op == Op::mul || op == Op::div || op == Op::mod;
}
bool is_comparison(Op op) {
  return op == Op::eq || op == Op::ne || op == Op::lt || op == Op::le || op == Op::gt ||
         op == Op::ge;
}

// Whether a value of type `t` may be an operand of binary `op`.
bool operand_ok(Op op, Type t) {
  if (loose(t)) return true;
  // Dates and timestamps take part in arithmetic as the dialect allows.
  if (is_arithmetic(op)) return numeric(t.base) || temporal(t.base);
  if (op == Op::and_ || op == Op::or_) return t.base == BaseType::bool_;
  if (op == Op::eq || op == Op::ne) return true;
  return !container(t.base);  // `||` and ordering: scalars
}

// The type of `l op r` (unknown when it depends on what the columns hold).
Type binary_result(Op op, Type l, Type r) {
  if (is_comparison(op) || op == Op::and_ || op == Op::or_) return Type::of(BaseType::bool_);
  if (op == Op::concat) return Type::of(BaseType::text);
  if (!numeric(l.base) || !numeric(r.base)) return Type{};
  // int / int stays exact, so its type depends on the values: left open.
  if (op == Op::div && l.base == BaseType::int_ && r.base == BaseType::int_) return Type{};
  return common_type(l, r).value_or(Type{});
}

// Why PCRE2 (the runtime's engine, with the runtime's options) refuses `pattern`, or "".
std::string regex_problem(const std::string& pattern) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  const uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   options, &error, &offset, nullptr);
  if (code) {
    pcre2_code_free(code);
    return "";
  }
  PCRE2_UCHAR message[256];
  if (pcre2_get_error_message(error, message, sizeof message) < 0) return "error " + std::to_string(error);
  return std::string(reinterpret_cast<const char*>(message)) + " at offset " + std::to_string(offset);
}

}  // namespace

std::optional<Type> common_type(Type a, Type b) {
  if (a.base == BaseType::null) return b;
  if (b.base == BaseType::null) return a;
  if (a.base == BaseType::unknown || b.base == BaseType::unknown) return Type{};
  if (a == b) return a;
  if (numeric(a.base) && numeric(b.base))
    return Type::of(a.base == BaseType::float_ || b.base == BaseType::float_ ? BaseType::float_
                                                                            : BaseType::decimal);
  if (temporal(a.base) && temporal(b.base)) return Type{};
  if (a.base == BaseType::list && b.base == BaseType::list) {
    auto elem = common_type(Type::of(a.elem), Type::of(b.elem));
    if (!elem) return std::nullopt;
    return Type::list_of(elem->base);
  }
  return std::nullopt;
}

Type Analyser::mix(Type so_far, const Expr& item, Type t, const std::string& what) {
  auto c = common_type(so_far, t);
  if (c) return *c;
  diags.report(DiagId::incompatible_types, item.span, {what, type_name(so_far), type_name(t)});
  return Type{};
}

void Analyser::check_condition(const Expr& e, ExprContext& cx, const std::string& what) {
  Type t = check_expr(e, cx);
  if (!assignable(t, Type::of(BaseType::bool_)))
    diags.report(DiagId::condition_type, e.span, {what, type_name(t)});
}

void Analyser::check_regex(const Expr& e) {
  if (e.kind != ExprKind::literal || e.lit != LiteralKind::string) return;
  std::string problem = regex_problem(e.value);
  if (!problem.empty()) diags.report(DiagId::invalid_regex, e.span, {problem});
}

Type Analyser::check_expr(const Expr& e, ExprContext& cx) {
  switch (e.kind) {
    case ExprKind::literal: return check_literal(e);
    case ExprKind::name: return check_name(e, cx);
    case ExprKind::param: return check_param_ref(e, cx);
    case ExprKind::list: {
      Type elem = Type::of(BaseType::null);
      for (const ExprPtr& item : e.args)
        if (item) elem = mix(elem, *item, check_expr(*item, cx), "list items");
      return Type::list_of(elem.base == BaseType::null ? BaseType::unknown : elem.base);
    }
    case ExprKind::map: return check_map_literal(e, cx);
    case ExprKind::unary: return check_unary(e, cx);
    case ExprKind::binary: return check_binary(e, cx);
    case ExprKind::in: return check_in(e, cx);
    case ExprKind::is_null:
      if (!e.args.empty() && e.args[0]) check_expr(*e.args[0], cx);
      return Type::of(BaseType::bool_);
    case ExprKind::matches: return check_matches(e, cx);
    case ExprKind::case_: {
      Type result = Type::of(BaseType::null);
      for (const WhenClause& w : e.whens) {
        if (w.condition) check_condition(*w.condition, cx, "a `when` condition");
        if (w.value) result = mix(result, *w.value, check_expr(*w.value, cx), "`case` branches");
      }
      if (e.else_value)
        result = mix(result, *e.else_value, check_expr(*e.else_value, cx), "`case` branches");
      return result;
    }
    case ExprKind::call: return check_call(e, cx);
  }
  return Type{};
}

Type Analyser::check_literal(const Expr& e) {
  switch (e.lit) {
    case LiteralKind::int_: return Type::of(BaseType::int_);
    case LiteralKind::decimal: return Type::of(BaseType::decimal);
    case LiteralKind::float_: return Type::of(BaseType::float_);
    case LiteralKind::string: return Type::of(BaseType::text);
    case LiteralKind::bool_: return Type::of(BaseType::bool_);
    case LiteralKind::null: return Type::of(BaseType::null);
    case LiteralKind::percent: diags.report(DiagId::percent_misplaced, e.span); return Type{};
  }
  return Type{};
}

Type Analyser::check_name(const Expr& e, ExprContext& cx) {
  std::string text = path_text(e.path);
  bool column = e.path.size() == 1;
  bool source_column = e.path.size() == 2 && e.path[0].text == "source" && !e.path[0].quoted;
  std::vector<std::string> candidates;
  switch (cx.scope) {
    case Scope::source_row:
    case Scope::target_row:
      if (column || source_column) return Type{};
      break;
    case Scope::fn_body:
      for (size_t i = 0; cx.fn && i < cx.fn->fn_params.size(); ++i) {
        if (column && cx.fn->fn_params[i].name.text == text) {
          const Function& fn = plan.functions[cx.fn->name.text];
          return i < fn.param_types.size() ? fn.param_types[i] : Type{};
        }
        candidates.push_back(cx.fn->fn_params[i].name.text);
      }
      break;
    default: break;
  }
  Diagnostic& d = diags.report(DiagId::unknown_name, e.span, {text, cx.place});
  suggest(d, text, candidates);
  if (cx.scope == Scope::plan_expect)
    add_help(d, "a plan-level `expect` reads tables with `count(CONN.TABLE)` or `sql(CONN, \"...\")`");
  else if (cx.scope == Scope::constant || cx.scope == Scope::connector)
    add_help(d, "only literals and functions of them can be used here");
  else if (cx.scope != Scope::fn_body)
    add_help(d, "a column is a plain name, or `source.NAME` for the source row");
  return Type{};
}

Type Analyser::check_param_ref(const Expr& e, ExprContext& cx) {
  if (cx.scope == Scope::constant) {
    diags.report(DiagId::not_allowed_here, e.span, {"$" + e.text, cx.place});
    return Type{};
  }
  auto it = plan.params.find(e.text);
  if (it != plan.params.end()) return it->second.type;
  Diagnostic& d = diags.report(DiagId::unknown_parameter, e.span, {e.text});
  suggest(d, e.text, keys(plan.params), "$");
  return Type{};
}

Type Analyser::check_map_literal(const Expr& e, ExprContext& cx) {
  Type values = Type::of(BaseType::null);
  std::map<std::string, Span> seen;
  for (const MapEntry& entry : e.entries) {
    if (entry.key) {
      check_expr(*entry.key, cx);
      if (entry.key->kind == ExprKind::literal) {
        auto [first, fresh] = seen.emplace(entry.key->text, entry.key->span);
        if (!fresh) {
          Diagnostic& d = diags.report(DiagId::invalid_literal, entry.key->span,
                                       {"key `" + entry.key->text + "` appears twice in a map"});
          add_note(d, "first given here", first->second);
        }
      }
    }
    if (entry.value) values = mix(values, *entry.value, check_expr(*entry.value, cx), "map values");
  }
  return Type{BaseType::map, values.base == BaseType::null ? BaseType::unknown : values.base};
}

Type Analyser::check_unary(const Expr& e, ExprContext& cx) {
  if (e.args.empty() || !e.args[0]) return Type{};
  Type t = check_expr(*e.args[0], cx);
  if (e.op == Op::not_) {
    if (!assignable(t, Type::of(BaseType::bool_)))
      diags.report(DiagId::operand_type, e.args[0]->span, {"not", type_name(t)});
    return Type::of(BaseType::bool_);
  }
  if (!loose(t) && !numeric(t.base)) {
    diags.report(DiagId::operand_type, e.args[0]->span, {op_text(e.op), type_name(t)});
    return Type{};
  }
  return t;
}

Type Analyser::check_binary(const Expr& e, ExprContext& cx) {
  if (e.args.size() < 2 || !e.args[0] || !e.args[1]) return Type{};
  Type types[2] = {check_expr(*e.args[0], cx), check_expr(*e.args[1], cx)};
  bool ok = true;
  for (int side = 0; side < 2; ++side) {
    if (operand_ok(e.op, types[side])) continue;
    ok = false;
    Diagnostic& d = diags.report(DiagId::operand_type, e.args[side]->span,
                                 {op_text(e.op), type_name(types[side])});
    if (e.op == Op::add && types[side].base == BaseType::text) add_help(d, "`||` joins text");
  }
  if (ok && is_comparison(e.op) && !comparable(types[0], types[1]))
    diags.report(DiagId::incompatible_types, e.span,
                 {std::string("`") + op_text(e.op) + "`", type_name(types[0]), type_name(types[1])});
  return binary_result(e.op, types[0], types[1]);
}

Type Analyser::check_in(const Expr& e, ExprContext& cx) {
  if (e.args.size() < 2 || !e.args[0] || !e.args[1]) return Type::of(BaseType::bool_);
  Type value = check_expr(*e.args[0], cx);
  Type list = check_expr(*e.args[1], cx);
  if (list.base == BaseType::list) {
    if (!comparable(value, Type::of(list.elem)))
      diags.report(DiagId::incompatible_types, e.span,
                   {"`in`", type_name(value), type_name(Type::of(list.elem))});
  } else if (!loose(list)) {
    Diagnostic& d = diags.report(DiagId::operand_type, e.args[1]->span,
                                 {e.negated ? "not in" : "in", type_name(list)});
    add_help(d, "the right side of `in` is a list, such as `[1, 2]`, or a `list<...>` parameter");
  }
  return Type::of(BaseType::bool_);
}

Type Analyser::check_matches(const Expr& e, ExprContext& cx) {
  if (e.args.size() < 2 || !e.args[0] || !e.args[1]) return Type::of(BaseType::bool_);
  Type value = check_expr(*e.args[0], cx);
  Type pattern = check_expr(*e.args[1], cx);
  if (!loose(value) && value.base != BaseType::text)
    diags.report(DiagId::operand_type, e.args[0]->span, {"matches", type_name(value)});
  if (!loose(pattern) && pattern.base != BaseType::text)
    diags.report(DiagId::operand_type, e.args[1]->span, {"matches", type_name(pattern)});
  check_regex(*e.args[1]);
  return Type::of(BaseType::bool_);
}

}  // namespace mig
