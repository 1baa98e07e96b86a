// Values as text: the canonical form of each kind (what reports, `||`, uuid5 and messages
// show) and parsing text into a kind (CSV cells, `--param` values). Parsing returns errors
// as values naming the input, never throws.
#pragma once
#include <string>
#include <string_view>

#include "runtime/result.hpp"
#include "runtime/value.hpp"

namespace mig {

// Canonical text: int `-42`; decimal with its scale `12.3400`; float shortest round-trip
// (`0.1`, `1e+20`, `NaN`, `Infinity`); text as is; bool `true`/`false`; date `2024-01-31`;
// timestamp `2024-01-31 13:45:00.123456` (fraction only when not zero); timestamptz the
// same in UTC plus `+00:00`; uuid lower-case 8-4-4-4-12; json as stored; bytes `\x` and
// lower-case hex; list `[1, 2, "a"]` (text elements JSON-quoted). Null has no text: "".
std::string to_text(const Value& v);
void append_text(const Value& v, std::string& out);

// Parses `text` as a value of `kind` (for a list, `elem` is the element kind and the text
// is `a,b,c` or a JSON array). No trimming; an empty text is an error except for text,
// json's invalidity is checked, text must be valid UTF-8. Accepted spellings:
// int `+7`/`-7`; decimal as Decimal::parse; float also `1.5e3`, `NaN`, `Infinity`; bool
// true/false/t/f/yes/no/y/n/on/off/1/0 in any case; date/timestamp/timestamptz as in
// civil_time.hpp; uuid with or without dashes and braces, any case; bytes `\x` + hex.
Result<Value> parse_value(std::string_view text, ValueKind kind, ValueKind elem = ValueKind::text);

// Lower-case 8-4-4-4-12.
std::string format_uuid(const Uuid& u);
Result<Uuid> parse_uuid(std::string_view text);
// Shortest text that reads back as the same double.
std::string format_float(double d);
// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points above
// U+10FFFF); on failure `bad_offset` is the first bad byte.
bool is_valid_utf8(std::string_view text, size_t* bad_offset = nullptr);

}  // namespace mig
