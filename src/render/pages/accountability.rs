//! Who owes what: one row per owner and one per team (items owned by the
//! team or its members), with open, overdue, the oldest overdue item's age
//! and the next due date. The full page lists everyone; the home and action
//! pages show the most urgent few.

use crate::error::Error;
use crate::render::Site;
use crate::render::indexes::Account;
use crate::render::plan::Page;
use serde::Serialize;

#[derive(Serialize)]
struct Summary<'s> {
    owners: &'s [Account],
    teams: &'s [Account],
    more_owners: usize,
    more_teams: usize,
}

/// Put the `limit` most urgent owners and teams in `ctx` as `accounts`.
pub fn insert_summary(site: &Site, ctx: &mut tera::Context, limit: usize) {
    let (owners, teams) = site.accounts();
    let (o, t) = (&owners[..owners.len().min(limit)], &teams[..teams.len().min(limit)]);
    let summary =
        Summary { owners: o, teams: t, more_owners: owners.len() - o.len(), more_teams: teams.len() - t.len() };
    ctx.insert("accounts", &summary);
}

pub fn render(site: &Site, page: &Page) -> Result<Vec<u8>, Error> {
    let mut ctx = tera::Context::new();
    insert_summary(site, &mut ctx, usize::MAX);
    ctx.insert("stats", &site.stats());
    site.html(page, "accountability.html", "Accountability", ctx)
}
