//! Filing the snapshot by owner UID and deriving per-stack facts: replica
//! numbers, whether the sub-resources are current, and readiness
//! (reference sections 2.7 and 3.4).

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use k8s_openapi::jiff::Timestamp;

use crate::api::constants::{
    ANNOTATION_STACK_GENERATION, DEFAULT_REPLICAS, LABEL_STACK_VERSION, SEGMENT_SUFFIX,
};
use crate::api::{IngressSpec, RouteGroup, RouteGroupSpec, Stack};
use crate::model::{Snapshot, TrafficMechanism};
use crate::traffic::Prescaling;

/// The UID of the object's owner, if it has exactly one ownerReference.
/// Objects with zero or several owners are not attached to anything.
pub fn sole_owner_uid(meta: &ObjectMeta) -> Option<&str> {
    match meta.owner_references.as_deref() {
        Some([only]) => Some(only.uid.as_str()),
        _ => None,
    }
}

/// Whether `uid` is among the owners of `meta` (any of its ownerReferences;
/// never without a UID). What the shell shows as a StackSet's Stacks (`get`
/// before the engine assessed them, `delete`'s children); the engine itself
/// files objects by their sole owner (`sole_owner_uid`).
pub fn has_owner(meta: &ObjectMeta, uid: Option<&str>) -> bool {
    meta.owner_references
        .iter()
        .flatten()
        .any(|o| Some(o.uid.as_str()) == uid)
}

/// A Stack and the sub-resources it owns.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Owned<'a> {
    pub stack: &'a Stack,
    pub deployment: Option<&'a Deployment>,
    pub service: Option<&'a Service>,
    pub hpa: Option<&'a HorizontalPodAutoscaler>,
    pub ingress: Option<&'a Ingress>,
    pub ingress_segment: Option<&'a Ingress>,
    pub routegroup: Option<&'a RouteGroup>,
    pub routegroup_segment: Option<&'a RouteGroup>,
}

/// Everything filed under one StackSet.
#[derive(Debug, Clone)]
pub(crate) struct Filed<'a> {
    /// Owned stacks, sorted by name.
    pub stacks: Vec<Owned<'a>>,
    /// The legacy central Ingress (StackSet-owned), if any.
    pub central_ingress: Option<&'a Ingress>,
    /// The legacy central RouteGroup (StackSet-owned), if any.
    pub central_routegroup: Option<&'a RouteGroup>,
}

fn name(meta: &ObjectMeta) -> &str {
    meta.name.as_deref().unwrap_or("")
}

/// Picks one object among candidates for a slot: the one with the expected
/// name, else the smallest name, so the choice never depends on list order.
fn pick<'a, T>(
    candidates: &[&'a T],
    meta: impl Fn(&T) -> &ObjectMeta,
    expected: &str,
) -> Option<&'a T> {
    candidates.iter().copied().min_by(|a, b| {
        let (na, nb) = (name(meta(a)), name(meta(b)));
        (na != expected, na).cmp(&(nb != expected, nb))
    })
}

/// Files the snapshot's objects by owner UID (exactly one ownerReference,
/// matched by UID; labels are not used). Services and HPAs owned by a stack's
/// Deployment are accepted too (an older layout).
pub(crate) fn file(snapshot: &Snapshot) -> Filed<'_> {
    let ss_uid = snapshot.stackset.metadata.uid.as_deref();
    let owned_by =
        |meta: &ObjectMeta, uid: Option<&str>| uid.is_some() && sole_owner_uid(meta) == uid;
    let mut stacks: Vec<&Stack> = snapshot
        .stacks
        .iter()
        .filter(|s| owned_by(&s.metadata, ss_uid))
        .collect();
    stacks.sort_by(|a, b| {
        name(&a.metadata)
            .cmp(name(&b.metadata))
            .then(a.metadata.uid.cmp(&b.metadata.uid))
    });
    stacks.dedup_by(|a, b| name(&a.metadata) == name(&b.metadata));

    let ss_name = name(&snapshot.stackset.metadata);
    let central_ingresses: Vec<&Ingress> = snapshot
        .ingresses
        .iter()
        .filter(|i| owned_by(&i.metadata, ss_uid))
        .collect();
    let central_rgs: Vec<&RouteGroup> = snapshot
        .routegroups
        .iter()
        .filter(|r| owned_by(&r.metadata, ss_uid))
        .collect();

    let stacks = stacks
        .into_iter()
        .map(|stack| {
            let uid = stack.metadata.uid.as_deref();
            let stack_name = name(&stack.metadata);
            let segment_name = format!("{stack_name}{SEGMENT_SUFFIX}");
            let deployments: Vec<&Deployment> = snapshot
                .deployments
                .iter()
                .filter(|d| owned_by(&d.metadata, uid))
                .collect();
            let deployment = pick(&deployments, |d| &d.metadata, stack_name);
            let dep_uid = deployment.and_then(|d| d.metadata.uid.as_deref());
            let by_stack_or_deployment =
                |meta: &ObjectMeta| owned_by(meta, uid) || owned_by(meta, dep_uid);
            let services: Vec<&Service> = snapshot
                .services
                .iter()
                .filter(|s| by_stack_or_deployment(&s.metadata))
                .collect();
            let hpas: Vec<&HorizontalPodAutoscaler> = snapshot
                .hpas
                .iter()
                .filter(|h| by_stack_or_deployment(&h.metadata))
                .collect();
            let (segments, ingresses): (Vec<&Ingress>, Vec<&Ingress>) = snapshot
                .ingresses
                .iter()
                .filter(|i| owned_by(&i.metadata, uid))
                .partition(|i| name(&i.metadata).ends_with(SEGMENT_SUFFIX));
            let (rg_segments, rgs): (Vec<&RouteGroup>, Vec<&RouteGroup>) = snapshot
                .routegroups
                .iter()
                .filter(|r| owned_by(&r.metadata, uid))
                .partition(|r| name(&r.metadata).ends_with(SEGMENT_SUFFIX));
            Owned {
                stack,
                deployment,
                service: pick(&services, |s| &s.metadata, stack_name),
                hpa: pick(&hpas, |h| &h.metadata, stack_name),
                ingress: pick(&ingresses, |i| &i.metadata, stack_name),
                ingress_segment: pick(&segments, |i| &i.metadata, &segment_name),
                routegroup: pick(&rgs, |r| &r.metadata, stack_name),
                routegroup_segment: pick(&rg_segments, |r| &r.metadata, &segment_name),
            }
        })
        .collect();
    Filed {
        stacks,
        central_ingress: pick(&central_ingresses, |i| &i.metadata, ss_name),
        central_routegroup: pick(&central_rgs, |r| &r.metadata, ss_name),
    }
}

/// The value of the `stack-generation` annotation, if present and numeric.
pub(crate) fn generation_annotation(meta: &ObjectMeta) -> Option<i64> {
    meta.annotations
        .as_ref()?
        .get(ANNOTATION_STACK_GENERATION)?
        .parse()
        .ok()
}

/// True when the object was generated from the Stack's current generation.
pub(crate) fn is_current(meta: &ObjectMeta, stack_generation: i64) -> bool {
    generation_annotation(meta) == Some(stack_generation)
}

/// The facts about one stack that the engine derives and that `get`/`status`
/// views render.
#[derive(Debug, Clone, PartialEq)]
pub struct StackFacts {
    /// Stack name.
    pub name: String,
    /// Stack version (the `stack-version` label, or the name minus `<stackset>-`).
    pub version: String,
    /// Stack UID.
    pub uid: Option<String>,
    /// Stack `metadata.generation` (0 when unset).
    pub generation: i64,
    /// Stack creation time.
    pub created: Option<Timestamp>,
    /// The ingress spec in effect for this stack (its own copy; for a pre-v1.4.12
    /// override object, the StackSet's current ingress).
    pub ingress: Option<IngressSpec>,
    /// The routegroup spec in effect for this stack.
    pub routegroup: Option<RouteGroupSpec>,
    /// The backend port: the stack's own routing spec, else the StackSet's.
    pub backend_port: Option<IntOrString>,
    /// Whether the stack has routing (own ingress/routegroup, or StackSet externalIngress).
    pub has_routing: bool,
    /// Deployment `spec.replicas` (nil means 1; 0 without a Deployment).
    pub deployment_replicas: i32,
    /// Deployment `status.replicas`.
    pub current_replicas: i32,
    /// Deployment `status.readyReplicas`.
    pub ready_replicas: i32,
    /// Deployment `status.updatedReplicas`.
    pub updated_replicas: i32,
    /// Whether every expected sub-resource exists at the stack's generation.
    pub resources_updated: bool,
    /// `IsReady()`.
    pub ready: bool,
    /// Why the stack is (not) ready, e.g. `2/3 ready` or `service missing`.
    pub readiness: String,
    /// Effective desired weight (normalised, rounded, fallback applied).
    pub desired_weight: u32,
    /// Effective actual weight before this reconcile.
    pub previous_actual_weight: u32,
    /// Actual weight after this reconcile.
    pub actual_weight: u32,
    /// When the stack was first seen without traffic (after this reconcile).
    pub no_traffic_since: Option<Timestamp>,
    /// Prescaling state after this reconcile.
    pub prescaling: Prescaling,
    /// No traffic for longer than the scale-down TTL.
    pub scaled_down: bool,
    /// Marked for deletion by the stack lifecycle limit.
    pub pending_removal: bool,
    /// The stack's own errors (its sub-resources are left untouched).
    pub errors: Vec<String>,
}

impl StackFacts {
    /// What the fallback rule and the effective weights need of this stack.
    pub fn fallback_candidate(&self) -> crate::traffic::FallbackCandidate {
        crate::traffic::FallbackCandidate {
            name: self.name.clone(),
            no_traffic_since: self.no_traffic_since,
            created: self.created,
        }
    }

    /// Whether the stack has desired or actual traffic.
    pub fn has_traffic(&self) -> bool {
        self.desired_weight > 0 || self.actual_weight > 0
    }
}

/// What the readiness check expects to exist for one stack.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Expectations {
    pub ingress: bool,
    pub per_stack_ingress: bool,
    pub ingress_segment: bool,
    pub routegroup: bool,
    pub per_stack_routegroup: bool,
    pub routegroup_segment: bool,
    pub routegroup_support: bool,
    pub hpa: bool,
}

impl Expectations {
    pub(crate) fn new(
        facts_ingress: bool,
        facts_routegroup: bool,
        per_stack_hosts: bool,
        per_stack_rg_hosts: bool,
        mechanism: TrafficMechanism,
        routegroup_support: bool,
        hpa: bool,
    ) -> Self {
        let segments = mechanism == TrafficMechanism::Segments;
        Self {
            ingress: facts_ingress,
            per_stack_ingress: facts_ingress && per_stack_hosts,
            ingress_segment: facts_ingress && segments,
            routegroup: facts_routegroup,
            per_stack_routegroup: facts_routegroup && per_stack_rg_hosts,
            routegroup_segment: facts_routegroup && segments,
            routegroup_support,
            hpa,
        }
    }
}

/// Checks that every expected sub-resource exists at the stack's generation
/// and nothing unexpected exists. Returns the first problem found.
pub(crate) fn resources_problem(
    owned: &Owned<'_>,
    generation: i64,
    expect: Expectations,
) -> Option<String> {
    let check = |what: &str, meta: Option<&ObjectMeta>, wanted: bool| -> Option<String> {
        match (meta, wanted) {
            (None, true) => Some(format!("{what} missing")),
            (Some(m), true) if !is_current(m, generation) => {
                Some(format!("{what} not at stack generation {generation}"))
            }
            (Some(_), false) => Some(format!("{what} should not exist")),
            _ => None,
        }
    };
    let Some(deployment) = owned.deployment else {
        return Some("deployment missing".into());
    };
    if !is_current(&deployment.metadata, generation) {
        return Some(format!("deployment not at stack generation {generation}"));
    }
    let observed = deployment
        .status
        .as_ref()
        .and_then(|s| s.observed_generation);
    if observed != deployment.metadata.generation {
        return Some("deployment rollout not observed yet".into());
    }
    if let Some(p) = check("service", owned.service.map(|s| &s.metadata), true) {
        return Some(p);
    }
    if expect.ingress {
        if expect.per_stack_ingress
            && let Some(p) = check("ingress", owned.ingress.map(|i| &i.metadata), true)
        {
            return Some(p);
        }
        if expect.ingress_segment
            && let Some(p) = check(
                "segment ingress",
                owned.ingress_segment.map(|i| &i.metadata),
                true,
            )
        {
            return Some(p);
        }
    } else {
        if owned.ingress.is_some() {
            return Some("ingress should not exist".into());
        }
        if owned.ingress_segment.is_some() {
            return Some("segment ingress should not exist".into());
        }
    }
    if expect.routegroup {
        if !expect.routegroup_support {
            return Some("routegroup support is disabled".into());
        }
        if expect.per_stack_routegroup
            && let Some(p) = check("routegroup", owned.routegroup.map(|r| &r.metadata), true)
        {
            return Some(p);
        }
        if expect.routegroup_segment
            && let Some(p) = check(
                "segment routegroup",
                owned.routegroup_segment.map(|r| &r.metadata),
                true,
            )
        {
            return Some(p);
        }
    } else if expect.routegroup_support {
        if owned.routegroup.is_some() {
            return Some("routegroup should not exist".into());
        }
        if owned.routegroup_segment.is_some() {
            return Some("segment routegroup should not exist".into());
        }
    }
    check("hpa", owned.hpa.map(|h| &h.metadata), expect.hpa)
}

/// Deployment replica numbers: (spec replicas with nil → 1, status replicas,
/// ready, updated). All zero without a Deployment.
pub(crate) fn deployment_numbers(deployment: Option<&Deployment>) -> (i32, i32, i32, i32) {
    let Some(d) = deployment else {
        return (0, 0, 0, 0);
    };
    let spec = d
        .spec
        .as_ref()
        .and_then(|s| s.replicas)
        .unwrap_or(DEFAULT_REPLICAS);
    let status = d.status.as_ref();
    (
        spec,
        status.and_then(|s| s.replicas).unwrap_or(0),
        status.and_then(|s| s.ready_replicas).unwrap_or(0),
        status.and_then(|s| s.updated_replicas).unwrap_or(0),
    )
}

/// `IsReady()` given the resource check: resources current, Deployment
/// replicas > 0, and at least `ceil(replicas × minReadyPercent)` replicas
/// both updated and ready. Returns (ready, human reason).
pub(crate) fn readiness(
    resources_problem: Option<&str>,
    deployment_replicas: i32,
    ready_replicas: i32,
    updated_replicas: i32,
    min_ready_percent: Option<i32>,
) -> (bool, String) {
    if let Some(problem) = resources_problem {
        return (false, problem.to_string());
    }
    if deployment_replicas <= 0 {
        return (false, "scaled to zero".into());
    }
    let min_required = min_required_replicas(deployment_replicas, min_ready_percent);
    if min_required <= updated_replicas && min_required <= ready_replicas {
        (
            true,
            format!("{ready_replicas}/{deployment_replicas} ready"),
        )
    } else if updated_replicas < min_required && ready_replicas >= min_required {
        (
            false,
            format!("{updated_replicas}/{deployment_replicas} updated, need {min_required}"),
        )
    } else {
        (
            false,
            format!("{ready_replicas}/{deployment_replicas} ready, need {min_required}"),
        )
    }
}

/// `ceil(replicas × minReadyPercent / 100)`, where values <= 0 or >= 100 mean 100.
pub fn min_required_replicas(replicas: i32, min_ready_percent: Option<i32>) -> i32 {
    let pct = match min_ready_percent {
        Some(p) if p > 0 && p < 100 => i64::from(p),
        _ => 100,
    };
    let needed = (i64::from(replicas) * pct + 99) / 100;
    i32::try_from(needed).unwrap_or(i32::MAX)
}

/// The stack's version: its `stack-version` label, else its name without the
/// `<stackset>-` prefix.
pub(crate) fn stack_version(stack: &Stack, stackset_name: &str) -> String {
    if let Some(v) = stack
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(LABEL_STACK_VERSION))
    {
        return v.clone();
    }
    let n = name(&stack.metadata);
    n.strip_prefix(stackset_name)
        .and_then(|r| r.strip_prefix('-'))
        .unwrap_or(n)
        .to_string()
}

#[cfg(test)]
mod tests {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

    use super::{has_owner, sole_owner_uid};

    fn owned_by(uids: &[&str]) -> ObjectMeta {
        ObjectMeta {
            owner_references: Some(
                uids.iter()
                    .map(|uid| OwnerReference {
                        uid: (*uid).to_string(),
                        ..OwnerReference::default()
                    })
                    .collect(),
            ),
            ..ObjectMeta::default()
        }
    }

    #[test]
    fn an_owner_is_any_reference_with_the_uid_the_filing_owner_the_only_one() {
        let two = owned_by(&["a", "b"]);
        assert!(has_owner(&two, Some("a")) && has_owner(&two, Some("b")));
        assert!(!has_owner(&two, Some("c")));
        assert_eq!(
            sole_owner_uid(&two),
            None,
            "several owners: filed under none"
        );
        let one = owned_by(&["a"]);
        assert_eq!(sole_owner_uid(&one), Some("a"));
        assert!(!has_owner(&one, None), "no UID owns nothing");
        assert!(!has_owner(&ObjectMeta::default(), Some("a")));
    }
}
