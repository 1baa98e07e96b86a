#include "runtime/connect.hpp"

#include "runtime/csv_connector.hpp"
#include "runtime/mariadb_connector.hpp"
#include "runtime/postgres_connector.hpp"
#include "runtime/sqlite_connector.hpp"

namespace mig {

Result<std::unique_ptr<Connector>> connect(const ConnectorSpec& spec) {
  if (spec.kind == "sqlite") {
    Result<std::unique_ptr<SqliteConnector>> c = SqliteConnector::open(spec.location, spec.attach);
    if (!c.ok()) return c.take_error();
    return std::unique_ptr<Connector>(std::move(*c));
  }
  if (spec.kind == "csv") {
    Result<std::unique_ptr<CsvConnector>> c = CsvConnector::open(spec);
    if (!c.ok()) return c.take_error();
    return std::unique_ptr<Connector>(std::move(*c));
  }
  if (spec.kind == "postgres") return open_postgres(spec);
  if (spec.kind == "mariadb" || spec.kind == "mysql") return open_mariadb(spec);
  return Error{"unknown connector kind " + quote_input(spec.kind) +
               " (expected postgres, mariadb, mysql, sqlite or csv)"};
}

}  // namespace mig
