// The registry of built-in functions (spec section 6, the connectors, `env`/`secret` and the
// `expect` aggregates), from the one list in builtins.def. Analysis checks calls against it;
// the runtime attaches an implementation to each entry by its BuiltinId.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "compiler/types.hpp"

namespace mig {

// One id per built-in, in builtins.def order (stable within a build).
enum class BuiltinId {
#define BUILTIN(id, ...) id,
#include "compiler/builtins.def"
#undef BUILTIN
};

// Where a built-in may be called; analysis rejects it elsewhere.
enum class BuiltinGroup {
  text, numbers, time, ids, json, choice, secrets,  // scalar: any expression
  crosswalk,   // `lookup`: expressions of a task
  connector,   // the value of a `source`/`target`/environment binding
  config,      // `env`, `secret`: a connector's arguments
  aggregate,   // `count`, `sql` in a plan-level `expect`; `unique`, `not_null` in a task's
};

// How a parameter's accepted type or a result type is determined.
enum class TypeRule {
  exact,         // `type` (with the usual widening: int -> decimal -> float)
  any,           // any value
  numeric,       // int, decimal or float
  temporal,      // date, timestamp or timestamptz
  text_or_uuid,  // text or uuid
  map,           // a `{k: v}` literal
  name,          // a bare name (a task, connection or column), not evaluated
  table,         // `conn.table`, not evaluated
  same_as,       // result: the type of argument `index`
  common_from,   // result: the common type of arguments `index`...
  translated,    // result: the common type of the map's values and `default:`
  unknown,       // result: not known without a schema
};

// A parameter's type or a function's result type.
struct TypeSpec {
  TypeRule rule = TypeRule::any;
  Type type;      // for `exact`
  int index = 0;  // for `same_as` / `common_from`
};

enum class Presence {
  required,    // by position (or by name)
  optional,    // by position or by name
  named_only,  // only as `name: value`
  more,        // the last parameter repeated: zero or more further positional values
};

// One parameter of a built-in or user function.
struct ParamSpec {
  std::string name;
  TypeSpec type;
  Presence presence = Presence::required;
};

// What analysis needs to check a call; built-ins and user `fn`s share it.
struct Signature {
  std::string name;
  std::vector<ParamSpec> params;
  TypeSpec result;
};

// One entry of the registry.
struct Builtin {
  BuiltinId id;
  BuiltinGroup group;
  Signature signature;
};

// Every built-in, in builtins.def order (indexable by BuiltinId).
const std::vector<Builtin>& builtins();
// The entry for an id.
const Builtin& builtin(BuiltinId id);
// The entry named `name`, or nullptr.
const Builtin* find_builtin(std::string_view name);
// `substr(value: text, start: int[, length: int])`, for help lines.
std::string signature_text(const Signature& sig);
// How a parameter type reads in messages: `text`, `a number`, `a task name`...
std::string describe(const TypeSpec& spec);

}  // namespace mig
