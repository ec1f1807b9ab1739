//! Tickets as an action item's `link:` names them: the key a link names
//! (`STOR-612`, `owner/repo#123`), what the site shows for a link and where
//! it points, and `TicketStatus`, where a ticket stands. Pure functions of
//! the link's text (and `[tracker.base_url]`), used by `config`, the loader
//! and every stage after it; reading the exports is `tracker`'s.

use crate::model::ActionStatus;
use serde::Deserialize;

/// Where a ticket stands, whatever the tracker calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketStatus {
    Open,
    Done,
    WontDo,
}

impl TicketStatus {
    pub(crate) fn as_str(&self) -> &'static str {
        match self {
            TicketStatus::Open => "open",
            TicketStatus::Done => "done",
            TicketStatus::WontDo => "wont-do",
        }
    }

    fn parse(word: &str) -> Option<TicketStatus> {
        match word {
            "open" => Some(TicketStatus::Open),
            "done" => Some(TicketStatus::Done),
            "wont-do" => Some(TicketStatus::WontDo),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for TicketStatus {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let word = String::deserialize(d)?;
        TicketStatus::parse(&word).ok_or_else(|| {
            serde::de::Error::custom(format!("unknown ticket status `{word}`, expected `open`, `done` or `wont-do`"))
        })
    }
}

/// `[tracker.base_url]`: where each tracker lives, so that the site links
/// a bare key.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TrackerUrls {
    /// `https://acme.atlassian.net`: `STOR-612` links to `…/browse/STOR-612`.
    pub jira: Option<String>,
    /// `https://linear.app/acme`: `ENG-42` links to `…/issue/ENG-42` (when
    /// `jira` is not set: the keys look alike).
    pub linear: Option<String>,
    /// `https://github.com`: `owner/repo#123` links to `…/owner/repo/issues/123`.
    pub github: Option<String>,
}

/// The project or repository part of a key.
pub(crate) fn scope(key: &str) -> &str {
    key.rsplit_once(['#', '-']).map(|(scope, _)| scope).unwrap_or(key)
}

/// The ticket a `link:` names: a Jira browse URL, a GitHub issue or pull
/// request URL, a Linear issue URL, or a bare key (`STOR-612`,
/// `owner/repo#123`). `None` for anything else.
pub(crate) fn ticket_key(link: &str) -> Option<String> {
    // Project keys are upper case, GitHub's owner and repo names compare
    // without case.
    shown_key(link).map(|key| if key.contains('#') { key.to_lowercase() } else { key })
}

/// The key a `link:` names as the site shows it: `STOR-612`, or
/// `Acme/api#123` in the case the link writes it.
pub(crate) fn shown_key(link: &str) -> Option<String> {
    let link = link.trim();
    if let Some(key) = bare_key(link) {
        return Some(key);
    }
    let url = url::Url::parse(link).ok().filter(|u| matches!(u.scheme(), "http" | "https"))?;
    let segments: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
    // Jira: …/browse/STOR-612; Linear: /workspace/issue/ENG-42/slug.
    if let Some(i) = segments.iter().position(|s| *s == "browse" || *s == "issue") {
        return segments.get(i + 1).and_then(|k| project_key(k));
    }
    // GitHub (and GitHub Enterprise): /owner/repo/issues/123 or /pull/123.
    match segments.as_slice() {
        [owner, repo, "issues" | "pull", number, ..] if is_number(number) => Some(format!("{owner}/{repo}#{number}")),
        _ => None,
    }
}

/// The text of an item's tracker link (`link`, with a safe URL for the
/// site or not: `has_url`): the ticket key, else the host of the URL
/// (`wiki.example.com`), else the link as written; nothing when the link
/// has no safe URL and names no ticket either.
pub(crate) fn link_text(link: &str, has_url: bool) -> String {
    if let Some(key) = shown_key(link) {
        return key;
    }
    if !has_url {
        return String::new();
    }
    let host = url::Url::parse(link.trim()).ok().and_then(|u| u.host_str().map(String::from));
    host.unwrap_or_else(|| link.trim().to_string())
}

/// Whether an item's status and its ticket's tell different stories: the
/// ticket closed while the item is pending, or the item done while the
/// ticket is open. (A won't-do item with an open ticket is left alone:
/// the ticket may track more than the item.)
pub(crate) fn disagrees(item: ActionStatus, ticket: TicketStatus) -> bool {
    match ticket {
        TicketStatus::Done | TicketStatus::WontDo => item.is_pending(),
        TicketStatus::Open => item == ActionStatus::Done,
    }
}

/// The URL of a `link:` for the site: the link itself when it has a scheme
/// (`href` still refuses unsafe ones), a bare key on its tracker's base URL
/// when `[tracker.base_url]` gives one, else `None`.
pub(crate) fn link_url(link: &str, urls: &TrackerUrls) -> Option<String> {
    let link = link.trim();
    if crate::link::has_scheme(link) {
        return Some(link.to_string());
    }
    let base = |url: &Option<String>| url.as_deref().map(|u| u.trim_end_matches('/').to_string());
    if let Some(key) = project_key(link) {
        return base(&urls.jira)
            .map(|b| format!("{b}/browse/{key}"))
            .or_else(|| base(&urls.linear).map(|b| format!("{b}/issue/{key}")));
    }
    bare_key(link).and_then(|_| {
        let (repo, number) = link.split_once('#')?;
        base(&urls.github).map(|b| format!("{b}/{repo}/issues/{number}"))
    })
}

/// `STOR-612` (upper-cased) or `owner/repo#123` (as written).
fn bare_key(text: &str) -> Option<String> {
    if let Some(key) = project_key(text) {
        return Some(key);
    }
    let (repo, number) = text.split_once('#')?;
    let (owner, name) = repo.split_once('/')?;
    let part = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    (part(owner) && part(name) && is_number(number)).then(|| text.to_string())
}

/// A Jira or Linear key (`stor-612`), upper-cased.
pub(crate) fn project_key(text: &str) -> Option<String> {
    let (project, number) = text.rsplit_once('-')?;
    let mut chars = project.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && is_number(number);
    ok.then(|| text.to_ascii_uppercase())
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.len() <= 12 && text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_name_tickets_by_url_or_key() {
        let cases = [
            ("https://acme.atlassian.net/browse/STOR-612", Some("STOR-612")),
            ("stor-612", Some("STOR-612")),
            ("https://github.com/Acme/API/issues/123", Some("acme/api#123")),
            ("https://ghe.example.com/acme/api/pull/7#issuecomment-1", Some("acme/api#7")),
            ("acme/api#123", Some("acme/api#123")),
            ("https://linear.app/acme/issue/ENG-42/fix-the-pool", Some("ENG-42")),
            ("https://example.com/runbook", None),
            ("STOR-", None),
            ("acme#12", None),
            ("javascript:alert(1)", None),
        ];
        for (link, key) in cases {
            assert_eq!(ticket_key(link).as_deref(), key, "{link}");
        }
    }

    #[test]
    fn links_show_their_key_or_their_host() {
        let cases = [
            ("https://acme.atlassian.net/browse/stor-612", "STOR-612"),
            ("https://github.com/Acme/API/issues/123", "Acme/API#123"),
            ("Acme/api#7", "Acme/api#7"),
            ("https://linear.app/acme/issue/ENG-42/fix-the-pool", "ENG-42"),
            ("https://wiki.example.com/runbooks/pool", "wiki.example.com"),
        ];
        for (link, text) in cases {
            assert_eq!(link_text(link, true), text, "{link}");
        }
        // Without a safe URL, only a ticket key is shown.
        assert_eq!(link_text("Acme/api#7", false), "Acme/api#7");
        assert_eq!(link_text("the ops board", false), "");
    }

    #[test]
    fn items_and_tickets_disagree_when_one_is_closed_and_the_other_not() {
        use crate::model::ActionStatus::*;
        let cases = [
            (Open, TicketStatus::Done, true),
            (InProgress, TicketStatus::WontDo, true),
            (Done, TicketStatus::Open, true),
            (Open, TicketStatus::Open, false),
            (Done, TicketStatus::Done, false),
            (Done, TicketStatus::WontDo, false),
            (WontDo, TicketStatus::Open, false),
        ];
        for (item, ticket, expected) in cases {
            assert_eq!(disagrees(item, ticket), expected, "{item:?} / {ticket:?}");
        }
    }

    #[test]
    fn bare_keys_link_only_through_a_base_url() {
        let none = TrackerUrls::default();
        assert_eq!(link_url("STOR-612", &none), None);
        assert_eq!(link_url("acme/api#3", &none), None);
        assert_eq!(link_url("https://x.example/a", &none).as_deref(), Some("https://x.example/a"));
        let linear = TrackerUrls { linear: Some("https://linear.app/acme/".into()), ..none.clone() };
        assert_eq!(link_url("ENG-4", &linear).as_deref(), Some("https://linear.app/acme/issue/ENG-4"));
        let all = TrackerUrls {
            jira: Some("https://acme.atlassian.net".into()),
            github: Some("https://github.com".into()),
            ..linear
        };
        assert_eq!(link_url("stor-612", &all).as_deref(), Some("https://acme.atlassian.net/browse/STOR-612"));
        assert_eq!(link_url("Acme/api#3", &all).as_deref(), Some("https://github.com/Acme/api/issues/3"));
        assert_eq!(link_url("the ops board", &all), None);
    }

    #[test]
    fn scopes_are_projects_and_repositories() {
        assert_eq!(scope("STOR-612"), "STOR");
        assert_eq!(scope("acme/api-gw#3"), "acme/api-gw");
    }
}
