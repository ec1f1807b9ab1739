//! A postmortem read into its title, its sections (recognised by their
//! headings) and, within a section, its tables, list items and paragraphs,
//! through pulldown-cmark: a `#` in a code block is no heading, a `|` in
//! code is no column.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// What a section is about, from its heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Summary,
    Impact,
    Timeline,
    Factors,
    Actions,
    Attendees,
    Stats,
    /// Anything else: lessons, what went well, supporting information…
    Other,
}

impl Kind {
    /// The kind a heading names: "Contributing Factors", "Root cause(s)",
    /// "3. Corrective actions", "Follow-ups".
    pub(crate) fn of(heading: &str) -> Kind {
        let h: String = heading
            .to_lowercase()
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { ' ' })
            .collect::<String>()
            .split_whitespace()
            .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
            .collect::<Vec<_>>()
            .join(" ");
        let has = |words: &[&str]| words.iter().any(|w| h.contains(w));
        if has(&["timeline", "chronology", "sequence of events"]) {
            Kind::Timeline
        } else if has(&["contributing factor", "root cause", "causes", "why did it happen"]) {
            Kind::Factors
        } else if ["action item", "corrective", "follow up", "followup", "remediation", "next steps", "actions"]
            .iter()
            .any(|w| h.starts_with(w))
            || h == "action"
        {
            Kind::Actions
        } else if h.contains("summary") || h == "overview" || h == "description" {
            Kind::Summary
        } else if h.starts_with("impact") || h.ends_with("impact") {
            Kind::Impact
        } else if has(&["attendees", "participants"]) {
            Kind::Attendees
        } else if has(&["stats", "statistics", "metadata", "incident details", "key information", "details"]) {
            Kind::Stats
        } else {
            Kind::Other
        }
    }
}

/// A heading and what follows it up to the next heading.
#[derive(Debug, Clone)]
pub(crate) struct Section {
    pub heading: String,
    /// From the heading's first byte to the next heading.
    pub range: Range<usize>,
    /// After the heading line.
    pub content: Range<usize>,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub(crate) struct Doc {
    pub title: Option<String>,
    /// The text between the title and the first section (metadata lines, often).
    pub preamble: Range<usize>,
    pub sections: Vec<Section>,
}

pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES
}

fn level(l: HeadingLevel) -> u8 {
    l as u8
}

/// Split `source` into title, preamble and sections.
pub(crate) fn read(source: &str) -> Doc {
    let mut headings: Vec<(u8, String, Range<usize>)> = Vec::new();
    let mut first_block: Option<(bool, Range<usize>)> = None;
    let mut current: Option<(u8, String, usize)> = None;
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level: l, .. }) => {
                first_block.get_or_insert((true, range.clone()));
                current = Some((level(l), String::new(), range.start));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((l, text, start)) = current.take() {
                    headings.push((l, text.trim().to_string(), start..range.end));
                }
            }
            Event::Text(t) | Event::Code(t) if current.is_some() => {
                current.as_mut().expect("in a heading").1.push_str(&t);
            }
            Event::Start(_) => {
                if depth == 0 {
                    first_block.get_or_insert((false, range.clone()));
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let mut title = None;
    let mut preamble_start = 0;
    match &first_block {
        Some((true, r)) if headings.first().is_some_and(|h| h.0 == 1 && Kind::of(&h.1) == Kind::Other) => {
            title = Some(headings.remove(0).1);
            preamble_start = r.end;
        }
        Some((false, r)) => {
            // A first line that is not a heading: a title when it is short
            // and not a `Key: value` line.
            let line = source[r.clone()].lines().next().unwrap_or("");
            let text = inline_text(line);
            let is_metadata = metadata_line(&text).is_some_and(|(k, _)| METADATA_KEYS.contains(&k.as_str()));
            if !text.is_empty() && text.chars().count() <= 120 && !is_metadata {
                title = Some(text);
                preamble_start = r.start + line.len();
            }
        }
        _ => {}
    }
    let mut sections = Vec::new();
    for (i, (_, heading, r)) in headings.iter().enumerate() {
        let end = headings.get(i + 1).map(|h| h.2.start).unwrap_or(source.len());
        let kind = Kind::of(heading);
        sections.push(Section { heading: heading.clone(), range: r.start..end, content: r.end..end, kind });
    }
    let preamble_end = sections.first().map(|s| s.range.start).unwrap_or(source.len());
    Doc { title, preamble: preamble_start.min(preamble_end)..preamble_end, sections }
}

/// Keys of metadata lines that are no title when they come first.
const METADATA_KEYS: &[&str] = &[
    "date",
    "incident date",
    "severity",
    "sev",
    "status",
    "author",
    "authors",
    "owner",
    "written by",
    "prepared by",
    "services",
    "service",
    "start time",
    "detected",
    "resolved",
    "duration",
    "attendees",
];

/// A block of a section, as text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    Table {
        head: Vec<String>,
        rows: Vec<(Vec<String>, Range<usize>)>,
    },
    /// A top-level list item: its text (nested lists included), and its
    /// checkbox when it is a task.
    Item {
        text: String,
        range: Range<usize>,
        task: Option<bool>,
    },
    /// A paragraph, its lines kept.
    Para {
        text: String,
        range: Range<usize>,
    },
}

/// The tables, top-level list items and paragraphs of `source[range]`.
pub(crate) fn blocks(source: &str, range: Range<usize>) -> Vec<Block> {
    let slice = &source[range.clone()];
    let shift = |r: Range<usize>| r.start + range.start..r.end + range.start;
    let mut out = Vec::new();
    let mut text = String::new();
    let (mut lists, mut in_item, mut in_para, mut in_cell) = (0usize, false, false, false);
    let mut task = None;
    let mut item_range = 0..0;
    let (mut head, mut rows, mut row): (Vec<String>, Vec<_>, Vec<String>) = (Vec::new(), Vec::new(), Vec::new());
    let mut row_range = 0..0;
    for (event, r) in Parser::new_ext(slice, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::List(_)) => lists += 1,
            Event::End(TagEnd::List(_)) => lists -= 1,
            Event::Start(Tag::Item) if lists == 1 => {
                (in_item, task, item_range) = (true, None, r.clone());
                text.clear();
            }
            Event::End(TagEnd::Item) if lists == 1 => {
                in_item = false;
                let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
                out.push(Block::Item { text: t, range: shift(item_range.clone()), task });
            }
            Event::Start(Tag::Item) | Event::Start(Tag::Paragraph) if in_item => text.push(' '),
            Event::TaskListMarker(done) if lists == 1 => task = Some(done),
            Event::Start(Tag::Paragraph) if lists == 0 => {
                in_para = true;
                text.clear();
            }
            Event::End(TagEnd::Paragraph) if in_para => {
                in_para = false;
                out.push(Block::Para { text: text.trim().to_string(), range: shift(r) });
            }
            Event::Start(Tag::TableHead) | Event::Start(Tag::TableRow) => {
                row.clear();
                row_range = r;
            }
            Event::End(TagEnd::TableHead) => head = std::mem::take(&mut row),
            Event::End(TagEnd::TableRow) => rows.push((std::mem::take(&mut row), shift(row_range.clone()))),
            Event::End(TagEnd::Table) => {
                out.push(Block::Table { head: std::mem::take(&mut head), rows: std::mem::take(&mut rows) });
            }
            Event::Start(Tag::TableCell) => {
                in_cell = true;
                text.clear();
            }
            Event::End(TagEnd::TableCell) => {
                in_cell = false;
                row.push(text.trim().to_string());
            }
            Event::Text(t) | Event::Code(t) if in_item || in_para || in_cell => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak if in_item || in_cell => text.push(' '),
            Event::SoftBreak | Event::HardBreak if in_para => text.push('\n'),
            _ => {}
        }
    }
    out
}

/// The plain text of one line of inline Markdown: `**Date:** 2024` → `Date: 2024`.
pub(crate) fn inline_text(markdown: &str) -> String {
    let mut text = String::new();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

/// `Key: value` (a metadata line such as `Date: 2024-03-12`), the key
/// lowercased; keys are a few words at most.
pub(crate) fn metadata_line(line: &str) -> Option<(String, String)> {
    let (key, value) = line.split_once(':')?;
    let key = key.trim().trim_start_matches(['-', '*']).trim();
    let words = key.split_whitespace().count();
    let value = value.trim();
    (words > 0 && words <= 4 && !value.is_empty() && key.chars().all(|c| c.is_alphanumeric() || " ()/-_".contains(c)))
        .then(|| (key.to_lowercase(), value.to_string()))
}

/// Every `Key: value` a range gives: metadata lines of paragraphs and list
/// items, and two-column tables.
pub(crate) fn metadata(source: &str, range: Range<usize>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for block in blocks(source, range) {
        match block {
            Block::Para { text, .. } => out.extend(text.lines().filter_map(metadata_line)),
            Block::Item { text, .. } => out.extend(metadata_line(&text)),
            Block::Table { head, rows } => {
                let pairs = std::iter::once(head).chain(rows.into_iter().map(|r| r.0));
                for row in pairs.filter(|r| r.len() == 2 && !r[1].is_empty()) {
                    out.push((row[0].trim_end_matches(':').to_lowercase(), row[1].clone()));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_and_title() {
        let src = "# Checkout outage\n\n**Date:** 2024-03-12\n\n## Summary\n\nIt broke.\n\n```\n# not a heading\n```\n\n## Root Causes\n\n- a\n";
        let doc = read(src);
        assert_eq!(doc.title.as_deref(), Some("Checkout outage"));
        assert_eq!(&src[doc.preamble.clone()].trim(), &"**Date:** 2024-03-12");
        let kinds: Vec<Kind> = doc.sections.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, [Kind::Summary, Kind::Factors]);
        assert!(src[doc.sections[0].content.clone()].contains("# not a heading"));
        assert_eq!(metadata(src, doc.preamble), [("date".to_string(), "2024-03-12".to_string())]);
    }

    #[test]
    fn first_line_title_and_blocks() {
        let src = "Postmortem: DNS outage\n\n| Time | Event |\n|---|---|\n| 10:00 | `a\\|b` |\n\n- [x] done (@ana)\n- two\n  - nested\n";
        let doc = read(src);
        assert_eq!(doc.title.as_deref(), Some("Postmortem: DNS outage"));
        let b = blocks(src, doc.preamble);
        assert!(matches!(&b[0], Block::Table { head, rows } if head == &["Time", "Event"] && rows[0].0[1] == "a|b"));
        assert!(matches!(&b[1], Block::Item { text, task: Some(true), .. } if text == "done (@ana)"));
        assert!(matches!(&b[2], Block::Item { text, task: None, .. } if text == "two nested"));
    }

    #[test]
    fn kinds() {
        assert_eq!(Kind::of("Root cause(s)"), Kind::Factors);
        assert_eq!(Kind::of("3. Corrective Actions"), Kind::Actions);
        assert_eq!(Kind::of("Follow-ups"), Kind::Actions);
        assert_eq!(Kind::of("Remediation items"), Kind::Actions);
        assert_eq!(Kind::of("`no-remediation`"), Kind::Other);
        assert_eq!(Kind::of("Customer Impact"), Kind::Impact);
        assert_eq!(Kind::of("What went well"), Kind::Other);
        assert_eq!(Kind::of("Lessons Learned"), Kind::Other);
    }
}
