//! Links between imported postmortems, and to files beside them, rewritten
//! so they resolve from where the new retros are written.

use super::doc;
use pulldown_cmark::{Event, Parser, Tag};
use std::ops::Range;
use std::path::{Component, Path, PathBuf};

/// Where each link's destination is written in `source`: inline links and
/// images, and the definitions of reference-style links.
pub(crate) fn destinations(source: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let mut events = Parser::new_ext(source, doc::options()).into_offset_iter();
    for (event, range) in events.by_ref() {
        let dest = match event {
            Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. }) => dest_url,
            _ => continue,
        };
        // A reference link's text holds no destination: its definition does.
        if let Some(at) = source[range.clone()].rfind(&*dest).filter(|_| !dest.is_empty()) {
            let start = range.start + at;
            out.push((start..start + dest.len(), dest.to_string()));
        }
    }
    for (_, def) in events.reference_definitions().iter() {
        if let Some(at) = source[def.span.clone()].find(&*def.dest).filter(|_| !def.dest.is_empty()) {
            let start = def.span.start + at;
            out.push((start..start + def.dest.len(), def.dest.to_string()));
        }
    }
    out.sort_by_key(|(r, _)| r.start);
    out.dedup_by_key(|(r, _)| r.start);
    out
}

/// The reference definitions of `source`: label and span.
pub(crate) fn definitions(source: &str) -> Vec<(String, Range<usize>)> {
    let mut events = Parser::new_ext(source, doc::options()).into_offset_iter();
    events.by_ref().for_each(drop);
    let mut out: Vec<(String, Range<usize>)> =
        events.reference_definitions().iter().map(|(label, def)| (label.to_string(), def.span.clone())).collect();
    out.sort_by_key(|(_, r)| r.start);
    out
}

/// A relative link's file and fragment: `../b.md#timeline` → (`../b.md`,
/// `timeline`). `None` for URLs, absolute paths and same-page anchors.
pub(crate) fn relative(dest: &str) -> Option<(String, Option<String>)> {
    if dest.starts_with(['#', '/']) || crate::link::has_scheme(dest) || dest.starts_with("//") {
        return None;
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    (!path.is_empty()).then(|| (crate::link::percent_decode(path), fragment))
}

/// `path` made absolute and free of `.`/`..`, through the parts of it that
/// exist (symlinks resolved), so two spellings of a file compare equal.
pub(crate) fn absolute(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = path.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.file_name().map(|n| n.to_os_string()), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = std::fs::canonicalize(&existing).unwrap_or(existing);
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    let mut clean = PathBuf::new();
    for c in out.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            c => clean.push(c),
        }
    }
    clean
}

/// The relative link from folder `from` to file `to` (both absolute), `/`
/// separated, with spaces escaped.
pub(crate) fn between(from: &Path, to: &Path) -> String {
    let a: Vec<Component> = from.components().collect();
    let b: Vec<Component> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".to_string(); a.len() - common];
    parts.extend(b[common..].iter().map(|c| c.as_os_str().to_string_lossy().replace(' ', "%20")));
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_reference_links() {
        let src = "See [the DNS one](dns.md#timeline) and ![g](img/g.png) and [ref][r].\n\n[r]: ./other%20doc.md\n";
        let d: Vec<&str> = destinations(src).iter().map(|(r, _)| &src[r.clone()]).collect();
        assert_eq!(d, ["dns.md#timeline", "img/g.png", "./other%20doc.md"]);
        assert_eq!(relative("dns.md#timeline"), Some(("dns.md".into(), Some("timeline".into()))));
        assert_eq!(relative("./other%20doc.md"), Some(("./other doc.md".into(), None)));
        assert_eq!(relative("https://x.example/a.md"), None);
        assert_eq!(relative("#local"), None);
    }

    #[test]
    fn paths_between() {
        assert_eq!(between(Path::new("/r/retros"), Path::new("/r/retros/a.md")), "a.md");
        assert_eq!(between(Path::new("/r/retros/2024"), Path::new("/r/old/img/a b.png")), "../../old/img/a%20b.png");
    }
}
