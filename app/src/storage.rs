//! Keeping the draft in the browser's local storage, so a reload loses nothing typed.

use crate::draft::{Draft, MAX_DRAFT_BYTES};

/// The local-storage key of the draft (versioned with the plan format).
pub const DRAFT_KEY: &str = "scaleplan.draft.v1";
/// The local-storage key of the last draft that was a valid plan.
pub const VALID_KEY: &str = "scaleplan.valid.v1";

thread_local! {
    static DISABLED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Turns storage off for this wasm instance: a widget in another site's page neither reads nor writes that site's
/// local storage (every load finds nothing, every save does nothing).
pub fn disable() {
    DISABLED.with(|d| d.set(true));
}

fn local_storage() -> Option<web_sys::Storage> {
    if DISABLED.with(std::cell::Cell::get) {
        return None;
    }
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The stored draft, if there is one that is JSON of a sensible size (it may be an invalid plan: it is what was
/// typed).
pub fn load_draft() -> Option<Draft> {
    load(DRAFT_KEY)
}

/// The last stored draft that was a valid plan.
pub fn load_valid_draft() -> Option<Draft> {
    load(VALID_KEY)
}

fn load(key: &str) -> Option<Draft> {
    let text = local_storage()?.get_item(key).ok().flatten()?;
    if text.len() > MAX_DRAFT_BYTES {
        return None;
    }
    serde_json::from_str(&text).ok().map(Draft::new)
}

/// Stores the draft; storage that is full or disabled is ignored (the page keeps working).
pub fn save_draft(draft: &Draft) {
    save(DRAFT_KEY, draft);
}

/// Stores the draft as the last valid one.
pub fn save_valid_draft(draft: &Draft) {
    save(VALID_KEY, draft);
}

fn save(key: &str, draft: &Draft) {
    if let (Some(storage), Ok(text)) = (local_storage(), serde_json::to_string(draft.value())) {
        let _ = storage.set_item(key, &text);
    }
}

/// The local-storage key of the side stash: the entry modes not in use, by mode.
pub const STASH_KEY: &str = "scaleplan.stash.v1";

/// The stored stash of entry modes not in use (empty when there is none).
pub fn load_stash() -> serde_json::Map<String, serde_json::Value> {
    local_storage()
        .and_then(|s| s.get_item(STASH_KEY).ok().flatten())
        .filter(|text| text.len() <= MAX_DRAFT_BYTES)
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

/// Stores the stash; storage that is full or disabled is ignored.
pub fn save_stash(stash: &serde_json::Map<String, serde_json::Value>) {
    if let (Some(storage), Ok(text)) = (local_storage(), serde_json::to_string(stash)) {
        let _ = storage.set_item(STASH_KEY, &text);
    }
}
