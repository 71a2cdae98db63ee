//! A fixed workload for profilers (`perf record`, `valgrind --tool=callgrind`): the guide's BTC plan with
//! `count` generated geometric tranches, evaluated `times` times.
//!
//! `cargo run --release -p scaleplan --example profile -- 100 200`

use scaleplan::{evaluate_plan, Plan};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let count: u32 = args.next().map_or(Ok(100), |a| a.parse())?;
    let times: u32 = args.next().map_or(Ok(100), |a| a.parse())?;
    let text = include_str!("../data/examples/guide-btc-ladder.json");
    let mut value: serde_json::Value = serde_json::from_str(text)?;
    value["entries"] = serde_json::json!({
        "ladder": {
            "generate": { "from": "65000", "to": "61000", "count": count, "spacing": "geometric", "sizes": "increasing" },
            "total": { "quantity": "5" }
        }
    });
    let plan: Plan = serde_json::from_value(value)?;
    let mut rows = 0;
    for _ in 0..times {
        rows += evaluate_plan(&plan)?.rows.len();
    }
    println!("{rows} rows");
    Ok(())
}
