//! Time-based scaling (scaling guide §2.2.1, DCA on futures): tranches at a fixed interval from a UTC start,
//! regardless of price, filled at the prices of a price path the caller supplies.
//!
//! The guide's example: 10 BTC-equivalent contracts over 5 days, 2 contracts every day at 09:00 UTC, is
//! `{"start": "2024-05-01T09:00:00Z", "interval": "1d", "count": 5, "total": {"quantity": "10"}}` (the guide gives
//! no date; any will do). Sizes, totals and rounding work as for price ladders ([`crate::ladder`]); the result is
//! the same [`Ladder`], with the time on every rung.
//!
//! A tranche fills at the last price of the path at or before its time (a market order sent at that instant meets
//! the last traded price), and the path must cover the tranche: a tranche before the first point or after the last
//! one is an error naming it, never a silently stale price. Fill prices are used as the path gives them: they are
//! observed trades, not orders, so they are not rounded to the tick.

use serde::{Deserialize, Serialize};

use crate::candles::{Candles, MAX_CANDLES};
use crate::error::{Error, Result};
use crate::instrument::Instrument;
use crate::ladder::{size, Ladder, Level, RemainderPolicy, Sizes, Sizing, Total, MAX_RUNGS};
use crate::num::{Price, Side};
pub use crate::time::{Interval, UtcTime};
use crate::time::{format_utc, MAX_MS};

/// One observed price at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PricePoint {
    /// When the price was seen.
    pub time: UtcTime,
    /// The price.
    pub price: Price,
}

/// Prices over time, in strictly increasing time order: where time-based tranches get their fill prices.
///
/// In JSON, an array of points: `[{"time": "2024-05-01T09:00:00Z", "price": "64000"}, …]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<PricePoint>", into = "Vec<PricePoint>")]
pub struct PricePath(Vec<PricePoint>);

impl TryFrom<Vec<PricePoint>> for PricePath {
    type Error = Error;
    fn try_from(points: Vec<PricePoint>) -> Result<Self> {
        Self::new(points)
    }
}

impl From<PricePath> for Vec<PricePoint> {
    fn from(path: PricePath) -> Self {
        path.0
    }
}

impl PricePath {
    /// A path through `points`, which must be in strictly increasing time order (they are never sorted: a path
    /// out of order is more likely a wrong input than one to repair silently).
    ///
    /// # Errors
    /// [`Error::Invalid`] on `path` when there are no points or more than [`MAX_CANDLES`]; on `path[i].time`
    /// when a time repeats or goes backwards.
    pub fn new(points: Vec<PricePoint>) -> Result<Self> {
        if points.is_empty() {
            return Err(Error::invalid("path", "must hold at least one price point"));
        }
        if points.len() > MAX_CANDLES {
            return Err(Error::invalid("path", format!("must hold at most {MAX_CANDLES} price points")));
        }
        for (i, pair) in points.windows(2).enumerate() {
            if let [earlier, later] = pair {
                if later.time <= earlier.time {
                    return Err(Error::invalid(
                        format!("path[{}].time", i.saturating_add(1)),
                        format!(
                            "{} must be after path[{i}].time ({}); points go in increasing time order",
                            later.time, earlier.time
                        ),
                    ));
                }
            }
        }
        Ok(Self(points))
    }

    /// The closes of `candles` of length `interval`, each at the instant its candle closes (open time +
    /// interval): the last price traded before that instant.
    ///
    /// # Errors
    /// [`Error::Invalid`] on `interval` when a candle would close after 9999; otherwise as [`PricePath::new`].
    pub fn from_candles(candles: &Candles, interval: Interval) -> Result<Self> {
        let points = candles
            .iter()
            .map(|candle| {
                let close = candle.time().checked_add(interval.millis()).unwrap_or(i64::MAX);
                Ok(PricePoint { time: UtcTime::from_millis("interval", close)?, price: candle.close() })
            })
            .collect::<Result<Vec<_>>>()?;
        Self::new(points)
    }

    /// The points, oldest first.
    pub fn points(&self) -> &[PricePoint] {
        &self.0
    }

    /// The last price at or before `time`, or `None` when `time` is before the first point or after the last.
    pub fn price_at(&self, time: UtcTime) -> Option<Price> {
        if self.0.last().is_none_or(|last| time > last.time) {
            return None;
        }
        let after = self.0.partition_point(|p| p.time <= time);
        after.checked_sub(1).and_then(|i| self.0.get(i)).map(|p| p.price)
    }
}

/// A time-based scale-in: `count` tranches `interval` apart from `start`, sized like a ladder.
///
/// In JSON: `{"start": "2024-05-01T09:00:00Z", "interval": "1d", "count": 5, "total": {"quantity": "10"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleSpec {
    /// Time of the first tranche.
    pub start: UtcTime,
    /// Time between tranches.
    pub interval: Interval,
    /// Number of tranches, from 1 to [`MAX_RUNGS`].
    pub count: u32,
    /// How sizes vary from the first tranche to the last; equal when left out.
    #[serde(default)]
    pub sizes: Sizes,
    /// The total to spread.
    pub total: Total,
    /// What to do with what flooring to the step leaves over.
    #[serde(default)]
    pub remainder: RemainderPolicy,
}

/// The times of the tranches of `spec`: `start + i·interval`.
///
/// ```
/// use scaleplan::schedule::{schedule_times, ScheduleSpec};
/// let spec: ScheduleSpec = serde_json::from_str(
///     r#"{"start": "2024-05-01T09:00:00Z", "interval": "1d", "count": 3, "total": {"quantity": "6"}}"#,
/// ).map_err(|e| scaleplan::Error::invalid("entries", e.to_string()))?;
/// let times: Vec<String> = schedule_times(&spec)?.iter().map(|t| t.to_string()).collect();
/// assert_eq!(times, ["2024-05-01T09:00:00Z", "2024-05-02T09:00:00Z", "2024-05-03T09:00:00Z"]);
/// # Ok::<(), scaleplan::Error>(())
/// ```
///
/// # Errors
/// [`Error::Invalid`] on `count` outside 1 to [`MAX_RUNGS`], or on `interval` when a tranche would fall after 9999.
pub fn schedule_times(spec: &ScheduleSpec) -> Result<Vec<UtcTime>> {
    let count = usize::try_from(spec.count).unwrap_or(usize::MAX);
    if !(1..=MAX_RUNGS).contains(&count) {
        return Err(Error::invalid("count", format!("must be from 1 to {MAX_RUNGS}")));
    }
    (0..spec.count)
        .map(|i| {
            let ms = spec
                .interval
                .millis()
                .checked_mul(i64::from(i))
                .and_then(|offset| spec.start.millis().checked_add(offset));
            ms.and_then(|ms| UtcTime::from_millis("", ms).ok()).ok_or_else(|| {
                Error::invalid(
                    "interval",
                    format!("puts tranches[{i}] after {}; shorten the interval or the count", format_utc(MAX_MS)),
                )
            })
        })
        .collect()
}

/// Builds the schedule `spec` describes for a `side` position on `instrument`, filling each tranche at the last
/// price of `path` at or before its time.
///
/// # Errors
/// As [`schedule_times`]; [`Error::Invalid`] on `sizes.custom` when it does not hold one weight per tranche, on
/// `path` naming the first tranche the path does not cover, and on `total` as for
/// [`build_ladder`](crate::ladder::build_ladder); [`Error::Overflow`] when the numbers leave the decimal range.
pub fn build_schedule(spec: &ScheduleSpec, side: Side, instrument: &Instrument, path: &PricePath) -> Result<Ladder> {
    let times = schedule_times(spec)?;
    let weights = spec.sizes.weights(times.len()).map_err(|e| e.within("sizes"))?;
    let levels = times
        .iter()
        .zip(weights)
        .enumerate()
        .map(|(i, (time, weight))| {
            let price = path.price_at(*time).ok_or_else(|| uncovered(i, *time, path))?;
            Ok(Level { price, weight, leverage: None, time: Some(*time) })
        })
        .collect::<Result<Vec<_>>>()?;
    size(levels, Sizing::Total(&spec.total), side, instrument, spec.remainder)
}

/// The error for tranche `index` at `time`, which `path` does not cover.
fn uncovered(index: usize, time: UtcTime, path: &PricePath) -> Error {
    let span = match (path.points().first(), path.points().last()) {
        (Some(first), Some(last)) => format!("the path runs from {} to {}", first.time, last.time),
        _ => String::from("the path is empty"),
    };
    Error::invalid(
        "path",
        format!("has no price for tranches[{index}] at {time}; {span}; extend the path or move the schedule"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::candles::Candle;

    fn at(text: &str) -> Result<UtcTime> {
        UtcTime::parse("t", text)
    }

    fn point(time: &str, price: &str) -> Result<PricePoint> {
        Ok(PricePoint { time: at(time)?, price: price.parse()? })
    }

    #[test]
    fn intervals_read_units_and_refuse_the_rest() {
        let good = [("1w", 604_800_000), ("1d", 86_400_000), ("12h", 43_200_000), ("30m", 1_800_000), ("15s", 15_000)];
        for (text, ms) in good.into_iter().chain([("500ms", 500), ("86400000", 86_400_000)]) {
            assert_eq!(Interval::parse("interval", text).map(Interval::millis), Ok(ms), "{text}");
        }
        let refused = [
            (
                "1.5d",
                "interval: `1.5d` is not an interval; write a whole number and a unit, like 1d, 12h, 30m, 15s or 500ms",
            ),
            ("d", "interval: `d` is not an interval; write a whole number and a unit, like 1d, 12h, 30m, 15s or 500ms"),
            (
                "1M",
                "interval: `1M` is not an interval; write a whole number and a unit, like 1d, 12h, 30m, 15s or 500ms",
            ),
            ("0h", "interval: must be above 0 and at most 253402300799999 milliseconds, not 0"),
            (
                "99999999999999999999d",
                "interval: must be above 0 and at most 253402300799999 milliseconds, not 9223372036854775807",
            ),
        ];
        for (text, message) in refused {
            assert_eq!(Interval::parse("interval", text).map_err(|e| e.to_string()), Err(message.to_owned()), "{text}");
        }
        assert!(serde_json::from_str::<Interval>("-5").is_err(), "a negative interval was accepted");
    }

    #[test]
    fn times_read_iso_text_and_milliseconds() -> Result<()> {
        assert_eq!(at("2024-05-01T09:00:00Z")?.millis(), 1_714_554_000_000);
        assert_eq!(at("1714554000000")?, at("2024-05-01T09:00:00Z")?);
        assert_eq!(
            serde_json::from_str::<UtcTime>("1714554000000").map_err(|e| Error::invalid("t", e.to_string()))?,
            at("2024-05-01T09:00:00Z")?
        );
        assert_eq!(
            UtcTime::from_millis("start", -1).map_err(|e| e.to_string()),
            Err("start: must be a time from 1970 to 9999 (Unix milliseconds 0 to 253402300799999), not -1".to_owned())
        );
        assert!(serde_json::from_str::<UtcTime>("1714554000000.5").is_err(), "a fractional millisecond was accepted");
        Ok(())
    }

    #[test]
    fn paths_are_in_time_order_and_cover_only_their_span() -> Result<()> {
        assert_eq!(
            PricePath::new(Vec::new()).map_err(|e| e.to_string()),
            Err("path: must hold at least one price point".to_owned())
        );
        let backwards = vec![point("2024-05-02", "1")?, point("2024-05-01", "2")?];
        assert_eq!(
            PricePath::new(backwards).map_err(|e| e.to_string()),
            Err("path[1].time: 2024-05-01T00:00:00Z must be after path[0].time (2024-05-02T00:00:00Z); points go in \
                 increasing time order"
                .to_owned())
        );
        let path = PricePath::new(vec![point("2024-05-01T00:00:00Z", "100")?, point("2024-05-01T06:00:00Z", "200")?])?;
        assert_eq!(path.price_at(at("2024-04-30T23:59:59.999Z")?), None);
        assert_eq!(path.price_at(at("2024-05-01T00:00:00Z")?).map(|p| p.to_string()), Some("100".into()));
        assert_eq!(path.price_at(at("2024-05-01T05:59:59.999Z")?).map(|p| p.to_string()), Some("100".into()));
        assert_eq!(path.price_at(at("2024-05-01T06:00:00Z")?).map(|p| p.to_string()), Some("200".into()));
        assert_eq!(path.price_at(at("2024-05-01T06:00:00.001Z")?), None);
        Ok(())
    }

    /// A candle's close is the last price before it closes: at open time + interval.
    #[test]
    fn candle_closes_sit_at_the_end_of_their_interval() -> Result<()> {
        let open = |time: &str, close: &str| -> Result<Candle> {
            let close: Price = close.parse()?;
            Candle::new(at(time)?.millis(), close, close, close, close, None)
        };
        let candles =
            Candles::new(vec![open("2024-05-01T08:00:00Z", "64000")?, open("2024-05-01T09:00:00Z", "64500")?])?;
        let path = PricePath::from_candles(&candles, "1h".parse()?)?;
        let points: Vec<String> = path.points().iter().map(|p| format!("{} {}", p.time, p.price)).collect();
        assert_eq!(points, ["2024-05-01T09:00:00Z 64000", "2024-05-01T10:00:00Z 64500"]);
        Ok(())
    }

    /// Tranches split their total like a ladder's rungs, multiplied before divided: a third of 3 is 1 on the 0.001
    /// step (dividing first gave 0.999 each and 0.003 unplaced), and custom weights 1, 2, 4 of 7 are 1, 2 and 4.
    #[test]
    fn schedule_totals_split_exactly() -> Result<()> {
        let instrument = Instrument {
            symbol: "BTCUSDT".into(),
            contract: crate::instrument::ContractKind::Linear,
            tick_size: "0.1".parse()?,
            quantity_step: "0.001".parse()?,
            min_quantity: "0.001".parse()?,
            min_notional: "5".parse()?,
            maker_fee: "0.0002".parse()?,
            taker_fee: "0.0005".parse()?,
            tiers: Vec::new(),
        };
        let path =
            PricePath::new(vec![point("2024-05-01T00:00:00Z", "64000")?, point("2024-05-04T00:00:00Z", "62000")?])?;
        let cases = [(r#""flat""#, "3", ["1", "1", "1"]), (r#"{"custom": ["1", "2", "4"]}"#, "7", ["1", "2", "4"])];
        for (sizes, total, expected) in cases {
            let spec: ScheduleSpec = serde_json::from_str(&format!(
                r#"{{"start": "2024-05-01T09:00:00Z", "interval": "1d", "count": 3, "sizes": {sizes},
                    "total": {{"quantity": "{total}"}}}}"#
            ))
            .map_err(|e| Error::invalid("entries", e.to_string()))?;
            let schedule = build_schedule(&spec, Side::Long, &instrument, &path)?;
            let quantities: Vec<String> = schedule.rungs().iter().map(|r| r.quantity().to_string()).collect();
            assert_eq!(quantities, expected, "{sizes}");
            assert_eq!(schedule.placed().to_string(), total, "{sizes}");
            assert!(schedule.remainder().get().is_zero(), "{sizes}");
        }
        Ok(())
    }

    #[test]
    fn schedules_end_before_the_year_10000() -> Result<()> {
        let spec: ScheduleSpec = serde_json::from_str(
            r#"{"start": "9999-12-30T00:00:00Z", "interval": "1d", "count": 3, "total": {"quantity": "3"}}"#,
        )
        .map_err(|e| Error::invalid("entries", e.to_string()))?;
        assert_eq!(
            schedule_times(&spec).map_err(|e| e.to_string()),
            Err("interval: puts tranches[2] after 9999-12-31T23:59:59.999Z; shorten the interval or the count"
                .to_owned())
        );
        Ok(())
    }
}
