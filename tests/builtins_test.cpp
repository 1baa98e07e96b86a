// The built-in functions at their edges: Unicode text, padding and splitting, exact
// rounding, conversions, translate, regexes, time zones, ids, hashes and json.
#include <crypt.h>

#include <catch2/catch.hpp>

#include <xxhash.h>

#include <cmath>

#include "eval_helpers.hpp"
#include "runtime/time_zone.hpp"

using evaltest::Columns;
using evaltest::dec;
using evaltest::ev;
using evaltest::num;
using evaltest::txt;
using mig::Value;

TEST_CASE("case mapping and trimming are Unicode-aware", "[builtins]") {
  CHECK(ev("lower('ÉCOLE Ünd ABC')") == "text école ünd abc");
  CHECK(ev("upper('straße ñ')") == "text STRAßE Ñ");  // one-to-one: ß stays
  CHECK(ev("upper('ΑΒΓ δ')") == "text ΑΒΓ Δ");
  CHECK(ev("lower(x)", {{"x", Value()}}) == "null");
  CHECK(ev("trim('  a b \\t\\n')") == "text a b");
  CHECK(ev("trim(x)", {{"x", txt("\xC2\xA0 x\xE3\x80\x80")}}) == "text x");  // NBSP, ideographic
  CHECK(ev("ltrim('  a  ')") == "text a  ");
  CHECK(ev("rtrim('  a  ')") == "text   a");
  CHECK(ev("trim('')") == "text ");
  CHECK(ev("lower(42)") == "text 42");  // text parameters take any scalar's canonical text
}

TEST_CASE("length and substr count code points, 1-based", "[builtins]") {
  CHECK(ev("length('héllo')") == "int 5");
  CHECK(ev("length('😀a')") == "int 2");
  CHECK(ev("length('')") == "int 0");
  CHECK(ev("substr('héllo', 2, 3)") == "text éll");
  CHECK(ev("substr('héllo', 2)") == "text éllo");
  CHECK(ev("substr('héllo', 0, 3)") == "text hé");  // positions 0, 1, 2: as PostgreSQL
  CHECK(ev("substr('héllo', -5, 3)") == "text ");
  CHECK(ev("substr('héllo', 9)") == "text ");
  CHECK(ev("substr('😀😁😂', 2, 1)") == "text 😁");
  CHECK(ev("substr('abc', 1, 0)") == "text ");
  CHECK(ev("substr('abc', 1, -1)") ==
        "error: negative substring length -1 in `substr('abc', 1, -1)`");
  CHECK(ev("substr('abc', 2, 9223372036854775807)") == "text bc");
  CHECK(ev("substr('abc', length: 2, start: 2)") == "text bc");
}

TEST_CASE("replace, split_part, concat and digits", "[builtins]") {
  CHECK(ev("replace('a.b.c', '.', '::')") == "text a::b::c");
  CHECK(ev("replace('abc', '', 'x')") == "text abc");
  CHECK(ev("split_part('a,b,,c', ',', 2)") == "text b");
  CHECK(ev("split_part('a,b,,c', ',', 3)") == "text ");
  CHECK(ev("split_part('a,b,,c', ',', 9)") == "text ");
  CHECK(ev("split_part('a,b,,c', ',', -1)") == "text c");
  CHECK(ev("split_part('a--b', '--', 2)") == "text b");
  CHECK(ev("split_part('abc', '', 1)") == "text abc");
  CHECK(ev("split_part('abc', ',', 0)") ==
        "error: field position must not be zero (fields count from 1) in `split_part('abc', ',', 0)`");
  CHECK(ev("concat('a', 1, null, 2.50, true)") == "text a12.50true");
  CHECK(ev("concat(null)") == "text ");
  CHECK(ev("digits('+1 (555) 010-99')") == "text 155501099");
  CHECK(ev("digits('١٢٣')") == "text ");  // ASCII digits only
}

TEST_CASE("lpad and rpad pad or cut to a length in code points", "[builtins]") {
  CHECK(ev("lpad('42', 5, '0')") == "text 00042");
  CHECK(ev("lpad('42', 5)") == "text    42");
  CHECK(ev("lpad('hello', 2)") == "text he");  // cut, as PostgreSQL
  CHECK(ev("rpad('hello', 2)") == "text he");
  CHECK(ev("lpad('é', 4, 'ab')") == "text abaé");
  CHECK(ev("rpad('é', 4, 'ñx')") == "text éñxñ");
  CHECK(ev("lpad('abc', 5, '')") == "text abc");
  CHECK(ev("lpad('abc', -1)") == "text ");
  CHECK(ev("lpad('a', 99999999)") ==
        "error: pad length 99999999 is above the limit of 1048576 in `lpad('a', 99999999)`");
  CHECK(ev("lpad(x, 3, '0')", {{"x", num(7)}}) == "text 007");
}

TEST_CASE("regex_replace replaces every match", "[builtins]") {
  CHECK(ev("regex_replace('(555) 010-99', '[^0-9]', '')") == "text 55501099");
  CHECK(ev(R"(regex_replace('a.b.c', '\\.', '$$'))") == "text a$b$c");
  CHECK(ev(R"(regex_replace('2024-01-31', '(\\d+)-(\\d+)-(\\d+)', '$3/$2/$1'))") == "text 31/01/2024");
  CHECK(ev(R"(regex_replace('john smith', '(?<first>\\w+) (?<last>\\w+)', '${last}, ${first}'))") ==
        "text smith, john");
  CHECK(ev("regex_replace('aaa', 'a*', 'x')") == "text xx");
  CHECK(ev("regex_replace('héllo', '.', '_')") == "text _____");
  CHECK(ev("regex_replace('abc', '(b)', '$2')") ==
        "compile error: invalid replacement `$2`: group 2 does not exist");
  CHECK(ev("regex_replace('abc', 'b', '$x')") ==
        "compile error: invalid replacement `$x`: `$` must be followed by a group number, `{name}` or `$`");
  CHECK(ev("regex_replace('abc', '[', '')").rfind("compile error: invalid regular expression `[`", 0) == 0);
  CHECK(ev("regex_replace(x, p, '-')", {{"x", txt("a1b22")}, {"p", txt("[0-9]+")}}) == "text a-b-");
}

TEST_CASE("round is half away from zero and keeps the kind", "[builtins]") {
  CHECK(ev("round(2.5)") == "decimal 3");
  CHECK(ev("round(-2.5)") == "decimal -3");
  CHECK(ev("round(2.4999)") == "decimal 2");
  CHECK(ev("round(2.345, 2)") == "decimal 2.35");
  CHECK(ev("round(-2.345, 2)") == "decimal -2.35");
  CHECK(ev("round(1234.5, -2)") == "decimal 1200");
  CHECK(ev("round(1250, -2)") == "int 1300");
  CHECK(ev("round(-1250, -2)") == "int -1300");
  CHECK(ev("round(7)") == "int 7");
  CHECK(ev("round(2.5e0)") == "float 3");
  CHECK(ev("round(-2.5e0)") == "float -3");
  CHECK(ev("round(2.675e0, 2)") == "float 2.68");  // as printed, not as stored in binary
  CHECK(ev("round(x, 2)", {{"x", dec("0.125")}}) == "decimal 0.13");
  CHECK(ev("round(x)", {{"x", Value()}}) == "null");
  CHECK(ev("round('a')") == "error: argument 1 of `round` must be a number, found text `a` in `round('a')`");
}

TEST_CASE("floor, ceil and abs", "[builtins]") {
  CHECK(ev("floor(-2.5)") == "decimal -3");
  CHECK(ev("ceil(-2.5)") == "decimal -2");
  CHECK(ev("floor(2.5)") == "decimal 2");
  CHECK(ev("ceil(2.01)") == "decimal 3");
  CHECK(ev("floor(3)") == "int 3");
  CHECK(ev("ceil(2.5e0)") == "float 3");
  CHECK(ev("abs(-3)") == "int 3");
  CHECK(ev("abs(-3.50)") == "decimal 3.50");
  CHECK(ev("abs(x)", {{"x", num(INT64_MIN)}}).rfind("error: abs(-9223372036854775808) does not fit", 0) == 0);
}

TEST_CASE("cents and dollars are exact", "[builtins]") {
  CHECK(ev("cents(19.99)") == "int 1999");
  CHECK(ev("cents(19.995)") == "int 2000");
  CHECK(ev("cents(-0.005)") == "int -1");
  CHECK(ev("cents(0.004)") == "int 0");
  CHECK(ev("cents(12)") == "int 1200");
  CHECK(ev("cents(x)", {{"x", Value::floating(19.99)}}) == "int 1999");
  CHECK(ev("cents(x)", {{"x", txt("19.99")}}) ==
        "error: argument 1 of `cents` must be decimal, found text `19.99` in `cents(x)`");
  CHECK(ev("cents(to_decimal(x))", {{"x", txt(" 19.99 ")}}) == "int 1999");
  CHECK(ev("dollars(1999)") == "decimal 19.99");
  CHECK(ev("dollars(-5)") == "decimal -0.05");
  CHECK(ev("cents(99999999999999999999.99)").rfind("error: cents of", 0) == 0);
}

TEST_CASE("to_int and to_decimal", "[builtins]") {
  CHECK(ev("to_int(' 42 ')") == "int 42");
  CHECK(ev("to_int('-7')") == "int -7");
  CHECK(ev("to_int(2.5)") == "int 3");
  CHECK(ev("to_int(-2.5)") == "int -3");
  CHECK(ev("to_int(2.5e0)") == "int 3");
  CHECK(ev("to_int(true)") == "int 1");
  CHECK(ev("to_int('4x')") == "error: invalid int `4x` in `to_int('4x')`");
  CHECK(ev("to_int('12.5')") == "error: invalid int `12.5` in `to_int('12.5')`");
  CHECK(ev("to_int('99999999999999999999')").rfind("error: int `99999999999999999999` is out of", 0) == 0);
  CHECK(ev("to_decimal('19.990')") == "decimal 19.990");
  CHECK(ev("to_decimal(' -0.5 ')") == "decimal -0.5");
  CHECK(ev("to_decimal('1.5e3')") == "decimal 1500");
  CHECK(ev("to_decimal('25E-4')") == "decimal 0.0025");
  CHECK(ev("to_decimal(3)") == "decimal 3");
  CHECK(ev("to_decimal(0.1e0)") == "decimal 0.1");
  CHECK(ev("to_decimal('abc')") == "error: invalid decimal `abc` in `to_decimal('abc')`");
  CHECK(ev("to_decimal(x)", {{"x", Value::floating(std::nan(""))}}) ==
        "error: float NaN has no decimal value in `to_decimal(x)`");
}

TEST_CASE("coalesce, nullif and if", "[builtins]") {
  CHECK(ev("coalesce(x, y, 'z')", {{"x", Value()}, {"y", Value()}}) == "text z");
  CHECK(ev("coalesce(x, 1 / 0)", {{"x", num(1)}}) == "int 1");  // stops at the first value
  CHECK(ev("coalesce(null)") == "null");
  CHECK(ev("nullif(x, '')", {{"x", txt("")}}) == "null");
  CHECK(ev("nullif(x, '')", {{"x", txt("a")}}) == "text a");
  CHECK(ev("nullif(x, 0)", {{"x", dec("0.00")}}) == "null");
  CHECK(ev("nullif(null, 1)") == "null");
  CHECK(ev("nullif(1, null)") == "int 1");
  CHECK(ev("if(1, 2, 3)") == "error: argument 1 of `if` must be bool, found int `1` in `if(1, 2, 3)`");
}

TEST_CASE("translate maps values and refuses to guess", "[builtins]") {
  const char* status = "translate(s, {'new': 'PENDING', 'paid': 'PAID'})";
  CHECK(ev(status, {{"s", txt("paid")}}) == "text PAID");
  CHECK(ev(status, {{"s", txt("lost")}}) ==
        "error: no translation for text `lost` (give `default:` for values the map does not "
        "list) in `translate(s, {'new': 'PENDING', 'paid': 'PAID'})`");
  CHECK(ev(status, {{"s", Value()}}) == "null");
  const char* with_default = "translate(s, {'new': 'PENDING'}, default: 'OTHER')";
  CHECK(ev(with_default, {{"s", txt("lost")}}) == "text OTHER");
  CHECK(ev(with_default, {{"s", Value()}}) == "null");
  CHECK(ev("translate(s, {null: 'NONE'}, default: s)", {{"s", Value()}}) == "text NONE");
  CHECK(ev("translate(s, {1: 'one', 2: 'two'})", {{"s", dec("2.0")}}) == "text two");
  CHECK(ev("translate(s, {'1': 'one'})", {{"s", num(1)}}) == "text one");
  CHECK(ev("translate(s, {'a': 1 / 0, 'b': 2})", {{"s", txt("b")}}) == "int 2");  // lazy
  CHECK(ev("translate(s, {x: 1})", {{"s", txt("b")}, {"x", txt("b")}}) ==
        "compile error: the keys of `translate`'s map must be constants, not `x`");
  CHECK(ev("translate(s, 1)", {{"s", txt("b")}}) ==
        "compile error: the table of `translate` must be a map such as `{\"a\": 1}`");
}

TEST_CASE("parse_timestamp tries each format", "[builtins]") {
  CHECK(ev("parse_timestamp('2024-01-31 13:45:00', '%Y-%m-%d %H:%M:%S')") ==
        "timestamp 2024-01-31 13:45:00");
  CHECK(ev("parse_timestamp(' 1/2/2024 1:05 PM ', '%Y-%m-%d', '%m/%d/%Y %I:%M %p')") ==
        "timestamp 2024-01-02 13:05:00");
  CHECK(ev("parse_timestamp('12/31/99 12:00 am', '%D %I:%M %p')") == "timestamp 1999-12-31 00:00:00");
  CHECK(ev("parse_timestamp('03 MAR 2024', '%d %b %Y')") == "timestamp 2024-03-03 00:00:00");
  CHECK(ev("parse_timestamp('Sunday, March 3, 2024', '%A, %B %e, %Y')") == "timestamp 2024-03-03 00:00:00");
  CHECK(ev("parse_timestamp('2024-01-31T13:45:00.1234567', '%Y-%m-%dT%T.%f')") ==
        "timestamp 2024-01-31 13:45:00.123456");
  CHECK(ev("parse_timestamp('2024-01-31 13:45+0200', '%F %R%z')") == "timestamp 2024-01-31 11:45:00");
  CHECK(ev("parse_timestamp('2024-060', '%Y-%j')") == "timestamp 2024-02-29 00:00:00");
  CHECK(ev("parse_timestamp('1700000000', '%s')") == "timestamp 2023-11-14 22:13:20");
  CHECK(ev("parse_timestamp('2023-02-29', '%Y-%m-%d')") ==
        "error: text `2023-02-29` does not match `%Y-%m-%d`: there is no day 2023-2-29 in "
        "`parse_timestamp('2023-02-29', '%Y-%m-%d')`");
  CHECK(ev("parse_timestamp('2024-01-31x', '%Y-%m-%d')") ==
        "error: text `2024-01-31x` does not match `%Y-%m-%d`: unexpected `x` at the end in "
        "`parse_timestamp('2024-01-31x', '%Y-%m-%d')`");
  CHECK(ev("parse_timestamp('31.01.2024', '%Y-%m-%d', '%m/%d/%Y')") ==
        "error: text `31.01.2024` matches none of the formats `%Y-%m-%d`, `%m/%d/%Y` in "
        "`parse_timestamp('31.01.2024', '%Y-%m-%d', '%m/%d/%Y')`");
  CHECK(ev("parse_timestamp(x, '%Q')", {{"x", txt("1")}}) ==
        "compile error: format `%Q` has an unsupported directive `%Q`");
  CHECK(ev("parse_timestamp(x, f)", {{"x", txt("2024")}, {"f", txt("%Y")}}) ==
        "timestamp 2024-01-01 00:00:00");
}

TEST_CASE("to_utc resolves IANA zones, gaps and overlaps as PostgreSQL", "[builtins]") {
  auto utc = [](const char* wall, const char* zone) {
    return ev(std::string("to_utc(parse_timestamp('") + wall + "', '%Y-%m-%d %H:%M'), '" + zone + "')");
  };
  CHECK(utc("2024-07-01 12:00", "America/New_York") == "timestamptz 2024-07-01 16:00:00+00:00");
  CHECK(utc("2024-01-15 12:00", "America/New_York") == "timestamptz 2024-01-15 17:00:00+00:00");
  CHECK(utc("2018-03-11 02:30", "America/New_York") == "timestamptz 2018-03-11 07:30:00+00:00");  // gap
  CHECK(utc("2018-11-04 01:30", "America/New_York") == "timestamptz 2018-11-04 06:30:00+00:00");  // overlap
  CHECK(utc("2050-07-01 12:00", "America/New_York") == "timestamptz 2050-07-01 16:00:00+00:00");  // rule
  CHECK(utc("2050-12-01 12:00", "America/New_York") == "timestamptz 2050-12-01 17:00:00+00:00");
  CHECK(utc("2024-01-15 10:00", "Australia/Sydney") == "timestamptz 2024-01-14 23:00:00+00:00");
  CHECK(utc("2060-01-15 10:00", "Australia/Sydney") == "timestamptz 2060-01-14 23:00:00+00:00");
  CHECK(utc("2024-01-15 10:00", "Asia/Kolkata") == "timestamptz 2024-01-15 04:30:00+00:00");
  CHECK(utc("2024-03-31 02:30", "Europe/Paris") == "timestamptz 2024-03-31 01:30:00+00:00");
  CHECK(utc("2024-01-15 10:00", "UTC") == "timestamptz 2024-01-15 10:00:00+00:00");
  CHECK(ev("to_utc(d, 'Europe/Paris')", {{"d", Value::date(mig::Date{19723})}}) ==
        "timestamptz 2023-12-31 23:00:00+00:00");
  CHECK(ev("to_utc(now(), 'Europe/Paris') == now()").rfind("bool", 0) == 0);
  CHECK(utc("2024-01-15 10:00", "America/New_Yrok") ==
        "compile error: unknown time zone `America/New_Yrok` (expected an IANA name such as "
        "`America/New_York`)");
  CHECK(utc("2024-01-15 10:00", "../../etc/passwd").rfind("compile error: unknown time zone", 0) == 0);
  CHECK(ev("to_utc(d, z)", {{"d", Value::date(mig::Date{0})}, {"z", txt("Nowhere/Else")}}).rfind(
            "error: unknown time zone `Nowhere/Else`", 0) == 0);
}

TEST_CASE("POSIX time zone rules", "[builtins]") {
  mig::Result<mig::TimeZone::Rule> r = mig::TimeZone::parse_rule("<-03>3<-02>,M3.5.0/-2,M10.5.0/-1");
  REQUIRE(r.ok());
  CHECK(r->std_offset == -3 * 3600);
  CHECK(r->dst_offset == -2 * 3600);
  CHECK(r->start.time == -7200);
  CHECK(mig::TimeZone::parse_rule("IST-2IDT,M3.4.4/26,M10.5.0").ok());
  CHECK(mig::TimeZone::parse_rule("<+0545>-5:45").ok());
  CHECK(!mig::TimeZone::parse_rule("EST5EDT,M13.1.0,M11.1.0").ok());
  CHECK(!mig::TimeZone::parse_rule("E5").ok());
}

TEST_CASE("format_timestamp and date_trunc", "[builtins]") {
  const char* ts = "parse_timestamp('2024-05-17 08:09:10.5', '%Y-%m-%d %H:%M:%S.%f')";
  auto fmt = [&](const char* f) { return ev(std::string("format_timestamp(") + ts + ", '" + f + "')"); };
  CHECK(fmt("%Y-%m-%dT%H:%M:%S.%f") == "text 2024-05-17T08:09:10.500000");
  CHECK(fmt("%a %d %b %Y, %I:%M %p") == "text Fri 17 May 2024, 08:09 AM");
  CHECK(fmt("%A %B %e %j %y %%") == "text Friday May 17 138 24 %");
  CHECK(fmt("%z%Z") == "text ");
  CHECK(ev("format_timestamp(to_utc(parse_timestamp('2024-05-17 08:00', '%F %R'), 'UTC'), '%F %T %z %Z')") ==
        "text 2024-05-17 08:00:00 +0000 UTC");
  CHECK(ev("format_timestamp(d, '%d/%m/%Y')", {{"d", Value::date(mig::Date{19723})}}) == "text 01/01/2024");
  auto trunc = [&](const char* unit) { return ev(std::string("date_trunc('") + unit + "', " + ts + ")"); };
  CHECK(trunc("second") == "timestamp 2024-05-17 08:09:10");
  CHECK(trunc("minute") == "timestamp 2024-05-17 08:09:00");
  CHECK(trunc("hour") == "timestamp 2024-05-17 08:00:00");
  CHECK(trunc("day") == "timestamp 2024-05-17 00:00:00");
  CHECK(trunc("week") == "timestamp 2024-05-13 00:00:00");  // Monday
  CHECK(trunc("MONTH") == "timestamp 2024-05-01 00:00:00");
  CHECK(trunc("quarter") == "timestamp 2024-04-01 00:00:00");
  CHECK(trunc("year") == "timestamp 2024-01-01 00:00:00");
  CHECK(trunc("decade") == "timestamp 2020-01-01 00:00:00");
  CHECK(trunc("century") == "timestamp 2001-01-01 00:00:00");
  CHECK(trunc("mnth") ==
        "compile error: unknown date_trunc unit `mnth`; did you mean `month`? (one of second, "
        "minute, hour, day, week, month, quarter, year, decade, century)");
  CHECK(ev("date_trunc('month', d)", {{"d", Value::date(mig::Date{19723 + 45})}}) == "date 2024-02-01");
  CHECK(ev("date_trunc('week', d)", {{"d", Value::date(mig::Date{0})}}) == "date 1969-12-29");
}

TEST_CASE("uuid, uuid5 and hashes", "[builtins]") {
  CHECK(ev("uuid5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org')") ==
        "uuid 886313e1-3b8a-5372-9b90-0c9aee199e5d");  // RFC 4122 DNS namespace
  CHECK(ev("uuid5('patients', 42)") == "uuid d318e5f9-4145-5fe2-b222-ce9f9bef0595");
  CHECK(ev("uuid5('patients', x)", {{"x", txt("42")}}) == "uuid d318e5f9-4145-5fe2-b222-ce9f9bef0595");
  CHECK(ev("uuid5('patients', 'a', 1, null)") == "uuid a0ec1791-cb94-5072-b439-0afb06f8647c");
  CHECK(ev("uuid5('patients', x)", {{"x", Value()}}) == "null");
  CHECK(ev("uuid5(ns, 42)", {{"ns", txt("patients")}}) == "uuid d318e5f9-4145-5fe2-b222-ce9f9bef0595");
  CHECK(ev("md5('')") == "text d41d8cd98f00b204e9800998ecf8427e");
  CHECK(ev("md5('héllo')") == "text be50e8478cf24ff3595bc7307fb91b50");
  CHECK(ev("sha256('abc')") == "text ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(ev("sha256(x)", {{"x", txt(std::string(1000, 'a').c_str())}}) ==
        "text 41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
  std::string joined = "a|1";
  uint64_t h = XXH3_64bits(joined.data(), joined.size());
  CHECK(ev("xxh3('a', 1)") == "int " + std::to_string(static_cast<int64_t>(h)));
  CHECK(ev("xxh3(null, null)") == "null");

  evaltest::ParsedExpr parsed("uuid()");
  mig::Result<mig::Program> p = mig::compile_expr(*parsed.expr, {});
  REQUIRE(p.ok());
  CHECK(!p->deterministic());
  CHECK(!p->constant());
  mig::Result<Value> a = p->eval({});
  mig::Result<Value> b = p->eval({});
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(!(*a == *b));
  std::string text = mig::to_text(*a);
  CHECK(text[14] == '4');
  CHECK(std::string("89ab").find(text[19]) != std::string::npos);
}

TEST_CASE("parse_json, json_get and to_json", "[builtins]") {
  const char* doc = R"({"a": {"b": [10, {"c": "x"}]}, "k.e": true, "n": null})";
  Columns row{{"j", txt(doc)}};
  CHECK(ev("parse_json(j)", row) == std::string("json ") + doc);
  CHECK(ev("parse_json('{')") == "error: invalid json `{` in `parse_json('{')`");
  CHECK(ev("json_get(parse_json(j), 'a.b[0]')", row) == "json 10");
  CHECK(ev("json_get(j, 'a.b[1].c')", row) == "json \"x\"");
  CHECK(ev("json_get(j, '$.a.b.1.c')", row) == "json \"x\"");
  CHECK(ev("json_get(j, 'a.b[-1]')", row) == "json {\"c\":\"x\"}");
  CHECK(ev("json_get(j, '[\"k.e\"]')", row) == "json true");
  CHECK(ev("json_get(j, 'a.zz')", row) == "null");
  CHECK(ev("json_get(j, 'a.b[5]')", row) == "null");
  CHECK(ev("json_get(j, 'n')", row) == "null");
  CHECK(ev("json_get(j, 'a..b')", row) ==
        "compile error: invalid json path `a..b` (expected a form such as `a.b[0]`)");
  CHECK(ev("to_json(12.30)") == "json 12.30");
  CHECK(ev("to_json('say \"hi\"')") == "json \"say \\\"hi\\\"\"");
  CHECK(ev("to_json(x)", {{"x", Value::list({num(1), Value(), txt("a"), Value::boolean(true)})}}) ==
        "json [1,null,\"a\",true]");
  CHECK(ev("to_json(d)", {{"d", Value::date(mig::Date{19723})}}) == "json \"2024-01-01\"");
  CHECK(ev("to_json(x)", {{"x", Value::floating(std::nan(""))}}) == "json null");
  CHECK(ev("to_json(null)") == "null");
}

TEST_CASE("bcrypt hashes through libxcrypt, salted, and refuses what it would cut", "[builtins]") {
  std::string a = ev("bcrypt('correct horse', 4)");
  std::string b = ev("bcrypt('correct horse', 4)");
  REQUIRE(a.rfind("text $2b$04$", 0) == 0);
  CHECK(a.size() == std::string("text ").size() + 60);
  CHECK(a != b);  // a fresh salt each time
  // The hash verifies: crypt() with the hash as setting gives the hash back.
  std::string hash = a.substr(5);
  struct crypt_data data {};
  CHECK(std::string(crypt_r("correct horse", hash.c_str(), &data)) == hash);
  CHECK(std::string(crypt_r("wrong horse", hash.c_str(), &data)) != hash);
  CHECK(ev("bcrypt('x')").rfind("text $2b$12$", 0) == 0);  // cost 12 unless given
  CHECK(ev("bcrypt(null, 4)") == "null");
  CHECK(ev("bcrypt('x', 3)") == "error: bcrypt cost must be between 4 and 31, got 3 in `bcrypt('x', 3)`");
  CHECK(ev("bcrypt(p, 4)", {{"p", txt(std::string(73, 'a').c_str())}}) ==
        "error: bcrypt uses at most 72 bytes of a password; this one has 73 (it would be cut) in "
        "`bcrypt(p, 4)`");
  CHECK(ev("bcrypt(p, 4)", {{"p", mig::Value::text(std::string("a\0b", 3))}}) ==
        "error: bcrypt cannot hash a password holding a NUL byte (it would be cut there) in "
        "`bcrypt(p, 4)`");
}

TEST_CASE("uuid5 agrees with RFC 4122's namespaces and Python's uuid.uuid5", "[builtins]") {
  // Expected values from Python 3: uuid.uuid5(uuid.NAMESPACE_*, name).
  CHECK(ev("uuid5('6ba7b811-9dad-11d1-80b4-00c04fd430c8', 'https://www.python.org/')") ==
        "uuid 5406f80d-92e9-51cd-a176-77445955e733");  // NAMESPACE_URL
  CHECK(ev("uuid5('6ba7b812-9dad-11d1-80b4-00c04fd430c8', '1.2.3')") ==
        "uuid 42d5e23b-3a02-5135-85c6-52d1102f1f00");  // NAMESPACE_OID
  CHECK(ev("uuid5('6ba7b814-9dad-11d1-80b4-00c04fd430c8', 'cn=x')") ==
        "uuid a951fb6d-5aab-5a72-8e2e-9aa8df8d1f8f");  // NAMESPACE_X500
  CHECK(ev("uuid5('6BA7B810-9DAD-11D1-80B4-00C04FD430C8', 'héllo.example')") ==
        "uuid 6f198ba9-c4dd-5b07-9d3f-b2d2a54638dc");  // upper-case namespace, UTF-8 name
  // A namespace given as a uuid value, and a name long enough for two SHA-1 blocks.
  mig::Value dns = *mig::parse_value("6ba7b810-9dad-11d1-80b4-00c04fd430c8", mig::ValueKind::uuid);
  CHECK(ev("uuid5(ns, 'python.org')", {{"ns", dns}}) == "uuid 886313e1-3b8a-5372-9b90-0c9aee199e5d");
  CHECK(ev("uuid5(ns, x)", {{"ns", dns}, {"x", txt(std::string(100, 'a').c_str())}}) ==
        "uuid 56596f37-716c-57a9-a735-2561f8608390");
  CHECK(ev("uuid5(null, 1)") == "null");
}

TEST_CASE("parse_timestamp offsets and two-digit years", "[builtins]") {
  CHECK(ev("parse_timestamp('2024-01-31 13:45+02:00', '%F %R%z')") == "timestamp 2024-01-31 11:45:00");
  CHECK(ev("parse_timestamp('2024-01-31 13:45Z', '%F %R%z')") == "timestamp 2024-01-31 13:45:00");
  CHECK(ev("parse_timestamp('2024-01-31 13:45-0530', '%F %R%z')") == "timestamp 2024-01-31 19:15:00");
  CHECK(ev("parse_timestamp('01/02/69', '%m/%d/%y')") == "timestamp 1969-01-02 00:00:00");
  CHECK(ev("parse_timestamp('01/02/68', '%m/%d/%y')") == "timestamp 2068-01-02 00:00:00");
  CHECK(ev("parse_timestamp('2024-12-31 23:59:60', '%F %T')").rfind("error: ", 0) == 0);
}

TEST_CASE("to_utc in the southern hemisphere and at the end of DST", "[builtins]") {
  auto utc = [](const char* wall, const char* zone) {
    return ev(std::string("to_utc(parse_timestamp('") + wall + "', '%Y-%m-%d %H:%M'), '" + zone + "')");
  };
  CHECK(utc("2024-10-27 02:30", "Europe/Paris") == "timestamptz 2024-10-27 01:30:00+00:00");  // overlap
  CHECK(utc("2024-10-06 02:30", "Australia/Sydney") == "timestamptz 2024-10-05 16:30:00+00:00");  // gap
  CHECK(utc("2024-04-07 02:30", "Australia/Sydney") == "timestamptz 2024-04-06 16:30:00+00:00");  // overlap
  CHECK(utc("2024-06-01 12:00", "Asia/Kathmandu") == "timestamptz 2024-06-01 06:15:00+00:00");
  CHECK(utc("2024-06-01 12:00", "Etc/GMT+5") == "timestamptz 2024-06-01 17:00:00+00:00");
}
