//! `retrobook serve` against a temporary copy of a fixture repo: pages and
//! content types, traversal refused, incremental rebuilds of exactly the
//! dependent pages, renames and deletes, broken edits reported and cleared,
//! and a clean stop on Ctrl-C that leaves the user's files alone.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    address: String,
    dir: tempfile::TempDir,
}

impl Server {
    fn start() -> Server {
        Server::start_with_root(|dir| (dir.to_path_buf(), dir.to_path_buf()))
    }

    /// `where_and_root` gives, for the repo folder, the folder to run in and
    /// the `--root` to pass (which may be relative to it).
    fn start_with_root(where_and_root: impl Fn(&Path) -> (std::path::PathBuf, std::path::PathBuf)) -> Server {
        Server::start_on("clean", &[], where_and_root)
    }

    /// `serve` on a copy of fixture `name`, with `extra` arguments.
    fn start_on(
        name: &str,
        extra: &[&str],
        where_and_root: impl Fn(&Path) -> (std::path::PathBuf, std::path::PathBuf),
    ) -> Server {
        let dir = tempfile::tempdir().unwrap();
        common::copy_dir(&common::fixture(name), dir.path());
        let (cwd, root) = where_and_root(dir.path());
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("retrobook"))
            .current_dir(cwd)
            .arg("--root")
            .arg(root)
            .args(["serve", "--port", "0", "--today", "2026-11-27"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let address = line.split("http://").nth(1).expect("the URL is printed").split('/').next().unwrap().to_string();
        Server { child, address, dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    /// A raw HTTP/1.1 GET, so the path reaches the server exactly as written.
    fn get(&self, path: &str) -> (u16, String, String) {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.address).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        (status, head.to_lowercase(), body.to_string())
    }

    fn status(&self) -> serde_json::Value {
        serde_json::from_str(&self.get("/__retrobook/status").2).unwrap()
    }

    /// Wait until a rebuild after `version` happened and all its phases are
    /// out; its status.
    fn rebuilt_after(&self, version: u64) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let status = self.status();
            if status["version"].as_u64().unwrap() > version && status["settled"] == true {
                return status;
            }
            assert!(Instant::now() < deadline, "no rebuild within 10 s");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn edit(&self, rel: &str, f: impl Fn(String) -> String) -> serde_json::Value {
        let version = self.status()["version"].as_u64().unwrap();
        let path = self.root().join(rel);
        std::fs::write(&path, f(std::fs::read_to_string(&path).unwrap())).unwrap();
        self.rebuilt_after(version)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn files(status: &serde_json::Value) -> Vec<String> {
    status["last_build"]["files"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect()
}

#[test]
fn serves_pages_with_content_types_and_live_reload() {
    let server = Server::start();
    let (code, head, body) = server.get("/");
    assert_eq!(code, 200);
    assert!(head.contains("content-type: text/html"));
    assert!(body.contains("/__retrobook/live.js"), "live reload injected");
    for (path, kind) in [
        ("/retros/draft.html", "text/html"),
        ("/static/style.css", "text/css"),
        ("/static/retrobook.js", "text/javascript"),
        ("/api/retros.json", "application/json"),
        ("/actions.csv", "text/csv"),
        ("/retros/", "text/html"),
        ("/__retrobook/live.js", "text/javascript"),
    ] {
        let (code, head, _) = server.get(path);
        assert_eq!(code, 200, "{path}");
        assert!(head.contains(&format!("content-type: {kind}")), "{path}: {head}");
    }
    let (code, _, body) = server.get("/no/such/page.html");
    assert_eq!(code, 404);
    assert!(body.contains("Page not found"));
    assert!(!server.root().join("site").exists(), "serve writes nothing into the repo");
}

#[test]
fn traversal_is_refused_in_every_encoding() {
    let server = Server::start();
    for path in [
        "/../../etc/passwd",
        "/retros/../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/retros/..%5c..%5cbook.toml",
        "/%252e%252e/etc/passwd",
        "/book.toml",
        "/retros/2026/draft.md",
        "/.retrobook-site",
        "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
        "/..%c0%afetc/passwd",
        "/%2e%2e%5c%2e%2e%5cbook.toml",
        "/./book.toml",
        "//etc/passwd",
        "/static/..;/..;/book.toml",
        "/index.html%00.md",
        "/retros/%2e%2e/%2e%2e/retros/2026/draft.md",
    ] {
        let (code, _, body) = server.get(path);
        assert!(code == 400 || code == 404, "{path}: {code}");
        assert!(
            !body.contains("root:x:0") && !body.contains("[book]") && !body.contains("title: Draft"),
            "{path} leaked a file"
        );
    }
}

#[test]
fn an_edit_rerenders_the_dependent_pages_only() {
    let server = Server::start();
    let status = server.edit("retros/2025/2025-11-02-cache-warmup.md", |t| {
        t.replace("Slow cache warm-up", "Slow cache warm-up (edited)")
    });
    let written = files(&status);
    for page in [
        "retros/2025-11-02-cache-warmup.html",
        "retros/inc-101-cache-failover.html",
        "index.html",
        "actions.html",
        "services/redis-cache.html",
        "owners/payments.html",
    ] {
        assert!(written.contains(&page.to_string()), "{page} not re-rendered: {written:?}");
    }
    for page in ["retros/draft.html", "services/checkout.html", "owners/alice.html", "static/style.css"] {
        assert!(!written.contains(&page.to_string()), "{page} re-rendered needlessly");
    }
    assert!(server.get("/retros/2025-11-02-cache-warmup.html").2.contains("Slow cache warm-up (edited)"));
    // The page linking to it shows the new title too.
    assert!(server.get("/retros/inc-101-cache-failover.html").2.contains("Slow cache warm-up (edited)"));

    // A tag removed from a retro: that tag's page goes away.
    let status = server.edit("retros/2026/2026-03-01-cache-failover.md", |t| {
        t.replace("tags: [caching, failover]", "tags: [caching]")
    });
    assert_eq!(server.get("/tags/failover.html").0, 404, "{:?}", files(&status));
}

#[test]
fn renames_and_deletes_are_handled() {
    let server = Server::start();
    let version = server.status()["version"].as_u64().unwrap();
    std::fs::rename(server.root().join("retros/2026/draft.md"), server.root().join("retros/2026/dns-draft.md"))
        .unwrap();
    let mut status = server.rebuilt_after(version);
    // A rename may arrive as two batches (remove, then create).
    while server.get("/retros/dns-draft.html").0 != 200 {
        status = server.rebuilt_after(status["version"].as_u64().unwrap());
    }
    assert_eq!(server.get("/retros/draft.html").0, 404);

    let version = server.status()["version"].as_u64().unwrap();
    std::fs::remove_file(server.root().join("retros/2026/dns-draft.md")).unwrap();
    server.rebuilt_after(version);
    assert_eq!(server.get("/retros/dns-draft.html").0, 404);
    assert!(!server.get("/retros/index.html").2.contains("flaky DNS"));
}

#[test]
fn a_broken_edit_is_reported_and_a_fix_clears_it() {
    let server = Server::start();
    let status = server.edit("retros/2026/draft.md", |t| t.replace("status: draft", "status: [draft"));
    let errors = status["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["rule"], "yaml-syntax");
    assert_eq!(errors[0]["file"], "retros/2026/draft.md");
    assert!(errors[0]["line"].as_u64().unwrap() >= 3);
    assert_eq!(server.get("/").0, 200, "still serving");

    let status = server.edit("retros/2026/draft.md", |t| t.replace("status: [draft", "status: draft"));
    assert!(status["errors"].as_array().unwrap().is_empty());

    // A broken book.toml keeps the last good site and reports the error.
    let status = server.edit("book.toml", |t| format!("{t}\n[nonsense\n"));
    assert_eq!(status["errors"].as_array().unwrap().len(), 1);
    assert_eq!(server.get("/retros/draft.html").0, 200);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_leaves_files_alone() {
    let mut server = Server::start();
    let before: Vec<_> = walkdir::WalkDir::new(server.root()).into_iter().map(|e| e.unwrap().into_path()).collect();
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-INT", &pid]).status().unwrap().success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running after SIGINT");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let after: Vec<_> = walkdir::WalkDir::new(server.root()).into_iter().map(|e| e.unwrap().into_path()).collect();
    assert_eq!(before, after);
}

/// `serve --root retros-repo`: the watcher reports absolute paths, which
/// must still be recognised as inside a root given relative to the working
/// folder.
#[test]
fn edits_are_seen_with_a_relative_root() {
    let server = Server::start_with_root(|dir| {
        let name = dir.file_name().unwrap();
        (dir.parent().unwrap().to_path_buf(), Path::new(name).to_path_buf())
    });
    let status =
        server.edit("retros/2026/draft.md", |t| t.replace("flaky DNS resolver", "flaky resolver (relative root)"));
    assert!(files(&status).contains(&"retros/draft.html".to_string()), "{status}");
    assert!(server.get("/retros/draft.html").2.contains("(relative root)"));
}

#[test]
fn editors_atomic_saves_are_seen_and_their_temp_files_ignored() {
    let server = Server::start();
    let dir = server.root().join("retros/2026");
    let version = server.status()["version"].as_u64().unwrap();
    // vim's swap file and a backup file: no rebuild of their own.
    std::fs::write(dir.join(".draft.md.swp"), "swap").unwrap();
    std::fs::write(dir.join("draft.md~"), "backup").unwrap();
    // An atomic save: write a temporary file, rename it over the retro
    // (what many editors and JetBrains' safe write do).
    let text =
        std::fs::read_to_string(dir.join("draft.md")).unwrap().replace("flaky DNS resolver", "flaky resolver (atomic)");
    std::fs::write(dir.join("draft.md.___jb_tmp___"), &text).unwrap();
    std::fs::rename(dir.join("draft.md.___jb_tmp___"), dir.join("draft.md")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server.get("/retros/draft.html").2.contains("(atomic)") {
        assert!(Instant::now() < deadline, "the atomic save was not picked up");
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = server.rebuilt_after(version);
    assert!(status["errors"].as_array().unwrap().is_empty());
    assert_eq!(server.get("/retros/draft.md~").0, 404, "backup files are not retros");
    let api: serde_json::Value = serde_json::from_str(&server.get("/api/retros.json").2).unwrap();
    assert_eq!(api["retros"].as_array().unwrap().len(), 3, "no retro appeared from the temp files");
}

#[test]
fn open_pages_are_told_what_changed_over_server_sent_events() {
    let server = Server::start();
    let mut stream = TcpStream::connect(&server.address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET /__retrobook/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n", server.address)
        .unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        if line.to_lowercase().starts_with("content-type") {
            assert!(line.contains("text/event-stream"), "{line}");
        }
    }
    server.edit("retros/2026/draft.md", |t| t.replace("flaky DNS resolver", "flaky resolver"));
    // The first event names the edited retro's own page.
    let mut event = String::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !event.contains("data: {") {
        assert!(Instant::now() < deadline);
        let mut chunk = String::new();
        reader.read_line(&mut chunk).unwrap();
        event.push_str(&chunk);
    }
    assert!(event.contains("event: update"), "{event}");
    assert!(event.contains("\"paths\":[\"retros/draft.html\"]"), "{event}");
}

#[test]
fn rapid_edits_converge_on_the_final_state() {
    let server = Server::start();
    let version = server.status()["version"].as_u64().unwrap();
    for (i, file) in
        ["retros/2026/draft.md", "retros/2025/2025-11-02-cache-warmup.md", "retros/2026/draft.md"].iter().enumerate()
    {
        let path = server.root().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text.replacen("title: ", &format!("title: Rapid {i} "), 1);
        std::fs::write(&path, text).unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let status = server.status();
        let home = server.get("/retros/index.html").2;
        if status["settled"] == true
            && status["version"].as_u64().unwrap() > version
            && home.contains("Rapid 2 Rapid 0 Draft")
            && home.contains("Rapid 1 Slow cache")
        {
            break;
        }
        assert!(Instant::now() < deadline, "the aggregates never caught up: {status}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn template_and_config_changes_rebuild_everything() {
    let server = Server::start();
    let version = server.status()["version"].as_u64().unwrap();
    std::fs::create_dir_all(server.root().join("templates")).unwrap();
    std::fs::write(
        server.root().join("templates/404.html"),
        "{% extends \"base.html\" %}{% block content %}<p>Our own 404</p>{% endblock content %}",
    )
    .unwrap();
    let status = server.rebuilt_after(version);
    assert!(files(&status).len() > 20, "a template change renders every page: {:?}", files(&status));
    assert!(server.get("/404.html").2.contains("Our own 404"));

    let status = server.edit("book.toml", |t| t.replace("title = \"Clean fixture\"", "title = \"Renamed book\""));
    assert!(files(&status).contains(&"retros/draft.html".to_string()));
    // The template's write may reach the watcher as two events, and the
    // rebuild `edit` waited for may be the second one's: wait for the page.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server.get("/retros/draft.html").2.contains("Renamed book") {
        assert!(Instant::now() < deadline, "the book's new title never reached the page");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Absurd requests get an error, not a crash, and the server keeps serving;
/// a symlink someone put into the source is not followed into the site.
#[cfg(unix)]
#[test]
fn hostile_requests_and_symlinks_do_not_leak_or_crash() {
    let server = Server::start();
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(secret.path().join("secret.md"), "---\ntitle: Secret\n---\nTOP-SECRET\n").unwrap();
    std::os::unix::fs::symlink(secret.path().join("secret.md"), server.root().join("retros/secret.md")).unwrap();
    std::os::unix::fs::symlink(secret.path(), server.root().join("retros/linked-folder")).unwrap();
    let raw = |request: &[u8]| -> String {
        let mut stream = TcpStream::connect(&server.address).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let _ = stream.write_all(request);
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        String::from_utf8_lossy(&response).into_owned()
    };
    let huge_header = format!("GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n", "a".repeat(2 * 1024 * 1024));
    let many_headers: String = (0..5000).map(|i| format!("X-{i}: v\r\n")).collect();
    let long_path = format!("GET /{} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "a/".repeat(50_000));
    for request in [
        huge_header.into_bytes(),
        format!("GET / HTTP/1.1\r\nHost: x\r\n{many_headers}\r\n").into_bytes(),
        long_path.into_bytes(),
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\nabc".to_vec(),
        b"GARBAGE\r\n\r\n".to_vec(),
        vec![0xff; 4096],
        b"GET /index.html HTTP/9.9\r\n\r\n".to_vec(),
    ] {
        let response = raw(&request);
        assert!(!response.contains("TOP-SECRET"), "leaked: {}", &response[..response.len().min(200)]);
    }
    let (code, _, body) = server.get("/index.html");
    assert_eq!(code, 200, "still serving after hostile requests");
    assert!(!body.contains("TOP-SECRET"));
    for path in ["/retros/secret.html", "/retros/linked-folder/secret.html"] {
        let (code, _, body) = server.get(path);
        assert!(code == 404 && !body.contains("TOP-SECRET"), "{path}: {code}");
    }
}

/// Many clients at once on loopback: every response complete, the server
/// alive and its memory bounded afterwards.
#[cfg(target_os = "linux")]
#[test]
fn many_concurrent_clients_are_served() {
    let server = Server::start();
    let rss = || -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap().to_string();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    let (_, _, index) = server.get("/index.html");
    let round = || {
        std::thread::scope(|scope| {
            let clients: Vec<_> = (0..64)
                .map(|i| {
                    let server = &server;
                    let index = &index;
                    scope.spawn(move || {
                        for j in 0..10 {
                            let path =
                                ["/index.html", "/actions.html", "/retros/index.html", "/missing.html"][(i + j) % 4];
                            let (code, _, body) = server.get(path);
                            if path == "/index.html" {
                                assert_eq!((code, &body), (200, index), "a complete response");
                            } else {
                                assert!(code == 200 || code == 404, "{path}: {code}");
                            }
                        }
                    })
                })
                .collect();
            clients.into_iter().for_each(|c| c.join().unwrap());
        })
    };
    round();
    let after_first = rss();
    for _ in 0..3 {
        round();
    }
    let after_more = rss();
    assert!(after_more < after_first + 50 * 1024, "memory grew from {after_first} KB to {after_more} KB");
    assert_eq!(server.get("/index.html").0, 200);
}

/// `--tracker` exports are shown like `[tracker] exports`, and an edited
/// export in the repo is read again.
#[test]
fn serve_shows_tickets_from_tracker_exports_and_watches_them() {
    let linear = common::fixture("tracker").join("tracker/linear.csv");
    let server = Server::start_on("tracker", &["--tracker", linear.to_str().unwrap()], |dir| {
        (dir.to_path_buf(), dir.to_path_buf())
    });
    let (code, _, page) = server.get("/retros/2026-03-01-pool.html");
    assert_eq!(code, 200);
    let row = |page: &str, id: &str| {
        let start = page.find(&format!("<strong>{id}</strong>")).expect("the item's row");
        page[start..start + page[start..].find("</td>").unwrap()].to_string()
    };
    assert!(row(&page, "AI-7").contains("wont-do 2026-03-18"), "from --tracker: {}", row(&page, "AI-7"));
    assert!(row(&page, "AI-1").contains("ticket-disagrees"), "{}", row(&page, "AI-1"));
    // STOR-612 reopened in the Jira export: AI-1, open, now agrees.
    let reopened = "Cap the pool per tenant,STOR-612,10612,Task,To Do,STOR,Storage,High,,Alice Ng,Alice Ng,\
                    02/Mar/26 9:00 AM,20/Mar/26 10:15 AM,,,To Do,,";
    server.edit("tracker/jira.csv", |text| {
        text.lines().map(|l| if l.contains("STOR-612") { reopened } else { l }).collect::<Vec<_>>().join("\n")
    });
    let (_, _, page) = server.get("/retros/2026-03-01-pool.html");
    assert!(!row(&page, "AI-1").contains("ticket-disagrees"), "{}", row(&page, "AI-1"));
    assert!(row(&page, "AI-7").contains("wont-do"), "the --tracker export is still read");
}

/// An OpenSLO file of `[uptime] openslo` is watched like book.toml: an
/// edited objective, a new file matching the glob and a removed one all
/// reach the reliability page, and a broken file keeps the last good site.
#[test]
fn openslo_files_are_watched() {
    let server = Server::start_on("uptime", &[], |dir| (dir.to_path_buf(), dir.to_path_buf()));
    let reliability = || server.get("/reliability.html").2;
    assert!(reliability().contains("99.5"), "the objective of slo/search.yaml");

    server.edit("slo/search.yaml", |t| t.replace("targetPercent: 99.5", "targetPercent: 99.25"));
    assert!(reliability().contains("99.25"), "the edited objective");

    // A new file the glob matches brings a new objective…
    let version = server.status()["version"].as_u64().unwrap();
    let slo = std::fs::read_to_string(server.root().join("slo/search.yaml")).unwrap();
    let other = slo.replace("service: search", "service: checkout").replace("99.25", "99.75");
    let other = other.replace("name: search", "name: checkout");
    std::fs::write(server.root().join("slo/checkout.yaml"), &other).unwrap();
    server.rebuilt_after(version);
    // …which book.toml's `checkout = 99.9` also sets: a clear error, the
    // last good site stays.
    let errors = server.status()["errors"].to_string();
    assert!(errors.contains("`checkout` already has an objective"), "the conflict is reported: {errors}");
    assert!(reliability().contains("99.25"), "the last good site is served");

    // Removed, the objectives are as before.
    let version = server.status()["version"].as_u64().unwrap();
    std::fs::remove_file(server.root().join("slo/checkout.yaml")).unwrap();
    server.rebuilt_after(version);
    let status = server.status();
    assert_eq!(status["errors"].as_array().map(Vec::len), Some(0), "the error is cleared: {status}");
    assert!(reliability().contains("99.25"));
}
