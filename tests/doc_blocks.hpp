// The fenced blocks of a Markdown document, for the tests that execute the documentation's
// examples (tests/docs_test.cpp, tests/functions_doc_test.cpp).
#pragma once
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace doctest_blocks {

// One fenced block of a Markdown file.
struct Block {
  std::string lang;  // the word after the opening fence: "mig", "mig-error", "text", ...
  std::string text;  // its lines, each ending in '\n'
  size_t line = 0;   // 1-based line of the opening fence, for messages
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The fenced blocks of a Markdown text, in order. An unclosed fence is reported as a block
// of kind "unclosed" so that the test fails on it.
inline std::vector<Block> fenced_blocks(const std::string& markdown) {
  std::vector<Block> blocks;
  std::istringstream in(markdown);
  std::string line;
  size_t number = 0;
  std::optional<Block> open;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!open) {
      if (line.rfind("```", 0) == 0) open = Block{line.substr(3), "", number};
      continue;
    }
    if (line == "```") {
      blocks.push_back(std::move(*open));
      open.reset();
      continue;
    }
    open->text += line + "\n";
  }
  if (open) blocks.push_back(Block{"unclosed", "", open->line});
  return blocks;
}

}  // namespace doctest_blocks
