//! The error that stops a command: bad usage, bad configuration or I/O.
//! (Problems in retros are not errors but `Finding`s.) Exit code 2.

use std::fmt;
use std::path::Path;

#[derive(Debug)]
pub struct Error {
    message: String,
}

impl Error {
    pub fn new(message: impl Into<String>) -> Error {
        Error { message: message.into() }
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
