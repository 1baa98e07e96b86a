// The expression evaluator: operators with nulls (SQL's three-valued logic), exact
// arithmetic and its errors, precedence through the real parser, names, parameters, user
// functions, `lookup`, and a program compiled once and evaluated over many rows.
#include <catch2/catch.hpp>

#include "eval_helpers.hpp"

using evaltest::Columns;
using evaltest::dec;
using evaltest::ev;
using evaltest::num;
using evaltest::txt;
using mig::Value;

TEST_CASE("arithmetic on ints stays int and reports overflow", "[eval]") {
  CHECK(ev("1 + 2") == "int 3");
  CHECK(ev("2 - 3 - 4") == "int -5");
  CHECK(ev("6 * 7") == "int 42");
  CHECK(ev("7 % 3") == "int 1");
  CHECK(ev("-7 % 3") == "int -1");  // the sign of the dividend, as SQL
  CHECK(ev("9223372036854775807 + 1") ==
        "error: int overflow: 9223372036854775807 + 1 does not fit in 64 bits in "
        "`9223372036854775807 + 1`");
  CHECK(ev("x - 1", {{"x", num(INT64_MIN)}}).rfind("error: int overflow", 0) == 0);
  CHECK(ev("x * 2", {{"x", num(INT64_MAX)}}).rfind("error: int overflow", 0) == 0);
  CHECK(ev("-x", {{"x", num(INT64_MIN)}}).rfind("error: int overflow", 0) == 0);
  CHECK(ev("x % -1", {{"x", num(INT64_MIN)}}) == "int 0");
}

TEST_CASE("int / int is an exact decimal, never truncated", "[eval]") {
  CHECK(ev("7 / 2") == "decimal 3.5");
  CHECK(ev("6 / 3") == "decimal 2");
  CHECK(ev("1 / 3") == "decimal 0.333333");
  CHECK(ev("-2 / 3") == "decimal -0.666667");  // half away from zero at the last digit
}

TEST_CASE("division by zero is a row error naming the expression", "[eval]") {
  Columns row{{"total", dec("10.00")}, {"qty", num(0)}};
  CHECK(ev("total / qty", row) == "error: division by zero in `total / qty`");
  CHECK(ev("total % qty", row) == "error: division by zero in `total % qty`");
  CHECK(ev("1 / 0") == "error: division by zero in `1 / 0`");
  CHECK(ev("1.5e0 / 0") == "error: division by zero in `1.5e0 / 0`");
  CHECK(ev("round(total / qty, 2)", row) == "error: division by zero in `total / qty`");
}

TEST_CASE("decimals are exact and mix with ints; floats make floats", "[eval]") {
  CHECK(ev("0.1 + 0.2") == "decimal 0.3");
  CHECK(ev("0.1 + 0.2 == 0.3") == "bool true");
  CHECK(ev("2 * 1.25") == "decimal 2.50");
  CHECK(ev("19.99 - 20") == "decimal -0.01");
  CHECK(ev("10.00 / 4") == "decimal 2.5");
  CHECK(ev("7.5 % 2") == "decimal 1.5");
  CHECK(ev("1.5e0 + 1") == "float 2.5");
  CHECK(ev("0.5 * 2e0") == "float 1");
  CHECK(ev("-(1.25)") == "decimal -1.25");
  CHECK(ev("+x", {{"x", txt("a")}}) == "error: `+` cannot apply to text `a` in `+x`");
  CHECK(ev("x + 1", {{"x", txt("a")}}) ==
        "error: `+` cannot apply to text `a` and int `1` in `x + 1`");
}

TEST_CASE("dates move by days", "[eval]") {
  Value d = Value::date(mig::Date{19723});  // 2024-01-01
  CHECK(ev("d + 31", {{"d", d}}) == "date 2024-02-01");
  CHECK(ev("d - 1", {{"d", d}}) == "date 2023-12-31");
  CHECK(ev("d - e", {{"d", d}, {"e", Value::date(mig::Date{19000})}}) == "int 723");
}

TEST_CASE("null propagates through operators", "[eval]") {
  CHECK(ev("null + 1") == "null");
  CHECK(ev("-x", {{"x", Value()}}) == "null");
  CHECK(ev("null || 'a'") == "null");
  CHECK(ev("null == null") == "null");
  CHECK(ev("x < 1", {{"x", Value()}}) == "null");
  CHECK(ev("null / 0") == "null");
}

TEST_CASE("three-valued logic", "[eval]") {
  CHECK(ev("null and false") == "bool false");
  CHECK(ev("false and null") == "bool false");
  CHECK(ev("null and true") == "null");
  CHECK(ev("null or true") == "bool true");
  CHECK(ev("true or null") == "bool true");
  CHECK(ev("null or false") == "null");
  CHECK(ev("not null") == "null");
  CHECK(ev("not true") == "bool false");
  CHECK(ev("x is null", {{"x", Value()}}) == "bool true");
  CHECK(ev("x is not null", {{"x", Value()}}) == "bool false");
  CHECK(ev("0 is not null") == "bool true");
  // Evaluation stops as soon as the answer is known.
  CHECK(ev("false and 1 / 0 == 1") == "bool false");
  CHECK(ev("true or 1 / 0 == 1") == "bool true");
  CHECK(ev("x and true", {{"x", num(1)}}) ==
        "error: the operands of `and` must be bools, found int `1` in `x and true`");
}

TEST_CASE("precedence follows the language reference", "[eval]") {
  CHECK(ev("1 + 2 * 3") == "int 7");
  CHECK(ev("(1 + 2) * 3") == "int 9");
  CHECK(ev("10 - 4 - 3") == "int 3");
  CHECK(ev("2 * 3 % 4") == "int 2");
  CHECK(ev("-2 * 3") == "int -6");
  CHECK(ev("'a' || 1 + 2") == "text a3");
  CHECK(ev("1 + 2 == 3 and not false") == "bool true");
  CHECK(ev("not 1 == 2") == "bool true");
  CHECK(ev("true or false and false") == "bool true");
  CHECK(ev("(true or false) and false") == "bool false");
}

TEST_CASE("|| joins canonical texts", "[eval]") {
  CHECK(ev("'a' || 'b' || 'c'") == "text abc");
  CHECK(ev("'n' || 1") == "text n1");
  CHECK(ev("1.50 || ''") == "text 1.50");
  CHECK(ev("true || '!'") == "text true!");
}

TEST_CASE("comparisons read text as the other side's kind", "[eval]") {
  Value d = Value::date(mig::Date{19723});  // 2024-01-01
  CHECK(ev("d >= '2024-01-01'", {{"d", d}}) == "bool true");
  CHECK(ev("'2023-12-31' < d", {{"d", d}}) == "bool true");
  CHECK(ev("d < '2024-01-01 00:00:01'", {{"d", d}}) == "bool true");
  CHECK(ev("x == 10", {{"x", txt("10")}}) == "bool true");
  CHECK(ev("x == 10", {{"x", txt("10.0")}}) == "bool true");
  CHECK(ev("x == 10", {{"x", txt("abc")}}) ==
        "error: text `abc` cannot be read as int in `x == 10`");
  CHECK(ev("d == 'soon'", {{"d", d}}) == "error: text `soon` cannot be read as date in `d == 'soon'`");
  CHECK(ev("true == 1") == "error: cannot compare bool `true` with int `1` in `true == 1`");
  CHECK(ev("1 == 1.00") == "bool true");
  CHECK(ev("'abc' < 'abd'") == "bool true");
  CHECK(ev("2 != 2.0") == "bool false");
  CHECK(ev("1.5e0 > 1") == "bool true");
}

TEST_CASE("in and not in follow SQL", "[eval]") {
  CHECK(ev("2 in [1, 2]") == "bool true");
  CHECK(ev("3 in [1, 2]") == "bool false");
  CHECK(ev("1 in [1, null]") == "bool true");
  CHECK(ev("3 in [1, null]") == "null");
  CHECK(ev("3 not in [1, 2]") == "bool true");
  CHECK(ev("3 not in [1, null]") == "null");
  CHECK(ev("1 not in [1, null]") == "bool false");
  CHECK(ev("x in [1]", {{"x", Value()}}) == "null");
  CHECK(ev("1 in [1.0]") == "bool true");
  CHECK(ev("x in [1, 2]", {{"x", dec("2.00")}}) == "bool true");
  CHECK(ev("x in [a, 2]", {{"x", num(5)}, {"a", num(5)}}) == "bool true");
  CHECK(ev("x in [a, 2]", {{"x", num(5)}, {"a", Value()}}) == "null");
  CHECK(ev("x in ['1', '2']", {{"x", num(2)}}) == "bool true");

  std::map<std::string, Value> params{{"ids", Value::list({num(1), num(2), num(3)})},
                                      {"name", txt("x")}};
  mig::EvalScope scope;
  scope.params = &params;
  CHECK(ev("x in $ids", {{"x", num(3)}}, scope) == "bool true");
  CHECK(ev("x not in $ids", {{"x", num(4)}}, scope) == "bool true");
  CHECK(ev("x in $name", {{"x", num(4)}}, scope) ==
        "compile error: the right side of `in` must be a list such as `[1, 2]`, found text `x`");
}

TEST_CASE("matches searches the whole value with PCRE2", "[eval]") {
  const char* email = R"(x matches "^[^@ ]+@[^@ ]+\\.[^@ ]+$")";
  CHECK(ev(email, {{"x", txt("a.b@c.de")}}) == "bool true");
  CHECK(ev(email, {{"x", txt("a.b@cde")}}) == "bool false");
  CHECK(ev(email, {{"x", Value()}}) == "null");
  CHECK(ev("'abc' matches 'b'") == "bool true");  // a search, not a full match
  CHECK(ev("'abc' matches '^b'") == "bool false");
  CHECK(ev(R"(x matches "^abc$")", {{"x", txt("abc\n")}}) == "bool false");  // `$` is the end
  CHECK(ev(R"('a+b' matches "a\\+b")") == "bool true");
  CHECK(ev("'ÉCOLE' matches '^.....$'") == "bool true");  // `.` is a code point
  CHECK(ev("12345 matches '^[0-9]+$'") == "bool true");
  CHECK(ev("x matches p", {{"x", txt("abc")}, {"p", txt("c$")}}) == "bool true");
  CHECK(ev("x matches p", {{"x", txt("abc")}, {"p", txt("(")}}).rfind(
            "error: invalid regular expression `(`: missing closing parenthesis", 0) == 0);
  CHECK(ev("'a' matches '('").rfind(
            "compile error: invalid regular expression `(`: missing closing parenthesis", 0) == 0);
  // Catastrophic backtracking stops at the match limit instead of hanging the run.
  std::string evil(40, 'a');
  CHECK(ev("x matches '^(a+)+$'", {{"x", txt((evil + "!").c_str())}}).rfind("error:", 0) == 0);
}

TEST_CASE("case and if choose lazily", "[eval]") {
  const char* tier = "case when x > 1 then 'big' when x > 0 then 'small' end";
  CHECK(ev(tier, {{"x", num(5)}}) == "text big");
  CHECK(ev(tier, {{"x", num(1)}}) == "text small");
  CHECK(ev(tier, {{"x", num(0)}}) == "null");
  CHECK(ev(tier, {{"x", Value()}}) == "null");
  CHECK(ev("case when null then 1 else 2 end") == "int 2");
  CHECK(ev("case when true then 1 else 1 / 0 end") == "int 1");
  CHECK(ev("case when 1 then 1 end") ==
        "error: a `when` condition must be a bool, found int `1` in `case when 1 then 1 end`");
  CHECK(ev("if(x > 0, 'pos', 'neg')", {{"x", num(-1)}}) == "text neg");
  CHECK(ev("if(x > 0, 'pos', 'neg')", {{"x", Value()}}) == "text neg");
  CHECK(ev("if(true, 1, 1 / 0)") == "int 1");
  CHECK(ev("if(false, 1 / 0, 2)") == "int 2");
}

TEST_CASE("names resolve to columns once, with did-you-mean", "[eval]") {
  Columns row{{"email", txt("A@B.C")}, {"Order Total", num(3)}};
  CHECK(ev("lower(email)", row) == "text a@b.c");
  CHECK(ev("`Order Total` + 1", row) == "int 4");
  CHECK(ev("emal", row) == "compile error: unknown column `emal`; did you mean `email`?");
  CHECK(ev("EMAIL", row) == "compile error: unknown column `EMAIL`; did you mean `email`?");
  CHECK(ev("zzz", row) == "compile error: unknown column `zzz`");
  CHECK(ev("a.b", row) ==
        "compile error: unknown name `a.b`: a column is a plain name, or `source.NAME`");
  // In where/map the row is the source row: `source.COL` is the same column.
  CHECK(ev("source.email", row) == "text A@B.C");
}

TEST_CASE("check expressions read target columns and source.COL", "[eval]") {
  evaltest::ParsedExpr parsed("total_cents == source.total * 100");
  mig::EvalScope scope;
  scope.row = mig::EvalScope::RowKind::target;
  scope.columns = {"id", "total_cents"};
  scope.source_columns = {"id", "total"};
  mig::Result<mig::Program> p = mig::compile_expr(*parsed.expr, scope);
  REQUIRE(p.ok());
  std::vector<Value> target{num(1), num(1999)};
  std::vector<Value> source{num(1), dec("19.99")};
  CHECK(evaltest::show(p->eval(target, source)) == "bool true");
  REQUIRE(p->holds(target, source).ok());
  CHECK(*p->holds(target, source));

  evaltest::ParsedExpr wrong("source.totl");
  mig::Result<mig::Program> q = mig::compile_expr(*wrong.expr, scope);
  REQUIRE(!q.ok());
  CHECK(q.error().message == "unknown source column `totl`; did you mean `total`?");
}

TEST_CASE("holds: null and false are not true, other kinds are errors", "[eval]") {
  evaltest::ParsedExpr parsed("x > 1");
  mig::EvalScope scope;
  scope.columns = {"x"};
  mig::Result<mig::Program> p = mig::compile_expr(*parsed.expr, scope);
  REQUIRE(p.ok());
  std::vector<Value> two{num(2)}, one{num(1)}, none{Value()};
  CHECK(*p->holds(two));
  CHECK(!*p->holds(one));
  CHECK(!*p->holds(none));
  evaltest::ParsedExpr number("x + 1");
  mig::Result<mig::Program> q = mig::compile_expr(*number.expr, scope);
  REQUIRE(q.ok());
  REQUIRE(!q->holds(two).ok());
  CHECK(q->holds(two).error().message == "the condition must be a bool, found int `3` in `x + 1`");
}

TEST_CASE("parameters are folded into constants", "[eval]") {
  std::map<std::string, Value> params{{"rate", dec("0.25")}, {"country", txt("US")}};
  mig::EvalScope scope;
  scope.params = &params;
  CHECK(ev("x * $rate", {{"x", num(4)}}, scope) == "decimal 1.00");
  CHECK(ev("$contry", {}, scope) == "compile error: unknown parameter `$contry`; did you mean `$country`?");
  evaltest::ParsedExpr parsed("upper($country) || '-' || 1");
  mig::Result<mig::Program> p = mig::compile_expr(*parsed.expr, scope);
  REQUIRE(p.ok());
  REQUIRE(p->constant());
  CHECK(evaltest::show(*p->constant()) == "text US-1");
  CHECK(p->deterministic());
  CHECK(p->text() == "upper($country) || '-' || 1");  // as written
}

TEST_CASE("user functions are compiled into the program", "[eval]") {
  mig::SourceManager sources;
  uint32_t file = sources.add("f.mig",
                              "fn twice(x: int) -> int = x * 2\n"
                              "fn price(c: int) -> decimal = twice(c) / 4\n"
                              "fn half(d: decimal) -> int = d / 2\n"
                              "fn t() -> int = price(n) + twice(n)\n"
                              "fn u() -> int = half(n)\n");
  mig::Diagnostics diags;
  mig::Module module = mig::parse(sources, file, diags);
  REQUIRE(!diags.has_errors());
  mig::CheckedPlan plan;
  using mig::BaseType;
  using mig::Type;
  plan.functions["twice"] = mig::Function{"twice", {Type::of(BaseType::int_)}, Type::of(BaseType::int_), &module.stmts[0]};
  plan.functions["price"] = mig::Function{"price", {Type::of(BaseType::int_)}, Type::of(BaseType::decimal), &module.stmts[1]};
  plan.functions["half"] = mig::Function{"half", {Type::of(BaseType::decimal)}, Type::of(BaseType::int_), &module.stmts[2]};
  mig::EvalScope scope;
  scope.plan = &plan;
  scope.columns = {"n"};
  mig::Result<mig::Program> p = mig::compile_expr(*module.stmts[3].value, scope);
  REQUIRE(p.ok());
  std::vector<Value> row{num(3)};
  CHECK(evaltest::show(p->eval(row)) == "decimal 7.5");  // 6 / 4 + 6
  mig::Result<mig::Program> q = mig::compile_expr(*module.stmts[4].value, scope);
  REQUIRE(q.ok());
  std::vector<Value> four{num(4)}, three{num(3)};
  CHECK(evaltest::show(q->eval(four)) == "int 2");
  CHECK(evaltest::show(q->eval(three)) ==
        "error: the result of `half` must be int, found decimal `1.5` in `half(n)`");
}

TEST_CASE("lookup reads a crosswalk through the runtime's resolver", "[eval]") {
  mig::EvalScope scope;
  std::vector<std::string> asked;
  scope.lookup = [&](const std::string& task, const Value& key) -> mig::Result<std::optional<Value>> {
    asked.push_back(task);
    if (key.kind() == mig::ValueKind::int_ && key.as_int() == 7) return std::optional<Value>(txt("new-7"));
    return std::optional<Value>();
  };
  CHECK(ev("lookup(patients, user_id)", {{"user_id", num(7)}}, scope) == "text new-7");
  CHECK(asked == std::vector<std::string>{"patients"});
  CHECK(ev("lookup(patients, user_id)", {{"user_id", num(8)}}, scope) ==
        "error: no crosswalk entry for `8` in task `patients` in `lookup(patients, user_id)`");
  CHECK(ev("lookup(patients, user_id, default: 'none')", {{"user_id", num(8)}}, scope) == "text none");
  CHECK(ev("lookup(patients, user_id)", {{"user_id", Value()}}, scope) == "null");
  CHECK(ev("lookup(patients, user_id)", {{"user_id", num(7)}}) ==
        "compile error: `lookup` is only available in the expressions of a task");
}

TEST_CASE("calls are checked when compiled", "[eval]") {
  CHECK(ev("lowr('A')") == "compile error: unknown function `lowr`; did you mean `lower`?");
  CHECK(ev("lower('A', 'B')") ==
        "compile error: `lower` takes at most 1 argument by position, but 2 were given");
  CHECK(ev("lpad('A', 3, fil: 'x')") == "compile error: `lpad` has no argument named `fil`");
  CHECK(ev("substr('A')") == "compile error: `substr` needs its argument `start`");
  CHECK(ev("count(a.b)") == "compile error: `count` cannot be used in a row expression");
  CHECK(ev("{'a': 1}") ==
        "compile error: a map such as `{'a': 1}` is only meaningful as the table of `translate`");
  CHECK(ev("substr('abc', x)", {{"x", txt("two")}}) ==
        "error: argument 2 of `substr` must be int, found text `two` in `substr('abc', x)`");
}

TEST_CASE("now() is the run's start when the runtime gives it", "[eval]") {
  mig::EvalScope scope;
  scope.now_micros = int64_t{1'700'000'000} * 1'000'000;
  CHECK(ev("now()", {}, scope) == "timestamptz 2023-11-14 22:13:20+00:00");
}

TEST_CASE("a program is compiled once and evaluated per row", "[eval]") {
  evaltest::ParsedExpr parsed("case when x % 2 == 0 then x * 2 + 1 else -x end");
  mig::EvalScope scope;
  scope.columns = {"x"};
  mig::Result<mig::Program> p = mig::compile_expr(*parsed.expr, scope);
  REQUIRE(p.ok());
  int64_t sum = 0;
  int64_t expected = 0;
  std::vector<Value> row(1);
  for (int64_t x = 0; x < 100'000; ++x) {
    row[0] = num(x);
    mig::Result<Value> v = p->eval(row);
    REQUIRE(v.ok());
    sum += v->as_int();
    expected += x % 2 == 0 ? x * 2 + 1 : -x;
  }
  CHECK(sum == expected);
}
