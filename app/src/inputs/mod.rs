//! The plan's inputs: examples, the instrument, the position and account, and how the position is built.

pub mod bound;
pub mod entries;
pub mod instrument;

use leptos::prelude::*;
use scaleplan::solver::Goal;
use serde_json::json;

use self::bound::Write;
use self::entries::Stash;
use crate::draft::Draft;
use crate::fields::{Choice, Field};
use crate::fit::{FitButton, FitSettings};
use crate::Planner;


/// The guide's 5 ETH scale-out (§3.2.1), an example with exits.
pub const GUIDE_ETH_SCALEOUT: &str = include_str!("../../../crates/scaleplan/data/examples/guide-eth-scaleout.json");

/// A BTC ladder with exits priced for the bundled 2014–2019 sample (3,500 / 3,400 in January 2019), so replaying
/// the sample shows fills, exits and a stop move.
pub const SAMPLE_BTC_2019: &str = include_str!("../../../crates/scaleplan/data/examples/sample-btc-2019.json");

/// A fresh plan for a trader to fill in: the first bundled preset's contract, long, isolated, and no tranches.
pub fn empty_plan() -> Draft {
    let mut draft = Draft::new(json!({
        "version": 1,
        "instrument": {},
        "model": "binance",
        "side": "long",
        "marginMode": "isolated",
        "account": {"wallet": ""},
        "leverage": "",
        "entries": {"ladder": {"tranches": [], "total": {"quantity": ""}}}
    }));
    if let Some(preset) = scaleplan::presets::presets().ok().and_then(|p| p.into_iter().next()) {
        instrument::apply_preset(&mut draft, &preset);
    }
    draft
}

/// The examples offered, as (button label, draft).
pub fn examples() -> Vec<(&'static str, Draft)> {
    let mut out = Vec::new();
    if let Ok(d) = Draft::from_plan_text(crate::GUIDE_BTC_LADDER) {
        out.push(("Guide: BTC ladder", d));
    }
    if let Ok(d) = Draft::from_plan_text(GUIDE_ETH_SCALEOUT) {
        out.push(("Guide: 5 ETH scale-out", d));
    }
    if let Ok(d) = Draft::from_plan_text(SAMPLE_BTC_2019) {
        out.push(("Sample replay: BTC 2019", d));
    }
    out.push(("Empty plan", empty_plan()));
    out
}

/// All input panels. The [`Stash`] of the entry modes not in use is the plan's own (the library keeps it with the
/// plan); without one in context, they share one in memory.
#[component]
pub fn Inputs() -> impl IntoView {
    if use_context::<Stash>().is_none() {
        provide_context(Stash(RwSignal::new(serde_json::Map::new())));
    }
    view! {
        <div class="sp-inputs">
            <Examples />
            <instrument::Instrument />
            <Position />
            <entries::Entries />
        </div>
    }
}

/// One-click examples; each opens as a new plan of the library, the plan being edited kept.
#[component]
pub fn Examples() -> impl IntoView {
    let planner = Planner::get();
    let plans = use_context::<crate::plans::Plans>();
    view! {
        <nav class="sp-examples sp-no-print" aria-label="Examples">
            <span class="sp-hint">"Start from:"</span>
            {examples().into_iter().map(|(label, draft)| view! {
                <button type="button" on:click=move |_| {
                    let _ = crate::plans::open_plan(plans, planner, draft.clone(), &format!("the example “{label}”"));
                }>{label}</button>
            }).collect_view()}
        </nav>
    }
}

/// Side, margin mode, wallet, leverage, stop, risk, cross-mode other positions and funding.
#[component]
pub fn Position() -> impl IntoView {
    let planner = Planner::get();
    let cross = move || planner.draft.with(|d| d.text("/marginMode") == "cross");
    view! {
        <fieldset class="sp-panel">
            <legend>"Position and account"</legend>
            <div class="sp-grid">
                <Field label="Plan name" pointer="/name" optional=true inputmode="text" />
                <Choice label="Side" pointer="/side" options=vec![("long", "Long"), ("short", "Short")] />
                <Choice label="Margin mode" pointer="/marginMode" options=vec![("isolated", "Isolated"), ("cross", "Cross")] />
                <Field label="Wallet" pointer="/account/wallet" hint="quote currency (coin for inverse)" />
                <Field label="Leverage" pointer="/leverage" hint="1 to 1000; tranches may set their own" />
                <FitButton goal=Goal::Leverage />
                <Field label="Stop-loss price" pointer="/stop" optional=true />
                <Field label="Risk per plan (%)" pointer="/account/riskPercent" optional=true hint="largest loss at the stop, % of wallet" />
                <FitSettings />
                <Show when=cross>
                    <Field label="Other positions' maintenance margin" pointer="/account/otherMaintenanceMargin" optional=true hint="cross mode: held by the account's other positions" />
                    <Field label="Other positions' unrealized PnL" pointer="/account/otherUnrealizedPnl" optional=true hint="cross mode: any sign" />
                </Show>
                <Field label="Funding rate per interval" pointer="/funding/rate" write=Write::GroupMember hint="fraction: 0.0001 is 0.01 %; positive: longs pay" />
                <Field label="Funding intervals held" pointer="/funding/intervals" write=Write::GroupMember hint="e.g. 21 for a week of 8 h intervals" />
            </div>
        </fieldset>
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn the_empty_plan_has_a_contract_and_no_tranches() {
        let draft = empty_plan();
        assert_eq!(draft.text("/instrument/symbol"), "BTCUSDT");
        assert_eq!(draft.items("/entries/ladder/tranches"), Vec::<Value>::new());
        assert!(draft.to_plan().is_err(), "the trader fills it in");
    }

    #[test]
    fn the_empty_plan_filled_in_is_the_guides_ladder() {
        let mut draft = empty_plan();
        for (pointer, text) in [
            ("/account/wallet", "10000"),
            ("/leverage", "10"),
            ("/stop", "60000"),
            ("/account/riskPercent", "2"),
            ("/entries/ladder/total/quantity", "1"),
        ] {
            draft.set_text(pointer, text.into(), false);
        }
        let tranches = [("65000", "25"), ("64000", "25"), ("62500", "30"), ("61000", "20")]
            .map(|(price, share)| json!({"price": price, "share": share}));
        draft.set("/entries/ladder/tranches", Value::Array(tranches.to_vec()));
        let (_, report) = crate::evaluate(&draft).expect("evaluates");
        let averages: Vec<String> =
            report.rows.iter().filter_map(|r| r.average_entry.map(|p| p.get().normalize().to_string())).collect();
        assert_eq!(averages, ["65000", "64500", "63750", "63200"]);
    }

    #[test]
    fn every_example_but_the_empty_plan_is_valid() {
        let all = examples();
        assert_eq!(
            all.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
            ["Guide: BTC ladder", "Guide: 5 ETH scale-out", "Sample replay: BTC 2019", "Empty plan"]
        );
        for (label, draft) in &all[..3] {
            assert!(crate::evaluate(draft).is_ok(), "{label}");
        }
    }
}
