// `create_tables = true` (spec section 8): the column type each target dialect gets for a
// column read from any engine (the mapping table of docs/types.md), and the DDL that
// creates a missing target table and, after the data, its foreign keys.
#pragma once
#include <string>
#include <vector>

#include "runtime/catalog.hpp"

namespace mig {

// The type `dialect` (postgres, mariadb, sqlite) declares for a column holding `col`'s
// values; `col.native_type` is how `from_dialect` spelled it (kept verbatim between two
// engines of the same kind when it is a built-in type there; else widths, lengths,
// precision and scale carry over). `in_key`: MariaDB cannot index unbounded text or blobs,
// so a key column gets a bounded type there.
std::string target_column_type(const std::string& dialect, const ColumnInfo& col,
                               const std::string& from_dialect, bool in_key);

// `CREATE TABLE` for `t` (its columns' native_type already in `dialect`), with its primary
// key; SQLite, which cannot add a foreign key to an existing table, also gets the foreign
// keys here (it checks them only when `fk_checks = on`, when parents load first).
std::string create_table_sql(const std::string& dialect, const TableInfo& t);

// The statements that add `t`'s foreign keys once the data is in; none for SQLite. On
// PostgreSQL each key is added `NOT VALID`, then validated by a statement of its own.
std::vector<std::string> foreign_key_sql(const std::string& dialect, const TableInfo& t);

inline constexpr const char* kValidateConstraint = " VALIDATE CONSTRAINT ";
// Whether `sql` (of foreign_key_sql) only validates a key added before: such statements
// may run at once, each on a connection of its own.
bool validates_constraint(const std::string& sql);

}  // namespace mig
