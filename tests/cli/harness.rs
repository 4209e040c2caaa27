//! The cluster tests' own harness, checked without a cluster: the
//! differential test's scenario files and its event rule
//! (`common::scenario`), and the reading of upstream's `go test` log
//! (`common::gotest`).

use serde_json::Value;

use crate::common::gotest::{Outcome, parse_results};
use crate::common::scenario::{
    Flavour, State, drop_spam_filtered_events, event_is_timing, load_corpus,
};

/// Events are compared unless upstream spent its spam-filter budget on the
/// object; then that object's events are left out on every side, and only
/// that object's.
#[test]
fn events_beyond_upstreams_spam_filter_budget_are_not_compared() {
    let ev = |k: &str| (k.to_string(), Value::Bool(true));
    let upstream: State = [
        ev("Event/Normal StackSet/rg CreatedStack"),
        ev("Event/Normal Stack/rg-v1 CreatedDeployment"),
        (
            "EventsSpamFiltered/StackSet/rg".to_string(),
            Value::from(26),
        ),
    ]
    .into();
    let ours: State = [
        ev("Event/Normal StackSet/rg CreatedStack"),
        ev("Event/Normal StackSet/rg UpdatedRouteGroup"),
        ev("Event/Normal Stack/rg-v1 CreatedDeployment"),
    ]
    .into();
    let mut states = vec![upstream, ours.clone()];
    let noted = drop_spam_filtered_events(&mut states);
    assert_eq!(noted, vec!["StackSet/rg (26 events)".to_string()]);
    assert_eq!(states[0], states[1]);
    assert_eq!(
        states[0].keys().collect::<Vec<_>>(),
        vec!["Event/Normal Stack/rg-v1 CreatedDeployment"]
    );
    // Under the budget nothing is dropped, and a missing event is a difference.
    let mut states = vec![[ev("Event/Normal StackSet/rg CreatedStack")].into(), ours];
    assert!(drop_spam_filtered_events(&mut states).is_empty());
    assert_ne!(states[0], states[1]);
}

/// Events that report a request's timing are not compared; events that
/// report a decision, even one the API refused, are.
#[test]
fn events_that_report_timing_are_told_from_decisions() {
    let timing = [
        (
            "FailedManageDeployment",
            "Operation cannot be fulfilled on deployments.apps \"a-v1\": the object has been modified; please apply your changes to the latest version and try again",
        ),
        (
            "FailedUpdateStackStatus",
            "stacks.zalando.org \"app-v1\" not found",
        ),
        (
            "FailedManageIngress",
            "Put \"http://127.0.0.1:1/apis\": context deadline exceeded",
        ),
        (
            "FailedManageService",
            "the server was unable to return a response in the time allotted, but may still be processing the request",
        ),
    ];
    for (reason, message) in timing {
        assert!(event_is_timing(reason, message), "{reason}: {message}");
    }
    let decisions = [
        (
            "FailedManageService",
            "Service \"worker-v1\" is invalid: spec.ports: Required value",
        ),
        (
            "FailedManagePlatformCredentialsSet",
            "platformcredentialssets.zalando.org \"creds\" already exists",
        ),
        // Not found while creating: a missing ConfigMap is the user's.
        (
            "FailedManageDeployment",
            "configmaps \"app-config\" not found",
        ),
    ];
    for (reason, message) in decisions {
        assert!(!event_is_timing(reason, message), "{reason}: {message}");
    }
}

/// Every scenario file parses and names only known kinds and keys.
#[test]
fn corpus_parses() {
    let corpus = load_corpus();
    assert!(
        corpus.len() >= 20,
        "the corpus has {} scenarios; it must cover stackset-behaviour.md with at least 20",
        corpus.len()
    );
    for s in &corpus {
        assert!(!s.description.is_empty(), "{}: no description", s.name);
        assert!(
            !s.steps.is_empty() || s.flavour == Flavour::Current,
            "{}",
            s.name
        );
    }
}

#[test]
fn parse_results_reads_top_level_verdicts_only() {
    let output = "=== RUN   TestA\n--- PASS: TestA (1.00s)\n--- FAIL: TestB (2.00s)\n    --- FAIL: TestB/sub (0.10s)\n--- SKIP: TestC (0.00s)\nFAIL\n";
    let got = parse_results(output);
    assert_eq!(
        got.into_iter().collect::<Vec<_>>(),
        [
            ("TestA".to_string(), Outcome::Pass),
            ("TestB".to_string(), Outcome::Fail),
            ("TestC".to_string(), Outcome::Skip),
        ]
    );
}
