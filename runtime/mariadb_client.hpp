// Owning handles over libmariadb (MariaDB Connector/C): one connection, and prepared
// statements whose parameters are bound from mig values and whose rows are fetched into
// typed cells (binary protocol: numbers, dates and times never pass through text).
#pragma once
#include <mysql.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/mariadb_url.hpp"
#include "runtime/result.hpp"
#include "runtime/value.hpp"

namespace mig {

// A server message made safe for one line (control bytes as spaces), with its code.
struct MariadbError {
  unsigned code = 0;
  std::string message;
};

// One warning of the last statement (SHOW WARNINGS).
struct MariadbWarning {
  std::string level;  // Note, Warning, Error
  unsigned code = 0;
  std::string message;
};

class MariadbConnection {
 public:
  // Connects over TCP (also to `localhost`) with utf8mb4, the session in UTC and strict
  // mode; `shown` is the URL as messages may print it (password hidden).
  static Result<MariadbConnection> open(const MariadbUrl& url, const std::string& shown);

  MYSQL* raw() const { return db_.get(); }
  // Runs `sql` through the text protocol, several statements allowed; rows are discarded.
  Status exec(std::string_view sql);
  MariadbError last_error() const;
  uint64_t affected_rows() const { return mysql_affected_rows(raw()); }
  unsigned warning_count() const { return mysql_warning_count(raw()); }
  Result<std::vector<MariadbWarning>> warnings();
  // The server's max_allowed_packet (a statement and its values must fit in it).
  uint64_t max_packet() const { return max_packet_; }

 private:
  struct Close {
    void operator()(MYSQL* m) const { mysql_close(m); }
  };
  std::unique_ptr<MYSQL, Close> db_;
  uint64_t max_packet_ = 16u << 20;
};

// Parameters for one execution: MYSQL_BINDs pointing at the bound values, or at copies
// this object keeps (numbers, times, decimal text) until the next clear().
class MariadbParams {
 public:
  void clear();
  // `v` bound by its kind: int as BIGINT, decimal as exact DECIMAL text, float as DOUBLE,
  // bool as 0/1, date/timestamp/timestamptz as MYSQL_TIME (timestamptz as UTC wall time:
  // sessions are UTC), uuid as its text or, `binary_uuid`, its 16 bytes, json and list as
  // text, bytes as binary. Text, json and bytes point into `v`: keep it alive.
  void add(const Value& v, bool binary_uuid = false);
  void add_text(std::string_view text);
  void add_int(int64_t i);
  size_t size() const { return binds_.size(); }
  MYSQL_BIND* data() { return binds_.data(); }
  // Bytes these values take on the wire (a bound for the packet size).
  size_t wire_size() const { return wire_; }

 private:
  union Scalar {
    int64_t i;
    double d;
    MYSQL_TIME t;
  };
  MYSQL_BIND& next(enum_field_types type);
  std::vector<MYSQL_BIND> binds_;
  std::deque<Scalar> scalars_;
  std::deque<std::string> texts_;
  size_t wire_ = 0;
};

// One column of the current row, as the binary protocol delivered it.
struct MariadbCell {
  enum_field_types type = MYSQL_TYPE_NULL;  // the server's type for the column
  bool is_unsigned = false;
  bool binary = false;    // a binary string (charset 63), not text
  unsigned decimals = 0;  // fraction digits of a TIME (as MariaDB shows it)
  my_bool null = 0;
  my_bool error = 0;
  unsigned long length = 0;
  int64_t i = 0;    // integer types (and YEAR)
  double d = 0;     // DOUBLE
  float f = 0;      // FLOAT
  MYSQL_TIME t{};   // DATE, DATETIME, TIMESTAMP, TIME
  std::string buf;  // everything else, as bytes

  enum class Kind { integer, dbl, flt, time, bytes };
  Kind kind = Kind::bytes;
  std::string_view bytes() const { return std::string_view(buf.data(), length); }
};

class MariadbStatement {
 public:
  // `code` (when given) gets the server's error code of a failure.
  static Result<MariadbStatement> prepare(MYSQL* db, std::string_view sql,
                                          unsigned* code = nullptr);

  unsigned param_count() const { return mysql_stmt_param_count(st_.get()); }
  // Executes with `params` (as many as the statement has placeholders); rows, if any,
  // are then read with fetch() (streamed from the server, not buffered).
  Status execute(MariadbParams& params, unsigned* code = nullptr);
  // The next row into cells(); false after the last. Frees the result at the end.
  Result<bool> fetch();
  const std::vector<MariadbCell>& cells() const { return cells_; }
  // Drops the rest of an unfinished result.
  void finish();
  uint64_t affected_rows() const { return mysql_stmt_affected_rows(st_.get()); }
  MariadbError last_error() const;

 private:
  struct Close {
    void operator()(MYSQL_STMT* s) const { mysql_stmt_close(s); }
  };
  Status bind_result();
  Error error() const;

  std::unique_ptr<MYSQL_STMT, Close> st_;
  std::vector<MariadbCell> cells_;
  std::vector<MYSQL_BIND> result_binds_;
  bool has_rows_ = false;
};

// Whether the server refused a statement because of the values of a row (a key or
// constraint, NOT NULL, a value out of range or too long, an invalid date or string, a
// trigger's SIGNAL), as opposed to the statement, the connection or the transaction.
bool mariadb_row_error(unsigned code);

// Whether a warning means the server changed a value it stored (truncated, rounded,
// clipped): such a row is refused, never stored changed.
bool mariadb_data_warning(unsigned code);

}  // namespace mig
