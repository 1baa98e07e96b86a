#include "runtime/postgres_sql.hpp"

#include <algorithm>

namespace mig {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
// PostgreSQL identifier characters after the first: letters, digits, `_`, `$`, and any
// non-ASCII byte.
bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool is_tag_start(char c) { return is_word_char(c) && c != '$' && !is_digit(c); }

// One past a quoted token opened at `i` and closed by `close`, a doubled `close` standing
// for itself; with `backslash`, `\x` escapes any x (E'...'). sql.size() when unterminated.
size_t skip_quoted(std::string_view sql, size_t i, char close, bool backslash) {
  for (++i; i < sql.size(); ++i) {
    if (backslash && sql[i] == '\\') {
      ++i;
      continue;
    }
    if (sql[i] != close) continue;
    if (i + 1 < sql.size() && sql[i + 1] == close) {
      ++i;
      continue;
    }
    return i + 1;
  }
  return sql.size();
}

// One past a comment at `i`: `--` to the end of the line, or `/* */`, which nest.
size_t skip_comment(std::string_view sql, size_t i) {
  if (sql[i] == '-') {
    size_t nl = sql.find('\n', i);
    return nl == std::string_view::npos ? sql.size() : nl + 1;
  }
  int depth = 0;
  while (i + 1 < sql.size()) {
    if (sql[i] == '/' && sql[i + 1] == '*') {
      ++depth;
      i += 2;
    } else if (sql[i] == '*' && sql[i + 1] == '/') {
      i += 2;
      if (--depth == 0) return i;
    } else {
      ++i;
    }
  }
  return sql.size();
}

// When `$` at `i` opens a dollar-quoted string (`$$` or `$tag$`), one past its end; else 0.
size_t skip_dollar_quoted(std::string_view sql, size_t i) {
  size_t j = i + 1;
  if (j < sql.size() && sql[j] != '$') {
    if (!is_tag_start(sql[j])) return 0;
    while (j < sql.size() && is_word_char(sql[j]) && sql[j] != '$') ++j;
    if (j >= sql.size() || sql[j] != '$') return 0;
  }
  if (j >= sql.size()) return 0;
  std::string_view tag = sql.substr(i, j + 1 - i);
  size_t end = sql.find(tag, j + 1);
  return end == std::string_view::npos ? sql.size() : end + tag.size();
}

}  // namespace

std::string pg_quote(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  out += '"';
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string pg_qualified(std::string_view schema, std::string_view table) {
  if (schema.empty()) return pg_quote(table);
  return pg_quote(schema) + "." + pg_quote(table);
}

std::string pg_quote_list(const std::vector<std::string>& names, std::string_view prefix) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ", ";
    out += prefix;
    out += pg_quote(names[i]);
  }
  return out;
}

Result<std::string> renumber_pg_placeholders(std::string_view sql, int offset, int* highest) {
  std::string out;
  out.reserve(sql.size() + 8);
  int top = 0;
  size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    size_t next = i + 1;
    if (c == '\'') {
      // E'...' (also e'...') takes backslash escapes; the E was copied as part of a word.
      bool escapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                     (i == 1 || !is_word_char(sql[i - 2]));
      next = skip_quoted(sql, i, '\'', escapes);
    } else if (c == '"') {
      next = skip_quoted(sql, i, '"', false);
    } else if ((c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') ||
               (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*')) {
      next = skip_comment(sql, i);
    } else if (is_tag_start(c) || is_digit(c)) {  // a word or a number: `a$1` is one word
      while (next < sql.size() && is_word_char(sql[next])) ++next;
    } else if (c == '$') {
      if (next < sql.size() && is_digit(sql[next])) {
        while (next < sql.size() && is_digit(sql[next])) ++next;
        std::string_view digits = sql.substr(i + 1, next - i - 1);
        if (digits.size() > 6) return Error{"placeholder $" + std::string(digits) + " is too large"};
        int n = std::stoi(std::string(digits));
        if (n < 1) return Error{"placeholder $0 in a filter: placeholders are numbered from 1"};
        top = std::max(top, n);
        out += '$';
        out += std::to_string(n + offset);
        i = next;
        continue;
      }
      if (size_t end = skip_dollar_quoted(sql, i)) next = end;
    }
    out.append(sql.substr(i, next - i));
    i = next;
  }
  if (highest) *highest = top;
  return out;
}

}  // namespace mig
