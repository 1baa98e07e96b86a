// Golden folders: tests/<suite>/<case>/ holds plan.mig, an optional `args` file (the migc
// arguments; the suite's default otherwise), expected.out and expected.err. A case named
// fail_* must exit 1, others 0 (or expected.exit). MIG_UPDATE_GOLDEN=1 rewrites the files.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

struct Outcome {
  int exit_code;
  std::string out, err;
};

// Runs migc with `args` inside the case folder; the shell reads the quoting in `args`.
Outcome run_migc(const fs::path& dir, const std::string& args) {
  fs::path tmp = fs::temp_directory_path() / ("mig_golden_" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  std::string cmd = "cd '" + dir.string() + "' && '" MIGC_PATH "' " + args + " >'" +
                    (tmp / "out").string() + "' 2>'" + (tmp / "err").string() + "' </dev/null";
  int status = std::system(cmd.c_str());
  Outcome o{WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
            slurp(tmp / "out"), slurp(tmp / "err")};
  fs::remove_all(tmp);
  return o;
}

// Runs every case of a suite; returns how many there were.
size_t run_suite(const std::string& suite, const std::string& default_args) {
  fs::path root = fs::path(MIG_SOURCE_DIR) / "tests" / suite;
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(root))
    if (entry.is_directory()) cases.push_back(entry.path());
  std::sort(cases.begin(), cases.end());
  bool update = std::getenv("MIG_UPDATE_GOLDEN") != nullptr;
  for (const fs::path& dir : cases) {
    std::string name = dir.filename().string();
    std::string args = fs::exists(dir / "args") ? trim(slurp(dir / "args")) : default_args;
    Outcome got = run_migc(dir, args);
    if (update) {
      auto write = [&](const char* file, const std::string& text) {
        if (text.empty()) fs::remove(dir / file);
        else std::ofstream(dir / file, std::ios::binary) << text;
      };
      write("expected.out", got.out);
      write("expected.err", got.err);
      continue;
    }
    int want_exit = name.rfind("fail_", 0) == 0 ? 1 : 0;
    if (fs::exists(dir / "expected.exit")) want_exit = std::stoi(slurp(dir / "expected.exit"));
    INFO("case " << suite << "/" << name << ": migc " << args);
    CHECK(got.exit_code == want_exit);
    std::string want_out = fs::exists(dir / "expected.out") ? slurp(dir / "expected.out") : "";
    std::string want_err = fs::exists(dir / "expected.err") ? slurp(dir / "expected.err") : "";
    CHECK(got.out == want_out);
    CHECK(got.err == want_err);
  }
  return cases.size();
}

}  // namespace

TEST_CASE("golden: migc check diagnostics", "[golden][check]") {
  CHECK(run_suite("check", "check plan.mig") >= 60);
}

TEST_CASE("golden: migc explain", "[golden][explain]") {
  CHECK(run_suite("explain", "explain plan.mig") >= 8);
}

TEST_CASE("golden: migc fmt", "[golden][fmt]") {
  CHECK(run_suite("fmt", "fmt --stdout plan.mig") >= 12);
}
