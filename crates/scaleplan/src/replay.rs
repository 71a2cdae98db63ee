//! Replaying a plan over a price history: bar by bar, which entries fill, which exits close the position, when
//! the stop moves, when the stop or a liquidation ends it, and what the account is worth after every event.
//!
//! [`replay_plan`] takes a [`Plan`], a [`Candles`] series and [`ReplayRules`] and reports every event with its
//! bar, time and price, then the outcome: the position left, realized PnL net of fees and funding, unrealized PnL
//! at the last close, the largest adverse excursion and the largest drawdown of equity.
//!
//! # How a bar is traded
//!
//! A candle says where the price opened, how far it went each way and where it closed, not in which order. The
//! replay walks each bar as a path through its four prices, `open → first extreme → second extreme → close`, and
//! [`Intrabar`] decides which extreme comes first: by default the adverse one (the low for a long), so that a bar
//! touching both a stop and a target counts as stopped. Along each leg, whatever the price reaches first happens
//! first, and the position is re-evaluated after every event.
//!
//! - **Ladder entries** are resting limit orders, all placed at the open of the first replayed bar. A buy limit
//!   fills when the price comes down to it, a sell limit when the price comes up to it, at the limit price; when
//!   the price is already through the limit as the bar opens (a gap, or a limit above the market when placed), it
//!   fills at the open, the better price. This is backtrader's rule (`backtrader/brokers/bbroker.py`,
//!   `_try_exec_limit`: "open smaller/equal than requested - buy cheaper").
//! - **Schedule entries** are market orders sent at their time: each fills at the open of the first bar that
//!   opens at or after it (a bar's time is when it opens, and nothing later than that time is known before it).
//!   Their quantities are the plan's, sized on the plan's own price path; only the fill prices come from the
//!   candles.
//! - **The stop** is a stop-market order on the whole position, active while there is one. It triggers when the
//!   price reaches it and fills at the stop price, or at the open when the bar opens through it, whichever is
//!   worse (backtrader's `_try_exec_stop`: "price penetrated with an open gap - use open"; backtesting.py issue
//!   #521). It pays the taker rate, as [`evaluate_plan`] assumes.
//! - **Liquidation** triggers when the price reaches the liquidation price of the position at that moment (from
//!   [`crate::liquidation`], recomputed after every fill and exit), or at once when the margin does not even cover
//!   the maintenance margin at the entry. The position is closed at its bankruptcy price, where the equity backing
//!   it is zero: the whole isolated margin is lost (cross margin: the whole wallet, less what other positions' PnL
//!   covers), with no closing fee, since what is left above the bankruptcy price goes to the exchange's insurance
//!   fund (Bybit help, "Liquidation Process (USDT Contract)": the position is "closed at the bankruptcy price by
//!   the Liquidation Engine"). Partial liquidation of large positions is not modelled.
//! - **Exits** (the plan's `exits`, see [`crate::scaleout`]) are the steps of the exit report computed on the
//!   position as held: recomputed after every entry fill until the price reaches the first step, then fixed. Each
//!   step waits on the favourable side at its price, in the report's order, and fills like a limit (at its price,
//!   or at the open when the bar opens beyond it) for the quantity the report gives, at the step's maker or taker
//!   rate. When the first step is reached, the entries not yet filled are cancelled: the plan has turned from
//!   scaling in to scaling out.
//! - **Stop moves** (a step's stop rules, de-risking, or a trailing stop following each bar's favourable extreme)
//!   take effect at the open of the next bar, never within the bar that caused them: the bar's path is only a
//!   guess, so the move cannot be assumed to come before the rest of it. The stop only ever tightens.
//! - At one price, entries come first, then a liquidation, then the stop, then exits: a tranche filling at the
//!   price where the stop also triggers is stopped with the rest, the conservative reading.
//! - A stop hit or a liquidation ends the plan: the exchanges cancel the contract's other orders (Bybit, same
//!   page: "Cancel all active orders of this contract"), and a plan whose idea is invalidated places no more. So
//!   does an exit that closes what is left.
//!
//! # Money
//!
//! Amounts are in the margin currency (quote for linear contracts, coin for inverse ones), with the values, PnL
//! and fees of [`evaluate_plan`] ([`crate::valuation`]): entries pay the plan's entry rate (maker for a ladder,
//! taker for a schedule, unless `entryLiquidity` says otherwise) on each fill's value, exits their step's rate and
//! the stop the taker rate. Exits do not move the average entry (Hyperliquid docs, "Entry price and pnl") and
//! release margin in proportion to the quantity they close.
//!
//! Funding, when the plan gives a rate, is exchanged at every multiple of the funding interval since
//! 1970-01-01T00:00Z (8 hours by default: 00:00, 08:00 and 16:00 UTC, as on Binance, whose FAQ "Introduction to
//! Binance Futures Funding Rates" gives `funding amount = nominal value of positions × funding rate`; a positive
//! rate: longs pay). A bar spans from its open to the next bar's open (the last bar as long as the one before
//! it); the position held at the end of the bar, valued at its close, pays or receives for every funding instant
//! in that span. It is booked to realized PnL and does not move the liquidation price.
//!
//! Equity is `wallet + realized PnL + unrealized PnL`. The adverse excursion and the drawdown are measured at
//! every price the path visits: each bar's open, extremes and close, and each event.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::candles::{Candle, Candles};
use crate::error::{Error, Result};
use crate::ladder::{Ladder, Liquidity};
use crate::liquidation::MarginMode;
use crate::num::{calc, round_dp, round_to_step, NonNegative, Price, Round, Side};
use crate::position::Accumulated;
use crate::plan::{evaluate_plan, Plan, OUTPUT_DECIMALS};
use crate::scaleout::{exit_report, ExitReport, ExitStep, Held, Setup, Trail};
use crate::time::{Interval, UtcTime};
use crate::time::format_utc;
use crate::valuation::{out, Margining, Valuation};
use crate::warning::{Warning, WarningKind};

/// The funding interval when [`ReplayRules::funding_interval`] is left out: 8 hours (Binance, Bybit and OKX
/// BTC perpetuals).
pub const DEFAULT_FUNDING_INTERVAL_MS: i64 = 28_800_000;

/// In which order a bar visits its high and low (a candle does not say).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Intrabar {
    /// The adverse extreme first: open → low → high → close for a long, open → high → low → close for a short.
    /// Entries, stops and liquidations on the adverse side happen before any target: the worst case.
    #[default]
    Conservative,
    /// The favourable extreme first: open → high → low → close for a long. The best case, to bracket the
    /// outcome with [`Intrabar::Conservative`].
    Optimistic,
    /// Open → the extreme nearer the open → the farther one → close (a bar that opens near its low most likely
    /// went there first); when both are equally far, the adverse one first.
    NearerFirst,
}

/// How a replay reads the candles: the intrabar order, when to start and the funding interval.
///
/// In JSON: `{"intrabar": "nearerFirst", "start": "2024-08-01T00:00:00Z", "fundingInterval": "8h"}`, every field
/// optional.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ReplayRules {
    /// Which extreme of a bar comes first.
    pub intrabar: Intrabar,
    /// When the plan starts: the replay begins with the first bar that opens at or after it (earlier bars are
    /// skipped) and places the ladder's orders at that bar's open. The first bar when left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<UtcTime>,
    /// Time between funding exchanges; [`DEFAULT_FUNDING_INTERVAL_MS`] when left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub funding_interval: Option<Interval>,
}

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase", tag = "kind")]
pub enum EventKind {
    /// An entry filled: `tranche` is its index in the plan's ladder or schedule (`rungs[i]`).
    Fill {
        /// 0-based tranche index.
        tranche: usize,
    },
    /// An exit step closed part or all of the position: `step` indexes [`ReplayReport::exits`]`.steps` (1 is the
    /// first exit; 0 is the position as held).
    Exit {
        /// Index of the exit step.
        step: usize,
    },
    /// The stop moved, at the open of the bar after the one that moved it; `stop` is where it now is.
    StopMoved {
        /// Where it was; `None` when there was none.
        from: Option<Price>,
    },
    /// The stop closed the whole position.
    StopHit,
    /// The position was liquidated; `price` is where it triggered, the loss is the margin backing it.
    Liquidation,
    /// The candles ran out; `price` is the last close, the position (if any) is still open.
    EndOfData,
}

/// One event of a replay and the account right after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplayEvent {
    /// 0-based index of the candle it happened in.
    pub bar: usize,
    /// That candle's open time (a candle does not say when within it anything happened).
    pub time: UtcTime,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
    /// The plan field behind an exit or a stop move (`targets[1]`, `derisk.then[0]`, `stopRules[0]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Where: the fill price, the stop's fill price, the price that triggered a liquidation, the bar's open for a
    /// stop move, or the last close.
    pub price: Price,
    /// Quantity filled or closed (0 for a stop move and at the end of the data).
    pub quantity: NonNegative,
    /// Fee paid on this event, in the margin currency (negative: a rebate).
    #[serde(with = "crate::text::decimal")]
    pub fee: Decimal,
    /// Closing PnL of this event before fees (for a liquidation: minus the margin lost).
    #[serde(with = "crate::text::decimal")]
    pub pnl: Decimal,
    /// Position size after the event.
    pub position: NonNegative,
    /// Average entry after the event; `None` when flat.
    pub average_entry: Option<Price>,
    /// The stop in force after the event; `None` when flat or when there is none.
    pub stop: Option<Price>,
    /// Liquidation price of the position after the event; `None` when flat or when no price liquidates it.
    pub liquidation_price: Option<Price>,
    /// Realized PnL so far, net of all fees and funding.
    #[serde(with = "crate::text::decimal")]
    pub realized_pnl: Decimal,
    /// Account equity after the event, with the position marked at `price`.
    #[serde(with = "crate::text::decimal")]
    pub equity: Decimal,
}

/// Why the replay ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Ending {
    /// The stop closed the position.
    StopHit,
    /// The position was liquidated.
    Liquidation,
    /// The exits closed the whole position.
    Exited,
    /// The candles ran out first.
    EndOfData,
}

/// What a plan would have done over a price history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplayReport {
    /// Every event in the order it happened, ending with [`EventKind::EndOfData`].
    pub events: Vec<ReplayEvent>,
    /// Why the plan ended.
    pub ending: Ending,
    /// How many candles were replayed (from the start on).
    pub bars: usize,
    /// The plan's placed quantity (its rungs as the exchange would take them).
    pub planned_quantity: NonNegative,
    /// The quantity the entries filled.
    pub filled_quantity: NonNegative,
    /// Tranches with a quantity that never filled, by index.
    pub unfilled: Vec<usize>,
    /// Soft problems met on the way, each naming the bar.
    pub warnings: Vec<Warning>,
    /// The exit steps the replay worked from: computed on the position held when the price reached the first
    /// step, or on the last position built if it never did; `None` without exits or without a position.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exits: Option<ExitReport>,
    /// Position left at the end.
    pub final_quantity: NonNegative,
    /// Its average entry; `None` when flat.
    pub average_entry: Option<Price>,
    /// All fees paid (entries and exits), in the margin currency.
    #[serde(with = "crate::text::decimal")]
    pub fees: Decimal,
    /// All funding paid (negative: received).
    #[serde(with = "crate::text::decimal")]
    pub funding: Decimal,
    /// Closing PnL minus fees and funding.
    #[serde(with = "crate::text::decimal")]
    pub realized_pnl: Decimal,
    /// PnL of the open position at the last close.
    #[serde(with = "crate::text::decimal")]
    pub unrealized_pnl: Decimal,
    /// The last close.
    pub last_close: Price,
    /// Wallet + realized + unrealized PnL at the last close.
    #[serde(with = "crate::text::decimal")]
    pub final_equity: Decimal,
    /// The largest unrealized loss the position showed at any point (0 if it never showed one), before fees.
    #[serde(with = "crate::text::decimal")]
    pub max_adverse_excursion: Decimal,
    /// The largest fall of equity from a previous peak.
    #[serde(with = "crate::text::decimal")]
    pub max_drawdown: Decimal,
    /// That fall as a percentage of the peak it fell from; `None` when the peak was not above 0 (or so small that
    /// the percentage leaves the decimal range).
    #[serde(with = "crate::text::decimal_option")]
    pub max_drawdown_percent: Option<Decimal>,
}

/// Replays `plan` over `candles` under `rules`.
///
/// The candles' length is bounded by [`Candles`] itself (at most [`crate::candles::MAX_CANDLES`]), and the work
/// per candle by the plan's rungs and exit steps, so every input finishes in bounded time and memory.
///
/// ```
/// use scaleplan::candles::parse;
/// use scaleplan::replay::{replay_plan, Ending, EventKind, ReplayRules};
/// let plan: scaleplan::Plan = serde_json::from_str(include_str!("../data/examples/guide-btc-ladder.json"))
///     .map_err(|e| scaleplan::Error::invalid("plan", e.to_string()))?;
/// // Day 1 dips to 63,900: the 65,000 and 64,000 rungs fill. Day 2 falls through 60,000: the stop.
/// let candles = parse("time,open,high,low,close\n2024-05-01,65500,65800,63900,64500\n2024-05-02,64500,64600,59000,59500\n")?;
/// let report = replay_plan(&plan, &candles, &ReplayRules::default())?;
/// let kinds: Vec<EventKind> = report.events.iter().map(|e| e.kind).collect();
/// assert_eq!(kinds[..2], [EventKind::Fill { tranche: 0 }, EventKind::Fill { tranche: 1 }]);
/// assert_eq!(report.ending, Ending::StopHit);
/// # Ok::<(), scaleplan::Error>(())
/// ```
///
/// # Errors
/// The errors of [`evaluate_plan`] with their fields under `plan` (`plan.entries.ladder.total`);
/// [`Error::Invalid`] on `rules.start` when no candle opens at or after it; [`Error::Overflow`] naming the candle
/// (`candles[17].equity`) when the numbers leave the decimal range.
pub fn replay_plan(plan: &Plan, candles: &Candles, rules: &ReplayRules) -> Result<ReplayReport> {
    let report = evaluate_plan(plan).map_err(|e| e.within("plan"))?;
    let bars = candles.as_slice();
    let first = match rules.start {
        Some(start) => bars.partition_point(|c| c.time() < start.millis()),
        None => 0,
    };
    let last = bars.last().ok_or_else(|| Error::invalid("candles", "must hold at least one candle"))?;
    if first >= bars.len() {
        return Err(Error::invalid(
            "rules.start",
            format!("is after the last candle ({}); start earlier or give later candles", format_utc(last.time())),
        ));
    }
    let mut replay = Replay::new(plan, rules, &report.ladder);
    for (index, candle) in bars.iter().enumerate().skip(first) {
        if replay.ending.is_some() {
            break;
        }
        let next = bars.get(index.saturating_add(1)).map(Candle::time);
        let previous = index.checked_sub(1).and_then(|i| bars.get(i)).map(Candle::time);
        replay.bar(index, candle, span_end(candle.time(), next, previous)).map_err(|e| at_candle(e, index))?;
    }
    let last_index = bars.len().saturating_sub(1);
    replay.finish(last_index, last, bars.len().saturating_sub(first)).map_err(|e| at_candle(e, last_index))
}

/// Places an error met while replaying candle `index` under `candles[index]`.
fn at_candle(error: Error, index: usize) -> Error {
    error.within(&format!("candles[{index}]"))
}

/// When the bar opening at `time` ends, for funding: the next bar's open, or for the last bar as long after its
/// open as the bar before it lasted; `None` for a lone bar.
fn span_end(time: i64, next: Option<i64>, previous: Option<i64>) -> Option<i64> {
    next.or_else(|| previous.and_then(|p| time.checked_sub(p)).and_then(|length| time.checked_add(length)))
}

fn time_of(candle: &Candle) -> Result<UtcTime> {
    UtcTime::from_millis("time", candle.time())
}

/// The bar an event happens in.
#[derive(Debug, Clone, Copy)]
struct When {
    bar: usize,
    time: UtcTime,
}

/// An entry order waiting to fill.
#[derive(Debug, Clone, Copy)]
struct Order {
    tranche: usize,
    /// Limit price; unused for schedule entries, which fill at a bar's open.
    price: Decimal,
    quantity: Decimal,
    leverage: Decimal,
    /// When a schedule entry is due; `None` for a resting limit.
    due: Option<i64>,
}

/// What the replay knows about liquidating the position.
#[derive(Debug, Clone, Copy)]
enum Liquidating {
    /// Flat, or no positive price liquidates the position.
    Never,
    /// Liquidated when the price reaches `trigger`; `loss` is the margin lost.
    At { trigger: Decimal, loss: Decimal },
    /// The margin does not cover the maintenance margin at the entry: liquidated at the current price.
    Now { loss: Decimal },
}

/// What can happen next along a leg of a bar, in their priority at one price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trigger {
    Entry,
    Liquidation,
    Stop,
    Exit,
}

/// A stop move waiting for the next bar, with the rule behind it.
#[derive(Debug, Clone)]
struct PendingStop {
    to: Decimal,
    rule: Option<String>,
}

/// The running replay.
struct Replay<'a> {
    plan: &'a Plan,
    side: Side,
    valuation: Valuation,
    intrabar: Intrabar,
    funding_interval: i64,
    entry_fee: Decimal,
    wallet: Decimal,
    planned: Decimal,
    /// Resting limits in the order the price reaches them (highest first for a long), ties by tranche.
    limits: Vec<Order>,
    next_limit: usize,
    /// Schedule entries by due time.
    timed: Vec<Order>,
    next_timed: usize,
    /// The exit report on the position as held, while exits are planned.
    exits: Option<ExitReport>,
    /// The next exit step (an index into the report's steps; 0 is the position as held, so exits start at 1).
    next_step: usize,
    /// Whether the price has reached the first exit step (entries are then cancelled and the report fixed).
    scaling_out: bool,
    stop: Option<Decimal>,
    pending_stop: Option<PendingStop>,
    trail: Option<(Trail, Option<String>)>,
    /// The position held, scaled down on exits (the average entry stays).
    position: Accumulated,
    entry: Decimal,
    margin: Decimal,
    liquidating: Liquidating,
    filled: Decimal,
    filled_tranches: Vec<usize>,
    fees: Decimal,
    funding: Decimal,
    closed_pnl: Decimal,
    peak: Decimal,
    max_drawdown: Decimal,
    drawdown_peak: Decimal,
    max_adverse: Decimal,
    events: Vec<ReplayEvent>,
    warnings: Vec<Warning>,
    ending: Option<Ending>,
}

impl<'a> Replay<'a> {
    fn new(plan: &'a Plan, rules: &ReplayRules, ladder: &Ladder) -> Self {
        let entry_fee = plan.entry_fee();
        let mut limits = Vec::new();
        let mut timed = Vec::new();
        for rung in ladder.rungs().iter().filter(|r| r.quantity().get() > Decimal::ZERO) {
            let order = Order {
                tranche: rung.index(),
                price: rung.price().get(),
                quantity: rung.quantity().get(),
                leverage: rung.leverage().unwrap_or(plan.leverage).get(),
                due: rung.time().map(UtcTime::millis),
            };
            if order.due.is_some() {
                timed.push(order);
            } else {
                limits.push(order);
            }
        }
        // Stable sorts: equal prices and times keep the plan's order.
        match plan.side {
            Side::Long => crate::order::sort_stable_by_key(&mut limits, |o| std::cmp::Reverse(o.price)),
            Side::Short => crate::order::sort_stable_by_key(&mut limits, |o| o.price),
        }
        crate::order::sort_stable_by_key(&mut timed, |o| o.due);
        let wallet = plan.account.wallet.get();
        Self {
            plan,
            side: plan.side,
            valuation: Valuation { contract: plan.instrument.contract, side: plan.side },
            intrabar: rules.intrabar,
            funding_interval: rules.funding_interval.map_or(DEFAULT_FUNDING_INTERVAL_MS, Interval::millis),
            entry_fee,
            wallet,
            planned: ladder.placed().get(),
            events: Vec::with_capacity(limits.len().saturating_add(timed.len()).saturating_add(2)),
            limits,
            next_limit: 0,
            timed,
            next_timed: 0,
            exits: None,
            next_step: 1,
            scaling_out: false,
            stop: plan.stop.map(Price::get),
            pending_stop: None,
            trail: None,
            position: Accumulated::new(plan.instrument.contract, "position"),
            entry: Decimal::ZERO,
            margin: Decimal::ZERO,
            liquidating: Liquidating::Never,
            filled: Decimal::ZERO,
            filled_tranches: Vec::new(),
            fees: Decimal::ZERO,
            funding: Decimal::ZERO,
            closed_pnl: Decimal::ZERO,
            peak: wallet,
            max_drawdown: Decimal::ZERO,
            drawdown_peak: wallet,
            max_adverse: Decimal::ZERO,
            warnings: Vec::new(),
            ending: None,
        }
    }

    /// Trades one bar: a stop move left by the bar before, its open, each leg of its path, funding for its span,
    /// and the trailing stop for the next bar.
    fn bar(&mut self, index: usize, candle: &Candle, span_end: Option<i64>) -> Result<()> {
        let when = When { bar: index, time: time_of(candle)? };
        let open = candle.open().get();
        self.mark(open)?;
        self.move_stop(when, open)?;
        while let Some(order) =
            self.timed.get(self.next_timed).copied().filter(|o| o.due.is_some_and(|due| due <= candle.time()))
        {
            self.next_timed = self.next_timed.saturating_add(1);
            self.fill(when, order, open)?;
            self.mark(open)?;
        }
        let mut at = open;
        for vertex in self.path(candle)? {
            self.travel(when, at, vertex)?;
            self.mark(vertex)?;
            at = vertex;
        }
        if let Some(end) = span_end {
            self.accrue_funding(candle, end)?;
            self.mark(candle.close().get())?;
        }
        self.trail_stop(candle)
    }

    /// Whether the adverse extreme comes first in this bar.
    fn adverse_first(&self, candle: &Candle) -> Result<bool> {
        Ok(match self.intrabar {
            Intrabar::Conservative => true,
            Intrabar::Optimistic => false,
            Intrabar::NearerFirst => {
                let (open, high, low) = (candle.open().get(), candle.high().get(), candle.low().get());
                let below = (calc(open) - low).get("open")?;
                let above = (calc(high) - open).get("open")?;
                match self.side {
                    Side::Long => below <= above,
                    Side::Short => above <= below,
                }
            }
        })
    }

    /// The bar's adverse and favourable extremes: (low, high) for a long, (high, low) for a short.
    fn extremes(&self, candle: &Candle) -> (Decimal, Decimal) {
        match self.side {
            Side::Long => (candle.low().get(), candle.high().get()),
            Side::Short => (candle.high().get(), candle.low().get()),
        }
    }

    /// The prices a bar visits: its open, both extremes in the [`Intrabar`] order, its close.
    fn path(&self, candle: &Candle) -> Result<[Decimal; 4]> {
        let (adverse, favourable) = self.extremes(candle);
        let (first, second) = if self.adverse_first(candle)? { (adverse, favourable) } else { (favourable, adverse) };
        Ok([candle.open().get(), first, second, candle.close().get()])
    }

    /// Moves the price from `from` to `to`, applying every event on the way in the order the price meets them.
    fn travel(&mut self, when: When, from: Decimal, to: Decimal) -> Result<()> {
        let mut at = from;
        // Each pass fills an entry, takes an exit step or ends the plan, so the loop is bounded by their number.
        while self.ending.is_none() {
            let Some((trigger, price)) = self.next_trigger(at, to)? else { break };
            self.mark(price)?;
            match trigger {
                Trigger::Entry => {
                    let order = self.limits.get(self.next_limit).copied();
                    self.next_limit = self.next_limit.saturating_add(1);
                    if let Some(order) = order {
                        self.fill(when, order, price)?;
                    }
                }
                Trigger::Stop => self.stop_out(when, price)?,
                Trigger::Liquidation => self.liquidate(when, price)?,
                Trigger::Exit => self.exit(when, price)?,
            }
            self.mark(price)?;
            at = price;
        }
        Ok(())
    }

    /// The exit step waiting next, if the position has one.
    fn next_exit(&self) -> Option<&ExitStep> {
        if self.position.quantity().is_zero() {
            return None;
        }
        self.exits.as_ref().and_then(|report| report.steps.get(self.next_step))
    }

    /// The first thing the price meets going from `at` to `to`, and the price where it happens.
    fn next_trigger(&self, at: Decimal, to: Decimal) -> Result<Option<(Trigger, Decimal)>> {
        // A long's entries, stop and liquidation wait below the price and its exits above; a short's the reverse.
        let below = self.side == Side::Long;
        let mut best: Option<(Decimal, Trigger, Decimal)> = None;
        let mut consider = |trigger: Trigger, hit: Option<Decimal>| -> Result<()> {
            if let Some(price) = hit {
                let distance = (calc(price) - at).abs().get("price")?;
                if best.is_none_or(|(nearest, _, _)| distance < nearest) {
                    best = Some((distance, trigger, price));
                }
            }
            Ok(())
        };
        // Considered in priority order: at equal distance the earlier one stays.
        if let Some(order) = self.limits.get(self.next_limit) {
            consider(Trigger::Entry, reach(at, to, order.price, below))?;
        }
        if self.position.quantity() > Decimal::ZERO {
            match self.liquidating {
                Liquidating::At { trigger, .. } => consider(Trigger::Liquidation, reach(at, to, trigger, below))?,
                Liquidating::Now { .. } => consider(Trigger::Liquidation, Some(at))?,
                Liquidating::Never => {}
            }
            if let Some(stop) = self.stop {
                consider(Trigger::Stop, reach(at, to, stop, below))?;
            }
        }
        if let Some(step) = self.next_exit() {
            consider(Trigger::Exit, reach(at, to, step.price.get(), !below))?;
        }
        Ok(best.map(|(_, trigger, price)| (trigger, price)))
    }

    fn unrealized(&self, price: Decimal) -> Result<Decimal> {
        if self.position.quantity().is_zero() {
            return Ok(Decimal::ZERO);
        }
        self.valuation.pnl(self.position.quantity(), self.entry, price).get("unrealizedPnl")
    }

    fn realized(&self) -> Result<Decimal> {
        (calc(self.closed_pnl) - self.fees - self.funding).get("realizedPnl")
    }

    fn equity(&self, price: Decimal) -> Result<Decimal> {
        (calc(self.wallet) + self.realized()? + self.unrealized(price)?).get("equity")
    }

    /// Records the adverse excursion and the drawdown with the price at `price`.
    fn mark(&mut self, price: Decimal) -> Result<()> {
        let unrealized = self.unrealized(price)?;
        let adverse = (-calc(unrealized)).get("maxAdverseExcursion")?;
        if adverse > self.max_adverse {
            self.max_adverse = adverse;
        }
        let equity = (calc(self.wallet) + self.realized()? + unrealized).get("equity")?;
        if equity > self.peak {
            self.peak = equity;
        }
        let drawdown = (calc(self.peak) - equity).get("drawdown")?;
        if drawdown > self.max_drawdown {
            self.max_drawdown = drawdown;
            self.drawdown_peak = self.peak;
        }
        Ok(())
    }

    fn fill(&mut self, when: When, order: Order, price: Decimal) -> Result<()> {
        let q = order.quantity;
        let value = self.valuation.value(q, price).get("value")?;
        let fee = (calc(value) * self.entry_fee).get("fee")?;
        self.margin = (calc(value) / order.leverage + self.margin).get("marginUsed")?;
        self.position.add(q, price)?;
        self.entry = self.position.average()?.unwrap_or(Decimal::ZERO);
        self.filled = (calc(self.filled) + q).get("filledQuantity")?;
        self.filled_tranches.push(order.tranche);
        self.fees = (calc(self.fees) + fee).get("fees")?;
        self.liquidating = self.liquidation()?;
        self.plan_exits(when)?;
        let event = self.event(when, EventKind::Fill { tranche: order.tranche }, price);
        self.record(event, q, fee, Decimal::ZERO)
    }

    /// The exit report on the position as now held, until the first exit step is reached. When the exit plan does
    /// not fit the position (a fill at a gap put the average entry beyond the stop that R is measured from), no
    /// exit waits until the next fill, with a warning.
    fn plan_exits(&mut self, when: When) -> Result<()> {
        let Some(exits) = &self.plan.exits else { return Ok(()) };
        if self.scaling_out {
            return Ok(());
        }
        let held = Held {
            quantity: self.position.quantity(),
            entry: self.entry,
            fees: self.fees,
            margin: self.margin,
            stop: self.stop.map(|s| Price::new("stop", s)).transpose()?,
            stop_field: "stop",
        };
        let setup = Setup { margining: self.margining(), funding: self.plan.funding };
        self.next_step = 1;
        match exit_report(&setup, &held, exits) {
            Ok(report) => self.exits = Some(report),
            Err(e @ Error::Invalid { .. }) => {
                self.exits = None;
                self.warnings.push(Warning::new(
                    WarningKind::ExitsNotPlanned,
                    format!(
                        "candles[{}] ({}): no exit is planned on the {} held at an average of {}: {e}",
                        when.bar,
                        when.time,
                        self.position.quantity().normalize(),
                        out(self.entry)
                    ),
                ));
            }
            Err(e) => return Err(e.within("plan")),
        }
        Ok(())
    }

    fn margining(&self) -> Margining<'a> {
        crate::plan::margining(self.plan)
    }

    /// Takes the next exit step at `price`: closes its quantity, and leaves its stop for the next bar.
    fn exit(&mut self, when: When, price: Decimal) -> Result<()> {
        let Some(step) = self.next_exit().cloned() else { return Ok(()) };
        self.next_step = self.next_step.saturating_add(1);
        if !self.scaling_out {
            // Scaling out has begun: the entries still waiting are cancelled.
            self.scaling_out = true;
            self.next_limit = self.limits.len();
            self.next_timed = self.timed.len();
        }
        let q = step.quantity.get().min(self.position.quantity());
        let tightens = match (step.stop, self.pending_stop.as_ref().map(|p| p.to).or(self.stop)) {
            (Some(to), Some(current)) => self.ahead(to.get(), current)?,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if let (true, Some(to)) = (tightens, step.stop) {
            self.pending_stop = Some(PendingStop { to: to.get(), rule: step.rule.clone() });
        }
        if step.trail.is_some() && self.trail.as_ref().map(|(t, _)| *t) != step.trail {
            self.trail = step.trail.map(|t| (t, step.rule.clone()));
        }
        if q.is_zero() {
            // A step that only moves the stop (an R-triggered rule), or whose share floored to nothing.
            return Ok(());
        }
        let rate = self.plan.instrument.fee(step.liquidity.unwrap_or(Liquidity::Taker));
        let pnl = self.valuation.pnl(q, self.entry, price).get("pnl")?;
        let fee = (self.valuation.value(q, price) * rate).get("fee")?;
        let rest = (calc(self.position.quantity()) - q).get("position")?;
        if rest.is_zero() {
            self.close(pnl, fee)?;
            self.ending = Some(Ending::Exited);
        } else {
            // Margin is released and the weights scaled with the quantity; the average entry stays.
            let kept = (calc(rest) / self.position.quantity()).get("position")?;
            self.margin = (calc(self.margin) * kept).get("marginUsed")?;
            self.position.keep(rest)?;
            self.closed_pnl = (calc(self.closed_pnl) + pnl).get("realizedPnl")?;
            self.fees = (calc(self.fees) + fee).get("fees")?;
            self.liquidating = self.liquidation()?;
        }
        let mut event = self.event(when, EventKind::Exit { step: step.index }, price);
        event.rule = step.rule;
        self.record(event, q, fee, pnl)
    }

    /// `side·(a − b) > 0`: `a` is on the favourable side of `b` (a tighter stop).
    fn ahead(&self, a: Decimal, b: Decimal) -> Result<bool> {
        Ok(((calc(a) - b) * self.side.sign()).get("stop")? > Decimal::ZERO)
    }

    /// Applies, at the bar's open, a stop move the previous bar left.
    fn move_stop(&mut self, when: When, open: Decimal) -> Result<()> {
        let Some(pending) = self.pending_stop.take() else { return Ok(()) };
        if self.position.quantity().is_zero() || self.ending.is_some() {
            return Ok(());
        }
        let from = self.stop.map(|s| Price::new("stop", s)).transpose()?;
        self.stop = Some(pending.to);
        let mut event = self.event(when, EventKind::StopMoved { from }, open);
        event.rule = pending.rule;
        self.record(event, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO)
    }

    /// After a bar, trails the stop behind its favourable extreme, for the next bar, when that tightens it.
    fn trail_stop(&mut self, candle: &Candle) -> Result<()> {
        let Some((trail, rule)) = self.trail.clone() else { return Ok(()) };
        if self.position.quantity().is_zero() || self.ending.is_some() {
            return Ok(());
        }
        let (_, favourable) = self.extremes(candle);
        let level = trail.behind(favourable, self.side)?;
        let proposed = round_to_step(level, self.plan.instrument.tick_size.get(), Round::Nearest, "stop")?;
        let current = self.pending_stop.as_ref().map(|p| p.to).or(self.stop);
        let tighter = match current {
            Some(current) => self.ahead(proposed, current)?,
            None => true,
        };
        if proposed > Decimal::ZERO && tighter {
            self.pending_stop = Some(PendingStop { to: proposed, rule });
        }
        Ok(())
    }

    /// Closes the whole position at `price` through the stop.
    fn stop_out(&mut self, when: When, price: Decimal) -> Result<()> {
        let q = self.position.quantity();
        let pnl = self.valuation.pnl(q, self.entry, price).get("pnl")?;
        let fee = (self.valuation.value(q, price) * self.plan.instrument.taker_fee.get()).get("fee")?;
        self.close(pnl, fee)?;
        self.ending = Some(Ending::StopHit);
        let event = self.event(when, EventKind::StopHit, price);
        self.record(event, q, fee, pnl)
    }

    /// Closes the whole position at its bankruptcy price: the margin backing it is lost.
    fn liquidate(&mut self, when: When, price: Decimal) -> Result<()> {
        let q = self.position.quantity();
        let loss = match self.liquidating {
            Liquidating::At { loss, .. } | Liquidating::Now { loss } => loss,
            Liquidating::Never => Decimal::ZERO,
        };
        let pnl = (-calc(loss)).get("pnl")?;
        self.close(pnl, Decimal::ZERO)?;
        self.ending = Some(Ending::Liquidation);
        let event = self.event(when, EventKind::Liquidation, price);
        self.record(event, q, Decimal::ZERO, pnl)
    }

    fn close(&mut self, pnl: Decimal, fee: Decimal) -> Result<()> {
        self.closed_pnl = (calc(self.closed_pnl) + pnl).get("realizedPnl")?;
        self.fees = (calc(self.fees) + fee).get("fees")?;
        self.position.keep(Decimal::ZERO)?;
        self.entry = Decimal::ZERO;
        self.margin = Decimal::ZERO;
        self.liquidating = Liquidating::Never;
        self.pending_stop = None;
        Ok(())
    }

    /// The liquidation of the position as it now stands: [`evaluate_plan`]'s inputs, with the cross wallet moved
    /// by what has been realized.
    fn liquidation(&self) -> Result<Liquidating> {
        if self.position.quantity().is_zero() {
            return Ok(Liquidating::Never);
        }
        let account = &self.plan.account;
        let (wallet, others_pnl) = match self.plan.margin_mode {
            MarginMode::Isolated => (self.margin, Decimal::ZERO),
            MarginMode::Cross => (
                (calc(self.wallet) + self.realized()?).get("wallet")?,
                account.other_unrealized_pnl.unwrap_or(Decimal::ZERO),
            ),
        };
        let wallet = wallet.max(Decimal::ZERO);
        // The equity backing the position is zero at the bankruptcy price: all of this is lost there.
        let loss = (calc(wallet) + others_pnl).get("liquidation")?.max(Decimal::ZERO);
        let liquidation =
            self.margining().liquidation(self.position.quantity(), self.entry, wallet).map_err(|e| e.within("liquidation"))?;
        Ok(match liquidation {
            Some(l) => match l.liquidation_price() {
                Some(trigger) => Liquidating::At { trigger: trigger.get(), loss },
                None => Liquidating::Never,
            },
            None => Liquidating::Now { loss },
        })
    }

    /// Funding for every funding instant in `(open, end]`, on the position held at the close.
    fn accrue_funding(&mut self, candle: &Candle, end: i64) -> Result<()> {
        let Some(funding) = self.plan.funding else { return Ok(()) };
        if self.position.quantity().is_zero() || funding.rate.get().is_zero() {
            return Ok(());
        }
        let instants = |t: i64| t.checked_div_euclid(self.funding_interval);
        let count = match (instants(end), instants(candle.time())) {
            (Some(e), Some(s)) => e.checked_sub(s).unwrap_or(0),
            _ => 0,
        };
        if count <= 0 {
            return Ok(());
        }
        let paid = (self.valuation.value(self.position.quantity(), candle.close().get())
            * funding.rate.get()
            * self.side.sign()
            * Decimal::from(count))
        .get("funding")?;
        self.funding = (calc(self.funding) + paid).get("funding")?;
        Ok(())
    }

    /// An event of `kind` at `price`, its amounts still to be filled in by [`Replay::record`].
    fn event(&self, when: When, kind: EventKind, price: Decimal) -> Draft {
        Draft { when, kind, price, rule: None }
    }

    /// Appends an event with the account as it now stands.
    fn record(&mut self, draft: Draft, quantity: Decimal, fee: Decimal, pnl: Decimal) -> Result<()> {
        let price = draft.price;
        let flat = self.position.quantity().is_zero();
        let event = ReplayEvent {
            bar: draft.when.bar,
            time: draft.when.time,
            kind: draft.kind,
            rule: draft.rule,
            price: Price::new("price", price)?,
            quantity: NonNegative::new("quantity", quantity)?,
            fee: out(fee),
            pnl: out(pnl),
            position: NonNegative::new("position", self.position.quantity())?,
            average_entry: self.average_entry()?,
            stop: if flat { None } else { self.stop.map(|s| Price::new("stop", s)).transpose()? },
            liquidation_price: match self.liquidating {
                Liquidating::At { trigger, .. } => Some(Price::new("liquidationPrice", trigger)?),
                Liquidating::Now { .. } => Some(Price::new("liquidationPrice", price)?),
                Liquidating::Never => None,
            },
            realized_pnl: out(self.realized()?),
            equity: out(self.equity(price)?),
        };
        self.events.push(event);
        Ok(())
    }

    fn average_entry(&self) -> Result<Option<Price>> {
        if self.position.quantity().is_zero() {
            return Ok(None);
        }
        // A price too small for the output's places (below 0.000000005) is shown exactly rather than as 0.
        let rounded = round_dp(self.entry, OUTPUT_DECIMALS, Round::Nearest);
        Price::new("averageEntry", if rounded > Decimal::ZERO { rounded } else { self.entry }).map(Some)
    }

    /// The end-of-data event and the outcome.
    fn finish(mut self, index: usize, last: &Candle, bars: usize) -> Result<ReplayReport> {
        let close = last.close().get();
        let event = self.event(When { bar: index, time: time_of(last)? }, EventKind::EndOfData, close);
        self.record(event, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO)?;
        self.filled_tranches.sort_unstable();
        let mut unfilled: Vec<usize> = self
            .limits
            .iter()
            .chain(&self.timed)
            .map(|o| o.tranche)
            .filter(|t| self.filled_tranches.binary_search(t).is_err())
            .collect();
        unfilled.sort_unstable();
        let unrealized = self.unrealized(close)?;
        let max_drawdown_percent = if self.drawdown_peak > Decimal::ZERO {
            (calc(self.max_drawdown) * Decimal::ONE_HUNDRED / self.drawdown_peak).ok().map(out)
        } else {
            None
        };
        Ok(ReplayReport {
            ending: self.ending.unwrap_or(Ending::EndOfData),
            bars,
            planned_quantity: NonNegative::new("plannedQuantity", self.planned)?,
            filled_quantity: NonNegative::new("filledQuantity", self.filled)?,
            unfilled,
            warnings: std::mem::take(&mut self.warnings),
            final_quantity: NonNegative::new("finalQuantity", self.position.quantity())?,
            average_entry: self.average_entry()?,
            fees: out(self.fees),
            funding: out(self.funding),
            realized_pnl: out(self.realized()?),
            unrealized_pnl: out(unrealized),
            last_close: last.close(),
            final_equity: out(self.equity(close)?),
            max_adverse_excursion: out(self.max_adverse),
            max_drawdown: out(self.max_drawdown),
            max_drawdown_percent,
            exits: self.exits,
            events: self.events,
        })
    }
}

/// An event before the account's figures are added.
struct Draft {
    when: When,
    kind: EventKind,
    price: Decimal,
    rule: Option<String>,
}

/// Where a price moving from `at` to `to` first meets an order at `level` that waits `below` the price (a long's
/// buy limit, stop or liquidation) or above it (a long's exits): `at` itself when it is already there or through
/// (a gap), `level` when the move reaches it, `None` when it does not.
fn reach(at: Decimal, to: Decimal, level: Decimal, below: bool) -> Option<Decimal> {
    let (through_now, reached) = if below { (at <= level, to <= level) } else { (at >= level, to >= level) };
    if through_now {
        Some(at)
    } else if reached {
        Some(level)
    } else {
        None
    }
}
