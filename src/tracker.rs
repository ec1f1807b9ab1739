//! Tickets from issue-tracker exports (Jira CSV, `gh issue list --json`,
//! Linear CSV), read offline so that `check` can compare an action item's
//! status with its ticket's. retrobook never calls a tracker's API: a person
//! or a CI job produces the export, and every run over it is reproducible.

use crate::error::Error;
use crate::model::{Pos, Rule};
use crate::ticket::{TicketStatus, disagrees, project_key, scope, ticket_key};
// The loader's field reader names these through `tracker`.
use chrono::NaiveDate;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// One ticket of an export.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticket {
    /// `STOR-612` (Jira, Linear) or `owner/repo#123` (GitHub), normalized.
    pub key: String,
    pub status: TicketStatus,
    /// The tracker's own word for the status (`In Review`, `CLOSED`).
    pub raw_status: String,
    /// When it was resolved, completed, canceled or closed.
    pub since: Option<NaiveDate>,
    pub assignees: Vec<String>,
    pub url: Option<String>,
}

/// Every ticket of the exports a run was given.
#[derive(Debug, Clone, Default)]
pub struct Tracker {
    /// The export files read, as shown in messages.
    pub exports: Vec<String>,
    tickets: HashMap<String, Ticket>,
    /// Jira/Linear projects (`STOR`) and GitHub repos (`owner/repo`) the
    /// exports cover: a link into a scope no export covers is not "missing".
    scopes: BTreeSet<String>,
}

impl Tracker {
    pub fn is_empty(&self) -> bool {
        self.exports.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&Ticket> {
        self.tickets.get(key)
    }

    /// Whether an export covers the project or repository of `key`.
    pub fn covers(&self, key: &str) -> bool {
        self.scopes.contains(scope(key))
    }

    /// Read one export and add its tickets; `shown` names it in messages.
    pub fn add(&mut self, path: &Path, shown: String, statuses: &BTreeMap<String, TicketStatus>) -> Result<(), Error> {
        let statuses: HashMap<String, TicketStatus> =
            statuses.iter().map(|(name, s)| (name.trim().to_lowercase(), *s)).collect();
        let text = std::fs::read_to_string(path).map_err(|e| Error::new(format!("{shown}: {e}")))?;
        // Spreadsheet-friendly exports start with a byte order mark.
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let ctx = Export { file: &shown, statuses: &statuses };
        let tickets = if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
            ctx.github(text)?
        } else {
            ctx.csv(text)?
        };
        // An empty export would make every comparison pass in silence.
        if tickets.is_empty() {
            let message = "the export holds no tickets; produce it again (with `gh`: `--state all`)";
            return Err(ctx.error(1, 1, message));
        }
        for ticket in tickets {
            self.scopes.insert(scope(&ticket.key).to_string());
            self.tickets.insert(ticket.key.clone(), ticket);
        }
        self.exports.push(shown);
        Ok(())
    }
}

/// An item's ticket as the site, the JSON API and `actions` show it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TicketView {
    pub key: String,
    /// `open`, `done` or `wont-do`; `None` when no export holds the ticket.
    pub status: Option<&'static str>,
    /// The tracker's own word (`In Review`).
    pub tracker_status: Option<String>,
    pub since: Option<String>,
    pub assignees: Option<Vec<String>>,
    pub url: Option<String>,
    /// The item's status and the ticket's disagree (`tracker-mismatch`).
    pub disagrees: bool,
    /// No export holds the ticket, though one covers its project
    /// (`tracker-missing`).
    pub missing: bool,
}

impl Tracker {
    /// What the exports say of the ticket an item's `link:` names; `None`
    /// without exports or when the link names no ticket.
    pub fn view(&self, item: &crate::model::ActionItem) -> Option<TicketView> {
        if self.is_empty() {
            return None;
        }
        let key = ticket_key(&item.link.as_ref()?.value)?;
        let ticket = self.get(&key);
        let status = item.status.as_ref().map(|s| s.value);
        Some(TicketView {
            status: ticket.map(|t| t.status.as_str()),
            tracker_status: ticket.map(|t| t.raw_status.clone()),
            since: ticket.and_then(|t| t.since).map(|d| d.to_string()),
            assignees: ticket.map(|t| t.assignees.clone()),
            url: ticket.and_then(|t| t.url.clone()),
            disagrees: ticket.zip(status).is_some_and(|(t, s)| disagrees(s, t.status)),
            missing: ticket.is_none() && self.covers(&key),
            key,
        })
    }

    /// How many of `items` disagree with their tickets.
    pub fn disagreements<'i>(&self, items: impl Iterator<Item = &'i crate::model::ActionItem>) -> usize {
        items.filter(|item| self.view(item).is_some_and(|v| v.disagrees)).count()
    }
}

/// The export being read, for messages and the per-repo status names.
struct Export<'a> {
    file: &'a str,
    statuses: &'a HashMap<String, TicketStatus>,
}

/// A CSV row: its cells and its line in the file.
struct Row<'a> {
    record: &'a csv::StringRecord,
    line: u64,
}

impl Row<'_> {
    fn get(&self, column: Option<usize>) -> &str {
        column.and_then(|c| self.record.get(c)).map(str::trim).unwrap_or("")
    }
}

impl Export<'_> {
    fn error(&self, line: u64, column: u64, message: &str) -> Error {
        let pos = Pos { line: line as u32, column: column.max(1) as u32, offset: 0 };
        Error::in_file(Rule::TrackerExport, self.file, pos, message)
    }

    /// A Jira or Linear CSV export, told apart by their headers.
    fn csv(&self, text: &str) -> Result<Vec<Ticket>, Error> {
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| self.csv_error(&e))?.clone();
        // Jira repeats some headers (Sprint, Labels): the first one counts.
        let find = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
        let (key, jira) = if let Some(key) = find("Issue key") {
            (key, true)
        } else if let (Some(key), Some(_)) = (find("Id"), find("Completed")) {
            (key, false)
        } else {
            let found: Vec<&str> = headers.iter().take(8).collect();
            let message = format!(
                "not a Jira or Linear CSV export: expected an \"Issue key\" column (Jira) or \"Id\" and \
                 \"Completed\" columns (Linear); the header has {found:?}"
            );
            return Err(self.error(1, 1, &message));
        };
        if find("Status").is_none() {
            return Err(self.error(1, 1, "the export has no \"Status\" column"));
        }
        let mut tickets = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| self.csv_error(&e))?;
            let line = record.position().map_or(0, |p| p.line());
            let row = Row { record: &record, line };
            let cell = row.get(Some(key));
            if cell.is_empty() && record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let Some(key) = project_key(cell) else {
                return Err(self.error(line, 1, &format!("`{cell}` is not an issue key like `STOR-612`")));
            };
            let ticket = if jira { self.jira_row(&row, &key, &find)? } else { self.linear_row(&row, &key, &find)? };
            tickets.push(ticket);
        }
        Ok(tickets)
    }

    fn csv_error(&self, e: &csv::Error) -> Error {
        let line = e.position().map_or(1, |p| p.line());
        self.error(line, 1, &format!("not valid CSV: {e}"))
    }

    /// Jira: the status category (To Do, In Progress, Done) decides, a
    /// resolution like "Won't Do" makes a done ticket wont-do, and the status
    /// name decides when there is no category column.
    fn jira_row(&self, row: &Row, key: &str, find: &dyn Fn(&str) -> Option<usize>) -> Result<Ticket, Error> {
        let raw = row.get(find("Status")).to_string();
        let category = row.get(find("Status Category")).to_lowercase();
        let resolution = row.get(find("Resolution")).to_lowercase();
        let status = match self.statuses.get(&raw.to_lowercase()) {
            Some(s) => *s,
            None => match category.as_str() {
                "to do" | "in progress" | "new" | "indeterminate" => TicketStatus::Open,
                "done" | "complete" if is_wont_do(&resolution) => TicketStatus::WontDo,
                "done" | "complete" => TicketStatus::Done,
                "" => self.status_by_name(&raw, row.line)?,
                other => {
                    return Err(self.error(
                        row.line,
                        1,
                        &format!("{key}: unknown status category `{other}` (expected To Do, In Progress or Done)"),
                    ));
                }
            },
        };
        let since = self.date(row, "Resolved", find)?;
        let assignees = Some(row.get(find("Assignee"))).filter(|a| !a.is_empty()).map(String::from);
        Ok(Ticket {
            key: key.to_string(),
            status,
            raw_status: raw,
            since: since.filter(|_| status != TicketStatus::Open),
            assignees: assignees.into_iter().collect(),
            url: None,
        })
    }

    /// Linear: a Completed or Canceled date says done or wont-do whatever
    /// the team named its workflow states.
    fn linear_row(&self, row: &Row, key: &str, find: &dyn Fn(&str) -> Option<usize>) -> Result<Ticket, Error> {
        let raw = row.get(find("Status")).to_string();
        let completed = self.date(row, "Completed", find)?;
        let canceled = self.date(row, "Canceled", find)?;
        let (status, since) = match (self.statuses.get(&raw.to_lowercase()), canceled, completed) {
            (Some(s), _, _) => (*s, canceled.or(completed)),
            (None, Some(day), _) => (TicketStatus::WontDo, Some(day)),
            (None, None, Some(day)) => (TicketStatus::Done, Some(day)),
            (None, None, None) => (TicketStatus::Open, None),
        };
        let assignees = Some(row.get(find("Assignee"))).filter(|a| !a.is_empty()).map(String::from);
        Ok(Ticket {
            key: key.to_string(),
            status,
            raw_status: raw,
            since,
            assignees: assignees.into_iter().collect(),
            url: None,
        })
    }

    fn status_by_name(&self, raw: &str, line: u64) -> Result<TicketStatus, Error> {
        let name = raw.to_lowercase();
        if is_wont_do(&name) {
            return Ok(TicketStatus::WontDo);
        }
        match name.as_str() {
            "done" | "closed" | "resolved" | "complete" | "completed" | "released" => Ok(TicketStatus::Done),
            "to do"
            | "todo"
            | "open"
            | "backlog"
            | "in progress"
            | "in review"
            | "reopened"
            | "blocked"
            | "selected for development"
            | "triage" => Ok(TicketStatus::Open),
            _ => Err(self.error(
                line,
                1,
                &format!(
                    "unknown status `{raw}` and no \"Status Category\" column; map it in book.toml \
                     [tracker.statuses], e.g. \"{raw}\" = \"open\""
                ),
            )),
        }
    }

    /// A date cell: ISO (`2026-03-14`, RFC 3339, `2026-03-14 10:15`),
    /// Jira's `14/Mar/26 10:15 AM`, or JavaScript's `Sat Mar 14 2026 …`.
    fn date(&self, row: &Row, name: &str, find: &dyn Fn(&str) -> Option<usize>) -> Result<Option<NaiveDate>, Error> {
        let text = row.get(find(name));
        if text.is_empty() {
            return Ok(None);
        }
        parse_date(text).map(Some).ok_or_else(|| {
            self.error(row.line, 1, &format!("\"{name}\": `{text}` is not a date this export format uses"))
        })
    }

    /// `gh issue list --json number,url,state,closedAt,assignees,title`, or
    /// `gh search issues` with the same fields and `repository`.
    fn github(&self, text: &str) -> Result<Vec<Ticket>, Error> {
        let issues: Vec<GhIssue> = serde_json::from_str(text).map_err(|e| {
            let hint = "expected the array `gh issue list --json number,url,state,closedAt,assignees,title` prints";
            // serde_json's text ends in " at line L column C": the position is ours to give.
            let text = e.to_string();
            let message = text.rsplit_once(" at line ").map_or(text.as_str(), |(m, _)| m);
            self.error(e.line() as u64, e.column() as u64, &format!("{message}; {hint}"))
        })?;
        issues.into_iter().map(|issue| self.github_ticket(issue, text)).collect()
    }

    fn github_ticket(&self, issue: GhIssue, text: &str) -> Result<Ticket, Error> {
        let from_repo = issue.repository.as_ref().zip(issue.number).map(|(r, n)| format!("{}#{n}", r.name_with_owner));
        let key = ticket_key(&issue.url).filter(|k| k.contains('#')).or(from_repo.map(|k| k.to_lowercase()));
        let Some(key) = key else {
            let line = line_of(text, &issue.url);
            return Err(self.error(line, 1, &format!("`{}` is not a GitHub issue URL", issue.url)));
        };
        let not_planned = issue.state_reason.as_deref().is_some_and(|r| r.eq_ignore_ascii_case("not_planned"));
        let status = match (self.statuses.get(&issue.state.to_lowercase()), issue.state.to_lowercase().as_str()) {
            (Some(s), _) => *s,
            (None, "closed") if not_planned => TicketStatus::WontDo,
            (None, "closed" | "merged") => TicketStatus::Done,
            (None, "open") => TicketStatus::Open,
            (None, other) => {
                let line = line_of(text, &issue.url);
                let message = format!("{key}: unknown state `{other}` (expected OPEN, CLOSED or MERGED)");
                return Err(self.error(line, 1, &message));
            }
        };
        let since = issue.closed_at.as_deref().and_then(parse_date).filter(|_| status != TicketStatus::Open);
        Ok(Ticket {
            key,
            status,
            raw_status: issue.state,
            since,
            assignees: issue.assignees.into_iter().map(|a| a.login).collect(),
            url: Some(issue.url),
        })
    }
}

/// The line of the first occurrence of `url` in a JSON export: serde no
/// longer knows where an element was once it is read.
fn line_of(text: &str, url: &str) -> u64 {
    let offset = text.find(url).unwrap_or(0);
    text[..offset].matches('\n').count() as u64 + 1
}

fn is_wont_do(word: &str) -> bool {
    let word = word.replace(['\'', '’'], "");
    matches!(
        word.trim(),
        "wont do" | "wont fix" | "duplicate" | "cannot reproduce" | "cancelled" | "canceled" | "rejected" | "declined"
    )
}

/// One element of `gh issue list --json …` (or `gh search issues`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GhIssue {
    url: String,
    state: String,
    number: Option<u64>,
    #[serde(default)]
    closed_at: Option<String>,
    #[serde(default)]
    state_reason: Option<String>,
    #[serde(default)]
    assignees: Vec<GhUser>,
    #[serde(default)]
    repository: Option<GhRepo>,
}

#[derive(Debug, Deserialize)]
struct GhUser {
    login: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GhRepo {
    name_with_owner: String,
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    use chrono::{DateTime, NaiveDateTime};
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.date_naive());
    }
    let dates = ["%Y-%m-%d", "%d/%b/%y", "%d/%b/%Y", "%a %b %d %Y"];
    let times = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d/%b/%y %I:%M %p", "%d/%b/%Y %I:%M %p"];
    if let Some(t) = times.iter().find_map(|f| NaiveDateTime::parse_from_str(text, f).ok()) {
        return Some(t.date());
    }
    if let Some(d) = dates.iter().find_map(|f| NaiveDate::parse_from_str(text, f).ok()) {
        return Some(d);
    }
    // JavaScript's Date string: "Sat Mar 14 2026 10:02:11 GMT+0000 (…)".
    text.get(..15).and_then(|day| NaiveDate::parse_from_str(day, "%a %b %d %Y").ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_each_export_format() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 14);
        for text in [
            "2026-03-14",
            "2026-03-14T10:02:11.000Z",
            "14/Mar/26 10:15 AM",
            "2026-03-14 10:15",
            "Sat Mar 14 2026 10:02",
        ] {
            assert_eq!(parse_date(text), day, "{text}");
        }
        assert_eq!(parse_date("next week"), None);
    }
}
