//! The action list: open and in-progress items, overdue first, a page at a
//! time; done and won't-do items on archive pages per year; and the data
//! the list's filters read, split into small `<script>` files (so they
//! load from `file://` too) that the browser fetches only when a filter
//! asks for them.

use crate::error::Error;
use crate::model::{ActionKind, Priority};
use crate::render::Site;
use crate::render::indexes::ItemRef;
use crate::render::paging::{self, Pager};
use crate::render::plan::{Page, Stream, Taxonomy};
use crate::render::views::ActionRow;
use serde::Serialize;
use serde_json::json;

/// Items per file of filter data: a few tens of KB, quick to load.
pub const CHUNK: usize = 400;

pub fn chunk_count(items: usize) -> u32 {
    paging::page_count(items, CHUNK)
}

#[derive(Serialize)]
struct Choice {
    value: String,
    label: String,
}

#[derive(Serialize)]
struct Archive {
    year: String,
    count: usize,
    url: String,
}

/// The years of the archive, newest first, with links from `page`.
fn archives(site: &Site, page: &Page) -> Vec<Archive> {
    let from = site.path(page);
    (site.indexes().closed.iter().rev())
        .map(|(year, items)| Archive {
            year: if *year == 0 { "undated".into() } else { year.to_string() },
            count: items.len(),
            url: paging::relative(&from, &site.path(&Page::ActionArchive(*year, 1))),
        })
        .collect()
}

/// One filter of the action list: a select over `options`, the first
/// (empty) value meaning "any".
#[derive(Serialize)]
struct Filter {
    name: &'static str,
    label: &'static str,
    options: Vec<Choice>,
}

/// The filters and the values each offers.
fn filters(site: &Site) -> Vec<Filter> {
    let ix = site.indexes();
    let plain = |words: &[&str]| -> Vec<Choice> {
        words.iter().map(|w| Choice { value: w.to_string(), label: w.to_string() }).collect()
    };
    let named = |v: &str| Choice { value: v.to_string(), label: site.person_name(v) };
    let status = [
        ("", "Open or in progress"),
        ("overdue", "Overdue"),
        ("open", "Open"),
        ("in-progress", "In progress"),
        ("done", "Done"),
        ("wont-do", "Won't do"),
        ("any", "Any status"),
    ];
    let status = status.iter().map(|(v, l)| Choice { value: v.to_string(), label: l.to_string() }).collect();
    let any = |label: &str, mut options: Vec<Choice>| {
        options.insert(0, Choice { value: String::new(), label: label.into() });
        options
    };
    let services: Vec<&str> =
        ix.terms.get(&Taxonomy::Services).into_iter().flat_map(|m| m.keys()).map(String::as_str).collect();
    let severities: Vec<&str> = site.config.retro.severities.iter().map(String::as_str).collect();
    let owners = ix.owners.keys().filter(|o| !o.is_none()).map(|o| named(o.as_str())).collect();
    let mut filters = vec![
        Filter { name: "status", label: "Status", options: status },
        Filter { name: "owner", label: "Owner", options: any("Anyone", owners) },
        Filter { name: "team", label: "Team", options: any("Any", ix.teams.keys().map(|t| named(&t.name)).collect()) },
        Filter { name: "service", label: "Service", options: any("Any", plain(&services)) },
        Filter { name: "severity", label: "Severity", options: any("Any", plain(&severities)) },
        Filter { name: "priority", label: "Priority", options: any("Any", plain(Priority::WORDS)) },
        Filter { name: "kind", label: "Kind", options: any("Any", plain(ActionKind::WORDS)) },
    ];
    if site.tracker().is_some() {
        let disagree = Choice { value: "disagree".into(), label: "Disagrees with tracker".into() };
        filters.push(Filter { name: "tracker", label: "Tracker", options: any("Any", vec![disagree]) });
    }
    filters
}

fn list_context(site: &Site, page: &Page, items: &[ItemRef], number: u32, url: impl Fn(u32) -> Page) -> tera::Context {
    let size = site.page_size();
    let from = site.path(page);
    let pager = Pager::new(items.len(), size, number, |n| paging::relative(&from, &site.path(&url(n))));
    let mut ctx = tera::Context::new();
    let rows: Vec<ActionRow> = site.action_rows(site.root_of(page), paging::slice(items, size, number));
    ctx.insert("actions", &rows);
    ctx.insert("pager", &pager);
    ctx.insert("stats", &site.stats());
    ctx.insert("archives", &archives(site, page));
    ctx.insert("open_url", &paging::relative(&from, "actions.html"));
    ctx
}

pub fn render_pending(site: &Site, page: &Page, number: u32) -> Result<Vec<u8>, Error> {
    let mut ctx = list_context(site, page, &site.indexes().pending, number, Page::Actions);
    if number == 1 {
        super::accountability::insert_summary(site, &mut ctx, super::home::SHORT_LIST);
    }
    ctx.insert("filters", &filters(site));
    ctx.insert("archive_year", "");
    let title = if number > 1 { format!("Action items, page {number}") } else { "Action items".into() };
    site.html(page, "actions.html", &title, ctx)
}

pub fn render_archive(site: &Site, page: &Page, year: i32, number: u32) -> Result<Vec<u8>, Error> {
    let items = site.indexes().closed.get(&year).map(Vec::as_slice).unwrap_or_default();
    let mut ctx = list_context(site, page, items, number, |n| Page::ActionArchive(year, n));
    let label = if year == 0 { "undated".to_string() } else { year.to_string() };
    ctx.insert("archive_year", &label);
    site.html(page, "actions.html", &format!("Closed action items, {label}"), ctx)
}

/// One file of a stream of filter data: a call with the rows, each a
/// compact array the client reads by position (see `retrobook.js`).
pub fn data(site: &Site, stream: &Stream, number: u32) -> Vec<u8> {
    let items = paging::slice(site.stream_items(stream), CHUNK, number);
    // Written straight from each row, not through `serde_json::Value`:
    // every item is in two or three streams, so this is a large site's
    // biggest JSON.
    let mut out = format!("retrobookActions({},{number},[", json!(stream.key())).into_bytes();
    for (n, &(i, j)) in items.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        serde_json::to_writer(&mut out, &StreamRow(&site.action_row("", i, j))).expect("a row serializes");
    }
    out.extend_from_slice(b"]);\n");
    out
}

/// An item as a stream's compact array, read by position in `retrobook.js`.
struct StreamRow<'a>(&'a ActionRow<'a>);

impl serde::Serialize for StreamRow<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let r = self.0;
        let mut seq = serializer.serialize_seq(None)?;
        seq.serialize_element(&r.id)?;
        seq.serialize_element(&r.title_html)?;
        seq.serialize_element(&r.retro_id)?;
        seq.serialize_element(&r.retro_title)?;
        seq.serialize_element(&r.severity)?;
        seq.serialize_element(&r.owner)?;
        seq.serialize_element(&r.status)?;
        seq.serialize_element(&r.due)?;
        seq.serialize_element(&r.days_overdue)?;
        seq.serialize_element(&r.priority)?;
        seq.serialize_element(&r.kind)?;
        seq.serialize_element(&r.services)?;
        seq.serialize_element(&r.link)?;
        // Only items with a link carry its text, and only sites with
        // tracker exports the ticket: [status, since, disagrees, missing].
        if !r.link_text.is_empty() {
            seq.serialize_element(&r.link_text)?;
            if let Some(t) = &r.ticket {
                seq.serialize_element(&(&t.status, &t.since, t.disagrees, t.missing))?;
            }
        }
        seq.end()
    }
}

/// How many items of a stream have each severity, priority, kind and
/// service, and disagree with their ticket: a filter on a value no item has is answered without reading
/// the stream.
fn facets(site: &Site, items: &[ItemRef]) -> serde_json::Value {
    use std::collections::BTreeMap;
    let mut counts: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for &(i, j) in items {
        let (r, a) = (&site.retros[i], &site.retros[i].actions()[j]);
        let mut add = |facet, value| *counts.entry(facet).or_default().entry(value).or_default() += 1;
        add("severity", r.severity.as_ref().map(|s| s.value.as_str()).unwrap_or(""));
        add("priority", a.priority.map(|p| p.as_str()).unwrap_or(""));
        add("kind", a.kind.map(|k| k.as_str()).unwrap_or(""));
        r.services.iter().for_each(|s| add("service", &s.value));
        if site.disagrees((i, j)) {
            add("tracker", "disagree");
        }
    }
    json!(counts)
}

/// What the filters need before any data: the streams, their sizes, and
/// the names of owners and teams.
pub fn manifest(site: &Site) -> Vec<u8> {
    let ix = site.indexes();
    let stream = |s: &Stream, len: usize| json!({"key": s.key(), "chunks": chunk_count(len), "count": len});
    let closed: usize = ix.closed.values().map(Vec::len).sum();
    let owners: serde_json::Map<String, serde_json::Value> = (ix.owners.keys())
        .map(|o| {
            let s = Stream::Owner(o.clone());
            let mut v = stream(&s, site.stream_items(&s).len());
            v["name"] = json!(site.person_name(o.as_str()));
            v["url"] = json!(o.url(1));
            v["teams"] = json!(site.teams_of(o).into_iter().map(|t| t.name).collect::<Vec<_>>());
            (o.as_str().to_string(), v)
        })
        .collect();
    let teams: serde_json::Map<String, serde_json::Value> = (ix.teams.iter())
        .map(|(t, items)| {
            let mut v = stream(&Stream::Team(t.clone()), items.len());
            v["name"] = json!(site.person_name(&t.name));
            (t.name.clone(), v)
        })
        .collect();
    let mut pending = stream(&Stream::Pending, ix.pending.len());
    pending["facets"] = facets(site, &ix.pending);
    let mut closed = stream(&Stream::Closed, closed);
    closed["facets"] = facets(site, site.stream_items(&Stream::Closed));
    let manifest = json!({
        "chunk": CHUNK,
        "today": site.today.to_string(),
        "pending": pending,
        "closed": closed,
        "owners": owners,
        "teams": teams,
    });
    format!("window.retrobookActionsManifest = {manifest};\n").into_bytes()
}
