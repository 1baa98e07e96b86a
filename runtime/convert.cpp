#include "runtime/convert.hpp"

#include "runtime/value_text.hpp"

namespace mig {
namespace {

std::optional<ValueKind> kind_of(BaseType t) {
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
    default: return std::nullopt;
  }
}

Error lossy(const Value& v, ValueKind to) {
  return Error{quote_input(to_text(v)) + " (" + kind_name(v.kind()) + ") does not fit exactly in " +
               kind_name(to)};
}

}  // namespace

bool coerces_to_itself(const Value& v, BaseType to) {
  auto want = kind_of(to);
  return !want || v.is_null() || v.kind() == *want;
}

Result<Value> coerce(Value&& v, BaseType to) {
  if (coerces_to_itself(v, to)) return std::move(v);
  return coerce(static_cast<const Value&>(v), to);
}

Result<Value> coerce(const Value& v, BaseType to) {
  auto want = kind_of(to);
  if (!want || v.is_null() || v.kind() == *want) return v;
  switch (*want) {
    case ValueKind::text:
      if (v.kind() == ValueKind::bytes || v.kind() == ValueKind::list) break;
      return Value::text(to_text(v));
    case ValueKind::decimal:
      if (v.kind() == ValueKind::int_) return Value::decimal(Decimal::from_int(v.as_int()));
      break;
    case ValueKind::float_:
      if (v.kind() == ValueKind::int_) return Value::floating(double(v.as_int()));
      if (v.kind() == ValueKind::decimal) return Value::floating(v.as_decimal().to_double());
      break;
    case ValueKind::int_:
      if (v.kind() == ValueKind::decimal) {
        // 12.00 fits an int; 12.5 does not (to_int64 would round it).
        auto whole = v.as_decimal().to_int64();
        if (whole && Decimal::from_int(*whole) == v.as_decimal()) return Value::integer(*whole);
        return lossy(v, *want);
      }
      if (v.kind() == ValueKind::bool_) return Value::integer(v.as_bool() ? 1 : 0);
      break;
    case ValueKind::bool_:
      if (v.kind() == ValueKind::int_ && (v.as_int() == 0 || v.as_int() == 1))
        return Value::boolean(v.as_int() == 1);
      break;
    case ValueKind::timestamp:
      if (v.kind() == ValueKind::timestamptz)  // the instant's UTC wall time
        return Value::timestamp(Timestamp{v.as_timestamptz().micros});
      if (v.kind() == ValueKind::date)
        return Value::timestamp(Timestamp{int64_t(v.as_date().days) * 86400LL * 1000000LL});
      break;
    case ValueKind::json:
      if (v.kind() == ValueKind::text) return parse_value(v.as_text(), ValueKind::json);
      break;
    default:
      break;
  }
  if (v.kind() == ValueKind::text) return parse_value(v.as_text(), *want);
  return lossy(v, *want);
}

}  // namespace mig
