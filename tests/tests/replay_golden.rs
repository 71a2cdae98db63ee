//! Plan replays against events worked out by hand (tests/data/replay/replays.txt): hand-made candle series for
//! gaps, liquidation before the stop, schedules with funding and the intrabar rules, and the shipped real BTC
//! sample. One `check` drives every case; the data file's header explains the rows.

use std::collections::BTreeMap;

use scaleplan::candles::parse;
use scaleplan::{replay_plan, Plan, ReplayRules};
use scaleplan_tests::{data_file, repo_root, rows};

/// A case as the data file describes it.
#[derive(Default)]
struct Case {
    line: usize,
    /// Plan file, candles file, rules JSON.
    input: Vec<String>,
    events: Vec<(usize, Vec<String>)>,
    outcomes: Vec<(usize, String, String)>,
    error: Option<String>,
}

#[test]
fn replays_match_hand_worked_events() {
    let text = data_file("replay/replays.txt");
    let mut cases: BTreeMap<String, Case> = BTreeMap::new();
    let mut failures = Vec::new();
    for (line, cells) in rows(&text) {
        match cells.as_slice() {
            [kind, name, input @ ..] if kind == "case" && input.len() == 3 => {
                let case = cases.entry(name.clone()).or_default();
                case.line = line;
                case.input = input.to_vec();
            }
            [kind, name, fields @ ..] if kind == "event" && fields.len() == 12 => {
                cases.entry(name.clone()).or_default().events.push((line, fields.to_vec()));
            }
            [kind, name, field, expected] if kind == "outcome" => {
                cases.entry(name.clone()).or_default().outcomes.push((line, field.clone(), expected.clone()));
            }
            [kind, name, message] if kind == "error" => {
                cases.entry(name.clone()).or_default().error = Some(message.clone());
            }
            _ => failures.push(format!("line {line}: unknown row `{}`", cells.join(" | "))),
        }
    }
    assert!(cases.len() >= 7, "the data file lost its cases");
    for (name, case) in &cases {
        failures.extend(check(case).into_iter().map(|problem| format!("line {} ({name}): {problem}", case.line)));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Replays one case and lists every difference from what the data file expects.
fn check(case: &Case) -> Vec<String> {
    let [plan_file, candles_file, rules] = case.input.as_slice() else { return vec!["no case row".into()] };
    let (plan_text, candles_text) = match (read(plan_file), read(candles_file)) {
        (Ok(plan), Ok(candles)) => (plan, candles),
        (Err(e), _) | (_, Err(e)) => return vec![e],
    };
    let plan: Plan = match serde_json::from_str(&plan_text) {
        Ok(plan) => plan,
        Err(e) => return vec![format!("{plan_file}: {e}")],
    };
    let candles = match parse(&candles_text) {
        Ok(candles) => candles,
        Err(e) => return vec![format!("{candles_file}: {e}")],
    };
    let rules: ReplayRules = match serde_json::from_str(rules) {
        Ok(rules) => rules,
        Err(e) => return vec![format!("rules {rules}: {e}")],
    };
    let report = match (replay_plan(&plan, &candles, &rules), &case.error) {
        (Err(e), Some(expected)) => {
            return if e.to_string() == *expected {
                vec![]
            } else {
                vec![format!("error `{e}`, expected `{expected}`")]
            }
        }
        (Err(e), None) => return vec![format!("replay failed: {e}")],
        (Ok(_), Some(expected)) => return vec![format!("replayed, but expected the error `{expected}`")],
        (Ok(report), None) => report,
    };
    let json = match serde_json::to_value(&report) {
        Ok(json) => json,
        Err(e) => return vec![format!("the report does not serialize: {e}")],
    };
    let mut problems = Vec::new();
    let events = json["events"].as_array().cloned().unwrap_or_default();
    if events.len() != case.events.len() {
        problems.push(format!("{} events, expected {}: {}", events.len(), case.events.len(), summary(&events)));
    }
    for ((line, expected), actual) in case.events.iter().zip(&events) {
        let [number, kind, rest @ ..] = expected.as_slice() else { continue };
        let fields = [
            "bar",
            "price",
            "quantity",
            "fee",
            "position",
            "averageEntry",
            "stop",
            "liquidationPrice",
            "realizedPnl",
            "equity",
        ];
        let mut cells = vec![(kind.as_str(), "kind", kind_cell(actual))];
        cells.extend(rest.iter().zip(fields).map(|(want, field)| (want.as_str(), field, text(&actual[field]))));
        for (want, field, got) in cells {
            if want != got {
                problems.push(format!("line {line}: event {number} {field} is {got}, expected {want}"));
            }
        }
    }
    for (line, field, expected) in &case.outcomes {
        let got = text(&json[field.as_str()]);
        if got != *expected {
            problems.push(format!("line {line}: {field} is {got}, expected {expected}"));
        }
    }
    problems
}

/// An event's kind as the data file writes it: `fill 2`, `exit 1 targets[0]`, `stopMoved 2850 targets[0]`, `stopHit`.
fn kind_cell(event: &serde_json::Value) -> String {
    let kind = text(&event["kind"]);
    match kind.as_str() {
        "fill" => format!("fill {}", event["tranche"]),
        "exit" => format!("exit {} {}", event["step"], text(&event["rule"])),
        "stopMoved" => format!("stopMoved {} {}", text(&event["from"]), text(&event["rule"])),
        _ => kind,
    }
}

/// A report value as the data file writes it: strings bare, null as `-`, arrays as JSON.
fn text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "-".into(),
        other => other.to_string(),
    }
}

fn summary(events: &[serde_json::Value]) -> String {
    events.iter().map(|e| format!("{}@{}", text(&e["kind"]), text(&e["price"]))).collect::<Vec<_>>().join(", ")
}

fn read(path: &str) -> Result<String, String> {
    let full = repo_root().join(path);
    std::fs::read_to_string(&full).map_err(|e| format!("cannot read {}: {e}", full.display()))
}
