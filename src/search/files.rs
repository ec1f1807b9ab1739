//! The search index's files, all under `search/`, each a script that hands
//! its data to the client (`__rbs.<kind>(…)`):
//! - `meta.js`: the number of documents, the shard keys, the facet values
//!   and the ranking constants;
//! - `s-<n>.js`: shard `n` of the inverted index: a run of consecutive terms
//!   in sorted order, packed up to SHARD_LIMIT bytes, so shards are few and
//!   of an even size. Shard `n` holds the terms from key `n` (in `meta.js`,
//!   the shortest prefix of its first term that sorts after the shard
//!   before) up to the next key. A text term holds the head of its postings
//!   in impact order (best weight first) and, for a long list, its document
//!   frequency and the tail files holding the rest; the shard also holds the
//!   result rows (title, id, date, severity, …) of each term's best
//!   documents, once per shard, so a word's first screen needs no other
//!   file. A facet term (`=v:sev1`) holds a bitmap of its documents;
//! - `t-<n>.js`: tails of long postings lists, in pieces, consecutive
//!   pieces packed up to TAIL_PACK bytes; loaded only when the heads do not
//!   give enough results;
//! - `d-<n>.js`: the document catalog in chunks, for the rows of further
//!   results and of results of several words.
//!
//! Numbers in postings are written in a variable-length code of printable
//! characters that need no escaping in a string (`DIGITS`), without
//! separators: a posting costs one or two characters.

use super::{Doc, FACETS, Posting, SearchIndex, facet_term};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write;

/// Documents per catalog chunk. A screen of results for a query of several
/// words reads one chunk per result not among its words' best rows, so a
/// chunk stays small (10 rows with their summaries, about 3 KB: 30 KB for a
/// screen); 10,000 retros make 1,000 chunks.
pub const CHUNK: usize = 10;
/// Postings in a term's head, in its shard: a query reads only heads
/// unless they do not give enough results.
const HEAD: usize = 200;
/// Postings per tail piece: a query that needs more than the head of a very
/// common word (in every retro) reads a piece at a time.
const TAIL: usize = 4000;
/// Encoded bytes a tail file holds: most tails are short (a word in a few
/// hundred retros) and share a file with their neighbours; a longer piece
/// has a file of its own.
const TAIL_PACK: usize = 8 * 1024;
/// Result rows a shard holds per term: one screen of results.
const ROWS: usize = 10;
/// Terms found in fewer documents carry no rows: their few results come
/// from the catalog, and rows for the many one-document terms (ids,
/// numbers) would double the index.
const ROWS_MIN_DF: usize = 3;
/// Encoded bytes a shard holds before the next one starts. Each word of a
/// query reads one shard (a prefix while typing up to four), so this bounds
/// what a word costs; larger shards make fewer files and share more rows.
const SHARD_LIMIT: usize = 12 * 1024;
/// A prefix while typing matches the terms of at most this many shards
/// beyond its own (else only the whole word, until more is typed); the
/// client reads it from `meta.js`.
const PREFIX_SHARDS: usize = 3;

/// The characters of numbers: 90 printable ASCII characters, without `"`,
/// `\` (which a JSON string would escape) and `;` (which separates groups of
/// postings). The first 45 end a number, the other 45 are its leading
/// digits, base 45: 0–44 take one character, up to 2,024 two.
const DIGITS: &[u8; 90] = b"#$%&'()*+,-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";
const BASE: u32 = 45;

/// Write the index's files, handing each to `sink` as it is made. The
/// index is consumed: each term's postings are freed once encoded, and the
/// files are not collected, so a big site's index never exists twice.
pub fn write<E>(index: SearchIndex, sink: &mut dyn FnMut(String, Vec<u8>) -> Result<(), E>) -> Result<(), E> {
    let SearchIndex { docs, terms, lens, avg, facets } = index;
    let codes = RowCodes::new(&facets);
    let rows: Vec<String> = docs.iter().map(|d| codes.row(d)).collect();
    let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
    let mut tails = TailPacker::default();
    for (term, raw) in terms {
        let list = super::quantized(&raw, &lens, avg);
        drop(raw);
        let entry = text_entry(&term, &list, &mut tails);
        entries.insert(term, entry);
    }
    for (path, bytes) in tails.finish() {
        sink(path, bytes)?;
    }
    let mut facet_terms: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (kind, _, _) in FACETS {
        for (value, docs) in facets.get(kind).into_iter().flatten() {
            let term = facet_term(kind, value).expect("a known facet kind");
            facet_terms.entry(term).or_default().extend(docs);
        }
    }
    facet_terms.values_mut().for_each(|docs| {
        docs.sort_unstable();
        docs.dedup();
    });
    for (term, docs) in facet_terms {
        let data = format!("{}:\"{}\"", json(&term), bitmap(&docs));
        entries.insert(term, Entry { data, facet: true, rows: Vec::new() });
    }
    let shards = pack_shards(&entries, &rows);
    let mut keys = Vec::new();
    for (n, (key, terms)) in shards.into_iter().enumerate() {
        sink(format!("search/s-{n}.js"), shard(n, &terms, &entries, &rows))?;
        keys.extend(key);
    }
    drop((entries, rows));
    for (n, chunk) in docs.chunks(CHUNK).enumerate() {
        let list: Vec<String> = chunk.iter().map(|d| format!("[{},{}]", codes.row(d), json(&d.summary))).collect();
        sink(format!("search/d-{n}.js"), format!("__rbs.d({n},[{}]);\n", list.join(",")).into_bytes())?;
    }
    let facet_values: serde_json::Map<String, serde_json::Value> =
        facets.iter().map(|(k, v)| (k.to_string(), serde_json::json!(v.keys().collect::<Vec<_>>()))).collect();
    let meta = serde_json::json!({
        "n": docs.len(),
        "chunk": CHUNK,
        "shards": front_coded(keys.iter().map(String::as_str)),
        "prefixShards": PREFIX_SHARDS,
        "facets": facet_values,
        "codes": FACETS.iter().map(|(k, c, how)| serde_json::json!([k, c, format!("{how:?}")])).collect::<Vec<_>>(),
        "levels": super::LEVELS,
        "keyTier": super::KEY_TIER,
        "tierScore": super::TIER_SCORE,
    });
    sink("search/meta.js".into(), format!("__rbs.m({meta});\n").into_bytes())
}

fn json(s: &str) -> String {
    serde_json::to_string(s).expect("a string encodes")
}

/// A term's data in its shard, encoded.
struct Entry {
    /// For a text term its entry in the shard's list, for a facet term
    /// `"term":"bitmap"`.
    data: String,
    facet: bool,
    /// Documents whose rows go with the term.
    rows: Vec<u32>,
}

/// Rows name severity, status and services by their place in `meta.js`'s
/// facet values, which the client has already: a row is about a third
/// shorter.
struct RowCodes<'i> {
    values: HashMap<(&'static str, &'i str), usize>,
}

impl<'i> RowCodes<'i> {
    fn new(facets: &'i BTreeMap<&'static str, BTreeMap<String, Vec<u32>>>) -> Self {
        let mut values = HashMap::new();
        for (kind, list) in facets {
            values.extend(list.keys().enumerate().map(|(i, v)| ((*kind, v.as_str()), i)));
        }
        RowCodes { values }
    }

    fn code(&self, kind: &'static str, value: &str) -> String {
        self.values.get(&(kind, value)).map_or("-1".into(), |i| i.to_string())
    }

    /// A result row, without brackets: title, id (the URL is made from it,
    /// as `retro_url` makes it), date (`0` when the id starts with it, as
    /// generated ids do), severity, status, services (their codes,
    /// space-separated) and open action items.
    fn row(&self, d: &Doc) -> String {
        let date = if d.date.len() == 10 && d.id.starts_with(&d.date) { "0".into() } else { json(&d.date) };
        let services: Vec<String> = d.services.iter().map(|s| self.code("service", s)).collect();
        format!(
            "{},{},{date},{},{},\"{}\",{}",
            json(&d.title),
            json(&d.id),
            self.code("severity", &d.severity),
            self.code("status", &d.status),
            services.join(" "),
            d.open
        )
    }
}

/// A text term's entry: its postings, best first (by weight, then
/// document), as one string when the head holds them all, else
/// `[df,head,file of each tail piece…]`; the tail pieces go to `tails`.
/// The shard holds the rows of the best ROWS documents.
fn text_entry(term: &str, list: &[Posting], tails: &mut TailPacker) -> Entry {
    let mut ranked = list.to_vec();
    ranked.sort_by(|a, b| b.weight.cmp(&a.weight).then(a.doc.cmp(&b.doc)));
    let head = &ranked[..ranked.len().min(HEAD)];
    let mut data = String::new();
    if ranked.len() == head.len() {
        data.push('"');
        encode_impact(&mut data, head);
        data.push('"');
    } else {
        write!(data, "[{},\"", list.len()).expect("writing to a String");
        encode_impact(&mut data, head);
        data.push('"');
        for (p, piece) in ranked[head.len()..].chunks(TAIL).enumerate() {
            write!(data, ",{}", tails.add(term, p, piece)).expect("writing to a String");
        }
        data.push(']');
    }
    let rows = if list.len() >= ROWS_MIN_DF { head.iter().take(ROWS).map(|p| p.doc).collect() } else { Vec::new() };
    Entry { data, facet: false, rows }
}

/// Tail pieces, in term order, packed into files.
#[derive(Default)]
struct TailPacker {
    /// Finished files' contents.
    done: Vec<String>,
    /// The file being filled: `"term",piece,"postings"` items.
    open: String,
}

impl TailPacker {
    /// Add a piece; the number of the file it goes to.
    fn add(&mut self, term: &str, piece: usize, postings: &[Posting]) -> usize {
        let mut item = format!("{},{piece},\"", json(term));
        encode_impact(&mut item, postings);
        item.push('"');
        if !self.open.is_empty() && self.open.len() + item.len() > TAIL_PACK {
            self.done.push(std::mem::take(&mut self.open));
        }
        if !self.open.is_empty() {
            self.open.push(',');
        }
        self.open.push_str(&item);
        self.done.len()
    }

    fn finish(mut self) -> impl Iterator<Item = (String, Vec<u8>)> {
        if !self.open.is_empty() {
            self.done.push(self.open);
        }
        self.done
            .into_iter()
            .enumerate()
            .map(|(n, items)| (format!("search/t-{n}.js"), format!("__rbs.t({n},[{items}]);\n").into_bytes()))
    }
}

/// The terms, in order, as shards: runs of consecutive terms whose data
/// and rows (each once per shard) fill up to SHARD_LIMIT bytes. Each shard
/// but the first has a key: the shortest prefix of its first term that
/// sorts after the last term before it (a key never has a space, which
/// separates keys in `meta.js`: a facet value with one may make a shard
/// longer).
fn pack_shards<'t>(entries: &'t BTreeMap<String, Entry>, rows: &[String]) -> Vec<(Option<String>, Vec<&'t str>)> {
    let mut shards: Vec<(Option<String>, Vec<&'t str>)> = vec![(None, Vec::new())];
    let mut size = 0;
    let mut docs: HashSet<u32> = HashSet::new();
    let mut last = "";
    for (term, entry) in entries {
        let term = term.as_str();
        let new_rows = |docs: &HashSet<u32>| {
            entry.rows.iter().filter(|d| !docs.contains(d)).map(|&d| rows[d as usize].len() + 10).sum::<usize>()
        };
        let mut grows = term.len() + entry.data.len() + 4 + new_rows(&docs);
        if size > 0 && size + grows > SHARD_LIMIT {
            let key = separator(last, term);
            if !key.contains(char::is_whitespace) {
                shards.push((Some(key), Vec::new()));
                docs.clear();
                size = 0;
                grows = term.len() + entry.data.len() + 4 + new_rows(&docs);
            }
        }
        size += grows;
        docs.extend(&entry.rows);
        shards.last_mut().expect("a shard").1.push(term);
        last = term;
    }
    shards
}

/// The shortest prefix of `next` that sorts after `last` (`last < next`).
fn separator(last: &str, next: &str) -> String {
    let end = next.char_indices().map(|(i, c)| i + c.len_utf8()).find(|&i| &next[..i] > last);
    next[..end.unwrap_or(next.len())].to_string()
}

/// One shard: `[text terms, front-coded; their entries; rows
/// [doc,…row]; {facet term: bitmap}]`.
fn shard(n: usize, terms: &[&str], entries: &BTreeMap<String, Entry>, rows: &[String]) -> Vec<u8> {
    let text: Vec<&str> = terms.iter().copied().filter(|t| !entries[*t].facet).collect();
    let mut out = format!("__rbs.s({n},[{},[", json(&front_coded(text.iter().copied())));
    for (i, t) in text.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&entries[*t].data);
    }
    out.push_str("],[");
    let mut docs: Vec<u32> = terms.iter().flat_map(|t| entries[*t].rows.iter().copied()).collect();
    docs.sort_unstable();
    docs.dedup();
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write!(out, "[{d},{}]", rows[*d as usize]).expect("writing to a String");
    }
    out.push_str("],{");
    for (i, t) in terms.iter().filter(|t| entries[**t].facet).enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&entries[*t].data);
    }
    out.push_str("}]);\n");
    out.into_bytes()
}

/// Sorted words (without spaces), each as the length it shares with the
/// one before, in UTF-16 units as the client counts (one of the first 45
/// DIGITS, at most 44), then the rest, space-separated: `ab abc abd` is
/// `#ab %c %d`.
fn front_coded<'k>(keys: impl Iterator<Item = &'k str>) -> String {
    let mut out = String::new();
    let mut last = "";
    for key in keys {
        let mut shared = (0, 0);
        for ((i, a), b) in key.char_indices().zip(last.chars()) {
            if a != b || shared.1 + a.len_utf16() > BASE as usize - 1 {
                break;
            }
            shared = (i + a.len_utf8(), shared.1 + a.len_utf16());
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push(DIGITS[shared.1] as char);
        out.push_str(&key[shared.0..]);
        last = key;
    }
    out
}

/// Append `n` in the variable-length code of DIGITS: leading digits from
/// the second half, the last from the first half.
fn push_number(out: &mut String, mut n: u32) {
    let mut digits = [0u8; 8];
    let mut at = digits.len() - 1;
    digits[at] = DIGITS[(n % BASE) as usize];
    n /= BASE;
    while n > 0 {
        at -= 1;
        digits[at] = DIGITS[(BASE + n % BASE) as usize];
        n /= BASE;
    }
    out.push_str(std::str::from_utf8(&digits[at..]).expect("ASCII digits"));
}

/// Postings in impact order as groups of one weight, `;`-separated: the
/// weight, then the group's document ids as gaps (the first from 0), each a
/// number of DIGITS.
fn encode_impact(out: &mut String, list: &[Posting]) {
    let mut last: Option<Posting> = None;
    for &posting in list {
        match last {
            Some(last) if last.weight == posting.weight => push_number(out, posting.doc - last.doc),
            _ => {
                if last.is_some() {
                    out.push(';');
                }
                push_number(out, posting.weight.into());
                push_number(out, posting.doc);
            }
        }
        last = Some(posting);
    }
}

/// A set of documents as a bitmap, five documents a base-32 digit
/// (`0-9a-v`), the lowest id in the lowest bit; trailing zeros left out.
fn bitmap(docs: &[u32]) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuv";
    let Some(&max) = docs.last() else { return String::new() };
    let mut digits = vec![0u8; max as usize / 5 + 1];
    for &d in docs {
        digits[d as usize / 5] |= 1 << (d % 5);
    }
    digits.iter().map(|&v| DIGITS[v as usize] as char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The impact encoding of (document, weight) pairs.
    fn impact(list: &[(u32, u8)]) -> String {
        let list: Vec<Posting> = list.iter().map(|&(doc, weight)| Posting { doc, weight }).collect();
        let mut out = String::new();
        encode_impact(&mut out, &list);
        out
    }

    #[test]
    fn numbers_take_one_character_below_45() {
        let enc = |n| {
            let mut s = String::new();
            push_number(&mut s, n);
            s
        };
        assert_eq!([enc(0), enc(1), enc(44)], ["#", "$", "P"]);
        assert_eq!([enc(45), enc(2024), enc(2025)], ["R#", "~P", "RQ#"]);
        assert!(DIGITS.iter().all(|c| !b"\"\\; ".contains(c)) && DIGITS.len() == 2 * BASE as usize);
    }

    #[test]
    fn postings_encode_by_impact_then_gaps() {
        // Weight 35 ('G'): docs 3 ('&') and 40 (gap 37, 'I'); weight 5: docs 0
        // and 2; weight 1: doc 1.
        assert_eq!(impact(&[(3, 35), (40, 35), (0, 5), (2, 5), (1, 1)]), "G&I;(#%;$$");
        assert_eq!(impact(&[]), "");
        assert_eq!(bitmap(&[0, 2, 5, 11]), "512");
        assert_eq!(bitmap(&[]), "");
    }

    #[test]
    fn heads_keep_the_best_postings_and_tails_the_rest() {
        let weight = |doc: u32| if doc.is_multiple_of(7) { 20 } else { 3 };
        let list: Vec<Posting> =
            (0..(HEAD + TAIL + 5) as u32).map(|doc| Posting { doc, weight: weight(doc) }).collect();
        let mut tails = TailPacker::default();
        let entry = text_entry("word", &list, &mut tails);
        let value: serde_json::Value = serde_json::from_str(&entry.data).unwrap();
        assert_eq!(value[0], list.len());
        assert!(value[1].as_str().unwrap().starts_with("7#*"), "the weight-20 group first, gaps of 7");
        assert_eq!(value.as_array().unwrap().len(), 4, "two tail pieces");
        assert_eq!(entry.rows, [0, 7, 14, 21, 28, 35, 42, 49, 56, 63]);
        let files: Vec<_> = tails.finish().collect();
        assert!(files.iter().any(|(_, b)| b.starts_with(b"__rbs.t(") && b.windows(8).any(|w| w == b"\"word\",1")));
        let mut none = TailPacker::default();
        let short = text_entry("rare", &list[..2], &mut none);
        assert!(short.data.starts_with('"') && short.rows.is_empty(), "a rare term: its postings, no rows");
        assert_eq!(none.finish().count(), 0);
    }

    #[test]
    fn shards_are_runs_of_terms_up_to_the_limit() {
        let big = "x".repeat(SHARD_LIMIT / 3);
        let entries: BTreeMap<String, Entry> = ["ca", "cab", "cac", "cache", "cat", "do"]
            .into_iter()
            .map(|t| {
                let data = if t.starts_with("ca") { big.clone() } else { "\"#\"".into() };
                (t.to_string(), Entry { data, facet: false, rows: Vec::new() })
            })
            .collect();
        let shards = pack_shards(&entries, &[]);
        let keys: Vec<Option<&str>> = shards.iter().map(|(k, _)| k.as_deref()).collect();
        assert_eq!(keys, [None, Some("cac"), Some("cat")]);
        assert_eq!(shards[1].1, ["cac", "cache"]);
        assert_eq!(shards[2].1, ["cat", "do"]);
        assert_eq!(separator("cab", "cache"), "cac");
        assert_eq!(separator("kafka", "kafka-cluster"), "kafka-");
        assert_eq!(separator("é", "éa"), "éa");
    }

    #[test]
    fn keys_are_front_coded_in_utf16_units() {
        assert_eq!(front_coded(["ab", "abc", "abd", "b_1"].into_iter()), "#ab %c %d #b_1");
        assert_eq!(front_coded(["\u{1F600}a", "\u{1F600}b"].into_iter()), "#\u{1F600}a %b");
    }
}
