// What a MariaDB server holds, read from information_schema in a few set-based queries
// (tables, columns, JSON checks, keys), never one query per table.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "runtime/catalog.hpp"
#include "runtime/mariadb_client.hpp"

namespace mig {

// A table as the connector needs it: the catalog's view plus what writing needs.
struct MariadbTable {
  TableInfo info;
  std::string engine;  // InnoDB, MyISAM, ...: only a transactional engine can be a target
};

// `db`.`table` of one table, or every table of every database but the server's own
// (mysql, information_schema, performance_schema, sys); never the commit markers.
struct MariadbTableFilter {
  std::string schema;
  std::string table;
};

// The tables, sorted by schema and name (bytewise); schema is the database name.
Result<std::vector<MariadbTable>> load_mariadb_tables(
    MariadbConnection& db, const std::optional<MariadbTableFilter>& only);

// The column sets of the table's unique indexes (the primary key among them).
Result<std::vector<std::vector<std::string>>> load_mariadb_unique_keys(MariadbConnection& db,
                                                                       const std::string& schema,
                                                                       const std::string& table);

// Whether `engine` keeps transactions (a batch must be all or nothing).
bool mariadb_transactional_engine(const std::string& engine);

}  // namespace mig
