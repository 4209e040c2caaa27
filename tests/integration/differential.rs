//! Differential tests against the real upstream stackset-controller (issue #11).
//!
//! Every scenario in `tests/differential/scenarios/*.yaml` runs three times in
//! one cluster, side by side:
//!
//! - namespace `up`: managed by the real upstream controller (v1.4.131, or
//!   v1.4.62 for `controller: legacy`), built from `../shared/upstream` by
//!   `tests/cluster/build-upstream.sh`;
//! - namespace `watch`: managed by `kubectl-stackset reconcile -A --watch`;
//! - namespace `once`: managed by repeated one-shot `kubectl-stackset reconcile`.
//!
//! After every step the harness waits until all three have converged (equal
//! and unchanged for a while, the scenario's expectations met), normalises what
//! must differ (UIDs, resourceVersions, timestamps, cluster IPs, managed fields,
//! the controller annotation) and compares every object the controllers own:
//! StackSets and Stacks with their status, Deployments, Services, HPAs,
//! Ingresses, RouteGroups, ConfigMaps, Secrets, and the controllers' events. A
//! difference fails the test with a unified diff of the two objects.
//!
//! All four controllers run cluster-wide for the whole corpus, each with its
//! own controller id; the harness also checks that no controller ever wrote an
//! object of another's StackSets (by the field managers on every object).
//!
//! `STACKSET_DIFF_SCENARIO=name[,name]` runs only those scenarios.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::Event as CoreEvent;
use kube::api::{Api, ApiResource, DeleteParams, DynamicObject, ListParams, Patch, PatchParams};
use kube::core::GroupVersionKind;
use kube::{Client, ResourceExt};
use serde_json::{Value, json};

pub use crate::common::scenario::{
    Expect, Flavour, SPAM_FILTER_BURST, SPAM_FILTERED, Scenario, State, Step,
    drop_spam_filtered_events, event_is_timing, load_corpus,
};
use crate::need_cluster;
use crate::support::{TestCluster, repo_root};

const CONTROLLER_ANNOTATION: &str = "stackset-controller.zalando.org/controller";
const MECHANISM_ANNOTATION: &str = "kubectl-stackset.io/traffic-mechanism";
pub const CLUSTER_DOMAIN: &str = "example.org";
pub const SYNC_ANNOTATION: &str = "example.org/i-haz-synchronize";

const ID_UPSTREAM: &str = "diff-upstream";
const ID_LEGACY: &str = "diff-upstream-legacy";
const ID_WATCH: &str = "diff-kubectl-stackset-watch";
const ID_ONCE: &str = "diff-kubectl-stackset-once";

/// How long the three namespaces must stay equal and unchanged to count as
/// converged: longer than two intervals of every controller.
const STABLE_FOR: Duration = Duration::from_secs(4);
const STEP_TIMEOUT: Duration = Duration::from_secs(120);
const POLL: Duration = Duration::from_millis(700);

// ---------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------

/// A child process killed when dropped, with its log kept in a file.
pub struct Proc {
    pub name: String,
    child: Child,
    pub log: PathBuf,
}

impl Proc {
    pub fn spawn(name: &str, cmd: &mut Command, log_dir: &Path) -> Proc {
        let log = log_dir.join(format!("{name}.log"));
        let file = std::fs::File::create(&log).expect("log file");
        let child = cmd
            .stdin(Stdio::null())
            .stdout(file.try_clone().expect("log file"))
            .stderr(file)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Proc {
            name: name.to_string(),
            child,
            log,
        }
    }

    /// Fails the test if the process has exited.
    pub fn assert_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            let tail = std::fs::read_to_string(&self.log).unwrap_or_default();
            let tail: Vec<&str> = tail.lines().rev().take(20).collect();
            panic!(
                "{} exited ({status}); last lines of {}:\n{}",
                self.name,
                self.log.display(),
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            );
        }
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn cluster_bin(name: &str) -> PathBuf {
    let dir = std::env::var_os("STACKSET_CLUSTER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/cluster/bin"));
    dir.join(name)
}

/// The upstream binary, or a loud failure that says how to build it.
pub fn upstream_bin(name: &str) -> PathBuf {
    let p = cluster_bin(name);
    assert!(
        p.is_file(),
        "{} is missing: build it with tests/cluster/build-upstream.sh (part of `make test`)",
        p.display()
    );
    p
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

pub fn log_dir(what: &str) -> PathBuf {
    let d = repo_root()
        .join("target/test-logs")
        .join(format!("{what}-{}", std::process::id()));
    std::fs::create_dir_all(&d).expect("log dir");
    d
}

/// `kubectl proxy` on a free port: the upstream programs have no kubeconfig
/// support and reach the API server through it, unauthenticated.
pub fn kubectl_proxy(cluster: &TestCluster, logs: &Path) -> (Proc, String) {
    let port = free_port();
    let mut cmd = Command::new("kubectl");
    cmd.arg("--kubeconfig").arg(&cluster.kubeconfig);
    if let Some(ctx) = cluster.admin_context() {
        cmd.args(["--context", &ctx]);
    }
    cmd.args(["proxy", &format!("--port={port}"), "--address=127.0.0.1"]);
    let proc = Proc::spawn(&format!("kubectl-proxy-{port}"), &mut cmd, logs);
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "kubectl proxy did not listen on {url}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (proc, url)
}

/// The flags both upstream releases and kubectl-stackset take for the same
/// behaviour (upstream spells a few differently).
fn upstream_flags(id: &str, apiserver: &str, namespace: Option<&str>, pcs: bool) -> Vec<String> {
    let mut f = vec![
        format!("--apiserver={apiserver}"),
        "--interval=1s".into(),
        format!("--cluster-domain={CLUSTER_DOMAIN}"),
        "--enable-routegroup-support".into(),
        "--enable-configmap-support".into(),
        "--enable-secret-support".into(),
        format!("--sync-ingress-annotation={SYNC_ANNOTATION}"),
        format!("--metrics-address=127.0.0.1:{}", free_port()),
    ];
    if pcs {
        f.push("--enable-pcs-support".into());
    }
    if !id.is_empty() {
        f.push(format!("--controller-id={id}"));
    }
    if let Some(ns) = namespace {
        f.push(format!("--namespace={ns}"));
    }
    f
}

/// Starts an upstream controller: `binary` is `stackset-controller` or
/// `stackset-controller-v1.4.62`; an empty `id` manages StackSets without the
/// controller annotation (optionally in one namespace only).
pub fn start_upstream(
    binary: &str,
    id: &str,
    apiserver: &str,
    namespace: Option<&str>,
    logs: &Path,
) -> Proc {
    let bin = upstream_bin(binary);
    let mut cmd = Command::new(bin);
    // v1.4.62 predates PlatformCredentialsSet support.
    let pcs = binary == "stackset-controller";
    cmd.args(upstream_flags(id, apiserver, namespace, pcs));
    Proc::spawn(
        &format!("{binary}-{}", if id.is_empty() { "noid" } else { id }),
        &mut cmd,
        logs,
    )
}

/// kubectl-stackset's engine flags equal to `upstream_flags`.
pub fn engine_flags(id: &str) -> Vec<String> {
    vec![
        format!("--controller-id={id}"),
        format!("--cluster-domain={CLUSTER_DOMAIN}"),
        "--routegroups".into(),
        "--configmap-support".into(),
        "--secret-support".into(),
        "--pcs-support".into(),
        format!("--sync-ingress-annotation={SYNC_ANNOTATION}"),
    ]
}

pub fn stackset_bin() -> &'static str {
    env!("CARGO_BIN_EXE_kubectl-stackset")
}

fn ours_cmd(cluster: &TestCluster) -> Command {
    let mut cmd = Command::new(stackset_bin());
    cmd.arg("--kubeconfig").arg(&cluster.kubeconfig);
    if let Some(ctx) = cluster.admin_context() {
        cmd.args(["--context", &ctx]);
    }
    cmd.env_remove("NO_COLOR");
    cmd
}

// ---------------------------------------------------------------------------
// Reading and normalising what the controllers made
// ---------------------------------------------------------------------------

/// The kinds compared, in the order the diff prints them.
pub fn compared_kinds() -> Vec<(&'static str, ApiResource)> {
    let crd = |kind: &str, plural: &str| {
        ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk("zalando.org", "v1", kind), plural)
    };
    let std = |group: &str, version: &str, kind: &str, plural: &str| {
        ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(group, version, kind), plural)
    };
    vec![
        ("StackSet", crd("StackSet", "stacksets")),
        ("Stack", crd("Stack", "stacks")),
        ("Deployment", std("apps", "v1", "Deployment", "deployments")),
        ("Service", std("", "v1", "Service", "services")),
        (
            "HorizontalPodAutoscaler",
            std(
                "autoscaling",
                "v2",
                "HorizontalPodAutoscaler",
                "horizontalpodautoscalers",
            ),
        ),
        (
            "Ingress",
            std("networking.k8s.io", "v1", "Ingress", "ingresses"),
        ),
        ("RouteGroup", crd("RouteGroup", "routegroups")),
        ("ConfigMap", std("", "v1", "ConfigMap", "configmaps")),
        ("Secret", std("", "v1", "Secret", "secrets")),
        (
            "PlatformCredentialsSet",
            crd("PlatformCredentialsSet", "platformcredentialssets"),
        ),
    ]
}

fn is_timestamp(s: &str) -> bool {
    // RFC 3339 as the API server writes it: 2026-12-02T18:25:04Z (with an
    // optional fraction); nothing else in these objects looks like that.
    let b = s.as_bytes();
    b.len() >= 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && s.ends_with('Z')
        && b[..4].iter().all(u8::is_ascii_digit)
}

fn blank_timestamps(v: &mut Value) {
    match v {
        Value::String(s) if is_timestamp(s) => *s = "<time>".into(),
        Value::Array(a) => a.iter_mut().for_each(blank_timestamps),
        Value::Object(m) => m.values_mut().for_each(blank_timestamps),
        _ => {}
    }
}

/// Drops what Kubernetes treats as absent: `null`, `{}`, and the empty
/// Ingress `path`. Upstream's Go types serialise some empty optional fields
/// when it writes a Stack or rewrites a StackSet (`metadata: {}`,
/// `resources: {}`, `path: ""`); we keep the user's form. Both mean the same
/// to the API server and to Skipper (docs/compatibility.md).
fn strip_empty(v: &mut Value) {
    match v {
        Value::Array(a) => a.iter_mut().for_each(strip_empty),
        Value::Object(m) => {
            m.values_mut().for_each(strip_empty);
            // A RouteGroup route backend's weight is a Go int: upstream
            // writes `weight: 0` where the user wrote none.
            let backend_ref = m.contains_key("backendName");
            m.retain(|k, v| {
                !(v.is_null()
                    || v.as_object().is_some_and(|o| o.is_empty())
                    || (k == "path" && v.as_str() == Some(""))
                    || (backend_ref && k == "weight" && v.as_f64() == Some(0.0)))
            });
        }
        _ => {}
    }
}

/// What a comparison sees of one object: what both controllers must agree on.
pub fn normalise(kind: &str, obj: &Value) -> Value {
    let mut out = serde_json::Map::new();
    let meta = &obj["metadata"];
    let mut m = serde_json::Map::new();
    m.insert("name".into(), meta["name"].clone());
    if let Some(labels) = meta.get("labels").filter(|l| !l.is_null()) {
        m.insert("labels".into(), labels.clone());
    }
    if let Some(ann) = meta.get("annotations").and_then(Value::as_object) {
        let mut ann = ann.clone();
        ann.remove(CONTROLLER_ANNOTATION);
        ann.remove("kubectl.kubernetes.io/last-applied-configuration");
        if !ann.is_empty() {
            m.insert("annotations".into(), Value::Object(ann));
        }
    }
    if let Some(refs) = meta.get("ownerReferences").and_then(Value::as_array) {
        let refs: Vec<Value> = refs
            .iter()
            .map(|r| {
                let mut r = r.clone();
                if let Some(o) = r.as_object_mut() {
                    o.remove("uid");
                }
                r
            })
            .collect();
        m.insert("ownerReferences".into(), Value::Array(refs));
    }
    out.insert("metadata".into(), Value::Object(m));
    for key in ["spec", "data", "stringData", "type"] {
        if let Some(v) = obj.get(key).filter(|v| !v.is_null()) {
            out.insert(key.into(), v.clone());
        }
    }
    // Statuses that the controllers write are compared; the ones that
    // Kubernetes itself writes (Deployments, HPAs, Services, Ingresses) are not.
    if matches!(kind, "StackSet" | "Stack")
        && let Some(s) = obj.get("status").filter(|v| !v.is_null())
    {
        let mut s = s.clone();
        if kind == "StackSet"
            && let Some(st) = s.as_object_mut()
        {
            // Kept difference (docs/compatibility.md): upstream loses
            // observedStackVersion to a stale status write right after it
            // creates a Stack; we keep it.
            st.remove("observedStackVersion");
        }
        out.insert("status".into(), s);
    }
    if kind == "Service"
        && let Some(spec) = out.get_mut("spec").and_then(Value::as_object_mut)
    {
        spec.remove("clusterIP");
        spec.remove("clusterIPs");
    }
    let mut v = Value::Object(out);
    blank_timestamps(&mut v);
    strip_empty(&mut v);
    v
}

fn replace_string(v: &mut Value, from: &str, to: &str) {
    match v {
        Value::String(s) if s == from => *s = to.into(),
        Value::Array(a) => a.iter_mut().for_each(|x| replace_string(x, from, to)),
        Value::Object(m) => m.values_mut().for_each(|x| replace_string(x, from, to)),
        _ => {}
    }
}

/// SHA-1 in hex, from coreutils' sha1sum (the tests need no crate for it).
fn sha1_hex(s: &str) -> String {
    use std::io::Write;
    let mut child = Command::new("sha1sum")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("sha1sum");
    child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    let out = child.wait_with_output().expect("sha1sum");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Field managers that identify a controller on an object.
pub fn managers(obj: &Value) -> BTreeSet<String> {
    obj["metadata"]["managedFields"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f["manager"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

pub struct Reader {
    client: Client,
    kinds: Vec<(&'static str, ApiResource)>,
}

impl Reader {
    pub async fn new(client: Client) -> Reader {
        Reader {
            client,
            kinds: compared_kinds(),
        }
    }

    /// The normalised state of `ns`, and the field managers seen on its objects.
    pub async fn read(
        &self,
        ns: &str,
        skip: &BTreeSet<String>,
    ) -> Result<(State, BTreeMap<String, BTreeSet<String>>), String> {
        let mut state = State::new();
        let mut mgrs = BTreeMap::new();
        for (kind, ar) in &self.kinds {
            if skip.contains(*kind) {
                continue;
            }
            let api: Api<DynamicObject> = Api::namespaced_with(self.client.clone(), ns, ar);
            let list = api
                .list(&ListParams::default())
                .await
                .map_err(|e| format!("list {kind} in {ns}: {e}"))?;
            for o in list.items {
                let name = o.name_any();
                // What Kubernetes puts in every namespace is not the controllers'.
                if *kind == "ConfigMap" && name == "kube-root-ca.crt" {
                    continue;
                }
                let v = serde_json::to_value(&o).map_err(|e| e.to_string())?;
                mgrs.insert(format!("{kind}/{name}"), managers(&v));
                let mut n = normalise(kind, &v);
                if *kind == "HorizontalPodAutoscaler" {
                    // ZMON metrics select by sha1("<namespace>-<stack>"): it
                    // differs per namespace by design, so it is checked
                    // against its definition and then blanked.
                    let want = sha1_hex(&format!("{ns}-{name}"));
                    replace_string(&mut n, &want, "<sha1 of namespace-stack>");
                }
                state.insert(format!("{kind}/{name}"), n);
            }
        }
        let events: Api<CoreEvent> = Api::namespaced(self.client.clone(), ns);
        let list = events
            .list(&ListParams::default())
            .await
            .map_err(|e| format!("list events in {ns}: {e}"))?;
        // What the controller recorded on each object, conflicts included:
        // client-go's spam filter counts every one of them.
        let mut recorded: BTreeMap<String, i64> = BTreeMap::new();
        for e in list.items {
            let by = e
                .reporting_component
                .clone()
                .filter(|c| !c.is_empty())
                .or_else(|| e.source.as_ref().and_then(|s| s.component.clone()))
                .unwrap_or_default();
            if by != "stackset-controller" && by != "kubectl-stackset" {
                continue;
            }
            let object = format!(
                "{}/{}",
                e.involved_object.kind.clone().unwrap_or_default(),
                e.involved_object.name.clone().unwrap_or_default()
            );
            *recorded.entry(object).or_default() += i64::from(e.count.unwrap_or(1).max(1));
            // Timing, not behaviour: a lost race, a write that raced a
            // deletion, a request given up on under load.
            if event_is_timing(
                e.reason.as_deref().unwrap_or_default(),
                e.message.as_deref().unwrap_or_default(),
            ) {
                continue;
            }
            let key = format!(
                "Event/{} {}/{} {}",
                e.type_.clone().unwrap_or_default(),
                e.involved_object.kind.clone().unwrap_or_default(),
                e.involved_object.name.clone().unwrap_or_default(),
                e.reason.clone().unwrap_or_default()
            );
            state.insert(key, Value::Bool(true));
        }
        for (object, n) in recorded {
            if n >= SPAM_FILTER_BURST {
                state.insert(format!("{SPAM_FILTERED}{object}"), Value::from(n));
            }
        }
        Ok((state, mgrs))
    }
}

/// A unified diff of every object that differs between `a` and `b`.
pub fn state_diff(a_name: &str, a: &State, b_name: &str, b: &State) -> Vec<String> {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let mut out = Vec::new();
    for k in keys {
        let (x, y) = (a.get(k), b.get(k));
        if x == y {
            continue;
        }
        let show = |v: Option<&Value>| match v {
            Some(v) => serde_json::to_string_pretty(v).unwrap() + "\n",
            None => String::new(),
        };
        let (sx, sy) = (show(x), show(y));
        let diff = similar::TextDiff::from_lines(&sx, &sy)
            .unified_diff()
            .context_radius(4)
            .header(&format!("{a_name}: {k}"), &format!("{b_name}: {k}"))
            .to_string();
        out.push(match (x, y) {
            (None, _) => format!("{k}: only in {b_name}\n{diff}"),
            (_, None) => format!("{k}: only in {a_name}\n{diff}"),
            _ => format!("{k}: differs\n{diff}"),
        });
    }
    out
}

/// Checks a step's expectations on one namespace's raw state.
fn unmet(expect: &Expect, state: &State, stackset: &str) -> Vec<String> {
    let mut why = Vec::new();
    if let Some(want) = &expect.stacks {
        let got: BTreeSet<String> = state
            .keys()
            .filter_map(|k| k.strip_prefix("Stack/").map(str::to_string))
            .collect();
        if &got != want {
            why.push(format!("stacks are {got:?}, expected {want:?}"));
        }
    }
    if let Some(want) = &expect.traffic {
        let ss = state.get(&format!("StackSet/{stackset}"));
        let got: BTreeMap<String, f64> = ss
            .and_then(|s| s["status"]["traffic"].as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|t| {
                        Some((t["stackName"].as_str()?.to_string(), t["weight"].as_f64()?))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let nonzero = |m: &BTreeMap<String, f64>| -> BTreeMap<String, f64> {
            m.iter()
                .filter(|(_, w)| **w > 0.0)
                .map(|(k, w)| (k.clone(), *w))
                .collect()
        };
        if nonzero(&got) != nonzero(want) {
            why.push(format!("actual traffic is {got:?}, expected {want:?}"));
        }
    }
    for (k, n) in &expect.exists {
        if !state.contains_key(&format!("{k}/{n}")) {
            why.push(format!("{k}/{n} does not exist"));
        }
    }
    for (k, n) in &expect.absent {
        if state.contains_key(&format!("{k}/{n}")) {
            why.push(format!("{k}/{n} exists"));
        }
    }
    for (d, want) in &expect.replicas {
        let got = state
            .get(&format!("Deployment/{d}"))
            .and_then(|o| o["spec"]["replicas"].as_i64());
        if got != Some(*want) {
            why.push(format!(
                "Deployment/{d} has replicas {got:?}, expected {want}"
            ));
        }
    }
    why
}

// ---------------------------------------------------------------------------
// Running a scenario
// ---------------------------------------------------------------------------

/// Where one copy of a scenario runs and who manages it.
#[derive(Clone)]
pub struct Side {
    pub label: &'static str,
    pub ns: String,
    pub controller_id: &'static str,
    /// Field managers that must never appear on this side's objects.
    pub foreign_managers: &'static [&'static str],
}

pub struct Outcome {
    pub steps: usize,
    pub objects_compared: usize,
    pub failures: Vec<String>,
}

pub async fn apply_object(client: &Client, ns: &str, obj: &Value) -> Result<(), String> {
    let gvk = {
        let api_version = obj["apiVersion"]
            .as_str()
            .ok_or("object without apiVersion")?;
        let kind = obj["kind"].as_str().ok_or("object without kind")?;
        let (g, v) = api_version.split_once('/').unwrap_or(("", api_version));
        GroupVersionKind::gvk(g, v, kind)
    };
    let ar = compared_kinds()
        .into_iter()
        .find(|(k, _)| *k == gvk.kind)
        .map(|(_, ar)| ar)
        .unwrap_or_else(|| ApiResource::from_gvk(&gvk));
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), ns, &ar);
    let name = obj["metadata"]["name"]
        .as_str()
        .ok_or("object without a name")?;
    let mut obj = obj.clone();
    obj["metadata"]["namespace"] = Value::String(ns.into());
    api.patch(
        name,
        &PatchParams::apply("differential-harness").force(),
        &Patch::Apply(&obj),
    )
    .await
    .map_err(|e| format!("apply {}/{name} in {ns}: {e}", gvk.kind))?;
    Ok(())
}

fn resource_of(kind: &str) -> Result<ApiResource, String> {
    compared_kinds()
        .into_iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, ar)| ar)
        .ok_or_else(|| format!("unknown kind {kind}"))
}

async fn patch_object(
    client: &Client,
    ns: &str,
    kind: &str,
    name: &str,
    patch: &Value,
) -> Result<(), String> {
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), ns, &resource_of(kind)?);
    api.patch(name, &PatchParams::default(), &Patch::Merge(patch))
        .await
        .map_err(|e| format!("patch {kind}/{name} in {ns}: {e}"))?;
    Ok(())
}

async fn delete_object(client: &Client, ns: &str, kind: &str, name: &str) -> Result<(), String> {
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), ns, &resource_of(kind)?);
    api.delete(name, &DeleteParams::background())
        .await
        .map_err(|e| format!("delete {kind}/{name} in {ns}: {e}"))?;
    Ok(())
}

fn stackset_for(scenario: &Scenario, side: &Side) -> Value {
    let mut ss = scenario.stackset.clone();
    ss["apiVersion"] = json!("zalando.org/v1");
    ss["kind"] = json!("StackSet");
    let ann = &mut ss["metadata"]["annotations"];
    if ann.is_null() {
        *ann = json!({});
    }
    ann[CONTROLLER_ANNOTATION] = json!(side.controller_id);
    if scenario.flavour == Flavour::Legacy {
        ann[MECHANISM_ANNOTATION] = json!("backend-weights");
    }
    ss
}

fn traffic_patch(t: &BTreeMap<String, f64>) -> Value {
    let list: Vec<Value> = t
        .iter()
        .map(|(stack, w)| json!({"stackName": stack, "weight": w}))
        .collect();
    json!({"spec": {"traffic": list}})
}

/// Runs one scenario on its sides; `once` is reconciled by the harness with
/// one-shot `reconcile` runs, the others by controllers already running.
pub async fn run_scenario(
    cluster: &TestCluster,
    client: &Client,
    scenario: &Scenario,
    sides: &[Side],
    once: Option<&Side>,
) -> Outcome {
    let mut out = Outcome {
        steps: 0,
        objects_compared: 0,
        failures: Vec::new(),
    };
    let name = scenario.stackset["metadata"]["name"]
        .as_str()
        .expect("stackset.metadata.name")
        .to_string();
    let reader = Reader::new(client.clone()).await;
    let all: Vec<&Side> = sides.iter().chain(once).collect();
    let fail = |out: &mut Outcome, msg: String| {
        out.failures
            .push(format!("scenario {}: {msg}", scenario.name));
    };

    // Step 0 creates the StackSet; the others follow the file.
    let mut steps = vec![Step {
        description: "create the StackSet".into(),
        ..Step::default()
    }];
    if let Some(first) = scenario.steps.first()
        && first.create.is_empty()
        && first.patch.is_none()
        && first.traffic.is_none()
        && first.patch_objects.is_empty()
        && first.delete.is_empty()
        && first.wait.is_none()
    {
        // A first step with only expectations describes the creation itself.
        steps[0].expect = first.expect.clone();
        steps[0].description = first.description.clone();
        steps.extend(scenario.steps.iter().skip(1).cloned());
    } else {
        steps.extend(scenario.steps.iter().cloned());
    }

    for (i, step) in steps.iter().enumerate() {
        let label = format!("step {i} ({})", step.description);
        for side in &all {
            let r: Result<(), String> = async {
                if i == 0 {
                    for o in &scenario.setup {
                        apply_object(client, &side.ns, o).await?;
                    }
                    apply_object(client, &side.ns, &stackset_for(scenario, side)).await?;
                }
                for o in &step.create {
                    apply_object(client, &side.ns, o).await?;
                }
                let api: Api<stackset_core::api::StackSet> =
                    Api::namespaced(client.clone(), &side.ns);
                if let Some(p) = &step.patch {
                    api.patch(&name, &PatchParams::default(), &Patch::Merge(p))
                        .await
                        .map_err(|e| format!("patch the StackSet: {e}"))?;
                }
                if let Some(t) = &step.traffic {
                    api.patch(
                        &name,
                        &PatchParams::default(),
                        &Patch::Merge(&traffic_patch(t)),
                    )
                    .await
                    .map_err(|e| format!("set traffic: {e}"))?;
                }
                for ((k, n), p) in &step.patch_objects {
                    patch_object(client, &side.ns, k, n, p).await?;
                }
                for (k, n) in &step.delete {
                    delete_object(client, &side.ns, k, n).await?;
                }
                Ok(())
            }
            .await;
            if let Err(e) = r {
                fail(
                    &mut out,
                    format!("{label}: {} ({}): {e}", side.label, side.ns),
                );
                return out;
            }
        }
        if let Some(w) = step.wait {
            tokio::time::sleep(w).await;
        }
        match converge(cluster, &reader, scenario, &name, step, sides, once).await {
            Ok((states, mgrs)) => {
                out.steps += 1;
                out.objects_compared += states[0].len();
                for (side, m) in all.iter().zip(&mgrs) {
                    for (obj, managers) in m {
                        for bad in side.foreign_managers {
                            if managers.iter().any(|m| m == bad) {
                                fail(
                                    &mut out,
                                    format!(
                                        "{label}: {} ({}) {obj} was written by {bad} (managers {managers:?})",
                                        side.label, side.ns
                                    ),
                                );
                            }
                        }
                    }
                }
            }
            Err(msg) => {
                fail(&mut out, format!("{label}: {msg}"));
                return out;
            }
        }
    }
    out
}

type Read = (Vec<State>, Vec<BTreeMap<String, BTreeSet<String>>>);

async fn converge(
    cluster: &TestCluster,
    reader: &Reader,
    scenario: &Scenario,
    name: &str,
    step: &Step,
    sides: &[Side],
    once: Option<&Side>,
) -> Result<Read, String> {
    let deadline = Instant::now() + STEP_TIMEOUT;
    let mut last: Option<Vec<State>> = None;
    let mut stable_since = Instant::now();
    let mut once_err: Option<String> = None;
    let mut spam_noted = BTreeSet::new();
    loop {
        if let Some(o) = once {
            let mut cmd = ours_cmd(cluster);
            cmd.args(["reconcile", "--all", "-n", &o.ns])
                .args(engine_flags(o.controller_id));
            let r = tokio::task::spawn_blocking(move || cmd.output())
                .await
                .expect("join")
                .map_err(|e| format!("cannot run reconcile: {e}"))?;
            // A reconcile that reports errors (a broken stack, say) exits
            // non-zero, as upstream logs them and goes on; the comparison of
            // the objects decides.
            once_err = (!r.status.success()).then(|| {
                format!(
                    "; the last one-shot reconcile exited {}: {}",
                    r.status,
                    String::from_utf8_lossy(&r.stderr).trim()
                )
            });
        }
        let mut states = Vec::new();
        let mut mgrs = Vec::new();
        for side in sides.iter().chain(once) {
            let (s, m) = reader.read(&side.ns, &scenario.skip_kinds).await?;
            states.push(s);
            mgrs.push(m);
        }
        for o in drop_spam_filtered_events(&mut states) {
            // Said once per object, however many more events follow.
            let object = o.split(" (").next().unwrap_or(&o).to_string();
            if spam_noted.insert(object) {
                eprintln!(
                    "[differential] {name}: events on {o} not compared: upstream reached client-go's spam-filter budget of {SPAM_FILTER_BURST}"
                );
            }
        }
        let labels: Vec<&str> = sides.iter().chain(once).map(|s| s.label).collect();
        let equal = states.windows(2).all(|w| w[0] == w[1]);
        let unmet_all: Vec<String> = states
            .iter()
            .zip(&labels)
            .flat_map(|(s, l)| {
                unmet(&step.expect, s, name)
                    .into_iter()
                    .map(move |u| format!("{l}: {u}"))
            })
            .collect();
        if last.as_ref() != Some(&states) {
            stable_since = Instant::now();
        }
        last = Some(states.clone());
        if equal && unmet_all.is_empty() && stable_since.elapsed() >= STABLE_FOR {
            return Ok((states, mgrs));
        }
        if Instant::now() > deadline {
            let mut msg = format!(
                "not converged after {STEP_TIMEOUT:?} (equal: {equal}; unmet expectations: {unmet_all:?}){}",
                once_err.unwrap_or_default()
            );
            for (i, s) in states.iter().enumerate().skip(1) {
                for d in state_diff(labels[0], &states[0], labels[i], s) {
                    msg.push('\n');
                    msg.push_str(&d);
                }
            }
            return Err(msg);
        }
        tokio::time::sleep(POLL).await;
    }
}

// ---------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn differential_corpus_against_upstream() {
    let cluster = need_cluster!("differential_corpus_against_upstream");
    let client = cluster.client().await;
    let logs = log_dir("differential");
    let only: Option<BTreeSet<String>> = std::env::var("STACKSET_DIFF_SCENARIO")
        .ok()
        .map(|s| s.split(',').map(str::to_string).collect());
    let corpus: Vec<Scenario> = load_corpus()
        .into_iter()
        .filter(|s| only.as_ref().is_none_or(|o| o.contains(&s.name)))
        .collect();
    assert!(!corpus.is_empty(), "no scenario selected");

    // All four controllers run cluster-wide for the whole corpus.
    let (mut proxy, url) = kubectl_proxy(cluster, &logs);
    let mut upstream = start_upstream("stackset-controller", ID_UPSTREAM, &url, None, &logs);
    let mut legacy = start_upstream("stackset-controller-v1.4.62", ID_LEGACY, &url, None, &logs);
    let mut watch = {
        let mut cmd = ours_cmd(cluster);
        cmd.args(["reconcile", "-A", "--watch", "--interval", "1s"])
            .args(engine_flags(ID_WATCH));
        Proc::spawn("kubectl-stackset-watch", &mut cmd, &logs)
    };

    const UPSTREAM_MANAGERS: &[&str] = &["stackset-controller"];
    const OUR_MANAGERS: &[&str] = &["kubectl-stackset"];
    let sem = Arc::new(tokio::sync::Semaphore::new(4));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for scenario in corpus.clone() {
        let sem = sem.clone();
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire_owned().await.expect("semaphore");
            let t0 = Instant::now();
            let short: String = scenario.name.chars().take(24).collect();
            // A scenario that differs runs once more in fresh namespaces,
            // and only the second run decides: upstream's own timing (an
            // informer seconds behind on a loaded machine, the races and
            // events that follow) can differ once, a behaviour differs
            // every time. The first run's differences are printed and kept
            // in report.txt either way.
            let mut first_run: Option<Outcome> = None;
            let outcome = loop {
                let ns_up = cluster.namespace(&format!("d-{short}-up")).await;
                let ns_watch = cluster.namespace(&format!("d-{short}-w")).await;
                let ns_once = cluster.namespace(&format!("d-{short}-1")).await;
                let sides = vec![
                    Side {
                        label: if scenario.flavour == Flavour::Legacy {
                            "upstream v1.4.62"
                        } else {
                            "upstream v1.4.131"
                        },
                        ns: ns_up.name.clone(),
                        controller_id: if scenario.flavour == Flavour::Legacy {
                            ID_LEGACY
                        } else {
                            ID_UPSTREAM
                        },
                        foreign_managers: OUR_MANAGERS,
                    },
                    Side {
                        label: "kubectl-stackset --watch",
                        ns: ns_watch.name.clone(),
                        controller_id: ID_WATCH,
                        foreign_managers: UPSTREAM_MANAGERS,
                    },
                ];
                let once = Side {
                    label: "kubectl-stackset one-shot",
                    ns: ns_once.name.clone(),
                    controller_id: ID_ONCE,
                    foreign_managers: UPSTREAM_MANAGERS,
                };
                let outcome = run_scenario(cluster, &client, &scenario, &sides, Some(&once)).await;
                if outcome.failures.is_empty() || first_run.is_some() {
                    break outcome;
                }
                eprintln!(
                    "[differential] {}: DIFFERENT on the first run, running it once more in fresh namespaces:\n{}",
                    scenario.name,
                    outcome.failures.join("\n")
                );
                first_run = Some(outcome);
            };
            let line = format!(
                "{}: {} steps, {} objects compared, {} in {:.0?}",
                scenario.name,
                outcome.steps,
                outcome.objects_compared,
                match (&first_run, outcome.failures.is_empty()) {
                    (_, false) => "DIFFERENT".to_string(),
                    (None, true) => "equal".to_string(),
                    (Some(f), true) => format!(
                        "equal on the second run (the first had {} differences, kept below)",
                        f.failures.len()
                    ),
                },
                t0.elapsed()
            );
            eprintln!("[differential] {line}");
            let first: Vec<String> = first_run
                .map(|f| {
                    f.failures
                        .iter()
                        .map(|d| format!("first run of {}: {d}", scenario.name))
                        .collect()
                })
                .unwrap_or_default();
            (outcome, line, first)
        }));
    }
    let mut failures = Vec::new();
    let (mut steps, mut objects) = (0, 0);
    let mut lines = Vec::new();
    let mut reruns = Vec::new();
    for t in tasks {
        let (o, line, first) = t.await.expect("scenario task");
        steps += o.steps;
        objects += o.objects_compared;
        failures.extend(o.failures);
        lines.push(line);
        reruns.push(first);
    }
    upstream.assert_running();
    legacy.assert_running();
    watch.assert_running();
    proxy.assert_running();
    let rerun = reruns.iter().filter(|f| !f.is_empty()).count();
    let summary = format!(
        "{} scenarios, {steps} converged steps, {objects} objects compared in each of 3 namespaces per step, {} failures, {rerun} scenarios run twice, {:.0?}",
        corpus.len(),
        failures.len(),
        started.elapsed()
    );
    eprintln!("[differential] {summary}");
    // Kept for the closing figures: a passing test's output is captured.
    lines.sort();
    lines.push(summary);
    lines.extend(failures.iter().cloned());
    lines.extend(reruns.into_iter().flatten());
    let _ = std::fs::write(logs.join("report.txt"), lines.join("\n") + "\n");
    assert!(
        failures.is_empty(),
        "{} differences between upstream and kubectl-stackset (controller logs in {}):\n\n{}",
        failures.len(),
        logs.display(),
        failures.join("\n\n")
    );
}
