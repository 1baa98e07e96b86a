// Inserted keys kept as ranges. A copy of a table with dense integer ids inserts keys
// 1, 2, 3, ...: recording each one costs the state store a row (and the commit marker a
// JSON entry) per copied row, which was half of migrun's CPU. Keys inserted one after
// another that each follow the previous by one are recorded as one range `key..last`
// instead; every integer in it was inserted by that batch, so rollback deletes exactly
// those rows, as it would key by key.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "runtime/result.hpp"
#include "runtime/state_store.hpp"
#include "runtime/value.hpp"

namespace mig {

// Builds a batch's written keys, joining consecutive inserted integer keys into ranges;
// close() completes the list.
class WrittenKeyList {
 public:
  explicit WrittenKeyList(std::vector<WrittenKey>& out) : out_(out) {}

  // An inserted key, encoded by the caller only when it cannot join the open range.
  void inserted(std::span<const Value> key, const std::function<std::string()>& encoded);
  // Any other entry (an update with its before-image) ends the open range.
  void add(WrittenKey k);
  // Ends the open range (writes its last key); the list is then complete.
  void close();

 private:
  std::vector<WrittenKey>& out_;
  std::optional<int64_t> first_, last_;  // the open range, which is out_.back()
};

// The keys a written entry stands for: its key, or every key of its range, in order.
Status for_each_key(const WrittenKey& w, const std::function<Status(std::string)>& fn);

// How many keys an entry stands for.
Result<int64_t> key_count(const WrittenKey& w);

}  // namespace mig
