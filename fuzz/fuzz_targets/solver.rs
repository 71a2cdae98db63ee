//! The solver as the bindings' `solvePlan` runs it: a plan (JSON), a NUL byte, then the spec (`FitSpec` JSON,
//! `{"goal":"size"}`). An answer comes with its plan, and that plan meets every constraint of the spec.
#![no_main]
use libfuzzer_sys::fuzz_target;
use scaleplan::solver::{check_plan, fit_plan, FitSpec};
use scaleplan_fuzz::{from_json, message, texts, to_json};

fuzz_target!(|data: &[u8]| {
    let Some(parts) = texts(data, 2) else { return };
    let Some(plan) = from_json::<scaleplan::Plan>(parts[0]) else { return };
    let Some(spec) = from_json::<FitSpec>(parts[1]) else { return };
    let fit = match fit_plan(&plan, &spec) {
        Ok(fit) => fit,
        Err(e) => return message(&e),
    };
    assert_eq!(fit.goal, spec.goal);
    assert!(!fit.binding.message.is_empty());
    assert_eq!(fit.value.is_some(), fit.plan.is_some(), "an answer comes with its plan");
    if let Some(fitted) = &fit.plan {
        match check_plan(fitted, &spec) {
            Ok(None) => {}
            Ok(Some(breach)) => panic!("the fitted plan breaks {:?}: {}", breach.kind, breach.message),
            Err(e) => panic!("the fitted plan does not evaluate: {e}"),
        }
    }
    to_json(&fit);
});
