//! Inputs bound to a field of the draft: a visible label, the text as typed, and the message for that field.

use leptos::prelude::*;

use crate::inputs::bound::{self, Write};
use crate::Planner;

/// A labelled text input bound to the draft field at `pointer`. The text is kept exactly as typed; the message
/// underneath is the core's own for that field (the input is then `aria-invalid` and described by it).
#[component]
pub fn Field(
    /// The visible label.
    #[prop(into)]
    label: String,
    /// JSON pointer of the draft field (`/account/wallet`).
    #[prop(into)]
    pointer: String,
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
    let id = field_id(&pointer);
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let value = {
        let pointer = pointer.clone();
        move || planner.draft.with(|d| bound::read(d, &pointer))
    };
    // The core's message for this field, or for anything under it (the items of a list).
    let error = {
        let pointer = pointer.clone();
        Memo::new(move |_| {
            planner.problem.with(|p| {
                p.as_ref()
                    .filter(|p| p.pointer == pointer || p.pointer.starts_with(&format!("{pointer}/")))
                    .map(|p| p.message.clone())
            })
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
                prop:value=value
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    planner.draft.update(|d| match write {
                        Some(how) => bound::write(d, &pointer, text, how),
                        None => d.set_text(&pointer, text, optional),
                    });
                } />
            <span class="sp-error" id=error_id role="alert">{move || error.get().unwrap_or_default()}</span>
        </div>
    }
}

/// A labelled choice bound to the draft field at `pointer`; `options` are (value written to the plan, label).
#[component]
pub fn Choice(
    /// The visible label.
    #[prop(into)]
    label: String,
    /// JSON pointer of the draft field (`/side`).
    #[prop(into)]
    pointer: String,
    /// The values and their labels.
    options: Vec<(&'static str, &'static str)>,
) -> impl IntoView {
    let planner = Planner::get();
    let id = field_id(&pointer);
    let current = {
        let pointer = pointer.clone();
        move || planner.draft.with(|d| d.text(&pointer))
    };
    view! {
        <div class="sp-field">
            <label for=id.clone()>{label}</label>
            <select id=id prop:value=current.clone()
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    planner.draft.update(|d| d.set(&pointer, serde_json::Value::String(value)));
                }>
                {options.into_iter().map(|(value, text)| {
                    let current = current.clone();
                    view! { <option value=value selected=move || current() == value>{text}</option> }
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
