// Spelling names and placeholders for SQLite, the dialect the SQLite and CSV connectors
// send: identifiers are always quoted (guarantee 3: a hostile table or column name is
// only ever a name), values are always bound through `?NNN` placeholders.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "runtime/result.hpp"

namespace mig {

// `name` as a SQLite identifier: in double quotes, an embedded `"` doubled. Any byte but
// NUL is safe inside; check_identifier refuses the names that cannot be spelled.
std::string sqlite_quote(std::string_view name);
// `"schema"."table"`, or `"table"` when `schema` is empty.
std::string sqlite_qualified(std::string_view schema, std::string_view table);
// `"a","b","c"`.
std::string sqlite_quote_list(const std::vector<std::string>& names);
// An error naming `what` when `name` is empty or holds a NUL byte (SQLite would cut the
// statement there), else success.
Status check_identifier(std::string_view name, std::string_view what);

// `sql` with each `?NNN` placeholder moved up by `offset` (a bare `?` counts as one more
// than the largest number seen before it, as SQLite numbers it), so that filters numbered
// from 1 each can be joined into one statement. Placeholders inside string literals,
// quoted identifiers and comments are left alone. `highest` gets the largest number the
// filter used (before the offset). An error for `:name`/`@name`/`$name` parameters, which
// the connectors never bind.
Result<std::string> renumber_placeholders(std::string_view sql, int offset, int* highest);

}  // namespace mig
