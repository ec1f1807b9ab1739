//! The retro index: every retro, newest first, a page at a time.

use crate::error::Error;
use crate::render::Site;
use crate::render::paging::{self, Pager};
use crate::render::plan::Page;

pub fn render(site: &Site, page: &Page, number: u32) -> Result<Vec<u8>, Error> {
    let root = site.root_of(page);
    let order = &site.indexes().order;
    let size = site.page_size();
    let from = site.path(page);
    let pager = Pager::new(order.len(), size, number, |n| paging::relative(&from, &site.path(&Page::RetroIndex(n))));
    let mut ctx = tera::Context::new();
    ctx.insert("retros", &site.rows(root, paging::slice(order, size, number)));
    ctx.insert("pager", &pager);
    let title = if number > 1 { format!("All retrospectives, page {number}") } else { "All retrospectives".into() };
    site.html(page, "retros.html", &title, ctx)
}
