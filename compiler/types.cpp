#include "compiler/types.hpp"

namespace mig {
namespace {

struct Named {
  const char* name;
  BaseType base;
};
constexpr Named kNames[] = {
    {"int", BaseType::int_},         {"decimal", BaseType::decimal},
    {"float", BaseType::float_},     {"text", BaseType::text},
    {"bool", BaseType::bool_},       {"date", BaseType::date},
    {"timestamp", BaseType::timestamp}, {"timestamptz", BaseType::timestamptz},
    {"uuid", BaseType::uuid},        {"json", BaseType::json},
    {"bytes", BaseType::bytes},
};

std::string base_name(BaseType b) {
  for (const Named& n : kNames)
    if (n.base == b) return n.name;
  switch (b) {
    case BaseType::null: return "null";
    case BaseType::list: return "list";
    case BaseType::map: return "map";
    case BaseType::table: return "table";
    default: return "any";
  }
}

}  // namespace

bool Type::is_numeric() const {
  return base == BaseType::int_ || base == BaseType::decimal || base == BaseType::float_ ||
         base == BaseType::unknown || base == BaseType::null;
}

std::string type_name(Type t) {
  if (t.base == BaseType::list) return "list<" + base_name(t.elem) + ">";
  if (t.base == BaseType::map) return "map<text, " + base_name(t.elem) + ">";
  return base_name(t.base);
}

std::optional<Type> type_from_ref(const TypeRef& ref) {
  if (ref.name.text == "list") {
    if (ref.args.size() != 1 || !ref.args[0].args.empty()) return std::nullopt;
    auto elem = type_from_ref(ref.args[0]);
    if (!elem) return std::nullopt;
    return Type::list_of(elem->base);
  }
  if (!ref.args.empty()) return std::nullopt;
  for (const Named& n : kNames)
    if (ref.name.text == n.name) return Type::of(n.base);
  return std::nullopt;
}

bool assignable(Type from, Type to) {
  if (from.base == BaseType::unknown || to.base == BaseType::unknown) return true;
  if (from.base == BaseType::null) return true;
  if (from == to) return true;
  if (from.base == BaseType::list && to.base == BaseType::list)
    return assignable(Type::of(from.elem), Type::of(to.elem));
  if (from.base == BaseType::int_ && (to.base == BaseType::decimal || to.base == BaseType::float_))
    return true;
  if (from.base == BaseType::decimal && to.base == BaseType::float_) return true;
  return false;
}

}  // namespace mig
