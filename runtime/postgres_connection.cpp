#include "runtime/postgres_connection.hpp"

#include <algorithm>
#include <cstring>

#include "compiler/redact_url.hpp"

namespace mig {
namespace {

// The session every connection runs in: text in UTF-8, dates as `2024-01-31`, instants
// printed in UTC, floats printed with enough digits to read back the same double, bytea
// as `\x...` hex. read() and the writers depend on each of these.
constexpr const char* kSessionSql =
    "SET client_encoding = 'UTF8'; SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC'; "
    "SET extra_float_digits = 3; SET bytea_output = 'hex'";

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// libpq's messages span lines (`FATAL:  ...\n`): one line, single spaces, no trailing dot
// of a line break.
std::string one_line(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// The column a COPY failure names in its context: `COPY t, line 1, column a: "abc"`.
std::string copy_context_column(const char* context) {
  if (!context) return "";
  std::string_view c(context);
  if (!starts_with(c, "COPY ")) return "";
  size_t at = c.find(", column ");
  if (at == std::string_view::npos) return "";
  at += 9;
  size_t end = c.find(": ", at);
  return std::string(c.substr(at, end == std::string_view::npos ? c.size() - at : end - at));
}

}  // namespace

Result<std::unique_ptr<PgConnection>> PgConnection::open(const std::string& url) {
  std::string shown = redact_url(url);
  if (!starts_with(url, "postgresql://") && !starts_with(url, "postgres://"))
    return Error{"PostgreSQL location `" + shown +
                 "` is not a URL: write it as postgresql://user@host:port/database"};
  // The URL's password, to hide it wherever a message might carry it.
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &parse_error);
  if (!options) {
    std::string why = parse_error ? one_line(parse_error) : "it does not parse";
    if (parse_error) PQfreemem(parse_error);
    PgConnection hider(nullptr, shown, "");
    return Error{"invalid PostgreSQL URL `" + shown + "`: " + hider.redact(why)};
  }
  std::string password;
  for (PQconninfoOption* o = options; o->keyword; ++o)
    if (std::strcmp(o->keyword, "password") == 0 && o->val) password = o->val;
  PQconninfoFree(options);

  // Defaults first: the URL's own settings, expanded from `dbname`, override them.
  const char* keys[] = {"application_name", "connect_timeout", "dbname", nullptr};
  const char* values[] = {"mig", "10", url.c_str(), nullptr};
  std::unique_ptr<PgConnection> c(
      new PgConnection(PQconnectdbParams(keys, values, 1), shown, std::move(password)));
  if (!c->conn_) return Error{"cannot connect to PostgreSQL at `" + shown + "`: out of memory"};
  if (PQstatus(c->conn_) != CONNECTION_OK)
    return Error{"cannot connect to PostgreSQL at `" + shown +
                 "`: " + c->redact(one_line(PQerrorMessage(c->conn_)))};
  // Notices (`relation already exists, skipping`) would go to stderr: mig reports through
  // its own channels.
  PQsetNoticeProcessor(c->conn_, [](void*, const char*) {}, nullptr);
  if (Status s = c->exec(kSessionSql); !s.ok())
    return Error{"cannot set up the session on `" + shown + "`: " + s.error().message};
  return c;
}

PgConnection::~PgConnection() {
  if (conn_) PQfinish(conn_);
}

std::string PgConnection::redact(std::string_view text) const {
  std::string out = redact_url(text);
  // Too short a password would hide ordinary words; libpq never echoes one anyway.
  if (password_.size() < 3) return out;
  for (size_t at = out.find(password_); at != std::string::npos; at = out.find(password_, at + 3))
    out.replace(at, password_.size(), "***");
  return out;
}

Error PgConnection::fail_connection(std::string_view what) {
  failure_ = PgFailure{"", redact(one_line(what)), ""};
  if (failure_.message.empty()) failure_.message = "the connection to `" + shown_url_ + "` failed";
  return Error{failure_.message};
}

Result<PgResult> PgConnection::check(PGresult* raw) {
  PgResult r(raw);
  if (!r) return fail_connection(PQerrorMessage(conn_));
  ExecStatusType st = PQresultStatus(r.get());
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_COPY_IN ||
      st == PGRES_EMPTY_QUERY)
    return r;
  const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(r.get(), PG_DIAG_MESSAGE_PRIMARY);
  const char* detail = PQresultErrorField(r.get(), PG_DIAG_MESSAGE_DETAIL);
  const char* column = PQresultErrorField(r.get(), PG_DIAG_COLUMN_NAME);
  if (!primary) return fail_connection(PQresultErrorMessage(r.get()));
  std::string message = primary;
  if (detail) message += ": " + std::string(detail);
  failure_.sqlstate = state ? state : "";
  failure_.message = redact(one_line(message));
  failure_.column = column ? column : copy_context_column(PQresultErrorField(r.get(), PG_DIAG_CONTEXT));
  return Error{failure_.message};
}

Status PgConnection::exec(const std::string& sql) {
  // With several statements, PQexec returns the last result; a failure stops the rest.
  Result<PgResult> r = check(PQexec(conn_, sql.c_str()));
  if (!r.ok()) return r.take_error();
  return Status::success();
}

namespace {

std::vector<const char*> value_pointers(const PgParams& params) {
  std::vector<const char*> out(params.size());
  for (size_t i = 0; i < params.size(); ++i) out[i] = params.is_null[i] ? nullptr : params.text[i].c_str();
  return out;
}

}  // namespace

Result<PgResult> PgConnection::query(const std::string& sql, const PgParams& params) {
  std::vector<const char*> values = value_pointers(params);
  return check(PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()),
                            params.types.data(), values.data(), nullptr, nullptr, 0));
}

Result<PgResult> PgConnection::query_prepared(const std::string& sql, const PgParams& params) {
  std::string key = sql;
  key += '\0';
  for (Oid t : params.types) key += std::to_string(t) + ",";
  auto it = prepared_.find(key);
  if (it == prepared_.end()) {
    std::string name = "mig_" + std::to_string(prepared_.size() + 1);
    Result<PgResult> made = check(PQprepare(conn_, name.c_str(), sql.c_str(),
                                            static_cast<int>(params.size()), params.types.data()));
    if (!made.ok()) return made.take_error();
    it = prepared_.emplace(std::move(key), std::move(name)).first;
  }
  std::vector<const char*> values = value_pointers(params);
  return check(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(params.size()),
                              values.data(), nullptr, nullptr, 0));
}

void PgConnection::forget_prepared() {
  if (prepared_.empty()) return;
  prepared_.clear();
  PgResult r(PQexec(conn_, "DEALLOCATE ALL"));  // a failure leaves names nobody reuses
  (void)r;
}

Status PgConnection::copy_in(const std::string& copy_sql, std::string_view data) {
  if (Status s = copy_start(copy_sql); !s.ok()) return s;
  return copy_end(copy_put(data));
}

Status PgConnection::copy_start(const std::string& copy_sql) {
  Result<PgResult> started = check(PQexec(conn_, copy_sql.c_str()));
  if (!started.ok()) return started.take_error();
  if (PQresultStatus(started->get()) != PGRES_COPY_IN)
    return Error{"`" + copy_sql.substr(0, 60) + "` did not start a COPY"};
  return Status::success();
}

bool PgConnection::copy_put(std::string_view data) {
  // Sent in pieces so that libpq's own buffer stays small.
  constexpr size_t kPiece = 1 << 20;
  for (size_t at = 0; at < data.size(); at += kPiece) {
    size_t n = std::min(kPiece, data.size() - at);
    if (PQputCopyData(conn_, data.data() + at, static_cast<int>(n)) != 1) return false;
  }
  return true;
}

Status PgConnection::copy_end(bool sent) {
  if (PQputCopyEnd(conn_, sent ? nullptr : "mig: sending the rows failed") != 1)
    return fail_connection(PQerrorMessage(conn_));
  Status status;
  bool first = true;
  while (PGresult* raw = PQgetResult(conn_)) {
    Result<PgResult> r = check(raw);
    if (first && !r.ok()) status = r.take_error();
    first = false;
  }
  if (status.ok() && !sent) return fail_connection(PQerrorMessage(conn_));
  return status;
}

bool PgConnection::in_transaction() const {
  PGTransactionStatusType t = PQtransactionStatus(conn_);
  return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

}  // namespace mig
