// One libpq connection with the session mig reads and writes exactly in (UTF-8, ISO dates,
// UTC, float digits that round-trip, hex bytea), and statements as calls that return values:
// results owned, failures with their SQLSTATE, every message with the password hidden.
#pragma once
#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/result.hpp"

namespace mig {

struct PgResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
// A result the caller owns.
using PgResult = std::unique_ptr<PGresult, PgResultFree>;

// Statement parameters in text form; a type of 0 lets the server infer it from where the
// parameter stands (the column it is compared with or stored in).
struct PgParams {
  std::vector<std::string> text;
  std::vector<char> is_null;
  std::vector<Oid> types;

  void add(std::string value, Oid type = 0) {
    text.push_back(std::move(value));
    is_null.push_back(0);
    types.push_back(type);
  }
  void add_null(Oid type = 0) {
    text.emplace_back();
    is_null.push_back(1);
    types.push_back(type);
  }
  size_t size() const { return text.size(); }
};

// What the server said about the last failed statement.
struct PgFailure {
  std::string sqlstate;  // `23505`; empty when the connection itself failed
  std::string message;   // one line: primary message, then the detail
  std::string column;    // the column at fault, when the server names one
};

class PgConnection {
 public:
  // Connects to a `postgresql://` or `postgres://` URL (libpq reads `sslmode`,
  // `sslrootcert`, ... from it, and PGPASSWORD or ~/.pgpass when it has no password), then
  // sets the session up. Errors name the URL with its password hidden.
  static Result<std::unique_ptr<PgConnection>> open(const std::string& url);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // The URL as it may be shown.
  const std::string& shown_url() const { return shown_url_; }
  // `text` with the password (from the URL) hidden wherever it occurs.
  std::string redact(std::string_view text) const;

  // Runs `sql` without parameters (several statements allowed).
  Status exec(const std::string& sql);
  // Runs one statement with parameters; text results.
  Result<PgResult> query(const std::string& sql, const PgParams& params = {});
  // As query, through a statement prepared once per (sql, parameter types) and kept.
  Result<PgResult> query_prepared(const std::string& sql, const PgParams& params);
  // Forgets the prepared statements (after a hook may have changed the tables).
  void forget_prepared();
  // `COPY ... FROM STDIN` with `data` in the statement's format.
  Status copy_in(const std::string& copy_sql, std::string_view data);
  // The same in parts, sent while the next is made: copy_start, copy_put for each part
  // (false once sending failed), then copy_end with whether every part went out.
  Status copy_start(const std::string& copy_sql);
  bool copy_put(std::string_view data);
  Status copy_end(bool sent);

  // The failure of the last statement that failed.
  const PgFailure& last_failure() const { return failure_; }
  // Whether a transaction is open (also when it is aborted).
  bool in_transaction() const;

 private:
  PgConnection(PGconn* conn, std::string shown_url, std::string password)
      : conn_(conn), shown_url_(std::move(shown_url)), password_(std::move(password)) {}
  // Turns a result into success or an Error (recording the failure).
  Result<PgResult> check(PGresult* r);
  Error fail_connection(std::string_view what);

  PGconn* conn_;
  std::string shown_url_;
  std::string password_;
  PgFailure failure_;
  std::unordered_map<std::string, std::string> prepared_;  // sql + types -> statement name
};

}  // namespace mig
