// Number built-ins. Results keep the argument's kind (round/floor/ceil/abs of an int is an
// int, of a decimal a decimal), decimals stay exact, and rounding is half away from zero
// everywhere (round(2.5) = 3, round(-2.5) = -3, cents(-0.005) = -1):
// - `round(x[, digits])`: a negative `digits` rounds to tens, hundreds...; a float is
//   rounded as the decimal it prints as (round(2.675, 2) = 2.68, not 2.67).
// - `cents(d)`: exact dollars -> integer cents; `dollars(c)`: cents -> dollars, scale 2.
// - `to_int(v)`: numbers round half away from zero; text (surrounding white space ignored)
//   must be an integer; bools are 1 and 0. `to_decimal(v)`: exact, from numbers (a float as
//   its shortest text) and text, which may have an exponent (`1.5e3`).
// Results outside int64 or 38 digits, and text that is not a number, are row errors.
#include <charconv>
#include <cmath>

#include "runtime/builtin_impl.hpp"
#include "runtime/eval_ops.hpp"
#include "runtime/value_text.hpp"

namespace mig::eval {
namespace {

Error int_overflow(const std::string& what) {
  return Error{what + " does not fit in a 64-bit int"};
}

Result<Value> from_decimal(Result<Decimal> d) {
  if (!d.ok()) return d.take_error();
  return Value::decimal(*d);
}

Result<Value> from_int64(Result<int64_t> i) {
  if (!i.ok()) return i.take_error();
  return Value::integer(*i);
}

// Places for round(), kept within what a decimal can mean.
int clamp_places(int64_t places) {
  if (places > Decimal::kMaxScale) return Decimal::kMaxScale;
  if (places < -Decimal::kMaxDigits - 1) return -Decimal::kMaxDigits - 1;
  return static_cast<int>(places);
}

double round_float(double x, int places) {
  if (std::isnan(x) || std::isinf(x)) return x;
  Result<Decimal> d = decimal_from_float(x);
  if (d.ok()) {
    Result<Decimal> r = d->round(places);
    if (r.ok()) return r->to_double();
  }
  double p = std::pow(10.0, places);  // beyond 38 digits: binary rounding is all there is
  double r = std::round(x * p) / p;
  return std::isfinite(r) ? r : x;
}

Result<Value> round(const Args& a) {
  int places = a.given(1) ? clamp_places(a[1].as_int()) : 0;
  const Value& x = a[0];
  switch (x.kind()) {
    case ValueKind::int_:
      if (places >= 0) return x;
      if (Result<Decimal> r = Decimal::from_int(x.as_int()).round(places); r.ok())
        return from_int64(r->to_int64());
      else
        return r.take_error();
    case ValueKind::decimal: return from_decimal(x.as_decimal().round(places));
    default: return Value::floating(round_float(x.as_float(), places));
  }
}

Result<Value> floor(const Args& a) {
  const Value& x = a[0];
  if (x.kind() == ValueKind::int_) return x;
  if (x.kind() == ValueKind::decimal) return Value::decimal(x.as_decimal().floor());
  return Value::floating(std::floor(x.as_float()));
}

Result<Value> ceil(const Args& a) {
  const Value& x = a[0];
  if (x.kind() == ValueKind::int_) return x;
  if (x.kind() == ValueKind::decimal) return Value::decimal(x.as_decimal().ceil());
  return Value::floating(std::ceil(x.as_float()));
}

Result<Value> abs(const Args& a) {
  const Value& x = a[0];
  if (x.kind() == ValueKind::int_) {
    if (x.as_int() == INT64_MIN) return int_overflow("abs(" + std::to_string(x.as_int()) + ")");
    return Value::integer(x.as_int() < 0 ? -x.as_int() : x.as_int());
  }
  if (x.kind() == ValueKind::decimal) return Value::decimal(x.as_decimal().abs());
  return Value::floating(std::fabs(x.as_float()));
}

Result<Value> cents(const Args& a) { return from_int64(a[0].as_decimal().cents()); }

Result<Value> dollars(const Args& a) { return Value::decimal(Decimal::from_cents(a[0].as_int())); }

std::string_view trim_ascii(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || (s.front() >= '\t' && s.front() <= '\r'))) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || (s.back() >= '\t' && s.back() <= '\r'))) s.remove_suffix(1);
  return s;
}

Error cannot_convert(const Value& v, const char* to) {
  return Error{"cannot convert " + describe_value(v) + " to " + to};
}

Result<Value> to_int(const Args& a) {
  const Value& v = a[0];
  switch (v.kind()) {
    case ValueKind::int_: return v;
    case ValueKind::decimal: return from_int64(v.as_decimal().to_int64());
    case ValueKind::float_: {
      double d = std::round(v.as_float());
      if (std::isnan(d) || !(std::fabs(d) < 9.2e18)) return int_overflow("float " + format_float(v.as_float()));
      return Value::integer(static_cast<int64_t>(d));
    }
    case ValueKind::bool_: return Value::integer(v.as_bool() ? 1 : 0);
    case ValueKind::text: return parse_value(trim_ascii(v.as_text()), ValueKind::int_);
    default: return cannot_convert(v, "int");
  }
}

// unscaled / 10^scale for a scale above 38: rounded half away from zero to 38 places.
Result<Decimal> round_to_max_scale(Int128 unscaled, int scale) {
  int drop = scale - Decimal::kMaxScale;
  if (drop > Decimal::kMaxDigits) return Decimal();
  Int128 f = 1;
  for (int i = 0; i < drop; ++i) f *= 10;
  Int128 q = unscaled / f;
  Int128 r = unscaled % f;
  if (r < 0) r = -r;
  if (r >= f - r) q += unscaled < 0 ? -1 : 1;
  return Decimal::from_unscaled(q, Decimal::kMaxScale);
}

// `1.5e3`, `-2E-4`: exact, as mantissa * 10^exponent.
Result<Decimal> parse_scientific(std::string_view s) {
  size_t e = s.find_first_of("eE");
  Result<Decimal> mantissa = Decimal::parse(s.substr(0, e));
  int exponent = 0;
  std::string_view exp_text = s.substr(e + 1);
  if (!exp_text.empty() && exp_text.front() == '+') exp_text.remove_prefix(1);
  auto [end, ec] = std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  if (!mantissa.ok() || ec != std::errc() || end != exp_text.data() + exp_text.size() ||
      exp_text.empty())
    return Error{"invalid decimal " + quote_input(s)};
  int scale = mantissa->scale() - exponent;
  if (scale >= 0) {
    if (scale <= Decimal::kMaxScale) return Decimal::from_unscaled(mantissa->unscaled(), scale);
    return round_to_max_scale(mantissa->unscaled(), scale);
  }
  if (scale < -Decimal::kMaxDigits) return Error{"decimal " + quote_input(s) + " has more than 38 digits"};
  Result<Decimal> shift = Decimal::parse("1" + std::string(static_cast<size_t>(-scale), '0'));
  if (!shift.ok()) return shift;
  Result<Decimal> whole = Decimal::from_unscaled(mantissa->unscaled(), 0);
  if (!whole.ok()) return whole;
  return whole->mul(*shift);
}

Result<Value> to_decimal(const Args& a) {
  const Value& v = a[0];
  switch (v.kind()) {
    case ValueKind::decimal: return v;
    case ValueKind::int_: return Value::decimal(Decimal::from_int(v.as_int()));
    case ValueKind::float_: return from_decimal(decimal_from_float(v.as_float()));
    case ValueKind::text: {
      std::string_view s = trim_ascii(v.as_text());
      if (s.find_first_of("eE") != std::string_view::npos) return from_decimal(parse_scientific(s));
      return from_decimal(Decimal::parse(s));
    }
    default: return cannot_convert(v, "decimal");
  }
}

constexpr BuiltinImpl strict(Result<Value> (*run)(const Args&)) {
  return BuiltinImpl{run, nullptr, nullptr, true, true};
}

const BuiltinImpl kRound = strict(round), kFloor = strict(floor), kCeil = strict(ceil),
                  kAbs = strict(abs), kCents = strict(cents), kDollars = strict(dollars),
                  kToInt = strict(to_int), kToDecimal = strict(to_decimal);

}  // namespace

const BuiltinImpl* numbers_impl(BuiltinId id) {
  switch (id) {
    case BuiltinId::round: return &kRound;
    case BuiltinId::floor: return &kFloor;
    case BuiltinId::ceil: return &kCeil;
    case BuiltinId::abs: return &kAbs;
    case BuiltinId::cents: return &kCents;
    case BuiltinId::dollars: return &kDollars;
    case BuiltinId::to_int: return &kToInt;
    case BuiltinId::to_decimal: return &kToDecimal;
    default: return nullptr;
  }
}

}  // namespace mig::eval
