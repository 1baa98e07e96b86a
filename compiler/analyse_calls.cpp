// Calls: resolving a function (user `fn` or built-in), where a built-in may be used, and
// binding positional and named arguments to its signature with their types.
#include "compiler/analyse_context.hpp"

namespace mig {
namespace {

bool numeric(BaseType b) {
  return b == BaseType::int_ || b == BaseType::decimal || b == BaseType::float_;
}
bool loose(Type t) { return t.base == BaseType::unknown || t.base == BaseType::null; }

// Whether a value of type `t` may be passed where `spec` is expected.
bool accepts(const TypeSpec& spec, Type t) {
  if (loose(t)) return true;
  switch (spec.rule) {
    case TypeRule::exact:
      // Text is parsed into json where json is expected.
      if (spec.type.base == BaseType::json && t.base == BaseType::text) return true;
      return assignable(t, spec.type);
    case TypeRule::numeric: return numeric(t.base);
    case TypeRule::temporal:
      return t.base == BaseType::date || t.base == BaseType::timestamp ||
             t.base == BaseType::timestamptz;
    case TypeRule::text_or_uuid: return t.base == BaseType::text || t.base == BaseType::uuid;
    case TypeRule::map: return t.base == BaseType::map;
    default: return true;
  }
}

// "1 argument", "2 or 3 arguments", "at least 2 arguments".
std::string takes_text(size_t min, size_t max, bool unbounded) {
  auto n = [](size_t k) { return k == 0 ? std::string("no arguments")
                                        : std::to_string(k) + (k == 1 ? " argument" : " arguments"); };
  if (unbounded) return min == 0 ? "any number of arguments" : "at least " + n(min);
  if (min == max) return n(min);
  return std::to_string(min) + (max == min + 1 ? " or " : " to ") + n(max);
}

// Completes "but ... given".
std::string given_text(size_t k) {
  return k == 0 ? "none were" : std::to_string(k) + (k == 1 ? " was" : " were");
}

// Why a built-in of `group` cannot be used in `scope`; empty when it can.
std::string misuse_help(const Builtin& b, const ExprContext& cx) {
  switch (b.group) {
    case BuiltinGroup::crosswalk:
      if ((cx.scope == Scope::source_row || cx.scope == Scope::target_row) && cx.task) return "";
      return "`lookup` translates keys in the expressions of a task";
    case BuiltinGroup::connector:
      return "a connector is the value of a `source`, `target` or `environment` binding";
    case BuiltinGroup::config:
      if (cx.scope == Scope::connector) return "";
      return "`" + b.signature.name +
             "` is read when a connection is opened, in a connector's arguments; use a `param` "
             "for other values";
    case BuiltinGroup::aggregate:
      if (cx.scope == Scope::plan_expect &&
          (b.id == BuiltinId::count || b.id == BuiltinId::sql))
        return "";
      if (b.id == BuiltinId::unique || b.id == BuiltinId::not_null)
        return "`" + b.signature.name + "(...)` is an `expect` of its own in a task";
      return "`" + b.signature.name + "` reads tables in a plan-level `expect`";
    default: return "";
  }
}

// A bare one-part name, e.g. a task or connection argument.
const Ident* bare_name(const Expr& e) {
  return e.kind == ExprKind::name && e.path.size() == 1 ? &e.path[0] : nullptr;
}

}  // namespace

Type Analyser::check_call(const Expr& e, ExprContext& cx) {
  const std::string& name = e.callee.text;
  auto user = plan.functions.find(name);
  if (user != plan.functions.end()) {
    if (cx.scope == Scope::fn_body && cx.fn)
      fn_calls[cx.fn->name.text].push_back({name, e.callee.span});
    Signature sig{name, {}, TypeSpec{TypeRule::exact, user->second.result, 0}};
    const auto& params = user->second.decl->fn_params;
    for (size_t i = 0; i < params.size() && i < user->second.param_types.size(); ++i)
      sig.params.push_back(ParamSpec{params[i].name.text,
                                     TypeSpec{TypeRule::exact, user->second.param_types[i], 0},
                                     Presence::required});
    return check_arguments(e, sig, cx, nullptr);
  }
  const Builtin* b = find_builtin(name);
  if (!b) {
    std::vector<std::string> names = keys(plan.functions);
    for (const Builtin& candidate : builtins())
      if (misuse_help(candidate, cx).empty()) names.push_back(candidate.signature.name);
    Diagnostic& d = diags.report(DiagId::unknown_function, e.callee.span, {name});
    suggest(d, name, names);
    if (!missing_modules.empty())
      add_note(d, "module `" + missing_modules.front() + "` could not be loaded and may declare it");
    for (const ExprPtr& arg : e.args)
      if (arg) check_expr(*arg, cx);
    for (const NamedArg& arg : e.named)
      if (arg.value) check_expr(*arg.value, cx);
    return Type{};
  }
  std::string help = misuse_help(*b, cx);
  if (!help.empty()) {
    Diagnostic& d = diags.report(DiagId::not_allowed_here, e.callee.span, {name, cx.place});
    add_help(d, help);
    return Type{};
  }
  return check_arguments(e, b->signature, cx, b);
}

namespace {

// Binds a call's arguments to the parameters of a signature: positional ones in order
// (the rest to a `more` parameter), then named ones; reports unknown and repeated names.
class ArgumentBinder {
 public:
  ArgumentBinder(Analyser& a, const Signature& sig, ExprContext& cx)
      : a_(a), sig_(sig), cx_(cx), filled_(sig.params.size()) {
    for (size_t i = 0; i < sig.params.size(); ++i) {
      Presence p = sig.params[i].presence;
      if (p == Presence::required) ++min_;
      if (p == Presence::required || p == Presence::optional) positional_.push_back(i);
      if (p == Presence::more) more_ = i;
    }
  }

  void bind_positional(const Expr& e) {
    for (size_t k = 0; k < e.args.size(); ++k) {
      if (!e.args[k]) continue;
      size_t param = k < positional_.size() ? positional_[k] : more_.value_or(sig_.params.size());
      if (param == sig_.params.size()) {
        too_many_ = true;
        a_.check_expr(*e.args[k], cx_);
        continue;
      }
      filled_[param] = e.args[k]->span;
      bound.push_back(BoundArg{param, e.args[k].get(), std::to_string(k + 1), Type{}});
    }
  }

  void bind_named(const Expr& e) {
    for (const NamedArg& arg : e.named) {
      size_t param = find(arg.name.text);
      if (param == sig_.params.size()) {
        std::vector<std::string> names;
        for (const ParamSpec& p : sig_.params)
          if (p.presence != Presence::more) names.push_back(p.name);
        Diagnostic& d = a_.diags.report(DiagId::unknown_named_argument, arg.name.span,
                                        {sig_.name, arg.name.text});
        Analyser::suggest(d, arg.name.text, names);
        if (arg.value) a_.check_expr(*arg.value, cx_);
      } else if (filled_[param]) {
        Diagnostic& d =
            a_.diags.report(DiagId::duplicate_named_argument, arg.name.span, {arg.name.text});
        add_note(d, "first given here", *filled_[param]);
      } else {
        filled_[param] = arg.name.span;
        if (arg.value) bound.push_back(BoundArg{param, arg.value.get(), "`" + arg.name.text + "`", Type{}});
      }
    }
  }

  // Too many positional arguments, or a required parameter not given.
  bool arity_wrong() const {
    for (size_t i = 0; i < sig_.params.size(); ++i)
      if (sig_.params[i].presence == Presence::required && !filled_[i]) return true;
    return too_many_;
  }

  std::string takes() const { return takes_text(min_, positional_.size(), more_.has_value()); }

  std::vector<BoundArg> bound;  // in the order the arguments are written

 private:
  size_t find(const std::string& name) const {
    size_t i = 0;
    while (i < sig_.params.size() &&
           (sig_.params[i].name != name || sig_.params[i].presence == Presence::more))
      ++i;
    return i;
  }

  Analyser& a_;
  const Signature& sig_;
  ExprContext& cx_;
  std::vector<size_t> positional_;          // parameters that take positional arguments
  std::optional<size_t> more_;              // the repeated last parameter, if any
  size_t min_ = 0;                          // required parameters
  std::vector<std::optional<Span>> filled_; // where each parameter is given
  bool too_many_ = false;
};

}  // namespace

Type Analyser::check_arguments(const Expr& e, const Signature& sig, ExprContext& cx,
                               const Builtin* builtin) {
  ArgumentBinder binder(*this, sig, cx);
  binder.bind_positional(e);
  binder.bind_named(e);
  if (binder.arity_wrong()) {
    Diagnostic& d = diags.report(DiagId::wrong_arity, e.span,
                                 {sig.name, binder.takes(), given_text(e.args.size() + e.named.size())});
    if (builtin) add_note(d, "it is `" + signature_text(sig) + "`");
    else add_note(d, "`" + sig.name + "` is declared here", plan.functions[sig.name].decl->name.span);
  }
  for (BoundArg& b : binder.bound) b.type = check_argument(sig, b.param, *b.value, b.label, cx, builtin);
  return call_result(sig, binder.bound);
}

Type Analyser::check_argument(const Signature& sig, size_t param, const Expr& value,
                              const std::string& label, ExprContext& cx, const Builtin* builtin) {
  const TypeSpec& spec = sig.params[param].type;
  if (spec.rule == TypeRule::name) {
    const Ident* name = bare_name(value);
    if (builtin && builtin->id == BuiltinId::lookup) {
      if (name) add_dependency(cx.task, *name, Dependency::Kind::lookup, value.span);
      else diags.report(DiagId::lookup_not_task, value.span);
      return Type{};
    }
    if (builtin && builtin->id == BuiltinId::sql && name) {
      check_connection_name(*name);
      return Type{};
    }
    if (name) return Type{};
    diags.report(DiagId::wrong_argument_type, value.span,
                 {label, sig.name, builtin && builtin->id == BuiltinId::sql ? "a connection name" : "a name",
                  type_name(check_expr(value, cx))});
    return Type{};
  }
  if (spec.rule == TypeRule::table) {
    if (value.kind == ExprKind::name && (value.path.size() == 2 || value.path.size() == 3)) {
      check_connection_name(value.path[0]);
      return Type::of(BaseType::table);
    }
    diags.report(DiagId::wrong_argument_type, value.span,
                 {label, sig.name, describe(spec),
                  value.kind == ExprKind::name ? "`" + path_text(value.path) + "`"
                                               : type_name(check_expr(value, cx))});
    return Type{};
  }
  Type t = check_expr(value, cx);
  if (!accepts(spec, t))
    diags.report(DiagId::wrong_argument_type, value.span, {label, sig.name, describe(spec), type_name(t)});
  if (builtin && builtin->id == BuiltinId::regex_replace && param == 1) check_regex(value);
  return t;
}

Type Analyser::call_result(const Signature& sig, const std::vector<BoundArg>& bound) {
  const TypeSpec& result = sig.result;
  switch (result.rule) {
    case TypeRule::exact: return result.type;
    case TypeRule::same_as:
      for (const BoundArg& b : bound)
        if (b.param == size_t(result.index)) return b.type;
      return Type{};
    case TypeRule::common_from: {
      Type out = Type::of(BaseType::null);
      for (const BoundArg& b : bound)
        if (b.param >= size_t(result.index))
          out = mix(out, *b.value, b.type, "arguments of `" + sig.name + "`");
      return out;
    }
    case TypeRule::translated: {
      Type out = Type::of(BaseType::null);
      for (const BoundArg& b : bound) {
        if (sig.params[b.param].type.rule == TypeRule::map && b.type.base == BaseType::map)
          out = mix(out, *b.value, Type::of(b.type.elem), "values of `" + sig.name + "`");
        else if (sig.params[b.param].name == "default")
          out = mix(out, *b.value, b.type, "values of `" + sig.name + "`");
      }
      return out;
    }
    default: return Type{};
  }
}

}  // namespace mig
