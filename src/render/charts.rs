//! Inline SVG drawing for the insights and follow-through pages, by our own
//! code: no chart library, no JavaScript. What the charts say is worked out
//! in `pages::insights` and `pages::follow_through`; this module draws it
//! and holds the `Chart` both hand to the `chart_section` component.
//!
//! Horizontal positions are percentages of the chart's width and there is
//! no `viewBox`, so a chart stretches to any width while its text keeps the
//! page's size: labels stay readable on a phone and are not blown up on a
//! wide screen. Colors come from CSS classes so the theme (and dark mode,
//! and print) decides them. Each bar links to the list it counts.

use super::feeds::{push_xml, xml};
use serde::Serialize;
use std::fmt::Write;

/// A chart as the `chart_section` template component shows it: the
/// drawing, its legend, and the table of the same figures beside it.
#[derive(Serialize)]
pub struct Chart {
    pub id: &'static str,
    pub title: String,
    pub caption: String,
    pub svg: String,
    pub legend: Vec<Legend>,
    pub head: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Serialize)]
pub struct Legend {
    pub class: &'static str,
    pub label: String,
}

/// A table cell, linked when it names a list.
#[derive(Serialize)]
pub struct Cell {
    pub text: String,
    pub url: Option<String>,
}

/// A table cell of plain text.
pub(crate) fn text(t: impl ToString) -> Cell {
    Cell { text: t.to_string(), url: None }
}

/// The median of `values` (sorted in place); `None` when empty.
pub(crate) fn median(values: &mut [i64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 { values[n / 2] as f64 } else { (values[n / 2 - 1] + values[n / 2]) as f64 / 2.0 })
}

/// One horizontal bar: a label line above it, its segments (value, CSS
/// class), the text printed after it and the list page it links to.
pub struct Bar {
    pub label: String,
    pub segments: Vec<(f64, &'static str)>,
    pub value: String,
    pub url: Option<String>,
}

/// How bar lengths map to values.
#[derive(Clone, Copy)]
pub enum Scale {
    Linear,
    /// Logarithmic in minutes, for durations from minutes to weeks.
    LogMinutes,
}

/// The share of the width the longest bar takes; the rest holds its value.
const BAR_SPAN: f64 = 70.0;
const ROW: f64 = 42.0;

fn svg_open(id: &str, title: &str, height: f64) -> String {
    format!(
        "<svg class=\"chart-svg\" width=\"100%\" height=\"{height}\" role=\"group\" \
         aria-labelledby=\"{id}-t\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}-t\">{}</title>",
        xml(title)
    )
}

fn position(value: f64, max: f64, scale: Scale) -> f64 {
    let f = match scale {
        Scale::Linear => value / max,
        Scale::LogMinutes => (1.0 + value).ln() / (1.0 + max).ln(),
    };
    BAR_SPAN * f.clamp(0.0, 1.0)
}

/// Horizontal bars, one row each: the label above, the bar below with its
/// value after it. `ticks` are gridlines (value, label) drawn behind.
pub fn hbars(id: &str, title: &str, bars: &[Bar], scale: Scale, ticks: &[(f64, &str)]) -> String {
    let max = bars.iter().map(|b| b.segments.iter().map(|s| s.0).sum::<f64>()).fold(0.0, f64::max).max(1.0);
    let top = if ticks.is_empty() { 4.0 } else { 18.0 };
    let height = top + ROW * bars.len().max(1) as f64;
    let mut svg = svg_open(id, title, height);
    for (value, label) in ticks.iter().filter(|t| t.0 <= max) {
        let x = position(*value, max, scale);
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"{x:.2}%\" x2=\"{x:.2}%\" y1=\"14\" y2=\"{height}\"/>\
             <text class=\"axis tick\" x=\"{x:.2}%\" y=\"11\" text-anchor=\"middle\">{label}</text>"
        );
    }
    for (n, bar) in bars.iter().enumerate() {
        let y = top + ROW * n as f64;
        let mut row = format!("<text class=\"label\" x=\"0\" y=\"{:.1}\">{}</text>", y + 13.0, xml(&bar.label));
        let total: f64 = bar.segments.iter().map(|s| s.0).sum();
        let mut x = 0.0;
        let mut sum = 0.0;
        for (value, class) in &bar.segments {
            sum += value;
            let end = position(sum, max, scale);
            if end > x {
                let _ = write!(
                    row,
                    "<rect class=\"{class}\" x=\"{x:.2}%\" y=\"{:.1}\" width=\"{:.2}%\" height=\"14\"/>",
                    y + 19.0,
                    end - x
                );
            }
            x = end;
        }
        let end = position(total, max, scale);
        let _ = write!(
            row,
            "<text class=\"value\" x=\"{end:.2}%\" dx=\"6\" y=\"{:.1}\">{}</text>",
            y + 31.0,
            xml(&bar.value)
        );
        match &bar.url {
            Some(url) => {
                let _ = write!(svg, "<a href=\"{}\">{row}</a>", xml(url));
            }
            None => svg.push_str(&row),
        }
    }
    svg.push_str("</svg>");
    svg
}

/// One column of a time series: its label and a count per series.
pub struct Column {
    pub label: String,
    pub counts: Vec<usize>,
    /// The list of what the column counts.
    pub url: Option<String>,
}

/// Vertical bars over time, stacked by series (`classes[k]` colors series
/// `k`, `names[k]` names it in each segment's tooltip). At most about
/// eight axis labels are drawn, so they never overlap on a phone.
/// `grouped` puts the series side by side instead (opened against closed).
pub fn columns(id: &str, title: &str, cols: &[Column], classes: &[&str], names: &[String], grouped: bool) -> String {
    let height_of =
        |c: &Column| if grouped { c.counts.iter().copied().max().unwrap_or(0) } else { c.counts.iter().sum() };
    let max = cols.iter().map(height_of).max().unwrap_or(0).max(1);
    let series = cols.iter().map(|c| c.counts.len()).max().unwrap_or(1).max(1) as f64;
    let (height, top, bottom) = (240.0, 16.0, 26.0);
    let plot = height - top - bottom;
    let step = 100.0 / cols.len().max(1) as f64;
    let mut svg = svg_open(id, title, height);
    let mut ticks = vec![0, max.div_ceil(2), max];
    ticks.dedup();
    for tick in ticks {
        let y = top + plot - plot * tick as f64 / max as f64;
        let _ = write!(
            svg,
            "<line class=\"grid\" x1=\"0\" x2=\"100%\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"axis\" x=\"0\" y=\"{:.1}\">{tick}</text>",
            y - 3.0
        );
    }
    // At most six labels of a few characters: they fit side by side on a phone.
    let every = cols.len().div_ceil(6).max(1);
    let last_label = (cols.len().max(1) - 1) / every * every;
    for (n, col) in cols.iter().enumerate() {
        let x = step * n as f64 + step * 0.15;
        let mut y = top + plot;
        let total: usize = col.counts.iter().sum();
        let link = col.url.as_ref().filter(|_| total > 0);
        if let Some(url) = link {
            let _ = write!(svg, "<a href=\"{}\">", xml(url));
        }
        for (k, &c) in col.counts.iter().enumerate().filter(|(_, c)| **c > 0) {
            let h = plot * c as f64 / max as f64;
            let (x, width) = if grouped {
                y = top + plot - h;
                (x + step * 0.7 / series * k as f64, step * 0.7 / series)
            } else {
                y -= h;
                (x, step * 0.7)
            };
            let _ = write!(
                svg,
                "<rect class=\"{}\" x=\"{x:.2}%\" y=\"{y:.1}\" width=\"{width:.2}%\" height=\"{h:.1}\">\
                 <title>{}: {c} {}</title></rect>",
                classes.get(k).copied().unwrap_or("bar"),
                xml(&col.label),
                xml(names.get(k).map(String::as_str).unwrap_or("")),
            );
        }
        if link.is_some() {
            svg.push_str("</a>");
        }
        if n % every == 0 {
            // The outermost labels align with their bar's outer edge, so
            // they stay inside the chart.
            let (anchor, at) = match n {
                0 => ("start", x),
                _ if n == last_label && x + step > 92.0 => ("end", x + step * 0.7),
                _ => ("middle", x + step * 0.35),
            };
            let _ = write!(
                svg,
                "<text class=\"axis tick\" x=\"{at:.2}%\" y=\"{:.1}\" text-anchor=\"{anchor}\">{}</text>",
                height - 8.0,
                xml(&col.label)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A grid of counts: one row per label (linked), one cell per column,
/// shaded by count and printed, for "how often, when".
pub fn heat(id: &str, title: &str, columns: &[String], rows: &[(String, String, Vec<usize>)]) -> String {
    let max = rows.iter().flat_map(|r| r.2.iter().copied()).max().unwrap_or(0).max(1);
    let width = 100.0 / columns.len().max(1) as f64;
    let height = 20.0 + ROW * rows.len().max(1) as f64;
    let mut svg = svg_open(id, title, height);
    for (c, label) in columns.iter().enumerate() {
        let _ = write!(
            svg,
            "<text class=\"axis\" x=\"{:.2}%\" y=\"13\" text-anchor=\"middle\">{}</text>",
            width * (c as f64 + 0.5),
            xml(label)
        );
    }
    for (n, (label, url, counts)) in rows.iter().enumerate() {
        let y = 20.0 + ROW * n as f64;
        let _ = write!(
            svg,
            "<a href=\"{}\"><text class=\"label\" x=\"0\" y=\"{:.1}\">{}</text></a>",
            xml(url),
            y + 13.0,
            xml(label)
        );
        for (c, &count) in counts.iter().enumerate() {
            // Five shades, so a count reads the same in every row.
            let level = if count == 0 { 0 } else { (4 * count).div_ceil(max).clamp(1, 4) };
            let x = width * c as f64;
            let _ = write!(
                svg,
                "<rect class=\"heat h{level}\" x=\"{x:.2}%\" y=\"{:.1}\" width=\"{:.2}%\" height=\"20\">\
                 <title>{}, {}: {count}</title></rect>",
                y + 17.0,
                width - 0.4,
                xml(label),
                xml(&columns[c])
            );
            if count > 0 {
                let _ = write!(
                    svg,
                    "<text class=\"heat-value v{level}\" x=\"{:.2}%\" y=\"{:.1}\" text-anchor=\"middle\">{count}</text>",
                    x + width / 2.0,
                    y + 31.5
                );
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

/// One row of a `lanes` drawing: a label above its spans.
pub struct Lane {
    pub label: String,
    pub spans: Vec<Span>,
}

/// A stretch of time on a lane, in Unix seconds, colored by `class`, with
/// its tooltip. Spans are drawn in order, so a later one shows on top
/// where they overlap.
pub struct Span {
    pub from: i64,
    pub to: i64,
    pub class: &'static str,
    pub title: String,
}

/// The lane rows' height: label line and bar.
const LANE: u32 = 36;
/// Height of one row of mark labels above the lanes.
const MARK_ROW: u32 = 14;

/// A percentage to two decimals, `68.15`, by integer arithmetic: a float's
/// own `{:.2}` takes its exact (slow) path, and every retro page with
/// impact windows prints a dozen of these. For 0 ..= 100.
struct Pct(f64);

impl std::fmt::Display for Pct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Hundredths, written right to left into one buffer: one write.
        let mut h = (self.0 * 100.0).round().clamp(0.0, 99_999.0) as u32;
        let mut buf = *b"000.00";
        let mut i = buf.len();
        while i > 0 && (h > 0 || i > 2) {
            i -= 1;
            if buf[i] == b'.' {
                continue;
            }
            buf[i] = b'0' + (h % 10) as u8;
            h /= 10;
        }
        // At least one digit before the point.
        let from = i.min(2);
        f.write_str(std::str::from_utf8(&buf[from..]).map_err(|_| std::fmt::Error)?)
    }
}

/// Spans on a shared time axis from `start` to `end` (Unix seconds), one
/// lane per row, with `marks` (time, label) as dashed lines across all of
/// them and a UTC time axis below: a retro's service impact windows
/// against its clock. Labels that would touch stack in rows above.
pub fn lanes(id: &str, title: &str, start: i64, end: i64, lanes: &[Lane], marks: &[(i64, &str)]) -> String {
    let span = (end - start).max(60) as f64;
    let x = |t: i64| (100.0 * (t - start) as f64 / span).clamp(0.0, 100.0);
    // Edge text is anchored inward, so nothing leaves the chart's box.
    let anchor = |at: f64| match at {
        a if a < 8.0 => "start",
        a if a > 92.0 => "end",
        _ => "middle",
    };
    // Greedy rows: a label goes in the first row whose last label is far
    // enough to its left (a fifth of the width fits the longest label on
    // a phone).
    let mut rows: Vec<f64> = Vec::new();
    let placed: Vec<(f64, u32, &str)> = (marks.iter())
        .map(|&(t, label)| {
            let at = x(t);
            let row = rows.iter().position(|&last| at - last >= 20.0).unwrap_or(rows.len());
            match rows.get_mut(row) {
                Some(last) => *last = at,
                None => rows.push(at),
            }
            (at, row as u32, label)
        })
        .collect();
    let top = MARK_ROW * rows.len() as u32 + 4;
    let bottom = top + LANE * lanes.len().max(1) as u32;
    let mut svg = svg_open(id, title, f64::from(bottom + 18));
    svg.reserve(200 * (marks.len() + lanes.iter().map(|l| 1 + l.spans.len()).sum::<usize>()));
    for &(at, row, label) in &placed {
        let (p, y) = (Pct(at), MARK_ROW * row);
        let _ = write!(
            svg,
            "<line class=\"mark\" x1=\"{p}%\" x2=\"{p}%\" y1=\"{}\" y2=\"{bottom}\"/>\
             <text class=\"axis tick\" x=\"{p}%\" y=\"{}\" text-anchor=\"{}\">",
            y + 14,
            y + 11,
            anchor(at),
        );
        push_xml(&mut svg, label);
        svg.push_str("</text>");
    }
    for (n, lane) in lanes.iter().enumerate() {
        let y = top + LANE * n as u32;
        let _ = write!(svg, "<text class=\"label\" x=\"0\" y=\"{}\">", y + 13);
        push_xml(&mut svg, &lane.label);
        svg.push_str("</text>");
        for s in &lane.spans {
            // At least a sliver, so a one-minute window on a day-long
            // incident still shows.
            let (a, b) = (x(s.from), x(s.to));
            let _ = write!(
                svg,
                "<rect class=\"{}\" x=\"{}%\" y=\"{}\" width=\"{}%\" height=\"14\"><title>",
                s.class,
                Pct(a),
                y + 18,
                Pct((b - a).max(0.4)),
            );
            push_xml(&mut svg, &s.title);
            svg.push_str("</title></rect>");
        }
    }
    let _ = write!(svg, "<line class=\"grid\" x1=\"0\" x2=\"100%\" y1=\"{bottom}\" y2=\"{bottom}\"/>");
    for t in axis_ticks(start, end) {
        let at = x(t);
        let _ = write!(
            svg,
            "<text class=\"axis tick\" x=\"{}%\" y=\"{}\" text-anchor=\"{}\">{}</text>",
            Pct(at),
            bottom + 14,
            anchor(at),
            TickLabel(t, end - start)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Round UTC times between `start` and `end`, at most six: the first step
/// of 5, 10, 15, 30 minutes, 1, 2, 3, 6, 12 hours or 1, 2, 7 days that fits
/// the span five times or fewer.
fn axis_ticks(start: i64, end: i64) -> Vec<i64> {
    const STEPS: [i64; 12] = [5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080];
    let span = (end - start).max(1);
    let step = 60 * STEPS.iter().copied().find(|m| span / (60 * m) <= 5).unwrap_or(10080);
    let first = start.div_euclid(step) * step + if start.rem_euclid(step) == 0 { 0 } else { step };
    (0..).map(|k| first + k * step).take_while(|&t| t <= end).collect()
}

/// A tick's label, (time, span): `09:15` on a span under two days, else the
/// day, `03-14`.
struct TickLabel(i64, i64);

impl std::fmt::Display for TickLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use chrono::{Datelike, Timelike};
        let Some(time) = chrono::DateTime::from_timestamp(self.0, 0) else { return Ok(()) };
        if self.1 < 2 * 86_400 {
            write!(f, "{:02}:{:02}", time.hour(), time.minute())
        } else {
            write!(f, "{:02}-{:02}", time.month(), time.day())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_scale_keeps_short_times_visible_beside_long_ones() {
        let short = position(5.0, 20_000.0, Scale::LogMinutes);
        assert!(short > 10.0, "5 minutes beside two weeks: {short}%");
        assert_eq!(position(20_000.0, 20_000.0, Scale::LogMinutes), BAR_SPAN);
        assert!(position(5.0, 20_000.0, Scale::Linear) < 0.1);
    }

    #[test]
    fn bars_link_to_their_list_and_print_their_value() {
        let bars = [Bar {
            label: "api <x>".into(),
            segments: vec![(2.0, "s0"), (3.0, "bar")],
            value: "5 · 2 SEV1".into(),
            url: Some("services/api.html".into()),
        }];
        let svg = hbars("t", "T", &bars, Scale::Linear, &[]);
        assert!(svg.contains("<a href=\"services/api.html\">"), "{svg}");
        assert!(svg.contains("api &lt;x&gt;") && svg.contains("5 · 2 SEV1"), "{svg}");
        assert!(svg.contains("width=\"28.00%\"") && svg.contains("width=\"42.00%\""), "{svg}");
    }

    #[test]
    fn lanes_place_spans_and_marks_on_one_axis() {
        let t0 = 1_773_479_520; // 2026-03-14 09:12 UTC
        let lanes_ = [Lane {
            label: "checkout".into(),
            spans: vec![Span { from: t0 + 600, to: t0 + 1200, class: "impact-partial", title: "a <b>".into() }],
        }];
        let svg = lanes("w", "W", t0, t0 + 3600, &lanes_, &[(t0, "Started"), (t0 + 60, "Detected")]);
        assert!(svg.contains("x=\"16.67%\"") && svg.contains("width=\"16.67%\""), "{svg}");
        assert!(svg.contains("<title>a &lt;b&gt;</title>"), "{svg}");
        // A minute apart, the two labels stack in two rows.
        assert!(svg.contains("y=\"11\" text-anchor=\"start\">Started") && svg.contains("y=\"25\""), "{svg}");
        assert_eq!(axis_ticks(t0, t0 + 3600).len(), 4, "every 15 minutes from 09:15");
        assert_eq!(TickLabel(axis_ticks(t0, t0 + 3600)[0], 3600).to_string(), "09:15");
        assert_eq!(axis_ticks(t0, t0 + 5 * 86_400).len(), 5);
        assert_eq!(TickLabel(t0, 5 * 86_400).to_string(), "03-14");
        // Two decimals by integers, as `{:.2}` would print them but at ties.
        for v in (0..=100_000).map(|i| f64::from(i) / 1000.0 + 0.000_3).chain([0.0, 16.666_666, 100.0]) {
            let (fast, slow) = (Pct(v).to_string(), format!("{v:.2}"));
            let got: f64 = fast.parse().unwrap();
            assert!(fast == slow || (got - v).abs() <= 0.005 + 1e-9, "{v}: {fast} against {slow}");
            assert_eq!(fast.split('.').nth(1).map(str::len), Some(2), "{v}");
        }
    }
}
