//! kubectl-stackset: the imperative shell around `stackset_core`.
//!
//! Dependency direction: `cli` → `app` → `commands` → {`stackset_core`,
//! `cluster`, `render`}. Only `cluster` holds a kube client; only `render`
//! writes to stdout.

pub mod app;
pub mod cli;
pub mod cluster;
pub mod commands;
pub mod completion;
pub mod error;
pub mod logging;
pub mod manifest;
pub mod metrics;
pub mod render;
