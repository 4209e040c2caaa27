//! Names for shell completion: StackSets, stack versions and namespaces from
//! the cluster (metadata-only LISTs, so a completion transfers no specs), and
//! contexts, clusters and users from the kubeconfig. Callers treat every error
//! as "no candidates".

use std::path::Path;

use k8s_openapi::api::core::v1::Namespace;
use kube::api::{Api, ListParams};
use kube::config::Kubeconfig;
use stackset_core::api::constants::{LABEL_STACK_VERSION, LABEL_STACKSET};
use stackset_core::api::{Stack, StackSet};

use super::error::{Op, failure};
use super::retry::with_retries;
use super::{ConnectOptions, connect};
use crate::error::Failure;

/// Names and one-line descriptions from a kubeconfig.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KubeconfigEntries {
    /// Contexts, described as `cluster/namespace`.
    pub contexts: Vec<(String, Option<String>)>,
    /// Clusters, described by their server URL.
    pub clusters: Vec<(String, Option<String>)>,
    /// Users (auth infos), undescribed: their fields are credentials.
    pub users: Vec<(String, Option<String>)>,
}

/// Reads `path`, or what kubectl would read ($KUBECONFIG, then ~/.kube/config).
pub fn kubeconfig_entries(path: Option<&Path>) -> Result<KubeconfigEntries, Failure> {
    let kc = match path {
        Some(p) => Kubeconfig::read_from(p),
        None => Kubeconfig::read(),
    }
    .map_err(|e| Failure::error(format!("cannot read the kubeconfig: {e}")))?;
    let contexts = kc
        .contexts
        .iter()
        .map(|c| {
            let help = c.context.as_ref().map(|ctx| {
                format!(
                    "{}/{}",
                    ctx.cluster,
                    ctx.namespace.as_deref().unwrap_or("default")
                )
            });
            (c.name.clone(), help)
        })
        .collect();
    let clusters = kc
        .clusters
        .iter()
        .map(|c| {
            let help = c.cluster.as_ref().and_then(|cl| cl.server.clone());
            (c.name.clone(), help)
        })
        .collect();
    let users = kc
        .auth_infos
        .iter()
        .map(|u| (u.name.clone(), None))
        .collect();
    Ok(KubeconfigEntries {
        contexts,
        clusters,
        users,
    })
}

/// StackSet names in the namespace the flags resolve to.
pub async fn stackset_names(global: &ConnectOptions) -> Result<Vec<String>, Failure> {
    let conn = connect(global).await?;
    let api: Api<StackSet> = Api::namespaced(conn.client, &conn.namespace);
    let params = ListParams::default();
    let list = with_retries(|| api.list_metadata(&params))
        .await
        .map_err(|e| failure(op("stacksets", "zalando.org", Some(&conn.namespace)), &e))?;
    let mut names: Vec<String> = list
        .items
        .into_iter()
        .filter_map(|m| m.metadata.name)
        .collect();
    names.sort();
    Ok(names)
}

/// `(version, stack name)` of the stacks of `stackset`, or of every StackSet in
/// the namespace when it is not known yet. Sorted by version.
pub async fn stack_versions(
    global: &ConnectOptions,
    stackset: Option<&str>,
) -> Result<Vec<(String, String)>, Failure> {
    let conn = connect(global).await?;
    let api: Api<Stack> = Api::namespaced(conn.client, &conn.namespace);
    let selector = match stackset {
        Some(s) => format!("{LABEL_STACKSET}={s}"),
        None => LABEL_STACKSET.to_string(),
    };
    let params = ListParams::default().labels(&selector);
    let list = with_retries(|| api.list_metadata(&params))
        .await
        .map_err(|e| failure(op("stacks", "zalando.org", Some(&conn.namespace)), &e))?;
    let mut out: Vec<(String, String)> = list
        .items
        .into_iter()
        .filter_map(|m| {
            let name = m.metadata.name?;
            let labels = m.metadata.labels.unwrap_or_default();
            let version = labels.get(LABEL_STACK_VERSION).cloned().or_else(|| {
                let owner = labels.get(LABEL_STACKSET)?;
                name.strip_prefix(&format!("{owner}-")).map(str::to_string)
            })?;
            Some((version, name))
        })
        .collect();
    out.sort();
    out.dedup_by(|a, b| a.0 == b.0);
    Ok(out)
}

/// Namespace names (empty when the user may not list namespaces).
pub async fn namespace_names(global: &ConnectOptions) -> Result<Vec<String>, Failure> {
    let conn = connect(global).await?;
    let api: Api<Namespace> = Api::all(conn.client);
    let params = ListParams::default();
    let list = with_retries(|| api.list_metadata(&params))
        .await
        .map_err(|e| failure(op("namespaces", "", None), &e))?;
    let mut names: Vec<String> = list
        .items
        .into_iter()
        .filter_map(|m| m.metadata.name)
        .collect();
    names.sort();
    Ok(names)
}

fn op<'a>(resource: &'a str, group: &'a str, namespace: Option<&'a str>) -> Op<'a> {
    Op {
        verb: "list",
        resource,
        group,
        name: None,
        namespace,
    }
}
