//! The search index's build cost on its own: CPU time and peak memory of
//! `SearchIndex::build` and of encoding its files, and the files' count and
//! bytes, for a repo already loaded (docs/performance.md).
//!
//!     cargo run --release --example search_index -- /tmp/c10k [2026-11-27] [QUERY…]
//!
//! With queries, it also prints the Rust evaluator's first ten results for
//! each (as the results page asks: the last word a prefix) and their
//! number, one line of JSON each, for comparing with search.js on a built
//! site (`bench/search_parity.mjs`).
//!
//! Linux only: it reads its CPU time and peak memory from /proc/self and
//! resets the peak (`clear_refs`) once the repo is loaded.

use std::time::Instant;

/// User and system CPU seconds of this process so far.
fn cpu() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("Linux /proc");
    // Fields after the command's closing parenthesis; utime and stime are
    // the 14th and 15th fields, in clock ticks (100 a second on Linux).
    let rest = &stat[stat.rfind(')').expect("a stat line") + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks = |i: usize| fields[i - 3].parse::<f64>().expect("a number") / 100.0;
    (ticks(14), ticks(15))
}

/// Peak resident memory in MB since the last reset.
fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("VmHWM");
    line.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()).expect("kB") / 1024.0
}

fn stage<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let (u0, s0) = cpu();
    let started = Instant::now();
    let out = f();
    let (u1, s1) = cpu();
    println!(
        "{name}: {:.2} s wall, {:.2} s user, {:.2} s sys, peak {:.0} MB",
        started.elapsed().as_secs_f64(),
        u1 - u0,
        s1 - s0,
        peak_mb()
    );
    out
}

fn main() {
    let mut args = std::env::args().skip(1);
    let root = args.next().expect("usage: search_index REPO [TODAY]");
    let today = args.next().unwrap_or_else(|| "2026-11-27".into());
    let queries: Vec<String> = args.collect();
    let today = chrono::NaiveDate::parse_from_str(&today, "%Y-%m-%d").expect("TODAY as YYYY-MM-DD");
    let repo = stage("load", || retrobook::load_repo(std::path::Path::new(&root)).expect("a repo"));
    // The site's order (newest first), which numbers the documents.
    let order = retrobook::Indexes::of(&repo.retros, &repo.config, today).order;
    // Peak memory from here on is the index's (over the loaded repo).
    let base = peak_mb();
    std::fs::write("/proc/self/clear_refs", "5").expect("resetting the peak");
    let index = stage("index", || retrobook::SearchIndex::build(&repo.retros, &order, today, &repo.config));
    let files = stage("files", || index.files());
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    println!("{} files, {:.2} MB; the loaded repo's peak was {base:.0} MB", files.len(), bytes as f64 / 1e6);
    // By kind: the name's first letter (`s-3.js`, `meta.js`).
    let mut kinds: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for (path, b) in &files {
        let name = path.trim_start_matches("search/");
        let kind = kinds.entry(name.split(['-', '.']).next().unwrap_or(name)).or_default();
        *kind = (kind.0 + 1, kind.1 + b.len());
    }
    for (kind, (n, b)) in kinds {
        println!("  {kind}: {n} files, {:.2} MB, {:.1} KB each", b as f64 / 1e6, b as f64 / n as f64 / 1024.0);
    }
    for q in &queries {
        let docs = index.query(q, &[], true);
        let top: Vec<&str> = docs.iter().take(10).map(|&d| index.docs[d as usize].id.as_str()).collect();
        println!("{}", serde_json::json!({ "q": q, "top": top, "count": docs.len() }));
    }
}
