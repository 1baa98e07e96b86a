// Parameter values given as text (`--param NAME=VALUE`, `MIG_PARAM_NAME`): checked
// against the parameter's declared type and put in one canonical text form, so that the
// runtime converts them without parsing user input again.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "compiler/types.hpp"

namespace mig {

// A parsed value: one item for a scalar type, any number for `list<T>`.
struct ParamValue {
  bool is_list = false;
  // Canonical text per item: int `-7`, decimal `19.90`, bool `true`, date `2024-02-29`,
  // timestamp `2024-02-29 13:05:00`, timestamptz `... +01:00`, uuid lower-case with dashes,
  // json re-serialised, bytes lower-case hex, text unchanged.
  std::vector<std::string> items;
};

// Why a value does not parse: the bad part of the text and what was expected there.
struct ParamError {
  uint32_t offset = 0;   // byte offset of the bad part in the given text
  uint32_t length = 0;
  std::string bad;       // the bad part itself
  std::string expected;  // e.g. `int`, `date (YYYY-MM-DD)`
};

// Parses `text` as a value of `type`; lists are comma-separated (`1,2,3`, items trimmed,
// empty text = empty list). Never throws.
std::variant<ParamValue, ParamError> parse_param_value(Type type, std::string_view text);

}  // namespace mig
