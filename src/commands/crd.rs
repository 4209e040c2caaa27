//! `kubectl stackset crd`: the CRDs this plugin reads and writes, as YAML.
//!
//! The YAML is generated at build time of the sources (`make generate`) and
//! embedded: generating it at run time would put schemars and the schemas
//! of all embedded Kubernetes types into the binary.

use stackset_core::api::crd::{EMBEDDED_ROUTEGROUP_CRD_YAML, embedded_crd_yaml};

use crate::cli::CrdArgs;
use crate::error::Failure;
use crate::render::out;

pub fn run(args: &CrdArgs) -> Result<(), Failure> {
    let mut text = embedded_crd_yaml().map_err(|e| Failure::error(e.to_string()))?;
    if args.with_routegroup {
        text.push_str("---\n");
        text.push_str(EMBEDDED_ROUTEGROUP_CRD_YAML);
    }
    out(&text)
}
