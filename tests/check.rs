//! `retrobook check` on fixture repos: every rule fires where it should,
//! clean repos stay clean, malformed input is a finding (never a panic),
//! and every output format has the right shape.

mod common;

use common::*;
use serde_json::Value;
use std::collections::BTreeSet;

/// In tests/fixtures/rules each retro marks the lines a finding must point
/// at with `expect: RULE` (or `expect: RULE@LINE`). The findings of each
/// file must be exactly those (rule, line) pairs.
#[test]
fn every_rule_fires_exactly_where_marked() {
    let root = fixture("rules");
    let (code, findings) = check_json(&root, &[]);
    assert_eq!(code, 1, "error-level findings exit 1");

    let mut expected = BTreeSet::new();
    for entry in std::fs::read_dir(root.join("retros")).unwrap() {
        let path = entry.unwrap().path();
        let file = format!("retros/{}", path.file_name().unwrap().to_string_lossy());
        for (i, line) in std::fs::read_to_string(&path).unwrap().lines().enumerate() {
            if let Some(rest) = line.split("expect: ").nth(1) {
                let spec = rest.split_whitespace().next().unwrap();
                let (rule, at) = match spec.split_once('@') {
                    Some((rule, at)) => (rule.to_string(), at.parse::<u64>().unwrap()),
                    None => (spec.to_string(), i as u64 + 1),
                };
                expected.insert((file.clone(), rule, at));
            }
        }
    }
    let actual: BTreeSet<(String, String, u64)> = findings
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let missing: Vec<_> = expected.difference(&actual).collect();
    let unexpected: Vec<_> = actual.difference(&expected).collect();
    assert!(missing.is_empty() && unexpected.is_empty(), "missing: {missing:#?}\nunexpected: {unexpected:#?}");

    // Every rule of the brief is covered by the fixture.
    let rules: BTreeSet<&str> = findings.iter().map(|f| f["rule"].as_str().unwrap()).collect();
    for rule in [
        "yaml-syntax",
        "unknown-key",
        "missing-key",
        "invalid-value",
        "clock-order",
        "duplicate-id",
        "remediation-owner",
        "no-remediation",
        "unknown-owner",
        "broken-link",
        "unknown-factor",
        "unaddressed-factor",
        "overdue-action",
        "unsafe-url",
        "missing-section",
        "blameless-language",
    ] {
        assert!(rules.contains(rule), "no fixture triggers {rule}");
    }
}

#[test]
fn findings_carry_column_message_and_severity() {
    let (_, findings) = check_json(&fixture("rules"), &[]);
    let owner = findings
        .iter()
        .find(|f| f["rule"] == "remediation-owner" && f["line"] == 23)
        .expect("the item without an owner");
    assert_eq!(owner["file"], "retros/remediation-owner.md");
    assert_eq!(owner["column"], 5, "points at the list item");
    assert_eq!(owner["severity"], "error");
    assert!(owner["message"].as_str().unwrap().contains("AI-2"));
    let unknown = findings.iter().find(|f| f["rule"] == "unknown-key" && f["file"] == "retros/unknown-key.md").unwrap();
    assert!(unknown["hint"].as_str().unwrap().contains("did you mean `tags`"), "{unknown}");
    let overdue = findings.iter().find(|f| f["rule"] == "overdue-action").unwrap();
    assert_eq!(overdue["severity"], "warning");
}

/// The findings on approximate clocks, spans and coarse dates point at the
/// value (line and column) and say what is wrong with it.
#[test]
fn partial_dates_spans_and_approximate_clocks_are_checked_precisely() {
    let (_, findings) = check_json(&fixture("rules"), &[]);
    let in_file: Vec<&Value> = findings.iter().filter(|f| f["file"] == "retros/partial-dates.md").collect();
    let at = |line: u64| -> (&str, u64, String) {
        let f = in_file.iter().find(|f| f["line"] == line).unwrap_or_else(|| panic!("nothing on line {line}"));
        let text = format!("{} {}", f["message"].as_str().unwrap(), f["hint"].as_str().unwrap_or(""));
        (f["rule"].as_str().unwrap(), f["column"].as_u64().unwrap(), text)
    };
    for (line, rule, column, words) in [
        (7, "invalid-value", 16, "`approximate` applies to a time of day, but `2026-03-01` has none"),
        (10, "unknown-key", 3, "did you mean `approximate`?"),
        (13, "invalid-value", 16, "`approximate` must be `true` or `false`"),
        (15, "missing-key", 3, "`resolved_at` is missing required key `at`"),
        (24, "invalid-value", 9, "month 13 does not exist"),
        (27, "invalid-value", 12, "ends (`until: 2026-03-01T11:05:00+00:00`) before it starts"),
        (30, "invalid-value", 12, "ends (`until: 2026-02-27`) before it starts (`at: 2026-03`)"),
        (37, "invalid-value", 10, "quarter 5 does not exist"),
        (43, "invalid-value", 10, "month 13 does not exist"),
    ] {
        let (found_rule, found_column, text) = at(line);
        assert_eq!((found_rule, found_column), (rule, column), "line {line}: {text}");
        assert!(text.contains(words), "line {line}: {text}");
    }
    // Detection before impact is not a clock-order finding; mitigation
    // before detection is, at the mitigation.
    let clock: Vec<&Value> = findings.iter().filter(|f| f["rule"] == "clock-order").collect();
    assert!(clock.iter().all(|f| !f["message"].as_str().unwrap().contains("before `started_at`")), "{clock:#?}");
    let late = clock.iter().find(|f| f["file"] == "retros/clock-detected-late.md").unwrap();
    assert_eq!((late["line"].as_u64(), late["column"].as_u64()), (Some(7), Some(15)));
    assert!(
        late["message"]
            .as_str()
            .unwrap()
            .contains("`mitigated_at` (2026-03-01T10:30:00+00:00) is before `detected_at`")
    );
}

/// An item due in a quarter is overdue only once the quarter has ended.
#[test]
fn overdue_is_judged_on_the_end_of_a_quarter_or_month() {
    for (due, last_day) in [("2026-Q4", "2026-12-31"), ("2026-12", "2026-12-31"), ("2026-Q1", "2026-03-31")] {
        let retro = valid_retro("Coarse due").replace("due: 2027-01-01", &format!("due: {due}"));
        let dir = temp_repo("", &[("retros/a.md", retro.as_bytes())]);
        let (code, findings) = check_json(dir.path(), &["--today", last_day]);
        assert_eq!((code, findings.len()), (0, 0), "{due} on its last day: {findings:#?}");
        let next = chrono::NaiveDate::parse_from_str(last_day, "%Y-%m-%d").unwrap().succ_opt().unwrap().to_string();
        let (_, findings) = check_json(dir.path(), &["--today", &next]);
        assert_eq!(findings.len(), 1, "{due} the day after: {findings:#?}");
        assert_eq!((findings[0]["rule"].as_str(), findings[0]["line"].as_u64()), (Some("overdue-action"), Some(18)));
        let message = findings[0]["message"].as_str().unwrap();
        assert!(message.contains(&format!("was due by the end of {due} ({last_day}) (1 day ago)")), "{message}");
    }
}

/// The README promises a hint on every finding: on the rules fixture (every
/// rule, and broken links of each kind) and on malformed files.
#[test]
fn every_finding_has_a_hint() {
    let broken = valid_retro("Links")
        .replace("Body text.", "[gone](missing.png) [up](../../outside.md) [self](#no-such-heading) [[no-such-id]]");
    let dir = temp_repo(
        "",
        &[
            ("retros/links.md", broken.as_bytes()),
            ("retros/tab.md", b"---\ntitle: x\n\tstatus: draft\n---\n"),
            ("retros/bad.md", b"# no front matter\n"),
        ],
    );
    for root in [fixture("rules"), dir.path().to_path_buf()] {
        let (_, findings) = check_json(&root, &[]);
        assert!(findings.len() > 3, "{findings:#?}");
        for f in &findings {
            let hint = f["hint"].as_str().unwrap_or_default();
            assert!(!hint.trim().is_empty(), "no hint: {f}");
        }
    }
}

#[test]
fn clean_fixture_and_this_repo_check_clean() {
    let (code, findings) = check_json(&fixture("clean"), &[]);
    assert_eq!((code, findings.len()), (0, 0), "{findings:#?}");

    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, findings) = check_json(repo, &[]);
    let errors: Vec<&Value> = findings.iter().filter(|f| f["severity"] == "error").collect();
    assert_eq!(code, 0, "the example retros have errors: {errors:#?}");
    assert!(repo.join("retros").read_dir().unwrap().count() > 0);
}

#[test]
fn an_action_item_without_owner_fails_ci() {
    let retro = valid_retro("No owner").replace("    owner: alice\n", "");
    let dir = temp_repo("", &[("retros/a.md", retro.as_bytes())]);
    let (code, findings) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["rule"], "remediation-owner", "not missing-key: the CI gate's own rule wins");
    assert_eq!(findings[0]["line"], 14);
}

/// `completed_at: ~` and `completed_at:` are "not set", as for every
/// optional key (they were the error "`completed_at` is empty").
#[test]
fn an_unset_completed_at_is_not_set() {
    let done = |blank: &str| {
        valid_retro("Done").replace("    status: open\n", &format!("    status: done\n    completed_at:{blank}\n"))
    };
    let dir = temp_repo("", &[("retros/a.md", done(" ~").as_bytes()), ("retros/b.md", done("").as_bytes())]);
    let (code, findings) = check_json(dir.path(), &[]);
    assert_eq!((code, findings.len()), (0, 0), "{findings:#?}");
    // A completion date that is there but not a date is still an error.
    std::fs::write(dir.path().join("retros/b.md"), done(" soon")).unwrap();
    let (code, findings) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!((&findings[0]["rule"], &findings[0]["line"]), (&Value::from("invalid-value"), &Value::from(18)));
}

#[test]
fn empty_action_items_is_no_remediation_not_missing_key() {
    let retro = valid_retro("Nothing to do").replace(
        "action_items:\n  - id: AI-1\n    title: Fix the condition\n    owner: alice\n    status: open\n    due: 2027-01-01\n    factors: [f1]\n",
        "action_items: []\n",
    );
    let dir = temp_repo("[check.rules]\nunaddressed-factor = \"off\"\n", &[("retros/a.md", retro.as_bytes())]);
    let (code, findings) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let rules: Vec<&str> = findings.iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["no-remediation"]);
}

#[test]
fn malformed_files_are_findings_never_panics() {
    let valid = valid_retro("Fine");
    let crlf = valid.replace('\n', "\r\n");
    let bom = format!("\u{feff}{valid}");
    let trailing = valid.replacen("---\n", "---   \n", 1).replace("\n---\nBody", "\n--- \t\nBody");
    let mut latin1 = valid.clone().into_bytes();
    let at = latin1.iter().position(|&b| b == b'B').unwrap();
    latin1.insert(at, 0xe9); // é in Latin-1, invalid UTF-8
    let files: Vec<(&str, &[u8])> = vec![
        ("retros/crlf.md", crlf.as_bytes()),
        ("retros/bom.md", bom.as_bytes()),
        ("retros/trailing.md", trailing.as_bytes()),
        ("retros/no-front-matter.md", b"# Just a heading\n\nSome text.\n"),
        ("retros/empty.md", b""),
        ("retros/unclosed.md", b"---\ntitle: x\nstatus: draft\n"),
        ("retros/latin1.md", &latin1),
        ("retros/not-a-map.md", b"---\n- a\n- b\n---\n"),
        ("retros/deep.md", format!("---\ntitle: {}\n---\n", "[".repeat(5000)).as_bytes().to_vec().leak()),
    ];
    let dir = temp_repo("", &files);
    let (code, findings) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let of = |file: &str| -> Vec<(String, u64)> {
        findings
            .iter()
            .filter(|f| f["file"] == format!("retros/{file}"))
            .map(|f| (f["rule"].as_str().unwrap().to_string(), f["line"].as_u64().unwrap()))
            .collect()
    };
    for ok in ["crlf.md", "bom.md", "trailing.md"] {
        assert!(of(ok).is_empty(), "{ok}: {:?}", of(ok));
    }
    assert_eq!(of("no-front-matter.md"), [("yaml-syntax".to_string(), 1)]);
    assert_eq!(of("empty.md"), [("yaml-syntax".to_string(), 1)]);
    assert_eq!(of("unclosed.md"), [("yaml-syntax".to_string(), 1)]);
    assert_eq!(of("latin1.md"), [("yaml-syntax".to_string(), 21)]);
    assert_eq!(of("not-a-map.md")[0].0, "yaml-syntax");
    assert_eq!(of("deep.md")[0].0, "yaml-syntax");
    let messages: Vec<&str> = findings.iter().map(|f| f["message"].as_str().unwrap()).collect();
    assert!(messages.iter().any(|m| m.contains("UTF-8")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("never closed")), "{messages:?}");
}

#[test]
fn one_broken_file_does_not_hide_the_others() {
    let mut files: Vec<(String, Vec<u8>)> =
        (0..60).map(|i| (format!("retros/r{i:02}.md"), valid_retro(&format!("Retro {i}")).into_bytes())).collect();
    files[7].1 = b"---\ntitle: [unclosed\n---\n".to_vec();
    files[42].1 = valid_retro("Orphan").replace("    owner: alice\n", "").into_bytes();
    files[55].1 = valid_retro("Typo").replace("status: published", "status: publishd").into_bytes();
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(p, b)| (p.as_str(), b.as_slice())).collect();
    let dir = temp_repo("", &refs);
    let (code, findings) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let got: BTreeSet<(&str, &str)> =
        findings.iter().map(|f| (f["file"].as_str().unwrap(), f["rule"].as_str().unwrap())).collect();
    assert!(got.contains(&("retros/r07.md", "yaml-syntax")), "{got:?}");
    assert!(got.contains(&("retros/r42.md", "remediation-owner")), "{got:?}");
    assert!(got.contains(&("retros/r55.md", "invalid-value")), "{got:?}");
    let hint = findings.iter().find(|f| f["file"] == "retros/r55.md").unwrap()["hint"].as_str().unwrap().to_string();
    assert!(hint.contains("did you mean `published`"), "{hint}");
}

#[test]
fn paths_limit_the_report_not_the_load() {
    let root = fixture("rules");
    let file = root.join("retros/broken-link.md");
    let (_, findings) = check_json(&root, &[file.to_str().unwrap()]);
    assert!(!findings.is_empty());
    assert!(findings.iter().all(|f| f["file"] == "retros/broken-link.md"));
    // Links to other files still resolve: the whole repo was loaded.
    assert!(!findings.iter().any(|f| f["message"].as_str().unwrap().contains("`clean`,")));
    let (code, findings) = check_json(&root, &[root.join("retros/clean.md").to_str().unwrap()]);
    assert_eq!((code, findings.len()), (0, 0));
}

#[test]
fn warnings_pass_unless_denied_and_levels_are_configurable() {
    let retro = valid_retro("Overdue").replace("due: 2027-01-01", "due: 2026-01-01");
    let dir = temp_repo("", &[("retros/a.md", retro.as_bytes())]);
    let (code, findings) = check_json(dir.path(), &[]);
    assert_eq!((code, findings.len()), (0, 1));
    let (code, _) = check_json(dir.path(), &["--deny-warnings"]);
    assert_eq!(code, 1);
    std::fs::write(dir.path().join("book.toml"), "[check.rules]\noverdue-action = \"error\"\n").unwrap();
    let (code, findings) = check_json(dir.path(), &[]);
    assert_eq!((code, findings[0]["severity"].as_str()), (1, Some("error")));
    std::fs::write(dir.path().join("book.toml"), "[check.rules]\noverdue-action = \"off\"\n").unwrap();
    let (code, findings) = check_json(dir.path(), &[]);
    assert_eq!((code, findings.len()), (0, 0));
    let (_, findings) = check_json(dir.path(), &["--today", "2025-12-01"]);
    assert!(findings.is_empty(), "--today decides what is overdue");
}

#[test]
fn config_and_usage_errors_exit_2() {
    let dir = temp_repo("[book]\ntitel = \"x\"\n", &[]);
    let out = retrobook(dir.path(), &["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("book.toml:2:1") && err.contains("titel"), "{err}");

    let empty = tempfile::tempdir().unwrap();
    let out =
        assert_cmd::Command::cargo_bin("retrobook").unwrap().current_dir(empty.path()).arg("check").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no book.toml"));

    let out = retrobook(&fixture("clean"), &["check", "--format", "xml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn human_format_looks_like_rustc() {
    let out = retrobook(&fixture("rules"), &["check", "--today", "2026-11-27", "retros/remediation-owner.md"])
        .current_dir(fixture("rules"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("error[remediation-owner]: action item `AI-2` has no owner"), "{text}");
    assert!(text.contains("--> retros/remediation-owner.md:23:5"), "{text}");
    assert!(text.contains("23 |   - id: AI-2"), "{text}");
    assert!(text.contains("^"), "{text}");
    assert!(text.contains("= help: every remediation needs an owner"), "{text}");
    assert!(!text.contains("\x1b["), "no color when piped");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2 errors"), "{err}");
}

#[test]
fn github_format_is_workflow_commands() {
    let out = retrobook(&fixture("rules"), &["check", "--format", "github", "--today", "2026-11-27"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(!lines.is_empty());
    for line in &lines {
        let ok = (line.starts_with("::error file=retros/") || line.starts_with("::warning file=retros/"))
            && line.contains(",line=")
            && line.contains(",col=")
            && line.contains(",title=retrobook ");
        assert!(ok, "not a workflow command: {line}");
    }
    assert!(lines.iter().any(|l| l.starts_with("::error file=retros/remediation-owner.md,line=23,col=5,")));
}

/// The OASIS SARIF 2.1.0 schema (a copy in the fixtures), formats checked.
/// It declares draft-04, which has no `uri-reference` format, yet uses it
/// for `artifactLocation.uri`: read it as draft-07 (nothing else in it
/// differs) so that the format is enforced.
fn sarif_validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("sarif-schema-2.1.0.json")).unwrap()).unwrap();
    jsonschema::options().with_draft(jsonschema::Draft::Draft7).should_validate_formats(true).build(&schema).unwrap()
}

/// Validate `sarif` against the SARIF schema.
fn assert_valid_sarif(sarif: &Value) {
    let validator = sarif_validator();
    let errors: Vec<String> = validator.iter_errors(sarif).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

fn run_sarif(root: &std::path::Path) -> Value {
    let out = retrobook(root, &["check", "--format", "sarif", "--today", "2026-11-27"]).output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn sarif_format_is_sarif_2_1_0() {
    let sarif = run_sarif(&fixture("rules"));
    assert_valid_sarif(&sarif);
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "retrobook");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for rule in rules {
        for key in ["/shortDescription/text", "/fullDescription/text", "/help/text", "/help/markdown"] {
            assert!(!rule.pointer(key).and_then(Value::as_str).unwrap_or("").is_empty(), "{key}: {rule}");
        }
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert!(matches!(r["level"].as_str(), Some("error" | "warning")));
        let loc = &r["locations"][0]["physicalLocation"];
        assert!(loc["artifactLocation"]["uri"].as_str().unwrap().starts_with("retros/"));
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(loc["region"]["startColumn"].as_u64().unwrap() >= 1);
        assert!(r["partialFingerprints"]["retrobook/v1"].as_str().is_some_and(|s| !s.is_empty()), "{r}");
    }
    // A broken link's span is known: it ends where the URL does.
    let link = results
        .iter()
        .find(|r| r["ruleId"] == "broken-link" && r["locations"][0]["physicalLocation"]["region"]["endColumn"].is_u64())
        .expect("a broken link with an end");
    let region = &link["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["endLine"], region["startLine"]);
    assert!(region["endColumn"].as_u64() > region["startColumn"].as_u64(), "{region}");
}

/// File names that are not URIs as written, braces in messages, and the
/// same results as `--format json`.
#[test]
fn sarif_encodes_awkward_names_and_matches_json() {
    let braces = valid_retro("Braces").replace("Body text.", "See [the {config}](no-{such}-file.md).\n");
    let plain = valid_retro("Plain").replace("status: published", "status: publishd");
    let files: Vec<(&str, &[u8])> = vec![
        ("retros/with space.md", braces.as_bytes()),
        ("retros/café.md", plain.as_bytes()),
        ("retros/issue#12.md", plain.as_bytes()),
        ("retros/100%.md", plain.as_bytes()),
    ];
    let dir = temp_repo("", &files);
    let sarif = run_sarif(dir.path());
    assert_valid_sarif(&sarif);
    let run = &sarif["runs"][0];
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().unwrap();
    let root = dir.path().canonicalize().unwrap();
    assert!(base.starts_with("file:///") && base.ends_with('/'), "{base}");
    assert_eq!(url::Url::parse(base).unwrap().to_file_path().unwrap(), root, "{base}");

    let (_, json) = check_json(dir.path(), &[]);
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), json.len());
    let mut uris = BTreeSet::new();
    for (r, j) in results.iter().zip(&json) {
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        uris.insert(uri.to_string());
        // The URI resolved against the base names the JSON finding's file.
        let file = url::Url::parse(base).unwrap().join(uri).unwrap().to_file_path().unwrap();
        assert_eq!(file, root.join(j["file"].as_str().unwrap()), "{uri}");
        assert_eq!(r["ruleId"], j["rule"]);
        assert_eq!(loc["region"]["startLine"], j["line"]);
        assert_eq!(loc["region"]["startColumn"], j["column"]);
        // Braces are doubled, nothing else changes.
        let text = r["message"]["text"].as_str().unwrap();
        let expected = format!("{} ({})", j["message"].as_str().unwrap(), j["hint"].as_str().unwrap());
        assert_eq!(text, expected.replace('{', "{{").replace('}', "}}"));
    }
    for uri in ["retros/with%20space.md", "retros/caf%C3%A9.md", "retros/issue%2312.md", "retros/100%25.md"] {
        assert!(uris.contains(uri), "{uri} in {uris:?}");
    }
    assert!(results.iter().any(|r| r["message"]["text"].as_str().unwrap().contains("{{such}}")));
    // The schema check does look at URIs: the name as written fails it.
    let spaced = json.iter().position(|j| j["file"] == "retros/with space.md").unwrap();
    let mut raw = sarif.clone();
    raw["runs"][0]["results"][spaced]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        json[spaced]["file"].clone();
    assert!(!sarif_validator().is_valid(&raw), "{}", json[spaced]["file"]);
}

/// Code scanning matches alerts across runs by fingerprint: the same
/// finding keeps it when lines are added above; two findings never share one.
#[test]
fn sarif_fingerprints_survive_moved_lines() {
    let text = valid_retro("Moves").replace("Body text.", "[a](gone.md)\n\n[a](gone.md)\n");
    let dir = temp_repo("", &[("retros/moves.md", text.as_bytes())]);
    let prints = |sarif: &Value| -> Vec<(String, u64)> {
        sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let line = r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap();
                (r["partialFingerprints"]["retrobook/v1"].as_str().unwrap().to_string(), line)
            })
            .collect()
    };
    let before = prints(&run_sarif(dir.path()));
    assert_eq!(before, prints(&run_sarif(dir.path())), "stable across runs");
    assert_eq!(before.len(), 2);
    assert_ne!(before[0].0, before[1].0, "identical lines stay distinct");
    let moved = text.replace("Body text.", "").replace("[a](gone.md)\n\n[a]", "Intro.\n\n[a](gone.md)\n\n[a]");
    std::fs::write(dir.path().join("retros/moves.md"), moved).unwrap();
    let after = prints(&run_sarif(dir.path()));
    assert_eq!(after.iter().map(|p| &p.0).collect::<Vec<_>>(), before.iter().map(|p| &p.0).collect::<Vec<_>>());
    assert_eq!(after[0].1, before[0].1 + 2, "the lines did move");
}

/// Every bad value of a `service_impact` window at its own line and column.
#[test]
fn service_impact_findings_are_at_their_value() {
    let (_, findings) = check_json(&fixture("rules"), &[]);
    let at: BTreeSet<(u64, u64, &str)> = findings
        .iter()
        .filter(|f| f["file"] == "retros/service-impact.md")
        .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap(), f["rule"].as_str().unwrap()))
        .collect();
    for expected in [
        (11, 11, "invalid-value"), // a date alone
        (16, 9, "invalid-value"),  // `to` before `from`
        (22, 14, "invalid-value"), // not one of `services`
        (29, 12, "invalid-value"), // `level: down`
        (38, 5, "missing-key"),    // no `to`, at the item
        (42, 11, "impact-window"), // before started_at, at `from`
        (47, 9, "impact-window"),  // after resolved_at, at `to`
        (49, 18, "invalid-value"), // `approximate: yes`
        (54, 5, "unknown-key"),
        (55, 5, "invalid-value"),  // a string where a window belongs
        (56, 16, "invalid-value"), // `Fast Ly` in vendors
    ] {
        assert!(at.contains(&expected), "{expected:?} in {at:#?}");
    }
}

/// A config error points at the entry it is about, as the TOML parser
/// places it: never at a comment (or another value) holding the same word.
#[test]
fn config_errors_point_at_the_entry_not_at_a_comment() {
    let cases = [
        (
            "# blameless-langauge: misspelt on purpose below\n[check.rules]\nblameless-langauge = \"off\"\n",
            "3:1: unknown rule `blameless-langauge`",
        ),
        ("# max_file_mb: 8 by default\n[check]\nmax_file_mb = 0\n", "3:15: [check].max_file_mb must be between"),
        ("[book]\ntitle = \"stale_days\"\n[history]\nstale_days = 0\n", "4:14: [history].stale_days must be"),
        ("[retro]\n# severities = [\"SEV1\"] was the old list\nseverities = []\n", "3:14: [retro].severities must"),
        (
            "# ftp://jira.test is the old tracker\n[tracker.base_url]\njira = \"ftp://jira.test\"\n",
            "3:8: [tracker.base_url].jira `ftp://jira.test` must be",
        ),
        ("[build]\n# theme: ../ours\ntheme = \"../ours\"\n", "3:9: [build].theme `../ours` must be"),
        // Dotted keys and inline tables are the same entries.
        ("# check.max_file_mb\ncheck.max_file_mb = 2000\n", "2:21: [check].max_file_mb"),
        ("# stale_days\nhistory = { stale_days = 0 }\n", "2:26: [history].stale_days"),
        ("[uptime.weights]\n# partial = 3\npartial = 3\n", "3:11: [uptime.weights].partial must be between 0 and 1"),
        ("[uptime.slo]\ncheckout = 100.5\n", "2:12: [uptime.slo].checkout: the target 100.5"),
        ("[uptime.slo]\n\"Check Out\" = 99.9\n", "2:1: [uptime.slo] `Check Out` is not a service slug"),
        ("[uptime.slo]\nsearch = { target = 99.5, window = \"week\" }\n", "2:10: an objective is a target percent"),
        ("[uptime]\nopenslo = [\"../slo/*.yaml\"]\n", "2:11: [uptime].openslo `../slo/*.yaml` must be"),
        ("[uptime]\nslos = 1\n", "2:1: unknown field `slos`"),
    ];
    for (book, expected) in cases {
        let dir = temp_repo(book, &[]);
        let out = retrobook(dir.path(), &["check"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{book}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("book.toml:{expected}")), "{book}\n{err}");
    }
}

/// A bad book.toml stops the run with exit 2, and every machine format
/// still says why on stdout.
#[test]
fn a_config_error_is_reported_in_every_format() {
    let dir = temp_repo("[book]\ntitel = \"x\"\n", &[]);
    let run = |format: &str| retrobook(dir.path(), &["check", "--format", format]).output().unwrap();
    let out = run("github");
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("::error file=book.toml,line=2,col=1,title=retrobook invalid-config::"), "{text}");
    assert!(text.contains("titel"), "{text}");

    let out = run("sarif");
    assert_eq!(out.status.code(), Some(2));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_sarif(&sarif);
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "invalid-config");
    assert_eq!(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "book.toml");

    let out = run("json");
    assert_eq!(out.status.code(), Some(2));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["rule"], "invalid-config");
    assert_eq!((json[0]["file"].as_str(), json[0]["line"].as_u64()), (Some("book.toml"), Some(2)));
    assert!(String::from_utf8_lossy(&out.stderr).contains("book.toml:2:1"));
}

#[test]
fn json_output_is_stable() {
    let (_, findings) = check_json(&fixture("rules"), &[]);
    let short: Vec<Value> = findings.iter().filter(|f| f["file"] == "retros/broken-link.md").cloned().collect();
    insta::assert_json_snapshot!("broken_link_findings", short);
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_repo_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), valid_retro("Outside")).unwrap();
    let dir = temp_repo("", &[("retros/a.md", valid_retro("Inside").as_bytes())]);
    std::os::unix::fs::symlink(outside.path().join("secret.md"), dir.path().join("retros/link.md")).unwrap();
    let (code, findings) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["rule"], "unreadable-file");
    assert_eq!(findings[0]["file"], "retros/link.md");
}

#[test]
fn a_book_below_the_git_root_is_found_from_the_paths() {
    let outer = tempfile::tempdir().unwrap();
    let book = outer.path().join("docs/postmortems");
    std::fs::create_dir_all(book.join("retros")).unwrap();
    std::fs::write(book.join("book.toml"), "").unwrap();
    std::fs::write(book.join("retros/a.md"), valid_retro("A").replace("    owner: alice\n", "")).unwrap();
    let out = assert_cmd::Command::cargo_bin("retrobook")
        .unwrap()
        .current_dir(outer.path())
        .args(["check", "--format", "json", "docs/postmortems/retros/a.md"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(findings[0]["rule"], "remediation-owner");
    assert_eq!(findings[0]["file"], "retros/a.md");
}

/// Hostile sizes: each is a clear finding or an ordinary, bounded run.
#[test]
fn hostile_sizes_are_findings_or_bounded_runs() {
    let valid = valid_retro("Big");
    let front = valid.split("---\nBody").next().unwrap().to_string();
    // 10,000 action items, a 100,000-line body and a 1 MB line.
    let items: String = (1..=10_000)
        .map(|i| {
            format!("  - id: AI-{i}\n    title: Item {i}\n    owner: alice\n    status: done\n    factors: [f1]\n")
        })
        .collect();
    let many_items = valid
        .replacen("action_items:\n", &format!("action_items:\n{items}"), 1)
        .replace("  - id: AI-1\n    title: Fix the condition", "  - id: AI-0\n    title: Fix the condition");
    let long_body =
        format!("{front}---\n{}", "A line of the body with a [link](https://example.com).\n".repeat(100_000));
    let long_line = format!("{front}---\n{}\n", "word ".repeat(200_000));
    let mut laughs = String::from("---\na: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"].iter().zip(["b", "c", "d", "e", "f", "g", "h", "i"]) {
        laughs.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{prev}"); 10].join(", ")));
    }
    laughs.push_str("---\n");
    let nested = format!("---\ntitle: x\nextra: {}{}\n---\n", "{a: ".repeat(200), "}".repeat(200));
    let huge = vec![b'x'; 9 * 1024 * 1024];
    let files: Vec<(&str, &[u8])> = vec![
        ("retros/many-items.md", many_items.as_bytes()),
        ("retros/long-body.md", long_body.as_bytes()),
        ("retros/long-line.md", long_line.as_bytes()),
        ("retros/laughs.md", laughs.as_bytes()),
        ("retros/nested.md", nested.as_bytes()),
        ("retros/huge.md", &huge),
    ];
    let dir = temp_repo("", &files);
    let (code, findings) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    let rules = |file: &str| -> BTreeSet<String> {
        let file = format!("retros/{file}");
        findings.iter().filter(|f| f["file"] == file).map(|f| f["rule"].as_str().unwrap().to_string()).collect()
    };
    for fine in ["many-items.md", "long-body.md", "long-line.md"] {
        assert!(rules(fine).is_empty(), "{fine}: {:?}", rules(fine));
    }
    assert_eq!(rules("laughs.md"), BTreeSet::from(["yaml-syntax".to_string()]));
    assert_eq!(rules("nested.md"), BTreeSet::from(["yaml-syntax".to_string()]));
    assert_eq!(rules("huge.md"), BTreeSet::from(["unreadable-file".to_string()]));
    let message = |file: &str| {
        let file = format!("retros/{file}");
        findings.iter().find(|f| f["file"] == file).unwrap()["message"].as_str().unwrap().to_string()
    };
    assert!(message("laughs.md").contains("too many values"), "{}", message("laughs.md"));
    assert!(message("nested.md").contains("nested too deeply"), "{}", message("nested.md"));
    assert!(message("huge.md").contains("MiB limit"), "{}", message("huge.md"));

    // The limit is configurable, and the big retros build.
    std::fs::write(dir.path().join("book.toml"), "[check]\nmax_file_mb = 16\n").unwrap();
    std::fs::remove_file(dir.path().join("retros/laughs.md")).unwrap();
    std::fs::remove_file(dir.path().join("retros/nested.md")).unwrap();
    let (_, findings) = check_json(dir.path(), &[]);
    let huge: Vec<_> = findings.iter().filter(|f| f["file"] == "retros/huge.md").collect();
    assert!(huge.iter().all(|f| f["rule"] != "unreadable-file"), "{huge:?}");
    std::fs::remove_file(dir.path().join("retros/huge.md")).unwrap();
    let out = dir.path().join("site");
    let built =
        retrobook(dir.path(), &["build", "--today", "2026-11-27", "--out", out.to_str().unwrap()]).output().unwrap();
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let page = std::fs::read_to_string(out.join("retros/many-items.html")).unwrap();
    assert!(page.contains("id=\"AI-10000\""));
}

/// Front matter as people write it: a tab in indentation is reported where
/// the tab is; `~` or nothing after an optional key means "not set" (and
/// for a required key, missing); a plain scalar in a text field keeps the
/// author's spelling.
#[test]
fn yaml_as_people_write_it() {
    let base = "---\ntitle: Written by hand\nstatus: draft\nseverity: SEV3\nstarted_at: 2026-03-01\nauthors: [alice]\n";
    let tab = format!("{base}tags:\n  - one\n\t- two\n---\n");
    let nested_tab = format!("{base}timeline:\n  - at: 2026-03-01\n  \t  event: it began\n---\n");
    let unset = format!(
        "{base}resolved_at: ~\nmitigated_at:\ndetected_at: null\nfacilitator:\nservices: ~\n\
         tags: [kubernetes, 1.30, 0x2a, 1e3]\naction_items:\n  - id: AI-1\n    title: A fix\n    \
         owner: alice\n    status: open\n    due: ~\n    priority:\n---\n"
    );
    let required = "---\ntitle: ~\nstatus: draft\nseverity: SEV3\nstarted_at:\nauthors: [alice]\n\
                    timeline:\n  - at: 2026-03-01\n    event: ~\n---\n";
    let dir = temp_repo(
        "",
        &[
            ("retros/tab.md", tab.as_bytes()),
            ("retros/nested-tab.md", nested_tab.as_bytes()),
            ("retros/unset.md", unset.as_bytes()),
            ("retros/required.md", required.as_bytes()),
        ],
    );
    let (_, findings) = check_json(dir.path(), &[]);
    let of = |file: &str| -> Vec<(String, u64, u64)> {
        findings
            .iter()
            .filter(|f| f["file"] == format!("retros/{file}"))
            .map(|f| (f["rule"].as_str().unwrap().into(), f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
            .collect()
    };
    assert_eq!(of("tab.md"), [("yaml-syntax".to_string(), 9, 1)]);
    assert_eq!(of("nested-tab.md"), [("yaml-syntax".to_string(), 9, 3)]);
    assert!(of("unset.md").is_empty(), "{findings:#?}");
    let required: BTreeSet<(String, u64)> = of("required.md").into_iter().map(|(r, l, _)| (r, l)).collect();
    assert_eq!(
        required,
        BTreeSet::from([
            ("missing-key".to_string(), 1), // title, at the fence
            ("missing-key".to_string(), 5), // `started_at:` with nothing, where it stands
            ("missing-key".to_string(), 8), // the timeline entry without its event
        ]),
        "{findings:#?}"
    );
    let at_fence = findings.iter().filter(|f| f["file"] == "retros/required.md" && f["line"] == 1).count();
    assert_eq!(at_fence, 1);

    // The tags as written, in the site's data.
    let out = retrobook(dir.path(), &["build", "--allow-errors", "--out", dir.path().join("site").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let api: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("site/api/retros.json")).unwrap()).unwrap();
    let unset = api["retros"].as_array().unwrap().iter().find(|r| r["id"] == "unset").unwrap();
    assert_eq!(unset["tags"], serde_json::json!(["kubernetes", "1.30", "0x2a", "1e3"]));
    assert_eq!((&unset["resolved_at"], &unset["mitigated_at"]), (&Value::Null, &Value::Null));
}

/// Each bad value of `roles`, `detection` and `response` is a finding at
/// its own line and column, with "did you mean" where a word is close.
#[test]
fn response_keys_are_checked_at_their_line_and_column() {
    let (_, findings) = check_json(&fixture("rules"), &[]);
    let in_file: Vec<&Value> = findings.iter().filter(|f| f["file"] == "retros/response-keys.md").collect();
    let at = |line: u64, rule: &str| -> (u64, String) {
        let f = in_file.iter().find(|f| f["line"] == line && f["rule"] == rule);
        let f = f.unwrap_or_else(|| panic!("no {rule} on line {line}: {in_file:#?}"));
        let text = format!("{} {}", f["message"].as_str().unwrap(), f["hint"].as_str().unwrap_or(""));
        (f["column"].as_u64().unwrap(), text)
    };
    for (line, rule, column, words) in [
        (9, "unknown-owner", 31, "incident_commander `carol` is not in the roster"),
        (10, "invalid-value", 3, "role `comms` is not one of"),
        (13, "invalid-value", 11, "did you mean `alert`?"),
        (17, "invalid-value", 11, "`went` must be `well`, `poorly` or `lucky`, found `badly`"),
        (20, "unaddressed-factor", 9, "`stale-runbook` went poorly and no action item addresses it"),
        (22, "invalid-value", 15, "did you mean `tooling`?"),
        (24, "duplicate-id", 9, "response observation id `stale-runbook` is used twice"),
        (27, "blameless-language", 18, "\"Bob forgot\""),
        (32, "duplicate-id", 9, "is also a contributing factor's id"),
        (36, "missing-key", 5, "missing required key `went`"),
        (51, "unknown-factor", 50, "did you mean `slow-page`?"),
    ] {
        let (found, text) = at(line, rule);
        assert_eq!(found, column, "line {line} {rule}: {text}");
        assert!(text.contains(words), "line {line}: {text}");
    }
    // `warm-primary` (lucky) and `slow-page` (its `went` invalid, kept so
    // items naming it resolve) are not unknown factors; lucky needs no item.
    assert_eq!(in_file.iter().filter(|f| f["rule"] == "unknown-factor").count(), 1);
}

/// A SEV1/SEV2 in review or published without an incident commander or a
/// detection source is a `response-record` warning at its severity, once
/// book.toml has `[response]`; a draft, a SEV3 and a book without the
/// section are left alone; the level is configurable.
#[test]
fn response_record_asks_a_reviewed_sev1_for_its_commander_and_detection() {
    let sev1 = valid_retro("Sev1").replace("severity: SEV3", "severity: SEV1");
    let recorded = sev1.replace(
        "authors: [alice]\n",
        "authors: [alice]\nroles:\n  incident_commander: alice\ndetection:\n  source: customer\n",
    );
    let no_source = sev1.replace("authors: [alice]\n", "authors: [alice]\nroles: {incident_commander: [alice]}\n");
    let draft = sev1.replace("status: published", "status: draft");
    let sev3 = valid_retro("Sev3");
    let files = [
        ("retros/a.md", sev1.as_bytes()),
        ("retros/b.md", recorded.as_bytes()),
        ("retros/c.md", no_source.as_bytes()),
        ("retros/d.md", draft.as_bytes()),
        ("retros/e.md", sev3.as_bytes()),
    ];
    let found = |config: &str| {
        let dir = temp_repo(config, &files);
        let (code, findings) = check_json(dir.path(), &[]);
        let found: Vec<(String, u64, u64, String, String)> = findings
            .iter()
            .filter(|f| f["rule"] == "response-record")
            .map(|f| {
                let s = |k: &str| f[k].as_str().unwrap().to_string();
                (s("file"), f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap(), s("severity"), s("message"))
            })
            .collect();
        (code, found)
    };
    assert_eq!(found("").1, [], "without [response] the rule is quiet");
    let (code, found_on) = found("[response]\n");
    assert_eq!(code, 0, "a warning");
    let msg = |f: &(String, u64, u64, String, String)| f.4.clone();
    assert_eq!(found_on.len(), 2, "{found_on:#?}");
    assert_eq!((found_on[0].0.as_str(), found_on[0].1, found_on[0].2), ("retros/a.md", 4, 11));
    assert!(msg(&found_on[0]).contains("published SEV1 retro names no incident commander and no detection source"));
    assert_eq!(found_on[1].0, "retros/c.md");
    assert!(msg(&found_on[1]).contains("names no detection source"), "{found_on:#?}");
    let (code, errors) = found("[response]\n[check.rules]\nresponse-record = \"error\"\n");
    assert_eq!((code, errors.len(), errors[0].3.as_str()), (1, 2, "error"));
    let (_, sev3_too) = found("[response.targets]\nseverities = [\"SEV3\"]\n");
    assert_eq!(sev3_too.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(), ["retros/e.md"]);
}
