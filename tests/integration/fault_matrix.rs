//! The fault matrix (issue #15): every mutating and reading command, run on
//! the real control plane through the fault proxy (HTTP faults and TCP-like
//! faults simulated per request, at 1 %, 10 % and 30 % of requests, and a
//! simulated API server restart) or through Toxiproxy (real TCP faults on
//! 1 %, 10 % and 30 % of connections, an outage and a black hole that end),
//! or straight at a private control plane whose kube-apiserver, then etcd,
//! is really stopped and started again mid-command ([`real_restarts`]).
//! Cells run in parallel, each in a namespace and with a controller id of
//! its own. `STACKSET_FAULT_ONLY` (a part of a command's label) and
//! `STACKSET_FAULT_COLUMNS` (comma-separated parts of column labels) run a
//! part of it, without rewriting the document. After every cell:
//!
//! - no panic, and an exit code the command documents;
//! - desired and actual weights each sum to 100 at every sampled
//!   observation, and a stack whose Deployment is not ready never gains
//!   actual traffic;
//! - a label a concurrent writer put on the StackSet mid-command survives
//!   (no lost update);
//! - a re-run after the fault ends converges to the same objects as the run
//!   without faults;
//! - the command completes or stops with a one-line error naming the fault,
//!   and never runs past its deadline.
//!
//! The outcome is written to docs/reliability.md.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::networking::v1::Ingress;
use kube::Client;
use kube::api::{Api, ListParams, Patch, PatchParams};
use serde_json::{Value, json};
use stackset_core::api::constants::ANNOTATION_UPDATED_TIMESTAMP;
use stackset_core::api::{Stack, StackSet};

use crate::faults::{Ran, app, converge, create, run_until, via, via_kubeconfig};
use crate::need_cluster;
use crate::support::faults::{Fault, FaultProxy, Outcome, Target};
use crate::support::toxiproxy::{Stream, Toxic, Toxiproxy};
use crate::support::{TestCluster, private, repo_root};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Cmd {
    Reconcile,
    Watch,
    TrafficSet,
    Rollout,
    Rollback,
    Get,
}

impl Cmd {
    const ALL: [Cmd; 6] = [
        Cmd::Reconcile,
        Cmd::Watch,
        Cmd::TrafficSet,
        Cmd::Rollout,
        Cmd::Rollback,
        Cmd::Get,
    ];
    fn label(self) -> &'static str {
        match self {
            Cmd::Reconcile => "`reconcile`",
            Cmd::Watch => "`reconcile -A --watch`",
            Cmd::TrafficSet => "`traffic set`",
            Cmd::Rollout => "`rollout`",
            Cmd::Rollback => "`rollback`",
            Cmd::Get => "`get`",
        }
    }
    fn args(self) -> Vec<&'static str> {
        match self {
            Cmd::Reconcile => vec!["reconcile", "app"],
            Cmd::Watch => vec!["reconcile", "-A", "--watch", "--interval", "5s", "-v"],
            Cmd::TrafficSet => vec![
                "traffic",
                "set",
                "app",
                "v2=50",
                "--yes",
                "--timeout",
                "90s",
            ],
            Cmd::Rollout => vec![
                "rollout",
                "app",
                "--version",
                "v2",
                "--image",
                "example/app:v2",
                "--steps",
                "50,100",
                "--interval",
                "0s",
                "--yes",
                "--ready-timeout",
                "90s",
                "--step-timeout",
                "90s",
            ],
            Cmd::Rollback => vec!["rollback", "app", "--to", "v1", "--yes", "--timeout", "90s"],
            Cmd::Get => vec!["get", "app"],
        }
    }
    /// The request at which a simulated restart cuts in: mid-command (for
    /// the watch, once its watches are open).
    fn restart_at(self) -> usize {
        match self {
            Cmd::Get => 3,
            Cmd::Reconcile => 5,
            Cmd::Watch => 25,
            _ => 8,
        }
    }
    /// The request after which a real restart begins: the command is
    /// stopped (SIGSTOP) once it has sent this many, mid-command (the
    /// watch in its first pass, before the StackSet is converged).
    fn pause_at(self) -> usize {
        match self {
            Cmd::Get => 1,
            Cmd::Reconcile => 12,
            Cmd::Watch => 10,
            Cmd::Rollout => 30,
            Cmd::TrafficSet | Cmd::Rollback => 8,
        }
    }
    /// When a Toxiproxy outage or stall starts, counted from the command's
    /// start: mid-command (for the watch, once its watches are open).
    fn fault_after(self) -> Duration {
        Duration::from_millis(match self {
            Cmd::Get => 150,
            Cmd::Reconcile => 400,
            Cmd::Watch => 2000,
            _ => 1000,
        })
    }
    /// Exit codes the command documents for this situation (130: the watch
    /// is stopped with Ctrl-C).
    fn allowed(self) -> &'static [i32] {
        match self {
            Cmd::Watch => &[130],
            Cmd::Rollout => &[0, 1, 4],
            _ => &[0, 1],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    None,
    Http,
    /// TCP-like faults simulated per request by the HTTP fault proxy.
    Tcp,
    Restart,
    /// Real TCP faults: Toxiproxy toxics at a toxicity of `rate`.
    Toxi,
    /// Toxiproxy's proxy disabled for 2 s mid-command: every connection is
    /// closed, new ones are refused, then it is back.
    ToxiDown,
    /// A black hole for 3 s mid-command: everything the client sends is
    /// dropped, nothing is closed; then the toxic is removed.
    ToxiStall,
    /// kube-apiserver of a private control plane really stopped and started
    /// again mid-command (see [`real_restarts`]).
    ApiRestart,
    /// etcd of a private control plane really stopped and started again
    /// mid-command.
    EtcdRestart,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct FaultSpec {
    kind: Kind,
    rate: f64,
}

impl FaultSpec {
    fn label(&self) -> String {
        match self.kind {
            Kind::None => "none".into(),
            Kind::Http => format!("HTTP {}%", (self.rate * 100.0).round()),
            Kind::Tcp => format!("sim. TCP {}%", (self.rate * 100.0).round()),
            Kind::Restart => "sim. restart".into(),
            Kind::Toxi => format!("Toxiproxy {}%", (self.rate * 100.0).round()),
            Kind::ToxiDown => "Toxiproxy down 2 s".into(),
            Kind::ToxiStall => "Toxiproxy stall 3 s".into(),
            Kind::ApiRestart => "kube-apiserver restart".into(),
            Kind::EtcdRestart => "etcd restart".into(),
        }
    }
    fn toxiproxy(&self) -> bool {
        matches!(self.kind, Kind::Toxi | Kind::ToxiDown | Kind::ToxiStall)
    }
    /// A real restart of a process of a private control plane: the process
    /// name in its `pids` file.
    fn process(&self) -> Option<&'static str> {
        match self.kind {
            Kind::ApiRestart => Some("kube-apiserver"),
            Kind::EtcdRestart => Some("etcd"),
            _ => None,
        }
    }
    /// The Toxiproxy toxics of the rate columns, each on a share `rate` of
    /// the connections.
    fn toxics(rate: f64) -> Vec<Toxic> {
        vec![
            Toxic::latency(Stream::Downstream, 100, 50, rate),
            Toxic::reset_peer(Stream::Upstream, 500, rate),
            Toxic::limit_data(Stream::Downstream, 64 * 1024, rate),
            Toxic::timeout(Stream::Upstream, 2000, rate),
            Toxic::slicer(Stream::Downstream, 512, 256, 100, rate),
            Toxic::bandwidth(Stream::Downstream, 1024, rate),
        ]
    }
    fn http() -> Vec<Fault> {
        vec![
            Fault::TooManyRequests,
            Fault::InternalError,
            Fault::Unavailable,
            Fault::GatewayTimeout,
        ]
    }
    fn tcp() -> Vec<Fault> {
        vec![Fault::Reset, Fault::ResetAfter, Fault::Latency(300)]
    }
    fn all() -> Vec<FaultSpec> {
        let mut v = vec![FaultSpec {
            kind: Kind::None,
            rate: 0.0,
        }];
        for kind in [Kind::Http, Kind::Tcp, Kind::Toxi] {
            for rate in [0.01, 0.10, 0.30] {
                v.push(FaultSpec { kind, rate });
            }
        }
        for kind in [
            Kind::Restart,
            Kind::ToxiDown,
            Kind::ToxiStall,
            Kind::ApiRestart,
            Kind::EtcdRestart,
        ] {
            v.push(FaultSpec { kind, rate: 0.0 });
        }
        v
    }
}

/// What one cell observed.
#[derive(Debug, Default, Clone)]
struct CellResult {
    code: Option<i32>,
    error_line: Option<String>,
    injected: usize,
    requests: usize,
    samples: usize,
    took: Duration,
    problems: Vec<String>,
    objects: Option<Value>,
    /// Through Toxiproxy: requests are not seen one by one.
    toxiproxy: bool,
    /// For an outage or stall: whether it began before the command ended.
    hit: Option<bool>,
    /// Connections the command opened through Toxiproxy.
    connections: usize,
    /// For a real restart: the requests the command had sent when the
    /// process was stopped, and those it sent while the process was down.
    /// And whether one of its requests was held up while it was down.
    restart: Option<(usize, usize, bool)>,
}

/// Reads the weights every 200 ms while the command runs.
async fn sample(client: Client, ns: String, stop: Arc<AtomicBool>) -> (usize, Vec<String>) {
    let ss_api: Api<StackSet> = Api::namespaced(client.clone(), &ns);
    let st_api: Api<Stack> = Api::namespaced(client.clone(), &ns);
    let dep_api: Api<Deployment> = Api::namespaced(client.clone(), &ns);
    let mut problems = Vec::new();
    let mut samples = 0;
    let mut last: BTreeMap<String, f64> = BTreeMap::new();
    while !stop.load(Ordering::SeqCst) {
        if let (Ok(ss), Ok(stacks), Ok(deps)) = (
            ss_api.get("app").await,
            st_api.list(&ListParams::default()).await,
            dep_api.list(&ListParams::default()).await,
        ) {
            samples += 1;
            let v = serde_json::to_value(&ss).unwrap();
            for (what, pointer, field) in [
                ("desired", "/spec/traffic", "weight"),
                ("actual", "/status/traffic", "weight"),
            ] {
                if let Some(list) = v.pointer(pointer).and_then(Value::as_array)
                    && !list.is_empty()
                {
                    let sum: f64 = list.iter().filter_map(|t| t[field].as_f64()).sum();
                    if (sum - 100.0).abs() > 1e-6 {
                        problems.push(format!("{what} weights sum to {sum}: {list:?}"));
                    }
                }
            }
            let ready: BTreeMap<String, bool> = deps
                .items
                .iter()
                .map(|d| {
                    let want = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
                    let got = d
                        .status
                        .as_ref()
                        .and_then(|s| s.ready_replicas)
                        .unwrap_or(0);
                    (
                        d.metadata.name.clone().unwrap_or_default(),
                        want > 0 && got >= want,
                    )
                })
                .collect();
            let had_traffic = last.values().any(|w| *w > 0.0);
            let mut now: BTreeMap<String, f64> = BTreeMap::new();
            for s in &stacks.items {
                let name = s.metadata.name.clone().unwrap_or_default();
                let w = serde_json::to_value(s)
                    .ok()
                    .and_then(|v| v.pointer("/status/actualTrafficWeight")?.as_f64())
                    .unwrap_or(0.0);
                // From no actual traffic at all, the fallback stack has 100%
                // by definition (there is nothing else to route to).
                if had_traffic
                    && w > last.get(&name).copied().unwrap_or(0.0)
                    && !ready.get(&name).copied().unwrap_or(false)
                {
                    problems.push(format!("{name} gained traffic ({w}) while not ready"));
                }
                now.insert(name, w);
            }
            last = now;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    problems.dedup();
    (samples, problems)
}

/// The objects a command leaves behind, without what the server fills in
/// and without timestamps, for comparing a cell with the run without faults.
async fn objects(client: &Client, ns: &str) -> Value {
    let ss: Value = serde_json::to_value(
        Api::<StackSet>::namespaced(client.clone(), ns)
            .get("app")
            .await
            .unwrap(),
    )
    .unwrap();
    let stacks = Api::<Stack>::namespaced(client.clone(), ns)
        .list(&ListParams::default())
        .await
        .unwrap();
    let deps = Api::<Deployment>::namespaced(client.clone(), ns)
        .list(&ListParams::default())
        .await
        .unwrap();
    let svcs = Api::<Service>::namespaced(client.clone(), ns)
        .list(&ListParams::default())
        .await
        .unwrap();
    let ings = Api::<Ingress>::namespaced(client.clone(), ns)
        .list(&ListParams::default())
        .await
        .unwrap();
    let mut out = json!({
        "desired": ss["spec"]["traffic"],
        "actual": ss["status"]["traffic"],
        "version": ss["spec"]["stackTemplate"]["spec"]["version"],
    });
    for s in stacks.items {
        let v = serde_json::to_value(&s).unwrap();
        out["stacks"][s.metadata.name.unwrap()] = json!({
            "replicas": v["spec"]["replicas"],
            "actual": v["status"]["actualTrafficWeight"],
            "desired": v["status"]["desiredTrafficWeight"],
        });
    }
    for d in deps.items {
        let spec = d.spec.unwrap();
        out["deployments"][d.metadata.name.unwrap()] = json!({
            "replicas": spec.replicas,
            "image": spec.template.spec.unwrap().containers[0].image,
        });
    }
    for s in svcs.items {
        out["services"][s.metadata.name.unwrap()] =
            serde_json::to_value(s.spec.unwrap().ports).unwrap();
    }
    for i in ings.items {
        let mut ann = i.metadata.annotations.unwrap_or_default();
        ann.remove(ANNOTATION_UPDATED_TIMESTAMP);
        out["ingresses"][i.metadata.name.unwrap()] = json!({
            "annotations": ann,
            "rules": serde_json::to_value(i.spec.unwrap().rules).unwrap(),
        });
    }
    out
}

async fn set_spec(client: &Client, ns: &str, patch: Value) {
    Api::<StackSet>::namespaced(client.clone(), ns)
        .patch("app", &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .unwrap();
}

fn v2_template() -> Value {
    json!({"stackTemplate": {"spec": {"version": "v2", "podTemplate": {"spec": {"containers": [{
        "name": "app", "image": "example/app:v2",
        "ports": [{"containerPort": 80, "name": "http"}]}]}}}}})
}

/// The state each command starts from, made without faults.
async fn setup(client: &Client, ns: &str, id: &str, cmd: Cmd) {
    create(client, ns, &app("app", "v1", id, "segments")).await;
    if cmd == Cmd::Reconcile || cmd == Cmd::Watch {
        return;
    }
    converge(client, ns, "app", id).await;
    if matches!(cmd, Cmd::TrafficSet | Cmd::Rollback) {
        set_spec(client, ns, json!({"spec": v2_template()})).await;
        converge(client, ns, "app", id).await;
        if cmd == Cmd::Rollback {
            set_spec(
                client,
                ns,
                json!({"spec": {"traffic": [{"stackName": "app-v2", "weight": 100}]}}),
            )
            .await;
        } else {
            set_spec(
                client,
                ns,
                json!({"spec": {"traffic": [{"stackName": "app-v1", "weight": 100}]}}),
            )
            .await;
        }
        converge(client, ns, "app", id).await;
    }
}

fn names_the_fault(line: &str) -> bool {
    [
        "429",
        "500",
        "503",
        "504",
        "unreachable",
        "connection",
        "timed out",
        "Too Many",
        "injected",
    ]
    .iter()
    .any(|w| line.contains(w))
}

/// Lets the watch run until the StackSet is converged (seen directly: the
/// actual weight of its one stack is 100 and the Deployment is ready), at
/// most 120 s, then stops it with Ctrl-C as a user would.
async fn watch_until_converged(
    mut child: std::process::Child,
    err: std::thread::JoinHandle<String>,
    client: &Client,
    ns: &str,
    start: Instant,
    problems: &mut Vec<String>,
) -> Ran {
    let deadline = Instant::now() + Duration::from_secs(120);
    let ss_api: Api<StackSet> = Api::namespaced(client.clone(), ns);
    let dep_api: Api<Deployment> = Api::namespaced(client.clone(), ns);
    let mut converged = false;
    while Instant::now() < deadline {
        let weight = ss_api.get("app").await.ok().and_then(|s| {
            serde_json::to_value(s)
                .ok()?
                .pointer("/status/traffic/0/weight")?
                .as_f64()
        });
        let ready = dep_api
            .get_opt("app-v1")
            .await
            .ok()
            .flatten()
            .and_then(|d| d.status?.ready_replicas)
            .unwrap_or(0);
        if weight == Some(100.0) && ready >= 1 {
            converged = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let not_converged = !converged;
    let _ = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let stopped = Instant::now() + Duration::from_secs(15);
    let code = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st.code();
        }
        if Instant::now() > stopped {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let stderr = err.join().unwrap();
    if not_converged {
        let tail: Vec<&str> = stderr.lines().rev().take(40).collect();
        problems.push(format!(
            "the watch did not converge the StackSet within 120 s; its last log lines:\n{}",
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    }
    Ran {
        code,
        stdout: String::new(),
        stderr,
        took: start.elapsed(),
    }
}

async fn cell(cluster: &'static TestCluster, cmd: Cmd, fault: FaultSpec, seed: u64) -> CellResult {
    let mut result = CellResult::default();
    let ns = cluster.namespace(&format!("fm-{seed}")).await;
    let client = cluster.client().await;
    let id = format!("fm-{}", ns.name);
    setup(&client, &ns.name, &id, cmd).await;
    let proxy = Arc::new(FaultProxy::start(cluster, seed));
    match fault.kind {
        Kind::Http => proxy.set_rate(&FaultSpec::http(), fault.rate, Target::All),
        Kind::Tcp => {
            proxy.set_rate(&FaultSpec::tcp(), fault.rate, Target::All);
            proxy.cut_watches_after(Some(Duration::from_secs(3)));
        }
        Kind::None
        | Kind::Restart
        | Kind::Toxi
        | Kind::ToxiDown
        | Kind::ToxiStall
        | Kind::ApiRestart
        | Kind::EtcdRestart => {}
    }
    let toxi = fault
        .toxiproxy()
        .then(|| Arc::new(Toxiproxy::start(cluster)));
    if let Some(t) = &toxi
        && fault.kind == Kind::Toxi
    {
        for toxic in FaultSpec::toxics(fault.rate) {
            t.add(&toxic);
        }
    }
    result.toxiproxy = toxi.is_some();
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = tokio::spawn(sample(client.clone(), ns.name.clone(), stop.clone()));
    // A concurrent writer, one second in.
    let writer = {
        let (client, ns) = (client.clone(), ns.name.clone());
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            set_spec(
                &client,
                &ns,
                json!({"metadata": {"labels": {"concurrent-writer": "was-here"}}}),
            )
            .await;
        })
    };
    if fault.kind == Kind::Restart {
        proxy.restart_at(cmd.restart_at(), Duration::from_secs(2));
    }
    let mut command = match &toxi {
        Some(t) => via_kubeconfig(&t.kubeconfig, cluster, &ns.name),
        None => via(&proxy, cluster, &ns.name),
    };
    command.args(cmd.args()).env("STACKSET_CONTROLLER_ID", &id);
    let start = Instant::now();
    // An outage or a stall that ends, mid-command.
    let episode = toxi
        .clone()
        .filter(|_| matches!(fault.kind, Kind::ToxiDown | Kind::ToxiStall))
        .map(|t| {
            let kind = fault.kind;
            let after = cmd.fault_after();
            std::thread::spawn(move || {
                std::thread::sleep(after);
                if kind == Kind::ToxiDown {
                    t.set_enabled(false);
                    std::thread::sleep(Duration::from_secs(2));
                    t.set_enabled(true);
                } else {
                    let hole = Toxic::timeout(Stream::Upstream, 0, 1.0).named("stall");
                    t.add(&hole);
                    std::thread::sleep(Duration::from_secs(3));
                    t.remove("stall");
                }
            })
        });
    let ran: Ran = if cmd == Cmd::Watch {
        // Runs until the StackSet converged (seen directly), then Ctrl-C.
        command
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        let mut child = command.spawn().expect("spawn the watch");
        let mut stderr = child.stderr.take().unwrap();
        let err = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = std::io::Read::read_to_string(&mut stderr, &mut s);
            s
        });
        watch_until_converged(child, err, &client, &ns.name, start, &mut result.problems).await
    } else {
        tokio::task::spawn_blocking(move || run_until(command, Duration::from_secs(240)))
            .await
            .unwrap()
    };
    proxy.heal();
    if let Some(e) = episode {
        result.hit = Some(ran.took > cmd.fault_after());
        tokio::task::spawn_blocking(move || e.join().unwrap())
            .await
            .unwrap();
    }
    if let Some(t) = &toxi {
        t.heal();
        result.connections = t.connections();
    }
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    let (samples, problems) = sampler.await.unwrap();
    result.samples = samples;
    result.problems.extend(problems);
    result.code = ran.code;
    result.took = ran.took;
    result.injected = proxy
        .seen()
        .iter()
        .filter(|s| !matches!(s.outcome, Outcome::Forwarded(_)))
        .count();
    result.requests = proxy.seen().len();
    if std::env::var_os("STACKSET_FAULT_DEBUG").is_some() {
        eprintln!("{:?} {:?}: {:#?}", cmd, fault, proxy.seen());
    }

    judge(
        cluster,
        &proxy.kubeconfig,
        &client,
        &ns.name,
        &id,
        cmd,
        fault,
        &ran,
        &mut result,
    )
    .await;
    result
}

/// The checks after a cell's run (see the module documentation), the re-run
/// after the fault (with `kubeconfig`, which no longer injects anything)
/// and the objects the cell leaves behind.
#[allow(clippy::too_many_arguments)]
async fn judge(
    cluster: &TestCluster,
    kubeconfig: &std::path::Path,
    client: &Client,
    ns: &str,
    id: &str,
    cmd: Cmd,
    fault: FaultSpec,
    ran: &Ran,
    result: &mut CellResult,
) {
    // No panic, a documented exit code, no hang.
    if ran.stderr.contains("panicked") {
        result.problems.push(format!("panic: {}", ran.stderr));
    }
    match ran.code {
        None => result
            .problems
            .push(format!("hung: killed after {:?}", ran.took)),
        Some(c) if !cmd.allowed().contains(&c) => result.problems.push(format!(
            "exit {c} is not documented here: {}",
            ran.stderr.trim()
        )),
        Some(c) if c != 0 && c != 130 => {
            let line = ran
                .stderr
                .lines()
                .find(|l| l.starts_with("error: "))
                .unwrap_or_default()
                .to_string();
            if !names_the_fault(&line) && c == 1 {
                result.problems.push(format!(
                    "the error does not name the fault: {}",
                    ran.stderr.trim()
                ));
            }
            result.error_line = Some(line);
        }
        _ => {}
    }
    if cmd == Cmd::Get && ran.code == Some(0) && !ran.stdout.contains("app-v1") {
        result
            .problems
            .push(format!("get printed no stack: {}", ran.stdout));
    }
    if fault.kind == Kind::None && ran.code != Some(0) && cmd != Cmd::Watch {
        result
            .problems
            .push(format!("failed without faults: {}", ran.stderr.trim()));
    }

    // Re-run without faults; it must converge to the objects of the run
    // without faults.
    let again = |args: Vec<&'static str>| {
        let mut c = via_kubeconfig(kubeconfig, cluster, ns);
        c.args(args).env("STACKSET_CONTROLLER_ID", id);
        c
    };
    if matches!(cmd, Cmd::TrafficSet | Cmd::Rollback | Cmd::Rollout) && ran.code != Some(0) {
        let args = if cmd == Cmd::Rollout {
            // Continue the recorded rollout, or start it if nothing was recorded.
            let c = again(vec!["rollout", "app", "--yes"]);
            let r = tokio::task::spawn_blocking(move || run_until(c, Duration::from_secs(240)))
                .await
                .unwrap();
            (r.code != Some(0)).then(|| cmd.args())
        } else {
            Some(cmd.args())
        };
        if let Some(args) = args {
            let c = again(args);
            let r = tokio::task::spawn_blocking(move || run_until(c, Duration::from_secs(240)))
                .await
                .unwrap();
            if r.code != Some(0) {
                result.problems.push(format!(
                    "the re-run after the fault failed: {}",
                    r.stderr.trim()
                ));
            }
        }
    }
    if cmd != Cmd::Get {
        converge(client, ns, "app", id).await;
    }
    let ss = Api::<StackSet>::namespaced(client.clone(), ns)
        .get("app")
        .await
        .unwrap();
    if ss
        .metadata
        .labels
        .unwrap_or_default()
        .get("concurrent-writer")
        != Some(&"was-here".to_string())
    {
        result
            .problems
            .push("lost update: the concurrent writer's label is gone".into());
    }
    result.objects = Some(objects(client, ns).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn fault_matrix_every_command_under_every_fault() {
    let cluster = need_cluster!("fault_matrix_every_command_under_every_fault");
    let parallel: usize = std::env::var("STACKSET_FAULT_PARALLEL")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let only: Option<String> = std::env::var("STACKSET_FAULT_ONLY").ok();
    // Comma-separated parts of column labels, e.g. `none,Toxiproxy`.
    let columns: Option<String> = std::env::var("STACKSET_FAULT_COLUMNS").ok();
    let gate = Arc::new(tokio::sync::Semaphore::new(parallel));
    let started = Instant::now();
    let mut tasks = Vec::new();
    let mut seed = 1000;
    let wanted = |fault: &FaultSpec| {
        columns
            .as_deref()
            .is_none_or(|c| c.split(',').any(|c| fault.label().contains(c)))
    };
    let cmds: Vec<Cmd> = Cmd::ALL
        .into_iter()
        .filter(|cmd| only.as_deref().is_none_or(|o| cmd.label().contains(o)))
        .collect();
    // The real restarts run on a private control plane of their own,
    // beside the other cells.
    let restarts: Vec<FaultSpec> = FaultSpec::all()
        .into_iter()
        .filter(|f| f.process().is_some() && wanted(f))
        .collect();
    let real = (!restarts.is_empty() && !cmds.is_empty()).then(|| {
        let (cmds, restarts) = (cmds.clone(), restarts.clone());
        tokio::spawn(real_restarts(cmds, restarts, 5000))
    });
    for cmd in cmds.iter().copied() {
        for fault in FaultSpec::all() {
            seed += 1;
            if !wanted(&fault) || fault.process().is_some() {
                continue;
            }
            let gate = gate.clone();
            tasks.push((
                cmd,
                fault,
                tokio::spawn(async move {
                    let _permit = gate.acquire().await.unwrap();
                    cell(cluster, cmd, fault, seed).await
                }),
            ));
        }
    }
    let mut results: BTreeMap<(Cmd, String), CellResult> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for (cmd, fault, task) in tasks {
        let label = fault.label();
        if !order.contains(&label) {
            order.push(label.clone());
        }
        let r = match task.await {
            Ok(r) => r,
            Err(e) => CellResult {
                problems: vec![format!("the cell itself failed: {e}")],
                ..Default::default()
            },
        };
        results.insert((cmd, label), r);
    }
    if let Some(real) = real {
        let cells: Vec<(Cmd, FaultSpec, CellResult)> = match real.await {
            Ok(cells) => cells,
            Err(e) => cmds
                .iter()
                .flat_map(|c| restarts.iter().map(move |f| (*c, *f)))
                .map(|(c, f)| {
                    let r = CellResult {
                        problems: vec![format!("the real-restart cells failed: {e}")],
                        ..Default::default()
                    };
                    (c, f, r)
                })
                .collect(),
        };
        for f in &restarts {
            order.push(f.label());
        }
        for (cmd, fault, r) in cells {
            results.insert((cmd, fault.label()), r);
        }
    }
    // A re-run after a fault converges to the objects of the run without.
    let cmds: Vec<Cmd> = results.keys().map(|(c, _)| *c).collect();
    for cmd in cmds {
        let baseline = results
            .get(&(cmd, "none".to_string()))
            .and_then(|r| r.objects.clone());
        for ((c, _), r) in results.iter_mut() {
            if *c == cmd
                && let (Some(b), Some(o)) = (&baseline, &r.objects)
                && b != o
            {
                r.problems.push(format!(
                    "converged to other objects than without faults:\n{}",
                    first_difference(b, o)
                ));
            }
        }
    }

    let total = results.len();
    let passed = results.values().filter(|r| r.problems.is_empty()).count();
    let mut doc = String::new();
    writeln!(
        doc,
        "# Reliability: the fault matrix\n\n\
         Generated by `tests/integration/fault_matrix.rs` \
         (`fault_matrix_every_command_under_every_fault`) on the local control plane; \
         do not edit by hand.\n\n\
         Every command runs through a fault-injecting proxy \
         (`tests/integration/support/faults.rs`) in front of the real API server, \
         or through Toxiproxy (`tests/integration/support/toxiproxy.rs`). \
         **HTTP** faults are 429 with Retry-After, 500 and 503 before the request \
         reaches the server and 504 after it handled the request (a lost response). \
         **sim. TCP** faults are simulated by the same HTTP proxy, per request: a \
         reset connection before the request is forwarded, a reset after the server \
         handled it (a write whose response is lost), 300 ms of latency, and every \
         watch stream cut after 3 s. For these the rate is the share of requests that \
         get one of them. \
         **Toxiproxy** columns are real TCP faults: Toxiproxy v2.12.0 forwards the \
         API server's TLS port (the CLI verifies the server certificate against the \
         kubeconfig's CA as usual) with six toxics, each on the given share of \
         connections (its toxicity): 100 ms ± 50 ms latency on responses, a reset \
         (RST) 500 ms into the connection, the connection closed after 64 KiB of \
         responses (a cut list or watch stream), requests dropped and the connection \
         closed after 2 s (a stall), responses sliced into ~512-byte pieces, and \
         responses limited to 1 MB/s. Toxiproxy acts on connections, not requests, so \
         it cannot aim at the moment after a write; the sim. TCP columns stay for \
         that. **Toxiproxy down 2 s** disables the proxy mid-command (every \
         connection closed, new ones refused) and enables it again 2 s later; \
         **Toxiproxy stall 3 s** black-holes everything the client sends for 3 s \
         mid-command (nothing is closed; when the toxic is removed, the stalled \
         connections are closed). \
         **sim. restart** (simulated by the HTTP proxy) cuts the request in flight and \
         every open connection (watches included) at a given request and refuses new \
         connections for 2 s. A concurrent writer labels \
         the StackSet 1 s into every cell.\n\n\
         **kube-apiserver restart** and **etcd restart** are real: the process of a \
         private control plane (started for these cells, since a restart disturbs \
         every test on a cluster) is stopped with SIGTERM (SIGKILL after 10 s, as \
         `tests/cluster/down` does; kube-apiserver stops listening at once but waits \
         for its watches) and started again with the same command line and data. \
         The six commands of a column run at once, each in a namespace of its own, \
         straight at the API server (no proxy). Each command's requests are counted \
         from its own `-vv` log, and it is paused (SIGSTOP) once it has sent a given \
         number of them, so that the restart lands mid-command however fast the \
         command is; while every command is paused, the concurrent writer labels its \
         StackSet; then the process is stopped, the commands are resumed (SIGCONT), \
         and once each has sent a request to the stopped process (a refused \
         connection) or waited 2 s on one that the absence holds up (the API server \
         holds requests while etcd is away) the process is started again.\n\n\
         After each cell: no panic; a documented exit code; desired and actual \
         weights each sum to 100 at every sample (every 200 ms) and no stack gains \
         actual traffic while its Deployment is not ready; the concurrent label \
         survives; the command finishes before its deadline; an error is one line \
         naming the fault; a re-run after the fault converges to the same objects \
         as the run without faults.\n\n\
         **{passed} of {total} cells passed** (wall time {:.0} s, {parallel} cells at a time; \
         the real restarts beside them, on their own control plane).\n",
        started.elapsed().as_secs_f64()
    )
    .unwrap();
    write!(doc, "\n| command |").unwrap();
    for f in &order {
        write!(doc, " {f} |").unwrap();
    }
    write!(doc, "\n| --- |").unwrap();
    for _ in &order {
        write!(doc, " --- |").unwrap();
    }
    doc.push('\n');
    let mut listed: Vec<Cmd> = results.keys().map(|(c, _)| *c).collect();
    listed.dedup();
    for cmd in &listed {
        write!(doc, "| {} |", cmd.label()).unwrap();
        for f in &order {
            let r = &results[&(*cmd, f.clone())];
            let verdict = if r.problems.is_empty() {
                "pass"
            } else {
                "FAIL"
            };
            let code = r.code.map_or("hung".to_string(), |c| c.to_string());
            if let Some((before, during, held)) = r.restart {
                let late = if r.hit == Some(false) {
                    " (ended first)"
                } else {
                    ""
                };
                let held = if held { ", one held" } else { "" };
                write!(
                    doc,
                    " {verdict}: exit {code}, {:.1} s, stopped after {before} req., \
                     {during} sent while down{held}{late} |",
                    r.took.as_secs_f64(),
                )
                .unwrap();
            } else if r.toxiproxy {
                let late = if r.hit == Some(false) {
                    " (ended first)"
                } else {
                    ""
                };
                write!(
                    doc,
                    " {verdict}: exit {code}, {:.1} s, {} conn.{late} |",
                    r.took.as_secs_f64(),
                    r.connections
                )
                .unwrap();
            } else {
                write!(
                    doc,
                    " {verdict}: exit {code}, {}/{} faulted |",
                    r.injected, r.requests
                )
                .unwrap();
            }
        }
        doc.push('\n');
    }
    doc.push_str(
        "\nA cell reads `exit CODE, INJECTED/REQUESTS faulted`: the command's exit \
         code and how many of the requests it sent got a fault. Toxiproxy acts on \
         connections and does not see requests: its cells read `exit CODE, SECONDS, N conn.`: \
         the command's exit code, its run time (for `reconcile -A --watch`, until it \
         had converged the StackSet) and how many TCP connections it opened (a \
         connection that breaks is opened again); `(ended first)` marks a command that was done \
         before the outage or stall began. A real restart's cells read `exit CODE, SECONDS, \
         stopped after N req., M sent while down`: the exit code, the run time (for the \
         watch, until it had converged the StackSet after the restart), the requests the \
         command had sent when it was paused and the process stopped, and the requests it \
         sent while the process was down (retries included); `one held` marks a command \
         that waited at least 2 s on a request the absent process held up (the API \
         server holds requests while etcd is away); a real-restart cell in which the \
         command ended before the restart fails.\n",
    );
    let errors: Vec<String> = results
        .iter()
        .filter_map(|((c, f), r)| {
            r.error_line
                .as_ref()
                .map(|l| format!("- {} under {f}: `{}`", c.label(), l.trim()))
        })
        .collect();
    if !errors.is_empty() {
        doc.push_str("\n## Errors the commands stopped with\n\n");
        doc.push_str(&errors.join("\n"));
        doc.push('\n');
    }
    let failures: Vec<String> = results
        .iter()
        .filter(|(_, r)| !r.problems.is_empty())
        .map(|((c, f), r)| format!("- {} under {f}: {}", c.label(), r.problems.join("; ")))
        .collect();
    if !failures.is_empty() {
        doc.push_str("\n## Failed cells\n\n");
        doc.push_str(&failures.join("\n"));
        doc.push('\n');
    }
    if only.is_none() && columns.is_none() {
        std::fs::write(repo_root().join("docs/reliability.md"), &doc).unwrap();
    }
    eprintln!("{doc}");
    assert!(
        failures.is_empty(),
        "{passed}/{total} cells passed:\n{}",
        failures.join("\n")
    );
}

/// A command of a real-restart cell. Its requests are counted from its own
/// log (`-vv` logs every request as it is sent); once it has sent
/// `pause_at` of them it is stopped with SIGSTOP, so that the restart lands
/// mid-command however fast the command is, and resumed (SIGCONT) once the
/// process is down.
struct Paused {
    child: std::process::Child,
    sent: Arc<std::sync::atomic::AtomicUsize>,
    /// Requests sent and not answered yet (watches included).
    open: Arc<std::sync::atomic::AtomicIsize>,
    stdout: Option<std::thread::JoinHandle<String>>,
    stderr: std::thread::JoinHandle<String>,
    start: Instant,
}

impl Paused {
    fn spawn(mut command: std::process::Command, pause_at: usize, watch: bool) -> Paused {
        use std::io::BufRead;
        command
            .stdin(std::process::Stdio::null())
            .stdout(if watch {
                std::process::Stdio::null()
            } else {
                std::process::Stdio::piped()
            })
            .stderr(std::process::Stdio::piped());
        let start = Instant::now();
        let mut child = command.spawn().expect("spawn kubectl-stackset");
        let pid = child.id();
        let sent = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = sent.clone();
        let open = Arc::new(std::sync::atomic::AtomicIsize::new(0));
        let pending = open.clone();
        let err = child.stderr.take().unwrap();
        let stderr = std::thread::spawn(move || {
            let mut all = String::new();
            let mut reader = std::io::BufReader::new(err);
            let mut line = Vec::new();
            while reader.read_until(b'\n', &mut line).is_ok_and(|n| n > 0) {
                let text = String::from_utf8_lossy(&line);
                let line_end = text.trim_end();
                if line_end.ends_with("kube_client::client::builder: requesting") {
                    pending.fetch_add(1, Ordering::SeqCst);
                    if count.fetch_add(1, Ordering::SeqCst) + 1 == pause_at {
                        private::signal(pid, "STOP");
                    }
                } else if line_end.ends_with("kube_client::client::builder: stream closed")
                    || line_end.contains("kube_client::client::builder: failed with error")
                {
                    pending.fetch_sub(1, Ordering::SeqCst);
                }
                all.push_str(&text);
                line.clear();
            }
            all
        });
        let stdout = child.stdout.take().map(|mut out| {
            std::thread::spawn(move || {
                let mut s = String::new();
                let _ = std::io::Read::read_to_string(&mut out, &mut s);
                s
            })
        });
        Paused {
            child,
            sent,
            open,
            stdout,
            stderr,
            start,
        }
    }

    fn sent(&self) -> usize {
        self.sent.load(Ordering::SeqCst)
    }

    fn waiting(&self) -> bool {
        self.open.load(Ordering::SeqCst) > 0
    }

    fn exited(&mut self) -> bool {
        self.child.try_wait().unwrap().is_some()
    }

    /// Stopped by SIGSTOP (state `T` in /proc).
    fn stopped(&self) -> bool {
        std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).is_ok_and(|s| {
            s.rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next())
                == Some("T")
        })
    }

    /// Waits for a one-shot command to end (killed after 240 s: a hang).
    async fn finish(mut self) -> Ran {
        let code = loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                break Some(st.code().unwrap_or(-1));
            }
            if self.start.elapsed() > Duration::from_secs(240) {
                let _ = self.child.kill();
                let _ = self.child.wait();
                break None;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let (out, err) = (self.stdout.take(), self.stderr);
        tokio::task::spawn_blocking(move || Ran {
            code,
            stdout: out.map(|o| o.join().unwrap()).unwrap_or_default(),
            stderr: err.join().unwrap(),
            took: self.start.elapsed(),
        })
        .await
        .unwrap()
    }
}

/// The commands of a round that panicked before they were done: killed, so
/// that none stays stopped (SIGSTOP) or watching a torn-down plane. Only a
/// pid that is still a kubectl-stackset process is signalled.
struct Leftovers(Vec<u32>);

impl Drop for Leftovers {
    fn drop(&mut self) {
        for pid in &self.0 {
            let ours = std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| !c.trim().is_empty() && "kubectl-stackset".starts_with(c.trim()));
            if ours {
                private::signal(*pid, "KILL");
            }
        }
    }
}

/// The real-restart columns: on a private control plane of their own (a
/// restart disturbs every test on a cluster), one round per process. In a
/// round every command runs in a namespace of its own, all at once; each
/// is stopped (SIGSTOP) after its [`Cmd::pause_at`]-th request, the
/// concurrent writer labels its StackSet, the process is stopped (SIGTERM,
/// SIGKILL after 10 s), the commands are resumed, and once each has sent a
/// request to the stopped process the process is started again with the
/// same command line and data. Then the same checks as every cell.
async fn real_restarts(
    cmds: Vec<Cmd>,
    faults: Vec<FaultSpec>,
    seed: u64,
) -> Vec<(Cmd, FaultSpec, CellResult)> {
    let t0 = Instant::now();
    let plane = Arc::new(
        tokio::task::spawn_blocking(|| private::PrivatePlane::start("fault-matrix"))
            .await
            .unwrap(),
    );
    let cluster: &'static TestCluster = Box::leak(Box::new(plane.cluster()));
    eprintln!(
        "[fault matrix] private control plane up after {:.1?}",
        t0.elapsed()
    );
    let mut out = Vec::new();
    for (round, fault) in faults.into_iter().enumerate() {
        let results = restart_round(cluster, &plane, &cmds, fault, seed + 100 * round as u64).await;
        out.extend(results.into_iter().map(|(c, r)| (c, fault, r)));
        eprintln!(
            "[fault matrix] {} cells checked after {:.1?}",
            fault.label(),
            t0.elapsed()
        );
    }
    out
}

async fn restart_round(
    cluster: &'static TestCluster,
    plane: &Arc<private::PrivatePlane>,
    cmds: &[Cmd],
    fault: FaultSpec,
    seed: u64,
) -> Vec<(Cmd, CellResult)> {
    let process = fault.process().expect("a real restart");
    let t0 = Instant::now();
    let client = plane.client().await;
    // The state each command starts from, made without faults.
    let cells = futures::future::join_all(cmds.iter().enumerate().map(|(i, cmd)| {
        let client = client.clone();
        async move {
            let ns = cluster.namespace(&format!("fm-{}", seed + i as u64)).await;
            let id = format!("fm-{}", ns.name);
            setup(&client, &ns.name, &id, *cmd).await;
            (*cmd, ns, id)
        }
    }))
    .await;
    let stop = Arc::new(AtomicBool::new(false));
    let samplers: Vec<_> = cells
        .iter()
        .map(|(_, ns, _)| tokio::spawn(sample(client.clone(), ns.name.clone(), stop.clone())))
        .collect();
    let mut running: Vec<Paused> = cells
        .iter()
        .map(|(cmd, ns, id)| {
            let mut c = via_kubeconfig(&plane.kubeconfig, cluster, &ns.name);
            c.args(cmd.args())
                .arg("-vv")
                .env("STACKSET_CONTROLLER_ID", id);
            Paused::spawn(c, cmd.pause_at(), *cmd == Cmd::Watch)
        })
        .collect();
    let mut guard = Leftovers(running.iter().map(|r| r.child.id()).collect());
    // Every command stopped mid-way, or ended before its pause point.
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline && !running.iter_mut().all(|p| p.stopped() || p.exited()) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let hit: Vec<bool> = running.iter().map(Paused::stopped).collect();
    let ended: Vec<bool> = running.iter_mut().map(Paused::exited).collect();
    let paused = t0.elapsed();
    // The concurrent writer, while every command is mid-way.
    for (_, ns, _) in &cells {
        set_spec(
            &client,
            &ns.name,
            json!({"metadata": {"labels": {"concurrent-writer": "was-here"}}}),
        )
        .await;
    }
    let before: Vec<usize> = running.iter().map(Paused::sent).collect();
    let p = plane.clone();
    let args = tokio::task::spawn_blocking(move || p.stop(process))
        .await
        .unwrap();
    let stopped = t0.elapsed();
    for r in &running {
        private::signal(r.child.id(), "CONT");
    }
    // Each command that is still running sends a request to the stopped
    // process, or waits 2 s on one that the process's absence holds up (an
    // API server without etcd holds requests; so does the request a command
    // was paused with before it went out). A command may be waiting between
    // polls: up to 30 s.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut held: Vec<Option<Instant>> = vec![None; running.len()];
    loop {
        let mut all = true;
        for ((r, b), h) in running.iter_mut().zip(&before).zip(held.iter_mut()) {
            *h = match (r.waiting(), *h) {
                (true, None) => Some(Instant::now()),
                (true, since) => since,
                (false, _) => None,
            };
            let stuck = h.is_some_and(|t| t.elapsed() >= Duration::from_secs(2));
            all &= r.sent() > *b || r.exited() || stuck;
        }
        if all || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let held: Vec<bool> = held
        .iter()
        .map(|h| h.is_some_and(|t| t.elapsed() >= Duration::from_secs(2)))
        .collect();
    let during: Vec<(usize, bool)> = running
        .iter()
        .zip(&before)
        .zip(held)
        .map(|((r, b), h)| (r.sent() - b, h))
        .collect();
    let p = plane.clone();
    tokio::task::spawn_blocking(move || p.start_again(process, &args))
        .await
        .unwrap();
    let restarted = t0.elapsed();
    plane.wait_ready().await;
    let ready = t0.elapsed();

    // Every command runs to its end (the watch until it converged).
    let client = plane.client().await;
    let runs =
        futures::future::join_all(running.into_iter().zip(&cells).map(|(r, (cmd, ns, _))| {
            let client = client.clone();
            async move {
                let mut problems = Vec::new();
                let ran = if *cmd == Cmd::Watch {
                    watch_until_converged(
                        r.child,
                        r.stderr,
                        &client,
                        &ns.name,
                        r.start,
                        &mut problems,
                    )
                    .await
                } else {
                    r.finish().await
                };
                (ran, problems)
            }
        }))
        .await;
    guard.0.clear();
    stop.store(true, Ordering::SeqCst);
    eprintln!(
        "[fault matrix] {process} restart: every command paused at {paused:.1?}, \
         {process} stopped at {stopped:.1?}, started again at {restarted:.1?}, \
         ready at {ready:.1?}, every command done at {:.1?}",
        t0.elapsed()
    );
    // The checks and re-runs of the six cells, at once.
    let kubeconfig = &plane.kubeconfig;
    let checks = cells
        .iter()
        .zip(runs)
        .zip(samplers)
        .zip(hit.into_iter().zip(before.into_iter().zip(during)))
        .zip(ended)
        .map(
            |(
                ((((cmd, ns, id), (ran, problems)), sampler), (hit, (before, (during, held)))),
                ended,
            )| {
                let client = client.clone();
                async move {
                    let mut result = CellResult {
                        problems,
                        hit: Some(hit),
                        restart: Some((before, during, held)),
                        code: ran.code,
                        took: ran.took,
                        ..Default::default()
                    };
                    let (samples, problems) = sampler.await.unwrap();
                    result.samples = samples;
                    result.problems.extend(problems);
                    if !hit {
                        result.problems.push(if ended {
                            "the command ended before the restart".into()
                        } else {
                            "the command did not reach its pause point within 120 s".into()
                        });
                    }
                    judge(
                        cluster,
                        kubeconfig,
                        &client,
                        &ns.name,
                        id,
                        *cmd,
                        fault,
                        &ran,
                        &mut result,
                    )
                    .await;
                    (*cmd, result)
                }
            },
        );
    futures::future::join_all(checks).await
}

fn first_difference(a: &Value, b: &Value) -> String {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                let (va, vb) = (
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                );
                if va != vb {
                    return format!("{k}: {}", first_difference(va, vb));
                }
            }
            String::new()
        }
        _ => format!("without faults {a}, after the faults {b}"),
    }
}
