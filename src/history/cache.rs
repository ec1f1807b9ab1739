//! What each commit changed, kept between runs: the commit (date, author),
//! the tree of the source folder, and its changed retro files, parsed. A
//! commit never changes, so an entry is valid for as long as the commit is
//! on HEAD's chain and the files are read the same way; entries of commits
//! no longer on it are dropped when the cache is written, and a cache
//! written by another version of the reading is dropped whole.

use super::{Commit, FileSnap};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Bumped whenever what an entry holds changes meaning: its layout, or how
/// a retro file is read into a snapshot (a key the loader reads otherwise,
/// a field added to or left out of an item's fields hash). Cached snapshots
/// of the old reading would otherwise differ from the working tree's, and
/// every item would look edited today (hiding `stale-action`).
/// `history::tests::snapshots_are_pinned` fails when the reading changes.
pub(super) const SNAPSHOT_VERSION: u32 = 3;

/// The version of the reading a cache is written by: the snapshot version
/// and the crate's, so a release never trusts a cache of another release.
fn version() -> String {
    format!("retrobook {} snapshot {SNAPSHOT_VERSION}", env!("CARGO_PKG_VERSION"))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub commit: Commit,
    pub tree: Option<String>,
    pub files: Vec<(String, Option<FileSnap>)>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Cache {
    /// `version()` of the run that wrote it.
    version: String,
    /// The source folder's path in the repository: entries hold its tree.
    dir: Vec<String>,
    pub commits: HashMap<String, Entry>,
}

/// In the repository's git folder, so it is never committed and goes with
/// the clone: `.git/retrobook/history-<source folder>.json`.
pub fn path(git_dir: &Path, dir: &[String]) -> PathBuf {
    let name = if dir.is_empty() { "root".to_string() } else { dir.join("-") };
    let name: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    git_dir.join("retrobook").join(format!("history-{name}.json"))
}

impl Cache {
    /// The cache for the source folder `dir`; empty when there is none, or
    /// it was written for another folder or version, or cannot be read.
    pub fn load(path: &Path, dir: &[String]) -> Cache {
        let read = std::fs::read(path).ok().and_then(|bytes| serde_json::from_slice::<Cache>(&bytes).ok());
        match read {
            Some(cache) if cache.version == version() && cache.dir == dir => cache,
            _ => Cache { version: version(), dir: dir.to_vec(), commits: HashMap::new() },
        }
    }

    /// Write the cache; a cache that cannot be written is no failure (the
    /// next run reads the commits again).
    pub fn store(&mut self, path: &Path, dir: &[String]) {
        self.version = version();
        self.dir = dir.to_vec();
        let Some(folder) = path.parent() else { return };
        let _ = std::fs::create_dir_all(folder);
        let Ok(bytes) = serde_json::to_vec(self) else { return };
        // Written beside and renamed, so a concurrent reader never sees half a file.
        let tmp = path.with_extension(format!("json.{}", std::process::id()));
        if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}
