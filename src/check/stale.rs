//! `stale-action`: open items whose own lines no commit changed for
//! `[history].stale_days` (off by default; it needs the git history).

use crate::history::History;
use crate::model::{Finding, Retro, Rule};
use chrono::NaiveDate;

/// A finding at each stale item's line.
pub fn check_retros(retros: &[Retro], history: &History, today: NaiveDate, days: u32, out: &mut Vec<Finding>) {
    for retro in retros {
        for item in retro.actions() {
            let Some(h) = history.get(&retro.id.value, &item.id.value).filter(|h| h.is_stale(today, days)) else {
                continue;
            };
            let touched = h.touched.as_ref().expect("a stale item was touched");
            let idle = h.idle_days(today).unwrap_or_default();
            let by = if touched.author.is_empty() { String::new() } else { format!(", by {}", touched.author) };
            let message = format!(
                "{} is still open and its lines are unchanged for {} (last changed {}{by})",
                item.id.value,
                crate::text::plural(idle, "day"),
                touched.date
            );
            out.push(Finding::new(Rule::StaleAction, &retro.path, item.id.pos, message));
        }
    }
}
