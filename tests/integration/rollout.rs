//! `kubectl stackset rollout` against the real local control plane
//! (issue #6): a full rollout step by step, a new stack that never becomes
//! ready, a driver killed at every step and run again, and the control
//! commands (pause, resume, promote, abort, status) from another terminal.
use std::time::Duration;

use kube::ResourceExt;
use kube::api::Api;
use stackset_core::api::Stack;

use crate::fixtures::app::{
    MINUTE, create_app, expect_code, record, run, spawn, stackset, start_rollout, w, weights,
};
use crate::need_cluster;
use crate::support::eventually;

#[tokio::test(flavor = "multi_thread")]
async fn rollout_shifts_traffic_from_v1_to_v2_step_by_step() {
    let cluster = need_cluster!("rollout_shifts_traffic_from_v1_to_v2_step_by_step");
    let ns = cluster.namespace("rollout-full").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;
    let before = stackset(&client, &ns.name, "app").await.resource_version();

    // Bad input and refusals: exit 2, nothing written.
    for (args, says) in [
        (vec!["rollout", "app", "--yes"], "no rollout recorded"),
        (
            vec![
                "rollout",
                "app",
                "--version",
                "v2",
                "--steps",
                "50,10",
                "--yes",
            ],
            "steps must increase",
        ),
        (
            vec![
                "rollout",
                "app",
                "--version",
                "v2",
                "--image",
                "nope=x:1",
                "--yes",
            ],
            "no container \"nope\"",
        ),
        (
            vec!["rollout", "app", "--version", "V_2", "--yes"],
            "invalid",
        ),
        (
            vec![
                "rollout",
                "app",
                "--version",
                "v2",
                "--image",
                "example/app:v2",
            ],
            "pass --yes",
        ),
        (
            vec![
                "rollout",
                "app",
                "--version",
                "v2",
                "--step-interval",
                "soon",
                "--yes",
            ],
            "--step-interval",
        ),
    ] {
        let (_, err) = expect_code(&run(cluster, &ns.name, &args), 2);
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let (out, err) = expect_code(
        &run(
            cluster,
            &ns.name,
            &[
                "rollout",
                "app",
                "--version",
                "v2",
                "--image",
                "example/app:v2",
                "--steps",
                "25,50,100",
                "--dry-run",
            ],
        ),
        0,
    );
    // The plan goes to stderr, as in a real run; its count and weights agree.
    assert!(err.contains("steps: 3 (25%, 50%, 100%), interval"), "{err}");
    assert!(err.contains("1. app-v1 75%, app-v2 25%"), "{err}");
    assert!(err.contains("3. app-v2 100%"), "{err}");
    assert_eq!(
        out,
        "stackset.zalando.org/app rollout to v2 would start (dry run)\n"
    );
    assert_eq!(
        stackset(&client, &ns.name, "app").await.resource_version(),
        before
    );

    // Record every desired weight of v2 while the rollout runs.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let (client, ns, stop) = (client.clone(), ns.name.clone(), stop.clone());
        tokio::spawn(async move {
            let mut seen: Vec<u32> = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let (desired, _) = weights(&client, &ns, "app").await;
                assert_eq!(desired.values().sum::<u32>(), 100, "{desired:?}");
                let v2 = desired.get("app-v2").copied().unwrap_or(0);
                if seen.last() != Some(&v2) {
                    seen.push(v2);
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            seen
        })
    };
    let o = run(
        cluster,
        &ns.name,
        &[
            "rollout",
            "app",
            "--version",
            "v2",
            "--image",
            "example/app:v2",
            "--steps",
            "25,50,100",
            "--step-interval",
            "1s",
            "--yes",
        ],
    );
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let seen = watcher.await.unwrap();
    let (out, err) = expect_code(&o, 0);
    assert_eq!(out, "stackset.zalando.org/app rolled out: app-v2 100%\n");
    let positions: Vec<usize> = [
        "step 1/3: app-v1 75%, app-v2 25%",
        "step 2/3: app-v1 50%, app-v2 50%",
        "step 3/3: app-v2 100%",
    ]
    .iter()
    .map(|s| err.find(s).unwrap_or_else(|| panic!("{s} in {err}")))
    .collect();
    assert!(
        positions.windows(2).all(|p| p[0] < p[1]),
        "steps in order: {err}"
    );
    assert!(
        seen.windows(2).all(|p| p[0] < p[1]),
        "v2 only grows: {seen:?}"
    );
    for step in [25, 50, 100] {
        assert!(seen.contains(&step), "step {step} was written: {seen:?}");
    }

    let r = record(&client, &ns.name, "app").await.expect("record");
    assert_eq!((r.state.as_str(), r.step, r.total_steps), ("done", 3, 3));
    assert_eq!(r.previous, w(&[("app-v1", 100)]));
    let expected = w(&[("app-v2", 100)]);
    assert_eq!(
        weights(&client, &ns.name, "app").await,
        (expected.clone(), expected)
    );
    let ss = stackset(&client, &ns.name, "app").await;
    let template = &ss.spec.stack_template.spec;
    assert_eq!(template.version, "v2");
    let image = template.spec.pod_template.spec.as_ref().unwrap().containers[0]
        .image
        .clone();
    assert_eq!(image.as_deref(), Some("example/app:v2"));

    // Running it again changes nothing.
    let (out, _) = expect_code(
        &run(
            cluster,
            &ns.name,
            &[
                "rollout",
                "app",
                "--version",
                "v2",
                "--image",
                "example/app:v2",
                "--yes",
            ],
        ),
        0,
    );
    assert_eq!(out, "stackset.zalando.org/app rolled out: app-v2 100%\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn rollout_whose_pods_never_become_ready_aborts_and_keeps_v1() {
    let cluster = need_cluster!("rollout_whose_pods_never_become_ready_aborts_and_keeps_v1");
    let ns = cluster.namespace("rollout-broken").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;

    let (out, err) = expect_code(
        &run(
            cluster,
            &ns.name,
            &[
                "rollout",
                "app",
                "--version",
                "v2",
                "--image",
                "example/app:broken",
                "--ready-timeout",
                "5s",
                "--step-interval",
                "1s",
                "--yes",
            ],
        ),
        4,
    );
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("did not become ready within 5s: 0/2 ready"),
        "{err}"
    );
    assert!(err.contains("aborted, traffic: app-v1 100%"), "{err}");
    let v1 = w(&[("app-v1", 100)]);
    assert_eq!(
        weights(&client, &ns.name, "app").await,
        (v1.clone(), v1.clone())
    );
    let r = record(&client, &ns.name, "app").await.unwrap();
    assert_eq!(r.state.as_str(), "aborted");
    assert!(r.message.unwrap().starts_with("failed: "));

    // With --on-failure pause it holds instead; abort restores later.
    let (_, err) = expect_code(
        &run(
            cluster,
            &ns.name,
            &[
                "rollout",
                "app",
                "--version",
                "v3",
                "--image",
                "example/app:broken",
                "--ready-timeout",
                "3s",
                "--on-failure",
                "pause",
                "--yes",
            ],
        ),
        4,
    );
    assert!(err.contains("paused at step 0/"), "{err}");
    let r = record(&client, &ns.name, "app").await.unwrap();
    assert_eq!((r.version.as_str(), r.state.as_str()), ("v3", "paused"));
    let (out, _) = expect_code(&run(cluster, &ns.name, &["rollout", "status", "app"]), 0);
    assert!(out.contains("State:      paused"), "{out}");
    let (_, err) = expect_code(&run(cluster, &ns.name, &["rollout", "app", "--yes"]), 4);
    assert!(err.contains("is paused"), "{err}");

    let (out, _) = expect_code(
        &run(cluster, &ns.name, &["rollout", "abort", "app", "--yes"]),
        0,
    );
    assert_eq!(
        out,
        "stackset.zalando.org/app rollout to v3 aborted: app-v1 100%\n"
    );
    assert_eq!(weights(&client, &ns.name, "app").await, (v1.clone(), v1));
    let (out, _) = expect_code(
        &run(cluster, &ns.name, &["rollout", "abort", "app", "--yes"]),
        0,
    );
    assert_eq!(
        out,
        "stackset.zalando.org/app rollout to v3 already aborted\n"
    );
    expect_code(&run(cluster, &ns.name, &["rollout", "status", "app"]), 4);
}

async fn stack_uid(client: &kube::Client, ns: &str, name: &str) -> Option<String> {
    let api: Api<Stack> = Api::namespaced(client.clone(), ns);
    api.get_opt(name).await.unwrap().and_then(|s| s.uid())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rollout_killed_at_every_step_resumes_and_completes() {
    let cluster = need_cluster!("a_rollout_killed_at_every_step_resumes_and_completes");
    let ns = cluster.namespace("rollout-killed").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;
    let first = [
        "rollout",
        "app",
        "--version",
        "v2",
        "--image",
        "example/app:v2",
        "--steps",
        "25,50,75,100",
        "--step-interval",
        "2s",
        "--yes",
    ];
    let again = ["rollout", "app", "--yes"];
    let mut uid = None;
    let mut steps = Vec::new();
    for k in 0..4u32 {
        let mut child = spawn(cluster, &ns.name, if k == 0 { &first } else { &again });
        // Kill it (SIGKILL) as soon as the StackSet shows step k.
        let deadline = tokio::time::Instant::now() + MINUTE;
        loop {
            if let Some(r) = record(&client, &ns.name, "app").await
                && r.step >= k
            {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "step {k} never came"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        child.start_kill().unwrap();
        let status = child.wait().await.unwrap();
        assert_eq!(
            status.code(),
            None,
            "killed by a signal at step {k}, not finished"
        );

        // Consistent after every kill: one open record, weights that add up,
        // exactly the two stacks, the same v2 stack throughout.
        let r = record(&client, &ns.name, "app").await.unwrap();
        assert_eq!(r.state.as_str(), "running", "at step {k}");
        let (desired, _) = weights(&client, &ns.name, "app").await;
        assert_eq!(desired.values().sum::<u32>(), 100, "{desired:?}");
        let names: Vec<String> = crate::fixtures::app::stack_names(&client, &ns.name).await;
        let v2 = stack_uid(&client, &ns.name, "app-v2").await;
        if v2.is_some() {
            assert_eq!(names, vec!["app-v1", "app-v2"]);
            assert!(uid.is_none() || uid == v2, "the v2 stack was created once");
            uid = v2;
        }
        steps.push(r.step);
    }
    let (out, err) = expect_code(&run(cluster, &ns.name, &again), 0);
    assert_eq!(out, "stackset.zalando.org/app rolled out: app-v2 100%\n");
    assert!(
        err.contains("continuing the rollout of stackset app to v2"),
        "{err}"
    );
    assert!(steps.windows(2).all(|p| p[0] <= p[1]), "{steps:?}");
    let r = record(&client, &ns.name, "app").await.unwrap();
    assert_eq!((r.state.as_str(), r.step), ("done", 4));
    let expected = w(&[("app-v2", 100)]);
    assert_eq!(
        weights(&client, &ns.name, "app").await,
        (expected.clone(), expected)
    );
    assert_eq!(stack_uid(&client, &ns.name, "app-v2").await, uid);
}

#[tokio::test(flavor = "multi_thread")]
async fn pause_resume_promote_and_status_work_from_another_terminal() {
    let cluster = need_cluster!("pause_resume_promote_and_status_work_from_another_terminal");
    let ns = cluster.namespace("rollout-control").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;

    // A driver holding each step for an hour.
    let driver = spawn(
        cluster,
        &ns.name,
        &[
            "rollout",
            "app",
            "--version",
            "v2",
            "--image",
            "example/app:v2",
            "--steps",
            "10,50,100",
            // The old spelling of --step-interval, kept as a hidden alias.
            "--interval",
            "1h",
            "--yes",
        ],
    );
    eventually("step 1 reached", MINUTE, || async {
        let r = record(&client, &ns.name, "app").await?;
        (r.step == 1 && r.step_reached.is_some()).then_some(())
    })
    .await;
    let (out, _) = expect_code(&run(cluster, &ns.name, &["rollout", "status", "app"]), 0);
    assert!(out.contains("State:      running"), "{out}");
    assert!(out.contains("Step:       1/3"), "{out}");
    assert!(out.contains("app-v2   10%       10%"), "{out}");
    assert!(
        out.lines().any(
            |l| l.starts_with("ETA:") && (l.contains("1h59m") || l.trim_end().ends_with(" 2h"))
        ),
        "the rest of step 1's hold and step 2's hold: {out}"
    );

    let (out, _) = expect_code(&run(cluster, &ns.name, &["rollout", "pause", "app"]), 0);
    assert_eq!(
        out,
        "stackset.zalando.org/app rollout to v2 paused at step 1/3\n"
    );
    let (out, _) = expect_code(&run(cluster, &ns.name, &["rollout", "pause", "app"]), 0);
    assert_eq!(
        out,
        "stackset.zalando.org/app rollout to v2 already paused at step 1/3\n"
    );
    let (out, _) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["rollout", "status", "app", "-o", "json"],
        ),
        0,
    );
    let status: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(status["rollout"]["state"], "paused");
    let (out, _) = expect_code(&run(cluster, &ns.name, &["rollout", "resume", "app"]), 0);
    assert_eq!(
        out,
        "stackset.zalando.org/app rollout to v2 resumed at step 1/3\n"
    );

    // Promote: the next step now instead of in an hour.
    let (out, _) = expect_code(&run(cluster, &ns.name, &["rollout", "promote", "app"]), 0);
    assert_eq!(
        out,
        "stackset.zalando.org/app rollout to v2 promoted: app-v1 50%, app-v2 50%\n"
    );
    assert_eq!(record(&client, &ns.name, "app").await.unwrap().step, 2);
    let (_, err) = expect_code(
        &run(cluster, &ns.name, &["rollout", "promote", "app", "--full"]),
        2,
    );
    assert!(err.contains("pass --yes"), "{err}");
    let (out, _) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["rollout", "promote", "app", "--full", "--yes"],
        ),
        0,
    );
    assert_eq!(
        out,
        "stackset.zalando.org/app rollout to v2 fully promoted: app-v2 100%\n"
    );

    // The driver sees the rollout through.
    let o = tokio::time::timeout(MINUTE, driver.wait_with_output())
        .await
        .expect("the driver ends")
        .unwrap();
    let (out, _) = expect_code(&o, 0);
    assert_eq!(out, "stackset.zalando.org/app rolled out: app-v2 100%\n");
    assert_eq!(
        record(&client, &ns.name, "app")
            .await
            .unwrap()
            .state
            .as_str(),
        "done"
    );
    let (_, err) = expect_code(
        &run(cluster, &ns.name, &["rollout", "abort", "app", "--yes"]),
        1,
    );
    assert!(err.contains("is done; there is nothing to abort"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_leaves_the_rollout_recorded_and_consistent() {
    let cluster = need_cluster!("ctrl_c_leaves_the_rollout_recorded_and_consistent");
    let ns = cluster.namespace("rollout-interrupt").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;
    let child = spawn(
        cluster,
        &ns.name,
        &[
            "rollout",
            "app",
            "--version",
            "v2",
            "--image",
            "example/app:broken",
            "--ready-timeout",
            "10m",
            "--yes",
        ],
    );
    eventually("waiting for v2 to become ready", MINUTE, || async {
        let r = record(&client, &ns.name, "app").await?;
        let d = crate::fixtures::app::deployment(&client, &ns.name, "app-v2").await?;
        (r.state.as_str() == "running" && d.status.is_some()).then_some(())
    })
    .await;
    let pid = child.id().expect("running").to_string();
    let kill = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(kill.success());
    let o = tokio::time::timeout(MINUTE, child.wait_with_output())
        .await
        .expect("exits on Ctrl-C")
        .unwrap();
    let (_, err) = expect_code(&o, 130);
    assert!(err.contains("error: interrupted"), "{err}");
    assert!(
        err.contains("continue it with `kubectl stackset rollout NAME`"),
        "{err}"
    );
    let r = record(&client, &ns.name, "app").await.unwrap();
    assert_eq!((r.version.as_str(), r.state.as_str()), ("v2", "running"));
    let v1 = w(&[("app-v1", 100)]);
    assert_eq!(
        weights(&client, &ns.name, "app").await,
        (v1.clone(), v1.clone())
    );

    let (out, _) = expect_code(
        &run(cluster, &ns.name, &["rollout", "abort", "app", "--yes"]),
        0,
    );
    assert_eq!(
        out,
        "stackset.zalando.org/app rollout to v2 aborted: app-v1 100%\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rollout_takes_the_template_from_a_file() {
    let cluster = need_cluster!("rollout_takes_the_template_from_a_file");
    let ns = cluster.namespace("rollout-file").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;
    let mut ss = serde_json::to_value(stackset(&client, &ns.name, "app").await).unwrap();
    let object = ss.as_object_mut().unwrap();
    object.remove("status");
    object.insert("metadata".into(), serde_json::json!({"name": "app"}));
    ss["spec"]["stackTemplate"]["spec"]["version"] = "v2".into();
    ss["spec"]["stackTemplate"]["spec"]["podTemplate"]["spec"]["containers"][0]["image"] =
        "example/app:v2".into();
    ss["spec"]["stackTemplate"]["spec"]["replicas"] = 1.into();
    ss["spec"].as_object_mut().unwrap().remove("traffic");
    let file =
        crate::fixtures::app::temp_file("app-v2.yaml", &serde_saphyr::to_string(&ss).unwrap());
    let path = file.to_str().unwrap();

    let (_, err) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["rollout", "other", "-f", path, "--yes"],
        ),
        2,
    );
    assert!(err.contains("does not match"), "{err}");
    let (out, _) = expect_code(
        &run(
            cluster,
            &ns.name,
            &[
                "rollout",
                "-f",
                path,
                "--steps",
                "50,100",
                "--step-interval",
                "0s",
                "--yes",
            ],
        ),
        0,
    );
    assert_eq!(out, "stackset.zalando.org/app rolled out: app-v2 100%\n");
    let got = stackset(&client, &ns.name, "app").await;
    assert_eq!(got.spec.stack_template.spec.version, "v2");
    assert_eq!(got.spec.stack_template.spec.spec.replicas, Some(1));
    let v2 = w(&[("app-v2", 100)]);
    assert_eq!(weights(&client, &ns.name, "app").await, (v2.clone(), v2));
}

#[tokio::test(flavor = "multi_thread")]
async fn rollout_timeout_bounds_the_whole_rollout_and_keeps_it_recorded() {
    let cluster = need_cluster!("rollout_timeout_bounds_the_whole_rollout_and_keeps_it_recorded");
    let ns = cluster.namespace("rollout-timeout").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;
    // Each step is held for an hour; the whole rollout may take 20 s.
    let o = run(
        cluster,
        &ns.name,
        &[
            "rollout",
            "app",
            "--version",
            "v2",
            "--image",
            "example/app:v2",
            "--steps",
            "10,100",
            "--step-interval",
            "1h",
            "--timeout",
            "20s",
            "--yes",
        ],
    );
    let (_, err) = expect_code(&o, 3);
    assert!(
        err.contains("error: the rollout did not finish within --timeout 20s"),
        "{err}"
    );
    assert!(err.contains("hint: it stays recorded"), "{err}");
    let r = record(&client, &ns.name, "app").await.expect("a record");
    assert_eq!((r.state.as_str(), r.step), ("running", 1), "{r:?}");
    // rollout status -w prints the state off a terminal, once per change.
    let mut watcher = spawn(cluster, &ns.name, &["rollout", "status", "app", "-w"]);
    let stdout = watcher.stdout.take().unwrap();
    let mut lines = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(stdout));
    let first = tokio::time::timeout(MINUTE, lines.next_line())
        .await
        .expect("a first line in time")
        .unwrap()
        .unwrap();
    assert!(first.ends_with(" app State: running; Step: 1/2"), "{first}");
    watcher.kill().await.unwrap();
}

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn an_open_rollout_is_shown_everywhere_and_never_healthy() {
    let cluster = need_cluster!("an_open_rollout_is_shown_everywhere_and_never_healthy");
    let ns = cluster.namespace("rollout-visible").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;
    let args = start_rollout("10,50,100", "1h");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut driver = spawn(cluster, &ns.name, &args);
    eventually("step 1 reached", MINUTE, || async {
        let r = record(&client, &ns.name, "app").await?;
        (r.step == 1 && r.step_reached.is_some()).then_some(())
    })
    .await;

    // get, list and status, as JSON and as tables, show step, state and driver.
    let (out, _) = expect_code(&run(cluster, &ns.name, &["get", "app", "-o", "json"]), 0);
    let get = json(&out);
    let rollout = &get["rollout"];
    assert_eq!(rollout["version"], "v2", "{out}");
    assert_eq!(rollout["state"], "running", "{out}");
    assert_eq!(
        (rollout["step"].as_u64(), rollout["totalSteps"].as_u64()),
        (Some(1), Some(3))
    );
    assert_eq!(rollout["drivenBy"], "cli", "{out}");
    assert_eq!(rollout["abandoned"], false, "{out}");
    assert!(
        rollout["driver"]["holder"]
            .as_str()
            .unwrap()
            .contains(" pid "),
        "{out}"
    );
    assert_eq!(get["status"]["phase"], "Progressing", "{out}");
    let (out, _) = expect_code(&run(cluster, &ns.name, &["list", "-o", "json"]), 0);
    assert_eq!(
        json(&out)["items"][0]["rollout"]["state"],
        "running",
        "{out}"
    );
    let (out, _) = expect_code(&run(cluster, &ns.name, &["status", "app", "-o", "yaml"]), 4);
    assert!(out.contains("drivenBy: cli"), "{out}");
    let (out, _) = expect_code(&run(cluster, &ns.name, &["status", "app"]), 4);
    assert!(
        out.starts_with("Progressing - rollout to v2 running at step 1/3"),
        "10% on v2 is not healthy: {out}"
    );
    let (out, _) = expect_code(&run(cluster, &ns.name, &["get", "app"]), 0);
    assert!(
        out.lines().any(|l| l.starts_with("Rollout:") && l.contains("v2 running, step 1/3, driven by cli")),
        "{out}"
    );
    let (out, _) = expect_code(&run(cluster, &ns.name, &["list"]), 0);
    assert!(
        out.contains("ROLLOUT") && out.contains("v2 1/3 running (cli)"),
        "{out}"
    );
    let (out, _) = expect_code(&run(cluster, &ns.name, &["rollout", "status", "app"]), 0);
    assert!(
        out.lines()
            .any(|l| l.starts_with("Driver:") && l.contains("cli ") && l.contains("heartbeat")),
        "{out}"
    );
    // Driven, so waiting may end it: `--until healthy` waits, and times out.
    let (_, err) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["status", "app", "--until", "healthy", "--timeout", "2s"],
        ),
        3,
    );
    assert!(err.contains("rollout to v2 running at step 1/3"), "{err}");

    // The driver dies (SIGKILL: no chance to say goodbye). Once its heartbeat
    // lapses, the record is abandoned, and `rollout status` says so.
    driver.start_kill().unwrap();
    assert_eq!(driver.wait().await.unwrap().code(), None);
    let out = eventually("rollout status says abandoned", MINUTE, || async {
        let o = run(cluster, &ns.name, &["rollout", "status", "app"]);
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        out.contains("abandoned, no process is driving it")
            .then_some(out)
    })
    .await;
    assert!(!out.contains("ETA:"), "no ETA without a driver: {out}");
    assert!(
        out.contains("run `kubectl stackset rollout resume app`"),
        "{out}"
    );
    let (out, _) = expect_code(&run(cluster, &ns.name, &["get", "app", "-o", "json"]), 0);
    assert_eq!(json(&out)["rollout"]["abandoned"], true, "{out}");
    assert_eq!(json(&out)["rollout"]["drivenBy"], "none", "{out}");

    // Nobody takes it over (no controller runs): `--until healthy` stops
    // with exit code 6 instead of passing or waiting out its timeout.
    let started = std::time::Instant::now();
    let (out, err) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["status", "app", "--until", "healthy", "--timeout", "2m"],
        ),
        6,
    );
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "it did not wait out the timeout"
    );
    assert!(
        out.starts_with("Progressing - rollout to v2 running"),
        "{out}"
    );
    assert!(err.contains("no process is driving it"), "{err}");
    assert!(
        err.contains("hint: resume it with `kubectl stackset rollout resume app`"),
        "{err}"
    );

    // Paused: exit 6 at once.
    expect_code(&run(cluster, &ns.name, &["rollout", "pause", "app"]), 0);
    let (_, err) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["status", "app", "--until", "healthy", "--timeout", "2m"],
        ),
        6,
    );
    assert!(
        err.contains("is paused at step 1/3 (paused by user)"),
        "{err}"
    );

    // `rollout resume` takes the abandoned rollout over and drives it from
    // this terminal; it ends when the rollout does (promoted from another).
    let resumed = spawn(cluster, &ns.name, &["rollout", "resume", "app", "--yes"]);
    let resumer = resumed.id().unwrap();
    eventually("the resume command drives the rollout", MINUTE, || async {
        let r = record(&client, &ns.name, "app").await?;
        let d = r.driver?;
        (r.state.as_str() == "running" && d.holder.ends_with(&format!(" pid {resumer}")))
            .then_some(())
    })
    .await;
    let (out, _) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["rollout", "promote", "app", "--full", "--yes"],
        ),
        0,
    );
    assert_eq!(
        out,
        "stackset.zalando.org/app rollout to v2 fully promoted: app-v2 100%\n"
    );
    let o = tokio::time::timeout(MINUTE, resumed.wait_with_output())
        .await
        .expect("the resume command ends with the rollout")
        .unwrap();
    let (out, err) = expect_code(&o, 0);
    assert_eq!(
        out, "stackset.zalando.org/app rolled out: app-v2 100%\n",
        "{err}"
    );
    assert!(err.contains("rollout to v2 resumed at step 1/3"), "{err}");
    let (out, _) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["status", "app", "--until", "healthy", "--timeout", "1m"],
        ),
        0,
    );
    assert!(
        out.starts_with("Healthy"),
        "a finished rollout is closed: {out}"
    );
    let (out, _) = expect_code(&run(cluster, &ns.name, &["get", "app", "-o", "json"]), 0);
    assert_eq!(json(&out)["rollout"]["state"], "done", "{out}");
}
