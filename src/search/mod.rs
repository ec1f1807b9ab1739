//! The site's search index, built with the site and read by the browser
//! without a server: every file is a `<script>` that hands its data to the
//! client (`search.js`), because `fetch` and WebAssembly do not work from
//! `file://`. The files are written by `files.rs`.
//!
//! Ranking: every posting carries the best field its term appears in (its
//! tier: title, then keys such as services, tags, ids and people, then the
//! summary and details, then the body) and a BM25F weight. A query's score
//! for a document adds, per query word, `tier × 1000 + idf × weight`: a
//! title match outranks any number of body mentions, and BM25F orders
//! documents within a tier. Severity and status words in a query are facets
//! (`SEV1 dns` keeps SEV1 retros only); a service or tag word only matches
//! documents where it is a key or in the title.

mod files;
pub mod tokenize;

use crate::config::Config;
use crate::model::Retro;
use chrono::NaiveDate;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// Terms are hashed millions of times per build; a fast non-DoS-resistant
/// hash is right for text we index ourselves.
type FxMap<K, V> = foldhash::HashMap<K, V>;

const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Fields: their BM25F boost (where a word appears says how much it
/// describes the retro) and their tier (a match in a higher tier always
/// ranks first).
const TITLE: Field = Field { boost: 6, tier: 3 };
const KEYS: Field = Field { boost: 4, tier: KEY_TIER };
const SUMMARY: Field = Field { boost: 3, tier: 1 };
const DETAIL: Field = Field { boost: 2, tier: 1 };
const BODY: Field = Field { boost: 1, tier: 0 };

/// Where in a retro a word appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Field {
    /// What an appearance adds to the word's BM25F frequency.
    boost: u32,
    tier: u8,
}
/// The tier of keys: services, tags, ids, people.
const KEY_TIER: u8 = 2;
/// A posting's weight is `tier × LEVELS + level`, the level being the
/// quantized BM25F weight (1..LEVELS): one base-36 digit in the files.
const LEVELS: u8 = 9;
/// What a tier adds to a score: more than any BM25F part of a query.
const TIER_SCORE: f64 = 1000.0;

/// Facet kinds, their one-letter codes in facet terms (`=v:sev1`), and
/// whether a query word naming one of their values is a filter (severity,
/// status) or a word that must be a key of the document (service, tag).
pub const FACETS: &[(&str, char, FacetWord)] = &[
    ("severity", 'v', FacetWord::Filter),
    ("status", 'u', FacetWord::Filter),
    ("service", 's', FacetWord::Key),
    ("tag", 't', FacetWord::Key),
    ("year", 'y', FacetWord::Text),
];

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FacetWord {
    Filter,
    Key,
    Text,
}

/// The term under which a facet value's documents are stored: `=` cannot
/// start a word of text, so facet terms never meet text terms.
pub fn facet_term(kind: &str, value: &str) -> Option<String> {
    let code = FACETS.iter().find(|(k, _, _)| *k == kind)?.1;
    Some(format!("={code}:{}", value.to_lowercase()))
}

/// A search result as the catalog describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc {
    pub title: String,
    /// The retro's id, which names its page (`retro_url`; the client
    /// makes the URL the same way).
    pub id: String,
    pub date: String,
    pub severity: String,
    pub status: String,
    pub services: Vec<String>,
    pub open: usize,
    pub summary: String,
}

/// One posting: a document and its weight (`tier × LEVELS + level`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Posting {
    pub(crate) doc: u32,
    pub(crate) weight: u8,
}

// As small as a `(u32, u8)`: a common term's list holds a posting per retro.
const _: () = assert!(std::mem::size_of::<Posting>() == 8);

#[derive(Clone)]
pub struct SearchIndex {
    pub docs: Vec<Doc>,
    /// Every term, in order, with its postings as gathered (a few bytes
    /// each: on a big repo they are most of the index's memory); their
    /// weights are quantized as they are read (`quantized`).
    terms: Vec<(String, RawPostings)>,
    /// Each document's length and the average, which the weights need.
    lens: Vec<u32>,
    avg: f64,
    /// Facet kind to value to documents.
    facets: BTreeMap<&'static str, BTreeMap<String, Vec<u32>>>,
}

/// A query word as the evaluator uses it.
struct Word {
    term: String,
    /// The last word while typing: every term it starts also matches.
    prefix: bool,
    /// A service or tag name: it matches as a key or in a title only.
    key_only: bool,
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
        // as each term is read (written or queried), once the average
        // document length is known. A raw posting's weighted frequency is
        // capped at 16 bits (`RawPostings` keeps it as a varint): BM25 has
        // saturated long before the cap, unless a retro is thousands of
        // times longer than the average.
        let mut raw: FxMap<String, RawPostings> = FxMap::default();
        let mut lens: Vec<u32> = Vec::with_capacity(order.len());
        let mut facets: BTreeMap<&'static str, BTreeMap<String, Vec<u32>>> = BTreeMap::new();
        let mut docs = Vec::with_capacity(order.len());
        for slice in order.chunks(512) {
            let indexed: Vec<(Doc, TermCounts, u32)> =
                slice.par_iter().map(|&i| index_retro(&retros[i], today, &names)).collect();
            for (doc, tf, len) in indexed {
                let id = docs.len() as u32;
                for (term, weighted, tier) in tf.iter() {
                    let weighted = weighted.min(u16::MAX.into()) as u16;
                    match raw.get_mut(term) {
                        Some(list) => list.push(id, weighted, tier),
                        None => {
                            let mut list = RawPostings::default();
                            list.push(id, weighted, tier);
                            raw.insert(term.to_string(), list);
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
        let mut terms: Vec<(String, RawPostings)> = raw.into_iter().collect();
        terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for values in facets.values_mut() {
            values.remove("");
        }
        SearchIndex { docs, terms, lens, avg, facets }
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

    /// The documents of a facet term (`=v:sev1`), by id; none if unknown.
    fn facet_docs(&self, term: &str) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        for (kind, code, _) in FACETS {
            let Some(value) = term.strip_prefix(&format!("={code}:")) else { continue };
            for (v, docs) in self.facets.get(kind).into_iter().flatten() {
                if v.to_lowercase() == value {
                    out.extend(docs);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// How a query word that names a facet value acts, if it names one.
    fn facet_word(&self, word: &str) -> Option<(&'static str, FacetWord)> {
        FACETS.iter().filter(|(_, _, how)| *how != FacetWord::Text).find_map(|&(kind, _, how)| {
            let values = self.facets.get(kind)?;
            values.keys().any(|v| v.to_lowercase() == word).then_some((kind, how))
        })
    }

    /// The query's words and its filters (facet terms).
    fn plan(&self, query: &str, facets: &[(&str, &str)], prefix_last: bool) -> (Vec<Word>, Vec<String>) {
        let terms = tokenize::query_terms(query);
        let mut words = Vec::new();
        let mut filters: Vec<String> = facets.iter().filter_map(|(k, v)| facet_term(k, v)).collect();
        for (i, term) in terms.iter().enumerate() {
            match self.facet_word(term) {
                Some((kind, FacetWord::Filter)) => filters.extend(facet_term(kind, term)),
                // A whole service or tag name is that key, not a prefix.
                how => words.push(Word {
                    prefix: prefix_last && i + 1 == terms.len() && term.chars().count() >= 2 && how.is_none(),
                    key_only: how.is_some(),
                    term: term.clone(),
                }),
            }
        }
        (words, filters)
    }

    /// A word's score per document: the best of the terms it matches.
    fn word_scores(&self, word: &Word) -> HashMap<u32, f64> {
        let n = self.docs.len() as f64;
        let t = word.term.as_str();
        let start = self.terms.partition_point(|(k, _)| k.as_str() < t);
        let matching =
            self.terms[start..].iter().take_while(|(k, _)| if word.prefix { k.starts_with(t) } else { k == t });
        let mut scores: HashMap<u32, f64> = HashMap::new();
        for (term, raw) in matching {
            let list = quantized(raw, &self.lens, self.avg);
            let key_only = word.key_only && *term == word.term;
            let idf = idf(n, list.len());
            for &Posting { doc, weight } in &list {
                if key_only && weight / LEVELS < KEY_TIER {
                    continue;
                }
                let entry = scores.entry(doc).or_insert(0.0);
                *entry = entry.max(score(weight, idf));
            }
        }
        scores
    }

    /// The ranked documents for a query, as the client ranks them: every
    /// word required (the last one as a prefix, while typing), falling back
    /// to any word; facets (kind, value) and facet words narrow the results.
    pub fn query(&self, query: &str, facets: &[(&str, &str)], prefix_last: bool) -> Vec<u32> {
        let (words, filters) = self.plan(query, facets, prefix_last);
        let filter_docs: Vec<Vec<u32>> = filters.iter().map(|f| self.facet_docs(f)).collect();
        let allowed = |doc: u32| filter_docs.iter().all(|docs| docs.binary_search(&doc).is_ok());
        let per_word: Vec<HashMap<u32, f64>> = words.iter().map(|w| self.word_scores(w)).collect();
        let mut results: Vec<(u32, f64)> = if per_word.is_empty() {
            (0..self.docs.len() as u32).filter(|&d| !filters.is_empty() && allowed(d)).map(|d| (d, 0.0)).collect()
        } else {
            let all: Vec<(u32, f64)> = per_word[0]
                .keys()
                .filter(|d| per_word.iter().all(|t| t.contains_key(d)))
                .map(|&d| (d, per_word.iter().fold(0.0, |sum, t| sum + t[&d])))
                .filter(|&(d, _)| allowed(d))
                .collect();
            if all.is_empty() {
                let mut any: HashMap<u32, f64> = HashMap::new();
                for t in &per_word {
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

    /// The files of the index, by path under the site root, handed to
    /// `sink` one at a time (see `files::write`).
    pub fn write<E>(self, sink: &mut dyn FnMut(String, Vec<u8>) -> Result<(), E>) -> Result<(), E> {
        files::write(self, sink)
    }

    /// The files of the index, collected (a copy of the index is consumed).
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        self.clone().into_files()
    }

    /// The files of the index, collected.
    pub fn into_files(self) -> Vec<(String, Vec<u8>)> {
        let mut files = Vec::new();
        let collected: Result<(), std::convert::Infallible> = self.write(&mut |path, bytes| {
            files.push((path, bytes));
            Ok(())
        });
        let Ok(()) = collected;
        files
    }
}

/// BM25's inverse document frequency, as the client computes it.
fn idf(n: f64, df: usize) -> f64 {
    (1.0 + (n - df as f64 + 0.5) / (df as f64 + 0.5)).ln()
}

/// A posting's score for one query word, as the client computes it.
fn score(w: u8, idf: f64) -> f64 {
    (w / LEVELS) as f64 * TIER_SCORE + idf * (w % LEVELS) as f64
}

/// BM25's saturated, length-normalised term weight, as 1..LEVELS-1.
fn quantize(weighted_tf: f64, len: f64, avg: f64) -> u8 {
    let w = weighted_tf * (K1 + 1.0) / (weighted_tf + K1 * (1.0 - B + B * len / avg));
    let top = (LEVELS - 1) as f64;
    ((w / (K1 + 1.0) * top).round() as u8).clamp(1, LEVELS - 1)
}

/// A term's postings with their final weights, in document order.
fn quantized(raw: &RawPostings, lens: &[u32], avg: f64) -> Vec<Posting> {
    let weight = |d: u32, w: u16, tier: u8| tier * LEVELS + quantize(w as f64, lens[d as usize] as f64, avg);
    raw.iter().map(|(doc, w, tier)| Posting { doc, weight: weight(doc, w, tier) }).collect()
}

/// A term's postings as the index is built, in document order: each
/// the gap from the previous document, then the weighted frequency, as
/// LEB128 varints, then the tier byte. Three to four bytes a posting
/// rather than eight: the postings are most of the build's memory.
#[derive(Default, Clone)]
struct RawPostings {
    last: u32,
    bytes: Vec<u8>,
}

impl RawPostings {
    fn push(&mut self, doc: u32, weighted: u16, tier: u8) {
        fn varint(bytes: &mut Vec<u8>, mut n: u32) {
            while n >= 0x80 {
                bytes.push((n as u8) | 0x80);
                n >>= 7;
            }
            bytes.push(n as u8);
        }
        debug_assert!(self.bytes.is_empty() || doc > self.last, "postings come in document order");
        varint(&mut self.bytes, doc - self.last);
        varint(&mut self.bytes, weighted.into());
        self.bytes.push(tier);
        self.last = doc;
    }

    /// (document, weighted frequency, tier), in document order.
    fn iter(&self) -> impl Iterator<Item = (u32, u16, u8)> + '_ {
        let mut bytes = self.bytes.iter().copied();
        let mut doc = 0u32;
        std::iter::from_fn(move || {
            let mut varint = || {
                let (mut n, mut shift) = (0u32, 0);
                loop {
                    let b = bytes.next()?;
                    n |= u32::from(b & 0x7f) << shift;
                    if b < 0x80 {
                        return Some(n);
                    }
                    shift += 7;
                }
            };
            doc += varint()?;
            let weighted = varint()? as u16;
            Some((doc, weighted, bytes.next()?))
        })
    }
}

/// One retro's weighted term frequencies. The terms are kept in one
/// buffer and the table holds (start, length, weight, best tier): indexing
/// a retro allocates a few times, not once per distinct term.
#[derive(Default)]
struct TermCounts {
    text: String,
    table: hashbrown::HashTable<(u32, u32, u32, u8)>,
    hasher: foldhash::fast::FixedState,
}

impl TermCounts {
    fn add(&mut self, term: &str, Field { boost: weight, tier }: Field) {
        use std::hash::BuildHasher;
        let TermCounts { text, table, hasher } = self;
        let hash = hasher.hash_one(term);
        let at = |text: &str, (start, len): (u32, u32)| &text[start as usize..(start + len) as usize] == term;
        if let Some(entry) = table.find_mut(hash, |&(s, l, _, _)| at(text, (s, l))) {
            entry.2 += weight;
            entry.3 = entry.3.max(tier);
            return;
        }
        let start = text.len() as u32;
        text.push_str(term);
        let text = &*text;
        table.insert_unique(hash, (start, term.len() as u32, weight, tier), |&(s, l, _, _)| {
            hasher.hash_one(&text[s as usize..(s + l) as usize])
        });
    }

    fn iter(&self) -> impl Iterator<Item = (&str, u32, u8)> {
        self.table.iter().map(|&(s, l, w, t)| (&self.text[s as usize..(s + l) as usize], w, t))
    }
}

/// One retro's catalog entry, weighted term frequencies and length.
fn index_retro(r: &Retro, today: NaiveDate, names: &HashMap<&str, &str>) -> (Doc, TermCounts, u32) {
    let mut tf = TermCounts::default();
    let mut len = 0u32;
    // In a key, the parts of a compound (`dns` of the tag `dns-caching`) are
    // not the key: they rank as details, below a retro tagged `dns`.
    let mut compound = String::new();
    let mut add = |text: &str, field: Field| {
        compound.clear();
        tokenize::for_each_term(text, |t| {
            // The tokenizer's joiners are ASCII: a byte test per term, not
            // a char search.
            let whole = t.bytes().any(|b| tokenize::is_joiner(b as char));
            let part = !whole && field.tier == KEY_TIER && compound.split(tokenize::is_joiner).any(|p| p == t);
            if whole {
                compound.clear();
                compound.push_str(t);
            } else if !part {
                compound.clear();
            }
            tf.add(t, if part { Field { tier: DETAIL.tier, ..field } } else { field });
            len += field.boost;
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
        id: r.id.value.clone(),
        date: r.started_at.as_ref().map(|s| s.value.date().to_string()).unwrap_or_default(),
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

pub(crate) fn truncate(text: &str, max: usize) -> String {
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
    fn raw_postings_read_back_as_pushed() {
        // Gaps and weights across the varints' byte boundaries.
        let pushed = [(0, 1, 0), (1, 127, 3), (129, 128, 1), (16_513, 16_384, 7), (u32::MAX, u16::MAX, 255)];
        let mut raw = RawPostings::default();
        pushed.iter().for_each(|&(d, w, t)| raw.push(d, w, t));
        assert_eq!(raw.iter().collect::<Vec<_>>(), pushed);
        assert_eq!(RawPostings::default().iter().count(), 0);
    }

    #[test]
    fn quantized_weights_saturate_and_normalise_length() {
        assert!(quantize(1.0, 100.0, 100.0) < quantize(10.0, 100.0, 100.0));
        assert!(quantize(5.0, 2000.0, 100.0) < quantize(5.0, 50.0, 100.0));
        assert!(quantize(1000.0, 100.0, 100.0) < LEVELS);
        assert!(quantize(0.01, 1e6, 1.0) >= 1);
    }

    #[test]
    fn a_tier_outranks_any_weight_below_it() {
        let top_body = score(BODY.tier * LEVELS + LEVELS - 1, idf(1e6, 1));
        let weak_detail = score(DETAIL.tier * LEVELS + 1, idf(1e6, 1e6 as usize));
        assert!(weak_detail > top_body * 5.0, "{weak_detail} {top_body}");
        assert!(score(TITLE.tier * LEVELS + 1, 0.1) > score(KEYS.tier * LEVELS + LEVELS - 1, 12.0));
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
