//! A YAML document as a tree of nodes that each know where they start.
//!
//! The front matter is not deserialized straight into typed structs: a typed
//! derive stops at the first problem, while `check` must report every unknown
//! key, missing key and bad value of a file in one run, each at its own line.
//! So serde-saphyr reads the document into this generic tree (every node wrapped
//! in its `Spanned`), and `load::fields` turns the tree into the model.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;

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

/// Parse one YAML document. Aliases, nesting and total size are bounded by
/// serde-saphyr's budget, so a hostile file cannot exhaust memory.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    let options = serde_saphyr::options! {
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
        with_snippet: false,
    };
    match serde_saphyr::from_str_with_options::<Option<Spanned<Value>>>(text, options) {
        Ok(Some(root)) => Ok(node_from(root)),
        Ok(None) => Ok(Node { value: Value::Null, pos: YamlPos { line: 1, column: 1, offset: 0 } }),
        Err(err) => {
            let (line, column) = err.location().map(|l| (l.line() as u32, l.column() as u32)).unwrap_or((1, 1));
            Err(YamlError { message: clean_message(&err.to_string()), line: line.max(1), column: column.max(1) })
        }
    }
}

/// serde-saphyr's Display appends " at line X column Y"; the finding carries
/// the position itself, so keep only the first line of the message.
/// Also words the parser's configuration hints as what a retro author
/// can act on.
fn clean_message(message: &str) -> String {
    let first = message.lines().next().unwrap_or(message).trim();
    if first.starts_with("budget breached") {
        return "the front matter expands to too many values (nested aliases?); retros are limited to keep checks fast and safe".into();
    }
    let first = match first.find(" at line ") {
        Some(i) => first[..i].trim_end_matches(','),
        None => first,
    };
    match first.find(", set DuplicateKeyPolicy") {
        Some(i) => format!("{}; each key may appear once", &first[..i]),
        None => first.to_string(),
    }
}

fn node_from(spanned: Spanned<Value>) -> Node {
    Node { pos: position(&spanned), value: spanned.value }
}

/// A spanned value's position. Parsing from a string always yields byte
/// offsets; 0 is only a fallback that keeps slicing in bounds.
fn position(s: &Spanned<Value>) -> YamlPos {
    let loc = s.referenced;
    let offset = loc.span().byte_offset().map(|o| o as usize).unwrap_or(0);
    YamlPos { line: loc.line() as u32, column: loc.column() as u32, offset }
}

/// A child node as serde hands it over: the value in its `Spanned`.
struct RawNode(Spanned<Value>);

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Spanned::<Value>::deserialize(d).map(RawNode)
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map(Value::Int).unwrap_or(Value::Float(v as f64)))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(RawNode(item)) = seq.next_element()? {
            items.push(node_from(item));
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(RawNode(key)) = map.next_key()? {
            let RawNode(value) = map.next_value()?;
            entries.push((node_from(key), node_from(value)));
        }
        Ok(Value::Map(entries))
    }
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
}
