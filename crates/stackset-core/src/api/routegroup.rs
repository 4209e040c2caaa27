//! A minimal typed Skipper `RouteGroup` (`zalando.org/v1`, `routegroups`): the
//! fields the engine generates. Skipper owns this CRD; kubectl-stackset does
//! not install it, so the schema is not used.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Extra;
use super::spec::{RouteGroupBackend, RouteGroupBackendReference, RouteGroupRouteSpec};

/// `RouteGroup.spec`. The derive generates the [`RouteGroup`] root type.
#[derive(CustomResource, Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[kube(
    group = "zalando.org",
    version = "v1",
    kind = "RouteGroup",
    plural = "routegroups",
    singular = "routegroup",
    namespaced,
    derive = "PartialEq",
    derive = "Default"
)]
#[serde(rename_all = "camelCase")]
pub struct RouteGroupResourceSpec {
    /// Hostnames the routes match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
    /// Backends.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub backends: Vec<RouteGroupBackend>,
    /// Backends used by routes without their own backends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_backends: Option<Vec<RouteGroupBackendReference>>,
    /// Routes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<RouteGroupRouteSpec>,
    /// Unknown keys (for example `tls`), kept verbatim.
    #[serde(flatten)]
    #[schemars(skip)]
    pub extra: Extra,
}
