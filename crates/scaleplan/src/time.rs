//! UTC instants as Unix milliseconds: an exact ISO-8601 parser and formatter for the dates and times that price
//! histories are written with, built on checked civil-calendar arithmetic (no clock, no time-zone database).

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// Milliseconds in one day.
pub const MS_PER_DAY: i64 = 86_400_000;

/// The earliest instant the core handles: 1970-01-01T00:00:00Z, the Unix epoch.
pub const MIN_MS: i64 = 0;

/// The latest instant the core handles: 9999-12-31T23:59:59.999Z, the last one a four-digit year can write.
pub const MAX_MS: i64 = 253_402_300_799_999;

/// Days since 1970-01-01 of the proleptic-Gregorian date `year-month-day`, or `None` when the date does not exist.
///
/// Howard Hinnant's `days_from_civil` (public domain, <http://howardhinnant.github.io/date_algorithms.html>):
/// count days in 400-year eras of 146,097 days from 0000-03-01, so that February, with its leap day, ends a year.
/// Every step is checked; years from -9999 to 9999 are accepted.
///
/// ```
/// use scaleplan::time::days_from_civil;
/// assert_eq!(days_from_civil(1970, 1, 1), Some(0));
/// assert_eq!(days_from_civil(2024, 2, 29), Some(19_782));
/// assert_eq!(days_from_civil(2023, 2, 29), None);
/// ```
pub fn days_from_civil(year: i64, month: u32, day: u32) -> Option<i64> {
    if !(-9999..=9999).contains(&year) || day == 0 || day > days_in_month(year, month)? {
        return None;
    }
    let (month, day) = (i64::from(month), i64::from(day));
    let year = if month <= 2 { year.checked_sub(1)? } else { year };
    let era = if year >= 0 { year } else { year.checked_sub(399)? }.checked_div(400)?;
    let year_of_era = year.checked_sub(era.checked_mul(400)?)?;
    let shifted_month = if month > 2 { month.checked_sub(3)? } else { month.checked_add(9)? };
    let day_of_year =
        shifted_month.checked_mul(153)?.checked_add(2)?.checked_div(5)?.checked_add(day)?.checked_sub(1)?;
    let day_of_era = year_of_era
        .checked_mul(365)?
        .checked_add(year_of_era.checked_div(4)?)?
        .checked_sub(year_of_era.checked_div(100)?)?
        .checked_add(day_of_year)?;
    era.checked_mul(146_097)?.checked_add(day_of_era)?.checked_sub(719_468)
}

/// The date `(year, month, day)` that is `days` after 1970-01-01: the inverse of [`days_from_civil`]
/// (Hinnant's `civil_from_days`), or `None` outside the years -9999 to 9999.
///
/// ```
/// use scaleplan::time::civil_from_days;
/// assert_eq!(civil_from_days(19_782), Some((2024, 2, 29)));
/// ```
pub fn civil_from_days(days: i64) -> Option<(i64, u32, u32)> {
    let z = days.checked_add(719_468)?;
    let era = if z >= 0 { z } else { z.checked_sub(146_096)? }.checked_div(146_097)?;
    let day_of_era = z.checked_sub(era.checked_mul(146_097)?)?;
    let year_of_era = day_of_era
        .checked_sub(day_of_era.checked_div(1_460)?)?
        .checked_add(day_of_era.checked_div(36_524)?)?
        .checked_sub(day_of_era.checked_div(146_096)?)?
        .checked_div(365)?;
    let day_of_year = day_of_era.checked_sub(
        year_of_era
            .checked_mul(365)?
            .checked_add(year_of_era.checked_div(4)?)?
            .checked_sub(year_of_era.checked_div(100)?)?,
    )?;
    let shifted_month = day_of_year.checked_mul(5)?.checked_add(2)?.checked_div(153)?;
    let day =
        day_of_year.checked_sub(shifted_month.checked_mul(153)?.checked_add(2)?.checked_div(5)?)?.checked_add(1)?;
    let month = if shifted_month < 10 { shifted_month.checked_add(3)? } else { shifted_month.checked_sub(9)? };
    let year = year_of_era.checked_add(era.checked_mul(400)?)?.checked_add(i64::from(month <= 2))?;
    if !(-9999..=9999).contains(&year) {
        return None;
    }
    Some((year, u32::try_from(month).ok()?, u32::try_from(day).ok()?))
}

/// Whether `year` has a 29 February (Gregorian rule: every 4th year, except centuries not divisible by 400).
pub fn is_leap_year(year: i64) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

/// The number of days in `month` (1–12) of `year`, or `None` for a month outside 1–12.
pub fn days_in_month(year: i64, month: u32) -> Option<u32> {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
        4 | 6 | 9 | 11 => Some(30),
        2 if is_leap_year(year) => Some(29),
        2 => Some(28),
        _ => None,
    }
}

/// Parses an ISO-8601 UTC date or date-time into Unix milliseconds.
///
/// Accepted, with a four-digit year from 1970 to 9999:
/// - a date, `2024-05-01` (midnight UTC);
/// - a date-time, `2024-05-01T09:00:00Z`, with `T`, `t` or a space between date and time, minutes required,
///   seconds and up to three fractional digits (milliseconds) optional: `2024-05-01 09:00`, `2024-05-01T09:00:00.250Z`;
/// - an offset after the time: `Z`, none (read as UTC, as spreadsheets and pandas write it), or `±HH:MM` / `±HHMM`,
///   which is subtracted to give UTC (`2024-05-01T11:00:00+02:00` is 09:00 UTC).
///
/// Leap seconds (`:60`), hour 24, week dates, ordinal dates and more than three fractional digits are refused.
///
/// ```
/// use scaleplan::time::parse_utc;
/// assert_eq!(parse_utc("time", "2024-05-01")?, 1_714_521_600_000);
/// assert_eq!(parse_utc("time", "2024-05-01T09:00:00Z")?, 1_714_554_000_000);
/// assert_eq!(parse_utc("time", "2024-05-01 11:00:00+02:00")?, 1_714_554_000_000);
/// # Ok::<(), scaleplan::Error>(())
/// ```
///
/// # Errors
/// [`Error::Invalid`] naming `field` when the text is not such a date or time, or the date does not exist.
pub fn parse_utc(field: &str, text: &str) -> Result<i64> {
    let text = text.trim();
    let invalid = || {
        Error::invalid(
            field,
            format!("`{text}` is not a UTC date or time; write it like 2024-05-01 or 2024-05-01T09:00:00Z"),
        )
    };
    let mut cursor = Cursor { rest: text };
    let year = cursor.digits(4).ok_or_else(invalid)?;
    cursor.expect('-').ok_or_else(invalid)?;
    let month = cursor.digits(2).ok_or_else(invalid)?;
    cursor.expect('-').ok_or_else(invalid)?;
    let day = cursor.digits(2).ok_or_else(invalid)?;
    let mut ms_of_day = 0_i64;
    let mut offset_ms = 0_i64;
    if let Some(separator) = cursor.next() {
        if !matches!(separator, 'T' | 't' | ' ') {
            return Err(invalid());
        }
        let hour = cursor.digits(2).ok_or_else(invalid)?;
        cursor.expect(':').ok_or_else(invalid)?;
        let minute = cursor.digits(2).ok_or_else(invalid)?;
        let mut second = 0;
        let mut millis = 0;
        if cursor.peek() == Some(':') {
            cursor.next();
            second = cursor.digits(2).ok_or_else(invalid)?;
            if matches!(cursor.peek(), Some('.' | ',')) {
                cursor.next();
                millis = cursor.fraction_millis().ok_or_else(|| {
                    Error::invalid(
                        field,
                        format!("`{text}` has more than three fractional digits; times are kept to the millisecond"),
                    )
                })?;
            }
        }
        if hour > 23 || minute > 59 || second > 59 {
            return Err(Error::invalid(
                field,
                format!("`{text}` is not a time of day; hours go to 23, minutes and seconds to 59"),
            ));
        }
        ms_of_day = hour
            .checked_mul(3_600_000)
            .and_then(|h| h.checked_add(minute.checked_mul(60_000)?))
            .and_then(|hm| hm.checked_add(second.checked_mul(1_000)?))
            .and_then(|hms| hms.checked_add(millis))
            .ok_or_else(invalid)?;
        offset_ms = cursor.offset_ms().ok_or_else(invalid)?;
    }
    if !cursor.rest.is_empty() {
        return Err(invalid());
    }
    let month = u32::try_from(month).map_err(|_| invalid())?;
    let day = u32::try_from(day).map_err(|_| invalid())?;
    let days = days_from_civil(year, month, day).ok_or_else(|| {
        Error::invalid(field, format!("`{text}` is not a calendar date (month 1–12, day within the month)"))
    })?;
    let utc = days
        .checked_mul(MS_PER_DAY)
        .and_then(|d| d.checked_add(ms_of_day))
        .and_then(|t| t.checked_sub(offset_ms))
        .ok_or_else(invalid)?;
    if !(MIN_MS..=MAX_MS).contains(&utc) {
        return Err(Error::invalid(field, format!("`{text}` is outside the years 1970 to 9999")));
    }
    Ok(utc)
}

/// Writes Unix milliseconds as an ISO-8601 UTC date-time: `2024-05-01T09:00:00Z`, with `.250` before the `Z`
/// when the milliseconds are not zero. [`parse_utc`] reads it back exactly.
///
/// Instants outside 1970–9999 (which the core never produces) are written as `<n> ms since 1970`.
///
/// ```
/// use scaleplan::time::format_utc;
/// assert_eq!(format_utc(1_714_554_000_000), "2024-05-01T09:00:00Z");
/// assert_eq!(format_utc(1_714_554_000_250), "2024-05-01T09:00:00.250Z");
/// ```
pub fn format_utc(ms: i64) -> String {
    let parts = || {
        let days = ms.checked_div_euclid(MS_PER_DAY)?;
        let in_day = ms.checked_rem_euclid(MS_PER_DAY)?;
        let (year, month, day) = civil_from_days(days)?;
        let hour = in_day.checked_div(3_600_000)?;
        let minute = in_day.checked_rem(3_600_000)?.checked_div(60_000)?;
        let second = in_day.checked_rem(60_000)?.checked_div(1_000)?;
        let millis = in_day.checked_rem(1_000)?;
        Some((year, month, day, hour, minute, second, millis))
    };
    match parts() {
        Some((year, month, day, hour, minute, second, millis)) if (MIN_MS..=MAX_MS).contains(&ms) => {
            let fraction = if millis == 0 { String::new() } else { format!(".{millis:03}") };
            format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}Z")
        }
        _ => format!("{ms} ms since 1970"),
    }
}

/// A small reader over ASCII text; every method returns `None` on anything unexpected.
struct Cursor<'a> {
    rest: &'a str,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.rest.chars().next()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.rest = self.rest.get(c.len_utf8()..)?;
        Some(c)
    }

    fn expect(&mut self, wanted: char) -> Option<()> {
        (self.next()? == wanted).then_some(())
    }

    /// Exactly `count` ASCII digits as a number.
    fn digits(&mut self, count: usize) -> Option<i64> {
        let head = self.rest.get(..count)?;
        if !head.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        self.rest = self.rest.get(count..)?;
        head.parse().ok()
    }

    /// One to three fractional digits as milliseconds (`5` is 500, `25` is 250).
    fn fraction_millis(&mut self) -> Option<i64> {
        let count = self.rest.bytes().take_while(u8::is_ascii_digit).count();
        if !(1..=3).contains(&count) {
            return None;
        }
        let value = self.digits(count)?;
        let scale = match count {
            1 => 100,
            2 => 10,
            _ => 1,
        };
        value.checked_mul(scale)
    }

    /// A UTC offset in milliseconds: nothing, `Z`, `±HH:MM` or `±HHMM`.
    fn offset_ms(&mut self) -> Option<i64> {
        match self.peek() {
            None => Some(0),
            Some('Z' | 'z') => {
                self.next();
                Some(0)
            }
            Some(sign @ ('+' | '-')) => {
                self.next();
                let hours = self.digits(2)?;
                if self.peek() == Some(':') {
                    self.next();
                }
                let minutes = self.digits(2)?;
                if hours > 23 || minutes > 59 {
                    return None;
                }
                let offset = hours.checked_mul(3_600_000)?.checked_add(minutes.checked_mul(60_000)?)?;
                Some(if sign == '-' { offset.checked_neg()? } else { offset })
            }
            Some(_) => None,
        }
    }
}

/// An instant in UTC, held as Unix milliseconds from 1970-01-01 to 9999-12-31.
///
/// Reads ISO-8601 UTC text (`2024-05-01T09:00:00Z`, the forms [`parse_utc`] accepts) or Unix milliseconds (a JSON
/// integer, or text of digits); writes ISO-8601 text, `2024-05-01T09:00:00Z`.
///
/// ```
/// use scaleplan::time::UtcTime;
/// let t: UtcTime = "2024-05-01T09:00:00Z".parse()?;
/// assert_eq!(t.millis(), 1_714_554_000_000);
/// assert_eq!(UtcTime::from_millis("start", 1_714_554_000_000)?.to_string(), "2024-05-01T09:00:00Z");
/// # Ok::<(), scaleplan::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcTime(i64);

impl UtcTime {
    /// The instant `ms` milliseconds after 1970-01-01T00:00:00Z.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `field` when `ms` is outside 1970 to 9999.
    pub fn from_millis(field: &str, ms: i64) -> Result<Self> {
        if (MIN_MS..=MAX_MS).contains(&ms) {
            Ok(Self(ms))
        } else {
            Err(Error::invalid(
                field,
                format!("must be a time from 1970 to 9999 (Unix milliseconds {MIN_MS} to {MAX_MS}), not {ms}"),
            ))
        }
    }

    /// Parses ISO-8601 UTC text or a whole number of Unix milliseconds.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `field` when the text is neither, or the instant is outside 1970 to 9999.
    pub fn parse(field: &str, text: &str) -> Result<Self> {
        let trimmed = text.trim();
        if !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()) {
            let ms = trimmed.parse::<i64>().map_err(|_| {
                Error::invalid(field, format!("`{trimmed}` is too large for Unix milliseconds; the latest is {MAX_MS}"))
            })?;
            return Self::from_millis(field, ms);
        }
        parse_utc(field, trimmed).map(Self)
    }

    /// Unix milliseconds.
    pub fn millis(self) -> i64 {
        self.0
    }
}

impl fmt::Display for UtcTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_utc(self.0))
    }
}

impl FromStr for UtcTime {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self> {
        Self::parse("", text)
    }
}

impl Serialize for UtcTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for UtcTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Expect;
        impl Visitor<'_> for Expect {
            type Value = UtcTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a UTC time as ISO-8601 text (2024-05-01T09:00:00Z) or Unix milliseconds")
            }
            fn visit_i64<E: de::Error>(self, ms: i64) -> std::result::Result<UtcTime, E> {
                UtcTime::from_millis("", ms).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, ms: u64) -> std::result::Result<UtcTime, E> {
                let ms = i64::try_from(ms).unwrap_or(i64::MAX);
                UtcTime::from_millis("", ms).map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, text: &str) -> std::result::Result<UtcTime, E> {
                UtcTime::parse("", text).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(Expect)
    }
}

/// Units an [`Interval`] is written in, largest first: weeks, days, hours, minutes, seconds, milliseconds.
const UNITS: [(&str, i64); 6] =
    [("w", 604_800_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)];

/// The time between two tranches: a positive whole number of milliseconds, at most the span of 1970–9999.
///
/// Reads a whole number with a unit, `1w`, `1d`, `12h`, `30m` (minutes), `15s`, `500ms`, or plain milliseconds
/// (a JSON integer, or text of digits); writes the largest unit that divides it exactly (`86400000` is `1d`).
///
/// ```
/// use scaleplan::time::Interval;
/// let day: Interval = "1d".parse()?;
/// assert_eq!(day.millis(), 86_400_000);
/// assert_eq!(Interval::from_millis("interval", 5_400_000)?.to_string(), "90m");
/// # Ok::<(), scaleplan::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Interval(i64);

impl Interval {
    /// An interval of `ms` milliseconds.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `field` unless `ms` is above 0 and at most [`MAX_MS`].
    pub fn from_millis(field: &str, ms: i64) -> Result<Self> {
        if ms > 0 && ms <= MAX_MS {
            Ok(Self(ms))
        } else {
            Err(Error::invalid(field, format!("must be above 0 and at most {MAX_MS} milliseconds, not {ms}")))
        }
    }

    /// Parses `<whole number><unit>` (`w`, `d`, `h`, `m`, `s`, `ms`) or a whole number of milliseconds.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `field` when the text is not such an interval or it is out of range.
    pub fn parse(field: &str, text: &str) -> Result<Self> {
        let trimmed = text.trim();
        let invalid = || {
            Error::invalid(
                field,
                format!(
                    "`{trimmed}` is not an interval; write a whole number and a unit, like 1d, 12h, 30m, 15s or 500ms"
                ),
            )
        };
        let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
        let (number, unit) = (trimmed.get(..digits).unwrap_or_default(), trimmed.get(digits..).unwrap_or_default());
        if number.is_empty() {
            return Err(invalid());
        }
        let scale = if unit.is_empty() {
            1
        } else {
            UNITS.iter().find(|(name, _)| *name == unit).map(|(_, ms)| *ms).ok_or_else(invalid)?
        };
        let ms = number.parse::<i64>().ok().and_then(|n| n.checked_mul(scale)).unwrap_or(i64::MAX);
        Self::from_millis(field, ms)
    }

    /// Milliseconds.
    pub fn millis(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let exact =
            UNITS.iter().find_map(|(name, unit)| match (self.0.checked_rem(*unit), self.0.checked_div(*unit)) {
                (Some(0), Some(count)) => Some((count, *name)),
                _ => None,
            });
        match exact {
            Some((count, name)) => write!(f, "{count}{name}"),
            None => write!(f, "{}ms", self.0),
        }
    }
}

impl FromStr for Interval {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self> {
        Self::parse("", text)
    }
}

impl Serialize for Interval {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Interval {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Expect;
        impl Visitor<'_> for Expect {
            type Value = Interval;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an interval like \"1d\", \"12h\", \"30m\" or a whole number of milliseconds")
            }
            fn visit_i64<E: de::Error>(self, ms: i64) -> std::result::Result<Interval, E> {
                Interval::from_millis("", ms).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, ms: u64) -> std::result::Result<Interval, E> {
                Interval::from_millis("", i64::try_from(ms).unwrap_or(i64::MAX)).map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, text: &str) -> std::result::Result<Interval, E> {
                Interval::parse("", text).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(Expect)
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    /// Walks the calendar one day at a time with nothing but the month lengths, from 1970 to 2400, and checks
    /// both conversions against that count: an oracle independent of Hinnant's era arithmetic.
    #[test]
    fn civil_conversions_match_a_day_by_day_walk() {
        let (mut year, mut month, mut day) = (1970_i64, 1_u32, 1_u32);
        let mut count = 0_i64;
        while year < 2400 {
            assert_eq!(days_from_civil(year, month, day), Some(count), "{year}-{month}-{day}");
            assert_eq!(civil_from_days(count), Some((year, month, day)), "day {count}");
            count = count.saturating_add(1);
            day = day.saturating_add(1);
            if Some(day) > days_in_month(year, month) {
                day = 1;
                month = month.saturating_add(1);
                if month > 12 {
                    month = 1;
                    year = year.saturating_add(1);
                }
            }
        }
    }

    #[test]
    fn anchors() {
        // 2000-03-01 is 11,017 days after the epoch (946,684,800 s is 2000-01-01; +60 days).
        assert_eq!(days_from_civil(2000, 1, 1), Some(10_957));
        assert_eq!(days_from_civil(2000, 3, 1), Some(11_017));
        assert_eq!(days_from_civil(1969, 12, 31), Some(-1));
        assert_eq!(days_from_civil(1900, 2, 29), None);
        assert_eq!(days_from_civil(2000, 2, 29), Some(11_016));
        assert_eq!(days_from_civil(2024, 13, 1), None);
        assert_eq!(days_from_civil(2024, 4, 31), None);
        assert_eq!(format_utc(MAX_MS), "9999-12-31T23:59:59.999Z");
        assert_eq!(format_utc(-1), "-1 ms since 1970");
    }

    #[test]
    fn parses_the_forms_exports_use() {
        let cases = [
            ("2024-05-01", 1_714_521_600_000),
            ("2024-05-01T09:00:00Z", 1_714_554_000_000),
            ("2024-05-01 09:00:00", 1_714_554_000_000),
            ("2024-05-01t09:00z", 1_714_554_000_000),
            ("2024-05-01T09:00:00.5Z", 1_714_554_000_500),
            ("2024-05-01T09:00:00,25Z", 1_714_554_000_250),
            ("2024-05-01T09:00:00.123+00:00", 1_714_554_000_123),
            ("2024-05-01T04:30:00-0430", 1_714_554_000_000),
            ("1970-01-01T00:00:00Z", 0),
            ("9999-12-31T23:59:59.999Z", MAX_MS),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_utc("t", text), Ok(expected), "{text}");
        }
    }

    #[test]
    fn refuses_what_is_not_an_exact_utc_instant() {
        let cases = [
            ("2024-5-1", "is not a UTC date or time"),
            ("2024-02-30", "is not a calendar date"),
            ("2024-05-01T24:00:00Z", "is not a time of day"),
            ("2024-05-01T23:59:60Z", "is not a time of day"),
            ("2024-05-01T09:00:00.1234Z", "more than three fractional digits"),
            ("2024-05-01T09Z", "is not a UTC date or time"),
            ("2024-05-01T09:00:00 UTC", "is not a UTC date or time"),
            ("1969-12-31T23:59:59Z", "outside the years 1970 to 9999"),
            ("1970-01-01T00:00:00+00:01", "outside the years 1970 to 9999"),
            ("２０２４-05-01", "is not a UTC date or time"),
            ("", "is not a UTC date or time"),
        ];
        for (text, problem) in cases {
            let err = parse_utc("t", text).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(err.starts_with("t: ") && err.contains(problem), "{text}: {err}");
        }
    }
}
