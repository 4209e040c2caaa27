//! Types shared by StackSet and Stack specs (reference sections 1.1 and 1.2).

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::DeploymentStrategy;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscalerBehavior;
use k8s_openapi::api::core::v1::{PodTemplateSpec, ServicePort};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Extra;

/// A DNS-1123 subdomain (Kubernetes object names).
const DNS_SUBDOMAIN: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

/// Schema of a Go `int` field: an integer without a `format` (upstream's
/// field is `int`, not `int32`).
pub(crate) fn go_int(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": "integer"})
}

/// A list of strings, each one of `values`.
fn string_enum_list(values: &[&str]) -> schemars::Schema {
    schemars::json_schema!({"type": "array", "items": {"type": "string", "enum": values}})
}

/// Skipper route methods (upstream's `HTTPMethod` enum).
fn http_methods(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    string_enum_list(&[
        "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE",
    ])
}

/// ZMON aggregators (upstream's `ZMONMetricAggregatorType` enum).
fn zmon_aggregators(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    string_enum_list(&[
        "avg", "dev", "count", "first", "last", "max", "min", "sum", "diff",
    ])
}

/// Metadata of an embedded object where only annotations are meaningful
/// (upstream `EmbeddedObjectMetaWithAnnotations`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct AnnotationsMeta {
    /// Annotations copied onto the generated objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    /// Unknown keys, kept verbatim (not part of the CRD schema).
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Extra,
}

/// Skipper Ingress-based traffic management (`StackSet.spec.ingress` and, since
/// v1.4.12, its copy in `Stack.spec.ingress`).
///
/// Up to v1.4.11 the same JSON key on a Stack held an *override* object
/// `{metadata.annotations, enabled, hosts}` whose hosts could contain a
/// `$(STACK_NAME)` token and which had no `backendPort`. Such objects still
/// deserialize: `backend_port` is then `None` and `enabled` may be set; see
/// [`IngressSpec::is_legacy_override`].
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IngressSpec {
    /// Annotations copied to the per-stack and segment Ingresses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<AnnotationsMeta>,
    /// Public hostnames (required, unique, at least one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(min = 1), extend("x-kubernetes-list-type" = "set", "x-kubernetes-map-type" = "x-stackset-required"))]
    pub hosts: Vec<String>,
    /// Service port, by number or by name (required in the CRD).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(required)]
    pub backend_port: Option<IntOrString>,
    /// Path used in every generated rule (upstream serialises it even when empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Legacy (≤ v1.4.11) override flag. Not in the CRD schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub enabled: Option<bool>,
    /// Unknown keys, kept verbatim (not part of the CRD schema).
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Extra,
}

impl IngressSpec {
    /// The annotations of `metadata.annotations`, or an empty map.
    pub fn annotations(&self) -> BTreeMap<String, String> {
        self.metadata
            .as_ref()
            .and_then(|m| m.annotations.clone())
            .unwrap_or_default()
    }

    /// True for a pre-v1.4.12 override object: it has no `backendPort`, or it
    /// has the `enabled` flag that only the override shape had.
    pub fn is_legacy_override(&self) -> bool {
        self.backend_port.is_none() || self.enabled.is_some()
    }
}

/// `StackSet.spec.externalIngress`: another controller routes the traffic.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExternalIngress {
    /// The Service port the external controller should route to.
    pub backend_port: IntOrString,
    /// Unknown keys, kept verbatim (not part of the CRD schema).
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Extra,
}

/// Skipper RouteGroup-based routing (`StackSet.spec.routegroup` and its copy in
/// `Stack.spec.routegroup`). Pre-v1.4.12 override objects on Stacks (no
/// `backendPort`, no `routes`, maybe `enabled`) still deserialize.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RouteGroupSpec {
    /// Annotations copied to both RouteGroups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<AnnotationsMeta>,
    /// Public hostnames (required, unique, at least one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(min = 1), extend("x-kubernetes-list-type" = "set", "x-kubernetes-map-type" = "x-stackset-required"))]
    pub hosts: Vec<String>,
    /// Extra Skipper backends added to the per-stack RouteGroup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_backends: Option<Vec<RouteGroupBackend>>,
    /// Routes, copied verbatim (required, at least one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(min = 1), extend("x-kubernetes-map-type" = "x-stackset-required"))]
    pub routes: Vec<RouteGroupRouteSpec>,
    /// Service port number (an integer, unlike the Ingress backendPort).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(required, schema_with = "go_int")]
    pub backend_port: Option<i32>,
    /// Load-balancing algorithm set on the generated service backend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lb_algorithm: Option<String>,
    /// Legacy (≤ v1.4.11) override flag. Not in the CRD schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub enabled: Option<bool>,
    /// Unknown keys, kept verbatim (not part of the CRD schema).
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Extra,
}

impl RouteGroupSpec {
    /// The annotations of `metadata.annotations`, or an empty map.
    pub fn annotations(&self) -> BTreeMap<String, String> {
        self.metadata
            .as_ref()
            .and_then(|m| m.annotations.clone())
            .unwrap_or_default()
    }

    /// True for a pre-v1.4.12 override object (no `backendPort`, or `enabled` set).
    pub fn is_legacy_override(&self) -> bool {
        self.backend_port.is_none() || self.enabled.is_some()
    }
}

/// A Skipper RouteGroup backend.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RouteGroupBackend {
    /// Backend name, referenced by routes.
    pub name: String,
    /// `service`, `shunt`, `loopback`, `dynamic`, `lb`, `network` or `forward`.
    #[serde(rename = "type")]
    #[schemars(extend("enum" = ["service", "shunt", "loopback", "dynamic", "lb", "network", "forward"]))]
    pub type_: String,
    /// Address of a `network` backend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// `roundRobin`, `random`, `consistentHash` or `powerOfRandomNChoices`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("enum" = ["roundRobin", "random", "consistentHash", "powerOfRandomNChoices"]))]
    pub algorithm: Option<String>,
    /// Endpoints of an `lb` backend (at least one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub endpoints: Option<Vec<String>>,
    /// Service of a `service` backend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    /// Service port of a `service` backend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "go_int")]
    pub service_port: Option<i32>,
}

/// A route of a RouteGroup.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RouteGroupRouteSpec {
    /// Exact path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Path subtree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_subtree: Option<String>,
    /// Path regular expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_regexp: Option<String>,
    /// Skipper predicates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub predicates: Option<Vec<String>>,
    /// Skipper filters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<Vec<String>>,
    /// HTTP methods (GET … TRACE).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "http_methods")]
    pub methods: Option<Vec<String>>,
    /// Weighted backend references.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backends: Option<Vec<RouteGroupBackendReference>>,
}

/// A weighted reference from a route to a backend.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RouteGroupBackendReference {
    /// Name of the referenced backend.
    pub backend_name: String,
    /// Relative weight (>= 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "go_int", range(min = 0))]
    pub weight: Option<i32>,
}

/// `StackSet.spec.stackLifecycle`: scale-down and garbage-collection rules.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StackLifecycle {
    /// Seconds without traffic after which a Stack is scaled down (default 300).
    #[serde(
        rename = "scaledownTTLSeconds",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub scaledown_ttl_seconds: Option<i64>,
    /// Number of garbage-collection candidates to keep (default 10, minimum 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub limit: Option<i32>,
    /// Unknown keys, kept verbatim (not part of the CRD schema).
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Extra,
}

/// `StackSet.spec.stackTemplate`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StackTemplate {
    /// Annotations that become the new Stack's annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<AnnotationsMeta>,
    /// The Stack spec plus the version.
    pub spec: StackSpecTemplate,
}

/// `stackTemplate.spec`: every [`StackSpec`] field plus `version`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StackSpecTemplate {
    /// The fields shared with `Stack.spec`.
    #[serde(flatten)]
    pub spec: StackSpec,
    /// Version; the Stack is named `<stackset>-<version>`.
    #[serde(default)]
    #[schemars(extend("x-kubernetes-map-type" = "x-stackset-required"), regex(pattern = DNS_SUBDOMAIN))]
    pub version: String,
}

/// One entry of `StackSet.spec.traffic`: a desired weight.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DesiredTraffic {
    /// Stack name.
    pub stack_name: String,
    /// Desired weight in percent (a float on the wire).
    #[schemars(extend("format" = "float"))]
    pub weight: f64,
}

/// The fields shared by `stackTemplate.spec` and `Stack.spec` (upstream `StackSpec`).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StackSpec {
    /// Desired pods without an HPA (nil means 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// Copied to the Deployment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_ready_seconds: Option<i32>,
    /// Service annotations and ports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<StackServiceSpec>,
    /// The pod template (core `PodTemplateSpec` since v1.4.126; the older custom
    /// `{metadata{labels,annotations}, spec}` shape is a subset of it).
    #[serde(default)]
    #[schemars(extend("x-kubernetes-map-type" = "x-stackset-required"))]
    pub pod_template: PodTemplateSpec,
    /// Autoscaling; an HPA is created when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaler: Option<Autoscaler>,
    /// Copied to the Deployment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<DeploymentStrategy>,
    /// Versioned configuration objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration_resources: Option<Vec<ConfigurationResourcesSpec>>,
    /// Removed in v1.4.13 in favour of `autoscaler`. Kept so old objects round-trip;
    /// the engine reports it as ignored. Not in the CRD schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub horizontal_pod_autoscaler: Option<LegacyHorizontalPodAutoscaler>,
    /// Unknown keys, kept verbatim (not part of the CRD schema).
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Extra,
}

/// The pre-v1.4.13 `horizontalPodAutoscaler` block (autoscaling/v2beta1 style).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LegacyHorizontalPodAutoscaler {
    /// Minimum replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_replicas: Option<i32>,
    /// Maximum replicas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_replicas: Option<i32>,
    /// v2beta1 metric specs, kept as raw JSON (k8s-openapi has no v2beta1 types).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Vec<serde_json::Value>>,
    /// Scaling behaviour, kept as raw JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behavior: Option<serde_json::Value>,
    /// Unknown keys, kept verbatim.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `spec.service`: Service annotations and explicit ports.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StackServiceSpec {
    /// Annotations merged into the Service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<AnnotationsMeta>,
    /// Ports that replace the ones derived from the containers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<Vec<ServicePort>>,
    /// Unknown keys, kept verbatim (not part of the CRD schema).
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Extra,
}

/// `spec.autoscaler`: the source of the generated HPA.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Autoscaler {
    /// HPA minReplicas (HPA default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_replicas: Option<i32>,
    /// HPA maxReplicas.
    pub max_replicas: i32,
    /// Metrics; see the HPA metric mapping in the reference (2.3).
    #[serde(default)]
    #[schemars(extend("x-kubernetes-map-type" = "x-stackset-required"))]
    pub metrics: Vec<AutoscalerMetrics>,
    /// HPA behaviour, copied verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behavior: Option<HorizontalPodAutoscalerBehavior>,
    /// Unknown keys, kept verbatim (not part of the CRD schema).
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Extra,
}

/// The type of an autoscaler metric.
#[derive(
    Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, JsonSchema,
)]
pub enum AutoscalerMetricType {
    /// CPU utilisation (Resource or ContainerResource metric).
    #[serde(rename = "CPU")]
    Cpu,
    /// Memory utilisation (Resource or ContainerResource metric).
    Memory,
    /// Amazon SQS queue length (External metric).
    AmazonSQS,
    /// A JSON value scraped from the pods (Pods metric).
    PodJSON,
    /// Requests per second on the segment Ingress (Object metric).
    Ingress,
    /// Requests per second on the segment RouteGroup (Object metric).
    RouteGroup,
    /// A ZMON check (External metric).
    #[serde(rename = "ZMON")]
    Zmon,
    /// A namespaced ScalingSchedule (Object metric).
    ScalingSchedule,
    /// A ClusterScalingSchedule (Object metric).
    ClusterScalingSchedule,
    /// Requests per second by hostname (External metric).
    RequestsPerSecond,
}

impl AutoscalerMetricType {
    /// The wire name, e.g. `CPU`, used for sorting metrics like upstream.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cpu => "CPU",
            Self::Memory => "Memory",
            Self::AmazonSQS => "AmazonSQS",
            Self::PodJSON => "PodJSON",
            Self::Ingress => "Ingress",
            Self::RouteGroup => "RouteGroup",
            Self::Zmon => "ZMON",
            Self::ScalingSchedule => "ScalingSchedule",
            Self::ClusterScalingSchedule => "ClusterScalingSchedule",
            Self::RequestsPerSecond => "RequestsPerSecond",
        }
    }
}

/// One autoscaler metric.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AutoscalerMetrics {
    /// Metric type.
    #[serde(rename = "type")]
    pub type_: AutoscalerMetricType,
    /// Target average value (required for every type but CPU and Memory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average: Option<Quantity>,
    /// Target utilisation in percent (CPU and Memory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average_utilization: Option<i32>,
    /// Pod endpoint for PodJSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<MetricsEndpoint>,
    /// Queue for AmazonSQS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<MetricsQueue>,
    /// Check for ZMON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zmon: Option<MetricsZmon>,
    /// Schedule for ScalingSchedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scaling_schedule: Option<MetricsScalingSchedule>,
    /// Schedule for ClusterScalingSchedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_scaling_schedule: Option<MetricsClusterScalingSchedule>,
    /// Hostnames for RequestsPerSecond.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_second: Option<MetricsRequestsPerSecond>,
    /// Container name; turns CPU/Memory into a ContainerResource metric.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// Unknown keys, kept verbatim (not part of the CRD schema).
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Extra,
}

/// Pod endpoint of a PodJSON metric.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MetricsEndpoint {
    /// Container port.
    pub port: i32,
    /// URL path.
    pub path: String,
    /// JSON key (json-path) to read.
    pub key: String,
    /// Metric name.
    pub name: String,
}

/// SQS queue of an AmazonSQS metric.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
pub struct MetricsQueue {
    /// Queue name.
    pub name: String,
    /// AWS region.
    pub region: String,
}

/// ZMON check of a ZMON metric.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MetricsZmon {
    /// Numeric check id.
    #[serde(rename = "checkID")]
    #[schemars(regex(pattern = "^[0-9]+$"))]
    pub check_id: String,
    /// Key of the check result.
    pub key: String,
    /// Time window (default `5m`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// Aggregators: avg, dev, count, first, last, max, min, sum, diff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "zmon_aggregators")]
    pub aggregators: Option<Vec<String>>,
    /// Tags passed to the metric adapter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

/// Reference to a namespaced ScalingSchedule.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
pub struct MetricsScalingSchedule {
    /// Schedule name.
    #[schemars(regex(pattern = DNS_SUBDOMAIN))]
    pub name: String,
}

/// Reference to a ClusterScalingSchedule.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
pub struct MetricsClusterScalingSchedule {
    /// Schedule name.
    #[schemars(regex(pattern = DNS_SUBDOMAIN))]
    pub name: String,
}

/// Hostnames of a RequestsPerSecond metric.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
pub struct MetricsRequestsPerSecond {
    /// Hostnames whose requests are counted.
    pub hostnames: Vec<String>,
}

/// One `configurationResources[]` entry; exactly one field should be set.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigurationResourcesSpec {
    /// Inline ConfigMap (in the API since v1.4.64, not implemented upstream).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_map: Option<InlineConfigMap>,
    /// Adopt an existing ConfigMap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_map_ref: Option<LocalObjectReference>,
    /// Adopt an existing Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<LocalObjectReference>,
    /// A PlatformCredentialsSet the controller creates (Zalando-internal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_credentials_set: Option<PlatformCredentialsSetSpec>,
    /// Unknown keys, kept verbatim (not part of the CRD schema).
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Extra,
}

impl ConfigurationResourcesSpec {
    /// The name of whichever resource this entry describes.
    pub fn name(&self) -> Option<&str> {
        if let Some(c) = &self.config_map {
            return Some(&c.name);
        }
        if let Some(c) = &self.config_map_ref {
            return Some(&c.name);
        }
        if let Some(s) = &self.secret_ref {
            return Some(&s.name);
        }
        self.platform_credentials_set
            .as_ref()
            .map(|p| p.name.as_str())
    }
}

/// An inline ConfigMap definition.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct InlineConfigMap {
    /// ConfigMap name (must start with the Stack name; optional in the API,
    /// like upstream's `omitempty` field).
    #[serde(default)]
    pub name: String,
    /// ConfigMap data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<BTreeMap<String, String>>,
}

/// A reference to an object by name in the same namespace (the core type,
/// as upstream uses; the name must start with the Stack name).
pub use k8s_openapi::api::core::v1::LocalObjectReference;

/// A PlatformCredentialsSet definition.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct PlatformCredentialsSetSpec {
    /// Object name (optional in the API, like upstream's `omitempty` field).
    #[serde(default)]
    pub name: String,
    /// Tokens by name (optional in the API, like upstream's `omitempty` field).
    #[serde(default)]
    pub tokens: BTreeMap<String, PcsToken>,
}

/// One token of a PlatformCredentialsSet.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
pub struct PcsToken {
    /// Privileges of the token.
    pub privileges: Vec<String>,
}
