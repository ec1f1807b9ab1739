//! One driver per subcommand: each runs the pipeline stages it needs.

pub mod check;

use crate::cli::{ColorChoice, Global};
use crate::config::find_root;
use crate::error::Error;
use std::io::IsTerminal;
use std::path::PathBuf;

/// The repo root for this run: `--root`, or found upward from `near` (a
/// path the user named: a pre-commit hook runs from the git root, which may
/// be above the book), or else from the current folder.
pub fn root(global: &Global, near: Option<&std::path::Path>) -> Result<PathBuf, Error> {
    let cwd = std::env::current_dir().map_err(|e| Error::new(format!("cannot read the current folder: {e}")))?;
    let start =
        near.map(|p| cwd.join(p)).and_then(|p| if p.is_dir() { Some(p) } else { p.parent().map(PathBuf::from) });
    match (global.root.as_deref(), start) {
        (None, Some(start)) => find_root(None, &start).or_else(|_| find_root(None, &cwd)),
        (explicit, _) => find_root(explicit, &cwd),
    }
}

/// Whether to color output written to stdout.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// "today" for overdue judgements: the flag, or the local date.
pub fn today(flag: Option<chrono::NaiveDate>) -> chrono::NaiveDate {
    flag.unwrap_or_else(|| chrono::Local::now().date_naive())
}
