//! The liquidation calculator against published worked examples and hand-derived cases (tests/data/liquidation.txt),
//! through the same JSON input the npm package takes. One `check` drives every row; the file's header explains the
//! row format and how prices printed at other precisions are compared.

use scaleplan::liquidation::Liquidation;
use scaleplan_wasm::calculator::{calculate, LiquidationInput};
use scaleplan::num::{round_dp, Round};
use scaleplan::{Decimal, Side};
use scaleplan_tests::{data_file, rows};

/// Decimal places the calculator rounds prices to when no tick size is given.
const PLACES: u32 = 8;

#[test]
fn published_examples() {
    let text = data_file("liquidation.txt");
    let mut fragments: Vec<(String, String)> = Vec::new();
    let mut failures = Vec::new();
    let mut checked = 0;
    for (line, cells) in rows(&text) {
        let [input, outcome] = cells.as_slice() else {
            failures.push(format!("line {line}: expected `input | outcome`, found {} cells", cells.len()));
            continue;
        };
        if input.starts_with('@') {
            fragments.push((input.clone(), outcome.clone()));
            continue;
        }
        let json = fragments.iter().fold(input.clone(), |json, (name, value)| json.replace(name.as_str(), value));
        if let Err(problem) = check(&json, outcome) {
            failures.push(format!("line {line}: {problem}"));
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{} of {checked} rows failed:\n{}", failures.len(), failures.join("\n"));
    assert!(checked >= 50, "only {checked} rows were read; is tests/data/liquidation.txt complete?");
}

/// Runs one input and compares the outcome the row expects.
fn check(json: &str, outcome: &str) -> Result<(), String> {
    let parsed = serde_json::from_str::<LiquidationInput>(json);
    if let Some(expected) = outcome.strip_prefix("json error: ") {
        let error = parsed.err().ok_or("the input parsed, but the row expects a JSON error")?.to_string();
        let message = error.split(" at line ").next().unwrap_or_default();
        return same("json error", message, expected);
    }
    let input = parsed.map_err(|e| format!("the input does not parse: {e}"))?;
    let result = calculate(&input);
    if let Some(expected) = outcome.strip_prefix("error: ") {
        return match result {
            Ok(ok) => Err(format!("expected the error `{expected}`, got {ok:?}")),
            Err(error) => same("error", &error.to_string(), expected),
        };
    }
    let result = result.map_err(|e| format!("unexpected error: {e}"))?;
    for expectation in outcome.split_whitespace() {
        let (key, expected) = expectation.split_once('=').ok_or(format!("`{expectation}` is not key=value"))?;
        compare(&result, input.side, key, expected)?;
    }
    Ok(())
}

fn compare(result: &Liquidation, side: Side, key: &str, expected: &str) -> Result<(), String> {
    let matches = match key {
        "liquidationPrice" => price_matches(result.liquidation_price().map(|p| p.get()), expected, side)?,
        "bankruptcyPrice" => price_matches(result.bankruptcy_price().map(|p| p.get()), expected, side)?,
        "tier" => result.tier().map(|t| t.to_string()).as_deref().unwrap_or("none") == expected,
        "maintenanceMarginRate" => exact(result.maintenance_margin_rate().map(|r| r.get()), expected)?,
        "maintenanceAmount" => exact(result.maintenance_amount().map(|a| a.get()), expected)?,
        other => return Err(format!("unknown key `{other}`")),
    };
    if matches {
        Ok(())
    } else {
        Err(format!("{key}: expected {expected}, got {result:?}"))
    }
}

/// Compares at the precision the source prints (see the data file's header).
fn price_matches(ours: Option<Decimal>, expected: &str, side: Side) -> Result<bool, String> {
    let Some(ours) = ours else { return Ok(expected == "none") };
    if expected == "none" {
        return Ok(false);
    }
    let value = decimal(expected)?;
    let places = expected.split_once('.').map_or(0, |(_, fraction)| fraction.len());
    let places = u32::try_from(places).map_err(|e| e.to_string())?;
    Ok(match places.cmp(&PLACES) {
        std::cmp::Ordering::Less => round_dp(ours, places, Round::Nearest) == value,
        std::cmp::Ordering::Equal => {
            let step = Decimal::new(1, PLACES);
            let neighbour = match side {
                Side::Long => value + step,
                Side::Short => value - step,
            };
            ours == value || ours == neighbour
        }
        std::cmp::Ordering::Greater => round_dp(value, PLACES, side.conservative_liquidation()) == ours,
    })
}

fn exact(ours: Option<Decimal>, expected: &str) -> Result<bool, String> {
    match ours {
        None => Ok(expected == "none"),
        Some(ours) => Ok(expected != "none" && ours == decimal(expected)?),
    }
}

fn decimal(text: &str) -> Result<Decimal, String> {
    Decimal::from_str_exact(text).map_err(|e| format!("`{text}`: {e}"))
}

fn same(what: &str, actual: &str, expected: &str) -> Result<(), String> {
    if actual == expected {
        Ok(())
    } else {
        Err(format!("{what}:\n  expected `{expected}`\n  got      `{actual}`"))
    }
}

/// The result crosses into JavaScript as decimal strings and nulls, with camelCase keys.
#[test]
fn result_serializes_as_the_calculator_output() -> Result<(), String> {
    let json = r#"{"model":"binance","contract":"linear","side":"long","quantity":"0.02","entryPrice":"50000",
        "walletBalance":"500","maintenanceMarginRate":"0.004"}"#;
    let input: LiquidationInput = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let result = calculate(&input).map_err(|e| e.to_string())?;
    let output = serde_json::to_value(&result).map_err(|e| e.to_string())?;
    let expected = serde_json::json!({
        "liquidationPrice": "25100.40160643",
        "bankruptcyPrice": "25000",
        "tier": null,
        "maintenanceMarginRate": "0.004",
        "maintenanceAmount": "0",
    });
    assert_eq!(output, expected);

    let tiered = r#"{"model":"binance","contract":"linear","side":"long","quantity":"1","entryPrice":"50000",
        "walletBalance":"60000","tiers":[{"notionalFloor":"0","notionalCap":null,"maintenanceMarginRate":"0.004",
        "maintenanceAmount":"0","maxLeverage":"125"}]}"#;
    let input: LiquidationInput = serde_json::from_str(tiered).map_err(|e| e.to_string())?;
    let output = serde_json::to_value(calculate(&input).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
    let expected = serde_json::json!({
        "liquidationPrice": null,
        "bankruptcyPrice": null,
        "tier": null,
        "maintenanceMarginRate": null,
        "maintenanceAmount": null,
    });
    assert_eq!(output, expected);
    Ok(())
}
