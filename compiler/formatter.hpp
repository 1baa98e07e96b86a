// Canonical `.mig` text: the one printer of expressions, names and clauses (explain uses
// it too), and `migc fmt`'s layout of a whole file with its comments kept.
#pragma once
#include <functional>
#include <string>
#include <string_view>

#include "compiler/ast.hpp"
#include "compiler/source.hpp"

namespace mig {

// Knobs for printing code outside of `fmt` (explain hides URL passwords with them).
struct PrintOptions {
  // When set, applied to the raw token of every string literal before it is printed.
  std::function<std::string(std::string_view)> string_literal;
  // When set, labels and SQL are printed from their raw tokens in this file (fmt keeps
  // escapes exactly as written); otherwise they are re-quoted from their decoded text.
  const SourceFile* source = nullptr;
};

// An expression with the fewest parentheses its precedence allows; literals keep their raw
// token (`19.99` stays `19.99`, `"a\n"` keeps its escape).
std::string format_expr(const Expr& e, const PrintOptions& opts = {});
// A name, in backquotes when it is not a plain identifier (or was quoted and is a keyword).
std::string format_name(const Ident& name);
// `conn.table`, `conn.schema.table`, `legacy.tmp_*`.
std::string format_table_ref(const TableRef& ref);
// `int`, `list<text>`.
std::string format_type(const TypeRef& type);
// A decoded string as a `"..."` literal with the language's escapes.
std::string quote_string(std::string_view decoded);
// One `map`/`set` item: `*`, `col = expr`, `drop col`.
std::string format_map_item(const MapItem& item, const PrintOptions& opts = {});
// What follows `expect`: `no orphans in stage`, `unique(email)`, `count == source`.
std::string format_expectation(const Expectation& e, const PrintOptions& opts = {});
// One clause on one line; `map`/`set` print their items inline (`map { *, a = b }`).
std::string format_clause(const Clause& clause, const PrintOptions& opts = {});

// `migc fmt`: the whole file in canonical layout (rules at the top of formatter.cpp;
// expressions and clauses are printed by formatter_expr.cpp).
std::string format_module(const SourceFile& file, const Module& module);

}  // namespace mig
