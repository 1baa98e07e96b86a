// Opening a connection from its bound spec: the one place that knows which Connector
// class serves which kind (`sqlite`, `csv`, `postgres`, `mariadb`/`mysql`).
#pragma once
#include <memory>

#include "runtime/connector.hpp"

namespace mig {

// A connector for `spec`, or an error naming the kind or the location (never a URL's
// password). PostgreSQL and MariaDB are not built yet.
Result<std::unique_ptr<Connector>> connect(const ConnectorSpec& spec);

}  // namespace mig
