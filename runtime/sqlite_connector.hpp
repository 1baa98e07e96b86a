// The SQLite connector: a database file as a source (introspected catalog, keyset pages
// with typed values) and as a target (one transaction per batch, on-conflict policies,
// rows the engine refuses found one by one, commit markers for exactly-once resume).
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "runtime/connector.hpp"
#include "runtime/sqlite_handle.hpp"

namespace mig {

// The language type of a column SQLite declares as `declared` (`VARCHAR(20)`,
// `NUMERIC(10,2)`, ``): the table is in sqlite_connector.cpp.
BaseType sqlite_column_type(std::string_view declared);

// Binds `v` the way this connector stores each kind: int as INTEGER, decimal as its text
// (a NUMERIC column turns it into a number: at most 15 significant digits survive),
// float as REAL, bool as 0/1, date/timestamp/timestamptz/uuid in canonical text, json
// and text as TEXT, bytes as BLOB, a list as its text.
void sqlite_bind_value(SqliteStatement& st, int index, const Value& v);

class SqliteConnector : public Connector {
 public:
  // Opens an existing database file, read-write (read-only when the file is); a missing
  // file is an error naming it rather than a new empty database. Foreign keys are not
  // enforced (PRAGMA foreign_keys = OFF) until set_foreign_key_checks(true).
  // `attach` lists schema aliases and their files (ATTACH DATABASE file AS alias): SQLite
  // has no schemas, each attached file is one; the files must exist too.
  static Result<std::unique_ptr<SqliteConnector>> open(
      const std::string& path, const std::vector<std::pair<std::string, std::string>>& attach = {});
  // Over a connection opened elsewhere (the CSV connector's cache files).
  static std::unique_ptr<SqliteConnector> over(SqliteDb db);

  // Reads `table`'s columns as the given types instead of as introspection finds them:
  // the CSV cache stores cells whose types only the plan's `types:` knows.
  void declare_table(TableInfo table);
  // PRAGMA foreign_keys (for `fk_checks = on`); no effect inside a transaction.
  Status set_foreign_key_checks(bool on) override;

  std::string dialect() const override { return "sqlite"; }
  Result<Catalog> introspect() override;
  Result<int64_t> count(const ReadRequest& request) override;
  Result<Batch> read(const ReadRequest& request) override;

  // BEGIN IMMEDIATE: the write lock is taken before any work, so COMMIT cannot be busy.
  Status begin() override;
  Result<WriteOutcome> write(const WriteRequest& request, const Batch& batch) override;
  Status commit(const CommitMarker& marker, const std::string& outcome) override;
  Status rollback() override;
  Result<int64_t> remove(const WriteRequest& request, const std::vector<Row>& keys) override;
  Result<std::optional<std::string>> committed(const CommitMarker& marker) override;
  Status forget_markers(const std::string& plan, const std::string& env,
                        const std::string& task) override;
  Status execute(const std::string& sql) override;
  Result<Value> query_value(const SqlFilter& query) override;

 private:
  struct WriteShape;
  enum class RowResult { written, refused, fatal };

  explicit SqliteConnector(SqliteDb db) : db_(std::move(db)) {}

  // The prepared statement for `sql`, compiled on first use (one per request shape).
  Result<SqliteStatement*> statement(const std::string& sql);
  // ATTACH each file under its alias (the path bound, the alias quoted).
  Status attach(const std::vector<std::pair<std::string, std::string>>& files);
  // The user's table names in `schema` ("" is main), in name order.
  Result<std::vector<std::string>> table_names(const std::string& schema);
  // A table's columns and keys: declared, or introspected once and kept.
  Result<const TableInfo*> table(const std::string& schema, const std::string& name);
  Result<TableInfo> load_table(const std::string& schema, const std::string& name);
  Result<std::vector<ForeignKey>> load_foreign_keys(const std::string& schema,
                                                    const std::string& name);
  // `WHERE (f1) AND (f2)` with the filters' placeholders renumbered from 1; `next` gets
  // the first free placeholder number.
  Result<std::string> where_clause(const std::vector<SqlFilter>& filters, int* next) const;
  Result<std::string> read_sql(const ReadRequest& r, int* after_at, int* limit_at) const;

  Result<WriteShape> write_shape(const WriteRequest& request, const Batch& batch);
  // Writes every row; a row the engine refuses either sets `refused` and stops (the fast
  // path) or, `one_by_one`, is undone to its own savepoint and listed.
  Result<WriteOutcome> write_rows(WriteShape& shape, const Batch& batch, bool one_by_one,
                                  bool* refused);
  RowResult write_row(WriteShape& shape, const Row& row, size_t index, WriteOutcome& out,
                      std::string& problem);
  // After a failed statement: whether the row was at fault (a constraint, a type, a size)
  // rather than the connection, and the engine's message.
  bool row_was_refused(std::string& message) const;
  Result<bool> key_exists(WriteShape& shape, const Row& row);
  // The row now stored under `row`'s key (batch columns), nullopt when there is none.
  Result<std::optional<Row>> before_image(WriteShape& shape, const Row& row);
  // Steps an INSERT/UPDATE: written, refused by the engine (`code` its extended code),
  // or fatal; `problem` says why.
  RowResult run_step(SqliteStatement& st, const WriteShape& shape, std::string& problem, int& code);
  std::optional<Error> key_conflict(WriteShape& shape, const Row& row, int code);
  Status ensure_markers_table();
  Result<bool> markers_table_exists();

  SqliteDb db_;
  std::vector<std::string> attached_;  // schema aliases, in the plan's order
  std::optional<SqliteTransaction> txn_;                       // between begin and commit
  std::unordered_map<std::string, SqliteStatement> statements_;  // by SQL text
  std::map<std::pair<std::string, std::string>, TableInfo> declared_;  // declare_table
  std::map<std::pair<std::string, std::string>, TableInfo> tables_;    // introspected
  std::map<std::string, bool> upsert_ok_;  // by upsert SQL: whether the key is unique
  // The last row of the previous page, typed and as stored: `after` equal to the typed
  // key is bound as stored, so that a key SQLite keeps in another spelling
  // (`2024-01-31T10:00` for a timestamp, a blob uuid) still orders exactly.
  std::string last_shape_;
  Row last_key_;
  Row last_key_stored_;
};

}  // namespace mig
