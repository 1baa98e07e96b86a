// Values written as SQL literals, per dialect: the one place mig renders values into SQL
// text instead of binding them (`rollback.sql`, a script a person applies with sqlite3,
// psql or mariadb). Each literal stores exactly what the dialect's connector would have
// bound: the same storage class in SQLite, the same value whatever the session's
// `standard_conforming_strings` (PostgreSQL) or `NO_BACKSLASH_ESCAPES` (MariaDB) say.
#pragma once
#include <string>

#include "runtime/result.hpp"
#include "runtime/value.hpp"

namespace mig {

// `v` as a literal of `dialect` (sqlite, postgres, mariadb); an error naming the value when
// the dialect has no literal for it (a NaN for MariaDB, text with a NUL for PostgreSQL).
Result<std::string> sql_literal(const Value& v, const std::string& dialect);

// The statements a script for `dialect` starts with so that its literals mean what
// sql_literal intends (character set, time zone); empty when none are needed.
std::string sql_literal_preamble(const std::string& dialect);

}  // namespace mig
