//! Real requests through the real Skipper (issue #12).
//!
//! `tests/cluster/skipper-up` starts a control plane, two Skippers (one per
//! traffic mechanism) and one HTTP backend that answers for every kwok pod IP,
//! all inside a private network namespace. Every command of this test runs in
//! that namespace through `nsenter`. Scenarios, in parallel:
//!
//! - kubectl-stackset manages the StackSet (client-side) with each traffic
//!   mechanism (segments, backend-weights) and each routing object (Ingress,
//!   RouteGroup): `rollout` v1 -> v2 with steps 10, 50, 100, the abort of a
//!   rollout to a version that never becomes ready, and a `rollback`;
//! - the real upstream controllers manage it and `traffic set` drives it:
//!   v1.4.131 (segments) and v1.4.62 (backend-weights).
//!
//! At every step, once Skipper's routing table implies the StackSet's actual
//! weights, 2,000 requests go to the public host; the share each stack served
//! (the backend answers with the pod IP, EndpointSlices map pod IPs to stacks)
//! must be within 4 standard deviations of a binomial with the stack's actual
//! weight. A load generator runs through each whole scenario: no non-2xx
//! answer and no connection error is allowed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::repo_root;

/// Requests per measured step.
const REQUESTS: usize = 2000;
/// Continuous load per scenario, requests per second.
const LOAD_RATE: u32 = 100;

fn e2e_required() -> bool {
    std::env::var("STACKSET_E2E").is_ok_and(|v| v == "1" || v.eq_ignore_ascii_case("true"))
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

// --- the tier ------------------------------------------------------------------

/// The Skipper tier started by `tests/cluster/skipper-up`; stopped on drop.
struct Tier {
    dir: PathBuf,
    netns_pid: u32,
    kubeconfig: PathBuf,
    env: BTreeMap<String, String>,
}

impl Tier {
    fn start() -> Result<Tier, String> {
        let up = repo_root().join("tests/cluster/skipper-up");
        let out = Command::new(&up)
            .args(["--env", "--owner-pid", &std::process::id().to_string()])
            .env("STACKSET_BIN", env!("CARGO_BIN_EXE_kubectl-stackset"))
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", up.display()))?;
        if !out.status.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            let why: Vec<&str> = err.lines().filter(|l| l.contains("error")).collect();
            return Err(format!(
                "tests/cluster/skipper-up failed ({}): {}",
                out.status,
                if why.is_empty() {
                    err.trim().to_string()
                } else {
                    why.join("; ")
                }
            ));
        }
        let env: BTreeMap<String, String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.strip_prefix("export "))
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.trim_matches('\'').to_string()))
            .collect();
        let get = |k: &str| {
            env.get(k)
                .cloned()
                .ok_or_else(|| format!("skipper-up did not print {k}"))
        };
        Ok(Tier {
            dir: PathBuf::from(get("STACKSET_CLUSTER_DIR")?),
            netns_pid: get("STACKSET_NETNS_PID")?
                .parse()
                .map_err(|e| format!("STACKSET_NETNS_PID: {e}"))?,
            kubeconfig: PathBuf::from(get("KUBECONFIG")?),
            env,
        })
    }

    fn var(&self, k: &str) -> &str {
        &self.env[k]
    }

    /// A command run inside the tier's network namespace.
    fn cmd(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new("nsenter");
        c.arg(format!("--net=/proc/{}/ns/net", self.netns_pid))
            .arg(program)
            .stdin(Stdio::null());
        c
    }

    fn kubectl(&self, ns: &str) -> Command {
        let mut c = self.cmd("kubectl");
        c.arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(["--context", "stackset-local", "-n", ns]);
        c
    }

    fn stackset(&self, ns: &str) -> Command {
        let mut c = self.cmd(env!("CARGO_BIN_EXE_kubectl-stackset"));
        c.arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .args(["--context", "stackset-local", "-n", ns]);
        c.env_remove("NO_COLOR");
        c
    }

    fn get_json(&self, ns: &str, what: &[&str]) -> Result<Value, String> {
        let o = self
            .kubectl(ns)
            .arg("get")
            .args(what)
            .args(["-o", "json"])
            .output()
            .map_err(|e| format!("kubectl: {e}"))?;
        if !o.status.success() {
            return Err(format!("kubectl get {what:?}: {}", text(&o)));
        }
        serde_json::from_slice(&o.stdout).map_err(|e| format!("kubectl get {what:?}: {e}"))
    }

    fn curl(&self, url: &str) -> Result<Vec<u8>, String> {
        let o = self
            .cmd("curl")
            .args([
                "-fsS",
                "--max-time",
                "5",
                "-H",
                "Accept: application/json",
                url,
            ])
            .output()
            .map_err(|e| format!("curl: {e}"))?;
        if o.status.success() {
            Ok(o.stdout)
        } else {
            Err(format!("curl {url}: {}", text(&o)))
        }
    }

    /// The pids of the tier's processes whose name starts with `prefix`.
    fn pids(&self, prefix: &str) -> Vec<String> {
        std::fs::read_to_string(self.dir.join("pids"))
            .unwrap_or_default()
            .lines()
            .filter(|l| l.starts_with(prefix))
            .filter_map(|l| l.split_whitespace().nth(1).map(str::to_string))
            .collect()
    }
}

impl Drop for Tier {
    fn drop(&mut self) {
        // Skipper would keep serving a while on SIGTERM: kill it hard first.
        for pid in self.pids("skipper") {
            let _ = Command::new("kill").args(["-KILL", &pid]).output();
        }
        let _ = Command::new(repo_root().join("tests/cluster/down"))
            .arg(&self.dir)
            .output();
    }
}

/// A child process killed (hard) when dropped.
struct Guard(Option<Child>);

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

// --- scenarios -------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mechanism {
    Segments,
    BackendWeights,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Driver {
    /// kubectl-stackset manages the StackSet; `rollout`, abort, `rollback`.
    ClientSide,
    /// This upstream controller binary manages it; `traffic set` drives it.
    Upstream(&'static str),
}

#[derive(Clone, Copy, Debug)]
struct Scenario {
    name: &'static str,
    mechanism: Mechanism,
    routegroup: bool,
    driver: Driver,
}

impl Scenario {
    fn host(&self) -> String {
        format!("{}.example.org", self.name)
    }
    fn skipper(&self, tier: &Tier) -> (String, String) {
        match self.mechanism {
            Mechanism::Segments => (
                tier.var("SKIPPER_SEGMENTS_URL").to_string(),
                tier.var("SKIPPER_SEGMENTS_ROUTES").to_string(),
            ),
            Mechanism::BackendWeights => (
                tier.var("SKIPPER_WEIGHTS_URL").to_string(),
                tier.var("SKIPPER_WEIGHTS_ROUTES").to_string(),
            ),
        }
    }
    fn label(&self) -> String {
        let mech = match self.mechanism {
            Mechanism::Segments => "segments",
            Mechanism::BackendWeights => "backend-weights",
        };
        let obj = if self.routegroup {
            "RouteGroup"
        } else {
            "Ingress"
        };
        match self.driver {
            Driver::ClientSide => format!("kubectl-stackset, {mech}, {obj}"),
            Driver::Upstream(bin) => format!("{bin}, {mech}, {obj}"),
        }
    }
}

/// One measured step.
struct Row {
    scenario: String,
    step: String,
    weights: BTreeMap<String, u32>,
    requests: usize,
    counts: BTreeMap<String, usize>,
}

impl Row {
    /// (stack, weight %, observed share, sigma of the share, deviation in sigmas)
    fn per_stack(&self) -> Vec<(String, u32, f64, f64, f64)> {
        let n = self.requests as f64;
        let mut stacks: Vec<&String> = self.weights.keys().chain(self.counts.keys()).collect();
        stacks.sort();
        stacks.dedup();
        stacks
            .into_iter()
            .map(|s| {
                let w = self.weights.get(s).copied().unwrap_or(0);
                let p = f64::from(w) / 100.0;
                let k = self.counts.get(s).copied().unwrap_or(0) as f64;
                let sigma = (p * (1.0 - p) / n).sqrt();
                let dev = if sigma > 0.0 {
                    (k / n - p) / sigma
                } else if (k / n - p).abs() < 1e-12 {
                    0.0
                } else {
                    f64::INFINITY
                };
                (s.clone(), w, k / n, sigma, dev)
            })
            .collect()
    }

    fn check(&self) -> Result<(), String> {
        for (s, w, share, sigma, dev) in self.per_stack() {
            if dev.abs() > 4.0 {
                return Err(format!(
                    "{} {}: {s} served {:.2}% of {} requests, weight {w}% (sigma {:.2}%): {dev:.1} sigma off; every backend's count: {:?}",
                    self.scenario,
                    self.step,
                    share * 100.0,
                    self.requests,
                    sigma * 100.0,
                    self.counts
                ));
            }
        }
        Ok(())
    }
}

struct Report {
    rows: Vec<Row>,
    load: Value,
    seconds: f64,
}

type R<T> = Result<T, String>;

fn stackset_manifest(sc: &Scenario, ns: &str, controller: Option<&str>) -> Value {
    let mut annotations = serde_json::Map::new();
    if let Some(id) = controller {
        annotations.insert(
            "stackset-controller.zalando.org/controller".into(),
            json!(id),
        );
    }
    if sc.driver == Driver::ClientSide {
        annotations.insert(
            "kubectl-stackset.io/traffic-mechanism".into(),
            json!(match sc.mechanism {
                Mechanism::Segments => "segments",
                Mechanism::BackendWeights => "backend-weights",
            }),
        );
    }
    let mut spec = json!({
        "stackLifecycle": {"scaledownTTLSeconds": 600, "limit": 5},
        "stackTemplate": {"spec": {
            "version": "v1",
            "replicas": 2,
            "podTemplate": {"spec": {"containers": [{
                "name": "app",
                "image": "example/app:v1",
                "ports": [{"containerPort": 8080}],
            }]}},
        }},
    });
    if sc.routegroup {
        spec["routegroup"] = json!({
            "hosts": [sc.host()],
            "backendPort": 8080,
            "routes": [{"pathSubtree": "/"}],
        });
    } else {
        spec["ingress"] = json!({"hosts": [sc.host()], "backendPort": 8080});
    }
    json!({
        "apiVersion": "zalando.org/v1",
        "kind": "StackSet",
        "metadata": {"name": "app", "namespace": ns, "annotations": annotations},
        "spec": spec,
    })
}

/// Actual weights from `status.traffic` (zeros left out).
fn actual_weights(tier: &Tier, ns: &str) -> R<BTreeMap<String, u32>> {
    let ss = tier.get_json(ns, &["stackset", "app"])?;
    Ok(ss["status"]["traffic"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| {
            let w = t["weight"].as_f64()?;
            (w > 0.0).then(|| {
                (
                    t["stackName"].as_str().unwrap_or("?").to_string(),
                    w.round() as u32,
                )
            })
        })
        .collect())
}

/// Pod IP -> stack, from the EndpointSlices (each stack's Service has its name).
fn pod_stacks(tier: &Tier, ns: &str) -> R<BTreeMap<String, String>> {
    let slices = tier.get_json(ns, &["endpointslices"])?;
    let mut map = BTreeMap::new();
    for s in slices["items"].as_array().into_iter().flatten() {
        let Some(svc) = s["metadata"]["labels"]["kubernetes.io/service-name"].as_str() else {
            continue;
        };
        for ep in s["endpoints"].as_array().into_iter().flatten() {
            for a in ep["addresses"].as_array().into_iter().flatten() {
                if let Some(ip) = a.as_str() {
                    map.insert(ip.to_string(), svc.to_string());
                }
            }
        }
    }
    Ok(map)
}

fn endpoint_ip(ep: &str) -> Option<String> {
    let rest = ep.split("://").nth(1).unwrap_or(ep);
    rest.rsplit_once(':').map(|(h, _)| h.to_string())
}

/// One route of a host: (predicate count, `Traffic` argument, `TrafficSegment`
/// limits, the stack of its endpoints).
type RouteShare = (usize, f64, Option<(f64, f64)>, String);

/// The share of the host's traffic each stack gets by Skipper's current
/// routing table: `TrafficSegment(lo, hi)` gives hi - lo; `Traffic(p)` routes
/// are tried in order of their predicate count (the `True()` padding), each
/// taking p of what is left.
fn skipper_shares(
    tier: &Tier,
    routes_url: &str,
    host: &str,
    ips: &BTreeMap<String, String>,
) -> R<BTreeMap<String, f64>> {
    let body = tier.curl(&format!("{routes_url}?limit=100000"))?;
    let routes: Value = serde_json::from_slice(&body).map_err(|e| format!("routes: {e}"))?;
    let needle = host.replace('.', "[.]");
    let mut candidates: Vec<RouteShare> = Vec::new();
    for r in routes.as_array().into_iter().flatten() {
        let preds = r["predicates"].as_array().cloned().unwrap_or_default();
        let for_host = preds.iter().any(|p| {
            p["name"] == "Host"
                && p["args"][0].as_str().is_some_and(|a| {
                    a.contains(&format!("({needle}")) || a.contains(&format!("^{needle}"))
                })
        });
        let backend = &r["backend"];
        let eps: Vec<String> = match backend["type"].as_str() {
            Some("network") => backend["address"]
                .as_str()
                .map(str::to_string)
                .into_iter()
                .collect(),
            Some("lb") => backend["endpoints"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| e.as_str().map(str::to_string))
                .collect(),
            _ => continue,
        };
        if !for_host || eps.is_empty() {
            continue;
        }
        let mut stacks: Vec<String> = eps
            .iter()
            .map(|e| {
                endpoint_ip(e)
                    .and_then(|ip| ips.get(&ip).cloned())
                    .unwrap_or_else(|| format!("unknown endpoint {e}"))
            })
            .collect();
        stacks.sort();
        stacks.dedup();
        if stacks.len() != 1 {
            return Err(format!("a route of {host} mixes stacks: {stacks:?}"));
        }
        let mut traffic = 1.0;
        let mut segment = None;
        for p in &preds {
            let arg = |i: usize| p["args"][i].as_f64().unwrap_or(f64::NAN);
            match p["name"].as_str() {
                Some("Traffic") => traffic = arg(0),
                Some("TrafficSegment") => segment = Some((arg(0), arg(1))),
                _ => {}
            }
        }
        candidates.push((preds.len(), traffic, segment, stacks.remove(0)));
    }
    let mut shares: BTreeMap<String, f64> = BTreeMap::new();
    if candidates.iter().any(|c| c.2.is_some()) {
        for (_, _, seg, stack) in &candidates {
            let (lo, hi) = seg.unwrap_or((0.0, 1.0));
            *shares.entry(stack.clone()).or_default() += hi - lo;
        }
    } else {
        candidates.sort_by_key(|c| std::cmp::Reverse(c.0));
        let mut left = 1.0;
        for (_, p, _, stack) in &candidates {
            *shares.entry(stack.clone()).or_default() += left * p;
            left *= 1.0 - p;
        }
    }
    shares.retain(|_, v| *v > 1e-9);
    Ok(shares)
}

/// Waits until Skipper's table for the host gives exactly these weights.
fn wait_for_skipper(
    tier: &Tier,
    sc: &Scenario,
    ns: &str,
    weights: &BTreeMap<String, u32>,
) -> R<BTreeMap<String, String>> {
    let (_, routes) = sc.skipper(tier);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ips = pod_stacks(tier, ns)?;
        let last = match skipper_shares(tier, &routes, &sc.host(), &ips) {
            Ok(shares) => {
                let same = shares.len() == weights.len()
                    && weights.iter().all(|(s, w)| {
                        shares
                            .get(s)
                            .is_some_and(|v| (v - f64::from(*w) / 100.0).abs() < 1e-6)
                    });
                if same {
                    return Ok(ips);
                }
                format!("{shares:?}")
            }
            Err(e) => e,
        };
        if Instant::now() > deadline {
            return Err(format!(
                "{}: Skipper's routes for {} never matched the weights {weights:?}; last: {last}",
                sc.name,
                sc.host()
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn load_script() -> PathBuf {
    repo_root().join("tests/cluster/skipper/load.py")
}

/// Sends REQUESTS requests and checks the split against the actual weights.
fn measure(tier: &Tier, sc: &Scenario, ns: &str, step: &str) -> R<Row> {
    let weights = actual_weights(tier, ns)?;
    let ips = wait_for_skipper(tier, sc, ns, &weights)?;
    let (url, _) = sc.skipper(tier);
    let o = tier
        .cmd("python3")
        .arg(load_script())
        .args(["count", "--url", &url, "--host", &sc.host(), "-n"])
        .arg(REQUESTS.to_string())
        .output()
        .map_err(|e| format!("load.py: {e}"))?;
    if !o.status.success() {
        return Err(format!("load.py count: {}", text(&o)));
    }
    let res: Value = serde_json::from_slice(&o.stdout).map_err(|e| format!("load.py: {e}"))?;
    if res["ok"].as_u64() != Some(REQUESTS as u64) {
        return Err(format!(
            "{} {step}: not every request succeeded: {res}",
            sc.name
        ));
    }
    let after = actual_weights(tier, ns)?;
    if after != weights {
        return Err(format!(
            "{} {step}: the weights changed while measuring: {weights:?} -> {after:?}",
            sc.name
        ));
    }
    // A pod that became ready while the requests ran (Skipper picked up its
    // endpoint after the snapshot above) is looked up in a fresh snapshot;
    // pod IPs are not reused within a run, so both snapshots agree.
    let later = pod_stacks(tier, ns)?;
    let mut counts = BTreeMap::new();
    for (ip, n) in res["by_pod"].as_object().into_iter().flatten() {
        let stack = ips
            .get(ip)
            .or_else(|| later.get(ip))
            .cloned()
            .unwrap_or_else(|| format!("unknown pod {ip}"));
        *counts.entry(stack).or_default() += n.as_u64().unwrap_or(0) as usize;
    }
    let row = Row {
        scenario: sc.label(),
        step: step.to_string(),
        weights,
        requests: REQUESTS,
        counts,
    };
    row.check()?;
    Ok(row)
}

fn wait_weights(tier: &Tier, ns: &str, want: &[(&str, u32)], secs: u64, what: &str) -> R<()> {
    let want: BTreeMap<String, u32> = want
        .iter()
        .filter(|(_, w)| *w > 0)
        .map(|(s, w)| (s.to_string(), *w))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let got = actual_weights(tier, ns)?;
        if got == want {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("{what}: actual weights {got:?}, want {want:?}"));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn run_ok(mut c: Command, what: &str) -> R<Output> {
    let o = c.output().map_err(|e| format!("{what}: {e}"))?;
    if o.status.success() {
        Ok(o)
    } else {
        Err(format!("{what}: {}", text(&o)))
    }
}

fn with_stdin(mut c: Command, input: &str, what: &str) -> R<Output> {
    let mut child = c
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{what}: {e}"))?;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .map_err(|e| format!("{what}: {e}"))?;
    let o = child
        .wait_with_output()
        .map_err(|e| format!("{what}: {e}"))?;
    if o.status.success() {
        Ok(o)
    } else {
        Err(format!("{what}: {}", text(&o)))
    }
}

fn create_namespace(tier: &Tier, ns: &str) -> R<()> {
    run_ok(
        {
            let mut c = tier.kubectl("default");
            c.args(["create", "namespace", ns]);
            c
        },
        "create namespace",
    )?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while tier.get_json(ns, &["serviceaccount", "default"]).is_err() {
        if Instant::now() > deadline {
            return Err(format!("no default service account in {ns}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

/// Starts the continuous load once Skipper routes all of the host's
/// requests to v1's pods (until then it may answer 502 "no endpoints").
fn load_once_v1_is_routed(tier: &Tier, sc: &Scenario, ns: &str) -> R<(Guard, Marks)> {
    wait_for_skipper(tier, sc, ns, &BTreeMap::from([("app-v1".to_string(), 100)]))?;
    let load = Guard(Some(start_load(tier, sc)?));
    let mut marks = Marks::default();
    marks.mark("load spawned");
    Ok((load, marks))
}

/// The continuous load for one scenario: started before the first switch,
/// stopped (stdin closed) after the last.
fn start_load(tier: &Tier, sc: &Scenario) -> R<Child> {
    let (url, _) = sc.skipper(tier);
    tier.cmd("python3")
        .arg(load_script())
        .args(["run", "--url", &url, "--host", &sc.host(), "--rate"])
        .arg(LOAD_RATE.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("load.py run: {e}"))
}

fn stop_load(child: Child) -> R<Value> {
    let mut child = child;
    drop(child.stdin.take());
    let o = child
        .wait_with_output()
        .map_err(|e| format!("load.py run: {e}"))?;
    if !o.status.success() {
        return Err(format!("load.py run: {}", text(&o)));
    }
    serde_json::from_slice(&o.stdout).map_err(|e| format!("load.py run output: {e}: {}", text(&o)))
}

/// What a scenario did and when (Unix seconds): placed beside the load's
/// failures when it saw any.
#[derive(Default)]
struct Marks(Vec<(f64, String)>);

impl Marks {
    fn mark(&mut self, what: impl Into<String>) {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        self.0.push((now, what.into()));
    }

    /// The marks and the failures, in seconds after the load started.
    fn timeline(&self, load: &Value) -> String {
        let t0 = load["started"].as_f64().unwrap_or(f64::NAN);
        let mut events: Vec<(f64, String)> = self.0.clone();
        for f in load["failures"].as_array().into_iter().flatten() {
            let at = f[0].as_f64().unwrap_or(f64::NAN);
            events.push((at, format!("FAILED {}", f[1].as_str().unwrap_or("?"))));
        }
        events.sort_by(|a, b| a.0.total_cmp(&b.0));
        events
            .iter()
            .map(|(at, what)| format!("{:+.3}s {what}", at - t0))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

fn check_load(sc: &Scenario, load: &Value, ips: &BTreeMap<String, String>, marks: &Marks) -> R<()> {
    let failures = load["non2xx"].as_u64().unwrap_or(u64::MAX)
        + load["conn_errors"].as_u64().unwrap_or(u64::MAX);
    if failures != 0 || load["requests"].as_u64() == Some(0) {
        return Err(format!(
            "{}: the continuous load saw {failures} failed requests: {load}\ntimeline after the load started: {}",
            sc.label(),
            marks.timeline(load)
        ));
    }
    let mut served = std::collections::BTreeSet::new();
    for ip in load["by_pod"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
    {
        match ips.get(ip) {
            Some(stack) => served.insert(stack.as_str()),
            None => {
                return Err(format!(
                    "{}: a request was answered by {ip}, no pod of the StackSet",
                    sc.label()
                ));
            }
        };
    }
    // The load ran across the switches: both versions answered it.
    if !(served.contains("app-v1") && served.contains("app-v2")) {
        return Err(format!(
            "{}: the continuous load did not span the switches (served by {served:?})",
            sc.label()
        ));
    }
    Ok(())
}

fn client_side(tier: &Tier, sc: &Scenario) -> R<Report> {
    let t0 = Instant::now();
    let ns = format!("sk-{}", sc.name);
    create_namespace(tier, &ns)?;
    let engine: Vec<&str> = if sc.routegroup {
        vec!["--routegroups"]
    } else {
        vec![]
    };
    let ss = |args: &[&str]| {
        let mut c = tier.stackset(&ns);
        c.args(args).args(&engine);
        c
    };
    let manifest = stackset_manifest(sc, &ns, Some("kubectl-stackset"));
    with_stdin(ss(&["apply", "-f", "-"]), &manifest.to_string(), "apply")?;
    // v1 gets its traffic once its pods are ready.
    let deadline = Instant::now() + Duration::from_secs(90);
    while actual_weights(tier, &ns)? != BTreeMap::from([("app-v1".to_string(), 100)]) {
        if Instant::now() > deadline {
            return Err(format!("{}: app-v1 never got 100%", sc.name));
        }
        run_ok(ss(&["reconcile", "app"]), "reconcile")?;
        std::thread::sleep(Duration::from_millis(300));
    }
    let (load, mut marks) = load_once_v1_is_routed(tier, sc, &ns)?;
    let mut rows = vec![measure(tier, sc, &ns, "v1")?];
    marks.mark("measured v1");

    // The rollout holds every step for 10 minutes; the test measures and
    // promotes to the next step itself.
    let log = tier.dir.join(format!("logs/rollout-{}.log", sc.name));
    let logf = std::fs::File::create(&log).map_err(|e| e.to_string())?;
    let mut rollout = ss(&[
        "rollout",
        "app",
        "--version",
        "v2",
        "--image",
        "example/app:v2",
        "--steps",
        "10,50,100",
        "--interval",
        "10m",
        "--yes",
    ]);
    rollout
        .stdout(logf.try_clone().map_err(|e| e.to_string())?)
        .stderr(logf);
    let mut driver = Guard(Some(rollout.spawn().map_err(|e| format!("rollout: {e}"))?));
    for step in [10u32, 50, 100] {
        wait_weights(
            tier,
            &ns,
            &[("app-v1", 100 - step), ("app-v2", step)],
            120,
            &format!("{} step {step}", sc.name),
        )
        .map_err(|e| {
            format!(
                "{e}\nrollout log: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            )
        })?;
        marks.mark(format!("weights at {step}%"));
        rows.push(measure(tier, sc, &ns, &format!("rollout {step}%"))?);
        marks.mark(format!("measured {step}%"));
        if step < 100 {
            run_ok(
                ss(&["rollout", "promote", "app", "--yes"]),
                "rollout promote",
            )?;
            marks.mark("promoted");
        }
    }
    let child = driver.0.as_mut().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(s) = child.try_wait().map_err(|e| e.to_string())? {
            break s;
        }
        if Instant::now() > deadline {
            return Err(format!(
                "{}: rollout did not finish after the last step: {}",
                sc.name,
                std::fs::read_to_string(&log).unwrap_or_default()
            ));
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    if !status.success() {
        return Err(format!(
            "{}: rollout: {status}: {}",
            sc.name,
            std::fs::read_to_string(&log).unwrap_or_default()
        ));
    }
    driver.0 = None;

    // A rollout to a version that never becomes ready is aborted; v2 keeps
    // all the traffic.
    let o = ss(&[
        "rollout",
        "app",
        "--version",
        "v3",
        "--image",
        "example/app:broken",
        "--steps",
        "50,100",
        "--ready-timeout",
        "10s",
        "--yes",
    ])
    .output()
    .map_err(|e| format!("rollout v3: {e}"))?;
    if o.status.code() != Some(4) {
        return Err(format!(
            "{}: rollout to a never-ready v3 should exit 4: {}",
            sc.name,
            text(&o)
        ));
    }
    marks.mark("rollout to v3 aborted");
    rows.push(measure(tier, sc, &ns, "v3 aborted")?);
    if rows.last().unwrap().weights != BTreeMap::from([("app-v2".to_string(), 100)]) {
        return Err(format!("{}: after the abort v2 should keep 100%", sc.name));
    }

    // Rollback: all traffic to v1 at once.
    run_ok(ss(&["rollback", "app", "--to", "v1", "--yes"]), "rollback")?;
    wait_weights(
        tier,
        &ns,
        &[("app-v1", 100)],
        60,
        &format!("{} rollback", sc.name),
    )?;
    marks.mark("rolled back");
    rows.push(measure(tier, sc, &ns, "rollback")?);

    let ips = pod_stacks(tier, &ns)?;
    let mut load = load;
    let load = stop_load(load.0.take().unwrap())?;
    check_load(sc, &load, &ips, &marks)?;
    Ok(Report {
        rows,
        load,
        seconds: t0.elapsed().as_secs_f64(),
    })
}

fn upstream(tier: &Tier, sc: &Scenario, bin: &str, port: u16) -> R<Report> {
    let t0 = Instant::now();
    let ns = format!("sk-{}", sc.name);
    create_namespace(tier, &ns)?;
    let id = format!("upstream-{}", sc.name);
    let controller_bin = repo_root().join("target/cluster/bin").join(bin);
    if !controller_bin.exists() {
        return Err(format!(
            "no {} (hint: tests/cluster/build-upstream.sh)",
            controller_bin.display()
        ));
    }
    let log = std::fs::File::create(tier.dir.join(format!("logs/{id}.log")))
        .map_err(|e| e.to_string())?;
    let mut c = tier.cmd(&controller_bin);
    c.arg(format!("--apiserver={}", tier.var("STACKSET_KUBE_PROXY")))
        .args(["--cluster-domain=example.org", "--interval=1s"])
        .arg(format!("--controller-id={id}"))
        .arg(format!("--metrics-address=127.0.0.1:{port}"))
        .args(["--namespace", &ns]);
    if sc.routegroup {
        c.arg("--enable-routegroup-support");
    }
    c.stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log);
    let _controller = Guard(Some(c.spawn().map_err(|e| format!("{bin}: {e}"))?));

    let manifest = stackset_manifest(sc, &ns, Some(&id));
    with_stdin(
        {
            let mut c = tier.kubectl(&ns);
            c.args(["apply", "-f", "-"]);
            c
        },
        &manifest.to_string(),
        "kubectl apply",
    )?;
    wait_weights(
        tier,
        &ns,
        &[("app-v1", 100)],
        90,
        &format!("{}: {bin} gives v1 its traffic", sc.name),
    )?;
    // The controller gives its only stack all the traffic before its pods
    // are ready; until they are, Skipper answers 502 "no endpoints". The
    // load starts once Skipper routes to v1's pods, as in the client-side
    // scenarios, whose engine waits for readiness itself.
    let (load, mut marks) = load_once_v1_is_routed(tier, sc, &ns)?;
    let mut rows = vec![measure(tier, sc, &ns, "v1")?];
    marks.mark("measured v1");
    // A new version: the controller creates the stack, `traffic set` moves
    // the traffic (and waits for the controller's status).
    run_ok(
        {
            let mut c = tier.kubectl(&ns);
            c.args([
                "patch", "stackset", "app", "--type=merge", "-p",
                r#"{"spec":{"stackTemplate":{"spec":{"version":"v2","podTemplate":{"spec":{"containers":[{"name":"app","image":"example/app:v2","ports":[{"containerPort":8080}]}]}}}}}}"#,
            ]);
            c
        },
        "patch to v2",
    )?;
    // The controller creates the stack on its next pass.
    let deadline = Instant::now() + Duration::from_secs(60);
    while tier.get_json(&ns, &["stack", "app-v2"]).is_err() {
        if Instant::now() > deadline {
            return Err(format!("{}: {bin} did not create app-v2", sc.name));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    marks.mark("app-v2 created");
    for step in [10u32, 50, 100] {
        run_ok(
            {
                let mut c = tier.stackset(&ns);
                c.args([
                    "traffic",
                    "set",
                    "app",
                    &format!("v2={step}"),
                    "--yes",
                    "--timeout",
                    "120s",
                ]);
                c
            },
            &format!("traffic set v2={step}"),
        )?;
        marks.mark(format!("traffic set {step}% returned"));
        wait_weights(
            tier,
            &ns,
            &[("app-v1", 100 - step), ("app-v2", step)],
            60,
            &format!("{} step {step}", sc.name),
        )?;
        rows.push(measure(tier, sc, &ns, &format!("traffic set {step}%"))?);
        marks.mark(format!("measured {step}%"));
    }
    let ips = pod_stacks(tier, &ns)?;
    let mut load = load;
    let load = stop_load(load.0.take().unwrap())?;
    check_load(sc, &load, &ips, &marks)?;
    Ok(Report {
        rows,
        load,
        seconds: t0.elapsed().as_secs_f64(),
    })
}

fn table(reports: &[(Scenario, R<Report>)]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| scenario | step | weight (status) | requests | observed share | sigma | deviation |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|");
    for (_, r) in reports {
        let Ok(r) = r else { continue };
        for row in &r.rows {
            for (stack, w, share, sigma, dev) in row.per_stack() {
                let _ = writeln!(
                    s,
                    "| {} | {} | {stack} {w}% | {} | {:.2}% | {:.2}% | {:+.1} |",
                    row.scenario,
                    row.step,
                    row.requests,
                    share * 100.0,
                    sigma * 100.0,
                    dev
                );
            }
        }
    }
    for (sc, r) in reports {
        match r {
            Ok(r) => {
                let _ = writeln!(
                    s,
                    "{}: continuous load {} requests, {} non-2xx, {} connection errors; {:.0}s",
                    sc.label(),
                    r.load["requests"],
                    r.load["non2xx"],
                    r.load["conn_errors"],
                    r.seconds
                );
            }
            Err(e) => {
                let _ = writeln!(s, "{}: FAILED: {e}", sc.label());
            }
        }
    }
    s
}

/// Why this machine cannot run the Skipper tier, if it cannot.
fn cannot_run() -> Option<String> {
    let out = Command::new("unshare").args(["-n", "true"]).output();
    match out {
        Err(e) => Some(format!("cannot run unshare: {e}")),
        Ok(o) if !o.status.success() => Some(format!(
            "`unshare -n` fails here ({}): the Skipper tier needs a private network namespace (root or CAP_SYS_ADMIN)",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Ok(_) => None,
    }
}

#[test]
fn skipper_splits_real_requests_as_the_weights_say() {
    let name = "skipper_splits_real_requests_as_the_weights_say";
    if let Some(why) = cannot_run() {
        if e2e_required() {
            panic!("STACKSET_E2E=1 but {name} cannot run: {why}");
        }
        let _ = writeln!(
            std::io::stderr(),
            "SKIP {name}: {why}; set STACKSET_E2E=1 to make this an error"
        );
        return;
    }
    let t0 = Instant::now();
    let tier = match Tier::start() {
        Ok(t) => t,
        Err(why) if e2e_required() => panic!("STACKSET_E2E=1 but {name} cannot run: {why}"),
        Err(why) => {
            let _ = writeln!(
                std::io::stderr(),
                "SKIP {name}: {why}; set STACKSET_E2E=1 to make this an error"
            );
            return;
        }
    };
    let started = t0.elapsed();
    let scenarios = [
        Scenario {
            name: "seg-ing",
            mechanism: Mechanism::Segments,
            routegroup: false,
            driver: Driver::ClientSide,
        },
        Scenario {
            name: "seg-rg",
            mechanism: Mechanism::Segments,
            routegroup: true,
            driver: Driver::ClientSide,
        },
        Scenario {
            name: "bw-ing",
            mechanism: Mechanism::BackendWeights,
            routegroup: false,
            driver: Driver::ClientSide,
        },
        Scenario {
            name: "bw-rg",
            mechanism: Mechanism::BackendWeights,
            routegroup: true,
            driver: Driver::ClientSide,
        },
        Scenario {
            name: "up-seg",
            mechanism: Mechanism::Segments,
            routegroup: false,
            driver: Driver::Upstream("stackset-controller"),
        },
        Scenario {
            name: "up-bw",
            mechanism: Mechanism::BackendWeights,
            routegroup: false,
            driver: Driver::Upstream("stackset-controller-v1.4.62"),
        },
    ];
    let reports: Vec<(Scenario, R<Report>)> = std::thread::scope(|s| {
        let handles: Vec<_> = scenarios
            .iter()
            .enumerate()
            .map(|(i, sc)| {
                let tier = &tier;
                s.spawn(move || match sc.driver {
                    Driver::ClientSide => client_side(tier, sc),
                    Driver::Upstream(bin) => upstream(tier, sc, bin, 7970 + i as u16),
                })
            })
            .collect();
        scenarios
            .iter()
            .zip(handles)
            .map(|(sc, h)| {
                (
                    *sc,
                    h.join()
                        .unwrap_or_else(|_| Err("the scenario panicked".into())),
                )
            })
            .collect()
    });
    let report = table(&reports);
    let _ = writeln!(
        std::io::stderr(),
        "Skipper tier up in {:.1}s, whole test {:.1}s\n{report}",
        started.as_secs_f64(),
        t0.elapsed().as_secs_f64()
    );
    let _ = std::fs::write(repo_root().join("target/skipper-split.md"), &report);
    let failed: Vec<String> = reports
        .iter()
        .filter_map(|(sc, r)| r.as_ref().err().map(|e| format!("{}: {e}", sc.label())))
        .collect();
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}
