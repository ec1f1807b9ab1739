//! A YAML document as a tree of nodes that each know where they start.
//!
//! The front matter is not deserialized straight into typed structs: a typed
//! derive stops at the first problem, while `check` must report every unknown
//! key, missing key and bad value of a file in one run, each at its own line.
//! So the document is read into this generic tree, and `load::fields` turns
//! the tree into the model.
//!
//! The tree is built from granit-parser's events (the YAML parser beneath
//! serde-saphyr) rather than through serde: this is the hottest loop of
//! `check`, and going through serde's `Spanned` values cost twice the time
//! of parsing itself. Scalars are resolved the way retro authors expect:
//! YAML 1.2's core schema, but `yes`/`no`, `007` and `1_000` stay strings.

use granit_parser::{Event, Parser, ScalarStyle, ScanError, Span};

/// Where a node starts in the YAML text: 1-based line and column (in
/// characters), and the byte offset into the YAML text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct YamlPos {
    pub line: u32,
    pub column: u32,
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub pos: YamlPos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Keys keep document order; duplicate keys are rejected by the parser.
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// A short noun for messages: "expected a list, found a string".
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// A YAML error with its position in the YAML text.
#[derive(Debug, Clone)]
pub struct YamlError {
    pub message: String,
    pub line: u32,
    pub column: u32,
}

/// Values a document may hold, counting what aliases expand to: a retro has
/// a few hundred, and a "billion laughs" file must stop early.
pub const MAX_NODES: usize = 200_000;
/// Nesting a retro never needs; deeper documents are refused before they
/// can exhaust the stack.
pub const MAX_DEPTH: usize = 64;

/// A collection being read: its start, and what it holds so far.
struct Open {
    pos: YamlPos,
    anchor: usize,
    kind: OpenKind,
}

enum OpenKind {
    Seq(Vec<Node>),
    Map(MapBuilder),
}

/// A mapping being read: its entries, a key waiting for its value, and the
/// string keys seen (kept once the mapping is big enough for a linear scan
/// to matter).
#[derive(Default)]
struct MapBuilder {
    entries: Vec<(Node, Node)>,
    /// Entries from `<<` merge keys: explicit keys win, wherever they are.
    merged: Vec<(Node, Node)>,
    waiting: Option<Node>,
    keys: Option<foldhash::HashSet<String>>,
}

impl MapBuilder {
    fn has_key(&mut self, key: &str) -> bool {
        if self.entries.len() < 32 {
            return self.entries.iter().any(|(k, _)| matches!(&k.value, Value::Str(other) if other == key));
        }
        let entries = &self.entries;
        let keys = self.keys.get_or_insert_with(|| {
            entries
                .iter()
                .filter_map(|(k, _)| if let Value::Str(k) = &k.value { Some(k.clone()) } else { None })
                .collect()
        });
        !keys.insert(key.to_string())
    }

    /// Add the value for the waiting key. `<<: *defaults` merges a mapping's
    /// entries (or each of a list of mappings') under keys not set here.
    fn push(&mut self, key: Node, value: Node) {
        if matches!(&key.value, Value::Str(k) if k == "<<") {
            let sources = match value.value {
                Value::Map(entries) => vec![entries],
                Value::Seq(items) => {
                    items.into_iter().filter_map(|n| if let Value::Map(m) = n.value { Some(m) } else { None }).collect()
                }
                other => return self.entries.push((key, Node { value: other, pos: value.pos })),
            };
            self.merged.extend(sources.into_iter().flatten());
            return;
        }
        self.entries.push((key, value));
    }

    fn finish(mut self) -> Vec<(Node, Node)> {
        let key_of = |n: &Node| if let Value::Str(k) = &n.value { Some(k.clone()) } else { None };
        let mut seen: foldhash::HashSet<String> = self.entries.iter().filter_map(|(k, _)| key_of(k)).collect();
        for (k, v) in self.merged {
            if key_of(&k).is_none_or(|name| seen.insert(name)) {
                self.entries.push((k, v));
            }
        }
        self.entries
    }
}

/// Parse one YAML document.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    parse_counted(text).map(|parsed| parsed.root)
}

/// A document, with its size as the limits measure it.
pub struct Counted {
    pub root: Node,
    /// Values, aliases counted as what they expand to.
    pub values: usize,
    /// The deepest nesting of collections.
    pub depth: usize,
}

/// Parse one YAML document, and measure it as the limits do: a document
/// made of parts parsed one by one must stay within them as a whole.
pub fn parse_counted(text: &str) -> Result<Counted, YamlError> {
    let mut stack: Vec<Open> = Vec::new();
    // Anchored nodes by anchor id, with their size in nodes.
    let mut anchors: Vec<(usize, Node, usize)> = Vec::new();
    let mut nodes = 0usize;
    let mut depth = 0;
    let mut root: Option<Node> = None;
    let mut documents = 0;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| scan_error(&e, text))?;
        let pos = position(&span);
        let done = match event {
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(error("the front matter holds a second YAML document (`---`); use one", pos));
                }
                continue;
            }
            Event::Scalar(value, style, anchor, tag) => {
                let quoted =
                    style != ScalarStyle::Plain || tag.as_ref().is_some_and(|t| t.core_suffix() == Some("str"));
                let node = Node { value: if quoted { Value::Str(value.into_owned()) } else { plain(&value) }, pos };
                if anchor != 0 {
                    anchors.push((anchor, node.clone(), 1));
                }
                nodes += 1;
                node
            }
            Event::Alias(id) => {
                let Some((_, node, size)) = anchors.iter().rev().find(|(a, ..)| *a == id) else {
                    return Err(error("this alias refers to no anchor", pos));
                };
                nodes += size;
                if nodes > MAX_NODES {
                    return Err(error(TOO_MANY, pos));
                }
                Node { value: node.value.clone(), pos }
            }
            Event::SequenceStart(_, anchor, _) | Event::MappingStart(_, anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(error(DEEP, pos));
                }
                let kind = match event {
                    Event::SequenceStart(..) => OpenKind::Seq(Vec::new()),
                    _ => OpenKind::Map(MapBuilder::default()),
                };
                stack.push(Open { pos, anchor, kind });
                depth = depth.max(stack.len());
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let open = stack.pop().expect("the parser balances collections");
                let value = match open.kind {
                    OpenKind::Seq(items) => Value::Seq(items),
                    OpenKind::Map(map) => Value::Map(map.finish()),
                };
                nodes += 1;
                let node = Node { value, pos: open.pos };
                if open.anchor != 0 {
                    anchors.push((open.anchor, node.clone(), size_of(&node)));
                }
                node
            }
            _ => continue,
        };
        if nodes > MAX_NODES {
            return Err(error(TOO_MANY, pos));
        }
        match stack.last_mut() {
            None => root = Some(done),
            Some(Open { kind: OpenKind::Seq(items), .. }) => items.push(done),
            Some(Open { kind: OpenKind::Map(map), .. }) => match map.waiting.take() {
                None => {
                    if let Value::Str(key) = &done.value
                        && map.has_key(key)
                    {
                        return Err(error(
                            &format!("duplicate mapping key `{key}`; each key may appear once"),
                            done.pos,
                        ));
                    }
                    map.waiting = Some(done);
                }
                Some(key) => map.push(key, done),
            },
        }
    }
    let root = root.unwrap_or(Node { value: Value::Null, pos: YamlPos { line: 1, column: 1, offset: 0 } });
    Ok(Counted { root, values: nodes, depth })
}

const DEEP: &str = "the front matter is nested too deeply";
const TOO_MANY: &str =
    "the front matter expands to too many values (nested aliases?); retros are limited to keep checks fast and safe";

fn size_of(node: &Node) -> usize {
    1 + match &node.value {
        Value::Seq(items) => items.iter().map(size_of).sum(),
        Value::Map(entries) => entries.iter().map(|(k, v)| size_of(k) + size_of(v)).sum(),
        _ => 0,
    }
}

/// A plain scalar as retros use it. A number stays a number only where its
/// text is the number's own spelling (`3`, `1.5`); any other spelling is
/// what the author meant to write, kept as a string: the tag `1.30` is not
/// `1.3`, the id `0x2a` is not `42`.
fn plain(text: &str) -> Value {
    match resolve(text) {
        Value::Int(n) if n.to_string() != text => str_value(text),
        Value::Float(f) if f.to_string() != text => str_value(text),
        value => value,
    }
}

/// A plain scalar's type. `true`/`false` only (not `yes`/`on`); numbers
/// with a leading zero or an underscore stay strings (ids like `007`).
fn resolve(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Value::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Value::Str(text.to_string());
    }
    let digits = text.trim_start_matches(['-', '+']);
    if let Some(hex) = digits.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).map(|n| Value::Int(signed(text, n))).unwrap_or_else(|_| str_value(text));
    }
    if let Some(oct) = digits.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).map(|n| Value::Int(signed(text, n))).unwrap_or_else(|_| str_value(text));
    }
    let leading_zero = digits.len() > 1 && digits.starts_with('0') && digits.as_bytes()[1].is_ascii_digit();
    if leading_zero || !digits.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+')) {
        return str_value(text);
    }
    if digits.bytes().all(|b| b.is_ascii_digit()) && !digits.is_empty() {
        return match text.parse::<i64>() {
            Ok(n) => Value::Int(n),
            Err(_) => text.parse::<f64>().map(Value::Float).unwrap_or_else(|_| str_value(text)),
        };
    }
    // A float needs a digit, and `1-2` or `2026-01-05` are not numbers.
    let float_shape = digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .skip(1)
            .zip(digits.bytes())
            .all(|(b, prev)| !matches!(b, b'-' | b'+') || matches!(prev, b'e' | b'E'));
    match text.parse::<f64>() {
        Ok(f) if float_shape => Value::Float(f),
        _ => str_value(text),
    }
}

fn signed(text: &str, n: i64) -> i64 {
    if text.starts_with('-') { -n } else { n }
}

fn str_value(text: &str) -> Value {
    Value::Str(text.to_string())
}

/// A span's start. Parsing from a string always yields byte offsets; 0 is
/// only a fallback that keeps slicing in bounds.
fn position(span: &Span) -> YamlPos {
    let m = span.start;
    YamlPos { line: m.line() as u32, column: m.col() as u32 + 1, offset: m.byte_offset().unwrap_or(0) }
}

fn scan_error(e: &ScanError, text: &str) -> YamlError {
    let m = e.marker();
    let message = e.info();
    let line = (m.line() as u32).max(1);
    if message.contains("tab")
        && let Some((tab_line, tab_column)) = indentation_tab(text, line)
    {
        // The scanner reports where the scalar before the tab began, often
        // the line above: point at the tab itself.
        let message = "a tab in indentation; YAML indents with spaces only".to_string();
        return YamlError { message, line: tab_line, column: tab_column };
    }
    let message = if message.contains("recursion limit") { DEEP.to_string() } else { message };
    YamlError { message, line, column: m.col() as u32 + 1 }
}

/// A tab in the leading whitespace of line `from` (1-based) or the next
/// one, as a 1-based line and column.
fn indentation_tab(text: &str, from: u32) -> Option<(u32, u32)> {
    text.lines().enumerate().skip(from as usize - 1).take(2).find_map(|(i, line)| {
        let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
        indent.find('\t').map(|col| (i as u32 + 1, col as u32 + 1))
    })
}

fn error(message: &str, pos: YamlPos) -> YamlError {
    YamlError { message: message.to_string(), line: pos.line.max(1), column: pos.column.max(1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(n: &Node) -> &Vec<(Node, Node)> {
        match &n.value {
            Value::Map(m) => m,
            other => panic!("not a map: {other:?}"),
        }
    }

    #[test]
    fn keys_and_items_carry_positions() {
        let text = "title: Hello\nauthors:\n  - alice\n  - bob\nnear_miss: true\ndue: 2026-01-05\nat: 2026-01-05T10:00:00Z\nid: 007\ncount: 3\n";
        let root = parse(text).unwrap();
        let m = map(&root);
        assert_eq!(m[0].0.pos.line, 1);
        assert_eq!(m[0].0.pos.column, 1);
        assert_eq!(m[0].1.pos.column, 8);
        assert_eq!(m[0].1.value, Value::Str("Hello".into()));
        match &m[1].1.value {
            Value::Seq(items) => {
                assert_eq!(items[1].pos.line, 4);
                assert_eq!(items[1].pos.column, 5);
                assert_eq!(&text[items[1].pos.offset..items[1].pos.offset + 3], "bob");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(m[2].1.value, Value::Bool(true));
        assert_eq!(m[3].1.value, Value::Str("2026-01-05".into()));
        assert_eq!(m[4].1.value, Value::Str("2026-01-05T10:00:00Z".into()));
        assert_eq!(m[5].1.value, Value::Str("007".into()));
        assert_eq!(m[6].1.value, Value::Int(3));
    }

    #[test]
    fn syntax_error_has_a_position() {
        let err = parse("title: ok\nauthors: [a, b\nstatus: draft\n").unwrap_err();
        assert!(err.line >= 2, "{err:?}");
    }

    #[test]
    fn messages_speak_to_authors() {
        let err = parse("status: draft\nstatus: published\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 1));
        assert!(err.message.contains("duplicate") && !err.message.contains("Policy"), "{}", err.message);
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (prev, name) in ["a", "b", "c", "d", "e", "f"].iter().zip(["b", "c", "d", "e", "f", "g"]) {
            bomb.push_str(&format!("{name}: &{name} [{}]\n", vec![format!("*{prev}"); 10].join(", ")));
        }
        let err = parse(&bomb).unwrap_err();
        assert!(err.message.contains("too many values"), "{}", err.message);
    }

    #[test]
    fn yes_is_a_string() {
        let root = parse("owner: yes\n").unwrap();
        assert_eq!(map(&root)[0].1.value, Value::Str("yes".into()));
    }

    #[test]
    fn scalars_resolve_as_authors_expect() {
        let cases = [
            ("3", Value::Int(3)),
            ("-12", Value::Int(-12)),
            ("1.5", Value::Float(1.5)),
            // Other spellings of numbers are kept as written.
            ("0x1f", Value::Str("0x1f".into())),
            ("1e3", Value::Str("1e3".into())),
            ("1.30", Value::Str("1.30".into())),
            ("+5", Value::Str("+5".into())),
            (".inf", Value::Str(".inf".into())),
            ("007", Value::Str("007".into())),
            ("1_000", Value::Str("1_000".into())),
            ("2026-01-05", Value::Str("2026-01-05".into())),
            ("10:30", Value::Str("10:30".into())),
            ("1.2.3", Value::Str("1.2.3".into())),
            ("-5x", Value::Str("-5x".into())),
            ("+", Value::Str("+".into())),
            ("no", Value::Str("no".into())),
            ("False", Value::Bool(false)),
            ("~", Value::Null),
            ("'5'", Value::Str("5".into())),
            ("!!str 5", Value::Str("5".into())),
        ];
        for (text, expected) in cases {
            assert_eq!(map(&parse(&format!("v: {text}\n")).unwrap())[0].1.value, expected, "{text}");
        }
    }

    #[test]
    fn a_tab_in_indentation_is_reported_where_it_is() {
        for (text, line, column) in
            [("tags:\n  - one\n\t- two\n", 3, 1), ("timeline:\n  - at: 2026-01-01\n  \t  event: x\n", 3, 3)]
        {
            let err = parse(text).unwrap_err();
            assert_eq!((err.line, err.column), (line, column), "{text:?}: {err:?}");
            assert!(err.message.contains("tab in indentation"), "{err:?}");
        }
    }

    #[test]
    fn aliases_and_merge_keys_expand() {
        let root = parse("base: &b {owner: alice, status: open}\nitem:\n  <<: *b\n  status: done\nsame: *b\n").unwrap();
        let m = map(&root);
        let item = map(&m[1].1);
        let keys: Vec<_> = item.iter().map(|(k, v)| (k.value.clone(), v.value.clone())).collect();
        assert!(keys.contains(&(Value::Str("status".into()), Value::Str("done".into()))), "{keys:?}");
        assert!(keys.contains(&(Value::Str("owner".into()), Value::Str("alice".into()))), "{keys:?}");
        assert_eq!(map(&m[2].1).len(), 2);
        assert_eq!(m[2].1.pos.line, 5, "an alias sits where it is used");
    }

    #[test]
    fn hostile_shapes_are_refused_with_a_position() {
        let deep = format!("v: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
        let err = parse(&deep).unwrap_err();
        assert!(err.message.contains("nested too deeply"), "{}", err.message);
        let err = parse("a: 1\n---\nb: 2\n").unwrap_err();
        assert!(err.message.contains("second YAML document") && err.line == 2, "{err:?}");
        let err = parse("a: *nowhere\n").unwrap_err();
        assert!(err.line == 1, "{err:?}");
        let many: String = (0..50_000).map(|i| format!("k{i}: {i}\n")).collect();
        assert_eq!(map(&parse(&many).unwrap()).len(), 50_000, "big flat mappings stay linear");
        let err = parse(&format!("{many}k7: again\n")).unwrap_err();
        assert!(err.message.contains("duplicate mapping key `k7`"), "{}", err.message);
    }
}
