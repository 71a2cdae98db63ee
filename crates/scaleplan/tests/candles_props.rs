//! Invariants of price histories and UTC times, for any input: what is written can be read back exactly, in every
//! layout and unit; a bad row is named; and no text, however odd, makes a parser panic.

use proptest::prelude::*;
use scaleplan::candles::{
    parse, parse_as, Candle, Candles, Layout, MICROSECONDS_BELOW, MILLISECONDS_BELOW, SECONDS_BELOW,
};
use scaleplan::time::{civil_from_days, days_from_civil, format_utc, parse_utc, MAX_MS};
use scaleplan::{Decimal, NonNegative, Price};

/// A positive decimal with up to 12 significant digits and 8 decimals, like exchange prices.
fn decimal() -> impl Strategy<Value = Decimal> {
    (1_i64..=999_999_999_999, 0_u32..=8).prop_map(|(mantissa, scale)| Decimal::new(mantissa, scale))
}

fn candle_at(time: i64) -> impl Strategy<Value = Candle> {
    (prop::array::uniform4(decimal()), any::<bool>(), prop::option::of((0_i64..=999_999_999_999, 0_u32..=8)))
        .prop_filter_map("prices form a valid candle", move |(mut prices, swap, volume)| {
            prices.sort();
            let [low, a, b, high] = prices.map(|p| Price::new("p", p).ok());
            let (open, close) = if swap { (b?, a?) } else { (a?, b?) };
            let volume = volume.and_then(|(m, s)| NonNegative::new("v", Decimal::new(m, s)).ok());
            Candle::new(time, open, high?, low?, close, volume).ok()
        })
}

/// 1 to 40 candles at strictly increasing times anywhere from 1970 to 9999.
fn series() -> impl Strategy<Value = Candles> {
    series_from(0..=MAX_MS / 2)
}

/// A series whose times, written as bare numbers of milliseconds, read back as milliseconds: from 1973-03-03
/// ([`SECONDS_BELOW`] ms) up to the year 5138 ([`MILLISECONDS_BELOW`] ms). Outside that range a number of
/// milliseconds is, by design, taken for seconds or microseconds.
fn series_in_millisecond_range() -> impl Strategy<Value = Candles> {
    series_from(SECONDS_BELOW..=MILLISECONDS_BELOW / 2)
}

/// 1 to 40 candles, the first at a time in `start`, each up to about four months after the one before.
fn series_from(start: impl Strategy<Value = i64>) -> impl Strategy<Value = Candles> {
    (start, prop::collection::vec(1_i64..=10_000_000_000, 1..40)).prop_flat_map(|(start, steps)| {
        let times: Vec<i64> = steps
            .iter()
            .scan(start, |t, step| {
                *t = t.saturating_add(*step);
                Some(*t)
            })
            .collect();
        times.into_iter().map(candle_at).collect::<Vec<_>>().prop_filter_map("a valid series", |c| Candles::new(c).ok())
    })
}

fn cells(c: &Candle) -> [String; 5] {
    [
        c.open().to_string(),
        c.high().to_string(),
        c.low().to_string(),
        c.close().to_string(),
        c.volume().map(|v| v.to_string()).unwrap_or_default(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn csv_written_by_to_csv_reads_back_to_the_same_candles(candles in series()) {
        prop_assert_eq!(parse(&candles.to_csv()), Ok(candles));
    }

    #[test]
    fn serde_json_round_trips(candles in series()) {
        let json = serde_json::to_string(&candles).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: Result<Candles, _> = serde_json::from_str(&json);
        prop_assert_eq!(back.ok(), Some(candles));
    }

    #[test]
    fn binance_json_with_bare_number_literals_reads_exactly(candles in series_in_millisecond_range()) {
        let rows: Vec<String> = candles
            .iter()
            .map(|c| {
                let [o, h, l, cl, v] = cells(c);
                let v = if v.is_empty() { "null".to_owned() } else { v };
                format!("[{},{o},{h},{l},{cl},{v},0,\"0\",0,\"0\",\"0\",\"0\"]", c.time())
            })
            .collect();
        let text = format!("[{}]", rows.join(","));
        prop_assert_eq!(parse(&text), Ok(candles));
    }

    #[test]
    fn newest_first_bybit_and_okx_lists_are_turned_around(candles in series_in_millisecond_range()) {
        let rows: Vec<String> = candles
            .iter()
            .rev()
            .map(|c| {
                let [o, h, l, cl, v] = cells(c);
                let volume = if v.is_empty() { String::new() } else { format!(",\"{v}\"") };
                format!("[\"{}\",\"{o}\",\"{h}\",\"{l}\",\"{cl}\"{volume}]", c.time())
            })
            .collect();
        let list = rows.join(",");
        let bybit = format!("{{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{{\"list\":[{list}]}}}}");
        let okx = format!("{{\"code\":\"0\",\"msg\":\"\",\"data\":[{list}]}}");
        prop_assert_eq!(parse(&bybit), Ok(candles.clone()));
        prop_assert_eq!(parse(&okx), Ok(candles));
    }

    #[test]
    fn numeric_times_are_read_in_the_unit_their_magnitude_says(
        seconds in 0_i64..SECONDS_BELOW,
        millis in SECONDS_BELOW..MILLISECONDS_BELOW,
    ) {
        let read = |time: String| {
            parse(&format!("time,open,high,low,close\n{time},2,3,1,2\n")).map(|c| c.first().map(Candle::time))
        };
        prop_assert_eq!(read(seconds.to_string()), Ok(Some(seconds * 1_000)));
        prop_assert_eq!(read(format!("{seconds}.5")), Ok(Some(seconds * 1_000 + 500)));
        prop_assert_eq!(read(millis.to_string()), Ok(Some(millis)));
        let micros = millis * 1_000;
        prop_assert!((MILLISECONDS_BELOW..MICROSECONDS_BELOW).contains(&micros));
        prop_assert_eq!(read(micros.to_string()), Ok(Some(millis)));
        if let Some(nanos) = millis.checked_mul(1_000_000) {
            prop_assert_eq!(read(nanos.to_string()), Ok(Some(millis)));
        }
        prop_assert!(read((micros + 1).to_string()).is_err(), "a fraction of a millisecond is refused");
    }

    #[test]
    fn a_high_below_the_open_is_named_by_row_and_column(candles in series(), pick in any::<prop::sample::Index>()) {
        let mut lines: Vec<String> = candles.to_csv().lines().map(str::to_owned).collect();
        let row = pick.index(candles.len()) + 2;
        let target = &candles.as_slice()[row - 2];
        let cells: Vec<String> = lines[row - 1].split(',').map(str::to_owned).collect();
        let lowered = target.open().get() - Decimal::new(1, 8);
        prop_assume!(lowered > Decimal::ZERO);
        lines[row - 1] = format!("{},{},{lowered},{},{},{}", cells[0], cells[1], cells[3], cells[4], cells[5]);
        let err = parse(&(lines.join("\n") + "\n")).err().map(|e| e.to_string()).unwrap_or_default();
        let at_row = format!("row {row}, ");
        prop_assert!(err.starts_with(&at_row), "{}", err);
        prop_assert!(err.contains("high: must be at least the open") || err.contains("low: must be at most"), "{}", err);
    }

    #[test]
    fn no_text_makes_a_parser_panic(text in ".{0,300}") {
        let _ = parse(&text);
        for layout in Layout::ALL {
            let _ = parse_as(layout, &text);
        }
    }

    #[test]
    fn no_csv_or_json_shaped_text_makes_a_parser_panic(
        pieces in prop::collection::vec(
            prop::sample::select(vec![
                "time", "open", "high", "low", "close", "volume", ",", ";", "\t", "\n", "\r\n", "\"", "\"\"", " ",
                "[", "]", "{", "}", ":", "\"result\"", "\"list\"", "\"data\"", "\"code\"", "\"retCode\"", "null",
                "0", "1", "9", ".", "-", "+", "e5", "1714554000000", "99999999999999999999999999999999", "2024-05-01",
                "T09:00:00Z", "2024-02-30", "é", "٣", "\u{feff}", "💥", "\u{0}",
            ]),
            0..60,
        )
    ) {
        let text: String = pieces.concat();
        let _ = parse(&text);
        for layout in Layout::ALL {
            let _ = parse_as(layout, &text);
        }
    }

    #[test]
    fn huge_and_odd_numbers_are_refused_not_panicked_on(
        digits in "[0-9]{15,60}",
        fraction in "[0-9]{0,40}",
    ) {
        for cell in [digits.clone(), format!("{digits}.{fraction}"), format!("-{digits}"), format!("{digits}e9")] {
            let csv = format!("time,open,high,low,close,volume\n{cell},{cell},{cell},{cell},{cell},{cell}\n");
            let _ = parse(&csv);
            let json = format!("[[{cell},{cell},{cell},{cell},{cell},{cell}]]");
            let _ = parse(&json);
        }
    }

    #[test]
    fn utc_times_format_and_parse_back_exactly(ms in 0_i64..=MAX_MS) {
        prop_assert_eq!(parse_utc("t", &format_utc(ms)), Ok(ms));
    }

    #[test]
    fn civil_dates_convert_both_ways(days in -3_652_059_i64..=2_932_896) {
        let (y, m, d) = civil_from_days(days).ok_or_else(|| TestCaseError::fail("no date"))?;
        prop_assert_eq!(days_from_civil(y, m, d), Some(days));
    }
}

#[test]
fn text_past_the_limit_is_refused_with_its_size() {
    let text = format!("time,open,high,low,close\n{}", " ".repeat(scaleplan::candles::MAX_TEXT_BYTES));
    let error = scaleplan::candles::parse(&text).expect_err("too long");
    assert_eq!(error.to_string(), "candles: is 65 MiB of text; at most 64 MiB is read (use a shorter range or a longer interval)");
    let book = " ".repeat(scaleplan::impact::MAX_DEPTH_BYTES + 1);
    let error = scaleplan::impact::parse_depth(&book).err().map(|e| e.to_string());
    assert_eq!(error.as_deref(), Some("book: is 17 MiB of text; at most 16 MiB is read, more than any exchange's depth response"));
}
