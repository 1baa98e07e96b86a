#include "runtime/civil_time.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace mig {
namespace {

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);
}

// A small cursor over the text being parsed.
struct Cursor {
  std::string_view text;
  size_t pos = 0;

  bool done() const { return pos == text.size(); }
  char peek() const { return done() ? '\0' : text[pos]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++pos;
    return true;
  }
  // Exactly `n` digits as a number; -1 when they are not there.
  int digits(int n) {
    int v = 0;
    for (int i = 0; i < n; ++i) {
      char c = peek();
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
      ++pos;
    }
    return v;
  }
};

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

void append_2(std::string& out, int64_t v) {
  out += static_cast<char>('0' + v / 10);
  out += static_cast<char>('0' + v % 10);
}

// Date part of a timestamp: `YYYY-MM-DD`, returning days.
Result<int64_t> parse_date_part(Cursor& c, std::string_view what) {
  CivilDate d;
  d.year = c.digits(4);
  bool shape = d.year >= 0 && c.eat('-');
  d.month = shape ? c.digits(2) : -1;
  shape = shape && d.month >= 0 && c.eat('-');
  d.day = shape ? c.digits(2) : -1;
  if (!shape || d.day < 0)
    return Error{"invalid " + std::string(what) + " " + quote_input(c.text) +
                 ": expected YYYY-MM-DD"};
  if (!is_valid_date(d))
    return Error{"invalid " + std::string(what) + " " + quote_input(c.text) +
                 ": no such day (years 0001..9999)"};
  return days_from_civil(d);
}

// The optional time of day after a date: microseconds since midnight.
Result<int64_t> parse_time_part(Cursor& c, std::string_view what) {
  if (!(c.eat(' ') || c.eat('T') || c.eat('t'))) return int64_t{0};
  auto bad = [&](const char* why) {
    return Error{"invalid " + std::string(what) + " " + quote_input(c.text) + ": " + why};
  };
  int h = c.digits(2);
  if (h < 0 || !c.eat(':')) return bad("expected HH:MM[:SS[.ffffff]] after the date");
  int m = c.digits(2);
  if (m < 0) return bad("expected HH:MM[:SS[.ffffff]] after the date");
  int s = 0;
  int64_t frac = 0;
  if (c.eat(':')) {
    s = c.digits(2);
    if (s < 0) return bad("expected two digits of seconds");
    if (c.eat('.')) {
      int n = 0;
      bool round_up = false;
      while (c.peek() >= '0' && c.peek() <= '9') {
        int digit = c.peek() - '0';
        if (n < 6)
          frac = frac * 10 + digit;
        else if (n == 6)
          round_up = digit >= 5;
        ++n;
        ++c.pos;
      }
      if (n == 0) return bad("expected digits after `.`");
      for (int i = n; i < 6; ++i) frac *= 10;
      if (round_up) ++frac;  // may reach a whole second: added below as microseconds
    }
  }
  if (h > 23 || m > 59 || s > 59) return bad("no such time of day");
  return ((h * 60 + m) * 60 + s) * kMicrosPerSecond + frac;
}

Result<int64_t> parse_datetime(Cursor& c, std::string_view what) {
  Result<int64_t> days = parse_date_part(c, what);
  if (!days.ok()) return days.take_error();
  Result<int64_t> time = parse_time_part(c, what);
  if (!time.ok()) return time.take_error();
  return *days * kMicrosPerDay + *time;
}

Error out_of_range(std::string_view text, std::string_view what) {
  return Error{std::string(what) + " " + quote_input(text) +
               " is outside 0001-01-01 .. 9999-12-31"};
}

}  // namespace

int64_t days_from_civil(CivilDate d) {
  // Howard Hinnant's algorithm (public domain), eras of 400 years.
  int64_t y = static_cast<int64_t>(d.year) - (d.month <= 2 ? 1 : 0);
  int64_t era = floor_div(y, 400);
  int64_t yoe = y - era * 400;
  int64_t mp = (d.month + 9) % 12;
  int64_t doy = (153 * mp + 2) / 5 + d.day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate civil_from_days(int64_t days) {
  int64_t z = days + 719468;
  int64_t era = floor_div(z, 146097);
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  CivilDate d;
  d.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  d.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  d.year = static_cast<int>(yoe + era * 400 + (d.month <= 2 ? 1 : 0));
  return d;
}

bool is_valid_date(CivilDate d) {
  return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
         d.day <= days_in_month(d.year, d.month);
}

const int32_t kMinDays = static_cast<int32_t>(days_from_civil({1, 1, 1}));
const int32_t kMaxDays = static_cast<int32_t>(days_from_civil({9999, 12, 31}));
const int64_t kMinMicros = int64_t{kMinDays} * kMicrosPerDay;
const int64_t kMaxMicros = (int64_t{kMaxDays} + 1) * kMicrosPerDay - 1;

// `width` digits at least, zero-padded (no printf: this runs for every date of a copy).
void append_padded(std::string& out, int64_t v, int width) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;  // 24 bytes hold any int64
  out.append(size_t(std::max<std::ptrdiff_t>(0, width - (end - buf))), '0');
  out.append(buf, end);
}

std::string format_date(int64_t days) {
  CivilDate d = civil_from_days(days);
  std::string out;
  if (d.year < 0) out += '-';
  append_padded(out, d.year < 0 ? -int64_t(d.year) : d.year, 4);
  out += '-';
  append_padded(out, d.month, 2);
  out += '-';
  append_padded(out, d.day, 2);
  return out;
}

std::string format_timestamp(int64_t micros) {
  // No days * kMicrosPerDay: that overflows for values near the int64 limits.
  int64_t days = floor_div(micros, kMicrosPerDay);
  int64_t in_day = micros % kMicrosPerDay;
  if (in_day < 0) in_day += kMicrosPerDay;
  int64_t secs = in_day / kMicrosPerSecond;
  int64_t frac = in_day % kMicrosPerSecond;
  std::string out = format_date(days);
  out += ' ';
  append_2(out, secs / 3600);
  out += ':';
  append_2(out, secs / 60 % 60);
  out += ':';
  append_2(out, secs % 60);
  if (frac != 0) {
    out += '.';
    append_padded(out, frac, 6);
  }
  return out;
}

std::string format_timestamptz(int64_t micros) { return format_timestamp(micros) + "+00:00"; }

Result<int32_t> parse_date(std::string_view text) {
  Cursor c{text};
  Result<int64_t> days = parse_date_part(c, "date");
  if (!days.ok()) return days.take_error();
  if (!c.done()) return Error{"invalid date " + quote_input(text) + ": expected YYYY-MM-DD"};
  return static_cast<int32_t>(*days);
}

Result<int64_t> parse_timestamp(std::string_view text) {
  Cursor c{text};
  Result<int64_t> micros = parse_datetime(c, "timestamp");
  if (!micros.ok()) return micros;
  if (!c.done())
    return Error{"invalid timestamp " + quote_input(text) +
                 ": unexpected text after the time (a zone offset needs timestamptz)"};
  if (*micros > kMaxMicros) return out_of_range(text, "timestamp");
  return micros;
}

Result<int64_t> parse_timestamptz(std::string_view text) {
  Cursor c{text};
  Result<int64_t> micros = parse_datetime(c, "timestamptz");
  if (!micros.ok()) return micros;
  auto bad = [&] {
    return Error{"invalid timestamptz " + quote_input(text) +
                 ": expected a zone offset such as `Z` or `+02:00`"};
  };
  c.eat(' ');
  int64_t offset_minutes = 0;
  if (c.eat('Z') || c.eat('z')) {
  } else if (c.text.substr(c.pos) == "UTC") {
    c.pos = c.text.size();
  } else if (c.peek() == '+' || c.peek() == '-') {
    bool west = c.peek() == '-';
    ++c.pos;
    int h = c.digits(2);
    int m = 0;
    if (h < 0) return bad();
    if (!c.done()) {
      c.eat(':');
      m = c.digits(2);
      if (m < 0) return bad();
    }
    if (h > 15 || m > 59) return bad();
    offset_minutes = (west ? -1 : 1) * (h * 60 + m);
  } else if (!c.done()) {
    return bad();
  }
  if (!c.done()) return bad();
  int64_t utc = *micros - offset_minutes * 60 * kMicrosPerSecond;
  if (utc < kMinMicros || utc > kMaxMicros) return out_of_range(text, "timestamptz");
  return utc;
}

}  // namespace mig
