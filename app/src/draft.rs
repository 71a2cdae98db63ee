//! The plan as the user is typing it: a plan-file JSON document whose decimals are the texts exactly as typed.
//!
//! Every input is bound to a JSON pointer into the draft (`/entries/ladder/tranches/1/price`), so whatever the user
//! types is kept, valid or not, and stored, shared and exported as it is. [`Draft::to_plan`] parses the draft with
//! the core's own types; an error comes back with the pointer of the field it concerns, so the message can be shown
//! next to that input.

use scaleplan::{Error, Plan};
use serde_json::{Map, Value};

/// The largest draft accepted from storage, a link or a file (bytes of JSON): far above any real plan, small enough
/// that a hostile link cannot stall the page.
pub const MAX_DRAFT_BYTES: usize = 512 * 1024;

/// The plan being edited. Cloning is cheap enough for the sizes plans have.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft(Value);

/// A problem with the draft: the pointer of the field (empty for the plan as a whole) and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// JSON pointer of the field (`/entries/ladder/tranches/1/price`).
    pub pointer: String,
    /// What is wrong and what is allowed, as the core says it.
    pub message: String,
}

impl Draft {
    /// A draft from a plan-file JSON value.
    pub fn new(value: Value) -> Self {
        Self(value)
    }

    /// A draft of `plan`.
    pub fn from_plan(plan: &Plan) -> Self {
        Self(serde_json::to_value(plan).unwrap_or(Value::Null))
    }

    /// Reads a draft from JSON text (a stored draft, a shared link, an uploaded file) and checks it is a valid plan.
    ///
    /// # Errors
    /// A [`Problem`] naming the field when the text is not JSON, too large, or not a valid plan.
    pub fn from_plan_text(text: &str) -> Result<Self, Problem> {
        if text.len() > MAX_DRAFT_BYTES {
            return Err(Problem {
                pointer: String::new(),
                message: format!("the plan is {} KiB; at most {} KiB is accepted", text.len() / 1024, MAX_DRAFT_BYTES / 1024),
            });
        }
        let value: Value = serde_json::from_str(text)
            .map_err(|e| Problem { pointer: String::new(), message: format!("not a plan file: {e}") })?;
        let draft = Self(value);
        draft.to_plan()?;
        Ok(draft)
    }

    /// The JSON document.
    pub fn value(&self) -> &Value {
        &self.0
    }

    /// Pretty JSON text of the draft.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.0).unwrap_or_default()
    }

    /// The text at `pointer`: a string as typed, a number or boolean written out, empty when absent.
    pub fn text(&self, pointer: &str) -> String {
        match self.0.pointer(pointer) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Bool(b)) => b.to_string(),
            _ => String::new(),
        }
    }

    /// The value at `pointer`, if any.
    pub fn get(&self, pointer: &str) -> Option<&Value> {
        self.0.pointer(pointer)
    }

    /// Sets `pointer` to `value`, creating the objects on the way; array indexes must already exist.
    pub fn set(&mut self, pointer: &str, value: Value) {
        let mut node = &mut self.0;
        let mut parts = pointer.split('/').skip(1).map(unescape).peekable();
        while let Some(part) = parts.next() {
            let last = parts.peek().is_none();
            if !node.is_object() && !node.is_array() {
                *node = Value::Object(Map::new());
            }
            let next = match node {
                Value::Object(map) => {
                    if last {
                        map.insert(part, value);
                        return;
                    }
                    map.entry(part).or_insert_with(|| Value::Object(Map::new()))
                }
                Value::Array(items) => match part.parse::<usize>().ok().and_then(|i| items.get_mut(i)) {
                    Some(item) if last => {
                        *item = value;
                        return;
                    }
                    Some(item) => item,
                    None => return,
                },
                _ => return,
            };
            node = next;
        }
    }

    /// Sets the text at `pointer`; with `optional`, an empty text removes the field instead.
    pub fn set_text(&mut self, pointer: &str, text: String, optional: bool) {
        if optional && text.trim().is_empty() {
            self.remove(pointer);
        } else {
            self.set(pointer, Value::String(text));
        }
    }

    /// Removes the field or array item at `pointer`, if present.
    pub fn remove(&mut self, pointer: &str) -> Option<Value> {
        let (parent, last) = pointer.rsplit_once('/')?;
        let last = unescape(last);
        match self.0.pointer_mut(parent)? {
            Value::Object(map) => map.remove(&last),
            Value::Array(items) => {
                let index = last.parse::<usize>().ok().filter(|i| *i < items.len())?;
                Some(items.remove(index))
            }
            _ => None,
        }
    }

    /// The array at `pointer` (empty when absent).
    pub fn items(&self, pointer: &str) -> Vec<Value> {
        self.0.pointer(pointer).and_then(Value::as_array).cloned().unwrap_or_default()
    }

    /// Parses the draft into a plan with the core's own types.
    ///
    /// # Errors
    /// The first [`Problem`], with the pointer of its field.
    pub fn to_plan(&self) -> Result<Plan, Problem> {
        serde_path_to_error::deserialize(&self.0).map_err(|e| {
            let path = e.path().to_string();
            let message = e.into_inner().to_string();
            Problem { pointer: pointer_of(if path == "." { "" } else { &path }), message }
        })
    }
}

/// The pointer of a core field path: `entries.ladder.tranches[1].price` → `/entries/ladder/tranches/1/price`.
pub fn pointer_of(path: &str) -> String {
    let mut pointer = String::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let mut pieces = part.split('[');
        if let Some(name) = pieces.next().filter(|n| !n.is_empty()) {
            pointer.push('/');
            pointer.push_str(&name.replace('~', "~0").replace('/', "~1"));
        }
        for index in pieces {
            pointer.push('/');
            pointer.push_str(index.trim_end_matches(']'));
        }
    }
    pointer
}

/// A core error as a [`Problem`] on its field.
pub fn problem_of(error: &Error) -> Problem {
    let message = error.to_string();
    match error.field() {
        Some(field) if !field.is_empty() => {
            let text = message.strip_prefix(&format!("{field}: ")).unwrap_or(&message).to_owned();
            Problem { pointer: pointer_of(field), message: text }
        }
        _ => Problem { pointer: String::new(), message },
    }
}

fn unescape(part: &str) -> String {
    part.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guide() -> Draft {
        Draft::from_plan_text(include_str!("../../crates/scaleplan/data/examples/guide-btc-ladder.json"))
            .expect("the guide example is a valid plan")
    }

    #[test]
    fn core_paths_become_pointers() {
        assert_eq!(pointer_of("entries.ladder.tranches[1].price"), "/entries/ladder/tranches/1/price");
        assert_eq!(pointer_of("instrument.tiers[0][1]"), "/instrument/tiers/0/1");
        assert_eq!(pointer_of(""), "");
    }

    #[test]
    fn typing_keeps_the_text_and_parsing_names_the_field() {
        let mut draft = guide();
        draft.set_text("/entries/ladder/tranches/1/price", "64,000x".into(), false);
        assert_eq!(draft.text("/entries/ladder/tranches/1/price"), "64,000x");
        let problem = draft.to_plan().expect_err("a bad price");
        assert_eq!(problem.pointer, "/entries/ladder/tranches/1/price");
        assert!(problem.message.contains("is not a number"), "{}", problem.message);
    }

    #[test]
    fn optional_fields_are_removed_when_emptied() {
        let mut draft = guide();
        draft.set_text("/stop", String::new(), true);
        assert_eq!(draft.get("/stop"), None);
        assert!(draft.to_plan().is_ok());
        draft.set_text("/stop", "60000".into(), true);
        assert_eq!(draft.text("/stop"), "60000");
    }

    #[test]
    fn rows_are_removed_and_set_by_index() {
        let mut draft = guide();
        assert_eq!(draft.items("/entries/ladder/tranches").len(), 4);
        draft.remove("/entries/ladder/tranches/3");
        assert_eq!(draft.items("/entries/ladder/tranches").len(), 3);
        draft.set("/entries/ladder/tranches/9/price", Value::String("1".into()));
        assert_eq!(draft.items("/entries/ladder/tranches").len(), 3, "a missing index is not created");
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        assert!(Draft::from_plan_text("{").expect_err("not JSON").message.starts_with("not a plan file"));
        let problem = Draft::from_plan_text(r#"{"version": 1}"#).expect_err("incomplete");
        assert!(problem.message.contains("missing field"), "{}", problem.message);
        let huge = " ".repeat(MAX_DRAFT_BYTES + 1);
        assert!(Draft::from_plan_text(&huge).expect_err("too large").message.contains("at most"));
    }
}
