#include "runtime/environment.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <algorithm>
#include <cctype>

namespace mig {
namespace {

// Evaluates a connector argument: a string literal, `env("VAR"[, default])`,
// `secret("path")`, a text parameter, or `||` of those. Analysis has checked the shape.
Result<std::string> eval_text(const Expr& e, const CheckedPlan& plan, const std::string& plan_dir) {
  switch (e.kind) {
    case ExprKind::literal:
      if (e.lit == LiteralKind::string) return e.value;
      return Error{"expected a string, found `" + e.text + "`"};
    case ExprKind::param: {
      auto it = plan.params.find(e.text);
      if (it == plan.params.end() || !it->second.given)
        return Error{"parameter `$" + e.text + "` has no value (give `--param " + e.text + "=...`)"};
      return *it->second.given;
    }
    case ExprKind::binary:
      if (e.op == Op::concat) {
        auto a = eval_text(*e.args[0], plan, plan_dir);
        if (!a) return a;
        auto b = eval_text(*e.args[1], plan, plan_dir);
        if (!b) return b;
        return *a + *b;
      }
      break;
    case ExprKind::call: {
      std::vector<std::string> args;
      for (const ExprPtr& a : e.args) {
        auto v = eval_text(*a, plan, plan_dir);
        if (!v) return v;
        args.push_back(*v);
      }
      if (e.callee.text == "env" && !args.empty()) {
        if (const char* v = std::getenv(args[0].c_str())) return std::string(v);
        if (args.size() > 1) return args[1];
        return Error{"environment variable `" + args[0] + "` is not set"};
      }
      if (e.callee.text == "secret" && args.size() == 1) {
        std::filesystem::path path(args[0]);
        if (path.is_relative()) path = std::filesystem::path(plan_dir) / path;
        std::ifstream in(path, std::ios::binary);
        if (!in) return Error{"cannot read secret file `" + path.string() + "`"};
        std::ostringstream ss;
        ss << in.rdbuf();
        std::string text = ss.str();
        auto not_space = [](unsigned char c) { return !std::isspace(c); };
        text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
        text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
        return text;
      }
      break;
    }
    default:
      break;
  }
  return Error{"cannot evaluate this connector argument"};
}

Result<bool> eval_bool(const Expr& e) {
  if (e.kind == ExprKind::literal && e.lit == LiteralKind::bool_) return e.text == "true";
  return Error{"expected `true` or `false`"};
}

Result<ConnectorSpec> eval_connector(const std::string& conn, const Expr& call,
                                     const CheckedPlan& plan, const std::string& plan_dir) {
  auto fail = [&](const std::string& why) {
    return Error{"connection `" + conn + "`: " + why};
  };
  ConnectorSpec spec;
  spec.kind = call.callee.text == "mysql" ? "mariadb" : call.callee.text;
  if (call.args.empty()) return fail("`" + spec.kind + "(...)` needs a location");
  auto location = eval_text(*call.args[0], plan, plan_dir);
  if (!location) return fail(location.error().message);
  spec.location = *location;
  if (spec.kind == "sqlite" || spec.kind == "csv") {
    std::filesystem::path p(spec.location);
    if (p.is_relative()) spec.location = (std::filesystem::path(plan_dir) / p).lexically_normal().string();
  }
  for (const NamedArg& arg : call.named) {
    const std::string& name = arg.name.text;
    if (name == "header") {
      auto b = eval_bool(*arg.value);
      if (!b) return fail("`header:` " + b.error().message);
      spec.header = *b;
    } else if (name == "delimiter" || name == "null") {
      auto t = eval_text(*arg.value, plan, plan_dir);
      if (!t) return fail("`" + name + ":` " + t.error().message);
      (name == "delimiter" ? spec.delimiter : spec.null_text) = *t;
    } else if (name == "types" && arg.value->kind == ExprKind::map) {
      for (const MapEntry& entry : arg.value->entries) {
        auto k = eval_text(*entry.key, plan, plan_dir);
        auto v = eval_text(*entry.value, plan, plan_dir);
        if (!k || !v) return fail("`types:` maps column names to type names, as text");
        spec.types.emplace_back(*k, *v);
      }
    } else if (name == "attach" && arg.value->kind == ExprKind::map) {
      for (const MapEntry& entry : arg.value->entries) {
        auto alias = eval_text(*entry.key, plan, plan_dir);
        auto file = eval_text(*entry.value, plan, plan_dir);
        if (!alias || !file) return fail("`attach:` maps schema names to database files, as text");
        std::filesystem::path p(*file);
        if (p.is_relative()) p = (std::filesystem::path(plan_dir) / p).lexically_normal();
        spec.attach.emplace_back(*alias, p.string());
      }
    }
  }
  return spec;
}

}  // namespace

Result<std::map<std::string, ConnectorSpec>> resolve_connectors(const CheckedPlan& plan,
                                                                const std::string& env,
                                                                const std::string& plan_dir) {
  std::map<std::string, const Expr*> calls;
  for (const auto& [name, conn] : plan.connections) calls[name] = conn.decl->value.get();
  if (!env.empty()) {
    const Stmt* found = nullptr;
    std::string known;
    for (const Stmt* e : plan.environments) {
      if (e->name.text == env) found = e;
      known += (known.empty() ? "`" : ", `") + e->name.text + "`";
    }
    if (!found && env == "default") return resolve_connectors(plan, "", plan_dir);
    if (!found)
      return Error{"the plan has no environment `" + env + "`" +
                   (known.empty() ? " (it declares none)" : " (it declares " + known + ")")};
    for (const Binding& b : found->bindings) calls[b.name.text] = b.value.get();
  }
  std::map<std::string, ConnectorSpec> specs;
  for (const auto& [name, call] : calls) {
    if (!call || call->kind != ExprKind::call) return Error{"connection `" + name + "` has no connector"};
    auto spec = eval_connector(name, *call, plan, plan_dir);
    if (!spec) return spec.take_error();
    specs[name] = std::move(*spec);
  }
  return specs;
}

}  // namespace mig
