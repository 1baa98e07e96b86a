#include "compiler/lower.hpp"

#include <algorithm>
#include <map>

#include "compiler/formatter.hpp"
#include "compiler/redact_url.hpp"

namespace mig {
namespace {

// `*` matches any run of characters; everything else matches itself. Greedy with one
// backtrack point, so a pattern full of `*`s stays linear-ish instead of exponential.
bool glob_match(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// A table a plan-level expect names: `new.users` (connection + the rest), or a whole
// connection (`sql(stage, ...)`, `no orphans in stage`) when `parts` is empty.
struct NamedTable {
  std::string connection;
  std::vector<std::string> parts;
};

std::string table_text(const NamedTable& t) {
  std::string out = t.connection;
  for (const std::string& p : t.parts) out += "." + p;
  return out;
}

std::string join_columns(const std::vector<Ident>& columns) {
  std::string out;
  for (const Ident& c : columns) out += (out.empty() ? "" : ", ") + format_name(c);
  return out;
}

class Lowering {
 public:
  explicit Lowering(const CheckedPlan& plan) : plan_(plan) {}

  LogicalDag run() {
    dag_.plan = plan_.name;
    collect_targets();
    for (const std::string& conn : targets_) prepare_[conn] = add_prepare(conn);
    for (size_t t = 0; t < plan_.tasks.size(); ++t) {
      task_node_.push_back(add_task(t));
      add_task_expects(t);
    }
    add_plan_expects();
    for (const std::string& conn : targets_) finish_[conn] = add_finish(conn);
    for (size_t t = 0; t < plan_.tasks.size(); ++t) {
      add_dependency_edges(t);
      add_connection_edges(t);
    }
    add_expect_edges();
    schedule(dag_);
    return std::move(dag_);
  }

 private:
  // --- nodes ---

  // Target connections in the order they are declared (the map is ordered by name).
  void collect_targets() {
    std::vector<const Connection*> conns;
    for (const auto& [name, conn] : plan_.connections)
      if (conn.is_target) conns.push_back(&conn);
    std::stable_sort(conns.begin(), conns.end(), [](const Connection* a, const Connection* b) {
      uint32_t pa = a->decl ? a->decl->span.begin : UINT32_MAX;
      uint32_t pb = b->decl ? b->decl->span.begin : UINT32_MAX;
      return pa < pb;
    });
    for (const Connection* c : conns) targets_.push_back(c->name);
  }

  size_t push(DagNode node) {
    dag_.nodes.push_back(std::move(node));
    return dag_.nodes.size() - 1;
  }

  std::vector<size_t> hooks_of(const std::string& conn, bool after) const {
    std::vector<size_t> out;
    for (size_t i = 0; i < plan_.hooks.size(); ++i) {
      const Stmt* h = plan_.hooks[i];
      if (h && h->after == after && h->conn.text == conn) out.push_back(i);
    }
    return out;
  }

  static std::string count_hooks(size_t n, const char* kind) {
    return std::to_string(n) + " " + kind + (n == 1 ? "" : "s");
  }

  size_t add_prepare(const std::string& conn) {
    DagNode n;
    n.kind = DagNode::Kind::prepare;
    n.id = "prepare:" + conn;
    n.label = "prepare " + conn;
    n.connection = conn;
    n.hooks = hooks_of(conn, false);
    n.toggles_fk_checks = plan_.settings.fk_checks_deferred;
    std::vector<std::string> does;
    if (!n.hooks.empty()) does.push_back("runs " + count_hooks(n.hooks.size(), "before-hook"));
    if (n.toggles_fk_checks) does.push_back("turns foreign key checks off (fk_checks = deferred)");
    n.why = "target " + conn + " is readied before any task touches it" +
            (does.empty() ? std::string(": nothing to run (no before-hooks, fk_checks = on)")
                          : ": " + join(does, ", "));
    return push(std::move(n));
  }

  size_t add_finish(const std::string& conn) {
    DagNode n;
    n.kind = DagNode::Kind::finish;
    n.id = "finish:" + conn;
    n.label = "finish " + conn;
    n.connection = conn;
    n.hooks = hooks_of(conn, true);
    n.toggles_fk_checks = plan_.settings.fk_checks_deferred;
    std::vector<std::string> does;
    if (n.toggles_fk_checks) does.push_back("turns foreign key checks back on and verifies them");
    if (!n.hooks.empty()) does.push_back("runs " + count_hooks(n.hooks.size(), "after-hook"));
    n.why = "target " + conn + " is closed after the last task touching it" +
            (does.empty() ? std::string(": nothing to run (no after-hooks, fk_checks = on)")
                          : ": " + join(does, ", "));
    return push(std::move(n));
  }

  static std::string join(const std::vector<std::string>& items, const char* sep) {
    std::string out;
    for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
    return out;
  }

  const TableRef* written_table(const Task& t) const {
    if (!t.decl) return nullptr;
    return t.is_update ? &t.decl->from : &t.decl->to;
  }

  size_t add_task(size_t index) {
    const Task& t = plan_.tasks[index];
    DagNode n;
    n.kind = DagNode::Kind::task;
    n.id = "task:" + t.name;
    n.label = std::string(t.is_update ? "update " : "copy ") + t.name;
    n.task = index;
    if (t.decl && t.is_update) {
      n.why = "updates " + format_table_ref(t.decl->from) + " in place";
    } else if (t.decl && t.decl->from.is_pattern()) {
      n.why = "copies each table matching " + format_table_ref(t.decl->from) +
              " to its namesake in " + format_table_ref(t.decl->to);
    } else if (t.decl) {
      n.why = "copies " + format_table_ref(t.decl->from) + " to " + format_table_ref(t.decl->to);
    }
    return push(std::move(n));
  }

  std::string expect_text(const Assertion& a) const {
    // The label reaches logs and reports too: hide any URL password in it.
    return redact_url("expect " + (a.expect ? format_expectation(*a.expect) : std::string("?")));
  }

  void add_task_expects(size_t task) {
    const std::string& name = plan_.tasks[task].name;
    size_t count = 0;
    for (size_t i = 0; i < plan_.assertions.size(); ++i) {
      const Assertion& a = plan_.assertions[i];
      if (a.task != name) continue;
      DagNode n;
      n.kind = DagNode::Kind::expect;
      n.id = "expect:" + name + ":" + std::to_string(++count);
      n.label = expect_text(a);
      n.why = "validates what " + name + " wrote, once it has finished";
      n.task = task;
      n.assertion = i;
      expect_node_.emplace_back(i, push(std::move(n)));
    }
  }

  void add_plan_expects() {
    size_t count = 0;
    for (size_t i = 0; i < plan_.assertions.size(); ++i) {
      const Assertion& a = plan_.assertions[i];
      if (!a.task.empty()) continue;
      DagNode n;
      n.kind = DagNode::Kind::expect;
      n.id = "expect:plan:" + std::to_string(++count);
      n.label = expect_text(a);
      n.why = "validates the plan once the tasks writing what it reads have finished";
      n.assertion = i;
      expect_node_.emplace_back(i, push(std::move(n)));
    }
  }

  // --- edges ---

  std::optional<size_t> task_index(const std::string& name) const {
    for (size_t i = 0; i < plan_.tasks.size(); ++i)
      if (plan_.tasks[i].name == name) return i;
    return std::nullopt;
  }

  // The `follow` clause a dependency comes from: the one at its place, else the first
  // that names the same task.
  const Clause* follow_clause(const Task& t, const Dependency& d) const {
    if (!t.decl) return nullptr;
    const Clause* by_name = nullptr;
    for (const Clause& c : t.decl->clauses) {
      if (c.kind != Clause::Kind::follow && c.kind != Clause::Kind::follow_fks) continue;
      if (c.span.begin == d.span.begin && c.span.end == d.span.end) return &c;
      if (!by_name && c.kind == Clause::Kind::follow && c.task.text == d.task) by_name = &c;
    }
    return by_name;
  }

  void add_dependency_edges(size_t index) {
    const Task& t = plan_.tasks[index];
    for (const Dependency& d : t.deps) {
      auto producer = task_index(d.task);
      if (!producer) continue;  // analysis reported it
      size_t from = task_node_[*producer], to = task_node_[index];
      if (d.kind == Dependency::Kind::lookup) {
        add_edge(
            dag_, DagEdge::Kind::lookup, from, to,
            "lookup(" + d.task + ", ...) in " + t.name + " needs the " + d.task + " crosswalk");
        continue;
      }
      const Clause* c = follow_clause(t, d);
      std::string how = c && c->kind == Clause::Kind::follow ? join_columns(c->columns)
                                                             : std::string("foreign keys");
      add_edge(dag_, DagEdge::Kind::follow, from, to, t.name + " follows " + how + " -> " + d.task);
    }
  }

  void add_connection_edges(size_t index) {
    const Task& t = plan_.tasks[index];
    size_t node = task_node_[index];
    // A task writes its target and reads its source; one that does both "writes".
    std::vector<std::pair<std::string, const char*>> touched;
    touched.emplace_back(t.target, "writes");
    if (t.source != t.target) touched.emplace_back(t.source, "reads");
    for (const auto& [conn, verb] : touched) {
      auto p = prepare_.find(conn);
      if (p == prepare_.end()) continue;  // a source-only connection needs no preparing
      add_edge(dag_, DagEdge::Kind::prepare, p->second, node,
               "prepare " + conn + " before " + t.name + " " + verb + " it");
      add_edge(dag_, DagEdge::Kind::finish, node, finish_.at(conn),
               t.name + " " + verb + " " + conn + " before finish");
    }
  }

  // Tables and connections a plan-level expect names.
  std::vector<NamedTable> named_tables(const Assertion& a) const {
    std::vector<NamedTable> out;
    if (!a.expect) return out;
    if (a.expect->no_orphans_in) out.push_back({a.expect->no_orphans_in->text, {}});
    if (a.expect->expr) collect_names(*a.expect->expr, out);
    return out;
  }

  void collect_names(const Expr& e, std::vector<NamedTable>& out) const {
    if (e.kind == ExprKind::name && !e.path.empty() && plan_.connections.count(e.path[0].text)) {
      NamedTable t{e.path[0].text, {}};
      for (size_t i = 1; i < e.path.size(); ++i) t.parts.push_back(e.path[i].text);
      out.push_back(std::move(t));
    }
    for (const ExprPtr& arg : e.args)
      if (arg) collect_names(*arg, out);
    for (const NamedArg& arg : e.named)
      if (arg.value) collect_names(*arg.value, out);
    for (const MapEntry& entry : e.entries) {
      if (entry.key) collect_names(*entry.key, out);
      if (entry.value) collect_names(*entry.value, out);
    }
    for (const WhenClause& w : e.whens) {
      if (w.condition) collect_names(*w.condition, out);
      if (w.value) collect_names(*w.value, out);
    }
    if (e.else_value) collect_names(*e.else_value, out);
  }

  // Whether task `t` may write the named table (or anything in the named connection).
  // Without a catalog this errs on the side of an edge: a needless edge costs some
  // parallelism, a missing one a validation that reads half-written tables.
  bool writes(const Task& t, const NamedTable& named) const {
    if (t.target != named.connection) return false;
    if (named.parts.empty()) return true;
    const TableRef* ref = written_table(t);
    if (!ref || ref->parts.size() < 2) return true;  // no table to compare: assume it may
    if (!glob_match(ref->parts.back().text, named.parts.back())) return false;
    std::optional<std::string> schema = schema_of(named);
    if (schema && ref->parts.size() >= 3 &&
        !glob_match(ref->parts[ref->parts.size() - 2].text, *schema))
      return false;
    if (!schema && ref->parts.size() >= 3) schema = ref->parts[ref->parts.size() - 2].text;
    return !(ref->is_pattern() && skipped(*t.decl, schema, named.parts.back()));
  }

  static std::optional<std::string> schema_of(const NamedTable& named) {
    if (named.parts.size() < 2) return std::nullopt;
    return named.parts[named.parts.size() - 2];
  }

  // Whether a pattern copy's `skip` surely leaves the table out (`TABLE`, `*.TABLE`,
  // `SCHEMA.TABLE`, `SCHEMA.*`; a schema pattern needs a known schema to be sure).
  static bool skipped(const Stmt& decl, const std::optional<std::string>& schema,
                      const std::string& table) {
    for (const Clause& c : decl.clauses) {
      if (c.kind != Clause::Kind::skip) continue;
      for (const Ident& p : c.patterns) {
        size_t dot = p.text.rfind('.');
        if (dot == std::string::npos) {
          if (glob_match(p.text, table)) return true;
          continue;
        }
        std::string schema_pattern = p.text.substr(0, dot);
        if (!glob_match(p.text.substr(dot + 1), table)) continue;
        if (schema_pattern == "*" || (schema && glob_match(schema_pattern, *schema))) return true;
      }
    }
    return false;
  }

  void add_expect_edges() {
    for (const auto& [assertion, node] : expect_node_) {
      const Assertion& a = plan_.assertions[assertion];
      std::string what = dag_.nodes[node].label;
      if (!a.task.empty()) {
        if (auto t = task_index(a.task))
          add_edge(dag_, DagEdge::Kind::expect, task_node_[*t], node, what + " checks " + a.task);
        continue;
      }
      bool any = false;
      for (const NamedTable& named : named_tables(a)) {
        for (size_t t = 0; t < plan_.tasks.size(); ++t) {
          if (!writes(plan_.tasks[t], named)) continue;
          any = true;
          const char* verb = named.parts.empty() ? " checks " : " reads ";
          add_edge(dag_, DagEdge::Kind::expect, task_node_[t], node,
                   what + verb + table_text(named) + ", which " + plan_.tasks[t].name + " writes");
        }
      }
      if (any) continue;
      for (size_t t = 0; t < plan_.tasks.size(); ++t)
        add_edge(dag_, DagEdge::Kind::expect, task_node_[t], node,
                 what + " runs after every task (it names no table a task writes)");
    }
  }

  const CheckedPlan& plan_;
  LogicalDag dag_;
  std::vector<std::string> targets_;
  std::map<std::string, size_t> prepare_, finish_;
  std::vector<size_t> task_node_;                       // by task index
  std::vector<std::pair<size_t, size_t>> expect_node_;  // (assertion, node)
};

}  // namespace

LogicalDag lower(const CheckedPlan& plan) { return Lowering(plan).run(); }

}  // namespace mig
