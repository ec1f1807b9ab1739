//! The search index on this repository's example retros: the judged
//! relevance set (tests/fixtures/search/relevance.json, which the browser
//! test runs through search.js too), facets, and the files the browser loads.

mod common;

use retrobook::SearchIndex;
use std::path::Path;

struct Fixture {
    index: SearchIndex,
    ids: Vec<String>,
}

fn fixture() -> Fixture {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repo = retrobook::load_repo(root).unwrap();
    let mut order: Vec<usize> = (0..repo.retros.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(repo.retros[i].started_at.as_ref().map(|s| s.value.date())));
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let index = SearchIndex::build(&repo.retros, &order, today, &repo.config);
    let ids = order.iter().map(|&i| repo.retros[i].id.value.clone()).collect();
    Fixture { index, ids }
}

impl Fixture {
    fn top(&self, query: &str, facets: &[(&str, &str)], prefix: bool) -> Vec<&str> {
        self.index.query(query, facets, prefix).into_iter().map(|d| self.ids[d as usize].as_str()).collect()
    }
}

/// Every judged query's best result is in the top 3, and most at the top.
#[test]
fn the_judged_relevance_set_ranks_as_judged() {
    let f = fixture();
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/search/relevance.json"));
    let set: serde_json::Value = serde_json::from_str(&text.unwrap()).unwrap();
    let queries = set["queries"].as_array().unwrap();
    assert!(queries.len() >= 30, "a relevance set of at least 30 queries");
    let mut first = 0;
    let mut misses = Vec::new();
    for case in queries {
        let (q, best) = (case["q"].as_str().unwrap(), case["best"].as_str().unwrap());
        let docs = f.index.query(q, &[], true);
        let top: Vec<&str> = docs.iter().map(|&d| f.ids[d as usize].as_str()).collect();
        for (kind, value) in case["only"].as_object().into_iter().flatten() {
            for &d in &docs {
                let doc = &f.index.docs[d as usize];
                let got = if kind == "severity" { &doc.severity } else { &doc.status };
                assert_eq!(got, value, "{q}: {} is not {kind} {value}", f.ids[d as usize]);
            }
        }
        match top.iter().position(|id| id == &best) {
            Some(0) => first += 1,
            Some(1 | 2) => println!("relevance: {q}: {best} at rank 2 or 3 of {top:?}"),
            _ => misses.push(format!("{q}: {best} not in the top 3 of {top:?}")),
        }
    }
    assert!(misses.is_empty(), "{misses:#?}");
    let share = first as f64 / queries.len() as f64;
    let min = set["min_top1"].as_f64().unwrap();
    println!("relevance: {first} of {} judged queries at rank 1, all in the top 3", queries.len());
    assert!(share >= min, "{first} of {} at rank 1, fewer than {min}", queries.len());
}

#[test]
fn expected_top_results() {
    let f = fixture();
    let cases: &[(&str, &str)] = &[
        ("etcd", "2026-01-22-etcd-latency-control-plane"),
        ("coredns ndots", "inc-2291-dns-outage"),
        ("wal replication slot", "inc-2417-postgres-wal-disk-full"),
        ("INC-2298", "2025-03-02-redis-failover-checkout-latency"),
        ("webhook consumer lag", "2025-04-17-payments-webhook-consumer-lag"),
        ("intermediate certificate", "2025-12-03-auth-gateway-intermediate-cert-near-miss"),
    ];
    for (query, expected) in cases {
        let top = f.top(query, &[], false);
        assert_eq!(top.first().copied(), Some(*expected), "{query}: {top:?}");
    }
}

#[test]
fn hyphenated_keys_match_whole_and_in_parts() {
    let f = fixture();
    let whole = f.top("eu-west-1", &[], false);
    assert_eq!(whole.first().copied(), Some("2025-03-02-redis-failover-checkout-latency"), "{whole:?}");
    let part = f.top("west", &[], false);
    assert!(part.contains(&"2025-03-02-redis-failover-checkout-latency"), "{part:?}");
}

#[test]
fn the_last_word_is_a_prefix_while_typing() {
    let f = fixture();
    assert!(f.top("kafk", &[], false).is_empty(), "not a whole word");
    let typing = f.top("kafk", &[], true);
    assert!(typing.contains(&"2026-05-09-kafka-rolling-restart-isr-shrink"), "{typing:?}");
    let two = f.top("kafka rolli", &[], true);
    assert_eq!(two.first().copied(), Some("2026-05-09-kafka-rolling-restart-isr-shrink"), "{two:?}");
}

#[test]
fn people_by_handle_and_roster_name() {
    let f = fixture();
    let mut by_name = f.top("Haddad", &[], false);
    let mut by_handle = f.top("farah", &[], false);
    assert!(!by_name.is_empty());
    by_name.sort();
    by_handle.sort();
    assert_eq!(by_name, by_handle, "Farah Haddad is farah");
}

#[test]
fn all_words_first_then_any() {
    let f = fixture();
    let both = f.top("checkout redis", &[], false);
    let checkout = f.top("checkout", &[], false);
    assert!(both.len() < checkout.len(), "AND narrows");
    assert!(both.iter().all(|id| checkout.contains(id)));
    let any = f.top("etcd zzzunknownword", &[], false);
    assert_eq!(any.first().copied(), Some("2026-01-22-etcd-latency-control-plane"), "falls back to OR");
}

#[test]
fn facets_narrow_the_results() {
    let f = fixture();
    let all = f.top("failover", &[], false);
    let sev2 = f.top("failover", &[("severity", "SEV2")], false);
    assert!(!sev2.is_empty() && sev2.len() < all.len(), "{all:?} {sev2:?}");
    let sev1_2025 = f.top("", &[("severity", "SEV1"), ("year", "2025")], false);
    assert_eq!(sev1_2025, ["inc-2417-postgres-wal-disk-full"]);
    let service = f.top("", &[("service", "kafka-cluster")], false);
    assert!(service.contains(&"2026-05-09-kafka-rolling-restart-isr-shrink"));
}

/// A file's data: the arguments of its `__rbs.<kind>(key,data);` call.
fn script_data(files: &[(String, Vec<u8>)], path: &str) -> serde_json::Value {
    let (_, bytes) = files.iter().find(|(p, _)| p == path).unwrap_or_else(|| panic!("no {path}"));
    let text = std::str::from_utf8(bytes).unwrap();
    let args = text.split_once('(').unwrap().1.trim_end().strip_suffix(");").unwrap();
    serde_json::from_str(&format!("[{args}]")).unwrap()
}

/// The characters of numbers in the index's files (files.rs).
const DIGITS: &str = "#$%&'()*+,-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";

/// Front-coded words as search.js decodes them: the shared length is a
/// digit of files.rs's alphabet, counted in UTF-16 units.
fn front_decoded(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in text.split(' ').filter(|p| !p.is_empty()) {
        let shared = DIGITS.find(&part[..1]).unwrap();
        let last = out.last().map(String::as_str).unwrap_or("");
        let (mut units, mut word) = (0, String::new());
        for c in last.chars().take_while(|c| {
            units += c.len_utf16();
            units <= shared
        }) {
            word.push(c);
        }
        word.push_str(&part[1..]);
        out.push(word);
    }
    out
}

#[test]
fn the_index_files_are_scripts_for_the_client() {
    let f = fixture();
    let files = f.index.files();
    let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    assert!(names.contains(&"search/meta.js") && names.contains(&"search/d-0.js"));
    for (path, bytes) in &files {
        let text = std::str::from_utf8(bytes).unwrap();
        assert!(text.starts_with("__rbs."), "{path}");
        assert!(text.trim_end().ends_with(");"), "{path}");
    }
    // A term's shard is the number of shard keys up to it, as the client
    // finds it; keys are sorted and every shard holds terms.
    let meta = &script_data(&files, "search/meta.js")[0];
    let keys = front_decoded(meta["shards"].as_str().unwrap());
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
    assert_eq!(names.iter().filter(|n| n.starts_with("search/s-")).count(), keys.len() + 1);
    let shard = |term: &str| {
        script_data(&files, &format!("search/s-{}.js", keys.iter().filter(|k| k.as_str() <= term).count()))[1].clone()
    };
    let etcd = shard("etcd");
    assert!(front_decoded(etcd[0].as_str().unwrap()).contains(&"etcd".to_string()), "{etcd}");
    // The first screen's rows travel with the term: no catalog chunk needed.
    let kafka = shard("kafka");
    let rows = kafka[2].as_array().unwrap();
    assert!(
        rows.iter().any(|r| r[1] == "Rolling Kafka restart shrank ISRs and dropped order confirmation emails"),
        "{kafka}"
    );
    let kafka_id = rows.iter().find(|r| r[1].as_str().unwrap().starts_with("Rolling Kafka")).unwrap()[2].clone();
    assert_eq!(kafka_id, "2026-05-09-kafka-rolling-restart-isr-shrink");
    assert!(shard("=v:sev1")[3]["=v:sev1"].is_string(), "a severity facet's bitmap");
}

#[test]
fn title_matches_outrank_body_mentions() {
    let f = fixture();
    let postgres = f.top("postgres", &[], false);
    assert_eq!(postgres.first().copied(), Some("inc-2417-postgres-wal-disk-full"), "{postgres:?}");
    // A severity word is a facet: SEV1 never returns another severity.
    let sev1 = f.index.query("SEV1", &[], false);
    assert!(!sev1.is_empty() && sev1.iter().all(|&d| f.index.docs[d as usize].severity == "SEV1"));
    let both = f.index.query("sev1 postgres", &[], false);
    assert!(!both.is_empty() && both.iter().all(|&d| f.index.docs[d as usize].severity == "SEV1"));
    // A tag word matches where it is a key or in the title, not in passing.
    let dns = f.top("dns", &[], false);
    assert!(!dns.contains(&"2026-07-21-payments-pool-exhaustion") && !dns.is_empty(), "{dns:?}");
}

/// Postings in impact order as search.js decodes them: `;`-separated
/// groups, each a weight and document gaps, numbers base 45 (a digit of the
/// second half of DIGITS leads, one of the first half ends a number).
fn impact_decoded(text: &str, out: &mut Vec<(u32, u32)>) {
    for group in text.split(';').filter(|g| !g.is_empty()) {
        let (mut n, mut weight, mut doc) = (0u32, None, 0u32);
        for c in group.chars() {
            let v = DIGITS.find(c).unwrap() as u32;
            n = n * 45 + v % 45;
            if v >= 45 {
                continue;
            }
            match weight {
                None => weight = Some(n),
                Some(w) => {
                    doc += n;
                    out.push((doc, w));
                }
            }
            n = 0;
        }
    }
}

/// On a repo large enough for long postings lists (a word in every one of
/// 4,300 retros: a head and two tail pieces), every term is in the shard
/// its key names, and its head and tail pieces, read from the files its
/// entry names, are the documents the evaluator finds for it.
#[test]
fn long_lists_read_back_from_heads_and_packed_tails() {
    let files: Vec<(String, String)> = (0..4300)
        .map(|i| (format!("retros/r{i}.md"), common::valid_retro(&format!("Outage {i} in zone{}", i % 7))))
        .collect();
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (p.as_str(), t.as_bytes())).collect();
    let repo = common::temp_repo("", &refs);
    let repo = retrobook::load_repo(repo.path()).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
    let order = retrobook::Indexes::of(&repo.retros, &repo.config, today).order;
    let index = SearchIndex::build(&repo.retros, &order, today, &repo.config);
    let files = index.files();
    let keys = front_decoded(script_data(&files, "search/meta.js")[0]["shards"].as_str().unwrap());
    let mut pieces_seen = 0;
    for term in ["happened", "condition", "zone3", "outage", "4299", "r17"] {
        let n = keys.iter().filter(|k| k.as_str() <= term).count();
        let shard = script_data(&files, &format!("search/s-{n}.js"))[1].clone();
        let terms = front_decoded(shard[0].as_str().unwrap());
        let at = terms.iter().position(|t| t == term).unwrap_or_else(|| panic!("{term} not in shard {n}"));
        let entry = &shard[1][at];
        let mut postings = Vec::new();
        let df = match entry {
            serde_json::Value::String(all) => {
                impact_decoded(all, &mut postings);
                postings.len()
            }
            _ => {
                impact_decoded(entry[1].as_str().unwrap(), &mut postings);
                for (piece, file) in entry.as_array().unwrap()[2..].iter().enumerate() {
                    let tail = script_data(&files, &format!("search/t-{file}.js"))[1].clone();
                    let items = tail.as_array().unwrap();
                    let item =
                        items.chunks(3).find(|it| it[0] == term && it[1] == piece).expect("the piece in its file");
                    impact_decoded(item[2].as_str().unwrap(), &mut postings);
                    pieces_seen += 1;
                }
                entry[0].as_u64().unwrap() as usize
            }
        };
        let mut docs: Vec<u32> = postings.iter().map(|p| p.0).collect();
        assert!(postings.windows(2).all(|w| w[0].1 >= w[1].1), "{term}: best weight first");
        docs.sort_unstable();
        let mut expected = index.query(term, &[], false);
        expected.sort_unstable();
        assert_eq!((df, &docs), (expected.len(), &expected), "{term}");
    }
    assert!(pieces_seen >= 4, "the common words have tails of two pieces ({pieces_seen})");
}
