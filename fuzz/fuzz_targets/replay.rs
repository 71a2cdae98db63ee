//! The replay as the bindings' `replayPlan` runs it: a plan (JSON), a NUL byte, candles (pasted text), a NUL
//! byte, then the rules (`ReplayRules` JSON; empty for the defaults). Events come in bar order within the bars
//! replayed, the entries never fill more than the plan places, and an unfilled tranche is one of the plan's.
#![no_main]
use libfuzzer_sys::fuzz_target;
use scaleplan::candles::parse;
use scaleplan::replay::{Ending, EventKind};
use scaleplan::{replay_plan, ReplayRules};
use scaleplan_fuzz::{from_json, message, texts, to_json};

fuzz_target!(|data: &[u8]| {
    let Some(parts) = texts(data, 3) else { return };
    let Some(plan) = from_json::<scaleplan::Plan>(parts[0]) else { return };
    let candles = match parse(parts[1]) {
        Ok(candles) => candles,
        Err(e) => return message(&e),
    };
    let rules = if parts[2].trim().is_empty() {
        ReplayRules::default()
    } else {
        let Some(rules) = from_json::<ReplayRules>(parts[2]) else { return };
        rules
    };
    let report = match replay_plan(&plan, &candles, &rules) {
        Ok(report) => report,
        Err(e) => return message(&e),
    };
    assert!(report.bars <= candles.len());
    for pair in report.events.windows(2) {
        assert!(pair[0].bar <= pair[1].bar, "events in bar order");
    }
    for event in &report.events {
        assert!(event.bar < candles.len(), "event on bar {} of {}", event.bar, candles.len());
    }
    assert!(report.filled_quantity <= report.planned_quantity, "filled more than the plan places");
    if report.ending == Ending::EndOfData {
        assert!(matches!(report.events.last().map(|e| e.kind), Some(EventKind::EndOfData)));
    }
    let rungs = scaleplan::evaluate_plan(&plan).map(|r| r.ladder.rungs().len()).unwrap_or(0);
    assert!(report.unfilled.iter().all(|&i| i < rungs), "an unfilled tranche the plan does not have");
    to_json(&report);
});
