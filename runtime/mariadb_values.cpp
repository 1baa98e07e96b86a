#include "runtime/mariadb_values.hpp"

#include <charconv>
#include <cstdio>

#include "runtime/civil_time.hpp"
#include "runtime/value_text.hpp"

namespace mig {
namespace {

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// `2024-01-31`, `2024-01-31 10:00:00.250000`, `-838:59:59`: as MariaDB shows the value
// (zero dates included), for messages and for keys kept as stored.
std::string time_text(const MYSQL_TIME& t, enum_field_types type, unsigned decimals = 6) {
  char buf[64];
  if (type == MYSQL_TYPE_TIME) {
    std::snprintf(buf, sizeof buf, "%s%02u:%02u:%02u", t.neg ? "-" : "", t.hour + t.day * 24,
                  t.minute, t.second);
  } else if (type == MYSQL_TYPE_DATE || type == MYSQL_TYPE_NEWDATE) {
    std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", t.year, t.month, t.day);
  } else {
    std::snprintf(buf, sizeof buf, "%04u-%02u-%02u %02u:%02u:%02u", t.year, t.month, t.day, t.hour,
                  t.minute, t.second);
  }
  std::string out = buf;
  if (type != MYSQL_TYPE_DATE && type != MYSQL_TYPE_NEWDATE && t.second_part) {
    std::snprintf(buf, sizeof buf, ".%06lu", t.second_part);
    // A TIME(3) shows three digits; other columns show all six.
    size_t digits = type == MYSQL_TYPE_TIME && decimals >= 1 && decimals <= 6 ? decimals : 6;
    out.append(buf, digits + 1);
  }
  return out;
}

// Microseconds since 1970 of a date-time that names a real instant; an error for zero
// dates (`0000-00-00`), a zero month or day (`2024-00-15`), and other impossible days.
Result<int64_t> time_micros(const MYSQL_TIME& t, enum_field_types type) {
  auto shown = [&] { return quote_input(time_text(t, type)); };  // for errors only
  if (t.year == 0 && t.month == 0 && t.day == 0)
    return Error{shown() + " is a MariaDB zero date, not a real date"};
  if (t.month == 0 || t.day == 0) return Error{shown() + " has a zero month or day, not a real date"};
  CivilDate d{static_cast<int>(t.year), static_cast<int>(t.month), static_cast<int>(t.day)};
  if (!is_valid_date(d)) return Error{shown() + " is not a real date"};
  return days_from_civil(d) * kMicrosPerDay +
         ((int64_t{t.hour} * 60 + t.minute) * 60 + t.second) * kMicrosPerSecond +
         static_cast<int64_t>(t.second_part);
}

// A FLOAT's shortest decimal form read as a double: 0.1 stays 0.1 (as MariaDB shows it),
// not 0.10000000149011612.
double widen_float(float f) {
  char buf[32];
  std::to_chars_result r = std::to_chars(buf, buf + sizeof buf, f);
  double d = f;
  std::from_chars(buf, r.ptr, d);
  return d;
}

std::string integer_text(const MariadbCell& c) {
  return c.is_unsigned ? std::to_string(static_cast<uint64_t>(c.i)) : std::to_string(c.i);
}

bool above_int_range(const MariadbCell& c) {
  return c.is_unsigned && static_cast<uint64_t>(c.i) > static_cast<uint64_t>(INT64_MAX);
}

// A BIT(n) value: big-endian bytes.
uint64_t bit_value(std::string_view bytes) {
  uint64_t v = 0;
  for (unsigned char b : bytes) v = (v << 8) | b;
  return v;
}

std::string shown_bytes(const MariadbCell& c) {
  if (c.binary && !is_valid_utf8(c.bytes()))
    return "a binary value of " + std::to_string(c.length) + " bytes";
  return quote_input(c.bytes());
}

const char* article_name(BaseType t) {
  switch (t) {
    case BaseType::int_:
      return "an int";
    case BaseType::decimal:
      return "a decimal";
    case BaseType::float_:
      return "a float";
    case BaseType::text:
      return "valid UTF-8 text";
    case BaseType::bool_:
      return "a bool";
    case BaseType::date:
      return "a date";
    case BaseType::timestamp:
      return "a timestamp";
    case BaseType::timestamptz:
      return "a timestamptz";
    case BaseType::uuid:
      return "a uuid";
    case BaseType::json:
      return "valid json";
    case BaseType::bytes:
      return "bytes";
    default:
      return "a value";
  }
}

Result<Value> read_integer(const MariadbCell& c, BaseType type) {
  switch (type) {
    case BaseType::int_:
      if (above_int_range(c))
        return Error{quote_input(integer_text(c)) +
                     " is above the largest int (9223372036854775807)"};
      return Value::integer(c.i);
    case BaseType::bool_:
      if (c.i == 0 || c.i == 1) return Value::boolean(c.i == 1);
      return Error{quote_input(integer_text(c)) + " is not a bool (only 0 and 1 are)"};
    case BaseType::decimal: {
      Result<Decimal> d = Decimal::parse(integer_text(c));
      if (!d.ok()) return Error{quote_input(integer_text(c)) + " is not a decimal"};
      return Value::decimal(*d);
    }
    case BaseType::float_:
      return Value::floating(c.is_unsigned ? static_cast<double>(static_cast<uint64_t>(c.i))
                                           : static_cast<double>(c.i));
    case BaseType::text:
      return Value::text(integer_text(c));
    default:
      return mariadb_natural_value(c);
  }
}

Result<Value> read_time(const MariadbCell& c, BaseType type) {
  switch (type) {
    case BaseType::date: {
      Result<int64_t> m = time_micros(c.t, MYSQL_TYPE_DATE);
      if (!m.ok()) return m.take_error();
      return Value::date(Date{static_cast<int32_t>(*m / kMicrosPerDay)});
    }
    case BaseType::timestamp:
    case BaseType::timestamptz: {
      Result<int64_t> m = time_micros(c.t, c.type);
      if (!m.ok()) return m.take_error();
      if (type == BaseType::timestamp) return Value::timestamp(Timestamp{*m});
      return Value::timestamptz(TimestampTz{*m});
    }
    case BaseType::text:
      return Value::text(time_text(c.t, c.type, c.decimals));
    default:
      return mariadb_natural_value(c);
  }
}

Result<Value> read_bytes(const MariadbCell& c, BaseType type) {
  std::string_view b = c.bytes();
  auto refuse = [&] { return Error{shown_bytes(c) + " is not " + article_name(type)}; };
  switch (type) {
    case BaseType::bytes:
      return Value::bytes(std::string(b));
    case BaseType::text:
      if (!is_valid_utf8(b)) return refuse();
      return Value::text(std::string(b));
    case BaseType::decimal: {
      Result<Decimal> d = Decimal::parse(b);
      if (!d.ok()) return Error{quote_input(b) + " does not fit a decimal (at most 38 digits)"};
      return Value::decimal(*d);
    }
    case BaseType::uuid: {
      if (c.binary && b.size() == 16) {
        Uuid u;
        std::copy(b.begin(), b.end(), u.bytes.begin());
        return Value::uuid(u);
      }
      Result<Uuid> u = parse_uuid(b);
      if (!u.ok()) return refuse();
      return Value::uuid(*u);
    }
    case BaseType::int_:
    case BaseType::bool_:
      if (c.type == MYSQL_TYPE_BIT) {
        uint64_t v = bit_value(b);
        if (type == BaseType::bool_ && v <= 1) return Value::boolean(v == 1);
        if (type == BaseType::int_ && v <= static_cast<uint64_t>(INT64_MAX))
          return Value::integer(static_cast<int64_t>(v));
        return Error{quote_input(std::to_string(v)) + " is not " + article_name(type)};
      }
      [[fallthrough]];
    default: {
      std::optional<ValueKind> kind = kind_from_name(type_name(Type::of(type)));
      if (!kind) return Value::text(std::string(b));
      Result<Value> v = parse_value(b, *kind);
      if (!v.ok()) return refuse();
      return v;
    }
  }
}

}  // namespace

// information_schema DATA_TYPE (and COLUMN_TYPE where DATA_TYPE does not say enough)
// -> language type:
//
//   tinyint(1), bool, boolean, bit(1)                    bool
//   tinyint, smallint, mediumint, int, bigint, year,     int   (BIGINT UNSIGNED above
//   bit(n)                                                     2^63-1: the row is refused)
//   decimal, numeric                                     decimal (more than 38 digits:
//                                                                 the row is refused)
//   float, double, real                                  float
//   date                                                 date
//   datetime                                             timestamp
//   timestamp                                            timestamptz (sessions are UTC)
//   longtext with CHECK (json_valid(col)), json          json
//   uuid (MariaDB 10.7+)                                 uuid
//   binary, varbinary, *blob, geometry types             bytes (binary(16) stays bytes)
//   char, varchar, *text, enum, set, time, inet4/6, ...  text
BaseType mariadb_column_type(std::string_view data_type, std::string_view column_type,
                             bool json_checked) {
  std::string dt = lower_ascii(data_type);
  std::string ct = lower_ascii(column_type);
  if (dt == "tinyint" && starts_with(ct, "tinyint(1)")) return BaseType::bool_;
  if (dt == "bit") return starts_with(ct, "bit(1)") ? BaseType::bool_ : BaseType::int_;
  if (dt == "tinyint" || dt == "smallint" || dt == "mediumint" || dt == "int" || dt == "integer" ||
      dt == "bigint" || dt == "year")
    return BaseType::int_;
  if (dt == "decimal" || dt == "numeric") return BaseType::decimal;
  if (dt == "float" || dt == "double" || dt == "real" || dt == "double precision")
    return BaseType::float_;
  if (dt == "date") return BaseType::date;
  if (dt == "datetime") return BaseType::timestamp;
  if (dt == "timestamp") return BaseType::timestamptz;
  if (dt == "json" || (dt == "longtext" && json_checked)) return BaseType::json;
  if (dt == "uuid") return BaseType::uuid;
  if (dt == "binary" || dt == "varbinary" || dt == "tinyblob" || dt == "blob" ||
      dt == "mediumblob" || dt == "longblob" || dt == "geometry" || dt == "point" ||
      dt == "linestring" || dt == "polygon" || dt == "multipoint" || dt == "multilinestring" ||
      dt == "multipolygon" || dt == "geometrycollection")
    return BaseType::bytes;
  return BaseType::text;
}

bool mariadb_binary_column(std::string_view column_type) {
  std::string ct = lower_ascii(column_type);
  return starts_with(ct, "binary") || starts_with(ct, "varbinary") ||
         ct.find("blob") != std::string::npos;
}

Result<Value> mariadb_read_cell(const MariadbCell& c, BaseType type) {
  if (c.null) return Value();
  switch (c.kind) {
    case MariadbCell::Kind::integer:
      return read_integer(c, type);
    case MariadbCell::Kind::time:
      return read_time(c, type);
    case MariadbCell::Kind::bytes:
      return read_bytes(c, type);
    case MariadbCell::Kind::dbl:
    case MariadbCell::Kind::flt: {
      double d = c.kind == MariadbCell::Kind::dbl ? c.d : widen_float(c.f);
      if (type == BaseType::text) return Value::text(format_float(d));
      return Value::floating(d);
    }
  }
  return Value();
}

Value mariadb_stored_value(const MariadbCell& c) {
  if (c.null) return Value();
  switch (c.kind) {
    case MariadbCell::Kind::time:
      return Value::text(time_text(c.t, c.type));
    case MariadbCell::Kind::bytes:
      if (c.type == MYSQL_TYPE_NEWDECIMAL || c.type == MYSQL_TYPE_DECIMAL ||
          (!c.binary && is_valid_utf8(c.bytes())))
        return Value::text(std::string(c.bytes()));
      return Value::bytes(std::string(c.bytes()));
    default:
      return mariadb_natural_value(c);
  }
}

Value mariadb_natural_value(const MariadbCell& c) {
  if (c.null) return Value();
  switch (c.kind) {
    case MariadbCell::Kind::integer:
      if (above_int_range(c)) {
        Result<Decimal> d = Decimal::parse(integer_text(c));
        return d.ok() ? Value::decimal(*d) : Value::text(integer_text(c));
      }
      return Value::integer(c.i);
    case MariadbCell::Kind::dbl:
      return Value::floating(c.d);
    case MariadbCell::Kind::flt:
      return Value::floating(widen_float(c.f));
    case MariadbCell::Kind::time: {
      if (c.type == MYSQL_TYPE_TIME) return Value::text(time_text(c.t, c.type, c.decimals));
      Result<int64_t> m = time_micros(c.t, c.type);
      if (!m.ok()) return Value::text(time_text(c.t, c.type));
      if (c.type == MYSQL_TYPE_DATE || c.type == MYSQL_TYPE_NEWDATE)
        return Value::date(Date{static_cast<int32_t>(*m / kMicrosPerDay)});
      if (c.type == MYSQL_TYPE_TIMESTAMP) return Value::timestamptz(TimestampTz{*m});
      return Value::timestamp(Timestamp{*m});
    }
    case MariadbCell::Kind::bytes: {
      if (c.type == MYSQL_TYPE_NEWDECIMAL || c.type == MYSQL_TYPE_DECIMAL) {
        Result<Decimal> d = Decimal::parse(c.bytes());
        if (d.ok()) return Value::decimal(*d);
      }
      if (c.binary || !is_valid_utf8(c.bytes())) return Value::bytes(std::string(c.bytes()));
      return Value::text(std::string(c.bytes()));
    }
  }
  return Value();
}

}  // namespace mig
