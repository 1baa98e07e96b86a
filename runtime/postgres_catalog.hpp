// What a PostgreSQL database holds, read from pg_catalog in a few set-based queries (one
// per kind of fact, never one per table): tables, columns with their types, primary keys,
// foreign keys, and the unique indexes an `ON CONFLICT (key)` can use.
#pragma once
#include <string>
#include <vector>

#include "runtime/catalog.hpp"
#include "runtime/postgres_connection.hpp"
#include "runtime/postgres_values.hpp"

namespace mig {

// A table as the connector uses it.
struct PgTable {
  TableInfo info;
  std::vector<PgColumnType> types;                   // parallel to info.columns
  std::vector<std::vector<std::string>> unique_keys;  // column sets of unique, immediate,
                                                      // non-partial indexes without expressions

  const PgColumnType* type_of(const std::string& column) const;
  // Whether `key` (in any order) is exactly the columns of one of unique_keys.
  bool key_is_unique(const std::vector<std::string>& key) const;
};

struct PgCatalog {
  std::string default_schema;  // current_schema()
  std::vector<PgTable> tables;  // ordered by schema, then name

  // As Catalog::find: in `schema` when given, else in the default schema.
  const PgTable* find(const std::string& schema, const std::string& name) const;
  Catalog as_catalog() const;
};

// Every ordinary and partitioned table (partitions are read through their parent) of every
// schema but PostgreSQL's own that the user may use, except the commit markers table.
Result<PgCatalog> load_pg_catalog(PgConnection& conn);

}  // namespace mig
