// Exact decimal numbers (the language's `decimal`): up to 38 significant digits, a scale of
// 0..38 digits after the point. Money must never pass through binary floating point, and
// overflow or division by zero is an error value on that row, never a wrap or a crash.
#pragma once
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/result.hpp"

namespace mig {

__extension__ typedef __int128 Int128;  // -pedantic: GCC/Clang extension on purpose
__extension__ typedef unsigned __int128 UInt128;

// value = unscaled / 10^scale, |unscaled| < 10^38. The scale is kept as written or computed
// ("12.3400" stays "12.3400"); comparison and hashing look at the number only (1.0 == 1.00).
class Decimal {
 public:
  static constexpr int kMaxDigits = 38;  // significant digits, as SQL's NUMERIC(38, s)
  static constexpr int kMaxScale = 38;   // digits after the point
  // Scale of a quotient: the larger operand scale plus this many digits (capped at 38).
  static constexpr int kDivisionExtraScale = 6;

  Decimal() = default;  // 0 with scale 0

  static Decimal from_int(int64_t v);
  // The decimal unscaled / 10^scale; an error when it has more than 38 digits or the
  // scale is outside 0..38.
  static Result<Decimal> from_unscaled(Int128 unscaled, int scale);
  // `-12.3400`, `+5`, `.5`, `5.`: an optional sign, digits with at most one point, no
  // exponent, no spaces. Trailing fraction zeros beyond 38 digits are dropped; anything
  // else that does not fit is an error.
  static Result<Decimal> parse(std::string_view text);
  // Integer cents as dollars with scale 2 (`1999` -> `19.99`).
  static Decimal from_cents(int64_t cents);

  // The integer digits and how many of them are after the point.
  Int128 unscaled() const { return unscaled_; }
  int scale() const { return scale_; }
  bool is_zero() const { return unscaled_ == 0; }
  // -1, 0 or 1.
  int sign() const { return unscaled_ < 0 ? -1 : (unscaled_ > 0 ? 1 : 0); }

  // Canonical text with exactly `scale()` fraction digits: "12.3400", "-0.50", "7".
  std::string to_string() const;
  // The nearest double (correctly rounded).
  double to_double() const;
  // Rounded half away from zero to an integer; an error outside the int64 range.
  Result<int64_t> to_int64() const;
  // Dollars to integer cents, exactly, rounding half away from zero: 19.995 -> 2000,
  // -0.005 -> -1; an error outside the int64 range.
  Result<int64_t> cents() const;

  // Exact arithmetic. Sums keep the larger scale, products the sum of the scales (trailing
  // zeros are dropped when that is what it takes to fit); a result that cannot be held
  // exactly in 38 digits is an overflow error.
  Result<Decimal> add(const Decimal& o) const;
  Result<Decimal> sub(const Decimal& o) const;
  Result<Decimal> mul(const Decimal& o) const;
  // Quotient with scale min(38, max(scale, o.scale) + 6), lowered as far as needed for the
  // integer part to fit, rounded half away from zero; an error on division by zero.
  Result<Decimal> div(const Decimal& o) const;
  // Remainder of truncating division (sign of the dividend, as SQL's `%`), larger scale.
  Result<Decimal> rem(const Decimal& o) const;

  Decimal negate() const;
  Decimal abs() const;
  // The same number with `new_scale` digits after the point, rounding half away from zero
  // when digits are dropped; an error when the scale is outside 0..38 or digits overflow.
  Result<Decimal> rescale(int new_scale) const;
  // SQL round(x, places): rounded half away from zero to `places` digits after the point;
  // a negative `places` rounds to tens, hundreds, ... (result scale 0).
  Result<Decimal> round(int places) const;
  // Largest integer <= x / smallest integer >= x, scale 0 (cannot overflow).
  Decimal floor() const;
  Decimal ceil() const;
  // Trailing fraction zeros removed (12.3400 -> 12.34): the form used for hashing keys.
  Decimal normalized() const;

  // Numeric order across scales.
  std::strong_ordering compare(const Decimal& o) const;
  friend bool operator==(const Decimal& a, const Decimal& b) { return a.compare(b) == 0; }
  friend std::strong_ordering operator<=>(const Decimal& a, const Decimal& b) {
    return a.compare(b);
  }

 private:
  Decimal(Int128 unscaled, int scale) : unscaled_(unscaled), scale_(static_cast<int8_t>(scale)) {}

  Int128 unscaled_ = 0;
  int8_t scale_ = 0;
};

// Decimal text of a 128-bit integer (no grouping).
std::string int128_to_string(Int128 v);

}  // namespace mig
