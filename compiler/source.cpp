#include "compiler/source.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace mig {

SourceFile::SourceFile(std::string name_, std::string text_)
    : name(std::move(name_)), text(std::move(text_)) {
  line_starts.push_back(0);
  for (uint32_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') line_starts.push_back(i + 1);
}

std::pair<uint32_t, uint32_t> SourceFile::line_col(uint32_t offset) const {
  offset = std::min<uint32_t>(offset, text.size());
  auto it = std::upper_bound(line_starts.begin(), line_starts.end(), offset);
  uint32_t line = uint32_t(it - line_starts.begin());
  uint32_t col = 1;
  for (uint32_t i = line_starts[line - 1]; i < offset; ++i)
    if ((uint8_t(text[i]) & 0xC0) != 0x80) ++col;  // count code points, not bytes
  return {line, col};
}

std::string_view SourceFile::line(uint32_t line_no) const {
  if (line_no == 0 || line_no > line_starts.size()) return {};
  uint32_t b = line_starts[line_no - 1];
  uint32_t e = line_no < line_starts.size() ? line_starts[line_no] - 1 : uint32_t(text.size());
  if (e > b && text[e - 1] == '\r') --e;
  return std::string_view(text).substr(b, e - b);
}

uint32_t SourceManager::add(std::string name, std::string text) {
  files_.push_back(std::make_unique<SourceFile>(std::move(name), std::move(text)));
  return uint32_t(files_.size() - 1);
}

int SourceManager::load(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read `" + path + "`";
    return -1;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return int(add(path, ss.str()));
}

}  // namespace mig
