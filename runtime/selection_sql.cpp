#include "runtime/selection_sql.hpp"

namespace mig {
namespace {

// `a` or `(a, b)`: the left side of an IN.
void write_tuple(SqlWriter& w, const std::vector<std::string>& cols) {
  if (cols.size() > 1) w.raw("(");
  for (size_t i = 0; i < cols.size(); ++i) {
    if (i) w.raw(", ");
    w.name(cols[i]);
  }
  if (cols.size() > 1) w.raw(")");
}

void write_table(SqlWriter& w, const TableInfo& t) {
  if (!t.schema.empty()) {
    w.name(t.schema);
    w.raw(".");
  }
  w.name(t.name);
}

// The columns of the foreign-key links `write_some_link` looks at.
std::vector<std::vector<std::string>> links(const BoundTask& t) {
  std::vector<std::vector<std::string>> out;
  for (const FollowLink& f : t.pushed_follows)
    if (f.null_passes) out.push_back(f.columns);
  for (const RuntimeFollow& f : t.follows)
    if (f.null_passes) {
      std::vector<std::string> cols;
      for (size_t c : f.columns) cols.push_back(t.read_columns[c]);
      out.push_back(std::move(cols));
    }
  return out;
}

// Every pushed condition of `t` but its self-reference, ANDed; false when it has none.
bool write_base_condition(SqlWriter& w, const BoundPlan& plan, const BoundTask& t) {
  bool first = true;
  auto next = [&] {
    w.raw(first ? "" : " AND ");
    first = false;
  };
  for (const Expr* e : t.pushed_exprs) {
    next();
    w.raw("(");
    w.expr(*e, *t.source, plan.params);
    w.raw(")");
  }
  for (const FollowLink& f : t.pushed_follows) {
    next();
    const BoundTask& parent = *plan.task(f.parent);
    write_follow(w, plan, f.columns, parent, parent.key, f.null_passes);
  }
  if (t.needs_link) {
    next();
    write_some_link(w, t);
  }
  return !first;
}

// `SELECT cols FROM t WHERE <its whole selection>`.
void write_selection(SqlWriter& w, const BoundPlan& plan, const BoundTask& t,
                     const std::vector<std::string>& cols) {
  w.raw("SELECT ");
  for (size_t i = 0; i < cols.size(); ++i) {
    if (i) w.raw(", ");
    w.name(cols[i]);
  }
  w.raw(" FROM ");
  write_table(w, *t.source);
  bool conditions = !t.pushed_exprs.empty() || !t.pushed_follows.empty() || t.needs_link;
  if (!conditions && t.self_follow.empty()) return;
  w.raw(" WHERE ");
  if (!t.self_follow.empty()) {
    write_self_follow(w, plan, t);
    return;  // the recursive selection already holds every other condition
  }
  write_base_condition(w, plan, t);
}

}  // namespace

void write_follow(SqlWriter& w, const BoundPlan& plan, const std::vector<std::string>& cols,
                  const BoundTask& parent, const std::vector<std::string>& ref_cols,
                  bool null_passes) {
  w.raw("(");
  if (null_passes)
    for (const std::string& c : cols) {
      w.name(c);
      w.raw(" IS NULL OR ");
    }
  write_tuple(w, cols);
  w.raw(" IN (");
  write_selection(w, plan, parent, ref_cols);
  w.raw("))");
}

void write_some_link(SqlWriter& w, const BoundTask& t) {
  std::vector<std::vector<std::string>> all = links(t);
  w.raw("(");
  for (size_t i = 0; i < all.size(); ++i) {
    w.raw(i ? " OR (" : "(");
    for (size_t c = 0; c < all[i].size(); ++c) {
      if (c) w.raw(" AND ");
      w.name(all[i][c]);
      w.raw(" IS NOT NULL");
    }
    w.raw(")");
  }
  w.raw(")");
}

// key IN (WITH RECURSIVE "_mig_kept" ("_mig_k1", ...) AS (
//           SELECT key FROM t WHERE <base> AND self IS NULL
//           UNION SELECT "_mig_t".key FROM t AS "_mig_t" JOIN "_mig_kept" ON "_mig_t".self =
//           "_mig_kept".k WHERE <base>)
//         SELECT "_mig_k1", ... FROM "_mig_kept")
// UNION (not UNION ALL) stops at rows already kept: a cycle in the data ends the recursion.
void write_self_follow(SqlWriter& w, const BoundPlan& plan, const BoundTask& t) {
  std::vector<std::string> k;
  for (size_t i = 0; i < t.key.size(); ++i) k.push_back("_mig_k" + std::to_string(i + 1));
  auto base = [&](bool more) {
    if (write_base_condition(w, plan, t) && more) w.raw(" AND ");
  };
  write_tuple(w, t.key);
  w.raw(" IN (WITH RECURSIVE ");
  w.name("_mig_kept");
  w.raw(" (");
  for (size_t i = 0; i < k.size(); ++i) {
    if (i) w.raw(", ");
    w.name(k[i]);
  }
  w.raw(") AS (SELECT ");
  for (size_t i = 0; i < t.key.size(); ++i) {
    if (i) w.raw(", ");
    w.name(t.key[i]);
  }
  w.raw(" FROM ");
  write_table(w, *t.source);
  w.raw(" WHERE ");
  base(true);
  w.raw("(");
  for (size_t i = 0; i < t.self_follow.size(); ++i) {
    if (i) w.raw(" OR ");
    w.name(t.self_follow[i]);
    w.raw(" IS NULL");
  }
  w.raw(") UNION SELECT ");
  for (size_t i = 0; i < t.key.size(); ++i) {
    if (i) w.raw(", ");
    w.name("_mig_t");
    w.raw(".");
    w.name(t.key[i]);
  }
  w.raw(" FROM ");
  write_table(w, *t.source);
  w.raw(" AS ");
  w.name("_mig_t");
  w.raw(" JOIN ");
  w.name("_mig_kept");
  w.raw(" ON ");
  for (size_t i = 0; i < t.self_follow.size(); ++i) {
    if (i) w.raw(" AND ");
    w.name("_mig_t");
    w.raw(".");
    w.name(t.self_follow[i]);
    w.raw(" = ");
    w.name("_mig_kept");
    w.raw(".");
    w.name(k[i]);
  }
  bool more = !t.pushed_exprs.empty() || !t.pushed_follows.empty() || t.needs_link;
  if (more) {
    w.raw(" WHERE ");
    base(false);
  }
  w.raw(") SELECT ");
  for (size_t i = 0; i < k.size(); ++i) {
    if (i) w.raw(", ");
    w.name(k[i]);
  }
  w.raw(" FROM ");
  w.name("_mig_kept");
  w.raw(")");
}

std::string first_page_sql(const BoundPlan& plan, const BoundTask& b) {
  auto spelling = spelling_for(plan.catalogs.at(b.source_conn).dialect);
  if (!spelling) return "";
  std::string sql = "SELECT ";
  for (size_t i = 0; i < b.read_columns.size(); ++i)
    sql += (i ? ", " : "") + spelling->quote(b.read_columns[i]);
  sql += " FROM " + (b.source->schema.empty() ? "" : spelling->quote(b.source->schema) + ".") +
         spelling->quote(b.source->name);
  for (size_t i = 0; i < b.pushed.size(); ++i)
    sql += (i ? " AND (" : " WHERE (") + b.pushed[i].sql + ")";
  sql += " ORDER BY ";
  for (size_t i = 0; i < b.key.size(); ++i) sql += (i ? ", " : "") + spelling->quote(b.key[i]);
  sql += " LIMIT " + std::to_string(b.batch_size);
  return sql;
}

}  // namespace mig
