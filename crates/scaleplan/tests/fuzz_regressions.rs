//! Inputs the fuzz targets (`fuzz/`) found crashing, fed exactly as found, each with the answer the engine owes.
//!
//! An input file is what the target read: several texts are separated by NUL bytes, in the target's order (see
//! `fuzz/fuzz_targets/<target>.rs`).
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use scaleplan::solver::{check_plan, fit_plan, FitSpec};
use scaleplan::{evaluate_plan, Error, Plan};

/// The NUL-separated texts of a fuzz input.
fn texts(input: &str) -> Vec<&str> {
    input.split('\0').collect()
}

/// fuzz target `solver`: the guide's ETH plan with its first target moved below the stop (1650 under a long's
/// stop at 2850). The plan does not evaluate, yet the solver fitted it: it checked the plan without its exits,
/// then handed back a "fitted" plan that does not evaluate either. The plan's own error must come first.
#[test]
fn solver_refuses_a_plan_whose_exits_do_not_evaluate() {
    let parts = texts(include_str!("fuzz/solver-exit-target-beyond-stop"));
    let plan: Plan = serde_json::from_str(parts[0]).unwrap();
    let spec: FitSpec = serde_json::from_str(parts[1]).unwrap();
    let own = evaluate_plan(&plan).expect_err("a target below a long's stop");
    assert_eq!(own.field(), Some("exits.targets[0].price"), "{own}");
    let fit = fit_plan(&plan, &spec).expect_err("the solver must not fit a plan that does not evaluate");
    assert_eq!(fit, own);
    assert_eq!(check_plan(&plan, &spec).expect_err("nor check it"), own);
    assert!(matches!(fit, Error::Invalid { .. }));
}

/// fuzz target `solver`, every input its 10-minute run found (the same bug as above, on variations of that plan:
/// targets below the stop, or above it but below a rung, leverage goals with 1 % and 2 % buffers): either the plan
/// is refused with its own error, or the fitted plan meets the spec it was fitted to.
#[test]
fn solver_fits_only_plans_that_evaluate() {
    let inputs = [
        include_str!("fuzz/solver-0b4a86c82faa"),
        include_str!("fuzz/solver-5629c306f9c7"),
        include_str!("fuzz/solver-c41977b10beb"),
        include_str!("fuzz/solver-c912571c4d3a"),
        include_str!("fuzz/solver-d203c4f2453b"),
    ];
    for (i, input) in inputs.iter().enumerate() {
        let parts = texts(input);
        let plan: Plan = serde_json::from_str(parts[0]).unwrap();
        let spec: FitSpec = serde_json::from_str(parts[1]).unwrap();
        match (evaluate_plan(&plan), fit_plan(&plan, &spec)) {
            (Err(own), fit) => assert_eq!(fit.expect_err("a plan that does not evaluate"), own, "input {i}"),
            (Ok(_), Ok(fit)) => {
                if let Some(fitted) = &fit.plan {
                    assert_eq!(check_plan(fitted, &spec), Ok(None), "input {i}: the fitted plan breaks its spec");
                }
            }
            (Ok(_), Err(e)) => panic!("input {i}: a plan that evaluates is not fitted: {e}"),
        }
    }
}
