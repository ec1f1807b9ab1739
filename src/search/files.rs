//! The search index's files, all under `search/`, each a script that hands
//! its data to the client (`__rbs.<kind>(…)`):
//! - `meta.js`: the number of documents, the shard keys of one or two
//!   characters (front-coded), the facet values and the ranking constants;
//! - `k-<prefix>.js`: the longer shard keys under a two-character prefix;
//! - `s-<prefix>.js`: a shard of the inverted index, by term prefix (two
//!   characters, split to longer prefixes where a shard would be large).
//!   A text term holds its document frequency and the head of its
//!   postings in impact order (best weight first), with the number of tail
//!   files holding the rest; the shard also holds the result rows (title,
//!   URL, date, severity, …) of each term's best documents, so a query's
//!   first screen needs no other file. A facet term (`=v:sev1`) holds a
//!   bitmap of its documents;
//! - `t-<n>-<piece>.js`: the tail of a long postings list, loaded only when
//!   the head does not give enough results;
//! - `r-<n>.js`: the result rows of the rest of a term's head, for queries
//!   of several words (their best results are in every word's head);
//! - `d-<n>.js`: the document catalog in chunks, for further results.

use super::{Doc, FACETS, Posting, SearchIndex, facet_term};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Documents per catalog chunk: small, since further results may need one
/// chunk each.
pub const CHUNK: usize = 10;
/// Postings in a term's head, in its shard; a query reads only heads
/// unless they do not give enough results.
const HEAD: usize = 200;
/// Postings per tail file.
const TAIL: usize = 4000;
/// Result rows a shard holds per term: one screen of results.
const ROWS: usize = 10;
/// Terms found in fewer documents carry no rows: their few results come
/// from the catalog, and rows for the many one-document terms (ids,
/// numbers) would double the index.
const ROWS_MIN_DF: usize = 3;
/// The summary's length in a shard's rows: none, as rows are most of a
/// shard (the catalog keeps 160 characters, shown on further results).
const ROW_SUMMARY: usize = 0;
/// Encoded bytes above which a shard is split by a longer prefix.
const SHARD_LIMIT: usize = 12 * 1024;
/// Prefix length shards stop splitting at (ids like `2021-06-08-…` share
/// long prefixes). The client reads it from `meta.js`.
const MAX_PREFIX: usize = 8;

/// A term's data in its shard, encoded.
struct Entry {
    /// The JSON value.
    json: String,
    /// Documents whose rows go with the term.
    rows: Vec<u32>,
}

pub fn write(index: &SearchIndex) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let rows: Vec<String> = index.docs.iter().map(|d| row(d, ROW_SUMMARY).to_string()).collect();
    // Terms with tail files or a row file get an id, which names those files.
    let mut ids = 0usize;
    let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
    for (term, list) in &index.postings {
        let (entry, tail, more_rows) = text_entry(list, ids);
        for (p, piece) in tail.iter().enumerate() {
            files.push((format!("search/t-{ids}-{p}.js"), script("t", &json!(format!("{ids}-{p}")), &json!(piece))));
        }
        if !more_rows.is_empty() {
            let body: Vec<String> = more_rows.iter().map(|&d| format!("\"{d}\":{}", rows[d as usize])).collect();
            files
                .push((format!("search/r-{ids}.js"), format!("__rbs.r({ids},{{{}}});\n", body.join(",")).into_bytes()));
        }
        ids += usize::from(!tail.is_empty() || !more_rows.is_empty());
        entries.insert(term.clone(), entry);
    }
    for (kind, _, _) in FACETS {
        let mut merged: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for (value, docs) in index.facets.get(kind).into_iter().flatten() {
            let term = facet_term(kind, value).expect("a known facet kind");
            merged.entry(term).or_default().extend(docs);
        }
        for (term, mut docs) in merged {
            docs.sort_unstable();
            docs.dedup();
            let json = json!([docs.len(), bitmap(&docs)]).to_string();
            entries.insert(term, Entry { json, rows: Vec::new() });
        }
    }
    let size = |t: &str| {
        let e = &entries[t];
        t.len() + e.json.len() + 6 + e.rows.iter().map(|&d| rows[d as usize].len() + 8).sum::<usize>()
    };
    let keys: Vec<&str> = entries.keys().map(String::as_str).collect();
    let mut shards = BTreeMap::new();
    split_shards(&keys, 2, &size, &mut shards);
    for (key, terms) in &shards {
        files.push((format!("search/s-{key}.js"), shard(key, terms, &entries, &rows)));
    }
    for (n, chunk) in index.docs.chunks(CHUNK).enumerate() {
        let chunk: Vec<Value> = chunk.iter().map(|d| row(d, usize::MAX)).collect();
        files.push((format!("search/d-{n}.js"), script("d", &json!(n), &json!(chunk))));
    }
    // Shard keys of one or two characters are listed in meta.js; longer
    // ones in a directory per two-character prefix, `k-<prefix>.js`, read
    // only by queries with a word under that prefix.
    let mut dirs: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for key in shards.keys().filter(|k| k.len() > 2) {
        dirs.entry(key[..2].to_string()).or_default().push(key);
    }
    for (dir, keys) in &dirs {
        files.push((format!("search/k-{dir}.js"), script("k", &json!(dir), &json!(front_coded(keys.iter().copied())))));
    }
    let facet_values: serde_json::Map<String, Value> =
        index.facets.iter().map(|(k, v)| (k.to_string(), json!(v.keys().collect::<Vec<_>>()))).collect();
    let meta = json!({
        "n": index.docs.len(),
        "chunk": CHUNK,
        "prefix": MAX_PREFIX,
        "shards": front_coded(shards.keys().map(String::as_str).filter(|k| k.len() <= 2)),
        "dirs": dirs.keys().collect::<Vec<_>>(),
        "facets": facet_values,
        "codes": FACETS.iter().map(|(k, c, how)| json!([k, c, format!("{how:?}")])).collect::<Vec<_>>(),
        "levels": super::LEVELS,
        "keyTier": super::KEY_TIER,
        "tierScore": super::TIER_SCORE,
    });
    files.push(("search/meta.js".into(), format!("__rbs.m({meta});\n").into_bytes()));
    files
}

/// A catalog row: title, URL, date, severity, status, services, open
/// action items and the summary cut to `summary` characters.
fn row(d: &Doc, summary: usize) -> Value {
    let text = match summary {
        0 => String::new(),
        usize::MAX => d.summary.clone(),
        max => super::truncate(&d.summary, max),
    };
    json!([d.title, d.url, d.date, d.severity, d.status, d.services.join(" "), d.open, text])
}

/// A text term's entry (`[df, head]`, or `[df, head, id, tail files, row
/// file]`), its tail pieces and the documents of its row file. Postings go
/// best first: by weight, then document. The shard holds the rows of the
/// best ROWS documents; the row file those of the rest of the head, read
/// when a query of several words ranks them first (its results from heads
/// are in every word's head, so one word's row file shows them all).
fn text_entry(list: &[Posting], id: usize) -> (Entry, Vec<String>, Vec<u32>) {
    let mut ranked = list.to_vec();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let head = &ranked[..ranked.len().min(HEAD)];
    let pieces: Vec<String> = ranked[head.len()..].chunks(TAIL).map(encode_impact).collect();
    let with_rows = list.len() >= ROWS_MIN_DF;
    let more_rows: Vec<u32> = if with_rows { head.iter().skip(ROWS).map(|p| p.0).collect() } else { Vec::new() };
    let json = if pieces.is_empty() && more_rows.is_empty() {
        json!([list.len(), encode_impact(head)])
    } else {
        json!([list.len(), encode_impact(head), id, pieces.len(), usize::from(!more_rows.is_empty())])
    };
    let rows = if with_rows { head.iter().take(ROWS).map(|p| p.0).collect() } else { Vec::new() };
    (Entry { json: json.to_string(), rows }, pieces, more_rows)
}

/// One shard: `{"t": {term: entry}, "r": {doc: row}}`.
fn shard(key: &str, terms: &[&str], entries: &BTreeMap<String, Entry>, rows: &[String]) -> Vec<u8> {
    let mut out = format!("__rbs.s({},{{\"t\":{{", json!(key));
    let mut docs: Vec<u32> = Vec::new();
    for (i, t) in terms.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let e = &entries[*t];
        out.push_str(&format!("{}:{}", json!(t), e.json));
        docs.extend(&e.rows);
    }
    docs.sort_unstable();
    docs.dedup();
    out.push_str("},\"r\":{");
    for (i, d) in docs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!("\"{d}\":{}", rows[*d as usize]));
    }
    out.push_str("}});\n");
    out.into_bytes()
}

/// Group `terms` (sorted) by their first `len` characters; a group whose
/// size exceeds the limit is split by one more character, its terms of
/// exactly `len` characters staying under the shorter key.
fn split_shards<'t>(
    terms: &[&'t str],
    len: usize,
    size: &dyn Fn(&str) -> usize,
    out: &mut BTreeMap<String, Vec<&'t str>>,
) {
    let mut groups: BTreeMap<String, Vec<&'t str>> = BTreeMap::new();
    for &t in terms {
        groups.entry(prefix(t, len)).or_default().push(t);
    }
    for (key, group) in groups {
        let total: usize = group.iter().map(|t| size(t)).sum();
        if total <= SHARD_LIMIT || len >= MAX_PREFIX || group.len() == 1 {
            out.entry(key).or_default().extend(group);
            continue;
        }
        let (short, long): (Vec<&str>, Vec<&str>) = group.iter().partition(|t| t.chars().count() <= len);
        if !short.is_empty() {
            out.insert(key, short);
        }
        split_shards(&long, len + 1, size, out);
    }
}

/// A shard key: the term's first `len` characters, made safe for a file
/// name (characters outside `[a-z0-9]` become `_`).
pub fn prefix(term: &str, len: usize) -> String {
    term.chars().take(len).map(|c| if c.is_ascii_lowercase() || c.is_ascii_digit() { c } else { '_' }).collect()
}

/// Sorted keys, each as the length it shares with the one before (one
/// digit) and the rest: `ab abc abd` is `0ab 2c 2d`. Keys are short and
/// many; this halves `meta.js`.
fn front_coded<'k>(keys: impl Iterator<Item = &'k str>) -> String {
    let mut out = String::new();
    let mut last = "";
    for key in keys {
        let shared = last.bytes().zip(key.bytes()).take_while(|(a, b)| a == b).count().min(9);
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&shared.to_string());
        out.push_str(&key[shared..]);
        last = key;
    }
    out
}

fn script(kind: &str, key: &Value, data: &Value) -> Vec<u8> {
    format!("__rbs.{kind}({key},{data});\n").into_bytes()
}

/// Append `n` in base 36 (lowercase digits).
fn push_base36(out: &mut String, mut n: u32) {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut digits = [0u8; 8];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = DIGITS[(n % 36) as usize];
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&digits[at..]).expect("ASCII digits"));
}

/// Postings in impact order as groups of one weight, `;`-separated: the
/// weight as one base-36 digit, then the group's document ids as gaps in
/// base 36, comma-separated (`z0,3;k2` is doc 0 and 3 at z, doc 2 at k).
fn encode_impact(list: &[Posting]) -> String {
    let mut out = String::with_capacity(list.len() * 3);
    let mut last: Option<(u8, u32)> = None;
    for &(doc, w) in list {
        match last {
            Some((lw, ld)) if lw == w => {
                out.push(',');
                push_base36(&mut out, doc - ld);
            }
            _ => {
                if last.is_some() {
                    out.push(';');
                }
                push_base36(&mut out, w as u32);
                push_base36(&mut out, doc);
            }
        }
        last = Some((w, doc));
    }
    out
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

    #[test]
    fn postings_encode_by_impact_then_gaps() {
        assert_eq!(encode_impact(&[(3, 35), (40, 35), (0, 5), (2, 5), (1, 1)]), "z3,11;50,2;11");
        assert_eq!(encode_impact(&[]), "");
        assert_eq!(bitmap(&[0, 2, 5, 11]), "512");
        assert_eq!(bitmap(&[]), "");
    }

    #[test]
    fn heads_keep_the_best_postings_and_tails_the_rest() {
        let list: Vec<Posting> = (0..(HEAD + TAIL + 5) as u32).map(|d| (d, if d % 7 == 0 { 20 } else { 3 })).collect();
        let (entry, tail, more) = text_entry(&list, 4);
        assert_eq!(tail.len(), 2);
        let value: Value = serde_json::from_str(&entry.json).unwrap();
        assert_eq!(value[0], list.len());
        assert!(value[1].as_str().unwrap().starts_with("k0,7,7"), "the weight-20 group first");
        assert_eq!(value.as_array().unwrap()[2..], [json!(4), json!(2), json!(1)]);
        assert_eq!(entry.rows, [0, 7, 14, 21, 28, 35, 42, 49, 56, 63]);
        assert_eq!(more.len(), HEAD - ROWS);
        let (short, none, no_rows) = text_entry(&list[..2], 0);
        assert!(none.is_empty() && short.rows.is_empty() && no_rows.is_empty(), "a rare term's rows: the catalog");
    }

    #[test]
    fn big_groups_split_by_longer_prefixes() {
        let terms = ["ca", "cab", "cac", "cache", "cat", "do"];
        let size = |t: &str| if t.starts_with("ca") { SHARD_LIMIT / 3 } else { 10 };
        let mut out = BTreeMap::new();
        split_shards(&terms, 2, &size, &mut out);
        let keys: Vec<&String> = out.keys().collect();
        assert_eq!(keys, ["ca", "cab", "cac", "cat", "do"]);
        assert_eq!(out["ca"], ["ca"]);
        assert_eq!(out["cac"], ["cac", "cache"]);
    }

    #[test]
    fn shard_keys_are_front_coded() {
        assert_eq!(front_coded(["ab", "abc", "abd", "b_1"].into_iter()), "0ab 2c 2d 0b_1");
    }
}
