//! The scale-out panel (guide §3): inputs for the plan's `exits` bound to the draft (targets, stop rules,
//! de-risking, a defensive exit) and, when the plan has exits, the position step by step as the core reports it.

use leptos::prelude::*;
use scaleplan::scaleout::{ExitReport, ExitStep, StepKind};
use serde_json::{json, Value};

use crate::fields::{Choice, Field};
use crate::format::{grouped, places_of};
use crate::results::WarningItem;
use crate::Planner;

const TARGETS: &str = "/exits/targets";
const RULES: &str = "/exits/stopRules";
const OF: [(&str, &str); 2] = [("original", "of the original position"), ("remaining", "of what remains")];

/// One column of the step table: header and how to read a step.
pub struct StepColumn {
    /// Header text.
    pub header: &'static str,
    /// The cell's text, from a step, the price and quantity precision.
    pub cell: fn(&ExitStep, Option<u32>, Option<u32>) -> String,
}

fn opt(value: Option<scaleplan::Decimal>, places: Option<u32>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| grouped(v, places))
}

/// The step table's columns.
pub const STEP_COLUMNS: &[StepColumn] = &[
    StepColumn { header: "Price", cell: |s, p, _| grouped(s.price.get(), p) },
    StepColumn { header: "Closed", cell: |s, _, q| grouped(s.quantity.get(), q) },
    StepColumn { header: "Left", cell: |s, _, q| grouped(s.remaining_quantity.get(), q) },
    StepColumn { header: "Realized PnL", cell: |s, _, _| grouped(s.realized_pnl, Some(2)) },
    StepColumn { header: "Unrealized", cell: |s, _, _| grouped(s.unrealized_pnl, Some(2)) },
    StepColumn { header: "Worst case", cell: |s, _, _| opt(s.worst_case, Some(2)) },
    StepColumn {
        header: "R so far",
        cell: |s, _, _| s.realized_r.map_or_else(|| "—".to_owned(), |r| format!("{}R", grouped(r, Some(2)))),
    },
    StepColumn { header: "Margin released", cell: |s, _, _| grouped(s.margin_released, Some(2)) },
    StepColumn {
        header: "Eff. leverage",
        cell: |s, _, _| s.effective_leverage.map_or_else(|| "—".to_owned(), |l| format!("{}×", grouped(l, Some(2)))),
    },
    StepColumn { header: "Liquidation", cell: |s, p, _| opt(s.liquidation_price.map(|l| l.get()), p) },
    StepColumn { header: "Stop", cell: |s, p, _| opt(s.stop.map(|l| l.get()), p) },
];

/// What a step is, for people: `Held`, `Target 2`, `De-risk`, `Defensive exit`, `Stop rule 1`.
pub fn step_name(step: &ExitStep) -> String {
    let rule = step.rule.as_deref().map(crate::results::for_people).unwrap_or_default();
    match step.kind {
        StepKind::Start => "As held".to_owned(),
        StepKind::Defensive => "Defensive exit".to_owned(),
        StepKind::Derisk => format!("De-risk ({})", rule.to_lowercase()),
        _ => rule,
    }
}

/// The warnings of step `index` (messages name it `steps[i]`).
pub fn step_warnings(report: &ExitReport, index: usize) -> Vec<scaleplan::Warning> {
    let tag = format!("steps[{index}]");
    report
        .warnings
        .iter()
        .filter(|w| w.message().split(|c: char| c.is_whitespace() || c == ':').any(|word| word == tag))
        .cloned()
        .collect()
}

/// The scale-out panel.
#[component]
pub fn Exits() -> impl IntoView {
    let planner = Planner::get();
    let has_exits = Memo::new(move |_| planner.draft.with(|d| d.get("/exits").is_some()));
    let edit = move |pointer: &'static str, f: &dyn Fn(&mut Vec<Value>)| {
        planner.draft.update(|d| {
            let mut items = d.items(pointer);
            f(&mut items);
            d.set(pointer, Value::Array(items));
        });
    };
    let count = move |pointer: &'static str| Memo::new(move |_| planner.draft.with(|d| d.items(pointer).len()));
    let targets = count(TARGETS);
    let rules = count(RULES);
    let has = move |pointer: &'static str| Memo::new(move |_| planner.draft.with(|d| d.get(pointer).is_some()));
    let derisk = has("/exits/derisk");
    let defensive = has("/exits/defensive");
    view! {
        <fieldset class="sp-panel sp-output-panel">
            <legend>"Scale-out plan"</legend>
            <p class="sp-hint">"Targets close a share of the original position or of what remains (guide §3.2.1); stop rules move the stop when a target fills; de-risking closes a share at +1R and moves the stop to the entry (§3.2.2); a defensive exit closes a share if the move weakens (§3.3)."</p>
            <Show when=move || has_exits.get()
                fallback=move || view! {
                    <button type="button" on:click=move |_| planner.draft.update(|d| d.set("/exits", json!({"targets": []})))>"Add a scale-out plan"</button>
                }>
                <ol class="sp-exit-list">
                    {move || (0..targets.get()).map(|i| view! {
                        <li>
                            <Field label=format!("Target {} price", i + 1) pointer=format!("{TARGETS}/{i}/price") />
                            <Field label=format!("Target {} share (%)", i + 1) pointer=format!("{TARGETS}/{i}/share") />
                            <Choice label=format!("Target {} share is", i + 1) pointer=format!("{TARGETS}/{i}/of") options=OF.to_vec() />
                            <button type="button" aria-label=format!("Remove target {}", i + 1)
                                on:click=move |_| edit(TARGETS, &|items| { if i < items.len() { items.remove(i); } })>"Remove"</button>
                        </li>
                    }).collect_view()}
                </ol>
                <div class="sp-actions">
                    <button type="button" on:click=move |_| edit(TARGETS, &|items| items.push(json!({"price": "", "share": "25", "of": "original"})))>"Add target"</button>
                    <button type="button" on:click=move |_| edit(RULES, &|items| items.push(json!({"when": {"target": 0}, "moveTo": "breakeven"})))>"Add stop move after target 1"</button>
                </div>
                <ol class="sp-exit-list">
                    {move || (0..rules.get()).map(|i| {
                        let when = planner.draft.with(|d| d.get(&format!("{RULES}/{i}/when/target")).and_then(Value::as_u64));
                        let label = when.map_or_else(|| format!("Stop rule {}: move the stop to", i + 1), |t| format!("After target {}, move the stop to", t + 1));
                        view! {
                            <li>
                                <Choice label=label pointer=format!("{RULES}/{i}/moveTo") options=vec![("breakeven", "breakeven (fees included)"), ("entry", "the average entry")] />
                                <button type="button" aria-label=format!("Remove stop rule {}", i + 1)
                                    on:click=move |_| edit(RULES, &|items| { if i < items.len() { items.remove(i); } })>"Remove"</button>
                            </li>
                        }
                    }).collect_view()}
                </ol>
                <Show when=move || derisk.get()
                    fallback=move || view! { <button type="button" on:click=move |_| planner.draft.update(|d| d.set("/exits/derisk", json!({"share": "10", "of": "original"})))>"Add de-risking"</button> }>
                    <fieldset class="sp-subgroup">
                        <legend>"De-risking"</legend>
                        <div class="sp-grid">
                            <Field label="De-risk at (R)" pointer="/exits/derisk/atR" optional=true hint="1 when empty" />
                            <Field label="De-risk share (%)" pointer="/exits/derisk/share" />
                            <Choice label="De-risk share is" pointer="/exits/derisk/of" options=OF.to_vec() />
                            <button type="button" on:click=move |_| { planner.draft.update(|d| { d.remove("/exits/derisk"); }); }>"Remove de-risking"</button>
                        </div>
                    </fieldset>
                </Show>
                <Show when=move || defensive.get()
                    fallback=move || view! { <button type="button" on:click=move |_| planner.draft.update(|d| d.set("/exits/defensive", json!({"price": "", "share": "50", "of": "remaining"})))>"Add a defensive exit"</button> }>
                    <fieldset class="sp-subgroup">
                        <legend>"Defensive exit"</legend>
                        <div class="sp-grid">
                            <Field label="Defensive exit price" pointer="/exits/defensive/price" />
                            <Field label="Defensive exit share (%)" pointer="/exits/defensive/share" />
                            <Choice label="Defensive share is" pointer="/exits/defensive/of" options=OF.to_vec() />
                            <button type="button" on:click=move |_| { planner.draft.update(|d| { d.remove("/exits/defensive"); }); }>"Remove the defensive exit"</button>
                        </div>
                    </fieldset>
                </Show>
                <button type="button" on:click=move |_| { planner.draft.update(|d| { d.remove("/exits"); }); }>"Remove the scale-out plan"</button>
                <ExitTable />
            </Show>
        </fieldset>
    }
}

/// The exit steps of the shown report, each warning under its step.
#[component]
fn ExitTable() -> impl IntoView {
    let planner = Planner::get();
    move || {
        planner.shown.get().and_then(|shown| {
            let report = shown.report.exits?;
            let price_places = places_of(shown.plan.instrument.tick_size.get());
            let quantity_places = places_of(shown.plan.instrument.quantity_step.get());
            let general: Vec<scaleplan::Warning> = report
                .warnings
                .iter()
                .filter(|w| !(0..report.steps.len()).any(|i| step_warnings(&report, i).contains(w)))
                .cloned()
                .collect();
            Some(view! {
                <div class="sp-table-wrap" tabindex="0" role="region" aria-label="Scale-out steps (scrolls sideways)">
                    <table class="sp-table" data-table="exits">
                        <caption class="sp-visually-hidden">"The position after each exit step"</caption>
                        <thead><tr>
                            <th scope="col">"Step"</th>
                            {STEP_COLUMNS.iter().map(|c| view! { <th scope="col">{c.header}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>
                            {report.steps.iter().map(|step| {
                                let warnings = step_warnings(&report, step.index);
                                let flagged = !warnings.is_empty();
                                view! {
                                    <tr class:sp-flagged=flagged>
                                        <th scope="row">{step_name(step)}</th>
                                        {STEP_COLUMNS.iter().map(|c| view! { <td>{(c.cell)(step, price_places, quantity_places)}</td> }).collect_view()}
                                    </tr>
                                    {flagged.then(|| view! {
                                        <tr class="sp-warning-row"><td colspan=STEP_COLUMNS.len() + 1>
                                            <ul class="sp-warnings">{warnings.into_iter().map(|w| view! { <WarningItem warning=w /> }).collect_view()}</ul>
                                        </td></tr>
                                    })}
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <ul class="sp-warnings">{general.into_iter().map(|w| view! { <WarningItem warning=w /> }).collect_view()}</ul>
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ETH: &str = include_str!("../../crates/scaleplan/data/examples/guide-eth-scaleout.json");

    #[test]
    fn the_guide_eth_scale_out_reads_step_by_step() {
        let (_, report) = crate::evaluate(&crate::Draft::from_plan_text(ETH).expect("example")).expect("valid");
        let exits = report.exits.expect("the example has exits");
        let names: Vec<String> = exits.steps.iter().map(step_name).collect();
        assert_eq!(names.first().map(String::as_str), Some("As held"));
        assert!(names.iter().skip(1).all(|n| n.starts_with("Target ")), "{names:?}");
        let last = exits.steps.last().expect("steps");
        assert_eq!((STEP_COLUMNS[2].cell)(last, Some(2), Some(3)), "0.000", "everything is closed at the last target");
        for step in &exits.steps {
            for column in STEP_COLUMNS {
                assert!(!(column.cell)(step, Some(2), Some(3)).is_empty());
            }
        }
    }

    #[test]
    fn warnings_are_placed_on_their_step() {
        let mut draft = crate::Draft::from_plan_text(ETH).expect("example");
        let targets = draft.items(TARGETS);
        let mut more = targets.clone();
        more.push(json!({"price": "4100", "share": "50", "of": "remaining"}));
        draft.set(TARGETS, Value::Array(more));
        let (_, report) = crate::evaluate(&draft).expect("valid");
        let exits = report.exits.expect("exits");
        let placed: usize = (0..exits.steps.len()).map(|i| step_warnings(&exits, i).len()).sum();
        assert!(!exits.warnings.is_empty(), "a target after the position is closed is warned about");
        assert!(placed <= exits.warnings.len());
    }
}
