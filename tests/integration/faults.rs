//! The mechanisms ARCHITECTURE.md promises for a misbehaving API server,
//! each proven on the real control plane through the fault proxy
//! (`support::faults`), issue #15: retries of 429/5xx/broken connections with
//! backoff, the restart of a pass on a conflict, the status re-read on a
//! conflict, and the switch of traffic mechanism without a moment in which a
//! host has no route.

use std::collections::BTreeMap;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::jiff::Timestamp;
use kube::Client;
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams, WatchEvent, WatchParams};
use kubectl_stackset::cluster::execute::ExecOptions;
use kubectl_stackset::cluster::reconcile::{Settings, reconcile_one};
use kubectl_stackset::cluster::retry::ATTEMPTS;
use serde_json::{Value, json};
use stackset_core::Options;
use stackset_core::api::StackSet;
use stackset_core::api::constants::{
    ANNOTATION_BACKEND_WEIGHTS, ANNOTATION_SKIPPER_PREDICATE, ANNOTATION_TRAFFIC_MECHANISM,
    SEGMENT_SUFFIX,
};
use stackset_core::segments::parse_segment;

use crate::controller::Ctl;
use crate::need_cluster;
use crate::support::faults::{Fault, FaultProxy, Hook, Outcome, Seen, Target};
use crate::support::{TestCluster, eventually};

pub const OURS: &str = "kubectl-stackset";

/// A StackSet managed client-side by `id`, one replica, on `<name>.example.org`.
pub fn app(name: &str, version: &str, id: &str, mechanism: &str) -> Value {
    json!({
        "apiVersion": "zalando.org/v1",
        "kind": "StackSet",
        "metadata": {"name": name, "annotations": {
            "stackset-controller.zalando.org/controller": id,
            ANNOTATION_TRAFFIC_MECHANISM: mechanism,
        }},
        "spec": {
            "ingress": {"hosts": [format!("{name}.example.org")], "backendPort": 80},
            "stackLifecycle": {"scaledownTTLSeconds": 300, "limit": 3},
            "stackTemplate": {"spec": {
                "version": version,
                "replicas": 1,
                "podTemplate": {"spec": {"containers": [{
                    "name": "app", "image": format!("example/{name}:{version}"),
                    "ports": [{"containerPort": 80, "name": "http"}]
                }]}}
            }}
        }
    })
}

pub async fn create(client: &Client, ns: &str, obj: &Value) -> StackSet {
    let api: Api<StackSet> = Api::namespaced(client.clone(), ns);
    let ss: StackSet = serde_json::from_value(obj.clone()).expect("stackset fixture");
    api.create(&PostParams::default(), &ss)
        .await
        .expect("create stackset")
}

pub fn settings(id: &str) -> Settings {
    Settings {
        options: Options::default(),
        controller_id: id.into(),
        claim: false,
        exec: ExecOptions {
            server_dry_run: false,
            events: false,
        },
    }
}

/// The finished run of a command.
#[derive(Debug)]
pub struct Ran {
    /// None: killed at the deadline (it hung).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub took: Duration,
}

/// Runs `cmd`, killing it if it is still running after `deadline`.
pub fn run_until(mut cmd: Command, deadline: Duration) -> Ran {
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn kubectl-stackset");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let o = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let e = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let code = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status.code().unwrap_or(-1));
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Ran {
        code,
        stdout: o.join().unwrap(),
        stderr: e.join().unwrap(),
        took: start.elapsed(),
    }
}

/// The CLI, talking to the API server through the proxy.
pub fn via(proxy: &FaultProxy, cluster: &TestCluster, ns: &str) -> Command {
    via_kubeconfig(&proxy.kubeconfig, cluster, ns)
}

/// The CLI, with this kubeconfig (the fault proxy's or Toxiproxy's).
pub fn via_kubeconfig(kubeconfig: &std::path::Path, cluster: &TestCluster, ns: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kubectl-stackset"));
    cmd.arg("--kubeconfig")
        .arg(kubeconfig)
        .args(["-n", ns, "--color", "never"]);
    if let Some(ctx) = cluster.admin_context() {
        cmd.args(["--context", &ctx]);
    }
    cmd.env_remove("KUBECONFIG");
    cmd
}

/// Runs the CLI through the proxy with these arguments, off the async
/// runtime, and gives it 60 s.
pub async fn run_via(proxy: &FaultProxy, cluster: &TestCluster, ns: &str, args: &[&str]) -> Ran {
    let mut cmd = via(proxy, cluster, ns);
    cmd.args(args);
    tokio::task::spawn_blocking(move || run_until(cmd, Duration::from_secs(60)))
        .await
        .unwrap()
}

fn is_stackset_path(s: &Seen, ns: &str, name: &str) -> bool {
    s.path
        .split('?')
        .next()
        .is_some_and(|p| p.ends_with(&format!("/namespaces/{ns}/stacksets/{name}")))
}

fn is_list_of(s: &Seen, ns: &str, plural: &str) -> bool {
    s.method == "GET"
        && s.path
            .split('?')
            .next()
            .is_some_and(|p| p.ends_with(&format!("/namespaces/{ns}/{plural}")))
}

/// Reconciles in-process until every Deployment of the StackSet is ready and
/// a pass has nothing left to do.
pub async fn converge(client: &Client, ns: &str, name: &str, id: &str) {
    let deps: Api<Deployment> = Api::namespaced(client.clone(), ns);
    eventually(
        &format!("{ns}/{name} converged"),
        Duration::from_secs(90),
        || async {
            let o = reconcile_one(client, ns, name, &settings(id), Timestamp::now())
                .await
                .ok()?;
            let all_ready = deps
                .list(&ListParams::default())
                .await
                .ok()?
                .items
                .iter()
                .all(|d| {
                    d.status
                        .as_ref()
                        .and_then(|s| s.ready_replicas)
                        .unwrap_or(0)
                        >= d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
                });
            (all_ready && o.executed.is_empty() && o.reconciliation.is_converged()).then_some(())
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_503_burst_that_ends_is_retried_and_the_command_succeeds() {
    let cluster = need_cluster!("a_503_burst_that_ends_is_retried_and_the_command_succeeds");
    let ns = cluster.namespace("faults-retry").await;
    let client = cluster.client().await;
    create(&client, &ns.name, &app("app", "v1", OURS, "segments")).await;
    let proxy = FaultProxy::start(cluster, 1);

    // The first three requests get a 503; the fourth attempt of the same
    // request gets through, and the command finishes its work.
    proxy.burst(Fault::Unavailable, 3, Target::All);
    let ran = run_via(&proxy, cluster, &ns.name, &["reconcile", "app"]).await;
    assert_eq!(ran.code, Some(0), "{ran:?}");
    let seen = proxy.seen();
    assert!(
        seen[..3]
            .iter()
            .all(|s| s.outcome == Outcome::Injected(Fault::Unavailable)),
        "{seen:#?}"
    );
    assert_eq!(seen[3].outcome, Outcome::Forwarded(200), "{seen:#?}");
    assert!(
        seen[..4].iter().all(|s| s.path == seen[0].path),
        "the same request was retried: {seen:#?}"
    );
    let stacks: Api<stackset_core::api::Stack> = Api::namespaced(client.clone(), &ns.name);
    assert!(stacks.get_opt("app-v1").await.unwrap().is_some());

    // Throttling of writes: 429 with Retry-After, twice, on the first write.
    proxy.clear();
    create(&client, &ns.name, &app("other", "v1", OURS, "segments")).await;
    proxy.burst(Fault::TooManyRequests, 2, Target::Writes);
    let ran = run_via(&proxy, cluster, &ns.name, &["reconcile", "other"]).await;
    assert_eq!(ran.code, Some(0), "{ran:?}");
    let writes: Vec<Seen> = proxy.seen().into_iter().filter(Seen::is_write).collect();
    assert_eq!(writes[0].outcome, Outcome::Injected(Fault::TooManyRequests));
    assert_eq!(writes[1].outcome, Outcome::Injected(Fault::TooManyRequests));
    assert_eq!(writes[2].path, writes[0].path, "{writes:#?}");
    // Retry-After: 1 is honoured (our own backoff would wait 200 ms).
    let waited = writes[1].at - writes[0].at;
    assert!(waited >= Duration::from_millis(950), "{waited:?}");
    assert!(
        matches!(writes[2].outcome, Outcome::Forwarded(c) if c < 300),
        "{writes:#?}"
    );

    // A burst that does not end within the retries: a one-line error naming
    // the fault, exit 1, after exactly the promised number of attempts.
    proxy.clear();
    proxy.burst(Fault::Unavailable, 1000, Target::All);
    let ran = run_via(&proxy, cluster, &ns.name, &["reconcile", "app"]).await;
    proxy.heal();
    assert_eq!(ran.code, Some(1), "{ran:?}");
    let first = ran.stderr.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("error: cannot get stacksets.zalando.org \"app\"")
            && first.contains("503"),
        "{}",
        ran.stderr
    );
    assert!(!ran.stderr.contains("panicked"), "{}", ran.stderr);
    assert_eq!(
        proxy.seen().len(),
        kubectl_stackset::cluster::retry::ATTEMPTS as usize,
        "attempts on the wire"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_concurrent_writer_between_read_and_write_restarts_the_pass_and_nothing_is_lost() {
    let cluster = need_cluster!(
        "a_concurrent_writer_between_read_and_write_restarts_the_pass_and_nothing_is_lost"
    );
    let ns = cluster.namespace("faults-conflict").await;
    let client = cluster.client().await;
    create(&client, &ns.name, &app("app", "v1", OURS, "segments")).await;
    let proxy = FaultProxy::start(cluster, 2);

    // Right before our first full update of the StackSet (the spec.traffic
    // write-back), someone else labels it: our write carries the old
    // resourceVersion and gets a 409.
    let namespace = ns.name.clone();
    proxy.hook(Hook {
        method: "PUT",
        path_suffix: format!("/namespaces/{}/stacksets/app", ns.name),
        action: Box::new(move || {
            Box::pin(async move {
                let api: Api<StackSet> = Api::namespaced(cluster.client().await, &namespace);
                api.patch(
                    "app",
                    &PatchParams::default(),
                    &Patch::Merge(json!({"metadata": {"labels": {"team": "checkout"}}})),
                )
                .await
                .expect("the concurrent write");
            })
        }),
    });
    let ran = run_via(&proxy, cluster, &ns.name, &["reconcile", "app"]).await;
    assert_eq!(ran.code, Some(0), "{ran:?}");

    let seen = proxy.seen();
    let puts: Vec<(usize, &Seen)> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| s.method == "PUT" && is_stackset_path(s, &ns.name, "app"))
        .collect();
    assert_eq!(puts[0].1.outcome, Outcome::Forwarded(409), "{seen:#?}");
    let conflict = puts[0].0;
    // The pass started again from a fresh read: the StackSet and the
    // namespace's Stacks are read again after the conflict, then written.
    let reread = seen[conflict..]
        .iter()
        .position(|s| s.method == "GET" && is_stackset_path(s, &ns.name, "app"))
        .expect("the StackSet read again")
        + conflict;
    assert!(
        seen[reread..]
            .iter()
            .any(|s| is_list_of(s, &ns.name, "stacks")),
        "a fresh snapshot: {seen:#?}"
    );
    assert!(
        puts.iter()
            .any(|(i, s)| *i > reread && s.outcome == Outcome::Forwarded(200)),
        "{seen:#?}"
    );
    // Both writes are there: the concurrent label and our spec.traffic.
    let ss: Value = serde_json::to_value(
        Api::<StackSet>::namespaced(client.clone(), &ns.name)
            .get("app")
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(ss["metadata"]["labels"]["team"], "checkout", "{ss:#}");
    assert_eq!(
        ss["spec"]["traffic"],
        json!([{"stackName": "app-v1", "weight": 100.0}]),
        "{ss:#}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_conflicting_status_write_reads_the_object_again_and_writes_the_same_status() {
    let cluster = need_cluster!(
        "a_conflicting_status_write_reads_the_object_again_and_writes_the_same_status"
    );
    let ns = cluster.namespace("faults-status").await;
    let client = cluster.client().await;
    create(&client, &ns.name, &app("app", "v1", OURS, "segments")).await;
    let proxy = FaultProxy::start(cluster, 3);
    let namespace = ns.name.clone();
    proxy.hook(Hook {
        method: "PUT",
        path_suffix: format!("/namespaces/{}/stacksets/app/status", ns.name),
        action: Box::new(move || {
            Box::pin(async move {
                let api: Api<StackSet> = Api::namespaced(cluster.client().await, &namespace);
                api.patch(
                    "app",
                    &PatchParams::default(),
                    &Patch::Merge(json!({"metadata": {"annotations": {"note": "concurrent"}}})),
                )
                .await
                .expect("the concurrent write");
            })
        }),
    });
    let ran = run_via(&proxy, cluster, &ns.name, &["reconcile", "app"]).await;
    assert_eq!(ran.code, Some(0), "{ran:?}");

    let seen = proxy.seen();
    let status_path = |s: &Seen| {
        s.method == "PUT"
            && s.path
                .split('?')
                .next()
                .is_some_and(|p| p.ends_with(&format!("/{}/stacksets/app/status", ns.name)))
    };
    let conflict = seen.iter().position(status_path).expect("a status write");
    assert_eq!(seen[conflict].outcome, Outcome::Forwarded(409), "{seen:#?}");
    // The very next requests: read the StackSet again, write the status on
    // top. No new snapshot (no LIST) in between: the pass goes on.
    assert!(
        seen[conflict + 1].method == "GET"
            && is_stackset_path(&seen[conflict + 1], &ns.name, "app"),
        "{seen:#?}"
    );
    assert!(status_path(&seen[conflict + 2]), "{seen:#?}");
    assert_eq!(seen[conflict + 2].outcome, Outcome::Forwarded(200));
    let ss: Value = serde_json::to_value(
        Api::<StackSet>::namespaced(client.clone(), &ns.name)
            .get("app")
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(ss["status"]["observedStackVersion"], "v1", "{ss:#}");
    assert_eq!(ss["metadata"]["annotations"]["note"], "concurrent");
}

/// The create pass's StackSet status write is held for the pass after it
/// (`Plan::hold_status`). Here that pass fails before its own status write:
/// from the moment the Stack is created, every read gets a 500 until the
/// retries give up (a burst that then ends). The held `observedStackVersion`
/// must still be written, alone: lost, it would stay unset until the next
/// version, since a status only carries it forward.
#[tokio::test(flavor = "multi_thread")]
async fn a_failed_second_pass_still_records_the_created_stacks_version() {
    let cluster = need_cluster!("a_failed_second_pass_still_records_the_created_stacks_version");
    let ns = cluster.namespace("faults-held").await;
    let client = cluster.client().await;
    create(&client, &ns.name, &app("app", "v1", OURS, "segments")).await;
    let proxy = FaultProxy::start(cluster, 5);
    let arm = proxy.arm();
    let burst = 2 * ATTEMPTS as usize;
    proxy.hook(Hook {
        method: "PATCH",
        path_suffix: format!("/namespaces/{}/stacks/app-v1", ns.name),
        action: Box::new(move || {
            Box::pin(async move { arm.burst(Fault::InternalError, burst, Target::Reads) })
        }),
    });
    let ran = run_via(&proxy, cluster, &ns.name, &["reconcile", "app"]).await;
    assert_eq!(ran.code, Some(1), "the second pass fails: {ran:?}");

    let seen = proxy.seen();
    let refused = seen
        .iter()
        .filter(|s| s.outcome == Outcome::Injected(Fault::InternalError))
        .count();
    assert_eq!(
        refused, ATTEMPTS as usize,
        "one read, every attempt: {seen:#?}"
    );
    let last_refused = seen
        .iter()
        .rposition(|s| s.outcome == Outcome::Injected(Fault::InternalError))
        .unwrap();
    let status_writes: Vec<&Seen> = seen
        .iter()
        .filter(|s| {
            s.method == "PUT"
                && s.path.split('?').next().is_some_and(|p| {
                    p.ends_with(&format!("/namespaces/{}/stacksets/app/status", ns.name))
                })
        })
        .collect();
    assert_eq!(status_writes.len(), 1, "{seen:#?}");
    assert_eq!(status_writes[0].outcome, Outcome::Forwarded(200));
    assert!(
        status_writes[0].at >= seen[last_refused].at,
        "written alone, after the second pass failed: {seen:#?}"
    );
    let stacksets: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    let ss = stacksets.get("app").await.unwrap();
    let observed = |ss: &StackSet| {
        ss.status
            .as_ref()
            .and_then(|s| s.observed_stack_version.clone())
    };
    assert_eq!(observed(&ss).as_deref(), Some("v1"), "{:?}", ss.status);

    // With the fault over, the next reconcile builds the Stack's children
    // and creates no second Stack.
    proxy.heal();
    let ran = run_via(&proxy, cluster, &ns.name, &["reconcile", "app"]).await;
    assert_eq!(ran.code, Some(0), "{ran:?}");
    let stacks: Api<stackset_core::api::Stack> = Api::namespaced(client.clone(), &ns.name);
    let names: Vec<String> = stacks
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .iter()
        .map(|s| s.metadata.name.clone().unwrap_or_default())
        .collect();
    assert_eq!(names, ["app-v1"]);
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), &ns.name);
    assert!(deployments.get_opt("app-v1").await.unwrap().is_some());
    let ss = stacksets.get("app").await.unwrap();
    assert_eq!(observed(&ss).as_deref(), Some("v1"), "{:?}", ss.status);
}

/// The routes that serve `host` in one state of the namespace's Ingresses:
/// covered when a central Ingress carries backend weights, or when the
/// segment Ingresses tile [0, 1] without a gap.
fn routed(ingresses: &BTreeMap<String, Ingress>, host: &str) -> Result<String, String> {
    let serves = |i: &Ingress| {
        i.spec
            .as_ref()
            .and_then(|s| s.rules.as_ref())
            .is_some_and(|rules| rules.iter().any(|r| r.host.as_deref() == Some(host)))
    };
    let mut segments = Vec::new();
    for (name, ing) in ingresses {
        if !serves(ing) {
            continue;
        }
        let ann = ing.metadata.annotations.clone().unwrap_or_default();
        if let Some(weights) = ann.get(ANNOTATION_BACKEND_WEIGHTS) {
            let w: BTreeMap<String, f64> = serde_json::from_str(weights).unwrap_or_default();
            if w.values().sum::<f64>() > 0.0 {
                return Ok(format!("central {name} {weights}"));
            }
        }
        if name.ends_with(SEGMENT_SUFFIX)
            && let Some(seg) = ann
                .get(ANNOTATION_SKIPPER_PREDICATE)
                .and_then(|p| parse_segment(p))
            && seg.hi > seg.lo
        {
            segments.push((seg.lo, seg.hi, name.clone()));
        }
    }
    segments.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let mut reach = 0.0;
    for (lo, hi, _) in &segments {
        if *lo > reach + 1e-9 {
            break;
        }
        reach = f64::max(reach, *hi);
    }
    if reach >= 1.0 - 1e-9 {
        Ok(format!("segments {segments:?}"))
    } else {
        Err(format!("no route for [{reach}, 1]: segments {segments:?}"))
    }
}

/// Switches the mechanism, reconciles until the switch is complete, and
/// checks every state the Ingresses went through (a watch from before the
/// first write sees each write, in order).
async fn switch_and_check(
    cluster: &TestCluster,
    client: &Client,
    ns: &str,
    to: &str,
    done: impl Fn(&BTreeMap<String, Ingress>) -> bool,
) -> usize {
    let api: Api<Ingress> = Api::namespaced(client.clone(), ns);
    let list = api.list(&ListParams::default()).await.unwrap();
    let mut state: BTreeMap<String, Ingress> = list
        .items
        .into_iter()
        .map(|i| (i.metadata.name.clone().unwrap(), i))
        .collect();
    routed(&state, "app.example.org").expect("routed before the switch");
    let rv = list.metadata.resource_version.unwrap();
    let mut events = api
        .watch(&WatchParams::default().timeout(120), &rv)
        .await
        .unwrap()
        .boxed();
    Api::<StackSet>::namespaced(client.clone(), ns)
        .patch(
            "app",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"annotations": {ANNOTATION_TRAFFIC_MECHANISM: to}}})),
        )
        .await
        .unwrap();
    let mut states = 0;
    let mut runs = 0;
    while !done(&state) {
        runs += 1;
        assert!(
            runs <= 5,
            "the switch to {to} did not finish in 5 reconciles"
        );
        let mut cmd = crate::support::stackset_cmd(cluster, ns);
        cmd.args(["reconcile", "app"]);
        let ran = tokio::task::spawn_blocking(move || run_until(cmd, Duration::from_secs(60)))
            .await
            .unwrap();
        assert_eq!(ran.code, Some(0), "{ran:?}");
        // Replay every event up to the state the command left behind.
        let target = api.list(&ListParams::default()).await.unwrap();
        let want: BTreeMap<String, String> = target
            .items
            .iter()
            .map(|i| {
                (
                    i.metadata.name.clone().unwrap(),
                    i.metadata.resource_version.clone().unwrap(),
                )
            })
            .collect();
        let have = |s: &BTreeMap<String, Ingress>| -> BTreeMap<String, String> {
            s.iter()
                .map(|(k, i)| (k.clone(), i.metadata.resource_version.clone().unwrap()))
                .collect()
        };
        while have(&state) != want {
            let ev = tokio::time::timeout(Duration::from_secs(20), events.try_next())
                .await
                .expect("watch events up to the final state")
                .unwrap()
                .expect("watch open");
            match ev {
                WatchEvent::Added(i) | WatchEvent::Modified(i) => {
                    state.insert(i.metadata.name.clone().unwrap(), i);
                }
                WatchEvent::Deleted(i) => {
                    state.remove(&i.metadata.name.clone().unwrap());
                }
                WatchEvent::Bookmark(_) => continue,
                WatchEvent::Error(e) => panic!("watch error: {e:?}"),
            }
            states += 1;
            if let Err(gap) = routed(&state, "app.example.org") {
                panic!(
                    "switching to {to}: after write {states}, app.example.org had no route: {gap}\n{:#?}",
                    state.keys().collect::<Vec<_>>()
                );
            }
        }
    }
    states
}

#[tokio::test(flavor = "multi_thread")]
async fn switching_traffic_mechanism_both_ways_never_leaves_the_host_without_a_route() {
    let cluster = need_cluster!(
        "switching_traffic_mechanism_both_ways_never_leaves_the_host_without_a_route"
    );
    let ns = cluster.namespace("faults-switch").await;
    let client = cluster.client().await;
    create(&client, &ns.name, &app("app", "v1", OURS, "segments")).await;
    converge(&client, &ns.name, "app", OURS).await;
    // Two stacks sharing the traffic, so the segments are two.
    Api::<StackSet>::namespaced(client.clone(), &ns.name)
        .patch(
            "app",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {
                "stackTemplate": {"spec": {"version": "v2", "podTemplate": {"spec": {"containers": [{
                    "name": "app", "image": "example/app:v2",
                    "ports": [{"containerPort": 80, "name": "http"}]}]}}}},
            }})),
        )
        .await
        .unwrap();
    converge(&client, &ns.name, "app", OURS).await;
    Api::<StackSet>::namespaced(client.clone(), &ns.name)
        .patch(
            "app",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"traffic": [
                {"stackName": "app-v1", "weight": 50}, {"stackName": "app-v2", "weight": 50}
            ]}})),
        )
        .await
        .unwrap();
    converge(&client, &ns.name, "app", OURS).await;

    let segments =
        |s: &BTreeMap<String, Ingress>| s.keys().filter(|k| k.ends_with(SEGMENT_SUFFIX)).count();
    let writes = switch_and_check(cluster, &client, &ns.name, "backend-weights", |s| {
        s.contains_key("app") && segments(s) == 0
    })
    .await;
    assert!(writes >= 3, "create central, delete two segments: {writes}");
    let writes = switch_and_check(cluster, &client, &ns.name, "segments", |s| {
        !s.contains_key("app") && segments(s) == 2
    })
    .await;
    assert!(writes >= 3, "create two segments, delete central: {writes}");
}

/// The writes of `create`, `apply` and `delete` go through the one retry
/// policy: a 503 burst that ends is retried, and a lost response (the write
/// happened, the answer did not arrive) is recognised on the retry instead
/// of being reported as a failure or an "already exists"/"not found".
#[tokio::test(flavor = "multi_thread")]
async fn create_apply_and_delete_retry_their_writes_and_survive_lost_responses() {
    let cluster =
        need_cluster!("create_apply_and_delete_retry_their_writes_and_survive_lost_responses");
    let ns = cluster.namespace("faults-writes").await;
    let client = cluster.client().await;
    let api: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    let proxy = FaultProxy::start(cluster, 4);
    let run = |args: Vec<String>| {
        let mut cmd = via(&proxy, cluster, &ns.name);
        cmd.args(args);
        run_until(cmd, Duration::from_secs(60))
    };
    let args = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
    // The writes the proxy saw, in order, as (method, outcome).
    let writes = |proxy: &FaultProxy| -> Vec<(String, Outcome)> {
        proxy
            .seen()
            .into_iter()
            .filter(|s| s.is_write() && s.path.contains("/stacksets"))
            .map(|s| (s.method, s.outcome))
            .collect()
    };

    // create: two 503s, then the same POST gets through.
    proxy.burst(Fault::Unavailable, 2, Target::Writes);
    let ran = run(args("create a --image example/a:v1 --controller-managed"));
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert_eq!(ran.stdout, "stackset.zalando.org/a created\n");
    let w = writes(&proxy);
    assert_eq!(
        w,
        [
            ("POST".into(), Outcome::Injected(Fault::Unavailable)),
            ("POST".into(), Outcome::Injected(Fault::Unavailable)),
            ("POST".into(), Outcome::Forwarded(201)),
        ],
        "{:#?}",
        proxy.seen()
    );
    assert!(api.get_opt("a").await.unwrap().is_some());

    // create with a lost response: the POST lands, the retry finds the
    // StackSet it created and the command succeeds.
    proxy.clear();
    proxy.burst(Fault::ResetAfter, 1, Target::Writes);
    let ran = run(args("create b --image example/b:v1 --controller-managed"));
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert_eq!(ran.stdout, "stackset.zalando.org/b created\n");
    let w = writes(&proxy);
    assert_eq!(w[0], ("POST".into(), Outcome::Injected(Fault::ResetAfter)));
    assert_eq!(w[1], ("POST".into(), Outcome::Forwarded(409)), "{w:#?}");

    // apply: two 503s on the server-side apply, then it gets through.
    let mut doc: Value = serde_json::to_value(api.get("a").await.unwrap()).unwrap();
    doc["metadata"]["labels"] = json!({"team": "checkout"});
    let file = std::env::temp_dir().join(format!("faults-apply-{}.json", ns.name));
    std::fs::write(&file, serde_json::to_vec(&doc).unwrap()).unwrap();
    proxy.clear();
    proxy.burst(Fault::Unavailable, 2, Target::Writes);
    let ran = run(vec![
        "apply".into(),
        "-f".into(),
        file.display().to_string(),
    ]);
    let _ = std::fs::remove_file(&file);
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert_eq!(ran.stdout, "stackset.zalando.org/a configured\n");
    let w = writes(&proxy);
    assert_eq!(w.len(), 3, "{w:#?}");
    assert_eq!(w[2], ("PATCH".into(), Outcome::Forwarded(200)), "{w:#?}");
    let labels = api
        .get("a")
        .await
        .unwrap()
        .metadata
        .labels
        .unwrap_or_default();
    assert_eq!(labels.get("team").map(String::as_str), Some("checkout"));

    // delete with a 503 and then a lost response: the DELETE lands, the
    // retry finds the StackSet gone, which is what was asked.
    proxy.clear();
    proxy.burst(Fault::Unavailable, 1, Target::Writes);
    let ran = run(args("delete a --yes"));
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert_eq!(ran.stdout, "stackset.zalando.org/a deleted\n");
    assert_eq!(
        writes(&proxy).last(),
        Some(&("DELETE".into(), Outcome::Forwarded(200)))
    );
    proxy.clear();
    proxy.burst(Fault::ResetAfter, 1, Target::Writes);
    let ran = run(args("delete b --yes"));
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert_eq!(ran.stdout, "stackset.zalando.org/b deleted\n");
    let w = writes(&proxy);
    assert_eq!(
        w[0],
        ("DELETE".into(), Outcome::Injected(Fault::ResetAfter))
    );
    assert_eq!(w[1], ("DELETE".into(), Outcome::Forwarded(404)), "{w:#?}");
    eventually(
        "both StackSets are gone",
        Duration::from_secs(30),
        || async {
            api.list(&ListParams::default())
                .await
                .ok()?
                .items
                .is_empty()
                .then_some(())
        },
    )
    .await;
}

/// `rollout`'s first write (the new template and the rollout record, one
/// update guarded by the resourceVersion) lands but its response is lost:
/// the retry conflicts, the fresh read finds the rollout record, and it is
/// the command's own, so the rollout goes on instead of stopping with
/// "another rollout started meanwhile" (found by the fault matrix's sim.
/// TCP 30 % cell).
#[tokio::test(flavor = "multi_thread")]
async fn a_rollout_whose_first_write_lost_its_response_goes_on() {
    let cluster = need_cluster!("a_rollout_whose_first_write_lost_its_response_goes_on");
    let ns = cluster.namespace("faults-rollout-lost").await;
    let client = cluster.client().await;
    create(&client, &ns.name, &app("app", "v1", OURS, "segments")).await;
    converge(&client, &ns.name, "app", OURS).await;
    let proxy = FaultProxy::start(cluster, 6);
    proxy.burst(Fault::ResetAfter, 1, Target::Writes);
    let mut cmd = via(&proxy, cluster, &ns.name);
    cmd.args([
        "rollout",
        "app",
        "--version",
        "v2",
        "--image",
        "example/app:v2",
        "--steps",
        "100",
        "--interval",
        "0s",
        "--yes",
        "--ready-timeout",
        "90s",
    ]);
    let ran = tokio::task::spawn_blocking(move || run_until(cmd, Duration::from_secs(180)))
        .await
        .unwrap();
    let seen = proxy.seen();
    let first = seen.iter().position(|s| s.is_write()).expect("a write");
    assert!(
        seen[first].method == "PUT" && is_stackset_path(&seen[first], &ns.name, "app"),
        "the first write is the StackSet's update: {seen:#?}"
    );
    assert_eq!(seen[first].outcome, Outcome::Injected(Fault::ResetAfter));
    assert_eq!(ran.code, Some(0), "{ran:?}");
    let ss = Api::<StackSet>::namespaced(client.clone(), &ns.name)
        .get("app")
        .await
        .unwrap();
    assert_eq!(ss.spec.stack_template.spec.version, "v2");
    let traffic: Vec<(String, f64)> = ss
        .spec
        .traffic
        .unwrap_or_default()
        .into_iter()
        .filter(|t| t.weight > 0.0)
        .map(|t| (t.stack_name, t.weight))
        .collect();
    assert_eq!(traffic, [("app-v2".to_string(), 100.0)], "{ran:?}");
}

/// `--claim` and `gc` of a StackSet the in-cluster controller manages go
/// through the one retry policy too. A claim whose response is lost comes
/// back as a conflict on the retry (the resourceVersion moved): the pass
/// reads the StackSet again, finds it claimed, and goes on.
#[tokio::test(flavor = "multi_thread")]
async fn claim_and_gc_retry_their_writes() {
    let cluster = need_cluster!("claim_and_gc_retry_their_writes");
    let ns = cluster.namespace("faults-claim-gc").await;
    let client = cluster.client().await;
    let proxy = FaultProxy::start(cluster, 5);

    // --claim: the merge patch of the controller annotation lands, its
    // response is lost; the retry conflicts; a fresh read finds it ours.
    let mut theirs = app("theirs", "v1", OURS, "segments");
    theirs["metadata"]["annotations"]
        .as_object_mut()
        .unwrap()
        .remove("stackset-controller.zalando.org/controller");
    create(&client, &ns.name, &theirs).await;
    proxy.burst(Fault::ResetAfter, 1, Target::Writes);
    let ran = run_via(
        &proxy,
        cluster,
        &ns.name,
        &["reconcile", "theirs", "--claim"],
    )
    .await;
    assert_eq!(ran.code, Some(0), "{ran:?}");
    let seen = proxy.seen();
    let claim = seen
        .iter()
        .position(|s| s.method == "PATCH" && is_stackset_path(s, &ns.name, "theirs"))
        .expect("the claim");
    assert_eq!(seen[claim].outcome, Outcome::Injected(Fault::ResetAfter));
    assert_eq!(seen[claim + 1].method, "PATCH", "{seen:#?}");
    assert_eq!(
        seen[claim + 1].outcome,
        Outcome::Forwarded(409),
        "{seen:#?}"
    );
    assert!(
        seen[claim + 2].method == "GET" && is_stackset_path(&seen[claim + 2], &ns.name, "theirs"),
        "read again after the conflict: {seen:#?}"
    );
    let stacks: Api<stackset_core::api::Stack> = Api::namespaced(client.clone(), &ns.name);
    assert!(stacks.get_opt("theirs-v1").await.unwrap().is_some());

    // gc of a StackSet the in-cluster controller manages deletes the
    // excess stacks itself: two 503s on the first DELETE, then it lands.
    let ss = create(
        &client,
        &ns.name,
        &json!({
            "apiVersion": "zalando.org/v1",
            "kind": "StackSet",
            "metadata": {"name": "old"},
            "spec": {
                "stackLifecycle": {"limit": 1},
                "stackTemplate": {"spec": {"version": "v3", "podTemplate": {"spec": {
                    "containers": [{"name": "app", "image": "example/old:v3"}]
                }}}}
            }
        }),
    )
    .await;
    let uid = ss.metadata.uid.clone().unwrap();
    for (i, version) in ["v1", "v2", "v3"].iter().enumerate() {
        let stack: stackset_core::api::Stack = serde_json::from_value(json!({
            "apiVersion": "zalando.org/v1",
            "kind": "Stack",
            "metadata": {
                "name": format!("old-{version}"),
                "labels": {"stackset": "old", "stack-version": version},
                "ownerReferences": [{
                    "apiVersion": "zalando.org/v1", "kind": "StackSet",
                    "name": "old", "uid": uid,
                }],
            },
            "spec": {"podTemplate": {"spec": {
                "containers": [{"name": "app", "image": format!("example/old:{version}")}]
            }}}
        }))
        .unwrap();
        stacks.create(&PostParams::default(), &stack).await.unwrap();
        if i < 2 {
            // Creation times order the stacks for the limit.
            tokio::time::sleep(Duration::from_millis(1100)).await;
        }
    }
    proxy.clear();
    proxy.burst(Fault::Unavailable, 2, Target::Writes);
    let ran = run_via(&proxy, cluster, &ns.name, &["gc", "old", "--yes"]).await;
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert!(
        ran.stdout.contains("stack.zalando.org/old-v1 deleted"),
        "{ran:?}"
    );
    let deletes: Vec<Outcome> = proxy
        .seen()
        .into_iter()
        .filter(|s| s.method == "DELETE")
        .map(|s| s.outcome)
        .collect();
    assert_eq!(
        deletes[..3],
        [
            Outcome::Injected(Fault::Unavailable),
            Outcome::Injected(Fault::Unavailable),
            Outcome::Forwarded(200),
        ],
        "{deletes:#?}"
    );
    let left: Vec<String> = stacks
        .list(&ListParams::default().labels("stackset=old"))
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|s| s.metadata.deletion_timestamp.is_none())
        .filter_map(|s| s.metadata.name)
        .collect();
    assert_eq!(left, ["old-v3"]);
}

/// The controller does not wait for its events (`execute::background_events`):
/// with the first event request held at the proxy, `reconcile -A --watch`
/// still creates the stack, and its traffic switches, before any event gets
/// through; once the request is let go, it and the events queued behind it
/// reach the API server. Publishing inline, the reconcile would stop at that
/// request until the client gave up on it, and its retry would show at the
/// proxy before the StackSet converged.
#[tokio::test(flavor = "multi_thread")]
async fn the_controller_goes_on_while_its_events_are_held() {
    use k8s_openapi::api::core::v1::Event as CoreEvent;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let cluster = need_cluster!("the_controller_goes_on_while_its_events_are_held");
    let ns = cluster.namespace("faults-events").await;
    let client = cluster.client().await;
    let id = format!("ev-{}", ns.name);
    create(&client, &ns.name, &app("app", "v1", &id, "segments")).await;
    let proxy = FaultProxy::start(cluster, 4);
    let held = Arc::new(AtomicBool::new(false));
    let (release, released) = tokio::sync::oneshot::channel::<()>();
    let entered = held.clone();
    proxy.hook(Hook {
        method: "POST",
        path_suffix: format!("/namespaces/{}/events", ns.name),
        action: Box::new(move || {
            Box::pin(async move {
                entered.store(true, Ordering::SeqCst);
                let _ = released.await;
            })
        }),
    });
    let mut cmd = via(&proxy, cluster, &ns.name);
    cmd.args(["reconcile", "-A", "--watch", "--interval", "1h"])
        .env("STACKSET_CONTROLLER_ID", &id)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().expect("spawn the watch");

    let ss: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    let deps: Api<Deployment> = Api::namespaced(client.clone(), &ns.name);
    eventually(
        "app-v1 converged while the first event is held",
        Duration::from_secs(60),
        || async {
            let v = serde_json::to_value(ss.get("app").await.ok()?).ok()?;
            let ready = deps.get_opt("app-v1").await.ok()??.status?.ready_replicas? >= 1;
            (held.load(Ordering::SeqCst)
                && ready
                && v.pointer("/status/traffic/0/weight")?.as_f64() == Some(100.0))
            .then_some(())
        },
    )
    .await;
    let events_path = format!("/namespaces/{}/events", ns.name);
    let through = |seen: &[Seen]| {
        seen.iter()
            .filter(|s| {
                s.method == "POST"
                    && s.path
                        .split('?')
                        .next()
                        .unwrap_or("")
                        .ends_with(&events_path)
            })
            .count()
    };
    assert_eq!(
        through(&proxy.seen()),
        0,
        "an event request got through (a retry of the held one?) before the StackSet converged"
    );

    release.send(()).expect("the held request is waiting");
    let events: Api<CoreEvent> = Api::namespaced(client.clone(), &ns.name);
    let reasons = eventually(
        "the queued events went out",
        Duration::from_secs(60),
        || async {
            let list = events.list(&ListParams::default()).await.ok()?;
            let mine: Vec<(String, String)> = list
                .items
                .into_iter()
                .filter(|e| e.reporting_component.as_deref() == Some("kubectl-stackset"))
                .map(|e| {
                    (
                        e.involved_object.name.unwrap_or_default(),
                        e.reason.unwrap_or_default(),
                    )
                })
                .collect();
            let on_stackset = mine.iter().any(|(o, r)| o == "app" && r == "CreatedStack");
            let on_stack = mine.iter().any(|(o, _)| o == "app-v1");
            (on_stackset && on_stack).then_some(mine)
        },
    )
    .await;
    assert!(through(&proxy.seen()) >= 2, "{reasons:?}");

    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let code = tokio::task::spawn_blocking(move || child.wait().map(|s| s.code()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(code, Some(0), "SIGTERM ends the controller with 0");
}

/// `reconcile -A --watch` through the proxy, resyncing only hourly.
fn controller_via(proxy: &FaultProxy, cluster: &TestCluster, ns: &str, id: &str) -> Ctl {
    Ctl::start_via(
        cluster,
        &proxy.kubeconfig,
        ns,
        &["--interval", "1h", "--controller-id", id],
    )
}

/// Until `app-v1` is ready, the controller has written that into the
/// Stack's status, and it has nothing left to do for `app`.
async fn settled(ctl: &Ctl, client: &Client, ns: &str) {
    let deps: Api<Deployment> = Api::namespaced(client.clone(), ns);
    eventually(
        "app-v1 ready and the controller quiet since it wrote so",
        Duration::from_secs(90),
        || async {
            let ready = deps.get_opt("app-v1").await.ok()??.status?.ready_replicas? >= 1;
            (ready && ctl.quiet_since(ns, "app", "replicas 1/1 ready")).then_some(())
        },
    )
    .await;
}

/// The controller decided at least once on its own write of `object` while
/// the caches did not show it yet.
fn stood_in_for(log: &str, ns: &str, object: &str) -> bool {
    let line = format!("stackset {ns}/app: deciding on our own writes of ");
    log.lines().any(|l| {
        l.split_once(&line)
            .is_some_and(|(_, objects)| objects.split(", ").any(|o| o == object))
    })
}

/// The writes that reached the API server at exactly this path.
fn writes_to(seen: &[Seen], path: &str) -> Vec<(String, Outcome)> {
    seen.iter()
        .filter(|s| s.is_write() && s.bare_path().ends_with(path))
        .map(|s| (s.method.clone(), s.outcome.clone()))
        .collect()
}

/// The relist path of `reconcile -A --watch` (`Synced::relisted`): once the
/// controller has nothing left to do, its connections go down and its
/// StackSet's Deployment is deleted; when they come back, the Deployments
/// watch resumes from a resource version the server says has expired (410
/// Gone), so the watcher lists again. That listing brings no event for the
/// deleted object and none for this StackSet's other objects, and nothing
/// else changes, so only the reconcile of every StackSet after a listing can
/// notice the Deployment is gone and create it again. The resync interval is
/// an hour.
#[tokio::test(flavor = "multi_thread")]
async fn a_watch_that_expired_lists_again_and_repairs_what_was_deleted_meanwhile() {
    use kube::api::DeleteParams;

    let cluster =
        need_cluster!("a_watch_that_expired_lists_again_and_repairs_what_was_deleted_meanwhile");
    let ns = cluster.namespace("faults-relist").await;
    let client = cluster.client().await;
    let id = format!("relist-{}", ns.name);
    // No autoscaler: no HPA whose status the deletion would change.
    create(&client, &ns.name, &app("app", "v1", &id, "segments")).await;
    let proxy = FaultProxy::start(cluster, 5);
    let mut ctl = controller_via(&proxy, cluster, &ns.name, &id);
    settled(&ctl, &client, &ns.name).await;
    let deps: Api<Deployment> = Api::namespaced(client.clone(), &ns.name);
    let first = deps.get("app-v1").await.unwrap().metadata.uid;

    // Away: every connection cut, new ones refused. The deletion goes
    // straight to the API server.
    proxy.go_down();
    deps.delete("app-v1", &DeleteParams::default())
        .await
        .expect("delete app-v1");
    eventually("app-v1 deleted", Duration::from_secs(30), || async {
        deps.get_opt("app-v1").await.ok()?.is_none().then_some(())
    })
    .await;
    proxy.clear();
    proxy.burst(Fault::Expired, 1, Target::Watches("deployments"));
    proxy.come_up();

    let again = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            if let Some(d) = deps.get_opt("app-v1").await.ok().flatten() {
                return d.metadata.uid;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    })
    .await;
    let code = ctl.terminate().await;
    let log = ctl.log();
    let again = again.unwrap_or_else(|_| {
        panic!("app-v1 was not created again within 60 s of the connections coming back\n{log}")
    });
    assert_ne!(again, first, "{log}");
    assert_eq!(code, Some(0), "SIGTERM ends the controller with 0\n{log}");

    // The path taken: the resumed watch got the 410, a listing followed.
    let seen = proxy.seen();
    let expired = seen
        .iter()
        .position(|s| s.outcome == Outcome::Injected(Fault::Expired))
        .unwrap_or_else(|| panic!("no Deployments watch was answered 410: {seen:#?}"));
    assert!(
        seen[expired + 1..]
            .iter()
            .any(|s| s.method == "GET" && !s.is_watch() && s.bare_path().ends_with("/deployments")),
        "no listing of Deployments after the 410: {seen:#?}"
    );
}

/// The controller's own-writes overlay (`OwnWrites`): with the Deployments
/// watch three seconds behind the API server, the reconciles that the other
/// kinds' events bring right after the Deployment's create see a cache
/// without it. The overlay stands in for what the controller wrote (the log
/// says so), and the Deployment is written once; without the overlay it is
/// created again.
#[tokio::test(flavor = "multi_thread")]
async fn the_controller_stands_in_for_its_own_writes_while_their_watch_events_lag() {
    let cluster =
        need_cluster!("the_controller_stands_in_for_its_own_writes_while_their_watch_events_lag");
    let ns = cluster.namespace("faults-lag").await;
    let client = cluster.client().await;
    let id = format!("lag-{}", ns.name);
    let proxy = FaultProxy::start(cluster, 6);
    proxy.delay_watch_events(Target::Watches("deployments"), Some(Duration::from_secs(3)));
    let mut ctl = controller_via(&proxy, cluster, &ns.name, &id);
    create(&client, &ns.name, &app("app", "v1", &id, "segments")).await;
    settled(&ctl, &client, &ns.name).await;
    let code = ctl.terminate().await;
    let log = ctl.log();
    assert_eq!(code, Some(0), "SIGTERM ends the controller with 0\n{log}");

    assert!(
        stood_in_for(&log, &ns.name, "Deployment app-v1"),
        "no reconcile ran while the cache lacked the Deployment\n{log}"
    );
    // Server-side apply creates: a second create would be a second apply.
    assert_eq!(
        writes_to(
            &proxy.seen(),
            &format!("/namespaces/{}/deployments/app-v1", ns.name)
        ),
        [("PATCH".to_string(), Outcome::Forwarded(201))],
        "the Deployment is written once, by its create\n{log}"
    );
}

/// A plan that fails part-way is stood in for as well: the controller's
/// second pass creates the Stack's children, then its StackSet status write
/// is refused with 500 on every attempt and the pass fails. With the
/// Deployments watch eight seconds behind, the reconciles that follow (the
/// retry after the failure, the other kinds' events) see a cache without
/// the Deployment; the writes the failed plan did make are remembered, so
/// they stand in for it and the Deployment is written once. Remembering
/// only a plan that succeeded, the controller created it a second time.
#[tokio::test(flavor = "multi_thread")]
async fn the_writes_of_a_plan_that_failed_part_way_are_stood_in_for() {
    let cluster = need_cluster!("the_writes_of_a_plan_that_failed_part_way_are_stood_in_for");
    let ns = cluster.namespace("faults-partial").await;
    let client = cluster.client().await;
    let id = format!("partial-{}", ns.name);
    let proxy = FaultProxy::start(cluster, 7);
    // Longer than the status write's retries (3 s), shorter than the time a
    // write is stood in for after its plan ended (10 s).
    proxy.delay_watch_events(Target::Watches("deployments"), Some(Duration::from_secs(8)));
    // Armed when the Deployment's create arrives: the status write of the
    // same plan fails for good.
    let status_path: &'static str =
        Box::leak(format!("/namespaces/{}/stacksets/app/status", ns.name).into_boxed_str());
    let arm = proxy.arm();
    proxy.hook(Hook {
        method: "PATCH",
        path_suffix: format!("/namespaces/{}/deployments/app-v1", ns.name),
        action: Box::new(move || {
            Box::pin(async move {
                arm.burst(
                    Fault::InternalError,
                    ATTEMPTS as usize,
                    Target::Request("PUT", status_path),
                )
            })
        }),
    });
    let mut ctl = controller_via(&proxy, cluster, &ns.name, &id);
    create(&client, &ns.name, &app("app", "v1", &id, "segments")).await;
    settled(&ctl, &client, &ns.name).await;
    let code = ctl.terminate().await;
    let log = ctl.log();
    assert_eq!(code, Some(0), "SIGTERM ends the controller with 0\n{log}");

    let seen = proxy.seen();
    let refused = seen
        .iter()
        .filter(|s| s.outcome == Outcome::Injected(Fault::InternalError))
        .count();
    assert_eq!(
        refused, ATTEMPTS as usize,
        "the status write failed on every attempt\n{log}"
    );
    assert!(
        stood_in_for(&log, &ns.name, "Deployment app-v1"),
        "no reconcile ran while the cache lacked the Deployment\n{log}"
    );
    assert_eq!(
        writes_to(
            &seen,
            &format!("/namespaces/{}/deployments/app-v1", ns.name)
        ),
        [("PATCH".to_string(), Outcome::Forwarded(201))],
        "the Deployment is written once, by its create\n{log}"
    );
}
