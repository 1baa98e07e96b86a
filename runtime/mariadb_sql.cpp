#include "runtime/mariadb_sql.hpp"

namespace mig {

std::string mariadb_quote(std::string_view name) {
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

std::string mariadb_quote_list(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out += ", ";
    out += mariadb_quote(n);
  }
  return out;
}

std::string mariadb_after_predicate(const std::vector<std::string>& key,
                                    std::vector<size_t>& binds) {
  if (key.size() == 1) {
    binds.push_back(0);
    return mariadb_quote(key[0]) + " > ?";
  }
  std::string sql = mariadb_quote(key[0]) + " >= ? AND (";
  binds.push_back(0);
  for (size_t i = 0; i < key.size(); ++i) {
    sql += i ? " OR (" : "(";
    for (size_t j = 0; j < i; ++j) {
      sql += mariadb_quote(key[j]) + " = ? AND ";
      binds.push_back(j);
    }
    sql += mariadb_quote(key[i]) + " > ?)";
    binds.push_back(i);
  }
  return sql + ")";
}

std::string mariadb_key_in_list(const std::vector<std::string>& key, size_t count) {
  std::string one = "?";
  for (size_t i = 1; i < key.size(); ++i) one += ", ?";
  if (key.size() > 1) one = "(" + one + ")";
  std::string sql = key.size() == 1 ? mariadb_quote(key[0]) : "(" + mariadb_quote_list(key) + ")";
  sql += " IN (";
  for (size_t i = 0; i < count; ++i) {
    if (i) sql += ", ";
    sql += one;
  }
  return sql + ")";
}

std::string mariadb_key_equals(const std::vector<std::string>& key) {
  std::string sql;
  for (size_t i = 0; i < key.size(); ++i)
    sql += (i ? " AND " : "") + mariadb_quote(key[i]) + " = ?";
  return sql;
}

}  // namespace mig
