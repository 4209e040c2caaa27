//! What the differential test (tests/integration/differential.rs) reads and
//! decides without a cluster: its scenario files (format in
//! tests/differential/README.md) and the rule that leaves out the events of an
//! object on which upstream spent client-go's spam-filter budget. Here, so
//! that `tests/cli` tests them without a cluster.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use super::repo_root;

/// One namespace as the comparison sees it: `Kind/name` → normalised object,
/// plus `Event/<type> <Kind>/<name> <reason>` entries for the controllers' events.
pub type State = BTreeMap<String, Value>;

// ---------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------

/// Which upstream release manages namespace `up`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// v1.4.131: per-stack Ingresses/RouteGroups with TrafficSegment.
    Current,
    /// v1.4.62: the central Ingress/RouteGroup with zalando.org/backend-weights.
    Legacy,
}

#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub flavour: Flavour,
    pub stackset: Value,
    /// Objects created in each namespace before the StackSet (ConfigMaps, Secrets).
    pub setup: Vec<Value>,
    pub steps: Vec<Step>,
    /// Kinds (by name) that are not compared in this scenario, with a reason in the file.
    pub skip_kinds: BTreeSet<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Step {
    pub description: String,
    /// Objects to create in each namespace.
    pub create: Vec<Value>,
    /// A JSON merge patch on the StackSet.
    pub patch: Option<Value>,
    /// Shorthand for `patch: {spec: {traffic: [...]}}`.
    pub traffic: Option<BTreeMap<String, f64>>,
    /// Merge patches on other objects (`Kind/name` → patch), e.g. scaling a Stack.
    pub patch_objects: Vec<((String, String), Value)>,
    /// `Kind/name` objects to delete in each namespace (after create and patch).
    pub delete: Vec<(String, String)>,
    /// Time that passes before the step is checked (for TTLs).
    pub wait: Option<Duration>,
    pub expect: Expect,
}

/// What must hold in every namespace once a step has converged.
#[derive(Debug, Clone, Default)]
pub struct Expect {
    /// The exact set of Stack names.
    pub stacks: Option<BTreeSet<String>>,
    /// Actual weights from the StackSet's status (`status.traffic`).
    pub traffic: Option<BTreeMap<String, f64>>,
    /// `Kind/name` objects that must exist / must not exist.
    pub exists: Vec<(String, String)>,
    pub absent: Vec<(String, String)>,
    /// `Deployment/name` → spec.replicas.
    pub replicas: BTreeMap<String, i64>,
}

fn parse_duration(s: &str) -> Duration {
    let s = s.trim();
    if let Some(ms) = s.strip_suffix("ms") {
        return Duration::from_millis(ms.parse().expect("duration in ms"));
    }
    if let Some(secs) = s.strip_suffix('s') {
        return Duration::from_secs_f64(secs.parse().expect("duration in s"));
    }
    panic!("duration '{s}': write it as 500ms or 8s")
}

fn kind_name(v: &Value) -> (String, String) {
    let s = v.as_str().expect("Kind/name");
    let (k, n) = s
        .split_once('/')
        .unwrap_or_else(|| panic!("'{s}' is not Kind/name"));
    (k.to_string(), n.to_string())
}

fn kind_names(v: Option<&Value>) -> Vec<(String, String)> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().map(kind_name).collect())
        .unwrap_or_default()
}

fn weights(v: Option<&Value>) -> Option<BTreeMap<String, f64>> {
    v.map(|m| {
        m.as_object()
            .expect("a map of name: weight")
            .iter()
            .map(|(k, w)| (k.clone(), w.as_f64().expect("a number")))
            .collect()
    })
}

fn parse_expect(v: Option<&Value>) -> Expect {
    let Some(v) = v else {
        return Expect::default();
    };
    let known = ["stacks", "traffic", "exists", "absent", "replicas"];
    for k in v.as_object().expect("expect: a map").keys() {
        assert!(known.contains(&k.as_str()), "expect: unknown key '{k}'");
    }
    Expect {
        stacks: v.get("stacks").map(|s| {
            s.as_array()
                .expect("expect.stacks: a list")
                .iter()
                .map(|n| n.as_str().expect("a stack name").to_string())
                .collect()
        }),
        traffic: weights(v.get("traffic")),
        exists: kind_names(v.get("exists")),
        absent: kind_names(v.get("absent")),
        replicas: v
            .get("replicas")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, r)| (k.clone(), r.as_i64().expect("replicas: a number")))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn parse_step(v: &Value) -> Step {
    let known = [
        "description",
        "create",
        "patch",
        "traffic",
        "patchObjects",
        "delete",
        "wait",
        "expect",
    ];
    for k in v.as_object().expect("a step is a map").keys() {
        assert!(known.contains(&k.as_str()), "step: unknown key '{k}'");
    }
    Step {
        description: v
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        create: v
            .get("create")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        patch: v.get("patch").cloned(),
        traffic: weights(v.get("traffic")),
        patch_objects: v
            .get("patchObjects")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|p| (kind_name(&p["target"]), p["patch"].clone()))
                    .collect()
            })
            .unwrap_or_default(),
        delete: kind_names(v.get("delete")),
        wait: v
            .get("wait")
            .map(|w| parse_duration(w.as_str().expect("wait: a duration"))),
        expect: parse_expect(v.get("expect")),
    }
}

pub fn load_scenario(path: &Path) -> Scenario {
    let text = std::fs::read_to_string(path).expect("read scenario");
    let v: Value = serde_saphyr::from_str(&text)
        .unwrap_or_else(|e| panic!("{}: not valid YAML: {e}", path.display()));
    let name = path.file_stem().unwrap().to_string_lossy().to_string();
    let known = [
        "description",
        "controller",
        "stackset",
        "setup",
        "steps",
        "skipKinds",
    ];
    for k in v.as_object().expect("a scenario is a map").keys() {
        assert!(
            known.contains(&k.as_str()),
            "{}: unknown key '{k}'",
            path.display()
        );
    }
    let flavour = match v.get("controller").and_then(Value::as_str) {
        None | Some("current") => Flavour::Current,
        Some("legacy") => Flavour::Legacy,
        Some(other) => panic!(
            "{}: controller '{other}': current or legacy",
            path.display()
        ),
    };
    Scenario {
        name,
        description: v
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        flavour,
        stackset: v.get("stackset").cloned().expect("scenario: stackset"),
        setup: v
            .get("setup")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        steps: v
            .get("steps")
            .and_then(Value::as_array)
            .map(|s| s.iter().map(parse_step).collect())
            .unwrap_or_default(),
        skip_kinds: v
            .get("skipKinds")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default(),
    }
}

pub fn scenario_dir() -> PathBuf {
    repo_root().join("tests/differential/scenarios")
}

pub fn load_corpus() -> Vec<Scenario> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(scenario_dir())
        .expect("tests/differential/scenarios")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths.iter().map(|p| load_scenario(p)).collect()
}

/// Whether a controller's event reports the timing of one request rather
/// than a decision, and so is left out of the comparison on every side:
/// - a lost optimistic-concurrency race (409 "the object has been modified");
/// - a status write that raced a deletion (`FailedUpdate*: ... not found`):
///   upstream, a moment behind, writes the status of a Stack just deleted;
/// - a request the API server, the proxy or the client gave up on (deadline,
///   time-out, dropped connection, throttled past its deadline), which only
///   a loaded machine produces.
///
/// Decisions that fail on the API's answer (AlreadyExists on an object the
/// stack does not own, a Service refused for having no ports) still count.
pub fn event_is_timing(reason: &str, message: &str) -> bool {
    const GAVE_UP: &[&str] = &[
        "context deadline exceeded",
        "context canceled",
        "Client.Timeout exceeded",
        "the server was unable to return a response in the time allotted",
        "Timeout: request did not complete",
        "i/o timeout",
        "connection refused",
        "connection reset by peer",
        "http2: client connection lost",
        "unexpected EOF",
        "would exceed context deadline",
    ];
    message.contains("the object has been modified")
        || (reason.starts_with("FailedUpdate")
            && message.trim_end_matches('"').ends_with("not found"))
        || GAVE_UP.iter().any(|g| message.contains(g))
}

/// client-go's event recorder (upstream's) drops an object's events once it
/// has recorded 25 on it (`EventSourceObjectSpamFilter`'s burst), and lets
/// one more through every 30 s (upstream's pkg/recorder sets QPS 1/30). Upstream slowed by a busy machine loses
/// optimistic-concurrency races and reports each one as an event, so it can
/// spend that budget before the events a scenario checks. Where it did, what
/// it then emitted on that object is unknowable from the API.
pub const SPAM_FILTER_BURST: i64 = 25;
pub const SPAM_FILTERED: &str = "EventsSpamFiltered/";

/// Removes the events of every object on which upstream (`states[0]`) spent
/// client-go's spam-filter budget, from every side, and the markers; returns
/// those objects with upstream's count.
pub fn drop_spam_filtered_events(states: &mut [State]) -> Vec<String> {
    let Some(upstream) = states.first() else {
        return Vec::new();
    };
    let objects: Vec<(String, Value)> = upstream
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix(SPAM_FILTERED)?.to_string(), v.clone())))
        .collect();
    for s in states.iter_mut() {
        s.retain(|k, _| {
            !k.starts_with(SPAM_FILTERED)
                && !objects.iter().any(|(o, _)| {
                    k.starts_with("Event/") && k.split_whitespace().nth(1) == Some(o.as_str())
                })
        });
    }
    objects
        .into_iter()
        .map(|(o, n)| format!("{o} ({n} events)"))
        .collect()
}
