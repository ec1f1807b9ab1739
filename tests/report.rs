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

/// The uptime fixture's figures, worked out by hand in its retros'
/// comments: overlapping windows across retros counted once at the highest
/// weight, a draft left out, a window across a month's end, a quarterly
/// objective from an OpenSLO file, an unfinished period.
#[test]
fn availability_and_budgets_are_the_hand_worked_figures() {
    let root = fixture("uptime");
    let out = report(&root, &["--month", "2026-10", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let expected = serde_json::json!([
        {"service": "cart", "period": "2026-10", "minutes": 44640, "downtime_minutes": 3.0,
         "availability_percent": 99.9932, "target_percent": null, "budget_minutes": null,
         "budget_remaining_minutes": null, "retros": ["b"], "so_far": false},
        // a and b overlap: down 08:00–08:40 (40), partial 08:40–09:20 (12);
        // c's 10 minutes before midnight; d is a draft.
        {"service": "checkout", "period": "2026-10", "minutes": 44640, "downtime_minutes": 62.0,
         "availability_percent": 99.8611, "target_percent": 99.9, "budget_minutes": 44.64,
         "budget_remaining_minutes": -17.36, "retros": ["a", "b", "c"], "so_far": false},
        // 1 October to 20 November: 51 days; e's 100 partial minutes.
        {"service": "search", "period": "2026-Q4", "minutes": 73440, "downtime_minutes": 30.0,
         "availability_percent": 99.9591, "target_percent": 99.5, "budget_minutes": 367.2,
         "budget_remaining_minutes": 337.2, "retros": ["b", "e"], "so_far": true},
    ]);
    assert_eq!(json["uptime"], expected);
    let vendors = serde_json::json!([
        {"vendor": "aws", "retros": ["a", "b"], "service_minutes": 78.0},
        {"vendor": "fastly", "retros": ["b", "c"], "service_minutes": 63.0},
    ]);
    assert_eq!(json["vendors"], vendors, "a 45 + b 33; b 33 + c 30; the draft d left out");
}

#[test]
fn the_markdown_review_has_the_availability_and_vendor_tables() {
    let root = fixture("uptime");
    let out = report(&root, &["--month", "2026-11"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    for row in [
        "## Availability and error budgets",
        "| checkout | 2026-11 (so far) | 99.93% | 99.9% | 20 | 28.8 | 8.8 | 1 |",
        "| search | 2026-Q4 (so far) | 99.95% | 99.5% | 30 | 367.2 | 337.2 | 2 |",
        "## Vendors",
        "| aws | `e` | 30 |",
    ] {
        assert!(text.contains(row), "{row}\n{text}");
    }
    assert!(!text.contains("| cart |") && !text.contains("| payments |"), "no objective, no downtime: {text}");
}

/// A service with an objective in book.toml and in an OpenSLO file, and a
/// broken OpenSLO file, stop the run at the file's line.
#[test]
fn openslo_errors_name_the_file_and_line() {
    let both = "apiVersion: openslo/v1\nkind: SLO\nspec:\n  service: checkout\n  objectives:\n    - target: 0.99\n  timeWindow:\n    - duration: 1M\n";
    let rolling = both
        .replace("service: checkout", "service: search")
        .replace("duration: 1M", "duration: 30d\n      isRolling: true");
    for (file, expected) in [
        (both.to_string(), "slo/x.yaml:4:12: service `checkout` already has an objective, in book.toml"),
        (rolling, "slo/x.yaml:9:18: rolling windows"),
    ] {
        let files: Vec<(&str, &[u8])> = vec![
            (
                "retros/a.md",
                b"---\ntitle: A\nstatus: draft\nseverity: SEV3\nstarted_at: 2026-01-01\nauthors: [a]\n---\n",
            ),
            ("slo/x.yaml", file.as_bytes()),
        ];
        let dir = temp_repo("[uptime]\nopenslo = [\"slo/*.yaml\"]\nslo = { checkout = 99.9 }\n", &files);
        let out = report(dir.path(), &[]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expected), "{err}");
    }
    let dir = temp_repo("[uptime]\nopenslo = [\"slo/missing.yaml\"]\n", &[("retros/a.md", b"")]);
    let err = String::from_utf8_lossy(&report(dir.path(), &[]).stderr).to_string();
    assert!(err.contains("[uptime].openslo: `slo/missing.yaml` is not a file"), "{err}");
}
