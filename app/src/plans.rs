//! The library of plans in the page: [`Plans`] (the library of [`crate::library`] over local storage, the plan
//! open in this tab, what to tell the user) and [`PlansBar`], the "Plans" control at the top of the planner.
//!
//! Every change of the plan open is saved through the library's revision rule once the typing pauses
//! ([`SAVE_DELAY_MS`]), and at once before anything else touches the library, when the page is hidden or left, and
//! after a panic; other tabs' writes arrive as `storage` events and are taken in by the same rule. Opening a link, a file or an example adds a plan and
//! switches to it, with a notice that offers the way back. A widget has none of this (no [`Plans`] in its
//! context): it edits the widget's own plan and stores nothing.

use leptos::prelude::*;
use serde_json::{Map, Value};
use wasm_bindgen::JsCast;

use crate::draft::Draft;
use crate::library::{self, Damaged, Deleted, External, Library, Saved, Status, Summary};
use crate::storage::{self, WebStore};
use crate::{evaluate, Planner, Shown};

/// What the list shows, refreshed after every change of the library.
#[derive(Debug, Clone, PartialEq, Default)]
struct Listing {
    plans: Vec<Summary>,
    damaged: Vec<Damaged>,
    status: Option<Status>,
}

/// The last thing that happened to the library, said once, with what can be done about it.
#[derive(Debug, Clone, PartialEq)]
struct Notice {
    text: String,
    /// A deleted plan, and whether it was the one open (Undo puts it back and opens it again).
    undo: Option<(Deleted, bool)>,
    /// A plan to go to (the one open before, or the other tab's version), with its name.
    open: Option<(String, String)>,
    /// Discarded damaged data (Undo writes it back).
    undo_discard: Option<Damaged>,
}

impl Notice {
    fn say(text: String) -> Self {
        Self { text, undo: None, open: None, undo_discard: None }
    }
}

/// The library of plans of the page and the plan open in this tab.
#[derive(Clone, Copy)]
pub struct Plans {
    library: StoredValue<Library<WebStore>, LocalStorage>,
    planner: Planner,
    stash: RwSignal<Map<String, Value>>,
    open: RwSignal<String>,
    listing: RwSignal<Listing>,
    notice: RwSignal<Option<Notice>>,
    /// The save of the plan open waiting for the typing to pause (dropping it cancels it).
    pending: StoredValue<Option<gloo_timers::callback::Timeout>, LocalStorage>,
}

/// How long a change of the plan open waits for the typing to pause before it is written: serializing and storing
/// the plan's record on every keystroke took a tenth of a keystroke's work at 100 tranches.
pub const SAVE_DELAY_MS: u32 = 250;

thread_local! {
    /// The page's library, for the panic hook ([`flush_after_panic`]).
    static PAGE: std::cell::Cell<Option<Plans>> = const { std::cell::Cell::new(None) };
}

/// Writes the change still waiting to be saved, if any, without telling anyone (nothing reactive runs after a
/// panic): the crash notice says the plan is saved, and a reload opens it as typed.
pub fn flush_after_panic() {
    if let Some(plans) = PAGE.with(std::cell::Cell::get) {
        plans.flush_quietly();
    }
}

/// Milliseconds since 1970 now.
fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// `ms` in the browser's local time (its time zone's offset at that instant added).
fn local(ms: i64) -> i64 {
    let offset = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64)).get_timezone_offset();
    ms.saturating_sub((offset * 60_000.0) as i64)
}

/// A random id for this page load, letters and digits.
fn tab_id() -> String {
    let mut n = (js_sys::Math::random() * 2f64.powi(52)) as u64;
    let mut id = String::new();
    for _ in 0..10 {
        id.push(char::from_digit((n % 36) as u32, 36).unwrap_or('0'));
        n /= 36;
    }
    id
}

/// The results a plan's last valid draft gives, shown while its draft does not evaluate.
fn fallback_of(record: &library::Record) -> Option<Shown> {
    let valid = Draft::new(record.valid.clone()?);
    evaluate(&valid).ok().map(|(plan, report)| Shown { plan, report })
}

impl Plans {
    /// Opens the library, picks the plan to show (one from a link in the address, added as a new plan; else the
    /// one this tab had open before a reload; else the one changed last; else the guide's example, added), and
    /// starts saving every change and hearing other tabs'.
    pub fn start() -> Self {
        let started = now();
        let mut library = Library::open(storage::open(), &tab_id(), started);
        let mut notice = None;
        let before = library.most_recent();
        let from_link = match crate::share::take_link() {
            Some(Ok(draft)) => {
                let id = library.add(draft.value().clone(), None, Map::new(), None, started);
                let name = library.record(&id).map(|r| r.name.clone()).unwrap_or_default();
                let mut told = Notice::say(opened_text("the plan from the link", &name, None));
                told.open = before.and_then(|b| library.record(&b).map(|r| (b.clone(), r.name.clone())));
                if let Some((_, previous)) = &told.open {
                    told.text = opened_text("the plan from the link", &name, Some(previous));
                }
                notice = Some(told);
                Some(id)
            }
            Some(Err(e)) => {
                notice = Some(Notice::say(format!("The link was not opened, your plan is unchanged: {e}.")));
                None
            }
            None => None,
        };
        let id = from_link
            .or_else(|| storage::open_plan_of_tab().filter(|id| library.record(id).is_some()))
            .or_else(|| library.most_recent())
            .unwrap_or_else(|| {
                let guide: Value = serde_json::from_str(crate::GUIDE_BTC_LADDER).unwrap_or(Value::Null);
                library.add(guide, None, Map::new(), None, started)
            });
        storage::set_open_plan_of_tab(&id);
        let record = library.record(&id).cloned();
        let draft = record.as_ref().map_or_else(|| Draft::new(Value::Null), |r| Draft::new(r.draft.clone()));
        let fallback = record.as_ref().and_then(fallback_of);
        let stash = RwSignal::new(record.map(|r| r.stash).unwrap_or_default());
        let planner = Planner::new(RwSignal::new(draft), fallback);
        let plans = Self {
            library: StoredValue::new_local(library),
            planner,
            stash,
            open: RwSignal::new(id),
            listing: RwSignal::new(Listing::default()),
            notice: RwSignal::new(notice),
            pending: StoredValue::new_local(None),
        };
        plans.refresh();
        PAGE.with(|page| page.set(Some(plans)));

        // Syncing with the outside: every change of the plan open is kept in local storage, once the typing pauses
        // (the first run, the plan as opened, at once).
        let evaluated = planner.evaluated;
        Effect::new(move |first: Option<()>| {
            evaluated.track();
            planner.draft.track();
            stash.track();
            if first.is_none() {
                plans.save_now();
                return;
            }
            let timeout = gloo_timers::callback::Timeout::new(SAVE_DELAY_MS, move || plans.flush());
            // Replacing the pending timeout drops it, which cancels it: only the last change is written.
            plans.pending.set_value(Some(timeout));
        });
        // Nothing typed is lost: what waits is written when the page is hidden (a tab switched away from, a phone
        // locked) or left (closed, reloaded, navigated away).
        let _ = window_event_listener_untyped("pagehide", move |_| plans.flush());
        let _ = window_event_listener_untyped("visibilitychange", move |_| {
            if web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.hidden()) {
                plans.flush();
            }
        });
        // And other tabs' changes come in.
        let _ = window_event_listener(leptos::ev::storage, move |event| {
            let local = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
            if event.storage_area().is_some() && event.storage_area() != local {
                return;
            }
            plans.external(event.key(), event.new_value());
        });
        plans
    }

    /// The planner of the plan open.
    pub fn planner(self) -> Planner {
        self.planner
    }

    /// The stash of entry modes not in use of the plan open.
    pub fn stash(self) -> RwSignal<Map<String, Value>> {
        self.stash
    }

    /// Runs `f` on the library, the change waiting to be saved written first, so every operation (and the revision
    /// rule) sees the plan open as typed.
    fn with_library<U>(self, f: impl FnOnce(&mut Library<WebStore>) -> U) -> Option<U> {
        self.flush();
        self.library.try_update_value(f)
    }

    /// Writes the change waiting to be saved now, if there is one.
    fn flush(self) {
        // Taken out first: the save below goes through `with_library`, which flushes again.
        if self.pending.try_update_value(Option::take).flatten().is_some() {
            self.save_now();
        }
    }

    /// Keeps the plan open as it is now: the draft, whether it evaluates, and the stash.
    fn save_now(self) {
        let valid = self.planner.evaluated.with_untracked(Result::is_ok);
        self.planner.draft.with_untracked(|draft| self.stash.with_untracked(|stash| self.save(draft.value(), valid, stash)));
    }

    /// [`Plans::flush`] after a panic: the library written to, nothing else (no notice, no refresh), and every read
    /// allowed to find its value gone.
    fn flush_quietly(self) {
        if self.pending.try_update_value(Option::take).flatten().is_none() {
            return;
        }
        let (Some(id), Some(valid)) = (self.open.try_get_untracked(), self.planner.evaluated.try_with_untracked(Result::is_ok))
        else {
            return;
        };
        let _ = self.planner.draft.try_with_untracked(|draft| {
            self.stash.try_with_untracked(|stash| {
                self.library.try_update_value(|l| l.save(&id, draft.value(), valid, stash, now()))
            })
        });
    }

    fn refresh(self) {
        let listing = self
            .library
            .with_value(|l| Listing { plans: l.listing(), damaged: l.damaged().to_vec(), status: Some(l.status().clone()) });
        self.listing.set(listing);
    }

    fn name_of(self, id: &str) -> String {
        self.library.with_value(|l| l.record(id).map(|r| r.name.clone()).unwrap_or_default())
    }

    fn open_name(self) -> String {
        self.name_of(&self.open.get_untracked())
    }

    /// Shows plan `id` (the plan open before stays as it is in the library: its last change is written first).
    pub fn switch(self, id: &str) {
        self.flush();
        let Some(record) = self.library.with_value(|l| l.record(id).cloned()) else { return };
        self.open.set(id.to_owned());
        storage::set_open_plan_of_tab(id);
        self.stash.set(record.stash.clone());
        self.planner.open(Draft::new(record.draft.clone()), fallback_of(&record));
        self.refresh();
    }

    /// Adds `draft` as a new plan and opens it, saying so: `what` was opened (`plan.json`, `the plan from the
    /// link`), and the plan open before is kept.
    pub fn add_and_open(self, draft: &Draft, what: &str) {
        self.flush();
        let previous = self.open.get_untracked();
        let previous_name = self.name_of(&previous);
        let Some(id) = self.with_library(|l| l.add(draft.value().clone(), None, Map::new(), None, now())) else { return };
        self.switch(&id);
        let name = self.name_of(&id);
        let mut notice = Notice::say(opened_text(what, &name, Some(&previous_name)));
        notice.open = Some((previous, previous_name));
        self.notice.set(Some(notice));
    }

    fn save(self, draft: &Value, valid: bool, stash: &Map<String, Value>) {
        let id = self.open.get_untracked();
        let Some(saved) = self.with_library(|l| l.save(&id, draft, valid, stash, now())) else { return };
        if let Saved::Forked(fork) = saved {
            self.told_fork(&fork);
        }
        self.refresh();
    }

    /// After a conflict: this tab now has its copy open, and says what happened.
    fn told_fork(self, fork: &library::Fork) {
        self.open.set(fork.copy.clone());
        storage::set_open_plan_of_tab(&fork.copy);
        let open = self.open.get_untracked();
        let mut notice = if fork.original_gone {
            Notice::say(format!(
                "“{}” was deleted in another tab; your version here is kept as a plan again.",
                fork.original
            ))
        } else {
            Notice::say(format!(
                "Another tab changed “{}” while it was being edited here. Your version is kept as “{}” and stays \
                 open; “{}” holds the other tab's.",
                fork.original, fork.copy_name, fork.original
            ))
        };
        if !fork.original_gone {
            let original = self.library.with_value(|l| {
                l.listing().into_iter().find(|s| s.name == fork.original && s.id != open).map(|s| s.id)
            });
            notice.open = original.map(|id| (id, fork.original.clone()));
        }
        self.notice.set(Some(notice));
    }

    fn external(self, key: Option<String>, value: Option<String>) {
        let open = self.open.get_untracked();
        let Some(outcome) =
            self.with_library(|l| l.external(key.as_deref(), value.as_deref(), Some(&open), now()))
        else {
            return;
        };
        match outcome {
            External::Nothing => return,
            External::Listed => {}
            External::Adopted => {
                if let Some(record) = self.library.with_value(|l| l.record(&open).cloned()) {
                    self.stash.set(record.stash.clone());
                    self.planner.open(Draft::new(record.draft.clone()), fallback_of(&record));
                    self.notice.set(Some(Notice::say(format!(
                        "“{}” was changed in another tab; this tab shows that change.",
                        record.name
                    ))));
                }
            }
            External::Forked(fork) => self.told_fork(&fork),
            External::OpenGone => self.notice.set(Some(Notice::say(format!(
                "“{}” was deleted in another tab. It stays open here, and your next change keeps it as a plan again.",
                self.open_name()
            )))),
        }
        self.refresh();
    }

    /// Starts a new, empty plan.
    pub fn new_plan(self) {
        self.add_and_open(&crate::inputs::empty_plan(), "a new plan");
    }

    /// Copies plan `id` and opens the copy.
    pub fn duplicate(self, id: &str) {
        let name = self.name_of(id);
        let Some(Some(copy)) = self.with_library(|l| l.duplicate(id, now())) else { return };
        self.switch(&copy);
        self.notice.set(Some(Notice::say(format!("Duplicated “{name}” as “{}”, open now.", self.name_of(&copy)))));
    }

    /// Renames plan `id`.
    ///
    /// # Errors
    /// Why the name cannot be given, naming the field.
    pub fn rename(self, id: &str, name: &str) -> Result<(), String> {
        let result = self.with_library(|l| l.rename(id, name)).unwrap_or_else(|| Err("the library is busy".into()));
        self.refresh();
        result.map(|_| ())
    }

    /// Deletes plan `id`, with an Undo; deleting the plan open opens the one changed last (or a new plan).
    pub fn delete(self, id: &str) {
        let was_open = self.open.get_untracked() == id;
        let Some(Some(deleted)) = self.with_library(|l| l.delete(id)) else { return };
        if was_open {
            match self.library.with_value(Library::most_recent) {
                Some(next) => self.switch(&next),
                None => {
                    let empty = crate::inputs::empty_plan();
                    if let Some(next) = self.with_library(|l| l.add(empty.value().clone(), None, Map::new(), None, now())) {
                        self.switch(&next);
                    }
                }
            }
        }
        let text = if was_open {
            format!("Deleted “{}”; “{}” is open now.", deleted.name(), self.open_name())
        } else {
            format!("Deleted “{}”.", deleted.name())
        };
        self.notice.set(Some(Notice { undo: Some((deleted, was_open)), ..Notice::say(text) }));
        self.refresh();
    }

    fn undo_delete(self, deleted: Deleted, was_open: bool) {
        let name = deleted.name().to_owned();
        let Some(id) = self.with_library(|l| l.restore(deleted)) else { return };
        if was_open {
            self.switch(&id);
        }
        self.notice.set(Some(Notice::say(format!("“{name}” is back."))));
        self.refresh();
    }

    /// Offers the whole library as one JSON file.
    pub fn export(self) {
        self.flush();
        let at = now();
        let text = self.library.with_value(|l| l.export(at));
        let date = scaleplan::time::format_utc(at).chars().take(10).collect::<String>();
        let count = self.listing.with_untracked(|l| l.plans.len());
        let told = match crate::share::download(&format!("scaleplan-library-{date}.json"), "application/json", &text) {
            Ok(()) => format!(
                "Downloaded the library ({count} plan{}) as one JSON file; “Import a library” adds its plans back.",
                if count == 1 { "" } else { "s" }
            ),
            Err(e) => format!("No download: {e}."),
        };
        self.notice.set(Some(Notice::say(told)));
    }

    /// Adds the plans of a library file the user chose.
    fn import(self, file: web_sys::File) {
        let name = file.name();
        if file.size() > library::MAX_LIBRARY_BYTES as f64 {
            return self.notice.set(Some(Notice::say(format!(
                "{name} was not imported: it is larger than {} MiB, more than a library file holds; your plans are \
                 unchanged.",
                library::MAX_LIBRARY_BYTES / 1024 / 1024
            ))));
        }
        leptos::task::spawn_local(async move {
            let text = match crate::share::read_text(file).await {
                Ok(text) => text,
                Err(_) => {
                    return self.notice.set(Some(Notice::say(format!("{name} could not be read; your plans are unchanged."))))
                }
            };
            let told = match library::read_library_file(&text) {
                Err(e) => format!("{name} was not imported: {e}. Your plans are unchanged."),
                Ok(plans) => {
                    let count = plans.len();
                    let _ = self.with_library(|l| l.import(plans, now()));
                    format!(
                        "Imported {count} plan{} from {name}, added beside yours (none was replaced).",
                        if count == 1 { "" } else { "s" }
                    )
                }
            };
            self.notice.set(Some(Notice::say(told)));
            self.refresh();
        });
    }

    fn download_damaged(self, damaged: &Damaged) {
        let name = format!("{}.txt", damaged.key);
        let told = match crate::share::download(&name, "text/plain", &damaged.text) {
            Ok(()) => format!("Downloaded the stored text of {} as {name}, exactly as it was stored.", damaged.key),
            Err(e) => format!("No download: {e}."),
        };
        self.notice.set(Some(Notice::say(told)));
    }

    fn discard_damaged(self, damaged: Damaged) {
        let _ = self.with_library(|l| l.discard_damaged(&damaged.key));
        let text = format!("Removed the damaged data of {} from this browser's storage.", damaged.key);
        self.notice.set(Some(Notice { undo_discard: Some(damaged), ..Notice::say(text) }));
        self.refresh();
    }
}

/// The notice after a plan was opened as a new one.
fn opened_text(what: &str, name: &str, previous: Option<&str>) -> String {
    let head = if what == "a new plan" {
        format!("Started a new plan, “{name}”")
    } else {
        format!("Opened {what} as a new plan, “{name}”")
    };
    match previous.filter(|p| !p.is_empty()) {
        Some(previous) => format!("{head}; “{previous}” is kept under Plans."),
        None => format!("{head}."),
    }
}

/// Opens `draft` the way the page does: in the planner, a new plan of the library (with a notice; `None` is
/// returned); in a widget, in place of the plan shown (the message to show is returned).
pub fn open_plan(plans: Option<Plans>, planner: Planner, draft: Draft, what: &str) -> Option<String> {
    match plans {
        Some(plans) => {
            plans.add_and_open(&draft, what);
            None
        }
        None => {
            planner.draft.set(draft);
            Some(format!("Opened {what}."))
        }
    }
}

/// What the storage status means for the user, if it is not fine.
fn status_text(status: &Status) -> Option<String> {
    match status {
        Status::Stored => None,
        Status::NoStorage(reason) => Some(format!(
            "This browser keeps nothing for this page ({reason}): your plans live in this tab only and are gone \
             when it closes. Export the library to keep them."
        )),
        Status::Full => Some(
            "The browser's storage for this page is full: the latest changes are kept in this tab only. Delete plans \
             you no longer need, or export the library; changes are stored again as soon as there is room."
                .to_owned(),
        ),
        Status::Failed(reason) => Some(format!(
            "The browser refused to store the plans ({reason}): the latest changes are kept in this tab only. \
             Export the library to keep them."
        )),
    }
}

/// The "Plans" control, beside the page's title: the plan open and its last change, and under it (folded) every
/// plan (open, rename, duplicate, delete with Undo), New plan, and the library's export and import; the notice of the last change, the storage
/// status when it is not fine, and stored data that could not be read, with its download. Renders nothing in a
/// widget.
#[component]
pub fn PlansBar() -> impl IntoView {
    let Some(plans) = use_context::<Plans>() else { return ().into_any() };
    let expanded = RwSignal::new(false);
    let current = Memo::new(move |_| {
        let open = plans.open.get();
        plans.listing.with(|l| l.plans.iter().find(|p| p.id == open).cloned())
    });
    let count = move || plans.listing.with(|l| l.plans.len());
    let import = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        plans.import(file);
    };
    let status = move || plans.listing.with(|l| l.status.as_ref().and_then(status_text));
    view! {
        <section class="sp-plans sp-no-print" aria-label="Plans">
            <div class="sp-plans-bar">
                <button type="button" class="sp-plans-toggle" aria-expanded=move || expanded.get().to_string()
                    aria-controls="sp-plans-panel" on:click=move |_| expanded.update(|e| *e = !*e)>
                    {move || format!("Plans ({})", count())}
                </button>
                <span class="sp-plans-current">
                    <span class="sp-visually-hidden">"Open: "</span>
                    <strong>{move || current.get().map(|c| c.name).unwrap_or_default()}</strong>
                    {move || current.get().map(|c| view! { <Changed summary=c /> })}
                </span>
            </div>
            <div id="sp-plans-panel" class="sp-plans-panel" hidden=move || !expanded.get()>
                <ul class="sp-plans-list" aria-label="Your plans">
                    <For each=move || plans.listing.get().plans key=|p| p.clone() let:plan>
                        <PlanItem plans plan />
                    </For>
                </ul>
                <div class="sp-actions">
                    <button type="button" on:click=move |_| plans.new_plan()>"New plan"</button>
                    <button type="button" on:click=move |_| plans.export()>"Export library"</button>
                    <label class="sp-file">
                        <span>"Import a library (JSON)"</span>
                        <input type="file" accept=".json,application/json" on:change=import />
                    </label>
                </div>
            </div>
            <div class="sp-plans-notice" role="status">
                {move || plans.notice.get().map(|notice| view! { <NoticeView plans notice /> })}
            </div>
            <div role="status">
                {move || status().map(|text| view! {
                    <p class="sp-plans-warning">{text}" "
                        <button type="button" on:click=move |_| plans.export()>"Export library"</button>
                    </p>
                })}
            </div>
            {move || {
                let damaged = plans.listing.with(|l| l.damaged.clone());
                (!damaged.is_empty()).then(|| view! {
                    <div class="sp-plans-warning" role="alert">
                        <p>"Some data stored by this page could not be read. It is kept as it was; download it to keep a copy."</p>
                        <ul>
                            {damaged.into_iter().map(|d| {
                                let download = d.clone();
                                let discard = d.clone();
                                view! {
                                    <li>
                                        <code>{d.key.clone()}</code>": "{d.reason.clone()}" "
                                        <button type="button" on:click=move |_| plans.download_damaged(&download)>
                                            {format!("Download {}", d.key)}
                                        </button>" "
                                        <button type="button" on:click=move |_| plans.discard_damaged(discard.clone())>
                                            {format!("Discard {}", d.key)}
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </div>
                })
            }}
        </section>
    }
    .into_any()
}

/// When a plan last changed, as a `<time>`, and whether some of it is kept in this tab only.
#[component]
fn Changed(
    /// The plan.
    summary: Summary,
) -> impl IntoView {
    let text = library::changed_text(local(summary.changed), local(now()));
    view! {
        <span class="sp-hint">
            " changed "<time datetime=scaleplan::time::format_utc(summary.changed)>{text}</time>
            {summary.unsaved.then_some(" · in this tab only")}
        </span>
    }
}

/// One plan in the list: open it, rename it (inline: Enter keeps the name, Escape leaves it), duplicate it, delete it.
#[component]
fn PlanItem(
    /// The library.
    plans: Plans,
    /// The plan.
    plan: Summary,
) -> impl IntoView {
    let id = StoredValue::new(plan.id.clone());
    let name = plan.name.clone();
    let is_open = move || plans.open.get() == id.get_value();
    let renaming = RwSignal::new(false);
    let text = RwSignal::new(name.clone());
    let problem = RwSignal::new(None::<String>);
    let input = NodeRef::<leptos::html::Input>::new();
    let field = format!("sp-rename-{}", plan.id);
    let error_id = format!("{field}-error");
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match plans.rename(&id.get_value(), &text.get_untracked()) {
            Ok(()) => {
                problem.set(None);
                renaming.set(false);
            }
            Err(e) => problem.set(Some(e)),
        }
    };
    let start_rename = move |_| renaming.set(true);
    // The name field takes the focus, its text selected, each time it appears.
    Effect::new(move |_| {
        if let Some(input) = input.get() {
            let _ = input.focus();
            input.select();
        }
    });
    let label = name.clone();
    let open_label = format!("Open {name}");
    let rename_label = format!("Rename {name}");
    let duplicate_label = format!("Duplicate {name}");
    let delete_label = format!("Delete {name}");
    let summary = plan.clone();
    view! {
        <li class="sp-plan" class:sp-plan-open=is_open>
            <Show when=move || renaming.get() fallback=move || view! {
                <button type="button" class="sp-plan-name" aria-label=open_label.clone()
                    aria-current=move || is_open().then_some("true")
                    on:click=move |_| plans.switch(&id.get_value())>{label.clone()}</button>
                <Changed summary=summary.clone() />
                <span class="sp-row-actions">
                    <button type="button" aria-label=rename_label.clone() on:click=start_rename>"Rename"</button>
                    <button type="button" aria-label=duplicate_label.clone()
                        on:click=move |_| plans.duplicate(&id.get_value())>"Duplicate"</button>
                    <button type="button" aria-label=delete_label.clone()
                        on:click=move |_| plans.delete(&id.get_value())>"Delete"</button>
                </span>
            }>
                <form class="sp-rename" on:submit=submit>
                    <label for=field.clone()>{format!("New name for “{name}”")}</label>
                    <input id=field.clone() type="text" node_ref=input prop:value=move || text.get()
                        placeholder="empty: named after the plan" maxlength=library::MAX_NAME_CHARS.to_string()
                        aria-invalid=move || problem.with(Option::is_some).to_string()
                        aria-describedby=error_id.clone()
                        on:input=move |ev| text.set(event_target_value(&ev))
                        on:keydown=move |ev| if ev.key() == "Escape" { problem.set(None); renaming.set(false); } />
                    // Its one dynamic attribute also keeps it out of Leptos's static HTML templates, whose
                    // Trusted Types policy (www/trusted-html.js) holds no buttons.
                    <button type="submit" aria-describedby=error_id.clone()>"Save name"</button>
                    <button type="button" on:click=move |_| { problem.set(None); renaming.set(false); }>"Cancel"</button>
                    <p class="sp-error" id=error_id.clone()>{move || problem.get()}</p>
                </form>
            </Show>
        </li>
    }
}

/// The notice of the last change, with its Undo or the way to the other plan, and a Dismiss.
#[component]
fn NoticeView(
    /// The library.
    plans: Plans,
    /// What to say.
    notice: Notice,
) -> impl IntoView {
    let undo_button = NodeRef::<leptos::html::Button>::new();
    undo_button.on_load(|b| {
        let _ = b.focus();
    });
    let undo = notice.undo.clone().map(|(deleted, was_open)| {
        let label = format!("Undo: restore “{}”", deleted.name());
        let deleted = StoredValue::new(deleted);
        view! {
            <button type="button" node_ref=undo_button
                on:click=move |_| plans.undo_delete(deleted.get_value(), was_open)>{label}</button>
        }
    });
    let undo_discard = notice.undo_discard.clone().map(|damaged| {
        let damaged = StoredValue::new(damaged);
        view! {
            <button type="button" on:click=move |_| {
                let _ = plans.with_library(|l| l.restore_damaged(damaged.get_value()));
                plans.notice.set(None);
                plans.refresh();
            }>"Undo"</button>
        }
    });
    let open = notice.open.clone().filter(|(id, _)| !id.is_empty()).map(|(id, name)| {
        view! { <button type="button" on:click=move |_| plans.switch(&id)>{format!("Open “{name}”")}</button> }
    });
    view! {
        <p class="sp-plans-message">
            {notice.text.clone()}" "{undo}{undo_discard}{open}" "
            <button type="button" class="sp-dismiss" aria-label="Dismiss the notice" on:click=move |_| plans.notice.set(None)>"×"</button>
        </p>
    }
}
