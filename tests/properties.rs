//! Property tests: the fuzz targets' invariants (`tests/common/invariants.rs`)
//! on generated input, in the normal suite on stable. The generators lean on
//! the characters that matter to each parser, so a few hundred cases reach
//! its corners; `fuzz/` explores further.

mod common;

use common::invariants;
use proptest::prelude::*;
use retrobook::Config;

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

/// Entries of a front matter besides `id` and `action_items`, each valid
/// YAML (the anchor `defaults` for the items' merge keys).
const OTHER_ENTRIES: &[&str] = &[
    "title: Cache failover",
    "status: published",
    "authors: [alice, bob]",
    "summary: >\n  A failover moved traffic\n  to a cold replica.",
    "impact: |+\n  kept\n",
    "timeline:\n  - at: 2026-01-05T10:00:00Z\n    event: Failover started.",
    "tags:\n- cache\n- failover",
    "defaults: &defaults {status: open, due: 2026-03}",
    "# a comment",
    "",
];

/// Lines that could make a part mean something else once cut out of the
/// whole: flow collections and quotes over several lines, anchors, merge
/// keys, document markers, tabs, duplicate keys, odd keys and values.
const ODD_LINES: &[&str] = &[
    "id:",
    "id: [a, b]",
    "id: again",
    "action_items: []",
    "action_items: *items",
    "items: &items [{id: AI-9, status: open}]",
    "summary: \"two",
    "line: x\"",
    "tags: [a,",
    "b]",
    "- at: 2026-01-05",
    "<<: {id: merged}",
    "  # an indented comment",
    "   ",
    "...",
    "---",
    "\t- id: AI-4",
    "  \tstatus: open",
    "'id': quoted",
    "? id",
    ": AI-5",
    "%YAML 1.2",
    "nonsense",
    "x: [",
    "  ]",
    "y: {a: 1,",
    "z: 1}",
    "-x",
    "  - id: AI-3",
    "    status: done",
    "  - &it {id: AI-7, status: open}",
    "  - *it",
    "   - id: AI-8",
    " - id: AI-9",
    "  -id: AI-10",
    "  - |",
    "      # not a comment",
    "  # a comment",
    "  - \"AI-11",
    "  - x\"",
    "  -",
    "    id: AI-12",
    "near_miss: yes",
    "\u{feff}id: bom",
    "id: a\rb: c",
];

/// An action item, in block style: the fields the history reads, some of
/// them invalid or missing, and a merge key.
fn action_item() -> impl Strategy<Value = String> {
    use proptest::sample::select;
    let id = select(&["AI-1", "AI-2", "AI-1", "007", ""][..]);
    let status = select(&["open", "in-progress", "done", "wontfix", "bogus", ""][..]);
    let due = select(&["2026-Q4", "2026-02-01", "2026-02", "2026-13-01", "[x]", ""][..]);
    let completed = select(&["2026-01-30", "nope", ""][..]);
    let extra = select(&["owner: sre", "priority: high", "kind: prevent", "title: Pre-warm", "<<: *defaults", ""][..]);
    (id, status, due, completed, extra).prop_map(|(id, status, due, completed, extra)| {
        let fields = [("id", id), ("status", status), ("due", due), ("completed_at", completed)];
        let mut lines: Vec<String> =
            fields.iter().filter(|f| !f.1.is_empty()).map(|(k, v)| format!("{k}: {v}")).collect();
        lines.extend((!extra.is_empty()).then(|| extra.to_string()));
        let mut item = String::from("  -");
        for (n, line) in lines.iter().enumerate() {
            item.push_str(&if n == 0 { format!(" {line}\n") } else { format!("    {line}\n") });
        }
        if lines.is_empty() { "  - ~\n".into() } else { item }
    })
}

/// A file's versions: the same entries each time with an `id` and items
/// that change, sometimes odd lines inserted; with CRLF endings, a byte
/// order mark or no closing fence now and then.
fn versions() -> impl Strategy<Value = Vec<String>> {
    use proptest::sample::{Index, select, subsequence};
    let id = select(&["id: 2026-01-05-cache", "id: other-id", "id: 5", ""][..]);
    let odd =
        prop_oneof![3 => Just(Vec::new()), 1 => proptest::collection::vec((any::<Index>(), select(ODD_LINES)), 1..3)];
    let version = (id, proptest::collection::vec(action_item(), 0..4), any::<bool>(), odd);
    let versions = proptest::collection::vec(version, 1..6);
    let others = subsequence(OTHER_ENTRIES, 0..OTHER_ENTRIES.len());
    let form = (any::<bool>(), any::<bool>(), 0..8u8);
    (others, any::<Index>(), any::<Index>(), versions, form).prop_map(|(others, at_id, at_items, versions, form)| {
        let (crlf, bom, fence) = form;
        let mut out = Vec::new();
        for (id, items, compact, odd) in versions {
            let mut items = items.concat();
            if compact {
                items = items.lines().map(|l| format!("{}\n", &l[2..])).collect();
            }
            let mut entries: Vec<String> = others.iter().map(|e| e.to_string()).collect();
            entries.insert(at_items.index(entries.len() + 1), format!("action_items:\n{}", items.trim_end()));
            entries.insert(at_id.index(entries.len() + 1), id.to_string());
            let mut lines: Vec<String> = entries.join("\n").lines().map(str::to_string).collect();
            for (at, line) in odd {
                lines.insert(at.index(lines.len() + 1), line.to_string());
            }
            let mut text = format!("---\n{}\n", lines.join("\n"));
            if fence > 0 {
                text.push_str("---\nThe body.\n");
            }
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            out.push(if bom { format!("\u{feff}{text}") } else { text });
        }
        out
    })
}

/// A realistic retro, and a few versions made of it by changing its items
/// and by inserting fragments of YAML anywhere.
fn retro_versions() -> impl Strategy<Value = Vec<String>> {
    const RETRO: &str = include_str!("fixtures/clean/retros/2026/2026-03-01-cache-failover.md");
    let fragment = proptest::sample::select(YAML).prop_map(str::to_string);
    let change = (any::<prop::sample::Index>(), fragment, any::<prop::sample::Index>(), 0..4u8);
    proptest::collection::vec(change, 0..6).prop_map(|changes| {
        let mut text = RETRO.to_string();
        let mut out = vec![text.clone()];
        for (at, fragment, at2, how) in changes {
            text = match how {
                // An item's status or due changes, as history mostly shows.
                0 => {
                    text.replacen("status: in-progress", "status: done", 1).replacen("due: 2026-Q4", "due: 2027-Q1", 1)
                }
                // A fragment at a line start, or anywhere.
                1 => {
                    let starts: Vec<usize> =
                        std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
                    let i = starts[at.index(starts.len())];
                    format!("{}{fragment}{}", &text[..i], &text[i..])
                }
                // The body alone.
                2 => format!("{text}\nMore of the body.\n"),
                _ => {
                    let mut i = at2.index(text.len() + 1);
                    while !text.is_char_boundary(i) {
                        i -= 1;
                    }
                    format!("{}{fragment}{}", &text[..i], &text[i..])
                }
            };
            out.push(text.clone());
        }
        out
    })
}

/// The history's fast path (a file's front matter parsed in parts, parts
/// remembered across versions) against the loader's own path.
fn same_snapshots(versions: &[String]) {
    let config = Config::parse("").expect("the empty book.toml is valid");
    let mut reader = retrobook::SnapshotReader::default();
    for text in versions {
        let fast = reader.snapshot("retros/2026/cache.md", text.clone(), &config);
        let slow = retrobook::snapshot("retros/2026/cache.md", text.clone(), &config);
        assert_eq!(fast, slow, "{text:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn history_snapshots_in_parts_are_the_loaders(versions in versions()) {
        same_snapshots(&versions);
    }

    #[test]
    fn history_snapshots_of_edited_retros_are_the_loaders(versions in retro_versions()) {
        same_snapshots(&versions);
    }
}
