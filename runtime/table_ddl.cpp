#include "runtime/table_ddl.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include "runtime/sql_expr.hpp"

namespace mig {
namespace {

// A native type taken apart: `NUMERIC(12, 2) UNSIGNED` -> base "numeric", args {12, 2}.
struct NativeType {
  std::string base;
  std::vector<int> args;
  bool is_unsigned = false;
};

NativeType parse_native(const std::string& native) {
  NativeType t;
  std::string lower;
  for (char c : native) lower += char(std::tolower(static_cast<unsigned char>(c)));
  size_t paren = lower.find('(');
  t.base = lower.substr(0, paren);
  while (!t.base.empty() && t.base.back() == ' ') t.base.pop_back();
  if (paren != std::string::npos) {
    size_t close = lower.find(')', paren);
    std::string inside = lower.substr(paren + 1, close == std::string::npos ? close : close - paren - 1);
    size_t at = 0;
    while (at < inside.size()) {
      size_t comma = inside.find(',', at);
      std::string part = inside.substr(at, comma == std::string::npos ? comma : comma - at);
      if (part.find_first_not_of(" 0123456789") == std::string::npos &&
          part.find_first_of("0123456789") != std::string::npos)
        t.args.push_back(std::stoi(part));
      if (comma == std::string::npos) break;
      at = comma + 1;
    }
  }
  t.is_unsigned = lower.find("unsigned") != std::string::npos;
  return t;
}

bool starts(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }
bool has(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

// How many bytes an integer column of `n` needs: 2, 4 or 8 (8 when unknown: SQLite's
// INTEGER and MariaDB's BIGINT UNSIGNED's lower half).
int int_width(const NativeType& n) {
  const std::string& b = n.base;
  if (starts(b, "tinyint") || starts(b, "smallint") || b == "int2" || b == "smallserial")
    return n.is_unsigned && starts(b, "smallint") ? 4 : 2;
  if (starts(b, "mediumint")) return 4;
  if (b == "int" || b == "integer" || b == "int4" || b == "serial")
    return n.is_unsigned ? 8 : 4;
  return 8;
}

// The declared length of a character or binary column, when bounded.
std::optional<int> length_of(const NativeType& n) {
  bool sized = has(n.base, "char") || has(n.base, "binary");
  if (sized && n.args.size() == 1) return n.args[0];
  return std::nullopt;
}

// PostgreSQL's built-in types (as format_type spells them): only these are kept verbatim
// between two PostgreSQL databases; a user-defined type (an enum, a domain) may not exist
// in the target and maps through its language type instead.
bool postgres_builtin(const NativeType& n) {
  static const char* const kBuiltin[] = {
      "smallint", "integer", "bigint", "numeric", "real", "double precision", "text",
      "character varying", "character", "boolean", "date", "timestamp without time zone",
      "timestamp with time zone", "uuid", "json", "jsonb", "bytea", "time without time zone",
      "interval", "inet", "cidr", "macaddr"};
  for (const char* b : kBuiltin)
    if (n.base == b) return true;
  return false;
}

std::string postgres_type(const ColumnInfo& col, const NativeType& n) {
  switch (col.type) {
    case BaseType::int_: {
      int w = int_width(n);
      return w == 2 ? "smallint" : w == 4 ? "integer" : "bigint";
    }
    case BaseType::decimal:
      if (n.args.size() == 2) return "numeric(" + std::to_string(n.args[0]) + "," + std::to_string(n.args[1]) + ")";
      if (n.args.size() == 1) return "numeric(" + std::to_string(n.args[0]) + ")";
      return "numeric";
    case BaseType::float_: return n.base == "float" || n.base == "real" ? "real" : "double precision";
    case BaseType::text:
      if (auto len = length_of(n); len && !has(n.base, "binary"))
        return (starts(n.base, "char") && !has(n.base, "var") ? "char(" : "varchar(") + std::to_string(*len) + ")";
      return "text";
    case BaseType::bool_: return "boolean";
    case BaseType::date: return "date";
    case BaseType::timestamp: return "timestamp";
    case BaseType::timestamptz: return "timestamptz";
    case BaseType::uuid: return "uuid";
    case BaseType::json:
    case BaseType::list: return "json";
    case BaseType::bytes: return "bytea";
    default: return "text";
  }
}

std::string mariadb_type(const ColumnInfo& col, const NativeType& n, bool in_key) {
  switch (col.type) {
    case BaseType::int_: {
      int w = int_width(n);
      return w == 2 ? "smallint" : w == 4 ? "int" : "bigint";
    }
    case BaseType::decimal:
      // MariaDB's widest DECIMAL is (65, 30); wider values are refused row by row.
      if (n.args.size() == 2 && n.args[0] <= 65 && n.args[1] <= 30)
        return "decimal(" + std::to_string(n.args[0]) + "," + std::to_string(n.args[1]) + ")";
      if (n.args.size() == 1 && n.args[0] <= 65) return "decimal(" + std::to_string(n.args[0]) + ",0)";
      return "decimal(65,30)";
    case BaseType::float_: return n.base == "float" || n.base == "real" ? "float" : "double";
    case BaseType::text:
      if (auto len = length_of(n); len && *len <= 16383 && !has(n.base, "binary"))
        return (starts(n.base, "char") && !has(n.base, "var") ? "char(" : "varchar(") + std::to_string(*len) + ")";
      return in_key ? "varchar(255)" : "longtext";
    case BaseType::bool_: return "tinyint(1)";
    case BaseType::date: return "date";
    // MariaDB's TIMESTAMP stops in 2038: instants are kept as UTC wall time in DATETIME(6).
    case BaseType::timestamp:
    case BaseType::timestamptz: return "datetime(6)";
    case BaseType::uuid: return "uuid";
    case BaseType::json:
    case BaseType::list: return "json";
    case BaseType::bytes:
      if (auto len = length_of(n); len && *len <= 65535)
        return (has(n.base, "var") ? "varbinary(" : "binary(") + std::to_string(*len) + ")";
      return in_key ? "varbinary(255)" : "longblob";
    default: return in_key ? "varchar(255)" : "longtext";
  }
}

std::string sqlite_type(const ColumnInfo& col, const NativeType& n) {
  switch (col.type) {
    case BaseType::int_: return "INTEGER";
    case BaseType::decimal:
      if (n.args.size() == 2) return "DECIMAL(" + std::to_string(n.args[0]) + "," + std::to_string(n.args[1]) + ")";
      return "DECIMAL";
    case BaseType::float_: return "REAL";
    case BaseType::bool_: return "BOOLEAN";
    case BaseType::date: return "DATE";
    case BaseType::timestamp: return "TIMESTAMP";
    case BaseType::timestamptz: return "TIMESTAMPTZ";
    case BaseType::uuid: return "UUID";
    case BaseType::json:
    case BaseType::list: return "JSON";
    case BaseType::bytes: return "BLOB";
    default: return "TEXT";
  }
}

std::string quoted(const SqlSpelling& s, const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + s.quote(names[i]);
  return out;
}

std::string qualified(const SqlSpelling& s, const std::string& schema, const std::string& name) {
  return (schema.empty() ? "" : s.quote(schema) + ".") + s.quote(name);
}

std::string references(const SqlSpelling& s, const ForeignKey& fk) {
  return "FOREIGN KEY (" + quoted(s, fk.columns) + ") REFERENCES " +
         qualified(s, fk.ref_schema, fk.ref_table) + " (" + quoted(s, fk.ref_columns) + ")";
}

}  // namespace

std::string target_column_type(const std::string& dialect, const ColumnInfo& col,
                               const std::string& from_dialect, bool in_key) {
  NativeType n = parse_native(col.native_type);
  // SQLite's INTEGER and REAL (whatever they are called there) hold 64 bits.
  if (from_dialect == "sqlite" || from_dialect == "csv") {
    if (col.type == BaseType::int_) n.base = "bigint";
    if (col.type == BaseType::float_) n.base = "double";
  }
  bool same = dialect == from_dialect && !col.native_type.empty();
  if (dialect == "postgres") return same && postgres_builtin(n) ? col.native_type : postgres_type(col, n);
  if (dialect == "mariadb") {
    // MariaDB reports a JSON column as `longtext`: say `json` again to keep its check.
    bool keep = same && col.type != BaseType::json &&
                !(in_key && (has(n.base, "text") || has(n.base, "blob")));
    return keep ? col.native_type : mariadb_type(col, n, in_key);
  }
  return same ? col.native_type : sqlite_type(col, n);
}

std::string create_table_sql(const std::string& dialect, const TableInfo& t) {
  SqlSpelling s = *spelling_for(dialect);
  std::string sql = "CREATE TABLE " + qualified(s, t.schema, t.name) + " (";
  for (size_t i = 0; i < t.columns.size(); ++i) {
    const ColumnInfo& c = t.columns[i];
    sql += (i ? ", " : "") + s.quote(c.name) + " " + c.native_type + (c.nullable ? "" : " NOT NULL");
  }
  if (!t.primary_key.empty()) sql += ", PRIMARY KEY (" + quoted(s, t.primary_key) + ")";
  if (dialect == "sqlite")
    for (ForeignKey fk : t.foreign_keys) {
      fk.ref_schema.clear();  // SQLite's REFERENCES names a table of the same (attached) file
      sql += ", CONSTRAINT " + s.quote(fk.name) + " " + references(s, fk);
    }
  sql += ")";
  if (dialect == "mariadb") sql += " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
  return sql;
}

std::vector<std::string> foreign_key_sql(const std::string& dialect, const TableInfo& t) {
  std::vector<std::string> out;
  if (dialect == "sqlite") return out;
  SqlSpelling s = *spelling_for(dialect);
  std::string table = qualified(s, t.schema, t.name);
  for (const ForeignKey& fk : t.foreign_keys) {
    std::string add = "ALTER TABLE " + table + " ADD CONSTRAINT " + s.quote(fk.name) + " " + references(s, fk);
    if (dialect != "postgres") {
      out.push_back(add);
      continue;
    }
    // PostgreSQL: added unchecked (a moment's lock), then validated under a lock that lets
    // other validations run at once (checking millions of rows takes seconds each). Both
    // steps can run again after a crash between them.
    out.push_back("DO $mig$ BEGIN " + add +
                  " NOT VALID; EXCEPTION WHEN duplicate_object THEN NULL; END $mig$");
    out.push_back("ALTER TABLE " + table + kValidateConstraint + s.quote(fk.name));
  }
  return out;
}

bool validates_constraint(const std::string& sql) {
  return sql.rfind("ALTER TABLE ", 0) == 0 && sql.find(kValidateConstraint) != std::string::npos;
}

}  // namespace mig
