//! The Markdown pipeline: link rewriting, HTML rendering and sanitizing of
//! a body and of an inline text; the HTML must run no script.
#![no_main]

#[path = "../../tests/common/invariants.rs"]
mod invariants;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The first line is the inline text (a summary), the rest the body.
    let (inline, body) = text.split_once('\n').unwrap_or((&text, ""));
    invariants::markdown(body, inline);
});
