// A small RAII layer over the SQLite C API, shared by the state store and the SQLite
// connector: a connection, prepared statements with bound values (never spliced into SQL),
// and transactions that roll back unless committed. Failures are Error values.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace mig {

class SqliteStatement;

// One connection; closed when destroyed.
class SqliteDb {
 public:
  // How to open: read-write creating the file, read-write, or read-only.
  enum class Mode { create, read_write, read_only };

  // Opens `path` with a busy timeout (waits up to `busy_ms` for another writer).
  static Result<SqliteDb> open(const std::string& path, Mode mode = Mode::create,
                               int busy_ms = 5000);

  SqliteDb() = default;
  SqliteDb(SqliteDb&& o) noexcept;
  SqliteDb& operator=(SqliteDb&& o) noexcept;
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;
  ~SqliteDb();

  bool is_open() const { return db_ != nullptr; }
  // The C handle, for the few calls this layer does not wrap.
  sqlite3* raw() const { return db_; }
  // As given to open(); names the file in error messages.
  const std::string& path() const { return path_; }

  // Runs SQL text without parameters (may hold several statements): schema, pragmas.
  Status exec(std::string_view sql);
  // Compiles one statement.
  Result<SqliteStatement> prepare(std::string_view sql);
  // The value of a pragma that returns one integer (`user_version`, `page_count`).
  Result<int64_t> pragma_int(std::string_view name);
  // Rowid of the last INSERT, and rows changed by the last statement.
  int64_t last_insert_rowid() const;
  int64_t changes() const;
  // "sqlite error in PATH: MESSAGE" for the connection's last error.
  Error last_error(std::string_view doing) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

// One prepared statement. Binders chain (`st.bind(1, id).bind(2, name)`); a binding error is
// kept and reported by the next step(). Indexes are 1-based for binds (as in SQL `?1`)
// and 0-based for columns (as in SQLite's API).
class SqliteStatement {
 public:
  SqliteStatement() = default;
  SqliteStatement(SqliteStatement&& o) noexcept;
  SqliteStatement& operator=(SqliteStatement&& o) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement();

  SqliteStatement& bind_null(int index);
  SqliteStatement& bind(int index, int64_t v);
  SqliteStatement& bind(int index, int v) { return bind(index, static_cast<int64_t>(v)); }
  SqliteStatement& bind(int index, double v);
  // Text is copied by SQLite; it may contain '\0'.
  SqliteStatement& bind(int index, std::string_view text);
  SqliteStatement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  SqliteStatement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }
  // Null when empty.
  SqliteStatement& bind(int index, const std::optional<std::string>& text);
  SqliteStatement& bind(int index, std::optional<int64_t> v);
  SqliteStatement& bind_blob(int index, std::string_view bytes);
  // Text read in place, not copied: the caller keeps it alive and unchanged until the
  // statement is rebound or reset (the per-row write path, which binds a batch it owns).
  SqliteStatement& bind_static(int index, std::string_view text);

  // Advances: true with a row to read, false when done.
  Result<bool> step();
  // Steps to the end (for INSERT/UPDATE/DELETE), then reset() for the next use.
  Status run();
  // Ready to run again; clears the bindings too.
  void reset();
  // Ready to run again with the bindings kept, for a caller that rebinds every parameter
  // each time (clearing them per row costs as much as binding).
  void rewind();

  int column_count() const;
  bool column_is_null(int col) const;
  int64_t column_int(int col) const;
  double column_double(int col) const;
  // Text or blob bytes, including any '\0'.
  std::string column_text(int col) const;
  // The same bytes in place: valid until the next step, reset or column call on `col`.
  std::string_view column_view(int col) const;
  std::optional<std::string> column_optional_text(int col) const;
  std::optional<int64_t> column_optional_int(int col) const;
  // SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL.
  int column_type(int col) const;
  std::string column_name(int col) const;

 private:
  friend class SqliteDb;
  SqliteStatement(sqlite3_stmt* st, sqlite3* db) : st_(st), db_(db) {}
  void note_bind(int rc, int index);

  sqlite3_stmt* st_ = nullptr;
  sqlite3* db_ = nullptr;
  std::optional<Error> bind_error_;
};

// A transaction; rolled back when destroyed uncommitted (an early return or an error).
class SqliteTransaction {
 public:
  // `immediate`: take the write lock now (BEGIN IMMEDIATE), so that the commit cannot fail
  // with SQLITE_BUSY after work has been done.
  static Result<SqliteTransaction> begin(SqliteDb& db, bool immediate = true);

  SqliteTransaction(SqliteTransaction&& o) noexcept;
  SqliteTransaction& operator=(SqliteTransaction&&) = delete;
  SqliteTransaction(const SqliteTransaction&) = delete;
  ~SqliteTransaction();

  Status commit();
  // Explicit rollback (the destructor does the same).
  void rollback();

 private:
  explicit SqliteTransaction(SqliteDb* db) : db_(db) {}
  SqliteDb* db_ = nullptr;  // null once committed or rolled back
};

}  // namespace mig
