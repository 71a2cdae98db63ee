//! Order books: price levels on both sides, checked and ordered best first, and a parametric book built from a
//! mid price, a spread and a price step.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::num::{calc, NonNegative, Price, Quantity};

/// Most levels a side may hold. Exchanges return at most 5,000 (Binance spot), 1,000 (Binance futures), 500 (Bybit
/// contracts) or 400 (OKX) per side; anything far beyond is a mistake, and the cap keeps every walk bounded.
pub const MAX_LEVELS: usize = 100_000;

/// One price level: a price and the size resting there (base units, or contracts where the exchange counts them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Level {
    /// Level price.
    pub price: Price,
    /// Size resting at that price.
    pub size: Quantity,
}

/// One side of the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum BookSide {
    /// Buy orders; a market sell takes them from the highest price down.
    Bids,
    /// Sell orders; a market buy takes them from the lowest price up.
    Asks,
}

impl BookSide {
    fn field(self) -> &'static str {
        match self {
            Self::Bids => "bids",
            Self::Asks => "asks",
        }
    }
}

/// Which response a book was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Layout {
    /// Binance `GET /api/v3/depth` or `GET /fapi/v1/depth`: `{"lastUpdateId", "bids": [[p, q]], "asks": [[p, q]]}`.
    Binance,
    /// Bybit v5 `GET /v5/market/orderbook`: `{"retCode", "result": {"s", "b": [[p, q]], "a": [[p, q]], "ts"}}`, or
    /// the bare `result`.
    Bybit,
    /// OKX `GET /api/v5/market/books`: `{"code": "0", "data": [{"asks": [[p, sz, "0", n]], "bids": .., "ts"}]}`.
    Okx,
    /// Any other object with `bids` and `asks` lists of `[price, size, ..]` (an OKX `data` entry, for one).
    BidsAsks,
    /// Built from levels given directly.
    Levels,
    /// Built by [`ParametricBook::build`].
    Parametric,
}

/// A soft problem found while reading a book: the book is usable, but the trader should know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase", tag = "kind")]
#[non_exhaustive]
pub enum BookWarning {
    /// The side was not ordered best first (bids descending, asks ascending) and has been sorted.
    Resorted {
        /// The side that was sorted.
        side: BookSide,
    },
    /// Levels repeating a price were merged into one, their sizes added.
    MergedDuplicates {
        /// The side concerned.
        side: BookSide,
        /// How many levels were folded into an earlier one.
        count: usize,
    },
    /// The best bid is above the best ask. OKX documents this during the pre-open call auction; elsewhere it means
    /// the snapshot is stale or the sides were swapped. Each side is still walked on its own.
    Crossed {
        /// Highest bid.
        best_bid: Price,
        /// Lowest ask.
        best_ask: Price,
    },
}

impl fmt::Display for BookWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Resorted { side } => {
                write!(f, "{}: were not ordered best first and have been sorted", side.field())
            }
            Self::MergedDuplicates { side, count } => {
                write!(f, "{}: {count} repeated price levels were merged into the first at their price", side.field())
            }
            Self::Crossed { best_bid, best_ask } => write!(
                f,
                "book: the best bid {best_bid} is above the best ask {best_ask}; the snapshot may be stale or taken \
                 during an auction"
            ),
        }
    }
}

/// An order book: bids highest first, asks lowest first, no price repeated on a side, at most [`MAX_LEVELS`] a side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderBook {
    bids: Vec<Level>,
    asks: Vec<Level>,
}

/// A book as read, with where it came from and what was noticed on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedBook {
    /// The book.
    pub book: OrderBook,
    /// The response layout it was read from.
    pub layout: Layout,
    /// Soft problems: a side sorted, duplicates merged, a crossed book.
    pub warnings: Vec<BookWarning>,
}

impl OrderBook {
    /// A book from levels in any order: each side is sorted best first if it is not already, levels repeating a
    /// price are merged, and a crossed book is reported rather than refused (see [`BookWarning::Crossed`]).
    ///
    /// ```
    /// use scaleplan::impact::{Level, OrderBook};
    /// let level = |p: &str, q: &str| -> Result<Level, scaleplan::Error> {
    ///     Ok(Level { price: p.parse()?, size: q.parse()? })
    /// };
    /// let parsed = OrderBook::from_levels(vec![level("99", "2")?], vec![level("101", "1")?, level("100", "1")?])?;
    /// assert_eq!(parsed.book.best_ask().map(|p| p.to_string()), Some("100".to_owned()));
    /// assert_eq!(parsed.book.mid().map(|m| m.to_string()), Some("99.5".to_owned()));
    /// assert_eq!(parsed.warnings.len(), 1); // the asks were sorted
    /// # Ok::<(), scaleplan::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] on `bids` or `asks` past [`MAX_LEVELS`], on `book` when both sides are empty;
    /// [`Error::Overflow`] when merged sizes leave the decimal range.
    pub fn from_levels(bids: Vec<Level>, asks: Vec<Level>) -> Result<ParsedBook> {
        Self::assemble(bids, asks, Layout::Levels)
    }

    pub(crate) fn assemble(bids: Vec<Level>, asks: Vec<Level>, layout: Layout) -> Result<ParsedBook> {
        check_count(BookSide::Bids, bids.len())?;
        check_count(BookSide::Asks, asks.len())?;
        if bids.is_empty() && asks.is_empty() {
            return Err(Error::invalid(
                "book",
                "has no levels on either side; paste a depth snapshot with bids and asks",
            ));
        }
        let mut warnings = Vec::new();
        let bids = order_side(BookSide::Bids, bids, &mut warnings)?;
        let asks = order_side(BookSide::Asks, asks, &mut warnings)?;
        if let (Some(bid), Some(ask)) = (bids.first(), asks.first()) {
            if bid.price > ask.price {
                warnings.push(BookWarning::Crossed { best_bid: bid.price, best_ask: ask.price });
            }
        }
        Ok(ParsedBook { book: Self { bids, asks }, layout, warnings })
    }

    /// Bids, highest price first.
    pub fn bids(&self) -> &[Level] {
        &self.bids
    }

    /// Asks, lowest price first.
    pub fn asks(&self) -> &[Level] {
        &self.asks
    }

    /// One side, best price first.
    pub fn side(&self, side: BookSide) -> &[Level] {
        match side {
            BookSide::Bids => &self.bids,
            BookSide::Asks => &self.asks,
        }
    }

    /// The highest bid, if there are bids.
    pub fn best_bid(&self) -> Option<Price> {
        self.bids.first().map(|l| l.price)
    }

    /// The lowest ask, if there are asks.
    pub fn best_ask(&self) -> Option<Price> {
        self.asks.first().map(|l| l.price)
    }

    /// The mid price `(best bid + best ask) / 2`, when both sides have levels.
    pub fn mid(&self) -> Option<Decimal> {
        let (bid, ask) = (self.best_bid()?, self.best_ask()?);
        ((calc(bid.get()) + ask.get()) / Decimal::TWO).ok().map(|m| m.normalize())
    }
}

fn check_count(side: BookSide, count: usize) -> Result<()> {
    if count > MAX_LEVELS {
        return Err(Error::invalid(
            side.field(),
            format!("has {count} levels; at most {MAX_LEVELS} are allowed, trim the snapshot"),
        ));
    }
    Ok(())
}

/// Whether `a` belongs strictly before `b` on `side` (a better price).
fn better(side: BookSide, a: Price, b: Price) -> bool {
    match side {
        BookSide::Bids => a > b,
        BookSide::Asks => a < b,
    }
}

fn order_side(side: BookSide, mut levels: Vec<Level>, warnings: &mut Vec<BookWarning>) -> Result<Vec<Level>> {
    let ordered = levels.windows(2).all(|w| match w {
        [a, b] => !better(side, b.price, a.price),
        _ => true,
    });
    if !ordered {
        crate::order::sort_stable_by(&mut levels, |a, b| match side {
            BookSide::Bids => b.price.cmp(&a.price),
            BookSide::Asks => a.price.cmp(&b.price),
        });
        warnings.push(BookWarning::Resorted { side });
    }
    let mut merged: Vec<Level> = Vec::with_capacity(levels.len());
    let mut folded = 0_usize;
    for level in levels {
        match merged.last_mut() {
            Some(last) if last.price == level.price => {
                let size = (calc(last.size.get()) + level.size.get()).get(side.field())?;
                last.size = Quantity::new(side.field(), size)?;
                folded = folded.saturating_add(1);
            }
            _ => merged.push(level),
        }
    }
    if folded > 0 {
        warnings.push(BookWarning::MergedDuplicates { side, count: folded });
    }
    Ok(merged)
}

/// A synthetic book for "what if" questions: levels every `step` away from a best bid and best ask set `spread`
/// apart around `mid`, `size` at the best level and `size_increment` more at each level further out.
///
/// Level `i` (0 for the best) has ask `mid + spread/2 + i × step`, bid `mid − spread/2 − i × step`, and size
/// `size + i × size_increment` on both sides. A constant size per level is the flat book of the textbook
/// limit-order-book model; a growing one approximates the deeper liquidity further from the mid that real books show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ParametricBook {
    /// Mid price.
    pub mid: Price,
    /// Best ask minus best bid.
    pub spread: NonNegative,
    /// Price distance between neighbouring levels.
    pub step: Price,
    /// Size at the best level of each side.
    pub size: Quantity,
    /// Size added at each level further from the mid (none when absent).
    #[serde(default)]
    pub size_increment: Option<NonNegative>,
    /// Levels per side, from 1 to [`MAX_LEVELS`].
    pub levels: u32,
}

impl ParametricBook {
    /// Builds the book.
    ///
    /// ```
    /// use scaleplan::impact::ParametricBook;
    /// let parametric = ParametricBook {
    ///     mid: "100".parse()?,
    ///     spread: "1".parse()?,
    ///     step: "0.5".parse()?,
    ///     size: "2".parse()?,
    ///     size_increment: Some("1".parse()?),
    ///     levels: 3,
    /// };
    /// let book = parametric.build()?.book;
    /// let asks: Vec<String> = book.asks().iter().map(|l| format!("{}@{}", l.size, l.price)).collect();
    /// assert_eq!(asks, ["2@100.5", "3@101", "4@101.5"]);
    /// assert_eq!(book.bids().last().map(|l| l.price.to_string()), Some("98.5".to_owned()));
    /// # Ok::<(), scaleplan::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Invalid`] on `levels` when it is 0, above [`MAX_LEVELS`], or so many that bids would reach 0;
    /// [`Error::Overflow`] when prices or sizes leave the decimal range.
    pub fn build(&self) -> Result<ParsedBook> {
        let count = usize::try_from(self.levels).unwrap_or(usize::MAX);
        if count == 0 || count > MAX_LEVELS {
            return Err(Error::invalid("levels", format!("must be from 1 to {MAX_LEVELS}")));
        }
        let half = (calc(self.spread.get()) / Decimal::TWO).get("spread")?;
        let best_ask = (calc(self.mid.get()) + half).get("spread")?;
        let best_bid = (calc(self.mid.get()) - half).get("spread")?;
        let increment = self.size_increment.map_or(Decimal::ZERO, NonNegative::get);
        let mut bids = Vec::with_capacity(count);
        let mut asks = Vec::with_capacity(count);
        for n in 0..self.levels {
            let i = Decimal::from(n);
            let offset = (calc(self.step.get()) * i).get("step")?;
            let size = Quantity::new("size", (calc(self.size.get()) + calc(increment) * i).get("sizeIncrement")?)?;
            let bid = (calc(best_bid) - offset).get("step")?;
            if bid <= Decimal::ZERO {
                return Err(Error::invalid(
                    "levels",
                    format!("bids reach 0 at level {}; use fewer levels or a smaller step", n.saturating_add(1)),
                ));
            }
            bids.push(Level { price: Price::new("mid", bid)?, size });
            asks.push(Level { price: Price::new("mid", (calc(best_ask) + offset).get("step")?)?, size });
        }
        OrderBook::assemble(bids, asks, Layout::Parametric)
    }
}
