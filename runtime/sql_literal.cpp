#include "runtime/sql_literal.hpp"

#include <cmath>
#include <cstdint>

#include "runtime/value_text.hpp"

namespace mig {
namespace {

std::string hex(const std::string& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    unsigned char c = static_cast<unsigned char>(ch);
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// `'it''s'`: a quote doubled is the one escape every dialect reads the same way.
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// INT64_MIN has no literal of its own (its magnitude overflows before the minus applies).
std::string integer(int64_t i) {
  if (i == INT64_MIN) return "(-9223372036854775807 - 1)";
  return std::to_string(i);
}

bool has(const std::string& text, char c) { return text.find(c) != std::string::npos; }

Error no_literal(const Value& v, const std::string& dialect, const std::string& why) {
  std::string shown = v.kind() == ValueKind::text ? quote_input(v.as_text()) : to_text(v);
  return Error{"the " + std::string(kind_name(v.kind())) + " value " + shown +
               " cannot be written as a " + dialect + " literal: " + why};
}

// SQLite: what sqlite_bind_value stores. Text that is not UTF-8 or holds a NUL cannot be
// spelled between quotes (the shell would cut it), so it is cast from its bytes.
std::string sqlite_text(const std::string& text) {
  if (has(text, '\0') || !is_valid_utf8(text)) return "CAST(X'" + hex(text) + "' AS TEXT)";
  return quoted(text);
}

Result<std::string> sqlite_literal(const Value& v) {
  switch (v.kind()) {
    case ValueKind::null: return std::string("NULL");
    case ValueKind::int_: return integer(v.as_int());
    case ValueKind::bool_: return std::string(v.as_bool() ? "1" : "0");
    case ValueKind::float_: {
      double d = v.as_float();
      if (std::isnan(d)) return std::string("NULL");  // SQLite stores a bound NaN as null
      if (std::isinf(d)) return std::string(d > 0 ? "9e999" : "-9e999");
      std::string s = format_float(d);  // shortest round trip
      if (s.find_first_of(".eE") == std::string::npos) s += ".0";  // a REAL, not an INTEGER
      return s;
    }
    case ValueKind::text: return sqlite_text(v.as_text());
    case ValueKind::json: return sqlite_text(v.as_json());
    case ValueKind::bytes: return "X'" + hex(v.as_bytes()) + "'";
    default: return sqlite_text(to_text(v));  // decimal, dates, times, uuid: bound as text
  }
}

// PostgreSQL: untyped literals take the type of the column they meet. Text with a
// backslash is an E'' string, so that standard_conforming_strings cannot change it.
Result<std::string> postgres_text(const Value& v, const std::string& text) {
  if (has(text, '\0')) return no_literal(v, "postgres", "PostgreSQL text cannot hold a NUL byte");
  if (!is_valid_utf8(text)) return no_literal(v, "postgres", "it is not valid UTF-8");
  if (!has(text, '\\')) return quoted(text);
  std::string out = "E'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  return out + "'";
}

Result<std::string> postgres_literal(const Value& v) {
  switch (v.kind()) {
    case ValueKind::null: return std::string("NULL");
    case ValueKind::int_: return integer(v.as_int());
    case ValueKind::decimal: return v.as_decimal().to_string();  // exact, scale kept
    case ValueKind::bool_: return std::string(v.as_bool() ? "TRUE" : "FALSE");
    case ValueKind::float_: return quoted(format_float(v.as_float()));  // 'NaN', 'Infinity' too
    case ValueKind::text: return postgres_text(v, v.as_text());
    case ValueKind::json: return postgres_text(v, v.as_json());
    case ValueKind::bytes: return "decode('" + hex(v.as_bytes()) + "', 'hex')";
    case ValueKind::list: return no_literal(v, "postgres", "lists are not column values");
    default: return quoted(to_text(v));  // dates, times (timestamptz with +00:00), uuid
  }
}

// MariaDB: text with a backslash (or a NUL, or bytes that are not UTF-8) is a hex string
// with a character set, so that NO_BACKSLASH_ESCAPES cannot change it.
std::string mariadb_text(const std::string& text) {
  if (!is_valid_utf8(text)) return "X'" + hex(text) + "'";
  if (has(text, '\\') || has(text, '\0')) return "_utf8mb4 X'" + hex(text) + "'";
  return quoted(text);
}

Result<std::string> mariadb_literal(const Value& v) {
  switch (v.kind()) {
    case ValueKind::null: return std::string("NULL");
    case ValueKind::int_: return integer(v.as_int());
    case ValueKind::decimal: return v.as_decimal().to_string();  // an exact DECIMAL literal
    case ValueKind::bool_: return std::string(v.as_bool() ? "TRUE" : "FALSE");
    case ValueKind::float_: {
      double d = v.as_float();
      if (!std::isfinite(d)) return no_literal(v, "mariadb", "MariaDB has no NaN or infinity");
      std::string s = format_float(d);
      if (s.find_first_of("eE") == std::string::npos) s += "e0";  // a DOUBLE, not a DECIMAL
      return s;
    }
    case ValueKind::text: return mariadb_text(v.as_text());
    case ValueKind::json: return mariadb_text(v.as_json());
    case ValueKind::bytes: return "X'" + hex(v.as_bytes()) + "'";
    case ValueKind::timestamptz:  // UTC wall time; the script sets time_zone to +00:00
      return quoted(to_text(Value::timestamp(Timestamp{v.as_timestamptz().micros})));
    case ValueKind::list: return no_literal(v, "mariadb", "lists are not column values");
    default: return quoted(to_text(v));  // dates, timestamps, uuid
  }
}

}  // namespace

Result<std::string> sql_literal(const Value& v, const std::string& dialect) {
  if (dialect == "sqlite") return sqlite_literal(v);
  if (dialect == "postgres") return postgres_literal(v);
  if (dialect == "mariadb") return mariadb_literal(v);
  return Error{"no SQL literals for `" + dialect + "` connections"};
}

std::string sql_literal_preamble(const std::string& dialect) {
  if (dialect == "postgres") return "SET client_encoding = 'UTF8';\n";
  if (dialect == "mariadb") return "SET NAMES utf8mb4;\nSET time_zone = '+00:00';\n";
  return "";
}

}  // namespace mig
