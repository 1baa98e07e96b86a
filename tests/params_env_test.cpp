// Parameter values from MIG_PARAM_NAME environment variables: shared by every plan run in a
// shell, so a variable naming no parameter of the plan is ignored (a `--param` is not), and
// a bad value names the variable it came from.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include "compiler/compile.hpp"

using namespace mig;
namespace fs = std::filesystem;

namespace {

const char* kPlan =
    "plan env_params\n"
    "source old = sqlite(\"old.db\")\n"
    "target new = sqlite(\"new.db\")\n"
    "param ids : list<int>\n"
    "copy old.users -> new.users {\n"
    "  where id in $ids\n"
    "}\n";

// Sets an environment variable for the life of one test.
struct ScopedEnv {
  std::string name;
  ScopedEnv(std::string n, const std::string& value) : name(std::move(n)) {
    ::setenv(name.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() { ::unsetenv(name.c_str()); }
};

// A temporary folder holding plan.mig, removed at the end of the test.
struct PlanDir {
  fs::path dir = fs::temp_directory_path() / ("mig_params_env_" + std::to_string(::getpid()));
  PlanDir() {
    fs::create_directories(dir);
    std::ofstream(dir / "plan.mig", std::ios::binary) << kPlan;
  }
  ~PlanDir() { fs::remove_all(dir); }
  std::string plan() const { return (dir / "plan.mig").string(); }
};

// Compiles plan.mig the way `migc check` (or migrun, with `require`) does.
std::string check_text(const PlanDir& d, const std::vector<std::string>& flags, bool& ok,
                       bool require = false) {
  AnalyseOptions options;
  std::string error;
  REQUIRE(collect_params(flags, options, error));
  options.require_params = require;
  options.stdlib_dir = MIG_SOURCE_DIR "/stdlib";
  Compilation c = compile_file(d.plan(), options, Stage::analyse);
  REQUIRE(c.read_error.empty());
  ok = c.ok();
  return render_text(c.diags, c.sources);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("collect_params keeps flags and MIG_PARAM_ variables apart", "[params]") {
  ScopedEnv ids("MIG_PARAM_ids", "1,2");
  AnalyseOptions options;
  std::string error;
  REQUIRE(collect_params({"since=2024-01-01"}, options, error));
  CHECK(error.empty());
  CHECK(options.params == std::map<std::string, std::string>{{"since", "2024-01-01"}});
  CHECK(options.env_params.at("ids") == "1,2");
  CHECK_FALSE(options.params.count("ids"));

  AnalyseOptions bad;
  CHECK_FALSE(collect_params({"no_equals_sign"}, bad, error));
  CHECK(error == "`--param no_equals_sign` must be NAME=VALUE");
}

TEST_CASE("a MIG_PARAM_ variable naming no parameter is ignored", "[params]") {
  PlanDir d;
  ScopedEnv nope("MIG_PARAM_nope", "1");
  bool ok = false;
  CHECK(check_text(d, {}, ok).empty());
  CHECK(ok);
}

TEST_CASE("a --param naming no parameter is still an error", "[params]") {
  PlanDir d;
  bool ok = true;
  std::string text = check_text(d, {"nope=1"}, ok);
  CHECK_FALSE(ok);
  CHECK(text.find("`--param nope` names no parameter of the plan") != std::string::npos);
}

TEST_CASE("a bad MIG_PARAM_ value names the variable", "[params]") {
  PlanDir d;
  ScopedEnv ids("MIG_PARAM_ids", "1,x");
  bool ok = true;
  std::string text = check_text(d, {}, ok);
  CHECK_FALSE(ok);
  CHECK(text ==
        "<environment>:1:17: error: `x` is not a valid int for parameter `$ids`\n"
        " 1 | MIG_PARAM_ids=1,x\n"
        "   |                 ^\n" +
            d.plan() +
            ":4:7: note: `$ids` is declared here\n"
            " 4 | param ids : list<int>\n"
            "   |       ^~~\n"
            "1 error\n");
}

TEST_CASE("a flag value wins over MIG_PARAM_, which fills a required parameter", "[params]") {
  PlanDir d;
  bool ok = false;
  {
    ScopedEnv ids("MIG_PARAM_ids", "1,x");
    CHECK(check_text(d, {"ids=1,2"}, ok, true).empty());
    CHECK(ok);
  }
  {
    ScopedEnv ids("MIG_PARAM_ids", "3,4");
    CHECK(check_text(d, {}, ok, true).empty());
    CHECK(ok);
  }
  CHECK(check_text(d, {}, ok, true).find("parameter `$ids` has no value") != std::string::npos);
  CHECK_FALSE(ok);
}

TEST_CASE("migc check ignores a foreign MIG_PARAM_ variable", "[params]") {
  PlanDir d;
  fs::path out = d.dir / "out.txt";
  std::string cmd = "cd '" + d.dir.string() + "' && MIG_PARAM_nope=1 MIG_PARAM_ids=7 '" MIGC_PATH
                    "' check plan.mig >'" + out.string() + "' 2>&1 </dev/null";
  int status = std::system(cmd.c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(slurp(out).empty());
}
