//! Printing findings: for people (rustc-style, with the source line and a
//! caret), for machines (JSON), for GitHub Actions annotations, and SARIF
//! for code-scanning dashboards.

use crate::model::{Finding, Level, Rule};
use crate::text::{Fnv1a, LineIndex};
use annotate_snippets::{AnnotationKind, Level as SnippetLevel, Origin, Renderer, Snippet};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
    Sarif,
}

/// How many findings a person is shown in full. Machines (every format but
/// `human`) always get every finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Every finding in full (`check`, `build -v`).
    All,
    /// Every error in full, the first `n` warnings of each rule, and a count
    /// of the warnings per rule when some were held back (`build`).
    FirstOfEachRule(usize),
    /// Errors only (`build -q`).
    ErrorsOnly,
}

/// The human report at `detail`: the findings shown in full, then the
/// counts of warnings by rule when some were held back.
pub fn render_human(findings: &[Finding], detail: Detail, sources: &HashMap<&str, &str>, color: bool) -> String {
    let per_rule = match detail {
        Detail::All => return human(findings, sources, color),
        Detail::FirstOfEachRule(n) => n,
        Detail::ErrorsOnly => 0,
    };
    let mut counts: HashMap<Rule, usize> = HashMap::new();
    let shown: Vec<Finding> = findings
        .iter()
        .filter(|f| {
            let count = counts.entry(f.rule).or_default();
            *count += usize::from(f.level != Level::Error);
            f.level == Level::Error || *count <= per_rule
        })
        .cloned()
        .collect();
    let mut out = human(&shown, sources, color);
    counts.retain(|_, n| *n > 0);
    if detail != Detail::ErrorsOnly && counts.values().any(|&n| n > per_rule) {
        out.push_str(&rule_counts(counts, per_rule));
    }
    out
}

/// Warnings per rule, the most frequent first.
fn rule_counts(counts: HashMap<Rule, usize>, per_rule: usize) -> String {
    let mut counts: Vec<(Rule, usize)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.id().cmp(b.0.id())));
    let width = counts.iter().map(|(r, _)| r.id().len()).max().unwrap_or(0);
    let digits = counts.iter().map(|(_, n)| n.to_string().len()).max().unwrap_or(0);
    let mut out = format!(
        "warnings by rule (the first {per_rule} of each rule above; `retrobook check` or `build -v` shows every one):\n"
    );
    for (rule, n) in counts {
        let held_back = n.saturating_sub(per_rule);
        let more = if held_back > 0 { format!(" ({held_back} not shown)") } else { String::new() };
        out.push_str(&format!("  {:<width$}  {n:>digits$}{more}\n", rule.id()));
    }
    out.push('\n');
    out
}

/// Render findings in `format`. `sources` maps a file to its text, for
/// excerpts and spans; a file missing there is reported without them.
/// `root` is the repo root the findings' files are relative to.
pub fn render(findings: &[Finding], format: Format, sources: &HashMap<&str, &str>, root: &Path, color: bool) -> String {
    match format {
        Format::Human => human(findings, sources, color),
        Format::Json => serde_json::to_string_pretty(&json_findings(findings)).expect("JSON of plain values") + "\n",
        Format::Github => github(findings),
        Format::Sarif => {
            serde_json::to_string_pretty(&sarif(findings, sources, root)).expect("JSON of plain values") + "\n"
        }
    }
}

/// The byte range of a finding's span within its line: `len` bytes from the
/// 1-based character `column`, in whole characters, and at least the first
/// one however wide (found by fuzzing: a caret under a multi-byte character
/// used to split it). Empty only at the end of the line.
fn span_in_line(line: &str, column: u32, len: usize) -> std::ops::Range<usize> {
    let start = line.char_indices().nth((column as usize).saturating_sub(1)).map(|(i, _)| i).unwrap_or(line.len());
    let width = len.max(1);
    let mut ends = line[start..].char_indices().map(|(i, c)| start + i + c.len_utf8());
    let end = match ends.next() {
        Some(first) => ends.take_while(|&e| e <= start + width).last().unwrap_or(first),
        None => start,
    };
    start..end.max(start)
}

fn human(findings: &[Finding], sources: &HashMap<&str, &str>, color: bool) -> String {
    // A large repo can have tens of thousands of findings: render them in
    // parallel, in order.
    use rayon::prelude::*;
    findings.par_chunks(512).map(|chunk| human_chunk(chunk, sources, color)).collect::<Vec<String>>().concat()
}

fn human_chunk(findings: &[Finding], sources: &HashMap<&str, &str>, color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    let mut indexes: HashMap<&str, LineIndex> = HashMap::new();
    for f in findings {
        let level = match f.level {
            Level::Error => SnippetLevel::ERROR,
            _ => SnippetLevel::WARNING,
        };
        let title = level.primary_title(f.message.as_str()).id(f.rule.id());
        let mut group = match sources.get(f.file.as_str()) {
            Some(text) => {
                let index = indexes.entry(f.file.as_str()).or_insert_with(|| LineIndex::new(text));
                let line = index.line(f.pos.line);
                let snippet = Snippet::source(line)
                    .line_start(f.pos.line as usize)
                    .path(f.file.as_str())
                    .annotation(AnnotationKind::Primary.span(span_in_line(line, f.pos.column, f.len)));
                title.element(snippet)
            }
            None => title
                .element(Origin::path(f.file.as_str()).line(f.pos.line as usize).char_column(f.pos.column as usize)),
        };
        if let Some(hint) = &f.hint {
            group = group.element(SnippetLevel::HELP.message(hint.as_str()));
        }
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    out
}

/// A finding as `--format json` writes it; fields in alphabetical order,
/// as they have always been written.
#[derive(serde::Serialize)]
struct JsonFinding<'f> {
    column: u32,
    file: &'f str,
    hint: Option<&'f str>,
    line: u32,
    message: &'f str,
    rule: &'static str,
    severity: &'static str,
}

fn json_findings(findings: &[Finding]) -> Vec<JsonFinding<'_>> {
    findings
        .iter()
        .map(|f| JsonFinding {
            column: f.pos.column,
            file: &f.file,
            hint: f.hint.as_deref(),
            line: f.pos.line,
            message: &f.message,
            rule: f.rule.id(),
            severity: f.level.as_str(),
        })
        .collect()
}

/// GitHub workflow commands: data and properties need their own escaping.
fn github(findings: &[Finding]) -> String {
    let data = |s: &str| s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A");
    let prop = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    let mut out = String::new();
    for f in findings {
        let command = if f.level == Level::Error { "error" } else { "warning" };
        let mut message = f.message.clone();
        if let Some(hint) = &f.hint {
            message.push_str("\nhelp: ");
            message.push_str(hint);
        }
        out.push_str(&format!(
            "::{command} file={},line={},col={},title={}::{}\n",
            prop(&f.file),
            f.pos.line,
            f.pos.column,
            prop(&format!("retrobook {}", f.rule.id())),
            data(&message)
        ));
    }
    out
}

/// SARIF 2.1.0 (OASIS), with what GitHub code scanning uses: rules with a
/// full description and help, a fingerprint per result, spans with an end.
fn sarif(findings: &[Finding], sources: &HashMap<&str, &str>, root: &Path) -> Value {
    let level = |l: Level| if l == Level::Error { "error" } else { "warning" };
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|r| {
            json!({
                "id": r.id(),
                "name": r.id(),
                "shortDescription": { "text": sarif_text(r.description()) },
                "fullDescription": { "text": sarif_text(&format!("{}.", r.description())) },
                "help": {
                    "text": sarif_text(r.fix()),
                    "markdown": sarif_text(&format!("**{}**: {}.\n\nHow to fix: {}.", r.id(), r.description(), r.fix())),
                },
                "defaultConfiguration": { "level": level(r.default_level()) },
            })
        })
        .collect();
    let mut seen: HashMap<u64, u32> = HashMap::new();
    let mut indexes: HashMap<&str, LineIndex> = HashMap::new();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let line = sources
                .get(f.file.as_str())
                .map(|text| indexes.entry(f.file.as_str()).or_insert_with(|| LineIndex::new(text)).line(f.pos.line));
            let mut text = f.message.clone();
            if let Some(hint) = &f.hint {
                text.push_str(&format!(" ({hint})"));
            }
            let mut region = json!({ "startLine": f.pos.line, "startColumn": f.pos.column });
            if let Some(line) = line.filter(|_| f.len > 0) {
                let span = span_in_line(line, f.pos.column, f.len);
                if !span.is_empty() {
                    // endColumn is the column just past the span (§3.30.8).
                    let end = f.pos.column as usize + line[span].chars().count();
                    region["endLine"] = json!(f.pos.line);
                    region["endColumn"] = json!(end);
                }
            }
            json!({
                "ruleId": f.rule.id(),
                "ruleIndex": Rule::ALL.iter().position(|r| *r == f.rule),
                "level": level(f.level),
                "message": { "text": sarif_text(&text) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri_reference(&f.file), "uriBaseId": "%SRCROOT%" },
                        "region": region,
                    }
                }],
                "partialFingerprints": { "retrobook/v1": fingerprint(f, line, &mut seen) },
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "retrobook",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "originalUriBaseIds": { "%SRCROOT%": src_root(root) },
            // Pos columns count characters (text::LineIndex).
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// Plain message text as SARIF wants it: `{` and `}` introduce placeholders
/// there, so literal braces are doubled (§3.11.5).
fn sarif_text(text: &str) -> String {
    text.replace('{', "{{").replace('}', "}}")
}

/// A repo-relative `/`-separated path as a relative URI reference: every
/// byte but the unreserved characters and `/` percent-encoded (RFC 3986), so
/// `a b#1.md` is `a%20b%231.md` and `é` is `%C3%A9`.
fn uri_reference(path: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'/');
    utf8_percent_encode(path, SEGMENT).to_string()
}

/// `%SRCROOT%`: the repo root as an absolute `file:` URI ending in `/`
/// (§3.14.14), or, where the root has no such form, a description instead.
fn src_root(root: &Path) -> Value {
    let absolute = root.canonicalize().ok().or_else(|| std::path::absolute(root).ok());
    match absolute.and_then(|p| url::Url::from_directory_path(p).ok()) {
        Some(url) => json!({ "uri": url.as_str() }),
        None => json!({ "description": { "text": "the folder that holds book.toml" } }),
    }
}

/// A fingerprint that survives lines moving: the rule, the file and the
/// text of the finding's line (or its message where there is no source),
/// counted among identical ones so repeated lines stay distinct. FNV-1a,
/// whose output never changes between Rust releases: code scanning matches
/// this run's alerts with those of earlier runs by it.
fn fingerprint(f: &Finding, line: Option<&str>, seen: &mut HashMap<u64, u32>) -> String {
    let content = line.map(str::trim).unwrap_or(&f.message);
    let parts = [f.rule.id(), "\0", &f.file, "\0", content];
    let hash = parts.iter().fold(Fnv1a::new(), |h, part| h.write(part.as_bytes())).finish();
    let count = seen.entry(hash).or_insert(0);
    *count += 1;
    format!("{hash:016x}:{count}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Pos;

    fn finding() -> Finding {
        Finding::new(
            Rule::RemediationOwner,
            "retros/a.md",
            Pos { line: 3, column: 5, offset: 0 },
            "action item `AI-1` has no owner",
        )
        .hint("add an owner, e.g. `owner: sre`")
    }

    #[test]
    fn fingerprints_are_fixed() {
        // Code scanning compares them with those of earlier runs: FNV-1a of
        // the rule, the file and the trimmed line, then the count.
        let mut seen = HashMap::new();
        let line = Some("  action_items: []");
        assert_eq!(fingerprint(&finding(), line, &mut seen), "7c2786c927fad3a3:1");
        assert_eq!(fingerprint(&finding(), line, &mut seen), "7c2786c927fad3a3:2");
    }

    #[test]
    fn human_shows_line_and_caret() {
        let source = "---\ntitle: x\naction_items: []\n";
        let sources = HashMap::from([("retros/a.md", source)]);
        let out = render(&[finding()], Format::Human, &sources, Path::new("."), false);
        assert!(out.contains("error[remediation-owner]: action item `AI-1` has no owner"), "{out}");
        assert!(out.contains("retros/a.md:3:5"), "{out}");
        assert!(out.contains("action_items: []"), "{out}");
        assert!(out.contains('^'), "{out}");
        assert!(out.contains("help: add an owner"), "{out}");
    }

    #[test]
    fn a_caret_never_splits_a_character() {
        let source = "---\ntitle: \u{fffd}\u{fffd}é\n---\n";
        let sources = HashMap::from([("retros/a.md", source)]);
        for (column, len) in [(8, 1), (8, 2), (9, 4), (10, 1), (11, 1), (12, 1)] {
            let mut f = finding();
            f.pos = Pos { line: 2, column, offset: 0 };
            f.len = len;
            let out = render(&[f], Format::Human, &sources, Path::new("."), false);
            assert!(out.contains("retros/a.md:2:"), "{out}");
        }
    }

    #[test]
    fn github_escapes_properties() {
        let mut f = finding();
        f.file = "retros/a,b:100%.md".into();
        f.message = "50% done\r\nof `a:b`".into();
        let out = render(&[f], Format::Github, &HashMap::new(), Path::new("."), false);
        assert!(
            out.starts_with(
                "::error file=retros/a%2Cb%3A100%25.md,line=3,col=5,title=retrobook remediation-owner::50%25 done%0D%0Aof `a:b`"
            ),
            "{out}"
        );
        assert!(out.contains("%0Ahelp: add an owner, e.g. `owner: sre`"), "{out}");
    }
}
