//! The page plan: every output file as a `Page`, its path, and what it
//! reads. `serve` asks which pages an edit affects; the answer is derived
//! from each page's `Reads`, not kept as a list beside them.

use super::Site;
use super::urls::{archive_url, owner_url, paged, retro_url, slug_for_url};
use crate::model::{ActionItem, Retro};
use std::collections::{BTreeSet, HashSet};

/// A kind of term a retro is filed under; each term gets a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Taxonomy {
    Services,
    Teams,
    Tags,
    Categories,
    /// Third parties involved (`vendors:`).
    Vendors,
}

impl Taxonomy {
    pub const ALL: [Taxonomy; 5] =
        [Taxonomy::Services, Taxonomy::Teams, Taxonomy::Tags, Taxonomy::Categories, Taxonomy::Vendors];

    /// The folder of its pages, and its name in templates.
    pub fn slug(self) -> &'static str {
        match self {
            Taxonomy::Services => "services",
            Taxonomy::Teams => "teams",
            Taxonomy::Tags => "tags",
            Taxonomy::Categories => "categories",
            Taxonomy::Vendors => "vendors",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Taxonomy::Services => "Services",
            Taxonomy::Teams => "Teams",
            Taxonomy::Tags => "Tags",
            Taxonomy::Categories => "Factor categories",
            Taxonomy::Vendors => "Vendors",
        }
    }

    /// The terms of this taxonomy a retro carries, in its order (a
    /// category once per factor that names it).
    pub fn terms_of(self, retro: &Retro) -> Box<dyn Iterator<Item = &str> + '_> {
        match self {
            Taxonomy::Services => Box::new(retro.services.iter().map(|s| s.value.as_str())),
            Taxonomy::Teams => Box::new(retro.teams.iter().map(|s| s.value.as_str())),
            Taxonomy::Tags => Box::new(retro.tags.iter().map(|s| s.value.as_str())),
            Taxonomy::Vendors => Box::new(retro.vendors.iter().map(|s| s.value.as_str())),
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

/// A term a retro is filed under: a service, team, tag or factor
/// category, by the name retros give it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Term {
    pub taxonomy: Taxonomy,
    pub name: String,
}

impl Term {
    pub fn new(taxonomy: Taxonomy, name: impl Into<String>) -> Term {
        Term { taxonomy, name: name.into() }
    }

    pub fn team(name: impl Into<String>) -> Term {
        Term::new(Taxonomy::Teams, name)
    }

    /// The URL of the term's page `number` (1-based). Names that differ
    /// only in case or punctuation share it.
    pub fn url(&self, number: u32) -> String {
        self.taxonomy.url(&self.name, number)
    }
}

/// Whose action items a page lists: an item's owner as written (a handle,
/// a person or a team), a retro's author, or nobody (`Owner::NONE`).
/// Names that differ only in case or punctuation (`Bob`, `bob`) share a
/// page: see `url`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Owner(String);

impl Owner {
    /// What a listing of items stands for when no owner is named.
    pub const NONE: &str = "(no owner)";

    pub fn named(name: &str) -> Owner {
        Owner(name.to_string())
    }

    /// The item's owner, or `Owner::NONE`.
    pub fn of(item: &ActionItem) -> Owner {
        Owner::named(item.owner_name().unwrap_or(Owner::NONE))
    }

    pub fn is_none(&self) -> bool {
        self.0 == Owner::NONE
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL of the owner's page `number` (1-based).
    pub fn url(&self, number: u32) -> String {
        owner_url(&self.0, number)
    }
}

/// Lookups by a name as written (`owners.get("bob")`): an `Owner` hashes
/// and orders as its name.
impl std::borrow::Borrow<str> for Owner {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// A stream of the action filters' data (see `pages::actions::data`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stream {
    /// Open and in-progress items, in the action list's order.
    Pending,
    /// Done and won't-do items, most recently closed first.
    Closed,
    /// Every item of one owner, pending first.
    Owner(Owner),
    /// Every item of a team and its members, pending first.
    Team(Term),
}

impl Stream {
    pub fn key(&self) -> String {
        match self {
            Stream::Pending => "pending".into(),
            Stream::Closed => "closed".into(),
            Stream::Owner(o) => format!("owner-{}", slug_for_url(o.as_str())),
            Stream::Team(t) => format!("team-{}", slug_for_url(&t.name)),
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
    /// Availability and error budgets per service (`report::uptime`).
    Reliability,
    /// The response scorecard, observations and roles (issue 28).
    Response,
    OwnerIndex,
    Owner(Owner, u32),
    TermIndex(Taxonomy),
    Term(Term, u32),
    Feed,
    /// `sitemap.xml` (0), and the lists `sitemaps/N.xml` of a site too
    /// big for one (see `feeds::SITEMAP_URLS`).
    Sitemap(u32),
    NotFound,
    Search,
    ApiRetros,
    ApiActions,
    /// The availability figures (`api/uptime.json`).
    ApiUptime,
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
    Term(Term),
    Owner(Owner),
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
            Page::Reliability => "reliability.html".into(),
            Page::Response => "response.html".into(),
            Page::OwnerIndex => "owners/index.html".into(),
            Page::Owner(o, n) => o.url(*n),
            Page::TermIndex(t) => format!("{}/index.html", t.slug()),
            Page::Term(t, n) => t.url(*n),
            Page::Feed => "atom.xml".into(),
            Page::Sitemap(0) => "sitemap.xml".into(),
            Page::Sitemap(n) => format!("sitemaps/{n}.xml"),
            Page::NotFound => "404.html".into(),
            Page::Search => "search.html".into(),
            Page::ApiRetros => "api/retros.json".into(),
            Page::ApiActions => "api/actions.json".into(),
            Page::ApiUptime => "api/uptime.json".into(),
            Page::ActionsCsv => "actions.csv".into(),
        }
    }

    pub fn reads(&self) -> Reads {
        match self {
            Page::Retro(i) => Reads::Retro(*i),
            Page::Owner(o, _) | Page::ActionData(Stream::Owner(o), _) => Reads::Owner(o.clone()),
            Page::Term(t, _) | Page::ActionData(Stream::Team(t), _) => Reads::Term(t.clone()),
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
            Page::Reliability => "reliability",
            Page::Response => "response",
            Page::Search => "search",
            Page::TermIndex(t) => t.slug(),
            Page::Term(t, _) => t.taxonomy.slug(),
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
                | Page::Reliability
                | Page::ApiUptime
                | Page::Response
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
/// and term pages (by URL, which differs between taxonomies) the edited
/// retros were or are listed on.
#[derive(Default)]
pub struct Touched {
    retros: HashSet<usize>,
    owners: HashSet<String>,
    terms: HashSet<String>,
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
                    let owner = Owner::of(a);
                    t.owners.insert(owner.url(1));
                    t.terms.extend(self.teams_of(&owner).iter().map(|team| team.url(1)));
                }
                t.owners.extend(r.authors.iter().map(|a| owner_url(&a.value, 1)));
                // Owner pages list the roles their person held.
                t.owners.extend(r.roles.iter().flat_map(|h| &h.people).map(|p| owner_url(&p.value, 1)));
                for tax in Taxonomy::ALL {
                    t.terms.extend(tax.terms_of(r).map(|n| tax.url(n, 1)));
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
            Reads::Term(t) => touched.terms.contains(&t.url(1)),
            Reads::Owner(o) => touched.owners.contains(&o.url(1)),
        }
    }

    /// The pages of this site that depend on the edits.
    pub fn pages_affected(&self, edits: &[Edit]) -> BTreeSet<Page> {
        let touched = self.touched(edits);
        self.pages().iter().filter(|p| self.depends_on(p, &touched)).cloned().collect()
    }
}
