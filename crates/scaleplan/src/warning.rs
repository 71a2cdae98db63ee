//! Soft problems: what a plan should be told about but may still go ahead with, returned as data next to the
//! result rather than as an [`Error`](crate::Error) (a rung below the exchange minimum, liquidation before the stop).

use std::fmt;

use serde::Serialize;

/// What kind of soft problem a [`Warning`] reports.
///
/// The whole set lives here so every module draws from one list and the app can translate or style each kind;
/// new kinds may be added, hence `#[non_exhaustive]`. Serialized as camelCase strings (`belowMinNotional`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum WarningKind {
    /// A rung's quantity rounds down to 0 at the exchange's quantity step, so there is nothing to place.
    ZeroQuantity,
    /// A rung's rounded quantity is below the exchange's minimum order quantity (Binance `LOT_SIZE.minQty`,
    /// Bybit `minOrderQty`); the exchange would reject the order.
    BelowMinQuantity,
    /// A rung's rounded order value is below the exchange's minimum notional (Binance `MIN_NOTIONAL`, Bybit
    /// `minNotionalValue`, Hyperliquid's minimum order value); the exchange would reject the order.
    BelowMinNotional,
    /// Two rungs round to the same price at the tick size: the ladder is finer than the price grid.
    DuplicatePrice,
    /// The position is liquidated before its stop-loss is reached, so the stop never limits the loss.
    LiquidationBeforeStop,
    /// The distance between the liquidation price and the stop (or the current price) is thin relative to
    /// normal volatility; a wick could liquidate the position (guide §4.3: keep a buffer).
    ThinMarginBuffer,
    /// The leverage asked for is above the maximum of the maintenance-margin tier the position's notional falls in.
    LeverageAboveTierMax,
    /// The stop-loss is on the profit side of an entry (above a long's entry, below a short's), so it would
    /// close the position at a gain or trigger at once.
    StopOnWrongSide,
    /// The loss at the stop, fees included, exceeds the risk budget (guide §2.1: the maximum loss accepted).
    RiskAboveBudget,
    /// A stop rule would loosen the stop or put it at or beyond the price (closing the rest at once), so the stop
    /// stays where it was: a stop only ever tightens.
    StopNotMoved,
    /// An exit asks for more than what is left of the position, so it closes the rest.
    ExitLargerThanRemaining,
    /// Exit steps come after the position is fully closed and are left out.
    ExitAfterPositionClosed,
    /// A replay could not plan the exits on the position as built so far (a fill at a gap put its average entry
    /// beyond the stop, say), so no exit waits until the next fill.
    ExitsNotPlanned,
}

impl WarningKind {
    /// Every kind, in the order a legend lists them: risk to the position first, then the exchange's rules, then
    /// the exits'. The test below fails to compile when a kind is added and not listed.
    pub const ALL: [Self; 13] = [
        Self::LiquidationBeforeStop,
        Self::ThinMarginBuffer,
        Self::RiskAboveBudget,
        Self::StopOnWrongSide,
        Self::LeverageAboveTierMax,
        Self::BelowMinNotional,
        Self::BelowMinQuantity,
        Self::ZeroQuantity,
        Self::DuplicatePrice,
        Self::StopNotMoved,
        Self::ExitLargerThanRemaining,
        Self::ExitAfterPositionClosed,
        Self::ExitsNotPlanned,
    ];
}

impl WarningKind {
    /// The kind's name as JSON writes it (`belowMinNotional`).
    pub fn name(self) -> &'static str {
        match self {
            Self::ZeroQuantity => "zeroQuantity",
            Self::BelowMinQuantity => "belowMinQuantity",
            Self::BelowMinNotional => "belowMinNotional",
            Self::DuplicatePrice => "duplicatePrice",
            Self::LiquidationBeforeStop => "liquidationBeforeStop",
            Self::ThinMarginBuffer => "thinMarginBuffer",
            Self::LeverageAboveTierMax => "leverageAboveTierMax",
            Self::StopOnWrongSide => "stopOnWrongSide",
            Self::RiskAboveBudget => "riskAboveBudget",
            Self::StopNotMoved => "stopNotMoved",
            Self::ExitLargerThanRemaining => "exitLargerThanRemaining",
            Self::ExitAfterPositionClosed => "exitAfterPositionClosed",
            Self::ExitsNotPlanned => "exitsNotPlanned",
        }
    }
}

impl fmt::Display for WarningKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One soft problem: its kind, the tranche (rung) or exit step it concerns if any, and a message for a person.
///
/// `tranche` is the 0-based index of the rung in the result (`rungs[2]`), the same index field paths use;
/// messages name it the same way; `step` is the index of a scale-out step (`steps[2]`). Serialized as
/// `{"tranche": 2, "kind": "belowMinNotional", "message": "…"}` or `{"step": 2, …}`, without either when the warning
/// concerns the whole plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    #[serde(skip_serializing_if = "Option::is_none")]
    tranche: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    step: Option<usize>,
    kind: WarningKind,
    message: String,
}

impl Warning {
    /// A warning about the plan as a whole.
    pub fn new(kind: WarningKind, message: impl Into<String>) -> Self {
        Self { tranche: None, step: None, kind, message: message.into() }
    }

    /// A warning about the rung at 0-based `index`.
    pub fn on_tranche(index: usize, kind: WarningKind, message: impl Into<String>) -> Self {
        Self { tranche: Some(index), step: None, kind, message: message.into() }
    }

    /// A warning about exit step `index` of a scale-out (`steps[index]`; 0 is the position as held).
    pub fn on_step(index: usize, kind: WarningKind, message: impl Into<String>) -> Self {
        Self { tranche: None, step: Some(index), kind, message: message.into() }
    }

    /// The exit step concerned (`steps[i]` of a scale-out report), if the warning concerns one.
    pub fn step(&self) -> Option<usize> {
        self.step
    }

    /// The 0-based index of the rung concerned, if the warning concerns one.
    pub fn tranche(&self) -> Option<usize> {
        self.tranche
    }

    /// What kind of problem it is.
    pub fn kind(&self) -> WarningKind {
        self.kind
    }

    /// What is wrong, for a person: lowercase, no trailing period.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The position of `kind` in [`WarningKind::ALL`], by an exhaustive match: a new kind does not compile until it
    /// is placed here and in the list.
    fn place(kind: WarningKind) -> usize {
        match kind {
            WarningKind::LiquidationBeforeStop => 0,
            WarningKind::ThinMarginBuffer => 1,
            WarningKind::RiskAboveBudget => 2,
            WarningKind::StopOnWrongSide => 3,
            WarningKind::LeverageAboveTierMax => 4,
            WarningKind::BelowMinNotional => 5,
            WarningKind::BelowMinQuantity => 6,
            WarningKind::ZeroQuantity => 7,
            WarningKind::DuplicatePrice => 8,
            WarningKind::StopNotMoved => 9,
            WarningKind::ExitLargerThanRemaining => 10,
            WarningKind::ExitAfterPositionClosed => 11,
            WarningKind::ExitsNotPlanned => 12,
        }
    }

    #[test]
    fn all_lists_every_kind_once() {
        for (i, kind) in WarningKind::ALL.iter().enumerate() {
            assert_eq!(place(*kind), i, "{kind}");
        }
    }
}
