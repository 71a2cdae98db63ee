//! Preset files (`parse_presets`): refused naming the entry, or presets whose model is one the engine computes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use scaleplan::presets::{parse_presets, MODELS};
use scaleplan_fuzz::message;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match parse_presets(text) {
        Ok(presets) => {
            for preset in &presets {
                assert!(MODELS.contains(&preset.model.as_str()), "model {}", preset.model);
                let _ = preset.name();
            }
        }
        Err(e) => message(&e),
    }
});
