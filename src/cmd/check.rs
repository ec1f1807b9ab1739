//! `retrobook check`: load, link, run the rules, print, and exit 1 when
//! anything is at error level (or a warning, with `--deny-warnings`).

use crate::check::{self, Tally, report};
use crate::cli::{CheckArgs, Global};
use crate::error::Error;
use crate::link::{self, LinkGraph};
use crate::load::{self, relative_path};
use crate::model::Finding;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

pub fn run(args: &CheckArgs, global: &Global) -> Result<ExitCode, Error> {
    let root = super::root(global, args.paths.first().map(|p| p.as_path()))?;
    let started = std::time::Instant::now();
    let repo = load::load_repo(&root)?;
    let loaded = started.elapsed();
    let graph = LinkGraph::build(&repo.retros, &link::on_disk(&root));
    let linked = started.elapsed();
    let mut findings = check::run(&repo, &graph, super::today(args.today));
    if global.verbose {
        let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
        eprintln!(
            "load {:.0} ms, link {:.0} ms, check {:.0} ms ({} retros in {})",
            ms(loaded),
            ms(linked - loaded),
            ms(started.elapsed() - linked),
            repo.retros.len(),
            root.display()
        );
    }
    if !args.paths.is_empty() {
        let wanted = wanted_paths(&root, &args.paths)?;
        findings.retain(|f| wanted.iter().any(|w| is_within(&f.file, w)));
    }
    let sources: HashMap<&str, &str> = repo.retros.iter().map(|r| (r.path.as_str(), r.source.as_str())).collect();
    let text = report::render(&findings, args.format, &sources, super::use_color(global.color));
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
        .map_err(|e| Error::new(format!("writing output: {e}")))?;

    let tally = Tally::of(&findings);
    if !global.quiet && args.format == report::Format::Human {
        eprintln!("{}", summary(&findings, tally, repo.retros.len(), started.elapsed()));
    }
    let failed = tally.errors > 0 || (args.deny_warnings && tally.warnings > 0);
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn summary(findings: &[Finding], tally: Tally, retros: usize, elapsed: std::time::Duration) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let files = findings.iter().map(|f| f.file.as_str()).collect::<std::collections::BTreeSet<_>>().len();
    let checked = format!("checked {} in {:.2}s", plural(retros, "retro"), elapsed.as_secs_f64());
    if findings.is_empty() {
        format!("{checked}: no findings")
    } else {
        format!(
            "{checked}: {}, {} in {}",
            plural(tally.errors, "error"),
            plural(tally.warnings, "warning"),
            plural(files, "file")
        )
    }
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
