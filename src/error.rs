//! The error that stops a command: bad usage, bad configuration or I/O.
//! (Problems in retros are not errors but `Finding`s.) Exit code 2.

use crate::model::{Finding, Pos, Rule};
use std::fmt;
use std::path::Path;

#[derive(Debug)]
pub struct Error {
    message: String,
    /// A bad `book.toml` as a finding, so that machine formats can report
    /// it like any other (an annotation, a SARIF result).
    finding: Option<Box<Finding>>,
}

impl Error {
    pub fn new(message: impl Into<String>) -> Error {
        Error { message: message.into(), finding: None }
    }

    /// An error in the configuration file, at a position in it.
    pub fn in_config(file: &str, pos: Pos, message: &str) -> Error {
        Error::in_file(Rule::InvalidConfig, file, pos, message)
    }

    /// An error in an input file the run cannot do without (`book.toml`, a
    /// tracker export), at a position in it.
    pub fn in_file(rule: Rule, file: &str, pos: Pos, message: &str) -> Error {
        Error {
            message: format!("{file}:{}:{}: {message}", pos.line, pos.column),
            finding: Some(Box::new(Finding::new(rule, file, pos, message))),
        }
    }

    pub fn finding(&self) -> Option<&Finding> {
        self.finding.as_deref()
    }

    pub fn io(path: &Path, err: std::io::Error) -> Error {
        Error::new(format!("{}: {err}", path.display()))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
