//! Reading a depth snapshot pasted as text: the public order-book responses of Binance, Bybit and OKX, told apart
//! by their shape.
//!
//! Layouts, from the exchanges' API documentation:
//! - Binance spot `GET /api/v3/depth` and USDⓈ-M futures `GET /fapi/v1/depth`: `{"lastUpdateId": 1027024,
//!   "bids": [["4.00000000", "431.00000000"]], "asks": [["4.00000200", "12.00000000"]]}`, futures adding `"E"` and
//!   `"T"` times (developers.binance.com, "Order Book");
//! - Bybit v5 `GET /v5/market/orderbook`: `{"retCode": 0, "retMsg": "OK", "result": {"s": "BTCUSDT", "b": [["65485.47",
//!   "47.081829"]], "a": [["65557.7", "16.606555"]], "ts": .., "u": .., "seq": .., "cts": ..}, "time": ..}`, bids
//!   descending and asks ascending (bybit-exchange.github.io/docs/v5/market/orderbook);
//! - OKX `GET /api/v5/market/books`: `{"code": "0", "msg": "", "data": [{"asks": [["411.8", "10", "0", "4"]],
//!   "bids": [..], "ts": ".."}]}`, each level price, size, a deprecated field always `"0"`, and the number of orders
//!   (okx.com/docs-v5, "GET / Order book"; sizes are contracts for derivatives).
//!
//! Prices and sizes must be decimal strings, as all three send them; a JSON number is refused rather than read
//! through a float. Errors name the field as it appears in the pasted JSON: `result.a[3][0]: must be above 0`.

use crate::error::{Error, Result};
use crate::read::{self, Value};
use crate::impact::book::{Layout, Level, OrderBook, ParsedBook, MAX_LEVELS};
use crate::num::{Price, Quantity};

const EXPECTED: &str = "paste the JSON of Binance GET /api/v3/depth or /fapi/v1/depth, Bybit GET /v5/market/orderbook \
                        or OKX GET /api/v5/market/books as it is";

/// The most text a depth snapshot may be: 16 MiB, far above the largest exchange response (5,000 levels a side)
/// and enough for [`crate::impact::book::MAX_LEVELS`] levels of short prices.
pub const MAX_DEPTH_BYTES: usize = 16 * 1024 * 1024;

/// Reads a depth snapshot, detecting the exchange from the layout.
///
/// ```
/// use scaleplan::impact::{parse_depth, Layout};
/// let parsed = parse_depth(r#"{"lastUpdateId": 1, "bids": [["99.5", "2"]], "asks": [["100.5", "1"]]}"#)?;
/// assert_eq!(parsed.layout, Layout::Binance);
/// assert_eq!(parsed.book.mid().map(|m| m.to_string()), Some("100".to_owned()));
///
/// let error = parse_depth(r#"{"retCode": 0, "result": {"b": [], "a": [["100.5", "-1"]]}}"#).err();
/// assert_eq!(error.map(|e| e.to_string()).as_deref(), Some("result.a[0][1]: must be above 0"));
/// # Ok::<(), scaleplan::Error>(())
/// ```
///
/// # Errors
/// [`Error::Invalid`] on `book` for text longer than [`MAX_DEPTH_BYTES`]; naming the field when the text is not JSON, is none of the layouts, carries an exchange
/// error code, or holds a level that is not a `[price, size]` pair of positive decimal strings; the errors of
/// [`OrderBook::from_levels`] otherwise.
pub fn parse_depth(text: &str) -> Result<ParsedBook> {
    Error::check_text_size("book", text, MAX_DEPTH_BYTES, ", more than any exchange's depth response")?;
    let value = read::parse_located(text)
        .map_err(|e| Error::invalid("book", format!("is not valid JSON ({e}); {EXPECTED}")))?;
    if !matches!(value, Value::Object(_)) {
        return Err(Error::invalid("book", format!("must be a JSON object; {EXPECTED}")));
    }
    // Fields are looked up as a map reads them: a name given twice has its last value (`Value::get`).
    let root = &value;
    if let Some(data) = root.get("data") {
        return okx(root, data);
    }
    if let Some(result) = root.get("result") {
        check_bybit_code(root)?;
        if !matches!(result, Value::Object(_)) {
            return Err(Error::invalid("result", "must be an object holding `b` and `a`"));
        }
        return sides(result, "b", "a", "result.", Layout::Bybit);
    }
    let has = |key: &str| root.get(key).is_some();
    if has("b") || has("a") {
        return sides(root, "b", "a", "", Layout::Bybit);
    }
    if has("bids") || has("asks") {
        let layout = if has("lastUpdateId") { Layout::Binance } else { Layout::BidsAsks };
        return sides(root, "bids", "asks", "", layout);
    }
    Err(Error::invalid("book", format!("has no bids and asks; {EXPECTED}")))
}

fn okx(root: &Value<'_>, data: &Value<'_>) -> Result<ParsedBook> {
    if let Some(code) = root.get("code") {
        if code.as_str() != Some("0") {
            let message = root.get("msg").and_then(Value::as_str).unwrap_or("");
            let problem = format!("OKX answered with error {} {message}", plain(code));
            return Err(Error::invalid("code", problem.trim_end()));
        }
    }
    let Value::Array(entries) = data else {
        return Err(Error::invalid("data", "must be a list holding one book"));
    };
    match entries.first() {
        Some(entry @ Value::Object(_)) => sides(entry, "bids", "asks", "data[0].", Layout::Okx),
        Some(_) => Err(Error::invalid("data[0]", "must be an object holding `bids` and `asks`")),
        None => Err(Error::invalid("data", "is empty: the exchange returned no book")),
    }
}

fn check_bybit_code(root: &Value<'_>) -> Result<()> {
    match root.get("retCode") {
        None => Ok(()),
        // Zero as an integer, as serde_json's `as_i64` reads it: `0.0`, `-0` and `"0"` are not.
        Some(Value::Number("0")) => Ok(()),
        Some(code) => {
            let message = root.get("retMsg").and_then(Value::as_str).unwrap_or("");
            let problem = format!("Bybit answered with error {} {message}", plain(code));
            Err(Error::invalid("retCode", problem.trim_end()))
        }
    }
}

fn sides(obj: &Value<'_>, bids: &str, asks: &str, prefix: &str, layout: Layout) -> Result<ParsedBook> {
    let bids = side(obj.get(bids), &format!("{prefix}{bids}"))?;
    let asks = side(obj.get(asks), &format!("{prefix}{asks}"))?;
    OrderBook::assemble(bids, asks, layout)
}

fn side(value: Option<&Value>, path: &str) -> Result<Vec<Level>> {
    let Some(value) = value else {
        return Err(Error::invalid(path, "is missing; expected a list of [price, size] pairs"));
    };
    let Value::Array(entries) = value else {
        return Err(Error::invalid(path, "must be a list of [price, size] pairs"));
    };
    if entries.len() > MAX_LEVELS {
        return Err(Error::invalid(
            path,
            format!("has {} levels; at most {MAX_LEVELS} are allowed, trim the snapshot", entries.len()),
        ));
    }
    // Field paths are only spelled out on the error path: formatting them for every level would double the cost.
    entries.iter().enumerate().map(|(i, entry)| level(entry).map_err(|e| e.within(&format!("{path}[{i}]")))).collect()
}

fn level(entry: &Value) -> Result<Level> {
    let pair = match entry {
        Value::Array(items) => items.get(0..2),
        _ => None,
    };
    let Some([price, size]) = pair else {
        return Err(Error::invalid("", "must be a [price, size] pair"));
    };
    let price = decimal_text(price).and_then(|t| Price::parse("", t)).map_err(|e| e.within("[0]"))?;
    let size = decimal_text(size).and_then(|t| Quantity::parse("", t)).map_err(|e| e.within("[1]"))?;
    Ok(Level { price, size })
}

fn decimal_text<'v>(value: &'v Value<'_>) -> Result<&'v str> {
    value
        .as_str()
        .ok_or_else(|| Error::invalid("", "must be a decimal string like \"65000.5\", as the exchanges send it"))
}

/// A JSON value as a person would write it: strings without their quotes, anything else as compact JSON.
fn plain(value: &Value<'_>) -> String {
    match value {
        Value::String(text) => text.as_ref().to_owned(),
        other => read::compact(other),
    }
}
