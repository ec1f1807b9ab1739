//! The cross-link graph: which retro has which id, path and anchors, how a
//! link written in a retro resolves, and who links to whom (backlinks).
//!
//! `check` uses it to report broken links; `render` uses the same
//! resolution to rewrite links, so a link that checks clean renders right.

use crate::model::{LinkKind, Retro};
use crate::text::did_you_mean;
use foldhash::{HashMap, HashMapExt, HashSet};
use std::collections::BTreeSet;
use std::path::Path;

/// Anchors every retro page has, besides its headings and action items.
pub const PAGE_SECTIONS: &[&str] =
    &["summary", "impact", "contributing-factors", "timeline", "action-items", "related", "narrative"];

/// What a link in a retro points at, once resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Another retro (or the same one), possibly at an anchor.
    Retro { index: usize, anchor: Option<String> },
    /// A file of the repo that is not a retro (an image, an attachment),
    /// relative to the repo root.
    File { path: String, anchor: Option<String> },
    /// A URL with a scheme, left as written (the URL rules judge it).
    External,
}

/// Why a link resolves to nothing: a message and a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub message: String,
    pub hint: Option<String>,
}

pub struct LinkGraph {
    /// Retro id to index; the first retro wins when ids clash.
    by_id: HashMap<String, usize>,
    /// Repo-relative path to index.
    by_path: HashMap<String, usize>,
    /// The anchors of each retro page.
    anchors: Vec<HashSet<String>>,
    /// For each retro, the retros that link to it (sorted, no self links).
    pub backlinks: Vec<BTreeSet<usize>>,
}

impl LinkGraph {
    /// Build the graph: ids, paths, anchors and backlinks.
    pub fn build(retros: &[Retro]) -> LinkGraph {
        let mut by_id = HashMap::with_capacity(retros.len());
        let mut by_path = HashMap::with_capacity(retros.len());
        let mut anchors = Vec::with_capacity(retros.len());
        for (i, retro) in retros.iter().enumerate() {
            by_id.entry(retro.id.value.clone()).or_insert(i);
            by_path.insert(retro.path.clone(), i);
            anchors.push(anchors_of(retro));
        }
        let mut graph = LinkGraph { by_id, by_path, anchors, backlinks: vec![BTreeSet::new(); retros.len()] };
        for (i, retro) in retros.iter().enumerate() {
            for t in graph.outgoing(retro) {
                if t != i {
                    graph.backlinks[t].insert(i);
                }
            }
        }
        graph
    }

    /// Update the graph after retro `index` changed from `previous` to its
    /// current content, keeping its id and path (`serve`, after an edit):
    /// its anchors and the backlinks it gives, without a rebuild.
    pub fn update(&mut self, retros: &[Retro], index: usize, previous: &Retro) {
        debug_assert_eq!(retros[index].id.value, previous.id.value);
        for target in self.outgoing(previous) {
            self.backlinks[target].remove(&index);
        }
        for target in self.outgoing(&retros[index]) {
            if target != index {
                self.backlinks[target].insert(index);
            }
        }
        self.anchors[index] = anchors_of(&retros[index]);
    }

    /// The retros `retro` points at: `related`, `recurrence_of`, and body
    /// links to other retros (by id or by path). `retro` need not be in the
    /// graph: `serve` asks this of the version of a retro before an edit.
    pub fn outgoing(&self, retro: &Retro) -> BTreeSet<usize> {
        let mut out: BTreeSet<usize> =
            retro.related.iter().chain(&retro.recurrence_of).filter_map(|r| self.index_of(&r.value)).collect();
        for link in &retro.body.links {
            let target = match link.kind {
                LinkKind::Wiki => self.index_of(split_anchor(&link.dest).0.trim()),
                LinkKind::Inline => self.path_target(&retro.path, &link.dest),
                LinkKind::Image | LinkKind::RawHtml => None,
            };
            out.extend(target);
        }
        out
    }

    /// The retro a relative link written in the file `from_path` names.
    fn path_target(&self, from_path: &str, dest: &str) -> Option<usize> {
        if has_scheme(dest) || dest.starts_with("//") {
            return None;
        }
        let path = split_anchor(dest).0.split('?').next().unwrap_or("");
        if path.is_empty() {
            return None;
        }
        let path = percent_decode(path);
        let base = if path.starts_with('/') { "" } else { parent(from_path) };
        self.by_path.get(&normalize(base, &path)?).copied()
    }

    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// A "did you mean" for an unknown retro id, or where ids come from.
    pub fn suggest_id(&self, id: &str) -> String {
        match did_you_mean(id, self.by_id.keys().map(String::as_str)) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "use the id of an existing retro: its `id:`, or its file name without `.md`".into(),
        }
    }

    /// Resolve a link written in retro `from`.
    pub fn resolve(
        &self,
        retros: &[Retro],
        from: usize,
        kind: LinkKind,
        dest: &str,
        file_exists: &dyn Fn(&str) -> bool,
    ) -> Result<Target, Broken> {
        if kind == LinkKind::Wiki {
            let (id, anchor) = split_anchor(dest);
            let Some(index) = self.index_of(id.trim()) else {
                return Err(Broken { message: format!("no retro has the id `{id}`"), hint: Some(self.suggest_id(id)) });
            };
            return self.at_anchor(retros, index, anchor);
        }
        if dest.is_empty() || has_scheme(dest) || dest.starts_with("//") {
            return Ok(Target::External);
        }
        let (path, anchor) = split_anchor(dest);
        let path = path.split('?').next().unwrap_or("");
        if path.is_empty() {
            return self.at_anchor(retros, from, anchor);
        }
        let path = percent_decode(path);
        let base = if path.starts_with('/') { "" } else { retros.get(from).map_or("", |r| parent(&r.path)) };
        let Some(resolved) = normalize(base, &path) else {
            return Err(Broken {
                message: format!("`{dest}` points outside the repository"),
                hint: Some("link a file inside the repository, or a full `https://` URL".into()),
            });
        };
        if let Some(&index) = self.by_path.get(&resolved) {
            return self.at_anchor(retros, index, anchor);
        }
        if file_exists(&resolved) {
            return Ok(Target::File { path: resolved, anchor: anchor.map(str::to_string) });
        }
        let hint = if resolved.ends_with(".md") {
            let stem = resolved.rsplit('/').next().unwrap_or("").trim_end_matches(".md");
            match self.by_id.get(stem) {
                Some(&i) => Some(format!("that retro is at `{}`; or link it by id as `[[{stem}]]`", retros[i].path)),
                None => Some(self.suggest_id(stem)),
            }
        } else {
            Some("the path is relative to this file; check its spelling, add the file, or link a full URL".into())
        };
        Err(Broken { message: format!("`{dest}` does not exist (resolved to `{resolved}`)"), hint })
    }

    fn at_anchor(&self, retros: &[Retro], index: usize, anchor: Option<&str>) -> Result<Target, Broken> {
        let anchor = anchor.filter(|a| !a.is_empty());
        if let Some(a) = anchor
            && !self.anchors[index].contains(a)
        {
            let known = self.anchors[index].iter().map(String::as_str);
            let hint = did_you_mean(a, known).map(|s| format!("did you mean `#{s}`?")).or_else(|| {
                Some("link one of its headings (as a GitHub slug), an action item id or a factor id".into())
            });
            let id = &retros[index].id.value;
            return Err(Broken { message: format!("retro `{id}` has no heading or action item `#{a}`"), hint });
        }
        Ok(Target::Retro { index, anchor: anchor.map(str::to_string) })
    }
}

/// The anchors a retro page has: its sections, headings, action items
/// and factors.
fn anchors_of(retro: &Retro) -> HashSet<String> {
    let mut set: HashSet<String> = PAGE_SECTIONS.iter().map(|s| s.to_string()).collect();
    set.extend(retro.body.headings.iter().map(|h| h.anchor.clone()));
    set.extend(retro.actions().iter().map(|a| a.id.value.clone()));
    set.extend(retro.factors.iter().map(|f| format!("factor-{}", f.id.value)));
    set
}

fn split_anchor(dest: &str) -> (&str, Option<&str>) {
    match dest.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (dest, None),
    }
}

/// `scheme:` as RFC 3986 spells it (letters, then letters, digits, `+-.`).
pub fn has_scheme(url: &str) -> bool {
    scheme(url).is_some()
}

/// The lowercased scheme of a URL, if it has one. Control characters and
/// blanks are dropped first, as browsers do (`java\tscript:`).
pub fn scheme(url: &str) -> Option<String> {
    // Only what comes before the first `:` can be the scheme, and dropping
    // characters never adds a `:`: clean that part alone, and not at all
    // when it is plain ASCII (most URLs; every link of every page asks).
    // Pinned to `scheme_of_cleaned` by a property test.
    let (head, _) = url.split_once(':')?;
    if head.bytes().all(|b| b.is_ascii_graphic()) {
        return scheme_part(head);
    }
    let cleaned: String = head.chars().filter(|c| !c.is_control() && !c.is_whitespace()).collect();
    scheme_part(&cleaned)
}

/// `scheme` the slow way: the whole URL cleaned first.
#[cfg(test)]
fn scheme_of_cleaned(url: &str) -> Option<String> {
    let cleaned: String = url.chars().filter(|c| !c.is_control() && !c.is_whitespace()).collect();
    scheme_part(cleaned.split_once(':')?.0)
}

/// A scheme's text lowercased, if it is one: a letter, then letters,
/// digits, `+`, `-` or `.`.
fn scheme_part(scheme: &str) -> Option<String> {
    let mut chars = scheme.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    ok.then(|| scheme.to_ascii_lowercase())
}

/// Whether a URL may reach a reader's browser: http(s), mailto, or a
/// relative path; `data:` only for images.
pub fn is_safe_url(url: &str, image: bool) -> bool {
    match scheme(url).as_deref() {
        None => true,
        Some("http" | "https" | "mailto") => true,
        Some("data") => {
            image
                && url.trim_start().to_ascii_lowercase().starts_with("data:image/")
                && !url.to_ascii_lowercase().contains("svg")
        }
        Some(_) => false,
    }
}

/// A URL from the front matter ready for an `href`: `None` when it may not
/// reach a reader (`is_safe_url`), else with the characters a URL may not
/// hold (spaces, quotes, `<`, `>`, …) percent-encoded, so the page stays
/// valid HTML whatever was written.
pub fn href(url: &str) -> Option<String> {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const NOT_IN_URLS: &AsciiSet =
        &CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'`').add(b'{').add(b'}').add(b'|').add(b'\\').add(b'^');
    let url = url.trim();
    is_safe_url(url, false).then(|| utf8_percent_encode(url, NOT_IN_URLS).to_string())
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map(|(dir, _)| dir).unwrap_or("")
}

/// Join `rel` onto folder `base` and resolve `.` and `..`; `None` when the
/// result would leave the repository.
pub fn normalize(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Decode `%XX` escapes (invalid ones are kept as written).
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The default `file_exists` for a repo on disk.
pub fn on_disk(root: &Path) -> impl Fn(&str) -> bool + '_ {
    move |rel: &str| root.join(rel).is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn a_scheme_is_read_as_from_the_cleaned_url(url in "[a-zA-Z:/ \t\u{0}\u{85}\u{a0}é+.-]{0,16}") {
            proptest::prop_assert_eq!(scheme(&url), scheme_of_cleaned(&url));
        }
    }

    #[test]
    fn normalizing_paths() {
        assert_eq!(normalize("retros/2026", "../2025/a.md").as_deref(), Some("retros/2025/a.md"));
        assert_eq!(normalize("retros", "./img/x.png").as_deref(), Some("retros/img/x.png"));
        assert_eq!(normalize("retros", "../../etc/passwd"), None);
    }

    #[test]
    fn schemes() {
        assert_eq!(scheme("https://x").as_deref(), Some("https"));
        assert_eq!(scheme("JavaScript:alert(1)").as_deref(), Some("javascript"));
        assert_eq!(scheme("java\tscript:alert(1)").as_deref(), Some("javascript"));
        assert_eq!(scheme("../a.md#x:y"), None);
        assert_eq!(scheme("a.md"), None);
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("my%20file.md"), "my file.md");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
