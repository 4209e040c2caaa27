//! `kubectl stackset version`.

use crate::error::Failure;
use crate::render::out;

pub fn run() -> Result<(), Failure> {
    out(&format!("kubectl-stackset {}\n", env!("CARGO_PKG_VERSION")))
}
