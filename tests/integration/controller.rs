//! The controller loop of `reconcile --watch` (issue #13): watch caches, a
//! per-StackSet queue, TTLs scheduled instead of polled, leader election and
//! the /healthz, /readyz, /metrics endpoints. Every claim is read from the
//! controller's own /metrics (API requests by verb, counted on its client)
//! and its debug log, never timed.
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use kube::api::{Api, Patch, PatchParams, PostParams};
use serde_json::json;
use stackset_core::api::StackSet;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::fixtures::app::{
    MINUTE, create_app, expect_code, record, run, spawn, start_rollout, w, weights,
};
use crate::need_cluster;
use crate::support::{TestCluster, eventually};

fn stackset(name: &str, id: &str, ttl: i64) -> StackSet {
    serde_json::from_value(json!({
        "apiVersion": "zalando.org/v1",
        "kind": "StackSet",
        "metadata": {"name": name, "annotations": {"stackset-controller.zalando.org/controller": id}},
        "spec": {
            "ingress": {"hosts": [format!("{name}.example.org")], "backendPort": 80},
            "stackLifecycle": {"scaledownTTLSeconds": ttl},
            "stackTemplate": {"spec": {"version": "v1", "replicas": 1, "podTemplate": {"spec": {
                "containers": [{"name": "app", "image": "example/app:v1", "ports": [{"containerPort": 80}]}]
            }}}}
        }
    }))
    .unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One `kubectl-stackset reconcile --watch` process, killed when dropped,
/// with its stderr collected.
pub(crate) struct Ctl {
    child: Child,
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
}

impl Ctl {
    pub(crate) fn start(cluster: &TestCluster, ns: &str, extra: &[&str]) -> Self {
        Self::start_via(cluster, &cluster.kubeconfig, ns, extra)
    }

    /// The same, reaching the API server through `kubeconfig` (a proxy's).
    pub(crate) fn start_via(
        cluster: &TestCluster,
        kubeconfig: &std::path::Path,
        ns: &str,
        extra: &[&str],
    ) -> Self {
        let port = free_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kubectl-stackset"));
        cmd.arg("--kubeconfig").arg(kubeconfig);
        if let Some(ctx) = cluster.admin_context() {
            cmd.args(["--context", &ctx]);
        }
        cmd.args(["-n", ns, "reconcile", "--all", "--watch"])
            .args(["--metrics-address", &format!("127.0.0.1:{port}")])
            .args(extra)
            .env("RUST_LOG", "kubectl_stackset=debug")
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Self { child, port, log }
    }

    /// Reconciles of one StackSet so far, from the debug log.
    fn reconciles_of(&self, ns: &str, name: &str) -> usize {
        let needle = format!("reconcile stackset {ns}/{name}");
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|l| l.ends_with(&needle))
            .count()
    }

    pub(crate) fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }

    /// The controller logged a line containing `done`, and since then the
    /// last it said of `ns/name` is that it has nothing to do until a
    /// change (no write of its own is still on its way to the caches, and
    /// nothing is queued for later).
    pub(crate) fn quiet_since(&self, ns: &str, name: &str, done: &str) -> bool {
        let key = format!("{ns}/{name}");
        let names = |l: &str| l.split_whitespace().any(|w| w.trim_end_matches(':') == key);
        let quiet = format!("quiet stackset {key}: nothing to do until a change");
        let log = self.log.lock().unwrap();
        let Some(from) = log.iter().rposition(|l| l.contains(done)) else {
            return false;
        };
        log[from..]
            .iter()
            .rev()
            .find(|l| names(l))
            .is_some_and(|l| l.ends_with(&quiet))
    }

    /// SIGTERM, and the exit code (None: still running after 15 s, killed).
    pub(crate) async fn terminate(&mut self) -> Option<i32> {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = std::time::Instant::now() + Duration::from_secs(15);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            if std::time::Instant::now() > deadline {
                self.kill();
                return None;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn get(&self, path: &str) -> Option<(u16, String)> {
        http_get(self.port, path).await
    }

    async fn metrics(&self) -> Option<Metrics> {
        let (code, body) = self.get("/metrics").await?;
        (code == 200).then(|| Metrics::parse(&body))
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Ctl {
    fn drop(&mut self) {
        self.kill();
    }
}

async fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .ok()?;
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").as_bytes())
        .await
        .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).await.ok()?;
    let code = buf.split_whitespace().nth(1)?.parse().ok()?;
    let body = buf.split_once("\r\n\r\n")?.1.to_string();
    Some((code, body))
}

/// The counters of one /metrics scrape.
#[derive(Debug, Clone, Default)]
struct Metrics {
    by_verb: BTreeMap<String, f64>,
    /// By "VERB resource".
    by_resource: BTreeMap<String, f64>,
    /// Writes to the leader-election Lease (any verb but WATCH).
    lease_writes: f64,
    reconciles: f64,
    skipped: f64,
    leader: f64,
}

impl Metrics {
    fn parse(body: &str) -> Self {
        let mut m = Self::default();
        for line in body.lines().filter(|l| !l.starts_with('#')) {
            let Some((key, value)) = line.rsplit_once(' ') else {
                continue;
            };
            let value: f64 = value.parse().unwrap_or(0.0);
            if let Some(rest) = key.strip_prefix("stackset_api_requests_total{verb=\"") {
                let verb = rest.split('"').next().unwrap_or("").to_string();
                if let Some(resource) = rest.split("resource=\"").nth(1) {
                    let resource = resource.split('"').next().unwrap_or("");
                    *m.by_resource
                        .entry(format!("{verb} {resource}"))
                        .or_default() += value;
                }
                if rest.contains("resource=\"leases\"") && verb != "WATCH" {
                    m.lease_writes += value;
                }
                *m.by_verb.entry(verb).or_default() += value;
            } else if key == "stackset_reconciles_total" {
                m.reconciles = value;
            } else if key == "stackset_resyncs_skipped_total" {
                m.skipped = value;
            } else if key == "stackset_leader" {
                m.leader = value;
            }
        }
        m
    }

    fn of(&self, verb_resource: &str) -> f64 {
        self.by_resource.get(verb_resource).copied().unwrap_or(0.0)
    }

    fn verb(&self, v: &str) -> f64 {
        self.by_verb.get(v).copied().unwrap_or(0.0)
    }

    /// Every request but the long-running watches.
    fn non_watch(&self) -> f64 {
        self.by_verb
            .iter()
            .filter(|(v, _)| v.as_str() != "WATCH")
            .map(|(_, n)| n)
            .sum()
    }
}

async fn converged(api: &Api<StackSet>, name: &str) -> Option<()> {
    let ss = serde_json::to_value(api.get(name).await.ok()?).ok()?;
    let ready = ss.pointer("/status/readyStacks")?.as_i64()? == 1;
    let full = ss.pointer("/status/traffic/0/weight")?.as_f64()? == 100.0;
    (ready && full).then_some(())
}

#[tokio::test(flavor = "multi_thread")]
async fn controller_steady_state_costs_watches_only_and_serves_health_and_metrics() {
    let cluster =
        need_cluster!("controller_steady_state_costs_watches_only_and_serves_health_and_metrics");
    let ns = cluster.namespace("ctl-steady").await;
    let client = cluster.client().await;
    let id = format!("steady-{}", ns.name);
    let api: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    for name in ["a", "b", "c"] {
        api.create(&PostParams::default(), &stackset(name, &id, 300))
            .await
            .unwrap();
    }
    // Were StackSets with nothing to do resynced, --interval 1s would
    // reconcile each every second. The Lease, renewed every second (a 3 s
    // lease), is the clock that the quiet below is measured against.
    let ctl = Ctl::start(
        cluster,
        &ns.name,
        &[
            "--interval",
            "1s",
            "--controller-id",
            &id,
            "--leader-elect",
            "--leader-election-namespace",
            &ns.name,
            "--leader-election-id",
            "ctl-steady",
            "--lease-duration",
            "3s",
        ],
    );

    let (code, body) = eventually("/healthz answers", Duration::from_secs(30), || {
        ctl.get("/healthz")
    })
    .await;
    assert_eq!((code, body.trim()), (200, "ok"));
    eventually(
        "/readyz: caches synced",
        Duration::from_secs(30),
        || async { (ctl.get("/readyz").await?.0 == 200).then_some(()) },
    )
    .await;
    for name in ["a", "b", "c"] {
        eventually(
            &format!("{name} converged"),
            Duration::from_secs(90),
            || converged(&api, name),
        )
        .await;
    }

    // Steady state: over 6 Lease renewals (6 s, six resync intervals) not
    // one request but the watches and the Lease, and not one reconcile.
    let quiet = eventually(
        "6 lease renewals without a reconcile or a non-watch request",
        Duration::from_secs(90),
        || async {
            let before = ctl.metrics().await?;
            let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
            loop {
                let now = ctl.metrics().await?;
                if now.lease_writes >= before.lease_writes + 6.0 {
                    let quiet = now.reconciles == before.reconciles
                        && now.non_watch() - now.lease_writes
                            == before.non_watch() - before.lease_writes;
                    return quiet.then_some((before, now));
                }
                if tokio::time::Instant::now() > deadline {
                    return None;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        },
    )
    .await;
    let (_, after) = quiet;
    let decided: Vec<usize> = ["a", "b", "c"]
        .iter()
        .map(|n| ctl.reconciles_of(&ns.name, n))
        .collect();
    // The only LISTs ever sent are the initial ones: one per watched kind
    // (StackSets, Stacks, Deployments, Services, HPAs, Ingresses).
    assert_eq!(after.verb("LIST"), 6.0, "{:?}\n{}", after, ctl.log());
    assert!(after.verb("WATCH") >= 6.0, "{after:?}");
    let (_, text) = ctl.get("/metrics").await.unwrap();
    for family in [
        "stackset_reconciles_total",
        "stackset_reconcile_errors_total",
        "stackset_reconcile_duration_seconds_bucket",
        "stackset_queue_depth",
        "stackset_resyncs_skipped_total",
        "stackset_api_requests_total{verb=\"WATCH\"",
    ] {
        assert!(text.contains(family), "{family} in\n{text}");
    }

    // A change to one StackSet ends its quiet: the next reconcile decides.
    api.patch(
        "a",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"labels": {"touched": "yes"}}})),
    )
    .await
    .unwrap();
    eventually(
        "a decided again after its edit",
        Duration::from_secs(30),
        || async { (ctl.reconciles_of(&ns.name, "a") > decided[0]).then_some(()) },
    )
    .await;
}

/// The controller decides on what its own writes returned, not on what it
/// observed before them: `spec.traffic` and then the status of the same
/// StackSet are two writes, where the status used to go out with the old
/// resourceVersion and cost a conflict, a read and a third write for every
/// new StackSet (this test then counts one GET per StackSet). Each Stack is
/// written once. (Between reconciles the same rule, `OwnWrites`, stands in
/// for a cache that lags; on a quiet cluster the watch is faster than the
/// next decision, so that part is checked by the unit tests in
/// `cluster::controller`, and its effect under load by the benchmark.)
#[tokio::test(flavor = "multi_thread")]
async fn controller_decides_on_its_own_writes_without_reading_them_back() {
    let cluster = need_cluster!("controller_decides_on_its_own_writes_without_reading_them_back");
    let ns = cluster.namespace("ctl-own").await;
    let client = cluster.client().await;
    let id = format!("own-{}", ns.name);
    let api: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    let ctl = Ctl::start(
        cluster,
        &ns.name,
        &["--interval", "1h", "--controller-id", &id],
    );
    eventually(
        "/readyz: caches synced",
        Duration::from_secs(30),
        || async { (ctl.get("/readyz").await?.0 == 200).then_some(()) },
    )
    .await;
    let names = ["a", "b", "c", "d"];
    for name in names {
        api.create(&PostParams::default(), &stackset(name, &id, 300))
            .await
            .unwrap();
    }
    for name in names {
        eventually(
            &format!("{name} converged"),
            Duration::from_secs(90),
            || converged(&api, name),
        )
        .await;
    }
    let m = ctl.metrics().await.unwrap();
    assert_eq!(m.verb("GET"), 0.0, "{:?}\n{}", m.by_resource, ctl.log());
    assert_eq!(
        m.of("PATCH stacks"),
        names.len() as f64,
        "each Stack applied once: {:?}\n{}",
        m.by_resource,
        ctl.log()
    );
    // Every StackSet went through the writes the test is about.
    assert!(
        m.of("PUT stacksets") >= 3.0 * names.len() as f64,
        "{:?}",
        m.by_resource
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn controller_reconciles_only_the_stackset_that_changed() {
    let cluster = need_cluster!("controller_reconciles_only_the_stackset_that_changed");
    let ns = cluster.namespace("ctl-one").await;
    let client = cluster.client().await;
    let id = format!("one-{}", ns.name);
    let api: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    for name in ["a", "b", "c"] {
        api.create(&PostParams::default(), &stackset(name, &id, 300))
            .await
            .unwrap();
    }
    // No resync within the test: only events start reconciles.
    let ctl = Ctl::start(
        cluster,
        &ns.name,
        &["--interval", "1h", "--controller-id", &id],
    );
    for name in ["a", "b", "c"] {
        eventually(
            &format!("{name} converged"),
            Duration::from_secs(90),
            || converged(&api, name),
        )
        .await;
    }
    // Wait until the controller is idle: its last reconcile of each found
    // nothing to do (no request for two consecutive scrapes 1 s apart).
    eventually("controller idle", Duration::from_secs(60), || async {
        let a = ctl.metrics().await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        let b = ctl.metrics().await?;
        (a.non_watch() == b.non_watch() && a.reconciles == b.reconciles).then_some(())
    })
    .await;
    let b_before = ctl.reconciles_of(&ns.name, "b");
    let c_before = ctl.reconciles_of(&ns.name, "c");
    let a_before = ctl.reconciles_of(&ns.name, "a");
    let lists_before = ctl.metrics().await.unwrap();

    // A new version of a: the controller must create a-v2.
    api.patch(
        "a",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"stackTemplate": {"spec": {"version": "v2"}}}})),
    )
    .await
    .unwrap();
    let deps: Api<Deployment> = Api::namespaced(client.clone(), &ns.name);
    eventually("a-v2 ready", Duration::from_secs(60), || async {
        (deps.get("a-v2").await.ok()?.status?.ready_replicas? == 1).then_some(())
    })
    .await;
    eventually(
        "a's status counts both stacks ready",
        Duration::from_secs(60),
        || async {
            let ss = serde_json::to_value(api.get("a").await.ok()?).ok()?;
            (ss.pointer("/status/readyStacks")?.as_i64()? == 2).then_some(())
        },
    )
    .await;
    assert!(ctl.reconciles_of(&ns.name, "a") > a_before);
    assert_eq!(ctl.reconciles_of(&ns.name, "b"), b_before, "{}", ctl.log());
    assert_eq!(ctl.reconciles_of(&ns.name, "c"), c_before, "{}", ctl.log());
    // Decided from the caches: no LIST for the edit.
    let after = ctl.metrics().await.unwrap();
    assert_eq!(after.verb("LIST"), lists_before.verb("LIST"), "{after:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn controller_scales_down_when_the_ttl_falls_due_without_a_resync() {
    let cluster = need_cluster!("controller_scales_down_when_the_ttl_falls_due_without_a_resync");
    let ns = cluster.namespace("ctl-ttl").await;
    let client = cluster.client().await;
    let id = format!("ttl-{}", ns.name);
    let api: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    api.create(&PostParams::default(), &stackset("t", &id, 8))
        .await
        .unwrap();
    // The resync is an hour away: only the TTL's own requeue can do it.
    let ctl = Ctl::start(
        cluster,
        &ns.name,
        &["--interval", "1h", "--controller-id", &id],
    );
    eventually("t converged", Duration::from_secs(90), || {
        converged(&api, "t")
    })
    .await;
    api.patch(
        "t",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"stackTemplate": {"spec": {"version": "v2"}}}})),
    )
    .await
    .unwrap();
    let deps: Api<Deployment> = Api::namespaced(client.clone(), &ns.name);
    eventually("t-v2 ready", Duration::from_secs(60), || async {
        (deps.get("t-v2").await.ok()?.status?.ready_replicas? == 1).then_some(())
    })
    .await;
    api.patch(
        "t",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"traffic": [{"stackName": "t-v2", "weight": 100}]}})),
    )
    .await
    .unwrap();
    eventually(
        "t-v1 scaled to 0 once its TTL of 8 s passed",
        Duration::from_secs(40),
        || async { (deps.get("t-v1").await.ok()?.spec?.replicas? == 0).then_some(()) },
    )
    .await;
    let m = ctl.metrics().await.unwrap();
    assert_eq!(m.verb("LIST"), 6.0, "{m:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn controller_replicas_elect_one_leader_and_fail_over() {
    let cluster = need_cluster!("controller_replicas_elect_one_leader_and_fail_over");
    let ns = cluster.namespace("ctl-leader").await;
    let client = cluster.client().await;
    let id = format!("leader-{}", ns.name);
    let api: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    let lease = 4u64;
    let args = [
        "--interval",
        "1h",
        "--controller-id",
        &id,
        "--leader-elect",
        "--leader-election-namespace",
        &ns.name,
        "--leader-election-id",
        "ctl-test",
        "--lease-duration",
        "4s",
    ];
    let first = Ctl::start(cluster, &ns.name, &args);
    let second = Ctl::start(cluster, &ns.name, &args);
    // Exactly one leads; both answer /readyz (the standby is ready to take over).
    let (leader_is_first, _) = eventually("one leader", Duration::from_secs(30), || async {
        let a = first.metrics().await?;
        let b = second.metrics().await?;
        match (a.leader, b.leader) {
            (l, f) if l == 1.0 && f == 0.0 => Some((true, ())),
            (l, f) if l == 0.0 && f == 1.0 => Some((false, ())),
            _ => None,
        }
    })
    .await;
    let (mut leader, standby) = if leader_is_first {
        (first, second)
    } else {
        (second, first)
    };
    eventually("standby ready", Duration::from_secs(30), || async {
        (standby.get("/readyz").await?.0 == 200).then_some(())
    })
    .await;

    api.create(&PostParams::default(), &stackset("l", &id, 300))
        .await
        .unwrap();
    eventually("l converged", Duration::from_secs(90), || {
        converged(&api, "l")
    })
    .await;
    let m = leader.metrics().await.unwrap();
    assert!(m.reconciles > 0.0, "the leader reconciled: {m:?}");
    let s = standby.metrics().await.unwrap();
    assert_eq!(s.reconciles, 0.0, "the standby did not: {s:?}");
    assert_eq!(s.verb("WATCH"), 0.0, "the standby keeps no caches: {s:?}");
    assert_eq!(s.leader, 0.0);

    // Kill the leader hard: no release. The standby takes over once the
    // lease has run out (its duration plus one look at the Lease).
    let killed = tokio::time::Instant::now();
    leader.kill();
    eventually(
        "the standby leads",
        Duration::from_secs(lease * 3),
        || async { (standby.metrics().await?.leader == 1.0).then_some(()) },
    )
    .await;
    let failover = killed.elapsed();
    eprintln!("failover after {failover:?} (lease duration {lease}s)");
    assert!(
        failover <= Duration::from_secs(lease) + Duration::from_secs(2),
        "failover took {failover:?}"
    );
    // The new leader reconciles.
    api.patch(
        "l",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"stackTemplate": {"spec": {"version": "v2"}}}})),
    )
    .await
    .unwrap();
    let deps: Api<Deployment> = Api::namespaced(client.clone(), &ns.name);
    eventually(
        "l-v2 by the new leader",
        Duration::from_secs(60),
        || async { deps.get_opt("l-v2").await.ok()?.map(|_| ()) },
    )
    .await;
    eventually(
        "the new leader's reconcile counted",
        Duration::from_secs(30),
        || async { (standby.metrics().await?.reconciles > 0.0).then_some(()) },
    )
    .await;
}

/// A leader whose connection swallows everything (a black hole: nothing is
/// refused or closed, so no error arrives) must stop leading before its
/// Lease runs out; otherwise the standby takes over while the old leader,
/// stuck in a renewal that never answers, still counts itself the leader.
/// Without the bound on the renewal the old leader keeps running for the
/// request's read timeout (minutes) after the standby took over.
#[tokio::test(flavor = "multi_thread")]
async fn a_leader_cut_off_by_a_black_hole_stops_before_the_standby_takes_over() {
    use crate::support::toxiproxy::{Stream as Direction, Toxic, Toxiproxy};
    let cluster =
        need_cluster!("a_leader_cut_off_by_a_black_hole_stops_before_the_standby_takes_over");
    let ns = cluster.namespace("ctl-hole").await;
    let id = format!("hole-{}", ns.name);
    let lease = 6u64;
    let args = [
        "--interval",
        "1h",
        "--controller-id",
        &id,
        "--leader-elect",
        "--leader-election-namespace",
        &ns.name,
        "--leader-election-id",
        "ctl-hole",
        "--lease-duration",
        "6s",
    ];
    let proxy = Toxiproxy::start(cluster);
    let mut leader = Ctl::start_via(cluster, &proxy.kubeconfig, &ns.name, &args);
    eventually(
        "the proxied replica leads",
        Duration::from_secs(30),
        || async { (leader.metrics().await?.leader == 1.0).then_some(()) },
    )
    .await;
    let standby = Ctl::start(cluster, &ns.name, &args);
    eventually("standby ready", Duration::from_secs(30), || async {
        (standby.get("/readyz").await?.0 == 200).then_some(())
    })
    .await;
    assert_eq!(standby.metrics().await.unwrap().leader, 0.0);

    // Every byte either way is dropped from now on; no connection closes.
    let cut = tokio::time::Instant::now();
    proxy.add(&Toxic::timeout(Direction::Upstream, 0, 1.0).named("hole-up"));
    proxy.add(&Toxic::timeout(Direction::Downstream, 0, 1.0).named("hole-down"));
    let mut leader_stopped = None;
    let mut standby_leads = None;
    let deadline = cut + Duration::from_secs(lease * 4);
    while (leader_stopped.is_none() || standby_leads.is_none())
        && tokio::time::Instant::now() < deadline
    {
        if leader_stopped.is_none() && leader.child.try_wait().unwrap().is_some() {
            leader_stopped = Some(cut.elapsed());
        }
        if standby_leads.is_none() && standby.metrics().await.is_some_and(|m| m.leader == 1.0) {
            standby_leads = Some(cut.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    proxy.heal();
    let log = leader.log();
    leader.kill();
    eprintln!(
        "black hole: the old leader stopped after {leader_stopped:?}, the standby led after {standby_leads:?} (lease {lease}s)"
    );
    let (Some(stopped), Some(took_over)) = (leader_stopped, standby_leads) else {
        panic!("stopped {leader_stopped:?}, took over {standby_leads:?}; leader log:\n{log}");
    };
    assert!(
        stopped < took_over,
        "two leaders: the standby led after {took_over:?}, the old one stopped after {stopped:?}\n{log}"
    );
    assert!(
        log.contains("could not renew the leader lease"),
        "the old leader says why it stopped:\n{log}"
    );
    assert!(!log.contains("panicked"), "{log}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_controller_carries_a_rollout_on_after_the_cli_is_killed() {
    let cluster = need_cluster!("the_controller_carries_a_rollout_on_after_the_cli_is_killed");
    let ns = cluster.namespace("rollout-controller").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;
    let ctl = Ctl::start(cluster, &ns.name, &["--interval", "30s"]);

    // Record who drives each step while the rollout runs.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let (client, ns, stop) = (client.clone(), ns.name.clone(), stop.clone());
        tokio::spawn(async move {
            let mut seen: Vec<(u32, String, u32)> = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if let Some(r) = record(&client, &ns, "app").await {
                    let kind = r
                        .driver
                        .map(|d| d.kind.as_str().to_string())
                        .unwrap_or_default();
                    let v2 = weights(&client, &ns, "app")
                        .await
                        .0
                        .get("app-v2")
                        .copied()
                        .unwrap_or(0);
                    let entry = (r.step, kind, v2);
                    if seen.last() != Some(&entry) {
                        seen.push(entry);
                    }
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            seen
        })
    };
    let args = start_rollout("20,50,100", "3s");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut driver = spawn(cluster, &ns.name, &args);
    eventually("step 1 reached", MINUTE, || async {
        let r = record(&client, &ns.name, "app").await?;
        (r.step == 1 && r.step_reached.is_some()).then_some(())
    })
    .await;
    let r = record(&client, &ns.name, "app").await.unwrap();
    assert_eq!(
        r.driver.unwrap().kind.as_str(),
        "cli",
        "a live CLI keeps its rollout"
    );

    // The terminal goes away.
    driver.start_kill().unwrap();
    assert_eq!(driver.wait().await.unwrap().code(), None);
    let killed_at_step = record(&client, &ns.name, "app").await.unwrap().step;
    assert!(killed_at_step < 3, "killed mid-rollout");

    // The controller takes it over once the heartbeat lapses and sees it
    // through, step by step.
    let r = eventually("the rollout is done", 2 * MINUTE, || async {
        let r = record(&client, &ns.name, "app").await?;
        (r.state.as_str() == "done").then_some(r)
    })
    .await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let seen = sampler.await.unwrap();
    assert_eq!(r.step, 3, "{seen:?}");
    assert_eq!(
        r.driver.as_ref().unwrap().kind.as_str(),
        "controller",
        "{seen:?}"
    );
    let expected = w(&[("app-v2", 100)]);
    eventually("actual follows", MINUTE, || async {
        (weights(&client, &ns.name, "app").await == (expected.clone(), expected.clone()))
            .then_some(())
    })
    .await;
    // The CLI drove until it was killed, the controller from then on (one
    // hand-over, never back), each weight of the plan once and in order.
    let v2: Vec<u32> = seen.iter().map(|e| e.2).collect();
    let mut distinct = v2.clone();
    distinct.dedup();
    assert_eq!(distinct, vec![0, 20, 50, 100], "{seen:?}");
    let handover = seen
        .iter()
        .position(|e| e.1 == "controller")
        .expect("the controller drove");
    assert!(seen[..handover].iter().all(|e| e.1 == "cli"), "{seen:?}");
    assert!(
        seen[handover..].iter().all(|e| e.1 == "controller"),
        "{seen:?}"
    );
    assert!(seen[handover].0 >= killed_at_step, "{seen:?}");
    let log = ctl.log();
    assert!(
        log.contains("stackset ") && log.contains("took over the rollout to v2"),
        "{log}"
    );
    let (out, _) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["status", "app", "--until", "healthy", "--timeout", "1m"],
        ),
        0,
    );
    assert!(out.starts_with("Healthy"), "{out}");
}
