//! `retrobook report`: the review of a month, a quarter or a range of days.

mod common;

use common::*;

/// A retro started at `started` with `severity` and `status`.
fn retro(severity: &str, status: &str, started: &str) -> String {
    valid_retro("An incident")
        .replace("severity: SEV3", &format!("severity: {severity}"))
        .replace("status: published", &format!("status: {status}"))
        .replace("started_at: 2026-03-01T10:00:00Z", &format!("started_at: {started}"))
}

fn report(root: &std::path::Path, args: &[&str]) -> std::process::Output {
    retrobook(root, &[&["report", "--today", "2026-11-20"], args].concat()).output().unwrap()
}

fn repo() -> tempfile::TempDir {
    let files = [
        ("retros/a.md", retro("SEV1", "published", "2026-10-03T08:00:00Z")),
        // 23:30 on the 31st at -02:00 is 1 November in UTC: periods are UTC.
        ("retros/b.md", retro("SEV2", "in-review", "2026-10-31T23:30:00-02:00")),
        ("retros/c.md", retro("SEV2", "published", "2026-10-15")),
        ("retros/d.md", retro("SEV1", "draft", "2026-10-20T10:00:00Z")),
        ("retros/e.md", retro("SEV3", "published", "2026-09-30T23:59:00Z")),
        (
            "retros/f.md",
            retro("SEV4", "published", "2026-11-02T10:00:00Z").replace("authors:", "near_miss: true\nauthors:"),
        ),
    ];
    let files: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    temp_repo("", &files)
}

#[test]
fn a_month_counts_its_incidents_by_severity_without_drafts() {
    let repo = repo();
    let out = report(repo.path(), &["--month", "2026-10", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((json["from"].as_str(), json["to"].as_str()), (Some("2026-10-01"), Some("2026-10-31")));
    assert_eq!(json["so_far"], false);
    assert_eq!(json["drafts_left_out"], 1);
    let incidents = &json["incidents"];
    assert_eq!(incidents["total"], 2);
    assert_eq!(incidents["by_severity"], serde_json::json!({"SEV1": 1, "SEV2": 1, "SEV3": 0, "SEV4": 0}));
    let ids: Vec<&str> = incidents["retros"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "c"], "oldest first; b started on 1 November in UTC");
}

#[test]
fn an_unfinished_period_is_so_far_and_markdown_says_so() {
    let repo = repo();
    let out = report(repo.path(), &["--quarter", "2026-Q4"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("# Incident review: 2026-10-01 to 2026-12-31 (so far, to 2026-11-20)\n"), "{text}");
    assert!(text.contains("4 incidents (SEV1: 1, SEV2: 2, SEV3: 0, SEV4: 1), 1 near miss."), "{text}");
    assert!(text.contains("1 draft retro of the period left out until reviewed."), "{text}");
    assert!(text.contains("| 2026-11-02 | SEV4 | An incident (near miss) (`f`) | published |"), "{text}");
}

#[test]
fn the_default_is_the_last_month_that_has_ended_and_ranges_include_their_last_day() {
    let repo = repo();
    let default: serde_json::Value =
        serde_json::from_slice(&report(repo.path(), &["--format", "json"]).stdout).unwrap();
    assert_eq!(default["from"], "2026-10-01");
    let range = report(repo.path(), &["--from", "2026-09-30", "--to", "2026-10-03", "--format", "json"]);
    let range: serde_json::Value = serde_json::from_slice(&range.stdout).unwrap();
    assert_eq!(range["incidents"]["total"], 2, "e on the first day, a on the last: {range:#}");
}

#[test]
fn bad_periods_are_usage_errors() {
    let repo = repo();
    for args in [
        &["--month", "2026-13"][..],
        &["--quarter", "2026-Q5"],
        &["--month", "2026-Q1"],
        &["--from", "2026-10-01"],
        &["--month", "2026-10", "--quarter", "2026-Q4"],
        &["--from", "2026-10-05", "--to", "2026-10-01"],
    ] {
        let out = report(repo.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stdout));
        assert!(!out.stderr.is_empty(), "{args:?} says why");
    }
}
