// PostgresConnector's write side: a batch goes in with COPY (straight into the table under
// `on conflict fail`, into a staging table then INSERT ... ON CONFLICT under skip/update).
// COPY is all or nothing, so when the server refuses some row the batch is halved under
// savepoints until the refused rows stand alone; the rest is written.
#include <algorithm>
#include <set>
#include <unordered_set>

#include "runtime/postgres_connector.hpp"
#include "runtime/postgres_sql.hpp"
#include "runtime/value_text.hpp"

namespace mig {
namespace {

const char* policy_name(ConflictPolicy p) {
  switch (p) {
    case ConflictPolicy::skip: return "skip";
    case ConflictPolicy::update: return "update";
    case ConflictPolicy::fail: return "fail";
  }
  return "fail";
}

// Errors that belong to the values of a row rather than to the statement or the
// connection: data exceptions (22: bad input, out of range, too long), integrity
// constraints (23: not null, unique, foreign key, check, exclusion), an index row too
// large (54000), and an exception a trigger raised for the row (P0001).
bool row_level(const std::string& sqlstate) {
  return sqlstate.rfind("22", 0) == 0 || sqlstate.rfind("23", 0) == 0 || sqlstate == "54000" ||
         sqlstate == "P0001";
}

// The server's message, with the column in front when it names one the message does not.
std::string refusal_reason(const PgFailure& f) {
  if (f.column.empty() || f.message.find("\"" + f.column + "\"") != std::string::npos) return f.message;
  return "column " + quote_input(f.column) + ": " + f.message;
}

std::string join_key_text(const Row& key) {
  std::string out = "(";
  for (size_t i = 0; i < key.size(); ++i) {
    if (i) out += ", ";
    out += key[i].is_null() ? "null" : to_text(key[i]);
  }
  return out + ")";
}

// `a."k1" = b."k1" AND a."k2" = b."k2"`.
std::string key_equal(const std::vector<std::string>& key, const std::string& a, const std::string& b) {
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) {
    if (i) out += " AND ";
    out += a + "." + pg_quote(key[i]) + " = " + b + "." + pg_quote(key[i]);
  }
  return out;
}

// A name for a staging table's bookkeeping column that no batch column has.
std::string free_name(std::string name, const std::vector<std::string>& taken) {
  while (std::find(taken.begin(), taken.end(), name) != taken.end()) name += "_";
  return name;
}

void merge(WriteOutcome& into, WriteOutcome&& part) {
  into.inserted += part.inserted;
  into.updated += part.updated;
  into.skipped.insert(into.skipped.end(), part.skipped.begin(), part.skipped.end());
  for (auto& b : part.before) into.before.push_back(std::move(b));
  for (auto& r : part.refused) into.refused.push_back(std::move(r));
}

int64_t affected(PGresult* r) {
  const char* n = PQcmdTuples(r);
  return n && *n ? std::stoll(n) : 0;
}

}  // namespace

// The statements' common parts for one request shape.
struct PostgresConnector::WriteShape {
  std::string stage_key;          // target + columns: which staging table fits
  std::string target;             // "schema"."table"
  std::string shown;              // schema.table, for messages
  ConflictPolicy policy = ConflictPolicy::fail;
  std::vector<std::string> columns;
  std::vector<PgColumnType> types;  // of the batch columns in the target
  std::vector<std::string> key;
  std::vector<size_t> key_pos;    // key columns' positions in the batch
  std::vector<size_t> rest_pos;   // the other columns' positions
  bool unique = false;            // a unique index on exactly the key: ON CONFLICT (key)
  bool text_equality = false;     // the key's texts tell duplicates apart (pg_text_equality)
  bool overriding = false;        // a GENERATED ALWAYS identity column is given values
  bool update_only = false;       // an update task: UPDATE ... FROM the staging table only
  std::string stage;              // pg_temp."mig_stage_N"
  std::string row_col;            // the staging table's batch-index column
  std::string round_col;          // ... and round column (see number_rounds)
};

// The batch's rows as COPY text lines, one after another in one buffer (row i is
// text[start[i], start[i + 1]), newline included; empty when refused before sending, and
// then `ok` is false).
struct PostgresConnector::Encoded {
  std::string text;
  std::vector<size_t> start;
  std::vector<char> ok;

  std::string_view line(size_t i) const {
    return std::string_view(text).substr(start[i], start[i + 1] - start[i]);
  }
  // The lines of `rows` (rows not refused, each once): the whole buffer, without a copy,
  // when they are all of them.
  std::string_view lines(const std::vector<size_t>& rows, std::string& buffer) const {
    if (rows.size() == size_t(std::count(ok.begin(), ok.end(), 1))) return text;
    for (size_t i : rows) buffer += line(i);
    return buffer;
  }
};

std::string PostgresConnector::markers_table() const { return pg_qualified(default_schema_, "_mig_commits"); }

Result<PostgresConnector::WriteShape> PostgresConnector::write_shape(const WriteRequest& request,
                                                                     const Batch& batch) {
  Result<const PgTable*> found = table(request.schema, request.table);
  if (!found.ok()) return found.take_error();
  const PgTable& t = **found;
  for (const std::string& c : batch.columns)
    if (!t.info.column(c))
      return Error{"table " + quote_input(t.info.qualified()) + " has no column " + quote_input(c)};
  for (const std::string& k : request.key)
    if (std::find(batch.columns.begin(), batch.columns.end(), k) == batch.columns.end())
      return Error{"key column " + quote_input(k) + " of " + quote_input(t.info.qualified()) +
                   " is not among the columns written"};
  if (request.key.empty() && request.update_only)
    return Error{"an update of " + quote_input(t.info.qualified()) + " needs a key to find its rows"};
  if (request.key.empty() && request.on_conflict != ConflictPolicy::fail)
    return Error{"`on conflict " + std::string(policy_name(request.on_conflict)) + "` into " +
                 quote_input(t.info.qualified()) + " needs a key"};
  WriteShape w;
  w.target = pg_qualified(t.info.schema, t.info.name);
  w.shown = t.info.qualified();
  w.stage_key = w.target + " " + pg_quote_list(batch.columns);
  // An update goes through the staging table as `on conflict update` does (before-images
  // joined on the key), then update_round: UPDATE ... FROM, never an INSERT.
  w.policy = request.update_only ? ConflictPolicy::update : request.on_conflict;
  w.update_only = request.update_only;
  w.columns = batch.columns;
  w.key = request.key;
  for (size_t i = 0; i < batch.columns.size(); ++i) {
    w.types.push_back(*t.type_of(batch.columns[i]));
    if (w.types.back().identity_always) w.overriding = true;
    if (std::find(request.key.begin(), request.key.end(), batch.columns[i]) == request.key.end())
      w.rest_pos.push_back(i);
  }
  for (const std::string& k : request.key)
    w.key_pos.push_back(static_cast<size_t>(
        std::find(batch.columns.begin(), batch.columns.end(), k) - batch.columns.begin()));
  w.unique = !request.key.empty() && t.key_is_unique(request.key);
  w.text_equality = std::all_of(w.key_pos.begin(), w.key_pos.end(),
                                [&](size_t p) { return pg_text_equality(w.types[p]); });
  w.row_col = free_name("mig_row", batch.columns);
  w.round_col = free_name("mig_round", batch.columns);
  return w;
}

PostgresConnector::Encoded PostgresConnector::encode_rows(
    const WriteShape& shape, const Batch& batch, WriteOutcome& out,
    const std::function<void(std::string_view)>& sink) const {
  constexpr size_t kPart = 256 << 10;
  size_t handed = 0;  // bytes of enc.text given to the sink
  Encoded enc;
  enc.start.push_back(0);
  enc.ok.assign(batch.rows.size(), 1);
  std::string& line = enc.text;
  std::string text;
  for (size_t i = 0; i < batch.rows.size(); ++i) {
    const Row& row = batch.rows[i];
    for (size_t c = 0; c < row.size(); ++c) {
      if (c) line += '\t';
      if (row[c].is_null()) {
        line += "\\N";
        continue;
      }
      text.clear();
      if (Status s = pg_write_text(row[c], shape.types[c], text); !s.ok()) {
        out.refused.push_back(RefusedRow{i, "column " + quote_input(shape.columns[c]) + ": " + s.error().message});
        enc.ok[i] = 0;
        line.resize(enc.start.back());
        break;
      }
      append_copy_escaped(text, line);
    }
    if (enc.ok[i]) line += '\n';
    enc.start.push_back(line.size());
    if (sink && (line.size() - handed >= kPart || i + 1 == batch.rows.size())) {
      sink(std::string_view(line).substr(handed));
      handed = line.size();
    }
  }
  return enc;
}

// The batch is written under a savepoint of its own: whatever fails undoes the whole
// batch and leaves the transaction usable, as in the SQLite connector.
Result<WriteOutcome> PostgresConnector::write(const WriteRequest& request, const Batch& batch) {
  if (!txn_) return Error{"write to " + quote_input(request.table) + " outside a transaction"};
  if (batch.rows.empty()) return WriteOutcome{};
  Result<WriteShape> shape = write_shape(request, batch);
  if (!shape.ok()) return shape.take_error();
  for (size_t i = 0; i < batch.rows.size(); ++i)
    if (batch.rows[i].size() != batch.columns.size())
      return Error{"row " + std::to_string(i) + " of a batch for " + quote_input(shape->shown) +
                   " has " + std::to_string(batch.rows[i].size()) + " values for " +
                   std::to_string(batch.columns.size()) + " columns"};
  WriteOutcome out;
  Encoded enc;
  if (shape->policy == ConflictPolicy::fail) {
    if (Status s = conn_->exec("SAVEPOINT mig_batch"); !s.ok()) return s.error();
    if (stream_into_target(*shape, batch, enc, out).ok()) return finish_batch(std::move(out));
    // Some row was refused: undone, and the slices below find it.
    if (Status s = conn_->exec("ROLLBACK TO SAVEPOINT mig_batch"); !s.ok()) return s.error();
  } else {
    enc = encode_rows(*shape, batch, out);
    if (Status s = ensure_stage(*shape); !s.ok()) return s.error();
    if (Status s = conn_->exec("SAVEPOINT mig_batch"); !s.ok()) return s.error();
  }
  std::vector<size_t> rows;
  for (size_t i = 0; i < batch.rows.size(); ++i)
    if (enc.ok[i]) rows.push_back(i);
  Status written = write_slice(*shape, batch, enc, rows, out);
  if (!written.ok()) {
    (void)conn_->exec("ROLLBACK TO SAVEPOINT mig_batch");
    (void)conn_->exec("RELEASE SAVEPOINT mig_batch");
    return written.error();
  }
  return finish_batch(std::move(out));
}

// Releases the batch's savepoint; the outcome's lists in row order.
Result<WriteOutcome> PostgresConnector::finish_batch(WriteOutcome out) {
  if (Status s = conn_->exec("RELEASE SAVEPOINT mig_batch"); !s.ok()) return s.error();
  auto by_index = [](const auto& a, const auto& b) { return a.first < b.first; };
  std::sort(out.skipped.begin(), out.skipped.end());
  std::stable_sort(out.before.begin(), out.before.end(), by_index);
  std::stable_sort(out.refused.begin(), out.refused.end(),
                   [](const RefusedRow& a, const RefusedRow& b) { return a.index < b.index; });
  return out;
}

Status PostgresConnector::stream_into_target(const WriteShape& shape, const Batch& batch,
                                             Encoded& enc, WriteOutcome& out) {
  Status started = conn_->copy_start("COPY " + shape.target + " (" + pg_quote_list(shape.columns) +
                                     ") FROM STDIN");
  bool sent = started.ok();
  enc = encode_rows(shape, batch, out, [&](std::string_view part) {
    if (sent) sent = conn_->copy_put(part);
  });
  if (!started.ok()) return started;
  if (Status s = conn_->copy_end(sent); !s.ok()) return s;
  out.inserted += std::count(enc.ok.begin(), enc.ok.end(), 1);
  return Status::success();
}

Status PostgresConnector::write_slice(WriteShape& shape, const Batch& batch, const Encoded& enc,
                                      const std::vector<size_t>& rows, WriteOutcome& out) {
  if (rows.empty()) return Status::success();
  if (Status s = conn_->exec("SAVEPOINT mig_slice"); !s.ok()) return s;
  WriteOutcome part;
  Status tried = try_slice(shape, batch, enc, rows, part);
  if (tried.ok()) {
    if (Status s = conn_->exec("RELEASE SAVEPOINT mig_slice"); !s.ok()) return s;
    merge(out, std::move(part));
    return Status::success();
  }
  PgFailure failure = conn_->last_failure();
  if (Status s = conn_->exec("ROLLBACK TO SAVEPOINT mig_slice; RELEASE SAVEPOINT mig_slice"); !s.ok())
    return s;
  // Two rows with one key that the texts did not tell apart (has_duplicate_keys): again,
  // in rounds numbered by the server.
  if (failure.sqlstate == "21000" && shape.text_equality) {
    shape.text_equality = false;
    return write_slice(shape, batch, enc, rows, out);
  }
  if (!row_level(failure.sqlstate))
    return Error{"writing " + quote_input(shape.shown) + ": " + tried.error().message};
  if (rows.size() > 1) {
    size_t half = rows.size() / 2;
    std::vector<size_t> left(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(half));
    std::vector<size_t> right(rows.begin() + static_cast<std::ptrdiff_t>(half), rows.end());
    if (Status s = write_slice(shape, batch, enc, left, out); !s.ok()) return s;
    return write_slice(shape, batch, enc, right, out);
  }
  // Under `on conflict fail`, a uniqueness error on a key that exists fails the write; on
  // another unique column it refuses the row.
  if (shape.policy == ConflictPolicy::fail && failure.sqlstate == "23505") {
    Result<std::optional<Error>> conflict = key_conflict(shape, batch.rows[rows[0]]);
    if (!conflict.ok()) return conflict.take_error();
    if (*conflict) return **conflict;
  }
  out.refused.push_back(RefusedRow{rows[0], refusal_reason(failure)});
  return Status::success();
}

Result<std::optional<Error>> PostgresConnector::key_conflict(const WriteShape& shape, const Row& row) {
  if (shape.key.empty()) return std::optional<Error>();
  PgParams params;
  std::string sql = "SELECT 1 FROM " + shape.target + " WHERE ";
  Row key;
  for (size_t i = 0; i < shape.key_pos.size(); ++i) {
    const Value& v = row[shape.key_pos[i]];
    if (v.is_null()) return std::optional<Error>();  // a null key conflicts with nothing
    std::string text;
    if (Status s = pg_write_text(v, shape.types[shape.key_pos[i]], text); !s.ok()) return s.error();
    params.add(std::move(text));
    sql += (i ? " AND " : "") + pg_quote(shape.key[i]) + " = $" + std::to_string(i + 1);
    key.push_back(v);
  }
  Result<PgResult> r = conn_->query(sql + " LIMIT 1", params);
  if (!r.ok()) return r.take_error();
  if (PQntuples(r->get()) == 0) return std::optional<Error>();
  return std::optional<Error>(Error{"row with key " + join_key_text(key) + " already exists in " +
                                    quote_input(shape.shown) + "; the task's `on conflict` is `fail`"});
}

Status PostgresConnector::try_slice(WriteShape& shape, const Batch& batch, const Encoded& enc,
                                    const std::vector<size_t>& rows, WriteOutcome& out) {
  if (shape.policy == ConflictPolicy::fail) return copy_into_target(shape, enc, rows, out);

  // The staging table is empty at the start of each transaction; a second slice in the
  // same one (after a refused row) empties it first.
  if (!stages_filled_.insert(shape.stage).second)
    if (Status s = conn_->exec("TRUNCATE " + shape.stage); !s.ok()) return s;
  std::string data;
  for (size_t i : rows) {
    data += std::to_string(i);
    data += "\t1\t";
    data += enc.line(i);
  }
  if (Status s = conn_->copy_in("COPY " + shape.stage + " (" + pg_quote(shape.row_col) + ", " +
                                    pg_quote(shape.round_col) + ", " + pg_quote_list(shape.columns) +
                                    ") FROM STDIN",
                                data);
      !s.ok())
    return s;
  std::map<size_t, int> later;
  int rounds = 1;
  if (rows.size() > 1 && (!shape.text_equality || has_duplicate_keys(shape, batch, rows))) {
    Result<int> n = number_rounds(shape, later);
    if (!n.ok()) return n.take_error();
    rounds = *n;
  }
  for (int round = 1; round <= rounds; ++round) {
    std::vector<size_t> in_round;
    for (size_t i : rows) {
      auto it = later.find(i);
      if ((it == later.end() ? 1 : it->second) == round) in_round.push_back(i);
    }
    if (Status s = upsert_round(shape, batch, round, in_round, out); !s.ok()) return s;
  }
  return Status::success();
}

// Whether two of `rows` have keys the server may find equal, told from the keys' texts
// (only for a shape with text_equality); a null key equals nothing.
bool PostgresConnector::has_duplicate_keys(const WriteShape& shape, const Batch& batch,
                                           const std::vector<size_t>& rows) const {
  std::unordered_set<std::string> seen;
  seen.reserve(rows.size());
  std::string key;
  std::string text;
  for (size_t i : rows) {
    key.clear();
    bool has_null = false;
    for (size_t p : shape.key_pos) {
      const Value& v = batch.rows[i][p];
      if (v.is_null()) {
        has_null = true;
        break;
      }
      text.clear();
      (void)pg_write_text(v, shape.types[p], text);  // encoded once already: cannot fail
      if (shape.types[p].type == BaseType::decimal) {  // 1.50 = 1.5 = 1.500
        Result<Decimal> d = Decimal::parse(text);
        if (!d.ok()) return true;  // `1e+20`: let the server tell
        text = d->normalized().to_string();
      }
      key += std::to_string(text.size()) + ":" + text;
    }
    if (has_null) continue;
    if (!seen.insert(key).second) return true;
  }
  return false;
}

Status PostgresConnector::copy_into_target(const WriteShape& shape, const Encoded& enc,
                                           const std::vector<size_t>& rows, WriteOutcome& out) {
  std::string buffer;
  std::string_view data = enc.lines(rows, buffer);
  if (Status s = conn_->copy_in("COPY " + shape.target + " (" + pg_quote_list(shape.columns) + ") FROM STDIN", data);
      !s.ok())
    return s;
  out.inserted += static_cast<int64_t>(rows.size());
  return Status::success();
}

// One staging table per target and column list, made on first use: the batch columns with
// the target's types (no constraints, so that every row stages and the target's own
// checks decide), the batch index, and the round.
Status PostgresConnector::ensure_stage(WriteShape& shape) {
  auto it = stages_.find(shape.stage_key);
  if (it == stages_.end()) {
    std::string name = "mig_stage_" + std::to_string(++stage_count_);
    Status s = conn_->exec("CREATE TEMP TABLE " + pg_quote(name) + " ON COMMIT DELETE ROWS AS SELECT 0::int4 AS " +
                           pg_quote(shape.row_col) + ", 0::int4 AS " + pg_quote(shape.round_col) + ", " +
                           pg_quote_list(shape.columns) + " FROM " + shape.target + " WITH NO DATA");
    if (!s.ok()) return Error{"making a staging table for " + quote_input(shape.shown) + ": " + s.error().message};
    if (txn_) stages_this_txn_.push_back(name);
    it = stages_.emplace(shape.stage_key, name).first;
  }
  shape.stage = "pg_temp." + pg_quote(it->second);
  return Status::success();
}

// ON CONFLICT may not touch one row twice in a statement, so rows of the batch with the
// same key (as the server compares them) go in rounds: each key's first row in round 1,
// its second in round 2, ... — later rows then see the earlier ones, as row by row would.
Result<int> PostgresConnector::number_rounds(const WriteShape& shape, std::map<size_t, int>& later) {
  std::string row = pg_quote(shape.row_col);
  Result<PgResult> r = conn_->query(
      "WITH d AS (SELECT " + row + ", row_number() OVER (PARTITION BY " + pg_quote_list(shape.key) +
      " ORDER BY " + row + ") AS n FROM " + shape.stage + ") UPDATE " + shape.stage + " s SET " +
      pg_quote(shape.round_col) + " = d.n FROM d WHERE s." + row + " = d." + row +
      " AND d.n > 1 RETURNING s." + row + ", d.n");
  if (!r.ok()) return r.take_error();
  int rounds = 1;
  for (int i = 0; i < PQntuples(r->get()); ++i) {
    int n = std::stoi(PQgetvalue(r->get(), i, 1));
    later[static_cast<size_t>(std::stoull(PQgetvalue(r->get(), i, 0)))] = n;
    rounds = std::max(rounds, n);
  }
  return rounds;
}

// The rows of `round` as they are before the write (batch columns), for rollback.
Status PostgresConnector::collect_before(const WriteShape& shape, int round, WriteOutcome& out,
                                         size_t* found) {
  std::string cols;
  for (size_t i = 0; i < shape.columns.size(); ++i) {
    std::string name = "t." + pg_quote(shape.columns[i]);
    cols += ", " + (shape.types[i].is_array ? "pg_catalog.to_json(" + name + ")" : name);
  }
  PgParams params;
  params.add(std::to_string(round), 23);
  Result<PgResult> r = conn_->query(
      "SELECT DISTINCT ON (s." + pg_quote(shape.row_col) + ") s." + pg_quote(shape.row_col) + cols +
          " FROM " + shape.stage + " s JOIN " + shape.target + " t ON " + key_equal(shape.key, "t", "s") +
          " WHERE s." + pg_quote(shape.round_col) + " = $1 ORDER BY s." + pg_quote(shape.row_col),
      params);
  if (!r.ok()) return r.take_error();
  PGresult* res = r->get();
  *found = static_cast<size_t>(PQntuples(res));
  for (int i = 0; i < PQntuples(res); ++i) {
    Row image(shape.columns.size());
    for (size_t c = 0; c < shape.columns.size(); ++c) {
      int col = static_cast<int>(c + 1);
      if (PQgetisnull(res, i, col)) continue;
      std::string_view text(PQgetvalue(res, i, col), static_cast<size_t>(PQgetlength(res, i, col)));
      // A value that does not read as its type is kept as the server printed it:
      // writing that text back restores it exactly.
      Result<Value> v = pg_read_text(text, shape.types[c].type);
      image[c] = v.ok() ? std::move(*v) : Value::text(std::string(text));
    }
    out.before.emplace_back(static_cast<size_t>(std::stoull(PQgetvalue(res, i, 0))), std::move(image));
  }
  return Status::success();
}

Status PostgresConnector::upsert_round(const WriteShape& shape, const Batch& batch, int round,
                                       const std::vector<size_t>& rows, WriteOutcome& out) {
  if (rows.empty()) return Status::success();
  if (shape.update_only) return update_round(shape, round, rows, out);
  PgParams params;
  params.add(std::to_string(round), 23);
  const std::string cols = pg_quote_list(shape.columns);
  const std::string in_round = pg_quote(shape.round_col) + " = $1";
  const std::string order = " ORDER BY " + pg_quote(shape.row_col);
  const std::string insert = "INSERT INTO " + shape.target + " AS t (" + cols + ")" +
                             (shape.overriding ? " OVERRIDING SYSTEM VALUE" : "");
  const std::string absent = " AND NOT EXISTS (SELECT 1 FROM " + shape.target + " t WHERE " +
                             key_equal(shape.key, "t", "s") + ")";
  std::string sets;
  for (size_t p : shape.rest_pos) {
    if (!sets.empty()) sets += ", ";
    sets += pg_quote(shape.columns[p]) + " = ";
    sets += shape.unique ? "EXCLUDED." + pg_quote(shape.columns[p]) : "s." + pg_quote(shape.columns[p]);
  }

  if (shape.policy == ConflictPolicy::update) {
    size_t existed = 0;
    if (Status s = collect_before(shape, round, out, &existed); !s.ok()) return s;
    int64_t written = 0;
    if (shape.unique) {
      Result<PgResult> r = conn_->query(insert + " SELECT " + cols + " FROM " + shape.stage + " WHERE " +
                                            in_round + order + " ON CONFLICT (" + pg_quote_list(shape.key) +
                                            ") DO " + (sets.empty() ? "NOTHING" : "UPDATE SET " + sets),
                                        params);
      if (!r.ok()) return r.take_error();
      written = affected(r->get());
      if (!sets.empty()) written -= static_cast<int64_t>(existed);  // the others were updated
    } else {
      if (!sets.empty()) {  // no unique key to infer: update what is there, insert the rest
        Result<PgResult> u = conn_->query("UPDATE " + shape.target + " t SET " + sets + " FROM " + shape.stage +
                                              " s WHERE s." + in_round + " AND " + key_equal(shape.key, "t", "s"),
                                          params);
        if (!u.ok()) return u.take_error();
      }
      Result<PgResult> r = conn_->query(insert + " SELECT " + pg_quote_list(shape.columns, "s.") + " FROM " +
                                            shape.stage + " s WHERE s." + in_round + absent + order,
                                        params);
      if (!r.ok()) return r.take_error();
      written = affected(r->get());
    }
    out.inserted += written;
    out.updated += static_cast<int64_t>(existed);
    return Status::success();
  }

  // skip: the rows written are those whose key the INSERT returns (or with a null key,
  // which conflicts with nothing); the others were skipped.
  std::set<size_t> inserted;
  if (shape.unique) {
    Result<PgResult> r = conn_->query(
        "WITH ins AS (" + insert + " SELECT " + cols + " FROM " + shape.stage + " WHERE " + in_round + order +
            " ON CONFLICT (" + pg_quote_list(shape.key) + ") DO NOTHING RETURNING " +
            pg_quote_list(shape.key, "t.") + ") SELECT s." + pg_quote(shape.row_col) + " FROM " + shape.stage +
            " s JOIN ins ON " + key_equal(shape.key, "ins", "s") + " WHERE s." + in_round,
        params);
    if (!r.ok()) return r.take_error();
    for (int i = 0; i < PQntuples(r->get()); ++i) inserted.insert(std::stoull(PQgetvalue(r->get(), i, 0)));
    for (size_t i : rows)
      for (size_t p : shape.key_pos)
        if (batch.rows[i][p].is_null()) inserted.insert(i);
  } else {
    Result<PgResult> present = conn_->query("SELECT s." + pg_quote(shape.row_col) + " FROM " + shape.stage +
                                                " s WHERE s." + in_round + " AND EXISTS (SELECT 1 FROM " +
                                                shape.target + " t WHERE " + key_equal(shape.key, "t", "s") + ")",
                                            params);
    if (!present.ok()) return present.take_error();
    std::set<size_t> skipped;
    for (int i = 0; i < PQntuples(present->get()); ++i) skipped.insert(std::stoull(PQgetvalue(present->get(), i, 0)));
    Result<PgResult> r = conn_->query(insert + " SELECT " + pg_quote_list(shape.columns, "s.") + " FROM " +
                                          shape.stage + " s WHERE s." + in_round + absent + order,
                                      params);
    if (!r.ok()) return r.take_error();
    for (size_t i : rows)
      if (!skipped.count(i)) inserted.insert(i);
  }
  for (size_t i : rows) {
    if (inserted.count(i)) ++out.inserted;
    else out.skipped.push_back(i);
  }
  return Status::success();
}

// An update task's round: the before-images of the rows whose key is there, then one
// UPDATE ... FROM the staging table; the rows without an image were deleted since they
// were read, and are skipped (never re-inserted).
Status PostgresConnector::update_round(const WriteShape& shape, int round, const std::vector<size_t>& rows,
                                       WriteOutcome& out) {
  size_t first = out.before.size();
  size_t existed = 0;
  if (Status s = collect_before(shape, round, out, &existed); !s.ok()) return s;
  std::set<size_t> found;
  for (size_t i = first; i < out.before.size(); ++i) found.insert(out.before[i].first);
  std::string sets;
  for (size_t p : shape.rest_pos)
    sets += (sets.empty() ? "" : ", ") + pg_quote(shape.columns[p]) + " = s." + pg_quote(shape.columns[p]);
  if (!sets.empty() && existed > 0) {
    PgParams params;
    params.add(std::to_string(round), 23);
    Result<PgResult> u = conn_->query("UPDATE " + shape.target + " t SET " + sets + " FROM " + shape.stage +
                                          " s WHERE s." + pg_quote(shape.round_col) + " = $1 AND " +
                                          key_equal(shape.key, "t", "s"),
                                      params);
    if (!u.ok()) return u.take_error();
  }
  out.updated += static_cast<int64_t>(existed);
  for (size_t i : rows)
    if (!found.count(i)) out.skipped.push_back(i);
  return Status::success();
}

// ---- remove --------------------------------------------------------------------------------

// Keys go as one array parameter per key column (`unnest($1::integer[], $2::text[])`),
// a few thousand keys per statement.
Result<int64_t> PostgresConnector::remove(const WriteRequest& request, const std::vector<Row>& keys) {
  if (request.key.empty()) return Error{"deleting from " + quote_input(request.table) + " needs a key"};
  Result<const PgTable*> found = table(request.schema, request.table);
  if (!found.ok()) return found.take_error();
  const PgTable& t = **found;
  std::vector<const PgColumnType*> types;
  std::string sql = "DELETE FROM " + pg_qualified(t.info.schema, t.info.name) + " t USING unnest(";
  std::string where;
  std::string names;
  for (size_t i = 0; i < request.key.size(); ++i) {
    const ColumnInfo* c = t.info.column(request.key[i]);
    if (!c) return Error{"table " + quote_input(t.info.qualified()) + " has no column " + quote_input(request.key[i])};
    types.push_back(t.type_of(request.key[i]));
    std::string k = "k" + std::to_string(i + 1);
    sql += (i ? ", $" : "$") + std::to_string(i + 1) + "::" + c->native_type + "[]";
    names += (i ? ", " : "") + k;
    where += (i ? " AND t." : "t.") + pg_quote(request.key[i]) + " = k." + k;
  }
  sql += ") AS k(" + names + ") WHERE " + where;
  constexpr size_t kChunk = 5000;
  int64_t removed = 0;
  for (size_t from = 0; from < keys.size(); from += kChunk) {
    size_t to = std::min(keys.size(), from + kChunk);
    std::vector<std::string> arrays(request.key.size(), "{");
    for (size_t k = from; k < to; ++k) {
      if (keys[k].size() != request.key.size())
        return Error{"a key to delete from " + quote_input(t.info.qualified()) + " has " +
                     std::to_string(keys[k].size()) + " values, the key has " + std::to_string(request.key.size())};
      for (size_t i = 0; i < request.key.size(); ++i) {
        std::string& a = arrays[i];
        if (k > from) a += ',';
        const Value& v = keys[k][i];
        if (v.is_null()) {
          a += "NULL";
          continue;
        }
        std::string text;
        if (v.kind() == ValueKind::text) text = v.as_text();
        else if (Status s = pg_write_text(v, *types[i], text); !s.ok()) return s.error();
        a += '"';
        for (char ch : text) {
          if (ch == '"' || ch == '\\') a += '\\';
          a += ch;
        }
        a += '"';
      }
    }
    PgParams params;
    for (std::string& a : arrays) params.add(a + "}");
    Result<PgResult> r = conn_->query(sql, params);
    if (!r.ok()) return Error{"deleting from " + quote_input(t.info.qualified()) + ": " + r.error().message};
    removed += affected(r->get());
  }
  return removed;
}

}  // namespace mig
