//! Patterns across retros for the insights page: incidents that recur
//! (chains of `recurrence_of`) and action items that retros keep writing
//! (similar titles in different retros).

use crate::model::Retro;
use crate::render::markdown::retro_url;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// How many chains and repeated items the page lists at most.
const LISTED: usize = 25;

#[derive(Serialize)]
pub struct Chain {
    /// Oldest first.
    pub retros: Vec<Link>,
}

#[derive(Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
    pub date: String,
    pub severity: String,
}

#[derive(Serialize)]
pub struct Repeat {
    pub title: String,
    pub retro_count: usize,
    pub items: Vec<RepeatedItem>,
}

#[derive(Serialize)]
pub struct RepeatedItem {
    pub id: String,
    pub title: String,
    pub url: String,
    pub retro_title: String,
    pub status: String,
}

/// A union-find over indexes, for grouping.
struct Groups(Vec<usize>);

impl Groups {
    fn new(n: usize) -> Groups {
        Groups((0..n).collect())
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        self.0[a.max(b)] = a.min(b);
    }

    /// The groups of more than one member, each in index order.
    fn of_many(mut self) -> Vec<Vec<usize>> {
        let mut by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for i in 0..self.0.len() {
            let root = self.find(i);
            by_root.entry(root).or_default().push(i);
        }
        by_root.into_values().filter(|g| g.len() > 1).collect()
    }
}

fn start(r: &Retro) -> String {
    r.started_at.as_ref().map(|s| s.value.date().to_string()).unwrap_or_default()
}

/// Retros joined by `recurrence_of`, each chain oldest first; the longest
/// chains first, then the most recent.
pub fn chains(retros: &[Retro], root: &str) -> Vec<Chain> {
    let ids: HashMap<&str, usize> = retros.iter().enumerate().map(|(i, r)| (r.id.value.as_str(), i)).collect();
    let mut groups = Groups::new(retros.len());
    for (i, r) in retros.iter().enumerate() {
        if let Some(&j) = r.recurrence_of.as_ref().and_then(|o| ids.get(o.value.as_str())) {
            groups.join(i, j);
        }
    }
    let mut chains: Vec<Vec<usize>> = groups.of_many();
    for chain in &mut chains {
        chain.sort_by_key(|&i| (start(&retros[i]), i));
    }
    let newest = |c: &Vec<usize>| c.last().map(|&i| start(&retros[i])).unwrap_or_default();
    chains.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| newest(b).cmp(&newest(a))));
    chains.truncate(LISTED);
    let link = |i: usize| {
        let r = &retros[i];
        Link {
            title: r.title_text().to_string(),
            url: format!("{root}{}", retro_url(&r.id.value)),
            date: start(r),
            severity: r.severity.as_ref().map(|s| s.value.clone()).unwrap_or_default(),
        }
    };
    chains.into_iter().map(|c| Chain { retros: c.into_iter().map(link).collect() }).collect()
}

/// Words that say nothing about what an item is about.
const STOP: &[&str] = &[
    "a", "an", "the", "to", "for", "of", "on", "in", "and", "or", "with", "from", "by", "at", "is", "be", "are",
    "into", "when", "so", "that", "this", "it", "its", "as", "all", "our", "we", "per", "via", "before", "after",
];

/// The words of an item title that say what it is about, lightly stemmed
/// (`alerts` and `alert` are one word).
fn words(title: &str) -> HashSet<String> {
    (title.split(|c: char| !c.is_alphanumeric()))
        .map(str::to_lowercase)
        .filter(|w| w.len() > 1 && !STOP.contains(&w.as_str()))
        .map(|w| match w.strip_suffix('s') {
            Some(stem) if stem.len() > 3 && !stem.ends_with('s') => stem.to_string(),
            _ => w,
        })
        .collect()
}

/// Whether two titles say the same thing: most of their words shared.
fn similar(a: &HashSet<String>, b: &HashSet<String>) -> bool {
    let shared = a.intersection(b).count();
    shared >= 2 && shared * 10 >= a.union(b).count() * 6
}

/// Words in more items than this are too common to find candidates by.
const COMMON: usize = 200;

/// Action items with similar titles in different retros, grouped; the
/// groups spanning the most retros first.
pub fn repeats(retros: &[Retro], root: &str) -> Vec<Repeat> {
    let items: Vec<(usize, usize, HashSet<String>)> = (retros.iter().enumerate())
        .flat_map(|(i, r)| r.actions().iter().enumerate().map(move |(j, a)| (i, j, words(&a.title.value))))
        .collect();
    let mut by_word: HashMap<&str, Vec<usize>> = HashMap::new();
    for (n, item) in items.iter().enumerate() {
        item.2.iter().for_each(|w| by_word.entry(w).or_default().push(n));
    }
    // Candidates share one of the item's two rarest words: similar titles
    // share most words, and no pair of a large repo is tried.
    let mut groups = Groups::new(items.len());
    for (n, (i, _, w)) in items.iter().enumerate() {
        let mut postings: Vec<&Vec<usize>> = w.iter().map(|w| &by_word[w.as_str()]).collect();
        postings.sort_by_key(|v| v.len());
        let candidates = postings.iter().take(2).flat_map(|v| v.iter().filter(|&&m| m > n).take(COMMON));
        for &m in candidates {
            if items[m].0 != *i && similar(w, &items[m].2) {
                groups.join(n, m);
            }
        }
    }
    let mut repeats: Vec<Repeat> = (groups.of_many().into_iter())
        .map(|group| {
            let retro_count = group.iter().map(|&n| items[n].0).collect::<HashSet<_>>().len();
            let items = group.iter().map(|&n| repeated_item(retros, items[n].0, items[n].1, root)).collect();
            Repeat { title: String::new(), retro_count, items }
        })
        .filter(|r| r.retro_count > 1)
        .collect();
    for r in &mut repeats {
        r.title = r.items[0].title.clone();
    }
    repeats.sort_by(|a, b| b.retro_count.cmp(&a.retro_count).then_with(|| a.title.cmp(&b.title)));
    repeats.truncate(LISTED);
    repeats
}

fn repeated_item(retros: &[Retro], i: usize, j: usize, root: &str) -> RepeatedItem {
    let (retro, item) = (&retros[i], &retros[i].actions()[j]);
    RepeatedItem {
        id: item.id.value.clone(),
        title: item.title.value.clone(),
        url: format!("{root}{}#{}", retro_url(&retro.id.value), item.id.value),
        retro_title: retro.title_text().to_string(),
        status: item.status.as_ref().map(|s| s.value.as_str().to_string()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_titles_share_most_words() {
        let a = words("Add alerts on replica lag");
        assert!(!similar(&a, &words("Alert on replica lag for the orders database")));
        assert!(similar(&a, &words("Add an alert on replica lag")));
        assert!(!similar(&a, &words("Add alerts on disk usage")));
    }
}
