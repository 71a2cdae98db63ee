//! Numbers for people: thousands separators, the instrument's precision, percentages and multiples.

use scaleplan::num::{round_dp, Round};
use scaleplan::Decimal;

/// Decimal places of a grid step (`0.1` → 1, `0.001` → 3, `5` → 0); `None` for a zero step.
pub fn places_of(step: Decimal) -> Option<u32> {
    (!step.is_zero()).then(|| step.normalize().scale())
}

/// `value` rounded to `places` (halves away from zero) with `,` between thousands: `63244.262` at 2 → `63,244.26`.
/// Without `places`, the value is shown exactly as it is.
pub fn grouped(value: Decimal, places: Option<u32>) -> String {
    let value = match places {
        Some(dp) => {
            let rounded = round_dp(value, dp, Round::Nearest);
            let mut fixed = rounded;
            fixed.rescale(dp);
            fixed
        }
        None => value.normalize(),
    };
    // The core's writer (rust_decimal's characters, two digits at a time) instead of `to_string`, which divides the
    // mantissa by ten once per digit: a keystroke at 100 tranches formats some 1,300 figures.
    let written = scaleplan::text::decimal_text(value.abs());
    let text = written.as_str();
    let (int, frac) = text.split_once('.').map_or((text, None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(text.len().saturating_add(8));
    if value.is_sign_negative() && !value.is_zero() {
        out.push('−');
    }
    let digits = int.len();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (digits.saturating_sub(i)) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// A decimal string from a report, grouped at `places`; the text itself when it is not a number.
pub fn grouped_text(text: &str, places: Option<u32>) -> String {
    text.parse::<Decimal>().map_or_else(|_| text.to_owned(), |d| grouped(d, places))
}

/// A fraction as a percentage with two decimals: `0.0463` → `4.63 %`.
pub fn percent_of_fraction(text: &str) -> String {
    match text.parse::<Decimal>().ok().and_then(|d| d.checked_mul(Decimal::ONE_HUNDRED)) {
        Some(p) => format!("{} %", grouped(p, Some(2))),
        None => text.to_owned(),
    }
}

/// A multiple with two decimals: `7.8332` → `7.83×`.
pub fn multiple(text: &str) -> String {
    text.parse::<Decimal>().map_or_else(|_| text.to_owned(), |d| format!("{}×", grouped(d, Some(2))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        text.parse().expect("a decimal")
    }

    #[test]
    fn groups_thousands_and_rounds_halves_away_from_zero() {
        assert_eq!(grouped(d("63244.26213107"), Some(2)), "63,244.26");
        assert_eq!(grouped(d("2.345"), Some(2)), "2.35");
        assert_eq!(grouped(d("1234567"), Some(0)), "1,234,567");
        assert_eq!(grouped(d("999.5"), Some(0)), "1,000");
        assert_eq!(grouped(d("-1250.5"), Some(1)), "−1,250.5");
        assert_eq!(grouped(d("65000"), Some(1)), "65,000.0");
        assert_eq!(grouped(d("0.00012"), None), "0.00012");
    }

    #[test]
    fn precision_comes_from_the_step() {
        assert_eq!(places_of(d("0.10")), Some(1));
        assert_eq!(places_of(d("0.001")), Some(3));
        assert_eq!(places_of(d("5")), Some(0));
        assert_eq!(places_of(d("0")), None);
    }

    #[test]
    fn percentages_and_multiples() {
        assert_eq!(percent_of_fraction("0.0463"), "4.63 %");
        assert_eq!(multiple("7.83320663"), "7.83×");
        assert_eq!(grouped_text("n/a", Some(2)), "n/a");
    }
}
