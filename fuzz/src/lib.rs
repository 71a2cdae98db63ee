//! What the fuzz targets share: how one input is split into the texts an entry point takes, JSON read the way the
//! bindings read it, and the checks every result gets.
//!
//! An input holding several texts (a plan and its candles, a book and its orders) separates them with NUL bytes:
//! no text an entry point takes contains one, and libFuzzer's mutations move them around like any other byte.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Splits `data` at its first `n - 1` NUL bytes into `n` UTF-8 texts (the last may hold further NULs); `None` when
/// there are fewer parts or one is not UTF-8.
pub fn texts(data: &[u8], n: usize) -> Option<Vec<&str>> {
    let parts: Vec<&[u8]> = data.splitn(n, |&b| b == 0).collect();
    if parts.len() != n {
        return None;
    }
    parts.into_iter().map(|p| std::str::from_utf8(p).ok()).collect()
}

/// `text` read as the bindings and the app read JSON: the core's reader (`scaleplan::json`), which names the field
/// of a refusal. A refusal's message is written out (it is shown to people, so it must not panic either); and
/// whatever the reader takes, serde_json takes too (the reader is the stricter of the two, never the looser).
pub fn from_json<T: DeserializeOwned>(text: &str) -> Option<T> {
    match scaleplan::json::from_str::<T>(text) {
        Ok(value) => {
            assert!(serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok(), "the reader took JSON serde_json refuses");
            Some(value)
        }
        Err(e) => {
            message(&e);
            None
        }
    }
}

/// Writes a core error's message, as the app and the bindings do for every error.
pub fn message(error: &scaleplan::Error) {
    assert!(!error.to_string().is_empty(), "an error without a message: {error:?}");
}

/// A result as the bindings hand it to JavaScript: JSON text that parses back.
pub fn to_json<T: Serialize>(value: &T) -> serde_json::Value {
    let text = serde_json::to_string(value).unwrap_or_else(|e| panic!("a result that does not serialize: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("a result whose JSON does not parse back: {e}"))
}

/// The checks of a plan that evaluated: one row per rung, in order, and the report serializes.
pub fn check_report(report: &scaleplan::PlanReport) {
    let rungs = report.ladder.rungs();
    assert_eq!(report.rows.len(), rungs.len(), "one row per rung");
    for (i, (row, rung)) in report.rows.iter().zip(rungs).enumerate() {
        assert_eq!(row.index, i, "rows in rung order");
        assert_eq!(row.price, rung.price(), "row {i} fills at its rung's price");
    }
    if let Some(last) = report.rows.last() {
        let placed = report.rows.iter().try_fold(scaleplan::Decimal::ZERO, |sum, r| sum.checked_add(r.quantity.get()));
        assert_eq!(Some(last.cumulative_quantity.get()), placed, "the last row holds every tranche");
    }
    for warning in &report.warnings {
        if let Some(t) = warning.tranche() {
            assert!(t < rungs.len(), "a warning on tranche {t} of {}", rungs.len());
        }
    }
    to_json(report);
}
