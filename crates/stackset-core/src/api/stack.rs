//! The `Stack` kind (reference section 1.4).

// kube's `printcolumn(...)` attributes repeat keys such as `type_`, which
// clippy mistakes for duplicated attributes.
#![allow(clippy::duplicated_attributes)]

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Extra;
use super::spec::{ExternalIngress, IngressSpec, RouteGroupSpec, StackSpec};

/// `Stack.spec` (upstream `StackSpecInternal`): every [`StackSpec`] field plus the
/// routing copied from the StackSet when the Stack was created. The derive
/// generates the [`Stack`] root type.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "zalando.org",
    version = "v1",
    kind = "Stack",
    plural = "stacks",
    singular = "stack",
    namespaced,
    status = "StackStatus",
    category = "all",
    derive = "PartialEq",
    derive = "Default",
    doc = "A Stack is one immutable version of a StackSet's application.",
    scale(
        spec_replicas_path = ".spec.replicas",
        status_replicas_path = ".status.replicas",
        label_selector_path = ".status.labelSelector"
    ),
    printcolumn(
        name = "Desired",
        type_ = "integer",
        json_path = ".spec.replicas",
        description = "Number of desired replicas"
    ),
    printcolumn(
        name = "Current",
        type_ = "integer",
        json_path = ".status.replicas",
        description = "Number of current replicas"
    ),
    printcolumn(
        name = "Up-To-Date",
        type_ = "integer",
        json_path = ".status.updatedReplicas",
        description = "Number of up-to-date replicas"
    ),
    printcolumn(
        name = "Ready",
        type_ = "integer",
        json_path = ".status.readyReplicas",
        description = "Number of ready replicas"
    ),
    printcolumn(
        name = "Traffic",
        type_ = "number",
        json_path = ".status.actualTrafficWeight",
        description = "Current traffic weight for the stack"
    ),
    printcolumn(
        name = "No-Traffic-Since",
        type_ = "date",
        json_path = ".status.noTrafficSince",
        description = "Time since the stack didn't get any traffic"
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct StackSpecInternal {
    /// The fields shared with the StackSet's template.
    #[serde(flatten)]
    pub spec: StackSpec,
    /// Copy of the StackSet's ingress at creation time (or, before v1.4.12, an
    /// override object; see [`IngressSpec::is_legacy_override`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress: Option<IngressSpec>,
    /// Copy of the StackSet's routegroup at creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routegroup: Option<RouteGroupSpec>,
    /// Copy of the StackSet's externalIngress at creation time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_ingress: Option<ExternalIngress>,
}

/// `Stack.status`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StackStatus {
    /// Actual weight after the traffic reconcile.
    #[serde(default)]
    #[schemars(extend("format" = "float"))]
    pub actual_traffic_weight: f64,
    /// Desired weight (normalised and rounded).
    #[serde(default)]
    #[schemars(extend("format" = "float"))]
    pub desired_traffic_weight: f64,
    /// Deployment `.status.replicas`.
    #[serde(default)]
    pub replicas: i32,
    /// Deployment `.status.readyReplicas`.
    #[serde(default)]
    pub ready_replicas: i32,
    /// Deployment `.status.updatedReplicas`.
    #[serde(default)]
    pub updated_replicas: i32,
    /// Deployment `.spec.replicas` (nil means 1).
    #[serde(default)]
    pub desired_replicas: i32,
    /// Prescaling state; all zero while inactive.
    #[serde(default)]
    pub prescaling_status: PrescalingStatus,
    /// When the Stack was first seen without desired and actual traffic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_traffic_since: Option<Time>,
    /// `stack-version=<v>,stackset=<name>`; used by the scale subresource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_selector: Option<String>,
    /// Unknown keys, kept verbatim (not part of the CRD schema).
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Extra,
}

/// `Stack.status.prescalingStatus`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PrescalingStatus {
    /// Whether prescaling is active.
    #[serde(default)]
    pub active: bool,
    /// Replicas to prescale to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// The desired weight the prescale target was computed for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "float"))]
    pub desired_traffic_weight: Option<f64>,
    /// Last time the desired weight was above the actual weight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_traffic_increase: Option<Time>,
}
