//! Scenario tests of `reconcile`: each case names the behaviour of the
//! reference it covers. `now` is fixed.

use super::*;
use crate::plan::Action;
use crate::simulate::simulate;
use crate::testing::*;

fn summary(plan: &Plan) -> Vec<String> {
    plan.iter()
        .map(|a| format!("{} {} {}", a.verb(), a.target().kind, a.target().name))
        .collect()
}

fn stack_facts_of<'a>(rec: &'a Reconciliation, v: &str) -> &'a StackFacts {
    rec.stack(&format!("my-app-{v}"))
        .unwrap_or_else(|| panic!("stack {v} missing"))
}

fn segment_of(snapshot: &Snapshot, stack: &str) -> Option<String> {
    snapshot
        .ingresses
        .iter()
        .find(|i| i.metadata.name.as_deref() == Some(&format!("{stack}-traffic-segment")))
        .and_then(|i| {
            i.metadata
                .annotations
                .as_ref()?
                .get(ANNOTATION_SKIPPER_PREDICATE)
                .cloned()
        })
}

#[test]
fn new_stackset_creates_its_first_stack_then_children() {
    let snapshot = Snapshot::new(stackset("v1"));
    let rec = reconcile(&snapshot, &options(), now());
    assert!(rec.errors.is_empty(), "{:?}", rec.errors);
    assert_eq!(
        summary(&rec.plan),
        ["create Stack my-app-v1", "update status StackSet my-app"]
    );
    assert!(rec.plan.requires_resnapshot());
    let Some(Action::Create { object, event, .. }) = rec.plan.actions.first() else {
        panic!("no create")
    };
    let Object::Stack(stack) = object.as_ref() else {
        panic!("not a stack")
    };
    let labels = stack.metadata.labels.clone().unwrap_or_default();
    assert_eq!(labels.get("stackset").map(String::as_str), Some("my-app"));
    assert_eq!(labels.get("stack-version").map(String::as_str), Some("v1"));
    assert_eq!(
        labels.get("application").map(String::as_str),
        Some("my-app")
    );
    let owners = stack.metadata.owner_references.clone().unwrap_or_default();
    assert_eq!(owners.len(), 1);
    assert_eq!(
        (owners[0].kind.as_str(), owners[0].uid.as_str()),
        ("StackSet", "uid-my-app")
    );
    assert_eq!(owners[0].controller, None);
    assert_eq!(owners[0].block_owner_deletion, None);
    assert_eq!(stack.spec.ingress, snapshot.stackset.spec.ingress);
    assert_eq!(
        event.as_ref().map(|e| e.reason.as_str()),
        Some("CreatedStack")
    );
    let Some(Action::UpdateStackSetStatus { status, .. }) = rec.plan.actions.get(1) else {
        panic!("no status")
    };
    assert_eq!(status.observed_stack_version.as_deref(), Some("v1"));

    // Phase two: the stack exists (with a UID); its children follow in order.
    let snapshot = simulate(&snapshot, &rec.plan);
    let rec = reconcile(&snapshot, &options(), now());
    assert_eq!(
        summary(&rec.plan),
        [
            "create Ingress my-app-v1",
            "create Ingress my-app-v1-traffic-segment",
            "create Deployment my-app-v1",
            "create Service my-app-v1",
            "write spec.traffic StackSet my-app",
            "update status Stack my-app-v1",
            "update status StackSet my-app",
        ]
    );
    let facts = stack_facts_of(&rec, "v1");
    assert_eq!(
        (facts.desired_weight, facts.actual_weight),
        (100, 100),
        "the only stack is the fallback"
    );
    assert!(!facts.ready);
}

#[test]
fn converged_cluster_has_an_empty_plan_and_a_ready_stack() {
    let snapshot = cluster(&["v1"], &[], &options());
    let rec = reconcile(&snapshot, &options(), now());
    assert!(rec.plan.is_empty(), "{}", rec.plan);
    assert!(rec.is_converged());
    let facts = stack_facts_of(&rec, "v1");
    assert!(facts.ready, "{}", facts.readiness);
    assert_eq!(facts.readiness, "2/2 ready");
    assert_eq!(
        segment_of(&snapshot, "my-app-v1").as_deref(),
        Some("TrafficSegment(0.00, 1.00)")
    );
    let status = snapshot.stackset.status.clone().unwrap_or_default();
    assert_eq!(
        (
            status.stacks,
            status.ready_stacks,
            status.stacks_with_traffic
        ),
        (1, 1, 1)
    );
    assert_eq!(
        snapshot.stackset.spec.traffic,
        Some(vec![DesiredTraffic {
            stack_name: "my-app-v1".into(),
            weight: 100.0
        }])
    );
}
