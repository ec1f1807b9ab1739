//! Completion from the text around the cursor (the buffer need not parse):
//! front-matter keys with their JSON Schema descriptions, enum values from
//! the schema (this repo's severities and categories included), people,
//! teams, services, tags, retro ids, a link's anchors, the retro's factors.

use super::Doc;
use super::text::{front_matter, open_wiki_link, parents, yaml_line};
use crate::model::{At, Retro};
use lsp_types::{CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, Position, TextEdit};
use serde_json::Value;
use std::collections::BTreeMap;

pub(crate) fn complete(doc: &Doc, at: Position) -> Value {
    let offset = doc.lines.offset(at);
    let line = doc.lines.line_of(offset);
    let line_text = doc.lines.line(line);
    let column = offset - doc.lines.line_start(line);
    let items = match front_matter(&doc.lines) {
        Some(fm) if fm.contains(&line) => front_matter_items(doc, line, &line_text[..column], fm.start),
        _ => body_items(doc, &line_text[..column]),
    };
    // Each item replaces the word being typed (ids hold `-` and `.`,
    // which clients' own word rules would cut).
    let items: Vec<CompletionItem> = items
        .into_iter()
        .map(|(mut item, typed)| {
            let start = doc.lines.line_start(line) + column - typed;
            let edit = TextEdit { range: doc.lines.range(start, offset), new_text: item.label.clone() };
            item.text_edit = Some(CompletionTextEdit::Edit(edit));
            item
        })
        .collect();
    serde_json::to_value(items).unwrap_or_default()
}

/// An item and how many bytes before the cursor it replaces.
type Item = (CompletionItem, usize);

fn item(label: &str, kind: CompletionItemKind, detail: Option<String>) -> CompletionItem {
    CompletionItem { label: label.to_string(), kind: Some(kind), detail, ..Default::default() }
}

fn body_items(doc: &Doc, before: &str) -> Vec<Item> {
    let Some(start) = open_wiki_link(before, before.len()) else { return Vec::new() };
    let typed = &before[start..];
    match typed.split_once('#') {
        Some((id, anchor)) => anchors(doc, id.trim(), anchor.len()),
        None => retro_ids(doc, typed.len()),
    }
}

fn retro_ids(doc: &Doc, typed: usize) -> Vec<Item> {
    let Some(loaded) = &doc.ws.loaded else { return Vec::new() };
    (loaded.repo.retros.iter())
        .filter(|r| r.path != doc.rel)
        .map(|r| (item(&r.id.value, CompletionItemKind::REFERENCE, Some(r.title_text().to_string())), typed))
        .collect()
}

/// After `[[id#`: the retro's headings, its items and the page's sections.
fn anchors(doc: &Doc, id: &str, typed: usize) -> Vec<Item> {
    let Some(loaded) = &doc.ws.loaded else { return Vec::new() };
    let retro = match id {
        "" => doc.ws.retro(doc.rel).map(|(_, r)| r),
        id => loaded.graph.index_of(id).map(|i| &loaded.repo.retros[i]),
    };
    let Some(retro) = retro else { return Vec::new() };
    let headings = (retro.body.headings.iter())
        .map(|h| item(&h.anchor, CompletionItemKind::REFERENCE, Some(format!("heading: {}", h.text))));
    let items = (retro.actions().iter())
        .map(|a| item(&a.id.value, CompletionItemKind::REFERENCE, Some(format!("action item: {}", a.title.value))));
    let sections =
        crate::link::PAGE_SECTIONS.iter().map(|s| item(s, CompletionItemKind::REFERENCE, Some("page section".into())));
    headings.chain(items).chain(sections).map(|i| (i, typed)).collect()
}

fn front_matter_items(doc: &Doc, line: usize, before: &str, top: usize) -> Vec<Item> {
    let Some(loaded) = &doc.ws.loaded else { return Vec::new() };
    let schema = crate::schema::front_matter_schema(&loaded.repo.config);
    let y = yaml_line(before);
    let path = parents(&doc.lines, line, y.dash.unwrap_or(y.column), top);
    let mut mapping = &schema;
    for key in &path {
        let Some(next) = mapping.get("properties").and_then(|p| p.get(key)).and_then(|n| object_of(&schema, n)) else {
            // A list of scalars (`related:` then `- `): its values.
            if key == path.last().unwrap() && y.key.is_none() {
                return values(doc, &schema, mapping, key, token(y.value));
            }
            return Vec::new();
        };
        mapping = next;
    }
    match y.key {
        Some(key) => values(doc, &schema, mapping, key, token(y.value)),
        None if y.value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => keys(&schema, mapping, y.value.len()),
        None => Vec::new(),
    }
}

/// The value being typed after a key: after the last `[`, `,` or space.
fn token(value: &str) -> usize {
    let start = value.rfind(['[', ',', ' ', '"', '\'']).map_or(0, |i| i + 1);
    value.len() - start
}

fn keys(schema: &Value, mapping: &Value, typed: usize) -> Vec<Item> {
    let Some(properties) = mapping.get("properties").and_then(Value::as_object) else { return Vec::new() };
    let required: Vec<&str> =
        mapping.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    (properties.iter())
        .map(|(key, node)| {
            let mut i =
                item(key, CompletionItemKind::PROPERTY, required.contains(&key.as_str()).then(|| "required".into()));
            i.documentation = description(schema, node).map(|d| Documentation::String(d.to_string()));
            i.insert_text = Some(format!("{key}: "));
            (i, typed)
        })
        .collect()
}

fn values(doc: &Doc, schema: &Value, mapping: &Value, key: &str, typed: usize) -> Vec<Item> {
    let node = mapping.get("properties").and_then(|p| p.get(key));
    let mut enums = Vec::new();
    if let Some(node) = node {
        enum_values(schema, node, &mut enums, 0);
    }
    if !enums.is_empty() {
        let kind = CompletionItemKind::ENUM_MEMBER;
        return enums.iter().map(|v| (item(v, kind, None), typed)).collect();
    }
    let Some(loaded) = &doc.ws.loaded else { return Vec::new() };
    let repo = &loaded.repo;
    let with = |names: Vec<CompletionItem>| names.into_iter().map(|i| (i, typed)).collect();
    match key {
        "owner" | "authors" | "attendees" | "facilitator" | "reviewers" => with(people(repo, key == "owner")),
        "teams" => with(teams(repo)),
        "services" | "tags" => {
            let used = in_use(repo, |r| names(if key == "tags" { &r.tags } else { &r.services }));
            with(used.iter().map(|(n, c)| item(n, CompletionItemKind::VALUE, Some(format!("used {c}×")))).collect())
        }
        "related" | "recurrence_of" => retro_ids(doc, typed),
        "factors" => with(
            factor_ids(doc).into_iter().map(|(id, about)| item(&id, CompletionItemKind::REFERENCE, about)).collect(),
        ),
        _ => Vec::new(),
    }
}

/// How often each name `pick` gives is used across the repo.
fn in_use(repo: &crate::load::Repo, pick: impl Fn(&Retro) -> Vec<String>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for retro in &repo.retros {
        for name in pick(retro) {
            *counts.entry(name).or_insert(0) += 1;
        }
    }
    counts
}

fn names(values: &[At<String>]) -> Vec<String> {
    values.iter().map(|a| a.value.clone()).collect()
}

/// The roster (and for an owner, the teams), then the names in use.
fn people(repo: &crate::load::Repo, owner: bool) -> Vec<CompletionItem> {
    let config = &repo.config;
    let mut out: Vec<CompletionItem> =
        config.people.iter().map(|(handle, p)| item(handle, CompletionItemKind::VALUE, p.name.clone())).collect();
    if owner {
        out.extend(config.teams.iter().map(|(slug, t)| item(slug, CompletionItemKind::FOLDER, t.name.clone())));
    }
    let used = in_use(repo, |r| {
        let owners = r.actions().iter().filter_map(|a| a.owner.as_ref()).map(|o| o.value.clone());
        names(&r.authors).into_iter().chain(names(&r.attendees)).chain(owners).collect()
    });
    let extra: Vec<CompletionItem> = (used.keys())
        .filter(|n| !out.iter().any(|i| &i.label == *n))
        .map(|n| item(n, CompletionItemKind::VALUE, Some("in use, not in the roster".into())))
        .collect();
    out.extend(extra);
    out
}

fn teams(repo: &crate::load::Repo) -> Vec<CompletionItem> {
    let teams = &repo.config.teams;
    let mut out: Vec<CompletionItem> =
        teams.iter().map(|(slug, t)| item(slug, CompletionItemKind::FOLDER, t.name.clone())).collect();
    let used = in_use(repo, |r| names(&r.teams));
    let extra = used.keys().filter(|n| !teams.contains_key(*n));
    out.extend(extra.map(|n| item(n, CompletionItemKind::FOLDER, Some("in use".into()))));
    out
}

/// The retro's own factor ids, read from the text (the buffer may not
/// parse): the `id:` entries under `contributing_factors:`.
fn factor_ids(doc: &Doc) -> Vec<(String, Option<String>)> {
    let Some(fm) = front_matter(&doc.lines) else { return Vec::new() };
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    let mut inside = false;
    for l in fm {
        let y = yaml_line(doc.lines.line(l));
        if y.column == 0 && y.key.is_some() {
            inside = y.key == Some("contributing_factors");
            continue;
        }
        match y.key {
            Some("id") if inside && y.dash.is_some() => out.push((y.value.trim().to_string(), None)),
            Some("description") if inside => {
                if let Some(last) = out.last_mut() {
                    last.1 = Some(y.value.trim().to_string());
                }
            }
            _ => {}
        }
    }
    out
}

/// A schema node with `$ref` followed.
fn deref<'s>(schema: &'s Value, node: &'s Value) -> &'s Value {
    let name = node.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/"));
    name.and_then(|n| schema.get("$defs")?.get(n)).unwrap_or(node)
}

/// The mapping a key's value is (or a list of which it holds).
fn object_of<'s>(schema: &'s Value, node: &'s Value) -> Option<&'s Value> {
    let node = deref(schema, node);
    if node.get("properties").is_some() {
        return Some(node);
    }
    if let Some(items) = node.get("items") {
        return object_of(schema, items);
    }
    let variants = node.get("anyOf").or_else(|| node.get("oneOf"))?.as_array()?;
    variants.iter().find_map(|v| object_of(schema, v))
}

fn enum_values(schema: &Value, node: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 8 {
        return;
    }
    let node = deref(schema, node);
    if let Some(values) = node.get("enum").and_then(Value::as_array) {
        out.extend(values.iter().filter_map(Value::as_str).map(String::from));
    }
    if let Some(items) = node.get("items") {
        enum_values(schema, items, out, depth + 1);
    }
    for variants in [node.get("anyOf"), node.get("oneOf")].into_iter().flatten() {
        for v in variants.as_array().into_iter().flatten() {
            enum_values(schema, v, out, depth + 1);
        }
    }
}

fn description<'s>(schema: &'s Value, node: &'s Value) -> Option<&'s str> {
    node.get("description").or_else(|| deref(schema, node).get("description")).and_then(Value::as_str)
}
