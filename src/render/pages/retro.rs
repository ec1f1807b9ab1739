//! A retro's own page: header, clock, factors traced to their items, the
//! timeline, the action table, the narrative and the links both ways.

use crate::error::Error;
use crate::model::{ImpactLevel, ImpactWindow, Retro, When};
use crate::render::Site;
use crate::render::charts;
use crate::render::markdown::{body_html, inline_html};
use crate::render::plan::{Page, Taxonomy};
use crate::render::urls::retro_url;
use crate::render::views::*;
use crate::report::uptime::Uptime;
use serde::Serialize;

pub fn render(site: &Site, page: &Page, index: usize) -> Result<Vec<u8>, Error> {
    let mut ctx = tera::Context::new();
    ctx.insert("retro", &retro_view(site, index, site.root_of(page)));
    ctx.insert("impact", &impact_view(site, index, site.root_of(page)));
    site.html(page, "retro.html", site.retros[index].title_text(), ctx)
}

#[derive(Serialize)]
struct Lost {
    service: String,
    minutes: f64,
    /// `minute` or `minutes`.
    unit: &'static str,
}

/// The retro's windows drawn against its clock, the weighted minutes each
/// service lost (its windows merged as the availability figures merge
/// them) and its vendors. The windows are listed on the timeline itself.
#[derive(Serialize)]
struct ImpactView {
    svg: String,
    legend: Vec<charts::Legend>,
    lost: Vec<Lost>,
    vendors: Vec<TermLink>,
}

fn impact_view(site: &Site, index: usize, root: &str) -> ImpactView {
    let retro = &site.retros[index];
    let lost: Vec<Lost> = (Uptime::retro_minutes(retro, &site.config.uptime.weights).into_iter())
        .map(|(service, minutes)| Lost { service, minutes, unit: plural_word(minutes) })
        .collect();
    let mut levels: Vec<ImpactLevel> = retro.service_impact.iter().map(|w| w.level).collect();
    levels.sort_by_key(|l| ImpactLevel::ALL.iter().position(|x| x == l));
    levels.dedup();
    ImpactView {
        svg: impact_svg(retro),
        legend: (levels.into_iter())
            .map(|l| charts::Legend { class: level_class(l), label: level_label(l).to_string() })
            .collect(),
        lost,
        vendors: (retro.vendors.iter())
            .map(|v| TermLink {
                name: v.value.clone(),
                url: format!("{root}{}", Taxonomy::Vendors.url(&v.value, 1)),
                count: 0,
            })
            .collect(),
    }
}

fn level_class(level: ImpactLevel) -> &'static str {
    match level {
        ImpactLevel::Outage => "impact-outage",
        ImpactLevel::Partial => "impact-partial",
        ImpactLevel::Degraded => "impact-degraded",
    }
}

/// One lane per service with windows, in the order of `services`, over
/// the span from the first to the last of the clock and the windows, the
/// clock's times as marks. Empty without windows.
fn impact_svg(retro: &Retro) -> String {
    if retro.service_impact.is_empty() {
        return String::new();
    }
    let mut marks: Vec<(i64, &str)> = (clock_fields(retro).into_iter())
        .filter_map(|(label, c)| match c.as_ref()?.value.when {
            When::Time(t) => Some((t.timestamp(), label)),
            _ => None,
        })
        .collect();
    marks.sort_by_key(|m| m.0);
    let ends = (retro.service_impact.iter()).flat_map(|w| [w.from.value.timestamp(), w.to.value.timestamp()]);
    let times: Vec<i64> = ends.chain(marks.iter().map(|m| m.0)).collect();
    let (start, end) = (times.iter().min().copied().unwrap_or(0), times.iter().max().copied().unwrap_or(0));
    let mut services: Vec<&str> = retro.services.iter().map(|s| s.value.as_str()).collect();
    services.extend(retro.service_impact.iter().map(|w| w.service.value.as_str()));
    // The worst level last, so it shows on top where windows overlap.
    let mut windows: Vec<&ImpactWindow> = retro.service_impact.iter().collect();
    windows.sort_by_key(|w| std::cmp::Reverse(ImpactLevel::ALL.iter().position(|l| *l == w.level)));
    let mut seen = std::collections::HashSet::new();
    services.retain(|s| seen.insert(*s) && retro.service_impact.iter().any(|w| w.service.value == *s));
    let lanes: Vec<charts::Lane> = (services.into_iter())
        .map(|service| charts::Lane {
            label: service.to_string(),
            spans: (windows.iter().filter(|w| w.service.value == service))
                .map(|w| charts::Span {
                    from: w.from.value.timestamp(),
                    to: w.to.value.timestamp(),
                    class: level_class(w.level),
                    title: format!(
                        "{service}: {}, {} ({})",
                        level_label(w.level),
                        show_span(When::Time(w.from.value), When::Time(w.to.value)),
                        show_duration(w.to.value - w.from.value)
                    ),
                })
                .collect(),
        })
        .collect();
    let title = "Service impact windows against the incident clock (times in UTC)";
    charts::lanes("impact-lanes", title, start, end, &lanes, &marks)
}

/// `minute` for exactly one, else `minutes` (`0.3 minutes`).
fn plural_word(minutes: f64) -> &'static str {
    if minutes == 1.0 { "minute" } else { "minutes" }
}

/// The retros that declare `recurrence_of` retro `index`, newest first.
/// A recurrence links to what it recurs, so only backlinks need a look.
fn recurrences(site: &Site, index: usize) -> Vec<usize> {
    let id = &site.retros[index].id.value;
    let mut found: Vec<usize> = (site.graph.backlinks[index].iter().copied())
        .filter(|&i| site.retros[i].recurrence_of.as_ref().is_some_and(|r| &r.value == id))
        .collect();
    found.sort_by_key(|&i| std::cmp::Reverse(site.retros[i].started_at.as_ref().map(|s| s.value.date())));
    found
}

fn retro_view<'a>(site: &'a Site, index: usize, root: &'static str) -> RetroView<'a> {
    let retro = &site.retros[index];
    let recurrences = recurrences(site, index);
    let ctx = site.link_context(index, root);
    let mut actions: Vec<ActionRow> = (0..retro.actions().len()).map(|j| site.action_row(root, index, j)).collect();
    // A duplicated item id (a finding of its own) is an HTML id only once.
    let mut ids = std::collections::HashSet::new();
    for row in &mut actions {
        row.anchor = ids.insert(row.id);
        if let Some(h) = site.history.and_then(|h| h.get(&retro.id.value, row.id)) {
            row.history = h.summary();
        }
    }
    let factors = retro
        .factors
        .iter()
        .map(|f| FactorView {
            id: f.id.value.clone(),
            category: f.category.as_ref().map(|c| c.value.clone()).unwrap_or_default(),
            category_url: f
                .category
                .as_ref()
                .map(|c| format!("{root}{}", Taxonomy::Categories.url(&c.value, 1)))
                .unwrap_or_default(),
            description_html: inline_html(&f.description.value, &ctx),
            actionable: f.actionable,
            actions: actions
                .iter()
                .filter(|a| a.factors.contains(&f.id.value.as_str()))
                .map(|a| FactorAction { id: a.id, status: a.status, overdue: a.overdue })
                .collect(),
        })
        .collect();
    let response = response_groups(retro, &actions, &ctx);
    let (clock, timeline) = (clock_entries(retro), timeline(retro, &ctx));
    let link_to = |i: usize| RetroLink {
        id: site.retros[i].id.value.clone(),
        title: site.retros[i].title_text().to_string(),
        url: format!("{root}{}", retro_url(&site.retros[i].id.value)),
        severity: site.retros[i].severity.as_ref().map(|s| s.value.clone()).unwrap_or_default(),
        date: site.retros[i].started_day(),
    };
    let terms = |kind: Taxonomy, list: &[crate::model::At<String>]| -> Vec<TermLink> {
        list.iter()
            .map(|t| TermLink { name: t.value.clone(), url: format!("{root}{}", kind.url(&t.value, 1)), count: 0 })
            .collect()
    };
    let people = |list: &[crate::model::At<String>]| -> Vec<String> {
        list.iter().map(|p| site.person_name(&p.value)).collect()
    };
    RetroView {
        card: site.card(index, root),
        path: retro.path.clone(),
        edit_url: site
            .config
            .retro
            .edit_url
            .as_ref()
            .and_then(|u| crate::link::href(&u.replace("{path}", &retro.path))),
        impact_html: retro.impact.as_ref().map(|s| inline_html(&s.value, &ctx)).unwrap_or_default(),
        clock,
        time_to_detect: time_to_detect(retro),
        time_to_mitigate: time_to(retro, &retro.mitigated_at),
        time_to_resolve: time_to(retro, &retro.resolved_at),
        authors: people(&retro.authors),
        attendees: people(&retro.attendees),
        facilitator: retro.facilitator.as_ref().map(|f| site.person_name(&f.value)),
        reviewers: people(&retro.reviewers),
        roles: retro
            .roles
            .iter()
            .filter(|r| !r.people.is_empty())
            .map(|r| RoleView { role: role_label(&r.role.value), people: people(&r.people) })
            .collect(),
        detection: retro.detection.as_ref().and_then(|d| {
            let source = d.source.as_ref()?.value.clone();
            Some(DetectionView { source, by: d.by.as_ref().map(|b| b.value.clone()) })
        }),
        response,
        response_ids: retro.response.iter().map(|n| n.id.value.as_str()).collect(),
        services: terms(Taxonomy::Services, &retro.services),
        teams: terms(Taxonomy::Teams, &retro.teams),
        tags: terms(Taxonomy::Tags, &retro.tags),
        links: retro
            .links
            .iter()
            .filter_map(|l| Some(Labeled { label: l.title.clone(), value: crate::link::href(&l.url.value)? }))
            .collect(),
        factors,
        timeline,
        actions,
        related: retro.related.iter().filter_map(|r| site.graph.index_of(&r.value)).map(link_to).collect(),
        recurrence_of: retro.recurrence_of.as_ref().and_then(|r| site.graph.index_of(&r.value)).map(link_to),
        recurrences: recurrences.iter().map(|&i| link_to(i)).collect(),
        // Retros already listed as related or as recurrences are not
        // repeated under "Referenced by".
        backlinks: site.graph.backlinks[index]
            .iter()
            .filter(|&&i| {
                let id = &site.retros[i].id.value;
                !retro.related.iter().any(|r| &r.value == id) && !recurrences.contains(&i)
            })
            .map(|&i| link_to(i))
            .collect(),
        // Retro pages are one level down.
        body_html: body_html(&site.link_context(index, "../")),
        imported_from: retro.imported_from.as_ref().map(|f| f.value.clone()),
    }
}

/// A role's name as a label: `incident_commander` is "Incident commander".
pub(crate) fn role_label(role: &str) -> String {
    let words = role.replace(['_', '-'], " ");
    let mut chars = words.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The response observations grouped as went well, went poorly and where
/// we got lucky (in that order, empty groups left out), each with the
/// items that address it.
fn response_groups<'a>(
    retro: &crate::model::Retro,
    actions: &[ActionRow<'a>],
    ctx: &crate::render::markdown::LinkContext,
) -> Vec<ResponseGroup<'a>> {
    use crate::model::Went;
    let heading = |w: Went| match w {
        Went::Well => "What went well",
        Went::Poorly => "What went poorly",
        Went::Lucky => "Where we got lucky",
    };
    let group = |went: Went| ResponseGroup {
        went: went.as_str(),
        heading: heading(went),
        notes: (retro.response.iter())
            .filter(|n| n.went.as_ref().is_some_and(|w| w.value == went))
            .map(|n| NoteView {
                anchor: true,
                id: n.id.value.clone(),
                category: n.category.as_ref().map(|c| c.value.clone()).unwrap_or_default(),
                description_html: inline_html(&n.description.value, ctx),
                actions: (actions.iter())
                    .filter(|a| a.factors.contains(&n.id.value.as_str()))
                    .map(|a| FactorAction { id: a.id, status: a.status, overdue: a.overdue })
                    .collect(),
            })
            .collect(),
    };
    let mut groups: Vec<ResponseGroup> = Went::ALL.iter().map(|&w| group(w)).filter(|g| !g.notes.is_empty()).collect();
    // A duplicated observation id (a finding of its own) is an HTML id only once.
    let mut ids = std::collections::HashSet::new();
    for note in groups.iter_mut().flat_map(|g| g.notes.iter_mut()) {
        note.anchor = ids.insert(note.id.clone());
    }
    groups
}

#[derive(Serialize)]
struct RoleView {
    role: String,
    people: Vec<String>,
}

#[derive(Serialize)]
struct DetectionView {
    source: String,
    by: Option<String>,
}

#[derive(Serialize)]
struct ResponseGroup<'a> {
    went: &'static str,
    heading: &'static str,
    notes: Vec<NoteView<'a>>,
}

#[derive(Serialize)]
struct NoteView<'a> {
    /// Whether the observation carries its `response-ID` anchor: the first
    /// one of an id does.
    anchor: bool,
    id: String,
    category: String,
    description_html: String,
    actions: Vec<FactorAction<'a>>,
}

#[derive(Serialize)]
struct Labeled {
    label: String,
    value: String,
}

#[derive(Serialize)]
struct FactorView<'a> {
    id: String,
    category: String,
    category_url: String,
    description_html: String,
    actionable: bool,
    actions: Vec<FactorAction<'a>>,
}

/// An action item as its factor lists it: the full row is in the table
/// below, and need not be copied into the page's data for every factor.
#[derive(Serialize)]
struct FactorAction<'a> {
    id: &'a str,
    status: &'a str,
    overdue: bool,
}

#[derive(Serialize, Clone)]
struct RetroLink {
    id: String,
    title: String,
    url: String,
    severity: String,
    date: String,
}

#[derive(Serialize)]
struct RetroView<'a> {
    card: RetroCard,
    path: String,
    edit_url: Option<String>,
    impact_html: String,
    clock: Vec<ClockEntry>,
    time_to_detect: Option<String>,
    time_to_mitigate: Option<String>,
    time_to_resolve: Option<String>,
    authors: Vec<String>,
    attendees: Vec<String>,
    facilitator: Option<String>,
    reviewers: Vec<String>,
    roles: Vec<RoleView>,
    detection: Option<DetectionView>,
    response: Vec<ResponseGroup<'a>>,
    /// The ids an item's `factors` may name that are observations, not
    /// factors: their anchors are `response-ID`.
    response_ids: Vec<&'a str>,
    services: Vec<TermLink>,
    teams: Vec<TermLink>,
    tags: Vec<TermLink>,
    links: Vec<Labeled>,
    factors: Vec<FactorView<'a>>,
    timeline: Vec<TimelineView>,
    actions: Vec<ActionRow<'a>>,
    related: Vec<RetroLink>,
    recurrence_of: Option<RetroLink>,
    recurrences: Vec<RetroLink>,
    backlinks: Vec<RetroLink>,
    body_html: String,
    /// The postmortem `retrobook import` made the retro from (the banner of an imported draft).
    imported_from: Option<String>,
}
