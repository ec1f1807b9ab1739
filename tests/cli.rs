//! The author's commands: `init`, `new`, `actions`, `schema`, `completions`.

mod common;

use common::*;
use std::path::Path;

fn run_in(dir: &Path, args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("retrobook")
        .unwrap()
        .current_dir(dir)
        .env("RETROBOOK_AUTHOR", "alice")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn init_scaffolds_a_repo_that_checks_and_builds() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_in(dir.path(), &["init", "book"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let book = dir.path().join("book");
    assert!(book.join("book.toml").is_file() && book.join(".gitignore").is_file());
    assert!(std::fs::read_to_string(book.join(".gitignore")).unwrap().contains("/site/"));
    let retros: Vec<_> = std::fs::read_dir(book.join("retros")).unwrap().collect();
    assert_eq!(retros.len(), 1);

    let (code, findings) = check_json(&book, &[]);
    assert_eq!((code, findings.len()), (0, 0), "the example is clean: {findings:#?}");
    assert!(run_in(&book, &["build", "-q"]).status.success());
    assert!(book.join("site/index.html").is_file());

    let again = run_in(dir.path(), &["init", "book"]);
    assert_eq!(again.status.code(), Some(2), "refuses a folder with a book.toml");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already has a book.toml"));
}

#[test]
fn new_writes_a_dated_slugged_draft_and_never_overwrites() {
    let repo = temp_repo("[retro]\nseverities = [\"SEV1\", \"SEV2\", \"SEV3\"]\n", &[]);
    let root = repo.path();
    let out =
        run_in(root, &["new", "Checkout: 502s after \"deploy\" #42", "--date", "2026-11-20", "--severity", "SEV1"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(printed.ends_with("retros/2026-11-20-checkout-502s-after-deploy-42.md"), "{printed}");
    let text = std::fs::read_to_string(&printed).unwrap();
    assert!(text.contains("title: \"Checkout: 502s after \\\"deploy\\\" #42\""), "{text}");
    assert!(
        text.contains("severity: SEV1") && text.contains("started_at: 2026-11-20") && text.contains("authors: [alice]")
    );
    let (code, findings) = check_json(root, &[]);
    assert_eq!((code, findings.len()), (0, 0), "a new draft checks clean: {findings:#?}");
    // The response keys are written commented; uncommented, they load clean
    // (the observation that went poorly needs an item naming it).
    for key in ["# roles:", "# detection:", "# response:"] {
        assert!(text.contains(key), "{key} in {text}");
    }
    let front = text.split("\n---").next().unwrap();
    let uncommented: String = front
        .lines()
        .map(|l| l.strip_prefix("# ").filter(|r| is_yaml_key(r)))
        .zip(front.lines())
        .map(|(u, l)| format!("{}\n", u.unwrap_or(l)))
        .collect::<String>()
        .replace("factors: [first-factor]", "factors: [first-factor, first-observation]")
        // The commented `service_impact` example names `checkout`.
        .replace("services: []", "services: [checkout]");
    let filled = text.replacen(front, uncommented.trim_end(), 1);
    assert!(filled.contains("\nroles:\n  incident_commander: alice\n") && filled.contains("\nresponse:\n"), "{filled}");
    std::fs::write(&printed, &filled).unwrap();
    let (code, findings) = check_json(root, &[]);
    assert_eq!((code, findings.len()), (0, 0), "the response keys uncommented: {findings:#?}\n{filled}");

    std::fs::write(&printed, "mine").unwrap();
    let again = run_in(root, &["new", "Checkout: 502s after \"deploy\" #42", "--date", "2026-11-20"]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&printed).unwrap(), "mine", "never overwritten");

    let bad = run_in(root, &["new", "X", "--severity", "SEV9"]);
    assert_eq!(bad.status.code(), Some(2));
}

/// `key: …` or `- key: …`, as opposed to a comment's prose.
fn is_yaml_key(line: &str) -> bool {
    let line = line.trim_start().trim_start_matches("- ");
    line.split_once(':').is_some_and(|(k, _)| !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
}

#[test]
fn new_uses_the_repos_template_dir_and_year_folders() {
    let repo = temp_repo(
        "",
        &[
            ("retros/2025/old.md", valid_retro("Old").as_bytes()),
            ("templates/retro.md", b"---\ntitle: {{ title }}\n---\nOur own template, {{ date }}.\n"),
        ],
    );
    let root = repo.path();
    let out = run_in(root, &["new", "Disk full", "--date", "2026-02-03"]);
    let path = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(path.ends_with("retros/2026/2026-02-03-disk-full.md"), "files by year like the repo: {path}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "---\ntitle: \"Disk full\"\n---\nOur own template, 2026-02-03.\n"
    );
    let out = run_in(root, &["new", "Elsewhere", "--dir", "retros/misc", "--date", "2026-02-03"]);
    assert!(String::from_utf8_lossy(&out.stdout).trim().ends_with("retros/misc/2026-02-03-elsewhere.md"));
}

#[test]
fn actions_lists_filters_and_formats() {
    let root = fixture("clean");
    let out = retrobook(&root, &["actions", "--today", "2026-11-27"]).output().unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("DUE") && lines[0].contains("OWNER") && lines[0].contains("TITLE"), "{table}");
    assert_eq!(lines.len(), 1 + 3 + 1, "{table}");
    // Columns line up: every row has OWNER where the header has it.
    let owner_col = lines[0].find("OWNER").unwrap();
    assert!(lines[1..4].iter().all(|l| l[owner_col - 2..owner_col].trim().is_empty()), "{table}");

    let json = |args: &[&str]| -> Vec<serde_json::Value> {
        let mut all = vec!["actions", "--format", "json", "--today", "2027-06-01"];
        all.extend_from_slice(args);
        let out = retrobook(&root, &all).output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["action_items"].as_array().unwrap().clone()
    };
    assert_eq!(json(&[]).len(), 3);
    assert_eq!(json(&["--owner", "sre"]).len(), 1);
    assert_eq!(json(&["--service", "checkout"]).len(), 2);
    assert_eq!(json(&["--status", "done"]).len(), 1);
    assert_eq!(json(&["--status", "open,in-progress"]).len(), 2);
    let overdue = json(&["--overdue"]);
    assert_eq!(overdue.len(), 2, "judged against --today 2027-06-01");
    assert!(overdue.iter().all(|a| a["overdue"] == true));
    assert!(!table.contains("OVERDUE") && table.contains("3 action items, 0 overdue"), "{table}");

    let out = retrobook(&root, &["actions", "--format", "csv", "--today", "2027-06-01", "--overdue"]).output().unwrap();
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(csv.starts_with("retro,id,title,owner,status,overdue"));
    assert_eq!(csv.lines().count(), 3);
}

/// An unknown `--status` word is a usage error naming it and the accepted
/// ones, not an empty list; lists, spaces and repeats still work.
#[test]
fn actions_refuse_an_unknown_status() {
    let root = fixture("clean");
    for bad in ["bogus", "any", "open,bogus", "Open"] {
        let out = retrobook(&root, &["actions", "--status", bad]).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad}: {stderr}");
        assert!(out.stdout.is_empty(), "{bad}");
        let word = bad.rsplit(',').next().unwrap();
        assert!(stderr.contains(&format!("'{word}'")), "{bad}: {stderr}");
        for accepted in ["open", "in-progress", "done", "wont-do", "pending"] {
            assert!(stderr.contains(accepted), "{bad}: {stderr}");
        }
    }
    let count = |args: &[&str]| {
        let mut all = vec!["actions", "--format", "json", "--today", "2027-06-01"];
        all.extend_from_slice(args);
        let out = retrobook(&root, &all).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["action_items"].as_array().unwrap().len()
    };
    assert_eq!(count(&["--status", "open, in-progress"]), 2);
    assert_eq!(count(&["--status", "open", "--status", "in-progress"]), 2);
    assert_eq!(count(&["--status", "pending"]), 2);
    assert_eq!(count(&["--status", "done,wont-do"]), 1);
}

/// `actions --overdue` judges a quarter (`2026-Q4`) and a month
/// (`2027-01`) on their last day, and shows them as written.
#[test]
fn actions_judge_coarse_due_periods_on_their_end() {
    let root = fixture("clean");
    let overdue = |today: &str| -> Vec<(String, String, String)> {
        let args = ["actions", "--format", "json", "--overdue", "--today", today];
        let out = retrobook(&root, &args).output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let items = v["action_items"].as_array().unwrap();
        let field = |a: &serde_json::Value, k: &str| a[k].as_str().unwrap().to_string();
        items.iter().map(|a| (field(a, "retro"), field(a, "due"), field(a, "due_end"))).collect()
    };
    assert_eq!(overdue("2026-12-31"), [], "the last day of 2026-Q4 is not late yet");
    let quarter = ("inc-101-cache-failover".to_string(), "2026-Q4".to_string(), "2026-12-31".to_string());
    assert_eq!(overdue("2027-01-01"), std::slice::from_ref(&quarter));
    let month = ("2025-11-02-cache-warmup".to_string(), "2027-01".to_string(), "2027-01-31".to_string());
    assert_eq!(overdue("2027-01-31"), std::slice::from_ref(&quarter));
    assert_eq!(overdue("2027-02-01"), [quarter, month], "oldest period end first");

    let out = retrobook(&root, &["actions", "--today", "2027-01-15"]).output().unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.lines().any(|l| l.starts_with("2026-Q4") && l.contains("OVERDUE")), "{table}");
    assert!(table.lines().any(|l| l.starts_with("2027-01 ") && !l.contains("OVERDUE")), "{table}");
    let out = retrobook(&root, &["actions", "--format", "csv", "--today", "2027-01-15"]).output().unwrap();
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(csv.lines().next().unwrap().ends_with(",due_end"), "{csv}");
    let row = csv.lines().find(|l| l.contains("2026-Q4")).expect("the quarter's row");
    assert!(row.contains(",yes,2026-Q4,") && row.ends_with(",2026-12-31"), "{row}");
}

#[test]
fn schema_is_valid_and_accepts_the_repos_retros() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = retrobook(repo, &["schema"]).output().unwrap();
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(jsonschema::meta::is_valid(&schema), "a valid JSON Schema");
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut checked = 0;
    for root in [repo.to_path_buf(), fixture("clean"), fixture("tracker")] {
        for entry in walkdir::WalkDir::new(root.join("retros")).into_iter().map(|e| e.unwrap()) {
            if entry.path().extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let yaml = text.split("\n---").next().unwrap().trim_start_matches("---");
            let value: serde_json::Value = serde_saphyr::from_str(yaml).unwrap();
            let errors: Vec<String> =
                validator.iter_errors(&value).map(|e| format!("{} at {}", e, e.instance_path())).collect();
            assert!(errors.is_empty(), "{}: {errors:?}", entry.path().display());
            checked += 1;
        }
    }
    assert!(checked >= 14);
    let bad: serde_json::Value = serde_json::json!({"title": "x", "status": "publishd", "severity": "SEV9", "started_at": "yesterday", "authors": ["a"], "colour": 1});
    assert!(validator.iter_errors(&bad).count() >= 4, "unknown key, bad enum, bad severity, bad date");
    // The new forms: accepted when well formed, refused when not.
    let retro = |extra: serde_json::Value| {
        let mut v = serde_json::json!({"title": "x", "status": "draft", "severity": "SEV2", "authors": ["a"],
            "started_at": {"at": "2026-03-01T23:30:00Z", "approximate": true}});
        v.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        validator.iter_errors(&v).count()
    };
    let item = |due: &str| serde_json::json!({"action_items": [{"id": "A", "title": "t", "owner": "o", "status": "open", "due": due}]});
    let entry = |at: &str| serde_json::json!({"timeline": [{"at": at, "until": "2019-07", "event": "e"}]});
    for ok in [item("2026-Q1"), item("2026-03"), item("2026-03-31"), entry("2019"), entry("2019-06")] {
        assert_eq!(retro(ok.clone()), 0, "{ok}");
    }
    let bad_clock = serde_json::json!({"detected_at": {"at": "2026-03-01T23:30:00Z", "aproximate": true}});
    for bad in [item("2026-Q5"), item("2026-13"), entry("2019-13"), entry("June"), bad_clock] {
        assert!(retro(bad.clone()) > 0, "{bad}");
    }
    let link = |link: &str| serde_json::json!({"action_items": [{"id": "A", "title": "t", "owner": "o", "status": "open", "link": link}]});
    for key in ["STOR-612", "acme/api#12", "https://x.example/browse/STOR-1"] {
        assert_eq!(retro(link(key)), 0, "{key}");
    }
    for bad in ["the ops board", "STOR-", "acme#12"] {
        assert!(retro(link(bad)) > 0, "{bad}");
    }
}

#[test]
fn completions_for_shells() {
    for shell in ["bash", "zsh", "fish"] {
        let out = assert_cmd::Command::cargo_bin("retrobook").unwrap().args(["completions", shell]).output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("retrobook") && text.contains("check"), "{shell}");
    }
}

/// Run `retrobook ARGS` with stdout on a real pipe, read `keep` bytes the way
/// `| head` does, then close the pipe while the program still has output.
fn run_with_pipe_closed_early(root: &Path, args: &[&str], keep: usize) -> std::process::Output {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("retrobook"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = vec![0; keep];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_stdout_pipe_ends_the_run_quietly() {
    // Far more output than a pipe buffers (64 KiB), so the writer is still
    // writing when the reader goes away.
    let files: Vec<(String, Vec<u8>)> = (0..900)
        .map(|i| {
            let text = valid_retro(&format!("Outage number {i}")).replace("status: published", "status: publishd");
            (format!("retros/r{i:04}.md"), text.into_bytes())
        })
        .collect();
    let files: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (p.as_str(), b.as_slice())).collect();
    let repo = temp_repo("[book]\ntitle = \"Pipes\"\n", &files);
    for args in [
        &["actions", "--today", "2026-11-27"][..],
        &["actions", "--format", "json", "--today", "2026-11-27"],
        &["check", "--today", "2026-11-27"],
        &["check", "--format", "json", "--today", "2026-11-27"],
    ] {
        let out = run_with_pipe_closed_early(repo.path(), args, 100);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panic") && !stderr.contains("error"), "{args:?}: {stderr}");
    }
    // Without the early close the same check fails on the findings.
    let out = retrobook(repo.path(), &["check", "--today", "2026-11-27"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.len() > 100_000, "enough output to fill the pipe: {}", out.stdout.len());
}

/// The install files agree with each other: the Action downloads the
/// archives the release workflow publishes (same names, same targets), and
/// the profile the workflow and the Dockerfile build with exists.
#[test]
fn the_action_release_workflow_and_dockerfile_agree() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read_to_string(repo.join(p)).unwrap();
    let (action, release, docker, cargo) =
        (read("action.yml"), read(".github/workflows/release.yml"), read("Dockerfile"), read("Cargo.toml"));
    let action_yaml: serde_json::Value = serde_saphyr::from_str(&action).expect("action.yml is YAML");
    let release_yaml: serde_json::Value = serde_saphyr::from_str(&release).expect("release.yml is YAML");
    assert_eq!(action_yaml["runs"]["using"], "composite");
    let run = action_yaml["runs"]["steps"][1]["run"].as_str().unwrap();
    assert!(run.contains("retrobook check --format github") && run.contains("--format sarif"), "{run}");
    // Archive names: retrobook-<tag>-<target>.<ext>, with a .sha256 beside.
    assert!(action.contains(r#"name="retrobook-$ACTION_REF-$target.$archive""#));
    assert!(action.contains(r#"curl -fsSL -o "$name.sha256" "$url/$name.sha256""#));
    assert!(release.contains("NAME: retrobook-${{ github.ref_name }}-${{ matrix.target }}"));
    assert!(release.contains(r#"> "$NAME.$ARCHIVE.sha256""#));
    for entry in release_yaml["jobs"]["build"]["strategy"]["matrix"]["include"].as_array().unwrap() {
        let (target, archive) = (entry["target"].as_str().unwrap(), entry["archive"].as_str().unwrap());
        assert!(action.contains(&format!("target={target}; archive={archive}")), "{target} is not in action.yml");
    }
    for build in [&release, &docker] {
        assert!(build.contains("--profile dist"));
    }
    assert!(cargo.contains("[profile.dist]\ninherits = \"release\""));
    assert!(docker.contains(":nonroot") && docker.contains("AS build"), "multi-stage, non-root");
}

/// Nouns that follow a count somewhere in the site or the terminal.
const COUNTED: &[&str] = &[
    "days",
    "weeks",
    "months",
    "items",
    "action items",
    "retros",
    "retrospectives",
    "errors",
    "warnings",
    "findings",
    "files",
    "actions",
    "incidents",
    "owners",
    "teams",
    "services",
    "factors",
    "results",
    "near misses",
    "times",
];

/// Every `1 <plural noun>` in `text`, as whole words (`11 days` and
/// `1 daysy` do not count).
fn ones_with_plurals(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for noun in COUNTED {
        let needle = format!("1 {noun}");
        for (at, _) in text.match_indices(&needle) {
            let before = text[..at].chars().next_back();
            let after = text[at + needle.len()..].chars().next();
            if !before.is_some_and(|c| c.is_alphanumeric() || c == '.') && !after.is_some_and(char::is_alphanumeric) {
                found.push(needle.clone());
            }
        }
    }
    found
}

/// A repo with one retro whose one action item is one day overdue: every
/// count on the site and in the terminal is 1, and each says so in the
/// singular.
#[test]
fn counts_of_one_are_singular() {
    let retro = valid_retro("Cache failover").replace("due: 2027-01-01", "due: 2026-11-26");
    let repo = temp_repo("", &[("retros/2026-03-01-cache.md", retro.as_bytes())]);
    let out_dir = repo.path().join("site");
    let out = retrobook(repo.path(), &["build", "--today", "2026-11-27", "--out", out_dir.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("built 1 retro ("), "{stderr}");
    let page = |path: &str| std::fs::read_to_string(out_dir.join(path)).unwrap();
    let singular = [
        ("index.html", "retrospective</span>"),
        ("index.html", "open action item</span>"),
        ("index.html", "All 1 retrospective<"),
        ("accountability.html", "1 open action item,"),
        ("accountability.html", "1 day<"),
        ("owners/alice.html", "(the oldest 1 day)"),
        ("owners/alice.html", "1 action item in all"),
        ("retros/index.html", "1 retrospective, newest first"),
        ("actions.html", "1 action item across 1 retrospective."),
        ("insights.html", "Patterns across 1 retrospective."),
        ("insights.html", "All 1 incident with a start date"),
        ("insights.html", "All 1 action item by where they stand"),
    ];
    for (path, text) in singular {
        assert!(page(path).contains(text), "{path} lacks {text:?}");
    }
    for (path, bytes) in files(&out_dir) {
        let found = ones_with_plurals(&String::from_utf8_lossy(&bytes));
        assert!(found.is_empty(), "{path}: {found:?}");
    }

    let out = retrobook(repo.path(), &["actions", "--today", "2026-11-27"]).output().unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("1 action item, 1 overdue\n"), "{table}");
    let out = retrobook(repo.path(), &["check", "--today", "2026-11-27"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("checked 1 retro in"), "{stderr}");
    assert!(stderr.contains("0 errors, 1 warning in 1 file"), "{stderr}");
}

/// No `1 days`-style count anywhere in the sites of the example retros and
/// the fixtures.
#[test]
fn no_count_of_one_takes_a_plural() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for repo in [root.to_path_buf(), fixture("clean"), fixture("long-span"), fixture("tracker")] {
        let out_dir = tempfile::tempdir().unwrap();
        let args = ["build", "-q", "--allow-errors", "--today", "2026-11-27", "--out"];
        let out = retrobook(&repo, &args).arg(out_dir.path().join("site")).output().unwrap();
        assert!(out.status.success(), "{}: {}", repo.display(), String::from_utf8_lossy(&out.stderr));
        for (path, bytes) in files(&out_dir.path().join("site")) {
            let found = ones_with_plurals(&String::from_utf8_lossy(&bytes));
            assert!(found.is_empty(), "{}: {path}: {found:?}", repo.display());
        }
    }
    assert_eq!(ones_with_plurals("1 days, 11 days, 0.1 days, 1 dayss, 1 action items"), ["1 days", "1 action items"]);
}
