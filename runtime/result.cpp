#include "runtime/result.hpp"

namespace mig {

std::string quote_input(std::string_view text) {
  constexpr size_t kMaxShown = 40;
  static const char kHex[] = "0123456789abcdef";
  std::string out = "`";
  for (size_t i = 0; i < text.size() && i < kMaxShown; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7f || c == '`' || c == '\\') {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += "`";
  if (text.size() > kMaxShown) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

}  // namespace mig
