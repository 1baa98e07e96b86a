#include "runtime/eval_ops.hpp"

#include <charconv>
#include <cmath>
#include <limits>

#include "runtime/civil_time.hpp"
#include "runtime/value_text.hpp"

namespace mig::eval {
namespace {

bool is_numeric(ValueKind k) {
  return k == ValueKind::int_ || k == ValueKind::decimal || k == ValueKind::float_;
}
bool is_temporal(ValueKind k) {
  return k == ValueKind::date || k == ValueKind::timestamp || k == ValueKind::timestamptz;
}

const char* op_symbol(Op op) {
  switch (op) {
    case Op::add: return "+";
    case Op::sub: return "-";
    case Op::mul: return "*";
    case Op::div: return "/";
    case Op::mod: return "%";
    default: return "?";
  }
}

Error cannot_apply(Op op, const Value& a, const Value& b) {
  return Error{std::string("`") + op_symbol(op) + "` cannot apply to " + describe_value(a) +
               " and " + describe_value(b)};
}

Error division_by_zero() { return Error{"division by zero"}; }

Result<Value> int_arithmetic(Op op, int64_t a, int64_t b) {
  int64_t r = 0;
  bool overflow = false;
  switch (op) {
    case Op::add: overflow = __builtin_add_overflow(a, b, &r); break;
    case Op::sub: overflow = __builtin_sub_overflow(a, b, &r); break;
    case Op::mul: overflow = __builtin_mul_overflow(a, b, &r); break;
    case Op::mod:
      if (b == 0) return division_by_zero();
      r = b == -1 ? 0 : a % b;  // INT64_MIN % -1 would trap
      break;
    default: return Error{"unexpected integer operator"};
  }
  if (overflow)
    return Error{"int overflow: " + std::to_string(a) + " " + op_symbol(op) + " " +
                 std::to_string(b) + " does not fit in 64 bits"};
  return Value::integer(r);
}

Result<Value> decimal_arithmetic(Op op, const Decimal& a, const Decimal& b) {
  Result<Decimal> r = Error{""};
  switch (op) {
    case Op::add: r = a.add(b); break;
    case Op::sub: r = a.sub(b); break;
    case Op::mul: r = a.mul(b); break;
    case Op::div: {
      Result<Decimal> q = a.div(b);
      if (q.ok()) return Value::decimal(q->normalized());
      r = std::move(q);
      break;
    }
    case Op::mod: r = a.rem(b); break;
    default: return Error{"unexpected decimal operator"};
  }
  if (!r.ok()) return r.take_error();
  return Value::decimal(*r);
}

Result<Value> float_arithmetic(Op op, double a, double b) {
  switch (op) {
    case Op::add: return Value::floating(a + b);
    case Op::sub: return Value::floating(a - b);
    case Op::mul: return Value::floating(a * b);
    case Op::div:
      if (b == 0) return division_by_zero();
      return Value::floating(a / b);
    case Op::mod:
      if (b == 0) return division_by_zero();
      return Value::floating(std::fmod(a, b));
    default: return Error{"unexpected float operator"};
  }
}

Result<Decimal> as_decimal(const Value& v) {
  if (v.kind() == ValueKind::int_) return Decimal::from_int(v.as_int());
  if (v.kind() == ValueKind::decimal) return v.as_decimal();
  return decimal_from_float(v.as_float());
}

double as_double(const Value& v) {
  switch (v.kind()) {
    case ValueKind::int_: return static_cast<double>(v.as_int());
    case ValueKind::decimal: return v.as_decimal().to_double();
    default: return v.as_float();
  }
}

Result<Value> numeric_arithmetic(Op op, const Value& a, const Value& b) {
  ValueKind ka = a.kind();
  ValueKind kb = b.kind();
  if (ka == ValueKind::int_ && kb == ValueKind::int_ && op != Op::div)
    return int_arithmetic(op, a.as_int(), b.as_int());
  if (ka == ValueKind::float_ || kb == ValueKind::float_)
    return float_arithmetic(op, as_double(a), as_double(b));
  return decimal_arithmetic(op, *as_decimal(a), *as_decimal(b));  // int or decimal: exact
}

Result<Value> day_shift(int64_t days, int64_t by) {
  int64_t r = 0;
  if (__builtin_add_overflow(days, by, &r) || r < kMinDays || r > kMaxDays)
    return Error{"date out of range (years 0001..9999)"};
  return Value::date(Date{static_cast<int32_t>(r)});
}

// date ± int, int + date, date - date.
Result<Value> date_arithmetic(Op op, const Value& a, const Value& b) {
  ValueKind ka = a.kind();
  ValueKind kb = b.kind();
  if (op == Op::add && ka == ValueKind::date && kb == ValueKind::int_)
    return day_shift(a.as_date().days, b.as_int());
  if (op == Op::add && ka == ValueKind::int_ && kb == ValueKind::date)
    return day_shift(b.as_date().days, a.as_int());
  if (op == Op::sub && ka == ValueKind::date && kb == ValueKind::int_) {
    if (b.as_int() == std::numeric_limits<int64_t>::min()) return cannot_apply(op, a, b);
    return day_shift(a.as_date().days, -b.as_int());
  }
  if (op == Op::sub && ka == ValueKind::date && kb == ValueKind::date)
    return Value::integer(int64_t{a.as_date().days} - b.as_date().days);
  return cannot_apply(op, a, b);
}

std::string fixed_shortest(double d) {
  char buf[400];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
  return ec == std::errc() ? std::string(buf, end) : std::string();
}

Result<Value> parse_number(const std::string& text) {
  if (Result<Value> i = parse_value(text, ValueKind::int_); i.ok()) return i;
  if (Result<Value> d = parse_value(text, ValueKind::decimal); d.ok()) return d;
  return parse_value(text, ValueKind::float_);
}

Result<Value> parse_temporal(const std::string& text) {
  if (Result<Value> d = parse_value(text, ValueKind::date); d.ok()) return d;
  if (Result<Value> t = parse_value(text, ValueKind::timestamp); t.ok()) return t;
  return parse_value(text, ValueKind::timestamptz);
}

Error must_be(const std::string& what, const Value& v) {
  return Error{"must be " + what + ", found " + describe_value(v)};
}

ValueKind kind_of(BaseType b) {
  switch (b) {
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
    case BaseType::list: return ValueKind::list;
    default: return ValueKind::null;  // unknown, null, map, table: anything goes
  }
}

// Converts `v` to the exact kind `want` (see convert()).
Result<Value> convert_exact(const Value& v, ValueKind want) {
  ValueKind k = v.kind();
  if (k == want || want == ValueKind::null) return v;
  switch (want) {
    case ValueKind::text:
      if (k == ValueKind::list) break;
      return Value::text(to_text(v));
    case ValueKind::int_:
      if (k == ValueKind::decimal) {
        Decimal n = v.as_decimal().normalized();
        if (n.scale() != 0) break;
        Result<int64_t> i = n.to_int64();
        if (!i.ok()) return i.take_error();
        return Value::integer(*i);
      }
      if (k == ValueKind::float_) {
        double d = v.as_float();
        if (d != std::trunc(d) || !(std::fabs(d) < 9.2e18)) break;
        return Value::integer(static_cast<int64_t>(d));
      }
      break;
    case ValueKind::decimal:
      if (k == ValueKind::int_) return Value::decimal(Decimal::from_int(v.as_int()));
      if (k == ValueKind::float_) {
        Result<Decimal> d = decimal_from_float(v.as_float());
        if (!d.ok()) return d.take_error();
        return Value::decimal(*d);
      }
      break;
    case ValueKind::float_:
      if (k == ValueKind::int_ || k == ValueKind::decimal) return Value::floating(as_double(v));
      break;
    case ValueKind::timestamp:
      if (k == ValueKind::date)
        return Value::timestamp(Timestamp{int64_t{v.as_date().days} * kMicrosPerDay});
      [[fallthrough]];
    case ValueKind::json: case ValueKind::uuid: case ValueKind::date:
    case ValueKind::timestamptz:
      if (k == ValueKind::text) {
        Result<Value> parsed = parse_value(v.as_text(), want);
        if (!parsed.ok()) return must_be(kind_name(want), v);
        return parsed;
      }
      break;
    default: break;
  }
  return must_be(kind_name(want), v);
}

}  // namespace

std::string describe_value(const Value& v) {
  if (v.is_null()) return "null";
  return std::string(kind_name(v.kind())) + " " + quote_input(to_text(v));
}

Result<Decimal> decimal_from_float(double d) {
  if (std::isnan(d) || std::isinf(d))
    return Error{"float " + format_float(d) + " has no decimal value"};
  std::string text = fixed_shortest(d);
  Result<Decimal> r = Decimal::parse(text);
  if (!r.ok()) return Error{"float " + format_float(d) + " does not fit in a 38-digit decimal"};
  return r;
}

Result<Value> arithmetic(Op op, const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value::null();
  if (is_numeric(a.kind()) && is_numeric(b.kind())) return numeric_arithmetic(op, a, b);
  if (a.kind() == ValueKind::date || b.kind() == ValueKind::date)
    return date_arithmetic(op, a, b);
  return cannot_apply(op, a, b);
}

Result<Value> negate(const Value& v) {
  switch (v.kind()) {
    case ValueKind::null: return v;
    case ValueKind::int_:
      if (v.as_int() == std::numeric_limits<int64_t>::min())
        return Error{"int overflow: -(" + std::to_string(v.as_int()) + ") does not fit in 64 bits"};
      return Value::integer(-v.as_int());
    case ValueKind::decimal: return Value::decimal(v.as_decimal().negate());
    case ValueKind::float_: return Value::floating(-v.as_float());
    default: return Error{"`-` cannot apply to " + describe_value(v)};
  }
}

Result<Value> unary_plus(const Value& v) {
  if (v.is_null() || is_numeric(v.kind())) return v;
  return Error{"`+` cannot apply to " + describe_value(v)};
}

Value concat(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value::null();
  std::string out;
  append_text(a, out);
  append_text(b, out);
  return Value::text(std::move(out));
}

Result<Value> text_as(const std::string& text, ValueKind kind) {
  Result<Value> r = is_numeric(kind)    ? parse_number(text)
                    : is_temporal(kind) ? parse_temporal(text)
                                        : parse_value(text, kind);
  if (!r.ok())
    return Error{"text " + quote_input(text) + " cannot be read as " + kind_name(kind)};
  return r;
}

Result<std::optional<std::weak_ordering>> compare(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return std::optional<std::weak_ordering>();
  std::optional<std::weak_ordering> c = sql_compare(a, b);
  if (c) return c;
  bool text_a = a.kind() == ValueKind::text;
  bool text_b = b.kind() == ValueKind::text;
  if (text_a != text_b && a.kind() != ValueKind::list && b.kind() != ValueKind::list) {
    const Value& text = text_a ? a : b;
    const Value& other = text_a ? b : a;
    Result<Value> read = text_as(text.as_text(), other.kind());
    if (!read.ok()) return read.take_error();
    c = text_a ? sql_compare(*read, other) : sql_compare(other, *read);
    if (c) return c;
  }
  return Error{"cannot compare " + describe_value(a) + " with " + describe_value(b)};
}

bool ordering_holds(Op op, std::weak_ordering c) {
  switch (op) {
    case Op::eq: return c == 0;
    case Op::ne: return c != 0;
    case Op::lt: return c < 0;
    case Op::le: return c <= 0;
    case Op::gt: return c > 0;
    case Op::ge: return c >= 0;
    default: return false;
  }
}

Result<Value> compare_op(Op op, const Value& a, const Value& b) {
  Result<std::optional<std::weak_ordering>> c = compare(a, b);
  if (!c.ok()) return c.take_error();
  if (!*c) return Value::null();
  return Value::boolean(ordering_holds(op, **c));
}

Result<Value> convert(const Value& v, const TypeSpec& spec) {
  if (v.is_null()) return v;
  ValueKind k = v.kind();
  switch (spec.rule) {
    case TypeRule::exact: return convert_exact(v, kind_of(spec.type.base));
    case TypeRule::numeric:
      if (is_numeric(k)) return v;
      return must_be("a number", v);
    case TypeRule::temporal:
      if (is_temporal(k)) return v;
      return must_be("a date or timestamp", v);
    case TypeRule::text_or_uuid:
      if (k == ValueKind::uuid || k == ValueKind::text) return v;
      return convert_exact(v, ValueKind::text);
    default: return v;
  }
}

Result<Value> convert_to_type(const Value& v, Type type) {
  if (v.is_null() || type.base == BaseType::list) return v;
  return convert_exact(v, kind_of(type.base));
}

}  // namespace mig::eval
