//! Results as JSON text, written by hand: the same bytes as `serde_json::to_string` of the derived `Serialize`
//! (field order, skipped fields, enum tagging, `null`s, serde_json's string escaping, decimals as
//! [`crate::text::decimal_text`] writes them), from a handful of non-generic helpers.
//!
//! Why not serde: the npm package hands every result to JavaScript as JSON text, and the derived code with
//! serde_json's writer was a large part of its wasm (one monomorphized serializer per type and field) and of the
//! time to write a report. Here each type is a short list of calls on [`Out`], whose helpers are compiled once.
//! The derives stay on the types (the app and the tests use them); `tests/tests/write_json.rs` checks both agree.

use rust_decimal::Decimal;

use crate::impact::book::{BookSide, BookWarning, Layout};
use crate::impact::walk::{Execution, ImpactReport, Limit, MaxOrder, OrderSide, TrancheReport};
use crate::instrument::{ContractKind, Instrument, Liquidity, Tier};
use crate::ladder::{Generator, Ladder, LadderSpec, RemainderPolicy, RiskBudget, Rung, Sizes, Spacing, Total, Tranche};
use crate::liquidation::{Liquidation, MarginMode, Model};
use crate::num::{Leverage, MarginRate, NonNegative, Percent, Positive, Price, Quantity, Rate, Side};
use crate::plan::{Entries, Plan, PlanReport, Resting, ScheduleEntries, TrancheRow};
use crate::position::Fill;
use crate::replay::{Ending, EventKind, ReplayEvent, ReplayReport};
use crate::scaleout::{
    DefensiveExit, Derisk, DeriskSteps, Every, ExitPlan, ExitReport, ExitStep, ShareOf, StepKind, StopMove, StopRule,
    Target, Trail, Trigger,
};
use crate::account::{Account, Funding};
use crate::schedule::{PricePoint, ScheduleSpec};
use crate::solver::{Breach, BreachKind, Fit, Goal};
use crate::time::{Interval, UtcTime};
use crate::warning::Warning;

/// A value that writes itself as JSON into an [`Out`].
pub trait ToJson {
    /// Appends this value's JSON text.
    fn write_json(&self, out: &mut Out);
}

/// `value` as JSON text, byte for byte what `serde_json::to_string` writes for its derived `Serialize`.
pub fn to_json<T: ToJson + ?Sized>(value: &T) -> String {
    let mut out = Out::default();
    value.write_json(&mut out);
    out.text
}

/// The JSON being written, and whether the next key or element is the first of its object or array (no comma).
#[derive(Debug, Default)]
pub struct Out {
    text: String,
    first: bool,
}

impl Out {
    /// The text written so far.
    pub fn into_string(self) -> String {
        self.text
    }

    /// Text that needs no escaping (punctuation, digits, names).
    pub fn raw(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// A comma unless this is the first key or element.
    #[inline(never)]
    pub fn comma(&mut self) {
        if !self.first {
            self.text.push(',');
        }
        self.first = false;
    }

    /// `{`; its first key takes no comma.
    #[inline(never)]
    pub fn open(&mut self) {
        self.text.push('{');
        self.first = true;
    }

    /// `}`.
    #[inline(never)]
    pub fn close(&mut self) {
        self.text.push('}');
        self.first = false;
    }

    /// `[`; its first element takes no comma.
    #[inline(never)]
    pub fn open_list(&mut self) {
        self.text.push('[');
        self.first = true;
    }

    /// `]`.
    #[inline(never)]
    pub fn close_list(&mut self) {
        self.text.push(']');
        self.first = false;
    }

    /// `"key":`, after a comma when it is not the first; `key` is a field name, written as is.
    #[inline(never)]
    pub fn key(&mut self, key: &str) {
        self.comma();
        self.text.push('"');
        self.text.push_str(key);
        self.text.push_str("\":");
    }

    /// `null`.
    pub fn null(&mut self) {
        self.text.push_str("null");
    }

    /// A string, escaped as serde_json escapes it: `"` and `\`, the short forms `\b \f \n \r \t`, every other
    /// control character as `\u00xx` (lowercase hex); everything else, non-ASCII included, as it is.
    #[inline(never)]
    pub fn string(&mut self, value: &str) {
        self.text.push('"');
        let mut start = 0;
        for (at, byte) in value.bytes().enumerate() {
            let escape = match byte {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0x08 => "\\b",
                0x0c => "\\f",
                0..=0x1f => "",
                _ => continue,
            };
            self.text.push_str(value.get(start..at).unwrap_or_default());
            start = at.saturating_add(1);
            if escape.is_empty() {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                self.text.push_str("\\u00");
                self.text.push(char::from(HEX.get(usize::from(byte >> 4)).copied().unwrap_or(b'0')));
                self.text.push(char::from(HEX.get(usize::from(byte & 0xf)).copied().unwrap_or(b'0')));
            } else {
                self.text.push_str(escape);
            }
        }
        self.text.push_str(value.get(start..).unwrap_or_default());
        self.text.push('"');
    }

    /// A decimal as a string, its digits written straight into the text.
    #[inline(never)]
    pub fn decimal(&mut self, value: Decimal) {
        self.text.push('"');
        crate::text::write_decimal(&mut self.text, value);
        self.text.push('"');
    }

    /// A whole number.
    #[inline(never)]
    pub fn number(&mut self, value: u64) {
        let mut digits = [0_u8; 20];
        let mut at = digits.len();
        let mut rest = value;
        loop {
            at = at.saturating_sub(1);
            if let Some(slot) = digits.get_mut(at) {
                *slot = b'0'.saturating_add(u8::try_from(rest % 10).unwrap_or(0));
            }
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        self.text.push_str(std::str::from_utf8(digits.get(at..).unwrap_or_default()).unwrap_or_default());
    }

    /// `"key":"…"`, a decimal.
    #[inline(never)]
    pub fn field_decimal(&mut self, key: &str, value: Decimal) {
        self.key(key);
        self.decimal(value);
    }

    /// `"key":"…"` or `"key":null`.
    #[inline(never)]
    pub fn field_decimal_or_null(&mut self, key: &str, value: Option<Decimal>) {
        self.key(key);
        match value {
            Some(value) => self.decimal(value),
            None => self.null(),
        }
    }

    /// `"key":"…"`, or nothing for `None` (`skip_serializing_if = "Option::is_none"`).
    #[inline(never)]
    pub fn field_decimal_if(&mut self, key: &str, value: Option<Decimal>) {
        if let Some(value) = value {
            self.field_decimal(key, value);
        }
    }

    /// `"key":n`.
    #[inline(never)]
    pub fn field_number(&mut self, key: &str, value: u64) {
        self.key(key);
        self.number(value);
    }

    /// `"key":n` for a count or an index.
    pub fn field_index(&mut self, key: &str, value: usize) {
        self.field_number(key, u64::try_from(value).unwrap_or(u64::MAX));
    }

    /// `"key":n` or `"key":null`.
    #[inline(never)]
    pub fn field_index_or_null(&mut self, key: &str, value: Option<usize>) {
        match value {
            Some(value) => self.field_index(key, value),
            None => {
                self.key(key);
                self.null();
            }
        }
    }

    /// `"key":n`, or nothing for `None`.
    #[inline(never)]
    pub fn field_index_if(&mut self, key: &str, value: Option<usize>) {
        if let Some(value) = value {
            self.field_index(key, value);
        }
    }

    /// `"key":"…"`, a string escaped.
    #[inline(never)]
    pub fn field_str(&mut self, key: &str, value: &str) {
        self.key(key);
        self.string(value);
    }

    /// `"key":"name"`, a unit variant's name (needs no escaping).
    #[inline(never)]
    pub fn field_name(&mut self, key: &str, name: &str) {
        self.key(key);
        self.text.push('"');
        self.text.push_str(name);
        self.text.push('"');
    }

    /// `"key":` and the value.
    #[inline(never)]
    pub fn field(&mut self, key: &str, value: &dyn ToJson) {
        self.key(key);
        value.write_json(self);
    }

    /// `"key":` and the value, or nothing for `None`.
    pub fn field_if<T: ToJson>(&mut self, key: &str, value: Option<&T>) {
        if let Some(value) = value {
            self.field(key, value);
        }
    }

    /// `{"key":value}`: an externally tagged newtype variant.
    #[inline(never)]
    pub fn tagged(&mut self, key: &str, value: &dyn ToJson) {
        self.open();
        self.field(key, value);
        self.close();
    }

    /// `"kind":"name"` opening an internally tagged variant: the caller writes its fields and closes.
    pub fn open_kind(&mut self, name: &str) {
        self.open();
        self.field_name("kind", name);
    }
}

impl ToJson for Decimal {
    fn write_json(&self, out: &mut Out) {
        out.decimal(*self);
    }
}

impl ToJson for str {
    fn write_json(&self, out: &mut Out) {
        out.string(self);
    }
}

impl ToJson for String {
    fn write_json(&self, out: &mut Out) {
        out.string(self);
    }
}

impl ToJson for usize {
    fn write_json(&self, out: &mut Out) {
        out.number(u64::try_from(*self).unwrap_or(u64::MAX));
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, out: &mut Out) {
        match self {
            Some(value) => value.write_json(out),
            None => out.null(),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, out: &mut Out) {
        out.open_list();
        for item in self {
            out.comma();
            item.write_json(out);
        }
        out.close_list();
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut Out) {
        self.as_slice().write_json(out);
    }
}

macro_rules! decimals {
    ($($name:ident),*) => {$(
        impl ToJson for $name {
            fn write_json(&self, out: &mut Out) {
                out.decimal(self.get());
            }
        }
    )*};
}
decimals!(Price, Quantity, NonNegative, Leverage, Rate, MarginRate, Percent, Positive);

/// Unit-only enums, written as their camelCase name.
macro_rules! names {
    ($($name:ident { $($variant:ident => $text:literal),* $(,)? })*) => {$(
        impl ToJson for $name {
            fn write_json(&self, out: &mut Out) {
                out.raw(match self {
                    $($name::$variant => concat!("\"", $text, "\""),)*
                });
            }
        }
    )*};
}
names! {
    Side { Long => "long", Short => "short" }
    Liquidity { Maker => "maker", Taker => "taker" }
    Model {
        Binance => "binance", Bybit => "bybit", Okx => "okx", Hyperliquid => "hyperliquid", Bingx => "bingx",
        Mexc => "mexc", Weex => "weex",
    }
    MarginMode { Isolated => "isolated", Cross => "cross" }
    Resting { Ignored => "ignored", Counted => "counted" }
    Spacing { Linear => "linear", Geometric => "geometric" }
    RemainderPolicy { Unplaced => "unplaced", TopUpLargest => "topUpLargest" }
    ShareOf { Original => "original", Remaining => "remaining" }
    StepKind {
        Start => "start", Target => "target", Defensive => "defensive", Derisk => "derisk", StopRule => "stopRule",
    }
    Goal { Size => "size", Leverage => "leverage", Depth => "depth" }
    BreachKind {
        Liquidation => "liquidation", LossAtStop => "lossAtStop", TierMaxLeverage => "tierMaxLeverage",
        PositionLimit => "positionLimit", MarginAboveEquity => "marginAboveEquity", StopReached => "stopReached",
        DecimalRange => "decimalRange", LeverageLimit => "leverageLimit", RungNotPlaceable => "rungNotPlaceable",
    }
    Ending { StopHit => "stopHit", Liquidation => "liquidation", Exited => "exited", EndOfData => "endOfData" }
    BookSide { Bids => "bids", Asks => "asks" }
    Layout {
        Binance => "binance", Bybit => "bybit", Okx => "okx", BidsAsks => "bidsAsks", Levels => "levels",
        Parametric => "parametric",
    }
    OrderSide { Buy => "buy", Sell => "sell" }
    Limit { Budget => "budget", Depth => "depth" }
}

impl ToJson for UtcTime {
    fn write_json(&self, out: &mut Out) {
        out.string(&crate::time::format_utc(self.millis()));
    }
}

impl ToJson for Interval {
    fn write_json(&self, out: &mut Out) {
        out.string(&self.to_string());
    }
}

impl ToJson for Warning {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field_index_if("tranche", self.tranche());
        out.field_index_if("step", self.step());
        out.field_name("kind", self.kind().name());
        out.field_str("message", self.message());
        out.close();
    }
}

impl ToJson for Rung {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field_index("index", self.index());
        out.field_decimal("price", self.price().get());
        out.field_decimal("quantity", self.quantity().get());
        out.field_decimal("share", self.share());
        out.field_decimal_if("leverage", self.leverage().map(Leverage::get));
        out.field_if("time", self.time().as_ref());
        out.close();
    }
}

impl ToJson for Ladder {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.key("rungs");
        self.rungs().write_json(out);
        out.field_decimal("requested", self.requested().get());
        out.field_decimal("placed", self.placed().get());
        out.field_decimal("remainder", self.remainder().get());
        out.field("remainderPolicy", &self.remainder_policy());
        out.field_decimal("placedNotional", self.placed_notional().get());
        out.key("warnings");
        self.warnings().write_json(out);
        out.close();
    }
}

impl ToJson for TrancheRow {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field_index("index", self.index);
        out.field_if("time", self.time.as_ref());
        out.field_decimal("price", self.price.get());
        out.field_decimal("quantity", self.quantity.get());
        out.field_decimal("share", self.share);
        out.field_decimal("leverage", self.leverage.get());
        out.field_decimal("cumulativeQuantity", self.cumulative_quantity.get());
        out.field_decimal_or_null("averageEntry", self.average_entry.map(Price::get));
        out.field_decimal("notional", self.notional);
        out.field_decimal("feesPaid", self.fees_paid);
        out.field_decimal("funding", self.funding);
        out.field_decimal_or_null("breakeven", self.breakeven.map(Price::get));
        out.field_decimal("marginUsed", self.margin_used);
        out.field_decimal_or_null("effectiveLeverage", self.effective_leverage);
        out.field_decimal("freeMargin", self.free_margin);
        out.field_decimal_or_null("liquidationPrice", self.liquidation_price.map(Price::get));
        out.field_decimal_or_null("bankruptcyPrice", self.bankruptcy_price.map(Price::get));
        out.field_index_or_null("tier", self.tier);
        out.field_decimal_or_null("liquidationDistance", self.liquidation_distance);
        out.field_decimal_or_null("liquidationBeyondStop", self.liquidation_beyond_stop);
        out.field_decimal_or_null("lossAtStop", self.loss_at_stop);
        out.field_decimal_or_null("lossAtStopPercent", self.loss_at_stop_percent);
        out.field_decimal_or_null("r", self.r);
        out.close();
    }
}

impl ToJson for PlanReport {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field("ladder", &self.ladder);
        out.field("rows", &self.rows);
        out.field("warnings", &self.warnings);
        out.field_decimal_if("riskBudget", self.risk_budget);
        out.field_if("exits", self.exits.as_ref());
        out.close();
    }
}

impl ToJson for ExitStep {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field_index("index", self.index);
        out.field("kind", &self.kind);
        out.field_if("rule", self.rule.as_ref());
        out.field_decimal("price", self.price.get());
        out.field_if("liquidity", self.liquidity.as_ref());
        out.field_decimal("quantity", self.quantity.get());
        out.field_decimal("closedQuantity", self.closed_quantity.get());
        out.field_decimal("remainingQuantity", self.remaining_quantity.get());
        out.field_decimal("exitPnl", self.exit_pnl);
        out.field_decimal("exitFee", self.exit_fee);
        out.field_decimal("funding", self.funding);
        out.field_decimal("realizedPnl", self.realized_pnl);
        out.field_decimal("feesPaid", self.fees_paid);
        out.field_decimal("fundingPaid", self.funding_paid);
        out.field_decimal("unrealizedPnl", self.unrealized_pnl);
        out.field_decimal_or_null("stop", self.stop.map(Price::get));
        out.field_decimal_or_null("worstCase", self.worst_case);
        out.field_decimal_or_null("realizedR", self.realized_r);
        out.field_decimal_or_null("worstCaseR", self.worst_case_r);
        out.field_decimal("marginReleased", self.margin_released);
        out.field_decimal("marginUsed", self.margin_used);
        out.field_decimal_or_null("effectiveLeverage", self.effective_leverage);
        out.field_decimal_or_null("breakeven", self.breakeven.map(Price::get));
        out.field_decimal_or_null("liquidationPrice", self.liquidation_price.map(Price::get));
        out.close();
    }
}

impl ToJson for ExitReport {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field("side", &self.side);
        out.field_decimal("quantity", self.quantity.get());
        out.field_decimal("averageEntry", self.average_entry.get());
        out.field_decimal_or_null("riskDistance", self.risk_distance);
        out.field_decimal_or_null("risk", self.risk);
        out.field_decimal_or_null("fundingIntervalsPerStep", self.funding_intervals_per_step);
        out.field("steps", &self.steps);
        out.field("warnings", &self.warnings);
        out.close();
    }
}

// The plan and its inputs, for the solver's fitted plan.

impl ToJson for ContractKind {
    fn write_json(&self, out: &mut Out) {
        match self {
            Self::Linear => out.open_kind("linear"),
            Self::Inverse { contract_size } => {
                out.open_kind("inverse");
                out.field_decimal("contractSize", contract_size.get());
            }
        }
        out.close();
    }
}

impl ToJson for Tier {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field_decimal("notionalFloor", self.notional_floor.get());
        out.field_decimal_or_null("notionalCap", self.notional_cap.map(NonNegative::get));
        out.field_decimal("maintenanceMarginRate", self.maintenance_margin_rate.get());
        out.field_decimal("maintenanceAmount", self.maintenance_amount.get());
        out.field_decimal("maxLeverage", self.max_leverage.get());
        out.close();
    }
}

impl ToJson for Instrument {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field_str("symbol", &self.symbol);
        out.field("contract", &self.contract);
        out.field_decimal("tickSize", self.tick_size.get());
        out.field_decimal("quantityStep", self.quantity_step.get());
        out.field_decimal("minQuantity", self.min_quantity.get());
        out.field_decimal("minNotional", self.min_notional.get());
        out.field_decimal("makerFee", self.maker_fee.get());
        out.field_decimal("takerFee", self.taker_fee.get());
        out.field("tiers", &self.tiers);
        out.close();
    }
}

impl ToJson for Account {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field_decimal("wallet", self.wallet.get());
        out.field_decimal_if("riskPercent", self.risk_percent.map(Percent::get));
        out.field_decimal_if("otherMaintenanceMargin", self.other_maintenance_margin.map(NonNegative::get));
        out.field_decimal_if("otherUnrealizedPnl", self.other_unrealized_pnl);
        out.close();
    }
}

impl ToJson for Funding {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field_decimal("rate", self.rate.get());
        out.field_decimal("intervals", self.intervals.get());
        out.close();
    }
}

impl ToJson for Tranche {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field_decimal("price", self.price.get());
        out.field_decimal_if("share", self.share.map(Percent::get));
        out.field_decimal_if("quantity", self.quantity.map(Quantity::get));
        out.field_decimal_if("leverage", self.leverage.map(Leverage::get));
        out.close();
    }
}

impl ToJson for Sizes {
    fn write_json(&self, out: &mut Out) {
        match self {
            Self::Flat => out.raw("\"flat\""),
            Self::Increasing => out.raw("\"increasing\""),
            Self::Decreasing => out.raw("\"decreasing\""),
            Self::Skew(skew) => out.tagged("skew", skew),
            Self::Custom(weights) => out.tagged("custom", weights),
        }
    }
}

impl ToJson for Generator {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field_decimal("from", self.from.get());
        out.field_decimal("to", self.to.get());
        out.field_number("count", u64::from(self.count));
        out.field("spacing", &self.spacing);
        out.field("sizes", &self.sizes);
        out.close();
    }
}

impl ToJson for RiskBudget {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field_decimal("account", self.account.get());
        out.field_decimal("riskPercent", self.risk_percent.get());
        out.field_decimal("stop", self.stop.get());
        out.field("entryFee", &self.entry_fee);
        out.close();
    }
}

impl ToJson for Total {
    fn write_json(&self, out: &mut Out) {
        match self {
            Self::Quantity(quantity) => out.tagged("quantity", quantity),
            Self::Notional(notional) => out.tagged("notional", notional),
            Self::RiskBudget(budget) => out.tagged("riskBudget", budget),
        }
    }
}

impl ToJson for LadderSpec {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field_if("tranches", self.tranches.as_ref());
        out.field_if("generate", self.generate.as_ref());
        out.field_if("total", self.total.as_ref());
        out.field("remainder", &self.remainder);
        out.close();
    }
}

impl ToJson for PricePoint {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field("time", &self.time);
        out.field_decimal("price", self.price.get());
        out.close();
    }
}

impl ScheduleSpec {
    /// The fields without braces: [`ScheduleEntries`] flattens them into its own object.
    fn write_fields(&self, out: &mut Out) {
        out.field("start", &self.start);
        out.field("interval", &self.interval);
        out.field_number("count", u64::from(self.count));
        out.field("sizes", &self.sizes);
        out.field("total", &self.total);
        out.field("remainder", &self.remainder);
    }
}

impl ToJson for ScheduleSpec {
    fn write_json(&self, out: &mut Out) {
        out.open();
        self.write_fields(out);
        out.close();
    }
}

impl ToJson for ScheduleEntries {
    fn write_json(&self, out: &mut Out) {
        out.open();
        self.spec.write_fields(out);
        out.field("path", &self.path);
        out.close();
    }
}

impl ToJson for Entries {
    fn write_json(&self, out: &mut Out) {
        match self {
            Self::Ladder(ladder) => out.tagged("ladder", ladder),
            Self::Schedule(schedule) => out.tagged("schedule", schedule),
        }
    }
}

impl ToJson for Target {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field_decimal("price", self.price.get());
        out.field_decimal("share", self.share.get());
        out.field("of", &self.of);
        out.field_if("liquidity", self.liquidity.as_ref());
        out.close();
    }
}

impl ToJson for Trigger {
    fn write_json(&self, out: &mut Out) {
        match self {
            Self::Target(index) => out.tagged("target", index),
            Self::R(r) => out.tagged("r", r),
        }
    }
}

impl ToJson for Trail {
    fn write_json(&self, out: &mut Out) {
        match self {
            Self::Distance(distance) => out.tagged("distance", distance),
            Self::Percent(percent) => out.tagged("percent", percent),
        }
    }
}

impl ToJson for StopMove {
    fn write_json(&self, out: &mut Out) {
        match self {
            Self::Entry => out.raw("\"entry\""),
            Self::Breakeven => out.raw("\"breakeven\""),
            Self::Price(price) => out.tagged("price", price),
            Self::Trail(trail) => out.tagged("trail", trail),
        }
    }
}

impl ToJson for StopRule {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field("when", &self.when);
        out.field("moveTo", &self.move_to);
        out.close();
    }
}

impl ToJson for Every {
    fn write_json(&self, out: &mut Out) {
        match self {
            Self::R(r) => out.tagged("r", r),
            Self::Price(price) => out.tagged("price", price),
        }
    }
}

impl ToJson for DeriskSteps {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field("every", &self.every);
        out.field_number("count", u64::from(self.count));
        out.field_decimal("share", self.share.get());
        out.field("of", &self.of);
        out.field_if("trail", self.trail.as_ref());
        out.field_if("liquidity", self.liquidity.as_ref());
        out.close();
    }
}

impl ToJson for Derisk {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field_decimal_if("atR", self.at_r.map(Positive::get));
        out.field_decimal("share", self.share.get());
        out.field("of", &self.of);
        out.field_if("moveTo", self.move_to.as_ref());
        out.field_if("liquidity", self.liquidity.as_ref());
        out.field_if("then", self.then.as_ref());
        out.close();
    }
}

impl ToJson for DefensiveExit {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field_decimal("price", self.price.get());
        out.field_decimal("share", self.share.get());
        out.field("of", &self.of);
        out.field_if("liquidity", self.liquidity.as_ref());
        out.close();
    }
}

impl ToJson for ExitPlan {
    fn write_json(&self, out: &mut Out) {
        out.open();
        if !self.targets.is_empty() {
            out.field("targets", &self.targets);
        }
        if !self.stop_rules.is_empty() {
            out.field("stopRules", &self.stop_rules);
        }
        out.field_if("derisk", self.derisk.as_ref());
        out.field_if("defensive", self.defensive.as_ref());
        out.close();
    }
}

impl ToJson for Plan {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field_number("version", u64::from(self.version));
        if !self.name.is_empty() {
            out.field_str("name", &self.name);
        }
        out.field("instrument", &self.instrument);
        out.field("model", &self.model);
        out.field("side", &self.side);
        out.field("marginMode", &self.margin_mode);
        out.field("account", &self.account);
        out.field_decimal("leverage", self.leverage.get());
        out.field_decimal_if("stop", self.stop.map(Price::get));
        out.field_if("restingOrders", self.resting_orders.as_ref());
        out.field_if("entryLiquidity", self.entry_liquidity.as_ref());
        out.field_if("funding", self.funding.as_ref());
        out.field("entries", &self.entries);
        out.field_if("exits", self.exits.as_ref());
        out.close();
    }
}

// The solver's fit.

impl ToJson for Breach {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field("kind", &self.kind);
        out.field_index_if("tranche", self.tranche);
        out.field_str("message", &self.message);
        out.close();
    }
}

impl ToJson for Fit {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field("goal", &self.goal);
        out.field_str("field", &self.field);
        out.field_decimal("current", self.current);
        out.field_decimal_or_null("value", self.value);
        out.field("binding", &self.binding);
        out.field_if("plan", self.plan.as_ref());
        out.close();
    }
}

// The liquidation calculator's result.

impl ToJson for Liquidation {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field_decimal_or_null("liquidationPrice", self.liquidation_price().map(Price::get));
        out.field_decimal_or_null("bankruptcyPrice", self.bankruptcy_price().map(Price::get));
        out.field_index_or_null("tier", self.tier());
        out.field_decimal_or_null("maintenanceMarginRate", self.maintenance_margin_rate().map(MarginRate::get));
        out.field_decimal_or_null("maintenanceAmount", self.maintenance_amount().map(NonNegative::get));
        out.close();
    }
}

// The replay.

impl ToJson for ReplayEvent {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field_index("bar", self.bar);
        out.field("time", &self.time);
        match self.kind {
            EventKind::Fill { tranche } => {
                out.field_name("kind", "fill");
                out.field_index("tranche", tranche);
            }
            EventKind::Exit { step } => {
                out.field_name("kind", "exit");
                out.field_index("step", step);
            }
            EventKind::StopMoved { from } => {
                out.field_name("kind", "stopMoved");
                out.field_decimal_or_null("from", from.map(Price::get));
            }
            EventKind::StopHit => out.field_name("kind", "stopHit"),
            EventKind::Liquidation => out.field_name("kind", "liquidation"),
            EventKind::EndOfData => out.field_name("kind", "endOfData"),
        }
        out.field_if("rule", self.rule.as_ref());
        out.field_decimal("price", self.price.get());
        out.field_decimal("quantity", self.quantity.get());
        out.field_decimal("fee", self.fee);
        out.field_decimal("pnl", self.pnl);
        out.field_decimal("position", self.position.get());
        out.field_decimal_or_null("averageEntry", self.average_entry.map(Price::get));
        out.field_decimal_or_null("stop", self.stop.map(Price::get));
        out.field_decimal_or_null("liquidationPrice", self.liquidation_price.map(Price::get));
        out.field_decimal("realizedPnl", self.realized_pnl);
        out.field_decimal("equity", self.equity);
        out.close();
    }
}

impl ToJson for ReplayReport {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field("events", &self.events);
        out.field("ending", &self.ending);
        out.field_index("bars", self.bars);
        out.field_decimal("plannedQuantity", self.planned_quantity.get());
        out.field_decimal("filledQuantity", self.filled_quantity.get());
        out.field("unfilled", &self.unfilled);
        out.field("warnings", &self.warnings);
        out.field_if("exits", self.exits.as_ref());
        out.field_decimal("finalQuantity", self.final_quantity.get());
        out.field_decimal_or_null("averageEntry", self.average_entry.map(Price::get));
        out.field_decimal("fees", self.fees);
        out.field_decimal("funding", self.funding);
        out.field_decimal("realizedPnl", self.realized_pnl);
        out.field_decimal("unrealizedPnl", self.unrealized_pnl);
        out.field_decimal("lastClose", self.last_close.get());
        out.field_decimal("finalEquity", self.final_equity);
        out.field_decimal("maxAdverseExcursion", self.max_adverse_excursion);
        out.field_decimal("maxDrawdown", self.max_drawdown);
        out.field_decimal_or_null("maxDrawdownPercent", self.max_drawdown_percent);
        out.close();
    }
}

// The market impact report.

impl ToJson for Fill {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field_decimal("price", self.price.get());
        out.field_decimal("quantity", self.quantity.get());
        out.close();
    }
}

impl ToJson for Execution {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field_decimal("requested", self.requested.get());
        out.field_decimal("filled", self.filled);
        out.field_decimal("unfilled", self.unfilled);
        out.field_decimal("notional", self.notional);
        out.field_decimal_or_null("averagePrice", self.average_price.map(Price::get));
        out.field_decimal_or_null("firstPrice", self.first_price.map(Price::get));
        out.field_decimal_or_null("worstPrice", self.worst_price.map(Price::get));
        out.field_decimal_or_null("slippageBps", self.slippage_bps);
        out.field_decimal_or_null("slippageVsMidBps", self.slippage_vs_mid_bps);
        out.field("fills", &self.fills);
        out.close();
    }
}

impl ToJson for BookWarning {
    fn write_json(&self, out: &mut Out) {
        match self {
            Self::Resorted { side } => {
                out.open_kind("resorted");
                out.field("side", side);
            }
            Self::MergedDuplicates { side, count } => {
                out.open_kind("mergedDuplicates");
                out.field("side", side);
                out.field_index("count", *count);
            }
            Self::Crossed { best_bid, best_ask } => {
                out.open_kind("crossed");
                out.field_decimal("bestBid", best_bid.get());
                out.field_decimal("bestAsk", best_ask.get());
            }
        }
        out.close();
    }
}

impl TrancheReport {
    /// The fields without braces: [`ImpactReport`] flattens them into its own object.
    fn write_fields(&self, out: &mut Out) {
        out.field("side", &self.side);
        out.field_decimal_or_null("bestPrice", self.best_price.map(Price::get));
        out.field_decimal_or_null("midPrice", self.mid_price);
        out.field("lump", &self.lump);
        out.field("tranches", &self.tranches);
        out.field("combined", &self.combined);
        out.field_decimal_or_null("savingQuote", self.saving_quote);
        out.field_decimal_or_null("savingBps", self.saving_bps);
    }
}

impl ToJson for TrancheReport {
    fn write_json(&self, out: &mut Out) {
        out.open();
        self.write_fields(out);
        out.close();
    }
}

impl ToJson for MaxOrder {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field_decimal("quantity", self.quantity);
        out.field_decimal("step", self.step.get());
        out.field_decimal_or_null("limitPrice", self.limit_price);
        out.field("limitedBy", &self.limited_by);
        out.field("execution", &self.execution);
        out.close();
    }
}

impl ToJson for ImpactReport {
    fn write_json(&self, out: &mut Out) {
        out.open();
        out.field("layout", &self.layout);
        out.field("warnings", &self.warnings);
        self.comparison.write_fields(out);
        out.field("maxWithinBudget", &self.max_within_budget);
        out.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_as_serde_json_does() {
        for text in ["", "plain", "a \"quote\" and \\ back", "tab\tnew\nline\r\u{8}\u{c}", "\u{0}\u{1f}\u{7f}", "é ₿ 😀"] {
            assert_eq!(to_json(text), serde_json::to_string(text).unwrap_or_default(), "{text:?}");
        }
    }

    #[test]
    fn numbers_write_every_digit() {
        for n in [0_usize, 7, 10, 99, 100, 12_345, usize::MAX] {
            assert_eq!(to_json(&n), n.to_string());
        }
    }
}
