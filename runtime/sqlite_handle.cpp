#include "runtime/sqlite_handle.hpp"

#include <sqlite3.h>

#include <utility>

namespace mig {

Result<SqliteDb> SqliteDb::open(const std::string& path, Mode mode, int busy_ms) {
  int flags = SQLITE_OPEN_NOMUTEX;
  switch (mode) {
    case Mode::create:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
    case Mode::read_write:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case Mode::read_only:
      flags |= SQLITE_OPEN_READONLY;
      break;
  }
  SqliteDb db;
  db.path_ = path;
  int rc = sqlite3_open_v2(path.c_str(), &db.db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db.db_ ? sqlite3_errmsg(db.db_) : sqlite3_errstr(rc);
    return Error{"cannot open SQLite database " + path + ": " + msg};
  }
  sqlite3_extended_result_codes(db.db_, 1);
  sqlite3_busy_timeout(db.db_, busy_ms);
  return db;
}

SqliteDb::SqliteDb(SqliteDb&& o) noexcept
    : db_(std::exchange(o.db_, nullptr)), path_(std::move(o.path_)) {}

SqliteDb& SqliteDb::operator=(SqliteDb&& o) noexcept {
  if (this != &o) {
    if (db_) sqlite3_close_v2(db_);
    db_ = std::exchange(o.db_, nullptr);
    path_ = std::move(o.path_);
  }
  return *this;
}

SqliteDb::~SqliteDb() {
  if (db_) sqlite3_close_v2(db_);  // _v2: statements still alive are finalised first
}

Status SqliteDb::exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return Status::success();
  std::string msg = err ? err : sqlite3_errstr(rc);
  sqlite3_free(err);
  return Error{"sqlite error in " + path_ + ": " + msg};
}

Result<SqliteStatement> SqliteDb::prepare(std::string_view sql) {
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &st, nullptr);
  if (rc != SQLITE_OK) return last_error("preparing a statement");
  return SqliteStatement(st, db_);
}

Result<int64_t> SqliteDb::pragma_int(std::string_view name) {
  Result<SqliteStatement> st = prepare("PRAGMA " + std::string(name));
  if (!st.ok()) return st.take_error();
  Result<bool> row = st->step();
  if (!row.ok()) return row.take_error();
  if (!*row) return Error{"PRAGMA " + std::string(name) + " returned no value"};
  return st->column_int(0);
}

int64_t SqliteDb::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

int64_t SqliteDb::changes() const { return sqlite3_changes64(db_); }

Error SqliteDb::last_error(std::string_view doing) const {
  return Error{"sqlite error in " + path_ + " while " + std::string(doing) + ": " +
               sqlite3_errmsg(db_)};
}

SqliteStatement::SqliteStatement(SqliteStatement&& o) noexcept
    : st_(std::exchange(o.st_, nullptr)), db_(o.db_), bind_error_(std::move(o.bind_error_)) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& o) noexcept {
  if (this != &o) {
    if (st_) sqlite3_finalize(st_);
    st_ = std::exchange(o.st_, nullptr);
    db_ = o.db_;
    bind_error_ = std::move(o.bind_error_);
  }
  return *this;
}

SqliteStatement::~SqliteStatement() {
  if (st_) sqlite3_finalize(st_);
}

void SqliteStatement::note_bind(int rc, int index) {
  if (rc != SQLITE_OK && !bind_error_)
    bind_error_ =
        Error{"sqlite cannot bind parameter " + std::to_string(index) + ": " + sqlite3_errstr(rc)};
}

SqliteStatement& SqliteStatement::bind_null(int index) {
  note_bind(sqlite3_bind_null(st_, index), index);
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, int64_t v) {
  note_bind(sqlite3_bind_int64(st_, index, v), index);
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, double v) {
  note_bind(sqlite3_bind_double(st_, index, v), index);
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::string_view text) {
  note_bind(
      sqlite3_bind_text64(st_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      index);
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bind_null(index);
}

SqliteStatement& SqliteStatement::bind(int index, std::optional<int64_t> v) {
  return v ? bind(index, *v) : bind_null(index);
}

SqliteStatement& SqliteStatement::bind_blob(int index, std::string_view bytes) {
  note_bind(sqlite3_bind_blob64(st_, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT), index);
  return *this;
}

SqliteStatement& SqliteStatement::bind_static(int index, std::string_view text) {
  note_bind(sqlite3_bind_text64(st_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8),
            index);
  return *this;
}

Result<bool> SqliteStatement::step() {
  if (bind_error_) return *bind_error_;
  int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const char* file = sqlite3_db_filename(db_, "main");
  Error e{std::string("sqlite error in ") + (file ? file : "?") + ": " + sqlite3_errmsg(db_)};
  sqlite3_reset(st_);
  return e;
}

Status SqliteStatement::run() {
  Result<bool> r = step();
  while (r.ok() && *r) r = step();
  Status s = r.ok() ? Status::success() : Status(r.take_error());
  reset();
  return s;
}

void SqliteStatement::reset() {
  sqlite3_reset(st_);
  sqlite3_clear_bindings(st_);
  bind_error_.reset();
}

void SqliteStatement::rewind() {
  sqlite3_reset(st_);
  bind_error_.reset();
}

int SqliteStatement::column_count() const { return sqlite3_column_count(st_); }

bool SqliteStatement::column_is_null(int col) const {
  return sqlite3_column_type(st_, col) == SQLITE_NULL;
}

int64_t SqliteStatement::column_int(int col) const { return sqlite3_column_int64(st_, col); }

double SqliteStatement::column_double(int col) const { return sqlite3_column_double(st_, col); }

std::string SqliteStatement::column_text(int col) const {
  const void* p = sqlite3_column_blob(st_, col);  // no conversion: bytes as stored
  int n = sqlite3_column_bytes(st_, col);
  return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}

std::string_view SqliteStatement::column_view(int col) const {
  const void* p = sqlite3_column_blob(st_, col);
  int n = sqlite3_column_bytes(st_, col);
  return p ? std::string_view(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string_view();
}

std::optional<std::string> SqliteStatement::column_optional_text(int col) const {
  if (column_is_null(col)) return std::nullopt;
  return column_text(col);
}

std::optional<int64_t> SqliteStatement::column_optional_int(int col) const {
  if (column_is_null(col)) return std::nullopt;
  return column_int(col);
}

int SqliteStatement::column_type(int col) const { return sqlite3_column_type(st_, col); }

std::string SqliteStatement::column_name(int col) const {
  const char* n = sqlite3_column_name(st_, col);
  return n ? n : "";
}

Result<SqliteTransaction> SqliteTransaction::begin(SqliteDb& db, bool immediate) {
  Status s = db.exec(immediate ? "BEGIN IMMEDIATE" : "BEGIN");
  if (!s.ok()) return s.error();
  return SqliteTransaction(&db);
}

SqliteTransaction::SqliteTransaction(SqliteTransaction&& o) noexcept
    : db_(std::exchange(o.db_, nullptr)) {}

SqliteTransaction::~SqliteTransaction() { rollback(); }

Status SqliteTransaction::commit() {
  if (!db_) return Error{"commit of a transaction that is already over"};
  Status s = db_->exec("COMMIT");
  if (s.ok()) db_ = nullptr;
  return s;  // on failure the destructor rolls back
}

void SqliteTransaction::rollback() {
  if (!db_) return;
  if (sqlite3_get_autocommit(db_->raw()) == 0) (void)db_->exec("ROLLBACK");
  db_ = nullptr;
}

}  // namespace mig
