//! Rules that compare action items with their tickets in the tracker
//! exports: `tracker-mismatch`, `tracker-missing` and `tracker-assignee`
//! (off by default). They run only when a run was given at least one export.

use crate::config::Config;
use crate::model::{ActionItem, Finding, Retro, Rule};
use crate::ticket::{TicketStatus, disagrees, ticket_key};
use crate::tracker::{Ticket, Tracker};

pub fn check_retros(retros: &[Retro], tracker: &Tracker, config: &Config, out: &mut Vec<Finding>) {
    if tracker.is_empty() {
        return;
    }
    for retro in retros {
        for item in retro.actions() {
            check_item(retro, item, tracker, out);
            check_assignee(retro, item, tracker, config, out);
        }
    }
}

/// The owner against the ticket's assignees: by handle, by the roster's
/// name, or by the roster's email or its part before the `@`.
fn check_assignee(retro: &Retro, item: &ActionItem, tracker: &Tracker, config: &Config, out: &mut Vec<Finding>) {
    let Some(key) = item.link.as_ref().and_then(|l| ticket_key(&l.value)) else { return };
    let Some(ticket) = tracker.get(&key).filter(|t| !t.assignees.is_empty()) else { return };
    let (Some(owner), Some(at)) = (item.owner_name(), item.owner.as_ref()) else { return };
    let person = config.people.get(owner);
    let email = person.and_then(|p| p.email.as_deref());
    let names = [Some(owner), person.and_then(|p| p.name.as_deref()), email, email.and_then(|e| e.split('@').next())];
    let matches = |assignee: &String| names.iter().flatten().any(|n| n.trim().eq_ignore_ascii_case(assignee.trim()));
    if !ticket.assignees.iter().any(matches) {
        let message = format!(
            "{} is owned by `{owner}` but {} is assigned to {}",
            item.id.value,
            ticket.key,
            ticket.assignees.join(", ")
        );
        out.push(Finding::new(Rule::TrackerAssignee, &retro.path, at.pos, message));
    }
}

fn check_item(retro: &Retro, item: &ActionItem, tracker: &Tracker, out: &mut Vec<Finding>) {
    let Some(link) = &item.link else { return };
    let Some(key) = ticket_key(&link.value) else { return };
    let Some(ticket) = tracker.get(&key) else {
        // An export of another project or repository says nothing about it.
        if tracker.covers(&key) {
            let message = format!("{} names {key}, which is in none of the tracker exports", item.id.value);
            out.push(Finding::new(Rule::TrackerMissing, &retro.path, link.pos, message).len(link.value.len()));
        }
        return;
    };
    let Some(status) = &item.status else { return };
    if disagrees(status.value, ticket.status) {
        let message = format!(
            "{} is `{}` but the tracker says {}",
            item.id.value,
            status.value.as_str(),
            what_tracker_says(ticket)
        );
        let hint = match ticket.status {
            TicketStatus::Done => "set `status: done` and `completed_at:`, or reopen the ticket",
            TicketStatus::WontDo => "set `status: wont-do`, or reopen the ticket",
            TicketStatus::Open => "close the ticket, or set the item back to `open` or `in-progress`",
        };
        out.push(Finding::new(Rule::TrackerMismatch, &retro.path, status.pos, message).hint(hint));
    }
}

/// "STOR-612 is done (`Done`) since 2026-03-14".
fn what_tracker_says(ticket: &Ticket) -> String {
    let since = ticket.since.map(|d| format!(" since {d}")).unwrap_or_default();
    format!("{} is {} (`{}`){since}", ticket.key, ticket.status.as_str(), ticket.raw_status)
}
