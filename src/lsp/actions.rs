//! Code actions for the findings on the requested lines: the blameless
//! rewording the rule suggests (when its hint carries replacement words),
//! an `owner:` line for an item without one, a missing required key.

use super::Doc;
use super::text::{front_matter, yaml_line};
use crate::model::{Finding, Rule};
use lsp_types::{CodeAction, CodeActionKind, Range, TextEdit, WorkspaceEdit};
use serde_json::Value;
use std::collections::HashMap;

// lsp-types' `WorkspaceEdit::changes` is keyed by `Uri`, which clippy takes
// for mutable (it caches its parse); it is never changed here.
#[allow(clippy::mutable_key_type)]
pub(crate) fn code_actions(doc: &Doc, findings: &[Finding], range: Range) -> Value {
    let lines = (range.start.line, range.end.line);
    let mut out = Vec::new();
    for f in findings {
        let at = doc.lines.range_at(f.pos, f.len);
        if at.end.line < lines.0 || at.start.line > lines.1 {
            continue;
        }
        let action = match f.rule {
            Rule::BlamelessLanguage => {
                reword(f).map(|words| (format!("Reword as \"{words}\""), TextEdit { range: at, new_text: words }))
            }
            Rule::RemediationOwner if !f.message.contains("empty owner") => {
                insert_key_after(doc, at.start.line as usize, "owner")
            }
            Rule::MissingKey => missing_key(doc, f, at.start.line as usize),
            _ => None,
        };
        if let Some((title, edit)) = action {
            let changes = HashMap::from([(doc.uri.clone(), vec![edit])]);
            out.push(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                edit: Some(WorkspaceEdit { changes: Some(changes), ..Default::default() }),
                ..Default::default()
            });
        }
    }
    serde_json::to_value(out).unwrap_or_default()
}

/// The words a blameless hint offers in place of the phrase: the quoted
/// words it starts with, or a short suggestion of the repo's own list
/// (`[check.blameless]` phrases); advice in a sentence is no replacement.
fn reword(f: &Finding) -> Option<String> {
    let hint = f.hint.as_deref()?.strip_prefix("instead: ")?.trim();
    if let Some(rest) = hint.strip_prefix('"') {
        return rest.split_once('"').map(|(words, _)| words.to_string()).filter(|w| !w.is_empty());
    }
    let short = hint.split_whitespace().count() <= 3 && !hint.contains([':', ',', ';', '(']);
    (short && !hint.is_empty()).then(|| hint.to_string())
}

/// `key: ` on a new line after `line`, at the indentation of its keys.
fn insert_key_after(doc: &Doc, line: usize, key: &str) -> Option<(String, TextEdit)> {
    let y = yaml_line(doc.lines.line(line));
    let indent = " ".repeat(y.column);
    let at = doc.lines.line_start(line) + doc.lines.line(line).len();
    let edit = TextEdit { range: doc.lines.range(at, at), new_text: format!("\n{indent}{key}: ") };
    Some((format!("Add `{key}:`"), edit))
}

/// A required key: at the end of the front matter for the retro's own
/// keys (reported at the fence), after the item's line for an item's.
fn missing_key(doc: &Doc, f: &Finding, line: usize) -> Option<(String, TextEdit)> {
    let key = f.message.rsplit('`').nth(1)?;
    if f.message.contains("is missing required key") {
        return insert_key_after(doc, line, key);
    }
    if !(f.message.starts_with("required key") && f.message.contains("is missing")) {
        return None;
    }
    let fm = front_matter(&doc.lines)?;
    let at = doc.lines.line_start(fm.end);
    let newline = if at > 0 && !doc.text[..at].ends_with('\n') { "\n" } else { "" };
    let edit = TextEdit { range: doc.lines.range(at, at), new_text: format!("{newline}{key}: \n") };
    Some((format!("Add `{key}:`"), edit))
}
