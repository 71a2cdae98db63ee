//! Shared helpers for the workspace tests: reading the data files of published examples.
// Test support: a missing or malformed data file should stop the test with its path, so panics are the point.
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)]

use std::path::PathBuf;

/// The repository's root folder.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Reads a data file under `tests/data`, panicking with its path when it is missing (tests only).
pub fn data_file(name: &str) -> String {
    let path = repo_root().join("tests").join("data").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Rows of a `|`-separated data file: blank lines and `#` comments skipped, cells trimmed.
/// Each row keeps its 1-based line number so a failure points at the line.
pub fn rows(text: &str) -> Vec<(usize, Vec<String>)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(i, l)| (i + 1, l.split('|').map(|c| c.trim().to_owned()).collect()))
        .collect()
}
