// `bcrypt(t[, cost])`: a bcrypt hash (`$2b$`, cost 12 unless given) through libxcrypt's
// crypt_rn, salted from the system's randomness. bcrypt reads at most 72 bytes and stops
// at a NUL: a longer password, or one holding a NUL byte, is an error (the row becomes a
// reject) rather than a hash of part of it.
#include <crypt.h>

#include <cstring>
#include <memory>

#include "runtime/builtin_impl.hpp"

namespace mig::eval {
namespace {

constexpr int64_t kDefaultCost = 12;
constexpr size_t kMaxBytes = 72;

Result<Value> bcrypt_hash(const Args& a) {
  const std::string& password = a[0].as_text();
  int64_t cost = a.size() > 1 && !a[1].is_null() ? a[1].as_int() : kDefaultCost;
  if (cost < 4 || cost > 31)
    return Error{"bcrypt cost must be between 4 and 31, got " + std::to_string(cost)};
  if (password.size() > kMaxBytes)
    return Error{"bcrypt uses at most 72 bytes of a password; this one has " +
                 std::to_string(password.size()) + " (it would be cut)"};
  if (password.find('\0') != std::string::npos)
    return Error{"bcrypt cannot hash a password holding a NUL byte (it would be cut there)"};
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (!crypt_gensalt_rn("$2b$", static_cast<unsigned long>(cost), nullptr, 0, salt, sizeof salt))
    return Error{std::string("bcrypt: no salt: ") + std::strerror(errno)};
  auto data = std::make_unique<crypt_data>();  // ~32 KB: not on the stack
  const char* hash = crypt_rn(password.c_str(), salt, data.get(), sizeof *data);
  if (!hash || hash[0] == '*') return Error{std::string("bcrypt failed: ") + std::strerror(errno)};
  return Value::text(hash);
}

const BuiltinImpl kBcrypt{bcrypt_hash, nullptr, nullptr, true, false};

}  // namespace

const BuiltinImpl* secrets_impl(BuiltinId id) { return id == BuiltinId::bcrypt ? &kBcrypt : nullptr; }

}  // namespace mig::eval
