//! The desired sub-resources of a Stack (Deployment, Service, HPA, per-stack
//! and segment Ingress/RouteGroup) and of a StackSet in backend-weights mode
//! (central Ingress/RouteGroup), plus the update rules of reference 3.13.
//!
//! Every generated object carries the Stack's labels, the `stack-generation`
//! annotation and exactly one ownerReference (no `controller`, no
//! `blockOwnerDeletion`), like upstream's.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::autoscaling::v2::{
    ContainerResourceMetricSource, CrossVersionObjectReference, ExternalMetricSource,
    HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec, MetricIdentifier, MetricSpec,
    MetricTarget, ObjectMetricSource, PodsMetricSource, ResourceMetricSource,
};
use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec as K8sIngressSpec, ServiceBackendPort,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta, OwnerReference};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::api::constants::*;
use crate::api::{
    AutoscalerMetricType, AutoscalerMetrics, IngressSpec, PlatformCredentialsSet,
    PlatformCredentialsSetSpec, PlatformCredentialsSpec, RouteGroup, RouteGroupBackend,
    RouteGroupBackendReference, RouteGroupResourceSpec, RouteGroupSpec, Stack, StackSet,
};
use crate::segments::PercentSegment;
use crate::util::sha1_hex;

/// The single ownerReference pointing at `kind` `name`/`uid`.
pub(crate) fn owner_reference(kind: &str, name: &str, uid: &str) -> OwnerReference {
    OwnerReference {
        api_version: API_VERSION.to_string(),
        kind: kind.to_string(),
        name: name.to_string(),
        uid: uid.to_string(),
        controller: None,
        block_owner_deletion: None,
    }
}

fn name_of(meta: &ObjectMeta) -> &str {
    meta.name.as_deref().unwrap_or("")
}

/// Common metadata of a sub-resource: the Stack's labels, the
/// `stack-generation` annotation and the Stack as the only owner.
pub(crate) fn sub_resource_meta(stack: &Stack, name: &str) -> ObjectMeta {
    let mut annotations = BTreeMap::new();
    annotations.insert(
        ANNOTATION_STACK_GENERATION.to_string(),
        stack.metadata.generation.unwrap_or(0).to_string(),
    );
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: stack.metadata.namespace.clone(),
        labels: Some(stack.metadata.labels.clone().unwrap_or_default()),
        annotations: Some(annotations),
        owner_references: Some(vec![owner_reference(
            KIND_STACK,
            name_of(&stack.metadata),
            stack.metadata.uid.as_deref().unwrap_or(""),
        )]),
        ..ObjectMeta::default()
    }
}

/// Carries the identity of an existing object over to its replacement so that
/// an `Update` (PUT) succeeds with optimistic concurrency.
pub(crate) fn keep_identity(desired: &mut ObjectMeta, existing: &ObjectMeta) {
    desired.uid = existing.uid.clone();
    desired.resource_version = existing.resource_version.clone();
    desired.creation_timestamp = existing.creation_timestamp.clone();
    desired.generation = existing.generation;
}

/// The selector labels `{stackset, stack-version}`.
pub(crate) fn selector_labels(stackset: &str, version: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (LABEL_STACKSET.to_string(), stackset.to_string()),
        (LABEL_STACK_VERSION.to_string(), version.to_string()),
    ])
}

/// Per-stack hostnames: `<stack>.<domain>` for each host that ends with a
/// cluster domain (plain string suffix), de-duplicated and sorted.
pub fn per_stack_hosts(
    hosts: &[String],
    stack_name: &str,
    cluster_domains: &[String],
) -> Vec<String> {
    let mut out = BTreeSet::new();
    for host in hosts {
        for domain in cluster_domains {
            if !domain.is_empty() && host.ends_with(domain.as_str()) {
                out.insert(format!("{stack_name}.{domain}"));
            }
        }
    }
    out.into_iter().collect()
}

/// The Deployment `spec.replicas` decision (reference 3.7).
///
/// `desired` is the prescale target while prescaling is active, else the
/// stack's `replicas`. If it is non-zero and the stack is not scaled down: a
/// Deployment at 0 (or a new one) gets `desired`; without an HPA a differing
/// count is corrected; with an HPA the current count stays (the HPA owns it).
/// Otherwise the Deployment goes to 0.
pub fn deployment_replicas(
    desired: i32,
    scaled_down: bool,
    current: Option<i32>,
    has_hpa: bool,
) -> i32 {
    if desired != 0 && !scaled_down {
        match current {
            None | Some(0) => desired,
            Some(c) if !has_hpa && c != desired => desired,
            Some(c) => c,
        }
    } else {
        0
    }
}

/// The desired Deployment. The selector of an existing Deployment is kept
/// (it is immutable).
pub(crate) fn desired_deployment(
    stack: &Stack,
    stackset_name: &str,
    version: &str,
    replicas: i32,
    existing: Option<&Deployment>,
) -> Deployment {
    let name = name_of(&stack.metadata);
    let mut meta = sub_resource_meta(stack, name);
    if let Some(e) = existing {
        keep_identity(&mut meta, &e.metadata);
    }
    let spec = &stack.spec.spec;
    let mut template = spec.pod_template.clone();
    let mut pod_meta = template.metadata.take().unwrap_or_default();
    let mut pod_labels = pod_meta.labels.take().unwrap_or_default();
    for (k, v) in stack.metadata.labels.clone().unwrap_or_default() {
        pod_labels.entry(k).or_insert(v);
    }
    pod_meta.labels = Some(pod_labels);
    template.metadata = Some(ObjectMeta {
        labels: pod_meta.labels,
        annotations: pod_meta.annotations,
        ..ObjectMeta::default()
    });
    let selector = existing
        .and_then(|e| e.spec.as_ref())
        .map(|s| s.selector.clone())
        .unwrap_or_else(|| LabelSelector {
            match_labels: Some(selector_labels(stackset_name, version)),
            match_expressions: None,
        });
    Deployment {
        metadata: meta,
        spec: Some(DeploymentSpec {
            replicas: Some(replicas),
            min_ready_seconds: spec.min_ready_seconds,
            selector,
            template,
            strategy: spec.strategy.clone(),
            ..DeploymentSpec::default()
        }),
        status: None,
    }
}

/// Service ports: `service.ports` when set (protocol defaulted to TCP), else
/// every containerPort of every container, named after the container port or
/// `port-<container>-<port>`.
pub(crate) fn service_ports(stack: &Stack) -> Vec<ServicePort> {
    let spec = &stack.spec.spec;
    if let Some(ports) = spec.service.as_ref().and_then(|s| s.ports.clone()) {
        return ports
            .into_iter()
            .map(|mut p| {
                if p.protocol.as_deref().is_none_or(str::is_empty) {
                    p.protocol = Some("TCP".into());
                }
                p
            })
            .collect();
    }
    let containers = spec
        .pod_template
        .spec
        .as_ref()
        .map(|s| s.containers.as_slice())
        .unwrap_or(&[]);
    let mut ports = Vec::new();
    for (ci, container) in containers.iter().enumerate() {
        for (pi, port) in container.ports.as_deref().unwrap_or(&[]).iter().enumerate() {
            ports.push(ServicePort {
                name: Some(
                    port.name
                        .clone()
                        .filter(|n| !n.is_empty())
                        .unwrap_or_else(|| format!("port-{ci}-{pi}")),
                ),
                port: port.container_port,
                target_port: Some(IntOrString::Int(port.container_port)),
                protocol: Some(
                    port.protocol
                        .clone()
                        .filter(|p| !p.is_empty())
                        .unwrap_or_else(|| "TCP".into()),
                ),
                ..ServicePort::default()
            });
        }
    }
    ports
}

/// Whether a Service port matches the backend port: by number for an int,
/// by name for a string.
pub(crate) fn port_matches(ports: &[ServicePort], backend: &IntOrString) -> bool {
    ports.iter().any(|p| match backend {
        IntOrString::Int(n) => p.port == *n,
        IntOrString::String(s) => p.name.as_deref() == Some(s.as_str()),
    })
}

/// Display form of a backend port.
pub(crate) fn port_text(port: &IntOrString) -> String {
    match port {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

/// The desired Service; `clusterIP(s)` of an existing Service are kept.
pub(crate) fn desired_service(
    stack: &Stack,
    stackset_name: &str,
    version: &str,
    ports: Vec<ServicePort>,
    existing: Option<&Service>,
) -> Service {
    let name = name_of(&stack.metadata);
    let mut meta = sub_resource_meta(stack, name);
    let extra = stack
        .spec
        .spec
        .service
        .as_ref()
        .and_then(|s| s.metadata.as_ref())
        .and_then(|m| m.annotations.clone())
        .unwrap_or_default();
    if let Some(a) = meta.annotations.as_mut() {
        for (k, v) in extra {
            a.entry(k).or_insert(v);
        }
    }
    let mut spec = ServiceSpec {
        type_: Some("ClusterIP".into()),
        selector: Some(selector_labels(stackset_name, version)),
        ports: Some(ports),
        ..ServiceSpec::default()
    };
    if let Some(e) = existing {
        keep_identity(&mut meta, &e.metadata);
        if let Some(es) = e.spec.as_ref() {
            spec.cluster_ip = es.cluster_ip.clone();
            spec.cluster_ips = es.cluster_ips.clone();
        }
    }
    Service {
        metadata: meta,
        spec: Some(spec),
        status: None,
    }
}

fn metric_sort_key(
    m: &AutoscalerMetrics,
) -> (
    String,
    String,
    i32,
    String,
    String,
    String,
    String,
    String,
    String,
) {
    (
        m.type_.as_str().to_string(),
        m.average.as_ref().map(|q| q.0.clone()).unwrap_or_default(),
        m.average_utilization.unwrap_or(0),
        m.container.clone().unwrap_or_default(),
        m.queue.as_ref().map(|q| q.name.clone()).unwrap_or_default(),
        m.endpoint
            .as_ref()
            .map(|e| e.name.clone())
            .unwrap_or_default(),
        m.zmon
            .as_ref()
            .map(|z| z.check_id.clone())
            .unwrap_or_default(),
        m.requests_per_second
            .as_ref()
            .map(|r| r.hostnames.join(","))
            .unwrap_or_default(),
        m.scaling_schedule
            .as_ref()
            .map(|s| s.name.clone())
            .or_else(|| m.cluster_scaling_schedule.as_ref().map(|s| s.name.clone()))
            .unwrap_or_default(),
    )
}

fn average_value(m: &AutoscalerMetrics) -> Result<MetricTarget, String> {
    let average = m
        .average
        .clone()
        .ok_or_else(|| format!("{} metric requires an average value", m.type_.as_str()))?;
    Ok(MetricTarget {
        type_: "AverageValue".into(),
        average_value: Some(average),
        ..MetricTarget::default()
    })
}

fn identifier(name: &str, selector: Option<BTreeMap<String, String>>) -> MetricIdentifier {
    MetricIdentifier {
        name: name.to_string(),
        selector: selector.map(|l| LabelSelector {
            match_labels: Some(l),
            match_expressions: None,
        }),
    }
}

fn object_metric(
    api_version: &str,
    kind: &str,
    object: &str,
    metric: MetricIdentifier,
    target: MetricTarget,
) -> MetricSpec {
    MetricSpec {
        type_: "Object".into(),
        object: Some(ObjectMetricSource {
            described_object: CrossVersionObjectReference {
                api_version: Some(api_version.into()),
                kind: kind.into(),
                name: object.into(),
            },
            metric,
            target,
        }),
        ..MetricSpec::default()
    }
}

fn external_metric(metric: MetricIdentifier, target: MetricTarget) -> MetricSpec {
    MetricSpec {
        type_: "External".into(),
        external: Some(ExternalMetricSource { metric, target }),
        ..MetricSpec::default()
    }
}

/// Maps autoscaler metrics to HPA metrics and the `metric-config.*`
/// annotations of kube-metrics-adapter, sorted in upstream's order (the index
/// in SQS/ZMON metric names is the position after sorting).
pub(crate) fn hpa_metrics(
    metrics: &[AutoscalerMetrics],
    stack_name: &str,
    namespace: &str,
    actual_weight: u32,
) -> Result<(Vec<MetricSpec>, BTreeMap<String, String>), String> {
    let mut sorted: Vec<&AutoscalerMetrics> = metrics.iter().collect();
    sorted.sort_by_key(|m| metric_sort_key(m));
    let mut out = Vec::new();
    let mut annotations = BTreeMap::new();
    let segment = format!("{stack_name}{SEGMENT_SUFFIX}");
    for (i, m) in sorted.into_iter().enumerate() {
        let spec = match m.type_ {
            AutoscalerMetricType::Cpu | AutoscalerMetricType::Memory => {
                let resource = if m.type_ == AutoscalerMetricType::Cpu {
                    "cpu"
                } else {
                    "memory"
                };
                let utilization = m.average_utilization.ok_or_else(|| {
                    format!("{} metric requires averageUtilization", m.type_.as_str())
                })?;
                let target = MetricTarget {
                    type_: "Utilization".into(),
                    average_utilization: Some(utilization),
                    ..MetricTarget::default()
                };
                match &m.container {
                    Some(container) => MetricSpec {
                        type_: "ContainerResource".into(),
                        container_resource: Some(ContainerResourceMetricSource {
                            container: container.clone(),
                            name: resource.into(),
                            target,
                        }),
                        ..MetricSpec::default()
                    },
                    None => MetricSpec {
                        type_: "Resource".into(),
                        resource: Some(ResourceMetricSource {
                            name: resource.into(),
                            target,
                        }),
                        ..MetricSpec::default()
                    },
                }
            }
            AutoscalerMetricType::AmazonSQS => {
                let queue = m
                    .queue
                    .as_ref()
                    .ok_or("AmazonSQS metric requires a queue")?;
                let selector = BTreeMap::from([
                    ("type".to_string(), "sqs-queue-length".to_string()),
                    ("queue-name".to_string(), queue.name.clone()),
                    ("region".to_string(), queue.region.clone()),
                ]);
                external_metric(
                    identifier(&format!("sqs-queue-len-{i}"), Some(selector)),
                    average_value(m)?,
                )
            }
            AutoscalerMetricType::PodJSON => {
                let ep = m
                    .endpoint
                    .as_ref()
                    .ok_or("PodJSON metric requires an endpoint")?;
                let prefix = format!("metric-config.pods.{}.json-path", ep.name);
                annotations.insert(format!("{prefix}/json-key"), ep.key.clone());
                annotations.insert(format!("{prefix}/path"), ep.path.clone());
                annotations.insert(format!("{prefix}/port"), ep.port.to_string());
                MetricSpec {
                    type_: "Pods".into(),
                    pods: Some(PodsMetricSource {
                        metric: identifier(&ep.name, None),
                        target: average_value(m)?,
                    }),
                    ..MetricSpec::default()
                }
            }
            AutoscalerMetricType::Ingress => object_metric(
                "networking.k8s.io/v1",
                "Ingress",
                &segment,
                identifier(&format!("requests-per-second,{stack_name}"), None),
                average_value(m)?,
            ),
            AutoscalerMetricType::RouteGroup => object_metric(
                API_VERSION,
                KIND_ROUTEGROUP,
                &segment,
                identifier(
                    "requests-per-second",
                    Some(BTreeMap::from([(
                        "backend".to_string(),
                        stack_name.to_string(),
                    )])),
                ),
                average_value(m)?,
            ),
            AutoscalerMetricType::RequestsPerSecond => {
                let rps = m
                    .requests_per_second
                    .as_ref()
                    .ok_or("RequestsPerSecond metric requires hostnames")?;
                let metric_name = format!("{stack_name}-rps");
                let prefix = format!("metric-config.external.{metric_name}.requests-per-second");
                annotations.insert(format!("{prefix}/hostnames"), rps.hostnames.join(","));
                annotations.insert(format!("{prefix}/weight"), actual_weight.to_string());
                let selector =
                    BTreeMap::from([("type".to_string(), "requests-per-second".to_string())]);
                external_metric(identifier(&metric_name, Some(selector)), average_value(m)?)
            }
            AutoscalerMetricType::Zmon => {
                let zmon = m.zmon.as_ref().ok_or("ZMON metric requires a zmon check")?;
                let metric_name = format!("zmon-check-{i}");
                let mut selector = BTreeMap::from([
                    ("type".to_string(), "zmon".to_string()),
                    ("check-id".to_string(), zmon.check_id.clone()),
                    (
                        "duration".to_string(),
                        zmon.duration.clone().unwrap_or_else(|| "5m".into()),
                    ),
                    (
                        "stack".to_string(),
                        sha1_hex(format!("{namespace}-{stack_name}").as_bytes()),
                    ),
                ]);
                if let Some(aggs) = zmon.aggregators.as_ref().filter(|a| !a.is_empty()) {
                    selector.insert("aggregators".into(), aggs.join(","));
                }
                let prefix = format!("metric-config.external.{metric_name}.zmon");
                annotations.insert(format!("{prefix}/key"), zmon.key.clone());
                for (k, v) in zmon.tags.clone().unwrap_or_default() {
                    annotations.insert(format!("{prefix}/tag-{k}"), v);
                }
                external_metric(identifier(&metric_name, Some(selector)), average_value(m)?)
            }
            AutoscalerMetricType::ScalingSchedule
            | AutoscalerMetricType::ClusterScalingSchedule => {
                let (kind, schedule) = if m.type_ == AutoscalerMetricType::ScalingSchedule {
                    (
                        "ScalingSchedule",
                        m.scaling_schedule.as_ref().map(|s| s.name.clone()),
                    )
                } else {
                    (
                        "ClusterScalingSchedule",
                        m.cluster_scaling_schedule.as_ref().map(|s| s.name.clone()),
                    )
                };
                let schedule =
                    schedule.ok_or_else(|| format!("{kind} metric requires a schedule name"))?;
                object_metric(
                    API_VERSION,
                    kind,
                    &schedule,
                    identifier(&schedule, None),
                    average_value(m)?,
                )
            }
        };
        out.push(spec);
    }
    Ok((out, annotations))
}

/// The desired HPA (autoscaling/v2). `minReplicas` is raised to the prescale
/// target while prescaling is active.
pub(crate) fn desired_hpa(
    stack: &Stack,
    prescale_replicas: Option<i32>,
    actual_weight: u32,
    existing: Option<&HorizontalPodAutoscaler>,
) -> Result<HorizontalPodAutoscaler, String> {
    let name = name_of(&stack.metadata);
    let autoscaler = stack.spec.spec.autoscaler.as_ref().ok_or("no autoscaler")?;
    let namespace = stack.metadata.namespace.clone().unwrap_or_default();
    let (metrics, metric_annotations) =
        hpa_metrics(&autoscaler.metrics, name, &namespace, actual_weight)?;
    let mut meta = sub_resource_meta(stack, name);
    if let Some(a) = meta.annotations.as_mut() {
        a.extend(metric_annotations);
    }
    if let Some(e) = existing {
        keep_identity(&mut meta, &e.metadata);
    }
    let min_replicas = match (autoscaler.min_replicas, prescale_replicas) {
        (Some(min), Some(p)) => Some(min.max(p)),
        (None, Some(p)) => Some(p),
        (min, None) => min,
    };
    Ok(HorizontalPodAutoscaler {
        metadata: meta,
        spec: HorizontalPodAutoscalerSpec {
            scale_target_ref: CrossVersionObjectReference {
                api_version: Some("apps/v1".into()),
                kind: "Deployment".into(),
                name: name.into(),
            },
            min_replicas,
            max_replicas: autoscaler.max_replicas,
            metrics: Some(metrics),
            behavior: autoscaler.behavior.clone(),
        },
        status: None,
    })
}

fn ingress_backend(service: &str, port: &IntOrString) -> IngressBackend {
    let port = match port {
        IntOrString::Int(n) => ServiceBackendPort {
            number: Some(*n),
            name: None,
        },
        IntOrString::String(s) => ServiceBackendPort {
            number: None,
            name: Some(s.clone()),
        },
    };
    IngressBackend {
        service: Some(IngressServiceBackend {
            name: service.into(),
            port: Some(port),
        }),
        resource: None,
    }
}

fn ingress_rules(hosts: &[String], paths: &[HTTPIngressPath]) -> Vec<IngressRule> {
    hosts
        .iter()
        .map(|h| IngressRule {
            host: Some(h.clone()),
            http: Some(HTTPIngressRuleValue {
                paths: paths.to_vec(),
            }),
        })
        .collect()
}

fn ingress_path(path: &str, service: &str, port: &IntOrString) -> HTTPIngressPath {
    HTTPIngressPath {
        // The API server stores an empty path as absent (Go's omitempty), so
        // an empty path is generated as absent too; otherwise the observed
        // Ingress would never equal the desired one and every reconcile would
        // rewrite it.
        path: (!path.is_empty()).then(|| path.to_string()),
        path_type: "ImplementationSpecific".into(),
        backend: ingress_backend(service, port),
    }
}

/// Applies `--sync-ingress-annotation`: each listed key takes its value from
/// the StackSet's current annotations, or is removed when absent there.
pub(crate) fn sync_annotations(
    annotations: &mut BTreeMap<String, String>,
    keys: &[String],
    current: &BTreeMap<String, String>,
) {
    for key in keys {
        match current.get(key) {
            Some(v) => {
                annotations.insert(key.clone(), v.clone());
            }
            None => {
                annotations.remove(key);
            }
        }
    }
}

/// The desired per-stack Ingress (`segment = None`, hosts `<stack>.<domain>`)
/// or segment Ingress (original hosts, `TrafficSegment` predicate, synced
/// annotations).
pub(crate) fn desired_ingress(
    stack: &Stack,
    ingress: &IngressSpec,
    port: &IntOrString,
    hosts: Vec<String>,
    segment: Option<(PercentSegment, &[String], &BTreeMap<String, String>)>,
    existing: Option<&Ingress>,
) -> Ingress {
    let stack_name = name_of(&stack.metadata);
    let name = match segment {
        Some(_) => format!("{stack_name}{SEGMENT_SUFFIX}"),
        None => stack_name.to_string(),
    };
    let mut meta = sub_resource_meta(stack, &name);
    let mut annotations = ingress.annotations();
    if let Some((seg, sync_keys, current)) = segment {
        let user = annotations
            .get(ANNOTATION_SKIPPER_PREDICATE)
            .cloned()
            .unwrap_or_default();
        let predicate = if user.trim().is_empty() {
            seg.predicate()
        } else {
            format!("{} && {user}", seg.predicate())
        };
        annotations.insert(ANNOTATION_SKIPPER_PREDICATE.into(), predicate);
        sync_annotations(&mut annotations, sync_keys, current);
    }
    if let Some(a) = meta.annotations.as_mut() {
        for (k, v) in annotations {
            a.entry(k).or_insert(v);
        }
    }
    if let Some(e) = existing {
        keep_identity(&mut meta, &e.metadata);
    }
    let mut hosts = hosts;
    hosts.sort();
    hosts.dedup();
    let path = ingress_path(ingress.path.as_deref().unwrap_or(""), stack_name, port);
    Ingress {
        metadata: meta,
        spec: Some(K8sIngressSpec {
            rules: Some(ingress_rules(&hosts, &[path])),
            ..K8sIngressSpec::default()
        }),
        status: None,
    }
}

/// The desired PlatformCredentialsSet for one `platformCredentialsSet`
/// configuration resource of `stack`: named as the entry says, the usual
/// sub-resource metadata (the Stack's labels, the `stack-generation`
/// annotation, the Stack as the only owner), and a spec for the Stack's
/// `application` label with token version `v2` and the entry's tokens. An
/// existing object keeps its identity and status. Fails like upstream when
/// the Stack has no `application` label.
pub(crate) fn desired_pcs(
    stack: &Stack,
    pcs: &PlatformCredentialsSetSpec,
    existing: Option<&PlatformCredentialsSet>,
) -> Result<PlatformCredentialsSet, String> {
    let application = stack
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(LABEL_APPLICATION))
        .cloned()
        .ok_or_else(|| format!("stack has no label {LABEL_APPLICATION}"))?;
    let mut meta = sub_resource_meta(stack, &pcs.name);
    let mut status = None;
    if let Some(e) = existing {
        keep_identity(&mut meta, &e.metadata);
        status = e.status.clone();
    }
    Ok(PlatformCredentialsSet {
        metadata: meta,
        spec: PlatformCredentialsSpec {
            application,
            clients: None,
            tokens: pcs.tokens.clone(),
            token_version: PCS_TOKEN_VERSION.to_string(),
            extra: Default::default(),
        },
        status,
    })
}

/// Annotations compared the way upstream compares them: by key count and
/// values, ignoring the keys in `ignore`.
pub(crate) fn annotations_equal(
    a: Option<&BTreeMap<String, String>>,
    b: Option<&BTreeMap<String, String>>,
    ignore: &[&str],
) -> bool {
    let strip = |m: Option<&BTreeMap<String, String>>| -> BTreeMap<String, String> {
        m.cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|(k, _)| !ignore.contains(&k.as_str()))
            .collect()
    };
    strip(a) == strip(b)
}

/// Checks that no additional backend is named like a stack or points at a
/// stack's Service.
pub(crate) fn check_additional_backends(
    rg: &RouteGroupSpec,
    stack_names: &[String],
) -> Result<(), String> {
    for b in rg.additional_backends.as_deref().unwrap_or(&[]) {
        if stack_names.contains(&b.name)
            || b.service_name
                .as_ref()
                .is_some_and(|s| stack_names.contains(s))
        {
            return Err(format!(
                "additional backend {} conflicts with a stack name",
                b.name
            ));
        }
    }
    Ok(())
}

/// The desired per-stack RouteGroup or (with `segment`) segment RouteGroup.
pub(crate) fn desired_routegroup(
    stack: &Stack,
    rg: &RouteGroupSpec,
    port: i32,
    hosts: Vec<String>,
    segment: Option<(PercentSegment, &[String], &BTreeMap<String, String>)>,
    existing: Option<&RouteGroup>,
) -> RouteGroup {
    let stack_name = name_of(&stack.metadata);
    let name = match segment {
        Some(_) => format!("{stack_name}{SEGMENT_SUFFIX}"),
        None => stack_name.to_string(),
    };
    let mut meta = sub_resource_meta(stack, &name);
    let mut annotations = rg.annotations();
    let mut routes = rg.routes.clone();
    if let Some((seg, sync_keys, current)) = segment {
        for route in &mut routes {
            route
                .predicates
                .get_or_insert_with(Vec::new)
                .push(seg.predicate());
        }
        sync_annotations(&mut annotations, sync_keys, current);
    }
    if let Some(a) = meta.annotations.as_mut() {
        for (k, v) in annotations {
            a.entry(k).or_insert(v);
        }
    }
    if let Some(e) = existing {
        keep_identity(&mut meta, &e.metadata);
    }
    let mut backends = vec![RouteGroupBackend {
        name: stack_name.into(),
        type_: "service".into(),
        service_name: Some(stack_name.into()),
        service_port: Some(port),
        algorithm: rg.lb_algorithm.clone(),
        ..RouteGroupBackend::default()
    }];
    backends.extend(rg.additional_backends.clone().unwrap_or_default());
    backends.sort_by(|a, b| a.name.cmp(&b.name));
    let mut hosts = hosts;
    hosts.sort();
    hosts.dedup();
    RouteGroup {
        metadata: meta,
        spec: RouteGroupResourceSpec {
            hosts,
            backends,
            default_backends: Some(vec![RouteGroupBackendReference {
                backend_name: stack_name.into(),
                weight: Some(100),
            }]),
            routes,
            extra: Default::default(),
        },
    }
}

/// Metadata of a StackSet-owned object (legacy central Ingress/RouteGroup):
/// labels `{stackset: <name>}` plus the StackSet's labels, the StackSet as owner.
fn central_meta(stackset: &StackSet, annotations: BTreeMap<String, String>) -> ObjectMeta {
    let ss_name = name_of(&stackset.metadata).to_string();
    let mut labels = BTreeMap::from([(LABEL_STACKSET.to_string(), ss_name.clone())]);
    labels.extend(stackset.metadata.labels.clone().unwrap_or_default());
    ObjectMeta {
        name: Some(ss_name.clone()),
        namespace: stackset.metadata.namespace.clone(),
        labels: Some(labels),
        annotations: Some(annotations),
        owner_references: Some(vec![owner_reference(
            KIND_STACKSET,
            &ss_name,
            stackset.metadata.uid.as_deref().unwrap_or(""),
        )]),
        ..ObjectMeta::default()
    }
}

/// The backend-weights JSON: stack name → actual weight, only weights > 0,
/// keys sorted, e.g. `{"my-app-v1":90,"my-app-v2":10}`.
pub fn backend_weights_json(actual: &BTreeMap<String, u32>) -> String {
    let map: BTreeMap<&String, u32> = actual
        .iter()
        .filter(|(_, w)| **w > 0)
        .map(|(k, w)| (k, *w))
        .collect();
    serde_json::to_string(&map).unwrap_or_else(|_| "{}".into())
}

/// The legacy central Ingress `<stackset>` (reference 3.11). `None` when no
/// stack has traffic ("invalid ingress, no paths defined").
pub(crate) fn central_ingress(
    stackset: &StackSet,
    ingress: &IngressSpec,
    port: &IntOrString,
    actual: &BTreeMap<String, u32>,
    weights_key: &str,
    timestamp: &str,
    existing: Option<&Ingress>,
) -> Option<Ingress> {
    let mut annotations = ingress.annotations();
    annotations.insert(ANNOTATION_TRAFFIC_AUTHORITATIVE.into(), "false".into());
    annotations.insert(weights_key.into(), backend_weights_json(actual));
    annotations.insert(ANNOTATION_UPDATED_TIMESTAMP.into(), timestamp.into());
    let mut meta = central_meta(stackset, annotations);
    if let Some(e) = existing {
        keep_identity(&mut meta, &e.metadata);
    }
    let path = ingress.path.as_deref().unwrap_or("");
    let paths: Vec<HTTPIngressPath> = actual
        .iter()
        .filter(|(_, w)| **w > 0)
        .map(|(stack, _)| ingress_path(path, stack, port))
        .collect();
    if paths.is_empty() {
        return None;
    }
    let mut hosts = ingress.hosts.clone();
    hosts.sort();
    hosts.dedup();
    Some(Ingress {
        metadata: meta,
        spec: Some(K8sIngressSpec {
            rules: Some(ingress_rules(&hosts, &paths)),
            ..K8sIngressSpec::default()
        }),
        status: None,
    })
}

/// The legacy central RouteGroup `<stackset>` (reference 3.11).
pub(crate) fn central_routegroup(
    stackset: &StackSet,
    rg: &RouteGroupSpec,
    port: i32,
    stacks: &[String],
    actual: &BTreeMap<String, u32>,
    timestamp: &str,
    existing: Option<&RouteGroup>,
) -> RouteGroup {
    let mut annotations = rg.annotations();
    annotations.insert(ANNOTATION_UPDATED_TIMESTAMP.into(), timestamp.into());
    let mut meta = central_meta(stackset, annotations);
    if let Some(e) = existing {
        keep_identity(&mut meta, &e.metadata);
    }
    let mut backends: Vec<RouteGroupBackend> = stacks
        .iter()
        .map(|s| RouteGroupBackend {
            name: s.clone(),
            type_: "service".into(),
            service_name: Some(s.clone()),
            service_port: Some(port),
            algorithm: rg.lb_algorithm.clone(),
            ..RouteGroupBackend::default()
        })
        .collect();
    backends.extend(rg.additional_backends.clone().unwrap_or_default());
    backends.sort_by(|a, b| a.name.cmp(&b.name));
    let defaults: Vec<RouteGroupBackendReference> = actual
        .iter()
        .filter(|(_, w)| **w > 0)
        .map(|(s, w)| RouteGroupBackendReference {
            backend_name: s.clone(),
            weight: Some(i32::try_from(*w).unwrap_or(100)),
        })
        .collect();
    let mut hosts = rg.hosts.clone();
    hosts.sort();
    hosts.dedup();
    RouteGroup {
        metadata: meta,
        spec: RouteGroupResourceSpec {
            hosts,
            backends,
            default_backends: Some(defaults),
            routes: rg.routes.clone(),
            extra: Default::default(),
        },
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::{Container, ContainerPort, PodSpec};
    use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

    use super::*;
    use crate::api::{
        MetricsClusterScalingSchedule, MetricsEndpoint, MetricsQueue, MetricsRequestsPerSecond,
        MetricsScalingSchedule, MetricsZmon, StackServiceSpec,
    };

    fn metric(type_: AutoscalerMetricType) -> AutoscalerMetrics {
        AutoscalerMetrics {
            type_,
            average: None,
            average_utilization: None,
            endpoint: None,
            queue: None,
            zmon: None,
            scaling_schedule: None,
            cluster_scaling_schedule: None,
            requests_per_second: None,
            container: None,
            extra: Default::default(),
        }
    }

    fn avg(mut m: AutoscalerMetrics, v: &str) -> AutoscalerMetrics {
        m.average = Some(Quantity(v.into()));
        m
    }

    #[test]
    fn per_stack_hosts_table() {
        struct Case {
            name: &'static str,
            hosts: Vec<&'static str>,
            domains: Vec<&'static str>,
            want: Vec<&'static str>,
        }
        let cases = vec![
            Case {
                name: "matching domain",
                hosts: vec!["my-app.example.org"],
                domains: vec!["example.org"],
                want: vec!["my-app-v1.example.org"],
            },
            Case {
                name: "no matching domain",
                hosts: vec!["my-app.other.com"],
                domains: vec!["example.org"],
                want: vec![],
            },
            Case {
                name: "several domains, deduplicated and sorted",
                hosts: vec!["a.example.org", "b.example.org", "a.internal"],
                domains: vec!["internal", "example.org"],
                want: vec!["my-app-v1.example.org", "my-app-v1.internal"],
            },
            Case {
                name: "no domains",
                hosts: vec!["my-app.example.org"],
                domains: vec![],
                want: vec![],
            },
        ];
        for case in cases {
            let hosts: Vec<String> = case.hosts.iter().map(|h| (*h).to_string()).collect();
            let domains: Vec<String> = case.domains.iter().map(|h| (*h).to_string()).collect();
            assert_eq!(
                per_stack_hosts(&hosts, "my-app-v1", &domains),
                case.want,
                "{}",
                case.name
            );
        }
    }

    #[test]
    fn deployment_replicas_policy() {
        struct Case {
            name: &'static str,
            desired: i32,
            scaled_down: bool,
            current: Option<i32>,
            hpa: bool,
            want: i32,
        }
        let cases = [
            Case {
                name: "new deployment",
                desired: 3,
                scaled_down: false,
                current: None,
                hpa: false,
                want: 3,
            },
            Case {
                name: "scale up from zero with hpa",
                desired: 3,
                scaled_down: false,
                current: Some(0),
                hpa: true,
                want: 3,
            },
            Case {
                name: "correct drift without hpa",
                desired: 3,
                scaled_down: false,
                current: Some(5),
                hpa: false,
                want: 3,
            },
            Case {
                name: "hpa owns the count",
                desired: 3,
                scaled_down: false,
                current: Some(7),
                hpa: true,
                want: 7,
            },
            Case {
                name: "scaled down",
                desired: 3,
                scaled_down: true,
                current: Some(3),
                hpa: false,
                want: 0,
            },
            Case {
                name: "replicas zero",
                desired: 0,
                scaled_down: false,
                current: Some(3),
                hpa: true,
                want: 0,
            },
        ];
        for case in cases {
            assert_eq!(
                deployment_replicas(case.desired, case.scaled_down, case.current, case.hpa),
                case.want,
                "{}",
                case.name
            );
        }
    }

    fn stack_with(containers: Vec<Container>, service: Option<StackServiceSpec>) -> Stack {
        let mut stack = Stack::new("my-app-v1", Default::default());
        stack.spec.spec.pod_template.spec = Some(PodSpec {
            containers,
            ..PodSpec::default()
        });
        stack.spec.spec.service = service;
        stack
    }

    fn container(ports: &[(Option<&str>, i32)]) -> Container {
        Container {
            name: "c".into(),
            ports: Some(
                ports
                    .iter()
                    .map(|(n, p)| ContainerPort {
                        name: n.map(String::from),
                        container_port: *p,
                        ..ContainerPort::default()
                    })
                    .collect(),
            ),
            ..Container::default()
        }
    }

    #[test]
    fn service_ports_table() {
        struct Case {
            name: &'static str,
            stack: Stack,
            want: Vec<(&'static str, i32)>,
            backend: IntOrString,
            matches: bool,
        }
        let explicit = StackServiceSpec {
            ports: Some(vec![ServicePort {
                name: Some("web".into()),
                port: 8080,
                ..ServicePort::default()
            }]),
            ..StackServiceSpec::default()
        };
        let cases = vec![
            Case {
                name: "derived from every container port",
                stack: stack_with(
                    vec![
                        container(&[(None, 80), (Some("metrics"), 9090)]),
                        container(&[(None, 7000)]),
                    ],
                    None,
                ),
                want: vec![("port-0-0", 80), ("metrics", 9090), ("port-1-0", 7000)],
                backend: IntOrString::Int(80),
                matches: true,
            },
            Case {
                name: "named backend port matches by name",
                stack: stack_with(vec![container(&[(Some("http"), 80)])], None),
                want: vec![("http", 80)],
                backend: IntOrString::String("http".into()),
                matches: true,
            },
            Case {
                name: "explicit service ports replace the derived ones",
                stack: stack_with(vec![container(&[(None, 80)])], Some(explicit)),
                want: vec![("web", 8080)],
                backend: IntOrString::Int(80),
                matches: false,
            },
            Case {
                name: "no port matches",
                stack: stack_with(vec![container(&[(None, 80)])], None),
                want: vec![("port-0-0", 80)],
                backend: IntOrString::String("http".into()),
                matches: false,
            },
        ];
        for case in cases {
            let ports = service_ports(&case.stack);
            let got: Vec<(String, i32)> = ports
                .iter()
                .map(|p| (p.name.clone().unwrap_or_default(), p.port))
                .collect();
            let want: Vec<(String, i32)> = case
                .want
                .iter()
                .map(|(n, p)| ((*n).to_string(), *p))
                .collect();
            assert_eq!(got, want, "{}", case.name);
            assert!(
                ports.iter().all(|p| p.protocol.as_deref() == Some("TCP")),
                "{}",
                case.name
            );
            assert_eq!(
                port_matches(&ports, &case.backend),
                case.matches,
                "{}",
                case.name
            );
        }
    }

    #[test]
    fn hpa_metric_mapping() {
        let mut cpu = metric(AutoscalerMetricType::Cpu);
        cpu.average_utilization = Some(50);
        let mut mem = metric(AutoscalerMetricType::Memory);
        mem.average_utilization = Some(70);
        mem.container = Some("app".into());
        let mut sqs = avg(metric(AutoscalerMetricType::AmazonSQS), "30");
        sqs.queue = Some(MetricsQueue {
            name: "q".into(),
            region: "eu-central-1".into(),
        });
        let mut pod = avg(metric(AutoscalerMetricType::PodJSON), "10");
        pod.endpoint = Some(MetricsEndpoint {
            port: 9090,
            path: "/metrics".into(),
            key: "$.x".into(),
            name: "x".into(),
        });
        let ingress = avg(metric(AutoscalerMetricType::Ingress), "20");
        let rg = avg(metric(AutoscalerMetricType::RouteGroup), "20");
        let mut zmon = avg(metric(AutoscalerMetricType::Zmon), "5");
        zmon.zmon = Some(MetricsZmon {
            check_id: "1234".into(),
            key: "custom.value".into(),
            duration: None,
            aggregators: Some(vec!["avg".into(), "max".into()]),
            tags: Some(BTreeMap::from([("app".into(), "my-app".into())])),
        });
        let mut schedule = avg(metric(AutoscalerMetricType::ScalingSchedule), "10");
        schedule.scaling_schedule = Some(MetricsScalingSchedule {
            name: "peak".into(),
        });
        let mut cluster_schedule = avg(metric(AutoscalerMetricType::ClusterScalingSchedule), "10");
        cluster_schedule.cluster_scaling_schedule = Some(MetricsClusterScalingSchedule {
            name: "global".into(),
        });
        let mut rps = avg(metric(AutoscalerMetricType::RequestsPerSecond), "100");
        rps.requests_per_second = Some(MetricsRequestsPerSecond {
            hostnames: vec!["a.org".into(), "b.org".into()],
        });

        let input = vec![
            zmon,
            rps,
            cpu,
            sqs,
            pod,
            ingress,
            rg,
            mem,
            schedule,
            cluster_schedule,
        ];
        let (metrics, annotations) =
            hpa_metrics(&input, "my-app-v1", "default", 40).unwrap_or_default();
        let types: Vec<&str> = metrics.iter().map(|m| m.type_.as_str()).collect();
        // Sorted by the autoscaler type name: AmazonSQS, CPU, ClusterScalingSchedule, Ingress,
        // Memory, PodJSON, RequestsPerSecond, RouteGroup, ScalingSchedule, ZMON.
        assert_eq!(
            types,
            [
                "External",
                "Resource",
                "Object",
                "Object",
                "ContainerResource",
                "Pods",
                "External",
                "Object",
                "Object",
                "External"
            ]
        );
        let sqs = metrics[0].external.clone().unwrap_or_else(|| panic!("sqs"));
        assert_eq!(sqs.metric.name, "sqs-queue-len-0");
        let labels = sqs
            .metric
            .selector
            .and_then(|s| s.match_labels)
            .unwrap_or_default();
        assert_eq!(labels.get("queue-name").map(String::as_str), Some("q"));
        assert_eq!(
            labels.get("type").map(String::as_str),
            Some("sqs-queue-length")
        );
        let cpu = metrics[1].resource.clone().unwrap_or_else(|| panic!("cpu"));
        assert_eq!(
            (cpu.name.as_str(), cpu.target.average_utilization),
            ("cpu", Some(50))
        );
        let ingress = metrics[3]
            .object
            .clone()
            .unwrap_or_else(|| panic!("ingress"));
        assert_eq!(ingress.described_object.name, "my-app-v1-traffic-segment");
        assert_eq!(ingress.metric.name, "requests-per-second,my-app-v1");
        let mem = metrics[4]
            .container_resource
            .clone()
            .unwrap_or_else(|| panic!("memory"));
        assert_eq!(
            (mem.name.as_str(), mem.container.as_str()),
            ("memory", "app")
        );
        let rg = metrics[7].object.clone().unwrap_or_else(|| panic!("rg"));
        assert_eq!(rg.described_object.kind, "RouteGroup");
        assert_eq!(rg.metric.name, "requests-per-second");
        let zmon = metrics[9]
            .external
            .clone()
            .unwrap_or_else(|| panic!("zmon"));
        assert_eq!(zmon.metric.name, "zmon-check-9");
        let zl = zmon
            .metric
            .selector
            .and_then(|s| s.match_labels)
            .unwrap_or_default();
        assert_eq!(zl.get("duration").map(String::as_str), Some("5m"));
        assert_eq!(zl.get("aggregators").map(String::as_str), Some("avg,max"));
        assert_eq!(
            zl.get("stack").map(String::len),
            Some(40),
            "sha1 hex of <namespace>-<stack>"
        );
        let want_annotations = [
            ("metric-config.pods.x.json-path/json-key", "$.x"),
            ("metric-config.pods.x.json-path/path", "/metrics"),
            ("metric-config.pods.x.json-path/port", "9090"),
            (
                "metric-config.external.my-app-v1-rps.requests-per-second/hostnames",
                "a.org,b.org",
            ),
            (
                "metric-config.external.my-app-v1-rps.requests-per-second/weight",
                "40",
            ),
            (
                "metric-config.external.zmon-check-9.zmon/key",
                "custom.value",
            ),
            ("metric-config.external.zmon-check-9.zmon/tag-app", "my-app"),
        ];
        for (k, v) in want_annotations {
            assert_eq!(annotations.get(k).map(String::as_str), Some(v), "{k}");
        }
    }

    #[test]
    fn hpa_metric_errors() {
        struct Case {
            name: &'static str,
            metric: AutoscalerMetrics,
        }
        let cases = vec![
            Case {
                name: "cpu without utilization",
                metric: metric(AutoscalerMetricType::Cpu),
            },
            Case {
                name: "sqs without average",
                metric: metric(AutoscalerMetricType::AmazonSQS),
            },
            Case {
                name: "sqs without queue",
                metric: avg(metric(AutoscalerMetricType::AmazonSQS), "1"),
            },
            Case {
                name: "podjson without endpoint",
                metric: avg(metric(AutoscalerMetricType::PodJSON), "1"),
            },
            Case {
                name: "schedule without name",
                metric: avg(metric(AutoscalerMetricType::ScalingSchedule), "1"),
            },
        ];
        for case in cases {
            assert!(
                hpa_metrics(&[case.metric], "s", "ns", 0).is_err(),
                "{}",
                case.name
            );
        }
    }

    #[test]
    fn backend_weights_json_has_sorted_positive_weights() {
        let actual: BTreeMap<String, u32> = [
            ("my-app-v2".to_string(), 10),
            ("my-app-v1".to_string(), 90),
            ("my-app-v0".to_string(), 0),
        ]
        .into();
        assert_eq!(
            backend_weights_json(&actual),
            r#"{"my-app-v1":90,"my-app-v2":10}"#
        );
    }
}
