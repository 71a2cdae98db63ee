//! Liquidation and bankruptcy prices of one position, computed the way Binance, Bybit, OKX and Hyperliquid do.
//!
//! Two families of formulas exist and give different prices for the same trade (see [`Model`]):
//! maintenance margin measured at the liquidation price (Binance, Hyperliquid, OKX) or on the entry value
//! (Bybit). Both are solved here in one variable, the position's notional `N` in the unit the exchanges tier by:
//! `N = q·P` in the quote currency for linear contracts and `N = n·CS/P` in coin for inverse ones. In that variable
//! the equity of the position is linear for both kinds of contract:
//!
//! `equity(N) = WB + lean·(N − N_E)`, with `lean = side` (linear) or `−side` (inverse), `N_E` the entry notional,
//!
//! since a linear PnL is `side·q·(P − E) = side·(N − N_E)` and an inverse one `side·n·CS·(1/E − 1/P) = −side·(N − N_E)`.
//! Maintenance margin is `N·MMR − cum` (Binance "cum", Bybit/Hyperliquid "deduction"). Solving
//! `equity(N) = N·MMR − cum` gives `N* = (WB − lean·N_E + cum) / (MMR − lean)`, which is Binance's published
//! `LP = (WB − TMM1 + UPNL1 + cum − side·q·E) / (q·MMR − side·q)` for linear contracts and
//! `LP = n·CS·(MMR + side) / (WB + cum + side·n·CS/E)` for inverse ones.
//!
//! Prices are returned rounded toward the entry ([`Side::conservative_liquidation`]), so the price shown is never
//! further away than the exact one: to the tick size when one is given, otherwise to [`PRICE_DECIMALS`] places.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::instrument::{ContractKind, Tier};
use crate::num::{
    calc, round_dp, round_to_step, MarginRate, NonNegative, Price, Quantity, Rate, Round, Side,
};

/// Decimal places of a returned price when no tick size is given.
pub const PRICE_DECIMALS: u32 = 8;

/// Decimal places an inverse contract's price is settled at before it is rounded to the tick.
const INVERSE_SETTLE_DECIMALS: u32 = 16;

/// Whose liquidation formula to apply. Each exchange publishes its own; they differ in where the maintenance
/// margin is measured, where the tier is looked up and whether a closing fee is reserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Model {
    /// Maintenance margin measured at the liquidation price, tier looked up at the notional AT the liquidation
    /// price (each tier is tried and the self-consistent one kept).
    ///
    /// Source: Binance FAQ "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts" and "... of COIN-M
    /// Futures Contracts" (the latter: "if your position calculated at the liquidation price and the current
    /// position are of different levels, substitute the maintenance margin rate and amount of the level at the
    /// liquidation price"); the same formula is implemented in freqtrade `freqtrade/exchange/binance.py`.
    /// Cross margin subtracts the maintenance margin of the other positions (TMM1) and adds their unrealized PnL
    /// (UPNL1). COIN-M tiers are in coin (`qtyFloor`/`qtyCap` of `GET /dapi/v2/leverageBracket`).
    Binance,
    /// Maintenance margin measured on the entry value: `LP = E − side·(WB − MM)/q` with `MM = q·E·MMR − deduction`,
    /// where the wallet is the position margin (initial margin plus any extra margin added). Inverse:
    /// `LP = Qty / (PV + side·(WB − MM))`, `PV = Qty/E`, `MM = PV·MMR − deduction`.
    ///
    /// Source: Bybit help "Liquidation Price (USDT Contract)" (long 1 BTC at 10,000 with 50× and MMR 0.5 % →
    /// 9,850) and "Liquidation Price Calculation under Isolated Mode (Unified Trading Account)" for inverse
    /// contracts. The tier is the one at the entry notional: the formula measures maintenance on the entry value,
    /// so the tier is looked up at that same value.
    Bybit,
    /// Liquidation when the margin ratio reaches 100 % with the taker fee of closing added to the maintenance rate:
    /// Binance's equation with `MMR + takerFeeRate` in place of `MMR`. Linear long `(q·E − M)/(q·(1 − MMR − fee))`,
    /// short `(q·E + M)/(q·(1 + MMR + fee))`.
    ///
    /// Source: OKX help "Tiered maintenance margin ratio rules" (forced liquidation when the margin ratio falls to
    /// 100 %: equity at or below the maintenance margin plus fees) and freqtrade's generic
    /// `dry_run_liquidation_price` (`freqtrade/exchange/exchange.py`). The tier is the one at the entry notional:
    /// OKX bounds its position tiers by position size (`minSz`/`maxSz` of `GET /api/v5/public/position-tiers`),
    /// which the price does not change.
    Okx,
    /// Binance's equation with Hyperliquid's margin-tier deductions: `liq = price − side·margin_available /
    /// size / (1 − l·side)`, `l` the maintenance rate, which rearranges to the same `N*` as Binance; tiers are
    /// looked up at the liquidation notional as for Binance.
    ///
    /// Source: hyperliquid.gitbook.io hyperliquid-docs, "Trading → Liquidations" and "Trading → Margin tiers"
    /// (`maintenance_margin = notional·rate − deduction`; the rate is half the initial margin rate at the maximum
    /// leverage of the tier: 0.0125 for 40×). Hyperliquid lists only linear (USDC) perpetuals; for inverse
    /// contracts this model applies the same equation in coin, which makes it identical to [`Model::Binance`].
    Hyperliquid,
}

/// Whether the position has its own margin or shares the account's wallet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MarginMode {
    /// The wallet is the margin set aside for this one position.
    Isolated,
    /// The wallet is the account's cross wallet, shared with the [`OtherPositions`].
    Cross,
}

/// The maintenance-margin schedule of the position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Maintenance {
    /// One rate and amount whatever the size (the tier the user already looked up).
    Flat {
        /// Maintenance-margin rate.
        rate: MarginRate,
        /// Amount subtracted from `notional × rate` (Binance `cum`, Bybit/Hyperliquid deduction).
        amount: NonNegative,
    },
    /// The exchange's tiers, contiguous and in ascending order; the [`Model`] decides which one applies.
    /// Notional is in the quote currency for linear contracts and in coin (`n·CS/P`) for inverse ones.
    Tiers(Vec<Tier>),
}

/// A [`Maintenance`] borrowed: what the formulas read, so a plan's tiers are not copied for every tranche.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Schedule<'a> {
    Flat { rate: MarginRate, amount: NonNegative },
    Tiers(&'a [Tier]),
}

impl Maintenance {
    fn schedule(&self) -> Schedule<'_> {
        match self {
            Self::Flat { rate, amount } => Schedule::Flat { rate: *rate, amount: *amount },
            Self::Tiers(tiers) => Schedule::Tiers(tiers),
        }
    }
}

/// What the other positions of a cross-margin account take from the shared wallet (Binance TMM1 and UPNL1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OtherPositions {
    /// Maintenance margin the other positions hold back from the wallet (0 or more).
    pub maintenance_margin: Decimal,
    /// Their unrealized profit (positive) or loss (negative).
    pub unrealized_pnl: Decimal,
}

/// Everything [`liquidation`] needs about one position.
///
/// Errors name fields as the calculator input spells them (`walletBalance`, `tiers[2].notionalFloor`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiquidationConfig {
    /// Whose formula to use.
    pub model: Model,
    /// Linear or inverse (with its contract size).
    pub contract: ContractKind,
    /// Isolated or cross margin.
    pub mode: MarginMode,
    /// Long or short.
    pub side: Side,
    /// Base units (linear) or contracts (inverse).
    pub quantity: Quantity,
    /// Average entry price.
    pub entry: Price,
    /// Isolated margin of the position, or the cross wallet: quote currency (linear) or coin (inverse).
    pub wallet: NonNegative,
    /// Maintenance-margin rate and amount, flat or tiered.
    pub maintenance: Maintenance,
    /// Other positions sharing a cross wallet; must be zero for isolated margin.
    pub others: OtherPositions,
    /// Taker fee rate reserved for closing; only [`Model::Okx`] uses it.
    pub taker_fee: Option<Rate>,
    /// Price grid to round to; [`PRICE_DECIMALS`] places when `None`.
    pub tick_size: Option<Price>,
}

/// Where a position is liquidated and where its equity reaches zero.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Liquidation {
    liquidation_price: Option<Price>,
    bankruptcy_price: Option<Price>,
    tier: Option<usize>,
    maintenance_margin_rate: Option<MarginRate>,
    maintenance_amount: Option<NonNegative>,
}

impl Liquidation {
    /// The mark price at which the position is liquidated, rounded toward the entry; `None` when no positive
    /// price liquidates it (a long whose wallet covers the whole notional, an inverse short holding its value).
    pub fn liquidation_price(&self) -> Option<Price> {
        self.liquidation_price
    }

    /// The price at which the position's equity (wallet plus PnL) reaches zero, rounded toward the entry;
    /// `None` when no positive price does.
    pub fn bankruptcy_price(&self) -> Option<Price> {
        self.bankruptcy_price
    }

    /// Index of the tier whose rate and amount gave the liquidation price; `None` for a flat schedule, or when
    /// there is no liquidation price under a model that looks the tier up at the liquidation price.
    pub fn tier(&self) -> Option<usize> {
        self.tier
    }

    /// The maintenance-margin rate used (without OKX's fee), `None` when no tier applied.
    pub fn maintenance_margin_rate(&self) -> Option<MarginRate> {
        self.maintenance_margin_rate
    }

    /// The maintenance amount used, `None` when no tier applied.
    pub fn maintenance_amount(&self) -> Option<NonNegative> {
        self.maintenance_amount
    }
}

/// Liquidation and bankruptcy prices of one position under `config.model`'s formula (see [`Model`]).
///
/// ```
/// use scaleplan::liquidation::{liquidation, LiquidationConfig, Maintenance, MarginMode, Model, OtherPositions};
/// use scaleplan::{ContractKind, Side};
/// // Binance FAQ: cross wallet 500 USDT, long 0.02 BTC at 50,000, MMR 0.4 %, cum 0 → 25,100.4016…, which the FAQ
/// // prints as 25,100.40; on a 0.01 tick it is rounded up, toward the entry, to 25,100.41.
/// let config = LiquidationConfig {
///     model: Model::Binance,
///     contract: ContractKind::Linear,
///     mode: MarginMode::Cross,
///     side: Side::Long,
///     quantity: "0.02".parse()?,
///     entry: "50000".parse()?,
///     wallet: "500".parse()?,
///     maintenance: Maintenance::Flat { rate: "0.004".parse()?, amount: "0".parse()? },
///     others: OtherPositions::default(),
///     taker_fee: None,
///     tick_size: Some("0.01".parse()?),
/// };
/// let result = liquidation(&config)?;
/// assert_eq!(result.liquidation_price().map(|p| p.to_string()), Some("25100.41".to_owned()));
/// assert_eq!(result.bankruptcy_price().map(|p| p.to_string()), Some("25000".to_owned()));
/// # Ok::<(), scaleplan::Error>(())
/// ```
///
/// # Errors
/// [`Error::Invalid`] naming the field when the inputs contradict each other: tiers out of order or with gaps,
/// other positions given for isolated margin, a taker fee for a model other than OKX, a maintenance amount larger
/// than the maintenance margin it is deducted from, or a wallet that does not cover the maintenance margin at the
/// entry price (the position would be liquidated as it opens). [`Error::Overflow`] when the numbers leave the
/// decimal range.
pub fn liquidation(config: &LiquidationConfig) -> Result<Liquidation> {
    liquidation_with(config, config.maintenance.schedule())
}

/// [`liquidation`] with the maintenance schedule given apart from the config (whose own is then unread).
pub(crate) fn liquidation_with(config: &LiquidationConfig, maintenance: Schedule<'_>) -> Result<Liquidation> {
    check_others(config)?;
    check_fee(config, maintenance)?;
    if let Schedule::Tiers(tiers) = maintenance {
        check_tiers(tiers)?;
    }
    let frame = Frame::new(config)?;
    let available = (calc(config.wallet.get()) - config.others.maintenance_margin + config.others.unrealized_pnl)
        .get("walletBalance")?;
    let fee = config.taker_fee.map_or(Decimal::ZERO, Rate::get);

    let entry_tier = match maintenance {
        Schedule::Flat { rate, amount } => Applied { index: None, rate, amount },
        Schedule::Tiers(tiers) => {
            let index = tier_index(tiers, frame.entry_notional);
            let tier = tiers.get(index).ok_or_else(|| Error::invalid("tiers", "must hold at least one tier"))?;
            Applied::from_tier(index, tier)
        }
    };
    frame.check_entry(config, available, entry_tier, fee)?;

    let (liquidation_price, applied) = match (config.model, maintenance) {
        // Binance and Hyperliquid look the tier up at the liquidation price: no price, no tier.
        (Model::Binance | Model::Hyperliquid, Schedule::Tiers(tiers)) => match frame.walk(tiers, available)? {
            Some((notional, applied)) => match frame.price(notional, config, "liquidationPrice")? {
                Some(price) => (Some(price), Some(applied)),
                None => (None, None),
            },
            None => (None, None),
        },
        (Model::Bybit, _) => {
            let notional = frame.entry_value_root(available, entry_tier)?;
            (frame.price(notional, config, "liquidationPrice")?, Some(entry_tier))
        }
        (Model::Okx | Model::Binance | Model::Hyperliquid, _) => {
            let notional = frame.root(available, entry_tier.rate.get(), entry_tier.amount.get(), fee)?;
            (frame.price(notional, config, "liquidationPrice")?, Some(entry_tier))
        }
    };

    let bankrupt_equity = (calc(config.wallet.get()) + config.others.unrealized_pnl).get("bankruptcyPrice")?;
    let bankruptcy_notional =
        (calc(frame.entry_notional) - calc(frame.lean) * bankrupt_equity).get("bankruptcyPrice")?;
    let bankruptcy_price = frame.price(bankruptcy_notional, config, "bankruptcyPrice")?;

    Ok(Liquidation {
        liquidation_price,
        bankruptcy_price,
        tier: applied.and_then(|a| a.index),
        maintenance_margin_rate: applied.map(|a| a.rate),
        maintenance_amount: applied.map(|a| a.amount),
    })
}

/// The maintenance rate and amount in force, and which tier they came from.
#[derive(Debug, Clone, Copy)]
struct Applied {
    index: Option<usize>,
    rate: MarginRate,
    amount: NonNegative,
}

impl Applied {
    fn from_tier(index: usize, tier: &Tier) -> Self {
        Self { index: Some(index), rate: tier.maintenance_margin_rate, amount: tier.maintenance_amount }
    }
}

/// The position expressed in notional (see the module docs): everything is linear in `N`.
struct Frame {
    /// `q` (linear) or `n·CS` in USD (inverse): notional is `size·P` or `size/P`.
    size: Decimal,
    /// Notional at the entry price.
    entry_notional: Decimal,
    /// +1 when equity rises with notional (linear long, inverse short), −1 otherwise.
    lean: Decimal,
    inverse: bool,
}

impl Frame {
    fn new(config: &LiquidationConfig) -> Result<Self> {
        let quantity = config.quantity.get();
        let entry = config.entry.get();
        let side = config.side.sign();
        match config.contract {
            ContractKind::Linear => Ok(Self {
                size: quantity,
                entry_notional: (calc(quantity) * entry).get("entryNotional")?,
                lean: side,
                inverse: false,
            }),
            ContractKind::Inverse { contract_size } => {
                let size = (calc(quantity) * contract_size.get()).get("entryNotional")?;
                Ok(Self {
                    size,
                    entry_notional: (calc(size) / entry).get("entryNotional")?,
                    lean: config.side.opposite().sign(),
                    inverse: true,
                })
            }
        }
    }

    /// Equity minus maintenance margin at `notional`: positive while the position survives.
    fn surplus(&self, available: Decimal, rate: Decimal, amount: Decimal, notional: Decimal) -> Result<Decimal> {
        let equity = calc(available) + calc(self.lean) * (calc(notional) - self.entry_notional);
        (equity - calc(notional) * rate + amount).get("liquidationPrice")
    }

    /// The notional where equity meets maintenance measured there: `(WB − lean·N_E + cum) / (MMR + fee − lean)`.
    fn root(&self, available: Decimal, rate: Decimal, amount: Decimal, fee: Decimal) -> Result<Decimal> {
        let numerator = calc(available) - calc(self.lean) * self.entry_notional + amount;
        (numerator / (calc(rate) + fee - self.lean)).get("liquidationPrice")
    }

    /// Bybit's root, maintenance fixed at the entry value: `N_E − lean·(WB − MM_E)`.
    fn entry_value_root(&self, available: Decimal, applied: Applied) -> Result<Decimal> {
        let maintenance = calc(self.entry_notional) * applied.rate.get() - applied.amount.get();
        (calc(self.entry_notional) - calc(self.lean) * (calc(available) - maintenance)).get("liquidationPrice")
    }

    /// Refuses a maintenance amount larger than the margin it reduces, and a wallet that does not cover the
    /// maintenance margin at the entry price: the exchanges would not let such a position open, and the formulas
    /// would put the liquidation price on the wrong side of the entry.
    fn check_entry(
        &self,
        config: &LiquidationConfig,
        available: Decimal,
        applied: Applied,
        fee: Decimal,
    ) -> Result<()> {
        let base = (calc(self.entry_notional) * applied.rate.get()).get("maintenanceMargin")?;
        if applied.amount.get() > base {
            let field = match applied.index {
                Some(index) => format!("tiers[{index}].maintenanceAmount"),
                None => "maintenanceAmount".to_owned(),
            };
            return Err(Error::invalid(
                field,
                format!(
                    "must not exceed notional × rate at the entry ({}), the margin it is deducted from",
                    base.normalize()
                ),
            ));
        }
        let rate = match config.model {
            Model::Okx => (calc(applied.rate.get()) + fee).get("maintenanceMargin")?,
            Model::Binance | Model::Bybit | Model::Hyperliquid => applied.rate.get(),
        };
        if self.surplus(available, rate, applied.amount.get(), self.entry_notional)? > Decimal::ZERO {
            return Ok(());
        }
        let maintenance = (calc(self.entry_notional) * rate - applied.amount.get()).get("maintenanceMargin")?;
        let problem = if config.others == OtherPositions::default() {
            format!(
                "must be more than the maintenance margin at the entry price ({}); with less the position is \
                 liquidated as soon as it opens",
                maintenance.normalize()
            )
        } else {
            format!(
                "must be more than the maintenance margin at the entry price ({}) plus otherMaintenanceMargin minus \
                 otherUnrealizedPnl; with less the position is liquidated as soon as it opens",
                maintenance.normalize()
            )
        };
        Err(Error::invalid("walletBalance", problem))
    }

    /// Binance's tier rule: walk from the entry tier in the adverse direction, solving with each tier's rate and
    /// amount, and keep the first root inside its own tier. For tiers with continuous maintenance margin this is
    /// the one self-consistent tier; when a tier's amount leaves a jump and the surplus is already gone at the
    /// boundary, the boundary itself is where the position is liquidated.
    fn walk(&self, tiers: &[Tier], available: Decimal) -> Result<Option<(Decimal, Applied)>> {
        let start = tier_index(tiers, self.entry_notional);
        let last = tiers.len().saturating_sub(1);
        // Equity falls with notional when `lean` is +1 (a linear long losing as the price drops), so the walk
        // goes down the tiers; otherwise up.
        let descending = self.lean > Decimal::ZERO;
        let order: Box<dyn Iterator<Item = (usize, &Tier)>> = if descending {
            Box::new(tiers.iter().enumerate().take(start.saturating_add(1)).rev())
        } else {
            Box::new(tiers.iter().enumerate().skip(start))
        };
        let mut boundary = self.entry_notional;
        for (index, tier) in order {
            let applied = Applied::from_tier(index, tier);
            let (rate, amount) = (tier.maintenance_margin_rate.get(), tier.maintenance_amount.get());
            if self.surplus(available, rate, amount, boundary)? <= Decimal::ZERO {
                return Ok(Some((boundary, applied)));
            }
            let root = self.root(available, rate, amount, Decimal::ZERO)?;
            if descending {
                // Below the first tier's floor the first tier still applies.
                let floor = if index == 0 { Decimal::ZERO } else { tier.notional_floor.get() };
                if root >= floor {
                    return Ok(Some((root, applied)));
                }
                boundary = floor;
            } else {
                // Past the last tier's cap the last tier still applies.
                match tier.notional_cap {
                    Some(cap) if index < last && root > cap.get() => boundary = cap.get(),
                    _ => return Ok(Some((root, applied))),
                }
            }
        }
        Ok(None)
    }

    /// The price at `notional`, rounded toward the entry; `None` when the notional is not positive.
    fn price(&self, notional: Decimal, config: &LiquidationConfig, field: &str) -> Result<Option<Price>> {
        if notional <= Decimal::ZERO {
            return Ok(None);
        }
        // A quotient past the decimal range is a price no market reaches: an inverse short at 1x leaves a
        // liquidation notional that is only a rounding residue. That is "no liquidation price", not a failure.
        let Some(exact) = (if self.inverse { calc(self.size) / notional } else { calc(notional) / self.size }).ok()
        else {
            return Ok(None);
        };
        // An inverse price is a quotient of quotients (n·CS / (n·CS/P)): its last digits carry a residue
        // (77,190 comes out as 77,189.999…9). Settling it at 16 places first, far below any tick, keeps the
        // conservative rounding below from moving an exact price one tick.
        let exact = if self.inverse { round_dp(exact, INVERSE_SETTLE_DECIMALS, Round::Nearest) } else { exact };
        let how = config.side.conservative_liquidation();
        let rounded = match config.tick_size {
            Some(tick) => round_to_step(exact, tick.get(), how, field)?,
            None => round_dp(exact, PRICE_DECIMALS, how),
        };
        if rounded <= Decimal::ZERO {
            // Only a short rounds down; its price lies above an entry too small for the grid.
            return Err(match config.tick_size {
                Some(_) => Error::invalid(
                    "tickSize",
                    format!("is coarser than the {field} ({exact}); use the contract's tick size"),
                ),
                None => Error::invalid("entryPrice", "is too small to price at 8 decimal places; give a tickSize"),
            });
        }
        Price::new(field, rounded).map(Some)
    }
}

/// Index of the tier holding `notional`: the first that contains it, the first tier below every floor and the
/// last past every cap. `tiers` is non-empty, contiguous and ascending ([`check_tiers`]).
fn tier_index(tiers: &[Tier], notional: Decimal) -> usize {
    tiers.iter().position(|t| t.contains(notional)).unwrap_or_else(|| match tiers.first() {
        Some(first) if notional < first.notional_floor.get() => 0,
        _ => tiers.len().saturating_sub(1),
    })
}

/// Tiers must be non-empty, each floor below its cap, each floor equal to the previous cap, and only the last
/// unbounded: the walk over tiers relies on their order.
fn check_tiers(tiers: &[Tier]) -> Result<()> {
    if tiers.is_empty() {
        return Err(Error::invalid("tiers", "must hold at least one tier"));
    }
    let last = tiers.len().saturating_sub(1);
    let mut previous_cap: Option<Decimal> = None;
    for (index, tier) in tiers.iter().enumerate() {
        let floor = tier.notional_floor.get();
        if let Some(cap) = previous_cap {
            if floor != cap {
                return Err(Error::invalid(
                    format!("tiers[{index}].notionalFloor"),
                    format!("must equal the previous tier's notionalCap ({cap}); list tiers in ascending order without gaps"),
                ));
            }
        }
        match tier.notional_cap {
            Some(cap) if cap.get() <= floor => {
                return Err(Error::invalid(format!("tiers[{index}].notionalCap"), "must be above notionalFloor"));
            }
            None if index < last => {
                return Err(Error::invalid(
                    format!("tiers[{index}].notionalCap"),
                    "is required on all but the last tier",
                ));
            }
            _ => {}
        }
        previous_cap = tier.notional_cap.map(NonNegative::get);
    }
    Ok(())
}

fn check_others(config: &LiquidationConfig) -> Result<()> {
    let others = config.others;
    if others.maintenance_margin < Decimal::ZERO {
        return Err(Error::invalid("otherMaintenanceMargin", "must be 0 or more"));
    }
    if config.mode == MarginMode::Isolated {
        let isolated = "applies only to cross margin; an isolated position does not share its wallet";
        if !others.maintenance_margin.is_zero() {
            return Err(Error::invalid("otherMaintenanceMargin", isolated));
        }
        if !others.unrealized_pnl.is_zero() {
            return Err(Error::invalid("otherUnrealizedPnl", isolated));
        }
    }
    Ok(())
}

fn check_fee(config: &LiquidationConfig, maintenance: Schedule<'_>) -> Result<()> {
    let Some(fee) = config.taker_fee.map(Rate::get) else { return Ok(()) };
    match config.model {
        Model::Okx if fee < Decimal::ZERO => {
            Err(Error::invalid("takerFeeRate", "must be 0 or more (0.0005 is 0.05 %)"))
        }
        Model::Okx => {
            let highest = match maintenance {
                Schedule::Flat { rate, .. } => rate.get(),
                Schedule::Tiers(tiers) => {
                    tiers.iter().map(|t| t.maintenance_margin_rate.get()).max().unwrap_or(Decimal::ZERO)
                }
            };
            if (calc(highest) + fee).get("takerFeeRate")? >= Decimal::ONE {
                return Err(Error::invalid("takerFeeRate", "added to the maintenance-margin rate must stay below 1"));
            }
            Ok(())
        }
        Model::Binance | Model::Bybit | Model::Hyperliquid if fee.is_zero() => Ok(()),
        Model::Binance | Model::Bybit | Model::Hyperliquid => Err(Error::invalid(
            "takerFeeRate",
            "is used only by the okx model; leave it out for binance, bybit and hyperliquid",
        )),
    }
}

