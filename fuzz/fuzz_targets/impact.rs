//! The impact walk as the bindings' `marketImpact` runs it: a book (pasted depth text, or a parametric book as
//! JSON), a NUL byte, then the orders (`ImpactRequest` JSON). Every execution accounts for its whole request, no
//! slippage against the arrival price is negative, the tranches add up to the lump sum, and the largest order
//! within a budget is on its grid, fills whole and keeps its average within the limit price.
#![no_main]
use libfuzzer_sys::fuzz_target;
use scaleplan::impact::{market_impact, parse_depth, Execution, ImpactRequest, OrderSide, ParametricBook};
use scaleplan::Decimal;
use scaleplan_fuzz::{from_json, message, texts, to_json};

fn check_execution(e: &Execution) {
    assert_eq!(e.filled.checked_add(e.unfilled), Some(e.requested.get()), "filled + unfilled = requested");
    assert!(e.filled >= Decimal::ZERO && e.unfilled >= Decimal::ZERO);
    if let Some(bps) = e.slippage_bps {
        assert!(bps >= Decimal::ZERO, "slippage against the arrival best price is never negative: {bps}");
    }
    let quantities = e.fills.iter().try_fold(Decimal::ZERO, |s, f| s.checked_add(f.quantity.get()));
    assert_eq!(quantities, Some(e.filled), "the fills add up to the filled quantity");
}

fuzz_target!(|data: &[u8]| {
    let Some(parts) = texts(data, 2) else { return };
    let (book, orders) = (parts[0], parts[1]);
    let parsed = match parse_depth(book) {
        Ok(parsed) => parsed,
        Err(e) => {
            message(&e);
            let Some(parametric) = from_json::<ParametricBook>(book) else { return };
            match parametric.build() {
                Ok(parsed) => parsed,
                Err(e) => return message(&e),
            }
        }
    };
    let Some(request) = from_json::<ImpactRequest>(orders) else { return };
    let report = match market_impact(&parsed, &request) {
        Ok(report) => report,
        Err(e) => return message(&e),
    };
    let c = &report.comparison;
    check_execution(&c.lump);
    check_execution(&c.combined);
    c.tranches.iter().for_each(check_execution);
    let total = c.tranches.iter().try_fold(Decimal::ZERO, |s, t| s.checked_add(t.requested.get()));
    assert_eq!(total, Some(c.lump.requested.get()), "the tranches add up to the lump sum");
    assert_eq!(c.combined.requested, c.lump.requested);
    assert_eq!(report.max_within_budget.is_some(), request.budget_bps.is_some());
    if let Some(max) = &report.max_within_budget {
        assert_eq!(max.quantity.checked_rem(max.step.get()), Some(Decimal::ZERO), "on the step grid");
        if let (Some(execution), Some(limit)) = (&max.execution, max.limit_price) {
            check_execution(execution);
            assert_eq!(execution.unfilled, Decimal::ZERO, "the largest order within budget fills whole");
            if let Some(room) = limit.checked_mul(execution.filled) {
                match request.side {
                    OrderSide::Buy => assert!(execution.notional <= room, "average above the limit price"),
                    OrderSide::Sell => assert!(execution.notional >= room, "average below the limit price"),
                }
            }
        }
    }
    to_json(&report);
});
