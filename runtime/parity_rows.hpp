// The two sides parity compares, each a stream of rows in key order read one keyset page at
// a time (memory holds one page): the rows a task's source selects, filtered, mapped and
// checked as the task runner does it, and the rows its target holds. Both yield the task's
// output columns, normalised through the target column types (runtime/parity_encoding.hpp),
// with the target key picked out.
#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/bound_plan.hpp"
#include "runtime/connector.hpp"
#include "runtime/evaluator.hpp"
#include "runtime/state_store.hpp"

namespace mig {

// One row as parity sees it.
struct KeyedRow {
  std::vector<Value> key;  // the target key (a rekeying task: through the crosswalk)
  Row values;              // BoundTask::outputs, normalised
  uint64_t hash = 0;       // parity_row_hash(values)
};

// The rows a task would write, in source-key order. Rows its `where`s filter out are not
// there; rows a `check` (or a map error, or an unreadable value) rejects are counted in
// `excluded()` and are not expected in the target. For a rekeying task the target key is
// the one the crosswalk recorded for the source key (the map's own only when none was).
class SourceRows {
 public:
  static Result<SourceRows> open(const BoundTask& task, const CheckedPlan& plan,
                                 const std::map<std::string, Value>& params, Connector& source,
                                 StateStore& state, int64_t page_rows);
  // The next row; nullopt at the end.
  Result<std::optional<KeyedRow>> next();
  int64_t excluded() const { return excluded_; }

 private:
  SourceRows(const BoundTask& t, Connector& c, StateStore& s, int64_t page)
      : t_(&t), source_(&c), state_(&s), page_rows_(page) {}
  Status read_page();
  Result<std::optional<KeyedRow>> map_row(const Row& row);
  Status translate_key(const Row& row, KeyedRow& out);

  const BoundTask* t_;
  Connector* source_;
  StateStore* state_;
  int64_t page_rows_;
  std::vector<Program> residual_;
  std::vector<std::optional<Program>> outputs_;
  std::vector<Program> checks_;
  std::vector<size_t> key_;         // source key in read_columns
  std::vector<size_t> target_key_;  // target key in outputs
  std::deque<Row> page_;
  std::optional<Row> after_;
  bool done_ = false;
  int64_t excluded_ = 0;
};

// The rows of a task's target table in target-key order, its output columns.
class TargetRows {
 public:
  TargetRows(const BoundTask& task, Connector& target, int64_t page_rows);
  Result<std::optional<KeyedRow>> next();
  // The rows whose target key is one of `keys` (a rekeying task's segment), key order.
  Result<std::vector<KeyedRow>> find(const std::vector<std::vector<Value>>& keys);

 private:
  KeyedRow keyed(Row row) const;

  const BoundTask* t_;
  Connector* target_;
  int64_t page_rows_;
  std::vector<std::string> columns_;
  std::vector<size_t> key_;
  std::deque<Row> page_;
  std::optional<Row> after_;
  bool done_ = false;
};

}  // namespace mig
