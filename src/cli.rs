//! The command line, as clap sees it.

use crate::check::report::Format;
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "retrobook", version, about = "Blameless incident retrospectives: checked, cross-linked, published")]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Repository root (default: the nearest folder upward holding book.toml)
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Print only findings and errors (`build`: only errors)
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more about what is done (`build`: every warning in full, and stage timings)
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// When to color the output
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Do not read action items' history from git (as `[history] enabled = false`)
    #[arg(long, global = true)]
    pub no_history: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check retros against the format and the rules (the CI gate)
    Check(CheckArgs),
    /// Check, then build the static site
    Build(BuildArgs),
    /// Build, serve on loopback, rebuild on change and reload the browser
    Serve(ServeArgs),
    /// Create book.toml, retros/ with an example, and .gitignore
    Init(InitArgs),
    /// Start a new retro from the template (never overwrites)
    New(NewArgs),
    /// Turn existing postmortems (Markdown) into draft retros (never overwrites)
    Import(ImportArgs),
    /// List action items across retros: a stand-up view
    Actions(ActionsArgs),
    /// The review of a month or quarter: incidents, availability, vendors, response
    Report(ReportArgs),
    /// Print the JSON Schema of the front matter, for editors
    Schema,
    /// Print shell completions
    Completions(CompletionsArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on (0 picks a free one)
    #[arg(long, default_value_t = 3000)]
    pub port: u16,
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: String,
    /// Open the site in a browser
    #[arg(long)]
    pub open: bool,
    /// The date overdue actions are judged against (default: today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<NaiveDate>,
    #[command(flatten)]
    pub tracker: TrackerArgs,
}

/// `--tracker FILE`, shared by every command that reads action items.
#[derive(Debug, Args)]
pub struct TrackerArgs {
    /// A tracker export to compare action items with (Jira CSV, `gh issue list --json`, Linear CSV);
    /// repeatable, added to [tracker].exports
    #[arg(long = "tracker", value_name = "FILE")]
    pub exports: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to set up (default: the current one)
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The retro's title
    pub title: String,
    /// Severity (default: the middle one of [retro].severities)
    #[arg(long)]
    pub severity: Option<String>,
    /// Date the incident started (default: today); also the file name prefix
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<NaiveDate>,
    /// Folder to write to (default: the source folder, or its year folder)
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Postmortems to import: files (read whatever their extension) or folders (their .md files)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Folder to write the retros to (default: the source folder)
    #[arg(long, value_name = "DIR")]
    pub into: Option<PathBuf>,
    /// Say what would be written, and write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ActionsArgs {
    /// Only this owner's items
    #[arg(long)]
    pub owner: Option<String>,
    /// Only items of retros that involve this service
    #[arg(long)]
    pub service: Option<String>,
    /// Only these statuses, comma-separated or repeated (`pending`: open or in-progress)
    #[arg(long, value_name = "STATUS", value_delimiter = ',', value_parser = StatusParser)]
    pub status: Vec<String>,
    /// Only overdue items
    #[arg(long)]
    pub overdue: bool,
    /// Only items whose status disagrees with their ticket in the tracker exports
    #[arg(long)]
    pub disagree: bool,
    /// Only open items whose own lines no commit changed for this long (`90d`, `12w`, `6m`;
    /// default [history].stale_days)
    #[arg(long, value_name = "AGE", num_args = 0..=1, default_missing_value = "", value_parser = parse_age)]
    pub stale: Option<Age>,
    /// Only items whose due date was moved at least once, most moved first
    #[arg(long)]
    pub slipped: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = ActionsFormat::Table)]
    pub format: ActionsFormat,
    /// The date overdue is judged against (default: today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<NaiveDate>,
    #[command(flatten)]
    pub tracker: TrackerArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ActionsFormat {
    Table,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The month to review, e.g. 2026-11 (default: the last month that has ended)
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month, conflicts_with_all = ["quarter", "from", "to"])]
    pub month: Option<crate::report::period::Calendar>,
    /// The quarter to review, e.g. 2026-Q3
    #[arg(long, value_name = "YYYY-QN", value_parser = parse_quarter, conflicts_with_all = ["from", "to"])]
    pub quarter: Option<crate::report::period::Calendar>,
    /// The first day to review (with --to)
    #[arg(long, value_name = "YYYY-MM-DD", requires = "to")]
    pub from: Option<NaiveDate>,
    /// The last day to review, included (with --from)
    #[arg(long, value_name = "YYYY-MM-DD", requires = "from")]
    pub to: Option<NaiveDate>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Markdown)]
    pub format: ReportFormat,
    /// The date figures are computed up to (default: today); a period not ended by then is "so far"
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Markdown,
    Json,
}

fn parse_month(text: &str) -> Result<crate::report::period::Calendar, String> {
    use crate::report::period::Calendar;
    match Calendar::parse(text) {
        Some(month @ Calendar::Month { .. }) => Ok(month),
        _ => Err(format!("`{text}` is not a month: write it as 2026-11")),
    }
}

fn parse_quarter(text: &str) -> Result<crate::report::period::Calendar, String> {
    use crate::report::period::Calendar;
    match Calendar::parse(text) {
        Some(quarter @ Calendar::Quarter { .. }) => Ok(quarter),
        _ => Err(format!("`{text}` is not a quarter: write it as 2026-Q3")),
    }
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Output folder (default: [build].output of book.toml, relative to the repo root)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Where the site will be served from, e.g. https://example.com/retros/
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// The date overdue actions are judged against (default: today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<NaiveDate>,
    #[command(flatten)]
    pub tracker: TrackerArgs,
    /// Build even when checks find errors
    #[arg(long)]
    pub allow_errors: bool,
    /// Fail at once (exit 2) when another build is writing the same output, instead of waiting
    #[arg(long)]
    pub no_wait: bool,
    /// Format of the findings printed before building
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Report only on these files or folders (the whole repo is still loaded)
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The date overdue actions are judged against (default: today)
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<NaiveDate>,
    #[command(flatten)]
    pub tracker: TrackerArgs,
    /// Exit 1 on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
}

/// The words `actions --status` takes: the action statuses and `pending`.
fn status_words() -> clap::builder::PossibleValuesParser {
    let words = crate::model::ActionStatus::WORDS.iter().copied().chain(["pending"]);
    clap::builder::PossibleValuesParser::new(words)
}

/// `--status` words, trimmed (`open, done` in one argument works), and an
/// unknown one a usage error that lists the accepted ones: otherwise a typo
/// silently matches no item.
#[derive(Clone)]
struct StatusParser;

impl clap::builder::TypedValueParser for StatusParser {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        let trimmed = value.to_str().map_or(value, |s| std::ffi::OsStr::new(s.trim()));
        status_words().parse_ref(cmd, arg, trimmed)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        let words: Vec<_> = status_words().possible_values()?.collect();
        Some(Box::new(words.into_iter()))
    }
}

/// An age in days; `None` for `--stale` without a value (the configured one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Age(pub Option<u32>);

/// An age as days: `90d`, `12w`, `6m` (30 days), `1y` (365 days), or bare
/// days; empty means the configured default.
fn parse_age(text: &str) -> Result<Age, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Age(None));
    }
    let (number, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => text.split_at(i),
        None => (text, "d"),
    };
    let factor = match unit {
        "d" => 1,
        "w" => 7,
        "m" => 30,
        "y" => 365,
        _ => {
            return Err(format!(
                "`{text}` is not an age; write days as `90d`, or weeks, months, years: `12w`, `6m`, `1y`"
            ));
        }
    };
    let n: u32 = number.parse().map_err(|_| format!("`{text}` is not an age; write it as `90d`"))?;
    match n.checked_mul(factor) {
        Some(0) => Err("the age must be at least one day".into()),
        Some(days) => Ok(Age(Some(days))),
        None => Err(format!("`{text}` is too long an age")),
    }
}

#[cfg(test)]
mod tests {
    use super::{Age, parse_age};

    #[test]
    fn ages_read_as_days() {
        assert_eq!(parse_age("90d"), Ok(Age(Some(90))));
        assert_eq!(parse_age("12w"), Ok(Age(Some(84))));
        assert_eq!(parse_age("6m"), Ok(Age(Some(180))));
        assert_eq!(parse_age("1y"), Ok(Age(Some(365))));
        assert_eq!(parse_age("45"), Ok(Age(Some(45))));
        assert_eq!(parse_age(""), Ok(Age(None)));
        assert!(parse_age("0d").is_err());
        assert!(parse_age("3 days").is_err());
        assert!(parse_age("d").is_err());
    }
}
