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

// The passes of analysis over one plan and its modules; run() holds their order. Each
// group of members below lives in the analyse_*.cpp file named before it.
class Analyser {
 public:
  Analyser(SourceManager& sources, const AnalyseOptions& options, Diagnostics& diags);
  // Runs every pass over `plan_module` and returns the filled-in plan.
  CheckedPlan run(Module plan_module);

  // --- analyse_modules.cpp
  // Loads and parses every `use`d module into plan.modules.
  void load_modules();

  // --- analyse_declare.cpp
  // Registers every declaration of every module (libraries first).
  void declare_all();
  // Registers one top-level statement under its name.
  void declare_statement(const Stmt& s);

  // --- analyse_settings.cpp
  // Reads `settings { }` into plan.settings.
  void check_settings(const Stmt& stmt);

  // --- analyse_params.cpp
  // Resolves parameter types and checks their defaults.
  void check_params();
  // Checks the `--param` values against the declared types (and required ones given).
  void apply_param_values();
  // A default of a date/uuid/... type written as a string: it must parse as the type.
  void check_spelled_default(const std::string& name, Type type, const Expr& value, Type given);

  // --- analyse_functions.cpp
  // Registers a user `fn` and its signature.
  void declare_function(const Stmt& stmt);
  // Checks every body against its declared result, and the call graph for recursion.
  void check_function_bodies();

  // --- analyse_connections.cpp
  // Checks the connectors of connections and environments, and the hooks.
  void check_connections();
  // Checks that `value` is a call of a connector, with valid arguments.
  void check_connector(const Expr* value, Span where);
  void check_sqlite_attach(const Expr& call);

  // --- analyse_tasks.cpp
  // Registers a copy/update under its task name.
  void declare_task(const Stmt& stmt);
  // Checks every task: tables, clauses, expressions, dependencies.
  void check_tasks();
  void check_task(Task& t);
  // Checks the connection of a table reference.
  void check_table(const TableRef& ref);
  // Reports writing into a connection declared `source`.
  void check_writable(const TableRef& ref);
  // Whether clause `c` may appear in task `t`; reports it when not.
  bool clause_allowed(const Task& t, const Clause& c);
  void check_clause(Task& t, const Clause& c);
  // `map { }` / `set { }`: each expression, each column assigned once.
  void check_assignments(Task& t, const Clause& c);
  // Resolves a task name for `follow`/`lookup` and records the dependency of `task`.
  void add_dependency(Task* task, const Ident& name, Dependency::Kind kind, Span span);

  // --- analyse_graph.cpp
  // Reports each cycle of tasks through lookup/follow.
  void check_task_graph();

  // --- analyse_assertions.cpp
  // Classifies a task's `expect` into plan.assertions.
  void check_task_expect(Task& task, const Expectation& e);
  // Classifies a plan-level `expect` into plan.assertions.
  void check_plan_expect(const Expectation& e);
  // Recognises the table-level forms (count == source, rejects, unique, not_null, parity).
  bool classify(const Expr& e, Assertion& a);
  // Checks the bound of `rejects OP N` / `N%` and stores it in `a`.
  void check_rejects_bound(const Expr* bound, Assertion& a);

  // --- analyse_expr.cpp
  // The type of an expression; reports what is certainly wrong inside it.
  Type check_expr(const Expr& e, ExprContext& cx);
  Type check_literal(const Expr& e);
  // A column, `source.COL` or a fn parameter, as the scope allows.
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
  // Validates a regular-expression literal (as the runtime's PCRE2 reads it).
  void check_regex(const Expr& e);

  // --- analyse_calls.cpp
  // A call of a user `fn` or a built-in allowed in this scope.
  Type check_call(const Expr& e, ExprContext& cx);
  // Checks the arguments of `e` against `sig`; returns the result type.
  Type check_arguments(const Expr& e, const Signature& sig, ExprContext& cx,
                       const Builtin* builtin);
  // One argument against parameter `param` of `sig`; returns its type.
  Type check_argument(const Signature& sig, size_t param, const Expr& value,
                      const std::string& label, ExprContext& cx, const Builtin* builtin);
  // The result type of a call, from its signature's rule and the argument types.
  Type call_result(const Signature& sig, const std::vector<BoundArg>& bound);

  // --- analyse.cpp: helpers shared by the passes
  // Reports `id` when `name` is in `seen`, with a note at the first declaration; else
  // records it. Returns whether the name was new.
  bool declare_once(std::map<std::string, Span>& seen, const std::string& name, Span span,
                    DiagId id, const char* note = "first declared here");
  // Adds "help: did you mean `x`?" when a candidate is close to `name`.
  static void suggest(Diagnostic& d, const std::string& name,
                      const std::vector<std::string>& candidates, const std::string& prefix = "");
  // The keys of a map, as candidates for suggestions.
  template <typename M>
  static std::vector<std::string> keys(const M& m) {
    std::vector<std::string> out;
    for (const auto& [k, v] : m) out.push_back(k);
    return out;
  }
  // Reports an unknown connection name (with did-you-mean); true when it is declared.
  bool check_connection_name(const Ident& name);

  SourceManager& sources;         // gains the `use`d modules and `<command line>` values
  const AnalyseOptions& options;
  Diagnostics& diags;
  CheckedPlan plan;               // what run() returns

  // Where each name was first declared, per namespace (for duplicates and notes).
  std::map<std::string, Span> connection_spans, param_spans, fn_spans, environment_spans,
      task_spans, setting_spans;
  std::optional<Span> plan_name_span;            // `plan NAME`, once seen
  std::vector<std::string> missing_modules;      // `use`d but not found: their fns are unknown
  std::vector<const Stmt*> plan_expects;         // plan-level `expect`, in order
  std::vector<const Stmt*> fn_stmts;             // registered user functions, in order
  // For recursion: each user fn -> the user fns its body calls, and where.
  std::map<std::string, std::vector<std::pair<std::string, Span>>> fn_calls;
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
