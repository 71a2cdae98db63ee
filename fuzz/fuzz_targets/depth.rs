//! A pasted depth snapshot (Binance, Bybit, OKX): refused with a message, or a book with bids strictly falling
//! and asks strictly rising from the best, each side within the level limit, not both empty, and a crossed book
//! warned of.
#![no_main]
use libfuzzer_sys::fuzz_target;
use scaleplan::impact::{parse_depth, BookWarning, MAX_LEVELS};
use scaleplan_fuzz::message;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = match parse_depth(text) {
        Ok(parsed) => parsed,
        Err(e) => return message(&e),
    };
    let (bids, asks) = (parsed.book.bids(), parsed.book.asks());
    assert!(!(bids.is_empty() && asks.is_empty()));
    assert!(bids.len() <= MAX_LEVELS && asks.len() <= MAX_LEVELS);
    assert!(bids.windows(2).all(|w| w[0].price > w[1].price), "bids best first, no price twice");
    assert!(asks.windows(2).all(|w| w[0].price < w[1].price), "asks best first, no price twice");
    let crossed = matches!((bids.first(), asks.first()), (Some(b), Some(a)) if b.price > a.price);
    assert_eq!(crossed, parsed.warnings.iter().any(|w| matches!(w, BookWarning::Crossed { .. })));
    for warning in &parsed.warnings {
        assert!(!warning.to_string().is_empty());
    }
});
