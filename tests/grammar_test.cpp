// The grammar itself: PEGTL's analysis finds no rule that could loop forever without
// consuming input (and the control's static_assert already checks every `must<>` has a
// message in grammar/errors.hpp).
#include <catch2/catch.hpp>
#include <tao/pegtl/contrib/analyze.hpp>

#include "grammar/errors.hpp"
#include "grammar/grammar.hpp"

TEST_CASE("the grammar has no infinite loops", "[grammar]") {
  CHECK(tao::pegtl::analyze<mig::grammar::file>() == 0);
  CHECK(tao::pegtl::analyze<mig::grammar::statement>() == 0);
  CHECK(tao::pegtl::analyze<mig::grammar::expr>() == 0);
}

TEST_CASE("the grammar's messages follow the diagnostics' style", "[grammar]") {
  using namespace mig::grammar;
  for (const char* m : {error_message<copy_arrow>, error_message<map_close>, error_message<statement>,
                        error_message<mul_operand>}) {
    std::string s = m;
    REQUIRE(!s.empty());
    CHECK(s.back() != '.');
    CHECK(!(s[0] >= 'A' && s[0] <= 'Z'));
  }
  CHECK(std::string(error_message<copy_arrow>) == "expected `->` after the source table");
  CHECK(std::string(error_message<map_close>) == "expected `}` to close `map`");
}
