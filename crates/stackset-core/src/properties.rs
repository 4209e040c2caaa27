//! Property tests of the engine's invariants over generated clusters with
//! 1 to 5 stacks: weights are whole and sum to 100, no traffic grows on a
//! stack that is not ready, a stack with traffic is never deleted or scaled to
//! zero, the result does not depend on list order, and reconcile reaches a
//! fixed point that a second pass leaves alone.

use std::sync::OnceLock;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use proptest::prelude::*;

use crate::api::constants::{ANNOTATION_PRESCALE_STACKS, ANNOTATION_TRAFFIC_MECHANISM};
use crate::api::{ActualTraffic, DesiredTraffic};
use crate::model::{Kind, Object, Snapshot};
use crate::plan::Action;
use crate::reconcile::reconcile;
use crate::simulate::simulate;
use crate::testing::{at, cluster, options};

const VERSIONS: [&str; 5] = ["v1", "v2", "v3", "v4", "v5"];

/// Converged clusters with 1..=5 stacks (index n-1), built once.
fn bases() -> &'static Vec<Snapshot> {
    static BASES: OnceLock<Vec<Snapshot>> = OnceLock::new();
    BASES.get_or_init(|| {
        (1..=VERSIONS.len())
            .map(|n| cluster(&VERSIONS[..n], &[], &options()))
            .collect()
    })
}

/// What a generated case changes on a converged cluster.
#[derive(Debug, Clone)]
struct Perturbation {
    stacks: usize,
    desired: Vec<Option<f64>>,
    actual: Vec<Option<f64>>,
    ready: Vec<i32>,
    idle_for: Vec<Option<i64>>,
    drop_service: Vec<bool>,
    limit: i32,
    prescale: bool,
    backend_weights: bool,
    now_offset: i64,
    seed: u64,
}

fn perturbation() -> impl Strategy<Value = Perturbation> {
    (1..=VERSIONS.len()).prop_flat_map(|n| {
        (
            Just(n),
            prop::collection::vec(prop::option::of(0.0f64..100.0), n),
            prop::collection::vec(prop::option::of(0.0f64..100.0), n),
            prop::collection::vec(0i32..=2, n),
            prop::collection::vec(prop::option::of(0i64..1000), n),
            prop::collection::vec(prop::bool::weighted(0.15), n),
            (
                1i32..=4,
                any::<bool>(),
                any::<bool>(),
                0i64..700,
                any::<u64>(),
            ),
        )
            .prop_map(
                |(
                    stacks,
                    desired,
                    actual,
                    ready,
                    idle_for,
                    drop_service,
                    (limit, prescale, bw, now_offset, seed),
                )| {
                    Perturbation {
                        stacks,
                        desired,
                        actual,
                        ready,
                        idle_for,
                        drop_service,
                        limit,
                        prescale,
                        backend_weights: bw,
                        now_offset,
                        seed,
                    }
                },
            )
    })
}

fn apply(p: &Perturbation, settled_only: bool) -> Snapshot {
    let mut s = bases()[p.stacks - 1].clone();
    let name = |i: usize| format!("my-app-{}", VERSIONS[i]);
    let desired: Vec<DesiredTraffic> = p
        .desired
        .iter()
        .enumerate()
        .filter_map(|(i, w)| {
            w.map(|weight| DesiredTraffic {
                stack_name: name(i),
                weight,
            })
        })
        .collect();
    s.stackset.spec.traffic = Some(desired);
    s.stackset.spec.stack_lifecycle.limit = Some(p.limit);
    let mut annotations = std::collections::BTreeMap::new();
    if p.prescale && !settled_only {
        annotations.insert(ANNOTATION_PRESCALE_STACKS.to_string(), "true".to_string());
    }
    if p.backend_weights && !settled_only {
        annotations.insert(
            ANNOTATION_TRAFFIC_MECHANISM.to_string(),
            "backend-weights".to_string(),
        );
    }
    s.stackset.metadata.annotations = Some(annotations);
    if let Some(status) = s.stackset.status.as_mut() {
        status.traffic = Some(
            p.actual
                .iter()
                .enumerate()
                .filter_map(|(i, w)| {
                    w.map(|weight| ActualTraffic {
                        stack_name: name(i),
                        service_name: name(i),
                        service_port:
                            k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(80),
                        weight,
                    })
                })
                .collect(),
        );
    }
    for (i, stack) in s.stacks.iter_mut().enumerate() {
        if let Some(status) = stack.status.as_mut() {
            status.no_traffic_since = p
                .idle_for
                .get(i)
                .copied()
                .flatten()
                .map(|secs| Time(at(-secs)));
        }
    }
    for d in &mut s.deployments {
        let i = VERSIONS
            .iter()
            .position(|v| d.metadata.name.as_deref() == Some(format!("my-app-{v}").as_str()));
        if let (Some(i), Some(status)) = (i, d.status.as_mut()) {
            status.ready_replicas = Some(p.ready[i]);
        }
    }
    if !settled_only {
        let dropped: Vec<String> = p
            .drop_service
            .iter()
            .enumerate()
            .filter(|(_, d)| **d)
            .map(|(i, _)| name(i))
            .collect();
        s.services.retain(|svc| {
            !dropped
                .iter()
                .any(|d| svc.metadata.name.as_deref() == Some(d))
        });
    }
    s
}

/// A deterministic permutation of every list in the snapshot.
fn shuffled(s: &Snapshot, seed: u64) -> Snapshot {
    fn shuffle<T>(v: &mut [T], seed: u64) {
        let mut state = seed | 1;
        for i in (1..v.len()).rev() {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let j = usize::try_from(state >> 33).unwrap_or(0) % (i + 1);
            v.swap(i, j);
        }
    }
    let mut out = s.clone();
    shuffle(&mut out.stacks, seed);
    shuffle(&mut out.deployments, seed ^ 1);
    shuffle(&mut out.services, seed ^ 2);
    shuffle(&mut out.ingresses, seed ^ 3);
    shuffle(&mut out.hpas, seed ^ 4);
    shuffle(&mut out.routegroups, seed ^ 5);
    out
}

fn options_for(p: &Perturbation) -> crate::model::Options {
    let _ = p;
    options()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn weights_are_whole_and_sum_to_100(p in perturbation()) {
        let s = apply(&p, false);
        let rec = reconcile(&s, &options_for(&p), at(p.now_offset));
        prop_assert!(rec.traffic_managed);
        prop_assert!(!rec.stacks.is_empty());
        let desired: u32 = rec.stacks.iter().map(|f| f.desired_weight).sum();
        let actual: u32 = rec.stacks.iter().map(|f| f.actual_weight).sum();
        prop_assert_eq!(desired, 100);
        prop_assert_eq!(actual, 100);
        if let Some(status) = &rec.stackset_status {
            let total: f64 = status.traffic.iter().flatten().map(|t| t.weight).sum();
            prop_assert!((total - 100.0).abs() < 1e-9);
        }
    }

    #[test]
    fn traffic_never_grows_on_a_stack_that_is_not_ready(p in perturbation()) {
        let s = apply(&p, false);
        let rec = reconcile(&s, &options_for(&p), at(p.now_offset));
        for f in &rec.stacks {
            if f.actual_weight > f.previous_actual_weight {
                prop_assert!(f.ready, "{} grew from {} to {} while {}", f.name, f.previous_actual_weight, f.actual_weight, f.readiness);
            }
        }
    }

    #[test]
    fn a_stack_with_traffic_is_never_deleted_or_scaled_to_zero(p in perturbation()) {
        let s = apply(&p, false);
        let rec = reconcile(&s, &options_for(&p), at(p.now_offset));
        for action in rec.plan.iter() {
            match action {
                Action::Delete { target, .. } if target.kind == Kind::Stack => {
                    let f = rec.stack(&target.name);
                    prop_assert!(f.is_some_and(|f| !f.has_traffic()), "deleted {} with traffic", target.name);
                }
                Action::Create { object, .. } | Action::Update { object, .. } => {
                    if let Object::Deployment(d) = object.as_ref() {
                        let replicas = d.spec.as_ref().and_then(|s| s.replicas);
                        let name = d.metadata.name.clone().unwrap_or_default();
                        if replicas == Some(0) {
                            let f = rec.stack(&name);
                            prop_assert!(f.is_some_and(|f| !f.has_traffic()), "scaled {} with traffic to zero", name);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    #[test]
    fn list_order_does_not_matter(p in perturbation()) {
        let s = apply(&p, false);
        let opts = options_for(&p);
        let a = reconcile(&s, &opts, at(p.now_offset));
        let b = reconcile(&shuffled(&s, p.seed), &opts, at(p.now_offset));
        prop_assert_eq!(a.plan, b.plan);
        prop_assert_eq!(a.stacks, b.stacks);
        prop_assert_eq!(a.events, b.events);
    }

    #[test]
    fn reconcile_reaches_a_fixed_point(p in perturbation()) {
        let mut s = apply(&p, false);
        let opts = options_for(&p);
        let now = at(p.now_offset);
        let mut rounds = 0;
        loop {
            let rec = reconcile(&s, &opts, now);
            if rec.plan.is_empty() {
                break;
            }
            rounds += 1;
            prop_assert!(rounds <= 4, "no fixed point after 4 rounds; last plan:\n{}", rec.plan);
            s = simulate(&s, &rec.plan);
        }
        let again = reconcile(&s, &opts, now);
        prop_assert!(again.plan.is_empty());
    }

    #[test]
    fn reconcile_then_simulate_then_reconcile_is_empty(p in perturbation()) {
        // On a settled cluster (every child present, Deployments observed)
        // whose weights, readiness, idle times and limit are perturbed, one
        // pass is enough: the second plan is empty.
        let s = apply(&p, true);
        let opts = options_for(&p);
        let now = at(p.now_offset);
        let first = reconcile(&s, &opts, now);
        prop_assert!(!first.plan.requires_resnapshot());
        let next = simulate(&s, &first.plan);
        let second = reconcile(&next, &opts, now);
        prop_assert!(second.plan.is_empty(), "first plan:\n{}\nsecond plan:\n{}", first.plan, second.plan);
    }
}
