//! One driver per subcommand: each runs the pipeline stages it needs.

pub mod check;

use crate::cli::{ColorChoice, Global};
use crate::config::find_root;
use crate::error::Error;
use std::io::IsTerminal;
use std::path::PathBuf;

/// The repo root for this run: `--root`, or found upward from the cwd.
pub fn root(global: &Global) -> Result<PathBuf, Error> {
    let cwd = std::env::current_dir().map_err(|e| Error::new(format!("cannot read the current folder: {e}")))?;
    find_root(global.root.as_deref(), &cwd)
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
