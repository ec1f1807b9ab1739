//! The page plan: every output file as a `Page`, its path, and what it
//! reads. `serve` asks which pages an edit affects; the answer is derived
//! from each page's `Reads`, not kept as a list beside them.

use super::Site;
use super::markdown::retro_url;
use super::views::slug_for_url;
use crate::model::Retro;
use std::collections::{BTreeSet, HashSet};

/// A kind of term a retro is filed under; each term gets a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Taxonomy {
    Services,
    Teams,
    Tags,
    Categories,
}

impl Taxonomy {
    pub const ALL: [Taxonomy; 4] = [Taxonomy::Services, Taxonomy::Teams, Taxonomy::Tags, Taxonomy::Categories];

    /// The folder of its pages, and its name in templates.
    pub fn slug(self) -> &'static str {
        match self {
            Taxonomy::Services => "services",
            Taxonomy::Teams => "teams",
            Taxonomy::Tags => "tags",
            Taxonomy::Categories => "categories",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Taxonomy::Services => "Services",
            Taxonomy::Teams => "Teams",
            Taxonomy::Tags => "Tags",
            Taxonomy::Categories => "Factor categories",
        }
    }

    /// The terms of this taxonomy a retro carries, in its order (a
    /// category once per factor that names it).
    pub fn terms_of(self, retro: &Retro) -> Box<dyn Iterator<Item = &str> + '_> {
        match self {
            Taxonomy::Services => Box::new(retro.services.iter().map(|s| s.value.as_str())),
            Taxonomy::Teams => Box::new(retro.teams.iter().map(|s| s.value.as_str())),
            Taxonomy::Tags => Box::new(retro.tags.iter().map(|s| s.value.as_str())),
            Taxonomy::Categories => {
                Box::new(retro.factors.iter().filter_map(|f| f.category.as_ref()).map(|c| c.value.as_str()))
            }
        }
    }

    /// The URL of a term's page `number` (1-based).
    pub fn url(self, name: &str, number: u32) -> String {
        paged(&format!("{}/{}", self.slug(), slug_for_url(name)), number)
    }
}

/// `stem.html` for the first page of a list, `stem/N.html` after it.
pub fn paged(stem: &str, number: u32) -> String {
    if number <= 1 { format!("{stem}.html") } else { format!("{stem}/{number}.html") }
}

pub fn owner_url(owner: &str, number: u32) -> String {
    paged(&format!("owners/{}", slug_for_url(owner)), number)
}

/// The label of an archive of closed items: the year they were closed.
pub fn archive_url(year: i32, number: u32) -> String {
    paged(&format!("actions/closed-{year}"), number)
}

/// A stream of the action filters' data (see `pages::actions::data`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stream {
    /// Open and in-progress items, in the action list's order.
    Pending,
    /// Done and won't-do items, most recently closed first.
    Closed,
    /// Every item of one owner, pending first.
    Owner(String),
    /// Every item of a team and its members, pending first.
    Team(String),
}

impl Stream {
    pub fn key(&self) -> String {
        match self {
            Stream::Pending => "pending".into(),
            Stream::Closed => "closed".into(),
            Stream::Owner(o) => format!("owner-{}", slug_for_url(o)),
            Stream::Team(t) => format!("team-{}", slug_for_url(t)),
        }
    }
}

/// One output file of the site. List pages carry their page number (1 is
/// the first, at the list's own URL).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Page {
    Home,
    RetroIndex(u32),
    Retro(usize),
    /// Open and in-progress items, overdue first.
    Actions(u32),
    /// Done and won't-do items closed in a year.
    ActionArchive(i32, u32),
    /// One row per owner and per team: open, overdue, oldest overdue, next due.
    Accountability,
    /// A chunk of a stream of the action filters' data, and their manifest.
    ActionData(Stream, u32),
    ActionManifest,
    Insights,
    /// What happened to the items after their retro (only with git history).
    FollowThrough,
    OwnerIndex,
    Owner(String, u32),
    TermIndex(Taxonomy),
    Term(Taxonomy, String, u32),
    Feed,
    /// `sitemap.xml` (0), and the lists `sitemaps/N.xml` of a site too
    /// big for one (see `feeds::SITEMAP_URLS`).
    Sitemap(u32),
    NotFound,
    Search,
    ApiRetros,
    ApiActions,
    ActionsCsv,
}

/// What a page's content is made from, so an edit re-renders exactly the
/// pages that read the edited retro.
pub enum Reads {
    /// Nothing any retro says (search and 404 pages: their content is fixed).
    Nothing,
    /// Any retro: lists over the whole repo, and their page boundaries.
    Every,
    /// Retro pages: the retro, the retros it links to and those linking to it.
    Retro(usize),
    /// The retros carrying a term, or the items of an owner (and the
    /// retros they wrote), or of a team and its members.
    Term(Taxonomy, String),
    Owner(String),
}

impl Page {
    /// The path of the page in the output folder.
    pub fn path(&self, retros: &[Retro]) -> String {
        match self {
            Page::Home => "index.html".into(),
            Page::RetroIndex(1) => "retros/index.html".into(),
            Page::RetroIndex(n) => format!("retros/page/{n}.html"),
            Page::Retro(i) => retro_url(&retros[*i].id.value),
            Page::Actions(n) => paged("actions", *n),
            Page::ActionArchive(year, n) => archive_url(*year, *n),
            Page::Accountability => "accountability.html".into(),
            Page::ActionData(stream, n) => format!("actions/data/{}-{n}.js", stream.key()),
            Page::ActionManifest => "actions/data/manifest.js".into(),
            Page::Insights => "insights.html".into(),
            Page::FollowThrough => "follow-through.html".into(),
            Page::OwnerIndex => "owners/index.html".into(),
            Page::Owner(o, n) => owner_url(o, *n),
            Page::TermIndex(t) => format!("{}/index.html", t.slug()),
            Page::Term(t, name, n) => t.url(name, *n),
            Page::Feed => "atom.xml".into(),
            Page::Sitemap(0) => "sitemap.xml".into(),
            Page::Sitemap(n) => format!("sitemaps/{n}.xml"),
            Page::NotFound => "404.html".into(),
            Page::Search => "search.html".into(),
            Page::ApiRetros => "api/retros.json".into(),
            Page::ApiActions => "api/actions.json".into(),
            Page::ActionsCsv => "actions.csv".into(),
        }
    }

    pub fn reads(&self) -> Reads {
        match self {
            Page::Retro(i) => Reads::Retro(*i),
            Page::Owner(o, _) | Page::ActionData(Stream::Owner(o), _) => Reads::Owner(o.clone()),
            Page::Term(t, name, _) => Reads::Term(*t, name.clone()),
            Page::ActionData(Stream::Team(t), _) => Reads::Term(Taxonomy::Teams, t.clone()),
            Page::NotFound | Page::Search => Reads::Nothing,
            _ => Reads::Every,
        }
    }

    /// The navigation section the page belongs to.
    pub fn section(&self) -> &'static str {
        match self {
            Page::Home => "home",
            Page::RetroIndex(_) | Page::Retro(_) => "retros",
            Page::Actions(_) | Page::ActionArchive(..) | Page::Accountability => "actions",
            Page::Owner(..) | Page::OwnerIndex => "owners",
            Page::Insights => "insights",
            Page::FollowThrough => "follow-through",
            Page::Search => "search",
            Page::TermIndex(t) | Page::Term(t, ..) => t.slug(),
            _ => "",
        }
    }

    /// Whether the page holds the whole repo at once (the machine-readable
    /// outputs, insights, the summaries over every item): rendered one after
    /// another to bound peak memory (see `Site::render_into`). Pages of a
    /// list are bounded, and render in parallel like retro pages.
    pub fn is_aggregate(&self) -> bool {
        matches!(
            self,
            Page::Home
                | Page::Accountability
                | Page::ActionManifest
                | Page::Insights
                | Page::FollowThrough
                | Page::Feed
                | Page::Sitemap(_)
                | Page::ApiRetros
                | Page::ApiActions
                | Page::ActionsCsv
        )
    }
}

/// What an edit of one retro changes: the retro before and after (its
/// index in the new site), so pages it left and pages it joined both count.
pub struct Edit<'e> {
    pub index: usize,
    pub before: &'e Retro,
}

/// What a set of edits touched, gathered once so that each page's test is
/// a few lookups: the retros whose pages show an edited one, and the owner
/// and term pages (by URL) the edited retros were or are listed on.
#[derive(Default)]
pub struct Touched {
    retros: HashSet<usize>,
    owners: HashSet<String>,
    terms: HashSet<(Taxonomy, String)>,
}

impl Site<'_> {
    /// What `edits` touched, before and after.
    pub fn touched(&self, edits: &[Edit]) -> Touched {
        let mut t = Touched::default();
        for edit in edits {
            t.retros.insert(edit.index);
            t.retros.extend(self.graph.backlinks[edit.index].iter().copied());
            for r in [edit.before, &self.retros[edit.index]] {
                t.retros.extend(self.graph.outgoing(r));
                for a in r.actions() {
                    let owner = a.owner_name().unwrap_or(super::indexes::NO_OWNER);
                    t.owners.insert(owner_url(owner, 1));
                    for team in self.teams_of(owner) {
                        t.terms.insert((Taxonomy::Teams, Taxonomy::Teams.url(&team, 1)));
                    }
                }
                t.owners.extend(r.authors.iter().map(|a| owner_url(&a.value, 1)));
                for tax in Taxonomy::ALL {
                    t.terms.extend(tax.terms_of(r).map(|n| (tax, tax.url(n, 1))));
                }
            }
        }
        t
    }

    /// Whether `page` reads anything the edits touched.
    pub fn depends_on(&self, page: &Page, touched: &Touched) -> bool {
        match page.reads() {
            Reads::Nothing => false,
            Reads::Every => true,
            Reads::Retro(i) => touched.retros.contains(&i),
            Reads::Term(t, name) => touched.terms.contains(&(t, t.url(&name, 1))),
            Reads::Owner(o) => touched.owners.contains(&owner_url(&o, 1)),
        }
    }

    /// The pages of this site that depend on the edits.
    pub fn pages_affected(&self, edits: &[Edit]) -> BTreeSet<Page> {
        let touched = self.touched(edits);
        self.pages().iter().filter(|p| self.depends_on(p, &touched)).cloned().collect()
    }
}
