#include "runtime/value_text.hpp"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "runtime/civil_time.hpp"

namespace mig {
namespace {

const char kHex[] = "0123456789abcdef";

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

Error invalid(std::string_view text, ValueKind kind) {
  return Error{"invalid " + std::string(kind_name(kind)) + " " + quote_input(text)};
}

Result<Value> parse_int(std::string_view text) {
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  if (digits.empty() || digits.front() == '+') return invalid(text, ValueKind::int_);
  int64_t v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec == std::errc::result_out_of_range)
    return Error{"int " + quote_input(text) + " is out of the 64-bit range"};
  if (ec != std::errc() || end != digits.data() + digits.size())
    return invalid(text, ValueKind::int_);
  return Value::integer(v);
}

Result<Value> parse_float(std::string_view text) {
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  if (digits.empty() || digits.front() == '+') return invalid(text, ValueKind::float_);
  double v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec == std::errc::result_out_of_range)
    return Error{"float " + quote_input(text) + " is out of range"};
  if (ec != std::errc() || end != digits.data() + digits.size())
    return invalid(text, ValueKind::float_);
  return Value::floating(v);
}

Result<Value> parse_bool(std::string_view text) {
  for (const char* t : {"true", "t", "yes", "y", "on", "1"})
    if (equals_ignore_case(text, t)) return Value::boolean(true);
  for (const char* f : {"false", "f", "no", "n", "off", "0"})
    if (equals_ignore_case(text, f)) return Value::boolean(false);
  return invalid(text, ValueKind::bool_);
}

Result<Value> parse_bytes(std::string_view text) {
  if (text.size() < 2 || text[0] != '\\' || (text[1] != 'x' && text[1] != 'X') ||
      text.size() % 2 != 0)
    return Error{"invalid bytes " + quote_input(text) + ": expected `\\x` and pairs of hex digits"};
  std::string out;
  out.reserve(text.size() / 2 - 1);
  for (size_t i = 2; i < text.size(); i += 2) {
    int hi = hex_digit(text[i]);
    int lo = hex_digit(text[i + 1]);
    if (hi < 0 || lo < 0)
      return Error{"invalid bytes " + quote_input(text) +
                   ": expected `\\x` and pairs of hex digits"};
    out += static_cast<char>(hi * 16 + lo);
  }
  return Value::bytes(std::move(out));
}

Result<Value> parse_list(std::string_view text, ValueKind elem) {
  std::vector<Value> items;
  if (!text.empty() && text.front() == '[') {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!j.is_array()) return Error{"invalid list " + quote_input(text) + ": not a JSON array"};
    for (const nlohmann::json& item : j) {
      if (item.is_null()) {
        items.emplace_back();
        continue;
      }
      std::string item_text = item.is_string() ? item.get<std::string>() : item.dump();
      Result<Value> v = parse_value(item_text, elem);
      if (!v.ok()) return v;
      items.push_back(std::move(*v));
    }
    return Value::list(std::move(items));
  }
  if (text.empty()) return Value::list(std::move(items));
  for (size_t start = 0;;) {
    size_t comma = text.find(',', start);
    std::string_view part =
        text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    Result<Value> v = parse_value(part, elem);
    if (!v.ok()) return v;
    items.push_back(std::move(*v));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return Value::list(std::move(items));
}

void append_json_string(const std::string& s, std::string& out) {
  out += nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

bool is_valid_utf8(std::string_view text, size_t* bad_offset) {
  size_t i = 0;
  auto fail = [&] {
    if (bad_offset) *bad_offset = i;
    return false;
  };
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    // Lead byte: how many continuation bytes follow (0xc0, 0xc1 and 0xf5.. never lead).
    int extra = c >= 0xc2 && c <= 0xdf   ? 1
                : c >= 0xe0 && c <= 0xef ? 2
                : c >= 0xf0 && c <= 0xf4 ? 3
                                         : 0;
    if (extra == 0) return fail();
    uint32_t cp = c & (0x7fu >> (extra + 1));
    if (i + static_cast<size_t>(extra) >= text.size()) return fail();
    for (int k = 1; k <= extra; ++k) {
      unsigned char cc = static_cast<unsigned char>(text[i + static_cast<size_t>(k)]);
      if ((cc & 0xc0) != 0x80) return fail();
      cp = (cp << 6) | (cc & 0x3f);
    }
    bool overlong = (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000);
    if (overlong || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return fail();
    i += static_cast<size_t>(extra) + 1;
  }
  return true;
}

std::string format_uuid(const Uuid& u) {
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[u.bytes[i] >> 4];
    out += kHex[u.bytes[i] & 15];
  }
  return out;
}

Result<Uuid> parse_uuid(std::string_view text) {
  std::string_view t = text;
  if (t.size() >= 2 && t.front() == '{' && t.back() == '}') t = t.substr(1, t.size() - 2);
  bool dashed = t.size() == 36;
  if (!dashed && t.size() != 32) return Error{"invalid uuid " + quote_input(text)};
  Uuid u;
  size_t pos = 0;
  for (size_t i = 0; i < 16; ++i) {
    if (dashed && (i == 4 || i == 6 || i == 8 || i == 10)) {
      if (t[pos] != '-') return Error{"invalid uuid " + quote_input(text)};
      ++pos;
    }
    int hi = hex_digit(t[pos]);
    int lo = hex_digit(t[pos + 1]);
    if (hi < 0 || lo < 0) return Error{"invalid uuid " + quote_input(text)};
    u.bytes[i] = static_cast<uint8_t>(hi * 16 + lo);
    pos += 2;
  }
  return u;
}

std::string format_float(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, ec == std::errc() ? end : buf);
}

void append_text(const Value& v, std::string& out) {
  switch (v.kind()) {
    case ValueKind::null:
      break;
    case ValueKind::int_: {
      char buf[24];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.as_int());
      out.append(buf, end);
      break;
    }
    case ValueKind::decimal:
      out += v.as_decimal().to_string();
      break;
    case ValueKind::float_:
      out += format_float(v.as_float());
      break;
    case ValueKind::text:
      out += v.as_text();
      break;
    case ValueKind::bool_:
      out += v.as_bool() ? "true" : "false";
      break;
    case ValueKind::date:
      out += format_date(v.as_date().days);
      break;
    case ValueKind::timestamp:
      out += format_timestamp(v.as_timestamp().micros);
      break;
    case ValueKind::timestamptz:
      out += format_timestamptz(v.as_timestamptz().micros);
      break;
    case ValueKind::uuid:
      out += format_uuid(v.as_uuid());
      break;
    case ValueKind::json:
      out += v.as_json();
      break;
    case ValueKind::bytes:
      out += "\\x";
      for (char c : v.as_bytes()) {
        out += kHex[static_cast<unsigned char>(c) >> 4];
        out += kHex[static_cast<unsigned char>(c) & 15];
      }
      break;
    case ValueKind::list: {
      out += '[';
      bool first = true;
      for (const Value& item : v.as_list()) {
        if (!first) out += ", ";
        first = false;
        if (item.is_null())
          out += "null";
        else if (item.kind() == ValueKind::text)
          append_json_string(item.as_text(), out);
        else
          append_text(item, out);
      }
      out += ']';
      break;
    }
  }
}

std::string to_text(const Value& v) {
  std::string out;
  append_text(v, out);
  return out;
}

Result<Value> parse_value(std::string_view text, ValueKind kind, ValueKind elem) {
  switch (kind) {
    case ValueKind::null:
      return Error{"a value cannot be parsed as type null"};
    case ValueKind::int_:
      return parse_int(text);
    case ValueKind::decimal: {
      Result<Decimal> d = Decimal::parse(text);
      if (!d.ok()) return d.take_error();
      return Value::decimal(*d);
    }
    case ValueKind::float_:
      return parse_float(text);
    case ValueKind::text: {
      size_t bad = 0;
      if (!is_valid_utf8(text, &bad))
        return Error{"invalid UTF-8 at byte " + std::to_string(bad) + " of text " +
                     quote_input(text)};
      return Value::text(std::string(text));
    }
    case ValueKind::bool_:
      return parse_bool(text);
    case ValueKind::date: {
      Result<int32_t> d = parse_date(text);
      if (!d.ok()) return d.take_error();
      return Value::date(Date{*d});
    }
    case ValueKind::timestamp: {
      Result<int64_t> t = parse_timestamp(text);
      if (!t.ok()) return t.take_error();
      return Value::timestamp(Timestamp{*t});
    }
    case ValueKind::timestamptz: {
      Result<int64_t> t = parse_timestamptz(text);
      if (!t.ok()) return t.take_error();
      return Value::timestamptz(TimestampTz{*t});
    }
    case ValueKind::uuid: {
      Result<Uuid> u = parse_uuid(text);
      if (!u.ok()) return u.take_error();
      return Value::uuid(*u);
    }
    case ValueKind::json:
      if (!nlohmann::json::accept(text)) return invalid(text, ValueKind::json);
      return Value::json(std::string(text));
    case ValueKind::bytes:
      return parse_bytes(text);
    case ValueKind::list:
      if (elem == ValueKind::list || elem == ValueKind::null)
        return Error{"a list element cannot be of type " + std::string(kind_name(elem))};
      return parse_list(text, elem);
  }
  return invalid(text, kind);
}

}  // namespace mig
