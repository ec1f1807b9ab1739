//! Availability and error budgets from the retros' `service_impact`
//! windows, and what each vendor's incidents cost (docs/report.md,
//! Availability and error budgets).
//!
//! Weighted downtime of a service over a stretch of time is the integral of
//! the highest weight among the windows active at each instant: overlapping
//! windows, of one retro or of several, are never counted twice. It is found
//! by one sweep over the windows' sorted ends, keeping how many windows of
//! each level are active. Drafts are left out (`report::counts`).

use super::counts;
use super::period::Calendar;
use crate::config::{Config, Objective, SloWindow, Weights, Zone};
use crate::model::{ImpactLevel, Retro};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// One window, in seconds since the epoch (UTC).
#[derive(Debug, Clone, Copy)]
struct Window {
    start: i64,
    end: i64,
    level: ImpactLevel,
    /// The index of its retro in the retros given to `Uptime::new`.
    retro: usize,
}

/// Every counted window, by service, sorted by start.
#[derive(Debug)]
pub(crate) struct Uptime<'r> {
    retros: &'r [Retro],
    weights: Weights,
    objectives: &'r BTreeMap<String, Objective>,
    windows: BTreeMap<&'r str, Vec<Window>>,
}

/// A service's figures for one calendar period.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct Figure {
    pub(crate) service: String,
    /// `2026-10` or `2026-Q4`.
    pub(crate) period: String,
    /// Where the period's days begin: `UTC`, or the objective's zone.
    pub(crate) time_zone: String,
    /// Minutes in the period, or in its elapsed part when `so_far`.
    pub(crate) minutes: i64,
    /// Weighted downtime, to 0.01 minute.
    pub(crate) downtime_minutes: f64,
    /// `100 × (1 − downtime / minutes)`, cut (never rounded up) to 4 decimals.
    pub(crate) availability_percent: f64,
    pub(crate) target_percent: Option<f64>,
    /// `(100 − target)%` of `minutes`.
    pub(crate) budget_minutes: Option<f64>,
    /// `budget − downtime`: negative when overspent.
    pub(crate) budget_remaining_minutes: Option<f64>,
    /// The retros with a window on the service in the period, by id.
    pub(crate) retros: Vec<String>,
    /// The period has not ended by `today`: computed over its elapsed part.
    pub(crate) so_far: bool,
}

/// What one vendor's incidents of a stretch of days cost.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct VendorFigure {
    pub(crate) vendor: String,
    /// The retros started in the stretch that list the vendor, by id.
    pub(crate) retros: Vec<String>,
    /// Their weighted downtime summed over their services (each service's
    /// windows of a retro merged), to 0.01 minute.
    pub(crate) service_minutes: f64,
}

/// A retro's share of a service's downtime in a period: its own windows'
/// weighted minutes (what it would have cost alone).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Spender {
    pub(crate) retro: usize,
    pub(crate) minutes: f64,
}

static UTC: Zone = Zone::UTC;

/// Rounded to 0.01.
fn hundredths(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Cut to 4 decimals: 99.99999 is 99.9999, never 100.
fn cut4(x: f64) -> f64 {
    (x * 10_000.0).floor() / 10_000.0
}

/// The weighted downtime, in minutes, of `windows` within `[lo, hi)`.
fn weighted_minutes(windows: impl Iterator<Item = Window>, weights: &Weights, lo: i64, hi: i64) -> f64 {
    // (time, level, +1 or -1); ends sort before starts at the same instant.
    let mut events: Vec<(i64, i8, usize)> = Vec::new();
    for w in windows {
        let (start, end) = (w.start.max(lo), w.end.min(hi));
        if start < end {
            let level = w.level as usize;
            events.push((start, 1, level));
            events.push((end, -1, level));
        }
    }
    events.sort_unstable();
    let weight = [ImpactLevel::Outage, ImpactLevel::Partial, ImpactLevel::Degraded].map(|l| weights.of(l));
    let mut active = [0i64; 3];
    let mut total = 0.0;
    let mut last = lo;
    for (t, delta, level) in events {
        let highest = (0..3).filter(|&l| active[l] > 0).map(|l| weight[l]).fold(0.0, f64::max);
        if highest > 0.0 {
            total += highest * (t - last) as f64;
        }
        active[level] += i64::from(delta);
        last = t;
    }
    total / 60.0
}

impl<'r> Uptime<'r> {
    /// The windows of the retros that count (in review or published).
    pub(crate) fn new(retros: &'r [Retro], config: &'r Config) -> Uptime<'r> {
        let mut windows: BTreeMap<&'r str, Vec<Window>> = BTreeMap::new();
        for (index, retro) in retros.iter().enumerate().filter(|(_, r)| counts(r)) {
            for w in &retro.service_impact {
                let window = Window {
                    start: w.from.value.timestamp(),
                    end: w.to.value.timestamp(),
                    level: w.level,
                    retro: index,
                };
                windows.entry(w.service.value.as_str()).or_default().push(window);
            }
        }
        for list in windows.values_mut() {
            list.sort_by_key(|w| (w.start, w.end));
        }
        Uptime { retros, weights: config.uptime.weights, objectives: &config.uptime.slo, windows }
    }

    pub(crate) fn objective(&self, service: &str) -> Option<&Objective> {
        self.objectives.get(service)
    }

    /// Whether any counted retro has a window on the service.
    pub(crate) fn has_windows(&self, service: &str) -> bool {
        self.windows.contains_key(service)
    }

    /// The services with an objective or with a window, sorted.
    pub(crate) fn services(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.objectives.keys().map(String::as_str).collect();
        out.extend(self.windows.keys().copied());
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The service's periods: quarters when its objective says so, else months.
    pub(crate) fn quarterly(&self, service: &str) -> bool {
        self.objective(service).is_some_and(|o| o.window == SloWindow::Quarter)
    }

    /// Where the service's periods begin: its objective's time zone, else UTC.
    pub(crate) fn zone(&self, service: &str) -> &Zone {
        self.objective(service).map_or(&UTC, |o| &o.zone)
    }

    /// The service's period holding `day`.
    pub(crate) fn period_of(&self, service: &str, day: NaiveDate) -> Calendar {
        if self.quarterly(service) { Calendar::quarter_of(day) } else { Calendar::month_of(day) }
    }

    fn of(&self, service: &str) -> &[Window] {
        self.windows.get(service).map_or(&[], Vec::as_slice)
    }

    /// Weighted downtime of the service within `[lo, hi)` (seconds).
    fn downtime(&self, service: &str, lo: i64, hi: i64) -> f64 {
        weighted_minutes(self.of(service).iter().copied(), &self.weights, lo, hi)
    }

    /// The service's figures for `period`; `None` for a period that has not
    /// begun by `today`. An unfinished period counts up to the end of `today`.
    pub(crate) fn figure(&self, service: &str, period: Calendar, today: NaiveDate) -> Option<Figure> {
        if period.first() > today {
            return None;
        }
        let tomorrow = today.succ_opt().unwrap_or(today);
        let so_far = period.end() > tomorrow;
        let zone = self.zone(service);
        let (lo, hi) = (zone.midnight(period.first()), zone.midnight(period.end().min(tomorrow)));
        let minutes = (hi - lo) / 60;
        let downtime = self.downtime(service, lo, hi);
        let availability = cut4(100.0 * (1.0 - downtime / minutes as f64));
        let target = self.objective(service).map(|o| o.target);
        let budget = target.map(|t| (100.0 - t) / 100.0 * minutes as f64);
        let mut retros: Vec<String> = (self.of(service).iter())
            .filter(|w| w.start < hi && w.end > lo)
            .map(|w| self.retros[w.retro].id.value.clone())
            .collect();
        retros.sort();
        retros.dedup();
        Some(Figure {
            service: service.to_string(),
            period: period.to_string(),
            time_zone: zone.name().to_string(),
            minutes,
            downtime_minutes: hundredths(downtime),
            availability_percent: availability,
            target_percent: target,
            budget_minutes: budget.map(hundredths),
            budget_remaining_minutes: budget.map(|b| hundredths(b - downtime)),
            retros,
            so_far,
        })
    }

    /// The figures of every service with an objective or with downtime in
    /// one of its periods overlapping `from ..= to`, a row per period.
    pub(crate) fn figures(&self, from: NaiveDate, to: NaiveDate, today: NaiveDate) -> Vec<Figure> {
        let range = super::period::Range { from, to };
        let mut out = Vec::new();
        for service in self.services() {
            let rows: Vec<Figure> = range
                .periods(self.quarterly(service))
                .into_iter()
                .filter_map(|p| self.figure(service, p, today))
                .collect();
            if self.objective(service).is_some() || rows.iter().any(|f| f.downtime_minutes > 0.0) {
                out.extend(rows);
            }
        }
        out
    }

    /// The weighted downtime of each day from `first` to `last`, included,
    /// days of the service's time zone.
    pub(crate) fn daily(&self, service: &str, first: NaiveDate, last: NaiveDate) -> Vec<(NaiveDate, f64)> {
        let zone = self.zone(service);
        let next = |d: NaiveDate| d.succ_opt().unwrap_or(d);
        (first.iter_days().take_while(|d| *d <= last))
            .map(|d| (d, self.downtime(service, zone.midnight(d), zone.midnight(next(d)))))
            .collect()
    }

    /// The retros with downtime on the service from `first` up to `end`
    /// (excluded), each with its own windows' weighted minutes in it (what
    /// it would have cost alone), largest first.
    pub(crate) fn spenders(&self, service: &str, first: NaiveDate, end: NaiveDate) -> Vec<Spender> {
        let zone = self.zone(service);
        let (lo, hi) = (zone.midnight(first), zone.midnight(end));
        let mut by_retro: BTreeMap<usize, Vec<Window>> = BTreeMap::new();
        for w in self.of(service).iter().filter(|w| w.start < hi && w.end > lo) {
            by_retro.entry(w.retro).or_default().push(*w);
        }
        let mut out: Vec<Spender> = (by_retro.into_iter())
            .map(|(retro, ws)| Spender { retro, minutes: weighted_minutes(ws.into_iter(), &self.weights, lo, hi) })
            .filter(|s| s.minutes > 0.0)
            .collect();
        out.sort_by(|a, b| b.minutes.total_cmp(&a.minutes).then(a.retro.cmp(&b.retro)));
        out
    }

    /// A retro's weighted minutes per service (its windows merged per
    /// service), whether or not it counts: the retro page shows its own.
    pub(crate) fn retro_minutes(retro: &Retro, weights: &Weights) -> Vec<(String, f64)> {
        let mut by: BTreeMap<&str, Vec<Window>> = BTreeMap::new();
        for w in &retro.service_impact {
            let window =
                Window { start: w.from.value.timestamp(), end: w.to.value.timestamp(), level: w.level, retro: 0 };
            by.entry(w.service.value.as_str()).or_default().push(window);
        }
        (by.into_iter())
            .map(|(s, ws)| (s.to_string(), hundredths(weighted_minutes(ws.into_iter(), weights, i64::MIN, i64::MAX))))
            .collect()
    }

    /// Each vendor of the counted retros whose day of `started_at` (UTC)
    /// lies in `from ..= to`: its retros and their weighted service-minutes,
    /// most minutes first.
    pub(crate) fn vendors(&self, from: NaiveDate, to: NaiveDate) -> Vec<VendorFigure> {
        let mut by: BTreeMap<&str, (Vec<String>, f64)> = BTreeMap::new();
        let started = |r: &Retro| super::started_utc(r).is_some_and(|d| from <= d && d <= to);
        for retro in self.retros.iter().filter(|r| counts(r) && started(r)) {
            let minutes: f64 = Self::retro_minutes(retro, &self.weights).iter().map(|(_, m)| m).sum();
            for vendor in &retro.vendors {
                let entry = by.entry(vendor.value.as_str()).or_default();
                entry.0.push(retro.id.value.clone());
                entry.1 += minutes;
            }
        }
        let mut out: Vec<VendorFigure> = (by.into_iter())
            .map(|(v, (mut retros, minutes))| {
                retros.sort();
                VendorFigure { vendor: v.to_string(), retros, service_minutes: hundredths(minutes) }
            })
            .collect();
        out.sort_by(|a, b| b.service_minutes.total_cmp(&a.service_minutes).then_with(|| a.vendor.cmp(&b.vendor)));
        out
    }
}

/// An availability as shown: at least two decimals, more while they are
/// needed to tell it from 100 (`99.9999`), never rounded up.
pub(crate) fn percent(availability: f64) -> String {
    let two = (availability * 100.0).floor() / 100.0;
    if availability < 100.0 && two >= 99.99 {
        let four = format!("{availability:.4}");
        return four.trim_end_matches('0').to_string();
    }
    format!("{two:.2}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: Weights = Weights { outage: 1.0, partial: 0.3, degraded: 0.0 };

    fn w(start_min: i64, end_min: i64, level: ImpactLevel) -> Window {
        Window { start: start_min * 60, end: end_min * 60, level, retro: 0 }
    }

    #[test]
    fn overlaps_count_once_at_the_highest_weight() {
        use ImpactLevel::*;
        // Outage 0–10; partial 5–30 (outage wins 5–10, then 20 min × 0.3);
        // a second outage 8–12 extends the full weight to 12.
        let ws = [w(0, 10, Outage), w(5, 30, Partial), w(8, 12, Outage)];
        let m = weighted_minutes(ws.into_iter(), &W, 0, 10_000);
        assert!((m - (12.0 + 18.0 * 0.3)).abs() < 1e-9, "{m}");
        // Clipped to the stretch [5, 11).
        let m = weighted_minutes(ws.into_iter(), &W, 300, 660);
        assert!((m - 6.0).abs() < 1e-9, "{m}");
        // Degraded weighs nothing by default; identical windows count once.
        let m = weighted_minutes([w(0, 60, Degraded), w(0, 60, Partial), w(0, 60, Partial)].into_iter(), &W, 0, 3600);
        assert!((m - 18.0).abs() < 1e-9, "{m}");
        assert_eq!(weighted_minutes(std::iter::empty(), &W, 0, 60), 0.0);
    }

    #[test]
    fn availability_is_cut_never_rounded_up() {
        assert_eq!(cut4(100.0 * (1.0 - 0.01 / 44_640.0)), 99.9999);
        assert_eq!(cut4(100.0), 100.0);
        assert_eq!(hundredths(5.4000001), 5.4);
        assert_eq!(percent(100.0), "100.00");
        assert_eq!(percent(99.9999), "99.9999");
        assert_eq!(percent(99.999), "99.999");
        assert_eq!(percent(99.95), "99.95");
        assert_eq!(percent(99.9876), "99.98");
        assert_eq!(percent(99.0), "99.00");
    }
}
