//! The account a position is margined from, the funding it pays while held, and the checks that make a
//! liquidation computable. Below the plan, the scale-out and the valuation, which all read them.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::instrument::Instrument;
use crate::liquidation::{check_tiers, MarginMode};
use crate::num::{NonNegative, Percent, Rate};

/// The account a plan trades from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Account {
    /// Wallet balance: quote currency (linear) or coin (inverse). The cross wallet in cross mode.
    pub wallet: NonNegative,
    /// The largest share of the wallet the plan may lose at the stop, fees included (1 is 1 %).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_percent: Option<Percent>,
    /// Cross mode: maintenance margin the account's other positions hold (Binance TMM1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_maintenance_margin: Option<NonNegative>,
    /// Cross mode: unrealized PnL of the account's other positions (Binance UPNL1), any sign.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "crate::text::decimal_option")]
    pub other_unrealized_pnl: Option<Decimal>,
}

/// Funding paid or received while the position is held (perpetual swaps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Funding {
    /// Funding rate per interval as a fraction (0.0001 is 0.01 %); positive means longs pay shorts.
    pub rate: Rate,
    /// Number of funding intervals the position is expected to be held (8-hour intervals on most exchanges).
    pub intervals: NonNegative,
}

/// Refuses what no liquidation can be computed from: an instrument without maintenance tiers, and other positions
/// sharing an isolated wallet.
///
/// # Errors
/// [`Error::Invalid`] on `instrument.tiers` or `account.otherMaintenanceMargin`.
pub(crate) fn check_margining(instrument: &Instrument, mode: MarginMode, account: &Account) -> Result<()> {
    if instrument.tiers.is_empty() {
        return Err(Error::invalid(
            "instrument.tiers",
            "must hold at least one maintenance tier (rate and amount) to compute liquidation",
        ));
    }
    // Checked once here, named as the plan names them, rather than on the first tranche's liquidation.
    check_tiers(&instrument.tiers).map_err(|e| e.within("instrument"))?;
    if mode == MarginMode::Isolated
        && (account.other_maintenance_margin.is_some_and(|m| !m.get().is_zero())
            || account.other_unrealized_pnl.is_some_and(|p| !p.is_zero()))
    {
        return Err(Error::invalid(
            "account.otherMaintenanceMargin",
            "other positions only share the wallet in cross mode; leave it out or choose cross",
        ));
    }
    Ok(())
}
