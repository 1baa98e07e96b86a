#include "runtime/time_format.hpp"

#include <optional>
#include <type_traits>

#include "runtime/civil_time.hpp"

namespace mig {
namespace {

const char* const kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                               "July",    "August",   "September", "October", "November", "December"};
const char* const kWeekdays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                 "Thursday", "Friday", "Saturday"};

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);
}

bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Whether `text` starts with `word`, ignoring ASCII case.
bool starts_with_ci(std::string_view text, std::string_view word) {
  if (text.size() < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (lower(text[i]) != lower(word[i])) return false;
  return true;
}

// The fields parsing fills in.
struct Fields {
  int64_t year = 1970;
  int month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int64_t micros = 0;
  std::optional<int> yday;
  std::optional<bool> pm;
  bool hour12 = false;
  std::optional<int32_t> offset;  // seconds east
  std::optional<int64_t> epoch;
};

struct Scanner {
  std::string_view text;
  size_t pos = 0;

  std::string_view rest() const { return text.substr(pos); }
  Error expected(const std::string& what) const {
    return Error{"expected " + what + " at " + (pos >= text.size() ? std::string("the end") : quote_input(rest()))};
  }
  // 1..width digits.
  std::optional<int64_t> number(int width) {
    int64_t v = 0;
    int n = 0;
    while (n < width && pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      v = v * 10 + (text[pos++] - '0');
      ++n;
    }
    if (n == 0) return std::nullopt;
    return v;
  }
  // A name from `names` (full, or its first three letters); its index.
  std::optional<int> name(const char* const* names, int count) {
    for (int full = 1; full >= 0; --full)
      for (int i = 0; i < count; ++i) {
        std::string_view word = full ? std::string_view(names[i]) : std::string_view(names[i], 3);
        if (starts_with_ci(rest(), word)) {
          pos += word.size();
          return i;
        }
      }
    return std::nullopt;
  }
};

Status parse_offset(Scanner& s, Fields& f) {
  if (s.pos < s.text.size() && (s.text[s.pos] == 'Z' || s.text[s.pos] == 'z')) {
    ++s.pos;
    f.offset = 0;
    return Status::success();
  }
  char sign = s.pos < s.text.size() ? s.text[s.pos] : '\0';
  if (sign != '+' && sign != '-') return s.expected("a UTC offset such as `+0200` (`%z`)");
  ++s.pos;
  size_t start = s.pos;
  std::optional<int64_t> h = s.number(2);
  if (!h || s.pos - start != 2) return s.expected("a two-digit offset hour (`%z`)");
  int64_t m = 0;
  bool colon = s.pos < s.text.size() && s.text[s.pos] == ':';
  if (colon) ++s.pos;
  size_t mstart = s.pos;
  std::optional<int64_t> mm = s.number(2);
  if (mm && s.pos - mstart == 2) m = *mm;
  else if (colon || mm) return s.expected("two-digit offset minutes (`%z`)");
  if (*h > 23 || m > 59) return s.expected("a UTC offset within 23:59 (`%z`)");
  int32_t seconds = static_cast<int32_t>(*h * 3600 + m * 60);
  f.offset = sign == '-' ? -seconds : seconds;
  return Status::success();
}

// One directive while parsing.
Status parse_directive(char d, Scanner& s, Fields& f) {
  auto num = [&](int width, const char* what, auto& field) -> Status {
    std::optional<int64_t> v = s.number(width);
    if (!v) return s.expected(std::string(what) + " (`%" + d + "`)");
    field = static_cast<std::remove_reference_t<decltype(field)>>(*v);
    return Status::success();
  };
  switch (d) {
    case 'Y': return num(4, "a year", f.year);
    case 'y': {
      int64_t yy = 0;
      Status st = num(2, "a two-digit year", yy);
      f.year = yy < 69 ? 2000 + yy : 1900 + yy;
      return st;
    }
    case 'm': return num(2, "a month", f.month);
    case 'd': return num(2, "a day", f.day);
    case 'e':
      if (s.pos < s.text.size() && s.text[s.pos] == ' ') ++s.pos;
      return num(2, "a day", f.day);
    case 'H': return num(2, "an hour", f.hour);
    case 'I':
      f.hour12 = true;
      return num(2, "an hour", f.hour);
    case 'M': return num(2, "minutes", f.minute);
    case 'S': return num(2, "seconds", f.second);
    case 'j': {
      int yday = 0;
      Status st = num(3, "a day of the year", yday);
      f.yday = yday;
      return st;
    }
    case 'f': {
      size_t start = s.pos;
      std::optional<int64_t> v = s.number(9);
      if (!v) return s.expected("a fraction of a second (`%f`)");
      int64_t micros = *v;
      for (size_t n = s.pos - start; n < 6; ++n) micros *= 10;
      for (size_t n = s.pos - start; n > 6; --n) micros /= 10;
      f.micros = micros;
      return Status::success();
    }
    case 'p':
      if (starts_with_ci(s.rest(), "AM") || starts_with_ci(s.rest(), "PM")) {
        f.pm = lower(s.text[s.pos]) == 'p';
        s.pos += 2;
        return Status::success();
      }
      return s.expected("AM or PM (`%p`)");
    case 'b': case 'B': case 'h': {
      std::optional<int> m = s.name(kMonths, 12);
      if (!m) return s.expected("a month name (`%" + std::string(1, d) + "`)");
      f.month = *m + 1;
      return Status::success();
    }
    case 'a': case 'A':
      if (!s.name(kWeekdays, 7)) return s.expected("a weekday name (`%" + std::string(1, d) + "`)");
      return Status::success();
    case 'z': return parse_offset(s, f);
    case 's': {
      bool negative = s.pos < s.text.size() && s.text[s.pos] == '-';
      if (negative) ++s.pos;
      std::optional<int64_t> v = s.number(12);
      if (!v) return s.expected("seconds since the epoch (`%s`)");
      f.epoch = negative ? -*v : *v;
      return Status::success();
    }
    case '%':
      if (s.pos < s.text.size() && s.text[s.pos] == '%') {
        ++s.pos;
        return Status::success();
      }
      return s.expected("`%`");
    default: return Error{"unsupported directive `%" + std::string(1, d) + "`"};
  }
}

Result<int64_t> assemble(const Fields& f) {
  if (f.epoch) return *f.epoch * kMicrosPerSecond + f.micros;
  int hour = f.hour;
  if (f.hour12 && (hour < 1 || hour > 12)) return Error{"hour " + std::to_string(hour) + " is not 1-12 (`%I`)"};
  if (f.pm) {
    if (*f.pm && hour < 12) hour += 12;
    if (!*f.pm && hour == 12) hour = 0;
  }
  if (hour > 23) return Error{"hour " + std::to_string(hour) + " is out of range"};
  if (f.minute > 59) return Error{"minute " + std::to_string(f.minute) + " is out of range"};
  if (f.second > 59) return Error{"second " + std::to_string(f.second) + " is out of range"};
  int64_t days = 0;
  if (f.yday) {
    CivilDate jan1{static_cast<int>(f.year), 1, 1};
    bool leap = (f.year % 4 == 0 && f.year % 100 != 0) || f.year % 400 == 0;
    if (!is_valid_date(jan1) || *f.yday < 1 || *f.yday > (leap ? 366 : 365))
      return Error{"day of the year " + std::to_string(*f.yday) + " is out of range"};
    days = days_from_civil(jan1) + *f.yday - 1;
  } else {
    CivilDate d{static_cast<int>(f.year), f.month, f.day};
    if (f.year < 1 || f.year > 9999 || !is_valid_date(d))
      return Error{"there is no day " + std::to_string(f.year) + "-" + std::to_string(f.month) +
                   "-" + std::to_string(f.day)};
    days = days_from_civil(d);
  }
  int64_t micros = days * kMicrosPerDay +
                   (int64_t{hour} * 3600 + f.minute * 60 + f.second) * kMicrosPerSecond + f.micros;
  if (f.offset) micros -= int64_t{*f.offset} * kMicrosPerSecond;
  return micros;
}

void put(std::string& out, int64_t v, int width, char fill = '0') {
  std::string digits = std::to_string(v < 0 ? -v : v);
  if (v < 0) out += '-';
  for (int i = static_cast<int>(digits.size()); i < width; ++i) out += fill;
  out += digits;
}

}  // namespace

Result<TimeFormat> TimeFormat::compile(std::string_view format) {
  TimeFormat f;
  f.text_ = std::string(format);
  auto literal = [&](std::string_view text) {
    if (f.pieces_.empty() || f.pieces_.back().letter != 0) f.pieces_.push_back(Piece{});
    f.pieces_.back().literal += text;
  };
  auto directive = [&](char c) { f.pieces_.push_back(Piece{c, {}}); };
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      literal(format.substr(i, 1));
      continue;
    }
    if (++i == format.size()) return Error{"format " + quote_input(format) + " ends with `%`"};
    char c = format[i];
    switch (c) {
      case 'F': directive('Y'), literal("-"), directive('m'), literal("-"), directive('d'); break;
      case 'T': directive('H'), literal(":"), directive('M'), literal(":"), directive('S'); break;
      case 'R': directive('H'), literal(":"), directive('M'); break;
      case 'D': directive('m'), literal("/"), directive('d'), literal("/"), directive('y'); break;
      case 'n': case 't': literal(" "); break;
      case 'Y': case 'y': case 'm': case 'd': case 'e': case 'H': case 'I': case 'M': case 'S':
      case 'f': case 'p': case 'j': case 'b': case 'B': case 'h': case 'a': case 'A': case 'z':
      case 'Z': case 's': case '%':
        directive(c);
        break;
      default:
        return Error{"format " + quote_input(format) + " has an unsupported directive `%" +
                     std::string(1, c) + "`"};
    }
  }
  return f;
}

Result<int64_t> TimeFormat::parse(std::string_view text) const {
  Scanner s{text};
  Fields fields;
  for (const Piece& piece : pieces_) {
    if (piece.letter == 'Z') return Error{"`%Z` can only be formatted, not parsed"};
    if (piece.letter) {
      Status st = parse_directive(piece.letter, s, fields);
      if (!st.ok()) return st.error();
      continue;
    }
    for (char c : piece.literal) {
      if (is_space(c)) {
        while (s.pos < text.size() && is_space(text[s.pos])) ++s.pos;
      } else if (s.pos < text.size() && text[s.pos] == c) {
        ++s.pos;
      } else {
        return s.expected("`" + std::string(1, c) + "`");
      }
    }
  }
  if (s.pos != text.size()) return Error{"unexpected " + quote_input(s.rest()) + " at the end"};
  Result<int64_t> micros = assemble(fields);
  if (micros.ok() && (*micros < kMinMicros || *micros > kMaxMicros))
    return Error{"the time is outside the years 0001..9999"};
  return micros;
}

std::string TimeFormat::format(int64_t micros, bool utc) const {
  int64_t days = floor_div(micros, kMicrosPerDay);
  int64_t in_day = micros - days * kMicrosPerDay;
  CivilDate d = civil_from_days(days);
  int64_t seconds = in_day / kMicrosPerSecond;
  int hour = static_cast<int>(seconds / 3600);
  int minute = static_cast<int>(seconds / 60 % 60);
  int second = static_cast<int>(seconds % 60);
  int weekday = static_cast<int>(((days + 4) % 7 + 7) % 7);
  int64_t yday = days - days_from_civil(CivilDate{d.year, 1, 1}) + 1;
  std::string out;
  for (const Piece& p : pieces_) {
    switch (p.letter) {
      case 0: out += p.literal; break;
      case 'Y': put(out, d.year, 4); break;
      case 'y': put(out, ((d.year % 100) + 100) % 100, 2); break;
      case 'm': put(out, d.month, 2); break;
      case 'd': put(out, d.day, 2); break;
      case 'e': put(out, d.day, 2, ' '); break;
      case 'H': put(out, hour, 2); break;
      case 'I': put(out, hour % 12 == 0 ? 12 : hour % 12, 2); break;
      case 'M': put(out, minute, 2); break;
      case 'S': put(out, second, 2); break;
      case 'f': put(out, in_day % kMicrosPerSecond, 6); break;
      case 'p': out += hour < 12 ? "AM" : "PM"; break;
      case 'j': put(out, yday, 3); break;
      case 'b': case 'h': out.append(kMonths[d.month - 1], 3); break;
      case 'B': out += kMonths[d.month - 1]; break;
      case 'a': out.append(kWeekdays[weekday], 3); break;
      case 'A': out += kWeekdays[weekday]; break;
      case 'z': if (utc) out += "+0000"; break;
      case 'Z': if (utc) out += "UTC"; break;
      case 's': out += std::to_string(floor_div(micros, kMicrosPerSecond)); break;
      case '%': out += '%'; break;
      default: break;
    }
  }
  return out;
}

}  // namespace mig
