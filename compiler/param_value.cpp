#include "compiler/param_value.hpp"

#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>

namespace mig {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

int to_number(std::string_view digits) {
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

std::optional<std::string> parse_int(std::string_view s) {
  std::string_view body = s;
  if (!body.empty() && body[0] == '+') body.remove_prefix(1);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), value);
  if (ec != std::errc() || end != body.data() + body.size() || body.empty()) return std::nullopt;
  return std::to_string(value);
}

// Exact decimal: sign, digits, optional fraction; at most 38 significant digits.
std::optional<std::string> parse_decimal(std::string_view s) {
  std::string sign;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    if (s[0] == '-') sign = "-";
    s.remove_prefix(1);
  }
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (whole.empty() && frac.empty()) return std::nullopt;
  if ((!whole.empty() && !all_digits(whole)) || (dot != std::string_view::npos && !all_digits(frac)))
    return std::nullopt;
  while (whole.size() > 1 && whole[0] == '0') whole.remove_prefix(1);
  std::string w = whole.empty() ? "0" : std::string(whole);
  if (w.size() + frac.size() > 38) return std::nullopt;
  std::string out = w;
  if (!frac.empty()) out += "." + std::string(frac);
  if (out.find_first_not_of("0.") == std::string::npos) sign.clear();  // no `-0`
  return sign + out;
}

std::optional<std::string> parse_float(std::string_view s) {
  std::string_view body = s;
  if (!body.empty() && body[0] == '+') body.remove_prefix(1);
  if (body.empty() || !(is_digit(body[0]) || body[0] == '-' || body[0] == '.')) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), value);
  if (ec != std::errc() || end != body.data() + body.size()) return std::nullopt;
  return std::string(body);
}

std::optional<std::string> parse_bool(std::string_view s) {
  std::string lower;
  for (char c : s) lower += char(std::tolower(uint8_t(c)));
  if (lower == "true" || lower == "yes" || lower == "on" || lower == "1") return "true";
  if (lower == "false" || lower == "no" || lower == "off" || lower == "0") return "false";
  return std::nullopt;
}

bool valid_date(int y, int m, int d) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= days[m - 1] + (m == 2 && leap ? 1 : 0);
}

std::optional<std::string> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!all_digits(s.substr(0, 4)) || !all_digits(s.substr(5, 2)) || !all_digits(s.substr(8, 2)))
    return std::nullopt;
  if (!valid_date(to_number(s.substr(0, 4)), to_number(s.substr(5, 2)), to_number(s.substr(8, 2))))
    return std::nullopt;
  return std::string(s);
}

// `HH:MM[:SS[.fraction]]` -> `HH:MM:SS[.fraction]`.
std::optional<std::string> parse_time(std::string_view s) {
  if (s.size() < 5 || s[2] != ':' || !all_digits(s.substr(0, 2)) || !all_digits(s.substr(3, 2)))
    return std::nullopt;
  if (to_number(s.substr(0, 2)) > 23 || to_number(s.substr(3, 2)) > 59) return std::nullopt;
  std::string out(s.substr(0, 5));
  std::string_view rest = s.substr(5);
  if (rest.empty()) return out + ":00";
  if (rest.size() < 3 || rest[0] != ':' || !all_digits(rest.substr(1, 2))) return std::nullopt;
  if (to_number(rest.substr(1, 2)) > 60) return std::nullopt;  // a leap second is valid
  out += std::string(rest.substr(0, 3));
  rest.remove_prefix(3);
  if (rest.empty()) return out;
  if (rest[0] != '.' || rest.size() > 10 || !all_digits(rest.substr(1))) return std::nullopt;
  return out + std::string(rest);
}

std::optional<std::string> parse_timestamp(std::string_view s) {
  if (s.size() < 16 || (s[10] != ' ' && s[10] != 'T' && s[10] != 't')) return std::nullopt;
  auto date = parse_date(s.substr(0, 10));
  auto time = parse_time(s.substr(11));
  if (!date || !time) return std::nullopt;
  return *date + " " + *time;
}

// A timestamp with a zone: `Z`, `+HH`, `+HHMM` or `+HH:MM` -> ` +HH:MM`.
std::optional<std::string> parse_timestamptz(std::string_view s) {
  if (!s.empty() && (s.back() == 'Z' || s.back() == 'z')) {
    auto ts = parse_timestamp(s.substr(0, s.size() - 1));
    return ts ? std::optional<std::string>(*ts + " +00:00") : std::nullopt;
  }
  size_t sign = s.find_last_of("+-");
  if (sign == std::string_view::npos || sign < 16) return std::nullopt;
  std::string_view zone = s.substr(sign + 1);
  std::string hh, mm = "00";
  if (zone.size() == 2 && all_digits(zone)) hh = zone;
  else if (zone.size() == 4 && all_digits(zone)) hh = zone.substr(0, 2), mm = zone.substr(2);
  else if (zone.size() == 5 && zone[2] == ':' && all_digits(zone.substr(0, 2)) &&
           all_digits(zone.substr(3)))
    hh = zone.substr(0, 2), mm = zone.substr(3);
  else return std::nullopt;
  if (to_number(hh) > 15 || to_number(mm) > 59) return std::nullopt;
  std::string_view stamp = s.substr(0, sign);
  while (!stamp.empty() && stamp.back() == ' ') stamp.remove_suffix(1);
  auto ts = parse_timestamp(stamp);
  if (!ts) return std::nullopt;
  return *ts + " " + s[sign] + hh + ":" + mm;
}

std::optional<std::string> parse_uuid(std::string_view s) {
  std::string hex;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = char(std::tolower(uint8_t(s[i])));
    if (c == '-' && s.size() == 36 && (i == 8 || i == 13 || i == 18 || i == 23)) continue;
    if (!std::isxdigit(uint8_t(c))) return std::nullopt;
    hex += c;
  }
  if (hex.size() != 32 || (s.size() != 32 && s.size() != 36)) return std::nullopt;
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

std::optional<std::string> parse_json_text(std::string_view s) {
  nlohmann::json j = nlohmann::json::parse(s, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j.dump();
}

// Hex digits, optionally after `\x` or `0x`.
std::optional<std::string> parse_bytes(std::string_view s) {
  if (s.size() >= 2 && (s.substr(0, 2) == "\\x" || s.substr(0, 2) == "0x")) s.remove_prefix(2);
  if (s.size() % 2 != 0) return std::nullopt;
  std::string out;
  for (char c : s) {
    if (!std::isxdigit(uint8_t(c))) return std::nullopt;
    out += char(std::tolower(uint8_t(c)));
  }
  return out;
}

// The canonical text of one scalar, or nullopt when `s` is not a `base`.
std::optional<std::string> parse_scalar(BaseType base, std::string_view s) {
  switch (base) {
    case BaseType::int_: return parse_int(s);
    case BaseType::decimal: return parse_decimal(s);
    case BaseType::float_: return parse_float(s);
    case BaseType::bool_: return parse_bool(s);
    case BaseType::date: return parse_date(s);
    case BaseType::timestamp: return parse_timestamp(s);
    case BaseType::timestamptz: return parse_timestamptz(s);
    case BaseType::uuid: return parse_uuid(s);
    case BaseType::json: return parse_json_text(s);
    case BaseType::bytes: return parse_bytes(s);
    default: return std::string(s);  // text (and anything without a text form)
  }
}

std::string expected_text(BaseType base) {
  switch (base) {
    case BaseType::date: return "date (YYYY-MM-DD)";
    case BaseType::timestamp: return "timestamp (YYYY-MM-DD HH:MM:SS)";
    case BaseType::timestamptz: return "timestamptz (YYYY-MM-DD HH:MM:SS+HH:MM)";
    case BaseType::bytes: return "bytes (hex digits)";
    default: return type_name(Type::of(base));
  }
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Trims `s` in place; returns how many bytes were cut from its front.
uint32_t trim(std::string_view& s) {
  uint32_t cut = 0;
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1), ++cut;
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return cut;
}

// Parses one item that starts at byte `offset` of the whole text.
std::variant<std::string, ParamError> parse_item(BaseType base, std::string_view item,
                                                 uint32_t offset) {
  if (base != BaseType::text) offset += trim(item);
  if (auto v = parse_scalar(base, item)) return *v;
  return ParamError{offset, uint32_t(item.size()), std::string(item), expected_text(base)};
}

}  // namespace

std::variant<ParamValue, ParamError> parse_param_value(Type type, std::string_view text) {
  ParamValue out;
  if (type.base != BaseType::list) {
    auto item = parse_item(type.base, text, 0);
    if (auto* err = std::get_if<ParamError>(&item)) return *err;
    out.items.push_back(std::get<std::string>(item));
    return out;
  }
  out.is_list = true;
  std::string_view whole = text;
  if (trim(whole) == text.size()) return out;  // blank: the empty list
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string_view part = text.substr(start, comma == std::string_view::npos ? text.npos
                                                                                : comma - start);
    uint32_t offset = uint32_t(start) + trim(part);
    auto item = parse_item(type.elem, part, offset);
    if (auto* err = std::get_if<ParamError>(&item)) return *err;
    out.items.push_back(std::get<std::string>(item));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace mig
