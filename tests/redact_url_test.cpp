// redact_url: passwords never reach printed output; everything else stays as written.
#include "compiler/redact_url.hpp"

#include <catch2/catch.hpp>

using mig::redact_url;

TEST_CASE("redact_url hides the password of a URL", "[redact]") {
  CHECK(redact_url("postgresql://app:s3cret@db:5432/shop?sslmode=verify-full") ==
        "postgresql://app:***@db:5432/shop?sslmode=verify-full");
  CHECK(redact_url("\"mariadb://root:p@ss:w@rd@db/x\"") == "\"mariadb://root:***@db/x\"");
  CHECK(redact_url("a mysql://u:p@h/d and postgres://v:q@i/e") ==
        "a mysql://u:***@h/d and postgres://v:***@i/e");
}

TEST_CASE("redact_url hides password parameters", "[redact]") {
  CHECK(redact_url("postgresql://db/shop?user=app&password=s3cret&x=1") ==
        "postgresql://db/shop?user=app&password=***&x=1");
  CHECK(redact_url("host=db password=s3cret dbname=shop") == "host=db password=*** dbname=shop");
}

TEST_CASE("redact_url leaves text without a password alone", "[redact]") {
  CHECK(redact_url("postgresql://app@db:5432/shop") == "postgresql://app@db:5432/shop");
  CHECK(redact_url("postgresql://db/shop") == "postgresql://db/shop");
  CHECK(redact_url("data/shop.db") == "data/shop.db");
  CHECK(redact_url("http://host:8080/path") == "http://host:8080/path");
  CHECK(redact_url("") == "");
  CHECK(redact_url("x://") == "x://");
}
