//! Exact numbers: checked decimal arithmetic that cannot panic, the validated newtypes user text becomes,
//! and rounding to exchange steps with named strategies.

use std::fmt;
use std::ops::{Add, Div, Mul, Neg, Sub};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A decimal computation that remembers whether any step overflowed or divided by zero.
///
/// rust_decimal's operators panic on overflow; these do not. Build an expression with [`calc`], then call
/// [`Calc::get`] once to turn a failure into [`Error::Overflow`] naming what was computed:
///
/// ```
/// use rust_decimal::Decimal;
/// use scaleplan::num::calc;
/// let avg = (calc(Decimal::from(10_000)) * Decimal::ONE + Decimal::from(26_000)) / Decimal::from(3);
/// assert_eq!(avg.get("averageEntry")?, Decimal::from(12_000));
/// # Ok::<(), scaleplan::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calc(Option<Decimal>);

/// Starts a checked computation from `value`.
#[inline]
pub fn calc(value: Decimal) -> Calc {
    Calc(Some(value))
}

impl Calc {
    /// The result, or [`Error::Overflow`] naming `context` when a step overflowed or divided by zero.
    ///
    /// # Errors
    /// [`Error::Overflow`] when any step of the computation failed.
    #[inline]
    pub fn get(self, context: &str) -> Result<Decimal> {
        self.0.ok_or_else(|| Error::overflow(context))
    }

    /// The result, if every step succeeded.
    pub fn ok(self) -> Option<Decimal> {
        self.0
    }

    /// The absolute value.
    #[must_use]
    pub fn abs(self) -> Self {
        Self(self.0.map(|d| d.abs()))
    }

    /// The value times −1 when `negative`, else times 1: the formulas' `side·x` and `lean·x`, bit for bit what the
    /// decimal multiplication gives (a zero comes out as a plain 0) without multiplying, which costs as much as any
    /// other product.
    #[must_use]
    pub fn signed(self, negative: bool) -> Self {
        Self(self.0.map(|d| {
            if d.is_zero() {
                return Decimal::ZERO;
            }
            let mut signed = d;
            signed.set_sign_negative(d.is_sign_negative() != negative);
            signed
        }))
    }
}

impl From<Decimal> for Calc {
    fn from(value: Decimal) -> Self {
        calc(value)
    }
}

macro_rules! checked_op {
    ($trait:ident, $method:ident, $checked:ident) => {
        impl $trait<Calc> for Calc {
            type Output = Calc;
            #[inline]
            fn $method(self, rhs: Calc) -> Calc {
                Calc(match (self.0, rhs.0) {
                    (Some(a), Some(b)) => a.$checked(b),
                    _ => None,
                })
            }
        }
        impl $trait<Decimal> for Calc {
            type Output = Calc;
            #[inline]
            fn $method(self, rhs: Decimal) -> Calc {
                Calc(self.0.and_then(|a| a.$checked(rhs)))
            }
        }
    };
}
checked_op!(Add, add, checked_add);
checked_op!(Sub, sub, checked_sub);
checked_op!(Mul, mul, checked_mul);
checked_op!(Div, div, checked_div);

impl Neg for Calc {
    type Output = Calc;
    fn neg(self) -> Calc {
        Calc(self.0.and_then(|d| Decimal::ZERO.checked_sub(d)))
    }
}

/// Sums decimals without panicking.
///
/// # Errors
/// [`Error::Overflow`] naming `context` when the sum leaves the decimal range.
pub fn sum<I: IntoIterator<Item = Decimal>>(values: I, context: &str) -> Result<Decimal> {
    values.into_iter().try_fold(Decimal::ZERO, |acc, v| acc.checked_add(v).ok_or_else(|| Error::overflow(context)))
}

/// How a value is brought onto a step grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Round {
    /// Toward negative infinity (quantities are floored to the step so a total is never exceeded).
    Down,
    /// Toward positive infinity.
    Up,
    /// To the nearest step, halves away from zero (what a trader expects: 2.345 at 0.01 gives 2.35).
    Nearest,
}

impl Round {
    fn strategy(self) -> RoundingStrategy {
        match self {
            Self::Down => RoundingStrategy::ToNegativeInfinity,
            Self::Up => RoundingStrategy::ToPositiveInfinity,
            Self::Nearest => RoundingStrategy::MidpointAwayFromZero,
        }
    }
}

/// Rounds `value` to a multiple of `step` (a tick size or quantity step, not a number of decimals).
/// A zero step leaves the value as it is.
///
/// # Errors
/// [`Error::Overflow`] naming `context` when the value is too large for the step.
pub fn round_to_step(value: Decimal, step: Decimal, how: Round, context: &str) -> Result<Decimal> {
    if step.is_zero() {
        return Ok(value);
    }
    if let Some(rounded) = round_to_step_exact(value, step.abs(), how) {
        return Ok(normalize(rounded));
    }
    let steps = (calc(value) / step.abs()).get(context)?;
    (calc(steps.round_dp_with_strategy(0, how.strategy())) * step.abs()).get(context).map(normalize)
}

/// [`round_to_step`] where it is done in integers, which gives a whole number of steps by construction; `None`
/// where it falls back to the decimal division (or the step is zero).
pub(crate) fn round_to_whole_steps(value: Decimal, step: Decimal, how: Round) -> Option<Decimal> {
    round_to_step_exact(value, step.abs(), how).map(normalize)
}

/// Rounds to `dp` decimal places with a named strategy.
pub fn round_dp(value: Decimal, dp: u32, how: Round) -> Decimal {
    round_dp_exact(value, dp, how).map_or_else(|| normalize(value.round_dp_with_strategy(dp, how.strategy())), normalize)
}

/// `10^exponent` for exponents up to 38 (the largest power of ten an `i128` holds).
/// `value` without trailing zeros (`1.2500` → `1.25`, `-0.0` → `0`), equal to [`Decimal::normalize`], which
/// divides its 96-bit mantissa by ten once per zero: that was a seventh of a plan's evaluation, since every price,
/// quantity and output figure is normalized. A mantissa that fits 64 bits (nearly every figure) is stripped with
/// 64-bit arithmetic, which is native in wasm too.
pub fn normalize(value: Decimal) -> Decimal {
    let scale = value.scale();
    if scale == 0 {
        return if value.is_zero() { Decimal::ZERO } else { value };
    }
    let unpacked = value.unpack();
    if unpacked.hi != 0 {
        return value.normalize();
    }
    let mut mantissa = (u64::from(unpacked.mid) << 32) | u64::from(unpacked.lo);
    if mantissa == 0 {
        return Decimal::ZERO;
    }
    let mut scale = scale;
    while scale > 0 && mantissa % 10 == 0 {
        mantissa /= 10;
        scale = scale.saturating_sub(1);
    }
    // Lossless: the low and middle 32 bits of the stripped mantissa.
    #[allow(clippy::cast_possible_truncation)]
    let (lo, mid) = (mantissa as u32, (mantissa >> 32) as u32);
    Decimal::from_parts(lo, mid, 0, value.is_sign_negative(), scale)
}

pub(crate) fn ten_to(exponent: u32) -> Option<i128> {
    POWERS_OF_TEN.get(usize::try_from(exponent).ok()?).copied()
}

/// `10^0` to `10^38`, so that a power is a lookup rather than a loop of multiplications.
// Evaluated by the compiler: an index out of range or an overflow here fails the build, not a run.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const POWERS_OF_TEN: [i128; 39] = {
    let mut table = [1_i128; 39];
    let mut i = 1;
    while i < 39 {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};

/// `a / b` rounded as `how` says, for `b > 0`, in integers: one division where the decimal type's own rounding
/// divides by ten once per dropped digit (the profile's largest single cost before this).
///
/// Operands that fit 64 bits (most figures) are divided in 64 bits: in wasm a 128-bit division is a library call
/// (`__divti3`, `__modti3`), a 64-bit one a single instruction.
fn divide_rounded(a: i128, b: i128, how: Round) -> Option<i128> {
    let (floor, rest) = match (i64::try_from(a), i64::try_from(b)) {
        (Ok(a), Ok(b)) => (i128::from(a.checked_div_euclid(b)?), i128::from(a.checked_rem_euclid(b)?)),
        _ => (a.checked_div_euclid(b)?, a.checked_rem_euclid(b)?),
    };
    let up = match how {
        Round::Down => false,
        Round::Up => rest > 0,
        Round::Nearest => {
            let other = b.checked_sub(rest)?;
            // At the midpoint, away from zero: up for a positive value, the floor for a negative one.
            rest > other || (rest == other && a >= 0)
        }
    };
    if up {
        floor.checked_add(1)
    } else {
        Some(floor)
    }
}

/// `a·b`, for the integer paths: operands of 64 bits or less cannot overflow 128, so their product skips the
/// overflow check (`__muloti4` in wasm, a quarter of the integer paths' time); others are checked.
fn multiply(a: i128, b: i128) -> Option<i128> {
    match (i64::try_from(a), i64::try_from(b)) {
        (Ok(a), Ok(b)) => Some(i128::from(a).wrapping_mul(i128::from(b))),
        _ => a.checked_mul(b),
    }
}

/// [`round_dp`] on the 96-bit mantissa as an integer; `None` only where that cannot hold the result.
fn round_dp_exact(value: Decimal, dp: u32, how: Round) -> Option<Decimal> {
    let scale = value.scale();
    if scale <= dp {
        return Some(value);
    }
    let divisor = ten_to(scale.checked_sub(dp)?)?;
    let rounded = divide_rounded(value.mantissa(), divisor, how)?;
    Decimal::try_from_i128_with_scale(rounded, dp).ok()
}

/// [`round_to_step`] on integers: value and step brought to one scale, divided once with the rounding, and
/// multiplied back; `None` where an intermediate leaves `i128` or the result leaves the decimal range.
fn round_to_step_exact(value: Decimal, step: Decimal, how: Round) -> Option<Decimal> {
    let scale = value.scale().max(step.scale());
    let a = multiply(value.mantissa(), ten_to(scale.checked_sub(value.scale())?)?)?;
    let b = multiply(step.mantissa(), ten_to(scale.checked_sub(step.scale())?)?)?;
    if b <= 0 {
        return None;
    }
    let steps = divide_rounded(a, b, how)?;
    Decimal::try_from_i128_with_scale(multiply(steps, step.mantissa())?, step.scale()).ok()
}

/// `numerator / denominator` rounded to a multiple of `step` as `how` says, from the exact fraction: one integer
/// division, where dividing first would round the quotient to 28 digits and then round that again to the step.
/// For `denominator > 0` and `step > 0`; `None` where an intermediate leaves `i128` or the result the decimal
/// range (the caller then divides and rounds in two steps).
pub(crate) fn divide_to_step(numerator: Decimal, denominator: Decimal, step: Decimal, how: Round) -> Option<Decimal> {
    let (a, b, c) = (numerator.mantissa(), denominator.mantissa(), step.mantissa());
    if b <= 0 || c <= 0 {
        return None;
    }
    // n / (d·step) = a·10^(sd + ss − sn) / (b·c).
    // Scales are at most 28: the sum and difference stay far inside i64.
    let exponent = i64::from(denominator.scale())
        .wrapping_add(i64::from(step.scale()))
        .wrapping_sub(i64::from(numerator.scale()));
    let shift = ten_to(u32::try_from(exponent.unsigned_abs()).ok()?)?;
    let (a, bc) = if exponent >= 0 {
        (multiply(a, shift)?, multiply(b, c)?)
    } else {
        (a, multiply(multiply(b, c)?, shift)?)
    };
    let steps = divide_rounded(a, bc, how)?;
    Decimal::try_from_i128_with_scale(multiply(steps, c)?, step.scale()).ok().map(normalize)
}

/// Parses user text as an exact decimal: plain digits, an optional sign and one decimal point.
///
/// Refuses `1e5`, `1_000`, thousands separators and anything past 28 significant digits rather than rounding it.
///
/// # Errors
/// [`Error::Invalid`] naming `field` when the text is not such a number.
pub fn parse_decimal(field: &str, text: &str) -> Result<Decimal> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(Error::invalid(field, "is required; enter a number like 65000.5"));
    }
    let plain = trimmed
        .strip_prefix(['-', '+'])
        .unwrap_or(trimmed)
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.');
    if !plain || trimmed.matches('.').count() > 1 || !trimmed.chars().any(|c| c.is_ascii_digit()) {
        return Err(Error::invalid(field, format!("`{trimmed}` is not a number; use digits and one `.`, like 65000.5")));
    }
    Decimal::from_str_exact(trimmed.trim_start_matches('+'))
        .map(normalize)
        .map_err(|_| Error::invalid(field, "has too many digits; at most 28 significant digits are allowed"))
}

macro_rules! newtype {
    ($(#[$doc:meta])* $name:ident, $check:expr, $allowed:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
        #[serde(try_from = "String")]
        pub struct $name(Decimal);

        /// As a string, written as [`crate::text::decimal_text`] writes it.
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(crate::text::decimal_text(self.0).as_str())
            }
        }

        impl $name {
            #[doc = concat!("A ", stringify!($name), " if `value` ", $allowed, ".")]
            ///
            /// # Errors
            /// [`Error::Invalid`] naming `field` otherwise.
            pub fn new(field: &str, value: Decimal) -> Result<Self> {
                let ok: fn(Decimal) -> bool = $check;
                if ok(value) {
                    Ok(Self(normalize(value)))
                } else {
                    Err(Error::invalid(field, $allowed))
                }
            }

            /// Parses user text (see [`parse_decimal`]) and checks the range.
            ///
            /// # Errors
            /// [`Error::Invalid`] naming `field` when the text is not a number or out of range.
            pub fn parse(field: &str, text: &str) -> Result<Self> {
                Self::new(field, parse_decimal(field, text)?)
            }

            /// The exact value.
            pub fn get(self) -> Decimal {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(crate::text::decimal_text(self.0).as_str())
            }
        }

        impl TryFrom<String> for $name {
            type Error = Error;
            /// Parses without a field name: serde adds the path (see [`Error::within`]).
            fn try_from(text: String) -> Result<Self> {
                Self::parse("", &text)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                crate::text::decimal_text(value.0).as_str().to_owned()
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(text: &str) -> Result<Self> {
                Self::parse("", text)
            }
        }
    };
}

newtype!(
    /// A price: strictly positive.
    Price, |d| d > Decimal::ZERO, "must be above 0"
);
newtype!(
    /// A position or order size (base units for linear contracts, contracts for inverse): strictly positive.
    Quantity, |d| d > Decimal::ZERO, "must be above 0"
);
newtype!(
    /// A size, step or amount that may be zero but not negative (a minimum notional, a wallet, a tick size).
    NonNegative, |d| d >= Decimal::ZERO, "must be 0 or more"
);
newtype!(
    /// Leverage: from 1× to 1000×.
    Leverage, |d| d >= Decimal::ONE && d <= Decimal::ONE_THOUSAND, "must be from 1 to 1000"
);
newtype!(
    /// A rate as a fraction (0.0004 is 0.04 %); fees may be negative (maker rebates) but above -1 and below 1.
    Rate, |d| d > Decimal::NEGATIVE_ONE && d < Decimal::ONE, "must be a fraction above -1 and below 1 (0.0004 is 0.04 %)"
);
newtype!(
    /// A maintenance-margin rate as a fraction: from 0 up to, not including, 1.
    MarginRate, |d| d >= Decimal::ZERO && d < Decimal::ONE, "must be a fraction from 0 up to 1 (0.004 is 0.4 %)"
);
newtype!(
    /// A percentage of a whole, as the guide writes it (25 is 25 %): above 0 and at most 100.
    Percent, |d| d > Decimal::ZERO && d <= Decimal::ONE_HUNDRED, "must be a percentage above 0 and at most 100 (25 is 25 %)"
);
newtype!(
    /// A strictly positive amount or factor that is neither a price nor an order size: a notional, an account
    /// balance, a sizing weight, a ratio.
    Positive, |d| d > Decimal::ZERO, "must be above 0"
);

/// Which way the position makes money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Side {
    /// Profits when the price rises.
    Long,
    /// Profits when the price falls.
    Short,
}

impl Side {
    /// +1 for a long, -1 for a short: the `side` of the exchanges' formulas.
    pub fn sign(self) -> Decimal {
        match self {
            Self::Long => Decimal::ONE,
            Self::Short => Decimal::NEGATIVE_ONE,
        }
    }

    /// `side·x`, the sign applied without a multiplication ([`Calc::signed`]).
    pub fn apply(self, x: Calc) -> Calc {
        x.signed(self == Self::Short)
    }

    /// The other side.
    #[must_use]
    pub fn opposite(self) -> Self {
        match self {
            Self::Long => Self::Short,
            Self::Short => Self::Long,
        }
    }

    /// Rounding for a liquidation estimate that errs toward the entry (up for a long, down for a short),
    /// so the price shown is never further away than the exact one.
    pub fn conservative_liquidation(self) -> Round {
        match self {
            Self::Long => Round::Up,
            Self::Short => Round::Down,
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Long => "long",
            Self::Short => "short",
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::arithmetic_side_effects)]
    use super::*;
    use proptest::prelude::*;

    /// What the decimal type's own rounding gives, the reference for the integer fast paths.
    fn reference_step(value: Decimal, step: Decimal, how: Round) -> Option<Decimal> {
        let steps = value.checked_div(step)?;
        steps.round_dp_with_strategy(0, how.strategy()).checked_mul(step).map(|d| d.normalize())
    }

    fn decimal() -> impl Strategy<Value = Decimal> {
        (any::<i64>(), 0u32..=28, any::<u32>()).prop_map(|(low, scale, high)| {
            let mantissa = (i128::from(high) << 64) | i128::from(low as u64);
            Decimal::from_i128_with_scale(if low < 0 { -mantissa } else { mantissa }, scale)
        })
    }

    #[test]
    fn midpoints_round_away_from_zero() {
        let cases = [("2.345", 2, Round::Nearest, "2.35"), ("-2.345", 2, Round::Nearest, "-2.35"),
            ("2.345", 2, Round::Down, "2.34"), ("-2.345", 2, Round::Down, "-2.35"), ("-2.345", 2, Round::Up, "-2.34")];
        for (value, dp, how, want) in cases {
            assert_eq!(round_dp(value.parse().unwrap(), dp, how).to_string(), want, "{value} {how:?}");
        }
        let step = |v: &str, s: &str, how| round_to_step(v.parse().unwrap(), s.parse().unwrap(), how, "x").unwrap();
        assert_eq!(step("65000.25", "0.5", Round::Nearest).to_string(), "65000.5");
        assert_eq!(step("-0.75", "0.5", Round::Nearest).to_string(), "-1");
        assert_eq!(step("0.999999", "0.001", Round::Down).to_string(), "0.999");
    }

    /// Decimals as plan arithmetic meets them: mostly short mantissas at small scales (prices, sizes, rates), some
    /// 28-digit quotients, and the full 96-bit range.
    fn operand() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            (any::<i32>(), 0u32..=10).prop_map(|(m, s)| Decimal::new(i64::from(m), s)),
            (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Decimal::new(m, s)),
            decimal(),
            Just(Decimal::ZERO),
            Just(-Decimal::ZERO),
            Just(Decimal::MAX),
            Just(Decimal::MIN),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5_000))]
        /// Rounding the exact fraction agrees with dividing and then rounding wherever the quotient is exact, and
        /// otherwise lies within one step of it on the side `how` names.
        #[test]
        fn fraction_to_step_equals_divide_then_round(n in operand(), d in operand(), step in operand()) {
            let nonzero = |x: Decimal| if x.is_zero() { Decimal::ONE } else { x.abs() };
            let (d, step) = (nonzero(d), nonzero(step));
            for how in [Round::Down, Round::Up, Round::Nearest] {
                let Some(fast) = divide_to_step(n, d, step, how) else { continue };
                let Some(q) = n.checked_div(d) else { continue };
                let Ok(two_steps) = round_to_step(q, step, how, "x") else { continue };
                // A quotient shorter than 28 digits is exact (rust_decimal stops when the remainder is zero).
                // (A zero quotient of a nonzero numerator is an underflow, not exact.)
                let exact = q.scale() < 27 && q.mantissa().abs() < 10_i128.pow(26) && (q.is_zero() == n.is_zero());
                if exact {
                    prop_assert_eq!(fast, two_steps, "{} / {} at {} {:?}", n, d, step, how);
                } else {
                    let gap = (fast - two_steps).abs();
                    prop_assert!(gap <= step, "{} / {} at {} {:?}: {} vs {}", n, d, step, how, fast, two_steps);
                }
            }
        }
    }

    #[test]
    fn fraction_to_step_rounds_the_exact_value() {
        let f = |n: &str, d: &str, s: &str, how| divide_to_step(n.parse().unwrap(), d.parse().unwrap(), s.parse().unwrap(), how).map(|x| x.to_string());
        // 1/3 at 0.01: 0.33 down, 0.34 up, 0.33 nearest; 2/3 nearest 0.67.
        assert_eq!(f("1", "3", "0.01", Round::Down).as_deref(), Some("0.33"));
        assert_eq!(f("1", "3", "0.01", Round::Up).as_deref(), Some("0.34"));
        assert_eq!(f("2", "3", "0.01", Round::Nearest).as_deref(), Some("0.67"));
        // Exactly on the grid: no step up.
        assert_eq!(f("180000.3", "3", "0.1", Round::Up).as_deref(), Some("60000.1"));
        assert_eq!(f("-1", "8", "0.25", Round::Nearest).as_deref(), Some("-0.25"));
        assert_eq!(f("1", "0", "0.1", Round::Up), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5_000))]
        /// The 64-bit stripping gives the very bits of rust_decimal's own normalize (value, scale and sign).
        #[test]
        fn normalize_is_the_decimal_normalize(value in operand(), zeros in 0u32..=28) {
            let padded = {
                let mut d = value;
                d.rescale(value.scale().saturating_add(zeros).min(28));
                d
            };
            for d in [value, padded, -padded] {
                prop_assert_eq!(normalize(d).serialize(), d.normalize().serialize(), "{}", d);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5_000))]
        /// Applying a sign gives the very bits of multiplying by 1 or −1.
        #[test]
        fn signed_is_the_product_with_one_or_minus_one(value in operand()) {
            for (side, sign) in [(Side::Long, Decimal::ONE), (Side::Short, Decimal::NEGATIVE_ONE)] {
                let fast = side.apply(calc(value)).ok().map(|d| d.serialize());
                prop_assert_eq!(fast, value.checked_mul(sign).map(|d| d.serialize()), "{} {:?}", value, side);
            }
            prop_assert_eq!(Side::Long.apply(Calc(None)), Calc(None));
        }
    }

    #[test]
    fn normalize_strips_zeros_and_the_sign_of_zero() {
        let d = |text: &str| text.parse::<Decimal>().unwrap();
        assert_eq!(normalize(d("1.2500")).to_string(), "1.25");
        assert_eq!(normalize(d("-0.000")).serialize(), Decimal::ZERO.serialize());
        assert_eq!(normalize(-Decimal::ZERO).serialize(), Decimal::ZERO.serialize());
        assert_eq!(normalize(d("65000.0")).to_string(), "65000");
        assert_eq!(normalize(Decimal::MAX), Decimal::MAX);
        assert_eq!(normalize(d("7922816251426433759354395033.0")).to_string(), "7922816251426433759354395033");
    }

    proptest! {
        #[test]
        fn integer_rounding_equals_the_decimal_rounding(value in decimal(), dp in 0u32..=28) {
            for how in [Round::Down, Round::Up, Round::Nearest] {
                let want = value.round_dp_with_strategy(dp, how.strategy()).normalize();
                prop_assert_eq!(round_dp(value, dp, how), want);
            }
        }

        #[test]
        fn integer_steps_equal_the_decimal_steps(value in decimal(), step in decimal()) {
            let step = step.abs();
            prop_assume!(!step.is_zero());
            for how in [Round::Down, Round::Up, Round::Nearest] {
                if let (Some(fast), Some(want)) = (round_to_step_exact(value, step, how), reference_step(value, step, how)) {
                    // The reference divides at 28 digits and can round the quotient itself before rounding it to
                    // a whole step; compare only where that quotient is exact (shorter than 28 digits).
                    let exact = value.checked_div(step).is_some_and(|q| q.scale() < 27 && q.mantissa().abs() < 10_i128.pow(26));
                    if exact {
                        prop_assert_eq!(fast.normalize(), want, "{} at {} {:?}", value, step, how);
                    }
                }
            }
        }
    }
}
