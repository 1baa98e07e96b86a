#include "runtime/plan_expression.hpp"

#include "compiler/formatter.hpp"
#include "runtime/eval_ops.hpp"
#include "runtime/sql_expr.hpp"
#include "runtime/value_text.hpp"

namespace mig {
namespace {

class PlanExpression {
 public:
  PlanExpression(const BoundPlan& plan, std::map<std::string, std::unique_ptr<Connector>>& conns)
      : plan_(plan), conns_(conns) {}

  Result<Value> eval(const Expr& e) {
    switch (e.kind) {
      case ExprKind::literal: return literal(e);
      case ExprKind::param: {
        auto p = plan_.params.find(e.text);
        if (p == plan_.params.end()) return Error{"parameter `$" + e.text + "` has no value"};
        return p->second;
      }
      case ExprKind::unary: {
        Result<Value> v = eval(*e.args[0]);
        if (!v) return v;
        if (e.op == Op::not_) return v->is_null() ? *v : Value::boolean(!truthy(*v));
        return e.op == Op::neg ? eval::negate(*v) : eval::unary_plus(*v);
      }
      case ExprKind::binary: return binary(e);
      case ExprKind::call: return call(e);
      default:
        return Error{"`" + format_expr(e) + "` cannot be evaluated at plan level (use numbers, " +
                     "count(CONN.TABLE), sql(CONN, \"...\"), arithmetic and comparisons)"};
    }
  }

  PlanExpressionOutcome& outcome() { return out_; }

 private:
  static bool truthy(const Value& v) { return v.kind() == ValueKind::bool_ && v.as_bool(); }

  Result<Value> literal(const Expr& e) {
    switch (e.lit) {
      case LiteralKind::int_: return parse_value(e.text, ValueKind::int_);
      case LiteralKind::decimal: return parse_value(e.text, ValueKind::decimal);
      case LiteralKind::float_: return parse_value(e.text, ValueKind::float_);
      case LiteralKind::string: return Value::text(e.value);
      case LiteralKind::bool_: return Value::boolean(e.text == "true");
      case LiteralKind::null: return Value::null();
      default: return Error{"`" + e.text + "` has no meaning at plan level"};
    }
  }

  Result<Value> binary(const Expr& e) {
    Result<Value> a = eval(*e.args[0]);
    if (!a) return a;
    Result<Value> b = eval(*e.args[1]);  // both sides always: every value is reported
    if (!b) return b;
    switch (e.op) {
      case Op::and_: return Value::boolean(truthy(*a) && truthy(*b));
      case Op::or_: return Value::boolean(truthy(*a) || truthy(*b));
      case Op::eq: case Op::ne: case Op::lt: case Op::le: case Op::gt: case Op::ge:
        return eval::compare_op(e.op, *a, *b);
      case Op::concat: return eval::concat(*a, *b);
      default: return eval::arithmetic(e.op, *a, *b);
    }
  }

  Result<Value> call(const Expr& e) {
    const std::string& f = e.callee.text;
    if (f == "count" && e.args.size() == 1 && e.args[0]->kind == ExprKind::name)
      return count(*e.args[0], format_expr(e));
    if (f == "sql" && e.args.size() == 2 && e.args[0]->kind == ExprKind::name &&
        e.args[1]->kind == ExprKind::literal && e.args[1]->lit == LiteralKind::string)
      return query(e.args[0]->path[0].text, SqlFilter{e.args[1]->value, {}}, format_expr(e));
    return Error{"`" + format_expr(e) + "`: at plan level only count(CONN.TABLE) and " +
                 "sql(CONN, \"select ...\") are called"};
  }

  // `count(CONN.TABLE)` / `count(CONN.SCHEMA.TABLE)`: the table as the catalog spells it.
  Result<Value> count(const Expr& ref, const std::string& text) {
    const std::string& conn = ref.path[0].text;
    auto cat = plan_.catalogs.find(conn);
    if (cat == plan_.catalogs.end() || ref.path.size() < 2)
      return Error{text + ": `" + conn + "` is not a connection of the plan"};
    std::string schema = ref.path.size() == 3 ? ref.path[1].text : cat->second.default_schema;
    const TableInfo* t = cat->second.find(schema, ref.path.back().text);
    if (!t) return Error{text + ": no table `" + ref.path.back().text + "` in `" + conn + "`"};
    auto s = spelling_for(cat->second.dialect);
    if (!s) return Error{text + ": `" + conn + "` cannot be queried"};
    std::string table = (t->schema.empty() ? "" : s->quote(t->schema) + ".") + s->quote(t->name);
    return query(conn, SqlFilter{"SELECT count(*) FROM " + table, {}}, text);
  }

  Result<Value> query(const std::string& conn, const SqlFilter& sql, const std::string& text) {
    auto c = conns_.find(conn);
    if (c == conns_.end()) return Error{text + ": `" + conn + "` is not a connection of the plan"};
    Result<Value> v = c->second->query_value(sql);
    if (!v) return Error{text + ": " + v.error().message};
    std::string shown = v->is_null() ? "null" : to_text(*v);
    out_.details += (out_.details.empty() ? "" : ", ") + text + " = " + shown;
    out_.values[text] = shown;
    return v;
  }

  const BoundPlan& plan_;
  std::map<std::string, std::unique_ptr<Connector>>& conns_;
  PlanExpressionOutcome out_;
};

}  // namespace

Result<PlanExpressionOutcome> evaluate_plan_expression(
    const Expr& e, const BoundPlan& plan, std::map<std::string, std::unique_ptr<Connector>>& conns) {
  PlanExpression p(plan, conns);
  Result<Value> v = p.eval(e);
  if (!v) return v.take_error();
  PlanExpressionOutcome out = std::move(p.outcome());
  out.passed = v->kind() == ValueKind::bool_ && v->as_bool();
  if (v->kind() != ValueKind::bool_)
    return Error{"`" + format_expr(e) + "` is " + (v->is_null() ? std::string("null") : to_text(*v)) +
                 ", not true or false"};
  return out;
}

}  // namespace mig
