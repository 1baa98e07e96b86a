#include "runtime/validate.hpp"

#include <set>

#include "compiler/formatter.hpp"
#include "runtime/orphans.hpp"
#include "runtime/parity.hpp"
#include "runtime/plan_expression.hpp"
#include "runtime/sql_expr.hpp"
#include "runtime/value_text.hpp"

namespace mig {
namespace {

bool compare(Op op, const Decimal& a, const Decimal& b) {
  auto c = a.compare(b);
  switch (op) {
    case Op::eq: return c == 0;
    case Op::ne: return c != 0;
    case Op::lt: return c < 0;
    case Op::le: return c <= 0;
    case Op::gt: return c > 0;
    case Op::ge: return c >= 0;
    default: return false;
  }
}

// An update task reads the rows it writes: mapping them again cannot say what they held.
void parity(const BoundTask& t, const BoundPlan& plan, StateStore& state,
            std::map<std::string, std::unique_ptr<Connector>>& conns, ExpectResult& r) {
  if (t.is_update) {
    r.evaluated = false;
    r.details = "not evaluated: an update task rewrites its own source, so there is nothing "
                "independent to compare it with";
    return;
  }
  auto result = check_parity(t, *plan.plan, plan.params, *conns.at(t.source_conn),
                             *conns.at(t.target_conn), state);
  if (!result) {
    r.passed = false;
    r.details = "parity could not be evaluated: " + result.error().message;
    r.data = nlohmann::json{{"error", result.error().message}};
    return;
  }
  r.passed = result->passed();
  r.details = parity_details(*result);
  r.data = parity_json(*result);
}

class Validator {
 public:
  Validator(const BoundPlan& plan, StateStore& state,
            std::map<std::string, std::unique_ptr<Connector>>& conns)
      : plan_(plan), state_(state), conns_(conns) {}

  std::vector<ExpectResult> run(const Assertion& a) {
    std::vector<ExpectResult> out;
    std::string name = "expect " + format_expectation(*a.expect);
    if (a.task.empty()) {
      ExpectResult r{name, "", true, false, ""};
      plan_level(a, r);
      out.push_back(std::move(r));
      return out;
    }
    for (size_t i = 0; i < plan_.plan->tasks.size(); ++i) {
      if (plan_.plan->tasks[i].name != a.task) continue;
      for (size_t b : plan_.expansion[i]) {
        ExpectResult r{name, plan_.tasks[b].name, true, false, ""};
        task_level(a, plan_.tasks[b], r);
        out.push_back(std::move(r));
      }
    }
    return out;
  }

 private:
  TaskCounters counters(const std::string& task) {
    auto rec = state_.task(task);
    return rec && *rec ? (*rec)->counters : TaskCounters{};
  }

  void task_level(const Assertion& a, const BoundTask& t, ExpectResult& r) {
    switch (a.kind) {
      case Assertion::Kind::count_source: {
        TaskCounters c = counters(t.name);
        r.passed = c.read == c.written + c.skipped + c.rejected;
        r.details = std::to_string(c.read) + " selected, " + std::to_string(c.written) +
                    " written, " + std::to_string(c.skipped) + " skipped, " +
                    std::to_string(c.rejected) + " rejected";
        return;
      }
      case Assertion::Kind::rejects: return rejects(a, counters(t.name), r);
      case Assertion::Kind::unique: return unique(a, t, r);
      case Assertion::Kind::not_null: return not_null(a, t, r);
      case Assertion::Kind::no_orphans: return no_orphans(a.connection, r);
      case Assertion::Kind::parity: return parity(t, plan_, state_, conns_, r);
      default:
        r.evaluated = false;
        r.details = "not evaluated: this version of migrun cannot check it yet";
    }
  }

  void plan_level(const Assertion& a, ExpectResult& r) {
    if (a.kind == Assertion::Kind::no_orphans) return no_orphans(a.connection, r);
    if (a.kind == Assertion::Kind::rejects) {
      TaskCounters total;
      for (const BoundTask& t : plan_.tasks) {
        TaskCounters c = counters(t.name);
        total.read += c.read;
        total.rejected += c.rejected;
      }
      return rejects(a, total, r);
    }
    if (a.kind == Assertion::Kind::expr) return plan_expression(*a.expect->expr, r);
    r.evaluated = false;
    r.details = "not evaluated: this version of migrun cannot check it yet";
  }

  // `expect count(new.staff) + count(new.patients) == count(old.users)`: a query that
  // fails fails the assertion, with the reason.
  void plan_expression(const Expr& e, ExpectResult& r) {
    Result<PlanExpressionOutcome> out = evaluate_plan_expression(e, plan_, conns_);
    if (!out) {
      r.details = out.error().message;
      return;
    }
    r.passed = out->passed;
    r.details = out->details;
    r.data = out->values;
  }

  void rejects(const Assertion& a, const TaskCounters& c, ExpectResult& r) {
    auto limit = Decimal::parse(a.limit);
    if (!limit) {
      r.details = "bad limit `" + a.limit + "`";
      return;
    }
    Decimal got = Decimal::from_int(c.rejected);
    Decimal bound = *limit;
    if (a.percent) {  // rejected / read <= limit% , without dividing: rejected*100 vs limit*read
      auto hundred = got.mul(Decimal::from_int(100));
      auto scaled = limit->mul(Decimal::from_int(c.read));
      if (!hundred || !scaled) return;
      got = *hundred;
      bound = *scaled;
    }
    r.passed = compare(a.op, got, bound);
    r.details = std::to_string(c.rejected) + " rejected of " + std::to_string(c.read) + " selected";
  }

  // A count query on the target of `t`: SELECT count(*) FROM ... built by `body`.
  Result<int64_t> count(const std::string& conn, const std::string& sql) {
    auto v = conns_.at(conn)->query_value(SqlFilter{sql, {}});
    if (!v) return v.take_error();
    if (v->kind() != ValueKind::int_) return Error{"the count query returned no number"};
    return v->as_int();
  }

  std::string table_sql(const SqlSpelling& s, const TableInfo& t) {
    return (t.schema.empty() ? "" : s.quote(t.schema) + ".") + s.quote(t.name);
  }

  void unique(const Assertion& a, const BoundTask& t, ExpectResult& r) {
    auto s = spelling_for(plan_.catalogs.at(t.target_conn).dialect);
    if (!s) return;
    std::string cols, not_null;
    for (size_t i = 0; i < a.columns.size(); ++i) {
      cols += (i ? ", " : "") + s->quote(a.columns[i]);
      not_null += (i ? " AND " : "") + s->quote(a.columns[i]) + " IS NOT NULL";
    }
    auto n = count(t.target_conn, "SELECT count(*) FROM (SELECT 1 FROM " + table_sql(*s, *t.target) +
                                      " WHERE " + not_null + " GROUP BY " + cols +
                                      " HAVING count(*) > 1) d");
    std::string shown;
    for (size_t i = 0; i < a.columns.size(); ++i) shown += (i ? ", " : "") + a.columns[i];
    set(r, n, "value(s) of (" + shown + ") appear more than once");
  }

  void not_null(const Assertion& a, const BoundTask& t, ExpectResult& r) {
    auto s = spelling_for(plan_.catalogs.at(t.target_conn).dialect);
    if (!s) return;
    std::string any_null;
    for (size_t i = 0; i < a.columns.size(); ++i)
      any_null += (i ? " OR " : "") + s->quote(a.columns[i]) + " IS NULL";
    auto n = count(t.target_conn, "SELECT count(*) FROM " + table_sql(*s, *t.target) + " WHERE " + any_null);
    set(r, n, "row(s) with a null in it");
  }

  // Every foreign key of every table in `conn`: rows whose key finds no parent.
  // A server connection sees other databases too: only the tables of its own (default)
  // schema and those the plan writes are looked at.
  void no_orphans(const std::string& conn, ExpectResult& r) {
    const Catalog& cat = plan_.catalogs.at(conn);
    std::set<std::string> tables;
    for (const TableInfo& t : cat.tables)
      if (t.schema.empty() || t.schema == cat.default_schema) tables.insert(t.qualified());
    for (const BoundTask& t : plan_.tasks)
      if (t.target_conn == conn) tables.insert(t.target->qualified());
    auto counts = count_orphans(cat, *conns_.at(conn), tables);
    if (!counts) {
      r.passed = false;
      r.details = counts.error().message;
      return;
    }
    int64_t total = 0;
    for (const OrphanCount& c : *counts) total += c.rows;
    std::string where = describe_orphans(*counts);
    r.passed = total == 0;
    r.details = std::to_string(total) + " orphan row(s)" + (where.empty() ? "" : " (" + where + ")");
  }

  static void set(ExpectResult& r, const Result<int64_t>& n, const std::string& what) {
    if (!n) {
      r.details = n.error().message;
      return;
    }
    r.passed = *n == 0;
    r.details = std::to_string(*n) + " " + what;
  }

  const BoundPlan& plan_;
  StateStore& state_;
  std::map<std::string, std::unique_ptr<Connector>>& conns_;
};

}  // namespace

ExpectResult evaluate_parity(const BoundTask& task, const BoundPlan& plan, StateStore& state,
                             std::map<std::string, std::unique_ptr<Connector>>& conns,
                             size_t assertion) {
  ExpectResult r{"expect parity", task.name, true, false, "", assertion, {}};
  parity(task, plan, state, conns, r);
  return r;
}

std::vector<ExpectResult> evaluate_expect(size_t index, const BoundPlan& plan, StateStore& state,
                                          std::map<std::string, std::unique_ptr<Connector>>& conns) {
  std::vector<ExpectResult> results = Validator(plan, state, conns).run(plan.plan->assertions[index]);
  for (ExpectResult& r : results) r.assertion = index;
  return results;
}

}  // namespace mig
