//! Stage 4: the site. `Site` holds the checked retros, the link graph and
//! the indexes list pages need (computed once); `plan` names every output
//! file as a `Page` and says what it reads; each kind of page renders in
//! its own module under `pages/`, from views that borrow what they show.
//!
//! Pages are independent, so they render in parallel, and a watcher asks
//! the plan which pages an edit affects (`Site::pages_affected`).

pub mod charts;
pub mod feeds;
pub mod indexes;
pub mod markdown;
pub mod pages;
pub mod paging;
pub mod plan;
mod sink;
pub mod templates;
pub mod urls;
pub mod views;

use crate::config::Config;
use crate::error::Error;
use crate::link::{LinkGraph, Target};
use crate::model::{LinkKind, Retro};
use crate::report::uptime::Uptime;
use crate::tracker::Tracker;
use chrono::NaiveDate;
use indexes::{Account, Indexes, ItemRef, Roster};
use markdown::LinkContext;
pub use plan::{Edit, Owner, Page, Stream, Taxonomy, Term};
use rayon::prelude::*;
use serde::Serialize;
pub use sink::Sink;
use std::collections::BTreeSet;
use std::sync::OnceLock;
use views::*;

/// The files of a site: path within the site, and bytes.
pub type SiteFiles = Vec<(String, Vec<u8>)>;

/// How many entries a list page shows when `[build] page_size` is not set.
pub const DEFAULT_PAGE_SIZE: usize = 100;

/// Everything the pages are made from.
pub struct Site<'a> {
    pub config: &'a Config,
    pub retros: &'a [Retro],
    pub graph: &'a LinkGraph,
    pub today: NaiveDate,
    /// Where the site is served from, ending in `/`.
    pub base_url: String,
    /// The items' history from git, when it was read (`with_history`: the
    /// retro pages' history lines and the follow-through page).
    history: Option<&'a crate::history::History>,
    file_exists: &'a (dyn Fn(&str) -> bool + Sync),
    tera: &'a tera::Tera,
    /// The tickets of the tracker exports (`with_tracker`), shown beside
    /// the items that link them.
    tracker: Option<&'a Tracker>,
    /// What the list pages need, made when one first does: a single retro
    /// page (the first thing `serve` renders after an edit) needs none.
    indexes: OnceLock<Indexes>,
    accounts: OnceLock<(Vec<Account>, Vec<Account>)>,
    roster: OnceLock<Roster<'a>>,
    stats: OnceLock<Stats>,
    pages: OnceLock<Vec<Page>>,
    nested_rows: OnceLock<Vec<RetroCard>>,
    /// The windows by service, for the reliability page, the uptime API
    /// and every service page's line.
    uptime: OnceLock<Uptime<'a>>,
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
            history: None,
            file_exists,
            tera,
            tracker: None,
            indexes: OnceLock::new(),
            accounts: OnceLock::new(),
            roster: OnceLock::new(),
            stats: OnceLock::new(),
            pages: OnceLock::new(),
            nested_rows: OnceLock::new(),
            uptime: OnceLock::new(),
        }
    }

    /// Show each item's ticket from these exports (`Repo::tracker`).
    pub fn with_tracker(mut self, tracker: &'a Tracker) -> Site<'a> {
        self.tracker = Some(tracker).filter(|t| !t.is_empty());
        self
    }

    /// Show each item's history from git, when it could be read.
    pub fn with_history(mut self, history: Option<&'a crate::history::History>) -> Site<'a> {
        self.history = history.filter(|h| h.available);
        self
    }

    /// The tracker exports, when the site shows tickets.
    pub fn tracker(&self) -> Option<&Tracker> {
        self.tracker
    }

    /// Whether item `j` of retro `i` disagrees with its ticket.
    pub fn disagrees(&self, (i, j): ItemRef) -> bool {
        let item = &self.retros[i].actions()[j];
        self.tracker.and_then(|t| t.view(item)).is_some_and(|v| v.disagrees)
    }

    fn uptime(&self) -> &Uptime<'a> {
        self.uptime.get_or_init(|| Uptime::new(self.retros, self.config))
    }

    fn indexes(&self) -> &Indexes {
        self.indexes.get_or_init(|| Indexes::of(self.retros, self.config, self.today))
    }

    /// How many entries a list page shows.
    pub fn page_size(&self) -> usize {
        self.config.build.page_size.unwrap_or(DEFAULT_PAGE_SIZE).max(1)
    }

    /// The teams whose items include `owner`'s.
    pub fn teams_of(&self, owner: &Owner) -> Vec<Term> {
        let roster = self.roster.get_or_init(|| Roster::of(self.config, self.retros));
        roster.teams_of(owner.as_str()).map(Term::team).collect()
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

    /// Every page of the site, in a stable order; planned once.
    pub fn pages(&self) -> &[Page] {
        self.pages.get_or_init(|| self.plan())
    }

    fn plan(&self) -> Vec<Page> {
        let ix = self.indexes();
        let size = self.page_size();
        let count = |len: usize| 1..=paging::page_count(len, size);
        let mut pages =
            vec![Page::Home, Page::Accountability, Page::Insights, Page::Reliability, Page::Response, Page::OwnerIndex];
        if self.history.is_some() {
            pages.push(Page::FollowThrough);
        }
        pages.extend(count(ix.order.len()).map(Page::RetroIndex));
        pages.extend(count(ix.pending.len()).map(Page::Actions));
        for (year, items) in ix.closed.iter().rev() {
            pages.extend(count(items.len()).map(|n| Page::ActionArchive(*year, n)));
        }
        pages.extend(ix.order.iter().map(|&i| Page::Retro(i)));
        for (owner, items) in &ix.owners {
            pages.extend(count(items.len()).map(|n| Page::Owner(owner.clone(), n)));
        }
        for t in Taxonomy::ALL {
            pages.push(Page::TermIndex(t));
            for (name, retros) in ix.terms.get(&t).into_iter().flatten() {
                pages.extend(count(retros.len()).map(|n| Page::Term(Term::new(t, name), n)));
            }
        }
        // A team that owns items but that no retro lists still gets its page.
        let listed = ix.terms.get(&Taxonomy::Teams);
        for team in ix.teams.keys().filter(|t| !listed.is_some_and(|m| m.contains_key(&t.name))) {
            pages.push(Page::Term(team.clone(), 1));
        }
        pages.push(Page::ActionManifest);
        for stream in self.streams() {
            let len = self.stream_items(&stream).len();
            pages.extend((1..=pages::actions::chunk_count(len)).map(|n| Page::ActionData(stream.clone(), n)));
        }
        pages.extend([
            Page::NotFound,
            Page::Search,
            Page::ApiRetros,
            Page::ApiActions,
            Page::ApiUptime,
            Page::ActionsCsv,
        ]);
        // Names that differ only in case or punctuation (`Bob`, `bob`) share
        // a URL, so they share a page: the first name's.
        let mut paths = std::collections::HashSet::new();
        pages.retain(|p| paths.insert(self.path(p)));
        if self.has_full_base_url() {
            let html = pages.iter().filter(|p| **p != Page::NotFound && self.path(p).ends_with(".html"));
            let lists = feeds::sitemap_count(html.count());
            pages.extend([Page::Feed, Page::Sitemap(0)]);
            if lists > 1 {
                pages.extend((1..=lists).map(Page::Sitemap));
            }
        }
        pages
    }

    /// The path of a page in the output folder.
    pub fn path(&self, page: &Page) -> String {
        page.path(self.retros)
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
    pub fn render_into(&self, sink: &dyn Sink) -> Result<std::time::Duration, Error> {
        // One queue, taken in order by every thread. The search index and
        // the pages listing the whole repo are one job, done one after
        // another while the other threads render retro pages: that bounds
        // peak memory, and no long job is left for the end while a core idles.
        enum Job<'p> {
            SearchAndAggregates,
            Page(&'p Page),
        }
        let pages = self.pages();
        // The shared rows, made up front by every thread.
        self.nested_rows();
        let jobs =
            std::iter::once(Job::SearchAndAggregates).chain(pages.iter().filter(|p| !p.is_aggregate()).map(Job::Page));
        let search_time = std::sync::Mutex::new(std::time::Duration::ZERO);
        jobs.par_bridge().try_for_each(|job| match job {
            Job::Page(p) => sink.file(self.path(p), self.render(p)?),
            Job::SearchAndAggregates => {
                let started = std::time::Instant::now();
                self.search_index().write(&mut |path, bytes| sink.file(path, bytes))?;
                *search_time.lock().expect("no panics while holding the lock") = started.elapsed();
                self.write_aggregates(pages, sink)
            }
        })?;
        Ok(search_time.into_inner().expect("no panics while holding the lock"))
    }

    /// The pages listing the whole repo. The machine-readable lists are
    /// streamed to the sink; the JSON API and the CSV of the items are
    /// written in one pass, each item's row made once for both.
    fn write_aggregates(&self, pages: &[Page], sink: &dyn Sink) -> Result<(), Error> {
        let mut lists_written = false;
        for p in pages.iter().filter(|p| p.is_aggregate()) {
            match p {
                Page::ApiRetros => sink.streamed(&[self.path(p)], &mut |out| feeds::api_retros(self, &mut *out[0]))?,
                Page::ApiActions | Page::ActionsCsv if !lists_written => {
                    lists_written = true;
                    let paths = [self.path(&Page::ApiActions), self.path(&Page::ActionsCsv)];
                    sink.streamed(&paths, &mut |out| match out {
                        [api, csv] => self.item_lists(Some(&mut **api), Some(&mut **csv)),
                        _ => unreachable!("two paths, two writers"),
                    })?
                }
                Page::ApiActions | Page::ActionsCsv => {}
                _ => sink.file(self.path(p), self.render(p)?)?,
            }
        }
        Ok(())
    }

    /// The files of the search index (`search/`), in the site's order.
    pub fn search_files(&self) -> SiteFiles {
        self.search_index().into_files()
    }

    fn search_index(&self) -> crate::search::SearchIndex {
        crate::search::SearchIndex::build(self.retros, &self.indexes().order, self.today, self.config)
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
        use pages::*;
        match page {
            Page::Home => home::render(self, page),
            Page::Accountability => accountability::render(self, page),
            Page::RetroIndex(n) => retro_index::render(self, page, *n),
            Page::Retro(i) => retro::render(self, page, *i),
            Page::Actions(n) => actions::render_pending(self, page, *n),
            Page::ActionArchive(year, n) => actions::render_archive(self, page, *year, *n),
            Page::ActionData(stream, n) => Ok(actions::data(self, stream, *n)),
            Page::ActionManifest => Ok(actions::manifest(self)),
            Page::Insights => insights::render(self, page),
            Page::FollowThrough => follow_through::render(self, page),
            Page::Reliability => reliability::render(self, page),
            Page::ApiUptime => Ok(reliability::api(self)),
            Page::Response => response::render(self, page),
            Page::OwnerIndex => owners::render_index(self, page),
            Page::Owner(owner, n) => owners::render(self, page, owner, *n),
            Page::TermIndex(t) => terms::render_index(self, page, *t),
            Page::Term(t, n) => terms::render(self, page, t, *n),
            Page::NotFound => self.html(page, "404.html", "Page not found", tera::Context::new()),
            Page::Search => self.html(page, "search.html", "Search", tera::Context::new()),
            Page::Feed => Ok(feeds::atom(self).into_bytes()),
            Page::Sitemap(n) => Ok(feeds::sitemap(self, *n).into_bytes()),
            Page::ApiRetros => {
                let mut out = Vec::new();
                feeds::api_retros(self, &mut out).expect("JSON into memory cannot fail");
                Ok(out)
            }
            Page::ApiActions | Page::ActionsCsv => {
                let mut out = Vec::new();
                let list = if *page == Page::ApiActions {
                    self.item_lists(Some(&mut out), None)
                } else {
                    self.item_lists(None, Some(&mut out))
                };
                list.expect("writing into memory cannot fail");
                Ok(out)
            }
        }
    }

    /// The relative path from `page` to the site root.
    pub fn root_of(&self, page: &Page) -> &'static str {
        urls::root_for(&self.path(page))
    }

    /// Render a page's template with the context every page has.
    fn html(&self, page: &Page, template: &str, title: &str, extra: tera::Context) -> Result<Vec<u8>, Error> {
        // The 404 page is served for missing URLs at any depth, so its
        // links start at the base URL: a full one, or a path (`/`, the
        // default, or `/docs/`). Only a relative base URL leaves them
        // relative (then it works only for missing pages at the top).
        let absolute_404 =
            *page == Page::NotFound && (crate::link::has_scheme(&self.base_url) || self.base_url.starts_with('/'));
        let root = if absolute_404 { self.base_url.as_str() } else { self.root_of(page) };
        let mut ctx = self.base_context(root, title, page);
        ctx.extend(extra);
        self.tera
            .render(template, &ctx)
            .map(String::into_bytes)
            .map_err(|e| Error::new(format!("rendering {template}: {}", templates::describe(&e))))
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
        ctx.insert("today", &self.today.to_string());
        ctx.insert("section", page.section());
        ctx.insert("follow_through", &self.history.is_some());
        ctx
    }

    pub fn card(&self, index: usize, root: &'static str) -> RetroCard {
        card(&self.retros[index], &self.link_context(index, root), self.today, true)
    }

    /// A retro as a row of a compact table: no summary.
    pub fn row(&self, index: usize, root: &'static str) -> RetroCard {
        card(&self.retros[index], &self.link_context(index, root), self.today, false)
    }

    /// Every retro's row as the pages one folder down (the first pages of
    /// the retro index, term and owner pages) list it, by retro: made once,
    /// since a big site lists every retro on several of them.
    fn nested_rows(&self) -> &[RetroCard] {
        self.nested_rows.get_or_init(|| (0..self.retros.len()).into_par_iter().map(|i| self.row(i, "../")).collect())
    }

    /// The rows of the given retros, in that order.
    fn rows(&self, root: &'static str, list: &[usize]) -> Vec<std::borrow::Cow<'_, RetroCard>> {
        use std::borrow::Cow;
        if root == "../" {
            let nested = self.nested_rows();
            list.iter().map(|&i| Cow::Borrowed(&nested[i])).collect()
        } else {
            list.iter().map(|&i| Cow::Owned(self.row(i, root))).collect()
        }
    }

    /// Rows for the given items, in that order.
    pub fn action_rows(&self, root: &'static str, items: &[ItemRef]) -> Vec<ActionRow<'a>> {
        items.iter().map(|&(i, j)| self.action_row(root, i, j)).collect()
    }

    fn action_row(&self, root: &'static str, i: usize, j: usize) -> ActionRow<'a> {
        let retro = &self.retros[i];
        let item = &retro.actions()[j];
        let mut row = action_row(retro, item, &self.link_context(i, root), self.today);
        row.owner_name = self.person_name(row.owner);
        row.ticket = self.tracker.and_then(|t| t.view(item));
        row
    }

    /// `api/actions.json` and `actions.csv`: every item, in the order of
    /// `indexes::list_key`.
    fn item_lists(
        &self,
        api: Option<&mut dyn std::io::Write>,
        csv: Option<&mut dyn std::io::Write>,
    ) -> std::io::Result<()> {
        let ix = self.indexes();
        let mut items: Vec<ItemRef> = ix.pending.iter().chain(&ix.closed_stream).copied().collect();
        items
            .sort_by_cached_key(|&(i, j)| indexes::list_key(&self.retros[i], &self.retros[i].actions()[j], self.today));
        feeds::item_lists(items.iter().map(|&(i, j)| self.action_row("", i, j)), api, csv)
    }

    /// The accountability rows, by urgency: (owners, teams).
    pub fn accounts(&self) -> &(Vec<Account>, Vec<Account>) {
        self.accounts.get_or_init(|| {
            let ix = self.indexes();
            let mut owners: Vec<Account> = (ix.owners.iter())
                .filter(|(o, _)| !o.is_none())
                .map(|(o, items)| {
                    let name = self.person_name(o.as_str());
                    Account::of(o.as_str(), name, o.url(1), items, self.retros, self.today)
                })
                .filter(|a| a.open > 0)
                .collect();
            owners.sort_by(Account::urgency);
            let mut teams: Vec<Account> = (ix.teams.iter())
                .map(|(t, items)| {
                    Account::of(&t.name, self.person_name(&t.name), t.url(1), items, self.retros, self.today)
                })
                .filter(|a| a.open > 0)
                .collect();
            teams.sort_by(Account::urgency);
            (owners, teams)
        })
    }

    /// Counts for the lede of the home and action pages, made once.
    pub fn stats(&self) -> &Stats {
        self.stats.get_or_init(|| self.count())
    }

    fn count(&self) -> Stats {
        let ix = self.indexes();
        let item = |&(i, j): &ItemRef| &self.retros[i].actions()[j];
        let closed = || ix.closed.values().flatten().map(item);
        Stats {
            retros: self.retros.len(),
            actions: ix.pending.len() + ix.closed.values().map(Vec::len).sum::<usize>(),
            pending: ix.pending.len(),
            overdue: ix.pending.iter().take_while(|x| item(x).is_overdue(self.today)).count(),
            done: closed().filter(|a| a.status.as_ref().is_some_and(|s| s.value.as_str() == "done")).count(),
            closed: closed().count(),
            near_misses: self.retros.iter().filter(|r| r.near_miss).count(),
            disagree: self.tracker.map(|t| t.disagreements(self.retros.iter().flat_map(|r| r.actions()))),
            as_of: self.today.to_string(),
        }
    }

    /// The items a stream of filter data lists, in its order.
    pub fn stream_items(&self, stream: &Stream) -> &[ItemRef] {
        let ix = self.indexes();
        match stream {
            Stream::Pending => &ix.pending,
            Stream::Closed => &ix.closed_stream,
            Stream::Owner(o) => self.owner_items(&o.url(1)),
            Stream::Team(t) => ix.teams.get(t).map(Vec::as_slice).unwrap_or_default(),
        }
    }

    /// Every stream of filter data.
    fn streams(&self) -> Vec<Stream> {
        let ix = self.indexes();
        let mut streams = vec![Stream::Pending, Stream::Closed];
        streams.extend(ix.owners.keys().map(|o| Stream::Owner(o.clone())));
        streams.extend(ix.teams.keys().map(|t| Stream::Team(t.clone())));
        streams
    }

    /// The items of every owner name with this owner page URL (`Bob` and
    /// `bob` share one), in the action list's order.
    fn owner_items(&self, url: &str) -> &[ItemRef] {
        self.indexes().owner_pages.get(url).map(Vec::as_slice).unwrap_or_default()
    }

    /// A person's or team's name as every page shows it: the roster's
    /// name with the handle, or the handle alone.
    pub fn person_name(&self, handle: &str) -> String {
        let person = self.config.people.get(handle).and_then(|p| p.name.as_ref());
        match person.or_else(|| self.config.teams.get(handle).and_then(|t| t.name.as_ref())) {
            Some(name) if name != handle => format!("{name} ({handle})"),
            _ => handle.to_string(),
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

#[derive(Serialize)]
struct SiteView<'s> {
    title: &'s str,
    description: &'s str,
    language: &'s str,
}

#[derive(Serialize)]
pub struct Stats {
    pub retros: usize,
    pub actions: usize,
    pub pending: usize,
    pub overdue: usize,
    pub done: usize,
    pub closed: usize,
    pub near_misses: usize,
    /// Items whose status disagrees with their ticket, when the site has
    /// tracker exports.
    pub disagree: Option<usize>,
    /// The day "overdue" was judged against.
    pub as_of: String,
}
