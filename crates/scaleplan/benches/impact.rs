//! Criterion benchmarks of market impact on a 1,000-level book: reading the pasted JSON, one market order, a
//! lump sum against ten tranches with partial refill, and the largest order within a slippage budget.
// criterion_group! and criterion_main! generate functions that cannot carry doc comments.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use scaleplan::impact::{
    execute_tranches, market_order, max_within_budget, parse_depth, split_equal, Benchmark, OrderBook, OrderSide,
    Refill,
};
use scaleplan::{Error, NonNegative, Quantity};

const LEVELS: usize = 1_000;

/// A Binance-layout depth snapshot with 1,000 levels a side: 0.1 apart around 65,000, sizes cycling through a few
/// irregular values as real books do.
fn depth_json() -> String {
    let side = |from_cents: i64, direction: i64| -> String {
        (0..LEVELS)
            .map(|i| {
                let i = i64::try_from(i).unwrap_or(0);
                let cents = from_cents.saturating_add(direction.saturating_mul(i.saturating_mul(10)));
                let size = [0.125, 1.5, 0.04, 3.2, 0.7][usize::try_from(i.rem_euclid(5)).unwrap_or(0)];
                format!(r#"["{}.{:02}", "{size}"]"#, cents.div_euclid(100), cents.rem_euclid(100))
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    format!(r#"{{"lastUpdateId": 1, "bids": [{}], "asks": [{}]}}"#, side(6_499_995, -1), side(6_500_005, 1))
}

fn setup() -> Result<(String, OrderBook, Quantity, Vec<Quantity>), Error> {
    let json = depth_json();
    let book = parse_depth(&json)?.book;
    // About half the asks: 1.113 per level on average, so 550 reaches roughly level 490.
    let total: Quantity = "550".parse()?;
    let tranches = split_equal(total, 10, Some("0.001".parse()?))?;
    Ok((json, book, total, tranches))
}

fn impact(c: &mut Criterion) {
    let (json, book, total, tranches) = match setup() {
        Ok(setup) => setup,
        Err(e) => {
            eprintln!("benchmark setup failed: {e}");
            return;
        }
    };
    let Ok(budget) = "5".parse::<NonNegative>() else { return };
    let Ok(rate) = "0.5".parse() else { return };
    let refill = Refill::Fraction { rate };

    c.bench_function("parse_depth 1000x2 levels", |b| b.iter(|| parse_depth(black_box(&json))));
    c.bench_function("market_order 550 of 1000 levels", |b| {
        b.iter(|| market_order(black_box(&book), OrderSide::Buy, black_box(total)))
    });
    c.bench_function("execute_tranches 10 x 55, refill 0.5", |b| {
        b.iter(|| execute_tranches(black_box(&book), OrderSide::Buy, black_box(&tranches), refill))
    });
    c.bench_function("max_within_budget 5 bps vs mid", |b| {
        b.iter(|| max_within_budget(black_box(&book), OrderSide::Sell, budget, Benchmark::Mid, None))
    });
}

criterion_group!(benches, impact);
criterion_main!(benches);
