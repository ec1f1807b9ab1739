//! The home page: counts as of today, who owes the most, the most urgent
//! items and the newest retros — each a few rows with "N more" links, so
//! the page stays small however large the repo.

use crate::error::Error;
use crate::render::Site;
use crate::render::plan::Page;
use crate::render::views::RetroCard;

/// How many rows each short list of the home page shows.
pub const SHORT_LIST: usize = 10;

pub fn render(site: &Site, page: &Page) -> Result<Vec<u8>, Error> {
    let root = site.root_of(page);
    let ix = site.indexes();
    let recent: Vec<RetroCard> = ix.order.iter().take(12).map(|&i| site.card(i, root)).collect();
    let stats = site.stats();
    let urgent = &ix.pending[..stats.overdue.min(SHORT_LIST)];
    let mut ctx = tera::Context::new();
    ctx.insert("recent", &recent);
    ctx.insert("overdue", &site.action_rows(root, urgent));
    ctx.insert("stats", &stats);
    super::accountability::insert_summary(site, &mut ctx, SHORT_LIST);
    site.html(page, "index.html", &site.config.book.title, ctx)
}
