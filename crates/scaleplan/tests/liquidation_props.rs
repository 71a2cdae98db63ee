//! Invariants of the liquidation engine, for every model, contract kind and side: a long is liquidated below its
//! entry and a short above; more wallet never brings the liquidation price closer; the liquidation price lies
//! between the entry and the bankruptcy price; Binance's tier walk (with BingX's taker fee too) agrees with trying
//! every tier and keeping the self-consistent one; the models that share a family agree where their differences
//! vanish; resting orders counted against a cross wallet (MEXC, BingX) never make a position safer.

use proptest::prelude::*;
use scaleplan::liquidation::{
    liquidation, Liquidation, LiquidationConfig, Maintenance, MarginMode, Model, OtherPositions, RestingOrders,
    RestingRule,
};
use scaleplan::{ContractKind, Decimal, Leverage, MarginRate, NonNegative, Price, Quantity, Rate, Result, Side, Tier};

const MODELS: [Model; 7] = Model::ALL;

/// A position and a flat maintenance schedule, with a wallet above the maintenance margin at entry.
#[derive(Debug, Clone)]
struct Case {
    model: Model,
    side: Side,
    /// `None` for linear, the contract size for inverse.
    contract_size: Option<Decimal>,
    quantity: Decimal,
    entry: Decimal,
    rate: Decimal,
    fee: Decimal,
    /// Wallet beyond the maintenance margin at entry, as a fraction of the entry notional.
    cushion: Decimal,
}

fn side() -> impl Strategy<Value = Side> {
    prop_oneof![Just(Side::Long), Just(Side::Short)]
}

fn contract_size() -> impl Strategy<Value = Option<Decimal>> {
    prop_oneof![Just(None), Just(Some(Decimal::ONE)), Just(Some(Decimal::TEN)), Just(Some(Decimal::ONE_HUNDRED))]
}

/// Entries keep at most 8 decimals, so they lie on the grid the calculator rounds to.
fn entry() -> impl Strategy<Value = Decimal> {
    (1_i64..1_000_000_000, 0_u32..=8).prop_map(|(m, s)| Decimal::new(m, s))
}

fn case() -> impl Strategy<Value = Case> {
    (
        proptest::sample::select(MODELS.to_vec()),
        side(),
        contract_size(),
        (1_i64..100_000_000, 0_u32..=6).prop_map(|(m, s)| Decimal::new(m, s)),
        entry(),
        (0_i64..=1_000).prop_map(|bp| Decimal::new(bp, 4)),
        (0_i64..=100).prop_map(|f| Decimal::new(f, 5)),
        (1_i64..=20_000).prop_map(|c| Decimal::new(c, 4)),
    )
        .prop_map(|(model, side, contract_size, quantity, entry, rate, fee, cushion)| Case {
            model,
            side,
            contract_size,
            quantity,
            entry,
            rate,
            fee: if model.reserves_closing_fee(MarginMode::Isolated) { fee } else { Decimal::ZERO },
            cushion,
        })
}

impl Case {
    fn kind(&self) -> Result<ContractKind> {
        Ok(match self.contract_size {
            None => ContractKind::Linear,
            Some(size) => ContractKind::Inverse { contract_size: Price::new("contractSize", size)? },
        })
    }

    /// Notional at entry in the wallet's unit: quote for linear, coin for inverse.
    fn entry_notional(&self) -> Decimal {
        match self.contract_size {
            None => self.quantity * self.entry,
            Some(size) => self.quantity * size / self.entry,
        }
    }

    fn wallet(&self) -> Decimal {
        self.entry_notional() * (self.rate + self.fee + self.cushion)
    }

    fn config(&self, wallet: Decimal, maintenance: Maintenance) -> Result<LiquidationConfig> {
        Ok(LiquidationConfig {
            model: self.model,
            contract: self.kind()?,
            mode: MarginMode::Isolated,
            side: self.side,
            quantity: Quantity::new("quantity", self.quantity)?,
            entry: Price::new("entryPrice", self.entry)?,
            wallet: NonNegative::new("walletBalance", wallet)?,
            maintenance,
            others: OtherPositions::default(),
            resting: RestingOrders::default(),
            taker_fee: if self.model.reserves_closing_fee(MarginMode::Isolated) {
                Some(Rate::new("takerFeeRate", self.fee)?)
            } else {
                None
            },
            tick_size: None,
        })
    }

    fn flat(&self) -> Result<Maintenance> {
        Ok(Maintenance::Flat {
            rate: MarginRate::new("maintenanceMarginRate", self.rate)?,
            amount: NonNegative::new("maintenanceAmount", Decimal::ZERO)?,
        })
    }

    fn run(&self, wallet: Decimal) -> Result<Liquidation> {
        liquidation(&self.config(wallet, self.flat()?)?)
    }
}

/// How far `price` lies from the entry on the losing side; `None` (no price) is infinitely far.
fn distance(side: Side, entry: Decimal, price: Option<Price>) -> Option<Decimal> {
    price.map(|p| match side {
        Side::Long => entry - p.get(),
        Side::Short => p.get() - entry,
    })
}

/// `a` is at least as far from the entry as `b` (`None` being infinitely far).
fn at_least_as_far(a: Option<Decimal>, b: Option<Decimal>) -> bool {
    match (a, b) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(a), Some(b)) => a >= b,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_long_liquidates_below_its_entry_and_a_short_above(case in case()) {
        let result = case.run(case.wallet())?;
        if let Some(price) = result.liquidation_price() {
            match case.side {
                Side::Long => prop_assert!(price.get() <= case.entry, "{price} above the entry {}", case.entry),
                Side::Short => prop_assert!(price.get() >= case.entry, "{price} below the entry {}", case.entry),
            }
        }
    }

    #[test]
    fn more_wallet_never_moves_liquidation_closer(case in case(), extra in (0_i64..=20_000).prop_map(|e| Decimal::new(e, 4))) {
        let wallet = case.wallet();
        let more = wallet + case.entry_notional() * extra;
        let before = case.run(wallet)?;
        let after = case.run(more)?;
        let (near, far) = (
            distance(case.side, case.entry, before.liquidation_price()),
            distance(case.side, case.entry, after.liquidation_price()),
        );
        prop_assert!(at_least_as_far(far, near), "wallet {wallet} → {before:?}; wallet {more} → {after:?}");
        let (near, far) = (
            distance(case.side, case.entry, before.bankruptcy_price()),
            distance(case.side, case.entry, after.bankruptcy_price()),
        );
        prop_assert!(at_least_as_far(far, near), "bankruptcy moved closer: {before:?} then {after:?}");
    }

    #[test]
    fn liquidation_lies_between_entry_and_bankruptcy(case in case()) {
        let result = case.run(case.wallet())?;
        let liquidation = distance(case.side, case.entry, result.liquidation_price());
        let bankruptcy = distance(case.side, case.entry, result.bankruptcy_price());
        prop_assert!(liquidation.is_none_or(|d| d >= Decimal::ZERO), "{result:?}");
        prop_assert!(at_least_as_far(bankruptcy, liquidation), "bankruptcy nearer than liquidation: {result:?}");
    }

    #[test]
    fn hyperliquid_and_binance_agree_and_okx_bingx_and_weex_without_fee_too(case in case()) {
        let binance = Case { model: Model::Binance, fee: Decimal::ZERO, ..case.clone() };
        let expected = binance.run(binance.wallet())?;
        for model in [Model::Hyperliquid, Model::Okx, Model::Bingx, Model::Weex] {
            let other = Case { model, ..binance.clone() };
            prop_assert_eq!(&other.run(binance.wallet())?, &expected, "{:?}", model);
        }
    }

    /// On one flat rate the tier rules have nothing to choose: BingX is OKX's equation (both add the fee), MEXC is
    /// Bybit's (both measure on the entry value), and WEEX in cross margin adds the fee as BingX does.
    #[test]
    fn the_families_agree_on_a_flat_rate(case in case(), fee in (0_i64..=100).prop_map(|f| Decimal::new(f, 5))) {
        let okx = Case { model: Model::Okx, fee, ..case.clone() };
        let bingx = Case { model: Model::Bingx, ..okx.clone() };
        prop_assert_eq!(bingx.run(okx.wallet())?, okx.run(okx.wallet())?);

        let bybit = Case { model: Model::Bybit, fee: Decimal::ZERO, ..case.clone() };
        let mexc = Case { model: Model::Mexc, ..bybit.clone() };
        prop_assert_eq!(mexc.run(bybit.wallet())?, bybit.run(bybit.wallet())?);

        let cross = |c: &Case| -> Result<LiquidationConfig> {
            Ok(LiquidationConfig { mode: MarginMode::Cross, ..c.config(okx.wallet(), c.flat()?)? })
        };
        let weex = LiquidationConfig { model: Model::Weex, ..cross(&bingx)? };
        prop_assert_eq!(liquidation(&weex)?, liquidation(&cross(&bingx)?)?);
    }

    /// MEXC's tiers are counted in position size: the same position takes the same tier whatever its entry price.
    #[test]
    fn mexc_takes_the_tier_of_the_position_size(case in case(), cut in 1_i64..=199) {
        let case = Case { model: Model::Mexc, contract_size: None, fee: Decimal::ZERO, ..case };
        // Two tiers split at a size below or above the position's.
        let split = case.quantity * Decimal::new(cut, 2);
        let tiers = vec![
            tier(Decimal::ZERO, Some(split), case.rate, Decimal::ZERO)?,
            tier(split, None, case.rate + Decimal::new(5, 3), Decimal::ZERO)?,
        ];
        let wallet = case.entry_notional() * (case.rate + Decimal::new(5, 3) + case.cushion);
        let result = liquidation(&case.config(wallet, Maintenance::Tiers(tiers))?)?;
        let expected = usize::from(case.quantity > split);
        prop_assert_eq!(result.tier(), Some(expected), "size {} split {}: {:?}", case.quantity, split, result);
        let doubled = Case { entry: case.entry * Decimal::TWO, ..case.clone() };
        let tiers = vec![
            tier(Decimal::ZERO, Some(split), case.rate, Decimal::ZERO)?,
            tier(split, None, case.rate + Decimal::new(5, 3), Decimal::ZERO)?,
        ];
        let again = liquidation(&doubled.config(wallet * Decimal::TWO, Maintenance::Tiers(tiers))?)?;
        prop_assert_eq!(again.tier(), Some(expected));
    }

    /// MEXC leaves the margin of resting orders out of the cross equity: exactly as if the wallet were that much
    /// smaller.
    #[test]
    fn mexc_resting_margin_is_wallet_taken_away(case in case(), share in 0_i64..=9_000) {
        let case = Case { model: Model::Mexc, fee: Decimal::ZERO, ..case };
        let wallet = case.wallet();
        let margin = case.entry_notional() * case.cushion * Decimal::new(share, 4);
        let resting = RestingOrders { margin, ..RestingOrders::default() };
        let counted = LiquidationConfig { mode: MarginMode::Cross, resting, ..case.config(wallet, case.flat()?)? };
        let smaller = LiquidationConfig { mode: MarginMode::Cross, ..case.config(wallet - margin, case.flat()?)? };
        prop_assert_eq!(liquidation(&counted)?, liquidation(&smaller)?);
    }

    /// BingX counts resting orders in the maintenance margin and freezes their fee: more resting never moves the
    /// liquidation price away from the entry, and the price solves `equity = (N + resting)·(MMR + fee)`.
    #[test]
    fn bingx_resting_orders_never_make_a_position_safer(
        case in case(),
        share in 0_i64..=2_000,
        fee in (0_i64..=100).prop_map(|f| Decimal::new(f, 5)),
    ) {
        let case = Case { model: Model::Bingx, fee, ..case };
        // Resting orders small enough that the wallet still covers maintenance at the entry.
        let notional = case.entry_notional() * case.cushion * Decimal::new(share, 4);
        let taker = Rate::new("takerFeeRate", fee)?;
        let one = RestingOrders::order(RestingRule::CountInMaintenance, notional, Leverage::new("leverage", Decimal::TEN)?, taker)?;
        let base = LiquidationConfig { mode: MarginMode::Cross, ..case.config(case.wallet(), case.flat()?)? };
        let without = liquidation(&base)?;
        let with = liquidation(&LiquidationConfig { resting: one, ..base.clone() })?;
        let (near, far) = (
            distance(case.side, case.entry, with.liquidation_price()),
            distance(case.side, case.entry, without.liquidation_price()),
        );
        prop_assert!(at_least_as_far(far, near), "resting {notional}: {with:?} is safer than {without:?}");
    }

    /// BingX's resting orders shift where the tiers fall: the walk keeps the tier that holds the position's
    /// notional plus the resting notional, with the frozen fee out of the wallet.
    #[test]
    fn the_tier_walk_with_resting_orders_keeps_the_self_consistent_tier(
        case in case(),
        widths in proptest::collection::vec(1_i64..=100, 0..5),
        steps in proptest::collection::vec(5_i64..=200, 5),
        first in 10_i64..=100,
        fee in (0_i64..=100).prop_map(|f| Decimal::new(f, 5)),
        share in 0_i64..=5_000,
    ) {
        let case = Case { model: Model::Bingx, fee, ..case };
        let tiers = continuous_tiers(case.entry_notional(), &widths, &steps, first)?;
        let top = tiers.iter().map(|t| t.maintenance_margin_rate.get()).max().unwrap_or_default();
        let wallet = case.entry_notional() * (top + fee + case.cushion) * Decimal::TWO;
        let notional = case.entry_notional() * Decimal::new(share, 4);
        let resting = RestingOrders::order(
            RestingRule::CountInMaintenance, notional, Leverage::new("leverage", Decimal::TEN)?, Rate::new("takerFeeRate", fee)?,
        )?;
        let config = LiquidationConfig {
            mode: MarginMode::Cross,
            resting,
            ..case.config(wallet, Maintenance::Tiers(tiers.clone()))?
        };
        let result = liquidation(&config)?;
        let oracle = try_every_tier_with(&case, wallet - resting.fees, &tiers, notional);
        match (result.tier(), oracle) {
            (None, None) => prop_assert!(result.liquidation_price().is_none(), "{result:?}"),
            (Some(tier), Some((notionals, consistent))) => {
                prop_assert!(consistent.contains(&tier), "tier {tier} is not self-consistent: {consistent:?} ({result:?})");
                let flat = price_at(&case, notionals.get(tier).copied().unwrap_or_default());
                prop_assert_eq!(result.liquidation_price().map(Price::get), flat, "{:?}", result);
            }
            (tier, oracle) => prop_assert!(false, "walk {tier:?} but trying every tier gives {oracle:?}"),
        }
    }

    #[test]
    fn the_tier_walk_with_the_fee_keeps_the_self_consistent_tier(
        case in case(),
        widths in proptest::collection::vec(1_i64..=100, 0..5),
        steps in proptest::collection::vec(5_i64..=200, 5),
        first in 10_i64..=100,
        fee in (0_i64..=100).prop_map(|f| Decimal::new(f, 5)),
    ) {
        let case = Case { model: Model::Bingx, fee, ..case };
        let tiers = continuous_tiers(case.entry_notional(), &widths, &steps, first)?;
        let top = tiers.iter().map(|t| t.maintenance_margin_rate.get()).max().unwrap_or_default();
        let wallet = case.entry_notional() * (top + fee + case.cushion);
        let result = liquidation(&case.config(wallet, Maintenance::Tiers(tiers.clone()))?)?;
        let oracle = try_every_tier(&case, wallet, &tiers);
        match (result.tier(), oracle) {
            (None, None) => prop_assert!(result.liquidation_price().is_none(), "{result:?}"),
            (Some(tier), Some((notionals, consistent))) => {
                prop_assert!(consistent.contains(&tier), "tier {tier} is not self-consistent: {consistent:?} ({result:?})");
                let flat = price_at(&case, notionals.get(tier).copied().unwrap_or_default());
                prop_assert_eq!(result.liquidation_price().map(Price::get), flat, "{:?}", result);
            }
            (tier, oracle) => prop_assert!(false, "walk {tier:?} but trying every tier gives {oracle:?}"),
        }
    }

    #[test]
    fn cross_margin_with_no_other_positions_is_isolated(case in case()) {
        let isolated = case.config(case.wallet(), case.flat()?)?;
        let cross = LiquidationConfig { mode: MarginMode::Cross, ..isolated.clone() };
        prop_assert_eq!(liquidation(&cross)?, liquidation(&isolated)?);
    }

    #[test]
    fn the_tier_walk_keeps_the_self_consistent_tier(
        case in case(),
        widths in proptest::collection::vec(1_i64..=100, 0..5),
        steps in proptest::collection::vec(5_i64..=200, 5),
        first in 10_i64..=100,
    ) {
        let case = Case { model: Model::Binance, fee: Decimal::ZERO, ..case };
        let tiers = continuous_tiers(case.entry_notional(), &widths, &steps, first)?;
        let top = tiers.iter().map(|t| t.maintenance_margin_rate.get()).max().unwrap_or_default();
        let wallet = case.entry_notional() * (top + case.cushion);
        let result = liquidation(&case.config(wallet, Maintenance::Tiers(tiers.clone()))?)?;

        let oracle = try_every_tier(&case, wallet, &tiers);
        match (result.tier(), oracle) {
            (None, None) => prop_assert!(result.liquidation_price().is_none(), "{result:?}"),
            (Some(tier), Some((notionals, consistent))) => {
                prop_assert!(consistent.contains(&tier), "tier {tier} is not self-consistent: {consistent:?} ({result:?})");
                let flat = price_at(&case, notionals.get(tier).copied().unwrap_or_default());
                prop_assert_eq!(result.liquidation_price().map(Price::get), flat, "{:?}", result);
            }
            (tier, oracle) => prop_assert!(false, "walk {tier:?} but trying every tier gives {oracle:?}"),
        }
    }
}

fn tier(floor: Decimal, cap: Option<Decimal>, rate: Decimal, amount: Decimal) -> Result<Tier> {
    Ok(Tier {
        notional_floor: NonNegative::new("notionalFloor", floor)?,
        notional_cap: cap.map(|c| NonNegative::new("notionalCap", c)).transpose()?,
        maintenance_margin_rate: MarginRate::new("maintenanceMarginRate", rate)?,
        maintenance_amount: NonNegative::new("maintenanceAmount", amount)?,
        max_leverage: Leverage::new("maxLeverage", Decimal::TEN)?,
    })
}

/// Tiers whose maintenance margin is continuous (`cum(n) = cum(n−1) + floor(n)·(rate(n) − rate(n−1))`), with floors
/// spread around the entry notional so that positions cross tiers on the way to liquidation.
fn continuous_tiers(entry_notional: Decimal, widths: &[i64], steps: &[i64], first: i64) -> Result<Vec<Tier>> {
    let mut floors = vec![Decimal::ZERO];
    let mut floor = Decimal::ZERO;
    for width in widths {
        floor += entry_notional * Decimal::new(*width, 2);
        floors.push(floor);
    }
    let mut tiers = Vec::new();
    let (mut rate, mut amount) = (Decimal::new(first, 4), Decimal::ZERO);
    for (index, floor) in floors.iter().enumerate() {
        if index > 0 {
            let step = Decimal::new(steps.get(index).copied().unwrap_or(5), 4);
            amount += *floor * step;
            rate += step;
        }
        tiers.push(Tier {
            notional_floor: NonNegative::new("notionalFloor", *floor)?,
            notional_cap: floors.get(index + 1).map(|cap| NonNegative::new("notionalCap", *cap)).transpose()?,
            maintenance_margin_rate: MarginRate::new("maintenanceMarginRate", rate)?,
            maintenance_amount: NonNegative::new("maintenanceAmount", amount)?,
            max_leverage: Leverage::new("maxLeverage", Decimal::TEN)?,
        });
    }
    Ok(tiers)
}

/// Binance's rule stated directly: solve with every tier's rate and amount, and list the tiers whose range holds
/// the notional they give. Returns each tier's notional and the consistent indices; `None` when no tier gives a
/// positive notional inside its range (no liquidation price).
fn try_every_tier(case: &Case, wallet: Decimal, tiers: &[Tier]) -> Option<(Vec<Decimal>, Vec<usize>)> {
    try_every_tier_with(case, wallet, tiers, Decimal::ZERO)
}

/// [`try_every_tier`] with `offset` of resting notional counted with the position's (BingX): each tier's rate and
/// amount give `N = (WB − lean·N_E + cum − offset·(MMR + fee)) / (MMR + fee − lean)`, consistent when `N + offset`
/// lies in the tier.
fn try_every_tier_with(
    case: &Case,
    wallet: Decimal,
    tiers: &[Tier],
    offset: Decimal,
) -> Option<(Vec<Decimal>, Vec<usize>)> {
    let lean = match (case.side, case.contract_size) {
        (Side::Long, None) | (Side::Short, Some(_)) => Decimal::ONE,
        (Side::Short, None) | (Side::Long, Some(_)) => Decimal::NEGATIVE_ONE,
    };
    let entry_notional = case.entry_notional();
    let last = tiers.len().saturating_sub(1);
    let notionals: Vec<Decimal> = tiers
        .iter()
        .map(|t| {
            let rate = t.maintenance_margin_rate.get() + case.fee;
            (wallet - lean * entry_notional + t.maintenance_amount.get() - offset * rate) / (rate - lean)
        })
        .collect();
    let consistent: Vec<usize> = tiers
        .iter()
        .zip(&notionals)
        .enumerate()
        .filter(|(index, (tier, notional))| {
            let measure = **notional + offset;
            **notional > Decimal::ZERO
                && (*index == 0 || measure >= tier.notional_floor.get())
                && (*index == last || tier.notional_cap.is_none_or(|cap| measure <= cap.get()))
        })
        .map(|(index, _)| index)
        .collect();
    (!consistent.is_empty()).then_some((notionals, consistent))
}

/// The calculator's rounding of the price at `notional`: toward the entry, to 8 places.
fn price_at(case: &Case, notional: Decimal) -> Option<Decimal> {
    let exact = match case.contract_size {
        None => notional / case.quantity,
        // Inverse prices are settled at 16 places before rounding, as the engine documents: the quotient of
        // quotients carries a residue in its last digits.
        Some(size) => scaleplan::num::round_dp(case.quantity * size / notional, 16, scaleplan::num::Round::Nearest),
    };
    Some(scaleplan::num::round_dp(exact, 8, case.side.conservative_liquidation()))
}

/// An inverse short at 1x isolated never liquidates (its margin in coin grows as the price rises); the residue of
/// the exact arithmetic must not turn that into an overflow error.
#[test]
fn inverse_short_at_one_x_has_no_liquidation_price() {
    use scaleplan::liquidation::{liquidation, LiquidationConfig, Maintenance, MarginMode, Model, OtherPositions};
    use scaleplan::{ContractKind, Side};
    for (entry, contracts) in [("30000", "100"), ("65000", "7"), ("3", "1")] {
        let quantity: scaleplan::Quantity = contracts.parse().unwrap_or_else(|e| panic!("{e}"));
        let entry: scaleplan::Price = entry.parse().unwrap_or_else(|e| panic!("{e}"));
        // 1x: the margin is the whole coin value of the position, n·CS/E.
        let wallet =
            quantity.get().checked_mul(scaleplan::Decimal::ONE_HUNDRED).and_then(|v| v.checked_div(entry.get()));
        let config = LiquidationConfig {
            model: Model::Binance,
            contract: ContractKind::Inverse { contract_size: "100".parse().unwrap_or_else(|e| panic!("{e}")) },
            mode: MarginMode::Isolated,
            side: Side::Short,
            quantity,
            entry,
            wallet: scaleplan::NonNegative::new("wallet", wallet.unwrap_or_default()).unwrap_or_else(|e| panic!("{e}")),
            maintenance: Maintenance::Flat {
                rate: "0.004".parse().unwrap_or_else(|e| panic!("{e}")),
                amount: "0".parse().unwrap_or_else(|e| panic!("{e}")),
            },
            others: OtherPositions::default(),
            resting: scaleplan::liquidation::RestingOrders::default(),
            taker_fee: None,
            tick_size: None,
        };
        let result = liquidation(&config);
        assert!(result.is_ok(), "entry {entry}, {quantity} contracts: {result:?}");
    }
}

/// An inverse liquidation price that is exactly on the tick stays there, although the arithmetic passes through
/// a repeating decimal: 1 contract of 100 USD long at 300 (100/300 = 0.333…) with 0.25 coin of margin and a 5 %
/// maintenance rate liquidates where 100·1.05/P = 0.25 + 1/3, at P = 105/(7/12) = 180 exactly.
#[test]
fn an_exact_inverse_price_is_not_moved_a_tick() {
    use scaleplan::liquidation::{liquidation, LiquidationConfig, Maintenance, MarginMode, Model, OtherPositions};
    use scaleplan::{ContractKind, Side};
    let parse = |t: &str| -> scaleplan::Decimal { t.parse().unwrap_or_else(|e| panic!("{e}")) };
    let config = LiquidationConfig {
        model: Model::Binance,
        contract: ContractKind::Inverse { contract_size: "100".parse().unwrap_or_else(|e| panic!("{e}")) },
        mode: MarginMode::Isolated,
        side: Side::Long,
        quantity: "1".parse().unwrap_or_else(|e| panic!("{e}")),
        entry: "300".parse().unwrap_or_else(|e| panic!("{e}")),
        wallet: scaleplan::NonNegative::new("wallet", parse("0.25")).unwrap_or_else(|e| panic!("{e}")),
        maintenance: Maintenance::Flat {
            rate: "0.05".parse().unwrap_or_else(|e| panic!("{e}")),
            amount: "0".parse().unwrap_or_else(|e| panic!("{e}")),
        },
        others: OtherPositions::default(),
        resting: scaleplan::liquidation::RestingOrders::default(),
        taker_fee: None,
        tick_size: Some("0.1".parse().unwrap_or_else(|e| panic!("{e}"))),
    };
    let result = liquidation(&config).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(result.liquidation_price().map(|p| p.get()), Some(parse("180")));
}

/// Resting orders share only a cross wallet, only under the models whose exchange counts them, and each model
/// reads only what its exchange counts; every refusal names `restingOrders`.
#[test]
fn resting_orders_are_refused_where_no_exchange_counts_them() -> Result<()> {
    let case = Case {
        model: Model::Mexc,
        side: Side::Long,
        contract_size: None,
        quantity: Decimal::ONE,
        entry: Decimal::from(50_000),
        rate: Decimal::new(4, 3),
        fee: Decimal::ZERO,
        cushion: Decimal::new(1, 1),
    };
    let margin = RestingOrders { margin: Decimal::from(100), ..RestingOrders::default() };
    let notional = RestingOrders { notional: Decimal::from(1_000), ..RestingOrders::default() };
    let cross = |model: Model, resting: RestingOrders| -> Result<LiquidationConfig> {
        let c = Case { model, ..case.clone() };
        Ok(LiquidationConfig { mode: MarginMode::Cross, resting, ..c.config(c.wallet(), c.flat()?)? })
    };
    let message = |config: &LiquidationConfig| liquidation(config).err().map(|e| e.to_string());
    assert!(liquidation(&cross(Model::Mexc, margin)?).is_ok());
    assert!(liquidation(&cross(Model::Bingx, notional)?).is_ok());
    assert_eq!(
        message(&LiquidationConfig { mode: MarginMode::Isolated, ..cross(Model::Mexc, margin)? }).as_deref(),
        Some("restingOrders: apply only to cross margin; resting orders do not touch an isolated position's margin")
    );
    assert_eq!(
        message(&cross(Model::Binance, margin)?).as_deref(),
        Some("restingOrders: are not counted against cross collateral under the binance model; only bingx and mexc count them")
    );
    assert_eq!(
        message(&cross(Model::Mexc, notional)?).as_deref(),
        Some("restingOrders: under the mexc model reserve only their margin; leave their notional and fees at 0")
    );
    assert_eq!(
        message(&cross(Model::Bingx, margin)?).as_deref(),
        Some("restingOrders: under the bingx model count their notional and fees, not their margin; leave it at 0")
    );
    Ok(())
}

/// The serialized model names are the ones `Model::name` gives and the presets accept.
#[test]
fn model_names_are_their_serialized_names() -> Result<()> {
    for model in Model::ALL {
        let json = serde_json::to_string(&model).map_err(|e| scaleplan::Error::invalid("model", e.to_string()))?;
        assert_eq!(json, format!("\"{}\"", model.name()));
    }
    assert_eq!(scaleplan::presets::MODELS.to_vec(), Model::ALL.iter().map(|m| m.name()).collect::<Vec<_>>());
    Ok(())
}
