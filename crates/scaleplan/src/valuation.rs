//! What a position is worth and what closing it yields, in the margin currency, for linear and inverse contracts;
//! shared by the scale-in plan and the scale-out plan so both price a position the same way.
//!
//! Formulas, per unit of the margin currency (sources: Binance USDⓈ-M and COIN-M calculator FAQs, as summarised in
//! `shared/reference/liquidation.md` "Basic calculator identities"):
//! - value of `q` at price `P`: linear `q·P`; inverse `q·CS/P`;
//! - PnL from `E` to `P`: linear `side·q·(P − E)`; inverse `side·q·CS·(1/E − 1/P)`;
//! - breakeven: the exit price where PnL pays back given costs plus the exit fee (liquidation.md "Averaging":
//!   long `E·(1 + f_open)/(1 − f_close)`, generalised here to any costs already paid).

use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::instrument::{ContractKind, Instrument};
use crate::liquidation::{
    liquidation_with, Checks, Liquidation, LiquidationConfig, Maintenance, MarginMode, Model, OtherPositions, RestingOrders,
    Schedule,
};
use crate::num::{calc, divide_to_step, round_dp, Calc, NonNegative, Price, Quantity, Round, Side};
use crate::account::Account;

/// Values and PnL in the margin currency, for linear or inverse contracts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Valuation {
    pub(crate) contract: ContractKind,
    pub(crate) side: Side,
}

impl Valuation {
    /// Value of `quantity` at `price`: linear `q·P` (quote); inverse `q·CS/P` (coin).
    pub(crate) fn value(self, quantity: Decimal, price: Decimal) -> Calc {
        match self.contract {
            ContractKind::Linear => calc(quantity) * price,
            ContractKind::Inverse { contract_size } => calc(quantity) * contract_size.get() / price,
        }
    }

    /// PnL of `quantity` from `entry` to `exit`: linear `side·q·(P − E)`; inverse `side·q·CS·(1/E − 1/P)`.
    pub(crate) fn pnl(self, quantity: Decimal, entry: Decimal, exit: Decimal) -> Calc {
        match self.contract {
            ContractKind::Linear => self.side.apply((calc(exit) - entry) * quantity),
            ContractKind::Inverse { contract_size } => self
                .side
                .apply((calc(Decimal::ONE) / entry - (calc(Decimal::ONE) / exit)) * contract_size.get() * quantity),
        }
    }

    /// PnL of a position whose entry is worth `entry_value` ([`Valuation::value`] at the entry, exact as the fills
    /// add it up), closed where it is worth `at_exit` (its value at the exit price): linear `side·(q·P − V_E)`;
    /// inverse `side·(V_E − q·CS/P)`.
    ///
    /// The same PnL as [`Valuation::pnl`] from the average entry, without the average's 28-digit quotient: the plan's
    /// walk keeps `Σ qᵢ·pᵢ` (or `Σ qᵢ·CS/pᵢ`) and so computes on short exact numbers, and it needs the value at the
    /// exit price anyway (effective leverage, the exit fee at the stop).
    pub(crate) fn pnl_between(self, entry_value: Decimal, at_exit: Decimal) -> Calc {
        match self.contract {
            ContractKind::Linear => self.side.apply(calc(at_exit) - entry_value),
            ContractKind::Inverse { .. } => self.side.apply(calc(entry_value) - at_exit),
        }
    }

    /// USD or quote notional of `quantity` at `price`: linear `q·P`; inverse `q·CS` (price-independent).
    pub(crate) fn notional(self, quantity: Decimal, price: Decimal) -> Calc {
        self.contract.notional(quantity, price)
    }

    /// Exit price where PnL equals `costs` (fees and funding already paid or owed) plus the exit fee at `exit_fee`.
    ///
    /// Linear long `(q·E + C)/(q·(1 − f))`, short `(q·E − C)/(q·(1 + f))`; inverse long `q·CS·(1 + f)/(q·CS/E − C)`,
    /// short `q·CS·(1 − f)/(q·CS/E + C)`. `None` when no positive price breaks even.
    pub(crate) fn breakeven(
        self,
        quantity: Decimal,
        entry: Decimal,
        costs: Decimal,
        exit_fee: Decimal,
    ) -> Result<Option<Decimal>> {
        let entry_value = self.value(quantity, entry).get("breakeven")?;
        self.breakeven_from_value(quantity, entry_value, costs, exit_fee)
    }

    /// [`Valuation::breakeven`] of a position whose entry is worth `entry_value` (`q·E` linear, `q·CS/E` inverse).
    pub(crate) fn breakeven_from_value(
        self,
        quantity: Decimal,
        entry_value: Decimal,
        costs: Decimal,
        exit_fee: Decimal,
    ) -> Result<Option<Decimal>> {
        match self.breakeven_fraction(quantity, entry_value, costs, exit_fee)? {
            Some((numerator, denominator)) => (calc(numerator) / denominator).get("breakeven").map(Some),
            None => Ok(None),
        }
    }

    /// The breakeven of [`Valuation::breakeven_from_value`] as `(numerator, denominator)`, both positive, so a
    /// caller can round the exact quotient once ([`divide_to_step`]); `None` when no positive price breaks even.
    pub(crate) fn breakeven_fraction(
        self,
        quantity: Decimal,
        entry_value: Decimal,
        costs: Decimal,
        exit_fee: Decimal,
    ) -> Result<Option<(Decimal, Decimal)>> {
        let context = "breakeven";
        let one = Decimal::ONE;
        let (numerator, denominator) = match (self.contract, self.side) {
            (ContractKind::Linear, Side::Long) => (calc(entry_value) + costs, (calc(one) - exit_fee) * quantity),
            (ContractKind::Linear, Side::Short) => (calc(entry_value) - costs, (calc(one) + exit_fee) * quantity),
            (ContractKind::Inverse { contract_size }, side) => {
                let face = (calc(quantity) * contract_size.get()).get(context)?;
                match side {
                    Side::Long => ((calc(one) + exit_fee) * face, calc(entry_value) - costs),
                    Side::Short => ((calc(one) - exit_fee) * face, calc(entry_value) + costs),
                }
            }
        };
        let (numerator, denominator) = (numerator.get(context)?, denominator.get(context)?);
        if numerator <= Decimal::ZERO || denominator <= Decimal::ZERO {
            return Ok(None);
        }
        Ok(Some((numerator, denominator)))
    }
}

/// How a position is margined: what [`liquidation`] needs besides its size, entry and wallet.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Margining<'a> {
    pub(crate) instrument: &'a Instrument,
    pub(crate) model: Model,
    pub(crate) mode: MarginMode,
    pub(crate) side: Side,
    pub(crate) account: &'a Account,
}

impl Margining<'_> {
    /// The liquidation of `quantity` at `entry` backed by `wallet` (the isolated margin, or the cross wallet with
    /// the account's other positions); `None` when the wallet is below maintenance at the entry itself.
    pub(crate) fn liquidation(
        &self,
        quantity: Decimal,
        entry: Decimal,
        wallet: Decimal,
    ) -> Result<Option<Liquidation>> {
        self.liquidation_resting(quantity, entry, None, wallet, RestingOrders::default(), Checks::All)
    }

    /// [`Margining::liquidation`] with orders still resting that the exchange counts against the cross wallet, and
    /// the entry's exact value when the caller has it (`Σ qᵢ·pᵢ`, see [`liquidation_with`]), making the `checks`
    /// asked for.
    pub(crate) fn liquidation_resting(
        &self,
        quantity: Decimal,
        entry: Decimal,
        entry_value: Option<Decimal>,
        wallet: Decimal,
        resting: RestingOrders,
        checks: Checks,
    ) -> Result<Option<Liquidation>> {
        let others = match self.mode {
            MarginMode::Isolated => OtherPositions::default(),
            MarginMode::Cross => OtherPositions {
                maintenance_margin: self.account.other_maintenance_margin.map_or(Decimal::ZERO, NonNegative::get),
                unrealized_pnl: self.account.other_unrealized_pnl.unwrap_or(Decimal::ZERO),
            },
        };
        let config = LiquidationConfig {
            model: self.model,
            contract: self.instrument.contract,
            mode: self.mode,
            side: self.side,
            quantity: Quantity::new("cumulativeQuantity", quantity)?,
            entry: Price::new("averageEntry", entry)?,
            wallet: NonNegative::new("wallet", wallet.max(Decimal::ZERO))?,
            // Read from the instrument through `liquidation_with`; an empty Vec does not allocate.
            maintenance: Maintenance::Tiers(Vec::new()),
            others,
            resting,
            taker_fee: self.model.reserves_closing_fee(self.mode).then_some(self.instrument.taker_fee),
            tick_size: Price::new("tickSize", self.instrument.tick_size.get()).ok(),
        };
        match liquidation_with(&config, Schedule::Tiers(&self.instrument.tiers), entry_value, checks) {
            Ok(l) => Ok(Some(l)),
            Err(Error::Invalid { field, .. }) if field == "walletBalance" => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Decimal places of the amounts, prices and ratios in a report (prices from the liquidation model keep its own
/// rounding to the tick).
pub const OUTPUT_DECIMALS: u32 = 8;

/// The output figure of `numerator / denominator`: the exact quotient rounded once to [`OUTPUT_DECIMALS`], halves
/// away from zero (one integer division, [`divide_to_step`]), rather than a 28-digit quotient rounded again, which
/// can land on the wrong side of a tie at the 8th place. Falls back to dividing and rounding where the integers
/// would overflow.
///
/// # Errors
/// [`Error::Overflow`] naming `context` on a zero denominator or a quotient past the decimal range.
pub(crate) fn out_ratio(numerator: Decimal, denominator: Decimal, context: &str) -> Result<Decimal> {
    let (numerator, denominator) = if denominator < Decimal::ZERO {
        ((-calc(numerator)).get(context)?, (-calc(denominator)).get(context)?)
    } else {
        (numerator, denominator)
    };
    match divide_to_step(numerator, denominator, OUTPUT_STEP, Round::Nearest) {
        Some(rounded) => Ok(rounded),
        None => (calc(numerator) / denominator).get(context).map(out),
    }
}

/// One unit in the last of [`OUTPUT_DECIMALS`] places.
pub(crate) const OUTPUT_STEP: Decimal = Decimal::from_parts(1, 0, 0, false, OUTPUT_DECIMALS);

/// An output figure: rounded to [`OUTPUT_DECIMALS`], halves away from zero, trailing zeros dropped.
pub(crate) fn out(value: Decimal) -> Decimal {
    round_dp(value, OUTPUT_DECIMALS, Round::Nearest)
}
