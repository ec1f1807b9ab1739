//! What templates see: plain serializable views of retros and action
//! items, with every display string computed once here (dates, durations,
//! URLs, inline Markdown), so templates stay simple and values stay escaped.

use super::markdown::{LinkContext, inline_html, retro_url};
use crate::model::{ActionItem, Retro, When};
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
pub struct ActionRow {
    pub retro_id: String,
    pub retro_title: String,
    pub retro_url: String,
    pub id: String,
    /// Whether the row carries `id` as its HTML id on the retro's page:
    /// only the first of items sharing an id (a `duplicate-id` error, built
    /// with --allow-errors) does, so ids stay unique.
    pub anchor: bool,
    pub url: String,
    pub title_html: String,
    pub owner: String,
    pub owner_url: String,
    pub status: String,
    pub pending: bool,
    pub overdue: bool,
    pub due: String,
    pub kind: String,
    pub priority: String,
    pub factors: Vec<String>,
    pub link: Option<String>,
    pub completed_at: String,
    pub services: Vec<String>,
    pub severity: String,
}

/// A term (service, team, tag, category, owner) and where its page is.
#[derive(Debug, Clone, Serialize)]
pub struct TermLink {
    pub name: String,
    pub url: String,
    pub count: usize,
}

pub fn slug_for_url(name: &str) -> String {
    let slug = crate::text::slugify(name);
    if slug.is_empty() { "unnamed".into() } else { slug }
}

pub fn owner_url(owner: &str) -> String {
    format!("owners/{}.html", slug_for_url(owner))
}

pub fn term_url(kind: &str, name: &str) -> String {
    format!("{kind}/{}.html", slug_for_url(name))
}

/// `2026-03-14 09:12 UTC`, `2026-03-14 10:12 +01:00`, or a date alone.
pub fn show_when(when: &When) -> String {
    use chrono::Timelike;
    match when {
        When::Date(d) => d.to_string(),
        // Not through `format`, which reads its pattern on every call:
        // every retro page shows several times.
        When::Time(t) if t.offset().local_minus_utc() == 0 => {
            format!("{} {:02}:{:02} UTC", t.date_naive(), t.hour(), t.minute())
        }
        When::Time(t) => t.format("%Y-%m-%d %H:%M %:z").to_string(),
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
        date: started.map(|s| s.date().to_string()).unwrap_or_default(),
        year: started.map(|s| s.date().format("%Y").to_string()).unwrap_or_default(),
        services: (retro.services.iter())
            .filter(|_| summary)
            .map(|s| TermLink {
                name: s.value.clone(),
                url: format!("{}{}", ctx.root, term_url("services", &s.value)),
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

/// Time from `started_at` to `end`, when both carry a time of day.
pub fn time_to(retro: &Retro, end: &Option<crate::model::At<When>>) -> Option<String> {
    let (start, end) = (retro.started_at.as_ref()?, end.as_ref()?);
    end.value.since(&start.value).map(show_duration)
}

pub fn action_row(retro: &Retro, item: &ActionItem, ctx: &LinkContext, today: NaiveDate) -> ActionRow {
    let owner = item.owner_name().unwrap_or("(no owner)").to_string();
    let page = format!("{}{}", ctx.root, retro_url(&retro.id.value));
    ActionRow {
        retro_id: retro.id.value.clone(),
        retro_title: retro.title_text().to_string(),
        retro_url: page.clone(),
        id: item.id.value.clone(),
        anchor: true,
        url: format!("{page}#{}", item.id.value),
        title_html: inline_html(&item.title.value, ctx),
        owner_url: format!("{}{}", ctx.root, owner_url(&owner)),
        owner,
        status: item.status.as_ref().map(|s| s.value.to_string()).unwrap_or_default(),
        pending: item.status.as_ref().is_some_and(|s| s.value.is_pending()),
        overdue: item.is_overdue(today),
        due: item.due.as_ref().map(|d| d.value.to_string()).unwrap_or_default(),
        kind: item.kind.map(|k| k.to_string()).unwrap_or_default(),
        priority: item.priority.map(|p| p.to_string()).unwrap_or_default(),
        factors: item.factors.iter().map(|f| f.value.clone()).collect(),
        link: item.link.as_ref().and_then(|l| crate::link::href(&l.value)),
        completed_at: item.completed_at.as_ref().map(|d| d.value.to_string()).unwrap_or_default(),
        services: retro.services.iter().map(|s| s.value.clone()).collect(),
        severity: retro.severity.as_ref().map(|s| s.value.clone()).unwrap_or_default(),
    }
}

/// The order action items are listed in: overdue first (oldest due
/// first), then the rest still pending, then closed; ties by retro and id.
pub fn action_order(a: &ActionRow, b: &ActionRow) -> std::cmp::Ordering {
    let rank = |r: &ActionRow| {
        if r.overdue {
            0
        } else if r.pending {
            1
        } else {
            2
        }
    };
    // Undated items last.
    (rank(a), a.due.is_empty(), &a.due, &a.retro_id, &a.id).cmp(&(
        rank(b),
        b.due.is_empty(),
        &b.due,
        &b.retro_id,
        &b.id,
    ))
}
