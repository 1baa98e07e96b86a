// The parser: every construct of spec/LANGUAGE.md parses into the expected tree (shown
// as an S-expression dump), spans cover what they should, and bad input gives the
// expected diagnostic, compared as the whole rendered text with its caret.
#include <catch2/catch.hpp>

#include <string>

#include "compiler/parser.hpp"

using namespace mig;

namespace {

// ---- an S-expression dump of the AST, so a test states a whole tree in one line
inline std::string op_name(Op op) {
  switch (op) {
    case Op::none: return "?"; case Op::neg: return "neg"; case Op::plus: return "pos"; case Op::not_: return "not";
    case Op::add: return "+"; case Op::sub: return "-"; case Op::mul: return "*"; case Op::div: return "/";
    case Op::mod: return "%"; case Op::concat: return "||"; case Op::eq: return "=="; case Op::ne: return "!=";
    case Op::lt: return "<"; case Op::le: return "<="; case Op::gt: return ">"; case Op::ge: return ">=";
    case Op::and_: return "and"; case Op::or_: return "or";
  }
  return "?";
}
inline std::string id(const Ident& i) { return i.quoted ? "`" + i.text + "`" : i.text; }
inline std::string dump(const Expr* e) {
  if (!e) return "<null>";
  std::string s;
  switch (e->kind) {
    case ExprKind::literal: {
      const char* k[] = {"int", "dec", "float", "str", "bool", "null", "pct"};
      return std::string(k[int(e->lit)]) + ":" + e->value;
    }
    case ExprKind::name: for (size_t i = 0; i < e->path.size(); ++i) s += (i ? "." : "") + id(e->path[i]); return s;
    case ExprKind::param: return "$" + e->text;
    case ExprKind::list: s = "["; for (auto& a : e->args) s += (s.size() > 1 ? " " : "") + dump(a.get()); return s + "]";
    case ExprKind::map: s = "{"; for (auto& en : e->entries) s += (s.size() > 1 ? " " : "") + dump(en.key.get()) + ":" + dump(en.value.get()); return s + "}";
    case ExprKind::unary: return "(" + op_name(e->op) + " " + dump(e->args[0].get()) + ")";
    case ExprKind::binary: return "(" + op_name(e->op) + " " + dump(e->args[0].get()) + " " + dump(e->args[1].get()) + ")";
    case ExprKind::in: return std::string("(") + (e->negated ? "not-in " : "in ") + dump(e->args[0].get()) + " " + dump(e->args[1].get()) + ")";
    case ExprKind::is_null: return std::string("(") + (e->negated ? "is-not-null " : "is-null ") + dump(e->args[0].get()) + ")";
    case ExprKind::matches: return "(matches " + dump(e->args[0].get()) + " " + dump(e->args[1].get()) + ")";
    case ExprKind::case_: s = "(case"; for (auto& w : e->whens) s += " (when " + dump(w.condition.get()) + " " + dump(w.value.get()) + ")"; if (e->else_value) s += " (else " + dump(e->else_value.get()) + ")"; return s + ")";
    case ExprKind::call: s = "(call " + id(e->callee); for (auto& a : e->args) s += " " + dump(a.get()); for (auto& n : e->named) s += " " + id(n.name) + ":" + dump(n.value.get()); return s + ")";
  }
  return "?";
}
inline std::string dump(const TypeRef& t) { std::string s = id(t.name); if (!t.args.empty()) { s += "<"; for (size_t i = 0; i < t.args.size(); ++i) s += (i ? "," : "") + dump(t.args[i]); s += ">"; } return s; }
inline std::string dump(const TableRef& t) { std::string s; for (size_t i = 0; i < t.parts.size(); ++i) s += (i ? "." : "") + id(t.parts[i]); return s; }
inline std::string dump(const Expectation& x) { return x.no_orphans_in ? "(no-orphans " + id(*x.no_orphans_in) + ")" : dump(x.expr.get()); }
inline std::string dump(const Clause& c) {
  using K = Clause::Kind; std::string s;
  switch (c.kind) {
    case K::key: s = "(key"; for (auto& i : c.columns) s += " " + id(i); return s + ")";
    case K::where: return "(where " + dump(c.expr.get()) + ")";
    case K::follow: s = "(follow"; for (auto& i : c.columns) s += " " + id(i); return s + " -> " + id(c.task) + ")";
    case K::follow_fks: return "(follow-fks)";
    case K::skip: s = "(skip"; for (auto& i : c.patterns) s += " " + id(i); return s + ")";
    case K::map: case K::set:
      s = c.kind == K::map ? "(map" : "(set";
      for (auto& it : c.items) {
        if (it.kind == MapItem::Kind::star) s += " *";
        else if (it.kind == MapItem::Kind::drop) s += " (drop " + id(it.column) + ")";
        else s += " (" + id(it.column) + " = " + dump(it.value.get()) + ")";
      }
      return s + ")";
    case K::check: { const char* a[] = {"reject", "fail", "warn"}; s = "(check " + dump(c.expr.get()); if (c.action_given) s += std::string(" else ") + a[int(c.action)]; if (c.label) s += " as \"" + *c.label + "\""; return s + ")"; }
    case K::expect: return "(expect " + dump(c.expectation) + ")";
    case K::on_conflict: { const char* a[] = {"skip", "update", "fail"}; return std::string("(on-conflict ") + a[int(c.conflict)] + ")"; }
    case K::batch: return "(batch " + dump(c.expr.get()) + ")";
    case K::confirm: return "(confirm " + dump(c.expr.get()) + ")";
  }
  return "?";
}
inline std::string dump(const Stmt& st) {
  using K = Stmt::Kind; std::string s;
  switch (st.kind) {
    case K::plan: return "(plan " + id(st.name) + ")";
    case K::use: s = "(use"; for (auto& m : st.modules) s += " " + id(m); for (auto& m : st.module_paths) s += " \"" + m.text + "\""; return s + ")";
    case K::param: return "(param " + id(st.name) + " " + dump(*st.type) + (st.value ? " = " + dump(st.value.get()) : "") + ")";
    case K::source: return "(source " + id(st.name) + " " + dump(st.value.get()) + ")";
    case K::target: return "(target " + id(st.name) + " " + dump(st.value.get()) + ")";
    case K::environment: case K::settings:
      s = st.kind == K::environment ? "(environment " + id(st.name) : "(settings";
      for (auto& b : st.bindings) s += " (" + id(b.name) + " = " + dump(b.value.get()) + ")";
      return s + ")";
    case K::fn: s = "(fn " + id(st.name) + " ("; for (size_t i = 0; i < st.fn_params.size(); ++i) s += (i ? " " : "") + id(st.fn_params[i].name) + ":" + dump(st.fn_params[i].type); return s + ") " + dump(*st.type) + " " + dump(st.value.get()) + ")";
    case K::copy: case K::update:
      s = st.kind == K::copy ? "(copy " + dump(st.from) + " -> " + dump(st.to) : "(update " + dump(st.from);
      if (!st.name.text.empty()) s += " as " + id(st.name);
      for (auto& c : st.clauses) s += " " + dump(c);
      return s + ")";
    case K::expect: return "(expect " + dump(st.expectation) + ")";
    case K::hook: return std::string("(") + (st.after ? "after " : "before ") + id(st.conn) + " sql \"" + st.sql + "\")";
  }
  return "?";
}
inline std::string dump(const Module& m) { std::string s; for (auto& st : m.stmts) s += dump(st) + "\n"; return s; }

// ---- running the parser

struct Parsed {
  SourceManager sources;
  Diagnostics diags;
  Module module;
};

Parsed run(const std::string& text) {
  Parsed p;
  const uint32_t file = p.sources.add("t.mig", text);
  p.module = parse(p.sources, file, p.diags);
  return p;
}

// The dump of a file that must parse without diagnostics.
std::string tree(const std::string& text) {
  Parsed p = run(text);
  INFO(render_text(p.diags, p.sources));
  REQUIRE(p.diags.all().empty());
  std::string s = dump(p.module);
  if (!s.empty()) s.pop_back();  // the last newline
  return s;
}

// The dump of the single expression in `expect EXPR`.
std::string expr_tree(const std::string& expr) {
  std::string s = tree("expect " + expr);
  return s.substr(8, s.size() - 9);
}

// The rendered diagnostics of a file that must fail.
std::string errors(const std::string& text) {
  Parsed p = run(text);
  REQUIRE(p.diags.has_errors());
  return render_text(p.diags, p.sources);
}

std::string spanned(const std::string& text, Span s) { return text.substr(s.begin, s.end - s.begin); }

}  // namespace

// ------------------------------------------------------------------ the spec's examples

TEST_CASE("the spec's first plan", "[parser]") {
  const std::string text = R"mig(plan shop_subset                           # names the state store and the reports

source legacy = mariadb(env("LEGACY_URL"))
target stage  = postgres(env("STAGE_URL"))

environment dev {                          # migrun shop.mig --env dev
  legacy = sqlite("examples/shop/legacy.db")
  stage  = sqlite("out/stage.db")
}

param customer_ids : list<int>             # migrun ... --param customer_ids=1,2,3

copy legacy.customers -> stage.customers {
  where id in $customer_ids
  map {
    *                                      # every source column that the target also has
    email = lower(trim(email))
  }
  check email matches "^[^@ ]+@[^@ ]+\\.[^@ ]+$"
  expect unique(email)
}

copy legacy.orders -> stage.orders {
  follow customer_id -> customers          # only orders of the customers selected above
  map {
    *
    total_cents = cents(total)             # exact decimal dollars -> integer cents
    drop total
  }
  check total_cents >= 0 else reject as "negative total"
  expect count == source
}

expect no orphans in stage
)mig";
  CHECK(tree(text) ==
        "(plan shop_subset)\n"
        "(source legacy (call mariadb (call env str:LEGACY_URL)))\n"
        "(target stage (call postgres (call env str:STAGE_URL)))\n"
        "(environment dev (legacy = (call sqlite str:examples/shop/legacy.db)) (stage = (call sqlite str:out/stage.db)))\n"
        "(param customer_ids list<int>)\n"
        "(copy legacy.customers -> stage.customers (where (in id $customer_ids)) (map * (email = (call lower (call trim email)))) (check (matches email str:^[^@ ]+@[^@ ]+\\.[^@ ]+$)) (expect (call unique email)))\n"
        "(copy legacy.orders -> stage.orders (follow customer_id -> customers) (map * (total_cents = (call cents total)) (drop total)) (check (>= total_cents int:0) else reject as \"negative total\") (expect (== count source)))\n"
        "(expect (no-orphans stage))");
  Parsed p = run(text);
  REQUIRE(p.module.comments.size() == 6);
  CHECK(p.module.comments[0].text == "# names the state store and the reports");
  CHECK(spanned(text, p.module.comments[0].span) == p.module.comments[0].text);
}

TEST_CASE("the spec's crosswalk example", "[parser]") {
  CHECK(tree(R"mig(
copy old.users -> new.patients as patients {
  where role == "PATIENT"
  map { *  id = uuid5("patients", id)  drop role }
}
copy old.users -> new.users as staff {
  where role in $staff_roles
}
copy old.appointments -> new.appointments {
  map {
    *
    patient_id = lookup(patients, user_id)     # old user id -> new patient uuid
    drop user_id
  }
}
)mig") == "(copy old.users -> new.patients as patients (where (== role str:PATIENT)) (map * (id = (call uuid5 str:patients id)) (drop role)))\n"
          "(copy old.users -> new.users as staff (where (in role $staff_roles)))\n"
          "(copy old.appointments -> new.appointments (map * (patient_id = (call lookup patients user_id)) (drop user_id)))");
}

TEST_CASE("the spec's update and settings examples", "[parser]") {
  CHECK(tree("update app.users {\n  key id\n  where uuid_id is null\n  set { uuid_id = uuid() }\n}\n") ==
        "(update app.users (key id) (where (is-null uuid_id)) (set (uuid_id = (call uuid))))");
  CHECK(tree(R"mig(settings {
  batch_size    = 5000
  on_conflict   = skip        # skip | update | fail
  on_error      = reject      # default for check, and for rows the target refuses: reject | fail
  parallel      = 4           # tasks running at once
  fk_checks     = deferred    # off while loading, verified at the end | on
  confirm_above = 400
  state         = ".mig/state"
  reports       = "reports"
  create_tables = false       # true: create missing target tables (below)
})mig") == "(settings (batch_size = int:5000) (on_conflict = skip) (on_error = reject) (parallel = int:4) "
           "(fk_checks = deferred) (confirm_above = int:400) (state = str:.mig/state) (reports = str:reports) "
           "(create_tables = bool:false))");
}

// ------------------------------------------------------------------ statements

TEST_CASE("top-level statements", "[parser]") {
  CHECK(tree("plan p") == "(plan p)");
  CHECK(tree("use money, email") == "(use money email)");
  CHECK(tree("use \"lib/x.mig\"") == "(use \"lib/x.mig\")");
  CHECK(tree("use a, b plan p") == "(use a b)\n(plan p)");
  CHECK(tree("param n : int = 5") == "(param n int = int:5)");
  CHECK(tree("param ids : list<int>") == "(param ids list<int>)");
  CHECK(tree("param m : map<text, list<int>>") == "(param m map<text,list<int>>)");
  CHECK(tree("source s = sqlite(\"a.db\")  target t = postgres(env(\"URL\", \"x\"))") ==
        "(source s (call sqlite str:a.db))\n(target t (call postgres (call env str:URL str:x)))");
  CHECK(tree("source f = csv(\"exports/\", header: true, delimiter: \",\", null: \"\", types: {\"col\": \"int\"})") ==
        "(source f (call csv str:exports/ header:bool:true delimiter:str:, null:str: types:{str:col:str:int}))");
  CHECK(tree("environment dev { a = sqlite(\"a\"); b = sqlite(\"b\"), }") ==
        "(environment dev (a = (call sqlite str:a)) (b = (call sqlite str:b)))");
  CHECK(tree("environment empty {}") == "(environment empty)");
  CHECK(tree("settings { parallel = 4, on_conflict = update }") ==
        "(settings (parallel = int:4) (on_conflict = update))");
  CHECK(tree("fn full(a : text, b: text) -> text = a || \" \" || b") ==
        "(fn full (a:text b:text) text (|| (|| a str: ) b))");
  CHECK(tree("fn zero() -> int = 0") == "(fn zero () int int:0)");
  CHECK(tree("expect count(new.users) + count(new.patients) == count(old.users)") ==
        "(expect (== (+ (call count new.users) (call count new.patients)) (call count old.users)))");
  CHECK(tree("expect sql(stage, \"select count(*) from t\") == 0") ==
        "(expect (== (call sql stage str:select count(*) from t) int:0))");
  CHECK(tree("expect no orphans in stage") == "(expect (no-orphans stage))");
  CHECK(tree("before stage sql \"truncate x\"\nafter stage sql 'analyze'") ==
        "(before stage sql \"truncate x\")\n(after stage sql \"analyze\")");
}

TEST_CASE("separators, layout and comments", "[parser]") {
  CHECK(tree("plan p; source s = sqlite(\"a\"), copy s.a -> s.b { map { * } }; expect no orphans in s;") ==
        "(plan p)\n(source s (call sqlite str:a))\n(copy s.a -> s.b (map *))\n(expect (no-orphans s))");
  CHECK(tree("copy a.b -> c.d { map { *  id = uuid5(\"p\", id)  drop role } }") ==
        "(copy a.b -> c.d (map * (id = (call uuid5 str:p id)) (drop role)))");
  CHECK(tree("copy a.b -> c.d { map { *, x = 1; y = 2, drop z, } }") ==
        "(copy a.b -> c.d (map * (x = int:1) (y = int:2) (drop z)))");
  CHECK(tree("copy\na.b\n->\nc.d\n{\nwhere\nx\n==\n1\n}") == "(copy a.b -> c.d (where (== x int:1)))");
  CHECK(tree("plan p\r\nexpect 1 == 1\r\n") == "(plan p)\n(expect (== int:1 int:1))");
  Parsed p = run("# a\nexpect \"# no\" == '#' # b\ncopy a.`#x` -> c.d {}#c");
  REQUIRE(p.module.comments.size() == 3);
  CHECK(p.module.comments[0].text == "# a");
  CHECK(p.module.comments[1].text == "# b");
  CHECK(p.module.comments[2].text == "#c");
  Parsed crlf = run("plan p # x\r\n");
  REQUIRE(crlf.module.comments.size() == 1);
  CHECK(crlf.module.comments[0].text == "# x");
}

// ------------------------------------------------------------------ copy and update

TEST_CASE("table references and patterns", "[parser]") {
  CHECK(tree("copy a.b -> c.d {}") == "(copy a.b -> c.d)");
  CHECK(tree("copy prod.STARFOX.users -> stage.STARFOX.users {}") ==
        "(copy prod.STARFOX.users -> stage.STARFOX.users)");
  CHECK(tree("copy legacy.* -> stage.* {}") == "(copy legacy.* -> stage.*)");
  CHECK(tree("copy legacy.tmp_* -> stage.tmp_* {}") == "(copy legacy.tmp_* -> stage.tmp_*)");
  CHECK(tree("copy prod.STARFOX.* -> stage.STARFOX.* {}") == "(copy prod.STARFOX.* -> stage.STARFOX.*)");
  CHECK(tree("copy legacy.`Order Details` -> `my stage`.od as `od 2` {}") ==
        "(copy legacy.`Order Details` -> `my stage`.od as `od 2`)");
  Parsed p = run("copy legacy.tmp_* -> s.t {}");
  CHECK(p.module.stmts[0].from.is_pattern());
  CHECK_FALSE(p.module.stmts[0].to.is_pattern());
}

TEST_CASE("every clause", "[parser]") {
  CHECK(tree("copy a.b -> c.d { key id }") == "(copy a.b -> c.d (key id))");
  CHECK(tree("copy a.b -> c.d { key id, tenant, map { * } }") == "(copy a.b -> c.d (key id tenant) (map *))");
  CHECK(tree("copy a.b -> c.d { where x > 1 where y }") == "(copy a.b -> c.d (where (> x int:1)) (where y))");
  CHECK(tree("copy a.b -> c.d { follow customer_id -> customers }") ==
        "(copy a.b -> c.d (follow customer_id -> customers))");
  CHECK(tree("copy a.b -> c.d { follow order_id, tenant -> orders }") ==
        "(copy a.b -> c.d (follow order_id tenant -> orders))");
  CHECK(tree("copy a.b -> c.d { follow foreign keys }") == "(copy a.b -> c.d (follow-fks))");
  CHECK(tree("copy a.b -> c.d { follow foreign -> t }") == "(copy a.b -> c.d (follow foreign -> t))");
  CHECK(tree("copy a.* -> c.* { skip AUDIT_LOG, STARFOX.*, *.TMP, tmp_*, STARFOX.AUDIT_* }") ==
        "(copy a.* -> c.* (skip AUDIT_LOG STARFOX.* *.TMP tmp_* STARFOX.AUDIT_*))");
  CHECK(tree("copy a.* -> c.* { skip x, where y }") == "(copy a.* -> c.* (skip x) (where y))");
  CHECK(tree("copy a.b -> c.d { map { * a = 1 drop b } }") == "(copy a.b -> c.d (map * (a = int:1) (drop b)))");
  CHECK(tree("copy a.b -> c.d { map {} }") == "(copy a.b -> c.d (map))");
  CHECK(tree("copy a.b -> c.d { check x }") == "(copy a.b -> c.d (check x))");
  CHECK(tree("copy a.b -> c.d { check x else reject }") == "(copy a.b -> c.d (check x else reject))");
  CHECK(tree("copy a.b -> c.d { check x else fail as \"bad x\" }") ==
        "(copy a.b -> c.d (check x else fail as \"bad x\"))");
  CHECK(tree("copy a.b -> c.d { check x else warn }") == "(copy a.b -> c.d (check x else warn))");
  CHECK(tree("copy a.b -> c.d { check x as 'l' }") == "(copy a.b -> c.d (check x as \"l\"))");
  CHECK(tree("copy a.b -> c.d { expect count == source expect rejects <= 0.5% expect unique(a, b) "
             "expect not_null(a) expect parity }") ==
        "(copy a.b -> c.d (expect (== count source)) (expect (<= rejects pct:0.5)) (expect (call unique a b)) "
        "(expect (call not_null a)) (expect parity))");
  CHECK(tree("copy a.b -> c.d { expect no orphans in c }") == "(copy a.b -> c.d (expect (no-orphans c)))");
  CHECK(tree("copy a.b -> c.d { on conflict skip } copy a.b -> c.e { on conflict update } "
             "copy a.b -> c.f { on conflict fail }") ==
        "(copy a.b -> c.d (on-conflict skip))\n(copy a.b -> c.e (on-conflict update))\n(copy a.b -> c.f (on-conflict fail))");
  CHECK(tree("copy a.b -> c.d { batch 500 confirm above 10000 }") ==
        "(copy a.b -> c.d (batch int:500) (confirm int:10000))");
  CHECK(tree("update a.b { key id; where x is null; set { y = 1, drop z }; batch $n; check y > 0 }") ==
        "(update a.b (key id) (where (is-null x)) (set (y = int:1) (drop z)) (batch $n) (check (> y int:0)))");
}

TEST_CASE("clause and statement keywords may be names", "[parser]") {
  CHECK(tree("copy a.key -> b.map { key key where source.count > 0 map { key = map + set, count = 1 } }") ==
        "(copy a.key -> b.map (key key) (where (> source.count int:0)) (map (key = (+ map set)) (count = int:1)))");
  CHECK(tree("copy a.b -> c.d { key a, `where` map { drop = 1, drop drop } }") ==
        "(copy a.b -> c.d (key a `where`) (map (drop = int:1) (drop drop)))");
  CHECK(tree("expect no == 1") == "(expect (== no int:1))");
  CHECK(tree("expect source == target") == "(expect (== source target))");
  CHECK(tree("expect `and` == `null`") == "(expect (== `and` `null`))");
}

// ------------------------------------------------------------------ expressions

TEST_CASE("literals", "[parser]") {
  CHECK(expr_tree("42") == "int:42");
  CHECK(expr_tree("-7") == "int:-7");
  CHECK(expr_tree("-9223372036854775808") == "int:-9223372036854775808");
  CHECK(expr_tree("19.99") == "dec:19.99");
  CHECK(expr_tree("1.5e3") == "float:1.5e3");
  CHECK(expr_tree("2E-3") == "float:2E-3");
  CHECK(expr_tree("5%") == "pct:5");
  CHECK(expr_tree("0.5%") == "pct:0.5");
  CHECK(expr_tree("true") == "bool:true");
  CHECK(expr_tree("false") == "bool:false");
  CHECK(expr_tree("null") == "null:");
  CHECK(expr_tree(R"("a\\b\"c\'d\ne\tf\rg")") == "str:a\\b\"c'd\ne\tf\rg");
  CHECK(expr_tree(R"('it\'s "x"')") == "str:it's \"x\"");
  CHECK(expr_tree(R"("\u{1F600}\u{e9}")") == "str:\xF0\x9F\x98\x80\xC3\xA9");
  CHECK(expr_tree("\"Zo\xC3\xAB\"") == "str:Zo\xC3\xAB");
  CHECK(expr_tree("$customer_ids") == "$customer_ids");
  CHECK(expr_tree("[1, \"a\", [], [2,],]") == "[int:1 str:a [] [int:2]]");
  CHECK(expr_tree("{\"active\": \"ACTIVE\", \"paused\": \"PAUSED\"}") == "{str:active:str:ACTIVE str:paused:str:PAUSED}");
  CHECK(expr_tree("{}") == "{}");
  Parsed p = run("expect 19.99");
  const Expr& e = *p.module.stmts[0].expectation.expr;
  CHECK(e.lit == LiteralKind::decimal);
  CHECK(e.text == "19.99");
  Parsed s = run("expect \"a\\n\"");
  CHECK(s.module.stmts[0].expectation.expr->text == "\"a\\n\"");
  CHECK(s.module.stmts[0].expectation.expr->value == "a\n");
  Parsed pct = run("expect 5%");
  CHECK(pct.module.stmts[0].expectation.expr->text == "5%");
}

TEST_CASE("names, calls and case", "[parser]") {
  CHECK(expr_tree("email") == "email");
  CHECK(expr_tree("source.email") == "source.email");
  CHECK(expr_tree("a.b.c") == "a.b.c");
  CHECK(expr_tree("`Unit Price` * 2") == "(* `Unit Price` int:2)");
  CHECK(expr_tree("uuid()") == "(call uuid)");
  CHECK(expr_tree("f(a, b, name: v)") == "(call f a b name:v)");
  CHECK(expr_tree("lookup(patients, user_id, default: 0)") == "(call lookup patients user_id default:int:0)");
  CHECK(expr_tree("f (x,)") == "(call f x)");
  CHECK(expr_tree("if(a, b, c)") == "(call if a b c)");
  CHECK(expr_tree("case when a then 1 when b then 2 else 3 end") ==
        "(case (when a int:1) (when b int:2) (else int:3))");
  CHECK(expr_tree("case when a > 1 then \"x\" end") == "(case (when (> a int:1) str:x))");
}

TEST_CASE("operator precedence and associativity", "[parser]") {
  CHECK(expr_tree("a or b and c") == "(or a (and b c))");
  CHECK(expr_tree("a and b or c") == "(or (and a b) c)");
  CHECK(expr_tree("not a and b") == "(and (not a) b)");
  CHECK(expr_tree("not a == b") == "(not (== a b))");
  CHECK(expr_tree("not not a") == "(not (not a))");
  CHECK(expr_tree("a == b || c") == "(== a (|| b c))");
  CHECK(expr_tree("a || b + c") == "(|| a (+ b c))");
  CHECK(expr_tree("a + b * c") == "(+ a (* b c))");
  CHECK(expr_tree("a - b - c") == "(- (- a b) c)");
  CHECK(expr_tree("a / b % c * d") == "(* (% (/ a b) c) d)");
  CHECK(expr_tree("-a * b") == "(* (neg a) b)");
  CHECK(expr_tree("- -a") == "(neg (neg a))");
  CHECK(expr_tree("+a") == "(pos a)");
  CHECK(expr_tree("a-1") == "(- a int:1)");
  CHECK(expr_tree("a - -1") == "(- a int:-1)");
  CHECK(expr_tree("(a + b) * c") == "(* (+ a b) c)");
  CHECK(expr_tree("a != b") == "(!= a b)");
  CHECK(expr_tree("a < b") == "(< a b)");
  CHECK(expr_tree("a <= b") == "(<= a b)");
  CHECK(expr_tree("a > b") == "(> a b)");
  CHECK(expr_tree("a >= b") == "(>= a b)");
  CHECK(expr_tree("x in [1, 2]") == "(in x [int:1 int:2])");
  CHECK(expr_tree("x in $ids") == "(in x $ids)");
  CHECK(expr_tree("x not in $ids") == "(not-in x $ids)");
  CHECK(expr_tree("x is null") == "(is-null x)");
  CHECK(expr_tree("x is not null") == "(is-not-null x)");
  CHECK(expr_tree("x matches \"^a\"") == "(matches x str:^a)");
  CHECK(expr_tree("a || b matches c || d") == "(matches (|| a b) (|| c d))");
  CHECK(expr_tree("x % 3") == "(% x int:3)");
  CHECK(expr_tree("10%3") == "(% int:10 int:3)");
  CHECK(expr_tree("rejects <= 5% and x") == "(and (<= rejects pct:5) x)");
}

// ------------------------------------------------------------------ spans

TEST_CASE("spans cover statements, expressions and names", "[parser]") {
  const std::string text = "plan p  # c\ncopy a.b -> c.d as t {\n  where (x + 1) * 2 == y\n  map { * z = f(x) }\n}  \nexpect no orphans in c\n";
  Parsed p = run(text);
  REQUIRE(p.module.stmts.size() == 3);
  CHECK(spanned(text, p.module.stmts[0].span) == "plan p");
  CHECK(spanned(text, p.module.stmts[1].span) ==
        "copy a.b -> c.d as t {\n  where (x + 1) * 2 == y\n  map { * z = f(x) }\n}");
  CHECK(spanned(text, p.module.stmts[2].span) == "expect no orphans in c");
  const Stmt& copy = p.module.stmts[1];
  CHECK(spanned(text, copy.from.span) == "a.b");
  CHECK(spanned(text, copy.to.parts[1].span) == "d");
  CHECK(spanned(text, copy.name.span) == "t");
  const Clause& where = copy.clauses[0];
  CHECK(spanned(text, where.span) == "where (x + 1) * 2 == y");
  CHECK(spanned(text, where.expr->span) == "(x + 1) * 2 == y");
  CHECK(spanned(text, where.expr->args[0]->span) == "(x + 1) * 2");
  CHECK(spanned(text, where.expr->args[0]->args[0]->span) == "(x + 1)");
  const Clause& map = copy.clauses[1];
  CHECK(spanned(text, map.span) == "map { * z = f(x) }");
  CHECK(spanned(text, map.items[0].span) == "*");
  CHECK(spanned(text, map.items[1].span) == "z = f(x)");
  CHECK(spanned(text, map.items[1].column.span) == "z");
  CHECK(spanned(text, map.items[1].value->span) == "f(x)");
  CHECK(spanned(text, map.items[1].value->callee.span) == "f");
  CHECK(spanned(text, p.module.stmts[2].expectation.span) == "no orphans in c");
  CHECK(spanned(text, p.module.stmts[2].expectation.no_orphans_in->span) == "c");

  const std::string q = "expect `Order Details` is not null and $p in ['a']\nbefore c sql \"x\"";
  Parsed r = run(q);
  const Expr& e = *r.module.stmts[0].expectation.expr;
  CHECK(spanned(q, e.span) == "`Order Details` is not null and $p in ['a']");
  CHECK(spanned(q, e.args[0]->span) == "`Order Details` is not null");
  CHECK(spanned(q, e.args[0]->args[0]->path[0].span) == "`Order Details`");
  CHECK(e.args[0]->args[0]->path[0].quoted);
  CHECK(spanned(q, e.args[1]->args[0]->span) == "$p");
  CHECK(spanned(q, r.module.stmts[1].sql_span) == "\"x\"");
}

// ------------------------------------------------------------------ diagnostics

TEST_CASE("syntax errors point at the offending token", "[parser][diagnostics]") {
  CHECK(errors("copy legacy.customers to stage.customers {}") ==
        "t.mig:1:23: error: expected `->` after the source table\n"
        " 1 | copy legacy.customers to stage.customers {}\n"
        "   |                       ^~\n"
        "1 error\n");
  CHECK(errors("copy a.b -> c.d {\n  map { a = 1 2 }\n}") ==
        "t.mig:2:15: error: expected `}` to close `map`\n"
        " 2 |   map { a = 1 2 }\n"
        "   |               ^\n"
        "1 error\n");
  CHECK(errors("expect a +") ==
        "t.mig:1:11: error: expected an expression\n"
        " 1 | expect a +\n"
        "   |           ^\n"
        "1 error\n");
  CHECK(errors("bogus") ==
        "t.mig:1:1: error: expected a statement (`plan`, `use`, `param`, `source`, `target`, `environment`, "
        "`settings`, `fn`, `copy`, `update`, `expect`, `before`, `after`)\n"
        " 1 | bogus\n"
        "   | ^~~~~\n"
        "1 error\n");
  CHECK(errors("expect a < b < c") ==
        "t.mig:1:14: error: comparisons cannot be chained; combine them with `and`\n"
        " 1 | expect a < b < c\n"
        "   |              ^\n"
        "1 error\n");
  CHECK(errors("copy a.b -> c.d { check x else ignore }").find("expected `reject`, `fail` or `warn` after `else`") !=
        std::string::npos);
  CHECK(errors("copy a.b -> c.d { on conflict replace }").find("expected `skip`, `update` or `fail` after `on conflict`") !=
        std::string::npos);
  CHECK(errors("copy a.b -> c.d { follow }").find("expected a column name or `foreign keys` after `follow`") !=
        std::string::npos);
  CHECK(errors("copy a -> c.d {}").find("expected `.` and a table name") != std::string::npos);
  CHECK(errors("expect case x end").find("expected `when` after `case`") != std::string::npos);
  CHECK(errors("param x int").find("expected `:` and a type after the parameter name") != std::string::npos);
  CHECK(errors("fn f(a: int) = a").find("expected `->` and the result type after the arguments") != std::string::npos);
  CHECK(errors("copy a.*.c -> c.d {}").find("`*` may only appear in the last part of a table name") != std::string::npos);
  CHECK(errors("expect `` == 1").find("a backquoted name cannot be empty") != std::string::npos);
}

TEST_CASE("statements before a syntax error are kept", "[parser][diagnostics]") {
  Parsed p = run("plan p\nsource s = sqlite(\"a\")\ncopy s.a s.b {}");
  CHECK(p.diags.error_count() == 1);
  REQUIRE(p.module.stmts.size() == 2);
  CHECK(p.module.stmts[1].kind == Stmt::Kind::source);
}

TEST_CASE("an error at the end of the file", "[parser][diagnostics]") {
  CHECK(errors("copy a.b -> c.d {\n  map { * }\n") ==
        "t.mig:3:1: error: expected a clause (`key`, `where`, `follow`, `skip`, `map`, `check`, `expect`, "
        "`on conflict`, `batch`, `confirm`) or `}`\n"
        " 3 | \n"
        "   | ^\n"
        "1 error\n");
}

TEST_CASE("a lone = where a comparison is expected", "[parser][diagnostics]") {
  CHECK(errors("copy a.b -> c.d {\n  where id = 3\n}") ==
        "t.mig:2:12: error: `=` is not a comparison\n"
        " 2 |   where id = 3\n"
        "   |            ^\n"
        "help: use `==` to compare\n"
        "1 error\n");
  CHECK(errors("expect case when a = 1 then 2 end").find("`=` is not a comparison") != std::string::npos);
}

TEST_CASE("unterminated strings and backquotes", "[parser][diagnostics]") {
  CHECK(errors("source s = sqlite(\"legacy.db)\ntarget t = sqlite(\"x\")") ==
        "t.mig:1:19: error: unterminated string\n"
        " 1 | source s = sqlite(\"legacy.db)\n"
        "   |                   ^~~~~~~~~~~\n"
        "1 error\n");
  CHECK(errors("expect 'abc\\'") ==
        "t.mig:1:8: error: unterminated string\n"
        " 1 | expect 'abc\\'\n"
        "   |        ^~~~~~\n"
        "1 error\n");
  CHECK(errors("copy legacy.`Order Details -> s.t {}\r\n") ==
        "t.mig:1:13: error: unterminated backquoted name\n"
        " 1 | copy legacy.`Order Details -> s.t {}\n"
        "   |             ^~~~~~~~~~~~~~~~~~~~~~~~\n"
        "1 error\n");
  CHECK(errors("expect \"") ==
        "t.mig:1:8: error: unterminated string\n"
        " 1 | expect \"\n"
        "   |        ^\n"
        "1 error\n");
}

TEST_CASE("invalid escapes", "[parser][diagnostics]") {
  CHECK(errors(R"(source s = sqlite("C:\data\x.db"))") ==
        "t.mig:1:22: error: invalid escape sequence `\\d` in string\n"
        " 1 | source s = sqlite(\"C:\\data\\x.db\")\n"
        "   |                      ^~\n"
        "t.mig:1:27: error: invalid escape sequence `\\x` in string\n"
        " 1 | source s = sqlite(\"C:\\data\\x.db\")\n"
        "   |                           ^~\n"
        "2 errors\n");
  for (const char* bad : {R"("\0")", R"("\u{0}")", R"("\u{D800}")", R"("\u{110000}")", R"("\u{}")",
                          R"("\u{1234567}")", R"("\u41")", R"("\u{zz}")", "\"\\\xC3\xA9\""}) {
    INFO(bad);
    Parsed p = run(std::string("expect ") + bad);
    REQUIRE(p.diags.all().size() == 1);
    CHECK(p.diags.all()[0].id == DiagId::invalid_escape);
  }
}

TEST_CASE("numbers out of range", "[parser][diagnostics]") {
  CHECK(errors("expect 9223372036854775808") ==
        "t.mig:1:8: error: number `9223372036854775808` does not fit in a 64-bit int\n"
        " 1 | expect 9223372036854775808\n"
        "   |        ^~~~~~~~~~~~~~~~~~~\n"
        "1 error\n");
  CHECK(errors("expect -9223372036854775809").find("does not fit in a 64-bit int") != std::string::npos);
  CHECK(tree("expect 9223372036854775807 + 000000000000000000000001") != "");
  CHECK(errors("expect 1234567890123456789012345678901234567.89") ==
        "t.mig:1:8: error: number `1234567890123456789012345678901234567.89` does not fit in a 38-digit decimal\n"
        " 1 | expect 1234567890123456789012345678901234567.89\n"
        "   |        ^~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n"
        "1 error\n");
  CHECK(tree("expect 0000123456789012345678901234567890123456.78") != "");
  CHECK(errors("expect 1e400").find("does not fit in a 64-bit float") != std::string::npos);
  CHECK(tree("expect 1e-400") != "");
}

TEST_CASE("invalid UTF-8 is reported before anything else", "[parser][diagnostics]") {
  const std::string cases[] = {"plan p\n# caf\xE9 x\n", "expect \"\xC0\xAF\"", "expect \"\xED\xA0\x80\"",
                               "expect \"\xF4\x90\x80\x80\"", "plan \xC3"};
  const char* hex[] = {"E9", "C0", "ED", "F4", "C3"};
  for (size_t i = 0; i < 5; ++i) {
    Parsed p = run(cases[i]);
    REQUIRE(p.diags.all().size() == 1);
    CHECK(p.diags.all()[0].id == DiagId::invalid_utf8);
    CHECK(p.diags.all()[0].message == std::string("invalid UTF-8 byte 0x") + hex[i] + " in source");
    CHECK(p.module.stmts.empty());
  }
  Parsed p = run("plan p\n# caf\xE9 x\n");
  CHECK(render_text(p.diags, p.sources).rfind("t.mig:2:6: error: invalid UTF-8 byte 0xE9 in source\n", 0) == 0);
  CHECK(tree("expect \"\xF0\x9F\x98\x80\" # \xE2\x82\xAC") == "(expect str:\xF0\x9F\x98\x80)");
}

TEST_CASE("deep nesting stops with a diagnostic, not a crash", "[parser][diagnostics]") {
  const auto nest = [](const std::string& open, const std::string& close, size_t n) {
    std::string s = "expect ";
    for (size_t i = 0; i < n; ++i) s += open;
    s += "x";
    for (size_t i = 0; i < n; ++i) s += close;
    return s;
  };
  CHECK(!tree(nest("(", ")", 150)).empty());
  CHECK(!tree(nest("[", "]", 150)).empty());
  for (const auto& [open, close] : {std::pair{"(", ")"}, {"[", "]"}, {"f(", ")"}, {"- ", ""}, {"not ", ""},
                                    {"{1: ", "}"}}) {
    INFO(open);
    Parsed p = run(nest(open, close, 100000));
    REQUIRE(p.diags.all().size() == 1);
    CHECK(p.diags.all()[0].message == "expressions nest too deeply");
  }
  // Operator chains fold into left-deep trees, so their length counts as nesting too.
  const auto chain = [](const std::string& op, size_t n) {
    std::string s = "expect a";
    for (size_t i = 0; i < n; ++i) s += op + "a";
    return s;
  };
  CHECK(!tree(chain(" + ", 150)).empty());
  for (const char* op : {" + ", " * ", " || ", " and ", " or "}) {
    INFO(op);
    Parsed p = run(chain(op, 100000));
    REQUIRE(p.diags.all().size() == 1);
    CHECK(p.diags.all()[0].message == "expressions nest too deeply");
  }
  Parsed t = run("param x : " + std::string(100000, '<'));
  CHECK(t.diags.has_errors());
}

TEST_CASE("arbitrary bytes never crash the parser", "[parser]") {
  // A cheap stand-in for the fuzzer: every prefix of a plan that uses most constructs.
  const std::string text =
      "plan p use a, \"b.mig\" param x : list<int> = [1] source s = csv(\"d\", header: true)\n"
      "copy s.* -> t.* as `x y` { key id; where a in $x and not b is null; follow c, d -> e; skip T.*;\n"
      "map { * f = case when g then 'h\\n' else 1.5e3 end drop i } check j >= 0% else warn as \"k\";\n"
      "on conflict update batch 10 confirm above 5 expect no orphans in t } # end\n";
  for (size_t n = 0; n <= text.size(); ++n) {
    Parsed p = run(text.substr(0, n));
    (void)render_text(p.diags, p.sources);
  }
  Parsed full = run(text);
  CHECK(full.diags.all().empty());
}
