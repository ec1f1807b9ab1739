//! `retrobook schema` and `retrobook completions`: files for editors and shells.

use crate::cli::{Cli, CompletionsArgs, Global};
use crate::config::Config;
use crate::error::Error;
use std::process::ExitCode;

/// The front matter's JSON Schema, with this repo's severities and factor
/// categories when run inside one (the defaults elsewhere).
pub fn schema(global: &Global) -> Result<ExitCode, Error> {
    let config = match super::root(global, None) {
        Ok(root) => Config::load(&root)?,
        Err(_) if global.root.is_none() => Config::default(),
        Err(e) => return Err(e),
    };
    let schema = crate::schema::front_matter_schema(&config);
    let text = serde_json::to_string_pretty(&schema).expect("a schema is JSON") + "\n";
    super::print_stdout(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

pub fn completions(args: &CompletionsArgs) -> Result<ExitCode, Error> {
    use clap::CommandFactory;
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "retrobook", &mut script);
    super::print_stdout(&script)?;
    Ok(ExitCode::SUCCESS)
}
