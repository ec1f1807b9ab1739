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
         "budget_remaining_minutes": null, "retros": ["b"], "so_far": false, "time_zone": "UTC"},
        // a and b overlap: down 08:00–08:40 (40), partial 08:40–09:20 (12);
        // c's 10 minutes before midnight; d is a draft.
        {"service": "checkout", "period": "2026-10", "minutes": 44640, "downtime_minutes": 62.0,
         "availability_percent": 99.8611, "target_percent": 99.9, "budget_minutes": 44.64,
         "budget_remaining_minutes": -17.36, "retros": ["a", "b", "c"], "so_far": false, "time_zone": "UTC"},
        // 1 October to 20 November: 51 days; e's 100 partial minutes.
        {"service": "search", "period": "2026-Q4", "minutes": 73440, "downtime_minutes": 30.0,
         "availability_percent": 99.9591, "target_percent": 99.5, "budget_minutes": 367.2,
         "budget_remaining_minutes": 337.2, "retros": ["b", "e"], "so_far": true, "time_zone": "UTC"},
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

/// An objective's time zone moves its periods: in New York, the fixture's
/// retro c (checkout down 31 October 23:50 – 1 November 00:20 UTC, 19:50 –
/// 20:20 there) is all October's, and November there has 43,260 minutes
/// (the clocks go back on the 1st); cart, without an objective, keeps UTC
/// months and splits the same window 10 / 20.
#[test]
fn an_objectives_time_zone_moves_its_periods() {
    let c = std::fs::read_to_string(fixture("uptime").join("retros/c.md")).unwrap();
    let c = c.replace("services: [checkout]", "services: [checkout, cart]").replace(
        "vendors:",
        "  - service: cart\n    from: 2026-10-31T23:50:00Z\n    to: 2026-11-01T00:20:00Z\n    level: outage\nvendors:",
    );
    let slo = "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: checkout}\nspec:\n  service: checkout\n  \
               objectives:\n    - target: 0.999\n  timeWindow:\n    - duration: 1M\n      isRolling: false\n      \
               calendar:\n        startTime: 2026-01-01 00:00:00\n        timeZone: America/New_York\n";
    let files: Vec<(&str, &[u8])> = vec![("retros/c.md", c.as_bytes()), ("slo/checkout.yaml", slo.as_bytes())];
    let dir = temp_repo("[uptime]\nopenslo = [\"slo/*.yaml\"]\n", &files);
    let args = ["report", "--today", "2026-12-05", "--from", "2026-10-01", "--to", "2026-11-30", "--format", "json"];
    let out = retrobook(dir.path(), &args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows: Vec<(&str, &str, &str, i64, f64)> = (json["uptime"].as_array().unwrap().iter())
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap();
            (
                s("service"),
                s("period"),
                s("time_zone"),
                f["minutes"].as_i64().unwrap(),
                f["downtime_minutes"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("cart", "2026-10", "UTC", 44_640, 10.0),
            ("cart", "2026-11", "UTC", 43_200, 20.0),
            ("checkout", "2026-10", "America/New_York", 44_640, 30.0),
            ("checkout", "2026-11", "America/New_York", 43_260, 0.0),
        ]
    );
    assert_eq!(json["uptime"][3]["budget_minutes"], 43.26);
    let md = retrobook(dir.path(), &["report", "--today", "2026-12-05", "--month", "2026-10"]).output().unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.contains("| checkout | 2026-10 (America/New_York) | 99.93% | 99.9% | 30 |"), "{md}");

    // An unknown zone is an error at its place, in book.toml as in a file.
    let toml = "[uptime.slo]\ncheckout = { target = 99.9, time_zone = \"Mars/Olympus\" }\n";
    let dir = temp_repo(toml, &[("retros/c.md", c.as_bytes())]);
    let out = retrobook(dir.path(), &["report", "--today", "2026-12-05"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("book.toml:2:") && err.contains("unknown time zone `Mars/Olympus`"), "{err}");
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

/// `report` of tests/fixtures/response (nine retros, default targets).
fn response_report(args: &[&str]) -> std::process::Output {
    let root = fixture("response");
    let out = retrobook(&root, &[&["report", "--today", "2026-12-01"], args].concat()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out
}

fn response_json(args: &[&str]) -> serde_json::Value {
    let out = response_report(&[args, &["--format", "json"]].concat());
    serde_json::from_slice(&out.stdout).unwrap()
}

/// (met, counted, left-out ids) of one target.
fn target(json: &serde_json::Value, name: &str) -> (u64, u64, Vec<String>) {
    let t = &json["response"][name];
    let left = t["left_out"].as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap().to_string()).collect();
    (t["met"].as_u64().unwrap(), t["counted"].as_u64().unwrap(), left)
}

/// 2026-Q1, by hand. SEV1/SEV2 in review or published: r1, r2, r3, r4 (r5
/// is a draft, r6 a SEV3). Mitigated within 30m: r1 (25m), r3 (20m), r4
/// (30m exactly), not r2 (60m): 3 of 4. Detected internally: alert,
/// synthetic, employee, not customer: 3 of 4. First update: r1 10m, r2 20m
/// (its entries out of order), r3 5m (the notice 5m before impact does not
/// count; detection came before impact), r4 has none: 2 of 3 within 15m,
/// median 10. Roles over r1-r4 and r6: the draft's commander (cy) is not
/// counted; ana handed over to bo in r2.
#[test]
fn the_response_scorecard_of_a_quarter_is_worked_out_by_hand() {
    let json = response_json(&["--quarter", "2026-Q1"]);
    let r = &json["response"];
    assert_eq!(r["severities"], serde_json::json!(["SEV1", "SEV2"]));
    assert_eq!(r["incidents"], 4);
    assert_eq!([&r["mitigated_within_target"], &r["detected_internally"], &r["first_update_within_target"]], [3, 3, 2]);
    assert_eq!(r["median_minutes_to_first_update"], 10.0);
    assert_eq!(target(&json, "mitigation"), (3, 4, vec![]));
    assert_eq!(target(&json, "detection"), (3, 4, vec![]));
    assert_eq!(target(&json, "first_update"), (2, 3, vec!["r4".to_string()]));
    assert_eq!(r["mitigation"]["share"], 0.75);
    assert_eq!(
        (r["mitigation"]["objective"].as_f64(), r["mitigation"]["meets_objective"].as_bool()),
        (Some(0.8), Some(false))
    );
    assert_eq!(r["mitigation"]["within_minutes"], 30);
    assert_eq!(r["first_update"]["within_minutes"], 15);
    assert!(r["first_update"]["left_out"][0]["why"].as_str().unwrap().contains("no communication entry"));
    assert_eq!(
        json["roles"],
        serde_json::json!({
            "incident_commander": {"ana": 3, "bo": 2, "dee": 1},
            "communications": {"cy": 1},
            "operations": {"dee": 1},
            "scribe": {"eve": 1},
        })
    );
    let obs = &r["observations"];
    assert_eq!(obs["escalation"], serde_json::json!({"well": 0, "poorly": 1, "lucky": 0}));
    assert_eq!(obs["knowledge"]["lucky"], 1);
    assert_eq!((obs["detection"]["well"].as_u64(), obs["communication"]["well"].as_u64()), (Some(1), Some(1)));
    assert_eq!(obs["tooling"]["poorly"], 0, "the draft's observation is left out");
    assert_eq!(json["drafts_left_out"], 1);
}

/// 2026-Q2, by hand: r7 (no mitigated_at, a vendor found it, update at
/// 15m exactly), r8 (started 22:30 at -02:00, 00:30 UTC on 13 May: 40m
/// to mitigate, no detection source, update at 10m), r9 (a date alone:
/// no time to judge, detected by an alert). Over both quarters the
/// figures add up.
#[test]
fn incidents_missing_a_time_or_a_source_are_left_out_and_named() {
    let json = response_json(&["--quarter", "2026-Q2"]);
    let r = &json["response"];
    assert_eq!(r["incidents"], 3);
    assert_eq!(target(&json, "mitigation"), (0, 1, vec!["r7".into(), "r9".into()]));
    assert_eq!(target(&json, "detection"), (1, 2, vec!["r8".into()]));
    assert_eq!(target(&json, "first_update"), (2, 2, vec!["r9".into()]));
    assert_eq!(r["median_minutes_to_first_update"], 12.5);
    assert_eq!(r["first_update"]["left_out"][0]["why"], "started_at has no time of day");
    assert_eq!(json["roles"]["incident_commander"], serde_json::json!({"ana": 2, "bo": 1, "cy": 1}));

    let half = response_json(&["--from", "2026-01-01", "--to", "2026-06-30"]);
    assert_eq!(half["response"]["incidents"], 7);
    assert_eq!(target(&half, "mitigation").0 + target(&half, "mitigation").1, 3 + 5);
    assert_eq!(target(&half, "detection").0, 4);
    assert_eq!(half["response"]["median_minutes_to_first_update"], 10.0, "of 5, 10, 10, 15, 20");
}

#[test]
fn the_markdown_report_has_the_scorecard_observations_and_roles() {
    let out = response_report(&["--quarter", "2026-Q1"]);
    let text = String::from_utf8(out.stdout).unwrap();
    for line in [
        "## Response",
        "4 incidents of SEV1 or SEV2 (drafts left out).",
        "| Mitigated within 30m | 3 | 4 | 75% | 80% (not met) | – |",
        "| Detected internally | 3 | 4 | 75% | 80% (not met) | – |",
        "| First update within 15m | 2 | 3 | 67% | – | `r4` (no communication entry with a time at or after started_at) |",
        "Median time to first update: 10 minutes.",
        "| escalation | 0 | 1 | 0 |",
        "| incident_commander | ana (3), bo (2), dee (1) |",
        "| operations | dee (1) |",
    ] {
        assert!(text.lines().any(|l| l == line), "no line `{line}` in:\n{text}");
    }
}
