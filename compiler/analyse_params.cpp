// `param NAME : TYPE [= DEFAULT]`: the declared types, their defaults, and the values
// given with `--param` or MIG_PARAM_NAME (collected apart by the CLI, see collect_params).
#include <set>
#include <variant>

#include "compiler/analyse_context.hpp"
#include "compiler/param_value.hpp"

namespace mig {
namespace {

const std::vector<std::string> kTypeNames = {"int",  "decimal",   "float",       "text",
                                             "bool", "date",      "timestamp",   "timestamptz",
                                             "uuid", "json",      "bytes",       "list"};

// `prefix` is how the value was written (`--param NAME=` or `MIG_PARAM_NAME=`): shown in
// the diagnostic so that the caret has a line to point into and says where the value came from.
void apply_param_value(Analyser& a, const std::string& name, const std::string& value,
                       const std::string& prefix, const std::string& origin,
                       std::set<std::string>& invalid) {
  uint32_t file = a.sources.add(origin, prefix + value);
  auto it = a.plan.params.find(name);
  if (it == a.plan.params.end()) {
    Span at{file, 8, uint32_t(8 + name.size())};
    Diagnostic& d = a.diags.report(DiagId::param_not_declared, at, {name});
    Analyser::suggest(d, name, Analyser::keys(a.plan.params));
    return;
  }
  Param& param = it->second;
  auto parsed = parse_param_value(param.type, value);
  if (auto* err = std::get_if<ParamError>(&parsed)) {
    uint32_t begin = uint32_t(prefix.size()) + err->offset;
    Span at{file, begin, begin + err->length};
    Diagnostic& d = a.diags.report(DiagId::param_value, at, {err->bad, err->expected, name});
    add_note(d, "`$" + name + "` is declared here", param.decl->name.span);
    invalid.insert(name);
    return;
  }
  param.given = value;
}

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
  // MIG_PARAM_NAME variables are shared by every plan run from a shell: one naming no
  // parameter of this plan is someone else's, not a mistake. `--param` wins over them.
  for (const auto& [name, value] : options.env_params)
    if (!options.params.count(name) && plan.params.count(name))
      apply_param_value(*this, name, value, "MIG_PARAM_" + name + "=", "<environment>", invalid);
  for (const auto& [name, value] : options.params)
    apply_param_value(*this, name, value, "--param " + name + "=", "<command line>", invalid);
  if (!options.require_params) return;
  for (const auto& [name, param] : plan.params) {
    if (param.given || param.decl->value || invalid.count(name)) continue;
    Diagnostic& d = diags.report(DiagId::param_missing, param.decl->name.span, {name});
    add_help(d, "give it with `--param " + name + "=VALUE` or the environment variable `MIG_PARAM_" +
                    name + "`");
  }
}

}  // namespace mig
