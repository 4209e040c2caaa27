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

/// `-o` formats, as kubectl's. Shared by every command that prints objects.
/// The templates of `jsonpath=` and `custom-columns=` live as long as the
/// process (a few bytes, once), which keeps the format `Copy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// A human-readable table.
    #[default]
    Table,
    /// The table with more columns.
    Wide,
    /// The documented view as JSON (JSON lines with --watch).
    Json,
    /// The documented view as YAML (`---`-separated documents with --watch).
    Yaml,
    /// `<kind>.<group>/<name>` only.
    Name,
    /// `jsonpath=TEMPLATE` over the documented view.
    JsonPath(&'static str),
    /// `custom-columns=HEADER:PATH,...` over the documented view.
    CustomColumns(&'static str),
}

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
