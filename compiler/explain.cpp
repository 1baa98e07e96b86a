#include "compiler/explain.hpp"

#include <algorithm>
#include <optional>

#include "compiler/formatter.hpp"
#include "compiler/redact_url.hpp"

namespace mig {
namespace {

using Json = nlohmann::ordered_json;

// Until a plan is bound to a catalog (`--env`/`--schema`), nobody knows which `where`s
// have an SQL spelling in the source's dialect.
constexpr const char* kPushdownUnbound = "decided at bind time (--env/--schema)";

// Every expression explain prints goes through the formatter, with URL passwords hidden.
PrintOptions redacting() {
  PrintOptions opts;
  opts.string_literal = [](std::string_view raw) { return redact_url(raw); };
  return opts;
}

std::string expr_text(const Expr* e) { return e ? format_expr(*e, redacting()) : std::string(); }

// A declared name as the plan would write it (`old`, `` `old db` ``).
std::string name_text(const std::string& name) { return format_name(Ident{name, {}, false}); }

const char* conflict_text(ConflictPolicy p) {
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

const char* action_text(CheckAction a) {
  switch (a) {
    case CheckAction::reject:
      return "reject";
    case CheckAction::fail:
      return "fail";
    case CheckAction::warn:
      return "warn";
  }
  return "reject";
}

// Whether the plan file's `settings { }` gives `name` (else the built-in default holds).
bool setting_given(const CheckedPlan& plan, const std::string& name) {
  if (plan.modules.empty()) return false;
  for (const Stmt& s : plan.modules[0].stmts)
    if (s.kind == Stmt::Kind::settings)
      for (const Binding& b : s.bindings)
        if (b.name.text == name) return true;
  return false;
}

// ---------------------------------------------------------------------------------------
// What explain says about each part, computed once and rendered three ways.

struct SettingFact {
  std::string name;
  Json value;        // as JSON (number, string, bool or null)
  std::string text;  // as the plan would spell it
  bool given;        // in the plan's `settings`, else the built-in default
};

std::vector<SettingFact> settings_facts(const CheckedPlan& plan) {
  const Settings& s = plan.settings;
  std::vector<SettingFact> out;
  auto add = [&](const char* name, Json value, std::string text) {
    out.push_back({name, std::move(value), std::move(text), setting_given(plan, name)});
  };
  add("batch_size", s.batch_size, std::to_string(s.batch_size));
  add("on_conflict", conflict_text(s.on_conflict), conflict_text(s.on_conflict));
  add("on_error", action_text(s.on_error), action_text(s.on_error));
  add("parallel", s.parallel, std::to_string(s.parallel));
  const char* fk = s.fk_checks_deferred ? "deferred" : "on";
  add("fk_checks", fk, fk);
  if (s.confirm_above)
    add("confirm_above", *s.confirm_above, std::to_string(*s.confirm_above));
  else
    add("confirm_above", nullptr, "none");
  add("state", redact_url(s.state), quote_string(redact_url(s.state)));
  add("reports", redact_url(s.reports), quote_string(redact_url(s.reports)));
  add("create_tables", s.create_tables, s.create_tables ? "true" : "false");
  return out;
}

struct WhereFact {
  std::string expr;
  std::string pushed_down = kPushdownUnbound;
};

struct CheckFact {
  std::string expr;
  std::string action;
  bool action_given;  // else the plan's `on_error`
  std::optional<std::string> label;
};

struct TaskFacts {
  std::string kind;              // copy | update
  std::string source;            // table or pattern read (update: the table updated)
  std::string target;            // table or pattern written
  std::vector<std::string> key;  // declared key columns; empty: the source primary key
  int64_t batch_size = 0;
  std::string batch_from;                  // "batch clause" | "settings" | "default"
  std::optional<std::string> on_conflict;  // copy only
  std::string conflict_from;
  std::optional<int64_t> confirm_above;  // copy only
  std::string confirm_from;
  std::vector<WhereFact> wheres;
  std::vector<std::string> follows;  // `customer_id -> customers`, `foreign keys`
  std::vector<std::string> skips;
  bool has_map = false;  // no `map` means `map { * }`
  std::vector<std::string> map;
  std::vector<CheckFact> checks;
  std::vector<std::string> expects;
};

bool has_clause(const Stmt* decl, Clause::Kind kind) {
  if (!decl) return false;
  return std::any_of(decl->clauses.begin(), decl->clauses.end(),
                     [&](const Clause& c) { return c.kind == kind; });
}

std::string origin(const CheckedPlan& plan, const Stmt* decl, Clause::Kind kind, const char* clause,
                   const char* setting) {
  if (has_clause(decl, kind)) return std::string(clause) + " clause";
  return setting_given(plan, setting) ? "settings" : "default";
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string names(const std::vector<Ident>& idents) {
  std::vector<std::string> out;
  for (const Ident& i : idents) out.push_back(format_name(i));
  return join(out, ", ");
}

void add_clause_fact(TaskFacts& f, const CheckedPlan& plan, const Clause& c) {
  switch (c.kind) {
    case Clause::Kind::key:
      for (const Ident& col : c.columns) f.key.push_back(format_name(col));
      break;
    case Clause::Kind::where:
      f.wheres.push_back({expr_text(c.expr.get())});
      break;
    case Clause::Kind::follow:
      f.follows.push_back(names(c.columns) + " -> " + format_name(c.task));
      break;
    case Clause::Kind::follow_fks:
      f.follows.push_back("foreign keys");
      break;
    case Clause::Kind::skip:
      for (const Ident& p : c.patterns) f.skips.push_back(p.text);
      break;
    case Clause::Kind::map:
    case Clause::Kind::set:
      f.has_map = true;
      for (const MapItem& item : c.items) f.map.push_back(format_map_item(item, redacting()));
      break;
    case Clause::Kind::check: {
      CheckAction action = c.action_given ? c.action : plan.settings.on_error;
      f.checks.push_back({expr_text(c.expr.get()), action_text(action), c.action_given, c.label});
      break;
    }
    case Clause::Kind::expect:
      f.expects.push_back(format_expectation(c.expectation, redacting()));
      break;
    case Clause::Kind::on_conflict:
    case Clause::Kind::batch:
    case Clause::Kind::confirm:
      break;  // their effect is in Task, read below
  }
}

TaskFacts task_facts(const CheckedPlan& plan, const Task& t) {
  TaskFacts f;
  f.kind = t.is_update ? "update" : "copy";
  const Stmt* decl = t.decl;
  if (decl) {
    f.source = format_table_ref(decl->from);
    f.target = t.is_update ? f.source : format_table_ref(decl->to);
    for (const Clause& c : decl->clauses) add_clause_fact(f, plan, c);
  }
  f.batch_size = t.batch_size > 0 ? t.batch_size : plan.settings.batch_size;
  f.batch_from = origin(plan, decl, Clause::Kind::batch, "batch", "batch_size");
  if (!t.is_update) {
    f.on_conflict = conflict_text(t.on_conflict);
    f.conflict_from = origin(plan, decl, Clause::Kind::on_conflict, "on conflict", "on_conflict");
    f.confirm_above = t.confirm_above;
    f.confirm_from = origin(plan, decl, Clause::Kind::confirm, "confirm", "confirm_above");
  }
  return f;
}

std::string hook_sql(const CheckedPlan& plan, size_t hook) {
  const Stmt* h = plan.hooks[hook];
  return h ? redact_url(h->sql) : std::string();
}

std::string param_type(const Param& p) {
  if (p.decl && p.decl->type) return format_type(*p.decl->type);
  return type_name(p.type);
}

const Expr* param_default(const Param& p) { return p.decl ? p.decl->value.get() : nullptr; }

// Connections in the order they are declared (the plan keeps them by name).
std::vector<const Connection*> connections_in_order(const CheckedPlan& plan) {
  std::vector<const Connection*> out;
  for (const auto& [name, conn] : plan.connections) out.push_back(&conn);
  std::stable_sort(out.begin(), out.end(), [](const Connection* a, const Connection* b) {
    uint32_t pa = a->decl ? a->decl->span.begin : UINT32_MAX;
    uint32_t pb = b->decl ? b->decl->span.begin : UINT32_MAX;
    return pa < pb;
  });
  return out;
}

std::string connector_text(const Connection& c) {
  return c.decl ? expr_text(c.decl->value.get()) : std::string("?");
}

// Edges sorted by when their target runs, then their source: a reader sees a node's
// reasons together, in run order.
std::vector<const DagEdge*> edges_in_order(const LogicalDag& dag) {
  std::vector<size_t> position(dag.nodes.size(), dag.nodes.size());
  for (size_t i = 0; i < dag.order.size(); ++i) position[dag.order[i]] = i;
  std::vector<const DagEdge*> out;
  for (const DagEdge& e : dag.edges) out.push_back(&e);
  auto pos = [&](size_t n) { return n < position.size() ? position[n] : position.size(); };
  std::stable_sort(out.begin(), out.end(), [&](const DagEdge* a, const DagEdge* b) {
    if (pos(a->to) != pos(b->to)) return pos(a->to) < pos(b->to);
    return pos(a->from) < pos(b->from);
  });
  return out;
}

// Run order, then whatever a cycle left unordered.
std::vector<size_t> nodes_in_order(const LogicalDag& dag) {
  std::vector<size_t> out = dag.order;
  out.insert(out.end(), dag.unordered.begin(), dag.unordered.end());
  return out;
}

const std::string& node_id(const LogicalDag& dag, size_t n) {
  static const std::string unknown = "?";
  return n < dag.nodes.size() ? dag.nodes[n].id : unknown;
}

// ---------------------------------------------------------------------------------------
// Text

class TextWriter {
 public:
  TextWriter(const CheckedPlan& plan, const LogicalDag& dag) : plan_(plan), dag_(dag) {}

  std::string run() {
    out_ += "plan " + plan_.name + "\n";
    connections();
    environments();
    params();
    settings();
    nodes();
    waves();
    edges();
    return out_;
  }

 private:
  void line(int indent, const std::string& text) {
    out_ += std::string(size_t(indent), ' ') + text + "\n";
  }

  void section(const std::string& title) { out_ += "\n" + title + ":\n"; }

  void connections() {
    section("connections");
    auto conns = connections_in_order(plan_);
    if (conns.empty()) line(2, "(none)");
    for (const Connection* c : conns)
      line(2, name_text(c->name) + " (" + (c->is_target ? "target" : "source") +
                  ") = " + connector_text(*c));
  }

  void environments() {
    if (plan_.environments.empty()) return;
    section("environments");
    for (const Stmt* env : plan_.environments) {
      if (!env) continue;
      line(2, format_name(env->name));
      for (const Binding& b : env->bindings)
        line(4, format_name(b.name) + " = " + expr_text(b.value.get()));
    }
  }

  void params() {
    section("params");
    if (plan_.params.empty()) line(2, "(none)");
    for (const auto& [name, p] : plan_.params) {
      std::string text = "$" + name_text(name) + " : " + param_type(p);
      const Expr* def = param_default(p);
      text += def ? " = " + expr_text(def) : std::string(" (required)");
      if (p.given) text += ", given " + quote_string(redact_url(*p.given));
      line(2, text);
    }
  }

  void settings() {
    section("settings in effect");
    for (const SettingFact& s : settings_facts(plan_))
      line(2, s.name + " = " + s.text + (s.given ? "" : " (default)"));
  }

  void nodes() {
    section("nodes, in run order");
    std::vector<size_t> order = nodes_in_order(dag_);
    size_t width = std::to_string(order.size()).size();
    body_ = int(width) + 4;  // under the label: "  NN. "
    for (size_t i = 0; i < order.size(); ++i) {
      const DagNode& node = dag_.nodes[order[i]];
      size_t wave = dag_.wave_of(order[i]);
      std::string where = wave ? "wave " + std::to_string(wave) : std::string("not ordered: cycle");
      std::string number = std::to_string(i + 1);
      line(2, std::string(width - number.size(), ' ') + number + ". " + node.label + "  [" +
                  node.id + ", " + where + "]");
      node_body(node);
    }
  }

  void node_body(const DagNode& node) {
    if (node.kind == DagNode::Kind::task && node.task && *node.task < plan_.tasks.size())
      return task_body(task_facts(plan_, plan_.tasks[*node.task]));
    line(body_, node.why);
    const char* kind = node.kind == DagNode::Kind::finish ? "after-hook: " : "before-hook: ";
    for (size_t h : node.hooks) line(body_, kind + quote_string(hook_sql(plan_, h)));
  }

  void task_body(const TaskFacts& f) {
    line(body_, f.kind == "update" ? f.source + " (in place)" : f.source + " -> " + f.target);
    line(body_, "key: " + (f.key.empty() ? std::string("source primary key") : join(f.key, ", ")));
    line(body_, "batch: " + std::to_string(f.batch_size) + " (" + f.batch_from + ")");
    if (f.on_conflict) line(body_, "on conflict: " + *f.on_conflict + " (" + f.conflict_from + ")");
    if (f.confirm_above)
      line(body_,
           "confirm above: " + std::to_string(*f.confirm_above) + " (" + f.confirm_from + ")");
    for (const WhereFact& w : f.wheres) {
      line(body_, "where: " + w.expr);
      line(body_ + 2, "pushed down: " + w.pushed_down);
    }
    for (const std::string& follow : f.follows) line(body_, "follow: " + follow);
    if (!f.skips.empty()) line(body_, "skip: " + join(f.skips, ", "));
    line(body_, f.kind == "update" ? "set:" : (f.has_map ? "map:" : "map: (none, so *)"));
    for (const std::string& item : f.map) line(body_ + 2, item);
    for (const CheckFact& c : f.checks) {
      std::string text = "check: " + c.expr + " else " + c.action;
      if (c.label) text += " as " + quote_string(*c.label);
      if (!c.action_given) text += " (on_error)";
      line(body_, text);
    }
    for (const std::string& e : f.expects) line(body_, "expect: " + e);
  }

  void waves() {
    section("waves (nodes of one wave may run at once, up to parallel = " +
            std::to_string(plan_.settings.parallel) + ")");
    for (size_t w = 0; w < dag_.waves.size(); ++w) {
      std::vector<std::string> ids;
      for (size_t n : dag_.waves[w]) ids.push_back(node_id(dag_, n));
      line(2, std::to_string(w + 1) + ": " + join(ids, ", "));
    }
    if (!dag_.unordered.empty()) {
      std::vector<std::string> ids;
      for (size_t n : dag_.unordered) ids.push_back(node_id(dag_, n));
      line(2, "not ordered (a cycle): " + join(ids, ", "));
    }
  }

  void edges() {
    section("edges");
    if (dag_.edges.empty()) line(2, "(none)");
    for (const DagEdge* e : edges_in_order(dag_)) {
      line(2, node_id(dag_, e->from) + " -> " + node_id(dag_, e->to) + "  (" +
                  edge_kind_name(e->kind) + ")");
      line(4, e->reason);
    }
  }

  const CheckedPlan& plan_;
  const LogicalDag& dag_;
  std::string out_;
  int body_ = 5;  // indentation of a node's details
};

// ---------------------------------------------------------------------------------------
// Dot

std::string dot_quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

const char* dot_shape(DagNode::Kind kind) {
  switch (kind) {
    case DagNode::Kind::prepare:
    case DagNode::Kind::finish:
      return "cds";
    case DagNode::Kind::task:
      return "box";
    case DagNode::Kind::expect:
      return "note";
  }
  return "box";
}

std::string dot_label(const CheckedPlan& plan, const DagNode& node) {
  if (node.kind == DagNode::Kind::task && node.task && *node.task < plan.tasks.size()) {
    TaskFacts f = task_facts(plan, plan.tasks[*node.task]);
    return node.label + "\n" + (f.kind == "update" ? f.source : f.source + " -> " + f.target);
  }
  return node.label;
}

// ---------------------------------------------------------------------------------------
// Json

Json task_json(const TaskFacts& f) {
  Json j;
  j["kind"] = f.kind;
  j["source"] = f.source;
  j["target"] = f.target;
  if (f.key.empty())
    j["key"] = {{"strategy", "source primary key"}, {"columns", Json::array()}};
  else
    j["key"] = {{"strategy", "declared"}, {"columns", f.key}};
  j["batch_size"] = {{"value", f.batch_size}, {"from", f.batch_from}};
  if (f.on_conflict)
    j["on_conflict"] = {{"value", *f.on_conflict}, {"from", f.conflict_from}};
  else
    j["on_conflict"] = nullptr;
  if (f.confirm_above)
    j["confirm_above"] = {{"value", *f.confirm_above}, {"from", f.confirm_from}};
  else
    j["confirm_above"] = nullptr;
  j["where"] = Json::array();
  for (const WhereFact& w : f.wheres)
    j["where"].push_back({{"expr", w.expr}, {"pushed_down", nullptr}, {"note", w.pushed_down}});
  j["follow"] = f.follows;
  j["skip"] = f.skips;
  j["map"] = f.has_map || f.kind == "update" ? Json(f.map) : Json(Json::array({"*"}));
  j["checks"] = Json::array();
  for (const CheckFact& c : f.checks)
    j["checks"].push_back({{"expr", c.expr},
                           {"action", c.action},
                           {"action_from", c.action_given ? "check clause" : "on_error"},
                           {"label", c.label ? Json(*c.label) : Json(nullptr)}});
  j["expects"] = f.expects;
  return j;
}

Json node_json(const CheckedPlan& plan, const LogicalDag& dag, size_t n) {
  const DagNode& node = dag.nodes[n];
  Json j;
  j["id"] = node.id;
  j["kind"] = node_kind_name(node.kind);
  j["label"] = node.label;
  j["why"] = node.why;
  size_t wave = dag.wave_of(n);
  j["wave"] = wave ? Json(wave) : Json(nullptr);
  if (node.kind == DagNode::Kind::task && node.task && *node.task < plan.tasks.size()) {
    j["task"] = task_json(task_facts(plan, plan.tasks[*node.task]));
  } else if (node.kind == DagNode::Kind::expect) {
    j["of_task"] = node.task && *node.task < plan.tasks.size() ? Json(plan.tasks[*node.task].name)
                                                               : Json(nullptr);
  } else {
    j["connection"] = node.connection;
    j["hooks"] = Json::array();
    for (size_t h : node.hooks) j["hooks"].push_back(hook_sql(plan, h));
    j["toggles_fk_checks"] = node.toggles_fk_checks;
  }
  j["after"] = Json::array();
  for (size_t dep : dag.dependencies(n)) j["after"].push_back(node_id(dag, dep));
  return j;
}

}  // namespace

std::string explain_text(const CheckedPlan& plan, const LogicalDag& dag) {
  return TextWriter(plan, dag).run();
}

std::string explain_dot(const CheckedPlan& plan, const LogicalDag& dag) {
  std::string out = "digraph " + dot_quote(plan.name) + " {\n";
  out += "  rankdir=TB;\n  node [shape=box, fontname=\"Helvetica\"];\n";
  out += "  edge [fontname=\"Helvetica\", fontsize=10];\n";
  for (size_t n : nodes_in_order(dag)) {
    const DagNode& node = dag.nodes[n];
    out += "  " + dot_quote(node.id) + " [label=" + dot_quote(dot_label(plan, node)) +
           ", shape=" + dot_shape(node.kind) + "];\n";
  }
  for (const DagEdge* e : edges_in_order(dag))
    out += "  " + dot_quote(node_id(dag, e->from)) + " -> " + dot_quote(node_id(dag, e->to)) +
           " [label=" + dot_quote(e->reason) + "];\n";
  return out + "}\n";
}

nlohmann::ordered_json explain_json_value(const CheckedPlan& plan, const LogicalDag& dag) {
  Json j;
  j["plan"] = plan.name;
  j["connections"] = Json::array();
  for (const Connection* c : connections_in_order(plan))
    j["connections"].push_back({{"name", c->name},
                                {"role", c->is_target ? "target" : "source"},
                                {"connector", connector_text(*c)}});
  j["environments"] = Json::array();
  for (const Stmt* env : plan.environments) {
    if (!env) continue;
    Json conns = Json::array();
    for (const Binding& b : env->bindings)
      conns.push_back({{"name", b.name.text}, {"connector", expr_text(b.value.get())}});
    j["environments"].push_back({{"name", env->name.text}, {"connections", conns}});
  }
  j["params"] = Json::array();
  for (const auto& [name, p] : plan.params) {
    const Expr* def = param_default(p);
    j["params"].push_back({{"name", name},
                           {"type", param_type(p)},
                           {"default", def ? Json(expr_text(def)) : Json(nullptr)},
                           {"required", def == nullptr},
                           {"given", p.given ? Json(redact_url(*p.given)) : Json(nullptr)}});
  }
  j["settings"] = Json::object();
  for (const SettingFact& s : settings_facts(plan))
    j["settings"][s.name] = {{"value", s.value}, {"from", s.given ? "settings" : "default"}};
  j["nodes"] = Json::array();
  for (size_t n : nodes_in_order(dag)) j["nodes"].push_back(node_json(plan, dag, n));
  j["edges"] = Json::array();
  for (const DagEdge* e : edges_in_order(dag))
    j["edges"].push_back({{"from", node_id(dag, e->from)},
                          {"to", node_id(dag, e->to)},
                          {"kind", edge_kind_name(e->kind)},
                          {"reason", e->reason}});
  j["waves"] = Json::array();
  for (const auto& wave : dag.waves) {
    Json ids = Json::array();
    for (size_t n : wave) ids.push_back(node_id(dag, n));
    j["waves"].push_back(ids);
  }
  j["unordered"] = Json::array();
  for (size_t n : dag.unordered) j["unordered"].push_back(node_id(dag, n));
  return j;
}

std::string explain_json(const CheckedPlan& plan, const LogicalDag& dag) {
  return explain_json_value(plan, dag).dump(2) + "\n";
}

}  // namespace mig
