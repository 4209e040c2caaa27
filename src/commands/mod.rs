//! One module per subcommand: thin imperative scripts over core, cluster and render.

pub mod common;
pub mod completion;
pub mod crd;
pub mod man;
pub mod reconcile;
pub mod version;
