// mig::catalogs_to_json / catalogs_from_json: the snapshot round-trips exactly, a newer
// version is refused, and a damaged file is an error naming the place.
#include <catch2/catch.hpp>

#include "runtime/catalog_json.hpp"

using Catch::Matchers::Contains;
using mig::BaseType;
using mig::Catalog;
using mig::ColumnInfo;
using mig::TableInfo;

namespace {

std::map<std::string, Catalog> sample() {
  TableInfo customers;
  customers.name = "customers";
  customers.columns = {{"id", BaseType::int_, "INTEGER", false, true},
                       {"name \"x\"; --", BaseType::text, "varchar(20)", true, false},
                       {"名前", BaseType::unknown, "", true, false}};
  customers.primary_key = {"id"};
  TableInfo lines;
  lines.schema = "shop";
  lines.name = "order lines";
  lines.columns = {{"order_id", BaseType::int_, "bigint", false, false},
                   {"n", BaseType::int_, "int", false, false},
                   {"cust", BaseType::int_, "int", true, false},
                   {"price", BaseType::decimal, "numeric(10,2)", true, false},
                   {"at", BaseType::timestamptz, "timestamptz", true, true},
                   {"u", BaseType::uuid, "uuid", true, false},
                   {"raw", BaseType::bytes, "bytea", true, false}};
  lines.primary_key = {"order_id", "n"};
  lines.foreign_keys = {{"lines_cust_fkey", {"cust"}, "", "customers", {"id"}},
                        {"lines_order_fkey", {"order_id", "n"}, "other", "orders", {"id", "seq"}}};
  std::map<std::string, Catalog> out;
  out["legacy"] = Catalog{"sqlite", {customers}, ""};
  out["stage"] = Catalog{"postgres", {lines, customers}, "public"};
  out["empty"] = Catalog{"csv", {}, ""};
  return out;
}

void check_same(const std::map<std::string, Catalog>& a, const std::map<std::string, Catalog>& b) {
  REQUIRE(a.size() == b.size());
  for (const auto& [name, ca] : a) {
    INFO(name);
    REQUIRE(b.count(name));
    const Catalog& cb = b.at(name);
    CHECK(ca.dialect == cb.dialect);
    REQUIRE(ca.tables.size() == cb.tables.size());
    for (size_t t = 0; t < ca.tables.size(); ++t) {
      const TableInfo& ta = ca.tables[t];
      const TableInfo& tb = cb.tables[t];
      CHECK(ta.schema == tb.schema);
      CHECK(ta.name == tb.name);
      CHECK(ta.primary_key == tb.primary_key);
      REQUIRE(ta.columns.size() == tb.columns.size());
      for (size_t c = 0; c < ta.columns.size(); ++c) {
        CHECK(ta.columns[c].name == tb.columns[c].name);
        CHECK(ta.columns[c].type == tb.columns[c].type);
        CHECK(ta.columns[c].native_type == tb.columns[c].native_type);
        CHECK(ta.columns[c].nullable == tb.columns[c].nullable);
        CHECK(ta.columns[c].has_default == tb.columns[c].has_default);
      }
      REQUIRE(ta.foreign_keys.size() == tb.foreign_keys.size());
      for (size_t f = 0; f < ta.foreign_keys.size(); ++f) {
        CHECK(ta.foreign_keys[f].name == tb.foreign_keys[f].name);
        CHECK(ta.foreign_keys[f].columns == tb.foreign_keys[f].columns);
        CHECK(ta.foreign_keys[f].ref_schema == tb.foreign_keys[f].ref_schema);
        CHECK(ta.foreign_keys[f].ref_table == tb.foreign_keys[f].ref_table);
        CHECK(ta.foreign_keys[f].ref_columns == tb.foreign_keys[f].ref_columns);
      }
    }
  }
}

std::string error_of(const std::string& text) {
  mig::Result<std::map<std::string, Catalog>> r = mig::catalogs_from_json(text);
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

}  // namespace

TEST_CASE("catalog snapshots round-trip exactly", "[catalog]") {
  std::string text = mig::catalogs_to_json(sample());
  CHECK_THAT(text, Contains("\"version\": 1"));
  CHECK_THAT(text, Contains("\"type\": \"timestamptz\""));
  mig::Result<std::map<std::string, Catalog>> back = mig::catalogs_from_json(text);
  INFO((back.ok() ? "" : back.error().message));
  REQUIRE(back.ok());
  check_same(sample(), *back);
  CHECK(mig::catalogs_to_json(*back) == text);
  CHECK(back->at("stage").find("shop", "order lines") != nullptr);
}

TEST_CASE("optional snapshot members take their defaults", "[catalog]") {
  mig::Result<std::map<std::string, Catalog>> r = mig::catalogs_from_json(
      R"({"version": 1, "connections": {"c": {"dialect": "sqlite", "tables": [
           {"name": "t", "columns": [{"name": "a", "type": "int"}]}]}}})");
  REQUIRE(r.ok());
  const TableInfo& t = r->at("c").tables.at(0);
  CHECK(t.schema.empty());
  CHECK(t.columns.at(0).nullable);
  CHECK_FALSE(t.columns.at(0).has_default);
  CHECK(t.primary_key.empty());
  CHECK(t.foreign_keys.empty());
}

TEST_CASE("a snapshot of a newer version is refused", "[catalog]") {
  CHECK(error_of(R"({"version": 2, "connections": {}})") ==
        "catalog snapshot has version 2, newer than this build reads (1): upgrade mig, or write "
        "the snapshot again with this `migc schema`");
  CHECK_THAT(error_of(R"({"connections": {}})"), Contains("missing member \"version\""));
  CHECK_THAT(error_of(R"({"version": "1", "connections": {}})"), Contains("must be an integer"));
  CHECK_THAT(error_of(R"({"version": 0, "connections": {}})"), Contains("unknown version 0"));
}

TEST_CASE("a damaged snapshot is an error naming the place", "[catalog]") {
  CHECK_THAT(error_of("{\"version\": 1, "), Contains("not valid JSON") && Contains("parse error"));
  CHECK_THAT(error_of("[1]"), Contains("expected a JSON object"));
  CHECK(error_of(R"({"version": 1})") == "catalog snapshot: missing member \"connections\"");
  CHECK(error_of(R"({"version": 1, "connections": {"legacy": {"dialect": "sqlite", "tables": [
          {"name": "t", "columns": [{"name": "a", "type": "int"}, {"name": "b", "type": "intt"}]}]}}})") ==
        "catalog snapshot: connections.legacy.tables[0].columns[1].type: \"intt\" is not a type");
  CHECK(error_of(R"({"version": 1, "connections": {"x": {"dialect": "csv", "tables": [{"columns": []}]}}})") ==
        "catalog snapshot: connections.x.tables[0]: missing member \"name\"");
  CHECK(error_of(R"({"version": 1, "connections": {"x": {"dialect": "csv", "tables": [
          {"name": "t", "columns": [], "primary_key": [1]}]}}})") ==
        "catalog snapshot: connections.x.tables[0].primary_key[0]: expected a name");
  CHECK_THAT(error_of(R"({"version": 1, "connections": {"x": {"dialect": "csv", "tables": [
          {"name": "t", "columns": [], "foreign_keys": [{"ref_table": "p", "columns": ["a"]}]}]}}})"),
             Contains("foreign_keys[0].ref_columns: has 0 names for 1 columns"));
  CHECK_THAT(error_of(R"({"version": 1, "connections": {"x": {"dialect": "csv", "tables": [
          {"name": "t", "columns": [{"name": "a", "type": "int", "nullable": "yes"}]}]}}})"),
             Contains("columns[0].nullable: expected true or false"));
}
