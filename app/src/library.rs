//! The library of plans: every plan kept in the browser, each under a local-storage key of its own; new, duplicate,
//! rename, delete and restore; the revision rule that keeps two tabs from overwriting each other's work; stored
//! data that cannot be read, kept as it was; the export and import of the whole library as one JSON file.
//!
//! Pure logic over a [`Store`] (the browser's local storage in `storage.rs`, a [`MemoryStore`] in the tests), so
//! every rule here runs natively under `cargo test`. Without any store (private mode, storage turned off) the same
//! library lives in memory only, and [`Library::status`] says so.
//!
//! # Storage layout
//!
//! - [`INDEX_KEY`] (`scaleplan.library.v1`): `{"version": 1, "plans": [id, …]}`, the plans in the order they were
//!   added. It changes only when a plan is added or deleted, never while one is edited.
//! - [`PLAN_PREFIX`]`<id>` (`scaleplan.plan.v1.<id>`): one plan's [`Record`]: its name, times, revision, the draft
//!   as typed, the last draft that was a valid plan and the stash of entry modes not in use.
//!
//! The records are the truth and the index a list of them: a record whose id the index lacks (two tabs added a
//! plan at the same moment, one index write lost) is found by its key and listed again; an id whose record is gone
//! is dropped. So two tabs editing different plans write different keys and never clash.
//!
//! # Two tabs on one plan
//!
//! Every write of a record gets a new revision (`<tab>.<n>`, unique to the tab that wrote it) and names the
//! revision it was made from (`parent`). A tab remembers the revision it last read or wrote for each plan, and
//! before it writes, reads the stored one:
//!
//! - the same: nobody else wrote since, and it writes;
//! - another (or the plan deleted meanwhile): another tab changed it, so this tab's work is written as a new plan
//!   (a "conflicted copy", or the same name when the plan was deleted), this tab switches to that copy, and the
//!   user is told; the other tab's version stays under the plan's name.
//!
//! A tab also hears every other tab's writes (the browser's `storage` events, [`Library::external`]). A write to
//! the plan it has open that was made from the revision it has, while nothing of its own is unsaved, is taken over
//! (the other tab started from this tab's work, so nothing is lost). Any other write to that plan is a conflict,
//! settled as above. Neither tab's work is ever written over.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::draft::MAX_DRAFT_BYTES;

/// The local-storage key of the index of plans.
pub const INDEX_KEY: &str = "scaleplan.library.v1";
/// The local-storage key of a plan's record, before its id.
pub const PLAN_PREFIX: &str = "scaleplan.plan.v1.";
/// The single draft of builds before the library (migrated into it on first load).
pub const LEGACY_DRAFT_KEY: &str = "scaleplan.draft.v1";
/// The last valid draft of builds before the library.
pub const LEGACY_VALID_KEY: &str = "scaleplan.valid.v1";
/// The stash of entry modes of builds before the library.
pub const LEGACY_STASH_KEY: &str = "scaleplan.stash.v1";
/// The version of the index and of each record.
pub const RECORD_VERSION: u32 = 1;
/// The `format` of a library file.
pub const LIBRARY_FORMAT: &str = "scaleplan-library";
/// The version of the library file this build writes and reads.
pub const LIBRARY_VERSION: u32 = 1;
/// The largest library file read (bytes of JSON).
pub const MAX_LIBRARY_BYTES: usize = 16 * 1024 * 1024;
/// The most plans read from one library file.
pub const MAX_PLANS: usize = 1_000;
/// The longest name a plan may be given (characters).
pub const MAX_NAME_CHARS: usize = 200;
/// The largest record read from storage: a draft, the last valid one and the stash, each within a plan's limit.
const MAX_RECORD_BYTES: usize = 3 * MAX_DRAFT_BYTES;

/// Why the store refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The quota is used up.
    Full,
    /// The storage threw for another reason (its message).
    Unavailable(String),
}

/// A key-value store of text, as local storage is.
pub trait Store {
    /// The text under `key`, if any.
    ///
    /// # Errors
    /// When the store cannot be read.
    fn get(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// Stores `value` under `key`.
    ///
    /// # Errors
    /// [`StoreError::Full`] when the quota is used up, else why it could not be written.
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError>;
    /// Removes `key`.
    ///
    /// # Errors
    /// When the store cannot be written.
    fn remove(&self, key: &str) -> Result<(), StoreError>;
    /// Every key in the store.
    ///
    /// # Errors
    /// When the store cannot be read.
    fn keys(&self) -> Result<Vec<String>, StoreError>;
}

impl<S: Store> Store for Rc<S> {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        (**self).get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        (**self).set(key, value)
    }
    fn remove(&self, key: &str) -> Result<(), StoreError> {
        (**self).remove(key)
    }
    fn keys(&self) -> Result<Vec<String>, StoreError> {
        (**self).keys()
    }
}

/// A store in memory, with an optional quota (bytes of keys and values), for tests and as a model of local storage.
#[derive(Debug, Default)]
pub struct MemoryStore {
    items: RefCell<BTreeMap<String, String>>,
    quota: Option<usize>,
}

impl MemoryStore {
    /// An empty store with no quota.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty store that refuses writes beyond `bytes`.
    pub fn with_quota(bytes: usize) -> Self {
        Self { items: RefCell::default(), quota: Some(bytes) }
    }

    /// A copy of everything stored.
    pub fn items(&self) -> BTreeMap<String, String> {
        self.items.borrow().clone()
    }
}

impl Store for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.items.borrow().get(key).cloned())
    }
    fn set(&self, key: &str, value: &str) -> Result<(), StoreError> {
        let mut items = self.items.borrow_mut();
        if let Some(quota) = self.quota {
            let others: usize = items.iter().filter(|(k, _)| k.as_str() != key).map(|(k, v)| k.len() + v.len()).sum();
            if others.saturating_add(key.len()).saturating_add(value.len()) > quota {
                return Err(StoreError::Full);
            }
        }
        items.insert(key.to_owned(), value.to_owned());
        Ok(())
    }
    fn remove(&self, key: &str) -> Result<(), StoreError> {
        self.items.borrow_mut().remove(key);
        Ok(())
    }
    fn keys(&self) -> Result<Vec<String>, StoreError> {
        Ok(self.items.borrow().keys().cloned().collect())
    }
}

/// One plan as stored under [`PLAN_PREFIX`]`<id>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    /// [`RECORD_VERSION`].
    pub version: u32,
    /// The plan's id, the end of its key.
    pub id: String,
    /// The name in the list, unique in the library.
    pub name: String,
    /// Whether the user chose the name; if not, it follows the plan ([`default_name`]).
    #[serde(default)]
    pub named: bool,
    /// When the plan was added (ms since 1970, UTC).
    pub created: i64,
    /// When it last changed.
    pub changed: i64,
    /// This write's revision (`<tab>.<n>`).
    pub revision: String,
    /// The revision this one was made from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The plan as typed (a plan-file JSON document, valid or not).
    pub draft: Value,
    /// The last draft that was a valid plan (its results stay on screen while a field is being fixed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid: Option<Value>,
    /// The entry modes not in use, by mode.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub stash: Map<String, Value>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Index {
    version: u32,
    plans: Vec<String>,
}

/// Stored text that could not be read: kept as it is in storage (never overwritten) and offered as a download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damaged {
    /// Its local-storage key.
    pub key: String,
    /// The text exactly as stored.
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

/// Whether the library reaches storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Everything is stored.
    Stored,
    /// There is no storage (the reason): the library lives in memory only.
    NoStorage(String),
    /// The storage is full: what did not fit is kept in memory, and written once there is room.
    Full,
    /// A write failed for another reason (the browser's message).
    Failed(String),
}

/// What this tab knows of a plan's record in storage.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seen {
    /// Stored at this revision, as far as this tab knows.
    Stored(String),
    /// Never written (storage full or missing when it was added).
    NotStored,
    /// Deleted by another tab; it was at this revision.
    Gone(Option<String>),
}

#[derive(Debug, Clone)]
struct Entry {
    /// The latest content in this tab (possibly not yet stored).
    record: Record,
    seen: Seen,
}

impl Entry {
    /// Whether this tab has content of the plan that is not in storage.
    fn unsaved(&self) -> bool {
        !matches!(&self.seen, Seen::Stored(r) if *r == self.record.revision)
    }
}

/// A plan in the list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Summary {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// When it last changed (ms since 1970, UTC).
    pub changed: i64,
    /// Whether some of it is kept in this tab only.
    pub unsaved: bool,
}

/// A conflict settled by keeping this tab's work as a plan of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fork {
    /// The name of the plan another tab changed (or deleted).
    pub original: String,
    /// Whether the other tab deleted it.
    pub original_gone: bool,
    /// The id of the plan that now holds this tab's work.
    pub copy: String,
    /// Its name.
    pub copy_name: String,
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// Nothing had changed.
    Unchanged,
    /// Written.
    Saved,
    /// Kept in memory only (see [`Library::status`]).
    NotStored,
    /// Another tab had changed the plan: this tab's work is now the plan [`Fork::copy`].
    Forked(Fork),
}

/// What another tab's write meant for this one ([`Library::external`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum External {
    /// Nothing here changed.
    Nothing,
    /// The list changed (a plan added, renamed, changed or deleted that is not open here).
    Listed,
    /// The plan open here was changed from this tab's version: its new content is taken over.
    Adopted,
    /// The plan open here was changed at the same time as here: this tab's work is now [`Fork::copy`].
    Forked(Fork),
    /// The plan open here was deleted by another tab (it stays open here; a change keeps it as a plan again).
    OpenGone,
}

/// A deleted plan, as kept for its undo.
#[derive(Debug, Clone, PartialEq)]
pub struct Deleted {
    record: Record,
    position: usize,
}

impl Deleted {
    /// The deleted plan's name.
    pub fn name(&self) -> &str {
        &self.record.name
    }

    /// The deleted plan's id.
    pub fn id(&self) -> &str {
        &self.record.id
    }
}

/// A plan read from a library file, checked, to be added.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    name: String,
    named: bool,
    created: Option<i64>,
    changed: Option<i64>,
    draft: Value,
    valid: Option<Value>,
    stash: Map<String, Value>,
}

/// The library as one tab holds it.
#[derive(Debug)]
pub struct Library<S: Store> {
    store: Option<S>,
    tab: String,
    counter: u64,
    entries: Vec<Entry>,
    damaged: Vec<Damaged>,
    /// The index is damaged: it is kept as it is and never written (the plans are found by their keys).
    index_damaged: bool,
    status: Status,
}

/// The key of plan `id`'s record.
pub fn plan_key(id: &str) -> String {
    format!("{PLAN_PREFIX}{id}")
}

impl<S: Store> Library<S> {
    /// Opens the library of `store` (or, when there is none, an empty one in memory, with the reason) for the tab
    /// `tab` (a random id of letters and digits, unique to this page load): reads the index and every record, lists
    /// what cannot be read as [`Damaged`], and the first time, moves the single draft of builds before the library
    /// into it.
    pub fn open(store: Result<S, String>, tab: &str, now: i64) -> Self {
        let (store, status) = match store {
            Ok(store) => (Some(store), Status::Stored),
            Err(reason) => (None, Status::NoStorage(reason)),
        };
        let mut library = Self {
            store,
            tab: tab.to_owned(),
            counter: 0,
            entries: Vec::new(),
            damaged: Vec::new(),
            index_damaged: false,
            status,
        };
        if let Err(e) = library.load(now) {
            // Storage that throws on reading is no storage: the library carries on in memory.
            library.store = None;
            library.status = Status::NoStorage(match e {
                StoreError::Full => "the storage is full".to_owned(),
                StoreError::Unavailable(reason) => reason,
            });
        }
        library
    }

    fn load(&mut self, now: i64) -> Result<(), StoreError> {
        let Some(store) = &self.store else { return Ok(()) };
        let mut ids = Vec::new();
        let had_index = match store.get(INDEX_KEY)? {
            None => false,
            Some(text) => {
                match parse_index(&text) {
                    Ok(list) => ids = list,
                    Err(reason) => {
                        self.damaged.push(Damaged { key: INDEX_KEY.to_owned(), text, reason });
                        self.index_damaged = true;
                    }
                }
                true
            }
        };
        let mut stale = false;
        for key in store.keys()? {
            if let Some(id) = key.strip_prefix(PLAN_PREFIX) {
                if !ids.iter().any(|i| i == id) {
                    ids.push(id.to_owned());
                    stale = true;
                }
            }
        }
        for id in ids {
            let key = plan_key(&id);
            match store.get(&key)? {
                None => stale = true,
                Some(text) => match parse_record(&text, &id) {
                    Ok(record) => {
                        if !self.entries.iter().any(|e| e.record.id == record.id) {
                            self.entries.push(Entry { seen: Seen::Stored(record.revision.clone()), record });
                        }
                    }
                    Err(reason) => self.damaged.push(Damaged { key, text, reason }),
                },
            }
        }
        // Every load, not only the first: a tab of an earlier build still open may have written its draft since.
        let before = self.entries.len();
        self.migrate(now)?;
        let migrated = self.entries.len() != before;
        if (!had_index && !self.entries.is_empty()) || (had_index && stale && !migrated) {
            self.write_index();
        }
        Ok(())
    }

    /// Moves the draft of builds before the library (with its last valid draft and stash) into a plan; the old
    /// keys are removed only once the plan is stored, and one that cannot be read is kept as [`Damaged`].
    fn migrate(&mut self, now: i64) -> Result<(), StoreError> {
        let Some(store) = &self.store else { return Ok(()) };
        let Some(text) = store.get(LEGACY_DRAFT_KEY)? else { return Ok(()) };
        let draft = match parse_legacy(&text, MAX_DRAFT_BYTES) {
            Ok(Value::Object(map)) => Value::Object(map),
            Ok(_) => {
                let reason = "the stored plan is not a JSON object".to_owned();
                self.damaged.push(Damaged { key: LEGACY_DRAFT_KEY.to_owned(), text, reason });
                return Ok(());
            }
            Err(reason) => {
                self.damaged.push(Damaged { key: LEGACY_DRAFT_KEY.to_owned(), text, reason });
                return Ok(());
            }
        };
        let mut moved = vec![LEGACY_DRAFT_KEY];
        let mut valid = None;
        if let Some(text) = store.get(LEGACY_VALID_KEY)? {
            match parse_legacy(&text, MAX_DRAFT_BYTES) {
                Ok(value @ Value::Object(_)) => {
                    valid = Some(value);
                    moved.push(LEGACY_VALID_KEY);
                }
                Ok(_) => self.damaged.push(Damaged {
                    key: LEGACY_VALID_KEY.to_owned(),
                    text,
                    reason: "the stored plan is not a JSON object".to_owned(),
                }),
                Err(reason) => self.damaged.push(Damaged { key: LEGACY_VALID_KEY.to_owned(), text, reason }),
            }
        }
        let mut stash = Map::new();
        if let Some(text) = store.get(LEGACY_STASH_KEY)? {
            match parse_legacy(&text, MAX_DRAFT_BYTES) {
                Ok(Value::Object(map)) => {
                    stash = map;
                    moved.push(LEGACY_STASH_KEY);
                }
                Ok(_) => self.damaged.push(Damaged {
                    key: LEGACY_STASH_KEY.to_owned(),
                    text,
                    reason: "the stored stash is not a JSON object".to_owned(),
                }),
                Err(reason) => self.damaged.push(Damaged { key: LEGACY_STASH_KEY.to_owned(), text, reason }),
            }
        }
        let id = self.add(draft, valid, stash, None, now);
        let stored = self.entries.iter().any(|e| e.record.id == id && !e.unsaved());
        if stored && self.status == Status::Stored {
            if let Some(store) = &self.store {
                for key in moved {
                    let _ = store.remove(key);
                }
            }
        }
        Ok(())
    }

    /// Whether storage is reached, full, or missing.
    pub fn status(&self) -> &Status {
        &self.status
    }

    /// Stored data that could not be read, kept as it is.
    pub fn damaged(&self) -> &[Damaged] {
        &self.damaged
    }

    /// Removes damaged data from storage (once the user has it, or does not want it).
    pub fn discard_damaged(&mut self, key: &str) {
        let Some(position) = self.damaged.iter().position(|d| d.key == key) else { return };
        if let Some(store) = &self.store {
            if let Err(e) = store.remove(key) {
                self.note(Err(e));
                return;
            }
        }
        self.damaged.remove(position);
        if key == INDEX_KEY {
            self.index_damaged = false;
            self.write_index();
        }
    }

    /// Writes discarded damaged data back as it was (the undo of [`Library::discard_damaged`]).
    pub fn restore_damaged(&mut self, damaged: Damaged) {
        if let Some(store) = &self.store {
            let result = store.set(&damaged.key, &damaged.text);
            if !self.note(result) {
                return;
            }
        }
        if damaged.key == INDEX_KEY {
            self.index_damaged = true;
        }
        self.damaged.push(damaged);
    }

    /// The plans, most recently changed first.
    pub fn listing(&self) -> Vec<Summary> {
        let mut list: Vec<Summary> = self
            .entries
            .iter()
            .map(|e| Summary {
                id: e.record.id.clone(),
                name: e.record.name.clone(),
                changed: e.record.changed,
                unsaved: e.unsaved() && !matches!(e.seen, Seen::Gone(_)),
            })
            .collect();
        list.sort_by(|a, b| b.changed.cmp(&a.changed).then_with(|| a.name.cmp(&b.name)));
        list
    }

    /// The number of plans.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there is no plan.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Plan `id`'s latest content in this tab.
    pub fn record(&self, id: &str) -> Option<&Record> {
        self.entries.iter().find(|e| e.record.id == id).map(|e| &e.record)
    }

    /// The id of the plan changed last.
    pub fn most_recent(&self) -> Option<String> {
        self.listing().into_iter().next().map(|s| s.id)
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.record.id == id)
    }

    fn next(&mut self) -> u64 {
        self.counter = self.counter.saturating_add(1);
        self.counter
    }

    fn next_id(&mut self) -> String {
        let n = self.next();
        format!("{}-{n}", self.tab)
    }

    fn next_revision(&mut self) -> String {
        let n = self.next();
        format!("{}.{n}", self.tab)
    }

    /// `base`, or `base (2)`, `base (3)`, … : the first no plan but `except` has.
    fn unique(&self, base: &str, except: Option<&str>) -> String {
        let taken = |name: &str| self.entries.iter().any(|e| Some(e.record.id.as_str()) != except && e.record.name == name);
        if !taken(base) {
            return base.to_owned();
        }
        (2_usize..)
            .map(|n| format!("{base} ({n})"))
            .find(|name| !taken(name))
            .unwrap_or_else(|| base.to_owned())
    }

    /// Records what a storage call did in [`Library::status`].
    fn note(&mut self, result: Result<(), StoreError>) -> bool {
        match result {
            Ok(()) => {
                if matches!(self.status, Status::Full | Status::Failed(_)) {
                    self.status = Status::Stored;
                }
                true
            }
            Err(StoreError::Full) => {
                self.status = Status::Full;
                false
            }
            Err(StoreError::Unavailable(reason)) => {
                self.status = Status::Failed(reason);
                false
            }
        }
    }

    /// Writes entry `i`'s record; whether it was stored (without a store, it never is, and that is no failure).
    fn write_entry(&mut self, i: usize) -> bool {
        let Some(entry) = self.entries.get(i) else { return false };
        let Some(store) = &self.store else { return false };
        let result = match serde_json::to_string(&entry.record) {
            Ok(text) => store.set(&plan_key(&entry.record.id), &text),
            Err(e) => Err(StoreError::Unavailable(e.to_string())),
        };
        let revision = entry.record.revision.clone();
        let stored = self.note(result);
        if stored {
            if let Some(entry) = self.entries.get_mut(i) {
                entry.seen = Seen::Stored(revision);
            }
        }
        stored
    }

    fn write_index(&mut self) {
        if self.index_damaged {
            return;
        }
        let Some(store) = &self.store else { return };
        let index = Index { version: RECORD_VERSION, plans: self.entries.iter().map(|e| e.record.id.clone()).collect() };
        let result = match serde_json::to_string(&index) {
            Ok(text) => store.set(INDEX_KEY, &text),
            Err(e) => Err(StoreError::Unavailable(e.to_string())),
        };
        self.note(result);
    }

    /// The stored revision of plan `id`: `None` when it has no record, `Some(None)` when the record cannot be
    /// read.
    fn stored_revision(&self, id: &str) -> Result<Option<Option<String>>, StoreError> {
        let Some(store) = &self.store else { return Ok(None) };
        Ok(store.get(&plan_key(id))?.map(|text| parse_record(&text, id).ok().map(|r| r.revision)))
    }

    /// Whether writing entry `i` now would write over another tab's work.
    fn conflicts(&self, i: usize) -> Result<bool, StoreError> {
        let Some(entry) = self.entries.get(i) else { return Ok(false) };
        if self.store.is_none() {
            return Ok(false);
        }
        let stored = self.stored_revision(&entry.record.id)?;
        Ok(match (&entry.seen, stored) {
            (Seen::Stored(seen), Some(Some(now))) => *seen != now,
            (Seen::NotStored, None) => false,
            _ => true,
        })
    }

    /// Adds a plan and stores it: its name is `name` (with whether the user chose it), else taken from the plan,
    /// made unique; returns its id. A plan that does not fit in storage is kept in memory ([`Library::status`]).
    pub fn add(
        &mut self,
        draft: Value,
        valid: Option<Value>,
        stash: Map<String, Value>,
        name: Option<(String, bool)>,
        now: i64,
    ) -> String {
        let id = self.next_id();
        let revision = self.next_revision();
        let (base, named) = name.unwrap_or_else(|| (default_name(&draft), false));
        let name = self.unique(&base, None);
        let record = Record {
            version: RECORD_VERSION,
            id: id.clone(),
            name,
            named,
            created: now,
            changed: now,
            revision,
            parent: None,
            draft,
            valid,
            stash,
        };
        self.entries.push(Entry { record, seen: Seen::NotStored });
        self.write_entry(self.entries.len().saturating_sub(1));
        self.write_index();
        id
    }

    /// Keeps this tab's latest `draft` of plan `id` (with whether it is a valid plan, and the stash): stored when
    /// nobody else changed the plan since this tab last read or wrote it, else as a new plan ([`Saved::Forked`]).
    pub fn save(&mut self, id: &str, draft: &Value, valid: bool, stash: &Map<String, Value>, now: i64) -> Saved {
        let Some(i) = self.position(id) else { return Saved::Unchanged };
        let Some(entry) = self.entries.get(i) else { return Saved::Unchanged };
        let record = &entry.record;
        let content = record.draft != *draft || record.stash != *stash;
        let changed = content || (valid && record.valid.as_ref() != Some(draft));
        // A plan another tab deleted is written again only for a change of its content.
        if matches!(entry.seen, Seen::Gone(_)) && !content {
            if valid {
                if let Some(entry) = self.entries.get_mut(i) {
                    entry.record.valid = Some(draft.clone());
                }
            }
            return Saved::Unchanged;
        }
        if !changed && !entry.unsaved() {
            return Saved::Unchanged;
        }
        let mut candidate = record.clone();
        if changed {
            candidate.draft = draft.clone();
            candidate.stash = stash.clone();
            if valid {
                candidate.valid = Some(draft.clone());
            }
            candidate.changed = now;
            if !candidate.named {
                candidate.name = self.unique(&default_name(draft), Some(id));
            }
            candidate.parent = match &entry.seen {
                Seen::Stored(r) => Some(r.clone()),
                Seen::NotStored | Seen::Gone(_) => None,
            };
            candidate.revision = self.next_revision();
        }
        match self.conflicts(i) {
            Err(e) => {
                if let Some(entry) = self.entries.get_mut(i) {
                    entry.record = candidate;
                }
                self.note(Err(e));
                Saved::NotStored
            }
            Ok(true) => Saved::Forked(self.fork(i, candidate, now)),
            Ok(false) => {
                if let Some(entry) = self.entries.get_mut(i) {
                    entry.record = candidate;
                }
                if self.write_entry(i) || self.store.is_none() {
                    Saved::Saved
                } else {
                    Saved::NotStored
                }
            }
        }
    }

    /// Settles a conflict on entry `i`: the other tab's version (read back from storage) stays under the plan's
    /// name, and `ours` becomes a plan of its own.
    fn fork(&mut self, i: usize, ours: Record, now: i64) -> Fork {
        let original = self.entries.get(i).map(|e| e.record.name.clone()).unwrap_or_default();
        let id = ours.id.clone();
        let theirs = self.store.as_ref().and_then(|s| s.get(&plan_key(&id)).ok().flatten());
        let original_gone = match theirs.as_deref().map(|text| parse_record(text, &id)) {
            Some(Ok(record)) => {
                if let Some(entry) = self.entries.get_mut(i) {
                    *entry = Entry { seen: Seen::Stored(record.revision.clone()), record };
                }
                false
            }
            other => {
                if let (Some(Err(reason)), Some(text)) = (other, theirs) {
                    self.damaged.push(Damaged { key: plan_key(&id), text, reason });
                }
                self.entries.remove(i);
                true
            }
        };
        let copy = self.next_id();
        let revision = self.next_revision();
        let (base, named) =
            if original_gone { (original.clone(), ours.named) } else { (format!("{original} (conflicted copy)"), true) };
        let copy_name = self.unique(&base, None);
        let record = Record {
            id: copy.clone(),
            name: copy_name.clone(),
            named,
            created: now,
            changed: now,
            revision,
            parent: None,
            ..ours
        };
        let at = if original_gone { i.min(self.entries.len()) } else { i.saturating_add(1).min(self.entries.len()) };
        self.entries.insert(at, Entry { record, seen: Seen::NotStored });
        self.write_entry(at);
        self.write_index();
        Fork { original, original_gone, copy, copy_name }
    }

    /// Renames plan `id`; an empty name gives it back the name taken from the plan.
    ///
    /// # Errors
    /// `name:` and why the name cannot be given (too long, another plan's), or that another tab changed the plan
    /// at that very moment (its change arrives next; rename it again).
    pub fn rename(&mut self, id: &str, text: &str) -> Result<String, String> {
        let i = self.position(id).ok_or_else(|| "this plan is no longer in the library".to_owned())?;
        let name = text.trim();
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(format!("name: at most {MAX_NAME_CHARS} characters ({} given)", name.chars().count()));
        }
        let (name, named) = if name.is_empty() {
            let draft = self.entries.get(i).map(|e| e.record.draft.clone()).unwrap_or(Value::Null);
            (self.unique(&default_name(&draft), Some(id)), false)
        } else if self.entries.iter().any(|e| e.record.id != id && e.record.name == name) {
            return Err(format!("name: another plan is named “{name}”; choose another name"));
        } else {
            (name.to_owned(), true)
        };
        if self.conflicts(i).unwrap_or(false) {
            return Err("another tab changed this plan just now; rename it again".to_owned());
        }
        let revision = self.next_revision();
        if let Some(entry) = self.entries.get_mut(i) {
            let stored = matches!(&entry.seen, Seen::Stored(r) if *r == entry.record.revision);
            entry.record.name = name.clone();
            entry.record.named = named;
            // A plan whose latest content was not stored keeps its revision, so it is still told apart as unsaved.
            if stored {
                entry.record.parent = Some(entry.record.revision.clone());
                entry.record.revision = revision;
            }
        }
        self.write_entry(i);
        Ok(name)
    }

    /// Adds a copy of plan `id` after it (its latest content here); returns the copy's id.
    pub fn duplicate(&mut self, id: &str, now: i64) -> Option<String> {
        let i = self.position(id)?;
        let original = self.entries.get(i)?.record.clone();
        let copy = self.next_id();
        let revision = self.next_revision();
        let name = if original.named {
            self.unique(&format!("{} (copy)", original.name), None)
        } else {
            self.unique(&default_name(&original.draft), None)
        };
        let record =
            Record { id: copy.clone(), name, created: now, changed: now, revision, parent: None, ..original };
        let at = i.saturating_add(1);
        self.entries.insert(at, Entry { record, seen: Seen::NotStored });
        self.write_entry(at);
        self.write_index();
        Some(copy)
    }

    /// Deletes plan `id` from the library and storage; what [`Library::restore`] needs to undo it.
    pub fn delete(&mut self, id: &str) -> Option<Deleted> {
        let position = self.position(id)?;
        let entry = self.entries.remove(position);
        if let Some(store) = &self.store {
            let result = store.remove(&plan_key(id));
            self.note(result);
        }
        self.write_index();
        Some(Deleted { record: entry.record, position })
    }

    /// Puts a deleted plan back where it was, as it was; returns its id.
    pub fn restore(&mut self, deleted: Deleted) -> String {
        let id = deleted.record.id.clone();
        if self.position(&id).is_some() {
            return id;
        }
        let at = deleted.position.min(self.entries.len());
        self.entries.insert(at, Entry { record: deleted.record, seen: Seen::NotStored });
        self.write_entry(at);
        self.write_index();
        id
    }

    /// Takes in another tab's write (a `storage` event): `key` (`None` when the storage was cleared) now holds
    /// `value` (`None` when removed); `open` is the plan open in this tab. See the module's docs for the rule.
    pub fn external(&mut self, key: Option<&str>, value: Option<&str>, open: Option<&str>, now: i64) -> External {
        let Some(key) = key else {
            let open_here = open.is_some_and(|id| self.position(id).is_some());
            self.entries.retain(|e| Some(e.record.id.as_str()) == open);
            for entry in &mut self.entries {
                entry.seen = Seen::Gone(Some(entry.record.revision.clone()));
            }
            return if open_here { External::OpenGone } else { External::Listed };
        };
        if key == INDEX_KEY {
            return self.external_index(value);
        }
        let Some(id) = key.strip_prefix(PLAN_PREFIX) else { return External::Nothing };
        let position = self.position(id);
        let is_open = open == Some(id);
        let Some(text) = value else {
            return match position {
                None => External::Nothing,
                Some(i) if is_open => {
                    if let Some(entry) = self.entries.get_mut(i) {
                        let last = match &entry.seen {
                            Seen::Stored(r) => Some(r.clone()),
                            Seen::NotStored | Seen::Gone(_) => None,
                        };
                        entry.seen = Seen::Gone(last);
                    }
                    External::OpenGone
                }
                Some(i) => {
                    self.entries.remove(i);
                    External::Listed
                }
            };
        };
        let Ok(incoming) = parse_record(text, id) else { return External::Nothing };
        let Some(i) = position else {
            self.entries.push(Entry { seen: Seen::Stored(incoming.revision.clone()), record: incoming });
            return External::Listed;
        };
        let Some(entry) = self.entries.get(i) else { return External::Nothing };
        if !is_open {
            self.entries[i] = Entry { seen: Seen::Stored(incoming.revision.clone()), record: incoming };
            return External::Listed;
        }
        let last = match &entry.seen {
            Seen::Stored(r) => Some(r.as_str()),
            Seen::Gone(r) => r.as_deref(),
            Seen::NotStored => None,
        };
        if last == Some(incoming.revision.as_str()) {
            // Written back as this tab last saw it (a deletion undone in the other tab).
            let revision = incoming.revision.clone();
            if let Some(entry) = self.entries.get_mut(i) {
                entry.seen = Seen::Stored(revision);
            }
            return External::Listed;
        }
        let from_ours = matches!(&entry.seen, Seen::Stored(r) if incoming.parent.as_deref() == Some(r.as_str()));
        if from_ours && !entry.unsaved() {
            self.entries[i] = Entry { seen: Seen::Stored(incoming.revision.clone()), record: incoming };
            return External::Adopted;
        }
        // Written at the same time as this tab's work. If storage holds this tab's latest after all (its write came
        // last), nothing of ours is lost; else it becomes a plan of its own.
        if !entry.unsaved() && matches!(self.stored_revision(id), Ok(Some(Some(r))) if r == entry.record.revision) {
            return External::Nothing;
        }
        let mut ours = entry.record.clone();
        ours.revision = self.next_revision();
        External::Forked(self.fork(i, ours, now))
    }

    fn external_index(&mut self, value: Option<&str>) -> External {
        let Some(ids) = value.and_then(|text| parse_index(text).ok()) else { return External::Nothing };
        let mut listed = false;
        for id in &ids {
            if self.position(id).is_some() {
                continue;
            }
            let record = self
                .store
                .as_ref()
                .and_then(|s| s.get(&plan_key(id)).ok().flatten())
                .and_then(|text| parse_record(&text, id).ok());
            if let Some(record) = record {
                self.entries.push(Entry { seen: Seen::Stored(record.revision.clone()), record });
                listed = true;
            }
        }
        // An index written by a tab that had not yet seen a plan added here: written again with it, so no plan
        // drops out of the list (both tabs then agree, and stop).
        let missing = self
            .entries
            .iter()
            .any(|e| !ids.contains(&e.record.id) && matches!(e.seen, Seen::Stored(_)));
        if missing {
            self.write_index();
        }
        if listed {
            External::Listed
        } else {
            External::Nothing
        }
    }

    /// The whole library as one JSON file (pretty), `exported` at `now`.
    pub fn export(&self, now: i64) -> String {
        let plans: Vec<FilePlan> = self
            .entries
            .iter()
            .map(|e| FilePlan {
                name: e.record.name.clone(),
                named: e.record.named,
                created: Some(scaleplan::time::format_utc(e.record.created)),
                changed: Some(scaleplan::time::format_utc(e.record.changed)),
                draft: e.record.draft.clone(),
                valid: e.record.valid.clone().filter(|v| *v != e.record.draft),
                stash: e.record.stash.clone(),
            })
            .collect();
        let file = LibraryFile {
            format: LIBRARY_FORMAT.to_owned(),
            version: LIBRARY_VERSION,
            exported: Some(scaleplan::time::format_utc(now)),
            plans,
        };
        let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Adds every plan of a checked library file ([`read_library_file`]), names made unique; returns their ids.
    pub fn import(&mut self, plans: Vec<Imported>, now: i64) -> Vec<String> {
        let mut ids = Vec::new();
        for plan in plans {
            let name = if plan.name.is_empty() { None } else { Some((plan.name, plan.named)) };
            let id = self.add(plan.draft, plan.valid, plan.stash, name, plan.created.unwrap_or(now));
            if let Some(entry) = self.entries.iter_mut().find(|e| e.record.id == id) {
                let changed = plan.changed.unwrap_or(now);
                if entry.record.changed != changed {
                    entry.record.changed = changed;
                    let i = self.position(&id);
                    if let Some(i) = i {
                        self.write_entry(i);
                    }
                }
            }
            ids.push(id);
        }
        ids
    }
}

/// The name a plan gets when the user has not named it: the plan's own name, else its symbol, side and number
/// of tranches (`BTCUSDT long, 5 tranches`).
pub fn default_name(draft: &Value) -> String {
    let own = draft.get("name").and_then(Value::as_str).map(str::trim).filter(|n| !n.is_empty());
    if let Some(name) = own {
        return name.chars().take(MAX_NAME_CHARS).collect();
    }
    let symbol = draft
        .pointer("/instrument/symbol")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("Plan");
    let head = match draft.get("side").and_then(Value::as_str) {
        Some(side @ ("long" | "short")) => format!("{symbol} {side}"),
        _ => symbol.to_owned(),
    };
    let name = match tranche_count(draft) {
        Some(0) => format!("{head}, no tranches yet"),
        Some(1) => format!("{head}, 1 tranche"),
        Some(n) => format!("{head}, {n} tranches"),
        None => head,
    };
    name.chars().take(MAX_NAME_CHARS).collect()
}

/// The number of tranches a draft asks for: its explicit tranches, or the count of its generated ladder or schedule.
fn tranche_count(draft: &Value) -> Option<usize> {
    if let Some(tranches) = draft.pointer("/entries/ladder/tranches").and_then(Value::as_array) {
        return Some(tranches.len());
    }
    let count = draft.pointer("/entries/ladder/generate/count").or_else(|| draft.pointer("/entries/schedule/count"))?;
    match count {
        Value::Number(n) => n.as_u64().and_then(|n| usize::try_from(n).ok()),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// When a plan last changed, for the list: `today 14:03`, `yesterday 09:12`, `2 Dec 14:03`, or `2 Dec 2025` in
/// another year; both instants are local time (ms since 1970 with the time zone's offset added).
pub fn changed_text(then_local: i64, now_local: i64) -> String {
    const DAY: i64 = 86_400_000;
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let day = then_local.div_euclid(DAY);
    let today = now_local.div_euclid(DAY);
    let minutes = then_local.rem_euclid(DAY) / 60_000;
    let clock = format!("{:02}:{:02}", minutes / 60, minutes % 60);
    let Some((year, month, date)) = scaleplan::time::civil_from_days(day) else { return clock };
    let this_year = scaleplan::time::civil_from_days(today).map(|(y, _, _)| y);
    let month = usize::try_from(month).ok().and_then(|m| m.checked_sub(1)).and_then(|m| MONTHS.get(m)).unwrap_or(&"");
    if day >= today {
        format!("today {clock}")
    } else if day == today.saturating_sub(1) {
        format!("yesterday {clock}")
    } else if this_year == Some(year) {
        format!("{date} {month} {clock}")
    } else {
        format!("{date} {month} {year}")
    }
}

fn parse_index(text: &str) -> Result<Vec<String>, String> {
    let index: Index = serde_json::from_str(text).map_err(|e| format!("the list of plans is not readable: {e}"))?;
    if index.version != RECORD_VERSION {
        return Err(format!(
            "the list of plans is version {}, from another build of scaleplan; this one reads version {RECORD_VERSION}",
            index.version
        ));
    }
    Ok(index.plans)
}

fn parse_record(text: &str, id: &str) -> Result<Record, String> {
    if text.len() > MAX_RECORD_BYTES {
        return Err(format!("the plan is {} KiB; at most {} KiB is read", text.len() / 1024, MAX_RECORD_BYTES / 1024));
    }
    let record: Record = serde_json::from_str(text).map_err(|e| format!("the plan is not readable: {e}"))?;
    if record.version != RECORD_VERSION {
        return Err(format!(
            "the plan is stored as version {}, by another build of scaleplan; this one reads version {RECORD_VERSION}",
            record.version
        ));
    }
    if record.id != id {
        return Err(format!("the plan stored under {id} says it is {}", record.id));
    }
    if !record.draft.is_object() {
        return Err("the plan is not readable: draft: not a JSON object".to_owned());
    }
    Ok(record)
}

fn parse_legacy(text: &str, limit: usize) -> Result<Value, String> {
    if text.len() > limit {
        return Err(format!("{} KiB stored; at most {} KiB is read", text.len() / 1024, limit / 1024));
    }
    serde_json::from_str(text).map_err(|e| format!("not readable as JSON: {e}"))
}

/// A library file as written ([`Library::export`]); [`read_library_file`] reads it back field by field.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct LibraryFile {
    format: String,
    version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    exported: Option<String>,
    plans: Vec<FilePlan>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct FilePlan {
    name: String,
    named: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    created: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    changed: Option<String>,
    draft: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    valid: Option<Value>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    stash: Map<String, Value>,
}

/// Reads and checks a library file ([`Library::export`]'s format): every plan a JSON object of a plan file of
/// this version and within the plan size limit, names within [`MAX_NAME_CHARS`], times ISO-8601 UTC.
///
/// # Errors
/// A message naming the field (`plans[2].draft: …`) and what is allowed; a plan file is told to be opened as one.
pub fn read_library_file(text: &str) -> Result<Vec<Imported>, String> {
    if text.len() > MAX_LIBRARY_BYTES {
        return Err(format!(
            "the file is {} KiB; a library file is at most {} MiB",
            text.len() / 1024,
            MAX_LIBRARY_BYTES / 1024 / 1024
        ));
    }
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not a library file: {e}"))?;
    let Some(object) = value.as_object() else { return Err("not a library file: it is not a JSON object".to_owned()) };
    match object.get("format") {
        None if object.contains_key("instrument") || object.contains_key("entries") => {
            return Err("this is a plan file, not a library: open it with “Open a plan file (JSON)”".to_owned())
        }
        None => return Err(format!("format: is required (\"{LIBRARY_FORMAT}\")")),
        Some(Value::String(format)) if format == LIBRARY_FORMAT => {}
        Some(other) => return Err(format!("format: {other} is not a scaleplan library; expected \"{LIBRARY_FORMAT}\"")),
    }
    match object.get("version").and_then(Value::as_u64) {
        Some(v) if v == u64::from(LIBRARY_VERSION) => {}
        Some(v) => {
            return Err(format!(
                "version: the library file is version {v}, from another build of scaleplan; this one reads version \
                 {LIBRARY_VERSION}"
            ))
        }
        None => return Err(format!("version: is required ({LIBRARY_VERSION})")),
    }
    let plans = match object.get("plans") {
        Some(Value::Array(plans)) => plans,
        Some(_) => return Err("plans: must be a list of plans".to_owned()),
        None => return Err("plans: is required (a list of plans)".to_owned()),
    };
    if plans.len() > MAX_PLANS {
        return Err(format!("plans: {} plans; at most {MAX_PLANS} are read from one file", plans.len()));
    }
    if let Some(field) = object.keys().find(|k| !["format", "version", "exported", "plans"].contains(&k.as_str())) {
        return Err(format!("{field}: unknown field; a library file has format, version, exported and plans"));
    }
    plans.iter().enumerate().map(|(i, plan)| check_plan(i, plan)).collect()
}

/// One plan of a library file, checked field by field so a message names its field (`plans[2].draft`).
fn check_plan(i: usize, plan: &Value) -> Result<Imported, String> {
    let at = |field: &str| format!("plans[{i}].{field}");
    let Some(plan) = plan.as_object() else { return Err(format!("plans[{i}]: must be a plan's entry (a JSON object)")) };
    const FIELDS: [&str; 7] = ["name", "named", "created", "changed", "draft", "valid", "stash"];
    if let Some(field) = plan.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(format!("{}: unknown field; a plan's entry has {}", at(field), FIELDS.join(", ")));
    }
    let name = match plan.get("name") {
        Some(Value::String(name)) => name.trim().to_owned(),
        Some(_) => return Err(format!("{}: must be text", at("name"))),
        None => String::new(),
    };
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(format!("{}: at most {MAX_NAME_CHARS} characters ({chars} given)", at("name")));
    }
    let named = match plan.get("named") {
        None => false,
        Some(Value::Bool(named)) => *named,
        Some(_) => return Err(format!("{}: must be true or false", at("named"))),
    };
    if plan.get("draft").is_none() {
        return Err(format!("{}: is required (the plan as typed)", at("draft")));
    }
    for field in ["draft", "valid"] {
        let Some(value) = plan.get(field) else { continue };
        let Some(object) = value.as_object() else {
            return Err(format!("{}: must be a plan (a JSON object of a plan file)", at(field)));
        };
        if let Some(version) = object.get("version").and_then(Value::as_u64).filter(|v| *v != 1) {
            return Err(format!(
                "{}.version: the plan is version {version}, from another build of scaleplan; this one reads version 1",
                at(field)
            ));
        }
        let size = serde_json::to_string(value).map(|t| t.len()).unwrap_or(0);
        if size > MAX_DRAFT_BYTES {
            return Err(format!(
                "{}: the plan is {} KiB; at most {} KiB is accepted",
                at(field),
                size / 1024,
                MAX_DRAFT_BYTES / 1024
            ));
        }
    }
    let stash = match plan.get("stash") {
        None => Map::new(),
        Some(Value::Object(stash)) => stash.clone(),
        Some(_) => return Err(format!("{}: must be a JSON object (the entry modes not in use)", at("stash"))),
    };
    let time = |field: &str| -> Result<Option<i64>, String> {
        match plan.get(field) {
            None => Ok(None),
            Some(Value::String(text)) => {
                scaleplan::time::parse_utc(&at(field), text).map(Some).map_err(|e| e.to_string())
            }
            Some(_) => Err(format!("{}: must be an ISO-8601 UTC time such as 2026-01-31T09:30:00Z", at(field))),
        }
    };
    Ok(Imported {
        name,
        named,
        created: time("created")?,
        changed: time("changed")?,
        draft: plan.get("draft").cloned().unwrap_or(Value::Null),
        valid: plan.get("valid").cloned(),
        stash,
    })
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use serde_json::json;

    const T0: i64 = 1_764_000_000_000;

    fn guide() -> Value {
        serde_json::from_str(crate::GUIDE_BTC_LADDER).expect("JSON")
    }

    fn shared() -> Rc<MemoryStore> {
        Rc::new(MemoryStore::new())
    }

    fn open(store: &Rc<MemoryStore>, tab: &str) -> Library<Rc<MemoryStore>> {
        Library::open(Ok(Rc::clone(store)), tab, T0)
    }

    fn with_price(draft: &Value, price: &str) -> Value {
        let mut d = draft.clone();
        d["entries"]["ladder"]["tranches"][3]["price"] = json!(price);
        d
    }

    fn price(record: &Record) -> &str {
        record.draft["entries"]["ladder"]["tranches"][3]["price"].as_str().unwrap_or("")
    }

    #[test]
    fn names_come_from_the_plan_and_are_unique() {
        let mut draft = guide();
        draft.as_object_mut().unwrap().remove("name");
        assert_eq!(default_name(&draft), "BTCUSDT long, 4 tranches");
        assert_eq!(default_name(&crate::inputs::empty_plan().value().clone()), "BTCUSDT long, no tranches yet");
        let generated = json!({"instrument": {"symbol": "ETHUSDT"}, "side": "short",
            "entries": {"ladder": {"generate": {"count": "5"}}}});
        assert_eq!(default_name(&generated), "ETHUSDT short, 5 tranches");
        assert_eq!(default_name(&json!({})), "Plan");

        let store = shared();
        let mut library = open(&store, "a");
        let first = library.add(draft.clone(), None, Map::new(), None, T0);
        let second = library.add(draft.clone(), None, Map::new(), None, T0);
        let third = library.add(draft, None, Map::new(), None, T0);
        let names: Vec<String> = [first, second, third].iter().map(|id| library.record(id).unwrap().name.clone()).collect();
        assert_eq!(names, ["BTCUSDT long, 4 tranches", "BTCUSDT long, 4 tranches (2)", "BTCUSDT long, 4 tranches (3)"]);
    }

    #[test]
    fn every_plan_has_its_key_and_the_index_lists_them() {
        let store = shared();
        let mut library = open(&store, "a");
        let id = library.add(guide(), None, Map::new(), None, T0);
        let items = store.items();
        let index: Value = serde_json::from_str(&items[INDEX_KEY]).unwrap();
        assert_eq!(index, json!({"version": 1, "plans": [id.clone()]}));
        let record: Value = serde_json::from_str(&items[&plan_key(&id)]).unwrap();
        assert_eq!(record["draft"], guide());
        assert_eq!(record["name"], json!(default_name(&guide())));
        // Edits write the plan's own key only.
        let before = store.items()[INDEX_KEY].clone();
        assert_eq!(library.save(&id, &with_price(&guide(), "60500"), true, &Map::new(), T0 + 1), Saved::Saved);
        assert_eq!(store.items()[INDEX_KEY], before);
        let again = open(&store, "b");
        assert_eq!(price(again.record(&id).unwrap()), "60500");
        assert_eq!(again.record(&id).unwrap().changed, T0 + 1);
    }

    #[test]
    fn the_draft_of_earlier_builds_moves_into_the_library() {
        let store = shared();
        let draft = with_price(&guide(), "60500");
        store.set(LEGACY_DRAFT_KEY, &draft.to_string()).unwrap();
        store.set(LEGACY_VALID_KEY, &guide().to_string()).unwrap();
        store.set(LEGACY_STASH_KEY, r#"{"generate": {"ladder": {}}}"#).unwrap();
        let library = open(&store, "a");
        assert_eq!(library.len(), 1);
        let record = library.record(&library.most_recent().unwrap()).unwrap().clone();
        assert_eq!(record.draft, draft);
        assert_eq!(record.valid, Some(guide()));
        assert_eq!(record.stash, json!({"generate": {"ladder": {}}}).as_object().unwrap().clone());
        let items = store.items();
        assert!(!items.contains_key(LEGACY_DRAFT_KEY) && !items.contains_key(LEGACY_VALID_KEY));
        // Once: the next load finds the library and does not add the plan again.
        assert_eq!(open(&store, "b").len(), 1);
        // A draft an earlier build's tab wrote since is moved in too; a damaged one is told on every load.
        store.set(LEGACY_DRAFT_KEY, &guide().to_string()).unwrap();
        assert_eq!(open(&store, "c").len(), 2);
        store.set(LEGACY_DRAFT_KEY, "{\"version\": 1,").unwrap();
        for tab in ["d", "e"] {
            let library = open(&store, tab);
            assert_eq!(library.len(), 2);
            assert_eq!(library.damaged().iter().map(|d| d.key.as_str()).collect::<Vec<_>>(), [LEGACY_DRAFT_KEY]);
        }
        assert_eq!(store.items()[LEGACY_DRAFT_KEY], "{\"version\": 1,");
    }

    #[test]
    fn damaged_data_is_kept_as_it_is_and_the_rest_opens() {
        let store = shared();
        let mut library = open(&store, "a");
        let good = library.add(guide(), None, Map::new(), None, T0);
        store.set(INDEX_KEY, "{\"version\": 1, \"plans\": [").unwrap();
        store.set(&plan_key("broken"), "{\"version\": 1, \"id\": \"broken\"").unwrap();
        store.set(&plan_key("odd"), r#"{"version": 1, "id": "odd", "name": 5}"#).unwrap();
        let mut library = open(&store, "b");
        assert_eq!(library.listing().iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), [good.as_str()]);
        let keys: Vec<&str> = library.damaged().iter().map(|d| d.key.as_str()).collect();
        assert_eq!(keys, [INDEX_KEY, "scaleplan.plan.v1.broken", "scaleplan.plan.v1.odd"]);
        assert!(library.damaged()[0].reason.starts_with("the list of plans is not readable"), "{:?}", library.damaged());
        assert!(library.damaged()[2].reason.contains("invalid type: integer `5`, expected a string"), "{:?}", library.damaged());
        // New plans are stored, the damaged index is never written over, and the new plan is found by its key.
        let added = library.add(guide(), None, Map::new(), None, T0);
        assert_eq!(store.items()[INDEX_KEY], "{\"version\": 1, \"plans\": [");
        assert_eq!(store.items()[&plan_key("broken")], "{\"version\": 1, \"id\": \"broken\"");
        assert_eq!(open(&store, "c").len(), 2);
        // Discarded, the index is written again with every plan.
        let kept = library.damaged()[0].clone();
        library.discard_damaged(INDEX_KEY);
        let index: Value = serde_json::from_str(&store.items()[INDEX_KEY]).unwrap();
        assert_eq!(index["plans"], json!([good, added]));
        // And undone: the text is back exactly as it was, and again never written over.
        library.restore_damaged(kept);
        assert_eq!(store.items()[INDEX_KEY], "{\"version\": 1, \"plans\": [");
        library.add(guide(), None, Map::new(), None, T0);
        assert_eq!(store.items()[INDEX_KEY], "{\"version\": 1, \"plans\": [");
    }

    #[test]
    fn a_plan_the_index_lost_is_found_by_its_key() {
        let store = shared();
        let mut a = open(&store, "a");
        let mut b = open(&store, "b");
        let one = a.add(guide(), None, Map::new(), None, T0);
        let two = b.add(guide(), None, Map::new(), None, T0); // b had not seen a's index: its write drops `one`
        let index: Value = serde_json::from_str(&store.items()[INDEX_KEY]).unwrap();
        assert_eq!(index["plans"], json!([two.clone()]));
        // a hears b's index and writes it again with its own plan.
        assert_eq!(a.external(Some(INDEX_KEY), Some(&store.items()[INDEX_KEY]), Some(&one), T0), External::Listed);
        let index: Value = serde_json::from_str(&store.items()[INDEX_KEY]).unwrap();
        assert_eq!(index["plans"], json!([one.clone(), two.clone()]));
        // Even without that, a fresh load lists both.
        store.set(INDEX_KEY, &json!({"version": 1, "plans": [two]}).to_string()).unwrap();
        assert_eq!(open(&store, "c").len(), 2);
    }

    #[test]
    fn duplicate_rename_delete_and_undo() {
        let store = shared();
        let mut library = open(&store, "a");
        let id = library.add(guide(), None, Map::new(), None, T0);
        let name = library.record(&id).unwrap().name.clone();
        let copy = library.duplicate(&id, T0 + 5).unwrap();
        assert_eq!(library.record(&copy).unwrap().name, format!("{name} (2)"));
        assert_eq!(library.record(&copy).unwrap().draft, guide());
        assert_eq!(library.rename(&copy, "  My ladder  "), Ok("My ladder".to_owned()));
        assert_eq!(library.rename(&id, "My ladder"), Err("name: another plan is named “My ladder”; choose another name".into()));
        assert!(library.rename(&id, &"x".repeat(201)).unwrap_err().starts_with("name: at most 200 characters"));
        // A named plan keeps its name when edited; one not named follows the plan.
        library.save(&copy, &json!({"instrument": {"symbol": "ETHUSDT"}}), false, &Map::new(), T0 + 6);
        assert_eq!(library.record(&copy).unwrap().name, "My ladder");
        assert_eq!(library.rename(&copy, ""), Ok("ETHUSDT".to_owned()), "empty: named after the plan again");
        let copy2 = library.duplicate(&copy, T0).unwrap();
        assert_eq!(library.record(&copy2).unwrap().name, "ETHUSDT (2)");
        library.rename(&copy2, "Mine").unwrap();
        let copy3 = library.duplicate(&copy2, T0).unwrap();
        assert_eq!(library.record(&copy3).unwrap().name, "Mine (copy)");

        let deleted = library.delete(&copy).unwrap();
        assert_eq!(deleted.name(), "ETHUSDT");
        assert!(!store.items().contains_key(&plan_key(&copy)));
        assert_eq!(library.len(), 3);
        assert_eq!(library.restore(deleted), copy);
        assert_eq!(library.len(), 4);
        let index: Value = serde_json::from_str(&store.items()[INDEX_KEY]).unwrap();
        assert_eq!(index["plans"], json!([id, copy, copy2, copy3]), "back where it was");
        assert_eq!(open(&store, "b").record(&copy).unwrap().name, "ETHUSDT");
    }

    #[test]
    fn the_list_is_by_last_change() {
        let store = shared();
        let mut library = open(&store, "a");
        let old = library.add(guide(), None, Map::new(), Some(("Old".into(), true)), T0);
        let new = library.add(guide(), None, Map::new(), Some(("New".into(), true)), T0 + 10);
        assert_eq!(library.most_recent(), Some(new));
        library.save(&old, &with_price(&guide(), "1"), false, &Map::new(), T0 + 20);
        assert_eq!(library.listing().iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["Old", "New"]);
    }

    #[test]
    fn two_tabs_on_different_plans_never_clash() {
        let store = shared();
        let mut a = open(&store, "a");
        let pa = a.add(guide(), None, Map::new(), None, T0);
        let mut b = open(&store, "b");
        let pb = b.add(guide(), None, Map::new(), None, T0);
        for n in 0..5 {
            assert_eq!(a.save(&pa, &with_price(&guide(), &format!("6050{n}")), true, &Map::new(), T0 + n), Saved::Saved);
            assert_eq!(b.save(&pb, &with_price(&guide(), &format!("6070{n}")), true, &Map::new(), T0 + n), Saved::Saved);
        }
        let fresh = open(&store, "c");
        assert_eq!(price(fresh.record(&pa).unwrap()), "60504");
        assert_eq!(price(fresh.record(&pb).unwrap()), "60704");
        assert_eq!(fresh.len(), 2);
    }

    #[test]
    fn a_tab_takes_over_a_change_made_from_its_version() {
        let store = shared();
        let mut a = open(&store, "a");
        let id = a.add(guide(), None, Map::new(), None, T0);
        let mut b = open(&store, "b");
        assert_eq!(b.save(&id, &with_price(&guide(), "60500"), true, &Map::new(), T0 + 1), Saved::Saved);
        let text = store.items()[&plan_key(&id)].clone();
        assert_eq!(a.external(Some(&plan_key(&id)), Some(&text), Some(&id), T0 + 1), External::Adopted);
        assert_eq!(price(a.record(&id).unwrap()), "60500");
        // Then a's own edit is made from b's version, and b takes it over in turn.
        assert_eq!(a.save(&id, &with_price(&guide(), "60400"), true, &Map::new(), T0 + 2), Saved::Saved);
        let text = store.items()[&plan_key(&id)].clone();
        assert_eq!(b.external(Some(&plan_key(&id)), Some(&text), Some(&id), T0 + 2), External::Adopted);
        assert_eq!(price(b.record(&id).unwrap()), "60400");
        assert_eq!(a.len(), 1);
    }

    #[test]
    fn edits_at_the_same_time_keep_both_versions() {
        let store = shared();
        let mut a = open(&store, "a");
        let id = a.add(guide(), None, Map::new(), None, T0);
        let mut b = open(&store, "b");
        // Both edit before hearing of the other: a writes first; b's save finds a's revision, not its own.
        assert_eq!(a.save(&id, &with_price(&guide(), "60500"), true, &Map::new(), T0 + 1), Saved::Saved);
        let a_text = store.items()[&plan_key(&id)].clone();
        let Saved::Forked(fork) = b.save(&id, &with_price(&guide(), "60700"), true, &Map::new(), T0 + 2) else {
            panic!("b's save must not write over a's")
        };
        assert!(!fork.original_gone);
        assert_eq!(fork.copy_name, format!("{} (conflicted copy)", b.record(&id).unwrap().name));
        assert_eq!(store.items()[&plan_key(&id)], a_text, "a's version is untouched");
        assert_eq!(price(b.record(&id).unwrap()), "60500", "b now knows a's version");
        assert_eq!(price(b.record(&fork.copy).unwrap()), "60700", "b's work is its own plan");
        // a then hears of b's copy (a plan it did not have) and lists it.
        let copy_text = store.items()[&plan_key(&fork.copy)].clone();
        assert_eq!(a.external(Some(&plan_key(&fork.copy)), Some(&copy_text), Some(&id), T0), External::Listed);
        let fresh = open(&store, "c");
        assert_eq!(fresh.len(), 2);
        assert_eq!(price(fresh.record(&id).unwrap()), "60500");
        assert_eq!(price(fresh.record(&fork.copy).unwrap()), "60700");
    }

    #[test]
    fn a_write_that_raced_past_this_tab_is_a_conflict_too() {
        // b wrote from a stale read (its view of storage did not have a's last write yet) and so over a's write; a
        // hears a change not made from its version and keeps its own work as a copy.
        let store = shared();
        let mut a = open(&store, "a");
        let id = a.add(guide(), None, Map::new(), None, T0);
        let mut b = open(&store, "b");
        let b_seen = store.items()[&plan_key(&id)].clone();
        assert_eq!(a.save(&id, &with_price(&guide(), "60500"), true, &Map::new(), T0 + 1), Saved::Saved);
        store.set(&plan_key(&id), &b_seen).unwrap(); // b's view, as if a's write had not reached it
        assert_eq!(b.save(&id, &with_price(&guide(), "60700"), true, &Map::new(), T0 + 2), Saved::Saved);
        let text = store.items()[&plan_key(&id)].clone();
        let External::Forked(fork) = a.external(Some(&plan_key(&id)), Some(&text), Some(&id), T0 + 3) else {
            panic!("a must keep its work")
        };
        assert_eq!(price(a.record(&fork.copy).unwrap()), "60500");
        assert_eq!(price(a.record(&id).unwrap()), "60700");
        // And b, hearing a's copy, lists it; its own plan stays as it wrote it.
        let copy = store.items()[&plan_key(&fork.copy)].clone();
        assert_eq!(b.external(Some(&plan_key(&fork.copy)), Some(&copy), Some(&id), T0), External::Listed);
        assert_eq!(price(b.record(&id).unwrap()), "60700");
    }

    #[test]
    fn a_plan_deleted_in_another_tab_stays_open_and_is_kept_on_the_next_change() {
        let store = shared();
        let mut a = open(&store, "a");
        let id = a.add(guide(), None, Map::new(), Some(("Ladder".into(), true)), T0);
        let mut b = open(&store, "b");
        let deleted = b.delete(&id).unwrap();
        assert_eq!(a.external(Some(&plan_key(&id)), None, Some(&id), T0), External::OpenGone);
        assert_eq!(a.save(&id, &guide(), true, &Map::new(), T0), Saved::Unchanged, "nothing written back unasked");
        // Undone in b: a is on that version again, and carries on as before.
        b.restore(deleted.clone());
        let text = store.items()[&plan_key(&id)].clone();
        assert_eq!(a.external(Some(&plan_key(&id)), Some(&text), Some(&id), T0), External::Listed);
        assert_eq!(a.save(&id, &with_price(&guide(), "1"), true, &Map::new(), T0 + 1), Saved::Saved);
        // Deleted again, then edited here: kept as a plan of its own, under the name it had.
        let text = store.items()[&plan_key(&id)].clone();
        b.external(Some(&plan_key(&id)), Some(&text), None, T0);
        b.delete(&id).unwrap();
        a.external(Some(&plan_key(&id)), None, Some(&id), T0);
        let Saved::Forked(fork) = a.save(&id, &with_price(&guide(), "2"), true, &Map::new(), T0 + 2) else {
            panic!("kept as a new plan")
        };
        assert!(fork.original_gone);
        assert_eq!(fork.copy_name, "Ladder");
        assert_eq!(price(open(&store, "c").record(&fork.copy).unwrap()), "2");
    }

    #[test]
    fn a_full_storage_keeps_the_work_in_memory_and_writes_it_once_there_is_room() {
        let store = Rc::new(MemoryStore::with_quota(12_000));
        let mut library = Library::open(Ok(Rc::clone(&store)), "a", T0);
        let id = library.add(guide(), None, Map::new(), None, T0);
        assert_eq!(library.status(), &Status::Stored);
        let big = {
            let mut d = guide();
            d["name"] = json!("n".repeat(6_000));
            d
        };
        assert_eq!(library.save(&id, &big, true, &Map::new(), T0 + 1), Saved::NotStored);
        assert_eq!(library.status(), &Status::Full);
        assert_eq!(library.record(&id).unwrap().draft, big, "kept in memory");
        assert!(library.listing()[0].unsaved);
        let other = library.add(guide(), None, Map::new(), None, T0);
        assert!(library.record(&other).is_some(), "a new plan works in memory too");
        // Room again (the big name shortened): the next save writes.
        let smaller = with_price(&guide(), "60500");
        library.delete(&other);
        assert_eq!(library.save(&id, &smaller, true, &Map::new(), T0 + 2), Saved::Saved);
        assert_eq!(library.status(), &Status::Stored);
        assert!(!library.listing()[0].unsaved);
    }

    #[test]
    fn without_storage_the_library_lives_in_memory() {
        let mut library: Library<MemoryStore> = Library::open(Err("storage is disabled".into()), "a", T0);
        assert_eq!(library.status(), &Status::NoStorage("storage is disabled".into()));
        let id = library.add(guide(), None, Map::new(), None, T0);
        assert_eq!(library.save(&id, &with_price(&guide(), "1"), true, &Map::new(), T0), Saved::Saved);
        let copy = library.duplicate(&id, T0).unwrap();
        library.rename(&copy, "Copy").unwrap();
        assert_eq!(library.len(), 2);
    }

    #[test]
    fn export_then_import_round_trips_and_adds() {
        let store = shared();
        let mut library = open(&store, "a");
        let stash = json!({"generate": {"ladder": {"generate": {"from": "1"}}}}).as_object().unwrap().clone();
        let a = library.add(guide(), None, stash, Some(("Mine".into(), true)), T0);
        let b = library.add(with_price(&guide(), "60500"), Some(guide()), Map::new(), None, T0 + 60_000);
        let text = library.export(T0 + 120_000);
        let file: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(file["format"], "scaleplan-library");
        assert_eq!(file["plans"][0]["changed"], "2025-11-24T16:00:00Z");

        let mut other = open(&shared(), "b");
        let ids = other.import(read_library_file(&text).expect("reads"), T0 + 999);
        assert_eq!(ids.len(), 2);
        for (from, to) in [(&a, &ids[0]), (&b, &ids[1])] {
            let (x, y) = (library.record(from).unwrap(), other.record(to).unwrap());
            assert_eq!((&x.name, x.named, x.created, x.changed, &x.draft, &x.stash), (&y.name, y.named, y.created, y.changed, &y.draft, &y.stash));
            assert_eq!(x.valid, y.valid.clone().or(Some(y.draft.clone())).filter(|_| x.valid.is_some()));
        }
        // Into the same library: added beside the originals, never replacing them.
        let again = library.import(read_library_file(&text).unwrap(), T0);
        assert_eq!(library.len(), 4);
        assert_eq!(library.record(&again[0]).unwrap().name, "Mine (2)");
    }

    #[test]
    fn a_bad_library_file_is_refused_naming_the_field() {
        let check = |text: &str, expected: &str| {
            let message = read_library_file(text).expect_err("refused");
            assert!(message.starts_with(expected), "{message}");
        };
        check("{", "not a library file: EOF while parsing");
        check("[]", "not a library file: it is not a JSON object");
        check(crate::GUIDE_BTC_LADDER, "this is a plan file, not a library");
        check(r#"{"format": "other"}"#, "format: \"other\" is not a scaleplan library");
        check(r#"{"format": "scaleplan-library", "version": 2, "plans": []}"#, "version: the library file is version 2");
        check(r#"{"format": "scaleplan-library", "version": 1, "plans": [{"name": 1, "draft": {}}]}"#, "plans[0].name: must be text");
        check(r#"{"format": "scaleplan-library", "version": 1, "plans": [{"name": "a", "draft": []}]}"#, "plans[0].draft: must be a plan");
        check(r#"{"format": "scaleplan-library", "version": 1, "plans": [{"name": "a", "draft": {"version": 3}}]}"#,
            "plans[0].draft.version: the plan is version 3");
        check(r#"{"format": "scaleplan-library", "version": 1, "plans": [{"name": "a", "draft": {}, "changed": "yesterday"}]}"#,
            "plans[0].changed:");
        check(r#"{"format": "scaleplan-library", "version": 1, "plans": [{"name": "a", "draft": {}, "colour": 1}]}"#,
            "plans[0].colour: unknown field; a plan's entry has name, named,");
        let many = json!({"format": "scaleplan-library", "version": 1, "plans": vec![json!({"name": "", "draft": {}}); 1001]});
        check(&many.to_string(), "plans: 1001 plans; at most 1000");
        check(&" ".repeat(MAX_LIBRARY_BYTES + 1), "the file is 16384 KiB; a library file is at most 16 MiB");
    }

    #[test]
    fn changed_times_read_as_people_say_them() {
        let day = 86_400_000;
        let now = T0 + 15 * 3_600_000; // 2025-11-25T07:00
        assert_eq!(changed_text(now - 60_000, now), "today 06:59");
        assert_eq!(changed_text(now - 8 * 3_600_000, now), "yesterday 23:00");
        assert_eq!(changed_text(now - day, now), "yesterday 07:00");
        assert_eq!(changed_text(now - 5 * day, now), "20 Nov 07:00");
        assert_eq!(changed_text(now - 400 * day, now), "21 Oct 2024");
    }
}
