// Compiling an Expr into nodes (Compiler) and running them per row (run_node). A node's
// children are indexes into one vector; every name, literal, parameter and constant regex
// is resolved here once, so a row costs only the operations themselves.
#include "runtime/evaluator.hpp"

#include <array>
#include <cctype>
#include <unordered_set>

#include "compiler/diagnostics.hpp"
#include "compiler/formatter.hpp"
#include "runtime/builtin_impl.hpp"
#include "runtime/eval_ops.hpp"
#include "runtime/regex.hpp"
#include "runtime/value_text.hpp"

namespace mig {
namespace eval {
namespace {

constexpr size_t kKinds = static_cast<size_t>(ValueKind::list) + 1;
constexpr int kMaxFnDepth = 64;          // user functions calling functions (no recursion)
constexpr size_t kMaxShownExpr = 80;     // expression text in row errors
constexpr size_t kInlineArgs = 8;        // call arguments kept on the stack

enum class NodeKind : uint8_t {
  constant,       // `constant`
  column,         // row[index]
  source_column,  // source_row[index]
  local,          // a user fn's parameter: locals[index]
  list,           // kids -> a list value
  neg, plus, not_,
  arith,          // kids[0] op kids[1]
  concat,         // `||`
  compare,        // kids[0] op kids[1]; `reads` when one side is a text constant
  and_, or_,
  in_items,       // kids[0] in (kids[1..]), items computed per row
  in_set,         // kids[0] in `set`
  in_value,       // kids[0] in kids[1] (a list value per row)
  is_null,
  matches,        // kids[0] matches kids[1] (`regex` when the pattern is constant)
  case_,          // kids: condition, value, ..., [else]
  call,           // a built-in with `run`
  call_lazy,      // a built-in with `run_lazy`
  user_call,      // kids: arguments; `index`: the body's root
  lookup,         // kids[0] key, [kids[1] default]
};

// A constant list on the right of `in`; a hash set when its items share one kind.
struct InSet {
  std::vector<Value> items;
  std::unordered_set<Value, ValueHash> hashed;  // when `hash_kind` is set
  std::optional<ValueKind> hash_kind;
  bool has_null = false;
};

// A text constant compared with other kinds: read once per kind at compile time.
using TextReads = std::array<std::optional<Value>, kKinds>;

// One bound argument slot of a call.
struct Slot {
  int kid = -1;         // index into Node::kids; -1: not given
  TypeSpec spec;        // what the value is converted to
  std::string label;    // "argument 2", "argument `fill`"
};

struct Node {
  NodeKind kind = NodeKind::constant;
  Op op = Op::none;
  bool negated = false;        // `not in`, `is not null`
  bool has_else = false;       // case
  bool const_left = false;     // compare: the text constant is kids[0]
  uint32_t index = 0;          // column, source column, local slot; user_call: body root
  std::vector<uint32_t> kids;
  Value constant;
  std::string text;            // the expression, for row errors
  // Calls.
  std::string name;
  const BuiltinImpl* impl = nullptr;
  std::vector<Slot> slots;
  uint64_t given = 0;
  PreparedPtr prepared;
  std::vector<Type> param_types;  // user_call
  Type result_type;               // user_call
  uint32_t extra_slots = 0;       // call_lazy: a map's values after the slots
  // Operators with precomputed operands.
  std::shared_ptr<const Regex> regex;
  std::shared_ptr<const InSet> set;
  std::shared_ptr<const TextReads> reads;
  std::string task;  // lookup
};

}  // namespace

struct Code {
  std::vector<Node> nodes;
  uint32_t root = 0;
  bool deterministic = true;
  std::string text;
  std::function<Result<std::optional<Value>>(const std::string&, const Value&)> lookup;
};

namespace {

// The rows an evaluation reads.
struct Frame {
  std::span<const Value> row;
  std::span<const Value> source;
  std::span<const Value> locals;
};

Result<Value> run_node(const Code& code, uint32_t n, const Frame& f);

Error at(const Node& node, const std::string& message) {
  return Error{message + " in `" + node.text + "`"};
}

std::string shown(const Expr& e) {
  std::string t = format_expr(e);
  if (t.size() > kMaxShownExpr) t = t.substr(0, kMaxShownExpr - 3) + "...";
  return t;
}

Result<bool> truth(const Node& node, const Value& v, const char* what) {
  if (v.is_null()) return false;
  if (v.kind() == ValueKind::bool_) return v.as_bool();
  return at(node, std::string(what) + " must be a bool, found " + describe_value(v));
}

// ------------------------------------------------------------------ running

Result<Value> run_logic(const Code& code, const Node& node, const Frame& f) {
  bool is_and = node.kind == NodeKind::and_;
  const char* what = is_and ? "the operands of `and`" : "the operands of `or`";
  Result<Value> a = run_node(code, node.kids[0], f);
  if (!a.ok()) return a;
  if (!a->is_null() && a->kind() != ValueKind::bool_)
    return at(node, std::string(what) + " must be bools, found " + describe_value(*a));
  if (!a->is_null() && a->as_bool() != is_and) return a;  // false and _, true or _
  Result<Value> b = run_node(code, node.kids[1], f);
  if (!b.ok()) return b;
  if (!b->is_null() && b->kind() != ValueKind::bool_)
    return at(node, std::string(what) + " must be bools, found " + describe_value(*b));
  if (!b->is_null() && b->as_bool() != is_and) return b;
  if (a->is_null() || b->is_null()) return Value::null();
  return Value::boolean(is_and);
}

Result<Value> run_compare(const Code& code, const Node& node, const Frame& f) {
  Result<Value> a = run_node(code, node.kids[0], f);
  if (!a.ok()) return a;
  Result<Value> b = run_node(code, node.kids[1], f);
  if (!b.ok()) return b;
  if (node.reads) {
    const Value& other = node.const_left ? *b : *a;
    const std::optional<Value>& read = (*node.reads)[static_cast<size_t>(other.kind())];
    if (read && !other.is_null()) {
      std::optional<std::weak_ordering> c =
          node.const_left ? sql_compare(*read, other) : sql_compare(other, *read);
      if (c) return Value::boolean(ordering_holds(node.op, *c));
    }
  }
  Result<Value> r = compare_op(node.op, *a, *b);
  if (!r.ok()) return at(node, r.error().message);
  return r;
}

// SQL `in`: true when an item equals; else null when the value or an item is null.
Result<Value> membership(const Node& node, const Value& v, std::span<const Value> items,
                         bool saw_null) {
  for (const Value& item : items) {
    Result<std::optional<std::weak_ordering>> c = compare(v, item);
    if (!c.ok()) return at(node, c.error().message);
    if (!*c) saw_null = true;
    else if (**c == 0) return Value::boolean(!node.negated);
  }
  if (saw_null) return Value::null();
  return Value::boolean(node.negated);
}

Result<Value> run_in(const Code& code, const Node& node, const Frame& f) {
  Result<Value> v = run_node(code, node.kids[0], f);
  if (!v.ok() || v->is_null()) return v;
  switch (node.kind) {
    case NodeKind::in_set: {
      const InSet& set = *node.set;
      if (set.hash_kind && v->kind() == *set.hash_kind) {
        if (set.hashed.count(*v)) return Value::boolean(!node.negated);
        return set.has_null ? Value::null() : Value::boolean(node.negated);
      }
      return membership(node, *v, set.items, false);
    }
    case NodeKind::in_value: {
      Result<Value> list = run_node(code, node.kids[1], f);
      if (!list.ok()) return list;
      if (list->is_null()) return Value::null();
      if (list->kind() != ValueKind::list)
        return at(node, "the right side of `in` must be a list, found " + describe_value(*list));
      return membership(node, *v, list->as_list(), false);
    }
    default: {
      std::vector<Value> items;
      items.reserve(node.kids.size() - 1);
      for (size_t i = 1; i < node.kids.size(); ++i) {
        Result<Value> item = run_node(code, node.kids[i], f);
        if (!item.ok()) return item;
        items.push_back(std::move(*item));
      }
      return membership(node, *v, items, false);
    }
  }
}

Result<Value> run_matches(const Code& code, const Node& node, const Frame& f) {
  Result<Value> v = run_node(code, node.kids[0], f);
  if (!v.ok() || v->is_null()) return v;
  if (v->kind() == ValueKind::list)
    return at(node, "`matches` needs text, found " + describe_value(*v));
  std::string owned;
  const std::string* subject = &owned;
  if (v->kind() == ValueKind::text) subject = &v->as_text();
  else owned = to_text(*v);
  std::shared_ptr<const Regex> re = node.regex;
  if (!re) {
    Result<Value> pattern = run_node(code, node.kids[1], f);
    if (!pattern.ok() || pattern->is_null()) return pattern;
    Result<std::shared_ptr<const Regex>> compiled = Regex::compile(to_text(*pattern));
    if (!compiled.ok()) return at(node, compiled.error().message);
    re = *compiled;
  }
  Result<bool> found = re->search(*subject);
  if (!found.ok()) return at(node, found.error().message);
  return Value::boolean(*found);
}

Result<Value> run_case(const Code& code, const Node& node, const Frame& f) {
  size_t pairs = (node.kids.size() - (node.has_else ? 1 : 0)) / 2;
  for (size_t i = 0; i < pairs; ++i) {
    Result<Value> c = run_node(code, node.kids[2 * i], f);
    if (!c.ok()) return c;
    Result<bool> t = truth(node, *c, "a `when` condition");
    if (!t.ok()) return t.take_error();
    if (*t) return run_node(code, node.kids[2 * i + 1], f);
  }
  if (node.has_else) return run_node(code, node.kids.back(), f);
  return Value::null();
}

// Evaluates and converts one argument slot; `value` stays null when the slot is absent.
Status fill_slot(const Code& code, const Node& node, size_t s, const Frame& f, Value& value) {
  const Slot& slot = node.slots[s];
  if (slot.kid < 0) return Status::success();
  uint32_t kid = node.kids[static_cast<size_t>(slot.kid)];
  // A column argument (`upper(status)`) is converted straight from the row: one copy of
  // its text per row instead of two.
  const Node& arg = code.nodes[kid];
  std::span<const Value> in = arg.kind == NodeKind::column          ? f.row
                              : arg.kind == NodeKind::source_column ? f.source
                                                                    : std::span<const Value>();
  Result<Value> converted = Value::null();
  if (arg.index < in.size()) {
    converted = convert(in[arg.index], slot.spec);
  } else {
    Result<Value> v = run_node(code, kid, f);
    if (!v.ok()) return v.take_error();
    converted = convert(*v, slot.spec);
  }
  if (!converted.ok())
    return at(node, slot.label + " of `" + node.name + "` " + converted.error().message);
  value = std::move(*converted);
  return Status::success();
}

Result<Value> run_call(const Code& code, const Node& node, const Frame& f) {
  std::array<Value, kInlineArgs> inline_values;
  std::vector<Value> heap_values;
  std::span<Value> values(inline_values.data(), node.slots.size());
  if (node.slots.size() > kInlineArgs) {
    heap_values.resize(node.slots.size());
    values = heap_values;
  }
  for (size_t s = 0; s < node.slots.size(); ++s) {
    Status st = fill_slot(code, node, s, f, values[s]);
    if (!st.ok()) return st.error();
    if (node.impl->null_in_null_out && values[s].is_null() && node.slots[s].kid >= 0)
      return Value::null();
  }
  Result<Value> r = node.impl->run(Args{values, node.given, node.prepared.get()});
  if (!r.ok()) return at(node, r.error().message);
  return r;
}

// LazyArgs over a call node: each slot is evaluated when the built-in asks for it.
class NodeArgs final : public LazyArgs {
 public:
  NodeArgs(const Code& code, const Node& node, const Frame& f) : code_(code), node_(node), f_(f) {}
  size_t size() const override { return node_.slots.size() + node_.extra_slots; }
  bool given(size_t slot) const override {
    return slot >= node_.slots.size() || node_.slots[slot].kid >= 0;
  }
  Result<Value> get(size_t slot) const override {
    if (slot >= size()) return Value::null();
    Result<Value> v = Value::null();
    if (slot >= node_.slots.size()) {  // a map's value, after the slots
      size_t kid = node_.kids.size() - node_.extra_slots + (slot - node_.slots.size());
      v = run_node(code_, node_.kids[kid], f_);
    } else if (Status st = fill_slot(code_, node_, slot, f_, *v); !st.ok()) {
      v = st.error();
    }
    if (!v.ok()) argument_failed = true;
    return v;
  }
  const Prepared* prepared() const override { return node_.prepared.get(); }

  // Set when an argument's evaluation failed: its error already names its expression.
  mutable bool argument_failed = false;

 private:
  const Code& code_;
  const Node& node_;
  const Frame& f_;
};

Result<Value> run_lazy_call(const Code& code, const Node& node, const Frame& f) {
  NodeArgs args(code, node, f);
  Result<Value> r = node.impl->run_lazy(args);
  if (!r.ok() && !args.argument_failed) return at(node, r.error().message);
  return r;
}

Result<Value> run_user_call(const Code& code, const Node& node, const Frame& f) {
  std::vector<Value> locals(node.kids.size());
  for (size_t i = 0; i < node.kids.size(); ++i) {
    Result<Value> v = run_node(code, node.kids[i], f);
    if (!v.ok()) return v;
    Result<Value> converted = convert_to_type(*v, node.param_types[i]);
    if (!converted.ok())
      return at(node, "argument " + std::to_string(i + 1) + " of `" + node.name + "` " +
                          converted.error().message);
    locals[i] = std::move(*converted);
  }
  Result<Value> r = run_node(code, node.index, Frame{f.row, f.source, locals});
  if (!r.ok()) return r;
  Result<Value> converted = convert_to_type(*r, node.result_type);
  if (!converted.ok()) return at(node, "the result of `" + node.name + "` " + converted.error().message);
  return converted;
}

Result<Value> run_lookup(const Code& code, const Node& node, const Frame& f) {
  Result<Value> key = run_node(code, node.kids[0], f);
  if (!key.ok() || key->is_null()) return key;  // a null reference stays null
  Result<std::optional<Value>> found = code.lookup(node.task, *key);
  if (!found.ok()) return at(node, found.error().message);
  if (*found) return std::move(**found);
  if (node.kids.size() > 1) return run_node(code, node.kids[1], f);
  return at(node, "no crosswalk entry for " + quote_input(to_text(*key)) + " in task `" +
                      node.task + "`");
}

Result<Value> run_row_value(const Node& node, std::span<const Value> row, const char* which) {
  if (node.index >= row.size())
    return at(node, std::string("the ") + which + " row has " + std::to_string(row.size()) +
                        " values, too few for this column");
  return row[node.index];
}

Result<Value> run_node(const Code& code, uint32_t n, const Frame& f) {
  const Node& node = code.nodes[n];
  switch (node.kind) {
    case NodeKind::constant: return node.constant;
    case NodeKind::column: return run_row_value(node, f.row, "current");
    case NodeKind::source_column: return run_row_value(node, f.source, "source");
    case NodeKind::local: return f.locals[node.index];
    case NodeKind::list: {
      std::vector<Value> items;
      items.reserve(node.kids.size());
      for (uint32_t k : node.kids) {
        Result<Value> v = run_node(code, k, f);
        if (!v.ok()) return v;
        items.push_back(std::move(*v));
      }
      return Value::list(std::move(items));
    }
    case NodeKind::neg:
    case NodeKind::plus: {
      Result<Value> v = run_node(code, node.kids[0], f);
      if (!v.ok()) return v;
      Result<Value> r = node.kind == NodeKind::neg ? negate(*v) : unary_plus(*v);
      if (!r.ok()) return at(node, r.error().message);
      return r;
    }
    case NodeKind::not_: {
      Result<Value> v = run_node(code, node.kids[0], f);
      if (!v.ok() || v->is_null()) return v;
      if (v->kind() != ValueKind::bool_)
        return at(node, "`not` needs a bool, found " + describe_value(*v));
      return Value::boolean(!v->as_bool());
    }
    case NodeKind::arith: {
      Result<Value> a = run_node(code, node.kids[0], f);
      if (!a.ok()) return a;
      Result<Value> b = run_node(code, node.kids[1], f);
      if (!b.ok()) return b;
      Result<Value> r = arithmetic(node.op, *a, *b);
      if (!r.ok()) return at(node, r.error().message);
      return r;
    }
    case NodeKind::concat: {
      Result<Value> a = run_node(code, node.kids[0], f);
      if (!a.ok()) return a;
      Result<Value> b = run_node(code, node.kids[1], f);
      if (!b.ok()) return b;
      return eval::concat(*a, *b);
    }
    case NodeKind::compare: return run_compare(code, node, f);
    case NodeKind::and_:
    case NodeKind::or_: return run_logic(code, node, f);
    case NodeKind::in_items:
    case NodeKind::in_set:
    case NodeKind::in_value: return run_in(code, node, f);
    case NodeKind::is_null: {
      Result<Value> v = run_node(code, node.kids[0], f);
      if (!v.ok()) return v;
      return Value::boolean(v->is_null() != node.negated);
    }
    case NodeKind::matches: return run_matches(code, node, f);
    case NodeKind::case_: return run_case(code, node, f);
    case NodeKind::call: return run_call(code, node, f);
    case NodeKind::call_lazy: return run_lazy_call(code, node, f);
    case NodeKind::user_call: return run_user_call(code, node, f);
    case NodeKind::lookup: return run_lookup(code, node, f);
  }
  return Value::null();
}

// ------------------------------------------------------------------ compiling

// Which slot each argument of a call fills, by the signature's rules (as analysis binds).
struct Binding {
  std::vector<const Expr*> slot_expr;  // per slot (fixed parameters, then `MORE` values)
  std::vector<std::string> labels;
  std::vector<size_t> slot_param;      // per slot: the signature parameter
};

Result<Binding> bind_arguments(const Expr& call, const Signature& sig) {
  std::vector<size_t> positional;
  std::optional<size_t> more;
  size_t fixed = 0;
  for (size_t i = 0; i < sig.params.size(); ++i) {
    Presence p = sig.params[i].presence;
    if (p == Presence::more) more = i;
    else ++fixed;
    if (p == Presence::required || p == Presence::optional) positional.push_back(i);
  }
  Binding b;
  b.slot_expr.assign(fixed, nullptr);
  b.labels.resize(fixed);
  for (size_t i = 0; i < fixed; ++i) b.slot_param.push_back(i);  // `MORE` is last
  for (size_t k = 0; k < call.args.size(); ++k) {
    const Expr* arg = call.args[k].get();
    if (!arg) return Error{"an incomplete expression cannot be evaluated"};
    std::string label = "argument " + std::to_string(k + 1);
    if (k < positional.size()) {
      b.slot_expr[positional[k]] = arg;
      b.labels[positional[k]] = label;
    } else if (more) {
      b.slot_expr.push_back(arg);
      b.labels.push_back(label);
      b.slot_param.push_back(*more);
    } else {
      size_t most = positional.size();
      return Error{"`" + sig.name + "` takes at most " + std::to_string(most) +
                   (most == 1 ? " argument" : " arguments") + " by position, but " +
                   std::to_string(call.args.size()) + " were given"};
    }
  }
  for (const NamedArg& arg : call.named) {
    size_t p = 0;
    while (p < fixed && sig.params[p].name != arg.name.text) ++p;
    if (p == fixed) return Error{"`" + sig.name + "` has no argument named `" + arg.name.text + "`"};
    if (b.slot_expr[p]) return Error{"argument `" + arg.name.text + "` is given twice"};
    if (!arg.value) return Error{"an incomplete expression cannot be evaluated"};
    b.slot_expr[p] = arg.value.get();
    b.labels[p] = "argument `" + arg.name.text + "`";
  }
  for (size_t i = 0; i < fixed; ++i)
    if (!b.slot_expr[i] && sig.params[i].presence == Presence::required)
      return Error{"`" + sig.name + "` needs its argument `" + sig.params[i].name + "`"};
  return b;
}

std::shared_ptr<const InSet> make_set(std::vector<Value> items) {
  auto set = std::make_shared<InSet>();
  std::optional<ValueKind> kind;
  bool one_kind = true;
  for (const Value& v : items) {
    if (v.is_null()) {
      set->has_null = true;
      continue;
    }
    if (kind && *kind != v.kind()) one_kind = false;
    kind = v.kind();
  }
  // Key equality is SQL equality within one kind, except for floats (NaN) and lists.
  if (kind && one_kind && *kind != ValueKind::float_ && *kind != ValueKind::list) {
    set->hash_kind = kind;
    for (const Value& v : items)
      if (!v.is_null()) set->hashed.insert(v);
  }
  set->items = std::move(items);
  return set;
}

// Reads of a text constant as each other kind, for `created_at >= "2024-01-01"`.
std::shared_ptr<const TextReads> make_reads(const std::string& text) {
  auto reads = std::make_shared<TextReads>();
  for (size_t k = 0; k < kKinds; ++k) {
    ValueKind kind = static_cast<ValueKind>(k);
    if (kind == ValueKind::null || kind == ValueKind::text || kind == ValueKind::list) continue;
    Result<Value> v = text_as(text, kind);
    if (v.ok()) (*reads)[k] = std::move(*v);
  }
  return reads;
}

class Compiler {
 public:
  Compiler(const EvalScope& scope, Code& code) : scope_(scope), code_(code) {}

  Result<uint32_t> compile(const Expr& e);

 private:
  // A user function's parameters while its body is compiled.
  struct FnContext {
    std::string name;
    std::vector<std::string> params;
  };

  uint32_t add(Node node) {
    code_.nodes.push_back(std::move(node));
    return static_cast<uint32_t>(code_.nodes.size() - 1);
  }
  Node make(NodeKind kind, const Expr& e) {
    Node n;
    n.kind = kind;
    n.text = shown(e);
    return n;
  }
  uint32_t constant(const Expr& e, Value v) {
    Node n = make(NodeKind::constant, e);
    n.constant = std::move(v);
    return add(std::move(n));
  }
  const Node& node(uint32_t i) const { return code_.nodes[i]; }
  bool is_constant(uint32_t i) const { return node(i).kind == NodeKind::constant; }
  // Adds `n`; evaluates it now when every child is a constant and it may be folded.
  uint32_t add_folding(Node n);
  Result<std::vector<uint32_t>> compile_all(const std::vector<ExprPtr>& exprs);

  Result<uint32_t> literal(const Expr& e);
  Result<uint32_t> name(const Expr& e);
  Result<uint32_t> param(const Expr& e);
  Result<uint32_t> unary(const Expr& e);
  Result<uint32_t> binary(const Expr& e);
  Result<uint32_t> in(const Expr& e);
  Result<uint32_t> matches(const Expr& e);
  Result<uint32_t> case_(const Expr& e);
  Result<uint32_t> call(const Expr& e);
  Result<uint32_t> builtin_call(const Expr& e, const Builtin& b);
  Result<uint32_t> user_call(const Expr& e, const Function& fn);
  Result<uint32_t> lookup(const Expr& e);
  Status map_argument(const Expr* map, Node& n, std::vector<uint32_t>& values);
  // Runs the built-in's prepare() on the call's constant arguments.
  Status prepare(Node& n);

  const EvalScope& scope_;
  Code& code_;
  std::vector<FnContext> fns_;  // the innermost is the function being compiled
};

uint32_t Compiler::add_folding(Node n) {
  bool foldable = n.kind != NodeKind::lookup && n.kind != NodeKind::column &&
                  n.kind != NodeKind::source_column && n.kind != NodeKind::local &&
                  (!n.impl || n.impl->deterministic);
  for (uint32_t k : n.kids) foldable = foldable && is_constant(k);
  if (n.kind == NodeKind::user_call) foldable = false;  // its body reads locals
  uint32_t i = add(std::move(n));
  if (!foldable) return i;
  Result<Value> v = run_node(code_, i, Frame{});
  if (!v.ok()) return i;  // a constant error stays an error of each row
  Node& folded = code_.nodes[i];
  folded.kind = NodeKind::constant;
  folded.constant = std::move(*v);
  folded.kids.clear();
  return i;
}

Result<std::vector<uint32_t>> Compiler::compile_all(const std::vector<ExprPtr>& exprs) {
  std::vector<uint32_t> out;
  for (const ExprPtr& x : exprs) {
    if (!x) return Error{"an incomplete expression cannot be evaluated"};
    Result<uint32_t> k = compile(*x);
    if (!k.ok()) return k.take_error();
    out.push_back(*k);
  }
  return out;
}

Result<uint32_t> Compiler::compile(const Expr& e) {
  switch (e.kind) {
    case ExprKind::literal: return literal(e);
    case ExprKind::name: return name(e);
    case ExprKind::param: return param(e);
    case ExprKind::list: {
      Result<std::vector<uint32_t>> kids = compile_all(e.args);
      if (!kids.ok()) return kids.take_error();
      Node n = make(NodeKind::list, e);
      n.kids = std::move(*kids);
      return add_folding(std::move(n));
    }
    case ExprKind::map:
      return Error{"a map such as `" + shown(e) + "` is only meaningful as the table of `translate`"};
    case ExprKind::unary: return unary(e);
    case ExprKind::binary: return binary(e);
    case ExprKind::in: return in(e);
    case ExprKind::is_null: {
      if (e.args.empty() || !e.args[0]) return Error{"an incomplete expression cannot be evaluated"};
      Result<uint32_t> v = compile(*e.args[0]);
      if (!v.ok()) return v;
      Node n = make(NodeKind::is_null, e);
      n.negated = e.negated;
      n.kids = {*v};
      return add_folding(std::move(n));
    }
    case ExprKind::matches: return matches(e);
    case ExprKind::case_: return case_(e);
    case ExprKind::call: return call(e);
  }
  return Error{"an unknown kind of expression cannot be evaluated"};
}

Result<uint32_t> Compiler::literal(const Expr& e) {
  switch (e.lit) {
    case LiteralKind::null: return constant(e, Value::null());
    case LiteralKind::bool_: return constant(e, Value::boolean(e.value == "true"));
    case LiteralKind::string: return constant(e, Value::text(e.value));
    case LiteralKind::int_:
    case LiteralKind::decimal:
    case LiteralKind::float_: {
      ValueKind kind = e.lit == LiteralKind::int_       ? ValueKind::int_
                       : e.lit == LiteralKind::decimal ? ValueKind::decimal
                                                       : ValueKind::float_;
      Result<Value> v = parse_value(e.value, kind);
      if (!v.ok()) return Error{"number `" + e.text + "` does not fit: " + v.error().message};
      return constant(e, std::move(*v));
    }
    case LiteralKind::percent: return Error{"a percentage is only meaningful in `expect rejects`"};
  }
  return Error{"an unknown literal cannot be evaluated"};
}

// "unknown column `emial`; did you mean `email`?"
Error unknown(const std::string& what, const std::string& name,
              const std::vector<std::string>& candidates) {
  std::string message = "unknown " + what + " `" + name + "`";
  std::string close;
  for (const std::string& c : candidates) {  // a difference of case first
    bool same = c.size() == name.size();
    for (size_t i = 0; same && i < c.size(); ++i)
      same = std::tolower(static_cast<unsigned char>(c[i])) ==
             std::tolower(static_cast<unsigned char>(name[i]));
    if (same) close = c;
  }
  if (close.empty()) close = closest_name(name, candidates);
  if (!close.empty()) message += "; did you mean `" + close + "`?";
  return Error{message};
}

std::optional<uint32_t> find_index(const std::vector<std::string>& names, const std::string& n) {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == n) return static_cast<uint32_t>(i);
  return std::nullopt;
}

Result<uint32_t> Compiler::name(const Expr& e) {
  if (e.path.empty()) return Error{"an empty name cannot be evaluated"};
  const std::string& first = e.path[0].text;
  if (!fns_.empty()) {  // a function body sees only its parameters
    const FnContext& fn = fns_.back();
    std::optional<uint32_t> i = e.path.size() == 1 ? find_index(fn.params, first) : std::nullopt;
    if (!i) return unknown("name", shown(e), fn.params);
    Node n = make(NodeKind::local, e);
    n.index = *i;
    return add(std::move(n));
  }
  bool source_path = e.path.size() == 2 && first == "source" && !e.path[0].quoted;
  if (e.path.size() == 1) {
    std::optional<uint32_t> i = find_index(scope_.columns, first);
    if (!i) return unknown("column", first, scope_.columns);
    Node n = make(NodeKind::column, e);
    n.index = *i;
    return add(std::move(n));
  }
  if (!source_path) return Error{"unknown name `" + shown(e) + "`: a column is a plain name, or `source.NAME`"};
  const std::string& col = e.path[1].text;
  bool target = scope_.row == EvalScope::RowKind::target;
  const std::vector<std::string>& names = target ? scope_.source_columns : scope_.columns;
  std::optional<uint32_t> i = find_index(names, col);
  if (!i) return unknown("source column", col, names);
  Node n = make(target ? NodeKind::source_column : NodeKind::column, e);
  n.index = *i;
  return add(std::move(n));
}

Result<uint32_t> Compiler::param(const Expr& e) {
  std::vector<std::string> names;
  if (scope_.params) {
    auto it = scope_.params->find(e.text);
    if (it != scope_.params->end()) return constant(e, it->second);
    for (const auto& [k, v] : *scope_.params) names.push_back(k);
  }
  Error err = unknown("parameter", "$" + e.text, {});
  std::string close = closest_name(e.text, names);
  if (!close.empty()) err.message += "; did you mean `$" + close + "`?";
  return err;
}

Result<uint32_t> Compiler::unary(const Expr& e) {
  if (e.args.empty() || !e.args[0]) return Error{"an incomplete expression cannot be evaluated"};
  Result<uint32_t> v = compile(*e.args[0]);
  if (!v.ok()) return v;
  NodeKind kind = e.op == Op::not_ ? NodeKind::not_ : e.op == Op::neg ? NodeKind::neg : NodeKind::plus;
  Node n = make(kind, e);
  n.kids = {*v};
  return add_folding(std::move(n));
}

Result<uint32_t> Compiler::binary(const Expr& e) {
  if (e.args.size() < 2) return Error{"an incomplete expression cannot be evaluated"};
  Result<std::vector<uint32_t>> kids = compile_all(e.args);
  if (!kids.ok()) return kids.take_error();
  NodeKind kind;
  switch (e.op) {
    case Op::add: case Op::sub: case Op::mul: case Op::div: case Op::mod:
      kind = NodeKind::arith;
      break;
    case Op::concat: kind = NodeKind::concat; break;
    case Op::eq: case Op::ne: case Op::lt: case Op::le: case Op::gt: case Op::ge:
      kind = NodeKind::compare;
      break;
    case Op::and_: kind = NodeKind::and_; break;
    case Op::or_: kind = NodeKind::or_; break;
    default: return Error{"an unknown operator cannot be evaluated"};
  }
  Node n = make(kind, e);
  n.op = e.op;
  n.kids = std::move(*kids);
  if (kind == NodeKind::compare && is_constant(n.kids[0]) != is_constant(n.kids[1])) {
    n.const_left = is_constant(n.kids[0]);
    const Value& c = node(n.kids[n.const_left ? 0 : 1]).constant;
    if (c.kind() == ValueKind::text) n.reads = make_reads(c.as_text());
  }
  return add_folding(std::move(n));
}

Result<uint32_t> Compiler::in(const Expr& e) {
  if (e.args.size() < 2 || !e.args[0] || !e.args[1])
    return Error{"an incomplete expression cannot be evaluated"};
  Result<uint32_t> v = compile(*e.args[0]);
  if (!v.ok()) return v;
  Node n = make(NodeKind::in_value, e);
  n.negated = e.negated;
  n.kids = {*v};
  const Expr& rhs = *e.args[1];
  std::vector<uint32_t> items;
  if (rhs.kind == ExprKind::list) {
    Result<std::vector<uint32_t>> compiled = compile_all(rhs.args);
    if (!compiled.ok()) return compiled.take_error();
    items = std::move(*compiled);
  } else {
    Result<uint32_t> list = compile(rhs);
    if (!list.ok()) return list;
    if (!is_constant(*list)) {
      n.kids.push_back(*list);
      return add(std::move(n));
    }
    const Value& c = node(*list).constant;
    if (c.is_null()) return constant(e, Value::null());
    if (c.kind() != ValueKind::list)
      return Error{"the right side of `in` must be a list such as `[1, 2]`, found " + describe_value(c)};
    n.kind = NodeKind::in_set;
    n.set = make_set(c.as_list());
    return add_folding(std::move(n));
  }
  bool all_constant = true;
  for (uint32_t i : items) all_constant = all_constant && is_constant(i);
  if (all_constant) {
    std::vector<Value> values;
    for (uint32_t i : items) values.push_back(node(i).constant);
    n.kind = NodeKind::in_set;
    n.set = make_set(std::move(values));
    return add_folding(std::move(n));
  }
  n.kind = NodeKind::in_items;
  n.kids.insert(n.kids.end(), items.begin(), items.end());
  return add(std::move(n));
}

Result<uint32_t> Compiler::matches(const Expr& e) {
  if (e.args.size() < 2) return Error{"an incomplete expression cannot be evaluated"};
  Result<std::vector<uint32_t>> kids = compile_all(e.args);
  if (!kids.ok()) return kids.take_error();
  Node n = make(NodeKind::matches, e);
  n.kids = std::move(*kids);
  const Node& pattern = node(n.kids[1]);
  if (pattern.kind == NodeKind::constant && !pattern.constant.is_null()) {
    Result<std::shared_ptr<const Regex>> re = Regex::compile(to_text(pattern.constant));
    if (!re.ok()) return re.take_error();
    n.regex = *re;
  }
  return add_folding(std::move(n));
}

Result<uint32_t> Compiler::case_(const Expr& e) {
  Node n = make(NodeKind::case_, e);
  for (const WhenClause& w : e.whens) {
    if (!w.condition || !w.value) return Error{"an incomplete expression cannot be evaluated"};
    Result<uint32_t> c = compile(*w.condition);
    if (!c.ok()) return c;
    Result<uint32_t> v = compile(*w.value);
    if (!v.ok()) return v;
    n.kids.push_back(*c);
    n.kids.push_back(*v);
  }
  if (e.else_value) {
    Result<uint32_t> v = compile(*e.else_value);
    if (!v.ok()) return v;
    n.kids.push_back(*v);
    n.has_else = true;
  }
  return add_folding(std::move(n));
}

Result<uint32_t> Compiler::call(const Expr& e) {
  const std::string& fname = e.callee.text;
  if (scope_.plan) {
    auto user = scope_.plan->functions.find(fname);
    if (user != scope_.plan->functions.end()) return user_call(e, user->second);
  }
  const Builtin* b = find_builtin(fname);
  if (!b) {
    std::vector<std::string> names;
    for (const Builtin& candidate : builtins())
      if (find_impl(candidate.id)) names.push_back(candidate.signature.name);
    if (scope_.plan)
      for (const auto& [k, v] : scope_.plan->functions) names.push_back(k);
    return unknown("function", fname, names);
  }
  if (b->id == BuiltinId::lookup) return lookup(e);
  if (b->id == BuiltinId::now && scope_.now_micros)
    return constant(e, Value::timestamptz(TimestampTz{*scope_.now_micros}));
  return builtin_call(e, *b);
}

// A MAP argument: its keys (constants) become one list value, its values extra lazy slots.
Status Compiler::map_argument(const Expr* map, Node& n, std::vector<uint32_t>& values) {
  if (!map || map->kind != ExprKind::map)
    return Error{"the table of `" + n.name + "` must be a map such as `{\"a\": 1}`"};
  std::vector<Value> keys;
  for (const MapEntry& entry : map->entries) {
    if (!entry.key || !entry.value) return Error{"an incomplete expression cannot be evaluated"};
    Result<uint32_t> k = compile(*entry.key);
    if (!k.ok()) return k.take_error();
    if (!is_constant(*k))
      return Error{"the keys of `" + n.name + "`'s map must be constants, not `" + shown(*entry.key) + "`"};
    keys.push_back(node(*k).constant);
    Result<uint32_t> v = compile(*entry.value);
    if (!v.ok()) return v.take_error();
    values.push_back(*v);
  }
  n.kids.push_back(constant(*map, Value::list(std::move(keys))));
  return Status::success();
}

Result<uint32_t> Compiler::builtin_call(const Expr& e, const Builtin& b) {
  const BuiltinImpl* impl = find_impl(b.id);
  if (!impl) {
    if (b.group == BuiltinGroup::connector || b.group == BuiltinGroup::config ||
        b.group == BuiltinGroup::aggregate)
      return Error{"`" + b.signature.name + "` cannot be used in a row expression"};
    return Error{"`" + b.signature.name + "` is not available in this build of migrun"};
  }
  Result<Binding> bound = bind_arguments(e, b.signature);
  if (!bound.ok()) return bound.take_error();
  Node n = make(impl->run_lazy ? NodeKind::call_lazy : NodeKind::call, e);
  n.name = b.signature.name;
  n.impl = impl;
  std::vector<uint32_t> map_values;
  for (size_t s = 0; s < bound->slot_expr.size(); ++s) {
    const ParamSpec& param = b.signature.params[bound->slot_param[s]];
    Slot slot{-1, param.type, bound->labels[s]};
    const Expr* arg = bound->slot_expr[s];
    if (param.type.rule == TypeRule::map) {
      if (arg) {
        Status st = map_argument(arg, n, map_values);
        if (!st.ok()) return st.error();
        slot.kid = static_cast<int>(n.kids.size() - 1);
      }
      slot.spec = TypeSpec{};
    } else if (arg) {
      Result<uint32_t> k = compile(*arg);
      if (!k.ok()) return k;
      n.kids.push_back(*k);
      slot.kid = static_cast<int>(n.kids.size() - 1);
    }
    if (slot.kid >= 0 && s < 64) n.given |= uint64_t{1} << s;
    n.slots.push_back(std::move(slot));
  }
  n.extra_slots = static_cast<uint32_t>(map_values.size());
  n.kids.insert(n.kids.end(), map_values.begin(), map_values.end());
  if (Status st = prepare(n); !st.ok()) return st.error();
  if (!impl->deterministic) code_.deterministic = false;
  return add_folding(std::move(n));
}

Status Compiler::prepare(Node& n) {
  if (!n.impl->prepare) return Status::success();
  std::vector<const Value*> constants;
  for (const Slot& slot : n.slots) {
    const Value* c = nullptr;
    uint32_t kid = slot.kid >= 0 ? n.kids[static_cast<size_t>(slot.kid)] : 0;
    if (slot.kid >= 0 && is_constant(kid)) {
      // Converted here once, so that rows and prepare() see the parameter's type.
      Result<Value> converted = convert(node(kid).constant, slot.spec);
      if (converted.ok()) {
        code_.nodes[kid].constant = std::move(*converted);
        c = &node(kid).constant;
      }
    }
    constants.push_back(c);
  }
  Result<PreparedPtr> prepared = n.impl->prepare(constants);
  if (!prepared.ok()) return prepared.take_error();
  n.prepared = std::move(*prepared);
  return Status::success();
}

Result<uint32_t> Compiler::user_call(const Expr& e, const Function& fn) {
  if (!fn.decl || !fn.decl->value) return Error{"function `" + fn.name + "` has no body"};
  if (fns_.size() >= static_cast<size_t>(kMaxFnDepth))
    return Error{"function `" + fn.name + "` is nested too deeply (a function calling itself?)"};
  const auto& params = fn.decl->fn_params;
  if (!e.named.empty()) return Error{"`" + fn.name + "` takes no named arguments"};
  if (e.args.size() != params.size())
    return Error{"`" + fn.name + "` takes " + std::to_string(params.size()) + " arguments, but " +
                 std::to_string(e.args.size()) + " were given"};
  Result<std::vector<uint32_t>> args = compile_all(e.args);
  if (!args.ok()) return args.take_error();
  FnContext context{fn.name, {}};
  for (const FnParam& p : params) context.params.push_back(p.name.text);
  fns_.push_back(std::move(context));
  Result<uint32_t> body = compile(*fn.decl->value);
  fns_.pop_back();
  if (!body.ok()) return body.take_error();
  Node n = make(NodeKind::user_call, e);
  n.name = fn.name;
  n.kids = std::move(*args);
  n.index = *body;
  n.param_types = fn.param_types;
  n.param_types.resize(params.size());
  n.result_type = fn.result;
  return add_folding(std::move(n));
}

Result<uint32_t> Compiler::lookup(const Expr& e) {
  if (!scope_.lookup) return Error{"`lookup` is only available in the expressions of a task"};
  const Builtin& b = builtin(BuiltinId::lookup);
  Result<Binding> bound = bind_arguments(e, b.signature);
  if (!bound.ok()) return bound.take_error();
  const Expr* task = bound->slot_expr[0];
  if (task->kind != ExprKind::name || task->path.size() != 1)
    return Error{"the first argument of `lookup` must name a task"};
  Result<uint32_t> key = compile(*bound->slot_expr[1]);
  if (!key.ok()) return key;
  Node n = make(NodeKind::lookup, e);
  n.task = task->path[0].text;
  n.kids = {*key};
  if (const Expr* def = bound->slot_expr[2]) {
    Result<uint32_t> d = compile(*def);
    if (!d.ok()) return d;
    n.kids.push_back(*d);
  }
  code_.lookup = scope_.lookup;
  return add(std::move(n));
}

}  // namespace

const BuiltinImpl* find_impl(BuiltinId id) {
  using Finder = const BuiltinImpl* (*)(BuiltinId);
  for (Finder find : {text_impl, numbers_impl, choice_impl, time_impl, ids_impl, json_impl,
                      secrets_impl})
    if (const BuiltinImpl* impl = find(id)) return impl;
  return nullptr;
}

}  // namespace eval

Result<Program> compile_expr(const Expr& e, const EvalScope& scope) {
  auto code = std::make_shared<eval::Code>();
  eval::Compiler compiler(scope, *code);
  Result<uint32_t> root = compiler.compile(e);
  if (!root.ok()) return root.take_error();
  code->root = *root;
  code->text = format_expr(e);
  return Program(std::move(code));
}

Result<Value> Program::eval(std::span<const Value> row, std::span<const Value> source_row) const {
  return eval::run_node(*code_, code_->root, eval::Frame{row, source_row, {}});
}

Result<bool> Program::holds(std::span<const Value> row, std::span<const Value> source_row) const {
  Result<Value> v = eval(row, source_row);
  if (!v.ok()) return v.take_error();
  if (v->is_null()) return false;
  if (v->kind() == ValueKind::bool_) return v->as_bool();
  return Error{"the condition must be a bool, found " + eval::describe_value(*v) + " in `" +
               code_->nodes[code_->root].text + "`"};
}

const Value* Program::constant() const {
  const eval::Node& root = code_->nodes[code_->root];
  return root.kind == eval::NodeKind::constant ? &root.constant : nullptr;
}

bool Program::deterministic() const { return code_->deterministic; }

const std::string& Program::text() const { return code_->text; }

}  // namespace mig
