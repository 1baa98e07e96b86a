// Id and hash built-ins:
// - `uuid()`: a random version-4 UUID from the kernel's CSPRNG (getrandom); never folded.
// - `uuid5(namespace, value, ...)`: RFC 4122 version 5 (SHA-1). The namespace is a uuid, a
//   text that reads as one, or any other text, which is first made a UUID as
//   `uuid5(nil UUID, text)`. The values are joined with `|` in their canonical text form
//   (value_text.hpp), a null value counting as "" ; null when every value (or the namespace)
//   is null, so that missing keys never share one id.
// - `md5(t)`, `sha256(t)`: lower-case hex of the UTF-8 bytes.
// - `xxh3(value, ...)`: XXH3-64 of the same `|`-joined canonical text, as a signed int
//   (the 64 bits reinterpreted). Stable across runs and machines; like uuid5's name, the
//   joined text does not tell `("a|b", "c")` from `("a", "b|c")`.
#include <sys/random.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "runtime/builtin_impl.hpp"
#include "runtime/digest.hpp"
#include "runtime/value_text.hpp"

namespace mig::eval {
namespace {

// Random bytes, refilled from the kernel in blocks (one syscall per 256 UUIDs).
Status random_bytes(uint8_t* out, size_t n) {
  thread_local std::array<uint8_t, 4096> pool;
  thread_local size_t used = pool.size();
  while (n > 0) {
    if (used == pool.size()) {
      size_t got = 0;
      while (got < pool.size()) {
        ssize_t r = getrandom(pool.data() + got, pool.size() - got, 0);
        if (r < 0) {
          if (errno == EINTR) continue;
          return Error{"the system's random number generator failed"};
        }
        got += static_cast<size_t>(r);
      }
      used = 0;
    }
    size_t take = std::min(n, pool.size() - used);
    std::memcpy(out, pool.data() + used, take);
    used += take;
    out += take;
    n -= take;
  }
  return Status::success();
}

Result<Value> uuid(const Args&) {
  Uuid u;
  if (Status st = random_bytes(u.bytes.data(), 16); !st.ok()) return st.error();
  u.bytes[6] = static_cast<uint8_t>((u.bytes[6] & 0x0f) | 0x40);
  u.bytes[8] = static_cast<uint8_t>((u.bytes[8] & 0x3f) | 0x80);
  return Value::uuid(u);
}

Uuid uuid5_of(const Uuid& ns, std::string_view name) {
  std::string data(reinterpret_cast<const char*>(ns.bytes.data()), 16);
  data += name;
  std::array<uint8_t, 20> h = sha1(data);
  Uuid u;
  std::memcpy(u.bytes.data(), h.data(), 16);
  u.bytes[6] = static_cast<uint8_t>((u.bytes[6] & 0x0f) | 0x50);
  u.bytes[8] = static_cast<uint8_t>((u.bytes[8] & 0x3f) | 0x80);
  return u;
}

Uuid namespace_of(const Value& ns) {
  if (ns.kind() == ValueKind::uuid) return ns.as_uuid();
  const std::string& text = ns.as_text();
  Result<Uuid> parsed = parse_uuid(text);
  if (parsed.ok()) return *parsed;
  return uuid5_of(Uuid{}, text);
}

// The values from slot `first` on joined with `|`; nullopt when all are null.
std::optional<std::string> joined(const Args& a, size_t first) {
  std::string out;
  bool any = false;
  for (size_t i = first; i < a.size(); ++i) {
    if (i > first) out += '|';
    any = any || !a[i].is_null();
    append_text(a[i], out);
  }
  if (!any) return std::nullopt;
  return out;
}

Result<PreparedPtr> prepare_uuid5(Constants c) {
  if (!c[0] || c[0]->is_null()) return PreparedPtr();
  return PreparedPtr(std::make_shared<PreparedValue<Uuid>>(namespace_of(*c[0])));
}

Result<Value> uuid5(const Args& a) {
  if (a[0].is_null()) return Value::null();
  std::optional<std::string> name = joined(a, 1);
  if (!name) return Value::null();
  const Uuid* prepared = prepared_as<Uuid>(a.prepared);
  Uuid ns = prepared ? *prepared : namespace_of(a[0]);
  return Value::uuid(uuid5_of(ns, *name));
}

Result<Value> md5_hex(const Args& a) { return Value::text(to_hex(md5(a[0].as_text()))); }
Result<Value> sha256_hex(const Args& a) { return Value::text(to_hex(sha256(a[0].as_text()))); }

Result<Value> xxh3(const Args& a) {
  std::optional<std::string> text = joined(a, 0);
  if (!text) return Value::null();
  uint64_t h = XXH3_64bits(text->data(), text->size());
  int64_t s = 0;
  std::memcpy(&s, &h, sizeof s);
  return Value::integer(s);
}

const BuiltinImpl kUuid{uuid, nullptr, nullptr, true, false};
const BuiltinImpl kUuid5{uuid5, nullptr, prepare_uuid5, false, true};
const BuiltinImpl kMd5{md5_hex, nullptr, nullptr, true, true};
const BuiltinImpl kSha256{sha256_hex, nullptr, nullptr, true, true};
const BuiltinImpl kXxh3{xxh3, nullptr, nullptr, false, true};

}  // namespace

const BuiltinImpl* ids_impl(BuiltinId id) {
  switch (id) {
    case BuiltinId::uuid: return &kUuid;
    case BuiltinId::uuid5: return &kUuid5;
    case BuiltinId::md5: return &kMd5;
    case BuiltinId::sha256: return &kSha256;
    case BuiltinId::xxh3: return &kXxh3;
    default: return nullptr;
  }
}

}  // namespace mig::eval
