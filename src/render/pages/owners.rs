//! Owner pages: a person's or team's action items, open first, a page at a
//! time, with what they owe at a glance and the retros they wrote; and the
//! index of owners.

use crate::error::Error;
use crate::render::Site;
use crate::render::indexes::Account;
use crate::render::paging::{self, Pager};
use crate::render::plan::{Page, Taxonomy, owner_url};
use crate::render::views::TermLink;

pub fn render_index(site: &Site, page: &Page) -> Result<Vec<u8>, Error> {
    let root = site.root_of(page);
    let owners: Vec<TermLink> = (site.indexes().owners.iter())
        .map(|(o, items)| TermLink {
            name: site.person_name(o),
            url: format!("{root}{}", owner_url(o, 1)),
            count: items.len(),
        })
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("kind_title", "Owners");
    ctx.insert("terms", &owners);
    site.html(page, "terms.html", "Owners", ctx)
}

pub fn render(site: &Site, page: &Page, owner: &str, number: u32) -> Result<Vec<u8>, Error> {
    let root = site.root_of(page);
    let url = owner_url(owner, 1);
    let items = site.owner_items(&url);
    let size = site.page_size();
    let from = site.path(page);
    let pager = Pager::new(items.len(), size, number, |n| {
        paging::relative(&from, &site.path(&Page::Owner(owner.to_string(), n)))
    });
    let account = Account::of(owner, site.person_name(owner), url.clone(), items, site.retros, site.today);
    let authored = site.indexes().authored.get(&url).map(Vec::as_slice).unwrap_or_default();
    let mut ctx = tera::Context::new();
    ctx.insert("owner", owner);
    ctx.insert("display_name", &site.person_name(owner));
    ctx.insert("account", &account);
    ctx.insert("total", &items.len());
    ctx.insert("actions", &site.action_rows(root, paging::slice(items, size, number)));
    ctx.insert("pager", &pager);
    let teams: Vec<TermLink> = (site.teams_of(owner).iter())
        .map(|t| TermLink { name: site.person_name(t), url: format!("{root}{}", Taxonomy::Teams.url(t, 1)), count: 0 })
        .collect();
    ctx.insert("teams", &teams);
    // The retros they wrote: on the first page, the newest page's worth.
    let shown = if number == 1 { &authored[..authored.len().min(size)] } else { &[][..] };
    ctx.insert("authored", &site.rows(root, shown));
    ctx.insert("authored_total", &authored.len());
    ctx.insert("stats", &site.stats());
    site.html(page, "owner.html", &format!("Action items of {}", site.person_name(owner)), ctx)
}
