//! `retrobook report`: the review of a month, a quarter or a range of days,
//! as Markdown for the review document or JSON for other tools.

use super::Checked;
use crate::cli::{Global, ReportArgs, ReportFormat};
use crate::error::Error;
use crate::report::Report;
use crate::report::period::{Range, last_full_month};
use std::process::ExitCode;

pub fn run(args: &ReportArgs, global: &Global) -> Result<ExitCode, Error> {
    let root = super::root(global, None)?;
    let checked = Checked::run(&root, args.today, &[])?;
    let range = match (args.month.or(args.quarter), args.from, args.to) {
        (Some(period), _, _) => Range::of(period),
        (None, Some(from), Some(to)) if from <= to => Range { from, to },
        (None, Some(from), Some(to)) => {
            return Err(Error::new(format!("--from {from} is after --to {to}: the range would be empty")));
        }
        _ => Range::of(last_full_month(checked.today)),
    };
    let report = Report::new(&checked.repo.retros, &checked.repo.config, range, checked.today);
    let text = match args.format {
        ReportFormat::Json => report.json(),
        ReportFormat::Markdown => report.markdown(),
    };
    super::print_stdout(text.as_bytes())?;
    super::exit_without_freeing(checked);
    Ok(ExitCode::SUCCESS)
}
