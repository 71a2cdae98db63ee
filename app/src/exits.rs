//! The scale-out panel (guide §3): inputs for the plan's `exits` bound to the draft (targets, stop rules,
//! de-risking with its further steps, a defensive exit, the fee type of each exit) and, when the plan has exits,
//! the position step by step as the core reports it.
//!
//! Several plan fields are a choice between shapes (`"entry"`, `{"price": "3100"}`, `{"trail": {"distance": "50"}}`).
//! A [`Form`] names each shape; switching shapes ([`reshape`]) carries the text typed into the new shape when it has
//! a text too, and otherwise leaves an empty text the core names, so the message appears next to the field to fill.

use leptos::prelude::*;
use scaleplan::scaleout::{ExitReport, ExitStep, StepKind};
use serde_json::{json, Map, Value};

use crate::draft::{Draft, ListEdit};
use crate::fields::{field_id, Choice, Field};
use crate::format::{grouped, places_of};
use crate::inputs::bound::Write;
use crate::results::WarningItem;
use crate::Planner;

const TARGETS: &str = "/exits/targets";
const RULES: &str = "/exits/stopRules";
const DERISK: &str = "/exits/derisk";
const THEN: &str = "/exits/derisk/then";
const DEFENSIVE: &str = "/exits/defensive";
const OF: [(&str, &str); 2] = [("original", "of the original position"), ("remaining", "of what remains")];

/// One shape a field may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// The field is left out (the core's default applies).
    Absent,
    /// A fixed word: `"breakeven"`.
    Word(&'static str),
    /// Objects nested along the path with the text typed at the end: `["trail", "distance"]` is
    /// `{"trail": {"distance": "50"}}`; the second item is the text field's label.
    Text(&'static [&'static str], &'static str),
}

impl Form {
    /// The key the form is chosen by: `""`, the word, or the path joined with `/` (also the text's pointer suffix).
    pub fn key(self) -> String {
        match self {
            Self::Absent => String::new(),
            Self::Word(word) => word.to_owned(),
            Self::Text(path, _) => path.join("/"),
        }
    }
}

/// Where a stop moves (`moveTo`).
pub const MOVES: &[(Form, &str)] = &[
    (Form::Word("breakeven"), "breakeven (fees included)"),
    (Form::Word("entry"), "the average entry"),
    (Form::Text(&["price"], "stop price"), "a price"),
    (Form::Text(&["trail", "distance"], "trailing distance"), "trailing by a distance"),
    (Form::Text(&["trail", "percent"], "trailing %"), "trailing by a percentage"),
];

/// Where de-risking moves the stop at its first step; the entry when left out.
pub const DERISK_MOVES: &[(Form, &str)] = &[
    (Form::Absent, "the average entry (default)"),
    (Form::Word("breakeven"), "breakeven (fees included)"),
    (Form::Text(&["price"], "stop price"), "a price"),
    (Form::Text(&["trail", "distance"], "trailing distance"), "trailing by a distance"),
    (Form::Text(&["trail", "percent"], "trailing %"), "trailing by a percentage"),
];

/// Spacing of the further de-risking steps (`then.every`).
pub const EVERY: &[(Form, &str)] = &[
    (Form::Text(&["r"], "every (R)"), "an R multiple"),
    (Form::Text(&["price"], "every (price distance)"), "a price distance"),
];

/// Trailing of the further de-risking steps (`then.trail`), optional.
pub const TRAILS: &[(Form, &str)] = &[
    (Form::Absent, "none (the stop stays)"),
    (Form::Text(&["distance"], "trailing distance"), "by a distance"),
    (Form::Text(&["percent"], "trailing %"), "by a percentage"),
];

/// The fee type of a limit exit (targets, de-risking): maker unless chosen.
pub const LIMIT_LIQUIDITY: &[(Form, &str)] =
    &[(Form::Absent, "default (maker)"), (Form::Word("maker"), "maker"), (Form::Word("taker"), "taker")];

/// The fee type of the defensive exit: taker unless chosen.
pub const MARKET_LIQUIDITY: &[(Form, &str)] =
    &[(Form::Absent, "default (taker)"), (Form::Word("maker"), "maker"), (Form::Word("taker"), "taker")];

/// The key of the form `value` has: `""` when absent, the word, or the path of nested single-key objects
/// (`{"trail": {"distance": "50"}}` → `trail/distance`).
pub fn form_key(value: Option<&Value>) -> String {
    match value {
        None => String::new(),
        Some(Value::String(word)) => word.clone(),
        Some(Value::Object(map)) if map.len() == 1 => match map.iter().next() {
            Some((key, inner @ Value::Object(_))) => {
                let rest = form_key(Some(inner));
                if rest.is_empty() {
                    key.clone()
                } else {
                    format!("{key}/{rest}")
                }
            }
            Some((key, _)) => key.clone(),
            None => String::new(),
        },
        Some(_) => String::new(),
    }
}

/// The text held at the end of a form's path (`{"trail": {"distance": "50"}}` → `50`), if any.
pub fn form_text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Object(map) if map.len() == 1 => match map.values().next()? {
            inner @ Value::Object(_) => form_text(Some(inner)),
            Value::String(text) => Some(text.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        },
        _ => None,
    }
}

/// `value` switched to `form`: `None` to leave the field out. A text form takes the text `value` holds, if any,
/// else an empty text (which the core reports on the text's own field).
pub fn reshape(value: Option<&Value>, form: Form) -> Option<Value> {
    match form {
        Form::Absent => None,
        Form::Word(word) => Some(Value::String(word.to_owned())),
        Form::Text(path, _) => {
            let mut shaped = Value::String(form_text(value).unwrap_or_default());
            for key in path.iter().rev() {
                let mut map = Map::new();
                map.insert((*key).to_owned(), shaped);
                shaped = Value::Object(map);
            }
            Some(shaped)
        }
    }
}

/// Sets or removes the field at `pointer` to `form`, carrying its text over (see [`reshape`]).
pub fn switch_form(draft: &mut Draft, pointer: &str, form: Form) {
    match reshape(draft.get(pointer), form) {
        Some(value) => draft.set(pointer, value),
        None => {
            draft.remove(pointer);
        }
    }
}

/// A stop rule's trigger as a choice key: `t0` for after `targets[0]`, `r` for an R multiple.
pub fn trigger_key(when: Option<&Value>) -> String {
    match when.and_then(|w| w.get("target")).and_then(Value::as_u64) {
        Some(i) => format!("t{i}"),
        None if when.and_then(|w| w.get("r")).is_some() => "r".to_owned(),
        None => String::new(),
    }
}

/// The trigger for `key` (see [`trigger_key`]); an R trigger keeps the R typed, if it already was one.
pub fn trigger_of(when: Option<&Value>, key: &str) -> Value {
    match key.strip_prefix('t').and_then(|i| i.parse::<u64>().ok()) {
        Some(i) => json!({"target": i}),
        None => {
            let r = when.and_then(|w| w.get("r")).and_then(Value::as_str).unwrap_or_default();
            json!({"r": r})
        }
    }
}

/// Removes `targets[index]` and keeps the stop rules on the same targets: rules after a later target follow it to
/// its new index; a rule after the removed target is pointed past the last target, so the core names the rule's
/// trigger as the field to choose again rather than the rule silently following another target.
pub fn remove_target(draft: &mut Draft, index: usize) {
    let mut targets = draft.items(TARGETS);
    if index >= targets.len() {
        return;
    }
    targets.remove(index);
    let left = targets.len() as u64;
    draft.set(TARGETS, Value::Array(targets));
    let mut rules = draft.items(RULES);
    if rules.is_empty() {
        return;
    }
    let index = index as u64;
    for rule in &mut rules {
        if let Some(when) = rule.get_mut("when").and_then(Value::as_object_mut) {
            if let Some(target) = when.get("target").and_then(Value::as_u64) {
                let moved = match target {
                    t if t > index => t.saturating_sub(1),
                    t if t == index => left,
                    t => t,
                };
                when.insert("target".to_owned(), Value::from(moved));
            }
        }
    }
    draft.set(RULES, Value::Array(rules));
}

/// The new stop rule added by "Add stop rule": after the first target to breakeven, or at +1R to the entry when
/// the plan has no target yet.
pub fn new_rule(targets: usize) -> Value {
    if targets == 0 {
        json!({"when": {"r": "1"}, "moveTo": "entry"})
    } else {
        json!({"when": {"target": 0}, "moveTo": "breakeven"})
    }
}

/// The further de-risking steps a click adds: 5 % of what remains (the guide §3.2.2 says 5–10 %) every half R, three times, with
/// the stop trailing 2 % behind; a starting point to edit.
pub fn new_then() -> Value {
    json!({"every": {"r": "0.5"}, "count": 3, "share": "5", "of": "remaining", "trail": {"percent": "2"}})
}

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

/// The warnings of step `index`: those the core placed on it.
pub fn step_warnings(report: &ExitReport, index: usize) -> Vec<scaleplan::Warning> {
    report.warnings.iter().filter(|w| w.step() == Some(index)).cloned().collect()
}

/// A labelled choice between the [`Form`]s of the field at `pointer`, and the text input of the chosen form when
/// it has one. Switching keeps the text typed (see [`reshape`]). The message under the choice is the core's for
/// the field or anything under it other than the text input, which shows its own.
#[component]
pub fn FormChoice(
    /// The visible label of the choice.
    #[prop(into)]
    label: String,
    /// What the text input's label starts with (`Stop rule 1`), followed by the form's own text label.
    #[prop(into)]
    prefix: String,
    /// JSON pointer of the draft field (`/exits/stopRules/0/moveTo`).
    #[prop(into)]
    pointer: String,
    /// The forms offered and their labels.
    forms: &'static [(Form, &'static str)],
) -> impl IntoView {
    let planner = Planner::get();
    let id = field_id(&pointer);
    let error_id = format!("{id}-error");
    let key = {
        let pointer = pointer.clone();
        Memo::new(move |_| planner.draft.with(|d| form_key(d.get(&pointer))))
    };
    let base = pointer;
    let error = {
        let base = base.clone();
        Memo::new(move |_| {
            let text = forms.iter().find(|(f, _)| f.key() == key.get()).and_then(|(f, _)| match f {
                Form::Text(..) => Some(format!("{base}/{}", f.key())),
                _ => None,
            });
            planner.problem_under(&base, &text.into_iter().collect::<Vec<_>>())
        })
    };
    let change = {
        let base = base.clone();
        move |ev: leptos::ev::Event| {
            let chosen = event_target_value(&ev);
            if let Some((form, _)) = forms.iter().find(|(f, _)| f.key() == chosen) {
                planner.draft.update(|d| switch_form(d, &base, *form));
            }
        }
    };
    let text = move || {
        let current = key.get();
        forms.iter().find_map(|(form, _)| match form {
            Form::Text(_, text_label) if form.key() == current => {
                Some(view! { <Field label=format!("{prefix} {text_label}") pointer=format!("{base}/{current}") /> })
            }
            _ => None,
        })
    };
    view! {
        <div class="sp-field">
            <label for=id.clone()>{label}</label>
            <select id=id prop:value=move || key.get() aria-describedby=error_id.clone()
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                on:change=change>
                {forms.iter().map(|(form, text)| {
                    let value = form.key();
                    let mine = value.clone();
                    view! { <option value=value selected=move || key.get() == mine>{*text}</option> }
                }).collect_view()}
            </select>
            <span class="sp-error" id=error_id role="alert">{move || error.get().unwrap_or_default()}</span>
        </div>
        {text}
    }
}

/// The trigger of stop rule `index`: after any existing target, or at an R multiple (with its input). A rule after
/// a target the plan no longer has shows it as such, with the core's message.
#[component]
fn TriggerChoice(
    /// The rule's index in `stopRules`.
    index: usize,
) -> impl IntoView {
    let planner = Planner::get();
    let pointer = format!("{RULES}/{index}/when");
    let id = field_id(&pointer);
    let error_id = format!("{id}-error");
    let key = {
        let pointer = pointer.clone();
        Memo::new(move |_| planner.draft.with(|d| trigger_key(d.get(&pointer))))
    };
    let targets = Memo::new(move |_| planner.draft.with(|d| d.items(TARGETS).len()));
    let error = {
        let pointer = pointer.clone();
        let r = format!("{pointer}/r");
        Memo::new(move |_| {
            planner.problem_under(&pointer, std::slice::from_ref(&r))
        })
    };
    let options = move || {
        let current = key.get();
        let mut options: Vec<(String, String)> =
            (0..targets.get()).map(|i| (format!("t{i}"), format!("after target {} fills", i + 1))).collect();
        if current.starts_with('t') && !options.iter().any(|(k, _)| *k == current) {
            let n = current.trim_start_matches('t').parse::<usize>().map_or(0, |i| i.saturating_add(1));
            options.push((current.clone(), format!("after target {n} (no such target)")));
        }
        options.push(("r".to_owned(), "at an R multiple".to_owned()));
        options
            .into_iter()
            .map(|(value, text)| {
                let selected = value == current;
                view! { <option value=value selected=selected>{text}</option> }
            })
            .collect_view()
    };
    let change = {
        let pointer = pointer.clone();
        move |ev: leptos::ev::Event| {
            let chosen = event_target_value(&ev);
            planner.draft.update(|d| {
                let when = trigger_of(d.get(&pointer), &chosen);
                d.set(&pointer, when);
            });
        }
    };
    let r = move || {
        (key.get() == "r")
            .then(|| view! { <Field label=format!("Stop rule {} at (R)", index + 1) pointer=format!("{RULES}/{index}/when/r") hint="1R = entry to initial stop" /> })
    };
    view! {
        <div class="sp-field">
            <label for=id.clone()>{format!("Stop rule {} fires", index + 1)}</label>
            <select id=id prop:value=move || key.get() aria-describedby=error_id.clone()
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                on:change=change>
                {options}
            </select>
            <span class="sp-error" id=error_id role="alert">{move || error.get().unwrap_or_default()}</span>
        </div>
        {r}
    }
}

/// The scale-out panel.
#[component]
pub fn Exits() -> impl IntoView {
    let planner = Planner::get();
    let has_exits = Memo::new(move |_| planner.draft.with(|d| d.get("/exits").is_some()));
    let edit = move |pointer: &'static str, e: ListEdit| planner.draft.update(|d| d.edit_list(pointer, e));
    let count = move |pointer: &'static str| Memo::new(move |_| planner.draft.with(|d| d.items(pointer).len()));
    let targets = count(TARGETS);
    let rules = count(RULES);
    let has = move |pointer: &'static str| Memo::new(move |_| planner.draft.with(|d| d.get(pointer).is_some()));
    let derisk = has(DERISK);
    let then = has(THEN);
    let defensive = has(DEFENSIVE);
    view! {
        <fieldset class="sp-panel sp-output-panel sp-exits">
            <legend>"Scale-out plan"</legend>
            <p class="sp-hint">"Targets close a share of the original position or of what remains (guide §3.2.1); stop rules move the stop when a target fills or the price reaches an R multiple; de-risking closes a share at +1R, moves the stop to the entry, then keeps closing small shares while trailing (§3.2.2); a defensive exit closes a share if the move weakens (§3.3). Limit exits pay the maker fee unless you choose taker."</p>
            <Show when=move || has_exits.get()
                fallback=move || view! {
                    <button type="button" on:click=move |_| planner.draft.update(|d| d.set("/exits", json!({"targets": []})))>"Add a scale-out plan"</button>
                }>
                <fieldset class="sp-subgroup">
                    <legend>"Targets"</legend>
                    <ol class="sp-exit-list">
                        {move || (0..targets.get()).map(|i| view! {
                            <li>
                                <Field label=format!("Target {} price", i + 1) pointer=format!("{TARGETS}/{i}/price") />
                                <Field label=format!("Target {} share (%)", i + 1) pointer=format!("{TARGETS}/{i}/share") />
                                <Choice label=format!("Target {} share is", i + 1) pointer=format!("{TARGETS}/{i}/of") options=OF.to_vec() />
                                <FormChoice label=format!("Target {} fee", i + 1) prefix=format!("Target {}", i + 1)
                                    pointer=format!("{TARGETS}/{i}/liquidity") forms=LIMIT_LIQUIDITY />
                                <button type="button" aria-label=format!("Remove target {}", i + 1)
                                    on:click=move |_| planner.draft.update(|d| remove_target(d, i))>"Remove"</button>
                            </li>
                        }).collect_view()}
                    </ol>
                    <button type="button" on:click=move |_| edit(TARGETS, ListEdit::Add(json!({"price": "", "share": "25", "of": "original"})))>"Add target"</button>
                </fieldset>
                <fieldset class="sp-subgroup">
                    <legend>"Stop rules"</legend>
                    <ol class="sp-exit-list">
                        {move || (0..rules.get()).map(|i| view! {
                            <li>
                                <TriggerChoice index=i />
                                <FormChoice label=format!("Stop rule {} moves the stop to", i + 1) prefix=format!("Stop rule {}", i + 1)
                                    pointer=format!("{RULES}/{i}/moveTo") forms=MOVES />
                                <button type="button" aria-label=format!("Remove stop rule {}", i + 1)
                                    on:click=move |_| edit(RULES, ListEdit::Remove(i))>"Remove"</button>
                            </li>
                        }).collect_view()}
                    </ol>
                    <button type="button" on:click=move |_| { let n = targets.get_untracked(); edit(RULES, ListEdit::Add(new_rule(n))) }>"Add stop rule"</button>
                </fieldset>
                <Show when=move || derisk.get()
                    fallback=move || view! { <button type="button" on:click=move |_| planner.draft.update(|d| d.set(DERISK, json!({"share": "10", "of": "original"})))>"Add de-risking"</button> }>
                    <fieldset class="sp-subgroup">
                        <legend>"De-risking"</legend>
                        <div class="sp-grid">
                            <Field label="De-risk at (R)" pointer="/exits/derisk/atR" optional=true hint="1 when empty" />
                            <Field label="De-risk share (%)" pointer="/exits/derisk/share" />
                            <Choice label="De-risk share is" pointer="/exits/derisk/of" options=OF.to_vec() />
                            <FormChoice label="De-risk moves the stop to" prefix="De-risk" pointer="/exits/derisk/moveTo" forms=DERISK_MOVES />
                            <FormChoice label="De-risk fee" prefix="De-risk" pointer="/exits/derisk/liquidity" forms=LIMIT_LIQUIDITY />
                        </div>
                        <Show when=move || then.get()
                            fallback=move || view! { <button type="button" on:click=move |_| planner.draft.update(|d| d.set(THEN, new_then()))>"Add further de-risking steps"</button> }>
                            <fieldset class="sp-subgroup">
                                <legend>"Further de-risking steps"</legend>
                                <div class="sp-grid">
                                    <FormChoice label="Further steps are spaced by" prefix="Further steps" pointer="/exits/derisk/then/every" forms=EVERY />
                                    <Field label="Number of further steps" pointer="/exits/derisk/then/count" write=Write::Integer hint="from 1" />
                                    <Field label="Further step share (%)" pointer="/exits/derisk/then/share" />
                                    <Choice label="Further step share is" pointer="/exits/derisk/then/of" options=OF.to_vec() />
                                    <FormChoice label="Further steps trail the stop" prefix="Further steps" pointer="/exits/derisk/then/trail" forms=TRAILS />
                                    <FormChoice label="Further steps fee" prefix="Further steps" pointer="/exits/derisk/then/liquidity" forms=LIMIT_LIQUIDITY />
                                </div>
                                <button type="button" on:click=move |_| { planner.draft.update(|d| { d.remove(THEN); }); }>"Remove the further steps"</button>
                            </fieldset>
                        </Show>
                        <button type="button" on:click=move |_| { planner.draft.update(|d| { d.remove(DERISK); }); }>"Remove de-risking"</button>
                    </fieldset>
                </Show>
                <Show when=move || defensive.get()
                    fallback=move || view! { <button type="button" on:click=move |_| planner.draft.update(|d| d.set(DEFENSIVE, json!({"price": "", "share": "50", "of": "remaining"})))>"Add a defensive exit"</button> }>
                    <fieldset class="sp-subgroup">
                        <legend>"Defensive exit"</legend>
                        <div class="sp-grid">
                            <Field label="Defensive exit price" pointer="/exits/defensive/price" />
                            <Field label="Defensive exit share (%)" pointer="/exits/defensive/share" />
                            <Choice label="Defensive share is" pointer="/exits/defensive/of" options=OF.to_vec() />
                            <FormChoice label="Defensive exit fee" prefix="Defensive exit" pointer="/exits/defensive/liquidity" forms=MARKET_LIQUIDITY />
                        </div>
                        <button type="button" on:click=move |_| { planner.draft.update(|d| { d.remove(DEFENSIVE); }); }>"Remove the defensive exit"</button>
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
    fn eth() -> crate::Draft {
        crate::Draft::from_plan_text(ETH).expect("example")
    }

    fn form(forms: &[(Form, &str)], key: &str) -> Form {
        forms.iter().map(|(f, _)| *f).find(|f| f.key() == key).expect("a form with that key")
    }

    #[test]
    fn forms_are_read_back_from_their_shape() {
        assert_eq!(form_key(None), "");
        assert_eq!(form_key(Some(&json!("breakeven"))), "breakeven");
        assert_eq!(form_key(Some(&json!({"price": "3100"}))), "price");
        assert_eq!(form_key(Some(&json!({"trail": {"distance": "50"}}))), "trail/distance");
        assert_eq!(form_text(Some(&json!({"trail": {"percent": "2"}}))), Some("2".to_owned()));
        assert_eq!(form_text(Some(&json!("entry"))), None);
        for (form, _) in MOVES.iter().chain(DERISK_MOVES).chain(EVERY).chain(TRAILS).chain(LIMIT_LIQUIDITY) {
            assert_eq!(form_key(reshape(None, *form).as_ref()), form.key(), "{form:?} reads back as itself");
        }
    }

    #[test]
    fn switching_the_stop_move_keeps_the_text_typed() {
        let price = reshape(Some(&json!("breakeven")), form(MOVES, "price"));
        assert_eq!(price, Some(json!({"price": ""})), "nothing typed yet: an empty price");
        let distance = reshape(Some(&json!({"price": "3150"})), form(MOVES, "trail/distance"));
        assert_eq!(distance, Some(json!({"trail": {"distance": "3150"}})));
        let percent = reshape(distance.as_ref(), form(MOVES, "trail/percent"));
        assert_eq!(percent, Some(json!({"trail": {"percent": "3150"}})));
        assert_eq!(reshape(percent.as_ref(), form(MOVES, "entry")), Some(json!("entry")));
        assert_eq!(reshape(percent.as_ref(), form(DERISK_MOVES, "")), None, "the default leaves the field out");
    }

    #[test]
    fn an_empty_text_after_a_switch_is_named_on_its_own_field() {
        let mut draft = eth();
        switch_form(&mut draft, "/exits/stopRules/0/moveTo", form(MOVES, "trail/distance"));
        let problem = draft.to_plan().expect_err("nothing typed yet");
        assert_eq!(problem.pointer, "/exits/stopRules/0/moveTo/trail/distance", "{problem:?}");
        draft.set_text("/exits/stopRules/0/moveTo/trail/distance", "100".into(), false);
        let (_, report) = crate::evaluate(&draft).expect("valid");
        let stop = report.exits.and_then(|e| e.steps.get(1).and_then(|s| s.stop)).expect("a stop after target 1");
        assert_eq!(stop.get(), scaleplan::Decimal::from(3200), "trailing 100 behind target 1 at 3,300");
        draft.set(&format!("{RULES}/0/when"), trigger_of(draft.get(&format!("{RULES}/0/when")), "r"));
        let problem = draft.to_plan().expect_err("no R typed yet");
        assert_eq!(problem.pointer, "/exits/stopRules/0/when/r", "{problem:?}");
    }

    #[test]
    fn triggers_switch_between_targets_and_r() {
        assert_eq!(trigger_key(Some(&json!({"target": 2}))), "t2");
        assert_eq!(trigger_key(Some(&json!({"r": "1.5"}))), "r");
        assert_eq!(trigger_key(None), "");
        assert_eq!(trigger_of(Some(&json!({"r": "1.5"})), "t1"), json!({"target": 1}));
        assert_eq!(trigger_of(Some(&json!({"r": "1.5"})), "r"), json!({"r": "1.5"}), "the R typed is kept");
        assert_eq!(trigger_of(Some(&json!({"target": 0})), "r"), json!({"r": ""}));
        assert_eq!(new_rule(0), json!({"when": {"r": "1"}, "moveTo": "entry"}));
        assert_eq!(new_rule(2), json!({"when": {"target": 0}, "moveTo": "breakeven"}));
    }

    #[test]
    fn removing_a_target_keeps_rules_on_their_targets() {
        let mut draft = eth();
        draft.set(
            RULES,
            json!([
                {"when": {"target": 0}, "moveTo": "breakeven"},
                {"when": {"target": 2}, "moveTo": "entry"},
                {"when": {"r": "2"}, "moveTo": "entry"}
            ]),
        );
        remove_target(&mut draft, 0);
        assert_eq!(draft.items(TARGETS).len(), 2);
        assert_eq!(draft.get("/exits/stopRules/1/when"), Some(&json!({"target": 1})), "follows its target");
        assert_eq!(draft.get("/exits/stopRules/2/when"), Some(&json!({"r": "2"})));
        let problem =
            draft.to_plan().and_then(|_| crate::evaluate(&draft).map(|_| ())).expect_err("rule 1 lost its target");
        assert_eq!(problem.pointer, "/exits/stopRules/0/when/target", "{problem:?}");
        remove_target(&mut draft, 7);
        assert_eq!(draft.items(TARGETS).len(), 2, "no such target: nothing removed");
    }

    #[test]
    fn further_derisking_steps_and_fee_types_reach_the_core() {
        let mut draft = eth();
        draft.set(DERISK, json!({"share": "10", "of": "remaining"}));
        draft.set(THEN, new_then());
        switch_form(&mut draft, "/exits/derisk/liquidity", form(LIMIT_LIQUIDITY, "taker"));
        switch_form(&mut draft, "/exits/targets/0/liquidity", form(LIMIT_LIQUIDITY, "taker"));
        let (plan, report) = crate::evaluate(&draft).expect("valid");
        let derisk = plan.exits.as_ref().and_then(|e| e.derisk).expect("de-risking");
        assert_eq!(derisk.then.map(|t| t.count), Some(3));
        let exits = report.exits.expect("exits");
        let derisk_steps = exits.steps.iter().filter(|s| s.kind == StepKind::Derisk).count();
        assert_eq!(derisk_steps, 4, "the first step and three more");
        switch_form(&mut draft, "/exits/derisk/then/every", form(EVERY, "price"));
        assert_eq!(draft.get("/exits/derisk/then/every"), Some(&json!({"price": "0.5"})), "the spacing typed is kept");
        switch_form(&mut draft, "/exits/derisk/then/trail", form(TRAILS, ""));
        assert_eq!(draft.get("/exits/derisk/then/trail"), None);
        switch_form(&mut draft, "/exits/derisk/liquidity", form(LIMIT_LIQUIDITY, ""));
        assert_eq!(draft.get("/exits/derisk/liquidity"), None);
        assert!(crate::evaluate(&draft).is_ok());
    }
}
