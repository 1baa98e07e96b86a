// Pushing filters down: a `where` conjunct spelled in a source's SQL dialect, when every
// part of it has an exact SQL spelling there (columns, literals, parameters, comparisons,
// `and`/`or`/`not`, `in`, `is null`, `+ - *`). Everything else stays with the runtime.
// Values are always bound (literals too), names always quoted for the dialect.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "compiler/ast.hpp"
#include "runtime/catalog.hpp"
#include "runtime/connector.hpp"

namespace mig {

// How a dialect spells names and placeholders.
struct SqlSpelling {
  std::string dialect;
  std::string (*quote)(std::string_view name);
  std::string (*placeholder)(int number);  // 1-based
};

// The spelling of `dialect` (sqlite, csv, postgres, mariadb); nullopt for others.
std::optional<SqlSpelling> spelling_for(const std::string& dialect);

// Builds one SqlFilter; placeholders are numbered in order from 1.
class SqlWriter {
 public:
  explicit SqlWriter(const SqlSpelling& spelling) : spelling_(spelling) {}
  // Appends `e` as SQL; false (and nothing usable) when some part has no exact spelling.
  bool expr(const Expr& e, const TableInfo& table, const std::map<std::string, Value>& params);
  void raw(std::string_view sql) { filter_.sql += sql; }
  void name(std::string_view n) { filter_.sql += spelling_.quote(n); }
  void bind(Value v);
  SqlFilter take() { return std::move(filter_); }

 private:
  const SqlSpelling& spelling_;
  SqlFilter filter_;
};

// `e` as one filter, or nullopt when it cannot be pushed down.
std::optional<SqlFilter> push_down(const Expr& e, const TableInfo& table,
                                   const std::map<std::string, Value>& params,
                                   const SqlSpelling& spelling);

}  // namespace mig
