#include "runtime/time_zone.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>

#include "runtime/civil_time.hpp"

namespace mig {
namespace {

constexpr int64_t kDay = 86400;
constexpr size_t kMaxFileBytes = 1 << 20;

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);
}

bool is_leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// ------------------------------------------------------------------ POSIX TZ rules

struct RuleCursor {
  std::string_view s;
  size_t i = 0;
  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  // Digits as a number; -1 when there are none.
  int number() {
    int v = -1;
    while (peek() >= '0' && peek() <= '9') {
      v = (v < 0 ? 0 : v * 10) + (s[i++] - '0');
      if (v > 100000) return -1;
    }
    return v;
  }
  // `EST` or `<-03>`.
  bool name() {
    if (eat('<')) {
      size_t close = s.find('>', i);
      if (close == std::string_view::npos) return false;
      i = close + 1;
      return true;
    }
    size_t start = i;
    while ((peek() >= 'A' && peek() <= 'Z') || (peek() >= 'a' && peek() <= 'z')) ++i;
    return i - start >= 3;
  }
  // `[+-]hh[:mm[:ss]]` in seconds; nullopt when malformed.
  std::optional<int32_t> hms() {
    int sign = 1;
    if (eat('-')) sign = -1;
    else eat('+');
    int h = number();
    if (h < 0 || h > 167) return std::nullopt;
    int m = 0, sec = 0;
    if (eat(':')) {
      m = number();
      if (m < 0 || m > 59) return std::nullopt;
      if (eat(':')) {
        sec = number();
        if (sec < 0 || sec > 59) return std::nullopt;
      }
    }
    return sign * (h * 3600 + m * 60 + sec);
  }
  std::optional<TimeZone::Rule::When> when() {
    TimeZone::Rule::When w;
    if (eat('M')) {
      w.kind = 'M';
      w.month = number();
      if (!eat('.')) return std::nullopt;
      w.week = number();
      if (!eat('.')) return std::nullopt;
      w.day = number();
      if (w.month < 1 || w.month > 12 || w.week < 1 || w.week > 5 || w.day < 0 || w.day > 6)
        return std::nullopt;
    } else if (eat('J')) {
      w.kind = 'J';
      w.day = number();
      if (w.day < 1 || w.day > 365) return std::nullopt;
    } else {
      w.kind = 'D';
      w.day = number();
      if (w.day < 0 || w.day > 365) return std::nullopt;
    }
    if (eat('/')) {
      std::optional<int32_t> t = hms();
      if (!t) return std::nullopt;
      w.time = *t;
    }
    return w;
  }
};

// Days since the epoch of a rule's transition date in `year`.
int64_t rule_day(const TimeZone::Rule::When& w, int64_t year) {
  int64_t jan1 = days_from_civil(CivilDate{static_cast<int>(year), 1, 1});
  if (w.kind == 'J') return jan1 + w.day - 1 + (is_leap(year) && w.day >= 60 ? 1 : 0);
  if (w.kind == 'D') return jan1 + w.day;
  int64_t first = days_from_civil(CivilDate{static_cast<int>(year), w.month, 1});
  int64_t weekday = ((first + 4) % 7 + 7) % 7;  // 1970-01-01 was a Thursday; Sunday is 0
  int64_t day = first + (w.day - weekday + 7) % 7 + int64_t{w.week - 1} * 7;
  int next_month = w.month == 12 ? 1 : w.month + 1;
  int64_t month_end = days_from_civil(
      CivilDate{static_cast<int>(w.month == 12 ? year + 1 : year), next_month, 1});
  while (day >= month_end) day -= 7;  // week 5: the last such weekday
  return day;
}

// ------------------------------------------------------------------ TZif files

struct Reader {
  std::string_view data;
  size_t pos = 0;
  bool ok = true;
  uint64_t big_endian(size_t n) {
    if (pos + n > data.size()) {
      ok = false;
      return 0;
    }
    uint64_t v = 0;
    for (size_t k = 0; k < n; ++k) v = (v << 8) | static_cast<unsigned char>(data[pos + k]);
    pos += n;
    return v;
  }
  void skip(size_t n) {
    if (pos + n > data.size()) ok = false;
    else pos += n;
  }
};

struct Counts {
  size_t isut, isstd, leap, time, type, chars;
};

Counts read_header(Reader& r) {
  r.skip(20);  // magic, version, reserved
  Counts c{};
  c.isut = r.big_endian(4);
  c.isstd = r.big_endian(4);
  c.leap = r.big_endian(4);
  c.time = r.big_endian(4);
  c.type = r.big_endian(4);
  c.chars = r.big_endian(4);
  return c;
}

Result<std::shared_ptr<const TimeZone>> parse_tzif(const std::string& name, std::string_view data) {
  Error bad{"the time zone file of `" + name + "` is not a valid TZif file"};
  if (data.size() < 44 || data.substr(0, 4) != "TZif") return bad;
  char version = data[4];
  Reader r{data};
  Counts c = read_header(r);
  size_t time_size = 4;
  if (version >= '2') {  // skip the 32-bit block; use the 64-bit one
    r.skip(c.time * 5 + c.type * 6 + c.chars + c.leap * 8 + c.isstd + c.isut);
    c = read_header(r);
    time_size = 8;
  }
  if (!r.ok || c.type == 0 || c.time > 100000 || c.type > 256) return bad;
  std::vector<int64_t> times(c.time);
  for (int64_t& t : times) {
    uint64_t raw = r.big_endian(time_size);
    t = time_size == 8 ? static_cast<int64_t>(raw) : static_cast<int32_t>(static_cast<uint32_t>(raw));
  }
  std::vector<uint8_t> type_of(c.time);
  for (uint8_t& t : type_of) t = static_cast<uint8_t>(r.big_endian(1));
  std::vector<int32_t> type_offsets(c.type);
  for (int32_t& off : type_offsets) {
    off = static_cast<int32_t>(static_cast<uint32_t>(r.big_endian(4)));
    r.skip(2);  // isdst, designation index
  }
  r.skip(c.chars + c.leap * (time_size + 4) + c.isstd + c.isut);
  if (!r.ok) return bad;
  std::vector<int32_t> offsets;
  for (uint8_t t : type_of) {
    if (t >= c.type) return bad;
    offsets.push_back(type_offsets[t]);
  }
  std::optional<TimeZone::Rule> rule;
  if (version >= '2' && r.pos < data.size() && data[r.pos] == '\n') {
    size_t end = data.find('\n', r.pos + 1);
    std::string_view footer = data.substr(r.pos + 1, end == std::string_view::npos ? 0 : end - r.pos - 1);
    if (!footer.empty()) {
      Result<TimeZone::Rule> parsed = TimeZone::parse_rule(footer);
      if (parsed.ok()) rule = *parsed;
    }
  }
  return std::make_shared<const TimeZone>(name, std::move(times), std::move(offsets),
                                          type_offsets[0], rule);
}

bool valid_zone_name(std::string_view name) {
  if (name.empty() || name.size() > 255 || name.front() == '/') return false;
  for (char ch : name) {
    bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '+' || ch == '-' || ch == '/' || ch == '.';
    if (!ok) return false;
  }
  return name.find("..") == std::string_view::npos;
}

Result<std::shared_ptr<const TimeZone>> read_zone(const std::string& name) {
  Error unknown{"unknown time zone " + quote_input(name) + " (expected an IANA name such as `America/New_York`)"};
  if (!valid_zone_name(name)) return unknown;
  const char* dir = std::getenv("TZDIR");
  std::string path = std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) return unknown;
  std::string data;
  data.resize(kMaxFileBytes + 1);
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<size_t>(in.gcount()));
  if (data.size() > kMaxFileBytes || data.compare(0, 4, "TZif") != 0) return unknown;
  return parse_tzif(name, data);
}

}  // namespace

TimeZone::TimeZone(std::string name, std::vector<int64_t> transitions, std::vector<int32_t> offsets,
                   int32_t initial_offset, std::optional<Rule> rule)
    : name_(std::move(name)),
      transitions_(std::move(transitions)),
      offsets_(std::move(offsets)),
      initial_offset_(initial_offset),
      rule_(rule) {}

Result<std::shared_ptr<const TimeZone>> TimeZone::load(std::string_view name) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const TimeZone>, std::less<>> cache;
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = cache.find(name);
    if (it != cache.end()) return it->second;
  }
  Result<std::shared_ptr<const TimeZone>> zone = read_zone(std::string(name));
  if (!zone.ok()) return zone;
  std::lock_guard<std::mutex> lock(mutex);
  return cache.emplace(std::string(name), *zone).first->second;
}

Result<TimeZone::Rule> TimeZone::parse_rule(std::string_view text) {
  Error bad{"invalid time zone rule " + quote_input(text)};
  RuleCursor c{text};
  Rule rule;
  if (!c.name()) return bad;
  std::optional<int32_t> std_off = c.hms();
  if (!std_off) return bad;
  rule.std_offset = -*std_off;  // POSIX counts west as positive
  if (c.done()) return rule;
  if (!c.name()) return bad;
  rule.has_dst = true;
  rule.dst_offset = rule.std_offset + 3600;
  if (!c.done() && c.peek() != ',') {
    std::optional<int32_t> dst_off = c.hms();
    if (!dst_off) return bad;
    rule.dst_offset = -*dst_off;
  }
  if (c.done()) {  // no dates: the US rules, as most implementations assume
    rule.start = Rule::When{'M', 3, 2, 0, 7200};
    rule.end = Rule::When{'M', 11, 1, 0, 7200};
    return rule;
  }
  if (!c.eat(',')) return bad;
  std::optional<Rule::When> start = c.when();
  if (!start || !c.eat(',')) return bad;
  std::optional<Rule::When> end = c.when();
  if (!end || !c.done()) return bad;
  rule.start = *start;
  rule.end = *end;
  return rule;
}

int32_t TimeZone::rule_offset(int64_t t) const {
  const Rule& r = *rule_;
  if (!r.has_dst) return r.std_offset;
  int64_t year = civil_from_days(floor_div(t + r.std_offset, kDay)).year;
  int64_t start = rule_day(r.start, year) * kDay + r.start.time - r.std_offset;
  int64_t end = rule_day(r.end, year) * kDay + r.end.time - r.dst_offset;
  bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
  return dst ? r.dst_offset : r.std_offset;
}

int32_t TimeZone::offset_at(int64_t t) const {
  if (transitions_.empty() || t < transitions_.front()) {
    if (transitions_.empty() && rule_) return rule_offset(t);
    return initial_offset_;
  }
  if (t >= transitions_.back() && rule_) return rule_offset(t);
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), t);
  return offsets_[static_cast<size_t>(std::distance(transitions_.begin(), it)) - 1];
}

int64_t TimeZone::local_to_utc(int64_t local) const {
  // Real zones change their offset at most once within two days.
  int32_t before = offset_at(local - kDay);
  int32_t after = offset_at(local + kDay);
  int64_t u_before = local - before;
  int64_t u_after = local - after;
  bool valid_before = offset_at(u_before) == before;
  bool valid_after = offset_at(u_after) == after;
  if (valid_after) return u_after;      // the only reading, or the later one in an overlap
  if (valid_before) return u_before;
  return u_before;                      // a gap: the offset in force before it
}

}  // namespace mig
