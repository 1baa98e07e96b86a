// mig::Decimal: exact parsing, arithmetic at the 38-digit limits, rounding half away from zero.
#include "runtime/decimal.hpp"

#include <catch2/catch.hpp>

using mig::Decimal;

namespace {

Decimal dec(const char* text) {
  mig::Result<Decimal> d = Decimal::parse(text);
  INFO(text);
  REQUIRE(d.ok());
  return *d;
}

std::string str(const mig::Result<Decimal>& d) {
  if (!d.ok()) return "error: " + d.error().message;
  return d->to_string();
}

const char* k38Nines = "99999999999999999999999999999999999999";

}  // namespace

TEST_CASE("decimal text keeps the scale as written", "[decimal]") {
  CHECK(dec("-12.3400").to_string() == "-12.3400");
  CHECK(dec("12.3400").scale() == 4);
  CHECK(dec("0.00").to_string() == "0.00");
  CHECK(dec("-0.00").to_string() == "0.00");
  CHECK(dec("+1.5").to_string() == "1.5");
  CHECK(dec(".5").to_string() == "0.5");
  CHECK(dec("5.").to_string() == "5");
  CHECK(dec("007.50").to_string() == "7.50");
  CHECK(dec("-0.000123").to_string() == "-0.000123");
  CHECK(Decimal::from_int(-42).to_string() == "-42");
  CHECK(Decimal::from_int(INT64_MIN).to_string() == "-9223372036854775808");
}

TEST_CASE("decimal parse rejects junk with an error value", "[decimal]") {
  for (const char* bad : {"", "-", "+", ".", "-.", "1e3", "1.5E2", "1.2.3", " 1", "1 ", "abc",
                          "--1", "+-1", "0x10", "1,5", "١", "NaN", "Infinity"}) {
    INFO(bad);
    mig::Result<Decimal> d = Decimal::parse(bad);
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().message.rfind("invalid decimal `", 0) == 0);
  }
}

TEST_CASE("decimal holds exactly 38 digits and no more", "[decimal]") {
  CHECK(dec(k38Nines).to_string() == k38Nines);
  CHECK(dec("-99999999999999999999999999999999999999").sign() == -1);
  CHECK(dec("0.99999999999999999999999999999999999999").scale() == 38);
  CHECK(dec("9999999999999999999999999999999999999.9").scale() == 1);
  CHECK(dec("0.00000000000000000000000000000000000001").to_string() ==
        "0.00000000000000000000000000000000000001");

  mig::Result<Decimal> too_long = Decimal::parse("999999999999999999999999999999999999999");
  REQUIRE_FALSE(too_long.ok());
  CHECK(too_long.error().message ==
        "decimal `999999999999999999999999999999999999999` has more than 38 digits");
  CHECK_FALSE(Decimal::parse("0.000000000000000000000000000000000000001").ok());  // scale 39
  CHECK_FALSE(Decimal::parse("1.00000000000000000000000000000000000001").ok());   // 39 digits
  // Trailing zeros beyond the limit carry no information: dropped rather than refused.
  CHECK(dec("1.000000000000000000000000000000000000000000000").to_string() ==
        "1.0000000000000000000000000000000000000");
  CHECK(dec("00000000000000000000000000000000000000000001").to_string() == "1");

  CHECK_FALSE(Decimal::from_unscaled(1, 39).ok());
  CHECK_FALSE(Decimal::from_unscaled(1, -1).ok());
  CHECK(str(Decimal::from_unscaled(-12345, 2)) == "-123.45");
}

TEST_CASE("decimal add and sub are exact and refuse to overflow", "[decimal]") {
  CHECK(str(dec("0.1").add(dec("0.2"))) == "0.3");
  CHECK(str(dec("1.5").add(dec("2.25"))) == "3.75");
  CHECK(str(dec("1.50").sub(dec("1.5"))) == "0.00");
  CHECK(str(dec("-1").sub(dec("2.000"))) == "-3.000");
  CHECK(str(dec("5").sub(dec("7.5"))) == "-2.5");
  CHECK(str(dec(k38Nines).sub(dec("1"))) == "99999999999999999999999999999999999998");
  CHECK(str(dec(k38Nines).add(dec("-1"))) == "99999999999999999999999999999999999998");

  mig::Result<Decimal> over = dec(k38Nines).add(dec("1"));
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().message == "decimal overflow: the exact result needs more than 38 digits");
  CHECK_FALSE(dec("-99999999999999999999999999999999999999").sub(dec("1")).ok());
  // Aligning scales would need 39 digits: refused, never rounded.
  CHECK_FALSE(dec(k38Nines).add(dec("0.1")).ok());
  // ... unless the extra digits are zeros.
  CHECK(str(dec("9999999999999999999999999999999999999").add(dec("0.0"))) ==
        "9999999999999999999999999999999999999.0");
}

TEST_CASE("decimal mul is exact", "[decimal]") {
  CHECK(str(dec("1.50").mul(dec("2.0"))) == "3.000");
  CHECK(str(dec("-0.5").mul(dec("0.5"))) == "-0.25");
  CHECK(str(dec("-0.5").mul(dec("0"))) == "0.0");
  CHECK(str(dec("9999999999999999999").mul(dec("9999999999999999999"))) ==
        "99999999999999999980000000000000000001");
  CHECK_FALSE(dec("10000000000000000000").mul(dec("10000000000000000000")).ok());  // 10^38
  CHECK_FALSE(dec(k38Nines).mul(dec(k38Nines)).ok());
  // Scale 37 + 2 = 39, but the trailing zero can go.
  CHECK(str(dec("0.0000000000000000000000000000000000001").mul(dec("0.10"))) ==
        "0.00000000000000000000000000000000000001");
  // 10^-39 has no exact form.
  CHECK_FALSE(dec("0.0000000000000000000000000000000000001").mul(dec("0.01")).ok());
  // 2^100 * 5^50 at scales 38 + 38: the product needs 256 bits on the way, 16 digits in the end.
  Decimal a = *Decimal::from_unscaled(dec("1267650600228229401496703205376").unscaled(), 38);
  Decimal b = *Decimal::from_unscaled(dec("88817841970012523233890533447265625").unscaled(), 38);
  CHECK(str(a.mul(b)) == "0.00000000001125899906842624000000000000");  // scale 76 -> 38
}

TEST_CASE("decimal div has a documented scale and rounds half away from zero", "[decimal]") {
  CHECK(str(dec("1").div(dec("3"))) == "0.333333");
  CHECK(str(dec("2").div(dec("3"))) == "0.666667");
  CHECK(str(dec("-2").div(dec("3"))) == "-0.666667");
  CHECK(str(dec("2").div(dec("-3"))) == "-0.666667");
  CHECK(str(dec("10.00").div(dec("4"))) == "2.50000000");
  CHECK(str(dec("19.99").div(dec("0.5"))) == "39.98000000");
  CHECK(str(dec("1").div(dec("0.00000000000000000000000000000000000003"))) ==
        "33333333333333333333333333333333333333");  // scale lowered to 0 to fit
  CHECK(str(dec("9999999999999999999999999999999999999.9").div(dec("0.1"))) == k38Nines);
  CHECK_FALSE(dec("1").div(dec("0.00000000000000000000000000000000000001")).ok());  // 10^38
  CHECK(str(dec("0.00000000000000000000000000000000000001").div(dec("3"))) ==
        "0.00000000000000000000000000000000000000");
  CHECK(str(dec("0.00000000000000000000000000000000000002").div(dec("3"))) ==
        "0.00000000000000000000000000000000000001");
  CHECK(str(dec(k38Nines).div(dec(k38Nines))) == "1.000000");
  CHECK_FALSE(dec("12345678901234567890123456789012345678")
                  .div(dec("0.12345678901234567890123456789012345678"))
                  .ok());  // exactly 10^38
  CHECK(str(dec("0.12345678901234567890123456789012345678")
                .div(dec("0.00000000000000000000000000000000000001"))) ==
        "12345678901234567890123456789012345678");

  mig::Result<Decimal> zero = dec("1.5").div(dec("0.00"));
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.error().message == "division by zero");
  CHECK_FALSE(dec("1.5").rem(dec("0")).ok());
  CHECK(str(dec("7.5").rem(dec("2"))) == "1.5");
  CHECK(str(dec("-7").rem(dec("3"))) == "-1");
  CHECK(str(dec("7").rem(dec("-3"))) == "1");
}

TEST_CASE("decimal rounding is half away from zero, also for negatives", "[decimal]") {
  CHECK(str(dec("2.5").round(0)) == "3");
  CHECK(str(dec("-2.5").round(0)) == "-3");
  CHECK(str(dec("-2.4999").round(0)) == "-2");
  CHECK(str(dec("-2.45").round(1)) == "-2.5");
  CHECK(str(dec("2.44").round(1)) == "2.4");
  CHECK(str(dec("1.5").round(3)) == "1.500");
  CHECK(str(dec("1250").round(-2)) == "1300");
  CHECK(str(dec("-1250").round(-2)) == "-1300");
  CHECK(str(dec("-1249.99").round(-2)) == "-1200");
  CHECK(str(dec("499").round(-40)) == "0");
  CHECK(str(dec(k38Nines).round(-38)) ==
        "error: decimal overflow: the exact result needs more than 38 digits");
  CHECK(str(dec("49999999999999999999999999999999999999").round(-38)) == "0");
  CHECK_FALSE(dec("1").round(39).ok());
  CHECK_FALSE(dec(k38Nines).rescale(1).ok());
  CHECK(str(dec("0.99999999999999999999999999999999999999").rescale(0)) == "1");
  CHECK(str(dec("-0.5").rescale(0)) == "-1");

  CHECK(dec("-1.5").floor().to_string() == "-2");
  CHECK(dec("-1.5").ceil().to_string() == "-1");
  CHECK(dec("1.5").floor().to_string() == "1");
  CHECK(dec("1.5").ceil().to_string() == "2");
  CHECK(dec("-2.00").floor().to_string() == "-2");
  CHECK(dec("-2.00").ceil().to_string() == "-2");
  CHECK(dec("-0.1").ceil().to_string() == "0");
  CHECK(dec("-99999999999999999999999999999999999999").floor().to_string() ==
        "-99999999999999999999999999999999999999");

  CHECK(dec("-3.25").abs().to_string() == "3.25");
  CHECK(dec("3.25").negate().to_string() == "-3.25");
  CHECK(*dec("2.5").to_int64() == 3);
  CHECK(*dec("-2.5").to_int64() == -3);
  CHECK(*dec("9223372036854775807.4").to_int64() == INT64_MAX);
  CHECK_FALSE(dec("9223372036854775807.5").to_int64().ok());
  CHECK(dec("0.1").to_double() == 0.1);
  CHECK(dec("-123.456").to_double() == -123.456);
}

TEST_CASE("decimal cents are exact, half away from zero", "[decimal]") {
  CHECK(*dec("19.995").cents() == 2000);
  CHECK(*dec("-19.995").cents() == -2000);
  CHECK(*dec("19.994999").cents() == 1999);
  CHECK(*dec("0.005").cents() == 1);
  CHECK(*dec("-0.005").cents() == -1);
  CHECK(*dec("0.004").cents() == 0);
  CHECK(*dec("-0.004").cents() == 0);
  CHECK(*dec("7").cents() == 700);
  CHECK(*dec("0.1").cents() == 10);
  CHECK(*dec("92233720368547758.07").cents() == INT64_MAX);
  mig::Result<int64_t> big = dec("92233720368547758.08").cents();
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().message == "cents of 92233720368547758.08 are out of range for int");
  CHECK_FALSE(dec(k38Nines).cents().ok());
  CHECK(Decimal::from_cents(1999).to_string() == "19.99");
  CHECK(Decimal::from_cents(-5).to_string() == "-0.05");
  CHECK(Decimal::from_cents(INT64_MIN).to_string() == "-92233720368547758.08");
}

TEST_CASE("decimal comparison ignores the scale", "[decimal]") {
  CHECK(dec("1.0") == dec("1.00"));
  CHECK(dec("0") == dec("-0.000"));
  CHECK(dec("1.5") > dec("1.45"));
  CHECK(dec("-1.5") < dec("-1.45"));
  CHECK(dec("-0.01") < dec("0"));
  CHECK(dec("10") > dec("9.99999999999999999999999999999999999"));
  CHECK(dec(k38Nines) > dec("0.99999999999999999999999999999999999999"));
  CHECK(dec("-99999999999999999999999999999999999999") <
        dec("-0.99999999999999999999999999999999999999"));
  CHECK(dec("12.3400").normalized().to_string() == "12.34");
  CHECK(dec("100").normalized().to_string() == "100");
  CHECK(dec("0.000").normalized().to_string() == "0");
}
