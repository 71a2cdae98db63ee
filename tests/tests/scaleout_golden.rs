//! Scaling out against hand-worked examples of the guide (tests/data/scaleout.txt): a plan file with exits, and
//! positions entered directly, checked step by step through the public API, with their warnings and errors. One
//! pass evaluates every case; a second compares each expected row; the data file's header explains the row kinds.

use std::collections::BTreeMap;

use scaleplan::presets::preset;
use scaleplan::{evaluate_exits, evaluate_plan, ExitInput, Plan, WarningKind};
use scaleplan_tests::{data_file, repo_root, rows};

/// What a case evaluates to: the exit report as JSON (the shape the npm package and the app see), or the error as
/// the core displays it.
type Outcome = Result<serde_json::Value, String>;

fn example_text(name: &str) -> Result<String, String> {
    let path = repo_root().join("crates/scaleplan/data/examples").join(name);
    std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn plan_file(name: &str) -> Result<Plan, String> {
    serde_json::from_str(&example_text(name)?).map_err(|e| format!("{name}: {e}"))
}

/// An `input` row's JSON, with the named preset's instrument filled in.
fn exit_input(preset_name: &str, json: &str) -> Result<ExitInput, String> {
    let mut value: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("the input is not JSON: {e}"))?;
    if preset_name != "-" {
        let (exchange, symbol) =
            preset_name.split_once(' ').ok_or(format!("`{preset_name}` is not `exchange SYMBOL`"))?;
        let found = preset(exchange, symbol).map_err(|e| e.to_string())?.ok_or(format!("no preset {preset_name}"))?;
        value["instrument"] = serde_json::to_value(found.instrument).map_err(|e| e.to_string())?;
    }
    serde_json::from_value(value).map_err(|e| format!("not an exit input: {e}"))
}

/// Evaluates a `plan` or `input` row; `Err` for a row that cannot be read, `Ok(outcome)` otherwise.
fn evaluate(cells: &[&str]) -> Result<Outcome, String> {
    let json = |value: Result<serde_json::Value, serde_json::Error>| value.map_err(|e| e.to_string());
    Ok(match cells {
        ["plan", _, file] => match evaluate_plan(&plan_file(file)?) {
            Ok(report) => Ok(json(serde_json::to_value(report.exits.ok_or("the plan has no exits")?))?),
            Err(e) => Err(e.to_string()),
        },
        ["input", _, preset_name, input] => match evaluate_exits(&exit_input(preset_name, input)?) {
            Ok(report) => Ok(json(serde_json::to_value(report))?),
            Err(e) => Err(e.to_string()),
        },
        other => return Err(format!("not a case row: {other:?}")),
    })
}

/// A JSON value as the data file writes it: strings bare, `null` for none.
fn text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The report of `case`, or why there is none.
fn report<'a>(cases: &'a BTreeMap<String, Outcome>, case: &str) -> Result<&'a serde_json::Value, String> {
    match cases.get(case) {
        Some(Ok(report)) => Ok(report),
        Some(Err(e)) => Err(format!("case {case} failed: {e}")),
        None => Err(format!("no case {case}")),
    }
}

/// Compares one expectation row with the cases' outcomes.
fn check(cells: &[&str], cases: &BTreeMap<String, Outcome>) -> Result<(), String> {
    let (actual, expected) = match cells {
        ["step", case, index, field, expected] => {
            let index: usize = index.parse().map_err(|_| format!("`{index}` is not a step index"))?;
            let step = &report(cases, case)?["steps"][index];
            if step.is_null() {
                return Err(format!("{case} has no steps[{index}]"));
            }
            (text(&step[*field]), expected)
        }
        ["report", case, field, expected] => (text(&report(cases, case)?[*field]), expected),
        ["error", case, expected] => match cases.get(*case) {
            Some(Err(message)) => (message.clone(), expected),
            other => return Err(format!("{case} was expected to fail, got {other:?}")),
        },
        other => return Err(format!("unknown row {other:?}")),
    };
    if actual == *expected {
        Ok(())
    } else {
        Err(format!("expected {expected}, got {actual}"))
    }
}

#[test]
fn exits_match_hand_arithmetic() {
    let data = data_file("scaleout.txt");
    let table = rows(&data);
    let mut failures = Vec::new();
    let mut cases: BTreeMap<String, Outcome> = BTreeMap::new();
    let mut warnings: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (line, cells) in &table {
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        match cells.as_slice() {
            ["plan" | "input", case, ..] => match evaluate(&cells) {
                Ok(outcome) => {
                    if cases.insert((*case).to_owned(), outcome).is_some() {
                        failures.push(format!("line {line}: case {case} is defined twice"));
                    }
                }
                Err(problem) => failures.push(format!("line {line}: {problem}")),
            },
            ["warning", case, kind] => warnings.entry((*case).to_owned()).or_default().push((*kind).to_owned()),
            _ => {}
        }
    }
    let mut checked = 0;
    for (line, cells) in &table {
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        if matches!(cells.first(), Some(&("plan" | "input" | "warning"))) {
            continue;
        }
        match check(&cells, &cases) {
            Ok(()) => checked += 1,
            Err(problem) => failures.push(format!("line {line} ({}): {problem}", cells.join(" | "))),
        }
    }
    for (case, outcome) in &cases {
        let Ok(report) = outcome else { continue };
        let kinds: Vec<String> =
            report["warnings"].as_array().into_iter().flatten().map(|w| text(&w["kind"])).collect();
        let expected = warnings.get(case).cloned().unwrap_or_default();
        if kinds != expected {
            failures.push(format!("{case}: warnings {kinds:?}, expected {expected:?}: {}", report["warnings"]));
        }
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
    assert!(checked >= 100, "only {checked} rows were checked; is tests/data/scaleout.txt complete?");
}

#[test]
fn the_example_plan_keeps_its_entries_and_round_trips() -> Result<(), String> {
    let plan = plan_file("guide-eth-scaleout.json")?;
    let report = evaluate_plan(&plan).map_err(|e| e.to_string())?;
    // The scale-in rows are the plan's own: 2.5 ETH at 3,050 and 2.5 at 2,950 average 3,000.
    let last = report.rows.last().ok_or("no rows")?;
    assert_eq!(last.average_entry.map(|p| p.to_string()).as_deref(), Some("3000"));
    let exits = report.exits.ok_or("no exits")?;
    assert_eq!(exits.average_entry.to_string(), "3000");
    assert_eq!(exits.quantity.to_string(), last.cumulative_quantity.to_string());
    // The file writes what it reads: saving a loaded plan gives the same plan back.
    let saved = serde_json::to_string(&plan).map_err(|e| e.to_string())?;
    let reloaded: Plan = serde_json::from_str(&saved).map_err(|e| e.to_string())?;
    assert_eq!(reloaded, plan);
    // A plan without exits reports none and serializes without the field.
    let mut plain = plan.clone();
    plain.exits = None;
    assert!(evaluate_plan(&plain).map_err(|e| e.to_string())?.exits.is_none());
    assert!(!serde_json::to_string(&plain).map_err(|e| e.to_string())?.contains("exits"));
    Ok(())
}

#[test]
fn plan_file_errors_name_the_exit_field() -> Result<(), String> {
    let text = example_text("guide-eth-scaleout.json")?;
    let with = |from: &str, to: &str| -> Result<Plan, String> {
        serde_json::from_str(&text.replacen(from, to, 1)).map_err(|e| e.to_string())
    };
    // 75 % + 40 % of the original: the second target goes over.
    let err = evaluate_plan(&with("\"share\": \"25\"", "\"share\": \"75\"")?).err().ok_or("115 % was accepted")?;
    assert_eq!(
        err.to_string(),
        "exits.targets[1].share: shares of the original position add up to 115 %; at most 100 %"
    );

    let bad = text.replacen("\"of\": \"original\"", "\"of\": \"all\"", 1);
    let parsed: Result<Plan, _> = serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(&bad));
    let err = parsed.err().ok_or("an unknown share basis was accepted")?;
    assert_eq!(err.path().to_string(), "exits.targets[0].of");

    let err = evaluate_plan(&with("\"target\": 0", "\"target\": 3")?).err().ok_or("a missing target was accepted")?;
    assert_eq!(err.field(), Some("exits.stopRules[0].when.target"));
    Ok(())
}

#[test]
fn a_plan_whose_entries_place_nothing_has_no_exits() -> Result<(), String> {
    let text = example_text("guide-eth-scaleout.json")?;
    // 0.0001 ETH in two halves floors to 0 on the 0.001 step: the ladder warns, and there is nothing to exit.
    let plan: Plan = serde_json::from_str(&text.replacen("\"quantity\": \"5\"", "\"quantity\": \"0.0001\"", 1))
        .map_err(|e| e.to_string())?;
    let report = evaluate_plan(&plan).map_err(|e| e.to_string())?;
    assert!(report.exits.is_none());
    assert!(report.warnings.iter().any(|w| w.kind() == WarningKind::ZeroQuantity));
    Ok(())
}
