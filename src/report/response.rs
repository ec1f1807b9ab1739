//! The response figures: the scorecard against `[response.targets]` (how
//! soon incidents were mitigated, how many were detected internally, how
//! soon the first update went out), the response observations by category
//! and by how they went, and who held each role. Shared by `retrobook
//! report` and the site's response page; drafts are never counted.

use super::period::Calendar;
use super::{counts, started_utc};
use crate::config::ResponseConfig;
use crate::model::{Retro, TimelineKind, Went, When};
use serde::Serialize;
use std::collections::BTreeMap;

/// The response scorecard over a set of incidents: those of the targets'
/// severities among them, in review or published.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Scorecard {
    /// The severities the targets apply to (`[response.targets]`).
    pub(crate) severities: Vec<String>,
    /// In-review and published incidents of those severities.
    pub(crate) incidents: usize,
    /// Of them, mitigated within `mitigate_within` of `started_at`.
    pub(crate) mitigated_within_target: usize,
    /// Of them, detected by one of `[response].internal_sources`.
    pub(crate) detected_internally: usize,
    /// Of them, with a first `communication` entry within
    /// `first_update_within` of `started_at`.
    pub(crate) first_update_within_target: usize,
    /// The median, over the incidents with a first update, of the minutes
    /// from `started_at` to it.
    pub(crate) median_minutes_to_first_update: Option<f64>,
    pub(crate) mitigation: Target,
    pub(crate) detection: Target,
    pub(crate) first_update: Target,
}

/// One target's figure: how many met it of how many it could be judged on.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Target {
    pub(crate) met: usize,
    /// The incidents the figure rests on: those with what it needs (both
    /// times, or the detection source).
    pub(crate) counted: usize,
    /// `met / counted`; `None` when nothing is counted.
    pub(crate) share: Option<f64>,
    /// The share to reach (`[response.targets]`); the first update has
    /// none, only its time.
    pub(crate) objective: Option<f64>,
    /// The time allowed, for the targets that are about time.
    pub(crate) within_minutes: Option<u32>,
    pub(crate) meets_objective: Option<bool>,
    /// The incidents the figure leaves out, and why.
    pub(crate) left_out: Vec<LeftOut>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct LeftOut {
    pub(crate) id: String,
    pub(crate) why: &'static str,
}

/// What one incident contributes to each target: `Ok(met)`, or why it
/// cannot be judged.
struct Judged {
    mitigated: Result<bool, &'static str>,
    internal: Result<bool, &'static str>,
    first_update: Result<f64, &'static str>,
}

fn judge(retro: &Retro, config: &ResponseConfig) -> Judged {
    let targets = &config.targets;
    let started = retro.started_at.as_ref().map(|s| s.value.when);
    let mitigated = match (started, &retro.mitigated_at) {
        (None, _) => Err("no started_at"),
        (_, None) => Err("no mitigated_at"),
        (Some(start), Some(end)) => match end.value.when.since(&start) {
            Some(d) => Ok(d.num_seconds() <= i64::from(targets.mitigate_within.0) * 60),
            None => Err("started_at or mitigated_at has no time of day"),
        },
    };
    let internal = match retro.detection.as_ref().and_then(|d| d.source.as_ref()) {
        Some(source) => Ok(config.is_internal(&source.value)),
        None => Err("no detection source"),
    };
    Judged { mitigated, internal, first_update: minutes_to_first_update(retro, started) }
}

/// Minutes from `started_at` to the first `communication` entry of the
/// timeline at or after it (entries before impact began do not count).
fn minutes_to_first_update(retro: &Retro, started: Option<When>) -> Result<f64, &'static str> {
    let Some(When::Time(start)) = started else {
        return Err(if started.is_none() { "no started_at" } else { "started_at has no time of day" });
    };
    let updates = retro.timeline.iter().filter(|t| t.kind == Some(TimelineKind::Communication));
    let times = updates.filter_map(|t| match t.at.as_ref()?.value {
        When::Time(at) if at >= start => Some(at),
        _ => None,
    });
    let first = times.min().ok_or("no communication entry with a time at or after started_at")?;
    Ok(first.signed_duration_since(start).num_seconds() as f64 / 60.0)
}

impl Scorecard {
    /// The scorecard over `retros`: drafts and other severities are left
    /// out here, so any set of retros may be passed.
    pub(crate) fn of<'r>(retros: impl IntoIterator<Item = &'r Retro>, config: &ResponseConfig) -> Scorecard {
        let targets = &config.targets;
        let of_target =
            |r: &&Retro| counts(r) && r.severity.as_ref().is_some_and(|s| targets.severities.contains(&s.value));
        let mut incidents: Vec<&Retro> = retros.into_iter().filter(of_target).collect();
        incidents.sort_by(|a, b| (started_utc(a), &a.id.value).cmp(&(started_utc(b), &b.id.value)));
        let judged: Vec<(&str, Judged)> = incidents.iter().map(|r| (r.id.value.as_str(), judge(r, config))).collect();
        let mitigation = Target::of(judged.iter().map(|(id, j)| (*id, j.mitigated)), Some(targets.mitigate_share))
            .within(targets.mitigate_within.0);
        let detection =
            Target::of(judged.iter().map(|(id, j)| (*id, j.internal)), Some(targets.detected_internally_share));
        let limit = f64::from(targets.first_update_within.0);
        let updates = judged.iter().map(|(id, j)| (*id, j.first_update.map(|m| m <= limit)));
        let first_update = Target::of(updates, None).within(targets.first_update_within.0);
        let mut minutes: Vec<f64> = judged.iter().filter_map(|(_, j)| j.first_update.ok()).collect();
        Scorecard {
            severities: targets.severities.clone(),
            incidents: incidents.len(),
            mitigated_within_target: mitigation.met,
            detected_internally: detection.met,
            first_update_within_target: first_update.met,
            median_minutes_to_first_update: median(&mut minutes),
            mitigation,
            detection,
            first_update,
        }
    }
}

impl Target {
    fn of<'a>(results: impl Iterator<Item = (&'a str, Result<bool, &'static str>)>, objective: Option<f64>) -> Target {
        let (mut met, mut counted, mut left_out) = (0, 0, Vec::new());
        for (id, result) in results {
            match result {
                Ok(ok) => {
                    counted += 1;
                    met += usize::from(ok);
                }
                Err(why) => left_out.push(LeftOut { id: id.to_string(), why }),
            }
        }
        let share = (counted > 0).then(|| met as f64 / counted as f64);
        Target {
            met,
            counted,
            share,
            objective,
            within_minutes: None,
            meets_objective: share.zip(objective).map(|(s, o)| s + 1e-9 >= o),
            left_out,
        }
    }

    fn within(mut self, minutes: u32) -> Target {
        self.within_minutes = Some(minutes);
        self
    }
}

/// The median, rounded to a tenth of a minute; `None` for no values.
fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    let m = if values.len() % 2 == 1 { values[mid] } else { (values[mid - 1] + values[mid]) / 2.0 };
    Some((m * 10.0).round() / 10.0)
}

/// `{role: {person: incidents}}`: for each configured role, how many of the
/// in-review and published incidents each person held it in (a person who
/// held a role twice in one incident, around a handoff, counts once).
pub(crate) type Roles = BTreeMap<String, BTreeMap<String, usize>>;

pub(crate) fn roles<'r>(retros: impl IntoIterator<Item = &'r Retro>, config: &ResponseConfig) -> Roles {
    let mut out: Roles = config.roles.iter().map(|r| (r.clone(), BTreeMap::new())).collect();
    for retro in retros.into_iter().filter(|r| counts(r)) {
        for held in &retro.roles {
            let mut people: Vec<&str> = held.people.iter().map(|p| p.value.as_str()).collect();
            people.sort_unstable();
            people.dedup();
            let role = out.entry(held.role.value.clone()).or_default();
            for person in people {
                *role.entry(person.to_string()).or_default() += 1;
            }
        }
    }
    out
}

/// `{category: {well, poorly, lucky}}`: the response observations of the
/// in-review and published incidents, every configured category listed.
pub(crate) type Observations = BTreeMap<String, BTreeMap<&'static str, usize>>;

pub(crate) fn observations<'r>(retros: impl IntoIterator<Item = &'r Retro>, config: &ResponseConfig) -> Observations {
    let zero = || Went::ALL.iter().map(|w| (w.as_str(), 0)).collect::<BTreeMap<_, _>>();
    let mut out: Observations = config.categories.iter().map(|c| (c.clone(), zero())).collect();
    for retro in retros.into_iter().filter(|r| counts(r)) {
        for note in &retro.response {
            let (Some(category), Some(went)) = (&note.category, &note.went) else { continue };
            *out.entry(category.value.clone()).or_insert_with(zero).entry(went.value.as_str()).or_default() += 1;
        }
    }
    out
}

/// The quarters from the first to the last in-review or published
/// incident (UTC), each with its incidents, oldest first: the response
/// page's trend, quarters without incidents included.
pub(crate) fn quarters(retros: &[Retro]) -> Vec<(Calendar, Vec<&Retro>)> {
    let mut by: BTreeMap<Calendar, Vec<&Retro>> = BTreeMap::new();
    for retro in retros.iter().filter(|r| counts(r)) {
        if let Some(day) = started_utc(retro) {
            by.entry(Calendar::quarter_of(day)).or_default().push(retro);
        }
    }
    let (Some(first), Some(last)) = (by.keys().next().copied(), by.keys().next_back().copied()) else {
        return Vec::new();
    };
    let all = std::iter::successors(Some(first), |q| Some(q.next())).take_while(|q| *q <= last);
    all.map(|q| (q, by.remove(&q).unwrap_or_default())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [20.0, 5.0, 12.0]), Some(12.0));
        assert_eq!(median(&mut [20.0, 5.0, 12.0, 7.0]), Some(9.5));
        assert_eq!(median(&mut [1.0 / 3.0]), Some(0.3));
    }
}
