//! A retro's own page: header, clock, factors traced to their items, the
//! timeline, the action table, the narrative and the links both ways.

use crate::error::Error;
use crate::render::Site;
use crate::render::markdown::{body_html, inline_html};
use crate::render::plan::{Page, Taxonomy};
use crate::render::urls::retro_url;
use crate::render::views::*;
use serde::Serialize;

pub fn render(site: &Site, page: &Page, index: usize) -> Result<Vec<u8>, Error> {
    let mut ctx = tera::Context::new();
    ctx.insert("retro", &retro_view(site, index, site.root_of(page)));
    site.html(page, "retro.html", site.retros[index].title_text(), ctx)
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
    let (clock, timeline) = (clock_entries(retro), timeline(retro, &ctx));
    let link_to = |i: usize| RetroLink {
        id: site.retros[i].id.value.clone(),
        title: site.retros[i].title_text().to_string(),
        url: format!("{root}{}", retro_url(&site.retros[i].id.value)),
        severity: site.retros[i].severity.as_ref().map(|s| s.value.clone()).unwrap_or_default(),
        date: site.retros[i].started_at.as_ref().map(|s| s.value.date().to_string()).unwrap_or_default(),
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
    }
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
}
