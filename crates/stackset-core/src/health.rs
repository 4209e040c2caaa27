//! The health of a StackSet: Healthy, Progressing or Degraded, with one line
//! saying why. `status` exits with it (and `status --until` waits for it), the
//! `get` header and `list` show it; the decision is made here, once.

use serde::Serialize;

use crate::management::ManagedBy;
use crate::model::Snapshot;
use crate::plan::Reconciliation;
use crate::reconcile::{current_stack_name, template_version};
use crate::rollout::{RolloutRecord, RolloutState};

/// The overall state of a StackSet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Phase {
    /// The current version's stack is ready, actual traffic equals desired
    /// traffic and every stack with traffic is ready.
    Healthy,
    /// On its way: a stack is being created or becoming ready, or a traffic
    /// switch is pending or waiting for readiness.
    Progressing,
    /// Something is wrong: the StackSet or a stack has errors, or a stack that
    /// serves traffic is not ready.
    Degraded,
}

impl Phase {
    /// The phase's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Healthy => "Healthy",
            Self::Progressing => "Progressing",
            Self::Degraded => "Degraded",
        }
    }
}

/// The assessment behind `status` and the `get` header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Assessment {
    /// Healthy, Progressing or Degraded.
    pub phase: Phase,
    /// One line saying why, e.g. `waiting for v2: 1/3 ready, need 3`.
    pub message: String,
    /// Actual traffic equals desired traffic for every stack.
    pub traffic_switched: bool,
    /// The StackSet has errors that only a change of its spec can fix (an
    /// invalid template, an unknown traffic mechanism...). `status --until`
    /// stops at once with exit code 4 when set.
    pub has_errors: bool,
    /// Errors reported by the engine.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
}

/// Health of a StackSet from the decision on its snapshot. An open rollout
/// (running or paused) is never Healthy: the StackSet is Progressing until
/// the rollout is done or aborted, whatever its weights look like.
pub fn assess(snapshot: &Snapshot, rec: &Reconciliation, managed_by: &ManagedBy) -> Assessment {
    let mut a = assess_stacks(snapshot, rec, managed_by);
    if a.phase != Phase::Degraded
        && let Ok(Some(r)) =
            RolloutRecord::from_annotations(snapshot.stackset.metadata.annotations.as_ref())
        && r.state.is_open()
    {
        let detail = if a.phase == Phase::Progressing {
            format!("; {}", a.message)
        } else {
            String::new()
        };
        let why = match (&r.message, r.state) {
            (Some(m), RolloutState::Paused) => format!(" ({m})"),
            _ => String::new(),
        };
        a.phase = Phase::Progressing;
        a.message = format!(
            "rollout to {} {} at {}{why}{detail}",
            r.version,
            r.state,
            r.step_text()
        );
    }
    a
}

fn assess_stacks(snapshot: &Snapshot, rec: &Reconciliation, managed_by: &ManagedBy) -> Assessment {
    let ss = &snapshot.stackset;
    let mut errors: Vec<String> = rec.errors.iter().map(ToString::to_string).collect();
    for f in &rec.stacks {
        for e in &f.errors {
            errors.push(format!("{}: {e}", f.version));
        }
    }
    let traffic_switched = rec
        .stacks
        .iter()
        .all(|f| f.desired_weight == f.previous_actual_weight);
    let verdict = |phase: Phase, message: String| Assessment {
        phase,
        message,
        traffic_switched,
        has_errors: !errors.is_empty(),
        errors: errors.clone(),
    };
    if let Some(first) = errors.first() {
        return verdict(Phase::Degraded, first.clone());
    }
    if let Some(f) = rec
        .stacks
        .iter()
        .find(|f| f.previous_actual_weight > 0 && !f.ready)
    {
        return verdict(
            Phase::Degraded,
            format!(
                "{} serves {}% but is not ready: {}",
                f.version, f.previous_actual_weight, f.readiness
            ),
        );
    }
    let Some(cur) = rec.stack(&current_stack_name(ss)) else {
        let hint = match managed_by {
            ManagedBy::ClientSide { .. } => " (created by the next `kubectl stackset reconcile`)",
            _ => " (waiting for the controller)",
        };
        return verdict(
            Phase::Progressing,
            format!("no stack for version {} yet{hint}", template_version(ss)),
        );
    };
    if let Some(b) = &rec.blocked {
        return verdict(Phase::Progressing, waiting_for(rec, &b.not_ready));
    }
    if !traffic_switched {
        return verdict(
            Phase::Progressing,
            format!(
                "traffic switch pending ({}): actual {} → desired {}",
                managed_by.next_switch(),
                weights_summary(
                    rec.stacks
                        .iter()
                        .map(|f| (f.version.as_str(), f.previous_actual_weight))
                ),
                weights_summary(
                    rec.stacks
                        .iter()
                        .map(|f| (f.version.as_str(), f.desired_weight))
                )
            ),
        );
    }
    if !cur.ready && !cur.scaled_down {
        return verdict(
            Phase::Progressing,
            format!("{} not ready: {}", cur.version, cur.readiness),
        );
    }
    let message = if rec.traffic_managed {
        format!(
            "traffic {}; stacks with traffic ready",
            weights_summary(
                rec.stacks
                    .iter()
                    .map(|f| (f.version.as_str(), f.previous_actual_weight))
            )
        )
    } else {
        format!("{} ready ({})", cur.version, cur.readiness)
    };
    verdict(Phase::Healthy, message)
}

/// `waiting for v2: 1/3 ready, need 3` for the stacks that hold a switch back.
pub fn waiting_for(rec: &Reconciliation, not_ready: &[String]) -> String {
    let parts: Vec<String> = not_ready
        .iter()
        .map(|n| match rec.stack(n) {
            Some(s) if s.deployment_replicas == 0 => format!(
                "{}: scaled to zero; scales up on the next reconcile",
                s.version
            ),
            Some(s) if s.ready && s.prescaling.active => format!(
                "{}: prescaling to {} replicas ({} ready)",
                s.version, s.prescaling.replicas, s.ready_replicas
            ),
            Some(s) => format!("{}: {}", s.version, s.readiness),
            None => n.clone(),
        })
        .collect();
    format!("waiting for {}", parts.join("; "))
}

/// `v1 75 · v2 25`: the versions with weight, by weight then version; `-`
/// when none has any.
pub fn weights_summary<'a>(weights: impl IntoIterator<Item = (&'a str, u32)>) -> String {
    let mut with: Vec<(&str, u32)> = weights.into_iter().filter(|(_, w)| *w > 0).collect();
    with.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    if with.is_empty() {
        return "-".into();
    }
    with.iter()
        .map(|(v, w)| format!("{v} {w}"))
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::api::constants::ANNOTATION_TRAFFIC_MECHANISM;
    use crate::reconcile::reconcile;
    use crate::rollout::{FailurePolicy, StepSpec};
    use crate::testing::{cluster, now, options};

    fn ours() -> ManagedBy {
        ManagedBy::ClientSide {
            controller_id: "kubectl-stackset".into(),
        }
    }

    fn health(snapshot: &Snapshot, managed_by: &ManagedBy) -> Assessment {
        assess(
            snapshot,
            &reconcile(snapshot, &options(), now()),
            managed_by,
        )
    }

    #[test]
    fn a_settled_stackset_is_healthy() {
        let snap = cluster(&["v1", "v2"], &[("v1", 25.0), ("v2", 75.0)], &options());
        let a = health(&snap, &ours());
        assert_eq!(a.phase, Phase::Healthy, "{}", a.message);
        assert_eq!(
            a.message,
            "traffic v2 75 · v1 25; stacks with traffic ready"
        );
        assert!(a.traffic_switched && !a.has_errors);
    }

    #[test]
    fn stackset_errors_are_degraded_and_flagged() {
        let mut snap = cluster(&["v1"], &[], &options());
        snap.stackset.metadata.annotations = Some(BTreeMap::from([(
            ANNOTATION_TRAFFIC_MECHANISM.to_string(),
            "carrier-pigeon".to_string(),
        )]));
        let a = health(&snap, &ours());
        assert_eq!(a.phase, Phase::Degraded);
        assert!(a.has_errors);
        assert!(
            a.message.contains("unknown traffic mechanism"),
            "{}",
            a.message
        );
    }

    #[test]
    fn a_serving_stack_that_is_not_ready_is_degraded_but_may_recover() {
        let mut snap = cluster(&["v1"], &[], &options());
        for d in &mut snap.deployments {
            if let Some(s) = d.status.as_mut() {
                s.ready_replicas = Some(1);
            }
        }
        let a = health(&snap, &ours());
        assert_eq!(a.phase, Phase::Degraded);
        assert_eq!(
            a.message,
            "v1 serves 100% but is not ready: 1/2 ready, need 2"
        );
        assert!(!a.has_errors, "not an error that stops status --until");
    }

    #[test]
    fn a_missing_stack_or_a_pending_switch_is_progressing_naming_who_acts() {
        let mut snap = cluster(&["v1"], &[], &options());
        snap.stackset.spec.stack_template.spec.version = "v2".into();
        let a = health(&snap, &ours());
        assert_eq!(a.phase, Phase::Progressing);
        assert_eq!(
            a.message,
            "no stack for version v2 yet (created by the next `kubectl stackset reconcile`)"
        );
        let a = health(&snap, &ManagedBy::Controller);
        assert_eq!(
            a.message,
            "no stack for version v2 yet (waiting for the controller)"
        );

        // v2 exists and is ready; desired moves to it, nobody switched yet.
        let mut snap = cluster(&["v1", "v2"], &[("v1", 100.0)], &options());
        snap.stackset.spec.traffic = Some(vec![crate::api::DesiredTraffic {
            stack_name: "my-app-v2".into(),
            weight: 100.0,
        }]);
        let a = health(&snap, &ManagedBy::Controller);
        assert_eq!(a.phase, Phase::Progressing);
        assert_eq!(
            a.message,
            "traffic switch pending (the controller): actual v1 100 → desired v2 100"
        );
        assert!(!a.traffic_switched);
    }

    #[test]
    fn a_blocked_switch_says_what_it_waits_for() {
        let mut snap = cluster(&["v1", "v2"], &[("v1", 100.0)], &options());
        for d in &mut snap.deployments {
            if d.metadata.name.as_deref() == Some("my-app-v2")
                && let Some(s) = d.status.as_mut()
            {
                s.ready_replicas = Some(0);
            }
        }
        snap.stackset.spec.traffic = Some(vec![crate::api::DesiredTraffic {
            stack_name: "my-app-v2".into(),
            weight: 100.0,
        }]);
        let a = health(&snap, &ours());
        assert_eq!(a.phase, Phase::Progressing);
        assert_eq!(a.message, "waiting for v2: 0/2 ready, need 2");
    }

    #[test]
    fn an_open_rollout_is_never_healthy() {
        let mut snap = cluster(&["v1", "v2"], &[("v2", 100.0)], &options());
        let record = RolloutRecord {
            version: "v2".into(),
            stack: "my-app-v2".into(),
            plan: StepSpec::Steps(vec![10, 50, 100]),
            interval_seconds: 30,
            on_failure: FailurePolicy::Abort,
            previous: BTreeMap::from([("my-app-v1".to_string(), 100)]),
            state: RolloutState::Paused,
            step: 3,
            total_steps: 3,
            started: now(),
            updated: now(),
            step_started: None,
            step_reached: None,
            message: Some("paused by alice".into()),
            ready_timeout_seconds: None,
            step_timeout_seconds: None,
            driver: None,
        };
        record.store(&mut snap.stackset.metadata.annotations);
        let a = health(&snap, &ours());
        assert_eq!(a.phase, Phase::Progressing);
        assert!(
            a.message.starts_with("rollout to v2 paused at ")
                && a.message.contains("(paused by alice)"),
            "{}",
            a.message
        );
        // Done, it no longer holds the phase back.
        let mut done = record;
        done.state = RolloutState::Done;
        done.store(&mut snap.stackset.metadata.annotations);
        assert_eq!(health(&snap, &ours()).phase, Phase::Healthy);
    }

    #[test]
    fn weights_summary_orders_by_weight_then_version() {
        assert_eq!(
            weights_summary([("v1", 25), ("v2", 75), ("v3", 0)]),
            "v2 75 · v1 25"
        );
        assert_eq!(weights_summary([("v2", 50), ("v1", 50)]), "v1 50 · v2 50");
        assert_eq!(weights_summary([]), "-");
    }
}
