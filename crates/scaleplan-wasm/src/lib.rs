//! JavaScript bindings of the scaleplan core: parse JS values into core types, call the core, convert back.
//!
//! No formulas live here. Decimals cross the boundary as strings in both directions; errors become a JS `Error`
//! whose message names the field (one adapter: [`to_js_error`]).

use scaleplan::Error;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** A decimal number written as a string ("65000.5"), so no precision is lost to floating point. */
export type DecimalString = string;

/** One fill: a price and a size (base units for linear contracts, contracts for inverse). */
export interface Fill {
  price: DecimalString;
  quantity: DecimalString;
}

/** Linear (USDT/USDC-margined) or inverse (coin-margined) contracts. */
export type ContractKind = { kind: "linear" } | { kind: "inverse"; contractSize: DecimalString };

/** Whose liquidation formula: maintenance at the liquidation price (binance, hyperliquid; okx adds the taker fee)
 * or on the entry value (bybit). */
export type LiquidationModel = "binance" | "bybit" | "okx" | "hyperliquid";

/** One maintenance-margin tier; notional in the quote currency (linear) or in coin (inverse). */
export interface MarginTier {
  notionalFloor: DecimalString;
  /** Omitted or null on the last, unbounded tier. */
  notionalCap?: DecimalString | null;
  maintenanceMarginRate: DecimalString;
  /** Binance `cum`, Bybit/Hyperliquid deduction. */
  maintenanceAmount: DecimalString;
  maxLeverage: DecimalString;
}

/** Input of `liquidationPrice`. Give either `maintenanceMarginRate` (and `maintenanceAmount`, 0 by default) or
 * `tiers`. `marginMode` defaults to cross when another position's margin or PnL is given, else isolated. */
export interface LiquidationInput {
  model: LiquidationModel;
  contract: "linear" | "inverse";
  side: "long" | "short";
  /** Base units (linear) or contracts (inverse). */
  quantity: DecimalString;
  entryPrice: DecimalString;
  /** Isolated margin of the position, or the cross wallet: quote currency (linear) or coin (inverse). */
  walletBalance: DecimalString;
  /** 0.004 is 0.4 %. */
  maintenanceMarginRate?: DecimalString;
  maintenanceAmount?: DecimalString;
  tiers?: MarginTier[];
  /** USD value of one contract; required for inverse contracts only. */
  contractSize?: DecimalString;
  marginMode?: "isolated" | "cross";
  /** Cross only: maintenance margin the other positions hold back (Binance TMM1). */
  otherMaintenanceMargin?: DecimalString;
  /** Cross only: unrealized PnL of the other positions (Binance UPNL1). */
  otherUnrealizedPnl?: DecimalString;
  /** okx only: taker fee of closing, added to the maintenance rate. */
  takerFeeRate?: DecimalString;
  /** Price grid to round to; 8 decimal places when omitted. */
  tickSize?: DecimalString;
}

/** Output of `liquidationPrice`; prices are rounded toward the entry. null: no such price (or no tier applied). */
export interface LiquidationResult {
  liquidationPrice: DecimalString | null;
  bankruptcyPrice: DecimalString | null;
  /** Index into `tiers` of the tier that applied. */
  tier: number | null;
  maintenanceMarginRate: DecimalString | null;
  maintenanceAmount: DecimalString | null;
}
"#;

/// Turns a core error into a JS `Error` whose message names the field.
fn to_js_error(error: &Error) -> JsError {
    JsError::new(&error.to_string())
}

/// Reads a JS value as `T`, naming the field of any problem (`fills[1].price: must be above 0`).
fn from_js<T: DeserializeOwned>(what: &str, value: JsValue) -> Result<T, JsError> {
    let deserializer = serde_wasm_bindgen::Deserializer::from(value);
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { what.to_owned() } else { format!("{what}{}", field_suffix(&path)) };
        let inner = e.into_inner().to_string();
        to_js_error(&Error::invalid(field, inner))
    })
}

/// Writes a core result as a plain JS object: decimals as strings, `None` as `null`.
fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsError> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| JsError::new(&e.to_string()))
}

/// `[1].price` or `.price` after the argument's name, as serde_path_to_error prints `[1].price` / `price`.
fn field_suffix(path: &str) -> String {
    if path.starts_with('[') {
        path.to_owned()
    } else {
        format!(".{path}")
    }
}

/// The average entry of fills as a decimal string: quantity-weighted (linear) or harmonic (inverse).
///
/// `contract` defaults to linear. Throws an `Error` naming the field when a fill is invalid.
#[wasm_bindgen(js_name = averageEntry, unchecked_return_type = "DecimalString")]
pub fn average_entry(
    #[wasm_bindgen(unchecked_param_type = "Fill[]")] fills: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ContractKind | undefined")] contract: JsValue,
) -> Result<JsValue, JsError> {
    let fills: Vec<scaleplan::Fill> = from_js("fills", fills)?;
    let contract = if contract.is_undefined() || contract.is_null() {
        scaleplan::ContractKind::Linear
    } else {
        from_js("contract", contract)?
    };
    let average = scaleplan::average_entry(contract, &fills).map_err(|e| to_js_error(&e))?;
    Ok(JsValue::from_str(&average.to_string()))
}

/// Liquidation and bankruptcy prices of one position under an exchange's formula (Binance, Bybit, OKX,
/// Hyperliquid), linear or inverse, isolated or cross; see `LiquidationInput`.
///
/// Throws an `Error` naming the field (`input.contractSize: is required for inverse contracts`).
#[wasm_bindgen(js_name = liquidationPrice, unchecked_return_type = "LiquidationResult")]
pub fn liquidation_price(
    #[wasm_bindgen(unchecked_param_type = "LiquidationInput")] input: JsValue,
) -> Result<JsValue, JsError> {
    let input: scaleplan::liquidation::LiquidationInput = from_js("input", input)?;
    let result = scaleplan::liquidation::calculate(&input).map_err(|e| to_js_error(&e.within("input")))?;
    to_js(&result)
}
