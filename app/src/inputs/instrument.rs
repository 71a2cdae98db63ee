//! The instrument: a preset picker (exchange, then symbol) that fills the contract and the liquidation model, then
//! every specification editable, including the maintenance tiers.

use leptos::prelude::*;
use scaleplan::presets::{presets, Preset};
use serde_json::{json, Value};

use crate::draft::{Draft, ListEdit};
use crate::fields::{Choice, Field, Fold, field_id};
use crate::Planner;

const TIERS: &str = "/instrument/tiers";

/// Fills the draft's `/instrument` and `/model` from `preset`. A preset without tiers keeps the tiers already in
/// the draft (the core needs at least one, and no tiers were published with it).
pub fn apply_preset(draft: &mut Draft, preset: &Preset) {
    let mut instrument = serde_json::to_value(&preset.instrument).unwrap_or(Value::Null);
    if preset.instrument.tiers.is_empty() {
        if let (Some(tiers), Some(map)) = (draft.get(TIERS).cloned(), instrument.as_object_mut()) {
            map.insert("tiers".into(), tiers);
        }
    }
    draft.set("/instrument", instrument);
    draft.set("/model", Value::String(preset.model.clone()));
}

/// A new tier row after the existing ones: its floor is the last tier's cap, the rest left to type.
pub fn next_tier(tiers: &[Value]) -> Value {
    let floor = tiers.last().and_then(|t| t.get("notionalCap")).and_then(Value::as_str).unwrap_or("0");
    json!({"notionalFloor": floor, "maintenanceMarginRate": "", "maintenanceAmount": "", "maxLeverage": ""})
}

/// Sets the contract kind, adding a contract size for inverse contracts and dropping it for linear ones.
pub fn set_contract_kind(draft: &mut Draft, kind: &str) {
    let size = draft.text("/instrument/contract/contractSize");
    let contract = if kind == "inverse" {
        json!({"kind": "inverse", "contractSize": if size.is_empty() { "100".to_owned() } else { size }})
    } else {
        json!({"kind": "linear"})
    };
    draft.set("/instrument/contract", contract);
}

/// The exchanges of `presets`, spelt as the exchanges write them (`BingX`, `MEXC`), in order of first appearance.
pub fn exchanges(presets: &[Preset]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in presets {
        if !out.contains(&p.exchange) {
            out.push(p.exchange.clone());
        }
    }
    out
}

/// The instrument panel: preset picker, contract, grids, fees and tiers.
#[component]
pub fn Instrument() -> impl IntoView {
    let planner = Planner::get();
    let all = StoredValue::new(presets().unwrap_or_default());
    // The chosen exchange as its lowercase key (the option's value); the options show the exchange's own spelling.
    let exchange =
        RwSignal::new(all.with_value(|p| exchanges(p).into_iter().next().unwrap_or_default().to_ascii_lowercase()));
    let symbol = RwSignal::new(String::new());
    let symbols = Memo::new(move |_| {
        let ex = exchange.get();
        all.with_value(|p| {
            p.iter().filter(|p| p.exchange.eq_ignore_ascii_case(&ex)).map(|p| p.symbol.clone()).collect::<Vec<_>>()
        })
    });
    let chosen = Memo::new(move |_| {
        let (ex, sym) = (exchange.get(), symbol.get());
        let list = symbols.get();
        let sym = if list.contains(&sym) { sym } else { list.first().cloned().unwrap_or_default() };
        all.with_value(|p| p.iter().find(|p| p.is(&ex, &sym)).cloned())
    });
    let kind = move || planner.draft.with(|d| d.text("/instrument/contract/kind"));
    view! {
        <fieldset class="sp-panel">
            <legend>"Instrument"</legend>
            <div class="sp-grid sp-preset">
                <div class="sp-field">
                    <label for="sp-preset-exchange">"Preset exchange"</label>
                    <select id="sp-preset-exchange" prop:value=move || exchange.get()
                        on:change=move |ev| { exchange.set(event_target_value(&ev)); symbol.set(String::new()); }>
                        {all.with_value(|p| exchanges(p)).into_iter().map(|e| {
                            let key = e.to_ascii_lowercase();
                            let value = key.clone();
                            view! { <option value=key selected=move || exchange.get() == value>{e}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="sp-field">
                    <label for="sp-preset-symbol">"Preset symbol"</label>
                    <select id="sp-preset-symbol" prop:value=move || chosen.get().map(|p| p.symbol).unwrap_or_default()
                        on:change=move |ev| symbol.set(event_target_value(&ev))>
                        {move || symbols.get().into_iter().map(|s| {
                            let (value, text) = (s.clone(), s.clone());
                            view! { <option value=s selected=move || chosen.get().is_some_and(|p| p.symbol == value)>{text}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="sp-field sp-end">
                    <button type="button" on:click=move |_| {
                        if let Some(preset) = chosen.get_untracked() {
                            planner.draft.update(|d| apply_preset(d, &preset));
                        }
                    }>"Use preset"</button>
                </div>
            </div>
            {move || chosen.get().map(|p| view! {
                <div class="sp-provenance">
                    <p><strong>{p.name()}</strong>{format!(" · model {} · as of {}", p.model, p.as_of)}
                        {p.funding_interval_hours.map(|h| format!(" · funding every {h} h"))}</p>
                    <p class="sp-hint">"Source: "{p.source.clone()}</p>
                    {p.instrument.tiers.is_empty().then(|| view! {
                        <p class="sp-note">"This preset has no maintenance tiers (none were published with a date and source). Using it keeps the tiers below: check or enter the exchange's own; the liquidation price needs at least one."</p>
                    })}
                    <details><summary>"Notes"</summary><p class="sp-hint">{p.notes.clone()}</p></details>
                </div>
            })}
            <Fold summary=Signal::derive(move || planner.draft.with(spec_summary)) pointer="/instrument">
            <div class="sp-grid">
                <Field label="Symbol" pointer="/instrument/symbol" inputmode="text" />
                <div class="sp-field">
                    <label for=field_id("/instrument/contract/kind")>"Contract"</label>
                    <select id=field_id("/instrument/contract/kind") prop:value=kind
                        on:change=move |ev| { let k = event_target_value(&ev); planner.draft.update(|d| set_contract_kind(d, &k)); }>
                        <option value="linear" selected=move || kind() == "linear">"Linear (USDT/USDC-margined)"</option>
                        <option value="inverse" selected=move || kind() == "inverse">"Inverse (coin-margined)"</option>
                    </select>
                </div>
                <Show when=move || kind() == "inverse">
                    <Field label="Contract size (USD)" pointer="/instrument/contract/contractSize" />
                </Show>
                <Field label="Tick size" pointer="/instrument/tickSize" />
                <Field label="Quantity step" pointer="/instrument/quantityStep" />
                <Field label="Min quantity" pointer="/instrument/minQuantity" />
                <Field label="Min notional" pointer="/instrument/minNotional" />
                <Field label="Maker fee" pointer="/instrument/makerFee" hint="fraction: 0.0002 is 0.02 %" />
                <Field label="Taker fee" pointer="/instrument/takerFee" hint="fraction: 0.0005 is 0.05 %" />
                <Choice label="Liquidation model" pointer="/model"
                    options=vec![("binance", "Binance"), ("bybit", "Bybit"), ("okx", "OKX"), ("hyperliquid", "Hyperliquid"),
                        ("bingx", "BingX"), ("mexc", "MEXC"), ("weex", "WEEX")] />
            </div>
            <Tiers />
            </Fold>
        </fieldset>
    }
}

/// One line saying what the contract is, for the folded group: `BTCUSDT · tick 0.1 · step 0.001 · 6 tiers`.
pub fn spec_summary(draft: &Draft) -> String {
    let tiers = draft.items(TIERS).len();
    format!(
        "Contract {} · tick {} · step {} · {tiers} {}",
        draft.text("/instrument/symbol"),
        draft.text("/instrument/tickSize"),
        draft.text("/instrument/quantityStep"),
        if tiers == 1 { "tier" } else { "tiers" }
    )
}

/// The maintenance tiers: one row each (floor, cap, rate, amount, max leverage), rows added and removed.
#[component]
pub fn Tiers() -> impl IntoView {
    let planner = Planner::get();
    let count = Memo::new(move |_| planner.draft.with(|d| d.items(TIERS).len()));
    let tiers_problem = Memo::new(move |_| planner.problem_at(TIERS));
    view! {
        <fieldset class="sp-subpanel">
            <legend>"Maintenance tiers"</legend>
            <p class="sp-hint">"Notional from floor up to cap (empty cap: unbounded; under the MEXC model, position size instead); rate as a fraction (0.004 is 0.4 %); amount is the exchange's deduction (Binance cum), 0 where the exchange publishes none (MEXC, WEEX)."</p>
            <span class="sp-error" role="alert">{move || tiers_problem.get().unwrap_or_default()}</span>
            <ol class="sp-tiers">
                {move || (0..count.get()).map(|i| view! {
                    <li class="sp-tier">
                        <Field label=format!("Tier {} floor", i + 1) pointer=format!("{TIERS}/{i}/notionalFloor") />
                        <Field label=format!("Tier {} cap", i + 1) pointer=format!("{TIERS}/{i}/notionalCap") optional=true />
                        <Field label=format!("Tier {} rate", i + 1) pointer=format!("{TIERS}/{i}/maintenanceMarginRate") />
                        <Field label=format!("Tier {} amount", i + 1) pointer=format!("{TIERS}/{i}/maintenanceAmount") />
                        <Field label=format!("Tier {} max leverage", i + 1) pointer=format!("{TIERS}/{i}/maxLeverage") />
                        <div class="sp-row-actions">
                            <button type="button" aria-label=format!("Remove tier {}", i + 1)
                                on:click=move |_| planner.draft.update(|d| d.edit_list(TIERS, ListEdit::Remove(i)))>"Remove"</button>
                        </div>
                    </li>
                }).collect_view()}
            </ol>
            <button type="button" on:click=move |_| planner.draft.update(|d| {
                let next = next_tier(&d.items(TIERS));
                d.edit_list(TIERS, ListEdit::Add(next));
            })>"Add tier"</button>
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

    fn preset(exchange: &str, symbol: &str) -> Preset {
        presets().expect("bundled").into_iter().find(|p| p.is(exchange, symbol)).expect("a preset")
    }

    #[test]
    fn the_folded_contract_says_what_it_is() {
        assert_eq!(spec_summary(&guide()), "Contract BTCUSDT · tick 0.1 · step 0.001 · 6 tiers");
    }

    #[test]
    fn a_preset_fills_instrument_and_model() {
        let mut draft = guide();
        apply_preset(&mut draft, &preset("bybit", "BTCUSDT"));
        assert_eq!(draft.text("/model"), "bybit");
        assert_eq!(draft.text("/instrument/symbol"), "BTCUSDT");
        assert_eq!(draft.items(TIERS).len(), 8);
        assert!(draft.to_plan().is_ok(), "{:?}", draft.to_plan());
    }

    #[test]
    fn a_preset_without_tiers_keeps_the_drafts() {
        let mut draft = guide();
        let before = draft.items(TIERS);
        apply_preset(&mut draft, &preset("okx", "BTC-USDT-SWAP"));
        assert_eq!(draft.text("/model"), "okx");
        assert_eq!(draft.text("/instrument/symbol"), "BTC-USDT-SWAP");
        assert_eq!(draft.items(TIERS), before);
    }

    #[test]
    fn the_bingx_mexc_and_weex_presets_fill_their_own_models() {
        for (exchange, symbol, model) in
            [("bingx", "BTC-USDT", "bingx"), ("mexc", "BTC_USDT", "mexc"), ("weex", "ETHUSDT", "weex")]
        {
            let mut draft = guide();
            apply_preset(&mut draft, &preset(exchange, symbol));
            assert_eq!(draft.text("/model"), model, "{exchange} {symbol}");
            assert_eq!(draft.text("/instrument/symbol"), symbol);
        }
    }

    #[test]
    fn every_preset_applies_to_a_valid_instrument_when_tiers_are_kept() {
        for p in presets().expect("bundled") {
            let mut draft = guide();
            apply_preset(&mut draft, &p);
            let plan = draft.to_plan();
            assert!(plan.is_ok(), "{}: {:?}", p.name(), plan);
        }
    }

    #[test]
    fn tiers_continue_from_the_last_cap_and_contracts_switch_kind() {
        let mut draft = guide();
        let tiers = draft.items(TIERS);
        assert_eq!(next_tier(&tiers)["notionalFloor"], "100000000");
        assert_eq!(next_tier(&[])["notionalFloor"], "0");
        set_contract_kind(&mut draft, "inverse");
        assert_eq!(draft.text("/instrument/contract/contractSize"), "100");
        set_contract_kind(&mut draft, "linear");
        assert_eq!(draft.get("/instrument/contract"), Some(&json!({"kind": "linear"})));
        assert_eq!(
            exchanges(&presets().expect("bundled")),
            ["Binance", "Bybit", "OKX", "Hyperliquid", "BingX", "MEXC", "WEEX"]
        );
    }
}
