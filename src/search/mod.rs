//! The site's search index, built with the site and read by the browser
//! without a server: every file is a `<script>` that hands its data to the
//! client (`search.js`), because `fetch` and WebAssembly do not work from
//! `file://`.
//!
//! Files under `search/`:
//! - `meta.js`: the number of documents, the shard keys, the facet values;
//! - `s-<prefix>.js`: the shards of the inverted index, by term prefix (two
//!   characters, split to longer prefixes where a shard would be large), each
//!   term with its postings: document id deltas and a BM25 weight;
//! - `d-<n>.js`: the document catalog in chunks of 25 (title, URL, date,
//!   severity, status, services, open action items, summary);
//! - `f-<facet>.js`: document lists per facet value, loaded when used.
//!
//! A posting's weight is its BM25F term weight (field boosts, saturation
//! and length normalisation) quantized to one base-36 digit, so a query
//! needs only the shards of its terms: the score is idf × weight.

pub mod tokenize;

use crate::config::Config;
use crate::model::Retro;
use chrono::NaiveDate;
use rayon::prelude::*;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};

/// Terms are hashed millions of times per build; a fast non-DoS-resistant
/// hash is right for text we index ourselves.
type FxMap<K, V> = foldhash::HashMap<K, V>;

const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Documents per catalog chunk: small, since showing ten results may need
/// ten chunks.
pub const CHUNK: usize = 25;
/// Encoded bytes above which a shard is split by a longer prefix.
const SHARD_LIMIT: usize = 16 * 1024;
/// Prefix length shards stop splitting at (ids like `2021-06-08-…` share
/// long prefixes). The client reads it from `meta.js`.
const MAX_PREFIX: usize = 8;

/// Field boosts: where a word appears says how much it describes the retro.
const TITLE: u32 = 6;
const KEYS: u32 = 4;
const SUMMARY: u32 = 3;
const DETAIL: u32 = 2;
const BODY: u32 = 1;

/// A search result as the catalog describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    pub title: String,
    pub url: String,
    pub date: String,
    pub severity: String,
    pub status: String,
    pub services: Vec<String>,
    pub open: usize,
    pub summary: String,
}

pub struct SearchIndex {
    pub docs: Vec<Doc>,
    /// Term to (document, quantized weight), by document.
    postings: BTreeMap<String, Vec<(u32, u8)>>,
    /// Facet kind to value to documents.
    facets: BTreeMap<&'static str, BTreeMap<String, Vec<u32>>>,
}

impl SearchIndex {
    /// Index `retros` in `order` (document ids follow it: newest first).
    /// People and teams are found by handle and by their roster name.
    pub fn build(retros: &[Retro], order: &[usize], today: NaiveDate, config: &Config) -> SearchIndex {
        let names: HashMap<&str, &str> = config
            .people
            .iter()
            .filter_map(|(k, p)| p.name.as_deref().map(|n| (k.as_str(), n)))
            .chain(config.teams.iter().filter_map(|(k, t)| t.name.as_deref().map(|n| (k.as_str(), n))))
            .collect();
        // Retros are tokenized in parallel a slice at a time and merged
        // into the postings as they come, so the per-document term tables
        // of a large corpus never all exist at once. Weights are quantized
        // at the end, when the average document length is known.
        let mut raw: FxMap<String, Vec<(u32, u32)>> = FxMap::default();
        let mut lens: Vec<u32> = Vec::with_capacity(order.len());
        let mut facets: BTreeMap<&'static str, BTreeMap<String, Vec<u32>>> = BTreeMap::new();
        let mut docs = Vec::with_capacity(order.len());
        for slice in order.chunks(512) {
            let indexed: Vec<(Doc, TermCounts, u32)> =
                slice.par_iter().map(|&i| index_retro(&retros[i], today, &names)).collect();
            for (doc, tf, len) in indexed {
                let id = docs.len() as u32;
                for (term, weighted) in tf.iter() {
                    match raw.get_mut(term) {
                        Some(list) => list.push((id, weighted)),
                        None => {
                            raw.insert(term.to_string(), vec![(id, weighted)]);
                        }
                    }
                }
                lens.push(len);
                Self::add_facets(&mut facets, &retros[order[id as usize]], &doc, id);
                docs.push(doc);
            }
        }
        let total: u64 = lens.iter().map(|&len| len as u64).sum();
        let avg = (total as f64 / lens.len().max(1) as f64).max(1.0);
        // Postings were pushed in document order: already sorted.
        let postings: BTreeMap<String, Vec<(u32, u8)>> = raw
            .into_iter()
            .map(|(term, list)| {
                let list = list.iter().map(|&(d, w)| (d, quantize(w as f64, lens[d as usize] as f64, avg))).collect();
                (term, list)
            })
            .collect();
        for values in facets.values_mut() {
            values.remove("");
        }
        SearchIndex { docs, postings, facets }
    }

    fn add_facets(facets: &mut BTreeMap<&'static str, BTreeMap<String, Vec<u32>>>, r: &Retro, doc: &Doc, id: u32) {
        let mut add = |kind: &'static str, value: &str| {
            let list = facets.entry(kind).or_default().entry(value.to_string()).or_default();
            if list.last() != Some(&id) {
                list.push(id);
            }
        };
        add("severity", &doc.severity);
        add("status", &doc.status);
        add("year", doc.date.get(..4).unwrap_or(""));
        r.services.iter().for_each(|s| add("service", &s.value));
        r.tags.iter().for_each(|s| add("tag", &s.value));
    }

    /// The ranked documents for a query, as the client ranks them: every
    /// term required (the last one as a prefix, while typing), falling back
    /// to any term; facets (kind, value) narrow the results.
    pub fn query(&self, query: &str, facets: &[(&str, &str)], prefix_last: bool) -> Vec<u32> {
        let terms = tokenize::query_terms(query);
        let n = self.docs.len() as f64;
        let idf = |df: usize| (1.0 + (n - df as f64 + 0.5) / (df as f64 + 0.5)).ln();
        let mut per_term: Vec<HashMap<u32, f64>> = Vec::new();
        for (i, term) in terms.iter().enumerate() {
            let expand = prefix_last && i + 1 == terms.len() && term.chars().count() >= 2;
            let mut scores: HashMap<u32, f64> = HashMap::new();
            let matching: Vec<(&String, &Vec<(u32, u8)>)> = if expand {
                self.postings.range(term.clone()..).take_while(|(t, _)| t.starts_with(term.as_str())).collect()
            } else {
                self.postings.get_key_value(term).into_iter().collect()
            };
            for (_, list) in matching {
                let w_idf = idf(list.len());
                for &(doc, w) in list {
                    let score = w_idf * w as f64;
                    let entry = scores.entry(doc).or_insert(0.0);
                    *entry = entry.max(score);
                }
            }
            per_term.push(scores);
        }
        let allowed = |doc: u32| {
            facets.iter().all(|(kind, value)| {
                self.facets.get(kind).and_then(|v| v.get(*value)).is_some_and(|docs| docs.binary_search(&doc).is_ok())
            })
        };
        let mut results: Vec<(u32, f64)> = if per_term.is_empty() {
            (0..self.docs.len() as u32).filter(|&d| !facets.is_empty() && allowed(d)).map(|d| (d, 0.0)).collect()
        } else {
            let all: Vec<(u32, f64)> = per_term[0]
                .keys()
                .filter(|d| per_term.iter().all(|t| t.contains_key(d)))
                .map(|&d| (d, per_term.iter().map(|t| t[&d]).sum()))
                .filter(|&(d, _)| allowed(d))
                .collect();
            if all.is_empty() {
                let mut any: HashMap<u32, f64> = HashMap::new();
                for t in &per_term {
                    for (&d, &s) in t {
                        *any.entry(d).or_insert(0.0) += s;
                    }
                }
                any.into_iter().filter(|&(d, _)| allowed(d)).collect()
            } else {
                all
            }
        };
        results.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        results.into_iter().map(|(d, _)| d).collect()
    }

    /// The files of the index, by path under the site root.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let mut files = Vec::new();
        let shards = self.shards();
        for (key, terms) in &shards {
            let body: serde_json::Map<String, serde_json::Value> =
                terms.iter().map(|t| (t.to_string(), json!(encode_postings(&self.postings[*t])))).collect();
            files.push((format!("search/s-{key}.js"), script("s", &json!(key), &serde_json::Value::Object(body))));
        }
        for (n, chunk) in self.docs.chunks(CHUNK).enumerate() {
            let rows: Vec<serde_json::Value> = chunk
                .iter()
                .map(|d| json!([d.title, d.url, d.date, d.severity, d.status, d.services.join(" "), d.open, d.summary]))
                .collect();
            files.push((format!("search/d-{n}.js"), script("d", &json!(n), &json!(rows))));
        }
        for (kind, values) in &self.facets {
            let body: serde_json::Map<String, serde_json::Value> =
                values.iter().map(|(v, docs)| (v.clone(), json!(encode_docs(docs)))).collect();
            files.push((format!("search/f-{kind}.js"), script("f", &json!(kind), &serde_json::Value::Object(body))));
        }
        let facet_values: serde_json::Map<String, serde_json::Value> =
            self.facets.iter().map(|(k, v)| (k.to_string(), json!(v.keys().collect::<Vec<_>>()))).collect();
        let meta = json!({
            "n": self.docs.len(),
            "chunk": CHUNK,
            "prefix": MAX_PREFIX,
            "shards": shards.keys().collect::<Vec<_>>(),
            "facets": facet_values,
        });
        files.push(("search/meta.js".into(), format!("__rbs.m({meta});\n").into_bytes()));
        files
    }

    /// Terms grouped into shards by prefix, split where large.
    fn shards(&self) -> BTreeMap<String, Vec<&str>> {
        let mut shards = BTreeMap::new();
        let terms: Vec<&str> = self.postings.keys().map(String::as_str).collect();
        split_shards(&terms, 2, &|t| self.postings[t].len() * 4 + t.len() + 6, &mut shards);
        shards
    }
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
            out.insert(key, group);
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

fn script(kind: &str, key: &serde_json::Value, data: &serde_json::Value) -> Vec<u8> {
    format!("__rbs.{kind}({key},{data});\n").into_bytes()
}

#[cfg(test)]
fn base36(n: u32) -> String {
    let mut out = String::new();
    push_base36(&mut out, n);
    out
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

/// `delta weight` pairs: the document id gap in base 36, then the weight as
/// one base-36 digit; comma-separated.
fn encode_postings(list: &[(u32, u8)]) -> String {
    let mut out = String::with_capacity(list.len() * 4);
    let mut last = 0;
    for (i, &(doc, w)) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_base36(&mut out, doc - last);
        push_base36(&mut out, w as u32);
        last = doc;
    }
    out
}

fn encode_docs(list: &[u32]) -> String {
    let mut out = String::with_capacity(list.len() * 3);
    let mut last = 0;
    for (i, &d) in list.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_base36(&mut out, d - last);
        last = d;
    }
    out
}

/// BM25's saturated, length-normalised term weight, as 1..=35.
fn quantize(weighted_tf: f64, len: f64, avg: f64) -> u8 {
    let w = weighted_tf * (K1 + 1.0) / (weighted_tf + K1 * (1.0 - B + B * len / avg));
    ((w / (K1 + 1.0) * 35.0).round() as u8).clamp(1, 35)
}

/// One retro's weighted term frequencies. The terms are kept in one
/// buffer and the table holds (start, length, weight): indexing a retro
/// allocates a few times, not once per distinct term.
#[derive(Default)]
struct TermCounts {
    text: String,
    table: hashbrown::HashTable<(u32, u32, u32)>,
    hasher: foldhash::fast::FixedState,
}

impl TermCounts {
    fn add(&mut self, term: &str, weight: u32) {
        use std::hash::BuildHasher;
        let TermCounts { text, table, hasher } = self;
        let hash = hasher.hash_one(term);
        let at = |text: &str, (start, len): (u32, u32)| &text[start as usize..(start + len) as usize] == term;
        if let Some(entry) = table.find_mut(hash, |&(s, l, _)| at(text, (s, l))) {
            entry.2 += weight;
            return;
        }
        let start = text.len() as u32;
        text.push_str(term);
        let text = &*text;
        table.insert_unique(hash, (start, term.len() as u32, weight), |&(s, l, _)| {
            hasher.hash_one(&text[s as usize..(s + l) as usize])
        });
    }

    fn iter(&self) -> impl Iterator<Item = (&str, u32)> {
        self.table.iter().map(|&(s, l, w)| (&self.text[s as usize..(s + l) as usize], w))
    }
}

/// One retro's catalog entry, weighted term frequencies and length.
fn index_retro(r: &Retro, today: NaiveDate, names: &HashMap<&str, &str>) -> (Doc, TermCounts, u32) {
    let mut tf = TermCounts::default();
    let mut len = 0u32;
    let mut add = |text: &str, boost: u32| {
        tokenize::for_each_term(text, |t| {
            tf.add(t, boost);
            len += boost;
        });
    };
    add(r.title_text(), TITLE);
    let keys = [&r.id]
        .into_iter()
        .chain(&r.services)
        .chain(&r.teams)
        .chain(&r.tags)
        .chain(&r.authors)
        .chain(&r.attendees)
        .chain(&r.facilitator)
        .chain(&r.reviewers);
    for key in keys {
        add(&key.value, KEYS);
        names.get(key.value.as_str()).into_iter().for_each(|n| add(n, KEYS));
    }
    for item in r.actions() {
        add(&item.id.value, KEYS);
        if let Some(owner) = &item.owner {
            add(&owner.value, KEYS);
            names.get(owner.value.as_str()).into_iter().for_each(|n| add(n, KEYS));
        }
        add(&item.title.value, DETAIL);
        item.link.iter().for_each(|l| add(&l.value, DETAIL));
    }
    r.summary.iter().chain(&r.impact).for_each(|s| add(&s.value, SUMMARY));
    for f in &r.factors {
        add(&f.description.value, DETAIL);
        add(&f.id.value, DETAIL);
        f.category.iter().for_each(|c| add(&c.value, DETAIL));
    }
    r.timeline.iter().for_each(|t| add(&t.event.value, BODY));
    for link in &r.links {
        add(&link.title, DETAIL);
        add(&link.url.value, BODY);
    }
    for_each_text(r.markdown(), |text| add(text, BODY));

    let summary = r.summary.as_ref().map(|s| truncate(&plain_text(&s.value), 160)).unwrap_or_default();
    let doc = Doc {
        title: r.title_text().to_string(),
        url: crate::render::markdown::retro_url(&r.id.value),
        date: r.started_at.as_ref().map(|s| s.value.date().format("%Y-%m-%d").to_string()).unwrap_or_default(),
        severity: r.severity.as_ref().map(|s| s.value.clone()).unwrap_or_default(),
        status: r.status.as_ref().map(|s| s.value.to_string()).unwrap_or_default(),
        services: r.services.iter().map(|s| s.value.clone()).collect(),
        open: r
            .actions()
            .iter()
            .filter(|a| a.status.as_ref().is_some_and(|s| s.value.is_pending()) || a.is_overdue(today))
            .count(),
        summary,
    };
    (doc, tf, len)
}

/// The text of Markdown, without markup: what a reader reads.
pub fn plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    for_each_text(markdown, |t| {
        for word in t.split_whitespace() {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(word);
        }
    });
    text
}

/// Call `f` with each run of text of `markdown` (text and code spans, in
/// order). Runs are separate words: markup between them is a break.
fn for_each_text(markdown: &str, mut f: impl FnMut(&str)) {
    use pulldown_cmark::{Event, Parser};
    for event in Parser::new_ext(markdown, crate::load::markdown::options()) {
        if let Event::Text(t) | Event::Code(t) = event {
            f(&t);
        }
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    match cut.rfind(' ') {
        Some(i) => format!("{}…", &cut[..i]),
        None => format!("{cut}…"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postings_encode_gaps_and_weights() {
        assert_eq!(encode_postings(&[(0, 5), (3, 35), (40, 1)]), "05,3z,111");
        assert_eq!(encode_docs(&[2, 3, 50]), "2,1,1b");
        assert_eq!(base36(0), "0");
        assert_eq!(base36(36), "10");
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
    fn quantized_weights_saturate_and_normalise_length() {
        assert!(quantize(1.0, 100.0, 100.0) < quantize(10.0, 100.0, 100.0));
        assert!(quantize(5.0, 1000.0, 100.0) < quantize(5.0, 50.0, 100.0));
        assert!(quantize(1000.0, 100.0, 100.0) <= 35);
        assert!(quantize(0.01, 1e6, 1.0) >= 1);
    }

    #[test]
    fn plain_text_drops_markup() {
        assert_eq!(
            plain_text("## Title\n\nSome *bold* `code` and [a link](x.md)."),
            "Title Some bold code and a link ."
        );
        assert_eq!(truncate("one two three", 8), "one two…");
    }
}
