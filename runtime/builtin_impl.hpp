// Internal to the evaluator: how a built-in function of compiler/builtins.def is implemented
// and found. Each runtime/builtin_<group>.cpp implements one group of the registry; the
// evaluator binds arguments, converts them to the parameter types and calls these.
#pragma once
#include <cstdint>
#include <memory>
#include <span>

#include "compiler/builtins.hpp"
#include "runtime/result.hpp"
#include "runtime/value.hpp"

namespace mig::eval {

// What a built-in prepares once per call site from its constant arguments (a compiled
// regex, a time zone, a json path), so that rows need no parsing.
struct Prepared {
  virtual ~Prepared() = default;
};
using PreparedPtr = std::shared_ptr<const Prepared>;

// The evaluated arguments of one call: one slot per signature parameter in order (an absent
// optional parameter is null, with given(i) false), then each value of a `MORE` parameter.
// Values are already converted to the parameter's type (eval_ops.hpp, convert).
struct Args {
  std::span<const Value> values;
  uint64_t given_mask = 0;             // bit i: slot i was written in the call
  const Prepared* prepared = nullptr;  // what prepare() returned, if anything

  const Value& operator[](size_t i) const { return values[i]; }
  size_t size() const { return values.size(); }
  bool given(size_t i) const { return i < 64 && ((given_mask >> i) & 1) != 0; }
};

// Arguments evaluated only when asked, for built-ins that choose what to evaluate
// (`coalesce`, `if`, `translate`). Slots as in Args; a MAP parameter's slot holds the list
// of its (constant) keys and the map's values follow all other slots, in order.
class LazyArgs {
 public:
  virtual ~LazyArgs() = default;
  // Number of slots, map values included.
  virtual size_t size() const = 0;
  virtual bool given(size_t slot) const = 0;
  // Evaluates (and converts) one slot.
  virtual Result<Value> get(size_t slot) const = 0;
  virtual const Prepared* prepared() const = 0;
};

// The constant arguments of a call site, per slot (nullptr: computed per row).
using Constants = std::span<const Value* const>;

// One built-in's implementation: `run` or `run_lazy`, and optionally `prepare`.
struct BuiltinImpl {
  Result<Value> (*run)(const Args& args) = nullptr;
  Result<Value> (*run_lazy)(const LazyArgs& args) = nullptr;
  // Called once at compile time; an error is a compile error (an invalid constant regex).
  Result<PreparedPtr> (*prepare)(Constants constants) = nullptr;
  // `run` only: a null argument makes the result null without calling it (SQL's strict
  // functions). Off for those that handle null themselves (`concat`, `uuid5`, `xxh3`).
  bool null_in_null_out = true;
  // Off for `uuid()` and `now()`: never folded into a constant, and the runtime records
  // such keys before writing (spec section 4).
  bool deterministic = true;
};

// The implementation of `id`, or nullptr when the evaluator has none (connectors,
// aggregates, `env`; `lookup` is compiled by the evaluator itself).
const BuiltinImpl* find_impl(BuiltinId id);

// Per group, in builtin_<group>.cpp: nullptr when `id` is not one of theirs.
const BuiltinImpl* text_impl(BuiltinId id);
const BuiltinImpl* numbers_impl(BuiltinId id);
const BuiltinImpl* choice_impl(BuiltinId id);
const BuiltinImpl* time_impl(BuiltinId id);
const BuiltinImpl* ids_impl(BuiltinId id);
const BuiltinImpl* secrets_impl(BuiltinId id);
const BuiltinImpl* json_impl(BuiltinId id);

// A prepared value of type T (for implementations that prepare one object).
template <class T>
struct PreparedValue : Prepared {
  explicit PreparedValue(T v) : value(std::move(v)) {}
  T value;
};
template <class T>
const T* prepared_as(const Prepared* p) {
  auto* pv = dynamic_cast<const PreparedValue<T>*>(p);
  return pv ? &pv->value : nullptr;
}

}  // namespace mig::eval
