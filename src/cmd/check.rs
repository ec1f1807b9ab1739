//! `retrobook check`: load, link, run the rules, print, and exit 1 when
//! anything is at error level (or a warning, with `--deny-warnings`).

use super::Checked;
use crate::cli::{CheckArgs, Global};
use crate::error::Error;
use crate::text::relative_path;
use std::path::Path;
use std::process::ExitCode;

pub fn run(args: &CheckArgs, global: &Global) -> Result<ExitCode, Error> {
    let root = super::root(global, args.paths.first().map(|p| p.as_path()))?;
    let mut checked = match Checked::run(&root, args.today, &args.tracker.exports) {
        Ok(checked) => checked,
        Err(e) => return super::stopped(e, args.format, &root),
    };
    if checked.wants_stale_rule() {
        checked.read_history(global);
    }
    if !args.paths.is_empty() {
        let wanted = wanted_paths(&root, &args.paths)?;
        checked.findings.retain(|f| wanted.iter().any(|w| is_within(&f.file, w)));
    }
    let tally = checked.print(args.format, crate::check::report::Detail::All, global)?;
    let failed = tally.errors > 0 || (args.deny_warnings && tally.warnings > 0);
    super::exit_without_freeing(checked);
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// The repo-relative form of each PATH argument (files or folders).
fn wanted_paths(root: &Path, paths: &[std::path::PathBuf]) -> Result<Vec<String>, Error> {
    let root = root.canonicalize().map_err(|e| Error::io(root, e))?;
    paths
        .iter()
        .map(|p| {
            let real = p.canonicalize().map_err(|e| Error::io(p, e))?;
            if !real.starts_with(&root) {
                return Err(Error::new(format!("{} is outside the repository {}", p.display(), root.display())));
            }
            Ok(relative_path(&root, &real))
        })
        .collect()
}

fn is_within(file: &str, wanted: &str) -> bool {
    wanted.is_empty() || file == wanted || file.strip_prefix(wanted).is_some_and(|rest| rest.starts_with('/'))
}
