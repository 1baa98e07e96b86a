// MariaDB values in and out: the language type of a column (from information_schema), and
// a fetched cell read as that type, exactly or refused with the reason (a zero date, a
// BIGINT UNSIGNED above the int range, a DECIMAL of more than 38 digits).
#pragma once
#include <string>
#include <string_view>

#include "compiler/types.hpp"
#include "runtime/mariadb_client.hpp"
#include "runtime/result.hpp"
#include "runtime/value.hpp"

namespace mig {

// The language type of a column with information_schema's DATA_TYPE and COLUMN_TYPE
// (`tinyint`, `tinyint(1) unsigned`); `json_checked` when a CHECK (json_valid(col)) makes
// a LONGTEXT MariaDB's JSON. The table is in mariadb_values.cpp.
BaseType mariadb_column_type(std::string_view data_type, std::string_view column_type,
                             bool json_checked);

// Whether a column of this COLUMN_TYPE keeps bytes (a uuid is written there as its 16
// bytes, not its text).
bool mariadb_binary_column(std::string_view column_type);

// Reads `cell` as `type`; an error is the problem with the value, worded to follow
// "column `c`: " and quoting the value.
Result<Value> mariadb_read_cell(const MariadbCell& cell, BaseType type);

// The cell as stored, whatever its column's type: a key that does not read as its type is
// given so, and binding it back finds the same place in the key order (a zero date as its
// text, a BIGINT UNSIGNED above the int range as an exact decimal).
Value mariadb_stored_value(const MariadbCell& cell);

// The cell by the server's type alone (query_value): integers as int (or decimal above
// the int range), DECIMAL as decimal, FLOAT/DOUBLE as float, DATE as date, DATETIME as
// timestamp, TIMESTAMP as timestamptz, binary strings as bytes, anything else as text.
Value mariadb_natural_value(const MariadbCell& cell);

}  // namespace mig
