//! Invariants of the market-impact walk, checked on random books: a lump sum never fills better than its first
//! tranche, slippage is non-negative and grows with size, averages lie between the extreme fills, the largest order
//! within a budget is within it and one more step is not, and no input panics.

use proptest::prelude::*;
use rust_decimal::Decimal;
use scaleplan::impact::{
    execute_tranches, market_order, max_within_budget, parse_depth, split_equal, Benchmark, Execution, Level, Limit,
    OrderBook, OrderSide, ParametricBook, Refill, RefillRate,
};
use scaleplan::num::calc;
use scaleplan::{NonNegative, Price, Quantity};

/// A book: `levels` asks rising from `ask0` and bids falling from `ask0 − spread`, prices in cents, sizes in
/// thousandths.
fn book() -> impl Strategy<Value = OrderBook> {
    (
        1_000_i64..10_000_000,
        1_i64..5_000,
        prop::collection::vec((1_i64..2_000, 1_i64..5_000_000), 1..25),
        prop::collection::vec((1_i64..2_000, 1_i64..5_000_000), 0..25),
    )
        .prop_filter_map("bids must stay above 0", |(ask0, spread, asks, bids)| {
            let mut price = ask0;
            let mut ask_levels = Vec::new();
            for (gap, size) in asks {
                ask_levels.push(level(price, size)?);
                price = price.checked_add(gap)?;
            }
            let mut price = ask0.checked_sub(spread)?;
            let mut bid_levels = Vec::new();
            for (gap, size) in bids {
                if price <= 0 {
                    break;
                }
                bid_levels.push(level(price, size)?);
                price = price.checked_sub(gap)?;
            }
            OrderBook::from_levels(bid_levels, ask_levels).ok().map(|p| p.book)
        })
}

fn level(cents: i64, thousandths: i64) -> Option<Level> {
    Some(Level {
        price: Price::new("price", Decimal::new(cents, 2)).ok()?,
        size: Quantity::new("size", Decimal::new(thousandths, 3)).ok()?,
    })
}

fn quantity(thousandths: i64) -> Result<Quantity, scaleplan::Error> {
    Quantity::new("q", Decimal::new(thousandths.max(1), 3))
}

fn side() -> impl Strategy<Value = OrderSide> {
    prop_oneof![Just(OrderSide::Buy), Just(OrderSide::Sell)]
}

fn refill() -> impl Strategy<Value = Refill> {
    prop_oneof![
        Just(Refill::None),
        Just(Refill::Full),
        (0_i64..=100).prop_filter_map("a rate from 0 to 1", |pct| {
            RefillRate::new("rate", Decimal::new(pct, 2)).ok().map(|rate| Refill::Fraction { rate })
        }),
    ]
}

/// `side × (average − best)` ≥ 0 and the average lies between the first and the worst fill.
fn check_execution(side: OrderSide, book: &OrderBook, execution: &Execution) -> Result<(), TestCaseError> {
    let filled = calc(execution.filled) + execution.unfilled;
    prop_assert_eq!(filled.ok(), Some(execution.requested.get()));
    let fills: Decimal = execution.fills.iter().map(|f| f.quantity.get()).sum();
    prop_assert_eq!(fills, execution.filled);
    let Some(average) = execution.average_price else {
        prop_assert!(execution.fills.is_empty());
        return Ok(());
    };
    let (first, worst) = (execution.first_price, execution.worst_price);
    prop_assert_eq!(first, book.side(side.takes()).first().map(|l| l.price));
    let (Some(first), Some(worst)) = (first, worst) else {
        return Err(TestCaseError::fail("fills without first or worst price"));
    };
    match side {
        OrderSide::Buy => prop_assert!(first <= average && average <= worst),
        OrderSide::Sell => prop_assert!(worst <= average && average <= first),
    }
    prop_assert!(execution.slippage_bps.is_some_and(|s| s >= Decimal::ZERO), "{:?}", execution.slippage_bps);
    Ok(())
}

proptest! {
    #[test]
    fn average_lies_between_the_extreme_fills(book in book(), side in side(), q in 1_i64..200_000_000) {
        let execution = market_order(&book, side, quantity(q)?)?;
        check_execution(side, &book, &execution)?;
    }

    #[test]
    fn slippage_grows_with_size(book in book(), side in side(), a in 1_i64..100_000_000, b in 1_i64..100_000_000) {
        let (small, large) = (a.min(b), a.max(b));
        let small = market_order(&book, side, quantity(small)?)?;
        let large = market_order(&book, side, quantity(large)?)?;
        prop_assert!(small.slippage_bps <= large.slippage_bps, "{:?} > {:?}", small.slippage_bps, large.slippage_bps);
        prop_assert!(small.filled <= large.filled);
    }

    #[test]
    fn a_lump_sum_never_fills_better_than_the_first_tranche(
        book in book(),
        side in side(),
        sizes in prop::collection::vec(1_i64..20_000_000, 1..6),
        refill in refill(),
    ) {
        let sizes = sizes.into_iter().map(quantity).collect::<Result<Vec<Quantity>, _>>()?;
        let report = execute_tranches(&book, side, &sizes, refill)?;
        let first = report.tranches.first().ok_or_else(|| TestCaseError::fail("no tranches"))?;
        prop_assert!(first.slippage_bps <= report.lump.slippage_bps);
        check_execution(side, &book, &report.lump)?;
        check_execution(side, &book, first)?;
        for tranche in &report.tranches {
            prop_assert!(tranche.slippage_bps.is_none_or(|s| s >= Decimal::ZERO));
        }
        // Whatever the refill, the tranches bought exactly what they fill in total.
        let filled: Decimal = report.tranches.iter().map(|t| t.filled).sum();
        prop_assert_eq!(filled, report.combined.filled);
        match refill {
            // Nothing comes back: the tranches walk exactly the levels the lump sum walks.
            Refill::None => {
                prop_assert_eq!(&report.combined.fills, &report.lump.fills);
                prop_assert_eq!(report.saving_quote, Some(Decimal::ZERO).filter(|_| report.lump.filled > Decimal::ZERO));
            }
            // The cost of walking a book is convex in size, so fresh books can only help.
            Refill::Full => {
                prop_assert!(report.saving_quote.is_none_or(|s| s >= Decimal::ZERO), "{:?}", report.saving_quote);
                prop_assert!(report.saving_bps.is_none_or(|s| s >= Decimal::ZERO), "{:?}", report.saving_bps);
            }
            Refill::Fraction { .. } => {}
        }
    }

    #[test]
    fn the_largest_order_within_budget_is_within_it_and_one_step_more_is_not(
        book in book(),
        side in side(),
        budget in 0_i64..5_000_000,
        step in prop_oneof![Just(1_i64), Just(10), Just(1_000)],
        mid in any::<bool>(),
    ) {
        let budget = NonNegative::new("budget", Decimal::new(budget, 4))?;
        let benchmark = if mid { Benchmark::Mid } else { Benchmark::Best };
        let step = quantity(step)?;
        let max = match max_within_budget(&book, side, budget, benchmark, Some(step)) {
            Ok(max) => max,
            // the mid of a one-sided book is refused
            Err(e) => {
                prop_assert!(mid && book.mid().is_none(), "{e}");
                return Ok(());
            }
        };
        let Some(limit) = max.limit_price else {
            prop_assert!(book.side(side.takes()).is_empty());
            return Ok(());
        };
        let reference = match benchmark {
            Benchmark::Best => book.side(side.takes()).first().map(|l| l.price.get()),
            Benchmark::Mid => book.mid(),
        };
        if let Some(execution) = &max.execution {
            prop_assert_eq!(execution.unfilled, Decimal::ZERO);
            let slippage = match benchmark {
                Benchmark::Best => execution.slippage_bps,
                Benchmark::Mid => execution.slippage_vs_mid_bps,
            };
            prop_assert!(slippage.is_some_and(|s| s <= budget.get()), "{slippage:?} over {budget}");
        } else {
            prop_assert_eq!(max.quantity, Decimal::ZERO);
        }
        // One more step either needs more than the book holds or pays more than the limit, checked exactly:
        // side × (notional − limit × filled) > 0.
        let next = Quantity::new("next", (calc(max.quantity) + step.get()).get("next")?)?;
        let more = market_order(&book, side, next)?;
        let excess = (calc(more.notional) - calc(limit) * more.filled).get("excess")?;
        let over = match side {
            OrderSide::Buy => excess > Decimal::ZERO,
            OrderSide::Sell => excess < Decimal::ZERO,
        };
        prop_assert!(more.unfilled > Decimal::ZERO || over, "{next} still within {limit} (reference {reference:?})");
        prop_assert_eq!(max.limited_by == Limit::Depth, more.unfilled > Decimal::ZERO);
    }

    #[test]
    fn equal_tranches_sum_exactly(total in 1_i64..1_000_000_000, count in 1_u32..50, step in 0_u32..4) {
        let total = quantity(total)?;
        let step = if step == 0 { None } else { Some(Quantity::new("step", Decimal::new(1, step))?) };
        match split_equal(total, count, step) {
            Ok(sizes) => {
                prop_assert_eq!(sizes.len(), usize::try_from(count).unwrap_or(0));
                prop_assert_eq!(sizes.iter().map(|q| q.get()).sum::<Decimal>(), total.get());
            }
            Err(e) => prop_assert_eq!(e.field(), Some("count")),
        }
    }

    #[test]
    fn no_text_panics(text in ".{0,200}") {
        let _ = parse_depth(&text);
    }

    #[test]
    fn no_depth_json_panics(
        price in prop_oneof![
            "[0-9]{0,40}(\\.[0-9]{0,40})?",
            Just("-1".to_owned()),
            Just("1e5".to_owned()),
            Just("79228162514264337593543950335".to_owned()),
        ],
        size in "-?[0-9]{0,30}(\\.[0-9]{0,30})?",
        layout in 0_u8..5,
        numbers in any::<bool>(),
    ) {
        let cell = |s: &str| if numbers { s.to_owned() } else { format!("\"{s}\"") };
        let pair = format!("[{}, {}]", cell(&price), cell(&size));
        let text = match layout {
            0 => format!(r#"{{"lastUpdateId": 1, "bids": [{pair}], "asks": [{pair}, {pair}]}}"#),
            1 => format!(r#"{{"retCode": 0, "result": {{"s": "X", "b": [{pair}], "a": [{pair}]}}}}"#),
            2 => format!(r#"{{"b": [{pair}], "a": []}}"#),
            3 => format!(r#"{{"code": "0", "data": [{{"asks": [{pair}], "bids": [[{}, {}, "0", "1"]]}}]}}"#, cell(&price), cell(&size)),
            _ => format!(r#"{{"data": [], "bids": {pair}}}"#),
        };
        if let Ok(parsed) = parse_depth(&text) {
            for side in [OrderSide::Buy, OrderSide::Sell] {
                let _ = market_order(&parsed.book, side, quantity(1)?);
                let _ = max_within_budget(&parsed.book, side, NonNegative::new("b", Decimal::ONE)?, Benchmark::Mid, None);
            }
        }
    }

    #[test]
    fn huge_numbers_fail_cleanly(
        mid in 1_i64..i64::MAX,
        scale in 0_u32..28,
        levels in 1_u32..50,
        q in 1_i64..i64::MAX,
        budget in 0_i64..i64::MAX,
    ) {
        let big = Decimal::new(mid, scale);
        let parametric = ParametricBook {
            mid: Price::new("mid", big)?,
            spread: NonNegative::new("spread", big)?,
            step: Price::new("step", big)?,
            size: Quantity::new("size", big)?,
            size_increment: Some(NonNegative::new("inc", big)?),
            levels,
        };
        if let Ok(parsed) = parametric.build() {
            let q = Quantity::new("q", Decimal::new(q, 0))?;
            for side in [OrderSide::Buy, OrderSide::Sell] {
                let _ = market_order(&parsed.book, side, q);
                let _ = execute_tranches(&parsed.book, side, &[q, q], Refill::Full);
                let _ = max_within_budget(&parsed.book, side, NonNegative::new("b", Decimal::new(budget, 0))?, Benchmark::Best, None);
            }
        }
    }
}
