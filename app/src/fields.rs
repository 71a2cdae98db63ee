//! Inputs bound to a field of the draft (or to a panel's own setting): a visible label, the text as typed, and the
//! message for that field.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::inputs::bound::{self, Write};
use crate::Planner;

/// What an input is bound to when it is not a field of the draft: one of a panel's own settings (the replay's start,
/// the parametric book's mid price), read and written as text, with its own message.
#[derive(Clone, Copy)]
pub struct Setting {
    /// The text shown.
    pub value: Signal<String>,
    /// Called with the text typed.
    pub write: Callback<String>,
    /// The message for the setting, if it is wrong.
    pub error: Signal<Option<String>>,
}

impl Setting {
    /// A setting kept as text in `signal`, with no message of its own.
    pub fn text(signal: RwSignal<String>) -> Self {
        Self {
            value: signal.into(),
            write: Callback::new(move |text| signal.set(text)),
            error: Signal::derive(|| None),
        }
    }
}

/// A labelled text input: bound to the draft field at `pointer`, or to a panel's own [`Setting`]. The text is kept
/// exactly as typed; the message underneath is the core's own for that field (the input is then `aria-invalid` and
/// described by it). The one way the app writes a text input.
#[component]
pub fn Field(
    /// The visible label.
    #[prop(into)]
    label: String,
    /// JSON pointer of the draft field (`/account/wallet`); with a `setting`, only names the element
    /// (`/replay/start` gives the id `f-replay-start`).
    #[prop(into)]
    pointer: String,
    /// A panel's own setting instead of a draft field.
    #[prop(optional)]
    setting: Option<Setting>,
    /// An empty text removes the field (for optional fields such as the stop).
    #[prop(optional)]
    optional: bool,
    /// A short hint under the label (units, what is allowed).
    #[prop(optional, into)]
    hint: Option<String>,
    /// The input mode for on-screen keyboards; `decimal` unless given (`numeric` for whole numbers).
    #[prop(optional, into)]
    inputmode: Option<String>,
    /// How the text is written when it is not plain text: a whole number, a list, a member of an optional group.
    #[prop(optional)]
    write: Option<Write>,
) -> impl IntoView {
    let planner = Planner::get();
    if let (Some(labels), None) = (use_context::<Labels>(), setting) {
        labels.register(&pointer, &label);
    }
    let id = field_id(&pointer);
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    // A memo, so that a keystroke, which changes the draft every input reads, sets only the inputs whose text it
    // changed (setting a hundred inputs' values was a tenth of a keystroke's script).
    let value = {
        let pointer = pointer.clone();
        Memo::new(move |_| match setting {
            Some(s) => s.value.get(),
            None => planner.draft.with(|d| bound::read(d, &pointer)),
        })
    };
    // The core's messages for this field, or for anything under it (the items of a list).
    let error = {
        let pointer = pointer.clone();
        Memo::new(move |_| match setting {
            Some(s) => s.error.get(),
            None => planner.problem_under(&pointer, &[]),
        })
    };
    let inputmode = inputmode.unwrap_or_else(|| if write == Some(Write::Integer) { "numeric" } else { "decimal" }.into());
    let described = if hint.is_some() { format!("{hint_id} {error_id}") } else { error_id.clone() };
    view! {
        <div class="sp-field">
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <span class="sp-hint" id=hint_id>{h}</span> })}
            <input id=id type="text" inputmode=inputmode autocomplete="off" spellcheck="false"
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    match setting {
                        Some(s) => s.write.run(text),
                        None => planner.draft.update(|d| match write {
                            Some(how) => bound::write(d, &pointer, text, how),
                            None => d.set_text(&pointer, text, optional),
                        }),
                    }
                } />
            <span class="sp-error" id=error_id role="alert">{move || error.get().unwrap_or_default()}</span>
        </div>
    }
}

/// A labelled choice bound to the draft field at `pointer` (or to a panel's own [`Setting`]); `options` are (value written to the plan, label).
#[component]
pub fn Choice(
    /// The visible label.
    #[prop(into)]
    label: String,
    /// JSON pointer of the draft field (`/side`); with a `setting`, only names the element.
    #[prop(into)]
    pointer: String,
    /// A panel's own setting instead of a draft field.
    #[prop(optional)]
    setting: Option<Setting>,
    /// The values and their labels.
    options: Vec<(&'static str, &'static str)>,
) -> impl IntoView {
    let planner = Planner::get();
    let id = field_id(&pointer);
    // A memo, as in [`Field`]: a keystroke elsewhere leaves the choice and its options untouched.
    let current = {
        let pointer = pointer.clone();
        Memo::new(move |_| match setting {
            Some(s) => s.value.get(),
            None => planner.draft.with(|d| d.text(&pointer)),
        })
    };
    view! {
        <div class="sp-field">
            <label for=id.clone()>{label}</label>
            <select id=id prop:value=move || current.get()
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    match setting {
                        Some(s) => s.write.run(value),
                        None => planner.draft.update(|d| d.set(&pointer, serde_json::Value::String(value))),
                    }
                }>
                {options.into_iter().map(|(value, text)| {
                    view! { <option value=value selected=move || current.with(|c| c == value)>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// The element id of the input for `pointer`: `/entries/ladder/tranches/1/price` → `f-entries-ladder-tranches-1-price`.
pub fn field_id(pointer: &str) -> String {
    let mut id = String::from("f");
    for c in pointer.chars() {
        id.push(if c.is_ascii_alphanumeric() { c } else { '-' });
    }
    id
}

/// The labels of the inputs the page has rendered, by pointer, in the order they first appeared: how a problem's
/// message names its field in the words on screen, and the order the list of problems follows.
///
/// A pointer's label never changes (`/entries/ladder/tranches/2/price` is always "Tranche 3 price"), so entries are
/// only added. Not reactive: it is read when problems are listed, after the inputs have rendered.
#[derive(Clone, Copy)]
pub struct Labels(StoredValue<HashMap<String, (usize, String)>>);

impl Labels {
    /// An empty registry.
    pub fn new() -> Self {
        Self(StoredValue::new(HashMap::new()))
    }

    /// Records `label` as the name of the input at `pointer`.
    pub fn register(&self, pointer: &str, label: &str) {
        self.0.update_value(|map| {
            let next = map.len();
            map.entry(pointer.to_owned()).or_insert_with(|| (next, label.to_owned()));
        });
    }

    /// The label of the input at `pointer`, or of the nearest input above it (a list's own input), with its
    /// pointer and its place on the page.
    pub fn nearest(&self, pointer: &str) -> Option<(String, usize, String)> {
        self.0.with_value(|map| {
            let mut at = pointer;
            loop {
                if let Some((order, label)) = map.get(at) {
                    return Some((at.to_owned(), *order, label.clone()));
                }
                at = at.rsplit_once('/').map(|(parent, _)| parent).filter(|p| !p.is_empty())?;
            }
        })
    }
}

impl Default for Labels {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether the page is laid out in one column now (a phone): the width below which the results stop sitting next
/// to the inputs (`www/style.css`, `.sp-cockpit`).
pub fn one_column() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(max-width: 1099.98px)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// A group of inputs that folds to one line on a phone once it is filled in: open on a wide screen, closed in one
/// column unless a problem is under `pointer` (then it opens, so the message is seen next to its field).
#[component]
pub fn Fold(
    /// The one line shown when folded.
    summary: Signal<String>,
    /// Pointer of the group's fields (`/instrument`).
    #[prop(into)]
    pointer: String,
    /// The inputs.
    children: Children,
) -> impl IntoView {
    let planner = Planner::get();
    let open = RwSignal::new(!one_column() || planner.problem_under(&pointer, &[]).is_some());
    Effect::new(move |_| {
        if planner.problem_under(&pointer, &[]).is_some() {
            open.set(true);
        }
    });
    view! {
        <details class="sp-fold" prop:open=move || open.get()
            on:toggle=move |ev| open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())>
            <summary>{move || summary.get()}</summary>
            {children()}
        </details>
    }
}
