//! The user guide (`docs/*.md`) and the README stay true to the binary: every
//! rule id has a section in docs/rules.md, every `book.toml` key a row in
//! docs/configuration.md, every front-matter key a row in docs/format.md,
//! every `retrobook` command in their code blocks still parses, and every
//! relative link leads to a file and heading that exist. The lists come from
//! the real binary, never from a copy kept here.

mod common;

use common::{retrobook, temp_repo};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every page of docs/, as (path relative to the repo, text).
fn pages() -> Vec<(String, String)> {
    let root = repo_root();
    let mut paths = vec![root.join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("docs/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    paths.extend(docs);
    paths
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
            (rel, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

fn read_doc(name: &str) -> String {
    let path = repo_root().join("docs").join(name);
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("docs/{name}: {e}"))
}

fn parser(text: &str) -> pulldown_cmark::OffsetIter<'_> {
    Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).into_offset_iter()
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

/// GitHub's heading slug: lowercase, letters, digits, `-` and `_` kept,
/// spaces turned into `-`, everything else dropped.
fn slug(heading: &str) -> String {
    let mut out = String::new();
    for c in heading.trim().chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            out.extend(c.to_lowercase());
        } else if c == ' ' {
            out.push('-');
        }
    }
    out
}

/// Every heading as (level, rendered text, byte offset).
fn headings(text: &str) -> Vec<(HeadingLevel, String, usize)> {
    let mut out = Vec::new();
    let mut current: Option<(HeadingLevel, String, usize)> = None;
    for (event, range) in parser(text) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                current = Some((level, String::new(), range.start));
            }
            Event::End(TagEnd::Heading(_)) => out.extend(current.take()),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, heading, _)) = current.as_mut() {
                    heading.push_str(&t);
                }
            }
            _ => {}
        }
    }
    out
}

/// The anchors GitHub gives a page's headings (a repeated slug gets `-1`, `-2`).
fn anchors(text: &str) -> BTreeSet<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = BTreeSet::new();
    for (_, heading, _) in headings(text) {
        let base = slug(&heading);
        let n = seen.entry(base.clone()).or_insert(0);
        out.insert(if *n == 0 { base.clone() } else { format!("{base}-{n}") });
        *n += 1;
    }
    out
}

/// The text under the heading whose anchor is `anchor`, up to the next
/// heading of the same or a higher level.
fn section<'a>(text: &'a str, anchor: &str) -> Option<&'a str> {
    let all = headings(text);
    let at = all.iter().position(|(_, h, _)| slug(h) == anchor)?;
    let (level, _, start) = all[at];
    let next = all[at + 1..].iter().find(|(l, _, _)| *l <= level);
    let end = next.map_or(text.len(), |(_, _, offset)| *offset);
    Some(&text[start..end])
}

#[test]
fn every_rule_has_a_section_named_by_its_id() {
    let repo = temp_repo("", &[]);
    let out = retrobook(repo.path(), &["check", "--format", "sarif"]).output().unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF on stdout");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array();
    let rules = rules.expect("the SARIF driver lists its rules");
    assert!(rules.len() >= 20, "the SARIF driver lists only {} rules", rules.len());
    let doc = read_doc("rules.md");
    let ids = anchors(&doc);
    let mut problems = Vec::new();
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        if !ids.contains(id) {
            problems.push(format!("`{id}`: no heading whose anchor is #{id} (write `### {id}`)"));
            continue;
        }
        let text = section(&doc, id).unwrap();
        // SARIF has no "off": a rule off by default is a "warning" there.
        let levels: &[&str] = match rule["defaultConfiguration"]["level"].as_str() {
            Some("error") => &["error"],
            _ => &["warning", "off"],
        };
        if !levels.iter().any(|l| text.contains(&format!("**Default level:** `{l}`"))) {
            let levels = levels.join("` or `");
            problems.push(format!("`{id}`: its section does not say **Default level:** `{levels}`"));
        }
        for part in ["**Finds**", "**Fix:**"] {
            if !text.contains(part) {
                problems.push(format!("`{id}`: its section has no {part}"));
            }
        }
        if !text.contains("```") {
            problems.push(format!("`{id}`: its section has no example"));
        }
        // The summary table links every rule to its section.
        if !doc.contains(&format!("[`{id}`](#{id})")) {
            problems.push(format!("`{id}`: no row [`{id}`](#{id}) in the table of docs/rules.md"));
        }
    }
    assert!(problems.is_empty(), "docs/rules.md is behind the binary:\n{}", problems.join("\n"));
}

/// How a `book.toml` key can hold more keys: a table (`[build]`), a map of
/// tables (`[people.NAME]`) or an array of tables (`[[check.blameless.phrases]]`).
const PROBES: [&str; 3] = ["[{}]", "[{}.probe_entry]", "[[{}]]"];

/// The keys a table of `book.toml` accepts, from the binary's own error for an
/// unknown key (serde lists the expected fields), and whether they are the
/// keys of each entry of a map; `None` if `path` holds no keys.
fn config_fields(path: &str) -> Option<(Vec<String>, bool)> {
    let probes: Vec<(String, bool)> = if path.is_empty() {
        vec![(String::new(), false)]
    } else {
        let probe = |p: &&str| (format!("{}\n", p.replace("{}", path)), p.contains("probe_entry"));
        PROBES.iter().map(probe).collect()
    };
    for (probe, map) in probes {
        let repo = temp_repo(&format!("{probe}zzz_probe = 1\n"), &[]);
        let out = retrobook(repo.path(), &["check"]).output().unwrap();
        let text = [out.stderr, out.stdout].concat();
        let text = String::from_utf8_lossy(&text);
        let Some(at) = text.find("unknown field `zzz_probe`, expected") else { continue };
        let line = text[at..].lines().next().unwrap();
        let rest = &line["unknown field `zzz_probe`, expected".len()..];
        return Some((rest.split('`').skip(1).step_by(2).map(String::from).collect(), map));
    }
    None
}

/// Every key of `book.toml` under `path` as (table, key, whether it holds
/// keys), the table as the guide names it (`people`, not `people.NAME`).
fn config_keys(path: &str, table: &str, out: &mut Vec<(String, String, bool)>) -> bool {
    let Some((fields, map)) = config_fields(path) else { return false };
    for field in fields {
        let join = |a: &str, b: &str| if a.is_empty() { b.to_string() } else { format!("{a}.{b}") };
        let child = if map { join(&join(path, "probe_entry"), &field) } else { join(path, &field) };
        let nested = config_keys(&child, &join(table, &field), out);
        out.push((table.to_string(), field, nested));
    }
    true
}

#[test]
fn every_book_toml_key_has_a_row_in_the_configuration_page() {
    let mut keys = Vec::new();
    let found = config_keys("", "", &mut keys);
    assert!(found, "the binary no longer lists the keys it expects when book.toml has an unknown one");
    assert!(keys.iter().any(|(t, k, nested)| t.is_empty() && k == "build" && *nested), "{keys:?}");
    assert!(keys.len() >= 30, "only {} book.toml keys found: {keys:?}", keys.len());
    let doc = read_doc("configuration.md");
    let all = headings(&doc);
    // A table's section: the heading naming `[table]` (or `[[table]]`) and
    // its text up to the next heading.
    let sections = |table: &str| -> Vec<&str> {
        let name = format!("[{table}]");
        all.iter()
            .enumerate()
            .filter(|(_, (_, h, _))| h.contains(&name))
            .map(|(i, (_, _, start))| &doc[*start..all.get(i + 1).map_or(doc.len(), |h| h.2)])
            .collect()
    };
    let mut problems = Vec::new();
    for (table, key, nested) in &keys {
        let path = if table.is_empty() { key.clone() } else { format!("{table}.{key}") };
        if *nested && sections(&path).is_empty() {
            problems.push(format!("`{path}` holds keys: no heading names `[{path}]`"));
        }
        if table.is_empty() {
            continue;
        }
        let row = format!("| `{key}` |");
        if !sections(table).iter().any(|s| s.lines().any(|l| l.starts_with(&row))) {
            problems.push(format!("`{path}`: no row `{row}` under the heading of `[{table}]`"));
        }
    }
    let problems = problems.join("\n");
    assert!(problems.is_empty(), "docs/configuration.md is behind book.toml:\n{problems}");
}

/// The text of every fenced code block of a page in `lang`, with its first line.
fn code_blocks(text: &str, lang: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut block: Option<(usize, String)> = None;
    for (event, range) in parser(text) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(l))) if &*l == lang => {
                block = Some((line_of(text, range.start) + 1, String::new()));
            }
            Event::Text(t) => {
                if let Some((_, code)) = block.as_mut() {
                    code.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => out.extend(block.take()),
            _ => {}
        }
    }
    out
}

#[test]
fn every_book_toml_example_of_the_configuration_page_is_accepted() {
    let doc = read_doc("configuration.md");
    let blocks = code_blocks(&doc, "toml");
    assert!(!blocks.is_empty(), "docs/configuration.md has no toml example");
    for (line, toml) in blocks {
        // The export files of the example do not exist here; their list is
        // still read as a list of paths.
        let toml: String = toml
            .lines()
            .map(|l| if l.starts_with("exports = ") { "exports = []" } else { l })
            .map(|l| format!("{l}\n"))
            .collect();
        let repo = temp_repo(&toml, &[]);
        let out = retrobook(repo.path(), &["check"]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "docs/configuration.md:{line}: the example is refused: {err}");
    }
}

#[test]
fn every_front_matter_key_has_a_row_in_the_format_page() {
    let repo = temp_repo("", &[]);
    let out = retrobook(repo.path(), &["schema"]).output().unwrap();
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON Schema");
    let mut keys = BTreeSet::new();
    let defs = schema.get("$defs").and_then(|d| d.as_object()).into_iter().flat_map(|d| d.values());
    for object in std::iter::once(&schema).chain(defs) {
        if let Some(props) = object.get("properties").and_then(|p| p.as_object()) {
            keys.extend(props.keys().cloned());
        }
    }
    assert!(keys.contains("action_items") && keys.contains("owner"), "{keys:?}");
    let doc = read_doc("format.md");
    let has_row = |key: &&String| doc.lines().any(|l| l.starts_with(&format!("| `{key}` |")));
    let missing: Vec<_> = keys.iter().filter(|k| !has_row(k)).collect();
    assert!(missing.is_empty(), "docs/format.md has no row `| `KEY` |` for {missing:?}");
}

/// A command line split into words as the shell would (quotes, `\`), up to
/// the first operator, redirection or comment.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&first) = chars.peek() else { break };
        if matches!(first, '|' | '&' | ';' | '<' | '>' | '#') {
            break;
        }
        let mut word = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() || (matches!(c, '|' | '&' | ';' | '<' | '>') && !word.is_empty()) {
                break;
            }
            chars.next();
            match c {
                '\'' | '"' => word.extend(chars.by_ref().take_while(|&q| q != c)),
                _ => word.push(c),
            }
        }
        // `2>` redirects: the `2` is not an argument.
        if chars.peek() == Some(&'>') && word == "2" {
            break;
        }
        words.push(word);
    }
    words
}

/// The arguments of a `retrobook` command on a line of a code block, if the
/// line is one: `retrobook ARGS`, `$ retrobook ARGS`, `cargo run … -- ARGS`,
/// and in YAML `run: retrobook ARGS` or `- retrobook ARGS`.
fn retrobook_args(line: &str, yaml: bool) -> Option<Vec<String>> {
    let mut line = line.trim().trim_start_matches("$ ");
    if yaml {
        line = line.trim_start_matches("- ").trim_start_matches("run: ");
    }
    let words = shell_words(line);
    let args = match words.first().map(String::as_str) {
        Some("retrobook") => &words[1..],
        Some("cargo") if words.get(1).is_some_and(|w| w == "run") => {
            &words[words.iter().position(|w| w == "--")? + 1..]
        }
        _ => return None,
    };
    // Placeholders (`[--flag]`, `<FILE>`, `…`) are not arguments.
    let placeholder = |w: &&String| w.starts_with(['[', '<']) || w.contains('…') || w.contains("...");
    Some(args.iter().filter(|w| !placeholder(w)).cloned().collect())
}

/// Every `retrobook` command of the sh, bash, console and yaml code blocks
/// of a page, as (line, arguments).
fn commands(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    for lang in ["sh", "bash", "console", "shell", "yaml", "yml"] {
        for (first, code) in code_blocks(text, lang) {
            let mut lines = code.lines().enumerate();
            while let Some((i, line)) = lines.next() {
                let mut joined = line.to_string();
                while joined.ends_with('\\') {
                    joined.pop();
                    let Some((_, next)) = lines.next() else { break };
                    joined.push_str(next);
                }
                if let Some(args) = retrobook_args(&joined, lang.starts_with('y')) {
                    out.push((first + i, args));
                }
            }
        }
    }
    out.sort();
    out
}

#[test]
fn shell_words_stop_at_operators_and_keep_quoted_words() {
    assert_eq!(
        shell_words(r#"new "Checkout errors" --severity SEV1 # a comment"#),
        ["new", "Checkout errors", "--severity", "SEV1"]
    );
    assert_eq!(shell_words("check --format sarif > out.sarif"), ["check", "--format", "sarif"]);
    assert_eq!(shell_words("actions | head -3"), ["actions"]);
    assert_eq!(shell_words("check 2>/dev/null"), ["check"]);
    let args = retrobook_args("cargo run --release -- build        # the site", false).unwrap();
    assert_eq!(args, ["build"]);
    assert_eq!(
        retrobook_args("- run: retrobook check --tracker a.csv", true).unwrap(),
        ["check", "--tracker", "a.csv"]
    );
    assert_eq!(retrobook_args("docker run --rm retrobook check", false), None);
}

#[test]
fn every_command_in_the_readme_and_the_guide_parses() {
    let dir = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("retrobook");
    let mut problems = Vec::new();
    let mut used = BTreeSet::new();
    let mut count = 0;
    for (path, text) in pages() {
        for (line, args) in commands(&text) {
            count += 1;
            if let Some(sub) = args.first().filter(|a| !a.starts_with('-')) {
                used.insert(sub.clone());
            }
            // clap checks every flag and value before it honours `--help`,
            // so nothing runs but the parse.
            let mut parse = std::process::Command::new(&bin);
            let out = parse.args(&args).arg("--help").current_dir(dir.path()).output().unwrap();
            if !out.status.success() {
                let err = String::from_utf8_lossy(&out.stderr);
                let command = args.join(" ");
                problems.push(format!("{path}:{line}: `retrobook {command}`: {}", err.trim()));
            }
        }
    }
    assert!(problems.is_empty(), "commands that no longer parse:\n{}", problems.join("\n"));
    assert!(count >= 30, "only {count} retrobook commands found in the code blocks");
    // Every subcommand has at least one example that is checked.
    let help = std::process::Command::new(&bin).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    let commands = help.split("Commands:").nth(1).expect("a Commands: section");
    let subcommands = commands.split("\n\n").next().unwrap();
    let missing: Vec<&str> = subcommands
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|s| *s != "help" && !used.contains(*s))
        .collect();
    assert!(missing.is_empty(), "no command in a code block of the guide uses {missing:?}");
}

#[test]
fn every_relative_link_leads_to_a_file_and_a_heading() {
    let root = repo_root();
    let pages = pages();
    let mut problems = Vec::new();
    let mut checked = 0;
    for (path, text) in &pages {
        let here = root.join(path);
        for (event, range) in parser(text) {
            let url = match event {
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => dest_url,
                _ => continue,
            };
            if url.contains("://") || url.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let at = format!("{path}:{}: `{url}`", line_of(text, range.start));
            let (file, anchor) = url.split_once('#').map_or((&*url, None), |(f, a)| (f, Some(a)));
            let target = if file.is_empty() { here.clone() } else { here.with_file_name(file) };
            if !target.exists() {
                problems.push(format!("{at}: no such file"));
                continue;
            }
            let Some(anchor) = anchor else { continue };
            if target.extension().is_none_or(|e| e != "md") {
                continue;
            }
            if !anchors(&std::fs::read_to_string(&target).unwrap()).contains(anchor) {
                problems.push(format!("{at}: no heading with the anchor #{anchor}"));
            }
        }
    }
    assert!(problems.is_empty(), "broken links:\n{}", problems.join("\n"));
    assert!(checked >= 50, "only {checked} relative links found");
}
