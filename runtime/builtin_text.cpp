// Text built-ins. Lengths and positions count Unicode code points (not bytes), positions
// are 1-based, and the edge cases follow PostgreSQL:
// - `substr(t, start[, n])`: the code points at positions start .. start+n-1 that exist
//   (`substr("hello", 0, 3)` is "he"); a negative n is an error.
// - `lpad`/`rpad(t, n[, fill])`: a text longer than n is cut to its first n code points;
//   an empty fill pads nothing; n above 1048576 is an error.
// - `split_part(t, d, i)`: the i-th field, counting from the end when i < 0; "" beyond the
//   last; i = 0 is an error.
// - `lower`/`upper`: simple one-to-one Unicode case mapping (É <-> é; ß stays ß).
// - `trim`/`ltrim`/`rtrim`: Unicode white space (including no-break spaces) and U+FEFF.
// - `digits`: only ASCII 0-9. `replace`: every occurrence; an empty `from` changes nothing.
// - `regex_replace`: every match (PCRE2 syntax, runtime/regex.hpp); `$1`/`${name}` insert
//   groups and `$$` a dollar sign. `concat`: the canonical texts joined, nulls skipped.
#include <clocale>
#include <cwctype>
#include <locale.h>

#include "runtime/builtin_impl.hpp"
#include "runtime/regex.hpp"
#include "runtime/value_text.hpp"

namespace mig::eval {
namespace {

constexpr int64_t kMaxPadLength = int64_t{1} << 20;

// One code point decoded from UTF-8; invalid bytes come out one at a time as themselves
// (`valid` false), so that nothing is lost.
struct CodePoint {
  uint32_t cp = 0;
  size_t len = 1;
  bool valid = false;
};

CodePoint decode(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return {c, 1, true};
  int extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
  if (extra == 0 || c > 0xf4 || i + static_cast<size_t>(extra) >= s.size()) return {c, 1, false};
  uint32_t cp = c & (0x3f >> extra);
  for (int k = 1; k <= extra; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
    if ((cc & 0xc0) != 0x80) return {c, 1, false};
    cp = (cp << 6) | (cc & 0x3f);
  }
  static const uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  if (cp < kMin[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return {c, 1, false};
  return {cp, static_cast<size_t>(extra) + 1, true};
}

void encode(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// Code points in `s` (an invalid byte counts as one).
int64_t count_code_points(std::string_view s) {
  int64_t n = 0;
  for (size_t i = 0; i < s.size(); i += decode(s, i).len) ++n;
  return n;
}

// Byte offset of code point `k` (0-based), or s.size() when there are fewer.
size_t byte_offset(std::string_view s, int64_t k) {
  size_t i = 0;
  for (; i < s.size() && k > 0; --k) i += decode(s, i).len;
  return i;
}

// The UTF-8 locale the case mapping uses (C.UTF-8 ships with glibc); 0 when missing: ASCII.
locale_t utf8_locale() {
  static const locale_t loc = [] {
    for (const char* name : {"C.UTF-8", "C.utf8", "en_US.UTF-8"})
      if (locale_t l = newlocale(LC_CTYPE_MASK, name, static_cast<locale_t>(nullptr))) return l;
    return static_cast<locale_t>(nullptr);
  }();
  return loc;
}

std::string map_case(std::string_view s, bool upper) {
  std::string out;
  out.reserve(s.size());
  locale_t loc = utf8_locale();
  for (size_t i = 0; i < s.size();) {
    CodePoint c = decode(s, i);
    if (!c.valid) {
      out += s[i];
    } else if (c.cp < 0x80 || !loc) {
      char ch = static_cast<char>(c.cp);
      if (c.cp < 0x80) {
        if (upper && ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
        if (!upper && ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
        out += ch;
      } else {
        out.append(s.substr(i, c.len));
      }
    } else {
      wint_t w = static_cast<wint_t>(c.cp);
      w = upper ? towupper_l(w, loc) : towlower_l(w, loc);
      encode(static_cast<uint32_t>(w), out);
    }
    i += c.len;
  }
  return out;
}

bool is_space(uint32_t cp) {
  switch (cp) {
    case ' ': case '\t': case '\n': case '\v': case '\f': case '\r':
    case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029: case 0x202f: case 0x205f:
    case 0x3000: case 0xfeff:
      return true;
    default: return cp >= 0x2000 && cp <= 0x200a;
  }
}

std::string trim_text(std::string_view s, bool left, bool right) {
  size_t begin = 0;
  size_t end = s.size();
  if (left) {
    while (begin < end) {
      CodePoint c = decode(s, begin);
      if (!c.valid || !is_space(c.cp)) break;
      begin += c.len;
    }
  }
  if (right) {
    while (end > begin) {
      size_t start = end - 1;  // back to the start of the last code point
      while (start > begin && (static_cast<unsigned char>(s[start]) & 0xc0) == 0x80) --start;
      CodePoint c = decode(s, start);
      if (!c.valid || start + c.len != end || !is_space(c.cp)) break;
      end = start;
    }
  }
  return std::string(s.substr(begin, end - begin));
}

const std::string& text(const Args& a, size_t i) { return a[i].as_text(); }

Result<Value> lower(const Args& a) { return Value::text(map_case(text(a, 0), false)); }
Result<Value> upper(const Args& a) { return Value::text(map_case(text(a, 0), true)); }
Result<Value> trim(const Args& a) { return Value::text(trim_text(text(a, 0), true, true)); }
Result<Value> ltrim(const Args& a) { return Value::text(trim_text(text(a, 0), true, false)); }
Result<Value> rtrim(const Args& a) { return Value::text(trim_text(text(a, 0), false, true)); }
Result<Value> length(const Args& a) { return Value::integer(count_code_points(text(a, 0))); }

Result<Value> substr(const Args& a) {
  const std::string& s = text(a, 0);
  int64_t start = a[1].as_int();
  Int128 end = Int128{INT64_MAX} + 1;  // exclusive, in positions
  if (a.given(2)) {
    int64_t n = a[2].as_int();
    if (n < 0) return Error{"negative substring length " + std::to_string(n)};
    end = Int128{start} + n;
  }
  if (start < 1) start = 1;
  if (end <= start) return Value::text("");
  size_t from = byte_offset(s, start - 1);
  size_t to = end > Int128{INT64_MAX} ? s.size()
                                      : from + byte_offset(std::string_view(s).substr(from),
                                                           static_cast<int64_t>(end - start));
  return Value::text(s.substr(from, to - from));
}

Result<Value> replace(const Args& a) {
  const std::string& s = text(a, 0);
  const std::string& from = text(a, 1);
  const std::string& to = text(a, 2);
  if (from.empty()) return a[0];
  std::string out;
  size_t pos = 0;
  for (size_t hit; (hit = s.find(from, pos)) != std::string::npos; pos = hit + from.size()) {
    out.append(s, pos, hit - pos);
    out += to;
  }
  out.append(s, pos, std::string::npos);
  return Value::text(std::move(out));
}

using RegexPtr = std::shared_ptr<const Regex>;

Result<PreparedPtr> prepare_regex_replace(Constants c) {
  if (!c[1] || c[1]->is_null()) return PreparedPtr();
  Result<RegexPtr> re = Regex::compile(c[1]->as_text());
  if (!re.ok()) return re.take_error();
  if (c[2] && !c[2]->is_null())
    if (Status st = (*re)->check_replacement(c[2]->as_text()); !st.ok()) return st.error();
  return PreparedPtr(std::make_shared<PreparedValue<RegexPtr>>(*re));
}

Result<Value> regex_replace(const Args& a) {
  RegexPtr re;
  if (const RegexPtr* p = prepared_as<RegexPtr>(a.prepared)) {
    re = *p;
  } else {
    Result<RegexPtr> compiled = Regex::compile(text(a, 1));
    if (!compiled.ok()) return compiled.take_error();
    re = *compiled;
  }
  Result<std::string> out = re->replace_all(text(a, 0), text(a, 2));
  if (!out.ok()) return out.take_error();
  return Value::text(std::move(*out));
}

Result<Value> split_part(const Args& a) {
  const std::string& s = text(a, 0);
  const std::string& d = text(a, 1);
  int64_t index = a[2].as_int();
  if (index == 0) return Error{"field position must not be zero (fields count from 1)"};
  if (d.empty()) return Value::text(index == 1 || index == -1 ? s : "");
  std::vector<std::string_view> fields;
  size_t pos = 0;
  for (size_t hit; (hit = s.find(d, pos)) != std::string::npos; pos = hit + d.size())
    fields.push_back(std::string_view(s).substr(pos, hit - pos));
  fields.push_back(std::string_view(s).substr(pos));
  int64_t n = static_cast<int64_t>(fields.size());
  int64_t i = index > 0 ? index - 1 : n + index;
  if (i < 0 || i >= n) return Value::text("");
  return Value::text(std::string(fields[static_cast<size_t>(i)]));
}

Result<Value> concat(const Args& a) {
  std::string out;
  for (size_t i = 0; i < a.size(); ++i) append_text(a[i], out);  // null appends nothing
  return Value::text(std::move(out));
}

Result<Value> digits(const Args& a) {
  std::string out;
  for (char c : text(a, 0))
    if (c >= '0' && c <= '9') out += c;
  return Value::text(std::move(out));
}

Result<Value> pad(const Args& a, bool left) {
  const std::string& s = text(a, 0);
  int64_t n = a[1].as_int();
  const std::string fill = a.given(2) ? text(a, 2) : std::string(" ");
  if (n > kMaxPadLength)
    return Error{"pad length " + std::to_string(n) + " is above the limit of " +
                 std::to_string(kMaxPadLength)};
  if (n <= 0) return Value::text("");
  int64_t have = count_code_points(s);
  if (have >= n) return Value::text(s.substr(0, byte_offset(s, n)));
  if (fill.empty()) return a[0];
  int64_t missing = n - have;
  int64_t fill_len = count_code_points(fill);
  std::string padding;
  for (int64_t k = 0; k < missing / fill_len; ++k) padding += fill;
  padding += fill.substr(0, byte_offset(fill, missing % fill_len));
  return Value::text(left ? padding + s : s + padding);
}

Result<Value> lpad(const Args& a) { return pad(a, true); }
Result<Value> rpad(const Args& a) { return pad(a, false); }

constexpr BuiltinImpl strict(Result<Value> (*run)(const Args&)) {
  return BuiltinImpl{run, nullptr, nullptr, true, true};
}

const BuiltinImpl kLower = strict(lower), kUpper = strict(upper), kTrim = strict(trim),
                  kLtrim = strict(ltrim), kRtrim = strict(rtrim), kLength = strict(length),
                  kSubstr = strict(substr), kReplace = strict(replace),
                  kSplitPart = strict(split_part), kDigits = strict(digits),
                  kLpad = strict(lpad), kRpad = strict(rpad);
const BuiltinImpl kRegexReplace{regex_replace, nullptr, prepare_regex_replace, true, true};
const BuiltinImpl kConcat{concat, nullptr, nullptr, false, true};

}  // namespace

const BuiltinImpl* text_impl(BuiltinId id) {
  switch (id) {
    case BuiltinId::lower: return &kLower;
    case BuiltinId::upper: return &kUpper;
    case BuiltinId::trim: return &kTrim;
    case BuiltinId::ltrim: return &kLtrim;
    case BuiltinId::rtrim: return &kRtrim;
    case BuiltinId::length: return &kLength;
    case BuiltinId::substr: return &kSubstr;
    case BuiltinId::replace: return &kReplace;
    case BuiltinId::regex_replace: return &kRegexReplace;
    case BuiltinId::split_part: return &kSplitPart;
    case BuiltinId::concat: return &kConcat;
    case BuiltinId::digits: return &kDigits;
    case BuiltinId::lpad: return &kLpad;
    case BuiltinId::rpad: return &kRpad;
    default: return nullptr;
  }
}

}  // namespace mig::eval
