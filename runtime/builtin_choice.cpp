// Null and choice built-ins: coalesce, nullif, if, translate. The first three follow SQL;
// `translate` looks a value up in a constant map:
// - a match gives the map's value (compared as `==` does: `"1"` matches the int 1);
// - null stays null, unless the map has a `null` key;
// - no match gives `default:` when it is written, and is otherwise an error on that row
//   ("no translation for ..."), so that no value is silently passed through or lost.
#include <unordered_map>

#include "runtime/builtin_impl.hpp"
#include "runtime/eval_ops.hpp"

namespace mig::eval {
namespace {

Result<Value> coalesce(const LazyArgs& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    Result<Value> v = args.get(i);
    if (!v.ok() || !v->is_null()) return v;
  }
  return Value::null();
}

Result<Value> if_(const LazyArgs& args) {
  Result<Value> c = args.get(0);
  if (!c.ok()) return c;
  bool yes = !c->is_null() && c->as_bool();  // converted to bool; null is not true
  return args.get(yes ? 1 : 2);
}

Result<Value> nullif(const Args& args) {
  const Value& a = args[0];
  const Value& b = args[1];
  if (a.is_null() || b.is_null()) return a;
  Result<std::optional<std::weak_ordering>> c = compare(a, b);
  if (!c.ok()) return c.take_error();
  return *c && **c == 0 ? Value::null() : a;
}

// translate's map keys, ready for lookups.
struct TranslateTable {
  std::vector<Value> keys;
  std::unordered_map<Value, size_t, ValueHash> hashed;  // keys of `hash_kind`
  std::optional<ValueKind> hash_kind;
  std::optional<size_t> null_key;

  // The index of the key equal to `v` (not null), or nullopt.
  Result<std::optional<size_t>> find(const Value& v) const {
    if (hash_kind && v.kind() == *hash_kind) {
      auto it = hashed.find(v);
      if (it != hashed.end()) return std::optional<size_t>(it->second);
      return std::optional<size_t>();
    }
    for (size_t i = 0; i < keys.size(); ++i) {
      Result<std::optional<std::weak_ordering>> c = compare(v, keys[i]);
      if (!c.ok()) return c.take_error();
      if (*c && **c == 0) return std::optional<size_t>(i);
    }
    return std::optional<size_t>();
  }
};

Result<PreparedPtr> prepare_translate(Constants constants) {
  if (constants.size() < 2 || !constants[1] || constants[1]->kind() != ValueKind::list)
    return Error{"the table of `translate` must be a map such as `{\"a\": \"A\"}`"};
  TranslateTable table;
  table.keys = constants[1]->as_list();
  bool one_kind = true;
  for (size_t i = 0; i < table.keys.size(); ++i) {
    const Value& k = table.keys[i];
    if (k.is_null()) {
      if (!table.null_key) table.null_key = i;
      continue;
    }
    if (table.hash_kind && *table.hash_kind != k.kind()) one_kind = false;
    table.hash_kind = k.kind();
  }
  if (!one_kind || table.hash_kind == ValueKind::float_ || table.hash_kind == ValueKind::list)
    table.hash_kind.reset();
  if (table.hash_kind)
    for (size_t i = 0; i < table.keys.size(); ++i)
      if (!table.keys[i].is_null()) table.hashed.emplace(table.keys[i], i);  // first wins
  return PreparedPtr(std::make_shared<PreparedValue<TranslateTable>>(std::move(table)));
}

Result<Value> translate(const LazyArgs& args) {
  const TranslateTable* table = prepared_as<TranslateTable>(args.prepared());
  if (!table) return Error{"`translate` was not prepared"};
  size_t first_value = args.size() - table->keys.size();
  Result<Value> v = args.get(0);
  if (!v.ok()) return v;
  if (v->is_null()) return table->null_key ? args.get(first_value + *table->null_key) : *v;
  Result<std::optional<size_t>> i = table->find(*v);
  if (!i.ok()) return i.take_error();
  if (*i) return args.get(first_value + **i);
  if (args.given(2)) return args.get(2);
  return Error{"no translation for " + describe_value(*v) +
               " (give `default:` for values the map does not list)"};
}

const BuiltinImpl kCoalesce{nullptr, coalesce, nullptr, false, true};
const BuiltinImpl kIf{nullptr, if_, nullptr, false, true};
const BuiltinImpl kNullif{nullif, nullptr, nullptr, false, true};
const BuiltinImpl kTranslate{nullptr, translate, prepare_translate, false, true};

}  // namespace

const BuiltinImpl* choice_impl(BuiltinId id) {
  switch (id) {
    case BuiltinId::coalesce: return &kCoalesce;
    case BuiltinId::if_: return &kIf;
    case BuiltinId::nullif: return &kNullif;
    case BuiltinId::translate: return &kTranslate;
    default: return nullptr;
  }
}

}  // namespace mig::eval
