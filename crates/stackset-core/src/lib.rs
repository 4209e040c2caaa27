//! Pure core of kubectl-stackset: the `zalando.org/v1` API types and the
//! reconciliation engine. No kube client, no tokio, no clock, no I/O.

pub mod api;
