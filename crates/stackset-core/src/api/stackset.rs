//! The `StackSet` kind (reference sections 1.1 and 1.3).

// kube's `printcolumn(...)` attributes repeat keys such as `type_`, which
// clippy mistakes for duplicated attributes.
#![allow(clippy::duplicated_attributes)]

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Extra;
use super::spec::{
    DesiredTraffic, ExternalIngress, IngressSpec, RouteGroupSpec, StackLifecycle, StackTemplate,
};

/// `StackSet.spec`. The derive generates the [`StackSet`] root type.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "zalando.org",
    version = "v1",
    kind = "StackSet",
    plural = "stacksets",
    singular = "stackset",
    namespaced,
    status = "StackSetStatus",
    category = "all",
    derive = "PartialEq",
    derive = "Default",
    doc = "A StackSet manages versioned Stacks of an application and the traffic between them.",
    printcolumn(
        name = "Stacks",
        type_ = "integer",
        json_path = ".status.stacks",
        description = "Number of stacks"
    ),
    printcolumn(
        name = "Ready",
        type_ = "integer",
        json_path = ".status.readyStacks",
        description = "Number of ready stacks"
    ),
    printcolumn(
        name = "Traffic",
        type_ = "integer",
        json_path = ".status.stacksWithTraffic",
        description = "Number of stacks with traffic"
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct StackSetSpec {
    /// Skipper Ingress-based traffic management.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress: Option<IngressSpec>,
    /// Traffic routed by another controller; weights are still managed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_ingress: Option<ExternalIngress>,
    /// Skipper RouteGroup-based routing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routegroup: Option<RouteGroupSpec>,
    /// Scale-down and garbage-collection rules (required; `{}` is fine).
    pub stack_lifecycle: StackLifecycle,
    /// Template for new Stacks.
    pub stack_template: StackTemplate,
    /// Desired weights. Clients write it, and the reconciler rewrites it
    /// (normalised, rounded, unknown and zero entries dropped, fallback filled in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic: Option<Vec<DesiredTraffic>>,
    /// Minimum percentage of updated and ready replicas before a Stack's weight
    /// may grow; values <= 0 or >= 100 mean 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "super::spec::go_int")]
    pub min_ready_percent: Option<i32>,
    /// Unknown keys, kept verbatim (not part of the CRD schema).
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Extra,
}

/// `StackSet.status`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StackSetStatus {
    /// Number of Stacks owned by the StackSet (excluding the ones deleted now).
    #[serde(default)]
    pub stacks: i32,
    /// Number of those Stacks that are ready.
    #[serde(default)]
    pub ready_stacks: i32,
    /// Number of those Stacks with desired or actual traffic.
    #[serde(default)]
    pub stacks_with_traffic: i32,
    /// The last version a Stack was created for; blocks re-creating a deleted Stack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_stack_version: Option<String>,
    /// Actual weights, one entry per Stack with a backend port, sorted by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic: Option<Vec<ActualTraffic>>,
    /// Unknown keys, kept verbatim (not part of the CRD schema).
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Extra,
}

/// One entry of `StackSet.status.traffic`: an actual weight.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActualTraffic {
    /// Stack name.
    pub stack_name: String,
    /// Service name (equal to the stack name). Actual traffic is read back by it.
    pub service_name: String,
    /// Backend port.
    pub service_port: IntOrString,
    /// Actual weight in percent.
    #[schemars(extend("format" = "float"))]
    pub weight: f64,
}
