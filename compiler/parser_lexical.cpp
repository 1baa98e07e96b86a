#include "compiler/parser_lexical.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace mig::lexical {
namespace {

bool is_ident_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Length of the UTF-8 sequence at `i` (1 for a stray or truncated byte).
uint32_t char_length(std::string_view text, uint32_t i) {
  uint32_t n = 1;
  while (i + n < text.size() && (uint8_t(text[i + n]) & 0xC0) == 0x80 && n < 4) ++n;
  return n;
}

// Skips a quoted run (string or backquoted name) starting at the quote `i`; stops after
// the closing quote or at the end of the line. Backslash escapes only count in strings.
uint32_t skip_quoted(std::string_view text, uint32_t i) {
  const char quote = text[i];
  const bool escapes = quote != '`';
  ++i;
  while (i < text.size() && text[i] != '\n') {
    if (escapes && text[i] == '\\' && i + 1 < text.size() && text[i + 1] != '\n') {
      i += 2;
      continue;
    }
    if (text[i] == quote) return i + 1;
    ++i;
  }
  return i;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

// Decodes `\u{X}` at `token[i]` (the backslash). Returns the length of the escape as
// written and sets `cp`; cp stays invalid (> 0x10FFFF) when the escape is malformed.
size_t decode_unicode(std::string_view token, size_t i, uint32_t& cp) {
  cp = 0x110000;
  size_t j = i + 2;  // after `\u`
  if (j >= token.size() || token[j] != '{') return 2;
  ++j;
  uint32_t value = 0;
  size_t count = 0;
  while (j < token.size() && hex_value(token[j]) >= 0 && count < 7) {
    value = value * 16 + uint32_t(hex_value(token[j]));
    ++j;
    ++count;
  }
  if (j >= token.size() || token[j] != '}') return j - i;
  ++j;
  if (count >= 1 && count <= 6) cp = value;
  return j - i;
}

bool valid_escaped_code_point(uint32_t cp) {
  return cp != 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

// Removes a leading `-` and leading zeros.
std::string_view significant(std::string_view digits) {
  if (!digits.empty() && digits[0] == '-') digits.remove_prefix(1);
  while (digits.size() > 1 && digits[0] == '0') digits.remove_prefix(1);
  return digits;
}

bool int_fits(std::string_view text) {
  const bool negative = !text.empty() && text[0] == '-';
  std::string_view digits = significant(text);
  const std::string_view limit = negative ? "9223372036854775808" : "9223372036854775807";
  if (digits.size() != limit.size()) return digits.size() < limit.size();
  return digits <= limit;
}

bool decimal_fits(std::string_view text) {
  std::string_view s = text;
  if (!s.empty() && s[0] == '-') s.remove_prefix(1);
  const size_t dot = s.find('.');
  std::string_view int_part = s.substr(0, dot);
  std::string_view frac_part = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  while (!int_part.empty() && int_part[0] == '0') int_part.remove_prefix(1);
  return int_part.size() + frac_part.size() <= 38;
}

bool float_fits(std::string_view text) {
  const std::string copy(text);
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  (void)value;
  if (errno != ERANGE) return true;
  // ERANGE on underflow just rounds towards zero; only overflow is an error.
  const size_t e = copy.find_first_of("eE");
  return e != std::string::npos && e + 1 < copy.size() && copy[e + 1] == '-';
}

}  // namespace

std::optional<uint32_t> first_invalid_utf8(std::string_view text) {
  uint32_t i = 0;
  const uint32_t n = uint32_t(text.size());
  while (i < n) {
    const uint8_t c = uint8_t(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    uint32_t len = 0;
    uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // no overlong forms
      if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // no overlong forms
      if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else {
      return i;
    }
    for (uint32_t k = 1; k < len; ++k) {
      if (i + k >= n) return i;  // truncated at the end of the text
      const uint8_t b = uint8_t(text[i + k]);
      const uint8_t min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xBF;
      if (b < min || b > max) return i;  // the sequence starting here is malformed
    }
    i += len;
  }
  return std::nullopt;
}

std::vector<Comment> collect_comments(std::string_view text, uint32_t file) {
  std::vector<Comment> out;
  uint32_t i = 0;
  const uint32_t n = uint32_t(text.size());
  while (i < n) {
    const char c = text[i];
    if (c == '"' || c == '\'' || c == '`') {
      i = skip_quoted(text, i);
    } else if (c == '#') {
      const uint32_t end = line_end(text, i);
      out.push_back(Comment{Span{file, i, end}, std::string(text.substr(i, end - i))});
      i = end;
    } else {
      ++i;
    }
  }
  return out;
}

uint32_t line_end(std::string_view text, uint32_t offset) {
  uint32_t i = offset;
  while (i < text.size() && text[i] != '\n') ++i;
  if (i > offset && text[i - 1] == '\r') --i;
  return i;
}

uint32_t token_end(std::string_view text, uint32_t offset) {
  const uint32_t n = uint32_t(text.size());
  if (offset >= n) return n;
  const unsigned char c = uint8_t(text[offset]);
  uint32_t i = offset;
  if (is_ident_char(c)) {
    while (i < n && is_ident_char(uint8_t(text[i]))) ++i;
    // `19.99`: a number runs on over its fraction.
    if (c >= '0' && c <= '9' && i + 1 < n && text[i] == '.' && is_ident_char(uint8_t(text[i + 1]))) {
      ++i;
      while (i < n && is_ident_char(uint8_t(text[i]))) ++i;
    }
    return i;
  }
  if (c == '"' || c == '\'' || c == '`') {
    const uint32_t end = skip_quoted(text, offset);
    return std::min(end, std::max(line_end(text, offset), offset + 1));
  }
  static constexpr std::string_view pairs[] = {"->", "==", "!=", "<=", ">=", "||"};
  for (std::string_view p : pairs)
    if (text.substr(offset, 2) == p) return offset + 2;
  return offset + char_length(text, offset);
}

std::string decode_string(std::string_view token, Span span, Diagnostics& diags) {
  std::string out;
  if (token.size() < 2) return out;
  const std::string_view body = token.substr(1, token.size() - 2);
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\') {
      out += body[i];
      continue;
    }
    if (i + 1 >= body.size()) break;  // cannot happen: the grammar pairs every `\`
    size_t length = 2;
    bool ok = true;
    switch (body[i + 1]) {
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case '\'': out += '\''; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'u': {
        uint32_t cp = 0;
        length = decode_unicode(body, i, cp);
        ok = valid_escaped_code_point(cp);
        if (ok) append_utf8(out, cp);
        break;
      }
      default:
        // Show the whole escaped character, even when it is not ASCII.
        length = 1 + char_length(body, uint32_t(i + 1));
        ok = false;
    }
    if (!ok) {
      const uint32_t begin = span.begin + 1 + uint32_t(i);
      diags.report(DiagId::invalid_escape, Span{span.file, begin, begin + uint32_t(length)},
                   {std::string(body.substr(i, length))});
    }
    i += length - 1;
  }
  return out;
}

void check_number(LiteralKind kind, std::string_view text, Span span, Diagnostics& diags) {
  std::string_view number = text;
  if (kind == LiteralKind::percent) {
    if (!number.empty() && number.back() == '%') number.remove_suffix(1);
    kind = number.find('.') == std::string_view::npos ? LiteralKind::int_ : LiteralKind::decimal;
  }
  if (kind == LiteralKind::int_ && !int_fits(number))
    diags.report(DiagId::number_out_of_range, span, {std::string(text), "a 64-bit int"});
  else if (kind == LiteralKind::decimal && !decimal_fits(number))
    diags.report(DiagId::number_out_of_range, span, {std::string(text), "a 38-digit decimal"});
  else if (kind == LiteralKind::float_ && !float_fits(number))
    diags.report(DiagId::number_out_of_range, span, {std::string(text), "a 64-bit float"});
}

}  // namespace mig::lexical
