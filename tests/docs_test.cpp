// The documentation's examples are tested: every ```mig block of README.md and docs/*.md
// must pass `migc check` silently, and every ```mig-error block must fail with exactly the
// output of the ```text block that follows it. ```mig-fragment blocks are not checked;
// ```mig-eval blocks are evaluated by tests/functions_doc_test.cpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include "doc_blocks.hpp"

namespace fs = std::filesystem;
using doctest_blocks::Block;
using doctest_blocks::fenced_blocks;
using doctest_blocks::slurp;

namespace {

struct Outcome {
  int exit_code;
  std::string out, err;
};

// Writes `text` as plan.mig into a fresh folder and runs `migc check plan.mig` there.
Outcome check_plan(const std::string& text) {
  fs::path dir = fs::temp_directory_path() / ("mig_docs_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "plan.mig", std::ios::binary) << text;
  std::string cmd = "cd '" + dir.string() + "' && '" MIGC_PATH "' check plan.mig >out 2>err </dev/null";
  int status = std::system(cmd.c_str());
  Outcome o{WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
            slurp(dir / "out"), slurp(dir / "err")};
  fs::remove_all(dir);
  return o;
}

// Checks every block of one document; returns how many blocks were checked.
size_t check_doc(const fs::path& doc) {
  std::vector<Block> blocks = fenced_blocks(slurp(doc));
  std::string name = fs::relative(doc, MIG_SOURCE_DIR).string();
  size_t checked = 0;
  for (size_t i = 0; i < blocks.size(); ++i) {
    const Block& b = blocks[i];
    INFO(name << ":" << b.line << ": ```" << b.lang << " block");
    CHECK(b.lang != "unclosed");
    if (b.lang == "mig") {
      Outcome got = check_plan(b.text);
      CHECK(got.exit_code == 0);
      CHECK(got.err == "");
      CHECK(got.out == "");
      ++checked;
    } else if (b.lang == "mig-error") {
      bool has_text = i + 1 < blocks.size() && blocks[i + 1].lang == "text";
      CHECK(has_text);  // the expected output must follow the block
      if (!has_text) continue;
      Outcome got = check_plan(b.text);
      CHECK(got.exit_code == 1);
      CHECK(got.err == blocks[i + 1].text);
      CHECK(got.out == "");
      ++checked;
    }
  }
  return checked;
}

}  // namespace

TEST_CASE("fenced block reader", "[docs]") {
  auto blocks = fenced_blocks("text\n```mig\nplan a\n```\n\n```text\nx\r\ny\n```\n```sh\n");
  REQUIRE(blocks.size() == 3);
  CHECK(blocks[0].lang == "mig");
  CHECK(blocks[0].text == "plan a\n");
  CHECK(blocks[0].line == 2);
  CHECK(blocks[1].lang == "text");
  CHECK(blocks[1].text == "x\ny\n");
  CHECK(blocks[2].lang == "unclosed");
}

TEST_CASE("documentation examples pass migc check", "[docs]") {
  fs::path root = MIG_SOURCE_DIR;
  std::vector<fs::path> docs = {root / "README.md"};
  for (const auto& entry : fs::directory_iterator(root / "docs"))
    if (entry.path().extension() == ".md") docs.push_back(entry.path());
  std::sort(docs.begin(), docs.end());
  // The documents that teach the language must keep their examples checked: a test that
  // finds no block (a renamed fence, a moved file) must fail rather than pass.
  std::map<std::string, size_t> required = {
      {"README.md", 1}, {"docs/language.md", 30}, {"docs/decisions.md", 1},
      {"docs/functions.md", 2}};
  for (const fs::path& doc : docs) {
    size_t checked = check_doc(doc);
    std::string name = fs::relative(doc, root).string();
    INFO(name << ": " << checked << " checked blocks");
    auto it = required.find(name);
    if (it != required.end()) CHECK(checked >= it->second);
    required.erase(name);
  }
  for (const auto& [name, count] : required) FAIL_CHECK(name << " is missing");
}
