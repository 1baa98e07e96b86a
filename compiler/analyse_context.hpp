// Internal to analysis: the Analyser whose passes (one concept per analyse_*.cpp file) fill
// in a CheckedPlan, and the context an expression is checked in.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/analyse.hpp"
#include "compiler/builtins.hpp"

namespace mig {

// Where an expression appears decides which names and calls it may use.
enum class Scope {
  source_row,   // `where`, `map`, `set`: source columns (and `source.COL`)
  target_row,   // `check`: target columns and `source.COL`
  fn_body,      // a `fn`'s body: its parameters
  constant,     // a parameter default: literals and scalar functions
  connector,    // a connector's arguments: also `env`, `secret` and parameters
  plan_expect,  // a plan-level `expect`: also `count(CONN.TABLE)`, `sql(CONN, "...")`
};

// What check_expr needs to know about the place of an expression.
struct ExprContext {
  Scope scope = Scope::constant;
  std::string place;          // for messages: "a `where`", "function `f`"
  const Stmt* fn = nullptr;   // fn_body: the function whose parameters are in scope
  Task* task = nullptr;       // task expressions: `lookup`s become its dependencies
};

// One argument of a call bound to a parameter of its signature.
struct BoundArg {
  size_t param;       // index into the signature's parameters
  const Expr* value;
  std::string label;  // "1", "`cost`": how messages name the argument
  Type type;          // its type, once checked
};

// A directed edge of a dependency graph (tasks, or functions calling functions).
struct Edge {
  size_t to;
  Span span;          // where the dependency is written
  std::string label;  // "looks up", "follows", "calls"
};

// The passes of analysis over one plan and its modules; see analyse.cpp for the order.
class Analyser {
 public:
  Analyser(SourceManager& sources, const AnalyseOptions& options, Diagnostics& diags);
  CheckedPlan run(Module plan_module);

  // analyse_modules.cpp: loads and parses every `use`d module.
  void load_modules();
  // analyse_declare.cpp: registers every declaration, reporting duplicates and library misuse.
  void declare_all();
  void declare_statement(const Stmt& s);
  // analyse_settings.cpp: `settings { }` into plan.settings.
  void check_settings(const Stmt& stmt);
  // analyse_params.cpp: parameter types, defaults and the values given for them.
  void check_params();
  void apply_param_values();
  // analyse_functions.cpp: user `fn` signatures, bodies, and recursion.
  void declare_function(const Stmt& stmt);
  void check_function_bodies();
  // analyse_connections.cpp: connector calls, environments and hooks.
  void check_connections();
  void check_connector(const Expr* value, Span where);
  // analyse_tasks.cpp: each copy/update and its clauses.
  void declare_task(const Stmt& stmt);
  void check_tasks();
  void check_task(Task& t);
  void check_table(const TableRef& ref);
  void check_writable(const TableRef& ref);
  bool clause_allowed(const Task& t, const Clause& c);
  void check_clause(Task& t, const Clause& c);
  void check_assignments(Task& t, const Clause& c);
  // analyse_graph.cpp: cycles through lookup/follow.
  void check_task_graph();
  // analyse_assertions.cpp: classifies `expect`s into plan.assertions.
  void check_task_expect(Task& task, const Expectation& e);
  void check_plan_expect(const Expectation& e);
  bool classify(const Expr& e, Assertion& a);
  void check_rejects_bound(const Expr* bound, Assertion& a);

  // analyse_expr.cpp: the type of an expression; reports what is wrong inside it.
  Type check_expr(const Expr& e, ExprContext& cx);
  Type check_literal(const Expr& e);
  Type check_name(const Expr& e, ExprContext& cx);
  Type check_param_ref(const Expr& e, ExprContext& cx);
  Type check_map_literal(const Expr& e, ExprContext& cx);
  Type check_unary(const Expr& e, ExprContext& cx);
  Type check_binary(const Expr& e, ExprContext& cx);
  Type check_in(const Expr& e, ExprContext& cx);
  Type check_matches(const Expr& e, ExprContext& cx);
  // The common type of `so_far` and `item`'s type `t`; reports when they do not mix.
  Type mix(Type so_far, const Expr& item, Type t, const std::string& what);
  // Checks a `where`/`check`-like condition is a bool.
  void check_condition(const Expr& e, ExprContext& cx, const std::string& what);
  // analyse_calls.cpp: a call of a built-in or user function.
  Type check_call(const Expr& e, ExprContext& cx);
  // Checks the arguments of `e` against `sig`; returns the result type.
  Type check_arguments(const Expr& e, const Signature& sig, ExprContext& cx,
                       const Builtin* builtin);
  // One argument against parameter `param` of `sig`; returns its type.
  Type check_argument(const Signature& sig, size_t param, const Expr& value,
                      const std::string& label, ExprContext& cx, const Builtin* builtin);
  // The result type of a call, from its signature's rule and the argument types.
  Type call_result(const Signature& sig, const std::vector<BoundArg>& bound);

  // Reports `id` when `name` is in `seen`, with a note at the first declaration; else
  // records it. Returns whether the name was new.
  bool declare_once(std::map<std::string, Span>& seen, const std::string& name, Span span,
                    DiagId id, const char* note = "first declared here");
  // Adds "help: did you mean `x`?" when a candidate is close to `name`.
  static void suggest(Diagnostic& d, const std::string& name,
                      const std::vector<std::string>& candidates, const std::string& prefix = "");
  // The names of a map's keys, for suggestions.
  template <typename M>
  static std::vector<std::string> keys(const M& m) {
    std::vector<std::string> out;
    for (const auto& [k, v] : m) out.push_back(k);
    return out;
  }
  // Reports an unknown connection name (with did-you-mean) unless it is declared.
  bool check_connection_name(const Ident& name);
  // Resolves a task name for `follow`/`lookup` and records the dependency of `task`.
  void add_dependency(Task* task, const Ident& name, Dependency::Kind kind, Span span);
  // Validates a regular-expression literal.
  void check_regex(const Expr& e);

  SourceManager& sources;
  const AnalyseOptions& options;
  Diagnostics& diags;
  CheckedPlan plan;

  // Where each name was first declared, per namespace (for duplicates and notes).
  std::map<std::string, Span> connection_spans, param_spans, fn_spans, environment_spans,
      task_spans, setting_spans;
  std::optional<Span> plan_name_span;            // `plan NAME`, once seen
  std::vector<std::string> missing_modules;      // `use`d but not found: their fns are unknown
  std::vector<const Stmt*> task_stmts;           // copy/update, in order (parallel to plan.tasks)
  std::vector<const Stmt*> plan_expects;         // plan-level `expect`
  std::vector<const Stmt*> fn_stmts;             // user functions, in order
  std::map<std::string, std::vector<std::pair<std::string, Span>>> fn_calls;  // fn -> user fns it calls
};

// Finds the cycles of a graph (nodes 0..n-1); each is returned once, as its node sequence
// (first node not repeated) with the edge taken out of each node.
std::vector<std::vector<std::pair<size_t, const Edge*>>> find_cycles(
    const std::vector<std::vector<Edge>>& graph);

// The type a TypeRef names; reports an unknown one (with did-you-mean) and returns nullopt.
std::optional<Type> resolve_type(Diagnostics& diags, const TypeRef& ref);
// The type both `a` and `b` fit (int and decimal: decimal); nullopt when they do not mix.
std::optional<Type> common_type(Type a, Type b);
// `a.b.c` for a dotted name.
std::string path_text(const std::vector<Ident>& path);
// The text of a table reference (`legacy.tmp_*`).
std::string table_text(const TableRef& ref);

}  // namespace mig
