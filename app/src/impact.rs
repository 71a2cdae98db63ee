//! The market-impact panel (guide §1, §4.2): a pasted depth snapshot (Binance, Bybit, OKX) or a parametric book,
//! the plan's total as one market order against the same total in tranches, and the largest single order within a
//! slippage budget. The book and these settings are a question asked of the plan, not part of it, so they live in
//! the panel; the side, total and quantity step come from the current valid plan.

use leptos::prelude::*;
use scaleplan::impact::{
    market_impact, parse_depth, Benchmark, Execution, ImpactReport, ImpactRequest, Limit, OrderSide, ParametricBook,
    ParsedBook, Refill, RefillRate, Tranches,
};
use scaleplan::{Decimal, NonNegative, Price, Quantity, Side};

use crate::format::{grouped, grouped_text};
use crate::fields::{Choice, Field, Setting};
use crate::Planner;

/// Where the book comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A depth snapshot pasted as JSON.
    Pasted,
    /// A book described by its parameters.
    Parametric,
}

/// The panel's settings as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Where the book comes from.
    pub source: Source,
    /// The pasted snapshot.
    pub snapshot: String,
    /// Parametric book: mid price.
    pub mid: String,
    /// Parametric book: best ask minus best bid.
    pub spread: String,
    /// Parametric book: price step between levels.
    pub step: String,
    /// Parametric book: size at the best level.
    pub size: String,
    /// Parametric book: size added per level further out (optional).
    pub size_increment: String,
    /// Parametric book: levels per side.
    pub levels: String,
    /// Number of equal tranches.
    pub tranches: String,
    /// `none`, `full`, or a fraction from 0 to 1 recovered between tranches.
    pub refill: String,
    /// Slippage budget in bps (optional).
    pub budget_bps: String,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            source: Source::Pasted,
            snapshot: String::new(),
            mid: "63000".into(),
            spread: "0.1".into(),
            step: "0.5".into(),
            size: "0.2".into(),
            size_increment: "0.05".into(),
            levels: "200".into(),
            tranches: "4".into(),
            refill: "0.5".into(),
            budget_bps: "5".into(),
        }
    }
}

/// The plan's order: which way, how much in all, and the exchange's quantity step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Order {
    /// The plan's side (a long buys).
    pub side: Side,
    /// The ladder's placed total.
    pub total: Quantity,
    /// The instrument's quantity step (none when it is 0).
    pub step: Option<Quantity>,
}

fn decimal<T: std::str::FromStr<Err = scaleplan::Error>>(label: &str, text: &str) -> Result<T, String> {
    text.trim().parse::<T>().map_err(|e| format!("{label}: {}", strip_field(&e.to_string())))
}

/// A core message without its leading field name (`count: must be…` → `must be…`), for a label given by the panel.
fn strip_field(message: &str) -> String {
    match message.split_once(": ") {
        Some((field, rest)) if !field.contains(' ') => rest.to_owned(),
        _ => message.to_owned(),
    }
}

/// The book the settings describe.
///
/// # Errors
/// A message naming the field (the pasted snapshot's own path, `result.a[3][0]: must be above 0`).
pub fn book(settings: &Settings) -> Result<ParsedBook, String> {
    match settings.source {
        Source::Pasted if settings.snapshot.trim().is_empty() => Err("paste a depth snapshot first".to_owned()),
        Source::Pasted => parse_depth(&settings.snapshot).map_err(|e| format!("Snapshot: {e}")),
        Source::Parametric => {
            let increment = settings.size_increment.trim();
            let parametric = ParametricBook {
                mid: decimal::<Price>("Mid price", &settings.mid)?,
                spread: decimal::<NonNegative>("Spread", &settings.spread)?,
                step: decimal::<Price>("Level step", &settings.step)?,
                size: decimal::<Quantity>("Size at the best level", &settings.size)?,
                size_increment: if increment.is_empty() {
                    None
                } else {
                    Some(decimal("Size added per level", increment)?)
                },
                levels: settings
                    .levels
                    .trim()
                    .parse()
                    .map_err(|_| "Levels per side: must be a whole number".to_owned())?,
            };
            parametric.build().map_err(|e| format!("Book: {e}"))
        }
    }
}

/// The refill assumption as typed: `none`, `full`, or a fraction from 0 to 1.
///
/// # Errors
/// A message when it is none of these.
pub fn refill(text: &str) -> Result<Refill, String> {
    match text.trim() {
        "none" | "0" => Ok(Refill::None),
        "full" | "1" => Ok(Refill::Full),
        other => other
            .parse::<Decimal>()
            .ok()
            .and_then(|d| RefillRate::new("refill", d).ok())
            .map(|rate| Refill::Fraction { rate })
            .ok_or_else(|| "Refill: type none, full, or a fraction from 0 to 1 (0.5 is half)".to_owned()),
    }
}

/// Lump sum against tranches for the plan's order on the settings' book.
///
/// # Errors
/// A message naming the field that is wrong.
pub fn compare(settings: &Settings, order: Order) -> Result<ImpactReport, String> {
    let parsed = book(settings)?;
    let count: u32 = settings.tranches.trim().parse().map_err(|_| "Tranches: must be a whole number".to_owned())?;
    let budget = settings.budget_bps.trim();
    let request = ImpactRequest {
        side: OrderSide::opening(order.side),
        tranches: Tranches::Equal { total: order.total, count },
        refill: refill(&settings.refill)?,
        budget_bps: if budget.is_empty() { None } else { Some(decimal("Slippage budget", budget)?) },
        benchmark: Benchmark::Best,
        quantity_step: order.step,
    };
    market_impact(&parsed, &request).map_err(|e| crate::results::for_people(&e.to_string()))
}

/// One execution's figures: (label, text).
pub fn execution_figures(execution: &Execution, price_places: Option<u32>) -> Vec<(&'static str, String)> {
    let price = |p: Option<Price>| p.map_or_else(|| "—".to_owned(), |p| grouped(p.get(), price_places));
    let bps = |b: Option<Decimal>| b.map_or_else(|| "—".to_owned(), |b| format!("{} bps", grouped(b, Some(2))));
    let mut figures = vec![
        ("Average fill", price(execution.average_price)),
        ("Slippage", bps(execution.slippage_bps)),
        ("Worst price", price(execution.worst_price)),
        ("Filled", grouped(execution.filled, None)),
    ];
    if execution.unfilled > Decimal::ZERO {
        figures.push(("Unfilled (book ran out)", grouped(execution.unfilled, None)));
    }
    figures
}

/// The market-impact panel.
#[component]
pub fn Impact() -> impl IntoView {
    let planner = Planner::get();
    let settings = RwSignal::new(Settings::default());
    let order = Memo::new(move |_| {
        planner.shown.with(|s| {
            s.as_ref().and_then(|s| {
                let total = Quantity::new("total", s.report.ladder.placed().get()).ok()?;
                Some((
                    Order {
                        side: s.plan.side,
                        total,
                        step: Quantity::new("step", s.plan.instrument.quantity_step.get()).ok(),
                    },
                    places_of_tick(s),
                ))
            })
        })
    });
    let result = Memo::new(move |_| match order.get() {
        Some((order, _)) => settings.with(|s| compare(s, order)),
        None => Err("the plan places nothing yet".to_owned()),
    });
    let text = move |get: fn(&Settings) -> String, set: fn(&mut Settings, String)| {
        (move || settings.with(get), move |ev| settings.update(|s| set(s, event_target_value(&ev))))
    };
    let (snapshot, set_snapshot) = text(|s| s.snapshot.clone(), |s, v| s.snapshot = v);
    view! {
        <section class="sp-output-panel sp-no-print" aria-labelledby="sp-impact-title">
            <h2 id="sp-impact-title">"Market impact: lump sum or tranches"</h2>
            <p class="sp-hint">"What the plan's total costs as one market order walking the book, against the same total in equal tranches with the book refilling in between (guide §1). Slippage is against the best price when the first order arrives."</p>
            <p>{move || order.get().map(|(o, _)| format!("Order: {} {} in all, from the plan.",
                match OrderSide::opening(o.side) { OrderSide::Buy => "buy", OrderSide::Sell => "sell" }, o.total))}</p>
            <Choice label="Book" pointer="/impact/source"
                setting=setting(settings, |s| if s.source == Source::Parametric { "parametric" } else { "pasted" }.to_owned(),
                    |s, v| s.source = if v == "parametric" { Source::Parametric } else { Source::Pasted })
                options=vec![("pasted", "Pasted depth snapshot"), ("parametric", "Described by parameters")] />
            <Show when=move || settings.with(|s| s.source == Source::Pasted)
                fallback=move || view! { <ParametricInputs settings=settings /> }>
                <div class="sp-field">
                    <label for="sp-impact-snapshot">"Depth snapshot (JSON)"</label>
                    <span class="sp-hint" id="sp-impact-snapshot-hint">"Binance GET /api/v3/depth or /fapi/v1/depth, Bybit GET /v5/market/orderbook, OKX GET /api/v5/market/books, pasted as returned."</span>
                    <textarea id="sp-impact-snapshot" aria-describedby="sp-impact-snapshot-hint" spellcheck="false"
                        prop:value=snapshot on:input=set_snapshot></textarea>
                </div>
            </Show>
            <div class="sp-grid">
                <Field label="Tranches" pointer="/impact/tranches" hint="equal parts of the total" setting=setting(settings, |s| s.tranches.clone(), |s, v| s.tranches = v) />
                <Field label="Refill between tranches" pointer="/impact/refill" hint="none, full, or a fraction (0.5)" setting=setting(settings, |s| s.refill.clone(), |s, v| s.refill = v) />
                <Field label="Slippage budget (bps)" pointer="/impact/budget" hint="for the largest single order" setting=setting(settings, |s| s.budget_bps.clone(), |s, v| s.budget_bps = v) />
            </div>
            {move || {
                let places = order.get().and_then(|(_, p)| p);
                match result.get() {
                    Err(message) => view! { <p class="sp-error" role="status">{message}</p> }.into_any(),
                    Ok(report) => view! { <ImpactResult report=report price_places=places /> }.into_any(),
                }
            }}
        </section>
    }
}

fn places_of_tick(shown: &crate::Shown) -> Option<u32> {
    crate::format::places_of(shown.plan.instrument.tick_size.get())
}

/// The panel's setting read by `get` and written by `set`, for a [`Field`] or a [`Choice`].
fn setting(settings: RwSignal<Settings>, get: fn(&Settings) -> String, set: fn(&mut Settings, String)) -> Setting {
    Setting {
        value: Signal::derive(move || settings.with(get)),
        write: Callback::new(move |text| settings.update(|s| set(s, text))),
        error: Signal::derive(|| None),
    }
}

/// The parametric book's inputs.
#[component]
fn ParametricInputs(
    /// The settings.
    settings: RwSignal<Settings>,
) -> impl IntoView {
    view! {
        <div class="sp-grid">
            <Field label="Mid price" pointer="/impact/mid" hint="(best bid + best ask) / 2" setting=setting(settings, |s| s.mid.clone(), |s, v| s.mid = v) />
            <Field label="Spread" pointer="/impact/spread" hint="best ask − best bid" setting=setting(settings, |s| s.spread.clone(), |s, v| s.spread = v) />
            <Field label="Level step" pointer="/impact/step" hint="price between levels" setting=setting(settings, |s| s.step.clone(), |s, v| s.step = v) />
            <Field label="Size at the best level" pointer="/impact/size" hint="base units" setting=setting(settings, |s| s.size.clone(), |s, v| s.size = v) />
            <Field label="Size added per level" pointer="/impact/increment" hint="optional; deeper books hold more" setting=setting(settings, |s| s.size_increment.clone(), |s, v| s.size_increment = v) />
            <Field label="Levels per side" pointer="/impact/levels" hint="whole number" setting=setting(settings, |s| s.levels.clone(), |s, v| s.levels = v) />
        </div>
    }
}

/// Lump sum and tranches side by side, the saving, and the largest order within the budget.
#[component]
fn ImpactResult(
    /// What the core found.
    report: ImpactReport,
    /// Decimal places of the instrument's tick.
    price_places: Option<u32>,
) -> impl IntoView {
    let c = &report.comparison;
    let n = c.tranches.len();
    let saving = match (c.saving_quote, c.saving_bps) {
        (Some(q), Some(b)) => {
            format!("Tranches save {} in quote currency ({} bps).", grouped(q, Some(2)), grouped(b, Some(2)))
        }
        (None, Some(b)) => format!("Tranches save {} bps (the two filled different quantities).", grouped(b, Some(2))),
        _ => "No saving can be measured: nothing filled.".to_owned(),
    };
    let list = |figures: Vec<(&'static str, String)>| {
        figures.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()
    };
    let warnings: Vec<String> = report.warnings.iter().map(|w| crate::results::for_people(&w.to_string())).collect();
    let max = report.max_within_budget.clone().map(|m| {
        let why = match m.limited_by {
            Limit::Budget => "one more step would go over the budget",
            Limit::Depth => "the book holds no more",
        };
        format!(
            "Largest single order within the budget: {} (average no worse than {}; {why}).",
            grouped(m.quantity, None),
            m.limit_price.map_or_else(|| "—".to_owned(), |p| grouped_text(&p.to_string(), price_places)),
        )
    });
    view! {
        <div class="sp-compare" data-impact="result">
            <section aria-labelledby="sp-impact-lump">
                <h3 id="sp-impact-lump">"Lump sum"</h3>
                <dl>{list(execution_figures(&c.lump, price_places))}</dl>
            </section>
            <section aria-labelledby="sp-impact-split">
                <h3 id="sp-impact-split">{format!("In {n} tranches")}</h3>
                <dl>{list(execution_figures(&c.combined, price_places))}</dl>
            </section>
        </div>
        <p class="sp-outcome" role="status">{saving}</p>
        {max.map(|m| view! { <p>{m}</p> })}
        <ul class="sp-warnings">{warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BINANCE: &str = include_str!("../../tests/data/impact/binance_spot_btcusdt_depth.json");

    fn order(total: &str) -> Order {
        Order { side: Side::Long, total: total.parse().expect("total"), step: Some("0.001".parse().expect("step")) }
    }

    #[test]
    fn a_pasted_snapshot_compares_lump_sum_and_tranches() {
        let settings = Settings { snapshot: BINANCE.to_owned(), refill: "full".into(), ..Settings::default() };
        let report = compare(&settings, order("1")).expect("compares");
        let c = &report.comparison;
        assert_eq!(c.tranches.len(), 4);
        assert!(c.lump.slippage_bps >= c.combined.slippage_bps, "a full refill never makes tranches worse");
        assert!(c.saving_bps.is_some());
        let max = report.max_within_budget.expect("a budget was given");
        assert!(max.quantity > Decimal::ZERO);
        let figures = execution_figures(&c.lump, Some(2));
        assert_eq!(figures[0].0, "Average fill");
        assert!(figures[1].1.ends_with(" bps"), "{:?}", figures[1]);
    }

    #[test]
    fn the_refill_is_none_full_or_a_fraction() {
        assert_eq!(refill("none"), Ok(Refill::None));
        assert_eq!(refill(" full "), Ok(Refill::Full));
        assert!(matches!(refill("0.25"), Ok(Refill::Fraction { .. })));
        assert!(refill("1.5").is_err());
        assert!(refill("half").is_err());
    }

    #[test]
    fn bad_settings_name_their_field() {
        let empty = compare(&Settings::default(), order("1")).expect_err("no snapshot");
        assert!(empty.contains("paste"), "{empty}");
        let bad = Settings {
            snapshot: r#"{"retCode": 0, "result": {"b": [], "a": [["100.5", "-1"]]}}"#.into(),
            ..Settings::default()
        };
        assert_eq!(compare(&bad, order("1")).expect_err("bad level"), "Snapshot: result.a[0][1]: must be above 0");
        let parametric = Settings { source: Source::Parametric, spread: "x".into(), ..Settings::default() };
        let message = compare(&parametric, order("1")).expect_err("bad spread");
        assert!(message.starts_with("Spread: "), "{message}");
        let tranches = Settings { source: Source::Parametric, tranches: "0".into(), ..Settings::default() };
        assert!(compare(&tranches, order("1")).is_err());
    }

    #[test]
    fn a_parametric_book_answers_too() {
        let settings = Settings { source: Source::Parametric, ..Settings::default() };
        let report = compare(&settings, order("1")).expect("compares");
        assert_eq!(report.comparison.lump.unfilled, Decimal::ZERO);
        assert!(report.comparison.lump.worst_price > report.comparison.lump.first_price);
    }
}
