#include "compiler/builtins.hpp"

#include <map>

namespace mig {
namespace {

TypeSpec exact(BaseType b) { return TypeSpec{TypeRule::exact, Type::of(b), 0}; }
TypeSpec rule(TypeRule r, int index = 0) { return TypeSpec{r, Type{}, index}; }

std::vector<Builtin> make_registry() {
#define TEXT exact(BaseType::text)
#define INT exact(BaseType::int_)
#define DECIMAL exact(BaseType::decimal)
#define FLOAT exact(BaseType::float_)
#define BOOL exact(BaseType::bool_)
#define DATE exact(BaseType::date)
#define TIMESTAMP exact(BaseType::timestamp)
#define TIMESTAMPTZ exact(BaseType::timestamptz)
#define UUID exact(BaseType::uuid)
#define JSON exact(BaseType::json)
#define BYTES exact(BaseType::bytes)
#define ANY rule(TypeRule::any)
#define NUMERIC rule(TypeRule::numeric)
#define TEMPORAL rule(TypeRule::temporal)
#define TEXT_OR_UUID rule(TypeRule::text_or_uuid)
#define MAP rule(TypeRule::map)
#define NAME rule(TypeRule::name)
#define TABLE rule(TypeRule::table)
#define UNKNOWN rule(TypeRule::unknown)
#define SAME_AS(i) rule(TypeRule::same_as, i)
#define COMMON_FROM(i) rule(TypeRule::common_from, i)
#define TRANSLATED rule(TypeRule::translated)
#define REQ(n, t) ParamSpec{#n, t, Presence::required}
#define OPT(n, t) ParamSpec{#n, t, Presence::optional}
#define NAMED(n, t) ParamSpec{#n, t, Presence::named_only}
#define MORE(n, t) ParamSpec{#n, t, Presence::more}
#define BUILTIN(id_, name_, group_, result_, ...) \
  Builtin{BuiltinId::id_, BuiltinGroup::group_, Signature{name_, {__VA_ARGS__}, result_}},
  return std::vector<Builtin>{
#include "compiler/builtins.def"
  };
#undef BUILTIN
#undef MORE
#undef NAMED
#undef OPT
#undef REQ
#undef TRANSLATED
#undef COMMON_FROM
#undef SAME_AS
#undef UNKNOWN
#undef TABLE
#undef NAME
#undef MAP
#undef TEXT_OR_UUID
#undef TEMPORAL
#undef NUMERIC
#undef ANY
#undef BYTES
#undef JSON
#undef UUID
#undef TIMESTAMPTZ
#undef TIMESTAMP
#undef DATE
#undef BOOL
#undef FLOAT
#undef DECIMAL
#undef INT
#undef TEXT
}

}  // namespace

const std::vector<Builtin>& builtins() {
  static const std::vector<Builtin> registry = make_registry();
  return registry;
}

const Builtin& builtin(BuiltinId id) { return builtins().at(size_t(id)); }

const Builtin* find_builtin(std::string_view name) {
  static const std::map<std::string, const Builtin*, std::less<>> by_name = [] {
    std::map<std::string, const Builtin*, std::less<>> m;
    for (const Builtin& b : builtins()) m.emplace(b.signature.name, &b);
    return m;
  }();
  auto it = by_name.find(name);
  return it == by_name.end() ? nullptr : it->second;
}

std::string describe(const TypeSpec& spec) {
  switch (spec.rule) {
    case TypeRule::exact: return type_name(spec.type);
    case TypeRule::numeric: return "a number";
    case TypeRule::temporal: return "a date or timestamp";
    case TypeRule::text_or_uuid: return "text or uuid";
    case TypeRule::map: return "a map such as `{\"a\": 1}`";
    case TypeRule::name: return "a name";
    case TypeRule::table: return "a table such as `conn.table`";
    default: return "any value";
  }
}

namespace {

// A parameter's type as a signature shows it: `text`, `number`, `any`.
std::string short_type(const TypeSpec& spec) {
  switch (spec.rule) {
    case TypeRule::exact: return type_name(spec.type);
    case TypeRule::numeric: return "number";
    case TypeRule::temporal: return "date|timestamp";
    case TypeRule::text_or_uuid: return "text|uuid";
    case TypeRule::map: return "map";
    case TypeRule::name: return "name";
    case TypeRule::table: return "table";
    default: return "any";
  }
}

}  // namespace

std::string signature_text(const Signature& sig) {
  std::string out = sig.name + "(";
  bool first = true;
  bool optional_open = false;
  for (const ParamSpec& p : sig.params) {
    std::string item = p.name + ": " + short_type(p.type);
    if (p.presence == Presence::more) item = "...";
    bool optional = p.presence == Presence::optional || p.presence == Presence::named_only;
    if (optional && !optional_open) {
      out += first ? "[" : "[, ";
      optional_open = true;
    } else if (!first) {
      out += ", ";
    }
    out += item;
    first = false;
  }
  if (optional_open) out += "]";
  return out + ")";
}

}  // namespace mig
