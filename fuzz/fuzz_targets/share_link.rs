//! The share link's fragment decoder, then the plan it holds, as the app opens a `#p1.` link: decode with the
//! app's draft limit, read the text as JSON, parse it into a plan by JSON pointer, evaluate it. A decoded text
//! encodes again to a link that decodes to the same text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use scaleplan_fuzz::{check_report, from_json, message};

/// The app's limit on a draft's JSON (`app/src/draft.rs`, `MAX_DRAFT_BYTES`).
const MAX_DRAFT_BYTES: usize = 512 * 1024;

fuzz_target!(|data: &[u8]| {
    let Ok(fragment) = std::str::from_utf8(data) else { return };
    let text = match scaleplan_link::decode(fragment, MAX_DRAFT_BYTES) {
        Ok(text) => text,
        Err(e) => {
            assert!(!e.is_empty());
            return;
        }
    };
    assert!(text.len() <= MAX_DRAFT_BYTES);
    if let Ok(again) = scaleplan_link::encode(&text) {
        assert_eq!(scaleplan_link::decode(&again, MAX_DRAFT_BYTES).as_deref(), Ok(text.as_str()));
    }
    // Draft::from_plan_text and Draft::to_plan: a JSON value, then the plan through the core's reader.
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else { return };
    let Some(plan) = from_json::<scaleplan::Plan>(&value.to_string()) else { return };
    match scaleplan::evaluate_plan(&plan) {
        Ok(report) => check_report(&report),
        Err(e) => message(&e),
    }
});
