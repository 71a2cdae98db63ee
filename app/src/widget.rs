//! The Rust side of the `<scale-plan>` widget (its element is `www/widget/scale-plan.js`): a plan shown in
//! another page, as a compact card of results, as the ladder with its table, or as the whole planner.
//!
//! The element mounts each widget into a `<div>` of its own shadow root with [`mount_widget`]; every widget on a
//! page lives in the same wasm instance. A widget keeps its plan as a [`Draft`] like the planner does, so the few
//! fields a reader may change ([`editable_fields`]) are the planner's own [`Field`]s with the core's messages, and
//! every valid plan it shows is handed to the page (the element's `plan-change` event).
//!
//! This module is in the library, so both builds have it: the widget's own build (the library alone, which
//! drops the planner it never reaches) and the app's (whose `main` calls [`include_planner`], which is what
//! `view="full"` shows).

use std::cell::{Cell, OnceCell};
use std::rc::Rc;

use leptos::prelude::*;
use scaleplan::Decimal;
use wasm_bindgen::prelude::*;

use crate::draft::Draft;
use crate::fields::Field;
use crate::format::{grouped, places_of};
use crate::results::{self, figure_text, Figure, Kind, COLUMNS};
use crate::{Planner, Shown};

/// What a widget shows (its `view` attribute).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// The results once every tranche has filled (and what the exits lock in), with the editable fields.
    Card,
    /// The ladder chart and the per-tranche table.
    Ladder,
    /// The whole planner.
    Full,
}

impl View {
    /// Reads a `view` attribute; empty is [`View::Card`].
    ///
    /// # Errors
    /// A message naming the attribute and the views there are.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim() {
            "" | "card" => Ok(Self::Card),
            "ladder" => Ok(Self::Ladder),
            "full" => Ok(Self::Full),
            other => Err(format!("view: \"{other}\" is not a view; use card, ladder or full")),
        }
    }
}

/// A field a reader may change: its label and the draft field it writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editable {
    /// The visible label.
    pub label: String,
    /// JSON pointer of the draft field.
    pub pointer: String,
    /// Emptying it removes the field (the stop).
    pub optional: bool,
}

/// The fields an `editable` attribute names (separated by spaces or commas), checked against the plan: `leverage`,
/// `stop`, `wallet`, `risk` (percent of the wallet), `size` (the ladder's total, by quantity or notional),
/// `price-N` (tranche N's price), `target-N` (exit target N's price), or a JSON pointer of the plan file.
///
/// # Errors
/// A message naming the attribute, the name that is not a field of this plan, and what is allowed.
pub fn editable_fields(names: &str, draft: &Draft) -> Result<Vec<Editable>, String> {
    let field = |label: String, pointer: String, optional: bool| Editable { label, pointer, optional };
    let mut fields = Vec::new();
    for name in names.split([' ', ',', '\n', '\t']).filter(|n| !n.is_empty()) {
        let numbered =
            |prefix: &str| name.strip_prefix(prefix).and_then(|n| n.parse::<usize>().ok()).filter(|n| *n > 0);
        let found = match name {
            "leverage" => Some(field("Leverage".into(), "/leverage".into(), false)),
            "stop" => Some(field("Stop".into(), "/stop".into(), true)),
            "wallet" => Some(field("Wallet".into(), "/account/wallet".into(), false)),
            "risk" => Some(field("Risk (% of wallet)".into(), "/account/riskPercent".into(), false)),
            "size" => [("quantity", "Total quantity"), ("notional", "Total notional")]
                .iter()
                .map(|(key, label)| field((*label).into(), format!("/entries/ladder/total/{key}"), false))
                .find(|f| draft.get(&f.pointer).is_some()),
            _ if name.starts_with('/') => {
                Some(field(name.trim_start_matches('/').replace('/', " "), name.into(), false))
            }
            _ => match (numbered("price-"), numbered("target-")) {
                (Some(n), _) => Some(field(
                    format!("Tranche {n} price"),
                    format!("/entries/ladder/tranches/{}/price", n - 1),
                    false,
                )),
                (_, Some(n)) => {
                    Some(field(format!("Target {n} price"), format!("/exits/targets/{}/price", n - 1), false))
                }
                _ => None,
            },
        };
        match found {
            Some(f) if f.optional || draft.get(&f.pointer).is_some() => fields.push(f),
            _ => return Err(format!(
                "editable: \"{name}\" is not a field of this plan; use leverage, stop, wallet, risk, size, price-N, \
                     target-N (N from 1) or a JSON pointer such as /account/wallet"
            )),
        }
    }
    Ok(fields)
}

/// The card's figures: the position once every tranche has filled ([`results::summary`]), then, for a plan with
/// exits, what they lock in: the PnL realized at the last exit and in R, and the worst case once the first exit has
/// filled (the rest stopped out at the stop then in force).
pub fn card_figures(shown: &Shown) -> Vec<Figure> {
    let (price, quantity) = places(shown);
    let mut figures = results::summary(&shown.report, price, quantity);
    let Some(exits) = shown.report.exits.as_ref().filter(|e| e.steps.len() > 1) else { return figures };
    let mut push = |key: &str, label: &str, text: Option<String>| {
        if let Some(text) = text {
            figures.push(Figure { label: label.to_owned(), text, help: results::help_id(key) });
        }
    };
    let amount = |value: Decimal| figure_text(value, Kind::Amount, price, quantity);
    let r = |value: Decimal| format!("{} R", grouped(value, Some(2)));
    let last = exits.steps.last();
    push("realizedPnl", "Realized at the last exit", last.map(|s| amount(s.realized_pnl)));
    push("realizedR", "R at the last exit", last.and_then(|s| s.realized_r).map(r));
    push("worstCase", "Worst case after the first exit", exits.steps.get(1).and_then(|s| s.worst_case).map(amount));
    figures
}

/// The instrument's price and quantity precisions.
fn places(shown: &Shown) -> (Option<u32>, Option<u32>) {
    let instrument = &shown.plan.instrument;
    (places_of(instrument.tick_size.get()), places_of(instrument.quantity_step.get()))
}

/// One widget, as the element holds it: its draft, and the view mounted (unmounted when this is freed).
#[wasm_bindgen]
pub struct Widget {
    draft: RwSignal<Draft>,
    _mounted: Box<dyn std::any::Any>,
}

#[wasm_bindgen]
impl Widget {
    /// Replaces the plan shown (the element's `plan` property), as JSON text of a plan file.
    ///
    /// # Errors
    /// A message naming the field when the text is not a valid plan; the plan shown stays.
    #[wasm_bindgen(js_name = setPlan)]
    pub fn set_plan(&self, text: &str) -> Result<(), JsError> {
        let draft =
            Draft::from_plan_text(text).map_err(|p| JsError::new(&format!("plan: {}", crate::share::describe(&p))))?;
        self.draft.try_set(draft);
        Ok(())
    }
}

/// Mounts a widget into `target`: the plan (JSON text of a plan file), its `view` and `editable` attributes, and
/// `on_change(planJson, reportJson)`, called with every valid plan the widget shows (first when it mounts).
///
/// # Errors
/// A message naming what is wrong: the plan (and its field), the view, or an editable name.
#[wasm_bindgen(js_name = mountWidget)]
pub fn mount_widget(
    target: web_sys::HtmlElement,
    plan: &str,
    view: &str,
    editable: &str,
    on_change: js_sys::Function,
) -> Result<Widget, JsError> {
    let draft = Draft::from_plan_text(plan)
        .map_err(|p| JsError::new(&format!("the plan is not valid: {}", crate::share::describe(&p))))?;
    let view = View::parse(view).map_err(|e| JsError::new(&e))?;
    let editable = editable_fields(editable, &draft).map_err(|e| JsError::new(&e))?;
    // A widget is a guest: it never reads or writes the host page's local storage.
    crate::storage::disable();
    let slot = Rc::new(Cell::new(None));
    let mounted = {
        let slot = Rc::clone(&slot);
        leptos::mount::mount_to(target, move || {
            let draft = RwSignal::new(draft);
            slot.set(Some(draft));
            view! { <WidgetRoot draft view editable on_change /> }
        })
    };
    let draft = slot.take().ok_or_else(|| JsError::new("the widget did not mount"))?;
    Ok(Widget { draft, _mounted: Box::new(mounted) })
}

/// The plan of a share link (`https://…#p1.…`, or the fragment alone), as JSON text.
///
/// # Errors
/// What is wrong with the link (as the planner says it when it opens one).
#[wasm_bindgen(js_name = planOfLink)]
pub fn plan_of_link(link: &str) -> Result<String, JsError> {
    link_plan(link).map_err(|e| JsError::new(&e))
}

/// [`plan_of_link`]'s work, with its message as text.
///
/// # Errors
/// `link: ` and what is wrong with the link.
pub fn link_plan(link: &str) -> Result<String, String> {
    let fragment = link.rsplit_once('#').map_or(link, |(_, f)| f);
    let draft = crate::share::draft_of_fragment(fragment).map_err(|e| format!("link: {e}"))?;
    serde_json::to_string(draft.value()).map_err(|e| format!("link: {e}"))
}

/// The built-in example plans, by the name the `example` attribute takes.
pub const EXAMPLES: &[(&str, &str)] = &[
    ("guide-btc-ladder", crate::GUIDE_BTC_LADDER),
    ("guide-eth-scaleout", crate::inputs::GUIDE_ETH_SCALEOUT),
    ("sample-btc-2019", crate::inputs::SAMPLE_BTC_2019),
];

/// A built-in example plan by name, as JSON text.
///
/// # Errors
/// A message listing the examples there are.
#[wasm_bindgen(js_name = examplePlan)]
pub fn example_plan(name: &str) -> Result<String, JsError> {
    example_text(name).map(str::to_owned).map_err(|e| JsError::new(&e))
}

/// [`example_plan`]'s work, with its message as text.
///
/// # Errors
/// A message listing the examples there are.
pub fn example_text(name: &str) -> Result<&'static str, String> {
    EXAMPLES.iter().find(|(n, _)| *n == name.trim()).map(|(_, text)| *text).ok_or_else(|| {
        let names: Vec<&str> = EXAMPLES.iter().map(|(n, _)| *n).collect();
        format!("example: \"{name}\" is not a built-in example; use {}", names.join(", "))
    })
}

thread_local! {
    static CRASH: OnceCell<js_sys::Function> = const { OnceCell::new() };
    static PLANNER: Cell<Option<fn() -> AnyView>> = const { Cell::new(None) };
}

/// After a panic, logs it and calls `handler` (plain JavaScript that shows each widget's notice): the instance
/// that panicked is not called into again.
#[wasm_bindgen(js_name = setCrashHandler)]
pub fn set_crash_handler(handler: js_sys::Function) {
    CRASH.with(|c| {
        let _ = c.set(handler);
    });
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        let _ = CRASH.try_with(|c| c.get().map(|f| f.call0(&JsValue::NULL)));
    }));
}

/// Lets `view="full"` show the planner; the app's `main` calls it, so only the app's build carries the planner.
pub fn include_planner() {
    PLANNER.with(|p| p.set(Some(|| view! { <crate::App /> }.into_any())));
}

/// Given by a widget to the planner it shows: the planner edits the widget's draft instead of one of its own
/// (restored from local storage), and leaves the page's address alone.
#[derive(Clone, Copy)]
pub struct Embedding {
    /// The widget's draft.
    pub draft: RwSignal<Draft>,
}

/// A widget: its planner state, what it shows, and the page told of every plan shown.
#[component]
fn WidgetRoot(
    /// The plan as typed.
    draft: RwSignal<Draft>,
    /// What is shown.
    view: View,
    /// The fields a reader may change.
    editable: Vec<Editable>,
    /// Called with (plan JSON, report JSON) for every valid plan shown.
    on_change: js_sys::Function,
) -> impl IntoView {
    // The same planner the full app derives (Planner::new), with no stored fallback: a widget's plan is its page's.
    let planner = Planner::new(draft, None);
    let shown = planner.shown;
    provide_context(planner);
    // Syncing with the outside: the page hears of every plan the widget shows.
    Effect::new(move |_| {
        shown.with(|s| {
            if let Some(s) = s {
                announce(&on_change, s);
            }
        })
    });
    match view {
        View::Card => view! { <Card editable /> }.into_any(),
        View::Ladder => view! { <Ladder editable /> }.into_any(),
        View::Full => match PLANNER.with(Cell::get) {
            Some(planner) => {
                provide_context(Embedding { draft });
                view! { <div class="sp-widget-full">{planner()}</div> }.into_any()
            }
            None => view! {
                <p class="sp-widget-error" role="alert">"This build has no full planner: view=\"full\" needs the app's build (scaleplan-app.js)."</p>
            }
            .into_any(),
        },
    }
}

/// Hands a shown plan and its report to the page as JSON text, written by the core's writer (the npm package's
/// bytes, the same as serde_json's), so the derived serializers of the report stay out of the widget.
fn announce(on_change: &js_sys::Function, shown: &Shown) {
    let (plan, report) = (scaleplan::write::to_json(&shown.plan), scaleplan::write::to_json(&shown.report));
    let _ = on_change.call2(&JsValue::NULL, &JsValue::from_str(&plan), &JsValue::from_str(&report));
}

/// The compact card: the plan's name, the editable fields, the figures, the warnings.
#[component]
fn Card(
    /// The fields a reader may change.
    editable: Vec<Editable>,
) -> impl IntoView {
    let planner = Planner::get();
    let pointers = editable.iter().map(|e| e.pointer.clone()).collect::<Vec<_>>();
    let figures = Memo::new(move |_| planner.shown.with(|s| s.as_ref().map(card_figures).unwrap_or_default()));
    view! {
        <div class="scaleplan sp-widget sp-widget-card">
            <Heading />
            <Fields editable />
            <dl class="sp-summary" aria-label="Once every tranche has filled">
                {move || figures.get().into_iter().map(|f| view! {
                    <div class="sp-figure" data-figure=f.help.trim_start_matches("sp-help-").to_owned()>
                        <dt>{f.label}</dt>
                        <dd>{f.text}</dd>
                    </div>
                }).collect_view()}
            </dl>
            <Stale shown=pointers />
            <Warnings />
        </div>
    }
}

/// The ladder chart and the table of the position after each tranche.
#[component]
fn Ladder(
    /// The fields a reader may change.
    editable: Vec<Editable>,
) -> impl IntoView {
    let planner = Planner::get();
    let pointers = editable.iter().map(|e| e.pointer.clone()).collect::<Vec<_>>();
    let rows = Memo::new(move |_| {
        planner.shown.with(|s| {
            s.as_ref()
                .map(|s| {
                    let (price, quantity) = places(s);
                    results::row_views(&s.report, price, quantity)
                })
                .unwrap_or_default()
        })
    });
    view! {
        <div class="scaleplan sp-widget sp-widget-ladder">
            <Heading />
            <Fields editable />
            {move || planner.shown.get().map(|s| view! { <crate::charts::LadderChart plan=s.plan report=s.report /> })}
            <div class="sp-table-wrap" tabindex="0" role="region" aria-label="Tranche results (scrolls sideways)">
                <table class="sp-table">
                    <caption class="sp-visually-hidden">"The position after each tranche fills"</caption>
                    <thead><tr>
                        <th scope="col">"#"</th>
                        {COLUMNS.iter().map(|c| view! { <th scope="col" title=c.help>{c.header}</th> }).collect_view()}
                    </tr></thead>
                    <tbody>
                        {move || rows.get().into_iter().enumerate().map(|(i, row)| view! {
                            <tr class:sp-flagged=!row.warnings.is_empty()>
                                <th scope="row">{i + 1}</th>
                                {row.cells.into_iter().zip(COLUMNS).map(|(text, c)| view! { <td data-col=c.key>{text}</td> }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <Stale shown=pointers />
            <Warnings />
        </div>
    }
}

/// The plan's name.
#[component]
fn Heading() -> impl IntoView {
    let planner = Planner::get();
    view! { <p class="sp-widget-title">{move || planner.shown.with(|s| s.as_ref().map(|s| s.plan.name.clone()))}</p> }
}

/// The editable fields, if any.
#[component]
fn Fields(
    /// The fields a reader may change.
    editable: Vec<Editable>,
) -> impl IntoView {
    (!editable.is_empty()).then(|| {
        view! {
            <div class="sp-widget-fields">
                {editable.into_iter().map(|e| view! { <Field label=e.label pointer=e.pointer optional=e.optional /> }).collect_view()}
            </div>
        }
    })
}

/// While a field is invalid: the figures are the last valid plan's. The message is next to its field, so it is
/// repeated here only for a field the reader cannot change.
#[component]
fn Stale(
    /// The pointers of the fields shown.
    shown: Vec<String>,
) -> impl IntoView {
    let planner = Planner::get();
    let line = move || {
        planner.problems.with(|problems| {
            let elsewhere = problems
                .iter()
                .find(|p| !shown.iter().any(|s| p.pointer == *s || p.pointer.starts_with(&format!("{s}/"))));
            match (problems.is_empty(), elsewhere) {
                (true, _) => None,
                (false, Some(p)) => Some(format!("Showing the last valid results ({}).", crate::share::describe(p))),
                (false, None) => Some("Showing the last valid results.".to_owned()),
            }
        })
    };
    view! { <p class="sp-stale" role="status">{line}</p> }
}

/// Every warning of the plan shown, with its title.
#[component]
fn Warnings() -> impl IntoView {
    let planner = Planner::get();
    let items = Memo::new(move |_| {
        planner.shown.with(|s| {
            s.as_ref()
                .map(|s| {
                    let exits = s.report.exits.iter().flat_map(|e| e.warnings.iter());
                    s.report
                        .warnings
                        .iter()
                        .chain(exits)
                        .map(|w| (results::warning_title(w.kind()), results::for_people(w.message())))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    view! {
        <ul class="sp-warnings">
            {move || items.get().into_iter().map(|(title, message)| view! { <li><strong>{title}</strong>": "{message}</li> }).collect_view()}
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example(name: &str) -> Draft {
        let text = EXAMPLES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t).expect("an example");
        Draft::from_plan_text(text).expect("a valid example")
    }

    fn shown(draft: &Draft) -> Shown {
        let (plan, report) = crate::evaluate(draft).expect("evaluates");
        Shown { plan, report }
    }

    fn figure<'a>(figures: &'a [Figure], label: &str) -> &'a str {
        figures.iter().find(|f| f.label == label).map(|f| f.text.as_str()).unwrap_or("(missing)")
    }

    #[test]
    fn views_are_named_and_a_wrong_one_is_refused_by_name() {
        assert_eq!(View::parse(""), Ok(View::Card));
        assert_eq!(View::parse(" ladder "), Ok(View::Ladder));
        assert_eq!(View::parse("full"), Ok(View::Full));
        assert_eq!(View::parse("table"), Err("view: \"table\" is not a view; use card, ladder or full".to_owned()));
    }

    #[test]
    fn editable_names_become_the_plan_fields_they_stand_for() {
        let btc = example("guide-btc-ladder");
        let fields = editable_fields("leverage, price-4 size stop", &btc).expect("fields of the guide's ladder");
        let pointers: Vec<&str> = fields.iter().map(|f| f.pointer.as_str()).collect();
        assert_eq!(
            pointers,
            ["/leverage", "/entries/ladder/tranches/3/price", "/entries/ladder/total/quantity", "/stop"]
        );
        assert_eq!(fields[1].label, "Tranche 4 price");
        assert!(fields[3].optional, "emptying the stop removes it");
        let eth = example("guide-eth-scaleout");
        assert_eq!(
            editable_fields("target-3 /account/wallet", &eth).expect("fields")[0].pointer,
            "/exits/targets/2/price"
        );
        assert_eq!(editable_fields("", &btc), Ok(Vec::new()));
    }

    #[test]
    fn an_editable_name_that_is_not_a_field_of_the_plan_is_refused_by_name() {
        let btc = example("guide-btc-ladder");
        for name in ["price-5", "price-0", "target-1", "margin", "/nowhere"] {
            let message = editable_fields(&format!("leverage {name}"), &btc).expect_err(name);
            assert!(
                message.starts_with(&format!("editable: \"{name}\" is not a field of this plan; use leverage")),
                "{message}"
            );
        }
    }

    #[test]
    fn the_card_shows_the_ladder_once_filled() {
        let figures = card_figures(&shown(&example("guide-btc-ladder")));
        // Guide §2.2.2, 1 BTC: (0.25·65,000 + 0.25·64,000 + 0.3·62,500 + 0.2·61,000) / 1 = 63,200.
        assert_eq!(figure(&figures, "Average entry"), "63,200.0");
        assert!(figures.iter().all(|f| !f.label.contains("exit")), "no exit figures without exits");
    }

    #[test]
    fn the_card_shows_what_the_exits_lock_in() {
        let figures = card_figures(&shown(&example("guide-eth-scaleout")));
        // 5 ETH, half at 3,050 and half at 2,950: average 3,000. Closes at maker 0.02 %: 1.25 at 3,300, 2 at 3,600,
        // 1.75 at 4,000 → PnL 375 + 1,200 + 1,750 = 3,325, exit fees 0.0002 × 18,325 = 3.665, entry fees
        // 0.0002 × 15,000 = 3: realized 3,318.335. 1R = 5 × (3,000 − 2,850) + 3 + the taker fee at the stop
        // 0.0005 × 5 × 2,850 = 7.125, so 760.125; 3,318.335 / 760.125 = 4.3655… R.
        assert_eq!(figure(&figures, "Average entry"), "3,000.00");
        assert_eq!(figure(&figures, "Realized at the last exit"), "3,318.34");
        assert_eq!(figure(&figures, "R at the last exit"), "4.37 R");
        assert_ne!(figure(&figures, "Worst case after the first exit"), "(missing)");
    }

    #[test]
    fn examples_are_named_and_a_wrong_name_lists_them() {
        for (name, _) in EXAMPLES {
            assert!(Draft::from_plan_text(example_text(name).expect("an example")).is_ok(), "{name}");
        }
        assert_eq!(
            example_text("btc"),
            Err(
                "example: \"btc\" is not a built-in example; use guide-btc-ladder, guide-eth-scaleout, sample-btc-2019"
                    .to_owned()
            )
        );
    }

    #[test]
    fn a_share_link_gives_back_its_plan() {
        let btc = example("guide-btc-ladder");
        let fragment = crate::share::fragment_of(&btc).expect("a link");
        let text = link_plan(&format!("https://example.org/scaleplan/#{fragment}")).expect("the link's plan");
        assert_eq!(Draft::from_plan_text(&text).expect("a plan"), btc);
        assert_eq!(link_plan(&fragment).expect("the fragment alone"), text);
        assert!(link_plan("https://example.org/#p1.AAAA").expect_err("damaged").starts_with("link: this link"));
    }
}
