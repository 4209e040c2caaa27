//! One module per subcommand: thin imperative scripts over core, cluster and render.

pub mod common;
pub mod crd;
pub mod reconcile;
pub mod version;
