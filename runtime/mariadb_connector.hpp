// The MariaDB connector (libmariadb): see connector.hpp for the contract.
#pragma once
#include <memory>

#include "runtime/connector.hpp"

namespace mig {

// Connects to `spec.location` (a URL); the error never shows the password.
Result<std::unique_ptr<Connector>> open_mariadb(const ConnectorSpec& spec);

}  // namespace mig
