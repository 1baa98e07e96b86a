// What the parser says when a `must<>` point of grammar.hpp fails: one message per rule,
// and the PEGTL control that throws it (as PEGTL's src/example/pegtl/json_errors.hpp).
// Messages follow the diagnostics' style: lower-case, no final period, code in backticks.
#pragma once
#include <cstddef>
#include <tao/pegtl.hpp>

#include "grammar/grammar.hpp"

namespace mig::grammar {

// The message for a rule that failed under `must<>`; nullptr means "no message yet",
// which the control below turns into a compile error.
template <typename Rule>
inline constexpr const char* error_message = nullptr;

// Which diagnostic a failure becomes (most are plain syntax errors).
enum class failure_kind { syntax, unterminated_string, unterminated_backquote, single_equals };

template <typename Rule>
inline constexpr failure_kind error_kind = failure_kind::syntax;

// Thrown by the control; parse() turns it into one diagnostic.
struct parse_failure {
  failure_kind kind;
  const char* message;
  std::size_t offset;  // byte offset of the offending token
};

// clang-format off
#define MIG_ERROR(rule, text) template <> inline constexpr const char* error_message<rule> = text
#define MIG_ERROR_KIND(rule, kind) template <> inline constexpr failure_kind error_kind<rule> = failure_kind::kind

// Lexical.
MIG_ERROR(unterminated_string, "unterminated string");
MIG_ERROR_KIND(unterminated_string, unterminated_string);
MIG_ERROR(unterminated_backquote, "unterminated backquoted name");
MIG_ERROR_KIND(unterminated_backquote, unterminated_backquote);
MIG_ERROR(param_ref_name, "expected a parameter name after `$`");

// Expressions.
MIG_ERROR(too_deep, "expressions nest too deeply");
MIG_ERROR(single_equals, "`=` is not a comparison");
MIG_ERROR_KIND(single_equals, single_equals);
MIG_ERROR(chained_comparison, "comparisons cannot be chained; combine them with `and`");
MIG_ERROR(list_close, "expected `]` to close the list");
MIG_ERROR(map_colon, "expected `:` after the key of a map entry");
MIG_ERROR(map_value, "expected a value after `:`");
MIG_ERROR(map_lit_close, "expected `}` to close the map");
MIG_ERROR(first_when, "expected `when` after `case`");
MIG_ERROR(when_condition, "expected a condition after `when`");
MIG_ERROR(then_keyword, "expected `then` after the `when` condition");
MIG_ERROR(then_value, "expected a value after `then`");
MIG_ERROR(else_value, "expected a value after `else`");
MIG_ERROR(case_end, "expected `when`, `else` or `end` in `case`");
MIG_ERROR(paren_inner, "expected an expression after `(`");
MIG_ERROR(paren_close, "expected `)` to close the parenthesis");
MIG_ERROR(named_value, "expected a value after `:`");
MIG_ERROR(call_close, "expected `)` to close the call");
MIG_ERROR(name_after_dot, "expected a name after `.`");
MIG_ERROR(unary_operand, "expected an expression after the sign");
MIG_ERROR(mul_operand, "expected an expression");
MIG_ERROR(add_operand, "expected an expression");
MIG_ERROR(concat_operand, "expected an expression after `||`");
MIG_ERROR(compared_operand, "expected an expression after the comparison");
MIG_ERROR(in_operand, "expected a list or a parameter after `in`");
MIG_ERROR(is_rest, "expected `null` or `not null` after `is`");
MIG_ERROR(matches_operand, "expected a pattern string after `matches`");
MIG_ERROR(not_operand, "expected an expression after `not`");
MIG_ERROR(and_operand, "expected an expression after `and`");
MIG_ERROR(or_operand, "expected an expression after `or`");

// Types and tables.
MIG_ERROR(type_arg, "expected a type");
MIG_ERROR(type_close, "expected `>` to close the type");
MIG_ERROR(table_dot, "expected `.` and a table name after the connection (`conn.table`)");
MIG_ERROR(table_part_after_dot, "expected a table name after `.`");
MIG_ERROR(skip_part_after_dot, "expected a name or a pattern after `.`");

// Clauses.
MIG_ERROR(key_columns, "expected a column name after `key`");
MIG_ERROR(where_condition, "expected a condition after `where`");
MIG_ERROR(follow_body, "expected a column name or `foreign keys` after `follow`");
MIG_ERROR(follow_arrow, "expected `->` and a task after the followed columns");
MIG_ERROR(follow_task, "expected a task name after `->`");
MIG_ERROR(skip_list, "expected a table name or a pattern after `skip`");
MIG_ERROR(drop_column, "expected a column name after `drop`");
MIG_ERROR(assign_equals, "expected `=` after the column name");
MIG_ERROR(assign_value, "expected an expression after `=`");
MIG_ERROR(map_open, "expected `{` after `map`");
MIG_ERROR(map_close, "expected `}` to close `map`");
MIG_ERROR(set_open, "expected `{` after `set`");
MIG_ERROR(set_close, "expected `}` to close `set`");
MIG_ERROR(check_condition, "expected a condition after `check`");
MIG_ERROR(check_action, "expected `reject`, `fail` or `warn` after `else`");
MIG_ERROR(check_label, "expected a label string after `as`");
MIG_ERROR(orphans_in, "expected `in` after `no orphans`");
MIG_ERROR(orphans_connection, "expected a connection name after `no orphans in`");
MIG_ERROR(assertion, "expected an assertion after `expect`");
MIG_ERROR(conflict_keyword, "expected `conflict` after `on`");
MIG_ERROR(conflict_policy, "expected `skip`, `update` or `fail` after `on conflict`");
MIG_ERROR(batch_size, "expected a number after `batch`");
MIG_ERROR(above_keyword, "expected `above` after `confirm`");
MIG_ERROR(confirm_limit, "expected a number after `confirm above`");

// Statements.
MIG_ERROR(plan_name, "expected the plan's name after `plan`");
MIG_ERROR(module_ref, "expected a module name or a \"path.mig\" string after `use`");
MIG_ERROR(param_name, "expected a parameter name after `param`");
MIG_ERROR(param_colon, "expected `:` and a type after the parameter name");
MIG_ERROR(param_type, "expected a type after `:`");
MIG_ERROR(param_default, "expected a default value after `=`");
MIG_ERROR(connection_name, "expected a connection name");
MIG_ERROR(connection_equals, "expected `=` after the connection name");
MIG_ERROR(connector, "expected a connector after `=`, like `postgres(...)`");
MIG_ERROR(environment_name, "expected an environment name after `environment`");
MIG_ERROR(environment_open, "expected `{` after the environment name");
MIG_ERROR(environment_close, "expected a connection (`CONN = CONNECTOR`) or `}` to close `environment`");
MIG_ERROR(binding_equals, "expected `=` after the connection name");
MIG_ERROR(binding_value, "expected a connector after `=`");
MIG_ERROR(settings_open, "expected `{` after `settings`");
MIG_ERROR(settings_close, "expected a setting (`KEY = VALUE`) or `}` to close `settings`");
MIG_ERROR(setting_equals, "expected `=` after the setting name");
MIG_ERROR(setting_value, "expected a value after `=`");
MIG_ERROR(fn_name, "expected a function name after `fn`");
MIG_ERROR(fn_open, "expected `(` after the function name");
MIG_ERROR(fn_param_colon, "expected `:` and a type after the argument name");
MIG_ERROR(fn_param_type, "expected a type after `:`");
MIG_ERROR(fn_close, "expected `)` to close the argument list");
MIG_ERROR(fn_arrow, "expected `->` and the result type after the arguments");
MIG_ERROR(fn_result, "expected the result type after `->`");
MIG_ERROR(fn_equals, "expected `=` and the body after the result type");
MIG_ERROR(fn_body, "expected an expression after `=`");
MIG_ERROR(copy_source, "expected the source table after `copy`");
MIG_ERROR(copy_arrow, "expected `->` after the source table");
MIG_ERROR(copy_target, "expected the target table after `->`");
MIG_ERROR(task_alias, "expected a task name after `as`");
MIG_ERROR(copy_open, "expected `{` to open the task's clauses");
MIG_ERROR(copy_close, "expected a clause (`key`, `where`, `follow`, `skip`, `map`, `check`, `expect`, `on conflict`, `batch`, `confirm`) or `}`");
MIG_ERROR(update_table, "expected a table after `update`");
MIG_ERROR(update_open, "expected `{` to open the task's clauses");
MIG_ERROR(update_close, "expected a clause (`key`, `where`, `set`, `check`, `expect`, `batch`, `confirm`) or `}`");
MIG_ERROR(hook_connection, "expected a connection name");
MIG_ERROR(sql_keyword, "expected `sql` after the connection name");
MIG_ERROR(hook_sql, "expected the SQL text as a string after `sql`");
MIG_ERROR(statement, "expected a statement (`plan`, `use`, `param`, `source`, `target`, `environment`, `settings`, `fn`, `copy`, `update`, `expect`, `before`, `after`)");
MIG_ERROR(end_of_file, "expected a statement (`plan`, `use`, `param`, `source`, `target`, `environment`, `settings`, `fn`, `copy`, `update`, `expect`, `before`, `after`)");

#undef MIG_ERROR
#undef MIG_ERROR_KIND
// clang-format on

// PEGTL control: a failed `must<Rule>` (or `raise<Rule>`) throws `parse_failure` with
// Rule's message and the input position. A rule without a message does not compile.
template <typename Rule>
struct control : normal<Rule> {
  template <typename ParseInput, typename... States>
  [[noreturn]] static void raise(const ParseInput& in, States&&... /*unused*/) {
    static_assert(error_message<Rule> != nullptr, "every must<> rule needs an error_message");
    throw parse_failure{error_kind<Rule>, error_message<Rule>,
                        static_cast<std::size_t>(in.current() - in.begin())};
  }
};

}  // namespace mig::grammar
