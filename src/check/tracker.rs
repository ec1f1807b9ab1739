//! Rules that compare action items with their tickets in the tracker
//! exports: `tracker-mismatch` and `tracker-missing`. They run only when a
//! run was given at least one export.

use crate::model::{ActionItem, ActionStatus, Finding, Retro, Rule};
use crate::tracker::{Ticket, TicketStatus, Tracker, ticket_key};

pub fn check_retros(retros: &[Retro], tracker: &Tracker, out: &mut Vec<Finding>) {
    if tracker.is_empty() {
        return;
    }
    for retro in retros {
        for item in retro.actions() {
            check_item(retro, item, tracker, out);
        }
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
    let disagrees = match ticket.status {
        TicketStatus::Done | TicketStatus::WontDo => status.value.is_pending(),
        TicketStatus::Open => status.value == ActionStatus::Done,
    };
    if disagrees {
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
