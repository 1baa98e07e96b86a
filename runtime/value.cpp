#include "runtime/value.hpp"

#include <xxhash.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "runtime/civil_time.hpp"

namespace mig {
namespace {

static_assert(std::variant_size_v<Value::Storage> == static_cast<size_t>(ValueKind::list) + 1,
              "Value::Storage must have one alternative per ValueKind");

constexpr const char* kKindNames[] = {
#define MIG_X(id, name) name,
    MIG_VALUE_KINDS(MIG_X)
#undef MIG_X
};

bool is_numeric(ValueKind k) {
  return k == ValueKind::int_ || k == ValueKind::decimal || k == ValueKind::float_;
}
bool is_temporal(ValueKind k) {
  return k == ValueKind::date || k == ValueKind::timestamp || k == ValueKind::timestamptz;
}

// Floats ordered with NaN equal to itself and above everything, -0.0 == 0.0.
std::weak_ordering compare_doubles(double a, double b) {
  bool na = std::isnan(a);
  bool nb = std::isnan(b);
  if (na || nb)
    return na == nb ? std::weak_ordering::equivalent
                    : (na ? std::weak_ordering::greater : std::weak_ordering::less);
  if (a < b) return std::weak_ordering::less;
  if (a > b) return std::weak_ordering::greater;
  return std::weak_ordering::equivalent;
}

// A decimal against a double: exact when the double is integral and small enough to be an
// int64, else through the double nearest to the decimal.
std::weak_ordering compare_decimal_double(const Decimal& d, double x) {
  if (std::isnan(x) || std::isinf(x)) return compare_doubles(0.0, x);
  if (x == std::trunc(x) && std::fabs(x) < 9.2e18)
    return d.compare(Decimal::from_int(static_cast<int64_t>(x)));
  return compare_doubles(d.to_double(), x);
}

std::weak_ordering compare_numbers(const Value& a, const Value& b) {
  ValueKind ka = a.kind();
  ValueKind kb = b.kind();
  if (ka == ValueKind::int_ && kb == ValueKind::int_) return a.as_int() <=> b.as_int();
  if (ka == ValueKind::float_ && kb == ValueKind::float_)
    return compare_doubles(a.as_float(), b.as_float());
  if (ka == ValueKind::float_) return 0 <=> compare_numbers(b, a);
  Decimal da = ka == ValueKind::int_ ? Decimal::from_int(a.as_int()) : a.as_decimal();
  if (kb == ValueKind::float_) return compare_decimal_double(da, b.as_float());
  Decimal db = kb == ValueKind::int_ ? Decimal::from_int(b.as_int()) : b.as_decimal();
  return da.compare(db);
}

// A date, timestamp or timestamptz as (day, microsecond of the day): a date is its
// midnight, a timestamp is read as UTC. Split rather than multiplied out, which would
// overflow for dates far outside 0001..9999 that a connector may still deliver.
std::pair<int64_t, int64_t> instant(const Value& v) {
  if (v.kind() == ValueKind::date) return {v.as_date().days, 0};
  int64_t micros =
      v.kind() == ValueKind::timestamp ? v.as_timestamp().micros : v.as_timestamptz().micros;
  int64_t in_day = micros % kMicrosPerDay;
  int64_t days = micros / kMicrosPerDay;
  if (in_day < 0) {
    in_day += kMicrosPerDay;
    --days;
  }
  return {days, in_day};
}

std::weak_ordering compare_bytes(const std::string& a, const std::string& b) {
  size_t n = a.size() < b.size() ? a.size() : b.size();
  int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0) return c < 0 ? std::weak_ordering::less : std::weak_ordering::greater;
  return a.size() <=> b.size();
}

// Same kind, neither null: the value order shared by sql_compare and key_compare.
std::weak_ordering compare_same_kind(const Value& a, const Value& b) {
  switch (a.kind()) {
    case ValueKind::null:
      return std::weak_ordering::equivalent;
    case ValueKind::int_:
      return a.as_int() <=> b.as_int();
    case ValueKind::decimal:
      return a.as_decimal().compare(b.as_decimal());
    case ValueKind::float_:
      return compare_doubles(a.as_float(), b.as_float());
    case ValueKind::text:
      return compare_bytes(a.as_text(), b.as_text());
    case ValueKind::bool_:
      return a.as_bool() <=> b.as_bool();
    case ValueKind::date:
      return a.as_date() <=> b.as_date();
    case ValueKind::timestamp:
      return a.as_timestamp() <=> b.as_timestamp();
    case ValueKind::timestamptz:
      return a.as_timestamptz() <=> b.as_timestamptz();
    case ValueKind::uuid:
      return a.as_uuid() <=> b.as_uuid();
    case ValueKind::json:
      return compare_bytes(a.as_json(), b.as_json());
    case ValueKind::bytes:
      return compare_bytes(a.as_bytes(), b.as_bytes());
    case ValueKind::list:
      return key_compare(a.as_list(), b.as_list());
  }
  return std::weak_ordering::equivalent;
}

void put_u64(std::string& out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xff);
  out.append(b, 8);
}

void put_bytes(std::string& out, const std::string& s) {
  put_u64(out, s.size());
  out += s;
}

}  // namespace

const char* kind_name(ValueKind kind) { return kKindNames[static_cast<size_t>(kind)]; }

std::optional<ValueKind> kind_from_name(std::string_view name) {
  for (size_t i = 0; i < std::size(kKindNames); ++i)
    if (name == kKindNames[i]) return static_cast<ValueKind>(i);
  return std::nullopt;
}

Value Value::list(std::vector<Value> items) {
  return Value(Storage(std::in_place_index<12>,
                       std::make_shared<const std::vector<Value>>(std::move(items))));
}

bool operator==(const Value& a, const Value& b) { return key_compare(a, b) == 0; }

std::optional<std::weak_ordering> sql_compare(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  ValueKind ka = a.kind();
  ValueKind kb = b.kind();
  if (is_numeric(ka) && is_numeric(kb)) return compare_numbers(a, b);
  if (is_temporal(ka) && is_temporal(kb)) return instant(a) <=> instant(b);
  if (ka != kb) return std::nullopt;
  if (ka == ValueKind::list) {
    const std::vector<Value>& la = a.as_list();
    const std::vector<Value>& lb = b.as_list();
    for (size_t i = 0; i < la.size() && i < lb.size(); ++i) {
      std::optional<std::weak_ordering> c = sql_compare(la[i], lb[i]);
      if (!c || *c != 0) return c;
    }
    return la.size() <=> lb.size();
  }
  return compare_same_kind(a, b);
}

std::weak_ordering key_compare(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return a.kind() <=> b.kind();
  return compare_same_kind(a, b);
}

std::weak_ordering key_compare(std::span<const Value> a, std::span<const Value> b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    std::weak_ordering c = key_compare(a[i], b[i]);
    if (c != 0) return c;
  }
  return a.size() <=> b.size();
}

void append_canonical_binary(const Value& v, std::string& out) {
  out += static_cast<char>(v.kind());
  switch (v.kind()) {
    case ValueKind::null:
      break;
    case ValueKind::int_:
      put_u64(out, static_cast<uint64_t>(v.as_int()));
      break;
    case ValueKind::decimal: {
      Decimal n = v.as_decimal().normalized();
      UInt128 u = static_cast<UInt128>(n.unscaled());
      put_u64(out, static_cast<uint64_t>(u));
      put_u64(out, static_cast<uint64_t>(u >> 64));
      out += static_cast<char>(n.scale());
      break;
    }
    case ValueKind::float_: {
      double d = v.as_float();
      if (d == 0) d = 0.0;  // -0.0 -> 0.0
      if (std::isnan(d)) d = std::numeric_limits<double>::quiet_NaN();
      uint64_t bits = 0;
      std::memcpy(&bits, &d, sizeof bits);
      put_u64(out, bits);
      break;
    }
    case ValueKind::text:
      put_bytes(out, v.as_text());
      break;
    case ValueKind::bool_:
      out += v.as_bool() ? '\1' : '\0';
      break;
    case ValueKind::date:
      put_u64(out, static_cast<uint64_t>(static_cast<int64_t>(v.as_date().days)));
      break;
    case ValueKind::timestamp:
      put_u64(out, static_cast<uint64_t>(v.as_timestamp().micros));
      break;
    case ValueKind::timestamptz:
      put_u64(out, static_cast<uint64_t>(v.as_timestamptz().micros));
      break;
    case ValueKind::uuid:
      out.append(reinterpret_cast<const char*>(v.as_uuid().bytes.data()), 16);
      break;
    case ValueKind::json:
      put_bytes(out, v.as_json());
      break;
    case ValueKind::bytes:
      put_bytes(out, v.as_bytes());
      break;
    case ValueKind::list:
      put_u64(out, v.as_list().size());
      for (const Value& item : v.as_list()) append_canonical_binary(item, out);
      break;
  }
}

uint64_t stable_hash(const Value& v) {
  thread_local std::string buf;  // reused: no allocation per hashed value
  buf.clear();
  append_canonical_binary(v, buf);
  return XXH3_64bits(buf.data(), buf.size());
}

uint64_t stable_hash(std::span<const Value> values) {
  thread_local std::string buf;
  buf.clear();
  for (const Value& v : values) append_canonical_binary(v, buf);
  return XXH3_64bits(buf.data(), buf.size());
}

}  // namespace mig
