#include "runtime/postgres_catalog.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>

namespace mig {
namespace {

// The tables introspection lists: ordinary (r) and partitioned (p), not partitions, in
// schemas the user may use (pg_* are PostgreSQL's own: catalog, toast, temporary), with
// some column privilege; never the commit markers.
constexpr const char* kTablesCte =
    "t AS (SELECT c.oid, n.nspname, c.relname FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition "
    "AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' "
    "AND c.relname <> '_mig_commits' "
    "AND pg_catalog.has_schema_privilege(n.oid, 'USAGE') "
    "AND pg_catalog.has_any_column_privilege(c.oid, 'SELECT, INSERT, UPDATE, REFERENCES'))";

// Columns in table order. A domain's type is followed down to the type it is built on
// (domains over domains too), which decides the language type; the native type stays the
// column's own (`format_type`, as `\d` shows it).
constexpr const char* kColumnsSql =
    "WITH RECURSIVE %TABLES%, "
    "dom(start, base) AS (SELECT ty.oid, ty.typbasetype FROM pg_catalog.pg_type ty "
    "  WHERE ty.typtype = 'd' "
    "  UNION ALL SELECT dom.start, b.typbasetype FROM dom JOIN pg_catalog.pg_type b "
    "  ON b.oid = dom.base AND b.typtype = 'd'), "
    "resolved AS (SELECT dom.start, dom.base FROM dom JOIN pg_catalog.pg_type b ON b.oid = dom.base "
    "  WHERE b.typtype <> 'd') "
    "SELECT t.nspname, t.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
    "a.attnotnull, a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '', "
    "a.attidentity = 'a', bt.oid, bt.typtype, bt.typelem <> 0 AND bt.typlen = -1, "
    "COALESCE(coll.collisdeterministic, true), a.atttypmod = -1 AND a.atttypid = bt.oid "
    "FROM t JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 "
    "AND NOT a.attisdropped "
    "LEFT JOIN resolved r ON r.start = a.atttypid "
    "JOIN pg_catalog.pg_type bt ON bt.oid = COALESCE(r.base, a.atttypid) "
    "LEFT JOIN pg_catalog.pg_collation coll ON coll.oid = a.attcollation "
    "ORDER BY t.nspname, t.relname, a.attnum";

constexpr const char* kPrimaryKeysSql =
    "WITH %TABLES% "
    "SELECT t.nspname, t.relname, a.attname "
    "FROM t JOIN pg_catalog.pg_constraint con ON con.conrelid = t.oid AND con.contype = 'p' "
    "CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) "
    "JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
    "ORDER BY t.nspname, t.relname, k.ord";

// conparentid <> 0: the copies PostgreSQL makes of a constraint for each partition of a
// referenced partitioned table; the constraint itself is listed once.
constexpr const char* kForeignKeysSql =
    "WITH %TABLES% "
    "SELECT t.nspname, t.relname, con.conname, rn.nspname, rc.relname, a.attname, ra.attname "
    "FROM t JOIN pg_catalog.pg_constraint con ON con.conrelid = t.oid AND con.contype = 'f' "
    "AND con.conparentid = 0 "
    "JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid "
    "JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace "
    "CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, refnum, ord) "
    "JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum "
    "JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.refnum "
    "ORDER BY t.nspname, t.relname, con.conname, k.ord";

// The indexes `INSERT ... ON CONFLICT (cols)` can infer: unique, checked at once, whole
// table, plain columns (INCLUDE columns are not part of the key).
constexpr const char* kUniqueKeysSql =
    "WITH %TABLES% "
    "SELECT t.nspname, t.relname, i.indexrelid::text, a.attname "
    "FROM t JOIN pg_catalog.pg_index i ON i.indrelid = t.oid AND i.indisunique "
    "AND i.indimmediate AND i.indpred IS NULL AND i.indexprs IS NULL "
    "CROSS JOIN LATERAL generate_series(0, i.indnkeyatts - 1) AS k(pos) "
    "JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[k.pos] "
    "ORDER BY t.nspname, t.relname, i.indexrelid, k.pos";

std::string with_tables(const char* sql) {
  std::string s = sql;
  size_t at = s.find("%TABLES%");
  s.replace(at, 8, kTablesCte);
  return s;
}

std::string cell(PGresult* r, int row, int col) {
  return std::string(PQgetvalue(r, row, col), static_cast<size_t>(PQgetlength(r, row, col)));
}
bool flag(PGresult* r, int row, int col) { return PQgetvalue(r, row, col)[0] == 't'; }

using TableIndex = std::map<std::pair<std::string, std::string>, size_t>;

Status load_columns(PgConnection& conn, PgCatalog& cat, TableIndex& index) {
  Result<PgResult> r = conn.query(with_tables(kColumnsSql));
  if (!r.ok()) return Error{"reading the catalog of `" + conn.shown_url() + "`: " + r.error().message};
  PGresult* res = r->get();
  for (int i = 0; i < PQntuples(res); ++i) {
    std::pair<std::string, std::string> k{cell(res, i, 0), cell(res, i, 1)};
    auto it = index.find(k);
    if (it == index.end()) {
      it = index.emplace(k, cat.tables.size()).first;
      cat.tables.emplace_back();
      cat.tables.back().info.schema = k.first;
      cat.tables.back().info.name = k.second;
    }
    PgTable& t = cat.tables[it->second];
    ColumnInfo c;
    c.name = cell(res, i, 2);
    c.native_type = cell(res, i, 3);
    c.nullable = !flag(res, i, 4);
    c.has_default = flag(res, i, 5);
    PgColumnType type;
    type.identity_always = flag(res, i, 6);
    type.base_oid = static_cast<Oid>(std::strtoul(PQgetvalue(res, i, 7), nullptr, 10));
    type.is_array = flag(res, i, 9);
    type.deterministic = flag(res, i, 10);
    type.plain = flag(res, i, 11);
    type.type = pg_language_type(type.base_oid, PQgetvalue(res, i, 8)[0], type.is_array);
    c.type = type.type;
    t.info.columns.push_back(std::move(c));
    t.types.push_back(type);
  }
  return Status::success();
}

Status load_primary_keys(PgConnection& conn, PgCatalog& cat, const TableIndex& index) {
  Result<PgResult> r = conn.query(with_tables(kPrimaryKeysSql));
  if (!r.ok()) return Error{"reading the primary keys of `" + conn.shown_url() + "`: " + r.error().message};
  PGresult* res = r->get();
  for (int i = 0; i < PQntuples(res); ++i) {
    auto it = index.find({cell(res, i, 0), cell(res, i, 1)});
    if (it != index.end()) cat.tables[it->second].info.primary_key.push_back(cell(res, i, 2));
  }
  return Status::success();
}

Status load_foreign_keys(PgConnection& conn, PgCatalog& cat, const TableIndex& index) {
  Result<PgResult> r = conn.query(with_tables(kForeignKeysSql));
  if (!r.ok()) return Error{"reading the foreign keys of `" + conn.shown_url() + "`: " + r.error().message};
  PGresult* res = r->get();
  for (int i = 0; i < PQntuples(res); ++i) {
    auto it = index.find({cell(res, i, 0), cell(res, i, 1)});
    if (it == index.end()) continue;
    std::vector<ForeignKey>& fks = cat.tables[it->second].info.foreign_keys;
    std::string name = cell(res, i, 2);
    if (fks.empty() || fks.back().name != name) {
      fks.emplace_back();
      fks.back().name = name;
      fks.back().ref_schema = cell(res, i, 3);
      fks.back().ref_table = cell(res, i, 4);
    }
    fks.back().columns.push_back(cell(res, i, 5));
    fks.back().ref_columns.push_back(cell(res, i, 6));
  }
  return Status::success();
}

Status load_unique_keys(PgConnection& conn, PgCatalog& cat, const TableIndex& index) {
  Result<PgResult> r = conn.query(with_tables(kUniqueKeysSql));
  if (!r.ok()) return Error{"reading the unique indexes of `" + conn.shown_url() + "`: " + r.error().message};
  PGresult* res = r->get();
  std::string last_index;
  for (int i = 0; i < PQntuples(res); ++i) {
    auto it = index.find({cell(res, i, 0), cell(res, i, 1)});
    if (it == index.end()) continue;
    std::vector<std::vector<std::string>>& keys = cat.tables[it->second].unique_keys;
    std::string index_id = cell(res, i, 2);
    if (index_id != last_index || keys.empty()) keys.emplace_back();
    last_index = index_id;
    keys.back().push_back(cell(res, i, 3));
  }
  return Status::success();
}

}  // namespace

const PgColumnType* PgTable::type_of(const std::string& column) const {
  for (size_t i = 0; i < info.columns.size(); ++i)
    if (info.columns[i].name == column) return &types[i];
  return nullptr;
}

bool PgTable::key_is_unique(const std::vector<std::string>& key) const {
  std::vector<std::string> want = key;
  std::sort(want.begin(), want.end());
  for (std::vector<std::string> have : unique_keys) {
    std::sort(have.begin(), have.end());
    if (have == want) return true;
  }
  return false;
}

const PgTable* PgCatalog::find(const std::string& schema, const std::string& name) const {
  // An unqualified name means the connection's own schema, as Catalog::find says.
  if (schema.empty() && !default_schema.empty()) return find(default_schema, name);
  const PgTable* found = nullptr;
  for (const PgTable& t : tables) {
    if (t.info.name != name || (!schema.empty() && t.info.schema != schema)) continue;
    if (found) return nullptr;  // in several schemas: the plan must name one
    found = &t;
  }
  return found;
}

Catalog PgCatalog::as_catalog() const {
  Catalog cat;
  cat.dialect = "postgres";
  cat.default_schema = default_schema;
  for (const PgTable& t : tables) cat.tables.push_back(t.info);
  return cat;
}

Result<PgCatalog> load_pg_catalog(PgConnection& conn) {
  PgCatalog cat;
  Result<PgResult> schema = conn.query("SELECT current_schema()");
  if (!schema.ok()) return schema.take_error();
  if (PQntuples(schema->get()) == 1 && !PQgetisnull(schema->get(), 0, 0))
    cat.default_schema = PQgetvalue(schema->get(), 0, 0);
  TableIndex index;
  if (Status s = load_columns(conn, cat, index); !s.ok()) return s.error();
  if (Status s = load_primary_keys(conn, cat, index); !s.ok()) return s.error();
  if (Status s = load_foreign_keys(conn, cat, index); !s.ok()) return s.error();
  if (Status s = load_unique_keys(conn, cat, index); !s.ok()) return s.error();
  return cat;
}

}  // namespace mig
