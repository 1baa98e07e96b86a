#include "runtime/written_keys.hpp"

#include "runtime/value_json.hpp"

namespace mig {

void WrittenKeyList::inserted(std::span<const Value> key,
                              const std::function<std::string()>& encoded) {
  bool integer = key.size() == 1 && key[0].kind() == ValueKind::int_;
  if (integer && last_ && *last_ != INT64_MAX && key[0].as_int() == *last_ + 1) {
    last_ = key[0].as_int();
    return;
  }
  close();
  out_.push_back(WrittenKey{encoded(), WriteAction::inserted, std::nullopt, std::nullopt});
  if (integer) first_ = last_ = key[0].as_int();
}

void WrittenKeyList::add(WrittenKey k) {
  close();
  out_.push_back(std::move(k));
}

void WrittenKeyList::close() {
  if (last_ && *last_ != *first_) {
    Value v = Value::integer(*last_);
    out_.back().last = encode_key(std::span<const Value>(&v, 1));
  }
  first_.reset();
  last_.reset();
}

namespace {

// The first and last integer of a range entry.
Result<std::pair<int64_t, int64_t>> bounds(const WrittenKey& w) {
  auto first = decode_key(w.key);
  if (!first) return first.take_error();
  auto last = decode_key(*w.last);
  if (!last) return last.take_error();
  if (first->size() != 1 || last->size() != 1 || (*first)[0].kind() != ValueKind::int_ ||
      (*last)[0].kind() != ValueKind::int_ || (*last)[0].as_int() < (*first)[0].as_int())
    return Error{"a written key range " + w.key + ".." + *w.last + " is not a range of integers"};
  return std::pair{(*first)[0].as_int(), (*last)[0].as_int()};
}

}  // namespace

Status for_each_key(const WrittenKey& w, const std::function<Status(std::string)>& fn) {
  if (!w.last) return fn(w.key);
  auto b = bounds(w);
  if (!b) return b.error();
  for (int64_t i = b->first;; ++i) {
    Value v = Value::integer(i);
    if (Status s = fn(encode_key(std::span<const Value>(&v, 1))); !s.ok()) return s;
    if (i == b->second) return Status::success();
  }
}

Result<int64_t> key_count(const WrittenKey& w) {
  if (!w.last) return int64_t(1);
  auto b = bounds(w);
  if (!b) return b.take_error();
  return b->second - b->first + 1;
}

}  // namespace mig
