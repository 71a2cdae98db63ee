//! Market impact: what a market order costs when it walks an order book, and how much splitting it into
//! tranches saves (guide §1: a lump sum walks the book to worse prices; §4.2: a thin altcoin book needs much smaller
//! tranches than a liquid BTC perpetual for the same slippage).
//!
//! The model is the plain limit-order-book walk: a market buy takes the asks from the lowest price up, a market
//! sell takes the bids from the highest price down, each level filling at its own price until the quantity is done
//! or the book runs out. Every slippage is measured against the book as it was pasted (the arrival price): in basis
//! points, `side × (average − reference) / reference × 10,000` with the best price or the mid
//! `(best bid + best ask) / 2` as reference. Source: Investopedia, "Slippage" (the difference between the expected
//! price of a trade and the price at which it executes) and "Basis Point (BPS)" (1 bp = 0.01 % = 1/10,000).
//!
//! What happens to the book between tranches is an explicit assumption ([`Refill`]), never a hidden one: with no
//! refill, tranches pay exactly what the lump sum pays; with a full refill, every tranche meets the book as pasted.
//!
//! - [`book`]: order books as levels, validated, and a parametric book for "what if" questions;
//! - [`parse`]: the depth JSON of Binance, Bybit and OKX as pasted text;
//! - [`walk`]: market orders, lump sum against tranches, and the largest order within a slippage budget.

pub mod book;
pub mod parse;
pub mod walk;

pub use book::{BookSide, BookWarning, Layout, Level, OrderBook, ParametricBook, ParsedBook, MAX_LEVELS};
pub use parse::{parse_depth, MAX_DEPTH_BYTES};
pub use walk::{
    execute_tranches, market_impact, market_order, max_within_budget, split_equal, Benchmark, Execution, ImpactReport,
    ImpactRequest, Limit, MaxOrder, OrderSide, Refill, RefillRate, TrancheReport, Tranches, MAX_TRANCHES,
};
