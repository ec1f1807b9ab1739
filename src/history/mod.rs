//! The follow-through of action items, read from the repository's git
//! history: when each item was added, each change of its status and of its
//! `due` (a slip), when it was closed, and how late that was.
//!
//! The first-parent chain of HEAD is read oldest first (`walk`); each
//! commit's changed retro files are parsed with the build's own loader
//! (front matter only), and each item is followed by retro id and item id,
//! so a renamed or moved file or a reordered list is the same item. What a
//! commit changed is kept per commit in a cache (`cache`), so a later run
//! reads only the commits it has not seen. The working tree (what the build
//! loaded) wins over the last commit, and an item it changed is marked.
//!
//! History is optional: without a repository, in a shallow clone or when
//! reading fails, `read` returns what it could with a note, never an error.

mod cache;
pub mod snap;
mod walk;

use crate::config::Config;
use crate::model::{ActionItem, ActionStatus, Due, Retro};
use crate::text::fnv1a;
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::{Mutex, PoisonError};

/// A commit of the chain, as the history shows it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Commit {
    pub id: String,
    pub date: NaiveDate,
    pub author: String,
}

/// A retro file a commit changed: its path (from the repo root) and its new
/// blob, `None` when the commit deleted it.
pub struct FileChange {
    pub path: String,
    pub blob: Option<gix::ObjectId>,
}

/// One version of a retro file, as far as the history needs it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileSnap {
    pub retro: String,
    pub items: Vec<ItemSnap>,
}

/// One version of an action item: its status and due, and a hash of all its
/// fields, compared to tell whether the item's own lines changed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ItemSnap {
    pub id: String,
    /// Kept in the cache as the word the retro uses.
    #[serde(with = "status_word")]
    pub status: Option<ActionStatus>,
    pub due: Option<String>,
    /// `completed_at`: the close date of an item first committed closed.
    pub completed: Option<NaiveDate>,
    pub fields: u64,
}

impl ItemSnap {
    pub fn of(item: &ActionItem) -> ItemSnap {
        let text = |v: &Option<crate::model::At<String>>| v.as_ref().map(|v| v.value.clone()).unwrap_or_default();
        let factors: Vec<&str> = item.factors.iter().map(|f| f.value.as_str()).collect();
        let fields = [
            item.title.value.clone(),
            text(&item.owner),
            item.status.as_ref().map(|s| s.value.to_string()).unwrap_or_default(),
            item.due.as_ref().map(|d| d.value.to_string()).unwrap_or_default(),
            item.kind.map(|k| k.to_string()).unwrap_or_default(),
            item.priority.map(|p| p.to_string()).unwrap_or_default(),
            factors.join(","),
            text(&item.link),
            item.completed_at.as_ref().map(|d| d.value.to_string()).unwrap_or_default(),
        ]
        .join("\u{1f}");
        let fields = fnv1a(fields.as_bytes());
        ItemSnap {
            id: item.id.value.clone(),
            status: item.status.as_ref().map(|s| s.value),
            due: item.due.as_ref().map(|d| d.value.to_string()),
            completed: item.completed_at.as_ref().map(|d| d.value),
            fields,
        }
    }
}

/// An action item's status in the cache: its word, parsed once as the
/// cache is read (an unknown word makes the cache unreadable: it is
/// discarded and the history read again).
mod status_word {
    use crate::model::ActionStatus;
    use serde::{Deserialize, Deserializer, Serialize, Serializer, de::Error};

    pub fn serialize<S: Serializer>(status: &Option<ActionStatus>, to: S) -> Result<S::Ok, S::Error> {
        status.map(|s| s.as_str()).serialize(to)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(from: D) -> Result<Option<ActionStatus>, D::Error> {
        let Some(word) = Option::<String>::deserialize(from)? else { return Ok(None) };
        let status = ActionStatus::from_word(&word);
        status.map(Some).ok_or_else(|| D::Error::custom(format!("unknown action status `{word}`")))
    }
}

/// Done or won't-do: no work left.
fn is_closed(status: Option<ActionStatus>) -> bool {
    status.is_some_and(|s| !s.is_pending())
}

/// When something happened to an item: the commit's date and author
/// (`commit` empty and `uncommitted` set for an edit of the working tree).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Stamp {
    pub date: NaiveDate,
    pub author: String,
    pub commit: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub uncommitted: bool,
}

/// A change of a field (status or due) from one value to another.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    #[serde(flatten)]
    pub at: Stamp,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// What the history knows of one action item.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct ItemHistory {
    /// When the item was opened: the commit that added it, or, for an item
    /// that commit did not open (`came_in`), the day its retro's incident
    /// started (no author, no commit). `None` when the item was already
    /// there in the oldest commit of a shallow clone: it is not known.
    pub added: Option<Stamp>,
    /// The commit the item first appeared in, when that commit did not open
    /// it: an import, or an item first committed already closed.
    pub came_in: Option<Stamp>,
    /// It came in through an import: with its retro, in a commit more than
    /// `[history] import_days` after the retro's `started_at`.
    pub imported: bool,
    pub status_changes: Vec<Change>,
    pub due_changes: Vec<Change>,
    /// When it became done or won't-do (the last time, if it was reopened).
    pub closed: Option<Stamp>,
    /// The due in force when the item was added (or first given one).
    pub first_due: Option<String>,
    pub last_due: Option<String>,
    /// The last change of the item's own fields.
    pub touched: Option<Stamp>,
    /// The working tree changed the item since the last commit.
    pub uncommitted: bool,
    #[serde(skip)]
    fields: u64,
    #[serde(skip)]
    status: Option<ActionStatus>,
}

impl ItemHistory {
    /// Changes of `due` after it was first set.
    pub fn slips(&self) -> usize {
        self.due_changes.iter().filter(|c| c.from.is_some()).count()
    }

    pub fn is_done(&self) -> bool {
        self.status == Some(ActionStatus::Done)
    }

    /// Days from the end of `due` to the day it was done: positive late,
    /// negative early; `None` unless done with that due.
    fn days_late(&self, due: Option<&String>) -> Option<i64> {
        let closed = self.closed.as_ref().filter(|_| self.is_done())?;
        let end = Due::parse(due?).ok()?.end();
        Some((closed.date - end).num_days())
    }

    /// Against the due in force when the item was added.
    pub fn days_late_first(&self) -> Option<i64> {
        self.days_late(self.first_due.as_ref())
    }

    /// Against the last due.
    pub fn days_late_last(&self) -> Option<i64> {
        self.days_late(self.last_due.as_ref())
    }

    /// Days from when it was opened to when it was closed; never negative
    /// (the fold never closes an item before its opening).
    pub fn days_to_close(&self) -> Option<i64> {
        Some((self.closed.as_ref()?.date - self.added.as_ref()?.date).num_days()).filter(|d| *d >= 0)
    }

    /// Open, and its own lines unchanged for at least `days` before `today`.
    pub fn is_stale(&self, today: NaiveDate, days: u32) -> bool {
        let pending = self.status.is_some_and(|s| s.is_pending());
        pending && self.touched.as_ref().is_some_and(|t| (today - t.date).num_days() >= i64::from(days))
    }

    /// Days since the item's own lines last changed.
    pub fn idle_days(&self, today: NaiveDate) -> Option<i64> {
        Some((today - self.touched.as_ref()?.date).num_days())
    }

    /// The item's history as `actions --format json` shows it.
    pub fn to_json(&self, today: NaiveDate, stale_days: u32) -> serde_json::Value {
        let mut value = serde_json::to_value(self).expect("plain data");
        value["status"] = serde_json::json!(self.status.map(|s| s.as_str()));
        value["slips"] = serde_json::json!(self.slips());
        value["days_late_first_due"] = serde_json::json!(self.days_late_first());
        value["days_late_last_due"] = serde_json::json!(self.days_late_last());
        value["days_to_close"] = serde_json::json!(self.days_to_close());
        value["days_unchanged"] = serde_json::json!(self.idle_days(today));
        value["stale"] = serde_json::json!(self.is_stale(today, stale_days));
        value["summary"] = serde_json::json!(self.summary());
        value
    }

    /// One line for the retro page: "added 4 Mar 2026, due moved twice, done
    /// 1 May 2026 — 12 days late".
    pub fn summary(&self) -> String {
        let day = |d: NaiveDate| d.format("%-d %b %Y").to_string();
        let mut parts = Vec::new();
        // An item its first commit did not open is told by that commit:
        // "added" would date it from the wrong day.
        let came = if self.imported { "imported" } else { "committed" };
        match (&self.came_in, &self.added) {
            (Some(c), _) => parts.push(format!("{came} {}", day(c.date))),
            (None, Some(a)) => parts.push(format!("added {}", day(a.date))),
            (None, None) => parts.push("added before the history begins".into()),
        }
        match self.slips() {
            0 => {}
            1 => parts.push("due moved once".into()),
            2 => parts.push("due moved twice".into()),
            n => parts.push(format!("due moved {n} times")),
        }
        let closed_word = if self.is_done() { "done" } else { "closed" };
        if self.closed.is_none() && is_closed(self.status) {
            parts.push(format!("already {closed_word} when {came}"));
        }
        if let Some(closed) = &self.closed {
            let word = closed_word;
            let mut text = format!("{word} {}", day(closed.date));
            if let Some(late) = self.days_late_last() {
                text.push_str(&format!(" — {}", lateness(late)));
            }
            parts.push(text);
        }
        let mut line = parts.join(", ");
        if self.uncommitted {
            line.push_str(" (uncommitted edits)");
        }
        line
    }

    /// Fold one version of the item, seen at `at`, into its history.
    fn apply(&mut self, snap: &ItemSnap, at: &Stamp, arrival: &Arrival) {
        let first = self.touched.is_none();
        if first {
            self.arrive(snap, at, arrival);
        } else {
            if self.status != snap.status {
                let word = |s: Option<ActionStatus>| s.map(|s| s.as_str().to_string());
                let change = Change { at: at.clone(), from: word(self.status), to: word(snap.status) };
                self.status_changes.push(change);
                if is_closed(snap.status) && !(is_closed(self.status) && self.closed.is_some()) {
                    self.closed = Some(at.clone());
                } else if !is_closed(snap.status) {
                    self.closed = None;
                }
            }
            if self.last_due != snap.due {
                self.due_changes.push(Change { at: at.clone(), from: self.last_due.clone(), to: snap.due.clone() });
                if self.first_due.is_none() {
                    self.first_due = snap.due.clone();
                }
            }
        }
        // The item's own `completed_at` says when the work was done better
        // than the commit recording it (often days later).
        if let Some(date) = self.completed_on(snap, at)
            && let Some(closed) = self.closed.as_mut()
        {
            closed.date = date;
        }
        if first || self.fields != snap.fields {
            self.touched = Some(at.clone());
        }
        self.uncommitted |= at.uncommitted;
        self.status = snap.status;
        self.last_due = snap.due.clone();
        self.fields = snap.fields;
    }

    /// The item's first version, seen at `at`. A commit that brings in an
    /// item already closed, or brings it in with its retro long after the
    /// incident (an import), did not open it: it is dated from the retro's
    /// `started_at`, when that is no later than the commit.
    fn arrive(&mut self, snap: &ItemSnap, at: &Stamp, arrival: &Arrival) {
        let started = arrival.started.filter(|s| *s <= at.date);
        let late = |s: &NaiveDate| (at.date - *s).num_days() > i64::from(arrival.import_days);
        self.imported = arrival.known && arrival.with_retro && started.as_ref().is_some_and(late);
        let closed = is_closed(snap.status);
        self.added = match started {
            _ if !arrival.known => None,
            Some(date) if self.imported || closed => {
                self.came_in = Some(at.clone());
                Some(Stamp { date, author: String::new(), commit: String::new(), uncommitted: false })
            }
            _ => Some(at.clone()),
        };
        self.first_due = snap.due.clone();
        // Committed already closed: when it was closed is what its
        // `completed_at` says, if anything; the commit only shows it was by then.
        if closed {
            self.closed = self.completed_on(snap, at).map(|date| Stamp { date, ..at.clone() });
        }
    }

    /// The item's `completed_at`, when it can be its close: no later than
    /// the commit recording it (a later date is a typo, not news) and no
    /// earlier than its opening (nothing is closed before it was opened).
    fn completed_on(&self, snap: &ItemSnap, at: &Stamp) -> Option<NaiveDate> {
        let opened = self.added.as_ref().map(|a| a.date);
        snap.completed.filter(|date| *date <= at.date && opened.is_none_or(|o| o <= *date))
    }
}

/// What the fold knows of an item's retro as the item first appears.
#[derive(Debug, Clone, Copy)]
struct Arrival {
    /// Its opening can be dated: not the oldest commit of a shallow clone.
    known: bool,
    /// The day the retro's incident started (`started_at`, as the working
    /// tree has it: a corrected date is the better one).
    started: Option<NaiveDate>,
    /// The retro itself first appears in this commit.
    with_retro: bool,
    /// `[history] import_days`.
    import_days: u32,
}

/// "12 days late", "3 days early", "on the due date".
pub fn lateness(days: i64) -> String {
    match days {
        0 => "on the due date".into(),
        1 => "1 day late".into(),
        -1 => "1 day early".into(),
        d if d > 0 => format!("{d} days late"),
        d => format!("{} days early", -d),
    }
}

/// How sure a note is: an `info` line or a `warning` line on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteLevel {
    Info,
    Warning,
}

/// Why the history is missing or partial, said once on stderr.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    pub level: NoteLevel,
    pub text: String,
}

/// The history of every item of the working tree, by retro id and item id.
#[derive(Debug, Clone, Default, Serialize)]
pub struct History {
    /// Whether any commit was read.
    pub available: bool,
    /// Whether the history reaches the first commit (not a shallow clone).
    pub complete: bool,
    /// The commit the history was read at (HEAD).
    pub head: Option<String>,
    pub notes: Vec<Note>,
    #[serde(skip)]
    pub items: BTreeMap<(String, String), ItemHistory>,
    /// The retros some commit held, and the date of the last commit read:
    /// what the working tree is folded over.
    #[serde(skip)]
    retros: HashSet<String>,
    #[serde(skip)]
    last: Option<NaiveDate>,
}

impl History {
    /// No history, and why.
    fn without(level: NoteLevel, text: String) -> History {
        History { notes: vec![Note { level, text }], ..History::default() }
    }

    pub fn get(&self, retro: &str, item: &str) -> Option<&ItemHistory> {
        self.items.get(&(retro.to_string(), item.to_string()))
    }

    /// Print the notes on stderr, unless `quiet`.
    pub fn print_notes(&self, quiet: bool) {
        for note in self.notes.iter().filter(|_| !quiet) {
            match note.level {
                NoteLevel::Warning => eprintln!("warning: {}", note.text),
                NoteLevel::Info => eprintln!("note: {}", note.text),
            }
        }
    }
}

/// Read the history of the items of `retros` (the working tree, as
/// loaded) from the git repository holding `root`.
pub fn read(root: &Path, config: &Config, retros: &[Retro], today: NaiveDate) -> History {
    let starts = Starts { days: started(retros), import_days: config.history.import_days };
    let mut history = match committed(root, config, &starts) {
        Ok(h) => h,
        Err(text) => History::without(NoteLevel::Warning, text),
    };
    overlay_working_tree(&mut history, retros, today, &starts);
    history
}

/// The day each retro's incident started, by retro id, and how long after
/// it a retro first committed counts as imported.
struct Starts {
    days: HashMap<String, NaiveDate>,
    import_days: u32,
}

impl Starts {
    fn arrival(&self, retro: &str, known: bool, with_retro: bool) -> Arrival {
        let started = self.days.get(retro).copied();
        Arrival { known, started, with_retro, import_days: self.import_days }
    }
}

fn started(retros: &[Retro]) -> HashMap<String, NaiveDate> {
    let start = |r: &Retro| r.started_at.as_ref().map(|s| (r.id.value.clone(), s.value.date()));
    retros.iter().filter_map(start).collect()
}

/// Fold the working tree over the committed history: an item it changed
/// (or added) gets a change dated `today`, marked uncommitted. Items the
/// working tree no longer has are dropped.
fn overlay_working_tree(history: &mut History, retros: &[Retro], today: NaiveDate, starts: &Starts) {
    if !history.available {
        history.items.clear();
        return;
    }
    let mut items = BTreeMap::new();
    // Never before the last commit: a `--today` in the past dates an edit
    // of the working tree no earlier than what it edits.
    let date = history.last.map_or(today, |last| today.max(last));
    let at = Stamp { date, author: String::new(), commit: String::new(), uncommitted: true };
    for retro in retros {
        let arrival = starts.arrival(&retro.id.value, true, !history.retros.contains(&retro.id.value));
        for item in retro.actions() {
            let key = (retro.id.value.clone(), item.id.value.clone());
            let mut h = history.items.remove(&key).unwrap_or_default();
            let snap = ItemSnap::of(item);
            if h.touched.is_none() || h.fields != snap.fields {
                h.apply(&snap, &at, &arrival);
            }
            items.insert(key, h);
        }
    }
    history.items = items;
}

/// The history as the commits hold it, or why it cannot be read.
fn committed(root: &Path, config: &Config, starts: &Starts) -> Result<History, String> {
    let repo = match gix::discover(root) {
        Ok(repo) => repo,
        Err(_) => {
            let text = format!(
                "{} is not in a git repository: action items have no history (added, slipped, done late)",
                root.display()
            );
            return Ok(History::without(NoteLevel::Info, text));
        }
    };
    let failed = |e: gix::Error| format!("reading the git history failed, items are shown without it: {e}");
    let Some(workdir) = repo.workdir().map(Path::to_path_buf) else {
        return Ok(History::without(NoteLevel::Info, "the git repository has no work tree".into()));
    };
    let source = root.join(&config.build.source);
    let (Ok(source), Ok(workdir)) = (source.canonicalize(), workdir.canonicalize()) else {
        return Err("the source folder or the git work tree cannot be resolved".into());
    };
    let Ok(rel) = source.strip_prefix(&workdir) else {
        return Ok(History::without(NoteLevel::Info, "the source folder is outside the git work tree".into()));
    };
    let dir: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    let Some(chain) = walk::chain(&repo).map_err(failed)? else {
        return Ok(History::without(NoteLevel::Info, "the git repository has no commits yet".into()));
    };
    let cache_path = config.history.cache.then(|| cache::path(repo.git_dir(), &dir));
    let versions = versions(&repo, &chain, &dir, config, cache_path.as_deref()).map_err(failed)?;
    // A repository that never held a retro (a new book, or a parent
    // repository that does not track it) has no history to tell.
    if versions.iter().all(|(_, files)| files.is_empty()) {
        let text = format!("no commit holds a retro under {} yet: action items have no history", rel.display());
        return Ok(History::without(NoteLevel::Info, text));
    }
    let mut history = fold(&versions, !chain.cut, starts);
    history.head = chain.commits.first().map(|id| id.to_hex().to_string());
    if chain.cut {
        history.notes.push(Note {
            level: NoteLevel::Warning,
            text: "the git history is shallow (a shallow clone): items already in its oldest commit have no \
                   date added; fetch the full history (`git fetch --unshallow`, or `fetch-depth: 0` for \
                   actions/checkout)"
                .into(),
        });
    }
    Ok(history)
}

/// One commit's changed files, parsed: (path, snapshot or `None` if deleted).
pub type Version = (Commit, Vec<(String, Option<FileSnap>)>);

/// Every commit of the chain that changed a retro file, oldest first, with
/// its changed files parsed. Commits in the cache are not diffed again.
fn versions(
    repo: &gix::Repository,
    chain: &walk::Chain,
    dir: &[String],
    config: &Config,
    cache_path: Option<&Path>,
) -> gix::Result<Vec<Version>> {
    let mut cache = cache_path.map(|p| cache::Cache::load(p, dir)).unwrap_or_default();
    let prefix: String = dir.iter().map(|d| format!("{d}/")).collect();
    let mut out: Vec<Option<Version>> = Vec::with_capacity(chain.commits.len());
    // Oldest first; a commit not in the cache is diffed against its parent.
    let mut todo: Vec<(usize, FileChange)> = Vec::new();
    let mut infos: Vec<Commit> = Vec::new();
    let mut parent_tree: Option<Option<gix::ObjectId>> = None;
    let mut trees: Vec<(usize, Option<String>)> = Vec::new();
    let mut read_trees = walk::Trees::new(repo);
    for (n, &id) in chain.commits.iter().rev().enumerate() {
        let hex = id.to_hex().to_string();
        if let Some(entry) = cache.commits.get(&hex) {
            parent_tree = Some(entry.tree.as_deref().and_then(|t| gix::ObjectId::from_hex(t.as_bytes()).ok()));
            infos.push(entry.commit.clone());
            out.push(Some((entry.commit.clone(), entry.files.clone())));
            continue;
        }
        let (info, tree) = walk::commit_info(repo, id, dir)?;
        // The oldest commit (a root, or the edge of a shallow clone) is
        // compared with nothing: every file in it is new.
        let old = parent_tree.flatten();
        let mut changes = Vec::new();
        if old != tree {
            walk::diff(&mut read_trees, old, tree, &prefix, &mut changes)?;
        }
        todo.extend(changes.into_iter().map(|c| (n, c)));
        infos.push(info);
        out.push(None);
        trees.push((n, tree.map(|t| t.to_hex().to_string())));
        parent_tree = Some(tree);
    }
    let parsed = parse_blobs(repo, &todo, config)?;
    let mut files: HashMap<usize, Vec<(String, Option<FileSnap>)>> = HashMap::new();
    for ((n, change), snap) in todo.iter().zip(parsed) {
        files.entry(*n).or_default().push((change.path.clone(), snap));
    }
    for (n, slot) in out.iter_mut().enumerate() {
        if slot.is_none() {
            *slot = Some((infos[n].clone(), files.remove(&n).unwrap_or_default()));
        }
    }
    let out: Vec<Version> = out.into_iter().map(|v| v.expect("every commit filled")).collect();
    if let Some(path) = cache_path
        && !trees.is_empty()
    {
        for (n, tree) in trees {
            let (commit, files) = &out[n];
            cache
                .commits
                .insert(commit.id.clone(), cache::Entry { commit: commit.clone(), tree, files: files.clone() });
        }
        let chain: std::collections::HashSet<&str> = out.iter().map(|(c, _)| c.id.as_str()).collect();
        cache.commits.retain(|id, _| chain.contains(id.as_str()));
        cache.store(path, dir);
    }
    Ok(out)
}

/// Read and parse the changed blobs in parallel, each thread with its own
/// handle on the repository. The blobs are read in the order the packs
/// hold them, where a delta comes soon after its base (git writes a delta
/// family together, fast-import writes in commit order): the base is then
/// still in the thread's pack cache. Each path's front matter parts are
/// remembered from its version read last (`snap::Reader`).
fn parse_blobs(
    repo: &gix::Repository,
    todo: &[(usize, FileChange)],
    config: &Config,
) -> gix::Result<Vec<Option<FileSnap>>> {
    let places = walk::pack_places(repo, todo.iter().filter_map(|(_, c)| c.blob));
    let mut order: Vec<(usize, gix::ObjectId)> =
        todo.iter().enumerate().filter_map(|(n, (_, c))| c.blob.map(|b| (n, b))).collect();
    // Stable: objects in no pack (loose) come last, in commit order.
    order.sort_by_key(|(_, blob)| places.get(blob).copied().unwrap_or((usize::MAX, 0)));
    // Each path's reader, and how many of its versions are still to read:
    // a reader is dropped after its path's last version.
    let mut left: foldhash::HashMap<&str, (usize, snap::Reader)> = foldhash::HashMap::default();
    for &(n, _) in &order {
        left.entry(todo[n].1.path.as_str()).or_default().0 += 1;
    }
    let readers = Mutex::new(left);
    let lock = || readers.lock().unwrap_or_else(PoisonError::into_inner);
    let shared = repo.clone().into_sync();
    let parsed: Vec<(usize, FileSnap)> = order
        .par_iter()
        .map_init(
            || shared.to_thread_local(),
            |repo, &(n, blob)| -> gix::Result<(usize, FileSnap)> {
                let path = todo[n].1.path.as_str();
                let data = repo.find_blob(blob)?.take_data();
                let text =
                    String::from_utf8(data).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                let mut reader = lock().get_mut(path).map(|(_, r)| std::mem::take(r)).unwrap_or_default();
                let snap = reader.snapshot(path, text, config);
                if let Some((left, slot)) = lock().get_mut(path) {
                    *left -= 1;
                    *slot = if *left == 0 { snap::Reader::default() } else { reader };
                }
                Ok((n, snap))
            },
        )
        .collect::<gix::Result<_>>()?;
    let mut snaps: Vec<Option<FileSnap>> = (0..todo.len()).map(|_| None).collect();
    for (n, snap) in parsed {
        snaps[n] = Some(snap);
    }
    Ok(snaps)
}

/// Fold the versions, oldest first, into each item's history. A file's
/// items are followed by retro id, so a move is no change; an item that
/// leaves one file and appears in another keeps its history. A commit is
/// dated no earlier than the one before it on the chain (a rebase keeps
/// older author dates, but the commit landed after its parent), so no
/// item changes before it was added.
fn fold(versions: &[Version], complete: bool, starts: &Starts) -> History {
    let mut items: BTreeMap<(String, String), ItemHistory> = BTreeMap::new();
    let mut retros: HashSet<String> = HashSet::new();
    let mut last: Option<NaiveDate> = None;
    for (n, (commit, files)) in versions.iter().enumerate() {
        // In a shallow clone the oldest commit holds items added earlier.
        let known = complete || n > 0;
        let date = last.map_or(commit.date, |d| d.max(commit.date));
        last = Some(date);
        let at = Stamp { date, author: commit.author.clone(), commit: commit.id.clone(), uncommitted: false };
        let snaps: Vec<&FileSnap> = files.iter().filter_map(|(_, s)| s.as_ref()).collect();
        let new: HashSet<&str> = snaps.iter().map(|s| s.retro.as_str()).filter(|r| !retros.contains(*r)).collect();
        for snap in &snaps {
            let arrival = starts.arrival(&snap.retro, known, new.contains(snap.retro.as_str()));
            for item in &snap.items {
                let h = items.entry((snap.retro.clone(), item.id.clone())).or_default();
                h.apply(item, &at, &arrival);
            }
        }
        retros.extend(new.into_iter().map(String::from));
    }
    History { available: true, complete, head: None, notes: Vec::new(), items, retros, last }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn snap(status: &str, due: &str, fields: u64) -> ItemSnap {
        let status = ActionStatus::from_word(status);
        ItemSnap { id: "AI-1".into(), status, due: Some(due.into()), completed: None, fields }
    }

    fn at(date: &str) -> Stamp {
        Stamp { date: day(date), author: "alice".into(), commit: "c".into(), uncommitted: false }
    }

    /// An item of a retro whose incident started on 2026-01-05, first
    /// committed (with its retro when `with_retro`).
    fn arrival(with_retro: bool) -> Arrival {
        Arrival { known: true, started: Some(day("2026-01-05")), with_retro, import_days: 30 }
    }

    const KNOWN: Arrival = Arrival { known: true, started: None, with_retro: false, import_days: 30 };

    #[test]
    fn an_item_is_followed_from_added_to_done() {
        let mut h = ItemHistory::default();
        h.apply(&snap("open", "2026-02-01", 1), &at("2026-01-06"), &KNOWN);
        h.apply(&snap("open", "2026-02", 2), &at("2026-01-20"), &KNOWN);
        h.apply(&snap("done", "2026-02", 3), &at("2026-03-02"), &KNOWN);
        assert_eq!(h.slips(), 1);
        assert_eq!((h.days_late_first(), h.days_late_last()), (Some(29), Some(2)));
        assert_eq!(h.days_to_close(), Some(55));
        assert_eq!(h.summary(), "added 6 Jan 2026, due moved once, done 2 Mar 2026 — 2 days late");
        // Reopened: no longer closed, and not late any more.
        h.apply(&snap("in-progress", "2026-02", 4), &at("2026-03-05"), &KNOWN);
        assert_eq!((h.closed.as_ref(), h.days_late_last()), (None, None));
        assert!(h.is_stale(day("2026-06-03"), 90) && !h.is_stale(day("2026-06-02"), 90));
    }

    #[test]
    fn items_committed_closed_are_opened_by_their_retro() {
        let mut h = ItemHistory::default();
        let mut done = snap("done", "2026-02-01", 1);
        h.apply(&done, &at("2026-03-01"), &arrival(false));
        assert_eq!(h.summary(), "committed 1 Mar 2026, already done when committed");
        assert_eq!((h.added.as_ref().unwrap().date, h.days_to_close()), (day("2026-01-05"), None));
        assert!(!h.imported && h.came_in.as_ref().unwrap().date == day("2026-03-01"));
        done.completed = Some(day("2026-01-29"));
        let mut h = ItemHistory::default();
        h.apply(&done, &at("2026-03-01"), &arrival(false));
        assert_eq!(h.days_late_last(), Some(-3));
        assert_eq!(h.days_to_close(), Some(24));
        assert_eq!(h.summary(), "committed 1 Mar 2026, done 29 Jan 2026 — 3 days early");
        // A close date after the commit, or before the incident, is a typo:
        // the commit is all we know.
        for typo in ["2026-03-09", "2026-01-02"] {
            done.completed = Some(day(typo));
            let mut h = ItemHistory::default();
            h.apply(&done, &at("2026-03-01"), &arrival(false));
            assert_eq!(h.summary(), "committed 1 Mar 2026, already done when committed", "{typo}");
        }
        // Without a start date, the commit opens it, and nothing closes it before that.
        done.completed = Some(day("2026-01-29"));
        let mut h = ItemHistory::default();
        h.apply(&done, &at("2026-03-01"), &KNOWN);
        assert_eq!(h.summary(), "added 1 Mar 2026, already done when committed");
    }

    #[test]
    fn an_import_is_dated_from_the_incident() {
        // Brought in with its retro 55 days after the incident, still open.
        let mut h = ItemHistory::default();
        h.apply(&snap("open", "2026-02-01", 1), &at("2026-03-01"), &arrival(true));
        assert!(h.imported);
        assert_eq!(h.added.as_ref().map(|a| (a.date, a.commit.as_str())), Some((day("2026-01-05"), "")));
        h.apply(&snap("done", "2026-02-01", 2), &at("2026-03-10"), &arrival(true));
        assert_eq!(h.days_to_close(), Some(64));
        assert_eq!(h.summary(), "imported 1 Mar 2026, done 10 Mar 2026 — 37 days late");
        // Within `import_days` of the incident, or added to a retro already
        // there: opened by the commit.
        for (date, with_retro) in [("2026-02-04", true), ("2026-03-01", false)] {
            let mut h = ItemHistory::default();
            h.apply(&snap("open", "2026-02-01", 1), &at(date), &arrival(with_retro));
            assert!(!h.imported && h.came_in.is_none(), "{date}");
            assert_eq!(h.added.as_ref().unwrap().date, day(date));
        }
        // Imported already done, without `completed_at`: no close date, no figure.
        let mut h = ItemHistory::default();
        h.apply(&snap("done", "2026-02-01", 1), &at("2026-03-01"), &arrival(true));
        assert_eq!((h.days_to_close(), h.days_late_last()), (None, None));
        assert_eq!(h.summary(), "imported 1 Mar 2026, already done when imported");
    }

    #[test]
    fn a_later_commit_closing_an_item_takes_its_completed_at() {
        let mut h = ItemHistory::default();
        h.apply(&snap("open", "2026-02-01", 1), &at("2026-01-10"), &KNOWN);
        let mut done = snap("done", "2026-02-01", 2);
        done.completed = Some(day("2026-02-04"));
        h.apply(&done, &at("2026-02-09"), &KNOWN);
        let closed = h.closed.as_ref().unwrap();
        assert_eq!((closed.date, closed.commit.as_str()), (day("2026-02-04"), "c"));
        assert_eq!(h.days_late_last(), Some(3));
        // Without it, or with a date after the commit, the commit's date.
        let mut h = ItemHistory::default();
        h.apply(&snap("open", "2026-02-01", 1), &at("2026-01-10"), &KNOWN);
        done.completed = Some(day("2026-03-01"));
        h.apply(&done, &at("2026-02-09"), &KNOWN);
        assert_eq!(h.closed.as_ref().unwrap().date, day("2026-02-09"));
    }

    #[test]
    fn lateness_reads_as_words() {
        assert_eq!(
            [lateness(0), lateness(1), lateness(-1), lateness(12), lateness(-3)],
            ["on the due date", "1 day late", "1 day early", "12 days late", "3 days early"]
        );
    }

    #[test]
    fn the_fields_hash_is_fixed() {
        // The cache compares hashes written by earlier runs: FNV-1a's known value.
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        let pieces = crate::text::Fnv1a::new().write(b"ab").write(b"").write(b"c").finish();
        assert_eq!(pieces, fnv1a(b"abc"));
    }

    /// Every action item key, set, unset and wrong, as one file's snapshot.
    const EVERY_KEY: &str = "---\nid: inc-1\ntitle: Outage\nstatus: published\nseverity: SEV2\n\
        started_at: 2026-01-05T10:00:00Z\nauthors: [alice]\nfactors:\n  - id: F1\n    description: x\n\
        action_items:\n\
        - {id: AI-1, title: Fix, owner: bob, status: done, due: 2026-02, kind: prevent, priority: P1,\n\
           factors: [F1], link: ENG-42, completed_at: 2026-02-03}\n\
        - {id: AI-2, title: Watch, owner: '', status: in-progress, due: 2026-Q3}\n\
        - {id: AI-3, title: Drop, status: wont-do, due: ~, completed_at: ~, link: 'https://x.test/1'}\n\
        - {id: AI-4, title: Bad, status: later, due: soon, kind: odd, priority: P9}\n\
        - {id: AI-5, title: Plain}\n\
        - {id: AI-1, title: Twice, status: open}\n\
        ---\nBody.\n";

    #[test]
    fn snapshots_are_pinned() {
        // A cached snapshot must read as a new one would. When this fails,
        // the reading of a retro changed: bump `cache::SNAPSHOT_VERSION` (old
        // caches are then dropped) and pin the new hash.
        let config = Config::parse("").unwrap();
        let snap = snap::snapshot("retros/x.md", EVERY_KEY.to_string(), &config);
        assert_eq!(snap.items.len(), 5, "{snap:?}");
        let json = serde_json::to_string(&snap).unwrap();
        assert_eq!((cache::SNAPSHOT_VERSION, fnv1a(json.as_bytes())), (3, 0xb595_9900_847a_fdb5), "{json}");
    }
}
