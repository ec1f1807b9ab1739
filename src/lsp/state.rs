//! The workspace as the editor sees it: the repo on disk with the unsaved
//! text of open buffers laid over it, the link graph, and each file's own
//! findings (loader and per-retro rules) kept so an edit recomputes one
//! file's. The same incremental scheme as `serve`'s builder, without pages.

use crate::check::{self, blameless::Phrases, links};
use crate::error::Error;
use crate::history::History;
use crate::link::LinkGraph;
use crate::load::{self, Repo};
use crate::model::{Finding, Level, Retro};
use chrono::NaiveDate;
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// An open buffer.
pub(crate) struct Doc {
    pub(crate) text: String,
}

/// A loaded repo, when its `book.toml` loads.
pub(crate) struct Loaded {
    pub(crate) repo: Repo,
    pub(crate) graph: LinkGraph,
    /// Retro index by path (the retros are in the loader's walk order,
    /// which is not quite the paths' order, so no binary search).
    by_path: HashMap<String, usize>,
    phrases: Phrases,
    /// Per file: the loader's findings and the per-retro rules' (before
    /// levels are applied), so an edit recomputes only the edited file's.
    own: HashMap<String, Vec<Finding>>,
    /// The items' history, when `stale-action` is on.
    history: Option<History>,
}

pub(crate) struct Workspace {
    /// The root as the client names it (URIs are made from it).
    pub(crate) root: PathBuf,
    /// The same, symlinks resolved (paths the client sends may be either).
    canonical_root: PathBuf,
    pub(crate) today: NaiveDate,
    trackers: Vec<PathBuf>,
    pub(crate) loaded: Option<Loaded>,
    /// Why the repo does not load (a broken `book.toml`), as a finding.
    pub(crate) error: Option<Finding>,
    /// Open buffers by repo-relative path.
    pub(crate) open: HashMap<String, Doc>,
}

impl Workspace {
    pub(crate) fn new(root: PathBuf, today: NaiveDate, trackers: Vec<PathBuf>) -> Workspace {
        let canonical_root = root.canonicalize().unwrap_or_else(|_| root.clone());
        let mut ws =
            Workspace { root, canonical_root, today, trackers, loaded: None, error: None, open: HashMap::new() };
        ws.reload();
        ws
    }

    /// Load everything from disk again (first load, `book.toml` changed),
    /// then lay the open buffers over it.
    pub(crate) fn reload(&mut self) {
        match self.load() {
            Ok(loaded) => {
                self.loaded = Some(loaded);
                self.error = None;
            }
            Err(err) => {
                self.loaded = None;
                let pos = crate::model::Pos { line: 1, column: 1, offset: 0 };
                let finding = err.finding().cloned().unwrap_or_else(|| {
                    Finding::new(crate::model::Rule::InvalidConfig, crate::config::CONFIG_FILE, pos, err.to_string())
                });
                self.error = Some(finding);
            }
        }
        let open: Vec<(String, String)> = self.open.iter().map(|(p, d)| (p.clone(), d.text.clone())).collect();
        for (path, text) in open {
            self.apply(&path, Some(text));
        }
    }

    fn load(&self) -> Result<Loaded, Error> {
        let mut repo = load::load_repo(&self.root)?;
        repo.add_exports(&self.trackers)?;
        let graph = LinkGraph::build(&repo.retros);
        let phrases = Phrases::from_config(&repo.config);
        let wants_stale = repo.config.level(crate::model::Rule::StaleAction) != Level::Off;
        let history = (wants_stale && repo.config.history.enabled)
            .then(|| crate::history::read(&repo.root, &repo.config, &repo.retros, self.today));
        let mut own: HashMap<String, Vec<Finding>> = repo
            .retros
            .par_iter()
            .map(|r| (r.path.clone(), check::retro_findings(r, &repo.config, &phrases, self.today)))
            .collect();
        for f in &repo.findings {
            own.entry(f.file.clone()).or_default().push(f.clone());
        }
        let by_path = index_paths(&repo.retros);
        Ok(Loaded { repo, graph, by_path, phrases, own, history })
    }

    /// The repo-relative path of a file the client names.
    pub(crate) fn rel(&self, path: &Path) -> Option<String> {
        if let Ok(rel) = path.strip_prefix(&self.root) {
            return Some(crate::text::relative_path(Path::new(""), rel));
        }
        if let Ok(rel) = path.strip_prefix(&self.canonical_root) {
            return Some(crate::text::relative_path(Path::new(""), rel));
        }
        // A path through a symlink: resolve its folder (the file itself
        // may be gone).
        let parent = path.parent()?.canonicalize().ok()?;
        let rel = parent.strip_prefix(&self.canonical_root).ok()?.join(path.file_name()?);
        Some(crate::text::relative_path(Path::new(""), &rel))
    }

    /// Whether a repo-relative path is a retro of this repo (under the
    /// source folder, `.md` or `.markdown`).
    pub(crate) fn is_retro_path(&self, rel: &str) -> bool {
        let Some(loaded) = &self.loaded else { return false };
        let source = crate::text::relative_path(Path::new(""), &loaded.repo.config.build.source);
        let inside = source.is_empty() || source == "." || rel.starts_with(&format!("{source}/"));
        inside && (rel.ends_with(".md") || rel.ends_with(".markdown")) && !rel.split('/').any(is_hidden_part)
    }

    /// The text a file has for the editor: its buffer, else as loaded.
    pub(crate) fn text(&self, rel: &str) -> Option<&str> {
        if let Some(doc) = self.open.get(rel) {
            return Some(&doc.text);
        }
        self.retro(rel).map(|(_, r)| r.source.as_str())
    }

    pub(crate) fn retro(&self, rel: &str) -> Option<(usize, &Retro)> {
        let loaded = self.loaded.as_ref()?;
        let &i = loaded.by_path.get(rel)?;
        Some((i, &loaded.repo.retros[i]))
    }

    /// A file's new content: `Some(text)` from a buffer, `None` to read it
    /// from disk again (closed, or changed on disk). Returns the files whose
    /// findings may have changed.
    pub(crate) fn apply(&mut self, rel: &str, text: Option<String>) -> Changed {
        if !self.is_retro_path(rel) {
            return Changed::Files(BTreeSet::new());
        }
        let (root, canonical_root) = (self.root.clone(), self.canonical_root.clone());
        let today = self.today;
        let Some(loaded) = self.loaded.as_mut() else { return Changed::Files(BTreeSet::new()) };
        let config = &loaded.repo.config;
        // A buffer over the size limit is judged as its file is (the
        // loader reports it, unread).
        let text = text.filter(|t| t.len() as u64 <= config.check.max_file_bytes());
        let (retro, mut findings) = match text {
            Some(text) => {
                let mut findings = Vec::new();
                (Some(load::parse_retro(rel.to_string(), text, config, &mut findings)), findings)
            }
            None => {
                let path = root.join(rel);
                if path.is_file() { load::load_file(&root, &canonical_root, &path, config) } else { (None, Vec::new()) }
            }
        };
        if let Some(r) = &retro {
            findings.extend(check::retro_findings(r, config, &loaded.phrases, today));
        }
        loaded.own.remove(rel);
        if !findings.is_empty() {
            loaded.own.insert(rel.to_string(), findings);
        }
        let retros = &mut loaded.repo.retros;
        let old = loaded.by_path.get(rel).copied();
        match (old, retro) {
            (Some(i), Some(retro)) if retros[i].id.value == retro.id.value => {
                let previous = std::mem::replace(&mut retros[i], retro);
                loaded.graph.update(retros, i, &previous);
                let mut files: BTreeSet<String> = BTreeSet::from([rel.to_string()]);
                // Those linking to it: an anchor they name may be gone or back.
                files.extend(loaded.graph.backlinks[i].iter().map(|&b| retros[b].path.clone()));
                Changed::Files(files)
            }
            (old, retro) => {
                // An id appears, moves or goes: links and duplicates
                // anywhere may change.
                if let Some(i) = old {
                    retros.remove(i);
                }
                if let Some(retro) = retro {
                    let at = retros.partition_point(|r| r.path < retro.path);
                    retros.insert(at, retro);
                }
                loaded.graph = LinkGraph::build(retros);
                loaded.by_path = index_paths(retros);
                Changed::All
            }
        }
    }

    /// Every file that has or may have findings.
    pub(crate) fn all_files(&self) -> BTreeSet<String> {
        let mut files = BTreeSet::new();
        if let Some(loaded) = &self.loaded {
            files.extend(loaded.own.keys().cloned());
            files.extend(loaded.repo.retros.iter().map(|r| r.path.clone()));
        }
        files.extend(self.error.iter().map(|f| f.file.clone()));
        files
    }

    /// The findings of `files`, each as `check` reports it: the file's own
    /// and the cross-file rules' for its retro, at the configured levels.
    pub(crate) fn findings(&self, files: &BTreeSet<String>) -> HashMap<String, Vec<Finding>> {
        let mut out: HashMap<String, Vec<Finding>> = files.iter().map(|f| (f.clone(), Vec::new())).collect();
        if let Some(error) = &self.error {
            out.insert(error.file.clone(), vec![error.clone()]);
        }
        let Some(loaded) = &self.loaded else { return out };
        let repo = &loaded.repo;
        let exists = crate::link::on_disk(&repo.root);
        let dups = duplicates(repo, files);
        let computed: Vec<(String, Vec<Finding>)> = files
            .par_iter()
            .map(|file| {
                let mut raw = loaded.own.get(file).cloned().unwrap_or_default();
                if let Some(&i) = loaded.by_path.get(file.as_str()) {
                    let retro = &repo.retros[i];
                    links::check_retro_links(&repo.retros, i, &loaded.graph, &exists, &mut raw);
                    let one = std::slice::from_ref(retro);
                    check::tracker::check_retros(one, &repo.tracker, &repo.config, &mut raw);
                    if let Some(history) = &loaded.history {
                        let days = repo.config.history.stale_days;
                        check::stale::check_retros(one, history, self.today, days, &mut raw);
                    }
                }
                raw.extend(dups.iter().filter(|f| &f.file == file).cloned());
                let mut findings = Vec::new();
                check::add_findings(&mut findings, raw, &repo.config);
                (file.clone(), findings)
            })
            .collect();
        out.extend(computed);
        out
    }
}

/// What an update touched.
pub(crate) enum Changed {
    Files(BTreeSet<String>),
    All,
}

/// `duplicate-id` for the retros of `files`: the rule runs on the retros
/// that share an id with one of them, in repo order, as `check` runs it.
fn duplicates(repo: &Repo, files: &BTreeSet<String>) -> Vec<Finding> {
    let mut out = Vec::new();
    if files.len() * 4 > repo.retros.len() {
        links::check_duplicate_ids(&repo.retros, &mut out);
        return out;
    }
    let ids: BTreeSet<&str> =
        repo.retros.iter().filter(|r| files.contains(&r.path)).map(|r| r.id.value.as_str()).collect();
    let sharing: Vec<&Retro> = repo.retros.iter().filter(|r| ids.contains(r.id.value.as_str())).collect();
    if sharing.len() > ids.len() {
        let clones: Vec<Retro> = sharing.into_iter().cloned().collect();
        links::check_duplicate_ids(&clones, &mut out);
    }
    out
}

fn index_paths(retros: &[Retro]) -> HashMap<String, usize> {
    retros.iter().enumerate().map(|(i, r)| (r.path.clone(), i)).collect()
}

fn is_hidden_part(part: &str) -> bool {
    load::is_hidden(std::ffi::OsStr::new(part))
}
