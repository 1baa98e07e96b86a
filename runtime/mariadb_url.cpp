#include "runtime/mariadb_url.hpp"

#include <charconv>

#include "compiler/redact_url.hpp"

namespace mig {

const char* const kMariadbUrlOptions =
    "`ssl`, `ssl-ca`, `ssl-cert`, `ssl-key`, `ssl-verify-server-cert`";

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `%40` -> `@`; a `%` not followed by two hex digits is an error.
Result<std::string> percent_decode(std::string_view s, std::string_view what) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    int hi = i + 2 < s.size() ? hex_digit(s[i + 1]) : -1;
    int lo = i + 2 < s.size() ? hex_digit(s[i + 2]) : -1;
    if (hi < 0 || lo < 0)
      return Error{"the " + std::string(what) + " has a `%` not followed by two hex digits " +
                   "(write a literal `%` as `%25`)"};
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

Result<bool> parse_flag(std::string_view name, std::string_view value) {
  if (value == "true" || value == "1") return true;
  if (value == "false" || value == "0") return false;
  return Error{"option `" + std::string(name) + "` is " + quote_input(value) +
               ", expected `true` or `false`"};
}

// One `name=value` of the query string.
Status apply_option(MariadbUrl& u, std::string_view pair) {
  size_t eq = pair.find('=');
  std::string_view name = pair.substr(0, eq);
  Result<std::string> value =
      percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1),
                     "value of option `" + std::string(name) + "`");
  if (!value.ok()) return value.error();
  auto path = [&](std::string& into) -> Status {
    if (value->empty()) return Error{"option `" + std::string(name) + "` needs a file path"};
    into = *value;
    u.ssl = true;
    return Status::success();
  };
  if (name == "ssl-ca") return path(u.ssl_ca);
  if (name == "ssl-cert") return path(u.ssl_cert);
  if (name == "ssl-key") return path(u.ssl_key);
  if (name == "ssl" || name == "ssl-verify-server-cert") {
    Result<bool> on = parse_flag(name, *value);
    if (!on.ok()) return on.error();
    if (name == "ssl")
      u.ssl = *on;
    else
      u.verify_server_cert = *on;
    return Status::success();
  }
  return Error{"unknown option " + quote_input(name) + " (the known ones are " +
               kMariadbUrlOptions + ")"};
}

// `host`, `host:port`, `[::1]:port`.
Status parse_host_port(MariadbUrl& u, std::string_view hp) {
  std::string_view port;
  if (!hp.empty() && hp[0] == '[') {
    size_t close = hp.find(']');
    if (close == std::string_view::npos) return Error{"an IPv6 host lacks its closing `]`"};
    u.host = std::string(hp.substr(1, close - 1));
    std::string_view rest = hp.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return Error{"unexpected text after the IPv6 host"};
    if (!rest.empty()) port = rest.substr(1);
  } else {
    size_t colon = hp.rfind(':');
    u.host = std::string(hp.substr(0, colon));
    if (colon != std::string_view::npos) port = hp.substr(colon + 1);
  }
  if (u.host.empty()) u.host = "localhost";
  if (port.empty()) return Status::success();
  unsigned p = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || end != port.data() + port.size() || p == 0 || p > 65535)
    return Error{"the port " + quote_input(port) + " is not a number from 1 to 65535"};
  u.port = p;
  return Status::success();
}

Result<MariadbUrl> parse_parts(std::string_view url) {
  MariadbUrl u;
  std::string_view rest;
  for (std::string_view scheme : {"mariadb://", "mysql://"})
    if (url.substr(0, scheme.size()) == scheme) rest = url.substr(scheme.size());
  if (rest.data() == nullptr)
    return Error{"expected `mariadb://user:password@host:port/database` (or `mysql://`)"};
  size_t query_at = rest.find('?');
  std::string_view query = query_at == std::string_view::npos ? "" : rest.substr(query_at + 1);
  rest = rest.substr(0, query_at);
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    Result<std::string> db = percent_decode(rest.substr(slash + 1), "database name");
    if (!db.ok()) return db.take_error();
    u.database = std::move(*db);
    if (u.database.find('/') != std::string::npos)
      return Error{"the database name " + quote_input(u.database) +
                   " has a `/` (write it as `%2F`)"};
  }
  // The password may hold `@` and `:`: the user ends at the first `:`, the host starts
  // after the last `@`.
  size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    size_t colon = userinfo.find(':');
    Result<std::string> user = percent_decode(userinfo.substr(0, colon), "user name");
    if (!user.ok()) return user.take_error();
    u.user = std::move(*user);
    if (colon != std::string_view::npos) {
      Result<std::string> pw = percent_decode(userinfo.substr(colon + 1), "password");
      if (!pw.ok()) return pw.take_error();
      u.password = std::move(*pw);
    }
    authority = authority.substr(at + 1);
  }
  if (Status s = parse_host_port(u, authority); !s.ok()) return s.error();
  while (!query.empty()) {
    size_t amp = query.find('&');
    if (Status s = apply_option(u, query.substr(0, amp)); !s.ok()) return s.error();
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
  }
  return u;
}

}  // namespace

Result<MariadbUrl> parse_mariadb_url(std::string_view url) {
  Result<MariadbUrl> u = parse_parts(url);
  if (!u.ok()) return Error{"MariaDB URL `" + redact_url(url) + "`: " + u.error().message};
  return u;
}

}  // namespace mig
