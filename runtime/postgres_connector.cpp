#include "runtime/postgres_connector.hpp"

namespace mig {

Result<std::unique_ptr<Connector>> open_postgres(const ConnectorSpec&) {
  return Error{"PostgreSQL connections are not built yet"};
}

}  // namespace mig
