//! Reading for the read commands (`get`, `list`, `traffic`, `history`,
//! `status`): the objects of one or many StackSets with one LIST per kind,
//! label-scoped, and the Warning events about them. Nothing here writes.

use std::collections::BTreeMap;

use futures::StreamExt;
use futures::stream::BoxStream;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{Event, Service};
use k8s_openapi::api::networking::v1::Ingress;
use kube::api::{Api, ListParams};
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Client, Resource};
use serde::de::DeserializeOwned;
use stackset_core::api::constants::LABEL_STACKSET;
use stackset_core::api::{RouteGroup, Stack, StackSet};

use super::error::{Op, failure, status_code};
use super::retry::with_retries;
use super::snapshot::{NamespaceObjects, Scope, get_stackset, list_namespace, list_stacksets};
use crate::error::Failure;

/// The scope a read needs for one StackSet: RouteGroups only when it routes
/// through one (their CRD may be missing elsewhere); never ConfigMaps or
/// Secrets, which readiness does not depend on and a viewer may not read.
pub fn read_scope(stackset: &StackSet) -> Scope {
    Scope {
        routegroups: stackset.spec.routegroup.is_some(),
        config_maps: false,
        secrets: false,
        platform_credentials_sets: false,
    }
}

/// The StackSet a command is about. NAME may be omitted when the namespace
/// holds exactly one; the listed object is used then, so that resolving the
/// name costs no extra request.
pub async fn resolve_stackset(
    client: &Client,
    ns: &str,
    name: Option<&str>,
) -> Result<StackSet, Failure> {
    if let Some(n) = name {
        return get_stackset(client, ns, n).await;
    }
    let mut all = list_stacksets(client, Some(ns)).await?;
    match all.len() {
        1 => Ok(all.remove(0)),
        0 => Err(
            Failure::error(format!("no StackSets found in namespace \"{ns}\"")).hint(
                "pick another namespace with -n, or list every namespace with `kubectl stackset list -A`",
            ),
        ),
        n => {
            let mut names: Vec<String> = all.iter().filter_map(|s| s.metadata.name.clone()).collect();
            names.sort();
            Err(Failure::usage(format!(
                "namespace \"{ns}\" has {n} StackSets; name one: {}",
                names.join(", ")
            ))
            .hint("kubectl stackset <command> NAME"))
        }
    }
}

/// One StackSet's children: one LIST per kind, scoped by its `stackset` label.
pub async fn objects_of(client: &Client, stackset: &StackSet) -> Result<NamespaceObjects, Failure> {
    let ns = stackset.metadata.namespace.clone().unwrap_or_default();
    let name = stackset.metadata.name.clone().unwrap_or_default();
    list_namespace(client, &ns, Some(&name), read_scope(stackset)).await
}

/// Warning events, newest information left to the caller to sort. An
/// identity that may not list events gets `Err` with a one-line reason; the
/// read commands show that as a warning rather than failing.
pub async fn warning_events(client: &Client, ns: &str) -> Result<Vec<Event>, Failure> {
    let api: Api<Event> = Api::namespaced(client.clone(), ns);
    let params = ListParams::default().fields("type=Warning");
    with_retries(|| api.list(&params))
        .await
        .map(|l| l.items)
        .map_err(|e| {
            failure(
                Op {
                    verb: "list",
                    resource: "events",
                    group: "",
                    name: None,
                    namespace: Some(ns),
                },
                &e,
            )
        })
}

/// StackSets of a namespace (or of all with `None`), optionally filtered by a
/// label selector, sorted by namespace and name.
pub async fn stacksets(
    client: &Client,
    ns: Option<&str>,
    selector: Option<&str>,
) -> Result<Vec<StackSet>, Failure> {
    let mut items = match selector {
        None => list_stacksets(client, ns).await?,
        Some(sel) => {
            let api: Api<StackSet> = match ns {
                Some(ns) => Api::namespaced(client.clone(), ns),
                None => Api::all(client.clone()),
            };
            let params = ListParams::default().labels(sel);
            match with_retries(|| api.list(&params)).await {
                Ok(l) => l.items,
                Err(e) => {
                    let f = failure(
                        Op {
                            verb: "list",
                            resource: "stacksets",
                            group: "zalando.org",
                            name: None,
                            namespace: ns,
                        },
                        &e,
                    );
                    return Err(if status_code(&e) == Some(400) {
                        f.hint("check the -l selector syntax, e.g. team=checkout,tier!=batch")
                    } else {
                        f
                    });
                }
            }
        }
    };
    items.sort_by(|a, b| {
        (&a.metadata.namespace, &a.metadata.name).cmp(&(&b.metadata.namespace, &b.metadata.name))
    });
    Ok(items)
}

async fn list_any<K>(
    client: &Client,
    ns: Option<&str>,
    selector: &str,
    optional: bool,
) -> Result<Vec<K>, Failure>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
        + Clone
        + DeserializeOwned
        + std::fmt::Debug,
{
    let api: Api<K> = match ns {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    };
    let params = ListParams::default().labels(selector);
    let plural = K::plural(&()).to_string();
    let group = K::group(&()).to_string();
    match with_retries(|| api.list(&params)).await {
        Ok(list) => Ok(list.items),
        Err(kube::Error::Api(s)) if optional && s.code == 404 => Ok(Vec::new()),
        Err(e) => Err(failure(
            Op {
                verb: "list",
                resource: &plural,
                group: &group,
                name: None,
                namespace: ns,
            },
            &e,
        )),
    }
}

/// The children of many StackSets, filed by (namespace, StackSet name), with
/// one LIST per kind for all of them: `stackset in (a,b,...)` when the names
/// are few, every `stackset`-labelled object otherwise.
pub async fn objects_of_many(
    client: &Client,
    ns: Option<&str>,
    stacksets: &[StackSet],
) -> Result<BTreeMap<(String, String), NamespaceObjects>, Failure> {
    let mut filed: BTreeMap<(String, String), NamespaceObjects> = BTreeMap::new();
    if stacksets.is_empty() {
        return Ok(filed);
    }
    let mut names: Vec<&str> = stacksets
        .iter()
        .filter_map(|s| s.metadata.name.as_deref())
        .collect();
    names.sort_unstable();
    names.dedup();
    let sel = if names.len() <= 20 {
        format!("{LABEL_STACKSET} in ({})", names.join(","))
    } else {
        LABEL_STACKSET.to_string()
    };
    let routegroups = stacksets.iter().any(|s| s.spec.routegroup.is_some());
    let (stacks, deployments, services, hpas, ingresses) = tokio::try_join!(
        list_any::<Stack>(client, ns, &sel, false),
        list_any::<Deployment>(client, ns, &sel, false),
        list_any::<Service>(client, ns, &sel, false),
        list_any::<HorizontalPodAutoscaler>(client, ns, &sel, false),
        list_any::<Ingress>(client, ns, &sel, false),
    )?;
    let rgs = if routegroups {
        list_any::<RouteGroup>(client, ns, &sel, true).await?
    } else {
        Vec::new()
    };
    for ss in stacksets {
        let key = (
            ss.metadata.namespace.clone().unwrap_or_default(),
            ss.metadata.name.clone().unwrap_or_default(),
        );
        filed.entry(key).or_default();
    }
    fn file<K: Resource>(
        filed: &mut BTreeMap<(String, String), NamespaceObjects>,
        items: Vec<K>,
        put: impl Fn(&mut NamespaceObjects, K),
    ) {
        for item in items {
            let meta = item.meta();
            let key = (
                meta.namespace.clone().unwrap_or_default(),
                meta.labels
                    .as_ref()
                    .and_then(|l| l.get(LABEL_STACKSET))
                    .cloned()
                    .unwrap_or_default(),
            );
            if let Some(objects) = filed.get_mut(&key) {
                put(objects, item);
            }
        }
    }
    file(&mut filed, stacks, |o, x| o.stacks.push(x));
    file(&mut filed, deployments, |o, x| o.deployments.push(x));
    file(&mut filed, services, |o, x| o.services.push(x));
    file(&mut filed, hpas, |o, x| o.hpas.push(x));
    file(&mut filed, ingresses, |o, x| o.ingresses.push(x));
    file(&mut filed, rgs, |o, x| o.routegroups.push(x));
    Ok(filed)
}

/// A stream that yields whenever a StackSet, Stack or Deployment in scope
/// changes: the trigger of `--watch` and `status --until`. Errors (a watch
/// that is not allowed, a dropped connection) are retried with backoff by the
/// watcher and also yield, so the caller re-reads and reports them.
pub fn changes(
    client: &Client,
    ns: Option<&str>,
    stackset: Option<&str>,
) -> BoxStream<'static, ()> {
    fn apis<K>(client: &Client, ns: Option<&str>) -> Api<K>
    where
        K: Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>,
    {
        match ns {
            Some(ns) => Api::namespaced(client.clone(), ns),
            None => Api::all(client.clone()),
        }
    }
    let label = match stackset {
        Some(name) => format!("{LABEL_STACKSET}={name}"),
        None => LABEL_STACKSET.to_string(),
    };
    let ss_cfg = match stackset {
        Some(name) => watcher::Config::default().fields(&format!("metadata.name={name}")),
        None => watcher::Config::default(),
    };
    let ss = watcher(apis::<StackSet>(client, ns), ss_cfg)
        .backoff(super::retry::watch_backoff())
        .map(|_| ());
    let stacks = watcher(
        apis::<Stack>(client, ns),
        watcher::Config::default().labels(&label),
    )
    .backoff(super::retry::watch_backoff())
    .map(|_| ());
    let deps = watcher(
        apis::<Deployment>(client, ns),
        watcher::Config::default().labels(&label),
    )
    .backoff(super::retry::watch_backoff())
    .map(|_| ());
    futures::stream::select(ss, futures::stream::select(stacks, deps)).boxed()
}

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
