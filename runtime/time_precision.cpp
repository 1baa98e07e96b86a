#include "runtime/time_precision.hpp"

#include <cctype>

#include "runtime/value_text.hpp"

namespace mig {

std::optional<int> fraction_digits(const std::string& dialect, const ColumnInfo& c) {
  if (c.type != BaseType::timestamp && c.type != BaseType::timestamptz) return std::nullopt;
  int digits;
  if (dialect == "mariadb") digits = 0;
  else if (dialect == "postgres") digits = 6;
  else return std::nullopt;  // SQLite and CSV keep text: every digit
  size_t open = c.native_type.find('(');
  if (open != std::string::npos && open + 1 < c.native_type.size() &&
      std::isdigit(static_cast<unsigned char>(c.native_type[open + 1])))
    digits = c.native_type[open + 1] - '0';
  if (digits >= 6) return std::nullopt;
  return digits;
}

bool loses_fraction(const Value& v, int digits) {
  int64_t micros;
  if (v.kind() == ValueKind::timestamp) micros = v.as_timestamp().micros;
  else if (v.kind() == ValueKind::timestamptz) micros = v.as_timestamptz().micros;
  else return false;
  int64_t unit = 1;
  for (int i = digits; i < 6; ++i) unit *= 10;
  return micros % unit != 0;
}

Result<Value> fit_fraction(Value v, std::optional<int> digits) {
  if (!digits || !loses_fraction(v, *digits)) return v;
  return Error{to_text(v) + " has more fractional seconds than the column keeps (" +
               std::to_string(*digits) + " digits): widen the column or round the value in `map`"};
}

}  // namespace mig
