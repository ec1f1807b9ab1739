//! Runs the browser tests (tests/browser/, Playwright driving Debian's
//! Chromium): site.test.mjs and search.test.mjs against this repository's
//! example site, built fresh, phone.test.mjs against it and the long-span
//! fixture (390×844, the insights), header.test.mjs against it (one header
//! row at 1280 px and below), xss.test.mjs against the XSS fixture, and
//! serve.test.mjs against `retrobook serve` (live reload, error overlay);
//! then the Nu Html Checker (vnu-jar) on every page of those sites and of
//! the rules fixture.
//!
//! They need `chromium`, Java and `npm ci` in tests/browser. Under CI (`CI` set)
//! or with `RETROBOOK_BROWSER_TESTS=1` a missing piece is a failure;
//! elsewhere the test says what is missing and passes, so `cargo test`
//! works on a machine without a browser.

mod common;

use std::path::Path;
use std::process::Command;

#[test]
fn browser_suite_passes_on_the_example_site() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let required = std::env::var_os("CI").is_some() || std::env::var_os("RETROBOOK_BROWSER_TESTS").is_some();
    let missing: Vec<&str> = [
        (!Path::new("/usr/bin/chromium").exists()).then_some("/usr/bin/chromium (apt-get install chromium)"),
        (!dir.join("node_modules/playwright-core").exists())
            .then_some("tests/browser/node_modules (npm ci in tests/browser)"),
        Command::new("node").arg("--version").output().is_err().then_some("node"),
        Command::new("java").arg("-version").output().is_err().then_some("java (apt-get install default-jre-headless)"),
        (!dir.join("node_modules/vnu-jar/build/dist/vnu.jar").exists())
            .then_some("tests/browser/node_modules/vnu-jar (npm ci in tests/browser)"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !missing.is_empty() {
        assert!(!required, "browser tests required but missing: {}", missing.join(", "));
        eprintln!("skipping browser tests; missing: {}", missing.join(", "));
        return;
    }

    let site = tempfile::tempdir().unwrap();
    let out = site.path().join("site");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let build =
        common::retrobook(root, &["build", "--today", "2026-11-27", "--out", out.to_str().unwrap()]).output().unwrap();
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));

    node_suite(&dir, "site.test.mjs", &[("RETROBOOK_SITE", &out)]);

    // The reviewer's pages: the example retros again with four entries a
    // page, so every list spans pages and filters must find later items.
    let paged_repo = site.path().join("paged-repo");
    std::fs::create_dir_all(&paged_repo).unwrap();
    common::copy_dir(&root.join("retros"), &paged_repo.join("retros"));
    let book = std::fs::read_to_string(root.join("book.toml")).unwrap();
    std::fs::write(paged_repo.join("book.toml"), book.replacen("[build]\n", "[build]\npage_size = 4\n", 1)).unwrap();
    let paged = site.path().join("paged");
    // With a Jira export of the example retros' tickets, some of which
    // tell another story than their items (the "disagrees" filter).
    let export = common::fixture("tracker").join("tracker/example-jira.csv");
    let build = common::retrobook(
        &paged_repo,
        &["build", "--today", "2026-11-27", "--out", paged.to_str().unwrap(), "--tracker", export.to_str().unwrap()],
    )
    .output()
    .unwrap();
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let book = root.join("book.toml");
    node_suite(
        &dir,
        "actions.test.mjs",
        &[("RETROBOOK_SITE", &out), ("RETROBOOK_PAGED_SITE", &paged), ("RETROBOOK_BOOK", &book)],
    );

    // Search: the example site, and the XSS fixture for injected markup.
    let xss = built_fixture("xss", site.path());
    let relevance = root.join("tests/fixtures/search/relevance.json");
    let tokens = rust_query_terms(site.path(), &relevance);
    node_suite(
        &dir,
        "search.test.mjs",
        &[
            ("RETROBOOK_SITE", &out),
            ("RETROBOOK_XSS_SITE", &xss),
            ("RETROBOOK_RELEVANCE", &relevance),
            ("RETROBOOK_TOKENS", &tokens),
        ],
    );
    // Every page of the XSS fixture, and its search results: no payload runs.
    node_suite(&dir, "xss.test.mjs", &[("RETROBOOK_XSS_SITE", &xss)]);
    // Every page valid HTML, by the W3C's own checker: the example site,
    // its paged build (pagers, archives), the XSS fixture and the rules
    // fixture (every kind of broken retro, built with --allow-errors).
    // Phones (390×844) and the insights page, on the example site and on
    // a repo whose incidents span seven years.
    let long = built_fixture("long-span", site.path());
    node_suite(&dir, "phone.test.mjs", &[("RETROBOOK_SITE", &out), ("RETROBOOK_LONG_SITE", &long)]);
    // The header: one row at 1280 px and between desktop and phone.
    node_suite(&dir, "header.test.mjs", &[("RETROBOOK_SITE", &out)]);
    let rules = built_fixture("rules", site.path());
    html_is_valid(&dir, &[&out, &paged, &xss, &rules, &long]);

    serve_suite(&dir);
}

/// The site of fixture `name`, built with --allow-errors into `parent/name`.
fn built_fixture(name: &str, parent: &Path) -> std::path::PathBuf {
    let out = parent.join(name);
    let build = common::retrobook(
        &common::fixture(name),
        &["build", "--allow-errors", "--today", "2026-11-27", "--out", out.to_str().unwrap()],
    )
    .output()
    .unwrap();
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    out
}

/// The Nu Html Checker (vnu-jar from npm, run with Java) on every page of
/// the built sites: any error fails, with the checker's report.
fn html_is_valid(dir: &Path, sites: &[&Path]) {
    let run = Command::new("java")
        .args(["-jar", "node_modules/vnu-jar/build/dist/vnu.jar", "--errors-only", "--skip-non-html"])
        .args(sites)
        .current_dir(dir)
        .output()
        .expect("java runs");
    let report = format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success() && report.trim().is_empty(), "the Nu Html Checker found errors:\n{report}");
    eprintln!("vnu: every page of {} sites is valid HTML", sites.len());
}

/// Run one test file of tests/browser with node's test runner; fail with
/// its report.
/// The Rust tokenizer's terms for tricky queries and the judged ones, and
/// the Rust evaluator's top 3 for each judged query, for search.test.mjs to
/// compare with search.js's: the two must agree, or the client looks up
/// terms the index never made and ranks otherwise than the tests judged.
fn rust_query_terms(dir: &Path, relevance: &Path) -> std::path::PathBuf {
    let set: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(relevance).unwrap()).unwrap();
    let tricky = [
        "The US-East-1 outage of checkout",
        "INC-2298: p99 latency…",
        "  --x_ ab..cd ef-_gh i-J9 .. ",
        "ÉTÉ Straße à la carte",
        "e\u{301}te\u{301} naïve cafe\u{301}",
        "ⅻ ² ١٢٣ 東京 リトライ",
        "https://t.example.com/browse/OPS-12?x=1",
        "a I the an sev1 SEV1 sev-1",
        "\u{130}stanbul \u{3a3}\u{39f}\u{3a3}",
    ];
    let queries = tricky
        .iter()
        .map(|q| q.to_string())
        .chain(set["queries"].as_array().unwrap().iter().map(|c| c["q"].as_str().unwrap().to_string()));
    let pairs: Vec<(String, Vec<String>)> = queries
        .map(|q| {
            let terms = retrobook::query_terms(&q);
            (q, terms)
        })
        .collect();
    // The Rust evaluator's top 3 for each judged query, for the client to match.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repo = retrobook::load_repo(root).unwrap();
    let mut order: Vec<usize> = (0..repo.retros.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(repo.retros[i].started_at.as_ref().map(|s| s.value.date())));
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let index = retrobook::SearchIndex::build(&repo.retros, &order, today, &repo.config);
    let top: serde_json::Map<String, serde_json::Value> = set["queries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let q = c["q"].as_str().unwrap();
            let ids: Vec<&str> = index
                .query(q, &[], true)
                .iter()
                .take(3)
                .map(|&d| repo.retros[order[d as usize]].id.value.as_str())
                .collect();
            (q.to_string(), serde_json::json!(ids))
        })
        .collect();
    let path = dir.join("query-terms.json");
    std::fs::write(&path, serde_json::json!({"terms": pairs, "top": top}).to_string()).unwrap();
    path
}

fn node_suite(dir: &Path, file: &str, env: &[(&str, &Path)]) {
    let mut command = Command::new("node");
    command.args(["--test", file]).current_dir(dir);
    for (key, value) in env {
        command.env(key, value);
    }
    let run = command.output().unwrap();
    let report = format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "{file} failed:\n{report}");
    eprintln!("{file}: {}", report.lines().filter(|l| l.starts_with("# ")).collect::<Vec<_>>().join(", "));
}

/// `serve` on a temporary copy of the clean fixture, with a browser open
/// on one of its pages while serve.test.mjs edits the retro.
fn serve_suite(dir: &Path) {
    use std::io::BufRead;
    let repo = tempfile::tempdir().unwrap();
    common::copy_dir(&common::fixture("clean"), repo.path());
    let mut server = Command::new(assert_cmd::cargo::cargo_bin("retrobook"))
        .args(["--root", repo.path().to_str().unwrap(), "serve", "--port", "0", "--today", "2026-11-27"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(server.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.split_whitespace().find(|w| w.starts_with("http://")).expect("the URL is printed").to_string();
    let run = Command::new("node")
        .args(["--test", "serve.test.mjs"])
        .current_dir(dir)
        .env("RETROBOOK_SERVE_URL", &url)
        .env("RETROBOOK_SERVE_ROOT", repo.path())
        .output()
        .unwrap();
    let _ = server.kill();
    let _ = server.wait();
    let report = format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "serve browser tests failed:\n{report}");
    eprintln!("{}", report.lines().filter(|l| l.contains("# ")).collect::<Vec<_>>().join("\n"));
}
