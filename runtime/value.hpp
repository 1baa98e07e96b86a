// The runtime value of an expression-language type (spec section 6): what a row holds while
// it flows from a source through `map`/`check` to a target. It sits on the per-row hot path,
// so scalars live inline (no heap allocation per int); text, json and bytes own a string.
#pragma once
#include <array>
#include <compare>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "runtime/decimal.hpp"

namespace mig {

// Every kind, once: X(enumerator, name as the language writes it). The order is the order
// of Value::Storage's alternatives and of the key order between kinds.
// clang-format off
#define MIG_VALUE_KINDS(X)         \
  X(null, "null")                  \
  X(int_, "int")                   \
  X(decimal, "decimal")            \
  X(float_, "float")               \
  X(text, "text")                  \
  X(bool_, "bool")                 \
  X(date, "date")                  \
  X(timestamp, "timestamp")        \
  X(timestamptz, "timestamptz")    \
  X(uuid, "uuid")                  \
  X(json, "json")                  \
  X(bytes, "bytes")                \
  X(list, "list")
// clang-format on

enum class ValueKind : uint8_t {
#define MIG_X(id, name) id,
  MIG_VALUE_KINDS(MIG_X)
#undef MIG_X
};

// "int", "list", ... as in the language.
const char* kind_name(ValueKind kind);
// The kind named `name` ("int", "timestamptz"); nullopt for others (and for `list<...>`).
std::optional<ValueKind> kind_from_name(std::string_view name);

// A calendar day: days since 1970-01-01.
struct Date {
  int32_t days = 0;
  auto operator<=>(const Date&) const = default;
};
// Wall-clock time without a zone: microseconds since 1970-01-01 00:00:00.
struct Timestamp {
  int64_t micros = 0;
  auto operator<=>(const Timestamp&) const = default;
};
// An instant: microseconds since 1970-01-01 00:00:00 UTC.
struct TimestampTz {
  int64_t micros = 0;
  auto operator<=>(const TimestampTz&) const = default;
};
// A UUID's 16 bytes in network order (as written in text).
struct Uuid {
  std::array<uint8_t, 16> bytes{};
  auto operator<=>(const Uuid&) const = default;
};
// JSON text, kept as given (the value is not re-serialised).
struct Json {
  std::string text;
};
// Raw bytes (`bytea`, `BLOB`).
struct Bytes {
  std::string data;
};

class Value;
// An immutable list (parameters such as `list<int>`); shared because copies are common
// and lists never change once built.
using List = std::shared_ptr<const std::vector<Value>>;

class Value {
 public:
  // Alternatives in MIG_VALUE_KINDS order; text is UTF-8 bytes and may contain '\0'.
  using Storage = std::variant<std::monostate, int64_t, Decimal, double, std::string, bool, Date,
                               Timestamp, TimestampTz, Uuid, Json, Bytes, List>;

  Value() = default;  // null

  // Named constructors: no implicit conversions (a `const char*` must never become a bool).
  static Value null() { return Value(); }
  static Value integer(int64_t v) { return Value(Storage(std::in_place_index<1>, v)); }
  static Value decimal(Decimal v) { return Value(Storage(std::in_place_index<2>, v)); }
  static Value floating(double v) { return Value(Storage(std::in_place_index<3>, v)); }
  static Value text(std::string v) { return Value(Storage(std::in_place_index<4>, std::move(v))); }
  static Value boolean(bool v) { return Value(Storage(std::in_place_index<5>, v)); }
  static Value date(Date v) { return Value(Storage(std::in_place_index<6>, v)); }
  static Value timestamp(Timestamp v) { return Value(Storage(std::in_place_index<7>, v)); }
  static Value timestamptz(TimestampTz v) { return Value(Storage(std::in_place_index<8>, v)); }
  static Value uuid(Uuid v) { return Value(Storage(std::in_place_index<9>, v)); }
  static Value json(std::string v) {
    return Value(Storage(std::in_place_index<10>, Json{std::move(v)}));
  }
  static Value bytes(std::string v) {
    return Value(Storage(std::in_place_index<11>, Bytes{std::move(v)}));
  }
  static Value list(std::vector<Value> items);

  ValueKind kind() const { return static_cast<ValueKind>(v_.index()); }
  bool is_null() const { return v_.index() == 0; }

  // Typed access; the kind must match (callers check kind() first, as the analyser's
  // types promise). A mismatch throws std::bad_variant_access: a bug, not bad input.
  int64_t as_int() const { return std::get<1>(v_); }
  const Decimal& as_decimal() const { return std::get<2>(v_); }
  double as_float() const { return std::get<3>(v_); }
  const std::string& as_text() const { return std::get<4>(v_); }
  bool as_bool() const { return std::get<5>(v_); }
  Date as_date() const { return std::get<6>(v_); }
  Timestamp as_timestamp() const { return std::get<7>(v_); }
  TimestampTz as_timestamptz() const { return std::get<8>(v_); }
  const Uuid& as_uuid() const { return std::get<9>(v_); }
  const std::string& as_json() const { return std::get<10>(v_).text; }
  const std::string& as_bytes() const { return std::get<11>(v_).data; }
  const std::vector<Value>& as_list() const { return *std::get<12>(v_); }

  const Storage& storage() const { return v_; }

  // Key equality (see key_compare): null equals null, 1.0 equals 1.00.
  friend bool operator==(const Value& a, const Value& b);

 private:
  explicit Value(Storage v) : v_(std::move(v)) {}
  Storage v_;
};

// SQL comparison (`<`, `==` in expressions): nullopt when either side is null (unknown), or
// when the kinds cannot be compared (text vs int: the analyser rejects that earlier).
// int, decimal and float compare as numbers; date, timestamp and timestamptz as instants
// (a date is its midnight, a timestamp is read as UTC); text and bytes bytewise; NaN is
// equal to itself and above every other number (as PostgreSQL orders it).
std::optional<std::weak_ordering> sql_compare(const Value& a, const Value& b);

// The total order for keys (sorting, checkpoints, crosswalk maps): null first, then by kind
// in MIG_VALUE_KINDS order, then by value; decimals by number (1.0 == 1.00), floats with
// -0.0 == 0.0 and NaN last, json by its text, lists element by element.
std::weak_ordering key_compare(const Value& a, const Value& b);
std::weak_ordering key_compare(std::span<const Value> a, std::span<const Value> b);

// Appends the canonical binary encoding: a kind tag, then a fixed little-endian payload or
// a length-prefixed byte string. Key-equal values encode alike (decimals normalised, -0.0
// as 0.0, one NaN), values of different kinds never do (null vs '' vs 0 vs "0").
void append_canonical_binary(const Value& v, std::string& out);

// XXH3-64 of the canonical binary encoding: stable across runs, machines and versions
// (parity checksums and fingerprints are stored and compared later).
uint64_t stable_hash(const Value& v);
// Of a whole key or row: the encodings concatenated.
uint64_t stable_hash(std::span<const Value> values);

// For unordered containers keyed by values (hash and equality agree).
struct ValueHash {
  size_t operator()(const Value& v) const { return static_cast<size_t>(stable_hash(v)); }
};
// For ordered containers keyed by values.
struct ValueLess {
  bool operator()(const Value& a, const Value& b) const { return key_compare(a, b) < 0; }
};

}  // namespace mig
