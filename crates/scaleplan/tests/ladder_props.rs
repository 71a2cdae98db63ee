//! Invariants of price ladders and time-based schedules: rounded sizes never exceed the total (in quantity, and in
//! notional or risk when the total is one); every price is on the tick and every quantity on the step; the rungs
//! add up to the placed total and the shares to exactly 100; topping up only adds whole steps and stays within the
//! total; geometric spacing keeps a constant ratio before rounding; schedules fill at the last path price at or
//! before each tranche; UTC times and intervals read back what they write; and no input makes anything panic.

use proptest::prelude::*;
use scaleplan::ladder::{
    build_ladder, spaced_prices, Generator, LadderSpec, Liquidity, RemainderPolicy, RiskBudget, Sizes, Spacing, Total,
    Tranche, MAX_RUNGS,
};
use scaleplan::schedule::{build_schedule, schedule_times, Interval, PricePath, PricePoint, ScheduleSpec, UtcTime};
use scaleplan::{
    ContractKind, Decimal, Instrument, Ladder, NonNegative, Percent, Positive, Price, Quantity, Rate, Side,
};

fn dec(mantissa: i64, scale: u32) -> Decimal {
    Decimal::new(mantissa, scale)
}

fn side() -> impl Strategy<Value = Side> {
    prop_oneof![Just(Side::Long), Just(Side::Short)]
}

/// Instruments with the grids and fees real exchanges use, linear or inverse, including a zero step and tick.
fn instrument() -> impl Strategy<Value = Instrument> {
    (
        prop_oneof![Just(None), Just(Some(1_i64)), Just(Some(10)), Just(Some(100))],
        proptest::sample::select(vec![dec(0, 0), dec(1, 2), dec(1, 1), dec(5, 1), dec(1, 0), dec(10, 0)]),
        proptest::sample::select(vec![dec(0, 0), dec(1, 5), dec(1, 3), dec(1, 2), dec(1, 0)]),
        0_i64..=3,
        proptest::sample::select(vec![dec(0, 0), dec(5, 0), dec(10, 0), dec(100, 0)]),
        proptest::sample::select(vec![dec(-1, 4), dec(0, 0), dec(15, 5), dec(2, 4)]),
        proptest::sample::select(vec![dec(0, 0), dec(4, 4), dec(5, 4), dec(55, 5)]),
    )
        .prop_filter_map(
            "valid instrument fields",
            |(contract_size, tick, step, min_steps, min_notional, maker, taker)| {
                Some(Instrument {
                    symbol: "TEST".into(),
                    contract: match contract_size {
                        None => ContractKind::Linear,
                        Some(size) => ContractKind::Inverse { contract_size: price(Decimal::from(size))? },
                    },
                    tick_size: NonNegative::new("", tick).ok()?,
                    quantity_step: NonNegative::new("", step).ok()?,
                    min_quantity: NonNegative::new("", step * Decimal::from(min_steps)).ok()?,
                    min_notional: NonNegative::new("", min_notional).ok()?,
                    maker_fee: Rate::new("", maker).ok()?,
                    taker_fee: Rate::new("", taker).ok()?,
                    tiers: Vec::new(),
                })
            },
        )
}

/// A core result as a test failure, so test bodies can use `?`.
fn ok<T>(result: scaleplan::Result<T>) -> Result<T, TestCaseError> {
    result.map_err(|e| TestCaseError::fail(e.to_string()))
}

fn price(value: Decimal) -> Option<Price> {
    Price::new("", value).ok()
}

fn positive(value: Decimal) -> Option<Positive> {
    Positive::new("", value).ok()
}

/// Prices from 0.01 to 1,000,000 with up to 2 decimals.
fn a_price() -> impl Strategy<Value = Decimal> {
    (1_i64..=100_000_000).prop_map(|cents| dec(cents, 2))
}

fn sizes(count: usize) -> impl Strategy<Value = Sizes> {
    prop_oneof![
        Just(Sizes::Flat),
        Just(Sizes::Increasing),
        Just(Sizes::Decreasing),
        (1_i64..=1_000, 0_u32..=2).prop_filter_map("a positive skew", |(m, s)| Some(Sizes::Skew(positive(dec(m, s))?))),
        proptest::collection::vec((1_i64..=1_000, 0_u32..=3), count).prop_filter_map("positive weights", |ws| {
            Some(Sizes::Custom(ws.into_iter().map(|(m, s)| positive(dec(m, s))).collect::<Option<_>>()?))
        }),
    ]
}

/// A total; the stop of a risk budget is a fraction of the way from the nearest entry toward 0 (long) or double
/// (short), so it is on the right side of every entry.
#[derive(Debug, Clone)]
enum TotalKind {
    Quantity(Decimal),
    Notional(Decimal),
    Risk { account: Decimal, percent: Decimal, stop_gap: Decimal, entry_fee: Liquidity },
}

fn total_kind() -> impl Strategy<Value = TotalKind> {
    prop_oneof![
        (1_i64..=10_000_000, 0_u32..=6).prop_map(|(m, s)| TotalKind::Quantity(dec(m, s))),
        (1_i64..=100_000_000, 0_u32..=2).prop_map(|(m, s)| TotalKind::Notional(dec(m, s))),
        (
            (1_i64..=100_000_000, 0_u32..=4),
            1_i64..=10_000,
            1_i64..=9_000,
            prop_oneof![Just(Liquidity::Maker), Just(Liquidity::Taker)]
        )
            .prop_map(|((m, s), percent, gap, entry_fee)| TotalKind::Risk {
                account: dec(m, s),
                percent: dec(percent, 2),
                stop_gap: dec(gap, 4),
                entry_fee,
            }),
    ]
}

fn total(kind: &TotalKind, side: Side, from: Decimal, to: Decimal) -> Result<Total, TestCaseError> {
    Ok(match kind {
        TotalKind::Quantity(q) => Total::Quantity(ok(Quantity::new("", *q))?),
        TotalKind::Notional(n) => Total::Notional(ok(Positive::new("", *n))?),
        TotalKind::Risk { account, percent, stop_gap, entry_fee } => {
            let stop = match side {
                Side::Long => from.min(to) * (Decimal::ONE - stop_gap),
                Side::Short => from.max(to) * (Decimal::ONE + stop_gap),
            };
            Total::RiskBudget(RiskBudget {
                account: ok(Positive::new("", *account))?,
                risk_percent: ok(Percent::new("", *percent))?,
                stop: ok(Price::new("", stop.max(dec(1, 8))))?,
                entry_fee: *entry_fee,
            })
        }
    })
}

#[derive(Debug, Clone)]
struct GeneratedCase {
    instrument: Instrument,
    side: Side,
    from: Decimal,
    to: Decimal,
    count: u32,
    spacing: Spacing,
    sizes: Sizes,
    total: TotalKind,
}

fn generated_case(max_count: usize) -> impl Strategy<Value = GeneratedCase> {
    (1..=max_count).prop_flat_map(|count| {
        (
            instrument(),
            side(),
            a_price(),
            a_price(),
            prop_oneof![Just(Spacing::Linear), Just(Spacing::Geometric)],
            sizes(count),
            total_kind(),
        )
            .prop_map(move |(instrument, side, from, to, spacing, sizes, total)| GeneratedCase {
                instrument,
                side,
                from,
                to: if count == 1 { from } else { to },
                count: u32::try_from(count).unwrap_or(1),
                spacing,
                sizes,
                total,
            })
    })
}

fn spec_of(case: &GeneratedCase, policy: RemainderPolicy) -> Result<LadderSpec, TestCaseError> {
    let generator = Generator {
        from: ok(Price::new("", case.from))?,
        to: ok(Price::new("", case.to))?,
        count: case.count,
        spacing: case.spacing,
        sizes: case.sizes.clone(),
    };
    Ok(LadderSpec::generated(generator, total(&case.total, case.side, case.from, case.to)?).with_remainder(policy))
}

/// Per-unit loss at the stop, fees included, computed here from the formula the risk budget documents.
fn loss_per_unit(instrument: &Instrument, side: Side, budget: &RiskBudget, price: Decimal) -> Decimal {
    let stop = budget.stop.get();
    let entry_fee = match budget.entry_fee {
        Liquidity::Maker => instrument.maker_fee.get(),
        Liquidity::Taker => instrument.taker_fee.get(),
    };
    let exit_fee = instrument.taker_fee.get();
    match instrument.contract {
        ContractKind::Linear => side.sign() * (price - stop) + entry_fee * price + exit_fee * stop,
        ContractKind::Inverse { contract_size } => {
            contract_size.get()
                * (side.sign() * (Decimal::ONE / stop - Decimal::ONE / price) + entry_fee / price + exit_fee / stop)
        }
    }
}

fn is_multiple(value: Decimal, step: Decimal) -> bool {
    step.is_zero() || value.checked_rem(step) == Some(Decimal::ZERO)
}

/// The invariants every built ladder keeps.
fn check_ladder(ladder: &Ladder, instrument: &Instrument, total: &Total, side: Side) -> Result<(), TestCaseError> {
    let step = instrument.quantity_step.get();
    let tick = instrument.tick_size.get();
    let placed = ladder.placed().get();
    let requested = ladder.requested().get();
    prop_assert!(placed <= requested, "placed {placed} > requested {requested}");
    prop_assert_eq!(ladder.remainder().get(), requested - placed);
    let quantities: Decimal = ladder.rungs().iter().map(|r| r.quantity().get()).sum();
    prop_assert_eq!(quantities, placed);
    for (i, rung) in ladder.rungs().iter().enumerate() {
        prop_assert_eq!(rung.index(), i);
        prop_assert!(is_multiple(rung.quantity().get(), step), "{} not on step {step}", rung.quantity());
        if rung.time().is_none() {
            prop_assert!(is_multiple(rung.price().get(), tick), "{} not on tick {tick}", rung.price());
        }
    }
    let shares: Decimal = ladder.rungs().iter().map(|r| r.share()).sum();
    if placed.is_zero() {
        prop_assert!(ladder.rungs().iter().all(|r| r.share().is_zero()));
    } else {
        prop_assert_eq!(shares, Decimal::ONE_HUNDRED);
        for rung in ladder.rungs() {
            let exact = rung.quantity().get() * Decimal::ONE_HUNDRED / placed;
            prop_assert!((rung.share() - exact).abs() < dec(1, 4), "share {} vs exact {exact}", rung.share());
        }
    }
    let notional: Decimal = ladder
        .rungs()
        .iter()
        .map(|r| match instrument.contract {
            ContractKind::Linear => r.quantity().get() * r.price().get(),
            ContractKind::Inverse { contract_size } => r.quantity().get() * contract_size.get(),
        })
        .sum();
    prop_assert_eq!(ladder.placed_notional().get(), notional);
    match total {
        Total::Quantity(q) => prop_assert_eq!(requested, q.get()),
        Total::Notional(n) => prop_assert!(notional <= n.get(), "notional {notional} > {n}"),
        Total::RiskBudget(budget) => {
            let risk: Decimal = ladder
                .rungs()
                .iter()
                .map(|r| r.quantity().get() * loss_per_unit(instrument, side, budget, r.price().get()))
                .sum();
            let limit = budget.account.get() * budget.risk_percent.get() / Decimal::ONE_HUNDRED;
            // The test's own sum rounds in the last digits too; a ten-billionth of the budget is far below a step.
            prop_assert!(risk <= limit * (Decimal::ONE + dec(1, 10)), "risk {risk} > budget {limit}");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Generated ladders, both remainder policies: every invariant holds, and topping up only adds whole steps.
    #[test]
    fn generated_ladders_keep_their_invariants(case in generated_case(40)) {
        let unplaced = build_ladder(&spec_of(&case, RemainderPolicy::Unplaced)?, case.side, &case.instrument);
        let topped = build_ladder(&spec_of(&case, RemainderPolicy::TopUpLargest)?, case.side, &case.instrument);
        let total = total(&case.total, case.side, case.from, case.to)?;
        match (unplaced, topped) {
            (Ok(unplaced), Ok(topped)) => {
                check_ladder(&unplaced, &case.instrument, &total, case.side)?;
                check_ladder(&topped, &case.instrument, &total, case.side)?;
                prop_assert_eq!(unplaced.requested(), topped.requested());
                let step = case.instrument.quantity_step.get();
                for (a, b) in unplaced.rungs().iter().zip(topped.rungs()) {
                    prop_assert_eq!(a.price(), b.price());
                    prop_assert!(b.quantity() >= a.quantity());
                    prop_assert!(is_multiple(b.quantity().get() - a.quantity().get(), step));
                }
                if matches!(total, Total::Quantity(_)) && !step.is_zero() {
                    prop_assert!(topped.remainder().get() < step, "remainder {} left at step {step}", topped.remainder());
                }
            }
            (Err(a), Err(b)) => prop_assert_eq!(a, b),
            (a, b) => prop_assert!(false, "the policies disagree on success: {a:?} / {b:?}"),
        }
    }

    /// Long ladders of up to the maximum count stay within their totals too.
    #[test]
    fn long_ladders_keep_their_invariants(case in generated_case(MAX_RUNGS)) {
        if let Ok(ladder) = build_ladder(&spec_of(&case, RemainderPolicy::TopUpLargest)?, case.side, &case.instrument) {
            check_ladder(&ladder, &case.instrument, &total(&case.total, case.side, case.from, case.to)?, case.side)?;
        }
    }

    /// Whole-percent shares of a total that is a whole number of steps per percent are placed exactly, and the
    /// rungs report the shares they were given.
    #[test]
    fn exact_shares_are_placed_exactly(
        parts in proptest::collection::vec(1_u32..=20, 1..=12),
        per_percent in 1_i64..=1_000,
        instrument in instrument(),
        side in side(),
    ) {
        // Whole-percent shares adding up to 100: the parts scaled, the last taking the rest; skip when one is 0.
        let sum: u32 = parts.iter().sum();
        let mut shares: Vec<u32> = parts.iter().map(|p| p * 100 / sum).collect();
        let assigned: u32 = shares.iter().sum();
        if let Some(last) = shares.last_mut() {
            *last += 100 - assigned;
        }
        prop_assume!(shares.iter().all(|s| *s > 0));
        let step = instrument.quantity_step.get().max(dec(1, 8));
        let total = step * Decimal::from(per_percent) * Decimal::ONE_HUNDRED;
        let mut tranches = Vec::new();
        for (i, share) in (0_i64..).zip(&shares) {
            let at = ok(Price::new("", Decimal::from(60_000 + i * 100)))?;
            tranches.push(Tranche::share(at, ok(Percent::new("", Decimal::from(*share)))?));
        }
        let spec = LadderSpec::from_tranches(tranches, Some(Total::Quantity(ok(Quantity::new("", total))?)));
        let ladder = ok(build_ladder(&spec, side, &instrument))?;
        prop_assert_eq!(ladder.placed().get(), total);
        prop_assert!(ladder.remainder().get().is_zero());
        for (rung, share) in ladder.rungs().iter().zip(&shares) {
            prop_assert_eq!(rung.share(), Decimal::from(*share));
            prop_assert_eq!(rung.quantity().get(), step * Decimal::from(per_percent) * Decimal::from(*share));
        }
    }

    /// Geometric prices keep one ratio between neighbours before rounding; linear ones one difference.
    #[test]
    fn spacing_is_constant_before_rounding(from in a_price(), to in a_price(), count in 2_u32..=200) {
        prop_assume!(from != to);
        let (from_price, to_price) = (ok(Price::new("", from))?, ok(Price::new("", to))?);
        let prices: Vec<Decimal> =
            ok(spaced_prices(from_price, to_price, count, Spacing::Geometric))?.iter().map(|p| p.get()).collect();
        prop_assert_eq!(prices.len(), usize::try_from(count).unwrap_or(0));
        prop_assert_eq!(prices.first().copied(), Some(from));
        prop_assert_eq!(prices.last().copied(), Some(to));
        let ratios: Vec<Decimal> = prices.windows(2).filter_map(|w| match w {
            [a, b] => Some(*b / *a),
            _ => None,
        }).collect();
        let first = ratios.first().copied().unwrap_or(Decimal::ONE);
        for ratio in &ratios {
            prop_assert!(((*ratio - first) / first).abs() < dec(1, 20), "ratio {ratio} vs {first}");
        }
        let prices: Vec<Decimal> =
            ok(spaced_prices(from_price, to_price, count, Spacing::Linear))?.iter().map(|p| p.get()).collect();
        let steps: Vec<Decimal> = prices.windows(2).filter_map(|w| match w {
            [a, b] => Some(*b - *a),
            _ => None,
        }).collect();
        let first = steps.first().copied().unwrap_or_default();
        for step in &steps {
            prop_assert!((*step - first).abs() <= dec(1, 20), "step {step} vs {first}");
        }
    }

    /// Each tranche of a schedule fills at the last path price at or before its time, or the schedule names the
    /// first tranche the path does not cover.
    #[test]
    fn schedules_fill_at_the_last_price_at_or_before(
        start in 1_600_000_000_000_i64..1_800_000_000_000,
        interval in 1_i64..=86_400_000 * 7,
        count in 1_u32..=30,
        gaps in proptest::collection::vec((1_i64..=86_400_000 * 3, 1_i64..=10_000_000), 1..=60),
        lead in 0_i64..=86_400_000,
        instrument in instrument(),
        side in side(),
        quantity in (1_i64..=1_000_000, 0_u32..=3),
    ) {
        let mut time = start - lead;
        let mut points = Vec::new();
        for (gap, cents) in &gaps {
            points.push(PricePoint { time: ok(UtcTime::from_millis("", time))?, price: ok(Price::new("", dec(*cents, 2)))? });
            time += gap;
        }
        let path = ok(PricePath::new(points.clone()))?;
        let spec = ScheduleSpec {
            start: ok(UtcTime::from_millis("", start))?,
            interval: ok(Interval::from_millis("", interval))?,
            count,
            sizes: Sizes::Flat,
            total: Total::Quantity(ok(Quantity::new("", dec(quantity.0, quantity.1)))?),
            remainder: RemainderPolicy::Unplaced,
        };
        let times = ok(schedule_times(&spec))?;
        for (i, t) in (0_i64..).zip(&times) {
            prop_assert_eq!(t.millis(), start + interval * i);
        }
        // The oracle: scan the whole path for the last point at or before each time, within the path's span.
        let expected: Vec<Option<Price>> = times
            .iter()
            .map(|t| match points.last() {
                Some(last) if *t <= last.time => points.iter().rev().find(|p| p.time <= *t).map(|p| p.price),
                _ => None,
            })
            .collect();
        match build_schedule(&spec, side, &instrument, &path) {
            Ok(ladder) => {
                check_ladder(&ladder, &instrument, &spec.total, side)?;
                for ((rung, time), price) in ladder.rungs().iter().zip(&times).zip(&expected) {
                    prop_assert_eq!(rung.time(), Some(*time));
                    prop_assert_eq!(Some(rung.price()), *price);
                }
            }
            Err(error) => {
                let first_uncovered = expected.iter().position(Option::is_none);
                prop_assert!(first_uncovered.is_some(), "unexpected error {error}");
                let message = error.to_string();
                let named = format!("tranches[{}]", first_uncovered.unwrap_or(0));
                prop_assert!(message.starts_with("path: ") && message.contains(&named), "{message}");
            }
        }
    }

    /// UTC times and intervals read back exactly what they write, as text and as JSON.
    #[test]
    fn times_and_intervals_round_trip(ms in 0_i64..=253_402_300_799_999, interval in 1_i64..=253_402_300_799_999) {
        let time = ok(UtcTime::from_millis("", ms))?;
        prop_assert_eq!(UtcTime::parse("", &time.to_string()), Ok(time));
        let json = serde_json::to_string(&time).unwrap_or_default();
        prop_assert_eq!(serde_json::from_str::<UtcTime>(&json).ok(), Some(time));
        prop_assert_eq!(serde_json::from_str::<UtcTime>(&ms.to_string()).ok(), Some(time));
        let interval = ok(Interval::from_millis("", interval))?;
        prop_assert_eq!(Interval::parse("", &interval.to_string()), Ok(interval));
        let json = serde_json::to_string(&interval).unwrap_or_default();
        prop_assert_eq!(serde_json::from_str::<Interval>(&json).ok(), Some(interval));
    }
}

/// Any decimal at all, from the smallest to the largest magnitude the type holds.
fn any_decimal() -> impl Strategy<Value = Decimal> {
    (any::<u32>(), any::<u32>(), any::<u32>(), 0_u32..=28)
        .prop_map(|(lo, mid, hi, scale)| Decimal::from_parts(lo, mid, hi, false, scale))
}

fn any_positive() -> impl Strategy<Value = Decimal> {
    prop_oneof![any_decimal(), (1_i64..=1_000_000, 0_u32..=28).prop_map(|(m, s)| dec(m, s))]
        .prop_filter("above 0", |d| *d > Decimal::ZERO)
}

fn wild_instrument() -> impl Strategy<Value = Instrument> {
    (instrument(), any_decimal(), any_decimal(), any_decimal(), any_decimal(), any_positive()).prop_filter_map(
        "valid instrument fields",
        |(mut instrument, tick, step, min_quantity, min_notional, contract_size)| {
            instrument.tick_size = NonNegative::new("", tick).ok()?;
            instrument.quantity_step = NonNegative::new("", step).ok()?;
            instrument.min_quantity = NonNegative::new("", min_quantity).ok()?;
            instrument.min_notional = NonNegative::new("", min_notional).ok()?;
            if let ContractKind::Inverse { .. } = instrument.contract {
                instrument.contract = ContractKind::Inverse { contract_size: price(contract_size)? };
            }
            Some(instrument)
        },
    )
}

fn wild_total() -> impl Strategy<Value = Total> {
    prop_oneof![
        any_positive().prop_filter_map("a quantity", |q| Some(Total::Quantity(Quantity::new("", q).ok()?))),
        any_positive().prop_filter_map("a notional", |n| Some(Total::Notional(positive(n)?))),
        (any_positive(), (1_i64..=10_000), any_positive(), prop_oneof![Just(Liquidity::Maker), Just(Liquidity::Taker)])
            .prop_filter_map("a risk budget", |(account, percent, stop, entry_fee)| {
                Some(Total::RiskBudget(RiskBudget {
                    account: positive(account)?,
                    risk_percent: Percent::new("", dec(percent, 2)).ok()?,
                    stop: price(stop)?,
                    entry_fee,
                }))
            }),
    ]
}

fn wild_sizes() -> impl Strategy<Value = Sizes> {
    prop_oneof![
        Just(Sizes::Flat),
        Just(Sizes::Increasing),
        Just(Sizes::Decreasing),
        any_positive().prop_filter_map("a skew", |s| Some(Sizes::Skew(positive(s)?))),
        proptest::collection::vec(any_positive(), 0..=5)
            .prop_filter_map("weights", |ws| Some(Sizes::Custom(ws.into_iter().map(positive).collect::<Option<_>>()?))),
    ]
}

/// Explicit tranches with any prices and sizes, by share (capped at 100) or by quantity.
fn wild_tranches() -> impl Strategy<Value = Vec<Tranche>> {
    proptest::collection::vec(
        (any_positive(), any_positive(), any::<bool>()).prop_filter_map("a tranche", |(at, size, by_share)| {
            Some(if by_share {
                Tranche::share(price(at)?, Percent::new("", size.min(Decimal::ONE_HUNDRED)).ok()?)
            } else {
                Tranche::quantity(price(at)?, Quantity::new("", size).ok()?)
            })
        }),
        0..=6,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Nothing panics, whatever the magnitudes: every input gives a ladder that keeps the invariants, or an error.
    #[test]
    fn no_input_panics(
        instrument in wild_instrument(),
        side in side(),
        from in any_positive(),
        to in any_positive(),
        count in 0_u32..=1_200,
        spacing in prop_oneof![Just(Spacing::Linear), Just(Spacing::Geometric)],
        sizes in wild_sizes(),
        total in wild_total(),
        tranches in wild_tranches(),
        policy in prop_oneof![Just(RemainderPolicy::Unplaced), Just(RemainderPolicy::TopUpLargest)],
    ) {
        let (from, to) = (ok(Price::new("", from))?, ok(Price::new("", to))?);
        let generated = LadderSpec::generated(
            Generator { from, to, count: count.min(60), spacing, sizes: sizes.clone() },
            total,
        )
        .with_remainder(policy);
        if let Ok(ladder) = build_ladder(&generated, side, &instrument) {
            check_ladder(&ladder, &instrument, &total, side)?;
        }
        let explicit = [(tranches.clone(), Some(total)), (tranches, None)];
        for (tranches, given) in explicit {
            let spec = LadderSpec::from_tranches(tranches, given).with_remainder(policy);
            if let Ok(ladder) = build_ladder(&spec, side, &instrument) {
                // Tranches with quantities total their sum, which the ladder reports as requested.
                let total = given.unwrap_or(Total::Quantity(ladder.requested()));
                check_ladder(&ladder, &instrument, &total, side)?;
            }
        }
        let counted = LadderSpec::generated(Generator { from, to, count, spacing, sizes }, total);
        let result = build_ladder(&counted, side, &instrument);
        if count == 0 || count > 1_000 {
            prop_assert_eq!(result.map(|_| ()).map_err(|e| e.to_string()), Err("generate.count: must be from 1 to 1000".to_owned()));
        }
    }
}
