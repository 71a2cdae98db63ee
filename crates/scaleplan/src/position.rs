//! Fills and the position they add up to: quantity and average entry, exact.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::instrument::ContractKind;
use crate::num::{calc, round_dp, sum, Price, Quantity, Round};

/// One executed (or planned) order: a price and a size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fill {
    /// Fill price.
    pub price: Price,
    /// Base units (linear) or contracts (inverse).
    pub quantity: Quantity,
}

/// The average entry of `fills`: quantity-weighted for linear contracts, harmonic (contract-weighted over
/// `1/price`) for inverse ones.
///
/// Linear `E = Σ qᵢ·pᵢ / Σ qᵢ`; inverse `E = Σ nᵢ / Σ (nᵢ / pᵢ)`. Source: Bybit help, "How to calculate average
/// entry price" (1 BTC @ 10,000 + 2 BTC @ 13,000 → 12,000; 50 contracts @ 10,000 + 50 @ 15,000 → 12,000).
/// Weighting by the USD margin of each fill, as some public calculators do, is wrong and not done here.
/// The quotient is rounded to [`AVERAGE_DECIMALS`] places, halves away from zero: a harmonic mean is rarely a
/// finite decimal, and 12 places are far below any exchange's tick.
///
/// ```
/// use scaleplan::{average_entry, ContractKind, Fill};
/// let fills = [
///     Fill { price: "10000".parse()?, quantity: "1".parse()? },
///     Fill { price: "13000".parse()?, quantity: "2".parse()? },
/// ];
/// assert_eq!(average_entry(ContractKind::Linear, &fills)?.to_string(), "12000");
/// # Ok::<(), scaleplan::Error>(())
/// ```
///
/// # Errors
/// [`Error::Invalid`] on `fills` when there are none; [`Error::Overflow`] when the sums leave the decimal range.
pub fn average_entry(contract: ContractKind, fills: &[Fill]) -> Result<Price> {
    if fills.is_empty() {
        return Err(Error::invalid("fills", "must hold at least one fill"));
    }
    let context = "averageEntry";
    let total = sum(fills.iter().map(|f| f.quantity.get()), context)?;
    let average = match contract {
        ContractKind::Linear => {
            let cost = fills
                .iter()
                .map(|f| (calc(f.quantity.get()) * f.price.get()).get(context))
                .collect::<Result<Vec<Decimal>>>()?;
            (calc(sum(cost, context)?) / total).get(context)?
        }
        ContractKind::Inverse { .. } => {
            let coins = fills
                .iter()
                .map(|f| (calc(f.quantity.get()) / f.price.get()).get(context))
                .collect::<Result<Vec<Decimal>>>()?;
            (calc(total) / sum(coins, context)?).get(context)?
        }
    };
    Price::new(context, round_dp(average, AVERAGE_DECIMALS, Round::Nearest))
}

/// Decimal places of an [`average_entry`].
pub const AVERAGE_DECIMALS: u32 = 12;
