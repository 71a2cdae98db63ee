//! The per-tranche results: a summary of the position once every tranche has filled, the table of what the
//! position is after every fill with each warning on its row, and a legend with the help text (formula and model)
//! of every column and every kind of warning, reachable by keyboard.

use leptos::prelude::*;
use scaleplan::{Decimal, PlanReport, TrancheRow, Warning, WarningKind};

use crate::fields::Labels;
use crate::format::{grouped, places_of};
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
    /// Field of a report row as the report names it (`averageEntry`), for `data-col` and the help's id.
    pub key: &'static str,
    /// The figure in a row, typed; `None` when it does not exist (no stop, no liquidation price).
    pub value: fn(&TrancheRow) -> Option<Decimal>,
    /// Header text.
    pub header: &'static str,
    /// How the figure is shown.
    pub kind: Kind,
    /// What the figure means and how it is computed.
    pub help: &'static str,
}

/// The columns of the tranche table, in order.
pub const COLUMNS: &[Column] = &[
    Column { key: "price", value: |r| Some(r.price.get()), header: "Price", kind: Kind::Price, help: "Fill price of the tranche, on the instrument's tick." },
    Column { key: "quantity", value: |r| Some(r.quantity.get()), header: "Quantity", kind: Kind::Quantity, help: "Tranche size, floored to the quantity step (base units, or contracts for inverse)." },
    Column { key: "share", value: |r| Some(r.share), header: "Share", kind: Kind::Percent, help: "The tranche's share of the placed total." },
    Column { key: "cumulativeQuantity", value: |r| Some(r.cumulative_quantity.get()), header: "Position", kind: Kind::Quantity, help: "Position size after the tranche: the sum of the fills so far." },
    Column { key: "averageEntry", value: |r| r.average_entry.map(|p| p.get()), header: "Avg entry", kind: Kind::Price, help: "Average entry: Σ q·p / Σ q (linear), Σ n / Σ (n/p) for inverse. Weighted by quantity, never by margin." },
    Column { key: "breakeven", value: |r| r.breakeven.map(|p| p.get()), header: "Breakeven", kind: Kind::Price, help: "Exit price that pays back entry fees, the taker exit fee and planned funding: long (q·E + fees)/(q·(1 − taker))." },
    Column { key: "marginUsed", value: |r| Some(r.margin_used), header: "Margin", kind: Kind::Amount, help: "Initial margin: Σ tranche value ÷ its leverage." },
    Column { key: "effectiveLeverage", value: |r| r.effective_leverage, header: "Eff. leverage", kind: Kind::Multiple, help: "Position value at the fill price ÷ account equity (wallet − fees + unrealized PnL). Rises as you scale in (guide §2.3)." },
    Column { key: "liquidationPrice", value: |r| r.liquidation_price.map(|p| p.get()), header: "Liquidation", kind: Kind::Price, help: "Liquidation price under the plan's model (Binance: maintenance at the liquidation price, tier at the liquidation notional; Bybit: on entry value; OKX: plus the taker fee; Hyperliquid). Rounded toward the entry." },
    Column { key: "liquidationDistance", value: |r| r.liquidation_distance, header: "To liq.", kind: Kind::Fraction, help: "How far the price can move against the position from this fill before liquidation: side·(fill − liquidation)/fill." },
    Column { key: "lossAtStop", value: |r| r.loss_at_stop, header: "Loss at stop", kind: Kind::Amount, help: "Loss if the stop is hit now: q·|E − stop| plus entry fees, the taker fee at the stop and funding." },
    Column { key: "lossAtStopPercent", value: |r| r.loss_at_stop_percent, header: "% of account", kind: Kind::Percent, help: "Loss at the stop as a percentage of the wallet." },
    Column { key: "r", value: |r| r.r, header: "R", kind: Kind::Multiple, help: "Loss at the stop in units of the risk budget (wallet × risk %): 1 R is the most the plan may lose (guide §2.1)." },
];

/// The display text of `column` in `row`, with `price_places` and `quantity_places` from the instrument; `—` when
/// the figure does not exist (no stop, no liquidation price).
pub fn cell_text(row: &TrancheRow, column: &Column, price_places: Option<u32>, quantity_places: Option<u32>) -> String {
    match (column.value)(row) {
        Some(value) => figure_text(value, column.kind, price_places, quantity_places),
        None => "—".to_owned(),
    }
}

/// A figure shown as `kind` shows it.
pub fn figure_text(value: Decimal, kind: Kind, price_places: Option<u32>, quantity_places: Option<u32>) -> String {
    match kind {
        Kind::Price => grouped(value, price_places),
        Kind::Quantity => grouped(value, quantity_places),
        Kind::Amount => grouped(value, Some(2)),
        Kind::Fraction => match value.checked_mul(Decimal::ONE_HUNDRED) {
            Some(p) => format!("{} %", grouped(p, Some(2))),
            None => value.to_string(),
        },
        Kind::Percent => format!("{} %", grouped(value, Some(2))),
        Kind::Multiple => format!("{}×", grouped(value, Some(2))),
        Kind::Index => value.to_string(),
    }
}

/// One row of the tranche table as shown: the texts of its cells, in [`COLUMNS`] order, and its warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowView {
    /// The cells' texts.
    pub cells: Vec<String>,
    /// The warnings on this tranche.
    pub warnings: Vec<Warning>,
}

/// Every row of `report` as shown, with the instrument's precisions.
pub fn row_views(report: &PlanReport, price_places: Option<u32>, quantity_places: Option<u32>) -> Vec<RowView> {
    report
        .rows
        .iter()
        .map(|row| RowView {
            cells: COLUMNS.iter().map(|c| cell_text(row, c, price_places, quantity_places)).collect(),
            warnings: warnings_of(report, row.index),
        })
        .collect()
}

/// The figures of the summary above the table: (the row's field, the label), taken from the last row.
pub const SUMMARY: &[(&str, &str)] = &[
    ("averageEntry", "Average entry"),
    ("breakeven", "Breakeven"),
    ("marginUsed", "Margin used"),
    ("effectiveLeverage", "Effective leverage"),
    ("liquidationPrice", "Liquidation"),
    ("lossAtStop", "Loss at stop"),
    ("r", "R at stop"),
];

/// One figure of the summary: its label, its text, and the id of its help text in the legend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    /// What the figure is.
    pub label: String,
    /// The figure, formatted like its column.
    pub text: String,
    /// Element id of its help text ([`help_id`]).
    pub help: String,
}

/// The element id of the help text of a column or warning kind (`sp-help-averageEntry`).
pub fn help_id(key: &str) -> String {
    format!("sp-help-{key}")
}

/// The summary of the position once every tranche has filled (the last row), and what the exchange's grid leaves
/// unplaced, when anything.
pub fn summary(report: &PlanReport, price_places: Option<u32>, quantity_places: Option<u32>) -> Vec<Figure> {
    let Some(last) = report.rows.last() else {
        return Vec::new();
    };
    let mut figures: Vec<Figure> = SUMMARY
        .iter()
        .filter_map(|(key, label)| {
            let column = COLUMNS.iter().find(|c| c.key == *key)?;
            Some(Figure {
                label: (*label).to_owned(),
                text: cell_text(last, column, price_places, quantity_places),
                help: help_id(key),
            })
        })
        .collect();
    let warnings = report.warnings.len();
    figures.push(Figure {
        label: "Warnings".to_owned(),
        text: if warnings == 0 { "none".to_owned() } else { warnings.to_string() },
        help: help_id("warnings"),
    });
    let remainder = report.ladder.remainder().get();
    if remainder > Decimal::ZERO {
        figures.push(Figure {
            label: "Not placed (remainder)".to_owned(),
            text: grouped(remainder, quantity_places),
            help: help_id("remainder"),
        });
    }
    figures
}

/// A short title for each kind of warning, for people.
pub fn warning_title(kind: WarningKind) -> &'static str {
    match kind {
        WarningKind::ZeroQuantity => "Nothing to place",
        WarningKind::BelowMinQuantity => "Below the minimum quantity",
        WarningKind::BelowMinNotional => "Below the minimum order value",
        WarningKind::DuplicatePrice => "Same price twice",
        WarningKind::LiquidationBeforeStop => "Liquidated before the stop",
        WarningKind::ThinMarginBuffer => "Thin margin buffer",
        WarningKind::LeverageAboveTierMax => "Leverage above the tier's maximum",
        WarningKind::StopOnWrongSide => "Stop on the wrong side",
        WarningKind::RiskAboveBudget => "Risk above budget",
        WarningKind::StopNotMoved => "Stop not moved",
        WarningKind::ExitLargerThanRemaining => "Exit larger than what is left",
        WarningKind::ExitAfterPositionClosed => "Exit after the position is closed",
        WarningKind::ExitsNotPlanned => "Exits not planned yet",
        _ => "Warning",
    }
}

/// What each kind of warning means and what to do about it (the legend's text).
pub fn warning_help(kind: WarningKind) -> &'static str {
    match kind {
        WarningKind::ZeroQuantity => "The tranche's quantity rounds down to 0 at the exchange's quantity step: there is nothing to place. Raise the total or merge tranches.",
        WarningKind::BelowMinQuantity => "The rounded quantity is below the exchange's minimum order quantity; the exchange would reject the order.",
        WarningKind::BelowMinNotional => "The order's value (quantity × price) is below the exchange's minimum notional; the exchange would reject it.",
        WarningKind::DuplicatePrice => "Two tranches round to the same price at the tick size: the ladder is finer than the price grid.",
        WarningKind::LiquidationBeforeStop => "The liquidation price is reached before the stop, so the stop never limits the loss: the whole margin is lost instead. Lower the leverage or move the stop (guide §4.3).",
        WarningKind::ThinMarginBuffer => "The liquidation price lies close beyond the stop (less than half the stop distance), or the margin exceeds the equity: a wick past the stop could liquidate the position (guide §4.3: keep a buffer).",
        WarningKind::LeverageAboveTierMax => "The position's notional falls in a maintenance tier whose maximum leverage is below the leverage asked for; the exchange would refuse it.",
        WarningKind::StopOnWrongSide => "The stop is on the profit side of a fill (above a long's entry, below a short's): it would close the position at once.",
        WarningKind::RiskAboveBudget => "The loss at the stop, fees included, is more than the risk budget (wallet × risk %), the most the plan may lose (guide §2.1).",
        WarningKind::StopNotMoved => "A stop rule would loosen the stop or put it at or beyond the price, so the stop stays where it was: a stop only tightens.",
        WarningKind::ExitLargerThanRemaining => "An exit asks for more than is left of the position, so it closes the rest.",
        WarningKind::ExitAfterPositionClosed => "These exit steps come after the position is fully closed and are left out.",
        WarningKind::ExitsNotPlanned => "In a replay, the exits could not be planned on the position as built so far (a fill at a gap can put its average entry beyond the stop), so no exit waits until the next fill.",
        _ => "A soft problem the plan may still go ahead with.",
    }
}

/// Every kind of warning, in the legend's order: the core's own list, so a new kind reaches the legend (and the
/// test that every kind has a title and help fails until it has them).
pub const WARNING_KINDS: &[WarningKind] = &WarningKind::ALL;

/// A core message for people: field paths become words (`tranches[2]` → `tranche 3`, `targets[0]` → `target 1`,
/// `steps[2]` → `step 2`, since step 0 is the position as held), long numbers get thousands separators, and the
/// first letter is a capital.
pub fn for_people(message: &str) -> String {
    let mut out = String::with_capacity(message.len().saturating_add(16));
    let mut rest = message;
    while let Some(open) = rest.find('[') {
        let (before, after) = rest.split_at(open);
        let close = after.find(']');
        let index = close.and_then(|c| after.get(1..c)).and_then(|n| n.parse::<usize>().ok());
        let word_start = before.rfind(|c: char| !c.is_ascii_alphabetic()).map_or(0, |i| i.saturating_add(1));
        let (head, word) = before.split_at(word_start);
        let named = match (word, index) {
            ("tranches" | "rungs" | "rows", Some(i)) => Some(format!("tranche {}", i.saturating_add(1))),
            ("targets", Some(i)) => Some(format!("target {}", i.saturating_add(1))),
            ("stopRules", Some(i)) => Some(format!("stop rule {}", i.saturating_add(1))),
            ("then", Some(i)) => Some(format!("then step {}", i.saturating_add(1))),
            ("steps", Some(i)) => Some(format!("step {i}")),
            _ => None,
        };
        match (named, close) {
            (Some(named), Some(c)) => {
                out.push_str(head);
                out.push_str(&named);
                rest = after.get(c.saturating_add(1)..).unwrap_or("");
            }
            _ => {
                out.push_str(before);
                out.push('[');
                rest = after.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    let grouped_numbers = group_numbers(&out);
    let mut chars = grouped_numbers.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Thousands separators in the numbers of a text (`58283.2` → `58,283.2`), digits kept as they are.
fn group_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len().saturating_add(8));
    let mut number = String::new();
    let flush = |number: &mut String, out: &mut String| {
        if number.is_empty() {
            return;
        }
        let trimmed = number.trim_end_matches('.');
        match trimmed.parse::<Decimal>() {
            Ok(d) if trimmed.split('.').next().is_some_and(|i| i.len() > 4) => {
                out.push_str(&grouped(d, None));
                out.push_str(number.get(trimmed.len()..).unwrap_or(""));
            }
            _ => out.push_str(number),
        }
        number.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() || (c == '.' && !number.is_empty()) {
            number.push(c);
        } else {
            flush(&mut number, &mut out);
            out.push(c);
        }
    }
    flush(&mut number, &mut out);
    out
}

/// A warning as shown: its title in bold, then the message for people.
#[component]
pub fn WarningItem(
    /// The warning.
    warning: Warning,
) -> impl IntoView {
    view! {
        <li data-kind=warning.kind().to_string()>
            <strong>{warning_title(warning.kind())}</strong>": "{for_people(warning.message())}" "
            <a href=format!("#{}", help_id(&warning.kind().to_string())) class="sp-help-link"
                aria-label=format!("What “{}” means", warning_title(warning.kind()))>"?"</a>
        </li>
    }
}

/// The legend: every column's formula and model, and every kind of warning, in a `<details>` that opens by
/// keyboard; headers and summary figures point at their entry with `aria-describedby`.
#[component]
pub fn Legend() -> impl IntoView {
    view! {
        <details class="sp-legend" id="sp-legend">
            <summary>"How each figure is computed, and what the warnings mean"</summary>
            <h3>"Columns"</h3>
            <dl>
                {COLUMNS.iter().map(|c| view! {
                    <dt>{c.header}</dt>
                    <dd id=help_id(c.key)>{c.help}</dd>
                }).collect_view()}
                <dt>"Warnings"</dt>
                <dd id=help_id("warnings")>"How many warnings the plan raises, on its tranches and as a whole; each is listed on its row below the table, and explained under Warnings here."</dd>
                <dt>"Not placed (remainder)"</dt>
                <dd id=help_id("remainder")>"What flooring every tranche to the exchange's quantity step leaves of the requested total; left unplaced unless the ladder's remainder policy adds it to the largest tranches."</dd>
            </dl>
            <h3>"Warnings"</h3>
            <dl>
                {WARNING_KINDS.iter().map(|k| view! {
                    <dt>{warning_title(*k)}</dt>
                    <dd id=help_id(&k.to_string())>{warning_help(*k)}</dd>
                }).collect_view()}
            </dl>
        </details>
    }
}

/// The warnings of tranche `index`.
pub fn warnings_of(report: &PlanReport, index: usize) -> Vec<Warning> {
    report.warnings.iter().filter(|w| w.tranche() == Some(index)).cloned().collect()
}

/// The warnings of every tranche, grouped once: entry `i` holds tranche `i`'s, in the report's order.
pub fn warnings_by_row(report: &PlanReport) -> Vec<Vec<Warning>> {
    let mut rows = vec![Vec::new(); report.rows.len()];
    for warning in &report.warnings {
        if let Some(row) = warning.tranche().and_then(|i| rows.get_mut(i)) {
            row.push(warning.clone());
        }
    }
    rows
}

/// At least this many rows of the tranche table are rendered: a plan of up to this many tranches is rendered whole
/// wherever the table is on the page.
pub const MIN_ROWS: usize = 24;

/// How far above and below the visible part of the page the tranche table renders its rows, in CSS pixels, so that
/// scrolling shows rendered rows while the next ones are put in.
pub const OVERSCAN_PX: f64 = 320.0;

/// What is known of the heights of the tranche table's rows, in CSS pixels: each row as measured while it was
/// rendered (with its row of warnings, and how many warnings it had then), from which the heights of the rows
/// never rendered are estimated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Heights {
    /// Per row: how many warnings it had and its height when it was last measured.
    measured: Vec<Option<(usize, f64)>>,
}

/// A tranche's row and one warning under it, until one is measured.
const DEFAULT_ROW_PX: f64 = 31.0;
const DEFAULT_WARNING_PX: f64 = 29.0;

impl Heights {
    /// Records that row `index`, with `warnings` warnings, is `height` high; whether that changes what is known
    /// (by half a pixel or more: sub-pixel differences are noise).
    pub fn record(&mut self, index: usize, warnings: usize, height: f64) -> bool {
        if !height.is_finite() || height <= 0.0 || index > 1_000_000 {
            return false;
        }
        if self.measured.len() <= index {
            self.measured.resize(index + 1, None);
        }
        let Some(slot) = self.measured.get_mut(index) else { return false };
        let same = matches!(*slot, Some((w, h)) if w == warnings && (h - height).abs() < 0.5);
        if !same {
            *slot = Some((warnings, height));
        }
        !same
    }

    /// The height of each row, given how many warnings each has now: as measured when its warnings are as many as
    /// then, else the mean of the measured rows with as many warnings, else a measured tranche row plus the mean
    /// height a warning adds.
    pub fn estimate(&self, warnings: &[usize]) -> Vec<f64> {
        let mut by_count: Vec<(f64, u32)> = Vec::new();
        for &(count, height) in self.measured.iter().flatten() {
            if by_count.len() <= count {
                by_count.resize(count.min(64) + 1, (0.0, 0));
            }
            if let Some(mean) = by_count.get_mut(count) {
                *mean = (mean.0 + height, mean.1 + 1);
            }
        }
        let mean = |count: usize| by_count.get(count).filter(|m| m.1 > 0).map(|m| m.0 / f64::from(m.1));
        let row = mean(0).unwrap_or(DEFAULT_ROW_PX);
        let (added, warned) = by_count.iter().enumerate().skip(1).filter(|(_, m)| m.1 > 0).fold((0.0, 0.0), |(sum, n), (count, m)| {
            (sum + (m.0 - row * f64::from(m.1)) / count as f64, n + f64::from(m.1))
        });
        let per_warning = if warned > 0.0 { (added / warned).max(1.0) } else { DEFAULT_WARNING_PX };
        warnings
            .iter()
            .enumerate()
            .map(|(index, &count)| match self.measured.get(index).copied().flatten() {
                Some((then, height)) if then == count => height,
                _ => mean(count).unwrap_or(row + per_warning * count as f64),
            })
            .collect()
    }
}

/// Where row `index` starts below the table body's top, the rows being `heights` high.
pub fn offset(heights: &[f64], index: usize) -> f64 {
    heights.iter().take(index).sum()
}

/// The rows of the tranche table to render (`start..end`) when its body's top is `top` pixels below the top of a
/// viewport `viewport` pixels high and its rows are `heights` high: every row within [`OVERSCAN_PX`] of the
/// visible part, and at least [`MIN_ROWS`] (all of them in a shorter table).
pub fn rows_in_view(top: f64, viewport: f64, heights: &[f64]) -> (usize, usize) {
    let count = heights.len();
    let (from, to) = (-top - OVERSCAN_PX, viewport - top + OVERSCAN_PX);
    let mut start = count;
    let mut end = count;
    let mut y = 0.0;
    for (index, &height) in heights.iter().enumerate() {
        if y >= to {
            end = index;
            break;
        }
        y += height;
        if start == count && y > from {
            start = index;
        }
    }
    // A table wholly below the view renders its first rows, one above it its last ones.
    let start = start.min(end);
    let end = end.max(start.saturating_add(MIN_ROWS)).min(count);
    let start = start.min(end.saturating_sub(MIN_ROWS));
    (start, end)
}

/// The results section: the problem that stops evaluation (if any), the summary, the tranche table and the plan's
/// warnings, then the charts.
///
/// Each row is a memo of its cells' texts, formatted from the typed report row ([`cell_text`]) with no table of
/// texts built and copied in between, and one render effect; each row's warnings are a memo of their own. Only the
/// cells and warnings whose texts changed touch the DOM (a text node is set only when its text differs). Only the
/// rows near the visible part of the page are rendered ([`rows_in_view`]), in slots that show other rows when the
/// window moves, so no row is rebuilt; spacer rows stand in for the others, so the table keeps its height and
/// scrolls as a whole table does, and printing renders every row. The window follows a change of the rows' heights
/// in the same update as the rows (their heights are estimated from what was measured), and is measured again in
/// the next frame.
#[component]
pub fn Results() -> impl IntoView {
    let planner = Planner::get();
    let places = Memo::new(move |_| {
        planner.shown.with(|s| {
            s.as_ref().map(|s| (places_of(s.plan.instrument.tick_size.get()), places_of(s.plan.instrument.quantity_step.get())))
        })
    });
    let count = Memo::new(move |_| planner.shown.with(|s| s.as_ref().map_or(0, |s| s.report.rows.len())));
    let figures = Memo::new(move |_| {
        let (price, quantity) = places.get().unwrap_or_default();
        planner.shown.with(|s| s.as_ref().map(|s| summary(&s.report, price, quantity)).unwrap_or_default())
    });
    let plan_warnings = Memo::new(move |_| {
        planner.shown.with(|s| {
            s.as_ref().map(|s| s.report.warnings.iter().filter(|w| w.tranche().is_none()).cloned().collect::<Vec<_>>())
        })
    });
    let row_warnings = Memo::new(move |_| planner.shown.with(|s| s.as_ref().map(|s| warnings_by_row(&s.report)).unwrap_or_default()));
    let warning_counts = Memo::new(move |_| row_warnings.with(|rows| rows.iter().map(Vec::len).collect::<Vec<_>>()));
    let body = NodeRef::<leptos::html::Tbody>::new();
    let known = RwSignal::new(Heights::default());
    let heights = Memo::new(move |_| known.with(|known| warning_counts.with(|counts| known.estimate(counts))));
    // Where the table's body was last seen (its top below the viewport's, the viewport's height), and from it and
    // the heights the rows to render: a keystroke that changes rows' warnings moves the window in the same update
    // as the rows it changes, so the frame lays the table out once, not again after the next frame's measurement.
    let view = RwSignal::new(None::<(f64, f64)>);
    let window = Memo::new(move |_| match view.get() {
        Some((top, viewport)) => heights.with(|heights| rows_in_view(top, viewport, heights)),
        None => (0, MIN_ROWS),
    });
    let printing = RwSignal::new(false);
    let shown_rows = Memo::new(move |_| {
        let count = count.get();
        if printing.get() {
            return 0..count;
        }
        let (start, end) = window.get();
        start.min(count)..end.min(count)
    });
    // The rendered rows are slots, each showing the row `first + slot`: when the window moves, the slots show other
    // rows' texts (what a keystroke changes anyway), and no row is built, moved or dropped but at the end.
    let first = Memo::new(move |_| shown_rows.with(|rows| rows.start));
    // The heights the spacers above and below the rendered rows stand for.
    let spacers = Memo::new(move |_| {
        let rows = shown_rows.get();
        // In whole pixels: an estimate a fraction of a pixel off once the rows put in are measured is not worth
        // laying the table out again in the next frame.
        heights.with(|heights| {
            (offset(heights, rows.start).round(), (offset(heights, heights.len()) - offset(heights, rows.end)).round())
        })
    });
    let placer = Placer { body, pending: StoredValue::new(false), passes: StoredValue::new(0), counts: warning_counts, known, view, window };
    // Placed again when the table's length or its rows' warnings change, and on every scroll and resize.
    Effect::new(move |_| {
        warning_counts.track();
        placer.place(true);
    });
    let listeners = [
        window_event_listener(leptos::ev::scroll, move |_| placer.place(true)),
        window_event_listener(leptos::ev::resize, move |_| placer.place(true)),
        window_event_listener_untyped("beforeprint", move |_| printing.set(true)),
        window_event_listener_untyped("afterprint", move |_| printing.set(false)),
    ];
    on_cleanup(move || listeners.into_iter().for_each(|l| l.remove()));
    let spacer = move |above: bool| {
        move || {
            let (top, bottom) = spacers.get();
            let height = if above { top } else { bottom };
            (height >= 1.0).then(|| view! {
                <tr class="sp-spacer" aria-hidden="true"><td colspan=COLUMNS.len() + 1 style:height=format!("{height:.0}px")></td></tr>
            })
        }
    };
    view! {
        <section class="sp-results" aria-labelledby="sp-results-title">
            <h2 id="sp-results-title">"After each tranche"</h2>
            <ProblemList />
            <Show when=move || places.with(Option::is_some)>
                <dl class="sp-summary" aria-label="Once every tranche has filled">
                    {move || figures.get().into_iter().map(|f| {
                        let key = f.label.clone();
                        view! {
                            <div class="sp-figure" data-figure=key>
                                <dt aria-describedby=f.help>{f.label}</dt>
                                <dd>{f.text}</dd>
                            </div>
                        }
                    }).collect_view()}
                </dl>
                <div class="sp-table-wrap" tabindex="0" role="region" aria-label="Tranche results (scrolls sideways)">
                    <table class="sp-table" aria-rowcount=move || count.get() + 1>
                        <caption class="sp-visually-hidden">"The position after each tranche fills"</caption>
                        <thead><tr aria-rowindex="1">
                            <th scope="col">"#"</th>
                            {COLUMNS.iter().map(|c| view! { <th scope="col" aria-describedby=help_id(c.key)>{c.header}</th> }).collect_view()}
                        </tr></thead>
                        <tbody node_ref=body>
                            {spacer(true)}
                            <For each=move || 0..shown_rows.with(|rows| rows.len()) key=|slot| *slot children=move |slot| {
                                let index = Memo::new(move |_| first.get() + slot);
                                view! { <ResultRow places row_warnings index /> }
                            } />
                            {spacer(false)}
                        </tbody>
                    </table>
                </div>
                <ul class="sp-warnings sp-plan-warnings">
                    {move || plan_warnings.get().unwrap_or_default().into_iter().map(|w| view! { <WarningItem warning=w /> }).collect_view()}
                </ul>
                <Charts />
            </Show>
            <Legend />
        </section>
    }
}

/// What places the tranche table's rendered rows ([`rows_in_view`]): the table's body, the heights measured, where the
/// body was last seen, and the window of rows that follows from them.
#[derive(Clone, Copy)]
struct Placer {
    body: NodeRef<leptos::html::Tbody>,
    /// Whether a placing waits for the next frame.
    pending: StoredValue<bool>,
    /// How many times in a row the rows were placed again only because the ones put in were measured.
    passes: StoredValue<u8>,
    /// How many warnings each row has.
    counts: Memo<Vec<usize>>,
    known: RwSignal<Heights>,
    /// The table body's top below the viewport's and the viewport's height, as last measured.
    view: RwSignal<Option<(f64, f64)>>,
    window: Memo<(usize, usize)>,
}

impl Placer {
    /// Places the rows in the next frame (once, however often it is asked in this one): measures the rendered
    /// rows, then renders those near the view. Rows put in are measured in the frame after and the rows placed
    /// again, at most three times after a scroll, a resize or a change, until the estimate above them settles.
    fn place(self, fresh: bool) {
        if fresh {
            self.passes.set_value(0);
        }
        if self.pending.get_value() {
            return;
        }
        self.pending.set_value(true);
        request_animation_frame(move || {
            self.pending.set_value(false);
            let viewport = web_sys::window().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64());
            let (Some(body), Some(viewport)) = (self.body.get_untracked(), viewport) else { return };
            let before = self.window.get_untracked();
            let measured = measure_rows(&body);
            let known = self.counts.with_untracked(|counts| {
                self.known.with_untracked(|known| {
                    let mut known = known.clone();
                    let mut changed = false;
                    for &(index, height) in &measured {
                        changed |= known.record(index, counts.get(index).copied().unwrap_or(0), height);
                    }
                    changed.then_some(known)
                })
            });
            if let Some(known) = known {
                self.known.set(known);
            }
            // A sub-pixel move is not a move (the window is whole rows, the overscan a third of a screen).
            let top = body.get_bounding_client_rect().top();
            let moved = self.view.with_untracked(|view| view.is_none_or(|(was, high)| (was - top).abs() >= 1.0 || high != viewport));
            if moved {
                self.view.set(Some((top, viewport)));
            }
            if self.window.get_untracked() != before {
                let pass = self.passes.get_value();
                if pass < 3 {
                    self.passes.set_value(pass + 1);
                    self.place(false);
                }
            }
        });
    }
}

/// The rendered tranche rows of the table body `body`: each row's index and its height with its row of warnings.
fn measure_rows(body: &web_sys::HtmlElement) -> Vec<(usize, f64)> {
    let rows = body.children();
    let mut out: Vec<(usize, f64)> = Vec::new();
    for i in 0..rows.length() {
        let Some(tr) = rows.item(i) else { continue };
        let height = tr.get_bounding_client_rect().height();
        if tr.class_name().contains("sp-warning-row") {
            if let Some(last) = out.last_mut() {
                last.1 += height;
            }
            continue;
        }
        let index = tr.get_attribute("aria-rowindex").and_then(|r| r.parse::<usize>().ok()).and_then(|r| r.checked_sub(2));
        if let Some(index) = index {
            out.push((index, height));
        }
    }
    out
}

/// Every problem of the plan at once: how many, and a list naming each field in the words on screen (its label)
/// with what is wrong; each item moves the focus to its input. The last valid results stay below.
#[component]
pub fn ProblemList() -> impl IntoView {
    let planner = Planner::get();
    let labels = use_context::<Labels>();
    let items = Memo::new(move |_| {
        planner.problems.with(|problems| {
            let mut items: Vec<(usize, String, String)> = problems
                .iter()
                .map(|p| {
                    let message = people_words(&p.message);
                    match labels.and_then(|l| l.nearest(&p.pointer)) {
                        Some((at, order, label)) => (order, at, format!("{label}: {message}")),
                        None if p.pointer.is_empty() => (usize::MAX, String::new(), for_people(&message)),
                        None => (usize::MAX, p.pointer.clone(), format!("{}: {message}", for_people(&p.pointer.trim_start_matches('/').replace('/', " ")))),
                    }
                })
                .collect();
            items.sort_by_key(|(order, _, _)| *order);
            items
        })
    });
    let count = Memo::new(move |_| items.with(Vec::len));
    view! {
        <Show when=move || { count.get() > 0 }>
            <div class="sp-problems" role="alert" aria-label="Problems to fix">
                <p class="sp-stale">{move || {
                    let n = count.get();
                    format!("{n} {} to fix; the results below are from the last valid plan.", if n == 1 { "problem" } else { "problems" })
                }}</p>
                <ul class="sp-problem-list">
                    {move || items.get().into_iter().map(|(_, at, text)| {
                        let id = crate::fields::field_id(&at);
                        view! { <li><button type="button" class="sp-jump" on:click=move |_| focus(&id)>{text}</button></li> }
                    }).collect_view()}
                </ul>
            </div>
        </Show>
    }
}

/// Moves the focus to the element with `id` (an input), scrolling it into view.
fn focus(id: &str) {
    let element = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id));
    if let Some(element) = element.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok()) {
        let _ = element.focus();
    }
}

/// A core message in the words on screen: the plan file's field names become the inputs' names
/// (`notionalCap` → "cap"), then [`for_people`] (tranches counted from 1, numbers grouped).
pub fn people_words(message: &str) -> String {
    const WORDS: &[(&str, &str)] = &[
        ("previous tier's notionalCap", "previous tier's cap"),
        ("notionalFloor", "floor"),
        ("notionalCap", "cap"),
        ("maintenanceMarginRate", "rate"),
        ("maintenanceAmount", "amount"),
        ("maxLeverage", "max leverage"),
        ("quantityStep", "quantity step"),
        ("tickSize", "tick size"),
        ("minQuantity", "min quantity"),
        ("minNotional", "min notional"),
        ("riskPercent", "risk %"),
        ("contractSize", "contract size"),
        ("otherMaintenanceMargin", "other positions' maintenance margin"),
    ];
    let mut text = message.to_owned();
    for (name, words) in WORDS {
        text = text.replace(name, words);
    }
    let people = for_people(&text);
    // for_people capitalizes for a sentence; after a label the message continues one.
    let mut chars = people.chars();
    chars.next().map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}

/// Row `index` of the tranche table (which row a slot of the rendered window shows), and under it the row of its
/// warnings when it has any.
#[component]
fn ResultRow(
    /// The instrument's price and quantity precisions, `None` while no plan is shown.
    places: Memo<Option<(Option<u32>, Option<u32>)>>,
    /// Every tranche's warnings ([`warnings_by_row`]).
    row_warnings: Memo<Vec<Vec<Warning>>>,
    /// Which row.
    index: Memo<usize>,
) -> impl IntoView {
    let shown = Planner::get().shown;
    // The texts of the row's cells: one memo and one render effect a row (each cell's text node is set only when
    // its text changed), not one a cell, since a keystroke runs every one of them again. A source with many
    // subscribers that all run again costs the square of their number (each leaves the source's ordered set).
    let texts = Memo::new(move |_| {
        let (price, quantity) = places.get().unwrap_or_default();
        shown.with(|s| {
            s.as_ref()
                .and_then(|s| s.report.rows.get(index.get()))
                .map(|row| COLUMNS.iter().map(|column| cell_text(row, column, price, quantity)).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let warnings = Memo::new(move |_| row_warnings.with(|rows| rows.get(index.get()).cloned().unwrap_or_default()));
    let flagged = Memo::new(move |_| warnings.with(|w| !w.is_empty()));
    view! {
        <tr class:sp-flagged=move || flagged.get() aria-rowindex=move || index.get() + 2>
            <th scope="row">{move || index.get() + 1}</th>
            {move || texts.get().into_iter().zip(COLUMNS).map(|(text, column)| view! { <td data-col=column.key>{text}</td> }).collect_view()}
        </tr>
        {move || flagged.get().then(|| view! {
            <tr class="sp-warning-row"><td colspan=COLUMNS.len() + 1>
                <ul class="sp-warnings">
                    {move || warnings.get().into_iter().map(|w| view! { <WarningItem warning=w /> }).collect_view()}
                </ul>
            </td></tr>
        })}
    }
}

/// The ladder and PnL charts of the shown plan. They follow the results a moment later (a debounce of
/// [`CHART_DELAY_MS`]), so redrawing a hundred rungs never holds up the keystroke that changed them.
#[component]
fn Charts() -> impl IntoView {
    let planner = Planner::get();
    let drawn = RwSignal::new(planner.shown.get_untracked());
    let pending = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
    Effect::new(move |first: Option<()>| {
        planner.shown.track();
        if first.is_none() {
            return;
        }
        let timeout = gloo_timers::callback::Timeout::new(CHART_DELAY_MS, move || drawn.set(planner.shown.get_untracked()));
        // Replacing the pending timeout drops it, which cancels it: only the last change is drawn.
        pending.set_value(Some(timeout));
    });
    view! {
        <div class="sp-charts">
            {move || drawn.get().map(|shown| view! {
                <crate::charts::LadderChart plan=shown.plan.clone() report=shown.report.clone() />
                <crate::charts::PnlChart plan=shown.plan report=shown.report />
            })}
        </div>
    }
}

/// How long the charts wait for the typing to pause before they redraw.
pub const CHART_DELAY_MS: u32 = 120;

#[cfg(test)]
mod tests {
    use super::*;

    fn column(key: &str) -> &'static Column {
        COLUMNS.iter().find(|c| c.key == key).expect("a column")
    }

    #[test]
    fn cells_use_the_instrument_precision_and_show_missing_figures_as_a_dash() {
        let d = |text: &str| text.parse::<Decimal>().expect("a decimal");
        assert_eq!(figure_text(d("63244.26213107"), Kind::Price, Some(1), Some(3)), "63,244.3");
        assert_eq!(figure_text(d("0.3"), Kind::Quantity, Some(1), Some(3)), "0.300");
        assert_eq!(figure_text(d("0.04632"), Kind::Fraction, Some(1), Some(3)), "4.63 %");
        assert_eq!(figure_text(d("7.83320663"), Kind::Multiple, Some(1), Some(3)), "7.83×");
        assert_eq!(figure_text(d("30"), Kind::Percent, Some(1), Some(3)), "30.00 %");
        let mut draft = crate::Draft::from_plan_text(crate::GUIDE_BTC_LADDER).expect("example");
        draft.remove("/stop");
        let report = crate::evaluate(&draft).expect("evaluates").1;
        assert_eq!(cell_text(&report.rows[0], column("lossAtStop"), Some(1), Some(3)), "—");
        assert_eq!(cell_text(&report.rows[0], column("r"), Some(1), Some(3)), "—");
        assert_eq!(cell_text(&report.rows[0], column("averageEntry"), Some(1), Some(3)), "65,000.0");
    }

    fn guide_at(leverage: &str) -> PlanReport {
        let mut draft = crate::Draft::from_plan_text(crate::GUIDE_BTC_LADDER).expect("example");
        draft.set_text("/leverage", leverage.into(), false);
        crate::evaluate(&draft).expect("evaluates").1
    }

    #[test]
    fn the_summary_is_the_last_row_with_the_remainder_when_one_is_left() {
        let figures = summary(&guide_at("10"), Some(1), Some(3));
        let text = |label: &str| figures.iter().find(|f| f.label == label).map(|f| f.text.clone());
        assert_eq!(text("Average entry").as_deref(), Some("63,200.0"));
        assert_eq!(text("Liquidation").as_deref(), Some("57,115.6"));
        assert_eq!(text("Not placed (remainder)"), None, "1 BTC splits exactly on a 0.001 grid");
        assert!(figures.iter().all(|f| f.help.starts_with("sp-help-")));

        let mut draft = crate::Draft::from_plan_text(crate::GUIDE_BTC_LADDER).expect("example");
        draft.set_text("/entries/ladder/total/quantity", "1.0005".into(), false);
        let report = crate::evaluate(&draft).expect("evaluates").1;
        let figures = summary(&report, Some(1), Some(3));
        let remainder = figures.iter().find(|f| f.label == "Not placed (remainder)").map(|f| f.text.as_str());
        assert_eq!(remainder, Some(grouped(report.ladder.remainder().get(), Some(3))).as_deref());
        assert!(report.ladder.remainder().get() > Decimal::ZERO);
    }

    #[test]
    fn liquidation_before_the_stop_is_flagged_on_the_rows_it_concerns() {
        let flagged = |report: &PlanReport| -> Vec<usize> {
            (0..report.rows.len())
                .filter(|i| warnings_of(report, *i).iter().any(|w| w.kind() == WarningKind::LiquidationBeforeStop))
                .collect()
        };
        assert_eq!(flagged(&guide_at("20")), vec![0, 1, 2, 3]);
        assert_eq!(flagged(&guide_at("3")), Vec::<usize>::new());
    }

    #[test]
    fn messages_read_for_people() {
        assert_eq!(
            for_people("after tranches[2] the position is liquidated at 58283.2, before the stop at 60000"),
            "After tranche 3 the position is liquidated at 58,283.2, before the stop at 60,000"
        );
        assert_eq!(for_people("steps[2] (targets[1]) asks for more"), "Step 2 (target 2) asks for more");
        assert_eq!(for_people("rungs[0]: 0.0001 is below 5"), "Tranche 1: 0.0001 is below 5");
        assert_eq!(for_people("odd [x] text 1234"), "Odd [x] text 1234");
    }

    #[test]
    fn every_warning_kind_has_a_title_and_help() {
        for kind in WARNING_KINDS {
            assert_ne!(warning_title(*kind), "Warning", "{kind}");
            assert!(warning_help(*kind).len() > 40, "{kind}");
        }
    }

    #[test]
    fn a_short_table_is_rendered_whole_wherever_it_is() {
        let heights = Heights::default().estimate(&[0; MIN_ROWS]);
        for top in [-100_000.0, -500.0, 0.0, 400.0, 5_000.0, 100_000.0] {
            assert_eq!(rows_in_view(top, 800.0, &heights), (0, MIN_ROWS), "top {top}");
        }
        assert_eq!(rows_in_view(0.0, 800.0, &[]), (0, 0));
    }

    #[test]
    fn a_long_table_renders_the_rows_near_the_view_and_at_least_the_minimum() {
        let heights = vec![30.0; 1000];
        // Body top 3,000 px above the view: rows from (3000 − 320)/30 on, to (3000 + 800 + 320)/30.
        let (start, end) = rows_in_view(-3000.0, 800.0, &heights);
        assert_eq!((start, end), (89, 138));
        assert!(offset(&heights, start + 1) > 3000.0 - OVERSCAN_PX);
        assert!(offset(&heights, end) >= 3000.0 + 800.0 + OVERSCAN_PX);
        // Below the view: the first rows; scrolled past the end: the last ones.
        assert_eq!(rows_in_view(20_000.0, 800.0, &heights), (0, MIN_ROWS));
        assert_eq!(rows_in_view(-1_000_000.0, 800.0, &heights), (1000 - MIN_ROWS, 1000));
        // Every rendered row is in the view or within the overscan of it, and the view is covered, whatever the
        // scroll.
        for top in (-31_000..1_000).step_by(370) {
            let top = f64::from(top);
            let (start, end) = rows_in_view(top, 800.0, &heights);
            assert!(end - start >= MIN_ROWS && end <= 1000);
            assert!(end - start <= MIN_ROWS.max(((800.0 + 2.0 * OVERSCAN_PX) / 30.0) as usize + 2), "only the rows near the view");
            let (first, last) = (top + offset(&heights, start), top + offset(&heights, end));
            assert!(first <= 0.0 || start == 0, "the view's top is covered at top {top}");
            assert!(last >= 800.0 || end == 1000, "the view's bottom is covered at top {top}");
        }
    }

    #[test]
    fn heights_are_measured_per_row_and_estimated_for_the_others() {
        let mut known = Heights::default();
        assert_eq!(known.estimate(&[0, 1, 2]), vec![DEFAULT_ROW_PX, DEFAULT_ROW_PX + DEFAULT_WARNING_PX, DEFAULT_ROW_PX + 2.0 * DEFAULT_WARNING_PX]);
        assert!(known.record(0, 0, 30.0));
        assert!(known.record(1, 0, 32.0));
        assert!(known.record(2, 1, 80.0));
        assert!(!known.record(2, 1, 80.3), "sub-pixel changes are noise");
        assert!(!known.record(3, 0, f64::NAN) && !known.record(3, 0, -1.0) && !known.record(usize::MAX, 0, 30.0));
        // Rows 0–2 as measured; row 3 like the rows with no warning (mean 31); row 4 like the one with one warning;
        // row 5 a plain row plus two warnings of 49 each (80 − 31); row 2 now has two warnings, so it is estimated.
        assert_eq!(known.estimate(&[0, 0, 1, 0, 1, 2]), vec![30.0, 32.0, 80.0, 31.0, 80.0, 31.0 + 2.0 * 49.0]);
        assert_eq!(known.estimate(&[0, 0, 2]), vec![30.0, 32.0, 31.0 + 2.0 * 49.0]);
        let heights = known.estimate(&[1; 100]);
        assert_eq!(offset(&heights, 100), 8000.0);
        let (start, _) = rows_in_view(-4000.0 - OVERSCAN_PX, 600.0, &heights);
        assert_eq!(start, 50);
    }

    #[test]
    fn every_column_is_a_report_field_and_has_help() {
        let report = crate::evaluate(&crate::Draft::from_plan_text(crate::GUIDE_BTC_LADDER).expect("example"))
            .expect("evaluates")
            .1;
        for typed in &report.rows {
            let row = serde_json::to_value(typed).expect("serializes");
            for c in COLUMNS {
                let field = row.get(c.key).unwrap_or_else(|| panic!("{} is not a report field", c.key));
                let serialized = field.as_str().map(|t| t.parse::<Decimal>().expect("a decimal"));
                assert_eq!((c.value)(typed), serialized, "{} reads its own field", c.key);
                assert!(c.help.len() > 20, "{} needs a help text", c.key);
            }
        }
    }
}
