//! A whole scale-in plan: the versioned plan file (version 1) and its evaluation, tranche by tranche.
//!
//! [`evaluate_plan`] builds the entries (a price ladder or a time schedule), then walks the fills in order and
//! reports after each one what the position has become: size, average entry, fees, fee- and funding-inclusive
//! breakeven, margin, effective leverage, free margin, liquidation price and its distances, the loss at the stop
//! and R. Soft problems are [`Warning`]s on the tranche they concern. When the plan has `exits`, the position after
//! the last tranche is then scaled out step by step ([`crate::scaleout`]).
//!
//! Amounts are in the quote currency for linear contracts and in the coin for inverse ones (the margin currency
//! in both cases); notionals of inverse contracts are in USD (`contracts × contract size`).
//! Formulas, per unit of the margin currency (sources: Binance USDⓈ-M and COIN-M calculator FAQs; liquidation.md):
//! - value of `q` at price `P`: linear `q·P`; inverse `q·CS/P`;
//! - PnL from `E` to `P`: linear `side·q·(P − E)`; inverse `side·q·CS·(1/E − 1/P)`;
//! - fees: the entry rate on each fill's value; the taker rate on the value at the exit price (a stop is a market
//!   order);
//! - funding over the planned holding: `side·rate·intervals·value at entry` (a positive rate: longs pay);
//! - breakeven: the exit price where PnL equals all fees and funding (Binance's "breakeven" is a different, fee-free
//!   cost basis; see liquidation.md "Averaging");
//! - effective leverage: value at the fill price ÷ account equity (wallet − fees paid + unrealized PnL);
//! - R: the loss at the stop as a multiple of the risk budget (account × risk %), the maximum loss accepted (§2.1);
//! - liquidation, cross margin with `restingOrders: counted`: after each tranche the ladder's rungs not yet filled
//!   take from the cross wallet what the model's exchange takes for open orders ([`RestingOrders::order`]: MEXC
//!   their margin, BingX their notional toward maintenance and tier and their taker fee), so the row shows the
//!   position as the exchange would liquidate it while those rungs still rest.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::account::check_margining;
pub use crate::account::{Account, Funding};
use crate::error::{Error, Result};
use crate::instrument::{ContractKind, Instrument};
use crate::message::message;
use crate::ladder::{build_ladder, risk_amount, Ladder, LadderSpec, Liquidity, Rung, Total};
use crate::liquidation::{Checks, Liquidation, MarginMode, Model, RestingOrders, RestingRule, TierBasis};
use crate::position::Accumulated;
use crate::num::{calc, divide_to_step, round_dp, Leverage, NonNegative, Price, Round, Side};
use crate::scaleout::{exit_report, ExitPlan, ExitReport, Held, Setup};
use crate::schedule::{build_schedule, PricePath, PricePoint, ScheduleSpec};
use crate::time::UtcTime;
use crate::valuation::{out, out_ratio, Margining, Valuation, OUTPUT_STEP};
use crate::warning::{Warning, WarningKind};

/// The plan file format this build reads and writes.
pub const PLAN_VERSION: u32 = 1;

pub use crate::valuation::OUTPUT_DECIMALS;

/// A liquidation less than this share of the stop distance beyond the stop is a thin buffer: a wick that overshoots
/// the stop by half the planned risk would liquidate the position (guide §4.3: keep a buffer).
const THIN_BUFFER_SHARE: Decimal = Decimal::from_parts(5, 0, 0, false, 1);

/// A scale-in plan as its file holds it: `{"version": 1, "instrument": …, "entries": …}`.
///
/// The JSON Schema of this format is `crates/scaleplan/schema/plan-v1.schema.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Plan {
    /// File format version; this build reads [`PLAN_VERSION`].
    pub version: u32,
    /// A name for the plan, free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The contract traded.
    pub instrument: Instrument,
    /// Whose liquidation formula to apply.
    pub model: Model,
    /// Long or short.
    pub side: Side,
    /// Isolated (the position's own margin) or cross (the account wallet).
    pub margin_mode: MarginMode,
    /// The account the position is opened in.
    pub account: Account,
    /// Leverage of tranches that do not set their own.
    pub leverage: Leverage,
    /// Stop-loss price of the whole position, if one is planned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<Price>,
    /// Cross margin: whether each tranche's liquidation counts the rungs still resting, as the model's exchange
    /// does ([`Model::resting_rule`]: MEXC leaves their margin out of the cross equity, BingX counts their size in
    /// the maintenance margin and freezes their fee). Left out: they are not counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resting_orders: Option<Resting>,
    /// Whether entries rest on the book (maker rate, the default for a price ladder) or take it (taker rate).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_liquidity: Option<Liquidity>,
    /// Funding expected while the position is held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding: Option<Funding>,
    /// How the position is built.
    pub entries: Entries,
    /// How the position is to be closed once built (guide §3): targets, stop moves, de-risking, a defensive exit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exits: Option<ExitPlan>,
}

/// Whether a plan's per-tranche liquidation counts the rungs of its ladder still resting (see [`Plan::resting_orders`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Resting {
    /// Each tranche's liquidation is that of the position alone.
    #[default]
    Ignored,
    /// Each tranche's liquidation counts the rungs still resting the way the model's exchange counts open orders
    /// against a cross wallet.
    Counted,
}

/// How a plan builds its position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Entries {
    /// Resting orders at planned prices (guide §2.2.2).
    Ladder(LadderSpec),
    /// Tranches at fixed times, filled at the prices of a given path (guide §2.2.1).
    Schedule(ScheduleEntries),
}

/// A time-based schedule and the price path its tranches fill on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleEntries {
    /// When and how much.
    #[serde(flatten)]
    pub spec: ScheduleSpec,
    /// Prices over time; each tranche fills at the last one at or before its time.
    pub path: Vec<PricePoint>,
}

/// What a plan does, tranche by tranche.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanReport {
    /// The entries as the exchange would take them: rounded, with requested and placed totals.
    pub ladder: Ladder,
    /// The position after each tranche.
    pub rows: Vec<TrancheRow>,
    /// Every warning: the ladder's and the position's, each on its tranche where it has one.
    pub warnings: Vec<Warning>,
    /// The risk budget (account × risk %), when the plan sets one.
    #[serde(skip_serializing_if = "Option::is_none", with = "crate::text::decimal_option")]
    pub risk_budget: Option<Decimal>,
    /// The exit plan step by step, on the position after the last tranche, when the plan has `exits` and its
    /// entries place something.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exits: Option<ExitReport>,
}

/// The position right after one tranche fills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrancheRow {
    /// 0-based tranche index (`rungs[i]` of the ladder).
    pub index: usize,
    /// Fill time, for time-based schedules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<UtcTime>,
    /// Fill price.
    pub price: Price,
    /// This tranche's quantity.
    pub quantity: NonNegative,
    /// This tranche's share of the placed total, in percent.
    #[serde(with = "crate::text::decimal")]
    pub share: Decimal,
    /// Leverage this tranche's margin is posted at.
    pub leverage: Leverage,
    /// Position size after the tranche.
    pub cumulative_quantity: NonNegative,
    /// Average entry after the tranche (quantity-weighted; harmonic for inverse); `None` before anything fills.
    pub average_entry: Option<Price>,
    /// Notional at the average entry: quote (linear) or USD (inverse, contracts × contract size).
    #[serde(with = "crate::text::decimal")]
    pub notional: Decimal,
    /// Entry fees paid so far, in the margin currency.
    #[serde(with = "crate::text::decimal")]
    pub fees_paid: Decimal,
    /// Funding expected over the planned holding (negative when received), in the margin currency.
    #[serde(with = "crate::text::decimal")]
    pub funding: Decimal,
    /// Exit price at which the position breaks even after entry fees, the taker exit fee and funding.
    pub breakeven: Option<Price>,
    /// Initial margin of the position: Σ value of each tranche ÷ its leverage.
    #[serde(with = "crate::text::decimal")]
    pub margin_used: Decimal,
    /// Value at the fill price ÷ account equity; `None` when equity is gone.
    #[serde(with = "crate::text::decimal_option")]
    pub effective_leverage: Option<Decimal>,
    /// Account equity (wallet − fees + unrealized PnL at the fill price) minus the margin used.
    #[serde(with = "crate::text::decimal")]
    pub free_margin: Decimal,
    /// Liquidation price under the plan's model; `None` when no price liquidates the position.
    pub liquidation_price: Option<Price>,
    /// Price where the equity backing the position reaches zero.
    pub bankruptcy_price: Option<Price>,
    /// Maintenance tier applied (index into the instrument's tiers).
    pub tier: Option<usize>,
    /// How far the price may move against the position from this fill before liquidation, as a fraction of the
    /// fill price (0.2 is 20 %).
    #[serde(with = "crate::text::decimal_option")]
    pub liquidation_distance: Option<Decimal>,
    /// How far beyond the stop the liquidation price lies, as a fraction of the stop (negative: before the stop).
    #[serde(with = "crate::text::decimal_option")]
    pub liquidation_beyond_stop: Option<Decimal>,
    /// Loss if the stop is hit now, fees and funding included, in the margin currency.
    #[serde(with = "crate::text::decimal_option")]
    pub loss_at_stop: Option<Decimal>,
    /// The loss at the stop as a percentage of the wallet.
    #[serde(with = "crate::text::decimal_option")]
    pub loss_at_stop_percent: Option<Decimal>,
    /// The loss at the stop in units of the risk budget (1 is the whole budget).
    #[serde(with = "crate::text::decimal_option")]
    pub r: Option<Decimal>,
}

impl Plan {
    /// The fee rate the entries pay: `entryLiquidity` when set, else maker for a ladder (resting limits) and
    /// taker for a schedule (orders at a time fill at market).
    pub fn entry_fee(&self) -> Decimal {
        let liquidity = self.entry_liquidity.unwrap_or(match self.entries {
            Entries::Ladder(_) => Liquidity::Maker,
            Entries::Schedule(_) => Liquidity::Taker,
        });
        self.instrument.fee(liquidity)
    }
}

/// Evaluates a plan: its entries, the position after each of them, and its exits on the position they build.
///
/// # Errors
/// [`Error::UnsupportedVersion`] for a version other than [`PLAN_VERSION`]; [`Error::Invalid`] naming the field
/// (`entries.ladder.total`, `instrument.tiers`, `account.otherMaintenanceMargin`, `exits.targets[1].share`) when
/// the plan contradicts itself; [`Error::Overflow`] when the numbers leave the decimal range.
pub fn evaluate_plan(plan: &Plan) -> Result<PlanReport> {
    if plan.version != PLAN_VERSION {
        return Err(Error::UnsupportedVersion { found: plan.version });
    }
    check_margining(&plan.instrument, plan.margin_mode, &plan.account)?;
    let rule = resting_rule(plan)?;
    let ladder = build_entries(plan)?;
    let mut walk = Walk::new(plan)?;
    if let Some(rule) = rule {
        walk.rest(rule, ladder.rungs())?;
    }
    let mut rows = Vec::with_capacity(ladder.rungs().len());
    let mut warnings: Vec<Warning> = ladder.warnings().to_vec();
    for rung in ladder.rungs() {
        let row = walk.add(rung.index(), rung.time(), rung.price(), rung.quantity(), rung.share(), rung.leverage())
            .map_err(|e| e.within(&format!("rows[{}]", rung.index())))?;
        warnings.extend(walk.warnings(&row)?);
        rows.push(row);
    }
    crate::order::sort_stable_by_key(&mut warnings, |w| w.tranche().map_or(0, |t| t.saturating_add(1)));
    let exits = match &plan.exits {
        Some(exits) => walk.exits(exits)?,
        None => None,
    };
    Ok(PlanReport { ladder, rows, warnings, risk_budget: walk.budget, exits })
}

/// How the plan's position is margined, for [`Margining::liquidation`].
pub(crate) fn margining(plan: &Plan) -> Margining<'_> {
    Margining {
        instrument: &plan.instrument,
        model: plan.model,
        mode: plan.margin_mode,
        side: plan.side,
        account: &plan.account,
    }
}

/// The rule by which the plan's resting rungs are counted, when `restingOrders` is `counted`; refuses what no
/// exchange does (resting orders in isolated margin, under a model whose exchange does not count them, or for
/// scheduled tranches, which are sent at their time and never rest).
fn resting_rule(plan: &Plan) -> Result<Option<RestingRule>> {
    if plan.resting_orders.unwrap_or_default() == Resting::Ignored {
        return Ok(None);
    }
    if plan.margin_mode == MarginMode::Isolated {
        return Err(Error::invalid(
            "restingOrders",
            "applies only to cross margin; resting orders do not touch an isolated position's margin",
        ));
    }
    if matches!(plan.entries, Entries::Schedule(_)) {
        return Err(Error::invalid(
            "restingOrders",
            "applies to a price ladder; scheduled tranches are sent at their time and never rest on the book",
        ));
    }
    match plan.model.resting_rule() {
        Some(rule) => Ok(Some(rule)),
        None => Err(Error::invalid(
            "restingOrders",
            format!(
                "cannot be counted under the {} model: its exchange does not count resting orders against cross \
                 collateral (bingx and mexc do); leave it out",
                plan.model.name()
            ),
        )),
    }
}

/// The ladder or schedule of the plan, with errors placed under `entries`.
fn build_entries(plan: &Plan) -> Result<Ladder> {
    match &plan.entries {
        Entries::Ladder(spec) => {
            build_ladder(spec, plan.side, &plan.instrument).map_err(|e| e.within("entries.ladder"))
        }
        Entries::Schedule(schedule) => {
            let path = PricePath::new(schedule.path.clone()).map_err(|e| e.within("entries.schedule"))?;
            build_schedule(&schedule.spec, plan.side, &plan.instrument, &path)
                .map_err(|e| e.within("entries.schedule"))
        }
    }
}

/// The running position while tranches fill.
struct Walk<'a> {
    plan: &'a Plan,
    valuation: Valuation,
    entry_fee: Decimal,
    exit_fee: Decimal,
    budget: Option<Decimal>,
    position: Accumulated,
    fees: Decimal,
    margin: Decimal,
    /// The rule and what the rungs not yet filled take from the cross wallet, when they are counted.
    resting: Option<(RestingRule, RestingOrders)>,
    /// Whether a tranche's liquidation has passed the checks of what stays the same from one tranche to the next
    /// (the model, the fee, the tiers, the other positions), so that the later ones skip them.
    checked: bool,
}

impl<'a> Walk<'a> {
    fn new(plan: &'a Plan) -> Result<Self> {
        let entry_fee = plan.entry_fee();
        let budget = match (plan.account.risk_percent, &plan.entries) {
            (Some(percent), _) => Some(risk_amount(plan.account.wallet.get(), percent)?),
            (None, Entries::Ladder(LadderSpec { total: Some(Total::RiskBudget(b)), .. }))
            | (None, Entries::Schedule(ScheduleEntries { spec: ScheduleSpec { total: Total::RiskBudget(b), .. }, .. })) => {
                Some(b.amount()?)
            }
            (None, _) => None,
        };
        Ok(Self {
            plan,
            valuation: Valuation { contract: plan.instrument.contract, side: plan.side },
            entry_fee,
            exit_fee: plan.instrument.taker_fee.get(),
            budget,
            position: Accumulated::new(plan.instrument.contract, "cumulativeQuantity"),
            fees: Decimal::ZERO,
            margin: Decimal::ZERO,
            resting: None,
            checked: false,
        })
    }

    /// Counts every rung as resting until it fills.
    fn rest(&mut self, rule: RestingRule, rungs: &[Rung]) -> Result<()> {
        let mut total = RestingOrders::default();
        for rung in rungs {
            total = total.plus(self.resting_order(rule, rung.price(), rung.quantity(), rung.leverage())?)?;
        }
        self.resting = Some((rule, total));
        Ok(())
    }

    /// What one rung takes from the cross wallet while it rests: its value at its price, its leverage and the
    /// taker fee (see [`RestingOrders::order`]).
    fn resting_order(
        &self,
        rule: RestingRule,
        price: Price,
        quantity: NonNegative,
        leverage: Option<Leverage>,
    ) -> Result<RestingOrders> {
        let value = self.valuation.value(quantity.get(), price.get()).get("restingOrders")?;
        RestingOrders::order(rule, value, leverage.unwrap_or(self.plan.leverage), self.plan.instrument.taker_fee)
    }

    /// Adds one fill and reports the position after it.
    fn add(
        &mut self,
        index: usize,
        time: Option<UtcTime>,
        price: Price,
        quantity: NonNegative,
        share: Decimal,
        leverage: Option<Leverage>,
    ) -> Result<TrancheRow> {
        let plan = self.plan;
        let v = self.valuation;
        let p = price.get();
        let q = quantity.get();
        if let Some((rule, resting)) = self.resting {
            // This rung has filled: it no longer rests.
            let filled = self.resting_order(rule, price, quantity, leverage)?;
            self.resting = Some((rule, resting.minus(filled)?));
        }
        let leverage = leverage.unwrap_or(plan.leverage);
        let value = v.value(q, p).get("value")?;
        self.position.add(q, p)?;
        self.fees = (calc(value) * self.entry_fee + self.fees).get("feesPaid")?;
        self.margin = (calc(value) / leverage.get() + self.margin).get("marginUsed")?;

        let cum = self.position.quantity();
        // The average entry as reported, rounded once from the exact fraction; the formulas below take the exact
        // entry value instead of a 28-digit average.
        let entry = self.position.average_rounded(OUTPUT_STEP, Round::Nearest)?;
        // The position's value at its entry, exact from the fills: every figure below that needs `q·E` takes it,
        // rather than multiplying out the 28-digit average again.
        let entry_value = self.position.entry_value()?;
        let wallet = plan.account.wallet.get();
        let (notional, funding, upnl, mark_value) = match entry {
            Some(e) => {
                let mark_value = v.value(cum, p).get("value")?;
                (
                    match plan.instrument.contract {
                        ContractKind::Linear => entry_value,
                        // Contracts × contract size: the price does not enter.
                        ContractKind::Inverse { .. } => v.notional(cum, e).get("notional")?,
                    },
                    match plan.funding {
                        Some(f) => {
                            plan.side.apply(calc(entry_value) * f.rate.get() * f.intervals.get()).get("funding")?
                        }
                        None => Decimal::ZERO,
                    },
                    v.pnl_between(entry_value, mark_value).get("unrealizedPnl")?,
                    mark_value,
                )
            }
            None => (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO),
        };
        let equity = (calc(wallet) - self.fees + upnl).get("equity")?;
        let effective_leverage =
            if equity > Decimal::ZERO { Some(out_ratio(mark_value, equity, "effectiveLeverage")?) } else { None };
        let free_margin = (calc(equity) - self.margin).get("freeMargin")?;
        let costs = (calc(self.fees) + funding).get("breakeven")?;

        let mut row = TrancheRow {
            index,
            time,
            price,
            quantity,
            share,
            leverage,
            cumulative_quantity: NonNegative::new("cumulativeQuantity", cum)?,
            average_entry: None,
            notional: out(notional),
            fees_paid: out(self.fees),
            funding: out(funding),
            breakeven: None,
            margin_used: out(self.margin),
            effective_leverage,
            free_margin: out(free_margin),
            liquidation_price: None,
            bankruptcy_price: None,
            tier: None,
            liquidation_distance: None,
            liquidation_beyond_stop: None,
            loss_at_stop: None,
            loss_at_stop_percent: None,
            r: None,
        };
        let Some(e) = entry else { return Ok(row) };
        row.average_entry = Some(Price::new("averageEntry", e)?);
        let toward_entry = plan.side.conservative_liquidation();
        row.breakeven = match v.breakeven_fraction(cum, entry_value, costs, self.exit_fee)? {
            Some((numerator, denominator)) => {
                let rounded = match divide_to_step(numerator, denominator, OUTPUT_STEP, toward_entry) {
                    Some(rounded) => rounded,
                    None => round_dp((calc(numerator) / denominator).get("breakeven")?, OUTPUT_DECIMALS, toward_entry),
                };
                Some(Price::new("breakeven", rounded)?)
            }
            None => None,
        };

        let liq = self.liquidation(cum, e, entry_value)?;
        if let Some(liq) = &liq {
            row.liquidation_price = liq.liquidation_price();
            row.bankruptcy_price = liq.bankruptcy_price();
            row.tier = liq.tier();
        }
        let side = plan.side;
        if let Some(lp) = row.liquidation_price {
            let gap = side.apply(calc(p) - lp.get()).get("liquidationDistance")?;
            row.liquidation_distance = Some(out_ratio(gap, p, "liquidationDistance")?);
        }
        if let Some(stop) = plan.stop {
            let s = stop.get();
            if let Some(lp) = row.liquidation_price {
                let gap = side.apply(calc(s) - lp.get()).get("liquidationBeyondStop")?;
                row.liquidation_beyond_stop = Some(out_ratio(gap, s, "liquidationBeyondStop")?);
            }
            let at_stop = v.value(cum, s).get("lossAtStop")?;
            let loss =
                (-v.pnl_between(entry_value, at_stop) + costs + (calc(at_stop) * self.exit_fee)).get("lossAtStop")?;
            row.loss_at_stop = Some(out(loss));
            if wallet > Decimal::ZERO {
                let percent = (calc(loss) * Decimal::ONE_HUNDRED).get("lossAtStopPercent")?;
                row.loss_at_stop_percent = Some(out_ratio(percent, wallet, "lossAtStopPercent")?);
            }
            if let Some(budget) = self.budget.filter(|b| *b > Decimal::ZERO) {
                row.r = Some(out_ratio(loss, budget, "r")?);
            }
        }
        if liq.is_none() {
            // The wallet does not even cover the maintenance margin at the entry: liquidated as it opens, at the
            // exact average entry.
            let e = self.position.average()?.unwrap_or(e);
            row.liquidation_price = Some(Price::new("liquidationPrice", e)?);
            let gap = side.apply(calc(p) - e).get("liquidationDistance")?;
            row.liquidation_distance = Some(out_ratio(gap, p, "liquidationDistance")?);
        }
        Ok(row)
    }

    /// The exits of the position the tranches built: its exact size, average entry, fees and margin, with the
    /// plan's stop; `None` when the entries place nothing (the ladder's warnings say why).
    fn exits(&self, exits: &ExitPlan) -> Result<Option<ExitReport>> {
        let plan = self.plan;
        let Some(entry) = self.position.average()? else { return Ok(None) };
        let held = Held {
            quantity: self.position.quantity(),
            entry,
            fees: self.fees,
            margin: self.margin,
            stop: plan.stop,
            stop_field: "stop",
        };
        let setup = Setup { margining: margining(plan), funding: plan.funding };
        exit_report(&setup, &held, exits).map(Some)
    }

    /// The liquidation of `quantity` at `entry`; `None` when the margin is below maintenance at the entry itself.
    fn liquidation(&mut self, quantity: Decimal, entry: Decimal, entry_value: Decimal) -> Result<Option<Liquidation>> {
        let plan = self.plan;
        let wallet = match plan.margin_mode {
            MarginMode::Isolated => self.margin,
            MarginMode::Cross => (calc(plan.account.wallet.get()) - self.fees).get("wallet")?,
        };
        let resting = self.resting.map_or(RestingOrders::default(), |(_, resting)| resting);
        let checks = if self.checked { Checks::RestingOnly } else { Checks::All };
        let liquidation = margining(plan).liquidation_resting(quantity, entry, Some(entry_value), wallet, resting, checks)?;
        self.checked = true;
        Ok(liquidation)
    }

    /// The warnings a row raises.
    fn warnings(&self, row: &TrancheRow) -> Result<Vec<Warning>> {
        let plan = self.plan;
        let i = row.index;
        // Messages are for people, who count tranches from 1; the `tranche` field keeps the 0-based index.
        let n = i.saturating_add(1);
        let side = plan.side;
        let mut out = Vec::new();
        if let Some(stop) = plan.stop {
            if side.apply(calc(row.price.get()) - stop.get()).get("stop")? <= Decimal::ZERO {
                let side = if plan.side == Side::Long { "at or below" } else { "at or above" };
                out.push(Warning::on_tranche(
                    i,
                    WarningKind::StopOnWrongSide,
                    message!("tranche ", n, " fills at ", row.price, " ", side, " the stop at ", stop, ": the stop would close it at once"),
                ));
            }
            if let (Some(lp), Some(entry)) = (row.liquidation_price, row.average_entry) {
                let beyond = side.apply(calc(stop.get()) - lp.get());
                let risk = side.apply(calc(entry.get()) - stop.get());
                let (beyond, risk) = (beyond.get("liquidationBeyondStop")?, risk.get("stopDistance")?);
                if beyond <= Decimal::ZERO {
                    out.push(Warning::on_tranche(
                        i,
                        WarningKind::LiquidationBeforeStop,
                        message!("after tranche ", n, " the position is liquidated at ", lp, ", before the stop at ", stop),
                    ));
                } else if risk > Decimal::ZERO && beyond < (calc(risk) * THIN_BUFFER_SHARE).get("stopDistance")? {
                    out.push(Warning::on_tranche(
                        i,
                        WarningKind::ThinMarginBuffer,
                        message!(
                            "after tranche ", n, " liquidation at ", lp,
                            " is less than half the stop distance beyond the stop at ", stop
                        ),
                    ));
                }
            }
        }
        if row.free_margin < Decimal::ZERO {
            out.push(Warning::on_tranche(
                i,
                WarningKind::ThinMarginBuffer,
                message!("after tranche ", n, " the margin used exceeds the account equity by ", row.free_margin.abs()),
            ));
        }
        // MEXC's risk limits are counted in position size, the others' tiers in notional.
        let (measure, what) = match plan.model.tier_basis() {
            TierBasis::PositionSize => (row.cumulative_quantity.get(), "a position of"),
            TierBasis::LiquidationNotional | TierBasis::EntryNotional => (row.notional, "a notional of"),
        };
        if let Some((tier_index, tier)) = plan.instrument.tier_for(measure) {
            if row.leverage > tier.max_leverage {
                out.push(Warning::on_tranche(
                    i,
                    WarningKind::LeverageAboveTierMax,
                    message!(
                        "tranche ", n, " uses ", row.leverage, "x but ", what, " ", measure, " is in tier ",
                        tier_index.saturating_add(1), ", which allows at most ", tier.max_leverage, "x"
                    ),
                ));
            }
        }
        if let (Some(loss), Some(budget)) = (row.loss_at_stop, self.budget) {
            if loss > budget {
                out.push(Warning::on_tranche(
                    i,
                    WarningKind::RiskAboveBudget,
                    message!(
                        "after tranche ", n, " the loss at the stop, ", loss, ", is above the risk budget of ",
                        crate::valuation::out(budget)
                    ),
                ));
            }
        }
        Ok(out)
    }
}


