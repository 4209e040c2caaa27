//! Pure core of kubectl-stackset: the `zalando.org/v1` API types and the
//! reconciliation engine. No kube client, no tokio, no clock, no I/O.

#![warn(missing_docs)]

pub mod api;
mod error;
pub mod lifecycle;
pub mod model;
pub mod observe;
pub mod plan;
#[cfg(test)]
mod properties;
pub mod reconcile;
pub mod resources;
pub mod segments;
pub mod shift;
pub mod simulate;
#[cfg(test)]
mod testing;
pub mod traffic;
mod util;

pub use error::Error;
pub use model::{Event, EventType, Kind, Object, ObjectRef, Options, Snapshot, TrafficMechanism};
pub use observe::StackFacts;
pub use plan::{Action, Plan, Reconciliation};
pub use reconcile::reconcile;
pub use simulate::simulate;
pub use traffic::{Blocked, Weights};
