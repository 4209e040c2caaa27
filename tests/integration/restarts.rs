//! Real restarts (issue #15): kube-apiserver and etcd are stopped and started
//! again (same binary, same flags, same data) while `reconcile -A --watch`
//! runs, on a control plane of this test's own (a restart would disturb the
//! tests that share the main one). The watch must survive both and act on a
//! change made after each; a one-shot command while the API server is down
//! stops with one line naming the problem, and does not hang.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kube::Client;
use kube::api::{Api, Patch, PatchParams};
use serde_json::json;
use stackset_core::api::{Stack, StackSet};

use crate::faults::{app, create, run_until};
use crate::need_cluster;
use crate::support::private::PrivatePlane;

/// Whether the stack appears within 90 s; prints how long it took (the
/// figure the README's availability section quotes).
async fn stack_appears(client: &Client, name: &str) -> bool {
    let stacks: Api<Stack> = Api::namespaced(client.clone(), "default");
    let start = Instant::now();
    let deadline = start + Duration::from_secs(90);
    while Instant::now() < deadline {
        if stacks.get_opt(name).await.ok().flatten().is_some() {
            eprintln!("restarts: stack {name} after {:?}", start.elapsed());
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

async fn new_version(client: &Client, version: &str) {
    Api::<StackSet>::namespaced(client.clone(), "default")
        .patch(
            "app",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"stackTemplate": {"spec": {"version": version}}}})),
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_watch_survives_a_real_api_server_and_etcd_restart() {
    // Only where the local control plane can be built and started.
    let _shared = need_cluster!("the_watch_survives_a_real_api_server_and_etcd_restart");
    let p = tokio::task::spawn_blocking(|| PrivatePlane::start("restarts"))
        .await
        .unwrap();
    let client = p.client().await;
    create(
        &client,
        "default",
        &app("app", "v1", "kubectl-stackset", "segments"),
    )
    .await;

    let mut watch = Command::new(env!("CARGO_BIN_EXE_kubectl-stackset"))
        .arg("--kubeconfig")
        .arg(&p.kubeconfig)
        .args([
            "reconcile",
            "-A",
            "--watch",
            "--interval",
            "5s",
            "--color",
            "never",
            "-v",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = watch.stderr.take().unwrap();
    let log = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut s);
        s
    });
    let mut seen = vec![stack_appears(&client, "app-v1").await];

    // kube-apiserver goes away mid-watch.
    let args = p.stop("kube-apiserver");
    // A one-shot command meanwhile: one line, exit 1, in bounded time.
    let mut once = Command::new(env!("CARGO_BIN_EXE_kubectl-stackset"));
    once.arg("--kubeconfig")
        .arg(&p.kubeconfig)
        .args(["reconcile", "app", "--color", "never"]);
    let ran = tokio::task::spawn_blocking(move || run_until(once, Duration::from_secs(60)))
        .await
        .unwrap();
    assert_eq!(ran.code, Some(1), "{ran:?}");
    let first = ran.stderr.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("error: ") && first.contains("unreachable"),
        "{}",
        ran.stderr
    );
    assert!(ran.took < Duration::from_secs(30), "{:?}", ran.took);
    p.start_again("kube-apiserver", &args);
    p.wait_ready().await;
    let client = p.client().await;
    new_version(&client, "v2").await;
    seen.push(stack_appears(&client, "app-v2").await);

    // etcd goes away: the API server answers with errors meanwhile.
    let args = p.stop("etcd");
    tokio::time::sleep(Duration::from_secs(3)).await;
    p.start_again("etcd", &args);
    p.wait_ready().await;
    new_version(&client, "v3").await;
    seen.push(seen[1] && stack_appears(&client, "app-v3").await);

    let running = watch.try_wait().unwrap().is_none();
    Command::new("kill")
        .args(["-INT", &watch.id().to_string()])
        .status()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    let code = loop {
        if let Some(st) = watch.try_wait().unwrap() {
            break st.code();
        }
        if Instant::now() > deadline {
            let _ = watch.kill();
            let _ = watch.wait();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let log = log.join().unwrap();
    assert!(running, "the watch ended: {log}");
    assert_eq!(
        seen,
        [true, true, true],
        "v1, v2 after the API server restart, v3 after the etcd restart:\n{log}"
    );
    assert_eq!(code, Some(130), "{log}");
    assert!(!log.contains("panicked"), "{log}");
}
