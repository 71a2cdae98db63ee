//! The solver's promises, on random plans: the answer meets every constraint and one step beyond it breaks one
//! (size and leverage, all seven liquidation models, both sides and margin modes); and the monotonicity the bisection
//! relies on holds where flooring cannot wobble the proportions (sizes that split exactly): a size or leverage
//! below one that fits also fits.

use proptest::prelude::*;
use scaleplan::ladder::{LadderSpec, Total};
use scaleplan::plan::Entries;
use scaleplan::solver::{check_plan, fit_plan, Buffer, BreachKind, FitSpec, Goal};
use scaleplan::{Decimal, Leverage, Percent, Plan, Quantity};

fn ok<T>(result: scaleplan::Result<T>) -> Result<T, TestCaseError> {
    result.map_err(|e| TestCaseError::fail(e.to_string()))
}

/// A generated ladder of `count` rungs between 1 % and `depth` % away from 50,000 on the entry side, a stop
/// `stop_gap` % beyond the last rung, Binance-like BTC tiers, and the rest as drawn.
#[derive(Debug, Clone)]
struct Case {
    long: bool,
    model: &'static str,
    cross: bool,
    count: u32,
    depth: u32,
    stop_gap: u32,
    steps_per_rung: u64,
    leverage: u32,
    wallet: u32,
    risk: Option<u32>,
    buffer: Buffer,
}

fn case() -> impl Strategy<Value = Case> {
    (
        any::<bool>(),
        proptest::sample::select(vec!["binance", "bybit", "okx", "hyperliquid", "bingx", "mexc", "weex"]),
        any::<bool>(),
        1u32..8,
        2u32..20,
        1u32..15,
        1u64..2_000,
        1u32..60,
        500u32..200_000,
        proptest::option::of(1u32..10),
        prop_oneof![
            (1u32..80).prop_map(|p| Buffer::StopDistancePercent(Percent::new("", Decimal::from(p)).unwrap_or_else(|_| unreachable!()))),
            (1u32..10).prop_map(|p| Buffer::PricePercent(Percent::new("", Decimal::from(p)).unwrap_or_else(|_| unreachable!()))),
        ],
    )
        .prop_map(|(long, model, cross, count, depth, stop_gap, steps_per_rung, leverage, wallet, risk, buffer)| Case {
            long,
            model,
            cross,
            count,
            depth,
            stop_gap,
            steps_per_rung,
            leverage,
            wallet,
            risk,
            buffer,
        })
}

impl Case {
    fn plan(&self) -> Result<Plan, TestCaseError> {
        let sign: i64 = if self.long { -1 } else { 1 };
        let at = |percent: i64| 50_000 + sign * 500 * percent;
        let from = at(1);
        let to = at(i64::from(self.depth));
        let stop = at(i64::from(self.depth + self.stop_gap));
        let count = if from == to { 1 } else { self.count.max(2) };
        // Flat rungs of `steps_per_rung` steps each: the total splits exactly.
        let total = Decimal::new(i64::try_from(self.steps_per_rung).unwrap_or(1) * i64::from(count), 3);
        let risk = self.risk.map_or(String::new(), |r| format!(r#", "riskPercent": "{r}""#));
        let json = format!(
            r#"{{"version": 1, "instrument": {{"symbol": "BTCUSDT", "contract": {{"kind": "linear"}},
            "tickSize": "0.1", "quantityStep": "0.001", "minQuantity": "0", "minNotional": "0",
            "makerFee": "0.0002", "takerFee": "0.0005", "tiers": [
              {{"notionalFloor": "0", "notionalCap": "50000", "maintenanceMarginRate": "0.004", "maintenanceAmount": "0", "maxLeverage": "125"}},
              {{"notionalFloor": "50000", "notionalCap": "600000", "maintenanceMarginRate": "0.005", "maintenanceAmount": "50", "maxLeverage": "100"}},
              {{"notionalFloor": "600000", "notionalCap": "3000000", "maintenanceMarginRate": "0.0065", "maintenanceAmount": "950", "maxLeverage": "75"}},
              {{"notionalFloor": "3000000", "notionalCap": null, "maintenanceMarginRate": "0.01", "maintenanceAmount": "11450", "maxLeverage": "50"}}]}},
            "model": "{model}", "side": "{side}", "marginMode": "{mode}", "account": {{"wallet": "{wallet}"{risk}}},
            "leverage": "{leverage}", "stop": "{stop}",
            "entries": {{"ladder": {{"generate": {{"from": "{from}", "to": "{to}", "count": {count}}},
            "total": {{"quantity": "{total}"}}}}}}}}"#,
            model = self.model,
            side = if self.long { "long" } else { "short" },
            mode = if self.cross { "cross" } else { "isolated" },
            wallet = self.wallet,
            leverage = self.leverage,
        );
        serde_json::from_str(&json).map_err(|e| TestCaseError::fail(format!("{e}: {json}")))
    }

    fn spec(&self, goal: Goal) -> FitSpec {
        FitSpec {
            goal,
            buffer: Some(self.buffer),
            risk_percent: None,
        }
    }
}

fn with_total(plan: &Plan, quantity: Decimal) -> Result<Plan, TestCaseError> {
    let mut plan = plan.clone();
    if let Entries::Ladder(LadderSpec { total, .. }) = &mut plan.entries {
        *total = Some(Total::Quantity(ok(Quantity::new("", quantity))?));
    }
    Ok(plan)
}

fn with_leverage(plan: &Plan, leverage: Decimal) -> Result<Plan, TestCaseError> {
    Ok(Plan { leverage: ok(Leverage::new("", leverage))?, ..plan.clone() })
}

fn count(plan: &Plan) -> u64 {
    match &plan.entries {
        Entries::Ladder(LadderSpec { generate: Some(g), .. }) => u64::from(g.count),
        _ => 1,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn the_fitted_size_meets_every_constraint_and_one_step_more_breaks_one(case in case()) {
        let plan = case.plan()?;
        let spec = case.spec(Goal::Size);
        let fit = ok(fit_plan(&plan, &spec))?;
        match (fit.value, &fit.plan) {
            (Some(value), Some(fitted)) => {
                prop_assert_eq!(ok(check_plan(fitted, &spec))?, None);
                if fit.binding.kind != BreachKind::DecimalRange {
                    let next = ok(check_plan(&with_total(&plan, value + Decimal::new(1, 3))?, &spec))?;
                    prop_assert_eq!(next.map(|b| b.kind), Some(fit.binding.kind));
                }
            }
            (None, None) => {
                // Nothing fits: the smallest size that places every rung breaks what the answer names.
                let smallest = with_total(&plan, Decimal::new(i64::try_from(count(&plan)).unwrap_or(1), 3))?;
                prop_assert_eq!(ok(check_plan(&smallest, &spec))?.map(|b| b.kind), Some(fit.binding.kind));
            }
            other => prop_assert!(false, "value and plan disagree: {:?}", other),
        }
    }

    #[test]
    fn the_fitted_leverage_meets_every_constraint_and_one_more_breaks_one(case in case()) {
        let plan = case.plan()?;
        let spec = case.spec(Goal::Leverage);
        let fit = ok(fit_plan(&plan, &spec))?;
        if let (Some(value), Some(fitted)) = (fit.value, &fit.plan) {
            prop_assert_eq!(ok(check_plan(fitted, &spec))?, None);
            if value < Decimal::from(1000) {
                let next = ok(check_plan(&with_leverage(&plan, value + Decimal::ONE)?, &spec))?;
                prop_assert_eq!(next.map(|b| b.kind), Some(fit.binding.kind));
            } else {
                prop_assert_eq!(fit.binding.kind, BreachKind::LeverageLimit);
            }
        } else {
            prop_assert_eq!(ok(check_plan(&with_leverage(&plan, Decimal::ONE)?, &spec))?.map(|b| b.kind), Some(fit.binding.kind));
        }
    }

    #[test]
    fn a_smaller_exact_size_fits_whenever_a_larger_one_does(case in case(), a in 1u64..3_000, b in 1u64..3_000) {
        let plan = case.plan()?;
        let spec = case.spec(Goal::Size);
        let per_rung = Decimal::new(1, 3) * Decimal::from(count(&plan));
        let (small, large) = (a.min(b), a.max(b));
        let fits = |k: u64| -> Result<bool, TestCaseError> {
            Ok(ok(check_plan(&with_total(&plan, per_rung * Decimal::from(k))?, &spec))?.is_none())
        };
        if fits(large)? {
            prop_assert!(fits(small)?, "{} fits but {} does not", large, small);
        }
    }

    #[test]
    fn a_lower_leverage_fits_whenever_a_higher_one_does(case in case(), a in 1u32..300, b in 1u32..300) {
        let plan = case.plan()?;
        let spec = case.spec(Goal::Leverage);
        let (low, high) = (a.min(b), a.max(b));
        let fits = |l: u32| -> Result<bool, TestCaseError> {
            Ok(ok(check_plan(&with_leverage(&plan, Decimal::from(l))?, &spec))?.is_none())
        };
        if fits(high)? {
            prop_assert!(fits(low)?, "{}x fits but {}x does not", high, low);
        }
    }
}
