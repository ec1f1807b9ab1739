//! `retrobook serve`: build into memory, serve over HTTP on loopback, watch
//! the repo, rebuild incrementally, and reload open browser tabs over
//! Server-Sent Events. Nothing is written to disk, so the user's `site/`
//! and files are never touched.

pub mod build;

use crate::cli::{Global, ServeArgs};
use crate::error::Error;
use crate::model::Finding;
use crate::text::plural;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use build::{Builder, Update};
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

const LIVE_JS: &str = include_str!("live.js");
const LIVE_TAG: &str = "<script src=\"/__retrobook/live.js\"></script>";

/// The site as served: files in memory, the errors of the last build, and a
/// version that changes with every rebuild.
#[derive(Default)]
struct Served {
    files: HashMap<String, Arc<Vec<u8>>>,
    errors: Vec<Finding>,
    version: u64,
    /// Paths the last batch of changes wrote, over all its phases, and how
    /// long it took (for tests and -v).
    last_pages: Vec<String>,
    last_millis: f64,
    /// The last batch's first phase is out but not its last.
    unsettled: bool,
}

struct App {
    served: RwLock<Served>,
    /// Tells open pages what changed: JSON `{version, full, paths}`.
    reload: tokio::sync::broadcast::Sender<String>,
}

impl App {
    /// Serve an update's files and tell the open pages which changed.
    fn publish(&self, update: Update) {
        let paths: Vec<String> =
            update.files.iter().map(|(p, _)| p.clone()).chain(update.removed.iter().cloned()).collect();
        let full = update.full;
        let version = self.apply(update);
        let message = serde_json::json!({ "version": version, "full": full, "paths": paths });
        let _ = self.reload.send(message.to_string());
    }

    fn apply(&self, update: Update) -> u64 {
        let mut served = self.served.write().expect("lock");
        if update.full {
            served.files.clear();
        }
        for path in &update.removed {
            served.files.remove(path);
        }
        let written = update.files.iter().map(|(p, _)| p.clone());
        if served.unsettled {
            served.last_pages.extend(written);
        } else {
            served.last_pages = written.collect();
        }
        served.unsettled = update.errors.is_none();
        for (path, bytes) in update.files {
            served.files.insert(path, Arc::new(bytes));
        }
        if let Some(errors) = update.errors {
            served.errors = errors;
        }
        served.last_millis = update.millis;
        served.version += 1;
        served.version
    }

    /// A build that failed outright (bad config, bad template): keep the
    /// site, show the error.
    fn fail(&self, err: &Error) {
        let version = {
            let mut served = self.served.write().expect("lock");
            let pos = crate::model::Pos { line: 1, column: 1, offset: 0 };
            served.errors = vec![Finding::new(crate::model::Rule::YamlSyntax, "build", pos, err.to_string())];
            served.last_pages.clear();
            served.unsettled = false;
            served.version += 1;
            served.version
        };
        let _ = self.reload.send(serde_json::json!({ "version": version, "full": false, "paths": [] }).to_string());
    }
}

pub fn run(args: &ServeArgs, global: &Global) -> Result<std::process::ExitCode, Error> {
    // The watcher reports absolute paths; a root given as `--root repo`
    // would never contain them and every edit would go unseen.
    let root = crate::cmd::root(global, None)?;
    let root = root.canonicalize().map_err(|e| Error::io(&root, e))?;
    let (builder, first) = Builder::new(&root, args.today, None, args.tracker.exports.clone())?;
    let quiet = global.quiet;
    if !quiet {
        let (files, findings) = (plural(first.files.len(), "file"), plural(first.findings, "finding"));
        eprintln!("built {files} in {:.0} ms; {findings}", first.millis);
    }
    let (reload, _) = tokio::sync::broadcast::channel(64);
    let app = Arc::new(App { served: RwLock::new(Served::default()), reload });
    app.publish(first);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::new(format!("starting the server: {e}")))?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind((args.bind.as_str(), args.port)))
        .map_err(|e| Error::new(format!("cannot listen on {}:{}: {e}", args.bind, args.port)))?;
    // Listen for Ctrl-C before announcing the URL: a signal that arrives
    // right after must stop the server cleanly, not kill it.
    let stop = runtime.block_on(async { stop_signal() }).map_err(|e| Error::new(format!("signal handler: {e}")))?;
    let address = listener.local_addr().map_err(|e| Error::new(e.to_string()))?;
    let url = format!("http://{address}/");
    // Watch before announcing the URL: an edit made as soon as the URL is
    // known must not be missed.
    let _watcher = watch(builder, Arc::clone(&app), quiet, global.verbose)?;
    crate::cmd::print_stdout(format!("Serving {} at {url} (Ctrl-C to stop)\n", root.display()).as_bytes())?;
    if args.open {
        open_browser(&url);
    }
    let router = Router::new()
        .route("/__retrobook/live.js", get(live_js))
        .route("/__retrobook/events", get(events))
        .route("/__retrobook/status", get(status))
        .fallback(get(file))
        .with_state(Arc::clone(&app));
    runtime.block_on(async move {
        tokio::select! {
            result = axum::serve(listener, router) => result.map_err(|e| Error::new(format!("server: {e}"))),
            _ = stop => {
                if !quiet {
                    eprintln!("stopped");
                }
                Ok(())
            }
        }
    })?;
    Ok(std::process::ExitCode::SUCCESS)
}

/// Add the relevant paths of a watcher result to `changed`.
fn collect(
    relevance: &build::Relevance,
    result: notify_debouncer_full::DebounceEventResult,
    changed: &mut BTreeSet<PathBuf>,
) {
    for event in result.into_iter().flatten().filter(|e| changes_content(&e.kind)) {
        // A new folder counts (files written into it before it is watched
        // are found by the full rebuild it causes); other events on folders
        // are only their entries changing.
        let created = matches!(event.kind, notify_debouncer_full::notify::EventKind::Create(_));
        let paths = event.paths.iter().filter(|p| (created || !p.is_dir()) && relevance.is_relevant(p));
        changed.extend(paths.cloned());
    }
}

/// A future that completes on Ctrl-C (SIGINT) or SIGTERM, with the
/// handlers installed now rather than when first polled.
#[cfg(unix)]
fn stop_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

#[cfg(not(unix))]
fn stop_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

/// Watch the repo; each batch of changes becomes one rebuild. The watcher
/// is returned so it lives as long as the server.
fn watch(mut builder: Builder, app: Arc<App>, quiet: bool, verbose: bool) -> Result<impl Drop, Error> {
    use notify_debouncer_full::notify::RecursiveMode;
    let (tx, rx) = std::sync::mpsc::channel();
    let mut debouncer = notify_debouncer_full::new_debouncer(Duration::from_millis(20), None, tx)
        .map_err(|e| Error::new(format!("watching files: {e}")))?;
    let root = builder.root().to_path_buf();
    debouncer
        .watch(&root, RecursiveMode::Recursive)
        .map_err(|e| Error::new(format!("watching {}: {e}", root.display())))?;
    std::thread::spawn(move || {
        // Relevant paths that changed while an update was running.
        let mut waiting: BTreeSet<PathBuf> = BTreeSet::new();
        loop {
            let relevance = builder.relevance();
            let mut changed = std::mem::take(&mut waiting);
            if changed.is_empty() && !builder.has_pending() {
                match rx.recv() {
                    Ok(result) => collect(&relevance, result, &mut changed),
                    Err(_) => return,
                }
            }
            let started = std::time::Instant::now();
            // Coalesce whatever else arrived: an editor's save is several events.
            for result in rx.try_iter() {
                collect(&relevance, result, &mut changed);
            }
            if changed.is_empty() && !builder.has_pending() {
                continue;
            }
            let what: Vec<String> = changed.iter().map(|p| crate::text::relative_path(&root, p)).collect();
            let mut publish = |update: Update| {
                let (files, millis, errors) = (update.files.len(), update.millis, update.errors.as_ref().map(Vec::len));
                app.publish(update);
                if !quiet {
                    let errors = match errors {
                        Some(0) | None => String::new(),
                        Some(n) => format!(", {}", plural(n, "error")),
                    };
                    eprintln!("{}: wrote {} at {millis:.1} ms{errors}", what.join(", "), plural(files, "file"));
                }
                if verbose && errors.is_some() {
                    for f in &app.served.read().expect("lock").errors {
                        eprintln!("  {}:{}:{} {} {}", f.file, f.pos.line, f.pos.column, f.rule.id(), f.message);
                    }
                }
            };
            // Only a relevant change interrupts: reads and temp files do not.
            let mut interrupted = || {
                for result in rx.try_iter() {
                    collect(&relevance, result, &mut waiting);
                }
                !waiting.is_empty()
            };
            if let Err(err) = builder.update(&changed, started, &mut publish, &mut interrupted) {
                eprintln!("error: {err}");
                app.fail(&err);
            }
        }
    });
    Ok(debouncer)
}

/// Whether an event can change a file's content or existence. Reads (and
/// the access-time updates they cause) are not changes: reacting to them
/// would make every rebuild trigger the next.
fn changes_content(kind: &notify_debouncer_full::notify::EventKind) -> bool {
    use notify_debouncer_full::notify::EventKind;
    use notify_debouncer_full::notify::event::ModifyKind;
    matches!(
        kind,
        EventKind::Create(_)
            | EventKind::Remove(_)
            | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Name(_) | ModifyKind::Any)
    )
}

async fn live_js() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], LIVE_JS).into_response()
}

async fn status(State(app): State<Arc<App>>) -> Response {
    let served = app.served.read().expect("lock");
    let errors: Vec<serde_json::Value> = served
        .errors
        .iter()
        .map(|f| serde_json::json!({"file": f.file, "line": f.pos.line, "column": f.pos.column, "rule": f.rule.id(), "message": f.message}))
        .collect();
    let body = serde_json::json!({
        "version": served.version,
        "errors": errors,
        "settled": !served.unsettled,
        "last_build": { "files": served.last_pages, "millis": served.last_millis },
    });
    ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")], body.to_string())
        .into_response()
}

async fn events(State(app): State<Arc<App>>) -> impl IntoResponse {
    let receiver = app.reload.subscribe();
    let stream = futures_util::stream::unfold(receiver, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(message) => {
                    let event = Event::default().event("update").data(message);
                    return Some((Ok::<_, std::convert::Infallible>(event), rx));
                }
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Serve a file of the in-memory site. The request path is decoded and
/// must name a file of the site; `..`, `.`, backslashes and NUL are refused
/// before any lookup, and nothing is ever read from disk.
async fn file(State(app): State<Arc<App>>, uri: Uri) -> Response {
    let Some(path) = site_path(uri.path()) else {
        return (StatusCode::BAD_REQUEST, "bad path").into_response();
    };
    let served = app.served.read().expect("lock");
    let candidates = [path.clone(), format!("{path}/index.html"), format!("{path}.html")];
    let found = candidates.iter().find_map(|p| served.files.get(p).map(|bytes| (p.clone(), Arc::clone(bytes))));
    let (status, path, bytes) = match found {
        Some((p, bytes)) => (StatusCode::OK, p, bytes),
        None => match served.files.get("404.html") {
            Some(bytes) => (StatusCode::NOT_FOUND, "404.html".to_string(), Arc::clone(bytes)),
            None => return (StatusCode::NOT_FOUND, "not found").into_response(),
        },
    };
    drop(served);
    let content_type = content_type(&path);
    let body = if content_type.starts_with("text/html") { inject_live_reload(&bytes) } else { bytes.to_vec() };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    response
}

/// The site path a request path names, or `None` for anything that tries
/// to leave the site. Empty and trailing-slash paths mean `index.html`.
pub fn site_path(request: &str) -> Option<String> {
    let decoded = crate::link::percent_decode(request);
    if decoded.contains(['\\', '\0']) || decoded.len() > 1024 {
        return None;
    }
    let mut parts = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" => {}
            "." | ".." => return None,
            p => parts.push(p),
        }
    }
    let mut path = parts.join("/");
    if path.is_empty() || decoded.ends_with('/') {
        path = if path.is_empty() { "index.html".into() } else { format!("{path}/index.html") };
    }
    Some(path)
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => {
            if path.ends_with("atom.xml") {
                "application/atom+xml"
            } else {
                "application/xml"
            }
        }
        "csv" => "text/csv; charset=utf-8",
        "txt" | "log" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

fn inject_live_reload(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{LIVE_TAG}{}", &text[..i], &text[i..]).into_bytes(),
        None => format!("{text}{LIVE_TAG}").into_bytes(),
    }
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("could not open a browser; visit {url}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_never_leave_the_site() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(site_path("/retros/").as_deref(), Some("retros/index.html"));
        assert_eq!(site_path("/retros/a.html").as_deref(), Some("retros/a.html"));
        assert_eq!(site_path("/a%20b.html").as_deref(), Some("a b.html"));
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/retros/..%2f..%2fetc",
            "/a\\..\\b",
            "/%00",
            "/./x",
            "/%2E%2E/x",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn live_reload_goes_before_the_body_end() {
        let out = String::from_utf8(inject_live_reload(b"<html><body>x</body></html>")).unwrap();
        assert_eq!(out, format!("<html><body>x{LIVE_TAG}</body></html>"));
    }
}
