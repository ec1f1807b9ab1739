//! `retrobook lsp` driven through its stdio by a scripted client.

mod common;

use common::{temp_repo, valid_retro};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    /// Notifications (and server requests) received while waiting for
    /// something else.
    pending: Vec<Value>,
    next_id: i64,
}

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// Read one framed message; `None` at the end of the stream.
fn read_frame(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start(root: &Path, utf8: bool) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_retrobook"))
            .args(["lsp", "--today", "2026-11-27"])
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("starts");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(v) = read_frame(&mut reader) {
                if tx.send(v).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        let mut client = Client { child, stdin, incoming: rx, pending: Vec::new(), next_id: 0 };
        let encodings = if utf8 { json!(["utf-8", "utf-16"]) } else { json!(["utf-16"]) };
        let folder = url::Url::from_file_path(root).unwrap().to_string();
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": folder,
                "workspaceFolders": [{"uri": folder, "name": "repo"}],
                "capabilities": {
                    "general": {"positionEncodings": encodings},
                    "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
                },
            }),
        );
        assert!(result["capabilities"]["completionProvider"].is_object(), "{result}");
        client.notify("initialized", json!({}));
        client
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        let body = json!({"jsonrpc": "2.0", "method": method, "params": params}).to_string();
        self.send_raw(&frame(&body));
    }

    /// The whole response to a request.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string();
        self.send_raw(&frame(&body));
        self.wait_for(|m| m["id"] == json!(id) && m.get("method").is_none())
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.call(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// The next message (pending first) that `want` accepts.
    fn wait_for(&mut self, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.pending.iter().position(&want) {
            return self.pending.remove(i);
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(m) if want(&m) => return m,
                Ok(m) => self.pending.push(m),
                Err(RecvTimeoutError::Timeout) => panic!("timed out; received {:#?}", self.pending),
                Err(RecvTimeoutError::Disconnected) => panic!("server gone; received {:#?}", self.pending),
            }
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let m = self.wait_for(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri);
        m["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn open(&mut self, uri: &str, text: &str) {
        let doc = json!({"uri": uri, "languageId": "markdown", "version": 1, "text": text});
        self.notify("textDocument/didOpen", json!({"textDocument": doc}));
    }

    fn change(&mut self, uri: &str, version: i32, text: &str) {
        let params = json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]});
        self.notify("textDocument/didChange", params);
    }

    fn shutdown(mut self) -> std::process::ExitStatus {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        wait_exit(&mut self.child)
    }
}

fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn uri(root: &Path, rel: &str) -> String {
    url::Url::from_file_path(root.join(rel)).unwrap().to_string()
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics.iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

const BOOK: &str = "[book]\ntitle = \"T\"\n[people.alice]\nname = \"Alice A\"\n[people.bob]\nname = \"Bob B\"\n";

/// Two retros: `a` links to `b` (by `related` and a `[[b]]` link).
fn two_retros() -> tempfile::TempDir {
    let a = valid_retro("A").replace("authors: [alice]", "authors: [alice]\nrelated: [b]")
        + "\nSee [[b#fix-the-condition]] and [[b]].\n";
    let b = valid_retro("B").replace("Body text.", "## Fix the condition\n\nBody text.");
    temp_repo(BOOK, &[("retros/a.md", a.as_bytes()), ("retros/b.md", b.as_bytes())])
}

#[test]
fn diagnostics_follow_unsaved_edits_and_clear() {
    let repo = two_retros();
    let mut client = Client::start(repo.path(), false);
    let a = uri(repo.path(), "retros/a.md");
    let text = std::fs::read_to_string(repo.path().join("retros/a.md")).unwrap();
    client.open(&a, &text);
    let broken = text.replace("related: [b]", "related: [nope]").replace("owner: alice", "owner: carol");
    client.change(&a, 2, &broken);
    let diagnostics = client.diagnostics(&a);
    let codes = codes(&diagnostics);
    assert!(codes.contains(&"broken-link".to_string()), "{diagnostics:#?}");
    assert!(codes.contains(&"unknown-owner".to_string()), "{diagnostics:#?}");
    let link = diagnostics.iter().find(|d| d["code"] == "broken-link").unwrap();
    let line = broken.lines().position(|l| l.starts_with("related:")).unwrap();
    assert_eq!(link["range"]["start"], json!({"line": line, "character": 10}), "{link}");
    assert!(link["message"].as_str().unwrap().contains("hint:"), "{link}");
    assert_eq!(link["severity"], 1);
    // Fixed again: the findings clear.
    client.change(&a, 3, &text);
    assert_eq!(client.diagnostics(&a), Vec::<Value>::new());
    assert!(client.shutdown().success());
}

#[test]
fn positions_after_an_astral_character_are_utf16_unless_utf8_is_negotiated() {
    for utf8 in [false, true] {
        let repo = two_retros();
        let mut client = Client::start(repo.path(), utf8);
        let a = uri(repo.path(), "retros/a.md");
        let text = std::fs::read_to_string(repo.path().join("retros/a.md")).unwrap() + "\n😀 [x](missing.md)\n";
        client.open(&a, &text);
        let diagnostics = client.diagnostics(&a);
        let link = diagnostics.iter().find(|d| d["code"] == "broken-link").expect("the broken link");
        let line = text.lines().position(|l| l.starts_with("😀")).unwrap();
        // "😀 [x](" is 2 UTF-16 units + 5, or 4 bytes + 5.
        let character = if utf8 { 9 } else { 7 };
        assert_eq!(link["range"]["start"], json!({"line": line, "character": character}), "utf8 {utf8}");
        assert_eq!(link["range"]["end"]["character"], character + "missing.md".len());
    }
}

#[test]
fn findings_of_files_not_open_are_published_at_start() {
    let bad = valid_retro("C").replace("owner: alice", "owner: zed");
    let repo = temp_repo(BOOK, &[("retros/c.md", bad.as_bytes())]);
    let mut client = Client::start(repo.path(), false);
    let diagnostics = client.diagnostics(&uri(repo.path(), "retros/c.md"));
    assert_eq!(codes(&diagnostics), ["unknown-owner"]);
}

#[test]
fn the_same_findings_as_check() {
    let root = common::fixture("rules");
    let (_, expected) = common::check_json(&root, &[]);
    let mut client = Client::start(&root, false);
    let mut files: std::collections::BTreeSet<String> =
        expected.iter().map(|f| f["file"].as_str().unwrap().to_string()).collect();
    let mut count = 0;
    while !files.is_empty() {
        let m = client.wait_for(|m| m["method"] == "textDocument/publishDiagnostics");
        let path = url::Url::parse(m["params"]["uri"].as_str().unwrap()).unwrap().to_file_path().unwrap();
        let rel = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        let want: Vec<&Value> = expected.iter().filter(|f| f["file"] == rel.as_str()).collect();
        let got = m["params"]["diagnostics"].as_array().unwrap();
        let rules =
            |v: Vec<&Value>, key: &str| v.iter().map(|f| f[key].as_str().unwrap().to_string()).collect::<Vec<_>>();
        assert_eq!(rules(got.iter().collect(), "code"), rules(want, "rule"), "{rel}");
        count += got.len();
        files.remove(&rel);
    }
    assert_eq!(count, expected.len());
}

#[test]
fn a_retro_deleted_on_disk_breaks_the_open_buffers_link() {
    let repo = two_retros();
    let mut client = Client::start(repo.path(), false);
    let a = uri(repo.path(), "retros/a.md");
    let text = std::fs::read_to_string(repo.path().join("retros/a.md")).unwrap();
    client.open(&a, &text);
    std::fs::rename(repo.path().join("retros/b.md"), repo.path().join("retros/c.md")).unwrap();
    let changes = json!({"changes": [
        {"uri": uri(repo.path(), "retros/b.md"), "type": 3},
        {"uri": uri(repo.path(), "retros/c.md"), "type": 1},
    ]});
    client.notify("workspace/didChangeWatchedFiles", changes);
    let diagnostics = client.diagnostics(&a);
    assert_eq!(codes(&diagnostics), ["broken-link", "broken-link", "broken-link"], "{diagnostics:#?}");
    // A roster change in book.toml: bob is no longer known.
    std::fs::write(repo.path().join("book.toml"), "[book]\ntitle = \"T\"\n[people.bob]\n").unwrap();
    let changes = json!({"changes": [{"uri": uri(repo.path(), "book.toml"), "type": 2}]});
    client.notify("workspace/didChangeWatchedFiles", changes);
    let diagnostics = client.diagnostics(&a);
    assert!(codes(&diagnostics).contains(&"unknown-owner".to_string()), "{diagnostics:#?}");
}

#[test]
fn malformed_input_is_answered_and_the_server_carries_on() {
    let repo = two_retros();
    let mut client = Client::start(repo.path(), false);
    client.send_raw(&frame("{not json"));
    let error = client.wait_for(|m| m["error"]["code"] == -32700);
    assert_eq!(error["id"], Value::Null);
    client.send_raw(&frame(r#"{"jsonrpc":"2.0","id":77,"method":5}"#));
    client.wait_for(|m| m["id"] == 77 && m["error"].is_object());
    client.send_raw(b"X-Nonsense: 1\r\n\r\n");
    client.wait_for(|m| m["error"]["code"] == -32700);
    let unknown = client.call(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///nowhere.md"},
        "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(unknown["result"], Value::Null, "{unknown}");
    let bad_params = client.call("textDocument/hover", json!({"nonsense": true}));
    assert_eq!(bad_params["error"]["code"], -32602);
    let unknown_method = client.call("retrobook/nothing", json!({}));
    assert_eq!(unknown_method["error"]["code"], -32601);
    // Positions past the end are clamped, not a crash.
    let a = uri(repo.path(), "retros/a.md");
    let past = client.call(
        "textDocument/hover",
        json!({"textDocument": {"uri": a},
        "position": {"line": 9999, "character": 9999}}),
    );
    assert!(past.get("error").is_none(), "{past}");
    assert!(client.shutdown().success());
}

#[test]
fn exit_without_shutdown_is_code_1_and_closed_stdin_ends_it() {
    let repo = two_retros();
    let mut client = Client::start(repo.path(), false);
    client.notify("exit", Value::Null);
    assert_eq!(wait_exit(&mut client.child).code(), Some(1));
    let mut client = Client::start(repo.path(), false);
    client.stdin = None;
    assert!(wait_exit(&mut client.child).success());
}

fn labels(items: &Value) -> Vec<String> {
    items.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap().to_string()).collect()
}

/// The position just after the first `needle` in `text` (ASCII text).
fn after(text: &str, needle: &str) -> Value {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle:?} in the text")) + needle.len();
    let line = text[..at].matches('\n').count();
    let character = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": character})
}

fn at(client: &mut Client, method: &str, uri: &str, position: Value) -> Value {
    let mut params = json!({"textDocument": {"uri": uri}, "position": position});
    if method == "textDocument/references" {
        params["context"] = json!({"includeDeclaration": false});
    }
    client.request(method, params)
}

#[test]
fn completion_works_in_a_buffer_that_does_not_parse() {
    let repo = two_retros();
    let mut client = Client::start(repo.path(), false);
    let a = uri(repo.path(), "retros/a.md");
    let text = std::fs::read_to_string(repo.path().join("retros/a.md")).unwrap();
    // An unclosed flow list in an item's `factors`: the YAML is broken.
    let broken = text.replace("factors: [f1]", "factors: [");
    client.open(&a, &broken);
    let diagnostics = client.diagnostics(&a);
    assert!(codes(&diagnostics).contains(&"yaml-syntax".to_string()), "{diagnostics:#?}");
    let items = at(&mut client, "textDocument/completion", &a, after(&broken, "factors: ["));
    assert_eq!(labels(&items), ["f1"]);
    // Keys of an action item, with the schema's documentation.
    let typing = broken.replace("    due: 2027-01-01\n", "    due: 2027-01-01\n    pri\n");
    client.change(&a, 2, &typing);
    let items = at(&mut client, "textDocument/completion", &a, after(&typing, "    pri"));
    let keys = labels(&items);
    assert!(keys.contains(&"priority".to_string()) && keys.contains(&"owner".to_string()), "{keys:?}");
    assert!(!keys.contains(&"severity".to_string()), "retro keys offered in an item: {keys:?}");
    let owner = items.as_array().unwrap().iter().find(|i| i["label"] == "owner").unwrap();
    assert!(owner["documentation"].as_str().unwrap().contains("Required"), "{owner}");
    // Values: the status enum, severities, people (roster first), ids.
    let values = |client: &mut Client, text: &str, needle: &str| {
        client.change(&a, 3, text);
        labels(&at(client, "textDocument/completion", &a, after(text, needle)))
    };
    assert_eq!(values(&mut client, &broken, "status: "), ["draft", "in-review", "published"]);
    assert_eq!(values(&mut client, &broken, "severity: "), ["SEV1", "SEV2", "SEV3", "SEV4"]);
    assert_eq!(values(&mut client, &broken, "authors: ["), ["alice", "bob"]);
    assert_eq!(values(&mut client, &broken, "related: ["), ["b"]);
    let kinds = values(&mut client, &broken, "    status: ");
    assert_eq!(kinds, ["open", "in-progress", "done", "wont-do"]);
    // In the body: retro ids after `[[`, anchors after `[[b#`.
    let body = broken.clone() + "\nSee [[";
    assert_eq!(values(&mut client, &body, "See [["), ["b"]);
    let body = broken.clone() + "\nSee [[b#";
    let anchors = values(&mut client, &body, "See [[b#");
    assert!(anchors.contains(&"fix-the-condition".to_string()) && anchors.contains(&"AI-1".to_string()), "{anchors:?}");
}

#[test]
fn hover_definition_references_and_symbols() {
    let repo = two_retros();
    let mut client = Client::start(repo.path(), false);
    let a = uri(repo.path(), "retros/a.md");
    let b = uri(repo.path(), "retros/b.md");
    let text = std::fs::read_to_string(repo.path().join("retros/a.md")).unwrap();
    let b_text = std::fs::read_to_string(repo.path().join("retros/b.md")).unwrap();
    client.open(&a, &text);
    let hover = at(&mut client, "textDocument/hover", &a, after(&text, "related: [b"));
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("**B**") && shown.contains("SEV3") && shown.contains("open items: 1"), "{shown}");
    let hover = at(&mut client, "textDocument/hover", &a, after(&text, "owner: ali"));
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("alice") && shown.contains("open items: 2, overdue: 0"), "{shown}");
    // [[b#fix-the-condition]] goes to the heading in b.md.
    let definition = at(&mut client, "textDocument/definition", &a, after(&text, "See [[b#fix"));
    assert_eq!(definition["uri"], b.as_str());
    let heading = b_text.lines().position(|l| l.starts_with("## Fix")).unwrap();
    assert_eq!(definition["range"]["start"]["line"], heading);
    // A factor id in an item's `factors` goes to the factor.
    let definition = at(&mut client, "textDocument/definition", &a, after(&text, "factors: [f"));
    let factor = text.lines().position(|l| l.contains("- id: f1")).unwrap();
    assert_eq!(definition["range"]["start"]["line"], factor, "{definition}");
    // A relative link goes to the file.
    let linked = text.clone() + "\nAlso [the other](b.md#fix-the-condition).\n";
    client.change(&a, 2, &linked);
    let definition = at(&mut client, "textDocument/definition", &a, after(&linked, "](b.m"));
    assert_eq!(definition["uri"], b.as_str());
    assert_eq!(definition["range"]["start"]["line"], heading);
    // References of b: a's `related` entry and the three body links.
    client.open(&b, &b_text);
    let references = at(&mut client, "textDocument/references", &b, json!({"line": 1, "character": 0}));
    let references = references.as_array().unwrap();
    assert_eq!(references.len(), 4, "{references:#?}");
    assert!(references.iter().all(|r| r["uri"] == a.as_str()));
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": a}}));
    let names: Vec<&str> = symbols.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["f1", "AI-1"]);
}

#[test]
fn code_actions_reword_and_add_an_owner() {
    let repo = two_retros();
    let mut client = Client::start(repo.path(), false);
    let a = uri(repo.path(), "retros/a.md");
    let text = std::fs::read_to_string(repo.path().join("retros/a.md")).unwrap();
    let edited =
        text.replace("    owner: alice\n", "").replace("severity: SEV3\n", "") + "\nThe root cause was a full disk.\n";
    client.open(&a, &edited);
    let diagnostics = client.diagnostics(&a);
    let codes = codes(&diagnostics);
    assert!(codes.contains(&"blameless-language".to_string()), "{codes:?}");
    let whole = json!({"start": {"line": 0, "character": 0}, "end": {"line": 999, "character": 0}});
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": a}, "range": whole, "context": {"diagnostics": []}}),
    );
    let actions = actions.as_array().unwrap();
    let titles: Vec<&str> = actions.iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert!(titles.contains(&"Reword as \"contributing factors\""), "{titles:?}");
    assert!(titles.contains(&"Add `owner:`"), "{titles:?}");
    let reword = actions.iter().find(|x| x["title"].as_str().unwrap().starts_with("Reword")).unwrap();
    let edit = &reword["edit"]["changes"][&a][0];
    assert_eq!(edit["newText"], "contributing factors");
    let line = edited.lines().position(|l| l.starts_with("The root cause")).unwrap();
    assert_eq!(edit["range"], json!({"start": {"line": line, "character": 4}, "end": {"line": line, "character": 14}}));
    let owner = actions.iter().find(|x| x["title"] == "Add `owner:`").unwrap();
    let edit = &owner["edit"]["changes"][&a][0];
    assert_eq!(edit["newText"], "\n    owner: ");
    let item = edited.lines().position(|l| l.contains("- id: AI-1")).unwrap();
    assert_eq!(edit["range"]["start"]["line"], item);
    // The missing required key goes before the closing fence.
    let severity = actions.iter().find(|x| x["title"] == "Add `severity:`").expect("an action for severity");
    let edit = &severity["edit"]["changes"][&a][0];
    assert_eq!(edit["newText"], "severity: \n");
    let fence = edited.lines().skip(1).position(|l| l == "---").unwrap() + 1;
    assert_eq!(edit["range"]["start"], json!({"line": fence, "character": 0}));
}

/// A real editor: Debian's Neovim headless opens a retro whose YAML is
/// broken, waits for the diagnostics and asks for a completion. Skipped
/// without `nvim` unless CI or RETROBOOK_NEOVIM_TESTS requires it.
#[test]
fn neovim_shows_the_diagnostics_and_completes() {
    let required = std::env::var_os("CI").is_some() || std::env::var_os("RETROBOOK_NEOVIM_TESTS").is_some();
    if Command::new("nvim").arg("--version").output().is_err() {
        assert!(!required, "Neovim tests required but nvim is missing (apt-get install neovim)");
        eprintln!("skipping the Neovim test; missing: nvim (apt-get install neovim)");
        return;
    }
    let text = valid_retro("A").replace("owner: alice", "owner: zed").replace("factors: [f1]", "factors: [");
    let repo = temp_repo(BOOK, &[("retros/a.md", text.as_bytes())]);
    let position = after(&text, "factors: [");
    let out = repo.path().join("out.txt");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lsp/neovim.lua");
    let status = Command::new("nvim")
        .args(["--headless", "-u", "NONE", "-i", "NONE", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("RB_BIN", env!("CARGO_BIN_EXE_retrobook"))
        .env("RB_ROOT", repo.path())
        .env("RB_FILE", repo.path().join("retros/a.md"))
        .env("RB_OUT", &out)
        .env("RB_LINE", position["line"].to_string())
        .env("RB_CHARACTER", position["character"].to_string())
        .current_dir(repo.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("nvim runs");
    assert!(status.success());
    let report = std::fs::read_to_string(&out).expect("the script's report");
    assert!(report.contains("invalid YAML"), "{report}");
    assert!(report.lines().any(|l| l == "completion f1"), "{report}");
}

#[test]
fn invalid_utf8_on_disk_and_incremental_changes() {
    let mut bytes = valid_retro("A").into_bytes();
    bytes.extend_from_slice(b"\nBad \xff byte.\n");
    let repo = temp_repo(BOOK, &[("retros/a.md", &bytes), ("retros/b.md", valid_retro("B").as_bytes())]);
    let mut client = Client::start(repo.path(), false);
    let a = uri(repo.path(), "retros/a.md");
    let diagnostics = client.diagnostics(&a);
    assert!(diagnostics[0]["message"].as_str().unwrap().contains("not valid UTF-8"), "{diagnostics:#?}");
    // An edit sent as a range (the server asks for whole texts, but
    // clients may send ranges): `owner: alice` becomes `owner: zed`.
    let b = uri(repo.path(), "retros/b.md");
    let text = valid_retro("B");
    client.open(&b, &text);
    let start = after(&text, "owner: ");
    let end = json!({"line": start["line"], "character": start["character"].as_u64().unwrap() + 5});
    let change = json!({"range": {"start": start, "end": end}, "text": "zed"});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": b, "version": 2}, "contentChanges": [change]}),
    );
    assert_eq!(codes(&client.diagnostics(&b)), ["unknown-owner"]);
    // A request before `initialize` on another server is refused.
    let mut fresh = Command::new(env!("CARGO_BIN_EXE_retrobook"))
        .arg("lsp")
        .current_dir(repo.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": {}}).to_string();
    fresh.stdin.take().unwrap().write_all(&frame(&body)).unwrap();
    let answer = read_frame(&mut BufReader::new(fresh.stdout.take().unwrap())).unwrap();
    assert_eq!(answer["error"]["code"], -32002, "{answer}");
    assert!(wait_exit(&mut fresh).success());
}
