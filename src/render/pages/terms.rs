//! Term pages (a service, team, tag or factor category) and their indexes.
//! A term's retros are listed a page at a time; a category's page lists the
//! factors themselves; a team's first page says what the team owes.

use crate::error::Error;
use crate::render::Site;
use crate::render::indexes::Account;
use crate::render::markdown::inline_html;
use crate::render::paging::{self, Pager};
use crate::render::plan::{Owner, Page, Taxonomy, Term};
use crate::render::urls::{query_value, retro_url};
use crate::render::views::TermLink;
use serde::Serialize;

pub fn render_index(site: &Site, page: &Page, t: Taxonomy) -> Result<Vec<u8>, Error> {
    let root = site.root_of(page);
    let terms: Vec<TermLink> = (site.indexes().terms.get(&t).into_iter().flatten())
        .map(|(name, list)| TermLink {
            name: name.clone(),
            url: format!("{root}{}", t.url(name, 1)),
            count: list.len(),
        })
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("kind_title", t.title());
    ctx.insert("terms", &terms);
    site.html(page, "terms.html", t.title(), ctx)
}

/// The retros of every name with this term's URL (see `Site::pages`),
/// newest first.
fn retros_of(site: &Site, term: &Term) -> Vec<usize> {
    let (t, url) = (term.taxonomy, term.url(1));
    let ix = site.indexes();
    let lists: Vec<&Vec<usize>> =
        (ix.terms.get(&t).into_iter().flatten()).filter(|(n, _)| t.url(n, 1) == url).map(|(_, l)| l).collect();
    let mut list: Vec<usize> = lists.iter().flat_map(|l| l.iter().copied()).collect();
    if lists.len() > 1 {
        let rank: std::collections::HashMap<usize, usize> = ix.order.iter().enumerate().map(|(k, &i)| (i, k)).collect();
        list.sort_by_key(|i| rank[i]);
        list.dedup();
    }
    list
}

pub fn render(site: &Site, page: &Page, term: &Term, number: u32) -> Result<Vec<u8>, Error> {
    let root = site.root_of(page);
    let (t, name) = (term.taxonomy, term.name.as_str());
    let list = retros_of(site, term);
    let size = site.page_size();
    let from = site.path(page);
    let pager =
        Pager::new(list.len(), size, number, |n| paging::relative(&from, &site.path(&Page::Term(term.clone(), n))));
    let shown = paging::slice(&list, size, number);
    let mut ctx = tera::Context::new();
    ctx.insert("kind", t.slug());
    ctx.insert("kind_title", t.title());
    ctx.insert("name", name);
    ctx.insert("retro_count", &list.len());
    ctx.insert("pager", &pager);
    if t == Taxonomy::Categories {
        // Nearly every retro has a factor in each common category: the page
        // lists the factors themselves, not their retros.
        ctx.insert("factors", &factor_rows(site, shown, name, root));
    } else {
        // Open items are counted per retro here; the action list, filtered
        // by service, has them in full.
        let cards = site.rows(root, shown);
        ctx.insert("retros", &cards);
        let filter = match t {
            Taxonomy::Services => Some("service"),
            Taxonomy::Teams => Some("team"),
            _ => None,
        };
        let actions_url =
            filter.map(|f| format!("{root}actions.html?{f}={}&status=pending", query_value(name))).unwrap_or_default();
        ctx.insert("actions_url", &actions_url);
    }
    if t == Taxonomy::Vendors && number == 1 {
        ctx.insert("vendor", &super::reliability::vendor(site, &list, root));
    }
    let uptime = (t == Taxonomy::Services && number == 1)
        .then(|| super::reliability::service_line(site, name))
        .flatten()
        .map(|(row, url)| (row, format!("{root}{url}")));
    ctx.insert("uptime_url", &uptime.as_ref().map(|u| u.1.clone()));
    ctx.insert("uptime", &uptime.map(|u| u.0));
    if t == Taxonomy::Teams && number == 1 {
        team_context(site, &mut ctx, term, root);
    } else {
        ctx.insert("account", &None::<Account>);
    }
    site.html(page, "term.html", &format!("{}: {name}", t.title()), ctx)
}

/// What a team owes: its account, its members, and its most urgent items.
fn team_context(site: &Site, ctx: &mut tera::Context, term: &Term, root: &'static str) {
    let items = site.indexes().teams.get(term).map(Vec::as_slice).unwrap_or_default();
    let team = term.name.as_str();
    let account = Account::of(team, site.person_name(team), term.url(1), items, site.retros, site.today);
    let members: Vec<TermLink> = (site.config.people.iter())
        .filter(|(_, p)| p.team.as_deref() == Some(team))
        .map(|(h, _)| TermLink {
            name: site.person_name(h),
            // Only people who own items have a page.
            url: if site.indexes().owners.contains_key(h.as_str()) {
                format!("{root}{}", Owner::named(h).url(1))
            } else {
                String::new()
            },
            count: 0,
        })
        .collect();
    let pending = items
        .iter()
        .take_while(|&&(i, j)| site.retros[i].actions()[j].status.as_ref().is_some_and(|s| s.value.is_pending()));
    let urgent: Vec<_> = pending.take(super::home::SHORT_LIST).copied().collect();
    ctx.insert("account", &account);
    ctx.insert("members", &members);
    ctx.insert("team_actions", &site.action_rows(root, &urgent));
}

/// A contributing factor as listed on its category's page.
#[derive(Serialize)]
struct FactorRow {
    date: String,
    retro_title: String,
    retro_url: String,
    id: String,
    url: String,
    description_html: String,
    addressed_by: usize,
    actionable: bool,
}

/// The factors of category `category` in the given retros, in their order.
fn factor_rows(site: &Site, retros: &[usize], category: &str, root: &'static str) -> Vec<FactorRow> {
    let mut rows = Vec::new();
    for &i in retros {
        let retro = &site.retros[i];
        let ctx = site.link_context(i, root);
        let url = format!("{root}{}", retro_url(&retro.id.value));
        for f in retro.factors.iter().filter(|f| f.category.as_ref().is_some_and(|c| c.value == category)) {
            rows.push(FactorRow {
                date: retro.started_day(),
                retro_title: retro.title_text().to_string(),
                url: format!("{url}#factor-{}", f.id.value),
                retro_url: url.clone(),
                id: f.id.value.clone(),
                description_html: inline_html(&f.description.value, &ctx),
                addressed_by: retro
                    .actions()
                    .iter()
                    .filter(|a| a.factors.iter().any(|x| x.value == f.id.value))
                    .count(),
                actionable: f.actionable,
            });
        }
    }
    rows
}
