//! Pure core of kubectl-stackset: the `zalando.org/v1` API types and the
//! reconciliation engine. No kube client, no tokio, no clock, no I/O.
//!
//! The shell lists a StackSet's namespace into a [`Snapshot`], calls
//! [`reconcile`] with the current time and [`Options`], and executes the
//! returned [`Plan`] in order. A plan that creates a Stack must be followed by
//! a new snapshot (the Stack's children need its UID); for a dry run,
//! [`simulate()`] stands in for the cluster:
//!
//! ```
//! use stackset_core::{Options, Snapshot, reconcile, simulate};
//! use stackset_core::api::StackSet;
//!
//! let stackset: StackSet = serde_json::from_value(serde_json::json!({
//!     "apiVersion": "zalando.org/v1",
//!     "kind": "StackSet",
//!     "metadata": {"name": "my-app", "namespace": "default", "uid": "1234"},
//!     "spec": {
//!         "ingress": {"hosts": ["my-app.example.org"], "backendPort": 80},
//!         "stackLifecycle": {},
//!         "stackTemplate": {"spec": {
//!             "version": "v1",
//!             "podTemplate": {"spec": {"containers": [
//!                 {"name": "app", "image": "nginx", "ports": [{"containerPort": 80}]}
//!             ]}}
//!         }}
//!     }
//! }))
//! .unwrap();
//! let now = k8s_openapi::jiff::Timestamp::from_second(1_767_225_600).unwrap();
//! let options = Options { cluster_domains: vec!["example.org".into()], ..Options::default() };
//!
//! let mut snapshot = Snapshot::new(stackset);
//! let first = reconcile(&snapshot, &options, now);
//! assert!(first.plan.requires_resnapshot()); // creates my-app-v1 only
//! snapshot = simulate(&snapshot, &first.plan);
//! let second = reconcile(&snapshot, &options, now);
//! let lines: Vec<String> = second.plan.iter().map(ToString::to_string).collect();
//! assert!(lines.contains(&"create Deployment my-app-v1: missing".to_string()));
//! assert!(!second.plan.requires_resnapshot());
//! ```

#![warn(missing_docs)]

pub mod api;
mod error;
pub mod health;
pub mod lifecycle;
pub mod management;
pub mod model;
pub mod names;
pub mod observe;
pub mod plan;
#[cfg(test)]
mod properties;
pub mod reconcile;
pub mod resources;
pub mod rollout;
pub mod segments;
pub mod shift;
pub mod simulate;
#[cfg(test)]
mod testing;
pub mod traffic;
mod util;

pub use error::Error;
pub use management::ManagedBy;
pub use model::{
    Event, EventType, Kind, Managed, Object, ObjectRef, Options, Reason, Snapshot, TrafficMechanism,
};
pub use observe::StackFacts;
pub use plan::{Action, HeldStatus, Plan, Reconciliation};
pub use reconcile::reconcile;
pub use shift::{
    EditMode, ShiftObserved, Step, StepPlan, WeightError, next_step, parse_assignments, set_weights,
};
pub use simulate::{dry_run, simulate};
pub use traffic::{Blocked, Weights};
pub use util::{duration_text, parse_duration};
