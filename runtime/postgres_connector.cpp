#include "runtime/postgres_connector.hpp"

#include <algorithm>

#include "runtime/postgres_sql.hpp"
#include "runtime/value_text.hpp"

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

// A key value bound after `(k) > (...)`: its text as the column reads it, with the type
// left for the server to infer from the column. A key that did not read as its type comes
// back as the text the server printed, which reads back as the same stored value.
Status key_param(const Value& v, const PgColumnType& type, PgParams& params) {
  if (v.is_null()) {
    params.add_null();
    return Status::success();
  }
  std::string text;
  if (v.kind() == ValueKind::text) text = v.as_text();
  else if (Status s = pg_write_text(v, type, text); !s.ok()) return s;
  params.add(std::move(text));
  return Status::success();
}

// A column as the SELECT list reads it: arrays through to_json() (the language reads
// them as JSON arrays, every element exact).
std::string select_expr(const std::string& column, const PgColumnType& type, std::string_view prefix = "") {
  std::string name = std::string(prefix) + pg_quote(column);
  if (type.is_array) return "pg_catalog.to_json(" + name + ")";
  return name;
}

}  // namespace

Result<std::unique_ptr<Connector>> open_postgres(const ConnectorSpec& spec) {
  Result<std::unique_ptr<PostgresConnector>> c = PostgresConnector::open(spec.location);
  if (!c.ok()) return c.take_error();
  return std::unique_ptr<Connector>(std::move(*c));
}

Result<std::unique_ptr<PostgresConnector>> PostgresConnector::open(const std::string& url) {
  Result<std::unique_ptr<PgConnection>> conn = PgConnection::open(url);
  if (!conn.ok()) return conn.take_error();
  std::unique_ptr<PostgresConnector> c(new PostgresConnector(std::move(*conn)));
  Result<PgResult> schema = c->conn_->query("SELECT current_schema()");
  if (!schema.ok()) return schema.take_error();
  if (!PQgetisnull(schema->get(), 0, 0)) c->default_schema_ = PQgetvalue(schema->get(), 0, 0);
  return c;
}

// ---- catalog ---------------------------------------------------------------------------

Result<Catalog> PostgresConnector::introspect() {
  Result<PgCatalog> cat = load_pg_catalog(*conn_);
  if (!cat.ok()) return cat.take_error();
  catalog_ = std::move(*cat);
  default_schema_ = catalog_->default_schema;
  return catalog_->as_catalog();
}

Result<const PgTable*> PostgresConnector::table(const std::string& schema, const std::string& name) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!catalog_ || attempt == 1) {
      Result<PgCatalog> cat = load_pg_catalog(*conn_);
      if (!cat.ok()) return cat.take_error();
      catalog_ = std::move(*cat);
    }
    if (const PgTable* t = catalog_->find(schema, name)) return t;
  }
  std::string shown = schema.empty() ? name : schema + "." + name;
  return Error{"PostgreSQL database `" + conn_->shown_url() + "` has no table " + quote_input(shown) +
               (schema.empty() ? " in its schema " + quote_input(catalog_->default_schema) : "")};
}

// ---- reading ---------------------------------------------------------------------------

Result<std::string> PostgresConnector::where_clause(const std::vector<SqlFilter>& filters,
                                                    PgParams& params) const {
  std::string sql;
  for (const SqlFilter& f : filters) {
    int highest = 0;
    Result<std::string> text = renumber_pg_placeholders(f.sql, static_cast<int>(params.size()), &highest);
    if (!text.ok()) return text.take_error();
    if (static_cast<size_t>(highest) > f.params.size())
      return Error{"a filter uses placeholder $" + std::to_string(highest) + " but has " +
                   std::to_string(f.params.size()) + " values"};
    for (const Value& v : f.params) {
      if (v.is_null()) {
        params.add_null();
        continue;
      }
      std::string value;
      if (Status s = pg_write_text(v, PgColumnType{BaseType::unknown}, value); !s.ok())
        return Error{"a filter value: " + s.error().message};
      params.add(std::move(value), pg_param_type(v));
    }
    sql += sql.empty() ? " WHERE (" : " AND (";
    sql += *text + ")";
  }
  return sql;
}

Result<std::string> PostgresConnector::read_sql(const ReadRequest& r, const PgTable& t,
                                                PgParams& params) const {
  std::string sql = "SELECT ";
  for (size_t i = 0; i < r.columns.size(); ++i) {
    if (i) sql += ", ";
    sql += select_expr(r.columns[i], *t.type_of(r.columns[i]));
  }
  sql += " FROM " + pg_qualified(t.info.schema, t.info.name);
  Result<std::string> where = where_clause(r.filters, params);
  if (!where.ok()) return where;
  sql += *where;
  if (r.after) {
    sql += r.filters.empty() ? " WHERE (" : " AND (";
    sql += pg_quote_list(r.key) + ") > (";
    for (size_t i = 0; i < r.key.size(); ++i) {
      if (Status s = key_param((*r.after)[i], *t.type_of(r.key[i]), params); !s.ok())
        return Error{"the page's start key: " + s.error().message};
      sql += (i ? ", $" : "$") + std::to_string(params.size());
    }
    sql += ")";
  }
  if (!r.key.empty()) sql += " ORDER BY " + pg_quote_list(r.key);
  params.add(std::to_string(r.limit), 20);  // int8
  sql += " LIMIT $" + std::to_string(params.size());
  return sql;
}

Result<int64_t> PostgresConnector::count(const ReadRequest& request) {
  Result<const PgTable*> t = table(request.schema, request.table);
  if (!t.ok()) return t.take_error();
  PgParams params;
  Result<std::string> where = where_clause(request.filters, params);
  if (!where.ok()) return where.take_error();
  Result<PgResult> r = conn_->query_prepared(
      "SELECT count(*) FROM " + pg_qualified((*t)->info.schema, (*t)->info.name) + *where, params);
  if (!r.ok()) return Error{"counting " + quote_input((*t)->info.qualified()) + ": " + r.error().message};
  return static_cast<int64_t>(std::stoll(PQgetvalue(r->get(), 0, 0)));
}

// Values are decoded from the server's text output by their column's language type
// (pg_read_text): exact decimals, instants in UTC, JSON arrays for arrays. A cell without
// an exact language value (`NaN`, `infinity`, a BC date) makes the row unreadable, the
// first such cell naming the reason; a key cell that does not read is given as the
// server's text, which binds back to the same place in the order.
Result<Batch> PostgresConnector::read(const ReadRequest& request) {
  Result<const PgTable*> found = table(request.schema, request.table);
  if (!found.ok()) return found.take_error();
  const PgTable& t = **found;
  if (Status s = check_columns(t.info, request.columns, request.key); !s.ok()) return s.error();
  if (request.after && request.after->size() != request.key.size())
    return Error{"a page of " + quote_input(t.info.qualified()) + " starts after a key of " +
                 std::to_string(request.after->size()) + " values, the key has " +
                 std::to_string(request.key.size())};
  PgParams params;
  Result<std::string> sql = read_sql(request, t, params);
  if (!sql.ok()) return sql.take_error();
  Result<PgResult> result = conn_->query_prepared(*sql, params);
  if (!result.ok())
    return Error{"reading " + quote_input(t.info.qualified()) + ": " + result.error().message};
  PGresult* res = result->get();

  std::vector<BaseType> types;
  std::vector<bool> is_key;
  for (const std::string& c : request.columns) {
    types.push_back(t.type_of(c)->type);
    is_key.push_back(std::find(request.key.begin(), request.key.end(), c) != request.key.end());
  }
  Batch batch;
  batch.columns = request.columns;
  int rows = PQntuples(res);
  batch.rows.reserve(static_cast<size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    Row row(types.size());
    std::optional<std::string> problem;
    for (size_t c = 0; c < types.size(); ++c) {
      int col = static_cast<int>(c);
      if (PQgetisnull(res, i, col)) continue;
      std::string_view text(PQgetvalue(res, i, col), static_cast<size_t>(PQgetlength(res, i, col)));
      Result<Value> v = pg_read_text(text, types[c]);
      if (v.ok()) {
        row[c] = std::move(*v);
        continue;
      }
      if (!problem) problem = "column " + quote_input(request.columns[c]) + ": " + v.error().message;
      if (is_key[c]) row[c] = Value::text(std::string(text));
    }
    if (problem) batch.unreadable.push_back(RefusedRow{batch.rows.size(), *problem});
    batch.rows.push_back(std::move(row));
  }
  return batch;
}

// ---- transactions and markers ------------------------------------------------------------

Status PostgresConnector::begin() {
  if (txn_) return Error{"begin of a batch while another is open on `" + conn_->shown_url() + "`"};
  if (Status s = conn_->exec("BEGIN"); !s.ok()) return s;
  txn_ = true;
  return Status::success();
}

Result<bool> PostgresConnector::markers_table_exists() {
  if (markers_known_) return true;
  if (default_schema_.empty()) return false;
  PgParams params;
  params.add(default_schema_);
  Result<PgResult> r = conn_->query(
      "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
      "WHERE n.nspname = $1 AND c.relname = '_mig_commits' AND c.relkind IN ('r', 'p')",
      params);
  if (!r.ok()) return r.take_error();
  bool exists = PQntuples(r->get()) > 0;
  if (exists && !conn_->in_transaction()) markers_known_ = true;
  return exists;
}

// The markers live in the connection's default schema. Two runs may commit their first
// batch at once: an advisory lock held to the end of the transaction makes the second
// wait for the first's CREATE to commit, then find the table.
Status PostgresConnector::ensure_markers_table() {
  Result<bool> exists = markers_table_exists();
  if (!exists.ok()) return exists.error();
  if (*exists) return Status::success();
  const std::string& schema = default_schema_;
  if (schema.empty())
    return Error{"`" + conn_->shown_url() +
                 "` has no current schema to keep commit markers in: set a search_path whose "
                 "first schema exists"};
  PgParams params;
  params.add(schema);
  Result<PgResult> lock =
      conn_->query("SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('mig _mig_commits'), "
                   "pg_catalog.hashtext($1))",
                   params);
  if (!lock.ok()) return lock.take_error();
  return conn_->exec("CREATE TABLE IF NOT EXISTS " + pg_qualified(schema, "_mig_commits") +
                     " (plan text NOT NULL, env text NOT NULL, task text NOT NULL, "
                     "batch bigint NOT NULL, outcome text NOT NULL, "
                     "committed_at timestamptz NOT NULL DEFAULT now(), "
                     "PRIMARY KEY (plan, env, task, batch))");
}

Status PostgresConnector::commit(const CommitMarker& marker, const std::string& outcome) {
  if (!txn_) return Error{"commit without a transaction on `" + conn_->shown_url() + "`"};
  Status s = ensure_markers_table();
  if (s.ok()) {
    PgParams params;
    params.add(marker.plan);
    params.add(marker.env);
    params.add(marker.task);
    params.add(std::to_string(marker.batch));
    params.add(outcome);
    Result<PgResult> r = conn_->query_prepared(
        "INSERT INTO " + markers_table() +
            " (plan, env, task, batch, outcome, committed_at) VALUES ($1, $2, $3, $4, $5, now())",
        params);
    if (!r.ok()) s = r.take_error();
  }
  if (!s.ok()) {
    (void)rollback();
    return Error{"writing the commit marker: " + s.error().message};
  }
  // COMMIT of a transaction that failed earlier answers ROLLBACK, not an error.
  Result<PgResult> done = conn_->query("COMMIT");
  txn_ = false;
  if (done.ok() && std::string_view(PQcmdStatus(done->get())) != "COMMIT")
    done = Error{"the transaction had failed and was rolled back"};
  if (!done.ok()) {
    forget_transaction_stages();
    if (conn_->in_transaction()) (void)conn_->exec("ROLLBACK");
    return Error{"committing on `" + conn_->shown_url() + "`: " + done.error().message};
  }
  markers_known_ = true;
  stages_this_txn_.clear();
  stages_filled_.clear();  // ON COMMIT DELETE ROWS emptied them
  return Status::success();
}

void PostgresConnector::forget_transaction_stages() {
  stages_filled_.clear();
  for (const std::string& name : stages_this_txn_)
    for (auto it = stages_.begin(); it != stages_.end();)
      it = it->second == name ? stages_.erase(it) : std::next(it);
  stages_this_txn_.clear();
}

Status PostgresConnector::rollback() {
  forget_transaction_stages();  // they are gone with the transaction
  if (!txn_ && !conn_->in_transaction()) return Status::success();
  txn_ = false;
  return conn_->exec("ROLLBACK");
}

Result<std::optional<std::string>> PostgresConnector::committed(const CommitMarker& marker) {
  Result<bool> exists = markers_table_exists();
  if (!exists.ok()) return exists.take_error();
  if (!*exists) return std::optional<std::string>();
  PgParams params;
  params.add(marker.plan);
  params.add(marker.env);
  params.add(marker.task);
  params.add(std::to_string(marker.batch));
  Result<PgResult> r = conn_->query(
      "SELECT outcome FROM " + markers_table() +
          " WHERE plan = $1 AND env = $2 AND task = $3 AND batch = $4",
      params);
  if (!r.ok()) return r.take_error();
  if (PQntuples(r->get()) == 0) return std::optional<std::string>();
  return std::optional<std::string>(PQgetvalue(r->get(), 0, 0));
}

Status PostgresConnector::forget_markers(const std::string& plan, const std::string& env,
                                         const std::string& task) {
  Result<bool> exists = markers_table_exists();
  if (!exists.ok()) return exists.error();
  if (!*exists) return Status::success();
  PgParams params;
  params.add(plan);
  params.add(env);
  params.add(task);
  Result<PgResult> r = conn_->query(
      "DELETE FROM " + markers_table() +
          " WHERE plan = $1 AND env = $2 AND task = $3",
      params);
  if (!r.ok()) return r.take_error();
  return Status::success();
}

// ---- hooks and validation queries ----------------------------------------------------------

Status PostgresConnector::execute(const std::string& sql) {
  Status s = conn_->exec(sql);
  // A hook may have changed tables: the catalog, prepared reads and staging tables are
  // made again on next use.
  catalog_.reset();
  conn_->forget_prepared();
  stages_.clear();
  return s;
}

Result<Value> PostgresConnector::query_value(const SqlFilter& query) {
  PgParams params;
  for (const Value& v : query.params) {
    if (v.is_null()) {
      params.add_null();
      continue;
    }
    std::string text;
    if (Status s = pg_write_text(v, PgColumnType{BaseType::unknown}, text); !s.ok()) return s.error();
    params.add(std::move(text), pg_param_type(v));
  }
  Result<PgResult> r = conn_->query(query.sql, params);
  if (!r.ok()) return r.take_error();
  PGresult* res = r->get();
  if (PQntuples(res) == 0 || PQnfields(res) == 0 || PQgetisnull(res, 0, 0)) return Value::null();
  std::string_view text(PQgetvalue(res, 0, 0), static_cast<size_t>(PQgetlength(res, 0, 0)));
  return pg_read_any(text, PQftype(res, 0));
}

}  // namespace mig
