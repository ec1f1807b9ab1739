//! `retrobook build` on fixture repos: every page type is written with the
//! right content, every internal link and anchor resolves, output is
//! byte-identical across builds, unsafe output folders are refused without
//! deleting anything, failed builds leave the previous site, and hostile
//! input ends up inert.

mod common;

use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn build(root: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["build", "--today", "2026-11-27", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    retrobook(root, &args).output().expect("runs")
}

fn built(root: &Path, extra: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = build(root, &dir.path().join("site"), extra);
    assert!(out.status.success(), "build failed: {}", String::from_utf8_lossy(&out.stderr));
    dir
}

fn read(site: &Path, path: &str) -> String {
    std::fs::read_to_string(site.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_page_type_is_written_with_its_content() {
    let dir = built(&fixture("clean"), &[]);
    let site = dir.path().join("site");
    for page in [
        "index.html",
        "retros/index.html",
        "retros/inc-101-cache-failover.html",
        "retros/2025-11-02-cache-warmup.html",
        "retros/draft.html",
        "actions.html",
        "insights.html",
        "owners/index.html",
        "owners/sre.html",
        "owners/alice.html",
        "services/index.html",
        "services/checkout.html",
        "teams/index.html",
        "teams/payments.html",
        "tags/index.html",
        "tags/caching.html",
        "categories/index.html",
        "categories/capacity.html",
        "404.html",
        "api/retros.json",
        "api/actions.json",
        "actions.csv",
        "static/style.css",
        "static/retrobook.js",
        retrobook::MARKER,
    ] {
        assert!(site.join(page).is_file(), "missing {page}");
    }

    let retro = read(&site, "retros/inc-101-cache-failover.html");
    for expected in [
        "Checkout latency after a cache failover",
        "SEV2",
        "published",
        "Time to detect</dt><dd>6 min",
        "Time to mitigate</dt><dd>30 min",
        "Time to resolve</dt><dd>1 h 00 min",
        "<strong>cache</strong>",
        "<code>eu-west-1</code>",
        "id=\"factor-cold-replica\"",
        "Addressed by <a href=\"#AI-1\">AI-1</a>",
        "Background condition",
        "class=\"tl tl-trigger",
        "tl-before",
        "approximate time",
        "id=\"AI-1\"",
        "https://tracker.example.com/browse/OPS-1",
        "id=\"what-happened\"",
        "class=\"language-bash\"",
        "type=\"checkbox\"",
        "footnote",
        "This incident is a recurrence of",
        "https://example.com/edit/retros/2026/2026-03-01-cache-failover.md",
        "Alice Ng (alice)",
        "href=\"../services/checkout.html\"",
    ] {
        assert!(retro.contains(expected), "retro page lacks {expected:?}");
    }
    // Links in the body point at the rendered pages.
    assert!(
        retro.contains("href=\"../retros/2025-11-02-cache-warmup.html#what-happened\""),
        "relative .md link rewritten"
    );
    assert!(retro.contains(">Slow cache warm-up after a deploy</a>"), "[[id]] shows the target's title");
    assert!(retro.contains(">its write-up</a>"), "[[id|text]] keeps its text");
    assert!(retro.contains("2025-11-02-cache-warmup.html#AI-1"), "[[id#item]] links the item");

    let earlier = read(&site, "retros/2025-11-02-cache-warmup.html");
    assert!(earlier.contains("This failure happened again"), "recurrences");
    assert!(!earlier.contains("Referenced by"), "a recurrence is not repeated as a backlink");
    let referenced = retro.split("Referenced by").nth(1).expect("backlinks");
    assert!(referenced.contains("Draft about a flaky DNS resolver"), "the draft links here");

    let actions = read(&site, "actions.html");
    assert!(actions.contains("id=\"action-filters\" hidden"), "filters only with JavaScript");
    assert!(actions.contains("<option value=\"sre\">"), "owners to filter by");
    assert!(actions.contains("as of <time datetime=\"2026-11-27\">"), "overdue says when it was judged");
    let home = read(&site, "index.html");
    assert!(home.contains("Recent retrospectives") && home.contains("open action items"));
    assert!(home.contains("Who owes what") && home.contains("accountability.html"));
    let insights = read(&site, "insights.html");
    assert_eq!(insights.matches("<svg").count(), 5, "five charts");
    assert!(insights.contains("Median time to detect"));

    let api: serde_json::Value = serde_json::from_str(&read(&site, "api/retros.json")).unwrap();
    assert_eq!(api["retros"].as_array().unwrap().len(), 3);
    let actions: serde_json::Value = serde_json::from_str(&read(&site, "api/actions.json")).unwrap();
    assert_eq!(actions["action_items"].as_array().unwrap().len(), 3);
    let csv = read(&site, "actions.csv");
    assert!(csv.starts_with("retro,id,title,owner,status,overdue,due"));
    assert_eq!(csv.lines().count(), 4);

    // A category's page lists its factors with where they come from.
    let category = read(&site, "categories/capacity.html");
    assert!(category.contains("The replica was promoted with an empty cache."), "{category}");
    assert!(category.contains("href=\"../retros/inc-101-cache-failover.html#factor-cold-replica\""));
    assert!(category.contains("1 action item"), "what addresses it");
    // A service's page lists its retros compactly and their open items.
    let service = read(&site, "services/checkout.html");
    assert!(service.contains("class=\"retro-table\"") && service.contains("Checkout latency after a cache failover"));
    assert!(service.contains("href=\"../actions.html?service=checkout&amp;status=pending\""), "{service}");
}

/// Every `href`/`src` of every page points at a file of the site, and
/// every `#fragment` at an element id of that page.
#[test]
fn every_internal_link_and_anchor_resolves() {
    let roots = [
        ("clean", fixture("clean")),
        ("this repo", PathBuf::from(env!("CARGO_MANIFEST_DIR"))),
        // Items naming response observations, and the response page's links to them.
        ("format", fixture("format")),
        ("response", fixture("response")),
    ];
    for (name, root) in roots {
        let dir = built(&root, &[]);
        let site = dir.path().join("site");
        let all = files(&site);
        let ids = |path: &str| -> BTreeSet<String> {
            let text = String::from_utf8_lossy(&all[path]);
            text.split(" id=\"").skip(1).map(|s| s.split('"').next().unwrap().to_string()).collect()
        };
        let mut broken = Vec::new();
        for (path, bytes) in all.iter().filter(|(p, _)| p.ends_with(".html")) {
            let text = String::from_utf8_lossy(bytes);
            for attr in ["href=\"", "src=\""] {
                for link in text.split(attr).skip(1).map(|s| s.split('"').next().unwrap().replace("&amp;", "&")) {
                    if link.contains("://") || link.starts_with("mailto:") || link.starts_with("data:") {
                        continue;
                    }
                    let (file, fragment) = link.split_once('#').map(|(f, a)| (f, Some(a))).unwrap_or((&link, None));
                    // A query string (filters of the action list) is not part of the file.
                    let file = file.split_once('?').map(|(f, _)| f).unwrap_or(file);
                    let target = if file.is_empty() {
                        path.clone()
                    } else {
                        let base = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
                        match retrobook::normalize_link(base, file) {
                            Some(t) => t,
                            None => {
                                broken.push(format!("{path}: {link} leaves the site"));
                                continue;
                            }
                        }
                    };
                    if !all.contains_key(&target) {
                        broken.push(format!("{path}: {link} -> missing {target}"));
                    } else if let Some(fragment) = fragment.filter(|f| !f.is_empty())
                        && target.ends_with(".html")
                        && !ids(&target).contains(fragment)
                    {
                        broken.push(format!("{path}: {link} -> no id {fragment} in {target}"));
                    }
                }
            }
        }
        assert!(broken.is_empty(), "{name}: broken links:\n{}", broken.join("\n"));
    }
}

#[test]
fn the_same_input_builds_the_same_bytes() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let a = built(&root, &[]);
    let b = built(&root, &[]);
    let (fa, fb) = (files(&a.path().join("site")), files(&b.path().join("site")));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (path, bytes) in &fa {
        assert!(bytes == &fb[path], "{path} differs between two builds");
    }
}

#[test]
fn unsafe_output_folders_are_refused_and_nothing_is_deleted() {
    let repo = temp_repo("", &[("retros/a.md", valid_retro("A").as_bytes()), ("notes/keep.txt", b"mine")]);
    let root = repo.path();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("precious.txt"), "x").unwrap();
    let cases: Vec<(PathBuf, &str)> = vec![
        (root.to_path_buf(), "repository root"),
        (root.parent().unwrap().to_path_buf(), "above it"),
        (root.join("retros"), "retros folder"),
        (root.join("retros/site"), "retros folder"),
        (root.join("notes"), "not empty"),
        (home.path().to_path_buf(), "home folder"),
        (PathBuf::from("/"), "root"),
    ];
    for (out, why) in cases {
        let result =
            retrobook(root, &["build", "--out", out.to_str().unwrap()]).env("HOME", home.path()).output().unwrap();
        assert_eq!(result.status.code(), Some(2), "{} was not refused", out.display());
        let err = String::from_utf8_lossy(&result.stderr);
        assert!(err.contains("refusing") && err.contains(why), "{}: {err}", out.display());
    }
    assert_eq!(std::fs::read_to_string(root.join("notes/keep.txt")).unwrap(), "mine");
    assert!(root.join("retros/a.md").is_file() && home.path().join("precious.txt").is_file());
    // An empty folder, and a folder a previous build made, are fine.
    std::fs::create_dir(root.join("empty")).unwrap();
    assert!(build(root, &root.join("empty"), &[]).status.success());
    assert!(build(root, &root.join("empty"), &[]).status.success(), "rebuilds over its own output");
}

/// A rebuild links the files whose bytes did not change from the previous
/// site (same inode) and writes the others anew.
#[cfg(unix)]
#[test]
fn a_rebuild_reuses_unchanged_files_and_rewrites_changed_ones() {
    use std::os::unix::fs::MetadataExt;
    let repo = temp_repo(
        "",
        &[("retros/a.md", valid_retro("Alpha").as_bytes()), ("retros/b.md", valid_retro("Beta").as_bytes())],
    );
    let (root, out) = (repo.path(), repo.path().join("site"));
    assert!(build(root, &out, &[]).status.success());
    let inode = |path: &str| std::fs::metadata(out.join(path)).unwrap().ino();
    let (a, b) = (inode("retros/a.html"), inode("retros/b.html"));
    std::fs::write(root.join("retros/b.md"), valid_retro("Beta, renamed")).unwrap();
    assert!(build(root, &out, &[]).status.success());
    assert_eq!(inode("retros/a.html"), a, "unchanged page reused");
    assert_ne!(inode("retros/b.html"), b, "changed page written anew");
    assert!(read(&out, "retros/b.html").contains("Beta, renamed"));
    assert!(read(&out, "retros/a.html").contains("Alpha"));
    let stray: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".site."))
        .collect();
    assert!(stray.is_empty(), "no staging or old folders left");
}

/// A build killed midway (power cut, OOM killer, Ctrl-C) leaves the
/// previous site as it was, and the next build cleans up after it.
#[cfg(unix)]
#[test]
fn an_interrupted_build_leaves_the_previous_site_intact() {
    let titles: Vec<(String, String)> =
        (0..400).map(|i| (format!("retros/r{i:03}.md"), valid_retro(&format!("Retro {i}")))).collect();
    let inputs: Vec<(&str, &[u8])> = titles.iter().map(|(p, t)| (p.as_str(), t.as_bytes())).collect();
    let repo = temp_repo("", &inputs);
    let (root, out) = (repo.path(), repo.path().join("site"));
    assert!(build(root, &out, &[]).status.success());
    let before = files(&out);
    std::fs::write(root.join("retros/r000.md"), valid_retro("Changed")).unwrap();

    let staging = || {
        std::fs::read_dir(root)
            .unwrap()
            .filter_map(|e| e.ok())
            .find(|e| e.file_name().to_string_lossy().starts_with(".site.tmp-"))
            .map(|e| e.path())
    };
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("retrobook"))
        .args(["--root", root.to_str().unwrap(), "build", "--today", "2026-11-27", "--out", out.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once it is writing the new site.
    let started = std::time::Instant::now();
    while staging().is_none_or(|dir| std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0) < 3) {
        assert!(started.elapsed().as_secs() < 60, "the build never started writing");
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(files(&out), before, "the previous site is untouched");

    // The killed build held the output's lock: the system let it go.
    let next = build(root, &out, &["--no-wait"]);
    assert!(next.status.success(), "{}", String::from_utf8_lossy(&next.stderr));
    assert!(read(&out, "retros/r000.html").contains("Changed"));
    let leftovers: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".site."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let repo = temp_repo("", &[("retros/a.md", valid_retro("First title").as_bytes())]);
    let root = repo.path();
    let out = root.join("site");
    let first = build(root, &out, &[]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let before = files(&out);
    assert!(String::from_utf8_lossy(&before["retros/a.html"]).contains("First title"));

    // A finding at error level stops the build before the output is touched.
    let broken = valid_retro("Second title").replace("    owner: alice\n", "");
    std::fs::write(root.join("retros/a.md"), broken).unwrap();
    let result = build(root, &out, &[]);
    assert_eq!(result.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&result.stdout).contains("remediation-owner"));
    assert_eq!(files(&out), before);

    // A broken template fails the build (exit 2) and keeps the old site.
    std::fs::write(root.join("retros/a.md"), valid_retro("Third title")).unwrap();
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(root.join("templates/retro.html"), "{% extends \"base.html\" %}{% block content %}{{ retro. }}")
        .unwrap();
    let result = build(root, &out, &[]);
    assert_eq!(result.status.code(), Some(2), "{}", String::from_utf8_lossy(&result.stderr));
    assert_eq!(files(&out), before);
    let leftovers: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // --allow-errors builds anyway.
    std::fs::remove_dir_all(root.join("templates")).unwrap();
    std::fs::write(root.join("retros/a.md"), valid_retro("Fourth title").replace("    owner: alice\n", "")).unwrap();
    let result = build(root, &out, &["--allow-errors"]);
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    assert!(read(&out, "retros/a.html").contains("Fourth title"));
}

#[test]
fn templates_and_theme_files_can_be_overridden() {
    let repo = temp_repo(
        "[build]\ntheme = \"night\"\n",
        &[
            ("retros/a.md", valid_retro("A").as_bytes()),
            ("templates/404.html", b"{% extends \"base.html\" %}{% block content %}<p>Custom 404 for {{ site.title }}</p>{% endblock content %}"),
            ("themes/night/templates/insights.html", b"{% extends \"base.html\" %}{% block content %}<p>Theme insights</p>{% endblock content %}"),
            ("themes/night/static/style.css", b"body { background: black; }"),
            ("themes/night/static/img/logo.svg", b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
        ],
    );
    let dir = built(repo.path(), &[]);
    let site = dir.path().join("site");
    assert!(read(&site, "404.html").contains("Custom 404 for Incident retrospectives"));
    assert!(read(&site, "insights.html").contains("Theme insights"));
    assert_eq!(read(&site, "static/style.css"), "body { background: black; }");
    assert!(site.join("static/img/logo.svg").is_file());
    assert!(read(&site, "static/retrobook.js").len() > 10, "built-in files the theme does not override stay");
}

/// The tags of an HTML document: (name, [(attribute, value)]). Text is
/// escaped in our output, so every `<` starts a tag or a comment.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    for chunk in html.split('<').skip(1) {
        let name: String = chunk.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '/' || *c == '!').collect();
        let mut attrs = Vec::new();
        let mut i = name.len();
        let bytes = chunk.as_bytes();
        while i < bytes.len() && bytes[i] != b'>' {
            if bytes[i].is_ascii_whitespace() || bytes[i] == b'/' {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'=' | b'>') {
                i += 1;
            }
            let attr = chunk[start..i].to_ascii_lowercase();
            let mut value = String::new();
            if i < bytes.len() && bytes[i] == b'=' {
                i += 1;
                if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                    let quote = bytes[i];
                    let end = chunk[i + 1..].find(quote as char).map(|e| i + 1 + e).unwrap_or(bytes.len());
                    value = chunk[i + 1..end].to_string();
                    i = end + 1;
                } else {
                    let end =
                        chunk[i..].find(|c: char| c.is_whitespace() || c == '>').map(|e| i + e).unwrap_or(bytes.len());
                    value = chunk[i..end].to_string();
                    i = end;
                }
            }
            attrs.push((attr, value));
        }
        out.push((name.to_ascii_lowercase(), attrs));
    }
    out
}

#[test]
fn hostile_input_ends_up_inert() {
    // A full base URL, so that the feed is built and its escaping checked.
    let dir = built(&fixture("xss"), &["--allow-errors", "--base-url", "https://example.com/"]);
    let site = dir.path().join("site");
    let mut problems = Vec::new();
    for (path, bytes) in files(&site) {
        let text = String::from_utf8_lossy(&bytes);
        if text.contains("1337") {
            problems.push(format!("{path}: a value was evaluated as a template"));
        }
        if !path.ends_with(".html") {
            continue;
        }
        for (name, attrs) in tags(&text) {
            let attr = |n: &str| attrs.iter().find(|(a, _)| a == n).map(|(_, v)| v.as_str());
            let allowed = match name.as_str() {
                "script" => attr("src").is_some_and(|s| {
                    ["static/retrobook.js", "static/search.js", "actions/data/manifest.js"]
                        .iter()
                        .any(|f| s.ends_with(f))
                }),
                "form" => {
                    matches!(attr("id"), Some("action-filters" | "search-page"))
                        || attr("class") == Some("site-search")
                            && attr("action").is_some_and(|a| a.ends_with("search.html"))
                }
                "svg" => attr("class") == Some("chart-svg"),
                "iframe" | "object" | "embed" | "math" | "style" | "base" | "frame" | "frameset" => false,
                "meta" => attr("http-equiv").is_none(),
                _ => true,
            };
            if !allowed {
                problems.push(format!("{path}: <{name}> {attrs:?}"));
            }
            for (a, v) in &attrs {
                let v = v.replace("&#x3a;", ":").replace("&colon;", ":").trim().to_ascii_lowercase();
                let url_attr =
                    matches!(a.as_str(), "href" | "src" | "action" | "formaction" | "xlink:href" | "poster" | "srcset");
                let bad_url =
                    ["javascript:", "vbscript:", "data:text", "data:image/svg"].iter().any(|p| v.starts_with(p));
                if a.starts_with("on") || (url_attr && bad_url) || a == "style" && !v.starts_with("text-align") {
                    problems.push(format!("{path}: <{name} {a}=\"{v}\">"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let page = read(&site, "retros/payloads.html");
    assert!(page.contains("&lt;script&gt;alert("), "the title is shown as text");
    assert!(page.contains("{{ 7*191 }}"), "template syntax in values is shown literally");
    assert!(read(&site, "atom.xml").contains("&lt;script&gt;"));
}

#[test]
fn base_url_and_sub_paths() {
    let dir = built(&fixture("clean"), &["--base-url", "https://example.com/retros"]);
    let site = dir.path().join("site");
    let sitemap = read(&site, "sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.com/retros/retros/inc-101-cache-failover.html</loc>"), "{sitemap}");
    assert!(read(&site, "atom.xml").contains("href=\"https://example.com/retros/retros/inc-101-cache-failover.html\""));
    let retro = read(&site, "retros/inc-101-cache-failover.html");
    assert!(retro.contains("rel=\"canonical\" href=\"https://example.com/retros/retros/inc-101-cache-failover.html\""));
    // Internal links are relative: the site works under any sub-path and from disk.
    assert!(retro.contains("href=\"../static/style.css\"") && retro.contains("href=\"../index.html\""));
    assert!(!retro.contains("href=\"/"), "no root-absolute internal links");
    // The 404 page is served at any depth: with a full base URL its links are absolute.
    assert!(read(&site, "404.html").contains("href=\"https://example.com/retros/static/style.css\""));
    // A base URL that is a path (the default `/`, or a sub-path) roots them too;
    // a relative one leaves them relative.
    for (base, css) in
        [(None, "/static/style.css"), (Some("/docs"), "/docs/static/style.css"), (Some("docs/"), "static/style.css")]
    {
        let dir = built(&fixture("clean"), &base.map(|b| vec!["--base-url", b]).unwrap_or_default());
        let page = read(&dir.path().join("site"), "404.html");
        assert!(page.contains(&format!("<link rel=\"stylesheet\" href=\"{css}\">")), "{base:?}: {page}");
    }
}

#[test]
fn attachments_next_to_retros_are_copied() {
    let body =
        valid_retro("With image").replace("Body text.", "![graph](img/graph.png) and [the log](files/log.txt#L3)");
    let repo = temp_repo(
        "",
        &[("retros/a.md", body.as_bytes()), ("retros/img/graph.png", b"\x89PNG"), ("retros/files/log.txt", b"log")],
    );
    let dir = built(repo.path(), &[]);
    let site = dir.path().join("site");
    assert_eq!(std::fs::read(site.join("attachments/retros/img/graph.png")).unwrap(), b"\x89PNG");
    let page = read(&site, "retros/a.html");
    assert!(page.contains("src=\"../attachments/retros/img/graph.png\""), "{page}");
    assert!(page.contains("href=\"../attachments/retros/files/log.txt#L3\""));
}

/// Raw HTML in a body is resolved like the Markdown it stands for: its
/// targets checked (with positions), its URLs rewritten, its files copied.
#[test]
fn raw_html_links_and_images_resolve_like_markdown() {
    let body = valid_retro("With HTML").replace(
        "Body text.",
        "<img src=\"img/graph.png\" width=\"600\">\n\nSee <a href=\"runbook.md\">the runbook</a>, \
         <a href='b.md#body'>the other retro</a> and <a href=\"https://example.com/x\">a site</a>.\n",
    );
    let other = valid_retro("Other").replace("Body text.", "## Body\n\nText.\n");
    let files: Vec<(&str, &[u8])> = vec![
        ("retros/a.md", body.as_bytes()),
        ("retros/b.md", other.as_bytes()),
        ("retros/img/graph.png", b"\x89PNG"),
        ("retros/runbook.md", b"not a retro"),
        ("book.toml", b"[build]\nsource = \"retros\"\n"),
    ];
    let repo = temp_repo("", &files);
    // runbook.md is not a retro: keep it out of the retros folder.
    std::fs::create_dir_all(repo.path().join("docs")).unwrap();
    std::fs::rename(repo.path().join("retros/runbook.md"), repo.path().join("docs/runbook.md")).unwrap();
    let fixed = body.replace("href=\"runbook.md\"", "href=\"../docs/runbook.md\"");
    std::fs::write(repo.path().join("retros/a.md"), &fixed).unwrap();
    let (code, findings) = check_json(repo.path(), &[]);
    assert_eq!((code, findings.len()), (0, 0), "{findings:#?}");

    let dir = built(repo.path(), &[]);
    let site = dir.path().join("site");
    assert_eq!(std::fs::read(site.join("attachments/retros/img/graph.png")).unwrap(), b"\x89PNG");
    assert_eq!(std::fs::read(site.join("attachments/docs/runbook.md")).unwrap(), b"not a retro");
    let page = read(&site, "retros/a.html");
    assert!(page.contains("src=\"../attachments/retros/img/graph.png\""), "{page}");
    assert!(page.contains("width=\"600\""), "{page}");
    assert!(page.contains("href=\"../attachments/docs/runbook.md\""), "{page}");
    assert!(page.contains("href=\"../retros/b.html#body\""), "{page}");
    assert!(page.contains("href=\"https://example.com/x\""), "{page}");
    // b's page lists a as a backlink: the raw link is in the graph.
    let other_page = read(&site, "retros/b.html");
    let backlinks = other_page.split("class=\"backlinks\"").nth(1).expect("b has backlinks");
    assert!(backlinks.split("</ul>").next().unwrap().contains("With HTML"), "{other_page}");

    // Broken targets are findings at the attribute's value.
    std::fs::write(repo.path().join("retros/a.md"), body.replace("img/graph.png", "img/gone.png")).unwrap();
    let (code, findings) = check_json(repo.path(), &[]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = body.lines().collect();
    let img_line = lines.iter().position(|l| l.starts_with("<img")).unwrap() as u64 + 1;
    let runbook_line = lines.iter().position(|l| l.contains("runbook.md")).unwrap() as u64 + 1;
    let broken: Vec<(u64, u64)> = findings
        .iter()
        .filter(|f| f["rule"] == "broken-link")
        .map(|f| (f["line"].as_u64().unwrap(), f["column"].as_u64().unwrap()))
        .collect();
    assert_eq!(broken, [(img_line, 11), (runbook_line, 14)], "{findings:#?}");
}

/// The clean fixture rendered in-process as on 2026-11-27 (the `--today`
/// of `build` here): `f` gets the site and its retros.
fn with_clean_site<T>(f: impl FnOnce(&retrobook::Site, &[retrobook::Retro]) -> T) -> T {
    let root = fixture("clean");
    let repo = retrobook::load_repo(&root).unwrap();
    let exists = retrobook::on_disk(&root);
    let graph = retrobook::LinkGraph::build(&repo.retros);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let tera = retrobook::load_templates(&root, &repo.config).unwrap();
    let site = retrobook::Site::new(&repo.config, &repo.retros, &graph, today, None, &exists, &tera);
    f(&site, &repo.retros)
}

/// One edited retro re-renders its own page, the pages that link to it or
/// that it links to, its owners' and terms' pages and the aggregates; not
/// the pages of unrelated retros.
#[test]
fn the_page_plan_knows_what_depends_on_a_retro() {
    use retrobook::{Edit, Owner, Page, Taxonomy, Term};
    with_clean_site(|site, retros| {
        let index = |id: &str| retros.iter().position(|r| r.id.value == id).unwrap();
        let (failover, warmup, draft) =
            (index("inc-101-cache-failover"), index("2025-11-02-cache-warmup"), index("draft"));

        let affected = site.pages_affected(&[Edit { index: warmup, before: &retros[warmup] }]);
        for page in [
            Page::Retro(warmup),
            Page::Retro(failover),
            Page::Home,
            Page::Actions(1),
            Page::Owner(Owner::named("payments"), 1),
            Page::Term(Term::new(Taxonomy::Services, "redis-cache"), 1),
            Page::Term(Term::new(Taxonomy::Categories, "change-management"), 1),
        ] {
            assert!(affected.contains(&page), "{page:?} not re-rendered");
        }
        assert!(!affected.contains(&Page::Retro(draft)), "an unrelated retro is not re-rendered");
        assert!(!affected.contains(&Page::Term(Term::new(Taxonomy::Services, "checkout"), 1)));
        // A retro's edit that leaves a term re-renders that term's page too.
        let mut before = retros[warmup].clone();
        let mut checkout = before.services[0].clone();
        checkout.value = "checkout".into();
        before.services.push(checkout);
        let left = site.pages_affected(&[Edit { index: warmup, before: &before }]);
        assert!(left.contains(&Page::Term(Term::new(Taxonomy::Services, "checkout"), 1)));
        let all: BTreeSet<Page> = site.pages().iter().cloned().collect();
        assert!(affected.is_subset(&all), "only pages that exist");
        // Rendering one page alone gives the bytes a full build writes.
        let full: BTreeMap<String, Vec<u8>> = site.render_all().unwrap().into_iter().collect();
        assert_eq!(site.render(&Page::Retro(warmup)).unwrap(), full[&site.path(&Page::Retro(warmup))]);
    });
}

/// `build` writes the JSON API and the CSV as they are made, straight to
/// their files; every file must still be the bytes rendering the site in
/// memory gives (what `serve` serves).
#[test]
fn the_built_site_is_the_site_rendered_in_memory() {
    let dir = built(&fixture("clean"), &["--no-history"]);
    let files = with_clean_site(|site, _| site.render_all().unwrap());
    for path in ["api/retros.json", "api/actions.json", "actions.csv"] {
        assert!(files.iter().any(|(p, bytes)| p == path && bytes.len() > 100), "{path} rendered");
    }
    for (path, bytes) in files {
        let written = std::fs::read(dir.path().join("site").join(&path)).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(written == bytes, "{path} differs from the page rendered in memory");
    }
}

/// Approximate clock times, detection before impact, spans and partial
/// dates as the clean fixture's draft gives them; coarse due periods as
/// written, overdue only once they end.
#[test]
fn approximate_clocks_spans_and_partial_dates_render() {
    let dir = built(&fixture("clean"), &[]);
    let site = dir.path().join("site");
    let draft = read(&site, "retros/draft.html");
    for expected in [
        "<dt>Started</dt><dd><time datetime=\"2026-11-20T08:00:00-05:00\" title=\"approximate time\">2026-11-20 about 08:00\u{a0}-05:00</time>",
        "<dt>Detected</dt><dd><time datetime=\"2026-11-20T05:10:00-05:00\">2026-11-20 05:10\u{a0}-05:00</time>",
        "Time to detect</dt><dd>detected before impact (by ≈ 2 h 50 min)",
        "Time to mitigate</dt><dd>≈ 1 h 30 min",
        // A same-day span gives its end as a time; a longer one as dates.
        "<time datetime=\"2026-11-20T05:10:00-05:00\">2026-11-20 05:10</time>–<time datetime=\"2026-11-20T07:45:00-05:00\">07:45\u{a0}-05:00</time>",
        "<time datetime=\"2026-11-20\">2026-11-20</time> – <time datetime=\"2026-11-22\">2026-11-22</time>",
        "<time datetime=\"2024\">2024</time>",
        "<abbr title=\"approximate time\">~</abbr>2026-06</time>",
    ] {
        assert!(draft.contains(expected), "draft page lacks {expected:?}");
    }
    assert!(!draft.contains("Time to resolve"), "`resolved_at: ~` is not set");
    assert_eq!(draft.matches("tl-span").count(), 2, "two spans drawn as spans");
    // In time order, a year and a month at the start of their period.
    let order = ["datetime=\"2024\"", "datetime=\"2026-06\"", "datetime=\"2026-11-20\"", "2026-11-20 05:10</time>"];
    let places: Vec<usize> = order.iter().map(|o| draft.find(o).unwrap_or_else(|| panic!("{o}"))).collect();
    assert!(places.windows(2).all(|w| w[0] < w[1]), "{places:?}");

    let retro = read(&site, "retros/inc-101-cache-failover.html");
    assert!(
        retro.contains("2026-03-01 10:00</time>–<time datetime=\"2026-03-01T10:54:00+00:00\">10:54\u{a0}UTC</time>")
    );
    assert!(retro.contains("<abbr class=\"due-period\" title=\"due by 2026-12-31\">2026-Q4</abbr>"));

    let api: serde_json::Value = serde_json::from_str(&read(&site, "api/retros.json")).unwrap();
    let draft = api["retros"].as_array().unwrap().iter().find(|r| r["id"] == "draft").unwrap();
    assert_eq!(draft["approximate"], serde_json::json!(["started_at", "mitigated_at"]));
    assert_eq!(
        (&draft["detected_before_impact"], &draft["resolved_at"]),
        (&serde_json::json!(true), &serde_json::Value::Null)
    );
    assert_eq!(draft["timeline"][0]["at"], "2024");
    assert_eq!(
        (&draft["timeline"][3]["at"], &draft["timeline"][3]["until"]),
        (&"2026-11-20".into(), &"2026-11-22".into())
    );
    let insights = read(&site, "insights.html");
    assert!(insights.contains("Incidents detected before impact (1) count as 0 min to detect."), "{insights}");
    assert!(
        insights.contains("Incidents with approximate clock times (1) make the figures marked ≈ approximate."),
        "{insights}"
    );

    // AI-1 is due in 2026-Q4: not overdue on its last day, overdue after.
    let overdue = |today: &str| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site");
        let args = ["build", "--today", today, "--out", out.to_str().unwrap()];
        assert!(retrobook(&fixture("clean"), &args).output().unwrap().status.success());
        let page = read(&out, "retros/inc-101-cache-failover.html");
        page.split("id=\"AI-1\"").nth(1).unwrap().split("</tr>").next().unwrap().contains("overdue")
    };
    assert!(!overdue("2026-12-31") && overdue("2027-01-01"));
}

/// Snapshots of representative outputs of the clean fixture: a review of a
/// template or rendering change shows exactly what readers will see change.
#[test]
fn representative_pages_match_their_snapshots() {
    // The fixture's git history is this repository's, which moves on:
    // the snapshots are of the pages without it (tests/history.rs has its own).
    let dir = built(&fixture("clean"), &["--no-history"]);
    let site = dir.path().join("site");
    insta::assert_snapshot!("retro_page", read(&site, "retros/inc-101-cache-failover.html"));
    insta::assert_snapshot!("actions_page", read(&site, "actions.html"));
    insta::assert_snapshot!("home_page", read(&site, "index.html"));
    insta::assert_snapshot!("api_actions", read(&site, "api/actions.json"));
    let with_base = built(&fixture("clean"), &["--base-url", "https://example.com/"]);
    insta::assert_snapshot!("atom_feed", read(&with_base.path().join("site"), "atom.xml"));
}

/// Atom ids and links and sitemap locations must be absolute URLs: without
/// a full base URL the feed and the sitemap are left out, with a notice,
/// and no page links to them.
#[test]
fn feeds_need_a_full_base_url() {
    for base in [None, Some("/"), Some("/retros/")] {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let extra: Vec<&str> = base.map(|b| vec!["--base-url", b]).unwrap_or_default();
        let out = build(&fixture("clean"), &site, &extra);
        assert!(out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("atom.xml and sitemap.xml left out"), "{base:?}: {err}");
        assert!(!site.join("atom.xml").exists() && !site.join("sitemap.xml").exists(), "{base:?}");
        assert!(!read(&site, "index.html").contains("atom.xml"), "{base:?}");
    }
    let dir = built(&fixture("clean"), &["--base-url", "https://example.com/"]);
    let site = dir.path().join("site");
    let feed = read(&site, "atom.xml");
    assert!(feed.contains("<entry>") && feed.contains("<id>https://example.com/retros/"), "{feed}");
    assert!(read(&site, "index.html").contains("href=\"atom.xml\""));
    for loc in read(&site, "sitemap.xml").split("<loc>").skip(1) {
        assert!(loc.starts_with("https://example.com/"), "{loc}");
    }
}

/// `serve` updates the link graph in place after an edit; the result must
/// equal a graph built from scratch.
#[test]
fn updating_the_link_graph_equals_rebuilding_it() {
    let root = fixture("clean");
    let mut repo = retrobook::load_repo(&root).unwrap();
    let mut graph = retrobook::LinkGraph::build(&repo.retros);
    let i = repo.retros.iter().position(|r| r.id.value == "draft").unwrap();
    let edited = repo.retros[i]
        .source
        .replace("see also [[inc-101-cache-failover|the cache failover]]", "see also [[2025-11-02-cache-warmup]]");
    let mut findings = Vec::new();
    let new = retrobook::parse_retro(repo.retros[i].path.clone(), edited, &repo.config, &mut findings);
    let previous = std::mem::replace(&mut repo.retros[i], new);
    graph.update(&repo.retros, i, &previous);
    let rebuilt = retrobook::LinkGraph::build(&repo.retros);
    assert_eq!(graph.backlinks, rebuilt.backlinks);
    let warmup = repo.retros.iter().position(|r| r.id.value == "2025-11-02-cache-warmup").unwrap();
    assert!(graph.backlinks[warmup].contains(&i), "the new link gives a backlink");
}

/// Names that differ only in case share a URL: one page lists them all,
/// instead of one page overwriting the other or the build failing.
#[test]
fn names_sharing_a_url_share_a_page() {
    let a = valid_retro("First").replace("owner: alice", "owner: Bob");
    let b = valid_retro("Second").replace("owner: alice", "owner: bob");
    let repo = temp_repo("", &[("retros/a.md", a.as_bytes()), ("retros/b.md", b.as_bytes())]);
    let out = repo.path().join("site");
    let result = build(repo.path(), &out, &["--allow-errors"]);
    assert!(result.status.success(), "{}", String::from_utf8_lossy(&result.stderr));
    let page = read(&out, "owners/bob.html");
    assert!(page.contains("retros/a.html") && page.contains("retros/b.html"), "{page}");
}

/// Insights over seven years of incidents: every one counted (by quarter,
/// not the last 36 months), the recurrences chained, the repeated fix found,
/// follow-through judged on `completed_at`, and every bar linked to a list.
#[test]
fn insights_count_every_incident_of_a_long_span_and_show_patterns() {
    let dir = built(&fixture("long-span"), &[]);
    let site = dir.path().join("site");
    let page = read(&site, "insights.html");
    assert!(page.contains("<h2 id=\"chart-over-time\">Incidents per quarter</h2>"), "{page}");
    assert!(page.contains("All 7 incidents with a start date, 2019 Q2 to 2026 Q3, by quarter"), "{page}");
    // The over-time table: one row per quarter, the totals add up to every retro.
    let table = page.split("chart-over-time").nth(2).unwrap().split("</table>").next().unwrap();
    let totals: usize = table
        .split("</tr>")
        .filter_map(|row| row.rsplit("<td>").next()?.split("</td>").next()?.parse::<usize>().ok())
        .sum();
    assert_eq!(totals, 7, "{table}");
    assert_eq!(table.matches("<tr><td>").count(), 30, "2019 Q2 to 2026 Q3 is 30 quarters");
    // Recurrence chains, oldest first; the longest first.
    let chains = page.split("class=\"chains\"").nth(1).unwrap();
    let order = ["2019-05-10-postgres-disk-full", "2021-08-19-postgres-disk-again", "2024-06-30-postgres-disk-third"];
    let at: Vec<usize> = order.iter().map(|id| chains.find(id).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]) && at[2] < chains.find("2020-11-03-dns-timeouts").unwrap());
    // The fix asked for three times; the unrelated items are not grouped.
    assert!(
        page.contains("<strong>Alert on disk usage of the primary</strong> <span class=\"meta\">in 3 retrospectives")
    );
    assert_eq!(page.matches("class=\"repeats\"").count(), 1);
    assert!(!page.split("class=\"repeats\"").nth(1).unwrap().contains("resolver"));
    // Follow-through: 2 of 3 dated done items on time, the late one 45 days late.
    assert!(page.contains("Of the 3 done items with a completion date (completed_at) and a due date, 67% were done"));
    assert!(page.contains("a median of 45 days late"), "{page}");
    // Bars link to their lists; short and long clock times are both written.
    for link in [
        "href=\"services/postgres-primary.html\"",
        "href=\"actions.html?status=overdue\"",
        "href=\"categories/capacity.html\"",
    ] {
        assert!(page.contains(link), "{link}");
    }
    assert!(page.contains(">6 min</text>") && page.contains(">4 d 0 h</text>"), "{page}");
    assert!(page.contains("SEV1 to detect (n=2)"), "sample counts");
}

/// The uptime fixture's site: the reliability page's figures (those of
/// `retrobook report`, worked out by hand in tests/report.rs), the 90-day
/// strip's text, the incidents that spent the budget largest first, the
/// API, the vendor pages, a service's own line and a retro's minutes lost.
#[test]
fn the_reliability_vendor_and_uptime_pages_show_the_figures() {
    let out = tempfile::tempdir().unwrap();
    let args = ["build", "--today", "2026-11-20", "--no-history", "--out", out.path().to_str().unwrap()];
    let run = retrobook(&fixture("uptime"), &args).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let read = |p: &str| std::fs::read_to_string(out.path().join(p)).unwrap();
    let page = read("reliability.html");
    let checkout = &page[page.find("id=\"service-checkout\"").unwrap()..page.find("id=\"service-payments\"").unwrap()];
    for text in [
        "Objective: 99.9% per calendar month.",
        "<strong>99.93%</strong>, error budget left <strong>8.8 of 28.8 minutes</strong>",
        "<td><span class=\"overdue\">99.86%</span> (below target)</td><td>62.0</td><td>44.64</td><td><span class=\"overdue\">-17.36</span></td>",
        "3 of the last 90 days had downtime; the most on 2026-10-03 (52 weighted minutes).",
        "role=\"group\" aria-labelledby=\"downtime-checkout-t\"",
    ] {
        assert!(checkout.contains(text), "{text}\n{checkout}");
    }
    let spent: Vec<usize> = ["Checkout errors", "Payment provider timeouts", "Checkout down at midnight"]
        .iter()
        .map(|t| checkout.find(&format!(">{t}</a>: ")).unwrap_or_else(|| panic!("{t}")))
        .collect();
    assert!(spent.windows(2).all(|w| w[0] < w[1]), "largest first: 45, 30, 30");
    assert!(!checkout.contains("Draft outage"), "drafts are left out");
    assert!(page.contains("This quarter (2026-Q4, so far): <strong>99.95%</strong>"), "search, quarterly");
    let api: serde_json::Value = serde_json::from_str(&read("api/uptime.json")).unwrap();
    let oct = api["uptime"].as_array().unwrap().iter().find(|f| f["service"] == "checkout" && f["period"] == "2026-10");
    assert_eq!(oct.unwrap()["downtime_minutes"], 62.0);
    let aws = read("vendors/aws.html");
    assert!(aws.contains("<td>2026-Q4</td><td>3</td><td>108.0</td>"), "a 45 + b 33 + e 30, not the draft: {aws}");
    assert!(aws.contains("Open action items") && aws.contains("Contributing factors"));
    assert!(read("vendors/index.html").contains("fastly"));
    let service = read("services/checkout.html");
    assert!(service.contains("Availability in 2026-11 (so far): <strong>99.93%</strong>"), "{service}");
    assert!(service.contains("href=\"../reliability.html#service-checkout\""));
    // A retro's windows are on its timeline: drawn, one lane per service
    // in the order of `services`, and listed among the entries.
    let retro = read("retros/b.html");
    let timeline = &retro[retro.find("id=\"timeline\"").unwrap()..retro.find("id=\"action-items\"").unwrap()];
    assert!(timeline.contains(
        "<strong>cart</strong> lost 3.0 weighted minutes, <strong>checkout</strong> lost 30.0 weighted minutes, \
         <strong>search</strong> lost 0.0 weighted minutes"
    ));
    let lanes: Vec<usize> = ["checkout", "search", "cart"]
        .iter()
        .map(|s| timeline.find(&format!("\">{s}</text>")).unwrap_or_else(|| panic!("{s}'s lane")))
        .collect();
    assert!(lanes.windows(2).all(|w| w[0] < w[1]), "lanes in the order of services: {timeline}");
    assert!(timeline.contains("<rect class=\"impact-partial\" x=\"0.00%\" y=\"108\" width=\"16.67%\""), "{timeline}");
    assert!(timeline.contains(">Started</text>"));
    assert!(timeline.contains(
        "<li class=\"tl tl-impact tl-impact-outage tl-span\">\n<span class=\"tl-when\"><time datetime=\"2026-10-03T08:10:00+00:00\">2026-10-03 08:10</time>–<time datetime=\"2026-10-03T08:40:00+00:00\">08:40\u{a0}UTC</time></span>"
    ), "{timeline}");
    assert!(timeline.contains("<strong>search</strong>: degraded performance for 1 h 00 min"));
    assert!(retro.contains("<a class=\"chip chip-vendor\" href=\"../vendors/fastly.html\""));
    // Overlapping windows of one service: the outage drawn over the partial
    // outage; on the list, each where it began.
    let a = read("retros/a.html");
    let partial = a.find("<rect class=\"impact-partial\" x=\"25.00%\"").expect("08:20 of 08:00–09:20");
    let outage = a.find("<rect class=\"impact-outage\" x=\"0.00%\"").unwrap();
    assert!(partial < outage, "the worse level on top");
    assert!(
        a.find("<strong>checkout</strong>: outage for 30 min") < a.find("<strong>checkout</strong>: partial outage")
    );
    assert!(read("index.html").contains("href=\"reliability.html\">Reliability</a>"));
}

/// The response page: per quarter (newest first) each target's share
/// against its objective with the trend and what is left out, the roles
/// with the roster's names, and the observations by category and went,
/// each linking to its retro; in the navigation of every page. The retro
/// page shows roles, detection and the observations grouped, each with
/// the items that address it.
#[test]
fn the_response_page_and_the_retro_page_show_the_response() {
    let dir = built(&fixture("response"), &["--no-history"]);
    let site = dir.path().join("site");
    let page = read(&site, "response.html");
    let q2 = page.find("id=\"quarter-2026-Q2\"").unwrap();
    let q1 = page.find("id=\"quarter-2026-Q1\"").unwrap();
    assert!(q2 < q1, "newest quarter first");
    let (q2_part, q1_part) = (&page[q2..q1], &page[q1..]);
    assert!(q1_part.contains(
        "<tr><th scope=\"row\">Mitigated within 30m</th><td>3 of 4</td><td>75%</td><td>80% <span class=\"verdict verdict-not-met\">not met</span></td>"
    ));
    assert!(q1_part.contains("median time to first update 10 min"));
    assert!(q1_part.contains("r4 (no communication entry with a time at or after started_at)"));
    assert!(
        q1_part.contains("<dt>Incident commander</dt><dd>Ana Lima (ana): 3, Bo Berg (bo): 2, Dee Park (dee): 1</dd>"),
        "the draft's commander (cy) is left out"
    );
    assert!(q2_part.contains("<td>1 of 2</td><td>50%</td>") && q2_part.contains("down 25 points"), "{q2_part}");
    assert!(q2_part.contains("r8 (no detection source)"));
    assert!(page.contains("1 draft retro is left out until reviewed."));
    assert!(page.contains("<tr><th scope=\"row\">escalation</th><td>0</td><td>1</td><td>0</td></tr>"));
    let lucky = &page[page.find("id=\"went-lucky\"").unwrap()..page.find("id=\"went-poorly\"").unwrap()];
    assert!(lucky.contains("The cache was still warm. <a href=\"retros/r4.html#response-warm-cache\">"), "{lucky}");
    assert!(!page.contains("There was no runbook."), "a draft's observation is left out");
    assert!(read(&site, "index.html").contains("<a href=\"response.html\">Response</a>"));

    let retro = read(&site, "retros/r2.html");
    assert!(retro.contains("<dt>Incident commander</dt><dd>Ana Lima (ana) → Bo Berg (bo)</dd>"), "{retro}");
    assert!(retro.contains("<dt>Detected by</dt><dd>customer</dd>"));
    assert!(retro.contains("<h3 id=\"response-went-poorly\">What went poorly</h3>"));
    assert!(retro.contains("<li id=\"response-slow-escalation\""));
    assert!(retro.contains("Addressed by <a href=\"#AI-1\">AI-1</a>"));
    assert!(retro.contains("<a href=\"#response-slow-escalation\">slow-escalation</a>"));
    let r4 = read(&site, "retros/r4.html");
    assert!(r4.contains("<h3 id=\"response-went-lucky\">Where we got lucky</h3>"));
    assert!(r4.contains("<dt>Detected by</dt><dd>employee: a support engineer</dd>"));
    assert!(r4.contains("<div class=\"role\" id=\"response-roles\"><dt>Incident commander</dt>"));
    // A person's page lists the roles they held, newest first.
    let ana = read(&site, "owners/ana.html");
    let held = &ana[ana.find("id=\"roles-held\"").unwrap()..];
    assert!(held.contains("<li>Incident commander in <a href=\"../retros/r9.html#response-roles\">Only a date</a>"));
    assert_eq!(held.matches("<li>Incident commander in").count(), 5, "r1, r2, r4, r8, r9: {held}");
}
