//! `retrobook actions`: the action items across retros in the terminal, a
//! stand-up view, filtered by owner, service, status or overdue.

use super::Checked;
use crate::cli::{ActionsArgs, ActionsFormat, Global};
use crate::error::Error;
use crate::render::feeds::{actions_csv, api_actions, html_to_text};
use crate::render::markdown::LinkContext;
use crate::render::views::{ActionRow, action_order, action_row};
use crate::tracker::{Tracker, ticket_key};
use std::collections::HashMap;
use std::process::ExitCode;

pub fn run(args: &ActionsArgs, global: &Global) -> Result<ExitCode, Error> {
    let root = super::root(global, None)?;
    let checked = Checked::run(&root, args.today, &args.tracker)?;
    let exists = crate::link::on_disk(&root);
    let retros = &checked.repo.retros;
    let mut rows: Vec<ActionRow> = Vec::new();
    // The ticket key each item's `link:` names, by retro and item id.
    let mut keys: HashMap<(String, String), String> = HashMap::new();
    for (i, retro) in retros.iter().enumerate() {
        let ctx = LinkContext { retros, graph: &checked.graph, file_exists: &exists, from: i, root: "" };
        rows.extend(retro.actions().iter().map(|a| action_row(retro, a, &ctx, checked.today)));
        for item in retro.actions() {
            if let Some(key) = item.link.as_ref().and_then(|l| ticket_key(&l.value)) {
                keys.insert((retro.id.value.clone(), item.id.value.clone()), key);
            }
        }
    }
    let statuses: Vec<String> = args.status.iter().flat_map(|s| s.split(',')).map(|s| s.trim().to_string()).collect();
    rows.retain(|r| {
        args.owner.as_ref().is_none_or(|o| &r.owner == o)
            && args.service.as_ref().is_none_or(|s| r.services.contains(s))
            && (statuses.is_empty() || statuses.iter().any(|s| s == &r.status || (s == "pending" && r.pending)))
            && (!args.overdue || r.overdue)
    });
    rows.sort_by(action_order);
    let text = match args.format {
        ActionsFormat::Table => table(&rows, super::use_color(global.color)),
        ActionsFormat::Json if !checked.repo.tracker.is_empty() => {
            with_tickets(&api_actions(&rows), &rows, &keys, &checked.repo.tracker)
        }
        ActionsFormat::Json => api_actions(&rows),
        ActionsFormat::Csv => actions_csv(&rows),
    };
    super::print_stdout(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// The JSON list with each item's ticket, when the run was given tracker
/// exports: its key, what the tracker says and since when (`null` for a
/// ticket no export holds).
fn with_tickets(json: &str, rows: &[ActionRow], keys: &HashMap<(String, String), String>, tracker: &Tracker) -> String {
    let mut value: serde_json::Value = serde_json::from_str(json).expect("api_actions writes JSON");
    let items = value["action_items"].as_array_mut().expect("api_actions writes a list");
    for (item, row) in items.iter_mut().zip(rows) {
        let Some(key) = keys.get(&(row.retro_id.clone(), row.id.clone())) else { continue };
        let ticket = tracker.get(key);
        item["ticket"] = serde_json::json!({
            "key": key,
            "status": ticket.map(|t| t.status.as_str()),
            "tracker_status": ticket.map(|t| &t.raw_status),
            "since": ticket.and_then(|t| t.since).map(|d| d.to_string()),
            "assignees": ticket.map(|t| &t.assignees),
            "url": ticket.and_then(|t| t.url.as_ref()),
        });
    }
    serde_json::to_string_pretty(&value).expect("JSON into memory cannot fail") + "\n"
}

/// Aligned columns; overdue rows say so in words (and in red on a terminal).
fn table(rows: &[ActionRow], color: bool) -> String {
    if rows.is_empty() {
        return "no action items match\n".into();
    }
    let header = ["DUE", "STATUS", "OWNER", "PRIORITY", "RETRO", "ITEM", "TITLE"].map(String::from);
    let cells: Vec<[String; 7]> = rows
        .iter()
        .map(|r| {
            let status = if r.overdue { format!("{} OVERDUE", r.status) } else { r.status.clone() };
            let due = if r.due.is_empty() { "-".into() } else { r.due.clone() };
            [
                due,
                status,
                r.owner.clone(),
                r.priority.clone(),
                r.retro_id.clone(),
                r.id.clone(),
                html_to_text(&r.title_html),
            ]
        })
        .collect();
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |row: &[String; 7]| {
        let mut out = String::new();
        for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
            if i == 6 {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<w$}  "));
            }
        }
        out.trim_end().to_string()
    };
    let mut out = line(&header) + "\n";
    for (row, r) in cells.iter().zip(rows) {
        let text = line(row);
        if color && r.overdue {
            out.push_str(&format!("\x1b[31m{text}\x1b[0m\n"));
        } else {
            out.push_str(&text);
            out.push('\n');
        }
    }
    let overdue = rows.iter().filter(|r| r.overdue).count();
    out.push_str(&format!("{} action items, {overdue} overdue\n", rows.len()));
    out
}
