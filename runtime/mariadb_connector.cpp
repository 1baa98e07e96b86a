#include "runtime/mariadb_connector.hpp"

#include <mysqld_error.h>

#include <algorithm>

#include "compiler/redact_url.hpp"
#include "runtime/mariadb_sql.hpp"
#include "runtime/mariadb_values.hpp"
#include "runtime/sql_dialect.hpp"

namespace mig {
namespace {

// A missing column, or a key column not read, is reported by name before any SQL is built.
Status check_columns(const TableInfo& t, const std::vector<std::string>& columns,
                     const std::vector<std::string>& key) {
  for (const std::string& c : columns)
    if (!t.column(c))
      return Error{"table " + quote_input(t.qualified()) + " has no column " + quote_input(c)};
  for (const std::string& k : key)
    if (std::find(columns.begin(), columns.end(), k) == columns.end())
      return Error{"key column " + quote_input(k) + " of " + quote_input(t.qualified()) +
                   " is not among the columns read"};
  return Status::success();
}

constexpr size_t kMaxCachedStatements = 200;

}  // namespace

Result<std::unique_ptr<Connector>> open_mariadb(const ConnectorSpec& spec) {
  Result<std::unique_ptr<MariadbConnector>> c = MariadbConnector::open(spec.location);
  if (!c.ok()) return c.take_error();
  return std::unique_ptr<Connector>(std::move(*c));
}

Result<std::unique_ptr<MariadbConnector>> MariadbConnector::open(const std::string& url) {
  Result<MariadbUrl> parsed = parse_mariadb_url(url);
  if (!parsed.ok()) return parsed.take_error();
  std::string shown = redact_url(url);
  Result<MariadbConnection> db = MariadbConnection::open(*parsed, shown);
  if (!db.ok()) return db.take_error();
  return std::unique_ptr<MariadbConnector>(
      new MariadbConnector(std::move(*db), parsed->database, std::move(shown)));
}

Status MariadbConnector::set_foreign_key_checks(bool on) {
  return db_.exec(on ? "SET SESSION FOREIGN_KEY_CHECKS = 1" : "SET SESSION FOREIGN_KEY_CHECKS = 0");
}

std::string MariadbConnector::qualified(const std::string& schema, const std::string& name) const {
  const std::string& db = schema.empty() ? database_ : schema;
  return db.empty() ? mariadb_quote(name) : mariadb_quote(db) + "." + mariadb_quote(name);
}

Result<MariadbStatement*> MariadbConnector::statement(const std::string& sql, unsigned* code) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return &it->second;
  if (statements_.size() >= kMaxCachedStatements)
    statements_.clear();  // the server's count is limited
  Result<MariadbStatement> st = MariadbStatement::prepare(db_.raw(), sql, code);
  if (!st.ok()) return st.take_error();
  return &statements_.emplace(sql, std::move(*st)).first->second;
}

Result<MariadbStatement*> MariadbConnector::run(const std::string& sql, unsigned* code) {
  if (code) *code = 0;
  Result<MariadbStatement*> st = statement(sql, code);
  if (!st.ok()) return st;
  if (Status s = (*st)->execute(params_, code); !s.ok()) return s.error();
  return st;
}

// ---- catalog ---------------------------------------------------------------------------

Result<const MariadbTable*> MariadbConnector::table(const std::string& schema,
                                                    const std::string& name) {
  std::pair<std::string, std::string> k{schema.empty() ? database_ : schema, name};
  if (auto it = tables_.find(k); it != tables_.end()) return &it->second;
  if (Status s = check_identifier(name, "table"); !s.ok()) return s.error();
  if (k.first.empty())
    return Error{"table " + quote_input(name) + " has no database: the URL `" + shown_ +
                 "` names none, so name it as `database.table`"};
  Result<std::vector<MariadbTable>> found =
      load_mariadb_tables(db_, MariadbTableFilter{k.first, name});
  if (!found.ok()) return found.take_error();
  if (found->empty())
    return Error{"MariaDB database " + quote_input(k.first) + " has no table " + quote_input(name)};
  return &tables_.emplace(k, std::move(found->front())).first->second;
}

Result<Catalog> MariadbConnector::introspect() {
  Result<std::vector<MariadbTable>> tables = load_mariadb_tables(db_, std::nullopt);
  if (!tables.ok()) return tables.take_error();
  Catalog cat;
  cat.dialect = dialect();
  cat.default_schema = database_;
  for (MariadbTable& t : *tables) {
    cat.tables.push_back(t.info);
    std::pair<std::string, std::string> k{t.info.schema, t.info.name};
    tables_[k] = std::move(t);
  }
  return cat;
}

// ---- reading ---------------------------------------------------------------------------

Result<std::string> MariadbConnector::where_clause(const std::vector<SqlFilter>& filters) const {
  std::string sql;
  for (const SqlFilter& f : filters) sql += (sql.empty() ? " WHERE (" : " AND (") + f.sql + ")";
  return sql;
}

void MariadbConnector::bind_filters(const std::vector<SqlFilter>& filters) {
  for (const SqlFilter& f : filters)
    for (const Value& v : f.params) params_.add(v);
}

Result<int64_t> MariadbConnector::count(const ReadRequest& request) {
  Result<const MariadbTable*> t = table(request.schema, request.table);
  if (!t.ok()) return t.take_error();
  Result<std::string> where = where_clause(request.filters);
  if (!where.ok()) return where.take_error();
  params_.clear();
  bind_filters(request.filters);
  Result<MariadbStatement*> st =
      run("SELECT COUNT(*) FROM " + qualified(request.schema, request.table) + *where);
  if (!st.ok()) return st.take_error();
  Result<bool> row = (*st)->fetch();
  if (!row.ok()) return row.take_error();
  int64_t n = *row ? (*st)->cells()[0].i : 0;
  (*st)->finish();
  return n;
}

// Values are read by their column's language type (mariadb_read_cell): exactly, or the
// row is unreadable with the first bad cell as the reason (a zero date, a BIGINT UNSIGNED
// above the int range, a DECIMAL beyond 38 digits); its other values are kept, and a key
// value that does not read is given as stored, so that the next page starts after it.
Result<Batch> MariadbConnector::read(const ReadRequest& request) {
  Result<const MariadbTable*> found = table(request.schema, request.table);
  if (!found.ok()) return found.take_error();
  const TableInfo& t = (*found)->info;
  if (Status s = check_columns(t, request.columns, request.key); !s.ok()) return s.error();
  if (request.after && request.after->size() != request.key.size())
    return Error{"a page of " + quote_input(t.qualified()) + " starts after a key of " +
                 std::to_string(request.after->size()) + " values, the key has " +
                 std::to_string(request.key.size())};
  Result<std::string> where = where_clause(request.filters);
  if (!where.ok()) return where.take_error();
  std::string sql = "SELECT " + mariadb_quote_list(request.columns) + " FROM " +
                    qualified(request.schema, request.table) + *where;
  params_.clear();
  bind_filters(request.filters);
  if (request.after && !request.key.empty()) {
    std::vector<size_t> binds;
    sql += (request.filters.empty() ? " WHERE (" : " AND (") +
           mariadb_after_predicate(request.key, binds) + ")";
    for (size_t k : binds)
      params_.add((*request.after)[k],
                  mariadb_binary_column(t.column(request.key[k])->native_type));
  }
  if (!request.key.empty()) sql += " ORDER BY " + mariadb_quote_list(request.key);
  sql += " LIMIT ?";
  params_.add_int(request.limit);
  Result<MariadbStatement*> st = run(sql);
  if (!st.ok()) return st.take_error();

  std::vector<BaseType> types;
  std::vector<bool> is_key;
  for (const std::string& c : request.columns) {
    types.push_back(t.column(c)->type);
    is_key.push_back(std::find(request.key.begin(), request.key.end(), c) != request.key.end());
  }
  Batch batch;
  batch.columns = request.columns;
  for (;;) {
    Result<bool> more = (*st)->fetch();
    if (!more.ok()) return more.take_error();
    if (!*more) break;
    const std::vector<MariadbCell>& cells = (*st)->cells();
    Row row(types.size());
    std::optional<std::string> problem;
    for (size_t i = 0; i < types.size(); ++i) {
      Result<Value> v = mariadb_read_cell(cells[i], types[i]);
      if (v.ok()) {
        row[i] = std::move(*v);
        continue;
      }
      if (!problem)
        problem = "column " + quote_input(request.columns[i]) + ": " + v.error().message;
      if (is_key[i]) row[i] = mariadb_stored_value(cells[i]);
    }
    if (problem) batch.unreadable.push_back(RefusedRow{batch.rows.size(), *problem});
    batch.rows.push_back(std::move(row));
  }
  return batch;
}

// ---- transactions and markers ----------------------------------------------------------

std::string MariadbConnector::markers_table() const {
  return mariadb_quote(database_) + ".`_mig_commits`";
}

// DDL commits any open transaction in MariaDB: the markers table is made before the first
// batch begins, never inside one.
Status MariadbConnector::begin() {
  if (in_transaction_) return Error{"begin of a batch while another is open on `" + shown_ + "`"};
  if (!markers_ready_) {
    if (database_.empty())
      return Error{"the MariaDB URL `" + shown_ +
                   "` names no database: writing needs one for "
                   "its commit markers (add `/DATABASE` to the URL)"};
    Status s =
        db_.exec("CREATE TABLE IF NOT EXISTS " + markers_table() +
                 " (plan VARCHAR(255) NOT NULL, env VARCHAR(100) NOT NULL, "
                 "task VARCHAR(255) NOT NULL, batch BIGINT NOT NULL, outcome LONGTEXT NOT NULL, "
                 "committed_at DATETIME(6) NOT NULL, PRIMARY KEY (plan, env, task, batch)) "
                 "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    if (!s.ok())
      return Error{"creating the commit markers table " + markers_table() + ": " +
                   s.error().message};
    markers_ready_ = true;
  }
  if (Status s = db_.exec("START TRANSACTION"); !s.ok()) return s;
  in_transaction_ = true;
  return Status::success();
}

Status MariadbConnector::commit(const CommitMarker& marker, const std::string& outcome) {
  if (!in_transaction_) return Error{"commit without a transaction on `" + shown_ + "`"};
  params_.clear();
  params_.add_text(marker.plan);
  params_.add_text(marker.env);
  params_.add_text(marker.task);
  params_.add_int(marker.batch);
  params_.add_text(outcome);
  Result<MariadbStatement*> st = run("INSERT INTO " + markers_table() +
                                     " (plan, env, task, batch, outcome, committed_at) "
                                     "VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP(6))");
  if (!st.ok()) {
    (void)rollback();
    return Error{"writing the commit marker of batch " + std::to_string(marker.batch) + " of " +
                 quote_input(marker.task) + ": " + st.error().message};
  }
  in_transaction_ = false;
  if (mysql_commit(db_.raw()) != 0) {
    std::string message = db_.last_error().message;
    (void)db_.exec("ROLLBACK");
    return Error{"COMMIT failed on `" + shown_ + "`: " + message};
  }
  return Status::success();
}

Status MariadbConnector::rollback() {
  if (!in_transaction_) return Status::success();
  in_transaction_ = false;
  for (auto& [sql, st] : statements_) st.finish();
  return db_.exec("ROLLBACK");
}

Result<std::optional<std::string>> MariadbConnector::committed(const CommitMarker& marker) {
  if (database_.empty()) return std::optional<std::string>();
  params_.clear();
  params_.add_text(marker.plan);
  params_.add_text(marker.env);
  params_.add_text(marker.task);
  params_.add_int(marker.batch);
  unsigned code = 0;
  Result<MariadbStatement*> st = run("SELECT outcome FROM " + markers_table() +
                                         " WHERE plan = ? AND env = ? AND task = ? AND batch = ?",
                                     &code);
  if (!st.ok()) {
    if (code == ER_NO_SUCH_TABLE) return std::optional<std::string>();  // no batch yet
    return st.take_error();
  }
  Result<bool> row = (*st)->fetch();
  if (!row.ok()) return row.take_error();
  std::optional<std::string> outcome;
  if (*row) outcome = std::string((*st)->cells()[0].bytes());
  (*st)->finish();
  return outcome;
}

Status MariadbConnector::forget_markers(const std::string& plan, const std::string& env,
                                        const std::string& task) {
  if (database_.empty()) return Status::success();
  params_.clear();
  params_.add_text(plan);
  params_.add_text(env);
  params_.add_text(task);
  unsigned code = 0;
  Result<MariadbStatement*> st =
      run("DELETE FROM " + markers_table() + " WHERE plan = ? AND env = ? AND task = ?", &code);
  if (!st.ok() && code != ER_NO_SUCH_TABLE) return st.error();
  return Status::success();
}

// ---- raw SQL ---------------------------------------------------------------------------

Status MariadbConnector::execute(const std::string& sql) {
  for (auto& [text, st] : statements_) st.finish();
  Status s = db_.exec(sql);
  tables_.clear();  // a hook may have changed tables
  unique_keys_.clear();
  return s;
}

Result<Value> MariadbConnector::query_value(const SqlFilter& query) {
  params_.clear();
  for (const Value& v : query.params) params_.add(v);
  Result<MariadbStatement*> st = run(query.sql);
  if (!st.ok()) return st.take_error();
  Result<bool> row = (*st)->fetch();
  if (!row.ok()) return row.take_error();
  if (!*row || (*st)->cells().empty()) return Value::null();
  Value v = mariadb_natural_value((*st)->cells()[0]);
  (*st)->finish();
  return v;
}

}  // namespace mig
