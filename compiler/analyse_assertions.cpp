// `expect`: classifies each assertion (spec section 7) into plan.assertions. A task's
// `expect` must be one of the table-level forms; a plan-level one is `no orphans`, a
// `rejects` bound over all tasks, or a bool expression over `count(...)` and `sql(...)`.
#include <cstdlib>

#include "compiler/analyse_context.hpp"

namespace mig {
namespace {

// `word` written as a plain name.
bool is_word(const Expr* e, const char* word) {
  return e && e->kind == ExprKind::name && e->path.size() == 1 && !e->path[0].quoted &&
         e->path[0].text == word;
}

bool is_comparison(Op op) {
  return op == Op::eq || op == Op::ne || op == Op::lt || op == Op::le || op == Op::gt ||
         op == Op::ge;
}

const char* kTaskForms =
    "`expect` in a task takes `count == source`, `rejects <= N`, `rejects <= N%`, "
    "`unique(COL, ...)`, `not_null(COL, ...)`, `parity` or `no orphans in CONN`";

}  // namespace

// Recognises the table-level forms; returns false when `e` is none of them.
bool Analyser::classify(const Expr& e, Assertion& a) {
  using K = Assertion::Kind;
  if (is_word(&e, "parity")) {
    a.kind = K::parity;
    return true;
  }
  if (e.kind == ExprKind::binary && e.args.size() == 2) {
    const Expr* l = e.args[0].get();
    const Expr* r = e.args[1].get();
    if (e.op == Op::eq && ((is_word(l, "count") && is_word(r, "source")) ||
                           (is_word(l, "source") && is_word(r, "count")))) {
      a.kind = K::count_source;
      return true;
    }
    if (is_comparison(e.op) && is_word(l, "rejects")) {
      a.kind = K::rejects;
      a.op = e.op;
      check_rejects_bound(r, a);
      return true;
    }
  }
  if (e.kind == ExprKind::call &&
      (e.callee.text == "unique" || e.callee.text == "not_null")) {
    a.kind = e.callee.text == "unique" ? K::unique : K::not_null;
    bool ok = !e.args.empty() && e.named.empty();
    for (const ExprPtr& arg : e.args) {
      if (arg && arg->kind == ExprKind::name && arg->path.size() == 1) a.columns.push_back(arg->path[0].text);
      else ok = false;
    }
    if (!ok)
      diags.report(DiagId::invalid_assertion, e.span,
                   {"`" + e.callee.text + "` takes target column names, such as `" + e.callee.text +
                    "(email)`"});
    return true;
  }
  return false;
}

// `rejects OP N` or `rejects OP N%`: N a non-negative whole count, or a share up to 100%.
void Analyser::check_rejects_bound(const Expr* bound, Assertion& a) {
  if (!bound) return;
  bool count = bound->kind == ExprKind::literal && bound->lit == LiteralKind::int_;
  bool share = bound->kind == ExprKind::literal && bound->lit == LiteralKind::percent;
  if (!count && !share) {
    diags.report(DiagId::invalid_assertion, bound->span,
                 {"`rejects` is compared with a count such as `0` or a share such as `0.5%`"});
    return;
  }
  a.percent = share;
  a.limit = bound->value.empty() ? bound->text : bound->value;
  if (share && !a.limit.empty() && a.limit.back() == '%') a.limit.pop_back();
  if (share && std::strtod(a.limit.c_str(), nullptr) > 100.0)
    diags.report(DiagId::invalid_assertion, bound->span, {"a share of rejects is at most `100%`"});
}

void Analyser::check_task_expect(Task& task, const Expectation& x) {
  Assertion a;
  a.kind = Assertion::Kind::expr;
  a.expect = &x;
  a.task = task.name;
  if (x.no_orphans_in) {
    check_connection_name(*x.no_orphans_in);
    a.kind = Assertion::Kind::no_orphans;
    a.connection = x.no_orphans_in->text;
    plan.assertions.push_back(a);
    return;
  }
  if (!x.expr) return;
  if (classify(*x.expr, a)) {
    plan.assertions.push_back(a);
    return;
  }
  diags.report(DiagId::invalid_assertion, x.expr->span, {kTaskForms});
}

void Analyser::check_plan_expect(const Expectation& x) {
  using K = Assertion::Kind;
  Assertion a;
  a.kind = K::expr;
  a.expect = &x;
  if (x.no_orphans_in) {
    check_connection_name(*x.no_orphans_in);
    a.kind = K::no_orphans;
    a.connection = x.no_orphans_in->text;
    plan.assertions.push_back(a);
    return;
  }
  if (!x.expr) return;
  if (classify(*x.expr, a)) {
    std::string why;
    if (a.kind == K::count_source) why = "`count == source` compares a task's rows with its source";
    if (a.kind == K::parity) why = "`parity` compares a task's rows with its source";
    if (a.kind == K::unique || a.kind == K::not_null)
      why = "`" + x.expr->callee.text + "(...)` checks the table a task writes";
    if (why.empty()) {  // `rejects` at plan level bounds the rejects of all tasks together
      plan.assertions.push_back(a);
      return;
    }
    diags.report(DiagId::invalid_assertion, x.expr->span, {why + ": write it inside that task"});
    return;
  }
  ExprContext cx{Scope::plan_expect, "a plan-level `expect`", nullptr, nullptr};
  check_condition(*x.expr, cx, "`expect`");
  plan.assertions.push_back(a);
}

}  // namespace mig
