//! Invariants of scaling out: what is closed plus what remains is the position, exactly, after every step; steps
//! go in the favourable direction; the stop (trailing or moved by a rule) never moves against the position and never
//! sits at or beyond the step's price; the worst case locked in never decreases, except by the funding paid in the
//! step, and in particular never once the stop is at breakeven; and no input makes anything panic.

use proptest::prelude::*;
use scaleplan::ladder::Liquidity;
use scaleplan::liquidation::{MarginMode, Model};
use scaleplan::plan::{Account, Funding};
use scaleplan::scaleout::{
    evaluate_exits, DefensiveExit, Derisk, DeriskSteps, Every, ExitInput, ExitPlan, ExitReport, ExitStep, OpenPosition,
    ShareOf, StopMove, StopRule, Target, Trail, Trigger,
};
use scaleplan::{
    evaluate_plan, ContractKind, Decimal, Instrument, Leverage, MarginRate, NonNegative, Percent, Plan, Positive,
    Price, Quantity, Rate, Side, Tier, WarningKind,
};

fn dec(mantissa: i64, scale: u32) -> Decimal {
    Decimal::new(mantissa, scale)
}

// The generators only build values in range; a value out of range becomes `None` and the case is filtered out.
fn price(value: Decimal) -> Option<Price> {
    Price::new("", value).ok()
}

fn non_negative(value: Decimal) -> Option<NonNegative> {
    NonNegative::new("", value).ok()
}

fn positive(value: Decimal) -> Option<Positive> {
    Positive::new("", value).ok()
}

fn percent(value: Decimal) -> Option<Percent> {
    Percent::new("", value).ok()
}

fn rate(value: Decimal) -> Option<Rate> {
    Rate::new("", value).ok()
}

fn leverage(value: i64) -> Option<Leverage> {
    Leverage::new("", Decimal::from(value)).ok()
}

/// A core result as a test failure, so test bodies can use `?`.
fn ok<T>(result: scaleplan::Result<T>) -> Result<T, TestCaseError> {
    result.map_err(|e| TestCaseError::fail(e.to_string()))
}

fn side() -> impl Strategy<Value = Side> {
    prop_oneof![Just(Side::Long), Just(Side::Short)]
}

fn share_of() -> impl Strategy<Value = ShareOf> {
    prop_oneof![Just(ShareOf::Original), Just(ShareOf::Remaining)]
}

fn model() -> impl Strategy<Value = Model> {
    proptest::sample::select(Model::ALL.to_vec())
}

/// Instruments as exchanges publish them: linear or inverse, real grids, maker fees never above taker fees.
fn instrument() -> impl Strategy<Value = Instrument> {
    (
        prop_oneof![Just(None), Just(Some(1_i64)), Just(Some(100))],
        proptest::sample::select(vec![dec(0, 0), dec(1, 2), dec(1, 1)]),
        proptest::sample::select(vec![dec(0, 0), dec(1, 3), dec(1, 2)]),
        proptest::sample::select(vec![(dec(-1, 4), dec(4, 4)), (dec(0, 0), dec(0, 0)), (dec(2, 4), dec(5, 4))]),
        proptest::sample::select(vec![dec(4, 3), dec(5, 3), dec(125, 4)]),
    )
        .prop_filter_map("valid instrument fields", |(contract_size, tick, step, (maker, taker), mmr)| {
            // Inverse quantities are whole contracts.
            let step = if contract_size.is_some() { Decimal::ONE } else { step };
            Some(Instrument {
                symbol: "TEST".into(),
                contract: match contract_size {
                    None => ContractKind::Linear,
                    Some(size) => ContractKind::Inverse { contract_size: price(Decimal::from(size))? },
                },
                tick_size: non_negative(tick)?,
                quantity_step: non_negative(step)?,
                min_quantity: non_negative(step)?,
                min_notional: non_negative(dec(5, 0))?,
                maker_fee: rate(maker)?,
                taker_fee: rate(taker)?,
                tiers: vec![tier(mmr)?],
            })
        })
}

/// One unbounded maintenance tier at `mmr`, no maintenance amount.
fn tier(mmr: Decimal) -> Option<Tier> {
    Some(Tier {
        notional_floor: non_negative(Decimal::ZERO)?,
        notional_cap: None,
        maintenance_margin_rate: MarginRate::new("", mmr).ok()?,
        maintenance_amount: non_negative(Decimal::ZERO)?,
        max_leverage: leverage(125)?,
    })
}

fn trail() -> impl Strategy<Value = Trail> {
    prop_oneof![
        (1_i64..=2_000).prop_filter_map("a percentage", |bp| percent(dec(bp, 2)).map(Trail::Percent)),
        (1_i64..=100_000).prop_filter_map("a distance", |cents| positive(dec(cents, 2)).map(Trail::Distance)),
    ]
}

/// A fraction of the entry price from 0.1 % to 90 %, in basis points.
fn fraction() -> impl Strategy<Value = Decimal> {
    (10_i64..=9_000).prop_map(|bp| dec(bp, 4))
}

/// The parts of a valid exit plan, in units of the entry (prices are placed once the position is known): targets at
/// `stop + side·entry·v`, stop rules, de-risking and a defensive exit. Shares of the original add up to at most 95 %.
#[derive(Debug, Clone)]
struct Sketch {
    /// Price (as `v`), share, of, taker.
    targets: Vec<(Decimal, Decimal, ShareOf, bool)>,
    /// Trigger kind (0: a target), target index, R multiple, move kind, price (as `v`), trail.
    rules: Vec<(u8, usize, Decimal, u8, Decimal, Trail)>,
    derisk: Option<DeriskSketch>,
    /// Price (as `v`), share, of.
    defensive: Option<(Decimal, Decimal, ShareOf)>,
}

/// R multiple, share, of, move kind, further steps.
type DeriskSketch = (Decimal, Decimal, ShareOf, u8, Option<ThenSketch>);

/// By R (else by price), spacing, count, share, trail.
type ThenSketch = (bool, Decimal, u32, Decimal, Option<Trail>);

fn sketch() -> impl Strategy<Value = Sketch> {
    let target = (fraction(), 1_i64..=1_500, share_of(), any::<bool>())
        .prop_map(|(v, share, of, taker)| (v, dec(share, 2), of, taker));
    let rule = (0_u8..2, 0_usize..6, 1_i64..=30, 0_u8..4, fraction(), trail())
        .prop_map(|(when, target, r, to, v, trail)| (when, target, dec(r, 1), to, v, trail));
    let then = (any::<bool>(), 1_i64..=50, 1_u32..=5, 1_i64..=1_000, proptest::option::of(trail()))
        .prop_map(|(by_r, k, count, share, trail)| (by_r, dec(k, 2), count, dec(share, 2), trail));
    let derisk = (1_i64..=30, 1_i64..=1_000, share_of(), 0_u8..3, proptest::option::of(then))
        .prop_map(|(r, share, of, to, then)| (dec(r, 1), dec(share, 2), of, to, then));
    (
        proptest::collection::vec(target, 0..=5),
        proptest::collection::vec(rule, 0..=4),
        proptest::option::of(derisk),
        proptest::option::of((fraction(), 1_i64..=1_000, share_of())),
    )
        .prop_map(|(targets, rules, derisk, defensive)| Sketch {
            targets,
            rules,
            derisk,
            defensive: defensive.map(|(v, share, of)| (v, dec(share, 2), of)),
        })
}

fn stop_move(kind: u8, at: Decimal, trail: Trail) -> Option<StopMove> {
    Some(match kind {
        0 => StopMove::Entry,
        1 => StopMove::Breakeven,
        2 => StopMove::Price(price(at)?),
        _ => StopMove::Trail(trail),
    })
}

/// The exit plan of `sketch` on a position at `entry` with its stop at `stop`.
fn exits(sketch: &Sketch, side: Side, entry: Decimal, stop: Decimal) -> Option<ExitPlan> {
    let sign = side.sign();
    let at = |v: Decimal| stop + sign * entry * v;
    let targets = sketch
        .targets
        .iter()
        .map(|&(v, share, of, taker)| {
            Some(Target {
                price: price(at(v))?,
                share: percent(share)?,
                of,
                liquidity: taker.then_some(Liquidity::Taker),
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let stop_rules = sketch
        .rules
        .iter()
        .filter(|rule| !sketch.targets.is_empty() || rule.0 != 0)
        .map(|&(when, target, r, to, v, trail)| {
            Some(StopRule {
                when: if when == 0 {
                    Trigger::Target(target % sketch.targets.len().max(1))
                } else {
                    Trigger::R(positive(r)?)
                },
                move_to: stop_move(to, at(v), trail)?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let derisk = match sketch.derisk {
        None => None,
        Some((r, share, of, to, then)) => Some(Derisk {
            at_r: Some(positive(r)?),
            share: percent(share)?,
            of,
            move_to: Some(stop_move(to, at(dec(5, 3)), Trail::Percent(percent(Decimal::ONE)?))?),
            liquidity: None,
            then: match then {
                None => None,
                Some((by_r, k, count, share, trail)) => Some(DeriskSteps {
                    every: if by_r { Every::R(positive(k)?) } else { Every::Price(positive(entry * k / dec(100, 0))?) },
                    count,
                    share: percent(share)?,
                    // Shares of what remains keep the total of the original's within 100 %.
                    of: ShareOf::Remaining,
                    trail,
                    liquidity: None,
                }),
            },
        }),
    };
    let defensive = match sketch.defensive {
        None => None,
        Some((v, share, of)) => {
            Some(DefensiveExit { price: price(at(v))?, share: percent(share)?, of, liquidity: None })
        }
    };
    Some(ExitPlan { targets, stop_rules, derisk, defensive })
}

/// A position of `size` steps at `entry_cents / 100`, its stop `stop_bp` basis points away on the loss side.
#[allow(clippy::too_many_arguments)]
fn input(
    instrument: Instrument,
    model: Model,
    cross: bool,
    side: Side,
    entry_cents: i64,
    size: i64,
    stop_bp: i64,
    leverage_x: i64,
    funding: Option<(i64, i64)>,
    sketch: &Sketch,
) -> Option<ExitInput> {
    let entry = dec(entry_cents, 2);
    let stop = entry - side.sign() * entry * dec(stop_bp, 4);
    let inverse = matches!(instrument.contract, ContractKind::Inverse { .. });
    let quantity = if inverse { Decimal::from(size) } else { Decimal::from(size) * dec(1, 3) };
    Some(ExitInput {
        instrument,
        model,
        margin_mode: if cross { MarginMode::Cross } else { MarginMode::Isolated },
        account: Account {
            wallet: non_negative(if inverse { dec(10, 0) } else { dec(1_000_000, 0) })?,
            risk_percent: None,
            other_maintenance_margin: None,
            other_unrealized_pnl: None,
        },
        funding: match funding {
            Some((r, intervals)) => {
                Some(Funding { rate: rate(dec(r, 5))?, intervals: non_negative(Decimal::from(intervals))? })
            }
            None => None,
        },
        position: OpenPosition {
            side,
            quantity: Quantity::new("", quantity).ok()?,
            entry: price(entry)?,
            leverage: Some(leverage(leverage_x)?),
            margin: None,
            fees_paid: None,
            stop: Some(price(stop)?),
        },
        exits: exits(sketch, side, entry, stop)?,
    })
}

/// Valid positions and exit plans. Leverage starts at 2: an inverse short at exactly 1x holds its whole value, so its
/// liquidation notional is 0 give or take the last digit, and the liquidation engine then overflows computing
/// `size / notional` instead of reporting no liquidation price (an error, not a panic; left to liquidation.rs).
fn valid_input() -> impl Strategy<Value = ExitInput> {
    (
        (instrument(), model(), any::<bool>(), side()),
        (100_000_i64..=10_000_000, 1_i64..=100_000, 50_i64..=1_000, 2_i64..=50),
        proptest::option::of((-10_i64..=10, 0_i64..=30)),
        sketch(),
    )
        .prop_filter_map(
            "valid inputs",
            |((instrument, model, cross, side), (entry, size, stop_bp, lev), funding, sketch)| {
                input(instrument, model, cross, side, entry, size, stop_bp, lev, funding, &sketch)
            },
        )
}

/// The report of a valid input; an error is a test failure.
fn evaluate(input: &ExitInput) -> Result<ExitReport, TestCaseError> {
    evaluate_exits(input).map_err(|e| TestCaseError::fail(format!("a valid exit plan fails: {e}\n{input:#?}")))
}

/// Consecutive pairs of steps.
fn pairs(steps: &[ExitStep]) -> impl Iterator<Item = (&ExitStep, &ExitStep)> {
    steps.iter().zip(steps.iter().skip(1))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn closed_plus_remaining_is_the_position_exactly(input in valid_input()) {
        let report = evaluate(&input)?;
        let position = input.position.quantity.get();
        prop_assert_eq!(report.quantity.get(), position);
        let mut closed = Decimal::ZERO;
        let mut remaining = position;
        for step in &report.steps {
            closed += step.quantity.get();
            prop_assert_eq!(step.closed_quantity.get(), closed, "steps[{}]", step.index);
            let total = step.closed_quantity.get() + step.remaining_quantity.get();
            prop_assert_eq!(total, position, "steps[{}]", step.index);
            prop_assert!(step.remaining_quantity.get() <= remaining);
            remaining = step.remaining_quantity.get();
        }
        // A plan whose shares of the original reach 100 % ends flat.
        let original: Decimal =
            input.exits.targets.iter().filter(|t| t.of == ShareOf::Original).map(|t| t.share.get()).sum();
        if original == dec(100, 0) {
            prop_assert_eq!(remaining, Decimal::ZERO);
        }
    }

    #[test]
    fn steps_go_in_the_favourable_direction_and_stops_never_loosen(input in valid_input()) {
        let report = evaluate(&input)?;
        let sign = input.position.side.sign();
        for (before, after) in pairs(&report.steps).skip(1) {
            prop_assert!(sign * (after.price.get() - before.price.get()) >= Decimal::ZERO);
        }
        for (before, after) in pairs(&report.steps) {
            if let (Some(a), Some(b)) = (before.stop, after.stop) {
                prop_assert!(sign * (b.get() - a.get()) >= Decimal::ZERO, "steps[{}]: {} → {}", after.index, a, b);
            }
            if let Some(s) = after.stop {
                prop_assert!(
                    sign * (after.price.get() - s.get()) > Decimal::ZERO,
                    "steps[{}]: stop {} at or beyond {}", after.index, s, after.price
                );
            }
        }
    }

    #[test]
    fn the_worst_case_only_falls_by_the_funding_paid(input in valid_input()) {
        let report = evaluate(&input)?;
        let tolerance = dec(2, 8);
        for (before, after) in pairs(&report.steps) {
            let (Some(w0), Some(w1)) = (before.worst_case, after.worst_case) else { continue };
            prop_assert!(
                w1 + after.funding >= w0 - tolerance,
                "steps[{}]: {} → {} with funding {}", after.index, w0, w1, after.funding
            );
            if input.funding.is_none() {
                prop_assert!(w1 >= w0, "steps[{}]: {} → {}", after.index, w0, w1);
            }
        }
    }

    /// Guide §3.2.1: once the stop is at breakeven, later targets only lock in more.
    #[test]
    fn the_worst_case_never_decreases_once_the_stop_is_at_breakeven(
        mut input in valid_input(),
        prices in proptest::collection::vec(fraction(), 2..=6),
        share in 1_i64..=4_000,
    ) {
        input.funding = None;
        let position = input.position;
        let stop = position.stop.map_or(Decimal::ZERO, Price::get);
        let sign = position.side.sign();
        let entry = position.entry.get();
        input.exits = ExitPlan {
            targets: prices.iter().filter_map(|&v| Some(Target {
                price: price(stop + sign * entry * v)?,
                share: percent(dec(share, 2))?,
                of: ShareOf::Remaining,
                liquidity: None,
            })).collect(),
            stop_rules: vec![StopRule { when: Trigger::Target(0), move_to: StopMove::Breakeven }],
            derisk: None,
            defensive: None,
        };
        let report = evaluate(&input)?;
        let moved = report.steps.iter().position(|s| s.rule.as_deref() == Some("targets[0]"));
        let kept = report.warnings.iter().any(|w| w.kind() == WarningKind::StopNotMoved);
        if let (Some(at), false) = (moved, kept) {
            let after = report.steps.get(at..).unwrap_or_default();
            for (before, later) in pairs(after) {
                if let (Some(w0), Some(w1)) = (before.worst_case, later.worst_case) {
                    prop_assert!(w1 >= w0, "steps[{}]: {} → {}", later.index, w0, w1);
                }
            }
        }
    }

    /// Whatever the input, evaluating returns a report or an error; it never panics.
    #[test]
    fn no_input_panics(input in wild_input()) {
        let _ = evaluate_exits(&input);
        // The same exits on the guide's example plan, through the plan file.
        let text = include_str!("../data/examples/guide-eth-scaleout.json");
        let mut plan: Plan = serde_json::from_str(text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        plan.exits = Some(input.exits);
        plan.side = input.position.side;
        let _ = evaluate_plan(&plan);
    }
}

/// Prices and sizes from the smallest to the largest the decimal type holds at these scales.
fn wide(scale: u32) -> impl Strategy<Value = Decimal> {
    prop_oneof![(1_i64..=1_000).prop_map(|m| dec(m, 8)), (1_i64..=i64::MAX).prop_map(move |m| dec(m, scale))]
}

/// Anything the types allow: tiny and huge prices and sizes, shares adding up past 100 %, up to 2,000 de-risking
/// steps, targets on either side of the stop, rules pointing at missing targets, both or neither of leverage and
/// margin, an instrument with or without tiers.
fn wild_input() -> impl Strategy<Value = ExitInput> {
    let exits = (
        proptest::collection::vec((wide(4), 1_i64..=10_000, share_of()), 0..=6),
        proptest::collection::vec((0_usize..8, wide(6), 0_u8..4, wide(4), trail()), 0..=4),
        proptest::option::of((wide(6), 1_i64..=10_000, any::<bool>(), 0_u32..=2_000, wide(4))),
    )
        .prop_filter_map("valid exit fields", |(targets, rules, derisk)| {
            Some(ExitPlan {
                targets: targets
                    .iter()
                    .map(|&(p, share, of)| {
                        Some(Target { price: price(p)?, share: percent(dec(share, 2))?, of, liquidity: None })
                    })
                    .collect::<Option<Vec<_>>>()?,
                stop_rules: rules
                    .iter()
                    .map(|&(t, r, to, p, trail)| {
                        Some(StopRule {
                            when: if t % 2 == 0 { Trigger::Target(t) } else { Trigger::R(positive(r)?) },
                            move_to: stop_move(to, p, trail)?,
                        })
                    })
                    .collect::<Option<Vec<_>>>()?,
                derisk: match derisk {
                    None => None,
                    Some((r, share, by_r, count, every)) => Some(Derisk {
                        at_r: Some(positive(r)?),
                        share: percent(dec(share, 2))?,
                        of: ShareOf::Original,
                        move_to: None,
                        liquidity: None,
                        then: Some(DeriskSteps {
                            every: if by_r { Every::R(positive(every)?) } else { Every::Price(positive(every)?) },
                            count,
                            share: percent(dec(share, 2))?,
                            of: ShareOf::Remaining,
                            trail: Some(Trail::Percent(percent(dec(share, 2))?)),
                            liquidity: None,
                        }),
                    }),
                },
                defensive: None,
            })
        });
    (
        (instrument(), model(), any::<bool>(), any::<bool>(), side()),
        (wide(2), wide(0), proptest::option::of(wide(2))),
        (proptest::option::of(1_i64..=1_000), proptest::option::of(wide(4)), proptest::option::of(wide(4))),
        proptest::option::of((-99_999_i64..=99_999, 0_i64..=i64::MAX)),
        exits,
    )
        .prop_filter_map(
            "valid position fields",
            |(
                (mut instrument, model, cross, no_tiers, side),
                (entry, quantity, stop),
                (lev, margin, fees),
                funding,
                exits,
            )| {
                if no_tiers {
                    instrument.tiers.clear();
                }
                Some(ExitInput {
                    instrument,
                    model,
                    margin_mode: if cross { MarginMode::Cross } else { MarginMode::Isolated },
                    account: Account {
                        wallet: non_negative(dec(1_000, 0))?,
                        risk_percent: None,
                        other_maintenance_margin: None,
                        other_unrealized_pnl: None,
                    },
                    funding: match funding {
                        Some((r, n)) => {
                            Some(Funding { rate: rate(dec(r, 5))?, intervals: non_negative(Decimal::from(n))? })
                        }
                        None => None,
                    },
                    position: OpenPosition {
                        side,
                        quantity: Quantity::new("", quantity).ok()?,
                        entry: price(entry)?,
                        leverage: match lev {
                            Some(l) => Some(leverage(l)?),
                            None => None,
                        },
                        margin: match margin {
                            Some(m) => Some(positive(m)?),
                            None => None,
                        },
                        fees_paid: match fees {
                            Some(f) => Some(non_negative(f)?),
                            None => None,
                        },
                        stop: match stop {
                            Some(s) => Some(price(s)?),
                            None => None,
                        },
                    },
                    exits,
                })
            },
        )
}

#[test]
fn the_guide_example_is_a_valid_sample() -> Result<(), TestCaseError> {
    // The generator's shape, checked once on the guide's own numbers so the properties are not vacuous.
    let sketch = Sketch {
        targets: vec![(dec(15, 2), dec(25, 0), ShareOf::Original, false)],
        rules: vec![(0, 0, Decimal::ONE, 1, Decimal::ZERO, Trail::Distance(ok(Positive::new("", Decimal::ONE))?))],
        derisk: None,
        defensive: None,
    };
    let instrument = Instrument {
        symbol: "ETHUSDT".into(),
        contract: ContractKind::Linear,
        tick_size: ok(NonNegative::new("", dec(1, 2)))?,
        quantity_step: ok(NonNegative::new("", dec(1, 3)))?,
        min_quantity: ok(NonNegative::new("", dec(1, 3)))?,
        min_notional: ok(NonNegative::new("", dec(5, 0)))?,
        maker_fee: ok(Rate::new("", dec(2, 4)))?,
        taker_fee: ok(Rate::new("", dec(5, 4)))?,
        tiers: tier(dec(4, 3)).into_iter().collect(),
    };
    let input = input(instrument, Model::Binance, false, Side::Long, 300_000, 5_000, 500, 5, None, &sketch)
        .ok_or_else(|| TestCaseError::fail("the sample is in range"))?;
    let report = evaluate(&input)?;
    // Stop 2,850; the target at 2,850 + 3,000·0.15 = 3,300 closes 1.25 and moves the stop to the breakeven of the
    // rest, its taker entry fee 1.5 per ETH included: (3,000 + 1.5)/0.9995 = 3,003.0015… → 3,003.01.
    let step = report.steps.get(1).ok_or_else(|| TestCaseError::fail("one exit step"))?;
    assert_eq!(step.price.to_string(), "3300");
    assert_eq!(step.quantity.to_string(), "1.25");
    assert_eq!(step.stop.map(|s| s.to_string()).as_deref(), Some("3003.01"));
    Ok(())
}
