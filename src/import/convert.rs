//! One postmortem into a draft retro: the front matter the document makes
//! clear, the rest of it kept in the body, and what was filled and what
//! could not be.

use super::actions::{self, Factor, Item};
use super::doc::{self, Kind, Section};
use super::timeline::{self, Entry};
use super::when::{self, Context, Stamp};
use super::zones::{self, Zone};
use chrono::NaiveDate;
use std::ops::Range;

/// A piece of the new body: a slice of the old document (its links
/// rewritten when written), or new text.
#[derive(Debug, Clone)]
pub(crate) enum Piece {
    Source(Range<usize>),
    Text(String),
}

/// A retro made from a postmortem, before it is written.
#[derive(Debug, Default)]
pub(crate) struct Draft {
    pub title: String,
    pub severity: Option<String>,
    /// started, detected, mitigated, resolved.
    pub clock: [Option<Stamp>; 4],
    pub authors: Vec<String>,
    pub attendees: Vec<String>,
    pub services: Vec<String>,
    pub summary: Option<Piece>,
    pub impact: Option<Piece>,
    pub factors: Vec<Factor>,
    pub timeline: Vec<Entry>,
    pub items: Vec<Item>,
    pub body: Vec<Piece>,
    /// The slugs of the headings kept in the body (link anchors that still resolve).
    pub anchors: Vec<String>,
    /// The day of the incident, for the file name.
    pub day: Option<NaiveDate>,
    pub filled: Vec<String>,
    pub missing: Vec<String>,
}

pub(crate) const CLOCK_KEYS: [&str; 4] = ["started_at", "detected_at", "mitigated_at", "resolved_at"];

/// What the configuration allows, for severities and categories.
pub(crate) struct Allowed<'a> {
    pub severities: &'a [String],
    pub categories: &'a [String],
}

/// Convert `source` (LF line ends); `stem` names it when it has no title.
pub(crate) fn convert(source: &str, stem: &str, allowed: &Allowed) -> Draft {
    let doc = doc::read(source);
    let mut d = Draft::default();
    let mut meta = doc::metadata(source, doc.preamble.clone());
    for s in doc.sections.iter().filter(|s| s.kind == Kind::Stats) {
        meta.extend(doc::metadata(source, s.content.clone()));
    }
    let stated_zone = zones_stated(source, &doc);
    let get = |keys: &[&str]| meta.iter().find(|(k, _)| keys.contains(&k.as_str())).map(|(_, v)| v.as_str());
    d.title = match &doc.title {
        Some(t) => t.clone(),
        None => {
            d.missing.push("title (no heading or first line: made from the file name)".into());
            stem.replace(['-', '_'], " ")
        }
    };
    d.day = get(&["date", "incident date", "date of incident", "day"])
        .and_then(|v| when::read(v, Context::default()))
        .and_then(|r| r.stamp)
        .and_then(Stamp::day);
    metadata_fields(&mut d, &get, allowed, stated_zone);
    let preamble_at = d.body.len();
    let mut clock_from_timeline = [None; 4];
    let mut seen = Vec::new();
    for section in &doc.sections {
        seen.push(section.kind);
        let kept = take_section(&mut d, source, section, allowed, stated_zone, &mut clock_from_timeline);
        if kept {
            d.anchors.push(crate::text::slugify(&section.heading));
        }
    }
    // The preamble, less the labelled paragraphs that filled a field.
    let cut = labelled_paragraphs(&mut d, source, doc.preamble.clone(), allowed);
    let mut at = doc.preamble.start;
    let mut pieces = Vec::new();
    for r in cut.into_iter().chain(std::iter::once(doc.preamble.end..doc.preamble.end)) {
        pieces.push(Piece::Source(at..r.start));
        at = r.end;
    }
    d.body.splice(preamble_at..preamble_at, pieces);
    for (i, key) in CLOCK_KEYS.iter().enumerate() {
        if d.clock[i].is_none() && clock_from_timeline[i].is_some() {
            d.clock[i] = clock_from_timeline[i];
            d.filled.push(format!("{key} (from the timeline)"));
        }
    }
    if d.clock[0].is_none()
        && let Some(day) = d.day
    {
        d.clock[0] = Some(Stamp::Date(day));
        d.filled.push("started_at (the document's date; no time)".into());
    }
    if d.day.is_none() {
        let clock = d.clock.iter().flatten().find_map(|s| s.day());
        d.day = clock.or_else(|| d.timeline.iter().find_map(|e| e.at.day()));
    }
    report_gaps(&mut d, &seen);
    d
}

/// The zone the document states outside a table header: "All times in CET".
fn zones_stated(source: &str, doc: &doc::Doc) -> Option<Zone> {
    let mut ranges = vec![doc.preamble.clone()];
    ranges.extend(doc.sections.iter().map(|s| s.content.clone()));
    ranges.into_iter().find_map(|r| {
        doc::blocks(source, r).into_iter().find_map(|b| match b {
            doc::Block::Para { text, .. } => text.lines().find_map(zones::stated),
            _ => None,
        })
    })
}

type Get<'a> = dyn Fn(&[&str]) -> Option<&'a str> + 'a;

/// Severity, authors, services and the clock from `Key: value` metadata.
fn metadata_fields<'a>(d: &mut Draft, get: &Get<'a>, allowed: &Allowed, zone: Option<Zone>) {
    if let Some(v) = get(&["severity", "sev", "incident severity", "severity level", "level"]) {
        let norm = |s: &str| s.to_uppercase().replace(['-', ' ', '_'], "");
        match allowed.severities.iter().find(|s| norm(s) == norm(v) || norm(s) == format!("SEV{}", norm(v))) {
            Some(s) => {
                d.severity = Some(s.clone());
                d.filled.push("severity".into());
            }
            None => d.missing.push(format!("severity (`{v}` is not one of [retro].severities)")),
        }
    }
    let people = |v: &str| -> Vec<String> {
        v.replace(" and ", ",")
            .split([',', ';'])
            .map(|p| p.trim().trim_start_matches('@').trim().to_string())
            .filter(|p| !p.is_empty())
            .collect()
    };
    if let Some(v) = get(&["author", "authors", "written by", "prepared by", "postmortem owner", "document owner"]) {
        d.authors = people(v);
        d.filled.push("authors".into());
    }
    if let Some(v) = get(&["attendees", "participants"]) {
        d.attendees = people(v);
    }
    if let Some(v) = get(&["services", "service", "affected services", "services affected", "affected service"]) {
        d.services = v
            .split([',', ';'])
            .map(|s| crate::text::slugify(&doc::inline_text(s)))
            .filter(|s| crate::text::is_slug(s))
            .collect();
        if !d.services.is_empty() {
            d.filled.push("services".into());
        }
    }
    let keys: [&[&str]; 4] = [
        &["start time", "started", "started at", "incident start", "impact start", "start of impact", "impact started"],
        &["detected", "detected at", "detection time", "time detected", "time of detection"],
        &["mitigated", "mitigated at", "mitigation time", "time mitigated"],
        &["resolved", "resolved at", "resolution time", "end time", "time resolved", "incident end"],
    ];
    for (i, keys) in keys.iter().enumerate() {
        let Some(v) = get(keys) else { continue };
        let ctx = Context { zone: zones::stated(&format!("time {v}")).or(zone), day: d.day };
        match when::read(v, ctx).and_then(|r| r.stamp).filter(|s| s.is_clock()) {
            Some(s) => {
                d.clock[i] = Some(s);
                d.filled.push(format!("{} (from `{}`)", CLOCK_KEYS[i], keys[0]));
            }
            None => d.missing.push(format!("{} (`{v}` is not a date or time)", CLOCK_KEYS[i])),
        }
    }
}

/// Read one section into the draft; `true` when it is kept in the body.
fn take_section(
    d: &mut Draft,
    source: &str,
    s: &Section,
    allowed: &Allowed,
    zone: Option<Zone>,
    clock: &mut [Option<Stamp>; 4],
) -> bool {
    let content = source[s.content.clone()].trim();
    let blank = is_blank(content);
    match s.kind {
        Kind::Summary if !blank && d.summary.is_none() => {
            d.summary = Some(Piece::Source(trimmed(source, s.content.clone())));
            d.filled.push(format!("summary (\"{}\")", s.heading));
            false
        }
        Kind::Impact if !blank && d.impact.is_none() => {
            d.impact = Some(Piece::Source(trimmed(source, s.content.clone())));
            d.filled.push(format!("impact (\"{}\")", s.heading));
            false
        }
        Kind::Factors if !blank => {
            let found = actions::factors(source, s.content.clone(), allowed.categories);
            let restated = if s.heading.to_lowercase().contains("root") { ", restated from root causes" } else { "" };
            d.filled.push(format!("contributing_factors ({}{restated})", found.len()));
            let taken: Vec<String> = d.factors.iter().map(|f| f.id.clone()).collect();
            d.factors.extend(found.into_iter().map(|mut f| {
                if taken.contains(&f.id) {
                    f.id = format!("{}-{}", f.id, taken.len() + 1);
                }
                f
            }));
            false
        }
        Kind::Timeline if !blank => {
            let t = timeline::read(source, s.content.clone(), zone, d.day);
            timeline_into(d, s, t, clock)
        }
        Kind::Actions if !blank => {
            let (items, prose) = actions::read(source, s.content.clone());
            if items.is_empty() {
                d.body.push(Piece::Source(s.range.clone()));
                return true;
            }
            d.items.extend(items);
            keep_parts(d, s, prose, false);
            false
        }
        Kind::Attendees if !blank && d.attendees.is_empty() => {
            d.attendees = doc::blocks(source, s.content.clone())
                .into_iter()
                .flat_map(|b| match b {
                    doc::Block::Item { text, .. } => vec![text],
                    doc::Block::Para { text, .. } => text.split([',', '\n']).map(str::to_string).collect(),
                    doc::Block::Table { .. } => Vec::new(),
                })
                .map(|p| p.trim().trim_start_matches('@').to_string())
                .filter(|p| !p.is_empty())
                .collect();
            false
        }
        _ => {
            d.body.push(Piece::Source(s.range.clone()));
            true
        }
    }
}

/// The timeline's entries into the draft; rows that could not be dated
/// and prose stay in the body under the section's heading.
fn timeline_into(d: &mut Draft, s: &Section, t: timeline::Timeline, clock: &mut [Option<Stamp>; 4]) -> bool {
    if t.entries.is_empty() {
        d.missing.push(format!("timeline (no row of \"{}\" could be dated: kept in the body)", s.heading));
        d.body.push(Piece::Source(s.range.clone()));
        return true;
    }
    let zone = match (t.zone, t.assumed_utc) {
        (_, true) => ", no time zone stated: read as UTC".to_string(),
        (Some(zones::Zone::Fixed(0)), false) => ", in UTC".to_string(),
        (Some(z), false) => format!(", converted to UTC from {z}"),
        (None, false) => String::new(),
    };
    d.filled.push(format!("timeline ({} entries{zone})", t.entries.len()));
    *clock = timeline::clock(&t.entries);
    d.timeline.extend(t.entries);
    if t.undated.is_empty() && t.prose.is_empty() {
        return false;
    }
    if !t.undated.is_empty() {
        d.missing.push(format!(
            "timeline: {} without a date, kept in the body",
            crate::text::plural(t.undated.len(), "row")
        ));
    }
    keep_parts(d, s, t.prose, !t.undated.is_empty());
    if !t.undated.is_empty() {
        let mut text = String::from("Rows of the imported timeline that could not be dated:\n\n");
        for row in &t.undated {
            text.push_str(&format!("- {}\n", row.replace('\n', " ")));
        }
        d.body.push(Piece::Text(text + "\n"));
    }
    true
}

/// The heading of a section whose structured part moved to the front
/// matter, and the paragraphs of it that did not.
fn keep_parts(d: &mut Draft, s: &Section, prose: Vec<Range<usize>>, more: bool) {
    if prose.is_empty() && !more {
        return;
    }
    d.body.push(Piece::Source(s.range.start..s.content.start));
    d.body.push(Piece::Text("\n".into()));
    for r in prose {
        d.body.push(Piece::Source(r));
        d.body.push(Piece::Text("\n\n".into()));
    }
}

/// `range` without the blank space around it.
fn trimmed(source: &str, range: Range<usize>) -> Range<usize> {
    let text = &source[range.clone()];
    let start = range.start + (text.len() - text.trim_start().len());
    let end = range.end - (text.len() - text.trim_end().len());
    start..end.max(start)
}

/// `**Summary:** …`, `**Impact:** …`, `**Root Causes:** …` as the SRE
/// workbook's template writes them, one paragraph each before the first
/// section: they fill what no section did, and leave the body.
fn labelled_paragraphs(d: &mut Draft, source: &str, preamble: Range<usize>, allowed: &Allowed) -> Vec<Range<usize>> {
    let mut cut = Vec::new();
    for block in doc::blocks(source, preamble) {
        let doc::Block::Para { text, range } = block else { continue };
        let Some((key, value)) = doc::metadata_line(&text.replace('\n', " ")) else { continue };
        match key.as_str() {
            "summary" | "executive summary" if d.summary.is_none() => {
                d.summary = Some(Piece::Text(value));
                d.filled.push("summary (\"Summary:\" line)".into());
            }
            "impact" if d.impact.is_none() => {
                d.impact = Some(Piece::Text(value));
                d.filled.push("impact (\"Impact:\" line)".into());
            }
            "root cause" | "root causes" | "contributing factors" if d.factors.is_empty() => {
                d.factors = actions::factors(&value, 0..value.len(), allowed.categories);
                d.filled.push(format!("contributing_factors ({}, restated from \"{key}\")", d.factors.len()));
            }
            _ => continue,
        }
        cut.push(range);
    }
    cut
}

/// A section the template left unfilled: empty, `TBD`, `N/A`, `...`.
fn is_blank(content: &str) -> bool {
    let t = content.trim().trim_matches(|c: char| c == '_' || c == '*').to_lowercase();
    t.is_empty() || ["tbd", "n/a", "...", "…", "todo", "none", "-"].contains(&t.as_str())
}

/// Say what the old postmortem never had.
fn report_gaps(d: &mut Draft, seen: &[Kind]) {
    let section = |k: Kind, name: &str| {
        if seen.contains(&k) {
            format!("nothing read from the {name} section; kept in the body")
        } else {
            format!("no {name} section")
        }
    };
    if d.severity.is_none() && !d.missing.iter().any(|m| m.starts_with("severity")) {
        d.missing.push("severity (not stated)".into());
    }
    if d.authors.is_empty() {
        d.missing.push("authors (not stated)".into());
    }
    if d.clock[0].is_none() {
        d.missing.push("started_at (neither the timeline nor the stats say when impact began)".into());
    }
    if d.summary.is_none() {
        d.missing.push(format!("summary ({})", section(Kind::Summary, "Summary")));
    }
    if d.impact.is_none() {
        d.missing.push(format!("impact ({})", section(Kind::Impact, "Impact")));
    }
    if d.factors.is_empty() {
        d.missing.push(format!("contributing_factors ({})", section(Kind::Factors, "Contributing factors")));
    } else if d.factors.iter().any(|f| f.category.is_none()) {
        let n = d.factors.iter().filter(|f| f.category.is_none()).count();
        d.missing.push(format!("factor categories ({n} of {})", d.factors.len()));
    }
    if d.items.is_empty() {
        d.missing.push(format!("action_items ({})", section(Kind::Actions, "Action items")));
    } else {
        let with_owner = d.items.iter().filter(|i| i.owner.is_some()).count();
        d.filled.push(format!("action_items ({}, {with_owner} with an owner)", d.items.len()));
        let unowned: Vec<String> = (d.items.iter().enumerate())
            .filter(|(_, i)| i.owner.is_none())
            .map(|(n, _)| format!("AI-{}", n + 1))
            .collect();
        if !unowned.is_empty() {
            d.missing.push(format!("owners of {}", unowned.join(", ")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> (Vec<String>, Vec<String>) {
        (vec!["SEV1".into(), "SEV2".into()], vec!["capacity".into()])
    }

    #[test]
    fn clock_from_stats_and_attendees() {
        let src = "# Queue backlog\n\n## Stats\n\n| Key | Value |\n|---|---|\n| Start time | 2024-01-05 10:00 CET |\n\
                   | Detected | 2024-01-05 10:20 CET |\n| Resolved | 2024-01-05 12:00 |\n| Severity | P9 |\n\n\
                   ## Attendees\n\n- @ana\n- bo\n\n## What went well\n\nThe runbook.\n";
        let (sev, cat) = allowed();
        let d = convert(src, "queue", &Allowed { severities: &sev, categories: &cat });
        let clock: Vec<Option<String>> = d.clock.iter().map(|s| s.map(Stamp::yaml)).collect();
        assert_eq!(clock[0].as_deref(), Some("2024-01-05T09:00:00Z"));
        assert_eq!(clock[1].as_deref(), Some("2024-01-05T09:20:00Z"));
        assert_eq!(clock[2], None, "not stated: left unset");
        assert_eq!(d.attendees, ["ana", "bo"]);
        assert_eq!(d.severity, None);
        assert!(d.missing.iter().any(|m| m.contains("`P9` is not one of")));
        assert_eq!(d.anchors, ["stats", "what-went-well"]);
    }

    #[test]
    fn a_section_nothing_is_read_from_stays_in_the_body() {
        let src = "# T\n\n## Action items\n\nWe will discuss them next week.\n\n## Timeline\n\nA busy morning.\n";
        let (sev, cat) = allowed();
        let d = convert(src, "t", &Allowed { severities: &sev, categories: &cat });
        let kept: Vec<&str> = (d.body.iter())
            .filter_map(|p| match p {
                Piece::Source(r) => Some(src[r.clone()].trim()),
                Piece::Text(_) => None,
            })
            .filter(|t| !t.is_empty())
            .collect();
        assert_eq!(kept, ["## Action items\n\nWe will discuss them next week.", "## Timeline\n\nA busy morning."]);
        assert!(
            d.missing
                .iter()
                .any(|m| m == "action_items (nothing read from the Action items section; kept in the body)")
        );
    }
}
