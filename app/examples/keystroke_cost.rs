//! Native cost of what one keystroke recomputes at 100 tranches: parse, evaluate, format the rows.
fn main() {
    let mut plan: serde_json::Value = serde_json::from_str(scaleplan_app::GUIDE_BTC_LADDER).unwrap();
    plan["entries"] = serde_json::json!({"ladder": {"generate": {"from": "65000", "to": "61000", "count": 100}, "total": {"quantity": "1"}}});
    let draft = scaleplan_app::Draft::new(plan);
    let n = 200;
    let t = std::time::Instant::now();
    for _ in 0..n { std::hint::black_box(draft.to_plan().unwrap()); }
    let parse = t.elapsed() / n;
    let p = draft.to_plan().unwrap();
    let t = std::time::Instant::now();
    for _ in 0..n { std::hint::black_box(scaleplan::evaluate_plan(&p).unwrap()); }
    let eval = t.elapsed() / n;
    let r = scaleplan::evaluate_plan(&p).unwrap();
    let t = std::time::Instant::now();
    for _ in 0..n { std::hint::black_box(scaleplan_app::results::row_views(&r, Some(1), Some(3))); }
    let fmt = t.elapsed() / n;
    let t = std::time::Instant::now();
    for _ in 0..n { std::hint::black_box(r.clone()); }
    let clone = t.elapsed() / n;
    println!("parse {parse:?} evaluate {eval:?} row_views {fmt:?} report clone {clone:?}");
}
