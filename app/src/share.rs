//! Sharing and exporting a plan with no backend: the whole draft in the URL fragment, CSV and JSON downloads, and
//! JSON upload.
//!
//! A link is `#p1.` followed by the draft's JSON, deflated (raw DEFLATE, RFC 1951) and written in base64url
//! (RFC 4648 §5, no padding). The fragment never reaches a server. A link is checked on load like any file: at most
//! [`MAX_LINK_BYTES`] long, inflated with a limit of [`MAX_DRAFT_BYTES`], and it must be a valid plan
//! ([`Draft::from_plan_text`]); a bad one leaves the current plan in place and says why. A good one, like an opened
//! file, is added to the library of plans as a new plan ([`crate::plans::open_plan`]); none replaces another.
//!
//! The link format itself is the pure crate `scaleplan-link` (which the fuzz target `share_link` also drives); the
//! file contents are plain functions; the component at the end only moves them between the page and the browser
//! (location, clipboard, downloads, file input).

use leptos::prelude::*;
use scaleplan::{Plan, PlanReport};
use serde_json::Value;
use wasm_bindgen::JsCast;

use crate::draft::{Draft, Problem, MAX_DRAFT_BYTES};
use crate::format::{grouped_text, places_of};
use crate::Planner;

pub use scaleplan_link::{LINK_PREFIX, MAX_LINK_BYTES};

/// Report fields of a tranche row, in the order of the CSV columns (the header row uses these names).
pub const TRANCHE_COLUMNS: &[&str] = &[
    "index",
    "time",
    "price",
    "quantity",
    "share",
    "leverage",
    "cumulativeQuantity",
    "averageEntry",
    "notional",
    "feesPaid",
    "funding",
    "breakeven",
    "marginUsed",
    "effectiveLeverage",
    "freeMargin",
    "liquidationPrice",
    "bankruptcyPrice",
    "tier",
    "liquidationDistance",
    "liquidationBeyondStop",
    "lossAtStop",
    "lossAtStopPercent",
    "r",
];

/// Report fields of an exit step, in the order of the CSV columns.
pub const EXIT_COLUMNS: &[&str] = &[
    "index",
    "kind",
    "rule",
    "price",
    "liquidity",
    "quantity",
    "closedQuantity",
    "remainingQuantity",
    "exitPnl",
    "exitFee",
    "funding",
    "realizedPnl",
    "feesPaid",
    "fundingPaid",
    "unrealizedPnl",
    "stop",
    "worstCase",
    "realizedR",
    "worstCaseR",
    "marginReleased",
    "marginUsed",
    "effectiveLeverage",
    "breakeven",
    "liquidationPrice",
    "trail",
];

/// The fragment (without `#`) of a link that opens `draft` ([`scaleplan_link::encode`]).
///
/// # Errors
/// The text of a file the user chose (gloo-file's reader); the reader's message when it cannot be read.
///
/// # Errors
/// The browser's reason, when the file cannot be read as text.
pub async fn read_text(file: web_sys::File) -> Result<String, String> {
    gloo_file::futures::read_as_text(&gloo_file::Blob::from(file)).await.map_err(|e| e.to_string())
}

/// A message when the compressed plan is longer than [`MAX_LINK_BYTES`].
pub fn fragment_of(draft: &Draft) -> Result<String, String> {
    let json = serde_json::to_string(draft.value()).map_err(|e| format!("the plan cannot be written: {e}"))?;
    scaleplan_link::encode(&json)
}

/// Whether a location hash (with or without its `#`) is a plan link.
pub fn is_plan_link(hash: &str) -> bool {
    scaleplan_link::is_link(hash)
}

/// Reads the plan of a link's fragment (with or without its `#`): [`scaleplan_link::decode`] with the draft's size
/// limit, then the same check as a file.
///
/// # Errors
/// A message saying what is wrong with the link: the version, the size, the encoding, or the plan it holds.
pub fn draft_of_fragment(fragment: &str) -> Result<Draft, String> {
    let text = scaleplan_link::decode(fragment, MAX_DRAFT_BYTES)?;
    Draft::from_plan_text(&text).map_err(|p| format!("this link does not hold a valid plan: {}", describe(&p)))
}

/// A problem as one line: `entries.ladder.tranches.1.price: is not a number`, or the message alone for the plan.
pub fn describe(problem: &Problem) -> String {
    if problem.pointer.is_empty() {
        problem.message.clone()
    } else {
        format!("{}: {}", problem.pointer.trim_start_matches('/').replace('/', "."), problem.message)
    }
}

/// Reads an uploaded plan file named `name`.
///
/// # Errors
/// A message naming the file and the problem (not JSON, too large, or which field of the plan is invalid).
pub fn draft_of_file(name: &str, text: &str) -> Result<Draft, String> {
    Draft::from_plan_text(text).map_err(|p| format!("{name} was not opened: {}", describe(&p)))
}

/// The plan as a pretty, schema-conformant plan file (what the core reads back).
pub fn plan_json(plan: &Plan) -> String {
    let mut text = serde_json::to_string_pretty(plan).unwrap_or_default();
    text.push('\n');
    text
}

/// A file name for the plan's downloads: `scaleplan-BTCUSDT.csv`, keeping only characters safe in file names.
pub fn file_name(plan: &Plan, suffix: &str, extension: &str) -> String {
    let symbol: String = plan
        .instrument
        .symbol
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(40)
        .collect();
    let symbol = if symbol.is_empty() { "plan".to_owned() } else { symbol };
    format!("scaleplan-{symbol}{suffix}.{extension}")
}

/// The tranche table as CSV: a header row of report field names, then one row per tranche with the report's exact
/// decimals (numbers are not rounded or grouped); a figure that does not exist is an empty cell.
pub fn tranche_csv(report: &PlanReport) -> String {
    let rows: Vec<Value> = report.rows.iter().map(|r| serde_json::to_value(r).unwrap_or(Value::Null)).collect();
    csv(TRANCHE_COLUMNS, &rows)
}

/// The exit steps as CSV, when the report has exits.
pub fn exits_csv(report: &PlanReport) -> Option<String> {
    let exits = report.exits.as_ref()?;
    let rows: Vec<Value> = exits.steps.iter().map(|s| serde_json::to_value(s).unwrap_or(Value::Null)).collect();
    Some(csv(EXIT_COLUMNS, &rows))
}

/// CSV (RFC 4180, CRLF line ends) of `rows` under `columns`.
pub fn csv(columns: &[&str], rows: &[Value]) -> String {
    let mut out = columns.iter().map(|c| cell(c)).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    for row in rows {
        let cells: Vec<String> = columns
            .iter()
            .map(|c| match row.get(c) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => cell(s),
                Some(other @ (Value::Array(_) | Value::Object(_))) => cell(&other.to_string()),
                Some(other) => cell(&other.to_string()),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// One CSV cell, quoted when it holds a separator, a quote or a line break.
fn cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

// ---- The browser side: location, clipboard, downloads and the file input. ----

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// The current location hash, `#…`.
fn location_hash() -> Option<String> {
    window()?.location().hash().ok()
}

/// Removes the hash from the address without a reload, so a later reload opens the stored draft (the user's edits)
/// rather than the link's plan again.
fn clear_hash() {
    if let Some(w) = window() {
        let location = w.location();
        let (Ok(path), Ok(search)) = (location.pathname(), location.search()) else { return };
        if let Ok(history) = w.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("{path}{search}")));
        }
    }
}

/// The page's address with `fragment` as its hash.
fn link_with(fragment: &str) -> Option<String> {
    let href = window()?.location().href().ok()?;
    let base = href.split('#').next().unwrap_or(&href).to_owned();
    Some(format!("{base}#{fragment}"))
}

/// The plan of a link in the page's address, if there is one, and the address without it (so a later reload
/// opens the plan as saved, not the link again).
///
/// # Errors
/// What is wrong with the link ([`draft_of_fragment`]).
pub fn take_link() -> Option<Result<Draft, String>> {
    let hash = location_hash().filter(|h| is_plan_link(h))?;
    let draft = draft_of_fragment(&hash);
    clear_hash();
    Some(draft)
}

/// Offers `text` as a file download named `name`.
///
/// # Errors
/// When the browser refuses the download.
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let fail = |_| "the browser refused the download".to_owned();
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let document = window().and_then(|w| w.document()).ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(fail)?.dyn_into().map_err(|_| "no link element".to_owned())?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The share and export bar: copy a link, download CSV or JSON, open a plan file; one status line says what
/// happened (and why a link or file was refused). A plan link in the address is opened when the page starts.
#[component]
pub fn Share() -> impl IntoView {
    let planner = Planner::get();
    let message = RwSignal::new(String::new());
    // The link shown selected when the clipboard is not available (the user copies it by hand).
    let fallback = RwSignal::new(None::<String>);

    let plans = use_context::<crate::plans::Plans>();
    // Syncing with the outside: a plan link put in the address is opened as a new plan (the one in the address
    // when the page starts is opened by the library, `Plans::start`), then leaves the address.
    let open_link = move || match take_link() {
        None => {}
        Some(Ok(draft)) => {
            message.set(crate::plans::open_plan(plans, planner, draft, "the plan from the link").unwrap_or_default())
        }
        Some(Err(e)) => message.set(format!("The link was not opened, your plan is unchanged: {e}.")),
    };
    // Not in a `<scale-plan>` widget: the address is the host page's.
    if use_context::<crate::widget::Embedding>().is_none() {
        let _ = window_event_listener(leptos::ev::hashchange, move |_| open_link());
    }

    let valid =
        move || planner.draft.with(crate::evaluate).map_err(|p| format!("Fix the plan first ({}).", describe(&p)));
    let copy_link = move |_| {
        let link = planner.draft.with(fragment_of).and_then(|f| link_with(&f).ok_or_else(|| "no address".to_owned()));
        let link = match (valid(), link) {
            (Err(e), _) => return message.set(e),
            (_, Err(e)) => return message.set(format!("No link: {e}.")),
            (Ok(_), Ok(link)) => link,
        };
        let clipboard = window().map(|w| w.navigator().clipboard());
        match clipboard {
            Some(clipboard) => {
                let promise = clipboard.write_text(&link);
                leptos::task::spawn_local(async move {
                    match wasm_bindgen_futures::JsFuture::from(promise).await {
                        Ok(_) => {
                            fallback.set(Some(link));
                            message
                                .set("Link copied. It holds the whole plan; nothing is sent to a server.".to_owned());
                        }
                        Err(_) => {
                            fallback.set(Some(link));
                            message.set(
                                "The browser did not allow copying: the link is selected below, copy it by hand."
                                    .to_owned(),
                            );
                        }
                    }
                });
            }
            None => {
                fallback.set(Some(link));
                message.set("Copy the link below by hand.".to_owned());
            }
        }
    };
    let download_csv = move |_| match valid() {
        Err(e) => message.set(e),
        Ok((plan, report)) => {
            let mut result = download(&file_name(&plan, "-tranches", "csv"), "text/csv", &tranche_csv(&report));
            if let (Ok(()), Some(exits)) = (&result, exits_csv(&report)) {
                result = download(&file_name(&plan, "-exits", "csv"), "text/csv", &exits);
            }
            message.set(match result {
                Ok(()) if report.exits.is_some() => "Downloaded the tranche and exit tables as CSV.".to_owned(),
                Ok(()) => "Downloaded the tranche table as CSV.".to_owned(),
                Err(e) => format!("No download: {e}."),
            });
        }
    };
    let download_json = move |_| match valid() {
        Err(e) => message.set(e),
        Ok((plan, _)) => {
            message.set(match download(&file_name(&plan, "", "json"), "application/json", &plan_json(&plan)) {
                Ok(()) => "Downloaded the plan as JSON; open it here again with “Open a plan file”.".to_owned(),
                Err(e) => format!("No download: {e}."),
            })
        }
    };
    let upload = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        let name = file.name();
        if file.size() > MAX_DRAFT_BYTES as f64 {
            return message.set(format!(
                "{name} was not opened: it is larger than {} KiB, more than any plan; your plan is unchanged.",
                MAX_DRAFT_BYTES / 1024
            ));
        }
        leptos::task::spawn_local(async move {
            let Ok(text) = read_text(file).await else {
                return message.set(format!("{name} could not be read; your plan is unchanged."));
            };
            match draft_of_file(&name, &text) {
                Ok(draft) => message.set(crate::plans::open_plan(plans, planner, draft, &name).unwrap_or_default()),
                Err(e) => message.set(format!("{e}. Your plan is unchanged.")),
            }
        });
    };

    view! {
        <PrintSummary />
        <section class="sp-share sp-no-print" aria-labelledby="sp-share-title">
            <h2 id="sp-share-title" class="sp-visually-hidden">"Share and export"</h2>
            <div class="sp-actions">
                <button type="button" on:click=copy_link>"Copy link"</button>
                <button type="button" on:click=download_csv>"Download CSV"</button>
                <button type="button" on:click=download_json>"Download JSON"</button>
                <label class="sp-file">
                    <span>"Open a plan file (JSON)"</span>
                    <input type="file" accept=".json,application/json" on:change=upload />
                </label>
                <button type="button" on:click=move |_| { let _ = window().map(|w| w.print()); }>"Print checklist"</button>
            </div>
            <p class="sp-message" role="status">{move || message.get()}</p>
            {move || fallback.get().map(|link| view! {
                <div class="sp-field sp-link">
                    <label for="sp-link">"Link to this plan"</label>
                    <input id="sp-link" type="text" readonly prop:value=link
                        on:focus=move |ev| {
                            if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                input.select();
                            }
                        } />
                </div>
            })}
        </section>
    }
}

/// The plan's key numbers as (label, text), for the printed checklist: what is traded and how, and where the
/// position stands after the last tranche.
pub fn key_numbers(plan: &Plan, report: &PlanReport) -> Vec<(&'static str, String)> {
    let value = serde_json::to_value(plan).unwrap_or(Value::Null);
    let at = |pointer: &str| match value.pointer(pointer) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => "—".to_owned(),
        Some(other) => other.to_string(),
    };
    let last = report.rows.last().map(|r| serde_json::to_value(r).unwrap_or(Value::Null)).unwrap_or(Value::Null);
    let price_places = places_of(plan.instrument.tick_size.get());
    let row = |key: &str, places: Option<u32>| match last.get(key) {
        Some(Value::String(s)) => grouped_text(s, places),
        _ => "—".to_owned(),
    };
    vec![
        ("Instrument", format!("{} ({})", at("/instrument/symbol"), at("/model"))),
        ("Side", format!("{} · {}", at("/side"), at("/marginMode"))),
        ("Wallet", at("/account/wallet")),
        ("Leverage", at("/leverage")),
        ("Stop", at("/stop")),
        ("Risk %", at("/account/riskPercent")),
        ("Tranches", report.rows.len().to_string()),
        ("Position", row("cumulativeQuantity", places_of(plan.instrument.quantity_step.get()))),
        ("Average entry", row("averageEntry", price_places)),
        ("Breakeven", row("breakeven", price_places)),
        ("Liquidation", row("liquidationPrice", price_places)),
        ("Loss at stop", row("lossAtStop", Some(2))),
    ]
}

/// Printed only: the plan's name and key numbers above the tranche table.
#[component]
pub fn PrintSummary() -> impl IntoView {
    let planner = Planner::get();
    view! {
        <section class="sp-print-only" aria-hidden="true">
            {move || planner.shown.get().map(|shown| view! {
                <h2>{if shown.plan.name.is_empty() { "Plan".to_owned() } else { shown.plan.name.clone() }}</h2>
                <dl>
                    {key_numbers(&shown.plan, &shown.report).into_iter().map(|(label, text)| view! {
                        <dt>{label}</dt><dd>{text}</dd>
                    }).collect_view()}
                </dl>
            })}
        </section>
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    fn guide() -> Draft {
        Draft::from_plan_text(crate::GUIDE_BTC_LADDER).expect("the guide example is a valid plan")
    }

    #[test]
    fn a_link_reproduces_the_draft() {
        let draft = guide();
        let fragment = fragment_of(&draft).expect("small enough");
        assert!(fragment.starts_with("p1."));
        assert!(
            fragment.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'),
            "{fragment}"
        );
        assert!(is_plan_link(&format!("#{fragment}")));
        assert_eq!(draft_of_fragment(&format!("#{fragment}")).expect("opens"), draft);
        assert_eq!(draft_of_fragment(&fragment).expect("opens without #"), draft);
    }

    #[test]
    fn bad_links_are_refused_with_a_reason() {
        assert!(draft_of_fragment("#p2.abc").expect_err("other version").contains("not a scaleplan plan link"));
        assert!(draft_of_fragment("#p1.***").expect_err("not base64").contains("not base64url"));
        assert!(draft_of_fragment("#p1.AAAA").expect_err("not deflate").contains("does not decompress"));
        let long = format!("p1.{}", "A".repeat(MAX_LINK_BYTES));
        assert!(draft_of_fragment(&long).expect_err("too long").contains("at most 16 KiB"));
        let mut invalid = guide();
        invalid.set_text("/leverage", "ten".into(), false);
        let fragment = fragment_of(&invalid).expect("encodes");
        let message = draft_of_fragment(&fragment).expect_err("invalid plan");
        assert!(message.starts_with("this link does not hold a valid plan: leverage:"), "{message}");
    }

    #[test]
    fn a_decompression_bomb_stops_at_the_limit() {
        let zeros = vec![b' '; MAX_DRAFT_BYTES * 4];
        let packed = miniz_oxide::deflate::compress_to_vec(&zeros, 9);
        let fragment = format!("p1.{}", URL_SAFE_NO_PAD.encode(packed));
        assert!(fragment.len() < MAX_LINK_BYTES);
        assert!(draft_of_fragment(&fragment).expect_err("bomb").contains("more than any plan"));
    }

    #[test]
    fn a_plan_too_large_for_a_link_says_so() {
        let mut draft = guide();
        // Text deflate cannot shrink much: letters from a xorshift generator.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let noise: String = (0..40_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                char::from(b'a' + (state % 26) as u8)
            })
            .collect();
        draft.set("/name", Value::String(noise));
        assert!(fragment_of(&draft).expect_err("too large").contains("download it as JSON"));
    }

    #[test]
    fn csv_has_a_header_and_exact_decimals() {
        let (_, report) = crate::evaluate(&guide()).expect("evaluates");
        let text = tranche_csv(&report);
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines.len(), 6, "header, 4 rows and the final line end");
        assert!(lines[0].starts_with("index,time,price,quantity,share,leverage,cumulativeQuantity,averageEntry,"));
        let header: Vec<&str> = lines[0].split(',').collect();
        let row: Vec<&str> = lines[4].split(',').collect();
        let at = |name: &str| header.iter().position(|h| *h == name).expect("a column");
        assert_eq!(row[at("index")], "3");
        assert_eq!(row[at("time")], "", "no time on a ladder");
        assert_eq!(row[at("price")], "61000");
        assert_eq!(row[at("averageEntry")], "63200");
        assert_eq!(row[at("cumulativeQuantity")], "1");
        assert_eq!(exits_csv(&report), None);
    }

    #[test]
    fn exits_have_their_own_csv() {
        let draft = Draft::from_plan_text(include_str!("../../crates/scaleplan/data/examples/guide-eth-scaleout.json"))
            .expect("valid");
        let (_, report) = crate::evaluate(&draft).expect("evaluates");
        let text = exits_csv(&report).expect("has exits");
        assert!(text.starts_with("index,kind,rule,price,"));
        assert!(text.lines().any(|l| l.starts_with("1,target,targets[0],3300,maker,1.25,")), "{text}");
    }

    #[test]
    fn the_checklist_names_the_key_numbers() {
        let (plan, report) = crate::evaluate(&guide()).expect("evaluates");
        let numbers = key_numbers(&plan, &report);
        let get = |label: &str| numbers.iter().find(|(l, _)| *l == label).map(|(_, t)| t.as_str());
        assert_eq!(get("Instrument"), Some("BTCUSDT (binance)"));
        assert_eq!(get("Average entry"), Some("63,200.0"));
        assert_eq!(get("Breakeven"), Some("63,244.3"));
        assert_eq!(get("Tranches"), Some("4"));
        assert_eq!(get("Stop"), Some("60000"));
    }

    #[test]
    fn cells_with_separators_are_quoted() {
        let rows = vec![serde_json::json!({"a": "x,y", "b": "say \"hi\"", "c": null})];
        assert_eq!(csv(&["a", "b", "c"], &rows), "a,b,c\r\nx,y\r\n".replace("x,y", "\"x,y\",\"say \"\"hi\"\"\","));
    }

    #[test]
    fn json_export_reads_back_and_files_are_checked() {
        let draft = guide();
        let plan = draft.to_plan().expect("valid");
        let text = plan_json(&plan);
        assert_eq!(draft_of_file("plan.json", &text).expect("reads back").to_plan().expect("valid"), plan);
        assert_eq!(file_name(&plan, "-tranches", "csv"), "scaleplan-BTCUSDT-tranches.csv");
        let message = draft_of_file("broken.json", "{\"version\": 1").expect_err("bad");
        assert!(message.starts_with("broken.json was not opened: not a plan file"), "{message}");
        let message = draft_of_file("plan.json", &text.replace("\"65000\"", "\"-1\"")).expect_err("bad price");
        assert!(message.contains("entries.ladder.tranches.0.price"), "{message}");
    }
}
