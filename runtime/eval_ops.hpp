// The operators of the expression language on runtime values (spec section 6), and the
// implicit conversions they share with function arguments. Internal to the evaluator: the
// compiled program calls these once per row, so they never look anything up by name.
//
// Rules (docs/expressions.md):
// - `int op int` stays int; overflow is an error, never a wrap. `int / int` is a decimal
//   (7 / 2 is 3.5, never truncated). int mixed with decimal is an exact decimal; any float
//   makes the result a float. Every `/` on exact numbers drops its trailing zeros (the
//   quotient is computed to 6 digits beyond the operands' scale, half away from zero).
// - `/` and `%` by zero are errors ("division by zero"), for floats too; `%` truncates
//   toward zero (the sign of the dividend), as SQL's.
// - `date + int`, `int + date`, `date - int` move by days; `date - date` is days (int).
// - A text compared with a number, date, timestamp, uuid, bool or json is read as that
//   kind (as a CSV cell would be): `created_at >= "2024-01-01"`; text that does not read
//   is an error, as are kinds that cannot meet (int with bool).
#pragma once
#include <compare>
#include <optional>

#include "compiler/ast.hpp"
#include "compiler/builtins.hpp"
#include "runtime/result.hpp"
#include "runtime/value.hpp"

namespace mig::eval {

// `a op b` for + - * / % (op from the AST); null when either side is null.
Result<Value> arithmetic(Op op, const Value& a, const Value& b);
// Unary `-` and `+` on a number; null stays null.
Result<Value> negate(const Value& v);
Result<Value> unary_plus(const Value& v);
// `a || b`: the canonical texts joined; null when either side is null.
Value concat(const Value& a, const Value& b);

// SQL comparison: nullopt when either side is null; text on one side is read as the
// other side's kind; an error for kinds that cannot be compared.
Result<std::optional<std::weak_ordering>> compare(const Value& a, const Value& b);
// `==`, `!=`, `<`, ... as a bool value, or null.
Result<Value> compare_op(Op op, const Value& a, const Value& b);
// Whether `op` holds for an ordering.
bool ordering_holds(Op op, std::weak_ordering c);

// `text` read as a value of `kind` for comparisons: numbers try int, then decimal, then
// float; dates and timestamps try date, timestamp, then timestamptz; other kinds their
// own text form. An error names the text and the kind.
Result<Value> text_as(const std::string& text, ValueKind kind);

// A value converted to what a parameter of `spec` takes, or an error "must be X, found Y"
// (the caller names the argument). Null passes. Text parameters take any scalar as its
// canonical text; int takes integral decimals and floats; decimal takes ints and floats
// (a float as its shortest text, so 19.99 stays 19.99); json takes text that parses;
// uuid, date, timestamp and timestamptz take their text forms; timestamp takes a date.
Result<Value> convert(const Value& v, const TypeSpec& spec);
// The same for a declared type (user `fn` parameters and results).
Result<Value> convert_to_type(const Value& v, Type type);

// A float as an exact decimal via its shortest text (19.99 -> 19.99); an error for NaN,
// infinities and values beyond 38 digits.
Result<Decimal> decimal_from_float(double d);
// `int 42`, `text \`abc\``: a value described in an error message.
std::string describe_value(const Value& v);

}  // namespace mig::eval
