#include "runtime/sqlite_connector.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>

#include "runtime/civil_time.hpp"
#include "runtime/sql_dialect.hpp"
#include "runtime/value_text.hpp"

namespace mig {
namespace {

std::string upper_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

bool contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}
bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

const char* article_name(BaseType t) {
  switch (t) {
    case BaseType::int_: return "an int";
    case BaseType::decimal: return "a decimal";
    case BaseType::float_: return "a float";
    case BaseType::text: return "valid UTF-8 text";
    case BaseType::bool_: return "a bool";
    case BaseType::date: return "a date";
    case BaseType::timestamp: return "a timestamp";
    case BaseType::timestamptz: return "a timestamptz";
    case BaseType::uuid: return "a uuid";
    case BaseType::json: return "valid json";
    case BaseType::bytes: return "bytes";
    default: return "a value";
  }
}

// The value as stored, whatever the column's type: what a key that cannot be read as its
// type is given as, so that binding it back finds the same place in the order.
Value stored_value(const SqliteStatement& st, int col) {
  switch (st.column_type(col)) {
    case SQLITE_INTEGER: return Value::integer(st.column_int(col));
    case SQLITE_FLOAT: return Value::floating(st.column_double(col));
    case SQLITE_TEXT: return Value::text(st.column_text(col));
    case SQLITE_BLOB: return Value::bytes(st.column_text(col));
    default: return Value();
  }
}

// `1.5e-05` (SQLite's `%!.15g` rendering of a REAL) as `0.000015`, for Decimal::parse.
std::string expand_exponent(std::string_view t) {
  size_t e = t.find_first_of("eE");
  if (e == std::string_view::npos) return std::string(t);
  std::string_view mant = t.substr(0, e);
  std::string_view exp_text = t.substr(e + 1);
  bool exp_neg = !exp_text.empty() && exp_text[0] == '-';
  if (!exp_text.empty() && (exp_text[0] == '-' || exp_text[0] == '+')) exp_text.remove_prefix(1);
  if (exp_text.empty() || exp_text.size() > 4) return std::string(t);
  int exp = 0;
  for (char c : exp_text) {
    if (c < '0' || c > '9') return std::string(t);
    exp = exp * 10 + (c - '0');
  }
  if (exp_neg) exp = -exp;
  std::string sign;
  if (!mant.empty() && (mant[0] == '-' || mant[0] == '+')) {
    if (mant[0] == '-') sign = "-";
    mant.remove_prefix(1);
  }
  size_t dot = mant.find('.');
  std::string digits(mant.substr(0, dot));
  if (dot != std::string_view::npos) digits += mant.substr(dot + 1);
  long point = static_cast<long>(dot == std::string_view::npos ? mant.size() : dot) + exp;
  if (point <= 0) return sign + "0." + std::string(static_cast<size_t>(-point), '0') + digits;
  if (static_cast<size_t>(point) >= digits.size())
    return sign + digits + std::string(static_cast<size_t>(point) - digits.size(), '0');
  return sign + digits.substr(0, static_cast<size_t>(point)) + "." +
         digits.substr(static_cast<size_t>(point));
}

// Reads a cell as `type` (see the header of read()); an error is the problem with the
// value, worded to follow "column `c`: ".
Result<Value> read_cell(const SqliteStatement& st, int col, BaseType type) {
  int storage = st.column_type(col);
  if (storage == SQLITE_NULL) return Value();
  auto shown = [&] {
    if (storage == SQLITE_BLOB) return "a blob of " + std::to_string(st.column_text(col).size()) + " bytes";
    return quote_input(st.column_text(col));
  };
  auto refuse = [&] { return Error{shown() + " is not " + article_name(type)}; };
  // Parses the stored text (numbers in SQLite's rendering) as `kind`.
  auto parse = [&](ValueKind kind) -> Result<Value> {
    Result<Value> v = parse_value(st.column_view(col), kind);
    if (!v.ok()) return refuse();
    return v;
  };
  switch (type) {
    case BaseType::int_: {
      if (storage == SQLITE_INTEGER) return Value::integer(st.column_int(col));
      if (storage == SQLITE_FLOAT) {
        double d = st.column_double(col);
        if (d == std::trunc(d) && d >= -9.2233720368547758e18 && d < 9.2233720368547758e18)
          return Value::integer(static_cast<int64_t>(d));
        return refuse();
      }
      if (storage == SQLITE_TEXT) return parse(ValueKind::int_);
      return refuse();
    }
    case BaseType::decimal: {
      if (storage == SQLITE_INTEGER) return Value::decimal(Decimal::from_int(st.column_int(col)));
      if (storage == SQLITE_BLOB) return refuse();
      if (storage == SQLITE_FLOAT) {
        double real = st.column_double(col);
        if (!std::isfinite(real)) return refuse();
        // SQLite's own text for a REAL is `%!.15g`: the same 15 significant digits come
        // from to_chars at a tenth of the cost of SQLite's printf (the read's hot spot).
        char digits[32];
        std::to_chars_result printed = std::to_chars(digits, digits + sizeof digits, real,
                                                     std::chars_format::general, 15);
        if (printed.ec != std::errc()) return refuse();
        std::string_view shown_real(digits, static_cast<size_t>(printed.ptr - digits));
        Result<Decimal> d = shown_real.find_first_of("eE") == std::string_view::npos
                                ? Decimal::parse(shown_real)
                                : Decimal::parse(expand_exponent(shown_real));
        if (!d.ok()) return refuse();
        return Value::decimal(d->normalized());
      }
      return parse(ValueKind::decimal);
    }
    case BaseType::float_:
      if (storage == SQLITE_INTEGER || storage == SQLITE_FLOAT)
        return Value::floating(st.column_double(col));
      if (storage == SQLITE_TEXT) return parse(ValueKind::float_);
      return refuse();
    case BaseType::text:
      if (storage == SQLITE_TEXT) {  // the common case: one copy, checked in place
        std::string_view text = st.column_view(col);
        if (!is_valid_utf8(text)) return refuse();
        return Value::text(std::string(text));
      }
      return parse(ValueKind::text);  // numbers as SQLite writes them; blobs if UTF-8
    case BaseType::bool_:
      if (storage == SQLITE_INTEGER || storage == SQLITE_FLOAT) {
        double d = st.column_double(col);
        if (d == 0 || d == 1) return Value::boolean(d == 1);
        return refuse();
      }
      if (storage == SQLITE_TEXT) return parse(ValueKind::bool_);
      return refuse();
    case BaseType::date: {
      if (storage != SQLITE_TEXT) return refuse();
      std::string text = st.column_text(col);
      Result<int32_t> d = parse_date(text);
      if (d.ok()) return Value::date(Date{*d});
      Result<int64_t> t = parse_timestamp(text);  // `2024-01-31 00:00:00` is a date too
      if (t.ok() && *t % kMicrosPerDay == 0)
        return Value::date(Date{static_cast<int32_t>(*t / kMicrosPerDay)});
      return refuse();
    }
    case BaseType::timestamp:
      if (storage != SQLITE_TEXT) return refuse();
      return parse(ValueKind::timestamp);
    case BaseType::timestamptz:
      if (storage != SQLITE_TEXT) return refuse();
      return parse(ValueKind::timestamptz);
    case BaseType::uuid: {
      if (storage == SQLITE_TEXT) return parse(ValueKind::uuid);
      std::string raw = st.column_text(col);
      if (storage != SQLITE_BLOB || raw.size() != 16) return refuse();
      Uuid u;
      std::copy(raw.begin(), raw.end(), u.bytes.begin());
      return Value::uuid(u);
    }
    case BaseType::json:
      return parse(ValueKind::json);
    case BaseType::bytes:
      return Value::bytes(st.column_text(col));
    default: {
      // No declared language type: the value as stored (text only when it is UTF-8).
      Value v = stored_value(st, col);
      if (v.kind() == ValueKind::text && !is_valid_utf8(v.as_text())) return Value::bytes(v.as_text());
      return v;
    }
  }
}

// The current row of `st`; `problem` gets the first cell that does not read, and a key
// cell that does not read is given as stored.
Row read_row(const SqliteStatement& st, const std::vector<BaseType>& types,
             const std::vector<int>& key_pos, const std::vector<std::string>& columns,
             std::optional<std::string>& problem) {
  Row row(types.size());
  for (size_t i = 0; i < types.size(); ++i) {
    Result<Value> v = read_cell(st, static_cast<int>(i), types[i]);
    if (v.ok()) {
      row[i] = std::move(*v);
      continue;
    }
    if (!problem) problem = "column " + quote_input(columns[i]) + ": " + v.error().message;
    if (std::find(key_pos.begin(), key_pos.end(), static_cast<int>(i)) != key_pos.end())
      row[i] = stored_value(st, static_cast<int>(i));
  }
  return row;
}

std::string join_key_text(const Row& key) {
  std::string out = "(";
  for (size_t i = 0; i < key.size(); ++i) {
    if (i) out += ", ";
    out += key[i].is_null() ? "null" : to_text(key[i]);
  }
  return out + ")";
}

const char* policy_name(ConflictPolicy p) {
  switch (p) {
    case ConflictPolicy::skip: return "skip";
    case ConflictPolicy::update: return "update";
    case ConflictPolicy::fail: return "fail";
  }
  return "fail";
}

// The user's tables of one database (main, or an attached one's `"alias".sqlite_master`):
// not SQLite's own (sqlite_sequence, ...), not the commit markers.
std::string list_tables_sql(const std::string& schema) {
  return "SELECT name FROM " + (schema.empty() ? std::string() : sqlite_quote(schema) + ".") +
         "sqlite_master WHERE type = 'table' AND substr(name, 1, 7) <> 'sqlite_' "
         "AND name <> '_mig_commits' ORDER BY name";
}

// The same file check for the main database and each attached one.
Status check_database_file(const std::string& path) {
  if (path == ":memory:") return Status::success();
  std::error_code ec;
  std::filesystem::file_status s = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(s))
    return Error{"sqlite database `" + path +
                 "` does not exist: create it first, or fix the path (it is relative to "
                 "the plan's folder)"};
  if (std::filesystem::is_directory(s))
    return Error{"sqlite database `" + path + "` is a folder, not a database file"};
  return Status::success();
}

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

void bind_filters(SqliteStatement& st, const std::vector<SqlFilter>& filters) {
  int index = 1;
  for (const SqlFilter& f : filters)
    for (const Value& v : f.params) sqlite_bind_value(st, index++, v);
}

}  // namespace

// Declared type -> language type. SQLite's affinity rules (sqlite.org/datatype3.html, 3.1)
// decide, after the names that say more than their affinity; the test is on the declared
// type in upper case with any `(...)` arguments dropped:
//
//   declared type                                      type          SQLite affinity
//   contains INT                                       int           INTEGER
//   starts with BOOL                                   bool          NUMERIC
//   TIMESTAMPTZ, or contains WITH TIME ZONE            timestamptz   NUMERIC
//   DATETIME, or starts with TIMESTAMP                 timestamp     NUMERIC
//   starts with DATE                                   date          NUMERIC
//   TIME, STRING                                       text          NUMERIC
//   UUID, GUID                                         uuid          NUMERIC
//   starts with JSON                                   json          NUMERIC/TEXT
//   contains CHAR, CLOB or TEXT                        text          TEXT
//   contains BLOB, or empty                            bytes         BLOB
//   contains REAL, FLOA or DOUB                        float         REAL
//   anything else (DECIMAL(10,2), NUMERIC, MONEY)      decimal       NUMERIC
//
// A NUMERIC column keeps a decimal as INTEGER or REAL: SQLite holds at most 15 exact
// significant digits there (a REAL is read back through its 15-digit text form), so a
// decimal that needs more must live in a TEXT column.
BaseType sqlite_column_type(std::string_view declared) {
  std::string t = upper_ascii(declared.substr(0, declared.find('(')));
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.erase(0, 1);
  if (contains(t, "INT")) return BaseType::int_;
  if (starts_with(t, "BOOL")) return BaseType::bool_;
  if (t == "TIMESTAMPTZ" || contains(t, "WITH TIME ZONE")) return BaseType::timestamptz;
  if (t == "DATETIME" || starts_with(t, "TIMESTAMP")) return BaseType::timestamp;
  if (starts_with(t, "DATE")) return BaseType::date;
  if (t == "TIME" || t == "STRING") return BaseType::text;
  if (t == "UUID" || t == "GUID") return BaseType::uuid;
  if (starts_with(t, "JSON")) return BaseType::json;
  if (contains(t, "CHAR") || contains(t, "CLOB") || contains(t, "TEXT")) return BaseType::text;
  if (t.empty() || contains(t, "BLOB")) return BaseType::bytes;
  if (contains(t, "REAL") || contains(t, "FLOA") || contains(t, "DOUB")) return BaseType::float_;
  return BaseType::decimal;
}

namespace {

// As sqlite_bind_value, but text and json are bound in place, not copied: for a row of a
// batch that outlives the statement's step (the write path).
void bind_row_value(SqliteStatement& st, int index, const Value& v) {
  switch (v.kind()) {
    case ValueKind::text: st.bind_static(index, v.as_text()); break;
    case ValueKind::json: st.bind_static(index, v.as_json()); break;
    default: sqlite_bind_value(st, index, v); break;
  }
}

}  // namespace

void sqlite_bind_value(SqliteStatement& st, int index, const Value& v) {
  switch (v.kind()) {
    case ValueKind::null: st.bind_null(index); break;
    case ValueKind::int_: st.bind(index, v.as_int()); break;
    case ValueKind::float_: st.bind(index, v.as_float()); break;  // SQLite stores NaN as null
    case ValueKind::text: st.bind(index, std::string_view(v.as_text())); break;
    case ValueKind::bool_: st.bind(index, static_cast<int64_t>(v.as_bool() ? 1 : 0)); break;
    case ValueKind::json: st.bind(index, std::string_view(v.as_json())); break;
    case ValueKind::bytes: st.bind_blob(index, v.as_bytes()); break;
    default: st.bind(index, to_text(v)); break;  // decimal, dates, times, uuid, list
  }
}

Result<std::unique_ptr<SqliteConnector>> SqliteConnector::open(
    const std::string& path, const std::vector<std::pair<std::string, std::string>>& attach) {
  if (Status s = check_database_file(path); !s.ok()) return s.error();
  Result<SqliteDb> db = SqliteDb::open(path, SqliteDb::Mode::read_write);
  if (!db.ok()) return db.take_error();
  // A file that is not a database opens fine and fails on first use: fail here, by name.
  if (Status s = db->exec("SELECT count(*) FROM sqlite_master"); !s.ok())
    return Error{"`" + path + "` is not a usable sqlite database: " +
                 sqlite3_errmsg(db->raw())};
  std::unique_ptr<SqliteConnector> c(new SqliteConnector(std::move(*db)));
  if (Status s = c->attach(attach); !s.ok()) return s.error();
  if (Status s = c->set_foreign_key_checks(false); !s.ok()) return s.error();
  return c;
}

Status SqliteConnector::attach(const std::vector<std::pair<std::string, std::string>>& files) {
  for (const auto& [alias, file] : files) {
    if (Status s = check_database_file(file); !s.ok())
      return Error{"schema " + quote_input(alias) + ": " + s.error().message};
    Result<SqliteStatement> st = db_.prepare("ATTACH DATABASE ?1 AS " + sqlite_quote(alias));
    if (!st.ok()) return Error{"schema " + quote_input(alias) + ": " + st.error().message};
    st->bind(1, file);
    if (Status s = st->run(); !s.ok())
      return Error{"attaching `" + file + "` as schema " + quote_input(alias) + ": " +
                   s.error().message};
    std::string check = "SELECT count(*) FROM " + sqlite_quote(alias) + ".sqlite_master";
    if (Status s = db_.exec(check); !s.ok())
      return Error{"`" + file + "` (schema " + quote_input(alias) +
                   ") is not a usable sqlite database: " + sqlite3_errmsg(db_.raw())};
    attached_.push_back(alias);
  }
  return Status::success();
}

std::unique_ptr<SqliteConnector> SqliteConnector::over(SqliteDb db) {
  return std::unique_ptr<SqliteConnector>(new SqliteConnector(std::move(db)));
}

void SqliteConnector::declare_table(TableInfo table) {
  std::pair<std::string, std::string> k{table.schema, table.name};
  declared_[k] = std::move(table);
}

Status SqliteConnector::set_foreign_key_checks(bool on) {
  return db_.exec(on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF");
}

Result<SqliteStatement*> SqliteConnector::statement(const std::string& sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) {
    it->second.reset();
    return &it->second;
  }
  Result<SqliteStatement> st = db_.prepare(sql);
  if (!st.ok()) return st.take_error();
  return &statements_.emplace(sql, std::move(*st)).first->second;
}

// ---- catalog ---------------------------------------------------------------------------

Result<std::vector<ForeignKey>> SqliteConnector::load_foreign_keys(const std::string& schema,
                                                                  const std::string& name) {
  Result<SqliteStatement> st = db_.prepare(
      "SELECT id, seq, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1, ?2) "
      "ORDER BY id, seq");
  if (!st.ok()) return st.take_error();
  st->bind(1, name).bind(2, schema.empty() ? std::string("main") : schema);
  std::vector<ForeignKey> fks;
  int64_t current = -1;
  bool missing_to = false;
  for (;;) {
    Result<bool> row = st->step();
    if (!row.ok()) return row.take_error();
    if (!*row) break;
    int64_t id = st->column_int(0);
    if (id != current) {
      if (missing_to) fks.back().ref_columns.clear();
      current = id;
      missing_to = false;
      fks.emplace_back();
      fks.back().ref_table = st->column_text(2);
    }
    fks.back().columns.push_back(st->column_text(3));
    if (st->column_is_null(4)) missing_to = true;
    else fks.back().ref_columns.push_back(st->column_text(4));
  }
  if (missing_to) fks.back().ref_columns.clear();
  for (ForeignKey& fk : fks) {
    std::string cols;
    for (const std::string& c : fk.columns) cols += "_" + c;
    fk.name = name + cols + "_fkey";  // SQLite keeps no constraint names: PostgreSQL's style
    if (!fk.ref_columns.empty()) continue;
    // `REFERENCES parent` without columns: the parent's primary key (read on its own, not
    // through load_table: a self-reference or a cycle of tables would never end).
    Result<SqliteStatement> pk = db_.prepare(
        "SELECT name FROM pragma_table_info(?1, ?2) WHERE pk > 0 ORDER BY pk");
    if (!pk.ok()) return pk.take_error();
    pk->bind(1, fk.ref_table).bind(2, schema.empty() ? std::string("main") : schema);
    for (;;) {
      Result<bool> row = pk->step();
      if (!row.ok()) return row.take_error();
      if (!*row) break;
      fk.ref_columns.push_back(pk->column_text(0));
    }
  }
  return fks;
}

Result<TableInfo> SqliteConnector::load_table(const std::string& schema, const std::string& name) {
  // Pragmas as table-valued functions: the table and schema names are bound values.
  std::string db_name = schema.empty() ? std::string("main") : schema;
  Result<SqliteStatement> st = db_.prepare(
      "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?1, ?2) "
      "ORDER BY cid");
  if (!st.ok()) return st.take_error();
  st->bind(1, name).bind(2, db_name);
  TableInfo t;
  t.schema = schema;
  t.name = name;
  std::vector<std::pair<int64_t, std::string>> pk;
  for (;;) {
    Result<bool> row = st->step();
    if (!row.ok()) return row.take_error();
    if (!*row) break;
    int64_t hidden = st->column_int(5);
    if (hidden == 1) continue;  // a virtual table's hidden column
    ColumnInfo c;
    c.name = st->column_text(0);
    c.native_type = st->column_text(1);
    c.type = sqlite_column_type(c.native_type);
    c.nullable = st->column_int(2) == 0;
    c.has_default = !st->column_is_null(3) || hidden >= 2;  // 2, 3: generated
    if (st->column_int(4) > 0) pk.emplace_back(st->column_int(4), c.name);
    t.columns.push_back(std::move(c));
  }
  if (t.columns.empty())
    return Error{"sqlite database `" + db_.path() + "` has no table " + quote_input(name)};
  std::sort(pk.begin(), pk.end());
  for (auto& [pos, col] : pk) t.primary_key.push_back(col);
  // An INTEGER PRIMARY KEY is the rowid: never null, and given a value when none is.
  if (t.primary_key.size() == 1) {
    ColumnInfo* c = nullptr;
    for (ColumnInfo& col : t.columns)
      if (col.name == t.primary_key[0]) c = &col;
    Result<SqliteStatement> idx =
        db_.prepare("SELECT count(*) FROM pragma_index_list(?1, ?2) WHERE origin = 'pk'");
    if (!idx.ok()) return idx.take_error();
    idx->bind(1, name).bind(2, db_name);
    Result<bool> row = idx->step();
    if (!row.ok()) return row.take_error();
    if (c && upper_ascii(c->native_type) == "INTEGER" && *row && idx->column_int(0) == 0) {
      c->nullable = false;
      c->has_default = true;
    }
  }
  Result<std::vector<ForeignKey>> fks = load_foreign_keys(schema, name);
  if (!fks.ok()) return fks.take_error();
  t.foreign_keys = std::move(*fks);
  return t;
}

Result<const TableInfo*> SqliteConnector::table(const std::string& schema, const std::string& name) {
  std::pair<std::string, std::string> k{schema, name};
  if (auto it = declared_.find(k); it != declared_.end()) return &it->second;
  if (auto it = tables_.find(k); it != tables_.end()) return &it->second;
  if (Status s = check_identifier(name, "table"); !s.ok()) return s.error();
  Result<TableInfo> t = load_table(schema, name);
  if (!t.ok()) return t.take_error();
  return &tables_.emplace(k, std::move(*t)).first->second;
}

Result<std::vector<std::string>> SqliteConnector::table_names(const std::string& schema) {
  Result<SqliteStatement> st = db_.prepare(list_tables_sql(schema));
  if (!st.ok()) return st.take_error();
  std::vector<std::string> names;
  for (;;) {
    Result<bool> row = st->step();
    if (!row.ok()) return row.take_error();
    if (!*row) break;
    names.push_back(st->column_text(0));
  }
  return names;
}

// Main's tables (schema ""), then each attached database's (schema = its alias).
Result<Catalog> SqliteConnector::introspect() {
  Catalog cat;
  cat.dialect = dialect();
  std::vector<std::string> schemas{""};
  schemas.insert(schemas.end(), attached_.begin(), attached_.end());
  for (const std::string& schema : schemas) {
    Result<std::vector<std::string>> names = table_names(schema);
    if (!names.ok()) return names.take_error();
    for (const std::string& name : *names) {
      if (auto it = declared_.find({schema, name}); it != declared_.end()) {
        cat.tables.push_back(it->second);
        continue;
      }
      Result<TableInfo> t = load_table(schema, name);
      if (!t.ok()) return t.take_error();
      cat.tables.push_back(std::move(*t));
    }
  }
  return cat;
}

// ---- reading ---------------------------------------------------------------------------

Result<std::string> SqliteConnector::where_clause(const std::vector<SqlFilter>& filters,
                                                  int* next) const {
  std::string sql;
  int offset = 0;
  for (const SqlFilter& f : filters) {
    int highest = 0;
    Result<std::string> text = renumber_placeholders(f.sql, offset, &highest);
    if (!text.ok()) return text.take_error();
    if (static_cast<size_t>(highest) > f.params.size())
      return Error{"a filter uses placeholder ?" + std::to_string(highest) + " but has " +
                   std::to_string(f.params.size()) + " values"};
    sql += sql.empty() ? " WHERE (" : " AND (";
    sql += *text + ")";
    offset += static_cast<int>(f.params.size());
  }
  *next = offset + 1;
  return sql;
}

Result<std::string> SqliteConnector::read_sql(const ReadRequest& r, int* after_at,
                                              int* limit_at) const {
  int next = 1;
  Result<std::string> where = where_clause(r.filters, &next);
  if (!where.ok()) return where;
  std::string sql = "SELECT " + sqlite_quote_list(r.columns) + " FROM " +
                    sqlite_qualified(r.schema, r.table) + *where;
  *after_at = next;
  if (r.after) {
    sql += r.filters.empty() ? " WHERE (" : " AND (";
    sql += sqlite_quote_list(r.key) + ") > (";
    for (size_t i = 0; i < r.key.size(); ++i) {
      if (i) sql += ", ";
      sql += "?" + std::to_string(next++);
    }
    sql += ")";
  }
  if (!r.key.empty()) sql += " ORDER BY " + sqlite_quote_list(r.key);
  *limit_at = next;
  sql += " LIMIT ?" + std::to_string(next);
  return sql;
}

Result<int64_t> SqliteConnector::count(const ReadRequest& request) {
  Result<const TableInfo*> t = table(request.schema, request.table);
  if (!t.ok()) return t.take_error();
  int next = 1;
  Result<std::string> where = where_clause(request.filters, &next);
  if (!where.ok()) return where.take_error();
  Result<SqliteStatement*> st = statement(
      "SELECT count(*) FROM " + sqlite_qualified(request.schema, request.table) + *where);
  if (!st.ok()) return st.take_error();
  bind_filters(**st, request.filters);
  Result<bool> row = (*st)->step();
  if (!row.ok()) return row.take_error();
  int64_t n = *row ? (*st)->column_int(0) : 0;
  (*st)->reset();
  return n;
}

// Values are read by their column's language type (read_cell): int from INTEGER (an
// integral REAL and text that parses too), decimal through its text form, float from any
// number, text if UTF-8, bool from 0/1 or `true`/`false`, dates and times from ISO text,
// uuid from text or a 16-byte blob, json from valid JSON text, bytes as stored. A cell that
// does not read makes the row unreadable (the first such cell names the reason); its
// other values are kept, and a key value that does not read is given as stored so that
// the next page can start after it.
Result<Batch> SqliteConnector::read(const ReadRequest& request) {
  Result<const TableInfo*> found = table(request.schema, request.table);
  if (!found.ok()) return found.take_error();
  const TableInfo& t = **found;
  if (Status s = check_columns(t, request.columns, request.key); !s.ok()) return s.error();
  if (request.after && request.after->size() != request.key.size())
    return Error{"a page of " + quote_input(t.qualified()) + " starts after a key of " +
                 std::to_string(request.after->size()) + " values, the key has " +
                 std::to_string(request.key.size())};
  int after_at = 0;
  int limit_at = 0;
  Result<std::string> sql = read_sql(request, &after_at, &limit_at);
  if (!sql.ok()) return sql.take_error();
  Result<SqliteStatement*> prepared = statement(*sql);
  if (!prepared.ok()) return prepared.take_error();
  SqliteStatement& st = **prepared;
  bind_filters(st, request.filters);
  std::string shape = sqlite_qualified(request.schema, request.table) + " " +
                      sqlite_quote_list(request.key);
  if (request.after) {
    bool same = shape == last_shape_ && *request.after == last_key_;
    const Row& key = same ? last_key_stored_ : *request.after;
    for (size_t i = 0; i < key.size(); ++i) sqlite_bind_value(st, after_at + static_cast<int>(i), key[i]);
  }
  st.bind(limit_at, request.limit);

  std::vector<BaseType> types;
  std::vector<int> key_pos;
  for (const std::string& c : request.columns) types.push_back(t.column(c)->type);
  for (const std::string& k : request.key)
    key_pos.push_back(static_cast<int>(
        std::find(request.columns.begin(), request.columns.end(), k) - request.columns.begin()));

  Batch batch;
  batch.columns = request.columns;
  Row stored_key;
  for (;;) {
    Result<bool> more = st.step();
    if (!more.ok()) return more.take_error();
    if (!*more) break;
    std::optional<std::string> problem;
    Row row = read_row(st, types, key_pos, request.columns, problem);
    if (problem) batch.unreadable.push_back(RefusedRow{batch.rows.size(), *problem});
    stored_key.clear();
    for (int p : key_pos) stored_key.push_back(stored_value(st, p));
    batch.rows.push_back(std::move(row));
  }
  st.reset();
  if (!batch.rows.empty() && !key_pos.empty()) {
    last_shape_ = shape;
    last_key_.clear();
    for (int p : key_pos) last_key_.push_back(batch.rows.back()[static_cast<size_t>(p)]);
    last_key_stored_ = std::move(stored_key);
  }
  return batch;
}

// ---- writing ---------------------------------------------------------------------------

// The statements one write request needs, built once per request shape.
struct SqliteConnector::WriteShape {
  std::string table_name;            // for messages
  ConflictPolicy policy = ConflictPolicy::fail;
  std::vector<size_t> key_pos;       // key columns' positions in the batch
  std::vector<size_t> rest_pos;      // the other columns' positions
  std::vector<BaseType> types;       // of the batch columns in the target
  std::string insert_sql;            // plain INSERT, or the upsert (skip/update)
  SqliteStatement* insert = nullptr;  // insert_sql prepared, looked up once per write
  bool upsert = false;               // insert_sql carries ON CONFLICT (key)
  std::string exists_sql;            // SELECT 1 ... WHERE key
  std::string before_sql;            // SELECT batch columns ... WHERE key (update)
  std::string update_sql;            // UPDATE ... WHERE key (update without a unique key)
  bool update_only = false;          // an update task: UPDATE existing rows, skip absent ones
};

Result<SqliteConnector::WriteShape> SqliteConnector::write_shape(const WriteRequest& request,
                                                                 const Batch& batch) {
  Result<const TableInfo*> found = table(request.schema, request.table);
  if (!found.ok()) return found.take_error();
  const TableInfo& t = **found;
  if (Status s = check_columns(t, batch.columns, request.key); !s.ok()) return s.error();
  if (request.key.empty() && request.update_only)
    return Error{"an update of " + quote_input(t.qualified()) + " needs a key to find its rows"};
  if (request.key.empty() && request.on_conflict != ConflictPolicy::fail)
    return Error{"`on conflict " + std::string(policy_name(request.on_conflict)) + "` into " +
                 quote_input(t.qualified()) + " needs a key"};
  WriteShape w;
  w.table_name = t.qualified();
  // An update reads each row's before-image as `on conflict update` does, then always
  // takes the plain UPDATE path (no upsert: it must never insert).
  w.policy = request.update_only ? ConflictPolicy::update : request.on_conflict;
  w.update_only = request.update_only;
  for (size_t i = 0; i < batch.columns.size(); ++i) {
    w.types.push_back(t.column(batch.columns[i])->type);
    bool is_key = std::find(request.key.begin(), request.key.end(), batch.columns[i]) !=
                  request.key.end();
    if (!is_key) w.rest_pos.push_back(i);
  }
  for (const std::string& k : request.key)
    w.key_pos.push_back(static_cast<size_t>(
        std::find(batch.columns.begin(), batch.columns.end(), k) - batch.columns.begin()));

  std::string target = sqlite_qualified(request.schema, request.table);
  std::string key_where;
  for (size_t i = 0; i < request.key.size(); ++i)
    key_where += (i ? " AND " : " WHERE ") + sqlite_quote(request.key[i]) + " = ?" +
                 std::to_string(i + 1);
  std::string values;
  for (size_t i = 0; i < batch.columns.size(); ++i)
    values += (i ? ", ?" : "?") + std::to_string(i + 1);
  std::string insert = "INSERT INTO " + target + " (" + sqlite_quote_list(batch.columns) +
                       ") VALUES (" + values + ")";
  w.insert_sql = insert;
  w.exists_sql = "SELECT 1 FROM " + target + key_where;
  w.before_sql = "SELECT " + sqlite_quote_list(batch.columns) + " FROM " + target + key_where;
  if (w.policy == ConflictPolicy::fail) return w;

  if (!w.rest_pos.empty()) {
    std::string upd = "UPDATE " + target + " SET ";
    for (size_t i = 0; i < w.rest_pos.size(); ++i)
      upd += (i ? ", " : "") + sqlite_quote(batch.columns[w.rest_pos[i]]) + " = ?" +
             std::to_string(request.key.size() + i + 1);
    w.update_sql = upd + key_where;
  }
  if (w.update_only) return w;  // never the upsert: it would insert absent rows

  std::string upsert = insert + " ON CONFLICT (" + sqlite_quote_list(request.key) + ") DO ";
  std::string sets;
  for (size_t p : w.rest_pos) {
    if (!sets.empty()) sets += ", ";
    sets += sqlite_quote(batch.columns[p]) + " = excluded." + sqlite_quote(batch.columns[p]);
  }
  if (request.on_conflict == ConflictPolicy::skip || sets.empty()) upsert += "NOTHING";
  else upsert += "UPDATE SET " + sets;
  // The upsert compiles only when the key is a primary key or a unique index: else the
  // connector looks the key up first (SELECT, then UPDATE or INSERT).
  auto known = upsert_ok_.find(upsert);
  if (known == upsert_ok_.end()) {
    Result<SqliteStatement*> st = statement(upsert);
    known = upsert_ok_.emplace(upsert, st.ok()).first;
    if (!st.ok() && !contains(st.error().message, "ON CONFLICT clause does not match"))
      return st.take_error();
  }
  if (known->second) {
    w.insert_sql = upsert;
    w.upsert = true;
  }
  return w;
}

bool SqliteConnector::row_was_refused(std::string& message) const {
  int code = sqlite3_extended_errcode(db_.raw()) & 0xff;
  message = sqlite3_errmsg(db_.raw());
  return code == SQLITE_CONSTRAINT || code == SQLITE_MISMATCH || code == SQLITE_TOOBIG;
}

Result<bool> SqliteConnector::key_exists(WriteShape& shape, const Row& row) {
  Result<SqliteStatement*> st = statement(shape.exists_sql);
  if (!st.ok()) return st.take_error();
  for (size_t i = 0; i < shape.key_pos.size(); ++i)
    sqlite_bind_value(**st, static_cast<int>(i + 1), row[shape.key_pos[i]]);
  Result<bool> found = (*st)->step();
  (*st)->reset();
  return found;
}

Result<std::optional<Row>> SqliteConnector::before_image(WriteShape& shape, const Row& row) {
  Result<SqliteStatement*> st = statement(shape.before_sql);
  if (!st.ok()) return st.take_error();
  for (size_t i = 0; i < shape.key_pos.size(); ++i)
    sqlite_bind_value(**st, static_cast<int>(i + 1), row[shape.key_pos[i]]);
  Result<bool> found = (*st)->step();
  if (!found.ok()) return found.take_error();
  std::optional<Row> image;
  if (*found) {
    image.emplace(shape.types.size());
    for (size_t i = 0; i < shape.types.size(); ++i) {
      // A value that does not read as its type is kept as stored: restoring it is exact.
      Result<Value> v = read_cell(**st, static_cast<int>(i), shape.types[i]);
      (*image)[i] = v.ok() ? std::move(*v) : stored_value(**st, static_cast<int>(i));
    }
  }
  (*st)->reset();
  return image;
}

SqliteConnector::RowResult SqliteConnector::run_step(SqliteStatement& st, const WriteShape& shape,
                                                     std::string& problem, int& code) {
  Result<bool> r = st.step();
  if (r.ok()) {
    st.rewind();
    return RowResult::written;
  }
  bool refused = row_was_refused(problem);  // before reset() touches the error state
  code = sqlite3_extended_errcode(db_.raw());
  st.rewind();
  if (sqlite3_get_autocommit(db_.raw())) {  // ON CONFLICT ROLLBACK, RAISE(ROLLBACK)
    problem = "the database rolled the whole transaction back while writing " +
              quote_input(shape.table_name) + " (" + problem + "): the batch was not written";
    return RowResult::fatal;
  }
  if (refused) return RowResult::refused;
  problem = r.error().message;
  return RowResult::fatal;
}

// Under `on conflict fail`, a uniqueness error on a key that exists fails the write.
std::optional<Error> SqliteConnector::key_conflict(WriteShape& shape, const Row& row, int code) {
  if (code != SQLITE_CONSTRAINT_PRIMARYKEY && code != SQLITE_CONSTRAINT_UNIQUE) return std::nullopt;
  Result<bool> dup = key_exists(shape, row);
  if (!dup.ok()) return dup.take_error();
  if (!*dup) return std::nullopt;  // another unique column: the row is refused
  Row key;
  for (size_t p : shape.key_pos) key.push_back(row[p]);
  return Error{"row with key " + join_key_text(key) + " already exists in " +
               quote_input(shape.table_name) + "; the task's `on conflict` is `fail`"};
}

// One row under the shape's policy. `problem` gets the engine's message (refused) or the
// error (fatal).
SqliteConnector::RowResult SqliteConnector::write_row(WriteShape& shape, const Row& row,
                                                      size_t index, WriteOutcome& out,
                                                      std::string& problem) {
  auto fatal = [&](const Error& e) {
    problem = e.message;
    return RowResult::fatal;
  };
  bool existed = false;
  if (shape.policy == ConflictPolicy::update) {
    Result<std::optional<Row>> image = before_image(shape, row);
    if (!image.ok()) return fatal(image.error());
    existed = image->has_value();
    if (existed) out.before.emplace_back(index, std::move(**image));
    if (!existed && shape.update_only) {  // deleted since it was read: not re-inserted
      out.skipped.push_back(index);
      return RowResult::written;
    }
  } else if (shape.policy == ConflictPolicy::skip && !shape.upsert) {
    Result<bool> found = key_exists(shape, row);
    if (!found.ok()) return fatal(found.error());
    if (*found) {
      out.skipped.push_back(index);
      return RowResult::written;
    }
  }

  bool plain_update = existed && !shape.upsert;  // no unique key: UPDATE what was found
  if (plain_update && shape.update_sql.empty()) {
    ++out.updated;  // every column is part of the key: nothing to change
    return RowResult::written;
  }
  Result<SqliteStatement*> st =
      plain_update ? statement(shape.update_sql) : Result<SqliteStatement*>(shape.insert);
  if (!st.ok()) return fatal(st.error());
  // Every parameter is bound for every row (run_step keeps the bindings, it does not clear
  // them), and `row` outlives the step, so text is bound in place.
  if (plain_update) {
    int at = 1;
    for (size_t p : shape.key_pos) bind_row_value(**st, at++, row[p]);
    for (size_t p : shape.rest_pos) bind_row_value(**st, at++, row[p]);
  } else {
    for (size_t i = 0; i < row.size(); ++i) bind_row_value(**st, static_cast<int>(i + 1), row[i]);
  }
  int code = 0;
  RowResult r = run_step(**st, shape, problem, code);
  if (r == RowResult::refused && existed) out.before.pop_back();
  if (r == RowResult::refused && shape.policy == ConflictPolicy::fail)
    if (std::optional<Error> conflict = key_conflict(shape, row, code)) return fatal(*conflict);
  if (r != RowResult::written) return r;
  if (existed) ++out.updated;
  else if (shape.policy == ConflictPolicy::skip && db_.changes() == 0) out.skipped.push_back(index);
  else ++out.inserted;
  return RowResult::written;
}

Result<WriteOutcome> SqliteConnector::write_rows(WriteShape& shape, const Batch& batch,
                                                 bool one_by_one, bool* refused) {
  WriteOutcome out;
  std::string problem;
  for (size_t i = 0; i < batch.rows.size(); ++i) {
    if (batch.rows[i].size() != batch.columns.size())
      return Error{"row " + std::to_string(i) + " of a batch for " + quote_input(shape.table_name) +
                   " has " + std::to_string(batch.rows[i].size()) + " values for " +
                   std::to_string(batch.columns.size()) + " columns"};
    if (one_by_one)
      if (Status s = db_.exec("SAVEPOINT mig_row"); !s.ok()) return s.error();
    RowResult r = write_row(shape, batch.rows[i], i, out, problem);
    if (r == RowResult::fatal) return Error{problem};
    if (r == RowResult::refused && !one_by_one) {
      *refused = true;  // the caller redoes the batch row by row
      return Error{problem};
    }
    if (one_by_one) {
      if (r == RowResult::refused) {
        if (Status s = db_.exec("ROLLBACK TO mig_row"); !s.ok()) return s.error();
        out.refused.push_back(RefusedRow{i, problem});
      }
      if (Status s = db_.exec("RELEASE mig_row"); !s.ok()) return s.error();
    }
  }
  return out;
}

// The batch is tried whole first; when the engine refuses a row, the batch is undone to
// its savepoint and redone one row at a time, each under its own savepoint, so that only
// the refused rows are left out. Any other error undoes the whole batch.
Result<WriteOutcome> SqliteConnector::write(const WriteRequest& request, const Batch& batch) {
  if (!txn_) return Error{"write to " + quote_input(request.table) + " outside a transaction"};
  if (batch.rows.empty()) return WriteOutcome{};
  Result<WriteShape> shape = write_shape(request, batch);
  if (!shape.ok()) return shape.take_error();
  Result<SqliteStatement*> insert = statement(shape->insert_sql);  // clears old bindings
  if (!insert.ok()) return insert.take_error();
  shape->insert = *insert;
  if (Status s = db_.exec("SAVEPOINT mig_batch"); !s.ok()) return s.error();
  bool refused = false;
  Result<WriteOutcome> out = write_rows(*shape, batch, false, &refused);
  if (refused) {
    if (Status s = db_.exec("ROLLBACK TO mig_batch"); !s.ok()) return s.error();
    out = write_rows(*shape, batch, true, &refused);
  }
  if (sqlite3_get_autocommit(db_.raw())) {  // the engine ended the transaction itself
    txn_.reset();
    if (out.ok()) return Error{"the transaction writing " + quote_input(request.table) + " ended early"};
    return out;
  }
  if (!out.ok()) (void)db_.exec("ROLLBACK TO mig_batch");
  if (Status s = db_.exec("RELEASE mig_batch"); !s.ok()) return s.error();
  return out;
}

Status SqliteConnector::begin() {
  if (txn_) return Error{"begin of a batch while another is open on `" + db_.path() + "`"};
  Result<SqliteTransaction> t = SqliteTransaction::begin(db_, true);
  if (!t.ok()) return t.take_error();
  txn_.emplace(std::move(*t));
  return Status::success();
}

Status SqliteConnector::ensure_markers_table() {
  return db_.exec(
      "CREATE TABLE IF NOT EXISTS _mig_commits (plan TEXT, env TEXT, task TEXT, "
      "batch INTEGER, outcome TEXT, committed_at TEXT, PRIMARY KEY (plan, env, task, batch))");
}

Result<bool> SqliteConnector::markers_table_exists() {
  Result<SqliteStatement*> st =
      statement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_mig_commits'");
  if (!st.ok()) return st.take_error();
  Result<bool> found = (*st)->step();
  (*st)->reset();
  return found;
}

Status SqliteConnector::commit(const CommitMarker& marker, const std::string& outcome) {
  if (!txn_) return Error{"commit without a transaction on `" + db_.path() + "`"};
  if (Status s = ensure_markers_table(); !s.ok()) return s;
  Result<SqliteStatement*> st = statement(
      "INSERT INTO _mig_commits (plan, env, task, batch, outcome, committed_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))");
  if (!st.ok()) return st.take_error();
  (*st)->bind(1, marker.plan).bind(2, marker.env).bind(3, marker.task).bind(4, marker.batch)
      .bind(5, outcome);
  if (Status s = (*st)->run(); !s.ok()) return s;
  Status s = txn_->commit();
  txn_.reset();  // after a failed COMMIT this rolls back
  return s;
}

Status SqliteConnector::rollback() {
  txn_.reset();
  return Status::success();
}

Result<int64_t> SqliteConnector::remove(const WriteRequest& request, const std::vector<Row>& keys) {
  if (request.key.empty()) return Error{"deleting from " + quote_input(request.table) + " needs a key"};
  std::string sql = "DELETE FROM " + sqlite_qualified(request.schema, request.table);
  for (size_t i = 0; i < request.key.size(); ++i)
    sql += (i ? " AND " : " WHERE ") + sqlite_quote(request.key[i]) + " = ?" + std::to_string(i + 1);
  Result<SqliteStatement*> st = statement(sql);
  if (!st.ok()) return st.take_error();
  int64_t removed = 0;
  for (const Row& key : keys) {
    for (size_t i = 0; i < key.size(); ++i) sqlite_bind_value(**st, static_cast<int>(i + 1), key[i]);
    Result<bool> done = (*st)->step();
    (*st)->reset();
    if (!done.ok()) return done.take_error();
    removed += db_.changes();
  }
  return removed;
}

Result<std::optional<std::string>> SqliteConnector::committed(const CommitMarker& marker) {
  Result<bool> exists = markers_table_exists();
  if (!exists.ok()) return exists.take_error();
  if (!*exists) return std::optional<std::string>();
  Result<SqliteStatement*> st = statement(
      "SELECT outcome FROM _mig_commits WHERE plan = ?1 AND env = ?2 AND task = ?3 AND batch = ?4");
  if (!st.ok()) return st.take_error();
  (*st)->bind(1, marker.plan).bind(2, marker.env).bind(3, marker.task).bind(4, marker.batch);
  Result<bool> found = (*st)->step();
  if (!found.ok()) return found.take_error();
  std::optional<std::string> outcome;
  if (*found) outcome = (*st)->column_text(0);
  (*st)->reset();
  return outcome;
}

Status SqliteConnector::forget_markers(const std::string& plan, const std::string& env,
                                       const std::string& task) {
  Result<bool> exists = markers_table_exists();
  if (!exists.ok()) return exists.error();
  if (!*exists) return Status::success();
  Result<SqliteStatement*> st =
      statement("DELETE FROM _mig_commits WHERE plan = ?1 AND env = ?2 AND task = ?3");
  if (!st.ok()) return st.error();
  (*st)->bind(1, plan).bind(2, env).bind(3, task);
  return (*st)->run();
}

Status SqliteConnector::execute(const std::string& sql) {
  Status s = db_.exec(sql);
  tables_.clear();  // a hook may have changed tables
  return s;
}

Result<Value> SqliteConnector::query_value(const SqlFilter& query) {
  auto st = db_.prepare(query.sql);
  if (!st) return st.take_error();
  int index = 1;
  for (const Value& v : query.params) sqlite_bind_value(*st, index++, v);
  auto row = st->step();
  if (!row) return row.take_error();
  if (!*row || st->column_is_null(0)) return Value::null();
  switch (st->column_type(0)) {
    case SQLITE_INTEGER: return Value::integer(st->column_int(0));
    case SQLITE_FLOAT: return Value::floating(st->column_double(0));
    case SQLITE_BLOB: return Value::bytes(st->column_text(0));
    default: return Value::text(st->column_text(0));
  }
}

}  // namespace mig
