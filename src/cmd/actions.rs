//! `retrobook actions`: the action items across retros in the terminal, a
//! stand-up view, filtered by owner, service, status or overdue.

use super::Checked;
use crate::cli::{ActionsArgs, ActionsFormat, Global};
use crate::error::Error;
use crate::render::feeds::{actions_csv, api_actions, html_to_text};
use crate::render::markdown::LinkContext;
use crate::render::views::{ActionRow, action_order, action_row};
use std::process::ExitCode;

pub fn run(args: &ActionsArgs, global: &Global) -> Result<ExitCode, Error> {
    let root = super::root(global, None)?;
    let checked = Checked::run(&root, args.today, &args.tracker.exports)?;
    let tracker = Some(&checked.repo.tracker).filter(|t| !t.is_empty());
    if args.disagree && tracker.is_none() {
        return Err(Error::new(
            "--disagree compares items with their tickets: give a tracker export ([tracker] exports in \
             book.toml, or --tracker FILE)",
        ));
    }
    let exists = crate::link::on_disk(&root);
    let retros = &checked.repo.retros;
    let mut rows: Vec<ActionRow> = Vec::new();
    for (i, retro) in retros.iter().enumerate() {
        let ctx = LinkContext { retros, graph: &checked.graph, file_exists: &exists, from: i, root: "" };
        rows.extend(retro.actions().iter().map(|a| {
            let mut row = action_row(retro, a, &ctx, checked.today);
            row.ticket = tracker.and_then(|t| t.view(a));
            row
        }));
    }
    let statuses: Vec<String> = args.status.iter().flat_map(|s| s.split(',')).map(|s| s.trim().to_string()).collect();
    rows.retain(|r| {
        args.owner.as_ref().is_none_or(|o| &r.owner == o)
            && args.service.as_ref().is_none_or(|s| r.services.contains(s))
            && (statuses.is_empty() || statuses.iter().any(|s| s == &r.status || (s == "pending" && r.pending)))
            && (!args.overdue || r.overdue)
            && (!args.disagree || r.ticket.as_ref().is_some_and(|t| t.disagrees))
    });
    rows.sort_by(action_order);
    let text = match args.format {
        ActionsFormat::Table => table(&rows, tracker.is_some(), super::use_color(global.color)),
        ActionsFormat::Json => api_actions(&rows),
        ActionsFormat::Csv => actions_csv(&rows),
    };
    super::print_stdout(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// What the tracker says of a row's ticket, for the table: `done
/// 2026-03-14`, with `DISAGREES` when the item tells another story.
fn tracker_cell(row: &ActionRow) -> String {
    let Some(ticket) = &row.ticket else { return "-".into() };
    let Some(status) = ticket.status else {
        return if ticket.missing { "not in export".into() } else { "-".into() };
    };
    let since = ticket.since.as_deref().map(|d| format!(" {d}")).unwrap_or_default();
    let flag = if ticket.disagrees { " DISAGREES" } else { "" };
    format!("{status}{since}{flag}")
}

/// Aligned columns; overdue rows say so in words (and in red on a
/// terminal). With tracker exports, each item's ticket and what the
/// tracker says of it, before the title.
fn table(rows: &[ActionRow], tracker: bool, color: bool) -> String {
    if rows.is_empty() {
        return "no action items match\n".into();
    }
    let mut header: Vec<String> = ["DUE", "STATUS", "OWNER", "PRIORITY", "RETRO", "ITEM"].map(String::from).into();
    if tracker {
        header.extend(["TICKET", "TRACKER"].map(String::from));
    }
    header.push("TITLE".into());
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let status = if r.overdue { format!("{} OVERDUE", r.status) } else { r.status.clone() };
            let due = if r.due.is_empty() { "-".into() } else { r.due.clone() };
            let mut cells = vec![due, status, r.owner.clone(), r.priority.clone(), r.retro_id.clone(), r.id.clone()];
            if tracker {
                let key = if r.link_text.is_empty() { "-".into() } else { r.link_text.clone() };
                cells.extend([key, tracker_cell(r)]);
            }
            cells.push(html_to_text(&r.title_html));
            cells
        })
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |row: &[String]| {
        let mut out = String::new();
        for (i, (cell, w)) in row.iter().zip(&widths).enumerate() {
            if i + 1 == row.len() {
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
    out.push_str(&format!("{} action items, {overdue} overdue", rows.len()));
    if tracker {
        let disagree = rows.iter().filter(|r| r.ticket.as_ref().is_some_and(|t| t.disagrees)).count();
        out.push_str(&format!(", {disagree} disagree with the tracker"));
    }
    out.push('\n');
    out
}
