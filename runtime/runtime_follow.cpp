#include "runtime/runtime_follow.hpp"

#include "runtime/convert.hpp"
#include "runtime/value_json.hpp"

namespace mig {

Result<bool> row_follows(const Row& row, const RuntimeFollow& f, StateStore& state) {
  std::vector<Value> key;
  for (size_t i = 0; i < f.columns.size(); ++i) {
    const Value& v = row[f.columns[i]];
    if (v.is_null()) return f.null_passes;  // a null reference points at no row
    Result<Value> typed = coerce(v, f.parent_types[i]);
    if (!typed) return false;  // not a value the parent's key can hold
    key.push_back(std::move(*typed));
  }
  auto hit = state.lookup_crosswalk(f.parent, encode_key(key));
  if (!hit) return Error{"following " + f.parent + ": " + hit.error().message};
  return hit->has_value();
}

}  // namespace mig
