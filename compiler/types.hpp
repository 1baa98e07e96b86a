// The types of the expression language (spec section 6), as analysis sees them.
#pragma once
#include <optional>
#include <string>

#include "compiler/ast.hpp"

namespace mig {

enum class BaseType {
  unknown,      // not known without a schema (a column); accepted everywhere
  null,         // the `null` literal; fits any type
  int_, decimal, float_, text, bool_, date, timestamp, timestamptz, uuid, json, bytes,
  list,         // list<elem>
  map,          // a `{k: v}` literal (translate's table); elem is the value type
  table,        // `conn.table` inside `count(...)`
};

// A type; `elem` is meaningful for list and map only (one level is all the language has).
struct Type {
  BaseType base = BaseType::unknown;
  BaseType elem = BaseType::unknown;

  static Type of(BaseType b) { return Type{b, BaseType::unknown}; }
  static Type list_of(BaseType e) { return Type{BaseType::list, e}; }
  bool operator==(const Type&) const = default;
  bool is_numeric() const;  // int, decimal, float (or unknown)
};

// `int`, `list<text>` as users write them.
std::string type_name(Type t);
// Parses a written type; nullopt for an unknown name.
std::optional<Type> type_from_ref(const TypeRef& ref);
// Whether a value of `from` may be used where `to` is expected (null and unknown fit
// everything; int widens to decimal and float; decimal to float).
bool assignable(Type from, Type to);

}  // namespace mig
