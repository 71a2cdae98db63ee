//! Walking the book: a market order's fills and slippage, a lump sum against tranches under an explicit refill
//! assumption, and the largest order that stays within a slippage budget.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::impact::book::{BookSide, BookWarning, Layout, Level, OrderBook, ParsedBook};
use crate::num::{calc, parse_decimal, round_dp, round_to_step, sum, NonNegative, Price, Quantity, Round, Side};
use crate::position::Fill;

/// Most tranches one comparison may split an order into.
pub const MAX_TRANCHES: usize = 1_000;

/// Basis points in one: 1 bp = 0.01 %.
const BPS: Decimal = Decimal::from_parts(10_000, 0, 0, false, 0);

/// Which way a market order trades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum OrderSide {
    /// Takes the asks, lowest price first.
    Buy,
    /// Takes the bids, highest price first.
    Sell,
}

impl OrderSide {
    /// The order that opens (scales into) a position on `side`: buy for a long, sell for a short.
    pub fn opening(side: Side) -> Self {
        match side {
            Side::Long => Self::Buy,
            Side::Short => Self::Sell,
        }
    }

    /// The order that closes (scales out of) a position on `side`.
    pub fn closing(side: Side) -> Self {
        Self::opening(side.opposite())
    }

    /// The side of the book this order takes.
    pub fn takes(self) -> BookSide {
        match self {
            Self::Buy => BookSide::Asks,
            Self::Sell => BookSide::Bids,
        }
    }

    /// +1 for a buy (a higher price is worse), -1 for a sell (a lower price is worse).
    fn sign(self) -> Decimal {
        match self {
            Self::Buy => Decimal::ONE,
            Self::Sell => Decimal::NEGATIVE_ONE,
        }
    }
}

/// The price slippage is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Benchmark {
    /// The best price on the side taken (best ask for a buy, best bid for a sell): the cost of walking the book.
    #[default]
    Best,
    /// The mid price: walking the book plus half the spread.
    Mid,
}

/// One market order's outcome on a book. Slippage is measured against the book as it was before the first order
/// of a comparison (the arrival price), so the tranches of a comparison and its lump sum share one yardstick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Execution {
    /// Quantity asked for.
    pub requested: Quantity,
    /// Quantity filled.
    #[serde(with = "crate::text::decimal")]
    pub filled: Decimal,
    /// Quantity left unfilled because the book ran out (0 when the order filled).
    #[serde(with = "crate::text::decimal")]
    pub unfilled: Decimal,
    /// Quote value of the fills, `Σ price × quantity` (contracts × price for contract-sized books).
    #[serde(with = "crate::text::decimal")]
    pub notional: Decimal,
    /// Volume-weighted average fill price, `notional / filled`; `None` when nothing filled.
    pub average_price: Option<Price>,
    /// Best price filled.
    pub first_price: Option<Price>,
    /// Worst price filled: the deepest level the order reached.
    pub worst_price: Option<Price>,
    /// `side × (average − best) / best × 10,000` against the arrival best price; never negative.
    #[serde(with = "crate::text::decimal_option")]
    pub slippage_bps: Option<Decimal>,
    /// `side × (average − mid) / mid × 10,000` against the arrival mid; includes half the spread. `None` when the
    /// book has only one side.
    #[serde(with = "crate::text::decimal_option")]
    pub slippage_vs_mid_bps: Option<Decimal>,
    /// The fills, one per price level, best price first.
    pub fills: Vec<Fill>,
}

/// How the book refills between tranches: the part of the impact that is temporary.
///
/// After each tranche, every level recovers a share of what is missing from it (its size as pasted minus what is
/// resting now); the walk then starts again from the best level. Real books refill at a speed that depends on the
/// market and the time between tranches, which is why it is an assumption for the trader to set, not a constant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", deny_unknown_fields)]
pub enum Refill {
    /// Nothing comes back: each tranche eats what the earlier ones left, so tranches pay what the lump sum pays
    /// (all impact is permanent).
    None,
    /// The book is restored before each tranche (all impact is temporary): every tranche meets the book as pasted.
    Full,
    /// Each level recovers `rate` of what is missing from it before the next tranche.
    Fraction {
        /// Share recovered, from 0 to 1.
        rate: RefillRate,
    },
}

impl Refill {
    fn rate(self) -> Decimal {
        match self {
            Self::None => Decimal::ZERO,
            Self::Full => Decimal::ONE,
            Self::Fraction { rate } => rate.get(),
        }
    }
}

/// A share of consumed liquidity that comes back between tranches: from 0 to 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RefillRate(Decimal);

impl RefillRate {
    /// A rate if `value` is from 0 to 1.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming `field` otherwise.
    pub fn new(field: &str, value: Decimal) -> Result<Self> {
        if (Decimal::ZERO..=Decimal::ONE).contains(&value) {
            Ok(Self(value.normalize()))
        } else {
            Err(Error::invalid(field, "must be a fraction from 0 to 1 (0.5 is half the consumed size)"))
        }
    }

    /// The exact value.
    pub fn get(self) -> Decimal {
        self.0
    }
}

impl TryFrom<String> for RefillRate {
    type Error = Error;
    fn try_from(text: String) -> Result<Self> {
        Self::new("", parse_decimal("", &text)?)
    }
}

impl FromStr for RefillRate {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self> {
        Self::new("", parse_decimal("", text)?)
    }
}

impl From<RefillRate> for String {
    fn from(rate: RefillRate) -> String {
        rate.0.to_string()
    }
}

impl fmt::Display for RefillRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// How a total is split into tranches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", deny_unknown_fields)]
pub enum Tranches {
    /// `count` tranches of equal size (see [`split_equal`]).
    Equal {
        /// Total quantity.
        total: Quantity,
        /// Number of tranches, from 1 to [`MAX_TRANCHES`].
        count: u32,
    },
    /// Explicit sizes, executed in this order.
    Sizes {
        /// Tranche sizes.
        sizes: Vec<Quantity>,
    },
}

impl Tranches {
    /// The tranche sizes, an equal split rounded down to `step` when one is given.
    ///
    /// # Errors
    /// See [`split_equal`]; [`Error::Invalid`] on `tranches.sizes` when it is empty or longer than [`MAX_TRANCHES`].
    pub fn sizes(&self, step: Option<Quantity>) -> Result<Vec<Quantity>> {
        match self {
            Self::Equal { total, count } => split_equal(*total, *count, step).map_err(|e| e.within("tranches")),
            Self::Sizes { sizes } => {
                check_tranche_count(sizes.len()).map_err(|e| e.within("tranches"))?;
                Ok(sizes.clone())
            }
        }
    }
}

fn check_tranche_count(count: usize) -> Result<()> {
    if count == 0 || count > MAX_TRANCHES {
        return Err(Error::invalid("sizes", format!("must hold from 1 to {MAX_TRANCHES} tranches")));
    }
    Ok(())
}

/// Splits `total` into `count` tranches that sum exactly to it: each `total / count` rounded down to `step` when one
/// is given (else to 8 decimals more than the total has), the last one taking what rounding left over.
///
/// ```
/// use scaleplan::impact::split_equal;
/// let sizes = split_equal("10".parse()?, 3, Some("0.001".parse()?))?;
/// let text: Vec<String> = sizes.iter().map(|q| q.to_string()).collect();
/// assert_eq!(text, ["3.333", "3.333", "3.334"]);
/// # Ok::<(), scaleplan::Error>(())
/// ```
///
/// # Errors
/// [`Error::Invalid`] on `count` when it is 0, above [`MAX_TRANCHES`], or so large that a tranche would round to
/// nothing at `step`; [`Error::Overflow`] when the division leaves the decimal range.
pub fn split_equal(total: Quantity, count: u32, step: Option<Quantity>) -> Result<Vec<Quantity>> {
    let n = usize::try_from(count).unwrap_or(usize::MAX);
    if n == 0 || n > MAX_TRANCHES {
        return Err(Error::invalid("count", format!("must be from 1 to {MAX_TRANCHES}")));
    }
    let mut each = (calc(total.get()) / Decimal::from(count)).get("count")?;
    if let Some(step) = step {
        each = round_to_step(each, step.get(), Round::Down, "count")?;
    }
    // At most 8 decimals more than the total, and at most 27 digits in all, so that the tranches add up exactly
    // (a 28-digit decimal sum would round).
    let whole_digits = u32::try_from(total.get().trunc().to_string().len()).unwrap_or(u32::MAX);
    let decimals = total.get().scale().saturating_add(8).min(27_u32.saturating_sub(whole_digits));
    let each = round_dp(each, decimals, Round::Down);
    let each = Quantity::new("count", each).map_err(|_| {
        Error::invalid("count", format!("is too many: a tranche of {total} / {count} rounds to nothing"))
    })?;
    let rest = Decimal::from(count.saturating_sub(1));
    let last = (calc(total.get()) - calc(each.get()) * rest).get("count")?;
    let mut sizes = vec![each; n.saturating_sub(1)];
    sizes.push(Quantity::new("count", last)?);
    Ok(sizes)
}

/// The arrival prices slippage is measured against.
#[derive(Debug, Clone, Copy)]
struct Arrival {
    side: OrderSide,
    best: Option<Price>,
    mid: Option<Decimal>,
}

impl Arrival {
    fn of(book: &OrderBook, side: OrderSide) -> Self {
        Self { side, best: book.side(side.takes()).first().map(|l| l.price), mid: book.mid() }
    }

    /// `side × (notional − reference × filled) × 10,000 / (reference × filled)`: one division, last, so that the
    /// rounded result keeps the order of the exact one.
    fn bps(self, notional: Decimal, filled: Decimal, reference: Decimal, context: &str) -> Result<Decimal> {
        let base = (calc(reference) * filled).get(context)?;
        let excess = (calc(notional) - base).get(context)?;
        (calc(excess) * self.side.sign() * BPS / base).get(context).map(|d| d.normalize())
    }

    /// Summarises fills (best price first, one per level) of an order for `requested`.
    fn execution(self, requested: Quantity, fills: Vec<Fill>) -> Result<Execution> {
        let filled = sum(fills.iter().map(|f| f.quantity.get()), "filled")?;
        let costs = fills
            .iter()
            .map(|f| (calc(f.price.get()) * f.quantity.get()).get("notional"))
            .collect::<Result<Vec<Decimal>>>()?;
        let notional = sum(costs, "notional")?.normalize();
        let unfilled = (calc(requested.get()) - filled).get("unfilled")?.normalize();
        let (mut average_price, mut slippage_bps, mut slippage_vs_mid_bps) = (None, None, None);
        if filled > Decimal::ZERO {
            average_price = Some(Price::new("averagePrice", (calc(notional) / filled).get("averagePrice")?)?);
            if let Some(best) = self.best {
                slippage_bps = Some(self.bps(notional, filled, best.get(), "slippageBps")?);
            }
            if let Some(mid) = self.mid.filter(|m| *m > Decimal::ZERO) {
                slippage_vs_mid_bps = Some(self.bps(notional, filled, mid, "slippageVsMidBps")?);
            }
        }
        Ok(Execution {
            requested,
            filled: filled.normalize(),
            unfilled,
            notional,
            average_price,
            first_price: fills.first().map(|f| f.price),
            worst_price: fills.last().map(|f| f.price),
            slippage_bps,
            slippage_vs_mid_bps,
            fills,
        })
    }
}

/// The liquidity left on one side while tranches eat into it: `taken[i]` is what is missing from level `i`.
struct Depth<'a> {
    levels: &'a [Level],
    taken: Vec<Decimal>,
}

impl<'a> Depth<'a> {
    fn new(levels: &'a [Level]) -> Self {
        Self { levels, taken: Vec::new() }
    }

    /// Takes `quantity` from the best level down; returns one fill per level touched.
    fn take(&mut self, quantity: Decimal) -> Result<Vec<Fill>> {
        let mut left = quantity;
        let mut fills = Vec::new();
        for (i, level) in self.levels.iter().enumerate() {
            if left <= Decimal::ZERO {
                break;
            }
            let missing = self.taken.get(i).copied().unwrap_or(Decimal::ZERO);
            let available = (calc(level.size.get()) - missing).get("fills")?;
            if available <= Decimal::ZERO {
                continue;
            }
            let take = available.min(left);
            fills.push(Fill { price: level.price, quantity: Quantity::new("fills", take)? });
            left = (calc(left) - take).get("fills")?;
            if let Some(t) = self.taken.get_mut(i) {
                *t = (calc(*t) + take).get("fills")?;
            } else {
                self.taken.resize(i, Decimal::ZERO);
                self.taken.push(take);
            }
        }
        Ok(fills)
    }

    /// Lets every level recover `rate` of what is missing from it.
    fn refill(&mut self, rate: Decimal) -> Result<()> {
        let keep = (calc(Decimal::ONE) - rate).get("refill")?;
        for t in &mut self.taken {
            *t = (calc(*t) * keep).get("refill")?;
        }
        Ok(())
    }
}

/// A market order of `quantity` on `book`: the levels it takes, its average price and its slippage. When the book
/// runs out the rest is reported as `unfilled`, not as an error.
///
/// ```
/// use scaleplan::impact::{market_order, Level, OrderBook, OrderSide};
/// let level = |p: &str, q: &str| -> Result<Level, scaleplan::Error> {
///     Ok(Level { price: p.parse()?, size: q.parse()? })
/// };
/// let book = OrderBook::from_levels(vec![level("99", "5")?], vec![level("100", "1")?, level("102", "1")?])?.book;
/// let buy = market_order(&book, OrderSide::Buy, "2".parse()?)?;
/// // (1 × 100 + 1 × 102) / 2 = 101, which is 100 bps above the best ask of 100
/// assert_eq!(buy.average_price.map(|p| p.to_string()), Some("101".to_owned()));
/// assert_eq!(buy.slippage_bps.map(|b| b.to_string()), Some("100".to_owned()));
/// # Ok::<(), scaleplan::Error>(())
/// ```
///
/// # Errors
/// [`Error::Overflow`] when prices times sizes leave the decimal range.
pub fn market_order(book: &OrderBook, side: OrderSide, quantity: Quantity) -> Result<Execution> {
    let fills = Depth::new(book.side(side.takes())).take(quantity.get())?;
    Arrival::of(book, side).execution(quantity, fills)
}

/// A lump sum against the same quantity in tranches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrancheReport {
    /// Which way the orders trade.
    pub side: OrderSide,
    /// Best price on the side taken, before any order (the arrival price).
    pub best_price: Option<Price>,
    /// Mid price before any order.
    #[serde(with = "crate::text::decimal_option")]
    pub mid_price: Option<Decimal>,
    /// The whole quantity as one market order.
    pub lump: Execution,
    /// Each tranche, executed one after another with the refill in between.
    pub tranches: Vec<Execution>,
    /// The tranches added up: fills merged by price.
    pub combined: Execution,
    /// What the tranches save in quote currency, `side × (lump notional − tranches notional)`: less paid on a buy,
    /// more received on a sell. `None` when the two filled different quantities (a thin book ran out), since their
    /// notionals then buy different things; compare [`TrancheReport::saving_bps`] instead.
    #[serde(with = "crate::text::decimal_option")]
    pub saving_quote: Option<Decimal>,
    /// Lump slippage minus combined tranche slippage, in bps of the arrival best price; `None` when either filled
    /// nothing.
    #[serde(with = "crate::text::decimal_option")]
    pub saving_bps: Option<Decimal>,
}

/// Executes `sizes` one after another on `book`, letting it refill by `refill` between them, and compares the result
/// with one market order for their sum.
///
/// ```
/// use scaleplan::impact::{execute_tranches, Level, OrderBook, OrderSide, Refill};
/// let level = |p: &str, q: &str| -> Result<Level, scaleplan::Error> {
///     Ok(Level { price: p.parse()?, size: q.parse()? })
/// };
/// let book = OrderBook::from_levels(vec![level("99", "5")?], vec![level("100", "1")?, level("102", "1")?])?.book;
/// let sizes = ["1".parse()?, "1".parse()?];
/// // Restored book: both tranches buy at 100; the lump sum pays 100 + 102, so splitting saves 2.
/// let full = execute_tranches(&book, OrderSide::Buy, &sizes, Refill::Full)?;
/// assert_eq!(full.saving_quote.map(|s| s.to_string()), Some("2".to_owned()));
/// // No refill: the second tranche pays 102 anyway, and nothing is saved.
/// let none = execute_tranches(&book, OrderSide::Buy, &sizes, Refill::None)?;
/// assert_eq!(none.saving_quote.map(|s| s.to_string()), Some("0".to_owned()));
/// # Ok::<(), scaleplan::Error>(())
/// ```
///
/// # Errors
/// [`Error::Invalid`] on `sizes` when there are none or more than [`MAX_TRANCHES`]; [`Error::Overflow`] when the
/// sums leave the decimal range.
pub fn execute_tranches(
    book: &OrderBook,
    side: OrderSide,
    sizes: &[Quantity],
    refill: Refill,
) -> Result<TrancheReport> {
    check_tranche_count(sizes.len())?;
    let total = Quantity::new("sizes", sum(sizes.iter().map(|q| q.get()), "sizes")?)?;
    let arrival = Arrival::of(book, side);
    let levels = book.side(side.takes());
    let lump = arrival.execution(total, Depth::new(levels).take(total.get())?)?;

    let mut depth = Depth::new(levels);
    let mut tranches = Vec::with_capacity(sizes.len());
    let mut all_fills = Vec::new();
    for (k, size) in sizes.iter().enumerate() {
        if k > 0 {
            depth.refill(refill.rate())?;
        }
        let fills = depth.take(size.get()).map_err(|e| e.within(&format!("tranches[{k}]")))?;
        all_fills.extend_from_slice(&fills);
        tranches.push(arrival.execution(*size, fills).map_err(|e| e.within(&format!("tranches[{k}]")))?);
    }
    let combined = arrival.execution(total, merge_fills(side, all_fills)?).map_err(|e| e.within("combined"))?;

    let saving_quote = if lump.filled == combined.filled && lump.filled > Decimal::ZERO {
        Some(((calc(lump.notional) - combined.notional) * side.sign()).get("savingQuote")?.normalize())
    } else {
        None
    };
    let saving_bps = match (lump.slippage_bps, combined.slippage_bps) {
        (Some(l), Some(c)) => Some((calc(l) - c).get("savingBps")?.normalize()),
        _ => None,
    };
    Ok(TrancheReport {
        side,
        best_price: arrival.best,
        mid_price: arrival.mid,
        lump,
        tranches,
        combined,
        saving_quote,
        saving_bps,
    })
}

/// Fills ordered best price first, one per price.
fn merge_fills(side: OrderSide, mut fills: Vec<Fill>) -> Result<Vec<Fill>> {
    crate::order::sort_stable_by(&mut fills, |a, b| match side {
        OrderSide::Buy => a.price.cmp(&b.price),
        OrderSide::Sell => b.price.cmp(&a.price),
    });
    let mut merged: Vec<Fill> = Vec::with_capacity(fills.len());
    for fill in fills {
        match merged.last_mut() {
            Some(last) if last.price == fill.price => {
                last.quantity =
                    Quantity::new("fills", (calc(last.quantity.get()) + fill.quantity.get()).get("fills")?)?;
            }
            _ => merged.push(fill),
        }
    }
    Ok(merged)
}

/// What stopped the largest order from being larger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Limit {
    /// One more step would push the average price past the budget.
    Budget,
    /// One more step would need more than the book holds.
    Depth,
}

/// The largest single market order whose slippage stays within a budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MaxOrder {
    /// The largest quantity on the `step` grid within budget; 0 when even one step is over it.
    #[serde(with = "crate::text::decimal")]
    pub quantity: Decimal,
    /// The quantity grid searched.
    pub step: Quantity,
    /// The worst average price the budget allows, `reference × (1 + side × budget / 10,000)`; `None` when the side
    /// is empty.
    #[serde(with = "crate::text::decimal_option")]
    pub limit_price: Option<Decimal>,
    /// What one more step would break.
    pub limited_by: Limit,
    /// The order of that quantity; `None` when it is 0.
    pub execution: Option<Execution>,
}

/// The largest market order, on a grid of `step`, whose slippage against `benchmark` stays within `budget_bps`.
///
/// Exact, not searched by trial: the average of a buy stays at or below the limit price `L` while
/// `Σ qᵢ × (L − pᵢ) ≥ 0` over its fills. Levels priced at or below `L` only add room, so the order takes them whole;
/// at the first level priced above `L` it can take `room / (pᵢ − L)` more (mirrored for a sell). The result is
/// floored to `step` and checked exactly, so it is within budget and one more step is not (or is past the book).
/// When no `step` is given, the finest size increment in the book is used (sizes are on the exchange's grid).
///
/// ```
/// use scaleplan::impact::{max_within_budget, Benchmark, Level, Limit, OrderBook, OrderSide};
/// let level = |p: &str, q: &str| -> Result<Level, scaleplan::Error> {
///     Ok(Level { price: p.parse()?, size: q.parse()? })
/// };
/// let book = OrderBook::from_levels(vec![level("99", "5")?], vec![level("100", "1")?, level("102", "1")?])?.book;
/// // 50 bps over 100 allows an average of 100.5: 1 × (100.5 − 100) = 0.5 of room, and each unit at 102 uses 1.5,
/// // so a third of a unit more; on a 0.01 grid that is 1.33.
/// let max = max_within_budget(&book, OrderSide::Buy, "50".parse()?, Benchmark::Best, Some("0.01".parse()?))?;
/// assert_eq!(max.quantity.to_string(), "1.33");
/// assert_eq!(max.limited_by, Limit::Budget);
/// # Ok::<(), scaleplan::Error>(())
/// ```
///
/// # Errors
/// [`Error::Invalid`] on `benchmark` when the mid is asked for on a one-sided book; [`Error::Overflow`] when the
/// numbers are too large to compute exactly.
pub fn max_within_budget(
    book: &OrderBook,
    side: OrderSide,
    budget_bps: NonNegative,
    benchmark: Benchmark,
    step: Option<Quantity>,
) -> Result<MaxOrder> {
    let context = "maxWithinBudget";
    let levels = book.side(side.takes());
    let step = match step {
        Some(step) => step,
        None => finest_step(levels)?,
    };
    let reference = match benchmark {
        Benchmark::Best => levels.first().map(|l| l.price.get()),
        Benchmark::Mid => Some(book.mid().ok_or_else(|| {
            Error::invalid("benchmark", "the mid needs both bids and asks; measure against the best price instead")
        })?),
    };
    let Some(reference) = reference else {
        return Ok(MaxOrder {
            quantity: Decimal::ZERO,
            step,
            limit_price: None,
            limited_by: Limit::Depth,
            execution: None,
        });
    };
    // L = R × (10,000 + side × budget) / 10,000
    let limit = (calc(reference) * (calc(BPS) + calc(budget_bps.get()) * side.sign()) / BPS).get(context)?.normalize();
    let sign = side.sign();

    let mut room = Decimal::ZERO;
    let mut quantity = Decimal::ZERO;
    for level in levels {
        let size = level.size.get();
        // room per unit at this level: L − p for a buy, p − L for a sell
        let per_unit = ((calc(limit) - level.price.get()) * sign).get(context)?;
        if per_unit >= Decimal::ZERO {
            room = (calc(room) + calc(size) * per_unit).get(context)?;
            quantity = (calc(quantity) + size).get(context)?;
            continue;
        }
        let part = (calc(room) / -calc(per_unit)).get(context)?;
        if part >= size {
            room = (calc(room) + calc(size) * per_unit).get(context)?;
            quantity = (calc(quantity) + size).get(context)?;
            continue;
        }
        quantity = (calc(quantity) + part).get(context)?;
        break;
    }
    let depth = sum(levels.iter().map(|l| l.size.get()), context)?;
    let mut best = round_to_step(quantity, step.get(), Round::Down, context)?;

    // The division above rounds in its last digit; settle the grid point exactly, a few steps at most.
    let mut tries = 0_u32;
    while best > Decimal::ZERO && !within(levels, side, limit, best)? {
        best = (calc(best) - step.get()).get(context)?.max(Decimal::ZERO);
        tries = tries.saturating_add(1);
        if tries > 64 {
            return Err(Error::overflow(context));
        }
    }
    loop {
        let next = (calc(best) + step.get()).get(context)?;
        if !within(levels, side, limit, next)? {
            break;
        }
        best = next;
        tries = tries.saturating_add(1);
        if tries > 64 {
            return Err(Error::overflow(context));
        }
    }
    let next = (calc(best) + step.get()).get(context)?;
    let limited_by = if next > depth { Limit::Depth } else { Limit::Budget };
    let execution = match Quantity::new(context, best) {
        Ok(q) => Some(market_order(book, side, q)?),
        Err(_) => None,
    };
    Ok(MaxOrder { quantity: best.normalize(), step, limit_price: Some(limit), limited_by, execution })
}

/// Whether a market order of `quantity` fills completely with an average no worse than `limit`, checked exactly:
/// `Σ qᵢ × side × (L − pᵢ) ≥ 0`.
fn within(levels: &[Level], side: OrderSide, limit: Decimal, quantity: Decimal) -> Result<bool> {
    let context = "maxWithinBudget";
    let mut left = quantity;
    let mut room = Decimal::ZERO;
    for level in levels {
        if left <= Decimal::ZERO {
            break;
        }
        let take = level.size.get().min(left);
        room = (calc(room) + (calc(limit) - level.price.get()) * side.sign() * take).get(context)?;
        left = (calc(left) - take).get(context)?;
    }
    Ok(left <= Decimal::ZERO && room >= Decimal::ZERO)
}

/// `10^-s` for the largest number of decimals `s` among the sizes: the finest grid the book shows.
fn finest_step(levels: &[Level]) -> Result<Quantity> {
    let scale = levels.iter().map(|l| l.size.get().scale()).max().unwrap_or(0);
    Quantity::new("step", Decimal::new(1, scale))
}

/// What to compare on a book: the side, the tranches, the refill assumption, and optionally a slippage budget.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImpactRequest {
    /// Which way the orders trade.
    pub side: OrderSide,
    /// The total and how it is split.
    pub tranches: Tranches,
    /// How the book refills between tranches.
    pub refill: Refill,
    /// A slippage budget in bps: when given, the report includes the largest single order within it.
    #[serde(default)]
    pub budget_bps: Option<NonNegative>,
    /// What the budget is measured against (best price unless told).
    #[serde(default)]
    pub benchmark: Benchmark,
    /// The exchange's quantity step: equal tranches are rounded down to it and the budget search uses it.
    #[serde(default)]
    pub quantity_step: Option<Quantity>,
}

/// Everything [`market_impact`] finds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImpactReport {
    /// The response layout the book was read from.
    pub layout: Layout,
    /// Soft problems with the book.
    pub warnings: Vec<BookWarning>,
    /// Lump sum against tranches.
    #[serde(flatten)]
    pub comparison: TrancheReport,
    /// The largest single order within the budget, when a budget was given.
    pub max_within_budget: Option<MaxOrder>,
}

/// Runs a whole [`ImpactRequest`] on a book: the tranche comparison and, with a budget, the largest order within it.
///
/// # Errors
/// The errors of [`Tranches::sizes`], [`execute_tranches`] and [`max_within_budget`].
pub fn market_impact(parsed: &ParsedBook, request: &ImpactRequest) -> Result<ImpactReport> {
    let sizes = request.tranches.sizes(request.quantity_step)?;
    let comparison = execute_tranches(&parsed.book, request.side, &sizes, request.refill)?;
    let max = request
        .budget_bps
        .map(|budget| max_within_budget(&parsed.book, request.side, budget, request.benchmark, request.quantity_step))
        .transpose()?;
    Ok(ImpactReport { layout: parsed.layout, warnings: parsed.warnings.clone(), comparison, max_within_budget: max })
}
