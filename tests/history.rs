//! The follow-through read from git: a repository built commit by commit
//! with fixed dates and authors (the `git` command line), then the real
//! binary's `actions --format json`, `--stale`, `--slipped`, the retro page,
//! the follow-through page and the `stale-action` rule; and the cases
//! without history (shallow clone, no repository), which never fail.

mod common;

use common::{copy_dir, retrobook};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const TODAY: &str = "2026-06-01";

/// A git repository in a temporary folder, committed into by `git`.
struct GitRepo {
    dir: tempfile::TempDir,
}

impl GitRepo {
    fn new(book_toml: &str) -> GitRepo {
        let repo = GitRepo { dir: tempfile::tempdir().unwrap() };
        repo.git(&["init", "-q"]);
        repo.write("book.toml", book_toml);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) -> String {
        git_in(self.path(), args, "2026-01-01", "nobody")
    }

    fn write(&self, path: &str, text: &str) {
        let path = self.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Commit everything as `author` on `date` (author and committer date).
    fn commit(&self, date: &str, author: &str) {
        git_in(self.path(), &["add", "-A"], date, author);
        git_in(self.path(), &["commit", "-q", "-m", &format!("{author} on {date}")], date, author);
    }
}

fn git_in(dir: &Path, args: &[&str], date: &str, author: &str) -> String {
    let stamp = format!("{date}T12:00:00+00:00");
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", &format!("user.name={author}"), "-c", "user.email=test@example.com"])
        .args(["-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"])
        .args(args)
        .env("GIT_AUTHOR_DATE", &stamp)
        .env("GIT_COMMITTER_DATE", &stamp)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A draft retro with `summary` and items (id, status, due), written soon
/// after its incident (api-errors on 2 March, the others on 5 January).
fn retro(id: &str, summary: &str, items: &[(&str, &str, &str)]) -> String {
    let started = if id == "api-errors" { "2026-03-02" } else { "2026-01-05" };
    let mut text = format!(
        "---\nid: {id}\ntitle: Outage {id}\nstatus: draft\nseverity: SEV3\nstarted_at: {started}T10:00:00Z\n\
         authors: [alice]\nsummary: {summary}\naction_items:\n"
    );
    for (item, status, due) in items {
        text +=
            &format!("  - id: {item}\n    title: Fix {item}\n    owner: alice\n    status: {status}\n    due: {due}\n");
    }
    text + "---\nWhat happened.\n"
}

/// The story every test reads: added, slipped, an edit elsewhere in the
/// file, done late, moved to another folder and reordered, and a second
/// retro whose item slips twice and is done early.
fn story() -> GitRepo {
    let repo = GitRepo::new("[book]\ntitle = \"Follow-through\"\n");
    let db = |summary: &str, ai1: (&str, &str)| {
        retro("db-outage", summary, &[("AI-1", ai1.0, ai1.1), ("AI-2", "open", "2026-03-01")])
    };
    repo.write("retros/db.md", &db("The database stopped.", ("open", "2026-02-01")));
    repo.commit("2026-01-06", "alice");
    repo.write("retros/db.md", &db("The database stopped.", ("in-progress", "2026-02-15")));
    repo.commit("2026-01-20", "bob");
    // An edit elsewhere in the file: AI-2's own lines are unchanged.
    repo.write("retros/db.md", &db("The primary database stopped accepting writes.", ("in-progress", "2026-02-15")));
    repo.commit("2026-02-10", "carol");
    repo.write("retros/db.md", &db("The primary database stopped accepting writes.", ("done", "2026-02-15")));
    repo.commit("2026-02-27", "carol");
    // Moved to a year folder, renamed, and the items reordered.
    std::fs::remove_file(repo.path().join("retros/db.md")).unwrap();
    let moved = retro(
        "db-outage",
        "The primary database stopped accepting writes.",
        &[("AI-2", "open", "2026-03-01"), ("AI-1", "done", "2026-02-15")],
    );
    repo.write("retros/2026/db-outage.md", &moved);
    repo.commit("2026-03-01", "dave");
    let api = |status: &str, due: &str| retro("api-errors", "The API failed.", &[("AI-1", status, due)]);
    repo.write("retros/api.md", &api("open", "2026-04-01"));
    repo.commit("2026-03-05", "erin");
    repo.write("retros/api.md", &api("open", "2026-05-01"));
    repo.commit("2026-03-28", "erin");
    repo.write("retros/api.md", &api("in-progress", "2026-06-01"));
    repo.commit("2026-04-25", "frank");
    repo.write("retros/api.md", &api("done", "2026-06-01"));
    repo.commit("2026-05-20", "frank");
    repo
}

fn run(root: &Path, args: &[&str]) -> (String, String) {
    let out = retrobook(root, args).output().unwrap();
    let (stdout, stderr) =
        (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned());
    assert!(out.status.success(), "retrobook {args:?} failed:\n{stdout}\n{stderr}");
    (stdout, stderr)
}

fn actions_json(root: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["actions", "--format", "json", "--today", TODAY];
    args.extend_from_slice(extra);
    serde_json::from_str(&run(root, &args).0).unwrap()
}

/// The item `retro`/`id` of an `actions --format json` list.
fn item<'v>(json: &'v Value, retro: &str, id: &str) -> &'v Value {
    let items = json["action_items"].as_array().unwrap();
    items.iter().find(|i| i["retro"] == retro && i["id"] == id).unwrap_or_else(|| panic!("{retro}/{id} listed"))
}

fn build(root: &Path, extra: &[&str]) -> (PathBuf, String) {
    let out = root.join("site");
    let mut args = vec!["build", "--today", TODAY, "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let stderr = run(root, &args).1;
    (out, stderr)
}

fn page(site: &Path, path: &str) -> String {
    std::fs::read_to_string(site.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn change(date: &str, author: &str, from: &str, to: &str) -> Value {
    serde_json::json!({"date": date, "author": author, "from": from, "to": to})
}

/// A change without its commit id (which depends on the run).
fn without_commit(changes: &Value) -> Vec<Value> {
    let mut list = changes.as_array().unwrap().clone();
    for c in &mut list {
        c.as_object_mut().unwrap().remove("commit");
    }
    list
}

#[test]
fn each_item_has_its_history_in_json() {
    let repo = story();
    let json = actions_json(repo.path(), &[]);
    assert_eq!(json["history"]["available"], true);
    assert_eq!(json["history"]["complete"], true);

    let ai1 = &item(&json, "db-outage", "AI-1")["history"];
    assert_eq!((&ai1["added"]["date"], &ai1["added"]["author"]), (&"2026-01-06".into(), &"alice".into()));
    assert_eq!(without_commit(&ai1["due_changes"]), [change("2026-01-20", "bob", "2026-02-01", "2026-02-15")]);
    // The move, the rename and the reordering are no change of the item.
    assert_eq!(
        without_commit(&ai1["status_changes"]),
        [change("2026-01-20", "bob", "open", "in-progress"), change("2026-02-27", "carol", "in-progress", "done")]
    );
    assert_eq!((&ai1["closed"]["date"], &ai1["closed"]["author"]), (&"2026-02-27".into(), &"carol".into()));
    assert_eq!((&ai1["first_due"], &ai1["last_due"]), (&"2026-02-01".into(), &"2026-02-15".into()));
    assert_eq!((&ai1["days_late_first_due"], &ai1["days_late_last_due"]), (&26.into(), &12.into()));
    assert_eq!((&ai1["slips"], &ai1["days_to_close"]), (&1.into(), &52.into()));
    assert_eq!(ai1["summary"], "added 6 Jan 2026, due moved once, done 27 Feb 2026 — 12 days late");

    // The same item id in another retro is another item.
    let api = &item(&json, "api-errors", "AI-1")["history"];
    assert_eq!((&api["added"]["date"], &api["slips"]), (&"2026-03-05".into(), &2.into()));
    assert_eq!((&api["days_late_first_due"], &api["days_late_last_due"]), (&49.into(), &(-12).into()));
    assert_eq!(api["summary"], "added 5 Mar 2026, due moved twice, done 20 May 2026 — 12 days early");

    // AI-2: the edit elsewhere in its file does not count as touching it.
    let ai2 = &item(&json, "db-outage", "AI-2")["history"];
    assert_eq!(ai2["touched"]["date"], "2026-01-06");
    assert_eq!((&ai2["days_unchanged"], &ai2["stale"]), (&146.into(), &true.into()));
    assert_eq!((&ai2["closed"], &ai2["uncommitted"]), (&Value::Null, &false.into()));
}

#[test]
fn stale_and_slipped_list_the_items_they_name() {
    let repo = story();
    let (stale, _) = run(repo.path(), &["actions", "--stale", "90d", "--today", TODAY]);
    let rows: Vec<&str> = stale.lines().collect();
    assert!(rows[0].contains("UNCHANGED"), "{stale}");
    assert_eq!(rows.len(), 3, "{stale}");
    assert!(rows[1].contains("146d") && rows[1].contains("db-outage") && rows[1].contains("AI-2"), "{stale}");
    // Older than any item's lines: nothing is that stale.
    let (none, _) = run(repo.path(), &["actions", "--stale", "21w", "--today", TODAY]);
    assert_eq!(none, "no action items match\n");

    let (slipped, _) = run(repo.path(), &["actions", "--slipped", "--today", TODAY]);
    let rows: Vec<&str> = slipped.lines().collect();
    assert_eq!(rows.len(), 4, "{slipped}");
    // Most moved first.
    assert!(rows[1].contains("api-errors") && rows[1].contains(" 2 "), "{slipped}");
    assert!(rows[2].contains("db-outage") && rows[2].contains(" 1 "), "{slipped}");
    let json = actions_json(repo.path(), &["--slipped"]);
    let ids: Vec<(&str, &str)> = (json["action_items"].as_array().unwrap().iter())
        .map(|i| (i["retro"].as_str().unwrap(), i["id"].as_str().unwrap()))
        .collect();
    assert_eq!(ids, [("api-errors", "AI-1"), ("db-outage", "AI-1")]);
}

#[test]
fn retro_pages_and_the_follow_through_page_show_the_history() {
    let repo = story();
    let (site, _) = build(repo.path(), &[]);
    let db = page(&site, "retros/db-outage.html");
    assert!(db.contains("added 6 Jan 2026, due moved once, done 27 Feb 2026 — 12 days late"), "{db}");
    assert!(db.contains(">added 6 Jan 2026</small>"), "{db}");
    let api = page(&site, "retros/api-errors.html");
    assert!(api.contains("added 5 Mar 2026, due moved twice, done 20 May 2026 — 12 days early"), "{api}");

    let follow = page(&site, "follow-through.html");
    assert!(page(&site, "index.html").contains("href=\"follow-through.html\""));
    // Opened and closed per month, in the chart's data table.
    for row in ["<td>2026-01</td><td>2</td><td>0</td>", "<td>2026-02</td><td>0</td><td>1</td>"] {
        assert!(follow.contains(row), "{row} in {follow}");
    }
    assert!(follow.contains("<td>2026-03</td><td>1</td><td>0</td>"), "{follow}");
    assert!(follow.contains("<td>2026-05</td><td>0</td><td>1</td>"), "{follow}");
    // Done by the due date: none by the first due, one of two by the last.
    assert!(follow.contains("<td>by the first due</td><td>0%</td><td>0 of 2</td>"), "{follow}");
    assert!(follow.contains("<td>by the last due</td><td>50%</td><td>1 of 2</td>"), "{follow}");
    let slipped = follow.split("id=\"slipped-heading\"").nth(1).unwrap().split("</section>").next().unwrap();
    let first = slipped.find("retros/api-errors.html#AI-1").expect("api item listed");
    let second = slipped.find("retros/db-outage.html#AI-1").expect("db item listed");
    assert!(first < second, "{slipped}");
    let stale = follow.split("id=\"stale-heading\"").nth(1).unwrap().split("</section>").next().unwrap();
    assert!(stale.contains("retros/db-outage.html#AI-2") && stale.contains("146 days"), "{stale}");
    assert!(!stale.contains("#AI-1"), "{stale}");

    // Built again (from the cache now): the same bytes.
    let cache = repo.path().join(".git/retrobook/history-retros.json");
    assert!(cache.is_file(), "the per-commit cache is written in the git folder");
    let before = common::files(&site);
    build(repo.path(), &[]);
    assert!(before == common::files(&site), "a rebuild from the cache differs");
    // Without the cache: the same bytes again.
    std::fs::write(repo.path().join("book.toml"), "[book]\ntitle = \"Follow-through\"\n[history]\ncache = false\n")
        .unwrap();
    std::fs::remove_file(&cache).unwrap();
    build(repo.path(), &[]);
    assert!(before == common::files(&site), "a build without the cache differs");
    assert!(!cache.exists());
}

#[test]
fn a_commit_after_the_cache_is_read_incrementally() {
    let repo = story();
    actions_json(repo.path(), &[]);
    let ai2 = retro(
        "db-outage",
        "The primary database stopped accepting writes.",
        &[("AI-2", "in-progress", "2026-07-01"), ("AI-1", "done", "2026-02-15")],
    );
    repo.write("retros/2026/db-outage.md", &ai2);
    repo.commit("2026-05-30", "gina");
    let json = actions_json(repo.path(), &[]);
    let h = &item(&json, "db-outage", "AI-2")["history"];
    assert_eq!(without_commit(&h["due_changes"]), [change("2026-05-30", "gina", "2026-03-01", "2026-07-01")]);
    assert_eq!((&h["touched"]["date"], &h["stale"]), (&"2026-05-30".into(), &false.into()));
}

/// A cache written by another reading of the retros (another release, or
/// a loader that read the files otherwise) is dropped whole: its snapshots
/// would make every item look edited today, hiding `stale-action`.
#[test]
fn a_cache_of_another_version_is_read_again() {
    let repo = story();
    let fresh = actions_json(repo.path(), &[]);
    assert_eq!(item(&fresh, "db-outage", "AI-2")["history"]["stale"], true);
    let path = repo.path().join(".git/retrobook/history-retros.json");
    let written: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let version = written["version"].as_str().expect("the cache names its version").to_string();
    assert!(version.contains(env!("CARGO_PKG_VERSION")), "{version}");
    // Every item's fields hash as another reading would have made it.
    let mut other = written.clone();
    for entry in other["commits"].as_object_mut().unwrap().values_mut() {
        // A deleted file's snapshot is `null`, left as it is.
        let snaps = entry["files"].as_array_mut().unwrap().iter_mut().filter(|f| !f[1].is_null());
        for file in snaps {
            file[1]["items"].as_array_mut().unwrap().iter_mut().for_each(|item| item["fields"] = 1.into());
        }
    }
    // Under this version, the cache is trusted: every item changed today.
    std::fs::write(&path, other.to_string()).unwrap();
    let trusted = actions_json(repo.path(), &[]);
    assert_eq!(item(&trusted, "db-outage", "AI-2")["history"]["stale"], false, "the tampered cache was read");
    // Under another version, it is dropped and the history read again.
    other["version"] = "retrobook 0.0.1 snapshot 1".into();
    std::fs::write(&path, other.to_string()).unwrap();
    assert_eq!(actions_json(repo.path(), &[]), fresh);
    let rewritten: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(rewritten, written, "the cache is written again under this version");
}

#[test]
fn the_working_tree_wins_and_is_marked() {
    let repo = story();
    let edited = retro(
        "db-outage",
        "The primary database stopped accepting writes.",
        &[("AI-2", "in-progress", "2026-03-01"), ("AI-1", "done", "2026-02-15"), ("AI-3", "open", "2026-09-01")],
    );
    repo.write("retros/2026/db-outage.md", &edited);
    let json = actions_json(repo.path(), &[]);
    let ai2 = &item(&json, "db-outage", "AI-2")["history"];
    assert_eq!(ai2["uncommitted"], true);
    let last = ai2["status_changes"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (&last["date"], &last["to"], &last["uncommitted"]),
        (&TODAY.into(), &"in-progress".into(), &true.into())
    );
    assert_eq!(ai2["stale"], false);
    let ai3 = &item(&json, "db-outage", "AI-3")["history"];
    assert_eq!((&ai3["added"]["date"], &ai3["added"]["uncommitted"]), (&TODAY.into(), &true.into()));
    assert!(ai3["summary"].as_str().unwrap().ends_with("(uncommitted edits)"));
    // Unchanged items are not marked.
    assert_eq!(item(&json, "db-outage", "AI-1")["history"]["uncommitted"], false);
}

#[test]
fn the_stale_action_rule_is_off_by_default_and_points_at_the_item() {
    let repo = story();
    let (_, findings) = common::check_json(repo.path(), &["--today", TODAY]);
    assert!(findings.iter().all(|f| f["rule"] != "stale-action"), "{findings:?}");

    let toml = "[book]\ntitle = \"T\"\n[history]\nstale_days = 120\n[check.rules]\nstale-action = \"error\"\n";
    std::fs::write(repo.path().join("book.toml"), toml).unwrap();
    let (code, findings) = common::check_json(repo.path(), &["--today", TODAY]);
    let stale: Vec<&Value> = findings.iter().filter(|f| f["rule"] == "stale-action").collect();
    assert_eq!(code, 1, "an error-level finding fails the check");
    assert_eq!(stale.len(), 1, "{findings:?}");
    let text = std::fs::read_to_string(repo.path().join("retros/2026/db-outage.md")).unwrap();
    let line = text.lines().position(|l| l == "  - id: AI-2").unwrap() + 1;
    assert_eq!((&stale[0]["file"], &stale[0]["line"]), (&"retros/2026/db-outage.md".into(), &line.into()));
    assert_eq!(stale[0]["severity"], "error");
    let message = stale[0]["message"].as_str().unwrap();
    assert!(message.contains("AI-2") && message.contains("146 days") && message.contains("alice"), "{message}");
    // A longer age than the item's: no finding.
    let (_, findings) = common::check_json(repo.path(), &["--today", "2026-05-05"]);
    assert!(findings.iter().all(|f| f["rule"] != "stale-action"), "{findings:?}");
}

#[test]
fn a_shallow_clone_says_so_and_still_builds() {
    let repo = story();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    let target = clone.path().join("c");
    git_in(clone.path(), &["clone", "-q", "--depth", "1", &url, target.to_str().unwrap()], TODAY, "ci");
    let rule = "[book]\ntitle = \"T\"\n[check.rules]\nstale-action = \"warning\"\n";
    std::fs::write(target.join("book.toml"), rule).unwrap();
    let (site, stderr) = build(&target, &[]);
    assert!(stderr.contains("warning: the git history is shallow") && stderr.contains("fetch-depth: 0"), "{stderr}");
    let json = actions_json(&target, &[]);
    assert_eq!((&json["history"]["available"], &json["history"]["complete"]), (&true.into(), &false.into()));
    let ai2 = &item(&json, "db-outage", "AI-2")["history"];
    assert_eq!(ai2["added"], Value::Null, "added before the shallow history begins");
    assert!(page(&site, "retros/db-outage.html").contains("added before the history begins"));
    assert!(page(&site, "follow-through.html").contains("The history is shallow"));
    // The rule still runs, and never fails for want of history.
    let (_, check) = run(&target, &["check", "--today", TODAY]);
    assert!(check.contains("shallow"), "{check}");
}

#[test]
fn without_git_every_command_goes_on() {
    let repo = story();
    let plain = tempfile::tempdir().unwrap();
    copy_dir(&repo.path().join("retros"), &plain.path().join("retros"));
    std::fs::write(plain.path().join("book.toml"), "[check.rules]\nstale-action = \"error\"\n").unwrap();
    let (site, stderr) = build(plain.path(), &[]);
    assert!(stderr.contains("not in a git repository"), "{stderr}");
    assert!(!site.join("follow-through.html").exists());
    assert!(!page(&site, "retros/db-outage.html").contains("item-history"));
    let json = actions_json(plain.path(), &[]);
    assert_eq!(json["history"]["available"], false);
    assert!(item(&json, "db-outage", "AI-1").get("history").is_none());
    let (stale, stderr) = run(plain.path(), &["actions", "--stale", "--today", TODAY]);
    assert_eq!(stale, "no action items match\n");
    assert!(stderr.contains("need the items' git history"), "{stderr}");
    run(plain.path(), &["check", "--today", TODAY]);
}

#[test]
fn history_can_be_turned_off() {
    let repo = story();
    std::fs::write(repo.path().join("book.toml"), "[history]\nenabled = false\n").unwrap();
    let (site, _) = build(repo.path(), &[]);
    assert!(!site.join("follow-through.html").exists());
    assert!(!page(&site, "index.html").contains("follow-through.html"));
    assert!(actions_json(repo.path(), &[]).get("history").is_none());
    let (site, _) = {
        std::fs::write(repo.path().join("book.toml"), "").unwrap();
        build(repo.path(), &["--no-history"])
    };
    assert!(!site.join("follow-through.html").exists());
    assert!(!repo.path().join(".git/retrobook").exists(), "nothing read, nothing cached");
}

#[test]
fn a_repository_that_never_held_the_retros_has_no_history() {
    let repo = GitRepo::new("");
    repo.commit("2026-01-06", "alice");
    repo.write("retros/db.md", &retro("db-outage", "Untracked.", &[("AI-1", "open", "2026-02-01")]));
    let (site, stderr) = build(repo.path(), &[]);
    assert!(stderr.contains("note: no commit holds a retro under retros yet"), "{stderr}");
    assert!(!site.join("follow-through.html").exists());
    assert_eq!(actions_json(repo.path(), &[])["history"]["available"], false);
}

/// A retro of an incident that started on `started` (a day), with items
/// (id, status, due, completed_at).
fn dated_retro(id: &str, started: &str, items: &[(&str, &str, &str, Option<&str>)]) -> String {
    let mut text = format!(
        "---\nid: {id}\ntitle: Outage {id}\nstatus: draft\nseverity: SEV3\nstarted_at: {started}T10:00:00Z\n\
         authors: [alice]\nsummary: It broke.\naction_items:\n"
    );
    for (item, status, due, completed) in items {
        text +=
            &format!("  - id: {item}\n    title: Fix {item}\n    owner: alice\n    status: {status}\n    due: {due}\n");
        if let Some(day) = completed {
            text += &format!("    completed_at: {day}\n");
        }
    }
    text + "---\nWhat happened.\n"
}

/// A team adopting retrobook: five old retros (2024–2025) come in one
/// commit on 2026-01-10, with a sixth written 21 days after its incident
/// (within `import_days`); then a close, a slip and a new retro.
fn adoption() -> GitRepo {
    let repo = GitRepo::new("[book]\ntitle = \"Adopted\"\n");
    let a = |ai2: &str| {
        let items = [("AI-1", "done", "2024-03-15", Some("2024-03-20")), ("AI-2", ai2, "2024-06-01", None)];
        dated_retro("old-a", "2024-03-10", &items)
    };
    let d = |due: &str| dated_retro("old-d", "2025-07-20", &[("AI-1", "in-progress", due, None)]);
    repo.write("retros/old-a.md", &a("open"));
    repo.write("retros/old-b.md", &dated_retro("old-b", "2024-11-02", &[("AI-1", "done", "2024-12-01", None)]));
    let c = [("AI-1", "wont-do", "2025-05-01", Some("2025-04-01"))];
    repo.write("retros/old-c.md", &dated_retro("old-c", "2025-03-15", &c));
    repo.write("retros/old-d.md", &d("2025-09-01"));
    let e = [("AI-1", "open", "2026-03-01", None), ("AI-2", "done", "2026-01-05", Some("2025-12-28"))];
    repo.write("retros/recent-e.md", &dated_retro("recent-e", "2025-12-20", &e));
    repo.commit("2026-01-10", "importer");
    repo.write("retros/old-a.md", &a("done"));
    repo.commit("2026-02-05", "bob");
    repo.write("retros/old-d.md", &d("2026-04-01"));
    repo.commit("2026-02-20", "carol");
    repo.write("retros/new-f.md", &dated_retro("new-f", "2026-02-27", &[("AI-1", "open", "2026-04-01", None)]));
    repo.commit("2026-03-01", "dave");
    repo
}

/// Every item's history keeps time's order: nothing closed before it was
/// opened, no negative duration.
fn assert_in_order(json: &Value) {
    for item in json["action_items"].as_array().unwrap() {
        let h = &item["history"];
        let (added, closed) = (h["added"]["date"].as_str(), h["closed"]["date"].as_str());
        if let (Some(added), Some(closed)) = (added, closed) {
            assert!(added <= closed, "closed before added: {item}");
        }
        assert!(h["days_to_close"].as_i64().is_none_or(|d| d >= 0), "{item}");
    }
}

#[test]
fn an_import_is_dated_from_its_incidents_in_json() {
    let repo = adoption();
    let json = actions_json(repo.path(), &[]);
    assert_in_order(&json);
    let h = |retro: &str, id: &str| item(&json, retro, id)["history"].clone();
    // Imported already done, with completed_at: opened at the incident.
    let a1 = h("old-a", "AI-1");
    assert_eq!((&a1["added"]["date"], &a1["added"]["commit"]), (&"2024-03-10".into(), &"".into()));
    assert_eq!((&a1["came_in"]["date"], &a1["came_in"]["author"]), (&"2026-01-10".into(), &"importer".into()));
    assert_eq!((&a1["imported"], &a1["closed"]["date"]), (&true.into(), &"2024-03-20".into()));
    assert_eq!((&a1["days_to_close"], &a1["days_late_last_due"]), (&10.into(), &5.into()));
    assert_eq!(a1["summary"], "imported 10 Jan 2026, done 20 Mar 2024 — 5 days late");
    // Imported open, closed by a later commit: from the incident to that commit.
    let a2 = h("old-a", "AI-2");
    assert_eq!((&a2["closed"]["date"], &a2["closed"]["author"]), (&"2026-02-05".into(), &"bob".into()));
    assert_eq!(a2["days_to_close"], 697);
    assert_eq!(a2["summary"], "imported 10 Jan 2026, done 5 Feb 2026 — 614 days late");
    // Imported done without completed_at: when it was closed is not known.
    let b1 = h("old-b", "AI-1");
    assert_eq!(
        (&b1["closed"], &b1["days_to_close"], &b1["days_late_last_due"]),
        (&Value::Null, &Value::Null, &Value::Null)
    );
    assert_eq!(b1["summary"], "imported 10 Jan 2026, already done when imported");
    let c1 = h("old-c", "AI-1");
    assert_eq!((&c1["days_to_close"], &c1["summary"]), (&17.into(), &"imported 10 Jan 2026, closed 1 Apr 2025".into()));
    // The slip of an imported item is a slip.
    let d1 = h("old-d", "AI-1");
    assert_eq!(without_commit(&d1["due_changes"]), [change("2026-02-20", "carol", "2025-09-01", "2026-04-01")]);
    assert_eq!(d1["summary"], "imported 10 Jan 2026, due moved once");
    // Committed 21 days after its incident: not an import. Its open item is
    // opened by the commit; its item already done, by the incident.
    let e1 = h("recent-e", "AI-1");
    assert_eq!(
        (&e1["added"]["date"], &e1["came_in"], &e1["imported"]),
        (&"2026-01-10".into(), &Value::Null, &false.into())
    );
    let e2 = h("recent-e", "AI-2");
    assert_eq!(
        (&e2["added"]["date"], &e2["imported"], &e2["days_to_close"]),
        (&"2025-12-20".into(), &false.into(), &8.into())
    );
    assert_eq!(e2["summary"], "committed 10 Jan 2026, done 28 Dec 2025 — 8 days early");
    // The new retro's item: added by its commit.
    let f1 = h("new-f", "AI-1");
    assert_eq!(
        (&f1["added"]["date"], &f1["added"]["author"], &f1["came_in"]),
        (&"2026-03-01".into(), &"dave".into(), &Value::Null)
    );
    assert_eq!(f1["summary"], "added 1 Mar 2026");
}

#[test]
fn an_import_reads_honestly_on_the_retro_pages_and_the_follow_through_page() {
    let repo = adoption();
    let (site, _) = build(repo.path(), &[]);
    let old = page(&site, "retros/old-a.html");
    assert!(old.contains(">imported 10 Jan 2026, done 20 Mar 2024 — 5 days late</small>"), "{old}");
    assert!(!old.contains("added 10 Jan 2026"), "{old}");
    assert!(page(&site, "retros/old-b.html").contains(">imported 10 Jan 2026, already done when imported</small>"));
    assert!(page(&site, "retros/new-f.html").contains(">added 1 Mar 2026</small>"));

    let follow = page(&site, "follow-through.html");
    let said = "5 items came in through an import (with their retro, first committed more than 30 days after the \
                incident), and 1 more was first committed already closed";
    assert!(follow.contains(said), "{follow}");
    // Opened per month: at each incident, not at the import.
    for row in [
        "<td>2024-03</td><td>2</td><td>1</td>",
        "<td>2025-12</td><td>1</td><td>1</td>",
        "<td>2026-01</td><td>1</td><td>0</td>",
        "<td>2026-02</td><td>0</td><td>1</td>",
        "<td>2026-03</td><td>1</td><td>0</td>",
    ] {
        assert!(follow.contains(row), "{row} in {follow}");
    }
    // The medians: 8, 10, 17 and 697 days, none negative.
    assert!(follow.contains("<td>none</td><td>14</td><td>4</td>"), "{follow}");
    let medians = follow.split("id=\"chart-close-priority\"").nth(1).unwrap().split("id=\"slipped").next().unwrap();
    assert!(!medians.contains("<td>-"), "{medians}");
    // The legend's swatches have their colours.
    assert!(follow.contains("<span class=\"swatch opened\"") && follow.contains("<span class=\"swatch closed\""));
    let css = std::fs::read_to_string(site.join("static/style.css")).unwrap();
    assert!(css.contains(".swatch.opened { background: var(--s2); }"), "the opened swatch is coloured");
    assert!(css.contains(".swatch.closed { background: var(--ok); }"), "the closed swatch is coloured");
}

/// `retrobook import` then `build` before any commit: the retros the
/// working tree adds are an import too, dated from their incidents.
#[test]
fn an_import_not_yet_committed_is_dated_from_its_incident() {
    let repo = adoption();
    let items = [("AI-1", "done", "2024-09-01", Some("2024-08-20")), ("AI-2", "open", "2024-10-01", None)];
    repo.write("retros/old-g.md", &dated_retro("old-g", "2024-08-01", &items));
    let json = actions_json(repo.path(), &[]);
    assert_in_order(&json);
    let g1 = &item(&json, "old-g", "AI-1")["history"];
    assert_eq!(
        (&g1["added"]["date"], &g1["imported"], &g1["days_to_close"]),
        (&"2024-08-01".into(), &true.into(), &19.into())
    );
    assert_eq!((&g1["came_in"]["date"], &g1["came_in"]["uncommitted"]), (&TODAY.into(), &true.into()));
    assert_eq!(g1["summary"], "imported 1 Jun 2026, done 20 Aug 2024 — 12 days early (uncommitted edits)");
    let g2 = &item(&json, "old-g", "AI-2")["history"];
    assert_eq!((&g2["added"]["date"], &g2["imported"]), (&"2024-08-01".into(), &true.into()));
}

mod random_histories {
    //! Random commit sequences (whole retros committed long after their
    //! incident with items already closed, items added later, edits,
    //! closes, reopenings, slips, author dates out of order, an uncommitted
    //! edit, a `--today` before the last commit): whatever happened, no item
    //! is closed before it was opened and no duration is negative.

    use super::*;
    use chrono::{Days, NaiveDate};
    use proptest::prelude::*;

    const STATUSES: [&str; 4] = ["open", "in-progress", "done", "wont-do"];

    /// A day from 2023-06-01 on.
    fn day(offset: u64) -> String {
        let start = NaiveDate::from_ymd_opt(2023, 6, 1).unwrap();
        (start + Days::new(offset)).format("%Y-%m-%d").to_string()
    }

    /// One item's state: status, due and completed_at, as day offsets.
    type State = (usize, u64, Option<u64>);

    /// What a step writes: retro `r`'s item `i` (3: the whole retro at
    /// once, every item with the same state), then a commit on `date`
    /// (none for the last step when `uncommitted`).
    #[derive(Debug, Clone)]
    struct Step {
        r: usize,
        i: usize,
        state: State,
        date: u64,
    }

    fn step() -> impl Strategy<Value = Step> {
        let state = (0..STATUSES.len(), 0..1200u64, proptest::option::of(0..1200u64));
        (0..3usize, 0..4usize, state, 0..1200u64).prop_map(|(r, i, state, date)| Step { r, i, state, date })
    }

    fn write(repo: &GitRepo, r: usize, started: u64, items: &[Option<State>; 3]) {
        let id = format!("r{r}");
        let started = day(started);
        let items: Vec<(String, &str, String, Option<String>)> = (items.iter().enumerate())
            .filter_map(|(i, s)| s.map(|(st, due, done)| (format!("AI-{i}"), STATUSES[st], day(due), done.map(day))))
            .collect();
        let items: Vec<(&str, &str, &str, Option<&str>)> =
            items.iter().map(|(i, s, due, done)| (i.as_str(), *s, due.as_str(), done.as_deref())).collect();
        repo.write(&format!("retros/{id}.md"), &dated_retro(&id, &started, &items));
    }

    proptest! {
        // git and the binary run per case: a few cases, each a whole story.
        #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn no_item_is_closed_before_it_was_opened(
            starts in proptest::collection::vec(0..1200u64, 3),
            steps in proptest::collection::vec(step(), 1..7),
            uncommitted in any::<bool>(),
            today in 0..1300u64,
        ) {
            let repo = GitRepo::new("[book]\ntitle = \"Random\"\n");
            let mut retros: [[Option<State>; 3]; 3] = Default::default();
            for (n, s) in steps.iter().enumerate() {
                match s.i {
                    3 => retros[s.r] = [Some(s.state); 3],
                    i => retros[s.r][i] = Some(s.state),
                }
                write(&repo, s.r, starts[s.r], &retros[s.r]);
                if !(uncommitted && n + 1 == steps.len()) {
                    repo.commit(&day(s.date), "someone");
                }
            }
            let today = day(today);
            let out = run(repo.path(), &["actions", "--format", "json", "--today", &today]).0;
            let json: Value = serde_json::from_str(&out).unwrap();
            assert_in_order(&json);
            for item in json["action_items"].as_array().unwrap() {
                let h = &item["history"];
                let Some(added) = h["added"]["date"].as_str() else { continue };
                let changes = h["status_changes"].as_array().unwrap().iter().chain(h["due_changes"].as_array().unwrap());
                for at in changes.map(|c| &c["date"]).chain([&h["came_in"]["date"], &h["touched"]["date"]]) {
                    prop_assert!(at.as_str().is_none_or(|at| added <= at), "{item}");
                }
            }
        }
    }
}
