//! The machine-readable outputs: Atom feed, sitemap, JSON API and CSV.
//! Written by hand with explicit escaping: they are small, and a template
//! engine would only hide the escaping rules of each format.

use super::Site;
use super::urls::retro_url;
use super::views::ActionRow;
use serde_json::json;
use std::borrow::Borrow;
use std::io::{self, Write};

/// `text` escaped for XML text and attribute values.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_xml(&mut out, text);
    out
}

/// `text` escaped for XML onto `out`, each run of plain text pushed at
/// once (the retro pages' drawings escape a few labels each).
pub fn push_xml(out: &mut String, text: &str) {
    let mut plain = 0;
    for (i, b) in text.bytes().enumerate() {
        let escaped = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&apos;",
            // Characters XML 1.0 does not allow at all.
            b if b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') => "",
            _ => continue,
        };
        // Every byte matched is ASCII, so `i` is on a character boundary.
        out.push_str(&text[plain..i]);
        out.push_str(escaped);
        plain = i + 1;
    }
    out.push_str(&text[plain..]);
}

/// The newest 50 retros. `updated` comes from the retros themselves, never
/// from the clock, so the same input builds the same bytes.
pub fn atom(site: &Site) -> String {
    let base = &site.base_url;
    let date_of =
        |i: usize| site.retros[i].started_at.as_ref().map(|s| s.value.date().format("%Y-%m-%dT00:00:00Z").to_string());
    let newest: Vec<usize> = site.indexes().order.iter().take(50).copied().collect();
    let updated = newest.first().and_then(|&i| date_of(i)).unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let mut out =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    out.push_str(&format!("  <title>{}</title>\n", xml(&site.config.book.title)));
    out.push_str(&format!("  <id>{}</id>\n", xml(base)));
    out.push_str(&format!("  <link href=\"{}\"/>\n  <link rel=\"self\" href=\"{}atom.xml\"/>\n", xml(base), xml(base)));
    out.push_str(&format!("  <updated>{updated}</updated>\n"));
    for i in newest {
        let r = &site.retros[i];
        let url = format!("{base}{}", retro_url(&r.id.value));
        out.push_str("  <entry>\n");
        out.push_str(&format!(
            "    <title>{}</title>\n",
            xml(&format!("[{}] {}", r.severity.as_ref().map(|s| s.value.as_str()).unwrap_or("?"), r.title_text()))
        ));
        out.push_str(&format!("    <id>{}</id>\n    <link href=\"{}\"/>\n", xml(&url), xml(&url)));
        out.push_str(&format!("    <updated>{}</updated>\n", date_of(i).unwrap_or_else(|| updated.clone())));
        for a in &r.authors {
            out.push_str(&format!("    <author><name>{}</name></author>\n", xml(&a.value)));
        }
        if let Some(summary) = &r.summary {
            out.push_str(&format!("    <summary>{}</summary>\n", xml(summary.value.trim())));
        }
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// The most URLs one sitemap file may list (sitemaps.org); a site with more
/// gets a sitemap index at `sitemap.xml` and the lists in `sitemaps/N.xml`.
pub const SITEMAP_URLS: usize = 50_000;

/// The full URLs of the site's HTML pages, in plan order.
fn page_urls(site: &Site) -> Vec<String> {
    let paths = site.pages().iter().map(|p| site.path(p));
    paths.filter(|p| p.ends_with(".html") && p != "404.html").map(|p| format!("{}{p}", site.base_url)).collect()
}

/// How many lists the sitemap has: 1 means `sitemap.xml` is the list.
pub fn sitemap_count(html_pages: usize) -> u32 {
    super::paging::page_count(html_pages, SITEMAP_URLS)
}

/// `sitemap.xml` (`number` 0) or the list `sitemaps/<number>.xml`.
pub fn sitemap(site: &Site, number: u32) -> String {
    sitemap_file(&page_urls(site), &site.base_url, number, SITEMAP_URLS)
}

fn sitemap_file(urls: &[String], base_url: &str, number: u32, limit: usize) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let lists = super::paging::page_count(urls.len(), limit);
    if number == 0 && lists > 1 {
        out.push_str("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        for n in 1..=lists {
            out.push_str(&format!("  <sitemap><loc>{}</loc></sitemap>\n", xml(&format!("{base_url}sitemaps/{n}.xml"))));
        }
        out.push_str("</sitemapindex>\n");
        return out;
    }
    out.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for url in super::paging::slice(urls, limit, number.max(1)) {
        out.push_str(&format!("  <url><loc>{}</loc></url>\n", xml(url)));
    }
    out.push_str("</urlset>\n");
    out
}

/// `api/retros.json`, written to `out` retro by retro: on a big repo it is
/// the site's largest file, tens of MB.
pub fn api_retros(site: &Site, out: &mut dyn Write) -> io::Result<()> {
    let mut list = JsonList::new(out, "retros")?;
    for &i in &site.indexes().order {
        list.push(&ApiRetro::of(&site.retros[i]))?;
    }
    list.finish()
}

/// A retro in `api/retros.json`. Serialized straight from the retro (a
/// big repo's largest file); the fields in alphabetical order, as the
/// JSON objects of the other outputs are.
#[derive(serde::Serialize)]
struct ApiRetro<'a> {
    action_items: Vec<&'a str>,
    approximate: Vec<&'static str>,
    authors: Vec<&'a str>,
    contributing_factors: Vec<ApiFactor<'a>>,
    detected_at: Option<String>,
    detected_before_impact: bool,
    detection: Option<ApiDetection<'a>>,
    id: &'a str,
    impact: Option<&'a str>,
    imported_from: Option<&'a str>,
    mitigated_at: Option<String>,
    near_miss: bool,
    recurrence_of: Option<&'a str>,
    related: Vec<&'a str>,
    resolved_at: Option<String>,
    service_impact: Vec<ApiImpactWindow<'a>>,
    response: Vec<ApiResponseNote<'a>>,
    roles: ApiRoles<'a>,
    services: Vec<&'a str>,
    severity: Option<&'a str>,
    source: &'a str,
    started_at: Option<String>,
    status: Option<&'static str>,
    summary: Option<&'a str>,
    tags: Vec<&'a str>,
    teams: Vec<&'a str>,
    timeline: Vec<ApiTimelineEntry<'a>>,
    title: &'a str,
    url: String,
    vendors: Vec<&'a str>,
}

#[derive(serde::Serialize)]
struct ApiImpactWindow<'a> {
    approximate: bool,
    from: String,
    level: &'static str,
    service: &'a str,
    to: String,
}

#[derive(serde::Serialize)]
struct ApiFactor<'a> {
    actionable: bool,
    category: Option<&'a str>,
    description: &'a str,
    id: &'a str,
}

#[derive(serde::Serialize)]
struct ApiDetection<'a> {
    by: Option<&'a str>,
    source: Option<&'a str>,
}

#[derive(serde::Serialize)]
struct ApiResponseNote<'a> {
    category: Option<&'a str>,
    description: &'a str,
    id: &'a str,
    went: Option<&'static str>,
}

/// `roles` as `{role: [people]}`, in the order the retro writes them.
struct ApiRoles<'a>(&'a [crate::model::RoleHolders]);

impl<'a> serde::Serialize for ApiRoles<'a> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let people = |r: &'a crate::model::RoleHolders| r.people.iter().map(|p| p.value.as_str()).collect::<Vec<_>>();
        s.collect_map(self.0.iter().map(|r| (r.role.value.as_str(), people(r))))
    }
}

#[derive(serde::Serialize)]
struct ApiTimelineEntry<'a> {
    approximate: bool,
    at: Option<String>,
    event: &'a str,
    kind: Option<&'static str>,
    until: Option<String>,
}

impl<'a> ApiRetro<'a> {
    fn of(r: &'a crate::model::Retro) -> ApiRetro<'a> {
        use crate::model::{At, Clock};
        let s = |v: &'a [At<String>]| v.iter().map(|x| x.value.as_str()).collect::<Vec<_>>();
        let text = |v: &'a Option<At<String>>| v.as_ref().map(|x| x.value.as_str());
        let clock = |c: &Option<At<Clock>>| c.as_ref().map(|x| x.value.when.to_string());
        ApiRetro {
            action_items: r.actions().iter().map(|a| a.id.value.as_str()).collect(),
            approximate: approximate_clock(r),
            authors: s(&r.authors),
            contributing_factors: (r.factors.iter())
                .map(|f| ApiFactor {
                    actionable: f.actionable,
                    category: f.category.as_ref().map(|c| c.value.as_str()),
                    description: &f.description.value,
                    id: &f.id.value,
                })
                .collect(),
            detected_at: clock(&r.detected_at),
            detected_before_impact: r.detected_before_impact(),
            detection: r.detection.as_ref().map(|d| ApiDetection { by: text(&d.by), source: text(&d.source) }),
            id: &r.id.value,
            impact: text(&r.impact),
            imported_from: text(&r.imported_from),
            mitigated_at: clock(&r.mitigated_at),
            near_miss: r.near_miss,
            recurrence_of: text(&r.recurrence_of),
            related: s(&r.related),
            resolved_at: clock(&r.resolved_at),
            service_impact: (r.service_impact.iter())
                .map(|w| ApiImpactWindow {
                    approximate: w.approximate,
                    from: w.from.value.to_rfc3339(),
                    level: w.level.as_str(),
                    service: &w.service.value,
                    to: w.to.value.to_rfc3339(),
                })
                .collect(),
            response: (r.response.iter())
                .map(|n| ApiResponseNote {
                    category: text(&n.category),
                    description: &n.description.value,
                    id: &n.id.value,
                    went: n.went.as_ref().map(|w| w.value.as_str()),
                })
                .collect(),
            roles: ApiRoles(&r.roles),
            services: s(&r.services),
            severity: text(&r.severity),
            source: &r.path,
            started_at: clock(&r.started_at),
            status: r.status.as_ref().map(|x| x.value.as_str()),
            summary: text(&r.summary),
            tags: s(&r.tags),
            teams: s(&r.teams),
            timeline: (r.timeline.iter())
                .map(|t| ApiTimelineEntry {
                    approximate: t.approximate,
                    at: t.at.as_ref().map(|a| a.value.to_string()),
                    event: &t.event.value,
                    kind: t.kind.map(|k| k.as_str()),
                    until: t.until.as_ref().map(|u| u.value.to_string()),
                })
                .collect(),
            title: r.title_text(),
            url: retro_url(&r.id.value),
            vendors: s(&r.vendors),
        }
    }
}

/// The clock fields of a retro that are guesses, by key.
fn approximate_clock(r: &crate::model::Retro) -> Vec<&'static str> {
    let clock = [
        ("started_at", &r.started_at),
        ("detected_at", &r.detected_at),
        ("mitigated_at", &r.mitigated_at),
        ("resolved_at", &r.resolved_at),
    ];
    clock.into_iter().filter(|(_, c)| c.as_ref().is_some_and(|c| c.value.approximate)).map(|(k, _)| k).collect()
}

/// `{"<key>": [items]}` with one compact item per line: about 30% smaller
/// than pretty-printing, and still a line per item for `grep` and diffs.
/// Items are written as they are made: the lists of a big site never
/// exist as one JSON tree.
struct JsonList<W: Write> {
    out: W,
    empty: bool,
    /// Each item is serialized here and written at once: serde_json's many
    /// small writes are each a call through `out`, often a `dyn Write`.
    buf: Vec<u8>,
}

impl<W: Write> JsonList<W> {
    fn new(mut out: W, key: &str) -> io::Result<JsonList<W>> {
        out.write_all(b"{")?;
        serde_json::to_writer(&mut out, key)?;
        out.write_all(b":[")?;
        Ok(JsonList { out, empty: true, buf: Vec::new() })
    }

    fn push(&mut self, item: &impl serde::Serialize) -> io::Result<()> {
        self.buf.clear();
        self.buf.extend_from_slice(if self.empty { b"\n" } else { b",\n" });
        self.empty = false;
        serde_json::to_writer(&mut self.buf, item)?;
        self.out.write_all(&self.buf)
    }

    fn finish(mut self) -> io::Result<()> {
        self.out.write_all(b"\n]}\n")
    }
}

fn action_json(a: &ActionRow) -> serde_json::Value {
    let mut item = json!({
        "retro": a.retro_id,
        "id": a.id,
        "url": a.url,
        "title": html_to_text(&a.title_html),
        "owner": a.owner,
        "status": a.status,
        "overdue": a.overdue,
        "due": (!a.due.is_empty()).then_some(&a.due),
        "due_end": (!a.due_end.is_empty()).then_some(&a.due_end),
        "kind": (!a.kind.is_empty()).then_some(&a.kind),
        "priority": (!a.priority.is_empty()).then_some(&a.priority),
        "factors": a.factors,
        "link": a.link,
        "completed_at": (!a.completed_at.is_empty()).then_some(&a.completed_at),
        "services": a.services,
    });
    // With tracker exports: what the ticket says, and whether it disagrees.
    if let Some(ticket) = &a.ticket {
        item["ticket"] = json!(ticket);
    }
    item
}

pub fn api_actions(rows: &[ActionRow]) -> String {
    let mut out = Vec::new();
    item_lists(rows.iter(), Some(&mut out), None).expect("writing into memory cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// `api/actions.json` (into `api`) and `actions.csv` (into `csv`), either
/// or both in one pass: each row is written and can then be dropped, so a
/// big site's rows never all exist at once.
pub fn item_lists<'a, R: Borrow<ActionRow<'a>>>(
    rows: impl Iterator<Item = R>,
    api: Option<&mut dyn Write>,
    mut csv: Option<&mut dyn Write>,
) -> io::Result<()> {
    let mut api = api.map(|out| JsonList::new(out, "action_items")).transpose()?;
    if let Some(csv) = csv.as_mut() {
        csv.write_all(CSV_HEADER.as_bytes())?;
    }
    let mut line = String::new();
    for row in rows {
        if let Some(api) = api.as_mut() {
            api.push(&action_json(row.borrow()))?;
        }
        if let Some(csv) = csv.as_mut() {
            line.clear();
            csv_line(&mut line, row.borrow());
            csv.write_all(line.as_bytes())?;
        }
    }
    api.map_or(Ok(()), JsonList::finish)
}

const CSV_HEADER: &str = "retro,id,title,owner,status,overdue,due,kind,priority,factors,link,completed_at,due_end\r\n";

/// RFC 4180 CSV. Cells that a spreadsheet would run as a formula get a
/// leading apostrophe (CSV injection).
pub fn actions_csv(rows: &[ActionRow]) -> String {
    let mut out = Vec::new();
    item_lists(rows.iter(), None, Some(&mut out)).expect("writing into memory cannot fail");
    String::from_utf8(out).expect("the CSV is made of strings")
}

fn csv_line(out: &mut String, a: &ActionRow) {
    fn cell(value: &str) -> String {
        let value =
            if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_string() };
        if value.contains([',', '"', '\n', '\r']) { format!("\"{}\"", value.replace('"', "\"\"")) } else { value }
    }
    let fields = [
        a.retro_id,
        a.id,
        &html_to_text(&a.title_html),
        a.owner,
        a.status,
        if a.overdue { "yes" } else { "no" },
        &a.due,
        a.kind,
        a.priority,
        &a.factors.join(" "),
        a.link.unwrap_or_default(),
        &a.completed_at,
        &a.due_end,
    ];
    out.push_str(&fields.iter().map(|f| cell(f)).collect::<Vec<_>>().join(","));
    out.push_str("\r\n");
}

/// The text of a small sanitized HTML fragment (tags dropped, entities
/// decoded), for formats that carry plain text.
pub fn html_to_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_and_drops_control_characters() {
        assert_eq!(xml("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(xml("é<ü'\tz"), "é&lt;ü&apos;\tz");
        assert_eq!(xml(""), "");
    }

    #[test]
    fn a_long_sitemap_becomes_an_index_of_lists() {
        let urls: Vec<String> = (0..5).map(|n| format!("https://x.test/{n}.html")).collect();
        let one = sitemap_file(&urls, "https://x.test/", 0, 5);
        assert!(one.contains("<urlset") && one.matches("<url>").count() == 5);
        let index = sitemap_file(&urls, "https://x.test/", 0, 2);
        assert!(index.contains("<sitemapindex"));
        assert_eq!(index.matches("<loc>https://x.test/sitemaps/").count(), 3);
        let lists: Vec<String> = (1..=3).map(|n| sitemap_file(&urls, "https://x.test/", n, 2)).collect();
        assert_eq!(lists.iter().map(|l| l.matches("<url>").count()).collect::<Vec<_>>(), [2, 2, 1]);
        assert!(lists[2].contains("https://x.test/4.html"));
    }

    #[test]
    fn html_to_text_decodes() {
        assert_eq!(html_to_text("Fix <code>a&lt;b</code> &amp; more"), "Fix a<b & more");
    }
}
