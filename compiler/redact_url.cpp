#include "compiler/redact_url.hpp"

#include <cctype>

namespace mig {
namespace {

// Where a URL's authority (`user:password@host:port`) ends.
bool ends_authority(char c) {
  return c == '/' || c == '?' || c == '#' || c == '"' || c == '\'' ||
         std::isspace(static_cast<unsigned char>(c));
}

// Where a query parameter's value ends.
bool ends_query_value(char c) {
  return c == '&' || c == '#' || c == '"' || c == '\'' || c == ';' ||
         std::isspace(static_cast<unsigned char>(c));
}

bool starts_with_ci(std::string_view text, size_t at, std::string_view word) {
  if (text.size() - at < word.size()) return false;
  for (size_t i = 0; i < word.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[at + i])) != word[i]) return false;
  return true;
}

// Copies the authority starting at `at` into `out` with its password hidden; returns where
// it ended.
size_t copy_authority(std::string_view text, size_t at, std::string& out) {
  size_t end = at;
  while (end < text.size() && !ends_authority(text[end])) ++end;
  std::string_view authority = text.substr(at, end - at);
  size_t user_end = authority.rfind('@');
  size_t colon = user_end == std::string_view::npos ? user_end : authority.find(':');
  if (colon != std::string_view::npos && colon < user_end && colon + 1 < user_end) {
    out.append(authority.substr(0, colon + 1));
    out.append("***");
    out.append(authority.substr(user_end));
  } else {
    out.append(authority);
  }
  return end;
}

}  // namespace

std::string redact_url(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "://") == 0) {
      out.append("://");
      i = copy_authority(text, i + 3, out);
      continue;
    }
    // `?password=` / `&password=` in a URL, or `password=` in a libpq keyword string.
    char before = i == 0 ? ' ' : text[i - 1];
    bool param_start = before == '?' || before == '&' || before == '"' || before == '\'' ||
                       std::isspace(static_cast<unsigned char>(before));
    if (param_start && starts_with_ci(text, i, "password=")) {
      out.append(text.substr(i, 9));
      i += 9;
      size_t end = i;
      while (end < text.size() && !ends_query_value(text[end])) ++end;
      if (end > i) out.append("***");
      i = end;
      continue;
    }
    out.push_back(text[i++]);
  }
  return out;
}

}  // namespace mig
