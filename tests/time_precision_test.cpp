// Fractional seconds a target column cannot keep are refused, never cut silently.
#include <catch2/catch.hpp>

#include "runtime/time_precision.hpp"
#include "tests/run_helpers.hpp"
#include "tests/server_helpers.hpp"

using namespace mig;
using namespace mig::test;

namespace {

ColumnInfo column(BaseType type, const std::string& native) {
  ColumnInfo c;
  c.name = "at";
  c.type = type;
  c.native_type = native;
  return c;
}

Value at_micros(int64_t micros) { return Value::timestamp(Timestamp{micros}); }

}  // namespace

TEST_CASE("time precision: the digits each engine's timestamp columns keep", "[time_precision]") {
  CHECK(fraction_digits("mariadb", column(BaseType::timestamp, "datetime")) == 0);
  CHECK(fraction_digits("mariadb", column(BaseType::timestamp, "datetime(3)")) == 3);
  CHECK(fraction_digits("mariadb", column(BaseType::timestamptz, "timestamp(6)")) == std::nullopt);
  CHECK(fraction_digits("postgres", column(BaseType::timestamp, "timestamp without time zone")) == std::nullopt);
  CHECK(fraction_digits("postgres", column(BaseType::timestamptz, "timestamp(0) with time zone")) == 0);
  CHECK(fraction_digits("sqlite", column(BaseType::timestamp, "TEXT")) == std::nullopt);
  CHECK(fraction_digits("mariadb", column(BaseType::text, "varchar(3)")) == std::nullopt);

  CHECK_FALSE(loses_fraction(at_micros(1'700'000'000'000'000), 0));
  CHECK(loses_fraction(at_micros(1'700'000'000'250'000), 0));
  CHECK_FALSE(loses_fraction(at_micros(1'700'000'000'250'000), 3));
  CHECK(loses_fraction(at_micros(1'700'000'000'250'500), 3));
  CHECK(loses_fraction(at_micros(-1'250'000), 0));  // before 1970 too
  CHECK_FALSE(loses_fraction(Value::text("09:30:00.25"), 0));
}

TEST_CASE("time precision: a fraction MariaDB DATETIME would cut is a reject", "[time_precision][servers]") {
  TempDir dir("time_precision");
  std::string url = fresh_mariadb_database("mig_time_precision");
  mariadb_sql("mig_time_precision", "CREATE TABLE visits (id INT PRIMARY KEY, at DATETIME NOT NULL, "
                                    "at3 DATETIME(3) NOT NULL);");
  Db src(dir / "source.db");
  src.exec("CREATE TABLE visits (id INTEGER PRIMARY KEY, at TEXT, at3 TEXT);"
           "INSERT INTO visits VALUES (1, '2024-03-01 09:30:00', '2024-03-01 09:30:00.250'),"
           " (2, '2024-03-01 09:30:00.250', '2024-03-01 09:30:00.250'),"
           " (3, '2024-03-01 09:31:00', '2024-03-01 09:30:00.2505');");
  write_file(dir / "plan.mig",
             "plan time_precision\nsource s = sqlite(\"source.db\")\ntarget t = mariadb(env(\"URL\"))\n"
             "copy s.visits -> t.visits {}\n");
  setenv("URL", url.c_str(), 1);
  Outcome run = run_migrun(dir.path(), {"plan.mig"});
  INFO(run.out << run.err);
  CHECK(run.exit_code == 0);
  CHECK(mariadb_sql("mig_time_precision", "SELECT id, at, at3 FROM visits ORDER BY id") ==
        "1\t2024-03-01 09:30:00\t2024-03-01 09:30:00.250\n");
  std::string rejects = slurp(dir / "reports/time_precision/1/rejects.csv");
  INFO(rejects);
  CHECK(rejects.find("column `at`: 2024-03-01 09:30:00.250000 has more fractional seconds than the "
                     "column keeps (0 digits)") != std::string::npos);
  CHECK(rejects.find("column `at3`: 2024-03-01 09:30:00.250500 has more fractional seconds than the "
                     "column keeps (3 digits)") != std::string::npos);
}
