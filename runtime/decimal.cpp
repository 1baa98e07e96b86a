#include "runtime/decimal.hpp"

#include <array>
#include <charconv>
#include <limits>

namespace mig {
namespace {

constexpr std::array<UInt128, 39> make_pow10() {
  std::array<UInt128, 39> p{};
  p[0] = 1;
  for (size_t i = 1; i < p.size(); ++i) p[i] = p[i - 1] * 10;
  return p;
}
constexpr std::array<UInt128, 39> kPow10 = make_pow10();
constexpr UInt128 kMaxMagnitude = kPow10[38] - 1;  // 38 nines

// Unsigned 256-bit integer, just enough for exact intermediate results: a product of two
// 38-digit numbers, or a 38-digit number shifted by up to 76 decimal places for division.
struct U256 {
  std::array<uint64_t, 4> limb{};  // little-endian

  static U256 from(UInt128 v) {
    U256 r;
    r.limb[0] = static_cast<uint64_t>(v);
    r.limb[1] = static_cast<uint64_t>(v >> 64);
    return r;
  }
  bool fits_u128() const { return limb[2] == 0 && limb[3] == 0; }
  UInt128 low128() const { return (static_cast<UInt128>(limb[1]) << 64) | limb[0]; }
  bool is_zero() const { return limb[0] == 0 && limb[1] == 0 && limb[2] == 0 && limb[3] == 0; }
  int bit_length() const {
    for (int i = 3; i >= 0; --i)
      if (limb[i] != 0) return i * 64 + 64 - __builtin_clzll(limb[i]);
    return 0;
  }
  bool bit(int i) const { return (limb[i / 64] >> (i % 64)) & 1; }
  void set_bit(int i) { limb[i / 64] |= uint64_t{1} << (i % 64); }
};

std::strong_ordering cmp(const U256& a, const U256& b) {
  for (int i = 3; i >= 0; --i)
    if (a.limb[i] != b.limb[i]) return a.limb[i] <=> b.limb[i];
  return std::strong_ordering::equal;
}

// a + b; false on overflow.
bool add_to(U256& a, const U256& b) {
  uint64_t carry = 0;
  for (int i = 0; i < 4; ++i) {
    UInt128 s = static_cast<UInt128>(a.limb[i]) + b.limb[i] + carry;
    a.limb[i] = static_cast<uint64_t>(s);
    carry = static_cast<uint64_t>(s >> 64);
  }
  return carry == 0;
}

// a - b, for a >= b.
void sub_from(U256& a, const U256& b) {
  uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    UInt128 d = static_cast<UInt128>(a.limb[i]) - b.limb[i] - borrow;
    a.limb[i] = static_cast<uint64_t>(d);
    borrow = (d >> 64) != 0 ? 1 : 0;
  }
}

// a * m; false on overflow of 256 bits.
bool mul_by(U256& a, UInt128 m) {
  const uint64_t m_limbs[2] = {static_cast<uint64_t>(m), static_cast<uint64_t>(m >> 64)};
  std::array<uint64_t, 6> out{};
  for (int j = 0; j < 2; ++j) {
    uint64_t carry = 0;
    for (int i = 0; i < 4; ++i) {
      UInt128 t = static_cast<UInt128>(a.limb[i]) * m_limbs[j] + out[i + j] + carry;
      out[i + j] = static_cast<uint64_t>(t);
      carry = static_cast<uint64_t>(t >> 64);
    }
    out[4 + j] += carry;
  }
  if (out[4] != 0 || out[5] != 0) return false;
  for (int i = 0; i < 4; ++i) a.limb[i] = out[i];
  return true;
}

// a * 10^k for any k >= 0; false on overflow.
bool mul_pow10(U256& a, int k) {
  while (k > 0) {
    int step = k > 38 ? 38 : k;
    if (!mul_by(a, kPow10[step])) return false;
    k -= step;
  }
  return true;
}

// n / d for a divisor below 2^64 (the common case: one hardware division per limb).
U256 divmod_small(const U256& n, uint64_t d, uint64_t& rem) {
  U256 q;
  UInt128 r = 0;
  for (int i = 3; i >= 0; --i) {
    UInt128 cur = (r << 64) | n.limb[i];
    q.limb[i] = static_cast<uint64_t>(cur / d);
    r = cur % d;
  }
  rem = static_cast<uint64_t>(r);
  return q;
}

// n / d and n % d, d != 0 (shift-subtract for wide divisors; only rare paths get here).
U256 divmod(const U256& n, const U256& d, U256& rem) {
  if (d.limb[1] == 0 && d.limb[2] == 0 && d.limb[3] == 0) {
    uint64_t r = 0;
    U256 q = divmod_small(n, d.limb[0], r);
    rem = U256::from(r);
    return q;
  }
  U256 q;
  U256 r;
  for (int i = n.bit_length() - 1; i >= 0; --i) {
    bool carry = (r.limb[3] >> 63) != 0;
    for (int j = 3; j > 0; --j) r.limb[j] = (r.limb[j] << 1) | (r.limb[j - 1] >> 63);
    r.limb[0] = (r.limb[0] << 1) | (n.bit(i) ? 1 : 0);
    if (carry || cmp(r, d) >= 0) {
      sub_from(r, d);  // modular: correct even when the shift carried out
      q.set_bit(i);
    }
  }
  rem = r;
  return q;
}

// Whether a remainder `r` of a division by `d` rounds the quotient up (half away from zero).
bool rounds_up(const U256& r, const U256& d) {
  U256 rest = d;
  sub_from(rest, r);  // d - r
  return cmp(r, rest) >= 0;
}

UInt128 magnitude(Int128 v) { return v < 0 ? -static_cast<UInt128>(v) : static_cast<UInt128>(v); }

Error overflow() { return Error{"decimal overflow: the exact result needs more than 38 digits"}; }

// Builds a decimal from sign, magnitude and scale, dropping trailing fraction zeros only as
// far as needed to fit; an overflow error when it cannot be held exactly.
Result<Decimal> fit(bool negative, U256 mag, int scale) {
  while ((scale > Decimal::kMaxScale || !mag.fits_u128() || mag.low128() > kMaxMagnitude) &&
         scale > 0) {
    uint64_t r = 0;
    U256 q = divmod_small(mag, 10, r);
    if (r != 0) break;
    mag = q;
    --scale;
  }
  if (scale > Decimal::kMaxScale || !mag.fits_u128() || mag.low128() > kMaxMagnitude)
    return overflow();
  Int128 v = static_cast<Int128>(mag.low128());
  return Decimal::from_unscaled(negative ? -v : v, scale);
}

// Sign and magnitude aligned to `scale` (>= the decimal's own scale; cannot overflow 256 bits).
U256 aligned(const Decimal& d, int scale) {
  U256 m = U256::from(magnitude(d.unscaled()));
  mul_pow10(m, scale - d.scale());
  return m;
}

Result<Decimal> add_signed(const Decimal& a, const Decimal& b, bool negate_b) {
  int scale = a.scale() > b.scale() ? a.scale() : b.scale();
  U256 ma = aligned(a, scale);
  U256 mb = aligned(b, scale);
  bool na = a.sign() < 0;
  bool nb = (b.sign() < 0) != negate_b;
  if (na == nb) {
    add_to(ma, mb);  // < 2 * 10^76: no overflow
    return fit(na, ma, scale);
  }
  if (cmp(ma, mb) >= 0) {
    sub_from(ma, mb);
    return fit(na, ma, scale);
  }
  sub_from(mb, ma);
  return fit(nb, mb, scale);
}

}  // namespace

std::string int128_to_string(Int128 v) {
  UInt128 m = magnitude(v);
  char buf[48];
  char* p = buf + sizeof(buf);
  do {
    *--p = static_cast<char>('0' + static_cast<int>(m % 10));
    m /= 10;
  } while (m != 0);
  if (v < 0) *--p = '-';
  return std::string(p, buf + sizeof(buf));
}

Decimal Decimal::from_int(int64_t v) { return Decimal(v, 0); }

Decimal Decimal::from_cents(int64_t cents) { return Decimal(cents, 2); }

Result<Decimal> Decimal::from_unscaled(Int128 unscaled, int scale) {
  if (scale < 0 || scale > kMaxScale)
    return Error{"decimal scale " + std::to_string(scale) + " is outside 0..38"};
  if (magnitude(unscaled) > kMaxMagnitude) return overflow();
  return Decimal(unscaled, scale);
}

Result<Decimal> Decimal::parse(std::string_view text) {
  auto bad = [&] { return Error{"invalid decimal " + quote_input(text)}; };
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  std::string_view int_part;
  std::string_view frac_part;
  size_t start = i;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
  int_part = text.substr(start, i - start);
  if (i < text.size() && text[i] == '.') {
    start = ++i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    frac_part = text.substr(start, i - start);
  }
  if (i != text.size() || (int_part.empty() && frac_part.empty())) return bad();

  while (!int_part.empty() && int_part.front() == '0') int_part.remove_prefix(1);
  // Significant digits: the fraction's leading zeros count only after a non-zero int part.
  auto significant = [&] {
    if (!int_part.empty()) return int_part.size() + frac_part.size();
    size_t z = 0;
    while (z < frac_part.size() && frac_part[z] == '0') ++z;
    return frac_part.size() - z;
  };
  while ((frac_part.size() > static_cast<size_t>(kMaxScale) ||
          significant() > static_cast<size_t>(kMaxDigits)) &&
         !frac_part.empty() && frac_part.back() == '0')
    frac_part.remove_suffix(1);
  if (frac_part.size() > static_cast<size_t>(kMaxScale) ||
      significant() > static_cast<size_t>(kMaxDigits))
    return Error{"decimal " + quote_input(text) + " has more than 38 digits"};

  UInt128 m = 0;
  for (char c : int_part) m = m * 10 + static_cast<unsigned>(c - '0');
  for (char c : frac_part) m = m * 10 + static_cast<unsigned>(c - '0');
  Int128 v = static_cast<Int128>(m);
  return Decimal(negative ? -v : v, static_cast<int>(frac_part.size()));
}

std::string Decimal::to_string() const {
  std::string digits = int128_to_string(static_cast<Int128>(magnitude(unscaled_)));
  if (digits.size() <= static_cast<size_t>(scale_))
    digits.insert(0, static_cast<size_t>(scale_) + 1 - digits.size(), '0');
  if (scale_ > 0) digits.insert(digits.size() - static_cast<size_t>(scale_), ".");
  if (unscaled_ < 0) digits.insert(0, "-");
  return digits;
}

double Decimal::to_double() const {
  std::string s = to_string();
  double d = 0;
  std::from_chars(s.data(), s.data() + s.size(), d);  // 38 digits: always in range
  return d;
}

Result<int64_t> Decimal::to_int64() const {
  Result<Decimal> r = rescale(0);
  if (!r.ok() || r->unscaled_ > std::numeric_limits<int64_t>::max() ||
      r->unscaled_ < std::numeric_limits<int64_t>::min())
    return Error{"decimal " + to_string() + " is out of range for int"};
  return static_cast<int64_t>(r->unscaled_);
}

Result<int64_t> Decimal::cents() const {
  Result<Decimal> r = rescale(2);
  if (!r.ok() || r->unscaled_ > std::numeric_limits<int64_t>::max() ||
      r->unscaled_ < std::numeric_limits<int64_t>::min())
    return Error{"cents of " + to_string() + " are out of range for int"};
  return static_cast<int64_t>(r->unscaled_);
}

Result<Decimal> Decimal::add(const Decimal& o) const { return add_signed(*this, o, false); }

Result<Decimal> Decimal::sub(const Decimal& o) const { return add_signed(*this, o, true); }

Result<Decimal> Decimal::mul(const Decimal& o) const {
  U256 m = U256::from(magnitude(unscaled_));
  mul_by(m, magnitude(o.unscaled_));  // < 10^76: no overflow
  bool negative = (sign() < 0) != (o.sign() < 0);
  return fit(negative && !m.is_zero(), m, scale_ + o.scale_);
}

Result<Decimal> Decimal::div(const Decimal& o) const {
  if (o.is_zero()) return Error{"division by zero"};
  const U256 a = U256::from(magnitude(unscaled_));
  const U256 b = U256::from(magnitude(o.unscaled_));
  const bool negative = (sign() < 0) != (o.sign() < 0);
  int target = (scale_ > o.scale_ ? scale_ : o.scale_) + kDivisionExtraScale;
  if (target > kMaxScale) target = kMaxScale;
  // quotient at scale s = a * 10^(s + o.scale - scale) / b; lower s until it fits.
  for (int s = target; s >= 0; --s) {
    int e = s + o.scale_ - scale_;
    U256 num = a;
    U256 den = b;
    if (e >= 0 ? !mul_pow10(num, e) : !mul_pow10(den, -e)) continue;
    U256 r;
    U256 q = divmod(num, den, r);
    if (rounds_up(r, den) && !add_to(q, U256::from(1))) continue;
    if (!q.fits_u128() || q.low128() > kMaxMagnitude) continue;
    Int128 v = static_cast<Int128>(q.low128());
    return Decimal(negative ? -v : v, s);
  }
  return overflow();
}

Result<Decimal> Decimal::rem(const Decimal& o) const {
  if (o.is_zero()) return Error{"division by zero"};
  int scale = scale_ > o.scale_ ? scale_ : o.scale_;
  U256 r;
  divmod(aligned(*this, scale), aligned(o, scale), r);  // r < |o| aligned: fits
  Int128 v = static_cast<Int128>(r.low128());
  return Decimal(sign() < 0 ? -v : v, scale);
}

Decimal Decimal::negate() const { return Decimal(-unscaled_, scale_); }

Decimal Decimal::abs() const { return unscaled_ < 0 ? negate() : *this; }

Result<Decimal> Decimal::rescale(int new_scale) const {
  if (new_scale < 0 || new_scale > kMaxScale)
    return Error{"decimal scale " + std::to_string(new_scale) + " is outside 0..38"};
  UInt128 m = magnitude(unscaled_);
  if (new_scale >= scale_) {
    UInt128 f = kPow10[new_scale - scale_];
    if (m > kMaxMagnitude / f) return overflow();
    Int128 v = static_cast<Int128>(m * f);
    return Decimal(unscaled_ < 0 ? -v : v, new_scale);
  }
  UInt128 f = kPow10[scale_ - new_scale];
  UInt128 q = m / f;
  UInt128 r = m % f;
  if (r >= f - r) ++q;  // half away from zero; q + 1 <= 10^(38 - k) fits
  Int128 v = static_cast<Int128>(q);
  return Decimal(unscaled_ < 0 ? -v : v, new_scale);
}

Result<Decimal> Decimal::round(int places) const {
  if (places >= 0) return rescale(places);
  if (places < -kMaxDigits) return Decimal();
  int k = scale_ - places;               // digits to drop, > 0
  if (k > kMaxDigits) return Decimal();  // |x| < 10^38 / 10^scale is below half of 10^-places
  UInt128 m = magnitude(unscaled_);
  UInt128 f = kPow10[k];
  UInt128 q = m / f;
  UInt128 r = m % f;
  if (r >= f - r) ++q;
  UInt128 back = kPow10[-places];
  if (q > kMaxMagnitude / back) return overflow();
  Int128 v = static_cast<Int128>(q * back);
  return Decimal(unscaled_ < 0 ? -v : v, 0);
}

Decimal Decimal::floor() const {
  Int128 f = static_cast<Int128>(kPow10[scale_]);
  Int128 q = unscaled_ / f;  // truncates toward zero
  if (unscaled_ < 0 && unscaled_ % f != 0) --q;
  return Decimal(q, 0);
}

Decimal Decimal::ceil() const {
  Int128 f = static_cast<Int128>(kPow10[scale_]);
  Int128 q = unscaled_ / f;
  if (unscaled_ > 0 && unscaled_ % f != 0) ++q;
  return Decimal(q, 0);
}

Decimal Decimal::normalized() const {
  Int128 v = unscaled_;
  int s = scale_;
  while (s > 0 && v % 10 == 0) {
    v /= 10;
    --s;
  }
  return Decimal(v, s);
}

std::strong_ordering Decimal::compare(const Decimal& o) const {
  if (scale_ == o.scale_) return unscaled_ <=> o.unscaled_;
  if (sign() != o.sign()) return sign() <=> o.sign();
  int scale = scale_ > o.scale_ ? scale_ : o.scale_;
  std::strong_ordering by_magnitude = cmp(aligned(*this, scale), aligned(o, scale));
  return sign() >= 0 ? by_magnitude : 0 <=> by_magnitude;
}

}  // namespace mig
