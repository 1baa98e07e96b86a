// A plan's text and the map from byte offsets to lines: the AST keeps byte ranges,
// and only printing (diagnostics, fmt) turns them into line:col.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mig {

// A byte range [begin, end) in one source file; file indexes SourceManager::files.
struct Span {
  uint32_t file = 0;
  uint32_t begin = 0;
  uint32_t end = 0;
};

// One loaded file: its display name (as the user wrote it) and its bytes.
struct SourceFile {
  std::string name;
  std::string text;
  std::vector<uint32_t> line_starts;  // byte offset of each line's first byte

  SourceFile(std::string name_, std::string text_);
  // 1-based line and column (column counts UTF-8 code points, as editors do).
  std::pair<uint32_t, uint32_t> line_col(uint32_t offset) const;
  // The text of the 1-based line, without its newline.
  std::string_view line(uint32_t line_no) const;
};

// Owns every file of one compilation (the plan, its `use`d modules).
class SourceManager {
 public:
  // Adds a file and returns its index (used in Span::file).
  uint32_t add(std::string name, std::string text);
  // Reads a file from disk; returns -1 (and leaves `error`) when it cannot be read.
  int load(const std::string& path, std::string& error);
  const SourceFile& file(uint32_t index) const { return *files_.at(index); }
  size_t size() const { return files_.size(); }

 private:
  std::vector<std::unique_ptr<SourceFile>> files_;
};

}  // namespace mig
