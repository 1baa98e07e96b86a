#include "runtime/catalog.hpp"

namespace mig {

const ColumnInfo* TableInfo::column(const std::string& col) const {
  for (const ColumnInfo& c : columns)
    if (c.name == col) return &c;
  return nullptr;
}

std::string TableInfo::qualified() const { return schema.empty() ? name : schema + "." + name; }

const TableInfo* Catalog::find(const std::string& schema, const std::string& name) const {
  // A server connection sees other schemas too: an unqualified name means its own.
  if (schema.empty() && !default_schema.empty()) return find(default_schema, name);
  const TableInfo* found = nullptr;
  for (const TableInfo& t : tables) {
    if (t.name != name || (!schema.empty() && t.schema != schema)) continue;
    if (found) return nullptr;  // ambiguous across schemas: the plan must name one
    found = &t;
  }
  return found;
}

std::vector<std::string> Catalog::table_names() const {
  std::vector<std::string> names;
  for (const TableInfo& t : tables) names.push_back(t.qualified());
  return names;
}

}  // namespace mig
