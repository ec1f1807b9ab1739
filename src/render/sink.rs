//! Where rendered files go: a staged folder on disk (`build`), or memory
//! (`serve`, tests).

use crate::error::Error;
use std::io::Write;

/// A taker of site files. Most files are handed over whole; the few that
/// grow with the repo to tens of MB (the JSON API, the CSV) are written
/// as they are made, so they never sit in memory whole.
pub trait Sink: Sync {
    /// One file, whole; `path` is relative, with `/` separators.
    fn file(&self, path: String, bytes: Vec<u8>) -> Result<(), Error>;

    /// Files written together: `fill` gets one writer per path, in order.
    /// By default they are made in memory and handed to [`Sink::file`].
    fn streamed(
        &self,
        paths: &[String],
        fill: &mut dyn FnMut(&mut [&mut dyn Write]) -> std::io::Result<()>,
    ) -> Result<(), Error> {
        let mut buffers: Vec<Vec<u8>> = paths.iter().map(|_| Vec::new()).collect();
        let mut writers: Vec<&mut dyn Write> = buffers.iter_mut().map(|b| b as &mut dyn Write).collect();
        fill(&mut writers).map_err(|e| Error::new(format!("writing {}: {e}", paths.join(", "))))?;
        for (path, bytes) in paths.iter().zip(buffers) {
            self.file(path.clone(), bytes)?;
        }
        Ok(())
    }
}

/// Any function taking whole files is a sink.
impl<F: Fn(String, Vec<u8>) -> Result<(), Error> + Sync> Sink for F {
    fn file(&self, path: String, bytes: Vec<u8>) -> Result<(), Error> {
        self(path, bytes)
    }
}
