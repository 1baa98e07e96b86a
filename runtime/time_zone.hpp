// IANA time zones for `to_utc`, read from the system's tzdata (TZif files under
// /usr/share/zoneinfo, or $TZDIR): the transitions in the file, then the POSIX rule at its
// end for later years. Loaded once per zone name and shared.
//
// A wall-clock time that does not exist or exists twice is resolved as PostgreSQL does:
// in a gap (spring forward) with the offset in force before the transition
// (02:30 in New York on 2018-03-11 is 07:30 UTC, i.e. 03:30 EDT); in an overlap (fall
// back) with the offset in force after it (01:30 on 2018-11-04 is 06:30 UTC, 01:30 EST).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/result.hpp"

namespace mig {

class TimeZone {
 public:
  // The zone named `name` ("America/New_York", "UTC", "Europe/Paris"); an error for an
  // unknown name or an unreadable file.
  static Result<std::shared_ptr<const TimeZone>> load(std::string_view name);

  // The UTC offset in seconds (east positive) at an instant (seconds since the epoch).
  int32_t offset_at(int64_t utc_seconds) const;
  // The instant (seconds since the epoch) of a wall-clock time in this zone, given as
  // seconds since 1970-01-01 00:00 local.
  int64_t local_to_utc(int64_t local_seconds) const;

  // The name it was loaded by.
  const std::string& name() const { return name_; }

  // A POSIX TZ rule such as `EST5EDT,M3.2.0,M11.1.0` (exposed for tests).
  struct Rule {
    int32_t std_offset = 0;  // seconds east of UTC
    int32_t dst_offset = 0;
    bool has_dst = false;
    // A transition date: kind 'M' (month, week 1-5, weekday 0-6), 'J' (day 1-365, no
    // Feb 29) or 'D' (day 0-365); `time` is seconds after local midnight (may be < 0 or
    // above 24 h).
    struct When {
      char kind = 'M';
      int month = 0, week = 0, day = 0;
      int32_t time = 7200;
    } start, end;
  };
  static Result<Rule> parse_rule(std::string_view text);

  // Builds a zone from parts (tests; load() uses it).
  TimeZone(std::string name, std::vector<int64_t> transitions, std::vector<int32_t> offsets,
           int32_t initial_offset, std::optional<Rule> rule);

 private:
  int32_t rule_offset(int64_t utc_seconds) const;

  std::string name_;
  std::vector<int64_t> transitions_;  // UTC seconds, ascending
  std::vector<int32_t> offsets_;      // the offset from each transition on
  int32_t initial_offset_ = 0;        // before the first transition
  std::optional<Rule> rule_;          // after the last transition
};

}  // namespace mig
