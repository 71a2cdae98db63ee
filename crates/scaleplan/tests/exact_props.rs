//! The plan's figures are the exact values rounded once: computed from the fills' exact sums (`Σ qᵢ·pᵢ`), never
//! from the 28-digit average entry multiplied back out. Where an exact figure is a tie at the 8th place (common: a
//! loss of 11,792.4268705 on a 10,000 wallet is exactly 117.924268705 %), rounding a 28-digit approximation of it
//! can fall on the wrong side; these properties hold the loss at the stop, its percentage of the wallet, R and the
//! notional to the exact rational rounded half away from zero, and the breakeven to the exact rational rounded once
//! toward the entry side (up for a long, down for a short), on linear ladders of short decimals.
#![allow(clippy::unwrap_used, clippy::arithmetic_side_effects, clippy::indexing_slicing)]

use proptest::prelude::*;
use rust_decimal::Decimal;
use scaleplan::{evaluate_plan, Plan};

/// `numerator / denominator` rounded to 8 places, halves away from zero, from the integers of both: the reference.
fn exact_out(numerator: Decimal, denominator: Decimal) -> Decimal {
    let (n, d) = (numerator.mantissa(), denominator.mantissa());
    // n·10^-sn / (d·10^-sd) at 8 places: n·10^(8 + sd − sn) / d.
    let shift = 8 + denominator.scale() as i32 - numerator.scale() as i32;
    let (n, d) = if shift >= 0 { (n * 10_i128.pow(shift as u32), d) } else { (n, d * 10_i128.pow((-shift) as u32)) };
    let (n, d) = if d < 0 { (-n, -d) } else { (n, d) };
    let (q, r) = (n.div_euclid(d), n.rem_euclid(d));
    let up = 2 * r > d || (2 * r == d && n >= 0);
    Decimal::from_i128_with_scale(if up { q + 1 } else { q }, 8).normalize()
}

/// `numerator / denominator` at 8 places rounded up (`up`) or down, from the integers of both.
fn exact_directed(numerator: Decimal, denominator: Decimal, up: bool) -> Decimal {
    let (n, d) = (numerator.mantissa(), denominator.mantissa());
    let shift = 8 + denominator.scale() as i32 - numerator.scale() as i32;
    let (n, d) = if shift >= 0 { (n * 10_i128.pow(shift as u32), d) } else { (n, d * 10_i128.pow((-shift) as u32)) };
    let (n, d) = if d < 0 { (-n, -d) } else { (n, d) };
    let (q, r) = (n.div_euclid(d), n.rem_euclid(d));
    Decimal::from_i128_with_scale(if up && r > 0 { q + 1 } else { q }, 8).normalize()
}

fn plan(tranches: &[(i64, i64)], wallet: i64, risk: i64, long: bool) -> Plan {
    let guide: serde_json::Value =
        serde_json::from_str(include_str!("../data/examples/guide-btc-ladder.json")).unwrap();
    let mut value = guide;
    let (stop, side) = if long { ("55000", "long") } else { ("75000", "short") };
    value["side"] = side.into();
    value["stop"] = stop.into();
    value["leverage"] = "20".into();
    value["account"] = serde_json::json!({ "wallet": wallet.to_string(), "riskPercent": risk.to_string() });
    value["entries"] = serde_json::json!({ "ladder": { "tranches": tranches.iter().map(|(p, q)| serde_json::json!({
        "price": Decimal::new(*p, 1).to_string(),
        "quantity": Decimal::new(*q, 3).to_string(),
    })).collect::<Vec<_>>() } });
    serde_json::from_value(value).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_000))]
    #[test]
    fn figures_are_exact_values_rounded_once(
        tranches in prop::collection::vec((600_000i64..700_000, 1i64..5_000), 1..30),
        // Round wallets, as people have them, make ties at the 8th place of the percentage and of R common.
        wallet in prop::sample::select(vec![1_000i64, 2_000, 5_000, 10_000, 25_000, 100_000, 1_000_000]),
        risk in 1i64..10,
        long in any::<bool>(),
    ) {
        let plan = plan(&tranches, wallet, risk, long);
        let Ok(report) = evaluate_plan(&plan) else { return Ok(()) };
        let (maker, taker) = (Decimal::new(2, 4), Decimal::new(5, 4));
        let stop = plan.stop.unwrap().get();
        let sign = if long { Decimal::ONE } else { Decimal::NEGATIVE_ONE };
        let wallet = Decimal::from(wallet);
        let budget = wallet * Decimal::from(risk) / Decimal::ONE_HUNDRED;
        let (mut cum, mut weighted) = (Decimal::ZERO, Decimal::ZERO);
        for (row, (p, q)) in report.rows.iter().zip(&tranches) {
            let (p, q) = (Decimal::new(*p, 1), Decimal::new(*q, 3));
            cum += q;
            weighted += q * p;
            // All of these are short exact decimals: sums and products of 1- and 3-place numbers and the fee rates.
            let fees = weighted * maker;
            let loss = (weighted - cum * stop) * sign + fees + cum * stop * taker;
            prop_assert_eq!(row.notional, exact_out(weighted, Decimal::ONE));
            prop_assert_eq!(row.loss_at_stop, Some(exact_out(loss, Decimal::ONE)));
            prop_assert_eq!(row.loss_at_stop_percent, Some(exact_out(loss * Decimal::ONE_HUNDRED, wallet)));
            prop_assert_eq!(row.r, Some(exact_out(loss, budget)));
            prop_assert_eq!(row.average_entry.map(|e| e.get()), Some(exact_out(weighted, cum)));
            let breakeven = if long {
                exact_directed(weighted + fees, cum * (Decimal::ONE - taker), true)
            } else {
                exact_directed(weighted - fees, cum * (Decimal::ONE + taker), false)
            };
            prop_assert_eq!(row.breakeven.map(|b| b.get()), Some(breakeven));
        }
    }
}
