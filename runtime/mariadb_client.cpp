#include "runtime/mariadb_client.hpp"

#include <mysqld_error.h>

#include <cstring>
#include <mutex>

#include "runtime/civil_time.hpp"
#include "runtime/value_text.hpp"

namespace mig {
namespace {

// One line: a server message may quote a value holding newlines.
std::string one_line(const char* text) {
  std::string s = text ? text : "";
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return s;
}

// The SET the session starts with. Strict for every engine (a value that does not fit is
// an error, not a warning); NO_AUTO_VALUE_ON_ZERO so that a key 0 is written as 0, not
// replaced by the next auto-increment value. NO_ZERO_DATE is left out on purpose: mig
// never writes a zero date (its dates are real days), and hooks that alter legacy tables
// with zero-date defaults must keep working; reading such dates refuses the row.
constexpr const char* kSessionSql =
    "SET SESSION time_zone = '+00:00', SESSION sql_mode = "
    "'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO'";

void init_library() {
  static std::once_flag once;
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

bool is_time_type(enum_field_types t) {
  return t == MYSQL_TYPE_DATE || t == MYSQL_TYPE_DATETIME || t == MYSQL_TYPE_TIMESTAMP ||
         t == MYSQL_TYPE_TIME || t == MYSQL_TYPE_NEWDATE;
}

bool is_integer_type(enum_field_types t) {
  return t == MYSQL_TYPE_TINY || t == MYSQL_TYPE_SHORT || t == MYSQL_TYPE_INT24 ||
         t == MYSQL_TYPE_LONG || t == MYSQL_TYPE_LONGLONG || t == MYSQL_TYPE_YEAR;
}

}  // namespace

// ---- connection ------------------------------------------------------------------------

Result<MariadbConnection> MariadbConnection::open(const MariadbUrl& url, const std::string& shown) {
  init_library();
  MariadbConnection c;
  c.db_.reset(mysql_init(nullptr));
  if (!c.db_) return Error{"out of memory opening a MariaDB connection"};
  MYSQL* m = c.raw();
  // A URL names a network address: `localhost` too goes over TCP, never a local socket.
  unsigned protocol = MYSQL_PROTOCOL_TCP;
  unsigned timeout = 30;
  mysql_optionsv(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  mysql_optionsv(m, MYSQL_OPT_PROTOCOL, &protocol);
  mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  if (url.ssl) {
    my_bool on = 1;
    mysql_optionsv(m, MYSQL_OPT_SSL_ENFORCE, &on);
    if (!url.ssl_ca.empty()) mysql_optionsv(m, MYSQL_OPT_SSL_CA, url.ssl_ca.c_str());
    if (!url.ssl_cert.empty()) mysql_optionsv(m, MYSQL_OPT_SSL_CERT, url.ssl_cert.c_str());
    if (!url.ssl_key.empty()) mysql_optionsv(m, MYSQL_OPT_SSL_KEY, url.ssl_key.c_str());
  }
  my_bool verify = url.verify_server_cert ? 1 : 0;
  mysql_optionsv(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);

  const char* password = url.password ? url.password->c_str() : std::getenv("MYSQL_PWD");
  if (!mysql_real_connect(m, url.host.c_str(), url.user.empty() ? nullptr : url.user.c_str(),
                          password, url.database.empty() ? nullptr : url.database.c_str(), url.port,
                          nullptr, CLIENT_MULTI_STATEMENTS)) {
    MariadbError e = c.last_error();
    std::string hint;
    if (e.code == ER_ACCESS_DENIED_ERROR)
      hint = " (check the user and password in the URL, or MYSQL_PWD)";
    return Error{"cannot connect to MariaDB at `" + shown + "`: " + e.message + hint};
  }
  if (Status s = c.exec(kSessionSql); !s.ok())
    return Error{"MariaDB at `" + shown + "` refused the session settings: " + s.error().message};
  if (mysql_query(m, "SELECT @@max_allowed_packet") == 0) {
    if (MYSQL_RES* r = mysql_store_result(m)) {
      if (MYSQL_ROW row = mysql_fetch_row(r); row && row[0])
        c.max_packet_ = std::strtoull(row[0], nullptr, 10);
      mysql_free_result(r);
    }
  }
  return c;
}

MariadbError MariadbConnection::last_error() const {
  return MariadbError{mysql_errno(raw()), one_line(mysql_error(raw()))};
}

Status MariadbConnection::exec(std::string_view sql) {
  MYSQL* m = raw();
  if (mysql_real_query(m, sql.data(), sql.size()) != 0) return Error{last_error().message};
  for (;;) {
    if (MYSQL_RES* r = mysql_store_result(m))
      mysql_free_result(r);
    else if (mysql_field_count(m) != 0)
      return Error{last_error().message};
    int next = mysql_next_result(m);
    if (next > 0) return Error{last_error().message};
    if (next < 0) return Status::success();
  }
}

Result<std::vector<MariadbWarning>> MariadbConnection::warnings() {
  MYSQL* m = raw();
  if (mysql_query(m, "SHOW WARNINGS") != 0) return Error{last_error().message};
  MYSQL_RES* r = mysql_store_result(m);
  if (!r) return Error{last_error().message};
  std::vector<MariadbWarning> out;
  while (MYSQL_ROW row = mysql_fetch_row(r))
    out.push_back({row[0] ? row[0] : "",
                   row[1] ? static_cast<unsigned>(std::strtoul(row[1], nullptr, 10)) : 0,
                   one_line(row[2])});
  mysql_free_result(r);
  return out;
}

// ---- parameters ------------------------------------------------------------------------

namespace {

// Microseconds since 1970 (a wall time) as MYSQL_TIME; a date has no time part.
MYSQL_TIME to_mysql_time(int64_t micros, enum_mysql_timestamp_type type) {
  int64_t days = micros / kMicrosPerDay;
  int64_t rest = micros % kMicrosPerDay;
  if (rest < 0) {
    rest += kMicrosPerDay;
    --days;
  }
  CivilDate d = civil_from_days(days);
  MYSQL_TIME t{};
  t.year = static_cast<unsigned>(d.year);
  t.month = static_cast<unsigned>(d.month);
  t.day = static_cast<unsigned>(d.day);
  if (type != MYSQL_TIMESTAMP_DATE) {
    int64_t secs = rest / kMicrosPerSecond;
    t.hour = static_cast<unsigned>(secs / 3600);
    t.minute = static_cast<unsigned>(secs / 60 % 60);
    t.second = static_cast<unsigned>(secs % 60);
    t.second_part = static_cast<unsigned long>(rest % kMicrosPerSecond);
  }
  t.time_type = type;
  return t;
}

}  // namespace

void MariadbParams::clear() {
  binds_.clear();
  scalars_.clear();
  texts_.clear();
  wire_ = 0;
}

MYSQL_BIND& MariadbParams::next(enum_field_types type) {
  MYSQL_BIND& b = binds_.emplace_back();
  std::memset(&b, 0, sizeof b);
  b.buffer_type = type;
  return b;
}

void MariadbParams::add_text(std::string_view text) {
  MYSQL_BIND& b = next(MYSQL_TYPE_STRING);
  b.buffer = const_cast<char*>(text.data());
  b.buffer_length = static_cast<unsigned long>(text.size());
  wire_ += text.size() + 9;
}

void MariadbParams::add_int(int64_t i) {
  Scalar& s = scalars_.emplace_back();
  s.i = i;
  MYSQL_BIND& b = next(MYSQL_TYPE_LONGLONG);
  b.buffer = &s.i;
  wire_ += 10;
}

void MariadbParams::add(const Value& v, bool binary_uuid) {
  auto owned = [&](enum_field_types type, std::string text) {
    std::string& kept = texts_.emplace_back(std::move(text));
    MYSQL_BIND& b = next(type);
    b.buffer = kept.data();
    b.buffer_length = static_cast<unsigned long>(kept.size());
    wire_ += kept.size() + 9;
  };
  auto in_place = [&](enum_field_types type, const std::string& text) {
    MYSQL_BIND& b = next(type);
    b.buffer = const_cast<char*>(text.data());
    b.buffer_length = static_cast<unsigned long>(text.size());
    wire_ += text.size() + 9;
  };
  auto time = [&](enum_field_types type, int64_t micros, enum_mysql_timestamp_type tt) {
    Scalar& s = scalars_.emplace_back();
    s.t = to_mysql_time(micros, tt);
    MYSQL_BIND& b = next(type);
    b.buffer = &s.t;
    wire_ += 16;
  };
  switch (v.kind()) {
    case ValueKind::null:
      next(MYSQL_TYPE_NULL);
      wire_ += 2;
      break;
    case ValueKind::int_:
      add_int(v.as_int());
      break;
    case ValueKind::bool_:
      add_int(v.as_bool() ? 1 : 0);
      break;
    case ValueKind::float_: {
      Scalar& s = scalars_.emplace_back();
      s.d = v.as_float();
      next(MYSQL_TYPE_DOUBLE).buffer = &s.d;
      wire_ += 10;
      break;
    }
    case ValueKind::decimal:
      owned(MYSQL_TYPE_NEWDECIMAL, v.as_decimal().to_string());
      break;
    case ValueKind::text:
      in_place(MYSQL_TYPE_STRING, v.as_text());
      break;
    case ValueKind::json:
      in_place(MYSQL_TYPE_STRING, v.as_json());
      break;
    case ValueKind::bytes:
      in_place(MYSQL_TYPE_BLOB, v.as_bytes());
      break;
    case ValueKind::date:
      time(MYSQL_TYPE_DATE, int64_t{v.as_date().days} * kMicrosPerDay, MYSQL_TIMESTAMP_DATE);
      break;
    case ValueKind::timestamp:
      time(MYSQL_TYPE_DATETIME, v.as_timestamp().micros, MYSQL_TIMESTAMP_DATETIME);
      break;
    case ValueKind::timestamptz:
      time(MYSQL_TYPE_DATETIME, v.as_timestamptz().micros, MYSQL_TIMESTAMP_DATETIME);
      break;
    case ValueKind::uuid:
      if (binary_uuid)
        owned(MYSQL_TYPE_BLOB, std::string(v.as_uuid().bytes.begin(), v.as_uuid().bytes.end()));
      else
        owned(MYSQL_TYPE_STRING, format_uuid(v.as_uuid()));
      break;
    case ValueKind::list:
      owned(MYSQL_TYPE_STRING, to_text(v));
      break;
  }
}

// ---- statements ------------------------------------------------------------------------

Result<MariadbStatement> MariadbStatement::prepare(MYSQL* db, std::string_view sql,
                                                   unsigned* code) {
  MariadbStatement s;
  s.st_.reset(mysql_stmt_init(db));
  if (!s.st_) return Error{"out of memory preparing a MariaDB statement"};
  if (mysql_stmt_prepare(s.st_.get(), sql.data(), static_cast<unsigned long>(sql.size())) != 0) {
    if (code) *code = mysql_stmt_errno(s.st_.get());
    return s.error();
  }
  return s;
}

MariadbError MariadbStatement::last_error() const {
  return MariadbError{mysql_stmt_errno(st_.get()), one_line(mysql_stmt_error(st_.get()))};
}

Error MariadbStatement::error() const { return Error{last_error().message}; }

Status MariadbStatement::execute(MariadbParams& params, unsigned* code) {
  finish();
  MYSQL_STMT* st = st_.get();
  if (code) *code = 0;
  if (params.size() != param_count())
    return Error{"a statement with " + std::to_string(param_count()) + " placeholders was given " +
                 std::to_string(params.size()) + " values"};
  if ((params.size() && mysql_stmt_bind_param(st, params.data()) != 0) ||
      mysql_stmt_execute(st) != 0) {
    if (code) *code = mysql_stmt_errno(st);
    return error();
  }
  if (mysql_stmt_field_count(st) == 0) return Status::success();
  has_rows_ = true;
  return bind_result();
}

// One cell per column, typed by what the server sends: integers as 64-bit (signed or
// not), FLOAT and DOUBLE as such, temporal types as MYSQL_TIME, anything else (DECIMAL,
// strings, blobs, enums, BIT, UUID) as the bytes the server sends.
Status MariadbStatement::bind_result() {
  MYSQL_STMT* st = st_.get();
  unsigned n = mysql_stmt_field_count(st);
  MYSQL_FIELD* fields = st->fields;
  cells_.resize(n);
  result_binds_.assign(n, MYSQL_BIND{});
  for (unsigned i = 0; i < n; ++i) {
    MariadbCell& c = cells_[i];
    MYSQL_BIND& b = result_binds_[i];
    std::memset(&b, 0, sizeof b);
    c.type = fields[i].type;
    c.is_unsigned = (fields[i].flags & UNSIGNED_FLAG) != 0;
    c.binary = fields[i].charsetnr == 63;
    c.decimals = fields[i].decimals;
    b.is_null = &c.null;
    b.error = &c.error;
    b.length = &c.length;
    if (is_integer_type(c.type)) {
      c.kind = MariadbCell::Kind::integer;
      b.buffer_type = MYSQL_TYPE_LONGLONG;
      b.is_unsigned = c.is_unsigned;
      b.buffer = &c.i;
    } else if (c.type == MYSQL_TYPE_DOUBLE) {
      c.kind = MariadbCell::Kind::dbl;
      b.buffer_type = MYSQL_TYPE_DOUBLE;
      b.buffer = &c.d;
    } else if (c.type == MYSQL_TYPE_FLOAT) {
      c.kind = MariadbCell::Kind::flt;
      b.buffer_type = MYSQL_TYPE_FLOAT;
      b.buffer = &c.f;
    } else if (is_time_type(c.type)) {
      c.kind = MariadbCell::Kind::time;
      b.buffer_type = c.type == MYSQL_TYPE_NEWDATE ? MYSQL_TYPE_DATE : c.type;
      b.buffer = &c.t;
    } else {
      c.kind = MariadbCell::Kind::bytes;
      if (c.buf.size() < 64) c.buf.resize(64);
      b.buffer_type = MYSQL_TYPE_BLOB;
      b.buffer = c.buf.data();
      b.buffer_length = static_cast<unsigned long>(c.buf.size());
    }
  }
  if (mysql_stmt_bind_result(st, result_binds_.data()) != 0) return error();
  return Status::success();
}

Result<bool> MariadbStatement::fetch() {
  if (!has_rows_) return false;
  MYSQL_STMT* st = st_.get();
  int rc = mysql_stmt_fetch(st);
  if (rc == MYSQL_NO_DATA) {
    finish();
    return false;
  }
  if (rc == 1) {
    Error e = error();
    finish();
    return e;
  }
  // A value longer than its buffer: fetched again whole into a larger one, which later
  // rows then use too.
  bool grown = false;
  for (size_t i = 0; i < cells_.size(); ++i) {
    MariadbCell& c = cells_[i];
    if (c.kind != MariadbCell::Kind::bytes || c.null || c.length <= c.buf.size()) continue;
    c.buf.resize(c.length);
    MYSQL_BIND b = result_binds_[i];
    b.buffer = c.buf.data();
    b.buffer_length = static_cast<unsigned long>(c.buf.size());
    if (mysql_stmt_fetch_column(st, &b, static_cast<unsigned>(i), 0) != 0) {
      Error e = error();
      finish();
      return e;
    }
    result_binds_[i].buffer = c.buf.data();
    result_binds_[i].buffer_length = static_cast<unsigned long>(c.buf.size());
    grown = true;
  }
  if (grown && mysql_stmt_bind_result(st, result_binds_.data()) != 0) return error();
  return true;
}

void MariadbStatement::finish() {
  if (!has_rows_) return;
  has_rows_ = false;
  mysql_stmt_free_result(st_.get());
}

// ---- error classes ---------------------------------------------------------------------

bool mariadb_row_error(unsigned code) {
  switch (code) {
    case ER_BAD_NULL_ERROR:
    case ER_DUP_ENTRY:
    case ER_DUP_UNIQUE:
    case ER_DUP_ENTRY_WITH_KEY_NAME:
    case ER_NO_REFERENCED_ROW:
    case ER_NO_REFERENCED_ROW_2:
    case ER_ROW_IS_REFERENCED:
    case ER_ROW_IS_REFERENCED_2:
    case ER_WARN_NULL_TO_NOTNULL:
    case ER_WARN_DATA_OUT_OF_RANGE:
    case WARN_DATA_TRUNCATED:
    case ER_TRUNCATED_WRONG_VALUE:
    case ER_WARN_INVALID_TIMESTAMP:
    case ER_INVALID_CHARACTER_STRING:
    case ER_NO_DEFAULT_FOR_FIELD:
    case ER_DIVISION_BY_ZERO:
    case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:
    case ER_ILLEGAL_VALUE_FOR_TYPE:
    case ER_DATA_TOO_LONG:
    case ER_WRONG_VALUE_FOR_TYPE:
    case ER_CANT_CREATE_GEOMETRY_OBJECT:
    case ER_WRONG_VALUE:
    case ER_SIGNAL_EXCEPTION:
    case ER_DATA_OUT_OF_RANGE:
    case ER_BAD_DATA:
    case ER_CONSTRAINT_FAILED:
      return true;
    default:
      return false;
  }
}

bool mariadb_data_warning(unsigned code) {
  switch (code) {
    case ER_WARN_NULL_TO_NOTNULL:
    case ER_WARN_DATA_OUT_OF_RANGE:
    case WARN_DATA_TRUNCATED:
    case ER_TRUNCATED_WRONG_VALUE:
    case ER_WARN_INVALID_TIMESTAMP:
    case ER_INVALID_CHARACTER_STRING:
    case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:
    case ER_ILLEGAL_VALUE_FOR_TYPE:
    case ER_DATA_TOO_LONG:
    case ER_WRONG_VALUE_FOR_TYPE:
    case ER_WRONG_VALUE:
    case ER_DATA_OUT_OF_RANGE:
    case ER_BAD_DATA:
    case ER_WARN_TOO_FEW_RECORDS:
    case ER_WARN_TOO_MANY_RECORDS:
      return true;
    default:
      return false;
  }
}

}  // namespace mig
