//! Contract specifications: what is traded, how prices and sizes are rounded, fees, and maintenance-margin tiers.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::num::{calc, Calc, MarginRate, NonNegative, Leverage, Price, Rate};

/// Whether an order adds liquidity (a resting limit order: the maker rate) or takes it (the taker rate).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Liquidity {
    /// Rests on the book and pays the maker rate.
    #[default]
    Maker,
    /// Fills at once and pays the taker rate.
    Taker,
}

/// How a contract is margined and sized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", rename_all_fields = "camelCase", tag = "kind")]
pub enum ContractKind {
    /// USDT/USDC-margined: size in base units (BTC), margin and PnL in the quote currency.
    Linear,
    /// Coin-margined: size in contracts worth `contract_size` USD each, margin and PnL in the base coin.
    Inverse {
        /// USD value of one contract (100 for Binance's BTCUSD perpetual).
        contract_size: Price,
    },
}

impl ContractKind {
    /// Order value of `quantity` at `price`: `q·P` in the quote currency (linear) or `n·CS` in USD (inverse).
    pub(crate) fn notional(self, quantity: Decimal, price: Decimal) -> Calc {
        match self {
            Self::Linear => calc(quantity) * price,
            Self::Inverse { contract_size } => calc(quantity) * contract_size.get(),
        }
    }
}

/// One maintenance-margin tier (Binance "leverage bracket", Bybit "risk limit", OKX/Hyperliquid "margin tier").
///
/// Notional is in the quote currency for linear contracts and in the coin (`contracts × contract size / price`) for
/// inverse ones, as Binance COIN-M (`qtyFloor`/`qtyCap`) and Bybit inverse risk limits publish them;
/// `notional_cap` of `None` means unbounded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tier {
    /// Lowest notional of the tier (inclusive).
    pub notional_floor: NonNegative,
    /// Highest notional of the tier (inclusive); `None` for the last, unbounded tier.
    pub notional_cap: Option<NonNegative>,
    /// Maintenance-margin rate.
    pub maintenance_margin_rate: MarginRate,
    /// Maintenance amount (Binance `cum`, Bybit/Hyperliquid deduction) subtracted from `notional × rate`.
    pub maintenance_amount: NonNegative,
    /// Highest leverage the tier allows.
    pub max_leverage: Leverage,
}

impl Tier {
    /// Whether `notional` falls in this tier.
    pub fn contains(&self, notional: Decimal) -> bool {
        notional >= self.notional_floor.get() && self.notional_cap.is_none_or(|cap| notional <= cap.get())
    }
}

/// A futures contract as the planner needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Instrument {
    /// Symbol as the exchange writes it (`BTCUSDT`).
    pub symbol: String,
    /// Linear or inverse.
    pub contract: ContractKind,
    /// Price grid (a tick size, not a number of decimals).
    pub tick_size: NonNegative,
    /// Size grid: base units (linear) or contracts (inverse).
    pub quantity_step: NonNegative,
    /// Smallest order size.
    pub min_quantity: NonNegative,
    /// Smallest order value in the quote currency (linear) or USD (inverse).
    pub min_notional: NonNegative,
    /// Fee rate for resting (limit) orders.
    pub maker_fee: Rate,
    /// Fee rate for taking (market) orders.
    pub taker_fee: Rate,
    /// Maintenance-margin tiers, ordered by notional floor.
    pub tiers: Vec<Tier>,
}

impl Instrument {
    /// The fee rate an order pays for the liquidity it adds or takes.
    pub fn fee(&self, liquidity: Liquidity) -> Decimal {
        match liquidity {
            Liquidity::Maker => self.maker_fee.get(),
            Liquidity::Taker => self.taker_fee.get(),
        }
    }

    /// The tier whose notional range contains `notional`; the last tier when the notional is past every cap,
    /// `None` when there are no tiers.
    pub fn tier_for(&self, notional: Decimal) -> Option<(usize, &Tier)> {
        self.tiers
            .iter()
            .enumerate()
            .find(|(_, t)| t.contains(notional))
            .or_else(|| self.tiers.iter().enumerate().next_back())
    }
}
