//! The plan as the user is typing it: a plan-file JSON document whose decimals are the texts exactly as typed.
//!
//! Every input is bound to a JSON pointer into the draft (`/entries/ladder/tranches/1/price`), so whatever the user
//! types is kept, valid or not, and stored, shared and exported as it is. [`Draft::to_plan`] parses the draft with
//! the core's own types; an error comes back with the pointer of the field it concerns, so the message can be shown
//! next to that input.

use scaleplan::plan::PLAN_VERSION;
use scaleplan::{evaluate_plan, Error, Plan};
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
        // A plan from a later build cannot be fixed in this one's form: refused with its reason, before anything
        // is opened.
        if let Some(version) = value.get("version").and_then(Value::as_u64).filter(|v| *v != u64::from(PLAN_VERSION)) {
            return Err(Problem {
                pointer: "/version".to_owned(),
                message: format!(
                    "the plan is version {version}, from another build of scaleplan; this one reads version {PLAN_VERSION}"
                ),
            });
        }
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

    /// Edits the list at `pointer` as `edit` says (add an item at the end, remove one, move one up or down),
    /// keeping everything typed in the other items; an index out of range changes nothing. The one way the page
    /// edits its lists (tranches, tiers, targets, stop rules).
    pub fn edit_list(&mut self, pointer: &str, edit: ListEdit) {
        let mut items = self.items(pointer);
        match edit {
            ListEdit::Add(item) => items.push(item),
            ListEdit::Remove(i) if i < items.len() => {
                items.remove(i);
            }
            ListEdit::Move { from, to } if from < items.len() && to < items.len() => items.swap(from, to),
            ListEdit::Remove(_) | ListEdit::Move { .. } => return,
        }
        self.set(pointer, Value::Array(items));
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
        // As text through the core's hand-written reader, the plan reader of the npm package too: it names the
        // field of a problem as the derived serde readers did (a differential test holds them equal) without
        // compiling those into the app and the widget.
        let text = serde_json::to_string(&self.0).unwrap_or_default();
        scaleplan::read::from_str(&text).map_err(|e| match e {
            Error::Invalid { field, problem } => Problem { pointer: pointer_of(&field), message: problem },
            other => Problem { pointer: String::new(), message: other.to_string() },
        })
    }
}

/// One edit of a list in the draft ([`Draft::edit_list`]).
#[derive(Debug, Clone, PartialEq)]
pub enum ListEdit {
    /// Appends an item.
    Add(Value),
    /// Removes the item at an index.
    Remove(usize),
    /// Swaps the item at `from` with its neighbour at `to` (a move up or down).
    Move {
        /// Index of the item moved.
        from: usize,
        /// Where it goes.
        to: usize,
    },
}

/// At most this many problems are collected from one draft: more than any form shows at once, and a bound on
/// the work a hostile draft can ask for.
pub const MAX_PROBLEMS: usize = 64;

impl Draft {
    /// Every problem of the draft, each at its field (in the order the parser meets them; the page sorts them into
    /// the order of its fields).
    ///
    /// The core's parser stops at the first bad field, so each one found is set aside in a scratch copy (replaced
    /// by a stand-in its type accepts, or removed when it is optional) and the parse is run again, until it passes
    /// or makes no progress. A missing required field is reported at that field ("is required"), not at its group.
    /// Only when every field parses is the plan evaluated, so its own error (shares that do not add up, tiers out
    /// of order) is reported, and never one caused by a stand-in.
    pub fn problems(&self) -> Vec<Problem> {
        let mut scratch = self.clone();
        let mut found: Vec<Problem> = Vec::new();
        while found.len() < MAX_PROBLEMS {
            match scratch.to_plan() {
                Ok(plan) => {
                    if found.is_empty() {
                        if let Err(e) = evaluate_plan(&plan) {
                            found.push(problem_of(&e));
                        }
                    }
                    break;
                }
                Err(problem) => {
                    let problem = required_field(problem);
                    if found.iter().any(|f| f.pointer == problem.pointer) {
                        break;
                    }
                    let moved_on = scratch.stand_in(&problem.pointer);
                    found.push(problem);
                    if !moved_on {
                        break;
                    }
                }
            }
        }
        found
    }

    /// Replaces the field at `pointer` with the first stand-in the parser gets past (a decimal text, a whole number,
    /// a zero, or nothing); whether one did.
    fn stand_in(&mut self, pointer: &str) -> bool {
        if pointer.is_empty() {
            return false;
        }
        let original = self.get(pointer).cloned();
        let candidates = [Some(Value::from("1")), Some(Value::from(1)), Some(Value::from("0")), None];
        for candidate in candidates {
            match candidate {
                Some(value) => self.set(pointer, value),
                None => {
                    self.remove(pointer);
                }
            }
            let past = match self.to_plan() {
                Ok(_) => true,
                Err(p) => required_field(p).pointer != pointer,
            };
            if past {
                return true;
            }
        }
        if let Some(value) = original {
            self.set(pointer, value);
        }
        false
    }
}

/// A "missing field `rate`" problem of a group, as the problem of the field itself: `/funding/rate: is required`.
fn required_field(problem: Problem) -> Problem {
    let missing = problem
        .message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
        .filter(|name| !name.is_empty());
    match missing {
        Some(name) => Problem { pointer: format!("{}/{}", problem.pointer, name), message: "is required".to_owned() },
        None => problem,
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
    fn every_bad_field_is_found_at_once_each_at_its_own_pointer() {
        let mut draft = guide();
        draft.set_text("/leverage", "ten".into(), false);
        draft.set_text("/entries/ladder/tranches/1/price", "-5".into(), false);
        draft.set_text("/instrument/tiers/2/maintenanceMarginRate", "2".into(), false);
        draft.set_text("/account/wallet", "".into(), false);
        let problems = draft.problems();
        let mut pointers: Vec<&str> = problems.iter().map(|p| p.pointer.as_str()).collect();
        pointers.sort_unstable();
        assert_eq!(
            pointers,
            [
                "/account/wallet",
                "/entries/ladder/tranches/1/price",
                "/instrument/tiers/2/maintenanceMarginRate",
                "/leverage"
            ]
        );
        assert!(problems.iter().all(|p| !p.message.is_empty()));
        assert_eq!(draft.text("/leverage"), "ten", "the draft itself is untouched");
    }

    #[test]
    fn tiers_out_of_order_are_named_at_the_tier() {
        let mut draft = guide();
        draft.set_text("/instrument/tiers/0/notionalCap", "1001".into(), false);
        let problems = draft.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].pointer, "/instrument/tiers/1/notionalFloor");
        assert!(problems[0].message.contains("(1001)"), "{}", problems[0].message);
    }

    #[test]
    fn a_group_missing_a_field_names_the_field() {
        let mut draft = guide();
        draft.set("/funding", serde_json::json!({"intervals": "3"}));
        assert_eq!(
            draft.problems(),
            [Problem { pointer: "/funding/rate".into(), message: "is required".into() }]
        );
    }

    #[test]
    fn the_plans_own_error_comes_once_every_field_parses() {
        let mut draft = guide();
        draft.set_text("/entries/ladder/tranches/0/share", "26".into(), false);
        let problems = draft.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].pointer.starts_with("/entries/ladder"), "{problems:?}");
        // With a field that does not parse, the shares are not judged: a stand-in would make them wrong.
        draft.set_text("/leverage", "x".into(), false);
        assert_eq!(draft.problems().iter().map(|p| p.pointer.as_str()).collect::<Vec<_>>(), ["/leverage"]);
        assert_eq!(guide().problems(), []);
    }

    #[test]
    fn lists_are_edited_in_one_place_and_out_of_range_is_nothing() {
        let mut draft = guide();
        let list = "/entries/ladder/tranches";
        let prices = |d: &Draft| d.items(list).iter().map(|t| t["price"].as_str().unwrap_or("").to_owned()).collect::<Vec<_>>();
        draft.edit_list(list, ListEdit::Move { from: 0, to: 1 });
        assert_eq!(prices(&draft), ["64000", "65000", "62500", "61000"]);
        draft.edit_list(list, ListEdit::Remove(3));
        draft.edit_list(list, ListEdit::Add(serde_json::json!({"price": "60500", "share": ""})));
        assert_eq!(prices(&draft), ["64000", "65000", "62500", "60500"]);
        let before = draft.clone();
        draft.edit_list(list, ListEdit::Remove(9));
        draft.edit_list(list, ListEdit::Move { from: 3, to: 4 });
        assert_eq!(draft, before);
        draft.edit_list("/exits/targets", ListEdit::Add(serde_json::json!({"price": ""})));
        assert_eq!(draft.items("/exits/targets").len(), 1, "a list that was not there is created");
    }

    #[test]
    fn a_later_version_is_refused_with_its_reason() {
        let text = include_str!("../../crates/scaleplan/data/examples/guide-btc-ladder.json").replace("\"version\": 1", "\"version\": 2");
        let problem = Draft::from_plan_text(&text).expect_err("a later version");
        assert_eq!(problem.message, "the plan is version 2, from another build of scaleplan; this one reads version 1");
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
