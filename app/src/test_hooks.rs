//! What the browser tests reach that a person cannot: compiled only with the app's `test-hooks` feature, which is
//! off by default, so no shipped build has it (`scripts/lib.sh build_test_app` builds it into `target/dist-test`;
//! `tests/browser/crash.test.mjs` checks that `dist/` does not carry it).

use wasm_bindgen::prelude::wasm_bindgen;

/// Panics, through the same hook as any panic of the planner (`start` installs it): the console message, then the
/// crash notice with its Reload button.
#[wasm_bindgen(js_name = testPanic)]
#[allow(clippy::panic, reason = "a deliberate panic is what this hook is for")]
pub fn test_panic() {
    panic!("scaleplan test hook: a deliberate panic");
}
