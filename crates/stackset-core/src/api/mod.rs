//! The `zalando.org/v1` API types: StackSet, Stack and the subsets of Skipper's
//! RouteGroup and of the PlatformCredentialsSet that the engine emits, plus
//! the label and annotation keys.
//!
//! This module owns the wire shapes only. It holds no reconciliation logic and
//! must not import anything from the engine modules.
//!
//! # Unknown and legacy fields
//!
//! Objects are read from clusters that may run any upstream controller version
//! and written back with a full `Update` (for example the `spec.traffic`
//! write-back). Dropping a field we do not model would erase it in the cluster,
//! so every CRD struct that upstream ever extended carries a flattened
//! `extra` map ([`Extra`]) that keeps unknown keys verbatim. Those maps are left
//! out of the generated CRD schema (`#[schemars(skip)]`), so the schema stays
//! structural and prunes unknown fields exactly like upstream's CRDs do.
//!
//! Fields that upstream removed (the pre-v1.4.12 `enabled` flag of ingress and
//! routegroup overrides, the pre-v1.4.13 `horizontalPodAutoscaler` block) are
//! typed so that the engine can recognise them and report a warning. They are
//! also skipped in the schema.

pub mod constants;
pub mod crd;
mod pcs;
mod routegroup;
mod spec;
mod stack;
mod stackset;

pub use pcs::{
    PcsClient, PlatformCredentialsSet, PlatformCredentialsSpec, PlatformCredentialsStatus,
};
pub use routegroup::{RouteGroup, RouteGroupResourceSpec};
pub use spec::*;
pub use stack::{PrescalingStatus, Stack, StackSpecInternal, StackStatus};
pub use stackset::{ActualTraffic, StackSet, StackSetSpec, StackSetStatus};

/// Unknown keys of an object, kept verbatim so that a read-modify-write cycle
/// does not lose fields written by a newer (or older) upstream controller.
pub type Extra = std::collections::BTreeMap<String, serde_json::Value>;
