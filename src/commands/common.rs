//! Helpers shared by commands: picking the StackSet a command is about.

use kube::Client;

use crate::cluster::inspect::resolve_stackset;
use crate::error::Failure;

/// NAME may be omitted when the namespace holds exactly one StackSet. A given
/// NAME is returned without a request (the command reads the object itself).
pub async fn resolve_stackset_name(
    client: &Client,
    ns: &str,
    name: Option<&str>,
) -> Result<String, Failure> {
    match name {
        Some(n) => Ok(n.to_string()),
        None => Ok(resolve_stackset(client, ns, None)
            .await?
            .metadata
            .name
            .unwrap_or_default()),
    }
}
