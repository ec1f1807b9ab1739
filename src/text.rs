//! Small text helpers shared by the loader, the rules and the renderer.

use crate::model::Pos;
use std::path::Path;

/// Maps byte offsets of one file to 1-based line and column positions.
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset at which each line starts.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text).map(|i| i + 1));
        LineIndex { text, starts }
    }

    pub fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column = self.text.get(start..offset).map(|s| s.chars().count()).unwrap_or(0);
        Pos { line: line as u32 + 1, column: column as u32 + 1, offset }
    }

    /// The byte offset of a 1-based line and column (clamped to the text).
    pub fn offset(&self, line: u32, column: u32) -> usize {
        let Some(&start) = self.starts.get((line.max(1) - 1) as usize) else { return self.text.len() };
        let line_text = &self.text[start..];
        let skip = (column.max(1) - 1) as usize;
        start + line_text.char_indices().nth(skip).map(|(i, _)| i).unwrap_or(line_text.len())
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line(&self, line: u32) -> &'a str {
        let i = (line.max(1) - 1) as usize;
        let Some(&start) = self.starts.get(i) else { return "" };
        let end = self.starts.get(i + 1).copied().unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', text.as_bytes())
}

/// GitHub's heading anchor: lowercase, punctuation dropped, spaces to `-`.
/// Relative links written for GitHub's renderer then resolve on our site too.
pub fn slugify(text: &str) -> String {
    let text = text.trim();
    // Most names and headings are ASCII: by bytes, without Unicode tables
    // (every action item row computes its owner's URL). Pinned to the path
    // below by a property test.
    if text.is_ascii() {
        let slug = text.bytes().filter_map(|b| match b {
            b'_' | b'-' => Some(b),
            b' ' => Some(b'-'),
            b => b.is_ascii_alphanumeric().then(|| b.to_ascii_lowercase()),
        });
        return slug.map(char::from).collect();
    }
    slugify_chars(text)
}

fn slugify_chars(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            slug.extend(c.to_lowercase());
        } else if c == ' ' {
            slug.push('-');
        }
    }
    slug
}

/// Makes heading anchors unique within a page the way GitHub does:
/// the second `#notes` becomes `#notes-1`.
#[derive(Default)]
pub struct AnchorSet {
    seen: std::collections::HashMap<String, usize>,
}

impl AnchorSet {
    pub fn unique(&mut self, base: String) -> String {
        let base = if base.is_empty() { "section".to_string() } else { base };
        if !self.seen.contains_key(&base) {
            self.seen.insert(base.clone(), 0);
            return base;
        }
        loop {
            let count = self.seen[&base] + 1;
            self.seen.insert(base.clone(), count);
            let candidate = format!("{base}-{count}");
            if !self.seen.contains_key(&candidate) {
                self.seen.insert(candidate.clone(), 0);
                return candidate;
            }
        }
    }
}

/// The closest candidate to a misspelt word, if one is close enough to be
/// the likely intent ("did you mean `severity`?").
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::normalized_damerau_levenshtein(&word, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.6)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A slug as used for services, teams, tags and factor ids: lowercase
/// letters, digits, `-`, `_` and `.`, starting with a letter or digit.
pub fn is_slug(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

/// An id of a retro or an action item: like a slug, but upper case allowed
/// (`INC-2291`, `AI-3`), since ids are often tracker keys. Safe in a URL.
pub fn is_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !s.ends_with('.')
}

/// `1 retro`, `2 retros`: a count and a regular noun. Irregular words and
/// verbs that agree with a count: [`one_or_many`]. Templates use Tera's
/// `pluralize` filter.
pub fn plural<N: Copy + std::fmt::Display + TryInto<i64>>(n: N, word: &str) -> String {
    format!("{n} {}", one_or_many(n, word, &format!("{word}s")))
}

/// Quote a list of words for a message: `a`, `b` or `c`.
pub fn one_of(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

/// FNV-1a, 64 bits, over bytes given in one or more pieces: a hash that
/// is the same in every build, on every machine and in every Rust release
/// (the standard library's is seeded per run). Hashes written by earlier
/// runs are compared with new ones: the history cache's fields hashes and
/// the SARIF report's fingerprints.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fnv1a(u64);

impl Fnv1a {
    pub(crate) const fn new() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }

    /// The hash of the bytes given so far and then `bytes`.
    pub(crate) fn write(self, bytes: &[u8]) -> Self {
        Fnv1a(bytes.iter().fold(self.0, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)))
    }

    pub(crate) fn finish(self) -> u64 {
        self.0
    }
}

/// FNV-1a of `bytes` in one piece.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    Fnv1a::new().write(bytes).finish()
}

/// `one` when `n` is 1, else `many`: `1 near miss`, `1 item disagrees`.
pub(crate) fn one_or_many<'a, N: TryInto<i64>>(n: N, one: &'a str, many: &'a str) -> &'a str {
    if n.try_into().ok() == Some(1) { one } else { many }
}

/// The path of `path` relative to `root`, with `/` separators.
pub fn relative_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// How `path` is named in messages: relative to the repo root when inside it.
pub fn shown_path(root: &Path, path: &Path) -> String {
    if path.starts_with(root) { relative_path(root, path) } else { path.display().to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn ascii_slugs_are_the_unicode_paths(text in "[ -~\t]{0,40}") {
            proptest::prop_assert_eq!(slugify(&text), slugify_chars(text.trim()));
        }
    }

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let text = "ab\nçd é\r\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.pos(0), Pos { line: 1, column: 1, offset: 0 });
        let e = text.find('é').unwrap();
        assert_eq!((idx.pos(e).line, idx.pos(e).column), (2, 4));
        assert_eq!(idx.line(2), "çd é");
        assert_eq!(idx.pos(text.len()).line, 3);
    }

    #[test]
    fn slugs_match_github() {
        assert_eq!(slugify("What went well?"), "what-went-well");
        assert_eq!(slugify("Step 1: drain `eu-west-1`"), "step-1-drain-eu-west-1");
        let mut set = AnchorSet::default();
        assert_eq!(set.unique("notes".into()), "notes");
        assert_eq!(set.unique("notes".into()), "notes-1");
        assert_eq!(set.unique("notes".into()), "notes-2");
    }

    #[test]
    fn suggestions_are_close_words_only() {
        let keys = ["severity", "status", "summary"];
        assert_eq!(did_you_mean("severty", keys), Some("severity"));
        assert_eq!(did_you_mean("zzz", keys), None);
    }

    #[test]
    fn slugs_and_ids() {
        assert!(is_slug("payments-api"));
        assert!(!is_slug("Payments"));
        assert!(is_id("INC-2291"));
        assert!(!is_id("a b"));
        assert!(!is_id("../x"));
    }

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(plural(1usize, "day"), "1 day");
        assert_eq!(plural(0u32, "day"), "0 days");
        assert_eq!(plural(-1i64, "day"), "-1 days");
        assert_eq!(plural(21usize, "retro"), "21 retros");
        assert_eq!(one_or_many(1u64, "near miss", "near misses"), "near miss");
        assert_eq!(one_or_many(2u64, "is", "are"), "are");
    }
}
