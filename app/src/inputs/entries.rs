//! How the position is built: explicit tranches, a generated ladder, or a time schedule over a price path.
//!
//! The draft holds only the mode in use, under `/entries`. The other modes' drafts wait in a side stash (kept in
//! local storage next to the draft), so switching back and forth loses nothing typed.

use leptos::prelude::*;
use scaleplan::candles;
use scaleplan::schedule::{Interval, PricePath};
use scaleplan::solver::Goal;
use serde_json::{json, Map, Value};

use super::bound::Write;
use crate::draft::{Draft, ListEdit};
use crate::fields::{field_id, Choice, Field};
use crate::fit::FitButton;
use crate::Planner;

/// The three ways of building a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Explicit tranches: a price and a share each (guide §2.2.2).
    Tranches,
    /// Tranches generated over a price range.
    Generator,
    /// Tranches at fixed times, filled on a price path (guide §2.2.1).
    Schedule,
}

impl Mode {
    /// All modes, in the order offered.
    pub const ALL: [Mode; 3] = [Mode::Tranches, Mode::Generator, Mode::Schedule];

    /// The stash key of the mode.
    pub fn key(self) -> &'static str {
        match self {
            Mode::Tranches => "tranches",
            Mode::Generator => "generate",
            Mode::Schedule => "schedule",
        }
    }

    /// The label offered to the user.
    pub fn label(self) -> &'static str {
        match self {
            Mode::Tranches => "Tranches by price",
            Mode::Generator => "Generated ladder",
            Mode::Schedule => "Time schedule",
        }
    }
}

/// The mode the draft's entries are in.
pub fn mode_of(draft: &Draft) -> Mode {
    if draft.get("/entries/schedule").is_some() {
        Mode::Schedule
    } else if draft.get("/entries/ladder/generate").is_some() {
        Mode::Generator
    } else {
        Mode::Tranches
    }
}

/// The other modes' entries, by [`Mode::key`].
#[derive(Debug, Clone, Copy)]
pub struct Stash(pub RwSignal<Map<String, Value>>);

/// Switches the draft to `to`: the current entries go into `stash`, and the stashed ones for `to` (or a start
/// made from the current ones) come out.
pub fn switch_mode(draft: &mut Draft, stash: &mut Map<String, Value>, to: Mode) {
    let from = mode_of(draft);
    if from == to {
        return;
    }
    let current = draft.get("/entries").cloned().unwrap_or(Value::Null);
    let next = stash.remove(to.key()).unwrap_or_else(|| start_of(to, &current));
    stash.insert(from.key().to_owned(), current);
    draft.set("/entries", next);
}

/// Fresh entries for `mode`, reusing the total and price range of `current` entries.
pub fn start_of(mode: Mode, current: &Value) -> Value {
    let total = current
        .pointer("/ladder/total")
        .or_else(|| current.pointer("/schedule/total"))
        .cloned()
        .unwrap_or_else(|| json!({"quantity": ""}));
    let tranches = current.pointer("/ladder/tranches").and_then(Value::as_array).cloned().unwrap_or_default();
    let price = |t: Option<&Value>| t.and_then(|t| t.get("price")).and_then(Value::as_str).unwrap_or("").to_owned();
    let (from, to) = match current.pointer("/ladder/generate") {
        Some(g) => (text(g, "from"), text(g, "to")),
        None => (price(tranches.first()), price(tranches.last())),
    };
    match mode {
        Mode::Tranches => {
            let tranches = if from.is_empty() {
                vec![]
            } else {
                vec![json!({"price": from, "share": "50"}), json!({"price": to, "share": "50"})]
            };
            json!({"ladder": {"tranches": tranches, "total": total}})
        }
        Mode::Generator => json!({"ladder": {"generate": {
            "from": from, "to": to, "count": tranches.len().max(2), "spacing": "linear", "sizes": "flat"
        }, "total": total}}),
        Mode::Schedule => json!({"schedule": {
            "start": "2019-01-01T00:00:00Z", "interval": "7d", "count": 4, "sizes": "flat", "total": total,
            "path": sample_path().unwrap_or_default()
        }}),
    }
}

fn text(value: &Value, key: &str) -> String {
    value.get(key).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).unwrap_or_default()
}

/// The candle length of the bundled sample: daily candles, each closing one day after it opens.
pub const SAMPLE_CANDLE_LENGTH: &str = "1d";

/// A price path (`[{time, price}, …]`) through the closes of candles pasted as CSV or JSON, each at its candle's
/// close (open time + `length`).
///
/// # Errors
/// The core's message when the candles or the length do not parse.
pub fn path_from_candles(text: &str, length: &str) -> Result<Value, String> {
    let candles = candles::parse(text).map_err(|e| format!("candles: {e}"))?;
    let interval = Interval::parse("candle length", length).map_err(|e| e.to_string())?;
    let path = PricePath::from_candles(&candles, interval).map_err(|e| e.to_string())?;
    serde_json::to_value(path.points()).map_err(|e| e.to_string())
}

/// How many of the bundled sample's daily closes a schedule's sample path takes: the last 365, 2018-10-06 to
/// 2019-10-17. All 1,770 would make the plan about 88 KB of JSON, which compressed is about as long as a share
/// link may be (16 KiB) on its own; a year of closes keeps the link short.
pub const SAMPLE_PATH_CANDLES: usize = 365;

/// The last [`SAMPLE_PATH_CANDLES`] closes of the bundled BTC/USD daily sample (Coinbase) as a price path.
///
/// # Errors
/// As [`path_from_candles`] (never for the bundled data; a test parses it).
pub fn sample_path() -> Result<Value, String> {
    let mut path = path_from_candles(candles::SAMPLE_BTC_DAILY_CSV, SAMPLE_CANDLE_LENGTH)?;
    if let Some(points) = path.as_array_mut() {
        points.drain(..points.len().saturating_sub(SAMPLE_PATH_CANDLES));
    }
    Ok(path)
}

/// The kind of a sizes value: `flat`, `increasing`, `decreasing`, `skew` or `custom`.
pub fn sizes_kind(sizes: Option<&Value>) -> &'static str {
    match sizes {
        Some(Value::String(s)) if s == "increasing" => "increasing",
        Some(Value::String(s)) if s == "decreasing" => "decreasing",
        Some(Value::Object(o)) if o.contains_key("skew") => "skew",
        Some(Value::Object(o)) if o.contains_key("custom") => "custom",
        _ => "flat",
    }
}

/// Sets the sizes at `pointer` to `kind`: a skew starts at 2, custom weights at 1 per rung of `count`.
pub fn set_sizes_kind(draft: &mut Draft, pointer: &str, kind: &str, count: usize) {
    let value = match kind {
        "skew" => json!({"skew": "2"}),
        "custom" => json!({"custom": vec!["1"; count.clamp(1, 100)]}),
        other => Value::String(other.to_owned()),
    };
    draft.set(pointer, value);
}

/// The kind of a total: `quantity`, `notional` or `riskBudget`.
pub fn total_kind(total: Option<&Value>) -> &'static str {
    match total.and_then(Value::as_object) {
        Some(o) if o.contains_key("notional") => "notional",
        Some(o) if o.contains_key("riskBudget") => "riskBudget",
        _ => "quantity",
    }
}

/// Sets the total at `pointer` to `kind`, keeping an amount typed for quantity or notional; a risk budget starts
/// from the plan's wallet, risk % and stop.
pub fn set_total_kind(draft: &mut Draft, pointer: &str, kind: &str) {
    let amount = ["quantity", "notional"].iter().map(|k| draft.text(&format!("{pointer}/{k}"))).find(|t| !t.is_empty());
    let value = match kind {
        "riskBudget" => json!({"riskBudget": {
            "account": draft.text("/account/wallet"), "riskPercent": draft.text("/account/riskPercent"),
            "stop": draft.text("/stop"), "entryFee": "maker"
        }}),
        other => {
            let mut map = Map::new();
            map.insert(other.to_owned(), Value::String(amount.unwrap_or_default()));
            Value::Object(map)
        }
    };
    draft.set(pointer, value);
}

/// The entries panel: the mode switch, then the builder of the mode in use.
#[component]
pub fn Entries() -> impl IntoView {
    let planner = Planner::get();
    let stash = expect_context::<Stash>();
    let mode = Memo::new(move |_| planner.draft.with(mode_of));
    view! {
        <fieldset class="sp-panel">
            <legend>"Scale-in"</legend>
            <div class="sp-modes" role="radiogroup" aria-label="How the position is built">
                {Mode::ALL.into_iter().map(|m| view! {
                    <label class="sp-mode">
                        <input type="radio" name="sp-mode" value=m.key() prop:checked=move || mode.get() == m
                            on:change=move |_| stash.0.update(|s| planner.draft.update(|d| switch_mode(d, s, m))) />
                        {m.label()}
                    </label>
                }).collect_view()}
            </div>
            {move || match mode.get() {
                Mode::Tranches => view! { <Tranches /> }.into_any(),
                Mode::Generator => view! { <Generator /> }.into_any(),
                Mode::Schedule => view! { <Schedule /> }.into_any(),
            }}
        </fieldset>
    }
}

const TRANCHES: &str = "/entries/ladder/tranches";

/// Explicit tranches: a row per tranche with price, share and leverage; rows can be added, removed and moved.
#[component]
pub fn Tranches() -> impl IntoView {
    let planner = Planner::get();
    let count = Memo::new(move |_| planner.draft.with(|d| d.items(TRANCHES).len()));
    let edit = move |e: ListEdit| planner.draft.update(|d| d.edit_list(TRANCHES, e));
    let tranches_problem = Memo::new(move |_| planner.problem_at(TRANCHES));
    view! {
        <p class="sp-hint">"Each tranche: a limit price and its share of the total (shares add up to 100 %). Leverage is optional per tranche, e.g. 5× first on the way to 10×."</p>
        <Total pointer="/entries/ladder/total" />
        <span class="sp-error" role="alert">{move || tranches_problem.get().unwrap_or_default()}</span>
        <ol class="sp-tranches">
            {move || (0..count.get()).map(|i| view! {
                <li class="sp-tranche">
                    <Field label=format!("Tranche {} price", i + 1) pointer=format!("{TRANCHES}/{i}/price") />
                    <Field label=format!("Tranche {} share (%)", i + 1) pointer=format!("{TRANCHES}/{i}/share") />
                    <Field label=format!("Tranche {} leverage", i + 1) pointer=format!("{TRANCHES}/{i}/leverage") optional=true />
                    <div class="sp-row-actions">
                        <button type="button" aria-label=format!("Move tranche {} up", i + 1) disabled=move || i == 0
                            on:click=move |_| edit(ListEdit::Move { from: i, to: i.saturating_sub(1) })>"↑"</button>
                        <button type="button" aria-label=format!("Move tranche {} down", i + 1) disabled=move || { i + 1 >= count.get() }
                            on:click=move |_| edit(ListEdit::Move { from: i, to: i + 1 })>"↓"</button>
                        <button type="button" aria-label=format!("Remove tranche {}", i + 1)
                            on:click=move |_| edit(ListEdit::Remove(i))>"Remove"</button>
                    </div>
                </li>
            }).collect_view()}
        </ol>
        <button type="button" on:click=move |_| edit(ListEdit::Add(json!({"price": "", "share": ""})))>"Add tranche"</button>
        <FitButton goal=Goal::Depth />
    }
}

const GENERATE: &str = "/entries/ladder/generate";

/// A generated ladder: a price range, a count, the spacing and the sizes.
#[component]
pub fn Generator() -> impl IntoView {
    view! {
        <p class="sp-hint">"Rungs from the first price to the last, both included; the results table shows every generated rung."</p>
        <div class="sp-grid">
            <Field label="From price" pointer=format!("{GENERATE}/from") />
            <Field label="To price" pointer=format!("{GENERATE}/to") />
            <FitButton goal=Goal::Depth />
            <Field label="Number of rungs" pointer=format!("{GENERATE}/count") write=Write::Integer hint="1 to 1000" />
            <Choice label="Spacing" pointer=format!("{GENERATE}/spacing")
                options=vec![("linear", "Linear (equal price steps)"), ("geometric", "Geometric (equal % steps)")] />
        </div>
        <Sizes pointer=format!("{GENERATE}/sizes") count_pointer=format!("{GENERATE}/count") />
        <Total pointer="/entries/ladder/total" />
    }
}

const SCHEDULE: &str = "/entries/schedule";

/// A time schedule: start, interval, count, sizes, total, and the price path the tranches fill on.
#[component]
pub fn Schedule() -> impl IntoView {
    view! {
        <p class="sp-hint">"Market orders at fixed times regardless of price (guide §2.2.1); each fills at the last price of the path at or before its time."</p>
        <div class="sp-grid">
            <Field label="Start (UTC)" pointer=format!("{SCHEDULE}/start") inputmode="text" hint="2024-05-01T09:00:00Z" />
            <Field label="Interval" pointer=format!("{SCHEDULE}/interval") inputmode="text" hint="1w, 1d, 12h, 30m" />
            <Field label="Number of tranches" pointer=format!("{SCHEDULE}/count") write=Write::Integer hint="1 to 1000" />
        </div>
        <Sizes pointer=format!("{SCHEDULE}/sizes") count_pointer=format!("{SCHEDULE}/count") />
        <Total pointer=format!("{SCHEDULE}/total") />
        <PricePathInput />
    }
}

/// The size shape at `pointer`: a choice, then the skew ratio or the custom weights.
#[component]
pub fn Sizes(
    /// Pointer of the sizes value (`/entries/ladder/generate/sizes`).
    #[prop(into)]
    pointer: String,
    /// Pointer of the rung count, for the number of custom weights.
    #[prop(into)]
    count_pointer: String,
) -> impl IntoView {
    let planner = Planner::get();
    let kind = {
        let pointer = pointer.clone();
        Memo::new(move |_| planner.draft.with(|d| sizes_kind(d.get(&pointer))))
    };
    let id = field_id(&pointer);
    let p = pointer.clone();
    view! {
        <div class="sp-grid">
            <div class="sp-field">
                <label for=id.clone()>"Sizes"</label>
                <select id=id prop:value=move || kind.get()
                    on:change=move |ev| {
                        let k = event_target_value(&ev);
                        planner.draft.update(|d| {
                            let count = d.text(&count_pointer).parse::<usize>().unwrap_or(1);
                            set_sizes_kind(d, &p, &k, count);
                        });
                    }>
                    {[("flat", "Flat (equal)"), ("increasing", "Increasing (1, 2, …, n)"), ("decreasing", "Decreasing (n, …, 2, 1)"),
                      ("skew", "Skew ratio (last ÷ first)"), ("custom", "Custom weights")].into_iter().map(|(v, t)| view! {
                        <option value=v selected=move || kind.get() == v>{t}</option>
                    }).collect_view()}
                </select>
            </div>
            {let pointer = pointer.clone(); move || match kind.get() {
                "skew" => Some(view! { <Field label="Skew ratio" pointer=format!("{pointer}/skew") hint="the last rung is this many times the first" /> }.into_any()),
                "custom" => Some(view! { <Field label="Weights" pointer=format!("{pointer}/custom") write=Write::List hint="one per rung, comma-separated: 1, 2, 4" /> }.into_any()),
                _ => None,
            }}
        </div>
    }
}

/// The total to spread, by quantity, notional or risk budget, at `pointer`.
#[component]
pub fn Total(
    /// Pointer of the total (`/entries/ladder/total`).
    #[prop(into)]
    pointer: String,
) -> impl IntoView {
    let planner = Planner::get();
    let kind = {
        let pointer = pointer.clone();
        Memo::new(move |_| planner.draft.with(|d| total_kind(d.get(&pointer))))
    };
    let id = format!("{}-kind", field_id(&pointer));
    let p = pointer.clone();
    let problem = {
        let pointer = pointer.clone();
        Memo::new(move |_| planner.problem_at(&pointer))
    };
    view! {
        <div class="sp-grid">
            <div class="sp-field">
                <label for=id.clone()>"Total by"</label>
                <select id=id prop:value=move || kind.get()
                    on:change=move |ev| { let k = event_target_value(&ev); planner.draft.update(|d| set_total_kind(d, &p, &k)); }>
                    {[("quantity", "Quantity"), ("notional", "Notional"), ("riskBudget", "Risk budget")].into_iter().map(|(v, t)| view! {
                        <option value=v selected=move || kind.get() == v>{t}</option>
                    }).collect_view()}
                </select>
                <span class="sp-error" role="alert">{move || problem.get().unwrap_or_default()}</span>
            </div>
            {let pointer = pointer.clone(); move || match kind.get() {
                "notional" => view! { <Field label="Total notional" pointer=format!("{pointer}/notional") hint="quote currency (USD for inverse)" /> }.into_any(),
                "riskBudget" => {
                    let rb = format!("{pointer}/riskBudget");
                    view! {
                        <Field label="Budget account" pointer=format!("{rb}/account") hint="balance the risk % is of" />
                        <Field label="Budget risk (%)" pointer=format!("{rb}/riskPercent") hint="loss at the stop, fees included" />
                        <Field label="Budget stop" pointer=format!("{rb}/stop") />
                        <Choice label="Entry fee" pointer=format!("{rb}/entryFee") options=vec![("maker", "Maker"), ("taker", "Taker")] />
                    }.into_any()
                }
                _ => view! { <Field label="Total quantity" pointer=format!("{pointer}/quantity") hint="base units (contracts for inverse)" /> }.into_any(),
            }}
            <FitButton goal=Goal::Size />
        </div>
    }
}

/// The schedule's price path: candles pasted as CSV or JSON, or the bundled sample, turned into closes.
#[component]
pub fn PricePathInput() -> impl IntoView {
    let planner = Planner::get();
    let pasted = RwSignal::new(String::new());
    let length = RwSignal::new("1d".to_owned());
    let message = RwSignal::new(String::new());
    let path = format!("{SCHEDULE}/path");
    let summary = {
        let path = path.clone();
        move || {
            planner.draft.with(|d| {
                let points = d.items(&path);
                match (points.first(), points.last()) {
                    (Some(first), Some(last)) => {
                        format!("Path: {} prices from {} to {}.", points.len(), text(first, "time"), text(last, "time"))
                    }
                    _ => "No price path yet: paste candles or use the sample.".to_owned(),
                }
            })
        }
    };
    let use_path = move |result: Result<Value, String>| match result {
        Ok(points) => {
            let n = points.as_array().map_or(0, Vec::len);
            planner.draft.update(|d| d.set(&format!("{SCHEDULE}/path"), points));
            message.set(format!("Using {n} closes."));
        }
        Err(e) => message.set(format!("The path is unchanged: {e}")),
    };
    let path_problem = Memo::new(move |_| planner.problem_under(&path, &[]));
    view! {
        <fieldset class="sp-subpanel">
            <legend>"Price path"</legend>
            <p class="sp-hint">{summary}</p>
            <span class="sp-error" role="alert">{move || path_problem.get().unwrap_or_default()}</span>
            <div class="sp-field">
                <label for="sp-candles">"Candles (CSV or JSON: time, open, high, low, close)"</label>
                <textarea id="sp-candles" rows="4" spellcheck="false" prop:value=move || pasted.get()
                    on:input=move |ev| pasted.set(event_target_value(&ev))></textarea>
            </div>
            <div class="sp-grid">
                <div class="sp-field">
                    <label for="sp-candle-length">"Candle length"</label>
                    <input id="sp-candle-length" type="text" autocomplete="off" prop:value=move || length.get()
                        on:input=move |ev| length.set(event_target_value(&ev)) />
                </div>
                <div class="sp-field sp-end">
                    <button type="button" on:click=move |_| use_path(path_from_candles(&pasted.get_untracked(), &length.get_untracked()))>
                        "Use pasted candles"</button>
                </div>
                <div class="sp-field sp-end">
                    <button type="button" on:click=move |_| use_path(sample_path())>"Use sample: BTC/USD daily, 2018-10 to 2019-10"</button>
                </div>
            </div>
            <p class="sp-message" role="status">{move || message.get()}</p>
        </fieldset>
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn guide() -> Draft {
        Draft::from_plan_text(crate::GUIDE_BTC_LADDER).expect("valid")
    }

    #[test]
    fn switching_modes_loses_nothing_typed() {
        let mut draft = guide();
        let original = draft.get("/entries").cloned();
        let mut stash = Map::new();
        switch_mode(&mut draft, &mut stash, Mode::Generator);
        assert_eq!(mode_of(&draft), Mode::Generator);
        assert_eq!(draft.text("/entries/ladder/generate/from"), "65000");
        assert_eq!(draft.text("/entries/ladder/generate/to"), "61000");
        assert_eq!(draft.get("/entries/ladder/generate/count"), Some(&json!(4)));
        assert!(draft.to_plan().is_ok(), "{:?}", draft.to_plan());
        draft.set_text("/entries/ladder/generate/from", "66000".into(), false);

        switch_mode(&mut draft, &mut stash, Mode::Schedule);
        assert_eq!(mode_of(&draft), Mode::Schedule);
        assert!(crate::evaluate(&draft).is_ok(), "{:?}", crate::evaluate(&draft).err());

        switch_mode(&mut draft, &mut stash, Mode::Tranches);
        assert_eq!(draft.get("/entries").cloned(), original, "the typed tranches come back");
        switch_mode(&mut draft, &mut stash, Mode::Generator);
        assert_eq!(draft.text("/entries/ladder/generate/from"), "66000", "so does the generator");
        assert_eq!(stash.len(), 2);
    }

    #[test]
    fn generated_ladders_evaluate() {
        let mut draft = guide();
        let mut stash = Map::new();
        switch_mode(&mut draft, &mut stash, Mode::Generator);
        set_sizes_kind(&mut draft, "/entries/ladder/generate/sizes", "custom", 4);
        assert_eq!(draft.get("/entries/ladder/generate/sizes"), Some(&json!({"custom": ["1", "1", "1", "1"]})));
        draft.set("/entries/ladder/generate/sizes/custom", json!(["1", "2", "3", "4"]));
        let (_, report) = crate::evaluate(&draft).expect("evaluates");
        assert_eq!(report.rows.len(), 4);
        assert_eq!(report.rows[3].quantity.get().to_string(), "0.4");
        set_total_kind(&mut draft, "/entries/ladder/total", "riskBudget");
        assert_eq!(draft.text("/entries/ladder/total/riskBudget/stop"), "60000");
        assert!(crate::evaluate(&draft).is_ok(), "{:?}", crate::evaluate(&draft).err());
        set_total_kind(&mut draft, "/entries/ladder/total", "notional");
        assert_eq!(total_kind(draft.get("/entries/ladder/total")), "notional");
        assert_eq!(sizes_kind(Some(&json!({"skew": "2"}))), "skew");
    }

    #[test]
    fn a_schedule_on_the_sample_path_evaluates_and_fits_in_a_share_link() {
        let mut draft = guide();
        switch_mode(&mut draft, &mut Map::new(), Mode::Schedule);
        assert!(crate::evaluate(&draft).is_ok(), "{:?}", crate::evaluate(&draft).err());
        let fragment = crate::share::fragment_of(&draft).expect("fits in a link");
        assert!(fragment.len() < crate::share::MAX_LINK_BYTES / 2, "{} bytes", fragment.len());
    }

    #[test]
    fn candles_become_a_path_at_their_closes() {
        let path = sample_path().expect("the sample parses");
        let points = path.as_array().expect("an array");
        assert_eq!(points.len(), 365);
        // The first candle kept, 2018-10-06 (6,593.94 → 6,552.43), closes a day after it opens; the last is the
        // sample's last, 2019-10-17.
        assert_eq!(points[0], json!({"time": "2018-10-07T00:00:00Z", "price": "6552.43"}));
        assert_eq!(points[364], json!({"time": "2019-10-18T00:00:00Z", "price": "8034.32"}));
        let text = "time,open,high,low,close\n2024-05-01T00:00:00Z,1,2,1,1.5\n2024-05-02T00:00:00Z,1.5,2,1,2\n";
        let path = path_from_candles(text, "1d").expect("parses");
        assert_eq!(path[1], json!({"time": "2024-05-03T00:00:00Z", "price": "2"}));
        assert!(path_from_candles(text, "1 day").expect_err("bad length").contains("not an interval"));
        assert!(path_from_candles("nonsense", "1d").expect_err("bad candles").starts_with("candles:"));
    }
}
