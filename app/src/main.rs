//! The full planner's wasm, which Trunk builds for the app page. Nothing runs when it loads: the page's loader
//! (`www/start.js`) calls [`start_app`], so the same build can also be loaded by a page of `<scale-plan>` widgets
//! without taking it over.
use wasm_bindgen::prelude::wasm_bindgen;

/// Runs when the wasm loads: lets widgets show the whole planner (`view="full"`), and mounts nothing.
fn main() {
    scaleplan_app::widget::include_planner();
}

/// Mounts the planner into the page (`scaleplan_app::start`). An export of the binary, not of the library, so the
/// widget's own build (the library alone) does not carry the whole planner.
#[wasm_bindgen(js_name = startApp)]
pub fn start_app() {
    scaleplan_app::start();
}
