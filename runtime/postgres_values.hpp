// How PostgreSQL types meet the language's: the language type a column's values take,
// reading a value exactly from the server's text output, and writing a value as the text
// its column's input function reads back as the same value (for COPY or a parameter).
#pragma once
#include <libpq-fe.h>

#include <string>
#include <string_view>

#include "compiler/types.hpp"
#include "runtime/result.hpp"
#include "runtime/value.hpp"

namespace mig {

// A column as the connector reads and writes it (beside its catalog ColumnInfo).
struct PgColumnType {
  BaseType type = BaseType::text;  // the language type (pg_language_type)
  Oid base_oid = 0;                // the column's type with domains resolved
  bool is_array = false;           // read through to_json(), written as an array literal
  bool identity_always = false;    // GENERATED ALWAYS AS IDENTITY: an INSERT that gives it a
                                   // value must say OVERRIDING SYSTEM VALUE
  bool deterministic = true;       // its collation compares equal only equal bytes
  bool plain = true;               // no type modifier and no domain: a value is stored as
                                   // given, never rounded (numeric(10,2)) or cut (varchar(3))
};

// Whether two values this connector writes to a column of `type` are equal for the server
// exactly when their texts (pg_write_text, numeric with trailing zeros dropped) are: plain
// ints, numeric, uuid, bool, dates and times, and text or varchar under a deterministic
// collation. For other types (citext, char(n), floats, numeric(10,2) ...) only the server
// can tell.
bool pg_text_equality(const PgColumnType& type);

// The language type of a column whose type (domains resolved) is `base_oid`, of kind
// `typtype` (pg_type.typtype: b base, e enum, ...). The table is in postgres_values.cpp.
BaseType pg_language_type(Oid base_oid, char typtype, bool is_array);

// The value of `text`, a cell the server printed for a column of language type `type`
// (in the session postgres_connection.hpp sets up). An error says why the value has no
// exact language value (`NaN` as a decimal, a BC date, `infinity`), worded to follow
// "column `c`: ".
Result<Value> pg_read_text(std::string_view text, BaseType type);
// The value of a cell of a result column of type `oid` (query_value): built-in types by
// their OID, anything else (or a value with no exact language value) as its text.
Value pg_read_any(std::string_view text, Oid oid);

// Appends `v` (not null) as the text `column`'s input function reads back as the same
// value: decimals exact, instants in UTC with `+00`, bool `t`/`f`, bytes as `\x` hex, a list
// or a JSON array as an array literal for an array column, a list as JSON text for a json
// column; a value of another kind is coerced to the column's type first. An error (worded
// to follow "column `c`: ") for a value the column cannot hold: text with a NUL byte, a
// lossy coercion.
Status pg_write_text(const Value& v, const PgColumnType& column, std::string& out);

// Appends `text` escaped for COPY's text format (`\`, tab, newline and CR).
void append_copy_escaped(std::string_view text, std::string& out);

// The parameter type to bind `v` with in a filter: its own type where the language's is
// exact (int8, numeric, date, ...), 0 (inferred from context) for text and json, which
// must stay free to meet varchar, citext, enum and jsonb columns.
Oid pg_param_type(const Value& v);

}  // namespace mig
