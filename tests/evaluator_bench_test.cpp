// Evaluator throughput: a realistic 10-expression `map` (decimal arithmetic, text cleaning,
// concatenation, `case`, parse_timestamp + to_utc, uuid5, translate, coalesce/nullif, cents,
// round) over 1M rows. Not run by default: `mig_tests "[.evalbench]"` (bench/evaluator.sh
// builds and runs it). Prints rows/s for the whole map and each expression alone, per
// second of this thread's CPU time (the machine may be shared); the numbers are recorded in
// docs/performance.md, section "Evaluator".
//
// The rows are 10,000 distinct generated rows evaluated 100 times (1M rows in memory would
// measure the allocator, not the evaluator); each is different enough (ids, prices,
// timestamps, e-mails) that no result is cached.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>

#include "eval_helpers.hpp"

using mig::Value;

namespace {

const char* const kMap[] = {
    "price * qty - coalesce(discount, 0)",
    "lower(trim(email))",
    "first_name || ' ' || last_name",
    "case when qty > 10 then 'bulk' when qty > 1 then 'multi' else 'single' end",
    "to_utc(parse_timestamp(created, '%Y-%m-%d %H:%M:%S', '%m/%d/%Y %H:%M'), 'America/New_York')",
    "uuid5('orders', id)",
    "translate(status, {'n': 'NEW', 'p': 'PAID', 's': 'SHIPPED'}, default: 'OTHER')",
    "coalesce(nullif(trim(country), ''), 'US')",
    "cents(price)",
    "round(price * 1.0825, 2)",
};

const std::vector<std::string> kColumns = {"id",     "price",      "qty",       "discount",
                                           "email",  "first_name", "last_name", "created",
                                           "status", "country"};

std::vector<std::vector<Value>> make_rows(size_t n) {
  std::vector<std::vector<Value>> rows;
  rows.reserve(n);
  const char* statuses[] = {"n", "p", "s", "x"};
  const char* countries[] = {" us ", "", "FR", "de "};
  char buf[64];
  for (size_t i = 0; i < n; ++i) {
    std::vector<Value> r;
    r.push_back(Value::integer(static_cast<int64_t>(1000000 + i * 7)));
    std::snprintf(buf, sizeof buf, "%zu.%02zu", 1 + i % 997, i % 100);
    r.push_back(Value::decimal(*mig::Decimal::parse(buf)));
    r.push_back(Value::integer(static_cast<int64_t>(1 + i % 17)));
    r.push_back(i % 3 == 0 ? Value() : Value::decimal(*mig::Decimal::parse("1.50")));
    std::snprintf(buf, sizeof buf, "  User.%zu@Example.COM ", i);
    r.push_back(Value::text(buf));
    std::snprintf(buf, sizeof buf, "First%zu", i % 131);
    r.push_back(Value::text(buf));
    std::snprintf(buf, sizeof buf, "Last%zu", i % 257);
    r.push_back(Value::text(buf));
    if (i % 5 == 0)
      std::snprintf(buf, sizeof buf, "%02zu/%02zu/2023 %02zu:%02zu", 1 + i % 12, 1 + i % 28, i % 24,
                    i % 60);
    else
      std::snprintf(buf, sizeof buf, "2024-%02zu-%02zu %02zu:%02zu:%02zu", 1 + i % 12, 1 + i % 28,
                    i % 24, i % 60, (i * 7) % 60);
    r.push_back(Value::text(buf));
    r.push_back(Value::text(statuses[i % 4]));
    r.push_back(Value::text(countries[i % 4]));
    rows.push_back(std::move(r));
  }
  return rows;
}

struct Compiled {
  std::vector<std::unique_ptr<evaltest::ParsedExpr>> parsed;
  std::vector<mig::Program> programs;
};

Compiled compile_map() {
  mig::EvalScope scope;
  scope.columns = kColumns;
  scope.now_micros = int64_t{1715932800} * 1000000;
  Compiled c;
  for (const char* text : kMap) {
    c.parsed.push_back(std::make_unique<evaltest::ParsedExpr>(text));
    mig::Result<mig::Program> p = mig::compile_expr(*c.parsed.back()->expr, scope);
    INFO(text);
    REQUIRE(p.ok());
    c.programs.push_back(*p);
  }
  return c;
}

// This thread's CPU time: the machine may be shared, and wall time would count the others.
double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// Evaluates `programs` over `rounds` passes of `rows`; returns rows per second.
double rate(const std::vector<mig::Program>& programs, const std::vector<std::vector<Value>>& rows,
            size_t rounds) {
  size_t errors = 0;
  double start = cpu_seconds();
  for (size_t round = 0; round < rounds; ++round)
    for (const std::vector<Value>& row : rows)
      for (const mig::Program& p : programs) {
        mig::Result<Value> v = p.eval(row);
        if (!v.ok()) ++errors;
      }
  double seconds = cpu_seconds() - start;
  CHECK(errors == 0);
  return static_cast<double>(rows.size() * rounds) / seconds;
}

size_t env_size(const char* name, size_t fallback) {
  const char* v = std::getenv(name);
  return v ? static_cast<size_t>(std::strtoull(v, nullptr, 10)) : fallback;
}

}  // namespace

TEST_CASE("evaluator rate of a 10-expression map over a million rows", "[.evalbench]") {
  const size_t distinct = 10000;
  const size_t total = env_size("MIG_EVALBENCH_ROWS", 1000000);
  const size_t rounds = std::max<size_t>(1, total / distinct);
  std::vector<std::vector<Value>> rows = make_rows(distinct);
  Compiled c = compile_map();

  // Every expression gives a value on every generated row (no row errors).
  for (const mig::Program& p : c.programs) {
    INFO(p.text());
    for (size_t i = 0; i < 20; ++i) CHECK(p.eval(rows[i]).ok());
  }

  double all = rate(c.programs, rows, rounds);
  std::printf("evaluator: %zu rows x %zu expressions: %.0f rows/s of CPU (%.2f us/row)\n",
              distinct * rounds, c.programs.size(), all, 1e6 / all);
  for (size_t i = 0; i < c.programs.size(); ++i) {
    double one = rate({c.programs[i]}, rows, std::max<size_t>(1, rounds / 10));
    std::printf("  %10.0f rows/s  %6.3f us  %s\n", one, 1e6 / one, kMap[i]);
  }
  std::fflush(stdout);
}
