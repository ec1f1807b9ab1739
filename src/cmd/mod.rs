//! One driver per subcommand: each runs the pipeline stages it needs.

pub mod actions;
pub mod build;
pub mod check;
pub mod import;
pub mod progress;
pub mod report;
pub mod scaffold;
pub mod schema;

use crate::check::report::{Detail, Format};
use crate::cli::{ColorChoice, Global};
use crate::config::find_root;
use crate::error::Error;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

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

/// Write `bytes` to stdout and flush. A reader that closed the pipe early
/// (`retrobook actions | head -3`) has all it wants: end the run quietly with
/// exit 0, as grep and ripgrep do, instead of an error or a panic. (Rust
/// ignores SIGPIPE, so the closed pipe shows up here as `BrokenPipe`.)
pub fn print_stdout(bytes: &[u8]) -> Result<(), Error> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(Error::new(format!("writing output: {e}"))),
    }
}

/// A run that stopped on `err` (exit code 2). A bad `book.toml` is also
/// printed in a machine `format`, so that CI shows an annotation and a SARIF
/// upload has a result instead of an empty file.
pub fn stopped(err: Error, format: crate::check::report::Format, root: &std::path::Path) -> Result<ExitCode, Error> {
    use crate::check::report::{Format, render};
    let Some(finding) = err.finding().filter(|_| format != Format::Human) else { return Err(err) };
    let mut finding = finding.clone();
    finding.hint = Some(finding.rule.fix().to_string());
    let text = render(&[finding], format, &Default::default(), root, false);
    print_stdout(text.as_bytes())?;
    eprintln!("error: {err}");
    Ok(ExitCode::from(2))
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

/// Leave what a run loaded to the operating system: the process is about
/// to exit, and freeing a large repo's millions of small allocations one by
/// one took a tenth of a second at the end of every run.
pub fn exit_without_freeing<T>(loaded: T) {
    std::mem::forget(loaded);
}

/// The first three stages, as `check` and `build` both run them.
pub struct Checked {
    pub repo: crate::load::Repo,
    pub graph: crate::link::LinkGraph,
    pub findings: Vec<crate::model::Finding>,
    pub today: chrono::NaiveDate,
    /// The items' history from git, once `read_history` ran (and was wanted).
    pub history: Option<crate::history::History>,
    started: std::time::Instant,
}

impl Checked {
    /// `trackers`: the `--tracker` exports, read besides `[tracker].exports`.
    pub fn run(
        root: &std::path::Path,
        today_flag: Option<chrono::NaiveDate>,
        trackers: &[PathBuf],
    ) -> Result<Checked, Error> {
        let started = std::time::Instant::now();
        let mut repo = crate::load::load_repo(root)?;
        repo.add_exports(trackers)?;
        let graph = crate::link::LinkGraph::build(&repo.retros);
        let today = today(today_flag);
        let findings = crate::check::run(&repo, &graph, today);
        Ok(Checked { repo, graph, findings, today, history: None, started })
    }

    /// Whether `stale-action` is on (it needs the history).
    pub fn wants_stale_rule(&self) -> bool {
        self.repo.config.level(crate::model::Rule::StaleAction) != crate::model::Level::Off
    }

    /// Read the items' history from git, unless `[history] enabled = false`
    /// or `--no-history`; print its notes (why it is missing or partial)
    /// unless `--quiet`; and add the `stale-action` findings when that rule
    /// is on. Never fails: a repo without history builds and checks as before.
    pub fn read_history(&mut self, global: &Global) {
        let config = &self.repo.config;
        if self.history.is_some() || !config.history.enabled || global.no_history {
            return;
        }
        let history = crate::history::read(&self.repo.root, config, &self.repo.retros, self.today);
        history.print_notes(global.quiet);
        if self.wants_stale_rule() {
            let mut stale = Vec::new();
            let days = config.history.stale_days;
            crate::check::stale::check_retros(&self.repo.retros, &history, self.today, days, &mut stale);
            crate::check::add_findings(&mut self.findings, stale, config);
        }
        self.history = Some(history);
    }

    /// Print the findings in `format`, people seeing them at `detail` (with
    /// a summary line on stderr), and count them.
    pub fn print(&self, format: Format, detail: Detail, global: &Global) -> Result<crate::check::Tally, Error> {
        let sources: std::collections::HashMap<&str, &str> =
            self.repo.retros.iter().map(|r| (r.path.as_str(), r.source.as_str())).collect();
        let color = use_color(global.color);
        let text = match format {
            Format::Human => crate::check::report::render_human(&self.findings, detail, &sources, color),
            _ => crate::check::report::render(&self.findings, format, &sources, &self.repo.root, color),
        };
        print_stdout(text.as_bytes())?;
        let tally = crate::check::Tally::of(&self.findings);
        if !global.quiet && format == Format::Human {
            eprintln!("{}", self.summary(tally));
        }
        Ok(tally)
    }

    fn summary(&self, tally: crate::check::Tally) -> String {
        use crate::text::plural;
        let files = self.findings.iter().map(|f| f.file.as_str()).collect::<std::collections::BTreeSet<_>>().len();
        let checked = format!(
            "checked {} in {:.2}s",
            plural(self.repo.retros.len(), "retro"),
            self.started.elapsed().as_secs_f64()
        );
        if self.findings.is_empty() {
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
}
