#include "runtime/rollback.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "runtime/value_json.hpp"
#include "runtime/written_keys.hpp"

namespace mig {
namespace {

// A page of written keys turned into what the target is sent: the keys to delete, and
// the before-images to write back (grouped by their columns, which one run keeps fixed).
struct UndoBatch {
  std::vector<Row> deletes;
  std::map<std::vector<std::string>, Batch> restores;
};

Result<UndoBatch> decode_page(const UndoTarget& t, const std::vector<WrittenKeyRow>& page) {
  UndoBatch out;
  for (const WrittenKeyRow& w : page) {
    if (w.written.action == WriteAction::inserted) {
      Status s = for_each_key(w.written, [&](std::string k) -> Status {
        Result<Row> key = undo_key(t, k);
        if (!key.ok()) return key.take_error();
        out.deletes.push_back(std::move(*key));
        return Status::success();
      });
      if (!s.ok()) return s.error();
      continue;
    }
    Result<Batch> image = undo_image(t, w.written);
    if (!image.ok()) return image.take_error();
    Batch& b = out.restores[image->columns];
    if (b.columns.empty()) b.columns = image->columns;
    b.rows.push_back(std::move(image->rows[0]));
  }
  return out;
}

void add(UndoCounters& a, const UndoCounters& b) {
  a.deleted += b.deleted;
  a.absent += b.absent;
  a.restored += b.restored;
  a.reinserted += b.reinserted;
}

nlohmann::json counters_json(const UndoCounters& c) {
  return {c.deleted, c.absent, c.restored, c.reinserted};
}

UndoCounters counters_from_json(const nlohmann::json& j) {
  return UndoCounters{j.at(0).get<int64_t>(), j.at(1).get<int64_t>(), j.at(2).get<int64_t>(),
                      j.at(3).get<int64_t>()};
}

class Undoer {
 public:
  Undoer(const UndoTarget& t, Connector& target, const UndoContext& cx)
      : t_(t), target_(target), cx_(cx), marker_task_(undo_marker_task(cx.run_id, t.task)) {}

  UndoOutcome run() {
    if (Status s = load(); !s.ok()) return fail(s.error().message);
    if (done_) return out_;
    if (Status s = recover(); !s.ok()) return fail(s.error().message);
    while (true) {
      Result<bool> more = batch();
      if (!more.ok()) return fail(more.error().message);
      if (!*more) break;
      if (cx_.stop && cx_.stop->load()) {
        out_.end = UndoOutcome::End::interrupted;
        return out_;
      }
    }
    if (Status s = cx_.state->complete_rollback_task(cx_.run_id, t_.task); !s.ok())
      return fail(s.error().message);
    (void)target_.forget_markers(cx_.plan, cx_.env, marker_task_);  // tidy; harmless if it fails
    return out_;
  }

 private:
  UndoOutcome fail(const std::string& message) {
    out_.end = UndoOutcome::End::failed;
    out_.error = message;
    return out_;
  }

  CommitMarker marker() const { return CommitMarker{cx_.plan, cx_.env, marker_task_, batches_ + 1}; }

  Status load() {
    Result<std::vector<RollbackTaskRecord>> tasks = cx_.state->rollback_tasks(cx_.run_id);
    if (!tasks.ok()) return tasks.error();
    for (const RollbackTaskRecord& r : *tasks) {
      if (r.task != t_.task) continue;
      batches_ = r.batches;
      next_id_ = r.next_id;
      out_.counters = r.counters;
      done_ = r.completed;
      return Status::success();
    }
    return Error{"the state store has no rollback of task `" + t_.task + "` of run " +
                 std::to_string(cx_.run_id)};
  }

  // A batch the target committed but the state store never saw (killed between the two
  // commits) is saved from its marker. With no batch saved yet, markers of the same name
  // can only be stale (a state store started over): they are cleared.
  Status recover() {
    Result<std::optional<std::string>> saved = target_.committed(marker());
    if (!saved.ok()) return saved.error();
    if (*saved) {
      nlohmann::json j = nlohmann::json::parse(**saved, nullptr, false);
      if (!j.is_object() || !j.contains("next_id") || !j.contains("counters"))
        return Error{"the commit marker of rollback batch " + std::to_string(batches_ + 1) +
                     " of `" + t_.task + "` in the target is unreadable"};
      if (j.value("generation", std::string()) == cx_.generation) {
        UndoCounters delta;
        try {
          delta = counters_from_json(j.at("counters"));
        } catch (const nlohmann::json::exception&) {
          return Error{"the commit marker of rollback batch " + std::to_string(batches_ + 1) +
                       " of `" + t_.task + "` in the target is unreadable"};
        }
        int64_t next = j.at("next_id").get<int64_t>();
        if (Status s = cx_.state->save_rollback_batch(cx_.run_id, t_.task, next, delta); !s.ok())
          return s;
        ++batches_;
        next_id_ = next;
        add(out_.counters, delta);
      }
    }
    if (batches_ > 0) return Status::success();
    return target_.forget_markers(cx_.plan, cx_.env, marker_task_);
  }

  // One page of written keys, undone in one target transaction; false when none is left.
  Result<bool> batch() {
    Result<std::vector<WrittenKeyRow>> page =
        cx_.state->written_keys_page(cx_.run_id, t_.task, next_id_, cx_.batch_size);
    if (!page.ok()) return page.take_error();
    if (page->empty()) return false;
    bool full = int64_t(page->size()) == cx_.batch_size;
    // A range of inserted keys stands for many: the batch holds at most batch_size keys
    // (and at least one entry), so that a rollback stays resumable in small steps.
    int64_t keys = 0;
    for (size_t i = 0; i < page->size(); ++i) {
      Result<int64_t> n = key_count((*page)[i].written);
      if (!n.ok()) return Error{"task `" + t_.task + "`: " + n.error().message};
      keys += *n;
      if (i > 0 && keys > cx_.batch_size) {
        page->resize(i);
        full = true;
        break;
      }
    }
    Result<UndoBatch> undo = decode_page(t_, *page);
    if (!undo.ok()) return Error{"task `" + t_.task + "`: " + undo.error().message};
    int64_t next = page->back().id;
    Result<UndoCounters> delta = apply(*undo, next);
    if (!delta.ok()) return delta.take_error();
    if (Status s = cx_.state->save_rollback_batch(cx_.run_id, t_.task, next, *delta); !s.ok())
      return s.error();
    ++batches_;
    ++out_.batches;
    next_id_ = next;
    add(out_.counters, *delta);
    if (cx_.progress) cx_.progress(out_.counters);
    return full;
  }

  Result<UndoCounters> apply(const UndoBatch& undo, int64_t next) {
    std::string where = quote_input(t_.table) + " (rollback batch " + std::to_string(batches_ + 1) + ")";
    if (Status s = target_.begin(); !s.ok()) return Error{"undoing " + where + ": " + s.error().message};
    auto abandon = [&](const std::string& message) -> Result<UndoCounters> {
      (void)target_.rollback();
      return Error{"undoing " + where + ": " + message};
    };
    WriteRequest request{t_.schema, t_.table, t_.key, ConflictPolicy::update};
    request.update_only = t_.update_only;  // a partial image cannot be re-inserted
    UndoCounters d;
    if (!undo.deletes.empty()) {
      Result<int64_t> removed = target_.remove(request, undo.deletes);
      if (!removed.ok()) return abandon(removed.error().message);
      d.deleted = *removed;
      d.absent = std::max<int64_t>(0, int64_t(undo.deletes.size()) - *removed);
    }
    for (const auto& [columns, rows] : undo.restores) {
      Result<WriteOutcome> w = target_.write(request, rows);
      if (!w.ok()) return abandon(w.error().message);
      if (!w->refused.empty())
        return abandon("the target refused the before-image of a row: " + w->refused[0].reason);
      d.restored += w->inserted + w->updated;
      d.reinserted += w->inserted;
      d.absent += int64_t(w->skipped.size());  // update_only: deleted since the run
    }
    nlohmann::json j{{"generation", cx_.generation}, {"next_id", next}, {"counters", counters_json(d)}};
    if (Status s = target_.commit(marker(), j.dump()); !s.ok()) {
      (void)target_.rollback();
      return Error{"committing " + where + ": " + s.error().message};
    }
    return d;
  }

  const UndoTarget& t_;
  Connector& target_;
  const UndoContext& cx_;
  std::string marker_task_;
  UndoOutcome out_;
  int64_t batches_ = 0;            // saved batches, every attempt
  std::optional<int64_t> next_id_;  // keys from this id on are undone
  bool done_ = false;
};

}  // namespace

Result<Row> undo_key(const UndoTarget& t, const std::string& key) {
  Result<std::vector<Value>> values = decode_key(key);
  if (!values.ok()) return Error{"written key " + key + ": " + values.error().message};
  if (values->size() != t.key.size())
    return Error{"written key " + key + " has " + std::to_string(values->size()) +
                 " values, but the key of " + quote_input(t.table) + " has " +
                 std::to_string(t.key.size()) + " columns (was the plan's key changed?)"};
  return Row(std::move(*values));
}

Result<Batch> undo_image(const UndoTarget& t, const WrittenKey& w) {
  if (!w.before_image) return Error{"the updated key " + w.key + " has no before-image"};
  nlohmann::json j = nlohmann::json::parse(*w.before_image, nullptr, false);
  if (!j.is_object()) return Error{"the before-image of key " + w.key + " is not a JSON object"};
  Batch out;
  Row row;
  for (const std::string& c : t.columns) {
    auto it = j.find(c);
    if (it == j.end()) continue;
    Result<Value> v = value_from_json(*it);
    if (!v.ok())
      return Error{"the before-image of key " + w.key + ", column `" + c + "`: " +
                   v.error().message};
    out.columns.push_back(c);
    row.push_back(std::move(*v));
  }
  if (out.columns.size() != j.size())
    for (const auto& [name, value] : j.items())
      if (std::find(t.columns.begin(), t.columns.end(), name) == t.columns.end())
        return Error{"the before-image of key " + w.key + " has a column " + quote_input(name) +
                     " that " + quote_input(t.table) + " no longer has"};
  for (const std::string& k : t.key)
    if (std::find(out.columns.begin(), out.columns.end(), k) == out.columns.end())
      return Error{"the before-image of key " + w.key + " lacks the key column " + quote_input(k)};
  out.rows.push_back(std::move(row));
  return out;
}

UndoOutcome undo_task(const UndoTarget& t, Connector& target, const UndoContext& cx) {
  return Undoer(t, target, cx).run();
}

std::string undo_marker_task(int64_t run_id, const std::string& task) {
  return "rollback/" + std::to_string(run_id) + "/" + task;
}

}  // namespace mig
