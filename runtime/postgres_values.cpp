#include "runtime/postgres_values.hpp"

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

#include "runtime/civil_time.hpp"
#include "runtime/convert.hpp"
#include "runtime/value_text.hpp"

namespace mig {
namespace {

// Built-in type OIDs (pg_type.dat); they never change between server versions.
enum : Oid {
  kBool = 16, kBytea = 17, kChar = 18, kName = 19, kInt8 = 20, kInt2 = 21, kInt4 = 23,
  kText = 25, kJson = 114, kFloat4 = 700, kFloat8 = 701, kBpchar = 1042, kVarchar = 1043,
  kDate = 1082, kTimestamp = 1114, kTimestamptz = 1184, kNumeric = 1700, kUuid = 2950,
  kJsonb = 3802,
};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Why a date or time the server printed has no language value: the language covers the
// years 0001..9999 and has no infinities.
Error time_refusal(std::string_view text, const char* what) {
  std::string shown = quote_input(text);
  if (text == "infinity" || text == "-infinity")
    return Error{shown + " is not " + what + ": mig dates and times are finite"};
  if (ends_with(text, " BC"))
    return Error{shown + " is before the year 1 (BC), which mig dates and times cannot hold"};
  return Error{shown + " is outside the years 0001 to 9999 that mig dates and times cover"};
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// bytea's hex output `\x00ff`.
Result<Value> read_bytea(std::string_view text) {
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x' || text.size() % 2 != 0)
    return Error{quote_input(text) + " is not bytea in hex output"};
  std::string out;
  out.resize((text.size() - 2) / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = hex_digit(text[2 + 2 * i]);
    int lo = hex_digit(text[3 + 2 * i]);
    if (hi < 0 || lo < 0) return Error{quote_input(text) + " is not bytea in hex output"};
    out[i] = static_cast<char>(hi * 16 + lo);
  }
  return Value::bytes(std::move(out));
}

// ---- writing -----------------------------------------------------------------------------

ValueKind kind_of(BaseType t, ValueKind otherwise) {
  switch (t) {
    case BaseType::int_: return ValueKind::int_;
    case BaseType::decimal: return ValueKind::decimal;
    case BaseType::float_: return ValueKind::float_;
    case BaseType::text: return ValueKind::text;
    case BaseType::bool_: return ValueKind::bool_;
    case BaseType::date: return ValueKind::date;
    case BaseType::timestamp: return ValueKind::timestamp;
    case BaseType::timestamptz: return ValueKind::timestamptz;
    case BaseType::uuid: return ValueKind::uuid;
    case BaseType::json: return ValueKind::json;
    case BaseType::bytes: return ValueKind::bytes;
    default: return otherwise;
  }
}

Status no_nul(std::string_view text) {
  if (text.find('\0') == std::string_view::npos) return Status::success();
  return Error{"text " + quote_input(text) +
               " holds a NUL byte, which PostgreSQL cannot store in text: remove it in the map"};
}

void append_json_string(std::string_view s, std::string& out) {
  static const char* hex = "0123456789abcdef";
  out += '"';
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      out += "\\u00";
      out += hex[u >> 4];
      out += hex[u & 15];
    } else {
      out += c;
    }
  }
  out += '"';
}

// A list as JSON for a json column: numbers as numbers, text as strings, json as itself,
// anything else as a string of its canonical text.
void append_list_json(const Value& v, std::string& out) {
  switch (v.kind()) {
    case ValueKind::null: out += "null"; return;
    case ValueKind::int_:
    case ValueKind::decimal: out += to_text(v); return;
    case ValueKind::float_:
      if (std::isfinite(v.as_float())) out += format_float(v.as_float());
      else append_json_string(format_float(v.as_float()), out);
      return;
    case ValueKind::bool_: out += v.as_bool() ? "true" : "false"; return;
    case ValueKind::json: out += v.as_json(); return;
    case ValueKind::list: {
      out += '[';
      bool first = true;
      for (const Value& item : v.as_list()) {
        if (!first) out += ", ";
        first = false;
        append_list_json(item, out);
      }
      out += ']';
      return;
    }
    default: append_json_string(to_text(v), out); return;
  }
}

// `text` as a double-quoted array element (any type's input reads it).
void append_array_element(std::string_view text, std::string& out) {
  out += '"';
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

Status append_scalar(const Value& v, std::string& out);

Status append_list_array(const Value& v, std::string& out) {
  out += '{';
  bool first = true;
  for (const Value& item : v.as_list()) {
    if (!first) out += ',';
    first = false;
    if (item.is_null()) {
      out += "NULL";
    } else if (item.kind() == ValueKind::list) {
      if (Status s = append_list_array(item, out); !s.ok()) return s;
    } else {
      std::string text;
      if (Status s = append_scalar(item, text); !s.ok()) return s;
      append_array_element(text, out);
    }
  }
  out += '}';
  return Status::success();
}

// A JSON array's text as an array literal, token by token so that numbers keep every
// digit: [1, "a", null, [2]] -> {"1","a",NULL,{"2"}}. False when `json` is not an array
// of scalars, arrays and objects (objects become elements holding their JSON text).
class JsonArrayWriter {
 public:
  explicit JsonArrayWriter(std::string_view json) : s_(json) {}
  bool write(std::string& out) {
    skip_ws();
    if (at_ >= s_.size() || s_[at_] != '[') return false;
    if (!array(out)) return false;
    skip_ws();
    return at_ == s_.size();
  }

 private:
  void skip_ws() {
    while (at_ < s_.size() && (s_[at_] == ' ' || s_[at_] == '\t' || s_[at_] == '\n' || s_[at_] == '\r')) ++at_;
  }
  bool array(std::string& out) {
    ++at_;  // '['
    out += '{';
    skip_ws();
    if (at_ < s_.size() && s_[at_] == ']') {
      ++at_;
      out += '}';
      return true;
    }
    for (;;) {
      skip_ws();
      if (!element(out)) return false;
      skip_ws();
      if (at_ >= s_.size()) return false;
      if (s_[at_] == ']') {
        ++at_;
        out += '}';
        return true;
      }
      if (s_[at_] != ',') return false;
      ++at_;
      out += ',';
    }
  }
  // One past the string token starting at `from`; 0 when unterminated.
  size_t string_end(size_t from) const {
    for (size_t i = from + 1; i < s_.size(); ++i) {
      if (s_[i] == '\\') ++i;
      else if (s_[i] == '"') return i + 1;
    }
    return 0;
  }
  bool element(std::string& out) {
    if (at_ >= s_.size()) return false;
    char c = s_[at_];
    if (c == '[') return array(out);
    if (c == '"') {
      size_t end = string_end(at_);
      if (!end) return false;
      nlohmann::json j = nlohmann::json::parse(s_.substr(at_, end - at_), nullptr, false);
      if (j.is_discarded() || !j.is_string()) return false;
      append_array_element(j.get_ref<const std::string&>(), out);
      at_ = end;
      return true;
    }
    if (c == '{') {  // an object: its text, for a json[] column
      size_t start = at_;
      int depth = 0;
      while (at_ < s_.size()) {
        if (s_[at_] == '"') {
          size_t end = string_end(at_);
          if (!end) return false;
          at_ = end;
          continue;
        }
        if (s_[at_] == '{' || s_[at_] == '[') ++depth;
        if (s_[at_] == '}' || s_[at_] == ']') --depth;
        ++at_;
        if (depth == 0) break;
      }
      if (depth != 0) return false;
      append_array_element(s_.substr(start, at_ - start), out);
      return true;
    }
    size_t start = at_;
    while (at_ < s_.size() && s_[at_] != ',' && s_[at_] != ']' && s_[at_] != ' ' &&
           s_[at_] != '\t' && s_[at_] != '\n' && s_[at_] != '\r')
      ++at_;
    std::string_view word = s_.substr(start, at_ - start);
    if (word.empty()) return false;
    if (word == "null") out += "NULL";
    else append_array_element(word, out);  // a number keeps its digits; true, false
    return true;
  }

  std::string_view s_;
  size_t at_ = 0;
};

const char kHex[] = "0123456789abcdef";

Status append_scalar(const Value& v, std::string& out) {
  switch (v.kind()) {
    case ValueKind::null: return Status::success();
    case ValueKind::int_: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v.as_int());
      out.append(buf, r.ptr);
      return Status::success();
    }
    case ValueKind::decimal: out += v.as_decimal().to_string(); return Status::success();
    case ValueKind::float_: out += format_float(v.as_float()); return Status::success();
    case ValueKind::text:
      if (Status s = no_nul(v.as_text()); !s.ok()) return s;
      out += v.as_text();
      return Status::success();
    case ValueKind::bool_: out += v.as_bool() ? 't' : 'f'; return Status::success();
    case ValueKind::date: out += format_date(v.as_date().days); return Status::success();
    case ValueKind::timestamp: out += format_timestamp(v.as_timestamp().micros); return Status::success();
    case ValueKind::timestamptz:
      out += format_timestamp(v.as_timestamptz().micros);
      out += "+00";
      return Status::success();
    case ValueKind::uuid: out += format_uuid(v.as_uuid()); return Status::success();
    case ValueKind::json:
      if (Status s = no_nul(v.as_json()); !s.ok()) return s;
      out += v.as_json();
      return Status::success();
    case ValueKind::bytes:
      out += "\\x";
      for (char c : v.as_bytes()) {
        unsigned char u = static_cast<unsigned char>(c);
        out += kHex[u >> 4];
        out += kHex[u & 15];
      }
      return Status::success();
    case ValueKind::list: {
      std::string text = to_text(v);
      if (Status s = no_nul(text); !s.ok()) return s;
      out += text;
      return Status::success();
    }
  }
  return Status::success();
}

}  // namespace

// Column type (domains resolved)                          language type
//   smallint, integer, bigint                               int
//   numeric / decimal                                       decimal
//   real, double precision                                  float
//   text, varchar, char(n), name, "char", citext, enums    text
//   boolean                                                 bool
//   date                                                    date
//   timestamp (without time zone)                           timestamp
//   timestamptz                                             timestamptz
//   uuid                                                    uuid
//   json, jsonb                                             json
//   bytea                                                   bytes
//   any array                                               json (a JSON array)
//   anything else (interval, time, inet, money, ranges...)  text (the server's output)
BaseType pg_language_type(Oid base_oid, char typtype, bool is_array) {
  if (is_array) return BaseType::json;
  if (typtype == 'e') return BaseType::text;
  switch (base_oid) {
    case kInt2: case kInt4: case kInt8: return BaseType::int_;
    case kNumeric: return BaseType::decimal;
    case kFloat4: case kFloat8: return BaseType::float_;
    case kBool: return BaseType::bool_;
    case kDate: return BaseType::date;
    case kTimestamp: return BaseType::timestamp;
    case kTimestamptz: return BaseType::timestamptz;
    case kUuid: return BaseType::uuid;
    case kJson: case kJsonb: return BaseType::json;
    case kBytea: return BaseType::bytes;
    case kText: case kVarchar: case kBpchar: case kName: case kChar: return BaseType::text;
    default: break;
  }
  return BaseType::text;  // citext and every other type: their text output
}

Result<Value> pg_read_text(std::string_view text, BaseType type) {
  switch (type) {
    case BaseType::int_: {
      int64_t n = 0;
      auto r = std::from_chars(text.data(), text.data() + text.size(), n);
      if (r.ec != std::errc() || r.ptr != text.data() + text.size())
        return Error{quote_input(text) + " is not an int"};
      return Value::integer(n);
    }
    case BaseType::decimal: {
      if (text == "NaN" || text == "Infinity" || text == "-Infinity")
        return Error{quote_input(text) + " is not a finite number, which a decimal must be"};
      Result<Decimal> d = Decimal::parse(text);
      if (!d.ok())
        return Error{quote_input(text) +
                     " does not fit a decimal (at most 38 significant digits, 38 after the point)"};
      return Value::decimal(*d);
    }
    case BaseType::float_: {
      Result<Value> v = parse_value(text, ValueKind::float_);
      if (!v.ok()) return Error{quote_input(text) + " is not a float"};
      return v;
    }
    case BaseType::bool_:
      if (text == "t") return Value::boolean(true);
      if (text == "f") return Value::boolean(false);
      return Error{quote_input(text) + " is not a bool"};
    case BaseType::date: {
      Result<int32_t> d = parse_date(text);
      if (!d.ok()) return time_refusal(text, "a date");
      return Value::date(Date{*d});
    }
    case BaseType::timestamp: {
      Result<int64_t> t = parse_timestamp(text);
      if (!t.ok()) return time_refusal(text, "a timestamp");
      return Value::timestamp(Timestamp{*t});
    }
    case BaseType::timestamptz: {
      Result<int64_t> t = parse_timestamptz(text);
      if (!t.ok()) return time_refusal(text, "a timestamptz");
      return Value::timestamptz(TimestampTz{*t});
    }
    case BaseType::uuid: {
      Result<Uuid> u = parse_uuid(text);
      if (!u.ok()) return Error{quote_input(text) + " is not a uuid"};
      return Value::uuid(*u);
    }
    case BaseType::json: return Value::json(std::string(text));
    case BaseType::bytes: return read_bytea(text);
    default:
      // A database whose encoding is SQL_ASCII can hold bytes that are not UTF-8.
      if (!is_valid_utf8(text)) return Error{quote_input(text) + " is not valid UTF-8 text"};
      return Value::text(std::string(text));
  }
}

Value pg_read_any(std::string_view text, Oid oid) {
  BaseType type = pg_language_type(oid, 'b', false);
  Result<Value> v = pg_read_text(text, type);
  if (v.ok()) return std::move(*v);
  return Value::text(std::string(text));
}

Status pg_write_text(const Value& v, const PgColumnType& column, std::string& out) {
  if (column.is_array) {
    if (v.kind() == ValueKind::list) return append_list_array(v, out);
    if (v.kind() == ValueKind::json) {
      if (Status s = no_nul(v.as_json()); !s.ok()) return s;
      std::string literal;
      if (JsonArrayWriter(v.as_json()).write(literal)) out += literal;
      else out += v.as_json();  // not a JSON array: the server says why it is refused
      return Status::success();
    }
    return append_scalar(v, out);  // text: an array literal as written
  }
  if (column.type == BaseType::json && v.kind() == ValueKind::list) {
    append_list_json(v, out);
    return no_nul(out);
  }
  ValueKind want = kind_of(column.type, v.kind());
  if (want == v.kind() || v.is_null()) return append_scalar(v, out);
  Result<Value> fitted = coerce(v, column.type);
  if (!fitted.ok()) return fitted.take_error();
  return append_scalar(*fitted, out);
}

bool pg_text_equality(const PgColumnType& type) {
  if (type.is_array || !type.plain) return false;
  switch (type.base_oid) {
    case kInt2: case kInt4: case kInt8: case kNumeric: case kUuid: case kBool: case kDate:
    case kTimestamp: case kTimestamptz:
      return true;
    case kText: case kVarchar: return type.deterministic;
    default: return false;
  }
}

void append_copy_escaped(std::string_view text, std::string& out) {
  size_t from = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    const char* esc = nullptr;
    switch (c) {
      case '\\': esc = "\\\\"; break;
      case '\t': esc = "\\t"; break;
      case '\n': esc = "\\n"; break;
      case '\r': esc = "\\r"; break;
      default: continue;
    }
    out.append(text.substr(from, i - from));
    out += esc;
    from = i + 1;
  }
  out.append(text.substr(from));
}

Oid pg_param_type(const Value& v) {
  switch (v.kind()) {
    case ValueKind::int_: return kInt8;
    case ValueKind::decimal: return kNumeric;
    case ValueKind::float_: return kFloat8;
    case ValueKind::bool_: return kBool;
    case ValueKind::date: return kDate;
    case ValueKind::timestamp: return kTimestamp;
    case ValueKind::timestamptz: return kTimestamptz;
    case ValueKind::uuid: return kUuid;
    case ValueKind::bytes: return kBytea;
    default: return 0;
  }
}

}  // namespace mig
