//! Pasted candles (CSV or JSON, any layout `detect` finds): refused with a message, or a series in strictly
//! increasing time order within the candle limit, each candle's high and low bounding its open and close, that
//! writes to CSV and reads back to the same candles.
#![no_main]
use libfuzzer_sys::fuzz_target;
use scaleplan::candles::{parse, MAX_CANDLES};
use scaleplan_fuzz::{message, to_json};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let candles = match parse(text) {
        Ok(candles) => candles,
        Err(e) => return message(&e),
    };
    assert!(!candles.is_empty() && candles.len() <= MAX_CANDLES);
    for pair in candles.as_slice().windows(2) {
        assert!(pair[0].time() < pair[1].time(), "times strictly increase");
    }
    for c in candles.iter() {
        assert!(c.high() >= c.open() && c.high() >= c.close() && c.low() <= c.open() && c.low() <= c.close());
    }
    let csv = candles.to_csv();
    match parse(&csv) {
        Ok(again) => assert_eq!(again, candles, "to_csv reads back to the same candles:\n{csv}"),
        Err(e) => panic!("to_csv does not read back: {e}\n{csv}"),
    }
    to_json(&candles);
});
