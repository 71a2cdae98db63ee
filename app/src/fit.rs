//! The solver in the planner: "Fit size", "Fit leverage" and "Fit depth" next to those fields.
//!
//! A fit is asked for, shown (the answer, what it replaces, and the constraint that binds one step beyond it),
//! and only then applied; the plan before it is kept, so Undo restores it exactly as typed. The liquidation buffer
//! the fits keep is a setting of the planner, not of the plan (50 % of the stop distance unless changed); the risk
//! budget is the plan's own.

use leptos::prelude::*;
use scaleplan::solver::{fit_plan, Buffer, Fit, FitSpec, Goal};
use scaleplan::{Decimal, Percent};

use crate::draft::Draft;
use crate::format::{grouped, places_of};
use crate::Planner;

/// The fits' shared state: the buffer setting, the fit on show, and the plan before the last one applied.
#[derive(Clone, Copy)]
pub struct Fits {
    /// The buffer's percent as typed.
    pub buffer_percent: RwSignal<String>,
    /// What the percent is of: `stopDistance` or `price`.
    pub buffer_of: RwSignal<String>,
    /// The fit asked for and not yet applied or dismissed, or why it could not be made.
    pub proposal: RwSignal<Option<(Goal, Result<Fit, String>)>>,
    /// The last fit applied: its goal, the draft before it, and what it changed.
    pub applied: RwSignal<Option<(Goal, Draft, String)>>,
}

impl Fits {
    /// New state with the default buffer (50 % of the stop distance).
    pub fn new() -> Self {
        Self {
            buffer_percent: RwSignal::new("50".to_owned()),
            buffer_of: RwSignal::new("stopDistance".to_owned()),
            proposal: RwSignal::new(None),
            applied: RwSignal::new(None),
        }
    }

    /// The fits of the nearest [`crate::App`].
    pub fn get() -> Self {
        expect_context::<Self>()
    }
}

impl Default for Fits {
    fn default() -> Self {
        Self::new()
    }
}

/// The buffer from its settings: a percent above 0 and at most 100, of the stop distance or of the stop's price.
///
/// # Errors
/// A message for the buffer field when the percent is not such a number.
pub fn buffer_of(percent: &str, of: &str) -> Result<Buffer, String> {
    let percent = Percent::parse("buffer", percent).map_err(|e| match e {
        scaleplan::Error::Invalid { problem, .. } => format!("Liquidation buffer: {problem}"),
        other => other.to_string(),
    })?;
    Ok(match of {
        "price" => Buffer::PricePercent(percent),
        _ => Buffer::StopDistancePercent(percent),
    })
}

/// Runs the fit of `goal` on `draft` with `buffer`; a message when the draft does not parse or cannot be fitted.
///
/// # Errors
/// The message to show in place of an answer.
pub fn fit_draft(draft: &Draft, goal: Goal, buffer: Buffer) -> Result<Fit, String> {
    let plan = draft.to_plan().map_err(|p| format!("Fix the plan first: {}", p.message))?;
    let spec = FitSpec { goal, buffer: Some(buffer), risk_percent: None };
    fit_plan(&plan, &spec).map_err(|e| match e.field() {
        Some("stop") => "Set a stop-loss price first: the fit keeps liquidations beyond it and the loss at it within the budget".to_owned(),
        _ => format!("Cannot fit: {e}"),
    })
}

/// What `goal` is called on its button and in sentences.
pub fn goal_name(goal: Goal) -> &'static str {
    match goal {
        Goal::Size => "size",
        Goal::Leverage => "leverage",
        Goal::Depth => "depth",
    }
}

/// A value of `fit` for people: a leverage as `8×`, a price on the tick, a size on the step.
pub fn value_text(fit: &Fit, value: Decimal, draft: &Draft) -> String {
    let places = |pointer: &str| draft.text(pointer).parse::<Decimal>().ok().and_then(places_of);
    match fit.goal {
        Goal::Leverage => format!("{}×", value.normalize()),
        Goal::Depth => grouped(value, places("/instrument/tickSize")),
        Goal::Size if fit.field.ends_with("notional") => grouped(value, Some(2)),
        Goal::Size => grouped(value, places("/instrument/quantityStep")),
    }
}

/// The proposal's sentence: the answer against the value now, or that nothing fits; then what binds.
pub fn proposal_text(fit: &Fit, draft: &Draft) -> (String, String) {
    let name = goal_name(fit.goal);
    let what = match fit.goal {
        Goal::Size if fit.field.ends_with("notional") => "total notional",
        Goal::Size => "total quantity",
        Goal::Leverage if fit.field.starts_with("entries") => "last tranche's leverage",
        Goal::Leverage => "leverage",
        Goal::Depth => "last rung's price",
    };
    let answer = match fit.value {
        Some(value) => format!(
            "Fit {name}: {what} {} (now {}).",
            value_text(fit, value, draft),
            value_text(fit, fit.current, draft)
        ),
        None => format!("No {name} fits: even the smallest {what} breaks a constraint."),
    };
    let binding = match fit.value {
        Some(_) => format!("One step further, {}.", fit.binding.message),
        None => format!("{}.", capitalized(&fit.binding.message)),
    };
    (answer, binding)
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// The buffer setting the fits keep: a percent, of the stop distance or of the stop's price.
#[component]
pub fn FitSettings() -> impl IntoView {
    let fits = Fits::get();
    let error = Memo::new(move |_| buffer_of(&fits.buffer_percent.get(), &fits.buffer_of.get()).err());
    view! {
        <div class="sp-field sp-fit-settings">
            <label for="fit-buffer">"Liquidation buffer for fits (%)"</label>
            <span class="sp-hint" id="fit-buffer-hint">"how far beyond the stop every liquidation must stay"</span>
            <div class="sp-inline">
                <input id="fit-buffer" type="text" inputmode="decimal" autocomplete="off"
                    aria-describedby="fit-buffer-hint fit-buffer-error"
                    aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                    prop:value=move || fits.buffer_percent.get()
                    on:input=move |ev| fits.buffer_percent.set(event_target_value(&ev)) />
                <select aria-label="Buffer measured as a percent of" prop:value=move || fits.buffer_of.get()
                    on:change=move |ev| fits.buffer_of.set(event_target_value(&ev))>
                    <option value="stopDistance" selected=move || fits.buffer_of.get() == "stopDistance">"of the stop distance"</option>
                    <option value="price" selected=move || fits.buffer_of.get() == "price">"of the stop price"</option>
                </select>
            </div>
            <span class="sp-error" id="fit-buffer-error" role="alert">{move || error.get().unwrap_or_default()}</span>
        </div>
    }
}

/// The "Fit …" button for `goal`, and under it the answer to apply or dismiss, or the Undo of the last one applied.
#[component]
pub fn FitButton(
    /// What the button fits.
    goal: Goal,
) -> impl IntoView {
    let planner = Planner::get();
    let fits = Fits::get();
    let name = goal_name(goal);
    let ask = move |_| {
        let result = buffer_of(&fits.buffer_percent.get_untracked(), &fits.buffer_of.get_untracked())
            .and_then(|buffer| planner.draft.with_untracked(|d| fit_draft(d, goal, buffer)));
        fits.proposal.set(Some((goal, result)));
    };
    let shown = move || fits.proposal.get().filter(|(g, _)| *g == goal).map(|(_, r)| r);
    let apply = move |fit: Fit| {
        let Some(plan) = fit.plan.as_ref() else { return };
        let before = planner.draft.get_untracked();
        let (answer, _) = proposal_text(&fit, &before);
        planner.draft.set(Draft::from_plan(plan));
        fits.applied.set(Some((goal, before, answer)));
        fits.proposal.set(None);
    };
    let undo = move |_| {
        if let Some((_, before, _)) = fits.applied.get_untracked() {
            planner.draft.set(before);
        }
        fits.applied.set(None);
    };
    view! {
        <div class="sp-fit">
            <button type="button" class="sp-fit-button" on:click=ask>{format!("Fit {name}")}</button>
            {move || shown().map(|result| match result {
                Ok(fit) => {
                    let (answer, binding) = planner.draft.with_untracked(|d| proposal_text(&fit, d));
                    let can_apply = fit.plan.is_some();
                    let fit = StoredValue::new(fit);
                    view! {
                        <div class="sp-fit-card" role="status" aria-label=format!("Fit {name}")>
                            <p class="sp-fit-answer">{answer}</p>
                            <p class="sp-fit-binding">{binding}</p>
                            <div class="sp-row-actions">
                                {can_apply.then(|| view! {
                                    <button type="button" on:click=move |_| apply(fit.get_value())>"Apply"</button>
                                })}
                                <button type="button" on:click=move |_| fits.proposal.set(None)>"Dismiss"</button>
                            </div>
                        </div>
                    }.into_any()
                }
                Err(message) => view! {
                    <div class="sp-fit-card" role="status" aria-label=format!("Fit {name}")>
                        <p class="sp-fit-binding">{message}</p>
                        <div class="sp-row-actions">
                            <button type="button" on:click=move |_| fits.proposal.set(None)>"Dismiss"</button>
                        </div>
                    </div>
                }.into_any(),
            })}
            {move || fits.applied.get().filter(|(g, _, _)| *g == goal).map(|(_, _, answer)| view! {
                <div class="sp-fit-card" role="status" aria-label=format!("Fitted {name}")>
                    <p class="sp-fit-answer">{format!("Applied. {answer}")}</p>
                    <button type="button" on:click=undo>{format!("Undo fit {name}")}</button>
                </div>
            })}
        </div>
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    fn guide() -> Draft {
        Draft::from_plan_text(crate::GUIDE_BTC_LADDER).expect("the guide's plan")
    }

    fn half_the_stop_distance() -> Buffer {
        buffer_of("50", "stopDistance").expect("a buffer")
    }

    #[test]
    fn the_proposal_says_the_answer_what_it_replaces_and_what_binds() {
        let draft = guide();
        let fit = fit_draft(&draft, Goal::Leverage, half_the_stop_distance()).expect("a fit");
        let (answer, binding) = proposal_text(&fit, &draft);
        assert_eq!(answer, "Fit leverage: leverage 8× (now 10×).");
        assert_eq!(
            binding,
            "One step further, tranche 1's liquidation at 58009.9 is not 50 % of the stop distance beyond the stop at 60000."
        );
        let fitted = Draft::from_plan(fit.plan.as_ref().expect("a plan"));
        let size = fit_draft(&fitted, Goal::Size, half_the_stop_distance()).expect("a fit");
        assert_eq!(proposal_text(&size, &fitted).0, "Fit size: total quantity 0.063 (now 1.000).");
    }

    #[test]
    fn no_answer_says_why() {
        let draft = guide();
        let fit = fit_draft(&draft, Goal::Size, half_the_stop_distance()).expect("a fit");
        let (answer, binding) = proposal_text(&fit, &draft);
        assert_eq!(answer, "No size fits: even the smallest total quantity breaks a constraint.");
        assert!(binding.starts_with("Tranche 1's liquidation at 58735 is not 50 %"), "{binding}");
    }

    #[test]
    fn a_bad_buffer_or_plan_is_told_in_words() {
        assert_eq!(buffer_of("0", "price").unwrap_err(), "Liquidation buffer: must be a percentage above 0 and at most 100 (25 is 25 %)");
        let mut draft = guide();
        draft.remove("/stop");
        assert!(fit_draft(&draft, Goal::Size, half_the_stop_distance()).unwrap_err().starts_with("Set a stop-loss price first"));
        draft.set_text("/leverage", "ten".into(), false);
        assert!(fit_draft(&draft, Goal::Size, half_the_stop_distance()).unwrap_err().starts_with("Fix the plan first: "));
    }
}
