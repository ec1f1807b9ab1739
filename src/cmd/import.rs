//! `retrobook import`: existing postmortems into draft retros, with what
//! each file filled and what it could not, and a summary.

use crate::cli::{Global, ImportArgs};
use crate::error::Error;
use crate::import::{Outcome, State};
use crate::text::plural;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

pub fn run(args: &ImportArgs, global: &Global) -> Result<ExitCode, Error> {
    let root = super::root(global, args.into.as_deref())?;
    let config = crate::config::Config::load(&root)?;
    let into = match &args.into {
        Some(dir) => std::env::current_dir().map(|cwd| cwd.join(dir)).unwrap_or_else(|_| dir.clone()),
        None => root.join(&config.build.source),
    };
    let outcomes = crate::import::import(&root, &config, &args.paths, &into, args.dry_run)?;
    let shown_root = crate::import::absolute(&root);
    let mut text = String::new();
    if !global.quiet {
        for o in &outcomes {
            describe(&mut text, o, &shown_root, args.dry_run);
        }
    }
    text.push_str(&summary(&outcomes, args.dry_run));
    super::print_stdout(text.as_bytes())?;
    let failed = outcomes.iter().any(|o| matches!(o.state, State::Failed(_)));
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// A path for people: from the repo root when inside it.
fn shown(path: &Path, root: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

fn describe(out: &mut String, o: &Outcome, root: &Path, dry_run: bool) {
    let verb = if dry_run { "would import" } else { "imported" };
    match &o.state {
        State::Written(path) => {
            let _ = writeln!(out, "{verb} {} -> {}", o.origin, shown(path, root));
            if !o.filled.is_empty() {
                let _ = writeln!(out, "  filled: {}", o.filled.join("; "));
            }
            if !o.missing.is_empty() {
                let _ = writeln!(out, "  not filled: {}", o.missing.join("; "));
            }
        }
        State::Skipped(path) => {
            let _ = writeln!(out, "skipped {}: already imported as {}", o.origin, shown(path, root));
        }
        State::AlreadyRetro => {
            let _ = writeln!(out, "skipped {}: already a retro (its front matter has a title and a status)", o.origin);
        }
        State::Failed(why) => {
            let _ = writeln!(out, "failed {}: {why}", o.origin);
        }
    }
}

fn summary(outcomes: &[Outcome], dry_run: bool) -> String {
    let count = |f: fn(&State) -> bool| outcomes.iter().filter(|o| f(&o.state)).count();
    let written = count(|s| matches!(s, State::Written(_)));
    let skipped = count(|s| matches!(s, State::Skipped(_) | State::AlreadyRetro));
    let failed = count(|s| matches!(s, State::Failed(_)));
    let gaps = outcomes.iter().filter(|o| matches!(o.state, State::Written(_)) && !o.missing.is_empty()).count();
    let verb = if dry_run { "would import" } else { "imported" };
    let drafts = crate::text::one_or_many(written, "a draft", "drafts");
    let mut line = format!("{verb} {} as {drafts}", plural(written, "postmortem"));
    let _ = write!(line, ", {skipped} already imported or already retros, {failed} failed");
    if gaps > 0 {
        let _ = write!(line, "; {gaps} with gaps to complete (`retrobook check` lists them)");
    }
    if dry_run {
        line.push_str("; --dry-run: nothing written");
    }
    line + "\n"
}
