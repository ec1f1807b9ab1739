//! Stage 4: the site. `Site` holds the checked retros, the link graph and
//! every index an aggregate page needs, computed once; `Page` names each
//! output file; `Site::render` turns one page into bytes.
//!
//! Pages are independent, so they render in parallel, and the page plan
//! knows which pages depend on which retro (`Site::pages_affected_by`), so a
//! watcher can re-render just those after an edit.

pub mod charts;
pub mod feeds;
pub mod markdown;
pub mod templates;
pub mod views;

use crate::config::Config;
use crate::error::Error;
use crate::link::{LinkGraph, Target};
use crate::model::{Finding, Level, LinkKind, Retro};
use chrono::NaiveDate;
use markdown::{LinkContext, body_html, inline_html, retro_url};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use views::*;

/// One output file of the site.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Page {
    Home,
    RetroIndex,
    Retro(usize),
    Actions,
    Insights,
    OwnerIndex,
    Owner(String),
    /// A taxonomy's index: `services`, `teams`, `tags` or `categories`.
    TermIndex(&'static str),
    Term(&'static str, String),
    Feed,
    Sitemap,
    NotFound,
    Search,
    ApiRetros,
    ApiActions,
    ActionsCsv,
}

/// The files of a site: path within the site, and bytes.
pub type SiteFiles = Vec<(String, Vec<u8>)>;

/// The taxonomies that get a page per term.
pub const TAXONOMIES: &[(&str, &str)] =
    &[("services", "Services"), ("teams", "Teams"), ("tags", "Tags"), ("categories", "Factor categories")];

/// Everything the pages are made from.
pub struct Site<'a> {
    pub config: &'a Config,
    pub retros: &'a [Retro],
    pub graph: &'a LinkGraph,
    pub today: NaiveDate,
    /// Where the site is served from, ending in `/`.
    pub base_url: String,
    file_exists: &'a (dyn Fn(&str) -> bool + Sync),
    tera: &'a tera::Tera,
    /// What the aggregate pages need, made when one first does: a single
    /// retro page (the first thing `serve` renders after an edit) needs none.
    indexes: std::sync::OnceLock<Indexes>,
    all_rows: std::sync::OnceLock<Vec<ActionRow>>,
    nested_rows: std::sync::OnceLock<Vec<RetroCard>>,
}

/// The orderings and groupings of retros the aggregate pages show.
struct Indexes {
    /// Retro indexes, newest first.
    order: Vec<usize>,
    /// Term name to retro indexes (newest first), per taxonomy.
    terms: BTreeMap<&'static str, BTreeMap<String, Vec<usize>>>,
    /// Owner to (retro, action index).
    owners: BTreeMap<String, Vec<(usize, usize)>>,
    /// An owner page's URL to the retros its people wrote, newest first.
    authored: std::collections::HashMap<String, Vec<usize>>,
}

impl Indexes {
    fn of(retros: &[Retro]) -> Indexes {
        let mut order: Vec<usize> = (0..retros.len()).collect();
        let started = |i: usize| retros[i].started_at.as_ref().map(|s| s.value.date());
        order.sort_by(|&a, &b| started(b).cmp(&started(a)).then_with(|| retros[a].id.value.cmp(&retros[b].id.value)));
        let mut terms: BTreeMap<&'static str, BTreeMap<String, Vec<usize>>> = BTreeMap::new();
        let mut owners: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
        let mut authored: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
        // A handful of people write every retro: each name's URL is made once.
        let mut urls: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
        for &i in &order {
            let r = &retros[i];
            let mut add = |kind: &'static str, name: &str| {
                let list = terms.entry(kind).or_default().entry(name.to_string()).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            };
            r.services.iter().for_each(|s| add("services", &s.value));
            r.teams.iter().for_each(|s| add("teams", &s.value));
            r.tags.iter().for_each(|s| add("tags", &s.value));
            r.factors.iter().filter_map(|f| f.category.as_ref()).for_each(|c| add("categories", &c.value));
            for (j, item) in r.actions().iter().enumerate() {
                owners.entry(item.owner_name().unwrap_or("(no owner)").to_string()).or_default().push((i, j));
            }
            for author in &r.authors {
                let url = urls.entry(author.value.as_str()).or_insert_with(|| owner_url(&author.value));
                let list = authored.entry(url.clone()).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        Indexes { order, terms, owners, authored }
    }
}

impl<'a> Site<'a> {
    /// `tera` holds the compiled templates (`templates::load`), made once
    /// and kept across rebuilds that do not touch them.
    pub fn new(
        config: &'a Config,
        retros: &'a [Retro],
        graph: &'a LinkGraph,
        today: NaiveDate,
        base_url: Option<&str>,
        file_exists: &'a (dyn Fn(&str) -> bool + Sync),
        tera: &'a tera::Tera,
    ) -> Site<'a> {
        Site {
            config,
            retros,
            graph,
            today,
            base_url: normalize_base_url(base_url.unwrap_or(&config.build.base_url)),
            file_exists,
            tera,
            indexes: std::sync::OnceLock::new(),
            all_rows: std::sync::OnceLock::new(),
            nested_rows: std::sync::OnceLock::new(),
        }
    }

    fn indexes(&self) -> &Indexes {
        self.indexes.get_or_init(|| Indexes::of(self.retros))
    }

    /// The retros that declare `recurrence_of` retro `index`, newest first.
    /// A recurrence links to what it recurs, so only backlinks need a look.
    fn recurrences(&self, index: usize) -> Vec<usize> {
        let id = &self.retros[index].id.value;
        let mut found: Vec<usize> = (self.graph.backlinks[index].iter().copied())
            .filter(|&i| self.retros[i].recurrence_of.as_ref().is_some_and(|r| &r.value == id))
            .collect();
        found.sort_by_key(|&i| std::cmp::Reverse(self.retros[i].started_at.as_ref().map(|s| s.value.date())));
        found
    }

    fn link_context(&self, from: usize, root: &'static str) -> LinkContext<'_> {
        LinkContext { retros: self.retros, graph: self.graph, file_exists: self.file_exists, from, root }
    }

    /// Whether the base URL is a full one (`https://host/path/`). Atom ids
    /// and links and sitemap locations must be absolute URLs (RFC 4287,
    /// sitemaps.org), so without one there is no feed and no sitemap.
    pub fn has_full_base_url(&self) -> bool {
        crate::link::has_scheme(&self.base_url)
    }

    /// Every page of the site, in a stable order.
    pub fn pages(&self) -> Vec<Page> {
        let mut pages = vec![Page::Home, Page::RetroIndex, Page::Actions, Page::Insights, Page::OwnerIndex];
        pages.extend(self.indexes().order.iter().map(|&i| Page::Retro(i)));
        pages.extend(self.indexes().owners.keys().map(|o| Page::Owner(o.clone())));
        for (kind, _) in TAXONOMIES {
            pages.push(Page::TermIndex(kind));
            if let Some(names) = self.indexes().terms.get(kind) {
                pages.extend(names.keys().map(|n| Page::Term(kind, n.clone())));
            }
        }
        if self.has_full_base_url() {
            pages.extend([Page::Feed, Page::Sitemap]);
        }
        pages.extend([Page::NotFound, Page::Search, Page::ApiRetros, Page::ApiActions, Page::ActionsCsv]);
        // Names that differ only in case or punctuation (`Bob`, `bob`) share
        // a URL, so they share a page: the first name's.
        let mut paths = std::collections::HashSet::new();
        pages.retain(|p| paths.insert(self.path(p)));
        pages
    }

    /// The pages whose content depends on retro `index`: its own page, the
    /// pages of retros that link to it (backlinks), the pages it touches
    /// (see `pages_touched_by`), and every aggregate.
    pub fn pages_affected_by(&self, index: usize) -> BTreeSet<Page> {
        let mut pages: BTreeSet<Page> = [
            Page::Home,
            Page::RetroIndex,
            Page::Actions,
            Page::Insights,
            Page::OwnerIndex,
            Page::Feed,
            Page::Sitemap,
            Page::ApiRetros,
            Page::ApiActions,
            Page::ActionsCsv,
        ]
        .into();
        if !self.has_full_base_url() {
            pages.retain(|p| !matches!(p, Page::Feed | Page::Sitemap));
        }
        pages.insert(Page::Retro(index));
        pages.extend(self.graph.backlinks[index].iter().map(|&i| Page::Retro(i)));
        pages.extend(self.pages_touched_by(&self.retros[index]));
        pages
    }

    /// The pages a retro's own data shows up on: the retros it links to
    /// (their backlinks and recurrences), its owners' pages, and its
    /// services', teams', tags' and factor categories' pages. Works for a
    /// retro as it was before an edit, so pages it left are updated too.
    pub fn pages_touched_by(&self, retro: &Retro) -> BTreeSet<Page> {
        let mut pages: BTreeSet<Page> = self.graph.outgoing(retro).into_iter().map(Page::Retro).collect();
        for owner in retro.actions().iter().map(|a| a.owner_name().unwrap_or("(no owner)")) {
            pages.insert(Page::Owner(owner.to_string()));
        }
        for (kind, names) in [
            ("services", retro.services.iter().map(|s| s.value.clone()).collect::<Vec<_>>()),
            ("teams", retro.teams.iter().map(|s| s.value.clone()).collect()),
            ("tags", retro.tags.iter().map(|s| s.value.clone()).collect()),
            ("categories", retro.factors.iter().filter_map(|f| f.category.as_ref().map(|c| c.value.clone())).collect()),
        ] {
            pages.insert(Page::TermIndex(kind));
            pages.extend(names.into_iter().map(|n| Page::Term(kind, n)));
        }
        pages
    }

    /// The path of a page in the output folder.
    pub fn path(&self, page: &Page) -> String {
        match page {
            Page::Home => "index.html".into(),
            Page::RetroIndex => "retros/index.html".into(),
            Page::Retro(i) => retro_url(&self.retros[*i].id.value),
            Page::Actions => "actions.html".into(),
            Page::Insights => "insights.html".into(),
            Page::OwnerIndex => "owners/index.html".into(),
            Page::Owner(o) => owner_url(o),
            Page::TermIndex(kind) => format!("{kind}/index.html"),
            Page::Term(kind, name) => term_url(kind, name),
            Page::Feed => "atom.xml".into(),
            Page::Sitemap => "sitemap.xml".into(),
            Page::NotFound => "404.html".into(),
            Page::Search => "search.html".into(),
            Page::ApiRetros => "api/retros.json".into(),
            Page::ApiActions => "api/actions.json".into(),
            Page::ActionsCsv => "actions.csv".into(),
        }
    }

    /// Render every page and the search index, in parallel; the result is
    /// sorted by path.
    pub fn render_all(&self) -> Result<SiteFiles, Error> {
        let files = std::sync::Mutex::new(Vec::new());
        self.render_into(&|path, bytes| {
            files.lock().expect("no panics while holding the lock").push((path, bytes));
            Ok(())
        })?;
        let mut files = files.into_inner().expect("no panics while holding the lock");
        files.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(files)
    }

    /// Render every page and the search index in parallel, handing each file
    /// to `sink` as soon as it is made, so a big site never sits in memory
    /// whole. Returns how long the search index took on its own (the pages
    /// render beside it), for `build -v`.
    pub fn render_into(
        &self,
        sink: &(dyn Fn(String, Vec<u8>) -> Result<(), Error> + Sync),
    ) -> Result<std::time::Duration, Error> {
        // One queue, taken in order by every thread. The search index and
        // the big aggregate pages (each holding thousands of rows in memory)
        // are one job, done one after another while the other threads
        // render retro pages: that bounds peak memory, and no long job is
        // left for the end while a core idles.
        enum Job<'p> {
            SearchAndAggregates,
            Page(&'p Page),
        }
        let pages = self.pages();
        // The shared rows, made up front by every thread.
        self.nested_rows();
        let is_aggregate = |p: &&Page| !matches!(p, Page::Retro(_) | Page::Term(..) | Page::Owner(_));
        let jobs =
            std::iter::once(Job::SearchAndAggregates).chain(pages.iter().filter(|p| !is_aggregate(p)).map(Job::Page));
        let search_time = std::sync::Mutex::new(std::time::Duration::ZERO);
        jobs.par_bridge().try_for_each(|job| match job {
            Job::Page(p) => sink(self.path(p), self.render(p)?),
            Job::SearchAndAggregates => {
                let started = std::time::Instant::now();
                for (path, bytes) in self.search_files() {
                    sink(path, bytes)?;
                }
                *search_time.lock().expect("no panics while holding the lock") = started.elapsed();
                pages.iter().filter(is_aggregate).try_for_each(|p| sink(self.path(p), self.render(p)?))
            }
        })?;
        Ok(search_time.into_inner().expect("no panics while holding the lock"))
    }

    /// The files of the search index (`search/`), in the site's order.
    pub fn search_files(&self) -> SiteFiles {
        crate::search::SearchIndex::build(self.retros, &self.indexes().order, self.today, self.config).files()
    }

    /// Repo files linked from retros, to copy into `attachments/`: the
    /// links that resolve to a file (Markdown links and images, and their
    /// raw-HTML forms), the same resolution rendering uses.
    pub fn attachments(&self) -> BTreeSet<String> {
        let mut files = BTreeSet::new();
        for (i, retro) in self.retros.iter().enumerate() {
            for link in retro.body.links.iter().filter(|l| matches!(l.kind, LinkKind::Inline | LinkKind::Image)) {
                let safe = crate::link::is_safe_url(&link.dest, link.kind == LinkKind::Image);
                if let (true, Ok(Target::File { path, .. })) =
                    (safe, self.graph.resolve(self.retros, i, link.kind, &link.dest, self.file_exists))
                {
                    files.insert(path);
                }
            }
        }
        files
    }

    /// Render one page.
    pub fn render(&self, page: &Page) -> Result<Vec<u8>, Error> {
        let depth = self.path(page).matches('/').count();
        let root: &'static str = ["", "../", "../../"][depth.min(2)];
        // The 404 page is served for missing URLs at any depth, so with a
        // full base URL its links start there; without one they stay
        // relative, so the page still works opened from disk.
        let absolute_404 = *page == Page::NotFound && crate::link::has_scheme(&self.base_url);
        let page_root = if absolute_404 { self.base_url.as_str() } else { root };
        let html = |template: &str, title: &str, extra: tera::Context| -> Result<Vec<u8>, Error> {
            let mut ctx = self.base_context(page_root, title, page);
            ctx.extend(extra);
            self.tera
                .render(template, &ctx)
                .map(String::into_bytes)
                .map_err(|e| Error::new(format!("rendering {template}: {}", templates::describe(&e))))
        };
        let mut ctx = tera::Context::new();
        match page {
            Page::Home => {
                let recent: Vec<RetroCard> =
                    self.indexes().order.iter().take(12).map(|&i| self.card(i, root)).collect();
                let actions = self.all_action_rows();
                let overdue: Vec<&ActionRow> = actions.iter().filter(|a| a.overdue).take(10).collect();
                ctx.insert("recent", &recent);
                ctx.insert("overdue", &overdue);
                ctx.insert("stats", &self.stats(actions));
                html("index.html", &self.config.book.title, ctx)
            }
            Page::RetroIndex => {
                let cards = self.rows(root, self.indexes().order.iter().copied());
                ctx.insert("retros", &cards);
                html("retros.html", "All retrospectives", ctx)
            }
            Page::Retro(i) => {
                ctx.insert("retro", &self.retro_view(*i, root));
                html("retro.html", self.retros[*i].title_text(), ctx)
            }
            Page::Actions => {
                let rows = self.all_action_rows();
                ctx.insert("groups_html", GROUPS_MARKER);
                ctx.insert("total", &rows.len());
                ctx.insert("owners", &sorted_unique(rows.iter().map(|r| r.owner.clone())));
                ctx.insert("services", &sorted_unique(rows.iter().flat_map(|r| r.services.clone())));
                ctx.insert("stats", &self.stats(rows));
                let page = html("actions.html", "Action items", ctx)?;
                self.splice_action_groups(page, rows)
            }
            Page::Insights => {
                ctx.insert("charts", &charts::insights(self.retros, self.config, self.today));
                html("insights.html", "Insights", ctx)
            }
            Page::OwnerIndex => {
                let owners: Vec<TermLink> = self
                    .indexes()
                    .owners
                    .iter()
                    .map(|(o, items)| TermLink {
                        name: o.clone(),
                        url: format!("{root}{}", owner_url(o)),
                        count: items.len(),
                    })
                    .collect();
                ctx.insert("kind_title", "Owners");
                ctx.insert("terms", &owners);
                html("terms.html", "Owners", ctx)
            }
            Page::Owner(owner) => {
                // Every name with this page's URL (see `pages`).
                let url = owner_url(owner);
                let names: Vec<&String> = self.indexes().owners.keys().filter(|o| owner_url(o) == url).collect();
                let items = names.iter().flat_map(|o| self.indexes().owners[*o].iter().copied());
                let rows = self.action_rows(root, items);
                let authored = self.rows(root, self.indexes().authored.get(&url).into_iter().flatten().copied());
                ctx.insert("owner", owner);
                ctx.insert("display_name", &roster_name(self.config, owner));
                ctx.insert("actions", &rows);
                ctx.insert("authored", &authored);
                ctx.insert("stats", &self.stats(&rows));
                html("owner.html", &format!("Action items of {owner}"), ctx)
            }
            Page::TermIndex(kind) => {
                let terms: Vec<TermLink> = self
                    .indexes()
                    .terms
                    .get(kind)
                    .into_iter()
                    .flatten()
                    .map(|(name, list)| TermLink {
                        name: name.clone(),
                        url: format!("{root}{}", term_url(kind, name)),
                        count: list.len(),
                    })
                    .collect();
                let title = taxonomy_title(kind);
                ctx.insert("kind_title", title);
                ctx.insert("terms", &terms);
                html("terms.html", title, ctx)
            }
            Page::Term(kind, name) => {
                // Every name with this page's URL (see `pages`), newest first.
                let url = term_url(kind, name);
                let lists: Vec<&Vec<usize>> = (self.indexes().terms.get(kind).into_iter().flatten())
                    .filter(|(n, _)| term_url(kind, n) == url)
                    .map(|(_, l)| l)
                    .collect();
                let mut list: Vec<usize> = lists.iter().flat_map(|l| l.iter().copied()).collect();
                if lists.len() > 1 {
                    let rank: std::collections::HashMap<usize, usize> =
                        self.indexes().order.iter().enumerate().map(|(k, &i)| (i, k)).collect();
                    list.sort_by_key(|i| rank[i]);
                    list.dedup();
                }
                ctx.insert("kind", kind);
                ctx.insert("kind_title", taxonomy_title(kind));
                ctx.insert("name", name);
                ctx.insert("retro_count", &list.len());
                if *kind == "categories" {
                    // Nearly every retro has a factor in each common category:
                    // the page lists the factors themselves, not their retros.
                    ctx.insert("factors", &self.factor_rows(&list, name, root));
                } else {
                    // Open items are counted per retro here; the action list,
                    // filtered by service, has them in full.
                    let cards = self.rows(root, list.iter().copied());
                    let open: usize = cards.iter().map(|c| c.open_actions).sum();
                    ctx.insert("retros", &cards);
                    ctx.insert("open_actions", &open);
                    let actions_url = match *kind {
                        "services" => format!("{root}actions.html?service={}&status=pending", query_value(name)),
                        _ => String::new(),
                    };
                    ctx.insert("actions_url", &actions_url);
                }
                html("term.html", &format!("{}: {name}", taxonomy_title(kind)), ctx)
            }
            Page::NotFound => html("404.html", "Page not found", ctx),
            Page::Search => html("search.html", "Search", ctx),
            Page::Feed => Ok(feeds::atom(self).into_bytes()),
            Page::Sitemap => Ok(feeds::sitemap(self).into_bytes()),
            Page::ApiRetros => Ok(feeds::api_retros(self).into_bytes()),
            Page::ApiActions => Ok(feeds::api_actions(self.all_action_rows()).into_bytes()),
            Page::ActionsCsv => Ok(feeds::actions_csv(self.all_action_rows()).into_bytes()),
        }
    }

    fn base_context(&self, root: &str, title: &str, page: &Page) -> tera::Context {
        let mut ctx = tera::Context::new();
        let book = &self.config.book;
        ctx.insert("site", &SiteView { title: &book.title, description: &book.description, language: &book.language });
        ctx.insert("root", root);
        ctx.insert("page_title", title);
        ctx.insert("feed", &self.has_full_base_url());
        // A canonical URL only means something with a full base URL.
        if self.has_full_base_url() {
            ctx.insert("page_url", &format!("{}{}", self.base_url, self.path(page)));
        } else {
            ctx.insert("page_url", "");
        }
        ctx.insert("today", &self.today.format("%Y-%m-%d").to_string());
        ctx.insert("section", section_of(page));
        ctx
    }

    pub fn card(&self, index: usize, root: &'static str) -> RetroCard {
        card(&self.retros[index], &self.link_context(index, root), self.today, true)
    }

    /// The action list with its owner groups in place of the marker. Each
    /// group is rendered on its own straight into the page: every action
    /// item of a big organisation never sits in memory as template data, or
    /// as more than one copy of the page, at once.
    fn splice_action_groups(&self, page: Vec<u8>, rows: &[ActionRow]) -> Result<Vec<u8>, Error> {
        let marker = GROUPS_MARKER.as_bytes();
        let Some(at) = page.windows(marker.len()).position(|w| w == marker) else { return Ok(page) };
        let mut out = Vec::with_capacity(page.len() + rows.len() * 1024);
        out.extend_from_slice(&page[..at]);
        for (n, group) in group_by_owner(rows, self.config).iter().enumerate() {
            let mut ctx = tera::Context::new();
            ctx.insert("g", group);
            ctx.insert("index", &(n + 1));
            self.tera
                .render_to("action_group.html", &ctx, &mut out)
                .map_err(|e| Error::new(format!("rendering action_group.html: {}", templates::describe(&e))))?;
        }
        out.extend_from_slice(&page[at + marker.len()..]);
        Ok(out)
    }

    /// A retro as a row of a compact table: no summary.
    pub fn row(&self, index: usize, root: &'static str) -> RetroCard {
        card(&self.retros[index], &self.link_context(index, root), self.today, false)
    }

    /// Every retro's row as the pages one folder down (the retro index,
    /// term and owner pages) list it, by retro: made once, since a big site
    /// lists every retro on several of them.
    fn nested_rows(&self) -> &[RetroCard] {
        self.nested_rows.get_or_init(|| (0..self.retros.len()).into_par_iter().map(|i| self.row(i, "../")).collect())
    }

    /// The rows of the given retros, in that order: the shared ones on
    /// pages one folder down, where all the callers are.
    fn rows(&self, root: &'static str, list: impl Iterator<Item = usize>) -> Vec<std::borrow::Cow<'_, RetroCard>> {
        use std::borrow::Cow;
        if root == "../" {
            let nested = self.nested_rows();
            list.map(|i| Cow::Borrowed(&nested[i])).collect()
        } else {
            list.map(|i| Cow::Owned(self.row(i, root))).collect()
        }
    }

    /// Rows for the given (retro, action) pairs, in listing order.
    pub fn action_rows(&self, root: &'static str, pairs: impl Iterator<Item = (usize, usize)>) -> Vec<ActionRow> {
        let mut rows: Vec<ActionRow> = pairs
            .map(|(i, j)| {
                action_row(&self.retros[i], &self.retros[i].actions()[j], &self.link_context(i, root), self.today)
            })
            .collect();
        rows.sort_by(action_order);
        rows
    }

    /// Every action item's row, for the top-level pages (home, the action
    /// list, its API and CSV), which share a depth: made once.
    pub fn all_action_rows(&self) -> &[ActionRow] {
        self.all_rows.get_or_init(|| {
            let pairs =
                self.indexes().order.iter().flat_map(|&r| (0..self.retros[r].actions().len()).map(move |a| (r, a)));
            self.action_rows("", pairs)
        })
    }

    /// The factors of category `category` in the given retros, in their order.
    fn factor_rows(&self, retros: &[usize], category: &str, root: &'static str) -> Vec<FactorRow> {
        let mut rows = Vec::new();
        for &i in retros {
            let retro = &self.retros[i];
            let ctx = self.link_context(i, root);
            let url = format!("{root}{}", retro_url(&retro.id.value));
            for f in retro.factors.iter().filter(|f| f.category.as_ref().is_some_and(|c| c.value == category)) {
                rows.push(FactorRow {
                    date: retro.started_at.as_ref().map(|s| s.value.date().to_string()).unwrap_or_default(),
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

    fn stats(&self, rows: &[ActionRow]) -> Stats {
        Stats {
            retros: self.retros.len(),
            actions: rows.len(),
            pending: rows.iter().filter(|r| r.pending).count(),
            overdue: rows.iter().filter(|r| r.overdue).count(),
            done: rows.iter().filter(|r| r.status == "done").count(),
            near_misses: self.retros.iter().filter(|r| r.near_miss).count(),
        }
    }

    fn retro_view(&self, index: usize, root: &'static str) -> RetroView {
        let retro = &self.retros[index];
        let recurrences = self.recurrences(index);
        let ctx = self.link_context(index, root);
        let mut actions: Vec<ActionRow> =
            retro.actions().iter().map(|a| action_row(retro, a, &ctx, self.today)).collect();
        let mut ids = std::collections::HashSet::new();
        for row in &mut actions {
            row.anchor = ids.insert(row.id.clone());
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
                    .map(|c| format!("{root}{}", term_url("categories", &c.value)))
                    .unwrap_or_default(),
                description_html: inline_html(&f.description.value, &ctx),
                actionable: f.actionable,
                actions: actions
                    .iter()
                    .filter(|a| a.factors.contains(&f.id.value))
                    .map(|a| FactorAction { id: a.id.clone(), status: a.status.clone(), overdue: a.overdue })
                    .collect(),
            })
            .collect();
        let clock = [
            ("Started", &retro.started_at),
            ("Detected", &retro.detected_at),
            ("Mitigated", &retro.mitigated_at),
            ("Resolved", &retro.resolved_at),
        ]
        .iter()
        .filter_map(|(label, w)| w.as_ref().map(|w| Labeled { label: label.to_string(), value: show_when(&w.value) }))
        .collect();
        let timeline = retro
            .timeline
            .iter()
            .map(|t| TimelineView {
                at: t.at.as_ref().map(|a| show_when(&a.value)).unwrap_or_default(),
                datetime: t.at.as_ref().map(|a| a.value.to_string()).unwrap_or_default(),
                kind: t.kind.map(|k| k.to_string()).unwrap_or_else(|| "note".into()),
                approximate: t.approximate,
                event_html: inline_html(&t.event.value, &ctx),
                before_start: match (&t.at, &retro.started_at) {
                    (Some(at), Some(start)) => start.value.is_after(&at.value),
                    _ => false,
                },
            })
            .collect();
        let link_to = |i: usize| RetroLink {
            id: self.retros[i].id.value.clone(),
            title: self.retros[i].title_text().to_string(),
            url: format!("{root}{}", retro_url(&self.retros[i].id.value)),
            severity: self.retros[i].severity.as_ref().map(|s| s.value.clone()).unwrap_or_default(),
            date: self.retros[i].started_at.as_ref().map(|s| s.value.date().to_string()).unwrap_or_default(),
        };
        let terms = |kind: &str, list: &[crate::model::At<String>]| -> Vec<TermLink> {
            list.iter()
                .map(|t| TermLink {
                    name: t.value.clone(),
                    url: format!("{root}{}", term_url(kind, &t.value)),
                    count: 0,
                })
                .collect()
        };
        let people = |list: &[crate::model::At<String>]| -> Vec<String> {
            list.iter().map(|p| self.person_name(&p.value)).collect()
        };
        RetroView {
            card: self.card(index, root),
            path: retro.path.clone(),
            edit_url: self
                .config
                .retro
                .edit_url
                .as_ref()
                .and_then(|u| crate::link::href(&u.replace("{path}", &retro.path))),
            impact_html: retro.impact.as_ref().map(|s| inline_html(&s.value, &ctx)).unwrap_or_default(),
            clock,
            time_to_detect: time_to(retro, &retro.detected_at),
            time_to_mitigate: time_to(retro, &retro.mitigated_at),
            time_to_resolve: time_to(retro, &retro.resolved_at),
            authors: people(&retro.authors),
            attendees: people(&retro.attendees),
            facilitator: retro.facilitator.as_ref().map(|f| self.person_name(&f.value)),
            reviewers: people(&retro.reviewers),
            services: terms("services", &retro.services),
            teams: terms("teams", &retro.teams),
            tags: terms("tags", &retro.tags),
            links: retro
                .links
                .iter()
                .filter_map(|l| Some(Labeled { label: l.title.clone(), value: crate::link::href(&l.url.value)? }))
                .collect(),
            factors,
            timeline,
            actions,
            related: retro.related.iter().filter_map(|r| self.graph.index_of(&r.value)).map(link_to).collect(),
            recurrence_of: retro.recurrence_of.as_ref().and_then(|r| self.graph.index_of(&r.value)).map(link_to),
            recurrences: recurrences.iter().map(|&i| link_to(i)).collect(),
            // Retros already listed as related or as recurrences are not
            // repeated under "Referenced by".
            backlinks: self.graph.backlinks[index]
                .iter()
                .filter(|&&i| {
                    let id = &self.retros[i].id.value;
                    !retro.related.iter().any(|r| &r.value == id) && !recurrences.contains(&i)
                })
                .map(|&i| link_to(i))
                .collect(),
            // Retro pages are one level down.
            body_html: body_html(&self.link_context(index, "../")),
        }
    }

    fn person_name(&self, handle: &str) -> String {
        match self.config.people.get(handle).and_then(|p| p.name.as_ref()) {
            Some(name) => format!("{name} ({handle})"),
            None => handle.to_string(),
        }
    }
}

fn normalize_base_url(url: &str) -> String {
    let url = url.trim();
    if url.is_empty() {
        "/".into()
    } else if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}

/// Where `actions.html` puts `{{ groups_html | safe }}`: the owner groups
/// are rendered separately and spliced in (`Site::splice_action_groups`).
const GROUPS_MARKER: &str = "<!-- retrobook: action groups -->";

/// `value` made safe for a URL's query string.
fn query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn taxonomy_title(kind: &str) -> &'static str {
    TAXONOMIES.iter().find(|(k, _)| *k == kind).map(|(_, t)| *t).unwrap_or("Terms")
}

fn section_of(page: &Page) -> &'static str {
    match page {
        Page::Home => "home",
        Page::RetroIndex | Page::Retro(_) => "retros",
        Page::Actions | Page::Owner(_) | Page::OwnerIndex => "actions",
        Page::Insights => "insights",
        Page::Search => "search",
        Page::TermIndex(_) | Page::Term(..) => "browse",
        _ => "",
    }
}

fn sorted_unique(items: impl Iterator<Item = String>) -> Vec<String> {
    items.collect::<BTreeSet<_>>().into_iter().collect()
}

/// Owners ordered by how much they have overdue, then pending, then name.
fn group_by_owner<'r>(rows: &'r [ActionRow], config: &Config) -> Vec<OwnerGroup<'r>> {
    let mut groups: BTreeMap<&str, Vec<&ActionRow>> = BTreeMap::new();
    for row in rows {
        groups.entry(&row.owner).or_default().push(row);
    }
    let mut out: Vec<OwnerGroup> = groups
        .into_iter()
        .map(|(owner, items)| OwnerGroup {
            name: roster_name(config, owner),
            owner: owner.to_string(),
            owner_url: items[0].owner_url.clone(),
            overdue: items.iter().filter(|r| r.overdue).count(),
            pending: items.iter().filter(|r| r.pending).count(),
            items,
        })
        .collect();
    out.sort_by(|a, b| (b.overdue, b.pending, &a.owner).cmp(&(a.overdue, a.pending, &b.owner)));
    out
}

#[derive(Serialize)]
struct SiteView<'s> {
    title: &'s str,
    description: &'s str,
    language: &'s str,
}

#[derive(Serialize)]
struct Stats {
    retros: usize,
    actions: usize,
    pending: usize,
    overdue: usize,
    done: usize,
    near_misses: usize,
}

/// A person's or team's name from the roster, else the handle itself.
fn roster_name(config: &Config, handle: &str) -> String {
    let person = config.people.get(handle).and_then(|p| p.name.clone());
    person.or_else(|| config.teams.get(handle).and_then(|t| t.name.clone())).unwrap_or_else(|| handle.to_string())
}

#[derive(Serialize)]
struct OwnerGroup<'r> {
    /// The display name (from the roster); `owner` is the handle.
    name: String,
    owner: String,
    owner_url: String,
    overdue: usize,
    pending: usize,
    items: Vec<&'r ActionRow>,
}

#[derive(Serialize)]
struct Labeled {
    label: String,
    value: String,
}

#[derive(Serialize)]
struct FactorView {
    id: String,
    category: String,
    category_url: String,
    description_html: String,
    actionable: bool,
    actions: Vec<FactorAction>,
}

/// An action item as its factor lists it: the full row is in the table
/// below, and need not be copied into the page's data for every factor.
#[derive(Serialize)]
struct FactorAction {
    id: String,
    status: String,
    overdue: bool,
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

#[derive(Serialize)]
struct TimelineView {
    at: String,
    datetime: String,
    kind: String,
    approximate: bool,
    event_html: String,
    before_start: bool,
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
struct RetroView {
    card: RetroCard,
    path: String,
    edit_url: Option<String>,
    impact_html: String,
    clock: Vec<Labeled>,
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
    factors: Vec<FactorView>,
    timeline: Vec<TimelineView>,
    actions: Vec<ActionRow>,
    related: Vec<RetroLink>,
    recurrence_of: Option<RetroLink>,
    recurrences: Vec<RetroLink>,
    backlinks: Vec<RetroLink>,
    body_html: String,
}

/// Whether findings block a build: any at error level.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.level == Level::Error)
}
