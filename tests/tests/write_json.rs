//! The hand-written JSON writer (`scaleplan::write`) against `serde_json::to_string` of the derived `Serialize`:
//! byte for byte, on every golden input (plans, exits, replays, impact, solver fits, calculator rows) and on plans
//! generated with names and messages that need escaping.

use proptest::prelude::*;
use scaleplan::impact::{market_impact, parse_depth, ImpactRequest};
use scaleplan::solver::{fit_plan, FitSpec};
use scaleplan::write::{to_json, ToJson};
use scaleplan::{evaluate_plan, replay_plan, Plan, ReplayRules};
use scaleplan_tests::{data_file, repo_root, rows};
use scaleplan_wasm::calculator::{calculate, LiquidationInput};

/// Both writers give the same text for `value`.
fn check<T: ToJson + serde::Serialize>(what: &str, value: &T) {
    let serde = serde_json::to_string(value).unwrap_or_else(|e| panic!("{what}: serde_json: {e}"));
    let ours = to_json(value);
    assert!(ours == serde, "{what}\n ours: {ours}\nserde: {serde}");
}

fn files(folder: &str, extension: &str) -> Vec<(String, String)> {
    let dir = repo_root().join(folder);
    let mut found: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .map(|path| (path.display().to_string(), std::fs::read_to_string(&path).unwrap_or_default()))
        .collect();
    found.sort();
    found
}

/// Every plan file: the examples and the replay cases' plans.
fn plans() -> Vec<(String, Plan)> {
    let mut plans: Vec<_> = files("crates/scaleplan/data/examples", "json")
        .into_iter()
        .chain(files("tests/data/replay", "json"))
        .filter_map(|(name, text)| serde_json::from_str::<Plan>(&text).ok().map(|plan| (name, plan)))
        .collect();
    assert!(plans.len() >= 7, "plan files went missing: {}", plans.len());
    // Escaping: a name with quotes, a backslash, a control character and non-ASCII text.
    if let Some((_, plan)) = plans.first() {
        let mut odd = plan.clone();
        odd.name = "\"BTC\" \\ ladder\t€ ₿ 😀 \u{1}".to_owned();
        odd.instrument.symbol = "BTC/\"USDT\"\n".to_owned();
        plans.push(("escaped name".to_owned(), odd));
    }
    plans
}

#[test]
fn reports_exits_and_fits_of_every_plan_file() {
    let mut written = 0;
    for (name, plan) in plans() {
        check(&format!("{name}: plan"), &plan);
        if let Ok(report) = evaluate_plan(&plan) {
            check(&format!("{name}: report"), &report);
            written += 1;
        }
        for goal in ["size", "leverage", "depth"] {
            for extra in ["", r#","buffer":{"pricePercent":"1"}"#, r#","riskPercent":"1""#] {
                let spec: FitSpec = serde_json::from_str(&format!(r#"{{"goal":"{goal}"{extra}}}"#)).unwrap_or_else(|e| panic!("{e}"));
                if let Ok(fit) = fit_plan(&plan, &spec) {
                    check(&format!("{name}: fit {goal}{extra}"), &fit);
                    written += 1;
                }
            }
        }
    }
    assert!(written >= 10, "too few results written: {written}");
}

#[test]
fn replays_of_every_plan_over_every_history() {
    let candles: Vec<_> = files("tests/data/replay", "csv")
        .into_iter()
        .chain(files("tests/data/candles", "csv"))
        .chain(files("tests/data/candles", "json"))
        .filter_map(|(name, text)| scaleplan::candles::parse(&text).ok().map(|c| (name, c)))
        .collect();
    let rules: Vec<ReplayRules> = [r#"{}"#, r#"{"intrabar":"optimistic","fundingInterval":"8h"}"#, r#"{"intrabar":"nearerFirst"}"#]
        .iter()
        .map(|text| serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}")))
        .collect();
    let mut written = 0;
    for (plan_name, plan) in plans() {
        for (candle_name, bars) in &candles {
            for rule in &rules {
                if let Ok(report) = replay_plan(&plan, bars, rule) {
                    check(&format!("{plan_name} over {candle_name}"), &report);
                    written += 1;
                }
            }
        }
    }
    assert!(written >= 20, "too few replays written: {written}");
}

#[test]
fn impact_reports_on_every_book() {
    let mut books: Vec<_> = files("tests/data/impact", "json")
        .into_iter()
        .filter_map(|(name, text)| parse_depth(&text).ok().map(|book| (name, book)))
        .collect();
    let crossed = r#"{"bids": [["100.5", "1"], ["99", "2"], ["100.5", "1"]], "asks": [["100", "2"], ["100", "1"], ["101", "3"]]}"#;
    books.push(("crossed".to_owned(), parse_depth(crossed).unwrap_or_else(|e| panic!("{e}"))));
    let requests: Vec<ImpactRequest> = [
        r#"{"side": "buy", "tranches": {"kind": "equal", "total": "4", "count": 2}, "refill": {"kind": "fraction", "rate": "0.5"}, "budgetBps": "50", "quantityStep": "0.01"}"#,
        r#"{"side": "sell", "tranches": {"kind": "sizes", "sizes": ["0.5", "1", "100000"]}, "refill": {"kind": "none"}, "benchmark": "mid"}"#,
        r#"{"side": "buy", "tranches": {"kind": "equal", "total": "0.3", "count": 3}, "refill": {"kind": "full"}, "budgetBps": "0"}"#,
    ]
    .iter()
    .map(|text| serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}")))
    .collect();
    let mut written = 0;
    for (name, book) in &books {
        for (i, request) in requests.iter().enumerate() {
            if let Ok(report) = market_impact(book, request) {
                check(&format!("{name}: request {i}"), &report);
                written += 1;
            }
        }
    }
    assert!(written >= 10, "too few impact reports written: {written}");
}

#[test]
fn calculator_rows() {
    let text = data_file("liquidation.txt");
    let mut fragments: Vec<(String, String)> = Vec::new();
    let mut written = 0;
    for (_, cells) in rows(&text) {
        let [input, outcome] = cells.as_slice() else { continue };
        if input.starts_with('@') {
            fragments.push((input.clone(), outcome.clone()));
            continue;
        }
        let json = fragments.iter().fold(input.clone(), |json, (name, value)| json.replace(name.as_str(), value));
        if let Ok(result) = serde_json::from_str::<LiquidationInput>(&json).map(|input| calculate(&input)) {
            if let Ok(result) = result {
                check(&json, &result);
                written += 1;
            }
        }
    }
    assert!(written >= 10, "too few calculator rows written: {written}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
    /// Plans varied from every plan file (leverage, stop, wallet, the name), their reports and fits.
    #[test]
    fn generated_plans_write_the_same(which in 0_usize..16, leverage in 1_u32..=150, stop in 0_u32..200,
        wallet in 1_u32..1_000_000, name in "[a-z\"\\\\ é€😀\u{1}\n]{0,12}") {
        let all = plans();
        let Some((_, base)) = all.get(which % all.len()) else { return Ok(()) };
        let mut plan = base.clone();
        plan.name = name;
        if let Ok(leverage) = leverage.to_string().parse() { plan.leverage = leverage; }
        if let Ok(wallet) = wallet.to_string().parse() { plan.account.wallet = wallet; }
        if let Some(price) = plan.stop {
            let moved = price.get() * scaleplan::Decimal::new(i64::from(stop), 2);
            plan.stop = moved.to_string().parse().ok();
        }
        check("plan", &plan);
        if let Ok(report) = evaluate_plan(&plan) {
            check("report", &report);
        }
        if let Ok(spec) = serde_json::from_str::<FitSpec>(r#"{"goal":"size"}"#) {
            if let Ok(fit) = fit_plan(&plan, &spec) {
                check("fit", &fit);
            }
        }
    }
}

/// Every variant of the plan's inputs (sizes, totals, triggers, stop moves, trails, de-risking steps, a defensive
/// exit) in a fitted or evaluated plan, written both ways.
#[test]
fn every_input_variant_of_a_plan() {
    let base: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("crates/scaleplan/data/examples/guide-eth-scaleout.json"))
            .unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let entries = [
        r#"{"ladder": {"generate": {"from": "3050", "to": "2900", "count": 4, "spacing": "geometric", "sizes": {"custom": ["1", "2", "3", "4"]}}, "total": {"notional": "9000"}, "remainder": "topUpLargest"}}"#,
        r#"{"ladder": {"generate": {"from": "3050", "to": "2900", "count": 3, "sizes": {"skew": "1.5"}}, "total": {"riskBudget": {"account": "20000", "riskPercent": "2", "stop": "2800", "entryFee": "taker"}}}}"#,
        r#"{"ladder": {"generate": {"from": "3050", "to": "2900", "count": 3, "sizes": "decreasing"}, "total": {"quantity": "5"}}}"#,
        r#"{"ladder": {"tranches": [{"price": "3050", "quantity": "2", "leverage": "5"}, {"price": "2950", "quantity": "3"}]}}"#,
    ];
    let exits = [
        r#"{"targets": [{"price": "3300", "share": "25", "of": "remaining", "liquidity": "taker"}], "stopRules": [{"when": {"r": "1"}, "moveTo": {"trail": {"percent": "2"}}}, {"when": {"target": 0}, "moveTo": "entry"}], "defensive": {"price": "2990", "share": "50", "of": "original", "liquidity": "maker"}}"#,
        r#"{"derisk": {"atR": "0.5", "share": "10", "of": "original", "moveTo": {"price": "2990"}, "liquidity": "taker", "then": {"every": {"r": "0.5"}, "count": 3, "share": "5", "of": "remaining", "trail": {"distance": "150"}, "liquidity": "maker"}}}"#,
        r#"{"derisk": {"share": "10", "of": "original", "then": {"every": {"price": "50"}, "count": 30, "share": "5", "of": "original"}}, "stopRules": [{"when": {"target": 0}, "moveTo": {"trail": {"distance": "40"}}}]}"#,
    ];
    let mut written = 0;
    for entry in entries {
        for exit in exits {
            let mut value = base.clone();
            value["entries"] = serde_json::from_str(entry).unwrap_or_else(|e| panic!("{entry}: {e}"));
            value["exits"] = serde_json::from_str(exit).unwrap_or_else(|e| panic!("{exit}: {e}"));
            value["restingOrders"] = "counted".into();
            value["entryLiquidity"] = "taker".into();
            value["funding"] = serde_json::json!({"rate": "0.0001", "intervals": "3"});
            value["account"]["otherUnrealizedPnl"] = "-12.5".into();
            value["marginMode"] = "cross".into();
            value["model"] = "mexc".into();
            let plan: Plan = serde_json::from_value(value).unwrap_or_else(|e| panic!("{entry} {exit}: {e}"));
            check("plan", &plan);
            match evaluate_plan(&plan) {
                Ok(report) => {
                    check(&format!("{entry} {exit}"), &report);
                    written += 1;
                }
                Err(e) => eprintln!("{entry} {exit}: {e}"),
            }
        }
    }
    assert!(written >= 6, "too few variants evaluated: {written}");
}
