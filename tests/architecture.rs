//! The crate's modules import one another one way: no cycles.
//!
//! The test reads every `src/**/*.rs` file of the library (not `main.rs`,
//! which is its own crate), drops `#[cfg(test)]` items (a test module may
//! reach anywhere), and collects each module's references to other modules:
//! `use` declarations (`crate::`, `super::`, `self::` or a child module's
//! name, braces expanded) and the paths written inline in code and macro
//! arguments (`crate::tracker::link_url(...)`, `super::views::ActionRow`).
//! Comments, strings and character literals are blanked first.
//!
//! **Nodes.** A top-level module is one node (`load`, `tracker`, `cmd`...),
//! whatever files it spans, except in `render/` and `check/blameless/`,
//! where each file's module is its own node (`render::plan`,
//! `render::pages::insights`, `check::blameless::scan`), as issue 27 asks.
//!
//! **The parent rule.** An edge from a node to a node nested inside it
//! (`render` → `render::plan`, `check` → `check::blameless`) is
//! containment, not counted: a `mod.rs` declares its children and wires
//! them together, like `lib.rs` does the crate's. Every other edge counts,
//! including a child's use of its parent's shared items (`render::feeds` →
//! `render` for `Site`), so a parent may be used by its children only while
//! the parent itself uses nothing that leads back to them: the parent's
//! own code sits above its children and below nothing they reach.
//!
//! The test fails on a cycle in this graph, and on a cycle between
//! top-level modules with every submodule folded into its top-level one,
//! listing the modules around the cycle and the references that make each
//! edge. `PRINT_GRAPH=1 cargo test --test architecture -- --nocapture`
//! prints the graph's edges.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module paths (`["render", "plan"]`) whose files are nodes of their own.
fn node_of(module: &[String]) -> String {
    let fine = module.first().is_some_and(|m| m == "render")
        || (module.len() >= 2 && module[0] == "check" && module[1] == "blameless");
    if fine { module.join("::") } else { module.first().cloned().unwrap_or_default() }
}

/// A reference from one node to another, and where it is written.
type Edges = BTreeMap<(String, String), BTreeSet<String>>;

#[test]
fn modules_import_one_another_one_way() {
    let crate_graph = Crate::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let edges = crate_graph.edges(node_of);
    // The reading is not vacuous: a few edges every version of the crate has.
    for (from, to) in [("cmd", "check"), ("render::views", "model"), ("load", "config")] {
        assert!(edges.contains_key(&(from.into(), to.into())), "no edge {from} → {to}: the reader is broken");
    }
    let top = crate_graph.edges(|m| m.first().cloned().unwrap_or_default());
    let mut failures = BTreeSet::new();
    failures.extend(cycles(&edges).iter().map(|c| describe(c, &edges)));
    failures.extend(cycles(&top).iter().map(|c| describe(c, &top)));
    if std::env::var_os("PRINT_GRAPH").is_some() {
        edges.keys().for_each(|(a, b)| println!("{a} -> {b}"));
    }
    let failures: Vec<String> = failures.into_iter().collect();
    assert!(failures.is_empty(), "import cycles between modules:\n\n{}", failures.join("\n"));
}

#[test]
fn a_cycle_is_found_and_a_parent_using_its_children_is_not_one() {
    let edge = |a: &str, b: &str| ((a.to_string(), b.to_string()), BTreeSet::from(["here".to_string()]));
    let acyclic: Edges = [edge("a", "b"), edge("b", "c"), edge("a", "c")].into_iter().collect();
    assert!(cycles(&acyclic).is_empty());
    let cyclic: Edges = [edge("a", "b"), edge("b", "c"), edge("c", "a"), edge("c", "d")].into_iter().collect();
    assert_eq!(cycles(&cyclic), vec![vec!["a".to_string(), "b".into(), "c".into()]]);

    let src = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = src.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("lib.rs", "mod render;\nmod text;\n");
    write("text.rs", "pub fn slug() {}\n#[cfg(test)]\nmod tests {\n    use crate::render::Site;\n}\n");
    write("render/mod.rs", "mod plan;\npub use plan::Page;\npub struct Site;\nfn f() { plan::g(); }\n");
    write(
        "render/plan.rs",
        "use super::Site;\n// crate::render::views\nfn g() { let s = \"crate::x\"; crate::text::slug(); }\n",
    );
    let graph = Crate::read(src.path());
    let edges = graph.edges(node_of);
    let pairs: Vec<(&str, &str)> = edges.keys().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    assert_eq!(pairs, [("render::plan", "render"), ("render::plan", "text")]);
    assert!(cycles(&edges).is_empty());
    // A test module's reference is not an edge; the same one in code is,
    // and so is one through the parent's re-export of `plan::Page`.
    let cycle = vec![vec!["render::plan".to_string(), "text".into()]];
    for code in ["fn f() { crate::render::plan::g(); }", "fn f(_: crate::render::Page) {}"] {
        write("text.rs", code);
        assert_eq!(cycles(&Crate::read(src.path()).edges(node_of)), cycle, "{code}");
    }
}

#[test]
fn use_trees_expand_to_every_path() {
    let paths = expand(" super::{a, b::{self, C as D}, e::*}");
    let text: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(text, ["super::a", "super::b", "super::b::C", "super::e::*"]);
}

/// Every module of the crate and what its code refers to.
struct Crate {
    /// Module path → the paths its non-test code names (each starting at
    /// `crate`, `super`, `self` or a child module).
    refs: BTreeMap<Vec<String>, Vec<(Vec<String>, String)>>,
    /// Module path → what its `pub use` declarations re-export, by name,
    /// so that `crate::render::Page` leads to `render::plan`, where `Page` is.
    exports: BTreeMap<Vec<String>, BTreeMap<String, Vec<String>>>,
    /// Where each module's file lies, for messages.
    files: BTreeMap<Vec<String>, PathBuf>,
}

impl Crate {
    fn read(src: &Path) -> Crate {
        let mut files = BTreeMap::new();
        collect(src, src, &mut files);
        let mut refs = BTreeMap::new();
        let mut exports = BTreeMap::new();
        let mut test_only = BTreeSet::new();
        for (module, file) in &files {
            let text = std::fs::read_to_string(file).unwrap();
            let (code, test_mods) = without_tests(&blank(&text));
            test_only.extend(test_mods.into_iter().map(|m| [module.clone(), vec![m]].concat()));
            let (module_refs, module_exports) = references(&code);
            refs.insert(module.clone(), module_refs);
            let named = module_exports.into_iter().filter(|p| p.last().is_some_and(|s| s != "*"));
            exports.insert(module.clone(), named.map(|p| (p.last().unwrap().clone(), p)).collect());
        }
        // A `#[cfg(test)] mod tests;` file, and everything under it.
        refs.retain(|m, _| !test_only.iter().any(|t| m.starts_with(t)));
        files.retain(|m, _| refs.contains_key(m));
        Crate { refs, exports, files }
    }

    /// The module a path names, seen from `module`: the longest known module
    /// its leading segments spell.
    fn resolve(&self, module: &[String], path: &[String]) -> Option<Vec<String>> {
        self.resolve_within(module, path, 0)
    }

    fn resolve_within(&self, module: &[String], path: &[String], depth: usize) -> Option<Vec<String>> {
        let mut at: Vec<String> = module.to_vec();
        let mut rest = path;
        match path.first()?.as_str() {
            "crate" => {
                at.clear();
                rest = &path[1..];
            }
            "self" => rest = &path[1..],
            "super" => {
                while rest.first().is_some_and(|s| s == "super") {
                    at.pop()?;
                    rest = &rest[1..];
                }
            }
            _ => {}
        }
        let mut rest = rest.iter();
        let mut item = None;
        for segment in rest.by_ref() {
            let mut next = at.clone();
            next.push(segment.clone());
            if !self.refs.contains_key(&next) {
                item = Some(segment);
                break;
            }
            at = next;
        }
        // A bare first segment counts only when it is a child module.
        let bare = !matches!(path[0].as_str(), "crate" | "self" | "super");
        if bare && at.len() == module.len() {
            return None;
        }
        // An item the module re-exports leads where the item is.
        let export = item.and_then(|name| self.exports.get(&at)?.get(name));
        match export {
            Some(export) if depth < 8 => self.resolve_within(&at, export, depth + 1).or(Some(at)),
            _ => Some(at),
        }
    }

    /// The graph between nodes (`node` maps a module to its node), without
    /// self edges and containment edges (see the parent rule above).
    fn edges(&self, node: impl Fn(&[String]) -> String) -> Edges {
        let mut edges = Edges::new();
        for (module, refs) in &self.refs {
            let from = node(module);
            for (path, text) in refs {
                let Some(target) = self.resolve(module, path) else { continue };
                let to = node(&target);
                let inside = to.starts_with(&format!("{from}::"));
                if to.is_empty() || to == from || inside {
                    continue;
                }
                let file = self.files[module].display().to_string();
                let file = file.split("/src/").last().unwrap_or(&file).to_string();
                edges.entry((from.clone(), to)).or_default().insert(format!("src/{file}: {text}"));
            }
        }
        edges
    }
}

/// Every `.rs` file under `dir` by module path (`lib.rs` and `main.rs` are
/// not modules of their own).
fn collect(src: &Path, dir: &Path, files: &mut BTreeMap<Vec<String>, PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(src, &path, files);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs")
            || dir == src && (path.ends_with("lib.rs") || path.ends_with("main.rs"))
        {
            continue;
        }
        let rel = path.strip_prefix(src).unwrap().with_extension("");
        let mut module: Vec<String> = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
        if module.last().is_some_and(|m| m == "mod") {
            module.pop();
        }
        files.insert(module, path);
    }
}

/// The source with comments, strings and character literals blanked to
/// spaces (line breaks kept), so that only code is left to read.
fn blank(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let at = |i: usize, s: &str| s.chars().enumerate().all(|(k, c)| chars.get(i + k) == Some(&c));
    let blank_to = |out: &mut String, from: usize, to: usize| {
        out.extend(chars[from..to.min(chars.len())].iter().map(|&c| if c == '\n' { '\n' } else { ' ' }));
    };
    while i < chars.len() {
        let prev_ident = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        let start = i;
        if at(i, "//") {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if at(i, "/*") {
            let mut depth = 0;
            while i < chars.len() {
                if at(i, "/*") {
                    depth += 1;
                    i += 2;
                } else if at(i, "*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if !prev_ident && (at(i, "r\"") || at(i, "r#") || at(i, "br\"") || at(i, "br#")) {
            // A raw string: r#"…"# with any number of hashes.
            i += if chars[i] == 'b' { 2 } else { 1 };
            let hashes = chars[i..].iter().take_while(|&&c| c == '#').count();
            if chars.get(i + hashes) != Some(&'"') {
                out.extend(&chars[start..i]);
                continue;
            }
            i += hashes + 1;
            let close: String = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            while i < chars.len() && !at(i, &close) {
                i += 1;
            }
            i += close.chars().count();
        } else if chars[i] == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if chars[i] == '\'' && (chars.get(i + 1) == Some(&'\\') || chars.get(i + 2) == Some(&'\'')) {
            // A character literal (a lifetime has no closing quote).
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        blank_to(&mut out, start, i);
    }
    out
}

/// The code without its `#[cfg(test)]` items, and the names of the
/// `#[cfg(test)] mod name;` modules it declares (files of their own).
fn without_tests(code: &str) -> (String, Vec<String>) {
    let chars: Vec<char> = code.chars().collect();
    let mut out: Vec<char> = chars.clone();
    let mut modules = Vec::new();
    let attr: Vec<char> = "#[cfg(test)]".chars().collect();
    let mut i = 0;
    while i + attr.len() <= chars.len() {
        if chars[i..i + attr.len()] != attr[..] {
            i += 1;
            continue;
        }
        let start = i;
        i += attr.len();
        // The item ends at its first `;` or its first `{`'s match, outside
        // brackets and parentheses.
        let mut depth = 0i32;
        let mut end = chars.len();
        while i < chars.len() {
            match chars[i] {
                '(' | '[' => depth += 1,
                ')' | ']' => depth -= 1,
                ';' if depth == 0 => {
                    end = i + 1;
                    break;
                }
                '{' if depth == 0 => {
                    let mut braces = 0;
                    while i < chars.len() {
                        match chars[i] {
                            '{' => braces += 1,
                            '}' => braces -= 1,
                            _ => {}
                        }
                        i += 1;
                        if braces == 0 {
                            break;
                        }
                    }
                    end = i;
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        let item: String = chars[start + attr.len()..end].iter().collect();
        let words: Vec<&str> =
            item.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).collect();
        if item.trim_end().ends_with(';') && words.len() >= 2 && words[words.len() - 2] == "mod" {
            modules.push(words[words.len() - 1].to_string());
        }
        for c in &mut out[start..end] {
            if *c != '\n' {
                *c = ' ';
            }
        }
        i = end;
    }
    (out.into_iter().collect(), modules)
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The module paths named in code: each `use` tree expanded, then every
/// `a::b::c` path outside `use` declarations. Each comes with its text.
/// Also the paths of its `pub use` declarations (re-exports).
#[allow(clippy::type_complexity)]
fn references(code: &str) -> (Vec<(Vec<String>, String)>, Vec<Vec<String>>) {
    let chars: Vec<char> = code.chars().collect();
    let mut rest: Vec<char> = chars.clone();
    let mut refs = Vec::new();
    let mut exports = Vec::new();
    let mut i = 0;
    while i + 4 <= chars.len() {
        let word = chars[i..i + 3] == ['u', 's', 'e'] && chars[i + 3].is_whitespace();
        if !word || (i > 0 && (is_ident(chars[i - 1]) || chars[i - 1] == '#')) {
            i += 1;
            continue;
        }
        let end = (i..chars.len()).find(|&k| chars[k] == ';').unwrap_or(chars.len());
        let tree: String = chars[i + 3..end].iter().collect();
        let text: String = tree.split_whitespace().collect::<Vec<_>>().join(" ");
        let before: String = chars[..i].iter().collect();
        let public = before.trim_end().ends_with("pub") || before.trim_end().ends_with(')');
        for path in expand(&tree) {
            if public {
                exports.push(path.clone());
            }
            refs.push((path, format!("use {text}")));
        }
        for c in &mut rest[i..end] {
            *c = ' ';
        }
        i = end;
    }
    // Inline paths: maximal runs of identifiers joined by `::`.
    let mut i = 0;
    while i < rest.len() {
        if !is_ident(rest[i]) || (i > 0 && (is_ident(rest[i - 1]) || rest[i - 1] == ':')) {
            i += 1;
            continue;
        }
        let mut segments = Vec::new();
        let mut k = i;
        loop {
            let start = k;
            while k < rest.len() && is_ident(rest[k]) {
                k += 1;
            }
            segments.push(rest[start..k].iter().collect::<String>());
            if rest.get(k) == Some(&':')
                && rest.get(k + 1) == Some(&':')
                && rest.get(k + 2).is_some_and(|&c| is_ident(c))
            {
                k += 2;
            } else {
                break;
            }
        }
        if segments.len() > 1 {
            let text = segments.join("::");
            refs.push((segments, text));
        }
        i = k;
    }
    (refs, exports)
}

/// The paths of a `use` tree: `crate::a::{b, c::{self, D}}` is
/// `crate::a::b`, `crate::a::c`, `crate::a::c::D`.
fn expand(tree: &str) -> Vec<Vec<String>> {
    // Drop each `as alias`, then the spaces.
    let spaced = tree.replace('{', " { ").replace('}', " } ").replace(',', " , ");
    let mut words = spaced.split_whitespace();
    let mut tree = String::new();
    while let Some(word) = words.next() {
        if word == "as" {
            words.next();
        } else {
            tree += word;
        }
    }
    let mut out = Vec::new();
    expand_into(&tree, &[], &mut out);
    out
}

fn expand_into(tree: &str, prefix: &[String], out: &mut Vec<Vec<String>>) {
    let (head, group) = match tree.find('{') {
        Some(open) => (&tree[..open], Some(&tree[open + 1..tree.len() - 1])),
        None => (tree, None),
    };
    let mut path = prefix.to_vec();
    path.extend(head.split("::").filter(|s| !s.is_empty() && *s != "self").map(String::from));
    let Some(group) = group else {
        out.push(path);
        return;
    };
    // Split the group at top-level commas.
    let (mut depth, mut start) = (0, 0);
    for (k, c) in group.char_indices().chain(std::iter::once((group.len(), ','))) {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                if k > start {
                    expand_into(&group[start..k], &path, out);
                }
                start = k + 1;
            }
            _ => {}
        }
    }
}

/// The cycles of the graph: each strongly connected component of more than
/// one node, its nodes sorted.
fn cycles(edges: &Edges) -> Vec<Vec<String>> {
    let nodes: BTreeSet<&String> = edges.keys().flat_map(|(a, b)| [a, b]).collect();
    let reach = |from: &String| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(n) = stack.pop() {
            for ((a, b), _) in edges.range((n.clone(), String::new())..) {
                if *a != n {
                    break;
                }
                if seen.insert(b.clone()) {
                    stack.push(b.clone());
                }
            }
        }
        seen
    };
    let reachable: BTreeMap<&String, BTreeSet<String>> = nodes.iter().map(|n| (*n, reach(n))).collect();
    let mut found: Vec<Vec<String>> = Vec::new();
    for n in &nodes {
        if !reachable[n].contains(*n) || found.iter().any(|c| c.contains(n)) {
            continue;
        }
        let component: Vec<String> = nodes
            .iter()
            .filter(|m| reachable[n].contains(**m) && reachable[*m].contains(*n))
            .map(|m| m.to_string())
            .collect();
        found.push(component);
    }
    found
}

/// A cycle's modules and the references behind each edge between them.
fn describe(component: &[String], edges: &Edges) -> String {
    let mut text = format!("cycle among {}:\n", component.join(", "));
    for ((a, b), places) in edges {
        if component.contains(a) && component.contains(b) {
            text += &format!("  {a} → {b}\n");
            for place in places {
                text += &format!("      {place}\n");
            }
        }
    }
    text
}
