//! The engine's inputs and the object vocabulary shared by plan and simulate.

use std::fmt;
use std::str::FromStr;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{ConfigMap, Secret, Service};
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::api::constants::ANNOTATION_BACKEND_WEIGHTS;
use crate::api::{PlatformCredentialsSet, RouteGroup, Stack, StackSet};

/// Everything the shell listed for one StackSet: the StackSet itself and the
/// objects of its namespace. The core files objects by owner UID itself
/// (exactly one ownerReference, matched by UID; labels are ignored), so the
/// shell may pass whole namespace listings in any order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// The StackSet being reconciled.
    pub stackset: StackSet,
    /// Stacks in the namespace.
    pub stacks: Vec<Stack>,
    /// Deployments (apps/v1) in the namespace.
    pub deployments: Vec<Deployment>,
    /// Services (v1) in the namespace.
    pub services: Vec<Service>,
    /// HorizontalPodAutoscalers (autoscaling/v2) in the namespace.
    pub hpas: Vec<HorizontalPodAutoscaler>,
    /// Ingresses (networking.k8s.io/v1) in the namespace.
    pub ingresses: Vec<Ingress>,
    /// Skipper RouteGroups in the namespace (empty when the CRD is absent).
    pub routegroups: Vec<RouteGroup>,
    /// ConfigMaps in the namespace (only needed with ConfigMap support).
    pub config_maps: Vec<ConfigMap>,
    /// Secrets in the namespace (only needed with Secret support).
    pub secrets: Vec<Secret>,
    /// PlatformCredentialsSets in the namespace (only needed with
    /// PlatformCredentialsSet support).
    pub platform_credentials_sets: Vec<PlatformCredentialsSet>,
}

impl Snapshot {
    /// A snapshot holding only the StackSet.
    pub fn new(stackset: StackSet) -> Self {
        Self {
            stackset,
            ..Self::default()
        }
    }
}

/// How traffic weights reach the router.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TrafficMechanism {
    /// Per-stack `<stack>-traffic-segment` Ingresses/RouteGroups with
    /// `TrafficSegment(lo, hi)` predicates (upstream v1.4.63 and later).
    #[default]
    Segments,
    /// One central `<stackset>` Ingress (and RouteGroup) with the
    /// `zalando.org/backend-weights` annotation (upstream v1.4.62 and older).
    BackendWeights,
}

impl TrafficMechanism {
    /// The annotation value naming this mechanism.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Segments => "segments",
            Self::BackendWeights => "backend-weights",
        }
    }
}

impl fmt::Display for TrafficMechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TrafficMechanism {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "segments" => Ok(Self::Segments),
            "backend-weights" => Ok(Self::BackendWeights),
            other => Err(format!(
                "unknown traffic mechanism {other:?} (expected segments or backend-weights)"
            )),
        }
    }
}

/// Engine settings, the client-side equivalent of the controller's flags.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// `--cluster-domain`: per-stack hostnames are `<stack>.<domain>` for every
    /// domain that is a suffix of a public host. Empty means no per-stack Ingress
    /// or RouteGroup; the shell fills it per StackSet with
    /// [`Options::for_stackset`] (the domains of its hosts) when none is
    /// configured.
    pub cluster_domains: Vec<String>,
    /// Forces a traffic mechanism for every StackSet; `None` reads the
    /// `kubectl-stackset.io/traffic-mechanism` annotation (default segments).
    pub traffic_mechanism: Option<TrafficMechanism>,
    /// `--enable-routegroup-support`: manage RouteGroups.
    pub routegroup_support: bool,
    /// `--enable-configmap-support`: adopt `configMapRef` ConfigMaps.
    pub configmap_support: bool,
    /// `--enable-secret-support`: adopt `secretRef` Secrets.
    pub secret_support: bool,
    /// `--enable-pcs-support`: generate a PlatformCredentialsSet for every
    /// `platformCredentialsSet` configuration resource.
    pub pcs_support: bool,
    /// `--sync-ingress-annotation`: keys synchronised from the StackSet onto
    /// every segment object.
    pub sync_ingress_annotations: Vec<String>,
    /// `--backend-weights-key`: annotation key of the central Ingress weights.
    pub backend_weights_key: String,
}

impl Default for Options {
    /// Upstream's flag defaults: no cluster domains, every optional support
    /// switched off, `zalando.org/backend-weights` as the weights key.
    fn default() -> Self {
        Self {
            cluster_domains: Vec::new(),
            traffic_mechanism: None,
            routegroup_support: false,
            configmap_support: false,
            secret_support: false,
            pcs_support: false,
            sync_ingress_annotations: Vec::new(),
            backend_weights_key: ANNOTATION_BACKEND_WEIGHTS.to_string(),
        }
    }
}

impl Options {
    /// The options for one StackSet. Without configured cluster domains
    /// (`--cluster-domain`), kubectl-stackset uses the domains of the
    /// StackSet's public hosts (see [`host_domains`]), so that
    /// `my-app.example.org` gives the per-stack host `my-app-v1.example.org`
    /// without any configuration. Configured domains are used as they are.
    pub fn for_stackset(&self, stackset: &crate::api::StackSet) -> Options {
        let mut options = self.clone();
        if options.cluster_domains.is_empty() {
            options.cluster_domains = host_domains(stackset);
        }
        options
    }
}

/// The domains of a StackSet's ingress and routegroup hosts, in order and
/// without repeats: each host minus its first label, when what is left still
/// has a dot (`my-app.example.org` gives `example.org`; `my-app.local` gives
/// nothing).
pub fn host_domains(stackset: &crate::api::StackSet) -> Vec<String> {
    let spec = &stackset.spec;
    let hosts = spec
        .ingress
        .iter()
        .flat_map(|i| i.hosts.iter())
        .chain(spec.routegroup.iter().flat_map(|r| r.hosts.iter()));
    let mut domains: Vec<String> = Vec::new();
    for host in hosts {
        if let Some((_, domain)) = host.split_once('.')
            && domain.contains('.')
            && !domains.iter().any(|d| d == domain)
        {
            domains.push(domain.to_string());
        }
    }
    domains
}

/// The kinds of objects the engine reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// zalando.org/v1 StackSet.
    StackSet,
    /// zalando.org/v1 Stack.
    Stack,
    /// apps/v1 Deployment.
    Deployment,
    /// v1 Service.
    Service,
    /// autoscaling/v2 HorizontalPodAutoscaler.
    HorizontalPodAutoscaler,
    /// networking.k8s.io/v1 Ingress.
    Ingress,
    /// zalando.org/v1 RouteGroup.
    RouteGroup,
    /// v1 ConfigMap.
    ConfigMap,
    /// v1 Secret.
    Secret,
    /// zalando.org/v1 PlatformCredentialsSet.
    PlatformCredentialsSet,
}

impl Kind {
    /// The Kubernetes kind name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::StackSet => "StackSet",
            Self::Stack => "Stack",
            Self::Deployment => "Deployment",
            Self::Service => "Service",
            Self::HorizontalPodAutoscaler => "HorizontalPodAutoscaler",
            Self::Ingress => "Ingress",
            Self::RouteGroup => "RouteGroup",
            Self::ConfigMap => "ConfigMap",
            Self::Secret => "Secret",
            Self::PlatformCredentialsSet => "PlatformCredentialsSet",
        }
    }

    /// The `apiVersion` of the kind.
    pub fn api_version(self) -> &'static str {
        match self {
            Self::StackSet | Self::Stack | Self::RouteGroup | Self::PlatformCredentialsSet => {
                "zalando.org/v1"
            }
            Self::Deployment => "apps/v1",
            Self::HorizontalPodAutoscaler => "autoscaling/v2",
            Self::Ingress => "networking.k8s.io/v1",
            Self::Service | Self::ConfigMap | Self::Secret => "v1",
        }
    }

    /// Whether the API server maintains `metadata.generation` for the kind.
    pub fn has_generation(self) -> bool {
        !matches!(self, Self::Service | Self::ConfigMap | Self::Secret)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reference to one object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectRef {
    /// Kind.
    pub kind: Kind,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
    /// UID, when known (for deletes: use it as a precondition).
    pub uid: Option<String>,
}

impl ObjectRef {
    /// A reference to `kind` `namespace/name` built from object metadata.
    pub fn from_meta(kind: Kind, meta: &ObjectMeta) -> Self {
        Self {
            kind,
            namespace: meta.namespace.clone().unwrap_or_default(),
            name: meta.name.clone().unwrap_or_default(),
            uid: meta.uid.clone(),
        }
    }
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}/{}", self.kind, self.namespace, self.name)
    }
}

/// A full typed object, as carried by create and update actions.
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    /// A StackSet.
    StackSet(StackSet),
    /// A Stack.
    Stack(Stack),
    /// A Deployment.
    Deployment(Deployment),
    /// A Service.
    Service(Service),
    /// An HPA.
    HorizontalPodAutoscaler(HorizontalPodAutoscaler),
    /// An Ingress.
    Ingress(Ingress),
    /// A RouteGroup.
    RouteGroup(RouteGroup),
    /// A ConfigMap.
    ConfigMap(ConfigMap),
    /// A Secret.
    Secret(Secret),
    /// A PlatformCredentialsSet.
    PlatformCredentialsSet(PlatformCredentialsSet),
}

impl Object {
    /// The object's kind.
    pub fn kind(&self) -> Kind {
        match self {
            Self::StackSet(_) => Kind::StackSet,
            Self::Stack(_) => Kind::Stack,
            Self::Deployment(_) => Kind::Deployment,
            Self::Service(_) => Kind::Service,
            Self::HorizontalPodAutoscaler(_) => Kind::HorizontalPodAutoscaler,
            Self::Ingress(_) => Kind::Ingress,
            Self::RouteGroup(_) => Kind::RouteGroup,
            Self::ConfigMap(_) => Kind::ConfigMap,
            Self::Secret(_) => Kind::Secret,
            Self::PlatformCredentialsSet(_) => Kind::PlatformCredentialsSet,
        }
    }

    /// The object's metadata.
    pub fn meta(&self) -> &ObjectMeta {
        match self {
            Self::StackSet(o) => &o.metadata,
            Self::Stack(o) => &o.metadata,
            Self::Deployment(o) => &o.metadata,
            Self::Service(o) => &o.metadata,
            Self::HorizontalPodAutoscaler(o) => &o.metadata,
            Self::Ingress(o) => &o.metadata,
            Self::RouteGroup(o) => &o.metadata,
            Self::ConfigMap(o) => &o.metadata,
            Self::Secret(o) => &o.metadata,
            Self::PlatformCredentialsSet(o) => &o.metadata,
        }
    }

    /// The object's metadata, mutably.
    pub fn meta_mut(&mut self) -> &mut ObjectMeta {
        match self {
            Self::StackSet(o) => &mut o.metadata,
            Self::Stack(o) => &mut o.metadata,
            Self::Deployment(o) => &mut o.metadata,
            Self::Service(o) => &mut o.metadata,
            Self::HorizontalPodAutoscaler(o) => &mut o.metadata,
            Self::Ingress(o) => &mut o.metadata,
            Self::RouteGroup(o) => &mut o.metadata,
            Self::ConfigMap(o) => &mut o.metadata,
            Self::Secret(o) => &mut o.metadata,
            Self::PlatformCredentialsSet(o) => &mut o.metadata,
        }
    }

    /// The object's name.
    pub fn name(&self) -> &str {
        self.meta().name.as_deref().unwrap_or("")
    }

    /// A reference to the object.
    pub fn object_ref(&self) -> ObjectRef {
        ObjectRef::from_meta(self.kind(), self.meta())
    }

    /// The object as JSON with `apiVersion` and `kind` set (for dry-run output
    /// and for the shell's apply calls). Serialising these types does not
    /// fail in practice; if it ever did, the caller gets the error rather
    /// than a `null` body.
    pub fn to_json(&self) -> Result<serde_json::Value, serde_json::Error> {
        let mut value = match self {
            Self::StackSet(o) => serde_json::to_value(o),
            Self::Stack(o) => serde_json::to_value(o),
            Self::Deployment(o) => serde_json::to_value(o),
            Self::Service(o) => serde_json::to_value(o),
            Self::HorizontalPodAutoscaler(o) => serde_json::to_value(o),
            Self::Ingress(o) => serde_json::to_value(o),
            Self::RouteGroup(o) => serde_json::to_value(o),
            Self::ConfigMap(o) => serde_json::to_value(o),
            Self::Secret(o) => serde_json::to_value(o),
            Self::PlatformCredentialsSet(o) => serde_json::to_value(o),
        }?;
        if let Some(map) = value.as_object_mut() {
            let kind = self.kind();
            map.insert("apiVersion".into(), kind.api_version().into());
            map.insert("kind".into(), kind.as_str().into());
        }
        Ok(value)
    }
}

/// Event severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    /// `Normal`.
    Normal,
    /// `Warning`.
    Warning,
}

impl EventType {
    /// The Kubernetes event type string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "Normal",
            Self::Warning => "Warning",
        }
    }
}

/// Which step failed, in `FailedManage<Step>` event reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Managed {
    /// The StackSet itself (a StackSet-level error).
    StackSet,
    /// The traffic segments.
    Segments,
    /// A stack's RouteGroup.
    RouteGroup,
    /// A stack's `configMapRef`s.
    ConfigMapRefs,
    /// A stack's `secretRef`s.
    SecretRefs,
    /// A stack's PlatformCredentialsSets.
    PlatformCredentialsSet,
    /// A stack's Deployment.
    Deployment,
    /// A stack's HPA.
    Hpa,
    /// A stack's Service.
    Service,
}

/// An event's reason: upstream's reason strings, typed. [`Reason::as_str`]
/// gives the exact string upstream's controller writes (the differential
/// tests compare them on the wire), e.g. `CreatedHPA`, `FailedManageService`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// `Created<Kind>` (`CreatedHPA` for an HPA).
    Created(Kind),
    /// `Updated<Kind>`.
    Updated(Kind),
    /// `Deleted<Kind>`.
    Deleted(Kind),
    /// `DeletedExcessStack`: garbage collection beyond the limit.
    DeletedExcessStack,
    /// `TrafficSwitched`.
    TrafficSwitched,
    /// `TrafficNotSwitched`: the readiness gate held the switch back.
    TrafficNotSwitched,
    /// `FailedCreateStack`.
    FailedCreateStack,
    /// `FailedManage<Step>`.
    FailedManage(Managed),
    /// `FailedManage<Kind>` (the kind's full name): the API server refused
    /// a write of a stack's sub-resource that the plan held no error for.
    FailedWrite(Kind),
}

/// `$verb` followed by the kind's name in event reasons (upstream
/// abbreviates HorizontalPodAutoscaler to HPA there).
macro_rules! verb_kind {
    ($verb:literal, $kind:expr) => {
        verb_kind!($verb, $kind, "HPA")
    };
    ($verb:literal, $kind:expr, $hpa:literal) => {
        match $kind {
            Kind::StackSet => concat!($verb, "StackSet"),
            Kind::Stack => concat!($verb, "Stack"),
            Kind::Deployment => concat!($verb, "Deployment"),
            Kind::Service => concat!($verb, "Service"),
            Kind::HorizontalPodAutoscaler => concat!($verb, $hpa),
            Kind::Ingress => concat!($verb, "Ingress"),
            Kind::RouteGroup => concat!($verb, "RouteGroup"),
            Kind::ConfigMap => concat!($verb, "ConfigMap"),
            Kind::Secret => concat!($verb, "Secret"),
            Kind::PlatformCredentialsSet => concat!($verb, "PlatformCredentialsSet"),
        }
    };
}

impl Kind {
    /// The kind's name in event reasons and messages: `HPA` for a
    /// HorizontalPodAutoscaler (as upstream), the kind name otherwise.
    pub fn event_name(self) -> &'static str {
        match self {
            Self::HorizontalPodAutoscaler => "HPA",
            other => other.as_str(),
        }
    }
}

impl Reason {
    /// The reason string upstream writes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created(k) => verb_kind!("Created", k),
            Self::Updated(k) => verb_kind!("Updated", k),
            Self::Deleted(k) => verb_kind!("Deleted", k),
            Self::DeletedExcessStack => "DeletedExcessStack",
            Self::TrafficSwitched => "TrafficSwitched",
            Self::TrafficNotSwitched => "TrafficNotSwitched",
            Self::FailedCreateStack => "FailedCreateStack",
            Self::FailedWrite(k) => verb_kind!("FailedManage", k, "HorizontalPodAutoscaler"),
            Self::FailedManage(step) => match step {
                Managed::StackSet => "FailedManageStackSet",
                Managed::Segments => "FailedManageSegments",
                Managed::RouteGroup => "FailedManageRouteGroup",
                Managed::ConfigMapRefs => "FailedManageConfigMapRefs",
                Managed::SecretRefs => "FailedManageSecretRefs",
                Managed::PlatformCredentialsSet => "FailedManagePlatformCredentialsSet",
                Managed::Deployment => "FailedManageDeployment",
                Managed::Hpa => "FailedManageHPA",
                Managed::Service => "FailedManageService",
            },
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for Reason {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A Kubernetes event upstream's controller would emit (component
/// `stackset-controller`).
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The object the event is about (the StackSet or a Stack).
    pub involved: ObjectRef,
    /// `Normal` or `Warning`.
    pub type_: EventType,
    /// Upstream's reason, e.g. `TrafficSwitched`.
    pub reason: Reason,
    /// Human-readable message.
    pub message: String,
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} on {}: {}",
            self.type_.as_str(),
            self.reason,
            self.involved,
            self.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::RouteGroupSpec;
    use crate::testing::stackset;

    #[test]
    fn event_reasons_are_upstreams_strings() {
        let cases = [
            (Reason::Created(Kind::Stack), "CreatedStack"),
            (Reason::Created(Kind::HorizontalPodAutoscaler), "CreatedHPA"),
            (Reason::Updated(Kind::StackSet), "UpdatedStackSet"),
            (Reason::Updated(Kind::ConfigMap), "UpdatedConfigMap"),
            (Reason::Deleted(Kind::Ingress), "DeletedIngress"),
            (Reason::Deleted(Kind::RouteGroup), "DeletedRouteGroup"),
            (
                Reason::Created(Kind::PlatformCredentialsSet),
                "CreatedPlatformCredentialsSet",
            ),
            (Reason::DeletedExcessStack, "DeletedExcessStack"),
            (Reason::TrafficSwitched, "TrafficSwitched"),
            (Reason::TrafficNotSwitched, "TrafficNotSwitched"),
            (Reason::FailedCreateStack, "FailedCreateStack"),
            (
                Reason::FailedManage(Managed::StackSet),
                "FailedManageStackSet",
            ),
            (
                Reason::FailedManage(Managed::Segments),
                "FailedManageSegments",
            ),
            (Reason::FailedManage(Managed::Hpa), "FailedManageHPA"),
            (
                Reason::FailedManage(Managed::ConfigMapRefs),
                "FailedManageConfigMapRefs",
            ),
            (
                Reason::FailedManage(Managed::SecretRefs),
                "FailedManageSecretRefs",
            ),
            (
                Reason::FailedManage(Managed::PlatformCredentialsSet),
                "FailedManagePlatformCredentialsSet",
            ),
            (
                Reason::FailedManage(Managed::Deployment),
                "FailedManageDeployment",
            ),
            (
                Reason::FailedManage(Managed::RouteGroup),
                "FailedManageRouteGroup",
            ),
            (
                Reason::FailedManage(Managed::Service),
                "FailedManageService",
            ),
            (Reason::FailedWrite(Kind::Service), "FailedManageService"),
            (
                Reason::FailedWrite(Kind::HorizontalPodAutoscaler),
                "FailedManageHorizontalPodAutoscaler",
            ),
        ];
        for (reason, text) in cases {
            assert_eq!(reason.as_str(), text);
            assert_eq!(reason.to_string(), text);
            assert!(reason == text);
        }
    }

    #[test]
    fn cluster_domains_default_to_the_domains_of_the_hosts() {
        let mut ss = stackset("v1");
        if let Some(i) = ss.spec.ingress.as_mut() {
            i.hosts = vec![
                "my-app.example.org".into(),
                "my-app.local".into(),
                "other.example.org".into(),
                "nodot".into(),
            ];
        }
        ss.spec.routegroup = Some(RouteGroupSpec {
            hosts: vec!["rg.team.example.com".into()],
            ..RouteGroupSpec::default()
        });
        assert_eq!(host_domains(&ss), vec!["example.org", "team.example.com"]);
        let derived = Options::default().for_stackset(&ss);
        assert_eq!(
            derived.cluster_domains,
            vec!["example.org", "team.example.com"]
        );
        // Configured domains win, and nothing else changes.
        let configured = Options {
            cluster_domains: vec!["cluster.local".into()],
            routegroup_support: true,
            ..Options::default()
        };
        assert_eq!(configured.for_stackset(&ss), configured);
        // A StackSet without hosts gets none: no per-stack Ingress.
        let mut bare = stackset("v1");
        bare.spec.ingress = None;
        assert!(
            Options::default()
                .for_stackset(&bare)
                .cluster_domains
                .is_empty()
        );
    }
}
