//! Plan evaluation against hand-worked examples (tests/data/plans.txt) and its errors, through the public API.

use scaleplan::{evaluate_plan, Error, Plan, WarningKind};
use scaleplan_tests::{data_file, repo_root, rows};

fn example(name: &str) -> Plan {
    let path = repo_root().join("crates/scaleplan/data/examples").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Evaluates `plan` and returns the report as JSON, the shape the npm package and the app see.
fn report_json(plan: &Plan) -> serde_json::Value {
    serde_json::to_value(evaluate_plan(plan).expect("the example evaluates")).expect("a report serializes")
}

#[test]
fn examples_match_hand_arithmetic() {
    let text = data_file("plans.txt");
    let table = rows(&text);
    assert!(table.len() >= 20, "the data file lost its rows");
    for (line, cells) in table {
        let [file, tranche, field, expected] = cells.as_slice() else { panic!("line {line}: 4 cells expected") };
        let report = report_json(&example(file));
        let row = &report["rows"][tranche.parse::<usize>().expect("a tranche index")];
        let actual = match &row[field.as_str()] {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            other => panic!("line {line}: {field} is {other}"),
        };
        assert_eq!(&actual, expected, "line {line}: {file} tranche {tranche} {field}");
    }
}

#[test]
fn guide_example_warns_about_its_risk_on_every_tranche() {
    let report = evaluate_plan(&example("guide-btc-ladder.json")).expect("evaluates");
    let risky: Vec<Option<usize>> =
        report.warnings.iter().filter(|w| w.kind() == WarningKind::RiskAboveBudget).map(|w| w.tranche()).collect();
    // Even the first 0.25 BTC loses 1,260.75 at the stop, above the 200 budget.
    assert_eq!(risky, [Some(0), Some(1), Some(2), Some(3)]);
    assert!(report.warnings.iter().all(|w| w.kind() != WarningKind::LiquidationBeforeStop));
}

#[test]
fn high_leverage_liquidates_before_the_stop_on_the_right_rows() {
    let mut plan = example("guide-btc-ladder.json");
    // At 20x a long is liquidated about 4.6 % below its entry: 65,000 → ~62,000, well above the 60,000 stop.
    plan.leverage = "20".parse().expect("leverage");
    let report = evaluate_plan(&plan).expect("evaluates");
    let flagged: Vec<Option<usize>> = report
        .warnings
        .iter()
        .filter(|w| w.kind() == WarningKind::LiquidationBeforeStop)
        .map(|w| w.tranche())
        .collect();
    assert_eq!(flagged, [Some(0), Some(1), Some(2), Some(3)]);
    // At 3x the liquidation is far below the stop and nothing is flagged.
    plan.leverage = "3".parse().expect("leverage");
    let report = evaluate_plan(&plan).expect("evaluates");
    assert!(report.warnings.iter().all(|w| w.kind() != WarningKind::LiquidationBeforeStop));
}

#[test]
fn a_stop_above_a_long_fill_is_flagged_on_that_tranche() {
    let mut plan = example("guide-btc-ladder.json");
    plan.stop = Some("62000".parse().expect("price"));
    let report = evaluate_plan(&plan).expect("evaluates");
    let wrong: Vec<Option<usize>> =
        report.warnings.iter().filter(|w| w.kind() == WarningKind::StopOnWrongSide).map(|w| w.tranche()).collect();
    assert_eq!(wrong, [Some(3)]);
}

#[test]
fn errors_name_the_field() {
    let mut plan = example("guide-btc-ladder.json");
    plan.version = 2;
    assert_eq!(evaluate_plan(&plan), Err(Error::UnsupportedVersion { found: 2 }));

    let mut plan = example("guide-btc-ladder.json");
    plan.instrument.tiers.clear();
    let err = evaluate_plan(&plan).expect_err("no tiers");
    assert_eq!(err.field(), Some("instrument.tiers"));

    let mut plan = example("guide-btc-ladder.json");
    plan.account.other_maintenance_margin = Some("10".parse().expect("amount"));
    let err = evaluate_plan(&plan).expect_err("others in isolated mode");
    assert_eq!(err.field(), Some("account.otherMaintenanceMargin"));

    let text = std::fs::read_to_string(repo_root().join("crates/scaleplan/data/examples/guide-btc-ladder.json"))
        .expect("example");
    let bad = text.replace("\"price\": \"64000\"", "\"price\": \"-64000\"");
    let parsed: Result<Plan, _> = serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(&bad));
    let err = parsed.expect_err("a negative price");
    assert_eq!(err.path().to_string(), "entries.ladder.tranches[1].price");
    assert_eq!(err.inner().to_string().split(" at line").next(), Some("must be above 0"));
}

/// The same MEXC ladder with its resting rungs ignored (the position alone), and `counted` refused where no
/// exchange counts resting orders: isolated margin, a model whose exchange does not, a time schedule.
#[test]
fn resting_rungs_are_counted_only_where_the_exchange_counts_them() {
    let counted = example("mexc-cross-resting.json");
    let liquidations = |plan: &Plan| -> Vec<String> {
        let report = evaluate_plan(plan).expect("evaluates");
        report.rows.iter().map(|r| r.liquidation_price.map(|p| p.to_string()).unwrap_or_default()).collect()
    };
    assert_eq!(liquidations(&counted), ["47740", "50538", "51485"]);
    // Hand arithmetic in tests/data/plans.txt: the position alone is liquidated at 30,240 and 44,738.
    let alone = Plan { resting_orders: None, ..counted.clone() };
    assert_eq!(liquidations(&alone), ["30240", "44738", "51485"]);
    // Counted, the first two rows are liquidated before the 45,000 stop; alone, none is until the last.
    let before_stop = |plan: &Plan| -> Vec<Option<usize>> {
        let report = evaluate_plan(plan).expect("evaluates");
        report.warnings.iter().filter(|w| w.kind() == WarningKind::LiquidationBeforeStop).map(|w| w.tranche()).collect()
    };
    assert_eq!(before_stop(&counted), [Some(0), Some(1), Some(2)]);
    assert_eq!(before_stop(&alone), [Some(2)]);

    let field = |plan: Plan| evaluate_plan(&plan).expect_err("refused").to_string();
    let isolated = Plan { margin_mode: scaleplan::liquidation::MarginMode::Isolated, ..counted.clone() };
    assert_eq!(
        field(isolated),
        "restingOrders: applies only to cross margin; resting orders do not touch an isolated position's margin"
    );
    let binance = Plan { model: scaleplan::liquidation::Model::Binance, ..counted.clone() };
    assert_eq!(
        field(binance),
        "restingOrders: cannot be counted under the binance model: its exchange does not count resting orders \
         against cross collateral (bingx and mexc do); leave it out"
    );
}

/// The same ladder under BingX's rule (hand arithmetic): the rungs still resting count toward the maintenance margin
/// and the closing fee at their notional, and their taker fee (0.02 %) is frozen out of the cross wallet of 300.
/// Maintenance rate plus fee 0.0042; liquidation where `300 − frozen + N − N_E = 0.0042·(N + resting)`:
///   after 0: resting 590 + 1,160 = 1,750, frozen 0.35: N = (600 − 299.65 + 7.35)/0.9958 = 308.998, LP 30,899.78 →
///            30,899.8 on the tick (alone: 300/0.9958 below 600, LP 30,126.53 → 30,126.6);
///   after 1: resting 1,160, frozen 0.232: N = (1,190 − 299.768 + 4.872)/0.9958, LP 44,943.96 → 44,944 (alone 44,687.7);
///   after 2: nothing rests: N = 2,050/0.9958, LP 51,466.16 → 51,466.2.
#[test]
fn bingx_counts_resting_rungs_in_its_maintenance_margin() {
    let counted = Plan { model: scaleplan::liquidation::Model::Bingx, ..example("mexc-cross-resting.json") };
    let liquidations = |plan: &Plan| -> Vec<String> {
        let report = evaluate_plan(plan).expect("evaluates");
        report.rows.iter().map(|r| r.liquidation_price.map(|p| p.to_string()).unwrap_or_default()).collect()
    };
    assert_eq!(liquidations(&counted), ["30899.8", "44944", "51466.2"]);
    let alone = Plan { resting_orders: None, ..counted };
    assert_eq!(liquidations(&alone), ["30126.6", "44687.7", "51466.2"]);
}
