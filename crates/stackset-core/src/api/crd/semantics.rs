//! The Kubernetes semantics of the embedded core types.
//!
//! k8s-openapi's schemas carry types, formats and required fields, but not the
//! `+listType`, `+listMapKey`, `+mapType` and `+default` markers of the Go
//! types, which controller-gen copies into upstream's CRDs and which the API
//! server uses for server-side apply merges and defaulting. This module adds
//! them back, by type: the CRD schema is inlined (so type names are gone), and
//! a second, non-inlined rendering of the same Rust types is walked alongside
//! it to tell which type every node comes from.
//!
//! The tables hold the facts of the Kubernetes 1.35 API (`k8s.io/api`
//! v0.35, which upstream v1.4.131 is built with), as served by the API
//! server's `/openapi/v3`, for the types reachable from the Stack spec.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

/// What a rule adds to a schema node.
#[derive(Clone, Copy, Debug)]
pub(super) enum Rule {
    /// `x-kubernetes-list-type: atomic`.
    AtomicList,
    /// `x-kubernetes-list-type: set`.
    SetList,
    /// `x-kubernetes-list-type: map` with these `x-kubernetes-list-map-keys`.
    MapList(&'static [&'static str]),
    /// `x-kubernetes-map-type: atomic` (a struct or map replaced as a whole).
    AtomicMap,
    /// A string default; a defaulted field is not required.
    DefaultStr(&'static str),
    /// A boolean default; a defaulted field is not required.
    DefaultBool(bool),
    /// A `pattern`.
    Pattern(&'static str),
    /// An embedded `ObjectMeta` (a pod template's metadata): controller-gen
    /// keeps only these properties of it.
    EmbeddedMeta(&'static [&'static str]),
}

const QUANTITY_PATTERN: &str = r"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$";

const CORE: &str = "io.k8s.api.core.v1.";
const META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.";

/// Rules for every node of a type (type name without the `CORE`/`META`
/// prefix where it has one).
pub(super) const TYPE_RULES: &[(&str, Rule)] = &[
    ("ConfigMapEnvSource", Rule::AtomicMap),
    ("ConfigMapKeySelector", Rule::AtomicMap),
    ("ConfigMapProjection", Rule::AtomicMap),
    ("ConfigMapVolumeSource", Rule::AtomicMap),
    ("FileKeySelector", Rule::AtomicMap),
    ("LocalObjectReference", Rule::AtomicMap),
    ("NodeSelector", Rule::AtomicMap),
    ("NodeSelectorTerm", Rule::AtomicMap),
    ("ObjectFieldSelector", Rule::AtomicMap),
    ("ResourceFieldSelector", Rule::AtomicMap),
    ("SecretEnvSource", Rule::AtomicMap),
    ("SecretKeySelector", Rule::AtomicMap),
    ("SecretProjection", Rule::AtomicMap),
    ("TypedLocalObjectReference", Rule::AtomicMap),
    ("meta:LabelSelector", Rule::AtomicMap),
    (
        "meta:ObjectMeta",
        Rule::EmbeddedMeta(&["annotations", "finalizers", "labels", "name", "namespace"]),
    ),
    (
        "io.k8s.apimachinery.pkg.api.resource.Quantity",
        Rule::Pattern(QUANTITY_PATTERN),
    ),
];

/// Rules for one field of a type.
pub(super) const FIELD_RULES: &[(&str, &str, Rule)] = &[
    // autoscaling/v2
    (
        "io.k8s.api.autoscaling.v2.HPAScalingRules",
        "policies",
        Rule::AtomicList,
    ),
    // core/v1: pod spec
    ("PodSpec", "containers", Rule::MapList(&["name"])),
    ("PodSpec", "ephemeralContainers", Rule::MapList(&["name"])),
    ("PodSpec", "hostAliases", Rule::MapList(&["ip"])),
    ("PodSpec", "imagePullSecrets", Rule::MapList(&["name"])),
    ("PodSpec", "initContainers", Rule::MapList(&["name"])),
    ("PodSpec", "nodeSelector", Rule::AtomicMap),
    ("PodSpec", "readinessGates", Rule::AtomicList),
    ("PodSpec", "resourceClaims", Rule::MapList(&["name"])),
    ("PodSpec", "schedulingGates", Rule::MapList(&["name"])),
    ("PodSpec", "tolerations", Rule::AtomicList),
    (
        "PodSpec",
        "topologySpreadConstraints",
        Rule::MapList(&["topologyKey", "whenUnsatisfiable"]),
    ),
    ("PodSpec", "volumes", Rule::MapList(&["name"])),
    ("PodDNSConfig", "nameservers", Rule::AtomicList),
    ("PodDNSConfig", "options", Rule::AtomicList),
    ("PodDNSConfig", "searches", Rule::AtomicList),
    ("PodSecurityContext", "supplementalGroups", Rule::AtomicList),
    ("PodSecurityContext", "sysctls", Rule::AtomicList),
    ("HostAlias", "hostnames", Rule::AtomicList),
    (
        "TopologySpreadConstraint",
        "matchLabelKeys",
        Rule::AtomicList,
    ),
    // core/v1: containers
    ("Container", "args", Rule::AtomicList),
    ("Container", "command", Rule::AtomicList),
    ("Container", "env", Rule::MapList(&["name"])),
    ("Container", "envFrom", Rule::AtomicList),
    (
        "Container",
        "ports",
        Rule::MapList(&["containerPort", "protocol"]),
    ),
    ("Container", "resizePolicy", Rule::AtomicList),
    ("Container", "restartPolicyRules", Rule::AtomicList),
    ("Container", "volumeDevices", Rule::MapList(&["devicePath"])),
    ("Container", "volumeMounts", Rule::MapList(&["mountPath"])),
    ("EphemeralContainer", "args", Rule::AtomicList),
    ("EphemeralContainer", "command", Rule::AtomicList),
    ("EphemeralContainer", "env", Rule::MapList(&["name"])),
    ("EphemeralContainer", "envFrom", Rule::AtomicList),
    (
        "EphemeralContainer",
        "ports",
        Rule::MapList(&["containerPort", "protocol"]),
    ),
    ("EphemeralContainer", "resizePolicy", Rule::AtomicList),
    ("EphemeralContainer", "restartPolicyRules", Rule::AtomicList),
    (
        "EphemeralContainer",
        "volumeDevices",
        Rule::MapList(&["devicePath"]),
    ),
    (
        "EphemeralContainer",
        "volumeMounts",
        Rule::MapList(&["mountPath"]),
    ),
    ("ContainerPort", "protocol", Rule::DefaultStr("TCP")),
    ("ContainerRestartRuleOnExitCodes", "values", Rule::SetList),
    ("Capabilities", "add", Rule::AtomicList),
    ("Capabilities", "drop", Rule::AtomicList),
    ("ExecAction", "command", Rule::AtomicList),
    ("HTTPGetAction", "httpHeaders", Rule::AtomicList),
    ("GRPCAction", "service", Rule::DefaultStr("")),
    ("ResourceRequirements", "claims", Rule::MapList(&["name"])),
    // core/v1: references (`name` is optional and defaults to "")
    ("ConfigMapEnvSource", "name", Rule::DefaultStr("")),
    ("ConfigMapKeySelector", "name", Rule::DefaultStr("")),
    ("ConfigMapProjection", "name", Rule::DefaultStr("")),
    ("ConfigMapVolumeSource", "name", Rule::DefaultStr("")),
    ("LocalObjectReference", "name", Rule::DefaultStr("")),
    ("SecretEnvSource", "name", Rule::DefaultStr("")),
    ("SecretKeySelector", "name", Rule::DefaultStr("")),
    ("SecretProjection", "name", Rule::DefaultStr("")),
    ("FileKeySelector", "optional", Rule::DefaultBool(false)),
    // core/v1: affinity and selectors
    (
        "NodeAffinity",
        "preferredDuringSchedulingIgnoredDuringExecution",
        Rule::AtomicList,
    ),
    ("NodeSelector", "nodeSelectorTerms", Rule::AtomicList),
    ("NodeSelectorRequirement", "values", Rule::AtomicList),
    ("NodeSelectorTerm", "matchExpressions", Rule::AtomicList),
    ("NodeSelectorTerm", "matchFields", Rule::AtomicList),
    (
        "PodAffinity",
        "preferredDuringSchedulingIgnoredDuringExecution",
        Rule::AtomicList,
    ),
    (
        "PodAffinity",
        "requiredDuringSchedulingIgnoredDuringExecution",
        Rule::AtomicList,
    ),
    (
        "PodAntiAffinity",
        "preferredDuringSchedulingIgnoredDuringExecution",
        Rule::AtomicList,
    ),
    (
        "PodAntiAffinity",
        "requiredDuringSchedulingIgnoredDuringExecution",
        Rule::AtomicList,
    ),
    ("PodAffinityTerm", "matchLabelKeys", Rule::AtomicList),
    ("PodAffinityTerm", "mismatchLabelKeys", Rule::AtomicList),
    ("PodAffinityTerm", "namespaces", Rule::AtomicList),
    ("meta:LabelSelector", "matchExpressions", Rule::AtomicList),
    ("meta:LabelSelectorRequirement", "values", Rule::AtomicList),
    // core/v1: volumes
    ("AzureDiskVolumeSource", "fsType", Rule::DefaultStr("ext4")),
    (
        "AzureDiskVolumeSource",
        "readOnly",
        Rule::DefaultBool(false),
    ),
    ("CephFSVolumeSource", "monitors", Rule::AtomicList),
    ("ConfigMapProjection", "items", Rule::AtomicList),
    ("ConfigMapVolumeSource", "items", Rule::AtomicList),
    ("DownwardAPIProjection", "items", Rule::AtomicList),
    ("DownwardAPIVolumeSource", "items", Rule::AtomicList),
    ("FCVolumeSource", "targetWWNs", Rule::AtomicList),
    ("FCVolumeSource", "wwids", Rule::AtomicList),
    (
        "ISCSIVolumeSource",
        "iscsiInterface",
        Rule::DefaultStr("default"),
    ),
    ("ISCSIVolumeSource", "portals", Rule::AtomicList),
    ("PersistentVolumeClaimSpec", "accessModes", Rule::AtomicList),
    ("ProjectedVolumeSource", "sources", Rule::AtomicList),
    (
        "RBDVolumeSource",
        "keyring",
        Rule::DefaultStr("/etc/ceph/keyring"),
    ),
    ("RBDVolumeSource", "monitors", Rule::AtomicList),
    ("RBDVolumeSource", "pool", Rule::DefaultStr("rbd")),
    ("RBDVolumeSource", "user", Rule::DefaultStr("admin")),
    ("ScaleIOVolumeSource", "fsType", Rule::DefaultStr("xfs")),
    (
        "ScaleIOVolumeSource",
        "storageMode",
        Rule::DefaultStr("ThinProvisioned"),
    ),
    ("SecretProjection", "items", Rule::AtomicList),
    ("SecretVolumeSource", "items", Rule::AtomicList),
    // core/v1: services
    ("ServicePort", "protocol", Rule::DefaultStr("TCP")),
    // Our own types: upstream's `+kubebuilder:default` markers. (Schemars'
    // defaults are serde's and are all dropped, so API defaults live here.)
    ("own:MetricsZmon", "duration", Rule::DefaultStr("5m")),
];

/// The full type name a table entry stands for: bare names are core/v1,
/// `meta:` names are meta/v1, `own:` names are this crate's types (schemars
/// names them by their Rust name), dotted names are already full.
pub(super) fn full_name(short: &str) -> String {
    if let Some(rest) = short.strip_prefix("own:") {
        rest.to_string()
    } else if let Some(rest) = short.strip_prefix("meta:") {
        format!("{META}{rest}")
    } else if short.contains('.') {
        short.to_string()
    } else {
        format!("{CORE}{short}")
    }
}

/// The type name and the schema a node of the non-inlined rendering stands
/// for: a `$ref` (possibly wrapped for `Option`) is resolved.
fn resolve<'a>(typed: &'a Value, defs: &'a Map<String, Value>) -> (Option<&'a str>, &'a Value) {
    if let Some(name) = typed
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.rsplit('/').next())
        && let Some(def) = defs.get(name)
    {
        return (Some(name), def);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(sub) = typed
            .get(key)
            .and_then(Value::as_array)
            .and_then(|a| a.iter().find(|s| s.get("$ref").is_some()))
        {
            return resolve(sub, defs);
        }
    }
    (None, typed)
}

/// Applies the rules to `node` (inlined) and everything below it, `typed`
/// being the same place in the non-inlined rendering. The applied rules'
/// table entries are collected in `used`.
pub(super) fn apply(
    node: &mut Value,
    typed: &Value,
    defs: &Map<String, Value>,
    used: &mut BTreeSet<(String, String)>,
) {
    let (ty, typed) = resolve(typed, defs);
    if let Some(ty) = ty {
        for (name, rule) in TYPE_RULES {
            if full_name(name) == ty {
                add(node, *rule);
                used.insert((name.to_string(), String::new()));
            }
        }
    }
    let Some(map) = node.as_object_mut() else {
        return;
    };
    let mut defaulted = Vec::new();
    if let (Some(props), Some(typed_props)) = (
        map.get_mut("properties").and_then(Value::as_object_mut),
        typed.get("properties").and_then(Value::as_object),
    ) {
        for (field, child) in props.iter_mut() {
            let Some(typed_child) = typed_props.get(field) else {
                continue;
            };
            apply(child, typed_child, defs, used);
            let Some(ty) = ty else { continue };
            for (name, f, rule) in FIELD_RULES {
                if f == field && full_name(name) == ty {
                    add(child, *rule);
                    used.insert((name.to_string(), field.clone()));
                    if matches!(rule, Rule::DefaultStr(_) | Rule::DefaultBool(_)) {
                        defaulted.push(field.clone());
                    }
                }
            }
        }
    }
    if !defaulted.is_empty()
        && let Some(Value::Array(required)) = map.get_mut("required")
    {
        required.retain(|r| !r.as_str().is_some_and(|r| defaulted.iter().any(|d| d == r)));
        if required.is_empty() {
            map.remove("required");
        }
    }
    for key in ["items", "additionalProperties"] {
        if let (Some(child), Some(typed_child)) = (map.get_mut(key), typed.get(key))
            && child.is_object()
        {
            apply(child, typed_child, defs, used);
        }
    }
}

fn add(node: &mut Value, rule: Rule) {
    let Some(map) = node.as_object_mut() else {
        return;
    };
    let mut set = |k: &str, v: Value| {
        map.insert(k.to_string(), v);
    };
    match rule {
        Rule::AtomicList => set("x-kubernetes-list-type", json!("atomic")),
        Rule::SetList => set("x-kubernetes-list-type", json!("set")),
        Rule::MapList(keys) => {
            set("x-kubernetes-list-type", json!("map"));
            set("x-kubernetes-list-map-keys", json!(keys));
        }
        Rule::AtomicMap => set("x-kubernetes-map-type", json!("atomic")),
        Rule::DefaultStr(s) => set("default", json!(s)),
        Rule::DefaultBool(b) => set("default", json!(b)),
        Rule::Pattern(p) => set("pattern", json!(p)),
        Rule::EmbeddedMeta(keep) => {
            if let Some(Value::Object(props)) = map.get_mut("properties") {
                props.retain(|k, _| keep.contains(&k.as_str()));
            }
        }
    }
}
