// strftime-style formats for `parse_timestamp` and `format_timestamp`, compiled once.
//
// Directives: %Y year (up to 4 digits), %m month, %d day, %e day (space-padded), %H hour
// (00-23), %I hour (01-12) with %p (AM/PM), %M minute, %S second, %f fraction (parsing: 1-9
// digits, cut to microseconds; formatting: 6 digits), %y two-digit year (69-99 -> 19xx,
// 00-68 -> 20xx), %j day of the year, %b/%h/%B month name (English; parsing accepts the full
// name or its 3-letter abbreviation, in any case), %a/%A weekday name (parsed and ignored),
// %z offset (`+0200`, `-05:00`, `Z`; parsing converts the time to UTC), %Z (`UTC`, format
// only), %s seconds since the epoch, %F = %Y-%m-%d, %T = %H:%M:%S, %R = %H:%M,
// %D = %m/%d/%y, %% a percent sign, %n/%t white space. Parsing: numbers may have fewer
// digits than their width; white space in the format matches any run of white space
// (or none); fields not in the format default to 1970-01-01 00:00:00.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/result.hpp"

namespace mig {

class TimeFormat {
 public:
  // Compiles `format`; an error names an unknown directive.
  static Result<TimeFormat> compile(std::string_view format);

  // Parses `text` (all of it) as a wall-clock time: microseconds since 1970-01-01 00:00.
  // With %z, the result is the UTC wall-clock time. An error says what did not match.
  Result<int64_t> parse(std::string_view text) const;
  // Formats microseconds since 1970-01-01 00:00; `utc` says the value is an instant (for
  // %z and %Z).
  std::string format(int64_t micros, bool utc) const;

  // The format as written, for messages.
  const std::string& text() const { return text_; }

 private:
  // One directive letter, or a literal run (letter 0).
  struct Piece {
    char letter = 0;
    std::string literal;
  };
  std::string text_;
  std::vector<Piece> pieces_;
};

}  // namespace mig
