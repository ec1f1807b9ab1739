//! `retrobook actions`: the action items across retros in the terminal, a
//! stand-up view, filtered by owner, service, status or overdue.

use super::Checked;
use crate::cli::{ActionsArgs, ActionsFormat, Global};
use crate::error::Error;
use crate::history::History;
use crate::model::ActionItem;
use crate::render::feeds::{actions_csv, api_actions, html_to_text};
use crate::render::indexes::list_key;
use crate::render::markdown::LinkContext;
use crate::render::views::{ActionRow, action_row};
use crate::text::{one_or_many, plural};
use chrono::NaiveDate;
use std::process::ExitCode;

pub fn run(args: &ActionsArgs, global: &Global) -> Result<ExitCode, Error> {
    let root = super::root(global, None)?;
    let mut checked = Checked::run(&root, args.today, &args.tracker.exports)?;
    let wants_history = args.format == ActionsFormat::Json || args.stale.is_some() || args.slipped;
    if wants_history {
        checked.read_history(global);
    }
    let tracker = Some(&checked.repo.tracker).filter(|t| !t.is_empty());
    if args.disagree && tracker.is_none() {
        return Err(Error::new(
            "--disagree compares items with their tickets: give a tracker export ([tracker] exports in \
             book.toml, or --tracker FILE)",
        ));
    }
    let history = checked.history.as_ref().filter(|h| h.available);
    if (args.stale.is_some() || args.slipped) && history.is_none() && !global.quiet {
        eprintln!("note: --stale and --slipped need the items' git history; no item is listed without it");
    }
    let stale_days = args.stale.map(|d| d.0.unwrap_or(checked.repo.config.history.stale_days));
    let of = |r: &ActionRow| history.and_then(|h| h.get(r.retro_id, r.id));
    let exists = crate::link::on_disk(&root);
    let retros = &checked.repo.retros;
    let mut items: Vec<(usize, &ActionItem)> =
        retros.iter().enumerate().flat_map(|(i, r)| r.actions().iter().map(move |a| (i, a))).collect();
    items.sort_by_cached_key(|&(i, a)| list_key(&retros[i], a, checked.today));
    let mut rows: Vec<ActionRow> = (items.into_iter())
        .map(|(i, a)| {
            let ctx = LinkContext { retros, graph: &checked.graph, file_exists: &exists, from: i, root: "" };
            let mut row = action_row(&retros[i], a, &ctx, checked.today);
            row.ticket = tracker.and_then(|t| t.view(a));
            row
        })
        .collect();
    // Clap split the commas and refused unknown words.
    let statuses = &args.status;
    rows.retain(|r| {
        args.owner.as_ref().is_none_or(|o| r.owner == o)
            && args.service.as_ref().is_none_or(|s| r.services.contains(&s.as_str()))
            && (statuses.is_empty() || statuses.iter().any(|s| s == r.status || (s == "pending" && r.pending)))
            && (!args.overdue || r.overdue)
            && (!args.disagree || r.ticket.as_ref().is_some_and(|t| t.disagrees))
            && stale_days.is_none_or(|days| of(r).is_some_and(|h| h.is_stale(checked.today, days)))
            && (!args.slipped || of(r).is_some_and(|h| h.slips() > 0))
    });
    if args.slipped {
        rows.sort_by_key(|r| std::cmp::Reverse(of(r).map(|h| h.slips())));
    }
    // The column that says why an item is listed.
    let extra: Option<(&str, Vec<String>)> = if stale_days.is_some() {
        let idle = |r: &ActionRow| of(r).and_then(|h| h.idle_days(checked.today)).unwrap_or_default();
        Some(("UNCHANGED", rows.iter().map(|r| format!("{}d", idle(r))).collect()))
    } else if args.slipped {
        Some(("SLIPS", rows.iter().map(|r| of(r).map(|h| h.slips()).unwrap_or_default().to_string()).collect()))
    } else {
        None
    };
    let text = match args.format {
        ActionsFormat::Table => table(&rows, tracker.is_some(), extra, super::use_color(global.color)),
        // Pretty-printed for people (the site's file has an item a line),
        // with each item's history when git has it.
        ActionsFormat::Json => {
            let mut value: serde_json::Value =
                serde_json::from_str(&api_actions(&rows)).expect("api_actions writes JSON");
            if let Some(h) = &checked.history {
                with_history(&mut value, &rows, h, checked.today, checked.repo.config.history.stale_days);
            }
            serde_json::to_string_pretty(&value).expect("JSON into memory cannot fail") + "\n"
        }
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

/// The JSON list with each item's history from git (`null` for an item
/// without one), and what the history covers at the top.
fn with_history(value: &mut serde_json::Value, rows: &[ActionRow], history: &History, today: NaiveDate, days: u32) {
    value["history"] = serde_json::to_value(history).expect("plain data");
    if !history.available {
        return;
    }
    let items = value["action_items"].as_array_mut().expect("api_actions writes a list");
    for (item, row) in items.iter_mut().zip(rows) {
        item["history"] = match history.get(row.retro_id, row.id) {
            Some(h) => h.to_json(today, days),
            None => serde_json::Value::Null,
        };
    }
}

/// Aligned columns; overdue rows say so in words (and in red on a
/// terminal). With tracker exports, each item's ticket and what the
/// tracker says of it, before the title. `extra`: a column after STATUS
/// that says why the rows are listed.
fn table(rows: &[ActionRow], tracker: bool, extra: Option<(&str, Vec<String>)>, color: bool) -> String {
    if rows.is_empty() {
        return "no action items match\n".into();
    }
    let mut header: Vec<String> = ["DUE", "STATUS", "OWNER", "PRIORITY", "RETRO", "ITEM"].map(String::from).into();
    if tracker {
        header.extend(["TICKET", "TRACKER"].map(String::from));
    }
    header.push("TITLE".into());
    let mut cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let status = if r.overdue { format!("{} OVERDUE", r.status) } else { r.status.to_string() };
            let due = if r.due.is_empty() { "-".into() } else { r.due.clone() };
            let mut cells = vec![due, status, r.owner.into(), r.priority.into(), r.retro_id.into(), r.id.into()];
            if tracker {
                let key = if r.link_text.is_empty() { "-".into() } else { r.link_text.to_string() };
                cells.extend([key, tracker_cell(r)]);
            }
            cells.push(html_to_text(&r.title_html));
            cells
        })
        .collect();
    if let Some((name, values)) = extra {
        header.insert(2, name.to_string());
        for (row, value) in cells.iter_mut().zip(values) {
            row.insert(2, value);
        }
    }
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    // The title, last, is not padded.
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
    out.push_str(&format!("{}, {overdue} overdue", plural(rows.len(), "action item")));
    if tracker {
        let disagree = rows.iter().filter(|r| r.ticket.as_ref().is_some_and(|t| t.disagrees)).count();
        let verb = one_or_many(disagree, "disagrees", "disagree");
        out.push_str(&format!(", {disagree} {verb} with the tracker"));
    }
    out.push('\n');
    out
}
