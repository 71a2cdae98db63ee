//! Scaling out against hand-worked examples of the guide (tests/data/scaleout.txt): a plan file with exits, and
//! positions entered directly, checked step by step through the public API, with their warnings and errors.

use std::collections::BTreeMap;

use scaleplan::presets::preset;
use scaleplan::{evaluate_exits, evaluate_plan, ExitInput, Plan};
use scaleplan_tests::{data_file, repo_root, rows};

/// What a case evaluates to: the exit report as JSON (the shape the npm package and the app see), or the error.
type Outcome = Result<serde_json::Value, String>;

fn plan_file(name: &str) -> Plan {
    let path = repo_root().join("crates/scaleplan/data/examples").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// An `input` row's JSON, with the named preset's instrument filled in.
fn exit_input(line: usize, preset_name: &str, json: &str) -> ExitInput {
    let mut value: serde_json::Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("line {line}: the input is not JSON: {e}"));
    if preset_name != "-" {
        let (exchange, symbol) = preset_name.split_once(' ').expect("a preset is named `exchange SYMBOL`");
        let found =
            preset(exchange, symbol).expect("presets parse").unwrap_or_else(|| panic!("no preset {preset_name}"));
        value["instrument"] = serde_json::to_value(found.instrument).expect("an instrument serializes");
    }
    serde_json::from_value(value).unwrap_or_else(|e| panic!("line {line}: not an exit input: {e}"))
}

fn outcomes(table: &[(usize, Vec<String>)]) -> BTreeMap<String, Outcome> {
    let mut cases = BTreeMap::new();
    for (line, cells) in table {
        let outcome = match cells.as_slice() {
            [kind, case, file] if kind == "plan" => {
                let report = evaluate_plan(&plan_file(file)).map_err(|e| e.to_string());
                report.map(|r| serde_json::to_value(r.exits.expect("the plan has exits")).expect("serializes"))
            }
            [kind, case, preset_name, json] if kind == "input" => {
                let report = evaluate_exits(&exit_input(*line, preset_name, json)).map_err(|e| e.to_string());
                report.map(|r| serde_json::to_value(r).expect("a report serializes"))
            }
            _ => continue,
        };
        let case = cells.get(1).expect("a case name").clone();
        assert!(cases.insert(case.clone(), outcome).is_none(), "line {line}: case {case} is defined twice");
    }
    cases
}

/// A JSON value as the data file writes it: strings bare, `null` for none.
fn text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn exits_match_hand_arithmetic() {
    let data = data_file("scaleout.txt");
    let table = rows(&data);
    let cases = outcomes(&table);
    let report = |line: usize, case: &str| -> &serde_json::Value {
        match cases.get(case) {
            Some(Ok(report)) => report,
            Some(Err(e)) => panic!("line {line}: case {case} failed: {e}"),
            None => panic!("line {line}: no case {case}"),
        }
    };
    let mut warnings: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut checked = 0;
    for (line, cells) in &table {
        match cells.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
            ["plan" | "input", ..] => {}
            ["step", case, index, field, expected] => {
                let step = &report(*line, case)["steps"][index.parse::<usize>().expect("a step index")];
                assert!(!step.is_null(), "line {line}: case {case} has no step {index}");
                assert_eq!(text(&step[*field]), *expected, "line {line}: {case} steps[{index}].{field}");
                checked += 1;
            }
            ["report", case, field, expected] => {
                assert_eq!(text(&report(*line, case)[*field]), *expected, "line {line}: {case} {field}");
                checked += 1;
            }
            ["warning", case, kind] => warnings.entry((*case).to_owned()).or_default().push((*kind).to_owned()),
            ["error", case, expected] => {
                match cases.get(*case) {
                    Some(Err(message)) => assert_eq!(message, expected, "line {line}: {case}"),
                    other => panic!("line {line}: case {case} was expected to fail, got {other:?}"),
                }
                checked += 1;
            }
            other => panic!("line {line}: unknown row {other:?}"),
        }
    }
    assert!(checked >= 60, "the data file lost its rows ({checked} checked)");
    for (case, outcome) in &cases {
        let Ok(report) = outcome else { continue };
        let kinds: Vec<String> =
            report["warnings"].as_array().expect("warnings are a list").iter().map(|w| text(&w["kind"])).collect();
        assert_eq!(kinds, warnings.get(case).cloned().unwrap_or_default(), "{case}: warnings {}", report["warnings"]);
    }
}

#[test]
fn the_example_plan_keeps_its_entries_and_round_trips() {
    let plan = plan_file("guide-eth-scaleout.json");
    let report = evaluate_plan(&plan).expect("the example evaluates");
    // The scale-in rows are the plan's own: 2.5 ETH at 3,050 and 2.5 at 2,950 average 3,000.
    let last = report.rows.last().expect("rows");
    assert_eq!(last.average_entry.map(|p| p.to_string()).as_deref(), Some("3000"));
    let exits = report.exits.expect("exits");
    assert_eq!(exits.average_entry.to_string(), "3000");
    assert_eq!(exits.quantity.to_string(), last.cumulative_quantity.to_string());
    // The file writes what it reads: saving a loaded plan gives the same plan back.
    let saved = serde_json::to_string(&plan).expect("a plan serializes");
    let reloaded: Plan = serde_json::from_str(&saved).expect("a saved plan loads");
    assert_eq!(reloaded, plan);
    // A plan without exits reports none and serializes without the field.
    let mut plain = plan.clone();
    plain.exits = None;
    assert!(evaluate_plan(&plain).expect("evaluates").exits.is_none());
    assert!(!serde_json::to_string(&plain).expect("serializes").contains("exits"));
}

#[test]
fn plan_file_errors_name_the_exit_field() {
    let text = std::fs::read_to_string(repo_root().join("crates/scaleplan/data/examples/guide-eth-scaleout.json"))
        .expect("example");
    let bad = text.replacen("\"share\": \"25\"", "\"share\": \"75\"", 1);
    let plan: Plan = serde_json::from_str(&bad).expect("still a plan");
    let err = evaluate_plan(&plan).expect_err("115 % of the original");
    assert_eq!(
        err.to_string(),
        "exits.targets[1].share: shares of the original position add up to 115 %; at most 100 %"
    );

    let bad = text.replacen("\"of\": \"original\"", "\"of\": \"all\"", 1);
    let parsed: Result<Plan, _> = serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(&bad));
    let err = parsed.expect_err("an unknown share basis");
    assert_eq!(err.path().to_string(), "exits.targets[0].of");

    let bad = text.replacen("\"target\": 0", "\"target\": 3", 1);
    let plan: Plan = serde_json::from_str(&bad).expect("still a plan");
    let err = evaluate_plan(&plan).expect_err("no fourth target");
    assert_eq!(err.field(), Some("exits.stopRules[0].when.target"));
}
