//! The solver: fits a plan to its stop and its risk budget (guide §2.1 and §4.3).
//!
//! Three questions a trader asks of a ladder, each answered exactly on the exchange's grids:
//! - [`Goal::Size`]: the largest total (keeping the ladder's shape) at which every tranche's liquidation stays
//!   beyond the stop by the buffer and the loss at the stop, fees included, stays within the risk budget;
//! - [`Goal::Leverage`]: the highest leverage (the plan's, or the last step of a leverage ramp) that keeps every
//!   liquidation beyond the buffer;
//! - [`Goal::Depth`]: the deepest the ladder can reach (its last rung's price) at the current size.
//!
//! Each answer comes with the constraint that binds: what breaks one step beyond it ([`Breach`]).
//!
//! How: the candidate values are whole multiples of the exchange's grid (quantity steps for a quantity, 0.01 for
//! a notional, whole 1× steps of leverage, ticks for a price), every candidate is evaluated by
//! [`evaluate_plan`] itself (the solver has no formula of its own), and a bisection over those integers finds
//! the boundary between a value that satisfies every constraint and the next one that breaks one.
//!
//! The monotonicity the bisection relies on, and why it holds:
//! - size: with the rungs' proportions fixed, each rung's quantity grows with the total, so the loss at the stop
//!   grows (every rung fills on the entry side of the stop); the liquidation moves toward the entry because the
//!   maintenance margin per unit of notional, `MMR − cum/N`, never falls as `N` grows (the tiers' amounts keep it
//!   continuous), and in cross margin the same wallet backs a larger position; the margin used grows too;
//! - leverage: higher leverage posts less isolated margin, which moves the liquidation toward the entry (cross
//!   margin does not depend on it), and tiers allow less leverage the larger the notional;
//! - depth: at a fixed size, a deeper last rung lowers a long's average (raises a short's), which moves both the
//!   liquidation and the loss at the stop away from harm, until the rung reaches the stop; a ladder sized by a risk
//!   budget grows as it deepens, and its liquidation is what then binds.
//!
//! Flooring each rung to the quantity step makes the proportions wobble by less than a step, so the average can
//! move by a fraction of a tick between neighbouring totals. What is guaranteed, and property-tested, is the
//! boundary itself: the answer satisfies every constraint and the value one step beyond it breaks one.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ladder::{risk_amount, split, LadderSpec, Total};
use crate::liquidation::TierBasis;
use crate::num::{calc, Leverage, Percent, Positive, Price, Quantity, Side};
use crate::plan::{evaluate_plan, Entries, Plan, PlanReport, TrancheRow};
use crate::warning::WarningKind;

/// The leverage a plan may name at most (the plan format's own limit); the search stops there when the
/// instrument has no tiers to say less.
const MAX_LEVERAGE: u64 = 1000;

/// Grid of a notional total: cents of the quote currency (or of USD for inverse contracts).
const NOTIONAL_GRID: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

/// Grid of a price or quantity when the instrument sets no tick or step: the engine's price decimals.
const FINEST_GRID: Decimal = Decimal::from_parts(1, 0, 0, false, 8);

/// The most doublings the search for an upper bound makes: far past any real size, short of the decimal range.
const MAX_DOUBLINGS: u32 = 62;

/// What to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Goal {
    /// The largest total size, keeping the ladder's shape.
    Size,
    /// The highest leverage: the plan's, or the last tranche's when the ladder ramps its leverage.
    Leverage,
    /// The deepest last rung (a long's lowest price, a short's highest) at the current size.
    Depth,
}

/// How far beyond the stop every liquidation must stay.
///
/// In JSON: `{"stopDistancePercent": "50"}` (the default, the buffer below which a plan warns of a thin buffer) or
/// `{"pricePercent": "1"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Buffer {
    /// A share of the stop's price: a long's liquidation at or below `stop·(1 − p/100)`.
    PricePercent(Percent),
    /// A share of each tranche's stop distance (average entry to stop): a long's liquidation at or below
    /// `stop − (entry − stop)·p/100`.
    StopDistancePercent(Percent),
}

/// The buffer when a spec names none: 50 % of the stop distance, the threshold of the plan's thin-buffer warning.
fn default_buffer() -> Result<Buffer> {
    Ok(Buffer::StopDistancePercent(Percent::new("buffer", Decimal::from(50))?))
}

/// What the solver is asked: the goal, the buffer and the risk budget.
///
/// In JSON: `{"goal": "size", "buffer": {"stopDistancePercent": "50"}, "riskPercent": "2"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FitSpec {
    /// What to fit.
    pub goal: Goal,
    /// How far beyond the stop liquidations must stay; 50 % of the stop distance when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buffer: Option<Buffer>,
    /// The risk budget as a share of the wallet (2 is 2 %); the plan's own (`account.riskPercent`, or a ladder
    /// sized by a risk budget) when left out. Without either, the loss at the stop is not limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_percent: Option<Percent>,
}

/// Which constraint a value breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum BreachKind {
    /// A tranche's liquidation is not beyond the stop by the buffer.
    Liquidation,
    /// The loss at the stop, fees included, is above the risk budget.
    LossAtStop,
    /// The leverage is above the maximum of the tier the position's notional falls in.
    TierMaxLeverage,
    /// The notional is above the cap of the exchange's last tier: the exchange takes no larger position.
    PositionLimit,
    /// The margin used is above the account equity.
    MarginAboveEquity,
    /// A tranche would fill at or beyond the stop.
    StopReached,
    /// The numbers leave the range exact decimals hold.
    DecimalRange,
    /// The plan format's largest leverage (1000×).
    LeverageLimit,
    /// A rung rounds to nothing at the quantity step, or falls below the exchange's minimum quantity or notional:
    /// the smallest sizes break this one.
    RungNotPlaceable,
}

/// The constraint that binds: what breaks at a value, on which tranche, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Breach {
    /// Which constraint.
    pub kind: BreachKind,
    /// The 0-based tranche it breaks on, when it is one tranche's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tranche: Option<usize>,
    /// What breaks, for people (tranches counted from 1): `tranche 3's liquidation at 58,200 is not 50 % of the
    /// stop distance beyond the stop at 60,000`.
    pub message: String,
}

/// The solver's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fit {
    /// What was fitted.
    pub goal: Goal,
    /// The plan field the answer goes into, as the plan file spells it (`entries.ladder.total.quantity`,
    /// `leverage`, `entries.ladder.tranches[3].leverage`, `entries.ladder.generate.to`).
    pub field: String,
    /// The value in the plan as given.
    #[serde(with = "crate::text::decimal")]
    pub current: Decimal,
    /// The answer: the largest size, the highest leverage or the deepest price that satisfies every constraint;
    /// `None` when not even the smallest candidate does (then `binding` says what it breaks).
    #[serde(with = "crate::text::decimal_option")]
    pub value: Option<Decimal>,
    /// The constraint that binds: what breaks one step beyond the answer, or at the smallest candidate when
    /// there is no answer; `None` when nothing binds before the search's end (a depth up to the stop never
    /// happens: reaching the stop binds).
    pub binding: Breach,
    /// The plan with the answer in place (and the risk budget of the spec, when it gave one); `None` without an
    /// answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<Plan>,
}

/// Fits `plan` as `spec` asks.
///
/// ```
/// use scaleplan::solver::{fit_plan, FitSpec, Goal};
/// let plan: scaleplan::Plan =
///     serde_json::from_str(include_str!("../data/examples/guide-btc-ladder.json")).map_err(|e| scaleplan::Error::invalid("plan", e.to_string()))?;
/// // At 10x, tranche 1's liquidation is within half the stop distance of the stop whatever the size; 8x is the
/// // highest leverage that keeps it out.
/// let size = fit_plan(&plan, &FitSpec { goal: Goal::Size, buffer: None, risk_percent: None })?;
/// assert_eq!((size.value, size.binding.tranche), (None, Some(0)));
/// let leverage = fit_plan(&plan, &FitSpec { goal: Goal::Leverage, buffer: None, risk_percent: None })?;
/// assert_eq!(leverage.value, Some(8.into()));
/// # Ok::<(), scaleplan::Error>(())
/// ```
///
/// # Errors
/// [`Error::Invalid`] when the plan has no stop (`stop`), when its depth cannot vary (a time schedule, a single
/// generated rung), or when the plan itself does not evaluate (its own error); [`Error::Overflow`] when the
/// current value cannot be expressed on the grid.
pub fn fit_plan(plan: &Plan, spec: &FitSpec) -> Result<Fit> {
    let (judge, current_report) = Judge::new(plan, spec)?;
    let stop = judge.stop;
    let variable = Variable::of(plan, spec.goal, &current_report)?;
    let current = variable.current_steps()?;
    let mut probe = |steps: u64| -> Result<Option<Breach>> {
        let candidate = variable.apply(plan, steps)?;
        judge.check(&candidate)
    };
    let (mut lowest, highest) = variable.bounds(stop)?;
    if spec.goal != Goal::Depth {
        // Some constraints break at the small end instead: the smallest sizes leave rungs empty or below the
        // exchange's minimums (and an empty rung has no liquidation to break). The search starts at the first
        // value that meets those.
        let mut lower = |steps: u64| -> Result<Option<Breach>> {
            match evaluate_plan(&variable.apply(plan, steps)?) {
                Ok(report) => Ok(Judge::unplaceable(&report)),
                Err(Error::Overflow { .. }) => Ok(Some(range_breach())),
                Err(e) => Err(e),
            }
        };
        match first_satisfied(lowest, current, &mut lower)? {
            Ok(first) => lowest = first,
            Err(breach) => {
                return Ok(Fit {
                    goal: spec.goal,
                    field: variable.field.clone(),
                    current: variable.value(current)?,
                    value: None,
                    binding: breach,
                    plan: None,
                })
            }
        }
    }
    let (value, binding) = match (lowest, highest) {
        // Deeper is easier at a fixed size (see the module's notes), so the rung just before the stop is tried
        // first; only when it breaks does the bisection look for the boundary nearer the ladder.
        (lowest, Some((end, _))) if spec.goal == Goal::Depth => {
            let last = end.saturating_sub(1);
            if last < lowest {
                (None, probe(lowest)?.unwrap_or_else(|| stop_breach(stop)))
            } else if probe(last)?.is_none() {
                (Some(last), stop_breach(stop))
            } else {
                search(current.min(last), (lowest, Some((last, stop_breach(stop)))), &mut probe)?
            }
        }
        bounds => search(current, bounds, &mut probe)?,
    };
    let fitted = match value {
        Some(steps) => {
            let mut fitted = variable.apply(plan, steps)?;
            fitted.exits.clone_from(&plan.exits);
            if let Some(percent) = spec.risk_percent {
                fitted.account.risk_percent = Some(percent);
            }
            Some(fitted)
        }
        None => None,
    };
    Ok(Fit {
        goal: spec.goal,
        field: variable.field.clone(),
        current: variable.value(current)?,
        value: value.map(|s| variable.value(s)).transpose()?,
        binding,
        plan: fitted,
    })
}

/// The first constraint of `spec` that `plan` breaks as it stands, tranche by tranche; `None` when it meets them
/// all. What [`fit_plan`] holds every candidate to.
///
/// # Errors
/// [`Error::Invalid`] when the plan has no stop, or its own error when it does not evaluate.
pub fn check_plan(plan: &Plan, spec: &FitSpec) -> Result<Option<Breach>> {
    Judge::new(plan, spec)?.0.check(plan)
}

/// The smallest value from `lowest` on at which `unmet` finds nothing, for a condition that once met stays met
/// (doubling, then bisecting); or what `unmet` reports when no value up to far past `hint` meets it.
fn first_satisfied(
    lowest: u64,
    hint: u64,
    unmet: &mut impl FnMut(u64) -> Result<Option<Breach>>,
) -> Result<std::result::Result<u64, Breach>> {
    let Some(mut breach) = unmet(lowest)? else { return Ok(Ok(lowest)) };
    let (mut bad, mut good) = (lowest, None);
    let mut next = hint.max(lowest.saturating_add(1));
    for _ in 0..MAX_DOUBLINGS {
        match unmet(next)? {
            None => {
                good = Some(next);
                break;
            }
            Some(b) => {
                breach = b;
                bad = next;
                next = next.saturating_mul(2);
            }
        }
    }
    let Some(mut good) = good else { return Ok(Err(breach)) };
    while good.saturating_sub(bad) > 1 {
        let mid = bad.saturating_add(good.saturating_sub(bad) / 2);
        match unmet(mid)? {
            None => good = mid,
            Some(_) => bad = mid,
        }
    }
    Ok(Ok(good))
}

fn margin_breach(row: &TrancheRow) -> Breach {
    Breach {
        kind: BreachKind::MarginAboveEquity,
        tranche: Some(row.index),
        message: format!(
            "after tranche {} the margin used is above the account equity by {}",
            row.index.saturating_add(1),
            row.free_margin.abs()
        ),
    }
}

fn range_breach() -> Breach {
    Breach {
        kind: BreachKind::DecimalRange,
        tranche: None,
        message: "the numbers leave the range the engine computes in".to_owned(),
    }
}

/// The plan without its exits: they do not change a tranche's row, and the solver evaluates many candidates.
fn without_exits(plan: &Plan) -> Plan {
    Plan { exits: None, ..plan.clone() }
}

/// The bisection: `current` is the plan's value in steps, `bounds` the smallest and largest candidates (the largest
/// with the breach that ends the search there, when the search has such an end), `probe` the breach at a value.
///
/// Returns the largest value that satisfies every constraint, with what breaks one step beyond it.
fn search(
    current: u64,
    (lowest, highest): (u64, Option<(u64, Breach)>),
    probe: &mut impl FnMut(u64) -> Result<Option<Breach>>,
) -> Result<(Option<u64>, Breach)> {
    let capped = |steps: u64| highest.as_ref().map_or(steps, |(h, _)| steps.min(*h));
    let start = capped(current.max(lowest));
    let (mut good, mut bad) = match probe(start)? {
        Some(breach) if start == lowest => return Ok((None, breach)),
        Some(breach) => match probe(lowest)? {
            Some(low) => return Ok((None, low)),
            None => (lowest, (start, breach)),
        },
        None => {
            // Double until something breaks or the search's end is reached.
            let mut good = start;
            let mut found = None;
            for _ in 0..MAX_DOUBLINGS {
                let next = capped(good.saturating_mul(2).max(good.saturating_add(1)));
                if next == good {
                    break;
                }
                match probe(next)? {
                    Some(breach) => {
                        found = Some((next, breach));
                        break;
                    }
                    None => good = next,
                }
            }
            match found {
                Some(bad) => (good, bad),
                None => match &highest {
                    Some((h, breach)) if good == *h => return Ok((Some(good), breach.clone())),
                    _ => {
                        return Ok((
                            Some(good),
                            Breach {
                                kind: BreachKind::DecimalRange,
                                tranche: None,
                                message: "nothing binds before the numbers leave the range the engine computes in"
                                    .to_owned(),
                            },
                        ))
                    }
                },
            }
        }
    };
    while bad.0.saturating_sub(good) > 1 {
        let mid = good.saturating_add(bad.0.saturating_sub(good) / 2);
        match probe(mid)? {
            Some(breach) => bad = (mid, breach),
            None => good = mid,
        }
    }
    Ok((Some(good), bad.1))
}

/// The value the solver varies: where it sits in the plan, its grid, and how a candidate is made from it.
struct Variable {
    field: String,
    kind: VariableKind,
    /// One step of the grid.
    grid: Decimal,
    /// The value in the plan as given.
    current: Decimal,
}

enum VariableKind {
    /// A ladder's or schedule's total quantity (a risk-budget total becomes a quantity).
    TotalQuantity,
    /// A ladder's or schedule's total notional.
    TotalNotional,
    /// Explicit tranche quantities, scaled together: the value is their sum, split back by the tranches' weights.
    TrancheQuantities(Vec<Decimal>),
    /// The plan's leverage, with the tiers' highest maximum as the search's end when there are tiers.
    PlanLeverage,
    /// The last tranche's own leverage (a ramp's last step).
    TrancheLeverage(usize),
    /// The last explicit tranche's price, at least one tick beyond the `shallowest` price (the rung before it).
    LastTranchePrice { index: usize, shallowest: Decimal, side: Side },
    /// A generated ladder's `to`, at least one tick beyond `from`.
    GeneratedTo { shallowest: Decimal, side: Side },
}

impl Variable {
    fn of(plan: &Plan, goal: Goal, report: &PlanReport) -> Result<Self> {
        let instrument = &plan.instrument;
        let step = grid_or_finest(instrument.quantity_step.get());
        let tick = grid_or_finest(instrument.tick_size.get());
        let placed = report.ladder.requested().get();
        let (field, kind, grid, current) = match (goal, &plan.entries) {
            (Goal::Size, Entries::Ladder(spec)) => match (&spec.total, &spec.tranches) {
                (Some(Total::Notional(n)), _) => {
                    ("entries.ladder.total.notional".to_owned(), VariableKind::TotalNotional, NOTIONAL_GRID, n.get())
                }
                (Some(_), _) => ("entries.ladder.total.quantity".to_owned(), VariableKind::TotalQuantity, step, placed),
                (None, Some(tranches)) => {
                    let weights = tranches.iter().map(|t| t.quantity.map_or(Decimal::ZERO, |q| q.get())).collect();
                    ("entries.ladder.tranches.quantity".to_owned(), VariableKind::TrancheQuantities(weights), step, placed)
                }
                (None, None) => return Err(Error::invalid("entries.ladder", "has neither tranches nor a generator")),
            },
            (Goal::Size, Entries::Schedule(schedule)) => match &schedule.spec.total {
                Total::Notional(n) => {
                    ("entries.schedule.total.notional".to_owned(), VariableKind::TotalNotional, NOTIONAL_GRID, n.get())
                }
                _ => ("entries.schedule.total.quantity".to_owned(), VariableKind::TotalQuantity, step, placed),
            },
            (Goal::Leverage, entries) => {
                let ramp_last = match entries {
                    Entries::Ladder(LadderSpec { tranches: Some(tranches), .. }) => tranches
                        .iter()
                        .enumerate()
                        .next_back()
                        .and_then(|(i, t)| t.leverage.map(|l| (i, l))),
                    _ => None,
                };
                match ramp_last {
                    Some((i, l)) => {
                        (format!("entries.ladder.tranches[{i}].leverage"), VariableKind::TrancheLeverage(i), Decimal::ONE, l.get())
                    }
                    None => ("leverage".to_owned(), VariableKind::PlanLeverage, Decimal::ONE, plan.leverage.get()),
                }
            }
            (Goal::Depth, Entries::Ladder(spec)) => match (&spec.generate, &spec.tranches) {
                (Some(generator), _) => {
                    if generator.count < 2 {
                        return Err(Error::invalid(
                            "entries.ladder.generate.count",
                            "must be 2 or more to fit the depth: a single rung has no last rung to move",
                        ));
                    }
                    let first = report.ladder.rungs().first().map_or(generator.from.get(), |r| r.price().get());
                    let last = report.ladder.rungs().last().map_or(generator.to.get(), |r| r.price().get());
                    let kind = VariableKind::GeneratedTo { shallowest: first, side: plan.side };
                    ("entries.ladder.generate.to".to_owned(), kind, tick, last)
                }
                (None, Some(tranches)) => {
                    let rungs = report.ladder.rungs();
                    let (index, last) = match rungs.last() {
                        Some(r) if tranches.len() >= 2 => (r.index(), r.price().get()),
                        _ => {
                            return Err(Error::invalid(
                                "entries.ladder.tranches",
                                "must hold 2 or more tranches to fit the depth: the last one moves, the ones before it stay",
                            ))
                        }
                    };
                    let shallowest = rungs
                        .iter()
                        .rev()
                        .nth(1)
                        .map_or(last, |r| r.price().get());
                    let kind = VariableKind::LastTranchePrice { index, shallowest, side: plan.side };
                    (format!("entries.ladder.tranches[{index}].price"), kind, tick, last)
                }
                (None, None) => return Err(Error::invalid("entries.ladder", "has neither tranches nor a generator")),
            },
            (Goal::Depth, Entries::Schedule(_)) => {
                return Err(Error::invalid(
                    "entries.schedule",
                    "takes its prices from the price path: fitting the depth needs a price ladder",
                ))
            }
        };
        Ok(Self { field, kind, grid, current })
    }

    /// The smallest candidate, and the largest with what ends the search there: for a price, the steps that
    /// reach the `stop`.
    fn bounds(&self, stop: Price) -> Result<(u64, Option<(u64, Breach)>)> {
        Ok(match &self.kind {
            VariableKind::TotalQuantity | VariableKind::TotalNotional | VariableKind::TrancheQuantities(_) => {
                (1, None)
            }
            VariableKind::PlanLeverage | VariableKind::TrancheLeverage(_) => (
                1,
                Some((
                    MAX_LEVERAGE,
                    Breach {
                        kind: BreachKind::LeverageLimit,
                        tranche: None,
                        message: format!("{MAX_LEVERAGE}x is the highest leverage a plan can hold"),
                    },
                )),
            ),
            // Depth counts ticks beyond the shallowest price, up to the first one at or beyond the stop.
            VariableKind::LastTranchePrice { shallowest, side, .. } | VariableKind::GeneratedTo { shallowest, side } => {
                let steps = ((calc(*shallowest) - stop.get()) * side.sign() / self.grid).get(&self.field)?.ceil();
                let steps = u64::try_from(steps.max(Decimal::ZERO)).unwrap_or(u64::MAX);
                (1, Some((steps, stop_breach(stop))))
            }
        })
    }

    /// The plan's value in whole steps of the grid (rounded down; a price's distance from the shallowest, up).
    fn current_steps(&self) -> Result<u64> {
        let steps = match &self.kind {
            VariableKind::LastTranchePrice { shallowest, side, .. } | VariableKind::GeneratedTo { shallowest, side } => {
                (calc(*shallowest) - self.current) * side.sign() / self.grid
            }
            _ => calc(self.current) / self.grid,
        };
        let steps = steps.get(&self.field)?.floor();
        Ok(u64::try_from(steps).unwrap_or(if steps.is_sign_negative() { 0 } else { u64::MAX }))
    }

    /// The value at `steps` of the grid.
    fn value(&self, steps: u64) -> Result<Decimal> {
        let amount = (calc(self.grid) * Decimal::from(steps)).get(&self.field)?;
        Ok(match &self.kind {
            VariableKind::LastTranchePrice { shallowest, side, .. } | VariableKind::GeneratedTo { shallowest, side } => {
                (calc(*shallowest) - calc(amount) * side.sign()).get(&self.field)?
            }
            _ => amount,
        }
        .normalize())
    }

    /// `plan` with the value at `steps` in place, without its exits.
    fn apply(&self, plan: &Plan, steps: u64) -> Result<Plan> {
        let value = self.value(steps)?;
        let field = self.field.as_str();
        let mut candidate = without_exits(plan);
        match (&self.kind, &mut candidate.entries) {
            (VariableKind::TotalQuantity, Entries::Ladder(spec)) => {
                spec.total = Some(Total::Quantity(Quantity::new(field, value)?));
            }
            (VariableKind::TotalQuantity, Entries::Schedule(schedule)) => {
                schedule.spec.total = Total::Quantity(Quantity::new(field, value)?);
            }
            (VariableKind::TotalNotional, Entries::Ladder(spec)) => {
                spec.total = Some(Total::Notional(Positive::new(field, value)?));
            }
            (VariableKind::TotalNotional, Entries::Schedule(schedule)) => {
                schedule.spec.total = Total::Notional(Positive::new(field, value)?);
            }
            (VariableKind::TrancheQuantities(weights), Entries::Ladder(LadderSpec { tranches: Some(tranches), .. })) => {
                let sum = weights.iter().try_fold(Decimal::ZERO, |s, w| s.checked_add(*w));
                let sum = sum.ok_or_else(|| Error::overflow(field))?;
                let step = grid_or_finest(plan.instrument.quantity_step.get());
                for (i, (tranche, weight)) in tranches.iter_mut().zip(weights).enumerate() {
                    let name = format!("entries.ladder.tranches[{i}].quantity");
                    let quantity = split(value, *weight, sum, step, &name)?;
                    // A tranche that floors to nothing keeps the smallest step, so the plan stays a valid file;
                    // its zero-size warning is the ladder's, and its loss is counted like any other.
                    tranche.quantity = Some(Quantity::new(&name, quantity.max(step))?);
                }
            }
            (VariableKind::PlanLeverage, _) => candidate.leverage = Leverage::new(field, value)?,
            (VariableKind::TrancheLeverage(i), Entries::Ladder(LadderSpec { tranches: Some(tranches), .. })) => {
                if let Some(tranche) = tranches.get_mut(*i) {
                    tranche.leverage = Some(Leverage::new(field, value)?);
                }
            }
            (VariableKind::LastTranchePrice { index, .. }, Entries::Ladder(LadderSpec { tranches: Some(tranches), .. })) => {
                if let Some(tranche) = tranches.get_mut(*index) {
                    tranche.price = Price::new(field, value)?;
                }
            }
            (VariableKind::GeneratedTo { .. }, Entries::Ladder(LadderSpec { generate: Some(generator), .. })) => {
                generator.to = Price::new(field, value)?;
            }
            _ => return Err(Error::invalid(field, "does not match the plan's entries")),
        }
        Ok(candidate)
    }
}

/// What breaks when the last rung reaches the stop.
fn stop_breach(stop: Price) -> Breach {
    Breach {
        kind: BreachKind::StopReached,
        tranche: None,
        message: format!("the last rung would reach the stop at {stop}"),
    }
}

fn grid_or_finest(grid: Decimal) -> Decimal {
    if grid > Decimal::ZERO {
        grid
    } else {
        FINEST_GRID
    }
}

/// The constraints a candidate is held to.
struct Judge<'a> {
    plan: &'a Plan,
    goal: Goal,
    stop: Price,
    buffer: Buffer,
    budget: Option<Decimal>,
}

impl<'a> Judge<'a> {
    /// The constraints of `spec` on `plan`, and the plan's report as it stands (its own errors come first).
    fn new(plan: &'a Plan, spec: &FitSpec) -> Result<(Self, PlanReport)> {
        let Some(stop) = plan.stop else {
            return Err(Error::invalid("stop", "is needed to fit the plan: the buffer and the loss are measured at the stop"));
        };
        // The plan as given, exits included: a plan that does not evaluate is refused with its own error, never
        // fitted (candidates are then judged without their exits, which no constraint reads).
        let report = evaluate_plan(plan)?;
        let budget = match spec.risk_percent {
            Some(percent) => Some(risk_amount(plan.account.wallet.get(), percent)?),
            None => report.risk_budget,
        };
        let buffer = spec.buffer.map_or_else(default_buffer, Ok)?;
        Ok((Self { plan, goal: spec.goal, stop, buffer, budget }, report))
    }

    /// The first constraint `candidate` breaks, tranche by tranche; `None` when it satisfies them all.
    fn check(&self, candidate: &Plan) -> Result<Option<Breach>> {
        let report = match evaluate_plan(candidate) {
            Ok(report) => report,
            Err(Error::Overflow { .. }) => return Ok(Some(range_breach())),
            // A candidate the plan's rules refuse (a price that leaves the positive range, say) is beyond reach.
            Err(e) => {
                return Ok(Some(Breach {
                    kind: BreachKind::StopReached,
                    tranche: None,
                    message: format!("the plan no longer evaluates: {e}"),
                }))
            }
        };
        if let Some(breach) = Self::unplaceable(&report) {
            return Ok(Some(breach));
        }
        for row in &report.rows {
            if let Some(breach) = self.row(candidate, row)? {
                return Ok(Some(breach));
            }
        }
        Ok(None)
    }

    fn row(&self, candidate: &Plan, row: &TrancheRow) -> Result<Option<Breach>> {
        let i = row.index;
        let n = i.saturating_add(1);
        let sign = self.plan.side.sign();
        let stop = self.stop.get();
        let breach = |kind, message: String| Ok(Some(Breach { kind, tranche: Some(i), message }));
        if ((calc(row.price.get()) - stop) * sign).get("stop")? <= Decimal::ZERO {
            return breach(BreachKind::StopReached, format!("tranche {n} would fill at {}, at or beyond the stop at {stop}", row.price));
        }
        if let (Some(entry), Some(lp)) = (row.average_entry, row.liquidation_price) {
            let (room, what) = match self.buffer {
                Buffer::PricePercent(p) => {
                    (calc(stop) * p.get() / Decimal::ONE_HUNDRED, format!("{p} % of the stop's price"))
                }
                Buffer::StopDistancePercent(p) => (
                    (calc(entry.get()) - stop) * sign * p.get() / Decimal::ONE_HUNDRED,
                    format!("{p} % of the stop distance"),
                ),
            };
            let beyond = ((calc(stop) - lp.get()) * sign).get("liquidationBeyondStop")?;
            if beyond < room.get("buffer")? || beyond <= Decimal::ZERO {
                return breach(
                    BreachKind::Liquidation,
                    format!("tranche {n}'s liquidation at {lp} is not {what} beyond the stop at {stop}"),
                );
            }
        }
        // Leverage answers to the liquidation and the tiers only: it does not change the loss at the stop, and the
        // margin it posts is the size's to fit (a lower leverage posts more; the size fit then holds it to the
        // account's equity).
        let sizing = self.goal != Goal::Leverage;
        if let (Some(loss), Some(budget), true) = (row.loss_at_stop, self.budget, sizing) {
            if loss > budget {
                return breach(
                    BreachKind::LossAtStop,
                    format!("the loss at the stop after tranche {n}, {loss}, is above the risk budget of {}", budget.normalize()),
                );
            }
        }
        if sizing && row.free_margin < Decimal::ZERO {
            return Ok(Some(margin_breach(row)));
        }
        if row.average_entry.is_none() {
            return Ok(None);
        }
        // The tiers are found the way the plan's own warning finds them: by size for MEXC, by notional otherwise.
        let (measure, what) = match candidate.model.tier_basis() {
            TierBasis::PositionSize => (row.cumulative_quantity.get(), "a position of"),
            TierBasis::LiquidationNotional | TierBasis::EntryNotional => (row.notional, "a notional of"),
        };
        match candidate.instrument.tier_for(measure) {
            Some((t, tier)) if row.leverage > tier.max_leverage => breach(
                BreachKind::TierMaxLeverage,
                format!(
                    "tranche {n} at {}x is above the exchange's maximum leverage for tier {} ({}x at {what} {measure})",
                    row.leverage,
                    t.saturating_add(1),
                    tier.max_leverage,
                ),
            ),
            None if !candidate.instrument.tiers.is_empty() => breach(
                BreachKind::PositionLimit,
                format!("after tranche {n} {what} {measure} is above the exchange's last tier"),
            ),
            _ => Ok(None),
        }
    }

    /// Whether every rung of `report` can be placed: none rounds to nothing or falls below the exchange's minimums.
    fn unplaceable(report: &PlanReport) -> Option<Breach> {
        report
            .ladder
            .warnings()
            .iter()
            .find(|w| matches!(w.kind(), WarningKind::ZeroQuantity | WarningKind::BelowMinQuantity | WarningKind::BelowMinNotional))
            .map(|w| Breach { kind: BreachKind::RungNotPlaceable, tranche: w.tranche(), message: w.message().to_owned() })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    fn guide() -> Plan {
        serde_json::from_str(include_str!("../data/examples/guide-btc-ladder.json")).unwrap()
    }

    fn spec(goal: Goal) -> FitSpec {
        FitSpec { goal, buffer: None, risk_percent: None }
    }

    fn fit(plan: &Plan, goal: Goal) -> Fit {
        fit_plan(plan, &spec(goal)).unwrap()
    }

    fn text(d: Option<Decimal>) -> String {
        d.map_or_else(|| "none".to_owned(), |d| d.to_string())
    }

    #[test]
    fn the_guide_ladder_fits_its_budget_by_leverage_then_size_and_every_warning_goes() {
        let plan = guide();
        // At 10x isolated, tranche 1's own liquidation (58,735) is within half the 5,000 stop distance of the stop
        // whatever the size: the size cannot fit until the leverage does.
        let size = fit(&plan, Goal::Size);
        assert_eq!(size.value, None);
        assert_eq!((size.binding.kind, size.binding.tranche), (BreachKind::Liquidation, Some(0)));

        // Binance isolated long: LP = E·(1 − 1/L)/(1 − MMR) = 65,000·(8/9)/0.996 = 58,009.9 at 9x, above the
        // 57,500 the buffer allows; at 8x it is 57,103.4.
        let leverage = fit(&plan, Goal::Leverage);
        assert_eq!((text(Some(leverage.current)), text(leverage.value)), ("10".into(), "8".into()));
        assert_eq!(leverage.field, "leverage");
        assert_eq!(leverage.binding.message, "tranche 1's liquidation at 58009.9 is not 50 % of the stop distance beyond the stop at 60000");

        let at_8x = leverage.plan.unwrap();
        let size = fit(&at_8x, Goal::Size);
        assert_eq!(size.field, "entries.ladder.total.quantity");
        assert_eq!(size.binding.kind, BreachKind::LossAtStop);
        let fitted = size.plan.unwrap();
        let report = evaluate_plan(&fitted).unwrap();
        assert_eq!(report.warnings, Vec::new(), "every warning gone");
        let budget = report.risk_budget.unwrap();
        let loss = report.rows.last().unwrap().loss_at_stop.unwrap();
        assert!(loss <= budget, "{loss} within {budget}");
        // One step more and the loss at the stop passes the budget.
        let mut more = fitted.clone();
        let q = size.value.unwrap() + Decimal::new(1, 3);
        if let Entries::Ladder(spec) = &mut more.entries {
            spec.total = Some(Total::Quantity(Quantity::new("", q).unwrap()));
        }
        assert_eq!(check_plan(&more, &spec(Goal::Size)).unwrap().map(|b| b.kind), Some(BreachKind::LossAtStop));
    }

    #[test]
    fn a_fixed_size_ladder_reaches_one_tick_short_of_the_stop() {
        let at_8x = fit(&guide(), Goal::Leverage).plan.unwrap();
        // At 1 BTC no depth helps: even at 60,000.1 the average of 62,500 loses 2,500 at the stop, above 200.
        let too_big = fit(&at_8x, Goal::Depth);
        assert_eq!((too_big.value, too_big.binding.kind), (None, BreachKind::LossAtStop));
        let fitted = fit(&at_8x, Goal::Size).plan.unwrap();
        // At a size within the budget, a deeper last rung only lowers the average and the loss.
        let depth = fit(&fitted, Goal::Depth);
        assert_eq!(depth.field, "entries.ladder.tranches[3].price");
        assert_eq!((text(Some(depth.current)), text(depth.value)), ("61000".into(), "60000.1".into()));
        assert_eq!(depth.binding.message, "the last rung would reach the stop at 60000");
        assert_eq!(evaluate_plan(&depth.plan.unwrap()).unwrap().warnings, Vec::new());
    }

    #[test]
    fn a_leverage_ramp_fits_its_last_step_and_tiers_cap_it() {
        let mut plan = guide();
        if let Entries::Ladder(LadderSpec { tranches: Some(t), .. }) = &mut plan.entries {
            for (tranche, l) in t.iter_mut().zip([2, 3, 4, 5]) {
                tranche.leverage = Some(Leverage::new("", Decimal::from(l)).unwrap());
            }
        }
        let leverage = fit(&plan, Goal::Leverage);
        assert_eq!(leverage.field, "entries.ladder.tranches[3].leverage");
        // The first three tranches post 18,145 of isolated margin at 2x, 3x and 4x, which keeps the position's
        // liquidation below 45,300 at any leverage of the last; the notional of 63,150 is in Binance's second tier,
        // which allows at most 100x.
        assert_eq!(text(leverage.value), "100");
        assert_eq!((leverage.binding.kind, leverage.binding.tranche), (BreachKind::TierMaxLeverage, Some(3)));
    }

    #[test]
    fn a_generated_ladder_fits_its_depth_by_its_last_price() {
        let json = r#"{"version": 1, "instrument": {"symbol": "BTCUSDT", "contract": {"kind": "linear"},
            "tickSize": "0.1", "quantityStep": "0.001", "minQuantity": "0.001", "minNotional": "5",
            "makerFee": "0.0002", "takerFee": "0.0005",
            "tiers": [{"notionalFloor": "0", "notionalCap": null, "maintenanceMarginRate": "0.004",
            "maintenanceAmount": "0", "maxLeverage": "125"}]},
            "model": "binance", "side": "long", "marginMode": "cross", "account": {"wallet": "10000"},
            "leverage": "20", "stop": "60000",
            "entries": {"ladder": {"generate": {"from": "65000", "to": "63000", "count": 5},
            "total": {"riskBudget": {"account": "10000", "riskPercent": "50", "stop": "60000"}}}}}"#;
        let plan: Plan = serde_json::from_str(json).unwrap();
        let depth = fit(&plan, Goal::Depth);
        assert_eq!(depth.field, "entries.ladder.generate.to");
        // Sized by a risk of half the account, the ladder grows as it deepens toward the stop, until its margin at
        // 20x is more than the account's equity after the last fill.
        let value = depth.value.unwrap();
        assert!(value < Decimal::from(63_000) && value > Decimal::from(60_000), "{value}");
        assert_eq!((depth.binding.kind, depth.binding.tranche), (BreachKind::MarginAboveEquity, Some(4)));
        assert_eq!(check_plan(depth.plan.as_ref().unwrap(), &spec(Goal::Depth)).unwrap(), None);
        let mut deeper = depth.plan.unwrap();
        if let Entries::Ladder(LadderSpec { generate: Some(g), .. }) = &mut deeper.entries {
            g.to = Price::new("", value - Decimal::new(1, 1)).unwrap();
        }
        assert!(check_plan(&deeper, &spec(Goal::Depth)).unwrap().is_some());
    }

    #[test]
    fn what_cannot_be_fitted_is_refused_by_name() {
        let mut plan = guide();
        plan.stop = None;
        let e = fit_plan(&plan, &spec(Goal::Size)).unwrap_err();
        assert_eq!(e.field(), Some("stop"));
        let mut plan = guide();
        plan.version = 2;
        assert!(matches!(fit_plan(&plan, &spec(Goal::Size)), Err(Error::UnsupportedVersion { found: 2 })));
    }

    #[test]
    fn a_spec_reads_from_json_and_refuses_unknown_fields() {
        let spec: FitSpec =
            serde_json::from_str(r#"{"goal": "size", "buffer": {"pricePercent": "1"}, "riskPercent": "2"}"#).unwrap();
        assert_eq!(spec.goal, Goal::Size);
        assert!(matches!(spec.buffer, Some(Buffer::PricePercent(_))));
        assert!(serde_json::from_str::<FitSpec>(r#"{"goal": "size", "extra": 1}"#).is_err());
        assert!(serde_json::from_str::<FitSpec>(r#"{"goal": "size", "riskPercent": 2}"#).is_err());
    }
}
