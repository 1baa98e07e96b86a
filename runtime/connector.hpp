// The interface every engine implements (SQLite, CSV folders, PostgreSQL, MariaDB): read
// its catalog, read a table in key-ordered batches, write batches in one transaction each.
// The executor talks only to this; tests use an in-memory fake.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ast.hpp"
#include "runtime/catalog.hpp"
#include "runtime/result.hpp"
#include "runtime/value.hpp"

namespace mig {

// A row: values in the order of the batch's columns.
using Row = std::vector<Value>;

// A row the engine would not take or give as its declared type (a constraint, a value out
// of range, a CSV cell that is not an int, a MariaDB zero date): the executor turns it into
// a reject (with `reason`) or a failure, as the plan says.
struct RefusedRow {
  size_t index;         // in the batch
  std::string reason;   // one line, naming the column and the value (quote_input)
};

// Rows with named columns; what flows between reader, map and writer.
struct Batch {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  std::vector<RefusedRow> unreadable;  // rows whose values could not be read (those values are
                                       // null; the key is kept, as stored if need be, so
                                       // that the next page can start after it)
};

// A filter already spelled in the source's dialect (a pushed-down `where` or `follow`),
// with its values bound, never spliced: `sql` holds placeholders in the dialect's form,
// numbered from 1 in order of `params`.
struct SqlFilter {
  std::string sql;
  std::vector<Value> params;
};

// One keyset page: rows of `table` with key > `after`, ordered by key, at most `limit`.
struct ReadRequest {
  std::string schema;                  // empty: the connection's default
  std::string table;
  std::vector<std::string> columns;    // to select; the key columns are among them
  std::vector<std::string> key;        // order and resume by these
  std::optional<Row> after;            // the last key of the previous page
  std::vector<SqlFilter> filters;      // ANDed
  int64_t limit = 5000;
};

// Where and how to write a batch.
struct WriteRequest {
  std::string schema;
  std::string table;
  std::vector<std::string> key;        // conflicts are on these columns
  ConflictPolicy on_conflict = ConflictPolicy::fail;
  // An `update` task (and the rollback of one): UPDATE the batch's non-key columns of the
  // rows whose `key` exists, never INSERT; each updated row's before-image goes to
  // WriteOutcome::before, a row whose key is absent (deleted since it was read) to
  // `skipped`. `on_conflict` is then ignored. A flag rather than a fourth ConflictPolicy:
  // the policy is what a plan's `on conflict` clause says about inserts, and an update
  // has no insert to conflict.
  bool update_only = false;
};

// What one write did, row by row where it matters for reports and rollback.
struct WriteOutcome {
  int64_t inserted = 0;
  int64_t updated = 0;                 // on conflict update
  std::vector<size_t> skipped;         // on conflict skip: rows whose key existed;
                                       // update_only: rows whose key was absent
  std::vector<std::pair<size_t, Row>> before;  // on conflict update, update_only: each updated row's
                                               // previous values (batch columns), for rollback
  std::vector<RefusedRow> refused;     // not written (found by retrying row by row); the
                                       // rest of the batch was
};

// Identifies a batch inside the target's own transaction, so a resumed run can tell
// whether a batch whose commit it did not see was in fact committed (exactly once).
struct CommitMarker {
  std::string plan;
  std::string env;
  std::string task;
  int64_t batch = 0;                   // sequence number within the task's run
};

// How to reach a database, with `env()`/`secret()` already evaluated by the binder.
struct ConnectorSpec {
  std::string kind;      // postgres, mariadb (mysql is an alias), sqlite, csv
  std::string location;  // URL, or a path already made relative to the plan's folder
  // csv(...) options
  bool header = true;
  std::string delimiter = ",";
  std::string null_text = "";
  std::vector<std::pair<std::string, std::string>> types;  // column -> type name
  // sqlite(..., attach: {...}): schema alias -> database file (made relative like location)
  std::vector<std::pair<std::string, std::string>> attach;
};

// A connection to one database (or CSV folder).
class Connector {
 public:
  virtual ~Connector() = default;
  // `sqlite`, `csv`, `postgres`, `mariadb`.
  virtual std::string dialect() const = 0;
  // Tables, columns, keys and foreign keys.
  virtual Result<Catalog> introspect() = 0;
  // Rows the request would read without its limit and `after` (progress %, confirm above).
  virtual Result<int64_t> count(const ReadRequest& request) = 0;
  // One page.
  virtual Result<Batch> read(const ReadRequest& request) = 0;

  // Target side: one transaction per batch.
  virtual Status begin() = 0;
  virtual Result<WriteOutcome> write(const WriteRequest& request, const Batch& batch) = 0;
  // Writes the marker with `outcome` (the batch's WriteOutcome as JSON) and commits.
  virtual Status commit(const CommitMarker& marker, const std::string& outcome) = 0;
  virtual Status rollback() = 0;
  // Deletes the rows whose `request.key` columns equal one of `keys` (in key order), inside
  // the open transaction; how many went (rollback of a run's inserts).
  virtual Result<int64_t> remove(const WriteRequest& request, const std::vector<Row>& keys) = 0;
  // The outcome saved with a committed batch, nullopt when it was not committed (asked
  // only on resume, for a batch the state store saw begin but not end).
  virtual Result<std::optional<std::string>> committed(const CommitMarker& marker) = 0;
  // Forgets the markers of a task once its completion is in the state store.
  virtual Status forget_markers(const std::string& plan, const std::string& env,
                                const std::string& task) = 0;
  // `fk_checks = deferred` turns foreign key checks off on a task's target connection
  // (MariaDB's FOREIGN_KEY_CHECKS, SQLite's PRAGMA foreign_keys); the finish node verifies
  // them afterwards. Engines that cannot switch them off keep them on.
  virtual Status set_foreign_key_checks(bool on) {
    (void)on;
    return Status::success();
  }
  // Raw SQL (`before`/`after` hooks); CSV refuses.
  virtual Status execute(const std::string& sql) = 0;
  // The first column of the first row of a query (validations: counts, `sql(CONN, ...)`);
  // null when it returns no row.
  virtual Result<Value> query_value(const SqlFilter& query) = 0;
};

}  // namespace mig
