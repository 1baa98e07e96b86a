#include "runtime/mariadb_catalog.hpp"

#include <algorithm>
#include <functional>
#include <map>

#include "runtime/mariadb_values.hpp"

namespace mig {
namespace {

using Key = std::pair<std::string, std::string>;  // schema, table

std::string cell_text(const MariadbCell& c) {
  if (c.null) return "";
  if (c.kind == MariadbCell::Kind::integer) return std::to_string(c.i);
  return std::string(c.bytes());
}

int64_t cell_int(const MariadbCell& c) {
  if (c.kind == MariadbCell::Kind::integer) return c.i;
  return std::strtoll(cell_text(c).c_str(), nullptr, 10);
}

// Runs `sql` with `params` as text, calling `row` for each result row.
Status each_row(MariadbConnection& db, const std::string& sql,
                const std::vector<std::string>& params,
                const std::function<void(const std::vector<MariadbCell>&)>& row) {
  Result<MariadbStatement> st = MariadbStatement::prepare(db.raw(), sql);
  if (!st.ok()) return Error{"reading the MariaDB catalog: " + st.error().message};
  MariadbParams p;
  for (const std::string& v : params) p.add_text(v);
  if (Status s = st->execute(p); !s.ok())
    return Error{"reading the MariaDB catalog: " + s.error().message};
  for (;;) {
    Result<bool> more = st->fetch();
    if (!more.ok()) return Error{"reading the MariaDB catalog: " + more.error().message};
    if (!*more) return Status::success();
    row(st->cells());
  }
}

// The WHERE part choosing the databases (or the one table) of a query on a view whose
// database and table columns are `schema_col` and `table_col`.
std::string scope(const std::optional<MariadbTableFilter>& only, const char* schema_col,
                  const char* table_col, std::vector<std::string>& params) {
  if (only) {
    params = {only->schema, only->table};
    return std::string(schema_col) + " = ? AND " + table_col + " = ?";
  }
  params.clear();
  return std::string(schema_col) +
         " NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')";
}

// `json_valid(`c`)`, as MariaDB writes the check of a JSON column named c.
std::string json_check(const std::string& column) {
  std::string q = "json_valid(`";
  for (char ch : column) q += ch == '`' ? std::string("``") : std::string(1, ch);
  return q + "`)";
}

}  // namespace

bool mariadb_transactional_engine(const std::string& engine) {
  std::string e;
  for (char c : engine) e += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return e == "innodb" || e == "xtradb" || e == "rocksdb" || e == "tokudb";
}

Result<std::vector<MariadbTable>> load_mariadb_tables(
    MariadbConnection& db, const std::optional<MariadbTableFilter>& only) {
  std::vector<std::string> params;
  std::vector<MariadbTable> tables;
  std::map<Key, size_t> at;
  std::string where = scope(only, "TABLE_SCHEMA", "TABLE_NAME", params);
  Status s = each_row(
      db,
      "SELECT TABLE_SCHEMA, TABLE_NAME, ENGINE FROM information_schema.TABLES WHERE " + where +
          " AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') AND TABLE_NAME <> '_mig_commits'",
      params, [&](const std::vector<MariadbCell>& r) {
        MariadbTable t;
        t.info.schema = cell_text(r[0]);
        t.info.name = cell_text(r[1]);
        t.engine = cell_text(r[2]);
        // information_schema compares names without case: `T` is not `t`.
        if (only && (t.info.schema != only->schema || t.info.name != only->table)) return;
        tables.push_back(std::move(t));
      });
  if (!s.ok()) return s.error();
  std::sort(tables.begin(), tables.end(), [](const MariadbTable& a, const MariadbTable& b) {
    return std::tie(a.info.schema, a.info.name) < std::tie(b.info.schema, b.info.name);
  });
  for (size_t i = 0; i < tables.size(); ++i) at[{tables[i].info.schema, tables[i].info.name}] = i;
  auto find = [&](const std::string& schema, const std::string& name) -> MariadbTable* {
    auto it = at.find({schema, name});
    return it == at.end() ? nullptr : &tables[it->second];
  };

  // JSON columns: MariaDB's JSON is LONGTEXT with a CHECK (json_valid(col)).
  std::map<Key, std::vector<std::string>> json_checks;
  where = scope(only, "CONSTRAINT_SCHEMA", "TABLE_NAME", params);
  s = each_row(db,
               "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CHECK_CLAUSE FROM "
               "information_schema.CHECK_CONSTRAINTS WHERE " +
                   where + " AND CHECK_CLAUSE LIKE 'json\\_valid(%'",
               params, [&](const std::vector<MariadbCell>& r) {
                 json_checks[{cell_text(r[0]), cell_text(r[1])}].push_back(cell_text(r[2]));
               });
  if (!s.ok()) return s.error();

  std::map<Key, std::vector<std::pair<int64_t, ColumnInfo>>> columns;
  where = scope(only, "TABLE_SCHEMA", "TABLE_NAME", params);
  s = each_row(
      db,
      "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, COLUMN_TYPE, "
      "IS_NULLABLE, COLUMN_DEFAULT IS NOT NULL AND COLUMN_DEFAULT <> 'NULL', EXTRA, "
      "IS_GENERATED FROM information_schema.COLUMNS WHERE " +
          where,
      params, [&](const std::vector<MariadbCell>& r) {
        Key k{cell_text(r[0]), cell_text(r[1])};
        MariadbTable* t = find(k.first, k.second);
        if (!t) return;  // a view's columns
        ColumnInfo c;
        c.name = cell_text(r[2]);
        c.native_type = cell_text(r[5]);
        const std::vector<std::string>& checks = json_checks[k];
        bool json = std::find(checks.begin(), checks.end(), json_check(c.name)) != checks.end();
        c.type = mariadb_column_type(cell_text(r[4]), c.native_type, json);
        c.nullable = cell_text(r[6]) == "YES";
        std::string extra = cell_text(r[8]);
        c.has_default = cell_int(r[7]) != 0 || extra.find("auto_increment") != std::string::npos ||
                        cell_text(r[9]) == "ALWAYS";
        columns[k].emplace_back(cell_int(r[3]), std::move(c));
      });
  if (!s.ok()) return s.error();
  for (auto& [k, cols] : columns) {
    std::sort(cols.begin(), cols.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    MariadbTable* t = find(k.first, k.second);
    for (auto& [pos, c] : cols) t->info.columns.push_back(std::move(c));
  }

  // Primary keys and foreign keys, columns in key order.
  struct KeyPart {
    std::string constraint;
    int64_t position;
    std::string column, ref_schema, ref_table, ref_column;
  };
  std::map<Key, std::vector<KeyPart>> parts;
  where = scope(only, "TABLE_SCHEMA", "TABLE_NAME", params);
  s = each_row(db,
               "SELECT TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION, COLUMN_NAME, "
               "REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME FROM "
               "information_schema.KEY_COLUMN_USAGE WHERE " +
                   where +
                   " AND (CONSTRAINT_NAME = 'PRIMARY' OR REFERENCED_TABLE_NAME IS NOT NULL)",
               params, [&](const std::vector<MariadbCell>& r) {
                 parts[{cell_text(r[0]), cell_text(r[1])}].push_back(
                     {r[6].null ? std::string() : cell_text(r[2]), cell_int(r[3]), cell_text(r[4]),
                      cell_text(r[5]), cell_text(r[6]), cell_text(r[7])});
               });
  if (!s.ok()) return s.error();
  for (auto& [k, list] : parts) {
    MariadbTable* t = find(k.first, k.second);
    if (!t) continue;
    std::sort(list.begin(), list.end(), [](const KeyPart& a, const KeyPart& b) {
      return std::tie(a.constraint, a.position) < std::tie(b.constraint, b.position);
    });
    for (const KeyPart& p : list) {
      if (p.constraint.empty()) {  // the primary key
        t->info.primary_key.push_back(p.column);
        continue;
      }
      std::vector<ForeignKey>& fks = t->info.foreign_keys;
      if (fks.empty() || fks.back().name != p.constraint) {
        ForeignKey fk;
        fk.name = p.constraint;
        fk.ref_schema = p.ref_schema == k.first ? std::string() : p.ref_schema;
        fk.ref_table = p.ref_table;
        fks.push_back(std::move(fk));
      }
      fks.back().columns.push_back(p.column);
      fks.back().ref_columns.push_back(p.ref_column);
    }
  }
  return tables;
}

Result<std::vector<std::vector<std::string>>> load_mariadb_unique_keys(MariadbConnection& db,
                                                                       const std::string& schema,
                                                                       const std::string& table) {
  std::map<std::string, std::vector<std::pair<int64_t, std::string>>> indexes;
  Status s =
      each_row(db,
               "SELECT INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME FROM information_schema.STATISTICS "
               "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0",
               {schema, table}, [&](const std::vector<MariadbCell>& r) {
                 indexes[cell_text(r[0])].emplace_back(cell_int(r[1]), cell_text(r[2]));
               });
  if (!s.ok()) return s.error();
  std::vector<std::vector<std::string>> out;
  for (auto& [name, cols] : indexes) {
    std::sort(cols.begin(), cols.end());
    std::vector<std::string> names;
    for (auto& [pos, c] : cols) names.push_back(c);
    out.push_back(std::move(names));
  }
  return out;
}

}  // namespace mig
