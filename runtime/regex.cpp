#include "runtime/regex.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace mig {
namespace {

// Limits per match: generous for real data, small enough that a catastrophic pattern on a
// hostile value stops within a fraction of a second.
constexpr uint32_t kMatchLimit = 5'000'000;
constexpr uint32_t kHeapLimitKiB = 64 * 1024;
// The longest text regex_replace may produce.
constexpr size_t kMaxReplacedBytes = size_t{256} << 20;

std::string pcre2_message(int code) {
  PCRE2_UCHAR buf[256];
  int n = pcre2_get_error_message(code, buf, sizeof buf);
  if (n < 0) return "error " + std::to_string(code);
  return std::string(reinterpret_cast<const char*>(buf), static_cast<size_t>(n));
}

PCRE2_SPTR sptr(std::string_view s) { return reinterpret_cast<PCRE2_SPTR>(s.data()); }

// The match data `search` reuses on this thread: one pair is all `matches` needs.
struct ThreadMatchData {
  pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
  ~ThreadMatchData() { pcre2_match_data_free(data); }
};

}  // namespace

struct Regex::Code {
  pcre2_code* code = nullptr;
  pcre2_match_context* context = nullptr;
  uint32_t captures = 0;
  ~Code() {
    pcre2_match_context_free(context);
    pcre2_code_free(code);
  }
};

Regex::Regex(std::string pattern, std::unique_ptr<Code> code)
    : pattern_(std::move(pattern)), code_(std::move(code)) {}

Regex::~Regex() = default;

Result<std::shared_ptr<const Regex>> Regex::compile(std::string_view pattern) {
  auto code = std::make_unique<Code>();
  int error = 0;
  PCRE2_SIZE offset = 0;
  const uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY;
  code->code = pcre2_compile(sptr(pattern), pattern.size(), options, &error, &offset, nullptr);
  if (!code->code)
    return Error{"invalid regular expression " + quote_input(pattern) + ": " +
                 pcre2_message(error) + " at offset " + std::to_string(offset)};
  pcre2_jit_compile(code->code, PCRE2_JIT_COMPLETE);  // no JIT: the interpreter is used
  code->context = pcre2_match_context_create(nullptr);
  if (!code->context) return Error{"out of memory compiling a regular expression"};
  pcre2_set_match_limit(code->context, kMatchLimit);
  pcre2_set_heap_limit(code->context, kHeapLimitKiB);
  pcre2_pattern_info(code->code, PCRE2_INFO_CAPTURECOUNT, &code->captures);
  return std::shared_ptr<const Regex>(new Regex(std::string(pattern), std::move(code)));
}

Result<bool> Regex::search(std::string_view subject) const {
  thread_local ThreadMatchData md;
  if (!md.data) return Error{"out of memory matching a regular expression"};
  int rc = pcre2_match(code_->code, sptr(subject), subject.size(), 0, 0, md.data, code_->context);
  if (rc == PCRE2_ERROR_JIT_STACKLIMIT)  // the JIT's small stack: the interpreter has more room
    rc = pcre2_match(code_->code, sptr(subject), subject.size(), 0, PCRE2_NO_JIT, md.data,
                     code_->context);
  if (rc >= 0) return true;  // 0: matched, more groups than the match data holds
  if (rc == PCRE2_ERROR_NOMATCH) return false;
  return Error{"the regular expression " + quote_input(pattern_) +
               " gave up on this value: " + pcre2_message(rc)};
}

Result<std::string> Regex::replace_all(std::string_view subject,
                                       std::string_view replacement) const {
  const uint32_t options = PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH |
                           PCRE2_SUBSTITUTE_UNSET_EMPTY;
  std::string out(subject.size() + subject.size() / 2 + 64, '\0');
  for (int attempt = 0; attempt < 2; ++attempt) {
    PCRE2_SIZE length = out.size();
    int rc = pcre2_substitute(code_->code, sptr(subject), subject.size(), 0, options, nullptr,
                              code_->context, sptr(replacement), replacement.size(),
                              reinterpret_cast<PCRE2_UCHAR*>(out.data()), &length);
    if (rc >= 0) {
      out.resize(length);
      return out;
    }
    if (rc != PCRE2_ERROR_NOMEMORY) {
      return Error{"regex_replace with " + quote_input(pattern_) + " and " +
                   quote_input(replacement) + " failed: " + pcre2_message(rc)};
    }
    if (length > kMaxReplacedBytes) return Error{"regex_replace would produce more than 256 MiB"};
    out.assign(length, '\0');  // the size it needs, terminating zero included
  }
  return Error{"regex_replace could not size its result"};
}

Status Regex::check_replacement(std::string_view r) const {
  auto bad = [&](const std::string& why) {
    return Error{"invalid replacement " + quote_input(r) + ": " + why};
  };
  auto group_ok = [&](std::string_view ref) -> bool {
    if (ref.empty()) return false;
    bool numeric = ref.find_first_not_of("0123456789") == std::string_view::npos;
    if (numeric) return ref.size() < 6 && std::stoul(std::string(ref)) <= code_->captures;
    std::string name(ref);
    return pcre2_substring_number_from_name(code_->code, sptr(name)) >= 0;
  };
  for (size_t i = 0; i < r.size(); ++i) {
    if (r[i] != '$') continue;
    if (i + 1 >= r.size()) return bad("`$` at the end (write `$$` for a dollar sign)");
    char c = r[i + 1];
    if (c == '$') {
      ++i;
    } else if (c >= '0' && c <= '9') {
      size_t j = i + 1;
      while (j < r.size() && r[j] >= '0' && r[j] <= '9') ++j;
      if (!group_ok(r.substr(i + 1, j - i - 1)))
        return bad("group " + std::string(r.substr(i + 1, j - i - 1)) + " does not exist");
      i = j - 1;
    } else if (c == '{') {
      size_t close = r.find('}', i + 2);
      if (close == std::string_view::npos) return bad("`${` is not closed");
      std::string_view ref = r.substr(i + 2, close - i - 2);
      if (!group_ok(ref)) return bad("group `" + std::string(ref) + "` does not exist");
      i = close;
    } else {
      return bad("`$` must be followed by a group number, `{name}` or `$`");
    }
  }
  return Status::success();
}

}  // namespace mig
