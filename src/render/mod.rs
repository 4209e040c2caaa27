//! Presentation: data to stdout, everything else to stderr.

use std::io::Write;

use crate::error::Failure;

pub mod diff;
#[cfg(test)]
mod fixtures;
pub mod jsonpath;
pub mod progress;
pub mod prompt;
pub mod style;
pub mod table;
pub mod view;
pub mod watch;
pub mod weights;

/// Writes data to stdout. A closed pipe (e.g. `| head`) is not an error.
pub fn out(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::error(format!("cannot write to stdout: {e}"))),
    }
}
