//! The CLI with the real upstream stackset-controller (issue #11): commands on
//! StackSets that the controller manages, and handing a StackSet from the
//! controller to kubectl-stackset and back.

use std::collections::BTreeMap;

use kube::api::{Api, Patch, PatchParams, PostParams};
use kube::{Client, ResourceExt};
use serde_json::{Value, json};
use stackset_core::api::StackSet;

use crate::differential::{Proc, kubectl_proxy, log_dir, managers, start_upstream};
use crate::fixtures::app::{MINUTE, expect_code, run, spawn, stack_ready, w, weights};
use crate::need_cluster;
use crate::support::eventually;

const CONTROLLER_ANNOTATION: &str = "stackset-controller.zalando.org/controller";

/// Commands on a StackSet that the real upstream controller (v1.4.131, no
/// controller id, limited to the test's namespace) manages: they write
/// `spec.traffic` and finish when the controller's status shows the change.
#[tokio::test(flavor = "multi_thread")]
async fn the_cli_drives_stacksets_managed_by_the_upstream_controller() {
    let cluster = need_cluster!("the_cli_drives_stacksets_managed_by_the_upstream_controller");
    let ns = cluster.namespace("upstream-cli").await;
    let client = cluster.client().await;
    let logs = log_dir("upstream-cli");
    let (_proxy, url) = kubectl_proxy(cluster, &logs);
    let start = || start_upstream("stackset-controller", "", &url, Some(&ns.name), &logs);
    let mut controller = start();

    let (_, err) = expect_code(
        &run(
            cluster,
            &ns.name,
            &[
                "create",
                "app",
                "--image",
                "example/app:v1",
                "--host",
                "app.example.org",
                "--replicas",
                "2",
                "--controller-managed",
            ],
        ),
        0,
    );
    assert!(
        err.contains("managed by the in-cluster stackset-controller"),
        "{err}"
    );
    let actual = |want: stackset_core::Weights| {
        let client = client.clone();
        let ns = ns.name.clone();
        async move {
            eventually(&format!("actual traffic {want:?}"), MINUTE, || async {
                (weights(&client, &ns, "app").await.1 == want).then_some(())
            })
            .await
        }
    };
    actual(w(&[("app-v1", 100)])).await;
    let api: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    api.patch(
        "app",
        &PatchParams::default(),
        &Patch::Merge(&json!({"spec": {"stackTemplate": {"spec": {"version": "v2"}}}})),
    )
    .await
    .unwrap();
    eventually("upstream made app-v2 ready", MINUTE, || async {
        stack_ready(&client, &ns.name, "app-v2").await.then_some(())
    })
    .await;

    // Without the controller the command writes spec.traffic, switches
    // nothing itself, and times out waiting for the status (exit 3).
    controller.kill();
    let (_, err) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["traffic", "set", "v2=30", "--timeout", "3s"],
        ),
        3,
    );
    assert!(err.contains("in-cluster stackset-controller"), "{err}");
    let (desired, actual_now) = weights(&client, &ns.name, "app").await;
    assert_eq!(desired, w(&[("app-v1", 70), ("app-v2", 30)]));
    assert_eq!(actual_now, w(&[("app-v1", 100)]), "not switched by the CLI");
    assert!(
        !api.get("app")
            .await
            .unwrap()
            .annotations()
            .contains_key(CONTROLLER_ANNOTATION),
        "not claimed"
    );

    // With the controller back, the commands finish once it has switched.
    let mut controller = start();
    let (out, _) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["traffic", "set", "v2=40", "--timeout", "60s"],
        ),
        0,
    );
    assert_eq!(
        out,
        "stackset.zalando.org/app traffic switched: app-v1 60%, app-v2 40%\n"
    );
    assert_eq!(
        weights(&client, &ns.name, "app").await.1,
        w(&[("app-v1", 60), ("app-v2", 40)]),
        "the controller's status shows the switch when the command returns"
    );

    let (out, _) = expect_code(
        &run(
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
                "50,100",
                "--interval",
                "0s",
                "--yes",
            ],
        ),
        0,
    );
    assert_eq!(out, "stackset.zalando.org/app rolled out: app-v3 100%\n");
    assert_eq!(
        weights(&client, &ns.name, "app").await,
        (w(&[("app-v3", 100)]), w(&[("app-v3", 100)]))
    );

    // rollback: to the stack that served before v3.
    let (out, _) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["rollback", "app", "--yes", "--timeout", "60s"],
        ),
        0,
    );
    assert!(out.contains("app-v2 100%"), "{out}");
    assert_eq!(
        weights(&client, &ns.name, "app").await.1,
        w(&[("app-v2", 100)])
    );

    // A rollout held by a pause, then aborted: the weights from before it return.
    let driver = spawn(
        cluster,
        &ns.name,
        &[
            "rollout",
            "app",
            "--version",
            "v4",
            "--image",
            "example/app:v4",
            "--steps",
            "20,100",
            "--interval",
            "1h",
            "--yes",
        ],
    );
    actual(w(&[("app-v2", 80), ("app-v4", 20)])).await;
    let (out, _) = expect_code(&run(cluster, &ns.name, &["rollout", "pause", "app"]), 0);
    assert_eq!(
        out,
        "stackset.zalando.org/app rollout to v4 paused at step 1/2\n"
    );
    let (out, _) = expect_code(&run(cluster, &ns.name, &["rollout", "resume", "app"]), 0);
    assert!(out.contains("resumed at step 1/2"), "{out}");
    let (out, _) = expect_code(
        &run(cluster, &ns.name, &["rollout", "abort", "app", "--yes"]),
        0,
    );
    assert!(out.contains("rollout to v4 aborted"), "{out}");
    actual(w(&[("app-v2", 100)])).await;
    let o = tokio::time::timeout(MINUTE, driver.wait_with_output())
        .await
        .expect("the driver ends after the abort")
        .unwrap();
    assert_ne!(
        o.status.code(),
        Some(0),
        "an aborted rollout is not a success"
    );

    // The read commands show what the controller did.
    let (out, _) = expect_code(&run(cluster, &ns.name, &["status", "app"]), 0);
    assert!(out.contains("Healthy - traffic v2 100"), "{out}");
    let (out, _) = expect_code(&run(cluster, &ns.name, &["get", "app", "-o", "json"]), 0);
    let view: Value = serde_json::from_str(&out).expect("get -o json");
    assert!(view.to_string().contains("app-v4"), "{view}");

    controller.assert_running();
    // Every object was written by the upstream controller, none by us.
    for (obj, m) in written_by(&client, &ns.name).await {
        if obj.starts_with("StackSet/") {
            continue; // the commands edit the StackSet itself, by design
        }
        assert!(
            !m.iter().any(|m| m == "kubectl-stackset"),
            "{obj} was written by kubectl-stackset although the controller manages it: {m:?}"
        );
    }
}

/// Field managers of every object the controllers write in `ns`, with the
/// newest time each manager wrote.
async fn manager_times(client: &Client, ns: &str) -> BTreeMap<(String, String), String> {
    let mut out = BTreeMap::new();
    for (kind, ar) in crate::differential::compared_kinds() {
        let api: Api<kube::api::DynamicObject> = Api::namespaced_with(client.clone(), ns, &ar);
        for o in api.list(&Default::default()).await.unwrap().items {
            for f in o.metadata.managed_fields.iter().flatten() {
                let key = (
                    format!("{kind}/{}", o.name_any()),
                    f.manager.clone().unwrap_or_default(),
                );
                let t = f.time.as_ref().map(|t| t.0.to_string()).unwrap_or_default();
                let e = out.entry(key).or_insert_with(String::new);
                if t > *e {
                    *e = t;
                }
            }
        }
    }
    out
}

async fn written_by(client: &Client, ns: &str) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (kind, ar) in crate::differential::compared_kinds() {
        let api: Api<kube::api::DynamicObject> = Api::namespaced_with(client.clone(), ns, &ar);
        for o in api.list(&Default::default()).await.unwrap().items {
            let v = serde_json::to_value(&o).unwrap();
            out.insert(
                format!("{kind}/{}", o.name_any()),
                managers(&v).into_iter().collect(),
            );
        }
    }
    out
}

/// Writes by `manager` since `before`: objects whose newest write by that
/// manager is newer, or that it wrote for the first time.
fn new_writes(
    before: &BTreeMap<(String, String), String>,
    after: &BTreeMap<(String, String), String>,
    manager: &str,
) -> Vec<String> {
    after
        .iter()
        .filter(|((_, m), _)| m == manager)
        .filter(|(k, t)| before.get(*k).is_none_or(|b| b < *t))
        .map(|((o, _), t)| format!("{o} at {t}"))
        .collect()
}

/// A StackSet named `name` (its objects are named after it).
fn small_stackset(name: &str, controller: Option<&str>) -> StackSet {
    let mut meta = json!({"name": name, "labels": {"application": name}});
    if let Some(id) = controller {
        meta["annotations"] = json!({CONTROLLER_ANNOTATION: id});
    }
    serde_json::from_value(json!({
        "apiVersion": "zalando.org/v1", "kind": "StackSet",
        "metadata": meta,
        "spec": {
            "ingress": {"hosts": [format!("{name}.example.org")], "backendPort": 80},
            "stackLifecycle": {"scaledownTTLSeconds": 300, "limit": 10},
            "stackTemplate": {"spec": {"version": "v1", "replicas": 1,
                "podTemplate": {"spec": {"containers": [{"name": "app",
                    "image": "example/app:v1", "ports": [{"containerPort": 80}]}]}}}}
        }
    }))
    .unwrap()
}

/// A positive barrier instead of a fixed wait: moves heartbeat StackSet
/// `hb` to version `b<n>` and waits until its controller has created that
/// Stack, which proves the controller ran a pass after this call began.
async fn heartbeat(client: &Client, ns: &str, hb: &str, n: u32) {
    let api: Api<StackSet> = Api::namespaced(client.clone(), ns);
    let version = format!("b{n}");
    api.patch(
        hb,
        &PatchParams::default(),
        &Patch::Merge(&json!({"spec": {"stackTemplate": {"spec": {"version": version}}}})),
    )
    .await
    .unwrap();
    let stacks: Api<stackset_core::api::Stack> = Api::namespaced(client.clone(), ns);
    let name = format!("{hb}-{version}");
    eventually(&format!("heartbeat {name}"), MINUTE, || async {
        stacks.get_opt(&name).await.ok().flatten().map(|_| ())
    })
    .await;
}

/// Only the objects of StackSet `app` (the heartbeats' are left out).
fn of_app(m: BTreeMap<(String, String), String>) -> BTreeMap<(String, String), String> {
    m.into_iter()
        .filter(|((obj, _), _)| {
            obj.split_once('/')
                .is_some_and(|(_, n)| n == "app" || n.starts_with("app-"))
        })
        .collect()
}

/// `reconcile NAME --claim` hands a StackSet from the upstream controller to
/// kubectl-stackset, and removing the annotation hands it back; the previous
/// owner writes nothing afterwards, although it keeps running (checked after
/// heartbeats prove it has run passes since).
#[tokio::test(flavor = "multi_thread")]
async fn claim_hands_a_stackset_over_and_removing_the_annotation_hands_it_back() {
    let cluster =
        need_cluster!("claim_hands_a_stackset_over_and_removing_the_annotation_hands_it_back");
    let ns = cluster.namespace("upstream-claim").await;
    let client = cluster.client().await;
    let logs = log_dir("upstream-claim");
    let (_proxy, url) = kubectl_proxy(cluster, &logs);
    // Upstream without an id manages StackSets without the annotation.
    let mut upstream = start_upstream("stackset-controller", "", &url, Some(&ns.name), &logs);
    // kubectl-stackset as a controller too, for the whole test.
    let mut ours = {
        let mut cmd = crate::support::stackset_cmd(cluster, &ns.name);
        cmd.args(["reconcile", "-A", "--watch", "--interval", "1s"]);
        Proc::spawn("kubectl-stackset-claim", &mut cmd, &logs)
    };

    let api: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    let pp = PostParams::default();
    api.create(&pp, &small_stackset("app", None)).await.unwrap();
    // Heartbeats: one for each controller, named apart from `app`.
    api.create(&pp, &small_stackset("hb-up", None))
        .await
        .unwrap();
    api.create(&pp, &small_stackset("hb-ours", Some("kubectl-stackset")))
        .await
        .unwrap();
    eventually("upstream serves v1", MINUTE, || async {
        (weights(&client, &ns.name, "app").await.1 == w(&[("app-v1", 100)])).then_some(())
    })
    .await;

    // Hand over.
    let (out, _) = expect_code(&run(cluster, &ns.name, &["reconcile", "app", "--claim"]), 0);
    assert!(!out.is_empty());
    let claimed = api.get("app").await.unwrap();
    assert_eq!(
        claimed
            .annotations()
            .get(CONTROLLER_ANNOTATION)
            .map(String::as_str),
        Some("kubectl-stackset")
    );
    // Upstream handles events and passes in one loop, in order: once it has
    // acted on a heartbeat changed after the claim, it has dropped `app`.
    heartbeat(&client, &ns.name, "hb-up", 1).await;
    let at_claim = of_app(manager_times(&client, &ns.name).await);
    api.patch(
        "app",
        &PatchParams::default(),
        &Patch::Merge(&json!({"spec": {"stackTemplate": {"spec": {"version": "v2"}}}})),
    )
    .await
    .unwrap();
    eventually("kubectl-stackset made app-v2 ready", MINUTE, || async {
        stack_ready(&client, &ns.name, "app-v2").await.then_some(())
    })
    .await;
    let (_, _) = expect_code(
        &run(
            cluster,
            &ns.name,
            &[
                "traffic",
                "set",
                "app",
                "v2=100",
                "--yes",
                "--timeout",
                "60s",
            ],
        ),
        0,
    );
    // Upstream has run passes since `app` had work to do.
    heartbeat(&client, &ns.name, "hb-up", 2).await;
    let after = of_app(manager_times(&client, &ns.name).await);
    let upstream_writes = new_writes(&at_claim, &after, "stackset-controller");
    assert!(
        upstream_writes.is_empty(),
        "the upstream controller wrote after the claim: {upstream_writes:?}"
    );
    assert!(
        !new_writes(&at_claim, &after, "kubectl-stackset").is_empty(),
        "kubectl-stackset did the work after the claim"
    );

    // Hand back: remove the annotation.
    api.patch(
        "app",
        &PatchParams::default(),
        &Patch::Merge(&json!({"metadata": {"annotations": {CONTROLLER_ANNOTATION: null}}})),
    )
    .await
    .unwrap();
    heartbeat(&client, &ns.name, "hb-ours", 1).await;
    let at_return = of_app(manager_times(&client, &ns.name).await);
    api.patch(
        "app",
        &PatchParams::default(),
        &Patch::Merge(&json!({"spec": {"traffic": [
            {"stackName": "app-v1", "weight": 50}, {"stackName": "app-v2", "weight": 50}]}})),
    )
    .await
    .unwrap();
    eventually("upstream switches 50/50", MINUTE, || async {
        (weights(&client, &ns.name, "app").await.1 == w(&[("app-v1", 50), ("app-v2", 50)]))
            .then_some(())
    })
    .await;
    heartbeat(&client, &ns.name, "hb-ours", 2).await;
    let after = of_app(manager_times(&client, &ns.name).await);
    let our_writes = new_writes(&at_return, &after, "kubectl-stackset");
    assert!(
        our_writes.is_empty(),
        "kubectl-stackset wrote after handing the StackSet back: {our_writes:?}"
    );
    assert!(
        !new_writes(&at_return, &after, "stackset-controller").is_empty(),
        "the upstream controller did the work after the hand-back"
    );
    upstream.assert_running();
    ours.assert_running();
}
