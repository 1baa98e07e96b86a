#include "runtime/orphans.hpp"

#include "runtime/sql_expr.hpp"

namespace mig {
namespace {

std::string table_sql(const SqlSpelling& s, const TableInfo& t) {
  return (t.schema.empty() ? "" : s.quote(t.schema) + ".") + s.quote(t.name);
}

// SELECT count(*) of the rows of `t` whose `fk` finds no row in `parent`.
std::string orphan_query(const SqlSpelling& s, const TableInfo& t, const ForeignKey& fk,
                         const TableInfo& parent) {
  std::string present, join;
  for (size_t i = 0; i < fk.columns.size(); ++i) {
    present += (i ? " AND " : "") + std::string("c.") + s.quote(fk.columns[i]) + " IS NOT NULL";
    join += (i ? " AND " : "") + std::string("p.") + s.quote(fk.ref_columns[i]) + " = c." +
            s.quote(fk.columns[i]);
  }
  return "SELECT count(*) FROM " + table_sql(s, t) + " c WHERE " + present +
         " AND NOT EXISTS (SELECT 1 FROM " + table_sql(s, parent) + " p WHERE " + join + ")";
}

}  // namespace

Result<std::vector<OrphanCount>> count_orphans(const Catalog& catalog, Connector& conn,
                                               const std::set<std::string>& only) {
  auto s = spelling_for(catalog.dialect);
  if (!s) return Error{"cannot look for orphans in a " + catalog.dialect + " connection"};
  std::vector<OrphanCount> out;
  for (const TableInfo& t : catalog.tables) {
    if (!only.empty() && !only.count(t.qualified())) continue;
    for (const ForeignKey& fk : t.foreign_keys) {
      const TableInfo* parent = catalog.find(fk.ref_schema.empty() ? t.schema : fk.ref_schema, fk.ref_table);
      if (!parent) continue;
      Result<Value> n = conn.query_value(SqlFilter{orphan_query(*s, t, fk, *parent), {}});
      if (!n.ok()) return n.take_error();
      if (n->kind() != ValueKind::int_) return Error{"the orphan count query returned no number"};
      out.push_back(OrphanCount{t.qualified(), parent->qualified(), n->as_int()});
    }
  }
  return out;
}

std::string describe_orphans(const std::vector<OrphanCount>& counts) {
  std::string out;
  for (const OrphanCount& c : counts)
    if (c.rows) out += (out.empty() ? "" : ", ") + c.child + " -> " + c.parent + ": " + std::to_string(c.rows);
  return out;
}

}  // namespace mig
