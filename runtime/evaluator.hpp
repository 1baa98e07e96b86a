// The runtime expression evaluator: an expression of a task is compiled once into a
// Program (names resolved to column indexes, literals and parameters folded into constants,
// regexes compiled, each call bound to its implementation), and the Program is evaluated
// once per row without looking up names or parsing literals. Rules: docs/expressions.md.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "compiler/ast.hpp"
#include "compiler/plan.hpp"
#include "runtime/result.hpp"
#include "runtime/value.hpp"

namespace mig {

// What names mean while compiling one expression of one task (spec section 4).
struct EvalScope {
  // Which row a plain name reads: the source row (`where`, `map`, `set`) or the mapped
  // target row (`check`, `expect`), where `source.COL` reaches the source row.
  enum class RowKind { source, target };

  RowKind row = RowKind::source;
  // The row's columns, in the order of the values eval() is given.
  std::vector<std::string> columns;
  // RowKind::target: the source row's columns, for `source.COL`.
  std::vector<std::string> source_columns;
  // `$name` values (folded into constants); nullptr: none.
  const std::map<std::string, Value>* params = nullptr;
  // User `fn`s, compiled into the program at each call; nullptr: none.
  const CheckedPlan* plan = nullptr;
  // `lookup(TASK, key)`: the target key task TASK wrote for a source key, nullopt when it
  // wrote none (an error for a crosswalk that cannot be read). Empty: `lookup` is refused.
  std::function<Result<std::optional<Value>>(const std::string& task, const Value& key)> lookup;
  // The run's start in microseconds since the epoch (UTC): `now()` returns it, as SQL's
  // `now()` is the transaction's start. None: `now()` reads the clock at each call.
  std::optional<int64_t> now_micros;
};

namespace eval {
struct Code;  // the compiled nodes (evaluator.cpp)
}

// A compiled expression; cheap to copy, immutable, and safe to evaluate from several
// threads at once (a `lookup` resolver must be too).
class Program {
 public:
  // The value for one row. `row` holds the scope's columns in order; `source_row` the
  // source columns (RowKind::target only). An Error is a row error: its message names
  // what went wrong and the expression (`division by zero in \`total / qty\``) and
  // becomes the reject reason.
  Result<Value> eval(std::span<const Value> row, std::span<const Value> source_row = {}) const;
  // For `where` and `check`: whether the value is true (null and false are not); a value
  // that is not a bool is an error.
  Result<bool> holds(std::span<const Value> row, std::span<const Value> source_row = {}) const;

  // The value when the expression needs no row (literals, parameters, pure functions of
  // them), else nullptr.
  const Value* constant() const;
  // False when the expression calls `uuid()` or reads the clock: evaluating it twice for
  // the same row may give different values.
  bool deterministic() const;
  // The expression as the user wrote it (canonical form), for messages and reports.
  const std::string& text() const;

 private:
  friend Result<Program> compile_expr(const Expr& e, const EvalScope& scope);
  explicit Program(std::shared_ptr<const eval::Code> code) : code_(std::move(code)) {}
  std::shared_ptr<const eval::Code> code_;
};

// Compiles `e` in `scope`. Errors (an unknown column with a did-you-mean, an unknown
// parameter or function, a call that does not fit its signature, an invalid constant
// regex, `lookup` where no resolver is given) name the place in the expression.
Result<Program> compile_expr(const Expr& e, const EvalScope& scope);

}  // namespace mig
