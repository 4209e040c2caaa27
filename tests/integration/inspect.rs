//! The read commands (`get`, `list`, `traffic`, `history`, `status`) against
//! the real local control plane (issue #5): what they show, their exit codes,
//! watching, errors, and how many requests they make.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::jiff::Timestamp;
use kube::Client;
use kube::api::{Api, Patch, PatchParams, PostParams};
use kubectl_stackset::cluster::execute::ExecOptions;
use kubectl_stackset::cluster::reconcile::{Settings, reconcile_one};
use serde_json::{Value, json};
use stackset_core::Options;
use stackset_core::api::StackSet;

use crate::need_cluster;
use crate::support::{RequestCounter, TestCluster, TestNamespace, eventually, stackset_cmd};

const OURS: &str = "kubectl-stackset";

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A StackSet on `<name>.example.org`, 2 replicas, segments; claimed for
/// client-side management unless `claimed` is false.
fn stackset(name: &str, version: &str, image_tag: &str, claimed: bool) -> Value {
    let mut annotations = serde_json::Map::new();
    if claimed {
        annotations.insert(
            "stackset-controller.zalando.org/controller".into(),
            OURS.into(),
        );
    }
    json!({
        "apiVersion": "zalando.org/v1",
        "kind": "StackSet",
        "metadata": {"name": name, "labels": {"team": name}, "annotations": annotations},
        "spec": {
            "ingress": {"hosts": [format!("{name}.example.org")], "backendPort": 80},
            "stackLifecycle": {"scaledownTTLSeconds": 300, "limit": 5},
            "stackTemplate": {"spec": {
                "version": version,
                "replicas": 2,
                "podTemplate": {"spec": {"containers": [{
                    "name": "app", "image": format!("example/{name}:{image_tag}"),
                    "ports": [{"containerPort": 80, "name": "http"}]
                }]}}
            }}
        }
    })
}

fn settings() -> Settings {
    Settings {
        options: Options::default(),
        controller_id: OURS.into(),
        claim: false,
        exec: ExecOptions {
            server_dry_run: false,
            events: true,
        },
    }
}

async fn create(client: &Client, ns: &str, obj: Value) {
    let api: Api<StackSet> = Api::namespaced(client.clone(), ns);
    let ss: StackSet = serde_json::from_value(obj).expect("stackset fixture");
    api.create(&PostParams::default(), &ss)
        .await
        .expect("create stackset");
}

async fn patch(client: &Client, ns: &str, name: &str, patch: Value) {
    let api: Api<StackSet> = Api::namespaced(client.clone(), ns);
    api.patch(name, &PatchParams::default(), &Patch::Merge(&patch))
        .await
        .expect("patch stackset");
}

async fn reconcile(client: &Client, ns: &str, name: &str) {
    reconcile_one(client, ns, name, &settings(), Timestamp::now())
        .await
        .unwrap_or_else(|f| panic!("reconcile failed: {} ({:?})", f.message(), f.hint));
}

/// Actual weights from the StackSet's status, read directly (not through the
/// code under test).
async fn actual(client: &Client, ns: &str, name: &str) -> BTreeMap<String, u32> {
    let api: Api<StackSet> = Api::namespaced(client.clone(), ns);
    let v = serde_json::to_value(api.get(name).await.expect("get stackset")).unwrap();
    v.pointer("/status/traffic")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|t| {
            (
                t["stackName"].as_str().unwrap_or_default().to_string(),
                t["weight"].as_f64().unwrap_or(0.0).round() as u32,
            )
        })
        .filter(|(_, w)| *w > 0)
        .collect()
}

async fn deployment_ready(client: &Client, ns: &str, name: &str) -> bool {
    let api: Api<Deployment> = Api::namespaced(client.clone(), ns);
    let Ok(d) = api.get(name).await else {
        return false;
    };
    let want = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let st = d.status.unwrap_or_default();
    want > 0
        && st.ready_replicas.unwrap_or(0) == want
        && st.observed_generation == d.metadata.generation
}

/// Reconciles until the `ready` stacks' Deployments are ready and all actual
/// traffic is on `serving`.
async fn converge(client: &Client, ns: &str, name: &str, ready: &[&str], serving: &str) {
    eventually(
        &format!("{name}: {ready:?} ready, {serving} serving"),
        Duration::from_secs(90),
        || async {
            reconcile(client, ns, name).await;
            for r in ready {
                if !deployment_ready(client, ns, r).await {
                    return None;
                }
            }
            let got = actual(client, ns, name).await;
            (got.len() == 1 && got.get(serving) == Some(&100)).then_some(())
        },
    )
    .await;
}

/// `shop` with v1 ready and serving 100 %.
async fn healthy_shop(cluster: &TestCluster, test: &str) -> (TestNamespace, Client) {
    let ns = cluster.namespace(test).await;
    let client = cluster.client().await;
    create(&client, &ns.name, stackset("shop", "v1", "v1", true)).await;
    converge(&client, &ns.name, "shop", &["shop-v1"], "shop-v1").await;
    (ns, client)
}

/// `shop` with v1 serving 100 % and v2 (whose pods never become ready) asked
/// for 100 %: the switch is blocked and a TrafficNotSwitched event exists.
async fn blocked_shop(cluster: &TestCluster, test: &str) -> (TestNamespace, Client) {
    let (ns, client) = healthy_shop(cluster, test).await;
    patch(
        &client,
        &ns.name,
        "shop",
        json!({"spec": {"stackTemplate": {"spec": {"version": "v2", "podTemplate": {"spec": {
            "containers": [{"name": "app", "image": "example/shop:broken",
                            "ports": [{"containerPort": 80, "name": "http"}]}]}}}}}}),
    )
    .await;
    reconcile(&client, &ns.name, "shop").await;
    patch(
        &client,
        &ns.name,
        "shop",
        json!({"spec": {"traffic": [{"stackName": "shop-v2", "weight": 100}]}}),
    )
    .await;
    reconcile(&client, &ns.name, "shop").await;
    (ns, client)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(cmd: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("run kubectl-stackset");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

fn stackset_in(cluster: &TestCluster, ns: &TestNamespace, args: &[&str]) -> Run {
    let mut cmd = stackset_cmd(cluster, &ns.name);
    cmd.args(args);
    run(&mut cmd)
}

fn yaml(text: &str) -> Value {
    serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("not YAML ({e}): {text}"))
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

fn assert_no_panic(r: &Run) {
    assert!(
        !r.stderr.contains("panicked") && !r.stderr.contains("RUST_BACKTRACE"),
        "a panic: {}",
        r.stderr
    );
}

/// The lines of a child's pipe, read by a thread, so that every read can
/// have a deadline (`recv_timeout`); the channel closes at end of file.
fn lines_of(pipe: impl Read + Send + 'static) -> std::sync::mpsc::Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Sends SIGINT (what Ctrl-C sends) to a child we started.
fn interrupt(child: &Child) {
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -INT failed");
}

fn wait_with_deadline(child: &mut Child, limit: Duration) -> i32 {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status.code().unwrap_or(-1);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("the process did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A kubeconfig copy in the target dir whose current context is `context`
/// with its namespace set to `namespace`.
fn kubeconfig_with_namespace(cluster: &TestCluster, namespace: &str) -> PathBuf {
    let dir = crate::support::repo_root().join("target/tmp");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("kubeconfig-ns-{namespace}"));
    std::fs::copy(&cluster.kubeconfig, &path).unwrap();
    let ctx = cluster
        .admin_context()
        .unwrap_or_else(|| "stackset-local".into());
    let ok = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&path)
        .args(["config", "set-context", &ctx, "--namespace", namespace])
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let ok = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&path)
        .args(["config", "use-context", &ctx])
        .output()
        .unwrap();
    assert!(ok.status.success());
    path
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_kubectl-stackset")
}

// ---------------------------------------------------------------------------
// get
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn get_shows_who_manages_it_each_stack_and_why_traffic_waits() {
    let cluster = need_cluster!("get_shows_who_manages_it_each_stack_and_why_traffic_waits");
    let (ns, _client) = blocked_shop(cluster, "get-blocked").await;

    let r = stackset_in(cluster, &ns, &["get", "shop"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = &r.stdout;
    assert!(out.contains(&format!("Namespace:  {}\n", ns.name)), "{out}");
    assert!(out.contains("Context:    stackset-local\n"), "{out}");
    assert!(
        out.contains("Managed by: client-side (kubectl-stackset)\n"),
        "{out}"
    );
    assert!(out.contains("Version:    v2 (stack shop-v2)\n"), "{out}");
    assert!(
        out.contains("Status:     Progressing - waiting for v2: 0/2 ready, need 2\n"),
        "{out}"
    );
    let row = |v: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(v))
            .unwrap_or_else(|| panic!("no row {v}: {out}"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        &row("v1")[..6],
        ["v1", "0%", "100%", "██████████", "2/2", "2"],
        "{out}"
    );
    assert_eq!(
        &row("v2*")[..6],
        ["v2*", "100%", "0%", "░░░░░░░░░░", "0/2", "2"],
        "{out}"
    );
    assert!(
        row("v2*")
            .join(" ")
            .contains("not ready (0/2 ready, need 2)"),
        "{out}"
    );
    assert!(
        out.contains("Actual traffic differs from desired: waiting for v2: 0/2 ready, need 2"),
        "{out}"
    );
    // The reconciles published TrafficNotSwitched; it shows once, de-duplicated.
    let warnings: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("TrafficNotSwitched"))
        .collect();
    assert_eq!(warnings.len(), 1, "{out}");
    assert!(warnings[0].contains("stackset"), "{out}");

    // The same as a documented JSON view.
    let r = stackset_in(cluster, &ns, &["get", "shop", "-o", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = json_of(&r.stdout);
    assert_eq!(v["apiVersion"], "kubectl-stackset.io/v1alpha1");
    assert_eq!(v["kind"], "StackSetView");
    assert_eq!(v["managedBy"]["mode"], "client-side");
    assert_eq!(v["status"]["phase"], "Progressing");
    assert_eq!(v["status"]["trafficSwitched"], false);
    assert_eq!(v["stacks"][1]["name"], "shop-v2");
    assert_eq!(v["stacks"][1]["desiredWeight"], 100);
    assert_eq!(v["stacks"][1]["actualWeight"], 0);
    assert_eq!(v["stacks"][1]["state"], "not-ready");
    assert_eq!(v["stacks"][1]["images"][0], "example/shop:broken");
    assert_eq!(
        v["stacks"][1]["trafficNote"],
        "waiting for v2: 0/2 ready, need 2"
    );
    assert_eq!(v["events"][0]["reason"], "TrafficNotSwitched");

    // YAML is the same document.
    let r = stackset_in(cluster, &ns, &["get", "shop", "-o", "yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let y = yaml(&r.stdout);
    assert_eq!(y["stacks"], v["stacks"]);

    // Wide adds the stack names and images.
    let r = stackset_in(cluster, &ns, &["get", "shop", "-o", "wide"]);
    assert!(r.stdout.contains("IMAGES"), "{}", r.stdout);
    assert!(r.stdout.contains("example/shop:broken"), "{}", r.stdout);
    assert!(r.stdout.contains("shop-v2"), "{}", r.stdout);

    // -o name.
    let r = stackset_in(cluster, &ns, &["get", "shop", "-o", "name"]);
    assert_eq!(r.stdout, "stackset.zalando.org/shop\n");

    // No colour into a pipe, unless asked for.
    let plain = stackset_in(cluster, &ns, &["get", "shop"]);
    assert!(!plain.stdout.contains('\x1b'), "{:?}", plain.stdout);
    let r = stackset_in(cluster, &ns, &["get", "shop", "--color", "always"]);
    assert!(
        r.stdout.contains("\x1b[33mProgressing\x1b[0m"),
        "{:?}",
        r.stdout
    );
    let r = stackset_in(cluster, &ns, &["get", "shop", "--color", "never"]);
    // The two runs may straddle a second: compare with ages blanked out.
    assert_eq!(without_ages(&r.stdout), without_ages(&plain.stdout));
}

/// Replaces ages such as `1s`, `12m` or `3h` (whole words) with `<age>`.
fn without_ages(text: &str) -> String {
    text.split_inclusive(char::is_whitespace)
        .map(|word| {
            let w = word.trim_end();
            let is_age = w.strip_suffix(['s', 'm', 'h', 'd']).is_some_and(|digits| {
                !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
            });
            if is_age {
                word.replacen(w, "<age>", 1)
            } else {
                word.to_string()
            }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stack_is_named_by_version_or_full_name() {
    let cluster = need_cluster!("a_stack_is_named_by_version_or_full_name");
    let (ns, _client) = healthy_shop(cluster, "get-stack").await;
    for wanted in ["v1", "shop-v1"] {
        let r = stackset_in(cluster, &ns, &["get", "shop", wanted, "-o", "name"]);
        assert_eq!(r.code, 0, "{wanted}: {}", r.stderr);
        assert_eq!(r.stdout, "stack.zalando.org/shop-v1\n", "{wanted}");
    }
    let r = stackset_in(cluster, &ns, &["get", "shop", "v9"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "error: stackset shop has no stack 'v9'; its stacks: v1\n\
         hint: name a stack by its version (v2) or its full name (my-app-v2)\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_stackset_is_one_line_and_a_hint() {
    let cluster = need_cluster!("an_unknown_stackset_is_one_line_and_a_hint");
    let ns = cluster.namespace("get-unknown").await;
    for cmd in ["get", "traffic", "history", "status"] {
        let r = stackset_in(cluster, &ns, &[cmd, "nope"]);
        assert_eq!(r.code, 1, "{cmd}");
        assert_eq!(
            r.stderr,
            format!(
                "error: cannot get stacksets.zalando.org \"nope\" in namespace \"{}\": not found\n\
                 hint: list the StackSets with `kubectl stackset list` (or -A for every namespace)\n",
                ns.name
            ),
            "{cmd}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn name_may_be_omitted_only_when_the_namespace_has_one_stackset() {
    let cluster = need_cluster!("name_may_be_omitted_only_when_the_namespace_has_one_stackset");
    let ns = cluster.namespace("get-implicit").await;
    let client = cluster.client().await;

    let r = stackset_in(cluster, &ns, &["get"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.starts_with(&format!(
            "error: no StackSets found in namespace \"{}\"\nhint: ",
            ns.name
        )),
        "{}",
        r.stderr
    );

    create(&client, &ns.name, stackset("shop", "v1", "v1", true)).await;
    for cmd in ["get", "traffic", "history"] {
        let r = stackset_in(cluster, &ns, &[cmd, "-o", "json"]);
        assert_eq!(r.code, 0, "{cmd}: {}", r.stderr);
        assert_eq!(json_of(&r.stdout)["name"], "shop", "{cmd}");
    }

    create(&client, &ns.name, stackset("cart", "v1", "v1", true)).await;
    for cmd in ["get", "traffic", "history", "status"] {
        let r = stackset_in(cluster, &ns, &[cmd]);
        assert_eq!(r.code, 2, "{cmd}");
        assert_eq!(
            r.stderr,
            format!(
                "error: namespace \"{}\" has 2 StackSets; name one: cart, shop\n\
                 hint: kubectl stackset <command> NAME\n",
                ns.name
            ),
            "{cmd}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_namespace_defaults_to_the_contexts_namespace() {
    let cluster = need_cluster!("the_namespace_defaults_to_the_contexts_namespace");
    let ns = cluster.namespace("get-ctx-ns").await;
    let client = cluster.client().await;
    create(&client, &ns.name, stackset("shop", "v1", "v1", true)).await;
    let kc = kubeconfig_with_namespace(cluster, &ns.name);
    // No -n: the context's namespace, not "default".
    let r = run(Command::new(bin())
        .arg("--kubeconfig")
        .arg(&kc)
        .args(["get", "-o", "json"]));
    let _ = std::fs::remove_file(&kc);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = json_of(&r.stdout);
    assert_eq!(v["namespace"], ns.name.as_str());
    assert_eq!(v["name"], "shop");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_controller_managed_stackset_says_it_waits_for_the_controller() {
    let cluster = need_cluster!("a_controller_managed_stackset_says_it_waits_for_the_controller");
    let ns = cluster.namespace("get-controller").await;
    let client = cluster.client().await;
    create(&client, &ns.name, stackset("shop", "v1", "v1", false)).await;
    let r = stackset_in(cluster, &ns, &["get", "shop"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("Managed by: in-cluster stackset-controller\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains(
            "Status:     Progressing - no stack for version v1 yet (waiting for the controller)\n"
        ),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("No stacks yet."), "{}", r.stdout);
}

// ---------------------------------------------------------------------------
// One request per kind
// ---------------------------------------------------------------------------

/// `(method, resource)` of every request, e.g. ("GET", "stacksets").
fn kinds(counter: &RequestCounter) -> Vec<(String, String)> {
    counter
        .requests()
        .into_iter()
        .map(|(method, uri)| {
            let path = uri.split('?').next().unwrap_or_default().to_string();
            let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
            let resource = match segs.iter().position(|s| *s == "namespaces") {
                Some(i) if segs.len() > i + 2 => segs[i + 2].to_string(),
                _ => segs.last().copied().unwrap_or_default().to_string(),
            };
            (method, resource)
        })
        .collect()
}

/// What `app` hands the read commands: a client and its namespace.
fn connection(client: &kube::Client, ns: &str) -> kubectl_stackset::cluster::Connection {
    kubectl_stackset::cluster::Connection {
        client: client.clone(),
        namespace: ns.to_string(),
        context: None,
        config: None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn get_makes_one_request_per_kind_and_writes_nothing() {
    let cluster = need_cluster!("get_makes_one_request_per_kind_and_writes_nothing");
    let (ns, client) = blocked_shop(cluster, "get-requests").await;
    create(&client, &ns.name, stackset("cart", "v1", "v1", true)).await;
    reconcile(&client, &ns.name, "cart").await;
    let counter = RequestCounter::default();
    let counted = cluster.counting_client(&counter).await;

    let (view, events_problem) = kubectl_stackset::commands::get::view(
        &connection(&counted, &ns.name),
        &ns.name,
        Some("shop"),
        None,
        OURS,
        Timestamp::now(),
    )
    .await
    .expect("get view");
    assert_eq!(events_problem, None);
    assert_eq!(view.stacks.len(), 2);
    let mut got = kinds(&counter);
    got.sort();
    let want: Vec<(String, String)> = [
        "deployments",
        "events",
        "horizontalpodautoscalers",
        "ingresses",
        "services",
        "stacks",
        "stacksets",
    ]
    .iter()
    .map(|k| ("GET".to_string(), k.to_string()))
    .collect();
    assert_eq!(
        got,
        want,
        "exactly one request per kind: {:?}",
        counter.requests()
    );
    assert!(counter.writes().is_empty());

    // The list of a namespace with two StackSets: still one request per kind.
    counter.reset();
    let list = kubectl_stackset::commands::list::view(
        &connection(&counted, &ns.name),
        Some(&ns.name),
        None,
        OURS,
        Timestamp::now(),
    )
    .await
    .expect("list view");
    assert_eq!(list.items.len(), 2);
    let mut got = kinds(&counter);
    got.sort();
    let want: Vec<(String, String)> = [
        "deployments",
        "horizontalpodautoscalers",
        "ingresses",
        "services",
        "stacks",
        "stacksets",
    ]
    .iter()
    .map(|k| ("GET".to_string(), k.to_string()))
    .collect();
    assert_eq!(got, want, "{:?}", counter.requests());
    assert!(counter.writes().is_empty());
}

// ---------------------------------------------------------------------------
// list
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn list_has_a_row_per_stackset_with_a_traffic_summary() {
    let cluster = need_cluster!("list_has_a_row_per_stackset_with_a_traffic_summary");
    let (ns, client) = healthy_shop(cluster, "list").await;
    create(&client, &ns.name, stackset("cart", "v1", "v1", false)).await;

    let r = stackset_in(cluster, &ns, &["list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Vec<Vec<&str>> = r
        .stdout
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows[0],
        [
            "NAME", "MANAGED", "BY", "VERSION", "STACKS", "TRAFFIC", "STATUS", "AGE"
        ]
    );
    assert_eq!(&rows[1][..3], ["cart", "controller", "v1"], "{}", r.stdout);
    assert_eq!(rows[1][3], "0/0");
    assert_eq!(rows[1][5], "Progressing");
    assert_eq!(
        &rows[2][..7],
        ["shop", "client-side", "v1", "1/1", "v1", "100", "Healthy"],
        "{}",
        r.stdout
    );
    assert_eq!(rows.len(), 3);

    // -l filters on the StackSets' labels.
    let r = stackset_in(cluster, &ns, &["list", "-l", "team=shop", "-o", "name"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "stackset.zalando.org/shop\n");

    // -A adds the namespace column and finds ours among the others.
    let r = stackset_in(cluster, &ns, &["list", "-A"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("NAMESPACE"), "{}", r.stdout);
    let ours: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.split_whitespace().next() == Some(ns.name.as_str()))
        .collect();
    assert_eq!(ours.len(), 2, "{}", r.stdout);

    // JSON: the documented list.
    let r = stackset_in(cluster, &ns, &["list", "-o", "json"]);
    let v = json_of(&r.stdout);
    assert_eq!(v["kind"], "StackSetList");
    assert_eq!(v["items"][1]["name"], "shop");
    assert_eq!(v["items"][1]["traffic"][0]["actualWeight"], 100);
    assert_eq!(v["items"][1]["status"]["phase"], "Healthy");

    // A bad selector is the server's 400, one line and a hint.
    let r = stackset_in(cluster, &ns, &["list", "-l", "team in (a"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("hint: check the -l selector syntax"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 2, "{}", r.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn list_of_an_empty_namespace_says_so_on_stderr() {
    let cluster = need_cluster!("list_of_an_empty_namespace_says_so_on_stderr");
    let ns = cluster.namespace("list-empty").await;
    let r = stackset_in(cluster, &ns, &["list"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        format!("No resources found in {} namespace.\n", ns.name)
    );
    let r = stackset_in(cluster, &ns, &["list", "-o", "json"]);
    assert_eq!(json_of(&r.stdout)["items"], json!([]));
}

// ---------------------------------------------------------------------------
// traffic and history
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn traffic_shows_desired_versus_actual_and_history_the_versions() {
    let cluster = need_cluster!("traffic_shows_desired_versus_actual_and_history_the_versions");
    let (ns, _client) = blocked_shop(cluster, "traffic").await;

    let r = stackset_in(cluster, &ns, &["traffic", "shop"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["VERSION", "DESIRED", "ACTUAL", "TRAFFIC", "NOTE"]
    );
    assert!(lines[1].starts_with("v1 "), "{}", r.stdout);
    assert!(
        lines[1].contains("0%") && lines[1].contains("100%"),
        "{}",
        r.stdout
    );
    assert!(
        lines[2].contains("waiting for v2: 0/2 ready, need 2"),
        "{}",
        r.stdout
    );

    let r = stackset_in(cluster, &ns, &["traffic", "shop", "-o", "yaml"]);
    let v = yaml(&r.stdout);
    assert_eq!(v["kind"], "TrafficView");
    assert_eq!(v["switched"], false);
    assert_eq!(v["stacks"][0]["actualWeight"], 100);
    assert_eq!(v["stacks"][1]["desiredWeight"], 100);

    let r = stackset_in(cluster, &ns, &["traffic", "shop", "-o", "name"]);
    assert_eq!(
        r.stdout,
        "stack.zalando.org/shop-v1\nstack.zalando.org/shop-v2\n"
    );

    let r = stackset_in(cluster, &ns, &["history", "shop"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines[0].starts_with("VERSION"), "{}", r.stdout);
    assert!(lines[1].starts_with("v2* "), "newest first: {}", r.stdout);
    assert!(lines[1].contains("example/shop:broken"), "{}", r.stdout);
    assert!(lines[2].starts_with("v1 "), "{}", r.stdout);
    assert!(lines[2].contains("example/shop:v1"), "{}", r.stdout);
    assert!(
        lines[2].contains(" now "),
        "v1 has traffic now: {}",
        r.stdout
    );

    let r = stackset_in(cluster, &ns, &["history", "shop", "-o", "json"]);
    let v = json_of(&r.stdout);
    assert_eq!(v["kind"], "StackSetHistory");
    assert_eq!(v["versions"][0]["version"], "v2");
    assert_eq!(v["versions"][0]["current"], true);
    assert!(
        v["versions"][0]["created"]
            .as_str()
            .unwrap()
            .parse::<Timestamp>()
            .is_ok()
    );
}

// ---------------------------------------------------------------------------
// status
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn status_once_exits_0_when_healthy_and_4_when_not() {
    let cluster = need_cluster!("status_once_exits_0_when_healthy_and_4_when_not");
    let (ns, _client) = healthy_shop(cluster, "status-once").await;
    let r = stackset_in(cluster, &ns, &["status", "shop"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "Healthy - traffic v1 100; stacks with traffic ready\n"
    );

    let (ns, _client) = blocked_shop(cluster, "status-once-blocked").await;
    let r = stackset_in(cluster, &ns, &["status", "shop"]);
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "Progressing - waiting for v2: 0/2 ready, need 2\n"
    );
    let r = stackset_in(cluster, &ns, &["status", "shop", "-o", "json"]);
    assert_eq!(r.code, 4);
    let v = json_of(&r.stdout);
    assert_eq!(v["phase"], "Progressing");
    assert_eq!(v["trafficSwitched"], false);
}

#[tokio::test(flavor = "multi_thread")]
async fn status_until_times_out_with_exit_3() {
    let cluster = need_cluster!("status_until_times_out_with_exit_3");
    let (ns, _client) = blocked_shop(cluster, "status-timeout").await;
    let start = Instant::now();
    let r = stackset_in(
        cluster,
        &ns,
        &[
            "status",
            "shop",
            "--until",
            "traffic-switched",
            "--timeout",
            "3s",
        ],
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    assert!(
        r.stderr.contains(&format!(
            "error: timed out after 3s waiting for stackset {}/shop to be traffic-switched: \
             Progressing - waiting for v2: 0/2 ready, need 2",
            ns.name
        )),
        "{}",
        r.stderr
    );
    assert_eq!(
        r.stdout,
        "Progressing - waiting for v2: 0/2 ready, need 2\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn status_until_healthy_follows_the_rollout_and_exits_0() {
    let cluster = need_cluster!("status_until_healthy_follows_the_rollout_and_exits_0");
    let (ns, client) = healthy_shop(cluster, "status-until").await;
    patch(
        &client,
        &ns.name,
        "shop",
        json!({"spec": {"stackTemplate": {"spec": {"version": "v2"}}}}),
    )
    .await;
    let mut child = stackset_cmd(cluster, &ns.name)
        .args([
            "status",
            "shop",
            "--until",
            "healthy",
            "--timeout",
            "90s",
            "--interval",
            "1s",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn status");
    // Its first progress line comes before anything moves. stderr is read
    // by a thread: every read below has a deadline.
    let stderr = lines_of(child.stderr.take().unwrap());
    let first = stderr
        .recv_timeout(Duration::from_secs(60))
        .expect("a first progress line")
        + "\n";
    assert!(
        first.ends_with(
            "shop: Progressing - no stack for version v2 yet (created by the next `kubectl stackset reconcile`)\n"
        ),
        "{first}"
    );
    // Now play the reconcile loop until v2 is ready.
    eventually("v2 ready", Duration::from_secs(90), || async {
        reconcile(&client, &ns.name, "shop").await;
        deployment_ready(&client, &ns.name, "shop-v2")
            .await
            .then_some(())
    })
    .await;
    reconcile(&client, &ns.name, "shop").await;
    let code = wait_with_deadline(&mut child, Duration::from_secs(30));
    let rest: String = std::iter::from_fn(|| stderr.recv_timeout(Duration::from_secs(10)).ok())
        .map(|l| l + "\n")
        .collect();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    assert_eq!(code, 0, "{first}{rest}");
    assert_eq!(out, "Healthy - traffic v1 100; stacks with traffic ready\n");
    assert!(rest.contains("note: shop is managed client-side"), "{rest}");
}

#[tokio::test(flavor = "multi_thread")]
async fn status_until_stops_at_once_with_4_on_errors_only_a_spec_change_fixes() {
    let cluster =
        need_cluster!("status_until_stops_at_once_with_4_on_errors_only_a_spec_change_fixes");
    let ns = cluster.namespace("status-errors").await;
    let client = cluster.client().await;
    let mut obj = stackset("shop", "v1", "v1", true);
    obj["metadata"]["annotations"]["kubectl-stackset.io/traffic-mechanism"] =
        json!("carrier-pigeon");
    create(&client, &ns.name, obj).await;
    let start = Instant::now();
    let r = stackset_in(
        cluster,
        &ns,
        &["status", "shop", "--until", "healthy", "--timeout", "60s"],
    );
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "{:?}",
        start.elapsed()
    );
    assert!(
        r.stdout
            .starts_with("Degraded - unknown traffic mechanism \"carrier-pigeon\""),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains(&format!(
            "error: stackset {}/shop has errors: unknown traffic mechanism",
            ns.name
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("hint: fix the StackSet spec"),
        "{}",
        r.stderr
    );
}

// ---------------------------------------------------------------------------
// --watch
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn watch_off_a_terminal_appends_a_line_per_change_and_ctrl_c_exits_130() {
    let cluster =
        need_cluster!("watch_off_a_terminal_appends_a_line_per_change_and_ctrl_c_exits_130");
    let (ns, client) = healthy_shop(cluster, "watch-lines").await;
    // The watch logs each refresh at debug level: the test sees refreshes
    // happen instead of waiting a fixed time for nothing to be printed.
    let mut child = stackset_cmd(cluster, &ns.name)
        .args(["get", "shop", "-w", "--interval", "500ms"])
        .env("RUST_LOG", "kubectl_stackset::commands::observe=debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn get -w");
    let rx = lines_of(child.stdout.take().unwrap());
    let logs = lines_of(child.stderr.take().unwrap());
    let first = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("a first line");
    let (ts, rest) = first.split_once(' ').unwrap();
    assert!(ts.parse::<Timestamp>().is_ok(), "timestamped: {first}");
    assert!(rest.starts_with("shop Healthy - "), "{first}");
    // Several refreshes without a change...
    let mut refreshes = 0;
    while refreshes < 4 {
        let line = logs
            .recv_timeout(Duration::from_secs(30))
            .expect("a refresh");
        assert!(
            line.contains("watch refreshed"),
            "nothing but refreshes: {line}"
        );
        refreshes += 1;
    }
    // A change appears as one more line, without waiting for the interval.
    patch(
        &client,
        &ns.name,
        "shop",
        json!({"spec": {"stackTemplate": {"spec": {"version": "v2"}}}}),
    )
    .await;
    // ...printed nothing: the next line is the change's (a repeat of the
    // unchanged view, written before those refreshes were logged, would
    // come first).
    let second = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("a line for the change");
    assert!(
        second.contains("shop Progressing - no stack for version v2 yet"),
        "{second}"
    );
    interrupt(&child);
    let code = wait_with_deadline(&mut child, Duration::from_secs(10));
    assert_eq!(code, 130, "Ctrl-C exits 130");
    // stderr holds the refresh logs and nothing else.
    for line in std::iter::from_fn(|| logs.recv_timeout(Duration::from_secs(10)).ok()) {
        assert!(line.contains("watch refreshed"), "nothing but data: {line}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_json_prints_a_json_line_per_change() {
    let cluster = need_cluster!("watch_json_prints_a_json_line_per_change");
    let (ns, client) = healthy_shop(cluster, "watch-json").await;
    let mut child = stackset_cmd(cluster, &ns.name)
        .args(["traffic", "shop", "-w", "-o", "json", "--interval", "500ms"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn traffic -w");
    let lines = lines_of(child.stdout.take().unwrap());
    let next = || {
        lines
            .recv_timeout(Duration::from_secs(60))
            .expect("a JSON line")
    };
    let first = json_of(&next());
    assert_eq!(first["switched"], true);
    patch(
        &client,
        &ns.name,
        "shop",
        json!({"spec": {"stackTemplate": {"spec": {"version": "v2"}}}}),
    )
    .await;
    reconcile(&client, &ns.name, "shop").await;
    let second = json_of(&next());
    assert_eq!(second["kind"], "TrafficView");
    assert_eq!(second["stacks"].as_array().unwrap().len(), 2, "{second}");
    interrupt(&child);
    assert_eq!(wait_with_deadline(&mut child, Duration::from_secs(10)), 130);
}

/// A command running under `script`, i.e. with a pseudo-terminal as
/// stdout. Its output is read by a thread, so every wait has a deadline and
/// waits for what it needs to see, never for a fixed time.
struct OnATerminal {
    child: Child,
    chunks: std::sync::mpsc::Receiver<Vec<u8>>,
    seen: String,
    pidfile: PathBuf,
}

/// How long a terminal test waits for something it must see.
const TERMINAL_DEADLINE: Duration = Duration::from_secs(60);

impl OnATerminal {
    fn start(cluster: &TestCluster, ns: &str, args: &str, env: &[(&str, &str)]) -> Self {
        let ctx = cluster
            .admin_context()
            .unwrap_or_else(|| "stackset-local".into());
        let dir = crate::support::repo_root().join("target/tmp");
        std::fs::create_dir_all(&dir).unwrap();
        let pidfile = dir.join(format!("tty-{ns}-{}.pid", args.len()));
        let _ = std::fs::remove_file(&pidfile);
        // `timeout` passes a SIGINT on to the plugin and exits with its code;
        // its pid is written first, so the test can interrupt it when it has
        // seen what it waits for. The limit only bounds a hung test.
        let inner = format!(
            "echo $$ > {pid}; exec timeout --preserve-status -s INT 300 {} --kubeconfig {} --context {ctx} -n {ns} {args}",
            bin(),
            cluster.kubeconfig.display(),
            pid = pidfile.display()
        );
        let mut cmd = Command::new("script");
        cmd.args(["-qefc", &inner, "/dev/null"])
            .env_remove("NO_COLOR")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("run script (util-linux)");
        let mut stdout = child.stdout.take().unwrap();
        let (tx, chunks) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            chunks,
            seen: String::new(),
            pidfile,
        }
    }

    /// Reads until `done` holds for everything shown so far.
    fn wait_for(&mut self, what: &str, done: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + TERMINAL_DEADLINE;
        while !done(&self.seen) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.chunks.recv_timeout(left) {
                Ok(c) => self.seen.push_str(&String::from_utf8_lossy(&c)),
                Err(_) => panic!(
                    "{what}: not seen within {TERMINAL_DEADLINE:?}: {:?}",
                    self.seen
                ),
            }
        }
    }

    /// Sends SIGINT (Ctrl-C) and returns the exit code and all it showed.
    fn interrupt(mut self) -> (i32, String) {
        let pid = eventually_blocking("the pid file", || {
            std::fs::read_to_string(&self.pidfile)
                .ok()
                .filter(|p| !p.trim().is_empty())
        });
        let status = Command::new("kill")
            .args(["-INT", pid.trim()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -INT {pid} failed");
        let code = wait_with_deadline(&mut self.child, TERMINAL_DEADLINE);
        // The pipe closes when `script` exits: read what is left.
        while let Ok(c) = self.chunks.recv_timeout(TERMINAL_DEADLINE) {
            self.seen.push_str(&String::from_utf8_lossy(&c));
        }
        let _ = std::fs::remove_file(&self.pidfile);
        (code, self.seen)
    }
}

/// Polls `f` (every 50 ms, at most TERMINAL_DEADLINE) until it returns a value.
fn eventually_blocking<T>(what: &str, f: impl Fn() -> Option<T>) -> T {
    let deadline = Instant::now() + TERMINAL_DEADLINE;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: not within {TERMINAL_DEADLINE:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_on_a_terminal_redraws_in_place_without_clearing_the_scrollback() {
    let cluster =
        need_cluster!("watch_on_a_terminal_redraws_in_place_without_clearing_the_scrollback");
    let (ns, client) = healthy_shop(cluster, "watch-tty").await;
    let mut tty = OnATerminal::start(cluster, &ns.name, "get shop -w --interval 500ms", &[]);
    // The first frame, however long the machine takes to draw it...
    tty.wait_for("the first frame", |s| s.contains("Healthy"));
    // ...then a change, and its redraw.
    patch(
        &client,
        &ns.name,
        "shop",
        json!({"spec": {"stackTemplate": {"spec": {"version": "v2"}}}}),
    )
    .await;
    tty.wait_for("the redraw after the change", |s| {
        s.find("\x1b[J")
            .is_some_and(|at| s[at..].contains("no stack for version v2 yet"))
    });
    let (code, out) = tty.interrupt();
    assert_eq!(code, 130, "{out}");
    // The first frame, then a redraw that goes back up over it and erases
    // below: cursor up (ESC [ n A) + erase to end of screen (ESC [ J).
    let redraw = out
        .find("\x1b[J")
        .unwrap_or_else(|| panic!("no in-place redraw: {out:?}"));
    let before = &out[..redraw];
    assert!(before.contains("Healthy"), "{before:?}");
    assert!(
        out[redraw..].contains("no stack for version v2 yet"),
        "{out:?}"
    );
    let up = before.rfind("\x1b[").unwrap();
    assert!(
        before[up..].ends_with('A'),
        "cursor up before the erase: {:?}",
        &before[up..]
    );
    // Never a clear-screen, a scrollback wipe or a jump to the top.
    for code in ["\x1b[2J", "\x1b[3J", "\x1b[H", "\x1bc"] {
        assert!(!out.contains(code), "{code:?} in {out:?}");
    }
    // Colour on a terminal by default...
    assert!(out.contains("\x1b[1mshop\x1b[0m"), "{out:?}");
    // ...and none with NO_COLOR (the cursor movements stay).
    let mut tty = OnATerminal::start(cluster, &ns.name, "get shop -w", &[("NO_COLOR", "1")]);
    tty.wait_for("the first frame", |s| s.contains("Name:       shop"));
    let (code, out) = tty.interrupt();
    assert_eq!(code, 130, "{out:?}");
    assert!(
        !out.contains("\x1b[1m") && !out.contains("\x1b[3"),
        "{out:?}"
    );
    assert!(out.contains("Name:       shop"), "{out:?}");
}

// ---------------------------------------------------------------------------
// Identities and permissions
// ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn the_read_only_identity_can_use_every_read_command() {
    let cluster = need_cluster!("the_read_only_identity_can_use_every_read_command");
    let (ns, _client) = healthy_shop(cluster, "viewer").await;
    let viewer = cluster.viewer_context().expect("a read-only context");
    let kubeconfig = cluster.kubeconfig.clone();
    for args in [
        vec!["get", "shop"],
        vec!["list"],
        vec!["list", "-A", "-o", "name"],
        vec!["traffic", "shop"],
        vec!["history", "shop"],
        vec!["status", "shop"],
        vec!["status", "shop", "--until", "healthy", "--timeout", "10s"],
    ] {
        let r = run(Command::new(bin())
            .arg("--kubeconfig")
            .arg(&kubeconfig)
            .args(["--context", &viewer, "-n", &ns.name])
            .args(&args));
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("warning"), "{args:?}: {}", r.stderr);
    }
    // The library path with the viewer's client: the whole view, events included.
    let (view, problem) = kubectl_stackset::commands::get::view(
        &connection(&cluster.viewer_client().await, &ns.name),
        &ns.name,
        Some("shop"),
        None,
        OURS,
        Timestamp::now(),
    )
    .await
    .expect("viewer reads");
    assert_eq!(problem, None);
    assert_eq!(view.stacks.len(), 1);
}

/// Grants user `user` get/list/watch on `resources` (group, plural) in `ns`.
fn grant(cluster: &TestCluster, ns: &str, user: &str, rules: &[(&str, &str)]) {
    let rules: Vec<Value> = rules
        .iter()
        .map(
            |(g, r)| json!({"apiGroups": [g], "resources": [r], "verbs": ["get", "list", "watch"]}),
        )
        .collect();
    let docs = json!({"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
         "metadata": {"name": user, "namespace": ns}, "rules": rules},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
         "metadata": {"name": user, "namespace": ns},
         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": user},
         "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}]}
    ]});
    let mut cmd = Command::new("kubectl");
    cmd.arg("--kubeconfig").arg(&cluster.kubeconfig);
    if let Some(ctx) = cluster.admin_context() {
        cmd.args(["--context", &ctx]);
    }
    let mut child = cmd
        .args(["apply", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(docs.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn forbidden_names_the_verb_and_resource_and_the_can_i_line() {
    let cluster = need_cluster!("forbidden_names_the_verb_and_resource_and_the_can_i_line");
    let (ns, _client) = healthy_shop(cluster, "forbidden").await;
    let n = &ns.name;

    // Nobody: not even the StackSets.
    let r = stackset_in(cluster, &ns, &["list", "--as", "nobody"]);
    assert_eq!(r.code, 5, "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stderr);
    assert!(
        lines[0].starts_with(&format!(
            "error: cannot list stacksets.zalando.org in namespace \"{n}\": forbidden: "
        )),
        "{}",
        r.stderr
    );
    assert_eq!(
        lines[1],
        format!(
            "hint: check your permissions with `kubectl auth can-i list stacksets.zalando.org -n {n}`"
        )
    );

    // --user picks the kubeconfig user: the read-only one may read, but not
    // impersonate.
    let r = stackset_in(
        cluster,
        &ns,
        &["get", "shop", "--user", "stackset-viewer", "-o", "name"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = stackset_in(
        cluster,
        &ns,
        &["get", "shop", "--user", "stackset-viewer", "--as", "nobody"],
    );
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("User \"stackset-viewer\" cannot impersonate"),
        "{}",
        r.stderr
    );

    // May read everything a view needs but Deployments.
    let partial = format!("partial-{n}");
    grant(
        cluster,
        n,
        &partial,
        &[
            ("zalando.org", "stacksets"),
            ("zalando.org", "stacks"),
            ("", "services"),
            ("autoscaling", "horizontalpodautoscalers"),
            ("networking.k8s.io", "ingresses"),
            ("", "events"),
        ],
    );
    let r = eventually("RBAC to apply", Duration::from_secs(10), || async {
        let r = stackset_in(cluster, &ns, &["get", "shop", "--as", &partial]);
        (!r.stderr.contains("stacksets.zalando.org")).then_some(r)
    })
    .await;
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "hint: check your permissions with `kubectl auth can-i list deployments.apps -n {n}`"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.starts_with(&format!(
            "error: cannot list deployments.apps in namespace \"{n}\": forbidden: "
        )),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout, "");

    // Everything a view needs but the events: the view works, and says why
    // there are no events.
    let no_events = format!("no-events-{n}");
    grant(
        cluster,
        n,
        &no_events,
        &[
            ("zalando.org", "stacksets"),
            ("zalando.org", "stacks"),
            ("apps", "deployments"),
            ("", "services"),
            ("autoscaling", "horizontalpodautoscalers"),
            ("networking.k8s.io", "ingresses"),
        ],
    );
    let r = eventually("RBAC to apply", Duration::from_secs(10), || async {
        let r = stackset_in(cluster, &ns, &["get", "shop", "--as", &no_events]);
        (r.code == 0).then_some(r)
    })
    .await;
    assert!(r.stdout.contains("Status:     Healthy"), "{}", r.stdout);
    assert_eq!(
        r.stderr.trim_end(),
        format!(
            "warning: events not shown: cannot list events in namespace \"{n}\": forbidden: User \"{no_events}\" cannot list resource \"events\" in API group \"\" in the namespace \"{n}\""
        )
    );
}

// ---------------------------------------------------------------------------
// Errors that need no cluster
// ---------------------------------------------------------------------------

fn write_kubeconfig(server: &str) -> PathBuf {
    let dir = crate::support::repo_root().join("target/tmp");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!(
        "kubeconfig-{}-{}",
        std::process::id(),
        server.replace([':', '/', '.'], "_")
    ));
    std::fs::write(
        &path,
        format!(
            "apiVersion: v1\nkind: Config\nclusters: [{{name: c, cluster: {{server: \"{server}\"}}}}]\n\
             users: [{{name: u, user: {{token: secret-token-never-printed}}}}]\n\
             contexts: [{{name: c, context: {{cluster: c, user: u, namespace: ns1}}}}]\ncurrent-context: c\n"
        ),
    )
    .unwrap();
    path
}

fn with_kubeconfig(path: &Path, args: &[&str]) -> Run {
    run(Command::new(bin())
        .arg("--kubeconfig")
        .arg(path)
        .args(args)
        .env_remove("RUST_LOG"))
}

#[test]
fn an_unreachable_api_server_is_one_line_and_a_hint() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let kc = write_kubeconfig(&format!("https://127.0.0.1:{port}"));
    for args in [vec!["get", "shop"], vec!["list"], vec!["status", "shop"]] {
        let r = with_kubeconfig(&kc, &args);
        assert_eq!(r.code, 1, "{args:?}");
        assert_no_panic(&r);
        let lines: Vec<&str> = r.stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{args:?}: {}", r.stderr);
        assert!(lines[0].starts_with("error: cannot "), "{}", r.stderr);
        // The server is named, the cause is the operating system's, and no
        // Rust type name leaks (`ServiceError: client error (Connect)`).
        assert!(
            lines[0].ends_with(&format!(
                "the API server at https://127.0.0.1:{port} is unreachable: Connection refused (os error 111)"
            )),
            "{}",
            r.stderr
        );
        assert!(!r.stderr.contains("Error"), "{}", r.stderr);
        assert_eq!(
            lines[1],
            "hint: check that the cluster is up and that --context/--kubeconfig point at it"
        );
        assert!(!r.stderr.contains("secret-token"), "never print tokens");
    }
    let _ = std::fs::remove_file(kc);
}

/// A plain-HTTP API server that knows nothing: 404 for every path, the way
/// the real one answers for a group whose CRDs are not installed.
fn server_without_crds() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                let mut seen = Vec::new();
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                let body = r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}"#;
                let _ = write!(
                    s,
                    "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    format!("http://{addr}")
}

#[test]
fn missing_crds_are_reported_with_the_install_hint() {
    let kc = write_kubeconfig(&server_without_crds());
    for args in [
        vec!["get", "shop"],
        vec!["get"],
        vec!["list"],
        vec!["list", "-A"],
        vec!["traffic", "shop"],
    ] {
        let r = with_kubeconfig(&kc, &args);
        assert_eq!(r.code, 1, "{args:?}: {}", r.stderr);
        assert_no_panic(&r);
        let lines: Vec<&str> = r.stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{args:?}: {}", r.stderr);
        assert!(
            lines[0].ends_with("the server does not know stacksets (CRD missing)"),
            "{args:?}: {}",
            r.stderr
        );
        assert_eq!(
            lines[1],
            "hint: install the CRDs: kubectl stackset crd | kubectl apply --server-side -f -"
        );
    }
    let _ = std::fs::remove_file(kc);
}

#[test]
fn every_read_command_has_examples_in_its_help() {
    for cmd in ["get", "list", "traffic", "history", "status"] {
        let r = run(Command::new(bin()).args([cmd, "--help"]));
        assert_eq!(r.code, 0, "{cmd}");
        assert!(r.stdout.contains("\nExamples:\n  "), "{cmd}: {}", r.stdout);
        assert!(
            r.stdout.contains(&format!("kubectl stackset {cmd}")),
            "{cmd}"
        );
        assert!(r.stdout.contains("-o, --output <FORMAT>"), "{cmd} lacks -o");
    }
    let r = run(Command::new(bin()).args(["status", "--help"]));
    assert!(
        r.stdout.contains(
            "Exit codes: 0 ok, 1 error, 2 usage, 3 timeout, 4 degraded or not converged,"
        ),
        "{}",
        r.stdout
    );
}

#[test]
fn a_missing_kubeconfig_is_named_as_given() {
    let r =
        run(Command::new(bin()).args(["--kubeconfig", "/nonexistent/kubeconfig", "get", "shop"]));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "error: cannot read kubeconfig /nonexistent/kubeconfig: No such file or directory (os error 2)\n\
         hint: check the --kubeconfig path\n"
    );
}

#[test]
fn kubectl_verbosity_logs_without_colour_under_color_never() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let kc = write_kubeconfig(&format!("https://127.0.0.1:{port}"));
    for level in ["-v=6", "-vv"] {
        let r = run(Command::new(bin())
            .arg("--kubeconfig")
            .arg(&kc)
            .args(["get", "shop", level, "--color", "always"])
            .env_remove("RUST_LOG"));
        assert_eq!(r.code, 1, "{level}: {}", r.stderr);
        assert!(r.stderr.contains("DEBUG"), "{level}: logs: {}", r.stderr);
        assert!(
            r.stderr.contains("\x1b["),
            "{level}: --color always colours"
        );
        let r = run(Command::new(bin())
            .arg("--kubeconfig")
            .arg(&kc)
            .args(["get", "shop", level, "--color", "never"])
            .env_remove("RUST_LOG"));
        assert!(r.stderr.contains("DEBUG"), "{level}: logs: {}", r.stderr);
        assert!(
            !r.stderr.contains('\x1b'),
            "{level}: ANSI under --color never: {:?}",
            r.stderr
        );
    }
    let _ = std::fs::remove_file(kc);
}

#[test]
fn bad_flags_are_usage_errors_with_exit_2() {
    let kc = write_kubeconfig("https://127.0.0.1:1");
    for (args, needle) in [
        (vec!["get", "-o", "xml"], "invalid value 'xml'"),
        (
            vec!["status", "x", "--until", "ready"],
            "invalid value 'ready'",
        ),
        (
            vec!["status", "x", "--until", "healthy", "--timeout", "soon"],
            "error: --timeout: invalid duration 'soon'",
        ),
        (
            vec!["get", "x", "-w", "--interval", "often"],
            "error: --interval: invalid duration 'often'",
        ),
        (
            vec!["get", "x", "-A"],
            "error: get shows one StackSet; -A/--all-namespaces works with `list`",
        ),
        (
            vec!["get", "x", "--request-timeout", "soon"],
            "error: --request-timeout: invalid duration 'soon'",
        ),
    ] {
        let r = with_kubeconfig(&kc, &args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(needle), "{args:?}: {}", r.stderr);
        assert_no_panic(&r);
    }
    let _ = std::fs::remove_file(kc);
}

#[tokio::test(flavor = "multi_thread")]
async fn status_watch_prints_a_line_per_change() {
    let cluster = need_cluster!("status_watch_prints_a_line_per_change");
    let (ns, client) = healthy_shop(cluster, "status-watch").await;
    let mut child = stackset_cmd(cluster, &ns.name)
        .args(["status", "shop", "-w", "--interval", "500ms"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn status -w");
    let rx = lines_of(child.stdout.take().unwrap());
    let first = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("a first line");
    let (ts, rest) = first.split_once(' ').unwrap();
    assert!(ts.parse::<Timestamp>().is_ok(), "timestamped: {first}");
    assert!(rest.starts_with("shop Healthy - "), "{first}");
    patch(
        &client,
        &ns.name,
        "shop",
        json!({"spec": {"stackTemplate": {"spec": {"version": "v2"}}}}),
    )
    .await;
    let second = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("a line for the change");
    assert!(
        second.contains("shop Progressing - no stack for version v2 yet"),
        "{second}"
    );
    interrupt(&child);
    assert_eq!(wait_with_deadline(&mut child, Duration::from_secs(10)), 130);
}

#[tokio::test(flavor = "multi_thread")]
async fn jsonpath_and_custom_columns_read_the_documented_view() {
    let cluster = need_cluster!("jsonpath_and_custom_columns_read_the_documented_view");
    let (ns, _client) = healthy_shop(cluster, "jsonpath").await;
    let r = stackset_in(
        cluster,
        &ns,
        &[
            "get",
            "shop",
            "-o",
            "jsonpath={.name} {.status.phase} {.stacks[*].actualWeight}",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "shop Healthy 100\n");
    let r = stackset_in(
        cluster,
        &ns,
        &[
            "list",
            "-o",
            "custom-columns=NAME:.name,PHASE:.status.phase",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "NAME   PHASE\nshop   Healthy\n");
    // --no-headers drops the header line, as kubectl's does.
    for cmd in [&["list"][..], &["status", "shop"][..]] {
        let mut args = cmd.to_vec();
        args.extend(["-o", "custom-columns=NAME:.name", "--no-headers"]);
        let r = stackset_in(cluster, &ns, &args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(r.stdout, "shop\n", "{args:?}");
    }
    let r = stackset_in(
        cluster,
        &ns,
        &[
            "traffic",
            "shop",
            "-o",
            "jsonpath={range .stacks[*]}{.stack}={.actualWeight}{\"\\n\"}{end}",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "shop-v1=100\n");
    // A broken template is a usage error before anything is read.
    let r = stackset_in(cluster, &ns, &["get", "shop", "-o", "jsonpath={.name"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("unclosed {"), "{}", r.stderr);
}
