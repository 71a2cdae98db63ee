//! Message text (warnings, errors) built by appending its pieces: `message!("after tranche ", n, " at ", price)`.
//!
//! A plan of 100 tranches can raise a warning on every one of them, and `format!` through `core::fmt` cost a
//! sixteenth of evaluating such a plan (perf); appending the words and [`crate::text::decimal_text`]'s digits to
//! one `String` gives the same text for a fraction of that.

use rust_decimal::Decimal;

use crate::num::{Leverage, MarginRate, NonNegative, Percent, Positive, Price, Quantity, Rate};
use crate::text::decimal_text;

/// Something a message can hold: words, a count, a decimal as [`decimal_text`] writes it.
pub(crate) trait Piece {
    /// Appends the piece's text.
    fn put(&self, out: &mut String);
}

impl Piece for &str {
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for String {
    fn put(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for usize {
    fn put(&self, out: &mut String) {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut rest = *self;
        loop {
            at = at.saturating_sub(1);
            if let Some(slot) = digits.get_mut(at) {
                // `rest % 10` is a single digit.
                *slot = b'0'.saturating_add(u8::try_from(rest % 10).unwrap_or(0));
            }
            rest /= 10;
            if rest == 0 || at == 0 {
                break;
            }
        }
        if let Some(text) = digits.get(at..).and_then(|d| std::str::from_utf8(d).ok()) {
            out.push_str(text);
        }
    }
}

impl Piece for Decimal {
    fn put(&self, out: &mut String) {
        out.push_str(decimal_text(*self).as_str());
    }
}

macro_rules! decimal_pieces {
    ($($name:ty),+) => {
        $(impl Piece for $name {
            fn put(&self, out: &mut String) {
                self.get().put(out);
            }
        })+
    };
}
decimal_pieces!(Price, Quantity, NonNegative, Leverage, Rate, MarginRate, Percent, Positive);

/// A message from its pieces, in order: `message!("tranche ", n, " uses ", leverage, "x")`.
macro_rules! message {
    ($($piece:expr),+ $(,)?) => {{
        let mut out = String::with_capacity(112);
        $( $crate::message::Piece::put(&$piece, &mut out); )+
        out
    }};
}
pub(crate) use message;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn pieces_read_as_format_writes_them() {
        let price: Price = "65000.50".parse().unwrap();
        for n in [0usize, 7, 10, 99, 100, 12345, usize::MAX] {
            assert_eq!(message!("tranche ", n, " at ", price, "."), format!("tranche {n} at {price}."));
        }
        let d = Decimal::new(-12345, 3);
        assert_eq!(message!(d, "x"), format!("{}x", decimal_text(d)));
    }
}
