// Time built-ins:
// - `now()`: the run's start when the runtime gives it (EvalScope::now_micros), else the
//   clock, to the whole second; never folded into a constant.
// - `parse_timestamp(t, fmt, ...)`: tries each format in turn (runtime/time_format.hpp);
//   white space around the text is ignored; a text no format reads is a row error.
// - `to_utc(ts, zone)`: a wall-clock timestamp (or a date, at midnight) in an IANA zone as
//   an instant; gaps and overlaps as PostgreSQL (runtime/time_zone.hpp); a timestamptz is
//   already an instant and is returned unchanged.
// - `format_timestamp(ts, fmt)`: a timestamptz is formatted in UTC.
// - `date_trunc(unit, ts)`: second, minute, hour, day, week (Monday), month, quarter, year,
//   decade, century; the result has the argument's kind (timestamptz truncated in UTC).
// Constant formats, zones and units are compiled once; an invalid one is a compile error.
#include <chrono>

#include "compiler/diagnostics.hpp"
#include "runtime/builtin_impl.hpp"
#include "runtime/civil_time.hpp"
#include "runtime/eval_ops.hpp"
#include "runtime/time_format.hpp"
#include "runtime/time_zone.hpp"

namespace mig::eval {
namespace {

using ZonePtr = std::shared_ptr<const TimeZone>;

int64_t floor_div(int64_t a, int64_t b) {
  return a / b - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);
}

// The wall-clock microseconds of a temporal value (a date is its midnight).
int64_t wall_micros(const Value& v) {
  switch (v.kind()) {
    case ValueKind::date: return int64_t{v.as_date().days} * kMicrosPerDay;
    case ValueKind::timestamp: return v.as_timestamp().micros;
    default: return v.as_timestamptz().micros;
  }
}

// Whole seconds: a time of the migration, not of the data, that every engine's timestamp
// column keeps exactly (MariaDB's DATETIME keeps no fraction, and fractions are refused).
Result<Value> now(const Args&) {
  auto since = std::chrono::system_clock::now().time_since_epoch();
  int64_t seconds = std::chrono::duration_cast<std::chrono::seconds>(since).count();
  return Value::timestamptz(TimestampTz{seconds * 1'000'000});
}

// ------------------------------------------------------------------ parse_timestamp

Result<PreparedPtr> prepare_formats(Constants c) {
  std::vector<TimeFormat> formats;
  for (size_t i = 1; i < c.size(); ++i) {
    if (!c[i] || c[i]->is_null()) return PreparedPtr();  // computed per row
    Result<TimeFormat> f = TimeFormat::compile(c[i]->as_text());
    if (!f.ok()) return f.take_error();
    formats.push_back(std::move(*f));
  }
  return PreparedPtr(std::make_shared<PreparedValue<std::vector<TimeFormat>>>(std::move(formats)));
}

std::string_view trim_space(std::string_view s) {
  auto space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

Result<Value> parse_timestamp(const Args& a) {
  std::vector<TimeFormat> per_row;
  const std::vector<TimeFormat>* formats = prepared_as<std::vector<TimeFormat>>(a.prepared);
  if (!formats) {
    for (size_t i = 1; i < a.size(); ++i) {
      Result<TimeFormat> f = TimeFormat::compile(a[i].as_text());
      if (!f.ok()) return f.take_error();
      per_row.push_back(std::move(*f));
    }
    formats = &per_row;
  }
  std::string_view text = trim_space(a[0].as_text());
  std::string first_problem;
  for (const TimeFormat& f : *formats) {
    Result<int64_t> micros = f.parse(text);
    if (micros.ok()) return Value::timestamp(Timestamp{*micros});
    if (first_problem.empty()) first_problem = micros.error().message;
  }
  if (formats->size() == 1)
    return Error{"text " + quote_input(text) + " does not match `" + formats->front().text() +
                 "`: " + first_problem};
  std::string names;
  for (const TimeFormat& f : *formats) names += (names.empty() ? "`" : ", `") + f.text() + "`";
  return Error{"text " + quote_input(text) + " matches none of the formats " + names};
}

// ------------------------------------------------------------------ to_utc

Result<PreparedPtr> prepare_zone(Constants c) {
  if (!c[1] || c[1]->is_null()) return PreparedPtr();
  Result<ZonePtr> zone = TimeZone::load(c[1]->as_text());
  if (!zone.ok()) return zone.take_error();
  return PreparedPtr(std::make_shared<PreparedValue<ZonePtr>>(*zone));
}

Result<Value> to_utc(const Args& a) {
  const Value& v = a[0];
  if (v.kind() == ValueKind::timestamptz) return v;
  ZonePtr zone;
  if (const ZonePtr* p = prepared_as<ZonePtr>(a.prepared)) {
    zone = *p;
  } else {
    Result<ZonePtr> loaded = TimeZone::load(a[1].as_text());
    if (!loaded.ok()) return loaded.take_error();
    zone = *loaded;
  }
  int64_t local = wall_micros(v);
  int64_t seconds = floor_div(local, kMicrosPerSecond);
  int64_t utc = zone->local_to_utc(seconds) * kMicrosPerSecond + (local - seconds * kMicrosPerSecond);
  return Value::timestamptz(TimestampTz{utc});
}

// ------------------------------------------------------------------ format_timestamp

Result<PreparedPtr> prepare_format(Constants c) {
  if (!c[1] || c[1]->is_null()) return PreparedPtr();
  Result<TimeFormat> f = TimeFormat::compile(c[1]->as_text());
  if (!f.ok()) return f.take_error();
  return PreparedPtr(std::make_shared<PreparedValue<TimeFormat>>(std::move(*f)));
}

Result<Value> format_timestamp(const Args& a) {
  std::optional<TimeFormat> per_row;
  const TimeFormat* f = prepared_as<TimeFormat>(a.prepared);
  if (!f) {
    Result<TimeFormat> compiled = TimeFormat::compile(a[1].as_text());
    if (!compiled.ok()) return compiled.take_error();
    per_row = std::move(*compiled);
    f = &*per_row;
  }
  return Value::text(f->format(wall_micros(a[0]), a[0].kind() == ValueKind::timestamptz));
}

// ------------------------------------------------------------------ date_trunc

enum class Unit { second, minute, hour, day, week, month, quarter, year, decade, century };
const char* const kUnitNames[] = {"second", "minute",  "hour", "day",    "week",
                                  "month",  "quarter", "year", "decade", "century"};

Result<Unit> parse_unit(const std::string& text) {
  std::string lower;
  for (char c : text) lower += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  std::vector<std::string> names;
  for (size_t i = 0; i < std::size(kUnitNames); ++i) {
    if (lower == kUnitNames[i]) return static_cast<Unit>(i);
    names.push_back(kUnitNames[i]);
  }
  std::string message = "unknown date_trunc unit " + quote_input(text);
  std::string close = closest_name(lower, names);
  if (!close.empty()) message += "; did you mean `" + close + "`?";
  return Error{message + " (one of second, minute, hour, day, week, month, quarter, year, decade, century)"};
}

Result<PreparedPtr> prepare_unit(Constants c) {
  if (!c[0] || c[0]->is_null()) return PreparedPtr();
  Result<Unit> unit = parse_unit(c[0]->as_text());
  if (!unit.ok()) return unit.take_error();
  return PreparedPtr(std::make_shared<PreparedValue<Unit>>(*unit));
}

int64_t truncate(int64_t micros, Unit unit) {
  constexpr int64_t kMinute = 60 * kMicrosPerSecond;
  constexpr int64_t kHour = 60 * kMinute;
  auto down = [&](int64_t step) { return floor_div(micros, step) * step; };
  switch (unit) {
    case Unit::second: return down(kMicrosPerSecond);
    case Unit::minute: return down(kMinute);
    case Unit::hour: return down(kHour);
    case Unit::day: return down(kMicrosPerDay);
    default: break;
  }
  int64_t days = floor_div(micros, kMicrosPerDay);
  if (unit == Unit::week) {
    int64_t weekday = ((days + 3) % 7 + 7) % 7;  // Monday is 0 (1970-01-01 was a Thursday)
    return (days - weekday) * kMicrosPerDay;
  }
  CivilDate d = civil_from_days(days);
  d.day = 1;
  if (unit == Unit::quarter) d.month = (d.month - 1) / 3 * 3 + 1;
  if (unit >= Unit::year) d.month = 1;
  if (unit == Unit::decade) d.year -= d.year % 10;
  if (unit == Unit::century) d.year = (d.year - 1) / 100 * 100 + 1;  // 2001-01-01, as SQL
  return days_from_civil(d) * kMicrosPerDay;
}

Result<Value> date_trunc(const Args& a) {
  Unit unit;
  if (const Unit* p = prepared_as<Unit>(a.prepared)) {
    unit = *p;
  } else {
    Result<Unit> parsed = parse_unit(a[0].as_text());
    if (!parsed.ok()) return parsed.take_error();
    unit = *parsed;
  }
  const Value& v = a[1];
  int64_t t = truncate(wall_micros(v), unit);
  if (t < kMinMicros) return Error{"the truncated time is before the year 0001"};
  switch (v.kind()) {
    case ValueKind::date: return Value::date(Date{static_cast<int32_t>(floor_div(t, kMicrosPerDay))});
    case ValueKind::timestamp: return Value::timestamp(Timestamp{t});
    default: return Value::timestamptz(TimestampTz{t});
  }
}

const BuiltinImpl kNow{now, nullptr, nullptr, true, false};
const BuiltinImpl kParseTimestamp{parse_timestamp, nullptr, prepare_formats, true, true};
const BuiltinImpl kToUtc{to_utc, nullptr, prepare_zone, true, true};
const BuiltinImpl kFormatTimestamp{format_timestamp, nullptr, prepare_format, true, true};
const BuiltinImpl kDateTrunc{date_trunc, nullptr, prepare_unit, true, true};

}  // namespace

const BuiltinImpl* time_impl(BuiltinId id) {
  switch (id) {
    case BuiltinId::now: return &kNow;
    case BuiltinId::parse_timestamp: return &kParseTimestamp;
    case BuiltinId::to_utc: return &kToUtc;
    case BuiltinId::format_timestamp: return &kFormatTimestamp;
    case BuiltinId::date_trunc: return &kDateTrunc;
    default: return nullptr;
  }
}

}  // namespace mig::eval
