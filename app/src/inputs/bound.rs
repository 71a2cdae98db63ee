//! Ways of writing a field's text into the draft other than as plain text: a whole number, a list of decimals, or
//! a member of an optional group of fields (such as funding's rate and intervals). [`crate::fields::Field`] takes
//! one as its `write` prop.

use serde_json::Value;

use crate::draft::Draft;

/// How a [`Bound`] input writes its text into the draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// A whole number (`count`): written as a JSON number when it is one, as the text otherwise (so the core names
    /// the field).
    Integer,
    /// Comma-separated decimals (`1, 2, 4`): written as an array of texts.
    List,
    /// A member of the optional object at the pointer's parent: emptying the last member removes the object.
    GroupMember,
}

/// Writes `text` at `pointer` the way `write` says.
pub fn write(draft: &mut Draft, pointer: &str, text: String, write: Write) {
    match write {
        Write::Integer => match text.trim().parse::<u64>() {
            Ok(n) => draft.set(pointer, Value::from(n)),
            Err(_) => draft.set(pointer, Value::String(text)),
        },
        Write::List => {
            let items = text.split(',').map(|t| Value::String(t.trim().to_owned())).collect();
            draft.set(pointer, Value::Array(items));
        }
        Write::GroupMember => {
            draft.set_text(pointer, text, true);
            let parent = pointer.rsplit_once('/').map_or("", |(p, _)| p);
            if draft.get(parent).and_then(Value::as_object).is_some_and(serde_json::Map::is_empty) {
                draft.remove(parent);
            }
        }
    }
}

/// The text shown for the value at `pointer`: a list is joined with `, `.
pub fn read(draft: &Draft, pointer: &str) -> String {
    match draft.get(pointer) {
        Some(Value::Array(items)) => {
            items.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned)).collect::<Vec<_>>().join(", ")
        }
        _ => draft.text(pointer),
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn whole_numbers_become_numbers_and_other_text_stays() {
        let mut draft = Draft::new(json!({"g": {}}));
        write(&mut draft, "/g/count", "4".into(), Write::Integer);
        assert_eq!(draft.get("/g/count"), Some(&json!(4)));
        write(&mut draft, "/g/count", "4.5".into(), Write::Integer);
        assert_eq!(draft.get("/g/count"), Some(&json!("4.5")));
    }

    #[test]
    fn lists_split_on_commas_and_read_back() {
        let mut draft = Draft::new(json!({}));
        write(&mut draft, "/w", "1, 2,4".into(), Write::List);
        assert_eq!(draft.get("/w"), Some(&json!(["1", "2", "4"])));
        assert_eq!(read(&draft, "/w"), "1, 2, 4");
        write(&mut draft, "/w", "1,".into(), Write::List);
        assert_eq!(read(&draft, "/w"), "1, ", "a trailing comma survives, so the next weight can be typed");
    }

    #[test]
    fn an_emptied_group_is_removed() {
        let mut draft = Draft::new(json!({"funding": {"rate": "0.0001", "intervals": "3"}}));
        write(&mut draft, "/funding/rate", String::new(), Write::GroupMember);
        assert_eq!(draft.get("/funding"), Some(&json!({"intervals": "3"})));
        write(&mut draft, "/funding/intervals", " ".into(), Write::GroupMember);
        assert_eq!(draft.get("/funding"), None);
        write(&mut draft, "/funding/rate", "0.0001".into(), Write::GroupMember);
        assert_eq!(draft.get("/funding"), Some(&json!({"rate": "0.0001"})));
    }
}
