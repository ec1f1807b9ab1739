//! A retro file's snapshot (its id and its action items), read from each
//! past version of the file. The build's loader reads the whole front
//! matter; most of its YAML (summary, timeline, factors) is the same from
//! one version to the next, and parsing it again was most of the cost of a
//! first history read. So a file's versions are read through a `Reader`
//! that parses the front matter in parts, one part per top-level key, and
//! remembers the parts it has seen: a new version costs the parse of the
//! parts that changed (usually `action_items` alone).
//!
//! The parts are parsed on their own only where that gives the same values
//! as parsing the whole: every line of the front matter is blank, a comment,
//! indented, a `- ` entry or a `key:` at the start of the line, and each
//! part is a mapping of one key, the keys distinct and the values within
//! the YAML limit. Anything else (flow collections or quoted text spanning
//! the parts, anchors used across keys, duplicate keys, YAML errors, other
//! document markers) is read by the loader itself. `tests/properties.rs`
//! holds the two paths to the same result.

use super::{FileSnap, ItemSnap};
use crate::config::Config;
use crate::load::{frontmatter, yaml};
use std::collections::{HashMap, HashSet};

/// The keys a snapshot reads; the other parts are parsed only to know the
/// whole front matter is valid.
const KEPT: [&str; 2] = ["id", "action_items"];

/// A top-level part of a front matter, parsed alone.
struct Part {
    key: String,
    /// Values in the part, as the YAML limit counts them.
    values: usize,
    /// The entry itself, for the keys the snapshot reads.
    entry: Option<(yaml::Node, yaml::Node)>,
}

/// Reads the versions of one file, remembering the parts of the last
/// version besides the kept ones (those change in nearly every version).
#[derive(Default)]
pub struct Reader {
    /// A part's key and values, or `None`: not a one-key mapping alone.
    seen: HashMap<Box<str>, Option<(String, usize)>>,
}

impl Reader {
    /// The snapshot of one version of the file at `path`: the same as
    /// `snapshot` (the loader's), faster when parts repeat.
    pub fn snapshot(&mut self, path: &str, text: String, config: &Config) -> FileSnap {
        match self.root(&text) {
            Some(root) => snap_of(&crate::load::read_front_matter(path.to_string(), &root, config)),
            None => snapshot(path, text, config),
        }
    }

    /// The front matter's kept entries as one mapping, or `None` when the
    /// text must be read whole.
    fn root(&mut self, text: &str) -> Option<yaml::Node> {
        let split = frontmatter::split(text).ok()?;
        let parts = parts(split.yaml)?;
        let mut kept = Vec::new();
        for &part in &parts {
            if self.seen.contains_key(part) {
                continue;
            }
            match parse_part(part) {
                Some(p) if p.entry.is_some() => kept.push(p),
                other => drop(self.seen.insert(part.into(), other.map(|p| (p.key, p.values)))),
            }
        }
        let mut keys = HashSet::new();
        let mut values = 1;
        for &part in &parts {
            if let Some(seen) = self.seen.get(part) {
                let (key, n) = seen.as_ref()?;
                values += n - 1;
                if !keys.insert(key.as_str()) {
                    return None;
                }
            }
        }
        for part in &kept {
            values += part.values - 1;
            if !keys.insert(part.key.as_str()) {
                return None;
            }
        }
        if keys.is_empty() || values > yaml::MAX_NODES {
            return None;
        }
        let entries = kept.into_iter().filter_map(|p| p.entry).collect();
        // Only this version's parts are kept for the next one.
        let current: HashSet<&str> = parts.into_iter().collect();
        self.seen.retain(|part, _| current.contains(&**part));
        Some(yaml::Node { value: yaml::Value::Map(entries), pos: yaml::YamlPos { line: 1, column: 1, offset: 0 } })
    }
}

/// The front matter cut before each line that starts a top-level key, or
/// `None` when a line is of another kind (or nothing but comments precede
/// the first key).
fn parts(yaml: &str) -> Option<Vec<&str>> {
    let mut starts = Vec::new();
    let mut at = 0;
    for line in yaml.split_inclusive('\n') {
        let bytes = line.trim_end_matches(['\n', '\r']).as_bytes();
        match bytes.first() {
            Some(b) if b.is_ascii_alphanumeric() || *b == b'_' => starts.push(at),
            Some(b'-') if starts.is_empty() || !matches!(bytes.get(1), None | Some(b' ')) => return None,
            Some(b' ' | b'#' | b'-') | None => {}
            Some(_) => return None,
        }
        at += line.len();
    }
    let first = *starts.first()?;
    // Blank and comment lines before the first key go with it.
    if yaml[..first]
        .lines()
        .any(|l| !l.trim_start_matches(' ').is_empty() && !l.trim_start_matches(' ').starts_with('#'))
    {
        return None;
    }
    starts[0] = 0;
    starts.push(yaml.len());
    Some(starts.windows(2).map(|w| &yaml[w[0]..w[1]]).collect())
}

/// A part parsed alone: `None` unless it is a mapping of one named key.
fn parse_part(text: &str) -> Option<Part> {
    let (root, values) = yaml::parse_counted(text).ok()?;
    let yaml::Value::Map(mut entries) = root.value else { return None };
    if entries.len() != 1 {
        return None;
    }
    let (key, value) = entries.pop()?;
    let yaml::Value::Str(name) = &key.value else { return None };
    let name = name.clone();
    let entry = KEPT.contains(&name.as_str()).then_some((key, value));
    Some(Part { key: name, values, entry })
}

/// A file's snapshot, read as a build reads the file: the loader's path.
pub fn snapshot(path: &str, text: String, config: &Config) -> FileSnap {
    snap_of(&crate::load::parse_front_matter(path.to_string(), text, config))
}

fn snap_of(retro: &crate::model::Retro) -> FileSnap {
    // A duplicated item id (a `duplicate-id` error) is followed as its first item.
    let mut seen = HashSet::new();
    let items = retro.actions().iter().filter(|a| seen.insert(a.id.value.clone())).map(ItemSnap::of).collect();
    FileSnap { retro: retro.id.value.clone(), items }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RETRO: &str = include_str!("../../tests/fixtures/clean/retros/2026/2026-03-01-cache-failover.md");

    fn config() -> Config {
        Config::parse("").unwrap()
    }

    #[test]
    fn a_new_version_parses_only_the_parts_that_changed() {
        let mut reader = Reader::default();
        assert!(reader.root(RETRO).is_some(), "a retro as the build writes it is read in parts");
        let seen: Vec<Box<str>> = reader.seen.keys().cloned().collect();
        let next = RETRO.replacen("status: in-progress", "status: done", 1);
        let snap = reader.snapshot("retros/x.md", next.clone(), &config());
        assert_eq!(reader.seen.len(), seen.len(), "the same parts, and action_items not kept");
        assert!(seen.iter().all(|part| reader.seen.contains_key(part)));
        assert_eq!(snap, snapshot("retros/x.md", next, &config()));
        assert_eq!(snap.retro, "inc-101-cache-failover");
        assert_eq!(snap.items[0].status.as_deref(), Some("done"));
    }

    #[test]
    fn parts_that_mean_something_else_alone_send_the_text_to_the_loader() {
        for yaml in [
            // A key twice: the whole is a YAML error, each part is fine.
            "id: a\naction_items: []\nid: b\n",
            // An anchor defined in one part and used in another.
            "base: &b [{id: AI-1, status: open}]\naction_items: *b\n",
            // Quoted text over a line that looks like a key.
            "title: \"two\nid: x\"\n",
            // Nothing but comments.
            "# nothing\n",
        ] {
            let text = format!("---\n{yaml}---\n");
            assert!(Reader::default().root(&text).is_none(), "{yaml:?}");
        }
    }
}
