//! One module per subcommand: thin imperative scripts over core, cluster and render.

pub mod apply;
pub mod common;
pub mod completion;
pub mod crd;
pub mod create;
pub mod delete;
pub mod follow;
pub mod gc;
pub mod get;
pub mod history;
pub mod list;
pub mod man;
pub mod observe;
pub mod reconcile;
pub mod rollback;
pub mod rollout;
pub mod rollout_control;
pub mod status;
pub mod traffic;
pub mod traffic_set;
pub mod version;
