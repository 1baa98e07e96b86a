#include "runtime/value_json.hpp"

#include <cstdint>

#include "runtime/value_text.hpp"

namespace mig {
namespace {

constexpr const char* kTextBytesTag = "text_bytes";  // text that is not valid UTF-8
constexpr const char* kJsonBytesTag = "json_bytes";  // json text that is not valid UTF-8

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// value_to_json with the key canonicalisation (decimals normalised, -0.0 as 0.0).
nlohmann::json key_value_to_json(const Value& v) {
  if (v.kind() == ValueKind::decimal)
    return value_to_json(Value::decimal(v.as_decimal().normalized()));
  if (v.kind() == ValueKind::float_ && v.as_float() == 0)
    return value_to_json(Value::floating(0.0));
  if (v.kind() == ValueKind::list) {
    nlohmann::json arr = nlohmann::json::array();
    for (const Value& item : v.as_list()) arr.push_back(key_value_to_json(item));
    return arr;
  }
  return value_to_json(v);
}

}  // namespace

nlohmann::json value_to_json(const Value& v) {
  switch (v.kind()) {
    case ValueKind::null:
      return nullptr;
    case ValueKind::bool_:
      return v.as_bool();
    case ValueKind::int_:
      return v.as_int();
    case ValueKind::text:
      if (is_valid_utf8(v.as_text())) return v.as_text();
      return nlohmann::json{{kTextBytesTag, to_text(Value::bytes(v.as_text()))}};
    case ValueKind::list: {
      nlohmann::json arr = nlohmann::json::array();
      for (const Value& item : v.as_list()) arr.push_back(value_to_json(item));
      return arr;
    }
    case ValueKind::json:
      // Stored JSON text is valid JSON (parse_value checks) but may come from a connector.
      if (is_valid_utf8(v.as_json())) return nlohmann::json{{"json", v.as_json()}};
      return nlohmann::json{{kJsonBytesTag, to_text(Value::bytes(v.as_json()))}};
    default:
      return nlohmann::json{{kind_name(v.kind()), to_text(v)}};
  }
}

namespace {

// Deeper nesting than any key or row of ours: refused rather than recursed into.
constexpr int kMaxDepth = 64;

Result<Value> from_json_at(const nlohmann::json& j, int depth);

}  // namespace

Result<Value> value_from_json(const nlohmann::json& j) { return from_json_at(j, 0); }

namespace {

Result<Value> from_json_at(const nlohmann::json& j, int depth) {
  switch (j.type()) {
    case nlohmann::json::value_t::null:
      return Value::null();
    case nlohmann::json::value_t::boolean:
      return Value::boolean(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return Value::integer(j.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      if (j.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) break;
      return Value::integer(static_cast<int64_t>(j.get<uint64_t>()));
    case nlohmann::json::value_t::string:
      return Value::text(j.get<std::string>());
    case nlohmann::json::value_t::array: {
      if (depth >= kMaxDepth) break;
      std::vector<Value> items;
      for (const nlohmann::json& item : j) {
        Result<Value> v = from_json_at(item, depth + 1);
        if (!v.ok()) return v;
        items.push_back(std::move(*v));
      }
      return Value::list(std::move(items));
    }
    case nlohmann::json::value_t::object: {
      if (j.size() != 1 || !j.begin().value().is_string()) break;
      const std::string& tag = j.begin().key();
      const std::string& text = j.begin().value().get_ref<const std::string&>();
      if (tag == kTextBytesTag || tag == kJsonBytesTag) {
        Result<Value> b = parse_value(text, ValueKind::bytes);
        if (!b.ok()) return b;
        return tag == kTextBytesTag ? Value::text(b->as_bytes()) : Value::json(b->as_bytes());
      }
      std::optional<ValueKind> kind = kind_from_name(tag);
      if (!kind || *kind == ValueKind::null || *kind == ValueKind::list) break;
      if (*kind == ValueKind::json) return Value::json(text);  // kept as stored
      return parse_value(text, *kind);
    }
    default:
      break;
  }
  return Error{"not an encoded value: " + quote_input(dump(j))};
}

}  // namespace

std::string encode_key(std::span<const Value> key) {
  nlohmann::json arr = nlohmann::json::array();
  for (const Value& v : key) arr.push_back(key_value_to_json(v));
  return dump(arr);
}

Result<std::vector<Value>> decode_key(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return Error{"not an encoded key: " + quote_input(text)};
  std::vector<Value> key;
  for (const nlohmann::json& item : j) {
    Result<Value> v = value_from_json(item);
    if (!v.ok()) return v.take_error();
    key.push_back(std::move(*v));
  }
  return key;
}

std::string encode_row(std::span<const std::string> columns, std::span<const Value> values) {
  nlohmann::ordered_json row = nlohmann::ordered_json::object();
  for (size_t i = 0; i < columns.size() && i < values.size(); ++i)
    row[columns[i]] = value_to_json(values[i]);
  return row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace mig
