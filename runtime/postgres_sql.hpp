// Spelling SQL for PostgreSQL: identifiers always double-quoted (a hostile table or column
// name stays a name), and filters written with `$N` placeholders numbered from 1 each,
// renumbered when several are joined into one statement.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "runtime/result.hpp"

namespace mig {

// `name` in double quotes, an embedded `"` doubled.
std::string pg_quote(std::string_view name);
// `"schema"."table"`, or `"table"` when `schema` is empty.
std::string pg_qualified(std::string_view schema, std::string_view table);
// `"a", "b", "c"`, each name prefixed with `prefix` (`s.` gives `s."a", s."b"`).
std::string pg_quote_list(const std::vector<std::string>& names, std::string_view prefix = "");

// `sql` with each `$N` placeholder moved up by `offset`, so that filters numbered from 1
// each can be joined into one statement. Placeholders inside string literals ('...',
// E'...', $tag$...$tag$), quoted identifiers and comments are left alone, and so is a `$`
// inside a word (`a$1` is an identifier). `highest` gets the largest number used (before
// the offset). An error for a number too large to be one.
Result<std::string> renumber_pg_placeholders(std::string_view sql, int offset, int* highest);

}  // namespace mig
