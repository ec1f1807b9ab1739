//! Patterns across retros for the insights page: incidents that recur
//! (chains of `recurrence_of`) and action items that retros keep writing
//! (similar titles in different retros).

use crate::model::Retro;
use crate::render::urls::retro_url;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// How many chains and repeated items the page lists at most.
const LISTED: usize = 25;

#[derive(Serialize)]
pub struct Chain {
    /// Oldest first; a long chain keeps its oldest and its newest retros.
    pub retros: Vec<Link>,
    /// Retros left out after the oldest.
    pub skipped: usize,
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
    /// Items of the group not listed.
    pub more: usize,
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
        chain.sort_by_key(|&i| (retros[i].started_day(), i));
    }
    let newest = |c: &Vec<usize>| c.last().map(|&i| retros[i].started_day()).unwrap_or_default();
    chains.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| newest(b).cmp(&newest(a))));
    chains.truncate(LISTED);
    let link = |i: usize| {
        let r = &retros[i];
        Link {
            title: r.title_text().to_string(),
            url: format!("{root}{}", retro_url(&r.id.value)),
            date: r.started_day(),
            severity: r.severity.as_ref().map(|s| s.value.clone()).unwrap_or_default(),
        }
    };
    chains
        .into_iter()
        .map(|c| {
            let skipped = c.len().saturating_sub(ITEMS_LISTED);
            let kept = c.iter().take(1).chain(c.iter().skip(1 + skipped));
            Chain { retros: kept.map(|&i| link(i)).collect(), skipped }
        })
        .collect()
}

/// Words that say nothing about what an item is about.
const STOP: &[&str] = &[
    "a", "an", "the", "to", "for", "of", "on", "in", "and", "or", "with", "from", "by", "at", "is", "be", "are",
    "into", "when", "so", "that", "this", "it", "its", "as", "all", "our", "we", "per", "via", "before", "after",
];

/// The words of an item title that say what it is about, lightly stemmed
/// (`alerts` and `alert` are one word).
fn words(title: &str) -> impl Iterator<Item = String> + '_ {
    (title.split(|c: char| !c.is_alphanumeric()))
        .map(str::to_lowercase)
        .filter(|w| w.len() > 1 && !STOP.contains(&w.as_str()))
        .map(|w| match w.strip_suffix('s') {
            Some(stem) if stem.len() > 3 && !stem.ends_with('s') => stem.to_string(),
            _ => w,
        })
}

/// Whether two titles (sorted word numbers) say the same thing: most of
/// their words shared.
fn similar(a: &[u32], b: &[u32]) -> bool {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => (i, j, shared) = (i + 1, j + 1, shared + 1),
        }
    }
    let union = a.len() + b.len() - shared;
    shared >= 2 && shared * 10 >= union * 6
}

/// Words in more titles than this are too common to find candidates by.
const COMMON: usize = 200;

/// How many items of a group the page lists.
const ITEMS_LISTED: usize = 8;

/// Every item's title as sorted word numbers, by (retro, item).
fn titles(retros: &[Retro]) -> Vec<(usize, usize, Vec<u32>)> {
    let mut vocabulary: HashMap<String, u32> = HashMap::new();
    let mut items = Vec::new();
    for (i, r) in retros.iter().enumerate() {
        for (j, a) in r.actions().iter().enumerate() {
            let mut ws: Vec<u32> = words(&a.title.value)
                .map(|w| {
                    let next = vocabulary.len() as u32;
                    *vocabulary.entry(w).or_insert(next)
                })
                .collect();
            ws.sort_unstable();
            ws.dedup();
            items.push((i, j, ws));
        }
    }
    items
}

/// Action items with similar titles in different retros, grouped; the
/// groups spanning the most retros first, each listing a few items.
///
/// Each group has a leader, the most frequent title first: a title joins
/// the first group whose leader it is similar to, or leads a new one. A
/// title is never grouped for being like a title like it, so groups do not
/// drift from one fix to another through near neighbours.
pub fn repeats(retros: &[Retro], root: &str) -> Vec<Repeat> {
    let items = titles(retros);
    // Identical titles are one; only distinct titles are compared.
    let mut distinct: HashMap<&[u32], Vec<usize>> = HashMap::new();
    for (n, item) in items.iter().enumerate() {
        distinct.entry(&item.2).or_default().push(n);
    }
    let mut titles: Vec<(&[u32], Vec<usize>)> = distinct.into_iter().collect();
    titles.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.1[0].cmp(&b.1[0])));
    let mut frequency: HashMap<u32, usize> = HashMap::new();
    titles.iter().flat_map(|t| t.0).for_each(|w| *frequency.entry(*w).or_default() += 1);
    // Groups: their leader's words and their items; leaders by word.
    let mut groups: Vec<(&[u32], Vec<usize>)> = Vec::new();
    let mut leaders: HashMap<u32, Vec<usize>> = HashMap::new();
    for (words, members) in titles {
        // A similar leader shares one of the title's two rarest words.
        let mut rare: Vec<u32> = words.to_vec();
        rare.sort_by_key(|w| frequency[w]);
        let candidates = rare.iter().take(2).flat_map(|w| leaders.get(w).into_iter().flatten().take(COMMON));
        match candidates.copied().filter(|&g| similar(groups[g].0, words)).min() {
            Some(g) => groups[g].1.extend(members),
            None => {
                words.iter().for_each(|w| leaders.entry(*w).or_default().push(groups.len()));
                groups.push((words, members));
            }
        }
    }
    let mut repeats: Vec<Repeat> = (groups.into_iter())
        .filter_map(|(_, mut group)| {
            group.sort_unstable();
            let retro_count = group.iter().map(|&n| items[n].0).collect::<HashSet<_>>().len();
            let listed = group.iter().take(ITEMS_LISTED);
            let shown = listed.map(|&n| repeated_item(retros, items[n].0, items[n].1, root)).collect::<Vec<_>>();
            let title = shown.first()?.title.clone();
            (retro_count > 1).then(|| Repeat { title, retro_count, more: group.len() - shown.len(), items: shown })
        })
        .collect();
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

    fn title(t: &str, vocabulary: &mut Vec<String>) -> Vec<u32> {
        let mut ws: Vec<u32> = words(t)
            .map(|w| match vocabulary.iter().position(|v| *v == w) {
                Some(p) => p as u32,
                None => {
                    vocabulary.push(w);
                    vocabulary.len() as u32 - 1
                }
            })
            .collect();
        ws.sort_unstable();
        ws.dedup();
        ws
    }

    #[test]
    fn similar_titles_share_most_words() {
        let v = &mut Vec::new();
        let a = title("Add alerts on replica lag", v);
        assert!(!similar(&a, &title("Alert on replica lag for the orders database", v)));
        assert!(similar(&a, &title("Add an alert on replica lag", v)));
        assert!(!similar(&a, &title("Add alerts on disk usage", v)));
    }
}
