//! `simulate(&Snapshot, &Plan) -> Snapshot`: applies a plan in memory the way
//! the API server would, so `--dry-run` can cross the "create a Stack, then
//! its children need its UID" boundary and tests can check idempotence.
//!
//! What it models: created objects get a deterministic UID
//! (`simulated-<kind>-<namespace>-<name>`) and `metadata.generation` 1 (for
//! kinds that have one); updates keep UID, creation time and status, and bump
//! the generation when the spec changed; status writes replace the status;
//! deletes remove the object. What it does not model: controllers (no
//! Deployment status, no garbage collection of owned objects, no
//! `creationTimestamp` since there is no clock).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use k8s_openapi::jiff::Timestamp;

use crate::model::{Kind, Object, ObjectRef, Options, Snapshot};
use crate::plan::{Action, Plan, Reconciliation};
use crate::reconcile::reconcile;

/// How many reconcile passes one run makes at most: a pass that creates a
/// Stack is followed by another on the result (its children need its UID).
pub const MAX_PASSES: usize = 5;

/// Every pass a reconcile would make, without a cluster: decide, and while
/// the plan creates a Stack ([`Plan::requires_resnapshot`]), apply it with
/// [`simulate`] and decide again (at most [`MAX_PASSES`]). Returns the
/// decisions in order and the snapshot the last one was made on. This is
/// what `--dry-run` shows.
pub fn dry_run(
    snapshot: &Snapshot,
    options: &Options,
    now: Timestamp,
) -> (Vec<Reconciliation>, Snapshot) {
    let mut snapshot = snapshot.clone();
    let mut passes = Vec::new();
    for _ in 0..MAX_PASSES {
        let rec = reconcile(&snapshot, options, now);
        let again = rec.plan.requires_resnapshot();
        let next = simulate(&snapshot, &rec.plan);
        passes.push(rec);
        if !again {
            break;
        }
        snapshot = next;
    }
    (passes, snapshot)
}

/// The UID `simulate` gives an object created by a plan.
pub fn simulated_uid(kind: Kind, namespace: &str, name: &str) -> String {
    format!(
        "simulated-{}-{namespace}-{name}",
        kind.as_str().to_ascii_lowercase()
    )
}

fn name_of(meta: &ObjectMeta) -> &str {
    meta.name.as_deref().unwrap_or("")
}

fn same(meta: &ObjectMeta, target: &ObjectRef) -> bool {
    name_of(meta) == target.name
}

/// Replaces or inserts `new` in `list`; `spec_changed` decides the
/// generation bump against the object it replaces.
fn upsert<T: Clone>(
    list: &mut Vec<T>,
    mut new: T,
    meta: impl Fn(&mut T) -> &mut ObjectMeta,
    has_generation: bool,
    keep: impl Fn(&T, &mut T) -> bool,
) {
    let name = name_of(meta(&mut new)).to_string();
    let position = list.iter_mut().position(|o| name_of(meta(o)) == name);
    match position {
        Some(i) => {
            let old = &mut list[i];
            let spec_changed = keep(old, &mut new);
            let old_meta = meta(old).clone();
            let m = meta(&mut new);
            m.uid = old_meta.uid;
            m.creation_timestamp = old_meta.creation_timestamp;
            m.generation = if has_generation {
                let g = old_meta.generation.unwrap_or(1);
                Some(if spec_changed { g + 1 } else { g })
            } else {
                old_meta.generation
            };
            list[i] = new;
        }
        None => list.push(new),
    }
}

/// Applies `plan` to `snapshot` as the API server would (see the module docs).
pub fn simulate(snapshot: &Snapshot, plan: &Plan) -> Snapshot {
    let mut s = snapshot.clone();
    for action in plan {
        match action {
            Action::Create { object, .. } => create(&mut s, object.as_ref().clone()),
            Action::Update { object, .. } => update(&mut s, object.as_ref().clone()),
            Action::Delete { target, .. } => remove(&mut s, target),
            Action::WriteDesiredTraffic { stackset, .. } => {
                if s.stackset.spec != stackset.spec {
                    let g = s.stackset.metadata.generation.unwrap_or(1);
                    s.stackset.metadata.generation = Some(g + 1);
                }
                s.stackset.spec = stackset.spec.clone();
            }
            Action::UpdateStackStatus { target, status, .. } => {
                if let Some(stack) = s.stacks.iter_mut().find(|st| same(&st.metadata, target)) {
                    stack.status = Some(status.as_ref().clone());
                }
            }
            Action::UpdateStackSetStatus { status, .. } => {
                s.stackset.status = Some(status.as_ref().clone());
            }
        }
    }
    s
}

fn create(s: &mut Snapshot, mut object: Object) {
    let kind = object.kind();
    let meta = object.meta_mut();
    if meta.uid.is_none() {
        meta.uid = Some(simulated_uid(
            kind,
            meta.namespace.as_deref().unwrap_or(""),
            meta.name.as_deref().unwrap_or(""),
        ));
    }
    if kind.has_generation() && meta.generation.is_none() {
        meta.generation = Some(1);
    }
    insert(s, object);
}

fn insert(s: &mut Snapshot, object: Object) {
    match object {
        Object::StackSet(o) => s.stackset = o,
        Object::Stack(o) => upsert(&mut s.stacks, o, |o| &mut o.metadata, true, |_, _| false),
        Object::Deployment(o) => upsert(
            &mut s.deployments,
            o,
            |o| &mut o.metadata,
            true,
            |_, _| false,
        ),
        Object::Service(o) => upsert(&mut s.services, o, |o| &mut o.metadata, false, |_, _| false),
        Object::HorizontalPodAutoscaler(o) => {
            upsert(&mut s.hpas, o, |o| &mut o.metadata, true, |_, _| false)
        }
        Object::Ingress(o) => upsert(&mut s.ingresses, o, |o| &mut o.metadata, true, |_, _| false),
        Object::RouteGroup(o) => upsert(
            &mut s.routegroups,
            o,
            |o| &mut o.metadata,
            true,
            |_, _| false,
        ),
        Object::ConfigMap(o) => upsert(
            &mut s.config_maps,
            o,
            |o| &mut o.metadata,
            false,
            |_, _| false,
        ),
        Object::Secret(o) => upsert(&mut s.secrets, o, |o| &mut o.metadata, false, |_, _| false),
        Object::PlatformCredentialsSet(o) => upsert(
            &mut s.platform_credentials_sets,
            o,
            |o| &mut o.metadata,
            true,
            |_, _| false,
        ),
    }
}

fn update(s: &mut Snapshot, object: Object) {
    match object {
        Object::StackSet(mut o) => {
            o.status = s.stackset.status.clone();
            if o.spec != s.stackset.spec {
                o.metadata.generation = Some(s.stackset.metadata.generation.unwrap_or(1) + 1);
            } else {
                o.metadata.generation = s.stackset.metadata.generation;
            }
            o.metadata.uid = s.stackset.metadata.uid.clone();
            s.stackset = o;
        }
        // The main resource ignores status; the spec decides the generation.
        Object::Stack(o) => upsert(
            &mut s.stacks,
            o,
            |o| &mut o.metadata,
            true,
            |old, new| {
                new.status = old.status.clone();
                old.spec != new.spec
            },
        ),
        Object::Deployment(o) => upsert(
            &mut s.deployments,
            o,
            |o| &mut o.metadata,
            true,
            |old, new| {
                new.status = old.status.clone();
                old.spec != new.spec
            },
        ),
        Object::Service(o) => upsert(
            &mut s.services,
            o,
            |o| &mut o.metadata,
            false,
            |old, new| {
                new.status = old.status.clone();
                false
            },
        ),
        Object::HorizontalPodAutoscaler(o) => upsert(
            &mut s.hpas,
            o,
            |o| &mut o.metadata,
            true,
            |old, new| {
                new.status = old.status.clone();
                old.spec != new.spec
            },
        ),
        Object::Ingress(o) => upsert(
            &mut s.ingresses,
            o,
            |o| &mut o.metadata,
            true,
            |old, new| {
                new.status = old.status.clone();
                old.spec != new.spec
            },
        ),
        Object::RouteGroup(o) => upsert(
            &mut s.routegroups,
            o,
            |o| &mut o.metadata,
            true,
            |old, new| old.spec != new.spec,
        ),
        Object::ConfigMap(o) => upsert(
            &mut s.config_maps,
            o,
            |o| &mut o.metadata,
            false,
            |_, _| false,
        ),
        Object::Secret(o) => upsert(&mut s.secrets, o, |o| &mut o.metadata, false, |_, _| false),
        Object::PlatformCredentialsSet(o) => upsert(
            &mut s.platform_credentials_sets,
            o,
            |o| &mut o.metadata,
            true,
            |old, new| {
                new.status = old.status.clone();
                old.spec != new.spec
            },
        ),
    }
}

fn remove(s: &mut Snapshot, target: &ObjectRef) {
    let keep = |meta: &ObjectMeta| !same(meta, target);
    match target.kind {
        Kind::StackSet => {}
        Kind::Stack => s.stacks.retain(|o| keep(&o.metadata)),
        Kind::Deployment => s.deployments.retain(|o| keep(&o.metadata)),
        Kind::Service => s.services.retain(|o| keep(&o.metadata)),
        Kind::HorizontalPodAutoscaler => s.hpas.retain(|o| keep(&o.metadata)),
        Kind::Ingress => s.ingresses.retain(|o| keep(&o.metadata)),
        Kind::RouteGroup => s.routegroups.retain(|o| keep(&o.metadata)),
        Kind::ConfigMap => s.config_maps.retain(|o| keep(&o.metadata)),
        Kind::Secret => s.secrets.retain(|o| keep(&o.metadata)),
        Kind::PlatformCredentialsSet => s.platform_credentials_sets.retain(|o| keep(&o.metadata)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{converge, now, options, stackset};

    #[test]
    fn a_dry_run_crosses_the_stack_creation_boundary() {
        let snapshot = Snapshot::new(stackset("v1"));
        let (passes, last) = dry_run(&snapshot, &options(), now());
        assert_eq!(passes.len(), 2, "create the stack, then its children");
        assert!(passes[0].plan.requires_resnapshot());
        let second: Vec<String> = passes[1].plan.iter().map(ToString::to_string).collect();
        assert!(
            second.contains(&"create Deployment my-app-v1: missing".to_string()),
            "{second:?}"
        );
        // The last decision was made on the simulated Stack.
        assert_eq!(last.stacks.len(), 1);
        assert!(
            last.deployments.is_empty(),
            "the second plan is not applied"
        );
    }

    #[test]
    fn a_dry_run_of_a_settled_stackset_is_one_empty_pass() {
        let (settled, _) = converge(Snapshot::new(stackset("v1")), &options(), now());
        let (passes, last) = dry_run(&settled, &options(), now());
        assert_eq!(passes.len(), 1);
        assert!(passes[0].plan.is_empty(), "{}", passes[0].plan);
        assert_eq!(last.deployments, settled.deployments);
    }
}
