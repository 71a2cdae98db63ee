//! The `liquidationPrice` calculator's input as JavaScript writes it: optional fields, decimals as strings,
//! linear or inverse named apart from the contract size. It belongs to the bindings; the core takes the typed
//! [`LiquidationConfig`] this parses into.

use scaleplan::liquidation::{
    liquidation, Liquidation, LiquidationConfig, Maintenance, MarginMode, Model, OtherPositions, RestingOrders,
};
use scaleplan::num::parse_decimal;
use scaleplan::{ContractKind, Decimal, Error, MarginRate, NonNegative, Price, Quantity, Rate, Result, Side, Tier};
use serde::{Deserialize, Serialize};

/// Linear or inverse, as the calculator input spells it (the contract size is a separate field there).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Contract {
    /// USDT/USDC-margined: quantity in base units, wallet in the quote currency.
    Linear,
    /// Coin-margined: quantity in contracts of `contractSize` USD, wallet in coin.
    Inverse,
}

/// The liquidation calculator's input as JavaScript sends it; decimals are strings, parsed once by
/// [`LiquidationInput::to_config`].
///
/// `walletBalance` is the isolated margin of the position or the cross wallet (quote currency for linear
/// contracts, coin for inverse ones). Give either `maintenanceMarginRate` (with an optional `maintenanceAmount`,
/// 0 by default) or `tiers`. `marginMode` defaults to cross when `otherMaintenanceMargin` or `otherUnrealizedPnl`
/// is given and to isolated otherwise (the two coincide when there are no other positions).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LiquidationInput {
    /// Whose formula.
    pub model: Model,
    /// `"linear"` or `"inverse"`.
    pub contract: Contract,
    /// `"long"` or `"short"`.
    pub side: Side,
    /// Base units (linear) or contracts (inverse).
    pub quantity: String,
    /// Average entry price.
    pub entry_price: String,
    /// Isolated margin or cross wallet.
    pub wallet_balance: String,
    /// Flat maintenance-margin rate (0.004 is 0.4 %).
    #[serde(default)]
    pub maintenance_margin_rate: Option<String>,
    /// Flat maintenance amount (Binance `cum`); 0 when absent.
    #[serde(default)]
    pub maintenance_amount: Option<String>,
    /// The exchange's tiers, instead of a flat rate.
    #[serde(default)]
    pub tiers: Option<Vec<Tier>>,
    /// USD value of one inverse contract; required for inverse contracts only.
    #[serde(default)]
    pub contract_size: Option<String>,
    /// Isolated or cross; see the type docs for the default.
    #[serde(default)]
    pub margin_mode: Option<MarginMode>,
    /// Cross only: maintenance margin of the other positions.
    #[serde(default)]
    pub other_maintenance_margin: Option<String>,
    /// Cross only: unrealized PnL of the other positions.
    #[serde(default)]
    pub other_unrealized_pnl: Option<String>,
    /// okx, bingx, and weex in cross margin: taker fee rate of closing.
    #[serde(default)]
    pub taker_fee_rate: Option<String>,
    /// Price grid to round to.
    #[serde(default)]
    pub tick_size: Option<String>,
}

impl LiquidationInput {
    /// Parses every field into the typed [`LiquidationConfig`].
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the field: `contractSize: is required for inverse contracts`,
    /// `maintenanceMarginRate: must be a fraction from 0 up to 1 (0.004 is 0.4 %)`, and so on.
    pub fn to_config(&self) -> Result<LiquidationConfig> {
        let contract = match (self.contract, &self.contract_size) {
            (Contract::Linear, None) => ContractKind::Linear,
            (Contract::Linear, Some(_)) => {
                return Err(Error::invalid(
                    "contractSize",
                    "applies only to inverse contracts; a linear quantity is in base units",
                ))
            }
            (Contract::Inverse, Some(text)) => {
                ContractKind::Inverse { contract_size: Price::parse("contractSize", text)? }
            }
            (Contract::Inverse, None) => {
                return Err(Error::invalid("contractSize", "is required for inverse contracts"))
            }
        };
        let maintenance = match (&self.maintenance_margin_rate, &self.maintenance_amount, &self.tiers) {
            (Some(rate), amount, None) => Maintenance::Flat {
                rate: MarginRate::parse("maintenanceMarginRate", rate)?,
                amount: match amount {
                    Some(text) => NonNegative::parse("maintenanceAmount", text)?,
                    None => NonNegative::new("maintenanceAmount", Decimal::ZERO)?,
                },
            },
            (None, None, Some(tiers)) => Maintenance::Tiers(tiers.clone()),
            (Some(_), _, Some(_)) | (None, Some(_), Some(_)) => {
                return Err(Error::invalid(
                    "tiers",
                    "give either tiers or maintenanceMarginRate and maintenanceAmount, not both",
                ))
            }
            (None, _, None) => {
                return Err(Error::invalid("maintenanceMarginRate", "is required unless tiers are given"))
            }
        };
        let others = OtherPositions {
            maintenance_margin: optional_decimal("otherMaintenanceMargin", self.other_maintenance_margin.as_deref())?,
            unrealized_pnl: optional_decimal("otherUnrealizedPnl", self.other_unrealized_pnl.as_deref())?,
        };
        let shares_wallet = self.other_maintenance_margin.is_some() || self.other_unrealized_pnl.is_some();
        let mode = self.margin_mode.unwrap_or(if shares_wallet { MarginMode::Cross } else { MarginMode::Isolated });
        Ok(LiquidationConfig {
            model: self.model,
            contract,
            mode,
            side: self.side,
            quantity: Quantity::parse("quantity", &self.quantity)?,
            entry: Price::parse("entryPrice", &self.entry_price)?,
            wallet: NonNegative::parse("walletBalance", &self.wallet_balance)?,
            maintenance,
            others,
            resting: RestingOrders::default(),
            taker_fee: self.taker_fee_rate.as_deref().map(|t| Rate::parse("takerFeeRate", t)).transpose()?,
            tick_size: self.tick_size.as_deref().map(|t| Price::parse("tickSize", t)).transpose()?,
        })
    }
}

fn optional_decimal(field: &str, text: Option<&str>) -> Result<Decimal> {
    text.map_or(Ok(Decimal::ZERO), |t| parse_decimal(field, t))
}

/// The liquidation calculator: parses `input` and computes its [`Liquidation`].
///
/// # Errors
/// As [`LiquidationInput::to_config`] and [`liquidation`](scaleplan::liquidation::liquidation).
pub fn calculate(input: &LiquidationInput) -> Result<Liquidation> {
    liquidation(&input.to_config()?)
}

impl scaleplan::read::FromJson for Contract {
    fn from_json(value: &scaleplan::read::Value<'_>, ctx: &mut scaleplan::read::Ctx) -> Option<Self> {
        let index = scaleplan::read::unit_variant(value, ctx, "enum Contract", &["linear", "inverse"])?;
        Some(if index == 0 { Self::Linear } else { Self::Inverse })
    }
}

impl scaleplan::read::FromJson for LiquidationInput {
    /// By hand, as the derived `Deserialize` reads it (the field table below is its declaration order).
    fn from_json(value: &scaleplan::read::Value<'_>, ctx: &mut scaleplan::read::Ctx) -> Option<Self> {
        use scaleplan::read::{object, put, take, take_or_default, Fields};
        const NAMES: &[&str] = &[
            "model", "contract", "side", "quantity", "entryPrice", "walletBalance", "maintenanceMarginRate",
            "maintenanceAmount", "tiers", "contractSize", "marginMode", "otherMaintenanceMargin", "otherUnrealizedPnl",
            "takerFeeRate", "tickSize",
        ];
        const FIELDS: Fields = Fields { expecting: "struct LiquidationInput", names: NAMES, deny_unknown: true };
        let (mut model, mut contract, mut side, mut tiers, mut margin_mode) = (None, None, None, None, None);
        // The text fields: quantity, entryPrice, walletBalance (required), then the optional ones.
        let mut required: [Option<String>; 3] = Default::default();
        let mut optional: [Option<Option<String>>; 7] = Default::default();
        let seen = object(value, ctx, &FIELDS, &mut |i, v, ctx| match i {
            0 => put(&mut model, v, ctx),
            1 => put(&mut contract, v, ctx),
            2 => put(&mut side, v, ctx),
            3..=5 => put(required.get_mut(i.saturating_sub(3)).unwrap_or(&mut None), v, ctx),
            8 => put(&mut tiers, v, ctx),
            10 => put(&mut margin_mode, v, ctx),
            6 | 7 => put(optional.get_mut(i.saturating_sub(6)).unwrap_or(&mut None), v, ctx),
            9 => put(optional.get_mut(2).unwrap_or(&mut None), v, ctx),
            _ => put(optional.get_mut(i.saturating_sub(8)).unwrap_or(&mut None), v, ctx),
        })?;
        let model = take(model, seen, 0, "model", ctx);
        let contract = take(contract, seen, 1, "contract", ctx);
        let side = take(side, seen, 2, "side", ctx);
        let [q, e, w] = required;
        let quantity = take(q, seen, 3, "quantity", ctx);
        let entry_price = take(e, seen, 4, "entryPrice", ctx);
        let wallet_balance = take(w, seen, 5, "walletBalance", ctx);
        let [mmr, ma, cs, omm, opnl, fee, tick] = optional;
        let maintenance_margin_rate = take_or_default(mmr, seen, 6);
        let maintenance_amount = take_or_default(ma, seen, 7);
        let tiers = take_or_default(tiers, seen, 8);
        let contract_size = take_or_default(cs, seen, 9);
        let margin_mode = take_or_default(margin_mode, seen, 10);
        let other_maintenance_margin = take_or_default(omm, seen, 11);
        let other_unrealized_pnl = take_or_default(opnl, seen, 12);
        let taker_fee_rate = take_or_default(fee, seen, 13);
        let tick_size = take_or_default(tick, seen, 14);
        Some(Self {
            model: model?,
            contract: contract?,
            side: side?,
            quantity: quantity?,
            entry_price: entry_price?,
            wallet_balance: wallet_balance?,
            maintenance_margin_rate: maintenance_margin_rate?,
            maintenance_amount: maintenance_amount?,
            tiers: tiers?,
            contract_size: contract_size?,
            margin_mode: margin_mode?,
            other_maintenance_margin: other_maintenance_margin?,
            other_unrealized_pnl: other_unrealized_pnl?,
            taker_fee_rate: taker_fee_rate?,
            tick_size: tick_size?,
        })
    }
}
