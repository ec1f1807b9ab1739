//! Property tests: the fuzz targets' invariants (`tests/common/invariants.rs`)
//! on generated input, in the normal suite on stable. The generators lean on
//! the characters that matter to each parser, so a few hundred cases reach
//! its corners; `fuzz/` explores further.

mod common;

use common::invariants;
use proptest::prelude::*;

/// Text made of the fragments front matter, Markdown and HTML are built from.
fn fragments(parts: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(prop_oneof![proptest::sample::select(parts).prop_map(str::to_string), ".{0,6}"], 0..max)
        .prop_map(|v| v.concat())
}

const YAML: &[&str] = &[
    "---\n",
    "\n",
    "  ",
    "- ",
    ": ",
    "title",
    "id",
    "status",
    "severity",
    "action_items",
    "owner",
    "due",
    "factors",
    "contributing_factors",
    "timeline",
    "at",
    "&a ",
    "*a",
    "<<: ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "\"",
    "'",
    "|\n",
    ">-\n",
    "#",
    "2026-01-05",
    "T10:00:00Z",
    "until",
    "approximate",
    "started_at",
    "2026-Q",
    "2019-1",
    "SEV1",
    "published",
    "AI-1",
    "\t",
    "\u{feff}",
    "...\n",
    "\r\n",
    "!!str ",
    "~",
    "null",
    "007",
    "1e9",
    "é",
    "\u{0}",
];
const MARKDOWN: &[&str] = &[
    "\n",
    "\n\n",
    "# ",
    "## ",
    "* ",
    "1. ",
    "> ",
    "```",
    "`",
    "[",
    "]",
    "(",
    ")",
    "[[",
    "]]",
    "|",
    "![",
    "<",
    ">",
    "</",
    "script",
    "img src=x onerror=alert(1)",
    "a href=\"javascript:alert(1)\"",
    "javascript:",
    "JaVaScRiPt&#58;",
    "data:text/html,",
    "vbscript:",
    "svg onload=",
    "math",
    "iframe",
    "\"",
    "'",
    "&",
    "&#x3a;",
    "{#id .class}",
    "{#x onclick=alert(1)}",
    "{.c onmouseover=\"alert(1)\"}",
    "```js\" onclick=\"x",
    "java\tscript:",
    "data:image/svg+xml,",
    "<javascript:alert(1)>",
    "<a@b.c>",
    "[x]: javascript:alert(1)",
    "[^1]",
    "[^1]: ",
    "- [ ] ",
    "~~",
    "**",
    "_",
    "{{ x }}",
    "{% if %}",
    "\t",
    "\u{0}",
];
const TOML: &[&str] = &[
    "[book]\n",
    "[build]\n",
    "[retro]\n",
    "[check.rules]\n",
    "[check.blameless]\n",
    "[people]\n",
    "title",
    "=",
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    ",",
    "\n",
    "severities",
    "phrases",
    "allow",
    "output",
    "base_url",
    "error",
    "off",
    "\\u0000",
    "é",
    "#",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_retro_file_loads_checks_and_renders(text in fragments(YAML, 60), body in fragments(MARKDOWN, 30)) {
        invariants::retro_file(format!("{text}\n---\n{body}").as_bytes());
        invariants::retro_file(text.as_bytes());
    }

    #[test]
    fn any_bytes_load(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        invariants::retro_file(&data);
    }

    #[test]
    fn markdown_never_runs_script(body in fragments(MARKDOWN, 40), inline in fragments(MARKDOWN, 12)) {
        invariants::markdown(&body, &inline);
    }

    #[test]
    fn any_book_toml_is_read_or_refused(text in fragments(TOML, 40)) {
        invariants::book_toml(&text);
    }

    #[test]
    fn search_terms_are_clean(text in fragments(MARKDOWN, 30), noise in "\\PC{0,40}") {
        invariants::tokenizer(&text);
        invariants::tokenizer(&noise);
    }
}

/// Inputs the fuzzers found or that once broke something stay fixed.
#[test]
fn known_hard_inputs() {
    for dir in ["tests/fixtures/fuzz/retro_file", "tests/fixtures/fuzz/markdown"] {
        let Ok(entries) = std::fs::read_dir(dir) else { continue };
        for entry in entries {
            let data = std::fs::read(entry.unwrap().path()).unwrap();
            invariants::retro_file(&data);
            invariants::markdown(&String::from_utf8_lossy(&data), &String::from_utf8_lossy(&data));
        }
    }
}
