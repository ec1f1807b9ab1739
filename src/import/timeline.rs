//! A postmortem's timeline, from a table or a list, into timeline
//! entries in UTC; the incident clock where the timeline makes it clear.

use super::doc::{self, Block};
use super::when::{self, Context, Stamp};
use super::zones::{self, Zone};
use std::ops::Range;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub at: Stamp,
    pub event: String,
    pub kind: Option<&'static str>,
    pub approximate: bool,
}

#[derive(Debug, Default)]
pub(crate) struct Timeline {
    pub entries: Vec<Entry>,
    /// Rows that could not be dated, as text: kept in the body.
    pub undated: Vec<String>,
    /// Prose of the section that is not a row: kept in the body.
    pub prose: Vec<Range<usize>>,
    /// The zone times were read in, as the document states it.
    pub zone: Option<Zone>,
    /// Some time had no zone stated anywhere and was read as UTC.
    pub assumed_utc: bool,
}

/// Read the timeline section `range` of `source`. `zone`: the zone the
/// document states elsewhere; `day`: its date, for rows with a time alone.
pub(crate) fn read(source: &str, range: Range<usize>, zone: Option<Zone>, day: Option<chrono::NaiveDate>) -> Timeline {
    let blocks = doc::blocks(source, range);
    let stated = blocks.iter().find_map(|b| match b {
        Block::Para { text, .. } => zones::stated(text),
        _ => None,
    });
    let mut out = Timeline { zone: stated.or(zone), ..Timeline::default() };
    let mut ctx = Context { zone: out.zone, day };
    for block in blocks {
        match block {
            Block::Table { head, rows } => table(&head, &rows, &mut ctx, &mut out),
            Block::Item { text, range, .. } => {
                // The item's own Markdown when it is one line: its links and code stay.
                let line = one_line_item(&source[range]).unwrap_or(&text).to_string();
                if !row(&line, &mut ctx, &mut out) {
                    out.undated.push(line);
                }
            }
            Block::Para { text, range } => {
                let mut all_rows = true;
                for line in text.lines() {
                    if zones::stated(line).is_some() && when::read(line, ctx).is_none() {
                        continue;
                    }
                    all_rows &= row(line, &mut ctx, &mut out);
                }
                if !all_rows {
                    out.prose.push(range);
                }
            }
        }
    }
    out
}

/// A list item's Markdown without its marker (`- `, `1. `, `[x] `), when it
/// is a single line.
fn one_line_item(item: &str) -> Option<&str> {
    let item = item.trim();
    let digits = item.chars().take_while(char::is_ascii_digit).count();
    let rest = match item.as_bytes().get(digits) {
        Some(b'.' | b')') if digits > 0 => &item[digits + 1..],
        Some(b'-' | b'*' | b'+') if digits == 0 => &item[1..],
        _ => return None,
    };
    let rest = rest.trim_start();
    let rest = ["[ ] ", "[x] ", "[X] "].iter().find_map(|t| rest.strip_prefix(t)).unwrap_or(rest);
    (!rest.contains('\n') && !rest.is_empty()).then_some(rest)
}

/// One row: an entry, a day heading ("2024-03-12" alone) or, when it
/// cannot be dated, kept. `false`: not a row at all (prose).
fn row(text: &str, ctx: &mut Context, out: &mut Timeline) -> bool {
    let Some(read) = when::read(text, *ctx) else { return false };
    let event = read.rest.clone();
    // `2015-10-21 (all times UTC)`: a day, and the zone of the rows below.
    let zone_note = event.len() < 40 && zones::stated(&event).is_some();
    if zone_note {
        ctx.zone = zones::stated(&event);
    }
    match read.stamp {
        Some(stamp) if event.is_empty() || zone_note => {
            // A day alone sets the day of the rows below it.
            ctx.day = stamp.day().or(ctx.day);
        }
        Some(stamp) => {
            if read.has_time && ctx.zone.is_none() && !text.contains('Z') && !has_zone_word(text) {
                out.assumed_utc = true;
            }
            ctx.day = stamp.day().or(ctx.day);
            out.entries.push(Entry { at: stamp, kind: kind(&event), event, approximate: read.approximate });
        }
        None => out.undated.push(text.to_string()),
    }
    true
}

fn has_zone_word(text: &str) -> bool {
    text.split_whitespace().skip(1).any(|w| w.chars().all(|c| c.is_ascii_uppercase()) && zones::parse(w).is_some())
}

/// The columns of a timeline table: the date, the time (when apart), the
/// event, and the rest (kept in the event as `Header: value`).
fn table(head: &[String], rows: &[(Vec<String>, Range<usize>)], ctx: &mut Context, out: &mut Timeline) {
    let lower: Vec<String> = head.iter().map(|h| h.to_lowercase()).collect();
    let is = |i: usize, words: &[&str]| words.iter().any(|w| lower[i].contains(w));
    let date = (0..head.len()).find(|&i| is(i, &["date", "day"]) && !is(i, &["time"]));
    let time = (0..head.len())
        .find(|&i| is(i, &["time", "when", "timestamp"]) && Some(i) != date)
        .or(if date.is_none() { Some(0) } else { None });
    let event = (0..head.len())
        .find(|&i| is(i, &["event", "description", "what", "action", "detail", "update", "activity"]))
        .filter(|&i| Some(i) != time && Some(i) != date)
        .or_else(|| (0..head.len()).find(|&i| Some(i) != time && Some(i) != date));
    // "Date and Time in CET", "Time (UTC)": the column's own zone.
    let column_zone = [time, date].iter().flatten().find_map(|&i| zones::stated(&head[i]));
    let saved = ctx.zone;
    if column_zone.is_some() {
        ctx.zone = column_zone;
    }
    for (cells, _) in rows {
        let cell = |i: Option<usize>| i.and_then(|i| cells.get(i)).map(String::as_str).unwrap_or("");
        let when_text =
            [cell(date), cell(time)].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" ");
        let mut event_text = cell(event).to_string();
        for (i, value) in cells.iter().enumerate() {
            if Some(i) != date && Some(i) != time && Some(i) != event && !value.is_empty() {
                event_text.push_str(&format!(" ({}: {value})", head.get(i).map(String::as_str).unwrap_or("")));
            }
        }
        if when_text.is_empty() && event_text.is_empty() {
            continue;
        }
        let dated = when::read(&when_text, *ctx).and_then(|r| r.stamp.map(|s| (s, r)));
        match dated {
            Some((stamp, read)) if !event_text.trim().is_empty() => {
                if read.has_time && ctx.zone.is_none() && !has_zone_word(&when_text) {
                    out.assumed_utc = true;
                }
                ctx.day = stamp.day().or(ctx.day);
                let event = event_text.trim().to_string();
                out.entries.push(Entry { at: stamp, kind: kind(&event), event, approximate: read.approximate });
            }
            Some((stamp, _)) => ctx.day = stamp.day().or(ctx.day),
            None => out.undated.push(format!("{when_text} — {event_text}").trim_matches([' ', '—']).to_string()),
        }
    }
    ctx.zone = saved;
}

/// The kind of entry its words name, if any.
pub(crate) fn kind(event: &str) -> Option<&'static str> {
    let e = event.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| e.contains(w));
    if impact_starts(event) {
        Some("trigger")
    } else if has(&["resolved", "resolution", "incident closed", "all clear", "back to normal", "fully recovered"]) {
        Some("resolution")
    } else if has(&["mitigat", "rolled back", "rollback", "roll back", "reverted", "failed over"]) {
        Some("mitigation")
    } else if has(&["detect", "alert", "paged", "pager", "noticed", "reported by"]) {
        Some("detection")
    } else if has(&["escalat"]) {
        Some("escalation")
    } else if has(&["status page", "statuspage", "customers notified", "announced", "communicat"]) {
        Some("communication")
    } else if has(&["investigat"]) {
        Some("investigation")
    } else {
        None
    }
}

/// An entry that says impact began: "Impact begins", "Outage started".
pub(crate) fn impact_starts(event: &str) -> bool {
    let e = event.to_lowercase();
    let what = ["impact", "outage", "incident", "errors", "customers", "users"].iter().any(|w| e.contains(w));
    let start = ["start", "began", "begin"].iter().any(|w| e.contains(w));
    what && start && !e.contains("investigat")
}

/// The clock fields a timeline makes clear: the first entry saying impact
/// began, the first detection, the first mitigation, the last resolution.
pub(crate) fn clock(entries: &[Entry]) -> [Option<Stamp>; 4] {
    let first = |k: &str| entries.iter().find(|e| e.kind == Some(k) && e.at.is_clock()).map(|e| e.at);
    let started = entries.iter().find(|e| impact_starts(&e.event) && e.at.is_clock()).map(|e| e.at);
    let resolved = entries.iter().rev().find(|e| e.kind == Some("resolution") && e.at.is_clock()).map(|e| e.at);
    [started, first("detection"), first("mitigation"), resolved]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_with_zone_in_header_and_undatable_row() {
        let src = "\n| Date and Time in CET | Event |\n|---|---|\n| 2024-03-12 14:05 | Impact begins |\n\
                   | 14:20 | Alert fired |\n| sometime | Nobody knows |\n| 2022-05-?? | Cache resized |\n";
        let t = read(src, 0..src.len(), None, None);
        let at: Vec<String> = t.entries.iter().map(|e| e.at.yaml()).collect();
        assert_eq!(at, ["2024-03-12T13:05:00Z", "2024-03-12T13:20:00Z", "2022-05"]);
        assert_eq!(t.entries[0].kind, Some("trigger"));
        assert_eq!(t.entries[1].kind, Some("detection"));
        assert_eq!(t.undated, ["sometime — Nobody knows"]);
        assert!(!t.assumed_utc);
    }

    #[test]
    fn list_with_stated_zone_and_day_lines() {
        let src = "All times in PST.\n\n**2024-03-12**\n\n- 09:00 Deploy of [`v2`](https://x.example/v2)\n- 09:10 Mitigated by rollback\n- HH:mm Someone looked\n";
        let t = read(src, 0..src.len(), None, None);
        let at: Vec<String> = t.entries.iter().map(|e| e.at.yaml()).collect();
        assert_eq!(at, ["2024-03-12T17:00:00Z", "2024-03-12T17:10:00Z", "2024-03-12"]);
        assert_eq!(t.entries[2].event, "Someone looked");
        assert_eq!(t.entries[0].event, "Deploy of [`v2`](https://x.example/v2)");
        assert!(t.prose.is_empty());
        let [s, d, m, r] = clock(&t.entries);
        assert_eq!((s, d, r), (None, None, None));
        assert_eq!(m.map(Stamp::yaml).as_deref(), Some("2024-03-12T17:10:00Z"));
    }
}
