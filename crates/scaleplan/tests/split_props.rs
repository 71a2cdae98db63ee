//! Splitting a total by weights, `Q·wᵢ/W` multiplied before it is divided: whenever a rung's exact share is on the
//! quantity step it is placed exactly and nothing is left over (for quantity, notional and risk totals, ladders and
//! time schedules, both remainder policies); every rung is the floor of its exact share; and whatever the inputs,
//! the placed sizes never add up to more than the total.

use proptest::prelude::*;
use scaleplan::ladder::{build_ladder, Generator, LadderSpec, Liquidity, RemainderPolicy, RiskBudget, Sizes, Total};
use scaleplan::schedule::{build_schedule, Interval, PricePath, PricePoint, ScheduleSpec, UtcTime};
use scaleplan::{
    ContractKind, Decimal, Instrument, Ladder, NonNegative, Percent, Positive, Price, Quantity, Rate, Side,
};

fn dec(mantissa: i64, scale: u32) -> Decimal {
    Decimal::new(mantissa, scale)
}

/// A core result as a test failure, so test bodies can use `?`.
fn ok<T>(result: scaleplan::Result<T>) -> Result<T, TestCaseError> {
    result.map_err(|e| TestCaseError::fail(e.to_string()))
}

fn side() -> impl Strategy<Value = Side> {
    prop_oneof![Just(Side::Long), Just(Side::Short)]
}

fn policy() -> impl Strategy<Value = RemainderPolicy> {
    prop_oneof![Just(RemainderPolicy::Unplaced), Just(RemainderPolicy::TopUpLargest)]
}

/// Quantity steps real exchanges use, and some that are not powers of ten.
fn a_step() -> impl Strategy<Value = Decimal> {
    proptest::sample::select(vec![
        dec(1, 0),
        dec(1, 1),
        dec(1, 3),
        dec(1, 5),
        dec(1, 8),
        dec(5, 1),
        dec(25, 3),
        dec(3, 0),
    ])
}

/// An instrument with `step`, a 0.1 tick (0 with `tick_zero`), no minimums and no fees, so the loss at a stop is
/// the plain price distance and the test can set a risk budget the rungs use up exactly.
fn instrument(step: Decimal, contract_size: Option<i64>, tick_zero: bool) -> Result<Instrument, TestCaseError> {
    Ok(Instrument {
        symbol: "TEST".into(),
        contract: match contract_size {
            None => ContractKind::Linear,
            Some(size) => ContractKind::Inverse { contract_size: ok(Price::new("", Decimal::from(size)))? },
        },
        tick_size: ok(NonNegative::new("", if tick_zero { Decimal::ZERO } else { dec(1, 1) }))?,
        quantity_step: ok(NonNegative::new("", step))?,
        min_quantity: ok(NonNegative::new("", Decimal::ZERO))?,
        min_notional: ok(NonNegative::new("", Decimal::ZERO))?,
        maker_fee: ok(Rate::new("", Decimal::ZERO))?,
        taker_fee: ok(Rate::new("", Decimal::ZERO))?,
        tiers: Vec::new(),
    })
}

/// Weights proportional to `steps`: each multiplied by one common factor, so `wᵢ/W = kᵢ/K`.
fn weights(steps: &[i64], factor: Decimal) -> Result<Sizes, TestCaseError> {
    let weights = steps.iter().map(|k| ok(Positive::new("", Decimal::from(*k) * factor))).collect::<Result<_, _>>()?;
    Ok(Sizes::Custom(weights))
}

/// Which total an exact case spreads.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Quantity,
    Notional,
    Risk,
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![Just(Kind::Quantity), Just(Kind::Notional), Just(Kind::Risk)]
}

/// The total that the per-rung quantities `expected` at `prices` use up exactly: their sum, their order value, or
/// (no fees) their loss at a stop `gap` beyond the outermost price.
fn exact_total(
    kind: Kind,
    expected: &[Decimal],
    prices: &[Decimal],
    instrument: &Instrument,
    side: Side,
    gap: Decimal,
) -> Result<Total, TestCaseError> {
    let pairs = || expected.iter().zip(prices);
    Ok(match kind {
        Kind::Quantity => Total::Quantity(ok(Quantity::new("", expected.iter().copied().sum()))?),
        Kind::Notional => {
            let notional: Decimal = match instrument.contract {
                ContractKind::Linear => pairs().map(|(q, p)| *q * *p).sum(),
                ContractKind::Inverse { contract_size } => expected.iter().map(|q| *q * contract_size.get()).sum(),
            };
            Total::Notional(ok(Positive::new("", notional))?)
        }
        Kind::Risk => {
            let stop = match side {
                Side::Long => prices.iter().copied().min().unwrap_or_default() - gap,
                Side::Short => prices.iter().copied().max().unwrap_or_default() + gap,
            };
            let loss: Decimal = pairs().map(|(q, p)| *q * (*p - stop).abs()).sum();
            Total::RiskBudget(RiskBudget {
                account: ok(Positive::new("", loss))?,
                risk_percent: ok(Percent::new("", Decimal::ONE_HUNDRED))?,
                stop: ok(Price::new("", stop))?,
                entry_fee: Liquidity::Maker,
            })
        }
    })
}

/// Every rung is exactly `expected`, and the ladder places all of it.
fn placed_exactly(ladder: &Ladder, expected: &[Decimal]) -> Result<(), TestCaseError> {
    let quantities: Vec<Decimal> = ladder.rungs().iter().map(|r| r.quantity().get()).collect();
    prop_assert_eq!(&quantities, expected);
    prop_assert!(ladder.remainder().get().is_zero(), "remainder {}", ladder.remainder());
    prop_assert_eq!(ladder.placed().get(), ladder.requested().get());
    prop_assert_eq!(ladder.placed().get(), expected.iter().copied().sum::<Decimal>());
    Ok(())
}

/// `Q·wᵢ/W` floored to the step is placed as it is: `(Q·wᵢ)·(W·s)` compared in decimals that hold these products
/// exactly, `qᵢ·W ≤ Q·wᵢ < (qᵢ + s)·W`.
fn is_floor(quantity: Decimal, total: Decimal, weight: Decimal, weights: Decimal, step: Decimal) -> bool {
    let share = total * weight;
    quantity * weights <= share && (step.is_zero() || share < (quantity + step) * weights)
}

/// Any decimal at all, from the smallest to the largest magnitude the type holds.
fn any_positive() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (any::<u32>(), any::<u32>(), any::<u32>(), 0_u32..=28)
            .prop_map(|(lo, mid, hi, scale)| Decimal::from_parts(lo, mid, hi, false, scale)),
        (1_i64..=1_000_000, 0_u32..=28).prop_map(|(m, s)| dec(m, s)),
        (1_i64..=9, 0_u32..=3).prop_map(|(m, s)| dec(m, s)),
    ]
    .prop_filter("above 0", |d| *d > Decimal::ZERO)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Per-rung quantities on the step, weights proportional to them and the total they make: every rung is placed
    /// exactly and the remainder is 0, for a quantity, a notional or a risk budget.
    #[test]
    fn on_step_shares_of_a_ladder_are_placed_exactly(
        steps in proptest::collection::vec(1_i64..=10_000, 1..=40),
        factor in (1_i64..=1_000, 0_u32..=4),
        step in a_step(),
        contract_size in prop_oneof![Just(None), Just(Some(1_i64)), Just(Some(100))],
        tick_zero in any::<bool>(),
        from in 1_000_i64..=1_000_000,
        spacing in 1_i64..=1_000,
        gap in 1_i64..=900,
        kind in kind(),
        side in side(),
        policy in policy(),
    ) {
        // The test's loss at the stop is the linear one, so a risk budget is on a linear contract.
        let contract_size = if matches!(kind, Kind::Risk) { None } else { contract_size };
        let instrument = instrument(step, contract_size, tick_zero)?;
        let count = steps.len();
        // Linear prices from + i·spacing (tenths), each on the 0.1 tick, so the rungs sit where the test says.
        let prices: Vec<Decimal> = (0_i64..).take(count).map(|i| dec(from + i * spacing, 1)).collect();
        let to = prices.last().copied().unwrap_or_default();
        let expected: Vec<Decimal> = steps.iter().map(|k| step * Decimal::from(*k)).collect();
        let total = exact_total(kind, &expected, &prices, &instrument, side, dec(gap, 1))?;
        let generator = Generator {
            from: ok(Price::new("", dec(from, 1)))?,
            to: ok(Price::new("", to))?,
            count: u32::try_from(count).unwrap_or(1),
            spacing: scaleplan::ladder::Spacing::Linear,
            sizes: weights(&steps, dec(factor.0, factor.1))?,
        };
        let spec = LadderSpec::generated(generator, total).with_remainder(policy);
        let ladder = ok(build_ladder(&spec, side, &instrument))?;
        placed_exactly(&ladder, &expected)?;
    }

    /// The same for time schedules: tranches filled at one price each, sized by weights proportional to on-step
    /// quantities, place them exactly.
    #[test]
    fn on_step_shares_of_a_schedule_are_placed_exactly(
        steps in proptest::collection::vec(1_i64..=10_000, 1..=30),
        factor in (1_i64..=1_000, 0_u32..=4),
        step in a_step(),
        cents in proptest::collection::vec(100_000_i64..=10_000_000, 30),
        kind in kind(),
        side in side(),
        policy in policy(),
    ) {
        let instrument = instrument(step, None, false)?;
        let start = 1_714_554_000_000_i64;
        let day = 86_400_000_i64;
        let points = (0_i64..)
            .zip(&cents)
            .map(|(i, c)| {
                Ok(PricePoint { time: ok(UtcTime::from_millis("", start + i * day))?, price: ok(Price::new("", dec(*c, 2)))? })
            })
            .collect::<Result<Vec<_>, TestCaseError>>()?;
        let path = ok(PricePath::new(points))?;
        let prices: Vec<Decimal> = cents.iter().take(steps.len()).map(|c| dec(*c, 2)).collect();
        let expected: Vec<Decimal> = steps.iter().map(|k| step * Decimal::from(*k)).collect();
        let spec = ScheduleSpec {
            start: ok(UtcTime::from_millis("", start))?,
            interval: ok(Interval::from_millis("", day))?,
            count: u32::try_from(steps.len()).unwrap_or(1),
            sizes: weights(&steps, dec(factor.0, factor.1))?,
            total: exact_total(kind, &expected, &prices, &instrument, side, Decimal::ONE)?,
            remainder: policy,
        };
        let schedule = ok(build_schedule(&spec, side, &instrument, &path))?;
        placed_exactly(&schedule, &expected)?;
    }

    /// Any moderate quantity and weights: each rung is exactly the floor of `Q·wᵢ/W` on the step (never a step
    /// below it from a rounded `wᵢ/W`, never above it), and the rungs add up to at most `Q`.
    #[test]
    fn every_rung_is_the_floor_of_its_exact_share(
        total in (1_i64..=10_000_000, 0_u32..=6),
        raw in proptest::collection::vec((1_i64..=1_000, 0_u32..=3), 1..=40),
        step in prop_oneof![a_step(), Just(Decimal::ZERO)],
        side in side(),
    ) {
        let instrument = instrument(step, None, false)?;
        let total = dec(total.0, total.1);
        let weights: Vec<Decimal> = raw.iter().map(|(m, s)| dec(*m, *s)).collect();
        let weight_sum: Decimal = weights.iter().copied().sum();
        let generator = Generator {
            from: ok(Price::new("", Decimal::from(70_000)))?,
            to: ok(Price::new("", Decimal::from(70_000 - 100 * i64::try_from(weights.len() - 1).unwrap_or(0))))?,
            count: u32::try_from(weights.len()).unwrap_or(1),
            spacing: scaleplan::ladder::Spacing::Linear,
            sizes: Sizes::Custom(weights.iter().map(|w| ok(Positive::new("", *w))).collect::<Result<_, _>>()?),
        };
        let spec = LadderSpec::generated(generator, Total::Quantity(ok(Quantity::new("", total))?));
        let ladder = ok(build_ladder(&spec, side, &instrument))?;
        for (rung, weight) in ladder.rungs().iter().zip(&weights) {
            let q = rung.quantity().get();
            if step.is_zero() {
                // No step: the share itself, to the decimal's last digits (28 significant ones).
                let exact = total * *weight / weight_sum;
                prop_assert!((q - exact).abs() <= total * dec(1, 20), "rung {q} vs {exact}");
            } else {
                prop_assert!(is_floor(q, total, *weight, weight_sum, step), "rung {q} of {total}·{weight}/{weight_sum}");
            }
        }
        prop_assert!(ladder.placed().get() <= total, "placed {} > {total}", ladder.placed());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever the magnitudes (28-digit weights and totals where `Q·wᵢ` overflows and falls back), the placed
    /// sizes never add up to more than the total, in quantity or in notional, and the remainder is what is left.
    #[test]
    fn placed_never_exceeds_the_total(
        total in any_positive(),
        weights in proptest::collection::vec(any_positive(), 1..=12),
        step in prop_oneof![a_step(), Just(Decimal::ZERO), any_positive()],
        notional in any::<bool>(),
        side in side(),
        policy in policy(),
    ) {
        let instrument = instrument(step, None, true)?;
        let count = weights.len();
        let generator = Generator {
            from: ok(Price::new("", Decimal::from(60_000)))?,
            to: ok(Price::new("", Decimal::from(60_000 + 10 * i64::try_from(count - 1).unwrap_or(0))))?,
            count: u32::try_from(count).unwrap_or(1),
            spacing: scaleplan::ladder::Spacing::Linear,
            sizes: Sizes::Custom(weights.iter().map(|w| ok(Positive::new("", *w))).collect::<Result<_, _>>()?),
        };
        let given = if notional {
            Total::Notional(ok(Positive::new("", total))?)
        } else {
            Total::Quantity(ok(Quantity::new("", total))?)
        };
        let spec = LadderSpec::generated(generator, given).with_remainder(policy);
        if let Ok(ladder) = build_ladder(&spec, side, &instrument) {
            let placed: Decimal = ladder.rungs().iter().map(|r| r.quantity().get()).sum();
            prop_assert_eq!(placed, ladder.placed().get());
            prop_assert!(placed <= ladder.requested().get(), "placed {placed} > requested {}", ladder.requested());
            prop_assert_eq!(ladder.remainder().get(), ladder.requested().get() - placed);
            if notional {
                let value = ladder
                    .rungs()
                    .iter()
                    .try_fold(Decimal::ZERO, |sum, r| sum.checked_add(r.quantity().get().checked_mul(r.price().get())?));
                prop_assert!(value.is_some_and(|v| v <= total), "notional {value:?} > {total}");
            } else {
                prop_assert_eq!(ladder.requested().get(), total);
            }
        }
    }
}
