// The syntax tree of one `.mig` file, as written: names are not resolved and types not
// checked (that is analysis). Every node keeps its byte range for diagnostics and fmt.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/source.hpp"

namespace mig {

// A name as written, with its place (backquotes removed from `text`).
struct Ident {
  std::string text;
  Span span;
  bool quoted = false;  // was written in backquotes; fmt keeps them when needed
};

// A type as written: `int`, `list<text>`.
struct TypeRef {
  Ident name;
  std::vector<TypeRef> args;
  Span span;
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

enum class ExprKind {
  literal,   // lit + text (raw token, e.g. `"a\n"` or `19.99`) + value (decoded)
  name,      // path: `email`, `source.email`, `new.users`
  param,     // `$name` (text = name)
  list,      // `[a, b]` (args)
  map,       // `{"k": v}` (entries)
  unary,     // op + args[0]: `-x`, `not x`
  binary,    // op + args[0], args[1]: arithmetic, `||`, comparison, `and`, `or`
  in,        // args[0] in args[1]; negated for `not in`
  is_null,   // args[0] is null; negated for `is not null`
  matches,   // args[0] matches args[1]
  case_,     // `case when C then V ... else V end`: whens, else_value
  call,      // callee + args + named
};

enum class LiteralKind { int_, decimal, float_, string, bool_, null, percent };

enum class Op {
  none, neg, plus, not_,                      // unary
  add, sub, mul, div, mod, concat,            // arithmetic and `||`
  eq, ne, lt, le, gt, ge,                     // comparison
  and_, or_,                                  // logic
};

// `name: value` in a call.
struct NamedArg {
  Ident name;
  ExprPtr value;
};

// `key: value` in a map literal.
struct MapEntry {
  ExprPtr key;
  ExprPtr value;
};

// `when C then V` in a case.
struct WhenClause {
  ExprPtr condition;
  ExprPtr value;
};

struct Expr {
  ExprKind kind;
  Span span;
  Op op = Op::none;
  bool negated = false;          // `not in`, `is not null`
  LiteralKind lit = LiteralKind::null;
  std::string text;              // literal: raw token; param: name
  std::string value;             // literal: decoded string / digits without `%`
  std::vector<Ident> path;       // name: the dotted parts
  Ident callee;                  // call: the function
  std::vector<ExprPtr> args;     // operands, list items, positional call arguments
  std::vector<NamedArg> named;   // call: named arguments
  std::vector<MapEntry> entries; // map literal
  std::vector<WhenClause> whens; // case
  ExprPtr else_value;            // case (may be null)
};

// `CONN.TABLE`, `CONN.SCHEMA.TABLE`; a pattern has `*` in its last part.
struct TableRef {
  std::vector<Ident> parts;
  Span span;
  bool is_pattern() const { return !parts.empty() && parts.back().text.find('*') != std::string::npos; }
};

// One item of `map { ... }` or `set { ... }`.
struct MapItem {
  enum class Kind { star, assign, drop } kind;
  Span span;
  Ident column;   // assign, drop
  ExprPtr value;  // assign
};

// `expect ...`: `no orphans in CONN`, or an expression classified by analysis
// (`count == source`, `rejects <= 1%`, `unique(a)`, `not_null(a)`, `parity`, or a
// plan-level expression over aggregates).
struct Expectation {
  Span span;
  std::optional<Ident> no_orphans_in;
  ExprPtr expr;
};

enum class CheckAction { reject, fail, warn };
enum class ConflictPolicy { skip, update, fail };

struct Clause {
  enum class Kind { key, where, follow, follow_fks, skip, map, set, check, expect,
                    on_conflict, batch, confirm } kind;
  Span span;
  std::vector<Ident> columns;            // key; follow (the child's columns)
  Ident task;                            // follow: the parent task
  std::vector<Ident> patterns;           // skip: each pattern as written (e.g. `STARFOX.AUDIT_*`)
  ExprPtr expr;                          // where; check; batch and confirm (the number)
  std::vector<MapItem> items;            // map, set
  CheckAction action = CheckAction::reject;
  bool action_given = false;             // `else ...` was written
  std::optional<std::string> label;      // check: `as "LABEL"` (decoded)
  Expectation expectation;               // expect
  ConflictPolicy conflict = ConflictPolicy::skip;
};

// A named thing with an expression, as in `settings { k = v }` or environments.
struct Binding {
  Ident name;
  ExprPtr value;
  Span span;
};

struct FnParam {
  Ident name;
  TypeRef type;
};

struct Stmt {
  enum class Kind { plan, use, param, source, target, environment, settings, fn, copy, update,
                    expect, hook } kind;
  Span span;
  Ident name;                      // plan, param, source/target, environment, fn; copy: `as`
  std::vector<Ident> modules;      // use NAME, NAME (quoted=false)
  std::vector<Ident> module_paths; // use "path.mig" (text decoded)
  std::optional<TypeRef> type;     // param type; fn return type
  ExprPtr value;                   // param default; connection connector call; fn body
  std::vector<Binding> bindings;   // environment, settings
  std::vector<FnParam> fn_params;  // fn
  TableRef from;                   // copy source; update table
  TableRef to;                     // copy target
  std::vector<Clause> clauses;     // copy, update
  Expectation expectation;         // plan-level expect
  bool after = false;              // hook: `after` (else `before`)
  Ident conn;                      // hook connection
  std::string sql;                 // hook SQL (decoded)
  Span sql_span;
};

// A `#` comment, kept so that fmt can put it back.
struct Comment {
  Span span;
  std::string text;  // including the `#`
};

// One parsed file.
struct Module {
  uint32_t file = 0;
  std::vector<Stmt> stmts;
  std::vector<Comment> comments;
};

}  // namespace mig
