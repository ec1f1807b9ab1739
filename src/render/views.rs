//! What templates see: plain serializable views of retros and action
//! items, with every display string computed once here (dates, durations,
//! URLs, inline Markdown), so templates stay simple and values stay escaped.

use super::markdown::{LinkContext, inline_html};
use super::plan::{Owner, Taxonomy};
use super::urls::retro_url;
use crate::model::{ActionItem, At, Clock, ImpactLevel, Retro, When, Ymd};
use chrono::{Duration, NaiveDate};
use serde::Serialize;

/// A retro as listed on home, index and term pages. As a row of a compact
/// table (see `card`), it has no summary, services or tags.
#[derive(Debug, Clone, Serialize)]
pub struct RetroCard {
    pub id: String,
    pub url: String,
    pub title: String,
    pub severity: String,
    pub status: String,
    pub date: String,
    pub year: String,
    pub services: Vec<TermLink>,
    pub tags: Vec<String>,
    pub summary_html: String,
    pub open_actions: usize,
    pub overdue_actions: usize,
    pub near_miss: bool,
    pub duration: Option<String>,
}

/// An action item with its retro, as listed anywhere.
#[derive(Debug, Clone, Serialize)]
pub struct ActionRow<'a> {
    pub retro_id: &'a str,
    pub retro_title: &'a str,
    pub retro_url: String,
    pub id: &'a str,
    /// Whether the row carries `id` as its HTML id on the retro's page:
    /// only the first of items sharing an id (a `duplicate-id` error, built
    /// with --allow-errors) does, so ids stay unique.
    pub anchor: bool,
    pub url: String,
    pub title_html: String,
    pub owner: &'a str,
    /// The roster's name with the handle (`Site::person_name`).
    pub owner_name: String,
    pub owner_url: String,
    pub status: &'a str,
    pub pending: bool,
    pub overdue: bool,
    /// Days past the due date, for an overdue item.
    pub days_overdue: Option<i64>,
    /// As written: a day, a month (`2026-03`) or a quarter (`2026-Q1`).
    pub due: String,
    /// The last day of the due period (`2026-03-31`), what overdue is
    /// judged on and rows sort by; empty when there is no `due`.
    pub due_end: String,
    pub kind: &'a str,
    pub priority: &'a str,
    pub factors: Vec<&'a str>,
    pub link: Option<&'a str>,
    /// What the link shows: the ticket key (`STOR-612`, `acme/api#12`) or
    /// the URL's host; a bare key without a base URL is text alone.
    pub link_text: &'a str,
    /// The item's ticket in the tracker exports, when a run has some.
    pub ticket: Option<crate::tracker::TicketView>,
    pub completed_at: String,
    pub services: Vec<&'a str>,
    pub severity: &'a str,
    /// The item's history in one line ("added 4 Mar 2026, due moved
    /// twice, done 1 May 2026 — 12 days late"), on its retro's page.
    pub history: String,
}

/// A term (service, team, tag, category, owner) and where its page is.
#[derive(Debug, Clone, Serialize)]
pub struct TermLink {
    pub name: String,
    pub url: String,
    pub count: usize,
}

/// `2026-03-14 09:12 UTC`, `2026-03-14 10:12 +01:00`, or a date, a month
/// (`2019-06`) or a year (`2019`) alone, as written.
pub fn show_when(when: &When) -> String {
    match when {
        When::Time(t) => format!("{} {}", Ymd(t.date_naive()), show_clock_time(when)),
        other => other.to_string(),
    }
}

/// The time of day of a timestamp and its zone, `09:12 UTC` or
/// `10:12 +01:00` (joined by a no-break space); empty for anything coarser.
fn show_clock_time(when: &When) -> String {
    use chrono::Timelike;
    match when {
        // Not through `format`, which reads its pattern on every call:
        // every retro page shows several times.
        // A no-break space: the zone never wraps away from its time.
        When::Time(t) if t.offset().local_minus_utc() == 0 => format!("{:02}:{:02}\u{a0}UTC", t.hour(), t.minute()),
        When::Time(t) => t.format("%H:%M\u{a0}%:z").to_string(),
        _ => String::new(),
    }
}

/// A clock field as the page shows it: a guessed time reads
/// `2026-03-14 about 23:30 UTC`.
pub fn show_clock(clock: &Clock) -> String {
    match clock.when {
        When::Time(t) if clock.approximate => format!("{} about {}", t.date_naive(), show_clock_time(&clock.when)),
        when => show_when(&when),
    }
}

/// `45 min`, `3 h 05 min`, `2 d 4 h`.
pub fn show_duration(d: Duration) -> String {
    let minutes = d.num_minutes().max(0);
    match minutes {
        m if m < 60 => format!("{m} min"),
        m if m < 48 * 60 => format!("{} h {:02} min", m / 60, m % 60),
        m => format!("{} d {} h", m / (24 * 60), (m / 60) % 24),
    }
}

/// A retro as listed. `summary` renders its summary's Markdown and lists
/// its services and tags, which only cards show; the compact tables of long
/// lists, where a big site lists every retro several times, leave them out.
pub fn card(retro: &Retro, ctx: &LinkContext, today: NaiveDate, summary: bool) -> RetroCard {
    let started = retro.started_at.as_ref().map(|s| s.value);
    RetroCard {
        id: retro.id.value.clone(),
        url: format!("{}{}", ctx.root, retro_url(&retro.id.value)),
        title: retro.title_text().to_string(),
        severity: retro.severity.as_ref().map(|s| s.value.clone()).unwrap_or_default(),
        status: retro.status.as_ref().map(|s| s.value.to_string()).unwrap_or_default(),
        date: retro.started_day(),
        year: started.map(|s| s.date().format("%Y").to_string()).unwrap_or_default(),
        services: (retro.services.iter())
            .filter(|_| summary)
            .map(|s| TermLink {
                name: s.value.clone(),
                url: format!("{}{}", ctx.root, Taxonomy::Services.url(&s.value, 1)),
                count: 0,
            })
            .collect(),
        tags: retro.tags.iter().filter(|_| summary).map(|s| s.value.clone()).collect(),
        summary_html: retro
            .summary
            .as_ref()
            .filter(|_| summary)
            .map(|s| inline_html(&s.value, ctx))
            .unwrap_or_default(),
        open_actions: retro
            .actions()
            .iter()
            .filter(|a| a.status.as_ref().is_some_and(|s| s.value.is_pending()))
            .count(),
        overdue_actions: retro.actions().iter().filter(|a| a.is_overdue(today)).count(),
        near_miss: retro.near_miss,
        duration: time_to(retro, &retro.resolved_at),
    }
}

/// Time from `started_at` to `end`, when both carry a time of day;
/// `≈ 6 h 00 min` when either is a guess.
pub fn time_to(retro: &Retro, end: &Option<At<Clock>>) -> Option<String> {
    let (start, end) = (retro.started_at.as_ref()?, end.as_ref()?);
    let d = end.value.since(&start.value)?;
    Some(approx(start.value.approximate || end.value.approximate, d))
}

fn approx(approximate: bool, d: Duration) -> String {
    if approximate { format!("≈ {}", show_duration(d)) } else { show_duration(d) }
}

/// Time to detect; detection before impact says so (and by how much,
/// when both times are known) instead of a negative duration.
pub fn time_to_detect(retro: &Retro) -> Option<String> {
    if !retro.detected_before_impact() {
        return time_to(retro, &retro.detected_at);
    }
    let (start, detected) = (retro.started_at.as_ref()?, retro.detected_at.as_ref()?);
    Some(match start.value.since(&detected.value) {
        Some(d) => {
            format!("detected before impact (by {})", approx(start.value.approximate || detected.value.approximate, d))
        }
        None => "detected before impact".into(),
    })
}

/// One line of a retro's incident clock.
#[derive(Debug, Clone, Serialize)]
pub struct ClockEntry {
    pub label: &'static str,
    pub value: String,
    /// The full value, for `<time datetime>`.
    pub datetime: String,
    pub approximate: bool,
}

/// The incident clock's fields with their labels, in order.
pub fn clock_fields(retro: &Retro) -> [(&'static str, &Option<At<Clock>>); 4] {
    [
        ("Started", &retro.started_at),
        ("Detected", &retro.detected_at),
        ("Mitigated", &retro.mitigated_at),
        ("Resolved", &retro.resolved_at),
    ]
}

pub fn clock_entries(retro: &Retro) -> Vec<ClockEntry> {
    clock_fields(retro)
        .into_iter()
        .filter_map(|(label, w)| {
            let w = &w.as_ref()?.value;
            Some(ClockEntry { label, value: show_clock(w), datetime: w.when.to_string(), approximate: w.approximate })
        })
        .collect()
}

/// A timeline entry as the retro page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineView {
    pub at: String,
    pub datetime: String,
    /// The end of a span as shown: the time alone when the span ends the
    /// day it starts (`11:32–13:05 UTC`); empty for a moment.
    pub until: String,
    pub until_datetime: String,
    /// A span within one day, written `11:32–13:05` (else ` – ` between
    /// two full values).
    pub same_day: bool,
    pub kind: String,
    /// A `service_impact` window's level (`outage`, …); empty for entries.
    pub level: &'static str,
    /// The window's service, shown before its event.
    pub service: String,
    pub approximate: bool,
    pub event_html: String,
    pub before_start: bool,
}

/// The timeline in time order (a month or a year sorts at its start;
/// entries without a valid time keep their place at the end), each moment
/// or span shown as precisely as the retro gives it. The `service_impact`
/// windows are spans on it too, each where it began.
pub fn timeline(retro: &Retro, ctx: &LinkContext) -> Vec<TimelineView> {
    let entries = retro.timeline.iter().map(|t| {
        let at = t.at.as_ref().map(|a| a.value);
        let view = TimelineView {
            kind: t.kind.map(|k| k.to_string()).unwrap_or_else(|| "note".into()),
            approximate: t.approximate,
            event_html: inline_html(&t.event.value, ctx),
            before_start: match (at, &retro.started_at) {
                (Some(at), Some(start)) => start.value.is_after(&at),
                _ => false,
            },
            ..span_view(at, t.until.as_ref().map(|u| u.value))
        };
        (at.map(|a| a.sort_key()), view)
    });
    let windows = retro.service_impact.iter().map(|w| {
        let (from, to) = (When::Time(w.from.value), When::Time(w.to.value));
        let view = TimelineView {
            kind: "impact".into(),
            level: w.level.as_str(),
            approximate: w.approximate,
            service: w.service.value.clone(),
            event_html: format!("{} for {}", level_label(w.level), show_duration(w.to.value - w.from.value)),
            ..span_view(Some(from), Some(to))
        };
        (Some(from.sort_key()), view)
    });
    let mut all: Vec<_> = entries.chain(windows).collect();
    // Stable: entries at one time keep the order they are written in.
    all.sort_by_key(|(key, _)| (key.is_none(), *key));
    all.into_iter().map(|(_, view)| view).collect()
}

/// What the users saw, in the words of status pages.
pub fn level_label(level: ImpactLevel) -> &'static str {
    match level {
        ImpactLevel::Outage => "outage",
        ImpactLevel::Partial => "partial outage",
        ImpactLevel::Degraded => "degraded performance",
    }
}

/// A span's ends as shown, and whether it ends the day it starts (in the
/// same offset): then the start leaves its zone and the end its date out,
/// `2026-03-14 11:32` and `13:05 UTC`.
fn span_texts(at: Option<When>, until: Option<When>) -> (String, String, bool) {
    use chrono::Timelike;
    match (at, until) {
        (Some(When::Time(a)), Some(u @ When::Time(b)))
            if a.date_naive() == b.date_naive() && a.offset() == b.offset() =>
        {
            (format!("{} {:02}:{:02}", Ymd(a.date_naive()), a.hour(), a.minute()), show_clock_time(&u), true)
        }
        _ => (at.map(|a| show_when(&a)).unwrap_or_default(), until.map(|u| show_when(&u)).unwrap_or_default(), false),
    }
}

/// A span in one piece: `2026-03-14 11:32–13:05 UTC`.
pub fn show_span(at: When, until: When) -> String {
    let (a, b, same_day) = span_texts(Some(at), Some(until));
    if same_day { format!("{a}–{b}") } else { format!("{a} – {b}") }
}

/// A moment or a span's ends as shown: `2026-03-01 11:32–13:05 UTC`, the
/// zone once at the end when the span ends the day it starts.
fn span_view(at: Option<When>, until: Option<When>) -> TimelineView {
    let (at_text, until_text, same_day) = span_texts(at, until);
    TimelineView {
        at: at_text,
        datetime: at.map(|a| a.to_string()).unwrap_or_default(),
        until: until_text,
        until_datetime: until.map(|u| u.to_string()).unwrap_or_default(),
        same_day,
        kind: String::new(),
        level: "",
        service: String::new(),
        approximate: false,
        event_html: String::new(),
        before_start: false,
    }
}

pub fn action_row<'a>(retro: &'a Retro, item: &'a ActionItem, ctx: &LinkContext, today: NaiveDate) -> ActionRow<'a> {
    let owner = Owner::of(item);
    let owner_name = item.owner_name().unwrap_or(Owner::NONE);
    let page = format!("{}{}", ctx.root, retro_url(&retro.id.value));
    ActionRow {
        retro_id: &retro.id.value,
        retro_title: retro.title_text(),
        retro_url: page.clone(),
        id: &item.id.value,
        anchor: true,
        url: format!("{page}#{}", item.id.value),
        title_html: inline_html(&item.title.value, ctx),
        owner_url: format!("{}{}", ctx.root, owner.url(1)),
        owner_name: owner_name.to_string(),
        owner: owner_name,
        status: item.status.as_ref().map(|s| s.value.as_str()).unwrap_or_default(),
        pending: item.status.as_ref().is_some_and(|s| s.value.is_pending()),
        overdue: item.is_overdue(today),
        days_overdue: (item.is_overdue(today))
            .then(|| item.due.as_ref().map(|d| (today - d.value.end()).num_days()))
            .flatten(),
        due: item.due.as_ref().map(|d| d.value.to_string()).unwrap_or_default(),
        due_end: item.due.as_ref().map(|d| Ymd(d.value.end()).to_string()).unwrap_or_default(),
        kind: item.kind.map(|k| k.as_str()).unwrap_or_default(),
        priority: item.priority.map(|p| p.as_str()).unwrap_or_default(),
        factors: item.factors.iter().map(|f| f.value.as_str()).collect(),
        // A bare ticket key (`OPS-123`) has a URL only through [tracker.base_url].
        link: item.link_url.as_deref(),
        link_text: &item.link_text,
        ticket: None,
        completed_at: item.completed_at.as_ref().map(|d| Ymd(d.value).to_string()).unwrap_or_default(),
        services: retro.services.iter().map(|s| s.value.as_str()).collect(),
        severity: retro.severity.as_ref().map(|s| s.value.as_str()).unwrap_or_default(),
        history: String::new(),
    }
}
