// The MariaDB connector (libmariadb, also for MySQL URLs): a database server as a source
// (information_schema catalog, keyset pages through prepared statements, values read
// exactly or the row refused) and as a target (one transaction per batch, multi-row
// prepared INSERTs, the on-conflict policies with exact accounting, rows the server
// refuses found one by one, commit markers for exactly-once resume).
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "runtime/connector.hpp"
#include "runtime/mariadb_catalog.hpp"
#include "runtime/mariadb_client.hpp"

namespace mig {

// Connects to `spec.location` (a URL); the error never shows the password.
Result<std::unique_ptr<Connector>> open_mariadb(const ConnectorSpec& spec);

class MariadbConnector : public Connector {
 public:
  // Connects to `mariadb://user:password@host:port/database?options` (or `mysql://`).
  static Result<std::unique_ptr<MariadbConnector>> open(const std::string& url);

  // SET FOREIGN_KEY_CHECKS (for `fk_checks = deferred`): off, rows whose parent is not
  // there yet are written; the session keeps the setting until it is set again.
  Status set_foreign_key_checks(bool on) override;

  std::string dialect() const override { return "mariadb"; }
  Result<Catalog> introspect() override;
  Result<int64_t> count(const ReadRequest& request) override;
  Result<Batch> read(const ReadRequest& request) override;

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
  struct Chunk;
  enum class RowResult { written, refused, fatal };

  MariadbConnector(MariadbConnection db, std::string database, std::string shown)
      : db_(std::move(db)), database_(std::move(database)), shown_(std::move(shown)) {}

  // The prepared statement for `sql`, prepared on first use (one per request shape).
  Result<MariadbStatement*> statement(const std::string& sql, unsigned* code = nullptr);
  // Runs a prepared statement with `params_`; rows, if any, are left to fetch. `code`
  // (when given) gets the server's error code of a failure.
  Result<MariadbStatement*> run(const std::string& sql, unsigned* code = nullptr);
  // A table's catalog entry, loaded once (and again after execute()).
  Result<const MariadbTable*> table(const std::string& schema, const std::string& name);
  // `db`.`t`, the URL's database when `schema` is empty.
  std::string qualified(const std::string& schema, const std::string& name) const;
  Result<std::string> where_clause(const std::vector<SqlFilter>& filters) const;
  void bind_filters(const std::vector<SqlFilter>& filters);
  Status exec_marker_sql(const std::string& sql);
  std::string markers_table() const;

  // Writing (mariadb_writer.cpp).
  Result<WriteShape> write_shape(const WriteRequest& request, const Batch& batch);
  Status write_chunk(WriteShape& shape, const Batch& batch, const Chunk& chunk, WriteOutcome& out);
  Status write_one_by_one(WriteShape& shape, const Batch& batch, const std::vector<size_t>& rows,
                          WriteOutcome& out);
  RowResult write_row(WriteShape& shape, const Row& row, size_t index, WriteOutcome& out,
                      std::string& problem);
  // Runs an INSERT (or the upsert) of `rows`, several rows per statement; false when
  // the server refused some row or changed a value (the caller redoes them one by one).
  Result<bool> insert_rows(WriteShape& shape, const Batch& batch, const std::vector<size_t>& rows,
                           bool upsert);
  // After a statement that succeeded: the first warning saying a value was changed.
  Result<std::optional<std::string>> data_warning();
  Result<std::optional<Row>> before_image(WriteShape& shape, const Row& row);
  Result<bool> key_exists(WriteShape& shape, const Row& row);

  MariadbConnection db_;
  std::string database_;  // the URL's: unqualified names, and where markers live
  std::string shown_;     // the URL with its password hidden, for messages
  bool in_transaction_ = false;
  bool markers_ready_ = false;  // _mig_commits created (DDL cannot run inside a batch)
  std::unordered_map<std::string, MariadbStatement> statements_;  // by SQL text
  std::map<std::pair<std::string, std::string>, MariadbTable> tables_;
  std::map<std::pair<std::string, std::string>, std::vector<std::vector<std::string>>> unique_keys_;
  MariadbParams params_;  // bound for the statement being run
};

}  // namespace mig
