// create_tables on PostgreSQL: foreign keys between created tables are added NOT VALID and
// validated afterwards, at once, each on a connection of its own; a failed validation names
// the table, and a rerun after fixing the rows adds the rest (both steps can run again).
#include <catch2/catch.hpp>

#include "tests/run_helpers.hpp"
#include "tests/server_helpers.hpp"

using namespace mig::test;

TEST_CASE("create_tables on PostgreSQL: foreign keys validated after the data, a rerun finishes them",
          "[postgres][create_tables]") {
  TempDir dir("ct_fk");
  {
    Db source(dir / "source.db");
    source.exec(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id));"
        "CREATE TABLE items (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders (id));"
        "INSERT INTO customers VALUES (1, 'a'), (2, 'b');"
        "INSERT INTO orders VALUES (10, 1), (11, 2), (12, 3);"  // 12: customer 3 does not exist
        "INSERT INTO items VALUES (100, 10), (101, 11), (102, 12);");
  }
  std::string url = fresh_pg_database("ct_fk");
  setenv("CT_FK_TARGET", url.c_str(), 1);
  write_file(dir / "plan.mig",
             "plan ct_fk\nsource src = sqlite(\"source.db\")\ntarget dst = postgres(env(\"CT_FK_TARGET\"))\n"
             "settings {\n  create_tables = true\n}\n"
             "copy src.customers -> dst.customers {}\ncopy src.orders -> dst.orders {}\n"
             "copy src.items -> dst.items {}\n");
  auto constraints = [] {
    return pg_sql("ct_fk", "SELECT conrelid::regclass, convalidated FROM pg_constraint WHERE contype = 'f' "
                           "ORDER BY 1;");
  };

  Outcome first = run_migrun(dir.path(), {"plan.mig", "--quiet"}, "first");
  INFO(first.err);
  CHECK(first.exit_code != 0);
  CHECK(first.err.find("validating a foreign key of `orders`") != std::string::npos);
  // Both keys are there; the one the orphan breaks is not valid, the other one is.
  CHECK(constraints() == "orders|f\nitems|t\n");

  pg_sql("ct_fk", "DELETE FROM items WHERE id = 102; DELETE FROM orders WHERE id = 12;");
  Outcome second = run_migrun(dir.path(), {"plan.mig", "--quiet"}, "second");
  INFO(second.err);
  CHECK(second.exit_code == 0);
  CHECK(constraints() == "orders|t\nitems|t\n");
  CHECK(pg_sql("ct_fk", "SELECT count(*) FROM items;") == "2\n");
}
