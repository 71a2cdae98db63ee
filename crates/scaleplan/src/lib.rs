//! scaleplan: the exact math of scaling into and out of crypto futures positions.
//!
//! Pure and deterministic: no I/O, no clock, no platform dependency. Every computation uses checked
//! [`rust_decimal::Decimal`] arithmetic and fails only through [`Error`]; it never panics, whatever it is given.
#![deny(clippy::arithmetic_side_effects, clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

pub mod account;
pub mod candles;
pub mod error;
pub mod impact;
pub mod instrument;
pub mod json;
pub mod ladder;
pub mod liquidation;
mod message;
mod order;
pub mod num;
pub mod plan;
pub mod position;
pub mod presets;
pub mod read;
pub mod replay;
pub mod scaleout;
pub mod schedule;
pub mod solver;
pub mod text;
pub mod time;
mod valuation;
pub mod warning;
pub mod write;

pub use error::{Error, Result};
pub use instrument::{ContractKind, Instrument, Tier};
pub use ladder::{build_ladder, Ladder, LadderSpec, Rung};
pub use num::{Leverage, MarginRate, NonNegative, Percent, Positive, Price, Quantity, Rate, Side};
pub use plan::{evaluate_plan, Plan, PlanReport, TrancheRow};
pub use position::{average_entry, Fill};
pub use replay::{replay_plan, ReplayReport, ReplayRules};
pub use rust_decimal::Decimal;
pub use scaleout::{evaluate_exits, ExitInput, ExitPlan, ExitReport, ExitStep};
pub use schedule::{build_schedule, PricePath, ScheduleSpec};
pub use time::{Interval, UtcTime};
pub use warning::{Warning, WarningKind};
