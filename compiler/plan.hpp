// A checked plan: the AST of the plan and its modules with every name resolved and
// the settings in effect. Analysis produces it; lowering and the binder read it.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ast.hpp"
#include "compiler/types.hpp"

namespace mig {

// Settings in effect (spec section 8): built-in defaults overridden by `settings { }`;
// the CLI and MIG_* environment variables override these later, at run time.
struct Settings {
  int64_t batch_size = 5000;
  ConflictPolicy on_conflict = ConflictPolicy::fail;
  CheckAction on_error = CheckAction::reject;
  int64_t parallel = 4;
  bool fk_checks_deferred = true;         // `fk_checks = deferred` (else `on`)
  std::optional<int64_t> confirm_above;   // none: never ask
  std::string state = ".mig/state";
  std::string reports = "reports";
  bool create_tables = false;
};

struct Connection {
  std::string name;
  bool is_target = false;     // declared `target` (may also be read)
  const Stmt* decl = nullptr; // its `source`/`target` statement (value = connector call)
};

struct Param {
  std::string name;
  Type type;
  const Stmt* decl = nullptr;
  std::optional<std::string> given;  // `--param` / MIG_PARAM_ text, already checked
};

struct Function {
  std::string name;
  std::vector<Type> param_types;
  Type result;
  const Stmt* decl = nullptr;
};

// Why one task must run after another.
struct Dependency {
  enum class Kind { lookup, follow } kind;
  std::string task;  // the task depended on (runs first)
  Span span;         // where the dependency is written
};

struct Task {
  std::string name;
  const Stmt* decl = nullptr;  // the copy/update statement
  bool is_update = false;
  std::string source;          // connection read (copy) or updated (update)
  std::string target;          // connection written
  std::vector<Dependency> deps;
  // The task's own clauses win over the plan's settings.
  int64_t batch_size = 0;
  ConflictPolicy on_conflict = ConflictPolicy::fail;
  std::optional<int64_t> confirm_above;
  CheckAction on_error = CheckAction::reject;  // a `check` without `else`, and rows the target refuses
};

// A classified `expect`.
struct Assertion {
  enum class Kind { count_source, rejects, unique, not_null, parity, no_orphans, expr } kind;
  const Expectation* expect = nullptr;
  std::string task;  // empty at plan level
  // rejects: `rejects <= 0.5%` is op le, limit "0.5", percent true (limit as written).
  Op op = Op::none;
  std::string limit;
  bool percent = false;
  std::vector<std::string> columns;  // unique, not_null: the target columns
  std::string connection;            // no_orphans: the connection checked
};

struct CheckedPlan {
  std::string name;
  std::vector<Module> modules;           // [0] is the plan file; the rest are `use`d modules
  std::map<std::string, Connection> connections;
  std::map<std::string, Param> params;
  std::map<std::string, Function> functions;  // user `fn`s (built-ins live in builtins.hpp)
  std::vector<Task> tasks;               // in declaration order
  std::vector<Assertion> assertions;     // task-level then plan-level, in order
  std::vector<const Stmt*> environments;
  std::vector<const Stmt*> hooks;        // before/after statements
  Settings settings;

  const Task* task(const std::string& name) const;
};

}  // namespace mig
