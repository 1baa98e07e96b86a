// MariadbConnector's write side: one batch inside the open transaction, in chunks of
// rows sent as multi-row prepared INSERTs (sized to the placeholder limit and the
// server's max_allowed_packet). Under `skip` and `update` the chunk's existing keys are
// first read with SELECT ... FOR UPDATE, so that skipped rows, before-images and the
// inserted/updated counts are exact (never INSERT IGNORE, which hides other errors).
// When the server refuses a row, or changes a value (a warning), the chunk is undone to
// its savepoint and redone one row at a time, each under its own savepoint, so that only
// the refused rows are left out.
#include <mysqld_error.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "runtime/mariadb_connector.hpp"
#include "runtime/mariadb_sql.hpp"
#include "runtime/mariadb_values.hpp"
#include "runtime/value_text.hpp"

namespace mig {
namespace {

// At most this many rows per INSERT (more gains little and costs server memory), and
// MariaDB's limit of 65,535 placeholders per statement.
constexpr size_t kMaxRowsPerStatement = 1000;
constexpr size_t kMaxPlaceholders = 65535;

struct KeyHash {
  size_t operator()(const Row& key) const { return static_cast<size_t>(stable_hash(key)); }
};
struct KeyEqual {
  bool operator()(const Row& a, const Row& b) const { return key_compare(a, b) == 0; }
};

const char* policy_name(ConflictPolicy p) {
  switch (p) {
    case ConflictPolicy::skip:
      return "skip";
    case ConflictPolicy::update:
      return "update";
    case ConflictPolicy::fail:
      return "fail";
  }
  return "fail";
}

std::string join_key_text(const Row& key) {
  std::string out = "(";
  for (size_t i = 0; i < key.size(); ++i) {
    if (i) out += ", ";
    out += key[i].is_null() ? "null" : to_text(key[i]);
  }
  return out + ")";
}

// What a row costs on the wire, to keep a statement under max_allowed_packet.
size_t wire_size(const Row& row) {
  size_t n = 0;
  for (const Value& v : row) {
    switch (v.kind()) {
      case ValueKind::text:
        n += v.as_text().size() + 11;
        break;
      case ValueKind::json:
        n += v.as_json().size() + 11;
        break;
      case ValueKind::bytes:
        n += v.as_bytes().size() + 11;
        break;
      case ValueKind::decimal:
        n += 53;
        break;
      case ValueKind::list:
        n += 11 + to_text(v).size();
        break;
      default:
        n += 18;
        break;
    }
  }
  return n;
}

// The largest power of two not above n (n > 0): statements come in few sizes, so that
// few are prepared.
size_t power_of_two_below(size_t n) {
  size_t p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

}  // namespace

// The statements and facts one write request needs.
struct MariadbConnector::WriteShape {
  std::string table_name;  // for messages
  ConflictPolicy policy = ConflictPolicy::fail;
  std::vector<std::string> columns;
  std::vector<size_t> key_pos;   // key columns' positions in the batch
  std::vector<size_t> rest_pos;  // the other columns' positions
  std::vector<BaseType> types;   // of the batch columns in the target
  std::vector<bool> binary;      // a uuid goes there as its 16 bytes
  std::string target;            // `db`.`t`
  std::string insert_head;       // INSERT INTO t (cols) VALUES
  std::string tuple;             // (?, ?, ?)
  std::string upsert_tail;       // ON DUPLICATE KEY UPDATE c = VALUES(c), ... ("" without rest)
  // The upsert can only ever meet the key's row: the key is the primary key (checked first)
  // or the only unique index. Else existing rows are updated one UPDATE each.
  bool upsert_exact = false;
  // An update task: the existing rows are read (locked, with before-images) as under
  // `update`, then changed by the UPDATE by key; absent ones are skipped, never inserted.
  bool update_only = false;
  std::string exists_sql;  // SELECT 1 ... WHERE key = ? FOR UPDATE
  std::string before_sql;  // SELECT batch columns ... WHERE key = ? FOR UPDATE
  std::string update_sql;  // UPDATE ... SET rest WHERE key
  size_t rows_per_statement = 1;
  size_t packet_budget = 0;  // bytes of values per statement
};

// Consecutive rows of a batch written together; under skip/update their keys differ.
struct MariadbConnector::Chunk {
  std::vector<size_t> rows;
};

Result<MariadbConnector::WriteShape> MariadbConnector::write_shape(const WriteRequest& request,
                                                                   const Batch& batch) {
  Result<const MariadbTable*> found = table(request.schema, request.table);
  if (!found.ok()) return found.take_error();
  const TableInfo& t = (*found)->info;
  for (const std::string& c : batch.columns)
    if (!t.column(c))
      return Error{"table " + quote_input(t.qualified()) + " has no column " + quote_input(c)};
  for (const std::string& k : request.key)
    if (std::find(batch.columns.begin(), batch.columns.end(), k) == batch.columns.end())
      return Error{"key column " + quote_input(k) + " of " + quote_input(t.qualified()) +
                   " is not among the columns written"};
  if (request.key.empty() && request.update_only)
    return Error{"an update of " + quote_input(t.qualified()) + " needs a key to find its rows"};
  if (request.key.empty() && request.on_conflict != ConflictPolicy::fail)
    return Error{"`on conflict " + std::string(policy_name(request.on_conflict)) + "` into " +
                 quote_input(t.qualified()) + " needs a key"};
  if (!mariadb_transactional_engine((*found)->engine))
    return Error{"table " + quote_input(t.qualified()) + " uses the " +
                 quote_input((*found)->engine) +
                 " engine, which has no transactions: a batch could be half written. Convert it "
                 "(ALTER TABLE ... ENGINE=InnoDB) before writing to it"};
  WriteShape w;
  w.table_name = t.qualified();
  w.policy = request.update_only ? ConflictPolicy::update : request.on_conflict;
  w.update_only = request.update_only;
  w.columns = batch.columns;
  for (size_t i = 0; i < batch.columns.size(); ++i) {
    const ColumnInfo* c = t.column(batch.columns[i]);
    w.types.push_back(c->type);
    w.binary.push_back(mariadb_binary_column(c->native_type));
    if (std::find(request.key.begin(), request.key.end(), batch.columns[i]) == request.key.end())
      w.rest_pos.push_back(i);
  }
  for (const std::string& k : request.key)
    w.key_pos.push_back(static_cast<size_t>(
        std::find(batch.columns.begin(), batch.columns.end(), k) - batch.columns.begin()));

  w.target = qualified(request.schema, request.table);
  w.insert_head =
      "INSERT INTO " + w.target + " (" + mariadb_quote_list(batch.columns) + ") VALUES ";
  w.tuple = "(?";
  for (size_t i = 1; i < batch.columns.size(); ++i) w.tuple += ", ?";
  w.tuple += ")";
  std::string key_where = " WHERE " + mariadb_key_equals(request.key);
  w.exists_sql = "SELECT 1 FROM " + w.target + key_where + " LIMIT 1 FOR UPDATE";
  w.before_sql = "SELECT " + mariadb_quote_list(batch.columns) + " FROM " + w.target + key_where +
                 " LIMIT 1 FOR UPDATE";
  std::string sets;
  for (size_t p : w.rest_pos) {
    std::string c = mariadb_quote(batch.columns[p]);
    sets += (sets.empty() ? "" : ", ") + c + " = VALUES(" + c + ")";
  }
  if (!sets.empty()) w.upsert_tail = " ON DUPLICATE KEY UPDATE " + sets;
  std::string upd;
  for (size_t p : w.rest_pos)
    upd += (upd.empty() ? "" : ", ") + mariadb_quote(batch.columns[p]) + " = ?";
  w.update_sql = "UPDATE " + w.target + " SET " + upd + key_where;

  if (w.policy == ConflictPolicy::update && !w.update_only && !w.upsert_tail.empty()) {
    std::pair<std::string, std::string> k{t.schema, t.name};
    auto it = unique_keys_.find(k);
    if (it == unique_keys_.end()) {
      Result<std::vector<std::vector<std::string>>> u =
          load_mariadb_unique_keys(db_, t.schema, t.name);
      if (!u.ok()) return u.take_error();
      it = unique_keys_.emplace(k, std::move(*u)).first;
    }
    auto same_set = [&](std::vector<std::string> a) {
      std::vector<std::string> b = request.key;
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      return a == b;
    };
    w.upsert_exact = (!t.primary_key.empty() && same_set(t.primary_key)) ||
                     (it->second.size() == 1 && same_set(it->second[0]));
  }
  size_t cols = std::max<size_t>(1, batch.columns.size());
  w.rows_per_statement =
      std::max<size_t>(1, std::min(kMaxRowsPerStatement, kMaxPlaceholders / cols));
  w.packet_budget = static_cast<size_t>(db_.max_packet() / 4 * 3);
  return w;
}

Result<std::optional<std::string>> MariadbConnector::data_warning() {
  if (db_.warning_count() == 0) return std::optional<std::string>();
  Result<std::vector<MariadbWarning>> ws = db_.warnings();
  if (!ws.ok()) return ws.take_error();
  for (const MariadbWarning& w : *ws)
    if (mariadb_data_warning(w.code))
      return std::optional<std::string>("the server would change the value: " + w.message);
  return std::optional<std::string>();
}

Result<bool> MariadbConnector::insert_rows(WriteShape& shape, const Batch& batch,
                                           const std::vector<size_t>& rows, bool upsert) {
  size_t at = 0;
  while (at < rows.size()) {
    size_t left = rows.size() - at;
    size_t n =
        left >= shape.rows_per_statement ? shape.rows_per_statement : power_of_two_below(left);
    std::string sql = shape.insert_head;
    sql.reserve(sql.size() + n * (shape.tuple.size() + 2) + shape.upsert_tail.size());
    for (size_t i = 0; i < n; ++i) {
      if (i) sql += ", ";
      sql += shape.tuple;
    }
    if (upsert) sql += shape.upsert_tail;
    params_.clear();
    for (size_t i = at; i < at + n; ++i) {
      const Row& row = batch.rows[rows[i]];
      for (size_t c = 0; c < row.size(); ++c) params_.add(row[c], shape.binary[c]);
    }
    unsigned code = 0;
    Result<MariadbStatement*> st = run(sql, &code);
    if (!st.ok()) {
      if (mariadb_row_error(code)) return false;
      return Error{"writing " + quote_input(shape.table_name) + ": " + st.error().message};
    }
    Result<std::optional<std::string>> changed = data_warning();
    if (!changed.ok()) return changed.take_error();
    if (*changed) return false;
    at += n;
  }
  return true;
}

Result<std::optional<Row>> MariadbConnector::before_image(WriteShape& shape, const Row& row) {
  params_.clear();
  for (size_t p : shape.key_pos) params_.add(row[p], shape.binary[p]);
  Result<MariadbStatement*> st = run(shape.before_sql);
  if (!st.ok()) return st.take_error();
  Result<bool> found = (*st)->fetch();
  if (!found.ok()) return found.take_error();
  std::optional<Row> image;
  if (*found) {
    const std::vector<MariadbCell>& cells = (*st)->cells();
    image.emplace(shape.types.size());
    for (size_t i = 0; i < shape.types.size(); ++i) {
      // A value that does not read as its type is kept as stored: restoring it is exact.
      Result<Value> v = mariadb_read_cell(cells[i], shape.types[i]);
      (*image)[i] = v.ok() ? std::move(*v) : mariadb_stored_value(cells[i]);
    }
  }
  (*st)->finish();
  return image;
}

Result<bool> MariadbConnector::key_exists(WriteShape& shape, const Row& row) {
  params_.clear();
  for (size_t p : shape.key_pos) params_.add(row[p], shape.binary[p]);
  Result<MariadbStatement*> st = run(shape.exists_sql);
  if (!st.ok()) return st.take_error();
  Result<bool> found = (*st)->fetch();
  (*st)->finish();
  return found;
}

// One row under the shape's policy, as the SQLite connector writes it. `problem` gets the
// server's message (refused) or the error (fatal).
MariadbConnector::RowResult MariadbConnector::write_row(WriteShape& shape, const Row& row,
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
  } else if (shape.policy == ConflictPolicy::skip) {
    Result<bool> found = key_exists(shape, row);
    if (!found.ok()) return fatal(found.error());
    if (*found) {
      out.skipped.push_back(index);
      return RowResult::written;
    }
  }
  if (existed && shape.rest_pos.empty()) {
    ++out.updated;  // every column is part of the key: nothing to change
    return RowResult::written;
  }
  params_.clear();
  if (existed) {
    for (size_t p : shape.rest_pos) params_.add(row[p], shape.binary[p]);
    for (size_t p : shape.key_pos) params_.add(row[p], shape.binary[p]);
  } else {
    for (size_t c = 0; c < row.size(); ++c) params_.add(row[c], shape.binary[c]);
  }
  unsigned code = 0;
  Result<MariadbStatement*> st =
      run(existed ? shape.update_sql : shape.insert_head + shape.tuple, &code);
  RowResult result = RowResult::written;
  if (!st.ok()) {
    if (!mariadb_row_error(code))
      return fatal(Error{"writing " + quote_input(shape.table_name) + ": " + st.error().message});
    problem = st.error().message;
    result = RowResult::refused;
  } else {
    Result<std::optional<std::string>> changed = data_warning();
    if (!changed.ok()) return fatal(changed.error());
    if (*changed) {
      problem = **changed;
      result = RowResult::refused;
    }
  }
  if (result == RowResult::refused) {
    if (existed) out.before.pop_back();
    // Under `on conflict fail`, a duplicate of a key that exists fails the write.
    if (shape.policy == ConflictPolicy::fail &&
        (code == ER_DUP_ENTRY || code == ER_DUP_ENTRY_WITH_KEY_NAME) && !shape.key_pos.empty()) {
      Result<bool> dup = key_exists(shape, row);
      if (!dup.ok()) return fatal(dup.error());
      if (*dup) {
        Row key;
        for (size_t p : shape.key_pos) key.push_back(row[p]);
        return fatal(Error{"row with key " + join_key_text(key) + " already exists in " +
                           quote_input(shape.table_name) + "; the task's `on conflict` is `fail`"});
      }
    }
    return RowResult::refused;
  }
  if (existed)
    ++out.updated;
  else
    ++out.inserted;
  return RowResult::written;
}

Status MariadbConnector::write_one_by_one(WriteShape& shape, const Batch& batch,
                                          const std::vector<size_t>& rows, WriteOutcome& out) {
  for (size_t i : rows) {
    if (Status s = db_.exec("SAVEPOINT mig_row"); !s.ok()) return s;
    std::string problem;
    RowResult r = write_row(shape, batch.rows[i], i, out, problem);
    if (r == RowResult::fatal) return Error{problem};
    if (r == RowResult::refused) {
      if (Status s = db_.exec("ROLLBACK TO SAVEPOINT mig_row"); !s.ok()) return s;
      out.refused.push_back(RefusedRow{i, problem});
    }
  }
  return Status::success();
}

// The fast path for one chunk; any doubt (a key the server matches differently than mig
// would, a refused row, a changed value) sends the chunk down the exact row-by-row path.
Status MariadbConnector::write_chunk(WriteShape& shape, const Batch& batch, const Chunk& chunk,
                                     WriteOutcome& out) {
  std::vector<size_t> fresh = chunk.rows;
  std::vector<size_t> existing;
  std::vector<std::pair<size_t, Row>> images;
  if (shape.policy != ConflictPolicy::fail) {
    // The rows the chunk's keys already have, locked; the IN list is padded (repeating
    // the last key) to a power of two so that few statement shapes are prepared.
    std::unordered_map<Row, size_t, KeyHash, KeyEqual> by_key;
    size_t n = chunk.rows.size() == 1 ? 1 : power_of_two_below(chunk.rows.size() - 1) * 2;
    params_.clear();
    for (size_t i = 0; i < n; ++i) {
      const Row& row = batch.rows[chunk.rows[std::min(i, chunk.rows.size() - 1)]];
      Row key;
      for (size_t p : shape.key_pos) {
        params_.add(row[p], shape.binary[p]);
        key.push_back(row[p]);
      }
      if (i < chunk.rows.size()) by_key.emplace(std::move(key), chunk.rows[i]);
    }
    bool update = shape.policy == ConflictPolicy::update;
    std::vector<std::string> key_names;
    for (size_t p : shape.key_pos) key_names.push_back(shape.columns[p]);
    std::string sql = "SELECT " + mariadb_quote_list(update ? shape.columns : key_names) +
                      " FROM " + shape.target + " WHERE " + mariadb_key_in_list(key_names, n) +
                      " FOR UPDATE";
    Result<MariadbStatement*> st = run(sql);
    if (!st.ok())
      return Error{"reading the existing keys of " + quote_input(shape.table_name) + ": " +
                   st.error().message};
    bool exact = true;
    std::unordered_set<size_t> matched;
    for (;;) {
      Result<bool> more = (*st)->fetch();
      if (!more.ok()) return more.error();
      if (!*more) break;
      const std::vector<MariadbCell>& cells = (*st)->cells();
      Row key;
      for (size_t k = 0; k < shape.key_pos.size(); ++k) {
        size_t col = update ? shape.key_pos[k] : k;
        Result<Value> v = mariadb_read_cell(cells[col], shape.types[shape.key_pos[k]]);
        key.push_back(v.ok() ? std::move(*v) : Value());
      }
      auto it = by_key.find(key);
      if (!exact || it == by_key.end() || !matched.insert(it->second).second) {
        exact = false;  // the server's equality (a collation, a type) is not mig's: go slow
        continue;
      }
      if (!update) continue;
      Row image(shape.types.size());
      for (size_t i = 0; i < shape.types.size(); ++i) {
        Result<Value> v = mariadb_read_cell(cells[i], shape.types[i]);
        image[i] = v.ok() ? std::move(*v) : mariadb_stored_value(cells[i]);
      }
      images.emplace_back(it->second, std::move(image));
    }
    if (!exact) return write_one_by_one(shape, batch, chunk.rows, out);
    existing.assign(matched.begin(), matched.end());
    std::sort(existing.begin(), existing.end());
    std::sort(images.begin(), images.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    fresh.clear();
    for (size_t i : chunk.rows)
      if (!matched.count(i)) fresh.push_back(i);
  }
  std::vector<size_t> gone;  // update_only: rows deleted since they were read
  if (shape.update_only) gone.swap(fresh);

  if (Status s = db_.exec("SAVEPOINT mig_chunk"); !s.ok()) return s;
  Result<bool> ok = insert_rows(shape, batch, fresh, false);
  if (ok.ok() && *ok && shape.policy == ConflictPolicy::update && !existing.empty() &&
      !shape.upsert_tail.empty()) {
    if (shape.upsert_exact) {
      ok = insert_rows(shape, batch, existing, true);
    } else {
      for (size_t i : existing) {
        const Row& row = batch.rows[i];
        params_.clear();
        for (size_t p : shape.rest_pos) params_.add(row[p], shape.binary[p]);
        for (size_t p : shape.key_pos) params_.add(row[p], shape.binary[p]);
        unsigned code = 0;
        Result<MariadbStatement*> st = run(shape.update_sql, &code);
        if (!st.ok()) {
          ok = mariadb_row_error(code) ? Result<bool>(false) : Result<bool>(st.take_error());
          break;
        }
        Result<std::optional<std::string>> changed = data_warning();
        if (!changed.ok() || *changed) {
          ok = changed.ok() ? Result<bool>(false) : Result<bool>(changed.take_error());
          break;
        }
      }
    }
  }
  if (!ok.ok()) return ok.error();
  if (!*ok) {
    if (Status s = db_.exec("ROLLBACK TO SAVEPOINT mig_chunk"); !s.ok()) return s;
    return write_one_by_one(shape, batch, chunk.rows, out);
  }
  out.inserted += static_cast<int64_t>(fresh.size());
  if (shape.policy == ConflictPolicy::skip)
    out.skipped.insert(out.skipped.end(), existing.begin(), existing.end());
  out.skipped.insert(out.skipped.end(), gone.begin(), gone.end());
  if (shape.policy == ConflictPolicy::update) {
    out.updated += static_cast<int64_t>(existing.size());
    for (auto& image : images) out.before.push_back(std::move(image));
  }
  return Status::success();
}

// A row that cannot go at all (a NaN, a row beyond the packet limit) is refused before
// any SQL; the rest go in chunks.
Result<WriteOutcome> MariadbConnector::write(const WriteRequest& request, const Batch& batch) {
  if (!in_transaction_)
    return Error{"write to " + quote_input(request.table) + " outside a transaction"};
  if (batch.rows.empty()) return WriteOutcome{};
  Result<WriteShape> shape = write_shape(request, batch);
  if (!shape.ok()) return shape.take_error();
  for (size_t i = 0; i < batch.rows.size(); ++i)
    if (batch.rows[i].size() != batch.columns.size())
      return Error{"row " + std::to_string(i) + " of a batch for " +
                   quote_input(shape->table_name) + " has " + std::to_string(batch.rows[i].size()) +
                   " values for " + std::to_string(batch.columns.size()) + " columns"};
  if (Status s = db_.exec("SAVEPOINT mig_batch"); !s.ok()) return s.error();
  WriteOutcome out;
  size_t pos = 0;
  while (pos < batch.rows.size()) {
    Chunk chunk;
    size_t bytes = 0;
    std::unordered_set<Row, KeyHash, KeyEqual> keys;
    while (pos < batch.rows.size() && chunk.rows.size() < shape->rows_per_statement) {
      const Row& row = batch.rows[pos];
      std::optional<std::string> problem;
      for (size_t c = 0; c < row.size() && !problem; ++c)
        if (row[c].kind() == ValueKind::float_ && !std::isfinite(row[c].as_float()))
          problem = "column " + quote_input(shape->columns[c]) + ": " +
                    quote_input(to_text(row[c])) +
                    " cannot be stored (MariaDB has no NaN or infinity)";
      size_t size = wire_size(row);
      if (!problem && size > shape->packet_budget)
        problem = "the row takes " + std::to_string(size) +
                  " bytes, more than the server's "
                  "max_allowed_packet allows (" +
                  std::to_string(db_.max_packet()) + "): raise it";
      if (problem) {
        out.refused.push_back(RefusedRow{pos++, *problem});
        continue;
      }
      if (!chunk.rows.empty() && bytes + size > shape->packet_budget) break;
      if (shape->policy != ConflictPolicy::fail) {
        Row key;
        for (size_t p : shape->key_pos) key.push_back(row[p]);
        if (!keys.insert(std::move(key)).second)
          break;  // a key twice: the next chunk sees the first
      }
      chunk.rows.push_back(pos++);
      bytes += size;
    }
    if (chunk.rows.empty()) continue;
    if (Status s = write_chunk(*shape, batch, chunk, out); !s.ok()) {
      (void)db_.exec("ROLLBACK TO SAVEPOINT mig_batch");
      return s.error();
    }
  }
  if (Status s = db_.exec("RELEASE SAVEPOINT mig_batch"); !s.ok()) return s.error();
  std::sort(out.refused.begin(), out.refused.end(),
            [](const RefusedRow& a, const RefusedRow& b) { return a.index < b.index; });
  return out;
}

Result<int64_t> MariadbConnector::remove(const WriteRequest& request,
                                         const std::vector<Row>& keys) {
  if (request.key.empty())
    return Error{"deleting from " + quote_input(request.table) + " needs a key"};
  Result<const MariadbTable*> t = table(request.schema, request.table);
  if (!t.ok()) return t.take_error();
  std::vector<bool> binary;
  for (const std::string& k : request.key) {
    const ColumnInfo* c = (*t)->info.column(k);
    if (!c)
      return Error{"table " + quote_input((*t)->info.qualified()) + " has no column " +
                   quote_input(k)};
    binary.push_back(mariadb_binary_column(c->native_type));
  }
  std::string target = qualified(request.schema, request.table);
  int64_t removed = 0;
  size_t at = 0;
  while (at < keys.size()) {
    size_t left = keys.size() - at;
    size_t n = left >= kMaxRowsPerStatement ? kMaxRowsPerStatement : power_of_two_below(left);
    params_.clear();
    for (size_t i = at; i < at + n; ++i) {
      if (keys[i].size() != request.key.size())
        return Error{"a key of " + std::to_string(keys[i].size()) + " values to delete from " +
                     quote_input(request.table) + ", whose key has " +
                     std::to_string(request.key.size())};
      for (size_t k = 0; k < keys[i].size(); ++k) params_.add(keys[i][k], binary[k]);
    }
    Result<MariadbStatement*> st =
        run("DELETE FROM " + target + " WHERE " + mariadb_key_in_list(request.key, n));
    if (!st.ok())
      return Error{"deleting from " + quote_input(request.table) + ": " + st.error().message};
    removed += static_cast<int64_t>((*st)->affected_rows());
    at += n;
  }
  return removed;
}

}  // namespace mig
