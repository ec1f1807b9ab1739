//! `retrobook report`: the monthly or quarterly review in one document —
//! the incidents of the period by severity, and the sections later figures
//! add (availability and error budgets, vendors, the response scorecard).
//!
//! The figures are computed here from the loaded retros, below `render`,
//! so the site's pages and the report share one computation. Drafts are
//! left out of every figure, and the report says how many.

pub mod period;
pub(crate) mod response;
pub(crate) mod uptime;

use crate::config::Config;
use crate::model::{Retro, RetroStatus};
use chrono::NaiveDate;
use period::Range;
use serde::Serialize;

/// The day an incident started, in UTC (periods are UTC calendar periods).
pub(crate) fn started_utc(retro: &Retro) -> Option<NaiveDate> {
    let when = &retro.started_at.as_ref()?.value.when;
    Some(match when {
        crate::model::When::Time(t) => t.with_timezone(&chrono::Utc).date_naive(),
        other => other.date(),
    })
}

/// Whether a retro counts in the figures: in review or published.
pub(crate) fn counts(retro: &Retro) -> bool {
    retro.status.as_ref().is_some_and(|s| s.value != RetroStatus::Draft)
}

/// The review of one range of days.
#[derive(Debug, Serialize)]
pub(crate) struct Report {
    pub(crate) from: NaiveDate,
    /// The last day, included.
    pub(crate) to: NaiveDate,
    pub(crate) today: NaiveDate,
    /// The range has not ended by `today`: its figures are so far.
    pub(crate) so_far: bool,
    /// Draft retros started in the range: left out of every figure.
    pub(crate) drafts_left_out: usize,
    pub(crate) incidents: Incidents,
    // Availability and vendors (issue 29): src/report/uptime.rs.
    /// Per service with an objective or with downtime, a row per period
    /// overlapping the range.
    pub(crate) uptime: Vec<uptime::Figure>,
    /// Per vendor of the range's incidents, most service-minutes first.
    pub(crate) vendors: Vec<uptime::VendorFigure>,
    // The response figures (issue 28).
    /// The response scorecard over the period's incidents of the targets'
    /// severities.
    pub(crate) response: ResponseFigures,
    /// `{role: {person: incidents}}` over the period's incidents.
    pub(crate) roles: response::Roles,
}

/// The scorecard, and the response observations of every incident of the
/// period by category and by how they went.
#[derive(Debug, Serialize)]
pub(crate) struct ResponseFigures {
    #[serde(flatten)]
    pub(crate) scorecard: response::Scorecard,
    pub(crate) observations: response::Observations,
}

#[derive(Debug, Serialize)]
pub(crate) struct Incidents {
    pub(crate) total: usize,
    /// Every configured severity, in the configured order, with its count.
    pub(crate) by_severity: serde_json::Map<String, serde_json::Value>,
    pub(crate) near_misses: usize,
    /// The incidents, oldest first.
    pub(crate) retros: Vec<Incident>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Incident {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) severity: String,
    pub(crate) status: String,
    pub(crate) started: NaiveDate,
    pub(crate) near_miss: bool,
}

impl Report {
    pub(crate) fn new(retros: &[Retro], config: &Config, range: Range, today: NaiveDate) -> Report {
        let in_range: Vec<&Retro> =
            retros.iter().filter(|r| started_utc(r).is_some_and(|d| range.contains(d))).collect();
        let drafts_left_out = in_range.iter().filter(|r| !counts(r)).count();
        let mut incidents: Vec<Incident> = in_range.iter().filter(|r| counts(r)).map(|r| incident(r)).collect();
        incidents.sort_by(|a, b| (a.started, &a.id).cmp(&(b.started, &b.id)));
        let mut by_severity = serde_json::Map::new();
        for severity in &config.retro.severities {
            let n = incidents.iter().filter(|i| &i.severity == severity).count();
            by_severity.insert(severity.clone(), n.into());
        }
        let uptime = uptime::Uptime::new(retros, config);
        let counted = || in_range.iter().copied().filter(|r| counts(r));
        let response = ResponseFigures {
            scorecard: response::Scorecard::of(counted(), &config.response),
            observations: response::observations(counted(), &config.response),
        };
        let roles = response::roles(counted(), &config.response);
        Report {
            response,
            roles,
            from: range.from,
            to: range.to,
            today,
            so_far: today <= range.to,
            drafts_left_out,
            incidents: Incidents {
                total: incidents.len(),
                by_severity,
                near_misses: incidents.iter().filter(|i| i.near_miss).count(),
                retros: incidents,
            },
            uptime: uptime.figures(range.from, range.to, today),
            vendors: uptime.vendors(range.from, range.to),
        }
    }

    /// The report as pretty JSON, for other tools.
    pub(crate) fn json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a report is JSON");
        text.push('\n');
        text
    }

    /// The report as Markdown, for the review document.
    pub(crate) fn markdown(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let so_far = if self.so_far { format!(" (so far, to {})", self.today) } else { String::new() };
        let _ = writeln!(out, "# Incident review: {} to {}{so_far}\n", self.from, self.to);
        let _ = writeln!(out, "## Incidents\n");
        let by: Vec<String> = self.incidents.by_severity.iter().map(|(s, n)| format!("{s}: {n}")).collect();
        let _ = writeln!(
            out,
            "{} ({}), {} {}.",
            crate::text::plural(self.incidents.total, "incident"),
            by.join(", "),
            self.incidents.near_misses,
            crate::text::one_or_many(self.incidents.near_misses, "near miss", "near misses")
        );
        if self.drafts_left_out > 0 {
            let drafts = crate::text::plural(self.drafts_left_out, "draft retro");
            let _ = writeln!(out, "\n{drafts} of the period left out until reviewed.");
        }
        if !self.incidents.retros.is_empty() {
            let _ = writeln!(out, "\n| started | severity | incident | status |\n|---|---|---|---|");
            for i in &self.incidents.retros {
                let near = if i.near_miss { " (near miss)" } else { "" };
                let title = markdown_cell(&i.title);
                let _ = writeln!(out, "| {} | {} | {title}{near} (`{}`) | {} |", i.started, i.severity, i.id, i.status);
            }
        }
        self.uptime_markdown(&mut out);
        self.response_markdown(&mut out);
        out
    }

    /// The response scorecard, the observations and the roles.
    fn response_markdown(&self, out: &mut String) {
        use crate::text::plural;
        use std::fmt::Write;
        let card = &self.response.scorecard;
        let _ = writeln!(out, "\n## Response\n");
        let _ = writeln!(
            out,
            "{} of {} (drafts left out).",
            plural(card.incidents, "incident"),
            card.severities.join(" or ")
        );
        let rows = [
            ("Mitigated within", &card.mitigation),
            ("Detected internally", &card.detection),
            ("First update within", &card.first_update),
        ];
        let _ = writeln!(out, "\n| target | met | of | share | objective | left out |\n|---|---|---|---|---|---|");
        for (name, t) in rows {
            let name = match t.within_minutes {
                Some(m) => format!("{name} {}", crate::config::Minutes(m)),
                None => name.to_string(),
            };
            let share = t.share.map_or("–".to_string(), percent);
            let objective = match (t.objective, t.meets_objective) {
                (Some(o), Some(met)) => format!("{} ({})", percent(o), if met { "met" } else { "not met" }),
                (Some(o), None) => percent(o),
                (None, _) => "–".to_string(),
            };
            let left: Vec<String> = t.left_out.iter().map(|l| format!("`{}` ({})", l.id, l.why)).collect();
            let left = if left.is_empty() { "–".to_string() } else { left.join(", ") };
            let _ = writeln!(out, "| {name} | {} | {} | {share} | {objective} | {left} |", t.met, t.counted);
        }
        if let Some(m) = card.median_minutes_to_first_update {
            let _ = writeln!(out, "\nMedian time to first update: {m} minutes.");
        }
        let _ = writeln!(out, "\n### Observations\n\n| category | well | poorly | lucky |\n|---|---|---|---|");
        for (category, by) in &self.response.observations {
            let n = |w: &str| by.get(w).copied().unwrap_or(0);
            let _ = writeln!(out, "| {category} | {} | {} | {} |", n("well"), n("poorly"), n("lucky"));
        }
        let _ = writeln!(out, "\n### Roles\n\n| role | held by (incidents) |\n|---|---|");
        for (role, people) in &self.roles {
            let held: Vec<String> = people.iter().map(|(p, n)| format!("{p} ({n})")).collect();
            let held = if held.is_empty() { "–".to_string() } else { held.join(", ") };
            let _ = writeln!(out, "| {role} | {held} |");
        }
    }

    /// The availability and vendor tables.
    fn uptime_markdown(&self, out: &mut String) {
        use std::fmt::Write;
        if !self.uptime.is_empty() {
            let _ = writeln!(out, "\n## Availability and error budgets\n");
            let _ = writeln!(
                out,
                "| service | period | availability | target | downtime (min) | budget (min) | budget left (min) | incidents |"
            );
            let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
            for f in &self.uptime {
                let so_far = if f.so_far { " (so far)" } else { "" };
                let zone = if f.time_zone == "UTC" { String::new() } else { format!(" ({})", f.time_zone) };
                let opt = |x: Option<f64>, suffix: &str| x.map_or("–".to_string(), |x| format!("{x}{suffix}"));
                let _ = writeln!(
                    out,
                    "| {} | {}{zone}{so_far} | {}% | {} | {} | {} | {} | {} |",
                    f.service,
                    f.period,
                    uptime::percent(f.availability_percent),
                    opt(f.target_percent, "%"),
                    f.downtime_minutes,
                    opt(f.budget_minutes, ""),
                    opt(f.budget_remaining_minutes, ""),
                    f.retros.len()
                );
            }
        }
        if !self.vendors.is_empty() {
            let _ = writeln!(out, "\n## Vendors\n\n| vendor | incidents | weighted service-minutes |\n|---|---|---|");
            for v in &self.vendors {
                let ids: Vec<String> = v.retros.iter().map(|id| format!("`{id}`")).collect();
                let _ = writeln!(out, "| {} | {} | {} |", v.vendor, ids.join(", "), v.service_minutes);
            }
        }
    }
}

fn incident(r: &Retro) -> Incident {
    Incident {
        id: r.id.value.clone(),
        title: r.title.as_ref().map(|t| t.value.clone()).unwrap_or_else(|| r.id.value.clone()),
        severity: r.severity.as_ref().map(|s| s.value.clone()).unwrap_or_default(),
        status: r.status.as_ref().map(|s| s.value.to_string()).unwrap_or_default(),
        started: started_utc(r).unwrap_or(NaiveDate::MIN),
        near_miss: r.near_miss,
    }
}

/// A share as a whole percentage: `0.75` is `75%`.
fn percent(share: f64) -> String {
    format!("{}%", (share * 100.0).round())
}

/// Text safe inside a Markdown table cell: `|` escaped, lines joined.
pub(crate) fn markdown_cell(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "\\|")
}
