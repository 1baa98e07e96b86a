#include "runtime/explain_bound.hpp"

#include <sstream>

#include "compiler/formatter.hpp"
#include "compiler/join.hpp"
#include "runtime/table_ddl.hpp"
#include "runtime/value_text.hpp"

namespace mig {
namespace {

// How the task's rows are chosen, in words: `filtered`, `followed via A, B`, ...
std::string selection_text(const BoundTask& t) {
  std::vector<std::string> parents;
  for (const FollowLink& f : t.pushed_follows) parents.push_back(f.parent);
  for (const RuntimeFollow& f : t.follows) parents.push_back(f.parent);
  std::string via = parents.empty() ? "" : " via " + join(parents);
  switch (t.selection) {
    case Selection::filtered: return "filtered" + (via.empty() ? "" : ", followed" + via);
    case Selection::followed: return "followed" + via;
    case Selection::reference:
      return "reference table: every row" +
             (t.confirm_above ? ", confirmed above " + std::to_string(*t.confirm_above) + " rows" : "");
    case Selection::all: break;
  }
  return "every row";
}

void task_text(std::ostringstream& out, const BoundTask& t) {
  out << "  " << (t.is_update ? "update " : "copy ") << t.name << "\n";
  out << "    " << t.source_conn << "." << t.source->qualified() << " -> " << t.target_conn
      << "." << t.target->qualified() << "\n";
  out << "    key: " << join(t.key) << (t.task && t.key == t.source->primary_key ? " (primary key)" : "")
      << "\n";
  if (t.rekeys) out << "    target key: " << join(t.target_key) << " (new keys: crosswalk kept)\n";
  out << "    rows: " << selection_text(t) << "\n";
  for (size_t i = 0; i < t.pushed.size(); ++i) {
    out << "    pushed down: " << t.pushed_text[i] << "\n";
  }
  for (const Expr* e : t.residual) out << "    evaluated by migrun: where " << format_expr(*e) << "\n";
  for (const RuntimeFollow& f : t.follows)
    out << "    evaluated by migrun: follow -> " << f.parent << " (parent's keys from the state store)\n";
  for (const std::string& n : t.not_followed) out << "    not followed: " << n << "\n";
  out << "    sql: " << t.read_sql << "\n";
  std::vector<std::string> params;
  for (const SqlFilter& f : t.pushed)
    for (const Value& v : f.params) params.push_back(v.is_null() ? "null" : quote_input(to_text(v)));
  if (!params.empty()) out << "    bound: " << join(params) << "\n";
  std::vector<std::string> writes;
  for (const OutputColumn& o : t.outputs)
    writes.push_back(o.name + (o.expr ? " = " + format_expr(*o.expr) : ""));
  out << "    writes: " << join(writes) << "\n";
}

}  // namespace

std::string explain_bound_text(const BoundPlan& plan) {
  std::ostringstream out;
  out << "\nbound to " << (plan.env.empty() ? "the declared connections" : "environment " + plan.env)
      << ":\n";
  for (const BoundTask& t : plan.tasks) task_text(out, t);
  for (const SkippedTable& s : plan.skipped)
    out << "  skipped " << s.conn << "." << s.table << " (skip " << s.pattern << ")\n";
  if (!plan.created.empty()) out << "\ncreate_tables: missing target tables are created\n";
  for (const CreatedTable& c : plan.created) {
    const std::string& dialect = plan.catalogs.at(c.conn).dialect;
    out << "  " << c.conn << "." << c.table.qualified() << "\n";
    out << "    before its tasks: " << create_table_sql(dialect, c.table) << "\n";
    for (const std::string& fk : foreign_key_sql(dialect, c.table))
      out << "    after the data: " << fk << "\n";
  }
  return out.str();
}

}  // namespace mig
