//! `kubectl stackset traffic` (and `history`, shown with it) and `traffic
//! set`: desired versus actual, the preview and confirmation, a stack that is
//! not ready, the prompt on a terminal, and a `traffic set` after a rollout.

use std::process::Stdio;

use k8s_openapi::jiff::Timestamp;
use kube::ResourceExt;

use crate::fixtures::app::{
    MINUTE, add_stack, create_app, expect_code, record, run, stackset, w, weights,
};
use crate::fixtures::shop::{blocked_shop, json_of, stackset_in, yaml};
use crate::need_cluster;
use crate::support::{TestCluster, stackset_cmd};

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
async fn traffic_set_after_a_full_rollout_rescales_the_other_stack() {
    let cluster = need_cluster!("traffic_set_after_a_full_rollout_rescales_the_other_stack");
    let ns = cluster.namespace("traffic-after-rollout").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;
    add_stack(&client, &ns.name, "app", "v2", false).await;
    expect_code(
        &run(
            cluster,
            &ns.name,
            &["traffic", "set", "app", "v2=100", "--yes"],
        ),
        0,
    );
    let all = w(&[("app-v2", 100)]);
    assert_eq!(weights(&client, &ns.name, "app").await, (all.clone(), all));

    // Sub-integer and out-of-range weights: exit 2, one line and a hint,
    // nothing written (not even in a dry run).
    let before = stackset(&client, &ns.name, "app")
        .await
        .metadata
        .resource_version;
    for (args, says) in [
        (
            vec!["traffic", "set", "app", "v2=0.5"],
            "not a whole percentage",
        ),
        (
            vec!["traffic", "set", "app", "v2=0.5", "--dry-run"],
            "not a whole percentage",
        ),
        (
            vec!["traffic", "set", "app", "v2=12.5%"],
            "not a whole percentage",
        ),
        (vec!["traffic", "set", "app", "v2=101"], "from 0 to 100"),
        (vec!["traffic", "set", "app", "v2=-1"], "from 0 to 100"),
    ] {
        let (out, err) = expect_code(&run(cluster, &ns.name, &args), 2);
        assert!(out.is_empty(), "{args:?}: {out}");
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 2, "{args:?}: one line and a hint: {err}");
        assert!(
            lines[0].starts_with("error: ") && lines[0].contains(says),
            "{args:?}: {err}"
        );
        assert!(lines[1].starts_with("hint: "), "{args:?}: {err}");
    }
    assert_eq!(
        stackset(&client, &ns.name, "app")
            .await
            .metadata
            .resource_version,
        before
    );

    // v2 is the only stack with traffic; naming it rescales the other.
    let (out, err) = expect_code(
        &run(cluster, &ns.name, &["traffic", "set", "app", "v2=25"]),
        0,
    );
    assert_eq!(
        out, "stackset.zalando.org/app traffic switched: app-v1 75%, app-v2 25%\n",
        "{err}"
    );
    let split = w(&[("app-v1", 75), ("app-v2", 25)]);
    assert_eq!(
        weights(&client, &ns.name, "app").await,
        (split.clone(), split)
    );
}
