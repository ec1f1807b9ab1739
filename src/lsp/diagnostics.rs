//! Findings as LSP diagnostics, and which to publish.

use super::position::{Encoding, Lines};
use crate::model::{Finding, Level};
use lsp_types::{Diagnostic, DiagnosticSeverity, NumberOrString};

/// The diagnostics of one file; `text` is the file as the client has it.
pub(crate) fn to_diagnostics(findings: &[Finding], text: &str, encoding: Encoding) -> Vec<Diagnostic> {
    let lines = Lines::new(text, encoding);
    findings.iter().map(|f| to_diagnostic(f, &lines)).collect()
}

/// No `codeDescription`: the project publishes no rule pages at a known URL
/// (`docs/rules.md` lives in the repository); the rule id is the `code`.
fn to_diagnostic(f: &Finding, lines: &Lines) -> Diagnostic {
    let severity = match f.level {
        Level::Error => DiagnosticSeverity::ERROR,
        _ => DiagnosticSeverity::WARNING,
    };
    let message = match &f.hint {
        Some(hint) => format!("{}\nhint: {hint}", f.message),
        None => f.message.clone(),
    };
    Diagnostic {
        range: lines.range_at(f.pos, f.len),
        severity: Some(severity),
        code: Some(NumberOrString::String(f.rule.id().to_string())),
        source: Some("retrobook".into()),
        message,
        ..Default::default()
    }
}

/// What the client was last sent for a file, kept as a hash: the findings
/// themselves would be a third copy of every finding of the repo.
pub(crate) fn digest(findings: &[Finding]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    for f in findings {
        (f.rule.id(), f.level.as_str(), f.pos.line, f.pos.column, f.len, &f.message, &f.hint).hash(&mut h);
    }
    h.finish()
}
