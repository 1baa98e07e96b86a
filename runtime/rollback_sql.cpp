#include "runtime/rollback_sql.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "runtime/sql_expr.hpp"
#include "runtime/sql_literal.hpp"

namespace fs = std::filesystem;

namespace mig {
namespace {

constexpr int64_t kPage = 1000;      // written keys read from the state store at a time
constexpr size_t kDeleteList = 500;  // keys per DELETE ... IN (...)

// The script of one task: deletes gathered into IN lists, one upsert per restored row.
class TaskScript {
 public:
  TaskScript(std::ostream& out, const UndoStep& step, const SqlSpelling& spelling)
      : out_(out), step_(step), sp_(spelling) {
    const UndoTarget& t = step.target;
    table_ = (t.schema.empty() ? "" : sp_.quote(t.schema) + ".") + sp_.quote(t.table);
  }

  Status add(const WrittenKey& w) {
    if (w.action == WriteAction::inserted && w.last) return delete_range(w);
    if (w.action == WriteAction::inserted) {
      Result<std::string> tuple = literal_key(w.key);
      if (!tuple.ok()) return tuple.error();
      deletes_.push_back(std::move(*tuple));
      if (deletes_.size() == kDeleteList) flush();
      return Status::success();
    }
    flush();  // keeps the newest-first order of the writes
    Result<Batch> image = undo_image(step_.target, w);
    if (!image.ok()) return image.error();
    return restore(image->columns, image->rows[0]);
  }

  void flush() {
    if (deletes_.empty()) return;
    const std::vector<std::string>& key = step_.target.key;
    out_ << "DELETE FROM " << table_ << " WHERE ";
    if (key.size() == 1) {
      out_ << sp_.quote(key[0]);
    } else {
      out_ << "(";
      for (size_t i = 0; i < key.size(); ++i) out_ << (i ? ", " : "") << sp_.quote(key[i]);
      out_ << ")";
    }
    out_ << " IN (";
    for (size_t i = 0; i < deletes_.size(); ++i) out_ << (i ? ", " : "") << deletes_[i];
    out_ << ");\n";
    deletes_.clear();
  }

 private:
  // `1`, or `(1, 'a')` for a key of several columns.
  Result<std::string> key_tuple(const Row& key) {
    std::string out = key.size() == 1 ? "" : "(";
    for (size_t i = 0; i < key.size(); ++i) {
      Result<std::string> lit = literal(key[i]);
      if (!lit.ok()) return lit.take_error();
      out += (i ? ", " : "") + *lit;
    }
    return key.size() == 1 ? out : out + ")";
  }

  Result<std::string> literal(const Value& v) { return sql_literal(v, step_.dialect); }

  Result<std::string> literal_key(const std::string& encoded) {
    Result<Row> key = undo_key(step_.target, encoded);
    if (!key.ok()) return key.take_error();
    return key_tuple(*key);
  }

  // A range of inserted integer keys (runtime/written_keys.hpp): every key in it was
  // inserted by the run, so one BETWEEN deletes exactly those rows.
  Status delete_range(const WrittenKey& w) {
    flush();  // keeps the newest-first order of the writes
    Result<std::string> first = literal_key(w.key);
    if (!first.ok()) return first.error();
    Result<std::string> last = literal_key(*w.last);
    if (!last.ok()) return last.error();
    out_ << "DELETE FROM " << table_ << " WHERE " << sp_.quote(step_.target.key[0]) << " BETWEEN "
         << *first << " AND " << *last << ";\n";
    return Status::success();
  }

  // The row back as it was: an upsert when the key is the primary key (a row deleted
  // since the run comes back too), else an UPDATE and an INSERT of a missing row.
  Status restore(const std::vector<std::string>& columns, const Row& row) {
    std::vector<std::string> values;
    for (const Value& v : row) {
      Result<std::string> lit = literal(v);
      if (!lit.ok()) return lit.error();
      values.push_back(std::move(*lit));
    }
    std::set<std::string> key(step_.target.key.begin(), step_.target.key.end());
    std::string names, list, sets, match;
    for (size_t i = 0; i < columns.size(); ++i) {
      names += (i ? ", " : "") + sp_.quote(columns[i]);
      list += (i ? ", " : "") + values[i];
      if (key.count(columns[i])) {
        match += (match.empty() ? "" : " AND ") + sp_.quote(columns[i]) + " = " + values[i];
      } else {
        sets += (sets.empty() ? "" : ", ") + sp_.quote(columns[i]) + " = " +
                (step_.key_is_primary && !step_.target.update_only ? assigned(columns[i]) : values[i]);
      }
    }
    std::string insert = "INSERT INTO " + table_ + " (" + names + ")";
    if (!step_.key_is_primary || step_.target.update_only) {
      if (!sets.empty()) out_ << "UPDATE " << table_ << " SET " << sets << " WHERE " << match << ";\n";
      // An update task's image is partial: never inserted (see docs/rollback.md).
      if (step_.dialect == "postgres" || step_.target.update_only) return Status::success();
      out_ << insert << " SELECT " << list << (step_.dialect == "mariadb" ? " FROM DUAL" : "")
           << " WHERE NOT EXISTS (SELECT 1 FROM " << table_ << " WHERE " << match << ");\n";
      return Status::success();
    }
    out_ << insert << " VALUES (" << list << ")";
    if (step_.dialect == "mariadb") {
      std::string first = sp_.quote(step_.target.key[0]);
      out_ << " ON DUPLICATE KEY UPDATE " << (sets.empty() ? first + " = " + first : sets);
    } else {
      out_ << " ON CONFLICT (";
      for (size_t i = 0; i < step_.target.key.size(); ++i)
        out_ << (i ? ", " : "") << sp_.quote(step_.target.key[i]);
      out_ << ") DO " << (sets.empty() ? "NOTHING" : "UPDATE SET " + sets);
    }
    out_ << ";\n";
    return Status::success();
  }

  // The value an upsert assigns to `column`: the row it tried to insert.
  std::string assigned(const std::string& column) const {
    if (step_.dialect == "mariadb") return "VALUES(" + sp_.quote(column) + ")";
    return "excluded." + sp_.quote(column);
  }

  std::ostream& out_;
  const UndoStep& step_;
  const SqlSpelling& sp_;
  std::string table_;
  std::vector<std::string> deletes_;
};

const char* client_hint(const std::string& dialect) {
  if (dialect == "sqlite") return "sqlite3 -bail DATABASE < rollback.sql";
  if (dialect == "postgres") return "psql -v ON_ERROR_STOP=1 -f rollback.sql URL";
  if (dialect == "mariadb") return "mariadb DATABASE < rollback.sql";
  return "";
}

void write_header(std::ostream& out, const RollbackSqlHeader& h, const std::vector<UndoStep>& steps) {
  out << "-- rollback.sql: undoes run " << h.run_id << " of plan " << quote_input(h.plan)
      << " (env " << quote_input(h.env.empty() ? "default" : h.env) << ")\n"
      << "-- made by migrun from its state store " << quote_input(h.state_path) << "\n"
      << "--\n"
      << "-- Rows the run inserted are deleted; rows it updated get back the values they had\n"
      << "-- before it; no other row is touched. Newest writes first, children before parents.\n";
  std::set<std::string> connections, dialects;
  for (const UndoStep& s : steps) {
    connections.insert(s.connection);
    dialects.insert(s.dialect);
  }
  if (connections.size() > 1)
    out << "-- This script has one part per target connection: apply each part to its own database.\n";
  if (!dialects.empty()) out << "-- Review it, then apply it with the database's client, stopping at the first error:\n";
  for (const std::string& d : dialects) out << "--   " << d << ": " << client_hint(d) << "\n";
  out << "-- `migrun rollback` does the same in resumable batches and records it in the state\n"
      << "-- store; after applying this script by hand, run `migrun reset` before the next run.\n";
  if (steps.empty()) out << "\n-- The run wrote no rows: there is nothing to undo.\n";
}

const char* begin_statement(const std::string& dialect) {
  return dialect == "mariadb" ? "START TRANSACTION;\n" : "BEGIN;\n";
}

Status write_step(std::ostream& out, const UndoStep& step, const SqlSpelling& spelling,
                  int64_t run_id, StateStore& state) {
  out << "-- task " << quote_input(step.target.task) << " -> "
      << quote_input(step.target.schema.empty() ? step.target.table
                                                : step.target.schema + "." + step.target.table)
      << ": " << step.counts.inserted << " inserted row(s) to delete, " << step.counts.updated
      << " updated row(s) to restore\n";
  TaskScript script(out, step, spelling);
  std::optional<int64_t> next;
  while (true) {
    Result<std::vector<WrittenKeyRow>> page = state.written_keys_page(run_id, step.target.task, next, kPage);
    if (!page.ok()) return page.error();
    for (const WrittenKeyRow& w : *page) {
      if (Status s = script.add(w.written); !s.ok())
        return Error{"task `" + step.target.task + "`: " + s.error().message};
    }
    if (int64_t(page->size()) < kPage) break;
    next = page->back().id;
  }
  script.flush();
  return Status::success();
}

}  // namespace

Status write_rollback_sql(std::ostream& out, const RollbackSqlHeader& header,
                          const std::vector<UndoStep>& steps, StateStore& state) {
  write_header(out, header, steps);
  std::string open_connection;  // the connection whose transaction is open
  for (const UndoStep& step : steps) {
    std::optional<SqlSpelling> spelling = spelling_for(step.dialect);
    if (!spelling || step.dialect == "csv")
      return Error{"task `" + step.target.task + "` writes to connection `" + step.connection +
                   "` (" + step.dialect + "), which has no SQL: use `migrun rollback`"};
    if (step.connection != open_connection) {
      if (!open_connection.empty()) out << "COMMIT;\n";
      out << "\n-- connection " << quote_input(step.connection) << " (" << step.dialect << ")\n"
          << sql_literal_preamble(step.dialect) << begin_statement(step.dialect);
      open_connection = step.connection;
    }
    if (Status s = write_step(out, step, *spelling, header.run_id, state); !s.ok()) return s;
  }
  if (!open_connection.empty()) out << "COMMIT;\n";
  if (!out) return Error{"cannot write the rollback script"};
  return Status::success();
}

Status write_rollback_sql_file(const std::string& folder, const BoundPlan& plan,
                               StateStore& state, int64_t run_id) {
  Result<std::vector<UndoStep>> steps = plan_undo(plan, state, run_id);
  if (!steps.ok()) return steps.error();
  fs::path path = fs::path(folder) / "rollback.sql";
  fs::path partial = fs::path(folder) / "rollback.sql.partial";
  Status written = [&]() -> Status {
    std::ofstream out(partial, std::ios::binary);
    if (!out) return Error{"cannot create `" + partial.string() + "`"};
    RollbackSqlHeader h{plan.plan->name, plan.env, run_id, state.path()};
    if (Status s = write_rollback_sql(out, h, *steps, state); !s.ok()) return s;
    out.close();
    if (!out) return Error{"cannot write `" + partial.string() + "`"};
    return Status::success();
  }();
  std::error_code ec;
  if (!written.ok()) {
    fs::remove(partial, ec);
    return written;
  }
  fs::rename(partial, path, ec);
  if (ec) return Error{"cannot rename `" + partial.string() + "`: " + ec.message()};
  return Status::success();
}

}  // namespace mig
