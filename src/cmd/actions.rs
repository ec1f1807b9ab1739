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
    let checked = Checked::run(&root, args.today, &args.tracker)?;
    let exists = crate::link::on_disk(&root);
    let retros = &checked.repo.retros;
    let mut rows: Vec<ActionRow> = Vec::new();
    for (i, retro) in retros.iter().enumerate() {
        let ctx = LinkContext { retros, graph: &checked.graph, file_exists: &exists, from: i, root: "" };
        rows.extend(retro.actions().iter().map(|a| action_row(retro, a, &ctx, checked.today)));
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
        ActionsFormat::Json => api_actions(&rows),
        ActionsFormat::Csv => actions_csv(&rows),
    };
    super::print_stdout(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
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
