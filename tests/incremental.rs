//! `serve`'s incremental builder against a fresh build: after any sequence
//! of edits, the site it serves equals, byte for byte, the site a full
//! build of the edited repo makes. The pages an edit re-renders come from
//! the page plan's declarations (`render::plan`), so this is what pins
//! those declarations down, pagination and page boundaries included.

mod common;

use proptest::prelude::*;
use retrobook::{Builder, Update};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The example retros with three entries a page, so lists span pages.
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    common::copy_dir(&root.join("retros"), &dir.path().join("retros"));
    let book = std::fs::read_to_string(root.join("book.toml")).unwrap();
    std::fs::write(dir.path().join("book.toml"), book.replacen("[build]\n", "[build]\npage_size = 3\n", 1)).unwrap();
    dir
}

/// An edit a reviewer's repo sees every day, as text: (pattern, replacement
/// of its first occurrence).
const EDITS: &[(&str, &str)] = &[
    ("status: open", "status: done"),
    ("status: done", "status: open"),
    ("status: in-progress", "status: wont-do"),
    ("owner: lena", "owner: gus"),
    ("owner: sre", "owner: amara"),
    ("due: 2026-", "due: 2024-"),
    ("due: 2025-", "due: 2027-"),
    ("services: [", "services: [edited-service, "),
    ("tags: [", "tags: [edited-tag, "),
    ("\ntitle: ", "\ntitle: Edited "),
    ("severity: SEV2", "severity: SEV1"),
];

fn apply(site: &mut BTreeMap<String, Vec<u8>>, update: Update) {
    if update.full {
        site.clear();
    }
    for path in update.removed {
        site.remove(&path);
    }
    site.extend(update.files);
}

fn retro_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walk(&root.join("retros"));
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
    out
}

fn today() -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 27)
}

/// Edit `file` (an index into the retros) with `edit`; false when the
/// pattern is not in it.
fn edit(root: &Path, file: usize, edit: usize) -> Option<PathBuf> {
    let files = retro_files(root);
    let path = files[file % files.len()].clone();
    let (from, to) = EDITS[edit % EDITS.len()];
    let text = std::fs::read_to_string(&path).unwrap();
    let (head, tail) = text.split_once("\n---")?;
    if !head.contains(from) {
        return None;
    }
    std::fs::write(&path, format!("{}\n---{tail}", head.replacen(from, to, 1))).unwrap();
    Some(path)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn incremental_updates_equal_a_fresh_build(edits in proptest::collection::vec((0usize..64, 0usize..64), 1..5)) {
        let dir = repo();
        let root = dir.path().canonicalize().unwrap();
        let (mut builder, first) = Builder::new(&root, today(), None, Vec::new()).unwrap();
        let mut served = BTreeMap::new();
        apply(&mut served, first);
        for (file, kind) in edits {
            let Some(path) = edit(&root, file, kind) else { continue };
            let changed: BTreeSet<PathBuf> = [path].into();
            let mut updates = Vec::new();
            builder.update(&changed, std::time::Instant::now(), &mut |u| updates.push(u), &mut || false).unwrap();
            for u in updates {
                apply(&mut served, u);
            }
        }
        let (_, fresh) = Builder::new(&root, today(), None, Vec::new()).unwrap();
        let mut expected = BTreeMap::new();
        apply(&mut expected, fresh);
        let missing: Vec<&String> = expected.keys().filter(|k| !served.contains_key(*k)).collect();
        let extra: Vec<&String> = served.keys().filter(|k| !expected.contains_key(*k)).collect();
        prop_assert!(missing.is_empty() && extra.is_empty(), "missing {missing:?}, extra {extra:?}");
        let stale: Vec<&String> = expected.iter().filter(|(k, v)| served[*k] != **v).map(|(k, _)| k).collect();
        prop_assert!(stale.is_empty(), "stale pages: {stale:?}");
    }
}
