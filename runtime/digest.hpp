// Message digests for the id and hash built-ins: MD5 and SHA-256 (`md5`, `sha256`, as
// lower-case hex) and SHA-1 (RFC 4122 version-5 UUIDs). Small, dependency-free
// implementations of the published algorithms (RFC 1321, FIPS 180-4), checked against their
// test vectors in tests/builtins_test.cpp. Not for passwords (that is `bcrypt`).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace mig {

// The 16-byte MD5 digest of `data` (RFC 1321).
std::array<uint8_t, 16> md5(std::string_view data);
// The 20-byte SHA-1 digest (FIPS 180-4), for uuid5.
std::array<uint8_t, 20> sha1(std::string_view data);
// The 32-byte SHA-256 digest (FIPS 180-4).
std::array<uint8_t, 32> sha256(std::string_view data);

// Lower-case hex of bytes.
template <size_t N>
std::string to_hex(const std::array<uint8_t, N>& bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * N);
  for (uint8_t b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace mig
