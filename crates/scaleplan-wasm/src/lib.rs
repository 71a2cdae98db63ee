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
