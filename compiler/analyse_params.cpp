// `param NAME : TYPE [= DEFAULT]`: the declared types, their defaults, and the values
// given with `--param` (or MIG_PARAM_NAME, merged in by the CLI).
#include <set>
#include <variant>

#include "compiler/analyse_context.hpp"
#include "compiler/param_value.hpp"

namespace mig {
namespace {

const std::vector<std::string> kTypeNames = {"int",  "decimal",   "float",       "text",
                                             "bool", "date",      "timestamp",   "timestamptz",
                                             "uuid", "json",      "bytes",       "list"};

}  // namespace

// Reports an unknown type (with did-you-mean) and returns nullopt for it.
std::optional<Type> resolve_type(Diagnostics& diags, const TypeRef& ref) {
  if (auto t = type_from_ref(ref)) return t;
  const Ident* bad = &ref.name;
  // `list<strng>`: point at the element type, which is the unknown part.
  if (ref.name.text == "list" && ref.args.size() == 1) bad = &ref.args[0].name;
  if (ref.name.text == "list" && ref.args.size() != 1) {
    Diagnostic& d = diags.report(DiagId::unknown_type, ref.span, {"list"});
    add_help(d, "a list names its item type, e.g. `list<int>`");
    return std::nullopt;
  }
  Diagnostic& d = diags.report(DiagId::unknown_type, bad->span, {bad->text});
  Analyser::suggest(d, bad->text, kTypeNames);
  if (d.notes.empty())
    add_help(d, "the types are `int`, `decimal`, `float`, `text`, `bool`, `date`, `timestamp`, "
                "`timestamptz`, `uuid`, `json`, `bytes` and `list<T>`");
  return std::nullopt;
}

void Analyser::check_params() {
  for (auto& [name, param] : plan.params) {
    const Stmt& s = *param.decl;
    std::optional<Type> type;
    if (s.type) type = resolve_type(diags, *s.type);
    param.type = type.value_or(Type{});
    if (!s.value) continue;
    ExprContext cx{Scope::constant, "a parameter default", nullptr, nullptr};
    Type given = check_expr(*s.value, cx);
    if (type && !assignable(given, *type)) check_spelled_default(name, *type, *s.value, given);
  }
}

// There are no date, timestamp or uuid literals: a default of such a type is written as a
// string (or a list of strings), which must then parse as the type.
void Analyser::check_spelled_default(const std::string& name, Type type, const Expr& value,
                                     Type given) {
  bool is_list = type.base == BaseType::list;
  BaseType want = is_list ? type.elem : type.base;
  bool spelled = want == BaseType::date || want == BaseType::timestamp ||
                 want == BaseType::timestamptz || want == BaseType::uuid ||
                 want == BaseType::json || want == BaseType::bytes;
  std::vector<const Expr*> items;
  if (!is_list) items.push_back(&value);
  else if (value.kind == ExprKind::list)
    for (const ExprPtr& item : value.args) items.push_back(item.get());
  bool strings = spelled && (!is_list || value.kind == ExprKind::list);
  for (const Expr* item : items)
    strings = strings && item && item->kind == ExprKind::literal &&
              (item->lit == LiteralKind::string || item->lit == LiteralKind::null);
  if (!strings) {
    diags.report(DiagId::param_default_type, value.span, {name, type_name(given), type_name(type)});
    return;
  }
  for (const Expr* item : items) {
    if (item->lit == LiteralKind::null) continue;
    auto parsed = parse_param_value(Type::of(want), item->value);
    if (auto* err = std::get_if<ParamError>(&parsed))
      diags.report(DiagId::param_value, item->span, {item->value, err->expected, name});
  }
}

void Analyser::apply_param_values() {
  std::set<std::string> invalid;  // given but wrong: not also "missing"
  for (const auto& [name, value] : options.params) {
    // The value is shown as it would be written on the command line, so the caret has a
    // line to point into.
    std::string prefix = "--param " + name + "=";
    uint32_t file = sources.add("<command line>", prefix + value);
    auto it = plan.params.find(name);
    if (it == plan.params.end()) {
      Span at{file, 8, uint32_t(8 + name.size())};
      Diagnostic& d = diags.report(DiagId::param_not_declared, at, {name});
      suggest(d, name, keys(plan.params));
      continue;
    }
    Param& param = it->second;
    auto parsed = parse_param_value(param.type, value);
    if (auto* err = std::get_if<ParamError>(&parsed)) {
      uint32_t begin = uint32_t(prefix.size()) + err->offset;
      Span at{file, begin, begin + err->length};
      Diagnostic& d = diags.report(DiagId::param_value, at, {err->bad, err->expected, name});
      add_note(d, "`$" + name + "` is declared here", param.decl->name.span);
      invalid.insert(name);
      continue;
    }
    param.given = value;
  }
  if (!options.require_params) return;
  for (const auto& [name, param] : plan.params) {
    if (param.given || param.decl->value || invalid.count(name)) continue;
    Diagnostic& d = diags.report(DiagId::param_missing, param.decl->name.span, {name});
    add_help(d, "give it with `--param " + name + "=VALUE` or the environment variable `MIG_PARAM_" +
                    name + "`");
  }
}

}  // namespace mig
