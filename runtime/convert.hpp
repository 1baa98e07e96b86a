// Fitting a value to its target column's type, exactly or not at all: widening numbers
// (int -> decimal -> float), parsing text strictly (`"2024-01-31"` into a date), writing
// anything as its canonical text. Anything lossy (12.5 into an int) is an error for the
// row, which becomes a reject naming the column: never a silent change.
#pragma once
#include "compiler/types.hpp"
#include "runtime/result.hpp"
#include "runtime/value.hpp"

namespace mig {

// `v` as a value of `to`; null stays null; `unknown` leaves the value as it is.
Result<Value> coerce(const Value& v, BaseType to);
// The same, moving `v` through when it already has the kind (most copied columns do).
Result<Value> coerce(Value&& v, BaseType to);
// Whether coerce returns `v` unchanged.
bool coerces_to_itself(const Value& v, BaseType to);

}  // namespace mig
