#include "runtime/sql_dialect.hpp"

#include <algorithm>

namespace mig {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Characters SQLite allows in an unquoted identifier after the first (it also takes `$`
// and any non-ASCII byte there).
bool is_ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' ||
         c == '$' || static_cast<unsigned char>(c) >= 0x80;
}
bool is_ident_start(char c) { return is_ident_char(c) && c != '$' && !is_digit(c); }

// Index one past a token that runs to `close` (a string, a quoted identifier), where a
// doubled `close` stands for itself; sql.size() when unterminated.
size_t skip_quoted(std::string_view sql, size_t i, char close) {
  for (++i; i < sql.size(); ++i) {
    if (sql[i] != close) continue;
    if (close != ']' && i + 1 < sql.size() && sql[i + 1] == close) {
      ++i;
      continue;
    }
    return i + 1;
  }
  return sql.size();
}

// Index one past a comment starting at `i` (`--` to end of line or `/* ... */`).
size_t skip_comment(std::string_view sql, size_t i) {
  if (sql[i] == '-') {
    size_t nl = sql.find('\n', i);
    return nl == std::string_view::npos ? sql.size() : nl + 1;
  }
  size_t end = sql.find("*/", i + 2);
  return end == std::string_view::npos ? sql.size() : end + 2;
}

}  // namespace

std::string sqlite_quote(std::string_view name) {
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

std::string sqlite_qualified(std::string_view schema, std::string_view table) {
  if (schema.empty()) return sqlite_quote(table);
  return sqlite_quote(schema) + "." + sqlite_quote(table);
}

std::string sqlite_quote_list(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ',';
    out += sqlite_quote(names[i]);
  }
  return out;
}

Status check_identifier(std::string_view name, std::string_view what) {
  if (name.empty()) return Error{"the " + std::string(what) + " name is empty"};
  if (name.find('\0') != std::string_view::npos)
    return Error{"the " + std::string(what) + " name " + quote_input(name) +
                 " holds a NUL byte, which SQL cannot spell"};
  return Status::success();
}

Result<std::string> renumber_placeholders(std::string_view sql, int offset, int* highest) {
  std::string out;
  out.reserve(sql.size() + 8);
  int top = 0;
  size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    size_t next = i + 1;
    if (c == '\'' || c == '"' || c == '`') {
      next = skip_quoted(sql, i, c);
    } else if (c == '[') {
      next = skip_quoted(sql, i, ']');
    } else if ((c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') ||
               (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*')) {
      next = skip_comment(sql, i);
    } else if (is_ident_start(c) || is_digit(c)) {  // a word or a number: no placeholder inside
      while (next < sql.size() && is_ident_char(sql[next])) ++next;
    } else if (c == '?') {
      while (next < sql.size() && is_digit(sql[next])) ++next;
      int n = top + 1;
      if (next > i + 1) {
        std::string_view digits = sql.substr(i + 1, next - i - 1);
        if (digits.size() > 6) return Error{"placeholder ?" + std::string(digits) + " is too large"};
        n = std::stoi(std::string(digits));
        if (n < 1) return Error{"placeholder ?0 in a filter: placeholders are numbered from 1"};
      }
      top = std::max(top, n);
      out += '?';
      out += std::to_string(n + offset);
      i = next;
      continue;
    } else if (c == ':' || c == '@' || c == '$') {
      if (next < sql.size() && is_ident_char(sql[next]))
        return Error{"named parameter in a filter " + quote_input(sql.substr(i, 20)) +
                     ": filters use numbered placeholders `?1`, `?2`, ..."};
    }
    out.append(sql.substr(i, next - i));
    i = next;
  }
  if (highest) *highest = top;
  return out;
}

}  // namespace mig
