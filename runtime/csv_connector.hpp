// The CSV connector: a folder where each `NAME.csv` is a read-only table `NAME`. Keyset
// pages need an order a CSV file does not have, so each file is imported on first use
// into a cache SQLite file and read through the SQLite connector.
#pragma once
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "runtime/connector.hpp"
#include "runtime/sqlite_connector.hpp"

namespace mig {

// The options of `csv("dir/", header:, delimiter:, null:, types:)`, checked.
struct CsvOptions {
  bool header = true;                      // false: columns are c1..cN
  char delimiter = ',';                    // one ASCII character
  std::string null_text;                   // an unquoted cell equal to it is null
  std::map<std::string, BaseType> types;   // column -> type; any other column is text
};

// `spec`'s csv options, or an error naming the bad one.
Result<CsvOptions> csv_options(const ConnectorSpec& spec);

class CsvConnector : public Connector {
 public:
  // The folder `spec.location` (which must exist) with `spec`'s options.
  static Result<std::unique_ptr<CsvConnector>> open(const ConnectorSpec& spec);

  std::string dialect() const override { return "csv"; }
  // Every `*.csv` file: columns from its header (or c1..cN), text unless `types:` says
  // otherwise, all nullable, no keys (a plan reading one declares `key`).
  Result<Catalog> introspect() override;
  // Filters are spelled in SQLite over the cache: cells of typed columns are stored as
  // INTEGER (int, bool as 0/1), REAL (float), BLOB (bytes) or canonical text.
  Result<int64_t> count(const ReadRequest& request) override;
  // A row with a malformed record or a cell that is not of its type is unreadable, with
  // the reason naming the line and the column.
  Result<Batch> read(const ReadRequest& request) override;

  // A CSV folder is read-only: these return an error.
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
  // One file and, once imported, its cache.
  struct Table {
    TableInfo info;
    std::filesystem::path file;
    std::unique_ptr<SqliteConnector> cache;
    std::set<std::vector<std::string>> indexed;  // key column lists with a cache index
  };

  CsvConnector(std::filesystem::path folder, CsvOptions options)
      : folder_(std::move(folder)), options_(std::move(options)) {}

  // The columns of `file` from its first record.
  Result<TableInfo> read_header(const std::filesystem::path& file, const std::string& name) const;
  // The table, imported into its cache if not yet (or if the file changed).
  Result<Table*> open_table(const std::string& schema, const std::string& name);
  // What the cache must have been built from: file size and time, the options.
  std::string fingerprint(const std::filesystem::path& file) const;
  Result<std::filesystem::path> cache_dir() const;
  Status import(const Table& t, const std::filesystem::path& cache_file,
                const std::string& print) const;

  std::filesystem::path folder_;
  CsvOptions options_;
  std::map<std::string, Table> tables_;
};

}  // namespace mig
