//! Helpers shared by commands: picking the StackSet a command is about.

use kube::Client;
use stackset_core::api::StackSet;

use crate::cluster::snapshot::list_stacksets;
use crate::error::Failure;

/// NAME may be omitted when the namespace holds exactly one StackSet.
pub async fn resolve_stackset_name(
    client: &Client,
    ns: &str,
    name: Option<&str>,
) -> Result<String, Failure> {
    if let Some(n) = name {
        return Ok(n.to_string());
    }
    let all: Vec<StackSet> = list_stacksets(client, Some(ns)).await?;
    let names: Vec<String> = all.iter().filter_map(|s| s.metadata.name.clone()).collect();
    match names.as_slice() {
        [only] => Ok(only.clone()),
        [] => Err(
            Failure::error(format!("no StackSets found in namespace \"{ns}\"")).hint(
                "pick another namespace with -n, or create one with `kubectl stackset create`",
            ),
        ),
        many => Err(Failure::usage(format!(
            "namespace \"{ns}\" has {} StackSets; name one: {}",
            many.len(),
            many.join(", ")
        ))
        .hint("kubectl stackset <command> NAME")),
    }
}
