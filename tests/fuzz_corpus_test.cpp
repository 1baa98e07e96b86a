// Replays the fuzz corpus (and any crash reproducers kept in fuzz/regressions/) through
// the fuzz target itself, so that what the fuzzer once found stays fixed.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz/fuzz_parser.cpp"  // the target's own checks, not a copy of them

TEST_CASE("the fuzz corpus replays without a crash", "[fuzz][parser]") {
  size_t replayed = 0;
  for (const char* dir : {"fuzz/corpus", "fuzz/regressions"}) {
    std::filesystem::path root = std::filesystem::path(MIG_SOURCE_DIR) / dir;
    if (!std::filesystem::exists(root)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(root)) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      std::string data = bytes.str();
      INFO(entry.path().string());
      CHECK(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(data.data()), data.size()) == 0);
      ++replayed;
    }
  }
  CHECK(replayed >= 50);
}
