// The PostgreSQL connector (libpq): a database as a source (catalog from pg_catalog, keyset
// pages decoded exactly by column type) and as a target (one transaction per batch, COPY,
// on-conflict policies through a staging table, refused rows found by halving the batch,
// commit markers for exactly-once resume). See connector.hpp for the contract.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "runtime/connector.hpp"
#include "runtime/postgres_catalog.hpp"
#include "runtime/postgres_connection.hpp"

namespace mig {

// Connects to `spec.location` (a URL); the error never shows the password.
Result<std::unique_ptr<Connector>> open_postgres(const ConnectorSpec& spec);

class PostgresConnector : public Connector {
 public:
  // Connects to a postgresql:// URL (see PgConnection::open).
  static Result<std::unique_ptr<PostgresConnector>> open(const std::string& url);

  std::string dialect() const override { return "postgres"; }
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
  struct Encoded;

  explicit PostgresConnector(std::unique_ptr<PgConnection> conn) : conn_(std::move(conn)) {}

  // A table of the cached catalog; the catalog is read again once when it is not there
  // (a hook or another run may have created it since).
  Result<const PgTable*> table(const std::string& schema, const std::string& name);
  // ` WHERE (f1) AND (f2)` with the filters' `$N` renumbered after those already in
  // `params`, whose values are appended.
  Result<std::string> where_clause(const std::vector<SqlFilter>& filters, PgParams& params) const;
  Result<std::string> read_sql(const ReadRequest& r, const PgTable& t, PgParams& params) const;

  // ---- writing (postgres_writer.cpp) ----
  Result<WriteShape> write_shape(const WriteRequest& request, const Batch& batch);
  // Each row as a COPY line, or refused (a value the column cannot hold). `sink`, when
  // given, is handed the lines made so far every few hundred kilobytes and at the end.
  Encoded encode_rows(const WriteShape& shape, const Batch& batch, WriteOutcome& out,
                      const std::function<void(std::string_view)>& sink = {}) const;
  // A plain insert's rows COPYed into the target while they are encoded (the server parses
  // one part while the next is made); `enc` is complete even when the COPY failed.
  Status stream_into_target(const WriteShape& shape, const Batch& batch, Encoded& enc,
                            WriteOutcome& out);
  // Writes `rows` (batch indexes) under a savepoint; when the server refuses some row,
  // undoes them and writes each half the same way, down to single rows, which are refused.
  Status write_slice(WriteShape& shape, const Batch& batch, const Encoded& enc,
                     const std::vector<size_t>& rows, WriteOutcome& out);
  // One attempt at a slice: the statements of the shape's policy, all or nothing.
  Status try_slice(WriteShape& shape, const Batch& batch, const Encoded& enc,
                   const std::vector<size_t>& rows, WriteOutcome& out);
  Result<WriteOutcome> finish_batch(WriteOutcome out);
  Status copy_into_target(const WriteShape& shape, const Encoded& enc,
                          const std::vector<size_t>& rows, WriteOutcome& out);
  Status ensure_stage(WriteShape& shape);
  // Numbers the staged rows' rounds (1 for the first row of each key, 2 for the second,
  // ...); the highest round and each later row's round.
  Result<int> number_rounds(const WriteShape& shape, std::map<size_t, int>& later);
  bool has_duplicate_keys(const WriteShape& shape, const Batch& batch,
                          const std::vector<size_t>& rows) const;
  Status upsert_round(const WriteShape& shape, const Batch& batch, int round,
                      const std::vector<size_t>& rows, WriteOutcome& out);
  // WriteRequest::update_only: UPDATE the round's rows whose key exists, skip the others.
  Status update_round(const WriteShape& shape, int round, const std::vector<size_t>& rows,
                      WriteOutcome& out);
  Status collect_before(const WriteShape& shape, int round, WriteOutcome& out, size_t* found);
  // The error for a row whose key exists, under `on conflict fail`; nullopt when it does not.
  Result<std::optional<Error>> key_conflict(const WriteShape& shape, const Row& row);

  Status ensure_markers_table();
  Result<bool> markers_table_exists();
  std::string markers_table() const;
  // Forgets the staging tables the open transaction created (a rollback drops them).
  void forget_transaction_stages();

  std::unique_ptr<PgConnection> conn_;
  std::optional<PgCatalog> catalog_;
  std::string default_schema_;                     // current_schema(): markers live there
  bool txn_ = false;                               // between begin and commit/rollback
  bool markers_known_ = false;                     // _mig_commits exists (committed)
  std::map<std::string, std::string> stages_;      // write shape -> its staging table
  std::vector<std::string> stages_this_txn_;       // created in the open transaction
  int stage_count_ = 0;                            // staging table names are never reused
  std::set<std::string> stages_filled_;            // written in the open transaction
};

}  // namespace mig
