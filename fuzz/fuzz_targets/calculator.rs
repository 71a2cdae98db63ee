//! The bindings' `liquidationPrice` calculator: its JavaScript-shaped input (JSON) parsed and computed. A tier it
//! reports is one of the input's tiers.
#![no_main]
use libfuzzer_sys::fuzz_target;
use scaleplan_fuzz::{from_json, message};
use scaleplan_wasm::calculator::{calculate, LiquidationInput};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Some(input) = from_json::<LiquidationInput>(text) else { return };
    match calculate(&input) {
        Ok(result) => {
            if let Some(tier) = result.tier() {
                let tiers = input.tiers.as_ref().map_or(0, Vec::len);
                assert!(tier < tiers, "tier {tier} of {tiers}");
            }
        }
        Err(e) => message(&e),
    }
});
