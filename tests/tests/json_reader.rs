//! The core's JSON reader (`scaleplan::json`) against the pair it replaced, serde_json under serde_path_to_error:
//! for damaged versions of real inputs, both accept the same texts, read the same values, and refuse the rest with
//! the same field and the same message. So every message the npm package and the app printed stays as it was.
//!
//! Two differences on purpose: serde_json takes an array for an object (its fields by position), the reader refuses
//! it ("invalid type: sequence, expected struct …"), so a field is always read by its name; and where an enum gets
//! neither a string nor an object of one field, serde_json says only "expected value", the reader says what it got
//! and which enum it expected ("invalid type: sequence, expected enum ShareOf", "holds more than one field; give
//! exactly one of its choices").

use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// What serde_json + serde_path_to_error say of `text`, as the bindings printed it: `path: message` (the message
/// without serde_json's line and column, the path left out at the top).
fn theirs<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let strip = |message: String| message.split(" at line ").next().unwrap_or(&message).to_owned();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let message = strip(e.into_inner().to_string());
        if path == "." { message } else { format!("{path}: {message}") }
    })?;
    deserializer.end().map_err(|e| strip(e.to_string()))?;
    Ok(value)
}

fn ours<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    scaleplan::json::from_str(text).map_err(|e| e.to_string())
}

/// Both readers agree on `text` as a `T` (compared through `Debug`), or differ only where an array stood for an
/// object.
fn agree<T: DeserializeOwned + std::fmt::Debug>(text: &str) -> Result<(), TestCaseError> {
    let (a, b) = (ours::<T>(text), theirs::<T>(text));
    match (&a, &b) {
        (Err(ours), _) if ours.contains("invalid type: sequence, expected struct") => Ok(()),
        (Err(ours), Err(theirs))
            if theirs.ends_with("expected value") && (ours.contains(", expected enum ") || ours.contains("exactly one")) =>
        {
            Ok(())
        }
        (Ok(x), Ok(y)) => {
            prop_assert_eq!(format!("{x:?}"), format!("{y:?}"), "{}", text);
            Ok(())
        }
        (Err(x), Err(y)) => {
            prop_assert_eq!(x, y, "{}", text);
            Ok(())
        }
        _ => Err(TestCaseError::fail(format!("{text}\nours:   {a:?}\ntheirs: {b:?}"))),
    }
}

/// Every place in `value` (a JSON pointer and whether it is an object member).
fn places(value: &Value, at: &str, out: &mut Vec<String>) {
    out.push(at.to_owned());
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| places(v, &format!("{at}/{k}"), out)),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| places(v, &format!("{at}/{i}"), out)),
        _ => {}
    }
}

/// Replacements for a value: each kind of JSON, good and bad decimals, an object with an unknown field.
fn replacement(choice: u8) -> Option<Value> {
    Some(match choice % 16 {
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
        _ => return None,
    })
}

/// `value` with the thing at `pointer` replaced (or removed, for `None`), or an unknown member added to it.
fn damaged(mut value: Value, pointer: &str, choice: u8) -> Value {
    if choice >= 32 {
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

fn examples() -> Vec<(&'static str, &'static str)> {
    vec![
        ("guide-btc-ladder", include_str!("../../crates/scaleplan/data/examples/guide-btc-ladder.json")),
        ("guide-eth-scaleout", include_str!("../../crates/scaleplan/data/examples/guide-eth-scaleout.json")),
        ("mexc-cross-resting", include_str!("../../crates/scaleplan/data/examples/mexc-cross-resting.json")),
        ("sample-btc-2019", include_str!("../../crates/scaleplan/data/examples/sample-btc-2019.json")),
    ]
}

/// The guide's plan with a generated geometric ladder, skewed sizes and a risk budget: parts the examples lack.
fn generated_plan() -> String {
    let mut plan: Value = serde_json::from_str(examples()[0].1).unwrap();
    plan["entries"] = serde_json::json!({"ladder": {
        "generate": {"from": "65000", "to": "61000", "count": 5, "spacing": "geometric", "sizes": {"skew": "2"}},
        "total": {"riskBudget": {"account": "10000", "riskPercent": "2", "stop": "60000"}}}});
    plan.to_string()
}

const OTHER_INPUTS: &[(&str, &str)] = &[
    ("fit", r#"{"goal": "size", "buffer": {"pricePercent": "1"}, "riskPercent": "2"}"#),
    ("fills", r#"[{"price": "100", "quantity": "1"}, {"price": "90", "quantity": "2"}]"#),
    ("rules", r#"{"start": "2024-01-01T00:00:00Z", "intrabar": "worstCase"}"#),
    ("impact", r#"{"side": "buy", "tranches": {"kind": "equal", "total": "3", "count": 3}, "refill": {"kind": "full"}}"#),
];

#[test]
fn the_inputs_themselves_read_the_same() {
    for (name, text) in examples() {
        agree::<scaleplan::Plan>(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(ours::<scaleplan::Plan>(text).is_ok(), "{name}");
    }
    let generated = generated_plan();
    agree::<scaleplan::Plan>(&generated).unwrap();
    assert!(ours::<scaleplan::Plan>(&generated).is_ok(), "{:?}", ours::<scaleplan::Plan>(&generated));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn damaged_plans_fail_alike(which in 0_usize..5, place in any::<prop::sample::Index>(), choice in 0_u8..40) {
        let generated = generated_plan();
        let text = examples().get(which).map_or(generated.as_str(), |(_, t)| t);
        let value: Value = serde_json::from_str(text).unwrap();
        let mut all = Vec::new();
        places(&value, "", &mut all);
        let pointer = place.get(&all).as_str();
        let text = damaged(value, pointer, choice).to_string();
        agree::<scaleplan::Plan>(&text)?;
    }

    #[test]
    fn damaged_other_inputs_fail_alike(which in 0_usize..4, place in any::<prop::sample::Index>(), choice in 0_u8..40) {
        let (name, text) = OTHER_INPUTS[which];
        let value: Value = serde_json::from_str(text).unwrap();
        let mut all = Vec::new();
        places(&value, "", &mut all);
        let text = damaged(value, place.get(&all).as_str(), choice).to_string();
        match name {
            "fit" => agree::<scaleplan::solver::FitSpec>(&text)?,
            "fills" => agree::<Vec<scaleplan::Fill>>(&text)?,
            "rules" => agree::<scaleplan::ReplayRules>(&text)?,
            _ => agree::<scaleplan::impact::ImpactRequest>(&text)?,
        }
    }

    /// Damaged text, not just damaged values: both refuse the same broken JSON, and the reader never panics.
    #[test]
    fn broken_text_fails_alike(which in 0_usize..4, cut in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let (_, text) = examples()[which];
        let mut bytes = text.as_bytes().to_vec();
        let at = cut.index(bytes.len());
        bytes[at] = byte;
        if let Ok(text) = String::from_utf8(bytes) {
            let (a, b) = (ours::<scaleplan::Plan>(&text), theirs::<scaleplan::Plan>(&text));
            prop_assert_eq!(a.is_ok(), b.is_ok(), "{}\nours: {:?}\ntheirs: {:?}", text, a.err(), b.err());
        }
    }
}
