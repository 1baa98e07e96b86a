// Unit tests of semantic analysis (compiler/analyse*.cpp), the built-in registry and
// parameter values. The rendered diagnostics are golden-tested in tests/check/.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <variant>

#include "compiler/analyse.hpp"
#include "compiler/analyse_context.hpp"
#include "compiler/builtins.hpp"
#include "compiler/param_value.hpp"
#include "compiler/parser.hpp"

using namespace mig;

namespace {

// One analysed plan and what was reported about it.
struct Checked {
  SourceManager sources;
  Diagnostics diags;
  CheckedPlan plan;
  std::vector<std::string> codes;  // diagnostic kinds, in order of place

  bool has(const char* code) const {
    return std::find(codes.begin(), codes.end(), code) != codes.end();
  }
  std::string text() const { return render_text(diags, sources); }
};

std::unique_ptr<Checked> check(const std::string& text, AnalyseOptions options = {},
                               const std::string& name = "plan.mig") {
  auto c = std::make_unique<Checked>();
  if (options.stdlib_dir.empty()) options.stdlib_dir = MIG_SOURCE_DIR "/stdlib";
  uint32_t file = c->sources.add(name, text);
  Module module = parse(c->sources, file, c->diags);
  c->plan = analyse(c->sources, std::move(module), options, c->diags);
  for (const Diagnostic& d : c->diags.sorted()) c->codes.push_back(diag_name(d.id));
  return c;
}

const char* kHeader =
    "source legacy = sqlite(\"legacy.db\")\n"
    "target stage = sqlite(\"stage.db\")\n";

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ParamValue value_of(Type t, std::string_view text) {
  auto parsed = parse_param_value(t, text);
  REQUIRE(std::holds_alternative<ParamValue>(parsed));
  return std::get<ParamValue>(parsed);
}

ParamError error_of(Type t, std::string_view text) {
  auto parsed = parse_param_value(t, text);
  REQUIRE(std::holds_alternative<ParamError>(parsed));
  return std::get<ParamError>(parsed);
}

}  // namespace

TEST_CASE("analyse: the spec's first plan is resolved completely", "[analyse]") {
  std::string text = slurp(MIG_SOURCE_DIR "/tests/check/ok_spec_first_plan/plan.mig");
  auto c = check(text);
  INFO(c->text());
  REQUIRE(c->codes.empty());
  const CheckedPlan& p = c->plan;
  CHECK(p.name == "shop_subset");
  REQUIRE(p.connections.size() == 2);
  CHECK_FALSE(p.connections.at("legacy").is_target);
  CHECK(p.connections.at("stage").is_target);
  REQUIRE(p.params.size() == 1);
  CHECK(p.params.at("customer_ids").type == Type::list_of(BaseType::int_));
  CHECK(p.environments.size() == 1);
  REQUIRE(p.tasks.size() == 2);
  CHECK(p.tasks[0].name == "customers");
  CHECK(p.tasks[0].source == "legacy");
  CHECK(p.tasks[0].target == "stage");
  CHECK(p.tasks[0].deps.empty());
  REQUIRE(p.tasks[1].deps.size() == 1);
  CHECK(p.tasks[1].deps[0].task == "customers");
  CHECK(p.tasks[1].deps[0].kind == Dependency::Kind::follow);
  CHECK(p.task("orders") == &p.tasks[1]);
  CHECK(p.task("nope") == nullptr);
  REQUIRE(p.assertions.size() == 3);
  CHECK(p.assertions[0].kind == Assertion::Kind::unique);
  CHECK(p.assertions[0].task == "customers");
  CHECK(p.assertions[0].columns == std::vector<std::string>{"email"});
  CHECK(p.assertions[1].kind == Assertion::Kind::count_source);
  CHECK(p.assertions[1].task == "orders");
  CHECK(p.assertions[2].kind == Assertion::Kind::no_orphans);
  CHECK(p.assertions[2].task.empty());
  CHECK(p.assertions[2].connection == "stage");
}

TEST_CASE("analyse: every ok_ golden plan checks clean", "[analyse]") {
  namespace fs = std::filesystem;
  size_t n = 0;
  for (const auto& entry : fs::directory_iterator(MIG_SOURCE_DIR "/tests/check")) {
    std::string name = entry.path().filename().string();
    if (name.rfind("ok_", 0) != 0 || fs::exists(entry.path() / "args")) continue;
    fs::path plan = entry.path() / "plan.mig";
    auto c = check(slurp(plan), {}, plan.string());
    INFO(name << "\n" << c->text());
    CHECK(c->codes.empty());
    ++n;
  }
  CHECK(n >= 8);
}

TEST_CASE("analyse: plan and task names", "[analyse]") {
  auto c = check(std::string(kHeader) +
                     "copy legacy.users -> stage.people as patients {}\n"
                     "copy legacy.orders -> stage.orders {}\n"
                     "copy legacy.tmp_* -> stage.tmp_* {}\n"
                     "update stage.people { set { a = 1 } }\n",
                 {}, "dir/my_plan.mig");
  INFO(c->text());
  REQUIRE(c->codes.empty());
  CHECK(c->plan.name == "my_plan");  // no `plan NAME`: the file's stem
  REQUIRE(c->plan.tasks.size() == 4);
  CHECK(c->plan.tasks[0].name == "patients");
  CHECK(c->plan.tasks[1].name == "orders");
  CHECK(c->plan.tasks[2].name == "stage.tmp_*");
  CHECK(c->plan.tasks[3].name == "people");
  CHECK(c->plan.tasks[3].is_update);
  CHECK(c->plan.tasks[3].source == "stage");
  CHECK(c->plan.tasks[3].target == "stage");
}

TEST_CASE("analyse: settings and the task clauses that override them", "[analyse]") {
  auto c = check(std::string(kHeader) +
                 "settings { batch_size = 200  on_conflict = \"update\"  on_error = fail\n"
                 "  parallel = 8  fk_checks = on  confirm_above = 10  state = \"st\"\n"
                 "  reports = \"rep\"  create_tables = true }\n"
                 "copy legacy.a -> stage.a {}\n"
                 "copy legacy.b -> stage.b { batch 7  on conflict skip  confirm above 3 }\n");
  INFO(c->text());
  REQUIRE(c->codes.empty());
  const Settings& s = c->plan.settings;
  CHECK(s.batch_size == 200);
  CHECK(s.on_conflict == ConflictPolicy::update);
  CHECK(s.on_error == CheckAction::fail);
  CHECK(s.parallel == 8);
  CHECK_FALSE(s.fk_checks_deferred);
  CHECK(s.confirm_above == 10);
  CHECK(s.state == "st");
  CHECK(s.reports == "rep");
  CHECK(s.create_tables);
  const Task& a = c->plan.tasks[0];
  CHECK(a.batch_size == 200);
  CHECK(a.on_conflict == ConflictPolicy::update);
  CHECK(a.on_error == CheckAction::fail);
  CHECK(a.confirm_above == 10);
  const Task& b = c->plan.tasks[1];
  CHECK(b.batch_size == 7);
  CHECK(b.on_conflict == ConflictPolicy::skip);
  CHECK(b.confirm_above == 3);
}

TEST_CASE("analyse: default settings", "[analyse]") {
  auto c = check(std::string(kHeader) + "copy legacy.a -> stage.a {}\n");
  REQUIRE(c->codes.empty());
  CHECK(c->plan.settings.batch_size == 5000);
  CHECK(c->plan.tasks[0].batch_size == 5000);
  CHECK_FALSE(c->plan.tasks[0].confirm_above);
}

TEST_CASE("analyse: expectations are classified", "[analyse]") {
  auto c = check(std::string(kHeader) +
                 "copy legacy.a -> stage.a {\n"
                 "  expect rejects <= 0.5%\n"
                 "  expect rejects == 0\n"
                 "  expect not_null(id, email)\n"
                 "  expect parity\n"
                 "}\n"
                 "expect rejects < 10\n"
                 "expect count(stage.a) == count(legacy.a)\n"
                 "expect sql(stage, \"select 1\") == 1\n");
  INFO(c->text());
  REQUIRE(c->codes.empty());
  const auto& as = c->plan.assertions;
  REQUIRE(as.size() == 7);
  CHECK(as[0].kind == Assertion::Kind::rejects);
  CHECK(as[0].op == Op::le);
  CHECK(as[0].limit == "0.5");
  CHECK(as[0].percent);
  CHECK(as[1].kind == Assertion::Kind::rejects);
  CHECK(as[1].limit == "0");
  CHECK_FALSE(as[1].percent);
  CHECK(as[2].kind == Assertion::Kind::not_null);
  CHECK(as[2].columns == std::vector<std::string>{"id", "email"});
  CHECK(as[3].kind == Assertion::Kind::parity);
  CHECK(as[4].kind == Assertion::Kind::rejects);
  CHECK(as[4].task.empty());
  CHECK(as[5].kind == Assertion::Kind::expr);
  CHECK(as[6].kind == Assertion::Kind::expr);
  CHECK(as[6].expect != nullptr);
}

TEST_CASE("analyse: a share of rejects above 100% is refused", "[analyse]") {
  auto c = check(std::string(kHeader) + "copy legacy.a -> stage.a { expect rejects <= 150% }\n");
  CHECK(c->codes == std::vector<std::string>{"invalid_assertion"});
}

TEST_CASE("analyse: lookups become dependencies and cycles are named", "[analyse]") {
  auto c = check(std::string(kHeader) +
                 "copy legacy.a -> stage.a { map { x = lookup(b, x) } }\n"
                 "copy legacy.b -> stage.b { where lookup(c, y) is not null }\n"
                 "copy legacy.c -> stage.c { follow z -> a }\n");
  REQUIRE(c->codes == std::vector<std::string>{"task_cycle"});
  CHECK(c->text().find("tasks form a cycle: a -> b -> c -> a") != std::string::npos);
  REQUIRE(c->plan.tasks[0].deps.size() == 1);
  CHECK(c->plan.tasks[0].deps[0].kind == Dependency::Kind::lookup);
  CHECK(c->plan.tasks[0].deps[0].task == "b");
}

TEST_CASE("analyse: a chain of thousands of tasks is no cycle and no stack overflow", "[analyse]") {
  std::string text = kHeader;
  text += "copy legacy.t0 -> stage.t0 {}\n";
  for (int i = 1; i < 3000; ++i)
    text += "copy legacy.t" + std::to_string(i) + " -> stage.t" + std::to_string(i) +
            " { follow id -> t" + std::to_string(i - 1) + " }\n";
  auto c = check(text);
  CHECK(c->codes.empty());
  CHECK(c->plan.tasks.size() == 3000);
}

TEST_CASE("find_cycles: each cycle once, with its edges", "[analyse]") {
  std::vector<std::vector<Edge>> g(4);
  g[0].push_back(Edge{1, {}, "a"});
  g[1].push_back(Edge{0, {}, "b"});
  g[2].push_back(Edge{2, {}, "self"});
  g[3].push_back(Edge{0, {}, "into"});
  auto cycles = find_cycles(g);
  REQUIRE(cycles.size() == 2);
  REQUIRE(cycles[0].size() == 2);
  CHECK(cycles[0][0].first == 0);
  CHECK(cycles[0][0].second->label == "a");
  CHECK(cycles[0][1].first == 1);
  CHECK(cycles[0][1].second->label == "b");
  REQUIRE(cycles[1].size() == 1);
  CHECK(cycles[1][0].first == 2);
}

TEST_CASE("analyse: parameter values from the command line", "[analyse][params]") {
  std::string text = std::string(kHeader) +
                     "param ids : list<int>\n"
                     "param since : date = \"2024-01-01\"\n"
                     "copy legacy.a -> stage.a { where id in $ids and d >= $since }\n";
  SECTION("a valid value is kept") {
    AnalyseOptions o;
    o.params["ids"] = "1, 2,3";
    auto c = check(text, o);
    CHECK(c->codes.empty());
    CHECK(c->plan.params.at("ids").given == "1, 2,3");
    CHECK_FALSE(c->plan.params.at("since").given);
  }
  SECTION("migc check does not need a value for a required parameter") {
    auto c = check(text);
    CHECK(c->codes.empty());
  }
  SECTION("migrun does") {
    AnalyseOptions o;
    o.require_params = true;
    auto c = check(text, o);
    CHECK(c->codes == std::vector<std::string>{"param_missing"});
    CHECK(c->text().find("help: give it with `--param ids=VALUE` or the environment variable "
                         "`MIG_PARAM_ids`") != std::string::npos);
  }
  SECTION("a bad value is reported once, not also as missing") {
    AnalyseOptions o;
    o.require_params = true;
    o.params["ids"] = "1,two";
    auto c = check(text, o);
    CHECK(c->codes == std::vector<std::string>{"param_value"});
  }
  SECTION("a value for an undeclared parameter") {
    AnalyseOptions o;
    o.params["idz"] = "1";
    auto c = check(text, o);
    CHECK(c->codes == std::vector<std::string>{"param_not_declared"});
  }
}

TEST_CASE("analyse: stdlib modules are loaded and their functions usable", "[analyse][stdlib]") {
  auto c = check("use money, address, email, phone\n" + std::string(kHeader) +
                 "copy legacy.a -> stage.a { map {\n"
                 "  id = address_hash(a1, a2, city, province, postal)\n"
                 "  cents = money_cents(total)\n"
                 "  email = normalize_email(email)\n"
                 "  ok = is_email(email)\n"
                 "  phone = e164(phone)\n"
                 "} }\n");
  INFO(c->text());
  CHECK(c->codes.empty());
  CHECK(c->plan.modules.size() == 5);
  CHECK(c->plan.functions.count("address_hash"));
  CHECK(c->plan.functions.at("money_cents").result == Type::of(BaseType::int_));
  CHECK(c->plan.params.count("phone_country_code"));
}

TEST_CASE("analyse: each stdlib module checks clean on its own", "[analyse][stdlib]") {
  for (const char* name : {"money", "address", "email", "phone"}) {
    auto c = check("use " + std::string(name) + "\n" + kHeader + "copy legacy.a -> stage.a {}\n");
    INFO(name << "\n" << c->text());
    CHECK(c->codes.empty());
  }
}

TEST_CASE("analyse: a plan's declaration clashing with a module's is reported in the plan",
          "[analyse][stdlib]") {
  auto c = check("use email\nfn normalize_email(v: text) -> text = v\n" + std::string(kHeader) +
                 "copy legacy.a -> stage.a {}\n");
  REQUIRE(c->codes == std::vector<std::string>{"duplicate_declaration"});
  CHECK(c->diags.all()[0].span.file == 0);
}

TEST_CASE("analyse: spelled values for date and uuid parameter defaults", "[analyse][params]") {
  auto c = check(std::string(kHeader) +
                 "param days : list<date> = [\"2024-01-01\", \"2024-02-29\"]\n"
                 "param bad : list<date> = [\"2023-02-29\"]\n"
                 "param id : uuid = \"not-a-uuid\"\n"
                 "copy legacy.a -> stage.a {}\n");
  CHECK(c->codes == std::vector<std::string>{"param_value", "param_value"});
}

TEST_CASE("analyse: names are resolved in their scope", "[analyse]") {
  SECTION("check sees target columns and source.COL") {
    auto c = check(std::string(kHeader) +
                   "copy legacy.a -> stage.a { check source.email == email }\n");
    CHECK(c->codes.empty());
  }
  SECTION("a function sees only its parameters") {
    auto c = check(std::string(kHeader) + "fn f(a: int) -> int = a + b\ncopy legacy.a -> stage.a {}\n");
    CHECK(c->codes == std::vector<std::string>{"unknown_name"});
  }
  SECTION("parameters may be used in connectors") {
    auto c = check("param db : text = \"x.db\"\nsource legacy = sqlite($db)\n"
                   "target stage = sqlite(\"s.db\")\ncopy legacy.a -> stage.a {}\n");
    CHECK(c->codes.empty());
  }
}

TEST_CASE("analyse: types are checked only where they are certain", "[analyse]") {
  auto ok = [](const std::string& where) {
    auto c = check(std::string(kHeader) + "param ids : list<int>\ncopy legacy.a -> stage.a { where " +
                   where + " }\n");
    INFO(where << "\n" << c->text());
    return c->codes.empty();
  };
  CHECK(ok("a == b"));
  CHECK(ok("a + 1 > 2.5"));
  CHECK(ok("created_at >= \"2024-01-01\""));
  CHECK(ok("now() > \"2024-01-01\""));
  CHECK(ok("id in $ids and id not in [1, 2, null]"));
  CHECK(ok("coalesce(a, 1) == 1.5"));
  CHECK(ok("if(a > 1, \"x\", null) matches \"^x$\""));
  CHECK(ok("translate(s, {\"a\": 1, \"b\": 2}, default: 0) > 1"));
  CHECK(ok("json_get(\"{}\", \"a.b[0]\") is null"));
  CHECK(ok("uuid5(\"ns\", a, b, 3) is not null and xxh3(a, b) > 0"));
  CHECK(ok("parse_timestamp(t, \"%Y\", \"%Y-%m\") < to_utc(t2, \"America/New_York\")"));
  CHECK(ok("round(price, 2) > 0 and abs(-1) == 1 and cents(1) == 100 and dollars(100) == 1"));
  CHECK(ok("bcrypt(p, cost: 10) == bcrypt(p, 12)"));
  CHECK(ok("name matches \"(?i)^\\\\w+(?<=x)\\\\z\""));  // PCRE syntax, as the runtime reads it
  CHECK_FALSE(ok("name matches \"(a\""));
  CHECK_FALSE(ok("1 == \"1\""));
  CHECK_FALSE(ok("a in 3"));
  CHECK_FALSE(ok("[1, \"a\"] == x"));
  CHECK_FALSE(ok("\"a\" and true"));
  CHECK_FALSE(ok("-\"a\" == 1"));
  CHECK_FALSE(ok("coalesce(1, \"a\") == 1"));
  CHECK_FALSE(ok("round(\"1.5\") == 2"));
  CHECK_FALSE(ok("5 matches \"x\""));
  CHECK_FALSE(ok("count(stage.a) > 1"));
  CHECK_FALSE(ok("sqlite(\"x\") == 1"));
}

TEST_CASE("analyse: user functions are checked like built-ins", "[analyse]") {
  auto c = check(std::string(kHeader) +
                 "fn full(a: text, b: text) -> text = a || \" \" || b\n"
                 "copy legacy.a -> stage.a { map { x = full(a, b: c)  y = full(1, \"x\")\n"
                 "  z = full(a, c: 1) } }\n");
  CHECK(c->codes == std::vector<std::string>{"wrong_argument_type", "wrong_arity",
                                             "unknown_named_argument"});
}

TEST_CASE("analyse: an environment binding is a connector for a declared connection", "[analyse]") {
  auto c = check(std::string(kHeader) +
                 "environment dev { legacy = sqlite(\"a\")  legacy = sqlite(\"b\")  stage = 3 }\n"
                 "environment dev { }\n"
                 "copy legacy.a -> stage.a {}\n");
  CHECK(c->codes == std::vector<std::string>{"duplicate_declaration", "expected_connector",
                                             "duplicate_declaration"});
}

TEST_CASE("analyse: set only assigns, and update writes a target", "[analyse]") {
  auto c = check(std::string(kHeader) + "update stage.users { key id  set { *  a = 1  a = 2 } }\n");
  CHECK(c->codes == std::vector<std::string>{"clause_not_allowed", "duplicate_map_column"});
}

TEST_CASE("analyse: a plan that fails to parse gets no follow-on warning", "[analyse]") {
  auto c = check("source legacy = sqlite(\"a\")\ncopy legacy.a -> {\n");
  CHECK_FALSE(c->has("no_tasks"));
  CHECK(c->has("syntax_error"));
}

TEST_CASE("analyse: never crashes on any prefix of a plan", "[analyse][robust]") {
  for (const char* name : {"ok_spec_first_plan", "ok_spec_expect_forms", "ok_spec_connectors"}) {
    std::string text = slurp(std::string(MIG_SOURCE_DIR "/tests/check/") + name + "/plan.mig");
    for (size_t n = 0; n <= text.size(); n += 3) {
      auto c = check(text.substr(0, n));
      (void)c->text();
    }
  }
  SUCCEED("no crash");
}

TEST_CASE("builtins: one registry, indexable by id and name", "[builtins]") {
  const auto& all = builtins();
  REQUIRE(all.size() > 50);
  std::set<std::string> names;
  for (size_t i = 0; i < all.size(); ++i) {
    CHECK(size_t(all[i].id) == i);
    CHECK(names.insert(all[i].signature.name).second);
    CHECK(find_builtin(all[i].signature.name) == &all[i]);
  }
  for (const char* spec_name :
       {"lower", "upper", "trim", "ltrim", "rtrim", "length", "substr", "replace", "regex_replace",
        "split_part", "concat", "digits", "lpad", "rpad", "round", "floor", "ceil", "abs", "cents",
        "dollars", "to_int", "to_decimal", "now", "parse_timestamp", "to_utc", "format_timestamp",
        "date_trunc", "uuid", "uuid5", "md5", "sha256", "xxh3", "parse_json", "json_get",
        "to_json", "coalesce", "nullif", "if", "translate", "bcrypt", "lookup", "postgres",
        "mariadb", "mysql", "sqlite", "csv", "env", "secret", "count", "sql", "unique", "not_null"})
    CHECK(find_builtin(spec_name) != nullptr);
  CHECK(find_builtin("nope") == nullptr);
  CHECK(builtin(BuiltinId::if_).signature.name == "if");
  CHECK(signature_text(builtin(BuiltinId::substr).signature) ==
        "substr(value: text, start: int[, length: int])");
  CHECK(signature_text(builtin(BuiltinId::coalesce).signature) == "coalesce(value: any, ...)");
}

TEST_CASE("param values: scalars", "[params]") {
  Type t_int = Type::of(BaseType::int_);
  CHECK(value_of(t_int, " -42 ").items == std::vector<std::string>{"-42"});
  CHECK(value_of(t_int, "+7").items == std::vector<std::string>{"7"});
  CHECK(error_of(t_int, "4x").bad == "4x");
  CHECK(error_of(t_int, "99999999999999999999").expected == "int");
  Type t_dec = Type::of(BaseType::decimal);
  CHECK(value_of(t_dec, "0019.90").items == std::vector<std::string>{"19.90"});
  CHECK(value_of(t_dec, "-.5").items == std::vector<std::string>{"-0.5"});
  CHECK(value_of(t_dec, "-0").items == std::vector<std::string>{"0"});
  error_of(t_dec, "1.2.3");
  error_of(t_dec, std::string(39, '9'));
  CHECK(value_of(Type::of(BaseType::float_), "1.5e3").items == std::vector<std::string>{"1.5e3"});
  error_of(Type::of(BaseType::float_), "inf");
  CHECK(value_of(Type::of(BaseType::bool_), "YES").items == std::vector<std::string>{"true"});
  CHECK(value_of(Type::of(BaseType::bool_), "0").items == std::vector<std::string>{"false"});
  error_of(Type::of(BaseType::bool_), "maybe");
  CHECK(value_of(Type::of(BaseType::text), " as is ").items == std::vector<std::string>{" as is "});
}

TEST_CASE("param values: dates, times, uuids, json, bytes", "[params]") {
  Type date = Type::of(BaseType::date);
  CHECK(value_of(date, "2024-02-29").items[0] == "2024-02-29");
  CHECK(error_of(date, "2023-02-29").expected == "date (YYYY-MM-DD)");
  error_of(date, "2024-13-01");
  error_of(date, "24-01-01");
  Type ts = Type::of(BaseType::timestamp);
  CHECK(value_of(ts, "2024-01-02T03:04").items[0] == "2024-01-02 03:04:00");
  CHECK(value_of(ts, "2024-01-02 03:04:05.123").items[0] == "2024-01-02 03:04:05.123");
  error_of(ts, "2024-01-02 24:00");
  Type tz = Type::of(BaseType::timestamptz);
  CHECK(value_of(tz, "2024-01-02T03:04:05Z").items[0] == "2024-01-02 03:04:05 +00:00");
  CHECK(value_of(tz, "2024-01-02 03:04:05-0530").items[0] == "2024-01-02 03:04:05 -05:30");
  CHECK(value_of(tz, "2024-01-02 03:04+01").items[0] == "2024-01-02 03:04:00 +01:00");
  error_of(tz, "2024-01-02 03:04:05");
  Type uuid = Type::of(BaseType::uuid);
  CHECK(value_of(uuid, "6BA7B810-9DAD-11D1-80B4-00C04FD430C8").items[0] ==
        "6ba7b810-9dad-11d1-80b4-00c04fd430c8");
  CHECK(value_of(uuid, "6ba7b8109dad11d180b400c04fd430c8").items[0] ==
        "6ba7b810-9dad-11d1-80b4-00c04fd430c8");
  error_of(uuid, "6ba7b810-9dad-11d1-80b4-00c04fd430c");
  CHECK(value_of(Type::of(BaseType::json), "{ \"a\" : [1, 2] }").items[0] == "{\"a\":[1,2]}");
  error_of(Type::of(BaseType::json), "{a:1}");
  CHECK(value_of(Type::of(BaseType::bytes), "\\xDEADbeef").items[0] == "deadbeef");
  error_of(Type::of(BaseType::bytes), "abc");
}

TEST_CASE("param values: lists", "[params]") {
  Type ints = Type::list_of(BaseType::int_);
  ParamValue v = value_of(ints, "1, 2 ,3");
  CHECK(v.is_list);
  CHECK(v.items == std::vector<std::string>{"1", "2", "3"});
  CHECK(value_of(ints, "").items.empty());
  CHECK(value_of(ints, "  ").items.empty());
  ParamError e = error_of(ints, "1, x2,3");
  CHECK(e.bad == "x2");
  CHECK(e.offset == 3);
  CHECK(e.length == 2);
  CHECK(value_of(Type::list_of(BaseType::text), "a, b").items == std::vector<std::string>{"a", "b"});
  CHECK(value_of(Type::list_of(BaseType::date), "2024-01-01,2024-01-02").items.size() == 2);
}
