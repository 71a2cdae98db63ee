//! The `liquidationPrice` calculator's input (the bindings' `LiquidationInput`): no input, however large, small or
//! malformed, makes it panic.

use proptest::prelude::*;
use scaleplan::liquidation::Model;
use scaleplan::{Decimal, Leverage, Side, Tier};
use scaleplan_wasm::calculator::{calculate, Contract, LiquidationInput};

const MODELS: [Model; 7] = Model::ALL;

fn side() -> impl Strategy<Value = Side> {
    prop_oneof![Just(Side::Long), Just(Side::Short)]
}

proptest! {
    /// Arbitrary decimals, huge and tiny, valid or not, through the calculator: an answer or an error, never a panic.
    #[test]
    fn no_input_panics(
        model in proptest::sample::select(MODELS.to_vec()),
        inverse in any::<bool>(),
        side in side(),
        numbers in proptest::collection::vec(any_decimal_text(), 10),
        tiers in proptest::collection::vec(proptest::collection::vec(any_decimal_text(), 4), 0..4),
        use_tiers in any::<bool>(),
    ) {
        let text = |i: usize| numbers.get(i).cloned().unwrap_or_default();
        let some = |i: usize| Some(text(i)).filter(|t| !t.is_empty());
        let tiers = tiers
            .iter()
            .map(|t| {
                let cell = |i: usize| t.get(i).cloned().unwrap_or_default();
                Some(Tier {
                    notional_floor: cell(0).parse().ok()?,
                    notional_cap: cell(1).parse().ok(),
                    maintenance_margin_rate: cell(2).parse().ok()?,
                    maintenance_amount: cell(3).parse().ok()?,
                    max_leverage: Leverage::new("maxLeverage", Decimal::TEN).ok()?,
                })
            })
            .collect::<Option<Vec<Tier>>>();
        let input = LiquidationInput {
            model,
            contract: if inverse { Contract::Inverse } else { Contract::Linear },
            side,
            quantity: text(0),
            entry_price: text(1),
            wallet_balance: text(2),
            maintenance_margin_rate: if use_tiers { None } else { some(3) },
            maintenance_amount: some(4),
            tiers: if use_tiers { tiers } else { None },
            contract_size: if inverse { some(5) } else { None },
            margin_mode: None,
            other_maintenance_margin: some(6),
            other_unrealized_pnl: some(7),
            // Given to every model, so a fee where the model reserves none is refused, not panicked on.
            taker_fee_rate: some(8),
            tick_size: some(9),
        };
        let _ = calculate(&input);
    }
}

/// Decimal text across the whole range: tiny and huge magnitudes, extreme mantissas, signs, and some non-numbers.
fn any_decimal_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (any::<i64>(), 0_u32..=28).prop_map(|(m, s)| Decimal::new(m, s).to_string()),
        2 => (any::<i128>(), 0_u32..=28).prop_map(|(m, s)| {
            let bounded = m % 79_228_162_514_264_337_593_543_950_335_i128;
            Decimal::try_from_i128_with_scale(bounded, s).map(|d| d.to_string()).unwrap_or_default()
        }),
        2 => (1_i64..=1_000, 0_u32..=8).prop_map(|(m, s)| Decimal::new(m, s).to_string()),
        1 => prop_oneof![
            Just("79228162514264337593543950335".to_owned()),
            Just("0.0000000000000000000000000001".to_owned()),
            Just("0".to_owned()),
            Just("-0".to_owned()),
            Just(String::new()),
            Just("1e5".to_owned()),
            Just("NaN".to_owned()),
        ],
    ]
}
