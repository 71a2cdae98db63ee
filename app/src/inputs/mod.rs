//! The plan's inputs: the position and account, and the scale-in ladder's tranches.

use leptos::prelude::*;
use serde_json::{json, Value};

use crate::fields::{Choice, Field};
use crate::Planner;

const TRANCHES: &str = "/entries/ladder/tranches";

/// All input panels.
#[component]
pub fn Inputs() -> impl IntoView {
    view! {
        <div class="sp-inputs">
            <Position />
            <Ladder />
        </div>
    }
}

/// Side, model, margin mode, wallet, leverage, stop and risk.
#[component]
pub fn Position() -> impl IntoView {
    view! {
        <fieldset class="sp-panel">
            <legend>"Position and account"</legend>
            <div class="sp-grid">
                <Choice label="Side" pointer="/side" options=vec![("long", "Long"), ("short", "Short")] />
                <Choice label="Liquidation model" pointer="/model"
                    options=vec![("binance", "Binance"), ("bybit", "Bybit"), ("okx", "OKX"), ("hyperliquid", "Hyperliquid")] />
                <Choice label="Margin mode" pointer="/marginMode" options=vec![("isolated", "Isolated"), ("cross", "Cross")] />
                <Field label="Wallet" pointer="/account/wallet" hint="quote currency (coin for inverse)" />
                <Field label="Leverage" pointer="/leverage" hint="1 to 1000; tranches may set their own" />
                <Field label="Stop-loss price" pointer="/stop" optional=true />
                <Field label="Risk per plan (%)" pointer="/account/riskPercent" optional=true hint="largest loss at the stop, % of wallet" />
            </div>
        </fieldset>
    }
}

/// Moves the tranche at `from` to `to` (both in range), keeping everything typed.
pub fn move_item(items: &mut [Value], from: usize, to: usize) {
    if from < items.len() && to < items.len() {
        items.swap(from, to);
    }
}

/// The ladder's tranches: a row per tranche with price, share and leverage; rows can be added, removed and moved.
#[component]
pub fn Ladder() -> impl IntoView {
    let planner = Planner::get();
    let count = Memo::new(move |_| planner.draft.with(|d| d.items(TRANCHES).len()));
    let edit = move |f: &dyn Fn(&mut Vec<Value>)| {
        planner.draft.update(|d| {
            let mut items = d.items(TRANCHES);
            f(&mut items);
            d.set(TRANCHES, Value::Array(items));
        });
    };
    view! {
        <fieldset class="sp-panel">
            <legend>"Scale-in ladder"</legend>
            <p class="sp-hint">"Each tranche: a limit price and its share of the total (shares add up to 100 %). Leverage is optional per tranche, e.g. 5× first on the way to 10×."</p>
            <Field label="Total quantity" pointer="/entries/ladder/total/quantity" hint="base units (contracts for inverse)" />
            <ol class="sp-tranches">
                {move || (0..count.get()).map(|i| view! {
                    <li class="sp-tranche">
                        <Field label=format!("Tranche {} price", i + 1) pointer=format!("{TRANCHES}/{i}/price") />
                        <Field label=format!("Tranche {} share (%)", i + 1) pointer=format!("{TRANCHES}/{i}/share") />
                        <Field label=format!("Tranche {} leverage", i + 1) pointer=format!("{TRANCHES}/{i}/leverage") optional=true />
                        <div class="sp-row-actions">
                            <button type="button" aria-label=format!("Move tranche {} up", i + 1) disabled=move || i == 0
                                on:click=move |_| edit(&|items| move_item(items, i, i.saturating_sub(1)))>"↑"</button>
                            <button type="button" aria-label=format!("Move tranche {} down", i + 1) disabled=move || { i + 1 >= count.get() }
                                on:click=move |_| edit(&|items| move_item(items, i, i + 1))>"↓"</button>
                            <button type="button" aria-label=format!("Remove tranche {}", i + 1)
                                on:click=move |_| edit(&|items| { if i < items.len() { items.remove(i); } })>"Remove"</button>
                        </div>
                    </li>
                }).collect_view()}
            </ol>
            <button type="button" on:click=move |_| edit(&|items| items.push(json!({"price": "", "share": ""})))>"Add tranche"</button>
        </fieldset>
    }
}
