//! Scaling out of a position (guide §3): target tiers, stop moves, de-risking and a defensive exit, reported step
//! by step with what each one realizes, what it locks in and what is left.
//!
//! The position is either the one a plan's entries build ([`crate::evaluate_plan`] with `exits`) or one entered
//! directly ([`evaluate_exits`]). An [`ExitPlan`] holds:
//! - `targets`: a price and a share, of the ORIGINAL position or of what REMAINS when the target fills (§3.2.1);
//! - `stopRules`: when a target fills or the price reaches an R multiple, move the stop to the entry, to the
//!   fee-inclusive breakeven of what is left, to a price, or start trailing it;
//! - `derisk` (§3.2.2): at +1R (or `atR`) close a share and move the stop (to the entry by default), then close a
//!   share every k·R or every price step, `count` times, trailing the stop by a distance or a percentage;
//! - `defensive` (§3.3): close a share at a price.
//!
//! # Steps and their order
//! Every exit and every stop rule triggered by an R multiple is a step at a price. Steps are ordered by price in
//! the favourable direction (up for a long, down for a short). Ties, at the same price: the defensive exit, then
//! targets, then de-risking steps, then R-triggered stop rules; within a kind, file order (targets by index,
//! de-risking steps first then `then` in turn). Stop rules triggered by a target fire in that target's step, after
//! its close, in file order; a trailing stop is then applied at that step's price. `steps[0]` is the position as
//! held, before any exit, valued at its average entry. Steps after the position is fully closed are left out, with
//! a warning.
//!
//! # Quantities
//! A share is taken of the original position or of what remains before the step, and floored to the instrument's
//! quantity step (Binance `LOT_SIZE`: `quantity % stepSize == 0`), or to 8 decimal places when the step is 0. A close
//! of 100 % of what remains, or the close that brings the shares of the original position to exactly 100 %, takes
//! exactly what is left, whatever flooring left over. A close asking for more than what is left closes the rest, with
//! a warning. Hence, at every step, `closedQuantity + remainingQuantity` is the position, exactly (a split the decimal
//! type cannot hold exactly is refused as an overflow). Exits are reduce-only orders, which Binance
//! exempts from its minimum notional (API error -4164: "Order's notional must be no smaller than 5.0 (unless you
//! choose reduce only)"), so only the minimum quantity is checked.
//!
//! # Money (in the margin currency; see [`crate::valuation`] for value, PnL and breakeven)
//! - Exits do not move the average entry (Hyperliquid docs, "Entry price and pnl": "for closing trades, the entry
//!   price is kept the same").
//! - Realized PnL is what has been booked: the PnL of every close, minus every fee paid (entry fees from the start,
//!   as Hyperliquid's closed PnL counts "only the fee for an opening trade"), minus funding paid so far. Exit fees
//!   are the maker rate for limit exits (targets and de-risking steps by default) and the taker rate otherwise
//!   (the defensive exit by default; a stop is always a market order).
//! - Funding: the plan's `funding.intervals` run from the full position to the last step and are spread evenly:
//!   before each of the `n` exit steps, `intervals / n` intervals pass on the quantity then held, each costing
//!   `side·rate·value at the average entry` (the basis of the plan's rows; exchanges charge it on the mark price,
//!   which a plan of discrete steps does not know between them). Positive is paid, negative received.
//! - Unrealized PnL: what is left, at the step's price, before any fee.
//! - Worst case: realized PnL plus what is left closed at the stop in force, with its taker fee; what the trade
//!   ends with if the stop is hit right after the step.
//! - R: 1R in price is the distance from the average entry to the initial stop; 1R in money is what the whole
//!   position loses if the initial stop is hit at once (gross loss, entry fees and the taker fee at the stop).
//!   Realized and worst-case PnL are also given in R.
//! - Breakeven of what is left: the exit price at which it pays back its share of the entry fees (by quantity), the
//!   funding it has paid so far and its taker exit fee. A move to the entry or the breakeven is rounded to the
//!   tick toward profit (up for a long), so the stop is at or beyond it.
//! - Margin: initial margin is `q·E/L` (Binance USDⓈ-M calculator FAQ) and exits keep `E`, so what is left keeps
//!   the same share of the initial margin as of the quantity; the rest is released.
//! - Effective leverage: value of what is left at the step's price ÷ account equity (wallet + realized +
//!   unrealized PnL), as the plan's rows define it.
//! - Liquidation of what is left, under the plan's model, at the unchanged entry: backed by its remaining margin
//!   (isolated) or by the wallet plus realized PnL (cross). Like the plan's rows, it does not deduct funding.
//!
//! # Stops
//! The stop only ever tightens. A rule that would loosen it, or put it at or beyond the step's price (where it
//! would close the rest at once), leaves it where it is, with a [`WarningKind::StopNotMoved`] warning; a trailing
//! stop that would loosen it is silently not applied. Prices given in the plan and computed ones are put on the
//! tick: the nearest tick (halves away from zero), except the entry and breakeven stops, rounded toward profit.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::account::{check_margining, Account, Funding};
use crate::error::{Error, Result};
use crate::instrument::Instrument;
use crate::ladder::Liquidity;
use crate::liquidation::{MarginMode, Model};
use crate::num::{
    calc, round_dp, round_to_step, Leverage, NonNegative, Percent, Positive, Price, Quantity, Round, Side,
};
use crate::valuation::OUTPUT_DECIMALS;
use crate::valuation::{out, Margining, Valuation};
use crate::warning::{Warning, WarningKind};

/// The most steps an exit plan may have, so that no input makes the core allocate without bound.
pub const MAX_EXIT_STEPS: usize = 1000;

/// How a position is to be closed (plan file field `exits`).
///
/// In JSON: `{"targets": [{"price": "3300", "share": "25", "of": "original"}], "stopRules": [{"when": {"target": 0},
/// "moveTo": "breakeven"}]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExitPlan {
    /// Take-profit tiers (guide §3.2.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<Target>,
    /// When and where to move the stop.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stop_rules: Vec<StopRule>,
    /// Risk reduction from +1R on (guide §3.2.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub derisk: Option<Derisk>,
    /// A defensive exit if the move weakens (guide §3.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defensive: Option<DefensiveExit>,
}

/// What a share is a share of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ShareOf {
    /// The position as it was before any exit.
    Original,
    /// What is left when the step fills.
    Remaining,
}

/// One take-profit tier: close `share` percent of the original or remaining position at `price`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Target {
    /// Limit price; put on the nearest tick.
    pub price: Price,
    /// Percentage to close (25 is 25 %).
    pub share: Percent,
    /// Of the original position or of what remains.
    pub of: ShareOf,
    /// Maker (a resting limit order, the default) or taker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liquidity: Option<Liquidity>,
}

/// A stop move and what triggers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StopRule {
    /// A target filling, or the price reaching an R multiple.
    pub when: Trigger,
    /// Where the stop goes.
    pub move_to: StopMove,
}

/// What fires a [`StopRule`]. In JSON: `{"target": 0}` or `{"r": "1.5"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Trigger {
    /// `targets[i]` filling (0-based); the move follows that target's close.
    Target(usize),
    /// The price reaching `entry + side·k·R`, R being the distance from the entry to the initial stop.
    R(Positive),
}

/// Where a stop goes. In JSON: `"entry"`, `"breakeven"`, `{"price": "3100"}` or `{"trail": {"distance": "50"}}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StopMove {
    /// The average entry: the rest can no longer lose before fees (guide §3.2.2, "making the trade risk-free").
    Entry,
    /// The fee- and funding-inclusive breakeven of what is left.
    Breakeven,
    /// A given price.
    Price(Price),
    /// From this step on, trail the stop behind each step's price.
    Trail(Trail),
}

/// How far a trailing stop stays behind the price. In JSON: `{"distance": "50"}` or `{"percent": "2"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Trail {
    /// A price distance (below a long's price, above a short's).
    Distance(Positive),
    /// A percentage of the price (2 is 2 %).
    Percent(Percent),
}

impl Trail {
    /// The stop this trail puts behind `price` for a `side` position, before rounding to the tick: `price − side·d`
    /// for a distance, `price·(1 − side·pct/100)` for a percentage.
    ///
    /// # Errors
    /// [`Error::Overflow`] when the numbers leave the decimal range.
    pub(crate) fn behind(self, price: Decimal, side: Side) -> Result<Decimal> {
        let sign = side.sign();
        match self {
            Self::Distance(d) => calc(price) - (calc(d.get()) * sign),
            Self::Percent(pct) => calc(price) * (calc(Decimal::ONE) - (calc(pct.get()) * sign / Decimal::ONE_HUNDRED)),
        }
        .get("stop")
    }
}

/// De-risking (guide §3.2.2): at +`atR`·R close a share and move the stop, then keep closing while trailing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Derisk {
    /// The R multiple of the first step; 1 when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_r: Option<Positive>,
    /// Percentage closed at the first step (the guide's 10 %).
    pub share: Percent,
    /// Of the original position or of what remains.
    pub of: ShareOf,
    /// Where the stop goes at the first step; the entry when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub move_to: Option<StopMove>,
    /// Maker (the default) or taker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liquidity: Option<Liquidity>,
    /// The further steps, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then: Option<DeriskSteps>,
}

/// The further de-risking steps: `count` closes of `share`, one every `every`, beyond the first step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DeriskSteps {
    /// Spacing between steps: an R multiple or a price distance.
    pub every: Every,
    /// How many further steps, from 1.
    pub count: u32,
    /// Percentage closed at each step (the guide's 5–10 %).
    pub share: Percent,
    /// Of the original position or of what remains.
    pub of: ShareOf,
    /// Trail the stop from the first further step on; left where it is when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trail: Option<Trail>,
    /// Maker (the default) or taker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liquidity: Option<Liquidity>,
}

/// Spacing of de-risking steps. In JSON: `{"r": "0.5"}` or `{"price": "100"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Every {
    /// Every k·R.
    R(Positive),
    /// Every price distance.
    Price(Positive),
}

/// A defensive exit (guide §3.3): close a share at a price, at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DefensiveExit {
    /// The price it is taken at; put on the nearest tick.
    pub price: Price,
    /// Percentage to close (the guide's 50 %).
    pub share: Percent,
    /// Of the original position or of what remains.
    pub of: ShareOf,
    /// Taker (a market order, the default) or maker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liquidity: Option<Liquidity>,
}

/// A position entered directly rather than built by a plan's entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OpenPosition {
    /// Long or short.
    pub side: Side,
    /// Size: base units (linear) or contracts (inverse).
    pub quantity: Quantity,
    /// Average entry price.
    pub entry: Price,
    /// Leverage the margin was posted at; give this or `margin`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leverage: Option<Leverage>,
    /// Initial margin of the position, in the margin currency; give this or `leverage`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub margin: Option<Positive>,
    /// Entry fees already paid; the taker rate on the entry value when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fees_paid: Option<NonNegative>,
    /// The stop-loss in force; R and the worst case need one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<Price>,
}

/// Everything [`evaluate_exits`] needs: a plan file's instrument, model, margin mode, account and funding, with a
/// position in place of its entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExitInput {
    /// The contract traded.
    pub instrument: Instrument,
    /// Whose liquidation formula to apply.
    pub model: Model,
    /// Isolated or cross.
    pub margin_mode: MarginMode,
    /// The account the position is in.
    pub account: Account,
    /// Funding over the exits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding: Option<Funding>,
    /// The position held.
    pub position: OpenPosition,
    /// How it is to be closed.
    pub exits: ExitPlan,
}

/// What a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum StepKind {
    /// The position as held, before any exit (`steps[0]`).
    Start,
    /// A take-profit tier.
    Target,
    /// The defensive exit.
    Defensive,
    /// A de-risking step.
    Derisk,
    /// A stop rule triggered by an R multiple.
    StopRule,
}

/// The exit plan, step by step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExitReport {
    /// Long or short.
    pub side: Side,
    /// The position's size before any exit.
    pub quantity: Quantity,
    /// Its average entry, which exits do not move.
    pub average_entry: Price,
    /// 1R in price: the distance from the average entry to the initial stop; `None` without a stop on the loss side.
    #[serde(with = "crate::text::decimal_option")]
    pub risk_distance: Option<Decimal>,
    /// 1R in money: what the whole position loses if the initial stop is hit at once, fees included.
    #[serde(with = "crate::text::decimal_option")]
    pub risk: Option<Decimal>,
    /// Funding intervals that pass before each exit step (the plan's intervals ÷ the number of steps).
    #[serde(with = "crate::text::decimal_option")]
    pub funding_intervals_per_step: Option<Decimal>,
    /// `steps[0]` is the position as held; then one row per exit step, in order.
    pub steps: Vec<ExitStep>,
    /// Soft problems; messages name the step (`steps[2] (targets[1])`).
    pub warnings: Vec<Warning>,
}

/// The position right after one exit step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExitStep {
    /// Index in [`ExitReport::steps`]; 0 is the position as held.
    pub index: usize,
    /// What the step is.
    pub kind: StepKind,
    /// The plan field behind it (`targets[1]`, `defensive`, `derisk`, `derisk.then[2]`, `stopRules[0]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The price of the step (the average entry for `steps[0]`).
    pub price: Price,
    /// Maker or taker, for a step that closes something.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub liquidity: Option<Liquidity>,
    /// Quantity closed at this step.
    pub quantity: NonNegative,
    /// Quantity closed so far.
    pub closed_quantity: NonNegative,
    /// Quantity still held.
    pub remaining_quantity: NonNegative,
    /// PnL of this step's close, before fees.
    #[serde(with = "crate::text::decimal")]
    pub exit_pnl: Decimal,
    /// Fee of this step's close.
    #[serde(with = "crate::text::decimal")]
    pub exit_fee: Decimal,
    /// Funding accrued since the previous step on the quantity held (negative when received).
    #[serde(with = "crate::text::decimal")]
    pub funding: Decimal,
    /// PnL booked so far: closes minus every fee (entry fees included) minus funding.
    #[serde(with = "crate::text::decimal")]
    pub realized_pnl: Decimal,
    /// Entry and exit fees paid so far.
    #[serde(with = "crate::text::decimal")]
    pub fees_paid: Decimal,
    /// Funding paid so far (negative when received).
    #[serde(with = "crate::text::decimal")]
    pub funding_paid: Decimal,
    /// PnL of what is left at this step's price, before fees.
    #[serde(with = "crate::text::decimal")]
    pub unrealized_pnl: Decimal,
    /// The stop in force after the step; `None` without one or once nothing is left.
    pub stop: Option<Price>,
    /// Realized PnL plus what is left closed at the stop with its taker fee; `None` without a stop.
    #[serde(with = "crate::text::decimal_option")]
    pub worst_case: Option<Decimal>,
    /// Realized PnL in R.
    #[serde(with = "crate::text::decimal_option")]
    pub realized_r: Option<Decimal>,
    /// The worst case in R.
    #[serde(with = "crate::text::decimal_option")]
    pub worst_case_r: Option<Decimal>,
    /// Initial margin released so far.
    #[serde(with = "crate::text::decimal")]
    pub margin_released: Decimal,
    /// Initial margin of what is left.
    #[serde(with = "crate::text::decimal")]
    pub margin_used: Decimal,
    /// Value of what is left at this step's price ÷ account equity; `None` when equity is gone.
    #[serde(with = "crate::text::decimal_option")]
    pub effective_leverage: Option<Decimal>,
    /// Breakeven of what is left (its share of entry fees, its funding so far, its taker exit fee).
    pub breakeven: Option<Price>,
    /// Liquidation price of what is left; `None` when nothing liquidates it.
    pub liquidation_price: Option<Price>,
    /// The trailing rule in force after the step, if any (for [`crate::replay`], which trails the stop between
    /// steps); not serialized.
    #[serde(skip)]
    pub trail: Option<Trail>,
}

/// Evaluates an exit plan on a position entered directly.
///
/// ```
/// use scaleplan::scaleout::{evaluate_exits, ExitInput};
/// let input: ExitInput = serde_json::from_str(r#"{
///   "instrument": {"symbol": "ETHUSDT", "contract": {"kind": "linear"}, "tickSize": "0.01",
///     "quantityStep": "0.001", "minQuantity": "0.001", "minNotional": "5", "makerFee": "0.0002",
///     "takerFee": "0.0005", "tiers": [{"notionalFloor": "0", "notionalCap": null,
///     "maintenanceMarginRate": "0.004", "maintenanceAmount": "0", "maxLeverage": "125"}]},
///   "model": "binance", "marginMode": "isolated", "account": {"wallet": "10000"},
///   "position": {"side": "long", "quantity": "2", "entry": "3000", "leverage": "5", "stop": "2900"},
///   "exits": {"targets": [{"price": "3200", "share": "50", "of": "original"}]}
/// }"#).map_err(|e| scaleplan::Error::invalid("input", e.to_string()))?;
/// let report = evaluate_exits(&input)?;
/// // 1 ETH closed at 3,200: +200, less the maker fee 0.64 and the taker entry fee 3 on 6,000.
/// assert_eq!(report.steps[1].realized_pnl.to_string(), "196.36");
/// assert_eq!(report.steps[1].remaining_quantity.to_string(), "1");
/// # Ok::<(), scaleplan::Error>(())
/// ```
///
/// # Errors
/// [`Error::Invalid`] naming the field: `position.leverage` when neither or both of leverage and margin are given,
/// `instrument.tiers` when there are none, `exits.targets[1].share` when shares of the original position add up to
/// more than 100 %, `exits.derisk.atR` when R is needed but the stop is missing or not on the loss side, an exit
/// price at or beyond the stop; [`Error::Overflow`] when the numbers leave the decimal range.
pub fn evaluate_exits(input: &ExitInput) -> Result<ExitReport> {
    check_margining(&input.instrument, input.margin_mode, &input.account)?;
    let position = &input.position;
    let valuation = Valuation { contract: input.instrument.contract, side: position.side };
    let (quantity, entry) = (position.quantity.get(), position.entry.get());
    let value = valuation.value(quantity, entry).get("position.quantity")?;
    let margin = match (position.leverage, position.margin) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid("position.margin", "give the leverage or the margin of the position, not both"))
        }
        (None, None) => {
            return Err(Error::invalid(
                "position.leverage",
                "is required unless `margin` is given: the leverage or the initial margin of the position",
            ))
        }
        (Some(leverage), None) => (calc(value) / leverage.get()).get("position.margin")?,
        (None, Some(margin)) => margin.get(),
    };
    let fees = match position.fees_paid {
        Some(fees) => fees.get(),
        None => (calc(value) * input.instrument.taker_fee.get()).get("position.feesPaid")?,
    };
    let held = Held { quantity, entry, fees, margin, stop: position.stop, stop_field: "position.stop" };
    let setup = Setup {
        margining: Margining {
            instrument: &input.instrument,
            model: input.model,
            mode: input.margin_mode,
            side: position.side,
            account: &input.account,
        },
        funding: input.funding,
    };
    exit_report(&setup, &held, &input.exits)
}

/// How the position is margined and funded.
pub(crate) struct Setup<'a> {
    pub(crate) margining: Margining<'a>,
    pub(crate) funding: Option<Funding>,
}

/// The position before any exit, exact.
pub(crate) struct Held {
    pub(crate) quantity: Decimal,
    pub(crate) entry: Decimal,
    /// Entry fees paid.
    pub(crate) fees: Decimal,
    /// Initial margin.
    pub(crate) margin: Decimal,
    pub(crate) stop: Option<Price>,
    /// How errors name the stop: `stop` in a plan, `position.stop` for a position entered directly.
    pub(crate) stop_field: &'static str,
}

/// The exit report of `exits` on `held`.
pub(crate) fn exit_report(setup: &Setup<'_>, held: &Held, exits: &ExitPlan) -> Result<ExitReport> {
    check_shares(exits)?;
    let mut walk = Walk::new(setup, held)?;
    let events = walk.events(exits)?;
    let planned = walk.quantities(events)?;
    walk.funding_step(planned.len())?;
    let mut steps = Vec::with_capacity(planned.len().saturating_add(1));
    steps.push(walk.start().map_err(|e| e.within("exits.steps[0]"))?);
    for (i, step) in planned.into_iter().enumerate() {
        let index = i.saturating_add(1);
        steps.push(walk.step(index, step).map_err(|e| e.within(&format!("exits.steps[{index}]")))?);
    }
    Ok(ExitReport {
        side: setup.margining.side,
        quantity: Quantity::new("quantity", held.quantity)?,
        average_entry: Price::new("averageEntry", round_dp(held.entry, OUTPUT_DECIMALS, Round::Nearest))?,
        risk_distance: walk.risk_distance.map(out),
        risk: walk.risk.map(out),
        funding_intervals_per_step: walk.intervals_per_step.map(out),
        steps,
        warnings: walk.warnings.into_iter().chain(walk.dropped).collect(),
    })
}

/// Refuses shares of the original position that add up to more than 100 %, naming the share that goes over.
fn check_shares(exits: &ExitPlan) -> Result<()> {
    let mut shares: Vec<(String, Percent, ShareOf, u32)> = exits
        .targets
        .iter()
        .enumerate()
        .map(|(i, t)| (format!("exits.targets[{i}].share"), t.share, t.of, 1))
        .collect();
    if let Some(d) = &exits.defensive {
        shares.push(("exits.defensive.share".to_owned(), d.share, d.of, 1));
    }
    if let Some(d) = &exits.derisk {
        shares.push(("exits.derisk.share".to_owned(), d.share, d.of, 1));
        if let Some(then) = &d.then {
            shares.push(("exits.derisk.then.share".to_owned(), then.share, then.of, then.count));
        }
    }
    let mut total = Decimal::ZERO;
    for (field, share, of, times) in shares {
        if of != ShareOf::Original {
            continue;
        }
        total = (calc(share.get()) * Decimal::from(times) + total).get(&field)?;
        if total > Decimal::ONE_HUNDRED {
            let problem = if times > 1 {
                format!(
                    "{times} steps of {share} % bring the shares of the original position to {total} %; at most 100 %"
                )
            } else {
                format!("shares of the original position add up to {total} %; at most 100 %")
            };
            return Err(Error::invalid(field, problem));
        }
    }
    Ok(())
}

/// A close asked for by a step.
#[derive(Debug, Clone, Copy)]
struct Close {
    share: Decimal,
    of: ShareOf,
    liquidity: Liquidity,
}

/// A stop move a step makes, with the plan field it comes from.
#[derive(Debug, Clone)]
struct Move {
    rule: String,
    to: StopMove,
}

/// One step before quantities are known.
#[derive(Debug, Clone)]
struct Event {
    price: Decimal,
    kind: StepKind,
    /// Tie order within a price: kind rank, index within the kind, repeat.
    order: (u8, usize, u32),
    rule: String,
    close: Option<Close>,
    moves: Vec<Move>,
    /// A trailing stop starting at this step, before the moves.
    trail: Option<Trail>,
}

/// One step with its quantity and what sizing it raised.
struct Planned {
    event: Event,
    quantity: Decimal,
    warnings: Vec<Warning>,
}

/// The running position while exits fill.
struct Walk<'a> {
    setup: &'a Setup<'a>,
    held: &'a Held,
    side: Side,
    valuation: Valuation,
    risk_distance: Option<Decimal>,
    risk: Option<Decimal>,
    intervals_per_step: Option<Decimal>,
    /// Funding per unit of quantity per step.
    funding_unit: Decimal,
    realized: Decimal,
    fees: Decimal,
    funding: Decimal,
    /// Funding paid so far per unit still held.
    funding_per_unit: Decimal,
    remaining: Decimal,
    stop: Option<Decimal>,
    trail: Option<Trail>,
    warnings: Vec<Warning>,
    /// The warning about steps left out after the position is closed, reported last.
    dropped: Option<Warning>,
}

impl<'a> Walk<'a> {
    fn new(setup: &'a Setup<'a>, held: &'a Held) -> Result<Self> {
        let side = setup.margining.side;
        let valuation = Valuation { contract: setup.margining.instrument.contract, side };
        let taker = setup.margining.instrument.taker_fee.get();
        let q = held.quantity;
        let e = held.entry;
        let (risk_distance, risk) = match held.stop {
            Some(stop) => {
                let s = stop.get();
                let distance = ((calc(e) - s) * side.sign()).get("riskDistance")?;
                if distance > Decimal::ZERO {
                    let loss = (-valuation.pnl(q, e, s) + held.fees + (valuation.value(q, s) * taker)).get("risk")?;
                    (Some(distance), (loss > Decimal::ZERO).then_some(loss))
                } else {
                    (None, None)
                }
            }
            None => (None, None),
        };
        Ok(Self {
            setup,
            held,
            side,
            valuation,
            risk_distance,
            risk,
            intervals_per_step: None,
            funding_unit: Decimal::ZERO,
            realized: (-calc(held.fees)).get("realizedPnl")?,
            fees: held.fees,
            funding: Decimal::ZERO,
            funding_per_unit: Decimal::ZERO,
            remaining: q,
            stop: held.stop.map(Price::get),
            trail: None,
            warnings: Vec::new(),
            dropped: None,
        })
    }

    fn instrument(&self) -> &Instrument {
        self.setup.margining.instrument
    }

    /// `value` on the tick grid (or to [`OUTPUT_DECIMALS`] places when the tick is 0).
    fn to_tick(&self, value: Decimal, how: Round, context: &str) -> Result<Decimal> {
        let tick = self.instrument().tick_size.get();
        if tick.is_zero() {
            Ok(round_dp(value, OUTPUT_DECIMALS, how))
        } else {
            round_to_step(value, tick, how, context)
        }
    }

    /// Rounding that puts a stop at or beyond an entry or breakeven: up for a long, down for a short.
    fn toward_profit(&self) -> Round {
        match self.side {
            Side::Long => Round::Up,
            Side::Short => Round::Down,
        }
    }

    /// `side·(a − b)`: positive when `a` is on the favourable side of `b`.
    fn ahead(&self, a: Decimal, b: Decimal, context: &str) -> Result<Decimal> {
        ((calc(a) - b) * self.side.sign()).get(context)
    }

    fn below_or_above(&self) -> &'static str {
        match self.side {
            Side::Long => "below",
            Side::Short => "above",
        }
    }

    /// A price from the plan, on the tick and beyond the initial stop.
    fn given_price(&self, field: &str, price: Price) -> Result<Decimal> {
        let rounded = self.to_tick(price.get(), Round::Nearest, field)?;
        self.checked_step_price(field, rounded)
    }

    /// Refuses a step price that is not positive or that the initial stop would have closed the position before.
    fn checked_step_price(&self, field: &str, price: Decimal) -> Result<Decimal> {
        if price <= Decimal::ZERO {
            return Err(Error::invalid(
                field,
                format!(
                    "puts a step at {price} on the tick size {}; a price must be above 0",
                    self.instrument().tick_size
                ),
            ));
        }
        if let Some(stop) = self.held.stop {
            if self.ahead(price, stop.get(), field)? <= Decimal::ZERO {
                return Err(Error::invalid(
                    field,
                    format!(
                        "{price} is at or {} the stop {stop} of this {}; the stop would close the position first",
                        self.below_or_above(),
                        self.side
                    ),
                ));
            }
        }
        Ok(price)
    }

    /// `entry + side·k·R` unrounded, for the rule at `field`.
    fn r_level(&self, field: &str, k: Decimal) -> Result<Decimal> {
        let Some(distance) = self.risk_distance else {
            return Err(Error::invalid(
                field,
                format!(
                    "needs a stop {} the average entry of this {}, since R is the distance from the entry to the stop; \
                     set `{}`",
                    self.below_or_above(),
                    self.side,
                    self.held.stop_field
                ),
            ));
        };
        (calc(distance) * k * self.side.sign() + self.held.entry).get(field)
    }

    /// Every step of the plan with its price, in step order.
    fn events(&self, exits: &ExitPlan) -> Result<Vec<Event>> {
        let count =
            exits.targets.len().saturating_add(exits.stop_rules.len()).saturating_add(
                usize::from(exits.defensive.is_some()).saturating_add(exits.derisk.map_or(0, |d| {
                    usize::try_from(d.then.map_or(0, |t| t.count)).unwrap_or(usize::MAX).saturating_add(1)
                })),
            );
        if count > MAX_EXIT_STEPS {
            return Err(Error::invalid("exits", format!("plans {count} steps; at most {MAX_EXIT_STEPS} are allowed")));
        }
        let mut events = Vec::with_capacity(count);
        let mut target_moves: Vec<Vec<Move>> = vec![Vec::new(); exits.targets.len()];
        for (k, rule) in exits.stop_rules.iter().enumerate() {
            let field = format!("exits.stopRules[{k}]");
            match rule.when {
                Trigger::Target(i) => match target_moves.get_mut(i) {
                    Some(moves) => moves.push(Move { rule: format!("stopRules[{k}]"), to: rule.move_to }),
                    None => {
                        return Err(Error::invalid(
                            format!("{field}.when.target"),
                            format!("there is no targets[{i}]; the plan has {} targets", exits.targets.len()),
                        ))
                    }
                },
                Trigger::R(r) => {
                    let at = format!("{field}.when.r");
                    let level = self.r_level(&at, r.get())?;
                    let price = self.checked_step_price(&at, self.to_tick(level, Round::Nearest, &at)?)?;
                    events.push(Event {
                        price,
                        kind: StepKind::StopRule,
                        order: (3, k, 0),
                        rule: format!("stopRules[{k}]"),
                        close: None,
                        moves: vec![Move { rule: format!("stopRules[{k}]"), to: rule.move_to }],
                        trail: None,
                    });
                }
            }
        }
        for ((i, target), moves) in exits.targets.iter().enumerate().zip(target_moves) {
            events.push(Event {
                price: self.given_price(&format!("exits.targets[{i}].price"), target.price)?,
                kind: StepKind::Target,
                order: (1, i, 0),
                rule: format!("targets[{i}]"),
                close: Some(Close {
                    share: target.share.get(),
                    of: target.of,
                    liquidity: target.liquidity.unwrap_or(Liquidity::Maker),
                }),
                moves,
                trail: None,
            });
        }
        if let Some(defensive) = &exits.defensive {
            events.push(Event {
                price: self.given_price("exits.defensive.price", defensive.price)?,
                kind: StepKind::Defensive,
                order: (0, 0, 0),
                rule: "defensive".to_owned(),
                close: Some(Close {
                    share: defensive.share.get(),
                    of: defensive.of,
                    liquidity: defensive.liquidity.unwrap_or(Liquidity::Taker),
                }),
                moves: Vec::new(),
                trail: None,
            });
        }
        if let Some(derisk) = &exits.derisk {
            self.derisk_events(derisk, &mut events)?;
        }
        let side = self.side;
        crate::order::sort_stable_by(&mut events, |a, b| {
            let by_price = match side {
                Side::Long => a.price.cmp(&b.price),
                Side::Short => b.price.cmp(&a.price),
            };
            by_price.then(a.order.cmp(&b.order))
        });
        Ok(events)
    }

    /// The first de-risking step at +`atR`·R and the further ones.
    fn derisk_events(&self, derisk: &Derisk, events: &mut Vec<Event>) -> Result<()> {
        let at = "exits.derisk.atR";
        let first = self.r_level(at, derisk.at_r.map_or(Decimal::ONE, Positive::get))?;
        events.push(Event {
            price: self.checked_step_price(at, self.to_tick(first, Round::Nearest, at)?)?,
            kind: StepKind::Derisk,
            order: (2, 0, 0),
            rule: "derisk".to_owned(),
            close: Some(Close {
                share: derisk.share.get(),
                of: derisk.of,
                liquidity: derisk.liquidity.unwrap_or(Liquidity::Maker),
            }),
            moves: vec![Move { rule: "derisk.moveTo".to_owned(), to: derisk.move_to.unwrap_or(StopMove::Entry) }],
            trail: None,
        });
        let Some(then) = &derisk.then else { return Ok(()) };
        let field = "exits.derisk.then.count";
        if then.count == 0 {
            return Err(Error::invalid(field, "must be at least 1"));
        }
        let spacing = match then.every {
            Every::R(k) => match self.risk_distance {
                Some(distance) => (calc(distance) * k.get()).get("exits.derisk.then.every")?,
                None => return Err(Error::invalid("exits.derisk.then.every", "needs R, and R needs a stop")),
            },
            Every::Price(distance) => distance.get(),
        };
        for j in 1..=then.count {
            let level = (calc(spacing) * Decimal::from(j) * self.side.sign() + first).get(field)?;
            let price = self.to_tick(level, Round::Nearest, field)?;
            if price <= Decimal::ZERO {
                return Err(Error::invalid(
                    field,
                    format!("puts step {j} at {price}, at or below 0; use fewer steps or a smaller `every`"),
                ));
            }
            events.push(Event {
                price,
                kind: StepKind::Derisk,
                order: (2, 1, j),
                rule: format!("derisk.then[{}]", j.saturating_sub(1)),
                close: Some(Close {
                    share: then.share.get(),
                    of: then.of,
                    liquidity: then.liquidity.unwrap_or(Liquidity::Maker),
                }),
                moves: Vec::new(),
                trail: if j == 1 { then.trail } else { None },
            });
        }
        Ok(())
    }

    /// The quantity each step closes, floored to the step; steps after the position is closed are left out.
    fn quantities(&mut self, events: Vec<Event>) -> Result<Vec<Planned>> {
        let original = self.held.quantity;
        let step = self.instrument().quantity_step.get();
        // Without a step, shares are floored to 8 places so that what is left keeps few enough digits to be exact.
        let grid = if step.is_zero() { Decimal::new(1, OUTPUT_DECIMALS) } else { step };
        let min_quantity = self.instrument().min_quantity.get();
        let mut remaining = original;
        let mut original_shares = Decimal::ZERO;
        let mut planned: Vec<Planned> = Vec::with_capacity(events.len());
        let mut dropped: Vec<String> = Vec::new();
        for event in events {
            if remaining.is_zero() {
                dropped.push(event.rule);
                continue;
            }
            let index = planned.len().saturating_add(1);
            let name = format!("steps[{index}] ({})", event.rule);
            let mut warnings = Vec::new();
            let quantity = match event.close {
                None => Decimal::ZERO,
                Some(close) => {
                    let base = match close.of {
                        ShareOf::Original => original,
                        ShareOf::Remaining => remaining,
                    };
                    let exact = (calc(base) * close.share / Decimal::ONE_HUNDRED).get("quantity")?;
                    let floored = round_to_step(exact, grid, Round::Down, "quantity")?;
                    let rest = match close.of {
                        ShareOf::Remaining => close.share == Decimal::ONE_HUNDRED,
                        ShareOf::Original => {
                            original_shares = (calc(original_shares) + close.share).get("share")?;
                            original_shares == Decimal::ONE_HUNDRED
                        }
                    };
                    if rest {
                        remaining
                    } else if floored > remaining {
                        warnings.push(Warning::on_step(
                            index,
                            WarningKind::ExitLargerThanRemaining,
                            format!(
                                "{name} asks for {} but only {} is left; it closes the rest",
                                floored.normalize(),
                                remaining.normalize()
                            ),
                        ));
                        remaining
                    } else {
                        if floored.is_zero() {
                            warnings.push(Warning::on_step(
                                index,
                                WarningKind::ZeroQuantity,
                                format!(
                                    "{name}: {} % of {} floors to 0 on the quantity step {grid}; nothing is closed",
                                    close.share,
                                    base.normalize()
                                ),
                            ));
                        }
                        floored
                    }
                }
            };
            if quantity > Decimal::ZERO && quantity < min_quantity {
                warnings.push(Warning::on_step(
                    index,
                    WarningKind::BelowMinQuantity,
                    format!(
                        "{name} closes {}, below the exchange's minimum order quantity {min_quantity}",
                        quantity.normalize()
                    ),
                ));
            }
            let left = (calc(remaining) - quantity).get("remainingQuantity")?;
            // Decimal subtraction rounds when the digits do not fit; refuse rather than lose the exact split.
            if (calc(left) + quantity).ok() != Some(remaining) {
                return Err(Error::overflow(format!("exits.steps[{index}].remainingQuantity")));
            }
            remaining = left;
            planned.push(Planned { event, quantity, warnings });
        }
        if !dropped.is_empty() {
            self.dropped = Some(Warning::new(
                WarningKind::ExitAfterPositionClosed,
                format!(
                    "the position is fully closed before {}; {} left out",
                    dropped.join(", "),
                    if dropped.len() == 1 { "it is" } else { "they are" }
                ),
            ));
        }
        Ok(planned)
    }

    /// Spreads the plan's funding intervals evenly over `steps` exit steps.
    fn funding_step(&mut self, steps: usize) -> Result<()> {
        let Some(funding) = self.setup.funding else { return Ok(()) };
        if steps == 0 {
            return Ok(());
        }
        let per_step = (calc(funding.intervals.get()) / Decimal::from(steps)).get("fundingIntervalsPerStep")?;
        self.intervals_per_step = Some(per_step);
        self.funding_unit =
            (self.valuation.value(Decimal::ONE, self.held.entry) * funding.rate.get() * per_step * self.side.sign())
                .get("funding")?;
        Ok(())
    }

    /// `steps[0]`: the position as held, valued at its average entry.
    fn start(&mut self) -> Result<ExitStep> {
        let price = self.held.entry;
        let row = Row { index: 0, kind: StepKind::Start, rule: None, price, liquidity: None };
        let step = self.row(row, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO)?;
        self.liquidation_warning(&step, "as held, the position");
        Ok(step)
    }

    /// Fills one step: funding since the previous step, the close, the stop moves, the trailing stop.
    fn step(&mut self, index: usize, planned: Planned) -> Result<ExitStep> {
        let Planned { event, quantity, warnings } = planned;
        self.warnings.extend(warnings);
        let v = self.valuation;
        let e = self.held.entry;
        let p = event.price;
        let funding = (calc(self.funding_unit) * self.remaining).get("funding")?;
        self.funding = (calc(self.funding) + funding).get("fundingPaid")?;
        self.funding_per_unit = (calc(self.funding_per_unit) + self.funding_unit).get("funding")?;
        let liquidity = event.close.map(|c| c.liquidity);
        let fee_rate = self.instrument().fee(liquidity.unwrap_or(Liquidity::Taker));
        let exit_pnl = v.pnl(quantity, e, p).get("exitPnl")?;
        let exit_fee = (v.value(quantity, p) * fee_rate).get("exitFee")?;
        self.realized = (calc(self.realized) + exit_pnl - exit_fee - funding).get("realizedPnl")?;
        self.fees = (calc(self.fees) + exit_fee).get("feesPaid")?;
        self.remaining = (calc(self.remaining) - quantity).get("remainingQuantity")?;
        let name = format!("steps[{index}] ({})", event.rule);
        if self.remaining > Decimal::ZERO {
            if event.trail.is_some() {
                self.trail = event.trail;
            }
            for m in &event.moves {
                self.apply_move(index, &name, m, p)?;
            }
            self.apply_trail(p)?;
        }
        let row = Row { index, kind: event.kind, rule: Some(event.rule), price: p, liquidity };
        let step = self.row(row, quantity, exit_pnl, exit_fee, funding)?;
        self.liquidation_warning(&step, &format!("after {name}, what is left"));
        Ok(step)
    }

    /// Moves the stop as rule `m` asks, at step `index` (called `name`) and its price `price`, or says why it stays.
    fn apply_move(&mut self, index: usize, name: &str, m: &Move, price: Decimal) -> Result<()> {
        let proposed = match m.to {
            StopMove::Trail(trail) => {
                self.trail = Some(trail);
                return Ok(());
            }
            StopMove::Entry => Some(self.to_tick(self.held.entry, self.toward_profit(), "stop")?),
            StopMove::Breakeven => match self.rest_breakeven()? {
                Some(b) => Some(self.to_tick(b, self.toward_profit(), "stop")?),
                None => None,
            },
            StopMove::Price(p) => Some(self.to_tick(p.get(), Round::Nearest, "stop")?),
        };
        let reason = match proposed {
            None => Some("no price breaks even on what is left".to_owned()),
            Some(s) if self.ahead(price, s, "stop")? <= Decimal::ZERO => Some(format!(
                "{s} is at or {} the step's price {price}, where the stop would close the rest at once",
                match self.side {
                    Side::Long => "above",
                    Side::Short => "below",
                }
            )),
            Some(s) => match self.stop {
                Some(current) if self.ahead(s, current, "stop")? < Decimal::ZERO => {
                    Some(format!("moving it to {s} would loosen it"))
                }
                _ => {
                    self.stop = Some(s);
                    None
                }
            },
        };
        if let Some(reason) = reason {
            let kept = self.stop.map_or_else(|| "unset".to_owned(), |s| format!("at {s}"));
            self.warnings.push(Warning::on_step(
                index,
                WarningKind::StopNotMoved,
                format!("{name}: {} leaves the stop {kept}: {reason}", m.rule),
            ));
        }
        Ok(())
    }

    /// Trails the stop behind `price` when a trail is active and that tightens it.
    fn apply_trail(&mut self, price: Decimal) -> Result<()> {
        let Some(trail) = self.trail else { return Ok(()) };
        let level = trail.behind(price, self.side)?;
        let proposed = self.to_tick(level, Round::Nearest, "stop")?;
        let tighter = match self.stop {
            Some(current) => self.ahead(proposed, current, "stop")? > Decimal::ZERO,
            None => true,
        };
        if proposed > Decimal::ZERO && tighter && self.ahead(price, proposed, "stop")? > Decimal::ZERO {
            self.stop = Some(proposed);
        }
        Ok(())
    }

    /// Breakeven of what is left: its share of the entry fees and the funding it has paid, plus its taker exit fee.
    fn rest_breakeven(&self) -> Result<Option<Decimal>> {
        if self.remaining.is_zero() {
            return Ok(None);
        }
        let costs = (calc(self.held.fees) / self.held.quantity + self.funding_per_unit) * self.remaining;
        self.valuation.breakeven(
            self.remaining,
            self.held.entry,
            costs.get("breakeven")?,
            self.instrument().taker_fee.get(),
        )
    }

    /// The report row after a step.
    fn row(
        &self,
        row: Row,
        quantity: Decimal,
        exit_pnl: Decimal,
        exit_fee: Decimal,
        funding: Decimal,
    ) -> Result<ExitStep> {
        let v = self.valuation;
        let held = self.held;
        let (e, p, rest) = (held.entry, row.price, self.remaining);
        let taker = self.instrument().taker_fee.get();
        let account = self.setup.margining.account;
        let unrealized = v.pnl(rest, e, p).get("unrealizedPnl")?;
        let stop = if rest.is_zero() { None } else { self.stop };
        let worst_case = match stop {
            _ if rest.is_zero() => Some(self.realized),
            Some(s) => Some((calc(self.realized) + v.pnl(rest, e, s) - (v.value(rest, s) * taker)).get("worstCase")?),
            None => None,
        };
        let in_r = |value: Option<Decimal>, context: &str| -> Result<Option<Decimal>> {
            match (value, self.risk) {
                (Some(value), Some(risk)) => (calc(value) / risk).get(context).map(|r| Some(out(r))),
                _ => Ok(None),
            }
        };
        let margin_used = (calc(held.margin) * rest / held.quantity).get("marginUsed")?;
        let margin_released = (calc(held.margin) - margin_used).get("marginReleased")?;
        let wallet = account.wallet.get();
        let equity = (calc(wallet) + self.realized + unrealized).get("equity")?;
        let effective_leverage = if equity > Decimal::ZERO {
            Some(out((v.value(rest, p) / equity).get("effectiveLeverage")?))
        } else {
            None
        };
        let liquidation_price = if rest.is_zero() {
            None
        } else {
            let backing = match self.setup.margining.mode {
                MarginMode::Isolated => margin_used,
                MarginMode::Cross => (calc(wallet) + self.realized).get("wallet")?,
            };
            match self.setup.margining.liquidation(rest, e, backing)? {
                Some(liq) => liq.liquidation_price(),
                // The backing does not even cover the maintenance margin at the entry: liquidated at once.
                None => Some(output_price("liquidationPrice", e)?),
            }
        };
        let breakeven = match self.rest_breakeven()? {
            Some(b) => Some(Price::new("breakeven", round_dp(b, OUTPUT_DECIMALS, self.toward_profit()))?),
            None => None,
        };
        Ok(ExitStep {
            index: row.index,
            kind: row.kind,
            rule: row.rule,
            price: output_price("price", p)?,
            liquidity: row.liquidity,
            quantity: NonNegative::new("quantity", quantity)?,
            closed_quantity: NonNegative::new("closedQuantity", (calc(held.quantity) - rest).get("closedQuantity")?)?,
            remaining_quantity: NonNegative::new("remainingQuantity", rest)?,
            exit_pnl: out(exit_pnl),
            exit_fee: out(exit_fee),
            funding: out(funding),
            realized_pnl: out(self.realized),
            fees_paid: out(self.fees),
            funding_paid: out(self.funding),
            unrealized_pnl: out(unrealized),
            stop: stop.map(|s| output_price("stop", s)).transpose()?,
            worst_case: worst_case.map(out),
            realized_r: in_r(Some(self.realized), "realizedR")?,
            worst_case_r: in_r(worst_case, "worstCaseR")?,
            margin_released: out(margin_released),
            margin_used: out(margin_used),
            effective_leverage,
            breakeven,
            liquidation_price,
            trail: if rest.is_zero() { None } else { self.trail },
        })
    }

    /// Warns when what is left would be liquidated before its stop; `subject` names it (`after steps[2] (…), what
    /// is left`).
    fn liquidation_warning(&mut self, step: &ExitStep, subject: &str) {
        let (Some(lp), Some(stop)) = (step.liquidation_price, step.stop) else { return };
        let before = match self.side {
            Side::Long => lp >= stop,
            Side::Short => lp <= stop,
        };
        if before {
            self.warnings.push(Warning::on_step(
                step.index,
                WarningKind::LiquidationBeforeStop,
                format!("{subject} is liquidated at {lp}, before the stop at {stop}"),
            ));
        }
    }
}

/// What a row is, before its figures.
struct Row {
    index: usize,
    kind: StepKind,
    rule: Option<String>,
    price: Decimal,
    liquidity: Option<Liquidity>,
}

/// A price for the report, to [`OUTPUT_DECIMALS`] places.
fn output_price(field: &str, value: Decimal) -> Result<Price> {
    Price::new(field, round_dp(value, OUTPUT_DECIMALS, Round::Nearest))
}
