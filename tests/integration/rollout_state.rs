//! An open rollout as every command sees it (issue #14): `get`, `list`,
//! `status` and their JSON name its step, state and driver; `status --until
//! healthy` never passes while it is open and stops with exit code 6 once
//! waiting cannot end it; `rollout status` tells a live driver from an
//! abandoned record; the controller mode (`reconcile --watch`) carries a
//! rollout on after its terminal is gone; `traffic set` after a full
//! rollout rescales the other stack. All on the real local control plane.

use std::time::Duration;

use crate::controller::Ctl;
use crate::mutate::{
    MINUTE, add_stack, create_app, expect_code, record, run, spawn, stackset, w, weights,
};
use crate::need_cluster;
use crate::support::eventually;

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

fn start_rollout(steps: &str, interval: &str) -> Vec<String> {
    [
        "rollout",
        "app",
        "--version",
        "v2",
        "--image",
        "example/app:v2",
        "--steps",
        steps,
        "--interval",
        interval,
        "--yes",
    ]
    .iter()
    .map(ToString::to_string)
    .collect()
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

#[tokio::test(flavor = "multi_thread")]
async fn the_controller_carries_a_rollout_on_after_the_cli_is_killed() {
    let cluster = need_cluster!("the_controller_carries_a_rollout_on_after_the_cli_is_killed");
    let ns = cluster.namespace("rollout-controller").await;
    let client = cluster.client().await;
    create_app(cluster, &client, &ns.name, "app").await;
    let ctl = Ctl::start(cluster, &ns.name, &["--interval", "30s"]);

    // Record who drives each step while the rollout runs.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let (client, ns, stop) = (client.clone(), ns.name.clone(), stop.clone());
        tokio::spawn(async move {
            let mut seen: Vec<(u32, String, u32)> = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if let Some(r) = record(&client, &ns, "app").await {
                    let kind = r
                        .driver
                        .map(|d| d.kind.as_str().to_string())
                        .unwrap_or_default();
                    let v2 = weights(&client, &ns, "app")
                        .await
                        .0
                        .get("app-v2")
                        .copied()
                        .unwrap_or(0);
                    let entry = (r.step, kind, v2);
                    if seen.last() != Some(&entry) {
                        seen.push(entry);
                    }
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            seen
        })
    };
    let args = start_rollout("20,50,100", "3s");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut driver = spawn(cluster, &ns.name, &args);
    eventually("step 1 reached", MINUTE, || async {
        let r = record(&client, &ns.name, "app").await?;
        (r.step == 1 && r.step_reached.is_some()).then_some(())
    })
    .await;
    let r = record(&client, &ns.name, "app").await.unwrap();
    assert_eq!(
        r.driver.unwrap().kind.as_str(),
        "cli",
        "a live CLI keeps its rollout"
    );

    // The terminal goes away.
    driver.start_kill().unwrap();
    assert_eq!(driver.wait().await.unwrap().code(), None);
    let killed_at_step = record(&client, &ns.name, "app").await.unwrap().step;
    assert!(killed_at_step < 3, "killed mid-rollout");

    // The controller takes it over once the heartbeat lapses and sees it
    // through, step by step.
    let r = eventually("the rollout is done", 2 * MINUTE, || async {
        let r = record(&client, &ns.name, "app").await?;
        (r.state.as_str() == "done").then_some(r)
    })
    .await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let seen = sampler.await.unwrap();
    assert_eq!(r.step, 3, "{seen:?}");
    assert_eq!(
        r.driver.as_ref().unwrap().kind.as_str(),
        "controller",
        "{seen:?}"
    );
    let expected = w(&[("app-v2", 100)]);
    eventually("actual follows", MINUTE, || async {
        (weights(&client, &ns.name, "app").await == (expected.clone(), expected.clone()))
            .then_some(())
    })
    .await;
    // The CLI drove until it was killed, the controller from then on (one
    // hand-over, never back), each weight of the plan once and in order.
    let v2: Vec<u32> = seen.iter().map(|e| e.2).collect();
    let mut distinct = v2.clone();
    distinct.dedup();
    assert_eq!(distinct, vec![0, 20, 50, 100], "{seen:?}");
    let handover = seen
        .iter()
        .position(|e| e.1 == "controller")
        .expect("the controller drove");
    assert!(seen[..handover].iter().all(|e| e.1 == "cli"), "{seen:?}");
    assert!(
        seen[handover..].iter().all(|e| e.1 == "controller"),
        "{seen:?}"
    );
    assert!(seen[handover].0 >= killed_at_step, "{seen:?}");
    let log = ctl.log();
    assert!(
        log.contains("stackset ") && log.contains("took over the rollout to v2"),
        "{log}"
    );
    let (out, _) = expect_code(
        &run(
            cluster,
            &ns.name,
            &["status", "app", "--until", "healthy", "--timeout", "1m"],
        ),
        0,
    );
    assert!(out.starts_with("Healthy"), "{out}");
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
