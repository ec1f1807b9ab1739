//! A retro file's snapshot (its id and its action items), read from each
//! past version of the file. The build's loader reads the whole front
//! matter; most of its YAML (summary, timeline, factors) is the same from
//! one version to the next, and parsing it again was most of the cost of a
//! first history read. So a file's versions are read through a `Reader`
//! that parses the front matter in parts, one part per top-level key, and
//! remembers the parts it has seen: a new version costs the parse of the
//! parts that changed (usually `action_items` alone). The `action_items`
//! list is cut the same way into its entries, each remembered with what the
//! loader reads it as, so a version that changed one item parses that one.
//!
//! The parts are parsed on their own only where that gives the same values
//! as parsing the whole: every line of the front matter is blank, a comment,
//! indented, a `- ` entry or a `key:` at the start of the line, and each
//! part is a mapping of one key, the keys distinct and the values within
//! the YAML limits (the items one level less deep alone than in the file).
//! Anything else (flow collections or quoted text spanning the parts,
//! anchors used across keys or items, duplicate keys, YAML errors, other
//! document markers) is read by the loader itself. The line rules are a
//! quick way out: a part that broke them would also fail to parse as one
//! key alone. `tests/properties.rs` holds the two paths to the same result.

use super::{FileSnap, ItemSnap};
use crate::config::Config;
use crate::load::{frontmatter, yaml};
use foldhash::{HashSet, HashSetExt};

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
    /// The `action_items` list read item by item (`Reader::list`), instead
    /// of `entry`: each item as the loader reads it (`None`: dropped).
    items: Option<Vec<Option<ItemSnap>>>,
}

/// An entry of the `action_items` list, parsed alone (as a list of one),
/// and read as the loader reads a list's item.
struct Item {
    snap: Option<ItemSnap>,
    values: usize,
    depth: usize,
}

type Memo<T> = foldhash::HashMap<Box<str>, Option<T>>;

/// Reads the versions of one file, remembering what it parsed of the last
/// one: its front matter and snapshot (a version that changed only the
/// body is not parsed), the parts besides the kept ones, and the action
/// items one by one (a new version changes one or two of them).
#[derive(Default)]
pub struct Reader {
    last: Option<(Box<str>, FileSnap)>,
    /// A part's key and values, or `None`: not a one-key mapping alone.
    seen: Memo<(String, usize)>,
    /// An action item, or `None`: not a list of one alone.
    items: Memo<Item>,
}

impl Reader {
    /// The snapshot of one version of the file at `path`: the same as
    /// `snapshot` (the loader's), faster when parts repeat.
    pub fn snapshot(&mut self, path: &str, text: String, config: &Config) -> FileSnap {
        // Once the front matter is found, the rest of the text changes nothing.
        let Ok(split) = frontmatter::split(&text) else { return snapshot(path, text, config) };
        if let Some((yaml, snap)) = &self.last
            && **yaml == *split.yaml
        {
            return snap.clone();
        }
        let yaml: Box<str> = split.yaml.into();
        let snap = match self.root(&yaml, path, config) {
            Some((root, None)) => snap_of(&crate::load::read_front_matter(path.to_string(), &root, config)),
            Some((root, Some(items))) => {
                let retro = crate::load::read_front_matter(path.to_string(), &root, config);
                FileSnap { retro: retro.id.value, items: first_of_each(items.into_iter().flatten()) }
            }
            None => snapshot(path, text, config),
        };
        self.last = Some((yaml, snap.clone()));
        snap
    }

    /// The kept entries of a front matter (the YAML between the fences) as
    /// one mapping, with the action items when the list was read item by
    /// item (and left out of the mapping); `None` when the file must be
    /// read whole.
    fn root(&mut self, yaml: &str, path: &str, config: &Config) -> Option<(yaml::Node, Option<Vec<Option<ItemSnap>>>)> {
        let parts = parts(yaml)?;
        let mut kept = Vec::new();
        for &part in &parts {
            if self.seen.contains_key(part) {
                continue;
            }
            match self.list(part, path, config).or_else(|| parse_part(part)) {
                Some(p) if p.entry.is_some() || p.items.is_some() => kept.push(p),
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
        let mut items = None;
        let mut entries = Vec::new();
        for part in kept {
            items = items.or(part.items);
            entries.extend(part.entry);
        }
        // Only this version's parts are kept for the next one.
        let current: HashSet<&str> = parts.into_iter().collect();
        self.seen.retain(|part, _| current.contains(&**part));
        Some((node(yaml::Value::Map(entries)), items))
    }

    /// An `action_items:` part read item by item, or `None` when it is not
    /// a plain block list whose items each parse alone. Each item is a list
    /// of one on its own, a level less deep than in the file.
    fn list(&mut self, part: &str, path: &str, config: &Config) -> Option<Part> {
        let (header, rest) = part.split_once('\n')?;
        if header.trim_end_matches([' ', '\r']) != "action_items:" {
            return None;
        }
        let items = items(rest)?;
        for &item in &items {
            if !self.items.contains_key(item) {
                let parsed = yaml::parse_counted(item).ok().and_then(|p| match p.root.value {
                    yaml::Value::Seq(one) if one.len() == 1 => {
                        let snap = crate::load::read_action_item(path, &one[0], config).as_ref().map(ItemSnap::of);
                        Some(Item { snap, values: p.values, depth: p.depth })
                    }
                    _ => None,
                });
                self.items.insert(item.into(), parsed);
            }
        }
        // The root mapping, the key and the list, then each item's values.
        let mut values = 3;
        let mut list = Vec::with_capacity(items.len());
        for &item in &items {
            let item = self.items.get(item)?.as_ref()?;
            if item.depth + 1 > yaml::MAX_DEPTH {
                return None;
            }
            values += item.values - 1;
            list.push(item.snap.clone());
        }
        let current: HashSet<&str> = items.into_iter().collect();
        self.items.retain(|item, _| current.contains(&**item));
        Some(Part { key: "action_items".into(), values, entry: None, items: Some(list) })
    }
}

fn node(value: yaml::Value) -> yaml::Node {
    yaml::Node { value, pos: yaml::YamlPos { line: 1, column: 1, offset: 0 } }
}

/// A block list cut before each entry: every line blank, a comment, an
/// entry (`- ` at the list's indent) or indented deeper.
fn items(list: &str) -> Option<Vec<&str>> {
    let mut starts = Vec::new();
    let mut indent = None;
    let mut at = 0;
    for line in list.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        let text = content.trim_start_matches(' ');
        let n = content.len() - text.len();
        let entry = text.starts_with('-') && matches!(text.as_bytes().get(1), None | Some(b' '));
        if !(text.is_empty() || text.starts_with('#')) {
            match indent {
                None if entry => indent = Some(n),
                Some(i) if n > i || (n == i && entry) => {}
                _ => return None,
            }
            if indent == Some(n) {
                starts.push(at);
            }
        }
        at += line.len();
    }
    starts.push(list.len());
    (starts.len() > 1).then(|| starts.windows(2).map(|w| &list[w[0]..w[1]]).collect())
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
    let yaml::Counted { root, values, .. } = yaml::parse_counted(text).ok()?;
    let yaml::Value::Map(mut entries) = root.value else { return None };
    if entries.len() != 1 {
        return None;
    }
    let (key, value) = entries.pop()?;
    let yaml::Value::Str(name) = &key.value else { return None };
    let name = name.clone();
    let entry = KEPT.contains(&name.as_str()).then_some((key, value));
    Some(Part { key: name, values, entry, items: None })
}

/// A file's snapshot, read as a build reads the file: the loader's path.
pub fn snapshot(path: &str, text: String, config: &Config) -> FileSnap {
    snap_of(&crate::load::parse_front_matter(path.to_string(), text, config))
}

fn snap_of(retro: &crate::model::Retro) -> FileSnap {
    FileSnap { retro: retro.id.value.clone(), items: first_of_each(retro.actions().iter().map(ItemSnap::of)) }
}

/// A duplicated item id (a `duplicate-id` error) is followed as its first item.
fn first_of_each(items: impl Iterator<Item = ItemSnap>) -> Vec<ItemSnap> {
    let mut seen = HashSet::new();
    items.filter(|item| seen.insert(item.id.clone())).collect()
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
        let first = reader.snapshot("retros/x.md", RETRO.to_string(), &config());
        assert_eq!(first, snapshot("retros/x.md", RETRO.to_string(), &config()));
        assert!(!reader.seen.is_empty() && !reader.items.is_empty(), "a retro as the build writes it is read in parts");
        let seen: Vec<Box<str>> = reader.seen.keys().cloned().collect();
        let items: Vec<Box<str>> = reader.items.keys().cloned().collect();
        let next = RETRO.replacen("status: in-progress", "status: done", 1);
        let snap = reader.snapshot("retros/x.md", next.clone(), &config());
        assert_eq!(reader.seen.len(), seen.len(), "the same parts, and action_items not kept");
        assert!(seen.iter().all(|part| reader.seen.contains_key(part)));
        // The items: the same number, all but the changed one parsed before.
        assert_eq!((reader.items.len(), items.len()), (2, 2));
        assert_eq!(items.iter().filter(|item| reader.items.contains_key(*item)).count(), 1);
        assert_eq!(snap, snapshot("retros/x.md", next.clone(), &config()));
        assert_eq!(snap.retro, "inc-101-cache-failover");
        assert_eq!(snap.items[0].status, Some(crate::model::ActionStatus::Done));
        // A new body alone is not parsed again.
        reader.items.clear();
        let body = reader.snapshot("retros/x.md", format!("{next}\nMore.\n"), &config());
        assert!(reader.items.is_empty() && body == snap);
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
            // A carriage return alone ends a line for YAML: two keys in a part.
            "id: a\rb: c\naction_items: []\n",
            // An item using an anchor of another key.
            "base: &b {status: open}\naction_items:\n  - id: AI-1\n    <<: *b\n",
        ] {
            assert!(Reader::default().root(yaml, "retros/x.md", &config()).is_none(), "{yaml:?}");
        }
    }
}
