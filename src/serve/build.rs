//! The builder behind `serve`: the whole pipeline once, then incremental
//! updates. An edited retro is parsed again alone, its per-retro findings
//! recomputed, the cross-file rules re-run (cheap: lookups), and only the
//! pages that depend on it rendered again. Configuration, template or theme
//! changes, and a retro added, removed or renamed, rebuild everything.

use crate::check::{self, blameless::Phrases};
use crate::config::CONFIG_FILE;
use crate::error::Error;
use crate::link::{self, LinkGraph};
use crate::load::{self, Repo};
use crate::model::{Finding, Level, Retro};
use crate::render::{Edit, Page, Site, templates};
use crate::text::relative_path;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What one build or update produced.
pub struct Update {
    /// Site files written (path within the site, bytes).
    pub files: Vec<(String, Vec<u8>)>,
    /// Site files that no longer exist.
    pub removed: Vec<String>,
    /// Replace every file (a full build): files not listed are gone.
    pub full: bool,
    /// Findings at error level, for the browser overlay; `None` when this
    /// update did not recompute them (the first phase of an edit).
    pub errors: Option<Vec<Finding>>,
    /// Findings at any level, for the terminal.
    pub findings: usize,
    pub millis: f64,
}

pub struct Builder {
    root: PathBuf,
    today: Option<NaiveDate>,
    base_url: Option<String>,
    /// The `--tracker` exports, read again with the configuration.
    trackers: Vec<PathBuf>,
    repo: Repo,
    /// Kept across edits and updated in place; rebuilt when retros are
    /// added, removed or renamed.
    graph: LinkGraph,
    tera: tera::Tera,
    phrases: Phrases,
    /// Per-retro rule findings by file, so an edit recomputes one file's.
    rule_findings: BTreeMap<String, Vec<Finding>>,
    /// Pages an interrupted update did not get to; the next one renders them.
    pending: BTreeSet<Page>,
    /// The search index is behind the retros (rebuilt once edits pause).
    search_stale: bool,
    /// The paths of the site's pages as last rendered, to tell which an
    /// edit removed.
    paths: BTreeSet<String>,
}

impl Builder {
    /// Load and render everything; `trackers` are the `--tracker` exports.
    pub fn new(
        root: &Path,
        today: Option<NaiveDate>,
        base_url: Option<String>,
        trackers: Vec<PathBuf>,
    ) -> Result<(Builder, Update), Error> {
        let started = Instant::now();
        let mut repo = load::load_repo(root)?;
        repo.add_exports(&trackers)?;
        let tera = templates::load(root, &repo.config)?;
        let phrases = Phrases::from_config(&repo.config);
        let graph = LinkGraph::build(&repo.retros);
        let mut builder = Builder {
            root: root.to_path_buf(),
            today,
            base_url,
            trackers,
            repo,
            graph,
            tera,
            phrases,
            rule_findings: BTreeMap::new(),
            pending: BTreeSet::new(),
            search_stale: false,
            paths: BTreeSet::new(),
        };
        builder.recheck_all();
        let update = builder.render_all(started)?;
        Ok((builder, update))
    }

    fn today(&self) -> NaiveDate {
        crate::cmd::today(self.today)
    }

    fn recheck_all(&mut self) {
        let today = self.today();
        self.rule_findings = self
            .repo
            .retros
            .iter()
            .map(|r| (r.path.clone(), check::retro_findings(r, &self.repo.config, &self.phrases, today)))
            .collect();
    }

    fn findings(&self, graph: &LinkGraph) -> Vec<Finding> {
        check::combine(&self.repo, graph, self.rule_findings.values().flatten().cloned().collect())
    }

    /// Apply a batch of changed paths (from the watcher), handing each
    /// phase of the result to `publish` as soon as it is ready: for an edit,
    /// first the edited retros' own pages, then every other dependent page
    /// with the findings of the whole repo.
    pub fn update(
        &mut self,
        changed: &BTreeSet<PathBuf>,
        started: Instant,
        publish: &mut dyn FnMut(Update),
        interrupted: &mut dyn FnMut() -> bool,
    ) -> Result<(), Error> {
        let source = self.root.join(&self.repo.config.build.source);
        let is_retro = |p: &Path| p.starts_with(&source) && p.extension().is_some_and(|e| e == "md" || e == "markdown");
        if !changed.iter().all(|p| is_retro(p)) {
            publish(self.reload(started)?);
            return Ok(());
        }
        let canonical_root = self.root.canonicalize().map_err(|e| Error::io(&self.root, e))?;
        let mut edited = Vec::new();
        // Added, removed or renamed retros move ids and URLs: render all.
        let mut structural = false;
        for path in changed {
            let rel = relative_path(&self.root, path);
            let old = self.repo.retros.iter().position(|r| r.path == rel);
            self.repo.findings.retain(|f| f.file != rel);
            self.rule_findings.remove(&rel);
            let (retro, findings) = if path.is_file() {
                load::load_file(&self.root, &canonical_root, path, &self.repo.config)
            } else {
                (None, Vec::new())
            };
            self.repo.findings.extend(findings);
            match (old, retro) {
                (Some(i), Some(retro)) if self.repo.retros[i].id.value == retro.id.value => {
                    let previous = std::mem::replace(&mut self.repo.retros[i], retro);
                    edited.push((rel, previous));
                }
                (old, retro) => {
                    structural |= old.is_some() || retro.is_some();
                    if let Some(i) = old {
                        self.repo.retros.remove(i);
                    }
                    if let Some(retro) = retro {
                        let at = self.repo.retros.partition_point(|r| r.path < retro.path);
                        self.repo.retros.insert(at, retro);
                    }
                }
            }
        }
        if structural {
            self.pending.clear();
            self.search_stale = false;
            self.graph = LinkGraph::build(&self.repo.retros);
            self.recheck_all();
            publish(self.render_all(started)?);
            return Ok(());
        }
        for (rel, previous) in &edited {
            if let Some(i) = self.repo.retros.iter().position(|r| &r.path == rel) {
                self.graph.update(&self.repo.retros, i, previous);
            }
        }
        let today = self.today();
        for (rel, _) in &edited {
            if let Some(retro) = self.repo.retros.iter().find(|r| &r.path == rel) {
                self.rule_findings
                    .insert(rel.clone(), check::retro_findings(retro, &self.repo.config, &self.phrases, today));
            }
        }
        self.render_pages(started, &edited, publish, interrupted)
    }

    /// Configuration, templates or theme changed: start over, keeping the
    /// old site if the new configuration does not load.
    fn reload(&mut self, started: Instant) -> Result<Update, Error> {
        let (builder, mut update) = Builder::new(&self.root, self.today, self.base_url.clone(), self.trackers.clone())?;
        *self = builder;
        update.millis = millis(started);
        Ok(update)
    }

    fn render_all(&mut self, started: Instant) -> Result<Update, Error> {
        let exists = link::on_disk(&self.root);
        let findings = self.findings(&self.graph);
        let site = self.site(&self.graph, &exists);
        let paths = site.pages().iter().map(|p| site.path(p)).collect();
        let mut files = site.render_all()?;
        for (name, bytes) in templates::static_files(&self.root, &self.repo.config)? {
            files.push((format!("static/{name}"), bytes));
        }
        for path in site.attachments() {
            if let Ok(bytes) = std::fs::read(self.root.join(&path)) {
                files.push((crate::render::urls::attachment_url(&path), bytes));
            }
        }
        drop(site);
        self.paths = paths;
        Ok(self.finish(files, Vec::new(), true, findings, started))
    }

    /// Render the pages that depend on the edited retros, their own pages
    /// first, before and after the edit (a removed tag's page changes too).
    fn render_pages(
        &mut self,
        started: Instant,
        edited: &[(String, Retro)],
        publish: &mut dyn FnMut(Update),
        interrupted: &mut dyn FnMut() -> bool,
    ) -> Result<(), Error> {
        let mut rest: BTreeSet<Page> = std::mem::take(&mut self.pending);
        let old_paths = std::mem::take(&mut self.paths);
        let exists = link::on_disk(&self.root);
        let site = self.site(&self.graph, &exists);
        let edits: Vec<Edit> = (edited.iter())
            .filter_map(|(rel, before)| {
                Some(Edit { index: self.repo.retros.iter().position(|r| &r.path == rel)?, before })
            })
            .collect();
        let own: Vec<Page> = edits.iter().map(|e| Page::Retro(e.index)).collect();
        // The open tab's page first: it needs neither the page plan nor the
        // indexes, which take a large repo hundreds of milliseconds.
        let files = own.iter().map(|p| Ok((site.path(p), site.render(p)?))).collect::<Result<Vec<_>, Error>>()?;
        publish(Update { files, removed: Vec::new(), full: false, errors: None, findings: 0, millis: millis(started) });
        let published = Instant::now();
        rest.extend(site.pages_affected(&edits));
        for page in &own {
            rest.remove(page);
        }
        // Pages that no longer exist (a list grew shorter) are removed; new
        // ones read the edited retros, so they are in `rest`.
        let existing: BTreeSet<String> = site.pages().iter().map(|p| site.path(p)).collect();
        let (mut files, mut removed) = (Vec::new(), Vec::new());
        removed.extend(old_paths.difference(&existing).cloned());
        // The pages a reviewer keeps open come first, and are published as
        // soon as they are ready: on a big repo the rest takes seconds.
        let front = |p: &Page| matches!(p, Page::Home | Page::Actions(1) | Page::Accountability);
        let mut queue: Vec<Page> = rest.iter().filter(|p| front(p)).cloned().collect();
        let front_count = queue.len();
        queue.extend(rest.into_iter().filter(|p| !front(p)));
        let mut pages = queue.into_iter();
        let mut done = 0;
        while let Some(page) = pages.next() {
            // The open tabs (the edited retro's, then the front pages)
            // reload now; the rest may take every core, so give the browser
            // a head start (cut short by a newer change).
            if done == front_count && !own.is_empty() {
                while published.elapsed() < std::time::Duration::from_millis(200) && !interrupted() {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
            }
            if interrupted() {
                let left: BTreeSet<Page> = std::iter::once(page).chain(pages).collect();
                drop(site);
                self.paths = existing;
                self.pending = left;
                self.search_stale = true;
                publish(Update { files, removed, full: false, errors: None, findings: 0, millis: millis(started) });
                return Ok(());
            }
            let path = site.path(&page);
            if existing.contains(&path) {
                files.push((path, site.render(&page)?));
            } else {
                removed.push(path);
            }
            done += 1;
            if done == front_count && !files.is_empty() {
                let files = std::mem::take(&mut files);
                publish(Update {
                    files,
                    removed: Vec::new(),
                    full: false,
                    errors: None,
                    findings: 0,
                    millis: millis(started),
                });
            }
        }
        // The search index is rebuilt whole (its statistics are global) and
        // takes seconds on a large repo: only once the edits pause.
        if self.search_stale || !edited.is_empty() {
            // The dependent pages are ready: open tabs (home, the action
            // list) reload now, not once the search index is rebuilt.
            if !files.is_empty() || !removed.is_empty() {
                let (files, removed) = (std::mem::take(&mut files), std::mem::take(&mut removed));
                publish(Update { files, removed, full: false, errors: None, findings: 0, millis: millis(started) });
            }
            let quiet = Instant::now();
            while quiet.elapsed() < std::time::Duration::from_millis(500) {
                if interrupted() {
                    drop(site);
                    self.paths = existing;
                    self.search_stale = true;
                    publish(Update { files, removed, full: false, errors: None, findings: 0, millis: millis(started) });
                    return Ok(());
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            files.extend(site.search_files());
        }
        drop(site);
        self.paths = existing;
        self.search_stale = false;
        let findings = self.findings(&self.graph);
        let update = self.finish(files, removed, false, findings, started);
        publish(update);
        Ok(())
    }

    fn site<'s>(&'s self, graph: &'s LinkGraph, exists: &'s (dyn Fn(&str) -> bool + Sync)) -> Site<'s> {
        Site::new(
            &self.repo.config,
            &self.repo.retros,
            graph,
            self.today(),
            self.base_url.as_deref(),
            exists,
            &self.tera,
        )
        .with_tracker(&self.repo.tracker)
    }

    fn finish(
        &self,
        files: Vec<(String, Vec<u8>)>,
        removed: Vec<String>,
        full: bool,
        findings: Vec<Finding>,
        started: Instant,
    ) -> Update {
        let count = findings.len();
        let errors = Some(findings.into_iter().filter(|f| f.level == Level::Error).collect());
        Update { files, removed, full, errors, findings: count, millis: millis(started) }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// What decides whether a changed path matters, detached from the
    /// builder so the watcher can ask while an update runs.
    pub fn relevance(&self) -> Relevance {
        Relevance {
            root: self.root.clone(),
            output: self.repo.config.build.output.clone(),
            source: self.repo.config.build.source.clone(),
            exports: (self.repo.config.tracker.exports.iter())
                .map(|e| self.root.join(e))
                .chain(self.trackers.iter().filter_map(|t| t.canonicalize().ok()))
                .collect(),
            // The patterns loaded once already, so they build again.
            openslo: load::openslo::matcher(&self.repo.config.uptime.openslo).unwrap_or_default(),
        }
    }

    /// Whether an interrupted update left pages (or the search index) to render.
    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty() || self.search_stale
    }
}

/// The paths that can matter to the site: `book.toml`, the retros,
/// templates, themes, tracker exports and the OpenSLO files of
/// `[uptime] openslo` in the repo; not the output, hidden files, or
/// editors' swap, backup and temporary files.
#[derive(Clone)]
pub struct Relevance {
    root: PathBuf,
    output: PathBuf,
    source: PathBuf,
    /// The tracker exports, as absolute paths.
    exports: Vec<PathBuf>,
    /// The OpenSLO patterns: a file added, edited or removed there changes
    /// the objectives.
    openslo: globset::GlobSet,
}

impl Relevance {
    pub fn is_relevant(&self, path: &Path) -> bool {
        let Ok(rel) = path.strip_prefix(&self.root) else { return false };
        if rel.starts_with(&self.output) || rel.components().any(|c| load::is_hidden(c.as_os_str())) {
            return false;
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let editor_temp = name.ends_with(".swp")
            || name.ends_with(".swx")
            || name.ends_with(".swo")
            || name.ends_with(".tmp")
            || name.ends_with(".crswap")
            || name.contains("___jb_")
            || name == "4913";
        if editor_temp {
            return false;
        }
        rel == Path::new(CONFIG_FILE)
            || rel.starts_with(&self.source)
            || rel.starts_with("templates")
            || rel.starts_with("themes")
            || self.exports.iter().any(|e| e == path)
            || self.openslo.is_match(rel)
    }
}

fn millis(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}
