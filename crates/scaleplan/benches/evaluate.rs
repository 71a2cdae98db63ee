//! Criterion benchmarks of plan evaluation (filled in with the scale-in engine).
fn main() {}
