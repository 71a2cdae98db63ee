//! Resting rungs counted against a cross wallet (`restingOrders: counted`, docs/research/exchanges.md §4): for any
//! MEXC or BingX cross ladder, once the last rung fills nothing rests and the row is the position's own; before that
//! the counted liquidation is never further from the entry than the position's own; and under MEXC, whose rule is
//! to leave the rungs' margin out of the cross equity, each row is exactly the position's own with the wallet less
//! the margin of the rungs still resting.

use proptest::prelude::*;
use rust_decimal::Decimal;
use scaleplan::liquidation::Model;
use scaleplan::plan::Resting;
use scaleplan::{evaluate_plan, Plan, PlanReport, Side};
use serde_json::json;

#[derive(Debug, Clone)]
struct Ladder {
    model: Model,
    side: Side,
    wallet: i64,
    leverage: i64,
    /// Rungs as (distance from 50,000 in 0.1 % steps on the side the position is built, quantity in 0.001).
    rungs: Vec<(i64, i64)>,
    rate: i64,
}

fn ladder() -> impl Strategy<Value = Ladder> {
    (
        prop_oneof![Just(Model::Mexc), Just(Model::Bingx)],
        prop_oneof![Just(Side::Long), Just(Side::Short)],
        100_i64..=20_000,
        1_i64..=50,
        prop::collection::vec((0_i64..=300, 1_i64..=200), 1..6),
        1_i64..=50,
    )
        .prop_map(|(model, side, wallet, leverage, rungs, rate)| Ladder { model, side, wallet, leverage, rungs, rate })
}

impl Ladder {
    /// Rung prices in fill order (a long buys lower as it goes, a short higher), one per distance.
    fn prices(&self) -> Vec<Decimal> {
        let mut distances: Vec<i64> = self.rungs.iter().map(|(d, _)| *d).collect();
        distances.sort_unstable();
        distances.dedup();
        let sign = self.side.sign();
        distances.iter().map(|d| Decimal::from(50_000) * (Decimal::ONE - sign * Decimal::new(*d, 3))).collect()
    }

    fn quantities(&self) -> Vec<Decimal> {
        self.rungs.iter().take(self.prices().len()).map(|(_, q)| Decimal::new(*q, 3)).collect()
    }

    fn plan(&self, wallet: Decimal, resting: Option<Resting>) -> Plan {
        let tranches: Vec<serde_json::Value> = self
            .prices()
            .iter()
            .zip(self.quantities())
            .map(|(p, q)| json!({"price": p.round_dp(1).to_string(), "quantity": q.to_string()}))
            .collect();
        let mut plan = json!({
            "version": 1,
            "instrument": {
                "symbol": "TEST", "contract": {"kind": "linear"}, "tickSize": "0.1", "quantityStep": "0.001",
                "minQuantity": "0.001", "minNotional": "0", "makerFee": "0", "takerFee": "0.0005",
                "tiers": [{"notionalFloor": "0", "notionalCap": null,
                           "maintenanceMarginRate": Decimal::new(self.rate, 3).to_string(),
                           "maintenanceAmount": "0", "maxLeverage": "1000"}]
            },
            "model": self.model,
            "side": self.side,
            "marginMode": "cross",
            "account": {"wallet": wallet.to_string()},
            "leverage": self.leverage.to_string(),
            "entries": {"ladder": {"tranches": tranches}}
        });
        if let Some(resting) = resting {
            plan["restingOrders"] = json!(resting);
        }
        serde_json::from_value(plan).unwrap_or_else(|e| panic!("the generated plan parses: {e}"))
    }

    fn report(&self, wallet: Decimal, resting: Option<Resting>) -> Option<PlanReport> {
        evaluate_plan(&self.plan(wallet, resting)).ok()
    }
}

/// How far a liquidation price lies from `entry` on the losing side; `None` is infinitely far.
fn distance(side: Side, entry: Decimal, price: Option<Decimal>) -> Option<Decimal> {
    price.map(|p| (entry - p) * side.sign())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn counted_rungs_never_make_a_row_safer_and_vanish_once_filled(ladder in ladder()) {
        let wallet = Decimal::from(ladder.wallet);
        let (Some(counted), Some(alone)) =
            (ladder.report(wallet, Some(Resting::Counted)), ladder.report(wallet, Some(Resting::Ignored)))
        else {
            return Ok(());
        };
        prop_assert_eq!(counted.rows.len(), alone.rows.len());
        for (with, without) in counted.rows.iter().zip(&alone.rows) {
            let entry = without.average_entry.map(|e| e.get()).unwrap_or_default();
            let near = distance(ladder.side, entry, with.liquidation_price.map(|p| p.get()));
            let far = distance(ladder.side, entry, without.liquidation_price.map(|p| p.get()));
            let safer = match (near, far) {
                (None, Some(_)) => true,
                (Some(n), Some(f)) => n > f,
                _ => false,
            };
            prop_assert!(!safer, "row {}: counted {:?} is further than alone {:?}", with.index,
                with.liquidation_price, without.liquidation_price);
        }
        prop_assert_eq!(counted.rows.last(), alone.rows.last());
    }

    #[test]
    fn mexc_counts_exactly_the_resting_margin(ladder in ladder()) {
        let ladder = Ladder { model: Model::Mexc, ..ladder };
        let wallet = Decimal::from(ladder.wallet);
        let Some(counted) = ladder.report(wallet, Some(Resting::Counted)) else { return Ok(()) };
        let leverage = Decimal::from(ladder.leverage);
        let margins: Vec<Decimal> = counted.ladder.rungs().iter()
            .map(|r| r.quantity().get() * r.price().get() / leverage)
            .collect();
        for (i, row) in counted.rows.iter().enumerate() {
            let resting: Decimal = margins.iter().skip(i + 1).copied().sum();
            if resting > wallet {
                // Counted, the row is liquidated as it opens; a negative wallet has no plan to compare with.
                let gap = match (row.liquidation_price, row.average_entry) {
                    (Some(l), Some(e)) => (l.get() - e.get()).abs(),
                    _ => Decimal::ONE,
                };
                prop_assert!(gap < Decimal::new(1, 8), "row {}: {:?} is not the entry {:?}", i, row.liquidation_price, row.average_entry);
                continue;
            }
            let Some(smaller) = ladder.report(wallet - resting, None) else { continue };
            let expected = smaller.rows.get(i).and_then(|r| r.liquidation_price);
            prop_assert_eq!(row.liquidation_price, expected, "row {} with {} resting", i, resting);
        }
    }
}
