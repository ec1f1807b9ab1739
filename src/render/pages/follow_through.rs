//! The follow-through page: what happened to the action items after their
//! retro, from the git history (`crate::history`): items closed per month
//! against items opened, the share done by their due date, the median days
//! to close by priority, kind and team, the most slipped items and the
//! stale ones, each linking to its retro. Planned only when the history
//! was read.

use crate::error::Error;
use crate::history::{ItemHistory, lateness};
use crate::model::{ActionItem, Retro};
use crate::render::Site;
use crate::render::charts::{self, Bar, Cell, Chart, Column, Legend, Scale, median, text};
use crate::render::plan::{Owner, Page};
use crate::render::urls::retro_url;
use chrono::Datelike;
use serde::Serialize;
use std::collections::BTreeMap;

/// What groups items for a median (their priority, kind or team).
type GroupKey<'k> = dyn Fn(&ActionItem) -> String + 'k;

/// How many of the most slipped and of the stale items the page lists.
const LISTED: usize = 50;

#[derive(Serialize)]
struct ItemLine {
    retro_id: String,
    retro_title: String,
    url: String,
    id: String,
    title: String,
    owner: String,
    status: String,
    slips: usize,
    first_due: String,
    last_due: String,
    days_unchanged: i64,
    summary: String,
}

#[derive(Serialize)]
struct View {
    items: usize,
    /// Items that came in through an import, and the threshold that says so.
    imported: usize,
    import_days: u32,
    /// Items first committed already closed (besides the imported ones).
    came_closed: usize,
    complete: bool,
    head: String,
    stale_days: u32,
    charts: Vec<Chart>,
    slipped: Vec<ItemLine>,
    slipped_total: usize,
    stale: Vec<ItemLine>,
    stale_total: usize,
}

pub fn render(site: &Site, page: &Page) -> Result<Vec<u8>, Error> {
    let history = site.history.expect("the page is planned only with a history");
    let root = site.root_of(page);
    let items: Vec<(&Retro, &ActionItem, &ItemHistory)> = site
        .retros
        .iter()
        .flat_map(|r| r.actions().iter().map(move |a| (r, a)))
        .filter_map(|(r, a)| history.get(&r.id.value, &a.id.value).map(|h| (r, a, h)))
        .collect();
    let line = |(r, a, h): &(&Retro, &ActionItem, &ItemHistory)| ItemLine {
        retro_id: r.id.value.clone(),
        retro_title: r.title_text().to_string(),
        url: format!("{root}{}#{}", retro_url(&r.id.value), a.id.value),
        id: a.id.value.clone(),
        title: a.title.value.clone(),
        owner: a.owner_name().unwrap_or_default().to_string(),
        status: a.status.as_ref().map(|s| s.value.to_string()).unwrap_or_default(),
        slips: h.slips(),
        first_due: h.first_due.clone().unwrap_or_default(),
        last_due: h.last_due.clone().unwrap_or_default(),
        days_unchanged: h.idle_days(site.today).unwrap_or_default(),
        summary: h.summary(),
    };
    let mut slipped: Vec<_> = items.iter().filter(|(_, _, h)| h.slips() > 0).collect();
    // Most slips first; then the retro and item, so the order is stable.
    slipped.sort_by(|a, b| {
        b.2.slips().cmp(&a.2.slips()).then_with(|| (&a.0.id.value, &a.1.id.value).cmp(&(&b.0.id.value, &b.1.id.value)))
    });
    let days = site.config.history.stale_days;
    let mut stale: Vec<_> = items.iter().filter(|(_, _, h)| h.is_stale(site.today, days)).collect();
    stale.sort_by_key(|(r, a, h)| (std::cmp::Reverse(h.idle_days(site.today)), &r.id.value, &a.id.value));
    let came_in =
        |imported: bool| (items.iter()).filter(|(_, _, h)| h.came_in.is_some() && h.imported == imported).count();
    let view = View {
        items: items.len(),
        imported: came_in(true),
        import_days: site.config.history.import_days,
        came_closed: came_in(false),
        complete: history.complete,
        head: history.head.as_deref().map(|h| h[..h.len().min(12)].to_string()).unwrap_or_default(),
        stale_days: days,
        charts: charts(site, &items),
        slipped_total: slipped.len(),
        slipped: slipped.iter().take(LISTED).map(|x| line(x)).collect(),
        stale_total: stale.len(),
        stale: stale.iter().take(LISTED).map(|x| line(x)).collect(),
    };
    let mut ctx = tera::Context::new();
    ctx.insert("follow", &view);
    site.html(page, "follow_through.html", "Follow-through", ctx)
}

fn charts(site: &Site, items: &[(&Retro, &ActionItem, &ItemHistory)]) -> Vec<Chart> {
    let mut months: BTreeMap<(i32, u32), (usize, usize)> = BTreeMap::new();
    for (_, _, h) in items {
        if let Some(a) = &h.added {
            months.entry((a.date.year(), a.date.month())).or_default().0 += 1;
        }
        if let Some(c) = &h.closed {
            months.entry((c.date.year(), c.date.month())).or_default().1 += 1;
        }
    }
    // Every month between the first and the last, so the time axis is even.
    if let (Some(&first), Some(&last)) = (months.keys().next(), months.keys().next_back()) {
        let mut m = first;
        while m < last {
            m = if m.1 == 12 { (m.0 + 1, 1) } else { (m.0, m.1 + 1) };
            months.entry(m).or_default();
        }
    }
    let months: Vec<(String, usize, usize)> =
        months.into_iter().map(|((y, m), (o, c))| (format!("{y}-{m:02}"), o, c)).collect();
    let mut charts = vec![opened_closed(&months), on_time(items)];
    let team = |a: &ActionItem| {
        let teams = site.teams_of(&Owner::named(a.owner_name().unwrap_or_default()));
        teams.into_iter().next().map(|t| t.name).unwrap_or_else(|| "no team".into())
    };
    let groups: [(&'static str, &str, &GroupKey); 3] = [
        ("close-priority", "priority", &|a| a.priority.map(|p| p.to_string()).unwrap_or_else(|| "none".into())),
        ("close-kind", "kind", &|a| a.kind.map(|k| k.to_string()).unwrap_or_else(|| "none".into())),
        ("close-team", "team", &team),
    ];
    for (id, by, key) in groups {
        charts.push(days_to_close(id, by, items, key));
    }
    charts
}

/// Items opened and closed per month, side by side, over the last 36
/// months with either: `months` is (label `YYYY-MM`, opened, closed).
fn opened_closed(months: &[(String, usize, usize)]) -> Chart {
    let shown = &months[months.len().saturating_sub(36)..];
    let cols: Vec<Column> =
        shown.iter().map(|(m, o, c)| Column { label: m.clone(), counts: vec![*o, *c], url: None }).collect();
    let (classes, names) = (["opened", "closed"], ["opened".to_string(), "closed".to_string()]);
    let title = "Action items opened and closed per month";
    Chart {
        id: "opened-closed",
        title: title.into(),
        caption: "Items by the month they were opened (the commit that added them, or the incident for an item \
                  imported or first committed closed) and the month they were closed (done or won't do; an \
                  item's completed_at where it gives one), over the last 36 months."
            .into(),
        svg: charts::columns("opened-closed", title, &cols, &classes, &names, true),
        legend: classes.iter().zip(&names).map(|(c, n)| Legend { class: c, label: n.clone() }).collect(),
        head: ["Month", "Opened", "Closed"].map(String::from).into(),
        rows: shown.iter().map(|(m, o, c)| vec![text(m), text(o), text(c)]).collect(),
    }
}

/// Horizontal bars (label, value, what the bar prints) with their table.
fn bar_chart(
    id: &'static str,
    title: &str,
    caption: String,
    head: &[&str],
    rows: Vec<(String, f64, Vec<String>)>,
) -> Chart {
    let bars: Vec<Bar> = (rows.iter())
        .map(|(label, value, cells)| Bar {
            label: label.clone(),
            segments: vec![(*value, "bar")],
            value: cells.first().cloned().unwrap_or_default(),
            url: None,
        })
        .collect();
    Chart {
        id,
        title: title.into(),
        caption,
        svg: charts::hbars(id, title, &bars, Scale::Linear, &[]),
        legend: Vec::new(),
        head: head.iter().map(|h| h.to_string()).collect(),
        rows: (rows.into_iter())
            .map(|(label, _, cells)| std::iter::once(label).chain(cells).map(|t| Cell { text: t, url: None }).collect())
            .collect(),
    }
}

/// The share of done items done by their due date: the one in force when
/// the item was added, and the last one.
fn on_time(items: &[(&Retro, &ActionItem, &ItemHistory)]) -> Chart {
    let mut rows = Vec::new();
    for (label, late) in [
        ("by the first due", &(|h: &ItemHistory| h.days_late_first()) as &dyn Fn(&ItemHistory) -> Option<i64>),
        ("by the last due", &|h: &ItemHistory| h.days_late_last()),
    ] {
        let mut lates: Vec<i64> = items.iter().filter_map(|(_, _, h)| late(h)).collect();
        let on_time = lates.iter().filter(|&&d| d <= 0).count();
        let share = if lates.is_empty() { 0.0 } else { on_time as f64 * 100.0 / lates.len() as f64 };
        let median = median(&mut lates).map(|m| lateness(m.round() as i64)).unwrap_or_else(|| "—".into());
        let cells = vec![format!("{share:.0}%"), format!("{on_time} of {}", lates.len()), median];
        rows.push((label.to_string(), share, cells));
    }
    bar_chart(
        "on-time",
        "Done by the due date",
        "Of the items done that had a due date: the share done by it, against the due in force when the item was \
         added and against the last one (a moved due date makes the second look better)."
            .into(),
        &["Against", "Done by it (%)", "Items", "Median"],
        rows,
    )
}

/// The median days from added to closed per group of items.
fn days_to_close(id: &'static str, by: &str, items: &[(&Retro, &ActionItem, &ItemHistory)], key: &GroupKey) -> Chart {
    let mut groups: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for (_, a, h) in items {
        if let Some(days) = h.days_to_close() {
            groups.entry(key(a)).or_default().push(days);
        }
    }
    let rows = groups
        .into_iter()
        .filter_map(|(group, mut days)| {
            let n = days.len();
            let m = median(&mut days)?;
            Some((group, m, vec![format!("{m:.0}"), n.to_string()]))
        })
        .collect();
    let title = format!("Median days to close by {by}");
    let caption = format!(
        "Days from an item's opening to its closing, per {by}; an item whose close date is not known (imported or \
         first committed closed, without completed_at) is left out."
    );
    bar_chart(id, &title, caption, &[by, "Median days", "Items closed"], rows)
}
