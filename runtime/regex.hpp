// Regular expressions for `matches` and `regex_replace` (PCRE2): compiled once per
// expression (JIT when the platform has it) and bounded by match limits, so that a hostile
// value cannot hang a run; a limit reached is an error on that row, never a wrong answer.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/result.hpp"

namespace mig {

// One compiled pattern; immutable, shareable between threads.
//
// Semantics (as users of RE2/PCRE expect): `matches` searches the whole value for the
// pattern anywhere (anchor with `^...$`); `^` and `$` are the start and end of the value
// (not of lines, and `$` does not match before a final newline); `.` is one code point;
// `\d`, `\w`, `\s` are ASCII classes (as in RE2). A value that is not valid UTF-8 is still
// searched (its bad bytes match nothing).
class Regex {
 public:
  // Compiles `pattern`; an error naming the problem and its offset when it is invalid.
  static Result<std::shared_ptr<const Regex>> compile(std::string_view pattern);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // Whether the pattern is found anywhere in `subject`.
  Result<bool> search(std::string_view subject) const;
  // Every non-overlapping match replaced by `replacement`, in which `$1`, `${1}` and
  // `${name}` insert a group and `$$` a dollar sign.
  Result<std::string> replace_all(std::string_view subject, std::string_view replacement) const;
  // Checks that `replacement` names only groups the pattern has (done once when both are
  // constants, so that a typo is a compile error and not a reject on every row).
  Status check_replacement(std::string_view replacement) const;

  // The pattern as written.
  const std::string& pattern() const { return pattern_; }

 private:
  struct Code;  // the PCRE2 objects, kept out of this header
  explicit Regex(std::string pattern, std::unique_ptr<Code> code);

  std::string pattern_;
  std::unique_ptr<Code> code_;
};

}  // namespace mig
