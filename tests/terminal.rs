//! What people see in the terminal: `build` shows every error but only the
//! first few warnings of each rule, with counts by rule (all with `-v`, only
//! errors with `-q`); `check` prints every finding, as CI needs; piped
//! output carries no progress line.

mod common;

use common::*;
use std::path::Path;

const WARNINGS: usize = 8;
const ERRORS: usize = 5;

/// A repo whose every retro has an overdue action item and blameless-language
/// wording (two warning rules, `WARNINGS` each); the first `errors` retros
/// also lack an owner (an error).
fn noisy_repo(errors: usize) -> tempfile::TempDir {
    let retros: Vec<(String, String)> = (0..WARNINGS)
        .map(|i| {
            let mut text = valid_retro(&format!("Retro {i}"))
                .replace("due: 2027-01-01", "due: 2026-01-01")
                .replace("Body text.", "The root cause was a configuration change.");
            if i < errors {
                text = text.replace("    owner: alice\n", "");
            }
            (format!("retros/r{i}.md"), text)
        })
        .collect();
    let inputs: Vec<(&str, &[u8])> = retros.iter().map(|(p, t)| (p.as_str(), t.as_bytes())).collect();
    temp_repo("", &inputs)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(root: &Path, args: &[&str]) -> Run {
    let out = root.join("site");
    let mut all = args.to_vec();
    all.extend(["--today", "2026-11-27"]);
    if args[0] == "build" {
        all.extend(["--out", out.to_str().unwrap()]);
    }
    let result = retrobook(root, &all).output().expect("runs");
    Run {
        code: result.status.code().expect("exit code"),
        stdout: String::from_utf8_lossy(&result.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&result.stderr).into_owned(),
    }
}

/// Findings printed in full (each has a header like `warning[rule]:`).
fn shown(stdout: &str, level: &str, rule: &str) -> usize {
    stdout.matches(&format!("{level}[{rule}]: ")).count()
}

#[test]
fn build_shows_the_first_warnings_of_each_rule_and_counts_them_all() {
    let repo = noisy_repo(0);
    let build = run(repo.path(), &["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    for rule in ["overdue-action", "blameless-language"] {
        assert_eq!(shown(&build.stdout, "warning", rule), 3, "{rule}: {}", build.stdout);
        let count = build.stdout.lines().find(|l| l.trim_start().starts_with(rule)).expect("a count line");
        let numbers: Vec<&str> = count.split(|c: char| !c.is_ascii_digit()).filter(|n| !n.is_empty()).collect();
        assert_eq!(numbers, [WARNINGS.to_string(), (WARNINGS - 3).to_string()], "{count}");
    }
    assert!(build.stdout.contains("warnings by rule"), "{}", build.stdout);
    assert!(build.stderr.contains(&format!("{} warnings", 2 * WARNINGS)), "{}", build.stderr);

    let verbose = run(repo.path(), &["build", "-v"]);
    assert_eq!(verbose.code, 0, "{}", verbose.stderr);
    for rule in ["overdue-action", "blameless-language"] {
        assert_eq!(shown(&verbose.stdout, "warning", rule), WARNINGS, "{rule}: {}", verbose.stdout);
    }
    assert!(!verbose.stdout.contains("warnings by rule"), "nothing held back: {}", verbose.stdout);

    let check = run(repo.path(), &["check"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    for rule in ["overdue-action", "blameless-language"] {
        assert_eq!(shown(&check.stdout, "warning", rule), WARNINGS, "{rule}: {}", check.stdout);
    }
    assert!(!check.stdout.contains("warnings by rule"));
}

#[test]
fn build_shows_every_error_and_quiet_shows_only_errors() {
    let repo = noisy_repo(ERRORS);
    let build = run(repo.path(), &["build", "--allow-errors"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert_eq!(shown(&build.stdout, "error", "remediation-owner"), ERRORS, "{}", build.stdout);
    assert_eq!(shown(&build.stdout, "warning", "overdue-action"), 3, "{}", build.stdout);

    let quiet = run(repo.path(), &["build", "-q", "--allow-errors"]);
    assert_eq!(quiet.code, 0, "{}", quiet.stderr);
    assert_eq!(shown(&quiet.stdout, "error", "remediation-owner"), ERRORS, "{}", quiet.stdout);
    assert!(!quiet.stdout.contains("warning"), "{}", quiet.stdout);
    assert_eq!(quiet.stderr, "");

    let stopped = run(repo.path(), &["build", "-q"]);
    assert_eq!(stopped.code, 1);
    assert_eq!(shown(&stopped.stdout, "error", "remediation-owner"), ERRORS, "{}", stopped.stdout);
    assert!(stopped.stderr.contains("the site was not built"), "{}", stopped.stderr);

    // Machines get every finding whatever the flags.
    let json = run(repo.path(), &["build", "-q", "--allow-errors", "--format", "json"]);
    let findings: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(findings.as_array().unwrap().len(), ERRORS + 2 * WARNINGS);
}

/// The progress line is for terminals: piped stderr gets none of it, only
/// the lines it always had.
#[test]
fn piped_output_has_no_progress_line() {
    let repo = noisy_repo(0);
    let build = run(repo.path(), &["build"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    for text in [&build.stdout, &build.stderr] {
        assert!(!text.contains('\r') && !text.contains('\x1b'), "{text:?}");
        assert!(!text.contains("writing pages") && !text.contains("loading and checking"), "{text:?}");
    }
    // Notices (a feed left out without a full base URL) are not progress.
    let lines: Vec<&str> = build.stderr.lines().filter(|l| !l.starts_with("note: ")).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("checked 8 retros") && lines[1].starts_with("built 8 retros"), "{lines:?}");
}
