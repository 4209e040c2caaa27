//! Scenario tests of `reconcile`: each case names the behaviour of the
//! reference it covers. `now` is fixed.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::*;
use crate::model::Kind;
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

/// A shell that decides again right after the create holds the create
/// plan's status write back: the next decision starts from the held
/// `observedStackVersion` and writes it with its own status, once.
#[test]
fn a_held_status_goes_out_with_the_next_decision() {
    let snapshot = Snapshot::new(stackset("v1"));
    let mut first = reconcile(&snapshot, &options(), now());
    let held = first
        .plan
        .hold_status()
        .expect("a create plan holds its status");
    assert_eq!(summary(&first.plan), ["create Stack my-app-v1"]);
    assert!(first.plan.requires_resnapshot());
    assert_eq!(first.plan.hold_status(), None, "held once");

    // The next decision, on the created Stack and the StackSet as stored
    // (no status write went out).
    let mut snapshot = simulate(&snapshot, &first.plan);
    assert_eq!(
        snapshot
            .stackset
            .status
            .as_ref()
            .and_then(|s| s.observed_stack_version.as_deref()),
        None
    );
    held.apply_to(&mut snapshot.stackset);
    let mut second = reconcile(&snapshot, &options(), now());
    held.clone().fold_into(&mut second.plan, &snapshot.stackset);
    let statuses: Vec<_> = second
        .plan
        .iter()
        .filter_map(|a| match a {
            Action::UpdateStackSetStatus { status, .. } => Some(status),
            _ => None,
        })
        .collect();
    assert_eq!(statuses.len(), 1, "{}", second.plan);
    assert_eq!(statuses[0].observed_stack_version.as_deref(), Some("v1"));
    assert_eq!(statuses[0].stacks, 1);

    // A decision that writes no status of its own gets the held write.
    let mut empty = Plan::default();
    held.fold_into(&mut empty, &snapshot.stackset);
    let [Action::UpdateStackSetStatus { status, .. }] = empty.actions.as_slice() else {
        panic!("{empty}")
    };
    assert_eq!(status.observed_stack_version.as_deref(), Some("v1"));

    // A plan that creates no Stack holds nothing.
    assert_eq!(second.plan.hold_status(), None);
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

fn set_traffic(snapshot: &mut Snapshot, traffic: &[(&str, f64)]) {
    snapshot.stackset.spec.traffic = Some(
        traffic
            .iter()
            .map(|(v, w)| DesiredTraffic {
                stack_name: format!("my-app-{v}"),
                weight: *w,
            })
            .collect(),
    );
}

fn updates_of(plan: &Plan, kind: Kind) -> Vec<String> {
    plan.iter()
        .filter(|a| {
            matches!(a, Action::Update { .. } | Action::Create { .. }) && a.target().kind == kind
        })
        .map(|a| a.target().name)
        .collect()
}

#[test]
fn traffic_switch_writes_growing_segments_first() {
    let opts = options();
    let mut snapshot = cluster(&["v1", "v2"], &[], &opts);
    set_traffic(&mut snapshot, &[("v1", 50.0), ("v2", 50.0)]);
    let rec = reconcile(&snapshot, &opts, now());
    assert!(rec.blocked.is_none(), "{:?}", rec.blocked);
    assert_eq!(
        updates_of(&rec.plan, Kind::Ingress),
        ["my-app-v2-traffic-segment", "my-app-v1-traffic-segment"],
        "growing segment first"
    );
    let switched: Vec<&Event> = rec
        .events
        .iter()
        .filter(|e| e.reason == "TrafficSwitched")
        .collect();
    assert_eq!(switched.len(), 1);
    assert_eq!(
        switched[0].message,
        "Switched traffic: my-app-v1: 100.0% to 50.0%, my-app-v2: 0.0% to 50.0%"
    );
    let next = simulate(&snapshot, &rec.plan);
    assert_eq!(
        segment_of(&next, "my-app-v1").as_deref(),
        Some("TrafficSegment(0.00, 0.50)")
    );
    assert_eq!(
        segment_of(&next, "my-app-v2").as_deref(),
        Some("TrafficSegment(0.50, 1.00)")
    );
    let status = next.stackset.status.clone().unwrap_or_default();
    let traffic: Vec<(String, f64, IntOrString)> = status
        .traffic
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.service_name, t.weight, t.service_port))
        .collect();
    assert_eq!(
        traffic,
        [
            ("my-app-v1".into(), 50.0, IntOrString::Int(80)),
            ("my-app-v2".into(), 50.0, IntOrString::Int(80))
        ]
    );
    let again = reconcile(&next, &opts, now());
    assert!(
        again.plan.is_empty(),
        "idempotent after the switch: {}",
        again.plan
    );
}

#[test]
fn traffic_switch_is_blocked_by_a_stack_that_is_not_ready() {
    let opts = options();
    let mut snapshot = cluster(&["v1", "v2"], &[], &opts);
    for d in &mut snapshot.deployments {
        if d.metadata.name.as_deref() == Some("my-app-v2")
            && let Some(status) = d.status.as_mut()
        {
            status.ready_replicas = Some(1);
        }
    }
    set_traffic(&mut snapshot, &[("v1", 50.0), ("v2", 50.0)]);
    let rec = reconcile(&snapshot, &opts, now());
    assert_eq!(
        rec.blocked.as_ref().map(|b| b.not_ready.clone()),
        Some(vec!["my-app-v2".to_string()])
    );
    let warning = rec.events.iter().find(|e| e.reason == "TrafficNotSwitched");
    assert_eq!(
        warning.map(|e| (e.type_, e.message.as_str())),
        Some((
            EventType::Warning,
            "Failed to switch traffic: stacks not ready: my-app-v2"
        ))
    );
    assert!(
        updates_of(&rec.plan, Kind::Ingress).is_empty(),
        "no segment moves: {}",
        rec.plan
    );
    let v2 = stack_facts_of(&rec, "v2");
    assert_eq!((v2.desired_weight, v2.actual_weight), (50, 0));
    assert_eq!(v2.readiness, "1/2 ready, need 2");
}

#[test]
fn min_ready_percent_lowers_the_bar() {
    let opts = options();
    let mut snapshot = cluster(&["v1", "v2"], &[], &opts);
    snapshot.stackset.spec.min_ready_percent = Some(50);
    for d in &mut snapshot.deployments {
        if d.metadata.name.as_deref() == Some("my-app-v2")
            && let Some(status) = d.status.as_mut()
        {
            status.ready_replicas = Some(1);
        }
    }
    set_traffic(&mut snapshot, &[("v2", 100.0)]);
    let rec = reconcile(&snapshot, &opts, now());
    assert!(rec.blocked.is_none());
    assert_eq!(stack_facts_of(&rec, "v2").actual_weight, 100);
}

#[test]
fn desired_traffic_is_normalised_rounded_and_written_back() {
    struct Case {
        name: &'static str,
        traffic: Vec<(&'static str, f64)>,
        want: Vec<(&'static str, f64)>,
    }
    let cases = vec![
        Case {
            name: "thirds become 34/33/33",
            traffic: vec![("v1", 33.3), ("v2", 33.3), ("v3", 33.3)],
            want: vec![("v1", 34.0), ("v2", 33.0), ("v3", 33.0)],
        },
        Case {
            name: "not normalised",
            traffic: vec![("v1", 1.0), ("v3", 3.0)],
            want: vec![("v1", 25.0), ("v3", 75.0)],
        },
        Case {
            name: "unknown stacks and zeros are dropped",
            traffic: vec![("v1", 0.0), ("v2", 100.0), ("v9", 50.0)],
            want: vec![("v2", 100.0)],
        },
        Case {
            name: "all zero falls back to the most recent noTrafficSince (ties by name), like upstream",
            traffic: vec![("v1", 0.0)],
            want: vec![("v2", 100.0)],
        },
    ];
    let opts = options();
    let base = cluster(&["v1", "v2", "v3"], &[], &opts);
    for case in cases {
        let mut snapshot = base.clone();
        set_traffic(&mut snapshot, &case.traffic);
        let rec = reconcile(&snapshot, &opts, now());
        let written = rec.plan.iter().find_map(|a| match a {
            Action::WriteDesiredTraffic { stackset, .. } => stackset.spec.traffic.clone(),
            _ => None,
        });
        let want: Vec<DesiredTraffic> = case
            .want
            .iter()
            .map(|(v, w)| DesiredTraffic {
                stack_name: format!("my-app-{v}"),
                weight: *w,
            })
            .collect();
        assert_eq!(written, Some(want), "{}", case.name);
    }
}

#[test]
fn the_next_scale_down_falls_due_one_second_after_the_ttl() {
    use crate::lifecycle::next_scale_down;
    let opts = options();
    let snapshot = cluster(&["v1", "v2"], &[("v2", 100.0)], &opts);
    // v1 lost its traffic at now(); with the default TTL of 300 s it is due at
    // 301 s, the first moment `reconcile` scales it down.
    let rec = reconcile(&snapshot, &opts, at(10));
    let due = next_scale_down(&rec, &snapshot.stackset);
    assert_eq!(due, Some(at(301)));
    assert!(!stack_facts_of(&reconcile(&snapshot, &opts, at(300)), "v1").scaled_down);
    assert!(stack_facts_of(&reconcile(&snapshot, &opts, at(301)), "v1").scaled_down);
    // Once scaled down, nothing is waiting any more.
    let rec = reconcile(&snapshot, &opts, at(400));
    assert_eq!(next_scale_down(&rec, &snapshot.stackset), None);
    // A StackSet-specific TTL moves the moment.
    let mut short = snapshot.clone();
    short.stackset.spec.stack_lifecycle.scaledown_ttl_seconds = Some(60);
    let rec = reconcile(&short, &opts, at(10));
    assert_eq!(next_scale_down(&rec, &short.stackset), Some(at(61)));
    // All traffic on both stacks: nothing to schedule.
    let both = cluster(&["v1", "v2"], &[("v1", 50.0), ("v2", 50.0)], &opts);
    let rec = reconcile(&both, &opts, at(10));
    assert_eq!(next_scale_down(&rec, &both.stackset), None);
}

#[test]
fn idle_stacks_are_scaled_down_after_the_ttl() {
    let opts = options();
    let snapshot = cluster(&["v1", "v2"], &[("v2", 100.0)], &opts);
    let v1 = snapshot
        .stacks
        .iter()
        .find(|s| s.metadata.name.as_deref() == Some("my-app-v1"));
    let nts = v1
        .and_then(|s| s.status.as_ref()?.no_traffic_since.clone())
        .map(|t| t.0);
    assert_eq!(
        nts,
        Some(now()),
        "noTrafficSince starts when the traffic is gone"
    );

    // Within the TTL nothing happens.
    let rec = reconcile(&snapshot, &opts, at(300));
    assert!(rec.plan.is_empty(), "{}", rec.plan);
    // After it, the Deployment goes to zero.
    let rec = reconcile(&snapshot, &opts, at(301));
    let facts = stack_facts_of(&rec, "v1");
    assert!(facts.scaled_down);
    let scaled = rec.plan.iter().find_map(|a| match a {
        Action::Update { object, reason, .. } => match object.as_ref() {
            Object::Deployment(d) if d.metadata.name.as_deref() == Some("my-app-v1") => {
                Some((d.spec.as_ref().and_then(|s| s.replicas), reason.clone()))
            }
            _ => None,
        },
        _ => None,
    });
    assert_eq!(
        scaled,
        Some((
            Some(0),
            "replicas 2 -> 0 (scaled down: no traffic for longer than scaledownTTLSeconds)"
                .to_string()
        ))
    );
    // Switching traffic back scales it up again (it is not ready until then).
    let mut next = simulate(&snapshot, &rec.plan);
    settle(&mut next);
    set_traffic(&mut next, &[("v1", 100.0)]);
    let rec = reconcile(&next, &opts, at(302));
    assert!(!stack_facts_of(&rec, "v1").scaled_down);
    assert_eq!(
        rec.blocked.as_ref().map(|b| b.not_ready.clone()),
        Some(vec!["my-app-v1".to_string()])
    );
    assert!(updates_of(&rec.plan, Kind::Deployment).contains(&"my-app-v1".to_string()));
}

#[test]
fn expired_stacks_beyond_the_limit_are_deleted_oldest_first() {
    let opts = options();
    let mut snapshot = cluster(&["v1", "v2", "v3", "v4"], &[("v4", 100.0)], &opts);
    snapshot.stackset.spec.stack_lifecycle.limit = Some(1);
    // v1 lost its traffic first, then v2, then v3.
    for (i, s) in snapshot.stacks.iter_mut().enumerate() {
        if let Some(status) = s.status.as_mut()
            && status.no_traffic_since.is_some()
        {
            status.no_traffic_since = Some(Time(at(-1000 + i64::try_from(i).unwrap_or(0))));
        }
    }
    let rec = reconcile(&snapshot, &opts, now());
    let deleted: Vec<String> = rec
        .plan
        .iter()
        .filter(|a| matches!(a, Action::Delete { target, .. } if target.kind == Kind::Stack))
        .map(|a| a.target().name)
        .collect();
    assert_eq!(deleted, ["my-app-v1", "my-app-v2"]);
    let events: Vec<&str> = rec
        .all_events()
        .iter()
        .filter(|e| e.reason == "DeletedExcessStack")
        .map(|e| e.message.as_str())
        .collect();
    assert_eq!(
        events,
        [
            "Deleted excess stack my-app-v1",
            "Deleted excess stack my-app-v2"
        ]
    );
    let status = rec.stackset_status.clone().unwrap_or_default();
    assert_eq!(status.stacks, 2, "deleted stacks are not counted");
}

#[test]
fn backend_weights_mode_writes_the_central_ingress() {
    let opts = Options {
        traffic_mechanism: Some(TrafficMechanism::BackendWeights),
        ..options()
    };
    let snapshot = cluster(&["v1", "v2"], &[("v1", 90.0), ("v2", 10.0)], &opts);
    let central = snapshot
        .ingresses
        .iter()
        .find(|i| i.metadata.name.as_deref() == Some("my-app"));
    let central = central.unwrap_or_else(|| panic!("no central ingress"));
    let annotations = central.metadata.annotations.clone().unwrap_or_default();
    assert_eq!(
        annotations
            .get("zalando.org/backend-weights")
            .map(String::as_str),
        Some(r#"{"my-app-v1":90,"my-app-v2":10}"#)
    );
    assert_eq!(
        annotations
            .get("zalando.org/traffic-authoritative")
            .map(String::as_str),
        Some("false")
    );
    assert_eq!(
        annotations
            .get("stackset-controller.zalando.org/updated-timestamp")
            .map(String::as_str),
        Some("2026-01-01T00:00:00Z")
    );
    let owners = central
        .metadata
        .owner_references
        .clone()
        .unwrap_or_default();
    assert_eq!(
        owners.iter().map(|o| o.kind.as_str()).collect::<Vec<_>>(),
        ["StackSet"]
    );
    assert!(
        snapshot.ingresses.iter().all(|i| !i
            .metadata
            .name
            .as_deref()
            .unwrap_or("")
            .ends_with("-traffic-segment")),
        "no segments in backend-weights mode"
    );
    let rec = reconcile(&snapshot, &opts, at(60));
    assert!(
        rec.plan.is_empty(),
        "a later now does not rewrite the timestamp: {}",
        rec.plan
    );
    assert!(stack_facts_of(&rec, "v2").ready);
}

#[test]
fn mechanism_annotation_selects_and_rejects() {
    struct Case {
        name: &'static str,
        value: Option<&'static str>,
        want: Result<TrafficMechanism, ()>,
    }
    let cases = [
        Case {
            name: "default is segments",
            value: None,
            want: Ok(TrafficMechanism::Segments),
        },
        Case {
            name: "segments",
            value: Some("segments"),
            want: Ok(TrafficMechanism::Segments),
        },
        Case {
            name: "backend-weights",
            value: Some("backend-weights"),
            want: Ok(TrafficMechanism::BackendWeights),
        },
        Case {
            name: "unknown",
            value: Some("weights"),
            want: Err(()),
        },
    ];
    for case in cases {
        let mut ss = stackset("v1");
        if let Some(v) = case.value {
            ss.metadata.annotations =
                Some([(ANNOTATION_TRAFFIC_MECHANISM.to_string(), v.to_string())].into());
        }
        let got = traffic_mechanism(&ss, &Options::default()).map_err(|_| ());
        assert_eq!(got, case.want, "{}", case.name);
        let rec = reconcile(&Snapshot::new(ss), &options(), now());
        assert_eq!(rec.errors.is_empty(), case.want.is_ok(), "{}", case.name);
        if case.want.is_err() {
            assert!(rec.plan.is_empty(), "{}", case.name);
            assert_eq!(
                rec.events.first().map(|e| e.reason.as_str()),
                Some("FailedManageStackSet"),
                "{}",
                case.name
            );
        }
    }
}

#[test]
fn stackset_level_errors_leave_everything_untouched() {
    struct Case {
        name: &'static str,
        edit: fn(&mut Snapshot),
        event: &'static str,
        message: &'static str,
    }
    let cases = vec![
        Case {
            name: "template without containers",
            edit: |s| {
                s.stackset.spec.stack_template.spec.version = "v2".into();
                s.stackset.spec.stack_template.spec.spec.pod_template.spec = None;
            },
            event: "FailedCreateStack",
            message: "invalid stack template: podTemplate has no containers",
        },
        Case {
            name: "ingress and routegroup ports differ",
            edit: |s| {
                s.stackset.spec.routegroup = Some(crate::api::RouteGroupSpec {
                    hosts: vec!["my-app.example.org".into()],
                    backend_port: Some(8080),
                    ..Default::default()
                });
            },
            event: "FailedManageStackSet",
            message: "backendPort for Ingress and RouteGroup does not match",
        },
        Case {
            name: "unparseable prescaling delay",
            edit: |s| {
                s.stackset.metadata.annotations = Some(
                    [
                        (ANNOTATION_PRESCALE_STACKS.to_string(), "yes".to_string()),
                        (
                            ANNOTATION_RESET_HPA_MIN_REPLICAS_DELAY.to_string(),
                            "ten minutes".to_string(),
                        ),
                    ]
                    .into(),
                );
            },
            event: "FailedManageStackSet",
            message: "invalid value \"ten minutes\" for annotation alpha.stackset-controller.zalando.org/reset-hpa-min-replicas-delay: expected a number at \"ten minutes\"",
        },
    ];
    let opts = options();
    let base = cluster(&["v1"], &[], &opts);
    for case in cases {
        let mut snapshot = base.clone();
        (case.edit)(&mut snapshot);
        let rec = reconcile(&snapshot, &opts, now());
        assert!(rec.plan.is_empty(), "{}: {}", case.name, rec.plan);
        assert_eq!(rec.errors.len(), 1, "{}", case.name);
        assert_eq!(rec.errors[0].to_string(), case.message, "{}", case.name);
        assert_eq!(
            rec.events.last().map(|e| e.reason.as_str()),
            Some(case.event),
            "{}",
            case.name
        );
    }
}

#[test]
fn a_broken_stack_stops_at_its_service_and_the_rest_goes_on() {
    // Upstream reconciles a stack's children in order (Ingress, segment,
    // RouteGroups, config refs, Deployment, HPA, Service) and stops at the
    // first failure: the steps before the Service still happen.
    let opts = options();
    let mut snapshot = cluster(&["v1", "v2"], &[], &opts);
    for s in &mut snapshot.stacks {
        if s.metadata.name.as_deref() == Some("my-app-v2") {
            if let Some(i) = s.spec.ingress.as_mut() {
                i.backend_port = Some(IntOrString::Int(9999));
            }
            s.metadata.generation = Some(2);
        }
    }
    let rec = reconcile(&snapshot, &opts, now());
    assert_eq!(
        rec.errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["stack my-app-v2: no service ports matching backendPort '9999'"]
    );
    let v2: Vec<String> = summary(&rec.plan)
        .into_iter()
        .filter(|a| a.contains("my-app-v2") && !a.starts_with("update status"))
        .collect();
    assert_eq!(
        v2,
        [
            "update Ingress my-app-v2",
            "update Ingress my-app-v2-traffic-segment",
            "update Deployment my-app-v2",
        ]
    );
    assert_eq!(
        rec.events
            .iter()
            .map(|e| e.reason.as_str())
            .collect::<Vec<_>>(),
        ["FailedManageService"]
    );
    assert!(!stack_facts_of(&rec, "v2").ready);
}

#[test]
fn a_template_whose_ports_miss_the_backend_port_still_gets_a_stack_without_service() {
    // Upstream's TestBrokenStacks: the new version's Service ports do not
    // match backendPort. The Stack, its Ingresses and its Deployment are
    // created, the Service is not, and traffic stays where it was.
    let opts = options();
    let mut snapshot = cluster(&["v1"], &[], &opts);
    snapshot.stackset.spec.stack_template.spec.version = "v2".into();
    snapshot.stackset.spec.stack_template.spec.spec.service = Some(crate::api::StackServiceSpec {
        ports: Some(vec![k8s_openapi::api::core::v1::ServicePort {
            protocol: Some("TCP".into()),
            target_port: Some(IntOrString::String("foobar".into())),
            ..Default::default()
        }]),
        ..Default::default()
    });
    let rec = reconcile(&snapshot, &opts, now());
    assert!(rec.errors.is_empty(), "{:?}", rec.errors);
    assert_eq!(
        summary(&rec.plan),
        ["create Stack my-app-v2", "update status StackSet my-app"]
    );
    snapshot.stackset.spec.traffic = Some(vec![DesiredTraffic {
        stack_name: "my-app-v2".into(),
        weight: 100.0,
    }]);
    let (after, rec) = converge(snapshot, &opts, now());
    let stacks: Vec<&str> = after.stacks.iter().map(|s| name_of(&s.metadata)).collect();
    assert_eq!(stacks, ["my-app-v1", "my-app-v2"]);
    let has = |kind: &str, name: &str| match kind {
        "Ingress" => after.ingresses.iter().any(|o| name_of(&o.metadata) == name),
        "Deployment" => after
            .deployments
            .iter()
            .any(|o| name_of(&o.metadata) == name),
        _ => after.services.iter().any(|o| name_of(&o.metadata) == name),
    };
    assert!(has("Ingress", "my-app-v2"));
    assert!(has("Ingress", "my-app-v2-traffic-segment"));
    assert!(has("Deployment", "my-app-v2"));
    assert!(!has("Service", "my-app-v2"));
    assert!(has("Service", "my-app-v1"));
    let v2 = stack_facts_of(&rec, "v2");
    assert!(!v2.ready);
    assert_eq!((v2.desired_weight, v2.actual_weight), (100, 0));
    assert_eq!(stack_facts_of(&rec, "v1").actual_weight, 100);
    assert!(
        rec.events.iter().any(|e| e.reason == "FailedManageService"),
        "{:?}",
        rec.events
    );
}

#[test]
fn a_missing_configmap_stops_the_stack_after_its_ingresses() {
    // Upstream's TestBrokenStackWithConfigMaps: the ConfigMap step comes after
    // the Ingress and segment steps, so those exist; the Deployment does not.
    let opts = Options {
        configmap_support: true,
        ..options()
    };
    let mut snapshot = Snapshot::new(stackset("v1"));
    snapshot
        .stackset
        .spec
        .stack_template
        .spec
        .spec
        .configuration_resources = Some(vec![crate::api::ConfigurationResourcesSpec {
        config_map_ref: Some(crate::api::LocalObjectReference {
            name: "my-app-v1-config".into(),
        }),
        ..Default::default()
    }]);
    let (after, rec) = converge(snapshot, &opts, now());
    let ingresses: Vec<&str> = after
        .ingresses
        .iter()
        .map(|i| name_of(&i.metadata))
        .collect();
    assert_eq!(ingresses, ["my-app-v1", "my-app-v1-traffic-segment"]);
    assert!(after.deployments.is_empty());
    assert!(after.services.is_empty());
    assert_eq!(
        rec.events.last().map(|e| e.reason.as_str()),
        Some("FailedManageConfigMapRefs")
    );
}

#[test]
fn stack_edits_rerender_children_and_foreign_annotations_are_replaced() {
    let opts = options();
    let mut snapshot = cluster(&["v1"], &[], &opts);
    for s in &mut snapshot.stacks {
        s.metadata.generation = Some(2);
    }
    let rec = reconcile(&snapshot, &opts, now());
    let kinds: Vec<String> = rec
        .plan
        .iter()
        .filter(|a| matches!(a, Action::Update { .. }))
        .map(|a| format!("{} {}", a.target().kind, a.target().name))
        .collect();
    assert_eq!(
        kinds,
        [
            "Ingress my-app-v1",
            "Ingress my-app-v1-traffic-segment",
            "Deployment my-app-v1",
            "Service my-app-v1",
        ]
    );
    for action in rec.plan.iter() {
        if let Action::Update { object, .. } = action {
            let generation = object
                .meta()
                .annotations
                .as_ref()
                .and_then(|a| a.get(ANNOTATION_STACK_GENERATION).cloned());
            assert_eq!(generation.as_deref(), Some("2"));
        }
    }
}

#[test]
fn deleted_current_stack_is_not_recreated() {
    let opts = options();
    let mut snapshot = cluster(&["v1", "v2"], &[("v1", 100.0)], &opts);
    snapshot
        .stacks
        .retain(|s| s.metadata.name.as_deref() != Some("my-app-v2"));
    let rec = reconcile(&snapshot, &opts, now());
    assert!(
        !rec.plan.requires_resnapshot(),
        "observedStackVersion blocks re-creation: {}",
        rec.plan
    );
}

#[test]
fn n_stacks_share_traffic_and_segments_tile() {
    let opts = options();
    let snapshot = cluster(
        &["v1", "v2", "v3", "v4", "v5"],
        &[("v1", 10.0), ("v2", 20.0), ("v3", 30.0), ("v5", 40.0)],
        &opts,
    );
    let mut limits: Vec<(u32, u32)> = ["v1", "v2", "v3", "v4", "v5"]
        .iter()
        .filter_map(|v| segment_of(&snapshot, &format!("my-app-{v}")))
        .filter_map(|p| crate::segments::parse_segment(&p))
        .map(|s| ((s.lo * 100.0).round() as u32, (s.hi * 100.0).round() as u32))
        .filter(|(lo, hi)| hi > lo)
        .collect();
    limits.sort();
    let mut edge = 0;
    for (lo, hi) in &limits {
        assert_eq!(*lo, edge, "segments tile without gaps: {limits:?}");
        edge = *hi;
    }
    assert_eq!(edge, 100);
}

#[test]
fn legacy_shapes_are_reported_as_warnings() {
    let opts = options();
    let mut snapshot = cluster(&["v1"], &[], &opts);
    for s in &mut snapshot.stacks {
        s.spec.ingress = Some(IngressSpec {
            hosts: vec!["$(STACK_NAME).example.org".into()],
            enabled: Some(true),
            ..IngressSpec::default()
        });
        s.spec.spec.horizontal_pod_autoscaler = Some(Default::default());
    }
    let rec = reconcile(&snapshot, &opts, now());
    assert!(rec.errors.is_empty(), "{:?}", rec.errors);
    assert_eq!(
        rec.warnings,
        [
            "stack my-app-v1 carries a pre-v1.4.12 ingress override; the StackSet's current ingress is used instead",
            "stack my-app-v1: spec.horizontalPodAutoscaler is ignored (removed upstream in v1.4.13)",
        ]
    );
    assert!(
        rec.plan.is_empty(),
        "the StackSet's ingress is what the stack already has: {}",
        rec.plan
    );
}

#[test]
fn stackset_without_routing_clears_traffic() {
    let mut opts = options();
    opts.cluster_domains.clear();
    let mut snapshot = cluster(&["v1"], &[], &opts);
    snapshot.stackset.spec.ingress = None;
    let rec = reconcile(&snapshot, &opts, now());
    assert!(!rec.traffic_managed);
    let written = rec.plan.iter().find_map(|a| match a {
        Action::WriteDesiredTraffic { stackset, .. } => Some(stackset.spec.traffic.clone()),
        _ => None,
    });
    assert_eq!(written, Some(None), "spec.traffic is removed");
    let facts = stack_facts_of(&rec, "v1");
    assert_eq!(
        (
            facts.desired_weight,
            facts.actual_weight,
            facts.no_traffic_since
        ),
        (0, 0, None)
    );
}

#[test]
fn configmap_refs_are_adopted_once() {
    use k8s_openapi::api::core::v1::ConfigMap;
    let opts = Options {
        configmap_support: true,
        ..options()
    };
    let mut snapshot = Snapshot::new(stackset("v1"));
    snapshot
        .stackset
        .spec
        .stack_template
        .spec
        .spec
        .configuration_resources = Some(vec![crate::api::ConfigurationResourcesSpec {
        config_map_ref: Some(crate::api::LocalObjectReference {
            name: "my-app-v1-config".into(),
        }),
        ..Default::default()
    }]);
    // Missing ConfigMap: the stack's children are not created.
    let (blocked, rec) = converge(snapshot.clone(), &opts, now());
    assert_eq!(
        rec.errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["stack my-app-v1: ConfigMap my-app-v1-config not found"]
    );
    assert!(blocked.deployments.is_empty());
    // Present and unowned: adopted, then left alone.
    let mut with_cm = blocked.clone();
    with_cm.config_maps.push(ConfigMap {
        metadata: ObjectMeta {
            name: Some("my-app-v1-config".into()),
            namespace: Some("default".into()),
            labels: Some([("team".to_string(), "a".to_string())].into()),
            ..Default::default()
        },
        ..Default::default()
    });
    let rec = reconcile(&with_cm, &opts, now());
    assert_eq!(updates_of(&rec.plan, Kind::ConfigMap), ["my-app-v1-config"]);
    let (done, rec) = converge(with_cm, &opts, now());
    assert!(rec.plan.is_empty());
    let cm = &done.config_maps[0];
    assert_eq!(
        cm.metadata
            .owner_references
            .as_ref()
            .map(|o| o[0].kind.clone())
            .as_deref(),
        Some("Stack")
    );
    assert_eq!(
        cm.metadata
            .labels
            .as_ref()
            .and_then(|l| l.get("team"))
            .map(String::as_str),
        Some("a")
    );
    assert_eq!(
        cm.metadata
            .labels
            .as_ref()
            .and_then(|l| l.get("stackset"))
            .map(String::as_str),
        Some("my-app")
    );
    // A wrong name prefix blocks the creation of the next stack.
    let mut bad = done.clone();
    bad.stackset.spec.stack_template.spec.version = "v2".into();
    let rec = reconcile(&bad, &opts, now());
    assert_eq!(
        rec.events.last().map(|e| e.reason.as_str()),
        Some("FailedCreateStack")
    );
    assert!(rec.plan.is_empty());
}

#[test]
fn per_stack_and_segment_ingress_shapes() {
    let mut opts = options();
    opts.sync_ingress_annotations = vec!["example.org/sync".into()];
    let mut snapshot = cluster(&["v1"], &[], &opts);
    let find = |s: &Snapshot, name: &str| {
        s.ingresses
            .iter()
            .find(|i| i.metadata.name.as_deref() == Some(name))
            .cloned()
    };
    let per_stack = find(&snapshot, "my-app-v1").unwrap_or_else(|| panic!("per-stack ingress"));
    let rules = per_stack.spec.and_then(|s| s.rules).unwrap_or_default();
    assert_eq!(
        rules
            .iter()
            .filter_map(|r| r.host.clone())
            .collect::<Vec<_>>(),
        ["my-app-v1.example.org"]
    );
    let path = rules[0]
        .http
        .as_ref()
        .map(|h| h.paths[0].clone())
        .unwrap_or_else(|| panic!("path"));
    assert_eq!(path.path_type, "ImplementationSpecific");
    let backend = path
        .backend
        .service
        .unwrap_or_else(|| panic!("service backend"));
    assert_eq!(
        (backend.name.as_str(), backend.port.and_then(|p| p.number)),
        ("my-app-v1", Some(80))
    );
    let segment = find(&snapshot, "my-app-v1-traffic-segment").unwrap_or_else(|| panic!("segment"));
    let hosts: Vec<String> = segment
        .spec
        .and_then(|s| s.rules)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|r| r.host)
        .collect();
    assert_eq!(
        hosts,
        ["my-app.example.org"],
        "segments use the public hosts"
    );

    // A synced annotation on the StackSet reaches the segment, not the per-stack ingress.
    if let Some(i) = snapshot.stackset.spec.ingress.as_mut() {
        i.metadata = Some(crate::api::AnnotationsMeta {
            annotations: Some([("example.org/sync".to_string(), "on".to_string())].into()),
            ..Default::default()
        });
    }
    let rec = reconcile(&snapshot, &opts, now());
    assert_eq!(
        updates_of(&rec.plan, Kind::Ingress),
        ["my-app-v1-traffic-segment"]
    );
    snapshot = simulate(&snapshot, &rec.plan);
    let segment = find(&snapshot, "my-app-v1-traffic-segment").unwrap_or_else(|| panic!("segment"));
    let annotations = segment.metadata.annotations.unwrap_or_default();
    assert_eq!(
        annotations.get("example.org/sync").map(String::as_str),
        Some("on")
    );
}

#[test]
fn routegroup_segments_append_the_predicate_to_every_route() {
    let opts = Options {
        routegroup_support: true,
        ..options()
    };
    let mut ss = stackset("v1");
    ss.spec.routegroup = Some(crate::api::RouteGroupSpec {
        hosts: vec!["my-app.example.org".into()],
        routes: vec![
            crate::api::RouteGroupRouteSpec {
                path_subtree: Some("/".into()),
                ..Default::default()
            },
            crate::api::RouteGroupRouteSpec {
                path: Some("/health".into()),
                predicates: Some(vec!["Method(\"GET\")".into()]),
                ..Default::default()
            },
        ],
        backend_port: Some(80),
        lb_algorithm: Some("roundRobin".into()),
        ..Default::default()
    });
    let (snapshot, rec) = converge(Snapshot::new(ss), &opts, now());
    assert!(
        rec.plan.is_empty() && rec.errors.is_empty(),
        "{} {:?}",
        rec.plan,
        rec.errors
    );
    assert!(
        stack_facts_of(&rec, "v1").ready,
        "{}",
        stack_facts_of(&rec, "v1").readiness
    );
    let rg = |name: &str| {
        snapshot
            .routegroups
            .iter()
            .find(|r| r.metadata.name.as_deref() == Some(name))
            .cloned()
    };
    let per_stack = rg("my-app-v1").unwrap_or_else(|| panic!("per-stack routegroup"));
    assert_eq!(per_stack.spec.hosts, ["my-app-v1.example.org"]);
    assert_eq!(
        per_stack.spec.backends[0].algorithm.as_deref(),
        Some("roundRobin")
    );
    assert_eq!(
        per_stack
            .spec
            .default_backends
            .as_ref()
            .map(|d| d[0].weight),
        Some(Some(100))
    );
    let segment = rg("my-app-v1-traffic-segment").unwrap_or_else(|| panic!("segment routegroup"));
    let predicates: Vec<Vec<String>> = segment
        .spec
        .routes
        .iter()
        .map(|r| r.predicates.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        predicates,
        [
            vec!["TrafficSegment(0.00, 1.00)".to_string()],
            vec![
                "Method(\"GET\")".to_string(),
                "TrafficSegment(0.00, 1.00)".to_string()
            ],
        ]
    );
}

#[test]
fn hpa_follows_the_autoscaler_and_goes_away_when_scaled_down() {
    let opts = options();
    let mut ss = stackset("v1");
    ss.spec.stack_template.spec.spec.autoscaler = Some(crate::api::Autoscaler {
        min_replicas: Some(2),
        max_replicas: 5,
        metrics: vec![crate::api::AutoscalerMetrics {
            type_: crate::api::AutoscalerMetricType::Cpu,
            average: None,
            average_utilization: Some(60),
            endpoint: None,
            queue: None,
            zmon: None,
            scaling_schedule: None,
            cluster_scaling_schedule: None,
            requests_per_second: None,
            container: None,
            extra: Default::default(),
        }],
        ..Default::default()
    });
    let mut snapshot = Snapshot::new(ss);
    snapshot = converge(snapshot, &opts, now()).0;
    assert_eq!(snapshot.hpas.len(), 1);
    let hpa = &snapshot.hpas[0];
    assert_eq!(hpa.spec.scale_target_ref.name, "my-app-v1");
    assert_eq!((hpa.spec.min_replicas, hpa.spec.max_replicas), (Some(2), 5));
    snapshot.stackset.spec.stack_template.spec.version = "v2".into();
    let mut snapshot = converge(snapshot, &opts, now()).0;
    set_traffic(&mut snapshot, &[("v2", 100.0)]);
    let snapshot = converge(snapshot, &opts, now()).0;
    let rec = reconcile(&snapshot, &opts, at(400));
    let deleted: Vec<String> = rec
        .plan
        .iter()
        .filter(|a| matches!(a, Action::Delete { target, .. } if target.kind == Kind::HorizontalPodAutoscaler))
        .map(|a| format!("{} ({})", a.target().name, a.reason()))
        .collect();
    assert_eq!(deleted, ["my-app-v1 (stack is scaled down)"]);
}

#[test]
fn external_ingress_publishes_weights_without_ingresses() {
    let mut opts = options();
    opts.cluster_domains.clear();
    let mut ss = stackset("v1");
    ss.spec.ingress = None;
    ss.spec.external_ingress = Some(crate::api::ExternalIngress {
        backend_port: IntOrString::String("http".into()),
        extra: Default::default(),
    });
    let (snapshot, rec) = converge(Snapshot::new(ss), &opts, now());
    assert!(rec.plan.is_empty(), "{}", rec.plan);
    assert!(snapshot.ingresses.is_empty());
    let traffic = snapshot
        .stackset
        .status
        .and_then(|s| s.traffic)
        .unwrap_or_default();
    assert_eq!(traffic.len(), 1);
    assert_eq!(
        (traffic[0].service_port.clone(), traffic[0].weight),
        (IntOrString::String("http".into()), 100.0)
    );
}

#[test]
fn dry_run_rendering_of_a_rollout() {
    // What `--dry-run` shows for a new StackSet, a new version, and a switch.
    let opts = options();
    let mut out = String::new();
    let mut snapshot = Snapshot::new(stackset("v1"));
    for title in ["create my-app (phase 1)", "create my-app (phase 2)"] {
        let rec = reconcile(&snapshot, &opts, now());
        out.push_str(&format!("# {title}\n{}", rec.plan));
        snapshot = simulate(&snapshot, &rec.plan);
        stamp_creation(&mut snapshot);
        settle(&mut snapshot);
    }
    let mut snapshot = cluster(&["v1", "v2"], &[], &opts);
    set_traffic(&mut snapshot, &[("v1", 75.0), ("v2", 25.0)]);
    let rec = reconcile(&snapshot, &opts, now());
    out.push_str(&format!("# switch 25% to v2\n{}", rec.plan));
    for event in rec.all_events() {
        out.push_str(&format!("event: {event}\n"));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn server_filled_ingress_fields_do_not_cause_rewrites() {
    // The DefaultIngressClass admission plugin may set ingressClassName on
    // create; the engine does not generate it and must not fight it.
    let opts = options();
    let mut snapshot = cluster(&["v1"], &[], &opts);
    for i in &mut snapshot.ingresses {
        if let Some(spec) = i.spec.as_mut() {
            spec.ingress_class_name = Some("skipper".into());
        }
    }
    let rec = reconcile(&snapshot, &opts, now());
    assert!(rec.plan.is_empty(), "{}", rec.plan);
}

fn with_pcs(mut snapshot: Snapshot, privileges: &[&str]) -> Snapshot {
    snapshot
        .stackset
        .spec
        .stack_template
        .spec
        .spec
        .configuration_resources = Some(vec![crate::api::ConfigurationResourcesSpec {
        platform_credentials_set: Some(crate::api::PlatformCredentialsSetSpec {
            name: "my-app-v1-credentials".into(),
            tokens: [(
                "token-example".to_string(),
                crate::api::PcsToken {
                    privileges: privileges.iter().map(ToString::to_string).collect(),
                },
            )]
            .into(),
        }),
        ..Default::default()
    }]);
    snapshot
}

#[test]
fn platform_credentials_sets_are_generated_with_pcs_support() {
    let opts = Options {
        pcs_support: true,
        ..options()
    };
    let (done, rec) = converge(
        with_pcs(Snapshot::new(stackset("v1")), &["read"]),
        &opts,
        now(),
    );
    assert!(rec.errors.is_empty(), "{:?}", rec.errors);
    assert!(rec.plan.is_empty(), "{}", rec.plan);
    assert_eq!(done.platform_credentials_sets.len(), 1);
    let pcs = &done.platform_credentials_sets[0];
    let stack = &done.stacks[0];
    assert_eq!(pcs.metadata.name.as_deref(), Some("my-app-v1-credentials"));
    assert_eq!(pcs.metadata.namespace.as_deref(), Some("default"));
    let owners = pcs.metadata.owner_references.clone().unwrap_or_default();
    assert_eq!(owners.len(), 1);
    assert_eq!(
        (
            owners[0].api_version.as_str(),
            owners[0].kind.as_str(),
            owners[0].name.as_str(),
            Some(owners[0].uid.as_str()),
        ),
        (
            "zalando.org/v1",
            "Stack",
            "my-app-v1",
            stack.metadata.uid.as_deref()
        )
    );
    assert_eq!(
        (owners[0].controller, owners[0].block_owner_deletion),
        (None, None)
    );
    assert_eq!(pcs.metadata.labels, stack.metadata.labels);
    assert_eq!(
        pcs.metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(ANNOTATION_STACK_GENERATION))
            .map(String::as_str),
        Some("1")
    );
    assert_eq!(pcs.spec.application, "my-app");
    assert_eq!(pcs.spec.token_version, "v2");
    assert_eq!(pcs.spec.clients, None);
    assert_eq!(pcs.spec.tokens["token-example"].privileges, ["read"]);
    let json = Object::PlatformCredentialsSet(pcs.clone())
        .to_json()
        .unwrap();
    assert_eq!(json["apiVersion"], "zalando.org/v1");
    assert_eq!(json["kind"], "PlatformCredentialsSet");
    assert_eq!(json["spec"]["token_version"], "v2");

    // A changed token list on the Stack is written back to the same object.
    let mut edited = done;
    let template = with_pcs(Snapshot::new(stackset("v1")), &["read", "write"]);
    edited.stacks[0].spec.spec.configuration_resources = template
        .stackset
        .spec
        .stack_template
        .spec
        .spec
        .configuration_resources;
    edited.stacks[0].metadata.generation = Some(2);
    let rec = reconcile(&edited, &opts, now());
    assert_eq!(
        updates_of(&rec.plan, Kind::PlatformCredentialsSet),
        ["my-app-v1-credentials"]
    );
    let reasons: Vec<String> = rec
        .plan
        .iter()
        .filter_map(|a| match a {
            Action::Update {
                event: Some(e),
                object,
                ..
            } if object.kind() == Kind::PlatformCredentialsSet => Some(e.reason.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(reasons, ["UpdatedPlatformCredentialsSet"]);
}

#[test]
fn platform_credentials_sets_need_pcs_support_and_an_application_label() {
    // Without the switch nothing is generated (and the view warns).
    let (done, rec) = converge(
        with_pcs(Snapshot::new(stackset("v1")), &["read"]),
        &options(),
        now(),
    );
    assert!(done.platform_credentials_sets.is_empty());
    assert!(
        rec.warnings
            .iter()
            .any(|w| w.contains("platformCredentialsSet")),
        "{:?}",
        rec.warnings
    );

    // A stack without the `application` label fails at that step, before
    // its Deployment, like upstream.
    let opts = Options {
        pcs_support: true,
        ..options()
    };
    let mut snapshot = with_pcs(Snapshot::new(stackset("v1")), &["read"]);
    snapshot.stackset.metadata.labels = None;
    let (done, rec) = converge(snapshot, &opts, now());
    assert!(done.platform_credentials_sets.is_empty());
    assert!(done.deployments.is_empty());
    assert_eq!(
        rec.events.last().map(|e| e.reason.as_str()),
        Some("FailedManagePlatformCredentialsSet")
    );
}

/// Upstream abbreviates the HPA in its event reasons and messages
/// (`CreatedHPA`, "Created HPA my-app-v1"); found by the differential tests.
#[test]
fn hpa_events_use_upstreams_reason() {
    let mut ss = stackset("v1");
    ss.spec.stack_template.spec.spec.autoscaler = Some(
        serde_json::from_value(serde_json::json!({
            "minReplicas": 1, "maxReplicas": 3,
            "metrics": [{"type": "CPU", "averageUtilization": 50}]
        }))
        .unwrap(),
    );
    let snapshot = Snapshot::new(ss);
    let rec = reconcile(&snapshot, &options(), now());
    let snapshot = simulate(&snapshot, &rec.plan);
    let rec = reconcile(&snapshot, &options(), now());
    let hpa = rec
        .plan
        .iter()
        .find_map(|a| match a {
            Action::Create { object, event, .. }
                if matches!(object.as_ref(), Object::HorizontalPodAutoscaler(_)) =>
            {
                event.clone()
            }
            _ => None,
        })
        .expect("an HPA is created with an event");
    assert_eq!(
        (hpa.reason.as_str(), hpa.message.as_str()),
        ("CreatedHPA", "Created HPA my-app-v1")
    );
}

/// v1.4.62 reports the central Ingress on the StackSet (`CreatedIngress`,
/// then `UpdatedIngress` when the weights change); found by the differential
/// tests against the real v1.4.62.
#[test]
fn backend_weights_mode_reports_the_central_ingress_on_the_stackset() {
    let opts = Options {
        traffic_mechanism: Some(TrafficMechanism::BackendWeights),
        ..options()
    };
    let events_for = |snapshot: &Snapshot| -> Vec<(String, String, String)> {
        reconcile(snapshot, &opts, now())
            .plan
            .iter()
            .filter_map(|a| match a {
                Action::Create { object, event, .. } | Action::Update { object, event, .. }
                    if object.as_ref().kind() == Kind::Ingress =>
                {
                    event.clone()
                }
                _ => None,
            })
            .filter(|e| e.involved.kind == Kind::StackSet)
            .map(|e| {
                (
                    e.involved.name.clone(),
                    e.reason.to_string(),
                    e.message.clone(),
                )
            })
            .collect()
    };
    let mut snapshot = cluster(&["v1", "v2"], &[("v1", 90.0), ("v2", 10.0)], &opts);
    snapshot
        .ingresses
        .retain(|i| i.metadata.name.as_deref() != Some("my-app"));
    assert_eq!(
        events_for(&snapshot),
        [(
            "my-app".to_string(),
            "CreatedIngress".to_string(),
            "Created Ingress my-app".to_string()
        )]
    );
}

/// A stack whose containers have no ports gets a Service without ports,
/// which the API server refuses (upstream still sends it); the StackSet
/// status must not count that stack as ready. Found by the differential tests.
#[test]
fn a_stack_whose_service_has_no_ports_is_not_counted_ready() {
    let mut ss = stackset("v1");
    ss.spec.ingress = None;
    for c in &mut ss
        .spec
        .stack_template
        .spec
        .spec
        .pod_template
        .spec
        .as_mut()
        .unwrap()
        .containers
    {
        c.ports = None;
    }
    let snapshot = Snapshot::new(ss);
    let rec = reconcile(&snapshot, &options(), now());
    let snapshot = simulate(&snapshot, &rec.plan);
    let rec = reconcile(&snapshot, &options(), now());
    assert!(
        rec.plan
            .iter()
            .any(|a| matches!(a, Action::Create { object, .. }
            if matches!(object.as_ref(), Object::Service(_)))),
        "the Service is still sent, as upstream sends it: {}",
        rec.plan
    );
    let status = rec.stackset_status.clone().unwrap_or_default();
    assert_eq!((status.stacks, status.ready_stacks), (1, 0));
}

/// What a controller relies on to skip a StackSet it has reconciled to a
/// no-op: with nothing changed, every reconcile before `next_due` is a no-op
/// too, and the one at `next_due` is not.
#[test]
fn a_no_op_stays_a_no_op_until_the_next_due_moment() {
    use crate::api::constants::{
        ANNOTATION_PRESCALE_STACKS, ANNOTATION_RESET_HPA_MIN_REPLICAS_DELAY,
    };
    use crate::lifecycle::next_due;
    let opts = options();
    let check = |snapshot: &Snapshot, want_due: i64| {
        let rec = reconcile(snapshot, &opts, now());
        assert!(rec.plan.is_empty(), "not converged: {}", rec.plan);
        let due = next_due(&rec, &snapshot.stackset);
        assert_eq!(due, Some(at(want_due)));
        for t in [1, want_due / 2, want_due - 1] {
            let later = reconcile(snapshot, &opts, at(t));
            assert!(later.plan.is_empty(), "at +{t}s: {}", later.plan);
        }
        let then = reconcile(snapshot, &opts, at(want_due));
        assert!(!then.plan.is_empty(), "nothing happened at the due moment");
    };
    // Simple switch: v1 waits for its TTL (300 s by default).
    let plain = cluster(&["v1", "v2"], &[("v2", 100.0)], &opts);
    check(&plain, 301);

    // Prescaling: v2's prescale hold ends 61 s after its last increase,
    // before v1's TTL.
    let mut pre = cluster(&["v1", "v2"], &[("v1", 100.0)], &opts);
    let annotations = pre.stackset.metadata.annotations.get_or_insert_default();
    annotations.insert(ANNOTATION_PRESCALE_STACKS.into(), "true".into());
    annotations.insert(ANNOTATION_RESET_HPA_MIN_REPLICAS_DELAY.into(), "60s".into());
    set_traffic(&mut pre, &[("v2", 100.0)]);
    let (pre, _) = crate::testing::converge(pre, &opts, now());
    check(&pre, 61);
}

#[test]
fn effective_weights_of_a_stackset_ignore_unknown_stacks_and_fall_back() {
    let snap = cluster(&["v1", "v2"], &[("v1", 1.0), ("v2", 2.0)], &options());
    let rec = reconcile(&snap, &options(), now());
    let candidates: Vec<_> = rec
        .stacks
        .iter()
        .map(StackFacts::fallback_candidate)
        .collect();
    let mut ss = snap.stackset.clone();
    ss.spec.traffic = Some(vec![
        DesiredTraffic {
            stack_name: "my-app-v1".into(),
            weight: 1.0,
        },
        DesiredTraffic {
            stack_name: "my-app-v2".into(),
            weight: 2.0,
        },
        DesiredTraffic {
            stack_name: "gone".into(),
            weight: 97.0,
        },
    ]);
    let w = desired_weights(&ss, &candidates);
    assert_eq!(w.get("my-app-v1"), Some(&33));
    assert_eq!(w.get("my-app-v2"), Some(&67));
    assert!(!w.contains_key("gone"));
    // They are the weights reconcile itself decides.
    assert_eq!(
        actual_weights(&snap.stackset, &candidates),
        rec.stacks
            .iter()
            .map(|s| (s.name.clone(), s.previous_actual_weight))
            .collect::<Weights>()
    );
    // No desired weight at all: the fallback stack (the newest) gets 100.
    ss.spec.traffic = None;
    let w = desired_weights(&ss, &candidates);
    assert_eq!(w.values().sum::<u32>(), 100);
    assert_eq!(w.values().filter(|v| **v == 100).count(), 1);
}
