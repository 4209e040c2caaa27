//! The mutating commands against the real local control plane (issue #6):
//! create, apply, traffic set, rollback, delete, gc, optimistic concurrency,
//! and the controller-managed mode (the test plays the controller with the
//! real engine). Rollouts are in `rollout.rs`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::jiff::Timestamp;
use kube::api::{Api, ListParams, Patch, PatchParams};
use kube::{Client, ResourceExt};
use kubectl_stackset::cluster::execute::ExecOptions;
use kubectl_stackset::cluster::mutate::{WriteMode, edit_stackset};
use kubectl_stackset::cluster::reconcile::{Settings, reconcile_one};
use kubectl_stackset::cluster::snapshot::get_stackset;
use serde_json::{Value, json};
use stackset_core::api::{Stack, StackSet};
use stackset_core::rollout::RolloutRecord;
use stackset_core::{Options, Weights};

use crate::need_cluster;
use crate::support::{TestCluster, eventually, stackset_cmd};

pub(crate) const MINUTE: Duration = Duration::from_secs(60);

/// Runs the binary and returns its output (stdin closed: no terminal).
pub(crate) fn run(cluster: &TestCluster, ns: &str, args: &[&str]) -> Output {
    stackset_cmd(cluster, ns)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run kubectl-stackset")
}

/// The async version, for commands that run while the test does something else.
pub(crate) fn spawn(cluster: &TestCluster, ns: &str, args: &[&str]) -> tokio::process::Child {
    let mut cmd = tokio::process::Command::from(stackset_cmd(cluster, ns));
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd.spawn().expect("spawn kubectl-stackset")
}

pub(crate) fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Asserts the exit code, printing both streams when it differs.
#[track_caller]
pub(crate) fn expect_code(o: &Output, code: i32) -> (String, String) {
    let (out, err) = text(o);
    assert_eq!(
        o.status.code(),
        Some(code),
        "exit code\n--- stdout\n{out}\n--- stderr\n{err}"
    );
    (out, err)
}

pub(crate) fn settings() -> Settings {
    Settings {
        options: Options::default(),
        controller_id: "kubectl-stackset".into(),
        claim: false,
        exec: ExecOptions {
            server_dry_run: false,
            events: false,
        },
    }
}

pub(crate) async fn stackset(client: &Client, ns: &str, name: &str) -> StackSet {
    get_stackset(client, ns, name).await.expect("get stackset")
}

/// (desired from spec.traffic, actual from status.traffic), zeros left out.
pub(crate) async fn weights(client: &Client, ns: &str, name: &str) -> (Weights, Weights) {
    let ss = stackset(client, ns, name).await;
    let desired = ss
        .spec
        .traffic
        .iter()
        .flatten()
        .filter(|t| t.weight > 0.0)
        .map(|t| (t.stack_name.clone(), t.weight.round() as u32))
        .collect();
    let actual = ss
        .status
        .iter()
        .flat_map(|s| s.traffic.iter().flatten())
        .filter(|t| t.weight > 0.0)
        .map(|t| (t.stack_name.clone(), t.weight.round() as u32))
        .collect();
    (desired, actual)
}

pub(crate) fn w(pairs: &[(&str, u32)]) -> Weights {
    pairs
        .iter()
        .filter(|(_, v)| *v > 0)
        .map(|(k, v)| ((*k).to_string(), *v))
        .collect()
}

pub(crate) async fn record(client: &Client, ns: &str, name: &str) -> Option<RolloutRecord> {
    let ss = stackset(client, ns, name).await;
    RolloutRecord::from_annotations(ss.metadata.annotations.as_ref()).expect("valid record")
}

pub(crate) async fn stack_names(client: &Client, ns: &str) -> Vec<String> {
    let api: Api<Stack> = Api::namespaced(client.clone(), ns);
    let mut names: Vec<String> = api
        .list(&ListParams::default())
        .await
        .expect("list stacks")
        .items
        .iter()
        .map(ResourceExt::name_any)
        .collect();
    names.sort();
    names
}

pub(crate) async fn deployment(client: &Client, ns: &str, name: &str) -> Option<Deployment> {
    let api: Api<Deployment> = Api::namespaced(client.clone(), ns);
    api.get_opt(name).await.expect("get deployment")
}

/// Reconciles (client-side, the library) until `check` holds.
pub(crate) async fn reconcile_until<F, Fut>(
    client: &Client,
    ns: &str,
    name: &str,
    what: &str,
    check: F,
) where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    eventually(what, MINUTE, || async {
        reconcile_one(client, ns, name, &settings(), Timestamp::now())
            .await
            .expect("reconcile");
        check().await.then_some(())
    })
    .await;
}

/// Whether the stack's Deployment has all its replicas ready.
pub(crate) async fn stack_ready(client: &Client, ns: &str, stack: &str) -> bool {
    let Some(d) = deployment(client, ns, stack).await else {
        return false;
    };
    let want = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let st = d.status.unwrap_or_default();
    want > 0
        && st.ready_replicas.unwrap_or(0) == want
        && st.observed_generation == d.metadata.generation
}

/// `create NAME` with two replicas on NAME.example.org, then reconciles
/// until v1 has all the traffic.
pub(crate) async fn create_app(cluster: &TestCluster, client: &Client, ns: &str, name: &str) {
    let image = format!("example/{name}:v1");
    let host = format!("{name}.example.org");
    let o = run(
        cluster,
        ns,
        &[
            "create",
            name,
            "--image",
            &image,
            "--host",
            &host,
            "--replicas",
            "2",
        ],
    );
    expect_code(&o, 0);
    let v1 = format!("{name}-v1");
    reconcile_until(client, ns, name, "v1 serves", || async {
        weights(client, ns, name).await.1 == w(&[(v1.as_str(), 100)])
    })
    .await;
}

/// Bumps the template to `version` (image tag = version) and reconciles
/// until the new stack exists and, unless `broken`, is ready.
pub(crate) async fn add_stack(client: &Client, ns: &str, name: &str, version: &str, broken: bool) {
    let tag = if broken { "broken" } else { version };
    let ss = stackset(client, ns, name).await;
    let mut template = serde_json::to_value(&ss.spec.stack_template).unwrap();
    template["spec"]["version"] = json!(version);
    template["spec"]["podTemplate"]["spec"]["containers"][0]["image"] =
        json!(format!("example/{name}:{tag}"));
    let api: Api<StackSet> = Api::namespaced(client.clone(), ns);
    api.patch(
        name,
        &PatchParams::default(),
        &Patch::Merge(&json!({"spec": {"stackTemplate": template}})),
    )
    .await
    .expect("patch template");
    let stack = format!("{name}-{version}");
    reconcile_until(client, ns, name, &format!("{stack} exists"), || async {
        if broken {
            deployment(client, ns, &stack).await.is_some()
        } else {
            stack_ready(client, ns, &stack).await
        }
    })
    .await;
}

pub(crate) fn temp_file(name: &str, contents: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kubectl-stackset-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

#[tokio::test(flavor = "multi_thread")]
async fn create_makes_the_first_stack_and_is_idempotent() {
    let cluster = need_cluster!("create_makes_the_first_stack_and_is_idempotent");
    let ns = cluster.namespace("create").await;
    let client = cluster.client().await;
    let args = [
        "create",
        "shop",
        "--image",
        "example/shop:1.0",
        "--host",
        "shop.example.org",
        "--port",
        "8080",
        "--replicas",
        "3",
        "--autoscale",
        "3:6,cpu=70",
    ];

    // Bad input: one line, exit 2, nothing created.
    for bad in [
        vec!["create", "shop", "--image", "x", "--autoscale", "5:2"],
        vec!["create", "Shop", "--image", "x"],
        vec!["create", "shop", "--image", "x", "--version", "1.0"],
        vec!["create", "shop", "--image", "x", "--host", "not a host"],
        vec!["create", "shop", "--image", "x", "-A"],
    ] {
        let (_, err) = expect_code(&run(cluster, &ns.name, &bad), 2);
        assert!(err.starts_with("error: "), "{err}");
        assert!(err.contains("hint: "), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let api: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    assert!(api.get_opt("shop").await.unwrap().is_none());

    // Dry runs print and store nothing.
    let mut dry = args.to_vec();
    dry.extend(["--dry-run=client", "-o", "yaml"]);
    let (out, _) = expect_code(&run(cluster, &ns.name, &dry), 0);
    let printed: Value = serde_saphyr::from_str(&out).expect("yaml on stdout");
    assert_eq!(printed["kind"], "StackSet");
    assert_eq!(
        printed["spec"]["stackTemplate"]["spec"]["autoscaler"]["maxReplicas"],
        6
    );
    let mut dry = args.to_vec();
    dry.push("--dry-run=server");
    let (out, _) = expect_code(&run(cluster, &ns.name, &dry), 0);
    assert_eq!(out, "stackset.zalando.org/shop created (server dry run)\n");
    assert!(api.get_opt("shop").await.unwrap().is_none());

    // The real thing: the first stack and its children exist on return.
    let (out, _) = expect_code(&run(cluster, &ns.name, &args), 0);
    assert_eq!(out, "stackset.zalando.org/shop created\n");
    assert_eq!(stack_names(&client, &ns.name).await, vec!["shop-v1"]);
    let d = deployment(&client, &ns.name, "shop-v1")
        .await
        .expect("deployment exists when create returns");
    assert_eq!(d.spec.unwrap().replicas, Some(3));
    let ss = stackset(&client, &ns.name, "shop").await;
    assert_eq!(
        ss.annotations()
            .get("stackset-controller.zalando.org/controller")
            .map(String::as_str),
        Some("kubectl-stackset"),
        "client-side managed by default"
    );
    let ingress = ss.spec.ingress.as_ref().unwrap();
    assert_eq!(ingress.hosts, vec!["shop.example.org"]);

    // Re-running is safe; a different spec is refused.
    let (out, _) = expect_code(&run(cluster, &ns.name, &args), 0);
    assert_eq!(out, "stackset.zalando.org/shop unchanged\n");
    let mut other = args.to_vec();
    other[3] = "example/shop:2.0";
    let (_, err) = expect_code(&run(cluster, &ns.name, &other), 1);
    assert!(err.contains("already exists with another spec"), "{err}");
    assert_eq!(stack_names(&client, &ns.name).await, vec!["shop-v1"]);
}

const MANIFEST: &str = "apiVersion: zalando.org/v1
kind: StackSet
metadata:
  name: web
  annotations:
    stackset-controller.zalando.org/controller: kubectl-stackset
spec:
  ingress:
    hosts: [web.example.org]
    backendPort: 80
  stackLifecycle: {}
  stackTemplate:
    spec:
      version: v1
      replicas: 1
      podTemplate:
        spec:
          containers:
          - name: web
            image: example/web:v1
            ports:
            - containerPort: 80
";

#[tokio::test(flavor = "multi_thread")]
async fn apply_creates_configures_and_rejects_bad_files() {
    let cluster = need_cluster!("apply_creates_configures_and_rejects_bad_files");
    let ns = cluster.namespace("apply").await;
    let client = cluster.client().await;

    let broken = temp_file(
        "broken.yaml",
        &MANIFEST.replace("hosts: [web.example.org]", "hosts: [web.example.org"),
    );
    let (_, err) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["apply", "-f", broken.to_str().unwrap()],
        ),
        1,
    );
    let first = err.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&format!("error: {}:", broken.display())),
        "file, line and column: {err}"
    );
    let position: Vec<&str> = first
        .trim_start_matches(&format!("error: {}:", broken.display()))
        .splitn(3, ':')
        .collect();
    assert!(
        position[0].parse::<u32>().is_ok() && position[1].parse::<u32>().is_ok(),
        "{first}"
    );

    let deployment_doc = temp_file(
        "deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n",
    );
    let (_, err) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["apply", "-f", deployment_doc.to_str().unwrap()],
        ),
        1,
    );
    assert!(err.contains("not a zalando.org/v1 StackSet"), "{err}");
    let (_, err) = expect_code(
        &run(cluster, &ns.name, &["apply", "-f", "/nonexistent/x.yaml"]),
        1,
    );
    assert!(err.contains("cannot read /nonexistent/x.yaml"), "{err}");
    assert!(
        stack_names(&client, &ns.name).await.is_empty(),
        "nothing was written"
    );

    // From stdin, then from a file: created, unchanged, configured.
    let mut child = stackset_cmd(cluster, &ns.name)
        .args(["apply", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(MANIFEST.as_bytes())
        .unwrap();
    let (out, _) = expect_code(&child.wait_with_output().unwrap(), 0);
    assert_eq!(out, "stackset.zalando.org/web created\n");
    assert_eq!(
        stack_names(&client, &ns.name).await,
        vec!["web-v1"],
        "reconciled at once"
    );

    let file = temp_file("web.yaml", MANIFEST);
    let (out, _) = expect_code(
        &run(cluster, &ns.name, &["apply", "-f", file.to_str().unwrap()]),
        0,
    );
    assert_eq!(out, "stackset.zalando.org/web unchanged\n");

    let v2 = temp_file(
        "web-v2.yaml",
        &MANIFEST.replace("version: v1", "version: v2"),
    );
    let (out, _) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["apply", "-f", v2.to_str().unwrap(), "--dry-run=server"],
        ),
        0,
    );
    assert_eq!(
        out,
        "stackset.zalando.org/web configured (server dry run)\n"
    );
    assert_eq!(stack_names(&client, &ns.name).await, vec!["web-v1"]);
    let (out, _) = expect_code(
        &run(cluster, &ns.name, &["apply", "-f", v2.to_str().unwrap()]),
        0,
    );
    assert_eq!(out, "stackset.zalando.org/web configured\n");
    assert_eq!(
        stack_names(&client, &ns.name).await,
        vec!["web-v1", "web-v2"]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn traffic_set_previews_confirms_and_waits() {
    let cluster = need_cluster!("traffic_set_previews_confirms_and_waits");
    let ns = cluster.namespace("traffic-set").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;
    add_stack(&client, &ns.name, "app", "v2", false).await;

    // Preview only.
    let (out, err) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["traffic", "set", "app", "v2=25", "--dry-run"],
        ),
        0,
    );
    // The preview goes to stderr as in a real run; stdout holds only the
    // result, which says that nothing switched.
    assert!(
        err.contains("STACK") && err.contains("AFTER"),
        "preview on stderr: {err}"
    );
    assert_eq!(
        out,
        "stackset.zalando.org/app traffic would switch: app-v1 75%, app-v2 25% (dry run)\n"
    );
    assert_eq!(
        weights(&client, &ns.name, "app").await.0,
        w(&[("app-v1", 100)])
    );

    // Not a 0%/100% move: no confirmation needed, and the command returns
    // once the actual traffic followed.
    let (out, err) = expect_code(&run(cluster, &ns.name, &["traffic", "set", "v2=25"]), 0);
    assert_eq!(
        out,
        "stackset.zalando.org/app traffic switched: app-v1 75%, app-v2 25%\n"
    );
    assert!(err.contains("AFTER"), "preview on stderr: {err}");
    let expected = w(&[("app-v1", 75), ("app-v2", 25)]);
    assert_eq!(
        weights(&client, &ns.name, "app").await,
        (expected.clone(), expected.clone())
    );

    // Bad input: exit 2, one line and a hint, nothing written.
    let before = stackset(&client, &ns.name, "app").await.resource_version();
    for (args, says) in [
        (vec!["traffic", "set", "v1=60", "v2=50"], "add up to 110"),
        (vec!["traffic", "set", "v2=lots"], "not a number"),
        (vec!["traffic", "set", "v2=-3"], "from 0 to 100"),
        (
            vec!["traffic", "set", "v2=30", "--exact"],
            "missing: app-v1",
        ),
        (vec!["traffic", "set", "v2"], "no STACK=WEIGHT given"),
        (vec!["traffic", "set", "app", "v2"], "expected NAME=WEIGHT"),
        (
            vec!["traffic", "set", "v2=30", "--timeout", "soon"],
            "--timeout",
        ),
    ] {
        let (_, err) = expect_code(&run(cluster, &ns.name, &args), 2);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(err.contains("hint: "), "{args:?}: {err}");
    }
    // An unknown stack is "not found" (exit 1), worded as `get` words it.
    let (_, err) = expect_code(&run(cluster, &ns.name, &["traffic", "set", "v9=10"]), 1);
    assert!(
        err.starts_with("error: stackset app has no stack 'v9'; its stacks: v1, v2\n"),
        "{err}"
    );
    assert!(err.contains("hint: "), "{err}");
    assert_eq!(
        stackset(&client, &ns.name, "app").await.resource_version(),
        before
    );

    // A read-only identity is told which permission it lacks (exit 5).
    if let Some(viewer) = cluster.viewer_context() {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_kubectl-stackset"))
            .arg("--kubeconfig")
            .arg(&cluster.kubeconfig)
            .args([
                "--context",
                &viewer,
                "-n",
                &ns.name,
                "traffic",
                "set",
                "v2=30",
            ])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let (_, err) = expect_code(&o, 5);
        assert!(err.contains("forbidden"), "{err}");
        assert!(
            err.contains("kubectl auth can-i update stacksets.zalando.org"),
            "{err}"
        );
    }

    // Moving a stack to 100% (and the other to 0%) needs a confirmation,
    // which cannot be asked for without a terminal.
    let (_, err) = expect_code(&run(cluster, &ns.name, &["traffic", "set", "v2=100"]), 2);
    assert!(err.contains("pass --yes"), "{err}");
    assert_eq!(
        stackset(&client, &ns.name, "app").await.resource_version(),
        before
    );
    let (out, _) = expect_code(
        &run(
            cluster,
            &ns.name,
            &[
                "traffic", "set", "app", "v1=0", "v2=100", "--exact", "--yes",
            ],
        ),
        0,
    );
    assert_eq!(
        out,
        "stackset.zalando.org/app traffic switched: app-v2 100%\n"
    );
    let expected = w(&[("app-v2", 100)]);
    assert_eq!(
        weights(&client, &ns.name, "app").await,
        (expected.clone(), expected)
    );

    // Idempotent.
    let (out, _) = expect_code(
        &run(cluster, &ns.name, &["traffic", "set", "v2=100", "--yes"]),
        0,
    );
    assert_eq!(
        out,
        "stackset.zalando.org/app traffic unchanged: app-v2 100%\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn traffic_set_to_a_stack_that_is_not_ready_says_which_and_why() {
    let cluster = need_cluster!("traffic_set_to_a_stack_that_is_not_ready_says_which_and_why");
    let ns = cluster.namespace("traffic-blocked").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;
    add_stack(&client, &ns.name, "app", "v2", true).await;

    let (out, err) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["traffic", "set", "v2=50", "--timeout", "4s"],
        ),
        3,
    );
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("blocked"), "{err}");
    assert!(
        err.contains("app-v2 (0/2 ready"),
        "names the stack and why: {err}"
    );
    let (desired, actual) = weights(&client, &ns.name, "app").await;
    assert_eq!(
        desired,
        w(&[("app-v1", 50), ("app-v2", 50)]),
        "the desired weights are written"
    );
    assert_eq!(
        actual,
        w(&[("app-v1", 100)]),
        "no traffic to a stack that is not ready"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_traffic_changes_are_both_applied() {
    let cluster = need_cluster!("concurrent_traffic_changes_are_both_applied");
    let ns = cluster.namespace("traffic-concurrent").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;
    add_stack(&client, &ns.name, "app", "v2", false).await;
    add_stack(&client, &ns.name, "app", "v3", false).await;

    let a = spawn(cluster, &ns.name, &["traffic", "set", "v2=20", "--no-wait"]);
    let b = spawn(cluster, &ns.name, &["traffic", "set", "v3=30", "--no-wait"]);
    let (a, b) = tokio::join!(a.wait_with_output(), b.wait_with_output());
    expect_code(&a.unwrap(), 0);
    expect_code(&b.unwrap(), 0);
    let (desired, _) = weights(&client, &ns.name, "app").await;
    // Either order is fine; losing one of the two changes is not.
    let a_then_b = w(&[("app-v1", 56), ("app-v2", 14), ("app-v3", 30)]);
    let b_then_a = w(&[("app-v1", 56), ("app-v2", 20), ("app-v3", 24)]);
    assert!(
        desired == a_then_b || desired == b_then_a,
        "one update was lost: {desired:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn edits_read_again_on_conflict_and_lose_nothing() {
    let cluster = need_cluster!("edits_read_again_on_conflict_and_lose_nothing");
    let ns = cluster.namespace("edit-conflict").await;
    let client = cluster.client().await;
    let o = run(
        cluster,
        &ns.name,
        &[
            "create",
            "app",
            "--image",
            "example/app:v1",
            "--controller-managed",
        ],
    );
    expect_code(&o, 0);

    // A stale read: the first write conflicts, the edit reads again and
    // applies its change on top of the other writer's.
    let stale = stackset(&client, &ns.name, "app").await;
    let api: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    api.patch(
        "app",
        &PatchParams::default(),
        &Patch::Merge(&json!({"metadata": {"annotations": {"test/other": "1"}}})),
    )
    .await
    .unwrap();
    let edited = edit_stackset(
        &client,
        &ns.name,
        "app",
        WriteMode::Live,
        Some(stale),
        |ss| {
            ss.metadata
                .annotations
                .get_or_insert_with(BTreeMap::new)
                .insert("test/mine".into(), "1".into());
            Ok(())
        },
    )
    .await
    .unwrap();
    assert_eq!(edited.attempts, 2, "one conflict, one fresh read");
    let annotations = stackset(&client, &ns.name, "app")
        .await
        .annotations()
        .clone();
    assert_eq!(annotations.get("test/other").map(String::as_str), Some("1"));
    assert_eq!(annotations.get("test/mine").map(String::as_str), Some("1"));

    // Eight writers at once: every change lands.
    let writers = (0..8).map(|i| {
        let client = client.clone();
        let ns = ns.name.clone();
        tokio::spawn(async move {
            edit_stackset(&client, &ns, "app", WriteMode::Live, None, |ss| {
                ss.metadata
                    .annotations
                    .get_or_insert_with(BTreeMap::new)
                    .insert(format!("test/writer-{i}"), "1".into());
                Ok(())
            })
            .await
            .map(|e| e.attempts)
        })
    });
    for handle in writers.collect::<Vec<_>>() {
        handle.await.unwrap().expect("edit succeeds");
    }
    let annotations = stackset(&client, &ns.name, "app")
        .await
        .annotations()
        .clone();
    for i in 0..8 {
        assert!(
            annotations.contains_key(&format!("test/writer-{i}")),
            "writer {i} lost"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn rollback_scales_a_scaled_down_stack_up_and_switches() {
    let cluster = need_cluster!("rollback_scales_a_scaled_down_stack_up_and_switches");
    let ns = cluster.namespace("rollback").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;
    add_stack(&client, &ns.name, "app", "v2", false).await;
    expect_code(
        &run(cluster, &ns.name, &["traffic", "set", "v2=100", "--yes"]),
        0,
    );

    // v1 idles past a short TTL and is scaled down.
    let api: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    api.patch(
        "app",
        &PatchParams::default(),
        &Patch::Merge(&json!({"spec": {"stackLifecycle": {"scaledownTTLSeconds": 1}}})),
    )
    .await
    .unwrap();
    reconcile_until(&client, &ns.name, "app", "v1 scaled down", || async {
        deployment(&client, &ns.name, "app-v1")
            .await
            .and_then(|d| d.spec?.replicas)
            == Some(0)
    })
    .await;

    // An unknown stack is "not found" (exit 1), worded as everywhere.
    let (_, err) = expect_code(
        &run(cluster, &ns.name, &["rollback", "--to", "v9", "--yes"]),
        1,
    );
    assert!(
        err.contains("stackset app has no stack 'v9'; its stacks: "),
        "{err}"
    );
    let (_, err) = expect_code(&run(cluster, &ns.name, &["rollback"]), 2);
    assert!(err.contains("pass --yes"), "{err}");

    let (out, err) = expect_code(&run(cluster, &ns.name, &["rollback", "--yes"]), 0);
    assert_eq!(
        out,
        "stackset.zalando.org/app rolled back to app-v1: app-v1 100%\n"
    );
    assert!(err.contains("scaled up first"), "{err}");
    let expected = w(&[("app-v1", 100)]);
    assert_eq!(
        weights(&client, &ns.name, "app").await,
        (expected.clone(), expected)
    );
    assert!(
        stack_ready(&client, &ns.name, "app-v1").await,
        "v1 was scaled up and is ready"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_asks_first_and_the_children_follow() {
    let cluster = need_cluster!("delete_asks_first_and_the_children_follow");
    let ns = cluster.namespace("delete").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;

    let (_, err) = expect_code(&run(cluster, &ns.name, &["delete", "app"]), 2);
    assert!(err.contains("pass --yes"), "{err}");
    let (out, _) = expect_code(
        &run(cluster, &ns.name, &["delete", "app", "--dry-run=server"]),
        0,
    );
    assert_eq!(out, "stackset.zalando.org/app deleted (server dry run)\n");
    assert_eq!(stack_names(&client, &ns.name).await, vec!["app-v1"]);

    let (out, _) = expect_code(
        &run(cluster, &ns.name, &["delete", "app", "--yes", "--wait"]),
        0,
    );
    assert_eq!(out, "stackset.zalando.org/app deleted\n");
    assert!(
        stack_names(&client, &ns.name).await.is_empty(),
        "--wait waited for the stacks"
    );
    eventually("the deployment is garbage-collected", MINUTE, || async {
        deployment(&client, &ns.name, "app-v1")
            .await
            .is_none()
            .then_some(())
    })
    .await;

    let (_, err) = expect_code(&run(cluster, &ns.name, &["delete", "app", "--yes"]), 1);
    assert!(err.contains("not found"), "{err}");
    expect_code(
        &run(
            cluster,
            &ns.name,
            &["delete", "app", "--yes", "--ignore-not-found"],
        ),
        0,
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn gc_scales_down_idle_stacks_and_deletes_excess_ones() {
    let cluster = need_cluster!("gc_scales_down_idle_stacks_and_deletes_excess_ones");
    let ns = cluster.namespace("gc").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;
    add_stack(&client, &ns.name, "app", "v2", false).await;
    add_stack(&client, &ns.name, "app", "v3", false).await;
    // v1 idles first, then v2.
    expect_code(
        &run(cluster, &ns.name, &["traffic", "set", "v2=100", "--yes"]),
        0,
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    expect_code(
        &run(cluster, &ns.name, &["traffic", "set", "v3=100", "--yes"]),
        0,
    );
    let api: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    api.patch(
        "app",
        &PatchParams::default(),
        &Patch::Merge(&json!({"spec": {"stackLifecycle": {"scaledownTTLSeconds": 1, "limit": 1}}})),
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;

    let (out, err) = expect_code(&run(cluster, &ns.name, &["gc", "--dry-run"]), 0);
    assert!(
        out.contains("stack.zalando.org/app-v1 deleted (dry run): idle for"),
        "{out}"
    );
    assert!(
        out.contains("stack.zalando.org/app-v2 scaled down (dry run): no traffic for"),
        "{out}"
    );
    assert!(err.contains("stack app-v3: kept, has traffic"), "{err}");
    assert_eq!(
        stack_names(&client, &ns.name).await,
        vec!["app-v1", "app-v2", "app-v3"]
    );

    // Deleting stacks needs a confirmation: off a terminal, --yes.
    let (_, err) = expect_code(&run(cluster, &ns.name, &["gc"]), 2);
    assert!(err.contains("hint: pass --yes"), "{err}");
    assert_eq!(
        stack_names(&client, &ns.name).await,
        vec!["app-v1", "app-v2", "app-v3"]
    );
    let (out, _) = expect_code(&run(cluster, &ns.name, &["gc", "--yes"]), 0);
    assert!(
        out.contains("stack.zalando.org/app-v1 deleted: idle for"),
        "{out}"
    );
    assert!(
        out.contains("stack.zalando.org/app-v2 scaled down: no traffic for"),
        "{out}"
    );
    assert_eq!(
        stack_names(&client, &ns.name).await,
        vec!["app-v2", "app-v3"]
    );
    let v2 = deployment(&client, &ns.name, "app-v2").await.unwrap();
    assert_eq!(v2.spec.unwrap().replicas, Some(0));
    assert!(stack_ready(&client, &ns.name, "app-v3").await);

    // Nothing to delete: nothing to confirm.
    let (out, _) = expect_code(&run(cluster, &ns.name, &["gc"]), 0);
    assert_eq!(
        out,
        "stackset.zalando.org/app unchanged: nothing to collect\n"
    );
}

/// Runs the binary on a pseudo-terminal (util-linux `script`), answers the
/// first `[y/N]` prompt with `answer`, and returns the exit code and all the
/// terminal showed.
pub(crate) async fn on_terminal(
    cluster: &TestCluster,
    ns: &str,
    args: &[&str],
    answer: &str,
) -> (Option<i32>, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let base = stackset_cmd(cluster, ns);
    let quote = |s: &std::ffi::OsStr| format!("'{}'", s.to_string_lossy().replace('\'', "'\\''"));
    let mut line = quote(base.get_program());
    for a in base.get_args() {
        line.push(' ');
        line.push_str(&quote(a));
    }
    for a in args {
        line.push(' ');
        line.push_str(&quote(std::ffi::OsStr::new(a)));
    }
    let mut child = tokio::process::Command::new("script")
        .args(["-qefc", &line, "/dev/null"])
        .env("TERM", "xterm")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("terminal tests need `script` from util-linux");
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    let mut answered = false;
    loop {
        let n = tokio::time::timeout(MINUTE, stdout.read(&mut buf))
            .await
            .expect("terminal output")
            .unwrap();
        if n == 0 {
            break;
        }
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        if !answered && seen.contains("[y/N]") {
            stdin.write_all(answer.as_bytes()).await.unwrap();
            stdin.flush().await.unwrap();
            answered = true;
        }
    }
    let status = tokio::time::timeout(MINUTE, child.wait())
        .await
        .expect("exit")
        .unwrap();
    drop(stdin);
    (status.code(), seen)
}

#[tokio::test(flavor = "multi_thread")]
async fn on_a_terminal_moving_all_traffic_asks_first() {
    let cluster = need_cluster!("on_a_terminal_moving_all_traffic_asks_first");
    let ns = cluster.namespace("terminal").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;
    add_stack(&client, &ns.name, "app", "v2", false).await;
    let args = ["traffic", "set", "v2=100", "--color", "never"];

    let (code, shown) = on_terminal(cluster, &ns.name, &args, "n").await;
    assert!(
        shown.contains("Move app-v1 to 0% and app-v2 to 100%? [y/N]"),
        "{shown}"
    );
    assert!(shown.contains("cancelled; nothing was changed"), "{shown}");
    assert!(
        !shown.contains("\x1b[1m"),
        "--color never: no bold: {shown:?}"
    );
    assert_eq!(code, Some(1), "{shown}");
    assert_eq!(
        weights(&client, &ns.name, "app").await.0,
        w(&[("app-v1", 100)])
    );

    let (code, shown) = on_terminal(cluster, &ns.name, &args, "y").await;
    assert_eq!(code, Some(0), "{shown}");
    assert!(
        shown.contains("stackset.zalando.org/app traffic switched: app-v2 100%"),
        "{shown}"
    );
    let v2 = w(&[("app-v2", 100)]);
    assert_eq!(weights(&client, &ns.name, "app").await, (v2.clone(), v2));

    // A rollout asks before each step; declining pauses it.
    let (code, shown) = on_terminal(
        cluster,
        &ns.name,
        &[
            "rollout",
            "app",
            "--version",
            "v3",
            "--image",
            "example/app:v3",
            "--steps",
            "100",
        ],
        "n",
    )
    .await;
    assert!(shown.contains("Apply step 1/1 of stackset app"), "{shown}");
    // A declined prompt exits 1, as on `traffic set` and `delete` above.
    assert_eq!(code, Some(1), "{shown}");
    let r = record(&client, &ns.name, "app").await.unwrap();
    assert_eq!(
        (r.state.as_str(), r.message.as_deref()),
        ("paused", Some("step 1/1 declined"))
    );
    assert_eq!(
        weights(&client, &ns.name, "app").await.0,
        w(&[("app-v2", 100)])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn mutating_commands_print_the_stackset_with_o() {
    let cluster = need_cluster!("mutating_commands_print_the_stackset_with_o");
    let ns = cluster.namespace("mutate-output").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;
    add_stack(&client, &ns.name, "app", "v2", false).await;
    // -o name instead of the result line.
    let (out, _) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["traffic", "set", "app", "v2=25", "-o", "name"],
        ),
        0,
    );
    assert_eq!(out, "stackset.zalando.org/app\n");
    // -o json: the StackSet as written.
    let (out, _) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["traffic", "set", "app", "v2=50", "--no-wait", "-o", "json"],
        ),
        0,
    );
    let ss: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(ss["kind"], "StackSet");
    let traffic = ss["spec"]["traffic"].as_array().unwrap();
    assert!(
        traffic
            .iter()
            .any(|t| t["stackName"] == "app-v2" && t["weight"].as_f64() == Some(50.0)),
        "{traffic:?}"
    );
    // A dry run prints the StackSet as it would be, and changes nothing.
    let (out, _) = expect_code(
        &run(
            cluster,
            &ns.name,
            &[
                "rollback",
                "app",
                "--to",
                "v1",
                "--dry-run=server",
                "-o",
                "yaml",
                "--yes",
            ],
        ),
        0,
    );
    assert!(out.contains("kind: StackSet"), "{out}");
    assert!(out.contains("stackName: app-v1"), "{out}");
    let (out, _) = expect_code(
        &run(cluster, &ns.name, &["delete", "app", "--yes", "-o", "name"]),
        0,
    );
    assert_eq!(out, "stackset.zalando.org/app\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_takes_a_directory_and_recurses_with_r() {
    let cluster = need_cluster!("apply_takes_a_directory_and_recurses_with_r");
    let ns = cluster.namespace("apply-dir").await;
    let dir = std::env::temp_dir().join(format!("apply-dir-{}", ns.name));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("more")).unwrap();
    let manifest = |name: &str| {
        format!(
            "apiVersion: zalando.org/v1\nkind: StackSet\nmetadata:\n  name: {name}\n  annotations:\n    stackset-controller.zalando.org/controller: kubectl-stackset\nspec:\n  stackLifecycle: {{}}\n  stackTemplate:\n    spec:\n      version: v1\n      podTemplate:\n        spec:\n          containers:\n          - name: app\n            image: example/{name}:v1\n"
        )
    };
    std::fs::write(dir.join("a.yaml"), manifest("dir-a")).unwrap();
    std::fs::write(dir.join("more/b.yaml"), manifest("dir-b")).unwrap();
    let d = dir.to_str().unwrap();
    let (out, _) = expect_code(&run(cluster, &ns.name, &["apply", "-f", d, "--dry-run"]), 0);
    assert_eq!(out, "stackset.zalando.org/dir-a created (dry run)\n");
    let (out, _) = expect_code(
        &run(cluster, &ns.name, &["apply", "-f", d, "-R", "--dry-run"]),
        0,
    );
    assert_eq!(
        out,
        "stackset.zalando.org/dir-a created (dry run)\nstackset.zalando.org/dir-b created (dry run)\n"
    );
    // A misspelt field is named, with the nearest known one.
    std::fs::write(
        dir.join("more/b.yaml"),
        manifest("dir-b").replace("stackTemplate:", "stackTemplte:"),
    )
    .unwrap();
    let (_, err) = expect_code(&run(cluster, &ns.name, &["apply", "-f", d, "-R"]), 1);
    assert!(
        err.contains("b.yaml:9: document 1: unknown field spec.stackTemplte\nhint: did you mean stackTemplate?"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
