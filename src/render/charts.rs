//! The insights page's charts, drawn as inline SVG by our own code: no
//! chart library, no JavaScript, readable in print and with a data table
//! beside each chart for screen readers. Colors come from CSS classes so
//! the theme (and dark mode) decides them.

use super::feeds::xml;
use crate::config::Config;
use crate::model::{ActionStatus, Retro};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Debug, Serialize)]
pub struct Insights {
    pub retro_count: usize,
    pub charts: Vec<Chart>,
}

#[derive(Debug, Serialize)]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub caption: String,
    pub svg: String,
    pub table_head: Vec<String>,
    pub table_rows: Vec<Vec<String>>,
}

const WIDTH: f64 = 720.0;

pub fn insights(retros: &[Retro], config: &Config, today: NaiveDate) -> Insights {
    Insights {
        retro_count: retros.len(),
        charts: vec![
            per_month(retros, config),
            categories(retros),
            follow_through(retros, today),
            clock(retros, config),
        ],
    }
}

fn svg_open(id: &str, title: &str, height: f64) -> String {
    format!(
        "<svg class=\"chart-svg\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-labelledby=\"{id}-t\" \
         font-size=\"12\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}-t\">{}</title>",
        xml(title)
    )
}

/// Incidents per month, stacked by severity, over the last 36 months with data.
fn per_month(retros: &[Retro], config: &Config) -> Chart {
    let severities = &config.retro.severities;
    let mut months: BTreeMap<(i32, u32), Vec<usize>> = BTreeMap::new();
    for r in retros {
        let (Some(start), Some(sev)) = (&r.started_at, &r.severity) else { continue };
        let d = start.value.date();
        let counts = months.entry((d.year(), d.month())).or_insert_with(|| vec![0; severities.len()]);
        if let Some(k) = severities.iter().position(|s| *s == sev.value) {
            counts[k] += 1;
        }
    }
    // Fill the gaps so the time axis is even.
    if let (Some(&first), Some(&last)) = (months.keys().next(), months.keys().next_back()) {
        let mut m = first;
        while m < last {
            m = if m.1 == 12 { (m.0 + 1, 1) } else { (m.0, m.1 + 1) };
            months.entry(m).or_insert_with(|| vec![0; severities.len()]);
        }
    }
    let shown: Vec<(&(i32, u32), &Vec<usize>)> =
        months.iter().rev().take(36).collect::<Vec<_>>().into_iter().rev().collect();
    let max = shown.iter().map(|(_, c)| c.iter().sum::<usize>()).max().unwrap_or(0).max(1);
    // Legend on top, bars in the middle, month labels below.
    let (height, top, bottom, left) = (270.0, 40.0, 28.0, 36.0);
    let plot_h = height - top - bottom;
    let step = (WIDTH - left - 8.0) / shown.len().max(1) as f64;
    let mut svg = svg_open("per-month", "Incidents per month by severity", height);
    let mut legend_x = left;
    for (k, s) in severities.iter().enumerate() {
        let _ = write!(
            svg,
            "<rect class=\"s{}\" x=\"{legend_x}\" y=\"8\" width=\"12\" height=\"12\"/><text class=\"axis\" x=\"{:.1}\" y=\"18\">{}</text>",
            k.min(5),
            legend_x + 16.0,
            xml(s)
        );
        legend_x += 24.0 + 8.0 * s.chars().count() as f64 + 12.0;
    }
    let mut ticks = vec![0, max / 2, max];
    ticks.dedup();
    for tick in ticks {
        let y = top + plot_h - plot_h * tick as f64 / max as f64;
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{left}\" x2=\"{WIDTH}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/><text class=\"axis\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{tick}</text>",
            left - 6.0,
            y + 4.0
        );
    }
    // Label every month when few are shown, else every few months.
    let every = shown.len().div_ceil(12).max(1);
    for (n, ((year, month), counts)) in shown.iter().enumerate() {
        let x = left + step * n as f64 + step * 0.15;
        let mut y = top + plot_h;
        for (k, &c) in counts.iter().enumerate() {
            if c == 0 {
                continue;
            }
            let h = plot_h * c as f64 / max as f64;
            y -= h;
            let _ = write!(
                svg,
                "<rect class=\"s{}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\"><title>{year}-{month:02}: {c} {}</title></rect>",
                k.min(5),
                step * 0.7,
                xml(&severities[k])
            );
        }
        if n % every == 0 {
            let label =
                if n == 0 || *month <= every as u32 { format!("{year}-{month:02}") } else { format!("{month:02}") };
            let _ = write!(
                svg,
                "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{label}</text>",
                x + step * 0.35,
                height - 8.0
            );
        }
    }
    svg.push_str("</svg>");
    let mut head = vec!["Month".to_string()];
    head.extend(severities.iter().cloned());
    let rows = shown
        .iter()
        .map(|((y, m), c)| std::iter::once(format!("{y}-{m:02}")).chain(c.iter().map(|n| n.to_string())).collect())
        .collect();
    Chart {
        id: "per-month".into(),
        title: "Incidents per month".into(),
        caption: "Retrospectives by the month their incident started, stacked by severity.".into(),
        svg,
        table_head: head,
        table_rows: rows,
    }
}

/// Horizontal bars: label, value, and an optional CSS class per bar.
/// How a bar's value is printed beside it.
enum Unit {
    Count,
    Percent,
    Minutes,
}

fn bars(id: &str, title: &str, data: &[(String, f64, String)], unit: Unit) -> String {
    let max = data.iter().map(|d| d.1).fold(0.0, f64::max).max(1.0);
    let (row, left) = (26.0, 200.0);
    let height = row * data.len().max(1) as f64 + 8.0;
    let mut svg = svg_open(id, title, height);
    for (n, (label, value, class)) in data.iter().enumerate() {
        let y = 4.0 + row * n as f64;
        let w = (WIDTH - left - 90.0) * value / max;
        let _ = write!(
            svg,
            "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><rect class=\"{}\" x=\"{left}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\"/><text class=\"value\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            left - 8.0,
            y + 14.0,
            xml(label),
            if class.is_empty() { "bar" } else { class },
            row - 8.0,
            left + w + 6.0,
            y + 14.0,
            match unit {
                Unit::Count => format_number(*value),
                Unit::Percent => format!("{value:.0}%"),
                Unit::Minutes => super::views::show_duration(chrono::Duration::minutes(*value as i64)),
            },
        );
    }
    svg.push_str("</svg>");
    svg
}

fn format_number(v: f64) -> String {
    if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") }
}

fn categories(retros: &[Retro]) -> Chart {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for f in retros.iter().flat_map(|r| &r.factors) {
        if let Some(c) = &f.category {
            *counts.entry(&c.value).or_default() += 1;
        }
    }
    let mut sorted: Vec<(&str, usize)> = counts.into_iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    sorted.truncate(12);
    let data: Vec<(String, f64, String)> =
        sorted.iter().map(|(c, n)| (c.to_string(), *n as f64, String::new())).collect();
    Chart {
        id: "categories".into(),
        title: "Top contributing-factor categories".into(),
        caption: "How often each category of contributing factor appears across all retrospectives.".into(),
        svg: bars("categories", "Top contributing-factor categories", &data, Unit::Count),
        table_head: vec!["Category".into(), "Factors".into()],
        table_rows: sorted.iter().map(|(c, n)| vec![c.to_string(), n.to_string()]).collect(),
    }
}

fn follow_through(retros: &[Retro], today: NaiveDate) -> Chart {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let items = retros.iter().flat_map(|r| r.actions());
    let mut total = 0;
    for item in items {
        total += 1;
        let key = match item.status.as_ref().map(|s| s.value) {
            _ if item.is_overdue(today) => "overdue",
            Some(ActionStatus::Done) => "done",
            Some(ActionStatus::WontDo) => "wont-do",
            Some(ActionStatus::InProgress) => "in-progress",
            Some(ActionStatus::Open) => "open",
            None => "unknown",
        };
        *counts.entry(key).or_default() += 1;
    }
    let order = ["done", "wont-do", "in-progress", "open", "overdue", "unknown"];
    let data: Vec<(String, f64, String)> = order
        .iter()
        .filter_map(|k| {
            counts.get(k).map(|n| (k.to_string(), *n as f64 * 100.0 / total.max(1) as f64, format!("st-{k}")))
        })
        .collect();
    Chart {
        id: "follow-through".into(),
        title: "Action-item follow-through".into(),
        caption: format!(
            "Share of all {total} action items by status; overdue items are open or in progress past their due date."
        ),
        svg: bars("follow-through", "Action-item follow-through", &data, Unit::Percent),
        table_head: vec!["Status".into(), "Items".into(), "Share".into()],
        table_rows: order
            .iter()
            .filter_map(|k| {
                counts.get(k).map(|n| {
                    vec![k.to_string(), n.to_string(), format!("{:.0}%", *n as f64 * 100.0 / total.max(1) as f64)]
                })
            })
            .collect(),
    }
}

/// What the clock medians rest on: detections before impact count as 0,
/// and guessed times are in the figures.
fn clock_caption(before_impact: usize, approximate: usize) -> String {
    let mut caption =
        "Minutes from the start of impact, per severity; incidents with a date but no time of day are left out."
            .to_string();
    if before_impact > 0 {
        caption += &format!(" Incidents detected before impact ({before_impact}) count as 0 min to detect.");
    }
    if approximate > 0 {
        caption += &format!(" Incidents with approximate clock times ({approximate}) make these figures approximate.");
    }
    caption
}

fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 { values[n / 2] as f64 } else { (values[n / 2 - 1] + values[n / 2]) as f64 / 2.0 })
}

/// The clock figures of one severity's incidents, in minutes, and whether
/// any of them rest on a guessed time.
#[derive(Default)]
struct ClockFigures {
    detect: Vec<i64>,
    resolve: Vec<i64>,
    detect_approximate: bool,
    resolve_approximate: bool,
    before_impact: usize,
    approximate: usize,
}

impl ClockFigures {
    fn add(&mut self, r: &Retro) {
        let Some(start) = &r.started_at else { return };
        if let Some(detected) = &r.detected_at
            && let Some(d) = detected.value.since(&start.value)
        {
            // Detection before impact counts as no time to detect at all.
            self.detect.push(d.num_minutes().max(0));
            self.detect_approximate |= start.value.approximate || detected.value.approximate;
        }
        if let Some(resolved) = &r.resolved_at
            && let Some(d) = resolved.value.since(&start.value)
        {
            self.resolve.push(d.num_minutes());
            self.resolve_approximate |= start.value.approximate || resolved.value.approximate;
        }
        self.before_impact += usize::from(r.detected_before_impact());
        let clock = [&r.started_at, &r.detected_at, &r.mitigated_at, &r.resolved_at];
        self.approximate += usize::from(clock.iter().any(|c| c.as_ref().is_some_and(|c| c.value.approximate)));
    }
}

/// Median time to detect and to resolve, per severity, in minutes.
fn clock(retros: &[Retro], config: &Config) -> Chart {
    let mut data = Vec::new();
    let mut rows = Vec::new();
    let (mut before_impact, mut approximate) = (0, 0);
    for sev in &config.retro.severities {
        let mut figures = ClockFigures::default();
        retros.iter().filter(|r| r.severity.as_ref().is_some_and(|s| &s.value == sev)).for_each(|r| figures.add(r));
        (before_impact, approximate) = (before_impact + figures.before_impact, approximate + figures.approximate);
        let (n_detect, n_resolve) = (figures.detect.len(), figures.resolve.len());
        let (md, mr) = (median(&mut figures.detect), median(&mut figures.resolve));
        if let Some(m) = md {
            data.push((format!("{sev} detect"), m, "detect".to_string()));
        }
        if let Some(m) = mr {
            data.push((format!("{sev} resolve"), m, "resolve".to_string()));
        }
        let show = |m: Option<f64>, n: usize, approximate: bool| {
            let about = if approximate { "≈ " } else { "" };
            m.map(|m| format!("{about}{} min (n={n})", format_number(m))).unwrap_or_else(|| "–".into())
        };
        let detect = show(md, n_detect, figures.detect_approximate);
        rows.push(vec![sev.clone(), detect, show(mr, n_resolve, figures.resolve_approximate)]);
    }
    Chart {
        id: "clock".into(),
        title: "Median time to detect and to resolve".into(),
        caption: clock_caption(before_impact, approximate),
        svg: bars("clock", "Median time to detect and to resolve", &data, Unit::Minutes),
        table_head: vec!["Severity".into(), "Median time to detect".into(), "Median time to resolve".into()],
        table_rows: rows,
    }
}

/// Items opened and closed per month, side by side, over the last 36
/// months with either: `months` is (label `YYYY-MM`, opened, closed).
pub fn opened_closed(months: &[(String, usize, usize)]) -> Chart {
    let shown = &months[months.len().saturating_sub(36)..];
    let max = shown.iter().map(|m| m.1.max(m.2)).max().unwrap_or(0).max(1);
    let (height, top, bottom, left) = (250.0, 30.0, 28.0, 36.0);
    let plot_h = height - top - bottom;
    let step = (WIDTH - left - 8.0) / shown.len().max(1) as f64;
    let title = "Action items opened and closed per month";
    let mut svg = svg_open("opened-closed", title, height);
    for (k, (class, label)) in [("opened", "opened"), ("closed", "closed")].iter().enumerate() {
        let x = left + 90.0 * k as f64;
        let _ = write!(
            svg,
            "<rect class=\"{class}\" x=\"{x}\" y=\"8\" width=\"12\" height=\"12\"/><text class=\"axis\" x=\"{:.1}\" y=\"18\">{label}</text>",
            x + 16.0
        );
    }
    let mut ticks = vec![0, max / 2, max];
    ticks.dedup();
    for tick in ticks {
        let y = top + plot_h - plot_h * tick as f64 / max as f64;
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{left}\" x2=\"{WIDTH}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/><text class=\"axis\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{tick}</text>",
            left - 6.0,
            y + 4.0
        );
    }
    let every = shown.len().div_ceil(12).max(1);
    for (n, (month, opened, closed)) in shown.iter().enumerate() {
        let x = left + step * n as f64 + step * 0.1;
        for (k, (class, count)) in [("opened", opened), ("closed", closed)].into_iter().enumerate() {
            let h = plot_h * *count as f64 / max as f64;
            let _ = write!(
                svg,
                "<rect class=\"{class}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\"><title>{month}: {count} {class}</title></rect>",
                x + step * 0.4 * k as f64,
                top + plot_h - h,
                step * 0.4
            );
        }
        if n % every == 0 {
            let _ = write!(
                svg,
                "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{month}</text>",
                x + step * 0.4,
                height - 8.0
            );
        }
    }
    svg.push_str("</svg>");
    Chart {
        id: "opened-closed".into(),
        title: title.into(),
        caption: "Items by the month of the commit that added them and of the commit that closed them (done or \
                  won't do)."
            .into(),
        svg,
        table_head: vec!["Month".into(), "Opened".into(), "Closed".into()],
        table_rows: shown.iter().map(|(m, o, c)| vec![m.clone(), o.to_string(), c.to_string()]).collect(),
    }
}

/// A chart of horizontal bars with its data table: `rows` are (label,
/// value, the table's cells after the label).
pub fn bar_chart(
    id: &str,
    title: &str,
    caption: String,
    head: &[&str],
    rows: Vec<(String, f64, Vec<String>)>,
) -> Chart {
    let percent = head.get(1).is_some_and(|h| h.contains('%'));
    let data: Vec<(String, f64, String)> = rows.iter().map(|(l, v, _)| (l.clone(), *v, String::new())).collect();
    Chart {
        id: id.into(),
        title: title.into(),
        caption,
        svg: bars(id, title, &data, if percent { Unit::Percent } else { Unit::Count }),
        table_head: head.iter().map(|h| h.to_string()).collect(),
        table_rows: rows.into_iter().map(|(l, _, cells)| std::iter::once(l).chain(cells).collect()).collect(),
    }
}

/// The median of whole numbers (a half for an even count).
pub fn median_of(values: &mut [i64]) -> Option<f64> {
    median(values)
}
