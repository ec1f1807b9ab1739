//! `retrobook import` on postmortems written for the test suite in the
//! shapes teams use (tests/fixtures/import/): the Google SRE workbook's,
//! PagerDuty's, GitLab's incident review, Atlassian's and a plain team
//! template (named explicitly, a `.txt`). Each field is asserted, the
//! result passes `check` with the gaps as "imported" warnings, builds, and
//! a second import changes nothing.

mod common;

use common::{check_json, copy_dir, files, fixture, retrobook};
use serde_json::{Value, json};
use std::path::Path;

/// The fixture in a temporary repo (postmortems/, exports/, an empty retros/).
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("import"), dir.path());
    std::fs::create_dir_all(dir.path().join("retros")).unwrap();
    dir
}

/// Import the fixture's postmortems; stdout.
fn import(root: &Path, extra: &[&str]) -> String {
    let mut args = vec!["import", "postmortems", "exports/team-dns-outage.txt"];
    args.extend_from_slice(extra);
    let out = retrobook(root, &args).current_dir(root).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

/// A written retro: its front matter as JSON and its body.
fn retro(root: &Path, name: &str) -> (Value, String) {
    let text = std::fs::read_to_string(root.join("retros").join(name)).unwrap();
    let rest = text.strip_prefix("---\n").unwrap();
    let (yaml, body) = rest.split_once("\n---\n").unwrap();
    (serde_saphyr::from_str(yaml).unwrap(), body.to_string())
}

fn item<'a>(front: &'a Value, id: &str) -> &'a Value {
    front["action_items"].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap()
}

fn ats(front: &Value) -> Vec<&str> {
    front["timeline"].as_array().unwrap().iter().map(|e| e["at"].as_str().unwrap()).collect()
}

const SRE: &str = "2015-10-21-shakespeare-sonnet.md";
const PAGERDUTY: &str = "2024-03-14-pagerduty-checkout-errors.md";
const GITLAB: &str = "2022-06-07-gitlab-ci-runner-degradation.md";
const ATLASSIAN: &str = "2024-03-07-atlassian-database-failover.md";
const PLAIN: &str = "2023-11-02-team-dns-outage.md";

#[test]
fn google_sre_workbook_shape() {
    let dir = repo();
    import(dir.path(), &[]);
    let (f, body) = retro(dir.path(), SRE);
    assert_eq!(f["title"], "Shakespeare Sonnet++ Postmortem (incident #465)");
    assert_eq!(f["status"], "draft");
    assert_eq!(f["imported_from"], "postmortems/2015-10-21-shakespeare-sonnet.md");
    assert_eq!(f["severity"], "SEV2", "`Sev 2` is a configured severity");
    assert_eq!(f["authors"], json!(["jennifer", "martym", "agoogler"]));
    // "**Summary:** …" lines fill the fields and leave the body.
    assert!(f["summary"].as_str().unwrap().starts_with("Shakespeare Search down for 66 minutes"));
    assert_eq!(f["impact"], "Estimated 1.21B queries lost, no revenue impact.");
    let factors = f["contributing_factors"].as_array().unwrap();
    assert_eq!(factors.len(), 1, "Root Causes restated as one factor");
    assert!(factors[0]["description"].as_str().unwrap().starts_with("Cascading failure"));
    assert!(factors[0].get("category").is_none());
    // "2015-10-21 (all times UTC)" then times alone.
    assert_eq!(ats(&f)[0], "2015-10-21T14:51:00Z");
    assert_eq!(ats(&f).len(), 8);
    // The clock from the timeline's words: OUTAGE BEGINS, pager, mitigated, resolved.
    assert_eq!(f["started_at"], "2015-10-21T14:54:00Z");
    assert_eq!(f["detected_at"], "2015-10-21T14:55:00Z");
    assert_eq!(f["mitigated_at"], "2015-10-21T15:28:00Z");
    assert_eq!(f["resolved_at"], "2015-10-21T16:00:00Z");
    let ai1 = item(&f, "AI-1");
    assert_eq!((&ai1["owner"], &ai1["status"], &ai1["kind"]), (&json!("jennifer"), &json!("done"), &json!("mitigate")));
    assert_eq!(item(&f, "AI-2")["status"], "open", "`**TODO**` ending the Bug cell");
    assert!(item(&f, "AI-2")["title"].as_str().unwrap().contains("Bug 5554823"), "kept in the title");
    assert_eq!(item(&f, "AI-3")["owner"], "docbrown");
    assert!(body.contains("### Where we got lucky") && body.contains("**Trigger:**"));
    assert!(!body.contains("**Summary:**") && !body.contains("## Timeline") && !body.contains("## Action Items"));
}

#[test]
fn pagerduty_shape_with_a_named_zone_and_the_owner_pattern() {
    let dir = repo();
    import(dir.path(), &[]);
    let (f, body) = retro(dir.path(), PAGERDUTY);
    assert_eq!(f["severity"], "SEV1");
    assert_eq!(f["authors"], json!(["priya", "tomas"]));
    assert_eq!(f["services"], json!(["checkout-api", "payments-gateway"]));
    // America/Los_Angeles on 14 March 2024: daylight time (UTC-7).
    assert_eq!(ats(&f)[0], "2024-03-14T16:02:00Z");
    assert_eq!(f["started_at"], "2024-03-14T16:10:00Z");
    assert_eq!(f["detected_at"], "2024-03-14T16:14:00Z");
    assert_eq!(f["mitigated_at"], "2024-03-14T16:52:00Z");
    assert_eq!(f["resolved_at"], "2024-03-14T17:30:00Z");
    // "Overview" is the summary; its link to another imported postmortem now points at its retro.
    assert!(f["summary"].as_str().unwrap().contains(&format!("[database failover]({ATLASSIAN})")));
    assert!(f["impact"].as_str().unwrap().contains("\"Payment could not be processed\""));
    let factors = f["contributing_factors"].as_array().unwrap();
    assert_eq!(factors[0]["category"], "tooling");
    assert_eq!(factors[0]["description"], "the SDK changelog did not mention the pool size change");
    let ai1 = item(&f, "AI-1");
    assert_eq!(ai1["title"], "Pin the connection pool size in config");
    assert_eq!((&ai1["owner"], &ai1["due"], &ai1["link"]), (&json!("priya"), &json!("2024-04-15"), &json!("PAY-311")));
    assert_eq!(ai1["status"], "open");
    let ai2 = item(&f, "AI-2");
    assert_eq!((&ai2["due"], &ai2["status"]), (&json!("2024-Q2"), &json!("in-progress")));
    let ai3 = item(&f, "AI-3");
    assert_eq!((&ai3["owner"], &ai3["status"]), (&json!("payments"), &json!("done")));
    let ai4 = item(&f, "AI-4");
    assert_eq!(ai4["title"], "Write an upgrade checklist for SDKs (see the platform wiki)");
    assert!(ai4.get("owner").is_none());
    assert!(body.contains("## What Happened") && body.contains("### What didn't go so well"));
}

#[test]
fn gitlab_shape_with_partial_dates_placeholders_and_a_table_without_owners() {
    let dir = repo();
    let out = import(dir.path(), &[]);
    let (f, body) = retro(dir.path(), GITLAB);
    // "Date and Time in CET": 09:15 CET is 08:15 UTC; a month, and a day whose time was never filled in.
    let at = ats(&f);
    assert_eq!(&at[..3], ["2022-05", "2022-06-02", "2022-06-07T08:15:00Z"]);
    assert_eq!(at.len(), 7);
    // The row that cannot be dated stays in the body, under its heading.
    assert!(body.contains("## Timeline"));
    assert!(body.contains("some time that week — A customer mentioned slow pipelines in the forum"));
    // Nothing says when impact began: left unset, and said.
    assert!(f.get("started_at").is_none());
    assert_eq!(f["detected_at"], "2022-06-07T08:40:00Z");
    assert!(out.contains("started_at (neither the timeline nor the stats say when impact began)"));
    assert!(f["impact"].as_str().unwrap().starts_with("1. Who was impacted"));
    assert_eq!(f["contributing_factors"].as_array().unwrap().len(), 3, "five whys restated");
    let ai1 = item(&f, "AI-1");
    assert_eq!(ai1["title"], "Expire alert mutes after 24 hours");
    assert_eq!(
        (&ai1["owner"], &ai1["status"], &ai1["due"]),
        (&json!("verify-oncall"), &json!("done"), &json!("2022-07-01"))
    );
    assert!(item(&f, "AI-2").get("owner").is_none());
    let ai3 = item(&f, "AI-3");
    assert!(ai3.get("owner").is_none(), "TBD is no owner");
    assert_eq!(ai3["title"], "Move cache to object storage (Due: next quarter)", "what is not a due date is kept");
    // A reference-style link to another postmortem: its definition comes along,
    // pointing at the new retro; the anchor became front matter and is dropped.
    let summary = f["summary"].as_str().unwrap();
    assert!(
        summary.contains(&format!("[failover]: {ATLASSIAN}\n"))
            || summary.ends_with(&format!("[failover]: {ATLASSIAN}"))
    );
    assert!(out.contains("`#timeline` is now in the front matter"));
}

#[test]
fn atlassian_shape_with_a_table_of_owners_and_an_image() {
    let dir = repo();
    import(dir.path(), &[]);
    let (f, body) = retro(dir.path(), ATLASSIAN);
    assert!(f.get("severity").is_none() && f.get("authors").is_none());
    assert!(f["summary"].as_str().unwrap().starts_with("Between 14:20 and 15:05 UTC"));
    // The image beside the old postmortem is linked from the new place.
    assert!(f["impact"].as_str().unwrap().contains("](../postmortems/img/push-errors.png)"));
    let factors = f["contributing_factors"].as_array().unwrap();
    assert_eq!((&factors[0]["category"], factors.len()), (&json!("capacity"), 2));
    let tl = f["timeline"].as_array().unwrap();
    assert_eq!(tl[0]["at"], "2024-03-06", "HH:mm in the time column: a date entry");
    let approx = tl.iter().find(|e| e["event"] == "Escalated to the database team").unwrap();
    assert_eq!((&approx["at"], &approx["approximate"]), (&json!("2024-03-07T14:40:00Z"), &json!(true)));
    assert_eq!(f["started_at"], "2024-03-07T14:20:00Z");
    let ai1 = item(&f, "AI-1");
    assert_eq!((&ai1["owner"], &ai1["due"], &ai1["link"]), (&json!("dba"), &json!("2024-04-30"), &json!("DB-101")));
    assert_eq!((&ai1["status"], &ai1["priority"]), (&json!("in-progress"), &json!("high")));
    let ai2 = item(&f, "AI-2");
    assert_eq!((&ai2["due"], &ai2["link"]), (&json!("2024-05"), &json!("https://jira.example.com/browse/DB-102")));
    assert_eq!((&item(&f, "AI-3")["status"], &item(&f, "AI-3")["priority"]), (&json!("done"), &json!("low")));
    assert!(body.contains(&format!("[CI runner incident]({GITLAB})")));
    assert!(body.contains("## Five whys") && body.contains("## Leadup"));
}

#[test]
fn a_file_named_explicitly_is_read_whatever_its_extension() {
    let dir = repo();
    let out = import(dir.path(), &[]);
    let (f, body) = retro(dir.path(), PLAIN);
    assert_eq!(f["title"], "DNS resolution failures in eu-west", "the first line");
    assert_eq!(f["imported_from"], "exports/team-dns-outage.txt");
    // "All times in CET", and a time alone under the day of the rows before.
    assert_eq!(
        ats(&f),
        [
            "2023-11-02T15:40:00Z",
            "2023-11-02T15:41:00Z",
            "2023-11-02T15:44:00Z",
            "2023-11-02T15:53:00Z",
            "2023-11-02T15:58:00Z"
        ]
    );
    assert_eq!(f["started_at"], "2023-11-02T15:41:00Z");
    // A missing section: said, and left unset.
    assert!(f.get("impact").is_none() && f.get("contributing_factors").is_none());
    assert!(out.contains("impact (no Impact section)"));
    assert!(body.contains("later: the vendor confirmed the bug"), "a row without a date is never dropped");
    let ai1 = item(&f, "AI-1");
    assert_eq!((&ai1["title"], &ai1["link"]), (&json!("Push resolver config through the canary"), &json!("NET-77")));
    assert!(ai1.get("owner").is_none());
    assert!(out.contains("owners of AI-1, AI-2"));
    // A folder's other files are not postmortems.
    let names: Vec<String> = files(&dir.path().join("retros")).into_keys().collect();
    assert_eq!(names, [SRE, GITLAB, PLAIN, ATLASSIAN, PAGERDUTY]);
    assert!(out.contains("imported 5 postmortems as drafts, 0 already imported or already retros, 0 failed"));
}

#[test]
fn the_import_passes_the_gate_with_its_gaps_as_imported_warnings() {
    let dir = repo();
    import(dir.path(), &[]);
    // A category the old document named that is not configured: also a gap.
    let path = dir.path().join("retros").join(ATLASSIAN);
    let text = std::fs::read_to_string(&path).unwrap().replacen("category: capacity", "category: weather", 1);
    std::fs::write(&path, text).unwrap();
    let (code, findings) = check_json(dir.path(), &[]);
    assert_eq!(code, 0, "{findings:#?}");
    assert!(findings.iter().all(|f| f["severity"] == "warning"), "{findings:#?}");
    let gaps: Vec<&Value> = findings
        .iter()
        .filter(|f| ["missing-key", "remediation-owner"].contains(&f["rule"].as_str().unwrap()))
        .collect();
    assert!(gaps.len() >= 10, "{gaps:#?}");
    for f in &gaps {
        assert!(f["message"].as_str().unwrap().ends_with("(imported: complete it)"), "{f}");
    }
    let said = |rule: &str, file: &str, what: &str| {
        gaps.iter().any(|f| {
            f["rule"] == rule && f["file"] == format!("retros/{file}") && f["message"].as_str().unwrap().contains(what)
        })
    };
    assert!(said("remediation-owner", PAGERDUTY, "`AI-4` has no owner"));
    assert!(said("missing-key", ATLASSIAN, "`severity`"));
    assert!(said("missing-key", SRE, "`category`"));
    let category = findings.iter().find(|f| f["rule"] == "invalid-value").unwrap();
    assert_eq!(category["message"], "factor category `weather` is not configured (imported: complete it)");
    // No other finding about the YAML: every value was written as the loader reads it.
    let yaml = ["yaml-syntax", "invalid-value", "unknown-key", "broken-link"];
    assert_eq!(findings.iter().filter(|f| yaml.contains(&f["rule"].as_str().unwrap())).count(), 1);

    // Moved to in-review, the gate applies in full.
    let path = dir.path().join("retros").join(PLAIN);
    let text = std::fs::read_to_string(&path).unwrap().replacen("status: draft", "status: in-review", 1);
    std::fs::write(&path, text).unwrap();
    let (code, findings) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let errors: Vec<&Value> = findings.iter().filter(|f| f["severity"] == "error").collect();
    assert!(errors.iter().all(|f| f["file"] == format!("retros/{PLAIN}")), "{errors:#?}");
    assert!(errors.iter().any(|f| f["rule"] == "remediation-owner"));
    assert!(errors.iter().all(|f| !f["message"].as_str().unwrap().contains("imported")));
}

#[test]
fn the_import_builds_with_a_banner_and_unowned_items() {
    let dir = repo();
    import(dir.path(), &[]);
    retrobook(dir.path(), &["build", "--quiet"]).assert().success();
    let page = std::fs::read_to_string(dir.path().join("site/retros/2023-11-02-team-dns-outage.html")).unwrap();
    assert!(page.contains("<strong>Imported, to be completed.</strong>"));
    assert!(page.contains("<code>exports/team-dns-outage.txt</code>"));
    let out = retrobook(dir.path(), &["actions", "--format", "json", "--no-history"]).output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = json["action_items"].as_array().unwrap();
    let dns: Vec<&Value> = items.iter().filter(|i| i["retro"] == "2023-11-02-team-dns-outage").collect();
    assert_eq!(dns.len(), 2);
    assert!(dns.iter().all(|i| i["owner"] == "(no owner)"), "{dns:#?}");
    let table = retrobook(dir.path(), &["actions"]).output().unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(table.lines().any(|l| l.contains("(no owner)") && l.contains("Push resolver config through the canary")));
}

#[test]
fn importing_again_changes_nothing_and_dry_run_writes_nothing() {
    let dir = repo();
    let dry = import(dir.path(), &["--dry-run"]);
    assert!(dry.contains(
        "would import postmortems/pagerduty-checkout-errors.md -> retros/2024-03-14-pagerduty-checkout-errors.md"
    ));
    assert!(dry.contains("--dry-run: nothing written"));
    assert!(files(&dir.path().join("retros")).is_empty());

    import(dir.path(), &[]);
    let before = files(&dir.path().join("retros"));
    let again = import(dir.path(), &[]);
    assert_eq!(files(&dir.path().join("retros")), before);
    assert!(again.contains(&format!(
        "skipped postmortems/pagerduty-checkout-errors.md: already imported as retros/{PAGERDUTY}"
    )));
    assert!(again.contains("imported 0 postmortems as drafts, 5 already imported or already retros"));
}

#[test]
fn an_existing_file_is_never_overwritten() {
    let dir = repo();
    let taken = dir.path().join("retros").join(PLAIN);
    std::fs::write(&taken, common::valid_retro("Someone else's retro")).unwrap();
    let out = import(dir.path(), &["--into", "retros/imported"]);
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), common::valid_retro("Someone else's retro"));
    assert!(out.contains("-> retros/imported/2023-11-02-team-dns-outage.md"));
    // The same name in the same folder: a suffix.
    let out = retrobook(dir.path(), &["import", "exports/team-dns-outage.txt", "--into", "elsewhere"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("already imported as retros/imported/2023-11-02-team-dns-outage.md")
    );
    let fresh = repo();
    std::fs::write(fresh.path().join("retros").join(PLAIN), "not mine").unwrap();
    let out =
        retrobook(fresh.path(), &["import", "exports/team-dns-outage.txt"]).current_dir(fresh.path()).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("-> retros/2023-11-02-team-dns-outage-2.md"));
    assert_eq!(std::fs::read_to_string(fresh.path().join("retros").join(PLAIN)).unwrap(), "not mine");
}

#[test]
fn a_retro_is_not_imported_again_as_a_postmortem() {
    let dir = repo();
    std::fs::create_dir_all(dir.path().join("old")).unwrap();
    std::fs::write(dir.path().join("old/done.md"), common::valid_retro("Already a retro")).unwrap();
    let out = retrobook(dir.path(), &["import", "old"]).current_dir(dir.path()).output().unwrap();
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(out.contains("skipped old/done.md: already a retro"), "{out}");
    assert!(files(&dir.path().join("retros")).is_empty());
}
