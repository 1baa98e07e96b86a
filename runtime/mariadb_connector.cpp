#include "runtime/mariadb_connector.hpp"

namespace mig {

Result<std::unique_ptr<Connector>> open_mariadb(const ConnectorSpec&) {
  return Error{"MariaDB connections are not built yet"};
}

}  // namespace mig
