//! Liquidation and bankruptcy prices of one position, computed the way Binance, Bybit, OKX, Hyperliquid, BingX,
//! MEXC and WEEX do.
//!
//! Two families of formulas exist and give different prices for the same trade (see [`Model`]):
//! maintenance margin measured at the liquidation price (Binance, Hyperliquid, OKX, BingX, WEEX) or on the entry
//! value (Bybit, MEXC). Within a family the models differ in where the tier is looked up ([`TierBasis`]) and whether
//! the taker fee of closing is reserved with the maintenance margin. Both families are solved here in one variable,
//! the position's notional `N` in the unit the exchanges tier by:
//! `N = q·P` in the quote currency for linear contracts and `N = n·CS/P` in coin for inverse ones. In that variable
//! the equity of the position is linear for both kinds of contract:
//!
//! `equity(N) = WB + lean·(N − N_E)`, with `lean = side` (linear) or `−side` (inverse), `N_E` the entry notional,
//!
//! since a linear PnL is `side·q·(P − E) = side·(N − N_E)` and an inverse one `side·n·CS·(1/E − 1/P) = −side·(N − N_E)`.
//! Maintenance margin is `N·MMR − cum` (Binance "cum", Bybit/Hyperliquid deduction, BingX "maintAmount"; MEXC and
//! WEEX publish none, so 0). Solving `equity(N) = N·MMR − cum` gives `N* = (WB − lean·N_E + cum) / (MMR − lean)`,
//! which is Binance's published `LP = (WB − TMM1 + UPNL1 + cum − side·q·E) / (q·MMR − side·q)` for linear contracts
//! and `LP = n·CS·(MMR + side) / (WB + cum + side·n·CS/E)` for inverse ones. A model that reserves the closing fee
//! solves with `MMR + fee` in place of `MMR`.
//!
//! Orders still resting on the book ([`RestingOrders`]) take part only in cross margin and only under the models
//! whose exchange counts them: MEXC leaves their margin out of the cross equity, BingX counts their size toward the
//! maintenance margin, the closing fee and the tier and freezes their trading fee. The sources are in
//! `docs/research/exchanges.md`.
//!
//! Prices are returned rounded toward the entry ([`Side::conservative_liquidation`]), so the price shown is never
//! further away than the exact one: to the tick size when one is given, otherwise to [`PRICE_DECIMALS`] places.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::instrument::{ContractKind, Tier};
use crate::num::{
    calc, divide_to_step, round_dp, round_to_step, Calc, Leverage, MarginRate, NonNegative, Price, Quantity, Rate, Round,
    Side,
};

/// Decimal places of a returned price when no tick size is given.
pub const PRICE_DECIMALS: u32 = 8;

/// Decimal places an inverse contract's price is settled at before it is rounded to the tick.
const INVERSE_SETTLE_DECIMALS: u32 = 16;

/// One unit in the last of [`PRICE_DECIMALS`] places: the grid of a price when no tick size is given.
const PRICE_STEP: Decimal = Decimal::from_parts(1, 0, 0, false, PRICE_DECIMALS);

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
    /// BingX Perpetual Futures: liquidation when "Margin Rate <= Maintenance Margin Rate + Taker Fee Rate", the
    /// margin rate taken on the position value at the mark and the tier on that notional value. Binance's tier walk
    /// (tier at the liquidation notional) solved with `MMR + takerFeeRate`; the tier's `maintAmount` is Binance's
    /// `cum`. It differs from [`Model::Okx`] only in the tier rule, which OKX takes at the entry.
    ///
    /// Source: BingX help "Perpetual Futures | Fee Schedule" (article 360046487573), "Perpetual Futures Forced
    /// Liquidation Rules" (10689309996185: liquidation when "margin ≤ maintenance margin + taker fee") and "What is
    /// forced liquidation" (11263299509391: risk = (maintenance margin + closing fee) / (margin + unrealized PnL),
    /// maintenance "calculated based on your positions (notional value) within the tiers"); tiers from
    /// `GET /openApi/swap/v1/maintMarginRatio`. BingX publishes no separate coin-margined formula; for inverse
    /// contracts this model applies the same equation in coin.
    ///
    /// In cross margin, orders still resting count toward the maintenance margin, the closing fee and the tier
    /// ([`RestingOrders::notional`]) and their taker fee is frozen ([`RestingOrders::fees`]): "The maintenance
    /// margin and position closing fee for cross margin positions are calculated based on position data and the
    /// number of pending orders. Frozen assets refer to ... trading fees for cross margin pending orders."
    ///
    /// BingX's other product, Standard Futures, liquidates when equity falls to an "adjustment factor" times the
    /// initial margin; that is the [`Model::Bybit`] equation with `MMR = adjustment factor ÷ leverage` (see
    /// `docs/research/exchanges.md`) and needs no model of its own.
    Bingx,
    /// MEXC: Bybit's equation (maintenance margin on the opening value, `LP = E − side·(PM − MM)/q` with
    /// `MM = E·q·MMR`), with MEXC's risk limits: tiers counted in contracts, so looked up by the position's size
    /// ([`TierBasis::PositionSize`]: tier bounds are base units for linear contracts, contracts for inverse ones),
    /// and no maintenance amount (each level's rate applies to the whole position).
    ///
    /// Source: MEXC blog "Liquidation in Futures" (long 0.1 BTC at 50,000 with 25×, MMR 0.4 %: MM = 20, position
    /// margin 200, liquidation price 48,200, "commission excluded"); MEXC "Liquidation and Risk Limit" (support
    /// article 360044646391: "Position Margin + Unrealized P&L ≤ Maintenance Margin + Liquidation Fees"); the
    /// contract API's `riskBaseVol`, `riskIncrVol`, `riskIncrMmr`, `riskLevelLimit` and `riskLimitType`
    /// ("BY_VOLUME"). MEXC publishes no rate for its liquidation fees, and its own example leaves them out; so does
    /// this model.
    ///
    /// In cross margin the margin of orders still resting is left out of the equity ([`RestingOrders::margin`]):
    /// "Equity in cross margin account (excluding ... all order margin) ≤ Maintenance Margin + Liquidation Fees".
    Mexc,
    /// WEEX: Binance's equation with no maintenance amount (WEEX's tier tables give only a rate), tier at the
    /// liquidation notional; in cross margin the closing fee rate is added to the maintenance rate, in isolated
    /// margin it is not.
    ///
    /// Source: WEEX help "WEEX Futures: Estimated liquidation price" and "Maintenance Margin Rate" (margin rate =
    /// (position margin + unrealized PnL) ÷ (face value × contracts × mark price), liquidation when it reaches the
    /// maintenance rate), "Liquidation process" ("Under the cross margin system ... the margin rate falls below or
    /// equals the maintenance margin rate plus the closing fee rate") and "WEEX Futures Pro: Estimated liquidation
    /// price" (`mark − (value − maintenance) ÷ (q·(1 − MMR))` for a long, which rearranges to Binance's equation).
    Weex,
}

/// Where a [`Model`] looks up the maintenance tier of a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TierBasis {
    /// The notional at the liquidation price: each tier is tried and the self-consistent one kept (Binance,
    /// Hyperliquid, BingX, WEEX).
    LiquidationNotional,
    /// The notional at the entry price (Bybit; OKX, whose tiers are bounded by size, which the price does not move).
    EntryNotional,
    /// The position's size: base units for linear contracts, contracts for inverse ones (MEXC's risk limits "by
    /// volume"). The tiers' `notionalFloor`/`notionalCap` are then sizes, not notionals.
    PositionSize,
}

/// How an exchange counts orders still resting on the book against a cross wallet (see [`RestingOrders`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RestingRule {
    /// The orders' initial margin (value ÷ leverage) is left out of the cross equity (MEXC).
    ReserveMargin,
    /// The orders' notional counts toward the maintenance margin, the closing fee and the tier, and their taker fee
    /// is frozen out of the collateral (BingX).
    CountInMaintenance,
}

/// Where a model measures the maintenance margin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Measure {
    /// At the liquidation price (the notional there).
    AtLiquidation,
    /// On the entry value, fixed when the position opens.
    OnEntryValue,
}

impl Model {
    /// Every model, in the order the plan schema and the presets list them.
    pub const ALL: [Self; 7] =
        [Self::Binance, Self::Bybit, Self::Okx, Self::Hyperliquid, Self::Bingx, Self::Mexc, Self::Weex];

    /// The model's serialized name (`binance`, `bingx`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Self::Binance => "binance",
            Self::Bybit => "bybit",
            Self::Okx => "okx",
            Self::Hyperliquid => "hyperliquid",
            Self::Bingx => "bingx",
            Self::Mexc => "mexc",
            Self::Weex => "weex",
        }
    }

    /// Where the model looks up the tier.
    pub fn tier_basis(self) -> TierBasis {
        match self {
            Self::Binance | Self::Hyperliquid | Self::Bingx | Self::Weex => TierBasis::LiquidationNotional,
            Self::Bybit | Self::Okx => TierBasis::EntryNotional,
            Self::Mexc => TierBasis::PositionSize,
        }
    }

    /// Whether the model reserves the taker fee of closing with the maintenance margin in `mode`.
    pub fn reserves_closing_fee(self, mode: MarginMode) -> bool {
        match self {
            Self::Okx | Self::Bingx => true,
            Self::Weex => mode == MarginMode::Cross,
            Self::Binance | Self::Bybit | Self::Hyperliquid | Self::Mexc => false,
        }
    }

    /// How the model's exchange counts orders still resting against a cross wallet; `None` when it does not
    /// (Binance takes open orders' margin from the available balance, not from the wallet its liquidation reads;
    /// no rule was found for Bybit, OKX, Hyperliquid or WEEX).
    pub fn resting_rule(self) -> Option<RestingRule> {
        match self {
            Self::Mexc => Some(RestingRule::ReserveMargin),
            Self::Bingx => Some(RestingRule::CountInMaintenance),
            Self::Binance | Self::Bybit | Self::Okx | Self::Hyperliquid | Self::Weex => None,
        }
    }

    fn measure(self) -> Measure {
        match self {
            Self::Bybit | Self::Mexc => Measure::OnEntryValue,
            Self::Binance | Self::Okx | Self::Hyperliquid | Self::Bingx | Self::Weex => Measure::AtLiquidation,
        }
    }
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

/// Orders of the same contract still resting on the book, as the exchanges that count them against a cross wallet
/// do (see [`RestingRule`] and `docs/research/exchanges.md`). All amounts are in the margin currency: the quote
/// currency for linear contracts, the coin for inverse ones.
///
/// Build it with [`RestingOrders::order`] for each order and [`RestingOrders::plus`]; each model reads only what
/// its rule names and refuses the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RestingOrders {
    /// Initial margin the orders reserve, left out of the cross equity ([`RestingRule::ReserveMargin`]).
    pub margin: Decimal,
    /// The orders' notional at their prices (`q·P`, or `n·CS/P` in coin), counted with the position's toward the
    /// maintenance margin, the closing fee and the tier ([`RestingRule::CountInMaintenance`]).
    pub notional: Decimal,
    /// Trading fees frozen for the orders, left out of the collateral ([`RestingRule::CountInMaintenance`]).
    pub fees: Decimal,
}

impl RestingOrders {
    /// What one order of `value` (its notional at its price, in the margin currency) at `leverage` takes from a
    /// cross wallet under `rule`: its initial margin `value ÷ leverage`, or its notional and its taker fee
    /// `value × taker_fee` (BingX freezes "Σ(order amount / leverage) + taker fee" for an order, help "Account
    /// Structure (Perpetual Swap)"; for cross orders only the fee is frozen).
    ///
    /// # Errors
    /// [`Error::Overflow`] when the numbers leave the decimal range.
    pub fn order(rule: RestingRule, value: Decimal, leverage: Leverage, taker_fee: Rate) -> Result<Self> {
        Ok(match rule {
            RestingRule::ReserveMargin => {
                Self { margin: (calc(value) / leverage.get()).get("restingOrders")?, ..Self::default() }
            }
            RestingRule::CountInMaintenance => {
                Self { notional: value, fees: (calc(value) * taker_fee.get()).get("restingOrders")?, ..Self::default() }
            }
        })
    }

    /// The sum of both.
    ///
    /// # Errors
    /// [`Error::Overflow`] when the numbers leave the decimal range.
    pub fn plus(self, other: Self) -> Result<Self> {
        Ok(Self {
            margin: (calc(self.margin) + other.margin).get("restingOrders")?,
            notional: (calc(self.notional) + other.notional).get("restingOrders")?,
            fees: (calc(self.fees) + other.fees).get("restingOrders")?,
        })
    }

    /// What is left once `other` no longer rests (it filled).
    ///
    /// # Errors
    /// [`Error::Overflow`] when the numbers leave the decimal range.
    pub fn minus(self, other: Self) -> Result<Self> {
        Ok(Self {
            margin: (calc(self.margin) - other.margin).get("restingOrders")?,
            notional: (calc(self.notional) - other.notional).get("restingOrders")?,
            fees: (calc(self.fees) - other.fees).get("restingOrders")?,
        })
    }
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
    /// Orders still resting that the exchange counts against a cross wallet; all zero for isolated margin and for
    /// models whose exchange does not count them ([`Model::resting_rule`]).
    pub resting: RestingOrders,
    /// Taker fee rate reserved for closing; used by the models that reserve it ([`Model::reserves_closing_fee`]:
    /// OKX and BingX, WEEX in cross margin), 0 when left out.
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

    /// The maintenance-margin rate used (without any closing fee added to it), `None` when no tier applied.
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
/// use scaleplan::liquidation::{
///     liquidation, LiquidationConfig, Maintenance, MarginMode, Model, OtherPositions, RestingOrders,
/// };
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
///     resting: RestingOrders::default(),
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
/// other positions or resting orders given for isolated margin, resting orders the model's exchange does not count,
/// a taker fee for a model that reserves none, a maintenance amount larger than the maintenance margin it is
/// deducted from, or a wallet that does not cover the maintenance margin at the entry price (the position would be
/// liquidated as it opens). [`Error::Overflow`] when the numbers leave the decimal range.
pub fn liquidation(config: &LiquidationConfig) -> Result<Liquidation> {
    liquidation_with(config, config.maintenance.schedule(), None, Checks::All)
}

/// Which checks of its inputs [`liquidation_with`] makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Checks {
    /// Every one.
    All,
    /// Only those of the resting orders: the caller made a call before with the same model, mode, other positions,
    /// fee and tiers and it passed the others (a plan's walk, whose later tranches change only the position, its
    /// margin and what still rests). Checking the tiers and the fee took a twentieth of a plan's evaluation.
    RestingOnly,
}

/// [`liquidation`] with the maintenance schedule given apart from the config (whose own is then unread), and
/// optionally the entry's value as the fills add it up (`Σ qᵢ·pᵢ` linear, `Σ qᵢ·CS/pᵢ` inverse): the notional at
/// the entry exactly, where `q·E` from the 28-digit average entry carries a rounding residue and makes every
/// step of the walk compute on long numbers.
pub(crate) fn liquidation_with(
    config: &LiquidationConfig,
    maintenance: Schedule<'_>,
    entry_value: Option<Decimal>,
    checks: Checks,
) -> Result<Liquidation> {
    check_resting(config)?;
    if checks == Checks::All {
        check_others(config)?;
        check_fee(config, maintenance)?;
        if let Schedule::Tiers(tiers) = maintenance {
            check_tiers(tiers)?;
        }
    }
    let frame = Frame::new(config, entry_value)?;
    let resting = config.resting;
    let available = (calc(config.wallet.get()) - config.others.maintenance_margin + config.others.unrealized_pnl
        - resting.margin
        - resting.fees)
        .get("walletBalance")?;
    let fee = if config.model.reserves_closing_fee(config.mode) {
        config.taker_fee.map_or(Decimal::ZERO, Rate::get)
    } else {
        Decimal::ZERO
    };

    let entry_tier = match maintenance {
        Schedule::Flat { rate, amount } => Applied { index: None, rate, amount },
        Schedule::Tiers(tiers) => {
            let measure = match config.model.tier_basis() {
                TierBasis::PositionSize => config.quantity.get(),
                TierBasis::LiquidationNotional | TierBasis::EntryNotional => frame.measure(frame.entry_notional)?,
            };
            let index = tier_index(tiers, measure);
            let tier = tiers.get(index).ok_or_else(|| Error::invalid("tiers", "must hold at least one tier"))?;
            Applied::from_tier(index, tier)
        }
    };
    frame.check_entry(config, available, entry_tier, fee)?;

    let (liquidation_price, applied) = match (config.model.tier_basis(), config.model.measure(), maintenance) {
        // Looked up at the liquidation price: no price, no tier.
        (TierBasis::LiquidationNotional, _, Schedule::Tiers(tiers)) => {
            // The walk starts from the entry tier (looked up above at the same measure), checked at the entry.
            let walked = match entry_tier.index {
                Some(start) => frame.walk(tiers, start, available, fee)?,
                None => None,
            };
            match walked {
                Some((notional, applied)) => match frame.price(notional, config, "liquidationPrice")? {
                    Some(price) => (Some(price), Some(applied)),
                    None => (None, None),
                },
                None => (None, None),
            }
        }
        (_, Measure::OnEntryValue, _) => {
            let notional = frame.entry_value_root(available, entry_tier)?;
            (frame.price(Fraction::whole(notional), config, "liquidationPrice")?, Some(entry_tier))
        }
        (_, Measure::AtLiquidation, _) => {
            let rate = (calc(entry_tier.rate.get()) + fee).get("liquidationPrice")?;
            let notional = frame.root(available, rate, entry_tier.amount.get())?;
            (frame.price(notional, config, "liquidationPrice")?, Some(entry_tier))
        }
    };

    let bankrupt_equity = (calc(config.wallet.get()) + config.others.unrealized_pnl - resting.margin - resting.fees)
        .get("bankruptcyPrice")?;
    let bankruptcy_notional =
        (calc(frame.entry_notional) - frame.lean(calc(bankrupt_equity))).get("bankruptcyPrice")?;
    let bankruptcy_price = frame.price(Fraction::whole(bankruptcy_notional), config, "bankruptcyPrice")?;

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

/// A notional as the fraction `num / den` (`den > 0`): a root of the liquidation equation is one division, and
/// keeping it undivided lets the walk compare it with tier bounds exactly and the price be rounded to the tick
/// from the exact value in one integer division ([`divide_to_step`]), instead of dividing to 28 digits, dividing
/// that by the size to 28 digits again, and rounding the result.
#[derive(Debug, Clone, Copy)]
struct Fraction {
    num: Decimal,
    den: Decimal,
}

impl Fraction {
    fn whole(value: Decimal) -> Self {
        Self { num: value, den: Decimal::ONE }
    }

    /// `num / den` for any nonzero `den`.
    fn new(num: Decimal, den: Decimal) -> Result<Self> {
        if den.is_zero() {
            return Err(Error::overflow("liquidationPrice"));
        }
        if den < Decimal::ZERO {
            Ok(Self { num: (-calc(num)).get("liquidationPrice")?, den: (-calc(den)).get("liquidationPrice")? })
        } else {
            Ok(Self { num, den })
        }
    }

    /// The notional as a decimal (28 significant digits).
    fn value(self) -> Calc {
        calc(self.num) / self.den
    }

    /// Whether the fraction is at least `bound` (`at_least`) or above it, exactly.
    fn beyond(self, bound: Decimal, at_least: bool) -> Result<bool> {
        let scaled = (calc(bound) * self.den).get("liquidationPrice")?;
        Ok(if at_least { self.num >= scaled } else { self.num > scaled })
    }
}

/// The position expressed in notional (see the module docs): everything is linear in `N`.
struct Frame {
    /// `q` (linear) or `n·CS` in USD (inverse): notional is `size·P` or `size/P`.
    size: Decimal,
    /// Notional at the entry price.
    entry_notional: Decimal,
    /// Notional of resting orders counted with the position's toward maintenance and the tier (BingX); 0 otherwise.
    offset: Decimal,
    /// +1 when equity rises with notional (linear long, inverse short), −1 otherwise.
    lean: Decimal,
    inverse: bool,
}

impl Frame {
    fn new(config: &LiquidationConfig, entry_value: Option<Decimal>) -> Result<Self> {
        let quantity = config.quantity.get();
        let entry = config.entry.get();
        let side = config.side.sign();
        let offset = config.resting.notional;
        match config.contract {
            ContractKind::Linear => Ok(Self {
                size: quantity,
                entry_notional: match entry_value {
                    Some(value) => value,
                    None => (calc(quantity) * entry).get("entryNotional")?,
                },
                offset,
                lean: side,
                inverse: false,
            }),
            ContractKind::Inverse { contract_size } => {
                let size = (calc(quantity) * contract_size.get()).get("entryNotional")?;
                Ok(Self {
                    size,
                    entry_notional: match entry_value {
                        Some(value) => value,
                        None => (calc(size) / entry).get("entryNotional")?,
                    },
                    offset,
                    lean: config.side.opposite().sign(),
                    inverse: true,
                })
            }
        }
    }

    /// `lean·x`, without a multiplication ([`Calc::signed`]).
    fn lean(&self, x: Calc) -> Calc {
        x.signed(self.lean.is_sign_negative())
    }

    /// What the tiers and the maintenance margin read at the position's `notional`: that notional plus the
    /// resting orders counted with it.
    fn measure(&self, notional: Decimal) -> Result<Decimal> {
        (calc(notional) + self.offset).get("liquidationPrice")
    }

    /// Equity minus maintenance margin (with the closing fee, if any, in `rate`) at `notional`: positive while the
    /// position survives.
    fn surplus(&self, available: Decimal, rate: Decimal, amount: Decimal, notional: Decimal) -> Result<Decimal> {
        let equity = calc(available) + self.lean(calc(notional) - self.entry_notional);
        (equity - (calc(notional) + self.offset) * rate + amount).get("liquidationPrice")
    }

    /// The notional where equity meets maintenance measured there, `rate` being `MMR + fee`:
    /// `(WB − lean·N_E + cum − offset·(MMR + fee)) / (MMR + fee − lean)`.
    fn root(&self, available: Decimal, rate: Decimal, amount: Decimal) -> Result<Fraction> {
        let numerator = calc(available) - self.lean(calc(self.entry_notional)) + amount - calc(self.offset) * rate;
        Fraction::new(numerator.get("liquidationPrice")?, (calc(rate) - self.lean).get("liquidationPrice")?)
    }

    /// Bybit's root, maintenance fixed at the entry value: `N_E − lean·(WB − MM_E)`.
    fn entry_value_root(&self, available: Decimal, applied: Applied) -> Result<Decimal> {
        let maintenance = calc(self.entry_notional) * applied.rate.get() - applied.amount.get();
        (calc(self.entry_notional) - self.lean(calc(available) - maintenance)).get("liquidationPrice")
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
        let base = (calc(self.measure(self.entry_notional)?) * applied.rate.get()).get("maintenanceMargin")?;
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
        let rate = (calc(applied.rate.get()) + fee).get("maintenanceMargin")?;
        if self.surplus(available, rate, applied.amount.get(), self.entry_notional)? > Decimal::ZERO {
            return Ok(());
        }
        let maintenance =
            (calc(self.measure(self.entry_notional)?) * rate - applied.amount.get()).get("maintenanceMargin")?;
        let problem = if config.others == OtherPositions::default() && config.resting == RestingOrders::default() {
            format!(
                "must be more than the maintenance margin at the entry price ({}); with less the position is \
                 liquidated as soon as it opens",
                maintenance.normalize()
            )
        } else {
            format!(
                "must be more than the maintenance margin at the entry price ({}) plus what the other positions and \
                 the resting orders take from it; with less the position is liquidated as soon as it opens",
                maintenance.normalize()
            )
        };
        Err(Error::invalid("walletBalance", problem))
    }

    /// Binance's tier rule: walk from the entry tier in the adverse direction, solving with each tier's rate and
    /// amount (plus `fee`), and keep the first root inside its own tier. For tiers with continuous maintenance
    /// margin this is the one self-consistent tier; when a tier's amount leaves a jump (WEEX's and MEXC's tiers have
    /// no amounts) and the surplus is already gone at the boundary, the boundary itself is where the position is
    /// liquidated. Tier bounds are compared with the position's notional plus the resting orders counted with it.
    ///
    /// `start` is the entry tier, whose surplus at the entry [`Frame::check_entry`] has found positive already: the
    /// walk does not work it out again.
    fn walk(&self, tiers: &[Tier], start: usize, available: Decimal, fee: Decimal) -> Result<Option<(Fraction, Applied)>> {
        let last = tiers.len().saturating_sub(1);
        // Equity falls with notional when `lean` is +1 (a linear long losing as the price drops), so the walk
        // goes down the tiers; otherwise up.
        let descending = self.lean > Decimal::ZERO;
        // A tier bound on the measure, as the position's own notional.
        let position_notional = |bound: Decimal| (calc(bound) - self.offset).get("liquidationPrice");
        let mut boundary = self.entry_notional;
        let mut index = start;
        while let Some(tier) = tiers.get(index) {
            let applied = Applied::from_tier(index, tier);
            let rate = (calc(tier.maintenance_margin_rate.get()) + fee).get("liquidationPrice")?;
            let amount = tier.maintenance_amount.get();
            if index != start && self.surplus(available, rate, amount, boundary)? <= Decimal::ZERO {
                return Ok(Some((Fraction::whole(boundary), applied)));
            }
            let root = self.root(available, rate, amount)?;
            if descending {
                // Below the first tier's floor the first tier still applies.
                let Some(below) = index.checked_sub(1) else {
                    return Ok(Some((root, applied)));
                };
                let floor = position_notional(tier.notional_floor.get())?;
                if root.beyond(floor, true)? {
                    return Ok(Some((root, applied)));
                }
                boundary = floor;
                index = below;
            } else {
                // Past the last tier's cap the last tier still applies.
                match tier.notional_cap {
                    Some(cap) if index < last && root.beyond(position_notional(cap.get())?, false)? => {
                        boundary = position_notional(cap.get())?;
                        index = index.saturating_add(1);
                    }
                    _ => return Ok(Some((root, applied))),
                }
            }
        }
        Ok(None)
    }

    /// The price at `notional`, rounded toward the entry; `None` when the notional is not positive.
    fn price(&self, notional: Fraction, config: &LiquidationConfig, field: &str) -> Result<Option<Price>> {
        if notional.num <= Decimal::ZERO {
            return Ok(None);
        }
        let how = config.side.conservative_liquidation();
        if !self.inverse {
            // `N / q` rounded to the grid straight from the fraction `num / (den·q)`.
            let step = config.tick_size.map_or(PRICE_STEP, Price::get);
            let fast = (calc(notional.den) * self.size).ok().and_then(|den| divide_to_step(notional.num, den, step, how));
            if let Some(rounded) = fast.filter(|r| *r > Decimal::ZERO) {
                return Price::new(field, rounded).map(Some);
            }
        }
        let Some(notional) = notional.value().ok() else { return Ok(None) };
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

/// Index of the tier holding `measure` (a notional, or a size under [`TierBasis::PositionSize`]): the first that
/// contains it, the first tier below every floor and the last past every cap. `tiers` is non-empty, contiguous and
/// ascending ([`check_tiers`]).
fn tier_index(tiers: &[Tier], measure: Decimal) -> usize {
    tiers.iter().position(|t| t.contains(measure)).unwrap_or_else(|| match tiers.first() {
        Some(first) if measure < first.notional_floor.get() => 0,
        _ => tiers.len().saturating_sub(1),
    })
}

/// Tiers must be non-empty, each floor below its cap, each floor equal to the previous cap, and only the last
/// unbounded: the walk over tiers relies on their order.
pub(crate) fn check_tiers(tiers: &[Tier]) -> Result<()> {
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

/// Resting orders only share a cross wallet, and only under the model whose exchange counts them, each in the way
/// that exchange does.
fn check_resting(config: &LiquidationConfig) -> Result<()> {
    let resting = config.resting;
    if resting == RestingOrders::default() {
        return Ok(());
    }
    if [resting.margin, resting.notional, resting.fees].iter().any(|v| *v < Decimal::ZERO) {
        return Err(Error::invalid("restingOrders", "amounts must be 0 or more"));
    }
    if config.mode == MarginMode::Isolated {
        return Err(Error::invalid(
            "restingOrders",
            "apply only to cross margin; resting orders do not touch an isolated position's margin",
        ));
    }
    let name = config.model.name();
    match config.model.resting_rule() {
        None => Err(Error::invalid(
            "restingOrders",
            format!("are not counted against cross collateral under the {name} model; only bingx and mexc count them"),
        )),
        Some(RestingRule::ReserveMargin) if !resting.notional.is_zero() || !resting.fees.is_zero() => {
            Err(Error::invalid(
                "restingOrders",
                format!("under the {name} model reserve only their margin; leave their notional and fees at 0"),
            ))
        }
        Some(RestingRule::CountInMaintenance) if !resting.margin.is_zero() => Err(Error::invalid(
            "restingOrders",
            format!("under the {name} model count their notional and fees, not their margin; leave it at 0"),
        )),
        Some(_) => Ok(()),
    }
}

fn check_fee(config: &LiquidationConfig, maintenance: Schedule<'_>) -> Result<()> {
    let Some(fee) = config.taker_fee.map(Rate::get) else { return Ok(()) };
    if !config.model.reserves_closing_fee(config.mode) {
        if fee.is_zero() {
            return Ok(());
        }
        return Err(Error::invalid(
            "takerFeeRate",
            match config.model {
                Model::Weex => "is added by the weex model in cross margin only; leave it out for isolated margin",
                _ => {
                    "is used only by the okx, bingx and weex (cross margin) models; leave it out for binance, \
                      bybit, hyperliquid and mexc"
                }
            },
        ));
    }
    if fee < Decimal::ZERO {
        return Err(Error::invalid("takerFeeRate", "must be 0 or more (0.0005 is 0.05 %)"));
    }
    let highest = match maintenance {
        Schedule::Flat { rate, .. } => rate.get(),
        Schedule::Tiers(tiers) => tiers.iter().map(|t| t.maintenance_margin_rate.get()).max().unwrap_or(Decimal::ZERO),
    };
    if (calc(highest) + fee).get("takerFeeRate")? >= Decimal::ONE {
        return Err(Error::invalid("takerFeeRate", "added to the maintenance-margin rate must stay below 1"));
    }
    Ok(())
}
