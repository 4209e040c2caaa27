//! `reconcile(&Snapshot, &Options, now) -> Reconciliation`: one pass of the
//! controller's algorithm (reference sections 3.2–3.14), as a pure function.
//!
//! Order of the work, mirroring upstream's loop, one function per phase:
//! 1. `check_stackset`: StackSet-level checks (traffic mechanism,
//!    prescaling delay, backend ports). A failure stops here with an empty
//!    plan.
//! 2. `observe_stacks`: facts per owned stack: replicas, resources at the
//!    current generation, readiness.
//! 3. `decide_traffic`: desired and actual weights (normalise, round,
//!    fallback), the traffic reconciler with its all-or-nothing readiness
//!    gate, `noTrafficSince`.
//! 4. `apply_lifecycle`: scale-down and garbage collection.
//! 5. `segment_order`, then `stack_sub_resources`: per-stack
//!    sub-resources in write order (stacks whose segment changes first,
//!    growing before shrinking), each stack's steps in `stack_actions`.
//! 6. `central_objects`: central Ingress/RouteGroup in backend-weights
//!    mode, migrations.
//! 7. `write_back_traffic`, `delete_expired`, `write_statuses`.
//!
//! If the current template version has no Stack yet, the plan is only the
//! Stack create and the `observedStackVersion` write; see
//! [`Plan::requires_resnapshot`].

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use k8s_openapi::jiff::Timestamp;

use crate::api::constants::*;
use crate::api::{
    ActualTraffic, DesiredTraffic, IngressSpec, PrescalingStatus, RouteGroup, RouteGroupSpec,
    Stack, StackSet, StackSetStatus, StackSpecInternal, StackStatus,
};
use crate::error::Error;
use crate::lifecycle::{
    GcCandidate, expired_stacks, is_scaled_down, scaledown_ttl_seconds, stack_limit,
};
use crate::model::{
    Event, EventType, Kind, Managed, Object, ObjectRef, Options, Reason, Snapshot, TrafficMechanism,
};
use crate::names::valid_version;
use crate::observe::{
    Expectations, Owned, StackFacts, deployment_numbers, file, is_current, readiness,
    resources_problem, stack_version,
};
use crate::plan::{Action, Plan, Reconciliation};
use crate::resources::{
    annotations_equal, central_ingress, central_routegroup, check_additional_backends,
    deployment_replicas, desired_deployment, desired_hpa, desired_ingress, desired_pcs,
    desired_routegroup, desired_service, owner_reference, per_stack_hosts, port_matches, port_text,
    service_ports,
};
use crate::segments::{PercentSegment, Segment, SegmentInput, layout, parse_segment};
use crate::simulate::simulate;
use crate::traffic::{
    FallbackCandidate, Prescaling, Strategy, TrafficStack, Weights, effective_weights,
    reconcile_traffic,
};
use crate::util::parse_go_duration;

fn name_of(meta: &ObjectMeta) -> &str {
    meta.name.as_deref().unwrap_or("")
}

/// The traffic mechanism for this StackSet: the override in `options`, else
/// the `kubectl-stackset.io/traffic-mechanism` annotation, else segments.
pub fn traffic_mechanism(
    stackset: &StackSet,
    options: &Options,
) -> Result<TrafficMechanism, Error> {
    if let Some(m) = options.traffic_mechanism {
        return Ok(m);
    }
    match stackset
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(ANNOTATION_TRAFFIC_MECHANISM))
    {
        None => Ok(TrafficMechanism::Segments),
        Some(v) => v.parse().map_err(|_| Error::UnknownTrafficMechanism {
            key: ANNOTATION_TRAFFIC_MECHANISM.into(),
            value: v.clone(),
        }),
    }
}

/// The traffic reconciler for this StackSet: prescaling when the
/// `prescale-stacks` annotation is present (any value), with the reset delay
/// from `reset-hpa-min-replicas-delay` (a Go duration, default 10m). Unlike
/// upstream, which silently falls back to the default, an unparseable delay is
/// an error.
pub fn strategy(stackset: &StackSet) -> Result<Strategy, Error> {
    let annotations = stackset.metadata.annotations.clone().unwrap_or_default();
    if !annotations.contains_key(ANNOTATION_PRESCALE_STACKS) {
        return Ok(Strategy::Simple);
    }
    let reset_delay_seconds = match annotations.get(ANNOTATION_RESET_HPA_MIN_REPLICAS_DELAY) {
        None => DEFAULT_RESET_MIN_REPLICAS_DELAY_SECONDS,
        Some(v) => parse_go_duration(v).map_err(|reason| Error::InvalidAnnotation {
            key: ANNOTATION_RESET_HPA_MIN_REPLICAS_DELAY.into(),
            value: v.clone(),
            reason,
        })?,
    };
    Ok(Strategy::Prescaling {
        reset_delay_seconds,
    })
}

/// The StackSet's backend port: routegroup, else ingress, else
/// externalIngress. Ingress and routegroup ports must agree as integers.
pub fn stackset_backend_port(stackset: &StackSet) -> Result<Option<IntOrString>, Error> {
    let spec = &stackset.spec;
    let ingress_port = spec.ingress.as_ref().and_then(|i| i.backend_port.clone());
    let rg_port = spec.routegroup.as_ref().and_then(|r| r.backend_port);
    if let (Some(ip), Some(rp)) = (&ingress_port, rg_port) {
        let as_int = match ip {
            IntOrString::Int(n) => Some(*n),
            IntOrString::String(s) => s.parse::<i32>().ok(),
        };
        if as_int != Some(rp) {
            return Err(Error::BackendPortMismatch);
        }
    }
    Ok(rg_port.map(IntOrString::Int).or(ingress_port).or_else(|| {
        spec.external_ingress
            .as_ref()
            .map(|e| e.backend_port.clone())
    }))
}

/// The template's version (`default` when it is empty, as upstream).
pub fn template_version(stackset: &StackSet) -> &str {
    let version = &stackset.spec.stack_template.spec.version;
    if version.is_empty() {
        DEFAULT_VERSION
    } else {
        version.as_str()
    }
}

/// The effective desired weights of `stackset` over these stacks:
/// `spec.traffic` (entries naming other stacks ignored) normalised and
/// rounded to integer percentages, or 100 for the fallback stack when no
/// stack has desired weight.
pub fn desired_weights(stackset: &StackSet, stacks: &[FallbackCandidate]) -> Weights {
    let raw: BTreeMap<String, f64> = stackset
        .spec
        .traffic
        .iter()
        .flatten()
        .filter(|t| stacks.iter().any(|s| s.name == t.stack_name))
        .map(|t| (t.stack_name.clone(), t.weight))
        .collect();
    effective_weights(&raw, stacks)
}

/// The effective actual weights of `stackset` over these stacks:
/// `status.traffic` read back by `serviceName`, like [`desired_weights`].
pub fn actual_weights(stackset: &StackSet, stacks: &[FallbackCandidate]) -> Weights {
    let raw: BTreeMap<String, f64> = stackset
        .status
        .as_ref()
        .and_then(|s| s.traffic.as_ref())
        .into_iter()
        .flatten()
        .filter(|t| stacks.iter().any(|s| s.name == t.service_name))
        .map(|t| (t.service_name.clone(), t.weight))
        .collect();
    effective_weights(&raw, stacks)
}

/// The name of the Stack for the current template version.
pub fn current_stack_name(stackset: &StackSet) -> String {
    format!(
        "{}-{}",
        name_of(&stackset.metadata),
        template_version(stackset)
    )
}

/// Checks that the template can produce a working Stack: a valid version,
/// at least one container, and a Service port matching the backend port.
/// The commands that write a StackSet use it to refuse a broken template; the
/// controller loop itself is more lenient (see [`validate_stack_creation`]).
pub fn validate_template(stackset: &StackSet) -> Result<(), Error> {
    validate_stack_creation(stackset)?;
    if let Some(port) = stackset_backend_port(stackset)? {
        let probe = new_stack(stackset);
        if !port_matches(&service_ports(&probe), &port) {
            return Err(Error::InvalidTemplate {
                reason: format!(
                    "no service ports matching backendPort '{}'",
                    port_text(&port)
                ),
            });
        }
    }
    Ok(())
}

/// What the controller checks before it creates the Stack of a new template
/// version: a valid version and at least one container. Like upstream, a
/// template whose Service ports do not match the backend port still gets its
/// Stack (with Ingresses and Deployment but no Service, so it never becomes
/// ready and receives no traffic).
pub fn validate_stack_creation(stackset: &StackSet) -> Result<(), Error> {
    let template = &stackset.spec.stack_template.spec;
    let invalid = |reason: String| Err(Error::InvalidTemplate { reason });
    if !template.version.is_empty() && !valid_version(&template.version) {
        return invalid(format!(
            "version {:?} is not a valid dns subdomain",
            template.version
        ));
    }
    let containers = template
        .spec
        .pod_template
        .spec
        .as_ref()
        .map_or(0, |s| s.containers.len());
    if containers == 0 {
        return invalid("podTemplate has no containers".into());
    }
    Ok(())
}

/// The Stack the StackSet's template describes (reference 2.2): labels
/// `stackset`, the StackSet's labels, then `stack-version`; the template's
/// annotations; the StackSet as the only owner; the template spec without the
/// version, ports defaulted to TCP, and copies of the StackSet's routing.
pub fn new_stack(stackset: &StackSet) -> Stack {
    let ss_name = name_of(&stackset.metadata).to_string();
    let template = &stackset.spec.stack_template;
    let version = if template.spec.version.is_empty() {
        DEFAULT_VERSION.to_string()
    } else {
        template.spec.version.clone()
    };
    let mut labels = BTreeMap::from([(LABEL_STACKSET.to_string(), ss_name.clone())]);
    labels.extend(stackset.metadata.labels.clone().unwrap_or_default());
    labels.insert(LABEL_STACK_VERSION.into(), version.clone());
    let annotations = template
        .metadata
        .as_ref()
        .and_then(|m| m.annotations.clone())
        .filter(|a| !a.is_empty());
    let mut spec = template.spec.spec.clone();
    if let Some(ports) = spec.service.as_mut().and_then(|s| s.ports.as_mut()) {
        for p in ports {
            if p.protocol.as_deref().is_none_or(str::is_empty) {
                p.protocol = Some("TCP".into());
            }
        }
    }
    Stack {
        metadata: ObjectMeta {
            name: Some(format!("{ss_name}-{version}")),
            namespace: stackset.metadata.namespace.clone(),
            labels: Some(labels),
            annotations,
            owner_references: Some(vec![owner_reference(
                KIND_STACKSET,
                &ss_name,
                stackset.metadata.uid.as_deref().unwrap_or(""),
            )]),
            ..ObjectMeta::default()
        },
        spec: StackSpecInternal {
            spec,
            ingress: stackset.spec.ingress.clone(),
            routegroup: stackset.spec.routegroup.clone(),
            external_ingress: stackset.spec.external_ingress.clone(),
        },
        status: None,
    }
}

fn event(involved: &ObjectRef, type_: EventType, reason: Reason, message: String) -> Event {
    Event {
        involved: involved.clone(),
        type_,
        reason,
        message,
    }
}

/// What was done to an object, in event reasons and messages.
#[derive(Debug, Clone, Copy)]
enum Verb {
    Created,
    Updated,
    Deleted,
}

impl Verb {
    fn as_str(self) -> &'static str {
        match self {
            Self::Created => "Created",
            Self::Updated => "Updated",
            Self::Deleted => "Deleted",
        }
    }

    fn reason(self, kind: Kind) -> Reason {
        match self {
            Self::Created => Reason::Created(kind),
            Self::Updated => Reason::Updated(kind),
            Self::Deleted => Reason::Deleted(kind),
        }
    }
}

/// `Created HPA app-v1` (reason `CreatedHPA`) on `involved`: upstream names
/// HPAs by their abbreviation, the other kinds in full.
fn object_event(involved: &ObjectRef, verb: Verb, kind: Kind, name: &str) -> Event {
    event(
        involved,
        EventType::Normal,
        verb.reason(kind),
        format!("{} {} {name}", verb.as_str(), kind.event_name()),
    )
}

fn ts(t: &Time) -> Timestamp {
    t.0
}

/// Whole-second timestamp (Kubernetes times have second precision).
fn second(now: Timestamp) -> Timestamp {
    Timestamp::from_second(now.as_second()).unwrap_or(now)
}

struct Working<'a> {
    owned: Owned<'a>,
    facts: StackFacts,
    expect: Expectations,
    hpa_expected: bool,
    per_stack_hosts: Vec<String>,
    per_stack_rg_hosts: Vec<String>,
    stack_replicas: i32,
    max_replicas: Option<i32>,
}

/// The StackSet-level settings the checks of phase 1 produced.
struct Checked {
    mechanism: TrafficMechanism,
    strategy: Strategy,
    port: Option<IntOrString>,
    traffic_managed: bool,
}

/// Runs one reconcile of `snapshot.stackset`. Pure: the same inputs always
/// give the same result, whatever the order of the snapshot's lists.
///
/// The phases, in upstream's order (ARCHITECTURE.md, "The pipeline"):
/// `check_stackset`, `observe_stacks`, `decide_traffic`,
/// `apply_lifecycle`, `segment_order`, `stack_sub_resources`,
/// `central_objects`, `write_back_traffic`, `delete_expired`,
/// `write_statuses`, then `create_phase` when the current version has no
/// Stack yet.
pub fn reconcile(snapshot: &Snapshot, options: &Options, now: Timestamp) -> Reconciliation {
    let now = second(now);
    let ss = &snapshot.stackset;
    let ss_ref = ObjectRef::from_meta(Kind::StackSet, &ss.metadata);
    let mut out = Reconciliation::default();

    let Some(checked) = check_stackset(ss, options, &ss_ref, &mut out) else {
        return out;
    };
    let filed = file(snapshot);
    let mut working = observe_stacks(ss, &filed, &checked, options, &mut out.warnings);
    decide_traffic(ss, &ss_ref, &checked, &mut working, now, &mut out);
    apply_lifecycle(ss, checked.traffic_managed, &mut working, now);
    let (order, segments) = segment_order(&working, checked.mechanism, &ss_ref, &mut out);
    let stacks = stack_sub_resources(
        snapshot,
        options,
        checked.mechanism,
        &order,
        &segments,
        &mut working,
        &mut out,
    );
    let mut actions = stacks.actions;
    let live: Vec<&Working<'_>> = working
        .iter()
        .filter(|w| !w.facts.pending_removal)
        .collect();
    central_objects(
        ss,
        &filed,
        options,
        &checked,
        &live,
        (stacks.segments_settled, stacks.classic_segment_deletes),
        &ss_ref,
        now,
        &mut actions,
        &mut out.warnings,
    );
    actions.extend(write_back_traffic(ss, &ss_ref, &live));
    actions.extend(delete_expired(ss, &ss_ref, &working));
    let ss_status = write_statuses(
        snapshot,
        &ss_ref,
        &live,
        &stacks.desired_replicas,
        &mut actions,
    );
    if checked.traffic_managed
        && let Some(message) = traffic_switch_message(ss, &live)
    {
        out.events.push(event(
            &ss_ref,
            EventType::Normal,
            Reason::TrafficSwitched,
            message,
        ));
    }
    out.stackset_status = Some(ss_status);
    out.stacks = working.into_iter().map(|w| w.facts).collect();
    out.plan = Plan { actions };

    // The current template version has no Stack yet: create it first.
    if let Some(phase_one) = create_phase(snapshot, options, &ss_ref, &mut out) {
        // The status write that would report a switch is not in this plan.
        out.events.retain(|e| e.reason != Reason::TrafficSwitched);
        out.plan = phase_one;
    }
    out
}

/// Phase 1, the StackSet-level checks: traffic mechanism, prescaling delay,
/// backend ports. A failure is reported in `out` (the error and a
/// `FailedManageStackSet` warning) and stops the reconcile with an empty plan.
fn check_stackset(
    ss: &StackSet,
    options: &Options,
    ss_ref: &ObjectRef,
    out: &mut Reconciliation,
) -> Option<Checked> {
    let fail = |out: &mut Reconciliation, error: Error| {
        out.events.push(event(
            ss_ref,
            EventType::Warning,
            Reason::FailedManage(Managed::StackSet),
            error.to_string(),
        ));
        out.errors.push(error);
        None
    };
    let mechanism = match traffic_mechanism(ss, options) {
        Ok(m) => m,
        Err(e) => return fail(out, e),
    };
    out.mechanism = Some(mechanism);
    let strategy = match strategy(ss) {
        Ok(s) => s,
        Err(e) => return fail(out, e),
    };
    let port = match stackset_backend_port(ss) {
        Ok(p) => p,
        Err(e) => return fail(out, e),
    };
    let traffic_managed = ss.spec.ingress.is_some()
        || ss.spec.routegroup.is_some()
        || ss.spec.external_ingress.is_some();
    out.traffic_managed = traffic_managed;
    stackset_warnings(ss, options, &mut out.warnings);
    Some(Checked {
        mechanism,
        strategy,
        port,
        traffic_managed,
    })
}

/// Phase 2, the facts of every stack the StackSet owns: replicas,
/// sub-resources at the current generation, readiness.
fn observe_stacks<'a>(
    ss: &StackSet,
    filed: &crate::observe::Filed<'a>,
    checked: &Checked,
    options: &Options,
    warnings: &mut Vec<String>,
) -> Vec<Working<'a>> {
    filed
        .stacks
        .iter()
        .map(|owned| {
            stack_facts(
                ss,
                owned,
                checked.port.as_ref(),
                options,
                checked.mechanism,
                ss.spec.min_ready_percent,
                warnings,
            )
        })
        .collect()
}

/// Phase 3, the weights: desired and actual (normalised, rounded, fallback),
/// the traffic reconciler with its all-or-nothing readiness gate (a
/// `TrafficNotSwitched` warning when it holds), and `noTrafficSince`.
fn decide_traffic(
    ss: &StackSet,
    ss_ref: &ObjectRef,
    checked: &Checked,
    working: &mut [Working<'_>],
    now: Timestamp,
    out: &mut Reconciliation,
) {
    let (traffic_managed, strategy) = (checked.traffic_managed, checked.strategy);
    let candidates: Vec<FallbackCandidate> = working
        .iter()
        .map(|w| w.facts.fallback_candidate())
        .collect();
    if traffic_managed {
        let desired = desired_weights(ss, &candidates);
        let actual = actual_weights(ss, &candidates);
        let inputs: Vec<TrafficStack> = working
            .iter()
            .map(|w| TrafficStack {
                name: w.facts.name.clone(),
                desired: desired.get(&w.facts.name).copied().unwrap_or(0),
                actual: actual.get(&w.facts.name).copied().unwrap_or(0),
                ready: w.facts.ready,
                deployment_replicas: w.facts.deployment_replicas,
                updated_replicas: w.facts.updated_replicas,
                ready_replicas: w.facts.ready_replicas,
                stack_replicas: w.stack_replicas,
                max_replicas: w.max_replicas,
                prescaling: w.facts.prescaling.clone(),
            })
            .collect();
        let outcome = reconcile_traffic(&inputs, strategy, now);
        if let Some(blocked) = &outcome.blocked {
            out.events.push(event(
                ss_ref,
                EventType::Warning,
                Reason::TrafficNotSwitched,
                format!("Failed to switch traffic: {blocked}"),
            ));
        }
        out.blocked = outcome.blocked.clone();
        for w in working.iter_mut() {
            let name = &w.facts.name;
            w.facts.desired_weight = desired.get(name).copied().unwrap_or(0);
            w.facts.previous_actual_weight = actual.get(name).copied().unwrap_or(0);
            w.facts.actual_weight = outcome.actual.get(name).copied().unwrap_or(0);
            w.facts.prescaling = outcome.prescaling.get(name).cloned().unwrap_or_default();
            if w.facts.has_traffic() {
                w.facts.no_traffic_since = None;
            } else if w.facts.no_traffic_since.is_none() {
                w.facts.no_traffic_since = Some(now);
            }
        }
    } else {
        for w in working.iter_mut() {
            w.facts.desired_weight = 0;
            w.facts.previous_actual_weight = 0;
            w.facts.actual_weight = 0;
            w.facts.no_traffic_since = None;
            w.facts.prescaling = Prescaling::default();
        }
    }
}

/// Phase 4, the stack lifecycle: scale-down after the TTL, garbage
/// collection beyond the limit (`pending_removal`).
fn apply_lifecycle(
    ss: &StackSet,
    traffic_managed: bool,
    working: &mut [Working<'_>],
    now: Timestamp,
) {
    let ttl = scaledown_ttl_seconds(ss);
    let limit = stack_limit(ss);
    for w in working.iter_mut() {
        w.facts.scaled_down = traffic_managed
            && is_scaled_down(
                w.facts.desired_weight,
                w.facts.actual_weight,
                w.facts.no_traffic_since,
                ttl,
                now,
            );
    }
    let gc: Vec<GcCandidate> = working
        .iter()
        .map(|w| GcCandidate {
            name: w.facts.name.clone(),
            has_routing: w.facts.has_routing,
            has_traffic: w.facts.has_traffic(),
            scaled_down: w.facts.scaled_down,
            no_traffic_since: w.facts.no_traffic_since,
            created: w.facts.created,
        })
        .collect();
    let expired = expired_stacks(&gc, limit);
    for w in working.iter_mut() {
        w.facts.pending_removal = expired.contains(&w.facts.name);
    }
}

/// Phase 5a, the segment layout (segments mode): the new segments, and the
/// order in which stacks are written (stacks whose segment changes first,
/// growing before shrinking).
fn segment_order(
    working: &[Working<'_>],
    mechanism: TrafficMechanism,
    ss_ref: &ObjectRef,
    out: &mut Reconciliation,
) -> (Vec<usize>, BTreeMap<String, PercentSegment>) {
    let mut segments: BTreeMap<String, PercentSegment> = BTreeMap::new();
    let mut order: Vec<usize> = (0..working.len()).collect();
    if mechanism == TrafficMechanism::Segments {
        let mut inputs = Vec::new();
        for w in working.iter().filter(|w| !w.facts.pending_removal) {
            if w.facts.ingress.is_none() && w.facts.routegroup.is_none() {
                continue;
            }
            let from_ingress = w
                .owned
                .ingress_segment
                .and_then(|i| {
                    i.metadata
                        .annotations
                        .as_ref()?
                        .get(ANNOTATION_SKIPPER_PREDICATE)
                        .cloned()
                })
                .and_then(|p| parse_segment(&p));
            let from_rg = w.owned.routegroup_segment.and_then(|r| {
                r.spec
                    .routes
                    .first()?
                    .predicates
                    .as_ref()?
                    .iter()
                    .find_map(|p| parse_segment(p))
            });
            let current = match (from_ingress, from_rg) {
                (Some(i), Some(r)) => {
                    if format!("{:.2}/{:.2}", i.lo, i.hi) != format!("{:.2}/{:.2}", r.lo, r.hi) {
                        let error = Error::SegmentMismatch {
                            stack: w.facts.name.clone(),
                        };
                        out.events.push(event(
                            ss_ref,
                            EventType::Warning,
                            Reason::FailedManage(Managed::Segments),
                            error.to_string(),
                        ));
                        out.errors.push(error);
                    }
                    Some(i)
                }
                (i, r) => i.or(r),
            };
            // An existing segment object without a parseable predicate counts
            // as the empty segment (it is rewritten), a missing one as absent.
            let current = current.or_else(|| {
                (w.owned.ingress_segment.is_some() || w.owned.routegroup_segment.is_some())
                    .then_some(Segment { lo: 0.0, hi: 0.0 })
            });
            inputs.push(SegmentInput {
                name: w.facts.name.clone(),
                uid: w.facts.uid.clone().unwrap_or_default(),
                current,
                weight: w.facts.actual_weight,
            });
        }
        let computed = layout(&inputs);
        let position: BTreeMap<&str, usize> = computed
            .changed
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        order.sort_by_key(|&i| {
            let n = working[i].facts.name.as_str();
            (
                position.get(n).copied().unwrap_or(usize::MAX),
                n.to_string(),
            )
        });
        segments = computed.segments;
    }

    (order, segments)
}

/// What phase 5b decided for the stacks' sub-resources.
struct StacksOutcome {
    actions: Vec<Action>,
    classic_segment_deletes: Vec<Action>,
    desired_replicas: BTreeMap<String, i32>,
    segments_settled: bool,
}

/// Phase 5b, every live stack's sub-resources in write order
/// (`stack_actions`); a stack's error is reported on it and stops only
/// its remaining steps.
fn stack_sub_resources(
    snapshot: &Snapshot,
    options: &Options,
    mechanism: TrafficMechanism,
    order: &[usize],
    segments: &BTreeMap<String, PercentSegment>,
    working: &mut [Working<'_>],
    out: &mut Reconciliation,
) -> StacksOutcome {
    let ss = &snapshot.stackset;
    let mut actions: Vec<Action> = Vec::new();
    let stack_names: Vec<String> = working.iter().map(|w| w.facts.name.clone()).collect();
    let ss_annotations_ingress = ss
        .spec
        .ingress
        .as_ref()
        .map(IngressSpec::annotations)
        .unwrap_or_default();
    let ss_annotations_rg = ss
        .spec
        .routegroup
        .as_ref()
        .map(RouteGroupSpec::annotations)
        .unwrap_or_default();
    let mut desired_replicas: BTreeMap<String, i32> = BTreeMap::new();
    let mut segments_settled = true;
    let mut classic_segment_deletes: Vec<Action> = Vec::new();
    for &i in order {
        let w = &mut working[i];
        if w.facts.pending_removal {
            continue;
        }
        let ctx = StackCtx {
            ss,
            options,
            mechanism,
            segment: segments.get(&w.facts.name).copied(),
            stack_names: &stack_names,
            ingress_sync: &ss_annotations_ingress,
            rg_sync: &ss_annotations_rg,
            snapshot,
        };
        let result = stack_actions(&ctx, w);
        if result.segment_pending {
            segments_settled = false;
        }
        if let Some(replicas) = result.replicas {
            desired_replicas.insert(w.facts.name.clone(), replicas);
        }
        actions.extend(result.actions);
        classic_segment_deletes.extend(result.classic_segment_deletes);
        if let Some((error, reason)) = result.error {
            let stack_ref = ObjectRef::from_meta(Kind::Stack, &w.owned.stack.metadata);
            out.events.push(event(
                &stack_ref,
                EventType::Warning,
                reason,
                error.to_string(),
            ));
            w.facts.errors.push(error.to_string());
            out.errors.push(error);
        }
    }

    StacksOutcome {
        actions,
        classic_segment_deletes,
        desired_replicas,
        segments_settled,
    }
}

/// Phase 6, the central Ingress/RouteGroup of backend-weights mode, and the
/// migrations between the mechanisms (segment objects go only once the
/// central objects exist, and the other way round).
#[allow(clippy::too_many_arguments)]
fn central_objects(
    ss: &StackSet,
    filed: &crate::observe::Filed<'_>,
    options: &Options,
    checked: &Checked,
    live: &[&Working<'_>],
    (segments_settled, classic_segment_deletes): (bool, Vec<Action>),
    ss_ref: &ObjectRef,
    now: Timestamp,
    actions: &mut Vec<Action>,
    warnings: &mut Vec<String>,
) {
    let mechanism = checked.mechanism;
    if mechanism == TrafficMechanism::Segments {
        let central: Vec<(Kind, &ObjectMeta)> = filed
            .central_ingress
            .map(|i| (Kind::Ingress, &i.metadata))
            .into_iter()
            .chain(
                filed
                    .central_routegroup
                    .filter(|_| options.routegroup_support)
                    .map(|r| (Kind::RouteGroup, &r.metadata)),
            )
            .collect();
        for (kind, meta) in central {
            if segments_settled {
                actions.push(delete(kind, meta, "replaced by traffic segments", None));
            } else {
                warnings.push(format!(
                    "keeping central {kind} {} until every stack with traffic has its segment",
                    name_of(meta)
                ));
            }
        }
        return;
    }
    let actual: Weights = live
        .iter()
        .map(|w| (w.facts.name.clone(), w.facts.actual_weight))
        .collect();
    let stamp = now.to_string();
    let key = options.backend_weights_key.as_str();
    let ingress = Central {
        kind: Kind::Ingress,
        desired: match (ss.spec.ingress.as_ref(), checked.port.as_ref()) {
            (Some(ingress), Some(port)) => Some(central_ingress(
                ss,
                ingress,
                port,
                &actual,
                key,
                &stamp,
                filed.central_ingress,
            )),
            _ => None,
        },
        existing: filed.central_ingress,
        missing: "StackSet has no ingress",
        created: "central ingress missing",
        update_reason: &|d, e| {
            if rules_differ(d, e) {
                return Some("backends changed");
            }
            match central_meta_change(&d.metadata, &e.metadata)? {
                MetaChange::Annotations => Some(backend_weights_reason(e, key)),
                MetaChange::Labels => Some("labels changed"),
                MetaChange::Unstamped => Some("updated-timestamp missing"),
            }
        },
        into_object: Object::Ingress,
        meta: |i| &i.metadata,
    };
    let mut central_ready = central_step(ingress, ss_ref, mechanism, actions);
    if options.routegroup_support {
        let routegroup = Central {
            kind: Kind::RouteGroup,
            desired: ss.spec.routegroup.as_ref().map(|rg| {
                let names: Vec<String> = live.iter().map(|w| w.facts.name.clone()).collect();
                let port = rg.backend_port.unwrap_or(0);
                Some(central_routegroup(
                    ss,
                    rg,
                    port,
                    &names,
                    &actual,
                    &stamp,
                    filed.central_routegroup,
                ))
            }),
            existing: filed.central_routegroup,
            missing: "StackSet has no routegroup",
            created: "central routegroup missing",
            update_reason: &|d, e| {
                (d.spec != e.spec || central_meta_change(&d.metadata, &e.metadata).is_some())
                    .then_some("backends or weights changed")
            },
            into_object: Object::RouteGroup,
            meta: |r| &r.metadata,
        };
        // Both steps run: `&` does not short-circuit.
        central_ready &= central_step(routegroup, ss_ref, mechanism, actions);
    }
    if central_ready {
        actions.extend(classic_segment_deletes);
    } else if !classic_segment_deletes.is_empty() {
        warnings.push(
            "keeping traffic segments until the central ingress/routegroup exists".to_string(),
        );
    }
}

/// What differs between the central Ingress and the central RouteGroup; the
/// rest of their step is one path, `central_step`.
struct Central<'a, T> {
    kind: Kind,
    /// `None` when the StackSet does not route this way (an existing object
    /// goes, for `missing`); otherwise the desired object, if one can be
    /// built yet.
    desired: Option<Option<T>>,
    existing: Option<&'a T>,
    missing: &'static str,
    /// The reason of a create.
    created: &'static str,
    /// Why an existing object is rewritten.
    update_reason: &'a dyn Fn(&T, &T) -> Option<&'static str>,
    into_object: fn(T) -> Object,
    meta: fn(&T) -> &ObjectMeta,
}

/// Creates, updates or deletes one central object. v1.4.62 reports them on
/// the StackSet: CreatedIngress, UpdatedRouteGroup and so on. Returns
/// whether the object is in place (false right after a create: the segment
/// objects wait for it).
fn central_step<T>(
    c: Central<'_, T>,
    ss_ref: &ObjectRef,
    mechanism: TrafficMechanism,
    actions: &mut Vec<Action>,
) -> bool {
    let meta = c.meta;
    let event = |verb: Verb, m: &ObjectMeta| Some(object_event(ss_ref, verb, c.kind, name_of(m)));
    let reason = |what: &str| format!("{what} (traffic mechanism {mechanism})");
    match (c.desired, c.existing) {
        (None, Some(e)) => {
            let e = meta(e);
            actions.push(delete(c.kind, e, c.missing, event(Verb::Deleted, e)));
            true
        }
        (None | Some(None), _) => true,
        (Some(Some(d)), None) => {
            actions.push(Action::Create {
                reason: reason(c.created),
                event: event(Verb::Created, meta(&d)),
                object: Box::new((c.into_object)(d)),
            });
            false
        }
        (Some(Some(d)), Some(e)) => {
            if let Some(why) = (c.update_reason)(&d, e) {
                actions.push(Action::Update {
                    reason: reason(why),
                    event: event(Verb::Updated, meta(&d)),
                    object: Box::new((c.into_object)(d)),
                });
            }
            true
        }
    }
}

/// What else than the content makes a central object stale.
enum MetaChange {
    Annotations,
    Labels,
    /// The updated-timestamp annotation is missing.
    Unstamped,
}

fn central_meta_change(desired: &ObjectMeta, existing: &ObjectMeta) -> Option<MetaChange> {
    let ignore = [ANNOTATION_UPDATED_TIMESTAMP];
    let stamped = existing
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key(ANNOTATION_UPDATED_TIMESTAMP));
    if !annotations_equal(
        desired.annotations.as_ref(),
        existing.annotations.as_ref(),
        &ignore,
    ) {
        Some(MetaChange::Annotations)
    } else if desired.labels != existing.labels {
        Some(MetaChange::Labels)
    } else if !stamped {
        Some(MetaChange::Unstamped)
    } else {
        None
    }
}

/// Phase 7a, the `spec.traffic` write-back (normalised and rounded).
fn write_back_traffic(ss: &StackSet, ss_ref: &ObjectRef, live: &[&Working<'_>]) -> Option<Action> {
    let ss_name = name_of(&ss.metadata);
    let desired_traffic: Vec<DesiredTraffic> = live
        .iter()
        .filter(|w| w.facts.backend_port.is_some() && w.facts.desired_weight > 0)
        .map(|w| DesiredTraffic {
            stack_name: w.facts.name.clone(),
            weight: f64::from(w.facts.desired_weight),
        })
        .collect();
    let desired_traffic = (!desired_traffic.is_empty()).then_some(desired_traffic);
    (desired_traffic != ss.spec.traffic).then(|| {
        let mut updated = ss.clone();
        updated.spec.traffic = desired_traffic.clone();
        let text = |t: &Option<Vec<DesiredTraffic>>| match t.as_deref() {
            None | Some([]) => "none".to_string(),
            Some(list) => list
                .iter()
                .map(|d| format!("{}={}", d.stack_name, d.weight))
                .collect::<Vec<_>>()
                .join(", "),
        };
        Action::WriteDesiredTraffic {
            reason: format!("{} -> {}", text(&ss.spec.traffic), text(&desired_traffic)),
            event: Some(object_event(ss_ref, Verb::Updated, Kind::StackSet, ss_name)),
            stackset: Box::new(updated),
        }
    })
}

/// Phase 7b, deleting the stacks beyond `stackLifecycle.limit`.
fn delete_expired(ss: &StackSet, ss_ref: &ObjectRef, working: &[Working<'_>]) -> Vec<Action> {
    let limit = stack_limit(ss);
    let mut actions = Vec::new();
    for w in working.iter().filter(|w| w.facts.pending_removal) {
        let ev = event(
            ss_ref,
            EventType::Normal,
            Reason::DeletedExcessStack,
            format!("Deleted excess stack {}", w.facts.name),
        );
        actions.push(delete(
            Kind::Stack,
            &w.owned.stack.metadata,
            &format!("more than {limit} idle stacks (stackLifecycle.limit)"),
            Some(ev),
        ));
    }

    actions
}

/// Phase 7c, the Stack statuses and the StackSet status (written only when
/// they change); the StackSet's readiness counts describe the state the plan
/// leaves behind.
fn write_statuses(
    snapshot: &Snapshot,
    ss_ref: &ObjectRef,
    live: &[&Working<'_>],
    desired_replicas: &BTreeMap<String, i32>,
    actions: &mut Vec<Action>,
) -> StackSetStatus {
    let ss = &snapshot.stackset;
    let min_ready_percent = ss.spec.min_ready_percent;
    for w in live {
        let status = stack_status(w, ss, desired_replicas.get(&w.facts.name).copied());
        let existing = w.owned.stack.status.clone().unwrap_or_default();
        if status != existing {
            actions.push(Action::UpdateStackStatus {
                target: ObjectRef::from_meta(Kind::Stack, &w.owned.stack.metadata),
                reason: status_reason(&existing, &status),
                status: Box::new(status),
            });
        }
    }
    let ready_after = readiness_after(snapshot, actions, live, min_ready_percent);
    let ss_status = stackset_status(ss, live, &ready_after);
    if Some(&ss_status) != ss.status.as_ref() {
        let existing = ss.status.clone().unwrap_or_default();
        actions.push(Action::UpdateStackSetStatus {
            target: ss_ref.clone(),
            reason: stackset_status_reason(&existing, &ss_status),
            status: Box::new(ss_status.clone()),
        });
    }
    ss_status
}

/// The create-stack plan (reference 3.3), when the current version's Stack
/// is missing and `observedStackVersion` differs.
fn create_phase(
    snapshot: &Snapshot,
    options: &Options,
    ss_ref: &ObjectRef,
    out: &mut Reconciliation,
) -> Option<Plan> {
    let ss = &snapshot.stackset;
    let name = current_stack_name(ss);
    let version = name
        .strip_prefix(&format!("{}-", name_of(&ss.metadata)))
        .unwrap_or(&name)
        .to_string();
    if out.stacks.iter().any(|s| s.name == name) {
        return None;
    }
    let observed = ss
        .status
        .as_ref()
        .and_then(|s| s.observed_stack_version.as_deref());
    if observed == Some(version.as_str()) {
        return None;
    }
    let fail = |out: &mut Reconciliation, error: Error| {
        out.events.push(event(
            ss_ref,
            EventType::Warning,
            Reason::FailedCreateStack,
            error.to_string(),
        ));
        out.errors.push(error);
        Some(Plan::default())
    };
    if snapshot.stacks.iter().any(|s| name_of(&s.metadata) == name) {
        return fail(
            out,
            Error::StackNotOwned {
                name,
                stackset: name_of(&ss.metadata).into(),
            },
        );
    }
    if let Err(e) = validate_stack_creation(ss) {
        return fail(out, e);
    }
    if options.configmap_support || options.secret_support {
        for resource in ss.stack_template_resources() {
            if let Some(n) = resource.name()
                && !n.starts_with(&name)
            {
                return fail(
                    out,
                    Error::ConfigurationResourceName {
                        stack: name.clone(),
                        name: n.into(),
                    },
                );
            }
        }
    }
    let stack = new_stack(ss);
    let mut status = ss.status.clone().unwrap_or_default();
    status.observed_stack_version = Some(version.clone());
    Some(Plan {
        actions: vec![
            Action::Create {
                reason: format!("template version {version} has no stack"),
                event: Some(event(
                    ss_ref,
                    EventType::Normal,
                    Reason::Created(Kind::Stack),
                    format!("Created stack {name}"),
                )),
                object: Box::new(Object::Stack(stack)),
            },
            Action::UpdateStackSetStatus {
                target: ss_ref.clone(),
                reason: format!("observedStackVersion -> {version}"),
                status: Box::new(status),
            },
        ],
    })
}

impl StackSet {
    /// The template's `configurationResources`, or none.
    fn stack_template_resources(&self) -> &[crate::api::ConfigurationResourcesSpec] {
        self.spec
            .stack_template
            .spec
            .spec
            .configuration_resources
            .as_deref()
            .unwrap_or(&[])
    }
}

fn stackset_warnings(ss: &StackSet, options: &Options, warnings: &mut Vec<String>) {
    let annotations = ss.metadata.annotations.clone().unwrap_or_default();
    if annotations.contains_key(ANNOTATION_FORWARD_BACKEND) {
        warnings.push(format!(
            "annotation {ANNOTATION_FORWARD_BACKEND} is ignored: forward mode is not supported, new stacks are normal stacks"
        ));
    }
    if ss.spec.routegroup.is_some() && !options.routegroup_support {
        warnings.push(
            "spec.routegroup is set but routegroup support is off: stacks with a routegroup never become ready"
                .to_string(),
        );
    }
    if ss
        .spec
        .stack_template
        .spec
        .spec
        .horizontal_pod_autoscaler
        .is_some()
    {
        warnings.push(
            "stackTemplate.spec.horizontalPodAutoscaler is ignored (removed upstream in v1.4.13); use autoscaler"
                .to_string(),
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn stack_facts<'a>(
    ss: &StackSet,
    owned: &Owned<'a>,
    ss_port: Option<&IntOrString>,
    options: &Options,
    mechanism: TrafficMechanism,
    min_ready_percent: Option<i32>,
    warnings: &mut Vec<String>,
) -> Working<'a> {
    let stack = owned.stack;
    let name = name_of(&stack.metadata).to_string();
    let ss_name = name_of(&ss.metadata);
    let generation = stack.metadata.generation.unwrap_or(0);
    let ingress = match &stack.spec.ingress {
        Some(i) if i.is_legacy_override() => {
            warnings.push(format!(
                "stack {name} carries a pre-v1.4.12 ingress override; the StackSet's current ingress is used instead"
            ));
            ss.spec.ingress.clone()
        }
        other => other.clone(),
    };
    let routegroup = match &stack.spec.routegroup {
        Some(r) if r.is_legacy_override() => {
            warnings.push(format!(
                "stack {name} carries a pre-v1.4.12 routegroup override; the StackSet's current routegroup is used instead"
            ));
            ss.spec.routegroup.clone()
        }
        other => other.clone(),
    };
    let annotations = stack.metadata.annotations.clone().unwrap_or_default();
    if annotations.contains_key(ANNOTATION_FORWARD_BACKEND) {
        warnings.push(format!("stack {name} is in forward mode, which is not supported; it is reconciled as a normal stack"));
    }
    if stack.spec.spec.horizontal_pod_autoscaler.is_some() {
        warnings.push(format!(
            "stack {name}: spec.horizontalPodAutoscaler is ignored (removed upstream in v1.4.13)"
        ));
    }
    for resource in stack.spec.spec.configuration_resources.iter().flatten() {
        if let Some(cm) = &resource.config_map {
            warnings.push(format!(
                "stack {name}: inline configMap {} is not created (not implemented upstream either)",
                cm.name
            ));
        }
        if let Some(pcs) = &resource.platform_credentials_set
            && !options.pcs_support
        {
            warnings.push(format!(
                "stack {name}: platformCredentialsSet {} is not managed (PlatformCredentialsSet support is off)",
                pcs.name
            ));
        }
    }
    let backend_port = routegroup
        .as_ref()
        .and_then(|r| r.backend_port.map(IntOrString::Int))
        .or_else(|| ingress.as_ref().and_then(|i| i.backend_port.clone()))
        .or_else(|| {
            stack
                .spec
                .external_ingress
                .as_ref()
                .map(|e| e.backend_port.clone())
        })
        .or_else(|| ss_port.cloned());
    let has_routing =
        ingress.is_some() || routegroup.is_some() || ss.spec.external_ingress.is_some();
    let (deployment_replicas, current, ready, updated) = deployment_numbers(owned.deployment);
    let hosts = |h: Option<&Vec<String>>| {
        per_stack_hosts(
            h.map(Vec::as_slice).unwrap_or(&[]),
            &name,
            &options.cluster_domains,
        )
    };
    let per_stack_hosts = hosts(ingress.as_ref().map(|i| &i.hosts));
    let per_stack_rg_hosts = hosts(routegroup.as_ref().map(|r| &r.hosts));
    let hpa_expected = stack.spec.spec.autoscaler.is_some();
    let expect = Expectations::new(
        ingress.is_some() && backend_port.is_some(),
        routegroup.is_some() && backend_port.is_some(),
        !per_stack_hosts.is_empty(),
        !per_stack_rg_hosts.is_empty(),
        mechanism,
        options.routegroup_support,
        hpa_expected,
    );
    let problem = resources_problem(owned, generation, expect);
    let (is_ready, reason) = readiness(
        problem.as_deref(),
        deployment_replicas,
        ready,
        updated,
        min_ready_percent,
    );
    let status = stack.status.clone().unwrap_or_default();
    let p = &status.prescaling_status;
    let prescaling = Prescaling {
        active: p.active,
        replicas: p.replicas.unwrap_or(0),
        desired_weight: p.desired_traffic_weight.unwrap_or(0.0),
        last_traffic_increase: p.last_traffic_increase.as_ref().map(ts),
    };
    Working {
        owned: *owned,
        expect,
        facts: StackFacts {
            version: stack_version(stack, ss_name),
            name,
            uid: stack.metadata.uid.clone(),
            generation,
            created: stack.metadata.creation_timestamp.as_ref().map(ts),
            ingress,
            routegroup,
            backend_port,
            has_routing,
            deployment_replicas,
            current_replicas: current,
            ready_replicas: ready,
            updated_replicas: updated,
            resources_updated: problem.is_none(),
            ready: is_ready,
            readiness: reason,
            desired_weight: 0,
            previous_actual_weight: 0,
            actual_weight: 0,
            no_traffic_since: status.no_traffic_since.as_ref().map(ts),
            prescaling,
            scaled_down: false,
            pending_removal: false,
            errors: Vec::new(),
        },
        hpa_expected,
        per_stack_hosts,
        per_stack_rg_hosts,
        stack_replicas: stack.spec.spec.replicas.unwrap_or(DEFAULT_REPLICAS),
        max_replicas: stack.spec.spec.autoscaler.as_ref().map(|a| a.max_replicas),
    }
}

struct StackCtx<'a> {
    ss: &'a StackSet,
    options: &'a Options,
    mechanism: TrafficMechanism,
    segment: Option<PercentSegment>,
    stack_names: &'a [String],
    ingress_sync: &'a BTreeMap<String, String>,
    rg_sync: &'a BTreeMap<String, String>,
    snapshot: &'a Snapshot,
}

#[derive(Default)]
struct StackResult {
    /// The actions of the steps that succeeded, in order.
    actions: Vec<Action>,
    classic_segment_deletes: Vec<Action>,
    /// The Deployment's replicas, when the Deployment step was reached.
    replicas: Option<i32>,
    /// A stack with traffic has no segment object yet.
    segment_pending: bool,
    /// The step that failed (with upstream's event reason); the steps after
    /// it were not attempted.
    error: Option<(Error, Reason)>,
}

fn delete(kind: Kind, meta: &ObjectMeta, reason: &str, event: Option<Event>) -> Action {
    Action::Delete {
        target: ObjectRef::from_meta(kind, meta),
        reason: reason.to_string(),
        event,
    }
}

fn stack_event(stack: &Stack, verb: Verb, kind: Kind, name: &str) -> Event {
    object_event(
        &ObjectRef::from_meta(Kind::Stack, &stack.metadata),
        verb,
        kind,
        name,
    )
}

fn generation_reason(meta: &ObjectMeta, generation: i64) -> Option<String> {
    (!is_current(meta, generation)).then(|| {
        let had = crate::observe::generation_annotation(meta)
            .map_or("none".to_string(), |g| g.to_string());
        format!("stack generation {generation} (object has {had})")
    })
}

/// Create, update or keep one generated object.
fn upsert(
    stack: &Stack,
    desired: Object,
    existing: Option<&ObjectMeta>,
    update_reason: Option<String>,
    actions: &mut Vec<Action>,
) {
    let kind = desired.kind();
    let name = desired.name().to_string();
    match existing {
        None => actions.push(Action::Create {
            reason: "missing".into(),
            event: Some(stack_event(stack, Verb::Created, kind, &name)),
            object: Box::new(desired),
        }),
        Some(_) => {
            if let Some(reason) = update_reason {
                actions.push(Action::Update {
                    reason,
                    event: Some(stack_event(stack, Verb::Updated, kind, &name)),
                    object: Box::new(desired),
                });
            }
        }
    }
}

fn remove(
    stack: &Stack,
    kind: Kind,
    existing: Option<&ObjectMeta>,
    reason: &str,
    actions: &mut Vec<Action>,
) {
    if let Some(meta) = existing {
        let ev = stack_event(stack, Verb::Deleted, kind, name_of(meta));
        actions.push(delete(kind, meta, reason, Some(ev)));
    }
}

fn segment_reason(
    existing: &BTreeMap<String, String>,
    desired: &BTreeMap<String, String>,
    key: &str,
) -> String {
    match (existing.get(key), desired.get(key)) {
        (a, b) if a != b => format!(
            "{} -> {}",
            a.map_or("none", String::as_str),
            b.map_or("none", String::as_str)
        ),
        _ => "annotations changed".into(),
    }
}

/// Every action for one stack's sub-resources, in upstream's order (Ingress,
/// segment Ingress, RouteGroup, segment RouteGroup, ConfigMap and Secret
/// refs, PlatformCredentialsSets, Deployment, HPA, Service). Like upstream,
/// the first step that fails stops the stack's remaining steps but keeps the
/// ones before it: a stack whose Service ports do not match the backend port
/// still gets its Ingresses and Deployment, but no Service (so it never
/// becomes ready and gets no traffic).
fn stack_actions(ctx: &StackCtx<'_>, w: &Working<'_>) -> StackResult {
    let mut result = StackResult::default();
    if let Err(error) = stack_steps(ctx, w, &mut result) {
        result.error = Some(error);
    }
    result
}

fn stack_steps(
    ctx: &StackCtx<'_>,
    w: &Working<'_>,
    result: &mut StackResult,
) -> Result<(), (Error, Reason)> {
    ingress_steps(ctx, w, result);
    routegroup_steps(ctx, w, result)?;
    configuration_ref_steps(ctx, w.owned.stack, &mut result.actions)?;
    pcs_steps(ctx, w.owned.stack, w.facts.generation, &mut result.actions)?;
    result.replicas = Some(deployment_step(ctx, w, &mut result.actions)?);
    hpa_step(w, &mut result.actions)?;
    service_step(ctx, w, &mut result.actions)
}

fn invalid_stack(w: &Working<'_>, reason: String, event: Reason) -> (Error, Reason) {
    (
        Error::InvalidStack {
            stack: w.facts.name.clone(),
            reason,
        },
        event,
    )
}

/// Builds a desired routing object: for a segment (`None`: the per-stack
/// object), over the existing one.
type DesiredRoute<'a, T> = Box<dyn Fn(Option<PercentSegment>, Option<&T>) -> T + 'a>;

/// What differs between a stack's Ingresses and its RouteGroups; the rest of
/// their steps is one path, `routing_steps`.
struct Routing<'a, T> {
    kind: Kind,
    /// The removal reason when the stack does not route this way.
    missing: &'static str,
    /// The stack's hostnames under the cluster domains.
    per_stack_hosts: &'a [String],
    /// The existing per-stack and segment objects.
    existing: Option<&'a T>,
    existing_segment: Option<&'a T>,
    /// The desired object for a segment (`None`: the per-stack object), when
    /// the stack routes this way.
    desired: Option<DesiredRoute<'a, T>>,
    /// Why an existing object is rewritten (`true` for the segment object).
    update_reason: fn(&T, &T, i64, bool) -> Option<String>,
    into_object: fn(T) -> Object,
    meta: fn(&T) -> &ObjectMeta,
}

/// Steps 1–4 for one kind of routing: the per-stack object (only with hosts
/// under a cluster domain), the segment object (segments mode; in
/// backend-weights mode it is deleted once the central objects exist), or
/// removal of both when the stack does not route this way.
fn routing_steps<T>(
    ctx: &StackCtx<'_>,
    w: &Working<'_>,
    r: Routing<'_, T>,
    result: &mut StackResult,
) {
    let stack = w.owned.stack;
    let generation = w.facts.generation;
    let meta = r.meta;
    let Some(desired) = &r.desired else {
        for existing in [r.existing, r.existing_segment] {
            remove(
                stack,
                r.kind,
                existing.map(meta),
                r.missing,
                &mut result.actions,
            );
        }
        return;
    };
    if r.per_stack_hosts.is_empty() {
        remove(
            stack,
            r.kind,
            r.existing.map(meta),
            "no host matches a cluster domain",
            &mut result.actions,
        );
    } else {
        let d = desired(None, r.existing);
        let reason = r
            .existing
            .and_then(|e| (r.update_reason)(&d, e, generation, false));
        upsert(
            stack,
            (r.into_object)(d),
            r.existing.map(meta),
            reason,
            &mut result.actions,
        );
    }
    if ctx.mechanism == TrafficMechanism::Segments {
        let d = desired(Some(ctx.segment.unwrap_or_default()), r.existing_segment);
        if r.existing_segment.is_none() && w.facts.actual_weight > 0 {
            result.segment_pending = true;
        }
        let reason = r
            .existing_segment
            .and_then(|e| (r.update_reason)(&d, e, generation, true));
        upsert(
            stack,
            (r.into_object)(d),
            r.existing_segment.map(meta),
            reason,
            &mut result.actions,
        );
    } else if let Some(e) = r.existing_segment {
        let e = meta(e);
        let ev = stack_event(stack, Verb::Deleted, r.kind, name_of(e));
        result.classic_segment_deletes.push(delete(
            r.kind,
            e,
            "traffic mechanism is backend-weights",
            Some(ev),
        ));
    }
}

/// Steps 1–2, the Ingress and the segment Ingress.
fn ingress_steps(ctx: &StackCtx<'_>, w: &Working<'_>, result: &mut StackResult) {
    let stack = w.owned.stack;
    let sync_keys = ctx.options.sync_ingress_annotations.as_slice();
    let desired = match (&w.facts.ingress, &w.facts.backend_port) {
        (Some(ingress), Some(port)) => Some(Box::new(
            move |segment: Option<PercentSegment>, existing: Option<&Ingress>| {
                let hosts = match segment {
                    None => w.per_stack_hosts.clone(),
                    Some(_) => ingress.hosts.clone(),
                };
                let segment = segment.map(|seg| (seg, sync_keys, ctx.ingress_sync));
                desired_ingress(stack, ingress, port, hosts, segment, existing)
            },
        ) as DesiredRoute<'_, Ingress>),
        _ => None,
    };
    let routing = Routing {
        kind: Kind::Ingress,
        missing: "stack has no ingress",
        per_stack_hosts: &w.per_stack_hosts,
        existing: w.owned.ingress,
        existing_segment: w.owned.ingress_segment,
        desired,
        update_reason: ingress_update_reason,
        into_object: Object::Ingress,
        meta: |i| &i.metadata,
    };
    routing_steps(ctx, w, routing, result);
}

/// Steps 3–4, the RouteGroup and the segment RouteGroup (with routegroup
/// support only); additional backends must not collide with stack names.
fn routegroup_steps(
    ctx: &StackCtx<'_>,
    w: &Working<'_>,
    result: &mut StackResult,
) -> Result<(), (Error, Reason)> {
    if !ctx.options.routegroup_support {
        return Ok(());
    }
    if let Some(rg) = &w.facts.routegroup {
        check_additional_backends(rg, ctx.stack_names)
            .map_err(|r| invalid_stack(w, r, Reason::FailedManage(Managed::RouteGroup)))?;
    }
    let stack = w.owned.stack;
    let sync_keys = ctx.options.sync_ingress_annotations.as_slice();
    let desired = match (
        &w.facts.routegroup,
        w.facts.routegroup.as_ref().and_then(|r| r.backend_port),
    ) {
        (Some(rg), Some(port)) => Some(Box::new(
            move |segment: Option<PercentSegment>, existing: Option<&RouteGroup>| {
                let hosts = match segment {
                    None => w.per_stack_rg_hosts.clone(),
                    Some(_) => rg.hosts.clone(),
                };
                let segment = segment.map(|seg| (seg, sync_keys, ctx.rg_sync));
                desired_routegroup(stack, rg, port, hosts, segment, existing)
            },
        ) as DesiredRoute<'_, RouteGroup>),
        _ => None,
    };
    let routing = Routing {
        kind: Kind::RouteGroup,
        missing: "stack has no routegroup",
        per_stack_hosts: &w.per_stack_rg_hosts,
        existing: w.owned.routegroup,
        existing_segment: w.owned.routegroup_segment,
        desired,
        update_reason: |d, e, generation, _| rg_update_reason(d, e, generation),
        into_object: Object::RouteGroup,
        meta: |r| &r.metadata,
    };
    routing_steps(ctx, w, routing, result);
    Ok(())
}

/// Why an existing Ingress is rewritten: an older generation, other
/// annotations (for a segment: the predicate), other rules.
fn ingress_update_reason(
    d: &Ingress,
    e: &Ingress,
    generation: i64,
    segment: bool,
) -> Option<String> {
    generation_reason(&e.metadata, generation).or_else(|| {
        let ignore = [ANNOTATION_STACK_GENERATION];
        if segment {
            let (da, ea) = (
                d.metadata.annotations.clone().unwrap_or_default(),
                e.metadata.annotations.clone().unwrap_or_default(),
            );
            if !annotations_equal(Some(&da), Some(&ea), &ignore) {
                return Some(format!(
                    "segment {}",
                    segment_reason(&ea, &da, ANNOTATION_SKIPPER_PREDICATE)
                ));
            }
        } else if !annotations_equal(
            d.metadata.annotations.as_ref(),
            e.metadata.annotations.as_ref(),
            &ignore,
        ) {
            return Some("annotations changed".into());
        }
        rules_differ(d, e).then(|| "hosts or backend changed".into())
    })
}

/// Steps 5–6, adopting the ConfigMaps and Secrets the stack references.
fn configuration_ref_steps(
    ctx: &StackCtx<'_>,
    stack: &Stack,
    actions: &mut Vec<Action>,
) -> Result<(), (Error, Reason)> {
    let mut adoptions = Vec::new();
    if ctx.options.configmap_support {
        for r in stack.spec.spec.configuration_resources.iter().flatten() {
            if let Some(reference) = &r.config_map_ref {
                let found = ctx
                    .snapshot
                    .config_maps
                    .iter()
                    .find(|c| name_of(&c.metadata) == reference.name);
                if let Some(cm) = adopt(
                    stack,
                    "ConfigMap",
                    &reference.name,
                    found.map(|c| &c.metadata),
                )
                .map_err(|e| (e, Reason::FailedManage(Managed::ConfigMapRefs)))?
                {
                    let mut object = found.cloned().unwrap_or_default();
                    object.metadata = cm;
                    adoptions.push(Object::ConfigMap(ConfigMap { ..object }));
                }
            }
        }
    }
    if ctx.options.secret_support {
        for r in stack.spec.spec.configuration_resources.iter().flatten() {
            if let Some(reference) = &r.secret_ref {
                let found = ctx
                    .snapshot
                    .secrets
                    .iter()
                    .find(|c| name_of(&c.metadata) == reference.name);
                if let Some(meta) =
                    adopt(stack, "Secret", &reference.name, found.map(|c| &c.metadata))
                        .map_err(|e| (e, Reason::FailedManage(Managed::SecretRefs)))?
                {
                    let mut object = found.cloned().unwrap_or_default();
                    object.metadata = meta;
                    adoptions.push(Object::Secret(Secret { ..object }));
                }
            }
        }
    }
    for object in adoptions {
        let kind = object.kind();
        let object_name = object.name().to_string();
        let ev = stack_event(stack, Verb::Updated, kind, &object_name);
        actions.push(Action::Update {
            reason: "adopt: add the stack as owner".into(),
            event: Some(ev),
            object: Box::new(object),
        });
    }

    Ok(())
}

/// Step 7, the generated PlatformCredentialsSets (with PCS support only).
fn pcs_steps(
    ctx: &StackCtx<'_>,
    stack: &Stack,
    generation: i64,
    actions: &mut Vec<Action>,
) -> Result<(), (Error, Reason)> {
    if ctx.options.pcs_support {
        for r in stack.spec.spec.configuration_resources.iter().flatten() {
            let Some(pcs) = r
                .platform_credentials_set
                .as_ref()
                .filter(|p| !p.name.is_empty())
            else {
                continue;
            };
            pcs_step(ctx, stack, generation, pcs, actions)
                .map_err(|e| (e, Reason::FailedManage(Managed::PlatformCredentialsSet)))?;
        }
    }

    Ok(())
}

/// Step 8, the Deployment, with its replicas: prescaled, scaled down (0), or
/// the stack's (kept as they are under an HPA). Returns the replicas.
fn deployment_step(
    ctx: &StackCtx<'_>,
    w: &Working<'_>,
    actions: &mut Vec<Action>,
) -> Result<i32, (Error, Reason)> {
    let (stack, facts) = (w.owned.stack, &w.facts);
    let generation = facts.generation;
    let ss_name = name_of(&ctx.ss.metadata);
    if stack
        .spec
        .spec
        .pod_template
        .spec
        .as_ref()
        .is_none_or(|s| s.containers.is_empty())
    {
        return Err(invalid_stack(
            w,
            "podTemplate has no containers".into(),
            Reason::FailedManage(Managed::Deployment),
        ));
    }
    let existing_replicas = w.owned.deployment.map(|d| {
        d.spec
            .as_ref()
            .and_then(|s| s.replicas)
            .unwrap_or(DEFAULT_REPLICAS)
    });
    let target = if facts.prescaling.active {
        facts.prescaling.replicas
    } else {
        w.stack_replicas
    };
    let replicas =
        deployment_replicas(target, facts.scaled_down, existing_replicas, w.hpa_expected);
    let d = desired_deployment(stack, ss_name, &facts.version, replicas, w.owned.deployment);
    let reason = w.owned.deployment.and_then(|e| {
        generation_reason(&e.metadata, generation).or_else(|| {
            (existing_replicas != Some(replicas)).then(|| {
                let why = if facts.scaled_down {
                    " (scaled down: no traffic for longer than scaledownTTLSeconds)"
                } else if facts.prescaling.active {
                    " (prescaling)"
                } else {
                    ""
                };
                format!(
                    "replicas {} -> {replicas}{why}",
                    existing_replicas.unwrap_or(0)
                )
            })
        })
    });
    upsert(
        stack,
        Object::Deployment(d),
        w.owned.deployment.map(|d| &d.metadata),
        reason,
        actions,
    );

    Ok(replicas)
}

/// Step 9, the HPA (none while scaled down or without an autoscaler).
fn hpa_step(w: &Working<'_>, actions: &mut Vec<Action>) -> Result<(), (Error, Reason)> {
    let (stack, facts) = (w.owned.stack, &w.facts);
    let generation = facts.generation;
    let prescale = facts.prescaling.active.then_some(facts.prescaling.replicas);
    let hpa_needed = w.hpa_expected && !facts.scaled_down;
    let hpa = if hpa_needed {
        Some(
            desired_hpa(stack, prescale, facts.actual_weight, w.owned.hpa)
                .map_err(|r| invalid_stack(w, r, Reason::FailedManage(Managed::Hpa)))?,
        )
    } else {
        None
    };
    match hpa {
        Some(h) => {
            let reason = w.owned.hpa.and_then(|e| {
                generation_reason(&e.metadata, generation).or_else(|| {
                    let (dmin, emin) = (h.spec.min_replicas, e.spec.min_replicas);
                    if dmin != emin {
                        Some(format!(
                            "minReplicas {} -> {}",
                            emin.unwrap_or(1),
                            dmin.unwrap_or(1)
                        ))
                    } else {
                        let ignore = [ANNOTATION_STACK_GENERATION];
                        (!annotations_equal(
                            h.metadata.annotations.as_ref(),
                            e.metadata.annotations.as_ref(),
                            &ignore,
                        ))
                        .then(|| "metric annotations changed".into())
                    }
                })
            });
            upsert(
                stack,
                Object::HorizontalPodAutoscaler(h),
                w.owned.hpa.map(|h| &h.metadata),
                reason,
                actions,
            );
        }
        None => {
            let why = if w.hpa_expected {
                "stack is scaled down"
            } else {
                "stack has no autoscaler"
            };
            remove(
                stack,
                Kind::HorizontalPodAutoscaler,
                w.owned.hpa.map(|h| &h.metadata),
                why,
                actions,
            );
        }
    }

    Ok(())
}

/// Step 10, the Service; its ports must match the backend port.
fn service_step(
    ctx: &StackCtx<'_>,
    w: &Working<'_>,
    actions: &mut Vec<Action>,
) -> Result<(), (Error, Reason)> {
    let (stack, facts) = (w.owned.stack, &w.facts);
    let generation = facts.generation;
    let ss_name = name_of(&ctx.ss.metadata);
    let ports = service_ports(stack);
    if let Some(port) = &facts.backend_port
        && !port_matches(&ports, port)
    {
        return Err((
            Error::NoServicePortMatch {
                stack: facts.name.clone(),
                port: port_text(port),
            },
            Reason::FailedManage(Managed::Service),
        ));
    }
    let svc = desired_service(stack, ss_name, &facts.version, ports, w.owned.service);
    let reason = w
        .owned
        .service
        .and_then(|e| generation_reason(&e.metadata, generation));
    upsert(
        stack,
        Object::Service(svc),
        w.owned.service.map(|s| &s.metadata),
        reason,
        actions,
    );

    Ok(())
}

/// Creates or updates one generated PlatformCredentialsSet. Upstream looks
/// for it among the objects the Stack owns (exactly one ownerReference, by
/// UID) and creates it when none has its name; it updates it when the
/// `stack-generation` annotation, the spec or the other annotations differ.
fn pcs_step(
    ctx: &StackCtx<'_>,
    stack: &Stack,
    generation: i64,
    pcs: &crate::api::PlatformCredentialsSetSpec,
    actions: &mut Vec<Action>,
) -> Result<(), Error> {
    let stack_name = name_of(&stack.metadata).to_string();
    let stack_uid = stack.metadata.uid.as_deref();
    let same_name: Vec<&crate::api::PlatformCredentialsSet> = ctx
        .snapshot
        .platform_credentials_sets
        .iter()
        .filter(|p| name_of(&p.metadata) == pcs.name)
        .collect();
    let owned = same_name.iter().copied().find(|p| {
        matches!(p.metadata.owner_references.as_deref(), Some([o]) if Some(o.uid.as_str()) == stack_uid)
    });
    if owned.is_none() && !same_name.is_empty() {
        // Upstream's create would fail with AlreadyExists.
        return Err(Error::ConfigurationResource {
            stack: stack_name,
            kind: "PlatformCredentialsSet".into(),
            name: pcs.name.clone(),
            reason: "already exists and is not owned by the stack".into(),
        });
    }
    let desired = desired_pcs(stack, pcs, owned).map_err(|reason| Error::InvalidStack {
        stack: stack_name.clone(),
        reason,
    })?;
    let reason = owned.and_then(|e| {
        generation_reason(&e.metadata, generation).or_else(|| {
            if desired.spec != e.spec {
                Some("spec changed".into())
            } else {
                let ignore = [ANNOTATION_STACK_GENERATION];
                (!annotations_equal(
                    desired.metadata.annotations.as_ref(),
                    e.metadata.annotations.as_ref(),
                    &ignore,
                ))
                .then(|| "annotations changed".into())
            }
        })
    });
    upsert(
        stack,
        Object::PlatformCredentialsSet(desired),
        owned.map(|p| &p.metadata),
        reason,
        actions,
    );
    Ok(())
}

/// Whether the Ingress rules differ. Only the rules are compared: the API
/// server (or the DefaultIngressClass admission plugin) may fill in other spec
/// fields such as `ingressClassName`, which the engine does not generate.
fn rules_differ(
    desired: &k8s_openapi::api::networking::v1::Ingress,
    existing: &k8s_openapi::api::networking::v1::Ingress,
) -> bool {
    let rules = |i: &k8s_openapi::api::networking::v1::Ingress| {
        i.spec
            .as_ref()
            .and_then(|s| s.rules.clone())
            .unwrap_or_default()
    };
    rules(desired) != rules(existing)
}

fn rg_update_reason(
    d: &crate::api::RouteGroup,
    e: &crate::api::RouteGroup,
    generation: i64,
) -> Option<String> {
    generation_reason(&e.metadata, generation).or_else(|| {
        if d.spec != e.spec {
            Some("spec changed".into())
        } else {
            let ignore = [ANNOTATION_STACK_GENERATION];
            (!annotations_equal(
                d.metadata.annotations.as_ref(),
                e.metadata.annotations.as_ref(),
                &ignore,
            ))
            .then(|| "annotations changed".into())
        }
    })
}

/// The metadata to write when adopting a ConfigMap/Secret, `None` when the
/// stack already owns it, or an error when it is missing or owned by another.
fn adopt(
    stack: &Stack,
    kind: &str,
    name: &str,
    existing: Option<&ObjectMeta>,
) -> Result<Option<ObjectMeta>, Error> {
    let stack_name = name_of(&stack.metadata).to_string();
    let problem = |reason: &str| Error::ConfigurationResource {
        stack: stack_name.clone(),
        kind: kind.into(),
        name: name.into(),
        reason: reason.into(),
    };
    let meta = existing.ok_or_else(|| problem("not found"))?;
    let stack_uid = stack.metadata.uid.as_deref();
    if meta
        .owner_references
        .as_ref()
        .is_some_and(|o| !o.is_empty())
    {
        let first = meta
            .owner_references
            .as_ref()
            .and_then(|o| o.first())
            .map(|o| o.uid.as_str());
        if first == stack_uid && stack_uid.is_some() {
            return Ok(None);
        }
        return Err(problem("is already owned by other resource"));
    }
    let mut meta = meta.clone();
    let mut labels = stack.metadata.labels.clone().unwrap_or_default();
    labels.extend(meta.labels.take().unwrap_or_default());
    meta.labels = Some(labels);
    let mut annotations = BTreeMap::from([(
        ANNOTATION_STACK_GENERATION.to_string(),
        stack.metadata.generation.unwrap_or(0).to_string(),
    )]);
    annotations.extend(meta.annotations.take().unwrap_or_default());
    meta.annotations = Some(annotations);
    meta.owner_references = Some(vec![owner_reference(
        KIND_STACK,
        &stack_name,
        stack_uid.unwrap_or(""),
    )]);
    Ok(Some(meta))
}

fn stack_status(w: &Working<'_>, ss: &StackSet, desired_replicas: Option<i32>) -> StackStatus {
    let f = &w.facts;
    let existing = w.owned.stack.status.clone().unwrap_or_default();
    let p = &f.prescaling;
    let ss_name = name_of(&ss.metadata);
    StackStatus {
        actual_traffic_weight: f64::from(f.actual_weight),
        desired_traffic_weight: f64::from(f.desired_weight),
        replicas: f.current_replicas,
        ready_replicas: f.ready_replicas,
        updated_replicas: f.updated_replicas,
        desired_replicas: desired_replicas.unwrap_or(f.deployment_replicas),
        prescaling_status: if p.active {
            PrescalingStatus {
                active: true,
                replicas: (p.replicas != 0).then_some(p.replicas),
                desired_traffic_weight: (p.desired_weight != 0.0).then_some(p.desired_weight),
                last_traffic_increase: p.last_traffic_increase.map(Time),
            }
        } else {
            PrescalingStatus::default()
        },
        no_traffic_since: f.no_traffic_since.map(Time),
        label_selector: Some(format!(
            "{LABEL_STACK_VERSION}={},{LABEL_STACKSET}={ss_name}",
            f.version
        )),
        extra: existing.extra,
    }
}

/// Readiness of every live stack once the sub-resource actions are applied
/// (as far as the API server applies them: Deployment status is not
/// predicted). The StackSet status is written with these, so that it
/// describes the state the plan leaves behind and a second reconcile does
/// not rewrite it.
fn readiness_after(
    snapshot: &Snapshot,
    actions: &[Action],
    live: &[&Working<'_>],
    min_ready_percent: Option<i32>,
) -> BTreeSet<String> {
    // A Service without ports is refused by the API server (upstream still
    // sends it and reports FailedManageService); it never exists, so it
    // cannot make its stack ready.
    let accepted = actions
        .iter()
        .filter(|a| match a {
            Action::Create { object, .. } | Action::Update { object, .. } => {
                !matches!(object.as_ref(), Object::Service(svc)
                    if svc.spec.as_ref().and_then(|s| s.ports.as_ref()).is_none_or(Vec::is_empty))
            }
            _ => true,
        })
        .cloned()
        .collect();
    let after = simulate(snapshot, &Plan { actions: accepted });
    let filed = file(&after);
    filed
        .stacks
        .iter()
        .filter_map(|owned| {
            let w = live
                .iter()
                .find(|w| w.facts.name == name_of(&owned.stack.metadata))?;
            if !w.facts.errors.is_empty() {
                return w.facts.ready.then(|| w.facts.name.clone());
            }
            let (replicas, _, ready, updated) = deployment_numbers(owned.deployment);
            let problem = resources_problem(owned, w.facts.generation, w.expect);
            readiness(
                problem.as_deref(),
                replicas,
                ready,
                updated,
                min_ready_percent,
            )
            .0
            .then(|| w.facts.name.clone())
        })
        .collect()
}

fn stackset_status(
    ss: &StackSet,
    live: &[&Working<'_>],
    ready_after: &BTreeSet<String>,
) -> StackSetStatus {
    let existing = ss.status.clone().unwrap_or_default();
    let traffic: Vec<ActualTraffic> = live
        .iter()
        .filter_map(|w| {
            w.facts.backend_port.clone().map(|port| ActualTraffic {
                stack_name: w.facts.name.clone(),
                service_name: w.facts.name.clone(),
                service_port: port,
                weight: f64::from(w.facts.actual_weight),
            })
        })
        .collect();
    let count = |f: &dyn Fn(&StackFacts) -> bool| {
        i32::try_from(live.iter().filter(|w| f(&w.facts)).count()).unwrap_or(i32::MAX)
    };
    StackSetStatus {
        stacks: count(&|_| true),
        ready_stacks: count(&|f| ready_after.contains(&f.name)),
        stacks_with_traffic: count(&StackFacts::has_traffic),
        observed_stack_version: existing.observed_stack_version,
        traffic: (!traffic.is_empty()).then_some(traffic),
        extra: existing.extra,
    }
}

fn traffic_switch_message(ss: &StackSet, live: &[&Working<'_>]) -> Option<String> {
    let old: BTreeMap<&str, f64> = ss
        .status
        .as_ref()
        .and_then(|s| s.traffic.as_ref())
        .into_iter()
        .flatten()
        .map(|t| (t.service_name.as_str(), t.weight))
        .collect();
    let changes: Vec<String> = live
        .iter()
        .filter_map(|w| {
            let before = old.get(w.facts.name.as_str()).copied().unwrap_or(0.0);
            let after = f64::from(w.facts.actual_weight);
            ((before - after).abs() > f64::EPSILON)
                .then(|| format!("{}: {before:.1}% to {after:.1}%", w.facts.name))
        })
        .collect();
    (!changes.is_empty()).then(|| format!("Switched traffic: {}", changes.join(", ")))
}

fn status_reason(old: &StackStatus, new: &StackStatus) -> String {
    let mut parts = Vec::new();
    if old.actual_traffic_weight != new.actual_traffic_weight
        || old.desired_traffic_weight != new.desired_traffic_weight
    {
        parts.push(format!(
            "traffic desired {} actual {}",
            new.desired_traffic_weight, new.actual_traffic_weight
        ));
    }
    if old.no_traffic_since != new.no_traffic_since {
        parts.push(match &new.no_traffic_since {
            Some(t) => format!("noTrafficSince {}", t.0),
            None => "noTrafficSince cleared".into(),
        });
    }
    if old.prescaling_status != new.prescaling_status {
        parts.push(if new.prescaling_status.active {
            "prescaling active".into()
        } else {
            "prescaling reset".into()
        });
    }
    if (
        old.replicas,
        old.ready_replicas,
        old.updated_replicas,
        old.desired_replicas,
    ) != (
        new.replicas,
        new.ready_replicas,
        new.updated_replicas,
        new.desired_replicas,
    ) {
        parts.push(format!(
            "replicas {}/{} ready",
            new.ready_replicas, new.desired_replicas
        ));
    }
    if parts.is_empty() {
        parts.push("status changed".into());
    }
    parts.join(", ")
}

fn stackset_status_reason(old: &StackSetStatus, new: &StackSetStatus) -> String {
    if old.traffic != new.traffic {
        let text = new
            .traffic
            .iter()
            .flatten()
            .map(|t| format!("{}={}", t.stack_name, t.weight))
            .collect::<Vec<_>>()
            .join(", ");
        return format!(
            "actual traffic {}",
            if text.is_empty() { "none".into() } else { text }
        );
    }
    format!(
        "{} stacks, {} ready, {} with traffic",
        new.stacks, new.ready_stacks, new.stacks_with_traffic
    )
}

fn backend_weights_reason(
    existing: &k8s_openapi::api::networking::v1::Ingress,
    key: &str,
) -> &'static str {
    if existing
        .metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key(key))
    {
        "backend weights changed"
    } else {
        "annotations changed"
    }
}

#[cfg(test)]
#[path = "reconcile_tests.rs"]
mod tests;
