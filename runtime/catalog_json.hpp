// The catalog snapshot: what `migc schema` saves and `migc check --schema FILE` binds
// against without database access. The catalogs of a plan's connections, by connection
// name, as JSON with a format version (a newer version is refused, STYLE rule 11).
#pragma once
#include <map>
#include <string>
#include <string_view>

#include "runtime/catalog.hpp"
#include "runtime/result.hpp"

namespace mig {

// The version this build writes and the newest it reads.
constexpr int kCatalogJsonVersion = 1;

// Indented JSON text, ending with a newline:
//   {"version": 1, "connections": {"legacy": {"dialect": "sqlite", "tables": [
//     {"schema": "", "name": "orders", "columns": [{"name": "id", "type": "int",
//      "native_type": "INTEGER", "nullable": false, "has_default": true}, ...],
//      "primary_key": ["id"], "foreign_keys": [{"name": "...", "columns": ["customer_id"],
//      "ref_schema": "", "ref_table": "customers", "ref_columns": ["id"]}]}]}}}
// Types are spelled as in the language (`int`, `timestamptz`; `any` when unknown). Names
// that are not valid UTF-8 have their bad bytes replaced (JSON cannot hold them).
std::string catalogs_to_json(const std::map<std::string, Catalog>& catalogs);

// Reads what catalogs_to_json wrote. Errors name the place and the problem
// (`connections.legacy.tables[2].columns[0].type: "intt" is not a type`); a snapshot of
// a newer version is refused. Optional members: schema, native_type (""), nullable (true),
// has_default (false), primary_key and foreign_keys (none), ref_schema ("").
Result<std::map<std::string, Catalog>> catalogs_from_json(std::string_view text);

}  // namespace mig
