//! Instrument presets: exchange contract rules, fees and maintenance-margin tiers as plain, dated, cited data.
//!
//! The bundled presets live in `data/presets.json`, the single source, embedded at build time. Each one says
//! when its values were current (`asOf`) and where they came from (`source`), with separate citations for the
//! tier table and the fees when those came from elsewhere. Exchange rules change, so presets are a starting
//! point: the app lets a user copy one, edit it and parse it back with [`parse_presets`].
//!
//! Conventions the data follows (checked by the workspace tests):
//! - Quantities are in base units for linear contracts (OKX contract sizes are converted: 0.1 contract of
//!   0.01 BTC is 0.001 BTC) and in contracts for inverse ones.
//! - Tier floors equal the previous tier's cap: Binance, Bybit and Hyperliquid all publish brackets as
//!   `previous cap < notional <= cap`.
//! - Maintenance amounts (Binance `cum`, Bybit/Hyperliquid deduction, BingX `maintAmount`) satisfy
//!   `amount(n) = amount(n-1) + floor(n) * (rate(n) - rate(n-1))`, so maintenance margin is continuous.
//! - Where a value could not be sourced it is left out and the preset's `notes` say so (an empty tier list,
//!   a shortened one); nothing is guessed.
//! - Exchange names are spelt as the exchanges write them (`BingX`, `MEXC`, `OKX`); the model names stay
//!   lowercase, as the plan file spells them.
//! - MEXC tiers (model `mexc`) are bounded by position size in base units, converted from MEXC's contracts; WEEX
//!   and MEXC publish no maintenance amounts, so theirs are 0 and their maintenance margin is not continuous.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::instrument::Instrument;

/// The bundled presets, as JSON.
const BUNDLED: &str = include_str!("../data/presets.json");

/// Liquidation models a preset may name, one per exchange (see `shared/reference/liquidation.md` and
/// `docs/research/exchanges.md`): maintenance margin at the liquidation price (`binance`, `hyperliquid`, `weex`,
/// the last without maintenance amounts and with the closing fee in cross margin), the same plus the taker fee
/// (`okx` with the tier at the entry, `bingx` with the tier at the liquidation price), or maintenance margin on the
/// entry value (`bybit`, and `mexc` with tiers counted in contracts). They are the serialized names of the
/// liquidation engine's model enum ([`Model::ALL`](crate::liquidation::Model::ALL)), so a preset's `model`
/// deserializes into it directly.
pub const MODELS: [&str; 7] = ["binance", "bybit", "okx", "hyperliquid", "bingx", "mexc", "weex"];

/// When a set of values was current and where it was published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Provenance {
    /// Date the values were current: `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, a range `start..end`, or `undated`
    /// when the source records no date (the notes then say what is known).
    pub as_of: String,
    /// The public page or file the values came from, precise enough to find them again.
    pub source: String,
}

/// One exchange instrument with its provenance: data a user can copy and edit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Preset {
    /// Exchange name as the exchange writes it (`Binance`, `BingX`, `MEXC`, `OKX`); lookups ignore case.
    pub exchange: String,
    /// Symbol as the exchange writes it (`BTCUSDT`, `BTC-USDT-SWAP`).
    pub symbol: String,
    /// Liquidation model, one of [`MODELS`].
    pub model: String,
    /// When the contract rules (tick, step, minimums) were current; see [`Provenance::as_of`].
    pub as_of: String,
    /// Where the contract rules came from.
    pub source: String,
    /// Units, conversions, what is missing and why.
    pub notes: String,
    /// Provenance of the tier table when it came from elsewhere; `None` when there are no tiers.
    pub tiers_source: Option<Provenance>,
    /// Provenance of the fee rates.
    pub fees_source: Option<Provenance>,
    /// Hours between funding payments, where a dated source gives it (its citation is in `notes`); `None` when
    /// none was found. A plan's `funding.intervals` counts these periods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding_interval_hours: Option<u32>,
    /// The contract itself.
    pub instrument: Instrument,
}

impl Preset {
    /// `exchange symbol`, how errors and lists name the preset.
    pub fn name(&self) -> String {
        format!("{} {}", self.exchange, self.symbol)
    }

    /// Whether this preset is for `exchange` and `symbol` (ASCII case-insensitive).
    pub fn is(&self, exchange: &str, symbol: &str) -> bool {
        self.exchange.eq_ignore_ascii_case(exchange) && self.symbol.eq_ignore_ascii_case(symbol)
    }
}

/// The bundled presets, in file order.
///
/// # Errors
/// [`Error::Invalid`] naming the preset if the bundled data does not parse (a test guards against it).
pub fn presets() -> Result<Vec<Preset>> {
    parse_presets(BUNDLED)
}

/// The bundled preset for `exchange` and `symbol` (ASCII case-insensitive), if there is one.
///
/// ```
/// let btc = scaleplan::presets::preset("Binance", "BTCUSDT")?;
/// assert_eq!(btc.map(|p| p.model).as_deref(), Some("binance"));
/// # Ok::<(), scaleplan::Error>(())
/// ```
///
/// # Errors
/// [`Error::Invalid`] if the bundled data does not parse.
pub fn preset(exchange: &str, symbol: &str) -> Result<Option<Preset>> {
    Ok(presets()?.into_iter().find(|p| p.is(exchange, symbol)))
}

/// Parses a JSON array of presets, such as a user's edited copy of the bundled file.
///
/// Decimals must be strings (`"0.1"`, not `0.1`); `notionalCap` is `null` for an unbounded last tier.
///
/// # Errors
/// [`Error::Invalid`] for text that is not a JSON array, and for an entry that does not parse, naming it as
/// `presets[i]` with its exchange and symbol when those are readable (`presets[2] (okx BTC-USDT-SWAP)`);
/// an unknown `model` is refused the same way.
pub fn parse_presets(text: &str) -> Result<Vec<Preset>> {
    let entries = match crate::read::parse(text) {
        Ok(crate::read::Value::Array(entries)) => entries,
        Ok(other) => {
            let what = match other {
                crate::read::Value::Object(_) => "an object",
                crate::read::Value::String(_) => "a string",
                crate::read::Value::Number(_) => "a number",
                _ => "not an array",
            };
            return Err(Error::invalid("presets", format!("must be a JSON array of presets, not {what}")));
        }
        Err(e) => return Err(Error::invalid("presets", format!("must be a JSON array of presets: {e}"))),
    };
    entries.iter().enumerate().map(|(i, entry)| parse_entry(i, entry)).collect()
}

fn parse_entry(index: usize, entry: &crate::read::Value<'_>) -> Result<Preset> {
    let field = entry_name(index, entry);
    let preset: Preset = crate::read::from_value(entry).map_err(|e| Error::invalid(field.clone(), e.to_string()))?;
    if !MODELS.contains(&preset.model.as_str()) {
        return Err(Error::invalid(
            format!("{field}.model"),
            format!("`{}` is not a liquidation model; use one of {}", preset.model, MODELS.join(", ")),
        ));
    }
    Ok(preset)
}

/// `presets[i]`, followed by `(exchange symbol)` when both are strings, so an error points at the entry.
fn entry_name(index: usize, entry: &crate::read::Value<'_>) -> String {
    let text = |key: &str| entry.get(key).and_then(crate::read::Value::as_str);
    match (text("exchange"), text("symbol")) {
        (Some(exchange), Some(symbol)) => format!("presets[{index}] ({exchange} {symbol})"),
        _ => format!("presets[{index}]"),
    }
}
