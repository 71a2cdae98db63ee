//! The browser's storage under the library of plans ([`crate::library`]): local storage as a [`Store`], and the
//! tab's own session storage for which plan it has open.
//!
//! Local storage stays on web-sys rather than gloo-storage: reaching it can throw (private windows, sandboxed
//! frames, storage turned off), and every such failure must become a message while the app keeps working in memory.

use wasm_bindgen::JsValue;

use crate::library::{Store, StoreError};

/// The session-storage key of the plan open in this tab (so a reload opens it again).
pub const OPEN_KEY: &str = "scaleplan.open.v1";

thread_local! {
    static DISABLED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Turns storage off for this wasm instance: a widget in another site's page neither reads nor writes that site's
/// local or session storage.
pub fn disable() {
    DISABLED.with(|d| d.set(true));
}

fn disabled() -> bool {
    DISABLED.with(std::cell::Cell::get)
}

/// The page's local storage.
#[derive(Debug, Clone)]
pub struct WebStore(web_sys::Storage);

/// The page's local storage, or why there is none (in words for the user).
///
/// # Errors
/// The reason: storage turned off for a widget, refused by the browser (its message), or missing.
pub fn open() -> Result<WebStore, String> {
    if disabled() {
        return Err("the planner is embedded in another page".to_owned());
    }
    let window = web_sys::window().ok_or_else(|| "there is no window".to_owned())?;
    match window.local_storage() {
        Ok(Some(storage)) => Ok(WebStore(storage)),
        Ok(None) => Err("the browser has no local storage".to_owned()),
        Err(e) => Err(format!("the browser refused local storage: {}", message_of(&e))),
    }
}

/// A thrown value's name and message (`SecurityError: The operation is insecure.`).
fn message_of(error: &JsValue) -> String {
    let field = |name: &str| js_sys::Reflect::get(error, &JsValue::from_str(name)).ok().and_then(|v| v.as_string());
    match (field("name"), field("message")) {
        (Some(name), Some(message)) if !message.is_empty() => format!("{name}: {message}"),
        (Some(name), _) => name,
        (None, Some(message)) => message,
        (None, None) => error.as_string().unwrap_or_else(|| "unknown error".to_owned()),
    }
}

/// A failed call as a [`StoreError`]: the quota (`QuotaExceededError`, or Firefox's `NS_ERROR_DOM_QUOTA_REACHED`)
/// or anything else.
fn store_error(error: &JsValue) -> StoreError {
    let name = js_sys::Reflect::get(error, &JsValue::from_str("name")).ok().and_then(|v| v.as_string());
    match name.as_deref() {
        Some("QuotaExceededError" | "NS_ERROR_DOM_QUOTA_REACHED") => StoreError::Full,
        _ => StoreError::Unavailable(message_of(error)),
    }
}

impl Store for WebStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.0.get_item(key).map_err(|e| store_error(&e))
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.0.set_item(key, value).map_err(|e| store_error(&e))
    }
    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.0.remove_item(key).map_err(|e| store_error(&e))
    }
    fn keys(&self) -> Result<Vec<String>, StoreError> {
        let length = self.0.length().map_err(|e| store_error(&e))?;
        let mut keys = Vec::new();
        for i in 0..length {
            if let Some(key) = self.0.key(i).map_err(|e| store_error(&e))? {
                keys.push(key);
            }
        }
        Ok(keys)
    }
}

fn session() -> Option<web_sys::Storage> {
    if disabled() {
        return None;
    }
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

/// The id of the plan this tab had open before a reload.
pub fn open_plan_of_tab() -> Option<String> {
    session()?.get_item(OPEN_KEY).ok().flatten()
}

/// Remembers the plan this tab has open; a failure only means a reload opens the most recent plan instead.
pub fn set_open_plan_of_tab(id: &str) {
    if let Some(storage) = session() {
        let _ = storage.set_item(OPEN_KEY, id);
    }
}
