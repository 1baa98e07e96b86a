#include "runtime/parity_rows.hpp"

#include <algorithm>

#include "runtime/convert.hpp"
#include "runtime/parity_encoding.hpp"
#include "runtime/runtime_follow.hpp"
#include "runtime/sql_expr.hpp"
#include "runtime/time_precision.hpp"
#include "runtime/value_json.hpp"

namespace mig {
namespace {

std::vector<Value> pick(const Row& row, const std::vector<size_t>& columns) {
  std::vector<Value> out;
  out.reserve(columns.size());
  for (size_t i : columns) out.push_back(row[i]);
  return out;
}

size_t index_in(const std::vector<std::string>& names, const std::string& n) {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == n) return i;
  return names.size();
}

std::vector<std::string> output_names(const BoundTask& t) {
  std::vector<std::string> names;
  for (const OutputColumn& o : t.outputs) names.push_back(o.name);
  return names;
}

// The values as the target columns hold them, hashed.
KeyedRow finish(Row values, const BoundTask& t, const std::vector<size_t>& key) {
  for (size_t i = 0; i < values.size(); ++i) values[i] = parity_normalise(values[i], t.outputs[i].type.base);
  KeyedRow out{pick(values, key), std::move(values), 0};
  out.hash = parity_row_hash(out.values);
  return out;
}

// The same scope the task runner compiles with: `lookup` reads the state store's crosswalk.
EvalScope source_scope(const BoundTask& t, const CheckedPlan& plan,
                       const std::map<std::string, Value>& params, StateStore& state) {
  EvalScope s;
  s.columns = t.read_columns;
  s.params = &params;
  s.plan = &plan;
  StateStore* store = &state;
  s.lookup = [store](const std::string& task, const Value& key) -> Result<std::optional<Value>> {
    auto hit = store->lookup_crosswalk(task, encode_key(std::span<const Value>(&key, 1)));
    if (!hit) return hit.take_error();
    if (!*hit) return std::optional<Value>();
    auto values = decode_key(**hit);
    if (!values) return values.take_error();
    if (values->size() != 1) return Error{"task `" + task + "` has a composite key"};
    return std::optional<Value>((*values)[0]);
  };
  return s;
}

}  // namespace

Result<SourceRows> SourceRows::open(const BoundTask& t, const CheckedPlan& plan,
                                    const std::map<std::string, Value>& params, Connector& source,
                                    StateStore& state, int64_t page_rows) {
  SourceRows r(t, source, state, page_rows);
  EvalScope scope = source_scope(t, plan, params, state);
  for (const Expr* e : t.residual) {
    auto p = compile_expr(*e, scope);
    if (!p) return p.take_error();
    r.residual_.push_back(std::move(*p));
  }
  for (const OutputColumn& o : t.outputs) {
    if (!o.expr) {
      r.outputs_.emplace_back();
      continue;
    }
    auto p = compile_expr(*o.expr, scope);
    if (!p) return Error{"column `" + o.name + "`: " + p.error().message};
    r.outputs_.push_back(std::move(*p));
  }
  EvalScope target = scope;
  target.row = EvalScope::RowKind::target;
  target.columns = output_names(t);
  target.source_columns = t.read_columns;
  for (const BoundCheck& check : t.checks) {
    auto p = compile_expr(*check.clause->expr, target);
    if (!p) return p.take_error();
    r.checks_.push_back(std::move(*p));
  }
  for (const std::string& k : t.key) r.key_.push_back(index_in(t.read_columns, k));
  for (const std::string& k : t.target_key) r.target_key_.push_back(index_in(target.columns, k));
  return r;
}

Status SourceRows::read_page() {
  ReadRequest req{t_->source->schema, t_->source->name, t_->read_columns, t_->key, after_,
                  t_->pushed, page_rows_};
  auto in = source_->read(req);
  if (!in) return Error{"reading " + t_->source->qualified() + ": " + in.error().message};
  if (in->rows.empty()) {
    done_ = true;
    return Status::success();
  }
  after_ = pick(in->rows.back(), key_);
  done_ = int64_t(in->rows.size()) < page_rows_;
  std::vector<bool> unreadable(in->rows.size(), false);
  for (const RefusedRow& r : in->unreadable) unreadable[r.index] = true;
  for (size_t i = 0; i < in->rows.size(); ++i) {
    if (unreadable[i]) {
      ++excluded_;  // the runner rejects it: it is not expected in the target
      continue;
    }
    page_.push_back(std::move(in->rows[i]));
  }
  return Status::success();
}

Result<std::optional<KeyedRow>> SourceRows::next() {
  while (true) {
    while (page_.empty()) {
      if (done_) return std::optional<KeyedRow>();
      if (auto s = read_page(); !s.ok()) return s.error();
    }
    Row row = std::move(page_.front());
    page_.pop_front();
    auto mapped = map_row(row);
    if (!mapped) return mapped.take_error();
    if (*mapped) return mapped;
  }
}

// As the task runner's map_row: a row a `where` cannot decide, a column the map cannot
// compute or coerce, or a failed `check` (but `else warn`) is rejected, so not expected.
Result<std::optional<KeyedRow>> SourceRows::map_row(const Row& row) {
  for (const RuntimeFollow& f : t_->follows) {
    Result<bool> kept = row_follows(row, f, *state_);
    if (!kept) return kept.take_error();
    if (!*kept) return std::optional<KeyedRow>();
  }
  for (const Program& w : residual_) {
    auto keep = w.holds(row);
    if (!keep) {
      ++excluded_;
      return std::optional<KeyedRow>();
    }
    if (!*keep) return std::optional<KeyedRow>();
  }
  Row mapped;
  mapped.reserve(t_->outputs.size());
  for (size_t i = 0; i < t_->outputs.size(); ++i) {
    const OutputColumn& o = t_->outputs[i];
    Result<Value> v = o.expr ? outputs_[i]->eval(row) : Result<Value>(row[*o.source_column]);
    if (v) v = coerce(*v, o.type.base);
    if (v) v = fit_fraction(std::move(*v), o.fraction_digits);
    if (!v) {
      ++excluded_;
      return std::optional<KeyedRow>();
    }
    mapped.push_back(std::move(*v));
  }
  for (size_t i = 0; i < checks_.size(); ++i) {
    auto ok = checks_[i].holds(mapped, row);
    if ((ok && *ok) || t_->checks[i].action == CheckAction::warn) continue;
    ++excluded_;
    return std::optional<KeyedRow>();
  }
  KeyedRow out = finish(std::move(mapped), *t_, target_key_);
  if (t_->rekeys) {
    if (auto s = translate_key(row, out); !s.ok()) return s.error();
  }
  return std::optional<KeyedRow>(std::move(out));
}

// The key the run wrote this source row under: the crosswalk's (a key made by uuid() is
// only known there).
Status SourceRows::translate_key(const Row& row, KeyedRow& out) {
  auto hit = state_->lookup_crosswalk(t_->name, encode_key(pick(row, key_)));
  if (!hit) return hit.error();
  if (!*hit) return Status::success();  // never written: the map's key stands
  auto values = decode_key(**hit);
  if (!values) return values.error();
  if (values->size() != target_key_.size())
    return Error{"the crosswalk of `" + t_->name + "` holds a key of " +
                 std::to_string(values->size()) + " value(s), the target key has " +
                 std::to_string(target_key_.size())};
  for (size_t k = 0; k < target_key_.size(); ++k) {
    Value v = parity_normalise((*values)[k], t_->outputs[target_key_[k]].type.base);
    out.values[target_key_[k]] = v;
    out.key[k] = std::move(v);
  }
  out.hash = parity_row_hash(out.values);
  return Status::success();
}

TargetRows::TargetRows(const BoundTask& task, Connector& target, int64_t page_rows)
    : t_(&task), target_(&target), page_rows_(page_rows), columns_(output_names(task)) {
  for (const std::string& k : task.target_key) key_.push_back(index_in(columns_, k));
}

KeyedRow TargetRows::keyed(Row row) const { return finish(std::move(row), *t_, key_); }

Result<std::optional<KeyedRow>> TargetRows::next() {
  while (page_.empty()) {
    if (done_) return std::optional<KeyedRow>();
    ReadRequest req{t_->target->schema, t_->target->name, columns_, t_->target_key, after_, {},
                    page_rows_};
    auto in = target_->read(req);
    if (!in) return Error{"reading " + t_->target->qualified() + ": " + in.error().message};
    done_ = int64_t(in->rows.size()) < page_rows_;
    if (in->rows.empty()) break;
    after_ = pick(in->rows.back(), key_);
    for (Row& r : in->rows) page_.push_back(std::move(r));
  }
  if (page_.empty()) return std::optional<KeyedRow>();
  KeyedRow out = keyed(std::move(page_.front()));
  page_.pop_front();
  return std::optional<KeyedRow>(std::move(out));
}

// `k IN (?, ...)`, or `(k1 = ? AND k2 = ?) OR ...` for a composite key; values bound. In
// reads of kLookupKeys keys: SQLite refuses deeper expression trees than 1000.
Result<std::vector<KeyedRow>> TargetRows::find(const std::vector<std::vector<Value>>& keys) {
  constexpr size_t kLookupKeys = 200;
  std::vector<KeyedRow> out;
  auto spelling = spelling_for(target_->dialect());
  if (!spelling) return Error{"parity cannot look keys up in a `" + target_->dialect() + "` target"};
  for (size_t first = 0; first < keys.size(); first += kLookupKeys) {
    size_t last = std::min(keys.size(), first + kLookupKeys);
    SqlWriter w(*spelling);
    if (t_->target_key.size() == 1) {
      w.name(t_->target_key[0]);
      w.raw(" IN (");
      for (size_t r = first; r < last; ++r) {
        if (r > first) w.raw(", ");
        w.bind(keys[r][0]);
      }
    } else {
      w.raw("(");
      for (size_t r = first; r < last; ++r) {
        w.raw(r > first ? " OR (" : "(");
        for (size_t k = 0; k < keys[r].size(); ++k) {
          if (k) w.raw(" AND ");
          w.name(t_->target_key[k]);
          w.raw(" = ");
          w.bind(keys[r][k]);
        }
        w.raw(")");
      }
    }
    w.raw(")");
    ReadRequest req{t_->target->schema, t_->target->name, columns_, t_->target_key, std::nullopt,
                    {w.take()}, int64_t(last - first) + 1};
    auto in = target_->read(req);
    if (!in) return Error{"reading " + t_->target->qualified() + ": " + in.error().message};
    for (Row& r : in->rows) out.push_back(keyed(std::move(r)));
  }
  return out;
}

}  // namespace mig
