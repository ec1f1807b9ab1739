//! Rules about one retro on its own: the incident clock, ids, ownership of
//! remediations, factors and their action items, sections, and URLs.

use crate::config::{COMMANDER_ROLE, Config};
use crate::link::{is_safe_url, scheme};
use crate::model::*;
use crate::text::did_you_mean;
use chrono::NaiveDate;
use std::collections::HashMap;

pub fn check_retro(retro: &Retro, config: &Config, today: NaiveDate, out: &mut Vec<Finding>) {
    clock_order(retro, out);
    duplicate_item_ids(retro, out);
    remediation(retro, out);
    factors(retro, out);
    overdue(retro, today, out);
    roster(retro, config, out);
    response_record(retro, config, out);
    sections(retro, config, out);
    urls(retro, out);
}

fn clock_order(retro: &Retro, out: &mut Vec<Finding>) {
    let (started, detected) = (("started_at", &retro.started_at), ("detected_at", &retro.detected_at));
    let later = [("mitigated_at", &retro.mitigated_at), ("resolved_at", &retro.resolved_at)];
    // Compare each time with the latest earlier one that is set, so a
    // missing `mitigated_at` does not hide `resolved_at` < `started_at`.
    let mut latest: Option<(&str, &At<Clock>)> = None;
    for (key, when) in std::iter::once(started).chain(later) {
        let Some(when) = when else { continue };
        if let Some(earlier) = latest
            && earlier.1.value.is_after(&when.value)
        {
            out.push(clock_finding(retro, (key, when), earlier));
            continue;
        }
        latest = Some((key, when));
    }
    // Detection may come before impact (`started_at`), never after the
    // first of mitigation and resolution that is set.
    if let (key, Some(detected)) = detected
        && let Some((next_key, Some(next))) = later.into_iter().find(|(_, w)| w.is_some())
        && detected.value.is_after(&next.value)
    {
        out.push(clock_finding(retro, (next_key, next), (key, detected)));
    }
}

/// `later` is before `earlier` on the clock; the finding points at `later`.
fn clock_finding(retro: &Retro, later: (&str, &At<Clock>), earlier: (&str, &At<Clock>)) -> Finding {
    let ((key, when), (earlier_key, earlier)) = (later, earlier);
    Finding::new(
        Rule::ClockOrder,
        &retro.path,
        when.pos,
        format!("`{key}` ({}) is before `{earlier_key}` ({})", when.value.when, earlier.value.when),
    )
    .len(value_len(&retro.source, when.pos))
    .hint("the incident clock runs started_at <= mitigated_at <= resolved_at, and detected_at <= mitigated_at")
}

/// The length of the plain value starting at `pos`: up to a comment, the
/// end of the line, or the end of the value in a flow mapping (`{at: …, …}`).
fn value_len(source: &str, pos: Pos) -> usize {
    let rest = source.get(pos.offset..).unwrap_or("");
    let line = rest.split(['\n', '\r', ',', '}']).next().unwrap_or("");
    line.split(" #").next().unwrap_or("").trim_end().len()
}

fn duplicate_item_ids(retro: &Retro, out: &mut Vec<Finding>) {
    let mut seen: HashMap<&str, Pos> = HashMap::new();
    for f in &retro.factors {
        if let Some(first) = seen.insert(&f.id.value, f.id.pos) {
            out.push(duplicate(retro, "contributing factor", &f.id, first));
        }
    }
    seen.clear();
    for note in &retro.response {
        if let Some(first) = seen.insert(&note.id.value, note.id.pos) {
            out.push(duplicate(retro, "response observation", &note.id, first));
        } else if let Some(factor) = retro.factors.iter().find(|f| f.id.value == note.id.value) {
            // An action item's `factors` names either: one id, one meaning.
            let hint = format!(
                "a contributing factor has this id on line {}; ids must be unique within a retro",
                factor.id.pos.line
            );
            let message = format!("response observation id `{}` is also a contributing factor's id", note.id.value);
            out.push(
                Finding::new(Rule::DuplicateId, &retro.path, note.id.pos, message).len(note.id.value.len()).hint(hint),
            );
        }
    }
    seen.clear();
    for a in retro.actions().iter().filter(|a| !a.id.value.is_empty()) {
        if let Some(first) = seen.insert(&a.id.value, a.id.pos) {
            out.push(duplicate(retro, "action item", &a.id, first));
        }
    }
}

fn duplicate(retro: &Retro, what: &str, id: &At<String>, first: Pos) -> Finding {
    Finding::new(Rule::DuplicateId, &retro.path, id.pos, format!("{what} id `{}` is used twice", id.value))
        .len(id.value.len())
        .hint(format!("it was first used on line {}; ids must be unique within a retro", first.line))
}

fn remediation(retro: &Retro, out: &mut Vec<Finding>) {
    for item in retro.actions() {
        if item.owner_name().is_some() {
            continue;
        }
        let (pos, message) = match &item.owner {
            Some(owner) => (owner.pos, format!("action item `{}` has an empty owner", item.id.value)),
            None => (item.pos, format!("action item `{}` has no owner", item.id.value)),
        };
        let message = if item.id.value.is_empty() { message.replace(" `` ", " ") } else { message };
        out.push(Finding::new(Rule::RemediationOwner, &retro.path, pos, message));
    }
    if retro.requires_complete() && retro.actions().is_empty() {
        let status = retro.status.as_ref().map(|s| s.value.as_str()).unwrap_or("");
        let (pos, message) = match &retro.action_items {
            Some(list) => (list.pos, format!("this {status} retro's `action_items` list is empty")),
            None => (
                retro.status.as_ref().map(|s| s.pos).unwrap_or_default(),
                format!("this {status} retro has no action items"),
            ),
        };
        out.push(Finding::new(Rule::NoRemediation, &retro.path, pos, message));
    }
}

/// Items name factors and response observations that exist; actionable
/// factors and observations that went poorly are addressed by an item.
fn factors(retro: &Retro, out: &mut Vec<Finding>) {
    let factors = retro.factors.iter().map(|f| f.id.value.as_str());
    let mut defined: Vec<&str> = factors.chain(retro.response.iter().map(|n| n.id.value.as_str())).collect();
    defined.sort_unstable();
    defined.dedup();
    for item in retro.actions() {
        for factor in item.factors.iter().filter(|f| !defined.contains(&f.value.as_str())) {
            let hint = match did_you_mean(&factor.value, defined.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None if defined.is_empty() => {
                    "this retro defines no contributing factors or response observations".into()
                }
                None => format!("this retro's factors and observations are {}", crate::text::one_of(&defined)),
            };
            let message = format!(
                "action item `{}` names factor `{}`, which this retro does not define",
                item.id.value, factor.value
            );
            out.push(Finding::new(Rule::UnknownFactor, &retro.path, factor.pos, message).hint(hint));
        }
    }
    let addressed = |id: &str| retro.actions().iter().any(|a| a.factors.iter().any(|f| f.value == id));
    for factor in retro.factors.iter().filter(|f| f.actionable && !addressed(&f.id.value)) {
        let message = format!("contributing factor `{}` is not addressed by any action item", factor.id.value);
        out.push(
            Finding::new(Rule::UnaddressedFactor, &retro.path, factor.id.pos, message).hint(
                "list it in an action item's `factors`, or mark it `actionable: false` if no action can address it",
            ),
        );
    }
    let poorly = retro.response.iter().filter(|n| n.went.as_ref().is_some_and(|w| w.value == Went::Poorly));
    for note in poorly.filter(|n| !addressed(&n.id.value)) {
        let message = format!("response observation `{}` went poorly and no action item addresses it", note.id.value);
        let hint = "list its id in the `factors` of the action item that closes the gap in the response";
        out.push(Finding::new(Rule::UnaddressedFactor, &retro.path, note.id.pos, message).hint(hint));
    }
}

/// A SEV1/SEV2 (`[response.targets].severities`) in review or published
/// names its incident commander and its detection source: the response
/// scorecard counts on both. Only in a book that declares `[response]`, so
/// an upgrade does not flag every old retro.
fn response_record(retro: &Retro, config: &Config, out: &mut Vec<Finding>) {
    let response = &config.response;
    let Some(severity) = &retro.severity else { return };
    if !response.declared || !retro.requires_complete() || !response.targets.severities.contains(&severity.value) {
        return;
    }
    let commander =
        !response.roles.iter().any(|r| r == COMMANDER_ROLE) || !retro.role_holders(COMMANDER_ROLE).is_empty();
    let source = retro.detection.as_ref().is_some_and(|d| d.source.is_some());
    let missing = match (commander, source) {
        (true, true) => return,
        (false, true) => "incident commander (`roles: {incident_commander: NAME}`)",
        (true, false) => "detection source (`detection: {source: alert}`)",
        (false, false) => "incident commander and no detection source",
    };
    let status = retro.status.as_ref().map(|s| s.value.as_str()).unwrap_or("");
    let message = format!("this {status} {} retro names no {missing}", severity.value);
    out.push(Finding::new(Rule::ResponseRecord, &retro.path, severity.pos, message).len(severity.value.len()));
}

fn overdue(retro: &Retro, today: NaiveDate, out: &mut Vec<Finding>) {
    for item in retro.actions() {
        if item.is_overdue(today)
            && let Some(due) = &item.due
        {
            let days = (today - due.value.end()).num_days();
            let owner = item.owner_name().unwrap_or("nobody");
            // A month or a quarter is due by its last day.
            let when = match due.value {
                Due::Day(_) => due.value.to_string(),
                period => format!("by the end of {period} ({})", period.end()),
            };
            out.push(
                Finding::new(
                    Rule::OverdueAction,
                    &retro.path,
                    due.pos,
                    format!("action item `{}` (owner {owner}) was due {when} ({})", item.id.value, days_ago(days)),
                )
                .len(value_len(&retro.source, due.pos)),
            );
        }
    }
}

fn days_ago(days: i64) -> String {
    if days == 1 { "1 day ago".into() } else { format!("{days} days ago") }
}

fn roster(retro: &Retro, config: &Config, out: &mut Vec<Finding>) {
    if !config.has_roster() {
        return;
    }
    let people = config.people.keys().map(String::as_str);
    let teams = config.teams.keys().map(String::as_str);
    let mut unknown = |name: &At<String>, what: &str, candidates: Vec<&str>| {
        if candidates.contains(&name.value.as_str()) {
            return;
        }
        let hint = match did_you_mean(&name.value, candidates.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "add them to [people] or [teams] in book.toml".into(),
        };
        out.push(
            Finding::new(
                Rule::UnknownOwner,
                &retro.path,
                name.pos,
                format!("{what} `{}` is not in the roster", name.value),
            )
            .hint(hint),
        );
    };
    if !config.people.is_empty() {
        let people: Vec<&str> = people.clone().collect();
        let listed = retro.authors.iter().map(|p| (p, "author"));
        let listed = listed.chain(retro.attendees.iter().map(|p| (p, "attendee")));
        let listed = listed.chain(retro.facilitator.iter().map(|p| (p, "facilitator")));
        let listed = listed.chain(retro.reviewers.iter().map(|p| (p, "reviewer")));
        let roles = retro.roles.iter().flat_map(|r| r.people.iter().map(|p| (p, r.role.value.as_str())));
        let listed = listed.chain(roles);
        for (person, what) in listed {
            unknown(person, what, people.clone());
        }
    }
    if !config.teams.is_empty() {
        for team in &retro.teams {
            unknown(team, "team", teams.clone().collect());
        }
    }
    let owners: Vec<&str> = people.chain(teams).collect();
    for item in retro.actions() {
        if let Some(owner) = &item.owner
            && item.owner_name().is_some()
        {
            let trimmed = At::new(owner.value.trim().to_string(), owner.pos);
            unknown(&trimmed, "owner", owners.clone());
        }
    }
}

fn sections(retro: &Retro, config: &Config, out: &mut Vec<Finding>) {
    if !retro.requires_complete() {
        return;
    }
    for required in &config.retro.required_sections {
        let present = retro.body.headings.iter().any(|h| h.text.trim().eq_ignore_ascii_case(required.trim()));
        if !present {
            // Point at the first body line: where sections are written.
            let line = memchr::memchr_iter(b'\n', &retro.source.as_bytes()[..retro.body.offset]).count();
            let pos = Pos { line: line as u32 + 1, column: 1, offset: retro.body.offset };
            out.push(
                Finding::new(Rule::MissingSection, &retro.path, pos, format!("section \"{required}\" is missing"))
                    .hint(format!("add a `## {required}` heading; book.toml [retro].required_sections lists the sections every reviewed retro has")),
            );
        }
    }
}

fn urls(retro: &Retro, out: &mut Vec<Finding>) {
    let unsafe_url = |url: &str, pos: Pos| {
        let shown: String = url.chars().take(60).collect();
        Finding::new(Rule::UnsafeUrl, &retro.path, pos, format!("unsafe URL `{shown}` is removed from the site"))
            .len(url.len().min(200))
    };
    for link in &retro.links {
        if !is_safe_url(&link.url.value, false) {
            out.push(unsafe_url(&link.url.value, link.url.pos));
        }
    }
    for item in retro.actions() {
        let Some(link) = &item.link else { continue };
        if !is_safe_url(&link.value, false) {
            out.push(unsafe_url(&link.value, link.pos));
        } else if !matches!(scheme(&link.value).as_deref(), Some("http" | "https"))
            && crate::ticket::ticket_key(&link.value).is_none()
        {
            out.push(
                Finding::new(
                    Rule::InvalidValue,
                    &retro.path,
                    link.pos,
                    format!("action item link `{}` is not an http(s) URL or a ticket key", link.value),
                )
                .hint(
                    "link the tracker issue: `https://tracker.example.com/browse/OPS-123`, \
                     or a key like `OPS-123` or `owner/repo#123`",
                ),
            );
        }
    }
    for link in &retro.body.links {
        if !is_safe_url(&link.dest, link.kind == LinkKind::Image) {
            out.push(unsafe_url(&link.dest, link.pos));
        }
    }
}
