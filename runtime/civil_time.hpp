// Calendar dates and times of day as the runtime stores them (days and microseconds since
// 1970-01-01, proleptic Gregorian, no leap seconds), and their ISO text forms. Years
// 0001..9999 are accepted from text and round-trip, including years below 1000.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/result.hpp"

namespace mig {

// A date split into its parts.
struct CivilDate {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

// Days since 1970-01-01 of a (valid) date, and back. Works for any year, not only 1..9999.
int64_t days_from_civil(CivilDate d);
CivilDate civil_from_days(int64_t days);
// Whether year/month/day names a real day in 0001-01-01 .. 9999-12-31.
bool is_valid_date(CivilDate d);

// The accepted range, inclusive: 0001-01-01 .. 9999-12-31 (23:59:59.999999).
extern const int32_t kMinDays;
extern const int32_t kMaxDays;
extern const int64_t kMinMicros;
extern const int64_t kMaxMicros;

// `2024-01-31` (a year outside 1..9999 is written with more digits or a sign).
std::string format_date(int64_t days);
// `2024-01-31 13:45:00`, or with `.123456` when the microseconds are not zero.
std::string format_timestamp(int64_t micros);
// format_timestamp of the UTC instant followed by `+00:00`.
std::string format_timestamptz(int64_t micros);

// `YYYY-MM-DD` (four-digit year) -> days.
Result<int32_t> parse_date(std::string_view text);
// `YYYY-MM-DD[( |T)HH:MM[:SS[.fraction]]]` -> microseconds; a fraction beyond six digits
// is rounded half up to the microsecond. A zone offset is an error (use timestamptz).
Result<int64_t> parse_timestamp(std::string_view text);
// As parse_timestamp, then an optional ` `, and `Z`, `UTC`, `+HH`, `+HH:MM` or `+HHMM`
// (or `-`); no offset means UTC. Returns the UTC instant.
Result<int64_t> parse_timestamptz(std::string_view text);

}  // namespace mig
