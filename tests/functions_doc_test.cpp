// docs/functions.md is executed: each line `EXPR ==> EXPECTED` of its ```mig-eval blocks
// is compiled and evaluated by the runtime's evaluator and compared with EXPECTED, and every
// built-in of compiler/builtins.def must have an example there (a scalar one in a
// ```mig-eval block, a connector, `env`/`secret` or aggregate one in a ```mig block, which
// tests/docs_test.cpp checks with `migc check`).
//
// EXPECTED is one of
//   `KIND TEXT`         the value's kind and canonical text: `timestamp 2024-01-31 13:45:00`
//   `error: MESSAGE`    the row error, exactly
//   `compile error: MESSAGE`  the compile error, exactly
//   an expression       evaluated too; equal when kind and canonical text are: `"007"`, `3`, `null`
#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>
#include <set>

#include "compiler/builtins.hpp"
#include "doc_blocks.hpp"
#include "eval_helpers.hpp"
#include "runtime/value_json.hpp"
#include "runtime/value_text.hpp"

namespace fs = std::filesystem;

namespace {

// One example line of a ```mig-eval block.
struct Example {
  std::string expr, expected;
  size_t line = 0;
};

std::string trimmed(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  size_t start = s.find_first_not_of(' ');
  return start == std::string::npos ? "" : s.substr(start);
}

// The examples of every ```mig-eval block; blank lines and `#` comments are skipped. A
// line without `==>` is returned with an empty `expected` so that the test fails on it.
std::vector<Example> eval_examples(const std::string& markdown) {
  std::vector<Example> out;
  for (const doctest_blocks::Block& b : doctest_blocks::fenced_blocks(markdown)) {
    if (b.lang != "mig-eval") continue;
    std::istringstream in(b.text);
    std::string line;
    for (size_t n = b.line + 1; std::getline(in, line); ++n) {
      std::string t = trimmed(line);
      if (t.empty() || t[0] == '#') continue;
      size_t arrow = t.find(" ==> ");
      if (arrow == std::string::npos) {
        out.push_back(Example{t, "", n});
        continue;
      }
      out.push_back(Example{trimmed(t.substr(0, arrow)), trimmed(t.substr(arrow + 5)), n});
    }
  }
  return out;
}

// The examples run as if the run started at 2024-05-17 08:00:00 UTC, with one crosswalk:
// task `patients` wrote uuid5("patients", 7) for source key 7.
mig::EvalScope doc_scope() {
  mig::EvalScope scope;
  scope.now_micros = int64_t{1715932800} * 1000000;
  scope.lookup = [](const std::string& task,
                    const mig::Value& key) -> mig::Result<std::optional<mig::Value>> {
    if (task != "patients") return mig::Error{"no crosswalk for task `" + task + "`"};
    // As the runtime's resolver (task_runner.cpp): the encoded key must match exactly.
    if (mig::encode_key(std::span<const mig::Value>(&key, 1)) != "[7]")
      return std::optional<mig::Value>();
    return std::optional<mig::Value>(
        *mig::parse_value("523a2f57-37fb-539c-9b45-740ec2c12b8d", mig::ValueKind::uuid));
  };
  return scope;
}

// What `expected` means, in the form evaltest::ev prints.
std::string expected_shown(const std::string& expected) {
  if (expected.rfind("error: ", 0) == 0 || expected.rfind("compile error: ", 0) == 0)
    return expected;
  size_t space = expected.find(' ');
  if (space != std::string::npos && mig::kind_from_name(expected.substr(0, space))) return expected;
  return evaltest::ev(expected);
}

// The names called in an expression: `name(`.
std::set<std::string> called_names(const std::string& text) {
  static const std::regex call(R"(([A-Za-z_][A-Za-z0-9_]*)\s*\()");
  std::set<std::string> names;
  for (std::sregex_iterator it(text.begin(), text.end(), call), end; it != end; ++it)
    names.insert((*it)[1].str());
  return names;
}

bool scalar_group(mig::BuiltinGroup g) {
  using G = mig::BuiltinGroup;
  return g != G::connector && g != G::config && g != G::aggregate;
}

}  // namespace

TEST_CASE("mig-eval example reader", "[docs]") {
  auto ex = eval_examples("```mig-eval\n# note\nlpad(\"7\", 3, \"0\")  ==> \"007\"\n\nx\n```\n");
  REQUIRE(ex.size() == 2);
  CHECK(ex[0].expr == "lpad(\"7\", 3, \"0\")");
  CHECK(ex[0].expected == "\"007\"");
  CHECK(ex[0].line == 3);
  CHECK(ex[1].expected == "");
  CHECK(expected_shown("timestamp 2024-01-31 13:45:00") == "timestamp 2024-01-31 13:45:00");
  CHECK(expected_shown("\"a b\"") == "text a b");
  CHECK(expected_shown("null") == "null");
  CHECK(called_names("coalesce(if(a, b(1), 2), x)") ==
        std::set<std::string>{"coalesce", "if", "b"});
}

TEST_CASE("docs/functions.md examples give the results they show", "[docs][builtins]") {
  fs::path doc = fs::path(MIG_SOURCE_DIR) / "docs" / "functions.md";
  std::string markdown = doctest_blocks::slurp(doc);
  std::vector<Example> examples = eval_examples(markdown);
  CHECK(examples.size() >= 100);
  std::set<std::string> evaluated;
  for (const Example& e : examples) {
    INFO("docs/functions.md:" << e.line << ": " << e.expr << " ==> " << e.expected);
    REQUIRE(!e.expected.empty());
    CHECK(evaltest::ev(e.expr, {}, doc_scope()) == expected_shown(e.expected));
    for (const std::string& name : called_names(e.expr)) evaluated.insert(name);
  }

  // Connectors, configuration and aggregates are shown in ```mig plans (checked by
  // tests/docs_test.cpp); every other built-in needs an evaluated example.
  std::set<std::string> in_plans;
  for (const doctest_blocks::Block& b : doctest_blocks::fenced_blocks(markdown))
    if (b.lang == "mig")
      for (const std::string& name : called_names(b.text)) in_plans.insert(name);
  for (const mig::Builtin& b : mig::builtins()) {
    const std::string& name = b.signature.name;
    INFO("built-in `" << name << "` has no example in docs/functions.md");
    if (scalar_group(b.group))
      CHECK(evaluated.count(name) == 1);
    else
      CHECK(in_plans.count(name) == 1);
  }
}
