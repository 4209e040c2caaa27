//! One module per subcommand: thin imperative scripts over core, cluster and render.

pub mod crd;
pub mod version;
