// `migc fmt`: expressions print with minimal parentheses, and every plan we have formats
// idempotently, keeps its comments, and reparses to the same syntax tree.
#include "compiler/formatter.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/parser.hpp"

using namespace mig;
namespace fs = std::filesystem;

namespace {

struct Parsed {
  SourceManager sources;
  Diagnostics diags;
  Module module;
  uint32_t file = 0;
};

std::unique_ptr<Parsed> parse_text(const std::string& text) {
  auto p = std::make_unique<Parsed>();
  p->file = p->sources.add("plan.mig", text);
  p->module = parse(p->sources, p->file, p->diags);
  return p;
}

std::string fmt(const std::string& text) {
  auto p = parse_text(text);
  REQUIRE_FALSE(p->diags.has_errors());
  return format_module(p->sources.file(p->file), p->module);
}

// The expression of `expect EXPR`, printed back.
std::string expr(const std::string& text) {
  auto p = parse_text("expect " + text + "\n");
  INFO(text);
  REQUIRE_FALSE(p->diags.has_errors());
  REQUIRE(p->module.stmts.size() == 1);
  REQUIRE(p->module.stmts[0].expectation.expr);
  return format_expr(*p->module.stmts[0].expectation.expr);
}

// --- syntax trees compared without their places ---

bool same(const Ident& a, const Ident& b) { return a.text == b.text; }

template <typename T, typename F>
bool same_list(const std::vector<T>& a, const std::vector<T>& b, F eq) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!eq(a[i], b[i])) return false;
  return true;
}

bool same_idents(const std::vector<Ident>& a, const std::vector<Ident>& b) {
  return same_list(a, b, [](const Ident& x, const Ident& y) { return same(x, y); });
}

bool same(const Expr* a, const Expr* b);
bool same_ptr(const ExprPtr& a, const ExprPtr& b) { return same(a.get(), b.get()); }

bool same(const Expr* a, const Expr* b) {
  if (!a || !b) return a == b;
  if (a->kind != b->kind || a->op != b->op || a->negated != b->negated || a->text != b->text)
    return false;
  if (a->kind == ExprKind::literal && (a->lit != b->lit || a->value != b->value)) return false;
  if (!same_idents(a->path, b->path) || !same(a->callee, b->callee)) return false;
  if (!same_list(a->args, b->args, same_ptr)) return false;
  if (!same_list(a->named, b->named, [](const NamedArg& x, const NamedArg& y) {
        return same(x.name, y.name) && same_ptr(x.value, y.value);
      }))
    return false;
  if (!same_list(a->entries, b->entries, [](const MapEntry& x, const MapEntry& y) {
        return same_ptr(x.key, y.key) && same_ptr(x.value, y.value);
      }))
    return false;
  if (!same_list(a->whens, b->whens, [](const WhenClause& x, const WhenClause& y) {
        return same_ptr(x.condition, y.condition) && same_ptr(x.value, y.value);
      }))
    return false;
  return same_ptr(a->else_value, b->else_value);
}

bool same(const TypeRef& a, const TypeRef& b) {
  return same(a.name, b.name) &&
         same_list(a.args, b.args, [](const TypeRef& x, const TypeRef& y) { return same(x, y); });
}

bool same(const Expectation& a, const Expectation& b) {
  if (a.no_orphans_in.has_value() != b.no_orphans_in.has_value()) return false;
  if (a.no_orphans_in && !same(*a.no_orphans_in, *b.no_orphans_in)) return false;
  return same_ptr(a.expr, b.expr);
}

bool same(const Clause& a, const Clause& b) {
  return a.kind == b.kind && same_idents(a.columns, b.columns) && same(a.task, b.task) &&
         same_idents(a.patterns, b.patterns) && same_ptr(a.expr, b.expr) &&
         same_list(a.items, b.items,
                   [](const MapItem& x, const MapItem& y) {
                     return x.kind == y.kind && same(x.column, y.column) &&
                            same_ptr(x.value, y.value);
                   }) &&
         a.action == b.action && a.action_given == b.action_given && a.label == b.label &&
         same(a.expectation, b.expectation) && a.conflict == b.conflict;
}

bool same(const Stmt& a, const Stmt& b) {
  auto same_binding = [](const Binding& x, const Binding& y) {
    return same(x.name, y.name) && same_ptr(x.value, y.value);
  };
  auto same_param = [](const FnParam& x, const FnParam& y) {
    return same(x.name, y.name) && same(x.type, y.type);
  };
  auto same_clause = [](const Clause& x, const Clause& y) { return same(x, y); };
  return a.kind == b.kind && same(a.name, b.name) && same_idents(a.modules, b.modules) &&
         same_idents(a.module_paths, b.module_paths) && a.type.has_value() == b.type.has_value() &&
         (!a.type || same(*a.type, *b.type)) && same_ptr(a.value, b.value) &&
         same_list(a.bindings, b.bindings, same_binding) &&
         same_list(a.fn_params, b.fn_params, same_param) &&
         same_idents(a.from.parts, b.from.parts) && same_idents(a.to.parts, b.to.parts) &&
         same_list(a.clauses, b.clauses, same_clause) && same(a.expectation, b.expectation) &&
         a.after == b.after && same(a.conn, b.conn) && a.sql == b.sql;
}

std::vector<std::string> comment_texts(const Module& m) {
  std::vector<std::string> out;
  for (const Comment& c : m.comments) {
    std::string t = c.text;
    while (!t.empty() && std::isspace(static_cast<unsigned char>(t.back()))) t.pop_back();
    out.push_back(t);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every `.mig` we have: plans, stdlib, golden cases, and the fuzz corpus.
std::vector<fs::path> all_mig_files() {
  fs::path root = MIG_SOURCE_DIR;
  std::vector<fs::path> out;
  for (const char* dir : {"plans", "stdlib", "examples", "tests", "fuzz/corpus"}) {
    if (!fs::exists(root / dir)) continue;
    for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
      if (!e.is_regular_file()) continue;
      bool corpus = e.path().string().find("fuzz/corpus") != std::string::npos;
      if (corpus || e.path().extension() == ".mig") out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("format_expr: parentheses only where precedence needs them", "[fmt]") {
  CHECK(expr("((a or b) and c) or (d and (e or f))") == "(a or b) and c or d and (e or f)");
  CHECK(expr("not (a and b) and (not c)") == "not (a and b) and not c");
  CHECK(expr("(not a) == b") == "(not a) == b");
  CHECK(expr("not (a == b)") == "not a == b");
  CHECK(expr("(x + y) * z > (x * y) + z") == "(x + y) * z > x * y + z");
  CHECK(expr("x - (y - z) == (x - y) - z") == "x - (y - z) == x - y - z");
  CHECK(expr("(a || b) || c == a || (b || c)") == "a || b || c == a || (b || c)");
  CHECK(expr("(a == b) == c") == "(a == b) == c");
  CHECK(expr("a == (b == c)") == "a == (b == c)");
  CHECK(expr("(a + b) in [1, (2)]") == "a + b in [1, 2]");
  CHECK(expr("(a in b) is null") == "(a in b) is null");
  CHECK(expr("-(x + 1) * -y") == "-(x + 1) * -y");
  CHECK(expr("x % (y * z)") == "x % (y * z)");
  CHECK(expr("(x || y) + 1 == 2") == "(x || y) + 1 == 2");
  CHECK(expr("(x + 1) || y") == "x + 1 || y");
}

TEST_CASE("format_expr: signs, literals and calls as written", "[fmt]") {
  CHECK(expr("- 2") == "- 2");  // a negated literal, not the literal -2
  CHECK(expr("-2") == "-2");
  CHECK(expr("-(-x)") == "-(-x)");
  CHECK(expr("- -x") == "-(-x)");
  CHECK(expr("a - -2") == "a - -2");
  CHECK(expr("19.990 + 1.5E3 + 0.50%") == "19.990 + 1.5E3 + 0.50%");
  CHECK(expr("'it\\'s' || \"a\\tb\\u{1F600}\"") == "'it\\'s' || \"a\\tb\\u{1F600}\"");
  CHECK(expr("f( a ,b , name : 1 )") == "f(a, b, name: 1)");
  CHECK(expr("{'a':1,\"b\" :[ ]}") == "{'a': 1, \"b\": []}");
  CHECK(expr("case when a then 1 when b then 2 else 3 end") ==
        "case when a then 1 when b then 2 else 3 end");
  CHECK(expr("x is not null and y not in $p and z matches \"r\"") ==
        "x is not null and y not in $p and z matches \"r\"");
  CHECK(expr("`Unit Price` > `end` and `plain` == source.`a b`") ==
        "`Unit Price` > `end` and plain == source.`a b`");
}

TEST_CASE("fmt: the spec's one-line map becomes one item per line", "[fmt]") {
  CHECK(fmt("copy old.users -> new.patients as patients { map { *  id = uuid5(\"p\", id)  "
            "drop role } }") ==
        "copy old.users -> new.patients as patients {\n"
        "  map {\n"
        "    *\n"
        "    id = uuid5(\"p\", id)\n"
        "    drop role\n"
        "  }\n"
        "}\n");
}

TEST_CASE("fmt: an assignment before `*` keeps a `;` so `*` is not a product", "[fmt]") {
  std::string out = fmt("copy a.b -> c.d { map { x = y, *, z = 1 } }");
  CHECK(out == "copy a.b -> c.d {\n  map {\n    x = y;\n    *\n    z = 1\n  }\n}\n");
  CHECK(fmt(out) == out);
}

TEST_CASE("fmt: comments stay where they were", "[fmt]") {
  std::string in =
      "# header\n"
      "plan p # on plan\n"
      "copy a.b -> c.d { # after brace\n"
      "  # before where\n"
      "  where x\n"
      "  # end of block\n"
      "} # after block\n"
      "# end of file\n";
  CHECK(fmt(in) ==
        "# header\n"
        "plan p  # on plan\n"
        "\n"
        "copy a.b -> c.d {  # after brace\n"
        "  # before where\n"
        "  where x\n"
        "  # end of block\n"
        "}  # after block\n"
        "\n"
        "# end of file\n");
}

TEST_CASE("fmt: an empty module stays empty", "[fmt]") {
  CHECK(fmt("") == "");
  CHECK(fmt("\n\n  \n") == "");
  CHECK(fmt("# only a comment\n") == "# only a comment\n");
}

TEST_CASE("fmt: every plan is idempotent, keeps its comments and reparses the same", "[fmt]") {
  size_t formatted = 0;
  for (const fs::path& path : all_mig_files()) {
    auto original = parse_text(slurp(path));
    if (original->diags.has_errors()) continue;  // golden error cases, fuzz inputs
    INFO("file " << path.string());
    std::string once = format_module(original->sources.file(original->file), original->module);
    auto reparsed = parse_text(once);
    INFO("formatted:\n" << once);
    REQUIRE_FALSE(reparsed->diags.has_errors());
    CHECK(format_module(reparsed->sources.file(reparsed->file), reparsed->module) == once);
    CHECK(comment_texts(reparsed->module) == comment_texts(original->module));
    REQUIRE(reparsed->module.stmts.size() == original->module.stmts.size());
    for (size_t i = 0; i < original->module.stmts.size(); ++i) {
      INFO("statement " << i + 1);
      CHECK(same(original->module.stmts[i], reparsed->module.stmts[i]));
    }
    ++formatted;
  }
  CHECK(formatted >= 20);  // fails loudly if the files were not found
}
