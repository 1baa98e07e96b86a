// Test helpers for the evaluator and the built-ins: parse one expression with the real
// parser, compile it in a scope of named columns, and show the result as one string
// ("int 3", "text abc", "null", "error: ...") so that expectations read like the language.
#pragma once
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "compiler/diagnostics.hpp"
#include "compiler/parser.hpp"
#include "runtime/evaluator.hpp"
#include "runtime/value_text.hpp"

namespace evaltest {

// One parsed expression (the AST lives as long as this object).
struct ParsedExpr {
  mig::SourceManager sources;
  mig::Module module;
  const mig::Expr* expr = nullptr;

  explicit ParsedExpr(const std::string& text) {
    uint32_t file = sources.add("test.mig", "fn t() -> int = " + text + "\n");
    mig::Diagnostics diags;
    module = mig::parse(sources, file, diags);
    INFO(text);
    if (diags.has_errors()) FAIL(mig::render_text(diags, sources));
    REQUIRE(module.stmts.size() == 1);
    expr = module.stmts[0].value.get();
    REQUIRE(expr);
  }
};

using Columns = std::vector<std::pair<std::string, mig::Value>>;

inline std::string show(const mig::Value& v) {
  if (v.is_null()) return "null";
  return std::string(mig::kind_name(v.kind())) + " " + mig::to_text(v);
}

inline std::string show(const mig::Result<mig::Value>& r) {
  return r.ok() ? show(*r) : "error: " + r.error().message;
}

// Compiles `text` over `columns` (and `scope`'s other settings) and evaluates it once.
inline std::string ev(const std::string& text, const Columns& columns = {},
                      mig::EvalScope scope = {}) {
  ParsedExpr parsed(text);
  std::vector<mig::Value> row;
  for (const auto& [name, value] : columns) {
    scope.columns.push_back(name);
    row.push_back(value);
  }
  mig::Result<mig::Program> program = mig::compile_expr(*parsed.expr, scope);
  if (!program.ok()) return "compile error: " + program.error().message;
  return show(program->eval(row));
}

inline mig::Value dec(const char* text) { return mig::Value::decimal(*mig::Decimal::parse(text)); }
inline mig::Value txt(const char* text) { return mig::Value::text(text); }
inline mig::Value num(int64_t v) { return mig::Value::integer(v); }

}  // namespace evaltest
