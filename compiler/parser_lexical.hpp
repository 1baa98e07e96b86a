// The parser's byte-level helpers: UTF-8 validation, comment collection, token extents
// for error spans, and the decoding and range checks of string and number literals.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/ast.hpp"
#include "compiler/diagnostics.hpp"

namespace mig::lexical {

// Offset of the first byte that is not part of valid UTF-8 (overlong forms, surrogates
// and code points above U+10FFFF are invalid); nullopt when the whole text is valid.
std::optional<uint32_t> first_invalid_utf8(std::string_view text);

// Every `#` comment, skipping `#` inside strings and backquoted names.
std::vector<Comment> collect_comments(std::string_view text, uint32_t file);

// End of the token starting at `offset`, for the span of a syntax error: a name, a
// number, a string (to its quote or the end of the line), a two-character operator, or
// one UTF-8 character. Returns `offset` at the end of the text.
uint32_t token_end(std::string_view text, uint32_t offset);

// End of the line holding `offset` (before `\n` or `\r\n`).
uint32_t line_end(std::string_view text, uint32_t offset);

// Decodes a string token (with its quotes). Escapes: `\\ \" \' \n \t \r` and `\u{X}`
// with 1-6 hex digits. `\0` and `\u{0}` are refused on purpose: a NUL byte cannot be
// stored in PostgreSQL text and truncates C strings, so it is always a mistake here.
// Each bad escape is reported as `invalid_escape`; the rest is still decoded.
std::string decode_string(std::string_view token, Span span, Diagnostics& diags);

// Reports `number_out_of_range` when a literal does not fit its type: an int beyond
// int64, a decimal with more than 38 significant digits (leading zeros of the integer
// part do not count, every fraction digit does), a float beyond double's range.
void check_number(LiteralKind kind, std::string_view text, Span span, Diagnostics& diags);

}  // namespace mig::lexical
