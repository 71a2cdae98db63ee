//! Fills and the position they add up to: quantity and average entry, exact.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::instrument::ContractKind;
use crate::num::{calc, divide_to_step, round_dp, Price, Quantity, Round};

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
    let mut position = Accumulated::new(contract, "averageEntry");
    for fill in fills {
        position.add(fill.quantity.get(), fill.price.get())?;
    }
    let average = position.average()?.ok_or_else(|| Error::invalid("fills", "must hold at least one fill"))?;
    Price::new("averageEntry", round_dp(average, AVERAGE_DECIMALS, Round::Nearest))
}

/// The running sums an average entry is the quotient of: `Σ qᵢ` and `Σ qᵢ·pᵢ` (linear) or `Σ qᵢ/pᵢ` (inverse).
///
/// The one place the average-entry formula lives: [`average_entry`], the plan's walk over its tranches and the
/// replay's fills all accumulate through it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Accumulated {
    contract: ContractKind,
    /// The field an overflow of the quantity is reported on.
    quantity_field: &'static str,
    quantity: Decimal,
    weighted: Decimal,
}

impl Accumulated {
    pub(crate) fn new(contract: ContractKind, quantity_field: &'static str) -> Self {
        Self { contract, quantity_field, quantity: Decimal::ZERO, weighted: Decimal::ZERO }
    }

    /// Adds a fill of `quantity` at `price`.
    pub(crate) fn add(&mut self, quantity: Decimal, price: Decimal) -> Result<()> {
        let part = match self.contract {
            ContractKind::Linear => calc(quantity) * price,
            ContractKind::Inverse { .. } => calc(quantity) / price,
        };
        self.weighted = (part + self.weighted).get("averageEntry")?;
        self.quantity = (calc(self.quantity) + quantity).get(self.quantity_field)?;
        Ok(())
    }

    /// The quantity held.
    pub(crate) fn quantity(&self) -> Decimal {
        self.quantity
    }

    /// What the position cost, in the margin currency: `Σ qᵢ·pᵢ` (linear) or `CS·Σ qᵢ/pᵢ` (inverse), the value of
    /// the quantity at the average entry without the average's rounding.
    pub(crate) fn entry_value(&self) -> Result<Decimal> {
        match self.contract {
            ContractKind::Linear => Ok(self.weighted),
            ContractKind::Inverse { contract_size } => (calc(self.weighted) * contract_size.get()).get("averageEntry"),
        }
    }

    /// The exact average entry, `None` while nothing is held.
    pub(crate) fn average(&self) -> Result<Option<Decimal>> {
        if self.quantity.is_zero() {
            return Ok(None);
        }
        let average = match self.contract {
            ContractKind::Linear => calc(self.weighted) / self.quantity,
            ContractKind::Inverse { .. } => calc(self.quantity) / self.weighted,
        };
        average.get("averageEntry").map(Some)
    }

    /// The average entry rounded once to `step`, a power of ten (`10^−k`, k ≤ 28), as `how` says, from the exact fraction `Σ qᵢ·pᵢ / Σ qᵢ`
    /// (linear) or `Σ qᵢ / Σ (qᵢ/pᵢ)` (inverse) in one integer division ([`divide_to_step`]) rather than the
    /// 28-digit [`Accumulated::average`] rounded again; that only where the integers would overflow. `None` while
    /// nothing is held.
    pub(crate) fn average_rounded(&self, step: Decimal, how: Round) -> Result<Option<Decimal>> {
        if self.quantity.is_zero() {
            return Ok(None);
        }
        let (numerator, denominator) = match self.contract {
            ContractKind::Linear => (self.weighted, self.quantity),
            ContractKind::Inverse { .. } => (self.quantity, self.weighted),
        };
        if let Some(rounded) = divide_to_step(numerator, denominator, step, how) {
            return Ok(Some(rounded));
        }
        let places = step.scale();
        Ok(self.average()?.map(|average| round_dp(average, places, how)))
    }

    /// Keeps `rest` of the quantity (a partial close): the sums shrink in proportion and the average stays.
    pub(crate) fn keep(&mut self, rest: Decimal) -> Result<()> {
        if rest.is_zero() || self.quantity.is_zero() {
            *self = Self::new(self.contract, self.quantity_field);
            return Ok(());
        }
        let kept = (calc(rest) / self.quantity).get(self.quantity_field)?;
        self.weighted = (calc(self.weighted) * kept).get("averageEntry")?;
        self.quantity = rest;
        Ok(())
    }
}

/// Decimal places of an [`average_entry`].
pub const AVERAGE_DECIMALS: u32 = 12;
