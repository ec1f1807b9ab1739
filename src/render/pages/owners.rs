//! Owner pages: a person's or team's action items, open first, a page at a
//! time, with what they owe at a glance and the retros they wrote; and the
//! index of owners.

use crate::error::Error;
use crate::render::Site;
use crate::render::indexes::Account;
use crate::render::paging::{self, Pager};
use crate::render::plan::{Owner, Page};
use crate::render::views::TermLink;

pub fn render_index(site: &Site, page: &Page) -> Result<Vec<u8>, Error> {
    let root = site.root_of(page);
    let owners: Vec<TermLink> = (site.indexes().owners.iter())
        .map(|(o, items)| TermLink {
            name: site.person_name(o.as_str()),
            url: format!("{root}{}", o.url(1)),
            count: items.len(),
        })
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("kind_title", "Owners");
    ctx.insert("terms", &owners);
    site.html(page, "terms.html", "Owners", ctx)
}

pub fn render(site: &Site, page: &Page, owner: &Owner, number: u32) -> Result<Vec<u8>, Error> {
    let root = site.root_of(page);
    let url = owner.url(1);
    let items = site.owner_items(&url);
    let size = site.page_size();
    let from = site.path(page);
    let pager =
        Pager::new(items.len(), size, number, |n| paging::relative(&from, &site.path(&Page::Owner(owner.clone(), n))));
    let name = site.person_name(owner.as_str());
    let account = Account::of(owner.as_str(), name.clone(), url.clone(), items, site.retros, site.today);
    let authored = site.indexes().authored.get(&url).map(Vec::as_slice).unwrap_or_default();
    let mut ctx = tera::Context::new();
    ctx.insert("owner", owner);
    ctx.insert("display_name", &name);
    ctx.insert("account", &account);
    ctx.insert("total", &items.len());
    ctx.insert("actions", &site.action_rows(root, paging::slice(items, size, number)));
    ctx.insert("pager", &pager);
    let teams: Vec<TermLink> = (site.teams_of(owner).iter())
        .map(|t| TermLink { name: site.person_name(&t.name), url: format!("{root}{}", t.url(1)), count: 0 })
        .collect();
    ctx.insert("teams", &teams);
    // The retros they wrote: on the first page, the newest page's worth.
    let shown = if number == 1 { &authored[..authored.len().min(size)] } else { &[][..] };
    ctx.insert("authored", &site.rows(root, shown));
    ctx.insert("authored_total", &authored.len());
    let roles = if number == 1 { roles_held(site, &url, root) } else { Vec::new() };
    ctx.insert("roles_held", &roles);
    ctx.insert("stats", &site.stats());
    site.html(page, "owner.html", &format!("Action items of {name}"), ctx)
}

/// A role someone held in an incident, as their page lists it.
#[derive(serde::Serialize)]
struct RoleHeld {
    role: String,
    retro_title: String,
    url: String,
    date: String,
}

/// The roles the person whose page is `url` held, newest incident first
/// (names sharing a page share their roles too).
fn roles_held(site: &Site, url: &str, root: &str) -> Vec<RoleHeld> {
    let mut held: Vec<(&crate::model::Retro, &str)> = Vec::new();
    for retro in site.retros {
        for role in &retro.roles {
            if role.people.iter().any(|p| crate::render::urls::owner_url(&p.value, 1) == url) {
                held.push((retro, role.role.value.as_str()));
            }
        }
    }
    held.sort_by_key(|(r, _)| std::cmp::Reverse(r.started_at.as_ref().map(|s| s.value.sort_key())));
    (held.into_iter())
        .map(|(r, role)| RoleHeld {
            role: super::retro::role_label(role),
            retro_title: r.title_text().to_string(),
            url: format!("{root}{}#response-roles", crate::render::urls::retro_url(&r.id.value)),
            date: r.started_day(),
        })
        .collect()
}
