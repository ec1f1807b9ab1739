//! `retrobook lsp`: a language server over stdio for the retros of one
//! repo. The loop reads one message at a time and answers it before the
//! next (an edit re-checks one file and its dependents in milliseconds, so
//! no queue is needed); every handler runs under `catch_unwind`, so a bug
//! costs one error answer, not the session.
//!
//! `state.rs` keeps the workspace (disk + unsaved buffers), `diagnostics.rs`
//! turns findings into diagnostics, `completion.rs`, `navigate.rs` (hover,
//! definition, references, symbols) and `actions.rs` (code actions) answer
//! requests, `position.rs` converts positions, `transport.rs` frames.

mod actions;
mod completion;
mod diagnostics;
mod navigate;
mod position;
mod state;
mod text;
mod transport;

use crate::cli::{Global, LspArgs};
use crate::config::CONFIG_FILE;
use crate::error::Error;
use crate::model::Finding;
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{self as lsp, Uri};
use position::{Encoding, Lines};
use rayon::prelude::*;
use state::{Changed, Workspace};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub fn run(args: &LspArgs, global: &Global) -> Result<ExitCode, Error> {
    let mut input = std::io::stdin().lock();
    let mut server = Server {
        explicit_root: global.root.clone(),
        today: crate::cmd::today(args.today),
        trackers: args.tracker.exports.clone(),
        ws: None,
        encoding: Encoding::Utf16,
        initialized: false,
        shutdown: false,
        watch_registration: false,
        published: HashMap::new(),
        output: std::io::stdout().lock(),
        gone: false,
    };
    loop {
        let message = match transport::read(&mut input) {
            transport::Frame::Eof => return Ok(ExitCode::SUCCESS),
            transport::Frame::Malformed { id, reason } => {
                eprintln!("retrobook lsp: {reason}");
                if !transport::write_malformed(&mut server.output, id, &reason) {
                    return Ok(ExitCode::SUCCESS);
                }
                continue;
            }
            transport::Frame::Message(message) => message,
        };
        let id = match &message {
            Message::Request(r) => Some(r.id.clone()),
            _ => None,
        };
        let flow = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| server.handle(message)));
        let flow = flow.unwrap_or_else(|_| {
            if let Some(id) = id {
                let error = "internal error (a bug in retrobook lsp; see its log)".to_string();
                server.send(Response::new_err(id, ErrorCode::InternalError as i32, error).into());
            }
            Flow::Continue
        });
        if server.gone {
            // The client is gone: nobody to answer.
            return Ok(ExitCode::SUCCESS);
        }
        if let Flow::Exit(code) = flow {
            return Ok(code);
        }
    }
}

enum Flow {
    Continue,
    Exit(ExitCode),
}

struct Server {
    explicit_root: Option<PathBuf>,
    today: chrono::NaiveDate,
    trackers: Vec<PathBuf>,
    /// `None` before `initialize`, or when no `book.toml` was found.
    ws: Option<Workspace>,
    encoding: Encoding,
    initialized: bool,
    shutdown: bool,
    /// The client registers file watchers for us (dynamic registration).
    watch_registration: bool,
    /// A digest of the findings last published per file (files with
    /// none are left out), to send only what changed.
    published: HashMap<String, u64>,
    output: std::io::StdoutLock<'static>,
    /// Writing to the client failed: it is gone.
    gone: bool,
}

impl Server {
    fn send(&mut self, message: Message) {
        if !self.gone && !transport::write(&mut self.output, &message) {
            self.gone = true;
        }
    }

    fn handle(&mut self, message: Message) -> Flow {
        match message {
            Message::Request(request) => self.request(request),
            Message::Notification(n) => return self.notification(n),
            // Answers to our requests (registrations): nothing to do.
            Message::Response(_) => {}
        }
        Flow::Continue
    }

    fn request(&mut self, request: Request) {
        let id = request.id.clone();
        let result = if request.method == lsp::request::Initialize::METHOD {
            self.initialize(request.params)
        } else if !self.initialized {
            Err((ErrorCode::ServerNotInitialized, "the server is not initialized yet".into()))
        } else if self.shutdown {
            Err((ErrorCode::InvalidRequest, "the server is shutting down".into()))
        } else if request.method == lsp::request::Shutdown::METHOD {
            self.shutdown = true;
            Ok(serde_json::Value::Null)
        } else {
            self.answer(&request.method, request.params)
        };
        let response = match result {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.send(response.into());
    }

    fn notification(&mut self, n: Notification) -> Flow {
        use lsp::notification as note;
        if n.method == note::Exit::METHOD {
            return Flow::Exit(if self.shutdown { ExitCode::SUCCESS } else { ExitCode::from(1) });
        }
        if !self.initialized || self.ws.is_none() {
            return Flow::Continue;
        }
        let params = n.params;
        match n.method.as_str() {
            note::Initialized::METHOD => self.on_initialized(),
            note::DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(params) {
                    self.set_text(&p.text_document.uri, p.text_document.text);
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(params) {
                    self.change(p);
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(params) {
                    self.close(&p.text_document.uri);
                }
            }
            note::DidSaveTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidSaveTextDocumentParams>(params) {
                    self.saved(&p.text_document.uri);
                }
            }
            note::DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeWatchedFilesParams>(params) {
                    self.watched(p.changes.iter().map(|c| &c.uri));
                }
            }
            _ => {}
        }
        Flow::Continue
    }

    fn initialize(&mut self, params: serde_json::Value) -> Result<serde_json::Value, (ErrorCode, String)> {
        if self.initialized {
            return Err((ErrorCode::InvalidRequest, "initialize was already called".into()));
        }
        let params: lsp::InitializeParams =
            serde_json::from_value(params).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))?;
        let caps = &params.capabilities;
        let offers_utf8 = (caps.general.as_ref().and_then(|g| g.position_encodings.as_ref()))
            .is_some_and(|e| e.contains(&lsp::PositionEncodingKind::UTF8));
        self.encoding = if offers_utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
        self.watch_registration = (caps.workspace.as_ref())
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        match self.find_root(&params) {
            Ok(root) => self.ws = Some(Workspace::new(root, self.today, self.trackers.clone())),
            Err(err) => self.show_message(lsp::MessageType::WARNING, format!("retrobook lsp: {err}")),
        }
        self.initialized = true;
        let encoding = match self.encoding {
            Encoding::Utf8 => lsp::PositionEncodingKind::UTF8,
            Encoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        };
        let result = lsp::InitializeResult {
            capabilities: capabilities(encoding),
            server_info: Some(lsp::ServerInfo {
                name: "retrobook".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        };
        Ok(serde_json::to_value(result).unwrap_or_default())
    }

    /// `--root`, else the first workspace folder (or root URI, or the
    /// current folder) with a `book.toml` in it or above it.
    fn find_root(&self, params: &lsp::InitializeParams) -> Result<PathBuf, Error> {
        if let Some(root) = &self.explicit_root {
            return crate::config::find_root(Some(root), root);
        }
        #[allow(deprecated)]
        let folders: Vec<PathBuf> = (params.workspace_folders.iter().flatten().map(|f| &f.uri))
            .chain(params.root_uri.as_ref())
            .filter_map(path_of)
            .collect();
        for folder in &folders {
            if let Ok(root) = crate::config::find_root(None, folder) {
                return Ok(root);
            }
        }
        let cwd = std::env::current_dir().map_err(|e| Error::new(format!("cannot read the current folder: {e}")))?;
        crate::config::find_root(None, folders.first().unwrap_or(&cwd))
    }

    fn on_initialized(&mut self) {
        if self.watch_registration {
            let watchers = ["**/*.md", "**/*.markdown", "**/book.toml"]
                .map(|glob| lsp::FileSystemWatcher { glob_pattern: lsp::GlobPattern::String(glob.into()), kind: None })
                .to_vec();
            let options = lsp::DidChangeWatchedFilesRegistrationOptions { watchers };
            let registration = lsp::Registration {
                id: "retrobook-watched-files".into(),
                method: lsp::notification::DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            };
            let params = lsp::RegistrationParams { registrations: vec![registration] };
            let id = RequestId::from("retrobook-register-watchers".to_string());
            self.send(Request::new(id, lsp::request::RegisterCapability::METHOD.into(), params).into());
        }
        // The whole repo's findings, so the problems panel shows them.
        self.publish(Changed::All);
    }

    fn ws(&self) -> &Workspace {
        self.ws.as_ref().expect("a workspace")
    }

    fn ws_mut(&mut self) -> &mut Workspace {
        self.ws.as_mut().expect("a workspace")
    }

    fn rel(&self, uri: &Uri) -> Option<String> {
        self.ws.as_ref()?.rel(&path_of(uri)?)
    }

    fn set_text(&mut self, uri: &Uri, text: String) {
        let Some(rel) = self.rel(uri) else { return };
        let ws = self.ws_mut();
        ws.open.insert(rel.clone(), state::Doc { text: text.clone() });
        let changed = ws.apply(&rel, Some(text));
        self.publish(changed);
    }

    fn change(&mut self, p: lsp::DidChangeTextDocumentParams) {
        let Some(rel) = self.rel(&p.text_document.uri) else { return };
        let encoding = self.encoding;
        let Some(doc) = self.ws_mut().open.get_mut(&rel) else { return };
        for change in p.content_changes {
            match change.range {
                None => doc.text = change.text,
                Some(range) => {
                    let lines = Lines::new(&doc.text, encoding);
                    let (start, end) = (lines.offset(range.start), lines.offset(range.end));
                    doc.text.replace_range(start..end.max(start), &change.text);
                }
            }
        }
        let text = doc.text.clone();
        let changed = self.ws_mut().apply(&rel, Some(text));
        self.publish(changed);
    }

    fn close(&mut self, uri: &Uri) {
        let Some(rel) = self.rel(uri) else { return };
        if self.ws_mut().open.remove(&rel).is_some() {
            let changed = self.ws_mut().apply(&rel, None);
            self.publish(changed);
        }
    }

    fn saved(&mut self, uri: &Uri) {
        if self.rel(uri).as_deref() == Some(CONFIG_FILE) {
            self.ws_mut().reload();
            self.publish(Changed::All);
        }
    }

    /// Files changed on disk: `book.toml` or a tracker export reloads
    /// everything; a retro not open in a buffer is read again (a rename is
    /// a delete and a create).
    fn watched<'u>(&mut self, uris: impl Iterator<Item = &'u Uri>) {
        let mut files = BTreeSet::new();
        let mut all = false;
        for uri in uris {
            let Some(rel) = self.rel(uri) else { continue };
            let ws = self.ws();
            let is_export = ws
                .loaded
                .as_ref()
                .is_some_and(|l| l.repo.config.tracker.exports.iter().any(|e| ws.root.join(e) == ws.root.join(&rel)));
            if rel == CONFIG_FILE || is_export {
                self.ws_mut().reload();
                all = true;
            } else if !self.ws().open.contains_key(&rel) {
                match self.ws_mut().apply(&rel, None) {
                    Changed::All => all = true,
                    Changed::Files(f) => files.extend(f),
                }
            }
        }
        self.publish(if all { Changed::All } else { Changed::Files(files) });
    }

    /// Publish the findings of the files an update touched, where they
    /// differ from what the client has.
    fn publish(&mut self, changed: Changed) {
        let Some(ws) = &self.ws else { return };
        let files: BTreeSet<String> = match changed {
            Changed::All => ws.all_files().into_iter().chain(self.published.keys().cloned()).collect(),
            Changed::Files(files) => files,
        };
        let mut findings: Vec<(String, Vec<Finding>)> = ws.findings(&files).into_iter().collect();
        findings.sort_by(|a, b| a.0.cmp(&b.0));
        // Made in parallel a chunk at a time, written in order: the first
        // publish of a large repo is thousands of messages.
        let encoding = self.encoding;
        for chunk in findings.chunks(512) {
            let published = &self.published;
            let ready: Vec<(&String, u64, Option<Notification>)> = chunk
                .par_iter()
                .filter_map(|(file, findings)| {
                    let digest = diagnostics::digest(findings);
                    if published.get(file).map_or(findings.is_empty(), |&before| before == digest) {
                        return None;
                    }
                    Some((file, digest, notification_of(ws, file, findings, encoding)))
                })
                .collect();
            for (file, digest, notification) in ready {
                let Some(notification) = notification else { continue };
                if !self.gone && !transport::write(&mut self.output, &notification.into()) {
                    self.gone = true;
                }
                if digest == diagnostics::digest(&[]) {
                    self.published.remove(file);
                } else {
                    self.published.insert(file.clone(), digest);
                }
            }
        }
    }
}

fn notification_of(ws: &Workspace, file: &str, findings: &[Finding], encoding: Encoding) -> Option<Notification> {
    {
        let read;
        let text = match ws.text(file) {
            Some(text) => text,
            None => {
                let bytes = std::fs::read(ws.root.join(file)).unwrap_or_default();
                read = String::from_utf8_lossy(&bytes).into_owned();
                &read
            }
        };
        let diagnostics = diagnostics::to_diagnostics(findings, text, encoding);
        let uri = uri_of(&ws.root.join(file))?;
        let params = lsp::PublishDiagnosticsParams { uri, diagnostics, version: None };
        Some(Notification::new(lsp::notification::PublishDiagnostics::METHOD.to_string(), params))
    }
}

impl Server {
    fn show_message(&mut self, typ: lsp::MessageType, message: String) {
        let params = lsp::ShowMessageParams { typ, message };
        self.send(Notification::new(lsp::notification::ShowMessage::METHOD.into(), params).into());
    }

    /// Answer a request about a document.
    fn answer(&mut self, method: &str, params: serde_json::Value) -> Result<serde_json::Value, (ErrorCode, String)> {
        use lsp::request as req;
        let invalid = |e: serde_json::Error| (ErrorCode::InvalidParams, e.to_string());
        let value = match method {
            req::Completion::METHOD => {
                let p: lsp::CompletionParams = serde_json::from_value(params).map_err(invalid)?;
                let pos = &p.text_document_position;
                self.with_doc(&pos.text_document.uri, |doc| completion::complete(doc, pos.position))
            }
            req::HoverRequest::METHOD => {
                let p: lsp::HoverParams = serde_json::from_value(params).map_err(invalid)?;
                let pos = &p.text_document_position_params;
                self.with_doc(&pos.text_document.uri, |doc| navigate::hover(doc, pos.position))
            }
            req::GotoDefinition::METHOD => {
                let p: lsp::GotoDefinitionParams = serde_json::from_value(params).map_err(invalid)?;
                let pos = &p.text_document_position_params;
                self.with_doc(&pos.text_document.uri, |doc| navigate::definition(doc, pos.position))
            }
            req::References::METHOD => {
                let p: lsp::ReferenceParams = serde_json::from_value(params).map_err(invalid)?;
                let pos = &p.text_document_position;
                self.with_doc(&pos.text_document.uri, |doc| navigate::references(doc, pos.position))
            }
            req::DocumentSymbolRequest::METHOD => {
                let p: lsp::DocumentSymbolParams = serde_json::from_value(params).map_err(invalid)?;
                self.with_doc(&p.text_document.uri, navigate::symbols)
            }
            req::CodeActionRequest::METHOD => {
                let p: lsp::CodeActionParams = serde_json::from_value(params).map_err(invalid)?;
                let rel = self.rel(&p.text_document.uri).unwrap_or_default();
                let ws = self.ws.as_ref();
                let findings = ws.and_then(|ws| ws.findings(&BTreeSet::from([rel.clone()])).remove(&rel));
                let findings = findings.unwrap_or_default();
                self.with_doc(&p.text_document.uri, |doc| actions::code_actions(doc, &findings, p.range))
            }
            _ => return Err((ErrorCode::MethodNotFound, format!("retrobook lsp does not handle `{method}`"))),
        };
        Ok(value)
    }

    /// Run `f` on a document of the repo; `null` for a document the server
    /// does not know (outside the repo, or no repo).
    fn with_doc(&self, uri: &Uri, f: impl FnOnce(&Doc) -> serde_json::Value) -> serde_json::Value {
        let Some(ws) = &self.ws else { return serde_json::Value::Null };
        let Some(rel) = self.rel(uri) else { return serde_json::Value::Null };
        let Some(text) = ws.text(&rel) else { return serde_json::Value::Null };
        let doc = Doc { ws, rel: &rel, text, lines: Lines::new(text, self.encoding), uri: uri.clone() };
        f(&doc)
    }
}

/// A document a request is about: the workspace, its path, its text.
pub(crate) struct Doc<'a> {
    pub(crate) ws: &'a Workspace,
    pub(crate) rel: &'a str,
    pub(crate) text: &'a str,
    pub(crate) lines: Lines<'a>,
    pub(crate) uri: Uri,
}

impl Doc<'_> {
    /// A location in another file of the repo at a byte offset of its text.
    pub(crate) fn location(&self, rel: &str, offset: usize) -> Option<lsp::Location> {
        let text = self.ws.text(rel)?;
        let lines = Lines::new(text, self.lines.encoding());
        let uri = if rel == self.rel { self.uri.clone() } else { uri_of(&self.ws.root.join(rel))? };
        Some(lsp::Location { uri, range: lines.range(offset, offset) })
    }
}

fn capabilities(encoding: lsp::PositionEncodingKind) -> lsp::ServerCapabilities {
    use lsp::*;
    let sync = TextDocumentSyncOptions {
        open_close: Some(true),
        change: Some(TextDocumentSyncKind::FULL),
        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
        ..Default::default()
    };
    ServerCapabilities {
        position_encoding: Some(encoding),
        text_document_sync: Some(TextDocumentSyncCapability::Options(sync)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(["[", "#", ":", " ", ","].map(String::from).to_vec()),
            ..Default::default()
        }),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..Default::default()
    }
}

fn path_of(uri: &Uri) -> Option<PathBuf> {
    url::Url::parse(uri.as_str()).ok()?.to_file_path().ok()
}

fn uri_of(path: &Path) -> Option<Uri> {
    url::Url::from_file_path(path).ok()?.as_str().parse().ok()
}
