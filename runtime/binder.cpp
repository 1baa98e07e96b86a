#include "runtime/binder.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <functional>
#include <set>

#include "compiler/builtins.hpp"
#include "compiler/formatter.hpp"
#include "compiler/join.hpp"
#include "runtime/follow_foreign_keys.hpp"
#include "runtime/selection_sql.hpp"
#include "runtime/sql_expr.hpp"
#include "runtime/table_ddl.hpp"
#include "runtime/time_precision.hpp"
#include "runtime/value_text.hpp"

namespace mig {
namespace {

// Every clause of kind `k` in a task statement.
std::vector<const Clause*> clauses(const Stmt& s, Clause::Kind k) {
  std::vector<const Clause*> out;
  for (const Clause& c : s.clauses)
    if (c.kind == k) out.push_back(&c);
  return out;
}

// Calls `fn` on every single-part name in `e` that denotes a column (not the task named
// by `lookup`'s first argument, not `source.X`).
void each_column(const Expr& e, const std::function<void(const Ident&)>& fn) {
  if (e.kind == ExprKind::name && e.path.size() == 1) fn(e.path[0]);
  for (size_t i = 0; i < e.args.size(); ++i) {
    if (e.kind == ExprKind::call && e.callee.text == "lookup" && i == 0) continue;
    each_column(*e.args[i], fn);
  }
  for (const NamedArg& a : e.named) each_column(*a.value, fn);
  for (const MapEntry& m : e.entries) {
    each_column(*m.key, fn);
    each_column(*m.value, fn);
  }
  for (const WhenClause& w : e.whens) {
    each_column(*w.condition, fn);
    each_column(*w.value, fn);
  }
  if (e.else_value) each_column(*e.else_value, fn);
}

// Splits `a and b and c` into its conjuncts.
void conjuncts(const Expr& e, std::vector<const Expr*>& out) {
  if (e.kind == ExprKind::binary && e.op == Op::and_) {
    conjuncts(*e.args[0], out);
    conjuncts(*e.args[1], out);
  } else {
    out.push_back(&e);
  }
}

std::vector<std::string> column_names(const TableInfo& t) {
  std::vector<std::string> out;
  for (const ColumnInfo& c : t.columns) out.push_back(c.name);
  return out;
}

// Whether a value of `from` can be written into a column of `to`: the same type, a
// widening, or text parsed strictly per row (a bad value becomes a reject, never a change).
bool convertible(Type from, Type to) {
  if (assignable(from, to)) return true;
  if (from.base == BaseType::text && to.base != BaseType::list) return true;
  if (to.base == BaseType::text && from.base != BaseType::list) return true;
  if (from.base == BaseType::date && (to.base == BaseType::timestamp)) return true;
  // An instant into a zone-less column is written as its UTC wall time (what `to_utc`
  // is for: MySQL DATETIME, SQLite text).
  if (from.base == BaseType::timestamptz && to.base == BaseType::timestamp) return true;
  return false;
}

// What an expression evaluates to, as far as the schema and the built-ins' declared
// results tell without running it; `unknown` where it depends on values.
Type static_type(const Expr& e, const TableInfo& source) {
  switch (e.kind) {
    case ExprKind::literal:
      switch (e.lit) {
        case LiteralKind::int_: return Type::of(BaseType::int_);
        case LiteralKind::decimal: return Type::of(BaseType::decimal);
        case LiteralKind::float_: return Type::of(BaseType::float_);
        case LiteralKind::string: return Type::of(BaseType::text);
        case LiteralKind::bool_: return Type::of(BaseType::bool_);
        default: return Type::of(BaseType::null);
      }
    case ExprKind::name:
      if (e.path.size() == 1)
        if (const ColumnInfo* c = source.column(e.path[0].text)) return Type::of(c->type);
      return {};
    case ExprKind::binary:
      if (e.op == Op::concat) return Type::of(BaseType::text);
      if (e.op == Op::add || e.op == Op::sub || e.op == Op::mul || e.op == Op::div ||
          e.op == Op::mod)
        return {};  // int or decimal or float: depends on the operands
      return Type::of(BaseType::bool_);  // comparisons and logic
    case ExprKind::in:
    case ExprKind::is_null:
    case ExprKind::matches:
      return Type::of(BaseType::bool_);
    case ExprKind::call:
      if (const Builtin* b = find_builtin(e.callee.text))
        if (b->signature.result.rule == TypeRule::exact) return b->signature.result.type;
      return {};
    default:
      return {};
  }
}

class Binder {
 public:
  Binder(const CheckedPlan& plan, BoundPlan& out, Diagnostics& diags)
      : plan_(plan), out_(out), diags_(diags) {}

  void run() {
    out_.expansion.resize(plan_.tasks.size());
    for (size_t i = 0; i < plan_.tasks.size(); ++i) {
      const Task& t = plan_.tasks[i];
      if (t.decl->from.is_pattern()) bind_pattern(t, i);
      else if (auto b = bind_task(t, *t.decl, t.name, nullptr, nullptr)) add(std::move(*b), i);
    }
    add_foreign_keys();
    follow_foreign_keys(out_);
    for (BoundTask& b : out_.tasks) b.fingerprint = fingerprint(b);
  }

 private:
  void add(BoundTask b, size_t checked_index) {
    out_.expansion[checked_index].push_back(out_.tasks.size());
    index_[b.name] = out_.tasks.size();
    out_.tasks.push_back(std::move(b));
  }

  // The table `ref` names in its connection's catalog; reports it when missing.
  const TableInfo* table(const TableRef& ref) {
    const std::string& conn = ref.parts[0].text;
    auto cat = out_.catalogs.find(conn);
    if (cat == out_.catalogs.end()) return nullptr;  // connection failed: reported already
    std::string schema = ref.parts.size() == 3 ? ref.parts[1].text : "";
    const Ident& name = ref.parts.back();
    if (const TableInfo* t = cat->second.find(schema, name.text)) return t;
    std::string written = schema.empty() ? name.text : schema + "." + name.text;
    Diagnostic& d = diags_.report(DiagId::unknown_table, ref.span, {conn, written});
    std::string close = closest_name(written, cat->second.table_names());
    if (!close.empty()) add_help(d, "did you mean `" + close + "`?");
    return nullptr;
  }

  void unknown_column(const TableInfo& t, const Ident& col) {
    Diagnostic& d = diags_.report(DiagId::unknown_column, col.span, {t.qualified(), col.text});
    std::string close = closest_name(col.text, column_names(t));
    if (!close.empty()) add_help(d, "did you mean `" + close + "`?");
  }

  // Every column an expression reads must exist in `t`.
  bool check_columns(const Expr& e, const TableInfo& t) {
    bool ok = true;
    each_column(e, [&](const Ident& col) {
      if (!t.column(col.text)) {
        unknown_column(t, col);
        ok = false;
      }
    });
    return ok;
  }

  std::optional<BoundTask> bind_task(const Task& t, const Stmt& s, const std::string& name,
                                     const TableInfo* src, const TableInfo* dst) {
    BoundTask b;
    b.name = name;
    b.task = &t;
    b.is_update = t.is_update;
    b.source_conn = t.source;
    b.target_conn = t.target;
    b.batch_size = t.batch_size;
    b.on_conflict = t.on_conflict;
    b.on_error = t.on_error;
    b.confirm_above = t.confirm_above;
    if (!src) src = table(s.from);
    if (!dst) dst = t.is_update ? src : target_table(t, s, src);
    if (!src || !dst) return std::nullopt;
    b.source = src;
    b.target = dst;
    bool ok = bind_key(b, s) && bind_outputs(b, s) && bind_filters(b, s);
    for (OutputColumn& o : b.outputs)
      if (const ColumnInfo* col = b.target->column(o.name))
        o.fraction_digits = fraction_digits(out_.catalogs.at(b.target_conn).dialect, *col);
    bind_checks(b, s);
    if (!ok) return std::nullopt;
    b.read_sql = first_page_sql(out_, b);
    return b;
  }

  // The table a copy writes; with `create_tables = true` a missing one is planned.
  const TableInfo* target_table(const Task& t, const Stmt& s, const TableInfo* src) {
    const TableRef& ref = s.to;
    auto cat = out_.catalogs.find(ref.parts[0].text);
    std::string schema = ref.parts.size() == 3 ? ref.parts[1].text : "";
    if (src && plan_.settings.create_tables && cat != out_.catalogs.end() &&
        !cat->second.find(schema, ref.parts.back().text))
      return create_table(t, s, *src, schema, ref.parts.back().text);
    return table(ref);
  }

  // The table `create_tables = true` makes for a copy into a missing `schema.name`: the
  // source's columns (`*`, less `drop`s) and the map's, typed for the target's dialect;
  // the key as primary key.
  const TableInfo* create_table(const Task& t, const Stmt& s, const TableInfo& src,
                                const std::string& schema, const std::string& name) {
    for (const CreatedTable& c : out_.created)  // two tasks writing one new table
      if (c.conn == t.target && c.table.schema == schema && c.table.name == name) return &c.table;
    TableInfo table{schema, name, {}, {}, {}};
    auto put = [&](ColumnInfo c) {
      c.has_default = false;
      for (ColumnInfo& have : table.columns)
        if (have.name == c.name) return void(have = std::move(c));
      table.columns.push_back(std::move(c));
    };
    auto maps = clauses(s, Clause::Kind::map);
    bool star = maps.empty();
    std::set<std::string> dropped;
    for (const Clause* c : maps)
      for (const MapItem& item : c->items) {
        if (item.kind == MapItem::Kind::star) star = true;
        if (item.kind == MapItem::Kind::drop) dropped.insert(item.column.text);
      }
    if (star)
      for (const ColumnInfo& c : src.columns)
        if (!dropped.count(c.name)) put(c);
    for (const Clause* c : maps)
      for (const MapItem& item : c->items) {
        if (item.kind != MapItem::Kind::assign) continue;
        const Expr& e = *item.value;
        const ColumnInfo* copied = e.kind == ExprKind::name && e.path.size() == 1
                                       ? src.column(e.path[0].text) : nullptr;
        ColumnInfo col = copied ? *copied : ColumnInfo{};
        if (!copied) {
          BaseType b = static_type(e, src).base;
          col.type = b == BaseType::unknown || b == BaseType::null ? BaseType::text : b;
          // `email = lower(email)` keeps the source column's declaration (its length, NOT NULL).
          if (const ColumnInfo* same = src.column(item.column.text); same && same->type == col.type)
            col = *same;
        }
        col.name = item.column.text;
        put(std::move(col));
      }
    auto keys = clauses(s, Clause::Kind::key);
    std::vector<std::string> key = src.primary_key;
    if (!keys.empty()) {
      key.clear();
      for (const Ident& k : keys[0]->columns) key.push_back(k.text);
    }
    if (std::all_of(key.begin(), key.end(), [&](const std::string& k) { return table.column(k); }))
      table.primary_key = key;
    const std::string& to = out_.catalogs.at(t.target).dialect;
    const std::string& from = out_.catalogs.at(t.source).dialect;
    for (ColumnInfo& c : table.columns) {
      bool in_key = std::count(table.primary_key.begin(), table.primary_key.end(), c.name) > 0;
      if (in_key) c.nullable = false;
      c.native_type = target_column_type(to, c, from, in_key);
    }
    out_.created.push_back(CreatedTable{t.target, std::move(table)});
    return &out_.created.back().table;
  }

  // The foreign keys a created table gets: those its source declares towards a table
  // that another copy of this plan moves from the same source into the same target.
  void add_foreign_keys() {
    for (CreatedTable& created : out_.created) {
      const BoundTask* child = nullptr;
      for (const BoundTask& b : out_.tasks)
        if (b.target == &created.table) child = &b;
      if (!child) continue;
      for (const ForeignKey& fk : child->source->foreign_keys) {
        std::string ref_schema = fk.ref_schema.empty() ? child->source->schema : fk.ref_schema;
        const BoundTask* parent = nullptr;
        for (const BoundTask& b : out_.tasks)
          if (!b.is_update && b.source_conn == child->source_conn && b.target_conn == created.conn &&
              b.source->name == fk.ref_table && b.source->schema == ref_schema)
            parent = &b;
        auto all_in = [](const std::vector<std::string>& cols, const TableInfo& t) {
          return std::all_of(cols.begin(), cols.end(), [&](const std::string& c) { return t.column(c); });
        };
        if (!parent || !all_in(fk.columns, created.table) || !all_in(fk.ref_columns, *parent->target))
          continue;
        std::string name = fk.name.empty() ? created.table.name + "_" + join(fk.columns, "_") + "_fkey" : fk.name;
        created.table.foreign_keys.push_back(
            ForeignKey{name, fk.columns, parent->target->schema, parent->target->name, fk.ref_columns});
      }
    }
  }

  bool bind_key(BoundTask& b, const Stmt& s) {
    auto keys = clauses(s, Clause::Kind::key);
    if (!keys.empty()) {
      for (const Ident& col : keys[0]->columns) {
        if (!b.source->column(col.text)) {
          unknown_column(*b.source, col);
          return false;
        }
        b.key.push_back(col.text);
      }
      return true;
    }
    b.key = b.source->primary_key;
    if (b.key.empty()) {
      Diagnostic& d = diags_.report(DiagId::no_key, s.from.span, {b.source->qualified()});
      add_help(d, "declare the columns that identify a row: `key COL, ...`");
      return false;
    }
    return true;
  }

  bool bind_outputs(BoundTask& b, const Stmt& s) {
    // All source columns are read: `*`, expressions and `source.COL` in checks need them,
    // and a batch is one keyset page either way.
    b.read_columns = column_names(*b.source);
    auto maps = clauses(s, b.is_update ? Clause::Kind::set : Clause::Kind::map);
    bool star = maps.empty() && !b.is_update;
    std::set<std::string> dropped;
    std::map<std::string, const MapItem*> assigned;
    bool ok = true;
    for (const Clause* c : maps)
      for (const MapItem& item : c->items) {
        if (item.kind == MapItem::Kind::star) star = true;
        if (item.kind == MapItem::Kind::drop) {
          if (!b.source->column(item.column.text)) {
            unknown_column(*b.source, item.column);
            ok = false;
          }
          dropped.insert(item.column.text);
        }
        if (item.kind == MapItem::Kind::assign) {
          if (b.is_update && std::count(b.key.begin(), b.key.end(), item.column.text)) {
            Diagnostic& d = diags_.report(DiagId::update_sets_key, item.column.span, {item.column.text});
            add_help(d, "the key finds the row to change; write the new value to a column of its own");
            ok = false;
            continue;
          }
          if (!b.target->column(item.column.text)) {
            unknown_column(*b.target, item.column);
            ok = false;
            continue;
          }
          ok = check_columns(*item.value, *b.source) && ok;
          assigned[item.column.text] = &item;
        }
      }
    if (!ok) return false;
    auto source_index = [&](const std::string& col) -> std::optional<size_t> {
      for (size_t i = 0; i < b.read_columns.size(); ++i)
        if (b.read_columns[i] == col) return i;
      return std::nullopt;
    };
    if (b.is_update)  // an update writes its key (to find the row) and what `set` assigns
      for (const std::string& k : b.key)
        if (!assigned.count(k))
          b.outputs.push_back(OutputColumn{k, nullptr, source_index(k), b.target->column(k)
                                                                            ? Type::of(b.target->column(k)->type)
                                                                            : Type{},
                                                         std::nullopt});
    for (const ColumnInfo& col : b.target->columns) {
      Type type = Type::of(col.type);
      auto a = assigned.find(col.name);
      if (a != assigned.end()) {
        const Expr& e = *a->second->value;
        // `col = other_col` copies a column: no expression to evaluate per row.
        if (e.kind == ExprKind::name && e.path.size() == 1) {
          auto idx = source_index(e.path[0].text);
          check_type(*b.source->column(e.path[0].text), col, e.span);
          b.outputs.push_back(OutputColumn{col.name, nullptr, idx, type, std::nullopt});
        } else {
          Type got = static_type(e, *b.source);
          if (!convertible(got, type)) {
            Diagnostic& d = diags_.report(DiagId::column_type_mismatch, e.span,
                                          {col.name, type_name(type), type_name(got)});
            add_help(d, "convert it explicitly in `map`: `" + col.name + " = ...`");
            ok = false;
          }
          b.outputs.push_back(OutputColumn{col.name, &e, std::nullopt, type, std::nullopt});
        }
      } else if (star && !dropped.count(col.name) && b.source->column(col.name)) {
        if (!b.is_update) check_type(*b.source->column(col.name), col, s.to.span);
        b.outputs.push_back(OutputColumn{col.name, nullptr, source_index(col.name), type, std::nullopt});
      } else if (!b.is_update && !col.nullable && !col.has_default) {
        Diagnostic& d = diags_.report(DiagId::not_null_unfilled, s.to.span,
                                      {b.target->qualified() + "." + col.name});
        add_help(d, "assign it in `map`: `" + col.name + " = ...`");
        ok = false;
      }
    }
    return ok && bind_target_key(b, s);
  }

  void check_type(const ColumnInfo& from, const ColumnInfo& to, Span where) {
    if (convertible(Type::of(from.type), Type::of(to.type))) return;
    Diagnostic& d = diags_.report(DiagId::column_type_mismatch, where,
                                  {to.name, type_name(Type::of(to.type)),
                                   type_name(Type::of(from.type)) + " (source column `" +
                                       from.name + "`)"});
    add_help(d, "convert it explicitly in `map`: `" + to.name + " = ...`");
  }

  // The target columns identifying a row: where the source key columns land (same names),
  // else the target's primary key.
  bool bind_target_key(BoundTask& b, const Stmt& s) {
    auto output = [&](const std::string& n) -> const OutputColumn* {
      for (const OutputColumn& o : b.outputs)
        if (o.name == n) return &o;
      return nullptr;
    };
    bool same_names = std::all_of(b.key.begin(), b.key.end(),
                                  [&](const std::string& k) { return output(k) != nullptr; });
    b.target_key = same_names ? b.key : b.target->primary_key;
    if (!b.target_key.empty() && !std::all_of(b.target_key.begin(), b.target_key.end(),
                                              [&](const std::string& k) { return output(k); })) {
      Diagnostic& d = diags_.report(DiagId::target_key_unwritten, s.to.span,
                                    {b.target->qualified(), join(b.target_key)});
      add_help(d, "assign the key columns in `map` (`" + b.target_key[0] + " = ...`), or write the source key (" +
                      join(b.key) + ") to columns of the same names");
      return false;
    }
    if (b.target_key.empty()) {
      Diagnostic& d = diags_.report(DiagId::no_key, s.to.span, {b.target->qualified()});
      add_help(d, "write the key columns (" + join(b.key, ", ") +
                      ") to the target, or give the target a primary key that the map fills");
      return false;
    }
    for (const std::string& k : b.target_key) {
      const OutputColumn* o = output(k);
      bool identity = !o->expr && o->source_column && b.read_columns[*o->source_column] == k;
      if (!identity) b.rekeys = true;
    }
    return true;
  }

  bool bind_filters(BoundTask& b, const Stmt& s) {
    auto spelling = spelling_for(out_.catalogs.at(b.source_conn).dialect);
    bool ok = true;
    // In a pattern copy a `where` (or `follow`) applies to the tables that have every
    // column it names, and to no other.
    bool pattern = s.from.is_pattern();
    auto applies = [&](const Expr& e) {
      bool all = true;
      each_column(e, [&](const Ident& col) { all = all && b.source->column(col.text); });
      return all;
    };
    for (const Clause* c : clauses(s, Clause::Kind::where)) {
      if (pattern && !applies(*c->expr)) continue;
      if (!check_columns(*c->expr, *b.source)) {
        ok = false;
        continue;
      }
      std::vector<const Expr*> parts;
      conjuncts(*c->expr, parts);
      for (const Expr* e : parts) {
        std::optional<SqlFilter> f;
        if (spelling) f = push_down(*e, *b.source, out_.params, *spelling);
        if (f) {
          b.pushed.push_back(std::move(*f));
          b.pushed_text.push_back(format_expr(*e));
          b.pushed_exprs.push_back(e);
        } else {
          b.residual.push_back(e);
        }
      }
    }
    for (const Clause* c : clauses(s, Clause::Kind::follow)) {
      bool all = std::all_of(c->columns.begin(), c->columns.end(),
                             [&](const Ident& col) { return b.source->column(col.text); });
      if (pattern && !all) continue;
      ok = bind_follow(b, *c, spelling) && ok;
    }
    return ok;
  }

  // `follow COL -> TASK`: a semi-join on the parent's selection. Pushed down as
  // `COL IN (SELECT key FROM parent WHERE ...)` when the parent reads the same connection
  // and its whole selection is SQL; otherwise applied by the runtime.
  bool bind_follow(BoundTask& b, const Clause& c, const std::optional<SqlSpelling>& spelling) {
    auto it = index_.find(c.task.text);
    if (it == index_.end()) return true;  // the parent failed to bind: reported there
    const BoundTask& parent = out_.tasks[it->second];
    std::vector<std::string> cols;
    for (const Ident& col : c.columns) {
      if (!b.source->column(col.text)) {
        unknown_column(*b.source, col);
        return false;
      }
      cols.push_back(col.text);
    }
    if (cols.size() != parent.key.size()) {
      diags_.report(DiagId::follow_key_mismatch, c.span,
                    {std::to_string(cols.size()) + " column" + (cols.size() == 1 ? "" : "s"),
                     parent.name, "(" + join(parent.key, ", ") + ")"});
      return false;
    }
    std::string text = join(cols, ", ") + " -> " + parent.name;
    if (spelling && parent.source_conn == b.source_conn && parent.residual.empty() &&
        parent.follows.empty()) {
      SqlWriter w(*spelling);
      write_follow(w, out_, cols, parent, parent.key, false);
      b.pushed.push_back(w.take());
      b.pushed_text.push_back("follow " + text);
      b.pushed_follows.push_back(FollowLink{cols, parent.name, false});
      return true;
    }
    RuntimeFollow f;
    f.parent = parent.name;
    for (const std::string& k : parent.key) f.parent_types.push_back(parent.source->column(k)->type);
    out_.tasks[it->second].records_selection = true;
    for (const std::string& col : cols)
      for (size_t i = 0; i < b.read_columns.size(); ++i)
        if (b.read_columns[i] == col) f.columns.push_back(i);
    b.follows.push_back(std::move(f));
    return true;
  }

  void bind_checks(BoundTask& b, const Stmt& s) {
    for (const Clause* c : clauses(s, Clause::Kind::check)) {
      BoundCheck check;
      check.clause = c;
      check.action = c->action_given ? c->action : b.on_error;
      check.label = c->label ? *c->label : format_expr(*c->expr);
      b.checks.push_back(std::move(check));
    }
  }

  // `copy legacy.* -> stage.*`: one task per source table matching the pattern and no
  // `skip`; a `where` applies to the tables that have every column it names.
  void bind_pattern(const Task& t, size_t index) {
    const Stmt& s = *t.decl;
    auto cat = out_.catalogs.find(t.source);
    auto dst_cat = out_.catalogs.find(t.target);
    if (cat == out_.catalogs.end() || dst_cat == out_.catalogs.end()) return;
    // `legacy.*` means the tables of the connection's own schema (a server shows others too).
    std::string schema = s.from.parts.size() == 3 ? s.from.parts[1].text : cat->second.default_schema;
    const std::string& glob = s.from.parts.back().text;
    std::vector<std::string> skips;
    for (const Clause* c : clauses(s, Clause::Kind::skip))
      for (const Ident& p : c->patterns) skips.push_back(p.text);
    for (const TableInfo& src : cat->second.tables) {
      if (!schema.empty() && src.schema != schema) continue;
      if (fnmatch(glob.c_str(), src.name.c_str(), 0) != 0) continue;
      if (auto p = skipped(src, skips)) {
        out_.skipped.push_back(SkippedTable{t.source, src.qualified(), *p});
        continue;
      }
      std::string dst_schema = s.to.parts.size() == 3 ? s.to.parts[1].text : "";
      const TableInfo* dst = dst_cat->second.find(dst_schema, src.name);
      if (!dst && plan_.settings.create_tables) dst = create_table(t, s, src, dst_schema, src.name);
      if (!dst) {
        diags_.report(DiagId::unknown_table, s.to.span, {t.target, src.name});
        continue;
      }
      if (auto b = bind_task(t, s, src.qualified(), &src, dst)) add(std::move(*b), index);
    }
  }

  // The `skip` pattern that leaves `t` out, if any.
  static std::optional<std::string> skipped(const TableInfo& t, const std::vector<std::string>& skips) {
    for (const std::string& p : skips) {
      size_t dot = p.find('.');
      bool hit = dot == std::string::npos
                     ? fnmatch(p.c_str(), t.name.c_str(), 0) == 0
                     : fnmatch(p.substr(0, dot).c_str(), t.schema.c_str(), 0) == 0 &&
                           fnmatch(p.substr(dot + 1).c_str(), t.name.c_str(), 0) == 0;
      if (hit) return p;
    }
    return std::nullopt;
  }

  // Everything that changes what a task writes, hashed: a task edited after a partial
  // run is caught (batch size and parallelism are not part of it).
  uint64_t fingerprint(const BoundTask& b) {
    std::string text = b.source->qualified() + "->" + b.target->qualified() + "|key:" +
                       join(b.key, ",") + "|tkey:" + join(b.target_key, ",");
    for (const OutputColumn& o : b.outputs)
      text += "|out:" + o.name + "=" +
              (o.expr ? format_expr(*o.expr) : "$" + b.read_columns[*o.source_column]);
    for (const SqlFilter& f : b.pushed) {
      text += "|sql:" + f.sql;
      for (const Value& v : f.params) text += "," + to_text(v);
    }
    for (const Expr* e : b.residual) text += "|where:" + format_expr(*e);
    for (const RuntimeFollow& f : b.follows) text += "|follow:" + f.parent;
    for (const BoundCheck& c : b.checks)
      text += "|check:" + format_clause(*c.clause) + "/" + std::to_string(int(c.action));
    text += "|conflict:" + std::to_string(int(b.on_conflict));
    return stable_hash(Value::text(text));
  }

  const CheckedPlan& plan_;
  BoundPlan& out_;
  Diagnostics& diags_;
  std::map<std::string, size_t> index_;  // bound task name -> index in out_.tasks
};

// A parameter default written as a literal or a list of literals.
Result<Value> literal_default(const Expr& e, Type type) {
  if (e.kind == ExprKind::list) {
    std::vector<Value> items;
    for (const ExprPtr& item : e.args) {
      auto v = literal_default(*item, Type::of(type.elem));
      if (!v) return v;
      items.push_back(std::move(*v));
    }
    return Value::list(std::move(items));
  }
  if (e.kind == ExprKind::literal) {
    if (e.lit == LiteralKind::null) return Value::null();
    if (e.lit == LiteralKind::string) {
      auto kind = kind_from_name(type_name(type));
      return parse_value(e.value, kind ? *kind : ValueKind::text);
    }
    if (e.lit == LiteralKind::bool_) return Value::boolean(e.text == "true");
    auto kind = kind_from_name(type_name(type));
    return parse_value(e.text, kind ? *kind : ValueKind::decimal);
  }
  return Error{"only literal defaults are supported"};
}

}  // namespace

const BoundTask* BoundPlan::task(const std::string& name) const {
  for (const BoundTask& t : tasks)
    if (t.name == name) return &t;
  return nullptr;
}

Result<std::map<std::string, Value>> param_values(const CheckedPlan& plan) {
  std::map<std::string, Value> values;
  for (const auto& [name, p] : plan.params) {
    if (p.given) {
      bool is_list = p.type.base == BaseType::list;
      auto kind = kind_from_name(type_name(is_list ? Type::of(p.type.elem) : p.type));
      auto v = is_list ? parse_value(*p.given, ValueKind::list, kind ? *kind : ValueKind::text)
                       : parse_value(*p.given, kind ? *kind : ValueKind::text);
      if (!v) return Error{"parameter `$" + name + "`: " + v.error().message};
      values[name] = std::move(*v);
    } else if (p.decl->value) {
      auto v = literal_default(*p.decl->value, p.type);
      if (!v) return Error{"parameter `$" + name + "`: " + v.error().message};
      values[name] = std::move(*v);
    } else {
      return Error{"parameter `$" + name + "` has no value: give `--param " + name +
                   "=...` or set MIG_PARAM_" + name};
    }
  }
  return values;
}

BoundPlan bind(const CheckedPlan& plan, const LogicalDag& dag,
               std::map<std::string, ConnectorSpec> specs,
               std::map<std::string, Catalog> catalogs, std::map<std::string, Value> params,
               Diagnostics& diags) {
  BoundPlan out;
  out.plan = &plan;
  out.dag = &dag;
  out.specs = std::move(specs);
  out.catalogs = std::move(catalogs);
  out.params = std::move(params);
  Binder(plan, out, diags).run();
  return out;
}

}  // namespace mig
