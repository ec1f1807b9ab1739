//! Hover, go to definition, references (backlinks) and document symbols,
//! from the model of the buffer (the loader's positions) and the link graph.

use super::Doc;
use super::text::{wiki_link_at, word_at};
use crate::link::Target as LinkTarget;
use crate::model::{At, LinkKind, Retro};
use lsp_types::{DocumentSymbol, Hover, HoverContents, Location, MarkupContent, MarkupKind, Position, SymbolKind};
use serde_json::Value;

/// What the cursor is on.
enum Target {
    Retro {
        index: usize,
        anchor: Option<String>,
    },
    File(String),
    /// A factor of this retro, at this byte offset.
    Factor {
        offset: usize,
        description: String,
    },
    Person(String),
}

fn within<T>(at: &At<T>, len: usize, offset: usize) -> bool {
    at.pos.offset <= offset && offset <= at.pos.offset + len
}

fn target_at(doc: &Doc, offset: usize) -> Option<Target> {
    let loaded = doc.ws.loaded.as_ref()?;
    let (graph, retros) = (&loaded.graph, &loaded.repo.retros);
    let (index, retro) = doc.ws.retro(doc.rel)?;
    for id in retro.related.iter().chain(&retro.recurrence_of) {
        if within(id, id.value.len(), offset) {
            return graph.index_of(&id.value).map(|index| Target::Retro { index, anchor: None });
        }
    }
    for link in &retro.body.links {
        let end = link.pos.offset + link.dest.len() + 4;
        if link.kind == LinkKind::RawHtml || offset < link.pos.offset || offset > end {
            continue;
        }
        let exists = crate::link::on_disk(&doc.ws.root);
        return match graph.resolve(retros, index, link.kind, &link.dest, &exists).ok()? {
            LinkTarget::Retro { index, anchor } => Some(Target::Retro { index, anchor }),
            LinkTarget::File { path, .. } => Some(Target::File(path)),
            LinkTarget::External => None,
        };
    }
    for item in retro.actions() {
        for f in &item.factors {
            if within(f, f.value.len(), offset) {
                let factor = retro.factors.iter().find(|x| x.id.value == f.value)?;
                let description = factor.description.value.clone();
                return Some(Target::Factor { offset: factor.id.pos.offset, description });
            }
        }
        if let Some(owner) = item.owner.as_ref().filter(|o| within(o, o.value.len(), offset)) {
            return Some(Target::Person(owner.value.clone()));
        }
    }
    let people = retro.authors.iter().chain(&retro.attendees).chain(&retro.reviewers).chain(&retro.facilitator);
    if let Some(p) = people.into_iter().find(|p| within(p, p.value.len(), offset)) {
        return Some(Target::Person(p.value.clone()));
    }
    // The text itself, where the model has nothing (a buffer that does
    // not parse): a `[[link]]` or a known retro id under the cursor.
    let line = doc.lines.line_of(offset);
    let (text, column) = (doc.lines.line(line), offset - doc.lines.line_start(line));
    let id = match wiki_link_at(text, column) {
        Some((_, inner)) => inner.split('#').next().unwrap_or("").trim(),
        None => word_at(text, column).1,
    };
    graph.index_of(id).map(|index| Target::Retro { index, anchor: None })
}

pub(crate) fn hover(doc: &Doc, at: Position) -> Value {
    let offset = doc.lines.offset(at);
    let mut parts: Vec<String> = Vec::new();
    if let (Some(target), Some(loaded)) = (target_at(doc, offset), &doc.ws.loaded) {
        let repo = &loaded.repo;
        match target {
            Target::Retro { index, .. } => parts.push(describe_retro(&repo.retros[index], doc.ws.today)),
            Target::Person(name) => parts.push(describe_person(repo, &name, doc.ws.today)),
            Target::Factor { description, .. } => parts.push(format!("**factor**: {description}")),
            Target::File(path) => parts.push(format!("`{path}`")),
        }
    }
    // The findings here, with their hints.
    let files = std::collections::BTreeSet::from([doc.rel.to_string()]);
    for f in doc.ws.findings(&files).remove(doc.rel).unwrap_or_default() {
        let range = doc.lines.range_at(f.pos, f.len);
        let (start, end) = (doc.lines.offset(range.start), doc.lines.offset(range.end));
        if start <= offset && offset <= end {
            let hint = f.hint.as_deref().map(|h| format!("\n\nhint: {h}")).unwrap_or_default();
            parts.push(format!("**{}** ({}): {}{hint}", f.rule.id(), f.level.as_str(), f.message));
        }
    }
    if parts.is_empty() {
        return Value::Null;
    }
    let contents = MarkupContent { kind: MarkupKind::Markdown, value: parts.join("\n\n---\n\n") };
    serde_json::to_value(Hover { contents: HoverContents::Markup(contents), range: None }).unwrap_or_default()
}

fn describe_retro(retro: &Retro, today: chrono::NaiveDate) -> String {
    let mut out = format!("**{}** (`{}`)\n\n", retro.title_text(), retro.id.value);
    let severity = retro.severity.as_ref().map_or("no severity", |s| s.value.as_str());
    let date = retro.started_at.as_ref().map(|s| s.value.when.date().to_string()).unwrap_or_default();
    let status = retro.status.as_ref().map_or("", |s| s.value.as_str());
    out.push_str(&format!("{severity} · {date} · {status}"));
    let open: Vec<_> =
        retro.actions().iter().filter(|a| a.status.as_ref().is_some_and(|s| s.value.is_pending())).collect();
    out.push_str(&format!("\n\nopen items: {}", open.len()));
    for a in open {
        let owner = a.owner_name().unwrap_or("no owner");
        let overdue = if a.is_overdue(today) { " **overdue**" } else { "" };
        out.push_str(&format!("\n- `{}` {} ({owner}){overdue}", a.id.value, a.title.value));
    }
    out
}

fn describe_person(repo: &crate::load::Repo, name: &str, today: chrono::NaiveDate) -> String {
    let items = repo.retros.iter().flat_map(|r| r.actions()).filter(|a| a.owner_name() == Some(name));
    let open: Vec<_> = items.filter(|a| a.status.as_ref().is_some_and(|s| s.value.is_pending())).collect();
    let overdue = open.iter().filter(|a| a.is_overdue(today)).count();
    let known = repo.config.people.get(name).map(|p| p.name.clone().unwrap_or_default());
    let team = repo.config.teams.get(name).map(|t| t.name.clone().unwrap_or_default());
    let who = match (known, team) {
        (Some(n), _) => format!("**{name}** {n}"),
        (None, Some(t)) => format!("**{name}** (team) {t}"),
        (None, None) => format!("**{name}** (not in the roster)"),
    };
    format!("{who}\n\nopen items: {}, overdue: {overdue}", open.len())
}

pub(crate) fn definition(doc: &Doc, at: Position) -> Value {
    let offset = doc.lines.offset(at);
    let location = match target_at(doc, offset) {
        Some(Target::Retro { index, anchor }) => retro_location(doc, index, anchor.as_deref()),
        Some(Target::Factor { offset, .. }) => doc.location(doc.rel, offset),
        Some(Target::File(path)) => {
            super::uri_of(&doc.ws.root.join(&path)).map(|uri| Location { uri, range: lsp_types::Range::default() })
        }
        Some(Target::Person(_)) | None => None,
    };
    serde_json::to_value(location).unwrap_or_default()
}

/// A retro's file, at the heading or item an anchor names.
fn retro_location(doc: &Doc, index: usize, anchor: Option<&str>) -> Option<Location> {
    let retro = &doc.ws.loaded.as_ref()?.repo.retros[index];
    let offset = anchor
        .and_then(|a| {
            let heading = retro.body.headings.iter().find(|h| h.anchor == a).map(|h| h.pos.offset);
            heading.or_else(|| retro.actions().iter().find(|i| i.id.value == a).map(|i| i.id.pos.offset))
        })
        .unwrap_or(0);
    doc.location(&retro.path, offset)
}

/// The places that link to the retro under the cursor (or this retro).
pub(crate) fn references(doc: &Doc, at: Position) -> Value {
    let offset = doc.lines.offset(at);
    let Some(loaded) = &doc.ws.loaded else { return Value::Null };
    let index = match target_at(doc, offset) {
        Some(Target::Retro { index, .. }) => Some(index),
        _ => doc.ws.retro(doc.rel).map(|(i, _)| i),
    };
    let Some(index) = index else { return Value::Null };
    let (retros, graph) = (&loaded.repo.retros, &loaded.graph);
    let id = &retros[index].id.value;
    let exists = crate::link::on_disk(&doc.ws.root);
    let mut out = Vec::new();
    for &from in &graph.backlinks[index] {
        let retro = &retros[from];
        let keys = retro.related.iter().chain(&retro.recurrence_of).filter(|r| &r.value == id);
        let mut offsets: Vec<usize> = keys.map(|r| r.pos.offset).collect();
        for link in retro.body.links.iter().filter(|l| l.kind != LinkKind::RawHtml) {
            if let Ok(LinkTarget::Retro { index: to, .. }) = graph.resolve(retros, from, link.kind, &link.dest, &exists)
                && to == index
            {
                offsets.push(link.pos.offset);
            }
        }
        out.extend(offsets.into_iter().filter_map(|o| doc.location(&retro.path, o)));
    }
    serde_json::to_value(out).unwrap_or_default()
}

/// The outline: factors, action items, the timeline and the headings.
pub(crate) fn symbols(doc: &Doc) -> Value {
    let Some((_, retro)) = doc.ws.retro(doc.rel) else { return Value::Null };
    let mut out = Vec::new();
    for f in &retro.factors {
        out.push(symbol(doc, &f.id.value, Some(f.description.value.clone()), SymbolKind::ENUM_MEMBER, f.id.pos.offset));
    }
    for a in retro.actions() {
        out.push(symbol(doc, &a.id.value, Some(a.title.value.clone()), SymbolKind::EVENT, a.id.pos.offset));
    }
    for t in &retro.timeline {
        let when = t.at.as_ref().map(|a| a.value.sort_key().to_string()).unwrap_or_default();
        out.push(symbol(doc, &t.event.value, Some(when), SymbolKind::KEY, t.pos.offset));
    }
    for h in &retro.body.headings {
        out.push(symbol(doc, &h.text, None, SymbolKind::STRING, h.pos.offset));
    }
    out.retain(|s| !s.name.trim().is_empty());
    serde_json::to_value(out).unwrap_or_default()
}

#[allow(deprecated)] // `deprecated` is a required field of the struct
fn symbol(doc: &Doc, name: &str, detail: Option<String>, kind: SymbolKind, offset: usize) -> DocumentSymbol {
    let line = doc.lines.line_of(offset);
    let end = doc.lines.line_start(line) + doc.lines.line(line).len();
    let range = doc.lines.range(doc.lines.line_start(line), end);
    let selection_range = doc.lines.range(offset.min(end), end);
    DocumentSymbol {
        name: name.to_string(),
        detail,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range,
        children: None,
    }
}
