//! The reliability page: per service, availability per period over the
//! last 12 months against its objective, the error budget left in the
//! current period, a 90-day strip of days coloured by downtime, the
//! incidents that spent the budget, and how many reviewed retros of the
//! service have no windows. The figures are `report::uptime`'s, shared with
//! `retrobook report` and `api/uptime.json`.

use crate::error::Error;
use crate::render::Site;
use crate::render::charts::{self, Bar, Scale};
use crate::render::plan::{Page, Taxonomy};
use crate::render::urls::retro_url;
use crate::report::period::{Calendar, Range};
use crate::report::uptime::{Figure, Uptime, percent};
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

/// How many incidents each service lists.
const SPENDERS: usize = 10;
/// The days of the strip.
const STRIP_DAYS: u64 = 90;

#[derive(Serialize)]
pub(crate) struct Row {
    period: String,
    availability: String,
    downtime: f64,
    budget: Option<f64>,
    remaining: Option<f64>,
    /// `Some(false)` below the target.
    met: Option<bool>,
    has_budget: bool,
    overspent: bool,
    /// `month` or `quarter`.
    unit: &'static str,
    so_far: bool,
}

#[derive(Serialize)]
struct Day {
    date: String,
    /// 0: none, 1: under 5 minutes, 2: under 30, 3: more.
    level: u8,
    minutes: f64,
}

#[derive(Serialize)]
struct Spent {
    title: String,
    url: String,
    minutes: f64,
}

#[derive(Serialize)]
struct ServiceView {
    name: String,
    anchor: String,
    url: String,
    /// "99.9% per month", empty without an objective.
    objective: String,
    rows: Vec<Row>,
    current: Option<Row>,
    chart: String,
    strip: Vec<Day>,
    strip_text: String,
    spent: Vec<Spent>,
    without_windows: usize,
}

#[derive(Serialize)]
struct Gap {
    name: String,
    url: String,
    retros: usize,
}

/// The first day of the 12 months up to `today`'s.
fn twelve_months(today: NaiveDate) -> NaiveDate {
    let first = Calendar::month_of(today).first();
    first.checked_sub_months(Months::new(11)).unwrap_or(first)
}

pub(crate) fn row(f: &Figure) -> Row {
    Row {
        period: f.period.clone(),
        availability: percent(f.availability_percent),
        downtime: f.downtime_minutes,
        budget: f.budget_minutes,
        remaining: f.budget_remaining_minutes,
        met: f.target_percent.map(|t| f.availability_percent >= t),
        has_budget: f.budget_minutes.is_some(),
        overspent: f.budget_remaining_minutes.is_some_and(|r| r < 0.0),
        unit: if f.period.contains('Q') { "quarter" } else { "month" },
        so_far: f.so_far,
    }
}

/// How many counted retros of each service have no window on it.
fn without_windows<'s>(site: &Site<'s>) -> std::collections::BTreeMap<&'s str, usize> {
    let mut out = std::collections::BTreeMap::new();
    for r in site.retros.iter().filter(|r| crate::report::counts(r)) {
        for s in &r.services {
            if !r.service_impact.iter().any(|w| w.service.value == s.value) {
                *out.entry(s.value.as_str()).or_default() += 1;
            }
        }
    }
    out
}

pub fn render(site: &Site, page: &Page) -> Result<Vec<u8>, Error> {
    let root = site.root_of(page);
    let uptime = site.uptime();
    let gaps = without_windows(site);
    let services: Vec<ServiceView> =
        uptime.services().into_iter().map(|s| service(site, uptime, s, &gaps, root)).collect();
    let others: Vec<Gap> = (gaps.iter())
        .filter(|(s, _)| !uptime.has_windows(s) && uptime.objective(s).is_none())
        .map(|(s, n)| Gap { name: s.to_string(), url: format!("{root}{}", Taxonomy::Services.url(s, 1)), retros: *n })
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("services", &services);
    ctx.insert("others", &others);
    ctx.insert("weights", &site.config.uptime.weights.outage);
    ctx.insert("partial", &site.config.uptime.weights.partial);
    ctx.insert("degraded", &site.config.uptime.weights.degraded);
    site.html(page, "reliability.html", "Reliability", ctx)
}

fn service(
    site: &Site,
    uptime: &Uptime,
    name: &str,
    gaps: &std::collections::BTreeMap<&str, usize>,
    root: &str,
) -> ServiceView {
    let today = site.today;
    let from = twelve_months(today);
    let periods = Range { from, to: today }.periods(uptime.quarterly(name));
    let figures: Vec<Figure> = periods.iter().filter_map(|p| uptime.figure(name, *p, today)).collect();
    let objective = uptime.objective(name).map_or(String::new(), |o| {
        let per = if uptime.quarterly(name) { "quarter" } else { "month" };
        let zone = if o.zone.is_utc() { String::new() } else { format!(" of {}", o.zone.name()) };
        format!("{}% per calendar {per}{zone}", o.target)
    });
    let bars: Vec<Bar> = (figures.iter())
        .map(|f| Bar {
            label: format!("{}{}", f.period, if f.so_far { " (so far)" } else { "" }),
            segments: vec![(f.downtime_minutes, "bar")],
            value: format!("{}% · {} min", percent(f.availability_percent), f.downtime_minutes),
            url: None,
        })
        .collect();
    let title = format!("Weighted downtime of {name} per period, in minutes (logarithmic)");
    let chart = charts::hbars(&format!("downtime-{}", slug(name)), &title, &bars, Scale::LogMinutes, &[]);
    let first_day = today - chrono::Days::new(STRIP_DAYS - 1);
    let strip: Vec<Day> = (uptime.daily(name, first_day, today).into_iter())
        .map(|(d, m)| Day {
            date: d.to_string(),
            level: if m <= 0.0 {
                0
            } else if m < 5.0 {
                1
            } else if m < 30.0 {
                2
            } else {
                3
            },
            minutes: (m * 100.0).round() / 100.0,
        })
        .collect();
    let bad: Vec<&Day> = strip.iter().filter(|d| d.level > 0).collect();
    let strip_text = match bad.iter().max_by(|a, b| a.minutes.total_cmp(&b.minutes)) {
        None => format!("No downtime in the last {STRIP_DAYS} days."),
        Some(worst) => format!(
            "{} of the last {STRIP_DAYS} days had downtime; the most on {} ({} weighted minutes).",
            bad.len(),
            worst.date,
            worst.minutes
        ),
    };
    let spent = (uptime.spenders(name, from, today.succ_opt().unwrap_or(today)).into_iter())
        .take(SPENDERS)
        .map(|s| {
            let r = &site.retros[s.retro];
            Spent {
                title: r.title_text().to_string(),
                url: format!("{root}{}", retro_url(&r.id.value)),
                minutes: (s.minutes * 100.0).round() / 100.0,
            }
        })
        .collect();
    let current = uptime.figure(name, uptime.period_of(name, today), today).as_ref().map(row);
    ServiceView {
        name: name.to_string(),
        anchor: format!("service-{}", slug(name)),
        url: format!("{root}{}", Taxonomy::Services.url(name, 1)),
        objective,
        rows: figures.iter().map(row).collect(),
        current,
        chart,
        strip,
        strip_text,
        spent,
        without_windows: gaps.get(name).copied().unwrap_or(0),
    }
}

fn slug(name: &str) -> String {
    crate::render::urls::slug_for_url(name)
}

/// The service's line for its own page: the current period's figures.
pub(crate) fn service_line(site: &Site, name: &str) -> Option<(Row, String)> {
    let uptime = site.uptime();
    if !uptime.has_windows(name) && uptime.objective(name).is_none() {
        return None;
    }
    let f = uptime.figure(name, uptime.period_of(name, site.today), site.today)?;
    Some((row(&f), format!("reliability.html#service-{}", slug(name))))
}

/// `api/uptime.json`: every service's figures for every period of the
/// last 12 months up to today.
pub fn api(site: &Site) -> Vec<u8> {
    let uptime = site.uptime();
    let from = twelve_months(site.today);
    #[derive(Serialize)]
    struct Api {
        today: String,
        from: String,
        uptime: Vec<Figure>,
    }
    let from_day = NaiveDate::from_ymd_opt(from.year(), from.month(), 1).unwrap_or(from);
    let api = Api {
        today: site.today.to_string(),
        from: from_day.to_string(),
        uptime: uptime.figures(from_day, site.today, site.today),
    };
    let mut out = serde_json::to_vec_pretty(&api).expect("figures are JSON");
    out.push(b'\n');
    out
}

/// A vendor page's figures: weighted service-minutes per quarter, and the
/// contributing factors and open action items of its counted retros.
#[derive(Serialize)]
pub(crate) struct VendorView {
    quarters: Vec<Quarter>,
    factors: Vec<Listed>,
    open_items: Vec<Listed>,
}

#[derive(Serialize)]
struct Quarter {
    quarter: String,
    incidents: usize,
    minutes: f64,
}

#[derive(Serialize)]
struct Listed {
    id: String,
    text: String,
    url: String,
    retro: String,
}

/// How many factors and open items a vendor page lists.
const VENDOR_LISTED: usize = 50;

pub(crate) fn vendor(site: &Site, retros: &[usize], root: &str) -> VendorView {
    let weights = &site.config.uptime.weights;
    let counted: Vec<usize> = retros.iter().copied().filter(|&i| crate::report::counts(&site.retros[i])).collect();
    let mut quarters: std::collections::BTreeMap<Calendar, (usize, f64)> = std::collections::BTreeMap::new();
    for &i in &counted {
        let r = &site.retros[i];
        let Some(day) = crate::report::started_utc(r) else { continue };
        let minutes: f64 = Uptime::retro_minutes(r, weights).iter().map(|(_, m)| m).sum();
        let q = quarters.entry(Calendar::quarter_of(day)).or_default();
        q.0 += 1;
        q.1 += minutes;
    }
    let url = |i: usize, anchor: &str| format!("{root}{}#{anchor}", retro_url(&site.retros[i].id.value));
    let factors = (counted.iter())
        .flat_map(|&i| site.retros[i].factors.iter().map(move |f| (i, f)))
        .take(VENDOR_LISTED)
        .map(|(i, f)| Listed {
            id: f.id.value.clone(),
            text: f.description.value.clone(),
            url: url(i, "contributing-factors"),
            retro: site.retros[i].title_text().to_string(),
        })
        .collect();
    let open_items = (counted.iter())
        .flat_map(|&i| site.retros[i].actions().iter().map(move |a| (i, a)))
        .filter(|(_, a)| a.status.as_ref().is_some_and(|s| s.value.is_pending()))
        .take(VENDOR_LISTED)
        .map(|(i, a)| Listed {
            id: a.id.value.clone(),
            text: a.title.value.clone(),
            url: url(i, &a.id.value),
            retro: site.retros[i].title_text().to_string(),
        })
        .collect();
    VendorView {
        quarters: (quarters.into_iter().rev())
            .map(|(q, (n, m))| Quarter { quarter: q.to_string(), incidents: n, minutes: (m * 100.0).round() / 100.0 })
            .collect(),
        factors,
        open_items,
    }
}
