//! The scaleplan planner app: Leptos components over the scaleplan core.
//!
//! The root, [`App`], mounts into any element ([`mount`]); every style is scoped under the `.scaleplan` class it
//! renders, so the same root can be embedded in another page. State is one [`Draft`] (the plan as typed); the
//! report is derived from it by the core, and the last valid report stays on screen while a field is invalid.

pub mod charts;
pub mod draft;
pub mod exits;
pub mod fields;
pub mod fit;
pub mod format;
pub mod impact;
pub mod inputs;
pub mod library;
pub mod plans;
pub mod replay;
pub mod results;
pub mod share;
pub mod storage;
#[cfg(feature = "test-hooks")]
pub mod test_hooks;
pub mod widget;

use leptos::prelude::*;
use scaleplan::{evaluate_plan, Plan, PlanReport};

pub use draft::{Draft, Problem};

/// The guide's BTC ladder (§2.2.2), the plan a first visit opens with.
pub const GUIDE_BTC_LADDER: &str = include_str!("../../crates/scaleplan/data/examples/guide-btc-ladder.json");

/// Installs the panic hook (the console message, then a recoverable notice in the page) and mounts
/// [`App`] into the element with id `scaleplan`, or the body when absent.
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_crash_notice();
        plans::flush_after_panic();
    }));
    let target = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("scaleplan"))
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
    match target {
        Some(element) => mount(element),
        None => leptos::mount::mount_to_body(App),
    }
}

/// After a panic, a visible and recoverable notice at the top of the page instead of a dead app. The draft is
/// stored once the typing pauses, and what still waits is written right after the notice
/// ([`plans::flush_after_panic`]), so a reload loses nothing typed. The notice is built node by node, not from HTML text:
/// the page's Trusted Types policy lets only Leptos's static templates through `innerHTML` (`www/trusted-html.js`).
/// The Reload button has no handler of its own (an inline `onclick` is refused by the page's
/// Content-Security-Policy, and a wasm closure would run in the instance that panicked): `www/start.js`, plain
/// JavaScript, reloads on a click on any `[data-sp-action="reload"]`.
fn show_crash_notice() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    if document.get_element_by_id("sp-crash").is_some() {
        return;
    }
    let element = |name: &str, text: &str| {
        let element = document.create_element(name).ok()?;
        element.set_text_content(Some(text));
        Some(element)
    };
    let (Ok(notice), Some(line), Some(strong), Some(button)) = (
        document.create_element("div"),
        element("p", ""),
        element("strong", "Something went wrong"),
        element("button", "Reload"),
    ) else {
        return;
    };
    notice.set_id("sp-crash");
    notice.set_class_name("scaleplan sp-crash");
    let _ = notice.set_attribute("role", "alert");
    let _ = button.set_attribute("type", "button");
    let _ = button.set_attribute("data-sp-action", "reload");
    let _ = line.append_with_node_1(&strong);
    let _ = line.append_with_str_1(" \u{2014} your plan is saved. ");
    let _ = line.append_with_node_1(&button);
    let _ = notice.append_with_node_1(&line);
    if let Some(body) = document.body() {
        let _ = body.prepend_with_node_1(&notice);
    }
    if let Ok(button) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(button) {
        let _ = button.focus();
    }
}

/// Mounts the planner into `element` for the life of the page.
pub fn mount(element: web_sys::HtmlElement) {
    leptos::mount::mount_to(element, App).forget();
}

/// What every component reads and writes: the draft, and what the core made of it.
#[derive(Clone, Copy)]
pub struct Planner {
    /// The plan as typed.
    pub draft: RwSignal<Draft>,
    /// The draft evaluated: the plan and its report, or the first problem.
    pub evaluated: Memo<Result<(Plan, PlanReport), Problem>>,
    /// Every problem that stops evaluation now, each at its field (shown next to it, and counted with a jump list
    /// above the results); empty when the plan evaluates.
    pub problems: Memo<Vec<Problem>>,
    /// The last valid plan and its report: they stay while the user fixes a field, even across a reload.
    pub shown: Memo<Option<Shown>>,
    /// How many plans were opened in place of the draft ([`Planner::open`]), and the last valid results of the one
    /// open: the results of one plan never stand in for another's.
    opened: RwSignal<(u64, Option<Shown>)>,
}

/// A valid plan and its report, as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    /// The plan.
    pub plan: Plan,
    /// What the core made of it.
    pub report: PlanReport,
}

impl Planner {
    /// The planner of `draft`: the core's report of it, every problem while it has any, and the last valid report
    /// (`fallback` until there is one). The one place the app and the widget derive them.
    pub fn new(draft: RwSignal<Draft>, fallback: Option<Shown>) -> Self {
        let evaluated = Memo::new(move |_| draft.with(evaluate));
        // Every problem at once: the draft is parsed again for them only while it does not evaluate.
        let problems =
            Memo::new(move |_| if evaluated.with(Result::is_ok) { Vec::new() } else { draft.with(Draft::problems) });
        let opened = RwSignal::new((0, fallback));
        // The plan whose results `shown` last held: after a switch to another plan, its own fallback stands in.
        let shown_of = StoredValue::new(0_u64);
        let shown = Memo::new(move |previous: Option<&Option<Shown>>| {
            let count = opened.with(|(count, _)| *count);
            let same_plan = shown_of.get_value() == count;
            shown_of.set_value(count);
            match evaluated.get() {
                Ok((plan, report)) => Some(Shown { plan, report }),
                Err(_) => previous
                    .filter(|_| same_plan)
                    .cloned()
                    .flatten()
                    .or_else(|| opened.with(|(_, fallback)| fallback.clone())),
            }
        });
        Self { draft, evaluated, problems, shown, opened }
    }

    /// Opens another plan in place of the draft (a switch in the library of plans): `draft`, with the results of
    /// its last valid draft to show while it does not evaluate.
    pub fn open(self, draft: Draft, fallback: Option<Shown>) {
        self.opened.update(|(count, shown)| {
            *count = count.wrapping_add(1);
            *shown = fallback;
        });
        self.draft.set(draft);
    }

    /// How many plans were opened with [`Planner::open`] (tracked: an effect reading it runs on every switch).
    pub fn opened(self) -> u64 {
        self.opened.with(|(count, _)| *count)
    }

    /// The planner of the nearest [`App`].
    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// The message for the field at `pointer`, if a problem is there.
    pub fn problem_at(self, pointer: &str) -> Option<String> {
        let messages: Vec<String> =
            self.problems.with(|ps| ps.iter().filter(|p| p.pointer == pointer).map(|p| p.message.clone()).collect());
        (!messages.is_empty()).then(|| messages.join("; "))
    }

    /// The messages for the field at `pointer` and anything under it (the items of a list, the members of a
    /// group), except those at `except` (inputs of their own), joined into the one line under the input; the one
    /// way every input finds its problems.
    pub fn problem_under(self, pointer: &str, except: &[String]) -> Option<String> {
        let below = format!("{pointer}/");
        let messages: Vec<String> = self.problems.with(|ps| {
            ps.iter()
                .filter(|p| p.pointer == pointer || p.pointer.starts_with(&below))
                .filter(|p| !except.contains(&p.pointer))
                .map(|p| p.message.clone())
                .collect()
        });
        (!messages.is_empty()).then(|| messages.join("; "))
    }
}

/// Evaluates a draft: the plan, then its report; a problem names its field.
pub fn evaluate(draft: &Draft) -> Result<(Plan, PlanReport), Problem> {
    let plan = draft.to_plan()?;
    let report = evaluate_plan(&plan).map_err(|e| draft::problem_of(&e))?;
    Ok((plan, report))
}

/// The planner's root component, wrapped in the `.scaleplan` element all styles are scoped under.
#[component]
pub fn App() -> impl IntoView {
    // In a `<scale-plan view="full">` widget, the planner edits the widget's plan and stores nothing; on its own
    // page, the plan open from the library of plans (which saves every change and hears other tabs).
    let (planner, stash) = match use_context::<widget::Embedding>() {
        Some(embedding) => (Planner::new(embedding.draft, None), RwSignal::new(serde_json::Map::new())),
        None => {
            let plans = plans::Plans::start();
            provide_context(plans);
            (plans.planner(), plans.stash())
        }
    };
    provide_context(planner);
    provide_context(inputs::entries::Stash(stash));
    let fits = fit::Fits::new();
    provide_context(fits);
    provide_context(fields::Labels::new());
    // A fit shown or applied belongs to the plan it was made for: another plan opened drops it, so its Undo never
    // writes one plan's draft over another's.
    Effect::new(move |_| {
        planner.opened();
        fits.proposal.set(None);
        fits.applied.set(None);
    });

    view! {
        <div class="scaleplan">
            <header class="sp-header">
                <h1>"scaleplan"</h1>
                <p class="sp-lede">"Plan every tranche before the market moves: average entry, breakeven, margin, leverage and liquidation after each fill, exact to the last digit."</p>
                <plans::PlansBar />
            </header>
            <share::Share />
            // The cockpit: inputs and results side by side on a wide screen (the results stay in view while the
            // inputs scroll); on a phone the summary first, then the inputs, then the table (www/style.css).
            <div class="sp-cockpit">
                <inputs::Inputs />
                <results::Results />
            </div>
            <exits::Exits />
            <replay::Replay />
            <impact::Impact />
        </div>
    }
}
