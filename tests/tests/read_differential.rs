//! The hand-written reader (`scaleplan::read`) against the serde reader it replaces (`scaleplan::json::from_str`
//! over the derived `Deserialize` impls) as the oracle: for damaged versions of real inputs both accept the same
//! texts, read the same values, and refuse the rest with the same field and the same message.
//!
//! One difference on purpose: the hand-written reader parses the whole text before reading a type, so a text that
//! is not JSON is always refused with its syntax error, where serde, reading as it goes, may first meet a bad field
//! before the broken part. For such texts only "both refuse" is checked.
//!
//! Covered so far: `Plan` whole and in parts (instrument, account, funding, entries, exits), fills, `FitSpec`,
//! `ReplayRules`, `ParametricBook`, `ContractKind`, the calculator's `LiquidationInput`, `ImpactRequest`, candles as
//! objects.

use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn oracle<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    scaleplan::json::from_str(text).map_err(|e| e.to_string())
}

fn ours<T: scaleplan::read::FromJson>(text: &str) -> Result<T, String> {
    scaleplan::read::from_str(text).map_err(|e| e.to_string())
}

fn agree<T: DeserializeOwned + scaleplan::read::FromJson + std::fmt::Debug>(text: &str) -> Result<(), TestCaseError> {
    let (a, b) = (ours::<T>(text), oracle::<T>(text));
    if serde_json::from_str::<Value>(text).is_err() {
        prop_assert!(a.is_err() && b.is_err(), "{}\nours: {:?}\noracle: {:?}", text, a, b);
        return Ok(());
    }
    match (&a, &b) {
        (Ok(x), Ok(y)) => prop_assert_eq!(format!("{x:?}"), format!("{y:?}"), "{}", text),
        (Err(x), Err(y)) => prop_assert_eq!(x, y, "{}", text),
        _ => return Err(TestCaseError::fail(format!("{text}\nours:   {a:?}\noracle: {b:?}"))),
    }
    // The collect-everything mode agrees with the first-problem mode on what it finds first.
    let all = scaleplan::read::read_all::<T>(text).map_err(|e| e.first().map(ToString::to_string));
    prop_assert_eq!(all.is_ok(), a.is_ok(), "{}", text);
    if let (Err(Some(first)), Err(a)) = (&all, &a) {
        prop_assert_eq!(first, a, "{}", text);
    }
    Ok(())
}

fn places(value: &Value, at: &str, out: &mut Vec<String>) {
    out.push(at.to_owned());
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| places(v, &format!("{at}/{k}"), out)),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| places(v, &format!("{at}/{i}"), out)),
        _ => {}
    }
}

fn replacement(choice: u8) -> Option<Value> {
    Some(match choice % 20 {
        0 => Value::Null,
        1 => Value::Bool(true),
        2 => Value::from(10),
        3 => Value::from(-7),
        4 => Value::from(1.5),
        5 => Value::from("x"),
        6 => Value::from("-1"),
        7 => Value::from("0"),
        8 => Value::from("12.5"),
        9 => serde_json::json!([]),
        10 => serde_json::json!({}),
        11 => serde_json::json!({"zzz": "1"}),
        12 => Value::from("linear"),
        13 => Value::from(u64::MAX),
        14 => serde_json::json!(["1", "2"]),
        15 => Value::from("inverse"),
        16 => Value::from(""),
        17 => serde_json::json!({"flat": null}),
        18 => Value::from("1e3"),
        _ => return None,
    })
}

fn damaged(mut value: Value, pointer: &str, choice: u8) -> Value {
    if choice >= 40 {
        if let Some(Value::Object(map)) = value.pointer_mut(pointer) {
            map.insert("unknownField".to_owned(), Value::from("1"));
            return value;
        }
    }
    let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", ""));
    match (replacement(choice), value.pointer_mut(parent)) {
        (Some(new), _) if pointer.is_empty() => return new,
        (Some(new), Some(slot)) => {
            if let Some(target) = slot.pointer_mut(&format!("/{last}")) {
                *target = new;
            }
        }
        (None, Some(Value::Object(map))) => {
            map.remove(last);
        }
        (None, Some(Value::Array(items))) => {
            if let Ok(i) = last.parse::<usize>() {
                if i < items.len() {
                    items.remove(i);
                }
            }
        }
        _ => {}
    }
    value
}

fn examples() -> Vec<Value> {
    [
        include_str!("../../crates/scaleplan/data/examples/guide-btc-ladder.json"),
        include_str!("../../crates/scaleplan/data/examples/guide-eth-scaleout.json"),
        include_str!("../../crates/scaleplan/data/examples/mexc-cross-resting.json"),
        include_str!("../../crates/scaleplan/data/examples/sample-btc-2019.json"),
    ]
    .iter()
    .map(|text| serde_json::from_str(text).unwrap())
    .collect()
}

/// The parts of the plans read by hand so far, and an inverse contract and a generated ladder the examples lack.
fn parts() -> Vec<(&'static str, Value)> {
    let mut out = Vec::new();
    for plan in examples() {
        out.push(("plan", plan.clone()));
        if let Some(exits) = plan.get("exits") {
            out.push(("exits", exits.clone()));
        }
        out.push(("instrument", plan["instrument"].clone()));
        out.push(("account", plan["account"].clone()));
        out.push(("entries", plan["entries"].clone()));
        if let Some(ladder) = plan["entries"].get("ladder") {
            out.push(("ladder", ladder.clone()));
        }
        if let Some(funding) = plan.get("funding") {
            out.push(("funding", funding.clone()));
        }
    }
    let mut inverse = out[1].1.clone();
    inverse["contract"] = serde_json::json!({"kind": "inverse", "contractSize": "100"});
    out.push(("instrument", inverse));
    out.push(("ladder", serde_json::json!({
        "generate": {"from": "65000", "to": "61000", "count": 5, "spacing": "geometric", "sizes": {"custom": ["1", "2", "3", "2", "1"]}},
        "total": {"riskBudget": {"account": "10000", "riskPercent": "2", "stop": "60000", "entryFee": "taker"}},
        "remainder": "topUpLargest"})));
    out.push(("ladder", serde_json::json!({"generate": {"from": "1", "to": "2", "count": 2, "sizes": "increasing"}, "total": {"notional": "100"}})));
    let mut plan = out[0].1.clone();
    plan["entries"] = out.iter().rev().find(|(n, _)| *n == "entries").map(|(_, v)| v.clone()).unwrap_or_default();
    plan["restingOrders"] = "counted".into();
    plan["entryLiquidity"] = "taker".into();
    plan["funding"] = serde_json::json!({"rate": "0.0001", "intervals": "3"});
    plan["exits"] = serde_json::json!({
        "targets": [{"price": "70000", "share": "50", "of": "original", "liquidity": "maker"}],
        "stopRules": [{"when": {"target": 0}, "moveTo": "breakeven"}, {"when": {"r": "1.5"}, "moveTo": {"trail": {"percent": "2"}}}],
        "derisk": {"atR": "1", "share": "25", "of": "remaining", "moveTo": {"price": "64000"},
            "then": {"every": {"r": "0.5"}, "count": 2, "share": "10", "of": "original", "trail": {"distance": "500"}}},
        "defensive": {"price": "61000", "share": "100", "of": "remaining"}});
    out.push(("plan", plan.clone()));
    out.push(("exits", plan["exits"].clone()));
    out.push(("fit", serde_json::json!({"goal": "size", "buffer": {"pricePercent": "1"}, "riskPercent": "2"})));
    out.push(("fit", serde_json::json!({"goal": "depth", "buffer": {"stopDistancePercent": "10"}})));
    out.push(("rules", serde_json::json!({"start": "2024-01-01T00:00:00Z", "intrabar": "nearerFirst", "fundingInterval": "8h"})));
    out.push(("rules", serde_json::json!({"start": 1704067200000_u64, "fundingInterval": 28800000})));
    out.push(("book", serde_json::json!({"mid": "100", "spread": "0.1", "step": "0.5", "size": "2", "sizeIncrement": "1", "levels": 20})));
    out.push(("contract", serde_json::json!({"kind": "inverse", "contractSize": "100"})));
    out.push(("impact", serde_json::json!({"side": "buy", "tranches": {"kind": "equal", "total": "3", "count": 3}, "refill": {"kind": "full"}})));
    out.push(("impact", serde_json::json!({"side": "sell", "tranches": {"kind": "sizes", "sizes": ["1", "2"]},
        "refill": {"kind": "fraction", "rate": "0.5"}, "budgetBps": "10", "benchmark": "mid", "quantityStep": "0.1"})));
    out.push(("impact", serde_json::json!({"side": "buy", "tranches": ["equal", "3", 3], "refill": ["none"]})));
    out.push(("candles", serde_json::json!([
        {"time": 1704067200000_u64, "open": "100", "high": "110", "low": "90", "close": "105", "volume": "12.5"},
        {"time": 1704153600000_u64, "open": "105", "high": "106", "low": "95", "close": "96"}])));
    out.push(("calculator", serde_json::json!({
        "model": "bybit", "contract": "inverse", "side": "short", "quantity": "100", "entryPrice": "60000",
        "walletBalance": "0.1", "maintenanceMarginRate": "0.005", "maintenanceAmount": "0", "contractSize": "1",
        "marginMode": "cross", "otherMaintenanceMargin": "0", "otherUnrealizedPnl": "0", "takerFeeRate": "0.00055",
        "tickSize": "0.5"})));
    out.push(("calculator", serde_json::json!({
        "model": "binance", "contract": "linear", "side": "long", "quantity": "1", "entryPrice": "60000",
        "walletBalance": "1000", "tiers": [{"notionalFloor": "0", "notionalCap": null, "maintenanceMarginRate": "0.004",
        "maintenanceAmount": "0", "maxLeverage": "125"}]})));
    out.push(("fills", serde_json::json!([{"price": "100", "quantity": "1"}, {"price": "90", "quantity": "2"}])));
    out.push(("funding", serde_json::json!({"rate": "0.0001", "intervals": "3"})));
    out.push(("entries", serde_json::json!({"schedule": {
        "start": "2024-01-01T00:00:00Z", "interval": "1d", "count": 3, "sizes": {"skew": "2"},
        "total": {"riskBudget": {"account": "10000", "riskPercent": "2", "stop": "60000"}}, "remainder": "unplaced",
        "path": [{"time": "2024-01-01T00:00:00Z", "price": "100"}, {"time": 1704153600000_u64, "price": "90"}]}})));
    out.push(("entries", serde_json::json!({"schedule": {
        "start": 1704067200000_u64, "interval": 3600000, "count": 2, "total": {"notional": "1000"},
        "path": [{"time": "2024-01-01T00:00:00Z", "price": "100"}]}})));
    out
}

fn check(name: &str, text: &str) -> Result<(), TestCaseError> {
    match name {
        "instrument" => agree::<scaleplan::Instrument>(text),
        "account" => agree::<scaleplan::account::Account>(text),
        "ladder" => agree::<scaleplan::LadderSpec>(text),
        "funding" => agree::<scaleplan::account::Funding>(text),
        "entries" => agree::<scaleplan::plan::Entries>(text),
        "plan" => agree::<scaleplan::Plan>(text),
        "exits" => agree::<scaleplan::ExitPlan>(text),
        "fit" => agree::<scaleplan::solver::FitSpec>(text),
        "rules" => agree::<scaleplan::ReplayRules>(text),
        "book" => agree::<scaleplan::impact::ParametricBook>(text),
        "contract" => agree::<scaleplan::ContractKind>(text),
        "impact" => agree::<scaleplan::impact::ImpactRequest>(text),
        "candles" => agree::<Vec<scaleplan::candles::Candle>>(text),
        "calculator" => agree::<scaleplan_wasm::calculator::LiquidationInput>(text),
        _ => agree::<Vec<scaleplan::Fill>>(text),
    }
}

#[test]
fn the_inputs_themselves_read_the_same() {
    for (name, value) in parts() {
        let text = value.to_string();
        check(name, &text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(scaleplan::json::from_str::<scaleplan::Instrument>(&text).is_ok() || name != "instrument", "{text}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4_000, ..ProptestConfig::default() })]

    #[test]
    fn damaged_parts_read_alike(which in any::<prop::sample::Index>(), place in any::<prop::sample::Index>(), choice in 0_u8..48, twice in any::<bool>(), second in any::<prop::sample::Index>(), choice2 in 0_u8..48) {
        let all_parts = parts();
        let (name, value) = which.get(&all_parts).clone();
        let mut all = Vec::new();
        places(&value, "", &mut all);
        let mut value = damaged(value, place.get(&all).as_str(), choice);
        if twice {
            let mut again = Vec::new();
            places(&value, "", &mut again);
            value = damaged(value, second.get(&again).as_str(), choice2);
        }
        check(name, &value.to_string())?;
    }

    #[test]
    fn broken_text_reads_alike(which in any::<prop::sample::Index>(), cut in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let all_parts = parts();
        let (name, value) = which.get(&all_parts).clone();
        let mut bytes = value.to_string().into_bytes();
        let at = cut.index(bytes.len());
        bytes[at] = byte;
        if let Ok(text) = String::from_utf8(bytes) {
            check(name, &text)?;
        }
    }
}
