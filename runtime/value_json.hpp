// Values as JSON for the state store and reports: keys (checkpoints, crosswalks, written
// keys) and rows (rejects, before-images) readable with `sqlite3` and read back exactly.
// The format is documented for users in docs/state.md ("Conventions").
#pragma once
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/result.hpp"
#include "runtime/value.hpp"

namespace mig {

// null, bool, int and text as plain JSON; any other kind as a one-member object naming it,
// holding the canonical text (value_text.hpp): {"decimal": "12.30"} keeps the scale,
// {"date": "2024-01-31"}, {"bytes": "\\x00ff"}. Text (json) that is not valid UTF-8
// becomes {"text_bytes": "\\x..."} ({"json_bytes": ...}), so that nothing is lost.
nlohmann::json value_to_json(const Value& v);
// The inverse of value_to_json; an error for JSON it cannot have produced.
Result<Value> value_from_json(const nlohmann::json& j);

// A key (one value per key column) as compact JSON array text, canonical: key-equal keys
// encode to the same text (decimals normalised: 1.50 -> "1.5"), so the text itself can be
// compared and indexed by the state store.
std::string encode_key(std::span<const Value> key);
Result<std::vector<Value>> decode_key(std::string_view text);

// A row as a JSON object text {"column": value, ...} in the given column order.
std::string encode_row(std::span<const std::string> columns, std::span<const Value> values);

}  // namespace mig
