//! `retrobook import`: postmortems a team already has (Markdown from a
//! template, or documents exported as Markdown) into draft retros.
//!
//! `doc.rs` reads a postmortem into its title and sections (by heading),
//! and a section into tables, list items and paragraphs; `when.rs` and
//! `zones.rs` read the dates, times and zones it writes; `timeline.rs` the
//! timeline and the clock it makes clear; `actions.rs` action items and
//! contributing factors; `convert.rs` puts one document together into a
//! `Draft`; `links.rs` rewrites links between the imported files; `yaml.rs`
//! writes the front matter, quoting as YAML needs. This file finds the
//! files, names the new retros, skips what was imported before and writes.

mod actions;
mod convert;
mod doc;
mod links;
mod timeline;
mod when;
mod yaml;
mod zones;

use crate::config::Config;
use crate::error::Error;
use convert::{Allowed, CLOCK_KEYS, Draft, Piece};
pub(crate) use links::absolute;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// What happened to one postmortem.
#[derive(Debug)]
pub(crate) enum State {
    /// Written (or, with `--dry-run`, would be) to this path.
    Written(PathBuf),
    /// A retro imported from the same file already exists here.
    Skipped(PathBuf),
    /// Not read (not UTF-8 text, unreadable).
    Failed(String),
    /// Already a retro (its front matter has a title and a status): nothing to convert.
    AlreadyRetro,
}

#[derive(Debug)]
pub(crate) struct Outcome {
    /// The postmortem, as `imported_from` records it.
    pub origin: String,
    pub state: State,
    pub filled: Vec<String>,
    pub missing: Vec<String>,
}

/// One postmortem read and converted, before it is named and written.
struct Source {
    path: PathBuf,
    origin: String,
    text: String,
    draft: Draft,
    /// Where the new retro goes; `None` when it was imported before.
    target: Option<PathBuf>,
    /// The retro imported from it before, if any.
    existing: Option<PathBuf>,
}

/// Import `paths` (files, read whatever their extension, or folders, whose
/// `.md` and `.markdown` files are read) into `into`. Never overwrites;
/// with `dry_run` writes nothing.
pub(crate) fn import(
    root: &Path,
    config: &Config,
    paths: &[PathBuf],
    into: &Path,
    dry_run: bool,
) -> Result<Vec<Outcome>, Error> {
    let into = links::absolute(into);
    let root = links::absolute(root);
    let files = postmortem_files(paths)?;
    let allowed = Allowed { severities: &config.retro.severities, categories: &config.retro.factor_categories };
    let done = imported_before(&root, config, &into);
    let mut outcomes = Vec::new();
    let mut sources = Vec::new();
    for path in files {
        let origin = origin_of(&root, &path);
        match std::fs::read(&path).map(String::from_utf8) {
            Ok(Ok(text)) => {
                let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
                let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                let (front, text) = own_front_matter(&text);
                if front.as_deref().is_some_and(|f| is_retro(f, config)) {
                    outcomes.push(Outcome {
                        origin,
                        state: State::AlreadyRetro,
                        filled: Vec::new(),
                        missing: Vec::new(),
                    });
                    continue;
                }
                let mut draft = convert::convert(&text, &stem, &allowed);
                if let Some(front) = front {
                    keep_front_matter(&mut draft, &front);
                }
                let existing = done.get(&origin).cloned();
                sources.push(Source { path, origin, text, draft, target: None, existing });
            }
            Ok(Err(_)) => outcomes.push(failed(origin, "not UTF-8 text")),
            Err(e) => outcomes.push(failed(origin, &format!("cannot read: {e}"))),
        }
    }
    name_targets(&mut sources, &into);
    let by_path: HashMap<PathBuf, usize> = sources.iter().enumerate().map(|(i, s)| (s.path.clone(), i)).collect();
    for i in 0..sources.len() {
        let s = &sources[i];
        let Some(target) = s.target.clone() else {
            outcomes.push(Outcome {
                origin: s.origin.clone(),
                state: State::Skipped(s.existing.clone().unwrap_or_default()),
                filled: Vec::new(),
                missing: Vec::new(),
            });
            continue;
        };
        let mut notes = Vec::new();
        let replace = rewrite_links(&sources, i, &by_path, (&root, &target), &mut notes);
        let text = render(&s.draft, &s.text, &replace, &s.origin);
        if !dry_run {
            write_new(&target, &text)?;
        }
        let mut missing = s.draft.missing.clone();
        missing.extend(notes);
        outcomes.push(Outcome {
            origin: s.origin.clone(),
            state: State::Written(target),
            filled: s.draft.filled.clone(),
            missing,
        });
    }
    Ok(outcomes)
}

/// A document that starts with its own front matter (an export from a
/// wiki or a static site): the YAML, and the Markdown after it.
fn own_front_matter(text: &str) -> (Option<String>, String) {
    let Some(rest) = text.strip_prefix("---\n") else { return (None, text.to_string()) };
    match rest.find("\n---\n").or_else(|| rest.strip_suffix("\n---").map(str::len)) {
        Some(end) => (Some(rest[..end].to_string()), rest.get(end + 5..).unwrap_or("").to_string()),
        None => (None, text.to_string()),
    }
}

/// Whether front matter is retrobook's own: a title and a status it knows.
fn is_retro(front: &str, config: &Config) -> bool {
    let r = crate::load::parse_front_matter(String::new(), format!("---\n{front}\n---\n"), config);
    r.title.is_some() && r.status.is_some()
}

/// The old front matter's `title` when the Markdown had none, and the
/// whole of it kept at the end of the body (nothing is dropped).
fn keep_front_matter(d: &mut Draft, front: &str) {
    let title = front.lines().find_map(|l| l.strip_prefix("title:")).map(|t| t.trim().trim_matches(['"', '\'']));
    if let Some(title) = title.filter(|t| !t.is_empty())
        && let Some(i) = d.missing.iter().position(|m| m.starts_with("title"))
    {
        d.title = title.to_string();
        d.missing.remove(i);
        d.filled.insert(0, "title (the document's own front matter)".into());
    }
    let fence = if front.contains("```") { "~~~~" } else { "```" };
    d.body.push(Piece::Text(format!("\n\n## Original front matter\n\n{fence}yaml\n{front}\n{fence}\n")));
}

fn failed(origin: String, why: &str) -> Outcome {
    Outcome { origin, state: State::Failed(why.to_string()), filled: Vec::new(), missing: Vec::new() }
}

/// The files to read: each file named, and each folder's Markdown files
/// (hidden ones left out), in name order.
fn postmortem_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_file() {
            out.push(links::absolute(path));
        } else if path.is_dir() {
            let walk = walkdir::WalkDir::new(path).sort_by_file_name().into_iter();
            for entry in walk.filter_entry(|e| e.depth() == 0 || !crate::load::is_hidden(e.file_name())) {
                let entry = entry.map_err(|e| Error::new(format!("reading {}: {e}", path.display())))?;
                let ext = entry.path().extension().map(|e| e.to_string_lossy().to_lowercase());
                if entry.file_type().is_file() && matches!(ext.as_deref(), Some("md" | "markdown")) {
                    out.push(links::absolute(entry.path()));
                }
            }
        } else {
            return Err(Error::new(format!("{}: no such file or folder", path.display())));
        }
    }
    out.dedup();
    Ok(out)
}

/// What `imported_from` records: the path from the repo root when the file
/// is inside it (the same whichever folder the import ran from), else the
/// absolute path.
fn origin_of(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) => rel.to_string_lossy().replace('\\', "/"),
        Err(_) => path.to_string_lossy().into_owned(),
    }
}

/// The retros already imported, by `imported_from`: every retro of the
/// source folder and of `into`.
fn imported_before(root: &Path, config: &Config, into: &Path) -> HashMap<String, PathBuf> {
    let mut out = HashMap::new();
    for dir in [root.join(&config.build.source), into.to_path_buf()] {
        for path in crate::load::find_retro_files(&dir).unwrap_or_default() {
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            if !text.contains("imported_from") {
                continue;
            }
            let retro = crate::load::parse_front_matter(String::new(), text, config);
            if let Some(from) = retro.imported_from {
                out.entry(from.value).or_insert(path);
            }
        }
    }
    out
}

/// Name each new retro `<date>-<slug>.md` in `into` (the date of the
/// incident when known, the slug from the file name), never a file that
/// exists or another import of this run took; `None` for one imported before.
fn name_targets(sources: &mut [Source], into: &Path) {
    let mut taken: Vec<PathBuf> = Vec::new();
    for s in sources.iter_mut() {
        if s.existing.is_some() {
            continue;
        }
        let stem = s.path.file_stem().map(|x| x.to_string_lossy().into_owned()).unwrap_or_default();
        let mut slug = String::new();
        for c in stem.chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        let mut base = slug.trim_end_matches('-').to_string();
        if base.is_empty() {
            base = "imported".into();
        }
        let dated = base.len() >= 10 && base[..4].chars().all(|c| c.is_ascii_digit());
        if let (false, Some(day)) = (dated, s.draft.day) {
            base = format!("{}-{base}", day.format("%Y-%m-%d"));
        }
        let mut n = 1;
        let target = loop {
            let name = if n == 1 { format!("{base}.md") } else { format!("{base}-{n}.md") };
            let path = into.join(name);
            if !path.exists() && !taken.contains(&path) {
                break path;
            }
            n += 1;
        };
        taken.push(target.clone());
        s.target = Some(target);
    }
}

/// The replacements of link destinations in source `i`: a link to another
/// imported postmortem points at its new retro (its anchor kept when that
/// heading is still in the body), a link to a file beside the postmortem
/// points at that file from the new place.
fn rewrite_links(
    sources: &[Source],
    i: usize,
    by_path: &HashMap<PathBuf, usize>,
    (root, target): (&Path, &Path),
    notes: &mut Vec<String>,
) -> Vec<(Range<usize>, String)> {
    let s = &sources[i];
    let from_dir = s.path.parent().unwrap_or(Path::new("/"));
    let new_dir = target.parent().unwrap_or(Path::new("/"));
    let mut out = Vec::new();
    for (range, dest) in links::destinations(&s.text) {
        // `#timeline` on the page itself, whose section became front matter: the retro.
        if let Some(f) = dest.strip_prefix('#').filter(|f| !f.is_empty() && !s.draft.anchors.iter().any(|a| a == f)) {
            let own = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            notes.push(format!("link `#{f}`: that section is now in the front matter; linked to the retro"));
            out.push((range, own));
            continue;
        }
        let Some((path, fragment)) = links::relative(&dest) else { continue };
        let file = links::absolute(&from_dir.join(&path));
        if let Some(&j) = by_path.get(&file) {
            let other = &sources[j];
            let Some(other_target) = other.target.as_ref().or(other.existing.as_ref()) else { continue };
            let mut new = links::between(new_dir, other_target);
            match fragment {
                Some(f) if other.draft.anchors.contains(&f) => new = format!("{new}#{f}"),
                Some(f) => notes.push(format!("link `{dest}`: `#{f}` is now in the front matter; linked to the retro")),
                None => {}
            }
            out.push((range, new));
        } else if file.is_file() && !file.starts_with(root) {
            notes.push(format!("link `{dest}`: outside the repository; left as written"));
        } else if file.is_file() {
            let mut new = links::between(new_dir, &file);
            if let Some(f) = fragment {
                new = format!("{new}#{f}");
            }
            out.push((range, new));
        } else {
            notes.push(format!("link `{dest}`: no such file; left as written"));
        }
    }
    out
}

/// The retro's text: front matter, then the body.
fn render(d: &Draft, source: &str, replace: &[(Range<usize>, String)], origin: &str) -> String {
    let mut out = String::from("---\n");
    yaml::field(&mut out, 0, "title", &d.title);
    yaml::raw(&mut out, "status", "draft");
    if let Some(s) = &d.severity {
        yaml::field(&mut out, 0, "severity", s);
    }
    for (key, stamp) in CLOCK_KEYS.iter().zip(d.clock) {
        if let Some(stamp) = stamp {
            yaml::raw(&mut out, key, &stamp.yaml());
        }
    }
    list(&mut out, "authors", &d.authors);
    list(&mut out, "attendees", &d.attendees);
    list(&mut out, "services", &d.services);
    let defs = links::definitions(source);
    let text = |pieces: &[Piece]| markdown(pieces, source, replace, &defs);
    if let Some(s) = &d.summary {
        yaml::field(&mut out, 0, "summary", &text(std::slice::from_ref(s)));
    }
    if let Some(s) = &d.impact {
        yaml::field(&mut out, 0, "impact", &text(std::slice::from_ref(s)));
    }
    front_lists(&mut out, d);
    yaml::field(&mut out, 0, "imported_from", origin);
    out.push_str("---\n");
    let body = text(&d.body);
    let body = body.trim();
    if !body.is_empty() {
        out.push('\n');
        out.push_str(body);
        out.push('\n');
    }
    out
}

fn list(out: &mut String, key: &str, values: &[String]) {
    if values.is_empty() {
        return;
    }
    out.push_str(key);
    out.push_str(":\n");
    for v in values {
        out.push_str("  - ");
        out.push_str(&yaml::scalar(v));
        out.push('\n');
    }
}

/// `contributing_factors`, `timeline` and `action_items` (ids `AI-1`…).
fn front_lists(out: &mut String, d: &Draft) {
    if !d.factors.is_empty() {
        out.push_str("contributing_factors:\n");
        for f in &d.factors {
            out.push_str("  - ");
            yaml::raw(out, "id", &f.id);
            if let Some(c) = &f.category {
                out.push_str("    ");
                yaml::field(out, 4, "category", c);
            }
            out.push_str("    ");
            yaml::field(out, 4, "description", &f.description);
        }
    }
    if !d.timeline.is_empty() {
        out.push_str("timeline:\n");
        for e in &d.timeline {
            out.push_str("  - ");
            yaml::raw(out, "at", &e.at.yaml());
            out.push_str("    ");
            yaml::field(out, 4, "event", &e.event);
            if let Some(k) = e.kind {
                out.push_str("    ");
                yaml::raw(out, "kind", k);
            }
            if e.approximate {
                out.push_str("    approximate: true\n");
            }
        }
    }
    if !d.items.is_empty() {
        out.push_str("action_items:\n");
        for (n, item) in d.items.iter().enumerate() {
            out.push_str("  - ");
            yaml::raw(out, "id", &format!("AI-{}", n + 1));
            out.push_str("    ");
            yaml::field(out, 4, "title", &item.title);
            if let Some(o) = &item.owner {
                out.push_str("    ");
                yaml::field(out, 4, "owner", o);
            }
            out.push_str("    ");
            yaml::raw(out, "status", item.status.unwrap_or("open"));
            for (key, value) in [("due", &item.due), ("link", &item.link)] {
                if let Some(v) = value {
                    out.push_str("    ");
                    yaml::field(out, 4, key, v);
                }
            }
            for (key, value) in [("kind", item.kind), ("priority", item.priority)] {
                if let Some(v) = value {
                    out.push_str("    ");
                    yaml::raw(out, key, v);
                }
            }
        }
    }
}

/// The Markdown of `pieces`, links rewritten, followed by the reference
/// definitions it uses that were left out with the rest of their section.
fn markdown(
    pieces: &[Piece],
    source: &str,
    replace: &[(Range<usize>, String)],
    defs: &[(String, Range<usize>)],
) -> String {
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Source(r) => out.push_str(&with_links(source, r.clone(), replace)),
            Piece::Text(t) => out.push_str(t),
        }
    }
    let inside = |span: &Range<usize>| {
        pieces.iter().any(|p| matches!(p, Piece::Source(r) if r.start <= span.start && span.end <= r.end))
    };
    let lower = out.to_lowercase();
    let needed: Vec<&Range<usize>> = (defs.iter())
        .filter(|(label, span)| !inside(span) && lower.contains(&format!("[{}]", label.to_lowercase())))
        .map(|(_, span)| span)
        .collect();
    if !needed.is_empty() {
        out = out.trim_end().to_string() + "\n";
        for span in needed {
            out.push('\n');
            out.push_str(with_links(source, span.clone(), replace).trim());
        }
    }
    out
}

/// `source[range]` with the link destinations in it replaced.
fn with_links(source: &str, range: Range<usize>, replace: &[(Range<usize>, String)]) -> String {
    let mut out = String::new();
    let mut at = range.start;
    for (r, new) in replace.iter().filter(|(r, _)| r.start >= range.start && r.end <= range.end) {
        out.push_str(&source[at..r.start]);
        out.push_str(new);
        at = r.end;
    }
    out.push_str(&source[at..range.end]);
    out
}

/// Write a new file; an existing one is never replaced.
fn write_new(path: &Path, text: &str) -> Result<(), Error> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::new(format!("creating {}: {e}", dir.display())))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Error::new(format!("writing {}: {e}", path.display())))?;
    file.write_all(text.as_bytes()).map_err(|e| Error::new(format!("writing {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    //! What the importer writes is read back by the loader as written:
    //! awkward text in every field, and no finding about the YAML.

    use super::*;
    use crate::model::{Rule, When};
    use proptest::prelude::*;

    fn draft(title: &str, text: &str, owner: &str) -> Draft {
        let mut d = Draft { title: title.to_string(), ..Draft::default() };
        d.summary = Some(Piece::Text(text.to_string()));
        d.authors = vec![owner.to_string()];
        d.factors = vec![actions::Factor { id: "f-1".into(), category: None, description: text.to_string() }];
        d.items =
            vec![actions::Item { title: title.to_string(), owner: Some(owner.to_string()), ..Default::default() }];
        let at = when::Stamp::Date(chrono::NaiveDate::from_ymd_opt(2024, 3, 12).unwrap());
        d.timeline = vec![timeline::Entry { at, event: text.to_string(), kind: None, approximate: true }];
        d
    }

    fn round_trip(title: &str, text: &str, owner: &str, origin: &str) {
        let d = draft(title, text, owner);
        let written = render(&d, "", &[], origin);
        let mut findings = Vec::new();
        let config = Config::default();
        let r = crate::load::parse_retro("retros/x.md".into(), written.clone(), &config, &mut findings);
        let bad: Vec<_> = findings
            .iter()
            .filter(|f| matches!(f.rule, Rule::YamlSyntax | Rule::InvalidValue | Rule::UnknownKey))
            .collect();
        assert!(bad.is_empty(), "{bad:?}\n{written}");
        let one_line = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(r.title.map(|t| t.value), Some(one_line(title)), "{written}");
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let trimmed: Vec<&str> = text.trim_end_matches('\n').lines().map(str::trim_end).collect();
        // A literal block drops trailing spaces (the loader's text, not YAML's, is compared).
        let read = r.summary.map(|s| s.value).unwrap_or_default();
        assert_eq!(read.trim_end_matches('\n').lines().map(str::trim_end).collect::<Vec<_>>(), trimmed);
        assert_eq!(r.authors[0].value, owner.trim());
        assert_eq!(r.imported_from.map(|s| s.value).as_deref(), Some(origin));
        assert_eq!(
            r.timeline[0].at.as_ref().map(|a| a.value),
            Some(When::Date(chrono::NaiveDate::from_ymd_opt(2024, 3, 12).unwrap()))
        );
    }

    #[test]
    fn a_documents_own_front_matter_is_kept() {
        let (front, rest) = own_front_matter("---\ntitle: 'Old: one'\nlayout: post\n---\n## Summary\n\nIt broke.\n");
        assert_eq!(
            (front.as_deref(), rest.as_str()),
            (Some("title: 'Old: one'\nlayout: post"), "## Summary\n\nIt broke.\n")
        );
        let allowed = Allowed { severities: &[], categories: &[] };
        let mut d = convert::convert(&rest, "old-one", &allowed);
        keep_front_matter(&mut d, front.as_deref().unwrap());
        assert_eq!(d.title, "Old: one");
        assert!(
            matches!(d.body.last(), Some(Piece::Text(t)) if t.contains("```yaml\ntitle: 'Old: one'\nlayout: post\n```"))
        );
        assert_eq!(own_front_matter("--- no\n").0, None);
    }

    #[test]
    fn awkward_text_round_trips() {
        round_trip("Postmortem: \"DNS\" #465", "- a list\n---\n  indented: yes\n\n# heading", "@ana", "old/a b: c.md");
        round_trip("yes", "no", "null", "~");
        round_trip("[x] {y} & *z* 'q' | > %", " leading space\nand\ttab \\ back", "o'brien", "C:\\old\\pm.md");
        round_trip("tab\there", "line\u{2028}sep\u{7}bell", "ünïcödé", "2024-03-12");
    }

    proptest! {
        #[test]
        fn any_text_round_trips(title in "[^\r\n\u{85}\u{2028}\u{2029}]{1,40}", text in "\\PC{1,80}", owner in "[a-z@ '\"#:-]{1,12}") {
            prop_assume!(!title.trim().is_empty() && !text.trim().is_empty() && !owner.trim().is_empty());
            round_trip(title.trim(), &text, &owner, "old/pm.md");
        }
    }
}
