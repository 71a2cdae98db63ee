//! The plan file into `evaluate_plan`: any text either is refused with a message or evaluates to one row per rung;
//! a plan that reads also writes back to the same plan (the app's JSON download and the share link rely on it).
#![no_main]
use libfuzzer_sys::fuzz_target;
use scaleplan_fuzz::{check_report, from_json, message};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Some(plan) = from_json::<scaleplan::Plan>(text) else { return };
    let written = serde_json::to_string(&plan).expect("a plan serializes");
    let read: scaleplan::Plan = serde_json::from_str(&written).expect("a written plan reads back");
    assert_eq!(read, plan, "a plan reads back as written: {written}");
    match scaleplan::evaluate_plan(&plan) {
        Ok(report) => check_report(&report),
        Err(e) => message(&e),
    }
});
