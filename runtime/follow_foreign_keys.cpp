#include "runtime/follow_foreign_keys.hpp"

#include <algorithm>
#include <functional>
#include <optional>

#include "runtime/selection_sql.hpp"
#include "compiler/join.hpp"

namespace mig {
namespace {

bool has_clause(const BoundTask& t, Clause::Kind k) {
  if (!t.task || !t.task->decl) return false;
  return std::any_of(t.task->decl->clauses.begin(), t.task->decl->clauses.end(),
                     [&](const Clause& c) { return c.kind == k; });
}

bool has_where(const BoundTask& t) { return !t.pushed_exprs.empty() || !t.residual.empty(); }
bool is_filtered(const BoundTask& t) {
  return has_where(t) || !t.pushed_follows.empty() || !t.follows.empty();
}

// A foreign key this task could follow: the parent task and the child's columns in the
// order of the parent's key.
struct Edge {
  size_t child = 0, parent = 0;
  std::vector<std::string> columns;
  bool nullable = false;  // some column may be null: a null reference passes
  std::string text;       // `(role_id) -> STARFOX.ROLE`, for explain
};

class FkFollower {
 public:
  explicit FkFollower(BoundPlan& plan) : plan_(plan), accepted_(plan.tasks.size()) {}

  void run() {
    std::vector<Edge> candidates, selfs;
    for (size_t i = 0; i < plan_.tasks.size(); ++i)
      if (has_clause(plan_.tasks[i], Clause::Kind::follow_fks)) collect(i, candidates, selfs);
    accept(candidates);
    for (size_t i : parents_first()) apply(i, selfs);
    for (size_t i = 0; i < plan_.tasks.size(); ++i) classify(plan_.tasks[i]);
    order_expansions();
  }

 private:
  // The task that copies the table `fk` references from the child's source: one of the
  // child's own pattern copy first, else the first copy of the plan.
  std::optional<size_t> parent_of(size_t child, const ForeignKey& fk) {
    const BoundTask& c = plan_.tasks[child];
    std::string schema = fk.ref_schema.empty() ? c.source->schema : fk.ref_schema;
    std::optional<size_t> found;
    for (size_t i = 0; i < plan_.tasks.size(); ++i) {
      const BoundTask& p = plan_.tasks[i];
      if (p.is_update || p.source_conn != c.source_conn || p.source->name != fk.ref_table ||
          p.source->schema != schema)
        continue;
      if (p.task == c.task) return i;
      if (!found) found = i;
    }
    return found;
  }

  void collect(size_t i, std::vector<Edge>& candidates, std::vector<Edge>& selfs) {
    BoundTask& t = plan_.tasks[i];
    for (const ForeignKey& fk : t.source->foreign_keys) {
      std::string what = "(" + join(fk.columns) + ") -> " +
                         (fk.ref_schema.empty() ? "" : fk.ref_schema + ".") + fk.ref_table;
      std::optional<size_t> p = parent_of(i, fk);
      if (!p) {
        t.not_followed.push_back(what + ": no task of this plan copies it");
        continue;
      }
      // The child's columns in the order of the parent's key (a foreign key to another
      // unique key is followed through those columns in SQL only).
      const BoundTask& parent = plan_.tasks[*p];
      Edge e{i, *p, {}, false, "(" + join(fk.columns) + ") -> " + parent.name};
      bool on_key = fk.ref_columns.size() == parent.key.size();
      for (const std::string& k : parent.key) {
        auto at = std::find(fk.ref_columns.begin(), fk.ref_columns.end(), k);
        if (at == fk.ref_columns.end())
          on_key = false;
        else
          e.columns.push_back(fk.columns[size_t(at - fk.ref_columns.begin())]);
      }
      if (!on_key) {
        t.not_followed.push_back(what + ": it does not reference the parent's key (" +
                                 join(parent.key) + ")");
        continue;
      }
      for (const std::string& c : e.columns)
        if (const ColumnInfo* col = t.source->column(c); col && col->nullable) e.nullable = true;
      (*p == i ? selfs : candidates).push_back(std::move(e));
    }
  }

  // Whether `from` follows `to`, directly or through other accepted edges.
  bool reaches(size_t from, size_t to) const {
    if (from == to) return true;
    for (const Edge& e : accepted_[from])
      if (reaches(e.parent, to)) return true;
    return false;
  }

  // Accepts edges towards filtered parents until nothing changes; an edge whose parent
  // already follows the child would close a cycle and is left alone (the first table of
  // the cycle, in catalog order, follows; the other does not).
  void accept(const std::vector<Edge>& candidates) {
    std::vector<bool> filtered(plan_.tasks.size()), done(candidates.size());
    for (size_t i = 0; i < plan_.tasks.size(); ++i) filtered[i] = is_filtered(plan_.tasks[i]);
    for (bool changed = true; changed;) {
      changed = false;
      for (size_t c = 0; c < candidates.size(); ++c) {
        const Edge& e = candidates[c];
        if (done[c] || !filtered[e.parent]) continue;
        done[c] = true;
        changed = true;
        if (reaches(e.parent, e.child)) {
          plan_.tasks[e.child].not_followed.push_back(
              e.text + ": a cycle (" + plan_.tasks[e.parent].name + " follows this table)");
          continue;
        }
        accepted_[e.child].push_back(e);
        filtered[e.child] = true;
      }
    }
    for (size_t c = 0; c < candidates.size(); ++c)
      if (!done[c])
        plan_.tasks[candidates[c].child].not_followed.push_back(
            candidates[c].text + ": a reference table (copied whole)");
  }

  // Tasks in an order where every parent comes before the tasks following it.
  std::vector<size_t> parents_first() const {
    std::vector<size_t> order;
    std::vector<int> mark(plan_.tasks.size(), 0);
    std::function<void(size_t)> visit = [&](size_t i) {
      if (mark[i]) return;
      mark[i] = 1;
      for (const Edge& e : accepted_[i]) visit(e.parent);
      order.push_back(i);
    };
    for (size_t i = 0; i < plan_.tasks.size(); ++i) visit(i);
    return order;
  }

  // Adds the accepted follows of task `i` (its parents are final by now).
  void apply(size_t i, const std::vector<Edge>& selfs) {
    BoundTask& t = plan_.tasks[i];
    auto spelling = spelling_for(plan_.catalogs.at(t.source_conn).dialect);
    bool own_filters = is_filtered(t);
    for (const Edge& e : accepted_[i]) {
      BoundTask& parent = plan_.tasks[e.parent];
      bool pushable = spelling && parent.source_conn == t.source_conn && parent.residual.empty() &&
                      parent.follows.empty();
      if (!pushable && parent.task != t.task) {  // no DAG edge orders the two tasks
        t.not_followed.push_back(e.text +
                                 ": its parent's rows are filtered by migrun in another task; "
                                 "write `follow " +
                                 join(e.columns) + " -> TASK` in a task of its own");
        continue;
      }
      if (pushable) {
        SqlWriter w(*spelling);
        write_follow(w, plan_, e.columns, parent, parent.key, e.nullable);
        t.pushed.push_back(w.take());
        t.pushed_text.push_back("follow foreign key " + e.text);
        t.pushed_follows.push_back(FollowLink{e.columns, parent.name, e.nullable});
      } else {
        RuntimeFollow f;
        f.parent = parent.name;
        f.null_passes = e.nullable;
        for (const std::string& k : parent.key)
          f.parent_types.push_back(parent.source->column(k)->type);
        for (const std::string& col : e.columns)
          for (size_t c = 0; c < t.read_columns.size(); ++c)
            if (t.read_columns[c] == col) f.columns.push_back(c);
        t.follows.push_back(std::move(f));
        parent.records_selection = true;
      }
    }
    // Only when every link may be null: a non-null one already requires a parent row.
    bool links = !t.pushed_follows.empty() || !t.follows.empty();
    bool all_nullable = std::all_of(t.pushed_follows.begin(), t.pushed_follows.end(),
                                    [](const FollowLink& f) { return f.null_passes; }) &&
                        std::all_of(t.follows.begin(), t.follows.end(),
                                    [](const RuntimeFollow& f) { return f.null_passes; });
    if (!own_filters && links && all_nullable && spelling) {
      t.needs_link = true;  // a row no link reaches is no part of the slice
      SqlWriter w(*spelling);
      write_some_link(w, t);
      t.pushed.push_back(w.take());
      t.pushed_text.push_back("reached by at least one followed foreign key");
    }
    for (const Edge& e : selfs)
      if (e.child == i) follow_self(t, e, spelling);
    t.read_sql = first_page_sql(plan_, t);
  }

  void follow_self(BoundTask& t, const Edge& e, const std::optional<SqlSpelling>& spelling) {
    if (!is_filtered(t)) return;  // every row is copied: every reference lands
    if (!t.self_follow.empty()) {
      t.not_followed.push_back(e.text + ": only the first self-reference is followed");
      return;
    }
    if (!spelling || !t.residual.empty() || !t.follows.empty()) {
      t.not_followed.push_back(e.text + ": its filter is evaluated by migrun, not in SQL");
      return;
    }
    t.self_follow = e.columns;
    SqlWriter w(*spelling);
    write_self_follow(w, plan_, t);
    t.pushed.push_back(w.take());
    t.pushed_text.push_back("follow foreign key " + e.text +
                            " (recursively: its parent row is kept too)");
  }

  void classify(BoundTask& t) {
    bool pattern = t.task && t.task->decl && t.task->decl->from.is_pattern();
    if (has_where(t))
      t.selection = Selection::filtered;
    else if (!t.pushed_follows.empty() || !t.follows.empty())
      t.selection = Selection::followed;
    else
      t.selection = pattern ? Selection::reference : Selection::all;
    // In a pattern copy, `confirm above` guards the reference tables (copied whole).
    if (pattern && t.selection != Selection::reference) t.confirm_above.reset();
  }

  // Each pattern copy runs its tables parents first: followed parents must have run
  // before a child checks their keys, and `fk_checks = on` needs parents in place. A
  // cycle between tables keeps catalog order (it needs `fk_checks = deferred`).
  void order_expansions() {
    for (std::vector<size_t>& tasks : plan_.expansion) {
      if (tasks.size() < 2) continue;
      std::vector<size_t> order;
      std::vector<int> mark(plan_.tasks.size(), 0);
      std::function<void(size_t)> visit = [&](size_t i) {
        if (mark[i]) return;
        mark[i] = 1;
        for (size_t p : tasks)
          if (p != i && depends(plan_.tasks[i], plan_.tasks[p])) visit(p);
        order.push_back(i);
      };
      for (size_t i : tasks) visit(i);
      tasks = std::move(order);
    }
  }

  static bool depends(const BoundTask& child, const BoundTask& parent) {
    for (const ForeignKey& fk : child.source->foreign_keys) {
      std::string schema = fk.ref_schema.empty() ? child.source->schema : fk.ref_schema;
      if (fk.ref_table == parent.source->name && schema == parent.source->schema) return true;
    }
    return std::any_of(child.follows.begin(), child.follows.end(),
                       [&](const RuntimeFollow& f) { return f.parent == parent.name; });
  }

  BoundPlan& plan_;
  std::vector<std::vector<Edge>> accepted_;  // per task, the edges it follows
};

}  // namespace

void follow_foreign_keys(BoundPlan& plan) { FkFollower(plan).run(); }

}  // namespace mig
