//! The orderings and groupings of retros and action items that list pages
//! show, computed once per site from the retros alone (no HTML): pages
//! then render only the slice they list.

use super::plan::{Owner, Taxonomy, Term};
use crate::config::Config;
use crate::model::{ActionItem, Retro};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// An action item: (retro index, item index within the retro).
pub type ItemRef = (usize, usize);

pub struct Indexes {
    /// Retro indexes, newest first.
    pub order: Vec<usize>,
    /// Term name to retro indexes (newest first), per taxonomy.
    pub terms: BTreeMap<Taxonomy, BTreeMap<String, Vec<usize>>>,
    /// Owner to their items, in the action list's order.
    pub owners: BTreeMap<Owner, Vec<ItemRef>>,
    /// An owner page's URL to the items of every name sharing it (`Bob`,
    /// `bob`), in the action list's order.
    pub owner_pages: HashMap<String, Vec<ItemRef>>,
    /// An owner page's URL to the retros its people wrote, newest first.
    pub authored: HashMap<String, Vec<usize>>,
    /// Open and in-progress items: overdue first (oldest due first), then
    /// by due date, undated last.
    pub pending: Vec<ItemRef>,
    /// Done and won't-do items by the year they closed, newest first
    /// within each year.
    pub closed: BTreeMap<i32, Vec<ItemRef>>,
    /// The same items in one list, most recently closed first.
    pub closed_stream: Vec<ItemRef>,
    /// Team to its items: owned by the team itself or by its members.
    pub teams: BTreeMap<Term, Vec<ItemRef>>,
}

/// Where an item sorts in the action list.
fn item_key(item: &ActionItem, today: NaiveDate) -> (u8, bool, Option<NaiveDate>) {
    let rank = if item.is_overdue(today) {
        0
    } else if item.status.as_ref().is_some_and(|s| s.value.is_pending()) {
        1
    } else {
        2
    };
    let due = item.due.as_ref().map(|d| d.value.end());
    (rank, due.is_none(), due)
}

/// Where an item sorts in a list of every item (`api/actions.json`,
/// `actions.csv`, `retrobook actions`): as in the action list, ties by
/// retro id and item id.
pub fn list_key<'r>(
    retro: &'r Retro,
    item: &'r ActionItem,
    today: NaiveDate,
) -> ((u8, bool, Option<NaiveDate>), &'r str, &'r str) {
    (item_key(item, today), &retro.id.value, &item.id.value)
}

/// The day an item closed, as well as the repo says: its `completed_at`,
/// else its due date, else the incident's start.
pub fn closed_on(retro: &Retro, item: &ActionItem) -> Option<NaiveDate> {
    (item.completed_at.as_ref().map(|d| d.value))
        .or(item.due.as_ref().map(|d| d.value.end()))
        .or(retro.started_at.as_ref().map(|s| s.value.date()))
}

impl Indexes {
    pub fn of(retros: &[Retro], config: &Config, today: NaiveDate) -> Indexes {
        let mut order: Vec<usize> = (0..retros.len()).collect();
        let started = |i: usize| retros[i].started_at.as_ref().map(|s| s.value.date());
        order.sort_by(|&a, &b| started(b).cmp(&started(a)).then_with(|| retros[a].id.value.cmp(&retros[b].id.value)));
        let mut terms: BTreeMap<Taxonomy, BTreeMap<String, Vec<usize>>> = BTreeMap::new();
        let mut authored: HashMap<String, Vec<usize>> = HashMap::new();
        // A handful of people write every retro: each name's URL is made once.
        let mut urls: HashMap<&str, String> = HashMap::new();
        let url_of = |name: &str| Owner::named(name).url(1);
        let mut items: Vec<ItemRef> = Vec::new();
        for &i in &order {
            let r = &retros[i];
            for t in Taxonomy::ALL {
                for name in t.terms_of(r) {
                    let list = terms.entry(t).or_default().entry(name.to_string()).or_default();
                    if list.last() != Some(&i) {
                        list.push(i);
                    }
                }
            }
            items.extend((0..r.actions().len()).map(|j| (i, j)));
            for author in &r.authors {
                let url = urls.entry(author.value.as_str()).or_insert_with(|| url_of(&author.value));
                let list = authored.entry(url.clone()).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        let item = |&(i, j): &ItemRef| (&retros[i], &retros[i].actions()[j]);
        // Stable: ties keep the newest retro first, items in their order.
        items.sort_by_cached_key(|x| item_key(item(x).1, today));
        let mut owners: BTreeMap<Owner, Vec<ItemRef>> = BTreeMap::new();
        let mut teams: BTreeMap<Term, Vec<ItemRef>> = BTreeMap::new();
        let (mut pending, mut closed_items) = (Vec::new(), Vec::new());
        let roster = Roster::of(config, retros);
        let mut owner_pages: HashMap<String, Vec<ItemRef>> = HashMap::new();
        for x in &items {
            let a = item(x).1;
            let owner = a.owner_name().unwrap_or(Owner::NONE);
            // Looked up by name: an `Owner` is made once per owner, not per item.
            if let Some(list) = owners.get_mut(owner) {
                list.push(*x);
            } else {
                owners.insert(Owner::named(owner), vec![*x]);
            }
            let url = urls.entry(owner).or_insert_with(|| url_of(owner));
            owner_pages.entry(url.clone()).or_default().push(*x);
            for team in roster.teams_of(owner) {
                teams.entry(Term::team(team)).or_default().push(*x);
            }
            if a.status.as_ref().is_some_and(|s| s.value.is_pending()) {
                pending.push(*x);
            } else {
                closed_items.push(*x);
            }
        }
        let mut closed: BTreeMap<i32, Vec<ItemRef>> = BTreeMap::new();
        closed_items.sort_by_cached_key(|x| {
            let (r, a) = item(x);
            std::cmp::Reverse(closed_on(r, a))
        });
        for &x in &closed_items {
            let (r, a) = item(&x);
            closed.entry(closed_on(r, a).map(|d| d.year()).unwrap_or(0)).or_default().push(x);
        }
        Indexes { order, terms, owners, owner_pages, authored, pending, closed, closed_stream: closed_items, teams }
    }
}

/// Who belongs to which team: the `[people]` roster's `team =`, and every
/// team named in `[teams]` or in a retro's `teams`, which owns itself.
pub struct Roster<'c> {
    members: HashMap<&'c str, &'c str>,
    teams: BTreeSet<&'c str>,
}

impl<'c> Roster<'c> {
    pub fn of(config: &'c Config, retros: &'c [Retro]) -> Roster<'c> {
        let members = (config.people.iter()).filter_map(|(h, p)| Some((h.as_str(), p.team.as_deref()?))).collect();
        let mut teams: BTreeSet<&str> = config.teams.keys().map(String::as_str).collect();
        teams.extend(config.people.values().filter_map(|p| p.team.as_deref()));
        teams.extend(retros.iter().flat_map(|r| r.teams.iter().map(|t| t.value.as_str())));
        Roster { members, teams }
    }

    /// The teams whose items include those of `owner`.
    pub fn teams_of<'o>(&self, owner: &'o str) -> impl Iterator<Item = &'o str> + use<'o, 'c, '_>
    where
        'c: 'o,
    {
        let own = self.teams.get(owner).copied();
        let member = self.members.get(owner).copied();
        own.into_iter().chain(member.filter(|m| Some(*m) != own))
    }
}

/// One row of the accountability view: an owner's or a team's open work.
#[derive(Debug, Clone, Serialize)]
pub struct Account {
    /// The handle or team slug, and the roster's name for it.
    pub handle: String,
    pub name: String,
    pub url: String,
    pub open: usize,
    pub overdue: usize,
    /// How many days the oldest overdue item is past its due date.
    pub oldest_overdue_days: Option<i64>,
    /// The nearest due date not yet passed among open items.
    pub next_due: Option<String>,
}

impl Account {
    pub fn of(handle: &str, name: String, url: String, items: &[ItemRef], retros: &[Retro], today: NaiveDate) -> Self {
        let (mut open, mut overdue, mut oldest, mut next) = (0, 0, None::<NaiveDate>, None::<NaiveDate>);
        for &(i, j) in items {
            let a = &retros[i].actions()[j];
            if !a.status.as_ref().is_some_and(|s| s.value.is_pending()) {
                continue;
            }
            open += 1;
            let due = a.due.as_ref().map(|d| d.value.end());
            if a.is_overdue(today) {
                overdue += 1;
                if let Some(d) = due {
                    oldest = Some(oldest.map_or(d, |o| o.min(d)));
                }
            } else if let Some(d) = due {
                next = Some(next.map_or(d, |n| n.min(d)));
            }
        }
        Account {
            handle: handle.to_string(),
            name,
            url,
            open,
            overdue,
            oldest_overdue_days: oldest.map(|d| (today - d).num_days()),
            next_due: next.map(|d| d.to_string()),
        }
    }

    /// Most overdue first, then most open, then by name.
    pub fn urgency(a: &Account, b: &Account) -> std::cmp::Ordering {
        (b.overdue, b.oldest_overdue_days, b.open, &a.handle).cmp(&(
            a.overdue,
            a.oldest_overdue_days,
            a.open,
            &b.handle,
        ))
    }
}
