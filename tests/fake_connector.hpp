// An in-memory Connector for tests of the runtime without a database: tables of rows,
// keyset pages, transactions with commit markers, and a knob that makes a commit "crash"
// right after it succeeded (the target has the batch, the caller never hears so).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/connector.hpp"

namespace mig::test {

class FakeConnector : public Connector {
 public:
  struct Table {
    std::vector<std::string> columns;
    std::vector<Row> rows;
  };
  std::map<std::string, Table> tables;
  std::map<std::string, std::string> markers;  // "task#batch" -> outcome
  int crash_after_commits = -1;                // >= 0: the commit after that many fails
  int commits = 0;

  std::string dialect() const override { return "fake"; }
  Result<Catalog> introspect() override { return Catalog{"fake", {}, ""}; }

  Result<int64_t> count(const ReadRequest& r) override {
    return int64_t(tables.at(r.table).rows.size());
  }

  Result<Batch> read(const ReadRequest& r) override {
    const Table& t = tables.at(r.table);
    std::vector<size_t> key = positions(t, r.key);
    std::vector<Row> sorted = t.rows;
    std::sort(sorted.begin(), sorted.end(), [&](const Row& a, const Row& b) {
      return key_compare(pick(a, key), pick(b, key)) < 0;
    });
    Batch out{t.columns, {}, {}};
    for (const Row& row : sorted) {
      if (r.after && key_compare(pick(row, key), *r.after) <= 0) continue;
      if (int64_t(out.rows.size()) == r.limit) break;
      out.rows.push_back(row);
    }
    return out;
  }

  Status begin() override {
    staged_ = tables;
    return Status::success();
  }

  Result<WriteOutcome> write(const WriteRequest& r, const Batch& batch) override {
    Table& t = staged_.at(r.table);
    std::vector<size_t> key = positions(t, r.key);
    WriteOutcome out;
    for (size_t i = 0; i < batch.rows.size(); ++i) {
      auto existing = std::find_if(t.rows.begin(), t.rows.end(), [&](const Row& row) {
        return key_compare(pick(row, key), pick(batch.rows[i], key)) == 0;
      });
      if (existing == t.rows.end()) {
        t.rows.push_back(batch.rows[i]);
        ++out.inserted;
      } else if (r.on_conflict == ConflictPolicy::skip) {
        out.skipped.push_back(i);
      } else if (r.on_conflict == ConflictPolicy::update) {
        out.before.emplace_back(i, *existing);
        *existing = batch.rows[i];
        ++out.updated;
      } else {
        return Error{"row already exists"};
      }
    }
    return out;
  }

  // Applies the transaction and its marker; past `crash_after_commits` it then reports a
  // failure, as a process killed right after COMMIT would never have heard of it.
  Status commit(const CommitMarker& m, const std::string& outcome) override {
    tables = staged_;
    markers[m.task + "#" + std::to_string(m.batch)] = outcome;
    if (crash_after_commits >= 0 && ++commits > crash_after_commits)
      return Error{"connection lost after COMMIT"};
    return Status::success();
  }

  Status rollback() override {
    staged_.clear();
    return Status::success();
  }

  Result<int64_t> remove(const WriteRequest& r, const std::vector<Row>& keys) override {
    Table& t = staged_.at(r.table);
    std::vector<size_t> key = positions(t, r.key);
    size_t before = t.rows.size();
    std::erase_if(t.rows, [&](const Row& row) {
      return std::any_of(keys.begin(), keys.end(),
                         [&](const Row& k) { return key_compare(pick(row, key), k) == 0; });
    });
    return int64_t(before - t.rows.size());
  }

  Result<std::optional<std::string>> committed(const CommitMarker& m) override {
    auto it = markers.find(m.task + "#" + std::to_string(m.batch));
    if (it == markers.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }

  Status forget_markers(const std::string&, const std::string&, const std::string& task) override {
    for (auto it = markers.begin(); it != markers.end();)
      it = it->first.rfind(task + "#", 0) == 0 ? markers.erase(it) : std::next(it);
    return Status::success();
  }

  Status execute(const std::string&) override { return Status::success(); }
  Result<Value> query_value(const SqlFilter&) override { return Value::null(); }

 private:
  static std::vector<size_t> positions(const Table& t, const std::vector<std::string>& names) {
    std::vector<size_t> out;
    for (const std::string& n : names)
      out.push_back(size_t(std::find(t.columns.begin(), t.columns.end(), n) - t.columns.begin()));
    return out;
  }
  static Row pick(const Row& row, const std::vector<size_t>& cols) {
    Row out;
    for (size_t c : cols) out.push_back(row[c]);
    return out;
  }

  std::map<std::string, Table> staged_;
};

}  // namespace mig::test
