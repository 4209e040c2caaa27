//! Fixture builders for the unit tests: a StackSet with a Skipper ingress, a
//! fake "cluster" loop (reconcile → simulate → let Deployments become ready),
//! and a fixed `now`. Test-only.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::DeploymentStatus;
use k8s_openapi::api::core::v1::{Container, ContainerPort, PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use k8s_openapi::jiff::Timestamp;

use crate::api::{
    AnnotationsMeta, DesiredTraffic, IngressSpec, StackLifecycle, StackSet, StackSetSpec,
    StackSpec, StackSpecTemplate, StackTemplate,
};
use crate::model::{Options, Snapshot};
use crate::plan::Reconciliation;
use crate::reconcile::reconcile;
use crate::simulate::simulate;

/// The fixed "now" of every test: 2026-01-01T00:00:00Z.
pub(crate) fn now() -> Timestamp {
    Timestamp::from_second(1_767_225_600).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// `now` shifted by `seconds`.
pub(crate) fn at(seconds: i64) -> Timestamp {
    Timestamp::from_second(now().as_second() + seconds).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Options with the cluster domain `example.org`.
pub(crate) fn options() -> Options {
    Options {
        cluster_domains: vec!["example.org".into()],
        ..Options::default()
    }
}

/// A pod template with one container listening on port 80 (named `http`).
pub(crate) fn pod_template() -> PodTemplateSpec {
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(BTreeMap::from([("app".into(), "my-app".into())])),
            ..ObjectMeta::default()
        }),
        spec: Some(PodSpec {
            containers: vec![Container {
                name: "app".into(),
                image: Some("nginx".into()),
                ports: Some(vec![ContainerPort {
                    container_port: 80,
                    name: Some("http".into()),
                    ..ContainerPort::default()
                }]),
                ..Container::default()
            }],
            ..PodSpec::default()
        }),
    }
}

/// StackSet `my-app` (namespace `default`, UID `uid-my-app`) with ingress host
/// `my-app.example.org`, backend port 80 and template version `version`.
pub(crate) fn stackset(version: &str) -> StackSet {
    StackSet {
        metadata: ObjectMeta {
            name: Some("my-app".into()),
            namespace: Some("default".into()),
            uid: Some("uid-my-app".into()),
            generation: Some(1),
            labels: Some(BTreeMap::from([("application".into(), "my-app".into())])),
            ..ObjectMeta::default()
        },
        spec: StackSetSpec {
            ingress: Some(IngressSpec {
                metadata: Some(AnnotationsMeta::default()),
                hosts: vec!["my-app.example.org".into()],
                backend_port: Some(IntOrString::Int(80)),
                path: Some(String::new()),
                ..IngressSpec::default()
            }),
            stack_lifecycle: StackLifecycle::default(),
            stack_template: StackTemplate {
                metadata: None,
                spec: StackSpecTemplate {
                    spec: StackSpec {
                        replicas: Some(2),
                        pod_template: pod_template(),
                        ..StackSpec::default()
                    },
                    version: version.into(),
                },
            },
            ..StackSetSpec::default()
        },
        status: None,
    }
}

/// Pretends the Deployment controller caught up: every Deployment has
/// observed its generation and all its replicas are updated and ready.
pub(crate) fn settle(snapshot: &mut Snapshot) {
    for d in &mut snapshot.deployments {
        let replicas = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
        d.status = Some(DeploymentStatus {
            observed_generation: d.metadata.generation,
            replicas: Some(replicas),
            ready_replicas: Some(replicas),
            updated_replicas: Some(replicas),
            available_replicas: Some(replicas),
            ..DeploymentStatus::default()
        });
    }
}

/// Gives every stack a creation time (`now` + its position), as the API
/// server would have.
pub(crate) fn stamp_creation(snapshot: &mut Snapshot) {
    let n = snapshot.stacks.len();
    for (i, s) in snapshot.stacks.iter_mut().enumerate() {
        if s.metadata.creation_timestamp.is_none() {
            let offset = i64::try_from(i).unwrap_or(0) - i64::try_from(n).unwrap_or(0);
            s.metadata.creation_timestamp = Some(Time(at(offset)));
        }
    }
}

/// Runs the fake cluster until the plan is empty (at most 12 rounds):
/// reconcile, apply the plan with `simulate`, let Deployments settle.
pub(crate) fn converge(
    mut snapshot: Snapshot,
    options: &Options,
    now: Timestamp,
) -> (Snapshot, Reconciliation) {
    for _ in 0..12 {
        let rec = reconcile(&snapshot, options, now);
        if rec.plan.is_empty() {
            return (snapshot, rec);
        }
        snapshot = simulate(&snapshot, &rec.plan);
        stamp_creation(&mut snapshot);
        settle(&mut snapshot);
    }
    let rec = reconcile(&snapshot, options, now);
    (snapshot, rec)
}

/// A converged cluster with one stack per version, created in order, and
/// `spec.traffic` as given (applied after all stacks exist, then converged).
pub(crate) fn cluster(versions: &[&str], traffic: &[(&str, f64)], options: &Options) -> Snapshot {
    let mut snapshot = Snapshot::new(stackset(versions.first().copied().unwrap_or("v1")));
    for v in versions {
        snapshot.stackset.spec.stack_template.spec.version = (*v).into();
        snapshot = converge(snapshot, options, now()).0;
    }
    if !traffic.is_empty() {
        snapshot.stackset.spec.traffic = Some(
            traffic
                .iter()
                .map(|(n, w)| DesiredTraffic {
                    stack_name: format!("my-app-{n}"),
                    weight: *w,
                })
                .collect(),
        );
        snapshot = converge(snapshot, options, now()).0;
    }
    snapshot
}
