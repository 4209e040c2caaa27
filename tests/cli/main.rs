//! The test binary that needs no cluster (`cargo test --test cli`): the
//! binary's help, usage errors, errors against servers that are not there or
//! know nothing, completion scripts and man pages, `crd`, install.sh and the
//! krew manifest. Tests that talk to a real API server are in
//! `tests/integration`. The layout is in tests/README.md.

#[path = "../common/mod.rs"]
mod common;
mod support;

mod completion;
mod crd;
mod errors;
mod harness;
mod help;
mod install;
mod krew;
mod man;
mod verbosity;
