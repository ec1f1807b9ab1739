//! Tracker exports: action items compared with their tickets in Jira CSV,
//! `gh issue list --json` and Linear CSV exports (tests/fixtures/tracker).

mod common;

use common::{check_json, copy_dir, fixture, retrobook};
use serde_json::Value;
use std::path::Path;

/// The fixture copied into a temporary folder, with `book.toml` replaced.
fn repo_with(book_toml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("tracker"), dir.path());
    std::fs::write(dir.path().join("book.toml"), book_toml).unwrap();
    dir
}

/// (rule, line, message) of each finding.
fn summary(findings: &[Value]) -> Vec<(String, u64, String)> {
    findings
        .iter()
        .map(|f| {
            (f["rule"].as_str().unwrap().into(), f["line"].as_u64().unwrap(), f["message"].as_str().unwrap().into())
        })
        .collect()
}

fn export(name: &str) -> String {
    fixture("tracker").join("tracker").join(name).display().to_string()
}

#[test]
fn jira_and_github_exports_from_book_toml_find_each_disagreement() {
    let (code, findings) = check_json(&fixture("tracker"), &[]);
    assert_eq!(code, 0, "warnings only: {findings:#?}");
    let expected = [
        ("tracker-mismatch", 17, "AI-1 is `open` but the tracker says STOR-612 is done (`Done`) since 2026-03-14"),
        ("tracker-mismatch", 24, "AI-2 is `done` but the tracker says STOR-613 is open (`In Review`)"),
        ("tracker-missing", 42, "AI-4 names STOR-999, which is in none of the tracker exports"),
        (
            "tracker-mismatch",
            46,
            "AI-5 is `in-progress` but the tracker says acme/api#41 is done (`CLOSED`) since 2026-03-20",
        ),
    ];
    let expected: Vec<(String, u64, String)> =
        expected.iter().map(|(r, l, m)| (r.to_string(), *l, m.to_string())).collect();
    assert_eq!(summary(&findings), expected);
    // Mismatches point at the value of `status:`, a missing ticket at `link:`.
    assert_eq!(findings[0]["column"], 13);
    assert_eq!(findings[2]["column"], 11);
    assert!(findings.iter().all(|f| f["severity"] == "warning"));
}

#[test]
fn a_linear_export_on_the_command_line_adds_its_tickets() {
    let (_, findings) = check_json(&fixture("tracker"), &["--tracker", &export("linear.csv")]);
    let linear: Vec<_> = summary(&findings).into_iter().filter(|(_, _, m)| m.contains("ENG-")).collect();
    // ENG-7 was canceled while the item is open; ENG-8 is done on both sides.
    assert_eq!(
        linear,
        [(
            "tracker-mismatch".to_string(),
            60,
            "AI-7 is `open` but the tracker says ENG-7 is wont-do (`Canceled`) since 2026-03-18".to_string()
        )]
    );
}

#[test]
fn without_exports_ticket_keys_are_valid_links_and_nothing_is_compared() {
    let repo = repo_with("[book]\ntitle = \"t\"\n");
    let (code, findings) = check_json(repo.path(), &[]);
    assert_eq!((code, findings.len()), (0, 0), "{findings:#?}");
    // A link that is neither a URL nor a key is still rejected.
    let retro = repo.path().join("retros/2026-03-01-pool.md");
    let text = std::fs::read_to_string(&retro).unwrap().replace("link: OPS-1", "link: the ops board");
    std::fs::write(&retro, text).unwrap();
    let (code, findings) = check_json(repo.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(summary(&findings)[0].0, "invalid-value");
    assert!(summary(&findings)[0].2.contains("not an http(s) URL or a ticket key"), "{findings:#?}");
}

#[test]
fn tracker_rule_levels_are_configurable() {
    let toml = "[tracker]\nexports = [\"tracker/jira.csv\"]\n[check.rules]\ntracker-mismatch = \"error\"\n\
                tracker-missing = \"off\"\n";
    let repo = repo_with(toml);
    let (code, findings) = check_json(repo.path(), &[]);
    assert_eq!(code, 1, "a mismatch at error level fails the check");
    let rules: Vec<_> =
        findings.iter().map(|f| (f["rule"].as_str().unwrap(), f["severity"].as_str().unwrap())).collect();
    assert_eq!(rules, [("tracker-mismatch", "error"), ("tracker-mismatch", "error")]);
}

#[test]
fn status_names_can_be_mapped_per_repo() {
    // With "In Review" counted as done, STOR-613 agrees with its done item.
    let toml = "[tracker]\nexports = [\"tracker/jira.csv\"]\n[tracker.statuses]\n\"in review\" = \"done\"\n";
    let repo = repo_with(toml);
    let (_, findings) = check_json(repo.path(), &[]);
    assert!(!summary(&findings).iter().any(|(_, _, m)| m.contains("STOR-613")), "{findings:#?}");
    assert_eq!(summary(&findings).len(), 2, "{findings:#?}");
}

/// Run `check` with one bad export; its exit code and stderr.
fn check_with_export(name: &str, content: &str) -> (i32, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    let out = retrobook(&fixture("tracker"), &["check", "--tracker", path.to_str().unwrap()]).output().unwrap();
    (out.status.code().unwrap(), String::from_utf8_lossy(&out.stderr).into_owned(), dir)
}

#[test]
fn bad_exports_stop_the_run_naming_file_and_line() {
    let cases = [
        ("jira.csv", "Summary,Issue key,Priority\nx,STOR-1,High\n", ":1:1: the export has no \"Status\" column"),
        ("other.csv", "a,b\n1,2\n", ":1:1: not a Jira or Linear CSV export"),
        ("issues.json", "{\"issues\": []}", ":1:1: invalid type: map, expected a sequence;"),
        (
            "issues.json",
            "[\n  {\"url\": \"https://github.com/a/b/issues/1\", \"state\": \"OPEN\"},\n  {\"url\": \"x\"}\n]\n",
            ":3:",
        ),
        ("jira.csv", "Issue key,Status\nSTOR-1,Open\nSTOR-2,Ready for QA\n", ":3:1: unknown status `Ready for QA`"),
        ("jira.csv", "Issue key,Status,Resolved\nSTOR-1,Done,yesterday\n", ":2:1: \"Resolved\": `yesterday`"),
        ("jira.csv", "Issue key,Status\nnot a key,Open\n", ":2:1: `not a key` is not an issue key"),
        ("issues.json", "[]", ":1:1: the export holds no tickets"),
        (
            "issues.json",
            "[\n  {\"url\": \"https://github.com/a/b/issues/1\", \"state\": \"OPEN\"},\n  \
             {\"url\": \"https://github.com/a/b/issues/2\", \"state\": \"DRAFT\"}\n]",
            ":3:1: a/b#2: unknown state `draft`",
        ),
        ("jira.csv", "Issue key,Status,Status Category\n", ":1:1: the export holds no tickets"),
        ("jira.csv", "Issue key,Status,Status Category\nSTOR-1,Open,Later\n", ":2:1: STOR-1: unknown status category"),
    ];
    for (name, content, wanted) in cases {
        let (code, stderr, dir) = check_with_export(name, content);
        assert_eq!(code, 2, "{name}: {stderr}");
        let expected = format!("{}{wanted}", dir.path().join(name).display());
        assert!(stderr.contains(&expected), "{content:?}: expected {expected:?} in {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let (_, stderr, _) = check_with_export("issues.json", "[{\"url\": \"https://github.com/a/b/issues/1\"}]");
    assert!(stderr.contains("missing field `state`"), "{stderr}");
}

#[test]
fn a_byte_order_mark_before_the_header_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jira.csv");
    std::fs::write(&path, "\u{feff}Issue key,Status,Status Category\nSTOR-614,Done,Done\n").unwrap();
    let (_, findings) = check_json(&fixture("tracker"), &["--tracker", path.to_str().unwrap()]);
    assert!(
        summary(&findings).iter().any(|(_, line, m)| *line == 32 && m.contains("STOR-614 is done")),
        "{findings:#?}"
    );
}

#[test]
fn a_bad_export_is_a_finding_in_machine_formats() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("issues.json");
    std::fs::write(&path, "[1]").unwrap();
    let out = retrobook(&fixture("tracker"), &["check", "--format", "json", "--tracker", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(findings[0]["rule"], "tracker-export");
    assert_eq!(findings[0]["line"], 1);
}

#[test]
fn actions_reads_the_exports_and_shows_each_ticket_in_json() {
    let out = retrobook(
        &fixture("tracker"),
        &["actions", "--format", "json", "--today", "2026-11-27", "--tracker", &export("linear.csv")],
    )
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let item = |id: &str| json["action_items"].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap().clone();
    let ai5 = item("AI-5")["ticket"].clone();
    assert_eq!(ai5["key"], "acme/api#41");
    assert_eq!((ai5["status"].as_str(), ai5["since"].as_str()), (Some("done"), Some("2026-03-20")));
    assert_eq!(ai5["assignees"], serde_json::json!(["carol"]));
    assert_eq!(item("AI-7")["ticket"]["status"], "wont-do", "from the --tracker export");
    assert_eq!(item("AI-2")["ticket"]["tracker_status"], "In Review");
    assert_eq!(item("AI-4")["ticket"]["status"], Value::Null, "a ticket in no export");

    let bad = tempfile::tempdir().unwrap();
    let path = bad.path().join("broken.csv");
    std::fs::write(&path, "Issue key\nSTOR-1\n").unwrap();
    let out = retrobook(&fixture("tracker"), &["actions", "--tracker", path.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken.csv:1:1"));
}

#[test]
fn build_takes_tracker_and_renders_no_href_for_a_bare_key() {
    let site = tempfile::tempdir().unwrap();
    let out = retrobook(
        &fixture("tracker"),
        &[
            "build",
            "-v",
            "--today",
            "2026-11-27",
            "--out",
            site.path().to_str().unwrap(),
            "--tracker",
            &export("linear.csv"),
        ],
    )
    .output()
    .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("ENG-7 is wont-do"), "the --tracker export is compared: {stdout}");
    let page = std::fs::read_to_string(site.path().join("retros/2026-03-01-pool.html")).unwrap();
    assert!(page.contains("href=\"https://acme.atlassian.net/browse/STOR-612\""));
    for key in ["STOR-613", "acme/api#42", "ENG-8", "OPS-1"] {
        assert!(!page.contains(&format!("href=\"{key}\"")), "{key} is not a URL");
    }
    assert!(Path::new(&site.path().join("index.html")).is_file());
}

#[test]
fn base_urls_link_bare_keys_on_the_site() {
    let toml = "[tracker.base_url]\njira = \"https://acme.atlassian.net/\"\ngithub = \"https://github.com\"\n";
    let repo = repo_with(toml);
    let site = repo.path().join("out");
    let out =
        retrobook(repo.path(), &["build", "--today", "2026-11-27", "--out", site.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page = std::fs::read_to_string(site.join("retros/2026-03-01-pool.html")).unwrap();
    for href in ["https://acme.atlassian.net/browse/STOR-613", "https://github.com/acme/api/issues/42"] {
        assert!(page.contains(&format!("href=\"{href}\"")), "{href}");
    }
    // Jira's base URL claims the project keys, so ENG-8 goes there too.
    assert!(page.contains("href=\"https://acme.atlassian.net/browse/ENG-8\""));

    let bad = repo_with("[tracker.base_url]\ngithub = \"javascript:alert(1)\"\n");
    let out = retrobook(bad.path(), &["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The TOML parser spans the value from its opening quote.
    assert!(stderr.contains("book.toml:2:10: [tracker.base_url].github"), "{stderr}");
}

#[test]
fn owners_are_compared_with_assignees_when_the_rule_is_on() {
    let (_, findings) = check_json(&fixture("tracker"), &[]);
    assert!(!findings.iter().any(|f| f["rule"] == "tracker-assignee"), "off by default");
    // Jira exports display names (the roster's `name`); GitHub logins may be
    // the part of the roster's email before the `@`.
    let toml = "[tracker]\nexports = [\"tracker/jira.csv\", \"tracker/github.json\"]\n\
                [check.rules]\ntracker-assignee = \"warning\"\n\
                [people]\nalice = { name = \"Alice Ng\" }\nbob = {}\ncruiz = { email = \"carol@example.com\" }\n";
    let repo = repo_with(toml);
    let retro = repo.path().join("retros/2026-03-01-pool.md");
    let text = std::fs::read_to_string(&retro).unwrap();
    // AI-5's ticket is assigned to the login carol: make cruiz its owner.
    let (head, tail) = text.split_once("  - id: AI-5").unwrap();
    let tail = tail.replacen("owner: alice", "owner: cruiz", 1);
    std::fs::write(&retro, format!("{head}  - id: AI-5{tail}")).unwrap();
    let (_, findings) = check_json(repo.path(), &[]);
    let assignee: Vec<_> =
        summary(&findings).into_iter().filter(|(r, _, _)| r == "tracker-assignee").map(|(_, l, m)| (l, m)).collect();
    assert_eq!(assignee, [(23, "AI-2 is owned by `alice` but STOR-613 is assigned to Bob Oduya".to_string())]);
}

/// Build `root` into a temporary folder with `extra` arguments; the folder.
fn build(root: &Path, extra: &[&str]) -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    let mut args = vec!["build", "-q", "--today", "2026-11-27", "--out", site.path().to_str().unwrap()];
    args.extend(extra);
    let out = retrobook(root, &args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    site
}

fn read(site: &Path, path: &str) -> String {
    std::fs::read_to_string(site.join(path)).unwrap()
}

/// The item cell of `id`'s row on a retro page.
fn item_cell(page: &str, id: &str) -> String {
    let start = page.find(&format!("<strong>{id}</strong>")).unwrap_or_else(|| panic!("no row for {id}"));
    page[start..start + page[start..].find("</td>").unwrap()].to_string()
}

#[test]
fn the_site_shows_each_ticket_by_key_with_what_the_tracker_says() {
    let site = build(&fixture("tracker"), &["--tracker", &export("linear.csv")]);
    let page = read(site.path(), "retros/2026-03-01-pool.html");
    let cell = |id| item_cell(&page, id);
    // The key is the link's text; a bare key without a base URL is text.
    assert!(cell("AI-1").contains(">STOR-612</a>"), "{}", cell("AI-1"));
    assert!(cell("AI-2").contains("<span class=\"ticket\">STOR-613 "), "{}", cell("AI-2"));
    assert!(!cell("AI-2").contains("STOR-613</a>"), "{}", cell("AI-2"));
    assert!(cell("AI-5").contains(">acme/api#41</a>"), "{}", cell("AI-5"));
    assert!(cell("AI-7").contains(">ENG-7</a>"), "{}", cell("AI-7"));
    assert!(cell("AI-11").contains(">wiki.example.com</a>"), "a URL that names no ticket: {}", cell("AI-11"));
    assert!(!page.contains(">tracker</a>"));
    // What the tracker says and since when, and a marker where they disagree.
    assert!(cell("AI-1").contains("done 2026-03-14</span>"), "{}", cell("AI-1"));
    assert!(cell("AI-7").contains("wont-do 2026-03-18</span>"), "{}", cell("AI-7"));
    assert!(cell("AI-4").contains("not in the export"), "{}", cell("AI-4"));
    let flagged: Vec<&str> = ["AI-1", "AI-2", "AI-3", "AI-4", "AI-5", "AI-6", "AI-7", "AI-8", "AI-9", "AI-10", "AI-11"]
        .into_iter()
        .filter(|id| cell(id).contains("class=\"ticket-disagrees\""))
        .collect();
    assert_eq!(flagged, ["AI-1", "AI-2", "AI-5", "AI-7"]);

    // The home page counts them and links to the filtered action list.
    let home = read(site.path(), "index.html");
    let link = "<a href=\"actions.html?status=any&amp;tracker=disagree\"><span class=\"stat-value\">4</span> \
                <span class=\"stat-label\">items disagree with the tracker</span></a>";
    assert!(home.contains(link), "{home}");
    // The action list offers the filter; the shared rows show tickets too.
    let actions = read(site.path(), "actions.html");
    assert!(actions.contains("<select name=\"tracker\">"));
    assert!(actions.contains("<option value=\"disagree\">Disagrees with tracker</option>"));
    assert!(actions.contains(">STOR-612</a> <span class=\"ticket-status ticket-done\""), "{actions}");
}

#[test]
fn the_filter_data_and_the_api_carry_each_ticket() {
    let site = build(&fixture("tracker"), &["--tracker", &export("linear.csv")]);
    let api: Value = serde_json::from_str(&read(site.path(), "api/actions.json")).unwrap();
    let items = api["action_items"].as_array().unwrap();
    let disagree: Vec<&str> =
        items.iter().filter(|i| i["ticket"]["disagrees"] == true).map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(disagree.len(), 4, "{disagree:?}");
    let ai1 = items.iter().find(|i| i["id"] == "AI-1").unwrap();
    assert_eq!((ai1["ticket"]["key"].as_str(), ai1["ticket"]["status"].as_str()), (Some("STOR-612"), Some("done")));
    assert_eq!(ai1["ticket"]["since"], "2026-03-14");
    // The manifest counts the disagreeing items of each stream, for the
    // filter to skip a stream without any.
    let manifest = read(site.path(), "actions/data/manifest.js");
    let json: Value = serde_json::from_str(
        manifest.trim().trim_start_matches("window.retrobookActionsManifest = ").trim_end_matches(';'),
    )
    .unwrap();
    assert_eq!(json["pending"]["facets"]["tracker"]["disagree"], 3, "AI-1, AI-5, AI-7");
    assert_eq!(json["closed"]["facets"]["tracker"]["disagree"], 1, "AI-2");
    // Each row of the data: the link's text, then [status, since, disagrees, missing].
    let data = read(site.path(), "actions/data/pending-1.js");
    assert!(
        data.contains(
            "\"https://acme.atlassian.net/browse/STOR-612\",\"STOR-612\",[\"done\",\"2026-03-14\",true,false]]"
        )
    );
    assert!(data.contains(",null,\"STOR-999\",[null,null,false,true]]"), "{data}");
    assert!(data.contains(",\"https://wiki.example.com/runbooks/pool\",\"wiki.example.com\"]"), "{data}");
}

#[test]
fn without_exports_the_site_shows_keys_but_no_tracker_status() {
    let repo = repo_with("[book]\ntitle = \"t\"\n");
    let site = build(repo.path(), &[]);
    let page = read(site.path(), "retros/2026-03-01-pool.html");
    assert!(item_cell(&page, "AI-1").contains(">STOR-612</a></span>"), "{}", item_cell(&page, "AI-1"));
    assert!(!page.contains("ticket-status") && !page.contains("ticket-disagrees"));
    assert!(!read(site.path(), "index.html").contains("disagree with the tracker"));
    let actions = read(site.path(), "actions.html");
    assert!(!actions.contains("name=\"tracker\""), "no filter without exports");
    assert!(!read(site.path(), "api/actions.json").contains("\"ticket\""));
    assert!(!read(site.path(), "actions/data/manifest.js").contains("\"tracker\""));
}

#[test]
fn print_shows_the_url_after_the_key() {
    let site = build(&fixture("tracker"), &[]);
    let css = read(site.path(), "static/style.css");
    let block = &css[css.find("/* tracker */").expect("the tracker block")..];
    let print = &block[block.find("@media print").expect("a print rule")..];
    assert!(print.contains(".ticket > a[href]::after { content: \" (\" attr(href) \")\""), "{print}");
}

fn actions(root: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec!["actions", "--today", "2026-11-27"];
    args.extend(extra);
    let out = retrobook(root, &args).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn the_actions_table_shows_tickets_and_disagree_lists_only_those_that_disagree() {
    let (code, table, stderr) = actions(&fixture("tracker"), &["--tracker", &export("linear.csv")]);
    assert_eq!(code, 0, "{stderr}");
    let header = table.lines().next().unwrap();
    let words: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(words, ["DUE", "STATUS", "OWNER", "PRIORITY", "RETRO", "ITEM", "TICKET", "TRACKER", "TITLE"]);
    // The fixture's items have no priority: the item is the fifth word.
    let line = |id: &str| table.lines().find(|l| l.split_whitespace().nth(4) == Some(id)).unwrap();
    let cells = |id: &str| line(id).split("  ").map(str::trim).filter(|c| !c.is_empty()).collect::<Vec<_>>();
    assert!(cells("AI-1").ends_with(&["STOR-612", "done 2026-03-14 DISAGREES", "Cap the pool per tenant"]));
    assert!(cells("AI-3").ends_with(&["STOR-614", "open", "Document the pool settings"]));
    assert!(cells("AI-4").ends_with(&["STOR-999", "not in export", "Load test the pool"]));
    assert!(cells("AI-11").ends_with(&["wiki.example.com", "-", "Write the pool runbook"]));
    assert!(table.ends_with("11 action items, 0 overdue, 4 disagree with the tracker\n"), "{table}");

    let (code, table, _) = actions(&fixture("tracker"), &["--disagree", "--tracker", &export("linear.csv")]);
    assert_eq!(code, 0);
    let (rows, summary) = table.trim_end().rsplit_once('\n').unwrap();
    let mut ids: Vec<&str> = rows.lines().skip(1).filter_map(|l| l.split_whitespace().nth(4)).collect();
    ids.sort();
    assert_eq!(summary, "4 action items, 0 overdue, 4 disagree with the tracker");
    assert_eq!(ids, ["AI-1", "AI-2", "AI-5", "AI-7"], "{table}");
    // With other filters, and in JSON.
    let (_, json, _) = actions(&fixture("tracker"), &["--disagree", "--status", "done", "--format", "json"]);
    let json: Value = serde_json::from_str(&json).unwrap();
    let ids: Vec<&str> = json["action_items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["AI-2"]);
}

#[test]
fn without_exports_the_table_has_no_ticket_columns_and_disagree_is_refused() {
    let repo = repo_with("[book]\ntitle = \"t\"\n");
    let (code, table, _) = actions(repo.path(), &[]);
    assert_eq!(code, 0);
    assert!(!table.lines().next().unwrap().contains("TICKET"), "{table}");
    assert!(table.ends_with("11 action items, 0 overdue\n"), "{table}");
    let (code, stdout, stderr) = actions(repo.path(), &["--disagree"]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert!(stderr.contains("--disagree compares items with their tickets: give a tracker export"), "{stderr}");
}
