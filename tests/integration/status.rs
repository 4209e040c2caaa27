//! `kubectl stackset status`: exit codes (0 healthy, 4 not), `--until` (healthy,
//! timeout with 3, errors only a spec change fixes with 4), and `--watch`.

use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

use k8s_openapi::jiff::Timestamp;
use serde_json::json;

use crate::fixtures::shop::{
    blocked_shop, create, deployment_ready, healthy_shop, interrupt, json_of, lines_of, patch,
    reconcile, stackset, stackset_in, wait_with_deadline,
};
use crate::need_cluster;
use crate::support::{eventually, stackset_cmd};

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
            // Long enough for the first look to end on a loaded machine: a
            // deadline that passes during the first look has no status to
            // show (the wait never outlives --timeout).
            "--timeout",
            "10s",
        ],
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
    assert!(
        r.stderr.contains(&format!(
            "error: timed out after 10s waiting for stackset {}/shop to be traffic-switched: \
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
