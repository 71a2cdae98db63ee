//! Criterion benchmarks of plan evaluation: generated ladders of 10, 100 and 1,000 tranches on the Binance BTCUSDT
//! preset, isolated 10x with a stop and a risk budget (every column and warning of every row is computed); and
//! writing each report as JSON text, the npm package's half of the crossing into JavaScript.

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use scaleplan::{evaluate_plan, Plan};

/// The guide's BTC example with its tranches replaced by `count` generated ones from 65,000 to 61,000, 5 BTC in all.
fn plan(count: u32) -> Plan {
    let text = include_str!("../data/examples/guide-btc-ladder.json");
    let mut value: serde_json::Value = serde_json::from_str(text).expect("the example is JSON");
    value["entries"] = serde_json::json!({
        "ladder": {
            "generate": { "from": "65000", "to": "61000", "count": count, "spacing": "geometric", "sizes": "increasing" },
            "total": { "quantity": "5" }
        }
    });
    serde_json::from_value(value).expect("the generated plan parses")
}

fn evaluate(c: &mut Criterion) {
    let mut group = c.benchmark_group("evaluate_plan");
    for count in [10, 100, 1000] {
        let plan = plan(count);
        let rows = evaluate_plan(&plan).expect("evaluates").rows.len();
        assert_eq!(rows, count as usize);
        group.bench_with_input(BenchmarkId::from_parameter(count), &plan, |b, plan| {
            b.iter(|| evaluate_plan(black_box(plan)).expect("evaluates"))
        });
    }
    group.finish();
}

/// A report written as JSON text, as the npm package hands it to JavaScript (every figure of every row and every
/// warning as a string): serde_json over the derived `Serialize` beside the hand-written `scaleplan::write` the
/// package uses.
fn report_to_json(c: &mut Criterion) {
    let mut group = c.benchmark_group("report_to_json");
    for count in [10, 100, 1000] {
        let report = evaluate_plan(&plan(count)).expect("evaluates");
        group.bench_with_input(BenchmarkId::new("serde_json", count), &report, |b, report| {
            b.iter(|| serde_json::to_string(black_box(report)).expect("writes"))
        });
        group.bench_with_input(BenchmarkId::new("write", count), &report, |b, report| {
            b.iter(|| scaleplan::write::to_json(black_box(report)))
        });
    }
    group.finish();
}

criterion_group!(benches, evaluate, report_to_json);
criterion_main!(benches);
