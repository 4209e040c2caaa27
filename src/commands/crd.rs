//! `kubectl stackset crd`: the CRDs this plugin reads and writes, as YAML.

use kube::CustomResourceExt;
use stackset_core::api::RouteGroup;
use stackset_core::api::crd::crd_yaml;

use crate::cli::CrdArgs;
use crate::error::Failure;
use crate::render::out;

pub fn run(args: &CrdArgs) -> Result<(), Failure> {
    let mut text = crd_yaml().map_err(|e| Failure::error(e.to_string()))?;
    if args.with_routegroup {
        let yaml = serde_saphyr::to_string(&RouteGroup::crd()).map_err(|e| {
            Failure::error(format!("cannot render the routegroups crd as yaml: {e}"))
        })?;
        text.push_str("---\n");
        text.push_str(&yaml);
    }
    out(&text)
}
