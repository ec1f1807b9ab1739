//! Helpers shared by the integration tests: run the real binary on a repo.
#![allow(dead_code)]

pub mod invariants;

use assert_cmd::Command;
use std::path::{Path, PathBuf};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// `retrobook --root ROOT ARGS...`, with a fixed "today" where it matters.
pub fn retrobook(root: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("retrobook").expect("binary built");
    cmd.arg("--root").arg(root).args(args).env("NO_COLOR", "1");
    cmd
}

/// Run `check --format json` and parse the findings.
pub fn check_json(root: &Path, extra: &[&str]) -> (i32, Vec<serde_json::Value>) {
    let mut args = vec!["check", "--format", "json"];
    if !extra.contains(&"--today") {
        args.extend(["--today", "2026-11-27"]);
    }
    args.extend_from_slice(extra);
    let out = retrobook(root, &args).output().expect("runs");
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().expect("exit code"), findings.as_array().expect("an array").clone())
}

/// A repo in a temporary folder with a book.toml and the given files.
pub fn temp_repo(book_toml: &str, files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("book.toml"), book_toml).unwrap();
    std::fs::create_dir_all(dir.path().join("retros")).unwrap();
    for (path, bytes) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}

/// A small valid published retro, for building test repos.
pub fn valid_retro(title: &str) -> String {
    format!(
        "---\ntitle: {title}\nstatus: published\nseverity: SEV3\nstarted_at: 2026-03-01T10:00:00Z\n\
         authors: [alice]\nsummary: Something happened.\nimpact: Some requests failed.\n\
         contributing_factors:\n  - id: f1\n    category: technical\n    description: A condition.\n\
         action_items:\n  - id: AI-1\n    title: Fix the condition\n    owner: alice\n    status: open\n    \
         due: 2027-01-01\n    factors: [f1]\n---\nBody text.\n"
    )
}

/// Copy a folder recursively (a fixture into a temporary repo).
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file of a site, by relative path.
pub fn files(site: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(site)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| (retrobook::relative_path(site, e.path()), std::fs::read(e.path()).unwrap()))
        .collect()
}
