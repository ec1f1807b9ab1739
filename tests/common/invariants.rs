//! What must hold for any input, however hostile. Shared by the property
//! tests (`tests/properties.rs`, on stable, in the normal suite) and the
//! fuzz targets (`fuzz/`, which include this file): each function panics
//! when an invariant breaks.
#![allow(dead_code)]

use retrobook::Config;
use retrobook::LinkGraph;
use retrobook::{LinkContext, body_html, inline_html};
use std::collections::HashMap;

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 27).expect("a date")
}

fn config() -> Config {
    Config::parse("").expect("the empty book.toml is valid")
}

/// A retro file's bytes: loading, every per-file rule and every report
/// format finish, and every finding points inside the file.
pub fn retro_file(data: &[u8]) {
    let config = config();
    let text = String::from_utf8_lossy(data).into_owned();
    let mut findings = Vec::new();
    let retro = retrobook::parse_retro("retros/fuzz.md".into(), text, &config, &mut findings);
    let phrases = retrobook::Phrases::from_config(&config);
    findings.extend(retrobook::retro_findings(&retro, &config, &phrases, today()));
    for f in &findings {
        assert!(f.pos.line >= 1 && f.pos.column >= 1, "{f:?}");
        assert!(f.pos.offset <= retro.source.len(), "{f:?} past the end");
        assert!(retro.source.is_char_boundary(f.pos.offset), "{f:?} inside a character");
    }
    let sources = HashMap::from([(retro.path.as_str(), retro.source.as_str())]);
    use retrobook::{ReportFormat as Format, render_report as render};
    for format in [Format::Human, Format::Json, Format::Github, Format::Sarif] {
        render(&findings, format, &sources, std::path::Path::new("."), false);
    }
    let retros = [retro];
    let graph = LinkGraph::build(&retros);
    let exists = |_: &str| false;
    let ctx = LinkContext { retros: &retros, graph: &graph, file_exists: &exists, from: 0, root: "../" };
    assert_inert(&body_html(&ctx));
    for text in retros[0].summary.iter().chain(&retros[0].impact) {
        assert_inert(&inline_html(&text.value, &ctx));
    }
}

/// A Markdown body and an inline text under a valid front matter: the HTML
/// made from them runs no script.
pub fn markdown(body: &str, inline: &str) {
    let file = format!(
        "---\ntitle: Fuzz\nsummary: {}\n---\n{body}",
        serde_json::to_string(inline).expect("a JSON string is a YAML string")
    );
    let config = config();
    let retro = retrobook::parse_retro("retros/fuzz.md".into(), file, &config, &mut Vec::new());
    let retros = [retro];
    let graph = LinkGraph::build(&retros);
    let exists = |_: &str| true;
    let ctx = LinkContext { retros: &retros, graph: &graph, file_exists: &exists, from: 0, root: "../" };
    assert_inert(&body_html(&ctx));
    assert_inert(&inline_html(inline, &ctx));
}

/// HTML that cannot run script: no script, iframe, object or embed element,
/// no event handler attribute, no `javascript:`/`vbscript:` URL.
pub fn assert_inert(html: &str) {
    let lower = html.to_ascii_lowercase();
    for tag in ["<script", "<iframe", "<object", "<embed", "<base", "<meta", "<form", "<svg", "<math", "<style"] {
        assert!(!lower.contains(tag), "{tag} in {html}");
    }
    // Attributes: scan each tag outside quoted values.
    let bytes = lower.as_bytes();
    let mut i = 0;
    while let Some(open) = lower[i..].find('<').map(|o| o + i) {
        let mut j = open + 1;
        let mut quote = None;
        let mut attr_start = None;
        while j < bytes.len() {
            let c = bytes[j];
            match quote {
                Some(q) if c == q => quote = None,
                Some(_) => {}
                None if c == b'"' || c == b'\'' => {
                    if let Some(start) = attr_start.take() {
                        check_attribute(&lower[start..j], &lower[j + 1..], c as char, html);
                    }
                    quote = Some(c);
                }
                None if c == b'>' => break,
                None if c.is_ascii_whitespace() => attr_start = Some(j + 1),
                None => {}
            }
            j += 1;
        }
        i = j.max(open + 1);
    }
}

fn check_attribute(name_eq: &str, rest: &str, quote: char, html: &str) {
    let name = name_eq.trim_end_matches('=').trim();
    assert!(!(name.starts_with("on") && name.len() > 2), "event handler {name} in {html}");
    if matches!(name, "href" | "src" | "action" | "formaction" | "xlink:href") {
        let value = rest.split(quote).next().unwrap_or("");
        // As a browser reads a URL: tabs and newlines removed anywhere,
        // C0 controls and spaces trimmed at both ends.
        let value = value.replace("&#x3a;", ":").replace("&#58;", ":").replace("&colon;", ":");
        let value: String = value.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
        let value = value.trim_matches(|c: char| c <= ' ');
        for scheme in ["javascript:", "vbscript:", "data:text", "data:image/svg"] {
            assert!(!value.starts_with(scheme), "{name}={value} in {html}");
        }
    }
}

/// A book.toml: parsed or refused with an offset inside the text.
pub fn book_toml(text: &str) {
    match Config::parse(text) {
        Ok(config) => {
            retrobook::Phrases::from_config(&config);
        }
        Err((offset, message)) => {
            assert!(offset <= text.len(), "offset {offset} past {} bytes: {message}", text.len());
            assert!(!message.is_empty());
        }
    }
}

/// Search terms: lowercase, non-empty, no separators (a shard lists its
/// terms space-separated); queries find what was indexed.
pub fn tokenizer(text: &str) {
    let terms = retrobook::terms(text);
    for term in &terms {
        assert!(!term.is_empty());
        assert!(!term.chars().any(|c| c.is_whitespace() || matches!(c, '/' | ':' | '"' | '<' | '>')), "{term:?}");
        assert_eq!(&term.to_lowercase(), term, "{term:?} is not lowercase");
    }
    for q in retrobook::query_terms(text) {
        assert!(!q.is_empty() && !q.contains(char::is_whitespace), "{q:?}");
    }
}
