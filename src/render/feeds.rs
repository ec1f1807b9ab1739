//! The machine-readable outputs: Atom feed, sitemap, JSON API and CSV.
//! Written by hand with explicit escaping: they are small, and a template
//! engine would only hide the escaping rules of each format.

use super::Site;
use super::markdown::retro_url;
use super::views::ActionRow;
use serde_json::json;

pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
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

pub fn sitemap(site: &Site) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in site.pages() {
        let path = site.path(page);
        if path.ends_with(".html") && path != "404.html" {
            out.push_str(&format!("  <url><loc>{}</loc></url>\n", xml(&format!("{}{path}", site.base_url))));
        }
    }
    out.push_str("</urlset>\n");
    out
}

pub fn api_retros(site: &Site) -> String {
    let retros = || {
        (site.indexes().order.iter().copied()).map(|i| {
            let r = &site.retros[i];
            let s = |v: &Vec<crate::model::At<String>>| v.iter().map(|x| x.value.clone()).collect::<Vec<_>>();
            json!({
                "id": r.id.value,
                "title": r.title_text(),
                "url": retro_url(&r.id.value),
                "source": r.path,
                "status": r.status.as_ref().map(|x| x.value.as_str()),
                "severity": r.severity.as_ref().map(|x| &x.value),
                "started_at": r.started_at.as_ref().map(|x| x.value.when.to_string()),
                "detected_at": r.detected_at.as_ref().map(|x| x.value.when.to_string()),
                "mitigated_at": r.mitigated_at.as_ref().map(|x| x.value.when.to_string()),
                "resolved_at": r.resolved_at.as_ref().map(|x| x.value.when.to_string()),
                "approximate": approximate_clock(r),
                "detected_before_impact": r.detected_before_impact(),
                "authors": s(&r.authors),
                "services": s(&r.services),
                "teams": s(&r.teams),
                "tags": s(&r.tags),
                "related": s(&r.related),
                "recurrence_of": r.recurrence_of.as_ref().map(|x| &x.value),
                "near_miss": r.near_miss,
                "summary": r.summary.as_ref().map(|x| &x.value),
                "impact": r.impact.as_ref().map(|x| &x.value),
                "contributing_factors": r.factors.iter().map(|f| json!({
                    "id": f.id.value,
                    "category": f.category.as_ref().map(|c| &c.value),
                    "description": f.description.value,
                    "actionable": f.actionable,
                })).collect::<Vec<_>>(),
                "timeline": r.timeline.iter().map(|t| json!({
                    "at": t.at.as_ref().map(|a| a.value.to_string()),
                    "until": t.until.as_ref().map(|u| u.value.to_string()),
                    "kind": t.kind.map(|k| k.as_str()),
                    "approximate": t.approximate,
                    "event": t.event.value,
                })).collect::<Vec<_>>(),
                "action_items": r.actions().iter().map(|a| a.id.value.clone()).collect::<Vec<_>>(),
            })
        })
    };
    json_list("retros", retros)
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

/// `{"<key>": [items]}`, pretty-printed, each item made and dropped in
/// turn: the lists of a big site never exist as one JSON tree.
fn json_list<I: Iterator<Item = serde_json::Value>>(key: &str, items: impl Fn() -> I) -> String {
    use serde::ser::{SerializeMap, Serializer};
    struct List<F>(F);
    impl<F: Fn() -> I, I: Iterator<Item = serde_json::Value>> serde::Serialize for List<F> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq((self.0)())
        }
    }
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::pretty(&mut out);
    let written = ser.serialize_map(Some(1)).and_then(|mut map| {
        map.serialize_entry(key, &List(items))?;
        map.end()
    });
    written.expect("JSON into memory cannot fail");
    out.push(b'\n');
    String::from_utf8(out).expect("serde_json writes UTF-8")
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
    json_list("action_items", || rows.iter().map(action_json))
}

/// RFC 4180 CSV. Cells that a spreadsheet would run as a formula get a
/// leading apostrophe (CSV injection).
pub fn actions_csv(rows: &[ActionRow]) -> String {
    fn cell(value: &str) -> String {
        let value =
            if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_string() };
        if value.contains([',', '"', '\n', '\r']) { format!("\"{}\"", value.replace('"', "\"\"")) } else { value }
    }
    let mut out =
        String::from("retro,id,title,owner,status,overdue,due,kind,priority,factors,link,completed_at,due_end\r\n");
    for a in rows {
        let fields = [
            a.retro_id.clone(),
            a.id.clone(),
            html_to_text(&a.title_html),
            a.owner.clone(),
            a.status.clone(),
            if a.overdue { "yes".into() } else { "no".into() },
            a.due.clone(),
            a.kind.clone(),
            a.priority.clone(),
            a.factors.join(" "),
            a.link.clone().unwrap_or_default(),
            a.completed_at.clone(),
            a.due_end.clone(),
        ];
        out.push_str(&fields.iter().map(|f| cell(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
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
    }

    #[test]
    fn html_to_text_decodes() {
        assert_eq!(html_to_text("Fix <code>a&lt;b</code> &amp; more"), "Fix a<b & more");
    }
}
