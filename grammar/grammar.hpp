// The `.mig` grammar (spec/LANGUAGE.md) as PEGTL rules: rule structs only, no actions.
// compiler/parser.cpp builds the AST from the parse tree of selected rules, and
// grammar/errors.hpp gives every `must<>` point its "expected ..." message.
#pragma once
#include <cstddef>
#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/analyze_traits.hpp>

namespace mig::grammar {
using namespace tao::pegtl;

// ---------------------------------------------------------------- nesting guard

// How deeply expressions (and types) may nest before the parse stops. Bounds the
// recursion of the parser and of every later pass that walks the tree (each level costs
// a few dozen stack frames; 200 levels stay well inside the stack even under ASan).
inline constexpr std::size_t max_nesting = 200;

// Raised (never matched) when an expression nests deeper than `max_nesting`.
struct too_deep : success {};

// R, one nesting level deeper. The parse input must carry a `nesting` counter.
template <typename R>
struct nested {
  using rule_t = nested;
  using subs_t = type_list<R>;

  template <apply_mode A, rewind_mode M, template <typename...> class Action,
            template <typename...> class Control, typename ParseInput, typename... States>
  [[nodiscard]] static bool match(ParseInput& in, States&&... st) {
    if (in.nesting >= max_nesting) Control<too_deep>::raise(in, st...);
    ++in.nesting;
    const bool ok = Control<R>::template match<A, M, Action, Control>(in, st...);
    --in.nesting;
    return ok;
  }
};

// First, then any number of Tails (`a + b - c`). The AST folds such a chain into a
// left-deep tree, one level per operator, so each Tail also counts one nesting level
// (until the chain ends): a 100k-term sum is refused instead of overflowing a later pass.
template <typename First, typename Tail>
struct chain {
  using rule_t = chain;
  using subs_t = type_list<First, Tail>;

  template <apply_mode A, rewind_mode M, template <typename...> class Action,
            template <typename...> class Control, typename ParseInput, typename... States>
  [[nodiscard]] static bool match(ParseInput& in, States&&... st) {
    if (!Control<First>::template match<A, M, Action, Control>(in, st...)) return false;
    const std::size_t outer = in.nesting;
    while (true) {
      const auto before = in.iterator();
      if (!Control<Tail>::template match<A, rewind_mode::required, Action, Control>(in, st...)) break;
      if (++in.nesting > max_nesting) {
        in.iterator() = before;  // point the error at the operator that went too deep
        Control<too_deep>::raise(in, st...);
      }
    }
    in.nesting = outer;
    return true;
  }
};

// ---------------------------------------------------------------- layout

// `#` to end of line (parser.cpp collects comments separately, for fmt).
struct comment : seq<one<'#'>, star<not_one<'\n'>>> {};
struct ws : sor<one<' ', '\t', '\n', '\r', '\f', '\v'>, comment> {};
// Optional white space and comments.
struct sep : star<ws> {};
// Between statements, clauses and map items: white space, `,` and `;` (all optional).
struct separators : star<sor<ws, one<',', ';'>>> {};
// A `,` inside a list, with the white space around it.
struct comma : seq<sep, one<','>, sep> {};

// ---------------------------------------------------------------- names

struct ident_first : ranges<'a', 'z', 'A', 'Z', '_'> {};
struct ident_other : ranges<'a', 'z', 'A', 'Z', '0', '9', '_'> {};
struct plain_name : seq<ident_first, star<ident_other>> {};
// `Order Details` in backquotes; a name never spans lines.
struct quoted_name : seq<one<'`'>, star<not_one<'`', '\n', '\r'>>, one<'`'>> {};
// A backquote with no closing one on its line (raised at the opening backquote).
struct unterminated_backquote : seq<at<one<'`'>>, raise<unterminated_backquote>> {};
struct name : sor<plain_name, quoted_name, unterminated_backquote> {};

// A name with `*` in it: the last part of a table pattern, or a `skip` pattern part.
struct pattern_name : seq<star<ident_other>, one<'*'>, star<sor<ident_other, one<'*'>>>> {};

// Words that cannot be plain names inside an expression (backquote them there).
struct reserved_word
    : sor<TAO_PEGTL_KEYWORD("and"), TAO_PEGTL_KEYWORD("or"), TAO_PEGTL_KEYWORD("not"),
          TAO_PEGTL_KEYWORD("in"), TAO_PEGTL_KEYWORD("is"), TAO_PEGTL_KEYWORD("null"),
          TAO_PEGTL_KEYWORD("true"), TAO_PEGTL_KEYWORD("false"), TAO_PEGTL_KEYWORD("matches"),
          TAO_PEGTL_KEYWORD("case"), TAO_PEGTL_KEYWORD("when"), TAO_PEGTL_KEYWORD("then"),
          TAO_PEGTL_KEYWORD("else"), TAO_PEGTL_KEYWORD("end")> {};
struct expr_name : sor<seq<not_at<reserved_word>, plain_name>, quoted_name, unterminated_backquote> {};

// Words that start a clause: after a `,` in a column or pattern list they end the list.
struct clause_keyword
    : sor<TAO_PEGTL_KEYWORD("key"), TAO_PEGTL_KEYWORD("where"), TAO_PEGTL_KEYWORD("follow"),
          TAO_PEGTL_KEYWORD("skip"), TAO_PEGTL_KEYWORD("map"), TAO_PEGTL_KEYWORD("set"),
          TAO_PEGTL_KEYWORD("check"), TAO_PEGTL_KEYWORD("expect"), TAO_PEGTL_KEYWORD("on"),
          TAO_PEGTL_KEYWORD("batch"), TAO_PEGTL_KEYWORD("confirm")> {};

// Words that start a statement: after a `,` in `use a, b` they end the list.
struct statement_keyword
    : sor<TAO_PEGTL_KEYWORD("plan"), TAO_PEGTL_KEYWORD("use"), TAO_PEGTL_KEYWORD("param"),
          TAO_PEGTL_KEYWORD("source"), TAO_PEGTL_KEYWORD("target"),
          TAO_PEGTL_KEYWORD("environment"), TAO_PEGTL_KEYWORD("settings"),
          TAO_PEGTL_KEYWORD("fn"), TAO_PEGTL_KEYWORD("copy"), TAO_PEGTL_KEYWORD("update"),
          TAO_PEGTL_KEYWORD("expect"), TAO_PEGTL_KEYWORD("before"),
          TAO_PEGTL_KEYWORD("after")> {};

// ---------------------------------------------------------------- literals

struct digits : plus<ascii::digit> {};
struct fraction : seq<one<'.'>, digits> {};
struct exponent : seq<one<'e', 'E'>, opt<one<'+', '-'>>, digits> {};
struct minus_sign : one<'-'> {};
// `5%`, `0.5%`. The `%` must touch the number and not be followed by an operand, so that
// `x % 3` and `10%3` stay modulo while `rejects <= 5%` is a percentage.
struct percent_lit
    : seq<opt<minus_sign>, digits, opt<fraction>, one<'%'>,
          not_at<sor<ident_other, one<'(', '$', '"', '\'', '`', '['>>>> {};
struct float_lit : seq<opt<minus_sign>, digits, opt<fraction>, exponent, not_at<ident_other>> {};
struct decimal_lit : seq<opt<minus_sign>, digits, fraction, not_at<ident_other>> {};
// `-7` is one token when the sign touches the digits (so that int64's minimum is writable).
struct int_lit : seq<opt<minus_sign>, digits, not_at<ident_other>> {};
struct number_lit : sor<percent_lit, float_lit, decimal_lit, int_lit> {};

// A string never spans lines; escapes are decoded (and checked) by the parser.
template <char Q>
struct string_char : sor<seq<one<'\\'>, not_one<'\n', '\r'>>, not_one<Q, '\\', '\n', '\r'>> {};
struct dq_string : seq<one<'"'>, star<string_char<'"'>>, one<'"'>> {};
struct sq_string : seq<one<'\''>, star<string_char<'\''>>, one<'\''>> {};
// A quote with no closing one on its line (raised at the opening quote).
struct unterminated_string : seq<at<one<'"', '\''>>, raise<unterminated_string>> {};
struct string_lit : sor<dq_string, sq_string, unterminated_string> {};

struct lit_true : TAO_PEGTL_KEYWORD("true") {};
struct lit_false : TAO_PEGTL_KEYWORD("false") {};
struct lit_null : TAO_PEGTL_KEYWORD("null") {};

struct param_ref_name : seq<name> {};
struct param_ref : seq<one<'$'>, must<param_ref_name>> {};

// ---------------------------------------------------------------- expressions

struct expr;
struct unary_expr;
struct not_expr;

struct list_close : one<']'> {};
struct list_lit : seq<one<'['>, sep, opt<expr, star<comma, expr>, opt<comma>>, sep, must<list_close>> {};

struct map_colon : one<':'> {};
struct map_value : seq<expr> {};
struct map_entry : seq<expr, sep, must<map_colon>, sep, must<map_value>> {};
struct map_lit_close : one<'}'> {};
struct map_lit
    : seq<one<'{'>, sep, opt<map_entry, star<comma, map_entry>, opt<comma>>, sep, must<map_lit_close>> {};

struct when_condition : seq<expr> {};
struct then_keyword : TAO_PEGTL_KEYWORD("then") {};
struct then_value : seq<expr> {};
struct case_when : seq<TAO_PEGTL_KEYWORD("when"), sep, must<when_condition>, sep, must<then_keyword>, sep, must<then_value>> {};
struct first_when : seq<case_when> {};
struct else_value : seq<expr> {};
struct case_else : seq<TAO_PEGTL_KEYWORD("else"), sep, must<else_value>> {};
struct case_end : TAO_PEGTL_KEYWORD("end") {};
struct case_expr
    : seq<TAO_PEGTL_KEYWORD("case"), sep, must<first_when>, star<sep, case_when>, opt<sep, case_else>, sep, must<case_end>> {};

struct paren_inner : seq<expr> {};
struct paren_close : one<')'> {};
struct paren_expr : seq<one<'('>, sep, must<paren_inner>, sep, must<paren_close>> {};

struct named_value : seq<expr> {};
// `name: value` (the name may be a reserved word: `csv(..., null: "")`).
struct named_arg : seq<name, sep, one<':'>, sep, must<named_value>> {};
struct call_arg : sor<named_arg, expr> {};
struct call_close : one<')'> {};
struct call_args : seq<one<'('>, sep, opt<call_arg, star<comma, call_arg>, opt<comma>>, sep, must<call_close>> {};
struct name_after_dot : seq<name> {};
struct dotted_part : seq<one<'.'>, must<name_after_dot>> {};
// `email`, `source.email`, `lower(x)`: only an undotted name can be called.
struct name_or_call : seq<expr_name, sor<seq<sep, call_args>, star<dotted_part>>> {};

struct primary : sor<string_lit, lit_true, lit_false, lit_null, param_ref, list_lit, map_lit,
                     case_expr, paren_expr, name_or_call> {};

struct unary_operand : nested<unary_expr> {};
struct unary_minus : seq<one<'-'>, sep, must<unary_operand>> {};
struct unary_plus : seq<one<'+'>, sep, must<unary_operand>> {};
struct unary_expr : sor<number_lit, unary_minus, unary_plus, primary> {};

// `*` followed by `}`, `,` or `;` is the `*` item of a `map`, not a product.
struct op_mul : seq<one<'*'>, not_at<sep, one<'}', ',', ';'>>> {};
struct op_div : one<'/'> {};
struct op_mod : one<'%'> {};
struct mul_operand : seq<unary_expr> {};
struct mul_tail : seq<sep, sor<op_mul, op_div, op_mod>, sep, must<mul_operand>> {};
struct mul_expr : chain<unary_expr, mul_tail> {};

struct op_add : one<'+'> {};
struct op_sub : seq<one<'-'>, not_at<one<'>'>>> {};
struct add_operand : seq<mul_expr> {};
struct add_tail : seq<sep, sor<op_add, op_sub>, sep, must<add_operand>> {};
struct add_expr : chain<mul_expr, add_tail> {};

struct op_concat : two<'|'> {};
struct concat_operand : seq<add_expr> {};
struct concat_tail : seq<sep, op_concat, sep, must<concat_operand>> {};
struct concat_expr : chain<add_expr, concat_tail> {};

struct op_eq : two<'='> {};
struct op_ne : string<'!', '='> {};
struct op_le : string<'<', '='> {};
struct op_ge : string<'>', '='> {};
struct op_lt : one<'<'> {};
struct op_gt : one<'>'> {};
struct op_in : TAO_PEGTL_KEYWORD("in") {};
struct op_not_in : seq<TAO_PEGTL_KEYWORD("not"), sep, TAO_PEGTL_KEYWORD("in")> {};
struct op_matches : TAO_PEGTL_KEYWORD("matches") {};
struct is_null : TAO_PEGTL_KEYWORD("null") {};
struct is_not_null : seq<TAO_PEGTL_KEYWORD("not"), sep, TAO_PEGTL_KEYWORD("null")> {};
struct is_rest : sor<is_not_null, is_null> {};
struct compared_operand : seq<concat_expr> {};
struct in_operand : seq<concat_expr> {};
struct matches_operand : seq<concat_expr> {};
struct comparison_tail
    : sor<seq<sor<op_eq, op_ne, op_le, op_ge, op_lt, op_gt>, sep, must<compared_operand>>,
          seq<sor<op_not_in, op_in>, sep, must<in_operand>>,
          seq<TAO_PEGTL_KEYWORD("is"), sep, must<is_rest>>,
          seq<op_matches, sep, must<matches_operand>>> {};

// `where id = 3`: a lone `=` right after an operand (raised at the `=`).
struct lone_equals : seq<one<'='>, not_at<one<'='>>> {};
struct single_equals : seq<sep, at<lone_equals>, raise<single_equals>> {};
// `a < b < c`: comparisons do not associate (raised at the second operator).
struct comparison_start
    : sor<two<'='>, string<'!', '='>, one<'<', '>'>, TAO_PEGTL_KEYWORD("in"),
          seq<TAO_PEGTL_KEYWORD("not"), sep, TAO_PEGTL_KEYWORD("in")>, TAO_PEGTL_KEYWORD("is"),
          TAO_PEGTL_KEYWORD("matches")> {};
struct chained_comparison : seq<sep, at<comparison_start>, raise<chained_comparison>> {};
struct cmp_expr
    : seq<concat_expr, opt<single_equals>,
          opt<sep, comparison_tail, opt<single_equals>, opt<chained_comparison>>> {};

struct not_operand : nested<not_expr> {};
struct not_prefix : seq<TAO_PEGTL_KEYWORD("not"), sep, must<not_operand>> {};
struct not_expr : sor<not_prefix, cmp_expr> {};

struct and_operand : seq<not_expr> {};
struct and_tail : seq<sep, TAO_PEGTL_KEYWORD("and"), sep, must<and_operand>> {};
struct and_expr : chain<not_expr, and_tail> {};
struct or_operand : seq<and_expr> {};
struct or_tail : seq<sep, TAO_PEGTL_KEYWORD("or"), sep, must<or_operand>> {};
struct or_expr : chain<and_expr, or_tail> {};

// Any expression; each one entered counts one nesting level.
struct expr : nested<or_expr> {};

// ---------------------------------------------------------------- types, tables

struct type_ref;
struct type_arg : nested<type_ref> {};
struct type_close : one<'>'> {};
struct type_args : seq<one<'<'>, sep, must<type_arg>, star<comma, must<type_arg>>, sep, must<type_close>> {};
// `int`, `list<text>`.
struct type_ref : seq<name, opt<sep, type_args>> {};

struct table_dot : one<'.'> {};
struct table_part : sor<pattern_name, name> {};
struct table_part_after_dot : seq<table_part> {};
// `conn.table`, `conn.schema.table`; the last part may be a pattern (`legacy.tmp_*`).
struct table_ref : seq<name, must<table_dot>, must<table_part_after_dot>, opt<one<'.'>, must<table_part_after_dot>>> {};

// `AUDIT_LOG`, `STARFOX.*`, `*.TMP`, `tmp_*`: `SCHEMA.TABLE` parts, any may hold `*`.
struct skip_part : sor<pattern_name, name> {};
struct skip_part_after_dot : seq<skip_part> {};
struct skip_pattern : seq<skip_part, star<one<'.'>, must<skip_part_after_dot>>> {};

// ---------------------------------------------------------------- clauses

struct more_column : seq<not_at<clause_keyword>, name> {};
struct column_list : seq<name, star<comma, more_column>> {};

struct key_columns : seq<column_list> {};
struct key_clause : seq<TAO_PEGTL_KEYWORD("key"), sep, must<key_columns>> {};

struct where_condition : seq<expr> {};
struct where_clause : seq<TAO_PEGTL_KEYWORD("where"), sep, must<where_condition>> {};

struct follow_fks : seq<TAO_PEGTL_KEYWORD("foreign"), sep, TAO_PEGTL_KEYWORD("keys")> {};
struct follow_arrow : string<'-', '>'> {};
struct follow_task : seq<name> {};
struct follow_columns : seq<column_list, sep, must<follow_arrow>, sep, must<follow_task>> {};
struct follow_body : sor<follow_fks, follow_columns> {};
struct follow_clause : seq<TAO_PEGTL_KEYWORD("follow"), sep, must<follow_body>> {};

struct skip_list : seq<skip_pattern, star<comma, not_at<clause_keyword>, skip_pattern>> {};
struct skip_clause : seq<TAO_PEGTL_KEYWORD("skip"), sep, must<skip_list>> {};

struct map_star : one<'*'> {};
struct drop_column : seq<name> {};
// `drop = x` assigns a column called `drop`.
struct map_drop : seq<TAO_PEGTL_KEYWORD("drop"), sep, not_at<one<'='>>, must<drop_column>> {};
struct assign_equals : seq<one<'='>, not_at<one<'='>>> {};
struct assign_value : seq<expr> {};
struct map_assign : seq<name, sep, must<assign_equals>, sep, must<assign_value>> {};
struct map_item : sor<map_star, map_drop, map_assign> {};
struct map_items : star<map_item, separators> {};
struct map_open : one<'{'> {};
struct map_close : one<'}'> {};
struct map_clause : seq<TAO_PEGTL_KEYWORD("map"), sep, must<map_open>, separators, map_items, must<map_close>> {};
struct set_open : one<'{'> {};
struct set_close : one<'}'> {};
struct set_clause : seq<TAO_PEGTL_KEYWORD("set"), sep, must<set_open>, separators, map_items, must<set_close>> {};

struct check_condition : seq<expr> {};
struct act_reject : TAO_PEGTL_KEYWORD("reject") {};
struct act_fail : TAO_PEGTL_KEYWORD("fail") {};
struct act_warn : TAO_PEGTL_KEYWORD("warn") {};
struct check_action : sor<act_reject, act_fail, act_warn> {};
struct check_else : seq<TAO_PEGTL_KEYWORD("else"), sep, must<check_action>> {};
struct check_label : seq<string_lit> {};
struct check_as : seq<TAO_PEGTL_KEYWORD("as"), sep, must<check_label>> {};
struct check_clause
    : seq<TAO_PEGTL_KEYWORD("check"), sep, must<check_condition>, opt<sep, check_else>, opt<sep, check_as>> {};

struct orphans_in : TAO_PEGTL_KEYWORD("in") {};
struct orphans_connection : seq<name> {};
struct no_orphans
    : seq<TAO_PEGTL_KEYWORD("no"), sep, TAO_PEGTL_KEYWORD("orphans"), sep, must<orphans_in>, sep, must<orphans_connection>> {};
// `no orphans in CONN`, or an expression that analysis classifies.
struct assertion : sor<no_orphans, expr> {};
struct expect_clause : seq<TAO_PEGTL_KEYWORD("expect"), sep, must<assertion>> {};

struct conflict_keyword : TAO_PEGTL_KEYWORD("conflict") {};
struct policy_skip : TAO_PEGTL_KEYWORD("skip") {};
struct policy_update : TAO_PEGTL_KEYWORD("update") {};
struct policy_fail : TAO_PEGTL_KEYWORD("fail") {};
struct conflict_policy : sor<policy_skip, policy_update, policy_fail> {};
struct on_conflict_clause
    : seq<TAO_PEGTL_KEYWORD("on"), sep, must<conflict_keyword>, sep, must<conflict_policy>> {};

struct batch_size : seq<expr> {};
struct batch_clause : seq<TAO_PEGTL_KEYWORD("batch"), sep, must<batch_size>> {};

struct above_keyword : TAO_PEGTL_KEYWORD("above") {};
struct confirm_limit : seq<expr> {};
struct confirm_clause : seq<TAO_PEGTL_KEYWORD("confirm"), sep, must<above_keyword>, sep, must<confirm_limit>> {};

// Every clause of `copy` and `update` (analysis says which fit where).
struct clause : sor<key_clause, where_clause, follow_clause, skip_clause, map_clause, set_clause,
                    check_clause, expect_clause, on_conflict_clause, batch_clause, confirm_clause> {};
struct clauses : star<clause, separators> {};

// ---------------------------------------------------------------- statements

struct plan_name : seq<name> {};
struct plan_stmt : seq<TAO_PEGTL_KEYWORD("plan"), sep, must<plan_name>> {};

// `use money, email` or `use "lib/x.mig"`.
struct module_ref : sor<string_lit, name> {};
struct use_stmt : seq<TAO_PEGTL_KEYWORD("use"), sep, must<module_ref>, star<comma, not_at<statement_keyword>, module_ref>> {};

struct param_name : seq<name> {};
struct param_colon : one<':'> {};
struct param_type : seq<type_ref> {};
struct param_default : seq<expr> {};
struct param_stmt
    : seq<TAO_PEGTL_KEYWORD("param"), sep, must<param_name>, sep, must<param_colon>, sep,
          must<param_type>, opt<sep, one<'='>, sep, must<param_default>>> {};

struct connection_name : seq<name> {};
struct connection_equals : one<'='> {};
struct connector : seq<expr> {};
struct source_stmt
    : seq<TAO_PEGTL_KEYWORD("source"), sep, must<connection_name>, sep, must<connection_equals>, sep, must<connector>> {};
struct target_stmt
    : seq<TAO_PEGTL_KEYWORD("target"), sep, must<connection_name>, sep, must<connection_equals>, sep, must<connector>> {};

struct environment_name : seq<name> {};
struct environment_open : one<'{'> {};
struct environment_close : one<'}'> {};
struct binding_equals : one<'='> {};
struct binding_value : seq<expr> {};
struct env_binding : seq<name, sep, must<binding_equals>, sep, must<binding_value>> {};
struct environment_stmt
    : seq<TAO_PEGTL_KEYWORD("environment"), sep, must<environment_name>, sep, must<environment_open>,
          separators, star<env_binding, separators>, must<environment_close>> {};

struct settings_open : one<'{'> {};
struct settings_close : one<'}'> {};
struct setting_equals : one<'='> {};
struct setting_value : seq<expr> {};
struct setting : seq<name, sep, must<setting_equals>, sep, must<setting_value>> {};
struct settings_stmt
    : seq<TAO_PEGTL_KEYWORD("settings"), sep, must<settings_open>, separators, star<setting, separators>,
          must<settings_close>> {};

struct fn_name : seq<name> {};
struct fn_open : one<'('> {};
struct fn_param_colon : one<':'> {};
struct fn_param_type : seq<type_ref> {};
struct fn_param : seq<name, sep, must<fn_param_colon>, sep, must<fn_param_type>> {};
struct fn_params : opt<fn_param, star<comma, fn_param>, opt<comma>> {};
struct fn_close : one<')'> {};
struct fn_arrow : string<'-', '>'> {};
struct fn_result : seq<type_ref> {};
struct fn_equals : one<'='> {};
struct fn_body : seq<expr> {};
struct fn_stmt
    : seq<TAO_PEGTL_KEYWORD("fn"), sep, must<fn_name>, sep, must<fn_open>, sep, fn_params, sep,
          must<fn_close>, sep, must<fn_arrow>, sep, must<fn_result>, sep, must<fn_equals>, sep,
          must<fn_body>> {};

struct copy_source : seq<table_ref> {};
struct copy_arrow : string<'-', '>'> {};
struct copy_target : seq<table_ref> {};
struct task_alias : seq<name> {};
struct copy_as : seq<TAO_PEGTL_KEYWORD("as"), sep, must<task_alias>> {};
struct copy_open : one<'{'> {};
struct copy_close : one<'}'> {};
struct copy_stmt
    : seq<TAO_PEGTL_KEYWORD("copy"), sep, must<copy_source>, sep, must<copy_arrow>, sep,
          must<copy_target>, opt<sep, copy_as>, sep, must<copy_open>, separators, clauses,
          must<copy_close>> {};

struct update_table : seq<table_ref> {};
struct update_open : one<'{'> {};
struct update_close : one<'}'> {};
struct update_stmt
    : seq<TAO_PEGTL_KEYWORD("update"), sep, must<update_table>, sep, must<update_open>, separators,
          clauses, must<update_close>> {};

struct expect_stmt : seq<TAO_PEGTL_KEYWORD("expect"), sep, must<assertion>> {};

struct hook_before : TAO_PEGTL_KEYWORD("before") {};
struct hook_after : TAO_PEGTL_KEYWORD("after") {};
struct hook_connection : seq<name> {};
struct sql_keyword : TAO_PEGTL_KEYWORD("sql") {};
struct hook_sql : seq<string_lit> {};
struct hook_stmt
    : seq<sor<hook_before, hook_after>, sep, must<hook_connection>, sep, must<sql_keyword>, sep,
          must<hook_sql>> {};

struct statement : sor<plan_stmt, use_stmt, param_stmt, source_stmt, target_stmt, environment_stmt,
                       settings_stmt, fn_stmt, copy_stmt, update_stmt, expect_stmt, hook_stmt> {};
struct end_of_file : eof {};

// A whole file. (parse() runs `statement` one at a time to keep what parsed before an error.)
struct file : seq<separators, star<statement, separators>, must<end_of_file>> {};

}  // namespace mig::grammar

namespace tao::pegtl {
// `nested<R>` analyses like R.
template <typename Name, typename R>
struct analyze_traits<Name, mig::grammar::nested<R>> : analyze_seq_traits<R> {};
// `chain<F, T>` analyses like `seq<F, star<T>>`.
template <typename Name, typename F, typename T>
struct analyze_traits<Name, mig::grammar::chain<F, T>>
    : analyze_traits<Name, typename seq<F, star<T>>::rule_t> {};
}  // namespace tao::pegtl
