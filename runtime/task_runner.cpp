#include "runtime/task_runner.hpp"

#include <future>
#include <memory>
#include <nlohmann/json.hpp>

#include "compiler/formatter.hpp"
#include "runtime/convert.hpp"
#include "runtime/evaluator.hpp"
#include "runtime/runtime_follow.hpp"
#include "runtime/time_precision.hpp"
#include "runtime/page_reader.hpp"
#include "runtime/value_json.hpp"
#include "runtime/value_text.hpp"
#include "runtime/written_keys.hpp"

namespace mig {
namespace {

// The task's expressions compiled once: filters on the source row, outputs from it,
// checks on the mapped row (with `source.COL`).
struct CompiledTask {
  std::vector<Program> residual;
  std::vector<std::optional<Program>> outputs;  // parallel to BoundTask::outputs
  std::vector<Program> checks;                  // parallel to BoundTask::checks
  std::vector<size_t> key;                      // source key columns in read_columns
  std::vector<size_t> target_key;               // target key columns in outputs
  std::vector<std::string> output_names;
  bool fresh_keys = false;  // the target key is made by uuid() or the clock: reuse recorded
};

Result<CompiledTask> compile_task(const BoundTask& t, const CheckedPlan& plan,
                                  const TaskContext& cx) {
  CompiledTask c;
  EvalScope source;
  source.columns = t.read_columns;
  source.params = cx.params;
  source.plan = &plan;
  StateStore* state = cx.state;
  source.lookup = [state](const std::string& task,
                          const Value& key) -> Result<std::optional<Value>> {
    auto hit = state->lookup_crosswalk(task, encode_key(std::span<const Value>(&key, 1)));
    if (!hit) return hit.take_error();
    if (!*hit) return std::optional<Value>();
    auto values = decode_key(**hit);
    if (!values) return values.take_error();
    if (values->size() != 1) return Error{"task `" + task + "` has a composite key"};
    return std::optional<Value>((*values)[0]);
  };
  for (const Expr* e : t.residual) {
    auto p = compile_expr(*e, source);
    if (!p) return p.take_error();
    c.residual.push_back(std::move(*p));
  }
  for (const OutputColumn& o : t.outputs) {
    c.output_names.push_back(o.name);
    if (!o.expr) {
      c.outputs.emplace_back();
      continue;
    }
    auto p = compile_expr(*o.expr, source);
    if (!p) return Error{"column `" + o.name + "`: " + p.error().message};
    c.outputs.push_back(std::move(*p));
  }
  EvalScope target = source;
  target.row = EvalScope::RowKind::target;
  target.columns = c.output_names;
  target.source_columns = t.read_columns;
  for (const BoundCheck& check : t.checks) {
    auto p = compile_expr(*check.clause->expr, target);
    if (!p) return p.take_error();
    c.checks.push_back(std::move(*p));
  }
  auto index_in = [](const std::vector<std::string>& names, const std::string& n) {
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == n) return i;
    return names.size();
  };
  for (const std::string& k : t.key) c.key.push_back(index_in(t.read_columns, k));
  for (const std::string& k : t.target_key) {
    size_t i = index_in(c.output_names, k);
    c.target_key.push_back(i);
    if (c.outputs[i] && !c.outputs[i]->deterministic()) c.fresh_keys = true;
  }
  return c;
}

std::vector<Value> pick(const Row& row, const std::vector<size_t>& columns) {
  std::vector<Value> out;
  for (size_t i : columns) out.push_back(row[i]);
  return out;
}

// The batch's progress as JSON: saved in the target with the commit marker, so that a
// batch committed just before a crash is recovered exactly. `generation` (the task's first
// start since its last reset) tells this task's markers from those of a reset run.
nlohmann::json progress_to_json(const BatchProgress& p, const std::string& generation) {
  nlohmann::json j;
  j["generation"] = generation;
  j["checkpoint"] = p.checkpoint ? nlohmann::json(*p.checkpoint) : nlohmann::json();
  j["counters"] = {p.delta.read, p.delta.written, p.delta.rejected, p.delta.skipped};
  for (const RejectEntry& r : p.rejects) j["rejects"].push_back({r.key, r.label, r.row});
  for (const WrittenKey& w : p.written) {
    nlohmann::json e = {w.key, int(w.action), w.before_image ? nlohmann::json(*w.before_image)
                                                            : nlohmann::json()};
    if (w.last) e.push_back(*w.last);
    j["written"].push_back(std::move(e));
  }
  for (const CrosswalkEntry& c : p.crosswalk) j["crosswalk"].push_back({c.source_key, c.target_key});
  return j;
}

BatchProgress progress_from_json(const nlohmann::json& j, const std::string& task, int64_t run) {
  BatchProgress p;
  p.task = task;
  p.run_id = run;
  if (j["checkpoint"].is_string()) p.checkpoint = j["checkpoint"].get<std::string>();
  p.delta = {j["counters"][0], j["counters"][1], j["counters"][2], j["counters"][3]};
  for (const auto& r : j.value("rejects", nlohmann::json::array()))
    p.rejects.push_back({r[0], r[1], r[2]});
  for (const auto& w : j.value("written", nlohmann::json::array())) {
    WrittenKey k{w[0], WriteAction(w[1].get<int>()), std::nullopt, std::nullopt};
    if (w[2].is_string()) k.before_image = w[2].get<std::string>();
    if (w.size() > 3) k.last = w[3].get<std::string>();
    p.written.push_back(std::move(k));
  }
  for (const auto& c : j.value("crosswalk", nlohmann::json::array()))
    p.crosswalk.push_back({c[0], c[1]});
  return p;
}

class Runner {
 public:
  Runner(const BoundTask& t, const CheckedPlan& plan, Connector& source, Connector& target,
         const TaskContext& cx)
      : t_(t), plan_(plan), source_(source), target_(target), cx_(cx) {}

  TaskOutcome run() {
    auto compiled = compile_task(t_, plan_, cx_);
    if (!compiled) return fail(compiled.error().message);
    c_ = std::move(*compiled);
    if (auto s = recover(); !s.ok()) return fail(s.error().message);
    overlaps_ = overlaps();
    int64_t size = cx_.batch_size.value_or(t_.batch_size);
    while (true) {
      if (cx_.limit && out_.counters.read >= *cx_.limit) {
        out_.end = TaskOutcome::End::limited;  // rows may remain: the next run resumes
        return out_;
      }
      int64_t page = cx_.limit ? std::min(size, *cx_.limit - out_.counters.read) : size;
      auto more = batch(page);
      // The batch in flight lands (or fails) before the task ends either way; its error,
      // from the earlier batch, is the one to report.
      if (!more || !*more || (cx_.stop && cx_.stop->load())) {
        if (auto s = finish_writing(); !s.ok()) return fail(s.error().message);
      }
      if (!more) return fail(more.error().message);
      if (!*more) break;
      if (cx_.stop && cx_.stop->load()) {
        out_.end = TaskOutcome::End::interrupted;
        return out_;
      }
    }
    (void)target_.forget_markers(cx_.plan, cx_.env, t_.name);  // tidy; harmless if it fails
    return out_;
  }

  ~Runner() { (void)finish_writing(); }

 private:
  TaskOutcome fail(const std::string& message) {
    out_.end = TaskOutcome::End::failed;
    out_.error = message;
    return out_;
  }

  // Reading the next page and mapping it while this one is written keeps both servers and
  // migrun busy at once. Not under --limit (the next page's size depends on this one's
  // outcome), nor for a task that reads what it writes (an update, one connection for
  // both): there the next page must see this batch's writes. Only servers: SQLite and
  // files gain nothing from it.
  bool overlaps() const {
    std::string d = source_.dialect();
    return !cx_.limit && !t_.is_update && t_.source_conn != t_.target_conn &&
           (d == "mariadb" || d == "postgres");
  }

  CommitMarker marker() const { return CommitMarker{cx_.plan, cx_.env, t_.name, batches_ + 1}; }

  // Loads the checkpoint, after saving a batch the target committed but the state store
  // never saw (recover_unsaved_batch). A start with no saved batch then clears markers left
  // by an earlier, reset run of the task.
  Status recover() {
    auto recovered = recover_unsaved_batch(t_.name, target_, cx_);
    if (!recovered) return recovered.error();
    auto rec = cx_.state->task(t_.name);
    if (!rec) return rec.error();
    if (*rec) {
      batches_ = (*rec)->batches;
      checkpoint_ = (*rec)->checkpoint;
      generation_ = (*rec)->started_at.value_or("");
    }
    if (batches_ > 0) return Status::success();
    return target_.forget_markers(cx_.plan, cx_.env, t_.name);
  }

  // One page; false when the table is exhausted.
  Result<bool> batch(int64_t page) {
    ReadRequest req{t_.source->schema, t_.source->name, t_.read_columns, t_.key, std::nullopt,
                    t_.pushed, page};
    if (checkpoint_) {
      auto after = decode_key(*checkpoint_);
      if (!after) return Error{"the checkpoint of `" + t_.name + "` is unreadable: " + after.error().message};
      req.after = std::move(*after);
    }
    auto in = reader_.read(req, checkpoint_);
    if (!in) return Error{"reading " + t_.source->qualified() + ": " + in.error().message};
    if (in->rows.empty()) return false;

    BatchProgress p;
    p.task = t_.name;
    p.run_id = cx_.run_id;
    std::vector<Value> last_key = pick(in->rows.back(), c_.key);
    p.checkpoint = encode_key(last_key);
    checkpoint_ = p.checkpoint;  // where the next page starts; saved once this one lands
    if (overlaps_ && int64_t(in->rows.size()) == page) {
      ReadRequest next = req;
      auto after = decode_key(*p.checkpoint);  // as the next batch() will bind it
      if (after) {
        next.after = std::move(*after);
        reader_.prefetch(std::move(next), *p.checkpoint);
      }
    }
    Batch out{c_.output_names, {}, {}};
    std::vector<size_t> origin;  // out row -> in row
    std::vector<bool> unreadable(in->rows.size(), false);
    for (const RefusedRow& r : in->unreadable) {
      unreadable[r.index] = true;
      ++p.delta.read;
      if (auto s = reject(p, in->rows[r.index], nullptr, r.reason); !s.ok()) return s.error();
    }
    for (size_t i = 0; i < in->rows.size(); ++i) {
      if (unreadable[i]) continue;
      auto mapped = map_row(in->rows[i], p);
      if (!mapped) return mapped.take_error();
      if (!*mapped) continue;
      out.rows.push_back(std::move(**mapped));
      origin.push_back(i);
    }
    if (c_.fresh_keys) {
      if (auto s = remember_fresh_keys(in->rows, out, origin); !s.ok()) return s.error();
    }
    bool full = int64_t(in->rows.size()) == page;
    if (auto s = finish_writing(); !s.ok()) return s.error();  // one batch in flight at most
    auto job = std::make_shared<Mapped>(Mapped{std::move(*in), std::move(out), std::move(origin), std::move(p)});
    if (!overlaps_) {
      if (auto s = land(*job); !s.ok()) return s.error();
      return full;
    }
    writing_ = std::async(std::launch::async, [this, job] { return land(*job); });
    return full;
  }

  // A mapped batch on its way to the target.
  struct Mapped {
    Batch in;
    Batch out;
    std::vector<size_t> origin;  // out row -> in row
    BatchProgress progress;
  };

  // Writes a mapped batch and saves its progress: the batch has landed.
  Status land(Mapped& m) {
    if (auto s = write(m.in, m.out, m.origin, m.progress); !s.ok()) return s;
    if (auto s = cx_.state->save_batch(m.progress); !s.ok()) return s;
    ++batches_;
    ++out_.batches;
    add(out_.counters, m.progress.delta);
    if (cx_.progress) {
      auto rec = cx_.state->task(t_.name);
      if (rec && *rec) cx_.progress((*rec)->counters);
    }
    return Status::success();
  }

  // Waits for the batch in flight, if any.
  Status finish_writing() {
    if (!writing_.valid()) return Status::success();
    return writing_.get();
  }

  static void add(TaskCounters& a, const TaskCounters& b) {
    a.read += b.read;
    a.written += b.written;
    a.rejected += b.rejected;
    a.skipped += b.skipped;
  }

  // Filters, maps and checks one row: nullopt when it is filtered out or rejected.
  Result<std::optional<Row>> map_row(const Row& row, BatchProgress& p) {
    for (const RuntimeFollow& f : t_.follows) {
      Result<bool> kept = row_follows(row, f, *cx_.state);
      if (!kept) return kept.take_error();
      if (!*kept) return std::optional<Row>();
    }
    for (const Program& w : c_.residual) {
      auto keep = w.holds(row);
      if (!keep) {
        ++p.delta.read;  // it could not be filtered: kept in the count, as a reject
        return reject_or_fail(p, row, nullptr, keep.error().message, t_.on_error);
      }
      if (!*keep) return std::optional<Row>();
    }
    ++p.delta.read;
    Row mapped;
    mapped.reserve(t_.outputs.size());
    for (size_t i = 0; i < t_.outputs.size(); ++i) {
      const OutputColumn& o = t_.outputs[i];
      if (!o.expr && !o.fraction_digits && coerces_to_itself(row[*o.source_column], o.type.base)) {
        mapped.push_back(row[*o.source_column]);  // copied as it is: most columns of a copy
        continue;
      }
      Result<Value> v = o.expr ? c_.outputs[i]->eval(row) : Result<Value>(row[*o.source_column]);
      if (v) v = coerce(std::move(*v), o.type.base);
      if (v) v = fit_fraction(std::move(*v), o.fraction_digits);
      if (!v) {
        std::string why = "column `" + o.name + "`: " + v.error().message;
        return reject_or_fail(p, row, nullptr, why, t_.on_error);
      }
      mapped.push_back(std::move(*v));
    }
    for (size_t i = 0; i < c_.checks.size(); ++i) {
      const BoundCheck& check = t_.checks[i];
      auto ok = c_.checks[i].holds(mapped, row);
      if (ok && *ok) continue;
      std::string why = ok ? check.label : check.label + ": " + ok.error().message;
      if (check.action == CheckAction::warn) continue;
      return reject_or_fail(p, row, &mapped, why, check.action);
    }
    return std::optional<Row>(std::move(mapped));
  }

  Result<std::optional<Row>> reject_or_fail(BatchProgress& p, const Row& row, const Row* mapped,
                                            const std::string& why, CheckAction action) {
    if (action == CheckAction::fail)
      return Error{"row with key " + encode_key(pick(row, c_.key)) + ": " + why +
                   " (the check says `else fail`; fix the data or the plan, then rerun)"};
    if (auto s = reject(p, row, mapped, why); !s.ok()) return s.error();
    return std::optional<Row>();
  }

  Status reject(BatchProgress& p, const Row& row, const Row* mapped, const std::string& why) {
    ++p.delta.rejected;
    std::string encoded = mapped ? encode_row(c_.output_names, *mapped)
                                 : encode_row(t_.read_columns, row);
    p.rejects.push_back(RejectEntry{encode_key(pick(row, c_.key)), why, std::move(encoded)});
    return Status::success();
  }

  // Keys made by uuid() are recorded before the target sees them, and a redone batch
  // reuses the recorded ones: the crosswalk never changes across a crash.
  Status remember_fresh_keys(const std::vector<Row>& in, Batch& out,
                             const std::vector<size_t>& origin) {
    std::vector<CrosswalkEntry> entries;
    for (size_t r = 0; r < out.rows.size(); ++r) {
      std::string source_key = encode_key(pick(in[origin[r]], c_.key));
      auto known = cx_.state->lookup_crosswalk(t_.name, source_key);
      if (!known) return known.error();
      if (*known) {
        auto values = decode_key(**known);
        if (!values) return values.error();
        for (size_t k = 0; k < c_.target_key.size(); ++k) out.rows[r][c_.target_key[k]] = (*values)[k];
      } else {
        entries.push_back({source_key, encode_key(pick(out.rows[r], c_.target_key))});
      }
    }
    return cx_.state->put_crosswalk(t_.name, cx_.run_id, entries);
  }

  // One target transaction: the rows, then the marker carrying the batch's progress.
  Status write(const Batch& in, const Batch& out, const std::vector<size_t>& origin,
               BatchProgress& p) {
    if (auto s = target_.begin(); !s.ok()) return s;
    WriteOutcome w;
    if (!out.rows.empty()) {
      // An update task changes rows in place: never an insert; a row deleted since it was
      // read comes back as skipped, each updated one with its before-image (rollback).
      WriteRequest request{t_.target->schema, t_.target->name, t_.target_key, t_.on_conflict};
      request.update_only = t_.is_update;
      auto written = target_.write(request, out);
      if (!written) {
        (void)target_.rollback();
        return Error{"writing " + t_.target->qualified() + " (batch " +
                     std::to_string(batches_ + 1) + "): " + written.error().message};
      }
      w = std::move(*written);
    }
    std::vector<bool> not_written(out.rows.size(), false);
    for (const RefusedRow& r : w.refused) {
      not_written[r.index] = true;
      if (t_.on_error == CheckAction::fail) {
        (void)target_.rollback();
        return Error{"the target refused the row with key " +
                     encode_key(pick(in.rows[origin[r.index]], c_.key)) + ": " + r.reason};
      }
      ++p.delta.rejected;
      p.rejects.push_back(RejectEntry{encode_key(pick(in.rows[origin[r.index]], c_.key)), r.reason,
                                      encode_row(out.columns, out.rows[r.index])});
    }
    std::vector<bool> skipped(out.rows.size(), false);
    for (size_t i : w.skipped) not_written[i] = skipped[i] = true;
    p.delta.skipped += int64_t(w.skipped.size());
    std::map<size_t, const Row*> before;
    for (const auto& [i, row] : w.before) before[i] = &row;
    WrittenKeyList written(p.written);  // complete before the marker is made
    for (size_t i = 0; i < out.rows.size(); ++i) {
      // The rows now in the target (written, or there already) are the ones a lookup or
      // a child's follow may point at.
      bool delivered = !not_written[i] || skipped[i];
      bool crosswalk = delivered && (t_.rekeys || t_.records_selection) && !c_.fresh_keys;
      if (!crosswalk && not_written[i]) continue;
      std::vector<Value> key = pick(out.rows[i], c_.target_key);
      std::optional<std::string> encoded;  // once for both
      auto target_key = [&]() -> const std::string& {
        if (!encoded) encoded = encode_key(key);
        return *encoded;
      };
      if (crosswalk)
        p.crosswalk.push_back({encode_key(pick(in.rows[origin[i]], c_.key)), target_key()});
      if (not_written[i]) continue;
      ++p.delta.written;
      if (auto b = before.find(i); b != before.end())
        written.add(WrittenKey{target_key(), WriteAction::updated,
                               encode_row(out.columns, *b->second), std::nullopt});
      else
        written.inserted(key, target_key);
    }
    written.close();
    if (auto s = target_.commit(marker(), progress_to_json(p, generation_).dump()); !s.ok()) {
      (void)target_.rollback();
      return Error{"committing " + t_.target->qualified() + ": " + s.error().message};
    }
    return Status::success();
  }

  const BoundTask& t_;
  const CheckedPlan& plan_;
  Connector& source_;
  Connector& target_;
  const TaskContext& cx_;
  PageReader reader_{source_};  // after source_: waits for a read ahead before it goes
  bool overlaps_ = false;
  std::future<Status> writing_;  // the batch being written while the next one is mapped
  CompiledTask c_;
  TaskOutcome out_;
  int64_t batches_ = 0;                    // saved batches of the task, all runs
  std::optional<std::string> checkpoint_;  // last key read and mapped
  std::string generation_;                 // the task's first start since its last reset
};

}  // namespace

// The first batch's marker cannot be told from a reset run's by its number: its
// generation (the task's first start since its last reset) tells.
Result<bool> recover_unsaved_batch(const std::string& task, Connector& target,
                                   const TaskContext& cx) {
  auto rec = cx.state->task(task);
  if (!rec) return rec.take_error();
  int64_t batches = *rec ? (*rec)->batches : 0;
  std::string generation = *rec ? (*rec)->started_at.value_or("") : "";
  auto saved = target.committed(CommitMarker{cx.plan, cx.env, task, batches + 1});
  if (!saved) return saved.take_error();
  if (!*saved) return false;
  nlohmann::json j = nlohmann::json::parse(**saved, nullptr, false);
  if (!j.is_object())
    return Error{"the commit marker of batch " + std::to_string(batches + 1) + " of `" + task +
                 "` in the target is unreadable"};
  if (j.value("generation", generation) != generation) return false;  // stale
  if (auto s = cx.state->save_batch(progress_from_json(j, task, cx.run_id)); !s.ok())
    return s.error();
  return true;
}

TaskOutcome run_task(const BoundTask& task, const CheckedPlan& plan, Connector& source,
                     Connector& target, const TaskContext& cx) {
  return Runner(task, plan, source, target, cx).run();
}

}  // namespace mig
