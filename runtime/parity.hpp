// `expect parity`: every row a task's source selects, mapped as the task maps it, equals the
// row its target holds under the same key. Both sides are streamed in key order (keyset
// pages, so memory does not grow with the table), cut into key-range segments whose XXH3
// checksums are compared; a segment that differs is halved by key until the differing keys
// are found, each reported as missing (in the source, not the target), extra (in the target
// only) or changed (with the columns that differ). docs/validation.md has the details.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/bound_plan.hpp"
#include "runtime/connector.hpp"
#include "runtime/state_store.hpp"

namespace mig {

// One differing key.
struct ParityDifference {
  enum class Kind { missing, extra, changed } kind = Kind::missing;
  std::string key;                   // encode_key of the target key
  std::vector<std::string> columns;  // changed: `col: source X, target Y`
};

struct ParityResult {
  int64_t source_rows = 0;   // rows expected in the target
  int64_t excluded = 0;      // selected but rejected (check, map error, unreadable value)
  int64_t target_rows = 0;   // rows the target holds (read, or counted for a rekeying task)
  int64_t matched = 0;       // equal on both sides
  int64_t missing = 0;
  int64_t extra = 0;
  int64_t changed = 0;
  int64_t segments = 0;            // key ranges compared by checksum
  int64_t segments_differing = 0;  // of which differed
  bool by_crosswalk = false;       // a rekeying task: compared through the crosswalk
  std::vector<ParityDifference> first;  // the first differences found (at most max_listed)

  bool passed() const { return missing == 0 && extra == 0 && changed == 0; }
};

struct ParityOptions {
  int64_t segment_rows = 1000;  // rows per side in one checksummed segment
  int64_t page_rows = 5000;     // rows per keyset page read
  size_t max_listed = 10;       // differences kept with their keys
};

// Compares task `task`'s source selection with its target. An Error means parity could not
// be evaluated (a read failed, rows not in key order); differences are not errors.
Result<ParityResult> check_parity(const BoundTask& task, const CheckedPlan& plan,
                                  const std::map<std::string, Value>& params, Connector& source,
                                  Connector& target, StateStore& state,
                                  const ParityOptions& options = {});

// `12000 rows equal; 1 missing, 1 extra, 1 changed (first: missing [7], ...)`.
std::string parity_details(const ParityResult& result);
// The numbers and the first differences, for validation.json.
nlohmann::json parity_json(const ParityResult& result);

}  // namespace mig
