//! The response page: the response scorecard per quarter against
//! `[response.targets]` (each target's share against its objective, the
//! median time to first update, how many incidents each figure rests on,
//! and the trend from the quarter before), the response observations of
//! every retro by category and by how they went, each linking to its retro
//! (where we got lucky first: the collection reviewers ask for), and who
//! held each role per quarter. The figures are `report::response`'s, as
//! `retrobook report` computes them; drafts are left out.

use crate::error::Error;
use crate::model::{Retro, Went};
use crate::render::Site;
use crate::render::pages::retro::role_label;
use crate::render::plan::Page;
use crate::render::urls::retro_url;
use crate::report::response::{self, Scorecard, Target};
use serde::Serialize;

#[derive(Serialize)]
struct View {
    severities: String,
    drafts: usize,
    quarters: Vec<QuarterView>,
    groups: Vec<ObservationGroup>,
    /// `{category: [well, poorly, lucky]}` over every retro, as rows.
    categories: Vec<Row<Vec<usize>>>,
}

/// A row of a small table: its heading cell and its values.
#[derive(Serialize)]
struct Row<T> {
    name: String,
    values: T,
}

#[derive(Serialize)]
struct QuarterView {
    quarter: String,
    incidents: usize,
    targets: Vec<TargetView>,
    median: Option<String>,
    roles: Vec<Row<String>>,
}

#[derive(Serialize)]
struct TargetView {
    name: String,
    met: usize,
    counted: usize,
    share: String,
    objective: String,
    /// "met", "not met", or "" when there is no objective or no figure.
    verdict: &'static str,
    /// From the quarter before: "up 10 points", "no change", "".
    trend: String,
    left_out: Vec<String>,
}

#[derive(Serialize)]
struct ObservationGroup {
    went: &'static str,
    heading: &'static str,
    notes: Vec<ObservationLine>,
}

#[derive(Serialize)]
struct ObservationLine {
    category: String,
    description: String,
    retro_title: String,
    url: String,
    date: String,
}

pub fn render(site: &Site, page: &Page) -> Result<Vec<u8>, Error> {
    let root = site.root_of(page);
    let config = &site.config.response;
    let quarters = response::quarters(site.retros);
    let mut views: Vec<QuarterView> = Vec::with_capacity(quarters.len());
    let mut previous: Option<Scorecard> = None;
    for (quarter, retros) in &quarters {
        let card = Scorecard::of(retros.iter().copied(), config);
        let roles = response::roles(retros.iter().copied(), config);
        let roles = (roles.into_iter())
            .filter(|(_, people)| !people.is_empty())
            .map(|(role, people)| {
                let held: Vec<String> = people.iter().map(|(p, n)| format!("{}: {n}", site.person_name(p))).collect();
                Row { name: role_label(&role), values: held.join(", ") }
            })
            .collect();
        views.push(QuarterView {
            quarter: quarter.to_string(),
            incidents: card.incidents,
            targets: targets(&card, previous.as_ref()),
            median: card.median_minutes_to_first_update.map(|m| format!("{m} min")),
            roles,
        });
        previous = Some(card);
    }
    views.reverse();
    let observations = response::observations(site.retros.iter(), config);
    let view = View {
        severities: config.targets.severities.join(" and "),
        drafts: site.retros.iter().filter(|r| !crate::report::counts(r)).count(),
        quarters: views,
        groups: groups(site.retros, root),
        categories: (observations.into_iter())
            .map(|(name, by)| Row {
                name,
                values: Went::ALL.iter().map(|w| by.get(w.as_str()).copied().unwrap_or(0)).collect(),
            })
            .collect(),
    };
    let mut ctx = tera::Context::new();
    ctx.insert("response", &view);
    site.html(page, "response.html", "Incident response", ctx)
}

fn percent(share: f64) -> String {
    format!("{}%", (share * 100.0).round())
}

/// The three targets of a quarter, with the change from the quarter before.
fn targets(card: &Scorecard, previous: Option<&Scorecard>) -> Vec<TargetView> {
    let pick = |c: &Scorecard, i: usize| -> Option<f64> { [&c.mitigation, &c.detection, &c.first_update][i].share };
    let rows: [(&Target, String); 3] = [
        (&card.mitigation, format!("Mitigated within {}", minutes(card.mitigation.within_minutes))),
        (&card.detection, "Detected internally".to_string()),
        (&card.first_update, format!("First update within {}", minutes(card.first_update.within_minutes))),
    ];
    rows.into_iter()
        .enumerate()
        .map(|(i, (t, name))| {
            let trend = match (t.share, previous.and_then(|p| pick(p, i))) {
                (Some(now), Some(before)) => {
                    let points = ((now - before) * 100.0).round() as i64;
                    match points {
                        0 => "no change".to_string(),
                        p if p > 0 => format!("up {p} points"),
                        p => format!("down {} points", -p),
                    }
                }
                _ => String::new(),
            };
            TargetView {
                name,
                met: t.met,
                counted: t.counted,
                share: t.share.map_or("–".into(), percent),
                objective: t.objective.map_or("–".into(), percent),
                verdict: match t.meets_objective {
                    Some(true) => "met",
                    Some(false) => "not met",
                    None => "",
                },
                trend,
                left_out: left_out(&t.left_out),
            }
        })
        .collect()
}

/// The incidents a target leaves out, the first few by name: the page must
/// not grow with the repo (`tests/scale.rs`); `retrobook report --format
/// json` lists them all.
fn left_out(all: &[response::LeftOut]) -> Vec<String> {
    const SHOWN: usize = 5;
    let mut out: Vec<String> = all.iter().take(SHOWN).map(|l| format!("{} ({})", l.id, l.why)).collect();
    if all.len() > SHOWN {
        out.push(format!("and {} more", all.len() - SHOWN));
    }
    out
}

fn minutes(m: Option<u32>) -> String {
    crate::config::Minutes(m.unwrap_or(0)).to_string()
}

/// Every observation of the in-review and published retros, newest retro
/// first, grouped as where we got lucky, went poorly and went well.
fn groups(retros: &[Retro], root: &str) -> Vec<ObservationGroup> {
    let mut counted: Vec<&Retro> = retros.iter().filter(|r| crate::report::counts(r)).collect();
    counted.sort_by_key(|r| std::cmp::Reverse(r.started_at.as_ref().map(|s| s.value.sort_key())));
    let group = |went: Went, heading: &'static str| ObservationGroup {
        went: went.as_str(),
        heading,
        notes: (counted.iter())
            .flat_map(|r| r.response.iter().map(move |n| (r, n)))
            .filter(|(_, n)| n.went.as_ref().is_some_and(|w| w.value == went))
            .map(|(r, n)| ObservationLine {
                category: n.category.as_ref().map(|c| c.value.clone()).unwrap_or_default(),
                description: n.description.value.clone(),
                retro_title: r.title_text().to_string(),
                url: format!("{root}{}#response-{}", retro_url(&r.id.value), n.id.value),
                date: r.started_day(),
            })
            .collect(),
    };
    vec![
        group(Went::Lucky, "Where we got lucky"),
        group(Went::Poorly, "What went poorly"),
        group(Went::Well, "What went well"),
    ]
}
