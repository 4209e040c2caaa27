//! Real TCP faults from Toxiproxy in front of the API server's TLS port
//! (`support::toxiproxy`, issue #15): the CLI keeps verifying the server's
//! certificate, the faults are those of a real network (resets, cut
//! streams, black holes), and they end.

use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

use k8s_openapi::api::apps::v1::Deployment;
use kube::api::{Api, Patch, PatchParams};
use serde_json::json;
use stackset_core::api::{Stack, StackSet};

use crate::faults::{OURS, app, converge, create, run_until, via_kubeconfig};
use crate::need_cluster;
use crate::support::eventually;
use crate::support::toxiproxy::{Stream, Toxic, Toxiproxy};

/// Every connection reset at its first byte: the command stops with one
/// line naming the broken connection (no panic, exit 1, within its retry
/// budget). With the toxic gone, the same command through the same
/// Toxiproxy works: TLS is verified end to end through the listener.
#[tokio::test(flavor = "multi_thread")]
async fn resets_on_every_connection_fail_cleanly_and_the_path_works_once_they_end() {
    let cluster =
        need_cluster!("resets_on_every_connection_fail_cleanly_and_the_path_works_once_they_end");
    let ns = cluster.namespace("toxi-resets").await;
    let client = cluster.client().await;
    create(&client, &ns.name, &app("app", "v1", OURS, "segments")).await;
    converge(&client, &ns.name, "app", OURS).await;
    let toxi = Toxiproxy::start(cluster);

    toxi.add(&Toxic::reset_peer(Stream::Upstream, 0, 1.0).named("reset"));
    let mut cmd = via_kubeconfig(&toxi.kubeconfig, cluster, &ns.name);
    cmd.args(["get", "app"]);
    let ran = tokio::task::spawn_blocking(move || run_until(cmd, Duration::from_secs(60)))
        .await
        .unwrap();
    assert_eq!(ran.code, Some(1), "{ran:?}");
    assert!(!ran.stderr.contains("panicked"), "{}", ran.stderr);
    let errors: Vec<&str> = ran
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "one error line: {}", ran.stderr);
    assert!(
        ["unreachable", "connection", "reset", "closed"]
            .iter()
            .any(|w| errors[0].contains(w)),
        "the error names the broken connection: {}",
        ran.stderr
    );

    toxi.remove("reset");
    let mut cmd = via_kubeconfig(&toxi.kubeconfig, cluster, &ns.name);
    cmd.args(["get", "app"]);
    let ran = tokio::task::spawn_blocking(move || run_until(cmd, Duration::from_secs(60)))
        .await
        .unwrap();
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert!(ran.stdout.contains("app-v1"), "{}", ran.stdout);
}

/// Resets on every connection for the first second, then none: the command
/// is retried through the outage and finishes its work.
#[tokio::test(flavor = "multi_thread")]
async fn a_burst_of_resets_that_ends_is_retried_and_traffic_set_succeeds() {
    let cluster = need_cluster!("a_burst_of_resets_that_ends_is_retried_and_traffic_set_succeeds");
    let ns = cluster.namespace("toxi-burst").await;
    let client = cluster.client().await;
    create(&client, &ns.name, &app("app", "v1", OURS, "segments")).await;
    converge(&client, &ns.name, "app", OURS).await;
    let ss: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    ss.patch(
        "app",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"stackTemplate": {"spec": {"version": "v2"}}}})),
    )
    .await
    .unwrap();
    converge(&client, &ns.name, "app", OURS).await;

    let toxi = Toxiproxy::start(cluster);
    toxi.add(&Toxic::reset_peer(Stream::Upstream, 0, 1.0).named("reset"));
    let mut cmd = via_kubeconfig(&toxi.kubeconfig, cluster, &ns.name);
    cmd.args([
        "traffic",
        "set",
        "app",
        "v2=30",
        "--yes",
        "--timeout",
        "60s",
    ]);
    let run = tokio::task::spawn_blocking(move || run_until(cmd, Duration::from_secs(120)));
    tokio::time::sleep(Duration::from_secs(1)).await;
    toxi.remove("reset");
    let ran = run.await.unwrap();
    assert_eq!(ran.code, Some(0), "{ran:?}");
    // Its first request was reset: it finished only after the resets ended.
    assert!(
        ran.took >= Duration::from_millis(900),
        "the command did not run into the resets: {ran:?}"
    );
    let weights: Vec<(String, f64)> =
        serde_json::to_value(ss.get("app").await.unwrap()).unwrap()["spec"]["traffic"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["stackName"].as_str().unwrap().to_string(),
                    t["weight"].as_f64().unwrap(),
                )
            })
            .collect();
    assert!(
        weights.contains(&("app-v2".to_string(), 30.0))
            && weights.contains(&("app-v1".to_string(), 70.0)),
        "{weights:?}"
    );
}

/// `reconcile -A --watch` through Toxiproxy: once it has converged a
/// StackSet, every stream is cut at its next byte (`limit_data`) while the
/// StackSet changes, so the watch event of that change is cut off; the cut
/// then ends. The controller keeps running, re-opens its watches and
/// carries out the change; its resync interval is an hour, so only the
/// re-opened watches can bring it.
#[tokio::test(flavor = "multi_thread")]
async fn the_watch_survives_cut_watch_streams_and_acts_on_the_change_it_missed() {
    let cluster =
        need_cluster!("the_watch_survives_cut_watch_streams_and_acts_on_the_change_it_missed");
    let ns = cluster.namespace("toxi-watch").await;
    let client = cluster.client().await;
    let id = format!("toxi-{}", ns.name);
    create(&client, &ns.name, &app("app", "v1", &id, "segments")).await;
    let toxi = Toxiproxy::start(cluster);

    let mut cmd = via_kubeconfig(&toxi.kubeconfig, cluster, &ns.name);
    cmd.args(["reconcile", "-A", "--watch", "--interval", "1h", "-v"])
        .env("STACKSET_CONTROLLER_ID", &id)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn the watch");
    let mut stderr = child.stderr.take().unwrap();
    let log = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let ss: Api<StackSet> = Api::namespaced(client.clone(), &ns.name);
    let deps: Api<Deployment> = Api::namespaced(client.clone(), &ns.name);
    eventually(
        "the watch converged app-v1",
        Duration::from_secs(60),
        || async {
            let v = serde_json::to_value(ss.get("app").await.ok()?).ok()?;
            let ready = deps.get_opt("app-v1").await.ok()??.status?.ready_replicas? >= 1;
            (ready && v.pointer("/status/traffic/0/weight")?.as_f64() == Some(100.0)).then_some(())
        },
    )
    .await;

    toxi.add(&Toxic::limit_data(Stream::Downstream, 1, 1.0).named("cut"));
    ss.patch(
        "app",
        &PatchParams::default(),
        &Patch::Merge(json!({"spec": {"stackTemplate": {"spec": {"version": "v2"}}}})),
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    toxi.remove("cut");
    let healed = Instant::now();

    let stacks: Api<Stack> = Api::namespaced(client.clone(), &ns.name);
    let seen = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            if stacks.get_opt("app-v2").await.ok().flatten().is_some()
                && deps.get_opt("app-v2").await.ok().flatten().is_some()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    })
    .await
    .is_ok();
    // kube-runtime's watcher backoff (800 ms doubling up to 30 s) decides
    // how long after the cut the change is acted on.
    eprintln!(
        "the watch acted on the missed change {:.1} s after the cut ended",
        healed.elapsed().as_secs_f64()
    );
    let still_running = child.try_wait().unwrap().is_none();
    let _ = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(15);
    let code = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let log = log.join().unwrap();
    assert!(still_running, "the watch exited after the cut:\n{log}");
    assert!(
        seen,
        "the watch did not create app-v2 within 60 s of the cut ending:\n{log}"
    );
    assert_eq!(code, Some(130), "stopped with Ctrl-C:\n{log}");
    assert!(!log.contains("panicked"), "{log}");
}

/// A StackSet whose current version (v2) never becomes ready, v1 serving.
async fn blocked_app(cluster: &crate::support::TestCluster, ns: &str) {
    let client = cluster.client().await;
    create(&client, ns, &app("app", "v1", OURS, "segments")).await;
    converge(&client, ns, "app", OURS).await;
    Api::<StackSet>::namespaced(client.clone(), ns)
        .patch(
            "app",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"stackTemplate": {"spec": {"version": "v2",
                "podTemplate": {"spec": {"containers": [{"name": "app",
                    "image": "example/app:broken",
                    "ports": [{"containerPort": 80, "name": "http"}]}]}}}}}})),
        )
        .await
        .unwrap();
    let mut cmd = crate::support::stackset_cmd(cluster, ns);
    cmd.args(["reconcile", "app"]);
    let ran = tokio::task::spawn_blocking(move || run_until(cmd, Duration::from_secs(60)))
        .await
        .unwrap();
    assert_eq!(ran.code, Some(0), "{ran:?}");
}

/// Runs `args` through Toxiproxy; 2 s in, everything the client sends is
/// swallowed and nothing is closed, for good (a connection silently dropped
/// on the way). kube's client has no read timeout, so a request sent then
/// never returns on its own; the command's `--timeout` (8 s) must still end
/// it: exit 3 with one error line, well before the 60 s the test allows.
async fn black_hole_mid_wait(
    cluster: &crate::support::TestCluster,
    ns: &str,
    args: &[&str],
) -> crate::faults::Ran {
    let toxi = std::sync::Arc::new(Toxiproxy::start(cluster));
    let mut cmd = via_kubeconfig(&toxi.kubeconfig, cluster, ns);
    cmd.args(args);
    let run = tokio::task::spawn_blocking(move || run_until(cmd, Duration::from_secs(60)));
    tokio::time::sleep(Duration::from_secs(2)).await;
    let t = toxi.clone();
    tokio::task::spawn_blocking(move || {
        t.add(&Toxic::timeout(Stream::Upstream, 0, 1.0).named("black-hole"))
    })
    .await
    .unwrap();
    let ran = run.await.unwrap();
    assert_eq!(
        ran.code,
        Some(3),
        "{args:?} did not stop at its --timeout: {ran:?}"
    );
    assert!(ran.took < Duration::from_secs(20), "{ran:?}");
    let errors: Vec<&str> = ran
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "one error line: {}", ran.stderr);
    assert!(
        errors[0].contains("did not answer in time"),
        "{}",
        ran.stderr
    );
    ran
}

#[tokio::test(flavor = "multi_thread")]
async fn traffic_set_timeout_bounds_the_wait_through_a_black_hole() {
    let cluster = need_cluster!("traffic_set_timeout_bounds_the_wait_through_a_black_hole");
    let ns = cluster.namespace("toxi-hole-traffic").await;
    blocked_app(cluster, &ns.name).await;
    black_hole_mid_wait(
        cluster,
        &ns.name,
        &["traffic", "set", "app", "v2=50", "--yes", "--timeout", "8s"],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn status_until_timeout_bounds_the_wait_through_a_black_hole() {
    let cluster = need_cluster!("status_until_timeout_bounds_the_wait_through_a_black_hole");
    let ns = cluster.namespace("toxi-hole-status").await;
    blocked_app(cluster, &ns.name).await;
    let ran = black_hole_mid_wait(
        cluster,
        &ns.name,
        &[
            "status",
            "app",
            "--until",
            "healthy",
            "--timeout",
            "8s",
            "--interval",
            "1s",
        ],
    )
    .await;
    // The looks before the black hole saw v2 not ready: the status they saw
    // is the result, on stdout, though the last look never ended.
    assert!(
        ran.stdout.starts_with("Progressing"),
        "the last status seen on stdout: {ran:?}"
    );
}
