//! The insights page: what the repo says across its retros, every incident
//! counted. Each chart says what it covers, has a data table beside it, and
//! its bars link to the list they count (a service's page, the action list
//! filtered by status, a category's page). The patterns a reviewer looks
//! for (recurrences, repeated action items) come from `patterns`.

use super::patterns::{self, Chain, Repeat};
use crate::error::Error;
use crate::model::{ActionStatus, Retro};
use crate::render::Site;
use crate::render::charts::{self, Bar, Cell, Chart, Column, Legend, Scale, median, text};
use crate::render::plan::{Page, Taxonomy};
use crate::render::views::show_duration;
use crate::text::{one_or_many, plural};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
pub struct Insights {
    pub retro_count: usize,
    pub charts: Vec<Chart>,
    pub chains: Vec<Chain>,
    pub repeats: Vec<Repeat>,
}

/// The CSS class of severity `k` (0 the most severe); series past the
/// palette share its last color.
const SERIES: [&str; 6] = ["s0", "s1", "s2", "s3", "s4", "s5"];

pub fn render(site: &Site, page: &Page) -> Result<Vec<u8>, Error> {
    let root = site.root_of(page);
    let mut ctx = tera::Context::new();
    ctx.insert("insights", &insights(site.retros, &site.config.retro.severities, site.today, root));
    site.html(page, "insights.html", "Insights", ctx)
}

pub fn insights(retros: &[Retro], severities: &[String], today: NaiveDate, root: &str) -> Insights {
    Insights {
        retro_count: retros.len(),
        charts: vec![
            over_time(retros, severities),
            clock(retros, severities),
            per_service(retros, severities, root),
            categories(retros, root),
            follow_through(retros, today, root),
        ],
        chains: patterns::chains(retros, root),
        repeats: patterns::repeats(retros, root),
    }
}

/// The series a retro's severity falls in: its index among the configured
/// severities, or one past them for a missing or unknown one.
fn series(retro: &Retro, severities: &[String]) -> usize {
    let sev = retro.severity.as_ref().map(|s| s.value.as_str());
    sev.and_then(|s| severities.iter().position(|x| x == s)).unwrap_or(severities.len())
}

fn series_names(severities: &[String]) -> Vec<String> {
    severities.iter().cloned().chain(["no severity".to_string()]).collect()
}

/// How long a time axis buckets: months over three years or less,
/// quarters up to twelve years, years beyond.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Bucket {
    Month,
    Quarter,
    Year,
}

impl Bucket {
    fn for_span(first: NaiveDate, last: NaiveDate) -> Bucket {
        let months = (last.year() - first.year()) * 12 + last.month() as i32 - first.month() as i32 + 1;
        match months {
            ..=36 => Bucket::Month,
            37..=144 => Bucket::Quarter,
            _ => Bucket::Year,
        }
    }

    /// The bucket of a day, as a number that counts buckets.
    fn index(self, d: NaiveDate) -> i32 {
        match self {
            Bucket::Month => d.year() * 12 + d.month0() as i32,
            Bucket::Quarter => d.year() * 4 + d.month0() as i32 / 3,
            Bucket::Year => d.year(),
        }
    }

    fn label(self, index: i32) -> String {
        match self {
            Bucket::Month => format!("{}-{:02}", index.div_euclid(12), index.rem_euclid(12) + 1),
            Bucket::Quarter => format!("{} Q{}", index.div_euclid(4), index.rem_euclid(4) + 1),
            Bucket::Year => index.to_string(),
        }
    }

    /// The year a bucket falls in: the search page filters by year, so a
    /// month's or a quarter's bar links to the retros of its year.
    fn year(self, index: i32) -> i32 {
        match self {
            Bucket::Month => index.div_euclid(12),
            Bucket::Quarter => index.div_euclid(4),
            Bucket::Year => index,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Bucket::Month => "month",
            Bucket::Quarter => "quarter",
            Bucket::Year => "year",
        }
    }
}

/// Incidents over time, stacked by severity: every retro with a start
/// date, in buckets sized so the whole span fits.
fn over_time(retros: &[Retro], severities: &[String]) -> Chart {
    let dated: Vec<(NaiveDate, usize)> = (retros.iter())
        .filter_map(|r| r.started_at.as_ref().map(|s| (s.value.date(), series(r, severities))))
        .collect();
    let names = series_names(severities);
    let (first, last) = match (dated.iter().map(|d| d.0).min(), dated.iter().map(|d| d.0).max()) {
        (Some(f), Some(l)) => (f, l),
        _ => (NaiveDate::MIN, NaiveDate::MIN),
    };
    let bucket = Bucket::for_span(first, last);
    let (from, to) = (bucket.index(first), bucket.index(last));
    let mut cols: Vec<Column> =
        if dated.is_empty() { Vec::new() } else { (from..=to).map(|i| col(bucket, i, names.len())).collect() };
    for (d, k) in &dated {
        cols[(bucket.index(*d) - from) as usize].counts[*k] += 1;
    }
    // No empty "no severity" series in the legend or the table.
    let shown = if dated.iter().any(|d| d.1 == severities.len()) { names.len() } else { severities.len() };
    let classes: Vec<&str> = (0..shown).map(|k| SERIES[k.min(5)]).collect();
    let mut caption = match dated.len() {
        0 => "No retrospective has a start date yet.".to_string(),
        n => format!(
            "All {} with a start date, {} to {}, by {} of their start, stacked by severity; \
             each column links to the retros of its year.",
            plural(n, "incident"),
            bucket.label(from),
            bucket.label(to),
            bucket.name()
        ),
    };
    let undated = retros.len() - dated.len();
    if undated > 0 {
        let (retros, verb) = (plural(undated, "retrospective"), one_or_many(undated, "is", "are"));
        caption += &format!(" {retros} without a start date {verb} not on the chart.");
    }
    let mut head = vec![capitalized(bucket.name())];
    head.extend(names[..shown].iter().cloned());
    head.push("Total".into());
    let rows = (cols.iter())
        .map(|c| {
            let counts = c.counts[..shown].iter().map(text);
            // Like its column, an empty period links nowhere.
            let url = c.url.clone().filter(|_| c.counts.iter().sum::<usize>() > 0);
            let label = Cell { text: c.label.clone(), url };
            std::iter::once(label).chain(counts).chain([text(c.counts.iter().sum::<usize>())]).collect()
        })
        .collect();
    Chart {
        id: "over-time",
        title: format!("Incidents per {}", bucket.name()),
        caption,
        svg: charts::columns("over-time", "Incidents over time by severity", &cols, &classes, &names, false),
        legend: legend(&classes, &names),
        head,
        rows,
    }
}

fn col(bucket: Bucket, index: i32, series: usize) -> Column {
    let url = Some(search_url(&[("year", &bucket.year(index).to_string())]));
    Column { label: bucket.label(index), counts: vec![0; series], url }
}

/// The search page listing the retros with these facet values (it reads
/// them from the query string): the list a bar of a time or a severity
/// counts, where the site has no page of its own for it.
fn search_url(facets: &[(&str, &str)]) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    let query: Vec<String> =
        facets.iter().map(|(k, v)| format!("{k}={}", utf8_percent_encode(v, NON_ALPHANUMERIC))).collect();
    format!("search.html?{}", query.join("&"))
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

fn legend(classes: &[&'static str], names: &[String]) -> Vec<Legend> {
    classes.iter().zip(names).map(|(c, n)| Legend { class: c, label: n.clone() }).collect()
}

/// The three clock spans, from the start of impact.
const SPANS: [(&str, &str); 3] = [("detect", "to detect"), ("mitigate", "to mitigate"), ("resolve", "to resolve")];

/// Minutes from the start of impact to detection, mitigation and
/// resolution, and whether any of them rests on a guessed time.
fn spans(r: &Retro) -> [Option<(i64, bool)>; 3] {
    let Some(start) = &r.started_at else { return [None; 3] };
    [&r.detected_at, &r.mitigated_at, &r.resolved_at].map(|end| {
        let end = end.as_ref()?;
        let d = end.value.since(&start.value)?;
        // Detection before impact counts as no time to detect at all.
        Some((d.num_minutes().max(0), start.value.approximate || end.value.approximate))
    })
}

/// Median time to detect, mitigate and resolve per severity, on a log
/// scale so minutes and days both show, each bar with its sample count.
fn clock(retros: &[Retro], severities: &[String]) -> Chart {
    let (mut bars, mut rows) = (Vec::new(), Vec::new());
    let mut before_impact = 0;
    let approximate = retros.iter().filter(|r| spans(r).iter().flatten().any(|f| f.1)).count();
    for (k, sev) in severities.iter().enumerate() {
        let of_sev: Vec<&Retro> = retros.iter().filter(|r| series(r, severities) == k).collect();
        before_impact += of_sev.iter().filter(|r| r.detected_before_impact()).count();
        let list = search_url(&[("severity", sev)]);
        let mut row = vec![Cell { text: format!("{sev} ({})", of_sev.len()), url: Some(list.clone()) }];
        for (s, (class, what)) in SPANS.iter().enumerate() {
            let figures: Vec<(i64, bool)> = of_sev.iter().filter_map(|r| spans(r)[s]).collect();
            let guessed = figures.iter().any(|f| f.1);
            let mut minutes: Vec<i64> = figures.iter().map(|f| f.0).collect();
            let Some(m) = median(&mut minutes) else {
                row.push(text("—"));
                continue;
            };
            let shown =
                format!("{}{}", if guessed { "≈ " } else { "" }, show_duration(chrono::Duration::minutes(m as i64)));
            bars.push(Bar {
                label: format!("{sev} {what} (n={})", minutes.len()),
                segments: vec![(m, class)],
                value: shown.clone(),
                url: Some(list.clone()),
            });
            row.push(text(format!("{shown} (n={})", minutes.len())));
        }
        rows.push(row);
    }
    let ticks = [(1.0, "1 min"), (10.0, "10 min"), (60.0, "1 h"), (480.0, "8 h"), (1440.0, "1 d"), (10080.0, "1 w")];
    let legend = SPANS.iter().map(|(c, w)| Legend { class: c, label: format!("time {w}") }).collect();
    Chart {
        id: "clock",
        title: "Median time to detect, mitigate and resolve".into(),
        caption: clock_caption(before_impact, approximate),
        svg: charts::hbars("clock", "Median time to detect, mitigate and resolve", &bars, Scale::LogMinutes, &ticks),
        legend,
        head: ["Severity (incidents)", "Time to detect", "Time to mitigate", "Time to resolve"]
            .map(String::from)
            .into(),
        rows,
    }
}

/// What the clock medians rest on: detections before impact count as 0,
/// and guessed times are in the figures.
fn clock_caption(before_impact: usize, approximate: usize) -> String {
    let mut caption = "Median time from the start of impact, per severity, on a logarithmic scale; n is how many \
                       incidents each median rests on. Incidents with a date but no time of day are left out."
        .to_string();
    if before_impact > 0 {
        caption += &format!(" Incidents detected before impact ({before_impact}) count as 0 min to detect.");
    }
    if approximate > 0 {
        caption +=
            &format!(" Incidents with approximate clock times ({approximate}) make the figures marked ≈ approximate.");
    }
    caption
}

/// Incidents per service, the most severe ones marked.
fn per_service(retros: &[Retro], severities: &[String], root: &str) -> Chart {
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in retros {
        let worst = severities.first().is_some_and(|_| series(r, severities) == 0);
        for s in &r.services {
            let c = counts.entry(&s.value).or_default();
            c.0 += 1;
            c.1 += usize::from(worst);
        }
    }
    let mut sorted: Vec<(&str, (usize, usize))> = counts.into_iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let worst = severities.first().cloned().unwrap_or_else(|| "SEV1".into());
    let url = |s: &str| format!("{root}{}", Taxonomy::Services.url(s, 1));
    const SHOWN: usize = 15;
    let bars: Vec<Bar> = (sorted.iter().take(SHOWN))
        .map(|(s, (n, w))| Bar {
            label: s.to_string(),
            segments: vec![(*w as f64, "s0"), ((n - w) as f64, "bar")],
            value: if *w > 0 { format!("{n} · {w} {worst}") } else { n.to_string() },
            url: Some(url(s)),
        })
        .collect();
    let unlisted = retros.iter().filter(|r| r.services.is_empty()).count();
    let mut caption = format!("Incidents per affected service ({}", plural(sorted.len(), "service"));
    if sorted.len() > SHOWN {
        caption += &format!("; the {SHOWN} with the most drawn, every one in the table");
    }
    caption += &format!("); {worst} incidents in red. An incident counts once for each service it affected.");
    if unlisted > 0 {
        let (incidents, verb) = (plural(unlisted, "incident"), one_or_many(unlisted, "names", "name"));
        caption += &format!(" {incidents} {verb} no service.");
    }
    let rows = (sorted.iter())
        .map(|(s, (n, w))| vec![Cell { text: s.to_string(), url: Some(url(s)) }, text(n), text(w)])
        .collect();
    Chart {
        id: "services",
        title: format!("Incidents and {worst}s per service"),
        caption,
        svg: charts::hbars("services", "Incidents per service", &bars, Scale::Linear, &[]),
        legend: vec![Legend { class: "s0", label: worst.clone() }, Legend { class: "bar", label: "other".into() }],
        head: vec!["Service".into(), "Incidents".into(), worst],
        rows,
    }
}

/// Contributing-factor categories per year of the incident's start.
fn categories(retros: &[Retro], root: &str) -> Chart {
    let mut per: BTreeMap<&str, BTreeMap<i32, usize>> = BTreeMap::new();
    let mut undated = 0;
    for r in retros {
        let year = r.started_at.as_ref().map(|s| s.value.date().year());
        for c in r.factors.iter().filter_map(|f| f.category.as_ref()) {
            match year {
                Some(y) => *per.entry(&c.value).or_default().entry(y).or_default() += 1,
                None => undated += 1,
            }
        }
    }
    let years: Vec<i32> = {
        let all = per.values().flat_map(|m| m.keys().copied());
        let (min, max) = all.fold((i32::MAX, i32::MIN), |(a, b), y| (a.min(y), b.max(y)));
        if min > max { Vec::new() } else { (min..=max).collect() }
    };
    // More than eight years: the earliest folded into one column.
    let cut = years.len().saturating_sub(8);
    let mut columns: Vec<String> = years[cut..].iter().map(i32::to_string).collect();
    if cut > 0 {
        columns[0] = format!("≤ {}", years[cut]);
    }
    let column = |y: i32| years.iter().position(|&x| x == y).map_or(0, |p| p.saturating_sub(cut));
    let mut rows: Vec<(String, String, Vec<usize>)> = (per.iter())
        .map(|(c, by_year)| {
            let mut counts = vec![0; columns.len()];
            by_year.iter().for_each(|(y, n)| counts[column(*y)] += n);
            (c.to_string(), format!("{root}{}", Taxonomy::Categories.url(c, 1)), counts)
        })
        .collect();
    rows.sort_by(|a, b| b.2.iter().sum::<usize>().cmp(&a.2.iter().sum()).then(a.0.cmp(&b.0)));
    let total: usize = rows.iter().flat_map(|r| &r.2).sum();
    let mut caption = format!(
        "All {}, by the year their incident started; darker is more. \
         Each category links to its factors.",
        plural(total, "categorized contributing factor")
    );
    if undated > 0 {
        let (factors, verb) = (plural(undated, "factor"), one_or_many(undated, "is", "are"));
        caption += &format!(" {factors} of retrospectives without a start date {verb} left out.");
    }
    let mut head = vec!["Category".to_string()];
    head.extend(columns.iter().cloned());
    head.push("Total".into());
    let table = (rows.iter())
        .map(|(c, url, counts)| {
            let cells = counts.iter().map(text).chain([text(counts.iter().sum::<usize>())]);
            std::iter::once(Cell { text: c.clone(), url: Some(url.clone()) }).chain(cells).collect()
        })
        .collect();
    Chart {
        id: "categories",
        title: "Contributing-factor categories over time".into(),
        caption,
        svg: charts::heat("categories", "Contributing-factor categories per year", &columns, &rows),
        legend: Vec::new(),
        head,
        rows: table,
    }
}

/// Where an item stands for follow-through.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kept {
    OnTime,
    Late,
    DoneUndated,
    WontDo,
    Overdue,
    Pending,
    Unknown,
}

const KEPT: [(Kept, &str, &str, &str); 7] = [
    (Kept::OnTime, "done by the due date", "st-done", "status=done"),
    (Kept::Late, "done late", "st-late", "status=done"),
    (Kept::DoneUndated, "done, no completion or due date", "st-done-undated", "status=done"),
    (Kept::WontDo, "won't do", "st-wont-do", "status=wont-do"),
    (Kept::Overdue, "open, overdue", "st-overdue", "status=overdue"),
    (Kept::Pending, "open, not yet due", "st-open", "status="),
    (Kept::Unknown, "no status", "st-unknown", "status=any"),
];

/// Follow-through: items done by their due date (the item's `completed_at`
/// against the end of its due period), how late the others were, and what
/// is still open.
fn follow_through(retros: &[Retro], today: NaiveDate, root: &str) -> Chart {
    let mut counts: BTreeMap<Kept, usize> = BTreeMap::new();
    let mut late_days = Vec::new();
    for item in retros.iter().flat_map(|r| r.actions()) {
        let kept = match item.status.as_ref().map(|s| s.value) {
            Some(ActionStatus::Done) => match (&item.completed_at, &item.due) {
                (Some(done), Some(due)) if done.value <= due.value.end() => Kept::OnTime,
                (Some(done), Some(due)) => {
                    late_days.push((done.value - due.value.end()).num_days());
                    Kept::Late
                }
                _ => Kept::DoneUndated,
            },
            Some(ActionStatus::WontDo) => Kept::WontDo,
            Some(_) if item.is_overdue(today) => Kept::Overdue,
            Some(_) => Kept::Pending,
            None => Kept::Unknown,
        };
        *counts.entry(kept).or_default() += 1;
    }
    let total: usize = counts.values().sum();
    let share = |n: usize| n as f64 * 100.0 / total.max(1) as f64;
    let url = |q: &str| format!("{root}actions.html?{q}");
    let shown = KEPT.iter().filter(|k| counts.contains_key(&k.0));
    let bars: Vec<Bar> = (shown.clone())
        .map(|(k, label, class, q)| Bar {
            label: capitalized(label),
            segments: vec![(share(counts[k]), class)],
            value: format!("{:.0}% ({})", share(counts[k]), counts[k]),
            url: Some(url(q)),
        })
        .collect();
    let rows = (shown.clone())
        .map(|(k, label, _, q)| {
            vec![
                Cell { text: capitalized(label), url: Some(url(q)) },
                text(counts[k]),
                text(format!("{:.0}%", share(counts[k]))),
            ]
        })
        .collect();
    Chart {
        id: "follow-through",
        title: "Action-item follow-through".into(),
        caption: follow_caption(&counts, &mut late_days, total),
        svg: charts::hbars("follow-through", "Action-item follow-through", &bars, Scale::Linear, &[]),
        legend: Vec::new(),
        head: vec!["Items".into(), "Count".into(), "Share".into()],
        rows,
    }
}

fn follow_caption(counts: &BTreeMap<Kept, usize>, late_days: &mut [i64], total: usize) -> String {
    let n = |k| counts.get(&k).copied().unwrap_or(0);
    let judged = n(Kept::OnTime) + n(Kept::Late);
    let mut caption = format!("All {} by where they stand.", plural(total, "action item"));
    if judged > 0 {
        caption += &format!(
            " Of the {} with a completion date (completed_at) and a due date, {:.0}% were done by \
             the end of their due period",
            plural(judged, "done item"),
            n(Kept::OnTime) as f64 * 100.0 / judged as f64
        );
        caption += &match median(late_days) {
            Some(days) => format!(
                "; the late ones a median of {} {} late.",
                if days.fract() == 0.0 { format!("{days:.0}") } else { format!("{days:.1}") },
                if days == 1.0 { "day" } else { "days" }
            ),
            None => ".".to_string(),
        };
    }
    if n(Kept::DoneUndated) > 0 {
        caption += &format!(
            " Done items without a completion or a due date ({}): whether they were on time is unknown.",
            n(Kept::DoneUndated)
        );
    }
    caption
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, 15).unwrap()
    }

    #[test]
    fn the_bucket_grows_with_the_span_so_every_incident_fits() {
        assert_eq!(Bucket::for_span(day(2023, 12), day(2026, 11)), Bucket::Month, "36 months");
        assert_eq!(Bucket::for_span(day(2023, 11), day(2026, 11)), Bucket::Quarter, "37 months");
        assert_eq!(Bucket::for_span(day(2014, 12), day(2026, 11)), Bucket::Quarter, "144 months");
        assert_eq!(Bucket::for_span(day(2001, 1), day(2026, 11)), Bucket::Year);
        let q = Bucket::Quarter;
        assert_eq!(
            (q.label(q.index(day(2019, 5))), q.index(day(2020, 1)) - q.index(day(2019, 12))),
            ("2019 Q2".into(), 1)
        );
        assert_eq!(Bucket::Month.label(Bucket::Month.index(day(2026, 1))), "2026-01");
    }
}
