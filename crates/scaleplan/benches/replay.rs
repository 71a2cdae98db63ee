//! Criterion benchmark of replaying a plan over 100,000 candles: the guide's four-rung BTC ladder with its stop,
//! and 0.01 % funding per 8 hours, over a deterministic synthetic hourly series that oscillates around the ladder
//! without reaching the stop, so every bar is walked to the end of the data.

// `criterion_group!` defines an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use scaleplan::candles::{Candle, Candles};
use scaleplan::replay::{replay_plan, Intrabar, ReplayRules};
use scaleplan::{Decimal, Error, Plan, Price};

const BARS: usize = 100_000;
const HOUR_MS: i64 = 3_600_000;
/// 2024-01-01T00:00:00Z.
const START_MS: i64 = 1_704_067_200_000;

/// A series swinging between about 61,000 and 67,000 with a period of 997 bars, its wicks varying with a second,
/// shorter cycle: prices in whole tenths, as an exchange's 0.1 tick gives them. A linear congruential sequence
/// (Knuth's MMIX constants) adds the noise, so the series is the same on every run.
fn series() -> Result<Candles, Error> {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut noise = move || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        i64::try_from(state >> 54).unwrap_or(0) // 0..=1023
    };
    let tenths = |t: i64| Price::new("price", Decimal::new(t, 1));
    let mut candles = Vec::with_capacity(BARS);
    let mut close: i64 = 650_000;
    for i in 0..BARS {
        let i = i64::try_from(i).unwrap_or(0);
        let phase = (i % 997) - 498;
        let target = 640_000 + (498 - phase.abs()) * 50 - 12_450;
        let open = close;
        close = target + noise() * 4 - 2_048;
        let high = open.max(close) + noise() * 2 + (i % 13) * 40;
        let low = open.min(close) - noise() * 2 - (i % 7) * 60;
        candles.push(Candle::new(
            START_MS + i * HOUR_MS,
            tenths(open)?,
            tenths(high)?,
            tenths(low)?,
            tenths(close)?,
            None,
        )?);
    }
    Candles::new(candles)
}

fn plan() -> Result<Plan, Error> {
    let mut plan: Plan = serde_json::from_str(include_str!("../data/examples/guide-btc-ladder.json"))
        .map_err(|e| Error::invalid("plan", e.to_string()))?;
    // Below every bar of the series: the replay runs to the last bar, paying funding on the way.
    plan.stop = Some("50000".parse()?);
    plan.funding = Some(
        serde_json::from_str(r#"{"rate": "0.0001", "intervals": "3"}"#)
            .map_err(|e| Error::invalid("funding", e.to_string()))?,
    );
    Ok(plan)
}

fn replay(c: &mut Criterion) {
    let (plan, candles) = match (plan(), series()) {
        (Ok(plan), Ok(candles)) => (plan, candles),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("benchmark setup failed: {e}");
            return;
        }
    };
    for (name, intrabar) in [("conservative", Intrabar::Conservative), ("nearerFirst", Intrabar::NearerFirst)] {
        let rules = ReplayRules { intrabar, ..ReplayRules::default() };
        // Measure the replay, not an early error: check once that it walks to the end.
        match replay_plan(&plan, &candles, &rules) {
            Ok(report) => eprintln!(
                "{name}: {} events, ending {:?}, {} filled, funding {}",
                report.events.len(),
                report.ending,
                report.filled_quantity,
                report.funding
            ),
            Err(e) => {
                eprintln!("replay failed: {e}");
                return;
            }
        }
        c.bench_function(&format!("replay_plan 4 rungs over 100,000 hourly candles, {name}"), |b| {
            b.iter(|| replay_plan(black_box(&plan), black_box(&candles), black_box(&rules)))
        });
    }
}

criterion_group!(benches, replay);
criterion_main!(benches);
