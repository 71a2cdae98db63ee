//! The replay panel: a price history (a candles file in any layout the core detects, or the bundled BTC sample)
//! and what the current valid plan would have done over it, event by event, with the outcome and a chart.
//!
//! The candles and the replay settings are a question asked of the plan, not part of it: they stay in the panel,
//! and a bad file leaves the plan untouched, its message (row and column) shown in the panel.

use leptos::prelude::*;
use scaleplan::candles::{parse, sample_btc_daily, Candles};
use scaleplan::replay::{Ending, EventKind, Intrabar, ReplayReport};
use scaleplan::schedule::UtcTime;
use scaleplan::{replay_plan, Plan, ReplayRules};

use crate::charts::{number, Marker, Ohlc, ReplayChart};
use crate::format::{grouped, grouped_text, places_of};
use crate::fields::{Choice, Field, Setting};
use crate::Planner;

/// Where the start date of the sample puts the example priced for it ("Sample replay: BTC 2019", a ladder at 3,500
/// and 3,400): the January 2019 lows.
pub const SAMPLE_START: &str = "2019-01-20";

/// A loaded price history: where it came from and the candles, or why they could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    /// File name or "sample".
    pub name: String,
    /// The candles, or the core's message (`row 17, high: must be at least the open (65100 < 65200)`).
    pub candles: Result<Candles, String>,
}

/// Reads a candles text (CSV or JSON in any layout the core detects).
pub fn load(name: &str, text: &str) -> Loaded {
    Loaded { name: name.to_owned(), candles: parse(text).map_err(|e| e.to_string()) }
}

/// The bundled sample: daily BTC/USD on Coinbase, 2014-12-01 to 2019-10-17.
pub fn sample() -> Loaded {
    Loaded {
        name: "sample: BTC/USD daily (Coinbase), 2014–2019".to_owned(),
        candles: sample_btc_daily().map_err(|e| e.to_string()),
    }
}

/// Replay rules from the panel's texts: a start date (empty: the first candle) and the intrabar order.
///
/// # Errors
/// The core's message for a start that is not a UTC date or date-time.
pub fn rules(start: &str, intrabar: &str) -> Result<ReplayRules, String> {
    let start = match start.trim() {
        "" => None,
        text => Some(UtcTime::parse("start", text).map_err(|e| crate::results::for_people(&e.to_string()))?),
    };
    let intrabar = match intrabar {
        "optimistic" => Intrabar::Optimistic,
        "nearerFirst" => Intrabar::NearerFirst,
        _ => Intrabar::Conservative,
    };
    Ok(ReplayRules { intrabar, start, funding_interval: None })
}

/// One line of the events table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// The candle's open time.
    pub time: String,
    /// What happened, for people (`Tranche 2 filled`).
    pub what: String,
    /// Where.
    pub price: String,
    /// Quantity filled or closed.
    pub quantity: String,
    /// Position after it.
    pub position: String,
    /// Realized PnL so far.
    pub realized: String,
}

fn what(kind: EventKind) -> String {
    match kind {
        EventKind::Fill { tranche } => format!("Tranche {} filled", tranche.saturating_add(1)),
        EventKind::StopHit => "Stop hit".to_owned(),
        EventKind::Liquidation => "Liquidated".to_owned(),
        EventKind::Exit { step } => format!("Exit step {step} filled"),
        EventKind::StopMoved { from: Some(from) } => format!("Stop moved from {from}"),
        EventKind::StopMoved { from: None } => "Stop set".to_owned(),
        EventKind::EndOfData => "End of data".to_owned(),
    }
}

/// The events as table rows, prices at the instrument's precision.
pub fn event_rows(report: &ReplayReport, price_places: Option<u32>) -> Vec<EventRow> {
    report
        .events
        .iter()
        .map(|e| EventRow {
            time: e.time.to_string(),
            what: what(e.kind),
            price: grouped(e.price.get(), price_places),
            quantity: grouped(e.quantity.get(), None),
            position: grouped(e.position.get(), None),
            realized: grouped(e.realized_pnl, Some(2)),
        })
        .collect()
}

/// The outcome in one sentence.
pub fn outcome(report: &ReplayReport) -> String {
    let ending = match report.ending {
        Ending::StopHit => "the stop closed the position",
        Ending::Liquidation => "the position was liquidated",
        Ending::Exited => "the exits closed the whole position",
        Ending::EndOfData => "the candles ran out with the position open",
    };
    let mut text = format!(
        "Over {} candles {ending}: filled {} of {}; realized PnL {}, open PnL {} at the last close, final equity {}; largest drawdown {}",
        report.bars,
        grouped(report.filled_quantity.get(), None),
        grouped(report.planned_quantity.get(), None),
        grouped(report.realized_pnl, Some(2)),
        grouped(report.unrealized_pnl, Some(2)),
        grouped(report.final_equity, Some(2)),
        grouped(report.max_drawdown, Some(2)),
    );
    if let Some(p) = report.max_drawdown_percent {
        text.push_str(&format!(" ({} %)", grouped(p, Some(2))));
    }
    text.push('.');
    text
}

/// The candles as drawn.
pub fn ohlc(candles: &Candles) -> Vec<Ohlc> {
    candles
        .iter()
        .enumerate()
        .filter_map(|(bar, c)| {
            Some(Ohlc {
                bar,
                open: number(&c.open().to_string())?,
                high: number(&c.high().to_string())?,
                low: number(&c.low().to_string())?,
                close: number(&c.close().to_string())?,
            })
        })
        .collect()
}

/// The events as chart markers, at their candle's index in the series.
pub fn markers(report: &ReplayReport) -> Vec<Marker> {
    report
        .events
        .iter()
        .filter_map(|e| {
            let (kind, label) = match e.kind {
                EventKind::Fill { tranche } => ("fill", format!("T{}", tranche.saturating_add(1))),
                EventKind::StopHit => ("stop", "stop".to_owned()),
                EventKind::Liquidation => ("liquidation", "liq".to_owned()),
                EventKind::Exit { step } => ("exit", format!("X{step}")),
                EventKind::StopMoved { .. } => ("stop-move", "stop".to_owned()),
                EventKind::EndOfData => ("end", "end".to_owned()),
            };
            Some(Marker { bar: e.bar, price: number(&e.price.to_string())?, kind, label })
        })
        .collect()
}

/// Replays `plan` over the loaded candles.
///
/// # Errors
/// The file's problem, the start's, or the core's.
pub fn run(plan: &Plan, loaded: &Loaded, start: &str, intrabar: &str) -> Result<ReplayReport, String> {
    let candles = loaded.candles.as_ref().map_err(|e| format!("{}: {e}", loaded.name))?;
    let rules = rules(start, intrabar)?;
    replay_plan(plan, candles, &rules).map_err(|e| crate::results::for_people(&e.to_string()))
}

/// Every warning of a replay: those met bar by bar, then those of the exit plan it worked from.
pub fn replay_warnings(report: &ReplayReport) -> Vec<scaleplan::Warning> {
    let exits = report.exits.iter().flat_map(|e| e.warnings.iter());
    report.warnings.iter().chain(exits).cloned().collect()
}

/// Reads the chosen file's text and loads it.
fn read_file(ev: leptos::ev::Event, loaded: RwSignal<Option<Loaded>>) {
    let input = event_target::<web_sys::HtmlInputElement>(&ev);
    let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
    let name = file.name();
    // The core's own limit, checked before the file is read at all.
    if file.size() > scaleplan::candles::MAX_TEXT_BYTES as f64 {
        let limit = scaleplan::candles::MAX_TEXT_BYTES / (1024 * 1024);
        loaded.set(Some(Loaded { name, candles: Err(format!("the file is larger than {limit} MiB")) }));
        return;
    }
    leptos::task::spawn_local(async move {
        let result = match crate::share::read_text(file).await {
            Ok(text) => load(&name, &text),
            Err(e) => Loaded { name, candles: Err(format!("the file could not be read as text: {e}")) },
        };
        loaded.set(Some(result));
    });
}

/// The replay panel.
#[component]
pub fn Replay() -> impl IntoView {
    let planner = Planner::get();
    let loaded: RwSignal<Option<Loaded>> = RwSignal::new(None);
    let start = RwSignal::new(String::new());
    let intrabar = RwSignal::new("conservative".to_owned());
    let result = Memo::new(move |_| {
        let loaded = loaded.get()?;
        let shown = planner.shown.get()?;
        let places = places_of(shown.plan.instrument.tick_size.get());
        let stop = shown.plan.stop.and_then(|s| number(&s.to_string()));
        Some(start.with(|s| intrabar.with(|i| run(&shown.plan, &loaded, s, i))).map(|report| {
            let candles = loaded.candles.as_ref().map(ohlc).unwrap_or_default();
            (report, candles, places, stop)
        }))
    });
    view! {
        <section class="sp-output-panel sp-no-print" aria-labelledby="sp-replay-title-h">
            <h2 id="sp-replay-title-h">"Replay over a price history"</h2>
            <p class="sp-hint">"What the plan would have done: the ladder's orders rest from the first candle, the stop and liquidation are checked after every fill. A candle does not say whether its high or low came first; the conservative order takes the adverse one first."</p>
            <div class="sp-actions">
                <div class="sp-field">
                    <label for="sp-replay-file">"Candles file (CSV or JSON)"</label>
                    <input id="sp-replay-file" type="file" accept=".csv,.json,.txt,text/csv,application/json"
                        on:change=move |ev| read_file(ev, loaded) />
                </div>
                <button type="button" on:click=move |_| {
                    loaded.set(Some(sample()));
                    if start.with(String::is_empty) { start.set(SAMPLE_START.to_owned()); }
                }>"Use the sample (BTC daily 2014–2019)"</button>
            </div>
            <p class="sp-hint">"The sample's BTC prices run from about 110 to 19,900; over it, a long ladder priced at today's levels fills at the first candle's open and its stop closes it there. The example \"Sample replay: BTC 2019\" is priced for it."</p>
            <div class="sp-grid">
                <Field label="Start (UTC date)" pointer="/replay/start" inputmode="text" hint="empty: the first candle"
                    setting=Setting::text(start) />
                <Choice label="Order within a candle" pointer="/replay/intrabar" setting=Setting::text(intrabar)
                    options=vec![("conservative", "Adverse extreme first (conservative)"), ("optimistic", "Favourable extreme first"),
                        ("nearerFirst", "Nearer extreme first")] />
            </div>
            <p class="sp-hint">{move || loaded.with(|l| l.as_ref().map(|l| match &l.candles {
                Ok(c) => format!("Loaded {}: {} candles.", l.name, c.len()),
                Err(_) => format!("Could not read {}.", l.name),
            }))}</p>
            {move || match result.get() {
                None => view! { <p class="sp-hint">"Choose a file or the sample to replay the plan."</p> }.into_any(),
                Some(Err(message)) => view! { <p class="sp-error" role="alert">{message}</p> }.into_any(),
                Some(Ok((report, candles, places, stop))) => {
                    let rows = event_rows(&report, places);
                    let text = outcome(&report);
                    let description = format!("{} candles with {} events marked. {text}", candles.len(), rows.len());
                    view! {
                        <p class="sp-outcome" role="status">{text}</p>
                        <ReplayChart candles=candles markers=markers(&report) stop=stop description=description />
                        <div class="sp-table-wrap" tabindex="0" role="region" aria-label="Replay events (scrolls sideways)">
                            <table class="sp-table" data-table="replay">
                                <caption class="sp-visually-hidden">"Replay events in the order they happened"</caption>
                                <thead><tr>
                                    <th scope="col">"Time (UTC)"</th><th scope="col">"Event"</th><th scope="col">"Price"</th>
                                    <th scope="col">"Quantity"</th><th scope="col">"Position"</th><th scope="col">"Realized PnL"</th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|r| view! {
                                        <tr><td>{r.time}</td><th scope="row">{r.what}</th><td>{r.price}</td>
                                            <td>{r.quantity}</td><td>{r.position}</td><td>{r.realized}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                        {(!report.unfilled.is_empty()).then(|| view! {
                            <p class="sp-hint">{format!("Never filled: {}.", report.unfilled.iter().map(|i| format!("tranche {}", i + 1)).collect::<Vec<_>>().join(", "))}</p>
                        })}
                        <p class="sp-hint">{format!("Last close {}.", grouped_text(&report.last_close.to_string(), places))}</p>
                        {let warnings = replay_warnings(&report); (!warnings.is_empty()).then(|| view! {
                            <h3 class="sp-subtitle">"Replay warnings"</h3>
                            <ul class="sp-warnings" aria-label="Replay warnings">
                                {warnings.into_iter().map(|w| view! { <crate::results::WarningItem warning=w /> }).collect_view()}
                            </ul>
                        })}
                    }.into_any()
                }
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guide() -> Plan {
        crate::Draft::from_plan_text(crate::GUIDE_BTC_LADDER).expect("example").to_plan().expect("plan")
    }

    #[test]
    fn the_sample_from_january_2019_fills_its_example_and_exits() {
        let plan =
            crate::Draft::from_plan_text(crate::inputs::SAMPLE_BTC_2019).expect("example").to_plan().expect("plan");
        let report = run(&plan, &sample(), SAMPLE_START, "conservative").expect("replays");
        let rows = event_rows(&report, Some(1));
        let whats: Vec<&str> = rows.iter().map(|r| r.what.as_str()).collect();
        assert_eq!(
            whats,
            [
                "Tranche 1 filled",
                "Tranche 2 filled",
                "Exit step 1 filled",
                "Stop moved from 3000",
                "Exit step 2 filled",
                "End of data"
            ]
        );
        assert_eq!((rows[0].time.as_str(), rows[0].price.as_str()), ("2019-01-20T00:00:00Z", "3,500.0"));
        assert!(outcome(&report).contains("the exits closed the whole position"), "{}", outcome(&report));
        let marks = markers(&report);
        assert_eq!(
            marks.first().map(|m| (m.bar, m.kind)),
            Some((1511, "fill")),
            "2019-01-20 is day 1,512 from 2014-12-01"
        );
    }

    #[test]
    fn a_fill_at_a_gap_below_the_stop_warns_that_the_exits_wait() {
        // A buy limit at 100 with the stop at 90 fills at a gap open of 85: the average is below the stop, so R (entry
        // to stop) is negative and a de-risking step at +1R cannot be planned on it; the replay says so.
        let mut plan = guide();
        plan.stop = Some(scaleplan::Price::new("stop", 90.into()).expect("a price"));
        plan.entries = serde_json::from_value(serde_json::json!(
            {"ladder": {"tranches": [{"price": "100", "quantity": "1"}]}}
        ))
        .expect("entries");
        plan.exits = serde_json::from_value(serde_json::json!({"derisk": {"share": "10", "of": "remaining"}}))
            .expect("exits");
        let candles = load(
            "gap.csv",
            "time,open,high,low,close\n2024-01-01,110,110,105,106\n2024-01-02,85,86,84,85\n2024-01-03,85,87,84,86\n",
        );
        let report = run(&plan, &candles, "", "conservative").expect("replays");
        let kinds: Vec<_> = replay_warnings(&report).iter().map(|w| w.kind()).collect();
        assert!(kinds.contains(&scaleplan::WarningKind::ExitsNotPlanned), "{kinds:?}");
    }

    #[test]
    fn the_guides_ladder_over_the_sample_fills_and_stops_at_the_first_open() {
        // Priced at 61,000–65,000, far above the 300 of 2014-12-01: every buy limit is above the market, so
        // each fills at the open, and the 60,000 stop, also above it, closes the position there.
        // Fees: maker 0.0002 on 0.25, 0.25, 0.3, 0.2 at 300 (0.015 + 0.015 + 0.018 + 0.012), taker 0.0005 on 1 at
        // 300 (0.15): 0.21.
        let report = run(&guide(), &sample(), "", "conservative").expect("replays");
        let rows = event_rows(&report, Some(1));
        let seen: Vec<(&str, &str)> = rows.iter().map(|r| (r.what.as_str(), r.price.as_str())).collect();
        assert_eq!(
            seen,
            [
                ("Tranche 1 filled", "300.0"),
                ("Tranche 2 filled", "300.0"),
                ("Tranche 3 filled", "300.0"),
                ("Tranche 4 filled", "300.0"),
                ("Stop hit", "300.0"),
                ("End of data", "8,034.3")
            ]
        );
        assert_eq!(report.realized_pnl.to_string(), "-0.21");
        assert!(outcome(&report).contains("the stop closed the position"), "{}", outcome(&report));
    }

    #[test]
    fn exits_and_stop_moves_read_by_name_and_the_ending_is_said() {
        let plan =
            crate::Draft::from_plan_text(crate::inputs::GUIDE_ETH_SCALEOUT).expect("example").to_plan().expect("plan");
        // Fills both tranches, then climbs through the three targets: 25 % at 3,300 moves the stop to breakeven.
        let csv = "time,open,high,low,close\n2024-05-01,3100,3110,2940,3000\n2024-05-02,3000,3350,2990,3300\n\
                   2024-05-03,3300,3650,3290,3600\n2024-05-04,3600,4050,3590,4000\n";
        let loaded = load("eth.csv", csv);
        let report = run(&plan, &loaded, "", "conservative").expect("replays");
        let rows = event_rows(&report, Some(2));
        let names: Vec<&str> = rows.iter().map(|r| r.what.as_str()).collect();
        assert!(names.contains(&"Exit step 1 filled"), "{names:?}");
        assert!(names.contains(&"Exit step 3 filled"), "{names:?}");
        assert!(names.iter().any(|n| n.starts_with("Stop moved from") || *n == "Stop set"), "{names:?}");
        assert!(!names.contains(&"Event"), "{names:?}");
        assert!(outcome(&report).contains("the exits closed the whole position"), "{}", outcome(&report));
        let kinds: Vec<&str> = markers(&report).iter().map(|m| m.kind).collect();
        assert!(kinds.contains(&"exit") && kinds.contains(&"stop-move"), "{kinds:?}");
    }

    #[test]
    fn a_bad_file_names_the_row_and_column_and_the_plan_is_untouched() {
        let loaded = load("bad.csv", "time,open,high,low,close\n2024-05-01,65200,65100,64000,65000\n");
        let message = run(&guide(), &loaded, "", "conservative").expect_err("bad high");
        assert!(message.starts_with("bad.csv: row 2, high"), "{message}");
        assert!(rules("2024-13-01", "conservative").is_err());
        assert_eq!(rules("", "optimistic").map(|r| r.intrabar), Ok(Intrabar::Optimistic));
    }

    #[test]
    fn candles_are_drawn_from_their_prices() {
        let loaded = sample();
        let candles = loaded.candles.expect("sample");
        let drawn = ohlc(&candles);
        assert_eq!(drawn.len(), 1770);
        // 2014-12-01: 300, 370, 300, 370.
        assert_eq!((drawn[0].open, drawn[0].high, drawn[0].low, drawn[0].close), (300.0, 370.0, 300.0, 370.0));
    }
}
