// What a database holds, as the binder needs it: tables, columns with types and
// nullability, primary and foreign keys. Connectors introspect it; `migc schema` saves it
// as JSON so that `migc check --schema FILE` can bind without database access.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "compiler/types.hpp"

namespace mig {

struct ColumnInfo {
  std::string name;
  BaseType type = BaseType::unknown;  // the language type values of this column take
  std::string native_type;            // as the engine spells it (`varchar(255)`, `NUMERIC(10,2)`)
  bool nullable = true;
  bool has_default = false;           // NOT NULL with a default (or generated) needs no value
};

struct ForeignKey {
  std::string name;
  std::vector<std::string> columns;      // in the referencing table
  std::string ref_schema;                // empty: same schema
  std::string ref_table;
  std::vector<std::string> ref_columns;  // in the referenced table, same order
};

struct TableInfo {
  std::string schema;  // PostgreSQL schema / MariaDB database; empty for SQLite and CSV
  std::string name;
  std::vector<ColumnInfo> columns;       // in table order
  std::vector<std::string> primary_key;  // empty: none declared
  std::vector<ForeignKey> foreign_keys;

  const ColumnInfo* column(const std::string& col) const;
  // `schema.name`, or `name` without a schema.
  std::string qualified() const;
};

// The tables of one connection.
struct Catalog {
  std::string dialect;  // sqlite, csv, postgres, mariadb
  std::vector<TableInfo> tables;
  std::string default_schema;  // where an unqualified name is looked up first (PostgreSQL's
                               // current_schema(), the URL's MariaDB database); "" for none

  // Finds `name`: in `schema` when given; else in the default schema when there is one;
  // else the only table of that name (nullptr when several schemas hold one).
  const TableInfo* find(const std::string& schema, const std::string& name) const;
  std::vector<std::string> table_names() const;
};

}  // namespace mig
