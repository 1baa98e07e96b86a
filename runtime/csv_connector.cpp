#include "runtime/csv_connector.hpp"

#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "runtime/csv_reader.hpp"
#include "runtime/sql_dialect.hpp"
#include "runtime/value_text.hpp"

// The cache. Each `NAME.csv` is imported into its own SQLite file `NAME.db`, in
// `<folder>/.mig-cache/` when that folder can be created and written, else (a read-only
// export) in `<system temp>/mig-csv-cache/<hash of the folder's absolute path>/`. The
// file holds table `rows` (one column per CSV column with no declared type, so values
// keep the storage class they are bound with, plus `_mig_line` and `_mig_bad`) and
// `_mig_csv_meta(fingerprint)`: the CSV file's size and modification time and the
// connector's options. A cache whose fingerprint differs is rebuilt, streaming the CSV
// (one record in memory), into a temporary file renamed over the old one, so that two
// runs importing at once both end with a whole cache. Checked once per connection.
namespace mig {
namespace {

namespace fs = std::filesystem;

constexpr int kCacheFormat = 1;             // bump when the cache layout changes
constexpr const char* kRowsTable = "rows";  // in each cache file
constexpr const char* kLineColumn = "_mig_line";
constexpr const char* kBadColumn = "_mig_bad";

constexpr BaseType kCsvTypes[] = {BaseType::int_,     BaseType::decimal,   BaseType::float_,
                                  BaseType::text,     BaseType::bool_,     BaseType::date,
                                  BaseType::timestamp, BaseType::timestamptz, BaseType::uuid,
                                  BaseType::json,     BaseType::bytes};

ValueKind kind_of(BaseType t) {
  return kind_from_name(type_name(Type::of(t))).value_or(ValueKind::text);
}

std::string display(const fs::path& p) { return "`" + p.string() + "`"; }

// Binds a parsed cell in the form the cache keeps it: numbers and bools as numbers (so
// that keys order numerically), bytes as a blob, everything else as canonical text (so
// that a key bound back as its canonical text finds its place).
void bind_cell(SqliteStatement& st, int index, const Value& v) {
  if (v.kind() == ValueKind::float_ && !std::isfinite(v.as_float())) {
    st.bind(index, to_text(v));  // SQLite would store NaN as null
    return;
  }
  sqlite_bind_value(st, index, v);
}

Error read_only() { return Error{"csv connections are read-only"}; }

// Binds a record's cells as ?1..?N of the cache's INSERT; returns why the row is
// unreadable ("line 3, column `amount`: `12,5` is not a decimal"), or "".
std::string bind_record(SqliteStatement& st, const CsvRecord& rec,
                        const std::vector<ColumnInfo>& cols, const CsvOptions& options) {
  std::string where = "line " + std::to_string(rec.line);
  std::string bad;
  if (!rec.problem.empty()) bad = where + ": " + rec.problem;
  else if (rec.cells.size() != cols.size())
    bad = where + ": " + std::to_string(rec.cells.size()) + " cells, " +
          (options.header ? "the header has " : "the first line has ") + std::to_string(cols.size());
  for (size_t i = 0; i < cols.size(); ++i) {
    int at = static_cast<int>(i) + 1;
    if (i >= rec.cells.size() || (!rec.cells[i].quoted && rec.cells[i].text == options.null_text)) {
      st.bind_null(at);
      continue;
    }
    const std::string& text = rec.cells[i].text;
    Result<Value> v = parse_value(text, kind_of(cols[i].type));
    if (v.ok()) {
      bind_cell(st, at, *v);
      continue;
    }
    st.bind(at, text);  // as read: the row is unreadable, its key still orders
    if (!bad.empty()) continue;
    bad = where + ", column " + quote_input(cols[i].name) + ": ";
    size_t offset = 0;
    if (!is_valid_utf8(text, &offset))
      bad += "invalid UTF-8 at byte " + std::to_string(offset + 1) + " of " + quote_input(text);
    else
      bad += quote_input(text) + " is not " + (cols[i].type == BaseType::int_ ? "an " : "a ") +
             type_name(Type::of(cols[i].type));
  }
  return bad;
}

}  // namespace

Result<CsvOptions> csv_options(const ConnectorSpec& spec) {
  CsvOptions o;
  o.header = spec.header;
  o.null_text = spec.null_text;
  const std::string& d = spec.delimiter;
  if (d.size() != 1 || static_cast<unsigned char>(d[0]) >= 0x80 || d[0] == '"' || d[0] == '\n' ||
      d[0] == '\r')
    return Error{"csv option `delimiter` must be one ASCII character other than a quote or a "
                 "line break, not " + quote_input(d)};
  o.delimiter = d[0];
  for (const auto& [column, name] : spec.types) {
    std::optional<BaseType> found;
    std::string known;
    for (BaseType t : kCsvTypes) {
      known += (known.empty() ? "" : ", ") + type_name(Type::of(t));
      if (type_name(Type::of(t)) == name) found = t;
    }
    if (!found)
      return Error{"csv option `types`: column " + quote_input(column) + " has type " +
                   quote_input(name) + ", which is not one of " + known};
    o.types[column] = *found;
  }
  return o;
}

Result<std::unique_ptr<CsvConnector>> CsvConnector::open(const ConnectorSpec& spec) {
  Result<CsvOptions> options = csv_options(spec);
  if (!options.ok()) return options.take_error();
  std::error_code ec;
  fs::path folder(spec.location);
  if (!fs::is_directory(folder, ec))
    return Error{"csv folder " + display(folder) + (fs::exists(folder, ec) ? " is not a folder" : " does not exist")};
  return std::unique_ptr<CsvConnector>(new CsvConnector(folder, std::move(*options)));
}

Result<TableInfo> CsvConnector::read_header(const fs::path& file, const std::string& name) const {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error{"cannot open " + display(file)};
  CsvReader reader(in, options_.delimiter);
  CsvRecord first;
  Result<bool> got = reader.next(first);
  if (!got.ok()) return Error{display(file) + ": " + got.error().message};
  if (!*got) return Error{display(file) + " is empty: its columns cannot be known"};
  TableInfo t;
  t.name = name;
  for (size_t i = 0; i < first.cells.size(); ++i) {
    std::string col = "c" + std::to_string(i + 1);
    if (options_.header) {
      const std::string& text = first.cells[i].text;
      if (!is_valid_utf8(text) || text.find('\0') != std::string::npos)
        return Error{display(file) + " line 1: header cell " + std::to_string(i + 1) + " " +
                     quote_input(text) + " is not valid UTF-8 text"};
      if (!text.empty()) col = text;  // an unnamed column is called by its position
      if (col == kLineColumn || col == kBadColumn)
        return Error{display(file) + ": column name " + quote_input(col) + " is reserved"};
      if (t.column(col))
        return Error{display(file) + " line 1: column " + quote_input(col) + " appears twice"};
    }
    ColumnInfo c;
    c.name = col;
    auto typed = options_.types.find(col);
    c.type = typed == options_.types.end() ? BaseType::text : typed->second;
    c.native_type = type_name(Type::of(c.type));
    t.columns.push_back(std::move(c));
  }
  return t;
}

Result<Catalog> CsvConnector::introspect() {
  Catalog cat;
  cat.dialect = dialect();
  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(folder_, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".csv" && it->is_regular_file(ec)) files.push_back(it->path());
  if (ec) return Error{"cannot list csv folder " + display(folder_) + ": " + ec.message()};
  std::sort(files.begin(), files.end());
  for (const fs::path& f : files) {
    Result<TableInfo> t = read_header(f, f.stem().string());
    if (!t.ok()) return t.take_error();
    cat.tables.push_back(std::move(*t));
  }
  return cat;
}

std::string CsvConnector::fingerprint(const fs::path& file) const {
  std::error_code ec;
  std::string print = "format " + std::to_string(kCacheFormat);
  print += "\nsize " + std::to_string(fs::file_size(file, ec));
  print += "\nmtime " + std::to_string(fs::last_write_time(file, ec).time_since_epoch().count());
  print += std::string("\nheader ") + (options_.header ? "true" : "false");
  print += "\ndelimiter " + std::string(1, options_.delimiter);
  print += "\nnull " + quote_input(options_.null_text) + std::to_string(options_.null_text.size());
  for (const auto& [col, t] : options_.types) print += "\ntype " + type_name(Type::of(t)) + " " + col;
  return print;
}

Result<fs::path> CsvConnector::cache_dir() const {
  std::error_code ec;
  fs::path local = folder_ / ".mig-cache";
  fs::create_directories(local, ec);
  if (!ec && ::access(local.c_str(), W_OK) == 0) return local;
  fs::path absolute = fs::absolute(folder_, ec);
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(absolute.c_str(), absolute.native().size())));
  fs::path temp = fs::temp_directory_path(ec) / "mig-csv-cache" / hex;
  fs::create_directories(temp, ec);
  if (ec) return Error{"cannot create a cache folder for csv folder " + display(folder_) + ": " + ec.message()};
  return temp;
}

Status CsvConnector::import(const Table& t, const fs::path& cache_file, const std::string& print) const {
  fs::path tmp = cache_file;
  tmp += ".tmp-" + std::to_string(::getpid());
  std::error_code ec;
  fs::remove(tmp, ec);
  {
    Result<SqliteDb> db = SqliteDb::open(tmp.string(), SqliteDb::Mode::create);
    if (!db.ok()) return db.take_error();
    const std::vector<ColumnInfo>& cols = t.info.columns;
    std::string ddl = "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; CREATE TABLE " +
                      sqlite_quote(kRowsTable) + " (";
    std::string values;
    for (size_t i = 0; i < cols.size(); ++i) {
      ddl += sqlite_quote(cols[i].name) + ", ";
      values += "?" + std::to_string(i + 1) + ", ";
    }
    ddl += sqlite_quote(kLineColumn) + " INTEGER, " + sqlite_quote(kBadColumn) + " TEXT); " +
           "CREATE TABLE _mig_csv_meta (fingerprint TEXT); BEGIN";
    if (Status s = db->exec(ddl); !s.ok()) return s;
    int line_at = static_cast<int>(cols.size()) + 1;
    Result<SqliteStatement> ins = db->prepare("INSERT INTO " + sqlite_quote(kRowsTable) + " VALUES (" +
                                              values + "?" + std::to_string(line_at) + ", ?" +
                                              std::to_string(line_at + 1) + ")");
    if (!ins.ok()) return ins.take_error();

    std::ifstream in(t.file, std::ios::binary);
    if (!in) return Error{"cannot open " + display(t.file)};
    CsvReader reader(in, options_.delimiter);
    CsvRecord rec;
    if (options_.header) {
      Result<bool> skipped = reader.next(rec);
      if (!skipped.ok()) return Error{display(t.file) + ": " + skipped.error().message};
    }
    for (;;) {
      Result<bool> got = reader.next(rec);
      if (!got.ok()) return Error{display(t.file) + ": " + got.error().message};
      if (!*got) break;
      std::string bad = bind_record(*ins, rec, t.info.columns, options_);
      ins->bind(line_at, rec.line);
      ins->bind(line_at + 1, bad.empty() ? std::optional<std::string>() : std::optional<std::string>(bad));
      if (Status s = ins->run(); !s.ok()) return s;
    }
    Result<SqliteStatement> meta = db->prepare("INSERT INTO _mig_csv_meta VALUES (?1)");
    if (!meta.ok()) return meta.take_error();
    meta->bind(1, print);
    if (Status s = meta->run(); !s.ok()) return s;
    if (Status s = db->exec("COMMIT"); !s.ok()) return s;
  }
  fs::rename(tmp, cache_file, ec);
  if (ec) return Error{"cannot move the csv cache into place at " + display(cache_file) + ": " + ec.message()};
  return Status::success();
}

Result<CsvConnector::Table*> CsvConnector::open_table(const std::string& schema, const std::string& name) {
  if (!schema.empty()) return Error{"csv folders have no schemas: " + quote_input(schema + "." + name)};
  if (auto it = tables_.find(name); it != tables_.end()) return &it->second;
  if (Status s = check_identifier(name, "table"); !s.ok()) return s.error();
  if (name.find('/') != std::string::npos || name.find('\\') != std::string::npos || name == "." ||
      name == "..")
    return Error{"csv table names are file names: " + quote_input(name) + " is not one"};
  fs::path file = folder_ / (name + ".csv");
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    return Error{"csv folder " + display(folder_) + " has no file " + quote_input(name + ".csv")};
  Table t;
  t.file = file;
  Result<TableInfo> info = read_header(file, name);
  if (!info.ok()) return info.take_error();
  t.info = std::move(*info);

  Result<fs::path> dir = cache_dir();
  if (!dir.ok()) return dir.take_error();
  fs::path cache_file = *dir / (name + ".db");
  std::string print = fingerprint(file);
  bool fresh = false;
  if (fs::exists(cache_file, ec)) {
    Result<SqliteDb> old = SqliteDb::open(cache_file.string(), SqliteDb::Mode::read_only);
    if (old.ok()) {
      Result<SqliteStatement> st = old->prepare("SELECT fingerprint FROM _mig_csv_meta");
      if (st.ok()) {
        Result<bool> row = st->step();
        fresh = row.ok() && *row && st->column_text(0) == print;
      }
    }
  }
  if (!fresh)
    if (Status s = import(t, cache_file, print); !s.ok()) return s.error();
  Result<SqliteDb> db = SqliteDb::open(cache_file.string(), SqliteDb::Mode::read_write);
  if (!db.ok()) return db.take_error();
  t.cache = SqliteConnector::over(std::move(*db));
  TableInfo cached = t.info;
  cached.name = kRowsTable;
  cached.columns.push_back(ColumnInfo{kLineColumn, BaseType::int_, "INTEGER", false, false});
  cached.columns.push_back(ColumnInfo{kBadColumn, BaseType::text, "TEXT", true, false});
  t.cache->declare_table(std::move(cached));
  return &tables_.emplace(name, std::move(t)).first->second;
}

Result<int64_t> CsvConnector::count(const ReadRequest& request) {
  Result<Table*> t = open_table(request.schema, request.table);
  if (!t.ok()) return t.take_error();
  ReadRequest inner = request;
  inner.table = kRowsTable;
  return (*t)->cache->count(inner);
}

Result<Batch> CsvConnector::read(const ReadRequest& request) {
  Result<Table*> found = open_table(request.schema, request.table);
  if (!found.ok()) return found.take_error();
  Table& t = **found;
  for (const std::string& c : request.columns)
    if (!t.info.column(c))
      return Error{"csv file " + quote_input(request.table + ".csv") + " has no column " + quote_input(c)};
  for (const std::string& k : request.key)
    if (std::find(request.columns.begin(), request.columns.end(), k) == request.columns.end())
      return Error{"key column " + quote_input(k) + " of " + quote_input(request.table + ".csv") +
                   " is not among the columns read"};
  if (!request.key.empty() && !t.indexed.count(request.key)) {
    // The first read in this key order indexes it, so that each page is a seek.
    std::string joined;
    for (const std::string& k : request.key) joined += k + '\0';
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx",
                  static_cast<unsigned long long>(XXH3_64bits(joined.data(), joined.size())));
    Status s = t.cache->execute("CREATE INDEX IF NOT EXISTS " + sqlite_quote(std::string("key_") + hex) +
                                " ON " + sqlite_quote(kRowsTable) + " (" + sqlite_quote_list(request.key) + ")");
    if (!s.ok()) return s.error();
    t.indexed.insert(request.key);
  }
  ReadRequest inner = request;
  inner.table = kRowsTable;
  inner.columns.push_back(kLineColumn);
  inner.columns.push_back(kBadColumn);
  Result<Batch> got = t.cache->read(inner);
  if (!got.ok()) return got;
  Batch& b = *got;
  size_t n = request.columns.size();
  std::map<size_t, std::string> reasons;
  for (const RefusedRow& r : b.unreadable) reasons[r.index] = r.reason;
  for (size_t i = 0; i < b.rows.size(); ++i) {
    Row& row = b.rows[i];
    if (row[n + 1].kind() == ValueKind::text) reasons[i] = row[n + 1].as_text();
    else if (reasons.count(i) && row[n].kind() == ValueKind::int_)
      reasons[i] = "line " + std::to_string(row[n].as_int()) + ", " + reasons[i];
    row.resize(n);
  }
  b.columns.resize(n);
  b.unreadable.clear();
  for (auto& [index, reason] : reasons) b.unreadable.push_back(RefusedRow{index, std::move(reason)});
  return got;
}

Status CsvConnector::begin() { return read_only(); }
Result<WriteOutcome> CsvConnector::write(const WriteRequest&, const Batch&) { return read_only(); }
Status CsvConnector::commit(const CommitMarker&, const std::string&) { return read_only(); }
Status CsvConnector::rollback() { return read_only(); }
Result<int64_t> CsvConnector::remove(const WriteRequest&, const std::vector<Row>&) {
  return read_only();
}
Result<std::optional<std::string>> CsvConnector::committed(const CommitMarker&) { return read_only(); }
Status CsvConnector::forget_markers(const std::string&, const std::string&, const std::string&) {
  return read_only();
}
Status CsvConnector::execute(const std::string&) { return read_only(); }

Result<Value> CsvConnector::query_value(const SqlFilter&) {
  return Error{"csv connections cannot run SQL"};
}

}  // namespace mig
