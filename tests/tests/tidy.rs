//! Tidy checks on the layout (rust-analyzer's "tidy" idea): invariants that no compiler enforces.

use scaleplan_tests::repo_root;

/// The `[dependencies]` table of a manifest: (name, spec) pairs, without a TOML parser (the tables here are flat).
fn dependencies(manifest: &str) -> Vec<(String, String)> {
    let mut in_deps = false;
    let mut out = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_deps = line == "[dependencies]";
            continue;
        }
        if in_deps && !line.is_empty() && !line.starts_with('#') {
            let (name, spec) = line.split_once('=').expect("a dependency line is `name = spec`");
            out.push((name.trim().to_owned(), spec.trim().to_owned()));
        }
    }
    out
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo_root().join(path)).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

#[test]
fn core_depends_only_on_pure_crates() {
    // The core is pure math: no wasm, DOM, browser, async, network or file-system dependency may appear. It reads
    // and writes JSON itself (json.rs, read.rs, write.rs); serde_json is only its tests' reference.
    const ALLOWED: &[&str] = &["rust_decimal", "serde"];
    let deps = dependencies(&read("crates/scaleplan/Cargo.toml"));
    assert!(!deps.is_empty(), "the core's [dependencies] table was not found");
    for (name, _) in &deps {
        assert!(
            ALLOWED.contains(&name.as_str()),
            "crates/scaleplan depends on `{name}`; the core may only use {ALLOWED:?} (see ARCHITECTURE.md, invariants)"
        );
    }
}

#[test]
fn core_does_no_io() {
    // No reading files, clocks, environment, printing or randomness in the core's source.
    const FORBIDDEN: &[&str] =
        &["std::fs", "std::net", "std::env", "std::time", "std::process", "println!", "eprintln!", "dbg!", "thread_rng"];
    let src = repo_root().join("crates/scaleplan/src");
    let mut stack = vec![src];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable source folder") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("readable source file");
                for word in FORBIDDEN {
                    assert!(!text.contains(word), "{} uses `{word}`: the core does no I/O", path.display());
                }
            }
        }
    }
}

#[test]
fn versions_live_once_in_the_workspace_manifest() {
    for manifest in [
        "crates/scaleplan/Cargo.toml",
        "crates/scaleplan-wasm/Cargo.toml",
        "crates/scaleplan-link/Cargo.toml",
        "app/Cargo.toml",
        "tests/Cargo.toml",
    ] {
        for (name, spec) in dependencies(&read(manifest)) {
            assert!(spec.contains("workspace = true"), "{manifest}: `{name}` must take its version from the workspace");
        }
    }
}

#[test]
fn main_only_mounts() {
    let main = read("app/src/main.rs");
    let code: Vec<&str> =
        main.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("//")).collect();
    // The binary holds no logic of its own: each of its functions makes one call into the library (the exported
    // one the page's loader calls mounts the planner; `main` lets widgets include it), so everything else is tested
    // there.
    let allowed = |line: &str| {
        line.starts_with("use ")
            || line.starts_with("#[")
            || line.starts_with("fn ")
            || line.starts_with("pub fn ")
            || line == "}"
            || (line.starts_with("scaleplan_app::") && line.ends_with("();") && !line.contains(' '))
    };
    for line in &code {
        assert!(allowed(line), "app/src/main.rs must only call into the library: `{line}`");
    }
    assert!(code.contains(&"scaleplan_app::start();"), "app/src/main.rs must mount the app");
}
