//! Action items from a list or a table: owner, due date, ticket, status
//! and priority from the table's columns or from a trailing
//! `(@owner, due 2024-05-01, JIRA-12)`; and contributing factors, from a
//! "Contributing factors" or "Root cause(s)" section.

use super::doc::{self, Block};
use std::ops::Range;

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Item {
    pub title: String,
    pub owner: Option<String>,
    pub due: Option<String>,
    pub link: Option<String>,
    pub status: Option<&'static str>,
    pub priority: Option<&'static str>,
    pub kind: Option<&'static str>,
}

/// The items of an actions section; paragraphs that are not items stay in
/// the body (their ranges).
pub(crate) fn read(source: &str, range: Range<usize>) -> (Vec<Item>, Vec<Range<usize>>) {
    let (mut items, mut prose) = (Vec::new(), Vec::new());
    for block in doc::blocks(source, range) {
        match block {
            Block::Item { text, task, .. } if !text.is_empty() => {
                let mut item = from_text(&text);
                if task == Some(true) {
                    item.status = item.status.or(Some("done"));
                }
                items.push(item);
            }
            Block::Table { head, rows } => items.extend(table(&head, &rows)),
            Block::Para { range, .. } => prose.push(range),
            Block::Item { .. } => {}
        }
    }
    (items, prose)
}

/// An item written as a line: `Add an alert (@ana, due 2024-05-01, OPS-12)`.
pub(crate) fn from_text(text: &str) -> Item {
    let text = text.trim();
    let mut item = Item { title: text.to_string(), ..Item::default() };
    let Some(open) = text.strip_suffix(')').and_then(|t| t.rfind('(')) else { return item };
    let mut found =
        Item { title: text[..open].trim().trim_end_matches(['-', '—', ':']).trim().to_string(), ..Item::default() };
    let inner = &text[open + 1..text.len() - 1];
    let all_known = inner.split([',', ';']).map(str::trim).filter(|p| !p.is_empty()).all(|p| part(p, &mut found));
    if all_known && !found.title.is_empty() {
        item = found;
    }
    item
}

/// Read one `@owner`, `due …`, ticket, status or priority into `item`;
/// `false` when it is none of them.
fn part(p: &str, item: &mut Item) -> bool {
    let lower = p.to_lowercase();
    if let Some(owner) = p.strip_prefix('@') {
        item.owner = owner_of(owner);
        return item.owner.is_some();
    }
    for prefix in ["owner:", "owner ", "assignee:", "assignee "] {
        if lower.starts_with(prefix) {
            item.owner = owner_of(&p[prefix.len()..]);
            return item.owner.is_some();
        }
    }
    for prefix in ["due:", "due ", "by "] {
        if lower.starts_with(prefix) {
            item.due = due_of(&p[prefix.len()..]);
            return item.due.is_some();
        }
    }
    if let Some(link) = link_of(p) {
        item.link = Some(link);
        return true;
    }
    if let Some(status) = status_of(p) {
        item.status = Some(status);
        return true;
    }
    if let Some(priority) = priority_of(p) {
        item.priority = Some(priority);
        return true;
    }
    false
}

/// The items of an actions table, by column header.
fn table(head: &[String], rows: &[(Vec<String>, Range<usize>)]) -> Vec<Item> {
    let lower: Vec<String> = head.iter().map(|h| h.to_lowercase()).collect();
    let col = |words: &[&str]| (0..head.len()).find(|&i| words.iter().any(|w| lower[i].contains(w)));
    let owner = col(&["owner", "assignee", "who", "responsible", "dri"]);
    let due = col(&["due", "deadline", "target", "eta", "by when"]);
    let mut link = col(&["ticket", "issue", "jira", "link", "bug", "tracking"]);
    let status = col(&["status", "state"]);
    let priority = col(&["priority", "prio"]);
    let kind = col(&["type", "kind"]);
    let used = [owner, due, link, status, priority, kind];
    let mut title = col(&["action", "item", "title", "task", "description", "what", "remediation"])
        .filter(|i| !used.contains(&Some(*i)))
        .or_else(|| (0..head.len()).find(|i| !used.contains(&Some(*i))));
    // GitLab's "Issue" column: the title, the only text there is.
    if title.is_none() {
        (title, link) = (link, None);
    }
    let mut out = Vec::new();
    for (cells, _) in rows {
        // `Bug 5554823 TODO`: a status word ending a cell (the SRE workbook's table).
        let mut trailing = None;
        let cells: Vec<String> = (cells.iter())
            .map(|c| match c.trim().rsplit_once(' ').and_then(|(rest, w)| Some((rest, status_of(w)?))) {
                Some((rest, s)) if status.is_none() && c.trim().ends_with(|ch: char| ch.is_ascii_uppercase()) => {
                    trailing = Some(s);
                    rest.trim().to_string()
                }
                _ => c.trim().to_string(),
            })
            .collect();
        let cell = |i: Option<usize>| i.and_then(|i| cells.get(i)).map(|s| s.as_str()).unwrap_or("");
        let mut item = from_text(cell(title));
        item.status = item.status.or(trailing);
        if item.title.is_empty() {
            continue;
        }
        let mut extra = Vec::new();
        let mut kept = |i: Option<usize>| {
            if let Some(i) = i.filter(|_| !is_none(cell(i))) {
                extra.push(format!("{}: {}", head[i], cell(Some(i))));
            }
        };
        match owner_of(cell(owner)) {
            Some(v) => item.owner = Some(v),
            None => kept(owner),
        }
        match due_of(cell(due)) {
            Some(v) => item.due = Some(v),
            None => kept(due),
        }
        match link_of(cell(link)) {
            Some(v) => item.link = Some(v),
            None => kept(link),
        }
        match status_of(cell(status)) {
            Some(v) => item.status = Some(v),
            None => kept(status),
        }
        match priority_of(cell(priority)) {
            Some(v) => item.priority = Some(v),
            None => kept(priority),
        }
        match kind_of(cell(kind)) {
            Some(v) => item.kind = Some(v),
            None => kept(kind),
        }
        // What a column held that the format has no place for stays in the title.
        for e in extra {
            item.title.push_str(&format!(" ({e})"));
        }
        out.push(item);
    }
    out
}

/// "TBD", "-", "n/a", "?": no value.
fn is_none(v: &str) -> bool {
    let v = v.trim().to_lowercase();
    v.is_empty() || ["-", "—", "?", "tbd", "tba", "n/a", "na", "none", "unassigned", "nobody"].contains(&v.as_str())
}

fn owner_of(v: &str) -> Option<String> {
    let v = v.trim().trim_start_matches('@').trim();
    (!is_none(v) && v.chars().count() <= 60 && !v.contains('\n')).then(|| v.to_string())
}

/// A due date the format takes: `2024-05-01`, `2024/05/01`, `2024-05`, `2024-Q2`.
fn due_of(v: &str) -> Option<String> {
    let v = v.trim().replace('/', "-");
    crate::model::Due::parse(&v).is_ok().then_some(v)
}

/// A ticket key (`OPS-12`, `owner/repo#12`) or an http(s) URL.
fn link_of(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.contains(char::is_whitespace) && crate::ticket::shown_key(v).is_some()
        || (v.starts_with("https://") || v.starts_with("http://")) && url::Url::parse(v).is_ok())
    .then(|| v.to_string())
}

fn status_of(v: &str) -> Option<&'static str> {
    let v = v.trim().to_lowercase().replace(['’', '\''], "");
    match v.as_str() {
        "done" | "complete" | "completed" | "closed" | "fixed" | "finished" | "resolved" | "✅" => Some("done"),
        "in progress" | "in-progress" | "started" | "doing" | "ongoing" | "wip" => Some("in-progress"),
        "wont do" | "wont-do" | "won t do" | "cancelled" | "canceled" | "rejected" | "dropped" => Some("wont-do"),
        "open" | "todo" | "to do" | "to-do" | "not started" | "new" | "pending" | "planned" | "backlog" => Some("open"),
        _ => None,
    }
}

fn kind_of(v: &str) -> Option<&'static str> {
    ["prevent", "mitigate", "detect", "investigate", "process"].into_iter().find(|k| v.trim().eq_ignore_ascii_case(k))
}

fn priority_of(v: &str) -> Option<&'static str> {
    match v.trim().to_lowercase().as_str() {
        "p0" | "p1" | "high" | "critical" | "urgent" => Some("high"),
        "p2" | "medium" | "normal" => Some("medium"),
        "p3" | "p4" | "low" => Some("low"),
        _ => None,
    }
}

/// A contributing factor: what the old postmortem said, and its category
/// when it named one of the configured ones (`Capacity: …`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Factor {
    pub id: String,
    pub category: Option<String>,
    pub description: String,
}

/// The factors of a "Contributing factors" or "Root cause(s)" section: one
/// per list item or table row, else the section's prose as one factor.
pub(crate) fn factors(source: &str, range: Range<usize>, categories: &[String]) -> Vec<Factor> {
    let blocks = doc::blocks(source, range.clone());
    let mut texts: Vec<String> = Vec::new();
    for block in &blocks {
        match block {
            Block::Item { text, .. } if !text.is_empty() => texts.push(text.clone()),
            Block::Table { rows, .. } => texts.extend(rows.iter().map(|r| r.0.join(": ")).filter(|t| !t.is_empty())),
            _ => {}
        }
    }
    if texts.is_empty() {
        let prose = source[range].trim();
        if !prose.is_empty() {
            texts.push(prose.to_string());
        }
    }
    let mut ids: Vec<String> = Vec::new();
    texts
        .into_iter()
        .map(|text| {
            let (category, description) = match text.split_once(':') {
                Some((c, d)) if categories.iter().any(|k| k.eq_ignore_ascii_case(c.trim())) => {
                    (categories.iter().find(|k| k.eq_ignore_ascii_case(c.trim())).cloned(), d.trim().to_string())
                }
                _ => (None, text),
            };
            let id = unique_id(&description, &mut ids);
            Factor { id, category, description }
        })
        .collect()
}

/// A slug of the first words, unique among `taken`.
fn unique_id(text: &str, taken: &mut Vec<String>) -> String {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| w.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase())
        .filter(|w| {
            !w.is_empty() && !["the", "a", "an", "of", "to", "and", "was", "were", "is", "we"].contains(&w.as_str())
        })
        .take(4)
        .collect();
    let base = if words.is_empty() { "factor".to_string() } else { words.join("-") };
    let mut id = base.clone();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    taken.push(id.clone());
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_pattern() {
        let i = from_text("Add a saturation alert (@ana, due 2024-05-01, JIRA-12)");
        assert_eq!(i.title, "Add a saturation alert");
        assert_eq!(
            (i.owner.as_deref(), i.due.as_deref(), i.link.as_deref()),
            (Some("ana"), Some("2024-05-01"), Some("JIRA-12"))
        );
        // A parenthesis that is prose stays in the title.
        let i = from_text("Document the failover (see the runbook)");
        assert_eq!(i.title, "Document the failover (see the runbook)");
        assert_eq!(i.owner, None);
    }

    #[test]
    fn table_columns() {
        let src = "| Action | Owner | Due | Ticket | Status |\n|---|---|---|---|---|\n\
                   | Pre-warm caches | storage | 2024-Q2 | OPS-1 | Done |\n| Alert on misses | TBD | next sprint | | |\n";
        let (items, _) = read(src, 0..src.len());
        assert_eq!(items[0].owner.as_deref(), Some("storage"));
        assert_eq!(items[0].due.as_deref(), Some("2024-Q2"));
        assert_eq!(items[0].status, Some("done"));
        assert_eq!(items[1].owner, None);
        assert_eq!(items[1].title, "Alert on misses (Due: next sprint)");
    }

    #[test]
    fn factors_from_list_or_prose() {
        let cats = vec!["capacity".to_string()];
        let src = "- Capacity: the replica was cold\n- The runbook was stale\n";
        let f = factors(src, 0..src.len(), &cats);
        assert_eq!(f[0].category.as_deref(), Some("capacity"));
        assert_eq!(f[0].description, "the replica was cold");
        assert_eq!(f[1].id, "runbook-stale");
        let src = "\nA certificate expired.\n\nNobody was told.\n";
        assert_eq!(factors(src, 0..src.len(), &cats).len(), 1);
    }
}
