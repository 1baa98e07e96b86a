// A MariaDB/MySQL connection URL taken apart: `mariadb://user:password@host:port/database?opt=v`
// (or `mysql://`), user, password and database percent-decoded, options checked against
// the ones the connector knows (TLS only).
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "runtime/result.hpp"

namespace mig {

struct MariadbUrl {
  std::string user;                     // empty: the client library's default (the OS user)
  std::optional<std::string> password;  // nullopt: none in the URL (MYSQL_PWD may give one)
  std::string host = "localhost";       // always reached over TCP, also `localhost`
  unsigned port = 3306;
  std::string database;  // empty: none (reads then need a schema; writes fail)
  // TLS: `ssl=true` requires it; a CA, certificate or key turns it on too.
  bool ssl = false;
  std::string ssl_ca, ssl_cert, ssl_key;
  bool verify_server_cert = false;  // `ssl-verify-server-cert=true`: the host name must match
};

// The options a URL may carry, for messages: `ssl`, `ssl-ca`, ...
extern const char* const kMariadbUrlOptions;

// Parses `url`; an error names what is wrong and never shows the password.
Result<MariadbUrl> parse_mariadb_url(std::string_view url);

}  // namespace mig
