//! One module per subcommand: thin imperative scripts over core, cluster and render.

pub mod common;
pub mod crd;
pub mod get;
pub mod history;
pub mod list;
pub mod observe;
pub mod reconcile;
pub mod status;
pub mod traffic;
pub mod version;
