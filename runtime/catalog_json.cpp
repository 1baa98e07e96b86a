#include "runtime/catalog_json.hpp"

#include <nlohmann/json.hpp>

namespace mig {
namespace {

using nlohmann::json;

constexpr BaseType kColumnTypes[] = {
    BaseType::unknown, BaseType::int_,      BaseType::decimal,     BaseType::float_,
    BaseType::text,    BaseType::bool_,     BaseType::date,        BaseType::timestamp,
    BaseType::timestamptz, BaseType::uuid,  BaseType::json,        BaseType::bytes};

json names_json(const std::vector<std::string>& names) {
  json arr = json::array();
  for (const std::string& n : names) arr.push_back(n);
  return arr;
}

json table_json(const TableInfo& t) {
  json columns = json::array();
  for (const ColumnInfo& c : t.columns)
    columns.push_back({{"name", c.name},
                       {"type", type_name(Type::of(c.type))},
                       {"native_type", c.native_type},
                       {"nullable", c.nullable},
                       {"has_default", c.has_default}});
  json fks = json::array();
  for (const ForeignKey& fk : t.foreign_keys)
    fks.push_back({{"name", fk.name},
                   {"columns", names_json(fk.columns)},
                   {"ref_schema", fk.ref_schema},
                   {"ref_table", fk.ref_table},
                   {"ref_columns", names_json(fk.ref_columns)}});
  return {{"schema", t.schema},
          {"name", t.name},
          {"columns", std::move(columns)},
          {"primary_key", names_json(t.primary_key)},
          {"foreign_keys", std::move(fks)}};
}

// Reads members of one JSON object, naming `path` in errors. The first error sticks;
// later reads return defaults, so that a reader can run to the end and check once.
class ObjectReader {
 public:
  ObjectReader(const json& j, std::string path, std::optional<Error>& error)
      : j_(j), path_(std::move(path)), error_(error) {
    if (!j_.is_object()) fail(path_, "expected an object");
  }

  const json* member(const char* key, bool required) {
    if (error_ || !j_.is_object()) return nullptr;
    auto it = j_.find(key);
    if (it == j_.end()) {
      if (required) fail(path_, std::string("missing member \"") + key + "\"");
      return nullptr;
    }
    return &*it;
  }
  std::string text(const char* key, bool required) {
    const json* m = member(key, required);
    if (!m) return "";
    if (!m->is_string()) return fail(at(key), "expected a string"), "";
    return m->get<std::string>();
  }
  bool flag(const char* key, bool fallback) {
    const json* m = member(key, false);
    if (!m) return fallback;
    if (!m->is_boolean()) return fail(at(key), "expected true or false"), fallback;
    return m->get<bool>();
  }
  std::vector<std::string> names(const char* key) {
    std::vector<std::string> out;
    const json* m = member(key, false);
    if (!m) return out;
    if (!m->is_array()) return fail(at(key), "expected an array of names"), out;
    for (size_t i = 0; i < m->size(); ++i) {
      if (!(*m)[i].is_string()) return fail(at(key) + "[" + std::to_string(i) + "]", "expected a name"), out;
      out.push_back((*m)[i].get<std::string>());
    }
    return out;
  }
  // The array member `key`, or an empty one (recording an error when it is not an array).
  const json& array(const char* key, bool required) {
    static const json kEmpty = json::array();
    const json* m = member(key, required);
    if (!m) return kEmpty;
    if (!m->is_array()) return fail(at(key), "expected an array"), kEmpty;
    return *m;
  }
  std::string at(const char* key) const { return path_ + "." + key; }
  void fail(const std::string& where, const std::string& what) {
    if (!error_) error_ = Error{"catalog snapshot: " + (where.empty() ? "" : where + ": ") + what};
  }

 private:
  const json& j_;
  std::string path_;
  std::optional<Error>& error_;
};

ColumnInfo read_column(const json& j, const std::string& path, std::optional<Error>& error) {
  ObjectReader r(j, path, error);
  ColumnInfo c;
  c.name = r.text("name", true);
  std::string type = r.text("type", true);
  bool known = false;
  for (BaseType t : kColumnTypes)
    if (type_name(Type::of(t)) == type) c.type = t, known = true;
  if (!known && !error) r.fail(r.at("type"), json(type).dump() + " is not a type");
  c.native_type = r.text("native_type", false);
  c.nullable = r.flag("nullable", true);
  c.has_default = r.flag("has_default", false);
  return c;
}

TableInfo read_table(const json& j, const std::string& path, std::optional<Error>& error) {
  ObjectReader r(j, path, error);
  TableInfo t;
  t.schema = r.text("schema", false);
  t.name = r.text("name", true);
  const json& cols = r.array("columns", true);
  for (size_t i = 0; i < cols.size(); ++i)
    t.columns.push_back(read_column(cols[i], r.at("columns") + "[" + std::to_string(i) + "]", error));
  t.primary_key = r.names("primary_key");
  const json& fks = r.array("foreign_keys", false);
  for (size_t i = 0; i < fks.size(); ++i) {
    ObjectReader f(fks[i], r.at("foreign_keys") + "[" + std::to_string(i) + "]", error);
    ForeignKey fk;
    fk.name = f.text("name", false);
    fk.columns = f.names("columns");
    fk.ref_schema = f.text("ref_schema", false);
    fk.ref_table = f.text("ref_table", true);
    fk.ref_columns = f.names("ref_columns");
    if (fk.columns.size() != fk.ref_columns.size())
      f.fail(f.at("ref_columns"), "has " + std::to_string(fk.ref_columns.size()) + " names for " +
                                      std::to_string(fk.columns.size()) + " columns");
    t.foreign_keys.push_back(std::move(fk));
  }
  return t;
}

}  // namespace

std::string catalogs_to_json(const std::map<std::string, Catalog>& catalogs) {
  json conns = json::object();
  for (const auto& [name, cat] : catalogs) {
    json tables = json::array();
    for (const TableInfo& t : cat.tables) tables.push_back(table_json(t));
    conns[name] = {{"dialect", cat.dialect}, {"tables", std::move(tables)}};
    if (!cat.default_schema.empty()) conns[name]["default_schema"] = cat.default_schema;
  }
  json doc = {{"version", kCatalogJsonVersion}, {"connections", std::move(conns)}};
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

Result<std::map<std::string, Catalog>> catalogs_from_json(std::string_view text) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    // Only the parser's exception is turned into a value here (it carries the position).
    return Error{"catalog snapshot is not valid JSON: " + std::string(e.what())};
  }
  if (!doc.is_object()) return Error{"catalog snapshot: expected a JSON object"};
  auto version = doc.find("version");
  if (version == doc.end()) return Error{"catalog snapshot: missing member \"version\""};
  if (!version->is_number_integer()) return Error{"catalog snapshot: \"version\" must be an integer"};
  int64_t v = version->get<int64_t>();
  if (v > kCatalogJsonVersion)
    return Error{"catalog snapshot has version " + std::to_string(v) + ", newer than this build reads (" +
                 std::to_string(kCatalogJsonVersion) + "): upgrade mig, or write the snapshot again with "
                 "this `migc schema`"};
  if (v < 1) return Error{"catalog snapshot: unknown version " + std::to_string(v)};

  std::optional<Error> error;
  std::map<std::string, Catalog> out;
  ObjectReader top(doc, "", error);
  const json* conns = top.member("connections", true);
  if (conns && !conns->is_object()) top.fail("connections", "expected an object");
  if (error) return *error;
  for (auto it = conns->begin(); it != conns->end(); ++it) {
    std::string path = "connections." + it.key();
    ObjectReader r(it.value(), path, error);
    Catalog cat;
    cat.dialect = r.text("dialect", true);
    cat.default_schema = r.text("default_schema", false);
    const json& tables = r.array("tables", true);
    for (size_t i = 0; i < tables.size(); ++i)
      cat.tables.push_back(read_table(tables[i], path + ".tables[" + std::to_string(i) + "]", error));
    if (error) return *error;
    out.emplace(it.key(), std::move(cat));
  }
  return out;
}

}  // namespace mig
