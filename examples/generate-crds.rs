//! Writes the CRD files that stackset-core embeds
//! (`crates/stackset-core/crds/`) from the API types: `make generate` runs
//! it. It lives outside the core, which does no file I/O; the core's test
//! `embedded_crds_are_current` fails when the files are stale.

use std::path::Path;
use std::process::ExitCode;

use stackset_core::api::crd::{crd_values, routegroup_crd_yaml};

fn main() -> ExitCode {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/stackset-core/crds");
    let stackset = match crd_values().map_err(|e| e.to_string()).and_then(|v| {
        serde_json::to_string(&v)
            .map(|s| s + "\n")
            .map_err(|e| e.to_string())
    }) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot generate the StackSet and Stack CRDs: {e}");
            return ExitCode::FAILURE;
        }
    };
    let routegroup = match routegroup_crd_yaml() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot generate the RouteGroup CRD: {e}");
            return ExitCode::FAILURE;
        }
    };
    for (file, text) in [("stackset.json", stackset), ("routegroup.yaml", routegroup)] {
        let path = dir.join(file);
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
