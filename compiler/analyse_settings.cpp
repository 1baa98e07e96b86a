// `settings { KEY = VALUE ... }` (spec section 8): each key known, each value of its kind.
#include <charconv>

#include "compiler/analyse_context.hpp"

namespace mig {
namespace {

// A positive integer literal, e.g. `5000`.
std::optional<int64_t> positive_int(const Expr& e) {
  if (e.kind != ExprKind::literal || e.lit != LiteralKind::int_) return std::nullopt;
  const std::string& digits = e.value.empty() ? e.text : e.value;
  int64_t n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size() || n <= 0) return std::nullopt;
  return n;
}

// A bare word (`skip`) or a string (`"skip"`).
std::optional<std::string> word(const Expr& e) {
  if (e.kind == ExprKind::name && e.path.size() == 1) return e.path[0].text;
  if (e.kind == ExprKind::literal && e.lit == LiteralKind::string) return e.value;
  return std::nullopt;
}

std::optional<bool> boolean(const Expr& e) {
  if (e.kind == ExprKind::literal && e.lit == LiteralKind::bool_) return e.text == "true";
  return std::nullopt;
}

// A non-empty string.
std::optional<std::string> text(const Expr& e) {
  if (e.kind == ExprKind::literal && e.lit == LiteralKind::string && !e.value.empty())
    return e.value;
  return std::nullopt;
}

// One known setting: what its value must be, and how it is stored.
struct SettingSpec {
  const char* name;
  const char* expected;  // for "setting `x` must be ..."
  bool (*apply)(Settings& s, const Expr& value);
};

const SettingSpec kSettings[] = {
    {"batch_size", "a positive integer",
     [](Settings& s, const Expr& e) {
       auto n = positive_int(e);
       if (n) s.batch_size = *n;
       return n.has_value();
     }},
    {"on_conflict", "`skip`, `update` or `fail`",
     [](Settings& s, const Expr& e) {
       auto w = word(e);
       if (w == "skip") s.on_conflict = ConflictPolicy::skip;
       else if (w == "update") s.on_conflict = ConflictPolicy::update;
       else if (w == "fail") s.on_conflict = ConflictPolicy::fail;
       else return false;
       return true;
     }},
    {"on_error", "`reject` or `fail`",
     [](Settings& s, const Expr& e) {
       auto w = word(e);
       if (w == "reject") s.on_error = CheckAction::reject;
       else if (w == "fail") s.on_error = CheckAction::fail;
       else return false;
       return true;
     }},
    {"parallel", "a positive integer",
     [](Settings& s, const Expr& e) {
       auto n = positive_int(e);
       if (n) s.parallel = *n;
       return n.has_value();
     }},
    {"fk_checks", "`deferred` or `on`",
     [](Settings& s, const Expr& e) {
       auto w = word(e);
       if (w != "deferred" && w != "on") return false;
       s.fk_checks_deferred = w == "deferred";
       return true;
     }},
    {"confirm_above", "a positive integer",
     [](Settings& s, const Expr& e) {
       auto n = positive_int(e);
       if (n) s.confirm_above = *n;
       return n.has_value();
     }},
    {"state", "a path in quotes, such as `\".mig/state\"`",
     [](Settings& s, const Expr& e) {
       auto t = text(e);
       if (t) s.state = *t;
       return t.has_value();
     }},
    {"reports", "a path in quotes, such as `\"reports\"`",
     [](Settings& s, const Expr& e) {
       auto t = text(e);
       if (t) s.reports = *t;
       return t.has_value();
     }},
    {"create_tables", "`true` or `false`",
     [](Settings& s, const Expr& e) {
       auto b = boolean(e);
       if (b) s.create_tables = *b;
       return b.has_value();
     }},
};

}  // namespace

void Analyser::check_settings(const Stmt& stmt) {
  for (const Binding& b : stmt.bindings) {
    const SettingSpec* spec = nullptr;
    for (const SettingSpec& s : kSettings)
      if (b.name.text == s.name) spec = &s;
    if (!spec) {
      std::vector<std::string> names;
      for (const SettingSpec& s : kSettings) names.push_back(s.name);
      Diagnostic& d = diags.report(DiagId::unknown_setting, b.name.span, {b.name.text});
      suggest(d, b.name.text, names);
      if (d.notes.empty()) {
        std::string list;
        for (size_t i = 0; i < names.size(); ++i)
          list += (i == 0 ? "`" : i + 1 == names.size() ? " and `" : ", `") + names[i] + "`";
        add_help(d, "the settings are " + list);
      }
      continue;
    }
    if (!declare_once(setting_spans, b.name.text, b.name.span, DiagId::duplicate_setting,
                      "first given here"))
      continue;
    if (b.value && !spec->apply(plan.settings, *b.value))
      diags.report(DiagId::invalid_setting_value, b.value->span, {spec->name, spec->expected});
  }
}

}  // namespace mig
