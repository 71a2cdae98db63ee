//! The per-tranche results table: what the position is after every fill, each warning on its row, and the help
//! text (formula and model) of every column.

use leptos::prelude::*;
use scaleplan::{PlanReport, Warning};
use serde_json::Value;

use crate::format::{grouped_text, multiple, percent_of_fraction, places_of};
use crate::Planner;

/// How a column's figure is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A price, at the instrument's tick precision.
    Price,
    /// A quantity, at the instrument's step precision.
    Quantity,
    /// An amount in the margin currency, two decimals (eight for coin).
    Amount,
    /// A fraction shown as a percentage.
    Fraction,
    /// A percentage already (0–100), two decimals.
    Percent,
    /// A multiple (leverage, R), two decimals.
    Multiple,
    /// A whole number.
    Index,
}

/// One results column: the report field, its header, how it is shown and its help text.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Field of a report row (`averageEntry`).
    pub key: &'static str,
    /// Header text.
    pub header: &'static str,
    /// How the figure is shown.
    pub kind: Kind,
    /// What the figure means and how it is computed.
    pub help: &'static str,
}

/// The columns of the tranche table, in order.
pub const COLUMNS: &[Column] = &[
    Column { key: "price", header: "Price", kind: Kind::Price, help: "Fill price of the tranche, on the instrument's tick." },
    Column { key: "quantity", header: "Quantity", kind: Kind::Quantity, help: "Tranche size, floored to the quantity step (base units, or contracts for inverse)." },
    Column { key: "share", header: "Share", kind: Kind::Percent, help: "The tranche's share of the placed total." },
    Column { key: "cumulativeQuantity", header: "Position", kind: Kind::Quantity, help: "Position size after the tranche: the sum of the fills so far." },
    Column { key: "averageEntry", header: "Avg entry", kind: Kind::Price, help: "Average entry: Σ q·p / Σ q (linear), Σ n / Σ (n/p) for inverse. Weighted by quantity, never by margin." },
    Column { key: "breakeven", header: "Breakeven", kind: Kind::Price, help: "Exit price that pays back entry fees, the taker exit fee and planned funding: long (q·E + fees)/(q·(1 − taker))." },
    Column { key: "marginUsed", header: "Margin", kind: Kind::Amount, help: "Initial margin: Σ tranche value ÷ its leverage." },
    Column { key: "effectiveLeverage", header: "Eff. leverage", kind: Kind::Multiple, help: "Position value at the fill price ÷ account equity (wallet − fees + unrealized PnL). Rises as you scale in (guide §2.3)." },
    Column { key: "liquidationPrice", header: "Liquidation", kind: Kind::Price, help: "Liquidation price under the plan's model (Binance: maintenance at the liquidation price, tier at the liquidation notional; Bybit: on entry value; OKX: plus the taker fee; Hyperliquid). Rounded toward the entry." },
    Column { key: "liquidationDistance", header: "To liq.", kind: Kind::Fraction, help: "How far the price can move against the position from this fill before liquidation: side·(fill − liquidation)/fill." },
    Column { key: "lossAtStop", header: "Loss at stop", kind: Kind::Amount, help: "Loss if the stop is hit now: q·|E − stop| plus entry fees, the taker fee at the stop and funding." },
    Column { key: "lossAtStopPercent", header: "% of account", kind: Kind::Percent, help: "Loss at the stop as a percentage of the wallet." },
    Column { key: "r", header: "R", kind: Kind::Multiple, help: "Loss at the stop in units of the risk budget (wallet × risk %): 1 R is the most the plan may lose (guide §2.1)." },
];

/// The display text of `column` in a report row (JSON), with `price_places` and `quantity_places` from the
/// instrument; `—` when the figure does not exist (no stop, no liquidation price).
pub fn cell_text(row: &Value, column: &Column, price_places: Option<u32>, quantity_places: Option<u32>) -> String {
    let Some(value) = row.get(column.key).filter(|v| !v.is_null()) else {
        return "—".to_owned();
    };
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match column.kind {
        Kind::Price => grouped_text(&text, price_places),
        Kind::Quantity => grouped_text(&text, quantity_places),
        Kind::Amount => grouped_text(&text, Some(2)),
        Kind::Fraction => percent_of_fraction(&text),
        Kind::Percent => format!("{} %", grouped_text(&text, Some(2))),
        Kind::Multiple => multiple(&text),
        Kind::Index => text,
    }
}

/// The warnings of tranche `index`.
pub fn warnings_of(report: &PlanReport, index: usize) -> Vec<Warning> {
    report.warnings.iter().filter(|w| w.tranche() == Some(index)).cloned().collect()
}

/// The results section: the problem that stops evaluation (if any), the tranche table and the plan's warnings.
#[component]
pub fn Results() -> impl IntoView {
    let planner = Planner::get();
    view! {
        <section class="sp-results" aria-labelledby="sp-results-title">
            <h2 id="sp-results-title">"After each tranche"</h2>
            <Show when=move || planner.problem.with(Option::is_some)>
                <p class="sp-stale" role="status">
                    {move || planner.problem.with(|p| p.as_ref().map(|p| {
                        let field = if p.pointer.is_empty() { "plan".to_owned() } else { p.pointer.trim_start_matches('/').replace('/', ".") };
                        format!("Showing the last valid results. Fix {field}: {}", p.message)
                    }))}
                </p>
            </Show>
            {move || planner.shown.get().map(|shown| {
                let (plan, report) = (shown.plan, shown.report);
                let price_places = places_of(plan.instrument.tick_size.get());
                let quantity_places = places_of(plan.instrument.quantity_step.get());
                let rows: Vec<Value> = report.rows.iter().map(|r| serde_json::to_value(r).unwrap_or(Value::Null)).collect();
                let plan_warnings: Vec<Warning> = report.warnings.iter().filter(|w| w.tranche().is_none()).cloned().collect();
                view! {
                    <div class="sp-table-wrap" tabindex="0" role="region" aria-label="Tranche results (scrolls sideways)">
                        <table class="sp-table">
                            <caption class="sp-visually-hidden">"The position after each tranche fills"</caption>
                            <thead><tr>
                                <th scope="col">"#"</th>
                                {COLUMNS.iter().map(|c| view! { <th scope="col"><abbr title=c.help>{c.header}</abbr></th> }).collect_view()}
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().enumerate().map(|(i, row)| {
                                    let warnings = warnings_of(&report, i);
                                    let flagged = !warnings.is_empty();
                                    view! {
                                        <tr class:sp-flagged=flagged>
                                            <th scope="row">{i + 1}</th>
                                            {COLUMNS.iter().map(|c| view! { <td data-col=c.key>{cell_text(&row, c, price_places, quantity_places)}</td> }).collect_view()}
                                        </tr>
                                        {flagged.then(|| view! {
                                            <tr class="sp-warning-row"><td colspan=COLUMNS.len() + 1>
                                                <ul class="sp-warnings">
                                                    {warnings.into_iter().map(|w| view! { <li data-kind=w.kind().to_string()>{w.message().to_owned()}</li> }).collect_view()}
                                                </ul>
                                            </td></tr>
                                        })}
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <ul class="sp-warnings sp-plan-warnings">
                        {plan_warnings.into_iter().map(|w| view! { <li data-kind=w.kind().to_string()>{w.message().to_owned()}</li> }).collect_view()}
                    </ul>
                }
            })}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(key: &str) -> &'static Column {
        COLUMNS.iter().find(|c| c.key == key).expect("a column")
    }

    #[test]
    fn cells_use_the_instrument_precision_and_show_missing_figures_as_a_dash() {
        let row = serde_json::json!({
            "averageEntry": "63244.26213107", "quantity": "0.3", "liquidationDistance": "0.04632",
            "effectiveLeverage": "7.83320663", "liquidationPrice": null, "share": "30"
        });
        assert_eq!(cell_text(&row, column("averageEntry"), Some(1), Some(3)), "63,244.3");
        assert_eq!(cell_text(&row, column("quantity"), Some(1), Some(3)), "0.300");
        assert_eq!(cell_text(&row, column("liquidationDistance"), Some(1), Some(3)), "4.63 %");
        assert_eq!(cell_text(&row, column("effectiveLeverage"), Some(1), Some(3)), "7.83×");
        assert_eq!(cell_text(&row, column("liquidationPrice"), Some(1), Some(3)), "—");
        assert_eq!(cell_text(&row, column("share"), Some(1), Some(3)), "30.00 %");
        assert_eq!(cell_text(&row, column("r"), Some(1), Some(3)), "—");
    }

    #[test]
    fn every_column_is_a_report_field_and_has_help() {
        let report = crate::evaluate(&crate::Draft::from_plan_text(crate::GUIDE_BTC_LADDER).expect("example"))
            .expect("evaluates")
            .1;
        let row = serde_json::to_value(&report.rows[0]).expect("serializes");
        for c in COLUMNS {
            assert!(row.get(c.key).is_some(), "{} is not a report field", c.key);
            assert!(c.help.len() > 20, "{} needs a help text", c.key);
        }
    }
}
