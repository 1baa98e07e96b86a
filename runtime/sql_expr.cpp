#include "runtime/sql_expr.hpp"

#include "runtime/sql_dialect.hpp"
#include "runtime/value_text.hpp"

namespace mig {
namespace {

std::string question(int n) { return "?" + std::to_string(n); }
std::string dollar(int n) { return "$" + std::to_string(n); }
std::string bare_question(int) { return "?"; }
std::string backquote(std::string_view name) {
  std::string out = "`";
  for (char c : name) out += c == '`' ? std::string("``") : std::string(1, c);
  return out + "`";
}

const char* sql_op(Op op) {
  switch (op) {
    case Op::eq: return " = ";
    case Op::ne: return " <> ";
    case Op::lt: return " < ";
    case Op::le: return " <= ";
    case Op::gt: return " > ";
    case Op::ge: return " >= ";
    case Op::and_: return " AND ";
    case Op::or_: return " OR ";
    case Op::add: return " + ";
    case Op::sub: return " - ";
    case Op::mul: return " * ";
    default: return nullptr;  // `/` and `%` differ between SQL and the language; `||` too
  }
}

// A literal's value as the runtime reads it; nullopt when it is not a plain scalar.
std::optional<Value> literal_value(const Expr& e) {
  switch (e.lit) {
    case LiteralKind::int_: {
      auto v = parse_value(e.text, ValueKind::int_);
      return v ? std::optional<Value>(*v) : std::nullopt;
    }
    case LiteralKind::decimal: {
      auto v = parse_value(e.text, ValueKind::decimal);
      return v ? std::optional<Value>(*v) : std::nullopt;
    }
    case LiteralKind::string: return Value::text(e.value);
    case LiteralKind::bool_: return Value::boolean(e.text == "true");
    case LiteralKind::null: return Value::null();
    default: return std::nullopt;  // floats and percentages stay with the runtime
  }
}

}  // namespace

std::optional<SqlSpelling> spelling_for(const std::string& dialect) {
  if (dialect == "sqlite" || dialect == "csv") return SqlSpelling{dialect, sqlite_quote, question};
  if (dialect == "postgres") return SqlSpelling{dialect, sqlite_quote, dollar};  // "x", "" doubled
  if (dialect == "mariadb") return SqlSpelling{dialect, backquote, bare_question};
  return std::nullopt;
}

void SqlWriter::bind(Value v) {
  filter_.params.push_back(std::move(v));
  filter_.sql += spelling_.placeholder(int(filter_.params.size()));
}

bool SqlWriter::expr(const Expr& e, const TableInfo& table,
                     const std::map<std::string, Value>& params) {
  auto sub = [&](const Expr& x) {
    raw("(");
    bool ok = expr(x, table, params);
    raw(")");
    return ok;
  };
  switch (e.kind) {
    case ExprKind::literal: {
      auto v = literal_value(e);
      if (!v) return false;
      if (v->is_null()) raw("NULL");
      else bind(*v);
      return true;
    }
    case ExprKind::name:
      if (e.path.size() != 1 || !table.column(e.path[0].text)) return false;
      name(e.path[0].text);
      return true;
    case ExprKind::param: {
      auto it = params.find(e.text);
      if (it == params.end() || it->second.kind() == ValueKind::list) return false;
      bind(it->second);
      return true;
    }
    case ExprKind::unary:
      if (e.op == Op::not_) raw("NOT ");
      else if (e.op == Op::neg) raw("-");
      else return false;
      return sub(*e.args[0]);
    case ExprKind::binary: {
      const char* op = sql_op(e.op);
      if (!op) return false;
      if (!sub(*e.args[0])) return false;
      raw(op);
      return sub(*e.args[1]);
    }
    case ExprKind::is_null:
      if (!sub(*e.args[0])) return false;
      raw(e.negated ? " IS NOT NULL" : " IS NULL");
      return true;
    case ExprKind::in: {
      std::vector<Value> items;
      const Expr& set = *e.args[1];
      if (set.kind == ExprKind::param) {
        auto it = params.find(set.text);
        if (it == params.end() || it->second.kind() != ValueKind::list) return false;
        items = it->second.as_list();
      } else if (set.kind == ExprKind::list) {
        for (const ExprPtr& item : set.args) {
          if (item->kind != ExprKind::literal) return false;
          auto v = literal_value(*item);
          if (!v) return false;
          items.push_back(*v);
        }
      } else {
        return false;
      }
      // SQL has no empty IN list: `x in []` is false and `x not in []` true (for any x,
      // as the language says for an empty list).
      if (items.empty()) {
        raw(e.negated ? "(1 = 1)" : "(1 = 0)");
        return true;
      }
      if (!sub(*e.args[0])) return false;
      raw(e.negated ? " NOT IN (" : " IN (");
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) raw(", ");
        if (items[i].is_null()) raw("NULL");
        else bind(items[i]);
      }
      raw(")");
      return true;
    }
    default:
      return false;  // matches, case, calls, lists, maps: evaluated by the runtime
  }
}

std::optional<SqlFilter> push_down(const Expr& e, const TableInfo& table,
                                   const std::map<std::string, Value>& params,
                                   const SqlSpelling& spelling) {
  SqlWriter w(spelling);
  if (!w.expr(e, table, params)) return std::nullopt;
  return w.take();
}

}  // namespace mig
