//! Reading what the core needs: one LIST per kind, scoped to the namespace and
//! to objects labelled `stackset` (every object a StackSet owns carries it);
//! ConfigMaps and Secrets are read by name, only those a Stack references.
//! The core files the objects by owner UID itself.

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{ConfigMap, Secret, Service};
use k8s_openapi::api::networking::v1::Ingress;
use kube::api::{Api, ListParams};
use kube::{Client, Resource};
use serde::de::DeserializeOwned;
use stackset_core::Snapshot;
use stackset_core::api::constants::LABEL_STACKSET;
use stackset_core::api::{PlatformCredentialsSet, RouteGroup, Stack, StackSet};

use super::error::{Op, failure};
use super::retry::with_retries;
use crate::error::Failure;

/// What to list besides the always-needed kinds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope {
    pub routegroups: bool,
    pub config_maps: bool,
    pub secrets: bool,
    pub platform_credentials_sets: bool,
}

/// Everything a set of StackSets in one namespace owns, listed once.
#[derive(Debug, Clone, Default)]
pub struct NamespaceObjects {
    pub stacks: Vec<Stack>,
    pub deployments: Vec<Deployment>,
    pub services: Vec<Service>,
    pub hpas: Vec<HorizontalPodAutoscaler>,
    pub ingresses: Vec<Ingress>,
    pub routegroups: Vec<RouteGroup>,
    pub config_maps: Vec<ConfigMap>,
    pub secrets: Vec<Secret>,
    pub platform_credentials_sets: Vec<PlatformCredentialsSet>,
}

impl NamespaceObjects {
    /// The snapshot of one StackSet (the core ignores objects it does not own).
    pub fn snapshot_for(&self, stackset: StackSet) -> Snapshot {
        Snapshot {
            stackset,
            stacks: self.stacks.clone(),
            deployments: self.deployments.clone(),
            services: self.services.clone(),
            hpas: self.hpas.clone(),
            ingresses: self.ingresses.clone(),
            routegroups: self.routegroups.clone(),
            config_maps: self.config_maps.clone(),
            secrets: self.secrets.clone(),
            platform_credentials_sets: self.platform_credentials_sets.clone(),
        }
    }
}

async fn list<K>(
    client: &Client,
    ns: &str,
    selector: &str,
    optional: bool,
) -> Result<Vec<K>, Failure>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
        + Clone
        + DeserializeOwned
        + std::fmt::Debug,
{
    let api: Api<K> = Api::namespaced(client.clone(), ns);
    let params = ListParams::default().labels(selector);
    let plural = K::plural(&()).to_string();
    let group = K::group(&()).to_string();
    let op = Op {
        verb: "list",
        resource: &plural,
        group: &group,
        name: None,
        namespace: Some(ns),
    };
    match with_retries(|| api.list(&params)).await {
        Ok(list) => Ok(list.items),
        // A kind whose CRD is not installed (RouteGroups without Skipper) is empty.
        Err(kube::Error::Api(s)) if optional && s.code == 404 => Ok(Vec::new()),
        Err(e) => Err(failure(op, &e)),
    }
}

/// The ConfigMaps and Secrets the stacks reference
/// (`configurationResources`), each name once.
pub fn referenced_names(stacks: &[Stack]) -> (Vec<String>, Vec<String>) {
    let mut config_maps = std::collections::BTreeSet::new();
    let mut secrets = std::collections::BTreeSet::new();
    for r in stacks
        .iter()
        .flat_map(|s| s.spec.spec.configuration_resources.iter().flatten())
    {
        if let Some(c) = &r.config_map_ref {
            config_maps.insert(c.name.clone());
        }
        if let Some(c) = &r.secret_ref {
            secrets.insert(c.name.clone());
        }
    }
    (
        config_maps.into_iter().collect(),
        secrets.into_iter().collect(),
    )
}

/// GETs the named objects (at once); a missing one is left out, for the core
/// to report.
pub async fn get_named<K>(client: &Client, ns: &str, names: &[String]) -> Result<Vec<K>, Failure>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope, DynamicType = ()>
        + Clone
        + DeserializeOwned
        + std::fmt::Debug,
{
    let api: Api<K> = Api::namespaced(client.clone(), ns);
    let plural = K::plural(&()).to_string();
    let group = K::group(&()).to_string();
    let gets = names.iter().map(|name| {
        let api = api.clone();
        let (plural, group) = (&plural, &group);
        async move {
            with_retries(|| api.get_opt(name)).await.map_err(|e| {
                failure(
                    Op {
                        verb: "get",
                        resource: plural,
                        group,
                        name: Some(name),
                        namespace: Some(ns),
                    },
                    &e,
                )
            })
        }
    });
    let found = futures::future::try_join_all(gets).await?;
    Ok(found.into_iter().flatten().collect())
}

/// The label selector for the objects of one StackSet, or of all of them.
pub fn selector(stackset: Option<&str>) -> String {
    match stackset {
        Some(name) => format!("{LABEL_STACKSET}={name}"),
        None => LABEL_STACKSET.to_string(),
    }
}

/// Lists every kind once for the namespace. `stackset` narrows the LISTs to
/// one StackSet's objects.
pub async fn list_namespace(
    client: &Client,
    ns: &str,
    stackset: Option<&str>,
    scope: Scope,
) -> Result<NamespaceObjects, Failure> {
    let sel = selector(stackset);
    let (stacks, deployments, services, hpas, ingresses) = tokio::try_join!(
        list::<Stack>(client, ns, &sel, false),
        list::<Deployment>(client, ns, &sel, false),
        list::<Service>(client, ns, &sel, false),
        list::<HorizontalPodAutoscaler>(client, ns, &sel, false),
        list::<Ingress>(client, ns, &sel, false),
    )?;
    let routegroups = if scope.routegroups {
        list::<RouteGroup>(client, ns, &sel, true).await?
    } else {
        Vec::new()
    };
    // ConfigMaps and Secrets are read by name, only those a Stack
    // references: never the namespace's, data included.
    let (config_map_names, secret_names) = referenced_names(&stacks);
    let config_maps = if scope.config_maps {
        get_named::<ConfigMap>(client, ns, &config_map_names).await?
    } else {
        Vec::new()
    };
    let secrets = if scope.secrets {
        get_named::<Secret>(client, ns, &secret_names).await?
    } else {
        Vec::new()
    };
    // Generated PlatformCredentialsSets carry the Stack's labels, so the
    // StackSet selector finds them.
    let platform_credentials_sets = if scope.platform_credentials_sets {
        list::<PlatformCredentialsSet>(client, ns, &sel, false).await?
    } else {
        Vec::new()
    };
    Ok(NamespaceObjects {
        stacks,
        deployments,
        services,
        hpas,
        ingresses,
        routegroups,
        config_maps,
        secrets,
        platform_credentials_sets,
    })
}

/// GETs one StackSet.
pub async fn get_stackset(client: &Client, ns: &str, name: &str) -> Result<StackSet, Failure> {
    let api: Api<StackSet> = Api::namespaced(client.clone(), ns);
    let op = Op {
        verb: "get",
        resource: "stacksets",
        group: "zalando.org",
        name: Some(name),
        namespace: Some(ns),
    };
    match with_retries(|| api.get(name)).await {
        Ok(s) => Ok(s),
        Err(kube::Error::Api(s))
            if s.code == 404 && s.message.contains("the server could not find") =>
        {
            Err(failure(Op { name: None, ..op }, &kube::Error::Api(s)))
        }
        Err(e) => Err(failure(op, &e).hint_if_missing(
            "list the StackSets with `kubectl stackset list` (or -A for every namespace)",
        )),
    }
}

/// GETs one StackSet; `None` when there is none of that name.
pub async fn find_stackset(
    client: &Client,
    ns: &str,
    name: &str,
) -> Result<Option<StackSet>, Failure> {
    let api: Api<StackSet> = Api::namespaced(client.clone(), ns);
    with_retries(|| api.get_opt(name)).await.map_err(|e| {
        failure(
            Op {
                verb: "get",
                resource: "stacksets",
                group: "zalando.org",
                name: Some(name),
                namespace: Some(ns),
            },
            &e,
        )
    })
}

/// The names of the Stacks that the StackSet `name` with `uid` owns.
pub async fn owned_stacks(
    client: &Client,
    ns: &str,
    name: &str,
    uid: Option<&str>,
) -> Result<Vec<String>, Failure> {
    let api: Api<Stack> = Api::namespaced(client.clone(), ns);
    let params = ListParams::default().labels(&selector(Some(name)));
    let op = Op {
        verb: "list",
        resource: "stacks",
        group: "zalando.org",
        name: None,
        namespace: Some(ns),
    };
    let stacks = with_retries(|| api.list(&params))
        .await
        .map_err(|e| failure(op, &e))?;
    Ok(stacks
        .items
        .into_iter()
        .filter(|s| stackset_core::observe::has_owner(&s.metadata, uid))
        .filter_map(|s| s.metadata.name)
        .collect())
}

/// LISTs the StackSets of a namespace, or of every namespace when `ns` is None.
pub async fn list_stacksets(client: &Client, ns: Option<&str>) -> Result<Vec<StackSet>, Failure> {
    let api: Api<StackSet> = match ns {
        Some(ns) => Api::namespaced(client.clone(), ns),
        None => Api::all(client.clone()),
    };
    let op = Op {
        verb: "list",
        resource: "stacksets",
        group: "zalando.org",
        name: None,
        namespace: ns,
    };
    let params = ListParams::default();
    with_retries(|| api.list(&params))
        .await
        .map(|l| l.items)
        .map_err(|e| failure(op, &e))
}
