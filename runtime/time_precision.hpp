// Fractional seconds a target column keeps. MariaDB's DATETIME and TIMESTAMP keep none
// unless declared `(N)`, PostgreSQL's timestamp keeps six unless declared `(N)`; both cut
// or round the rest without a word. A value with more digits than its column keeps is
// refused instead (docs/types.md): no silent change of data.
#pragma once
#include <optional>
#include <string>

#include "runtime/catalog.hpp"
#include "runtime/result.hpp"
#include "runtime/value.hpp"

namespace mig {

// The digits `c` keeps, when fewer than a microsecond's six; nullopt otherwise.
std::optional<int> fraction_digits(const std::string& dialect, const ColumnInfo& c);

// Whether the timestamp `v` has sub-second digits beyond `digits`.
bool loses_fraction(const Value& v, int digits);

// `v` when its column keeps all of it, else the error that refuses the row.
Result<Value> fit_fraction(Value v, std::optional<int> digits);

}  // namespace mig
