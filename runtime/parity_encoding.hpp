// The canonical encoding parity hashes a row by: one value after another, each a marker
// byte (null, or a value) and, for a value, its length and the canonical binary encoding
// (runtime/value.hpp), so `null` never looks like `''` and no two rows of different values
// encode alike. Values are first normalised through the target column's type, so that what
// an engine renders differently (1.50 vs 1.5, a timestamp's text, jsonb's spacing) does not
// count as a difference.
#pragma once
#include <cstdint>
#include <span>
#include <string>

#include "compiler/types.hpp"
#include "runtime/value.hpp"

namespace mig {

// `v` as the target column of type `type` holds it: coerced to the type (left as it is when
// it cannot be), JSON re-serialised compactly with sorted keys.
Value parity_normalise(const Value& v, BaseType type);

// Appends the encoding of one (normalised) value.
void append_parity_value(const Value& v, std::string& out);

// XXH3-64 of the encodings of `values`, in order.
uint64_t parity_row_hash(std::span<const Value> values);

// A value as the report shows it: `null`, text in backquotes (quote_input), others as text.
std::string parity_show(const Value& v);

}  // namespace mig
