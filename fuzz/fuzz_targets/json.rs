//! The core's JSON reader (`scaleplan::json`, the plan reader of the npm package and the app) against serde_json on
//! any text: both take the same texts and read the same value, and a refusal names its field without panicking.
//!
//! Floats are compared to the last bit or two: serde_json's default float parser is not always correctly rounded
//! (its `float_roundtrip` feature is off), the reader uses the standard library's, which is. No type the reader
//! serves takes a float; they appear only in its messages.
#![no_main]
use libfuzzer_sys::fuzz_target;
use scaleplan_fuzz::message;
use serde_json::Value;

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() && y.is_f64() => {
            let (x, y) = (x.as_f64().unwrap_or(f64::NAN), y.as_f64().unwrap_or(f64::NAN));
            x == y || (x - y).abs() <= x.abs().max(y.abs()) * 4.0 * f64::EPSILON
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let ours = scaleplan::json::from_str::<Value>(text);
    let theirs = serde_json::from_str::<Value>(text);
    match (&ours, &theirs) {
        (Ok(a), Ok(b)) => assert!(same(a, b), "the readers read {text:?} differently: {a:?} and {b:?}"),
        (Err(e), Err(_)) => message(e),
        _ => panic!("the readers disagree on {text:?}: ours {ours:?}, serde_json {theirs:?}"),
    }
});
