//! Decimals as text, fast: the one way every figure of a report is written (its JSON, its warnings, `Display`).
//!
//! The same characters as rust_decimal's own `to_string` (every digit of the scale, a `-` for a negative sign, `0.`
//! before a fraction), but from the mantissa as a 64-bit integer two digits at a time, where rust_decimal divides
//! its 96-bit mantissa by ten once per digit. Writing a report was half the cost of computing it (100 tranches: some
//! 2,500 figures), nearly half of that in this division (perf on `report_to_json` in `benches/evaluate.rs`); it is
//! a quarter faster now (163 → 121 µs).

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserializer, Serializer};

/// Enough for any decimal: 29 digits, a sign, a point and the `0.` and zeros before a 28-digit fraction.
const CAPACITY: usize = 64;

/// A decimal's text on the stack.
pub struct DecimalText {
    bytes: [u8; CAPACITY],
    start: usize,
}

impl DecimalText {
    /// The text.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits, '-' and '.' are ever written.
        std::str::from_utf8(self.bytes.get(self.start..).unwrap_or_default()).unwrap_or_default()
    }
}

const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Writes `value` as rust_decimal writes it (`Decimal::to_string`): `-12.50`, `0.004`, `-0`.
///
/// The mantissa's digits first, right-aligned, two at a time from a table; then the point, placed by moving the
/// integer digits one place left (or `0.` and zeros before a fraction longer than its digits); then the sign. No
/// test per digit, so a 14-digit figure takes about 10 ns natively.
pub fn decimal_text(value: Decimal) -> DecimalText {
    // Prefilled with zeros: the leading zeros of a fraction are already in place.
    let mut bytes = [b'0'; CAPACITY];
    let scale = usize::try_from(value.scale()).unwrap_or(0);
    let mantissa = value.mantissa().unsigned_abs();
    let mut start = match u64::try_from(mantissa) {
        Ok(small) => put_digits(&mut bytes, CAPACITY, small, 1),
        // More than 19 digits (rare): the low 19 by one 128-bit division, written with their leading zeros.
        Err(_) => {
            let chunk = 10_000_000_000_000_000_000_u128;
            let low = put_digits(&mut bytes, CAPACITY, u64::try_from(mantissa % chunk).unwrap_or(0), 19);
            put_digits(&mut bytes, low, u64::try_from(mantissa / chunk).unwrap_or(0), 1)
        }
    };
    if scale > 0 {
        let point = CAPACITY.saturating_sub(scale).saturating_sub(1);
        if start <= point {
            // Digits before the point: move them one place left to make room for it.
            bytes.copy_within(start..point.saturating_add(1), start.saturating_sub(1));
            start = start.saturating_sub(1);
        } else {
            // A fraction longer than its digits: `0.` and the zeros already there.
            start = point.saturating_sub(1);
        }
        if let Some(slot) = bytes.get_mut(point) {
            *slot = b'.';
        }
    }
    if value.is_sign_negative() {
        start = start.saturating_sub(1);
        if let Some(slot) = bytes.get_mut(start) {
            *slot = b'-';
        }
    }
    DecimalText { bytes, start }
}

/// Writes the digits of `n` to end at `end`, at least `width` of them (the zeros before are already there), and
/// returns where they start.
fn put_digits(bytes: &mut [u8; CAPACITY], end: usize, mut n: u64, width: usize) -> usize {
    let mut at = end;
    while n >= 100 {
        let pair = usize::try_from(n % 100).unwrap_or(0).saturating_mul(2);
        n /= 100;
        at = at.saturating_sub(2);
        if let (Some(slot), Some(digits)) = (bytes.get_mut(at..at.saturating_add(2)), PAIRS.get(pair..pair.saturating_add(2))) {
            slot.copy_from_slice(digits);
        }
    }
    if n >= 10 {
        let pair = usize::try_from(n).unwrap_or(0).saturating_mul(2);
        at = at.saturating_sub(2);
        if let (Some(slot), Some(digits)) = (bytes.get_mut(at..at.saturating_add(2)), PAIRS.get(pair..pair.saturating_add(2))) {
            slot.copy_from_slice(digits);
        }
    } else {
        at = at.saturating_sub(1);
        if let Some(slot) = bytes.get_mut(at) {
            *slot = b'0'.saturating_add(u8::try_from(n).unwrap_or(0));
        }
    }
    at.min(end.saturating_sub(width))
}

/// Appends `value` as [`decimal_text`] writes it, with no `String` of its own (the JSON writer's decimals).
pub fn write_decimal(out: &mut String, value: Decimal) {
    out.push_str(decimal_text(value).as_str());
}

impl fmt::Display for DecimalText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `#[serde(with = "crate::text::decimal")]`: a decimal as a JSON string, read by rust_decimal, written fast.
pub mod decimal {
    use super::{decimal_text, Decimal, Deserializer, Serializer};

    /// Reads a string (a JSON number is refused, as rust_decimal's `serde::str` refuses it).
    ///
    /// # Errors
    /// The deserializer's, for anything but a decimal as text.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        rust_decimal::serde::str::deserialize(deserializer)
    }

    /// Writes the decimal as a string.
    ///
    /// # Errors
    /// The serializer's.
    pub fn serialize<S: Serializer>(value: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(decimal_text(*value).as_str())
    }
}

/// `#[serde(with = "crate::text::decimal_option")]`: [`decimal`] or `null`.
pub mod decimal_option {
    use super::{decimal_text, Decimal, Deserializer, Serializer};

    /// Reads a string or `null`.
    ///
    /// # Errors
    /// The deserializer's, for anything but a decimal as text or `null`.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Decimal>, D::Error> {
        rust_decimal::serde::str_option::deserialize(deserializer)
    }

    /// Writes the decimal as a string, or `null`.
    ///
    /// # Errors
    /// The serializer's.
    pub fn serialize<S: Serializer>(value: &Option<Decimal>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => serializer.serialize_str(decimal_text(*value).as_str()),
            None => serializer.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(value: Decimal) {
        assert_eq!(decimal_text(value).as_str(), value.to_string(), "{value:?} scale {}", value.scale());
    }

    #[test]
    fn edges_read_as_rust_decimal_writes_them() {
        for text in [
            "0", "-0", "0.0", "0.00000000", "1", "-1", "10", "99", "100", "0.5", "-0.004", "12.50", "65000.1",
            "0.0000000000000000000000000001", "79228162514264337593543950335", "-79228162514264337593543950335",
            "7.9228162514264337593543950335", "18446744073709551615", "18446744073709551616", "10000000000000000000",
            "1000000000000000000.0", "0.1000000000000000000000000000", "123456789.0123456789",
        ] {
            check(text.parse().unwrap());
        }
        let mut negative_zero = Decimal::new(0, 3);
        negative_zero.set_sign_negative(true);
        check(negative_zero);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 20_000, ..ProptestConfig::default() })]
        #[test]
        fn every_decimal_reads_as_rust_decimal_writes_it(lo in any::<u32>(), mid in any::<u32>(), hi in any::<u32>(),
            negative in any::<bool>(), scale in 0_u32..=28, small in any::<bool>()) {
            let (mid, hi) = if small { (0, 0) } else { (mid, hi) };
            check(Decimal::from_parts(lo, mid, hi, negative, scale));
        }
    }
}
