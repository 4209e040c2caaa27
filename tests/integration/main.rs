//! The cluster test binary (`cargo test --test integration`): every test here
//! runs against a real Kubernetes API server (see `support`), one namespace
//! per test. One file per command (`get.rs`, `traffic.rs`, `rollout.rs`, ...),
//! topic files for what crosses commands (`read.rs`, `watch.rs`, `output.rs`,
//! `conflicts.rs`, `faults.rs`, `differential.rs`, ...), and `fixtures` for the
//! StackSets the command files share. Tests that need no cluster are in
//! `tests/cli` (`cargo test --test cli`). The layout is in tests/README.md.

#[path = "../common/mod.rs"]
mod common;
mod fixtures;
mod support;

// One file per command.
mod apply;
mod completion;
mod controller;
mod create;
mod delete;
mod gc;
mod get;
mod list;
mod reconcile;
mod rollback;
mod rollout;
mod status;
mod traffic;

// Topics that cross commands.
mod conflicts;
mod control_plane;
mod differential;
mod fault_matrix;
mod faults;
mod idempotence;
mod incluster;
mod output;
mod read;
mod restarts;
mod secrets;
mod skipper;
mod toxiproxy;
mod upstream_controller;
mod upstream_e2e;
mod watch;
