#include "runtime/parity_encoding.hpp"

#include <xxhash.h>

#include <nlohmann/json.hpp>

#include "runtime/convert.hpp"
#include "runtime/result.hpp"
#include "runtime/value_text.hpp"

namespace mig {

Value parity_normalise(const Value& v, BaseType type) {
  if (v.is_null()) return v;
  Result<Value> typed = coerce(v, type);
  Value out = typed ? std::move(*typed) : v;  // an uncoercible value shows as changed
  if (out.kind() == ValueKind::json) {
    // jsonb re-spaces and reorders keys; the document is what is compared.
    nlohmann::json doc = nlohmann::json::parse(out.as_json(), nullptr, false);
    if (!doc.is_discarded())
      return Value::json(doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  return out;
}

void append_parity_value(const Value& v, std::string& out) {
  if (v.is_null()) {
    out += '\0';
    return;
  }
  std::string body;
  append_canonical_binary(v, body);
  out += '\1';
  uint32_t n = static_cast<uint32_t>(body.size());
  for (int i = 0; i < 4; ++i) out += static_cast<char>((n >> (8 * i)) & 0xff);
  out += body;
}

uint64_t parity_row_hash(std::span<const Value> values) {
  std::string buffer;
  for (const Value& v : values) append_parity_value(v, buffer);
  return XXH3_64bits(buffer.data(), buffer.size());
}

std::string parity_show(const Value& v) {
  if (v.is_null()) return "null";
  if (v.kind() == ValueKind::text) return quote_input(v.as_text());
  std::string text = to_text(v);
  return text.size() > 40 ? quote_input(text) : text;
}

}  // namespace mig
